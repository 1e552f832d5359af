"""Start-up steps shared by the CLI, the demo and the tests: migrate, seed, wire services."""

from __future__ import annotations

import logging

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.context import Services
from bot.delivery.dispatcher import OutboxDispatcher
from bot.domain.coupling.organisations import load_organisations
from bot.i18n import I18n
from storage.areas import load_areas
from storage.db import Database, install_sqlite_pragmas, is_sqlite, sync_url
from storage.migrate import current_revision, head_revision, upgrade

log = logging.getLogger(__name__)


class SchemaNotReady(RuntimeError):
    """The PostgreSQL schema is behind the code: run `wijkbot migrate` first."""


def migrate_and_seed(settings: Settings) -> int:
    """Upgrade the schema to the newest migration and upsert the area file, then the
    organisations file (when set; its area keys must be in the area file).

    Returns the number of areas in the file. Raises `storage.areas.AreaFileError`,
    `OrganisationFileError` or SQLAlchemy errors (e.g. the database cannot be reached).
    """
    upgrade(settings.database_url)
    engine = create_engine(sync_url(settings.database_url), hide_parameters=True)
    if is_sqlite(settings.database_url):
        install_sqlite_pragmas(engine)
    try:
        with Session(engine) as session, session.begin():
            count = load_areas(session, settings.areas_file)
            if settings.organisations_file is not None:
                load_organisations(session, settings.organisations_file)
            return count
    finally:
        engine.dispose()


def ensure_schema(settings: Settings) -> None:
    """The rule for `wijkbot run` on a database that is not at the newest migration.

    SQLite (embedded, one process): migrate and seed automatically.
    PostgreSQL (shared by several processes): refuse with `SchemaNotReady`; migrating is a
    deliberate step (`wijkbot migrate`), so two processes never migrate at once.
    """
    if current_revision(settings.database_url) == head_revision():
        return
    if is_sqlite(settings.database_url):
        log.info("database is not at the newest schema: migrating (SQLite)")
        migrate_and_seed(settings)
        return
    raise SchemaNotReady(
        "the PostgreSQL database is not at the newest schema; run `wijkbot migrate` first"
    )


def make_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Database, translations, clock and the outbox dispatcher for one process."""
    db = Database(settings.database_url)
    i18n = I18n(settings.locales_dir, default_language=settings.default_language, tz=settings.tz)
    clock = clock or Clock()
    services = Services(settings=settings, db=db, i18n=i18n, clock=clock)
    services.dispatcher = OutboxDispatcher(db=db, i18n=i18n, clock=clock, settings=settings)
    return services


async def run_sender(services: Services, *, token: str) -> None:
    """`wijkbot send`: run only the outbox dispatcher until SIGINT/SIGTERM, then stop it
    cleanly (in-flight sends recorded, claims given back) and close the database."""
    import asyncio
    import signal

    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.delivery.dispatcher import MAX_IN_FLIGHT

    assert services.dispatcher is not None
    settings = services.settings
    bot = Bot(
        token,
        base_url=settings.bot_api_base_url(),
        base_file_url=settings.bot_api_file_url(),
        request=HTTPXRequest(connection_pool_size=MAX_IN_FLIGHT + 2),
    )
    await bot.initialize()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await services.dispatcher.start(bot)
    log.info("outbox sender %s started", services.dispatcher.instance)
    try:
        await stop.wait()
    finally:
        await services.dispatcher.stop()
        await bot.shutdown()
        await services.db.dispose()
