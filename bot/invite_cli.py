"""`wijkbot invite`: create an invite from the command line (for the first coordinator)."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
from zoneinfo import ZoneInfo

import segno
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot

from bot.callbacks import MAX_ID
from bot.clock import Clock
from bot.config import Settings
from bot.domain.errors import InvalidInput
from bot.domain.invites import create_by_coordinator, parse_duration
from bot.domain.vocabulary import Role
from bot.runtime import ensure_schema
from storage.areas import all_areas, find_area
from storage.db import Database
from storage.models import Area, Organisation

COORDINATOR_DEFAULT_USES = 1
COORDINATOR_DEFAULT_EXPIRES = "7d"


def local_time(when: dt.datetime, tz: ZoneInfo) -> str:
    """'2026-12-06 23:27 CET (Europe/Amsterdam)': a UTC moment on the deployment's clock."""
    local = when.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({tz.key})"


def unknown_area(given: str, names: list[str]) -> str:
    """One line: the area is unknown, the closest names, then every valid name."""
    close = difflib.get_close_matches(given, names, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    return f"unknown area {given!r}{hint}; valid names: {', '.join(sorted(set(names)))}"


def unknown_organisation(given: str, names: list[str]) -> str:
    """One line: the organisation is unknown, the closest names, then every valid name."""
    close = difflib.get_close_matches(given, names, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    return f"unknown organisation {given!r}{hint}; valid names: {', '.join(sorted(set(names)))}"


async def find_organisation(session: AsyncSession, given: str) -> Organisation | None:
    """The organisation named by `given`: its id (digits), key or name (case-insensitive,
    surrounding spaces ignored), as loaded from the organisations file (ORGANISATIONS_FILE)
    or added by a coordinator. None when nothing matches, also for an id past the 32-bit
    id column (`MAX_ID`) or digits that are not ASCII ('²')."""
    wanted = given.strip()
    if wanted.isascii() and wanted.isdigit():
        number = int(wanted)
        return await session.get(Organisation, number) if number <= MAX_ID else None
    rows = (await session.scalars(select(Organisation).order_by(Organisation.id))).all()
    for row in rows:
        if wanted.casefold() in ((row.key or "").casefold(), row.name.casefold()):
            return row
    return None


async def _target(session: AsyncSession, args: argparse.Namespace) -> tuple[Area, int | None]:
    """The invite's area and, for a partner invite, its organisation's id. A partner invite
    names its organisation (`--organisation`; its area is the organisation's); every other
    role names its area (`--area`). Raises `ValueError` (one line) for a missing or unknown
    name, listing the valid ones."""
    if args.role == Role.PARTNER:
        if not args.organisation:
            raise ValueError("--role partner needs --organisation <name or id>")
        organisation = await find_organisation(session, args.organisation)
        if organisation is None:
            names = (await session.scalars(select(Organisation.name))).all()
            raise ValueError(unknown_organisation(args.organisation, list(names)))
        area = await session.get(Area, organisation.area_id)
        assert area is not None  # organisation.area_id is a foreign key
        return area, organisation.id
    if args.organisation:
        raise ValueError("--organisation is only for --role partner")
    if not args.area:
        raise ValueError(f"--role {args.role} needs --area <name>")
    area = await find_area(session, args.area)
    if area is None:
        raise ValueError(unknown_area(args.area, [a.name for a in await all_areas(session)]))
    return area, None


def deep_link(bot_username: str, token: str) -> str:
    """https://t.me/<bot>?start=<token> (Telegram's deep-link form)."""
    return f"https://t.me/{bot_username}?start={token}"


async def _bot_username(settings: Settings, given: str | None) -> str:
    if given:
        return given.lstrip("@")
    if settings.telegram_bot_token is None:
        raise ValueError("give --bot-username, or set TELEGRAM_BOT_TOKEN so I can ask Telegram")
    bot = Bot(
        settings.telegram_bot_token.get_secret_value().strip(),
        base_url=settings.bot_api_base_url(),
        base_file_url=settings.bot_api_file_url(),
    )
    async with bot:
        return bot.username


async def create_invite_link(settings: Settings, args: argparse.Namespace) -> int:
    """Create the invite, print link and token, optionally write a QR PNG. Returns 0.

    Raises `ValueError` with a one-line explanation for bad input.
    """
    ensure_schema(settings)
    uses, expires_text = args.uses, args.expires
    # safe defaults for the roles that see more than a volunteer: one person, one week (as
    # in the chat); a leaked partner link would give a stranger the organisation's hand-overs
    if args.role in (Role.COORDINATOR, Role.PARTNER):
        uses = COORDINATOR_DEFAULT_USES if uses is None else uses
        expires_text = expires_text or COORDINATOR_DEFAULT_EXPIRES
    try:
        valid_for = parse_duration(expires_text) if expires_text else None
    except InvalidInput as exc:
        raise ValueError(f"--expires: {exc}") from exc
    username = await _bot_username(settings, args.bot_username)
    db = Database(settings.database_url)
    try:
        async with db.begin() as session:
            area, organisation_id = await _target(session, args)
            organisation = (
                await session.get(Organisation, organisation_id) if organisation_id else None
            )
            try:
                # The chat's policy function, as the operator (any area); the flags given
                # here (None: unlimited / no expiry) replace the policy's defaults.
                new = await create_by_coordinator(
                    session=session,
                    coordinator=None,
                    role=args.role,
                    area_id=area.id,
                    now=Clock().now(),
                    max_uses=uses,
                    valid_for=valid_for,
                    organisation_id=organisation_id,
                )
            except InvalidInput as exc:
                raise ValueError(f"--{exc.field}: out of range") from exc
            expires = new.expires_at
    finally:
        await db.dispose()
    link = deep_link(username, new.token)
    whom = f"{args.role} of {organisation.name}" if organisation else args.role
    print(
        f"invite for a {whom} in {area.name}"
        + (f", {uses} use{'s' if uses != 1 else ''}" if uses else ", unlimited uses")
        + (f", valid until {local_time(expires, settings.tz)}" if expires else ", no expiry")
    )
    print(f"link:  {link}")
    print(f"token: {new.token}")
    if args.qr:
        segno.make(link, error="m").save(args.qr, scale=8, border=4)
        print(f"QR code written to {args.qr}")
    return 0
