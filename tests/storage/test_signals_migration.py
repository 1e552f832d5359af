"""Migration 0019 (place signals) goes down and up again on SQLite and PostgreSQL: the
`signal` table and its indexes come and go, nothing else changes."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from storage.db import sync_url
from storage.migrate import alembic_config, upgrade


def _tables(url: str) -> tuple[set[str], set[str]]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            tables = set(insp.get_table_names())
            indexes = (
                {i["name"] for i in insp.get_indexes("signal")} if "signal" in tables else set()
            )
            return tables, indexes
    finally:
        engine.dispose()


def test_signal_table_down_and_up(database_url: str) -> None:
    tables, indexes = _tables(database_url)
    assert "signal" in tables
    assert {"ix_signal_organisation", "ix_signal_area", "ix_signal_sender_id"} <= indexes
    config = alembic_config(database_url)
    parent = ScriptDirectory.from_config(config).get_revision("0019").down_revision
    command.downgrade(config, str(parent))  # just below 0019, wherever the chain puts it
    without, _ = _tables(database_url)
    assert "signal" not in without and without <= tables
    upgrade(database_url)
    again, again_indexes = _tables(database_url)
    assert again == tables and again_indexes == indexes
