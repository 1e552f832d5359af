"""A coordinator's own message to the people coming to an action (issue 7 item 7), e.g.
"neem flyers mee": to everyone confirmed, optionally also Misschien and the waiting list.

One outbox row per recipient (kind 'action_message', args `{"text", "from", "from_id"}`),
due at once; it is a relay (one person wrote it to others), so quiet hours do not hold it. The
text is personal data of the writer's making and is removed from the outbox as soon as the
row reaches a final status (sent, blocked, failed, expired or cancelled):
`FORGET_ARGS_WHEN_DONE`, applied by `storage.outbox.record_outcomes`. Each delivered copy
is recorded like a relayed message (`bot.domain.relay.record_copy`: ids only), so a
volunteer who replies to it (Telegram's reply-to) reaches the coordinator, and back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.errors import ActionCancelled, ActionStarted, InvalidInput
from bot.domain.outbox import RULES, MessageKind
from bot.domain.text import clean_text
from bot.domain.vocabulary import ActionStatus, Answer, PlaceStatus
from storage.models import Action, Person, Rsvp

#: Longest message a coordinator can send (characters; Telegram allows 4,096 with the header).
TEXT_MAX = 1000
#: Kinds whose args are wiped once the row is done (the text must not stay stored).
FORGET_ARGS_WHEN_DONE: tuple[str, ...] = (MessageKind.ACTION_MESSAGE.value,)


@dataclass(frozen=True)
class Audience:
    """How many people a message would reach, per group."""

    confirmed: int
    maybe: int
    waitlisted: int


async def _open_action(
    session: AsyncSession, coordinator: Person, action_id: int, now: dt.datetime
) -> Action:
    from bot.domain.actions import get_managed_action  # actions -> calls -> rsvp -> notices

    action = await get_managed_action(session=session, coordinator=coordinator, action_id=action_id)
    if action.status == ActionStatus.CANCELLED:
        raise ActionCancelled()
    if action.starts_at <= now:
        raise ActionStarted()
    return action


async def audience(
    *, session: AsyncSession, coordinator: Person, action_id: int, now: dt.datetime
) -> tuple[Action, Audience]:
    """The action (managed, open, not started) and the size of each group. Raises
    `NotAllowed`, `NotFound`, `ActionCancelled`, `ActionStarted`."""
    action = await _open_action(session, coordinator, action_id, now)
    rows = (
        await session.execute(select(Rsvp.answer, Rsvp.status).where(Rsvp.action_id == action.id))
    ).all()
    return action, Audience(
        confirmed=sum(1 for _, s in rows if s == PlaceStatus.CONFIRMED),
        maybe=sum(1 for a, s in rows if a == Answer.MAYBE and s == PlaceStatus.NONE),
        waitlisted=sum(1 for _, s in rows if s == PlaceStatus.WAITLISTED),
    )


def clean_message(text: str) -> str:
    """The text as it will be sent; raises `InvalidInput("text")` when empty or longer
    than `TEXT_MAX`."""
    cleaned = clean_text(text).strip()
    if not 1 <= len(cleaned) <= TEXT_MAX:
        raise InvalidInput("text")
    return cleaned


async def send(
    *,
    session: AsyncSession,
    coordinator: Person,
    action_id: int,
    text: str,
    with_maybe: bool,
    with_waitlist: bool,
    now: dt.datetime,
) -> int:
    """Queue the message to everyone confirmed (and Misschien / waiting list when asked)
    who has not stopped messages; returns how many. Raises as `audience`, and
    `InvalidInput("text")`."""
    cleaned = clean_message(text)
    action = await _open_action(session, coordinator, action_id, now)
    wanted = [PlaceStatus.CONFIRMED]
    if with_waitlist:
        wanted.append(PlaceStatus.WAITLISTED)
    condition = Rsvp.status.in_(wanted)
    if with_maybe:
        condition = condition | ((Rsvp.answer == Answer.MAYBE) & (Rsvp.status == PlaceStatus.NONE))
    people = await session.scalars(
        select(Person)
        .join(Rsvp, Rsvp.person_id == Person.id)
        .where(Rsvp.action_id == action.id, condition, Person.stopped_at.is_(None))
        .order_by(Person.id)
    )
    stamp = int(now.timestamp() * 1000)
    count = 0
    for person in people.all():
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=MessageKind.ACTION_MESSAGE,
            due_at=now,
            not_after=action.starts_at,
            dedup_key=RULES[MessageKind.ACTION_MESSAGE].dedup(action.id, person.id, str(stamp)),
            action_id=action.id,
            args={"text": cleaned, "from": coordinator.display_name, "from_id": coordinator.id},
            now=now,
        )
        count += 1
    return count
