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
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, delete, event, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import Action, Area, OutboxMessage, OutboxSender, Person

#: `Session.info` flag: this transaction queued outbox rows (set by `bot.domain.outbox`).
WAKE_FLAG = "outbox_queued"

_wakers: set[Callable[[], None]] = set()


def add_waker(callback: Callable[[], None]) -> None:
    """Call `callback()` (no arguments, must not block) after every commit in this process
    whose session queued outbox rows: the dispatcher's "wake up, work is due" hook."""
    _wakers.add(callback)


def remove_waker(callback: Callable[[], None]) -> None:
    """Undo `add_waker` (unknown callbacks are ignored)."""
    _wakers.discard(callback)


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.info.pop(WAKE_FLAG, False):
        for callback in list(_wakers):
            callback()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(WAKE_FLAG, None)


#: Statuses a claimed row can end in (see `mark_outcome`).
FINAL_STATUSES = frozenset({"sent", "blocked", "failed", "expired", "cancelled"})

#: Keys of `delivery_counts`, always all present.
COUNT_KEYS = ("sent", "blocked", "failed", "pending", "expired", "cancelled")

#: Longest `last_error` the column holds.
ERROR_MAX_CHARS = 200


def _clip(error: str | None) -> str | None:
    return None if error is None else error[:ERROR_MAX_CHARS]


@dataclass
class ClaimedRow:
    """A claimed outbox row as plain values (no ORM object on the send path)."""

    id: int
    person_id: int | None
    chat_id: int
    message_key: str
    args: dict[str, Any]
    action_id: int | None
    due_at: dt.datetime
    not_after: dt.datetime | None
    attempts: int
    status: str = "sending"


_CLAIM_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.person_id,
    OutboxMessage.chat_id,
    OutboxMessage.message_key,
    OutboxMessage.args,
    OutboxMessage.action_id,
    OutboxMessage.due_at,
    OutboxMessage.not_after,
    OutboxMessage.attempts,
)


async def claim_due(
    session: AsyncSession,
    *,
    now: dt.datetime,
    limit: int,
    lease_seconds: float = 60,
    exclude_chat_ids: Collection[int] = (),
    instance: str | None = None,
) -> list[ClaimedRow]:
    """Claim up to `limit` rows that are due at `now` (aware UTC), oldest `due_at` first.

    Due means: status 'pending' with `due_at <= now`, or status 'sending' whose lease
    (`claimed_until`) is before `now` — a sender that crashed mid-batch. Each claimed row is
    set to 'sending', `claimed_until = now + lease_seconds`, `claimed_by = instance` and
    `attempts + 1`; the rows are returned in `(due_at, id)` order as `ClaimedRow`s (two Core
    statements, not committed).

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
    stmt = select(*_CLAIM_COLUMNS).where(due)
    if exclude_chat_ids:
        stmt = stmt.where(OutboxMessage.chat_id.not_in(list(exclude_chat_ids)))
    stmt = stmt.order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = [ClaimedRow(*values) for values in (await session.execute(stmt)).all()]
    if not rows:
        return rows
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([r.id for r in rows]))
        .values(
            status="sending",
            claimed_until=now + dt.timedelta(seconds=lease_seconds),
            claimed_by=instance,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    for row in rows:
        row.attempts = (row.attempts or 0) + 1
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
            claimed_by=None,
            attempts=case((OutboxMessage.attempts > 0, OutboxMessage.attempts - 1), else_=0),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def load_recipients_and_actions(
    session: AsyncSession, rows: Iterable[ClaimedRow | OutboxMessage]
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


# -- batch bookkeeping and senders ----------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What to record for one claimed row (see `record_outcomes`).

    `kind`: sent | blocked | failed | expired | cancelled (final), unreachable (a final
    'failed' that also marks the person unreachable, e.g. 400 "chat not found"), retry
    (pending again at `due_at`), release (pending again, attempt taken back), postpone
    (pending again at `due_at`, attempt taken back: held for quiet hours).
    """

    message_id: int
    kind: str
    error: str | None = None
    due_at: dt.datetime | None = None
    #: For the sender's own follow-up (not stored): the recipient, and the action of a call.
    person_id: int | None = None
    call_action_id: int | None = None
    #: A sent message that is a relay (a coordinator's message to the people coming):
    #: (chat id, message id of the delivered copy, id of the person who wrote it).
    relayed: tuple[int, int, int] | None = None


