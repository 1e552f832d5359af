"""Invite links: create, check and redeem.

A token is 16 random bytes (128 bits, `secrets.token_urlsafe`) in base64url: 22
characters, well inside Telegram's deep-link limit of 64 characters from [A-Za-z0-9_-]
(Bot API docs, "Deep linking"). Only its SHA-256 is stored, so a database leak does not
leak usable links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidInput, InviteExpired, InviteInvalid, InviteUsedUp
from bot.domain.tasks import ROLES
from storage.models import Area, Invite

TOKEN_BYTES = 16
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # Telegram's deep-link payload alphabet
MAX_USES_LIMIT = 10_000
MAX_VALID_FOR = dt.timedelta(days=366)
DURATION_RE = re.compile(r"([0-9]{1,4})([hdw])")


def hash_token(token: str) -> str:
    """Hex SHA-256 of the token (64 characters)."""
    return hashlib.sha256(token.encode()).hexdigest()


def parse_duration(text: str) -> dt.timedelta:
    """'48h', '14d', '2w' -> timedelta. Raises `InvalidInput('expires')` otherwise."""
    match = DURATION_RE.fullmatch(text.strip().lower())
    if not match:
        raise InvalidInput("expires", "use a number and h, d or w, e.g. 14d")
    number, unit = int(match[1]), match[2]
    delta = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}[
        unit
    ] * number
    if not dt.timedelta(hours=1) <= delta <= MAX_VALID_FOR:
        raise InvalidInput("expires", "between 1 hour and 366 days")
    return delta


@dataclass(frozen=True)
class NewInvite:
    """A created invite and its token (shown once, never stored)."""

    invite: Invite
    token: str


async def create_invite(
    *,
    session: AsyncSession,
    role: str,
    area: Area,
    now: dt.datetime,
    max_uses: int | None = None,
    valid_for: dt.timedelta | None = None,
    created_by_id: int | None = None,
) -> NewInvite:
    """Create an invite that fixes role and area.

    Raises `InvalidInput` for an unknown role, max_uses outside 1..10000 or a validity
    outside 1 hour..366 days.
    """
    if role not in ROLES:
        raise InvalidInput("role")
    if max_uses is not None and not 1 <= max_uses <= MAX_USES_LIMIT:
        raise InvalidInput("uses")
    if valid_for is not None and not dt.timedelta(hours=1) <= valid_for <= MAX_VALID_FOR:
        raise InvalidInput("expires")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invite = Invite(
        token_hash=hash_token(token),
        role=role,
        area_id=area.id,
        max_uses=max_uses,
        uses=0,
        expires_at=now + valid_for if valid_for else None,
        created_by_id=created_by_id,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    return NewInvite(invite=invite, token=token)


async def check_invite(*, session: AsyncSession, token: str, now: dt.datetime) -> Invite:
    """The invite for a token if it can still be used; changes nothing.

    Raises `InviteInvalid` (unknown or malformed), `InviteExpired`, `InviteUsedUp`.
    """
    if not TOKEN_RE.fullmatch(token):
        raise InviteInvalid()
    invite = await session.scalar(select(Invite).where(Invite.token_hash == hash_token(token)))
    return _usable(invite, now)


async def check_invite_id(*, session: AsyncSession, invite_id: int, now: dt.datetime) -> Invite:
    """Like `check_invite`, by the invite's id (what sign-up state keeps instead of the raw
    token, so the database never holds a usable token). Raises like `check_invite`."""
    return _usable(await session.get(Invite, invite_id), now)


def _usable(invite: Invite | None, now: dt.datetime) -> Invite:
    if invite is None:
        raise InviteInvalid()
    if invite.expires_at is not None and invite.expires_at <= now:
        raise InviteExpired()
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise InviteUsedUp()
    return invite


async def redeem_invite(
    *,
    session: AsyncSession,
    now: dt.datetime,
    token: str | None = None,
    invite_id: int | None = None,
) -> Invite:
    """Check the invite (by token or by id) and count one use, atomically.

    The use is counted with a conditional UPDATE (`uses < max_uses`), so two people
    redeeming the last use at once cannot both succeed; the CHECK constraint backs it up.
    Raises like `check_invite`; `InviteInvalid` when neither token nor id is given.
    """
    if token is not None:
        invite = await check_invite(session=session, token=token, now=now)
    elif invite_id is not None:
        invite = await check_invite_id(session=session, invite_id=invite_id, now=now)
    else:
        raise InviteInvalid()
    result = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id)
        .where((Invite.max_uses.is_(None)) | (Invite.uses < Invite.max_uses))
        .values(uses=Invite.uses + 1)
    )
    if result.rowcount != 1:
        raise InviteUsedUp()
    await session.refresh(invite)
    return invite


async def redeem_invite_id(*, session: AsyncSession, invite_id: int, now: dt.datetime) -> Invite:
    """Like `redeem_invite`, for an invite already checked by its token (sign-up keeps only
    the invite id between steps, never the raw token). Raises like `check_invite`."""
    invite = await session.get(Invite, invite_id)
    if invite is None:
        raise InviteInvalid()
    if invite.expires_at is not None and invite.expires_at <= now:
        raise InviteExpired()
    result = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id)
        .where((Invite.max_uses.is_(None)) | (Invite.uses < Invite.max_uses))
        .values(uses=Invite.uses + 1)
    )
    if result.rowcount != 1:
        raise InviteUsedUp()
    await session.refresh(invite)
    return invite
