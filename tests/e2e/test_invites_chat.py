"""Coordinators make invite links in the chat: link as text and a QR code photo."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain.invites import hash_token
from bot.handlers.invites import USED_MENUS, USED_MENUS_KEPT, _remember_menu
from bot.views.invite import qr_png
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import Area, Invite

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
LINK_RE = re.compile(r"https://t\.me/wijkbot_test_bot\?start=([A-Za-z0-9_-]{22})")


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _coordinator(wijkbot: BotUnderTest, fake: FakeBotAPI, area: str = "Centrum") -> FakeUser:
    user = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, user, role="coordinator", area=area, language="en")
    return user


async def test_volunteer_invite_link_and_qr_code_work(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    await coord.send("/invite")
    roles = await coord.wait_for("Who is the invite for?")
    assert roles.labels == ["Volunteer", "Resident", "Coordinator", "Partner organisation"]
    await tap(coord, "Volunteer")
    menu = await coord.wait_for("For which area?")
    assert menu.text == "Invite for: Volunteer. For which area? Choose Centrum or a part of it."
    assert menu.labels == ["All of Centrum", "Centrum-Oost ›", "Centrum-West ›"]
    await tap(coord, "Centrum-West ›")
    await tap(coord, "Haarlemmerbuurt ›")
    menu = await coord.wait_for("Choose Haarlemmerbuurt")
    assert menu.labels[0] == "All of Haarlemmerbuurt" and menu.labels[-1] == "« Back"
    await tap(coord, "All of Haarlemmerbuurt")

    text = await coord.wait_for("Invite link for:")
    match = LINK_RE.search(text.text)
    assert match is not None, text.text
    link, token = match[0], match[1]
    assert text.text == (
        "Invite link for: Volunteer, Haarlemmerbuurt\n"
        f"{link}\n\n"
        "It works until Wednesday 31 December. Everyone with the link can join.\n"
        "Share it only with the people it is meant for."
    )
    photo = await coord.wait_for(predicate=lambda m: m.kind == "photo")
    assert photo.caption == (
        "Print this QR code on a flyer: people scan it to join. "
        "It works until Wednesday 31 December."
    )
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert photo.photo_sizes and photo.photo_sizes[-1]["width"] >= 250
    assert photo.photo == qr_png(link)  # segno is deterministic: the code holds this link

    async with wijkbot.db.begin() as session:
        invite = await session.scalar(select(Invite).where(Invite.created_by_id.is_not(None)))
        assert invite is not None
        assert invite.token_hash == hash_token(token)  # only the hash is stored
        assert (invite.role, invite.max_uses, invite.uses) == ("volunteer", None, 0)
        assert invite.expires_at is not None
        late = invite.expires_at - (NOW + dt.timedelta(days=30))  # the clock ticked a bit
        assert dt.timedelta(0) <= late < dt.timedelta(minutes=1)
        area = await session.get(Area, invite.area_id)
        assert area is not None and area.name == "Haarlemmerbuurt"

    # the link works for a new person
    newbie = fake.user(5001, "Nina", language_code="en")
    await newbie.send(f"/start {token}")
    await newbie.wait_for("Which language")
    await tap(newbie, "English")
    await newbie.wait_for("what do we store")


async def test_coordinator_invite_is_for_one_person(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake, area="Jordaan")
    await coord.send("/uitnodigen")
    await tap(coord, "Coordinator")
    menu = await coord.wait_for("Choose Jordaan")
    assert "« Back" not in menu.labels  # cannot go above their own area
    await tap(coord, "Marnixbuurt Noord")
    text = await coord.wait_for("Invite link for:")
    assert "Coordinator, Marnixbuurt Noord" in text.text
    assert "It works for one person." in text.text
    photo = await coord.wait_for(predicate=lambda m: m.kind == "photo")
    assert photo.caption == (
        "Send this link or QR code only to the new coordinator. "
        "It works for one person, until Wednesday 31 December."
    )
    async with wijkbot.db.begin() as session:
        invite = await session.scalar(select(Invite).where(Invite.created_by_id.is_not(None)))
        assert invite is not None and (invite.role, invite.max_uses) == ("coordinator", 1)


async def _made_invites(wijkbot: BotUnderTest) -> list[Invite]:
    async with wijkbot.db.begin() as session:
        rows = await session.scalars(select(Invite).where(Invite.created_by_id.is_not(None)))
        return list(rows.all())


async def test_quick_presses_on_one_menu_make_one_invite(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    await coord.send("/invite")
    await tap(coord, "Coordinator")
    menu = await coord.wait_for("Choose Centrum")
    data = menu.button_data["All of Centrum"]
    open_west = menu.button_data["Centrum-West ›"]
    # three quick presses: all three are sent before the menu turns into the link
    presses = [await coord.press_data(data, message_id=menu.message_id) for _ in range(3)]
    answers = [(await coord.wait_for_callback_answer(q)).text for q in presses]
    assert answers == [None, "This button no longer works.", "This button no longer works."]
    await wijkbot.handled()
    links = [m for m in coord.messages if "Invite link for:" in m.text]
    photos = [m for m in coord.messages if m.kind == "photo"]
    assert len(links) == 1 and len(photos) == 1
    assert links[0].message_id == menu.message_id  # the menu became the link
    made = await _made_invites(wijkbot)
    assert [(i.role, i.max_uses) for i in made] == [("coordinator", 1)]
    # a late press of another button of that menu does not turn the link back into a menu
    await coord.press_data(open_west, message_id=menu.message_id)
    answer = await coord.wait_for_callback_answer()
    assert answer.text == "This button no longer works."
    assert "Invite link for:" in coord.message(menu.message_id).text

    await wijkbot.restart()  # remembered in the database, not only in memory

    await coord.press_data(data, message_id=menu.message_id)
    assert (await coord.wait_for_callback_answer()).text == "This button no longer works."
    await wijkbot.handled()
    assert len(await _made_invites(wijkbot)) == 1
    assert len([m for m in coord.messages if m.kind == "photo"]) == 1
    # a new menu works as before
    mark = coord.mark()
    await coord.send("/invite")
    await tap(coord, "Volunteer", after=mark)
    await tap(coord, "All of Centrum", after=mark)
    await coord.wait_for("Invite link for: Volunteer, Centrum", after=mark)
    assert sorted(i.role for i in await _made_invites(wijkbot)) == ["coordinator", "volunteer"]


async def test_forged_invite_buttons(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    coord = await _coordinator(wijkbot, fake, area="Jordaan")
    await coord.send("/invite")
    await coord.wait_for("Who is the invite for?")
    async with wijkbot.db.begin() as session:
        outside = await session.scalar(select(Area.id).where(Area.name == "Haarlemmerbuurt"))
    for data in (
        f"inv:a:v:{outside}",  # an area outside theirs
        f"inv:o:v:{outside}:0",
        "inv:a:x:1",  # unknown role
        "inv:r:z",
        "inv:a:v:abc",
        "inv:o:v:99999999999:0",
        "inv",
    ):
        await coord.press_data(data)
        assert (await coord.wait_for_callback_answer()).text == "This button no longer works.", data
    volunteer = fake.user(3001, "Vera", language_code="en")
    await add_person(wijkbot, volunteer, role="volunteer", area="Jordaan", language="en")
    await volunteer.send("/invite")
    await volunteer.wait_for("Sorry, only coordinators can do this.")
    await volunteer.press_data("inv:a:c:1")
    answer = await volunteer.wait_for_callback_answer()
    assert answer.text == "Sorry, only coordinators can do this."
    async with wijkbot.db.begin() as session:
        made = (
            await session.scalars(select(Invite).where(Invite.created_by_id.is_not(None)))
        ).all()
        assert made == []


def test_only_the_last_used_menus_are_remembered() -> None:
    context = SimpleNamespace(user_data={"lang": "en"})
    for message_id in range(1, USED_MENUS_KEPT + 6):
        _remember_menu(context, [2001, message_id])  # type: ignore[arg-type]
    kept = context.user_data[USED_MENUS]
    assert len(kept) == USED_MENUS_KEPT
    assert kept[0] == [2001, 6] and kept[-1] == [2001, USED_MENUS_KEPT + 5]
    assert context.user_data["lang"] == "en"  # the rest of user_data is left alone
