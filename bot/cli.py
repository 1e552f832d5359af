"""The `wijkbot` command: run, send, migrate, invite, demo.

Exit codes: 0 fine, 2 configuration or input problem (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError, OperationalError

from bot.config import Settings
from bot.domain.vocabulary import Role

log = logging.getLogger("wijkbot")

DEMO_EXTRA_MODULE = "aiohttp"
DEMO_EXTRA_MISSING = "wijkbot demo needs the demo extra: pip install -e '.[demo]'"


def _fail(message: str) -> int:
    print(f"wijkbot: {message}", file=sys.stderr)
    return 2


def _first_line(exc: BaseException) -> str:
    """The first line of an error message (drivers add hints and SQL on further lines)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _settings() -> Settings:
    return Settings()


def _settings_error(exc: ValidationError) -> str:
    """One plain line for the first bad setting (without pydantic's 'Value error, ')."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]).upper() or "settings"
    message = str(first["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if message.startswith(field):
        return message
    return f"{field}: {message} (got {_shown(first.get('input'))})"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _database_answers(url: str) -> None:
    """Connect once; raises SQLAlchemy's OperationalError when the database cannot be
    reached (main() turns it into one line)."""
    from sqlalchemy import create_engine, pool

    from storage.db import install_sqlite_pragmas, is_sqlite, sync_url

    engine = create_engine(sync_url(url), poolclass=pool.NullPool, hide_parameters=True)
    if is_sqlite(url):
        install_sqlite_pragmas(engine)
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


async def _check_bot_api(settings: Settings, token: str) -> str | None:
    """Ask the Bot API server who we are (getMe) before starting: None when fine, else one
    plain line (unreachable server, refused token)."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    bot = Bot(
        token, base_url=settings.bot_api_base_url(), base_file_url=settings.bot_api_file_url()
    )
    try:
        async with bot:
            return None
    except InvalidToken:
        return (
            f"the Bot API server at {settings.telegram_api_base_url} refused "
            "TELEGRAM_BOT_TOKEN; check the token from @BotFather"
        )
    except NetworkError as exc:
        return (
            f"cannot reach the Bot API server at {settings.telegram_api_base_url}: "
            f"{_first_line(exc).replace(token, '[redacted]')}"
        )
    except TelegramError as exc:
        return f"the Bot API server answered: {_first_line(exc).replace(token, '[redacted]')}"


def _setup_logging(level: str, *secrets: str) -> None:
    from bot.app import quiet_loggers

    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.captureWarnings(True)
    quiet_loggers(*secrets)


def _token_or_fail(settings: Settings) -> str | None:
    if settings.telegram_bot_token is None:
        _fail(
            "TELEGRAM_BOT_TOKEN is not set. Get one from @BotFather and put it in .env "
            "(see .env.example)."
        )
        return None
    token = settings.telegram_bot_token.get_secret_value().strip()
    secrets = [token, token.split(":", 1)[-1]]
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    _setup_logging(settings.log_level, *secrets)
    return token


