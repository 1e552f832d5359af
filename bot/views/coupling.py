"""How help requests, suggestions and proposals look in the chat (Telegram HTML).

Plain B1 words; names are first names only, escaped. Status words for residents follow
issue 6 §0: "we zoeken iemand", "er is iemand gevraagd", "je bent gekoppeld aan Anouk".
"""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import (
    MY_REQUEST_DONE,
    MY_REQUEST_EDIT,
    MY_REQUEST_LANGUAGE,
    MY_REQUEST_NO_NOTE,
    MY_REQUEST_NOTE,
    MY_REQUEST_SLOT,
    MY_REQUEST_TASK,
    MY_REQUEST_WITHDRAW,
    MY_REQUEST_WITHDRAW_YES,
    PROPOSAL_RESIDENT,
    PROPOSAL_VOLUNTEER,
)
from bot.domain.coupling.summaries import RequestSummary
from bot.domain.tasks import HELP_REQUEST_TASKS
from bot.domain.vocabulary import ProposalAnswer, ReasonKind, RequestStatus
from bot.i18n import Translator
from bot.views.lists import keyboard, name_html
from bot.views.people import (
    availability_keyboard,
    day_part_label,
    language_label,
    spoken_keyboard,
    task_keyboard,
    task_label,
)


def tasks_text(t: Translator, codes: list[str]) -> str:
    """'Shopping, Digital help' (or '–')."""
    return ", ".join(task_label(t, c) for c in codes) or "–"


def languages_text(t: Translator, codes: list[str]) -> str:
    """'Turkish, Dutch' (or '–')."""
    return ", ".join(language_label(t, c) for c in codes) or "–"


def slots_text(t: Translator, slots: list[tuple[int, str]]) -> str:
    """'Wed afternoon, Sat morning', or 'any time' without slots."""
    if not slots:
        return t.gettext("any time")
    return ", ".join(f"{t.short_weekday(w)} {day_part_label(t, p)}" for w, p in slots)


def resident_status(t: Translator, summary: RequestSummary) -> str:
    """The status in plain words, for the resident."""
    if summary.status == RequestStatus.OPEN:
        return t.gettext("We are looking for someone for you.")
    if summary.status == RequestStatus.PROPOSED:
        return t.gettext("We have asked someone. You will hear from us soon.")
    if summary.status == RequestStatus.COUPLED:
        return t.gettext(
            "You are coupled to {name}.", name=name_html(summary.volunteer_name or "?", None)
        )
    if summary.status == RequestStatus.HANDED_OVER:
        return t.gettext("We passed your request on to an organisation that can help.")
    return t.gettext("Your request is closed.")


