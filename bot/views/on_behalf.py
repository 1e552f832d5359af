"""Texts and buttons for residents without Telegram (`bot.domain.coupling.on_behalf`):
the /namens dialogue, the header above messages meant for such a resident, the lines the
area's coordinators see (phone number, oral consent record) and the erase question.
Names and typed text are escaped and names isolated (HTML)."""

from __future__ import annotations

import datetime as dt
from html import escape as esc

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import (
    OFFLINE_ERASE,
    OFFLINE_ERASE_ASK,
    ON_BEHALF_BUURT,
    ON_BEHALF_CONFIRM,
    ON_BEHALF_DONE,
    ON_BEHALF_LANGUAGE,
    ON_BEHALF_NO_NOTE,
    ON_BEHALF_SLOT,
    ON_BEHALF_TASK,
    REQUEST_OPEN,
)
from bot.domain.coupling.on_behalf import OfflineFacts
from bot.domain.tasks import HELP_REQUEST_TASKS
from bot.i18n import Translator
from bot.views.coupling import languages_text, slots_text, tasks_text
from bot.views.lists import keyboard, name_html, name_plain
from bot.views.people import availability_keyboard, spoken_keyboard, task_keyboard

Screen = tuple[str, InlineKeyboardMarkup | None]


def consent_sentence(t: Translator, consent_to: str | None, consent_on: dt.date) -> str:
    """'Toestemming: mondeling, aan Carla, 1-12-2031' (the oral consent record)."""
    who = name_html(consent_to, None) if consent_to else t.gettext("a coordinator")
    return t.gettext(
        "Consent: given orally, to {name}, {date}", name=who, date=consent_on.strftime("%d-%m-%Y")
    )


def for_resident_header(t: Translator, facts: OfflineFacts) -> str:
    """The line above a message meant for a resident without Telegram, sent to their
    contact coordinator: for whom, and the number to call."""
    return t.gettext(
        "📞 For {name} (call {phone}), who has no Telegram. Pass this on by phone and "
        "answer here for them.",
        name=f"<b>{name_html(facts.name, None)}</b>",
        phone=esc(facts.phone),
    )


def offline_lines(t: Translator, facts: OfflineFacts) -> list[str]:
    """For the area's coordinators only: no Telegram, the phone number, the consent record."""
    return [
        t.gettext("No Telegram · call {phone}", phone=esc(facts.phone)),
        consent_sentence(t, facts.consent_to, facts.consent_on),
    ]


def erase_button(t: Translator, facts: OfflineFacts) -> list[tuple[str, str]]:
    """'Verwijder gegevens van Fatma' (asks first)."""
    return [
        (
            t.gettext("Erase the data of {name}", name=name_plain(facts.name)),
            OFFLINE_ERASE_ASK.encode(person_id=facts.person_id),
        )
    ]


def erase_question(t: Translator, facts: OfflineFacts, request_id: int) -> Screen:
    """Ask before erasing: everything of the resident goes, for good."""
    text = t.gettext(
        "Erase everything we keep about {name}: phone number, consent record and help "
        "requests? A couple they are in ends (the volunteer is told without a name). This "
        "cannot be undone.",
        name=f"<b>{name_html(facts.name, None)}</b>",
    )
    return text, keyboard(
        [
            [(t.gettext("Yes, erase"), OFFLINE_ERASE.encode(person_id=facts.person_id))],
            [(t.gettext("No, keep"), REQUEST_OPEN.encode(request_id=request_id))],
        ]
    )


def erased_text(t: Translator, name: str) -> str:
    """After erasing."""
    return t.gettext(
        "Everything we kept about {name} has been erased.", name=f"<b>{name_html(name, None)}</b>"
    )


# --- the /namens dialogue --------------------------------------------------------------


def start_text(t: Translator) -> str:
    """What to read out to the resident (their consent), then the first question."""
    return "\n\n".join(
        [
            t.gettext(
                "You register someone without Telegram, with their permission. First read "
                "this out to them:"
            ),
            t.gettext(
                "“We keep your first name, your buurt, the languages you speak, what you "
                "would like help with, the times that suit you, a short note if you like, and "
                "your phone number, so the coordinator can call you back. We use them only to "
                "find a volunteer from the neighbourhood for you. Only the coordinators of "
                "your area see your phone number; the volunteer does not. We delete everything "
                "90 days after your request ends, or sooner when you ask us.”"
            ),
            t.gettext("If they agree, type their first name. (/cancel stops; nothing is kept.)"),
        ]
    )


def name_again_text(t: Translator) -> str:
    """A name that is empty, too long or a command."""
    return t.gettext("Please type only the first name (at most 40 characters).")


