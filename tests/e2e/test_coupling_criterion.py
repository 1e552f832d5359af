"""The criterion of done of issue 6, as one story (fake Bot API over HTTP, SQLite and
PostgreSQL): a resident who speaks Turkish asks for help with /hulpvraag -> the coordinator
sees suggestions with reasons (the ready Turkish speaker first; one who does not speak
Turkish, and one who is not ready, are not listed) -> proposal -> volunteer Ja -> resident
Ja -> introduction -> a relayed text and a relayed voice note each way (then no table holds
the sentence or the voice note) -> check-in after a week (moved clock) -> "Kan beter"
reaches the owner. Exact texts as the people see them: coordinator and volunteers in
Dutch; the resident in Dutch, and once in English."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.coupling_job import run_checkins
from bot.domain import people
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.fake_bot_api.messages import visible
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import CheckIn, Couple, HelpRequest, HelpRequestChange, Person, RelayMessage
from tests.e2e.test_relay import database_holds

AMS = ZoneInfo("Europe/Amsterdam")
#: Monday 7 June 2027, 10:00 in Amsterdam: a working day, outside the quiet hours.
MONDAY = dt.datetime(2027, 6, 7, 10, 0, tzinfo=AMS)
DAY = 24 * 3600
VOLUNTEER_SAYS = "Zal ik woensdag om twee uur de boodschappen met je doen bij de Dirk?"
RESIDENT_SAYS = "Ja graag, woensdag om twee uur bij de Dirk is goed voor mij"


async def _volunteer(
    wijkbot: BotUnderTest,
    user: FakeUser,
    *,
    buurt: str,
    languages: list[str],
    slots: tuple[tuple[int, str], ...] = (),
) -> None:
    person = await add_person(
        wijkbot,
        user,
        role="volunteer",
        area="Haarlemmerbuurt",
        buurt=buurt,
        offers=["shopping"],
        slots=slots,
    )
    async with wijkbot.db.begin() as session:
        row = await session.get(Person, person.id)
        assert row is not None
        people.set_spoken_languages(person=row, languages=languages)


#: What the resident taps and reads, in Dutch and in English.
RESIDENT = {
    "nl": {
        "shopping": "Boodschappen",
        "done": "Klaar",
        "change languages": "Talen veranderen",
        "own language": "Nederlands",
        "turkish": "Turks",
        "change times": "Tijden veranderen",
        "wed pm": "wo middag",
        "status": "Je hulpvraag",
        "question": "Goed nieuws: {vera} uit Westerdokseiland wil je graag helpen. "
        "Wil je kennismaken met {vera}?",
        "yes": "Ja",
        "no": "Nee",
        "thanks": "Dank je! Je krijgt zo een kennismakingsbericht.",
        "intro": "Jij en {vera} zeiden ja: {vera} gaat je helpen met: Boodschappen. "
        "De coördinator helpt jullie met de kennismaking.",
        "from vera": f"Van {iso('Vera')}",
        "passed on": f"Doorgestuurd aan {iso('Vera')}.",
        "check-in": "Hoe gaat het met je koppel? Tik op een antwoord. "
        "Alleen de coördinator leest het.",
        "check-in buttons": ["Goed", "Kan beter", "We zijn gestopt"],
        "check-in answered": "Je antwoord: Kan beter\n"
        "Dank je wel dat je het laat weten. Een coördinator neemt contact met je op.",
        "asked": "Je hulpvraag\nHulp bij: Boodschappen\nTalen: Turks\nTijden: wo middag\n\n"
        "We zoeken iemand voor je.",
    },
    "en": {
        "shopping": "Shopping",
        "done": "Done",
        "change languages": "Change languages",
        "own language": "English",
        "turkish": "Turkish",
        "change times": "Change times",
        "wed pm": "Wed afternoon",
        "status": "Your help request",
        "question": "Good news: {vera} from Westerdokseiland would like to help you. "
        "Would you like to get in touch with {vera}?",
        "yes": "Yes",
        "no": "No",
        "thanks": "Thank you! You will get an introduction in a moment.",
        "intro": "You and {vera} said yes: {vera} will help you with: Shopping. "
        "The coordinator helps you to meet for the first time.",
        "from vera": f"From {iso('Vera')}",
        "passed on": f"Passed on to {iso('Vera')}.",
        "check-in": "How is it going with your couple (koppel)? Tap an answer. "
        "Only the coordinator reads it.",
        "check-in buttons": ["Good", "Could be better", "We have stopped"],
        "check-in answered": "Your answer: Could be better\n"
        "Thank you for letting us know. A coordinator will get in touch with you.",
        "asked": "Your help request (hulpvraag)\nHelp with: Shopping\nLanguages: Turkish\n"
        "Times: Wed afternoon\n\nWe are looking for someone for you.",
    },
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_turkish_speaking_resident_is_coupled_talks_and_the_check_in_reaches_the_owner(
    wijkbot: BotUnderTest, fake: FakeBotAPI, lang: str
) -> None:
    wijkbot.clock.set(MONDAY)
    noor = fake.user(8001, "Noor")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West")
    vera = fake.user(8101, "Vera")  # Turkish, same buurt, free Wednesday afternoon
    await _volunteer(
        wijkbot, vera, buurt="Westerdokseiland", languages=["nl", "tr"], slots=((2, "afternoon"),)
    )
    emre = fake.user(8102, "Emre")  # Turkish, a sibling buurt, no times in common
    await _volunteer(wijkbot, emre, buurt="Planciusbuurt Zuid", languages=["tr"])
    bas = fake.user(8103, "Bas")  # ready, same buurt, but no Turkish
    await _volunteer(wijkbot, bas, buurt="Westerdokseiland", languages=["nl", "en"])
    tess = fake.user(8104, "Tess")  # Turkish, same buurt, but never marked ready
    await _volunteer(
        wijkbot, tess, buurt="Westerdokseiland", languages=["tr"], slots=((2, "afternoon"),)
    )
    ayse = fake.user(8201, "Ayse", language_code=lang)
    await add_person(
        wijkbot,
        ayse,
        role="resident",
        area="Haarlemmerbuurt",
        buurt="Westerdokseiland",
        language=lang,
    )

    # Noor marks the volunteers she met "klaar voor koppelen" (not Tess).
    await noor.send("/klaarvoorkoppelen")
    for name in ("Vera", "Emre", "Bas"):
        mark = noor.mark()
        await tap(noor, f"⬜ {name}")
        await noor.wait_for(predicate=lambda m, n=name: f"✅ {iso(n)}" in m.labels, after=mark)

    # 1. Ayse asks for help with /hulpvraag: shopping, in Turkish, on Wednesday afternoon.
    said = RESIDENT[lang]
    await ayse.send("/hulpvraag" if lang == "nl" else "/helprequest")
    mark = ayse.mark()
    await tap(ayse, f"⬜ {said['shopping']}")
    await ayse.wait_for(predicate=lambda m: f"✅ {said['shopping']}" in m.labels, after=mark)
    for change, untick, tick in (
        (said["change languages"], f"✅ {said['own language']}", f"⬜ {said['turkish']}"),
        (said["change times"], None, f"⬜ {said['wed pm']}"),
        (None, None, None),
    ):
        mark = ayse.mark()
        await tap(ayse, said["done"])
        status = await ayse.wait_for(said["status"], after=mark)
        if change is None:
            break
        mark = ayse.mark()
        await tap(ayse, change)
        for label in (tick, untick):
            if label is not None:
                after = ayse.mark()
                await tap(ayse, label, after=mark)
                flipped = ("✅" if label[0] == "⬜" else "⬜") + label[1:]
                await ayse.wait_for(predicate=lambda m, f=flipped: f in m.labels, after=after)
    assert status.text == said["asked"]
    notice = await noor.wait_for("vraagt om hulp")
    assert notice.text == "Een bewoner in Westerdokseiland vraagt om hulp. Kijk bij /hulpvragen."

    # 2. Noor takes it on and sees the suggestions with their reasons: Vera first, Emre
    # (a sibling buurt, no common times) second; Bas (no Turkish) and Tess (not ready) not.
    mark = noor.mark()
    await noor.send("/hulpvragen")
    listing = await noor.wait_for("hulpvraag in jouw gebied", after=mark)
    assert listing.text == (
        "1 hulpvraag in jouw gebied. Tik erop om hem op te pakken of om suggesties te zien.\n\n"
        f"1. {iso('Ayse')} · Westerdokseiland · {lang} · maandag 7 juni\n"
        "Hulp bij: Boodschappen\nStatus: open · eigenaar: nog niemand"
    )
    await tap(noor, "1. Ayse", after=mark)
    await tap(noor, "Ik pak dit op", after=mark)
    await noor.wait_for("eigenaar: Noor", after=mark)
    await tap(noor, "Voorgestelde vrijwilligers", after=mark)
    suggestions = await noor.wait_for("Suggesties voor", after=mark)
    assert suggestions.text == (
        f"Suggesties voor {iso('Ayse')}:\n"
        f"1. {iso('Vera')}: zelfde buurt · spreekt Turks · doet graag: boodschappen · "
        "wo-middag vrij · nog geen koppel\n"
        f"2. {iso('Emre')}: buurt ernaast (Haarlemmerbuurt) · spreekt Turks · "
        "doet graag: boodschappen · nog geen koppel"
    )
    assert suggestions.labels == [f"Vraag {iso('Vera')}", f"Vraag {iso('Emre')}", "« Terug"]
    mark = noor.mark()
    await tap(noor, "Vraag Vera", after=suggestions.seq - 1)
    asked = await noor.wait_for("gevraagd", after=mark)
    assert asked.text == (
        f"We hebben {iso('Vera')} gevraagd. Je hoort het als er antwoord is.\n\n"
        f"{iso('Ayse')} · Westerdokseiland\nHulp bij: Boodschappen\nTalen: Turks\n"
        f"Tijden: wo middag\nStatus: iemand gevraagd · eigenaar: {iso('Noor')}"
    )

    # 3. The proposal: Vera says Ja, then Ayse, in her own language; both are introduced.
    proposal = await vera.wait_for("Wil je")
    assert proposal.text == (
        f"Wil je {iso('Ayse')} uit Westerdokseiland helpen?\nHulp bij: Boodschappen\n"
        "Talen: Turks\nTijden: wo middag\n\n"
        f"Zeg je ja, dan vragen we het ook aan {iso('Ayse')}. Antwoord binnen 2 dagen."
    )
    assert proposal.labels == ["Ja", "Nee", "Liever niet nu"]
    mark = vera.mark()
    await tap(vera, "Ja")
    await vera.wait_for("Dank je! We vragen het nu aan de bewoner. Je hoort van ons.", after=mark)
    question = await ayse.wait_for(visible(said["question"]).format(vera="Vera"))
    assert question.text == said["question"].format(vera=iso("Vera"))
    assert question.labels == [said["yes"], said["no"]]
    mark = ayse.mark()
    await tap(ayse, said["yes"])
    await ayse.wait_for(said["thanks"], after=mark)
    intro = await ayse.wait_for(visible(said["intro"]).format(vera="Vera"), after=mark)
    assert intro.text == said["intro"].format(vera=iso("Vera"))
    intro = await vera.wait_for("jullie zijn nu een koppel")
    assert intro.text == (
        f"Jij en {iso('Ayse')} uit Westerdokseiland zeiden ja: jullie zijn nu een koppel. "
        f"{iso('Ayse')} wil graag hulp bij: Boodschappen. Je coördinator helpt jullie met de "
        "kennismaking. Dank je!"
    )
    told = await noor.wait_for("zeiden allebei ja")
    assert told.text == (
        f"{iso('Vera')} en {iso('Ayse')} zeiden allebei ja: ze zijn nu een koppel. "
        "Plan hun kennismaking."
    )

    # 4. They talk through the bot: a text and a voice note each way (a reply goes back).
    mark = ayse.mark()
    await vera.send(VOLUNTEER_SAYS)
    copy = await ayse.wait_for(VOLUNTEER_SAYS, after=mark)
    assert copy.text == VOLUNTEER_SAYS and copy.labels == [said["from vera"]]
    await vera.wait_for("Doorgestuurd aan Ayse.", after=mark)
    mark = vera.mark()
    await ayse.send(RESIDENT_SAYS, reply_to=copy.message_id)
    back = await vera.wait_for(RESIDENT_SAYS, after=mark)
    assert back.text == RESIDENT_SAYS and back.labels == [f"Van {iso('Ayse')}"]
    await ayse.wait_for(visible(said["passed on"]), after=mark)
    voices = []
    for speaker, listener, seconds in ((vera, ayse, 6), (ayse, vera, 9)):
        mark = listener.mark()
        voices.append((await speaker.send_voice(duration=seconds))["voice"])
        heard = await listener.wait_for(predicate=lambda m: m.kind == "voice", after=mark)
        assert heard.payload is not None and heard.payload["voice"]["duration"] == seconds
    assert [m for m in noor.messages if m.kind == "voice" or VOLUNTEER_SAYS in m.text] == []
    await wijkbot.handled()
    await wijkbot.outbox_idle()
    needles = [VOLUNTEER_SAYS, RESIDENT_SAYS, "woensdag om twee uur"]
    needles += [v[key] for v in voices for key in ("file_id", "file_unique_id")]
    for needle in needles:
        assert await database_holds(wijkbot, needle) == [], needle
    async with wijkbot.db.begin() as session:
        relayed = (await session.scalars(select(RelayMessage))).all()
    assert len(relayed) == 4  # which copy went to whom: ids only

    # 5. A week later (moved clock) both are asked "Hoe gaat het?"; Ayse says "Kan beter",
    # and Noor, the owner, is told.
    wijkbot.clock.advance(7 * DAY + 60)
    assert await run_checkins(wijkbot.services) == 1
    checkin = await vera.wait_for("Hoe gaat het met je koppel?")
    assert checkin.text == (
        "Hoe gaat het met je koppel? Tik op een antwoord. Alleen de coördinator leest het."
    )
    assert checkin.labels == ["Goed", "Kan beter", "We zijn gestopt"]
    checkin = await ayse.wait_for(said["check-in"])
    assert checkin.labels == said["check-in buttons"]
    mark = ayse.mark()
    await tap(ayse, said["check-in buttons"][1])
    answered = await ayse.wait_for(said["check-in answered"], after=mark)
    assert answered.text == said["check-in answered"]
    alert = await noor.wait_for("Check-in")
    async with wijkbot.db.begin() as session:
        couple = await session.scalar(select(Couple))
        assert couple is not None and couple.ended_at is None
        request = await session.get(HelpRequest, couple.request_id)
        assert request is not None and request.status == "coupled"
        changes = (
            await session.scalars(select(HelpRequestChange).order_by(HelpRequestChange.id))
        ).all()
        answers = (await session.scalars(select(CheckIn.answer))).all()
    assert alert.text == (
        f"Check-in: de bewoner van koppel {couple.id} zegt dat het beter kan.\nKijk bij /koppels."
    )
    assert [c.to_status for c in changes] == ["open", "proposed", "coupled"]
    assert sorted(answers, key=str) == [None, "could_be_better"]  # Vera has not answered yet
    for user in (emre, bas, tess):  # nobody else was asked or told anything
        assert user.messages == []
