"""Olievlek ("oil stain"): repeat an action in a buurt where little has happened yet
(issue 10, item 9). From the overview a coordinator taps "Here too: <buurt>"; the action
is copied into a new draft for that buurt (kind, title, local start and end time, volunteers
needed) on the next same weekday, and the normal planning conversation asks the meeting
place and shows the usual preview before anything is created or called.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.actions import may_manage
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.overview import Overview
from bot.domain.vocabulary import ActionStatus, AreaLevel, Role
from storage.models import Action, Person

MAX_SUGGESTED = 3  # "Here too" buttons under an overview


@dataclass(frozen=True)
class Suggestion:
    """Copy action `action_id` to the buurt `area_id` (named `area_name`)."""

    action_id: int
    area_id: int
    area_name: str


async def suggestions(*, session: AsyncSession, overview: Overview) -> list[Suggestion]:
    """Up to `MAX_SUGGESTED` buurten of the overview where no action was held in its period
    (fewest sign-ups first, then by name), each with the most recent action held in the
    overview's area as the one to copy. Empty when no action was held at all."""
    ids = (await areas.tree(session)).descendant_ids(overview.area_id)
    latest = await session.scalar(
        select(Action.id)
        .where(
            Action.area_id.in_(ids),
            Action.status != ActionStatus.CANCELLED,
            Action.starts_at >= overview.since,
            Action.starts_at < overview.until,
        )
        .order_by(Action.starts_at.desc(), Action.id.desc())
        .limit(1)
    )
    if latest is None:
        return []
    quiet = [r for r in overview.rows if r.level == AreaLevel.BUURT and r.actions_held == 0]
    quiet.sort(key=lambda r: (r.sign_ups or 0, r.name))
    return [Suggestion(latest, r.area_id, r.name) for r in quiet[:MAX_SUGGESTED]]


async def copy_to(
    *,
    session: AsyncSession,
    coordinator: Person,
    action_id: int,
    area_id: int,
    today: dt.date,
    tz: ZoneInfo,
) -> dict[str, Any]:
    """The planning draft (as `bot.handlers.action_input.draft_from_data` reads it) of a
    copy of the action for the buurt `area_id`, without a meeting place: kind, title,
    area_id, date (the next same weekday after `today`, 1..7 days ahead), start, end
    ('HH:MM' on the wall clock of `tz`) and needed.

    Raises `NotFound` (no such action or area), `NotAllowed` (not an onboarded coordinator
    who manages both the action's area and the target, or the target is not a buurt).
    """
    action = await session.get(Action, action_id)
    tree = await areas.tree(session)
    target = tree.get(area_id)
    if action is None or target is None:
        raise NotFound()
    if (
        coordinator.role != Role.COORDINATOR
        or coordinator.onboarded_at is None
        or target.level != AreaLevel.BUURT
        or not await may_manage(session=session, person=coordinator, area_id=action.area_id)
        or not await may_manage(session=session, person=coordinator, area_id=area_id)
    ):
        raise NotAllowed()
    start, end = action.starts_at.astimezone(tz), action.ends_at.astimezone(tz)
    ahead = (start.weekday() - today.weekday()) % 7 or 7
    return {
        "kind": action.kind,
        "title": action.title,
        "area_id": area_id,
        "date": (today + dt.timedelta(days=ahead)).isoformat(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "needed": action.volunteers_needed,
    }
