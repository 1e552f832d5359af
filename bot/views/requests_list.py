"""Coordinators' view of help requests (/hulpvragen): the paged list, one request with
its buttons, the top 5 suggestions with reasons, and the "klaar voor koppelen" list."""

from __future__ import annotations

import datetime as dt
from html import escape as esc

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import (
    HELP_REQUESTS,
    READY_LIST,
    READY_NO_VOG,
    READY_SET,
    REQUEST_OPEN,
    REQUEST_PROPOSE,
    REQUEST_SUGGEST,
    REQUEST_TAKE,
)
from bot.domain.coupling.matching import Suggestion
from bot.domain.coupling.on_behalf import OfflineFacts
from bot.domain.coupling.readiness import ReadinessPage
from bot.domain.coupling.summaries import RequestPage, RequestSummary
from bot.domain.vocabulary import RequestStatus
from bot.i18n import Translator
from bot.views.coupling import languages_text, reason_text, slots_text, tasks_text
from bot.views.lists import keyboard, more_line, name_html, name_plain
from bot.views.on_behalf import erase_button, offline_lines

#: Requests per page: 5 entries with every field at its longest stay far below 4,096.
REQUEST_PAGE_SIZE = 5
READY_PAGE_SIZE = 8


def status_label(t: Translator, status: str) -> str:
    """The coordinator's word for a request status."""
    return {
        RequestStatus.OPEN: t.gettext("open"),
        RequestStatus.PROPOSED: t.gettext("someone asked"),
        RequestStatus.COUPLED: t.gettext("coupled"),
        RequestStatus.HANDED_OVER: t.gettext("handed over"),
        RequestStatus.CLOSED: t.gettext("closed"),
    }[RequestStatus(status)]


def _entry(t: Translator, number: int, s: RequestSummary) -> str:
    owner = name_html(s.owner_name) if s.owner_name else t.gettext("nobody yet")
    return "\n".join(
        [
            f"<b>{number}. {name_html(s.resident_name)}</b> · {esc(s.place)} · "
            f"{esc(s.resident_language)} · {esc(t.date(s.created_at.astimezone(t.tz).date()))}",
            t.gettext("Help with: {tasks}", tasks=esc(tasks_text(t, s.tasks))),
            t.gettext(
                "Status: {status} · owner: {owner}", status=status_label(t, s.status), owner=owner
            ),
        ]
    )


