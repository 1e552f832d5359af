"""Fewer places than volunteers coming: the coordinator chooses who moves to the waiting
list (issue 7 item 1).

When an edit lowers an action's places below the number of confirmed volunteers, nobody
loses a place without the coordinator choosing it: `bot.domain.action_changes.edit_action`
raises `TooFewPlaces` with the people who have a place and a suggestion (the latest Ja:
who answered last goes first), the coordinator picks exactly the surplus, and the edit is
saved with that choice (`move_to_waitlist`, in the edit's transaction):

- the chosen move to the FRONT of the waiting list, in the order chosen (their waiting-list
  time, `Rsvp.answered_at`, is set just before the first one waiting: `WAITING_ORDER` of
  `bot.domain.rsvp`), so they are the first to get a place back;
- their reminders and other place messages are dropped, their calendar file is withdrawn
  (METHOD:CANCEL, sent by the handler), and each is told kindly (`moved_to_waitlist`);
- the others waiting see their new number (their answer message is edited).

A choice that no longer fits (someone dropped out or the places changed meanwhile, a forged
id) raises `SurplusChanged`; nothing is stored. Places below 1 stay refused
(`bot.domain.actions.validate_draft`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.calendar import CalendarFile, withdraw_copy
from bot.domain.errors import DomainError
from bot.domain.outbox import RULES, MessageKind
from bot.domain.reminders import drop_place_messages
from bot.domain.rsvp import WAITING_ORDER, _renumber_waitlist, waitlist_position
from bot.domain.vocabulary import PlaceStatus
from storage.models import Action, Person, Rsvp

#: Steps between the waiting-list times of the people moved to the front (one second:
#: SQLite and PostgreSQL both keep it, so the order is the same on both).
FRONT_STEP = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class Coming:
    """A volunteer with a place: person id and display name (first name)."""

    person_id: int
    name: str


class SurplusChanged(DomainError):
    """The chosen people are not exactly `surplus` of those with a place now."""


def suggest(coming: Sequence[Coming], surplus: int) -> list[int]:
    """The suggested choice: the `surplus` latest Ja among `coming` (in `WAITING_ORDER`),
    latest first. Returns person ids."""
    if surplus <= 0:
        return []
    return [c.person_id for c in reversed(coming[-surplus:])]


async def coming(*, session: AsyncSession, action_id: int) -> list[Coming]:
    """Everyone with a place on the action, in the order of their Ja (`WAITING_ORDER`)."""
    rows = await session.execute(
        select(Person.id, Person.display_name)
        .join(Rsvp, Rsvp.person_id == Person.id)
        .where(Rsvp.action_id == action_id, Rsvp.status == PlaceStatus.CONFIRMED)
        .order_by(*WAITING_ORDER)
    )
    return [Coming(person_id, name) for person_id, name in rows.all()]


@dataclass
class Moved:
    """Who moved to the waiting list (display names, in the order chosen) and the calendar
    files to withdraw (METHOD:CANCEL, each with its next SEQUENCE)."""

    names: list[str]
    withdrawn: list[CalendarFile]


async def move_to_waitlist(
    *,
    session: AsyncSession,
    action: Action,
    person_ids: Sequence[int],
    new_needed: int,
    now: dt.datetime,
) -> Moved:
    """Move `person_ids` (in this order) from their place to the front of the waiting
    list, before the action's places go down to `new_needed` (see the module docstring).
    `action` must be locked by the caller. Raises `SurplusChanged` unless they are exactly
    `confirmed_count - new_needed` distinct people who have a place now."""
    present = {c.person_id: c.name for c in await coming(session=session, action_id=action.id)}
    chosen = list(person_ids)
    surplus = action.confirmed_count - new_needed
    if (
        surplus <= 0
        or len(chosen) != surplus
        or len(set(chosen)) != len(chosen)
        or any(pid not in present for pid in chosen)
    ):
        raise SurplusChanged()
    first_waiting = await session.scalar(
        select(func.min(Rsvp.answered_at)).where(
            Rsvp.action_id == action.id, Rsvp.status == PlaceStatus.WAITLISTED
        )
    )
    front = min(first_waiting or now, now)
    rows = {
        r.person_id: r
        for r in await session.scalars(
            select(Rsvp).where(Rsvp.action_id == action.id, Rsvp.person_id.in_(chosen))
        )
    }
    for index, person_id in enumerate(chosen):
        rows[person_id].status = PlaceStatus.WAITLISTED
        rows[person_id].answered_at = front - FRONT_STEP * (len(chosen) - index)
    await session.execute(
        update(Action)
        .where(Action.id == action.id)
        .values(confirmed_count=Action.confirmed_count - len(chosen))
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    withdrawn: list[CalendarFile] = []
    stamp = str(int(now.timestamp()))
    for person_id in chosen:
        person = await session.get(Person, person_id)
        assert person is not None
        await drop_place_messages(session=session, person_id=person_id, action_id=action.id)
        position = await waitlist_position(
            session=session, action_id=action.id, rsvp=rows[person_id]
        )
        if person.stopped_at is None:
            await outbox.enqueue(
                session=session,
                person=person,
                message_key=MessageKind.MOVED_TO_WAITLIST,
                due_at=now,
                not_after=action.starts_at,
                dedup_key=RULES[MessageKind.MOVED_TO_WAITLIST].dedup(action.id, person_id, stamp),
                action_id=action.id,
                args={"position": position},
                now=now,
            )
            copy = await withdraw_copy(session=session, action=action, person=person)
            if copy is not None:
                withdrawn.append(copy)
    await _renumber_waitlist(session=session, action=action, now=now, skip=0)
    return Moved([present[pid] for pid in chosen], withdrawn)
