"""Actions: create (and send the call), list, roster, cancel.

Who is called: volunteers who finished onboarding, did not /stop, are reachable, are not
paused on the action's day, and whose home area (buurt, else the invite's area) lies in,
under or above the action's area. Those whose weekly availability covers the action get
the call at once; the others `second_wave_delay` later (default 2 hours, setting
CALL_SECOND_WAVE_DELAY_SECONDS), and only while places are still open (checked at send
time by the dispatcher). When the action starts before that delay is over, everyone is
called at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, attendance, outbox
from bot.domain.availability import fits, is_paused, slots_of
from bot.domain.errors import ActionCancelled, ActionStarted, InvalidInput, NotAllowed, NotFound
from bot.domain.rsvp import may_answer
from bot.domain.tasks import ACTION_KINDS
from bot.domain.text import clean_text
from bot.domain.vocabulary import ActionStatus, OutboxStatus, Role
from storage.models import Action, OutboxMessage, Person, Rsvp
from storage.queries import related_area_ids

TITLE_MAX = 120
PLACE_MAX = 200
NEEDED_MAX = 500
LONGEST_ACTION = dt.timedelta(hours=12)


@dataclass(frozen=True)
class CallPlan:
    """How many volunteers were called at once and how many later."""

    first_wave: int
    second_wave: int


@dataclass(frozen=True)
class ActionDraft:
    """Validated input for a new action (times aware UTC)."""

    kind: str
    title: str
    area_id: int
    meeting_place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    volunteers_needed: int

    def to_action(self) -> Action:
        """An unsaved open Action with these values (for a preview, or to add and flush)."""
        return Action(
            kind=self.kind,
            title=self.title,
            area_id=self.area_id,
            meeting_place=self.meeting_place,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            volunteers_needed=self.volunteers_needed,
            confirmed_count=0,
            status="open",
        )


def validate_draft(
    *,
    kind: str,
    title: str,
    area_id: int,
    meeting_place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    volunteers_needed: int,
    now: dt.datetime,
) -> ActionDraft:
    """Check every field; raises `InvalidInput(field)` naming the first bad one.

    Rules: known kind; title 1..120 and place 1..200 characters; start in the future; end
    after start and at most 12 hours later; 1..500 volunteers.
    """
    title = " ".join(clean_text(title).split())
    meeting_place = " ".join(clean_text(meeting_place).split())
    if kind not in ACTION_KINDS:
        raise InvalidInput("kind")
    if not 1 <= len(title) <= TITLE_MAX:
        raise InvalidInput("title")
    if not 1 <= len(meeting_place) <= PLACE_MAX:
        raise InvalidInput("meeting_place")
    if starts_at <= now:
        raise InvalidInput("starts_at")
    if not starts_at < ends_at <= starts_at + LONGEST_ACTION:
        raise InvalidInput("ends_at")
    if not 1 <= volunteers_needed <= NEEDED_MAX:
        raise InvalidInput("volunteers_needed")
    return ActionDraft(kind, title, area_id, meeting_place, starts_at, ends_at, volunteers_needed)


def require_coordinator(person: Person | None) -> Person:
    """The person if they are a signed-up coordinator; raises `NotAllowed` otherwise."""
    if person is None or person.role != Role.COORDINATOR or person.onboarded_at is None:
        raise NotAllowed()
    return person


async def may_manage(*, session: AsyncSession, person: Person, area_id: int) -> bool:
    """Coordinators manage actions in their own area and everything below it."""
    if person.role != Role.COORDINATOR:
        return False
    return (await areas.tree(session)).within(area_id, person.area_id)


async def create_action(
    *,
    session: AsyncSession,
    coordinator: Person,
    draft: ActionDraft,
    now: dt.datetime,
    tz: ZoneInfo,
    second_wave_delay: dt.timedelta,
) -> tuple[Action, CallPlan]:
    """Store the action and queue its call for the volunteers of the area.

    Raises `NotAllowed` when the coordinator may not plan in that area.
    """
    require_coordinator(coordinator)
    if not await may_manage(session=session, person=coordinator, area_id=draft.area_id):
        raise NotAllowed()
    action = draft.to_action()
    action.created_by_id, action.created_at = coordinator.id, now
    session.add(action)
    await session.flush()
    plan = await _queue_call(
        session=session, action=action, now=now, tz=tz, second_wave_delay=second_wave_delay
    )
    await attendance.queue_ask(session=session, action=action, now=now)
    return action, plan


async def call_recipients(
    *, session: AsyncSession, action: Action, tz: ZoneInfo
) -> list[tuple[Person, bool]]:
    """Volunteers to call, each with whether their availability fits; fitting ones first."""
    related = await related_area_ids(session, action.area_id)
    candidates = await session.scalars(
        select(Person)
        .where(
            Person.role == "volunteer",
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
            Person.unreachable_at.is_(None),
        )
        .order_by(Person.id)
    )
    action_day = action.starts_at.astimezone(tz).date()
    result = []
    for person in candidates.all():
        if person.home_area_id not in related or is_paused(person, action_day):
            continue
        slots = await slots_of(session=session, person_id=person.id)
        result.append((person, fits(slots, action.starts_at, action.ends_at, tz)))
    result.sort(key=lambda pair: not pair[1])
    return result


async def _queue_call(
    *,
    session: AsyncSession,
    action: Action,
    now: dt.datetime,
    tz: ZoneInfo,
    second_wave_delay: dt.timedelta,
) -> CallPlan:
    first = second = 0
    for person, fitting in await call_recipients(session=session, action=action, tz=tz):
        # No time left for a second wave before the start: everyone is called now
        # (fitting volunteers first, as the outbox sends in due order then id order).
        later = now + second_wave_delay
        due = now if fitting or later >= action.starts_at else later
        await queue_call(session=session, action=action, person=person, due_at=due, now=now)
        if due == now:
            first += 1
        else:
            second += 1
    return CallPlan(first, second)


async def queue_call(
    *,
    session: AsyncSession,
    action: Action,
    person: Person,
    due_at: dt.datetime,
    now: dt.datetime,
) -> OutboxMessage:
    """The action's call for one volunteer (one per person and action: dedup key), expiring
    at the start."""
    return await outbox.enqueue(
        session=session,
        person=person,
        message_key="action_call",
        due_at=due_at,
        not_after=action.starts_at,
        dedup_key=f"action_call:{action.id}:{person.id}",
        action_id=action.id,
        now=now,
    )


async def queue_cancel_notice(
    *, session: AsyncSession, action: Action, person: Person, now: dt.datetime
) -> OutboxMessage:
    """Tell one person the action does not go ahead (never twice: dedup key); a notice
    still unsent at the start is dropped."""
    return await outbox.enqueue(
        session=session,
        person=person,
        message_key="action_cancelled",
        due_at=now,
        not_after=action.starts_at,
        dedup_key=f"action_cancelled:{action.id}:{person.id}",
        action_id=action.id,
        now=now,
    )


async def call_joiner(
    *, session: AsyncSession, person: Person, now: dt.datetime, tz: ZoneInfo
) -> int:
    """Send a volunteer who just finished sign-up, or came back with /start, the calls of
    open actions in their area that have places left and have not started.

    Actions they already answered are skipped; a call that was cancelled while they were
    stopped is re-armed (same dedup key). Returns the number of calls queued. A pause, an
    unfinished sign-up or another role queues nothing.
    """
    if person.role != "volunteer" or person.onboarded_at is None or person.stopped_at:
        return 0
    answered = set(await session.scalars(select(Rsvp.action_id).where(Rsvp.person_id == person.id)))
    candidates = await session.scalars(
        select(Action).where(
            Action.status == "open",
            Action.starts_at > now,
            Action.confirmed_count < Action.volunteers_needed,
        )
    )
    queued = 0
    for action in candidates.all():
        if action.id in answered or is_paused(person, action.starts_at.astimezone(tz).date()):
            continue
        if not await may_answer(session=session, person=person, action=action):
            continue
        row = await queue_call(session=session, action=action, person=person, due_at=now, now=now)
        queued += row.status == "pending"
    return queued


async def get_managed_action(
    *, session: AsyncSession, coordinator: Person, action_id: int
) -> Action:
    """An action the coordinator may manage (in their area or below it), in the session.

    Raises `NotAllowed` when `coordinator` is not a signed-up coordinator, and `NotFound` both
    when no action has this id and when it lies outside their area: the two are one answer
    on purpose, so a forged id does not tell whether it exists (issue 9, item 12).
    """
    require_coordinator(coordinator)
    action = await session.get(Action, action_id)
    if action is None:
        raise NotFound()
    if not await may_manage(session=session, person=coordinator, area_id=action.area_id):
        raise NotFound()
    return action


def cancellable(action: Action, now: dt.datetime) -> bool:
    """Whether the action may still be cancelled: open and not started at `now`."""
    return action.status == ActionStatus.OPEN and action.starts_at > now


def _check_cancellable(action: Action, now: dt.datetime) -> None:
    """The one rule for cancelling: raises `ActionCancelled` (already cancelled: a double
    press) or `ActionStarted` (it has started or is over)."""
    if action.status == ActionStatus.CANCELLED:
        raise ActionCancelled()
    if action.starts_at <= now:
        raise ActionStarted()


@dataclass(frozen=True)
class CancelQuestion:
    """What the "cancel this action?" question shows: the action's id and title."""

    action_id: int
    title: str


