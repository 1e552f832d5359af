"""The outbox dispatcher: claims due outbox rows, sends them within Telegram's limits and
records what happened.

Wiring (`bot.app` post_init / post_shutdown)::

    await dispatcher.start(outbox_bot)   # a long-lived task in this process
    ...
    await dispatcher.stop()              # in-flight sends finish, unsent claims go back

The loop (`_run`): claim a batch (`storage.outbox.claim_due`; on PostgreSQL
`FOR UPDATE SKIP LOCKED`, so several processes share the outbox), load its persons and
actions in the same short transaction and ask the registry (`bot.delivery.kinds`) whether
each row is still true; while that batch is sent, the next one is claimed (prefetch).
Sending is paced by `bot.delivery.pacing.Pacer` (the one pacing mechanism). Outcomes are
recorded in one transaction per batch or per second (`storage.outbox.record_outcomes`).
When nothing is due the loop sleeps until the next due row, at most `outbox_tick_seconds`
(other processes may queue rows), and is woken at once when a transaction in this process
queues rows (`storage.outbox.add_waker`).

Recovery: each process has an instance id (`OUTBOX_INSTANCE_ID`, else host + random) and
heart-beats every second in `outbox_sender`. At start it releases its own earlier claims,
those of senders silent for `DEAD_AFTER_SECONDS` and, on SQLite (one process), every
claim; it repeats the dead-sender sweep with each heartbeat. So a restart after
`kill -9` sends again within a few seconds; duplicates are bounded by what was in flight.

Telegram's limits (Bots FAQ, "My bot is hitting limits"): about 30 messages/s per bot,
1 message/s per chat, 20 messages/min per group; 429 `retry_after` pauses all sending.
Outcomes: 403 -> blocked and the person unreachable; 400 "chat not found" / "user is
deactivated" -> failed and the person unreachable (issue 12.5); other 400 -> failed;
time-outs, network errors and 5xx -> retried with back-off, at most `MAX_ATTEMPTS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import socket
import time
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.ext import CallbackContext

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.batch import Batch, DispatchReport, TranslatorSource, prepare_batch, where
from bot.delivery.budget import SharedPacer
from bot.delivery.pacing import Pacer
from bot.delivery.sending import RETRY_AFTER, send_one
from bot.domain import notices, relay
from bot.domain.action_messages import FORGET_ARGS_WHEN_DONE
from bot.domain.actions import queue_cancel_notice
from bot.domain.quiet_hours import QuietHours
from bot.domain.vocabulary import OutboxStatus
from storage.db import Database
from storage.models import Action, Person
from storage.outbox import (
    Outcome,
    add_waker,
    cancelled_action_ids,
    claim_due,
    forget_sender,
    heartbeat,
    next_due_at,
    record_outcomes,
    release,
    release_dead_claims,
    remove_waker,
)

logger = logging.getLogger(__name__)

#: Sends in flight at once (HTTP requests overlap; the pacer spaces their starts).
MAX_IN_FLIGHT = 10
#: How long one sendMessage may take before it counts as timed out (PTB's default is 5 s).
SEND_READ_TIMEOUT_SECONDS = 20.0
#: Heartbeat and dead-sender sweep interval; a sender silent this long is dead.
HEARTBEAT_SECONDS = 1.0
DEAD_AFTER_SECONDS = 5.0
#: While a batch sends, its actions' status is read again at most this often (seconds;
#: a cancelled action's calls stop within about this time, and the outcome recorder checks
#: once more and sends a cancellation notice for any call that still went out).
RECHECK_SECONDS = 1.0
#: Outcomes of a call that mean it never arrives (all of an action's: "reached nobody").
UNDELIVERED = frozenset({"blocked", "failed", "unreachable"})
#: Outcomes are written at least this often while a batch sends.
RECORD_INTERVAL_SECONDS = 1.0


def default_instance_id() -> str:
    """'<host>-<8 hex>': unique per process, readable in `outbox_sender` (no personal data)."""
    return f"{socket.gethostname()[:28]}-{uuid.uuid4().hex[:8]}"


class OutboxDispatcher:
    """Sends due outbox rows; one instance per process.

    Args (keyword-only): `db`, `i18n` (has `translator(language)`), `clock` (UTC now),
    `settings` (`outbox_rate_per_second`, `outbox_batch_size`, `outbox_tick_seconds`,
    `outbox_instance_id`, `quiet`: the quiet hours or None). `max_in_flight` bounds
    concurrent HTTP requests; `send_read_timeout` (seconds) is how long one sendMessage may take.
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
        self.idle_seconds = float(settings.outbox_tick_seconds)
        self.instance = getattr(settings, "outbox_instance_id", None) or default_instance_id()
        # Quiet hours (bot.domain.quiet_hours): waiting kinds are put back until the morning.
        self.quiet: QuietHours | None = getattr(settings, "quiet", None)
        self.tz: ZoneInfo = getattr(settings, "tz", ZoneInfo("Europe/Amsterdam"))
        # Rows wait in memory for at most two batches (the one sending and the prefetched).
        self.lease_seconds = max(60.0, 2 * self.batch_size / self.rate_per_second + 30.0)
        # PostgreSQL: several sender processes share one budget (in the database);
        # SQLite: one process, paced in memory.
        self.pacer: Pacer = (
            SharedPacer(self.rate_per_second, db)
            if getattr(db, "dialect", None) == "postgresql"
            else Pacer(self.rate_per_second)
        )
        self._max_in_flight = max_in_flight
        self._send_read_timeout = send_read_timeout
        self._paused_until: dt.datetime | None = None
        self._tick_lock = asyncio.Lock()
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._beat_task: asyncio.Task[None] | None = None

    # -- public ---------------------------------------------------------------------------

    @property
    def paused_until(self) -> dt.datetime | None:
        """Aware UTC end of the current 429 pause, or None when not paused."""
        return self._paused_until if self.pacer.paused() else None

    def wake(self) -> None:
        """Something was queued: stop sleeping now (safe to call any time)."""
        if self._wake is not None:
            self._wake.set()

    async def start(self, bot: Bot) -> None:
        """Register this sender, release stale claims and start the sending loop.

        `bot` must be initialised. Raises database errors of the first heartbeat.
        """
        now = self.clock.now()
        async with self.db.begin() as session:
            await heartbeat(session, instance=self.instance, now=now)
            released = await release_dead_claims(
                session,
                instance=self.instance,
                now=now,
                dead_after_seconds=DEAD_AFTER_SECONDS,
                include_self=True,
                all_others=self.db.dialect == "sqlite",
            )
        if released:
            logger.info("outbox: %d claims of stopped senders released", released)
        if isinstance(self.pacer, SharedPacer):
            await self.pacer.start()
        self._wake = asyncio.Event()
        self._stopping = False
        add_waker(self.wake)
        self._task = asyncio.create_task(self._run(bot), name="outbox-dispatcher")
        # Heart-beats on its own: a batch may take longer than DEAD_AFTER_SECONDS to send.
        self._beat_task = asyncio.create_task(self._beat_loop(), name="outbox-heartbeat")

    async def stop(self) -> None:
        """Stop the loop: sends in flight finish and are recorded, claimed rows not yet
        attempted go back to pending, the sender row is removed. Never raises."""
        self._stopping = True
        remove_waker(self.wake)
        self.wake()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._task
            self._task = None
        if self._beat_task is not None:
            self._beat_task.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._beat_task
            self._beat_task = None
        if isinstance(self.pacer, SharedPacer):
            await self.pacer.close()
        with contextlib.suppress(Exception):
            async with self.db.begin() as session:
                await forget_sender(session, instance=self.instance)

    async def job(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """JobQueue callback (one batch with `context.bot`); never raises. For set-ups
        that tick instead of running the loop; errors are logged by type and place only."""
        if self._tick_lock.locked():
            return
        try:
            report = await self.run_once(context.bot)
        except Exception as exc:
            logger.error("outbox tick failed: %s at %s", type(exc).__name__, where(exc))
            return
        report.log(logger)

    async def run_once(self, bot: Bot) -> DispatchReport:
        """Claim one batch, check, send and record it; returns the counts.

        While a 429 pause is in force nothing is claimed and the report only carries
        `paused_until`. Telegram errors of one row never stop the others (except 429 and an
        invalid token, which release the rest). Database errors propagate.
        """
        async with self._tick_lock:
            report = DispatchReport(paused_until=self.paused_until)
            if report.paused_until is not None:
                return report
            batch = await self._claim(report)
            await self._send_batch(bot, batch, report)
            report.paused_until = self.paused_until
            return report

    # -- the loop -------------------------------------------------------------------------

    async def _run(self, bot: Bot) -> None:
        prefetch: asyncio.Task[tuple[Batch, DispatchReport]] | None = None
        while not self._stopping:
            try:
                if prefetch is not None:
                    batch, report = await prefetch
                    prefetch = None
                elif self.pacer.paused():
                    await self._sleep(self.pacer.pause_until - time.monotonic())
                    continue
                else:
                    report = DispatchReport()
                    batch = await self._claim(report)
                if not batch.claimed:
                    report.log(logger)
                    await self._sleep(await self._idle_seconds())
                    continue
                if len(batch.claimed) >= self.batch_size:  # more may be due: fetch ahead
                    prefetch = asyncio.create_task(self._claim_after(batch))
                await self._send_batch(bot, batch, report)
                report.log(logger)
            except Exception as exc:  # database down etc.: log, wait, go on
                logger.error("outbox loop: %s at %s", type(exc).__name__, where(exc))
                await self._sleep(self.idle_seconds)
        if prefetch is not None:  # stopping: give the prefetched rows back
            with contextlib.suppress(Exception):
                batch, _ = await prefetch
                async with self.db.begin() as session:
                    await release(session, batch.claimed)

    async def _claim_after(self, current: Batch) -> tuple[Batch, DispatchReport]:
        report = DispatchReport()
        return await self._claim(report, also_exclude=current.chats), report

    async def _beat_loop(self) -> None:
        """Every `HEARTBEAT_SECONDS`: heartbeat, and release the claims of dead senders."""
        while not self._stopping:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            now = self.clock.now()
            try:
                async with self.db.begin() as session:
                    await heartbeat(session, instance=self.instance, now=now)
                    released = await release_dead_claims(
                        session,
                        instance=self.instance,
                        now=now,
                        dead_after_seconds=DEAD_AFTER_SECONDS,
                    )
                    if isinstance(self.pacer, SharedPacer):  # another process's 429 pause
                        await self.pacer.refresh_pause(session)  # same transaction
            except Exception as exc:
                logger.error("outbox heartbeat: %s at %s", type(exc).__name__, where(exc))
                continue
            if released:
                logger.info("outbox: %d claims of stopped senders released", released)

    async def _idle_seconds(self) -> float:
        async with self.db.begin() as session:
            due = await next_due_at(session)
        wait = self.idle_seconds
        if due is not None:
            wait = min(wait, max((due - self.clock.now()).total_seconds(), 0.0))
        return min(wait, HEARTBEAT_SECONDS)

    async def _sleep(self, seconds: float) -> None:
        assert self._wake is not None
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()

    # -- one batch ------------------------------------------------------------------------

    async def _claim(
        self, report: DispatchReport, also_exclude: frozenset[int] | set[int] = frozenset()
    ) -> Batch:
        """Claim, check and render one batch in one short transaction; rows that are no
        longer true or held back are recorded in the same transaction."""
        now = self.clock.now()
        async with self.db.begin() as session:
            rows = await claim_due(
                session,
                now=now,
                limit=self.batch_size,
                lease_seconds=self.lease_seconds,
                exclude_chat_ids=self.pacer.busy_chats() | set(also_exclude),
                instance=self.instance,
            )
            batch = await prepare_batch(
                session,
                rows,
                now=now,
                i18n=self.i18n,
                report=report,
                quiet=self.quiet,
                tz=self.tz,
            )
            if batch.skipped or batch.held:
                await record_outcomes(
                    session, batch.skipped, now=now, forget_args_keys=FORGET_ARGS_WHEN_DONE
                )
                await release(session, batch.held)
        return batch

    async def _send_batch(self, bot: Bot, batch: Batch, report: DispatchReport) -> None:
        if not batch.to_send:
            return
        # Actions may be cancelled while the batch waits or sends: one query for all of the
        # batch's actions, repeated at most every RECHECK_SECONDS (not one per message).
        must_be_open = batch.action_ids_that_must_be_open()
        gone: set[int] = set()
        checked_at = -RECHECK_SECONDS
        recheck = asyncio.Lock()

        async def cancelled_now() -> set[int]:
            nonlocal gone, checked_at
            async with recheck:
                if must_be_open and time.monotonic() - checked_at >= RECHECK_SECONDS:
                    async with self.db.begin() as session:
                        gone = await cancelled_action_ids(session, must_be_open)
                    checked_at = time.monotonic()
            return gone

        stop = asyncio.Event()
        in_flight = asyncio.Semaphore(self._max_in_flight)
        outcomes: list[Outcome] = []
        done = asyncio.Event()
        recorder = asyncio.create_task(self._record_loop(outcomes, done, report))

        async def deliver(item: Any) -> None:
            row = item.row
            await self.pacer.acquire(row.chat_id)
            if stop.is_set() or self._stopping or self.pacer.paused():
                outcomes.append(Outcome(row.id, "release"))
                return
            if item.must_be_open and row.action_id in await cancelled_now():
                outcomes.append(Outcome(row.id, OutboxStatus.CANCELLED, "action cancelled"))
                return
            async with in_flight:
                outcome = await send_one(
                    bot,
                    item,
                    pacer=self.pacer,
                    clock=self.clock,
                    stop=stop,
                    read_timeout=self._send_read_timeout,
                )
            if outcome.error == RETRY_AFTER:
                self._paused_until = self.clock.now() + dt.timedelta(
                    seconds=max(self.pacer.pause_until - time.monotonic(), 0.0)
                )
            outcomes.append(outcome)

        await asyncio.gather(*(deliver(item) for item in batch.to_send))
        done.set()
        await recorder
        self.pacer.forget_old_chats()

    async def _record_loop(
        self, outcomes: list[Outcome], done: asyncio.Event, report: DispatchReport
    ) -> None:
        """Write outcomes every `RECORD_INTERVAL_SECONDS` and once more at the end."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), timeout=RECORD_INTERVAL_SECONDS)
            chunk = outcomes[:]
            del outcomes[:]
            if chunk:
                await self._record(chunk, report)
            if done.is_set() and not outcomes:
                return

    async def _record(self, chunk: list[Outcome], report: DispatchReport) -> None:
        """One transaction for many outcomes; a call delivered for an action cancelled
        meanwhile gets its cancellation notice here. A database error is logged and the
        rows stay 'sending' until their sender is declared dead or their lease ends."""
        now = self.clock.now()
        try:
            async with self.db.begin() as session:
                await record_outcomes(
                    session, chunk, now=now, forget_args_keys=FORGET_ARGS_WHEN_DONE
                )
                await self._notice_cancelled_calls(session, chunk, now)
                for o in chunk:  # a coordinator's message: replies find their way back
                    if o.relayed is not None and o.person_id is not None:
                        chat_id, message_id, writer_id = o.relayed
                        await relay.record_copy(
                            session=session,
                            recipient_id=o.person_id,
                            chat_id=chat_id,
                            message_id=message_id,
                            sender_id=writer_id,
                            couple_id=None,
                            now=now,
                        )
                failed = {o.call_action_id for o in chunk if o.kind in UNDELIVERED}
                await notices.tell_if_nobody_reached(
                    session=session, action_ids=failed - {None}, now=now, tz=self.tz
                )
        except Exception as exc:
            logger.error("outbox: recording outcomes failed: %s", type(exc).__name__)
            return
        report.count(chunk)

    async def _notice_cancelled_calls(
        self, session: Any, chunk: list[Outcome], now: dt.datetime
    ) -> None:
        sent_calls = [
            o for o in chunk if o.kind == OutboxStatus.SENT and o.call_action_id is not None
        ]
        if not sent_calls:
            return
        gone = await cancelled_action_ids(session, {o.call_action_id for o in sent_calls})
        for outcome in sent_calls:
            if outcome.call_action_id in gone and outcome.person_id is not None:
                action = await session.get(Action, outcome.call_action_id)
                person = await session.get(Person, outcome.person_id)
                if action is not None and person is not None:
                    await queue_cancel_notice(
                        session=session, action=action, person=person, now=now
                    )


__all__ = ["DispatchReport", "OutboxDispatcher"]
