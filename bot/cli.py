"""The `wijkbot` command: run, send, migrate, invite, demo.

Exit codes: 0 fine, 2 configuration or input problem (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from bot.config import Settings

log = logging.getLogger("wijkbot")


def _fail(message: str) -> int:
    print(f"wijkbot: {message}", file=sys.stderr)
    return 2


def _first_line(exc: BaseException) -> str:
    """The first line of an error message (drivers add hints and SQL on further lines)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _settings() -> Settings:
    return Settings()


def _settings_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]).upper() or "settings"
    return f"{field}: {first['msg']}"


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

    settings = _settings()
    token = _token_or_fail(settings)
    if token is None:
        return 2
    if args.webhook and (settings.webhook_url is None or settings.webhook_secret is None):
        return _fail("--webhook needs WEBHOOK_URL and WEBHOOK_SECRET (see .env.example)")
    try:
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
    """Play the whole story against a fake Bot API server and print the transcripts."""
    from bot.demo import run_demo

    return asyncio.run(run_demo(lang=args.lang, verbose=args.verbose))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the tests)."""
    parser = argparse.ArgumentParser(prog="wijkbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (long polling, or --webhook)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="take updates on a webhook (WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN/PORT)",
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
    invite.add_argument("--role", required=True, choices=["coordinator", "volunteer", "resident"])
    invite.add_argument(
        "--area", required=True, help="area name, code or key, e.g. Haarlemmerbuurt"
    )
    invite.add_argument("--uses", type=int, default=None, help="how many people may use it")
    invite.add_argument("--expires", default=None, help="valid for e.g. 48h, 14d, 2w")
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
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationError as exc:
        return _fail(_settings_error(exc))
    except OperationalError as exc:
        return _fail(f"cannot reach the database: {_first_line(exc.orig or exc)}")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