def my_request_view(
    t: Translator, summary: RequestSummary | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The resident's request and its status, with Change / Withdraw buttons (only open
    requests can be changed); without a request, the question what they need."""
    if summary is None:
        return my_tasks_view(t, set())
    lines = [
        t.gettext("<b>Your help request (hulpvraag)</b>"),
        t.gettext("Help with: {tasks}", tasks=esc(tasks_text(t, summary.tasks))),
        t.gettext("Languages: {languages}", languages=esc(languages_text(t, summary.languages))),
        t.gettext("Times: {times}", times=esc(slots_text(t, summary.slots))),
    ]
    if summary.note:
        lines.append(t.gettext("Note for the coordinator: {note}", note=esc(summary.note)))
    lines += ["", resident_status(t, summary)]
    rows = []
    if summary.status == RequestStatus.OPEN:
        rows.append([(t.gettext("Change what I ask"), MY_REQUEST_EDIT.encode(what="tasks"))])
        rows.append([(t.gettext("Change languages"), MY_REQUEST_EDIT.encode(what="languages"))])
        rows.append([(t.gettext("Change times"), MY_REQUEST_EDIT.encode(what="times"))])
        rows.append([(t.gettext("Write a note for the coordinator"), MY_REQUEST_NOTE.encode())])
    rows.append([(t.gettext("Withdraw my request"), MY_REQUEST_WITHDRAW.encode())])
    return "\n".join(lines), keyboard(rows)


def note_question(t: Translator, limit: int) -> tuple[str, InlineKeyboardMarkup]:
    """Ask for a short typed note (only the owner coordinator reads it), with the warning
    line, and 'No note' (removes one written before)."""
    text = "\n".join(
        [
            t.gettext(
                "Type a short note for the coordinator who takes on your request (at most "
                "{n} characters). Only they read it.",
                n=limit,
            ),
            t.gettext(
                "⚠️ No medical or money matters: those you discuss with the coordinator in person."
            ),
        ]
    )
    return text, keyboard([[(t.gettext("No note"), MY_REQUEST_NO_NOTE.encode())]])


def my_tasks_view(t: Translator, chosen: set[str]) -> tuple[str, InlineKeyboardMarkup]:
    """'What would you like help with?' with the help tasks as on/off buttons."""
    text = t.gettext("What would you like help with? Tap all that apply, then Done.")
    return text, task_keyboard(t, chosen, MY_REQUEST_TASK, MY_REQUEST_DONE, HELP_REQUEST_TASKS)


def my_languages_view(t: Translator, chosen: set[str]) -> tuple[str, InlineKeyboardMarkup]:
    """'Which languages can you speak with a volunteer?' as on/off buttons."""
    text = t.gettext(
        "Which languages can you speak with a volunteer? Tap all that apply, then Done."
    )
    return text, spoken_keyboard(t, chosen, MY_REQUEST_LANGUAGE, MY_REQUEST_DONE)


def my_times_view(t: Translator, slots: set[tuple[int, str]]) -> tuple[str, InlineKeyboardMarkup]:
    """'Which times suit you?' as the weekly grid (none chosen: any time) and Done."""
    text = t.gettext(
        "Which times suit you for a visit or a call? Tap all that apply, then Done. "
        "Nothing chosen means any time."
    )
    done = InlineKeyboardButton(t.gettext("Done"), callback_data=MY_REQUEST_DONE.encode())
    return text, availability_keyboard(t, slots, MY_REQUEST_SLOT, [done])


def withdraw_question(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """'Withdraw your help request?' Yes / No."""
    return t.gettext("Do you want to withdraw your help request?"), keyboard(
        [
            [
                (t.gettext("Yes, withdraw"), MY_REQUEST_WITHDRAW_YES.encode()),
                (t.gettext("No, keep it"), MY_REQUEST_DONE.encode()),
            ]
        ]
    )


def reason_text(t: Translator, kind: ReasonKind, value: object) -> str:
    """One reason in words, e.g. 'same buurt', 'speaks Turkish', 'likes shopping'."""
    if kind == ReasonKind.SAME_BUURT:
        return t.gettext("same buurt")
    if kind == ReasonKind.SIBLING_BUURT:
        return t.gettext("nearby buurt ({name})", name=esc(str(value)))
    if kind == ReasonKind.SAME_WIJK:
        return t.gettext("same wijk")
    if kind == ReasonKind.NEARBY_WIJK:
        return t.gettext("nearby wijk ({name})", name=esc(str(value)))
    if kind == ReasonKind.SAME_GEBIED:
        return t.gettext("same gebied")
    if kind == ReasonKind.LANGUAGE:
        return t.gettext("speaks {language}", language=language_label(t, str(value)))
    if kind == ReasonKind.TASK:
        return t.gettext("likes {task}", task=task_label(t, str(value)).lower())
    if kind == ReasonKind.TIME:
        weekday, part = value  # type: ignore[misc]
        return t.gettext(
            "free {weekday} {part}", weekday=t.short_weekday(weekday), part=day_part_label(t, part)
        )
    if kind == ReasonKind.NO_COUPLE:
        return t.gettext("no couple yet")
    return t.ngettext("{n} couple or action", "{n} couples or actions", int(value))  # type: ignore[arg-type]


def proposal_volunteer_view(
    t: Translator, proposal_id: int, summary: RequestSummary
) -> tuple[str, InlineKeyboardMarkup]:
    """The proposal as the volunteer sees it: only what they need to decide (first name,
    buurt, tasks, language, times; no surname, no contact), Ja / Nee / Liever niet nu."""
    text = "\n".join(
        [
            t.gettext(
                "Would you like to help {name} from {place}?",
                name=f"<b>{name_html(summary.resident_name, None)}</b>",
                place=esc(summary.place),
            ),
            t.gettext("Help with: {tasks}", tasks=esc(tasks_text(t, summary.tasks))),
            t.gettext(
                "Languages: {languages}", languages=esc(languages_text(t, summary.languages))
            ),
            t.gettext("Times: {times}", times=esc(slots_text(t, summary.slots))),
            "",
            t.gettext(
                "If you say yes, we ask {name} too. You answer within 2 days.",
                name=name_html(summary.resident_name, None),
            ),
        ]
    )
    return text, keyboard(
        [
            [
                (
                    t.gettext("Yes"),
                    PROPOSAL_VOLUNTEER.encode(proposal_id=proposal_id, answer=ProposalAnswer.YES),
                ),
                (
                    t.gettext("No"),
                    PROPOSAL_VOLUNTEER.encode(proposal_id=proposal_id, answer=ProposalAnswer.NO),
                ),
            ],
            [
                (
                    t.gettext("Rather not now"),
                    PROPOSAL_VOLUNTEER.encode(
                        proposal_id=proposal_id, answer=ProposalAnswer.NOT_NOW
                    ),
                )
            ],
        ]
    )


def proposal_resident_view(
    t: Translator, proposal_id: int, volunteer_name: str, volunteer_place: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The question to the resident, in their language: be introduced to this volunteer?"""
    text = t.gettext(
        "Good news: {name} from {place} would like to help you. "
        "Would you like to get in touch with {name}?",
        name=f"<b>{name_html(volunteer_name, None)}</b>",
        place=esc(volunteer_place),
    )
    return text, keyboard(
        [
            [
                (
                    t.gettext("Yes"),
                    PROPOSAL_RESIDENT.encode(proposal_id=proposal_id, answer=ProposalAnswer.YES),
                ),
                (
                    t.gettext("No"),
                    PROPOSAL_RESIDENT.encode(proposal_id=proposal_id, answer=ProposalAnswer.NO),
                ),
            ]
        ]
    )
