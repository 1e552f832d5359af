"""The outbox's one pacing mechanism: evenly spaced send slots, one message per second per
chat, and a 429 pause, all in this process's memory.

Why the outbox paces itself (and does not go through PTB's `AIORateLimiter`): two limiters
in series each add their own waiting and the slower one wins, so the outbox never reached
its configured rate. The Application's `AIORateLimiter` stays for direct replies only (the
outbox sends with its own plain `telegram.Bot`, see `bot.app`), so a broadcast never queues
in front of a reply: replies are never starved. `OUTBOX_RATE_PER_SECOND` (default 25)
leaves the rest of Telegram's ~30 messages/s (Bots FAQ) for replies.

All times here are `time.monotonic()` seconds.
"""

from __future__ import annotations

import asyncio
import time

#: Telegram: no more than 1 message per second in one chat (Bots FAQ).
PER_CHAT_INTERVAL_SECONDS = 1.0
#: Telegram: no more than 20 messages per minute in one group (Bots FAQ); group ids are < 0.
GROUP_CHAT_INTERVAL_SECONDS = 3.0


def chat_interval(chat_id: int) -> float:
    """Seconds between two messages to one chat: 1 for a person, 3 for a group (id < 0)."""
    return GROUP_CHAT_INTERVAL_SECONDS if chat_id < 0 else PER_CHAT_INTERVAL_SECONDS


class Pacer:
    """Send slots `1/rate` seconds apart (never a burst above `rate`), per-chat spacing, and
    a pause that moves every later slot (Telegram's 429 `retry_after`).

    `rate` is messages per second (> 0). Not thread-safe; one event loop.
    """

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._next_slot = 0.0
        self._pause_until = 0.0
        self._last_send: dict[int, float] = {}

    @property
    def pause_until(self) -> float:
        """Monotonic end of the current 429 pause (in the past when not paused)."""
        return self._pause_until

    def paused(self, now: float | None = None) -> bool:
        """True while a 429 pause is in force."""
        return (time.monotonic() if now is None else now) < self._pause_until

    def pause(self, seconds: float) -> None:
        """Stop all sending for `seconds` from now; a shorter pause never shortens one."""
        until = time.monotonic() + max(seconds, 0.0)
        self._pause_until = max(self._pause_until, until)
        self._next_slot = max(self._next_slot, self._pause_until)

    def chat_ready_at(self, chat_id: int) -> float:
        """Monotonic time from which `chat_id` may get its next message."""
        last = self._last_send.get(chat_id)
        return 0.0 if last is None else last + chat_interval(chat_id)

    def busy_chats(self, now: float | None = None) -> set[int]:
        """Chats that may not get a message yet (sent to less than their interval ago)."""
        now = time.monotonic() if now is None else now
        return {c for c in self._last_send if self.chat_ready_at(c) > now}

    def mark_sent(self, chat_id: int) -> None:
        """Record a send (start and end of the request) to `chat_id` now."""
        self._last_send[chat_id] = time.monotonic()

    def forget_old_chats(self) -> None:
        """Drop chats whose interval is over (keeps memory flat in long broadcasts)."""
        now = time.monotonic()
        for chat_id in [c for c in self._last_send if self.chat_ready_at(c) <= now]:
            del self._last_send[chat_id]

    async def acquire(self, chat_id: int) -> None:
        """Wait until `chat_id` may get a message, then for the next free send slot."""
        while True:
            now = time.monotonic()
            ready = max(self.chat_ready_at(chat_id), self._pause_until)
            if ready <= now:
                break
            await asyncio.sleep(ready - now)
        now = time.monotonic()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
