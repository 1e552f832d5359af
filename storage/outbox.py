"""Outbox queries for the dispatcher: claim due rows, record outcomes, count deliveries.

Writing rows is `bot.domain.outbox.enqueue`; this module is what `bot.delivery` uses to
send them. All times are timezone-aware UTC. None of these functions commit: the caller's
transaction (`async with db.begin() as session`) does, and each one should be short — the
dispatcher never holds a transaction open across an HTTP request.

Row life cycle (`OutboxMessage.status`)::

    pending --claim_due--> sending --mark_outcome--> sent | blocked | failed | expired
                              |                      | cancelled
                              +--release / retry_later--> pending

A row stays 'sending' only for its lease (`claimed_until`); if the sender crashes, the next
`claim_due` after the lease takes it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Action, Area, OutboxMessage, Person

#: Statuses a claimed row can end in (see `mark_outcome`).
FINAL_STATUSES = frozenset({"sent", "blocked", "failed", "expired", "cancelled"})

#: Keys of `delivery_counts`, always all present.
COUNT_KEYS = ("sent", "blocked", "failed", "pending", "expired", "cancelled")

#: Longest `last_error` the column holds.
ERROR_MAX_CHARS = 200


def _clip(error: str | None) -> str | None:
    return None if error is None else error[:ERROR_MAX_CHARS]


async def claim_due(
    session: AsyncSession,
    *,
    now: dt.datetime,
    limit: int,
    lease_seconds: float = 60,
    exclude_chat_ids: Collection[int] = (),
) -> list[OutboxMessage]:
    """Claim up to `limit` rows that are due at `now` (aware UTC), oldest `due_at` first.

    Due means: status 'pending' with `due_at <= now`, or status 'sending' whose lease
    (`claimed_until`) is before `now` — a sender that crashed mid-batch. Each claimed row is
    set to 'sending', `claimed_until = now + lease_seconds` and `attempts + 1`; the rows are
    returned in `(due_at, id)` order (flushed, not committed).

    `exclude_chat_ids` leaves rows for those chats unclaimed (chats this process sent to less
    than a second ago: Telegram allows about 1 message per second per chat).

    Concurrency: on PostgreSQL the rows are selected `FOR UPDATE SKIP LOCKED`, so several
    processes claiming at the same moment get disjoint rows; on SQLite every transaction
    starts with `BEGIN IMMEDIATE` (see `storage.db`), so claims are serialised.
    Raises `ValueError` for `limit < 1` or `lease_seconds <= 0`.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if lease_seconds <= 0:
        raise ValueError("lease_seconds must be positive")
    due = or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.due_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
    )
    stmt = select(OutboxMessage).where(due)
    if exclude_chat_ids:
        stmt = stmt.where(OutboxMessage.chat_id.not_in(list(exclude_chat_ids)))
    stmt = stmt.order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    # populate_existing: a row already in this session's identity map gets fresh values.
    rows = list(await session.scalars(stmt.execution_options(populate_existing=True)))
    lease_end = now + dt.timedelta(seconds=lease_seconds)
    for row in rows:
        row.status = "sending"
        row.claimed_until = lease_end
        row.attempts = (row.attempts or 0) + 1
    await session.flush()
    return rows


