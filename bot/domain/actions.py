"""Actions: create (and send the call), list, roster, cancel.

Who is called: see `call_recipients` (one SQL query). Those who fit (tasks and weekly
availability) get the call at once; the others `second_wave_delay` later (default 2
hours, setting CALL_SECOND_WAVE_DELAY_SECONDS), and only while places are still open
(checked at send time by the dispatcher). When the action starts before that delay is
over, everyone is called at once. The rows are written with bulk inserts in chunks
(`write_call_chunk`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, attendance, outbox
from bot.domain.availability import is_paused
from bot.domain.errors import ActionCancelled, ActionStarted, InvalidInput, NotAllowed, NotFound
from bot.domain.rsvp import may_answer
from bot.domain.tasks import ACTION_KINDS, TASKS, day_parts_of
from bot.domain.text import clean_text
from bot.domain.vocabulary import ActionStatus, OutboxStatus, Role
from storage.models import Action, Area, AvailabilitySlot, Offer, OutboxMessage, Person, Rsvp

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
            status=ActionStatus.OPEN,
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
    queue: bool = True,
) -> tuple[Action, CallPlan]:
    """Store the action and queue its call for the volunteers of the area.

    With `queue=False` the call is only planned (the counts are returned) and the caller
    queues it after its commit with `bot.delivery.calls.queue_action_call` (chunks in
    their own short transactions: use this for big areas, so the handler's transaction
    never holds SQLite's write lock while thousands of rows are written).
    Raises `NotAllowed` when the coordinator may not plan in that area.
    """
    require_coordinator(coordinator)
    if not await may_manage(session=session, person=coordinator, area_id=draft.area_id):
        raise NotAllowed()
    action = draft.to_action()
    action.created_by_id, action.created_at = coordinator.id, now
    session.add(action)
    await session.flush()
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


@dataclass(frozen=True)
class Recipient:
    """A volunteer to call: ids only, and whether they fit (tasks and availability)."""

    person_id: int
    chat_id: int
    fits: bool


#: Rows per INSERT when a call is queued: about 20-50 ms per chunk on SQLite.
CALL_CHUNK = 2000


@dataclass(frozen=True)
class PlannedCall:
    """The rows of a call (`NewRow`s, wave 1 first) and its `CallPlan` counts."""

    rows: list[outbox.NewRow]
    plan: CallPlan

    def chunks(self, size: int | None = None) -> list[list[outbox.NewRow]]:
        """The rows in chunks of `size` (default `CALL_CHUNK`) for one INSERT each."""
        size = size or CALL_CHUNK
        return [self.rows[i : i + size] for i in range(0, len(self.rows), size)]


def _related_areas(area_id: int) -> Any:
    """A subquery of the area, everything below it and everything above it (recursive CTEs:
    a volunteer of the wijk is asked for an action in one of its buurten, and the other
    way round)."""
    down = select(Area.id).where(Area.id == area_id).cte("area_down", recursive=True)
    down = down.union_all(select(Area.id).where(Area.parent_id == down.c.id))
    up = select(Area.id, Area.parent_id).where(Area.id == area_id).cte("area_up", recursive=True)
    up = up.union_all(select(Area.id, Area.parent_id).where(Area.id == up.c.parent_id))
    return select(down.c.id).union(select(up.c.id))


async def call_recipients(
    *, session: AsyncSession, action: Action, tz: ZoneInfo
) -> list[Recipient]:
    """Volunteers to call, chosen in ONE query, those who fit first, then by person id.

    Called: role volunteer, sign-up finished, not stopped, reachable, not paused on the
    action's (local) day, home area (`Person.home_area_id`: buurt, else the invite's area)
    in, under or above the action's area. Fits (issue 7 item 4, "fit first"): their
    weekly availability covers every day part the action overlaps (`bot.domain.tasks
    .day_parts_of` on the wall clock `tz`) AND their tasks include the action's kind. A
    volunteer who chose no tasks at all stated no preference and counts as fitting on
    tasks; kind 'other' is no task, so only availability counts there.
    """
    day = action.starts_at.astimezone(tz).date()
    needed = day_parts_of(action.starts_at.astimezone(tz), action.ends_at.astimezone(tz))
    if needed:
        covered = (
            select(func.count())
            .where(
                AvailabilitySlot.person_id == Person.id,
                or_(
                    *(
                        and_(AvailabilitySlot.weekday == w, AvailabilitySlot.day_part == p)
                        for w, p in sorted(needed)
                    )
                ),
            )
            .scalar_subquery()
        )
        available: Any = covered == len(needed)
    else:
        available = false()
    if action.kind in TASKS:
        has_tasks = exists().where(Offer.person_id == Person.id)
        does_kind = exists().where(Offer.person_id == Person.id, Offer.task == action.kind)
        likes: Any = or_(~has_tasks, does_kind)
    else:
        likes = true()
    fits = case((and_(available, likes), 1), else_=0).label("fits")
    home = func.coalesce(Person.buurt_id, Person.area_id)
    rows = await session.execute(
        select(Person.id, Person.chat_id, fits)
        .where(
            Person.role == Role.VOLUNTEER,
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
            Person.unreachable_at.is_(None),
            or_(Person.paused_until.is_(None), Person.paused_until < day),
            home.in_(_related_areas(action.area_id)),
        )
        .order_by(fits.desc(), Person.id)
    )
    return [Recipient(pid, chat, bool(fit)) for pid, chat, fit in rows.all()]


async def plan_call(
    *,
    session: AsyncSession,
    action: Action,
    now: dt.datetime,
    tz: ZoneInfo,
    second_wave_delay: dt.timedelta,
) -> PlannedCall:
    """Who gets the action's call and when (aware UTC): those who fit at `now`, the rest
    `second_wave_delay` later (only while places are open: the call's "still true?" check
    at send time), everyone at `now` when the start comes before that. Writes nothing."""
    later = now + second_wave_delay
    no_time = later >= action.starts_at
    rows = [
        outbox.NewRow(r.person_id, r.chat_id, now if r.fits or no_time else later)
        for r in await call_recipients(session=session, action=action, tz=tz)
    ]
    first = sum(1 for r in rows if r.due_at == now)
    return PlannedCall(rows, CallPlan(first, len(rows) - first))


async def write_call_chunk(
    *,
    session: AsyncSession,
    action_id: int,
    not_after: dt.datetime,
    rows: list[outbox.NewRow],
    now: dt.datetime,
) -> int:
    """Bulk-insert one chunk of a call's outbox rows (dedup key `action_call:<action>:
    <person>`, unique in the database: a person never gets two calls for one action);
    expiring at `not_after` (the action's start). Returns the rows inserted."""
    return await outbox.enqueue_many(
        session=session,
        kind=outbox.MessageKind.ACTION_CALL,
        rows=rows,
        action_id=action_id,
        not_after=not_after,
        now=now,
    )


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
        message_key=outbox.MessageKind.ACTION_CALL,
        due_at=due_at,
        not_after=action.starts_at,
        dedup_key=outbox.RULES[outbox.MessageKind.ACTION_CALL].dedup(action.id, person.id, ""),
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
        message_key=outbox.MessageKind.ACTION_CANCELLED,
        due_at=now,
        not_after=action.starts_at,
        dedup_key=outbox.RULES[outbox.MessageKind.ACTION_CANCELLED].dedup(action.id, person.id, ""),
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
    if person.role != Role.VOLUNTEER or person.onboarded_at is None or person.stopped_at:
        return 0
    answered = set(await session.scalars(select(Rsvp.action_id).where(Rsvp.person_id == person.id)))
    candidates = await session.scalars(
        select(Action).where(
            Action.status == ActionStatus.OPEN,
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
        queued += row.status == OutboxStatus.PENDING
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
