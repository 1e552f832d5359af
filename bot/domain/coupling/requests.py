"""Help requests: one row per resident need, its tasks/languages/times, owner and history.

Every status change goes through `set_status`, which writes a `HelpRequestChange` row
(time, who, from -> to). Times are aware UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.coupling.vocabulary import (
    ACTIVE_REQUEST_STATUSES,
    MessageKind,
    RequestStatus,
)
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.tasks import DAY_PARTS, HELP_REQUEST_TASKS, SPOKEN_LANGUAGES
from bot.domain.vocabulary import Role
from bot.domain.workdays import add_working_days
from storage.models import (
    Area,
    HelpRequest,
    HelpRequestChange,
    HelpRequestLanguage,
    HelpRequestSlot,
    HelpRequestTask,
    Person,
)

NOTE_MAX = 280
#: Working days an open request may stay without owner before coordinators are told
#: again (issue 6 §0).
RERAISE_WORKING_DAYS = 2

#: Which statuses may follow which (anything may be closed).
TRANSITIONS: dict[RequestStatus, set[RequestStatus]] = {
    RequestStatus.OPEN: {RequestStatus.PROPOSED, RequestStatus.HANDED_OVER, RequestStatus.CLOSED},
    RequestStatus.PROPOSED: {RequestStatus.OPEN, RequestStatus.COUPLED, RequestStatus.CLOSED},
    RequestStatus.COUPLED: {RequestStatus.OPEN, RequestStatus.HANDED_OVER, RequestStatus.CLOSED},
    RequestStatus.HANDED_OVER: {RequestStatus.OPEN, RequestStatus.CLOSED},
    RequestStatus.CLOSED: {RequestStatus.OPEN},
}


async def active_request(*, session: AsyncSession, resident_id: int) -> HelpRequest | None:
    """The resident's newest request that is not closed, or None."""
    return await session.scalar(
        select(HelpRequest)
        .where(
            HelpRequest.person_id == resident_id,
            HelpRequest.status.in_([str(s) for s in ACTIVE_REQUEST_STATUSES]),
        )
        .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
        .limit(1)
    )


async def get_request(*, session: AsyncSession, request_id: int, lock: bool = False) -> HelpRequest:
    """The request by id (row-locked with `lock` on PostgreSQL). Raises `NotFound`."""
    stmt = select(HelpRequest).where(HelpRequest.id == request_id)
    if lock:
        stmt = stmt.with_for_update()
    request = await session.scalar(stmt)
    if request is None:
        raise NotFound()
    return request


async def create_request(
    *,
    session: AsyncSession,
    resident: Person,
    tasks: Iterable[str],
    now: dt.datetime,
    languages: Iterable[str] | None = None,
    slots: Iterable[tuple[int, str]] = (),
    note: str | None = None,
    by: Person | None = None,
) -> HelpRequest:
    """A new open request for a resident at their home area (buurt, else invite area).

    `languages` default: the resident's spoken languages, else their bot language.
    `by`: who made it (the resident, or a coordinator on their behalf; default the
    resident). Raises `NotAllowed` for a non-resident, `InvalidInput` for unknown tasks,
    languages, slots or a note longer than 280 characters.
    """
    if resident.role != Role.RESIDENT:
        raise NotAllowed()
    langs = list(languages) if languages is not None else list(resident.spoken_languages)
    request = HelpRequest(
        person_id=resident.id,
        area_id=resident.home_area_id,
        status=RequestStatus.OPEN,
        note=clean_note(note),
        created_at=now,
        updated_at=now,
        updated_by_id=(by or resident).id,
    )
    session.add(request)
    await session.flush()
    await set_tasks(session=session, request=request, tasks=tasks)
    await set_languages(session=session, request=request, languages=langs or [resident.language])
    await set_slots(session=session, request=request, slots=slots)
    session.add(
        HelpRequestChange(
            request_id=request.id,
            at=now,
            by_id=(by or resident).id,
            from_status=None,
            to_status=RequestStatus.OPEN,
        )
    )
    await session.flush()
    return request