def request_list_view(
    t: Translator, page: RequestPage, page_number: int
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of requests with a button per request and '« Previous' / 'More »'."""
    head = t.ngettext(
        "{n} help request in your area. Tap one to take it on or to see suggestions.",
        "{n} help requests in your area. Tap one to take it on or to see suggestions.",
        page.total,
    )
    first = page.offset + 1
    parts = [head, *(_entry(t, first + i, s) for i, s in enumerate(page.items))]
    more = more_line(t, page.remaining)
    text = "\n\n".join(parts) + (f"\n\n{more}" if more else "")
    rows = [
        [(f"{first + i}. {name_plain(s.resident_name)}", REQUEST_OPEN.encode(request_id=s.id))]
        for i, s in enumerate(page.items)
    ]
    nav = []
    if page_number > 0:
        nav.append((t.gettext("« Previous"), HELP_REQUESTS.encode(page=page_number - 1)))
    if page.remaining:
        nav.append((t.gettext("More »"), HELP_REQUESTS.encode(page=page_number + 1)))
    if nav:
        rows.append(nav)
    return text, keyboard(rows)


def request_view(
    t: Translator, s: RequestSummary, viewer_id: int, offline: OfflineFacts | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """One request in full, with "Ik pak dit op" (unless theirs) and suggestions (open).
    `offline`: the resident has no Telegram (shown only to the area's coordinators: phone,
    consent record, and "Erase the data of <name>")."""
    owner = name_html(s.owner_name, None) if s.owner_name else t.gettext("nobody yet")
    lines = [
        f"<b>{name_html(s.resident_name, None)}</b> · {esc(s.place)}",
        t.gettext("Help with: {tasks}", tasks=esc(tasks_text(t, s.tasks))),
        t.gettext("Languages: {languages}", languages=esc(languages_text(t, s.languages))),
        t.gettext("Times: {times}", times=esc(slots_text(t, s.slots))),
    ]
    if s.note and s.owner_id == viewer_id:  # the resident's note: for the owner only
        lines.append(t.gettext("Note: {note}", note=esc(s.note)))
    elif s.note:
        lines.append(t.gettext("Note: only the owner reads it (take the request on)."))
    if offline is not None:
        lines.extend(offline_lines(t, offline))
    lines.append(
        t.gettext(
            "Status: {status} · owner: {owner}", status=status_label(t, s.status), owner=owner
        )
    )
    if s.volunteer_name:
        lines.append(t.gettext("Coupled to: {name}", name=name_html(s.volunteer_name, None)))
    rows = []
    if s.owner_id != viewer_id:
        rows.append([(t.gettext("I'll take this on"), REQUEST_TAKE.encode(request_id=s.id))])
    if s.status == RequestStatus.OPEN:
        rows.append([(t.gettext("Suggested volunteers"), REQUEST_SUGGEST.encode(request_id=s.id))])
    if offline is not None:
        rows.append(erase_button(t, offline))
    rows.append([(t.gettext("« All requests"), HELP_REQUESTS.encode(page=0))])
    return "\n".join(lines), keyboard(rows)


def suggestions_view(
    t: Translator, s: RequestSummary, suggestions: list[Suggestion]
) -> tuple[str, InlineKeyboardMarkup]:
    """The top volunteers with their reasons in words, a button "Ask <name>" each."""
    back = [(t.gettext("« Back"), REQUEST_OPEN.encode(request_id=s.id))]
    if not suggestions:
        text = t.gettext(
            "No volunteer fits {name}'s request right now: nobody who is ready for coupling, "
            "speaks a language of theirs and does one of the tasks. Mark volunteers ready "
            "with /ready after meeting them.",
            name=name_html(s.resident_name, None),
        )
        return text, keyboard([back])
    lines = [t.gettext("Suggested for {name}:", name=f"<b>{name_html(s.resident_name, None)}</b>")]
    for i, suggestion in enumerate(suggestions, 1):
        reasons = " · ".join(reason_text(t, kind, value) for kind, value in suggestion.reasons)
        lines.append(f"{i}. <b>{name_html(suggestion.name)}</b>: {reasons}")
    rows = [
        [
            (
                t.gettext("Ask {name}", name=name_plain(suggestion.name)),
                REQUEST_PROPOSE.encode(request_id=s.id, volunteer_id=suggestion.volunteer_id),
            )
        ]
        for suggestion in suggestions
    ]
    rows.append(back)
    return "\n".join(lines), keyboard(rows)


def vog_label(t: Translator, day: dt.date) -> str:
    """'VOG gezien op 28-11-2026' (a date only, never a number)."""
    return t.gettext("VOG seen on {date}", date=day.strftime("%d-%m-%Y"))


def vog_question(
    t: Translator,
    name: str,
    page_number: int,
    listing: tuple[str, InlineKeyboardMarkup | None],
) -> tuple[str, InlineKeyboardMarkup]:
    """After marking a volunteer ready: optionally the day their VOG was seen, above the
    list (`listing`, from `readiness_view`: its buttons stay, so more can be marked)."""
    text = t.gettext(
        "{name} is ready for coupling. Did you see their VOG (certificate of conduct)? Type "
        "the date on it, e.g. 28-11-2026 (only the date is kept), or tap No VOG.",
        name=f"<b>{name_html(name, None)}</b>",
    )
    rows = [list(row) for row in (listing[1].inline_keyboard if listing[1] else ())]
    rows.append(
        [
            InlineKeyboardButton(
                t.gettext("No VOG"), callback_data=READY_NO_VOG.encode(page=page_number)
            )
        ]
    )
    return f"{text}\n\n{listing[0]}", InlineKeyboardMarkup(rows)


def readiness_view(
    t: Translator, page: ReadinessPage, page_number: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Volunteers of the area: ✅ ready for coupling, ⬜ not yet (tap to mark ready)."""
    if not page.total:
        return t.gettext("There are no volunteers in your area yet."), None
    text = t.gettext(
        "Ready for coupling (klaar voor koppelen)? Mark a volunteer after you met them. "
        "Only ready volunteers are suggested for a help request."
    )
    rows = [
        [
            (
                (f"✅ {name_plain(v.name)}" if v.ready else f"⬜ {name_plain(v.name)}")
                + (f" · {vog_label(t, v.vog_date)}" if v.vog_date else ""),
                READY_SET.encode(volunteer_id=v.id, page=page_number),
            )
        ]
        for v in page.items
    ]
    nav = []
    if page_number > 0:
        nav.append((t.gettext("« Previous"), READY_LIST.encode(page=page_number - 1)))
    if page.offset + len(page.items) < page.total:
        nav.append((t.gettext("More »"), READY_LIST.encode(page=page_number + 1)))
    if nav:
        rows.append(nav)
    return text, keyboard(rows)
