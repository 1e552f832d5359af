"""The coordinator hears what happens to an action (issue 7 item 5): full, a drop-out with
who took the place, an urgent drop-out with "Roep opnieuw op", "er is weer plek" once to
who has not answered, "alleen urgent" per action, erasure without the name. Real
Application, fake Bot API, both databases; Dutch and English.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.clock import Clock
from bot.domain import erasure
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import OutboxMessage, Person
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
FRIDAY = dt.datetime(2031, 12, 5, 15, 0, tzinfo=AMS)
STARTS = dt.datetime(2031, 12, 6, 14, 0, tzinfo=AMS)  # Saturday
SATURDAY = [(5, "afternoon")]
CALL_EN = "New action in Jordaan: can you help?"


async def _setup(
    bot: BotUnderTest, fake: FakeBotAPI, language: str, count: int, slots: list | None = None
) -> tuple[FakeUser, list[FakeUser]]:
    coord = fake.user(2001, "Carla", language_code=language)
    await add_person(bot, coord, role="coordinator", area="Centrum", language=language)
    people = []
    for i in range(count):
        user = fake.user(4001 + i, f"Vol{i + 1}", language_code="en")
        await add_person(bot, user, role="volunteer", area="Jordaan", language="en", slots=SATURDAY)
        people.append(user)
    return coord, people


async def _plan(bot: BotUnderTest, needed: int) -> int:
    async with bot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        action, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            area="Jordaan",
            kind="street_stand",
            title="Klaptafel",
            meeting_place="Noordermarkt",
            starts_at=STARTS,
            needed=needed,
            now=bot.clock.now(),
        )
        return action.id


async def _answer(user: FakeUser, label: str) -> None:
    mark = user.mark()
    await tap(user, label)
    await user.wait_for("Your answer", after=mark)


async def _notices(bot: BotUnderTest) -> int:
    async with bot.db.begin() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.message_key == "coordinator_notice")
            )
            or 0
        )


async def test_full_and_a_drop_out_with_the_waiting_list_then_only_urgent(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla, (vol1, vol2, vol3, vol4) = await _setup(wijkbot, fake, "nl", 4)
    await _plan(wijkbot, needed=2)
    mark = carla.mark()
    await _answer(vol1, "Yes")
    await _answer(vol2, "Yes")
    full = await carla.wait_for("Vol:", after=mark)
    assert full.text == (
        "Vol: Klaptafel (zaterdag 6 december om 14:00) heeft alle 2 vrijwilligers die nodig zijn."
    )
    assert full.labels == ["Bekijk de lijst"]
    await _answer(vol3, "Yes")  # waiting list

    mark = carla.mark()
    await _answer(vol1, "No")
    dropout = await carla.wait_for("kan toch niet", after=mark)
    assert dropout.text == (
        f"{iso('Vol1')} kan toch niet komen bij Klaptafel (zaterdag 6 december om 14:00).\n"
        f"{iso('Vol3')} van de wachtlijst neemt de plek over."
    )
    await vol3.wait_for("Good news: a place came free")

    # "alleen urgent" for this action: the next (non-urgent) drop-out is not told
    await tap(carla, "Bekijk de lijst", after=mark)
    roster = await carla.wait_for("Meldingen aan jou: alles")
    await tap(carla, "Alleen urgente meldingen", after=roster.seq - 1)
    await carla.wait_for("Meldingen aan jou: alleen urgent")
    before = await _notices(wijkbot)
    mark4 = vol4.mark()
    await _answer(vol2, "No")
    # nobody waiting: Vol4 (called, no answer) hears once that there is a place again
    free = await vol4.wait_for("A place is free again at this action. Can you come?", after=mark4)
    assert free.labels == ["Yes", "Maybe", "No"]
    await wijkbot.outbox_idle()
    assert await _notices(wijkbot) == before


async def test_urgent_drop_out_calls_again_and_erasure_keeps_the_name_out(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(FRIDAY)  # 23 hours before the start
    carla, (vol1, vol2, vol3) = await _setup(wijkbot, fake, "en", 3)
    late = fake.user(4010, "Late", language_code="en")
    await add_person(wijkbot, late, role="volunteer", area="Jordaan", language="en")  # 2nd wave
    await _plan(wijkbot, needed=2)
    await _answer(vol1, "Yes")
    await _answer(vol2, "Yes")
    await carla.wait_for("Full: Klaptafel (Saturday 6 December at 14:00) has all 2")

    mark = carla.mark()
    mark3 = vol3.mark()
    await _answer(vol1, "No")
    urgent = await carla.wait_for("Urgent:", after=mark)
    assert urgent.text == (
        f"Urgent: {iso('Vol1')} can no longer come to Klaptafel (Saturday 6 December at 14:00).\n"
        "Nobody was on the waiting list, so the place is open again. "
        "Who has not answered yet gets a message."
    )
    assert urgent.labels == ["Call again", "Show the roster"]
    await vol3.wait_for("A place is free again at this action.", after=mark3)
    assert late.messages_after(0) == []  # the second wave is 2 hours away

    # one tap: the waiting call goes out now; Vol3 is not told twice
    mark = carla.mark()
    await tap(carla, "Call again", after=urgent.seq - 1)
    reply = await carla.wait_for("Called again", after=mark)
    assert reply.text == "Called again: 1 volunteer gets a message."
    await late.wait_for(CALL_EN)
    await wijkbot.outbox_idle()
    assert len([m for m in vol3.messages_after(mark3) if "free again" in m.text]) == 1

    # erasure of a confirmed volunteer: the notice does not name them, and no row does
    mark = carla.mark()
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == vol2.id))
        assert person is not None
        await erasure.erase(session=session, person=person, now=clock.now(), tz=AMS)
    gone = await carla.wait_for("can no longer come", after=mark)
    assert gone.text.startswith(
        "Urgent: A volunteer can no longer come to Klaptafel (Saturday 6 December at 14:00)."
    )
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        args = (
            await session.scalars(
                select(OutboxMessage.args).where(OutboxMessage.message_key == "coordinator_notice")
            )
        ).all()
    assert not [a for a in args if a.get("who") == "Vol2" or a.get("promoted") == "Vol2"]


async def test_call_again_sends_the_calls_that_were_dropped_because_the_action_was_full(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    """Planned days ahead, the first wave fills the action and the second wave is dropped
    as full; a drop-out the day before, then "Call again" sends those calls after all (a bug
    the demo's story found: the button reached nobody)."""
    clock.set(MONDAY)
    carla, (vol1, vol2) = await _setup(wijkbot, fake, "en", 2)
    late = fake.user(4010, "Late", language_code="en")
    await add_person(wijkbot, late, role="volunteer", area="Jordaan", language="en")  # 2nd wave
    action_id = await _plan(wijkbot, needed=2)
    await _answer(vol1, "Yes")
    await _answer(vol2, "Yes")
    await carla.wait_for("Full: Klaptafel")
    clock.advance(2 * 3600 + 60)  # the second wave is due: the action is full, so dropped
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        dropped = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.action_id == action_id,
                OutboxMessage.message_key == "action_call",
                OutboxMessage.chat_id == late.id,
            )
        )
        assert dropped is not None
        assert (dropped.status, dropped.last_error) == ("cancelled", "full")
    assert late.messages == []

    clock.set(FRIDAY)  # 23 hours before the start
    mark = carla.mark()
    await _answer(vol1, "No")
    urgent = await carla.wait_for("Urgent:", after=mark)
    assert urgent.labels == ["Call again", "Show the roster"]
    mark = carla.mark()
    await tap(carla, "Call again", after=urgent.seq - 1)
    reply = await carla.wait_for("Called again", after=mark)
    assert reply.text == "Called again: 1 volunteer gets a message."
    call = await late.wait_for(CALL_EN)
    assert call.labels == ["Yes", "Maybe", "No"]
    await wijkbot.outbox_idle()
    assert len([m for m in late.messages if CALL_EN in m.text]) == 1


async def test_a_call_that_reached_nobody(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla, (vol1, vol2) = await _setup(wijkbot, fake, "nl", 2)
    vol1.block(notify=False)  # the bot learns it from the 403 on sending the call
    vol2.block(notify=False)
    action_id = await _plan(wijkbot, needed=2)
    notice = await carla.wait_for("niemand bereikt")
    assert notice.text == (
        "De oproep voor Klaptafel (zaterdag 6 december om 14:00) heeft niemand bereikt: "
        "elk bericht mislukte of werd geblokkeerd."
    )
    assert notice.labels == ["Bekijk de lijst"]
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        keys = (
            await session.scalars(
                select(OutboxMessage.dedup_key).where(
                    OutboxMessage.message_key == "coordinator_notice",
                    OutboxMessage.action_id == action_id,
                )
            )
        ).all()
    assert len(keys) == 1 and keys[0].endswith(":nobody")  # once, not per failed call