def clean_note(note: str | None) -> str | None:
    """A typed note with whitespace collapsed (None when empty). Raises
    `InvalidInput("note")` above `NOTE_MAX` characters."""
    if note is None:
        return None
    note = " ".join(note.split())
    if len(note) > NOTE_MAX:
        raise InvalidInput("note")
    return note or None


async def set_tasks(*, session: AsyncSession, request: HelpRequest, tasks: Iterable[str]) -> None:
    """Replace the request's tasks (codes from HELP_REQUEST_TASKS). Raises `InvalidInput`."""
    chosen = list(dict.fromkeys(tasks))
    if any(t not in HELP_REQUEST_TASKS for t in chosen):
        raise InvalidInput("tasks")
    await session.execute(delete(HelpRequestTask).where(HelpRequestTask.request_id == request.id))
    session.add_all(HelpRequestTask(request_id=request.id, task=t) for t in chosen)
    await session.flush()


async def tasks_of(*, session: AsyncSession, request_id: int) -> set[str]:
    """Task codes of a request."""
    rows = await session.scalars(
        select(HelpRequestTask.task).where(HelpRequestTask.request_id == request_id)
    )
    return set(rows)


async def set_languages(
    *, session: AsyncSession, request: HelpRequest, languages: Iterable[str]
) -> None:
    """Replace the request's languages (SPOKEN_LANGUAGES codes). Raises `InvalidInput`."""
    chosen = list(dict.fromkeys(languages))
    if any(code not in SPOKEN_LANGUAGES for code in chosen):
        raise InvalidInput("languages")
    await session.execute(
        delete(HelpRequestLanguage).where(HelpRequestLanguage.request_id == request.id)
    )
    session.add_all(HelpRequestLanguage(request_id=request.id, language=c) for c in chosen)
    await session.flush()


async def set_slots(
    *, session: AsyncSession, request: HelpRequest, slots: Iterable[tuple[int, str]]
) -> None:
    """Replace the weekly day parts that suit the resident (none: any time).
    Raises `InvalidInput` for a weekday outside 0..6 or an unknown day part."""
    chosen = set(slots)
    if any(w not in range(7) or p not in DAY_PARTS for w, p in chosen):
        raise InvalidInput("slot")
    await session.execute(delete(HelpRequestSlot).where(HelpRequestSlot.request_id == request.id))
    session.add_all(
        HelpRequestSlot(request_id=request.id, weekday=w, day_part=p) for w, p in sorted(chosen)
    )
    await session.flush()


async def set_status(
    *,
    session: AsyncSession,
    request: HelpRequest,
    to: RequestStatus,
    by: Person | None,
    now: dt.datetime,
) -> None:
    """Move a request to another status and record it (time, who; None: the bot).

    Raises `InvalidInput("status")` for a move not in `TRANSITIONS`; no-op when unchanged.
    """
    current = RequestStatus(request.status)
    if current == to:
        return
    if to not in TRANSITIONS[current]:
        raise InvalidInput("status")
    request.status = to
    request.updated_at = now
    request.updated_by_id = by.id if by else None
    session.add(
        HelpRequestChange(
            request_id=request.id,
            at=now,
            by_id=by.id if by else None,
            from_status=current,
            to_status=to,
        )
    )
    await session.flush()


async def history(*, session: AsyncSession, request_id: int) -> list[HelpRequestChange]:
    """Status changes of a request, oldest first."""
    rows = await session.scalars(
        select(HelpRequestChange)
        .where(HelpRequestChange.request_id == request_id)
        .order_by(HelpRequestChange.at, HelpRequestChange.id)
    )
    return list(rows)


async def ancestor_ids(session: AsyncSession, area_id: int) -> set[int]:
    """The area and every area above it."""
    parents = dict((await session.execute(select(Area.id, Area.parent_id))).all())
    found: set[int] = set()
    current: int | None = area_id
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


