"""Coordinators: a message to the people coming to an action (issue 7 item 7).

A conversation (`bot.handlers.conversations`: /annuleer and other commands end it): the
roster's "Message the people coming" (`act:m:<id>`) asks for the text (state TEXT); then
who gets it (`act:ms:<id>:<c|m|w|a>`, state AUDIENCE): the people coming, optionally also
Misschien and the waiting list. Every step is checked again by `bot.domain.action_messages`
(a coordinator of the area; the action open and not started). The text is sent through the
outbox and removed from it once delivered.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.callbacks import MESSAGE_SEND, MESSAGE_START
from bot.context import WijkContext
from bot.domain import action_messages
from bot.domain.errors import ActionCancelled, ActionStarted, InvalidInput, NotAllowed, NotFound
from bot.handlers import actions as action_handlers
from bot.handlers.common import button, stale_button, translator_for
from bot.handlers.conversations import add_conversation
from bot.handlers.keyboards import say
from bot.i18n import Translator
from bot.views.lists import keyboard

TEXT, AUDIENCE = "text", "audience"
DRAFT = "action_message"  # user_data: {"action_id", "text"}


async def start(update: Update, context: WijkContext, *, action_id: int) -> str | int:
    """`act:m:<id>`: ask for the text."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            action, _ = await action_messages.audience(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                action_id=action_id,
                now=context.clock.now(),
            )
    except (NotAllowed, NotFound, ActionCancelled, ActionStarted) as exc:
        await action_handlers.refuse(update, context, exc)
        return ConversationHandler.END
    context.user_data[DRAFT] = {"action_id": action_id}  # type: ignore[index]
    await say(
        update,
        t.gettext(
            "Type the message for the people coming to {title}. /cancel stops.",
            title=f"<b>{html.escape(action.title)}</b>",
        ),
        t=t,
    )
    return TEXT


async def on_text(update: Update, context: WijkContext) -> str | int:
    """The text: ask who gets it, with the size of each group."""
    person = await context.person()
    t = translator_for(update, context, person)
    draft = context.user_data.get(DRAFT) or {}  # type: ignore[union-attr]
    assert update.message is not None
    try:
        text = action_messages.clean_message(update.message.text or "")
        async with context.atomic() as session:
            _, sizes = await action_messages.audience(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                action_id=int(draft.get("action_id", 0)),
                now=context.clock.now(),
            )
    except InvalidInput:
        await say(update, t.gettext("Please type a message of at most 1000 characters."), t=t)
        return TEXT
    except (NotAllowed, NotFound, ActionCancelled, ActionStarted) as exc:
        await action_handlers.refuse(update, context, exc)
        context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
        return ConversationHandler.END
    draft["text"] = text
    action_id = int(draft["action_id"])
    rows = [
        [
            (
                t.gettext("Coming ({n})", n=sizes.confirmed),
                MESSAGE_SEND.encode(action_id=action_id, to=(False, False)),
            )
        ],
        [
            (
                t.gettext("Coming and Maybe ({n})", n=sizes.confirmed + sizes.maybe),
                MESSAGE_SEND.encode(action_id=action_id, to=(True, False)),
            )
        ],
        [
            (
                t.gettext("Coming and waiting list ({n})", n=sizes.confirmed + sizes.waitlisted),
                MESSAGE_SEND.encode(action_id=action_id, to=(False, True)),
            )
        ],
        [
            (
                t.gettext("All three ({n})", n=sizes.confirmed + sizes.maybe + sizes.waitlisted),
                MESSAGE_SEND.encode(action_id=action_id, to=(True, True)),
            )
        ],
    ]
    await say(update, t.gettext("Who gets this message?"), keyboard(rows), t=t)
    return AUDIENCE


async def on_send(
    update: Update, context: WijkContext, *, action_id: int, to: tuple[bool, bool]
) -> str | int:
    """`act:ms:<id>:<c|m|w|a>`: queue the message; say how many get it."""
    person = await context.person()
    t = translator_for(update, context, person)
    draft = context.user_data.get(DRAFT) or {}  # type: ignore[union-attr]
    if int(draft.get("action_id", 0)) != action_id or "text" not in draft:
        await stale_button(update, context)
        return AUDIENCE
    try:
        async with context.atomic() as session:
            count = await action_messages.send(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                action_id=action_id,
                text=str(draft["text"]),
                with_maybe=to[0],
                with_waitlist=to[1],
                now=context.clock.now(),
            )
    except (NotAllowed, NotFound, ActionCancelled, ActionStarted, InvalidInput) as exc:
        await action_handlers.refuse(update, context, exc)
        return ConversationHandler.END
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await say(
        update,
        t.ngettext("Sent to {n} person.", "Sent to {n} people.", count),
        t=t,
    )
    return ConversationHandler.END


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """/annuleer or another command: the text is thrown away."""
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    return t.gettext("OK, the message was not sent.")


async def _hint(update: Update, context: WijkContext) -> None:
    t = translator_for(update, context, await context.person())
    await say(update, t.gettext("Please type the message, or choose who gets it."), t=t)


def action_message_conversation() -> ConversationHandler[WijkContext]:
    """The persistent conversation (see the module docstring)."""
    text = filters.TEXT & ~filters.COMMAND
    hints = [
        CallbackQueryHandler(_hint, pattern=r"^act:ms:"),
        MessageHandler(~filters.COMMAND, _hint),
    ]
    return ConversationHandler(
        entry_points=[button(MESSAGE_START, start)],
        states={
            TEXT: [MessageHandler(text, on_text), *hints],
            AUDIENCE: [button(MESSAGE_SEND, on_send), *hints],
        },
        fallbacks=[],
        allow_reentry=True,
        name="action_message",
        persistent=True,
        per_user=True,
        per_chat=True,
    )


def register(application: Any) -> None:
    """Add the conversation; a send press after it ended gets the stale answer."""
    add_conversation(application, action_message_conversation(), on_exit)
    application.add_handler(CallbackQueryHandler(stale_button, pattern=r"^act:ms:"))
