"""After coupling: who sees which couples, the kennismaking (first meeting) the owner plans,
and ending a couple from chat (issue 6 §3-4). Check-ins themselves: `checkins`.

Messages queued: coupling_kennismaking {"couple_id", "at", "place"} to both sides when it
is planned, and coupling_kennismaking_reminder (same args) to both, `REMINDER_BEFORE` before it (not
after the meeting; re-planning moves both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, outbox
from bot.domain.coupling import couples
from bot.domain.coupling import requests as requests_
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import CouplingMessageKind, Role
from storage.models import Couple, HelpRequest, Person

#: The reminder of a kennismaking comes this long before it.
REMINDER_BEFORE = dt.timedelta(hours=24)
#: Longest meeting place (the column's length).
PLACE_MAX = 120


@dataclass(frozen=True)
class CoupleSummary:
    """A couple as a list shows it: ids, first names, since (aware UTC), whether the reader
    is one of its sides, and the planned kennismaking (when, where) if any."""

    couple_id: int
    volunteer_name: str
    resident_name: str
    since: dt.datetime
    is_side: bool
    meeting_at: dt.datetime | None
    meeting_place: str | None


async def _summary(session: AsyncSession, couple: Couple, reader_id: int) -> CoupleSummary:
    volunteer = await session.get(Person, couple.volunteer_id)
    resident = await session.get(Person, couple.resident_id)
    return CoupleSummary(
        couple.id,
        volunteer.display_name if volunteer else "?",
        resident.display_name if resident else "?",
        couple.since,
        reader_id in (couple.volunteer_id, couple.resident_id),
        couple.meeting_at,
        couple.meeting_place,
    )


async def visible_couples(*, session: AsyncSession, person: Person) -> list[CoupleSummary]:
    """Couples that have not ended and that the person may see: their own (as a side),
    and for a coordinator every couple whose request lies in their area. Oldest first."""
    own = (Couple.volunteer_id == person.id) | (Couple.resident_id == person.id)
    stmt = select(Couple).where(Couple.ended_at.is_(None))
    if person.role == Role.COORDINATOR and person.onboarded_at is not None:
        tree = await areas.tree(session)
        scope = tree.descendant_ids(person.area_id)
        stmt = stmt.join(HelpRequest, HelpRequest.id == Couple.request_id).where(
            own | HelpRequest.area_id.in_(scope)
        )
    else:
        stmt = stmt.where(own)
    rows = await session.scalars(stmt.order_by(Couple.since, Couple.id))
    return [await _summary(session, couple, person.id) for couple in rows.all()]


async def couple_for(*, session: AsyncSession, couple_id: int, person: Person) -> CoupleSummary:
    """One couple the person may act on (a side, or a coordinator of its area).
    Raises `NotFound`, `NotAllowed`."""
    couple = await session.get(Couple, couple_id)
    if couple is None or couple.ended_at is not None:
        raise NotFound()
    if person.id not in (couple.volunteer_id, couple.resident_id):
        request = await requests_.get_request(session=session, request_id=couple.request_id)
        await requests_.require_area_coordinator(session=session, person=person, request=request)
    return await _summary(session, couple, person.id)


async def plan_kennismaking(
    *,
    session: AsyncSession,
    couple_id: int,
    coordinator: Person,
    when: dt.datetime,
    place: str,
    now: dt.datetime,
) -> Couple:
    """The owner (or another coordinator of the area) plans the kennismaking: both sides
    get it now and a reminder `REMINDER_BEFORE` before (when that is still ahead).
    Planning again replaces time and place and tells both again.
    Raises `NotFound`, `NotAllowed`, `InvalidInput("when")` (not in the future),
    `InvalidInput("place")` (empty or longer than 120 characters)."""
    couple = await session.scalar(select(Couple).where(Couple.id == couple_id).with_for_update())
    if couple is None or couple.ended_at is not None:
        raise NotFound()
    request = await requests_.get_request(session=session, request_id=couple.request_id)
    await requests_.require_area_coordinator(session=session, person=coordinator, request=request)
    clean = " ".join(place.split())
    if not clean or len(clean) > PLACE_MAX:
        raise InvalidInput("place")
    if when <= now:
        raise InvalidInput("when")
    couple.meeting_at = when
    couple.meeting_place = clean
    version = int(when.timestamp())
    args = {"couple_id": couple.id, "at": when.isoformat(), "place": clean}
    await cancel_reminders(session=session, couple=couple)  # of an earlier plan
    for person_id in (couple.volunteer_id, couple.resident_id):
        person = await session.get(Person, person_id)
        if person is None:
            continue
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=CouplingMessageKind.KENNISMAKING,
            due_at=now,
            dedup_key=f"{CouplingMessageKind.KENNISMAKING}:{couple.id}:{version}:{person.id}",
            args=args,
            now=now,
        )
        remind_at = when - REMINDER_BEFORE
        if remind_at > now:
            await outbox.enqueue(
                session=session,
                person=person,
                message_key=CouplingMessageKind.KENNISMAKING_REMINDER,
                due_at=remind_at,
                not_after=when,
                dedup_key=(
                    f"{CouplingMessageKind.KENNISMAKING_REMINDER}:{couple.id}:{version}:{person.id}"
                ),
                args=args,
                now=now,
            )
    await session.flush()
    return couple


async def cancel_reminders(*, session: AsyncSession, couple: Couple) -> None:
    """Cancel the couple's pending kennismaking reminders, both sides' (found by their
    dedup key `coupling_kennismaking_reminder:<couple>:...`, so also the one routed to
    the contact of a resident without Telegram, and never another couple's)."""
    await outbox.cancel_pending(
        session=session,
        dedup_prefix=f"{CouplingMessageKind.KENNISMAKING_REMINDER}:{couple.id}:",
        message_keys=[CouplingMessageKind.KENNISMAKING_REMINDER],
    )


async def end(
    *, session: AsyncSession, couple_id: int, by: Person, reopen: bool, now: dt.datetime
) -> Couple:
    """End a couple from chat (`couples.end_couple`: a side or a coordinator of the area;
    the request reopens or closes; the others are told) and cancel its reminders.
    Raises `NotFound` (also when it has ended already: a stale press), `NotAllowed`."""
    current = await session.get(Couple, couple_id)
    if current is None or current.ended_at is not None:
        raise NotFound()
    couple = await couples.end_couple(
        session=session, couple_id=couple_id, by=by, reopen=reopen, now=now
    )
    await cancel_reminders(session=session, couple=couple)
    return couple


async def end_for_erasure(*, session: AsyncSession, person: Person, now: dt.datetime) -> int:
    """Before erasure: cancel the reminders of the person's couples, then end them kindly
    (`couples.end_for_erasure`). Returns the number of couples ended."""
    for couple in await couples.active_couples(session=session, person_id=person.id):
        await cancel_reminders(session=session, couple=couple)
    return await couples.end_for_erasure(session=session, person=person, now=now)


def require_side_or_coordinator(person: Person | None) -> Person:
    """Someone signed up who may hold couples; raises `NotAllowed` otherwise."""
    if person is None or person.onboarded_at is None:
        raise NotAllowed()
    return person
