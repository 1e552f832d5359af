"""/mijnacties lists a person's couples and lets either side end one (issue 8).

Real Application against the fake Bot API over HTTP, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain.coupling import couples, requests
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import Couple, HelpRequest, OutboxMessage, Person
from tests.e2e.test_my_actions import NOW

STALE = "This button no longer works."


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _couple(wijkbot: BotUnderTest, volunteer_id: int, resident_id: int) -> int:
    async with wijkbot.db.begin() as session:
        volunteer = await session.scalar(
            select(Person).where(Person.telegram_user_id == volunteer_id)
        )
        resident = await session.scalar(
            select(Person).where(Person.telegram_user_id == resident_id)
        )
        assert volunteer is not None and resident is not None
        request = await requests.create_request(
            session=session, resident=resident, tasks=["shopping"], now=wijkbot.clock.now()
        )
        couple = await couples.start_couple(
            session=session, request=request, volunteer_id=volunteer.id, now=wijkbot.clock.now()
        )
        return couple.id


async def test_couples_are_listed_and_a_side_ends_one(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera = fake.user(4001, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    rosa = fake.user(4300, "Rosa <3", language_code="nl")
    await add_person(wijkbot, rosa, role="resident", area="Jordaan", language="nl")
    couple_id = await _couple(wijkbot, vera.id, rosa.id)

    await vera.send("/myactions")
    listed = await vera.wait_for("Your couples:")
    assert listed.text == f"Your couples:\n• {iso('Rosa <3')}, since Monday 1 December"
    assert listed.labels == [f"End the couple with {iso('Rosa <3')}"]
    # with no upcoming answers, the couples are all there is to show
    assert not any("You have not answered" in m.text for m in vera.messages)

    await rosa.send("/mijnacties")
    theirs = await rosa.wait_for("Je koppels:")
    assert theirs.text == f"Je koppels:\n• {iso('Vera')}, sinds maandag 1 december"
    assert theirs.labels == [f"Stop de koppeling met {iso('Vera')}"]

    # someone else's couple, forged: refused
    mallory = fake.user(4002, "Mallory", language_code="en")
    await add_person(wijkbot, mallory, role="volunteer", area="Jordaan", language="en")
    await mallory.send("/myactions")  # something to press on
    await mallory.wait_for("You have not answered")
    for data in (f"mc:a:{couple_id}", f"mc:e:{couple_id}", "mc:e:999999"):
        await mallory.press_data(data)
        assert (await mallory.wait_for_callback_answer()).text == STALE, data

    await tap(vera, "End the couple with Rosa <3")
    question = await vera.wait_for("End the couple with Rosa <3?")
    assert question.labels == ["Yes, end it", "No, keep it"]
    await tap(vera, "No, keep it")
    await vera.wait_for("Okay, nothing changed.")
    async with wijkbot.db.begin() as session:
        assert (await session.get(Couple, couple_id)).ended_at is None

    await vera.send("/myactions")
    await vera.wait_for("Your couples:")
    await tap(vera, "End the couple with Rosa <3")
    await tap(vera, "Yes, end it")
    await vera.wait_for("The couple with Rosa <3 has ended.")
    async with wijkbot.db.begin() as session:
        couple = await session.get(Couple, couple_id)
        assert couple is not None and couple.ended_at is not None
        request = await session.get(HelpRequest, couple.request_id)
        assert request is not None and request.status == "open"  # Rosa still wants help
        told = await session.scalars(
            select(OutboxMessage.chat_id).where(
                OutboxMessage.message_key == "coupling_couple_ended"
            )
        )
        assert set(told.all()) == {rosa.id}

    # the old question pressed again: nothing happens twice
    await vera.press_data(f"mc:e:{couple_id}")
    assert (await vera.wait_for_callback_answer()).text == STALE
    mark = rosa.mark()
    await rosa.send("/mijnacties")
    ended = await rosa.wait_for("Je hebt nog geen koppel", after=mark)  # a resident: no calls
    assert ended.text == (
        "Je hebt nog geen koppel. Stuur /hulpvraag om hulp te vragen of om te zien hoe het "
        "met je vraag staat."
    )
