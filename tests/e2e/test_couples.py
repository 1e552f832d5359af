"""After coupling (issue 6 §3-4): check-ins after a week (moved clock), "Kan beter" and
unanswered check-ins reach the owner, ending a couple (the request reopens or closes, asked),
erasure of one side ends it kindly, and the owner plans a kennismaking with a reminder."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.coupling_job import run_checkins
from bot.domain.text import isolate as iso
from bot.domain.vocabulary import HelpRequestStatus
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import CheckIn, Couple, HelpRequest, OutboxMessage, RelayMessage
from tests.e2e.test_relay import couple_of, person

DAY = 24 * 3600


async def setup(wijkbot: BotUnderTest, fake: FakeBotAPI):  # type: ignore[no-untyped-def]
    owner = fake.user(7001, "Olga")
    volunteer = fake.user(7002, "Anouk")
    resident = fake.user(7003, "Fatma", language_code="en")
    await add_person(wijkbot, owner, role="coordinator", area="Centrum-West")
    await add_person(wijkbot, volunteer, role="volunteer", area="Haarlemmerbuurt")
    await add_person(wijkbot, resident, role="resident", area="Haarlemmerbuurt", language="en")
    couple_id = await couple_of(
        wijkbot,
        await person(wijkbot, resident),
        await person(wijkbot, volunteer),
        owner=await person(wijkbot, owner),
    )
    return owner, volunteer, resident, couple_id


async def test_check_in_after_a_week_and_could_be_better_reaches_the_owner(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    owner, volunteer, resident, couple_id = await setup(wijkbot, fake)
    assert await run_checkins(wijkbot.services) == 0  # not yet due
    wijkbot.clock.advance(7 * DAY + 60)
    assert await run_checkins(wijkbot.services) == 1
    assert await run_checkins(wijkbot.services) == 0  # never twice

    asked_nl = await volunteer.wait_for("Hoe gaat het met je koppel?")
    assert asked_nl.text == (
        "Hoe gaat het met je koppel? Tik op een antwoord. Alleen de coördinator leest het."
    )
    assert asked_nl.buttons == [["Goed"], ["Kan beter"], ["We zijn gestopt"]]
    asked_en = await resident.wait_for("How is it going with your couple (koppel)?")
    assert asked_en.buttons == [["Good"], ["Could be better"], ["We have stopped"]]

    good = asked_nl.button_data["Goed"]
    await resident.press("Good", message_id=asked_en.message_id)
    await resident.wait_for("Good to hear! Thank you for letting us know.")
    await volunteer.press("Kan beter", message_id=asked_nl.message_id)
    await volunteer.wait_for(
        "Dank je wel dat je het laat weten. Een coördinator neemt contact met je op."
    )
    alert = await owner.wait_for("Check-in")
    assert alert.text == (
        f"Check-in: de vrijwilliger van koppel {couple_id} zegt dat het beter kan.\n"
        "Kijk bij /koppels."
    )
    # A second press counts once; a forged check-in id is refused.
    await volunteer.press_data(good, message_id=asked_nl.message_id)
    await wijkbot.handled()
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        answers = sorted((await session.scalars(select(CheckIn.answer))).all())
    assert answers == ["could_be_better", "good"]
    await resident.press_data(good)  # the volunteer's check-in
    answer = await resident.wait_for_callback_answer()
    assert answer.text == "This button no longer works."
    assert len([m for m in owner.messages if m.text.startswith("Check-in")]) == 1


async def test_two_unanswered_check_ins_tell_the_owner(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    owner, _volunteer, _resident, couple_id = await setup(wijkbot, fake)
    wijkbot.clock.advance(7 * DAY + 60)
    await run_checkins(wijkbot.services)
    wijkbot.clock.advance(21 * DAY)
    await run_checkins(wijkbot.services)  # round 2 (4 weeks)
    wijkbot.clock.advance(7 * DAY + 60)
    await run_checkins(wijkbot.services)
    await wijkbot.outbox_idle()
    alerts = sorted(m.text for m in owner.messages if m.text.startswith("Check-in"))
    assert alerts == [
        f"Check-in: de bewoner van koppel {couple_id} gaf geen antwoord op de laatste "
        "twee check-ins.\nKijk bij /koppels.",
        f"Check-in: de vrijwilliger van koppel {couple_id} gaf geen antwoord op de laatste "
        "twee check-ins.\nKijk bij /koppels.",
    ]


async def test_a_side_ends_the_couple_and_the_request_reopens(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    owner, volunteer, resident, couple_id = await setup(wijkbot, fake)
    mark = volunteer.mark()
    await volunteer.send("/koppels")
    listing = await volunteer.wait_for("Koppels op dit moment:", after=mark)
    assert listing.text.split("\n")[1].startswith(
        f"{couple_id}: {iso('Anouk')} en {iso('Fatma')}, sinds "
    )
    await tap(volunteer, f"Koppel {couple_id} stoppen", after=mark)
    await volunteer.wait_for(f"Koppel {couple_id} stoppen. Heeft Fatma nog hulp nodig")
    await tap(volunteer, "Ja, zoek iemand anders", after=mark)
    await volunteer.wait_for("Het koppel is gestopt. De hulpvraag staat weer open.")
    await resident.wait_for("Your couple has ended. Thank you for your time and care!")
    await owner.wait_for("Jullie koppel is gestopt. Dank je wel voor je tijd en zorg!")
    async with wijkbot.db.begin() as session:
        couple = await session.get(Couple, couple_id)
        assert couple is not None and couple.ended_at is not None
        request = await session.get(HelpRequest, couple.request_id)
        assert request is not None and request.status == HelpRequestStatus.OPEN
    # The old button is stale now; someone else's couple cannot be ended.
    await volunteer.press_data(f"cpl:ed:{couple_id}:c")
    assert (await volunteer.wait_for_callback_answer()).text == "Deze knop werkt niet meer."


async def test_erasing_one_side_ends_the_couple_kindly(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    _owner, volunteer, resident, couple_id = await setup(wijkbot, fake)
    await resident.send("See you on Tuesday")
    await volunteer.wait_for("See you on Tuesday")
    await resident.wait_for("Passed on to Anouk.")
    mark = volunteer.mark()
    await volunteer.send("/verwijderen")
    await tap(volunteer, "Ja, verwijder alles", after=mark)
    await volunteer.wait_for("Klaar", after=mark)
    ended = await resident.wait_for("has left wijkbot")
    assert ended.text == (
        "The person you were coupled with has left wijkbot, so your couple has ended. "
        "Thank you for everything you did together!"
    )
    async with wijkbot.db.begin() as session:
        assert await session.get(Couple, couple_id) is None  # went with the volunteer
        assert (await session.scalars(select(RelayMessage))).all() == []
        request = await session.scalar(select(HelpRequest))
        assert request is not None and request.status == HelpRequestStatus.OPEN


async def test_the_owner_plans_a_kennismaking_both_get_it_and_a_reminder(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    owner, volunteer, resident, couple_id = await setup(wijkbot, fake)
    wijkbot.clock.set(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    await owner.send(f"/kennismaking {couple_id} 4-12 14:00 Buurthuis De Koe")
    await owner.wait_for(
        "Gepland: vrijdag 4 december om 14:00, in Buurthuis De Koe. Ze krijgen het nu allebei,"
    )
    planned = await volunteer.wait_for("Jullie kennismaking is gepland")
    assert planned.text == (
        "Jullie kennismaking is gepland: vrijdag 4 december om 14:00, in Buurthuis De Koe.\n"
        "Je krijgt de dag ervoor een herinnering."
    )
    await resident.wait_for(
        "Your first meeting (kennismaking) is planned: Friday 4 December at 14:00, "
        "at Buurthuis De Koe."
    )
    # Someone who is not a coordinator cannot plan it (the one refusal for coordinators'
    # commands); bad input gets help.
    await volunteer.send(f"/kennismaking {couple_id} 4-12 14:00 Bij mij")
    await volunteer.wait_for("Sorry, dit kunnen alleen coördinatoren doen.")
    await owner.send("/kennismaking morgen")
    await owner.wait_for("Plan een kennismaking zo:")

    wijkbot.clock.set(dt.datetime(2026, 12, 3, 13, 30, tzinfo=dt.UTC))  # a day before
    reminder = await volunteer.wait_for("Herinnering: morgen is jullie kennismaking")
    assert reminder.text == (
        "Herinnering: morgen is jullie kennismaking: vrijdag 4 december om 14:00, "
        "in Buurthuis De Koe."
    )
    await resident.wait_for("Reminder: tomorrow is your first meeting (kennismaking)")
    async with wijkbot.db.begin() as session:
        keys = (await session.scalars(select(OutboxMessage.message_key))).all()
    assert sorted(k for k in keys if "kennismaking" in k) == [
        "coupling_kennismaking",
        "coupling_kennismaking",
        "coupling_kennismaking_reminder",
        "coupling_kennismaking_reminder",
    ]
