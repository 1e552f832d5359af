"""Migration 0004 moves the old data: one help request per resident (tasks merged), the
request's languages, and person.spoken_languages (JSON) into person_language; downgrade
brings the old shape back. On SQLite (a fresh file) and PostgreSQL (a fresh schema)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from storage.db import sync_url
from storage.migrate import alembic_config, upgrade

OLD_ROWS = [
    "INSERT INTO area (id, key, name, level) VALUES (1, 'c', 'Centrum', 'stadsdeel'),"
    " (2, 'b', 'Marnixbuurt Noord', 'buurt')",
    "INSERT INTO person (id, telegram_user_id, chat_id, display_name, role, area_id, buurt_id,"
    " language, spoken_languages, consent_at, created_at) VALUES"
    " (1, 11, 11, 'Ayse', 'resident', 1, 2, 'nl', '[\"tr\", \"nl\"]', '2026-01-01 10:00:00',"
    " '2026-01-01 10:00:00'),"
    " (2, 12, 12, 'Bo', 'resident', 1, NULL, 'en', '[]', '2026-01-01 10:00:00',"
    " '2026-01-01 10:00:00')",
    "INSERT INTO help_request (person_id, task, status, created_at) VALUES"
    " (1, 'shopping', 'open', '2026-01-01 10:00:00'),"
    " (1, 'digital_help', 'open', '2026-01-01 10:00:00'),"
    " (2, 'company', 'open', '2026-01-02 10:00:00')",
]


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


def test_old_help_requests_become_one_request_per_resident(database_url: str) -> None:
    # The fixture's database is at head; go back to the initial schema and fill it.
    command.downgrade(alembic_config(database_url), "0001")
    _run(database_url, "DELETE FROM area", *OLD_ROWS)
    upgrade(database_url)
    requests, tasks, langs, spoken = _run(
        database_url,
        "SELECT id, person_id, area_id, status FROM help_request ORDER BY id",
        "SELECT request_id, task FROM help_request_task ORDER BY request_id, task",
        "SELECT request_id, language FROM help_request_language ORDER BY request_id, language",
        "SELECT person_id, language FROM person_language ORDER BY person_id, language",
    )
    assert requests == [(1, 1, 2, "open"), (3, 2, 1, "open")]  # home area: buurt, else area
    assert tasks == [(1, "digital_help"), (1, "shopping"), (3, "company")]
    assert langs == [(1, "nl"), (1, "tr"), (3, "en")]  # no spoken languages: bot language
    assert spoken == [(1, "nl"), (1, "tr")]
    command.downgrade(alembic_config(database_url), "0001")
    (old,) = _run(database_url, "SELECT person_id, task FROM help_request ORDER BY person_id, task")
    assert old == [(1, "digital_help"), (1, "shopping"), (2, "company")]
