"""What an action's coordinator hears, and who is told that a place is free again
(issue 7 items 5, 11 and 12).

- **Coordinator notices** (outbox kind 'coordinator_notice', one short message each):
  the action became full; the call reached nobody (every call failed or was blocked);
  a volunteer dropped out (Ja -> Nee/Misschien, "Ik kan toch niet"
  on a reminder, /stop giving up the place, erasure), saying who (not for erasure) and who
  from the waiting list took the place. A drop-out within `URGENT_WITHIN` of the start is
  urgent: flagged, and with no one waiting it carries a one-tap "call again".
  Recipients: the action's creator, or when that coordinator is gone or inactive, the active
  coordinators whose area holds the action; and for a joint action the partner staff of
  its co-organisers (`bot.domain.joint.partners_of`; their notices carry `partner: True`,
  so the roster button is theirs and there is no "call again"). Each recipient chooses per
  action `NoticeLevel.ALL` ("alles", default) or `NoticeLevel.URGENT` ("alleen urgent").
- **Cover**: a coordinator away (`Person.away_until`, a local date, inclusive) with a
  stand-in (`Person.stand_in_id`, a coordinator of the same area) has their notices sent to
  the stand-in meanwhile.
- **"Er is weer plek"** (kind 'place_free'): when a place frees and nobody is waiting, the
  volunteers whose call was delivered and who have not answered get one message (once per
  action per person: the dedup key); "call again" also sends the calls still waiting for
  their second wave at once.
- **Misschien follow-up** (kind 'maybe_followup'): one "Weet je het al?" 48 hours before the
  start (at once when the Misschien comes later), dropped when the answer changes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, joint, outbox
from bot.domain.errors import ActionCancelled, ActionFull, ActionStarted, InvalidInput
from bot.domain.outbox import RULES, MessageKind, NewRow
from bot.domain.vocabulary import ActionStatus, NoticeEvent, NoticeLevel, OutboxStatus, Role
from storage.models import Action, ActionNoticeLevel, OutboxMessage, Person, Rsvp
from storage.outbox import delivery_counts

#: A drop-out this close to the start is urgent (issue 7 item 5).
URGENT_WITHIN = dt.timedelta(hours=24)
#: The Misschien follow-up comes this long before the start (issue 7 item 11).
MAYBE_FOLLOWUP_BEFORE = dt.timedelta(hours=48)


def _active(person: Person | None) -> bool:
    return (
        person is not None
        and person.role == Role.COORDINATOR
        and person.onboarded_at is not None
        and person.stopped_at is None
        and person.unreachable_at is None
    )


async def covered_by(*, session: AsyncSession, person: Person, today: dt.date) -> Person:
    """Who gets `person`'s notices on local date `today`: their stand-in while they are away
    (`away_until >= today`) and the stand-in is an active coordinator; else themselves."""
    if person.away_until is None or person.away_until < today or person.stand_in_id is None:
        return person
    stand_in = await session.get(Person, person.stand_in_id)
    return stand_in if _active(stand_in) and stand_in is not None else person


async def coordinators_of(*, session: AsyncSession, action: Action) -> list[Person]:
    """The coordinators an action's notices are meant for (before cover): its creator when
    active, else every active coordinator whose area holds the action's area; by id."""
    if action.created_by_id is not None:
        creator = await session.get(Person, action.created_by_id)
        if _active(creator) and creator is not None:
            return [creator]
    rows = await session.scalars(
        select(Person)
        .where(Person.role == Role.COORDINATOR, Person.onboarded_at.is_not(None))
        .order_by(Person.id)
    )
    tree = await areas.tree(session)
    return [p for p in rows.all() if _active(p) and tree.within(action.area_id, p.area_id)]


async def level_of(*, session: AsyncSession, action_id: int, person_id: int) -> NoticeLevel:
    """A coordinator's choice for one action (no row = `NoticeLevel.ALL`)."""
    row = await session.get(ActionNoticeLevel, (action_id, person_id))
    return NoticeLevel(row.level) if row is not None else NoticeLevel.ALL


async def set_level(
    *, session: AsyncSession, coordinator: Person, action_id: int, level: str
) -> NoticeLevel:
    """Store "alles" / "alleen urgent" for an action the coordinator manages.

    Raises `NotAllowed` / `NotFound` (see `get_managed_action`), `InvalidInput("level")`.
    """
    from bot.domain.actions import get_managed_action  # actions -> calls -> rsvp -> us

    if level not in tuple(NoticeLevel):
        raise InvalidInput("level")
    await get_managed_action(session=session, coordinator=coordinator, action_id=action_id)
    row = await session.get(ActionNoticeLevel, (action_id, coordinator.id))
    if row is None:
        session.add(ActionNoticeLevel(action_id=action_id, person_id=coordinator.id, level=level))
    else:
        row.level = level
    await session.flush()
    return NoticeLevel(level)


