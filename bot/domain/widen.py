"""Call more people for an action: the other buurten of its wijk, or another wijk of the
coordinator's area (issue 7 item 3), and how many a new action would call at all.

Only people not called yet get the call (the call's dedup key `action_call:<action>:<person>`
is unique in the database: `ON CONFLICT DO NOTHING`), chosen by the same one query and
fit-first waves as the first call (`bot.domain.calls.plan_call` with `area_id`). Those
called this way may answer although they live outside the action's area
(`bot.domain.rsvp.may_answer`: they have its call).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, calls
from bot.domain.action_changes import managed_editable
from bot.domain.areas import AreaTree
from bot.domain.calls import call_recipients, plan_call, write_call_chunk
from bot.domain.errors import NotFound
from bot.domain.outbox import MessageKind
from bot.domain.vocabulary import AreaLevel
from storage.models import Action, OutboxMessage, Person

#: What a wider area is, for its label: the other buurten of the action's wijk, or a wijk.
SIBLINGS, WIJK = "siblings", "wijk"


@dataclass(frozen=True)
class WiderArea:
    """An area to widen a call to: its id, name and `SIBLINGS` or `WIJK`."""

    area_id: int
    name: str
    scope: str


def wider_areas(
    tree: AreaTree, *, action_area_id: int, coordinator_area_id: int
) -> list[WiderArea]:
    """Where a call can be widened to, within the coordinator's area: for an action in a
    buurt, first its wijk ("the other buurten of <wijk>": the action's own buurt and the
    wijk's own volunteers already had the call); then every other wijk of the coordinator's
    area, by name. Empty for a coordinator of one buurt."""
    found: list[WiderArea] = []
    node = tree.get(action_area_id)
    wijk = tree.nearest(action_area_id, AreaLevel.WIJK)
    if node is not None and node.level == AreaLevel.BUURT and wijk is not None:
        if tree.within(wijk.id, coordinator_area_id) and tree.siblings(node.id):
            found.append(WiderArea(wijk.id, wijk.name, SIBLINGS))
    below = tree.descendant_ids(coordinator_area_id)
    wijken = sorted(
        (n for n in tree.nodes.values() if n.id in below and n.level == AreaLevel.WIJK),
        key=lambda n: n.name,
    )
    found += [WiderArea(w.id, w.name, WIJK) for w in wijken if wijk is None or w.id != wijk.id]
    return found


async def choices(
    *, session: AsyncSession, coordinator: Person, action_id: int, now: dt.datetime
) -> tuple[Action, list[WiderArea]]:
    """The action (open, not started, managed by the coordinator) and where its call can go.
    Raises like `bot.domain.action_changes.managed_editable`."""
    action = await managed_editable(
        session=session, coordinator=coordinator, action_id=action_id, now=now
    )
    tree = await areas.tree(session)
    return action, wider_areas(
        tree, action_area_id=action.area_id, coordinator_area_id=coordinator.area_id
    )


@dataclass(frozen=True)
class Widened:
    """A wider call: the area's name, how many got it now and how many later (fit first)."""

    area_name: str
    now: int
    later: int


async def widen_call(
    *,
    session: AsyncSession,
    coordinator: Person,
    action_id: int,
    area_id: int,
    now: dt.datetime,
    tz: ZoneInfo,
    second_wave_delay: dt.timedelta,
) -> Widened:
    """Call the volunteers of `area_id` (one of `choices`) who were not called yet.

    Raises like `choices`, and `NotFound` for an area that is not one of the choices (a
    forged or stale button). Rows are written in `CALL_CHUNK` bulk inserts.
    """
    action, allowed = await choices(
        session=session, coordinator=coordinator, action_id=action_id, now=now
    )
    chosen = next((w for w in allowed if w.area_id == area_id), None)
    if chosen is None:
        raise NotFound()
    called = set(
        await session.scalars(
            select(OutboxMessage.person_id).where(
                OutboxMessage.action_id == action.id,
                OutboxMessage.message_key == MessageKind.ACTION_CALL,
            )
        )
    )
    call = await plan_call(
        session=session,
        action=action,
        now=now,
        tz=tz,
        second_wave_delay=second_wave_delay,
        area_id=area_id,
    )
    rows = [r for r in call.rows if r.person_id not in called]
    size = calls.CALL_CHUNK  # read at call time: tests make it small
    for start in range(0, len(rows), size):
        await write_call_chunk(
            session=session,
            action_id=action.id,
            not_after=action.starts_at,
            rows=rows[start : start + size],
            now=now,
        )
    first = sum(1 for r in rows if r.due_at == now)
    return Widened(chosen.name, first, len(rows) - first)


async def would_call(*, session: AsyncSession, action: Action, tz: ZoneInfo) -> int:
    """How many volunteers the call of this (unsaved) action would reach (for the preview:
    "nobody would get the call" is said before confirming)."""
    return len(await call_recipients(session=session, action=action, tz=tz))
