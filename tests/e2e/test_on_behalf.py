"""Residents without Telegram, registered on their behalf (issue 6 §0), the VOG date and
the typed note in /hulpvraag; on SQLite and PostgreSQL.

A coordinator registers Fatma with /onbehalf; the loop runs as usual, and where Fatma would
be asked, the coordinator gets the question ("For Fatma (call ...)") and answers for her.
The volunteer's introduction names the coordinator as the contact. A partner sees neither
the request nor the phone number; erasure removes the phone and the consent record."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import Clock
from bot.domain import people
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.fake_bot_api.users import FakeUser
from sandbox.harness import BotUnderTest, add_partner, add_person, tap
from storage.models import (
    Couple,
    CouplingProfile,
    HelpRequest,
    OfflineResident,
    OutboxMessage,
    Person,
    PersonConsent,
)

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)  # Monday
PHONE = "06 1234 5678"
STALE = "This button no longer works."


_CLOCK: list[Clock] = []


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)
    _CLOCK[:] = [clock]


async def _step(user: FakeUser, how: str, what: str, expect: str) -> str:
    """Tap or type, then wait for the answer; 2 seconds pass (a person's pace, so the
    per-user throttle of 20 updates in 10 seconds never trips)."""
    _CLOCK[0].advance(2)
    mark = user.mark()
    if how == "tap":
        await tap(user, what)
    else:
        await user.send(what)
    return (await user.wait_for(expect, after=mark)).text


async def test_resident_without_telegram_is_coupled_through_their_coordinator(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor = fake.user(7001, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    vera = fake.user(7101, "Vera", language_code="en")
    await add_person(
        wijkbot,
        vera,
        role="volunteer",
        area="Haarlemmerbuurt",
        buurt="Westerdokseiland",
        language="en",
        offers=["shopping"],
    )
    async with wijkbot.db.begin() as session:
        row = await session.scalar(select(Person).where(Person.telegram_user_id == vera.id))
        assert row is not None
        people.set_spoken_languages(person=row, languages=["tr"])

    # VOG date when marking Vera ready.
    await noor.send("/ready")
    await noor.wait_for("Ready for coupling")
    asked = await _step(noor, "tap", "⬜ Vera", "Did you see their VOG")
    assert "Type the date on it, e.g. 28-11-2026 (only the date is kept)" in asked
    await _step(noor, "send", "31-12-2031", "not in the future")
    listing = await _step(noor, "send", "28-11-2031", "Ready for coupling")
    assert listing.startswith("Ready for coupling")
    assert f"✅ {iso('Vera')} · VOG seen on 28-11-2031" in noor.last.labels

    # Register Fatma.
    await noor.send("/onbehalf")
    await noor.wait_for("You register someone without Telegram")
    await _step(noor, "send", "Fatma", "In which buurt does")
    await _step(noor, "tap", "Westerdokseiland", "Which languages does")
    await _step(noor, "tap", "⬜ Turkish", "Which languages does")
    await _step(noor, "tap", "Done", "What would")
    await _step(noor, "tap", "⬜ Shopping", "What would")
    await _step(noor, "tap", "Done", "Which times suit")
    await _step(noor, "tap", "Done", "Type a short note")
    await _step(noor, "send", "Derde verdieping, geen lift", "On which phone number")
    await _step(noor, "send", "abc", "That does not look like a phone number")
    confirm = await _step(noor, "send", PHONE, "Consent: given orally")
    assert confirm == (
        f"{iso('Fatma')} · Westerdokseiland\nHelp with: Shopping\nLanguages: Turkish\n"
        "Times: any time\nNote: Derde verdieping, geen lift\n"
        f"No Telegram · call {PHONE}\n"
        f"Consent: given orally, to {iso('Noor')}, 01-12-2031\n\n"
        f"You become the owner of this request: questions for {iso('Fatma')} come to you."
    )
    await _step(noor, "tap", "They agreed: register", "is registered")

    async with wijkbot.db.begin() as session:
        fatma = await session.scalar(select(Person).where(Person.display_name == "Fatma"))
        assert fatma is not None and fatma.telegram_user_id is None and fatma.chat_id is None
        offline = await session.get(OfflineResident, fatma.id)
        assert offline is not None and offline.phone == PHONE
        assert offline.consent_on == dt.date(2031, 12, 1)
        request = await session.scalar(select(HelpRequest).where(HelpRequest.person_id == fatma.id))
        assert request is not None and request.status == "open"
        noor_id = await session.scalar(select(Person.id).where(Person.telegram_user_id == noor.id))
        assert request.owner_id == noor_id == offline.contact_id
        fatma_id, request_id = fatma.id, request.id

    # Suggestions -> proposal -> Vera Ja -> Noor answers for Fatma -> coupled.
    await noor.send("/helprequests")
    await noor.wait_for("help request")
    detail = await _step(noor, "tap", "1. Fatma", "No Telegram")
    assert f"No Telegram · call {PHONE}" in detail
    assert "Note: Derde verdieping, geen lift" in detail  # Noor owns it
    await _step(noor, "tap", "Suggested volunteers", "Suggested for")
    await _step(noor, "tap", "Ask Vera", "We asked Vera")
    await vera.wait_for("Would you like to help")
    assert PHONE not in vera.last.text
    await tap(vera, "Yes")
    question = await noor.wait_for("For ")
    assert question.text.startswith(
        f"📞 For {iso('Fatma')} (call {PHONE}), who has no Telegram. Pass this on by phone "
        "and answer here for them.\n\n"
    )
    mark = noor.mark()
    await tap(noor, "Yes")
    await noor.wait_for("Thank you! You will get an introduction", after=mark)
    intro = await vera.wait_for("you are now a couple")
    assert intro.text == (
        f"You and {iso('Fatma')} from Westerdokseiland said yes: you are now a couple (koppel). "
        f"{iso('Fatma')} would like help with: Shopping. {iso('Fatma')} has no Telegram: "
        f"{iso('Noor')} is your contact, passes on your messages and helps you to meet for the "
        "first time (kennismaking). Thank you!"
    )
    assert PHONE not in intro.text
    await noor.wait_for("both said yes")
    async with wijkbot.db.begin() as session:
        couple = await session.scalar(select(Couple))
        assert couple is not None and couple.resident_id == fatma_id
        assert (await session.get(HelpRequest, request_id)).status == "coupled"  # type: ignore[union-attr]
        outbox_to_nobody = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.person_id == fatma_id)
        )
        assert outbox_to_nobody == 0  # everything for Fatma went to Noor

    # A partner cannot see the request or the phone number.
    pim = fake.user(7301, "Pim", language_code="en")
    await add_partner(wijkbot, pim, organisation="buurtteam-centrum", language="en")
    mark = pim.mark()
    await pim.send("/helprequests")
    await pim.wait_for("only coordinators", after=mark)
    for data in (f"cr:o:{request_id}", f"nb:ea:{fatma_id}", f"nb:e:{fatma_id}"):
        await pim.press_data(data)
        answer = await pim.wait_for_callback_answer()
        assert answer.text in (STALE, "Sorry, only coordinators can do this.")
    await pim.send("/onbehalf")
    await pim.wait_for("only coordinators")
    assert all(PHONE not in m.text for m in pim.messages)
    assert all(PHONE not in m.text for m in vera.messages)

    # Noor erases Fatma's data: phone, consent record and request go; Vera is told.
    await noor.send("/helprequests")
    await noor.wait_for("help request")
    await _step(noor, "tap", "1. Fatma", "No Telegram")
    await _step(noor, "tap", "Erase the data of Fatma", "cannot be undone")
    await _step(noor, "tap", "Yes, erase", "has been erased")
    async with wijkbot.db.begin() as session:
        assert await session.get(Person, fatma_id) is None
        assert await session.get(OfflineResident, fatma_id) is None
        assert (
            await session.scalar(
                select(func.count())
                .select_from(PersonConsent)
                .where(PersonConsent.person_id == fatma_id)
            )
            == 0
        )
        assert await session.scalar(select(func.count()).select_from(HelpRequest)) == 0
        profile = await session.scalar(select(CouplingProfile))
        assert profile is not None and profile.vog_date == dt.date(2031, 11, 28)


async def test_resident_types_a_note_for_the_owner_only(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    ayse = fake.user(7201, "Ayse", language_code="en")
    await add_person(
        wijkbot,
        ayse,
        role="resident",
        area="Haarlemmerbuurt",
        buurt="Westerdokseiland",
        language="en",
    )
    noor = fake.user(7001, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    await ayse.send("/helprequest")
    await ayse.wait_for("What would you like help with?")
    await _step(ayse, "tap", "⬜ Shopping", "What would you like help with?")
    await _step(ayse, "tap", "Done", "Your help request")
    question = await _step(ayse, "tap", "Write a note for the coordinator", "Type a short note")
    assert "⚠️ No medical or money matters" in question
    await _step(ayse, "send", "x" * 281, "Type a short note")
    status = await _step(ayse, "send", "Bel eerst even aan", "Your help request")
    assert "Note for the coordinator: Bel eerst even aan" in status
    async with wijkbot.db.begin() as session:
        request = await session.scalar(select(HelpRequest))
        assert request is not None and request.note == "Bel eerst even aan"
    await noor.send("/helprequests")
    await noor.wait_for("help request")
    detail = await _step(noor, "tap", "1. Ayse", "Status:")
    assert "Bel eerst even aan" not in detail
    assert "Note: only the owner reads it" in detail
    detail = await _step(noor, "tap", "I'll take this on", "owner: ")
    assert "Note: Bel eerst even aan" in detail
