"""Assisted sign-up at the klaptafel (issue 10, item 6).

A volunteer with a confirmed place on an action that is going on shows a one-time link /
QR code on their phone to a resident they met. The invite is for the resident role only,
for the action's area (its buurt), works once, for `VALID_FOR`, and belongs to the action
(`invite.action_id`), so the sign-up is attributed and logged to it (`sign_up.invite_id`).
The resident still reads and agrees to what is stored on their own phone (the normal
sign-up). At most `CAP_PER_ACTION` such invites per action (all volunteers together).

Our choices (no external source): three hours covers a klaptafel afternoon; 20 per action
is well above what one street stand brings (the story in the README counts 3) and stops a
lost phone from becoming an open door.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.errors import ActionCancelled, DomainError, NotAllowed, NotFound
from bot.domain.invites import create_invite
from bot.domain.vocabulary import ActionStatus, PlaceStatus, Role
from storage.models import Action, Invite, Person, Rsvp

VALID_FOR = dt.timedelta(hours=3)
CAP_PER_ACTION = 20
#: An assisted sign-up can be made from this long before the start until the end.
OPENS_BEFORE = dt.timedelta(minutes=30)


class AssistedClosed(DomainError):
    """The action is not going on now (before it opens or after its end)."""


class AssistedCapReached(DomainError):
    """The action already has `CAP_PER_ACTION` assisted sign-up invites."""


@dataclass(frozen=True)
class AssistedInvite:
    """A one-time resident invite for an action: the token (shown once), its expiry
    (aware UTC), the area's name and how many more the action may have."""

    token: str
    expires_at: dt.datetime
    area_name: str
    left: int


async def create_assisted_invite(
    *, session: AsyncSession, volunteer: Person, action_id: int, now: dt.datetime
) -> AssistedInvite:
    """Make the one-time invite (see module docstring). `now` is aware UTC.

    Raises `NotFound` (no action), `NotAllowed` (not an onboarded volunteer with a confirmed
    place), `ActionCancelled`, `AssistedClosed`, `AssistedCapReached`.
    """
    action = await session.get(Action, action_id, with_for_update=True)
    if action is None:
        raise NotFound()
    status = await session.scalar(
        select(Rsvp.status).where(Rsvp.action_id == action.id, Rsvp.person_id == volunteer.id)
    )
    if (
        volunteer.role != Role.VOLUNTEER
        or volunteer.onboarded_at is None
        or status != PlaceStatus.CONFIRMED
    ):
        raise NotAllowed()
    if action.status == ActionStatus.CANCELLED:
        raise ActionCancelled()
    if not action.starts_at - OPENS_BEFORE <= now <= action.ends_at:
        raise AssistedClosed()
    made = await session.scalar(
        select(func.count()).select_from(Invite).where(Invite.action_id == action.id)
    )
    if (made or 0) >= CAP_PER_ACTION:
        raise AssistedCapReached()
    tree = await areas.tree(session)
    node = tree.get(action.area_id)
    assert node is not None
    new = await create_invite(
        session=session,
        role=Role.RESIDENT,
        area=node,
        now=now,
        max_uses=1,
        valid_for=VALID_FOR,
        created_by_id=volunteer.id,
    )
    new.invite.action_id = action.id
    await session.flush()
    assert new.invite.expires_at is not None
    return AssistedInvite(
        token=new.token,
        expires_at=new.invite.expires_at,
        area_name=node.name,
        left=CAP_PER_ACTION - (made or 0) - 1,
    )