async def coordinators_of(*, session: AsyncSession, area_id: int) -> list[Person]:
    """Active coordinators whose area holds `area_id` (theirs or one above), by id."""
    ids = await ancestor_ids(session, area_id)
    rows = await session.scalars(
        select(Person)
        .where(
            Person.role == Role.COORDINATOR,
            Person.area_id.in_(ids),
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
        )
        .order_by(Person.id)
    )
    return list(rows)


async def require_area_coordinator(
    *, session: AsyncSession, person: Person | None, request: HelpRequest
) -> Person:
    """The person if they coordinate the request's area; raises `NotAllowed` otherwise."""
    if person is None or person.role != Role.COORDINATOR or person.onboarded_at is None:
        raise NotAllowed()
    if person.area_id not in await ancestor_ids(session, request.area_id):
        raise NotAllowed()
    return person


async def take_ownership(
    *, session: AsyncSession, request_id: int, coordinator: Person, now: dt.datetime
) -> HelpRequest:
    """ "Ik pak dit op": the coordinator becomes the request's owner (idempotent; an owner
    may be replaced by another coordinator of the area). Raises `NotFound`, `NotAllowed`."""
    request = await get_request(session=session, request_id=request_id, lock=True)
    await require_area_coordinator(session=session, person=coordinator, request=request)
    if request.owner_id != coordinator.id:
        request.owner_id = coordinator.id
        request.updated_at = now
        request.updated_by_id = coordinator.id
        await session.flush()
    from bot.domain.coupling.on_behalf import take_contact  # local: it imports us

    await take_contact(session=session, request=request, coordinator=coordinator)
    return request


async def withdraw(
    *, session: AsyncSession, request_id: int, resident: Person, now: dt.datetime
) -> HelpRequest:
    """The resident withdraws their own request: it closes, pending proposals are
    withdrawn. Raises `NotFound`, `NotAllowed` (not theirs); already closed: no-op."""
    from bot.domain.coupling.proposals import withdraw_pending  # proposals imports us

    request = await get_request(session=session, request_id=request_id, lock=True)
    if request.person_id != resident.id:
        raise NotAllowed()
    if request.status == RequestStatus.CLOSED:
        return request
    await withdraw_pending(session=session, request_id=request.id, now=now)
    await set_status(
        session=session, request=request, to=RequestStatus.CLOSED, by=resident, now=now
    )
    return request


async def reraise_unowned(
    *, session: AsyncSession, now: dt.datetime, holiday_country: str = "NL"
) -> list[int]:
    """Bring open requests without owner to the area's coordinators again once 2 working
    days (Monday-Friday except Dutch public holidays, Europe/Amsterdam) have passed since
    they were made or last raised. Queues `coupling_request_raised` {"request_id", "place"}
    to each coordinator and sets `raised_at`. Returns the ids raised, ascending.
    Run it from a periodic job (e.g. every 15 minutes)."""
    rows = await session.scalars(
        select(HelpRequest)
        .where(HelpRequest.status == RequestStatus.OPEN, HelpRequest.owner_id.is_(None))
        .order_by(HelpRequest.id)
    )
    raised = []
    for request in rows.all():
        since = request.raised_at or request.created_at
        if add_working_days(since, RERAISE_WORKING_DAYS, country=holiday_country) > now:
            continue
        place = await session.get(Area, request.area_id)
        for coordinator in await coordinators_of(session=session, area_id=request.area_id):
            await outbox.enqueue(
                session=session,
                person=coordinator,
                message_key=MessageKind.REQUEST_RAISED,
                due_at=now,
                dedup_key=f"{MessageKind.REQUEST_RAISED}:{request.id}:{coordinator.id}:{now:%Y%m%d%H%M}",
                args={"request_id": request.id, "place": place.name if place else ""},
                now=now,
            )
        request.raised_at = now
        raised.append(request.id)
    await session.flush()
    return raised
