"""/beschikbaarheid (/availability): the weekly grid, and a pause of one, two or four weeks.

A button screen registered as a conversation ("availability", states GRID and PAUSE), so it
has the same way out as every conversation (`bot.handlers.conversations`): `/annuleer` closes
it (removes the buttons of the screen last shown) and says what is saved.

Buttons (`bot.callbacks`): `av:<weekday>:<m|a|e>:<1|0>` sets one slot on or off (what the
button showed, so an older grid cannot undo a newer choice); `av:pause` shows the pause
lengths, `av:p:<7|14|28>` pauses, `av:resume`, `av:back`. Pressing an old grid after the
screen was closed opens it again. Forged data gets the one stale answer.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.callbacks import AV_BACK, AV_PAUSE, AV_RESUME, AV_SLOT, AV_UNTIL
from bot.context import WijkContext
from bot.domain import availability
from bot.domain.availability import PAUSE_DAYS
from bot.domain.vocabulary import Role
from bot.handlers.common import (
    answer_query,
    button,
    edit_or_send,
    reply,
    send_later,
    translator_for,
)
from bot.handlers.conversations import add_conversation
from bot.handlers.onboarding.states import accessible
from bot.i18n import Translator
from bot.views import people as views

if TYPE_CHECKING:
    from storage.models import Person

GRID, PAUSE = "grid", "pause"
SCREEN = "availability_message"
"""user_data key: the message id of the screen last shown, so /annuleer can remove its buttons."""
END = ConversationHandler.END


def _today(context: WijkContext) -> dt.date:
    return context.clock.now().astimezone(context.services.settings.tz).date()


def _text(t: Translator, person: Person, today: dt.date) -> str:
    text = t.gettext(
        "When can you usually help? Tap a moment to switch it on or off. "
        "Calls for actions at these moments come to you first."
    )
    if availability.is_paused(person, today):
        text += "\n\n" + t.gettext(
            "⏸ Paused up to and including {date}: you get no calls until that day is over.",
            date=t.date(person.paused_until),
        )
    return text


def _markup(
    t: Translator, person: Person, slots: set[tuple[int, str]], today: dt.date
) -> InlineKeyboardMarkup:
    if availability.is_paused(person, today):
        extra = [InlineKeyboardButton(t.gettext("▶ Resume now"), callback_data=AV_RESUME.encode())]
    else:
        extra = [InlineKeyboardButton(t.gettext("⏸ Pause"), callback_data=AV_PAUSE.encode())]
    return views.availability_keyboard(t, slots, AV_SLOT, extra)


async def _volunteer(update: Update, context: WijkContext) -> tuple[Person | None, Translator]:
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or person.role != Role.VOLUNTEER:
        text = t.gettext("Only volunteers set when they can help.")
        if update.callback_query:
            await answer_query(update.callback_query, text)
        else:
            await reply(update, text)
        return None, t
    return person, t


def _remember_screen(update: Update, context: WijkContext) -> None:
    query = update.callback_query
    if query is not None and accessible(query.message):
        context.user_data[SCREEN] = query.message.message_id


async def show(update: Update, context: WijkContext) -> str | int:
    """The command: show the grid (state GRID)."""
    person, t = await _volunteer(update, context)
    if person is None:
        return END
    today = _today(context)
    slots = await availability.slots_of(session=context.session, person_id=person.id)
    text, markup = _text(t, person, today), _markup(t, person, slots, today)
    user_data, chat = context.user_data, update.effective_chat
    if chat is None:
        return END

    async def send() -> None:
        sent = await chat.send_message(text, reply_markup=markup)
        user_data[SCREEN] = sent.message_id  # saved with the person's next update

    await send_later(send)
    return GRID


async def _show_grid(update: Update, context: WijkContext, person: Person, t: Translator) -> str:
    query = update.callback_query
    assert query is not None
    today = _today(context)
    slots = await availability.slots_of(session=context.session, person_id=person.id)
    _remember_screen(update, context)
    await edit_or_send(query, _text(t, person, today), _markup(t, person, slots, today))
    return GRID


async def on_slot(
    update: Update, context: WijkContext, *, weekday: int, part: str, on: bool
) -> str | int:
    """`av:<weekday>:<m|a|e>:<1|0>`: set the slot to what the button promised."""
    person, t = await _volunteer(update, context)
    if person is None:
        return END
    async with context.atomic() as session:
        await availability.set_slot(
            session=session, person_id=person.id, weekday=weekday, day_part=part, on=on
        )
    await answer_query(update.callback_query, t.gettext("Saved."))  # type: ignore[arg-type]
    return await _show_grid(update, context, person, t)


async def on_pause(update: Update, context: WijkContext) -> str | int:
    """`av:pause`: the offered pause lengths (state PAUSE)."""
    person, t = await _volunteer(update, context)
    if person is None:
        return END
    query = update.callback_query
    assert query is not None
    today = _today(context)
    buttons = [
        [
            InlineKeyboardButton(
                t.gettext(
                    "Up to and including {date}",
                    date=t.weekday_date(today + dt.timedelta(days=days)),
                ),
                callback_data=AV_UNTIL.encode(days=days),
            )
        ]
        for days in PAUSE_DAYS
    ]
    buttons.append([InlineKeyboardButton(t.gettext("Back"), callback_data=AV_BACK.encode())])
    await answer_query(query)
    _remember_screen(update, context)
    await edit_or_send(
        query,
        t.gettext("How long do you want a break from calls? The day you choose counts too."),
        InlineKeyboardMarkup(buttons),
    )
    return PAUSE


async def on_until(update: Update, context: WijkContext, *, days: int) -> str | int:
    """`av:p:<7|14|28>`: pause calls for that many days (only the offered lengths decode)."""
    person, t = await _volunteer(update, context)
    if person is None:
        return END
    async with context.atomic():
        availability.pause_for(person=person, days=days, today=_today(context))
    await answer_query(update.callback_query, t.gettext("Saved."))  # type: ignore[arg-type]
    return await _show_grid(update, context, person, t)


async def on_resume(update: Update, context: WijkContext) -> str | int:
    """`av:resume`: calls again from now."""
    person, t = await _volunteer(update, context)
    if person is None:
        return END
    async with context.atomic():
        availability.set_pause(person=person, until=None, today=_today(context))
    await answer_query(update.callback_query, t.gettext("Saved."))  # type: ignore[arg-type]
    return await _show_grid(update, context, person, t)


async def on_back(update: Update, context: WijkContext) -> str | int:
    """`av:back`: from the pause lengths back to the grid."""
    person, t = await _volunteer(update, context)
    if person is None:
        return END
    await answer_query(update.callback_query)  # type: ignore[arg-type]
    return await _show_grid(update, context, person, t)


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """/annuleer or another command closes the screen: its buttons go, the choices stay."""
    message_id = context.user_data.pop(SCREEN, None)
    chat = update.effective_chat
    if isinstance(message_id, int) and chat is not None:
        bot = context.bot

        async def remove_buttons() -> None:
            await bot.edit_message_reply_markup(chat.id, message_id, reply_markup=None)

        await send_later(remove_buttons)
    person = await context.person()
    if person is None:
        return t.gettext("Okay, closed.")
    slots = await availability.slots_of(session=context.session, person_id=person.id)
    text = t.gettext(
        "Closed. When you can help stays as saved: {slots}.",
        slots=views.describe_slots(t, slots),
    )
    if availability.is_paused(person, _today(context)):
        text += " " + t.gettext(
            "⏸ Paused up to and including {date}: you get no calls until that day is over.",
            date=t.date(person.paused_until),
        )
    return text


def conversation() -> ConversationHandler[Any]:
    """The availability screen: any of its buttons (also on an old grid) opens it."""
    buttons = [
        button(AV_PAUSE, on_pause),
        button(AV_BACK, on_back),
        button(AV_RESUME, on_resume),
        button(AV_UNTIL, on_until),
        button(AV_SLOT, on_slot),  # last: its head `av` matches every press above too
    ]
    return ConversationHandler(
        entry_points=[CommandHandler(["beschikbaarheid", "availability"], show), *buttons],
        states={GRID: buttons, PAUSE: buttons},
        fallbacks=[],
        name="availability",
        persistent=True,
        allow_reentry=True,
    )


def register(application: Any) -> None:
    """Add /beschikbaarheid, /availability and the grid buttons (one registered screen)."""
    add_conversation(application, conversation(), on_exit)
