"""Problems found by trying the bot as new people would (tester round), each kept as a
regression test: the real Application against the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_partner, add_person
from storage.models import Person
from tests.storage.test_results import add_action

AMS = ZoneInfo("Europe/Amsterdam")


async def test_only_coordinators_are_told_how_to_plan_a_first_meeting(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    """A partner or volunteer sending /kennismaking got the coordinator's how-to (with a
    couple number to type), as if they could plan one; they get the one refusal instead."""
    paula = fake.user(5001, "Paula", language_code="nl")
    await add_partner(wijkbot, paula, organisation="dock-centrum")
    vera = fake.user(5002, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    carla = fake.user(5003, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")

    await paula.send("/kennismaking")
    refused = await paula.wait_for("Sorry")
    assert refused.text == "Sorry, dit kunnen alleen coördinatoren doen."
    await vera.send("/firstmeeting 1 5-12 14:00 Buurthuis")
    refused = await vera.wait_for("Sorry")
    assert refused.text == "Sorry, only coordinators can do this."
    await carla.send("/firstmeeting")  # the coordinator still gets the how-to
    await carla.wait_for("Plan a first meeting (kennismaking) like this:")


async def test_a_superscript_digit_on_the_results_screen_gets_the_hint(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """'5²' passed `str.isdigit()` (superscripts are digits to Python) and then `int()`
    raised ValueError: a traceback and no answer. Now it gets the number hint, and a plain
    number typed next is saved."""
    starts = dt.datetime(2027, 5, 8, 14, 0, tzinfo=AMS)
    clock.set(starts + dt.timedelta(hours=1))
    fatima = fake.user(7002, "Fatima", language_code="nl")
    await add_person(wijkbot, fatima, role="volunteer", area="Haarlemmerbuurt", language="nl")
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == 7002))
        start = starts.astimezone(dt.UTC)
        await add_action(
            session, starts_at=start, ends_at=start + dt.timedelta(hours=3), volunteers=(person,)
        )
    await fatima.send("/opbrengst")
    await fatima.wait_for("Opbrengst: Klaptafel")
    with caplog.at_level(logging.ERROR):
        for odd in ("5²", "²", "١٢٣٤"):  # superscript, and Arabic-Indic 1234 (over 1000)
            mark = fatima.mark()
            await fatima.send(odd)
            hint = await fatima.wait_for("Typ een getal", after=mark)
            assert hint.text == "Typ een getal van 0 tot 1000, of tik op een knop."
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    mark = fatima.mark()
    await fatima.send("7")
    await fatima.wait_for("Gesprekken: 7", after=mark)


async def test_a_huge_couple_number_in_kennismaking_gets_the_polite_refusal(
    wijkbot: BotUnderTest, fake: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """The couple number may be typed with up to 10 digits; one above 2**31 - 1 reached the
    database, where PostgreSQL's 32-bit id column refused it: a traceback and "something
    went wrong". Now it is the same as an unknown couple."""
    carla = fake.user(5003, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    with caplog.at_level(logging.ERROR):
        await carla.send("/firstmeeting 9999999999 5-12 14:00 Buurthuis")
        refused = await carla.wait_for("You cannot plan a meeting for that couple.")
    assert refused.text == "You cannot plan a meeting for that couple."
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
