"""Coordinators: /afwezig (/away), "afwezig tot <datum>" with a stand-in coordinator of the
area who gets their notices meanwhile (issue 7 item 12; rules: `bot.domain.cover`).

Buttons (`bot.callbacks`): `cov:d:<day>` until when, `cov:s:<day>:<stand-in id>` who,
`cov:end` back. Every press is checked again by the domain (a coordinator; the date within
`LONGEST_AWAY_DAYS`; the stand-in an active coordinator of the area); a forged or stale
press gets the one stale answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import COVER_END, COVER_SET, COVER_UNTIL
from bot.context import WijkContext
from bot.domain import cover
from bot.domain.errors import InvalidInput, NotAllowed
from bot.handlers.common import answer_query, button, stale_text, translator_for
from bot.handlers.keyboards import not_coordinator, say
from bot.i18n import Translator
from bot.views.lists import button_rows, keyboard, name_html, name_plain

#: The choices of "until when", in days from today.
AWAY_CHOICES = (1, 3, 7, 14, 28)


def _today(context: WijkContext) -> dt.date:
    return context.clock.now().astimezone(context.services.settings.tz).date()


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


async def _refuse(update: Update, t: Translator, exc: Exception) -> None:
    text = not_coordinator(t) if isinstance(exc, NotAllowed) else stale_text(t)
    if update.callback_query is not None:
        await answer_query(update.callback_query, text)
    else:
        await say(update, text, t=t)


async def away_command(update: Update, context: WijkContext) -> None:
    """/afwezig, /away: the current cover, and "until when?" as date buttons."""
    person = await context.person()
    t = translator_for(update, context, person)
    today = _today(context)
    try:
        async with context.atomic() as session:
            candidates = await cover.stand_in_candidates(session=session, coordinator=person)  # type: ignore[arg-type]
            stand_in = await cover.current(session=session, coordinator=person, today=today)  # type: ignore[arg-type]
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    if not candidates:
        await say(
            update,
            t.gettext("There is no other coordinator in your area to stand in for you."),
            t=t,
        )
        return
    lines = []
    rows: list[list[tuple[str, str]]] = []
    if stand_in is not None and person is not None and person.away_until is not None:
        lines.append(
            t.gettext(
                "You are away until {date}: {name} gets your notices.",
                date=t.date(person.away_until),
                name=name_html(stand_in.display_name, None),
            )
        )
        rows.append([(t.gettext("I am back"), COVER_END.encode())])
    lines.append(
        t.gettext(
            "Away until when? Meanwhile your notices, the messages meant for you and "
            '"Who came?" go to a stand-in.'
        )
    )
    days = [today + dt.timedelta(days=n) for n in AWAY_CHOICES]
    choices = [
        (t.gettext("until {date}", date=t.short_date(d)), COVER_UNTIL.encode(day=d.isoformat()))
        for d in days
    ]
    await say(update, "\n\n".join(lines), keyboard(button_rows(choices, 3) + rows), t=t)


async def on_until(update: Update, context: WijkContext, *, day: str) -> None:
    """`cov:d:<day>`: who stands in? One button per candidate."""
    person = await context.person()
    t = translator_for(update, context, person)
    until = _day(day)
    try:
        async with context.atomic() as session:
            candidates = await cover.stand_in_candidates(session=session, coordinator=person)  # type: ignore[arg-type]
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    if until is None or not candidates:
        await _refuse(update, t, InvalidInput("until"))
        return
    choices = [
        (name_plain(p.display_name), COVER_SET.encode(day=until.isoformat(), stand_in_id=p.id))
        for p in candidates[:30]
    ]
    text = t.gettext("Who gets your notices until {date}?", date=t.date(until))
    await say(update, text, keyboard(button_rows(choices, 2)), t=t)


async def on_set(update: Update, context: WijkContext, *, day: str, stand_in_id: int) -> None:
    """`cov:s:<day>:<id>`: store the cover (checked again by the domain)."""
    person = await context.person()
    t = translator_for(update, context, person)
    until = _day(day)
    try:
        if until is None:
            raise InvalidInput("until")
        async with context.atomic() as session:
            stand_in = await cover.set_away(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                until=until,
                stand_in_id=stand_in_id,
                today=_today(context),
            )
    except (NotAllowed, InvalidInput) as exc:
        await _refuse(update, t, exc)
        return
    text = t.gettext(
        'Until {date} your notices, the messages meant for you and "Who came?" go to '
        "{name}. Send /away to end it sooner.",
        date=t.date(until),
        name=name_html(stand_in.display_name, None),
    )
    await say(update, text, t=t)


async def on_end(update: Update, context: WijkContext) -> None:
    """`cov:end`: back; notices come to the coordinator again."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        if person is None:
            raise NotAllowed()
        async with context.atomic():
            cover.end(coordinator=person)
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    await say(update, t.gettext("Welcome back: your notices come to you again."), t=t)


def register(application: Any) -> None:
    """/afwezig, /away and the cover buttons (group 0)."""
    application.add_handler(CommandHandler(["afwezig", "away"], away_command))
    application.add_handler(button(COVER_UNTIL, on_until))
    application.add_handler(button(COVER_SET, on_set))
    application.add_handler(button(COVER_END, on_end))
