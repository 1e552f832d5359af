"""/stop with upcoming places (issue 7 item 6): ask first, then give the places up (the
waiting list moves up, the coordinator is told: `bot.domain.rsvp.answer`) or keep them
(the roster shows "komt, krijgt geen berichten": `bot.domain.roster.Roster.silent`).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import people
from bot.domain.vocabulary import ActionStatus, Answer, PlaceStatus
from storage.models import Action, Person, Rsvp


async def upcoming_places(
    *, session: AsyncSession, person: Person, now: dt.datetime
) -> list[Action]:
    """Open actions that have not started on which `person` holds a place (confirmed or on
    the waiting list), soonest first."""
    rows = await session.scalars(
        select(Action)
        .join(Rsvp, Rsvp.action_id == Action.id)
        .where(
            Rsvp.person_id == person.id,
            Rsvp.status.in_((PlaceStatus.CONFIRMED, PlaceStatus.WAITLISTED)),
            Action.status == ActionStatus.OPEN,
            Action.starts_at > now,
        )
        .order_by(Action.starts_at, Action.id)
    )
    return list(rows.all())


async def stop(
    *, session: AsyncSession, person: Person, give_up: bool, now: dt.datetime, tz: ZoneInfo
) -> int:
    """Stop all messages; with `give_up`, first answer Nee on every upcoming place (each
    drop-out promotes the waiting list and tells the coordinator). Returns the number of
    places given up."""
    from bot.domain.rsvp import answer  # rsvp -> notices -> ... ; people imports us not

    given = 0
    if give_up:
        for action in await upcoming_places(session=session, person=person, now=now):
            await answer(
                session=session,
                action_id=action.id,
                person=person,
                answer=Answer.NO,
                now=now,
                tz=tz,
                enforce_start=False,
            )
            given += 1
    people.stop(person=person, now=now)
    return given
