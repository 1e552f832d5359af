"""Assisted sign-up at the klaptafel (issue 10, item 6): a confirmed volunteer shows a
one-time resident link / QR code for the action's buurt; the sign-up is attributed to the
action; the link is refused after use, after it expired, and over the cap per action.
Real Application against the fake Bot API over HTTP, on SQLite and PostgreSQL.

A klaptafel in Haarlemmerbuurt West, Saturday 8 May 2027, 14:00-17:00 in Amsterdam; the
clock stands at 15:00.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from bot.clock import Clock
from bot.domain import assisted
from bot.domain.overview import build_overview
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import Action, Area, Invite, Person, SignUp
from tests.storage.test_results import add_action

AMS = ZoneInfo("Europe/Amsterdam")
STARTS = dt.datetime(2027, 5, 8, 14, 0, tzinfo=AMS)
DURING = dt.datetime(2027, 5, 8, 15, 0, tzinfo=AMS)
LINK_RE = re.compile(r"https://t\.me/wijkbot_test_bot\?start=([A-Za-z0-9_-]{22})")
BUTTON = "📱 Bewoner hier aanmelden"


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(DURING)


async def make_link(fatima: FakeUser) -> str:
    """Fatima opens /opbrengst and taps the sign-up button; returns the link's token."""
    mark = fatima.mark()
    await fatima.send("/opbrengst")
    await tap(fatima, BUTTON, after=mark)
    text = await fatima.wait_for("Eenmalige link voor een bewoner", after=mark)
    photo = await fatima.wait_for(predicate=lambda m: m.kind == "photo", after=mark)
    match = LINK_RE.search(text.text)
    assert match is not None and photo.photo is not None
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.photo)))]
    assert decoded == [match[0]]
    return match[1]


async def test_assisted_sign_up_at_the_klaptafel(
    wijkbot: BotUnderTest, fake: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assisted, "CAP_PER_ACTION", 2)
    fatima = fake.user(3001, "Fatima", language_code="nl")
    await add_person(wijkbot, fatima, role="volunteer", area="Haarlemmerbuurt")
    vera = fake.user(3002, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt", language="en")
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == 3001))
        assert person is not None
        start = STARTS.astimezone(dt.UTC)
        action = await add_action(
            session, starts_at=start, ends_at=start + dt.timedelta(hours=3), volunteers=(person,)
        )
        action_id = action.id

    first = await make_link(fatima)
    text = fatima.messages[-2].text
    assert text == (
        "Eenmalige link voor een bewoner van Haarlemmerbuurt West die je hier sprak:\n"
        f"https://t.me/wijkbot_test_bot?start={first}\n\n"
        "Laat de bewoner de code hieronder scannen met de camera van de telefoon. De bewoner "
        "kiest zelf de taal en gaat op de eigen telefoon akkoord met wat we bewaren. De link "
        "werkt één keer, tot 18:00. Voor deze actie kunnen er nog 1 gemaakt worden."
    )
    # the resident signs up on their own phone
    ans = fake.user(5001, "Ans", language_code="nl")
    await ans.send(f"/start {first}")
    await tap(ans, "Nederlands")
    await tap(ans, "Ik ga akkoord")
    await ans.wait_for("Waar wil je hulp bij?")
    async with wijkbot.db.begin() as session:
        resident = await session.scalar(select(Person).where(Person.telegram_user_id == 5001))
        assert resident is not None and resident.role == "resident"
        area = await session.get(Area, resident.area_id)
        assert area is not None and area.name == "Haarlemmerbuurt West"
        sign_up = await session.get(SignUp, resident.id)
        assert sign_up is not None and sign_up.invite_id is not None
        invite = await session.get(Invite, sign_up.invite_id)
        assert invite is not None
        assert (invite.action_id, invite.role, invite.max_uses, invite.uses) == (
            action_id,
            "resident",
            1,
            1,
        )
        # the overview counts her for the action
        overview = await build_overview(
            session=session,
            area_id=resident.area_id,
            first_day=STARTS.date(),
            last_day=STARTS.date(),
            now=wijkbot.clock.now(),
            tz=AMS,
        )
        assert overview.total.sign_ups_by_source == {"Klaptafel 2027-05-08": 1}
    # used once: the next person is refused
    bob = fake.user(5002, "Bob", language_code="en")
    await bob.send(f"/start {first}")
    await bob.wait_for("This invite link has already been used as often as allowed.")

    second = await make_link(fatima)
    # over the cap (2 for this test): refused, nothing made
    mark = fatima.mark()
    await fatima.send("/opbrengst")
    await tap(fatima, BUTTON, after=mark)
    answer = await fatima.wait_for_callback_answer()
    assert answer.text == "Deze actie heeft het maximale aantal aanmeldlinks bereikt."
    # a volunteer without a place cannot make one (forged press)
    await vera.send("/help")
    helped = await vera.wait_for("You are a volunteer")
    await vera.press_data(f"as:{action_id}", message_id=helped.message_id)
    answer = await vera.wait_for_callback_answer()
    assert answer.text == "Only volunteers with a place on this action can do this."

    # three hours later the second link has expired, and the action is over
    wijkbot.clock.set(DURING + dt.timedelta(hours=3, minutes=1))
    cas = fake.user(5003, "Cas", language_code="en")
    await cas.send(f"/start {second}")
    await cas.wait_for("This invite link has expired.")
    monkeypatch.setattr(assisted, "CAP_PER_ACTION", 20)
    screen = await fatima.wait_for("Opbrengst: Klaptafel")
    await fatima.press_data(f"as:{action_id}", message_id=screen.message_id)
    answer = await fatima.wait_for_callback_answer()
    assert answer.text == "Een aanmeldlink kan alleen tijdens de actie gemaakt worden."
    async with wijkbot.db.begin() as session:
        made = (await session.scalars(select(Invite).where(Invite.action_id == action_id))).all()
        assert len(made) == 2
        assert await session.scalar(select(Person).where(Person.telegram_user_id == 5003)) is None
        action_row = await session.get(Action, action_id)
        assert action_row is not None
