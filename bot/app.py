"""Wiring: build the PTB Application with services, persistence, rate limiter and handlers.

Handler groups: -3 guards (updates without a user, edited messages), -2 the consent question
for new purposes (`bot.handlers.consent_check`), -1 the exit rule of
conversations (`bot.handlers.conversations`), 0 features and, last
in group 0, the fallbacks for anything no feature took (see `bot.handlers.FEATURES`).

Every update runs in one unit of work (`bot.unit_of_work`): `WijkApplication.process_update`
opens it, PTB runs the handlers, the persistence flush writes through the same session, the
transaction commits and only then the replies are sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from typing import Any

from telegram import Bot, BotCommandScopeDefault, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot import handlers
from bot.context import Services, WijkContext
from bot.handlers.guards import slow_down
from bot.persistence import DatabasePersistence
from bot.throttle import Throttle, UpdateQueue, Verdict
from bot.unit_of_work import UnitOfWork
from bot.views.commands import command_list

log = logging.getLogger(__name__)

# Telegram's documented broadcast limit is about 30 messages per second per bot and 20
# messages per minute per group (Bots FAQ, "My bot is hitting limits").
TELEGRAM_MAX_RATE_PER_SECOND = 30
GROUP_MAX_PER_MINUTE = 20


class WijkApplication(Application[Any, WijkContext, Any, Any, Any, Any]):
    """PTB's Application with one unit of work per update (PTB has no middleware hook).

    `process_update` runs PTB's handler loop and the persistence flush inside a
    `UnitOfWork`: one transaction, committed before any reply is sent.
    """

    _throttle: Throttle | None = None

    def throttle(self, services: Services) -> Throttle:
        """The per-user throttle of this process (`bot.throttle`), made from the settings."""
        if self._throttle is None:
            settings = services.settings
            self._throttle = Throttle(
                max_updates=settings.throttle_max_updates,
                window=dt.timedelta(seconds=settings.throttle_window_seconds),
                mute=dt.timedelta(seconds=settings.throttle_mute_seconds),
            )
        return self._throttle

    async def process_update(self, update: object) -> None:
        """Handle one update in its own unit of work (see `bot.unit_of_work`).

        The per-user throttle comes first: a muted user's update is dropped before any
        database work; the update that trips it gets only the "slow down" answer. The user's
        updates still waiting in the queue count too (`bot.throttle.UpdateQueue`).
        """
        services: Services = self.bot_data["services"]
        user = update.effective_user if isinstance(update, Update) else None
        verdict = Verdict.PASS
        if user is not None:
            queue = self.update_queue
            waiting = queue.waiting(user.id) if isinstance(queue, UpdateQueue) else 0
            verdict = self.throttle(services).check(user.id, services.clock.now(), waiting)
            if verdict is Verdict.IGNORE:
                return
        uow = UnitOfWork(services.db, user.id if user is not None else None)

        if verdict is Verdict.TRIP:
            assert isinstance(update, Update)
            await uow.run(lambda: slow_down(update, services.i18n))
            return

        async def work() -> None:
            await super(WijkApplication, self).process_update(update)
            # PTB marked the update's user and conversations for saving when its loop ended;
            # write them now, in this transaction, so a crash loses nothing finished.
            await self.update_persistence()

        await uow.run(work)


async def _post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    services: Services = application.bot_data["services"]
    for lang in ("nl", "en"):
        t = services.i18n.translator(lang)
        await application.bot.set_my_commands(
            command_list(t, lang),
            scope=BotCommandScopeDefault(),
            language_code=None if lang == services.settings.default_language else lang,
        )
    if services.dispatcher is not None:
        await services.dispatcher.start(await _outbox_bot(application))
    if application.job_queue is not None:
        from bot import coupling_job
        from bot.retention_job import schedule

        schedule(application, services.settings)
        coupling_job.schedule(application, services.settings)


async def _outbox_bot(application: Application[Any, Any, Any, Any, Any, Any]) -> Bot:
    """A plain `Bot` for the outbox (no AIORateLimiter: the dispatcher paces itself, see
    `bot.delivery.pacing`), on the same server and token as the Application's bot, with a
    connection pool for the dispatcher's concurrent sends."""
    from bot.delivery.dispatcher import MAX_IN_FLIGHT

    ext = application.bot
    bot = Bot(
        ext.token,
        base_url=application.bot_data["outbox_base_url"],
        base_file_url=application.bot_data["outbox_base_file_url"],
        request=HTTPXRequest(connection_pool_size=MAX_IN_FLIGHT + 2),
    )
    await bot.initialize()
    application.bot_data["outbox_bot"] = bot
    return bot


