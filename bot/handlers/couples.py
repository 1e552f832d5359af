"""Couples after coupling (issue 6 §3-4): /koppels (/couples) lists them with a way to end
one (the request then reopens or closes, asked), check-in answers ("Hoe gaat het?"), and
/kennismaking (/firstmeeting) for the owner to plan the first meeting.

Every press is checked again by the domain (`bot.domain.coupling.follow_up`, `checkins`).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot import callbacks
from bot.context import WijkContext
from bot.domain.coupling import checkins, follow_up
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import CheckInAnswer, Role
from bot.handlers.common import (
    MAX_ID,
    answer_query,
    button,
    coordinators_only_text,
    edit_or_send,
    stale_button,
    translator_for,
)
from bot.handlers.keyboards import say
from bot.i18n import Translator
from bot.views import couples as view

COUPLES_COMMANDS = ("koppels", "couples")
MEETING_COMMANDS = ("kennismaking", "firstmeeting")
_MEETING = re.compile(
    r"^\s*(\d{1,10})\s+(\d{1,2})-(\d{1,2})(?:-(\d{4}))?\s+(\d{1,2})[:.](\d{2})\s+(.+)$", re.S
)


async def list_couples(update: Update, context: WijkContext) -> None:
    """/koppels: the person's couples (a coordinator: their area's too)."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        person = follow_up.require_side_or_coordinator(person)
    except NotAllowed:
        await say(update, t.gettext("You have no couples right now."), t=t)
        return
    found = await follow_up.visible_couples(session=context.session, person=person)
    lines = [
        view.CoupleLine(c.couple_id, c.volunteer_name, c.resident_name, c.since, c.is_side)
        for c in found
    ]
    await say(update, *view.couples_list(t, lines), t=t)


async def on_end(update: Update, context: WijkContext, *, couple_id: int) -> None:
    """`cpl:end:<id>`: ask whether the resident still needs help."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        found = await follow_up.couple_for(
            session=context.session,
            couple_id=couple_id,
            person=follow_up.require_side_or_coordinator(person),
        )
    except (NotAllowed, NotFound):
        await stale_button(update, context)
        return
    await say(update, *view.end_question(t, couple_id, found.resident_name), t=t)


async def on_end_do(update: Update, context: WijkContext, *, couple_id: int, reopen: bool) -> None:
    """`cpl:ed:<id>:<o|c>`: end it; the request reopens or closes."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            await follow_up.end(
                session=session,
                couple_id=couple_id,
                by=follow_up.require_side_or_coordinator(person),
                reopen=reopen,
                now=context.clock.now(),
            )
    except (NotAllowed, NotFound):
        await stale_button(update, context)
        return
    await say(update, view.ended_text(t, reopen), t=t)


async def on_check_in(
    update: Update, context: WijkContext, *, check_in_id: int, answer: CheckInAnswer
) -> None:
    """`chk:<id>:<g|b|s>`: one side's answer; the first counts."""
    person = await context.person()
    t = translator_for(update, context, person)
    query = update.callback_query
    assert query is not None
    if person is None:
        await stale_button(update, context)
        return
    try:
        async with context.atomic() as session:
            check_in = await checkins.answer(
                session=session,
                check_in_id=check_in_id,
                person=person,
                answer=answer,
                now=context.clock.now(),
            )
    except (NotAllowed, NotFound):
        await stale_button(update, context)
        return
    given = CheckInAnswer(check_in.answer)
    await answer_query(query)
    text = t.gettext("Your answer: {answer}", answer=html.escape(view.answer_label(t, given)))
    await edit_or_send(query, f"{text}\n{view.check_in_thanks(t, given)}")


def _meeting_usage(t: Translator) -> str:
    return t.gettext(
        "Plan a first meeting (kennismaking) like this:\n"
        "/firstmeeting 12 5-12 14:00 Community centre De Koe\n"
        "(couple number, day-month, time, place). See the numbers with /couples."
    )


def _parse_meeting(text: str, tz: Any, today: dt.date) -> tuple[int, dt.datetime, str] | None:
    """'12 5-12 14:00 Buurthuis' -> (12, aware UTC, 'Buurthuis'); a date without a year is
    the next one from `today`. None when it does not parse."""
    match = _MEETING.match(text)
    if match is None:
        return None
    couple_id, day, month, year, hour, minute, place = match.groups()
    try:
        date = dt.date(int(year) if year else today.year, int(month), int(day))
        if year is None and date < today:
            date = date.replace(year=today.year + 1)
        local = dt.datetime.combine(date, dt.time(int(hour), int(minute)), tz)
    except ValueError:
        return None
    return int(couple_id), local.astimezone(dt.UTC), place.strip()


async def plan_meeting(update: Update, context: WijkContext) -> None:
    """/kennismaking <couple> <d-m[-yyyy]> <hh:mm> <place>: coordinators only."""
    person = await context.person()
    t = translator_for(update, context, person)
    message = update.effective_message
    assert message is not None
    if person is None or person.role != Role.COORDINATOR:  # not even how it is typed
        await say(update, coordinators_only_text(t), t=t)
        return
    args = (message.text or "").split(maxsplit=1)
    now = context.clock.now()
    parsed = _parse_meeting(args[1] if len(args) > 1 else "", t.tz, now.astimezone(t.tz).date())
    if parsed is None:
        await say(update, _meeting_usage(t), t=t)
        return
    couple_id, when, place = parsed
    try:
        if couple_id > MAX_ID:  # no such couple; PostgreSQL would refuse the number itself
            raise NotFound()
        async with context.atomic() as session:
            await follow_up.plan_kennismaking(
                session=session,
                couple_id=couple_id,
                coordinator=person,  # type: ignore[arg-type]
                when=when,
                place=place,
                now=now,
            )
    except (NotAllowed, NotFound):
        await say(update, t.gettext("You cannot plan a meeting for that couple."), t=t)
        return
    except InvalidInput as exc:
        if exc.field == "when":
            await say(update, t.gettext("That time has passed. Choose a time ahead."), t=t)
        else:
            await say(update, _meeting_usage(t), t=t)
        return
    await say(
        update,
        t.gettext(
            "Planned: {when}, at {place}. Both get it now and a reminder the day before.",
            when=t.datetime(when),
            place=html.escape(" ".join(place.split())),
        ),
        t=t,
    )


def register(application: Any) -> None:
    """Add /koppels, /kennismaking and the couple and check-in buttons."""
    application.add_handler(CommandHandler(list(COUPLES_COMMANDS), list_couples))
    application.add_handler(CommandHandler(list(MEETING_COMMANDS), plan_meeting))
    application.add_handler(button(callbacks.COUPLE_END, on_end))
    application.add_handler(button(callbacks.COUPLE_END_DO, on_end_do))
    application.add_handler(button(callbacks.CHECK_IN, on_check_in))
