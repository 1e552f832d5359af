"""Flyers: each flyer gets its own invite and a short label (where it hangs), and every
sign-up remembers the invite it came through, so the overview can say "3 via Bibliotheek".

The label is chosen by a coordinator and shown in overviews and CSV exports; it must name a
place, never a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.actions import may_manage
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.invites import create_invite
from bot.domain.vocabulary import Role
from storage.models import Area, Flyer, Person, SignUp

LABEL_MIN, LABEL_MAX = 2, 40
FLYER_ROLES = (Role.VOLUNTEER, Role.RESIDENT)
#: A flyer hangs for weeks; 90 days unless the coordinator says otherwise (our choice).
DEFAULT_VALID_FOR = dt.timedelta(days=90)


@dataclass(frozen=True)
class NewFlyer:
    """A created flyer: its id, label, role, area, and the invite token (shown once)."""

    flyer_id: int
    invite_id: int
    label: str
    role: str
    area_id: int
    token: str
    expires_at: dt.datetime | None


def clean_label(label: str) -> str:
    """The label trimmed to single spaces; raises `InvalidInput('label')` unless it has
    2-40 characters."""
    clean = " ".join(label.split())
    if not LABEL_MIN <= len(clean) <= LABEL_MAX:
        raise InvalidInput("label", f"{LABEL_MIN}-{LABEL_MAX} characters")
    return clean


async def create_flyer(
    *,
    session: AsyncSession,
    coordinator: Person,
    area: Area,
    role: str,
    label: str,
    now: dt.datetime,
    valid_for: dt.timedelta = DEFAULT_VALID_FOR,
    max_uses: int | None = None,
) -> NewFlyer:
    """Create an invite for volunteers or residents of `area` and a flyer with `label`.

    Raises `NotAllowed` (not an onboarded coordinator of that area), `InvalidInput` with
    field 'role' (only volunteer or resident), 'label', or as `create_invite` does.
    """
    if coordinator.onboarded_at is None or not await may_manage(
        session=session, person=coordinator, area_id=area.id
    ):
        raise NotAllowed()
    if role not in FLYER_ROLES:
        raise InvalidInput("role")
    clean = clean_label(label)
    new = await create_invite(
        session=session,
        role=role,
        area=area,
        now=now,
        max_uses=max_uses,
        valid_for=valid_for,
        created_by_id=coordinator.id,
    )
    flyer = Flyer(invite_id=new.invite.id, label=clean, created_at=now)
    session.add(flyer)
    await session.flush()
    return NewFlyer(
        flyer_id=flyer.id,
        invite_id=new.invite.id,
        label=clean,
        role=role,
        area_id=area.id,
        token=new.token,
        expires_at=new.invite.expires_at,
    )


async def record_sign_up(
    *, session: AsyncSession, person: Person, invite_id: int, now: dt.datetime
) -> None:
    """Remember which invite `person` signed up with (call right after registering).

    The row is deleted with the person (ON DELETE CASCADE); it is personal data (which
    flyer someone came through), so a data export must list it.
    """
    session.add(SignUp(person_id=person.id, invite_id=invite_id, created_at=now))
    await session.flush()


async def create_flyer_in(
    *,
    session: AsyncSession,
    coordinator: Person,
    area_id: int,
    role: str,
    label: str,
    now: dt.datetime,
) -> tuple[NewFlyer, str]:
    """`create_flyer` for an area given by id; returns the flyer and the area's name.

    Raises `NotFound` (no such area) and as `create_flyer`.
    """
    area = await session.get(Area, area_id)
    if area is None:
        raise NotFound()
    made = await create_flyer(
        session=session, coordinator=coordinator, area=area, role=role, label=label, now=now
    )
    return made, area.name
