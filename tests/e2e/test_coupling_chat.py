"""Coupling in chat (issue 6 §0-2): a resident asks with /hulpvraag, a coordinator takes it
on, sees explained suggestions and proposes a volunteer; both say yes and are introduced.
Also: decline, "liever niet nu", timeout, stale and forged presses, the Jordaan case, an
unowned request raised again after 2 working days over a weekend."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.coupling_job import run_coupling_tick
from bot.domain import people
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.fake_bot_api.users import FakeUser
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import Couple, HelpRequest, HelpRequestChange, Person, Proposal

BUURT = "Westerdokseiland"


async def _volunteer(
    wijkbot: BotUnderTest,
    user: FakeUser,
    *,
    languages: list[str],
    buurt: str = BUURT,
    area: str = "Haarlemmerbuurt",
    slots: tuple[tuple[int, str], ...] = (),
) -> Person:
    person = await add_person(
        wijkbot,
        user,
        role="volunteer",
        area=area,
        buurt=buurt,
        language="en",
        offers=["shopping"],
        slots=slots,
    )
    async with wijkbot.db.begin() as session:
        row = await session.get(Person, person.id)
        assert row is not None
        people.set_spoken_languages(person=row, languages=languages)
    return person


async def _ask_for_shopping_in_turkish(ayse: FakeUser) -> None:
    """Ayse (Dutch) asks with /hulpvraag: Boodschappen, in Turks."""
    await ayse.send("/hulpvraag")
    mark = ayse.mark()
    await tap(ayse, "⬜ Boodschappen")
    await ayse.wait_for(predicate=lambda m: "✅ Boodschappen" in m.labels, after=mark)
    mark = ayse.mark()
    await tap(ayse, "Klaar")
    status = await ayse.wait_for("Je hulpvraag", after=mark)
    assert status.text == (
        "Je hulpvraag\nHulp bij: Boodschappen\nTalen: Nederlands\nTijden: elk moment\n\n"
        "We zoeken iemand voor je."
    )
    assert status.labels == [
        "Mijn vraag veranderen",
        "Talen veranderen",
        "Tijden veranderen",
        "Notitie voor de coördinator schrijven",
        "Mijn hulpvraag intrekken",
    ]
    mark = ayse.mark()
    await tap(ayse, "Talen veranderen")
    await tap(ayse, "⬜ Turks", after=mark)
    await ayse.wait_for(predicate=lambda m: "✅ Turks" in m.labels, after=mark)
    mark = ayse.mark()
    await tap(ayse, "✅ Nederlands")
    await ayse.wait_for(predicate=lambda m: "⬜ Nederlands" in m.labels, after=mark)
    mark = ayse.mark()
    await tap(ayse, "Klaar")
    status = await ayse.wait_for("Je hulpvraag", after=mark)
    assert "Talen: Turks\n" in status.text
    mark = ayse.mark()
    await tap(ayse, "Tijden veranderen")
    await tap(ayse, "⬜ wo middag", after=mark)
    await ayse.wait_for(predicate=lambda m: "✅ wo middag" in m.labels, after=mark)
    mark = ayse.mark()
    await tap(ayse, "Klaar")
    status = await ayse.wait_for("Je hulpvraag", after=mark)
    assert "Tijden: wo middag\n" in status.text


async def _setup(wijkbot: BotUnderTest, fake: FakeBotAPI):
    noor = fake.user(7001, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    vera = fake.user(7101, "Vera", language_code="en")
    await _volunteer(wijkbot, vera, languages=["tr", "nl"], slots=((2, "afternoon"),))
    bas = fake.user(7102, "Bas", language_code="en")
    await _volunteer(wijkbot, bas, languages=["nl"])  # no shared language
    tess = fake.user(7103, "Tess", language_code="en")
    await _volunteer(wijkbot, tess, languages=["tr"])  # never marked ready
    ayse = fake.user(7201, "Ayse", language_code="nl")
    await add_person(wijkbot, ayse, role="resident", area="Haarlemmerbuurt", buurt=BUURT)
    return noor, vera, bas, tess, ayse


async def _mark_ready(noor: FakeUser, *names: str) -> None:
    await noor.send("/ready")
    for name in names:
        mark = noor.mark()
        await tap(noor, f"⬜ {name}")
        await noor.wait_for(predicate=lambda m, n=name: f"✅ {iso(n)}" in m.labels, after=mark)


async def _open_suggestions(noor: FakeUser) -> str:
    mark = noor.mark()
    await noor.send("/helprequests")
    await noor.wait_for("help request", after=mark)
    await tap(noor, "1. Ayse", after=mark)
    await noor.wait_for("Ayse · Westerdokseiland", after=mark)
    mark = noor.mark()
    await tap(noor, "Suggested volunteers")
    found = await noor.wait_for("Suggested for", after=mark)
    return found.text


async def test_turkish_resident_is_coupled_to_a_ready_turkish_speaker(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor, vera, bas, _tess, ayse = await _setup(wijkbot, fake)
    await _ask_for_shopping_in_turkish(ayse)
    notice = await noor.wait_for("asks for help")
    assert notice.text == "A resident in Westerdokseiland asks for help. See /helprequests."

    await _mark_ready(noor, "Vera", "Bas")  # Tess is not marked ready
    mark = noor.mark()
    await noor.send("/helprequests")
    listing = await noor.wait_for("help request", after=mark)
    assert listing.text.split("\n")[0] == (
        "1 help request in your area. Tap one to take it on or to see suggestions."
    )
    assert "Help with: Shopping\nStatus: open · owner: nobody yet" in listing.text
    mark = noor.mark()
    await tap(noor, "1. Ayse")
    detail = await noor.wait_for("Ayse · Westerdokseiland", after=mark)
    assert detail.text == (
        f"{iso('Ayse')} · Westerdokseiland\nHelp with: Shopping\nLanguages: "
        "Turkish\nTimes: Wed afternoon\n"
        "Status: open · owner: nobody yet"
    )
    mark = noor.mark()
    await tap(noor, "I'll take this on")
    taken = await noor.wait_for("owner: Noor", after=mark)
    assert "I'll take this on" not in taken.labels
    text = await _open_suggestions(noor)
    assert text == (
        f"Suggested for {iso('Ayse')}:\n1. {iso('Vera')}: same buurt · speaks Turkish · "
        "likes shopping · "
        "free Wed afternoon · no couple yet"
    )
    mark = noor.mark()
    await tap(noor, "Ask Vera")
    asked = await noor.wait_for("We asked Vera", after=mark)
    assert f"Status: someone asked · owner: {iso('Noor')}" in asked.text

    proposal = await vera.wait_for("Would you like to help")
    assert proposal.text == (
        f"Would you like to help {iso('Ayse')} from Westerdokseiland?\nHelp with: Shopping\n"
        "Languages: Turkish\nTimes: Wed afternoon\n\n"
        f"If you say yes, we ask {iso('Ayse')} too. You answer within 2 days."
    )
    assert proposal.labels == ["Yes", "No", "Rather not now"]
    mark = ayse.mark()
    await ayse.send("/hulpvraag")
    status = await ayse.wait_for("Je hulpvraag", after=mark)
    assert status.text.endswith("Er is iemand gevraagd. Je hoort snel van ons.")
    assert status.labels == ["Mijn hulpvraag intrekken"]

    mark = vera.mark()
    await tap(vera, "Yes")
    await vera.wait_for("Thank you! We now ask the resident.", after=mark)
    question = await ayse.wait_for("Goed nieuws")
    assert question.text == (
        f"Goed nieuws: {iso('Vera')} uit Westerdokseiland wil je graag helpen. Wil je "
        f"kennismaken met {iso('Vera')}?"
    )
    mark = ayse.mark()
    await tap(ayse, "Ja")
    await ayse.wait_for("Dank je! Je krijgt zo een kennismakingsbericht.", after=mark)
    intro = await ayse.wait_for("zeiden ja")
    assert intro.text == (
        f"Jij en {iso('Vera')} zeiden ja: {iso('Vera')} gaat je helpen met: Boodschappen. "
        "De coördinator helpt jullie met de kennismaking."
    )
    intro = await vera.wait_for("you are now a couple")
    assert intro.text == (
        f"You and {iso('Ayse')} from Westerdokseiland said yes: you are now a couple (koppel). "
        f"{iso('Ayse')} would like help with: Shopping. Your coordinator helps you to meet for the "
        "first time (kennismaking). Thank you!"
    )
    told = await noor.wait_for("both said yes")
    assert told.text == (
        f"{iso('Vera')} and {iso('Ayse')} both said yes: they are now a couple. Plan "
        "their first meeting "
        "(kennismaking)."
    )
    mark = ayse.mark()
    await ayse.send("/hulpvraag")
    status = await ayse.wait_for("Je hulpvraag", after=mark)
    assert status.text.endswith(f"Je bent gekoppeld aan {iso('Vera')}.")

    # Stale, double and forged presses.
    async with wijkbot.db.begin() as session:
        row = await session.scalar(select(Proposal))
        assert row is not None
        pid = row.id
        request = await session.scalar(select(HelpRequest))
        assert request is not None and request.status == "coupled"
        couples = (await session.scalars(select(Couple))).all()
        assert len(couples) == 1
        changes = (
            await session.scalars(select(HelpRequestChange).order_by(HelpRequestChange.id))
        ).all()
        assert [c.to_status for c in changes] == ["open", "proposed", "coupled"]
        assert all(c.at is not None for c in changes)
    # the answered question lost its buttons; an old copy of it still sends its data
    await ayse.press_data(f"pr:{pid}:n", message_id=question.message_id)
    assert (await ayse.wait_for_callback_answer()).text == (
        "Dit voorstel staat niet meer open. Toch bedankt!"
    )
    mark = bas.mark()
    await bas.send("/help")
    await bas.wait_for("volunteer", after=mark)
    await bas.press_data(f"pv:{pid}:y")
    assert (await bas.wait_for_callback_answer()).text == (
        "This proposal is no longer open. Thank you anyway!"
    )
    await bas.press_data(f"cr:v:{request.id}:{bas.id}")
    assert (await bas.wait_for_callback_answer()).text == "Sorry, only coordinators can do this."
    await bas.press_data("pv:999999:x")
    assert (await bas.wait_for_callback_answer()).text == "This button no longer works."
    await wijkbot.handled()
    async with wijkbot.db.begin() as session:
        assert len((await session.scalars(select(Couple))).all()) == 1


@pytest.fixture
async def nights_bot(
    fake: FakeBotAPI, database_url: str, clock: Clock
) -> AsyncIterator[BotUnderTest]:
    """The bot with the default quiet hours (21-8, Europe/Amsterdam: 13 awake hours a day),
    which proposal deadlines skip; from a Monday 10:00 (tests run with QUIET_HOURS=off)."""
    clock.set(dt.datetime(2031, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))
    bot = BotUnderTest(
        fake, BotUnderTest.settings_for(fake, database_url, quiet_hours="21-8"), clock
    )
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def test_decline_not_now_and_timeout_reopen_the_request(
    nights_bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    wijkbot = nights_bot
    noor, vera, bas, tess, ayse = await _setup(wijkbot, fake)
    async with wijkbot.db.begin() as session:
        for user in (bas, tess):
            row = await session.scalar(select(Person).where(Person.telegram_user_id == user.id))
            assert row is not None
            people.set_spoken_languages(person=row, languages=["tr"])
    await _ask_for_shopping_in_turkish(ayse)
    await _mark_ready(noor, "Bas", "Tess", "Vera")
    text = await _open_suggestions(noor)
    names = sorted(line.split(":")[0].split(". ")[1] for line in text.split("\n")[1:])
    assert names == [iso("Bas"), iso("Tess"), iso("Vera")]  # same score: ties by id

    # Bas says no: the owner (Noor, who proposed) is told once and offered the next.
    mark = noor.mark()
    await tap(noor, "Ask Bas")
    await noor.wait_for("We asked Bas", after=mark)
    await tap(bas, "No")
    told = await noor.wait_for("cannot help")
    assert told.text == (
        f"{iso('Bas')} cannot help {iso('Ayse')}. The request is open again. Ask the next "
        "volunteer?"
    )
    mark = noor.mark()
    await tap(noor, "Next suggestions")
    again = await noor.wait_for("Suggested for", after=mark)
    assert "Bas" not in again.text  # never proposed twice for the same request

    # Tess: "liever niet nu" pauses her proposals for 4 weeks.
    await tap(noor, "Ask Tess", after=mark)
    await noor.wait_for("We asked Tess", after=mark)
    await tap(tess, "Rather not now")
    await tess.wait_for("We will not send you proposals for 4 weeks.")
    told = await noor.wait_for("would rather not now")
    assert told.text == (
        f"{iso('Tess')} would rather not now (no proposals for 4 weeks), so cannot help "
        f"{iso('Ayse')}. "
        "The request is open again. Ask the next volunteer?"
    )

    # Vera does not answer: after 48 awake hours (nights do not count: 13 a day, so about
    # 3.7 days) the job expires it and Noor is told.
    await tap(noor, "Next suggestions")
    await noor.wait_for(predicate=lambda m: m.labels == [f"Ask {iso('Vera')}", "« Back"])
    await tap(noor, "Ask Vera")
    await vera.wait_for("Would you like to help")
    wijkbot.clock.advance(48 * 3600 + 60)
    assert (await run_coupling_tick(wijkbot.services)).expired == []  # nights not counted
    wijkbot.clock.advance(2 * 24 * 3600)
    tick = await run_coupling_tick(wijkbot.services)
    assert len(tick.expired) == 1
    told = await noor.wait_for("did not answer in time")
    assert told.text == (
        f"{iso('Vera')} did not answer in time about the request of {iso('Ayse')}. "
        "The request is open again. Ask the next volunteer?"
    )
    mark = vera.mark()
    await tap(vera, "Yes")
    assert (await vera.wait_for_callback_answer()).text == (
        "This proposal is no longer open. Thank you anyway!"
    )
    async with wijkbot.db.begin() as session:
        request = await session.scalar(select(HelpRequest))
        assert request is not None and request.status == "open"
        statuses = sorted(p.status for p in (await session.scalars(select(Proposal))).all())
        assert statuses == ["declined", "declined", "expired"]


async def test_jordaan_resident_invited_centrum_wide_is_listed_for_the_jordaan(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    jet = fake.user(7301, "Jet", language_code="en")
    await add_person(wijkbot, jet, role="coordinator", area="Jordaan", language="en")
    ayse = fake.user(7302, "Ayse", language_code="nl")
    await add_person(wijkbot, ayse, role="resident", area="Centrum", buurt="Bloemgrachtbuurt")
    await ayse.send("/hulpvraag")
    await tap(ayse, "⬜ Boodschappen")
    await ayse.wait_for(predicate=lambda m: "✅ Boodschappen" in m.labels)
    await tap(ayse, "Klaar")
    notice = await jet.wait_for("asks for help")
    assert notice.text == "A resident in Bloemgrachtbuurt asks for help. See /helprequests."
    mark = jet.mark()
    await jet.send("/helprequests")
    listing = await jet.wait_for("help request", after=mark)
    assert listing.labels == [f"1. {iso('Ayse')}"]


async def test_unowned_request_is_raised_again_after_two_working_days(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    # Friday 4 December 2026, 10:00 in Amsterdam: the weekend does not count.
    wijkbot.clock.set(dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC))
    noor = fake.user(7401, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    ayse = fake.user(7402, "Ayse", language_code="nl")
    await add_person(wijkbot, ayse, role="resident", area="Haarlemmerbuurt", buurt=BUURT)
    await ayse.send("/hulpvraag")
    await tap(ayse, "⬜ Boodschappen")
    await ayse.wait_for(predicate=lambda m: "✅ Boodschappen" in m.labels)
    await tap(ayse, "Klaar")
    await noor.wait_for("asks for help")
    wijkbot.clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))  # Monday
    assert (await run_coupling_tick(wijkbot.services)).raised == []
    wijkbot.clock.set(dt.datetime(2026, 12, 8, 9, 1, tzinfo=dt.UTC))  # Tuesday
    assert len((await run_coupling_tick(wijkbot.services)).raised) == 1
    raised = await noor.wait_for("waiting for 2 working days")
    assert raised.text == (
        "A help request in Westerdokseiland has been waiting for 2 working days and nobody "
        "has taken it on yet."
    )
    mark = noor.mark()
    await tap(noor, "See the request")
    await noor.wait_for("Ayse · Westerdokseiland", after=mark)


async def test_a_right_to_left_volunteer_name_is_isolated_in_suggestions_and_proposal(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    """Issue 9, finding 7: a right-to-left first name sits between FSI and PDI wherever it
    is inside a sentence or list line, so it cannot reorder the text around it."""
    shaimaa_name = "شيماء"
    shaimaa_iso = iso(shaimaa_name)
    noor = fake.user(7001, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    shaimaa = fake.user(7104, shaimaa_name, language_code="en")
    await _volunteer(wijkbot, shaimaa, languages=["tr"], slots=((2, "afternoon"),))
    ayse = fake.user(7201, "Ayse", language_code="nl")
    await add_person(wijkbot, ayse, role="resident", area="Haarlemmerbuurt", buurt=BUURT)
    await _ask_for_shopping_in_turkish(ayse)
    await noor.wait_for("asks for help")
    await _mark_ready(noor, shaimaa_name)

    mark = noor.mark()
    text = await _open_suggestions(noor)
    assert text == (
        f"Suggested for {iso('Ayse')}:\n1. {shaimaa_iso}: same buurt · speaks Turkish · "
        "likes shopping · free Wed afternoon · no couple yet"
    )
    suggestions = await noor.wait_for("Suggested for", after=mark)
    assert suggestions.labels == [f"Ask {shaimaa_iso}", "« Back"]
    assert suggestions.text.count(shaimaa_name) == suggestions.text.count(shaimaa_iso) == 1

    mark = noor.mark()
    await tap(noor, f"Ask {shaimaa_name}")
    asked = await noor.wait_for("We asked", after=mark)
    assert asked.text.startswith(f"We asked {shaimaa_iso}. You will hear when they answer.")
    await shaimaa.wait_for("Would you like to help")
    await tap(shaimaa, "Yes")
    question = await ayse.wait_for("Goed nieuws")
    assert question.text == (
        f"Goed nieuws: {shaimaa_iso} uit Westerdokseiland wil je graag helpen. "
        f"Wil je kennismaken met {shaimaa_iso}?"
    )
    assert question.text.count(shaimaa_name) == question.text.count(shaimaa_iso) == 2
    assert f"<b>{shaimaa_iso}</b>" in (question.raw_text or "")