def buurt_view(t: Translator, name: str, buurten: list[tuple[int, str]]) -> Screen:
    """In which buurt does the resident live? (the buurten of the coordinator's area)."""
    buttons = [
        InlineKeyboardButton(label, callback_data=ON_BEHALF_BUURT.encode(buurt_id=area_id))
        for area_id, label in buurten
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    text = t.gettext("In which buurt does {name} live?", name=f"<b>{name_html(name, None)}</b>")
    return text, InlineKeyboardMarkup(rows)


def languages_view(t: Translator, name: str, chosen: set[str]) -> Screen:
    """Which languages does the resident speak? (on/off, then Done)."""
    text = t.gettext(
        "Which languages does {name} speak? Tap all that apply, then Done.",
        name=f"<b>{name_html(name, None)}</b>",
    )
    return text, spoken_keyboard(t, chosen, ON_BEHALF_LANGUAGE, ON_BEHALF_DONE)


def tasks_view(t: Translator, name: str, chosen: set[str]) -> Screen:
    """What would the resident like help with? (the /hulpvraag tasks, then Done)."""
    text = t.gettext(
        "What would {name} like help with? Tap all that apply, then Done.",
        name=f"<b>{name_html(name, None)}</b>",
    )
    return text, task_keyboard(t, chosen, ON_BEHALF_TASK, ON_BEHALF_DONE, HELP_REQUEST_TASKS)


def times_view(t: Translator, name: str, slots: set[tuple[int, str]]) -> Screen:
    """Which times suit the resident? (the weekly grid; nothing chosen: any time)."""
    text = t.gettext(
        "Which times suit {name} for a visit or a call? Tap all that apply, then Done. "
        "Nothing chosen means any time.",
        name=f"<b>{name_html(name, None)}</b>",
    )
    done = InlineKeyboardButton(t.gettext("Done"), callback_data=ON_BEHALF_DONE.encode())
    return text, availability_keyboard(t, slots, ON_BEHALF_SLOT, [done])


def note_view(t: Translator, limit: int) -> Screen:
    """An optional short note (typed), or 'No note'."""
    text = "\n".join(
        [
            t.gettext(
                "Type a short note for the coordinators (at most {n} characters), or tap No note.",
                n=limit,
            ),
            note_warning(t),
        ]
    )
    return text, keyboard([[(t.gettext("No note"), ON_BEHALF_NO_NOTE.encode())]])


def note_warning(t: Translator) -> str:
    """The one warning line under every note question."""
    return t.gettext(
        "⚠️ No medical or money matters: those you discuss with the coordinator in person."
    )


def phone_question(t: Translator, name: str) -> str:
    """The phone number to call the resident back on."""
    return t.gettext(
        "On which phone number can we call {name} back? Type it, e.g. 06 1234 5678.",
        name=f"<b>{name_html(name, None)}</b>",
    )


def phone_again_text(t: Translator) -> str:
    """A phone number that does not look like one."""
    return t.gettext(
        "That does not look like a phone number. Type 8 to 15 digits, e.g. 06 1234 5678."
    )


def confirm_view(
    t: Translator,
    *,
    name: str,
    place: str,
    languages: list[str],
    tasks: list[str],
    slots: set[tuple[int, str]],
    note: str | None,
    phone: str,
    coordinator_name: str,
    today: dt.date,
) -> Screen:
    """Everything once more, with the consent record, and 'Register'."""
    lines = [
        f"<b>{name_html(name, None)}</b> · {esc(place)}",
        t.gettext("Help with: {tasks}", tasks=esc(tasks_text(t, tasks))),
        t.gettext("Languages: {languages}", languages=esc(languages_text(t, languages))),
        t.gettext("Times: {times}", times=esc(slots_text(t, sorted(slots)))),
    ]
    if note:
        lines.append(t.gettext("Note: {note}", note=esc(note)))
    lines.append(t.gettext("No Telegram · call {phone}", phone=esc(phone)))
    lines.append(consent_sentence(t, coordinator_name, today))
    lines.append("")
    lines.append(
        t.gettext(
            "You become the owner of this request: questions for {name} come to you.",
            name=name_html(name, None),
        )
    )
    return "\n".join(lines), keyboard(
        [[(t.gettext("They agreed: register"), ON_BEHALF_CONFIRM.encode())]]
    )


def registered_view(t: Translator, name: str, request_id: int) -> Screen:
    """After registering: where the request is, and what comes next."""
    text = t.gettext(
        "{name} is registered. Their help request is in /helprequests; you are its owner. "
        "Choose a volunteer under Suggested volunteers.",
        name=f"<b>{name_html(name, None)}</b>",
    )
    return text, keyboard(
        [[(t.gettext("See the request"), REQUEST_OPEN.encode(request_id=request_id))]]
    )


def kept_text(t: Translator) -> str:
    """/annuleer during /namens: nothing was stored."""
    return t.gettext("OK, nobody was registered. Nothing was kept.")
