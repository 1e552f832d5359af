"""A coordinator writes to the people coming (issue 7 item 7): from the roster, to who is
coming and optionally Misschien / the waiting list; the text leaves the outbox once
delivered. Real Application, fake Bot API, both databases; Dutch and English.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import Clock
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import OutboxMessage, Person
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
STARTS = dt.datetime(2031, 12, 6, 14, 0, tzinfo=AMS)
TEXT = "Neem flyers mee <en> een pen & koffie"


async def _volunteer(
    bot: BotUnderTest, fake: FakeBotAPI, uid: int, name: str, lang: str
) -> FakeUser:
    user = fake.user(uid, name, language_code=lang)
    await add_person(
        bot, user, role="volunteer", area="Jordaan", language=lang, slots=[(5, "afternoon")]
    )
    return user


async def test_message_to_the_people_coming_and_maybe(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    vol1 = await _volunteer(wijkbot, fake, 4001, "Vol1", "en")
    wim = await _volunteer(wijkbot, fake, 4002, "Wim", "nl")
    vol3 = await _volunteer(wijkbot, fake, 4003, "Vol3", "en")
    async with wijkbot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        await make.planned_action(
            session,
            coordinator=coordinator,
            area="Jordaan",
            title="Klaptafel",
            starts_at=STARTS,
            needed=1,
            now=clock.now(),
        )
    for user, label in ((vol1, "Yes"), (wim, "Misschien"), (vol3, "Yes")):
        mark = user.mark()
        await tap(user, label)
        await user.wait_for(
            predicate=lambda m: "antwoord" in m.text or "answer" in m.text, after=mark
        )
    marks = {u.id: u.mark() for u in (vol1, wim, vol3)}

    await carla.send("/actions")
    await tap(carla, "Sat 6 Dec 14:00 · Klaptafel")
    await carla.wait_for("places filled")
    await tap(carla, "Message the people coming")
    ask = await carla.wait_for("Type the message")
    assert ask.text == "Type the message for the people coming to Klaptafel. /cancel stops."
    mark = carla.mark()
    await carla.send(TEXT)
    who = await carla.wait_for("Who gets this message?", after=mark)
    assert who.labels == [
        "Coming (1)",
        "Coming and Maybe (2)",
        "Coming and waiting list (2)",
        "All three (3)",
    ]
    await tap(carla, "Coming and Maybe (2)", after=mark)
    assert (await carla.wait_for("Sent to", after=mark)).text == "Sent to 2 people."

    got = await vol1.wait_for("Message from Carla", after=marks[vol1.id])
    head = (
        f"Message from {iso('Carla')} (coordinator) about Klaptafel (Saturday 6 December at 14:00):"
    )
    assert got.text == f"{head}\n\n{TEXT}\n\nTo answer {iso('Carla')}, reply to this message."
    got = await wim.wait_for("Bericht van Carla", after=marks[wim.id])
    assert got.text == (
        f"Bericht van {iso('Carla')} (coördinator) over Klaptafel "
        f"(zaterdag 6 december om 14:00):\n\n{TEXT}\n\n"
        f"Wil je {iso('Carla')} antwoorden? Beantwoord dit bericht."
    )
    await wijkbot.outbox_idle()
    assert vol3.messages_after(marks[vol3.id]) == []
    # delivered: the text is no longer in the outbox
    async with wijkbot.db.begin() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.status, OutboxMessage.args).where(
                    OutboxMessage.message_key == "action_message"
                )
            )
        ).all()
        assert sorted(rows, key=str) == [("sent", {}), ("sent", {})]
        everything = (await session.scalars(select(OutboxMessage.args))).all()
        assert not [a for a in everything if "flyers" in str(a)]


async def test_cancel_while_typing_sends_nothing(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = fake.user(2001, "Carla", language_code="nl")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="nl")
    async with wijkbot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        action, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            area="Jordaan",
            title="Klaptafel",
            starts_at=STARTS,
            needed=1,
            now=clock.now(),
        )
    await carla.send("/acties")
    await carla.wait_for("komende acties")
    await carla.press_data(f"act:m:{action.id}")
    ask = await carla.wait_for("Typ het bericht")
    assert ask.text == "Typ het bericht voor wie komt bij Klaptafel. /annuleer stopt."
    mark = carla.mark()
    await carla.send("/annuleer")
    assert (await carla.wait_for("Oké", after=mark)).text == "Oké, het bericht is niet verstuurd."