def cmd_run(args: argparse.Namespace) -> int:
    """Run the bot (long polling, or a webhook with --webhook) until Ctrl+C / SIGTERM.

    `--no-outbox`: take updates only; `wijkbot send` processes do the sending.
    """
    from telegram import Update

    from bot.app import build_application
    from bot.runtime import SchemaNotReady, ensure_schema, make_services
    from storage.db import is_sqlite

    settings = _settings()
    token = _token_or_fail(settings)
    if token is None:
        return 2
    if args.webhook and (settings.webhook_url is None or settings.webhook_secret is None):
        return _fail("--webhook needs WEBHOOK_URL and WEBHOOK_SECRET (see .env.example)")
    # Every check that can fail comes before SQLite's automatic migration (which logs), so a
    # problem is one line: the database answers, the PostgreSQL schema is ready, the Bot
    # API server answers and knows the token.
    _database_answers(settings.database_url)
    try:
        if not is_sqlite(settings.database_url):
            ensure_schema(settings)
        problem = asyncio.run(_check_bot_api(settings, token))
        if problem:
            return _fail(problem)
        ensure_schema(settings)
    except SchemaNotReady as exc:
        return _fail(str(exc))
    services = make_services(settings)
    if args.no_outbox:
        services.dispatcher = None
    application = build_application(
        services,
        token=token,
        base_url=settings.bot_api_base_url(),
        base_file_url=settings.bot_api_file_url(),
    )
    if args.webhook:
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        path = urlsplit(settings.webhook_url).path.strip("/")
        log.info(
            "wijkbot takes updates on a webhook at %s:%d",
            settings.webhook_listen,
            settings.webhook_port,
        )
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=path,
            webhook_url=settings.webhook_url,
            # Telegram sends it in X-Telegram-Bot-Api-Secret-Token; PTB answers 403 without it.
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
        return 0
    log.info("wijkbot starts polling %s", settings.telegram_api_base_url)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    """Only send the outbox (no updates) until Ctrl+C / SIGTERM; any number of these share
    one PostgreSQL outbox (`SKIP LOCKED`)."""
    from bot.runtime import SchemaNotReady, ensure_schema, make_services, run_sender

    settings = _settings()
    token = _token_or_fail(settings)
    if token is None:
        return 2
    try:
        ensure_schema(settings)
    except SchemaNotReady as exc:
        return _fail(str(exc))
    services = make_services(settings)
    asyncio.run(run_sender(services, token=token))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Upgrade the schema and load the area file."""
    from bot.runtime import migrate_and_seed
    from storage.areas import AreaFileError

    settings = _settings()
    try:
        count = migrate_and_seed(settings)
    except AreaFileError as exc:
        return _fail(str(exc))
    print(f"database is at the newest schema; {count} areas loaded from {settings.areas_file}")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    """Create an invite and print the deep link and the token."""
    from bot.invite_cli import create_invite_link

    try:
        return asyncio.run(create_invite_link(_settings(), args))
    except ValueError as exc:
        return _fail(str(exc))


def cmd_demo(args: argparse.Namespace) -> int:
    """Play the whole story against a fake Bot API server and print the transcripts.

    The demo lives in `sandbox` and needs aiohttp (the `demo` extra); without it this prints
    one line and returns 2.
    """
    try:
        from sandbox.demo import run_demo
    except ModuleNotFoundError as exc:
        if exc.name != DEMO_EXTRA_MODULE and not str(exc.name).startswith("aiohttp."):
            raise
        print(DEMO_EXTRA_MISSING, file=sys.stderr)
        return 2

    return asyncio.run(run_demo(lang=args.lang, verbose=args.verbose))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the tests)."""
    parser = argparse.ArgumentParser(prog="wijkbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (long polling, or --webhook)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help=(
            "take updates on a webhook (WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN/PORT); run "
            "ONE such process: conversation state is read from the database only at start, "
            "so two update processes would split a person's conversation (README, Scale-out)"
        ),
    )
    run.add_argument(
        "--no-outbox", action="store_true", help="do not send the outbox (`wijkbot send` does)"
    )
    run.set_defaults(func=cmd_run)
    sub.add_parser("send", help="only send the outbox (scale-out)").set_defaults(func=cmd_send)
    sub.add_parser("migrate", help="upgrade the database and load areas").set_defaults(
        func=cmd_migrate
    )
    invite = sub.add_parser("invite", help="make an invite link")
    invite.add_argument("--role", required=True, choices=[r.value for r in Role])
    invite.add_argument("--area", default=None, help="area name, code or key, e.g. Haarlemmerbuurt")
    invite.add_argument(
        "--organisation",
        default=None,
        help="--role partner: the organisation's name, key or id, e.g. DOCK Centrum "
        "(its area is the invite's; unknown names list the valid ones)",
    )
    invite.add_argument(
        "--uses",
        type=int,
        default=None,
        help="how many people may use it (coordinator and partner invites: 1 unless given)",
    )
    invite.add_argument(
        "--expires",
        default=None,
        help="valid for e.g. 48h, 14d, 2w (coordinator and partner invites: 7d unless given)",
    )
    invite.add_argument("--qr", default=None, help="also write a QR code PNG to this file")
    invite.add_argument(
        "--bot-username", default=None, help="skip asking Telegram (getMe) for the bot's name"
    )
    invite.set_defaults(func=cmd_invite)
    demo = sub.add_parser("demo", help="try it without a token: a full story, printed")
    demo.add_argument("--lang", choices=["nl", "en"], default="nl")
    demo.add_argument("--verbose", action="store_true", help="show the bot's log too")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script.

    `WIJKBOT_PROFILE=<path>` (for benchmarks, e.g. `benchmarks/broadcast.py --profile`):
    the process runs under cProfile and writes `<path>.<pid>` when it ends normally.
    """
    target = os.environ.get("WIJKBOT_PROFILE")
    if not target:
        return _main(argv)
    import cProfile

    profiler = cProfile.Profile()
    try:
        return profiler.runcall(_main, argv)
    finally:
        profiler.dump_stats(f"{target}.{os.getpid()}")


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationError as exc:
        return _fail(_settings_error(exc))
    except OperationalError as exc:
        return _fail(f"cannot reach the database: {_first_line(exc.orig or exc)}")
    except ArgumentError as exc:  # e.g. a DATABASE_URL that is not a URL
        return _fail(f"DATABASE_URL: {_first_line(exc)}")
    except ValueError as exc:  # e.g. an unsupported database in DATABASE_URL
        return _fail(_first_line(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
