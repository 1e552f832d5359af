"""Help texts shared by several handlers (per role), the language and erasure questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup

from bot.callbacks import DELETE_NO, DELETE_YES, LANGUAGE
from bot.domain.vocabulary import Role
from bot.i18n import Translator
from bot.views.lists import keyboard

if TYPE_CHECKING:
    from storage.models import Person


def help_text(t: Translator, person: Person | None) -> str:
    """/help for the person's role (or for someone not signed up); plain text."""
    if person is None:
        return t.gettext(
            "I am wijkbot, the bot of the neighbourhood network. You join with an invite "
            "link or QR code from your neighbourhood coordinator."
        )
    if person.role == Role.COORDINATOR:
        return coordinator_help(t) + "\n\n" + coupling_help(t, person.role)
    if person.role == Role.PARTNER:
        return partner_help(t)
    if person.role == Role.VOLUNTEER:
        return _volunteer_help(t) + "\n\n" + coupling_help(t, person.role)
    return _resident_help(t) + "\n\n" + coupling_help(t, person.role)


def coupling_help(t: Translator, role: str) -> str:
    """The coupling part of /help: couples, messages through the bot, and (coordinators)
    planning, proposing and handing over."""
    if role == Role.COORDINATOR:
        return t.gettext(
            "Coupling:\n"
            "/matchall – propose couples for all open help requests\n"
            "/couples – the couples of your area; end one\n"
            "/firstmeeting – plan a couple's first meeting (kennismaking)\n"
            "/handover – hand a help request to a partner organisation\n"
            "To answer a resident, reply to their message."
        )
    if role == Role.VOLUNTEER:
        return t.gettext(
            "Coupled with a resident? Type a message or send a voice note here: it goes to "
            "them. To answer, reply to their message.\n"
            "/couples – your couples; end one\n"
            "/sharenumber – pass on your phone number once"
        )
    return t.gettext(
        "Type a message or send a voice note here: it goes to the person you are coupled "
        "with, or else to the coordinators of your buurt. To answer someone, reply to their "
        "message.\n"
        "/couples – your couple; end it\n"
        "/sharenumber – pass on your phone number once"
    )


def _volunteer_help(t: Translator) -> str:
    return t.gettext(
        "You are a volunteer. When an action in your neighbourhood needs help, "
        "you get a message: answer with Yes, Maybe or No.\n"
        "/myactions – the actions you answered; change your answer\n"
        "/availability – when you can help, or take a break\n"
        "/profile – your neighbourhood, languages, tasks and couples\n"
        "/results – record conversations and themes of an action\n"
        "/signal – something about a building or street for an organisation\n"
        "/worried – worried about someone: who to call\n"
        "/social_map – organisations in your neighbourhood\n"
        "/language – change the language\n"
        "/stop – stop all messages\n"
        "/delete – delete everything stored about you"
    )


def _resident_help(t: Translator) -> str:
    return t.gettext(
        "You signed up as a resident. Would you like help from a volunteer, with shopping, "
        "forms or something else?\n"
        "/helprequest – ask for help, or see where your request stands\n"
        "/profile – your neighbourhood, languages and what you would like help with\n"
        "/social_map – organisations in your neighbourhood\n"
        "/language – change the language\n"
        "/stop – stop all messages\n"
        "/delete – delete everything stored about you"
    )


def language_keyboard() -> InlineKeyboardMarkup:
    """Nederlands / English (`acc:lang:<nl|en>`); each language named in itself."""
    return keyboard(
        [
            [
                ("Nederlands", LANGUAGE.encode(language="nl")),
                ("English", LANGUAGE.encode(language="en")),
            ]
        ]
    )


def delete_question(
    t: Translator, code: str, *, places: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """The /delete question and its buttons; 'yes' carries the question's one-time code.

    `places`: the person holds places on upcoming actions (then we say they go to others;
    residents, coordinators and volunteers without places are not told about places).
    """
    if places:
        text = t.gettext(
            "Do you want me to delete everything stored about you? Your places on actions "
            "are given to others. This cannot be undone."
        )
    else:
        text = t.gettext(
            "Do you want me to delete everything stored about you? This cannot be undone."
        )
    buttons = [
        [
            (t.gettext("Yes, delete everything"), DELETE_YES.encode(code=code)),
            (t.gettext("No, don't delete"), DELETE_NO.encode()),
        ]
    ]
    return text, keyboard(buttons)


def coordinator_help(t: Translator) -> str:
    """What a coordinator can do."""
    return t.gettext(
        "What you can do:\n"
        "/newaction – plan an action and call volunteers\n"
        "/actions – see who is coming, or cancel an action\n"
        "/invite – make an invite link and QR code\n"
        "/helprequests – what residents would like help with\n"
        "/ready – mark volunteers ready for coupling\n"
        "/overview – what happened in your area: text, chart and CSV\n"
        "/results – record conversations and themes of an action\n"
        "/signal – something about a building or street for an organisation\n"
        "/signals – the signals of your area and where they stand\n"
        "/language – change the language\n"
        "/stop – stop all messages\n"
        "/delete – delete everything stored about you"
    )


def partner_help(t: Translator) -> str:
    """What a partner organisation's staff member can do (plain text)."""
    return t.gettext(
        "You take part for a partner organisation. When the neighbourhood network hands "
        "something over to your organisation, you get a message with what you need to act, "
        "and you answer with Picked up or Not for us.\n"
        "/actions – actions your organisation organises with the network, who is coming\n"
        "/overview – what happened in your area (numbers below 5 are not shown)\n"
        "/signals – signals about a place for your organisation: picked up, done or not "
        "for us\n"
        "/language – change the language\n"
        "/stop – stop all messages\n"
        "/delete – delete everything stored about you"
    )
