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
from sandbox.harness import BotUnderTest, add_partner, add_person, tap
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
        by = await session.scalar(
            select(Person).where(Person.telegram_user_id == coordinator.id)
        )
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
        "The resident agreed: the help request has been handed over to Buurtteam Amsterdam "
        "Centrum."
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
