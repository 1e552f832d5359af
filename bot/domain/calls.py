"""Calls: who is called for an action, in which wave, and how the outbox rows are written.

Who is called: see `call_recipients` (one SQL query). Those who fit (tasks and weekly
availability) get the call at once; the others `second_wave_delay` later (default 2
hours, setting CALL_SECOND_WAVE_DELAY_SECONDS), and only while places are still open
(checked at send time by the dispatcher). When the action starts before that delay is
over, everyone is called at once. The rows are written with bulk inserts in chunks
(`write_call_chunk`); `bot.delivery.calls.queue_action_call` writes them after the
update's commit, each chunk in its own short transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import consent, outbox
from bot.domain.availability import is_paused
from bot.domain.rsvp import may_answer
from bot.domain.tasks import TASKS, day_parts_of
from bot.domain.vocabulary import ActionStatus, OutboxStatus, Role
from storage.models import (
    Action,
    Area,
    AvailabilitySlot,
    Offer,
    OutboxMessage,
    Person,
    PersonLanguage,
    Rsvp,
)
from storage.queries import without_jit


@dataclass(frozen=True)
class CallPlan:
    """How many volunteers were called at once and how many later; `later_at` (aware UTC)
    is when the later ones get it (None when nobody is called later)."""

    first_wave: int
    second_wave: int
    later_at: dt.datetime | None = field(default=None, compare=False)


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
    *, session: AsyncSession, action: Action, tz: ZoneInfo, area_id: int | None = None
) -> list[Recipient]:
    """Volunteers to call, chosen in ONE query, those who fit first, then by person id.

    Called: role volunteer, agreed to the current version of the purpose 'calls'
    (`bot.domain.consent`), sign-up finished, not stopped, reachable, not paused on the
    action's (local) day, home area (`Person.home_area_id`: buurt, else the invite's area)
    in, under or above the action's area. Fits (issue 7 item 4, "fit first"): their
    weekly availability covers every day part the action overlaps (`bot.domain.tasks
    .day_parts_of` on the wall clock `tz`) AND their tasks include the action's kind. A
    volunteer who chose no tasks at all stated no preference and counts as fitting on
    tasks; kind 'other' is no task, so only availability counts there. An action that asks
    for a language (`Action.language`) calls its speakers first (first wave, ahead of the
    rest, whether or not they fit). `area_id` (default
    the action's area) calls another area for the action: a wider call (issue 7 item 3).
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
    if action.language:
        speaks: Any = exists().where(
            PersonLanguage.person_id == Person.id, PersonLanguage.language == action.language
        )
    else:
        speaks = false()
    # speakers of the language the action asks for are called first, with those who fit
    first = case((or_(and_(available, likes), speaks), 1), else_=0).label("fits")
    speaker = case((speaks, 1), else_=0)
    home = func.coalesce(Person.buurt_id, Person.area_id)
    await without_jit(session)  # PostgreSQL compiled this query longer than it ran
    rows = await session.execute(
        select(Person.id, Person.chat_id, first)
        .where(
            Person.role == Role.VOLUNTEER,
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
            Person.unreachable_at.is_(None),
            or_(Person.paused_until.is_(None), Person.paused_until < day),
            home.in_(_related_areas(area_id or action.area_id)),
            consent.agreed_clause("calls"),
        )
        .order_by(speaker.desc(), first.desc(), Person.id)
    )
    return [Recipient(pid, chat, bool(fit)) for pid, chat, fit in rows.all()]


async def plan_call(
    *,
    session: AsyncSession,
    action: Action,
    now: dt.datetime,
    tz: ZoneInfo,
    second_wave_delay: dt.timedelta,
    area_id: int | None = None,
) -> PlannedCall:
    """Who gets the action's call and when (aware UTC): those who fit at `now`, the rest
    `second_wave_delay` later (only while places are open: the call's "still true?" check
    at send time), everyone at `now` when the start comes before that. Writes nothing."""
    later = now + second_wave_delay
    no_time = later >= action.starts_at
    rows = [
        outbox.NewRow(r.person_id, r.chat_id, now if r.fits or no_time else later)
        for r in await call_recipients(session=session, action=action, tz=tz, area_id=area_id)
    ]
    first = sum(1 for r in rows if r.due_at == now)
    second = len(rows) - first
    return PlannedCall(rows, CallPlan(first, second, later if second else None))


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
    unfinished sign-up, another role or no consent to 'calls' queues nothing.
    """
    if person.role != Role.VOLUNTEER or person.onboarded_at is None or person.stopped_at:
        return 0
    if not await consent.has_consent(session=session, person=person, purpose="calls"):
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
