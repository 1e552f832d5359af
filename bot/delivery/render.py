"""Text and buttons for each outbox message key, in the reader's language, at send time.

Message keys and their meaning: see `bot.domain.outbox`. Output is Telegram HTML (send with
`parse_mode="HTML"`); user-provided values are escaped (see `bot.views.action`). Language:
plain, friendly and short (B1), because many readers are not native speakers.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.views import attendance
from bot.views.action import action_summary, cannot_come_keyboard, rsvp_keyboard
from storage.models import Action, Person


def render(
    t: Translator,
    *,
    message_key: str,
    action: Action | None,
    area_name: str,
    person: Person | None = None,
    args: dict[str, Any] | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Render one outbox message: `(HTML text, inline keyboard or None)`.

    `t` is the recipient's translator (`I18n.translator(person.language)`), `action` the
    action the row refers to (None for keys in ACTIONLESS_KEYS), `area_name` the name of
    the action's area, `args` the row's JSON args. `person` is the recipient; accepted for
    messages that depend on who reads them (none do yet).
    Raises `ValueError` for a message key that has no rendering or lacks its action.
    """
    del person  # no message depends on the reader yet, only on their language
    if message_key == "help_request_new":
        place = html.escape(str((args or {}).get("place", "")))
        return t.gettext(
            "A resident in {place} signed up and would like help. See /helprequests.",
            place=place,
        ), None
    if message_key == "coordinator_left":
        counts = args or {}
        return t.gettext(
            "A coordinator of your area has left and deleted their data. Their open actions "
            "({actions}) and invite links ({invites}) are now yours. See /actions.",
            actions=int(counts.get("actions", 0)),
            invites=int(counts.get("invites", 0)),
        ), None
    if action is None:
        raise ValueError(f"message key {message_key!r} needs an action")
    summary = action_summary(t, action, area_name)
    area = html.escape(area_name)
    title = f"<b>{html.escape(action.title)}</b>"
    if message_key == "action_call":
        intro = t.gettext("New action in {area}: can you help?", area=area)
        return f"{intro}\n\n{summary}", rsvp_keyboard(t, action.id)
    if message_key in ("reminder_24h", "reminder_2h"):
        short = action_summary(t, action, area_name, show_needed=False)
        if message_key == "reminder_24h":
            intro = t.gettext("Reminder: tomorrow you help at this action. Thank you!")
        else:
            intro = t.gettext(
                "Soon: {title} starts at {time}. See you there!",
                title=title,
                time=html.escape(t.time(action.starts_at)),
            )
        return f"{intro}\n\n{short}", cannot_come_keyboard(t, action.id)
    if message_key == "action_cancelled":
        text = t.gettext(
            "Cancelled: {title} on {when} does not go ahead. Sorry for the change.",
            title=title,
            when=html.escape(t.datetime(action.starts_at)),
        )
        return text, None
    if message_key == "waitlist_promoted":
        intro = t.gettext(
            "Good news: a place came free, so you can come and help. "
            "Can you not come after all? Then tap No."
        )
        return f"{intro}\n\n{summary}", rsvp_keyboard(t, action.id)
    if message_key == "attendance_ask":
        return attendance.ask_text(t, action), attendance.ask_keyboard(t, action.id)
    if message_key == "attendance_thanks":
        return attendance.thanks_text(t, action), None
    raise ValueError(f"no rendering for message key {message_key!r}")
