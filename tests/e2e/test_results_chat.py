"""Results of an action in chat (issue 10, item 2): volunteers who came and the coordinator
record conversations (per street if they like) and themes heard in a few taps; a
coordinator adds a theme for their area. Real Application against the fake Bot API over
HTTP, on SQLite and PostgreSQL.

A klaptafel in Haarlemmerbuurt West on Saturday 8 May 2027, 14:00-17:00 Amsterdam time,
with Fatima and Joost confirmed. The clock stands at 15:00 (during the action).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import ActionResult, ActionResultTheme, AreaTheme, Person
from tests.storage.test_results import add_action

AMS = ZoneInfo("Europe/Amsterdam")
STARTS = dt.datetime(2027, 5, 8, 14, 0, tzinfo=AMS)
DURING = dt.datetime(2027, 5, 8, 15, 0, tzinfo=AMS)


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(DURING)


async def setup(wijkbot: BotUnderTest, fake: FakeBotAPI) -> tuple[FakeUser, ...]:
    carla = fake.user(7001, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    fatima = fake.user(7002, "Fatima", language_code="nl")
    await add_person(wijkbot, fatima, role="volunteer", area="Haarlemmerbuurt", language="nl")
    joost = fake.user(7003, "Joost", language_code="en")
    await add_person(wijkbot, joost, role="volunteer", area="Haarlemmerbuurt", language="en")
    vera = fake.user(7004, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt", language="en")
    async with wijkbot.db.begin() as session:
        people = {
            p.telegram_user_id: p
            for p in await session.scalars(select(Person).where(Person.telegram_user_id > 7001))
        }
        start = STARTS.astimezone(dt.UTC)
        await add_action(
            session,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            volunteers=(people[7002], people[7003]),
        )
    return carla, fatima, joost, vera


async def stored(wijkbot: BotUnderTest) -> list[tuple[str, str, int, list[str]]]:
    async with wijkbot.db.begin() as session:
        rows = []
        for result in await session.scalars(select(ActionResult)):
            person = await session.get(Person, result.person_id)
            themes = await session.scalars(
                select(ActionResultTheme.theme).where(ActionResultTheme.result_id == result.id)
            )
            rows.append((person.display_name, result.street, result.conversations, sorted(themes)))
        return sorted(rows)


async def test_two_volunteers_and_the_coordinator_record_results(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    carla, fatima, joost, vera = await setup(wijkbot, fake)

    await fatima.send("/opbrengst")
    screen = await fatima.wait_for("Opbrengst: Klaptafel")
    assert screen.text.split("\n") == [
        "Opbrengst: Klaptafel",
        "zaterdag 8 mei, Haarlemmerbuurt West",
        "Straat: alle straten samen",
        "Gesprekken: nog niet ingevuld",
        "Gehoord: –",
        "",
        "Tik hoeveel gesprekken je had (of typ het getal) en de thema's die je hoorde. "
        "Alles wordt meteen bewaard.",
    ]
    assert screen.buttons == [
        ["0", "1", "2", "3", "4", "5"],
        ["6", "8", "10", "12", "15", "20"],
        ["⬜ eenzaamheid", "⬜ geldzorgen"],
        ["⬜ onderhoud woning", "⬜ veiligheid"],
        ["⬜ digitale hulp", "⬜ taal"],
        ["⬜ gezondheid"],
        ["📍 Per straat"],
        ["📱 Bewoner hier aanmelden"],
        ["📣 Signaal over een plek"],
        ["🆘 Zorgen om iemand"],
        ["Klaar"],
    ]
    mark = fatima.mark()
    await fatima.press("5", message_id=screen.message_id)
    await fatima.wait_for("Gesprekken: 5", after=mark)
    mark = fatima.mark()
    await fatima.press("⬜ eenzaamheid", message_id=screen.message_id)
    await fatima.wait_for(predicate=lambda m: "✅ eenzaamheid" in m.labels, after=mark)
    mark = fatima.mark()
    await fatima.press("⬜ geldzorgen", message_id=screen.message_id)
    await fatima.wait_for("Gehoord: eenzaamheid, geldzorgen", after=mark)
    # a second street: its own numbers
    mark = fatima.mark()
    await fatima.press("📍 Per straat", message_id=screen.message_id)
    await fatima.wait_for(
        "Typ de straatnaam (zonder huisnummer). Stuur /annuleer om te stoppen.", after=mark
    )
    mark = fatima.mark()
    await fatima.send("Haarlemmerstraat")
    street = await fatima.wait_for("Straat: Haarlemmerstraat", after=mark)
    assert "Gesprekken: nog niet ingevuld" in street.text
    mark = fatima.mark()
    await fatima.send("veel")  # not a number: a kind answer, nothing lost
    await fatima.wait_for("Typ een getal van 0 tot 1000, of tik op een knop.", after=mark)
    mark = fatima.mark()
    await fatima.send("3")
    await fatima.wait_for("Gesprekken: 3", after=mark)
    mark = fatima.mark()
    await tap(fatima, "Klaar", after=mark - 1)
    done = await fatima.wait_for("Bedankt", after=mark)
    assert (
        done.text
        == "Bedankt! Bewaard. Klaptafel tot nu toe: 8 gesprekken, ingevuld door 1 persoon."
    )

    # Joost, in English, from /results: two taps and done
    await joost.send("/results")
    screen = await joost.wait_for("Results: Klaptafel")
    assert "Street: all streets together" in screen.text
    mark = joost.mark()
    await joost.press("2", message_id=screen.message_id)
    await joost.wait_for("Conversations: 2", after=mark)
    mark = joost.mark()
    await joost.press("⬜ loneliness", message_id=screen.message_id)
    await joost.wait_for("Heard: loneliness", after=mark)
    mark = joost.mark()
    await joost.press("Done", message_id=screen.message_id)
    done = await joost.wait_for("Thank you", after=mark)
    assert (
        done.text == "Thank you! Saved. Klaptafel so far: 10 conversations, recorded by 2 people."
    )

    # Carla, the coordinator, adds a theme for her area and records what she heard
    await carla.send("/results")
    screen = await carla.wait_for("Results: Klaptafel")
    assert screen.buttons[-4] == ["📍 Per street", "➕ Add a theme"]
    mark = carla.mark()
    await carla.press("➕ Add a theme", message_id=screen.message_id)
    await carla.wait_for("Type the new theme", after=mark)
    mark = carla.mark()
    await carla.send("Overlast  van  ratten")
    screen = await carla.wait_for("Results: Klaptafel", after=mark)
    assert "⬜ Overlast van ratten" in screen.labels
    mark = carla.mark()
    await carla.press("⬜ Overlast van ratten", message_id=screen.message_id)
    await carla.wait_for("Heard: Overlast van ratten", after=mark)
    mark = carla.mark()
    await carla.press("1", message_id=screen.message_id)
    await carla.wait_for("Conversations: 1", after=mark)

    assert await stored(wijkbot) == [
        ("Carla", "", 1, ["area_overlast_van_ratten"]),
        ("Fatima", "", 5, ["loneliness", "money_worries"]),
        ("Fatima", "Haarlemmerstraat", 3, []),
        ("Joost", "", 2, ["loneliness"]),
    ]
    async with wijkbot.db.begin() as session:
        theme = await session.scalar(select(AreaTheme))
        assert theme is not None and theme.name == "Overlast van ratten"

    # Vera had no place: nothing to record, a forged button changes nothing
    await vera.send("/results")
    refused = await vera.wait_for("There is no action you can record results for right now.")
    await vera.press_data("res:n:1:9", message_id=refused.message_id)
    answer = await vera.wait_for_callback_answer()
    assert answer.text == (
        "Only volunteers who came and the coordinators can record results for this action."
    )
    # two weeks after the end the screen is closed
    wijkbot.clock.set(DURING + dt.timedelta(days=15))
    mark = joost.mark()
    await joost.send("/results")
    await joost.wait_for("There is no action you can record results for right now.", after=mark)
    await joost.press_data("res:n:1:9", message_id=done.message_id)
    answer = await joost.wait_for_callback_answer()
    assert answer.text == (
        "Results can be recorded from the start of the action until two weeks after it."
    )
    assert len(await stored(wijkbot)) == 4
