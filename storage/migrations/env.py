"""Alembic environment: runs migrations with a sync engine (sqlite3 or psycopg 3)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from storage.db import install_sqlite_pragmas, is_sqlite, sync_url
from storage.models import Base

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
