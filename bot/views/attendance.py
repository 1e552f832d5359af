"""Attendance texts and buttons: the coordinator's "Who came?" checklist and the thank-you.

Output is Telegram HTML; titles and names people typed are escaped. Button data:
`bot.callbacks.ATTENDANCE_OPEN` / `ATTENDANCE_SET` / `ATTENDANCE_SAVE`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import ATTENDANCE_OPEN, ATTENDANCE_SAVE, ATTENDANCE_SET
from bot.i18n import Translator
from bot.views.lists import name_plain

if TYPE_CHECKING:
    from bot.domain.attendance import Checklist
    from storage.models import Action

#: Names per page of the checklist (Telegram shows up to 100 buttons; 8 keeps it readable).
PAGE_SIZE = 8
TICKED, UNTICKED = "✅", "⬜"


def _title(action: Action) -> str:
    return f"<b>{html.escape(action.title)}</b>"


def ask_text(t: Translator, action: Action) -> str:
    """The outbox message at the action's end (to its coordinators)."""
    return t.gettext(
        "{title} ({date}) is over. Who came? Tick who was there, so we can thank them.",
        title=_title(action),
        date=html.escape(t.date(action.starts_at.astimezone(t.tz).date())),
    )


def ask_keyboard(t: Translator, action_id: int) -> InlineKeyboardMarkup:
    """One button that opens the checklist on its first page."""
    data = ATTENDANCE_OPEN.encode(action_id=action_id, page=0)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.gettext("Who came?"), callback_data=data)]]
    )


def thanks_text(t: Translator, action: Action) -> str:
    """The one thank-you to a volunteer who came."""
    return t.gettext(
        "Thank you for helping at {title}! It made a difference for the neighbourhood.",
        title=_title(action),
    )


def pages(checklist: Checklist) -> int:
    """How many pages the checklist has (at least 1)."""
    return max(1, -(-len(checklist.entries) // PAGE_SIZE))


def checklist_text(t: Translator, checklist: Checklist, page: int) -> str:
    """The checklist message: title, how many came, what to do (and the page when paged)."""
    lines = [
        t.gettext("Who came to {title}?", title=_title(checklist.action)),
        t.gettext("{came} of {total} ticked.", came=checklist.came, total=len(checklist.entries)),
    ]
    if not checklist.entries:
        lines.append(t.gettext("Nobody had a place on this action."))
    elif checklist.saved:
        lines.append(t.gettext("Saved. Tap a name to change it."))
    else:
        lines.append(t.gettext("Tap a name to change it, then tap Save."))
    if pages(checklist) > 1:
        lines.append(t.gettext("Page {page} of {pages}", page=page + 1, pages=pages(checklist)))
    return "\n".join(lines)


def checklist_keyboard(t: Translator, checklist: Checklist, page: int) -> InlineKeyboardMarkup:
    """A toggle per name on this page (data = the state it sets), paging, and Save."""
    action_id = checklist.action.id
    start = page * PAGE_SIZE
    rows = []
    for entry in checklist.entries[start : start + PAGE_SIZE]:
        mark = TICKED if entry.attended else UNTICKED
        data = ATTENDANCE_SET.encode(
            action_id=action_id, person_id=entry.person_id, attended=not entry.attended, page=page
        )
        rows.append([InlineKeyboardButton(f"{mark} {name_plain(entry.name)}", callback_data=data)])
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                t.gettext("‹ Back"),
                callback_data=ATTENDANCE_OPEN.encode(action_id=action_id, page=page - 1),
            )
        )
    if page + 1 < pages(checklist):
        nav.append(
            InlineKeyboardButton(
                t.gettext("More ›"),
                callback_data=ATTENDANCE_OPEN.encode(action_id=action_id, page=page + 1),
            )
        )
    if nav:
        rows.append(nav)
    if checklist.entries:
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("Save"), callback_data=ATTENDANCE_SAVE.encode(action_id=action_id)
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


def saved_text(t: Translator, checklist: Checklist, thanked: int) -> str:
    """After Save: how many came, and how many get a thank-you now."""
    return "\n".join(
        [
            t.gettext(
                "Saved: {came} of {total} came to {title}.",
                came=checklist.came,
                total=len(checklist.entries),
                title=_title(checklist.action),
            ),
            t.ngettext(
                "{n} volunteer gets a thank-you message.",
                "{n} volunteers get a thank-you message.",
                thanked,
            ),
        ]
    )
