"""Texts of coordinator notices, "er is weer plek" and the Misschien follow-up (issue 7
items 5 and 11). Telegram HTML; names and titles are escaped. Rules: `bot.domain.notices`.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CALL_AGAIN, PARTNER_ROSTER, ROSTER
from bot.domain.vocabulary import NoticeEvent
from bot.i18n import Translator
from bot.views.action import action_summary, rsvp_keyboard
from bot.views.lists import name_html
from storage.models import Action

Rendered = tuple[str, InlineKeyboardMarkup | None]


def coordinator_notice(
    t: Translator, action: Action, area_name: str, args: dict[str, Any]
) -> Rendered:
    """One short notice: full, or a drop-out (who, who took the place; urgent with
    "call again" when nobody was waiting). Buttons: call again (urgent), the roster.
    `args["partner"]` (staff of a co-organiser, issue 10): their own roster button
    (`pa:r:<id>:0`, first names only) and no "call again"."""
    title = f"<b>{html.escape(action.title)}</b>"
    when = html.escape(t.datetime(action.starts_at))
    partner = bool(args.get("partner"))
    roster_data = (
        PARTNER_ROSTER.encode(action_id=action.id, page=0)
        if partner
        else ROSTER.encode(action_id=action.id)
    )
    roster = InlineKeyboardButton(t.gettext("Show the roster"), callback_data=roster_data)
    if args.get("event") == NoticeEvent.FULL:
        text = t.ngettext(
            "Full: {title} ({when}) has the {n} volunteer it needs.",
            "Full: {title} ({when}) has all {n} volunteers it needs.",
            action.volunteers_needed,
            title=title,
            when=when,
        )
        return text, InlineKeyboardMarkup([[roster]])
    if args.get("event") == NoticeEvent.NOBODY_REACHED:
        text = t.gettext(
            "The call for {title} ({when}) reached nobody: every message failed or was blocked.",
            title=title,
            when=when,
        )
        return text, InlineKeyboardMarkup([[roster]])
    who_name = str(args.get("who") or "")
    who = name_html(who_name, None) if who_name else t.gettext("A volunteer")
    lines = [
        t.gettext("{who} can no longer come to {title} ({when}).", who=who, title=title, when=when)
    ]
    promoted = str(args.get("promoted") or "")
    if promoted:
        lines.append(
            t.gettext(
                "{name} from the waiting list takes the place.", name=name_html(promoted, None)
            )
        )
    else:
        lines.append(
            t.gettext(
                "Nobody was on the waiting list, so the place is open again. "
                "Who has not answered yet gets a message."
            )
        )
    rows = [[roster]]
    if args.get("urgent"):
        lines[0] = t.gettext("Urgent: {text}", text=lines[0])
        if not promoted and not partner:
            again = InlineKeyboardButton(
                t.gettext("Call again"), callback_data=CALL_AGAIN.encode(action_id=action.id)
            )
            rows.insert(0, [again])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def place_free(t: Translator, action: Action, area_name: str, args: dict[str, Any]) -> Rendered:
    """ "Er is weer plek": the summary with the Ja / Misschien / Nee buttons."""
    intro = t.gettext("A place is free again at this action. Can you come?")
    return f"{intro}\n\n{action_summary(t, action, area_name)}", rsvp_keyboard(t, action.id)


def maybe_followup(t: Translator, action: Action, area_name: str, args: dict[str, Any]) -> Rendered:
    """ "Weet je het al?" to a Misschien, with the buttons."""
    intro = t.gettext("Do you know yet? You answered Maybe to this action.")
    return f"{intro}\n\n{action_summary(t, action, area_name)}", rsvp_keyboard(t, action.id)


def action_message(t: Translator, action: Action, area_name: str, args: dict[str, Any]) -> Rendered:
    """A coordinator's message to the people coming: who wrote it, about which action, and
    how to answer (a reply reaches the coordinator, `bot.domain.relay`)."""
    name = name_html(str(args.get("from") or ""), None)
    head = t.gettext(
        "Message from {name} (coordinator) about {title} ({when}):",
        name=name,
        title=f"<b>{html.escape(action.title)}</b>",
        when=html.escape(t.datetime(action.starts_at)),
    )
    how = t.gettext("To answer {name}, reply to this message.", name=name)
    return f"{head}\n\n{html.escape(str(args.get('text') or ''))}\n\n{how}", None
