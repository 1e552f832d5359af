"""The outbox dispatcher: claims due outbox rows, sends them within Telegram's limits and
records what happened.

Wiring (in the application's `post_init`)::

    dispatcher = OutboxDispatcher(db=db, i18n=i18n, clock=clock, settings=settings)
    application.job_queue.run_repeating(
        dispatcher.job, interval=settings.outbox_tick_seconds, first=0.1,
        name="outbox-dispatcher",
    )

One tick (`run_once`):

1. claim due rows in a short transaction (`storage.outbox.claim_due`; on PostgreSQL
   `FOR UPDATE SKIP LOCKED`, so several processes can share the outbox), and load the
   persons and actions they refer to;
2. check each row is still relevant (person reachable, action not cancelled / started /
   full, `not_after` not passed) and mark the ones that are not, without sending;
3. send the rest outside any transaction, in the recipient's language, with
   `parse_mode="HTML"`, at most `settings.outbox_rate_per_second` messages per second
   overall and one message per second per chat (one per 3 s per group chat);
4. record each outcome in its own short transaction.

Telegram's documented limits (Bots FAQ, "My bot is hitting limits, how do I avoid this?"):
about 30 messages per second per bot for bulk notifications, no more than 1 message per
second in a single chat, and no more than 20 messages per minute in one group. Going over
them gets HTTP 429 with `retry_after`, which pauses all outbox sending for that long.

Nothing that matters lives only in memory: the database holds every row's state. Memory
holds only pacing (last send per chat, the 429 pause), which is per process: two processes
sharing one outbox each keep their own pace, so give each a share of the overall rate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import traceback
import warnings
from dataclasses import dataclass
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardMarkup
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
from telegram.ext import CallbackContext

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.render import render
from bot.domain.actions import queue_cancel_notice
from bot.domain.outbox import ACTIONLESS_KEYS, MESSAGE_KEYS
from bot.i18n import Translator
from storage.db import Database
from storage.models import Action, OutboxMessage, Person
from storage.outbox import (
    claim_due,
    load_recipients_and_actions,
    mark_blocked,
    mark_outcome,
    release,
    retry_later,
)

logger = logging.getLogger(__name__)

#: Telegram: no more than 1 message per second in one chat (Bots FAQ).
PER_CHAT_INTERVAL_SECONDS = 1.0
#: Telegram: no more than 20 messages per minute in one group (Bots FAQ); group ids are < 0.
GROUP_CHAT_INTERVAL_SECONDS = 3.0
#: Network errors: wait RETRY_BASE_SECONDS * 2**(failed attempts before this one), capped.
RETRY_BASE_SECONDS = 5.0
RETRY_MAX_SECONDS = 600.0
#: How long one sendMessage may take before it counts as timed out (PTB's default is 5 s).
SEND_READ_TIMEOUT_SECONDS = 20.0
#: After this many attempts a network error makes the row 'failed'.
MAX_ATTEMPTS = 5
#: Sends in flight at once (HTTP requests overlap; the rate limiter spaces their starts).
MAX_IN_FLIGHT = 10

#: Keys that are about an action which must still go ahead.
_ACTION_MUST_BE_OPEN = frozenset(
    {"action_call", "reminder_24h", "reminder_2h", "waitlist_promoted"}
)


class TranslatorSource(Protocol):
    """What the dispatcher needs of `bot.i18n.I18n`."""

    def translator(self, language: str | None) -> Translator: ...


@dataclass
class DispatchReport:
    """Counts of one tick (no personal data).

    `retried`: attempted but put back to pending (network error, 5xx, or 429).
    `held_back`: claimed but not attempted (per-chat pace or pause); they stay pending.
    `paused_until`: aware UTC end of a 429 pause in force after this tick, else None.
    """

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0
    retried: int = 0
    held_back: int = 0
    paused_until: dt.datetime | None = None

    @property
    def busy(self) -> bool:
        """True when the tick changed any row."""
        return any(
            (self.sent, self.blocked, self.failed, self.expired, self.cancelled, self.retried)
        )


@dataclass
class _Outcome:
    """What to record for one claimed row."""

    kind: str  # sent | blocked | failed | expired | cancelled | retry | release
    error: str | None = None
    due_at: dt.datetime | None = None


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


def check_relevance(
    row: OutboxMessage, person: Person | None, action: Action | None, now: dt.datetime
) -> tuple[str, str] | None:
    """Whether a claimed row should still be sent at `now` (aware UTC).

    Returns None to send, or `(status, reason)` to record instead: 'cancelled' when the
    person is gone, stopped or unreachable, the action is gone or cancelled, a call's action
    has started or is full, or a reminder's / waiting-list message's action has started;
    'expired' when `not_after` has passed; 'failed' for a row that cannot be rendered (unknown
    key, no action).
    """
    if person is None:
        return "cancelled", "person gone"
    if person.stopped_at is not None:
        return "cancelled", "stopped"
    if person.unreachable_at is not None:
        return "cancelled", "unreachable"
    if row.message_key not in MESSAGE_KEYS:
        return "failed", "unknown message key"
    if row.message_key in ACTIONLESS_KEYS:
        if row.not_after is not None and now > row.not_after:
            return "expired", "not_after passed"
        return None
    if row.action_id is None:
        return "failed", "no action"
    if action is None:
        return "cancelled", "action gone"
    if row.message_key in _ACTION_MUST_BE_OPEN and action.status == "cancelled":
        return "cancelled", "action cancelled"
    if row.not_after is not None and now > row.not_after:
        return "expired", "not_after passed"
    if row.message_key in _ACTION_MUST_BE_OPEN and now >= action.starts_at:
        return "cancelled", "started"
    if row.message_key == "action_call" and action.confirmed_count >= action.volunteers_needed:
        return "cancelled", "full"
    return None


async def notice_if_cancelled(
    session: AsyncSession, row: OutboxMessage, *, now: dt.datetime
) -> bool:
    """A call was delivered for an action that was cancelled while it was on its way: queue
    the cancellation notice for that person too (same dedup key as `cancel_action`, so never
    twice). Returns True when a notice was queued."""
    action = await session.get(Action, row.action_id)
    person = await session.get(Person, row.person_id) if row.person_id is not None else None
    if action is None or person is None or action.status != "cancelled":
        return False
    await queue_cancel_notice(session=session, action=action, person=person, now=now)
    return True


def _where(exc: BaseException) -> str:
    """'file.py:123' of the innermost frame: enough to debug, no data."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}"


