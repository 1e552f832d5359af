"""A volunteer's own upcoming actions (/mijnacties): what they answered and where they stand.

Rules (issue 8, item 1): every action the person answered (Ja, Misschien or Nee) that is
not cancelled and has not started yet (answers close at the start, see
`bot.domain.rsvp.answer`), soonest first; with the answer, the place status and, on the
waiting list, the 1-based position. At most `limit` are returned (default 10, so the list
fits in Telegram's chat without flooding it); `more` counts the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.rsvp import RsvpOutcome, require_active, waitlist_position
from bot.domain.vocabulary import ActionStatus, PlaceStatus
from storage.models import Action, Person, Rsvp

DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class MyActions:
    """The person's upcoming answered actions.

    items: one `RsvpOutcome` per action (changed=False; `area_name` and
    `waitlist_position` filled), soonest first; more: how many more there are beyond them.
    """

    items: list[RsvpOutcome]
    more: int


async def upcoming(
    *, session: AsyncSession, person: Person | None, now: dt.datetime, limit: int = DEFAULT_LIMIT
) -> MyActions:
    """The upcoming actions `person` answered, at most `limit` (soonest first).

    `now` is aware UTC. Raises `NotSignedUp` / `MessagesStopped` (see
    `bot.domain.rsvp.require_active`).
    """
    person = require_active(person)
    where = (
        Rsvp.person_id == person.id,
        Action.status == ActionStatus.OPEN,
        Action.starts_at > now,
    )
    total = await session.scalar(
        select(func.count())
        .select_from(Rsvp)
        .join(Action, Action.id == Rsvp.action_id)
        .where(*where)
    )
    rows = await session.execute(
        select(Action, Rsvp)
        .join(Rsvp, Rsvp.action_id == Action.id)
        .where(*where)
        .order_by(Action.starts_at, Action.id)
        .limit(limit)
    )
    tree = await areas.tree(session)
    items = []
    for action, rsvp in rows.all():
        position = None
        if rsvp.status == PlaceStatus.WAITLISTED:
            position = await waitlist_position(session=session, action_id=action.id, rsvp=rsvp)
        items.append(
            RsvpOutcome(
                action,
                rsvp.answer,
                rsvp.status,
                False,
                position,
                area_name=tree.name(action.area_id),
            )
        )
    return MyActions(items=items, more=max((total or 0) - len(items), 0))


async def holds_places(*, session: AsyncSession, person_id: int, now: dt.datetime) -> bool:
    """True when the person has a place or a waiting-list place (answer Ja) on an open action
    that has not started at `now` (aware UTC): erasing them gives those places to others."""
    found = await session.scalar(
        select(Rsvp.id)
        .join(Action, Action.id == Rsvp.action_id)
        .where(
            Rsvp.person_id == person_id,
            Rsvp.status.in_([PlaceStatus.CONFIRMED, PlaceStatus.WAITLISTED]),
            Action.status == ActionStatus.OPEN,
            Action.starts_at > now,
        )
        .limit(1)
    )
    return found is not None
