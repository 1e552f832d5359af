"""Queue a big call outside the caller's transaction: one short transaction to choose the
recipients, then one short transaction per chunk of rows.

Why here and not in the handler's transaction: with one unit of work per update, a call to
10,000 volunteers written inside the update's transaction would hold SQLite's write lock
for the whole insert, and every other update (a /help, a Ja press) would wait. Each chunk
(`bot.domain.calls.CALL_CHUNK` rows, tens of milliseconds) is its own transaction, so
other transactions get the lock between chunks. The dedup key is unique in the database
(`ON CONFLICT DO NOTHING`), so running this twice, or after a crash half-way, never makes
a second call for anyone.

Use: `create_action(..., queue=False)` in the update's transaction, then after its commit
`await queue_action_call(db=..., action_id=..., now=..., tz=..., second_wave_delay=...)`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from bot.domain.actions import CallPlan, plan_call, write_call_chunk
from bot.domain.vocabulary import ActionStatus
from storage.db import Database
from storage.models import Action


async def queue_action_call(
    *,
    db: Database,
    action_id: int,
    now: dt.datetime,
    tz: ZoneInfo,
    second_wave_delay: dt.timedelta,
) -> CallPlan:
    """Queue the call of action `action_id` in chunks (times aware UTC; `tz` the wall
    clock, Europe/Amsterdam). Returns the plan's counts (0/0 when the action is gone or
    no longer open). Database errors propagate; chunks written before stay written.
    """
    async with db.begin() as session:
        action = await session.get(Action, action_id)
        if action is None or action.status != ActionStatus.OPEN:
            return CallPlan(0, 0)
        call = await plan_call(
            session=session, action=action, now=now, tz=tz, second_wave_delay=second_wave_delay
        )
        starts_at = action.starts_at
    for chunk in call.chunks():
        async with db.begin() as session:
            await write_call_chunk(
                session=session, action_id=action_id, not_after=starts_at, rows=chunk, now=now
            )
        await asyncio.sleep(0)  # let other tasks (updates) take the lock between chunks
    return call.plan
