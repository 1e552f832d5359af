"""Quiet hours (issue 7 item 8): calls wait for the morning and are checked again then; a
cancellation goes out at once, also at 23:00 (real Application, fake Bot API).

QUIET_HOURS=21-8 (Europe/Amsterdam). Clock: Monday 1 December 2031.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain import actions, rsvp
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import OutboxMessage, Person
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
EVENING = dt.datetime(2031, 12, 1, 20, 0, tzinfo=AMS)
NIGHT = dt.datetime(2031, 12, 1, 23, 0, tzinfo=AMS)
MORNING = dt.datetime(2031, 12, 2, 8, 0, tzinfo=AMS)
CALL_EN = "New action in Jordaan: can you help?"
CALL_NL = "Nieuwe actie in Jordaan: kun je helpen?"


@pytest.fixture
async def quiet_bot(
    fake: FakeBotAPI, database_url: str, clock: Clock
) -> AsyncIterator[BotUnderTest]:
    settings = BotUnderTest.settings_for(fake, database_url, quiet_hours="21-8")
    bot = BotUnderTest(fake, settings, clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def _plan(bot: BotUnderTest, title: str, starts: dt.datetime, needed: int) -> int:
    async with bot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        action, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            area="Jordaan",
            kind="street_stand",
            title=title,
            meeting_place="Noordermarkt",
            starts_at=starts,
            needed=needed,
            now=bot.clock.now(),
        )
        return action.id


async def _calls(bot: BotUnderTest, action_id: int) -> dict[int, tuple[str, dt.datetime]]:
    async with bot.db.begin() as session:
        rows = await session.execute(
            select(Person.telegram_user_id, OutboxMessage.status, OutboxMessage.due_at)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(OutboxMessage.action_id == action_id, OutboxMessage.message_key == "action_call")
        )
        return {uid: (status, due) for uid, status, due in rows.all()}


async def test_calls_wait_for_the_morning_and_a_cancellation_goes_at_once(
    quiet_bot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(EVENING)
    coord = fake.user(2001, "Carla", language_code="en")
    await add_person(quiet_bot, coord, role="coordinator", area="Centrum", language="en")
    vera = fake.user(4001, "Vera", language_code="en")
    wim = fake.user(4002, "Wim", language_code="nl")
    slots = [(1, "afternoon"), (2, "afternoon")]  # Tuesday and Wednesday afternoons
    await add_person(quiet_bot, vera, role="volunteer", area="Jordaan", language="en", slots=slots)
    await add_person(quiet_bot, wim, role="volunteer", area="Jordaan", language="nl", slots=slots)

    # 20:00: not quiet yet; Vera says Yes to Wednesday's stand
    wednesday = await _plan(quiet_bot, "Woensdag", dt.datetime(2031, 12, 3, 14, tzinfo=AMS), 2)
    await vera.wait_for(CALL_EN)
    await wim.wait_for(CALL_NL)
    await tap(vera, "Yes")
    await vera.wait_for("Your answer: Yes")
    await vera.wait_for("Add it to your calendar")

    # 23:00: two actions for Tuesday are planned; their calls wait for 08:00
    clock.set(NIGHT)
    mark_vera, mark_wim = vera.mark(), wim.mark()
    tuesday = await _plan(quiet_bot, "Dinsdag", dt.datetime(2031, 12, 2, 14, tzinfo=AMS), 2)
    small = await _plan(quiet_bot, "Klein", dt.datetime(2031, 12, 2, 15, tzinfo=AMS), 1)
    await quiet_bot.outbox_idle()
    held = await _calls(quiet_bot, tuesday)
    assert {uid: status for uid, (status, _) in held.items()} == {
        vera.id: "pending",
        wim.id: "pending",
    }
    assert {due.astimezone(AMS) for _, due in held.values()} == {MORNING}

    # still 23:00: the coordinator cancels Wednesday; Vera is told at once
    async with quiet_bot.db.begin() as session:
        carla = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert carla is not None
        await actions.cancel(
            session=session, coordinator=carla, action_id=wednesday, now=clock.now()
        )
    cancelled = await vera.wait_for("is cancelled", after=mark_vera)
    assert cancelled.text == (
        "Woensdag on Wednesday 3 December at 14:00 is cancelled: you don't need to come. "
        "Thank you for wanting to help!"
    )
    # during the night the small stand fills (Wim answers from /myactions, say)
    async with quiet_bot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == wim.id))
        await rsvp.answer(
            session=session, action_id=small, person=person, answer="yes", now=clock.now(), tz=AMS
        )
    assert [m.text for m in vera.messages_after(mark_vera)] == [cancelled.text]
    # Wim's call for Wednesday was delivered: he is told too, in Dutch, and nothing else
    await wim.wait_for("gaat niet door", after=mark_wim)
    await quiet_bot.outbox_idle()
    assert [m.text for m in wim.messages_after(mark_wim)] == [
        "Woensdag op woensdag 3 december om 14:00 gaat niet door: je hoeft niet te komen. "
        "Bedankt dat je wilde helpen!"
    ]

    # 08:00: the calls that are still true go out; the full stand's call is dropped
    clock.set(MORNING)
    quiet_bot.services.dispatcher.wake()  # type: ignore[union-attr]
    call = await vera.wait_for("Dinsdag", after=mark_vera)
    assert call.text.startswith(CALL_EN)
    assert (await wim.wait_for("Dinsdag", after=mark_wim)).text.startswith(CALL_NL)
    await quiet_bot.outbox_idle()
    assert {uid: s for uid, (s, _) in (await _calls(quiet_bot, tuesday)).items()} == {
        vera.id: "sent",
        wim.id: "sent",
    }
    assert (await _calls(quiet_bot, small))[vera.id][0] == "cancelled"
    assert not [m for m in vera.messages_after(mark_vera) if "Klein" in m.text]
