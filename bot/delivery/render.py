"""Text and buttons for each outbox message key, in the reader's language, at send time.

One renderer per `MessageKind` (`RENDERERS`); kinds and their rules: `bot.domain.outbox`.
Output is Telegram HTML (send with `parse_mode="HTML"`); user-provided values are escaped
(see `bot.views.action`). Language: plain, friendly and short (B1), because many readers
are not native speakers.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.delivery.render_coupling import COUPLING_RENDERERS
from bot.domain.joint import organisers_text
from bot.domain.outbox import RULES, MessageKind
from bot.i18n import Translator
from bot.views import attendance, couples, handover, notices, signals, worries
from bot.views.action import (
    action_summary,
    cannot_come_keyboard,
    rsvp_keyboard,
    waitlist_line,
    yes_line,
)
from bot.views.action_edit import call_changed_message, changed_message, moved_message
from bot.views.lists import keyboard
from bot.views.results import results_button
from storage.models import Action, Person

Rendered = tuple[str, InlineKeyboardMarkup | None]


def _call(t: Translator, action: Action, area_name: str, args: dict[str, Any]) -> Rendered:
    """The call; a joint action says who organises it ("met DOCK Centrum en Ymere"):
    `args["organisers"]`, loaded at send time (`bot.delivery.batch`)."""
    summary = action_summary(t, action, area_name)
    organisers = [str(name) for name in args.get("organisers") or ()]
    if organisers:
        intro = t.gettext(
            "New action in {area}, with {organisations}: can you help?",
            area=html.escape(area_name),
            organisations=organisers_text([html.escape(n) for n in organisers], t.language),
        )
    else:
        intro = t.gettext("New action in {area}: can you help?", area=html.escape(area_name))
    return f"{intro}\n\n{summary}", rsvp_keyboard(t, action.id)


def _reminder_24h(t: Translator, action: Action, area_name: str, args: dict[str, Any]) -> Rendered:
    short = action_summary(t, action, area_name, show_needed=False)
    intro = t.gettext("Reminder: tomorrow you help at this action. Thank you!")
    return f"{intro}\n\n{short}", cannot_come_keyboard(t, action.id)


def _reminder_2h(t: Translator, action: Action, area_name: str, args: dict[str, Any]) -> Rendered:
    """The last reminder; its buttons stay useful at the door: give up the place, record
    results (from the start), worried about someone."""
    short = action_summary(t, action, area_name, show_needed=False)
    intro = t.gettext(
        "Today at {time} the action starts. See you there!",
        time=html.escape(t.time(action.starts_at)),
    )
    extra = keyboard([[results_button(t, action.id)], [worries.worried_button(t)]])
    rows = [*cannot_come_keyboard(t, action.id).inline_keyboard, *extra.inline_keyboard]
    return f"{intro}\n\n{short}", InlineKeyboardMarkup(rows)


def _cancelled(t: Translator, action: Action, area_name: str, args: dict[str, Any]) -> Rendered:
    text = t.gettext(
        "{title} on {when} is cancelled: you don't need to come. Thank you for wanting to help!",
        title=f"<b>{html.escape(action.title)}</b>",
        when=html.escape(t.datetime(action.starts_at)),
    )
    return text, None


def _promoted(t: Translator, action: Action, area_name: str, args: dict[str, Any]) -> Rendered:
    summary = action_summary(t, action, area_name)
    intro = t.gettext(
        "Good news: a place came free, so you can come and help. Can't come after all? Then tap No."
    )
    return f"{intro}\n\n{summary}", rsvp_keyboard(t, action.id)


def _answer_updated(
    t: Translator, action: Action, area_name: str, args: dict[str, Any]
) -> Rendered:
    """The message where the person answered, as it reads now: a place (no `position`), or
    their new place on the waiting list (`position`, 1-based)."""
    summary = action_summary(t, action, area_name)
    position = args.get("position")
    line = waitlist_line(t, int(position)) if position else yes_line(t)
    return f"{summary}\n\n{line}", rsvp_keyboard(t, action.id)


def _help_request_new(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    place = html.escape(str(args.get("place", "")))
    if args.get("asked"):  # asked later with /hulpvraag
        return t.gettext(
            "A resident in {place} asks for help. See /helprequests.", place=place
        ), None
    return t.gettext(
        "A resident in {place} signed up and would like help. See /helprequests.",
        place=place,
    ), None


def _coordinator_left(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    return t.gettext(
        "A coordinator of your area has left and deleted their data. Their open actions "
        "({actions}) and invite links ({invites}) are now yours. See /actions.",
        actions=int(args.get("actions", 0)),
        invites=int(args.get("invites", 0)),
    ), None


def _worry_callback(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    return worries.callback_notice(
        t, str(args.get("volunteer", "")), int(args.get("user_id", 0)), str(args.get("place", ""))
    ), None


def _attendance_ask(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    assert action is not None
    return attendance.ask_text(t, action), attendance.ask_keyboard(t, action.id)


def _attendance_thanks(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    assert action is not None
    return attendance.thanks_text(t, action), keyboard([[results_button(t, action.id)]])


def _check_in(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    return couples.check_in(t, args)


def _check_in_alert(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    return couples.check_in_alert(t, args)


def _couple_ended(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    return couples.couple_ended(t, args)


def _kennismaking(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    return couples.kennismaking(t, args)


def _kennismaking_reminder(
    t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
) -> Rendered:
    return couples.kennismaking_reminder(t, args)


def _args_only(view: Callable[[Translator, dict[str, Any]], Rendered]) -> Callable[..., Rendered]:
    """A renderer for a kind that needs only the row's args (coupling kinds)."""

    def renderer(
        t: Translator, action: Action | None, area_name: str, args: dict[str, Any]
    ) -> Rendered:
        return view(t, args)

    return renderer


