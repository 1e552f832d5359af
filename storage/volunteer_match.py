"""The `volunteer_match` table kept in step with its sources on every ORM flush.

`volunteer_match` holds, per volunteer, the home area and bit masks of their spoken
languages, offered tasks and free weekly day parts, so ranking a help request reads one
narrow table instead of three subqueries per volunteer (issue 6 §5: top-5 p95 <= 20 ms at
10,000 volunteers). The masks are derived: after every flush that added, changed or
deleted a `Person` (role, home), `PersonLanguage`, `Offer` or `AvailabilitySlot` row, the
rows of the persons concerned are recomputed from the source tables in the same
transaction (`refresh`). Code that writes those tables with Core statements
(`delete(Offer)...`) and flushes no ORM object of them afterwards calls `refresh` itself.

Bit orders are stored data: append new codes at the end, never reorder (a reorder needs a
migration that rebuilds the table). `bot.domain.coupling.match_index` checks at import
that every code the bot accepts has a bit here.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import case, delete, event, func, insert, inspect, literal, select
from sqlalchemy.orm import Session

from storage.models import AvailabilitySlot, Offer, Person, PersonLanguage, VolunteerMatch

#: Bit k of `langs` is LANGUAGE_BITS[k] (ISO 639-1 / 639-3 codes).
LANGUAGE_BITS: tuple[str, ...] = ("nl", "en", "tr", "ar", "ber", "pap", "es", "pl")
#: Bit k of `tasks` is TASK_BITS[k].
TASK_BITS: tuple[str, ...] = (
    "doorstep",
    "street_stand",
    "shopping",
    "paperwork",
    "digital_help",
    "company",
    "odd_jobs",
    "interpreting",
)
#: Bit (weekday * 3 + k) of `slots` is weekday (0 = Monday) and DAY_PART_BITS[k].
DAY_PART_BITS: tuple[str, ...] = ("morning", "afternoon", "evening")

VOLUNTEER = "volunteer"


def bits_of(codes: Iterable[str], universe: tuple[str, ...]) -> int:
    """The bit mask of `codes` in `universe` (unknown codes: no bit)."""
    mask = 0
    for code in codes:
        if code in universe:
            mask |= 1 << universe.index(code)
    return mask


def slot_bits(slots: Iterable[tuple[int, str]]) -> int:
    """The bit mask of weekly slots (weekday 0..6, day part code)."""
    mask = 0
    for weekday, part in slots:
        if part in DAY_PART_BITS and 0 <= weekday < 7:
            mask |= 1 << (weekday * len(DAY_PART_BITS) + DAY_PART_BITS.index(part))
    return mask


def _mask(column: Any, universe: tuple[str, ...]) -> Any:
    return case(*[(column == code, literal(1 << k)) for k, code in enumerate(universe)], else_=0)


def _source(ids: list[int] | None) -> Any:
    """SELECT person_id, home, langs, tasks, slots for the volunteers among `ids` (all
    volunteers when None), computed from the source tables."""
    langs = (
        select(func.sum(_mask(PersonLanguage.language, LANGUAGE_BITS)))
        .where(PersonLanguage.person_id == Person.id)
        .scalar_subquery()
    )
    tasks = select(func.sum(_mask(Offer.task, TASK_BITS))).where(Offer.person_id == Person.id)
    part = case(
        *[(AvailabilitySlot.day_part == p, k) for k, p in enumerate(DAY_PART_BITS)], else_=0
    )
    bit = literal(1).op("<<")(AvailabilitySlot.weekday * len(DAY_PART_BITS) + part)
    slots = select(func.sum(bit)).where(AvailabilitySlot.person_id == Person.id)
    stmt = select(
        Person.id,
        func.coalesce(Person.buurt_id, Person.area_id),
        func.coalesce(langs, 0),
        func.coalesce(tasks.scalar_subquery(), 0),
        func.coalesce(slots.scalar_subquery(), 0),
    ).where(Person.role == VOLUNTEER)
    if ids is not None:
        stmt = stmt.where(Person.id.in_(ids))
    return stmt


def _statements(ids: list[int] | None) -> tuple[Any, Any]:
    wipe = delete(VolunteerMatch)
    if ids is not None:
        wipe = wipe.where(VolunteerMatch.person_id.in_(ids))
    fill = insert(VolunteerMatch).from_select(
        ["person_id", "home", "langs", "tasks", "slots"], _source(ids)
    )
    return wipe, fill


async def refresh(session: Any, person_ids: Iterable[int]) -> None:
    """Recompute the rows of these persons (an AsyncSession; volunteers get a row, others
    none). For writers that bypass the ORM; ORM flushes are handled automatically."""
    ids = sorted({int(i) for i in person_ids if i is not None})
    if ids:
        for stmt in _statements(ids):
            await session.execute(stmt)


def rebuild_all(connection: Any) -> None:
    """Recompute the whole table on a sync Connection (migrations, bulk loads)."""
    for stmt in _statements(None):
        connection.execute(stmt)


#: Person attributes the row depends on (`language_rows`: orphaned language rows are only
#: found at flush time, so the person's collection change is the sign).
_PERSON_FIELDS = ("role", "buurt_id", "area_id", "language_rows")


def _touched(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, PersonLanguage | Offer | AvailabilitySlot):
            added, unchanged, deleted = inspect(obj).attrs.person_id.history
            ids.update(v for v in chain(added, unchanged, deleted) if v is not None)
        elif isinstance(obj, Person):
            state = inspect(obj)
            if (
                obj in session.new
                or obj in session.deleted
                or any(state.attrs[name].history.has_changes() for name in _PERSON_FIELDS)
            ):
                if obj.id is not None:
                    ids.add(obj.id)
    return ids


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    ids = _touched(session)
    if ids:
        connection = session.connection()
        for stmt in _statements(sorted(ids)):
            connection.execute(stmt)
