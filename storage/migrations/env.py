"""Alembic environment: runs migrations with a sync engine (sqlite3 or psycopg 3)."""

from __future__ import annotations

import warnings

from alembic import context
from sqlalchemy import create_engine, pool
from sqlalchemy.exc import SAWarning

from storage.db import install_sqlite_pragmas, is_sqlite, sync_url
from storage.models import Base

# A batch operation on SQLite reflects the tables its foreign keys point to; SQLAlchemy
# cannot reflect the expression index ix_person_home (coalesce(buurt_id, area_id)) and
# warns. Only tables that are rebuilt lose indexes, and the migrations that rebuild
# `person` re-create it explicitly, so the warning is noise on every `wijkbot` start.
warnings.filterwarnings(
    "ignore", message="Skipped unsupported reflection of expression-based index", category=SAWarning
)

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    engine = create_engine(sync_url(url), poolclass=pool.NullPool, hide_parameters=True)
    if is_sqlite(url):
        install_sqlite_pragmas(engine)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