def _changed(t: Translator, action: Action, area_name: str, args: dict[str, Any]) -> Rendered:
    return changed_message(t, action, area_name, args)


#: Renderer per message kind: `(translator, action, area name, args) -> (HTML, keyboard)`.
#: Kinds that need no action get `None` for it. Collected in `bot.delivery.kinds`.
RENDERERS: dict[MessageKind, Callable[..., Rendered]] = {
    MessageKind.ACTION_CALL: _call,
    MessageKind.REMINDER_24H: _reminder_24h,
    MessageKind.REMINDER_2H: _reminder_2h,
    MessageKind.ACTION_CANCELLED: _cancelled,
    MessageKind.WAITLIST_PROMOTED: _promoted,
    MessageKind.HELP_REQUEST_NEW: _help_request_new,
    MessageKind.COORDINATOR_LEFT: _coordinator_left,
    MessageKind.ATTENDANCE_ASK: _attendance_ask,
    MessageKind.ATTENDANCE_THANKS: _attendance_thanks,
    MessageKind.CHECK_IN: _check_in,
    MessageKind.CHECK_IN_ALERT: _check_in_alert,
    MessageKind.COUPLE_ENDED: _couple_ended,
    MessageKind.KENNISMAKING: _kennismaking,
    MessageKind.KENNISMAKING_REMINDER: _kennismaking_reminder,
    MessageKind.HAND_OVER: _args_only(handover.new_hand_over),
    MessageKind.HAND_OVER_ANSWERED: _args_only(handover.answered),
    MessageKind.HAND_OVER_CONSENT: _args_only(handover.consent_question),
    MessageKind.HAND_OVER_CONSENT_ANSWER: _args_only(handover.consent_answer),
    MessageKind.ACTION_CHANGED: _changed,
    **COUPLING_RENDERERS,  # proposals, coupled, re-raised requests (bot.delivery.render_coupling)
    MessageKind.WORRY_CALLBACK: _worry_callback,
    MessageKind.ANSWER_UPDATED: _answer_updated,
    MessageKind.COORDINATOR_NOTICE: notices.coordinator_notice,
    MessageKind.PLACE_FREE: notices.place_free,
    MessageKind.MAYBE_FOLLOWUP: notices.maybe_followup,
    MessageKind.ACTION_MESSAGE: notices.action_message,
    MessageKind.CALL_CHANGED: call_changed_message,
    MessageKind.MOVED_TO_WAITLIST: moved_message,
    MessageKind.SIGNAL_NEW: _args_only(signals.new_signal),
    MessageKind.SIGNAL_ANSWERED: _args_only(signals.answered),
    MessageKind.SIGNAL_RAISED: _args_only(signals.raised),
}


def render(
    t: Translator,
    *,
    message_key: str,
    action: Action | None,
    area_name: str,
    person: Person | None = None,
    args: dict[str, Any] | None = None,
) -> Rendered:
    """Render one outbox message: `(HTML text, inline keyboard or None)`.

    `t` is the recipient's translator (`I18n.translator(person.language)`), `action` the
    action the row refers to (None for kinds that need none, see
    `bot.domain.outbox.RULES`), `area_name` the name of the action's area, `args` the
    row's JSON args. `person` is the recipient; accepted for messages that depend on who
    reads them (none do yet).
    Raises `ValueError` for a message key that has no rendering or lacks its action.
    """
    del person  # no message depends on the reader yet, only on their language
    try:
        kind = MessageKind(message_key)
    except ValueError:
        raise ValueError(f"no rendering for message key {message_key!r}") from None
    if RULES[kind].needs_action and action is None:
        raise ValueError(f"message key {message_key!r} needs an action")
    return RENDERERS[kind](t, action, area_name, args or {})
