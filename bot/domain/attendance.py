"""Attendance (aanwezigheid): who actually came to an action, recorded by a coordinator.

Flow (issue 8, item 4): when an action is created, an outbox row "attendance_ask" is queued
for each coordinator who manages it (their area is the action's area or above it), due at
the action's end, so a restart loses nothing. Its button opens a checklist of the confirmed
volunteers, all ticked at first ("pre-ticked": a volunteer without a row counts as having
come). Each tap stores the state that button sets; "Save" stores the rest as ticked and
queues one thank-you ("attendance_thanks") per volunteer who came (dedup key: never twice).
No running no-show score is kept: rows are per action only.

Rules: only coordinators who manage the action (the action's area within theirs),
only after the action's end, never for a cancelled action; only people on the checklist
can be ticked (forged ids are refused with `NotFound`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, consent, outbox
from bot.domain.errors import ActionCancelled, InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import ActionStatus, PlaceStatus, Role
from storage.models import Action, Attendance, OutboxMessage, Person, Rsvp

#: How long after the end the question may still be sent (bot down for days: then skip it).
ASK_VALID = dt.timedelta(days=7)
#: How long a thank-you may wait in the outbox before it is no longer worth sending.
THANKS_VALID = dt.timedelta(days=2)


@dataclass(frozen=True)
class Entry:
    """One volunteer on the checklist: person id, display name, whether they came."""

    person_id: int
    name: str
    attended: bool


@dataclass(frozen=True)
class Checklist:
    """The attendance checklist of an action (entries in answer order).

    saved: True once a coordinator pressed Save (every entry has a stored row).
    """

    action: Action
    area_name: str
    entries: list[Entry]
    saved: bool

    @property
    def came(self) -> int:
        """How many entries are ticked."""
        return sum(entry.attended for entry in self.entries)


@dataclass(frozen=True)
class Saved:
    """What Save did: the checklist after saving, and how many thank-yous were queued now."""

    checklist: Checklist
    thanked: int


@dataclass(frozen=True)
class AttendanceRecord:
    """One stored attendance row, for the person's data export (times aware UTC)."""

    action_id: int
    action_title: str
    starts_at: dt.datetime
    attended: bool
    recorded_at: dt.datetime


async def queue_ask(*, session: AsyncSession, action: Action, now: dt.datetime) -> int:
    """Queue "Who came?" at the action's end for each coordinator who manages it.

    Returns the number of rows queued (dedup key `attendance_ask:<action>:<person>`). A
    cancelled action's pending rows are cancelled with its other messages
    (`bot.domain.outbox.cancel_pending`).
    """
    tree = await areas.tree(session)
    scope = tree.ancestor_ids(action.area_id)
    coordinators = await session.scalars(
        select(Person)
        .where(
            Person.role == Role.COORDINATOR,
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
            Person.area_id.in_(scope),
        )
        .order_by(Person.id)
    )
    queued = 0
    for person in coordinators.all():
        await outbox.enqueue(
            session=session,
            person=person,
            message_key="attendance_ask",
            due_at=action.ends_at,
            not_after=action.ends_at + ASK_VALID,
            dedup_key=f"attendance_ask:{action.id}:{person.id}",
            action_id=action.id,
            now=now,
        )
        queued += 1
    return queued


async def _managed_ended(
    session: AsyncSession, coordinator: Person | None, action_id: int, now: dt.datetime
) -> Action:
    if (
        coordinator is None
        or coordinator.role != Role.COORDINATOR
        or coordinator.onboarded_at is None
    ):
        raise NotAllowed()
    action = await session.get(Action, action_id)
    if action is None:
        raise NotFound()
    if not (await areas.tree(session)).within(action.area_id, coordinator.area_id):
        raise NotAllowed()
    if action.status == ActionStatus.CANCELLED:
        raise ActionCancelled()
    if action.ends_at > now:
        raise InvalidInput("not_ended")
    return action


async def _checklist(session: AsyncSession, action: Action) -> Checklist:
    stored = {
        row.person_id: row
        for row in await session.scalars(
            select(Attendance).where(Attendance.action_id == action.id)
        )
    }
    confirmed = await session.execute(
        select(Person.id, Person.display_name)
        .join(Rsvp, Rsvp.person_id == Person.id)
        .where(
            Rsvp.action_id == action.id,
            Rsvp.status == PlaceStatus.CONFIRMED,
            consent.agreed_clause("attendance"),  # no consent, no attendance record
        )
        .order_by(Rsvp.answered_at, Rsvp.id)
    )
    entries = []
    seen = set()
    for person_id, name in confirmed.all():
        row = stored.get(person_id)
        entries.append(Entry(person_id, name, row.attended if row else True))
        seen.add(person_id)
    # Someone recorded earlier who gave up their place since stays on the list.
    extra = [pid for pid in stored if pid not in seen]
    if extra:
        names = await session.execute(
            select(Person.id, Person.display_name).where(Person.id.in_(extra)).order_by(Person.id)
        )
        entries += [Entry(pid, name, stored[pid].attended) for pid, name in names.all()]
    saved = bool(entries) and all(entry.person_id in stored for entry in entries)
    tree = await areas.tree(session)
    return Checklist(action, tree.name(action.area_id), entries, saved)


