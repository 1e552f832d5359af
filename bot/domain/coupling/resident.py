"""A resident manages their own help request in the chat (/hulpvraag, issue 6 §0).

Tasks and languages are set one at a time (the button carries the state it sets, so a
double press changes nothing); the request is made when the first task is chosen, with the
resident's languages (else their bot language). It can be changed only while it is open
(nobody asked yet); "Done" tells the area's coordinators once per request.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.coupling import requests as requests_
from bot.domain.coupling.errors import RequestNotOpen
from bot.domain.coupling.summaries import RequestSummary, my_request, request_summary
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.outbox import MessageKind
from bot.domain.tasks import HELP_REQUEST_TASKS, SPOKEN_LANGUAGES
from bot.domain.vocabulary import RequestStatus, Role
from storage.models import Area, HelpRequest, Person


def _resident(person: Person | None) -> Person:
    if person is None or person.role != Role.RESIDENT or person.onboarded_at is None:
        raise NotAllowed()
    return person


async def _open_request(session: AsyncSession, resident: Person) -> HelpRequest | None:
    request = await requests_.active_request(session=session, resident_id=resident.id)
    if request is not None and request.status != RequestStatus.OPEN:
        raise RequestNotOpen()
    return request


async def current(*, session: AsyncSession, person: Person | None) -> RequestSummary | None:
    """The resident's active request (None: none). Raises `NotAllowed` for anyone but a
    signed-up resident."""
    return await my_request(session=session, resident=_resident(person))


async def set_task(
    *, session: AsyncSession, person: Person | None, code: str, on: bool, now: dt.datetime
) -> RequestSummary | None:
    """Set one task of the resident's open request on or off (made with the first task;
    an open request left without tasks is removed: returns None then).

    Raises `NotAllowed`, `InvalidInput("tasks")` for an unknown code, `RequestNotOpen` when
    someone was already asked or the request is coupled or handed over."""
    resident = _resident(person)
    if code not in HELP_REQUEST_TASKS:
        raise InvalidInput("tasks")
    request = await _open_request(session, resident)
    if request is None:
        if not on:
            return None
        request = await requests_.create_request(
            session=session, resident=resident, tasks=[code], now=now
        )
        return await request_summary(session=session, request_id=request.id)
    tasks = await requests_.tasks_of(session=session, request_id=request.id)
    after = tasks | {code} if on else tasks - {code}
    if not after:
        await session.delete(request)
        await session.flush()
        return None
    if after != tasks:
        await requests_.set_tasks(session=session, request=request, tasks=sorted(after))
        request.updated_at = now
        request.updated_by_id = resident.id
    return await request_summary(session=session, request_id=request.id)


async def set_language(
    *, session: AsyncSession, person: Person | None, code: str, on: bool, now: dt.datetime
) -> RequestSummary:
    """Set one language of the resident's open request on or off (at least one stays).

    Raises `NotAllowed`, `NotFound` (no request), `InvalidInput("languages")`,
    `RequestNotOpen`."""
    resident = _resident(person)
    if code not in SPOKEN_LANGUAGES:
        raise InvalidInput("languages")
    request = await _open_request(session, resident)
    if request is None:
        raise NotFound()
    summary = await request_summary(session=session, request_id=request.id)
    langs = set(summary.languages)
    after = langs | {code} if on else langs - {code}
    if after and after != langs:
        await requests_.set_languages(session=session, request=request, languages=sorted(after))
        request.updated_at = now
        request.updated_by_id = resident.id
        summary = await request_summary(session=session, request_id=request.id)
    return summary


async def set_slot(
    *,
    session: AsyncSession,
    person: Person | None,
    weekday: int,
    day_part: str,
    on: bool,
    now: dt.datetime,
) -> RequestSummary:
    """Set one weekly day part (Europe/Amsterdam wall clock) that suits the resident on or
    off; none chosen means any time. Raises `NotAllowed`, `NotFound` (no request),
    `InvalidInput("slot")`, `RequestNotOpen`."""
    resident = _resident(person)
    request = await _open_request(session, resident)
    if request is None:
        raise NotFound()
    summary = await request_summary(session=session, request_id=request.id)
    slots = set(summary.slots)
    after = slots | {(weekday, day_part)} if on else slots - {(weekday, day_part)}
    if after != slots:
        await requests_.set_slots(session=session, request=request, slots=after)
        request.updated_at = now
        request.updated_by_id = resident.id
        summary = await request_summary(session=session, request_id=request.id)
    return summary


async def set_note(
    *, session: AsyncSession, person: Person | None, note: str | None, now: dt.datetime
) -> RequestSummary:
    """Set (or with None / only spaces: remove) the short typed note of the resident's open
    request, for the owner coordinator only (`bot.views.requests_list.request_view`; at most
    `requests.NOTE_MAX` characters, whitespace collapsed). Raises `NotAllowed`, `NotFound`
    (no request), `RequestNotOpen`, `InvalidInput("note")` when too long."""
    resident = _resident(person)
    request = await _open_request(session, resident)
    if request is None:
        raise NotFound()
    request.note = requests_.clean_note(note)
    request.updated_at = now
    request.updated_by_id = resident.id
    await session.flush()
    return await request_summary(session=session, request_id=request.id)


async def announce(
    *, session: AsyncSession, person: Person | None, now: dt.datetime
) -> RequestSummary | None:
    """ "Done": tell the coordinators of the request's area, once per request (the notice
    `help_request_new` with {"place", "asked": True}); sets `raised_at`. Returns the
    request (None: none). Raises `NotAllowed`."""
    resident = _resident(person)
    request = await requests_.active_request(session=session, resident_id=resident.id)
    if request is None:
        return None
    if request.raised_at is None and request.status == RequestStatus.OPEN:
        place = await session.get(Area, request.area_id)
        for coordinator in await requests_.coordinators_of(
            session=session, area_id=request.area_id
        ):
            await outbox.enqueue(
                session=session,
                person=coordinator,
                message_key=MessageKind.HELP_REQUEST_NEW,
                due_at=now,
                dedup_key=f"{MessageKind.HELP_REQUEST_NEW}:r{request.id}:{coordinator.id}",
                args={"place": place.name if place else "", "asked": True},
                now=now,
            )
        request.raised_at = now
        await session.flush()
    return await request_summary(session=session, request_id=request.id)


async def withdraw(*, session: AsyncSession, person: Person | None, now: dt.datetime) -> bool:
    """Withdraw the resident's active request (pending proposals are withdrawn too).
    Returns False when there was none. Raises `NotAllowed`."""
    resident = _resident(person)
    request = await requests_.active_request(session=session, resident_id=resident.id)
    if request is None:
        return False
    await requests_.withdraw(session=session, request_id=request.id, resident=resident, now=now)
    return True
