"""How an edited action looks: the change message to volunteers, the coordinator's edit
screen and its answers. Telegram HTML; titles and places are escaped.

Buttons (`bot.callbacks`): `ae:f:<t|p|d|n>` choose what to change, `ae:d:<YYYY-MM-DD>` the new
day, `ae:n:<number>` the new number of places, `ae:ok` save, `ae:x` stop without saving;
the entry is `act:e:<id>` on the roster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape as esc
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.callbacks import (
    ED_CANCEL,
    ED_FIELD,
    ED_MOVE,
    ED_PICK,
    ED_PICK_BACK,
    ED_PICK_PAGE,
    ED_SAVE,
    ROSTER,
)
from bot.i18n import Translator
from bot.views.action import action_summary, rsvp_keyboard
from bot.views.attendance import TICKED, UNTICKED
from bot.views.lists import keyboard, name_html, name_plain, page_slice
from storage.models import Action


def change_labels(t: Translator, changed: list[str]) -> str:
    """'date and time, meeting place' (plain text), in the order of `changed`."""
    labels = {
        "title": t.gettext("title"),
        "meeting_place": t.gettext("meeting place"),
        "times": t.gettext("date and time"),
        "volunteers_needed": t.gettext("number of places"),
    }
    return ", ".join(labels[name] for name in changed if name in labels)


def _when(t: Translator, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    return t.gettext(
        "{date}, {start} to {end}",
        date=t.date(starts_at.astimezone(t.tz).date()),
        start=t.time(starts_at),
        end=t.time(ends_at),
    )


def _was_line(t: Translator, name: str, was: dict[str, Any]) -> str | None:
    """One 'Before: ...' line for a changed field (HTML), or None."""
    if name == "title":
        return t.gettext("Title before: {title}", title=esc(str(was.get("title", ""))))
    if name == "meeting_place":
        return t.gettext("Place before: {place}", place=esc(str(was.get("meeting_place", ""))))
    if name == "times":
        starts = dt.datetime.fromisoformat(str(was["starts_at"]))
        ends = dt.datetime.fromisoformat(str(was["ends_at"]))
        return t.gettext("Time before: {when}", when=esc(_when(t, starts, ends)))
    if name == "volunteers_needed":
        return t.gettext(
            "Places before: {n}",
            n=int(was.get("volunteers_needed", 0)),  # type: ignore[arg-type]
        )
    return None


def changed_message(
    t: Translator, action: Action, area_name: str, args: dict[str, Any]
) -> tuple[str, InlineKeyboardMarkup]:
    """The outbox message `action_changed`: what changed, the action as it is now, the old
    values, and the answer buttons (Yes / Maybe / No)."""
    changed = [str(name) for name in args.get("changed", [])]
    was = args.get("was", {}) if isinstance(args.get("was"), dict) else {}
    intro = t.gettext("This action has changed: {changes}.", changes=esc(change_labels(t, changed)))
    before = [line for name in changed if (line := _was_line(t, name, was))]
    outro = t.gettext("Your answer stays as it was. Tap another answer if that changes.")
    text = f"{intro}\n\n{action_summary(t, action, area_name)}\n\n"
    text += "\n".join(before) + f"\n\n{outro}"
    return text, rsvp_keyboard(t, action.id)


def edit_screen(
    t: Translator, action: Action, area_name: str, changed: list[str], note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """The coordinator's edit screen: the action with the changes so far (not yet saved),
    what can be changed, 'Save changes' once something changed, and 'Stop'."""
    lines = []
    if note:
        lines += [note, ""]
    lines += [t.gettext("Change the action:"), "", action_summary(t, action, area_name), ""]
    if changed:
        lines.append(
            t.gettext("Changed, not saved yet: {changes}", changes=esc(change_labels(t, changed)))
        )
    else:
        lines.append(t.gettext("What do you want to change?"))
    rows = [
        [
            (t.gettext("Title"), ED_FIELD.encode(field="title")),
            (t.gettext("Place"), ED_FIELD.encode(field="place")),
        ],
        [
            (t.gettext("Date and time"), ED_FIELD.encode(field="date")),
            (t.gettext("Number of places"), ED_FIELD.encode(field="needed")),
        ],
    ]
    if changed:
        rows.append([(t.gettext("Save changes"), ED_SAVE.encode())])
    rows.append([(t.gettext("Stop without saving"), ED_CANCEL.encode())])
    return "\n".join(lines), keyboard(rows)


def saved_view(
    t: Translator,
    action_id: int,
    changed: list[str],
    told: int,
    promoted: list[str],
    moved: Sequence[str] = (),
) -> tuple[str, InlineKeyboardMarkup]:
    """'Saved: ... N people get a message.' (+ who moved up from the waiting list, + who
    moved to it, in their order there)."""
    lines = [
        t.gettext("Saved: {changes}.", changes=esc(change_labels(t, changed))),
        t.ngettext(
            "{n} volunteer gets a message about the change.",
            "{n} volunteers get a message about the change.",
            told,
        ),
    ]
    if promoted:
        lines.append(
            t.gettext(
                "From the waiting list, these now have a place: {names}",
                names=esc(", ".join(promoted)),
            )
        )
    if moved:
        lines.append(
            t.gettext(
                "Moved to the front of the waiting list: {names}",
                names=", ".join(name_html(name) for name in moved),
            )
        )
    return "\n".join(lines), keyboard(
        [[(t.gettext("Who is coming?"), ROSTER.encode(action_id=action_id))]]
    )


#: Volunteers per page of the "who moves to the waiting list" chooser.
PICK_PAGE = 8


def pick_screen(
    t: Translator,
    title: str,
    needed: int,
    coming: Sequence[tuple[int, str]],
    surplus: int,
    picked: Sequence[int],
    page: int,
) -> tuple[str, InlineKeyboardMarkup]:
    """The chooser shown when the places go below the number coming: `coming` (person id,
    first name) in the order of their Ja, `surplus` to choose, `picked` (person ids, in the
    order chosen: their order on the waiting list). One button per person on this `page`
    ('✅ 1. Wim' when picked), paging, "Move N to the waiting list" once exactly `surplus`
    are picked, back to the changes, stop."""
    shown, page, rest = page_slice(list(coming), page, PICK_PAGE)
    lines = [
        t.ngettext(
            "{title} would have {n} place, but {coming} volunteers have one.",
            "{title} would have {n} places, but {coming} volunteers have one.",
            needed,
            title=f"<b>{esc(title)}</b>",
            coming=len(coming),
        ),
        t.ngettext(
            "Choose {n} volunteer to move to the waiting list.",
            "Choose {n} volunteers to move to the waiting list.",
            surplus,
        ),
        t.gettext(
            "They go to the front of the waiting list, in the order you tap them, and get "
            "a message. Suggested: who said Yes last."
        ),
        "",
        t.gettext("Chosen: {k} of {n}", k=len(picked), n=surplus),
    ]
    pages = -(-len(coming) // PICK_PAGE)
    if pages > 1:
        lines.append(t.gettext("Page {page} of {pages}", page=page + 1, pages=pages))
    rows: list[list[tuple[str, str]]] = []
    for person_id, name in shown:
        label = name_plain(name)
        if person_id in picked:
            label = f"{TICKED} {picked.index(person_id) + 1}. {label}"
        else:
            label = f"{UNTICKED} {label}"
        rows.append([(label, ED_PICK.encode(person_id=person_id, page=page))])
    nav = []
    if page > 0:
        nav.append((t.gettext("‹ Back"), ED_PICK_PAGE.encode(page=page - 1)))
    if rest:
        nav.append((t.gettext("More ›"), ED_PICK_PAGE.encode(page=page + 1)))
    if nav:
        rows.append(nav)
    if len(picked) == surplus:
        rows.append(
            [
                (
                    t.ngettext(
                        "Move {n} to the waiting list and save",
                        "Move {n} to the waiting list and save",
                        surplus,
                    ),
                    ED_MOVE.encode(),
                )
            ]
        )
    rows.append([(t.gettext("Back to the changes"), ED_PICK_BACK.encode())])
    rows.append([(t.gettext("Stop without saving"), ED_CANCEL.encode())])
    return "\n".join(lines), keyboard(rows)


def call_changed_message(
    t: Translator, action: Action, area_name: str, args: dict[str, Any]
) -> tuple[str, InlineKeyboardMarkup]:
    """The outbox message `call_changed`: to who got the call and has not answered, one
    short line saying what changed, the action as it is now and the call's buttons."""
    changed = [str(name) for name in args.get("changed", [])]
    intro = t.gettext(
        "This action has changed ({changes}). Can you come?",
        changes=esc(change_labels(t, changed)),
    )
    return f"{intro}\n\n{action_summary(t, action, area_name)}", rsvp_keyboard(t, action.id)


def moved_message(
    t: Translator, action: Action, area_name: str, args: dict[str, Any]
) -> tuple[str, InlineKeyboardMarkup]:
    """The outbox message `moved_to_waitlist`: the places went down, so this person moved
    from a place to the waiting list (their number), kindly; the action and its buttons."""
    intro = t.gettext(
        "Sorry: this action now needs fewer volunteers, so you no longer have a place. "
        "You are number {n} on the waiting list. If a place comes free, it is yours "
        "and you get a message.",
        n=int(args.get("position", 1)),
    )
    return f"{intro}\n\n{action_summary(t, action, area_name)}", rsvp_keyboard(t, action.id)