async def mark_outcome(
    session: AsyncSession,
    message_id: int,
    status: str,
    *,
    now: dt.datetime,
    error: str | None = None,
) -> bool:
    """Record the final outcome of a claimed ('sending') row.

    `status` is one of sent | blocked | failed | expired | cancelled; `error` (a reason
    without personal data) is cut to 200 characters and stored in `last_error`; `sent_at` is
    set to `now` (aware UTC) for 'sent'. Only a row still in 'sending' is changed, so a row
    whose lease ran out and was taken by another sender is not overwritten.
    Returns True when the row was updated. Raises `ValueError` for another status.
    """
    if status not in FINAL_STATUSES:
        raise ValueError(f"not a final outbox status: {status!r}")
    values: dict[str, object] = {
        "status": status,
        "claimed_until": None,
        "last_error": _clip(error),
    }
    if status == "sent":
        values["sent_at"] = now
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def mark_blocked(
    session: AsyncSession, message_id: int, *, now: dt.datetime, error: str | None = None
) -> bool:
    """The recipient blocked the bot (Telegram answered 403 Forbidden).

    Marks the row 'blocked' (never retried) and sets `Person.unreachable_at = now` for its
    person when not set yet; the person's other rows are then cancelled at their send time.
    Returns True when the row was updated (see `mark_outcome`).
    """
    changed = await mark_outcome(session, message_id, "blocked", now=now, error=error)
    person_id = await session.scalar(
        select(OutboxMessage.person_id).where(OutboxMessage.id == message_id)
    )
    if person_id is not None:
        await session.execute(
            update(Person)
            .where(Person.id == person_id, Person.unreachable_at.is_(None))
            .values(unreachable_at=now)
            .execution_options(synchronize_session=False)
        )
    return changed


async def retry_later(
    session: AsyncSession,
    message_id: int,
    *,
    due_at: dt.datetime,
    error: str | None = None,
) -> bool:
    """Put a claimed row back to 'pending', due again at `due_at` (aware UTC).

    For a failed attempt that may succeed later (time-out, network error, 5xx): the attempt
    stays counted in `attempts`; `error` goes to `last_error` (cut to 200 characters).
    Returns True when the row was still 'sending' and was changed.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending")
        .values(status="pending", due_at=due_at, claimed_until=None, last_error=_clip(error))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def release(session: AsyncSession, message_ids: Iterable[int]) -> int:
    """Put claimed rows back to 'pending' unchanged, as if they had not been claimed.

    For rows that were not attempted: held back by the per-chat pace, or left when sending
    paused (Telegram's 429 "retry after"). `due_at` is kept (they keep their place in the
    queue) and the attempt counted by `claim_due` is taken back.
    Returns the number of rows changed (only rows still in 'sending').
    """
    ids = list(message_ids)
    if not ids:
        return 0
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "sending")
        .values(
            status="pending",
            claimed_until=None,
            attempts=case((OutboxMessage.attempts > 0, OutboxMessage.attempts - 1), else_=0),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def load_recipients_and_actions(
    session: AsyncSession, rows: Iterable[OutboxMessage]
) -> tuple[dict[int, Person], dict[int, Action], dict[int, str]]:
    """What the dispatcher needs to check and render `rows`, in three queries.

    Returns `(persons by id, actions by id, area names by area id)`; ids of deleted persons
    or actions are simply absent.
    """
    rows = list(rows)
    person_ids = {r.person_id for r in rows if r.person_id is not None}
    action_ids = {r.action_id for r in rows if r.action_id is not None}
    persons: dict[int, Person] = {}
    actions: dict[int, Action] = {}
    areas: dict[int, str] = {}
    if person_ids:
        persons = {
            p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(person_ids)))
        }
    if action_ids:
        actions = {
            a.id: a for a in await session.scalars(select(Action).where(Action.id.in_(action_ids)))
        }
    area_ids = {a.area_id for a in actions.values()}
    if area_ids:
        result = await session.execute(select(Area.id, Area.name).where(Area.id.in_(area_ids)))
        areas = {area_id: name for area_id, name in result}
    return persons, actions, areas


async def delivery_counts(
    session: AsyncSession, *, action_id: int, message_key: str = "action_call"
) -> dict[str, int]:
    """How the messages of one kind for one action fared, e.g. for a coordinator's overview.

    Returns `{"sent", "blocked", "failed", "pending", "expired", "cancelled"}` -> count, every
    key present (zero when none); "pending" includes rows being sent right now ('sending').
    """
    result = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.action_id == action_id, OutboxMessage.message_key == message_key)
        .group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys(COUNT_KEYS, 0)
    for status, count in result:
        key = "pending" if status == "sending" else status
        counts[key] = counts.get(key, 0) + count
    return counts
