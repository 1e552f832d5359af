"""Shared fixtures: a migrated database per test, on SQLite always and on PostgreSQL when
one answers.

PostgreSQL URL: `WIJKBOT_TEST_POSTGRES_URL` (default postgresql://127.0.0.1:5432/test).
`database_url` gives each test its own schema (dropped afterwards), so tests never see each
other's rows. The storage tests instead share one database per process and run each test in
a transaction that is rolled back (tests/storage/conftest.py).
Without a reachable server the PostgreSQL variants skip with the reason; with CI=true they
fail instead, so CI can never pass silently without PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import PROJECT_ROOT
from bot.domain.coupling.organisations import load_organisations
from storage.areas import load_areas
from storage.db import Database, sync_url
from storage.migrate import upgrade

PG_URL = os.environ.get("WIJKBOT_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
AREAS_FILE = PROJECT_ROOT / "storage" / "data" / "areas-amsterdam-centrum.toml"
ORGANISATIONS_FILE = PROJECT_ROOT / "storage" / "data" / "organisations-amsterdam-centrum.toml"


def _postgres_problem() -> str | None:
    try:
        engine = create_engine(sync_url(PG_URL), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"
    return None


_PG_PROBLEM = _postgres_problem()


def pytest_report_header() -> list[str]:
    return [f"postgresql: {_PG_PROBLEM or 'available at ' + PG_URL}"]


@contextmanager
def migrated_database(backend: str, directory: Path) -> Iterator[str]:
    """A new migrated, area-seeded database; yields its URL (plain form) and removes it.

    `backend`: "sqlite" (a file in `directory`) or "postgresql" (a new schema on
    `WIJKBOT_TEST_POSTGRES_URL`, dropped at the end). Skips the test when PostgreSQL is not
    reachable (fails it with CI=true).
    """
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'wijkbot.db'}"
        upgrade(url)
        _seed(url)
        yield url
        return
    if _PG_PROBLEM:
        if os.environ.get("CI"):
            pytest.fail(_PG_PROBLEM + " (CI requires PostgreSQL)")
        pytest.skip(_PG_PROBLEM)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(sync_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        _seed(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, area-seeded database URL (plain form) of its own, on each backend."""
    with migrated_database(request.param, tmp_path) as url:
        yield url


def _seed(url: str) -> None:
    engine = create_engine(sync_url(url))
    with Session(engine) as session, session.begin():
        load_areas(session, AREAS_FILE)
        load_organisations(session, ORGANISATIONS_FILE)
    engine.dispose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """An open `Database` on the migrated test database."""
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture(autouse=True)
def _no_quiet_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run at any hour of the real clock: quiet hours are off unless a test sets
    QUIET_HOURS itself (tests/e2e/test_quiet_hours.py)."""
    monkeypatch.setenv("QUIET_HOURS", "off")


@pytest.fixture
def clock() -> Clock:
    """A clock tests may move."""
    return Clock()
