"""Storage tests: each test runs inside one transaction that is rolled back at the end.

`db` (SQLite and PostgreSQL) is a `Database` whose sessions all use one connection holding
an outer transaction; every `db.begin()` is a SAVEPOINT in it (SQLAlchemy 2's "join an
external transaction" recipe, `join_transaction_mode="create_savepoint"`). A block that
ends normally releases its savepoint (its rows stay visible to the next block, as after a
commit); an exception rolls back to it. At the end of the test the outer transaction is
rolled back, so the database is as migrated and seeded. One migrated database per backend
and test process (xdist worker) serves every such test.

Tests that need several connections at once keep a database of their own (SQLite file or
PostgreSQL schema per test, real commits): mark them `@pytest.mark.several_connections`.
They are the concurrency tests, which one connection cannot express:

- test_invites_db: two concurrent redeems of the last use; a redeem racing an uncommitted
  one (READ COMMITTED on PostgreSQL, the write lock on SQLite);
- test_outbox: concurrent claims with `FOR UPDATE SKIP LOCKED` (PostgreSQL);
- test_rsvp: concurrent "yes" answers to the last places.

Ids from sequences are not rolled back on PostgreSQL: never assert a literal id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from storage.db import Database
from tests.conftest import migrated_database


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "several_connections: the test needs concurrent connections and real commits, so it "
        "gets a database of its own instead of a rolled-back transaction",
    )


class _SharedDatabases:
    """One migrated database per backend, made on first use, removed at the end."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._stack = ExitStack()
        self._urls: dict[str, str] = {}

    def url(self, backend: str) -> str:
        if backend not in self._urls:
            path = self._directory / backend
            path.mkdir(exist_ok=True)
            self._urls[backend] = self._stack.enter_context(migrated_database(backend, path))
        return self._urls[backend]

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="session")
def shared_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_SharedDatabases]:
    shared = _SharedDatabases(tmp_path_factory.mktemp("shared-db"))
    yield shared
    shared.close()


class RolledBackDatabase(Database):
    """A `Database` on one connection in an outer transaction; `begin()` is a SAVEPOINT.

    Call `open()` before use and `close()` at the end (which rolls everything back).
    """

    async def open(self) -> None:
        self._connection = await self.engine.connect()
        self._outer = await self._connection.begin()
        self.sessionmaker = async_sessionmaker(
            bind=self._connection,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        )

    async def close(self) -> None:
        await self._outer.rollback()
        await self._connection.close()
        await self.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(
    request: pytest.FixtureRequest, shared_databases: _SharedDatabases, tmp_path: Path
) -> AsyncIterator[Database]:
    """The storage tests' database: a rolled-back transaction on the shared database, or a
    database of its own for tests marked `several_connections`."""
    backend = request.param
    if request.node.get_closest_marker("several_connections"):
        with migrated_database(backend, tmp_path) as url:
            database = Database(url)
            try:
                yield database
            finally:
                await database.dispose()
        return
    rolled_back = RolledBackDatabase(shared_databases.url(backend))
    await rolled_back.open()
    try:
        yield rolled_back
    finally:
        await rolled_back.close()
