"""Set-based calls (issue 7 item 4): who fits by tasks, one query, bulk inserts in chunks of
their own transactions, never two calls for one person. On SQLite and PostgreSQL.

Times as in `test_actions`: the action is Saturday 8 May 2027 14:00-17:00 CEST.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.delivery.calls import queue_action_call
from bot.domain import actions, people
from bot.domain import calls as domain_calls
from bot.domain.actions import CallPlan, call_recipients
from sandbox.bulk import add_volunteers
from storage.db import Database
from storage.models import Action, OutboxMessage
from tests import factories as make
from tests.storage.test_actions import AMS, DELAY, NOW, SAT_AFTERNOON, STARTS, calls


async def add_person(session: Any, name: str, **fields: Any) -> Any:
    """A signed-up person (tests.factories), at this module's NOW."""
    return await make.person(session, name, now=NOW, **fields)


async def draft_for(session: Any, *, area: str = "Haarlemmerbuurt", needed: int = 4) -> Any:
    """The doorstep action of `test_actions` (Saturday 8 May 2027, 14:00-17:00 CEST)."""
    return actions.validate_draft(
        kind="doorstep",
        title="Portiekgesprekken",
        area_id=await make.area_id(session, area),
        meeting_place="Buurthuis De Bolder",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=3),
        volunteers_needed=needed,
        now=NOW,
    )


async def plan(session: Any, coordinator: Any, draft: Any, **fields: Any) -> Any:
    return await actions.create_action(
        session=session,
        coordinator=coordinator,
        draft=draft,
        now=NOW,
        tz=AMS,
        second_wave_delay=DELAY,
        **fields,
    )


async def test_fit_first_means_tasks_and_availability_both_fit(db: Database) -> None:
    async with db.begin() as session:
        coordinator = await add_person(session, "Coco", role="coordinator")
        does_it = await add_person(session, "Dirk", slots={SAT_AFTERNOON})
        await people.set_offers(session=session, person=does_it, tasks=["doorstep", "shopping"])
        only_odd_jobs = await add_person(session, "Olga", slots={SAT_AFTERNOON})
        await people.set_offers(session=session, person=only_odd_jobs, tasks=["odd_jobs"])
        no_tasks_chosen = await add_person(session, "Nina", slots={SAT_AFTERNOON})
        task_but_not_free = await add_person(session, "Tom", slots={(0, "morning")})
        await people.set_offers(session=session, person=task_but_not_free, tasks=["doorstep"])

        action, call_plan = await plan(session, coordinator, await draft_for(session))

        assert call_plan == CallPlan(first_wave=2, second_wave=2)
        assert await calls(session, action.id) == {
            does_it.id: ("pending", NOW),
            no_tasks_chosen.id: ("pending", NOW),  # no tasks chosen: no preference stated
            only_odd_jobs.id: ("pending", NOW + DELAY),  # a klusjes-only volunteer waits
            task_but_not_free.id: ("pending", NOW + DELAY),
        }
        recipients = await call_recipients(session=session, action=action, tz=AMS)
        assert [(r.person_id, r.fits) for r in recipients] == [
            (does_it.id, True),
            (no_tasks_chosen.id, True),
            (only_odd_jobs.id, False),
            (task_but_not_free.id, False),
        ]


async def test_a_call_is_chosen_in_one_query(db: Database) -> None:
    async with db.begin() as session:
        coordinator = await add_person(session, "Coco", role="coordinator")
        for name in ("A", "B", "C", "D", "E"):
            await add_person(session, name, slots={SAT_AFTERNOON})
        action, _ = await plan(session, coordinator, await draft_for(session))
        statements: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        engine = db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            recipients = await call_recipients(session=session, action=action, tz=AMS)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(recipients) == 5
        # one query (on PostgreSQL after `SET LOCAL jit = off`: storage.queries.without_jit)
        assert [s for s in statements if not s.startswith("SET LOCAL")] == statements[-1:]


@pytest.mark.several_connections  # counts real BEGINs: needs real commits
async def test_a_big_call_is_written_in_chunks_each_its_own_transaction_and_never_twice(
    db: Database, monkeypatch: Any
) -> None:
    monkeypatch.setattr(domain_calls, "CALL_CHUNK", 40)
    await add_volunteers(db, 150, area_key="a05", first_chat_id=7_000_000, now=NOW, task="doorstep")
    async with db.begin() as session:
        coordinator = await add_person(session, "Coco", role="coordinator")
        draft = await draft_for(session)
        action, planned = await actions.create_action(
            session=session,
            coordinator=coordinator,
            draft=draft,
            now=NOW,
            tz=AMS,
            second_wave_delay=DELAY,
            queue=False,
        )
        action_id = action.id
        assert await calls(session, action_id) == {}  # nothing written in this transaction
    begins: list[int] = []
    engine = db.engine.sync_engine

    def on_begin(conn: Any) -> None:
        begins.append(1)

    event.listen(engine, "begin", on_begin)
    try:
        queued = await queue_action_call(
            db=db, action_id=action_id, now=NOW, tz=AMS, second_wave_delay=DELAY
        )
    finally:
        event.remove(engine, "begin", on_begin)

    assert queued == planned == CallPlan(first_wave=150, second_wave=0)
    assert len(begins) == 1 + 4  # choose the recipients, then 40 + 40 + 40 + 30 rows
    again = await queue_action_call(
        db=db, action_id=action_id, now=NOW, tz=AMS, second_wave_delay=DELAY
    )
    assert again == queued
    async with db.begin() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.dedup_key, OutboxMessage.chat_id, OutboxMessage.not_after)
                .where(
                    OutboxMessage.action_id == action_id,
                    OutboxMessage.message_key == "action_call",  # not the attendance question
                )
                .order_by(OutboxMessage.id)
            )
        ).all()
        stored = await session.get(Action, action_id)
        assert stored is not None
        persons = await session.scalar(
            select(func.count(func.distinct(OutboxMessage.person_id))).where(
                OutboxMessage.action_id == action_id, OutboxMessage.message_key == "action_call"
            )
        )
    assert len(rows) == 150 == persons  # the second run added nothing
    assert [chat for _, chat, _ in rows] == list(range(7_000_000, 7_000_150))
    assert all(key.startswith(f"action_call:{action_id}:") for key, _, _ in rows)
    assert {not_after for _, _, not_after in rows} == {stored.starts_at}
