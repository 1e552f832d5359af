"""/beschikbaarheid (/availability): weekly grid to toggle, and a pause until a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import WijkContext
from bot.domain import availability
from bot.domain.errors import InvalidInput
from bot.handlers.common import (
    answer_query,
    callback_id,
    current_person,
    edit_or_send,
    reply,
    translator_for,
)
from bot.i18n import Translator
from bot.views import people as views
from storage.models import Person

PAUSE_OPTIONS = (("1w", 7), ("2w", 14), ("4w", 28))


def _text(t: Translator, person: Person, today: dt.date) -> str:
    text = t.gettext(
        "When can you usually help? Tap a moment to switch it on or off. "
        "Calls for actions at these moments come to you first."
    )
    if availability.is_paused(person, today):
        text += "\n\n" + t.gettext(
            "⏸ Paused until {date}: you get no calls until then.",
            date=t.date(person.paused_until),
        )
    return text


def _markup(t: Translator, person: Person, slots: set[tuple[int, str]], today: dt.date) -> Any:
    if availability.is_paused(person, today):
        extra = [InlineKeyboardButton(t.gettext("▶ Resume now"), callback_data="av:resume")]
    else:
        extra = [InlineKeyboardButton(t.gettext("⏸ Pause"), callback_data="av:pause")]
    return views.availability_keyboard(t, slots, "av", extra)


async def _volunteer(update: Update, context: WijkContext) -> tuple[Person | None, Translator]:
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    if person is None or person.role != "volunteer":
        text = t.gettext("Only volunteers set when they can help.")
        if update.callback_query:
            await answer_query(update.callback_query, text)
        else:
            await reply(update, text)
        return None, t
    return person, t


async def show(update: Update, context: WijkContext) -> None:
    """The command: show the grid."""
    person, t = await _volunteer(update, context)
    if person is None:
        return
    today = context.clock.now().astimezone(context.services.settings.tz).date()
    async with context.atomic() as session:
        slots = await availability.slots_of(session=session, person_id=person.id)
    await reply(update, _text(t, person, today), _markup(t, person, slots, today))


async def press(update: Update, context: WijkContext) -> None:
    """'av:<wd>:<m|a|e>' toggles; 'av:pause' shows dates; 'av:p:<days>' pauses; 'av:resume'."""
    query = update.callback_query
    person, t = await _volunteer(update, context)
    if person is None:
        return
    parts = (query.data or "").split(":")[1:]
    today = context.clock.now().astimezone(context.services.settings.tz).date()
    if parts == ["pause"]:
        await answer_query(query)
        buttons = [
            [
                InlineKeyboardButton(
                    t.gettext("Until {date}", date=t.short_date(today + dt.timedelta(days=d))),
                    callback_data=f"av:p:{d}",
                )
            ]
            for _, d in PAUSE_OPTIONS
        ]
        buttons.append([InlineKeyboardButton(t.gettext("Back"), callback_data="av:back")])
        await edit_or_send(
            query,
            t.gettext("Until when do you want a break from calls?"),
            InlineKeyboardMarkup(buttons),
        )
        return
    try:
        async with context.atomic() as session:
            number = callback_id(parts[1]) if len(parts) == 2 else None
            if parts[:1] == ["p"] and number is not None and number <= 366:
                until = today + dt.timedelta(days=number)
                availability.set_pause(person=person, today=today, until=until)
            elif parts == ["resume"]:
                availability.set_pause(person=person, until=None, today=today)
            elif (
                len(parts) == 2
                and callback_id(parts[0]) is not None
                and (parts[1] in views.PART_BY_LETTER)
            ):
                await availability.toggle_slot(
                    session=session,
                    person_id=person.id,
                    weekday=int(parts[0]),
                    day_part=views.PART_BY_LETTER[parts[1]],
                )
            elif parts != ["back"]:
                raise InvalidInput("button")
            slots = await availability.slots_of(session=session, person_id=person.id)
    except InvalidInput:
        await answer_query(query, t.gettext("This button no longer works."))
        return
    await answer_query(query, t.gettext("Saved."))
    await edit_or_send(query, _text(t, person, today), _markup(t, person, slots, today))


def register(application: Any) -> None:
    """Add /beschikbaarheid, /availability and the grid buttons."""
    application.add_handler(CommandHandler(["beschikbaarheid", "availability"], show))
    application.add_handler(CallbackQueryHandler(press, pattern=r"^av:"))
