# ruff: noqa: F811  (pytest fixtures imported from test_delivery are parameters here)
"""The continuous outbox loop, recovery after a crash and 400 "chat not found", end to end:
real HTTP to the fake Bot API server, a real `telegram.Bot`, both databases.

No wall-clock assertions: tests wait for what a person receives and check the rows; times
that matter (heartbeats) are set with the test clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from bot.clock import Clock
from bot.domain.outbox import MessageKind, enqueue
from bot.i18n import I18n
from sandbox.fake_bot_api import FakeBotAPI
from storage.db import Database
from storage.models import OutboxMessage, OutboxSender, Person
from storage.outbox import claim_due, heartbeat
from tests.e2e.test_delivery import (  # noqa: F401  (fixtures)
    add_action,
    add_person,
    add_row,
    bot,
    fake,
    get_row,
    i18n,
    make_dispatcher,
    open_rows,
    run_until,
    settings,
    until_no_open_rows,
)


async def wait_until_no_open_rows(db: Database, within: float = 20.0) -> None:
    async def poll() -> None:
        while await open_rows(db):  # noqa: ASYNC110 (polls the database)
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout=within)


async def test_400_chat_not_found_marks_the_person_unreachable_and_skips_their_next_rows(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: object
) -> None:
    gone, stays = fake.user(1301), fake.user(1302)
    action = await add_action(db)
    gone_person = await add_person(db, gone.id)
    first = await add_row(db, gone_person, action)
    await add_row(db, await add_person(db, stays.id), action)
    fake.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=gone.id)
    dispatcher = make_dispatcher(db, i18n, clock)

    report = await dispatcher.run_once(bot)  # type: ignore[arg-type]

    assert (report.sent, report.failed) == (1, 1)
    row = await get_row(db, first)
    assert (row.status, row.last_error) == ("failed", "Chat not found")
    async with db.begin() as session:
        stored = await session.get(Person, gone_person.id)
        assert stored is not None and stored.unreachable_at is not None
    # The next message for them is not tried: no request reaches Telegram.
    later = await add_row(db, gone_person, action, key="reminder_2h")
    requests_before = len(fake.requests_for("sendMessage", gone.id))
    await run_until(dispatcher, bot, until_no_open_rows(db))  # type: ignore[arg-type]
    assert (await get_row(db, later)).status == "cancelled"
    assert (await get_row(db, later)).last_error == "unreachable"
    assert len(fake.requests_for("sendMessage", gone.id)) == requests_before
    assert len(stays.messages) == 1


async def test_user_is_deactivated_counts_as_unreachable_too(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: object
) -> None:
    user = fake.user(1303)
    person = await add_person(db, user.id)
    await add_row(db, person, await add_action(db))
    fake.fail_next("sendMessage", 403, "Forbidden: user is deactivated", chat_id=user.id)
    await make_dispatcher(db, i18n, clock).run_once(bot)  # type: ignore[arg-type]
    async with db.begin() as session:
        stored = await session.get(Person, person.id)
        assert stored is not None and stored.unreachable_at is not None


async def test_a_commit_that_queues_rows_wakes_the_loop_and_a_rollback_does_not(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: object
) -> None:
    user = fake.user(1310)
    person = await add_person(db, user.id)
    dispatcher = make_dispatcher(db, i18n, clock)
    wakes: list[str] = []
    real_wake = dispatcher.wake

    def counting_wake() -> None:
        wakes.append("wake")
        real_wake()

    dispatcher.wake = counting_wake  # type: ignore[method-assign]
    await dispatcher.start(bot)  # type: ignore[arg-type]
    try:

        class Rollback(Exception):
            pass

        try:
            async with db.begin() as session:
                await enqueue(
                    session=session,
                    person=person,
                    message_key=MessageKind.HELP_REQUEST_NEW,
                    due_at=clock.now(),
                    dedup_key="wake:rolled-back",
                    now=clock.now(),
                    args={"place": "Haarlemmerbuurt"},
                )
                raise Rollback
        except Rollback:
            pass
        assert wakes == []

        async with db.begin() as session:
            await enqueue(
                session=session,
                person=person,
                message_key=MessageKind.HELP_REQUEST_NEW,
                due_at=clock.now(),
                dedup_key="wake:committed",
                now=clock.now(),
                args={"place": "Haarlemmerbuurt"},
            )
        assert wakes == ["wake"]  # by the commit itself
        message = await user.wait_for("A resident in Haarlemmerbuurt", timeout=10)
        assert message.text.endswith("See /helprequests.")
    finally:
        await dispatcher.stop()


async def test_the_loop_sends_everything_once_and_stop_gives_back_what_it_did_not_send(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: object
) -> None:
    users = [fake.user(1400 + i) for i in range(12)]
    action = await add_action(db)
    rows = [await add_row(db, await add_person(db, u.id), action) for u in users]
    dispatcher = make_dispatcher(db, i18n, clock, rate=5, batch=4)

    await dispatcher.start(bot)  # type: ignore[arg-type]
    await users[2].wait_for("New action", timeout=10)
    await dispatcher.stop()

    async with db.begin() as session:
        states = dict(
            (
                await session.execute(
                    select(OutboxMessage.id, OutboxMessage.status).where(OutboxMessage.id.in_(rows))
                )
            ).all()
        )
        senders = list(await session.scalars(select(OutboxSender.instance_id)))
    assert "sending" not in states.values()  # nothing left claimed after a clean stop
    sent = [i for i in rows if states[i] == "sent"]
    assert len(sent) >= 3
    assert set(states.values()) <= {"sent", "pending"}
    assert senders == []

    again = make_dispatcher(db, i18n, clock, rate=30, batch=50)
    await again.start(bot)  # type: ignore[arg-type]
    try:
        await wait_until_no_open_rows(db)
    finally:
        await again.stop()
    assert [len(u.messages) for u in users] == [1] * 12  # everyone once: no loss, no double


async def test_a_restart_sends_rows_a_dead_sender_had_claimed_at_once(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: object
) -> None:
    user, other = fake.user(1501), fake.user(1502)
    action = await add_action(db)
    dead_row = await add_row(db, await add_person(db, user.id), action)
    alive_row = await add_row(db, await add_person(db, other.id), action)
    now = clock.now()
    async with db.begin() as session:
        # A sender killed mid-batch (kill -9): its rows stay 'sending' for a 10-minute lease.
        await heartbeat(session, instance="dead-sender", now=now - dt.timedelta(seconds=30))
        await claim_due(session, now=now, limit=1, lease_seconds=600, instance="dead-sender")
        # Another sender still alive (PostgreSQL: several processes) keeps its claim.
        await heartbeat(session, instance="live-sender", now=now + dt.timedelta(hours=1))
        await claim_due(session, now=now, limit=1, lease_seconds=600, instance="live-sender")

    dispatcher = make_dispatcher(db, i18n, clock)
    await dispatcher.start(bot)  # type: ignore[arg-type]
    try:
        await user.wait_for("New action", timeout=10)  # long before the 600 s lease ends
        if db.dialect == "sqlite":
            await wait_until_no_open_rows(db)
    finally:
        await dispatcher.stop()

    assert (await get_row(db, dead_row)).status == "sent"
    alive = await get_row(db, alive_row)
    if db.dialect == "sqlite":
        # One process only: any claim found at start-up is stale and is sent.
        assert alive.status == "sent"
    else:
        assert (alive.status, alive.claimed_by) == ("sending", "live-sender")
        assert other.messages == []


async def test_429_pauses_the_loop_once_for_everyone_and_then_it_goes_on(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: object
) -> None:
    users = [fake.user(1600 + i) for i in range(4)]
    action = await add_action(db)
    for u in users:
        await add_row(db, await add_person(db, u.id), action)
    fake.fail_next("sendMessage", 429, retry_after=1, chat_id=users[0].id)
    dispatcher = make_dispatcher(db, i18n, clock, rate=10)
    await dispatcher.start(bot)  # type: ignore[arg-type]
    try:
        await wait_until_no_open_rows(db)
    finally:
        await dispatcher.stop()
    attempts = fake.requests_for("sendMessage")
    assert attempts[0].status == 429
    assert [len(u.messages) for u in users] == [1, 1, 1, 1]
    # Nothing at all was sent during the pause (the whole budget waits, not one chat).
    resumed = attempts[1].time
    assert resumed - attempts[0].time >= 0.95
    assert all(r.time >= resumed for r in attempts[1:])
