"""The storage tests' `db` fixture (tests/storage/conftest.py) keeps its promises: blocks
see each other's rows like commits, an exception undoes only its own block, and nothing is
left in the shared database afterwards. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import Action
from tests import factories as make
from tests.storage.conftest import RolledBackDatabase


async def _count_actions(database: Database) -> int:
    async with database.begin() as session:
        count = await session.scalar(select(func.count()).select_from(Action))
    assert count is not None
    return count


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_a_test_s_rows_are_rolled_back_and_an_error_undoes_only_its_block(
    backend: str, shared_databases
) -> None:
    url = shared_databases.url(backend)
    outside = Database(url)
    try:
        before = await _count_actions(outside)
        inside = RolledBackDatabase(url)
        await inside.open()
        try:
            async with inside.begin() as session:
                await make.action(session, title="kept until the end of the test")
            with pytest.raises(RuntimeError):
                async with inside.begin() as session:
                    await make.action(session, title="undone by the error")
                    raise RuntimeError("boom")
            async with inside.begin() as session:
                titles = (await session.scalars(select(Action.title))).all()
            assert titles == ["kept until the end of the test"]
        finally:
            await inside.close()
        assert await _count_actions(outside) == before
    finally:
        await outside.dispose()