async def _post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop the outbox loop (in-flight sends are recorded) and close its bot."""
    services: Services = application.bot_data["services"]
    if services.dispatcher is not None:
        await services.dispatcher.stop()
    bot = application.bot_data.pop("outbox_bot", None)
    if bot is not None:
        await bot.shutdown()
    await services.db.dispose()


def build_application(
    services: Services, *, token: str, base_url: str, base_file_url: str
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application for one bot process. `base_url` is '<server>/bot' (PTB form)."""
    # Our conversations track state per user and chat on purpose (per_message=False) and
    # check every button press themselves; PTB's reminder about that is expected.
    warnings.filterwarnings("ignore", message=".*per_message=False", category=PTBUserWarning)

    application = (
        ApplicationBuilder()
        .application_class(WijkApplication)
        .token(token)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .base_url(base_url)
        .base_file_url(base_file_url)
        .context_types(ContextTypes(context=WijkContext))
        .persistence(DatabasePersistence(services.db))
        .update_queue(UpdateQueue())  # counts waiting updates per user (the throttle)
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=TELEGRAM_MAX_RATE_PER_SECOND,
                overall_time_period=1,
                group_max_rate=GROUP_MAX_PER_MINUTE,
                group_time_period=60,
                max_retries=1,
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["services"] = services
    application.bot_data["outbox_base_url"] = base_url
    application.bot_data["outbox_base_file_url"] = base_file_url
    handlers.register_all(application)
    return application


class RedactSecrets(logging.Filter):
    """Replace secrets (the bot token) in every log record with '[redacted]'.

    httpx and PTB put the token in URLs (PTB logs 'Set Bot API URL: .../bot<token>' at
    DEBUG), so quieting loggers alone is not enough when someone runs with LOG_LEVEL=DEBUG.
    """

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


def quiet_loggers(*secrets: str) -> None:
    """Keep library loggers from logging the token or personal details.

    httpx logs every request URL, which contains the bot token, at INFO: WARNING (also
    httpcore). PTB and the drivers log whole updates (names, texts) at DEBUG, SQLAlchemy
    logs SQL at INFO: they never go below INFO / WARNING, whatever LOG_LEVEL says (LOG_LEVEL
    is for wijkbot's own loggers). APScheduler's "skipped: maximum number of running
    instances reached" for the outbox tick is expected (a long tick skips the next): ERROR.
    Every handler of the root logger also redacts `secrets`.
    """
    root = logging.getLogger().getEffectiveLevel()
    floors = {
        "httpx": logging.WARNING,
        "httpcore": logging.WARNING,
        "sqlalchemy": logging.WARNING,
        "telegram": logging.INFO,
        "aiosqlite": logging.INFO,
        "asyncio": logging.INFO,
        "apscheduler": logging.WARNING,
        "apscheduler.scheduler": logging.ERROR,
        "apscheduler.executors.default": logging.ERROR,
    }
    for name, floor in floors.items():
        logging.getLogger(name).setLevel(max(floor, root))
    if secrets:
        for handler in logging.getLogger().handlers:
            handler.addFilter(RedactSecrets(*secrets))