class OutboxDispatcher:
    """Sends due outbox rows; one instance per process, ticked by the JobQueue.

    Args (keyword-only): `db` (Database), `i18n` (has `translator(language)`), `clock`
    (UTC now), `settings` (`outbox_rate_per_second`, `outbox_batch_size`).
    `max_in_flight` bounds concurrent HTTP requests; `send_read_timeout` (seconds) is how
    long one sendMessage may take before it counts as timed out and is retried later.
    """

    def __init__(
        self,
        *,
        db: Database,
        i18n: TranslatorSource,
        clock: Clock,
        settings: Settings,
        max_in_flight: int = MAX_IN_FLIGHT,
        send_read_timeout: float = SEND_READ_TIMEOUT_SECONDS,
    ) -> None:
        self.db = db
        self.i18n = i18n
        self.clock = clock
        self.rate_per_second = float(settings.outbox_rate_per_second)
        self.batch_size = int(settings.outbox_batch_size)
        # A whole batch must be sent well within the lease, or another sender could take
        # rows this one is still sending.
        self.lease_seconds = max(60.0, self.batch_size / self.rate_per_second + 30.0)
        # Capacity 1 refilled every 1/rate s: evenly spaced sends, never a burst above
        # the rate (aiolimiter's leaky bucket).
        self._limiter = AsyncLimiter(1, 1.0 / self.rate_per_second)
        self._max_in_flight = max_in_flight
        self._send_read_timeout = send_read_timeout
        self._last_send: dict[int, float] = {}  # chat id -> time.monotonic() of last send
        self._pause_until_monotonic = 0.0
        self._paused_until: dt.datetime | None = None
        self._tick_lock = asyncio.Lock()
        self._record_lock = asyncio.Lock()

    # -- public ---------------------------------------------------------------------------

    @property
    def paused_until(self) -> dt.datetime | None:
        """Aware UTC end of the current 429 pause, or None when not paused."""
        if time.monotonic() >= self._pause_until_monotonic:
            return None
        return self._paused_until

    async def job(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """JobQueue callback: one tick with `context.bot`; never raises.

        A tick still running when the next one fires makes that one return at once.
        Errors are logged by type and place only (no token, names or message text).
        """
        if self._tick_lock.locked():
            return
        try:
            report = await self.run_once(context.bot)
        except Exception as exc:
            logger.error("outbox tick failed: %s at %s", type(exc).__name__, _where(exc))
            return
        if report.busy:
            logger.info(
                "outbox: sent=%d blocked=%d failed=%d expired=%d cancelled=%d retried=%d",
                report.sent,
                report.blocked,
                report.failed,
                report.expired,
                report.cancelled,
                report.retried,
            )

    async def run_once(self, bot: Bot) -> DispatchReport:
        """One tick: claim due rows, check, send and record them; returns the counts.

        `bot` must be initialised (`await bot.initialize()`). While a 429 pause is in force
        nothing is claimed and the report only carries `paused_until`. Telegram errors of
        one row never stop the others (except 429 and an invalid token, which end the tick
        and leave the remaining rows pending). Database errors propagate.
        """
        async with self._tick_lock:
            return await self._tick(bot)

    # -- one tick -------------------------------------------------------------------------

    async def _tick(self, bot: Bot) -> DispatchReport:
        report = DispatchReport()
        report.paused_until = self.paused_until
        if report.paused_until is not None:
            return report
        now = self.clock.now()
        busy_chats = self._busy_chats(time.monotonic())
        async with self.db.begin() as session:
            rows = await claim_due(
                session,
                now=now,
                limit=self.batch_size,
                lease_seconds=self.lease_seconds,
                exclude_chat_ids=busy_chats,
            )
            persons, actions, area_names = await load_recipients_and_actions(session, rows)
        if not rows:
            return report

        skipped: list[tuple[int, str, str]] = []
        held: list[int] = []
        to_send: list[tuple[OutboxMessage, str, InlineKeyboardMarkup | None]] = []
        chats_this_tick = set(busy_chats)
        for row in rows:
            person = persons.get(row.person_id) if row.person_id is not None else None
            action = actions.get(row.action_id) if row.action_id is not None else None
            verdict = check_relevance(row, person, action, now)
            if verdict is not None:
                skipped.append((row.id, *verdict))
                continue
            assert person is not None  # checked above
            if row.chat_id in chats_this_tick:
                held.append(row.id)  # one message per chat per tick; stays pending
                continue
            try:
                text, keyboard = render(
                    self.i18n.translator(person.language),
                    message_key=row.message_key,
                    action=action,
                    area_name=area_names.get(action.area_id, "") if action else "",
                    person=person,
                    args=row.args,
                )
            except Exception as exc:  # a rendering bug must not stop the others
                logger.error("outbox: render failed: %s at %s", type(exc).__name__, _where(exc))
                skipped.append((row.id, "failed", f"render: {type(exc).__name__}"))
                continue
            chats_this_tick.add(row.chat_id)
            to_send.append((row, text, keyboard))

        if skipped or held:
            async with self._record_lock, self.db.begin() as session:
                for message_id, status, reason in skipped:
                    await mark_outcome(session, message_id, status, now=now, error=reason)
                await release(session, held)
            for _, status, _ in skipped:
                setattr(report, status, getattr(report, status) + 1)
            report.held_back += len(held)
            if report.expired:
                logger.info("outbox: %d messages expired unsent", report.expired)

        stop = asyncio.Event()
        in_flight = asyncio.Semaphore(self._max_in_flight)
        await asyncio.gather(
            *(
                self._deliver(bot, row, text, keyboard, stop, in_flight, report)
                for row, text, keyboard in to_send
            )
        )
        report.paused_until = self.paused_until
        self._forget_old_chats(time.monotonic())
        return report

    async def _deliver(
        self,
        bot: Bot,
        row: OutboxMessage,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
        stop: asyncio.Event,
        in_flight: asyncio.Semaphore,
        report: DispatchReport,
    ) -> None:
        """Send one row (waiting for the rate limiter) and record its outcome."""
        async with in_flight:
            outcome: _Outcome
            if stop.is_set():
                outcome = _Outcome("release")
            else:
                await self._limiter.acquire()
                if stop.is_set():  # a 429 arrived while this one waited
                    outcome = _Outcome("release")
                elif await self._cancelled_meanwhile(row):
                    outcome = _Outcome("cancelled", error="action cancelled")
                else:
                    outcome = await self._send(bot, row, text, keyboard, stop)
            await self._record(row, outcome, report)

    async def _cancelled_meanwhile(self, row: OutboxMessage) -> bool:
        """Re-read the action's status right before sending: a coordinator may have cancelled
        it while this row waited for the rate limiter (seconds in a large broadcast)."""
        if row.action_id is None or row.message_key not in _ACTION_MUST_BE_OPEN:
            return False
        async with self.db.begin() as session:
            status = await session.scalar(select(Action.status).where(Action.id == row.action_id))
        return status != "open"

    async def _send(
        self,
        bot: Bot,
        row: OutboxMessage,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
        stop: asyncio.Event,
    ) -> _Outcome:
        """One sendMessage call, its result mapped to an outcome; never raises."""
        self._last_send[row.chat_id] = time.monotonic()
        try:
            await bot.send_message(
                chat_id=row.chat_id,
                text=text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                # A slow answer is usually a delivered message: wait longer than PTB's 5 s
                # before retrying, so at-least-once rarely means twice.
                read_timeout=self._send_read_timeout,
            )
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            stop.set()
            self._pause(seconds)
            logger.warning("outbox: Telegram asked to slow down; pausing %.1f s", seconds)
            return _Outcome("release_attempted")
        except Forbidden as exc:
            return _Outcome("blocked", error=exc.message)
        except BadRequest as exc:  # before NetworkError: BadRequest is a subclass of it
            return _Outcome("failed", error=exc.message)
        except InvalidToken:
            stop.set()
            logger.error("outbox: Telegram rejected the bot token; stopping this tick")
            return _Outcome("release_attempted")
        except (TimedOut, NetworkError) as exc:  # time-outs, connection errors, 5xx
            reason = f"{type(exc).__name__}: {exc.message}"
            if row.attempts >= MAX_ATTEMPTS:
                return _Outcome("failed", error=reason)
            due = self.clock.now() + dt.timedelta(seconds=retry_delay_seconds(row.attempts))
            return _Outcome("retry", error=reason, due_at=due)
        except TelegramError as exc:  # e.g. ChatMigrated, Conflict
            return _Outcome("failed", error=f"{type(exc).__name__}: {exc.message}")
        except Exception as exc:  # anything else: this row fails, the others go on
            logger.error("outbox: send failed: %s at %s", type(exc).__name__, _where(exc))
            return _Outcome("failed", error=type(exc).__name__)
        finally:
            # Pace from the end of the request too: the next message to this chat starts at
            # least a full interval after this one was answered.
            self._last_send[row.chat_id] = time.monotonic()
        return _Outcome("sent")

    async def _record(self, row: OutboxMessage, outcome: _Outcome, report: DispatchReport) -> None:
        """Write one outcome in its own short transaction; a database error is logged and
        the row stays 'sending' until its lease ends (then it is claimed again)."""
        now = self.clock.now()
        try:
            async with self._record_lock, self.db.begin() as session:
                if outcome.kind == "blocked":
                    await mark_blocked(session, row.id, now=now, error=outcome.error)
                elif outcome.kind == "retry":
                    assert outcome.due_at is not None
                    await retry_later(session, row.id, due_at=outcome.due_at, error=outcome.error)
                elif outcome.kind in ("release", "release_attempted"):
                    await release(session, [row.id])
                else:
                    await mark_outcome(session, row.id, outcome.kind, now=now, error=outcome.error)
                    if outcome.kind == "sent" and row.message_key == "action_call":
                        await notice_if_cancelled(session, row, now=now)
        except Exception as exc:
            logger.error("outbox: recording an outcome failed: %s", type(exc).__name__)
            return
        if outcome.kind in ("retry", "release_attempted"):
            report.retried += 1
        elif outcome.kind == "release":
            report.held_back += 1
        else:
            setattr(report, outcome.kind, getattr(report, outcome.kind) + 1)

    # -- pacing ---------------------------------------------------------------------------

    def _pause(self, seconds: float) -> None:
        """Stop all outbox sending for `seconds` (Telegram's 429 `retry_after`)."""
        seconds = max(seconds, 0.0)
        until = time.monotonic() + seconds
        if until > self._pause_until_monotonic:
            self._pause_until_monotonic = until
            self._paused_until = self.clock.now() + dt.timedelta(seconds=seconds)

    @staticmethod
    def _interval(chat_id: int) -> float:
        return GROUP_CHAT_INTERVAL_SECONDS if chat_id < 0 else PER_CHAT_INTERVAL_SECONDS

    def _busy_chats(self, now_monotonic: float) -> set[int]:
        """Chats this process sent to too recently for another message now."""
        return {
            chat_id
            for chat_id, last in self._last_send.items()
            if now_monotonic - last < self._interval(chat_id)
        }

    def _forget_old_chats(self, now_monotonic: float) -> None:
        for chat_id in [
            c
            for c, last in self._last_send.items()
            if now_monotonic - last >= GROUP_CHAT_INTERVAL_SECONDS
        ]:
            del self._last_send[chat_id]