async def checklist(
    *, session: AsyncSession, coordinator: Person | None, action_id: int, now: dt.datetime
) -> Checklist:
    """The checklist of an ended action the coordinator manages.

    Raises `NotFound` (no such action), `NotAllowed` (not a coordinator, or the action is
    not within their area),
    `ActionCancelled`, `InvalidInput("not_ended")` before the end (`now`, aware UTC).
    """
    action = await _managed_ended(session, coordinator, action_id, now)
    return await _checklist(session, action)


async def _store(
    session: AsyncSession,
    action_id: int,
    person_id: int,
    attended: bool,
    coordinator: Person,
    now: dt.datetime,
) -> None:
    row = await session.get(Attendance, (action_id, person_id))
    if row is None:
        session.add(
            Attendance(
                action_id=action_id,
                person_id=person_id,
                attended=attended,
                recorded_by_id=coordinator.id,
                recorded_at=now,
            )
        )
    else:
        row.attended, row.recorded_by_id, row.recorded_at = attended, coordinator.id, now
    await session.flush()


async def set_attended(
    *,
    session: AsyncSession,
    coordinator: Person | None,
    action_id: int,
    person_id: int,
    attended: bool,
    now: dt.datetime,
) -> Checklist:
    """Store whether one volunteer came; returns the checklist after the change.

    The same errors as `checklist`, and `NotFound` for a person not on the checklist.
    """
    action = await _managed_ended(session, coordinator, action_id, now)
    assert coordinator is not None
    before = await _checklist(session, action)
    if person_id not in {entry.person_id for entry in before.entries}:
        raise NotFound()
    await _store(session, action.id, person_id, attended, coordinator, now)
    return await _checklist(session, action)


async def save(
    *, session: AsyncSession, coordinator: Person | None, action_id: int, now: dt.datetime
) -> Saved:
    """Store every entry as shown (unstored ones as ticked) and queue the thank-yous.

    One "attendance_thanks" outbox row per volunteer who came (dedup key
    `attendance_thanks:<action>:<person>`, so saving again never thanks twice). Returns the
    saved checklist and how many thank-yous were queued by this call. Errors as `checklist`.
    """
    action = await _managed_ended(session, coordinator, action_id, now)
    assert coordinator is not None
    current = await _checklist(session, action)
    stored = set(
        await session.scalars(select(Attendance.person_id).where(Attendance.action_id == action.id))
    )
    for entry in current.entries:
        if entry.person_id not in stored:
            await _store(session, action.id, entry.person_id, entry.attended, coordinator, now)
    already = set(
        await session.scalars(
            select(OutboxMessage.person_id).where(
                OutboxMessage.action_id == action.id,
                OutboxMessage.message_key == "attendance_thanks",
            )
        )
    )
    thanked = 0
    for entry in current.entries:
        if not entry.attended or entry.person_id in already:
            continue
        person = await session.get(Person, entry.person_id)
        if person is None or person.stopped_at is not None:
            continue
        await outbox.enqueue(
            session=session,
            person=person,
            message_key="attendance_thanks",
            due_at=now,
            not_after=now + THANKS_VALID,
            dedup_key=f"attendance_thanks:{action.id}:{person.id}",
            action_id=action.id,
            now=now,
        )
        thanked += 1
    return Saved(await _checklist(session, action), thanked)


async def recorded(*, session: AsyncSession, action_id: int) -> tuple[list[str], list[str]] | None:
    """For the roster: (names who came, names who did not), in name order, or None when
    nothing is recorded for the action yet."""
    rows = await session.execute(
        select(Person.display_name, Attendance.attended)
        .join(Person, Person.id == Attendance.person_id)
        .where(Attendance.action_id == action_id)
        .order_by(Person.display_name, Person.id)
    )
    found = rows.all()
    if not found:
        return None
    return [n for n, a in found if a], [n for n, a in found if not a]


async def for_person(*, session: AsyncSession, person_id: int) -> list[AttendanceRecord]:
    """Every attendance row about the person (for the data export), oldest action first."""
    rows = await session.execute(
        select(Attendance, Action)
        .join(Action, Action.id == Attendance.action_id)
        .where(Attendance.person_id == person_id)
        .order_by(Action.starts_at, Action.id)
    )
    return [
        AttendanceRecord(action.id, action.title, action.starts_at, row.attended, row.recorded_at)
        for row, action in rows.all()
    ]
