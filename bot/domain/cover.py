"""Cover: a coordinator away ("afwezig tot <datum>") names a stand-in coordinator of the
area, who gets their notices meanwhile (issue 7 item 12; `bot.domain.notices.covered_by`).

Stored on the person: `away_until` (a local date in Europe/Amsterdam, inclusive) and
`stand_in_id`. A stand-in is an active coordinator (signed up, not stopped, reachable)
whose area holds the coordinator's area or lies within it. Cover ends by itself after
`away_until`, or with `end`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.actions import require_coordinator
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.vocabulary import Role
from storage.models import Person

#: The longest cover one can set at once (days from today).
LONGEST_AWAY_DAYS = 60


async def stand_in_candidates(*, session: AsyncSession, coordinator: Person) -> list[Person]:
    """Active coordinators other than `coordinator` whose area holds theirs or lies within
    it, by name. Raises `NotAllowed` when `coordinator` is not a signed-up coordinator."""
    require_coordinator(coordinator)
    rows = await session.scalars(
        select(Person)
        .where(
            Person.role == Role.COORDINATOR,
            Person.id != coordinator.id,
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
            Person.unreachable_at.is_(None),
        )
        .order_by(Person.display_name, Person.id)
    )
    tree = await areas.tree(session)
    return [
        p
        for p in rows.all()
        if tree.within(coordinator.area_id, p.area_id)
        or tree.within(p.area_id, coordinator.area_id)
    ]


async def set_away(
    *,
    session: AsyncSession,
    coordinator: Person,
    until: dt.date,
    stand_in_id: int,
    today: dt.date,
) -> Person:
    """Away up to and including `until` (local date), notices to the stand-in; returns the
    stand-in. Raises `NotAllowed` (not a coordinator), `InvalidInput("until")` (before
    `today` or more than `LONGEST_AWAY_DAYS` ahead), `InvalidInput("stand_in")` (not a
    candidate: another area, inactive, themselves, or a forged id)."""
    if not today <= until <= today + dt.timedelta(days=LONGEST_AWAY_DAYS):
        raise InvalidInput("until")
    candidates = await stand_in_candidates(session=session, coordinator=coordinator)
    stand_in = next((p for p in candidates if p.id == stand_in_id), None)
    if stand_in is None:
        raise InvalidInput("stand_in")
    coordinator.away_until = until
    coordinator.stand_in_id = stand_in.id
    await session.flush()
    return stand_in


async def current(*, session: AsyncSession, coordinator: Person, today: dt.date) -> Person | None:
    """The stand-in while `coordinator` is away on `today`, else None."""
    if coordinator.away_until is None or coordinator.away_until < today:
        return None
    if coordinator.stand_in_id is None:
        return None
    return await session.get(Person, coordinator.stand_in_id)


def end(*, coordinator: Person) -> None:
    """Back: notices go to the coordinator again. Raises `NotAllowed` for a non-coordinator."""
    if coordinator.role != Role.COORDINATOR:
        raise NotAllowed()
    coordinator.away_until = None
    coordinator.stand_in_id = None