async def tell(
    *,
    session: AsyncSession,
    action: Action,
    event: NoticeEvent,
    now: dt.datetime,
    tz: ZoneInfo,
    who: Person | None = None,
    name_hidden: bool = False,
    promoted: Person | None = None,
) -> int:
    """Queue one coordinator notice per recipient (see the module docstring); returns how
    many. `who`: the volunteer who dropped out (`name_hidden`: erasure, say "a volunteer");
    `promoted`: who took the place from the waiting list. Nothing is queued once the action
    started or is cancelled. The dedup key names both persons (erasure deletes the row)."""
    if action.status != ActionStatus.OPEN or action.starts_at <= now:
        return 0
    urgent = event == NoticeEvent.DROPOUT and action.starts_at - now <= URGENT_WITHIN
    today = now.astimezone(tz).date()
    who_id = 0 if who is None or name_hidden else who.id
    args = {
        "event": event.value,
        "urgent": urgent,
        "who": "" if who is None or name_hidden else who.display_name,
        "promoted": promoted.display_name if promoted is not None else "",
    }
    extra = f"{who_id}:{promoted.id if promoted else 0}:{int(now.timestamp() * 1000)}"
    if event == NoticeEvent.NOBODY_REACHED:
        extra = "nobody"  # once per action
    recipients: list[tuple[Person, dict[str, object]]] = []
    for coordinator in await coordinators_of(session=session, action=action):
        level = await level_of(session=session, action_id=action.id, person_id=coordinator.id)
        if level != NoticeLevel.URGENT or urgent:
            recipient = await covered_by(session=session, person=coordinator, today=today)
            recipients.append((recipient, args))
    # joint actions (issue 10 item 1): the co-organisers' partner staff, at their own level
    for partner in await joint.partners_of(session=session, action_id=action.id):
        level = await level_of(session=session, action_id=action.id, person_id=partner.id)
        if level != NoticeLevel.URGENT or urgent:
            recipients.append((partner, {**args, "partner": True}))
    for recipient, recipient_args in recipients:
        await outbox.enqueue(
            session=session,
            person=recipient,
            message_key=MessageKind.COORDINATOR_NOTICE,
            due_at=now,
            not_after=action.starts_at,
            dedup_key=RULES[MessageKind.COORDINATOR_NOTICE].dedup(action.id, recipient.id, extra),
            action_id=action.id,
            args=recipient_args,
            now=now,
        )
    told = len(recipients)
    return told


async def tell_if_nobody_reached(
    *, session: AsyncSession, action_ids: set[int], now: dt.datetime, tz: ZoneInfo
) -> int:
    """After call rows failed or were blocked: for each action whose calls are all done
    and none was delivered, tell its coordinators once ("the call reached nobody").
    Returns the number of notices queued."""
    told = 0
    for action_id in sorted(action_ids):
        counts = await delivery_counts(session, action_id=action_id)
        if counts["sent"] or counts["pending"] or not sum(counts.values()):
            continue
        action = await session.get(Action, action_id)
        if action is not None:
            told += await tell(
                session=session, action=action, event=NoticeEvent.NOBODY_REACHED, now=now, tz=tz
            )
    return told


async def offer_freed_place(*, session: AsyncSession, action: Action, now: dt.datetime) -> int:
    """ "Er is weer plek": queue 'place_free' for every volunteer whose call for `action` was
    delivered and who has not answered; once per action per person (a person already told
    is skipped by the dedup key). Returns how many rows were queued."""
    if action.status != ActionStatus.OPEN or action.starts_at <= now:
        return 0
    answered = select(Rsvp.person_id).where(Rsvp.action_id == action.id)
    result = await session.execute(
        select(Person.id, Person.chat_id)
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
    rows = [NewRow(pid, chat_id, now) for pid, chat_id in result.all()]
    return await outbox.enqueue_many(
        session=session,
        kind=MessageKind.PLACE_FREE,
        rows=rows,
        action_id=action.id,
        not_after=action.starts_at,
        now=now,
    )


async def call_again(
    *, session: AsyncSession, coordinator: Person, action_id: int, now: dt.datetime
) -> int:
    """ "Roep opnieuw op": calls still waiting for their wave go out now, and everyone whose
    call was delivered and who has not answered gets "er is weer plek" (once).

    Returns the number of people reached. Raises `NotAllowed` / `NotFound`
    (`get_managed_action`), `ActionCancelled`, `ActionStarted`, `ActionFull` (no place open).
    """
    from bot.domain.actions import get_managed_action  # actions -> calls -> rsvp -> us

    action = await get_managed_action(session=session, coordinator=coordinator, action_id=action_id)
    if action.status == ActionStatus.CANCELLED:
        raise ActionCancelled()
    if action.starts_at <= now:
        raise ActionStarted()
    if action.confirmed_count >= action.volunteers_needed:
        raise ActionFull()
    brought = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.action_id == action.id,
            OutboxMessage.message_key == MessageKind.ACTION_CALL,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.due_at > now,
        )
        .values(due_at=now)
        .execution_options(synchronize_session=False)
    )
    session.info[outbox.WAKE_FLAG] = True
    return (brought.rowcount or 0) + await offer_freed_place(
        session=session, action=action, now=now
    )


async def queue_maybe_followup(
    *, session: AsyncSession, person: Person, action: Action, now: dt.datetime
) -> None:
    """One "Weet je het al?" to a Misschien, `MAYBE_FOLLOWUP_BEFORE` the start (at once when
    that has passed). A second Misschien later re-arms a dropped one, never a sent one."""
    due = max(now, action.starts_at - MAYBE_FOLLOWUP_BEFORE)
    await outbox.enqueue(
        session=session,
        person=person,
        message_key=MessageKind.MAYBE_FOLLOWUP,
        due_at=due,
        not_after=action.starts_at,
        dedup_key=RULES[MessageKind.MAYBE_FOLLOWUP].dedup(action.id, person.id, ""),
        action_id=action.id,
        now=now,
    )


async def drop_maybe_followup(*, session: AsyncSession, person_id: int, action_id: int) -> int:
    """The answer is no longer Misschien: drop the pending follow-up."""
    return await outbox.cancel_pending(
        session=session,
        action_id=action_id,
        person_id=person_id,
        message_keys=[MessageKind.MAYBE_FOLLOWUP],
    )
