"""Calendar copies: who received an action's .ics file, and with which SEQUENCE.

RFC 5545 (iCalendar): a calendar program matches an update to the event it holds by its
UID and applies it when the SEQUENCE is higher than the one it has (section 3.8.7.4); a
cancellation is METHOD:CANCEL with STATUS:CANCELLED (RFC 5546, section 3.2.5). So each
person's copy is one `calendar_copy` row (action, person, sequence) and every newer file
for them carries a higher sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from storage.models import Action, CalendarCopy, Person


@dataclass(frozen=True)
class CalendarFile:
    """What one .ics file needs: the action, its area name, the recipient and the SEQUENCE.

    chat_id / language: where and in which language to send it (the recipient's).
    """

    action: Action
    area_name: str
    chat_id: int
    language: str
    sequence: int


async def record_copy(*, session: AsyncSession, action: Action, person: Person) -> CalendarFile:
    """Note that `person` gets the calendar file of `action` now; returns what to build.

    The first file has SEQUENCE 0. A person whose copy was withdrawn or updated since
    (SEQUENCE above 0: Ja after Nee, see `withdraw_copy`) gets the next SEQUENCE, so their
    calendar takes the event back after the METHOD:CANCEL; a copy still at 0 stays at 0.
    """
    copy = await session.get(CalendarCopy, (action.id, person.id))
    if copy is None:
        copy = CalendarCopy(action_id=action.id, person_id=person.id, sequence=0)
        session.add(copy)
        await session.flush()
    elif copy.sequence > 0:
        copy.sequence += 1
        await session.flush()
    tree = await areas.tree(session)
    return CalendarFile(
        action, tree.name(action.area_id), person.chat_id, person.language, copy.sequence
    )


async def withdraw_copy(
    *, session: AsyncSession, action: Action, person: Person
) -> CalendarFile | None:
    """The METHOD:CANCEL file for one person who gave up their place, with the next
    SEQUENCE (stored; a later Ja sends the event again with a higher one still); None when
    they never received a file of this action."""
    copy = await session.get(CalendarCopy, (action.id, person.id))
    if copy is None:
        return None
    copy.sequence += 1
    await session.flush()
    tree = await areas.tree(session)
    return CalendarFile(
        action, tree.name(action.area_id), person.chat_id, person.language, copy.sequence
    )


async def cancel_copies(*, session: AsyncSession, action_id: int) -> list[CalendarFile]:
    """Everyone who received a calendar file of the action, each with the next SEQUENCE
    (stored), for the METHOD:CANCEL file. Ordered by person id; empty when nobody got one
    or the action is gone. People who stopped all messages are left out (and keep their
    row, so nothing is sent to them later either)."""
    action = await session.get(Action, action_id)
    if action is None:
        return []
    rows = await session.execute(
        select(CalendarCopy, Person)
        .join(Person, Person.id == CalendarCopy.person_id)
        .where(CalendarCopy.action_id == action_id, Person.stopped_at.is_(None))
        .order_by(Person.id)
    )
    tree = await areas.tree(session)
    found = []
    for copy, person in rows.all():
        copy.sequence += 1
        found.append(
            CalendarFile(
                action, tree.name(action.area_id), person.chat_id, person.language, copy.sequence
            )
        )
    await session.flush()
    return found
