"""Weekly availability (weekday x day part) and pauses."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidInput
from bot.domain.tasks import DAY_PARTS, day_parts_of
from storage import volunteer_match
from storage.models import AvailabilitySlot, Person

Slot = tuple[int, str]  # (weekday 0=Monday..6, day part)


async def slots_of(*, session: AsyncSession, person_id: int) -> set[Slot]:
    """The person's weekly slots."""
    rows = await session.execute(
        select(AvailabilitySlot.weekday, AvailabilitySlot.day_part).where(
            AvailabilitySlot.person_id == person_id
        )
    )
    return {(w, p) for w, p in rows.all()}


async def set_slot(
    *, session: AsyncSession, person_id: int, weekday: int, day_part: str, on: bool
) -> set[Slot]:
    """Set one slot on or off (what the pressed button promised); returns all slots after.

    Setting, not toggling: pressing an old grid can never undo a newer choice (issue 12).
    Raises `InvalidInput` for a weekday outside 0..6 or an unknown day part (forged buttons).
    """
    if weekday not in range(7) or day_part not in DAY_PARTS:
        raise InvalidInput("slot")
    existing = await session.get(AvailabilitySlot, (person_id, weekday, day_part))
    if on and existing is None:
        session.add(AvailabilitySlot(person_id=person_id, weekday=weekday, day_part=day_part))
    elif not on and existing is not None:
        await session.delete(existing)
    await session.flush()
    return await slots_of(session=session, person_id=person_id)


async def set_slots(*, session: AsyncSession, person_id: int, slots: set[Slot]) -> None:
    """Replace all slots of a person. Raises `InvalidInput` for a bad slot."""
    for weekday, part in slots:
        if weekday not in range(7) or part not in DAY_PARTS:
            raise InvalidInput("slot")
    await session.execute(delete(AvailabilitySlot).where(AvailabilitySlot.person_id == person_id))
    session.add_all(
        AvailabilitySlot(person_id=person_id, weekday=w, day_part=p) for w, p in sorted(slots)
    )
    await session.flush()
    await volunteer_match.refresh(session, [person_id])  # the Core delete bypassed the ORM


PAUSE_DAYS = (7, 14, 28)
"""The pause lengths a volunteer can choose (days): one, two or four weeks (the menu)."""


def set_pause(*, person: Person, until: dt.date | None, today: dt.date) -> None:
    """Pause calls until (and including) `until`; None resumes.

    Raises `InvalidInput` when `until` is before today or more than a year ahead.
    """
    if until is not None and not (today <= until <= today + dt.timedelta(days=366)):
        raise InvalidInput("pause_until")
    person.paused_until = until


def pause_for(*, person: Person, days: int, today: dt.date) -> dt.date:
    """Pause calls for one of the offered lengths (`PAUSE_DAYS`); returns the last paused day.

    `today` is the local (Europe/Amsterdam) date. Raises `InvalidInput` for any other length
    (a forged button such as `av:p:366`).
    """
    if days not in PAUSE_DAYS:
        raise InvalidInput("pause_days")
    until = today + dt.timedelta(days=days)
    set_pause(person=person, until=until, today=today)
    return until


def is_paused(person: Person, day: dt.date) -> bool:
    """True when the person paused calls on that (local) day."""
    return person.paused_until is not None and day <= person.paused_until


def fits(slots: set[Slot], starts_at: dt.datetime, ends_at: dt.datetime, tz: ZoneInfo) -> bool:
    """True when the weekly slots cover every day part the action overlaps.

    `starts_at`/`ends_at` are aware UTC; they are converted to the wall clock `tz`. An
    action entirely outside day parts (e.g. 22:00-23:00) fits nobody's grid: False.
    """
    needed = day_parts_of(starts_at.astimezone(tz), ends_at.astimezone(tz))
    return bool(needed) and needed <= slots
