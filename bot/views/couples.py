"""Texts and buttons about couples: check-ins ("Hoe gaat het?"), the owner's alerts, the
end of a couple, the couples list and ending one (HTML; names are escaped here)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.domain.vocabulary import CheckInAnswer, Role
from bot.i18n import Translator
from bot.views.lists import name_html

Rendered = tuple[str, InlineKeyboardMarkup | None]


def answer_label(t: Translator, answer: CheckInAnswer) -> str:
    """Goed / Kan beter / We zijn gestopt."""
    return {
        CheckInAnswer.GOOD: t.gettext("Good"),
        CheckInAnswer.COULD_BE_BETTER: t.gettext("Could be better"),
        CheckInAnswer.STOPPED: t.gettext("We have stopped"),
    }[answer]


def check_in(t: Translator, args: dict[str, Any]) -> Rendered:
    """The outbox kind coupling_check_in: the question with its three answers."""
    check_in_id = int(args.get("check_in_id") or 0)
    keyboard = (
        None
        if not check_in_id
        else InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        answer_label(t, answer),
                        callback_data=callbacks.CHECK_IN.encode(
                            check_in_id=check_in_id, answer=answer
                        ),
                    )
                ]
                for answer in CheckInAnswer
            ]
        )
    )
    text = t.gettext(
        "How is it going with your couple (koppel)? Tap an answer. Only the coordinator reads it."
    )
    return text, keyboard


def check_in_thanks(t: Translator, answer: CheckInAnswer) -> str:
    """The answer to a check-in press."""
    if answer == CheckInAnswer.GOOD:
        return t.gettext("Good to hear! Thank you for letting us know.")
    return t.gettext("Thank you for letting us know. A coordinator will get in touch with you.")


def _side(t: Translator, side: str) -> str:
    return t.gettext("the volunteer") if side == Role.VOLUNTEER else t.gettext("the resident")


def check_in_alert(t: Translator, args: dict[str, Any]) -> Rendered:
    """The outbox kind coupling_check_in_alert, to the owner, with a button to the couple."""
    side = _side(t, str(args.get("side", "")))
    reason = str(args.get("reason", ""))
    if reason == CheckInAnswer.COULD_BE_BETTER:
        text = t.gettext(
            "Check-in: {side} of couple {id} says it could be better.",
            side=side,
            id=args.get("couple_id", "?"),
        )
    elif reason == CheckInAnswer.STOPPED:
        text = t.gettext(
            "Check-in: {side} of couple {id} says they have stopped.",
            side=side,
            id=args.get("couple_id", "?"),
        )
    else:
        text = t.gettext(
            "Check-in: {side} of couple {id} did not answer the last two check-ins.",
            side=side,
            id=args.get("couple_id", "?"),
        )
    see = t.gettext("See /couples.")
    return f"{text}\n{see}", None


def couple_ended(t: Translator, args: dict[str, Any]) -> Rendered:
    """The outbox kind coupling_couple_ended (no names: the other may have been erased)."""
    if args.get("reason") == "erased":
        return t.gettext(
            "The person you were coupled with has left wijkbot, so your couple has ended. "
            "Thank you for everything you did together!"
        ), None
    return t.gettext("Your couple has ended. Thank you for your time and care!"), None


@dataclass(frozen=True)
class CoupleLine:
    """One couple in /koppels: id, the volunteer's and the resident's first names, since
    (aware UTC), whether the reader is one of its sides."""

    couple_id: int
    volunteer_name: str
    resident_name: str
    since: Any
    is_side: bool


def couples_list(t: Translator, lines: list[CoupleLine]) -> Rendered:
    """/koppels: the reader's couples (sides) or their area's (coordinators), with a
    "Stop" button each (at most the first 20; a longer list says how many more)."""
    if not lines:
        return t.gettext("You have no couples right now."), None
    shown = lines[:20]
    rows = [t.gettext("Couples (koppels) now:")]
    buttons = []
    for line in shown:
        rows.append(
            t.gettext(
                "{id}: {volunteer} and {resident}, since {date}",
                id=line.couple_id,
                volunteer=name_html(line.volunteer_name, None),
                resident=name_html(line.resident_name, None),
                date=t.date(line.since.astimezone(t.tz).date()),
            )
        )
        buttons.append(
            [
                InlineKeyboardButton(
                    t.gettext("End couple {id}", id=line.couple_id),
                    callback_data=callbacks.COUPLE_END.encode(couple_id=line.couple_id),
                )
            ]
        )
    if len(lines) > len(shown):
        rows.append(t.gettext("+{n} more", n=len(lines) - len(shown)))
    return "\n".join(rows), InlineKeyboardMarkup(buttons)


def end_question(t: Translator, couple_id: int, resident_name: str) -> Rendered:
    """Ending a couple: does the resident still need help (the request reopens) or not
    (it closes)?"""
    text = t.gettext(
        "End couple {id}. Does {resident} still need help from someone else?",
        id=couple_id,
        resident=name_html(resident_name, None),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Yes, find someone else"),
                    callback_data=callbacks.COUPLE_END_DO.encode(couple_id=couple_id, reopen=True),
                )
            ],
            [
                InlineKeyboardButton(
                    t.gettext("No, the help is done"),
                    callback_data=callbacks.COUPLE_END_DO.encode(couple_id=couple_id, reopen=False),
                )
            ],
        ]
    )
    return text, keyboard


def ended_text(t: Translator, reopened: bool) -> str:
    """The answer to the one who ended a couple."""
    if reopened:
        return t.gettext("The couple has ended. The help request is open again.")
    return t.gettext("The couple has ended. The help request is closed.")


def _meeting(t: Translator, args: dict[str, Any]) -> str:
    import datetime as dt

    place = html.escape(str(args.get("place", "")))
    if not args.get("at"):
        return place
    when = dt.datetime.fromisoformat(str(args["at"]))
    return t.gettext("{when}, at {place}", when=t.datetime(when), place=place)


def kennismaking(t: Translator, args: dict[str, Any]) -> Rendered:
    """The outbox kind coupling_kennismaking: the first meeting, to both sides."""
    intro = t.gettext(
        "Your first meeting (kennismaking) is planned: {meeting}.", meeting=_meeting(t, args)
    )
    later = t.gettext("You will get a reminder the day before.")
    return f"{intro}\n{later}", None


def kennismaking_reminder(t: Translator, args: dict[str, Any]) -> Rendered:
    """The outbox kind coupling_kennismaking_reminder, a day before."""
    return t.gettext(
        "Reminder: tomorrow is your first meeting (kennismaking): {meeting}.",
        meeting=_meeting(t, args),
    ), None
