"""Database errors never carry the values people typed into the logs (issue 9, finding 6;
SQLite and PostgreSQL). Engines hide SQLAlchemy's "[parameters: ...]" (`hide_parameters`,
`storage.db.Database`); PostgreSQL's own message still quotes the failing row, so the
error handler logs a database error as `database_error_summary` (class, code, frames)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import DBAPIError

from bot.handlers.fallback import database_error_summary
from storage.db import Database
from tests import factories as make

SECRET = "Geheime titel van Anna de Vries"


async def test_a_database_error_is_logged_without_typed_values(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO), pytest.raises(DBAPIError) as failed:
        async with db.begin() as session:
            area_id = await make.area_id(session, "Jordaan")
            # 0 volunteers breaks a CHECK constraint: the INSERT fails in the database
            session.add(make.unsaved_action(title=SECRET, area_id=area_id, volunteers_needed=0))
            await session.flush()
    assert "parameters hidden" in str(failed.value)
    assert not [r for r in caplog.records if SECRET in r.getMessage()]
    summary = database_error_summary(failed.value)
    assert SECRET not in summary
    assert summary.startswith("IntegrityError / ")
