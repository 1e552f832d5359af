"""Last in group 0 (registered after every feature): a kind answer to everything no
feature handled, and the error handler."""

from __future__ import annotations

import html
import logging
import traceback
from typing import Any

from sqlalchemy.exc import DBAPIError
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot import unit_of_work
from bot.context import WijkContext
from bot.handlers.common import answer_query, reply, stale_button, translator_for
from bot.handlers.keyboards import refused_text
from bot.i18n import Translator

log = logging.getLogger(__name__)


async def unknown_command(update: Update, context: WijkContext) -> None:
    """A command no feature knows."""
    t = translator_for(update, context, await context.person())
    await reply(update, t.gettext("I don't know that command. Send /help to see what you can do."))


def not_understood(t: Translator) -> str:
    """The answer to text that is not an answer to any question."""
    return t.gettext(
        "I didn't understand that. I work with buttons and a few commands. "
        "Send /help to see what you can do."
    )


async def free_text(update: Update, context: WijkContext) -> None:
    """Text outside any question."""
    t = translator_for(update, context, await context.person())
    await reply(update, not_understood(t))


async def not_text(update: Update, context: WijkContext) -> None:
    """Stickers, voice notes, photos, files, locations..."""
    t = translator_for(update, context, await context.person())
    await reply(
        update,
        t.gettext(
            "I can only read text and button taps, sorry. Send /help to see what you can do."
        ),
    )


def database_error_summary(error: DBAPIError) -> str:
    """A database error as it may be logged: its class, the driver's error code and the
    stack frames, never its message. `hide_parameters` keeps the bound values out of
    SQLAlchemy's part, but the database's own message can quote the row (PostgreSQL:
    "DETAIL: Failing row contains (..., <a typed title>, ...)")."""
    orig = error.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"{type(error).__name__} / {type(orig).__name__} ({code})\n{frames}"


async def on_error(update: object, context: WijkContext) -> None:
    """Log the failure without personal data and tell the user something went wrong.

    A `BadRequest` (Telegram refused a message: too long, bad markup...) is named in the
    answer (`refused_text`), never the vague "something went wrong" (issue 9, item 3).
    """
    if isinstance(context.error, DBAPIError):
        log.error("update failed: %s", database_error_summary(context.error))
    else:
        log.error("update failed: %s", type(context.error).__name__, exc_info=context.error)
    uow = unit_of_work.current()
    if uow is not None:  # undo the update's half-done work and drop its queued replies
        await uow.fail()
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        t = translator_for(update, context)
        if update.callback_query is not None:
            await answer_query(update.callback_query)
        if isinstance(context.error, BadRequest):
            text = html.escape(refused_text(t, context.error.message))
        else:
            text = t.gettext(
                "Sorry, something went wrong on my side. Please try again in a moment."
            )
        await reply(update, text)
    except Exception:  # the error handler must never raise
        log.warning("could not tell the user about the error")


def register(application: Any) -> None:
    """Add the fallbacks (must be registered last in group 0) and the error handler."""
    message = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(message & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(message & filters.TEXT, free_text))
    application.add_handler(MessageHandler(message, not_text))
    application.add_handler(CallbackQueryHandler(stale_button))  # the one stale answer
    application.add_error_handler(on_error)
