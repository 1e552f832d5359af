"""Calendar copies: who received an action's .ics file, and with which SEQUENCE.

RFC 5545 (iCalendar): a calendar program matches an update to the event it holds by its
UID and applies it when the SEQUENCE is higher than the one it has (section 3.8.7.4); a
cancellation is METHOD:CANCEL with STATUS:CANCELLED (RFC 5546, section 3.2.5). So each
person's copy is one `calendar_copy` row (action, person, sequence) and every newer file
for them carries a higher sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.vocabulary import PlaceStatus
from storage.models import Action, CalendarCopy, Person, Rsvp


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


def held_copies(action_id: int) -> Select[tuple[CalendarCopy, Person]]:
    """Select the (CalendarCopy, Person) rows of people who still hold the action in their
    calendar: they received a file, still have a place (Rsvp 'confirmed': a Ja -> Nee or
    Misschien already sent them a METHOD:CANCEL via `withdraw_copy`, and a later place sends
    the event again via `record_copy`) and have not stopped all messages. Ordered by
    person id."""
    return (
        select(CalendarCopy, Person)
        .join(Person, Person.id == CalendarCopy.person_id)
        .join(
            Rsvp,
            (Rsvp.action_id == CalendarCopy.action_id) & (Rsvp.person_id == CalendarCopy.person_id),
        )
        .where(
            CalendarCopy.action_id == action_id,
            Person.stopped_at.is_(None),
            Rsvp.status == PlaceStatus.CONFIRMED,
        )
        .order_by(Person.id)
    )


async def cancel_copies(*, session: AsyncSession, action_id: int) -> list[CalendarFile]:
    """Everyone who still holds the action's calendar file (`held_copies`), each with the
    next SEQUENCE (stored), for the METHOD:CANCEL file. Empty when nobody holds one or the
    action is gone. Left out: people who stopped all messages (they keep their row, so
    nothing is sent to them later either) and people who already gave up their place and
    got a METHOD:CANCEL then: a second one would only confuse them."""
    action = await session.get(Action, action_id)
    if action is None:
        return []
    rows = await session.execute(held_copies(action_id))
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
