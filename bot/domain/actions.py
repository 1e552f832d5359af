"""Actions: validate a draft, create (and plan the call), the managed action, cancel.

Who is called and how the call is queued lives in `bot.domain.calls` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, attendance, joint, outbox
from bot.domain.calls import (  # re-exported: callers know them as actions.*
    CALL_CHUNK,
    CallPlan,
    PlannedCall,
    Recipient,
    call_joiner,
    call_recipients,
    plan_call,
    queue_call,
    queue_cancel_notice,
    write_call_chunk,
)
from bot.domain.errors import ActionCancelled, ActionStarted, InvalidInput, NotAllowed, NotFound
from bot.domain.tasks import ACTION_KINDS, SPOKEN_LANGUAGES
from bot.domain.text import clean_text
from bot.domain.vocabulary import ActionStatus, OutboxStatus, Role
from storage.models import Action, OutboxMessage, Person, Rsvp

__all__ = [
    "CALL_CHUNK",
    "LONGEST_ACTION",
    "NEEDED_MAX",
    "PLACE_MAX",
    "TITLE_MAX",
    "ActionDraft",
    "CallPlan",
    "CancelQuestion",
    "Cancelled",
    "PlannedCall",
    "Recipient",
    "ask_cancel",
    "call_joiner",
    "call_recipients",
    "cancel",
    "cancel_action",
    "cancellable",
    "create_action",
    "get_managed_action",
    "may_manage",
    "plan_call",
    "queue_call",
    "queue_cancel_notice",
    "require_coordinator",
    "validate_draft",
    "write_call_chunk",
]

TITLE_MAX = 120
PLACE_MAX = 200
NEEDED_MAX = 500
LONGEST_ACTION = dt.timedelta(hours=12)


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
    language: str | None = None  # also asks for a speaker of it (SPOKEN_LANGUAGES)
    # co-organising partner organisations (ids; checked by `create_action`, issue 10 item 1)
    organisation_ids: tuple[int, ...] = ()

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
            status=ActionStatus.OPEN,
            language=self.language,
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
    language: str | None = None,
    organisation_ids: tuple[int, ...] = (),
) -> ActionDraft:
    """Check every field; raises `InvalidInput(field)` naming the first bad one.

    Rules: known kind; title 1..120 and place 1..200 characters; start in the future; end
    after start and at most 12 hours later; 1..500 volunteers; a language, if any, from
    `SPOKEN_LANGUAGES`. Co-organisers (`organisation_ids`) are checked against the area
    by `create_action` (`bot.domain.joint.check_choice`).
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
    if language is not None and language not in SPOKEN_LANGUAGES:
        raise InvalidInput("language")
    return ActionDraft(
        kind,
        title,
        area_id,
        meeting_place,
        starts_at,
        ends_at,
        volunteers_needed,
        language,
        tuple(sorted(set(organisation_ids))),
    )


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
    queue: bool = True,
) -> tuple[Action, CallPlan]:
    """Store the action and queue its call for the volunteers of the area.

    With `queue=False` the call is only planned (the counts are returned) and the caller
    queues it after its commit with `bot.delivery.calls.queue_action_call` (chunks in
    their own short transactions: use this for big areas, so the handler's transaction
    never holds SQLite's write lock while thousands of rows are written).
    The draft's co-organisers are stored with it (`bot.domain.joint`).
    Raises `NotAllowed` when the coordinator may not plan in that area, and
    `InvalidInput('organisations')` for a co-organiser that does not serve the area.
    """
    require_coordinator(coordinator)
    if not await may_manage(session=session, person=coordinator, area_id=draft.area_id):
        raise NotAllowed()
    action = draft.to_action()
    action.created_by_id, action.created_at = coordinator.id, now
    session.add(action)
    await session.flush()
    if draft.organisation_ids:
        await joint.set_organisers(
            session=session, action=action, organisation_ids=draft.organisation_ids
        )
    call = await plan_call(
        session=session, action=action, now=now, tz=tz, second_wave_delay=second_wave_delay
    )
    if queue:
        for chunk in call.chunks():
            await write_call_chunk(
                session=session,
                action_id=action.id,
                not_after=action.starts_at,
                rows=chunk,
                now=now,
            )
    await attendance.queue_ask(session=session, action=action, now=now)
    return action, call.plan


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
