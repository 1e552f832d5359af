"""Copy an action, widen its call, and the duplicate guards (issue 7 items 2, 3 and 10).

Real Application against the fake Bot API over HTTP, on SQLite and PostgreSQL. Clock:
Monday 1 December 2031, 10:00 in Amsterdam. The issue's story: an action in buurt
Planciusbuurt Noord called nobody while volunteers live in sibling buurten of the same wijk
(Haarlemmerbuurt).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import Clock
from bot.domain import actions, people
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.fake_bot_api.messages import BotMessage
from sandbox.harness import BotUnderTest, add_person, tap
from storage.areas import find_area
from storage.models import Action, OutboxMessage, Person, Rsvp

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
SAT = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)  # 14:00 in Amsterdam
EVERY_DAY = [(day, part) for day in range(7) for part in ("morning", "afternoon")]
NOBODY = (
    "Nobody would get the call: there are no volunteers in Planciusbuurt Noord yet. "
    "Choose a bigger area?"
)


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


@pytest.fixture
async def wijkbot(fake: FakeBotAPI, database_url: str, clock: Clock) -> AsyncIterator[BotUnderTest]:
    """The real bot; the clock stands still here, so the per-user throttle (which counts on
    the bot's clock) gets room for a whole planning conversation and more."""
    settings = BotUnderTest.settings_for(fake, database_url, throttle_max_updates=1000)
    bot = BotUnderTest(fake, settings, clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def _coordinator(wijkbot: BotUnderTest, fake: FakeBotAPI, language: str = "en") -> FakeUser:
    user = fake.user(2001, "Carla", language_code=language)
    await add_person(wijkbot, user, role="coordinator", area="Centrum", language=language)
    return user


async def _volunteer(
    wijkbot: BotUnderTest, fake: FakeBotAPI, user_id: int, name: str, area: str, buurt: str | None
) -> FakeUser:
    user = fake.user(user_id, name, language_code="en")
    await add_person(
        wijkbot, user, role="volunteer", area=area, buurt=buurt, language="en", slots=EVERY_DAY
    )
    return user


async def _do(user: FakeUser, how: str, what: str, expect: str) -> BotMessage:
    mark = user.mark()
    if how == "tap":
        await tap(user, what)
    else:
        await user.send(what)
    return await user.wait_for(expect, after=mark)


async def _plan_in_chat(
    coord: FakeUser, buurt: str, day: str = "Sat 6 Dec", start: str = "14:00"
) -> BotMessage:
    """/newaction: a street stand 'Klaptafel' in the wijk Haarlemmerbuurt (or one of its
    buurten), 4 volunteers; returns the preview."""
    await _do(coord, "send", "/newaction", "What kind of action is it?")
    await _do(coord, "tap", "Street stand", "Type a short title")
    await _do(coord, "send", "Klaptafel", "In which district (wijk) is the action?")
    await _do(coord, "tap", "Haarlemmerbuurt", "Which neighbourhood (buurt) in Haarlemmerbuurt?")
    await _do(coord, "tap", buurt, "Where do the volunteers meet?")
    await _do(coord, "send", "Haarlemmerplein 1", "On which day?")
    await _do(coord, "tap", day, "What time does it start?")
    await _do(coord, "send", start, "What time does it end?")
    await _do(coord, "send", "16:00", "How many volunteers do you need?")
    return await _do(coord, "tap", "4", "Please check the action:")


async def _sibling_volunteers(wijkbot: BotUnderTest, fake: FakeBotAPI) -> list[FakeUser]:
    """Anna, Ben and Cem in sibling buurten of Planciusbuurt Noord; Dirk in the Jordaan."""
    return [
        await _volunteer(wijkbot, fake, 3001, "Anna", "Haarlemmerbuurt", "Haarlemmerbuurt Oost"),
        await _volunteer(wijkbot, fake, 3002, "Ben", "Haarlemmerbuurt", "Haarlemmerbuurt West"),
        await _volunteer(wijkbot, fake, 3003, "Cem", "Haarlemmerbuurt", "Westerdokseiland"),
        await _volunteer(wijkbot, fake, 3004, "Dirk", "Jordaan", None),
    ]


async def test_a_call_that_would_reach_nobody_is_said_before_and_widened_after(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    anna, ben, cem, dirk = await _sibling_volunteers(wijkbot, fake)
    preview = await _plan_in_chat(coord, "Planciusbuurt Noord")
    assert preview.text.endswith(f"Shall I send the call to the volunteers?\n\n{NOBODY}")
    assert preview.labels == [
        "Whole wijk Haarlemmerbuurt",
        "Choose another area",
        "Yes, send the call",
        "Ask for a language",
        "Together with partners",
        "Start over",
        "Cancel",
    ]
    done = await _do(coord, "tap", "Yes, send the call", "Done!")
    assert "There are no volunteers in this area yet, so nobody is called." in done.text

    await _do(coord, "tap", "Who is coming?", "places filled")
    choice = await _do(coord, "tap", "Call more people", "Who else should get the call")
    assert choice.text == (
        "Who else should get the call for Klaptafel? "
        "Only volunteers who did not get it yet are called."
    )
    assert choice.labels[0] == "The other buurten of Haarlemmerbuurt"
    assert "Wijk Jordaan" in choice.labels and "Wijk Haarlemmerbuurt" not in choice.labels
    assert choice.labels[-1] == "« Back"
    data = dict(choice.button_data)  # the message is edited by the next press
    told = await _do(coord, "tap", "The other buurten of Haarlemmerbuurt", "get the call now")
    assert told.text == "3 more volunteers in Haarlemmerbuurt get the call now."
    assert told.labels == ["Who is coming?"]
    for user in (anna, ben, cem):
        call = await user.wait_for("New action in Planciusbuurt Noord: can you help?")
        assert call.labels == ["Yes", "Maybe", "No"]
    mark = anna.mark()
    await tap(anna, "Yes")
    await anna.wait_for("Your answer: Yes — see you there!", after=mark)

    # a second press calls nobody twice; another wijk reaches Dirk
    action_id = await _only_action(wijkbot)
    mark = coord.mark()
    await coord.press_data(data["The other buurten of Haarlemmerbuurt"])
    again = await coord.wait_for("Nobody new to call", after=mark)
    assert again.text == (
        "Nobody new to call in Haarlemmerbuurt: everyone there already had the call, "
        "or there are no volunteers yet."
    )
    mark = coord.mark()
    await coord.press_data(data["Wijk Jordaan"])
    assert (await coord.wait_for("in Jordaan", after=mark)).text == (
        "1 more volunteer in Jordaan gets the call now."
    )
    await dirk.wait_for("New action in Planciusbuurt Noord")
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        calls = await session.execute(
            select(OutboxMessage.person_id, func.count())
            .where(OutboxMessage.message_key == "action_call")
            .group_by(OutboxMessage.person_id)
        )
        assert sorted(n for _, n in calls.all()) == [1, 1, 1, 1]  # one call each

    # a forged area (the action's own buurt is no wider choice) gets the stale answer
    async with wijkbot.db.begin() as session:
        own = await find_area(session, "Planciusbuurt Noord")
        assert own is not None
    await coord.press_data(f"act:wt:{action_id}:{own.id}")
    assert (await coord.wait_for_callback_answer()).text == "This button no longer works."


async def _only_action(wijkbot: BotUnderTest) -> int:
    async with wijkbot.db.begin() as session:
        found = await session.scalar(select(Action.id).order_by(Action.id.desc()))
        assert found is not None
        return found


async def test_the_preview_offers_the_whole_wijk_and_a_copy_goes_elsewhere(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    anna, _ben, _cem, dirk = await _sibling_volunteers(wijkbot, fake)
    await _plan_in_chat(coord, "Planciusbuurt Noord")
    preview = await _do(coord, "tap", "Whole wijk Haarlemmerbuurt", "Please check the action:")
    assert "Where: Haarlemmerplein 1, Haarlemmerbuurt" in preview.text
    assert "Nobody would get the call" not in preview.text
    assert preview.labels == [
        "Yes, send the call",
        "Ask for a language",
        "Together with partners",
        "Start over",
        "Cancel",
    ]
    done = await _do(coord, "tap", "Yes, send the call", "Done!")
    assert "3 volunteers get the call now." in done.text
    await anna.wait_for("New action in Haarlemmerbuurt")

    # "Once more": same kind, title and places; another wijk, place and day
    await _do(coord, "tap", "Who is coming?", "places filled")
    first = await _do(coord, "tap", "Once more", "Once more: Klaptafel.")
    assert first.text == (
        "Once more: Klaptafel. Choose the area, then the place and the time.\n\n"
        "In which district (wijk) is the action?"
    )
    await _do(coord, "tap", "Jordaan", "Which neighbourhood (buurt) in Jordaan?")
    await _do(coord, "tap", "All of Jordaan", "Where do the volunteers meet?")
    await _do(coord, "send", "Westermarkt", "On which day?")
    await _do(coord, "tap", "Sun 7 Dec", "What time does it start?")
    await _do(coord, "send", "11:00", "What time does it end?")
    copy = await _do(coord, "send", "13:00", "Please check the action:")
    assert copy.text == (
        "Please check the action:\n\n"
        "Klaptafel\nStreet stand\n"
        "When: Sunday 7 December, 11:00 to 13:00\n"
        "Where: Westermarkt, Jordaan\n"
        "4 volunteers needed\n\n"
        "Shall I send the call to the volunteers?"
    )
    await _do(coord, "tap", "Yes, send the call", "Done!")
    await dirk.wait_for("New action in Jordaan: can you help?")
    async with wijkbot.db.begin() as session:
        rows = await session.execute(
            select(Action.kind, Action.title, Action.volunteers_needed).order_by(Action.id)
        )
        assert rows.all() == [("street_stand", "Klaptafel", 4)] * 2


async def test_confirming_the_same_action_twice_asks_first_in_dutch(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake, language="nl")

    async def plan() -> BotMessage:
        await _do(coord, "send", "/nieuweactie", "Wat voor actie")
        await _do(coord, "tap", "Klaptafel", "Typ een korte titel")
        await _do(coord, "send", "Klaptafel", "In welke wijk")
        await _do(coord, "tap", "Haarlemmerbuurt", "Welke buurt in Haarlemmerbuurt?")
        await _do(coord, "tap", "Heel Haarlemmerbuurt", "Waar spreken de vrijwilligers af?")
        await _do(coord, "send", "Haarlemmerplein 1", "Op welke dag?")
        await _do(coord, "tap", "za 6 dec", "Hoe laat begint")
        await _do(coord, "send", "15:00", "Hoe laat is het afgelopen")
        await _do(coord, "send", "17:00", "Hoeveel vrijwilligers")
        await _do(coord, "tap", "4", "Kijk de actie even na:")
        return await _do(coord, "tap", "Ja, stuur de oproep", "Klaptafel")

    assert (await plan()).text.startswith("Klaar!")
    asked = await plan()
    assert asked.text == (
        "Er is al Klaptafel op dat moment (zaterdag 6 december om 15:00) in Haarlemmerbuurt. "
        "Toch nog een plannen?"
    )
    assert asked.labels == ["Ja, plan er nog een", "Nee, stop"]
    await _do(coord, "tap", "Nee, stop", "Oké, gestopt.")
    assert await _count_actions(wijkbot) == 1
    await plan()
    await _do(coord, "tap", "Ja, plan er nog een", "Klaar!")
    assert await _count_actions(wijkbot) == 2

    # calling more people, in Dutch
    await _do(coord, "tap", "Wie komt er?", "plekken bezet")
    choice = await _do(coord, "tap", "Meer mensen oproepen", "Wie moet de oproep")
    assert choice.text == (
        "Wie moet de oproep voor Klaptafel nog meer krijgen? "
        "Alleen vrijwilligers die hem nog niet kregen, krijgen hem."
    )
    assert choice.labels[0] == "Wijk Burgwallen-Nieuwe Zijde" and choice.labels[-1] == "« Terug"
    nobody = await _do(coord, "tap", "Wijk Jordaan", "Niemand nieuw")
    assert nobody.text == (
        "Niemand nieuw om op te roepen in Jordaan: iedereen daar had de oproep al, "
        "of er zijn nog geen vrijwilligers."
    )


async def _count_actions(wijkbot: BotUnderTest) -> int:
    async with wijkbot.db.begin() as session:
        return await session.scalar(select(func.count()).select_from(Action)) or 0


async def _plan(wijkbot: BotUnderTest, title: str, starts: dt.datetime) -> int:
    async with wijkbot.db.begin() as session:
        area = await find_area(session, "Haarlemmerbuurt")
        carla = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert area is not None and carla is not None
        draft = actions.validate_draft(
            kind="street_stand",
            title=title,
            area_id=area.id,
            meeting_place="Haarlemmerplein",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            volunteers_needed=4,
            now=wijkbot.clock.now(),
        )
        action, _ = await actions.create_action(
            session=session,
            coordinator=carla,
            draft=draft,
            now=wijkbot.clock.now(),
            tz=AMS,
            second_wave_delay=dt.timedelta(hours=2),
        )
        return action.id


async def test_a_yes_that_overlaps_another_yes_asks_which_one(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await _coordinator(wijkbot, fake)
    anna, ben, _cem, _dirk = await _sibling_volunteers(wijkbot, fake)
    soup = await _plan(wijkbot, "Soep", SAT)
    table = await _plan(wijkbot, "Tafel", SAT + dt.timedelta(hours=1))  # 15:00-17:00
    early = await _plan(wijkbot, "Vroeg", SAT - dt.timedelta(hours=1))  # 13:00-15:00

    async def answer(user: FakeUser, title: str, expect: str) -> BotMessage:
        call = await user.wait_for(predicate=lambda m: f"\n{title}\n" in f"\n{m.text}\n")
        mark = user.mark()
        await user.press("Yes", message_id=call.message_id)
        return await user.wait_for(expect, after=mark)

    await answer(anna, "Soep", "see you there")
    asked = await answer(anna, "Tafel", "You already said Yes")
    assert asked.text == (
        "You already said Yes to Soep (Saturday 6 December at 14:00). "
        "That is at the same time as Tafel. Which one do you choose?"
    )
    assert asked.labels == ["Choose Tafel", "Keep Soep"]
    mark = anna.mark()
    await anna.press("Choose Tafel", message_id=asked.message_id)
    chosen = await anna.wait_for("Your answer: Yes — see you there!", after=mark)
    assert chosen.text.startswith("Tafel\nStreet stand")
    await answer(anna, "Vroeg", "see you there")  # ends when Tafel begins: back-to-back

    await answer(ben, "Soep", "see you there")
    asked = await answer(ben, "Tafel", "You already said Yes")
    mark = ben.mark()
    await ben.press("Keep Soep", message_id=asked.message_id)
    kept = await ben.wait_for("OK, nothing changed", after=mark)
    assert kept.text == "OK, nothing changed: you keep your place at the other action."

    async with wijkbot.db.begin() as session:
        rows = await session.execute(
            select(Person.display_name, Rsvp.action_id, Rsvp.answer)
            .join(Person, Person.id == Rsvp.person_id)
            .order_by(Person.display_name, Rsvp.action_id)
        )
        assert rows.all() == [
            ("Anna", soup, "no"),
            ("Anna", table, "yes"),
            ("Anna", early, "yes"),
            ("Ben", soup, "yes"),
        ]


async def test_an_action_that_asks_for_a_language_calls_its_speakers_first(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    anna = await _volunteer(wijkbot, fake, 3001, "Anna", "Haarlemmerbuurt", None)
    emre = fake.user(3005, "Emre", language_code="en")
    await add_person(wijkbot, emre, role="volunteer", area="Haarlemmerbuurt", language="en")
    bas = fake.user(3006, "Bas", language_code="en")
    await add_person(wijkbot, bas, role="volunteer", area="Haarlemmerbuurt", language="en")
    async with wijkbot.db.begin() as session:  # Emre speaks Turkish; neither set a time
        person = await session.scalar(select(Person).where(Person.telegram_user_id == emre.id))
        assert person is not None
        people.set_spoken_languages(person=person, languages=["nl", "tr"])

    await _plan_in_chat(coord, "All of Haarlemmerbuurt")
    asked = await _do(coord, "tap", "Ask for a language", "Which language should")
    assert asked.text == (
        "Which language should a volunteer also speak? Volunteers who speak it get the call first."
    )
    assert "Turkish" in asked.labels and asked.labels[-1] == "No language"
    preview = await _do(coord, "tap", "Turkish", "Please check the action:")
    assert "4 volunteers needed\nAlso wanted: someone who speaks Turkish.\n\n" in preview.text
    done = await _do(coord, "tap", "Yes, send the call", "Done!")
    assert "2 volunteers get the call now." in done.text  # Anna (fits) and Emre (speaks)
    assert "1 more volunteer gets it at 12:00, if there are still places." in done.text  # Bas
    call = await emre.wait_for("New action in Haarlemmerbuurt")
    assert "Also wanted: someone who speaks Turkish." in call.text
    await anna.wait_for("New action in Haarlemmerbuurt")
    mark = emre.mark()
    await tap(emre, "Yes")
    await emre.wait_for("see you there", after=mark)
    roster = await _do(coord, "tap", "Who is coming?", "places filled")
    assert (
        f"1 of 4 places filled\nOf those coming, 1 speaks Turkish\nComing (1): {iso('Emre')}"
        in roster.text
    )
    async with wijkbot.db.begin() as session:
        action = await session.scalar(select(Action))
        assert action is not None and action.language == "tr"
        later = await session.scalar(
            select(OutboxMessage.due_at).where(OutboxMessage.chat_id == bas.id)
        )
        assert later is not None and later > NOW