async def record_outcomes(
    session: AsyncSession,
    outcomes: Iterable[Outcome],
    *,
    now: dt.datetime,
    forget_args_keys: Collection[str] = (),
) -> None:
    """Record many outcomes in the caller's transaction with few Core statements: one
    UPDATE per (status, error) group, one for the released rows, one per retry time, and
    one that marks the persons of 'blocked' / 'unreachable' rows unreachable
    (`Person.unreachable_at = now` when not set yet). Rows of `forget_args_keys` that end
    (any final status) get their args wiped (a message's text is not kept once done).
    Only rows still 'sending' change, so a row whose lease ran out and was taken by
    another sender is not overwritten.
    """
    groups: dict[tuple[str, str | None], list[int]] = {}
    retries: dict[tuple[dt.datetime, str | None], list[int]] = {}
    released: list[int] = []
    unreachable: list[int] = []
    postponed: dict[dt.datetime, list[int]] = {}
    for outcome in outcomes:
        if outcome.kind == "postpone":
            assert outcome.due_at is not None
            postponed.setdefault(outcome.due_at, []).append(outcome.message_id)
        elif outcome.kind == "release":
            released.append(outcome.message_id)
        elif outcome.kind == "retry":
            assert outcome.due_at is not None
            retries.setdefault((outcome.due_at, _clip(outcome.error)), []).append(
                outcome.message_id
            )
        else:
            status = outcome.kind
            if status in ("blocked", "unreachable"):
                unreachable.append(outcome.message_id)
                status = "blocked" if status == "blocked" else "failed"
            if status not in FINAL_STATUSES:
                raise ValueError(f"not an outcome: {outcome.kind!r}")
            groups.setdefault((status, _clip(outcome.error)), []).append(outcome.message_id)
    sending = OutboxMessage.status == "sending"
    for (status, error), ids in groups.items():
        values: dict[str, object] = {
            "status": status,
            "claimed_until": None,
            "claimed_by": None,
            "last_error": error,
        }
        if status == "sent":
            values["sent_at"] = now
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), sending)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    for (due_at, error), ids in retries.items():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), sending)
            .values(
                status="pending",
                due_at=due_at,
                claimed_until=None,
                claimed_by=None,
                last_error=error,
            )
            .execution_options(synchronize_session=False)
        )
    await release(session, released)
    done = [i for ids in groups.values() for i in ids]
    if forget_args_keys and done:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(done),
                OutboxMessage.message_key.in_(list(forget_args_keys)),
                OutboxMessage.status.in_(list(FINAL_STATUSES)),
            )
            .values(args={})
            .execution_options(synchronize_session=False)
        )
    for due_at, ids in postponed.items():
        await release(session, ids)
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "pending")
            .values(due_at=due_at)
            .execution_options(synchronize_session=False)
        )
    if unreachable:
        await session.execute(
            update(Person)
            .where(
                Person.id.in_(
                    select(OutboxMessage.person_id).where(OutboxMessage.id.in_(unreachable))
                ),
                Person.unreachable_at.is_(None),
            )
            .values(unreachable_at=now)
            .execution_options(synchronize_session=False)
        )


async def heartbeat(session: AsyncSession, *, instance: str, now: dt.datetime) -> None:
    """Register or refresh a sender process (`instance`, its id) at `now` (aware UTC)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(OutboxSender).values(instance_id=instance, started_at=now, heartbeat_at=now)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["instance_id"], set_={"heartbeat_at": now})
    )


async def release_dead_claims(
    session: AsyncSession,
    *,
    instance: str,
    now: dt.datetime,
    dead_after_seconds: float,
    include_self: bool = False,
    all_others: bool = False,
) -> int:
    """Put back to 'pending' the rows claimed by senders that are gone, so they are sent
    again at once instead of after their lease; returns how many.

    Gone: with `include_self=True` the sender `instance` itself (at start: its earlier
    claims, from before a restart with the same instance id), senders whose heartbeat is older than
    `dead_after_seconds`, claims without a sender row, and with `all_others=True` every
    other sender (SQLite: one process only, so any claim at start-up is stale).
    Dead senders' rows in `outbox_sender` are deleted. The attempt is not taken back
    (it may have reached Telegram: delivery is at-least-once).
    """
    alive = select(OutboxSender.instance_id).where(
        OutboxSender.heartbeat_at >= now - dt.timedelta(seconds=dead_after_seconds)
    )
    if include_self:
        alive = alive.where(OutboxSender.instance_id != instance)
    stale = OutboxMessage.status == "sending"
    if all_others:
        stale = (
            and_(
                stale, or_(OutboxMessage.claimed_by.is_(None), OutboxMessage.claimed_by != instance)
            )
            if not include_self
            else stale
        )
    else:
        stale = and_(
            stale,
            or_(
                OutboxMessage.claimed_by.is_(None),
                OutboxMessage.claimed_by.not_in(alive),
            ),
        )
    result = await session.execute(
        update(OutboxMessage)
        .where(stale)
        .values(status="pending", claimed_until=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(OutboxSender).where(
            OutboxSender.heartbeat_at < now - dt.timedelta(seconds=dead_after_seconds)
        )
    )
    return result.rowcount or 0


async def forget_sender(session: AsyncSession, *, instance: str) -> None:
    """Remove a sender that stops cleanly (after releasing its claims)."""
    await session.execute(delete(OutboxSender).where(OutboxSender.instance_id == instance))


async def next_due_at(session: AsyncSession) -> dt.datetime | None:
    """The earliest `due_at` of a pending row (aware UTC), or None when nothing waits."""
    return await session.scalar(
        select(func.min(OutboxMessage.due_at)).where(OutboxMessage.status == "pending")
    )


async def cancelled_action_ids(session: AsyncSession, action_ids: Collection[int]) -> set[int]:
    """Which of `action_ids` are cancelled now (one query; for calls that went out
    while a coordinator cancelled)."""
    if not action_ids:
        return set()
    rows = await session.scalars(
        select(Action.id).where(Action.id.in_(list(action_ids)), Action.status == "cancelled")
    )
    return set(rows.all())
