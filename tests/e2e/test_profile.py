"""/profiel (/profile): volunteers and residents change what sign-up asked (issue 8).

Real Application against the fake Bot API over HTTP, on SQLite and PostgreSQL. A changed
buurt changes who gets the next call; a buurt outside the invite's area is refused, also
when the button data is forged.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.callbacks import PF_BUURT
from bot.clock import Clock
from bot.domain import actions
from bot.domain.coupling import requests as coupling_requests
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, tap
from storage.areas import find_area
from storage.models import CouplingProfile, HelpRequestSlot, Offer, OutboxMessage, Person
from tests.e2e.test_my_actions import AMS, EVERY_DAY, NOW, SAT

STALE = "This button no longer works."
PROFILE = "Your profile. Tap what you want to change."


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _plan(wijkbot: BotUnderTest, title: str, area: str) -> int:
    """Carla (coordinator of Centrum) plans a street stand in `area` on Saturday 14:00."""
    async with wijkbot.db.begin() as session:
        found = await find_area(session, area)
        carla = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert found is not None and carla is not None
        draft = actions.validate_draft(
            kind="street_stand",
            title=title,
            area_id=found.id,
            meeting_place="Haarlemmerplein",
            starts_at=SAT,
            ends_at=SAT + dt.timedelta(hours=2),
            volunteers_needed=3,
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


async def _calls_for(wijkbot: BotUnderTest, action_id: int) -> set[int]:
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        rows = await session.scalars(
            select(OutboxMessage.chat_id).where(
                OutboxMessage.action_id == action_id, OutboxMessage.message_key == "action_call"
            )
        )
        return set(rows.all())


async def _vera(wijkbot: BotUnderTest, fake: FakeBotAPI, language: str = "en") -> FakeUser:
    vera = fake.user(4001, "Vera", language_code=language)
    await add_person(
        wijkbot,
        vera,
        role="volunteer",
        area="Centrum-West",
        buurt="Bloemgrachtbuurt",
        language=language,
        slots=EVERY_DAY,
        offers=["street_stand"],
    )
    coord = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum", language="en")
    return vera


async def test_a_new_buurt_changes_who_gets_the_next_call(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera = await _vera(wijkbot, fake)
    first = await _plan(wijkbot, "Klaptafel 1", "Haarlemmerbuurt")
    assert await _calls_for(wijkbot, first) == set()  # she lives in the Jordaan

    await vera.send("/profile")
    profile = await vera.wait_for(PROFILE)
    assert "Neighbourhood: Bloemgrachtbuurt" in profile.text
    assert "Couples at most: 1" in profile.text
    assert profile.labels == [
        "Neighbourhood",
        "Languages",
        "What I like to do",
        "Couples at most",
        "Rather not now (4 weeks)",
    ]
    await tap(vera, "Neighbourhood")
    question = await vera.wait_for("In which neighbourhood (buurt) do you live?")
    assert question.message_id == profile.message_id  # in place
    assert "Haarlemmerbuurt West" in question.labels and "Kop Zeedijk" not in question.labels
    assert question.labels[-2:] == ["I don't know / all of Centrum-West", "« Back"]

    # a forged buurt outside the invite's area (Kop Zeedijk, Centrum-Oost) is refused
    async with wijkbot.db.begin() as session:
        outside = await find_area(session, "Kop Zeedijk")
        assert outside is not None
    await vera.press_data(PF_BUURT.encode(buurt_id=outside.id), message_id=question.message_id)
    assert (await vera.wait_for_callback_answer()).text == STALE
    async with wijkbot.db.begin() as session:
        home = await session.scalar(select(Person.buurt_id).where(Person.telegram_user_id == 4001))
        jordaan_buurt = await find_area(session, "Bloemgrachtbuurt")
        assert jordaan_buurt is not None and home == jordaan_buurt.id

    mark = vera.mark()
    await tap(vera, "Haarlemmerbuurt West")
    saved = await vera.wait_for(PROFILE, after=mark)
    assert "Neighbourhood: Haarlemmerbuurt West" in saved.text
    assert (await vera.wait_for_callback_answer()).text == "Saved."

    second = await _plan(wijkbot, "Klaptafel 2", "Haarlemmerbuurt")
    assert await _calls_for(wijkbot, second) == {vera.id}
    await vera.wait_for("Klaptafel 2")


async def test_languages_tasks_and_coupling_settings(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera = await _vera(wijkbot, fake)
    await vera.send("/profile")
    await vera.wait_for(PROFILE)
    await tap(vera, "Languages")
    await vera.wait_for("Which languages do you speak?")
    await tap(vera, "⬜ Turkish")
    await vera.wait_for(predicate=lambda m: "✅ Turkish" in m.labels)
    mark = vera.mark()
    await tap(vera, "Done")
    back = await vera.wait_for(PROFILE, after=mark)
    assert "Languages: Turkish" in back.text

    await tap(vera, "What I like to do")
    await vera.wait_for("What do you like to do?")
    await tap(vera, "✅ Street stand")
    await vera.wait_for(predicate=lambda m: "⬜ Street stand" in m.labels)
    await tap(vera, "⬜ Odd jobs")
    await vera.wait_for(predicate=lambda m: "✅ Odd jobs" in m.labels)
    mark = vera.mark()
    await tap(vera, "Done")
    back = await vera.wait_for(PROFILE, after=mark)
    assert "You like to do: Odd jobs" in back.text

    await tap(vera, "Couples at most")
    await vera.wait_for("How many residents would you like to be coupled with")
    mark = vera.mark()
    await tap(vera, "3")
    back = await vera.wait_for(PROFILE, after=mark)
    assert "Couples at most: 3" in back.text
    mark = vera.mark()
    await tap(vera, "Rather not now (4 weeks)")
    back = await vera.wait_for(PROFILE, after=mark)
    assert "No coupling proposals until Monday 29 December." in back.text

    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == 4001))
        assert person is not None and person.spoken_languages == ["tr"]
        offers = await session.scalars(select(Offer.task).where(Offer.person_id == person.id))
        assert offers.all() == ["odd_jobs"]
        coupling = await session.get(CouplingProfile, person.id)
        assert coupling is not None and coupling.max_couples == 3
        assert coupling.not_now_until is not None

    # forged: a resident's step, an unknown count
    for data in ("pf:ws:shopping:1", "pf:cs:11", "pf:ts:nonsense:1"):
        await vera.press_data(data)
        assert (await vera.wait_for_callback_answer()).text == STALE, data


async def test_residents_and_dutch(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    rosa = fake.user(4300, "Rosa", language_code="nl")
    await add_person(wijkbot, rosa, role="resident", area="Haarlemmerbuurt", language="nl")
    await rosa.send("/profiel")
    profile = await rosa.wait_for("Je profiel. Tik op wat je wilt veranderen.")
    assert profile.labels == ["Buurt", "Talen", "Waar ik hulp bij wil", "Tijden die me passen"]
    assert "Talen: –" in profile.text
    await tap(rosa, "Waar ik hulp bij wil")
    await rosa.wait_for("Waar wil je hulp bij?")
    await tap(rosa, "⬜ Boodschappen")
    await rosa.wait_for(predicate=lambda m: "✅ Boodschappen" in m.labels)
    mark = rosa.mark()
    await tap(rosa, "Klaar")
    back = await rosa.wait_for("Je profiel", after=mark)
    assert "Wil hulp bij: Boodschappen" in back.text
    await rosa.press_data("pf:t")  # a volunteer's step
    assert (await rosa.wait_for_callback_answer()).text == "Deze knop werkt niet meer."

    coord = fake.user(2002, "Coco", language_code="en")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum", language="en")
    await coord.send("/profile")
    await coord.wait_for("Only volunteers and residents who signed up have a profile.")


async def test_a_resident_changes_the_times_of_their_open_request(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    """Residents' times live on their open help request: /profiel edits them with the
    /hulpvraag grid; without a request they are pointed to /hulpvraag."""
    rosa = fake.user(4301, "Rosa", language_code="nl")
    person = await add_person(wijkbot, rosa, role="resident", area="Haarlemmerbuurt", language="nl")
    await rosa.send("/profiel")
    await rosa.wait_for("Je profiel")
    mark = rosa.mark()
    await tap(rosa, "Tijden die me passen")
    none = await rosa.wait_for("Je tijden horen bij je hulpvraag", after=mark)
    assert none.text == (
        "Je tijden horen bij je hulpvraag, en je hebt nu geen open hulpvraag. Stuur /hulpvraag "
        "als je hulp wilt: dan vragen we ook welke tijden je passen."
    )
    assert none.labels == ["« Terug"]
    await rosa.press_data("pf:hs:0:m:1")  # an old grid button: nothing is stored
    await rosa.wait_for_callback_answer()

    async with wijkbot.db.begin() as session:
        resident = await session.get(Person, person.id)
        assert resident is not None
        request = await coupling_requests.create_request(
            session=session,
            resident=resident,
            tasks=["shopping"],
            slots=[(5, "afternoon")],
            now=wijkbot.clock.now(),
        )
        request_id = request.id
    await rosa.send("/profiel")
    await rosa.wait_for("Je profiel", after=mark)
    mark = rosa.mark()
    await tap(rosa, "Tijden die me passen")
    grid = await rosa.wait_for("Welke tijden", after=mark)
    assert "✅ za middag" in grid.labels
    assert "⬜ ma ochtend" in grid.labels
    await tap(rosa, "⬜ ma ochtend")
    await rosa.wait_for(predicate=lambda m: "✅ ma ochtend" in m.labels)
    await tap(rosa, "✅ za middag")
    await rosa.wait_for(predicate=lambda m: "⬜ za middag" in m.labels and m.labels)
    mark = rosa.mark()
    await tap(rosa, "Klaar")
    await rosa.wait_for("Je profiel", after=mark)
    async with wijkbot.db.begin() as session:
        slots = await session.execute(
            select(HelpRequestSlot.weekday, HelpRequestSlot.day_part).where(
                HelpRequestSlot.request_id == request_id
            )
        )
        assert slots.all() == [(0, "morning")]


async def test_a_resident_without_a_request_in_english(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    ruth = fake.user(4302, "Ruth", language_code="en")
    await add_person(wijkbot, ruth, role="resident", area="Haarlemmerbuurt", language="en")
    await ruth.send("/profile")
    profile = await ruth.wait_for("Your profile")
    assert profile.labels[-1] == "Times that suit me"
    mark = ruth.mark()
    await tap(ruth, "Times that suit me")
    none = await ruth.wait_for("Your times are kept", after=mark)
    assert none.text == (
        "Your times are kept with your help request, and you have no open request now. "
        "Send /helprequest when you would like help: it asks which times suit you."
    )
    await ruth.press_data("pf:h")  # a second press: the same kind answer
    await ruth.wait_for_callback_answer()
