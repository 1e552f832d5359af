"""Long lists are paged (issue 9, item 3): every message fits Telegram's 4,096 characters
(after entity parsing, as the fake Bot API server measures and enforces), with "+N more"
and a page button; names are cut in lists; a refused message gets a useful answer.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain import rsvp
from bot.domain.coupling import requests as coupling_requests
from bot.domain.tasks import HELP_REQUEST_TASKS, TASKS
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person
from storage.areas import find_area
from storage.models import Action, Offer, Person

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
LIMIT = 4096


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


def long_name(i: int) -> str:
    """64 characters, unique in the first 10, with characters HTML must escape."""
    name = f"{i:03d} Ans & <Bo> " + "Wilhelmina-Jacoba" * 4
    return name[:64]


def _person(i: int, role: str, area_id: int, now: dt.datetime) -> Person:
    return Person(
        telegram_user_id=700_000 + i,
        chat_id=700_000 + i,
        display_name=long_name(i),
        role=role,
        area_id=area_id,
        language="nl",
        spoken_languages=[],
        consent_at=now,
        onboarded_at=now,
        created_at=now + dt.timedelta(seconds=i),
    )


async def _coordinator(wijkbot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
    coord = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum", language="en")
    return coord


async def _pages(user: FakeUser, first: str) -> list[str]:
    """Read the list from its first message, pressing 'More »' until there is none."""
    message = await user.wait_for(first)
    texts = [message.text]
    while "More »" in message.labels:
        mark, shown_id, shown_text = user.mark(), message.message_id, texts[-1]
        await user.press("More »", message_id=shown_id)
        message = await user.wait_for(
            predicate=lambda m, i=shown_id, old=shown_text: m.message_id == i and m.text != old,
            after=mark,
        )
        texts.append(message.text)
    return texts


async def test_a_roster_of_131_volunteers_with_64_character_names_is_paged(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    now = wijkbot.clock.now()
    async with wijkbot.db.begin() as session:
        area = await find_area(session, "Haarlemmerbuurt")
        assert area is not None
        action = Action(
            kind="street_stand",
            title="T" * 120,
            area_id=area.id,
            meeting_place="P" * 200,
            starts_at=now + dt.timedelta(days=3),
            ends_at=now + dt.timedelta(days=3, hours=3),
            volunteers_needed=500,
            confirmed_count=0,
            status="open",
            created_at=now,
        )
        volunteers = [_person(i, "volunteer", area.id, now) for i in range(131)]
        session.add_all([action, *volunteers])
        await session.flush()
        for i, person in enumerate(volunteers):
            await rsvp.answer(
                session=session,
                action_id=action.id,
                person=person,
                answer="maybe" if i % 10 == 0 else "yes",
                now=now + dt.timedelta(seconds=i),
                tz=AMS,
            )
        action_id = action.id

    await coord.send("/actions")
    listing = await coord.wait_for("Your upcoming actions.")
    assert listing.labels[0].endswith(" · " + "T" * 39 + "…")  # the title cut on the button
    await coord.press(listing.labels[0])
    pages = await _pages(coord, "places filled")

    assert len(pages) == 4  # 131 names, 40 a page
    assert all(len(text) <= LIMIT for text in pages)
    assert "+91 more" in pages[0] and "+51 more" in pages[1] and "+11 more" in pages[2]
    assert "more" not in pages[3].split("\n")[-3]
    seen = [name for text in pages for name in re.findall(r"\d{3} Ans & <Bo> [A-Za-z-]+…", text)]
    assert sorted(seen) == sorted(long_name(i)[:31] + "…" for i in range(131))
    assert "Coming (117):" in pages[0] and "Maybe (14):" in pages[0]
    # the last page offers the way back, a refresh and the cancel button
    last = coord.message(coord.last.message_id)  # type: ignore[union-attr]
    assert last.labels == [
        "« Previous",
        "Refresh",
        "Change",
        "Call more people",
        "Message the people coming",
        "Together with partners",
        "Only urgent notices",
        "Once more",
        "Cancel action",
    ]
    assert action_id > 0


async def test_30_residents_with_long_names_are_paged(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    now = wijkbot.clock.now()
    async with wijkbot.db.begin() as session:
        area = await find_area(session, "Westerdokseiland")
        assert area is not None
        residents = [_person(i, "resident", area.id, now) for i in range(30)]
        session.add_all(residents)
        await session.flush()
        for person in residents:  # every field at its longest: all tasks asked and offered
            await coupling_requests.create_request(
                session=session,
                resident=person,
                tasks=HELP_REQUEST_TASKS,
                now=now,
                languages=["nl"],
            )
            session.add_all(Offer(person_id=person.id, task=task) for task in TASKS)

    await coord.send("/helprequests")
    pages = await _pages(coord, "help requests in your area")

    assert len(pages) == 6  # 5 a page, each with a button per request
    assert all(len(text) <= LIMIT for text in pages)
    assert pages[0].startswith("30 help requests in your area.")
    assert "+25 more" in pages[0] and "+10 more" in pages[3]
    seen = [name for text in pages for name in re.findall(r"\d{3} Ans & <Bo> [A-Za-z-]+…", text)]
    assert sorted(seen) == sorted(long_name(i)[:31] + "…" for i in range(30))
    # newest first
    assert seen[0].startswith("029") and seen[-1].startswith("000")


async def test_a_message_telegram_refuses_gets_a_useful_answer(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    fake.fail_next("sendMessage", 400, "Bad Request: message is too long", chat_id=coord.id)
    await coord.send("/helprequests")
    answer = await coord.wait_for("Telegram did not accept")
    assert answer.text == (
        "I could not show this: Telegram did not accept the message (Message is too long). "
        "Please try again later, or tell the people who run wijkbot."
    )
    await fake.settle()
    assert all("something went wrong" not in m.text for m in coord.messages)
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(Person.role))).all() == ["coordinator"]
