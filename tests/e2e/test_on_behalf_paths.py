"""Residents without Telegram (issue 6 §0): every place where the resident is asked
something reaches their contact coordinator, under the "📞 For <name> (call ...)" header,
and the contact's press counts for the resident (checked on the server: only the contact
of that resident). On SQLite and PostgreSQL.

Covered here: the hand-over consent (/handover) through to the partner's "Picked up",
check-ins, the kennismaking and its reminder (moved and cancelled with the couple), the
end of a couple (reopen or close), and a resident whose contact was erased with no other
coordinator in the area: the messages wait, the request shows unowned in /helprequests,
and the coordinator who joins (or takes it on) becomes the contact and gets them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import Clock
from bot.coupling_job import run_checkins
from bot.domain.coupling import couples, on_behalf
from bot.domain.text import isolate as iso
from bot.domain.vocabulary import HelpRequestStatus
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.fake_bot_api.users import FakeUser
from sandbox.harness import BotUnderTest, add_partner, add_person, make_invite, tap
from storage.models import (
    Area,
    CheckIn,
    Couple,
    HandOver,
    HelpRequest,
    OfflineResident,
    OutboxMessage,
    Person,
)

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)  # Monday
PHONE = "06 1234 5678"
STALE = "This button no longer works."
DAY = 24 * 3600


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


def header(name: str = "Fatma") -> str:
    """The line above every message meant for the resident (English)."""
    return (
        f"📞 For {iso(name)} (call {PHONE}), who has no Telegram. Pass this on by phone "
        "and answer here for them.\n\n"
    )


async def person_of(wijkbot: BotUnderTest, user: FakeUser) -> Person:
    async with wijkbot.db.begin() as session:
        found = await session.scalar(select(Person).where(Person.telegram_user_id == user.id))
        assert found is not None
        return found


async def register_fatma(wijkbot: BotUnderTest, coordinator: FakeUser) -> tuple[int, int]:
    """Fatma, without Telegram, registered by `coordinator` (as /onbehalf does); returns
    (her person id, her request id)."""
    async with wijkbot.db.begin() as session:
        by = await session.scalar(select(Person).where(Person.telegram_user_id == coordinator.id))
        buurt = await session.scalar(select(Area.id).where(Area.name == "Westerdokseiland"))
        assert by is not None and buurt is not None
        request = await on_behalf.register(
            session=session,
            coordinator=by,
            first_name="Fatma",
            buurt_id=buurt,
            languages=["tr"],
            tasks=["shopping"],
            slots=[],
            note=None,
            phone=PHONE,
            now=wijkbot.clock.now(),
            tz=AMS,
        )
        return request.person_id, request.id


async def couple_fatma(wijkbot: BotUnderTest, request_id: int, volunteer: FakeUser) -> int:
    """Couple Fatma's request to the volunteer directly (the proposal flow is elsewhere)."""
    vera = await person_of(wijkbot, volunteer)
    async with wijkbot.db.begin() as session:
        request = await session.get(HelpRequest, request_id)
        assert request is not None
        request.status = HelpRequestStatus.COUPLED
        couple = await couples.start_couple(
            session=session, request=request, volunteer_id=vera.id, now=wijkbot.clock.now()
        )
        return couple.id


async def has_a_message(user: FakeUser) -> None:
    """The user gets /help's answer, so a forged press has a message to come from."""
    mark = user.mark()
    await user.send("/help")
    await user.wait_for(predicate=lambda m: True, after=mark)


async def nothing_for(wijkbot: BotUnderTest, person_id: int) -> None:
    """No outbox row is addressed to the resident themselves (they have no chat)."""
    async with wijkbot.db.begin() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.person_id == person_id)
        )
    assert count == 0


