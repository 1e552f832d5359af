"""/koppelen: a set of proposals for all open requests of a coordinator's area at once
(issue 6 §5), named for review, then sent with one tap.

The plan itself is `assignment.plan_area` (exact, scipy). This module adds the names the
coordinator reviews, and sends the pairs they kept through `proposals.propose`, which checks
every pair again (a request proposed or a volunteer taken meanwhile is skipped and
counted, never an error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.coupling import assignment, proposals
from bot.domain.coupling.errors import NotEligible, RequestNotOpen
from bot.domain.errors import NotAllowed, NotFound
from storage.models import HelpRequest, Person


@dataclass(frozen=True)
class PlannedPair:
    """One proposed couple: the request, its resident's first name and area name, the
    volunteer and their first name, the score."""

    request_id: int
    resident_name: str
    place: str
    volunteer_id: int
    volunteer_name: str
    score: int


@dataclass(frozen=True)
class Unassigned:
    """An open request no volunteer can take now: id, resident's first name, area name."""

    request_id: int
    resident_name: str
    place: str


@dataclass(frozen=True)
class BulkPlan:
    """The plan to review: pairs (by request id) and the requests nobody can take."""

    pairs: list[PlannedPair]
    unassigned: list[Unassigned]


async def _who(session: AsyncSession, request_id: int) -> tuple[str, str]:
    request = await session.get(HelpRequest, request_id)
    if request is None:
        return "?", "?"
    resident = await session.get(Person, request.person_id)
    tree = await areas.tree(session)
    return (resident.display_name if resident else "?"), tree.name(request.area_id)


async def plan(*, session: AsyncSession, coordinator: Person, now: dt.datetime) -> BulkPlan:
    """The best set of couples for the open requests of the coordinator's area, with names.
    Raises `NotAllowed` for anyone but an onboarded coordinator."""
    found = await assignment.plan_area(session=session, coordinator=coordinator, now=now)
    pairs = []
    for request_id, volunteer_id, score in found.pairs:
        resident_name, place = await _who(session, request_id)
        volunteer = await session.get(Person, volunteer_id)
        pairs.append(
            PlannedPair(
                request_id,
                resident_name,
                place,
                volunteer_id,
                volunteer.display_name if volunteer else "?",
                score,
            )
        )
    unassigned = []
    for request_id in found.unassigned:
        resident_name, place = await _who(session, request_id)
        unassigned.append(Unassigned(request_id, resident_name, place))
    return BulkPlan(pairs, unassigned)


@dataclass(frozen=True)
class Sent:
    """How many proposals went out, and how many pairs were no longer possible."""

    sent: int
    skipped: int


async def send(
    *,
    session: AsyncSession,
    coordinator: Person,
    pairs: Iterable[tuple[int, int]],
    now: dt.datetime,
) -> Sent:
    """Propose each (request id, volunteer id) pair (`proposals.propose`, in a SAVEPOINT
    each, so one refused pair leaves nothing half-written). Pairs refused now (request no
    longer open, volunteer no longer eligible, gone) are skipped and counted.
    Raises `NotAllowed` for anyone but a coordinator."""
    if coordinator.role != "coordinator" or coordinator.onboarded_at is None:
        raise NotAllowed()
    sent = skipped = 0
    for request_id, volunteer_id in pairs:
        try:
            async with session.begin_nested():
                await proposals.propose(
                    session=session,
                    request_id=request_id,
                    volunteer_id=volunteer_id,
                    coordinator=coordinator,
                    now=now,
                )
        except (NotFound, NotAllowed, RequestNotOpen, NotEligible):
            skipped += 1
            continue
        sent += 1
    return Sent(sent, skipped)


async def describe(*, session: AsyncSession, pairs: Iterable[tuple[int, int]]) -> list[PlannedPair]:
    """Names for stored (request id, volunteer id) pairs (a plan kept between presses holds
    ids only); a person erased meanwhile shows as '?' and the pair will be skipped."""
    result = []
    for request_id, volunteer_id in pairs:
        resident_name, place = await _who(session, request_id)
        volunteer = await session.get(Person, volunteer_id)
        name = volunteer.display_name if volunteer else "?"
        result.append(PlannedPair(request_id, resident_name, place, volunteer_id, name, 0))
    return result
