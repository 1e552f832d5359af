"""Migration 0017 (residents without Telegram) up and down on SQLite and PostgreSQL: a
person without Telegram ids is allowed after it, and removed (with their rows) before the
NOT NULL comes back; everyone else and their help requests stay."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from storage.db import sync_url
from storage.migrate import alembic_config, upgrade

PEOPLE = (
    "INSERT INTO person (id, telegram_user_id, chat_id, display_name, role, area_id, "
    "language, consent_at, created_at) SELECT {id}, {tid}, {tid}, '{name}', 'resident', "
    "min(id), 'nl', '2031-12-01 10:00:00', '2031-12-01 10:00:00' FROM area"
)


def _run(url: str, *statements: str) -> list[list[tuple]]:
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            results = []
            for statement in statements:
                result = conn.execute(text(statement))
                results.append([tuple(r) for r in result] if result.returns_rows else [])
            return results
    finally:
        engine.dispose()


def test_offline_residents_up_and_down(database_url: str) -> None:
    _run(
        database_url,
        PEOPLE.format(id=801, tid=801, name="Ayse"),
        PEOPLE.format(id=802, tid="NULL", name="Fatma"),
        "INSERT INTO offline_resident (person_id, phone, consent_on, created_at) "
        "VALUES (802, '06 1234 5678', '2031-12-01', '2031-12-01 10:00:00')",
        "INSERT INTO help_request (person_id, area_id, status, created_at, updated_at) "
        "SELECT id, area_id, 'open', created_at, created_at FROM person WHERE id IN (801, 802)",
    )
    command.downgrade(alembic_config(database_url), "0022")
    people, requests = _run(
        database_url,
        "SELECT id FROM person WHERE id IN (801, 802) ORDER BY id",
        "SELECT person_id FROM help_request ORDER BY person_id",
    )
    assert people == [(801,)] and requests == [(801,)]
    upgrade(database_url)
    (people,) = _run(
        database_url,
        PEOPLE.format(id=803, tid="NULL", name="Fatma"),
        "SELECT id, telegram_user_id FROM person WHERE id >= 801 ORDER BY id",
    )[1:]
    assert people == [(801, 801), (803, None)]
