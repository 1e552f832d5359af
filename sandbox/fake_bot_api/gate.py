"""Gates: hold matching API calls at the fake server until the test lets them go."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sandbox.fake_bot_api.messages import RequestRecord

if TYPE_CHECKING:
    from sandbox.fake_bot_api.server import FakeBotAPI

#: Default deadline (seconds) of every wait for a condition (`wait_for`, `wait_for_request`,
#: `settle`, `Gate.wait_held`, ...). It only bounds a failing wait: a passing test never
#: waits it out, so it is generous enough for a busy machine (many test processes on few
#: cores), and no test depends on how fast the machine is.
WAIT_SECONDS = 30.0


class Gate:
    """Holds matching API calls at the fake server until the test lets them go.

    Made by :meth:`FakeBotAPI.hold`. A held call has arrived (it is in
    ``FakeBotAPI.requests`` with status 0) but is not executed: the message is not delivered
    and the bot's HTTP request waits for its answer. Tests use it to put events in a known
    order (e.g. "these calls are on their way while the coordinator cancels") instead of
    relying on how fast the machine is.

    Attributes:
        method: the held method, lower case (``"*"``: any method).
        chat_ids: only calls with one of these ``chat_id`` values are held (empty: all).
        held: the calls waiting at the gate now, in arrival order.
        seen: every call this gate ever held, in arrival order.
    """

    def __init__(self, fake: FakeBotAPI, method: str, chat_ids: Iterable[int | str]) -> None:
        self._fake = fake
        self.method = method.lower()
        self.chat_ids = set(chat_ids)
        self.is_open = False
        self.held: list[RequestRecord] = []
        self.seen: list[RequestRecord] = []
        self._waiters: dict[int, asyncio.Future[None]] = {}

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        """Whether a call of ``method`` to ``chat_id`` must wait at this gate."""
        if self.is_open or self.method not in ("*", method.lower()):
            return False
        return not self.chat_ids or chat_id in self.chat_ids

    async def pass_through(self, record: RequestRecord) -> None:
        """Wait (inside the request handler) until this call is released."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[id(record)] = waiter
        self.held.append(record)
        self.seen.append(record)
        self._fake._changed()
        try:
            await waiter
        finally:
            self._waiters.pop(id(record), None)
            if record in self.held:
                self.held.remove(record)

    def release(self, count: int | None = None) -> list[RequestRecord]:
        """Let the first ``count`` held calls (all when None) go on, in arrival order; calls
        arriving later are held again. Returns the released calls."""
        chosen = self.held[: len(self.held) if count is None else count]
        for record in chosen:
            self.held.remove(record)
            waiter = self._waiters.get(id(record))
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        return chosen

    def open(self) -> None:
        """Release every held call and hold nothing from now on."""
        self.is_open = True
        self.release()

    async def wait_held(
        self,
        count: int,
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline, not a cancellation scope
    ) -> list[RequestRecord]:
        """Wait until at least ``count`` calls are held; returns the held calls.

        Raises:
            AssertionError: if that does not happen within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.held) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                held = len(self.held)
                raise AssertionError(f"{held} calls held after {timeout}s, expected {count}")
            await self._fake._wait_change(remaining)
        return list(self.held)
