"""Olievlek ("oil stain"): repeat an action in a buurt where little has happened yet
(issue 10, item 9). From the overview a coordinator taps "Here too: <buurt>"; the action
is copied the way "Once more" copies it (`bot.domain.action_copy.copy_draft`, with the buurt,
the next same weekday and the local start and end time), and the normal planning
conversation asks the meeting place and shows the usual preview before anything is
created or called.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.overview import Overview
from bot.domain.vocabulary import ActionStatus, AreaLevel
from storage.models import Action

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
