"""What a coordinator sees of their actions: the list of upcoming actions and a roster.

Both are read-only and limited to the coordinator's area (and below it); an action outside
it is "not found", exactly like one that does not exist (issue 9, item 12). Cancelling is
`bot.domain.actions.cancel`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, attendance, joint
from bot.domain.actions import cancellable, get_managed_action, require_coordinator
from bot.domain.vocabulary import ActionStatus, Answer, PlaceStatus
from storage.models import Action, Person, PersonLanguage, Rsvp
from storage.outbox import delivery_counts


@dataclass(frozen=True)
class ActionItem:
    """One line of the coordinator's action list: id, title (as typed), start (aware UTC)."""

    id: int
    title: str
    starts_at: dt.datetime


@dataclass(frozen=True)
class ActionPage:
    """One page of the coordinator's upcoming actions: the items, how many there are in all,
    and the index of the first item shown (0-based)."""

    items: list[ActionItem]
    total: int
    offset: int

    @property
    def remaining(self) -> int:
        """How many come after this page."""
        return max(0, self.total - self.offset - len(self.items))


async def upcoming_actions(
    *,
    session: AsyncSession,
    coordinator: Person,
    now: dt.datetime,
    offset: int = 0,
    limit: int = 10,
) -> ActionPage:
    """Open actions in the coordinator's area (or below) that have not ended, soonest first,
    `limit` of them from `offset`. Raises `NotAllowed` for anyone but a coordinator."""
    require_coordinator(coordinator)
    ids = (await areas.tree(session)).descendant_ids(coordinator.area_id)
    where = (
        Action.area_id.in_(ids),
        Action.status == ActionStatus.OPEN,
        Action.ends_at > now,
    )
    total = await session.scalar(select(func.count()).select_from(Action).where(*where)) or 0
    rows = await session.execute(
        select(Action.id, Action.title, Action.starts_at)
        .where(*where)
        .order_by(Action.starts_at, Action.id)
        .offset(max(0, offset))
        .limit(limit)
    )
    items = [ActionItem(id=i, title=title, starts_at=start) for i, title, start in rows.all()]
    return ActionPage(items=items, total=total, offset=max(0, offset))


@dataclass
class Roster:
    """Who comes to an action. Names are display names; lists are in answer order.

    delivery: counts of the call's outbox rows by status (sent, blocked, failed, pending,
    expired, cancelled). cancellable: the action is open and has not started (at the `now`
    given to `roster`; False when none was given).
    """

    action: Action
    area_name: str
    confirmed: list[str] = field(default_factory=list)
    waitlisted: list[str] = field(default_factory=list)
    maybe: list[str] = field(default_factory=list)
    declined: list[str] = field(default_factory=list)
    called: int = 0
    delivery: dict[str, int] = field(default_factory=dict)
    cancellable: bool = False
    silent: list[str] = field(default_factory=list)  # coming, but sent /stop (no messages)
    came: list[str] | None = None  # attendance: None until recorded (bot.domain.attendance)
    speakers: int | None = None  # confirmed who speak the action's language (None: none asked)
    absent: list[str] | None = None
    organisers: list[str] = field(default_factory=list)  # co-organisers' names (issue 10)


async def roster(
    *,
    session: AsyncSession,
    coordinator: Person,
    action_id: int,
    now: dt.datetime | None = None,
) -> Roster:
    """The roster of an action the coordinator may manage. Raises `NotFound`/`NotAllowed`
    (see `get_managed_action`)."""
    action = await get_managed_action(session=session, coordinator=coordinator, action_id=action_id)
    tree = await areas.tree(session)
    result = Roster(action=action, area_name=tree.name(action.area_id))
    rows = await session.execute(
        select(Rsvp.answer, Rsvp.status, Person.display_name, Person.stopped_at)
        .join(Person, Person.id == Rsvp.person_id)
        .where(Rsvp.action_id == action.id)
        .order_by(Rsvp.answered_at, Rsvp.id)
    )
    for answer, status, name, stopped_at in rows.all():
        if status == PlaceStatus.CONFIRMED:
            result.confirmed.append(name)
            if stopped_at is not None:
                result.silent.append(name)
        elif status == PlaceStatus.WAITLISTED:
            result.waitlisted.append(name)
        elif answer == Answer.MAYBE:
            result.maybe.append(name)
        else:
            result.declined.append(name)
    recorded = await attendance.recorded(session=session, action_id=action.id)
    if recorded is not None:
        result.came, result.absent = recorded
    if action.language:
        result.speakers = (
            await session.scalar(
                select(func.count())
                .select_from(Rsvp)
                .join(
                    PersonLanguage,
                    (PersonLanguage.person_id == Rsvp.person_id)
                    & (PersonLanguage.language == action.language),
                )
                .where(Rsvp.action_id == action.id, Rsvp.status == PlaceStatus.CONFIRMED)
            )
            or 0
        )
    names = await joint.organiser_names(session=session, action_ids=[action.id])
    result.organisers = names.get(action.id, [])
    result.delivery = await delivery_counts(session, action_id=action.id)
    result.called = sum(result.delivery.values())
    result.cancellable = now is not None and cancellable(action, now)
    return result
