"""One sendMessage for one outbox row, its answer mapped to an `Outcome`; never raises."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.clock import Clock
from bot.delivery.batch import RETRY_AFTER, Item, where
from bot.delivery.pacing import Pacer
from bot.domain.outbox import EDIT_KINDS, MessageKind
from bot.domain.vocabulary import OutboxStatus
from storage.outbox import Outcome

logger = logging.getLogger("bot.delivery.dispatcher")

#: Network errors: wait RETRY_BASE_SECONDS * 2**(failed attempts before this one), capped.
RETRY_BASE_SECONDS = 5.0
RETRY_MAX_SECONDS = 600.0
#: After this many attempts a network error makes the row 'failed'.
MAX_ATTEMPTS = 5
#: 400 answers that mean the person can never be reached (Bot API error texts; issue 12.5).
UNREACHABLE_MESSAGES = ("chat not found", "user is deactivated")
#: Kinds whose delivered message is a relay (args `from_id`: who wrote it): its ids are
#: recorded like a copy, so a reply goes back to the writer (`bot.domain.relay`).
RELAYED_KINDS = frozenset({MessageKind.ACTION_MESSAGE.value})

__all__ = ["RETRY_AFTER", "retry_after_seconds", "retry_delay_seconds", "send_one"]


def retry_delay_seconds(attempts: int) -> float:
    """Back-off after a network error on the `attempts`-th attempt (1-based), in seconds.

    5 s after the first, then doubling (10, 20, 40 ...), at most 10 minutes.
    """
    return min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)


def retry_after_seconds(exc: RetryAfter) -> float:
    """Telegram's `retry_after` in seconds, whether PTB gives an int or a timedelta (v22.2+)."""
    with warnings.catch_warnings():
        # PTB 22 warns that the int form is deprecated; both forms are handled here.
        warnings.simplefilter("ignore", DeprecationWarning)
        value: Any = exc.retry_after
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)


async def _edit(bot: Bot, item: Item, *, read_timeout: float) -> None:
    """Deliver an edit kind (`EDIT_KINDS`): rewrite message `args["message_id"]` of the
    recipient's chat. "message is not modified" counts as done (it already reads so)."""
    row = item.row
    try:
        await bot.edit_message_text(
            chat_id=row.chat_id,
            message_id=int(row.args["message_id"]),
            text=item.text,
            parse_mode=ParseMode.HTML,
            reply_markup=item.keyboard,
            read_timeout=read_timeout,
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def send_one(
    bot: Bot,
    item: Item,
    *,
    pacer: Pacer,
    clock: Clock,
    stop: asyncio.Event,
    read_timeout: float,
) -> Outcome:
    """Send `item` (HTML, its keyboard) and map the answer:

    ok -> sent; 429 -> release (error `RETRY_AFTER`), the pacer paused for `retry_after`
    and `stop` set; 403 -> blocked; 400 "chat not found" / "user is deactivated" ->
    unreachable; other 400 -> failed; invalid token -> release and `stop` set; time-out,
    network error, 5xx -> retry after back-off (failed after `MAX_ATTEMPTS`).
    """
    row = item.row
    call_action = row.action_id if row.message_key == MessageKind.ACTION_CALL else None

    sent_id: int | None = None

    def outcome(kind: str, error: str | None = None, due: dt.datetime | None = None) -> Outcome:
        writer = (row.args or {}).get("from_id") if row.message_key in RELAYED_KINDS else None
        relayed = None
        if kind == OutboxStatus.SENT and sent_id is not None and isinstance(writer, int):
            relayed = (row.chat_id, sent_id, writer)
        return Outcome(
            row.id,
            kind,
            error,
            due,
            person_id=row.person_id,
            call_action_id=call_action,
            relayed=relayed,
        )

    pacer.mark_sent(row.chat_id)
    try:
        if row.message_key in EDIT_KINDS:
            await _edit(bot, item, read_timeout=read_timeout)
        else:
            sent = await bot.send_message(
                chat_id=row.chat_id,
                text=item.text,
                parse_mode=ParseMode.HTML,
                reply_markup=item.keyboard,
                # A slow answer is usually a delivered message: wait longer than PTB's 5 s
                # before retrying, so at-least-once rarely means twice.
                read_timeout=read_timeout,
            )
            sent_id = sent.message_id
    except RetryAfter as exc:
        seconds = retry_after_seconds(exc)
        stop.set()
        pacer.pause(seconds)
        logger.warning("outbox: Telegram asked to slow down; pausing %.1f s", seconds)
        return outcome("release", RETRY_AFTER)
    except Forbidden as exc:
        return outcome(OutboxStatus.BLOCKED, exc.message)
    except BadRequest as exc:  # before NetworkError: BadRequest is a subclass of it
        lowered = exc.message.lower()
        if any(text in lowered for text in UNREACHABLE_MESSAGES):
            return outcome("unreachable", exc.message)
        return outcome(OutboxStatus.FAILED, exc.message)
    except InvalidToken:
        stop.set()
        logger.error("outbox: Telegram rejected the bot token; stopping this batch")
        return outcome("release", RETRY_AFTER)
    except (TimedOut, NetworkError) as exc:  # time-outs, connection errors, 5xx
        reason = f"{type(exc).__name__}: {exc.message}"
        if row.attempts >= MAX_ATTEMPTS:
            return outcome(OutboxStatus.FAILED, reason)
        due = clock.now() + dt.timedelta(seconds=retry_delay_seconds(row.attempts))
        return outcome("retry", reason, due)
    except TelegramError as exc:  # e.g. ChatMigrated, Conflict
        return outcome(OutboxStatus.FAILED, f"{type(exc).__name__}: {exc.message}")
    except Exception as exc:  # anything else: this row fails, the others go on
        logger.error("outbox: send failed: %s at %s", type(exc).__name__, where(exc))
        return outcome(OutboxStatus.FAILED, type(exc).__name__)
    finally:
        # Pace from the end of the request too: the next message to this chat starts at
        # least a full interval after this one was answered.
        pacer.mark_sent(row.chat_id)
    return outcome(OutboxStatus.SENT)
