"""A 10,000-person call is queued while a volunteer presses buttons: the presses are
answered while the call is still being queued (issue 11, Tests). The call is written in
chunks, each its own short transaction (`bot.delivery.calls`), so an update gets the
database between two chunks. Asserted on the order of events at the fake server, never
on wall-clock time: after its first chunk the queueing waits (outside any transaction)
until the press's answer has arrived at the server; a queueing that held the database for
the whole call would never see it, and the test fails.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bot.clock import Clock
from bot.delivery import calls as delivery_calls
from bot.domain import actions
from sandbox.bulk import add_volunteers
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, tap
from storage.models import OutboxMessage, Person
from tests.e2e.test_rsvp import AMS, CALL, CONFIRMED, NOW, STARTS, _plan, _volunteers

BIG = 10_000


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def test_presses_are_answered_while_a_10000_person_call_is_queued(
    wijkbot: BotUnderTest, fake: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    (vera,) = await _volunteers(wijkbot, fake, 1)
    await _plan(wijkbot, fake, needed=2)
    await vera.wait_for(CALL)
    now = wijkbot.clock.now()
    await add_volunteers(wijkbot.db, BIG, area_key="a05", first_chat_id=60_000_000, now=now)
    async with wijkbot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        area_id = await session.scalar(select(Person.area_id).where(Person.chat_id == 60_000_000))
        draft = actions.validate_draft(
            kind="street_stand",
            title="Grote klaptafel",
            area_id=area_id,
            meeting_place="Haarlemmerplein",
            starts_at=STARTS,
            ends_at=STARTS + dt.timedelta(hours=2),
            volunteers_needed=50,
            now=now,
        )
        big, _ = await actions.create_action(
            session=session,
            coordinator=coordinator,
            draft=draft,
            now=now,
            tz=AMS,
            second_wave_delay=dt.timedelta(hours=2),
            queue=False,
        )
        big_id = big.id

    events: list[str] = []
    pressed = asyncio.Event()
    chunks = 0

    async def between_chunks(_seconds: float) -> None:  # after a chunk's commit
        nonlocal chunks
        chunks += 1
        events.append(f"chunk {chunks} written")
        if chunks == 1:
            pressed.set()
            # Held until the press is answered at the server (the edit shows the answer);
            # a database held by the queueing would time this out and fail the test.
            await fake.wait_for_request("answerCallbackQuery", timeout=60)
            await fake.wait_for_request(
                "editMessageText",
                predicate=lambda r: CONFIRMED in str(r.params.get("text", "")),
                timeout=60,
            )
            events.append("press answered")

    monkeypatch.setattr(delivery_calls, "asyncio", SimpleNamespace(sleep=between_chunks))
    queueing = asyncio.create_task(
        delivery_calls.queue_action_call(
            db=wijkbot.db,
            action_id=big_id,
            now=now,
            tz=AMS,
            second_wave_delay=dt.timedelta(hours=2),
        )
    )
    await pressed.wait()
    mark = vera.mark()
    await tap(vera, "Yes")
    shown = await vera.wait_for(CONFIRMED, after=mark)
    plan = await queueing
    events.append("queueing ended")

    assert CONFIRMED in shown.text
    # The press was answered after the first chunk and before the second one was written.
    assert events[:3] == ["chunk 1 written", "press answered", "chunk 2 written"]
    assert events[-1] == "queueing ended"
    assert plan.first_wave + plan.second_wave == BIG
    async with wijkbot.db.begin() as session:
        queued = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.action_id == big_id, OutboxMessage.message_key == "action_call")
        )
    assert queued == BIG
