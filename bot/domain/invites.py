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
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.areas import AreaNode
from bot.domain.errors import (
    InvalidInput,
    InviteExpired,
    InviteInvalid,
    InviteUsedUp,
    NotAllowed,
    NotFound,
)
from bot.domain.tasks import ROLES
from bot.domain.vocabulary import Role
from storage.models import Area, Invite, Organisation, Person

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
    area: Area | AreaNode,
    now: dt.datetime,
    max_uses: int | None = None,
    valid_for: dt.timedelta | None = None,
    created_by_id: int | None = None,
    organisation_id: int | None = None,
) -> NewInvite:
    """Create an invite that fixes role and area (and, for a partner, the organisation).

    Raises `InvalidInput` for an unknown role, max_uses outside 1..10000, a validity
    outside 1 hour..366 days, or an organisation given for anyone but a partner (or none
    for a partner: "organisation").
    """
    if role not in ROLES:
        raise InvalidInput("role")
    if (role == Role.PARTNER) != (organisation_id is not None):
        raise InvalidInput("organisation")
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
        organisation_id=organisation_id,
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


# --- The invite policy: one place for the chat (/uitnodigen) and the command line ----------

CHAT_VALID_FOR = dt.timedelta(days=30)
"""How long an invite made in the chat works (flyers are printed and handed out for weeks)."""


class _Policy:
    """Marker: "use the policy's value" (distinct from None, which means "no limit")."""

    def __repr__(self) -> str:
        return "POLICY"


POLICY: Any = _Policy()


def policy_uses(role: str) -> int | None:
    """Uses of an invite made in the chat: one for a coordinator or partner invite (it gives
    someone a role with more rights, so it is meant for one person), unlimited for
    volunteers and residents (a flyer link)."""
    return 1 if role in (Role.COORDINATOR, Role.PARTNER) else None


@dataclass(frozen=True)
class CreatedInvite:
    """A new invite as the views show it. `token` is shown once and never stored;
    `expires_at` is aware UTC (None: never); `max_uses` None: unlimited."""

    token: str
    role: Role
    area_id: int
    area_name: str
    max_uses: int | None
    expires_at: dt.datetime | None
    organisation_name: str | None = None


async def create_by_coordinator(
    *,
    session: AsyncSession,
    coordinator: Person | None,
    role: str,
    area_id: int,
    now: dt.datetime,
    max_uses: int | None = POLICY,
    valid_for: dt.timedelta | None = POLICY,
    organisation_id: int | None = None,
) -> CreatedInvite:
    """Create an invite under the one policy (role, area scope, uses, expiry).

    A partner invite names an organisation (`organisation_id`) instead of choosing an area:
    its area is the organisation's, and a coordinator may only name one that serves their
    area (its area holds theirs, or lies within it).

    `coordinator` is the coordinator making it in the chat: the area must be theirs or lie
    below it. None is the operator on the command line (`wijkbot invite`), who may invite
    for any area. `max_uses` and `valid_for` default to the policy (`policy_uses`,
    `CHAT_VALID_FOR`); None means unlimited / never expiring.

    Raises `NotAllowed` when `coordinator` is not a signed-up coordinator, `NotFound` for an
    unknown area or one outside theirs (one answer for both: a forged id tells nothing),
    and `InvalidInput` for an unknown role, uses outside 1..10000 or a validity outside
    1 hour..366 days.
    """
    if role not in set(Role):
        raise InvalidInput("role")
    tree = await areas.tree(session)
    organisation = None
    if role == Role.PARTNER:
        organisation = await session.get(Organisation, organisation_id or 0)
        if organisation is None:
            raise NotFound()
        area_id = organisation.area_id
        if coordinator is not None and not (
            tree.within(area_id, coordinator.area_id) or tree.within(coordinator.area_id, area_id)
        ):
            raise NotFound()
    area = tree.get(area_id)
    if coordinator is not None:
        if coordinator.role != Role.COORDINATOR or coordinator.onboarded_at is None:
            raise NotAllowed()
        if area is None or (organisation is None and not tree.within(area_id, coordinator.area_id)):
            raise NotFound()
    if area is None:
        raise NotFound()
    uses = policy_uses(role) if max_uses is POLICY else max_uses
    valid = CHAT_VALID_FOR if valid_for is POLICY else valid_for
    new = await create_invite(
        session=session,
        role=role,
        area=area,
        now=now,
        max_uses=uses,
        valid_for=valid,
        created_by_id=coordinator.id if coordinator is not None else None,
        organisation_id=organisation.id if organisation is not None else None,
    )
    return CreatedInvite(
        token=new.token,
        role=Role(role),
        area_id=area.id,
        area_name=area.name,
        max_uses=uses,
        expires_at=new.invite.expires_at,
        organisation_name=organisation.name if organisation is not None else None,
    )


@dataclass(frozen=True)
class AreaChoice:
    """One button of the invite's area menu: the area and whether it has parts to open."""

    area: AreaNode
    has_parts: bool


@dataclass(frozen=True)
class AreaMenu:
    """The area menu at `node`: its parts, and the parent to go back to (None at the
    coordinator's own area, which is as far up as they may go)."""

    node: AreaNode
    parts: list[AreaChoice]
    back_to: int | None


async def area_menu(*, session: AsyncSession, coordinator: Person, area_id: int | None) -> AreaMenu:
    """The areas a coordinator may invite for, opened at `area_id` (None: their own area).

    Raises `NotAllowed` for anyone but a signed-up coordinator and `NotFound` for an area
    outside theirs or unknown (one answer for both).
    """
    if coordinator.role != Role.COORDINATOR or coordinator.onboarded_at is None:
        raise NotAllowed()
    tree = await areas.tree(session)
    wanted = coordinator.area_id if area_id is None else area_id
    node = tree.get(wanted)
    if node is None or not tree.within(wanted, coordinator.area_id):
        raise NotFound()
    parts = [AreaChoice(kid, bool(tree.children_of(kid.id))) for kid in tree.children_of(node.id)]
    back = node.parent_id if node.id != coordinator.area_id else None
    return AreaMenu(node=node, parts=parts, back_to=back)


async def partner_organisations(
    *, session: AsyncSession, coordinator: Person
) -> list[Organisation]:
    """The organisations a coordinator may make a partner invite for (those serving their
    area: the organisation's area holds theirs or lies within it), by name.
    Raises `NotAllowed` for anyone but a signed-up coordinator."""
    if coordinator.role != Role.COORDINATOR or coordinator.onboarded_at is None:
        raise NotAllowed()
    tree = await areas.tree(session)
    rows = await session.scalars(select(Organisation).order_by(Organisation.name, Organisation.id))
    return [
        org
        for org in rows.all()
        if tree.within(org.area_id, coordinator.area_id)
        or tree.within(coordinator.area_id, org.area_id)
    ]
