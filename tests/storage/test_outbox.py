"""Outbox queries (storage.outbox) and enqueue dedup (bot.domain.outbox), on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from bot.domain.outbox import cancel_pending, enqueue
from storage.db import Database
from storage.models import Action, OutboxMessage, Person
from storage.outbox import (
    claim_due,
    delivery_counts,
    load_recipients_and_actions,
    mark_blocked,
    mark_outcome,
    release,
    retry_later,
)
from tests import factories as make

T0 = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)


# Each helper commits its own transaction (the rows must be visible to the claims below);
# the rows themselves come from tests/factories.py.


async def _person(db: Database, *, language: str = "en") -> Person:
    async with db.begin() as session:
        return await make.person(session, area="Centrum", language=language, now=T0)


async def _action(db: Database, **fields: object) -> Action:
    fields.setdefault("starts_at", T0 + dt.timedelta(days=2))
    fields.setdefault("ends_at", T0 + dt.timedelta(days=2, hours=2))
    async with db.begin() as session:
        return await make.action(session, area="Centrum", created_at=T0, **fields)


async def _row(db: Database, person: Person, *, due_at: dt.datetime, **fields: object) -> int:
    async with db.begin() as session:
        return (await make.outbox_row(session, person, due_at=due_at, **fields)).id


async def _get(db: Database, message_id: int) -> OutboxMessage:
    async with db.begin() as session:
        row = await session.get(OutboxMessage, message_id)
        assert row is not None
        return row


async def test_claim_takes_due_rows_in_due_order_and_marks_them_sending(db: Database) -> None:
    person = await _person(db)
    late = await _row(db, person, due_at=T0 - dt.timedelta(minutes=1))
    early = await _row(db, person, due_at=T0 - dt.timedelta(minutes=5))
    same_time_a = await _row(db, person, due_at=T0 - dt.timedelta(minutes=3))
    same_time_b = await _row(db, person, due_at=T0 - dt.timedelta(minutes=3))

    async with db.begin() as session:
        claimed = await claim_due(session, now=T0, limit=10, lease_seconds=60)

    assert [r.id for r in claimed] == [early, same_time_a, same_time_b, late]
    for message_id in (early, same_time_a, same_time_b, late):
        row = await _get(db, message_id)
        assert row.status == "sending"
        assert row.attempts == 1
        assert row.claimed_until == T0 + dt.timedelta(seconds=60)


async def test_claim_respects_limit_and_leaves_not_due_rows_alone(db: Database) -> None:
    person = await _person(db)
    due = [await _row(db, person, due_at=T0 - dt.timedelta(seconds=i)) for i in (3, 2, 1)]
    exactly_now = await _row(db, person, due_at=T0)
    future = await _row(db, person, due_at=T0 + dt.timedelta(seconds=1))
    sent = await _row(db, person, due_at=T0 - dt.timedelta(hours=1), status="sent")

    async with db.begin() as session:
        first = await claim_due(session, now=T0, limit=2)
    async with db.begin() as session:
        second = await claim_due(session, now=T0, limit=10)

    assert [r.id for r in first] == due[:2]
    assert [r.id for r in second] == [due[2], exactly_now]
    assert (await _get(db, future)).status == "pending"
    assert (await _get(db, future)).attempts == 0
    assert (await _get(db, sent)).status == "sent"


async def test_claim_skips_excluded_chats(db: Database) -> None:
    busy, free = await _person(db), await _person(db)
    await _row(db, busy, due_at=T0 - dt.timedelta(seconds=5))
    free_row = await _row(db, free, due_at=T0)

    async with db.begin() as session:
        claimed = await claim_due(session, now=T0, limit=10, exclude_chat_ids={busy.chat_id})

    assert [r.id for r in claimed] == [free_row]


async def test_a_crashed_senders_row_is_claimed_again_after_its_lease(db: Database) -> None:
    person = await _person(db)
    message_id = await _row(db, person, due_at=T0)
    async with db.begin() as session:
        await claim_due(session, now=T0, limit=10, lease_seconds=60)
    # The sender "crashes": nothing is recorded, the row stays 'sending'.

    async with db.begin() as session:
        during_lease = await claim_due(session, now=T0 + dt.timedelta(seconds=59), limit=10)
    async with db.begin() as session:
        at_lease_end = await claim_due(session, now=T0 + dt.timedelta(seconds=60), limit=10)
    async with db.begin() as session:
        after_lease = await claim_due(session, now=T0 + dt.timedelta(seconds=61), limit=10)

    assert during_lease == []
    assert at_lease_end == []  # claimed_until < now, strictly
    assert [r.id for r in after_lease] == [message_id]
    row = await _get(db, message_id)
    assert row.attempts == 2
    assert row.claimed_until == T0 + dt.timedelta(seconds=121)


async def test_claim_rejects_bad_arguments(db: Database) -> None:
    async with db.begin() as session:
        with pytest.raises(ValueError):
            await claim_due(session, now=T0, limit=0)
        with pytest.raises(ValueError):
            await claim_due(session, now=T0, limit=1, lease_seconds=0)


async def test_outcomes_release_and_retry(db: Database) -> None:
    person = await _person(db)
    ids = [await _row(db, person, due_at=T0) for _ in range(4)]
    async with db.begin() as session:
        await claim_due(session, now=T0, limit=10)

    later = T0 + dt.timedelta(seconds=10)
    async with db.begin() as session:
        assert await mark_outcome(session, ids[0], "sent", now=T0)
        assert await mark_outcome(session, ids[1], "failed", now=T0, error="x" * 500)
        assert await retry_later(session, ids[2], due_at=later, error="TimedOut: timed out")
        assert await release(session, [ids[3]]) == 1
        # Only 'sending' rows change: a second outcome for the same row is refused.
        assert not await mark_outcome(session, ids[0], "failed", now=T0)
        with pytest.raises(ValueError):
            await mark_outcome(session, ids[0], "pending", now=T0)

    sent, failed, retried, released = [await _get(db, i) for i in ids]
    assert (sent.status, sent.sent_at, sent.claimed_until) == ("sent", T0, None)
    assert failed.status == "failed"
    assert failed.last_error == "x" * 200
    assert failed.sent_at is None
    assert (retried.status, retried.due_at, retried.attempts) == ("pending", later, 1)
    assert retried.last_error == "TimedOut: timed out"
    assert (released.status, released.due_at, released.attempts) == ("pending", T0, 0)
    assert released.claimed_until is None


async def test_mark_blocked_marks_the_person_unreachable(db: Database) -> None:
    person = await _person(db)
    message_id = await _row(db, person, due_at=T0)
    async with db.begin() as session:
        await claim_due(session, now=T0, limit=10)
    async with db.begin() as session:
        assert await mark_blocked(session, message_id, now=T0, error="Forbidden: bot was blocked")

    assert (await _get(db, message_id)).status == "blocked"
    async with db.begin() as session:
        stored = await session.get(Person, person.id)
        assert stored is not None
        assert stored.unreachable_at == T0


async def test_load_recipients_and_actions(db: Database) -> None:
    person = await _person(db)
    action = await _action(db)
    message_id = await _row(db, person, due_at=T0, action_id=action.id)
    async with db.begin() as session:
        rows = await claim_due(session, now=T0, limit=10)
        persons, actions, areas = await load_recipients_and_actions(session, rows)

    assert [r.id for r in rows] == [message_id]
    assert set(persons) == {person.id}
    assert set(actions) == {action.id}
    assert areas == {action.area_id: "Centrum"}


async def test_enqueue_dedups_on_dedup_key(db: Database) -> None:
    person = await _person(db)
    action = await _action(db)
    key = f"call:{action.id}:{person.id}"

    async def put(due_at: dt.datetime) -> int:
        async with db.begin() as session:
            stored = await session.get(Person, person.id)
            assert stored is not None
            row = await enqueue(
                session=session,
                person=stored,
                message_key="action_call",
                due_at=due_at,
                dedup_key=key,
                now=T0,
                action_id=action.id,
            )
            return row.id

    first = await put(T0)
    assert await put(T0 + dt.timedelta(hours=1)) == first
    assert (await _get(db, first)).due_at == T0  # a pending row is not moved

    # A cancelled row is re-armed with the new time ...
    async with db.begin() as session:
        assert await cancel_pending(session=session, action_id=action.id) == 1
    assert await put(T0 + dt.timedelta(hours=2)) == first
    row = await _get(db, first)
    assert (row.status, row.due_at) == ("pending", T0 + dt.timedelta(hours=2))

    # ... and a sent one is never queued again.
    async with db.begin() as session:
        await claim_due(session, now=T0 + dt.timedelta(hours=3), limit=10)
    async with db.begin() as session:
        await mark_outcome(session, first, "sent", now=T0)
    assert await put(T0 + dt.timedelta(hours=4)) == first
    assert (await _get(db, first)).status == "sent"
    async with db.begin() as session:
        assert len((await session.scalars(select(OutboxMessage))).all()) == 1

    async with db.begin() as session:
        stored = await session.get(Person, person.id)
        assert stored is not None
        with pytest.raises(ValueError):
            await enqueue(
                session=session,
                person=stored,
                message_key="no_such_key",
                due_at=T0,
                dedup_key="x",
                now=T0,
            )


async def test_delivery_counts(db: Database) -> None:
    action = await _action(db)
    other_action = await _action(db)
    person = await _person(db)
    for status in ("sent", "sent", "blocked", "failed", "pending", "sending", "expired"):
        await _row(db, person, due_at=T0, action_id=action.id, status=status)
    await _row(db, person, due_at=T0, action_id=action.id, key="reminder_24h", status="sent")
    await _row(db, person, due_at=T0, action_id=other_action.id, status="sent")

    async with db.begin() as session:
        counts = await delivery_counts(session, action_id=action.id)
        reminders = await delivery_counts(session, action_id=action.id, message_key="reminder_24h")
        nothing = await delivery_counts(
            session, action_id=other_action.id, message_key="reminder_2h"
        )

    assert counts == {
        "sent": 2,
        "blocked": 1,
        "failed": 1,
        "pending": 2,
        "expired": 1,
        "cancelled": 0,
    }
    assert reminders == {
        "sent": 1,
        "blocked": 0,
        "failed": 0,
        "pending": 0,
        "expired": 0,
        "cancelled": 0,
    }
    assert set(nothing.values()) == {0}
    assert set(nothing) == set(counts)


@pytest.mark.several_connections
async def test_concurrent_claims_get_disjoint_rows_on_postgresql(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip(
            "SKIP LOCKED is PostgreSQL's; SQLite serialises whole transactions "
            "(BEGIN IMMEDIATE), so two claims can never overlap there"
        )
    person = await _person(db)
    ids = [await _row(db, person, due_at=T0 - dt.timedelta(seconds=i)) for i in range(10, 0, -1)]

    # Sender A holds its claim open (uncommitted, rows locked); sender B must neither wait
    # for A nor take A's rows.
    async with db.begin() as session_a:
        claimed_a = await claim_due(session_a, now=T0, limit=4)
        async with db.begin() as session_b:
            claimed_b = await asyncio.wait_for(claim_due(session_b, now=T0, limit=4), timeout=5)

    assert [r.id for r in claimed_a] == ids[:4]
    assert [r.id for r in claimed_b] == ids[4:8]

    # Many senders at the same moment: every row is claimed exactly once.
    more = [await _row(db, person, due_at=T0) for _ in range(30)]

    all_claimed = asyncio.Barrier(8)

    async def sender() -> list[int]:
        async with db.begin() as session:
            rows = await claim_due(session, now=T0, limit=5)
            # Every sender holds its locks until all eight have claimed (they overlap for
            # certain); with SKIP LOCKED no claim waits, so the barrier is always reached.
            await asyncio.wait_for(all_claimed.wait(), timeout=30)
            return [r.id for r in rows]

    results = await asyncio.gather(*(sender() for _ in range(8)))
    flat = [i for ids_ in results for i in ids_]
    assert len(flat) == len(set(flat))
    assert set(flat) == set(ids[8:]) | set(more)