async def ask_cancel(
    *, session: AsyncSession, coordinator: Person, action_id: int, now: dt.datetime
) -> CancelQuestion:
    """Whether the action may be cancelled now (changes nothing), for the confirmation.

    Raises like `cancel`: `NotAllowed`, `NotFound`, `ActionCancelled`, `ActionStarted`.
    """
    action = await get_managed_action(session=session, coordinator=coordinator, action_id=action_id)
    _check_cancellable(action, now)
    return CancelQuestion(action_id=action.id, title=action.title)


@dataclass(frozen=True)
class Cancelled:
    """A cancelled action: its id, title and how many people are told (outbox notices)."""

    action_id: int
    title: str
    told: int


async def cancel(
    *, session: AsyncSession, coordinator: Person, action_id: int, now: dt.datetime
) -> Cancelled:
    """Cancel an action: drop its pending calls and reminders, and tell every volunteer who
    answered or whose call was delivered (they may have kept the time free).

    Raises `NotFound`, `NotAllowed` (see `get_managed_action`), `ActionCancelled` (already
    cancelled: a double press) and `ActionStarted` (it has started or is over: nothing is
    changed). A notice still unsent at the start is not sent any more.
    """
    action = await get_managed_action(session=session, coordinator=coordinator, action_id=action_id)
    _check_cancellable(action, now)
    action.status = ActionStatus.CANCELLED
    action.cancelled_at = now
    await outbox.cancel_pending(session=session, action_id=action.id)
    answered = select(Rsvp.person_id).where(Rsvp.action_id == action.id)
    called = select(OutboxMessage.person_id).where(
        OutboxMessage.action_id == action.id,
        OutboxMessage.message_key == "action_call",
        # A call on its way right now ('sending') is told by the dispatcher once it is
        # delivered (see bot.delivery.dispatcher: notice_if_cancelled).
        OutboxMessage.status == OutboxStatus.SENT,
    )
    people = await session.scalars(
        select(Person).where(Person.id.in_(answered.union(called))).order_by(Person.id)
    )
    told = 0
    for person in people.all():
        await queue_cancel_notice(session=session, action=action, person=person, now=now)
        told += 1
    await session.flush()
    return Cancelled(action_id=action.id, title=action.title, told=told)


async def cancel_action(
    *, session: AsyncSession, coordinator: Person, action_id: int, now: dt.datetime
) -> int:
    """`cancel`, returning only the number of people told (kept for older callers)."""
    done = await cancel(session=session, coordinator=coordinator, action_id=action_id, now=now)
    return done.told
