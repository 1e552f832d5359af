"""A per-user throttle: one person flooding the bot is ignored for a while, others are not.

Issue 9: one user sending hundreds of updates a minute (a script, a stuck client, someone
trying the bot's limits) would keep the Application busy (it handles updates one at a time)
and spend the bot's sending budget (about 30 messages per second per bot, Telegram Bots FAQ)
on answers nobody reads. So `WijkApplication.process_update` asks `Throttle.check` first:

- more than `max_updates` updates from one user within `window` (defaults 20 in 10 seconds:
  no person tapping buttons or typing answers comes near that; a flood of hundreds a minute
  passes it within seconds) trips the throttle: that update gets one "slow down" answer
  (`bot.handlers.guards.slow_down`) and the user is muted for `mute` (default 60 seconds);
- updates of a muted user are dropped before anything else happens: no database session,
  no handler, no persistence flush, no answer. After the mute the user starts afresh;
- updates of the user still waiting in the Application's queue count as arrived now
  (`UpdateQueue.waiting`): a flood that arrives all at once trips the throttle at its
  first update instead of having its first `max_updates` handled one by one (each a
  database transaction and an answer) while everyone else's updates wait behind them.
  `benchmarks/throttle_flood.py` measured that: +0.65 s for a call behind a flood of 300,
  from the 20 handled updates; with the look-ahead the flood costs one "slow down". A
  person never has 20 updates waiting unless the bot is far behind.

State is in memory, per process (like the outbox pacing): a restart forgets it, which is
fine for a guard against floods. Time comes from the bot's clock (`bot.clock.Clock`, aware
UTC), so tests move it instead of waiting. Memory stays small: at most `max_updates + 1`
times per user, and users quiet for a whole window are forgotten on the next sweep.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter, deque
from enum import Enum
from typing import Any

SWEEP_EVERY = 1000  # checks between two sweeps of quiet users


class Verdict(Enum):
    """What to do with one update."""

    PASS = "pass"  # handle it as usual
    TRIP = "trip"  # the user just passed the limit: answer "slow down" once, handle nothing
    IGNORE = "ignore"  # the user is muted: drop the update silently


class Throttle:
    """Counts updates per Telegram user id in a sliding window.

    Args:
        max_updates: updates allowed within `window` (>= 1).
        window: the sliding window (seconds as a timedelta).
        mute: how long a user who passed the limit is ignored.
    """

    def __init__(self, *, max_updates: int, window: dt.timedelta, mute: dt.timedelta) -> None:
        if max_updates < 1:
            raise ValueError("max_updates must be at least 1")
        self.max_updates = max_updates
        self.window = window
        self.mute = mute
        self._seen: dict[int, deque[dt.datetime]] = {}
        self._muted_until: dict[int, dt.datetime] = {}
        self._checks = 0

    def check(self, user_id: int, now: dt.datetime, waiting: int = 0) -> Verdict:
        """Record one update of `user_id` at `now` (aware UTC) and say what to do with it;
        `waiting` more updates of theirs are already queued behind it (they count too)."""
        self._checks += 1
        if self._checks % SWEEP_EVERY == 0:
            self._sweep(now)
        muted_until = self._muted_until.get(user_id)
        if muted_until is not None:
            if now < muted_until:
                return Verdict.IGNORE
            del self._muted_until[user_id]
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        seen.append(now)
        if len(seen) + waiting <= self.max_updates:
            return Verdict.PASS
        self._seen.pop(user_id, None)
        self._muted_until[user_id] = now + self.mute
        return Verdict.TRIP

    def muted(self, user_id: int, now: dt.datetime) -> bool:
        """Whether updates of `user_id` are being ignored at `now`."""
        until = self._muted_until.get(user_id)
        return until is not None and now < until

    def _sweep(self, now: dt.datetime) -> None:
        for user_id in [
            u for u, seen in self._seen.items() if not seen or seen[-1] <= now - self.window
        ]:
            del self._seen[user_id]
        for user_id in [u for u, until in self._muted_until.items() if until <= now]:
            del self._muted_until[user_id]


def _user_id(item: object) -> int | None:
    user = getattr(item, "effective_user", None)
    return getattr(user, "id", None)


class UpdateQueue(asyncio.Queue[Any]):
    """The Application's update queue, knowing how many updates of each user are waiting
    in it (`waiting`), for the throttle's look-ahead. Counts are kept by asyncio.Queue's
    `_put` / `_get` hooks (the ones its own subclasses such as PriorityQueue override)."""

    def _init(self, maxsize: int) -> None:
        super()._init(maxsize)  # type: ignore[misc]
        self._waiting: Counter[int] = Counter()

    def _put(self, item: Any) -> None:
        super()._put(item)  # type: ignore[misc]
        user_id = _user_id(item)
        if user_id is not None:
            self._waiting[user_id] += 1

    def _get(self) -> Any:
        item = super()._get()  # type: ignore[misc]
        user_id = _user_id(item)
        if user_id is not None:
            self._waiting[user_id] -= 1
            if self._waiting[user_id] <= 0:
                del self._waiting[user_id]
        return item

    def waiting(self, user_id: int) -> int:
        """How many updates of `user_id` wait in the queue (not counting any taken out)."""
        return self._waiting.get(user_id, 0)
