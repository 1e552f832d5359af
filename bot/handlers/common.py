"""Small helpers every handler uses: who is this, which language, safe replies."""

from __future__ import annotations

import html
import logging
import re

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import WijkContext
from bot.domain import people
from bot.i18n import Translator
from storage.models import Person

log = logging.getLogger(__name__)

esc = html.escape

_ID_RE = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # id columns are 32-bit integers on PostgreSQL


async def current_person(update: Update, context: WijkContext) -> Person | None:
    """The Person of the update's user, or None (not signed up, or no user at all)."""
    user = update.effective_user
    if user is None:
        return None
    async with context.db.begin() as session:
        return await people.by_telegram_id(session=session, telegram_user_id=user.id)


def translator_for(
    update: Update, context: WijkContext, person: Person | None = None
) -> Translator:
    """Stored preference, then the language picked during onboarding, then Telegram's."""
    stored = person.language if person else (context.user_data or {}).get("lang")
    code = update.effective_user.language_code if update.effective_user else None
    return context.i18n.translator(context.i18n.pick_language(stored, code))


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Send an HTML message to the update's chat (user-provided parts must be escaped)."""
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_message(text, parse_mode="HTML", reply_markup=markup)


async def edit_or_send(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the pressed message's text; send a new one if it cannot be edited.

    'message is not modified' (a double press) is not an error for the user.
    """
    try:
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    except BadRequest as exc:
        if "not modified" in exc.message:
            return
        if query.message is not None:
            await query.message.chat.send_message(text, parse_mode="HTML", reply_markup=markup)


async def answer_query(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    """Answer a button press once; an expired query (old press) is not an error."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest:
        log.debug("callback query could not be answered (too old)")


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
