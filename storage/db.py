"""Database engines and transactions.

`DATABASE_URL` is given in the plain form (`sqlite:///wijkbot.db`,
`postgresql://user@host:5432/db`); this module picks the drivers: aiosqlite / psycopg 3 for
the async engine the bot uses, sqlite3 / psycopg 3 for Alembic.

SQLite: one file, WAL journal, a 30 s busy timeout, and every transaction starts with
`BEGIN IMMEDIATE` so two writers never dead-lock (SQLite serialises writers anyway).
PostgreSQL: READ COMMITTED; row locks (`FOR UPDATE`) where the domain needs them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

import storage.volunteer_match  # noqa: F401  (keeps volunteer_match in step on every flush)


def _normalise(url: str | URL) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
    return parsed


def async_url(url: str | URL) -> URL:
    """The URL with the async driver: sqlite+aiosqlite or postgresql+psycopg."""
    parsed = _normalise(url)
    driver = "aiosqlite" if parsed.get_backend_name() == "sqlite" else "psycopg"
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}")


def sync_url(url: str | URL) -> URL:
    """The URL with the sync driver, for Alembic: sqlite (pysqlite) or postgresql+psycopg."""
    parsed = _normalise(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite")
    return parsed.set(drivername="postgresql+psycopg")


def is_sqlite(url: str | URL) -> bool:
    """True when the URL points at SQLite."""
    return _normalise(url).get_backend_name() == "sqlite"


def install_sqlite_pragmas(sync_engine: Any) -> None:
    """WAL, foreign keys, busy timeout and BEGIN IMMEDIATE on every SQLite connection."""

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The async engine and a session factory.

    Use `async with db.begin() as session:` for one transaction: it commits when the block
    ends normally and rolls back on an exception (which is re-raised).
    """

    def __init__(self, url: str | URL, *, echo: bool = False, **engine_kwargs: Any) -> None:
        self.url = _normalise(url)
        # hide_parameters: a database error never logs the bound values (typed titles,
        # names, ids) in its "[parameters: ...]" line (issue 9, finding 6).
        engine_kwargs.setdefault("hide_parameters", True)
        self.engine: AsyncEngine = create_async_engine(
            async_url(self.url), echo=echo, **engine_kwargs
        )
        if is_sqlite(self.url):
            install_sqlite_pragmas(self.engine.sync_engine)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._turn_loop: asyncio.AbstractEventLoop | None = None
        self._turn: asyncio.Lock | None = None
        self._turn_holder: asyncio.Task[Any] | None = None

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.url.get_backend_name()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """One transaction in a new session.

        SQLite: the transactions of this process take turns in the order they asked
        (an asyncio lock in front of `BEGIN IMMEDIATE`). Without it, a transaction that
        finds the write lock taken waits in SQLite's busy handler, which sleeps in growing
        steps (up to 100 ms) and often misses its turn: with the outbox sender's
        transactions going on, a /help waited p95 833 ms for a lock held 30 ms at a time,
        in turn 92 ms (issue 11 item 2; measured with two busy writers). A transaction
        opened inside another one of the same task skips the lock (SQLite decides, as
        before), so nesting never dead-locks here.
        """
        async with self.turn(), self.sessionmaker() as session, session.begin():
            yield session

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for this process's turn to use SQLite (see `begin`), hold it for the block.

        For work that opens its transaction itself (the unit of work of an update). A no-op
        on PostgreSQL and inside a block of the same task that holds the turn already.
        """
        lock = self._sqlite_turn()
        if lock is None:
            yield
            return
        async with lock:
            self._turn_holder = asyncio.current_task()
            try:
                yield
            finally:
                self._turn_holder = None

    def _sqlite_turn(self) -> asyncio.Lock | None:
        """This loop's turn lock (SQLite only), or None (PostgreSQL, or nested in a
        transaction of the same task)."""
        if self.dialect != "sqlite":
            return None
        loop = asyncio.get_running_loop()
        if self._turn_loop is not loop:  # a lock belongs to one event loop
            self._turn_loop, self._turn = loop, asyncio.Lock()
            self._turn_holder = None
        if self._turn_holder is not None and self._turn_holder is asyncio.current_task():
            return None
        return self._turn

    async def dispose(self) -> None:
        """Close all pooled connections."""
        await self.engine.dispose()
