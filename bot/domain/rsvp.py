"""Answers to action calls (Ja / Misschien / Nee), capacity and the waiting list.

Capacity is enforced by the database: a place is taken with a conditional
`UPDATE action SET confirmed_count = confirmed_count + 1 WHERE confirmed_count <
volunteers_needed`, and a CHECK constraint refuses `confirmed_count > volunteers_needed`.
On PostgreSQL the action row is locked (`SELECT ... FOR UPDATE`) first, so answers to one
action are handled one at a time and the waiting list keeps its order; SQLite serialises
writers (BEGIN IMMEDIATE, see storage/db.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, notices, outbox
from bot.domain.errors import (
    ActionCancelled,
    ActionStarted,
    InvalidInput,
    MessagesStopped,
    NotAllowed,
    NotFound,
    NotSignedUp,
)
from bot.domain.quiet_hours import QuietHours
from bot.domain.reminders import PlannedReminder, drop_place_messages, schedule_reminders
from bot.domain.vocabulary import ActionStatus, Answer, NoticeEvent, OutboxStatus, PlaceStatus, Role
from storage.models import Action, OutboxMessage, Person, Rsvp

ANSWERS = tuple(Answer)


@dataclass(frozen=True)
class RsvpOutcome:
    """What an answer did.

    status: a `PlaceStatus`; changed: False for a repeated press;
    waitlist_position: 1-based place on the waiting list (when waitlisted);
    promoted: the person who got the freed place, if any; area_name: the action's area, for
    the summary the view shows; left_place: this answer gave up a place the person had
    (Ja -> Misschien/Nee), so their calendar copy is withdrawn.
    reminders: what a new place will get (`bot.domain.reminders.reminder_plan`), empty
    otherwise.
    """

    action: Action
    answer: str
    status: str
    changed: bool
    waitlist_position: int | None = None
    promoted: Person | None = None
    area_name: str = "?"
    left_place: bool = False
    reminders: tuple[PlannedReminder, ...] = ()


async def _locked_action(session: AsyncSession, action_id: int) -> Action:
    stmt = select(Action).where(Action.id == action_id).with_for_update()
    action = await session.scalar(stmt.execution_options(populate_existing=True))
    if action is None:
        raise NotFound()
    return action


async def _take_place(session: AsyncSession, action: Action) -> bool:
    result = await session.execute(
        update(Action)
        .where(Action.id == action.id, Action.confirmed_count < Action.volunteers_needed)
        .values(confirmed_count=Action.confirmed_count + 1)
    )
    return result.rowcount == 1


async def _release_place(session: AsyncSession, action: Action) -> None:
    await session.execute(
        update(Action)
        .where(Action.id == action.id, Action.confirmed_count > 0)
        .values(confirmed_count=Action.confirmed_count - 1)
    )


def _waiting() -> Select[tuple[Rsvp]]:
    """The waiting list's rows that count (`WAITING_ORDER`): people who sent /stop (and
    kept their spot, "Nee, ik kom wel") are skipped: they get no messages, so a place
    given to them would silently stay empty (issue 7 item 4)."""
    return (
        select(Rsvp)
        .join(Person, Person.id == Rsvp.person_id)
        .where(Rsvp.status == PlaceStatus.WAITLISTED, Person.stopped_at.is_(None))
    )


#: The waiting list's order: the time of the 'yes' (moved to the front when the
#: coordinator lowers the places, `bot.domain.surplus`), then the row id.
WAITING_ORDER = (Rsvp.answered_at, Rsvp.id)


async def waitlist_position(*, session: AsyncSession, action_id: int, rsvp: Rsvp) -> int:
    """1-based position of a waitlisted RSVP (`WAITING_ORDER`; people who sent /stop are
    not counted, see `_waiting`)."""
    ahead = await session.scalars(
        _waiting()
        .with_only_columns(Rsvp.id)
        .where(
            Rsvp.action_id == action_id,
            (Rsvp.answered_at < rsvp.answered_at)
            | ((Rsvp.answered_at == rsvp.answered_at) & (Rsvp.id < rsvp.id)),
        )
    )
    return len(ahead.all()) + 1


async def may_answer(*, session: AsyncSession, person: Person, action: Action) -> bool:
    """Volunteers whose home area (buurt, else invite area) relates to the action's area,
    and volunteers who got its call from a wider call (issue 7 item 3)."""
    if person.role != Role.VOLUNTEER:
        return False
    tree = await areas.tree(session)
    if person.home_area_id in tree.related_ids(action.area_id):
        return True
    called = await session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.action_id == action.id,
            OutboxMessage.person_id == person.id,
            OutboxMessage.message_key == outbox.MessageKind.ACTION_CALL,
        )
    )
    return called is not None


#: A call counts as received once the dispatcher claimed it for sending (it may be on the
#: person's screen before the outcome is recorded) or recorded it as sent.
_RECEIVED = (OutboxStatus.SENDING, OutboxStatus.SENT)


async def require_called(*, session: AsyncSession, person: Person | None, action_id: int) -> None:
    """Refuse an answer from a volunteer who neither got the action's call nor answered it
    before (issue 9, item 12): a forged RSVP button would otherwise skip "fit first" (the
    second wave is called later, and only while places are open).

    Raises `NotAllowed`, the same refusal as for an unknown action or another area, so a
    forged id reveals nothing. `None` (not signed up) passes: `answer` refuses it kindly.
    """
    if person is None:
        return
    answered = exists().where(Rsvp.action_id == action_id, Rsvp.person_id == person.id)
    called = exists().where(
        OutboxMessage.action_id == action_id,
        OutboxMessage.person_id == person.id,
        OutboxMessage.message_key == outbox.MessageKind.ACTION_CALL,
        OutboxMessage.status.in_([str(s) for s in _RECEIVED]),
    )
    if not await session.scalar(select(answered | called)):
        raise NotAllowed()


def require_active(person: Person | None) -> Person:
    """The person, when they may take part at all; raises `NotSignedUp` or `MessagesStopped`."""
    if person is None or person.onboarded_at is None:
        raise NotSignedUp()
    if person.stopped_at is not None:
        raise MessagesStopped()
    return person


async def answer(
    *,
    session: AsyncSession,
    action_id: int,
    person: Person | None,
    answer: str,
    now: dt.datetime,
    tz: ZoneInfo,
    enforce_start: bool = True,
    message_id: int | None = None,
    name_hidden: bool = False,
    quiet: QuietHours | None = None,
) -> RsvpOutcome:
    """Record or change a person's answer to an action.

    'yes' takes a place if one is free, else joins the waiting list; leaving a place
    (maybe/no) gives it to the first on the waiting list, who is told via the outbox and
    gets reminders. A repeated identical answer changes nothing (`changed=False`).
    Raises `NotSignedUp` / `MessagesStopped` (see `require_active`), `InvalidInput` (unknown
    answer), `NotFound`, `NotAllowed` (not a volunteer of this area), `ActionCancelled`,
    `ActionStarted` (answers close at the start). `message_id`: the Telegram message (in
    the person's chat) whose button they pressed; kept, so it can be edited when the
    waiting list moves them up (`answer_updated`).
    Giving up a place tells the coordinator (`bot.domain.notices.tell`; `name_hidden` for
    erasure) and, with nobody waiting, offers the place again; `quiet`: the quiet hours the
    reminders are planned around (`bot.domain.reminders.reminder_plan`); the last place taken tells
    them the action is full; a Misschien gets one follow-up.
    """
    if enforce_start:  # erasure and /stop release places of people who no longer take part
        person = require_active(person)
    if person is None:
        raise NotSignedUp()
    if answer not in ANSWERS:
        raise InvalidInput("answer")
    action = await _locked_action(session, action_id)
    if enforce_start:
        if not await may_answer(session=session, person=person, action=action):
            raise NotAllowed()
        if action.status == ActionStatus.CANCELLED:
            raise ActionCancelled()
        if action.starts_at <= now:
            raise ActionStarted()
    rsvp = await session.scalar(
        select(Rsvp).where(Rsvp.action_id == action.id, Rsvp.person_id == person.id)
    )
    if rsvp is not None and rsvp.answer == answer:
        position = None
        if rsvp.status == PlaceStatus.WAITLISTED:
            position = await waitlist_position(session=session, action_id=action.id, rsvp=rsvp)
        tree = await areas.tree(session)
        return RsvpOutcome(
            action, answer, rsvp.status, False, position, area_name=tree.name(action.area_id)
        )

    promoted: Person | None = None
    left_place = rsvp is not None and rsvp.status == PlaceStatus.CONFIRMED
    left_waitlist = rsvp is not None and rsvp.status == PlaceStatus.WAITLISTED
    was_confirmed = left_place
    was_maybe = rsvp is not None and rsvp.answer == Answer.MAYBE
    if left_place:
        await _release_place(session, action)
        await drop_place_messages(session=session, person_id=person.id, action_id=action.id)
    # Decide the new status before touching the row: an autoflush of a half-changed row
    # would trip the answer/status CHECK constraint.
    status = PlaceStatus.NONE
    if answer == Answer.YES:
        taken = await _take_place(session, action)
        status = PlaceStatus.CONFIRMED if taken else PlaceStatus.WAITLISTED
    if rsvp is None:  # a first answer: a "the call changed" still unsent is no longer needed
        await outbox.cancel_pending(
            session=session,
            action_id=action.id,
            person_id=person.id,
            message_keys=[outbox.MessageKind.CALL_CHANGED],
        )
        rsvp = Rsvp(
            action_id=action.id, person_id=person.id, answer=answer, status=status, answered_at=now
        )
        session.add(rsvp)
    else:
        rsvp.answer, rsvp.status, rsvp.answered_at = answer, status, now
    if message_id is not None:
        rsvp.answer_message_id = message_id
    planned: list[PlannedReminder] = []
    if status == PlaceStatus.CONFIRMED:
        planned = await schedule_reminders(
            session=session, person=person, action=action, now=now, tz=tz, quiet=quiet
        )
    await session.flush()
    if action.status == ActionStatus.OPEN:
        promoted = await _promote_from_waitlist(
            session=session, action=action, now=now, tz=tz, quiet=quiet
        )
        if (promoted is not None or left_waitlist) and action.starts_at > now:
            await _renumber_waitlist(session=session, action=action, now=now, skip=person.id)
    await session.refresh(action)
    if was_confirmed and rsvp.status != PlaceStatus.CONFIRMED:
        await notices.tell(
            session=session,
            action=action,
            event=NoticeEvent.DROPOUT,
            now=now,
            tz=tz,
            who=person,
            name_hidden=name_hidden,
            promoted=promoted,
        )
        if promoted is None:
            await notices.offer_freed_place(session=session, action=action, now=now)
    elif (
        rsvp.status == PlaceStatus.CONFIRMED and action.confirmed_count >= action.volunteers_needed
    ):
        await notices.tell(session=session, action=action, event=NoticeEvent.FULL, now=now, tz=tz)
    if answer == Answer.MAYBE and enforce_start:
        await notices.queue_maybe_followup(session=session, person=person, action=action, now=now)
    elif was_maybe:
        await notices.drop_maybe_followup(session=session, person_id=person.id, action_id=action.id)
    position = None
    if rsvp.status == PlaceStatus.WAITLISTED:
        position = await waitlist_position(session=session, action_id=action.id, rsvp=rsvp)
    tree = await areas.tree(session)
    return RsvpOutcome(
        action,
        answer,
        rsvp.status,
        True,
        position,
        promoted,
        area_name=tree.name(action.area_id),
        left_place=left_place,
        reminders=tuple(planned),
    )


async def _renumber_waitlist(
    *, session: AsyncSession, action: Action, now: dt.datetime, skip: int
) -> None:
    """The waiting list moved up: queue an edit (`answer_updated` with its new `position`)
    of the message where each remaining waiting volunteer answered, so "nummer 2" becomes
    "nummer 1". `skip`: the person who answered now (their message is edited directly)."""
    rows = await session.scalars(
        _waiting().where(Rsvp.action_id == action.id).order_by(*WAITING_ORDER)
    )
    for position, waiting in enumerate(rows.all(), start=1):
        if waiting.answer_message_id is None or waiting.person_id == skip:
            continue
        person = await session.get(Person, waiting.person_id)
        if person is None:
            continue
        await outbox.enqueue(
            session=session,
            person=person,
            message_key="answer_updated",
            due_at=now,
            not_after=action.starts_at,
            dedup_key=(f"answer_updated:{action.id}:{person.id}:{position}:{int(now.timestamp())}"),
            action_id=action.id,
            args={"message_id": waiting.answer_message_id, "position": position},
            now=now,
        )


async def _promote_from_waitlist(
    *,
    session: AsyncSession,
    action: Action,
    now: dt.datetime,
    tz: ZoneInfo,
    quiet: QuietHours | None = None,
) -> Person | None:
    """Give free places to the waiting list in order, skipping people who sent /stop
    (they are not told; `_waiting`); returns the last person promoted."""
    promoted = None
    while True:
        first = await session.scalar(
            _waiting().where(Rsvp.action_id == action.id).order_by(*WAITING_ORDER).limit(1)
        )
        if first is None or not await _take_place(session, action):
            return promoted
        first.status = PlaceStatus.CONFIRMED
        person = await session.get(Person, first.person_id)
        assert person is not None
        await session.flush()
        if action.starts_at > now:
            await outbox.enqueue(
                session=session,
                person=person,
                message_key="waitlist_promoted",
                due_at=now,
                not_after=action.starts_at,
                dedup_key=f"waitlist_promoted:{action.id}:{person.id}:{int(now.timestamp())}",
                action_id=action.id,
                now=now,
            )
            await schedule_reminders(
                session=session, person=person, action=action, now=now, tz=tz, quiet=quiet
            )
            if first.answer_message_id is not None:
                await outbox.enqueue(
                    session=session,
                    person=person,
                    message_key="answer_updated",
                    due_at=now,
                    not_after=action.starts_at,
                    dedup_key=f"answer_updated:{action.id}:{person.id}:{int(now.timestamp())}",
                    action_id=action.id,
                    args={"message_id": first.answer_message_id},
                    now=now,
                )
        promoted = person
