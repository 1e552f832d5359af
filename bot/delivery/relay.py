"""Relaying one person's message to others with `copyMessage` (issue 6 §3), after the
update's transaction committed (queued by `bot.handlers.relay` with `send_later`).

For each copy Telegram made, a short transaction records its ids (`bot.domain.relay.
record_copy`), so a reply to it finds its way back; the text, voice note or phone number
itself is never stored. A copy that cannot be delivered (blocked, chat gone) is skipped and
the sender is told who did not get it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot import callbacks
from bot.clock import Clock
from bot.domain import relay
from bot.i18n import I18n, Translator
from bot.views.lists import name_plain
from storage.db import Database

log = logging.getLogger(__name__)


def from_label(t: Translator, sender_name: str, covering: str | None = None) -> str:
    """The label under a relayed copy naming who sent it (the recipient's language); for
    a stand-in, also whom it was meant for (`covering`, the away coordinator)."""
    if covering:
        return t.gettext(
            "From {name}, for {coordinator}",
            name=name_plain(sender_name, None),
            coordinator=name_plain(covering, None),
        )
    return t.gettext("From {name}", name=name_plain(sender_name, None))


async def copy_to(
    *,
    bot: Bot,
    db: Database,
    clock: Clock,
    i18n: I18n,
    from_chat_id: int,
    message_id: int,
    sender_id: int,
    sender_name: str,
    threads: Sequence[relay.Thread],
) -> tuple[list[relay.Thread], list[relay.Thread]]:
    """Copy message `message_id` of chat `from_chat_id` to each thread's chat, with a
    "From <sender>" button, and record each copy's ids. Returns (delivered, failed).
    Labels are in each recipient's language (`i18n`). Never raises
    for Telegram errors (logged by type only: no ids, no text)."""
    delivered: list[relay.Thread] = []
    failed: list[relay.Thread] = []
    for thread in threads:
        t = i18n.translator(thread.language)
        label = from_label(t, sender_name, thread.covering)
        data = callbacks.RELAY_FROM.encode()
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
        try:
            copied = await bot.copy_message(
                chat_id=thread.chat_id,
                from_chat_id=from_chat_id,
                message_id=message_id,
                reply_markup=markup,
            )
        except TelegramError as exc:
            log.warning("relay: a copy could not be delivered: %s", type(exc).__name__)
            failed.append(thread)
            continue
        async with db.begin() as session:
            await relay.record_copy(
                session=session,
                recipient_id=thread.peer_id,
                chat_id=thread.chat_id,
                message_id=copied.message_id,
                sender_id=sender_id,
                couple_id=thread.couple_id,
                now=clock.now(),
            )
        delivered.append(thread)
    return delivered, failed
