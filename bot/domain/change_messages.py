"""The messages an edit of an action sends (issue 7 item 1; `bot.domain.action_changes`):
one `action_changed` to everyone who answered Ja (with a place or waiting) or Misschien,
and one `call_changed` to who got the call and has not answered when the time or place
changed, while places are open.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.outbox import RULES, MessageKind
from bot.domain.vocabulary import Answer, OutboxStatus
from storage.models import Action, OutboxMessage, Person, Rsvp


async def tell_changes(
    *,
    session: AsyncSession,
    action: Action,
    changed: list[str],
    was: dict[str, object],
    skip: set[int],
    now: dt.datetime,
) -> int:
    """Queue one `action_changed` message for everyone who answered Ja (with a place or
    waiting) or Misschien, except those just promoted (their promotion message shows the
    action as it is now). An older change message still unsent is replaced. Returns how
    many are told."""
    people = await session.scalars(
        select(Person)
        .join(Rsvp, Rsvp.person_id == Person.id)
        .where(
            Rsvp.action_id == action.id,
            Rsvp.answer.in_([Answer.YES, Answer.MAYBE]),
            Person.stopped_at.is_(None),
        )
        .order_by(Rsvp.answered_at, Rsvp.id)
    )
    told = 0
    stamp = str(int(now.timestamp()))
    for person in people.all():
        if person.id in skip:
            continue
        await outbox.cancel_pending(
            session=session,
            action_id=action.id,
            person_id=person.id,
            message_keys=[MessageKind.ACTION_CHANGED],
        )
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=MessageKind.ACTION_CHANGED,
            due_at=now,
            not_after=action.starts_at,
            dedup_key=RULES[MessageKind.ACTION_CHANGED].dedup(action.id, person.id, stamp),
            action_id=action.id,
            args={"changed": changed, "was": was},
            now=now,
        )
        told += 1
    return told


async def tell_unanswered(
    *, session: AsyncSession, action: Action, changed: list[str], now: dt.datetime
) -> int:
    """The time or place changed: everyone whose call was delivered and who has not
    answered (no Ja, Misschien or Nee) gets one short `call_changed` message with the
    call's buttons, while the action is open and not full (checked again when sent). An
    older one still unsent is replaced. Returns how many are told."""
    if action.confirmed_count >= action.volunteers_needed:
        return 0
    answered = select(Rsvp.person_id).where(Rsvp.action_id == action.id)
    people = await session.scalars(
        select(Person)
        .join(OutboxMessage, OutboxMessage.person_id == Person.id)
        .where(
            OutboxMessage.action_id == action.id,
            OutboxMessage.message_key == MessageKind.ACTION_CALL,
            OutboxMessage.status == OutboxStatus.SENT,
            Person.id.not_in(answered),
            Person.stopped_at.is_(None),
        )
        .order_by(Person.id)
    )
    shown = [name for name in changed if name in ("title", "meeting_place", "times")]
    stamp = str(int(now.timestamp()))
    told = 0
    for person in people.unique().all():
        await outbox.cancel_pending(
            session=session,
            action_id=action.id,
            person_id=person.id,
            message_keys=[MessageKind.CALL_CHANGED],
        )
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=MessageKind.CALL_CHANGED,
            due_at=now,
            not_after=action.starts_at,
            dedup_key=RULES[MessageKind.CALL_CHANGED].dedup(action.id, person.id, stamp),
            action_id=action.id,
            args={"changed": shown},
            now=now,
        )
        told += 1
    return told
