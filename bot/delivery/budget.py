"""One send budget for the bot across processes (PostgreSQL): `SharedPacer`.

Telegram's limits are per bot (Bots FAQ: about 30 messages/s, 1 message/s per chat), so N
sender processes must share them. Each process reserves send slots in the database
(`storage.outbox_budget.reserve_slots`: the budget row's `next_slot_at` moves by
`n / rate` seconds in one atomic UPDATE, and each chat's `next_send_at` in one upsert), a
small chunk at a time, at most `LOOKAHEAD_SECONDS` ahead, then sends each message at its
slot. So all processes together stay at `OUTBOX_RATE_PER_SECOND` and a chat gets at most one
message per second whichever process sends it. A 429 `retry_after` is written to the same
row (`pause_budget`) and every process waits for it: the bot pauses once.

The in-process parts of `Pacer` stay: a process's own per-chat spacing (also used to leave
busy chats unclaimed) and its local view of the pause. Times here are `time.monotonic()`
seconds; database times are converted at the moment the answer arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import pacing
from bot.delivery.pacing import Pacer, chat_interval
from storage.db import Database
from storage.outbox_budget import (
    Reservation,
    ensure_budget,
    forget_past_chats,
    pause_budget,
    read_pause,
    reserve_slots,
)

logger = logging.getLogger("bot.delivery.dispatcher")

#: Slots are reserved at most this far ahead (seconds): a dead process wastes at most this
#: much budget, and another process learns of a 429 pause within about this time (it also
#: reads the pause with every heartbeat, `bot.delivery.dispatcher.HEARTBEAT_SECONDS` = 1 s).
#: One reservation (one transaction) per second of sending: 0.4 s made 2.5 a second at
#: rate 30, a good part of a sender's CPU (issue 11, profiled with WIJKBOT_PROFILE).
LOOKAHEAD_SECONDS = 1.0
#: Extra seconds between two messages to one chat from different processes: the time from
#: a slot to the request leaving the process (event loop, HTTP client).
CHAT_MARGIN_SECONDS = 0.25
#: Pacing rows whose turn passed this long ago are deleted (they hold a chat id).
FORGET_AFTER_SECONDS = 60.0
#: After a database error, try again after this many seconds.
RETRY_SECONDS = 1.0


class SharedPacer(Pacer):
    """`Pacer` whose send slots, per-chat turns and 429 pause live in PostgreSQL.

    `rate` is the whole bot's messages per second (all processes together); `db` a
    PostgreSQL `Database`. Call `start()` once before `acquire`; one event loop.
    """

    def __init__(self, rate: float, db: Database) -> None:
        super().__init__(rate)
        self.db = db
        self.chunk = max(1, math.ceil(rate * LOOKAHEAD_SECONDS))
        self._waiting: list[tuple[int, asyncio.Future[tuple[float, bool]]]] = []
        self._reserved_until = 0.0
        self._task: asyncio.Task[None] | None = None
        self._pause_tasks: set[asyncio.Task[None]] = set()
        self._forgotten_at = 0.0
        self._ready = False
        self._own_pause: dt.datetime | None = None  # database end of our own last pause

    async def start(self) -> None:
        """Create the budget row if needed and learn about a pause in force."""
        async with self.db.begin() as session:
            await ensure_budget(session)
            until, db_now = await read_pause(session)
        self._ready = True
        self._learn_pause(until, db_now, pacing.time.monotonic())

    def pause(self, seconds: float) -> None:
        """Pause this process now and the whole bot in the database (in the background)."""
        super().pause(seconds)
        task = asyncio.get_running_loop().create_task(self._pause_everyone(seconds))
        self._pause_tasks.add(task)
        task.add_done_callback(self._pause_tasks.discard)

    async def refresh_pause(self, session: AsyncSession | None = None) -> None:
        """Read the bot's pause (another process may have had a 429), in `session` (the
        heartbeat's transaction) or a transaction of its own; database errors propagate."""
        if session is not None:
            until, db_now = await read_pause(session)
        else:
            async with self.db.begin() as own:
                until, db_now = await read_pause(own)
        self._learn_pause(until, db_now, pacing.time.monotonic())

    async def acquire(self, chat_id: int) -> None:
        """Wait for this chat's turn and a send slot of the bot's shared budget. Returns
        early when a 429 pause (of any process) began meanwhile: check `paused()`."""
        while True:
            await self._local_turn(chat_id)
            future: asyncio.Future[tuple[float, bool]] = asyncio.get_running_loop().create_future()
            self._waiting.append((chat_id, future))
            if self._task is None or self._task.done():
                self._task = asyncio.create_task(self._reserve_loop(), name="outbox-budget")
            at, granted = await future
            await _sleep_until(at)
            if granted or self.paused():
                return  # paused: the caller sees `paused()` and gives the row back
            # The chat had a message from another process: this slot goes unused, ask again.

    async def _local_turn(self, chat_id: int) -> None:
        while True:
            now = pacing.time.monotonic()
            ready = max(self.chat_ready_at(chat_id), self._pause_until)
            if ready <= now:
                return
            await asyncio.sleep(ready - now)

    async def _reserve_loop(self) -> None:
        while self._waiting:
            ahead = self._reserved_until - pacing.time.monotonic()
            if ahead > LOOKAHEAD_SECONDS:  # one sleep (not a loop): then reserve anyway
                await asyncio.sleep(ahead - LOOKAHEAD_SECONDS)
            chunk: list[tuple[int, asyncio.Future[tuple[float, bool]]]] = []
            later: list[tuple[int, asyncio.Future[tuple[float, bool]]]] = []
            seen: set[int] = set()
            for entry in self._waiting:
                if entry[1].done():  # its waiter was cancelled
                    continue
                if len(chunk) < self.chunk and entry[0] not in seen:
                    chunk.append(entry)
                    seen.add(entry[0])
                else:
                    later.append(entry)
            self._waiting = later
            if not chunk:
                continue
            try:
                reservation = await self._reserve([chat for chat, _ in chunk])
            except Exception as exc:
                logger.error("outbox budget: %s; trying again", type(exc).__name__)
                self._waiting = chunk + self._waiting
                await asyncio.sleep(RETRY_SECONDS)
                continue
            arrived = pacing.time.monotonic()
            self._learn_pause(reservation.paused_until, reservation.db_now, arrived)

            first = arrived + (reservation.first_slot - reservation.db_now).total_seconds()
            for j, (chat, future) in enumerate(chunk):
                at = first + j * self.interval
                granted = chat in reservation.granted
                if not granted:  # its turn comes after another process's message
                    at = max(at, arrived + chat_interval(chat))
                if not future.done():
                    future.set_result((at, granted))
            self._reserved_until = first + len(chunk) * self.interval

    async def _reserve(self, chats: list[int]) -> Reservation:
        async with self.db.begin() as session:
            if not self._ready:  # `start()` was not called (e.g. a JobQueue tick set-up)
                await ensure_budget(session)
                self._ready = True
            reservation = await reserve_slots(
                session, chats, interval=self.interval, margin=CHAT_MARGIN_SECONDS
            )
            if pacing.time.monotonic() - self._forgotten_at > FORGET_AFTER_SECONDS:
                self._forgotten_at = pacing.time.monotonic()
                await forget_past_chats(session, older_than_seconds=FORGET_AFTER_SECONDS)
        return reservation

    async def _pause_everyone(self, seconds: float) -> None:
        try:
            async with self.db.begin() as session:
                await ensure_budget(session)
                until = await pause_budget(session, seconds)
            self._own_pause = max(until, self._own_pause or until)
        except Exception as exc:  # this process still pauses; the others learn it later
            logger.error("outbox budget: pause not shared: %s", type(exc).__name__)

    def _learn_pause(self, until: dt.datetime, db_now: dt.datetime, arrived: float) -> None:
        if self._own_pause is not None and until <= self._own_pause:
            return  # our own 429: already paused here
        remaining = (until - db_now).total_seconds()
        if remaining > 0:
            Pacer.pause(self, remaining - (pacing.time.monotonic() - arrived))

    async def close(self) -> None:
        """Wait for a pause still being written (at most a short transaction)."""
        for task in list(self._pause_tasks):
            with contextlib.suppress(Exception):
                await task


async def _sleep_until(at: float) -> None:
    delay = at - pacing.time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
