"""One unit of work per update: one database transaction, then the replies.

PTB has no middleware, so `bot.app.WijkApplication.process_update` wraps every update in
`UnitOfWork.run` (tested in `tests/e2e/test_unit_of_work.py`):

1. a `UnitOfWork` is made for the update and put in a context variable; it holds one
   `AsyncSession`. The session begins its transaction lazily (SQLAlchemy "autobegin"), so an
   update that never touches the database opens none;
2. the person of the update's user is resolved once, on first use (`await uow.person()`);
3. every handler of the update runs (PTB's own `process_update`); handlers and domain flows use
   `uow.session` and *queue* their replies (`uow.defer(...)`, see `bot.handlers.common.reply`)
   instead of sending them;
4. the PTB persistence flush (user_data, conversation states) writes through the same session
   (`bot.persistence` looks up the current unit of work) and only when something changed;
5. the transaction commits, the session closes, and only then are the queued replies sent in
   order. No HTTP round trip to Telegram ever holds a database transaction (on SQLite: the
   write lock).

An exception in a handler goes to PTB's error handler, which calls `uow.fail()`: the
transaction rolls back and the queued replies are dropped, so the error answer is the only
reply (what is written after that, the persistence flush, commits as usual). An exception
while committing rolls back too and sends no reply. The session is closed in every case.

Jobs (the outbox dispatcher, retention) do not run inside an update; they open their own short
transactions with `Database.begin()`.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import TelegramError

from storage.db import Database
from storage.models import Person

log = logging.getLogger(__name__)

Send = Callable[[], Awaitable[Any]]

_current: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar(
    "wijkbot_unit_of_work", default=None
)


def current() -> UnitOfWork | None:
    """The unit of work of the update being handled in this task, or None (jobs, start-up)."""
    return _current.get()


class UnitOfWork:
    """The session, the person and the queued replies of one update.

    `telegram_user_id` is the update's `effective_user.id` (None for updates without a user).
    """

    def __init__(self, db: Database, telegram_user_id: int | None) -> None:
        self.db = db
        self.telegram_user_id = telegram_user_id
        self.session: AsyncSession = db.sessionmaker()
        self._replies: list[Send] = []
        self._person_loaded = False
        self._person: Person | None = None
        self.failed = False

    async def person(self) -> Person | None:
        """The signed-up Person of the update's user, or None; loaded once per update."""
        if not self._person_loaded:
            self._person_loaded = True
            if self.telegram_user_id is not None:
                from bot.domain import people

                self._person = await people.by_telegram_id(
                    session=self.session, telegram_user_id=self.telegram_user_id
                )
        return self._person

    def forget_person(self) -> None:
        """Drop the cached person (after erasure or registration in this update)."""
        self._person_loaded = False
        self._person = None

    def defer(self, send: Send) -> None:
        """Queue a reply; it is sent after the transaction has committed."""
        self._replies.append(send)

    async def fail(self) -> None:
        """Roll back the update's work and drop the queued replies (the error handler)."""
        self.failed = True
        self._replies.clear()
        await self.session.rollback()
        self.forget_person()

    async def _finish(self) -> None:
        try:
            if self.session.in_transaction():
                await self.session.commit()
        except Exception:
            await self.session.rollback()
            self._replies.clear()
            raise
        finally:
            await self.session.close()

    async def _send_replies(self) -> None:
        replies, self._replies = self._replies, []
        for send in replies:
            try:
                await send()
            except TelegramError as exc:
                # The update's work is committed; a reply that cannot be delivered (user
                # blocked the bot, message gone) must not undo it or stop the others.
                log.warning("a reply could not be sent: %s", type(exc).__name__)
            except Exception:  # after-commit work (e.g. queueing a call) must not stop the rest
                log.exception("work after the commit failed")

    async def run(self, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` (all handlers of the update) inside this unit of work, then reply."""
        token = _current.set(self)
        try:
            # SQLite: wait for this process's turn in order (`Database.turn`), not in
            # SQLite's busy handler; released (after a rollback too) before the replies.
            async with self.db.turn():
                try:
                    await work()
                    await self._finish()
                except BaseException:
                    if self.session.in_transaction():
                        await self.session.rollback()
                    await self.session.close()
                    raise
        finally:
            _current.reset(token)
        await self._send_replies()
