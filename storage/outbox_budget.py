"""The bot's shared send budget on PostgreSQL: one budget row and per-chat pacing rows that
every sender process updates atomically (issue 11 item 5: Telegram's limits are per bot).

Times are the database's `clock_timestamp()` (the real time at the statement, not the
transaction start), so processes on several hosts share one clock. None of these functions
commit; each is meant for a short transaction of its own. PostgreSQL only (SQLite is one
process and paces in memory, `bot.delivery.pacing`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxBudget, OutboxChatPace

#: The one budget row's name.
BUDGET = "bot"
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Reservation:
    """Send slots reserved for one chunk of messages (all aware UTC, database clock).

    Slot `j` (0-based, in the order the chats were given) starts at
    `first_slot + j * interval`. `granted` holds the chats that may get their message in
    their slot; the others got a message from another process less than their interval
    before that slot (their slot is not used). `paused_until` is the end of the bot's last
    429 pause (in the past when not paused); `db_now` the database clock at the statement.
    """

    db_now: dt.datetime
    first_slot: dt.datetime
    paused_until: dt.datetime
    granted: frozenset[int]


async def ensure_budget(session: AsyncSession) -> None:
    """Create the budget row when it is missing (safe to run from every process at once)."""
    await session.execute(
        insert(OutboxBudget)
        .values(name=BUDGET, next_slot_at=func.clock_timestamp(), paused_until=_EPOCH)
        .on_conflict_do_nothing(index_elements=["name"])
    )


async def reserve_slots(
    session: AsyncSession,
    chats: list[int],
    *,
    interval: float,
    margin: float,
    person_interval: float = 1.0,
    group_interval: float = 3.0,
) -> Reservation:
    """Reserve `len(chats)` consecutive send slots `interval` seconds apart and, per chat,
    the chat's next turn; two statements, atomic under the budget row's lock.

    `chats`: chat ids, each at most once; a chat's interval is `person_interval` seconds,
    `group_interval` for a group (id < 0; Telegram: 1 message/s per chat, 20/min per
    group). The slots start at the first free slot, never before now or the end of a 429
    pause. A chat is granted when its pacing row allows a message at its slot; it then
    may not get another one before slot + its interval + `margin` (seconds; covers
    the time between the slot and the request leaving this process).
    Raises `ValueError` for an empty `chats` or a repeated chat id; database errors propagate.
    """
    if not chats:
        raise ValueError("nothing to reserve")
    if len(set(chats)) != len(chats):
        raise ValueError("a chat id is given twice")
    length = dt.timedelta(seconds=interval * len(chats))
    start = func.greatest(
        OutboxBudget.next_slot_at, OutboxBudget.paused_until, func.clock_timestamp()
    )
    row = (
        await session.execute(
            update(OutboxBudget)
            .where(OutboxBudget.name == BUDGET)
            .values(next_slot_at=start + length)
            .returning(OutboxBudget.next_slot_at, OutboxBudget.paused_until, func.clock_timestamp())
        )
    ).one()
    next_slot, paused_until, db_now = row
    first = _aware(next_slot) - length
    step = dt.timedelta(seconds=interval)
    values = [
        {
            "chat_id": chat,
            "next_send_at": first
            + j * step
            + dt.timedelta(seconds=(group_interval if chat < 0 else person_interval) + margin),
        }
        for j, chat in enumerate(chats)
    ]
    stmt = insert(OutboxChatPace).values(values)
    # The slot of the new message is next_send_at minus the chat's interval and the margin.
    wait = case(
        (stmt.excluded.chat_id < 0, literal(dt.timedelta(seconds=group_interval + margin))),
        else_=literal(dt.timedelta(seconds=person_interval + margin)),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["chat_id"],
        set_={"next_send_at": stmt.excluded.next_send_at},
        where=OutboxChatPace.next_send_at <= stmt.excluded.next_send_at - wait,
    ).returning(OutboxChatPace.chat_id)
    granted = frozenset((await session.scalars(stmt)).all())
    return Reservation(
        db_now=_aware(db_now),
        first_slot=first,
        paused_until=_aware(paused_until),
        granted=granted,
    )


async def pause_budget(session: AsyncSession, seconds: float) -> dt.datetime:
    """Telegram answered 429 `retry_after=seconds`: no process sends until then. A pause
    never shortens one already in force (two 429s for the same limit make one pause).
    Returns the pause's end (aware UTC, database clock)."""
    until = func.clock_timestamp() + dt.timedelta(seconds=max(seconds, 0.0))
    value = (
        await session.execute(
            update(OutboxBudget)
            .where(OutboxBudget.name == BUDGET)
            .values(
                paused_until=func.greatest(OutboxBudget.paused_until, until),
                next_slot_at=func.greatest(OutboxBudget.next_slot_at, until),
            )
            .returning(OutboxBudget.paused_until)
        )
    ).scalar_one()
    return _aware(value)


async def read_pause(session: AsyncSession) -> tuple[dt.datetime, dt.datetime]:
    """(end of the bot's pause, database clock now), both aware UTC."""
    row = (
        await session.execute(
            select(OutboxBudget.paused_until, func.clock_timestamp()).where(
                OutboxBudget.name == BUDGET
            )
        )
    ).one()
    return _aware(row[0]), _aware(row[1])


async def forget_past_chats(session: AsyncSession, *, older_than_seconds: float = 60.0) -> int:
    """Delete pacing rows whose turn passed more than `older_than_seconds` ago (they no
    longer hold anything back; they hold a chat id). Returns how many."""
    result = await session.execute(
        delete(OutboxChatPace).where(
            OutboxChatPace.next_send_at
            < func.clock_timestamp() - dt.timedelta(seconds=older_than_seconds)
        )
    )
    return result.rowcount or 0


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