async def test_the_contact_answers_the_hand_over_consent_and_the_partner_picks_it_up(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor = fake.user(7001, "Noor", language_code="en")
    olga = fake.user(7002, "Olga", language_code="en")
    vera = fake.user(7101, "Vera", language_code="en")
    pim = fake.user(7301, "Pim", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    await add_person(wijkbot, olga, role="coordinator", area="Centrum-West", language="en")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt", language="en")
    await add_partner(wijkbot, pim, organisation="buurtteam-centrum", language="en")
    fatma_id, request_id = await register_fatma(wijkbot, noor)

    mark = noor.mark()
    await noor.send("/handover")
    await tap(noor, "Fatma (Westerdokseiland)", after=mark)
    await tap(noor, "Buurtteam Amsterdam Centrum", after=mark)
    await noor.wait_for("I have asked Fatma if that is all right.", after=mark)
    question = await noor.wait_for("📞 For ")
    assert question.text == header() + (
        "Your coordinator thinks Buurtteam Amsterdam Centrum can help you better. May we pass "
        "on your help request (your first name, buurt, what you need help with and your "
        "note) to them?"
    )
    assert question.buttons == [["Yes, that is fine", "No"]]
    data = question.button_data["Yes, that is fine"]

    # Only Fatma's contact may answer for her: another coordinator of the area, a
    # volunteer and the partner's staff get the stale answer, and nothing changes.
    for other in (olga, vera, pim):
        await has_a_message(other)
        await other.press_data(data)
        assert (await other.wait_for_callback_answer()).text == STALE
    async with wijkbot.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(HandOver)) == 0

    mark = noor.mark()
    await noor.press("Yes, that is fine", message_id=question.message_id)
    await noor.wait_for("Thank you. We pass it on", after=mark)
    await noor.wait_for(
        "The resident agreed: the help request has been handed over to Buurtteam Amsterdam Centrum."
    )
    await noor.press_data(data)  # once only
    assert (await noor.wait_for_callback_answer()).text == STALE

    notice = await pim.wait_for("The neighbourhood network hands over a help request")
    mark = pim.mark()
    await pim.press("View", message_id=notice.message_id)
    shown = await pim.wait_for("Hand-over", after=mark)
    assert shown.text.split("\n")[1:] == [
        f"Resident: {iso('Fatma')}, Westerdokseiland",
        "Needs help with: Shopping",
        "Speaks: tr",
        f"Contact: coordinator {iso('Noor')}, through this bot.",
    ]
    await tap(pim, "Picked up", after=mark)
    await pim.wait_for("Answer: picked up.", after=mark)
    await noor.wait_for(
        "Buurtteam Amsterdam Centrum has picked up the help request you handed over."
    )
    assert all(PHONE not in m.text for m in pim.messages)
    async with wijkbot.db.begin() as session:
        found = await session.scalar(select(HandOver))
        assert found is not None and found.answer == "picked_up"
        request = await session.get(HelpRequest, request_id)
        assert request is not None and request.status == HelpRequestStatus.HANDED_OVER
    await nothing_for(wijkbot, fatma_id)


async def coupled_fatma(wijkbot: BotUnderTest, fake: FakeBotAPI):  # type: ignore[no-untyped-def]
    """Noor (contact and owner), Olga (another coordinator of the area), Vera coupled to
    Fatma, who has no Telegram."""
    noor = fake.user(7001, "Noor", language_code="en")
    olga = fake.user(7002, "Olga", language_code="en")
    vera = fake.user(7101, "Vera", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    await add_person(wijkbot, olga, role="coordinator", area="Centrum-West", language="en")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt", language="en")
    fatma_id, request_id = await register_fatma(wijkbot, noor)
    couple_id = await couple_fatma(wijkbot, request_id, vera)
    return noor, olga, vera, fatma_id, request_id, couple_id


async def test_kennismaking_and_check_ins_reach_the_contact_who_answers_for_the_resident(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor, olga, vera, fatma_id, _request_id, couple_id = await coupled_fatma(wijkbot, fake)

    # The kennismaking: Vera and (for Fatma) Noor get it; planning again moves both
    # reminders, so the first plan's never comes.
    await noor.send(f"/firstmeeting {couple_id} 5-12 14:00 Buurthuis De Koe")
    await noor.wait_for("Planned: Friday 5 December at 14:00, at Buurthuis De Koe.")
    planned = await noor.wait_for("📞 For ")
    assert planned.text == header() + (
        "Your first meeting (kennismaking) is planned: Friday 5 December at 14:00, at "
        "Buurthuis De Koe.\nYou will get a reminder the day before."
    )
    await vera.wait_for("Your first meeting (kennismaking) is planned: Friday 5 December")
    mark = noor.mark()
    await noor.send(f"/firstmeeting {couple_id} 6-12 15:00 Bibliotheek")
    await noor.wait_for("📞 For", after=mark)
    async with wijkbot.db.begin() as session:
        pending = (
            await session.scalars(
                select(OutboxMessage.dedup_key).where(
                    OutboxMessage.message_key == "coupling_kennismaking_reminder",
                    OutboxMessage.status == "pending",
                )
            )
        ).all()
    assert len(pending) == 2 and all(":1954332000:" in key for key in pending)  # 6-12 15:00
    wijkbot.clock.set(dt.datetime(2031, 12, 5, 15, 1, tzinfo=AMS))
    reminder = await noor.wait_for("Reminder: tomorrow is your first meeting")
    assert reminder.text == header() + (
        "Reminder: tomorrow is your first meeting (kennismaking): Saturday 6 December at "
        "15:00, at Bibliotheek."
    )
    await vera.wait_for("Reminder: tomorrow is your first meeting")
    await wijkbot.outbox_idle()
    assert not [m for m in noor.messages if "Reminder" in m.text and "Friday" in m.text]

    # Check-ins after a week: Fatma's question comes to Noor, whose answer is Fatma's.
    wijkbot.clock.set(NOW + dt.timedelta(days=7, minutes=1))
    assert await run_checkins(wijkbot.services) == 1
    asked = await noor.wait_for("How is it going")
    assert asked.text.startswith(header() + "How is it going with your couple")
    assert asked.buttons == [["Good"], ["Could be better"], ["We have stopped"]]
    await vera.wait_for("How is it going with your couple (koppel)?")
    data = asked.button_data["Could be better"]
    for other in (olga, vera):  # not Fatma's contact
        await has_a_message(other)
        await other.press_data(data)
        assert (await other.wait_for_callback_answer()).text == STALE
    mark = noor.mark()
    await noor.press("Could be better", message_id=asked.message_id)
    await noor.wait_for("Your answer: Could be better", after=mark)
    alert = await noor.wait_for("Check-in: the resident of couple")
    assert alert.text == (
        f"Check-in: the resident of couple {couple_id} says it could be better.\nSee /couples."
    )
    async with wijkbot.db.begin() as session:
        answers = (
            await session.execute(select(CheckIn.person_id, CheckIn.answer, CheckIn.answered_at))
        ).all()
    assert sorted((p, a) for p, a, _ in answers if a) == [(fatma_id, "could_be_better")]
    await nothing_for(wijkbot, fatma_id)


async def test_ending_the_couple_for_the_resident_asks_reopen_or_close(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor, _olga, vera, _fatma_id, request_id, couple_id = await coupled_fatma(wijkbot, fake)
    await noor.send(f"/firstmeeting {couple_id} 5-12 14:00 Buurthuis De Koe")
    await noor.wait_for("📞 For ")

    # Noor ends it for Fatma: asked whether Fatma still needs help; she is not told twice.
    mark = noor.mark()
    await noor.send("/couples")
    listing = await noor.wait_for("Couples (koppels) now:", after=mark)
    assert f"{couple_id}: {iso('Vera')} and {iso('Fatma')}, since" in listing.text
    await tap(noor, f"End couple {couple_id}", after=mark)
    await noor.wait_for(f"End couple {couple_id}. Does Fatma still need help", after=mark)
    await tap(noor, "Yes, find someone else", after=mark)
    await noor.wait_for("The couple has ended. The help request is open again.", after=mark)
    await vera.wait_for("Your couple has ended. Thank you for your time and care!")
    await wijkbot.outbox_idle()
    assert not [m for m in noor.messages_after(mark) if "Your couple has ended" in m.text]
    async with wijkbot.db.begin() as session:
        couple = await session.get(Couple, couple_id)
        assert couple is not None and couple.ended_at is not None
        request = await session.get(HelpRequest, request_id)
        assert request is not None and request.status == HelpRequestStatus.OPEN
        reminders = (
            await session.scalars(
                select(OutboxMessage.status).where(
                    OutboxMessage.message_key == "coupling_kennismaking_reminder"
                )
            )
        ).all()
    assert sorted(reminders) == ["cancelled", "cancelled"]  # Vera's and Noor's for Fatma


async def test_the_volunteer_ends_the_couple_and_the_contact_hears_it_once_for_the_resident(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor, _olga, vera, fatma_id, request_id, couple_id = await coupled_fatma(wijkbot, fake)
    mark = vera.mark()
    await vera.send("/couples")
    await tap(vera, f"End couple {couple_id}", after=mark)
    await tap(vera, "No, the help is done", after=mark)
    await vera.wait_for("The couple has ended. The help request is closed.", after=mark)
    ended = await noor.wait_for("Your couple has ended")
    assert ended.text == header() + "Your couple has ended. Thank you for your time and care!"
    await wijkbot.outbox_idle()
    assert len([m for m in noor.messages if "Your couple has ended" in m.text]) == 1
    async with wijkbot.db.begin() as session:
        request = await session.get(HelpRequest, request_id)
        assert request is not None and request.status == HelpRequestStatus.CLOSED
    await nothing_for(wijkbot, fatma_id)


async def test_with_the_contact_erased_messages_wait_for_the_next_coordinator(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor = fake.user(7001, "Noor", language_code="en")
    vera = fake.user(7101, "Vera", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt", language="en")
    fatma_id, request_id = await register_fatma(wijkbot, noor)
    couple_id = await couple_fatma(wijkbot, request_id, vera)

    # Noor asks Fatma about a hand-over, then leaves; nobody else serves the area.
    mark = noor.mark()
    await noor.send("/handover")
    await tap(noor, "Fatma (Westerdokseiland)", after=mark)
    await tap(noor, "Buurtteam Amsterdam Centrum", after=mark)
    await noor.wait_for("Your coordinator thinks Buurtteam", after=mark)
    await noor.send("/delete")
    await tap(noor, "Yes, delete everything")
    await noor.wait_for("everything stored about you has been deleted")

    # Meanwhile: a check-in round, and Vera ends the couple (the request reopens).
    wijkbot.clock.set(NOW + dt.timedelta(days=7, minutes=1))
    assert await run_checkins(wijkbot.services) == 1
    await vera.wait_for("How is it going with your couple (koppel)?")
    mark = vera.mark()
    await vera.send("/couples")
    await tap(vera, f"End couple {couple_id}", after=mark)
    await tap(vera, "Yes, find someone else", after=mark)
    await vera.wait_for("The couple has ended. The help request is open again.", after=mark)
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        offline = await session.get(OfflineResident, fatma_id)
        assert offline is not None and offline.contact_id is None
        request = await session.get(HelpRequest, request_id)
        assert request is not None and request.owner_id is None
        assert request.status == HelpRequestStatus.OPEN
        waiting = (
            await session.scalars(
                select(OutboxMessage.message_key)
                .where(
                    OutboxMessage.person_id == fatma_id,
                    OutboxMessage.last_error == "waits for a contact",
                )
                .order_by(OutboxMessage.id)
            )
        ).all()
    assert waiting == [
        "coupling_hand_over_consent",
        "coupling_check_in",
        "coupling_couple_ended",
    ]

    # Sara joins the area: she becomes Fatma's contact and gets what waited (the check-in
    # of the ended couple no longer asks anything); the request shows unowned.
    token = await make_invite(wijkbot, role="coordinator", area="Centrum-West", max_uses=1)
    sara = fake.user(7003, "Sara", language_code="en")
    await sara.send(f"/start {token}")
    await tap(sara, "English")
    await tap(sara, "I agree")
    question = await sara.wait_for("Your coordinator thinks Buurtteam")
    assert question.text.startswith(header())
    ended = await sara.wait_for("Your couple has ended")
    assert ended.text == header() + "Your couple has ended. Thank you for your time and care!"
    await wijkbot.outbox_idle()
    assert not [m for m in sara.messages if "How is it going" in m.text]
    mark = sara.mark()
    await sara.send("/helprequests")
    await tap(sara, "1. Fatma", after=mark)
    detail = await sara.wait_for("No Telegram", after=mark)
    assert "owner: nobody yet" in detail.text
    assert f"No Telegram · call {PHONE}" in detail.text

    # Her answer for Fatma hands the request over (Noor, who asked, has left).
    mark = sara.mark()
    await sara.press("Yes, that is fine", message_id=question.message_id)
    await sara.wait_for("Thank you. We pass it on", after=mark)
    await sara.wait_for("The resident agreed: the help request has been handed over")
    sara_id = (await person_of(wijkbot, sara)).id
    async with wijkbot.db.begin() as session:
        found = await session.scalar(select(HandOver))
        assert found is not None and found.handed_by_id == sara_id
        request = await session.get(HelpRequest, request_id)
        assert request is not None and request.status == HelpRequestStatus.HANDED_OVER
        assert request.owner_id == sara_id
        assert (await session.get(OfflineResident, fatma_id)).contact_id == sara_id  # type: ignore[union-attr]


async def test_taking_the_request_on_makes_a_coordinator_the_contact(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor = fake.user(7001, "Noor", language_code="en")
    vera = fake.user(7101, "Vera", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt", language="en")
    fatma_id, request_id = await register_fatma(wijkbot, noor)
    couple_id = await couple_fatma(wijkbot, request_id, vera)
    await noor.send("/delete")
    await tap(noor, "Yes, delete everything")
    await noor.wait_for("everything stored about you has been deleted")
    # Carla coordinates all of Centrum but was there before: she is no contact yet.
    carla = fake.user(7004, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    mark = vera.mark()
    await vera.send("/couples")
    await tap(vera, f"End couple {couple_id}", after=mark)
    await tap(vera, "Yes, find someone else", after=mark)
    await vera.wait_for("The help request is open again.", after=mark)
    await wijkbot.outbox_idle()
    assert not [m for m in carla.messages if "Your couple has ended" in m.text]

    mark = carla.mark()
    await carla.send("/helprequests")
    await tap(carla, "1. Fatma", after=mark)
    detail = await carla.wait_for("No Telegram", after=mark)
    assert "owner: nobody yet" in detail.text
    await tap(carla, "I'll take this on", after=mark)
    ended = await carla.wait_for("Your couple has ended")
    assert ended.text == header() + "Your couple has ended. Thank you for your time and care!"
    carla_id = (await person_of(wijkbot, carla)).id
    async with wijkbot.db.begin() as session:
        assert (await session.get(OfflineResident, fatma_id)).contact_id == carla_id  # type: ignore[union-attr]
        assert (await session.get(HelpRequest, request_id)).owner_id == carla_id  # type: ignore[union-attr]
    await nothing_for(wijkbot, fatma_id)
