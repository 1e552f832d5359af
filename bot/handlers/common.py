"""Small helpers every handler uses: who is this, which language, safe replies.

Replies are queued on the update's unit of work (`bot.unit_of_work`) and sent after its
transaction committed; outside an update (never in handlers) they are sent at once.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot import unit_of_work
from bot.callbacks import Route
from bot.context import WijkContext
from bot.i18n import Translator

if TYPE_CHECKING:
    from storage.models import Person

log = logging.getLogger(__name__)

esc = html.escape

_ID_RE = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # id columns are 32-bit integers on PostgreSQL


async def current_person(update: Update, context: WijkContext) -> Person | None:
    """The Person of the update's user, or None (not signed up, or no user at all).

    Resolved once per update by the unit of work, in its session.
    """
    return await context.person()


async def _later(send: Callable[[], Awaitable[Any]]) -> None:
    uow = unit_of_work.current()
    if uow is None:
        await send()
    else:
        uow.defer(send)


def translator_for(
    update: Update, context: WijkContext, person: Person | None = None
) -> Translator:
    """Stored preference, then the language picked during onboarding, then Telegram's."""
    stored = person.language if person else (context.user_data or {}).get("lang")
    code = update.effective_user.language_code if update.effective_user else None
    return context.i18n.translator(context.i18n.pick_language(stored, code))


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Send an HTML message to the update's chat (user-provided parts must be escaped).

    Queued until the update's transaction has committed.
    """
    chat = update.effective_chat
    if chat is None:
        return
    await _later(lambda: chat.send_message(text, parse_mode="HTML", reply_markup=markup))


async def send_later(send: Callable[[], Awaitable[Any]]) -> None:
    """Queue any Bot API call (a photo, a document) until the transaction has committed."""
    await _later(send)


async def edit_or_send(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the pressed message's text; send a new one if it cannot be edited.

    'message is not modified' (a double press) is not an error for the user. Queued until
    the update's transaction has committed.
    """
    await _later(lambda: _edit_or_send_now(query, text, markup))


async def _edit_or_send_now(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    try:
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    except BadRequest as exc:
        if "not modified" in exc.message:
            return
        if query.message is not None:
            await query.message.chat.send_message(text, parse_mode="HTML", reply_markup=markup)


async def answer_query(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    """Answer a button press once; an expired query (old press) is not an error.

    Queued until the update's transaction has committed.
    """

    async def send() -> None:
        try:
            await query.answer(text, show_alert=alert)
        except BadRequest:
            log.debug("callback query could not be answered (too old)")

    await _later(send)


def parse_callback(data: str | None, prefix: str, parts: int) -> list[str] | None:
    """Split 'prefix:a:b' into ['a', 'b'] when it has exactly `parts` parts after the prefix.

    Returns None for anything else (forged or stale data); callers answer politely.
    """
    if not data or not data.startswith(prefix + ":"):
        return None
    rest = data[len(prefix) + 1 :].split(":")
    return rest if len(rest) == parts else None


def callback_id(text: str | None) -> int | None:
    """An id from a part of callback data ('42' -> 42), or None when malformed.

    Ids above 2**31 - 1 are refused too: the id columns are 32-bit on PostgreSQL, so a
    forged huge number would otherwise make the query fail.
    """
    if text is None or not _ID_RE.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def stale_text(t: Translator) -> str:
    """The one answer to a press that no longer applies (old, stale or forged button)."""
    return t.gettext("This button no longer works.")


async def stale_button(update: Update, context: WijkContext) -> None:
    """Answer a press that no longer applies, politely and without changing anything."""
    query = update.callback_query
    if query is None:
        return
    t = translator_for(update, context, await context.person())
    await answer_query(query, stale_text(t))


def coordinators_only_text(t: Translator) -> str:
    """The one refusal for coordinators' commands and buttons used by someone else."""
    return t.gettext("Sorry, only coordinators can do this.")


def button(route: Route, callback: Callable[..., Awaitable[Any]]) -> CallbackQueryHandler[Any, Any]:
    """A CallbackQueryHandler for `route`: decodes the data and calls
    `callback(update, context, **fields)`; malformed or forged data gets `stale_button`.

    Returns the callback's result (a conversation state), or None after a stale press (a
    conversation then stays where it was).
    """

    async def handle(update: Update, context: WijkContext) -> Any:
        values = route.decode(update.callback_query.data if update.callback_query else None)
        if values is None:
            await stale_button(update, context)
            return None
        return await callback(update, context, **values)

    handle.__name__ = getattr(callback, "__name__", "button")
    return CallbackQueryHandler(handle, pattern=route.pattern)
