"""Couples: start, end (by either side or a coordinator of the area), erasure of one side.

Messages queued: coupling_couple_ended {"couple_id" | None, "reason": "ended"|"erased"}
to the other side(s) (and the owner when a side ended it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.coupling import requests as requests_
from bot.domain.coupling.checkins import next_checkin_at
from bot.domain.coupling.vocabulary import MessageKind, RequestStatus
from bot.domain.errors import NotAllowed, NotFound
from storage.models import Couple, HelpRequest, Person


async def start_couple(
    *, session: AsyncSession, request: HelpRequest, volunteer_id: int, now: dt.datetime
) -> Couple:
    """A new couple for the request; the first check-in is due a week from `now`."""
    couple = Couple(
        request_id=request.id,
        volunteer_id=volunteer_id,
        resident_id=request.person_id,
        since=now,
        next_checkin_at=next_checkin_at(now, 1),
        checkins_sent=0,
    )
    session.add(couple)
    await session.flush()
    return couple


async def active_couples(*, session: AsyncSession, person_id: int) -> list[Couple]:
    """The person's couples that have not ended (as volunteer or resident), oldest first."""
    rows = await session.scalars(
        select(Couple)
        .where(
            (Couple.volunteer_id == person_id) | (Couple.resident_id == person_id),
            Couple.ended_at.is_(None),
        )
        .order_by(Couple.since, Couple.id)
    )
    return list(rows)


@dataclass(frozen=True)
class MyCouple:
    """One of a person's running couples, as they see it: the other side's first name and
    since when (aware UTC)."""

    couple_id: int
    other_name: str
    since: dt.datetime


async def my_couples(*, session: AsyncSession, person_id: int) -> list[MyCouple]:
    """The person's running couples (as volunteer or resident), oldest first, each with the
    other side's first name, for /mijnacties."""
    found = []
    for couple in await active_couples(session=session, person_id=person_id):
        other_id = couple.resident_id if couple.volunteer_id == person_id else couple.volunteer_id
        other = await session.get(Person, other_id)
        if other is not None:
            found.append(MyCouple(couple.id, other.display_name, couple.since))
    return found


async def end_own_couple(
    *, session: AsyncSession, couple_id: int, person: Person, now: dt.datetime
) -> Couple:
    """One side ends their couple from /mijnacties. When the volunteer ends it the help
    request opens again (the resident still wants help); when the resident ends it, it
    closes. Raises `NotFound`, `NotAllowed` (not a side: coordinators end couples elsewhere)."""
    couple = await session.get(Couple, couple_id)
    if couple is None:
        raise NotFound()
    require_side(couple, person)
    return await end_couple(
        session=session,
        couple_id=couple_id,
        by=person,
        reopen=person.id == couple.volunteer_id,
        now=now,
    )


async def end_couple(
    *,
    session: AsyncSession,
    couple_id: int,
    by: Person,
    reopen: bool,
    now: dt.datetime,
) -> Couple:
    """End a couple: by its volunteer, its resident or a coordinator of the request's area.
    The request reopens (`reopen`: still needs help) or closes. The other side and the
    owner are told (a resident without Telegram through their contact coordinator; one
    message per reader, none to whoever ended it). Ending an ended couple changes nothing.
    Raises `NotFound`, `NotAllowed`."""
    couple = await session.scalar(select(Couple).where(Couple.id == couple_id).with_for_update())
    if couple is None:
        raise NotFound()
    request = await requests_.get_request(session=session, request_id=couple.request_id, lock=True)
    if by.id not in (couple.volunteer_id, couple.resident_id):
        await requests_.require_area_coordinator(session=session, person=by, request=request)
    if couple.ended_at is not None:
        return couple
    couple.ended_at = now
    couple.ended_by_id = by.id
    couple.next_checkin_at = None
    target = RequestStatus.OPEN if reopen else RequestStatus.CLOSED
    await requests_.set_status(session=session, request=request, to=target, by=by, now=now)
    from bot.domain.coupling.on_behalf import contact_of  # local: on_behalf imports requests

    # Who reads each copy: the resident's goes to their contact when they have no
    # Telegram. Nobody gets it twice, and whoever ended it gets none.
    contact = await contact_of(session=session, resident_id=couple.resident_id)
    told = {by.id}
    for person_id in (couple.volunteer_id, couple.resident_id, request.owner_id):
        offline = contact is not None and person_id == couple.resident_id
        reader = contact.id if offline and contact is not None else person_id
        if person_id is None or reader in told:
            continue
        told.add(reader)
        person = await session.get(Person, person_id)
        if person is not None:
            await outbox.enqueue(
                session=session,
                person=person,
                message_key=MessageKind.COUPLE_ENDED,
                due_at=now,
                dedup_key=f"{MessageKind.COUPLE_ENDED}:{couple.id}:{person.id}",
                args={"couple_id": couple.id, "reason": "ended"},
                now=now,
            )
    await session.flush()
    return couple


async def end_for_erasure(*, session: AsyncSession, person: Person, now: dt.datetime) -> int:
    """Before a person is erased: end their couples kindly and withdraw their proposals.
    The other side gets `coupling_couple_ended` {"couple_id": None, "reason": "erased"} (no
    name: the erased person's details must not outlive them). A request whose volunteer
    left reopens. Returns the number of couples ended."""
    from bot.domain.coupling.proposals import withdraw_pending

    ended = 0
    for couple in await active_couples(session=session, person_id=person.id):
        other_id = couple.resident_id if couple.volunteer_id == person.id else couple.volunteer_id
        couple.ended_at = now
        couple.next_checkin_at = None
        request = await session.get(HelpRequest, couple.request_id)
        if request is not None and couple.volunteer_id == person.id:
            await requests_.set_status(
                session=session, request=request, to=RequestStatus.OPEN, by=None, now=now
            )
        other = await session.get(Person, other_id)
        if other is not None:
            await outbox.enqueue(
                session=session,
                person=other,
                message_key=MessageKind.COUPLE_ENDED,
                due_at=now,
                dedup_key=f"{MessageKind.COUPLE_ENDED}:{couple.id}:{other.id}",
                args={"couple_id": None, "reason": "erased"},
                now=now,
            )
        ended += 1
    requests = await session.scalars(
        select(HelpRequest.id).where(HelpRequest.person_id == person.id)
    )
    for request_id in requests.all():
        await withdraw_pending(session=session, request_id=request_id, now=now)
    await session.flush()
    return ended


def require_side(couple: Couple, person: Person) -> None:
    """Raises `NotAllowed` unless the person is one side of the couple."""
    if person.id not in (couple.volunteer_id, couple.resident_id):
        raise NotAllowed()
