"""Duplicates and overlaps (issue 7 item 10).

- `same_action_planned`: before a new action is confirmed, an open action of the same kind
  in the same area at an overlapping time ("Er is al ... Toch nog een?").
- `overlapping_yes`: before a volunteer's Ja counts, another action they said Ja to that
  overlaps in time (back-to-back is fine: [start, end) intervals).
A person never gets two calls for one action: the call's dedup key is unique in the
database (`bot.domain.calls.write_call_chunk`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.vocabulary import ActionStatus, Answer
from storage.models import Action, Rsvp


@dataclass(frozen=True)
class Overlap:
    """An open action that overlaps another: its id, title and start (aware UTC)."""

    id: int
    title: str
    starts_at: dt.datetime


async def same_action_planned(
    *,
    session: AsyncSession,
    kind: str,
    area_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> Overlap | None:
    """An open action of the same kind in the same area whose time overlaps [starts_at,
    ends_at) (back-to-back does not overlap), or None; the earliest if several (issue 7
    item 10: "Er is al ... Toch nog een?")."""
    row = (
        await session.execute(
            select(Action.id, Action.title, Action.starts_at)
            .where(
                Action.status == ActionStatus.OPEN,
                Action.kind == kind,
                Action.area_id == area_id,
                Action.starts_at < ends_at,
                Action.ends_at > starts_at,
            )
            .order_by(Action.starts_at, Action.id)
            .limit(1)
        )
    ).first()
    return None if row is None else Overlap(*row)


async def overlapping_yes(
    *, session: AsyncSession, person_id: int, action_id: int
) -> tuple[Overlap, Overlap] | None:
    """(this action, another open action this person said Ja to, with a place or waiting,
    whose time overlaps it), or None: no overlap (back-to-back is fine), the action is
    unknown, or they already said Ja to it (issue 7 item 10)."""
    action = await session.get(Action, action_id)
    if action is None:
        return None
    already = await session.scalar(
        select(Rsvp.id).where(
            Rsvp.action_id == action_id, Rsvp.person_id == person_id, Rsvp.answer == Answer.YES
        )
    )
    if already is not None:
        return None
    row = (
        await session.execute(
            select(Action.id, Action.title, Action.starts_at)
            .join(Rsvp, Rsvp.action_id == Action.id)
            .where(
                Rsvp.person_id == person_id,
                Rsvp.answer == Answer.YES,
                Action.id != action.id,
                Action.status == ActionStatus.OPEN,
                Action.starts_at < action.ends_at,
                Action.ends_at > action.starts_at,
            )
            .order_by(Action.starts_at, Action.id)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    return Overlap(action.id, action.title, action.starts_at), Overlap(*row)
