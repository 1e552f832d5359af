"""Typed messages, voice notes and a shared phone number go to the right person
(issue 6 §3). The rule is `bot.domain.relay.route`; copies are made with `copyMessage`
after the commit (`bot.delivery.relay`), so nothing of the message itself is stored.

- `/nummerdelen` (`/sharenumber`): a reply keyboard with Telegram's contact button; the
  number is passed on once, like a message, and never stored.
- "Aan wie?": with several open threads the person picks one; the button carries the id of
  their own message, which is copied from their chat when they tap.
- Anything outside a conversation from someone not signed up (or in a conversation) keeps
  the old kind answers (`bot.handlers.fallback`).
"""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import CommandHandler, MessageHandler, filters

from bot import callbacks
from bot.context import WijkContext
from bot.delivery import relay as relay_delivery
from bot.domain import relay
from bot.domain.errors import NotAllowed
from bot.domain.vocabulary import RelayRouting
from bot.handlers.common import (
    answer_query,
    button,
    send_later,
    stale_button,
    translator_for,
)
from bot.handlers.conversations import REGISTRY
from bot.handlers.fallback import not_text, not_understood
from bot.i18n import Translator
from bot.views.lists import name_html, name_plain

SHARE_COMMANDS = ("nummerdelen", "sharenumber")


def _in_conversation(update: Update) -> bool:
    return any(c.state_of(update) is not None for c in REGISTRY.values())


def _names(threads: list[relay.Thread]) -> str:
    return ", ".join(name_html(thread.peer_name, None) for thread in threads)


def _outcome_text(
    t: Translator, delivered: list[relay.Thread], failed: list[relay.Thread], to_coordinators: bool
) -> str:
    if not delivered:
        return t.gettext(
            "Sorry, I could not pass this on: {names} cannot be reached now.", names=_names(failed)
        )
    if to_coordinators:
        return t.gettext(
            "I passed your message on to the coordinators of your neighbourhood (buurt). "
            "Someone will answer you here."
        )
    return t.gettext("Passed on to {names}.", names=_names(delivered))


async def _relay(
    update: Update,
    context: WijkContext,
    *,
    t: Translator,
    sender_id: int,
    sender_name: str,
    message_id: int,
    threads: list[relay.Thread],
    to_coordinators: bool = False,
    remove_keyboard: bool = False,
) -> None:
    """Queue the copies and then the answer to the sender (after the commit)."""
    chat = update.effective_chat
    assert chat is not None

    async def send() -> None:
        delivered, failed = await relay_delivery.copy_to(
            bot=context.bot,
            db=context.db,
            clock=context.clock,
            i18n=context.i18n,
            from_chat_id=chat.id,
            message_id=message_id,
            sender_id=sender_id,
            sender_name=sender_name,
            threads=threads,
        )
        text = _outcome_text(t, delivered, failed, to_coordinators)
        if update.callback_query is not None:
            await update.callback_query.edit_message_text(text, parse_mode="HTML")
        else:
            markup = ReplyKeyboardRemove() if remove_keyboard else None
            await chat.send_message(text, parse_mode="HTML", reply_markup=markup)

    await send_later(send)


def _ask_keyboard(threads: list[relay.Thread], message_id: int) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                name_plain(thread.peer_name, None),
                callback_data=callbacks.RELAY_TO.encode(
                    peer_id=thread.peer_id, message_id=message_id
                ),
            )
        ]
        for thread in threads
    ]
    return InlineKeyboardMarkup(rows)


async def on_message(update: Update, context: WijkContext) -> None:
    """A text (not a command), voice note or contact outside any conversation."""
    message = update.effective_message
    person = await context.person()
    t = translator_for(update, context, person)
    if message is None:
        return
    usable = person is not None and person.onboarded_at is not None and person.stopped_at is None
    if not usable or _in_conversation(update) or person is None:
        await _fallback(update, context, t)
        return
    is_contact = message.contact is not None
    if is_contact and message.contact.user_id != person.telegram_user_id:
        await _reply(
            update,
            t.gettext("You can only share your own phone number here."),
            ReplyKeyboardRemove(),
        )
        return
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    where = await relay.route(
        session=context.session,
        person=person,
        reply_to_message_id=reply_to,
        now=context.clock.now(),
        tz=context.services.settings.tz,
    )
    common: dict[str, Any] = {
        "t": t,
        "sender_id": person.id,
        "sender_name": person.display_name,
        "message_id": message.message_id,
        "remove_keyboard": is_contact,
    }
    if where.routing == RelayRouting.SEND:
        await _relay(update, context, threads=where.threads, **common)
    elif where.routing == RelayRouting.COORDINATORS:
        await _relay(update, context, threads=where.threads, to_coordinators=True, **common)
    elif where.routing == RelayRouting.ASK:
        await _reply(
            update,
            t.gettext("Who is this message for?"),
            _ask_keyboard(where.threads, message.message_id),
        )
    else:  # nobody to pass it to: the usual kind answers, which point to /help
        await _fallback(update, context, t)


async def _fallback(update: Update, context: WijkContext, t: Translator) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await _reply(update, not_understood(t))
    else:
        await not_text(update, context)


async def _reply(update: Update, text: str, markup: Any = None) -> None:
    chat = update.effective_chat
    if chat is not None:
        await send_later(lambda: chat.send_message(text, parse_mode="HTML", reply_markup=markup))


async def on_pick(update: Update, context: WijkContext, *, peer_id: int, message_id: int) -> None:
    """An answer to "Aan wie?": checked again (the thread must still be open)."""
    person = await context.person()
    query = update.callback_query
    assert query is not None
    t = translator_for(update, context, person)
    try:
        person = relay.require_person(person)
        thread = await relay.thread_to(
            session=context.session,
            person=person,
            peer_id=peer_id,
            now=context.clock.now(),
            tz=context.services.settings.tz,
        )
    except NotAllowed:
        await stale_button(update, context)
        return
    await answer_query(query)
    await _relay(
        update,
        context,
        t=t,
        sender_id=person.id,
        sender_name=person.display_name,
        message_id=message_id,
        threads=[thread],
    )


async def on_from_label(update: Update, context: WijkContext) -> None:
    """The "From Anouk" button on a copy: how to answer."""
    t = translator_for(update, context, await context.person())
    assert update.callback_query is not None
    await answer_query(
        update.callback_query,
        t.gettext("To answer, reply to this message (swipe it, or tap Reply)."),
        alert=True,
    )


async def share_number(update: Update, context: WijkContext) -> None:
    """/nummerdelen: the contact button, only for someone with an open thread."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or not await relay.open_threads(
        session=context.session, person=person, now=context.clock.now()
    ):
        await _reply(update, t.gettext("You have nobody to share your number with yet."))
        return
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(t.gettext("Share my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await _reply(
        update,
        t.gettext(
            "Tap the button below to pass on your phone number. I pass it on once and do "
            "not keep it."
        ),
        keyboard,
    )


def register(application: Any) -> None:
    """Add the relay handlers (group 0, before the fallbacks)."""
    application.add_handler(CommandHandler(list(SHARE_COMMANDS), share_number))
    message = filters.UpdateType.MESSAGE
    relayable = (filters.TEXT & ~filters.COMMAND) | filters.VOICE | filters.CONTACT
    application.add_handler(MessageHandler(message & relayable, on_message))
    application.add_handler(button(callbacks.RELAY_TO, on_pick))
    application.add_handler(button(callbacks.RELAY_FROM, on_from_label))
