"""Schema migrations with Alembic, callable from the CLI and the tests.

Migration files live in `storage/migrations/versions/`, named `<date>_<slug>.py`.
Create a new one with: `alembic -c storage/alembic.ini revision --autogenerate -m "slug"`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from storage.db import install_sqlite_pragmas, is_sqlite, sync_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic `Config` for this project's migrations and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(slug)s")
    cfg.set_main_option(
        "sqlalchemy.url", sync_url(database_url).render_as_string(False).replace("%", "%%")
    )
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest). Idempotent."""
    command.upgrade(alembic_config(database_url), revision)


def head_revision() -> str:
    """The newest migration's revision id."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None for an empty (unmigrated) database."""
    engine = create_engine(sync_url(database_url), poolclass=pool.NullPool, hide_parameters=True)
    if is_sqlite(database_url):
        install_sqlite_pragmas(engine)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
