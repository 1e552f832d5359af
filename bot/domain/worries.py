""" "Zorgen om iemand" (worried about someone; issue 10, item 4).

A volunteer at the door or in chat taps one button: the bot gives the safeguarding numbers
at once (Veilig Thuis 0800-2000, 112 for danger now; the texts are in the view) and asks a
coordinator of the volunteer's area to call them back. Nothing about the person of concern
is asked or stored: the notice (`MessageKind.WORRY_CALLBACK`) names only the volunteer,
their Telegram user id (so the coordinator can open the chat) and their area.

Who is asked: the active coordinators with the most specific area that holds the
volunteer's home (their buurt, else their invite's area): the nearest network coordinator,
and more than one only when several share that area. One request per volunteer per hour
(a second tap within the hour shows the numbers again, without a second notice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, outbox
from bot.domain.outbox import MessageKind
from bot.domain.vocabulary import Role
from storage.models import OutboxMessage, Person

#: The coordinator should call back soon; after two days the notice is no use any more.
NOTICE_VALID_FOR = dt.timedelta(days=2)


@dataclass(frozen=True)
class WorryOutcome:
    """How many coordinators were asked to call back (0: none found or already asked
    within the hour) and whether it was already asked this hour."""

    asked: int
    already: bool = False


async def nearest_coordinators(*, session: AsyncSession, area_id: int) -> list[Person]:
    """Active, reachable coordinators with the most specific area holding `area_id`."""
    tree = await areas.tree(session)
    rows = await session.scalars(
        select(Person)
        .where(
            Person.role == Role.COORDINATOR,
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
            Person.unreachable_at.is_(None),
        )
        .order_by(Person.id)
    )
    holding = [c for c in rows.all() if tree.within(area_id, c.area_id)]
    if not holding:
        return []
    depth = max(len(tree.path(c.area_id)) for c in holding)
    return [c for c in holding if len(tree.path(c.area_id)) == depth]


async def ask_callback(
    *, session: AsyncSession, volunteer: Person, now: dt.datetime
) -> WorryOutcome:
    """Queue the call-back notice for the volunteer's nearest coordinators (see module).

    `now` is aware UTC. Dedup key `worry_callback:<volunteer id>:<UTC hour>:<coordinator id>`.
    Non-volunteers and volunteers who have not finished signing up ask nobody.
    """
    if volunteer.role != Role.VOLUNTEER or volunteer.onboarded_at is None:
        return WorryOutcome(0)
    hour = now.astimezone(dt.UTC).strftime("%Y%m%d%H")
    extra = f"{volunteer.id}:{hour}"
    prefix = f"{MessageKind.WORRY_CALLBACK.value}:{extra}:"
    if await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedup_key.like(prefix + "%")).limit(1)
    ):
        return WorryOutcome(0, already=True)
    home = volunteer.buurt_id or volunteer.area_id
    tree = await areas.tree(session)
    coordinators = await nearest_coordinators(session=session, area_id=home)
    rule = outbox.RULES[MessageKind.WORRY_CALLBACK]
    for coordinator in coordinators:
        await outbox.enqueue(
            session=session,
            person=coordinator,
            message_key=MessageKind.WORRY_CALLBACK,
            due_at=now,
            not_after=now + NOTICE_VALID_FOR,
            dedup_key=rule.dedup(None, coordinator.id, extra),
            args={
                "volunteer": volunteer.display_name,
                "user_id": volunteer.telegram_user_id,
                "place": tree.name(home),
            },
            now=now,
        )
    return WorryOutcome(len(coordinators))
