"""Cover: a coordinator away ("afwezig tot <datum>") names a stand-in coordinator of the
area, who gets their notices, relays and reminders meanwhile (issue 7 item 12):
- notices are addressed to the stand-in when queued (`bot.domain.notices.covered_by`);
- typed messages and replies meant for the coordinator go to the stand-in
  (`bot.domain.relay`, the one routing rule);
- rows queued earlier of the `COVERED_KINDS` ("Wie waren er?" at an action's end, a
  notice) are re-addressed when they are sent (`readdress`), so a cover set after they were
  queued counts, and a row due after the cover ended goes to the coordinator again.

Stored on the person: `away_until` (a local date in Europe/Amsterdam, inclusive) and
`stand_in_id`. A stand-in is an active coordinator (signed up, not stopped, reachable)
whose area holds the coordinator's area or lies within it. Cover ends by itself after
`away_until`, or with `end`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.actions import require_coordinator
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.notices import covered_by
from bot.domain.vocabulary import Role
from storage.models import Action, OutboxMessage, Person
from storage.outbox import ClaimedRow

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


#: Outbox kinds meant for a coordinator as the one who runs an action (`readdress`).
COVERED_KINDS = frozenset({"attendance_ask", "coordinator_notice"})


async def readdress(
    *, session: AsyncSession, rows: list[ClaimedRow], today: dt.date
) -> tuple[list[ClaimedRow], list[int]]:
    """Send-time cover for claimed rows of `COVERED_KINDS` (`today`: the local date,
    Europe/Amsterdam): a row for a coordinator who is away (`notices.covered_by`) goes to
    their stand-in instead; the row itself is re-addressed (person and chat), so what was
    sent to whom stays true. "Wie waren er?" goes to the stand-in only when they manage
    the action (their area holds it), and is dropped when they got their own already.

    Returns (the rows, re-addressed where covered; ids of rows dropped as duplicates).
    """
    out: list[ClaimedRow] = []
    dropped: list[int] = []
    tree = None
    for row in rows:
        person = (
            await session.get(Person, row.person_id)
            if row.message_key in COVERED_KINDS and row.person_id is not None
            else None
        )
        if person is None:
            out.append(row)
            continue
        recipient = await covered_by(session=session, person=person, today=today)
        if recipient.id == person.id:
            out.append(row)
            continue
        if row.message_key == "attendance_ask" and row.action_id is not None:
            action = await session.get(Action, row.action_id)
            tree = tree or await areas.tree(session)
            if action is None or not tree.within(action.area_id, recipient.area_id):
                out.append(row)
                continue
            own = await session.scalar(
                select(OutboxMessage.id).where(
                    OutboxMessage.dedup_key == f"attendance_ask:{action.id}:{recipient.id}"
                )
            )
            if own is not None:
                dropped.append(row.id)
                continue
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(person_id=recipient.id, chat_id=recipient.chat_id)
            .execution_options(synchronize_session=False)
        )
        out.append(dataclasses.replace(row, person_id=recipient.id, chat_id=recipient.chat_id))
    return out, dropped
