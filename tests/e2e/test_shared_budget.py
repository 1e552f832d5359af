"""One rate budget for the bot across sender processes on PostgreSQL (issue 11 item 5).

Two dispatchers, each with its own connection pool, instance id and in-memory pacer (as
two `wijkbot send` processes have), share one outbox. Counted at the fake Bot API server:
every message arrives once, a chat never gets two messages less than a second apart (even
from different senders), the two together stay within the bot's configured rate, and a
429 `retry_after` pauses both of them once.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot

from bot.clock import Clock
from bot.delivery.budget import LOOKAHEAD_SECONDS, SharedPacer
from bot.i18n import I18n
from sandbox.fake_bot_api import FakeBotAPI
from storage.db import Database
from tests.e2e.test_delivery import (  # noqa: F401 - fixtures
    add_action,
    add_person,
    add_row,
    bot,
    fake,
    i18n,
    make_dispatcher,
    open_rows,
)

RATE = 12.0  # the whole bot's messages per second, given to each sender
CHATS = 30
RETRY_AFTER = 3  # longer than a look-ahead and a heartbeat: the pause is visible


async def _wait_until_done(db: Database, within: float) -> None:
    deadline = time.monotonic() + within
    while await open_rows(db):
        assert time.monotonic() < deadline, "the outbox did not empty"
        await asyncio.sleep(0.2)


async def test_two_senders_share_one_budget_and_one_429_pause(
    db: Database,
    database_url: str,
    i18n: I18n,  # noqa: F811
    clock: Clock,
    fake: FakeBotAPI,  # noqa: F811
    bot: Bot,  # noqa: F811
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite is one process: its pacer lives in memory")
    first, second = await add_action(db), await add_action(db)
    users = [fake.user(700 + i) for i in range(CHATS)]
    for user in users:  # two messages per chat: both senders want to send to the same chats
        person = await add_person(db, user.id)
        await add_row(db, person, first)
        await add_row(db, person, second)
    other_db = Database(database_url)  # the second "process": its own connections
    senders = [
        make_dispatcher(db, i18n, clock, rate=RATE, batch=8),
        make_dispatcher(other_db, i18n, clock, rate=RATE, batch=8),
    ]
    assert all(isinstance(s.pacer, SharedPacer) for s in senders)
    try:
        for sender in senders:
            await sender.start(bot)
        await fake.wait_for_request(
            "sendMessage", predicate=lambda r: len(fake.requests_for("sendMessage")) >= 12
        )
        fake.fail_next("sendMessage", 429, retry_after=RETRY_AFTER)
        await _wait_until_done(db, within=120)
    finally:
        for sender in senders:
            await sender.stop()
        await other_db.dispose()

    sends = [r for r in fake.requests_for("sendMessage")]
    delivered = [r for r in sends if r.status == 200]
    refused = [r for r in sends if r.status == 429]
    # Every message once: two per chat, no duplicates, none lost.
    per_chat: dict[int, list[float]] = {}
    for record in delivered:
        per_chat.setdefault(int(record.chat_id), []).append(record.time)
    assert sorted(per_chat) == [u.id for u in users]
    assert {len(times) for times in per_chat.values()} == {2}
    # At most one message per second per chat, whichever sender sent it.
    gaps = [abs(b - a) for a, b in per_chat.values()]
    assert min(gaps) >= 1.0, sorted(gaps)[:5]
    # Within the bot's budget (both senders together), counted: sending 60 messages took at
    # least 59 slots of 1/RATE s (two unshared senders would need half that).
    times = sorted(r.time for r in delivered)
    assert times[-1] - times[0] >= (len(times) - 1) / RATE
    # And no 1-second window comes near two senders' worth (2 x RATE): a generous bound,
    # as a busy machine bunches sends that were evenly planned.
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 1.5 * RATE, busiest
    # One 429, one pause for both senders: nothing arrives in the pause after the other
    # sender has learnt of it (within its look-ahead and a heartbeat), and sending goes on
    # after one `retry_after`, not two.
    assert len(refused) == 1
    paused_at = refused[0].time
    learnt = paused_at + LOOKAHEAD_SECONDS + 1.0 + 0.2
    in_pause = [t for t in times if learnt <= t < paused_at + RETRY_AFTER - 0.05]
    assert in_pause == []
    after = [t for t in times if t > paused_at + LOOKAHEAD_SECONDS + 0.2]
    assert after and after[0] >= paused_at + RETRY_AFTER - 0.05
    assert after[0] < paused_at + 2 * RETRY_AFTER  # paused once (generous upper bound)
