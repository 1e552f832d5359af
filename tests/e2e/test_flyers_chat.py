"""Flyers from /uitnodigen (issue 10, item 8): under a resident invite link a button makes
an A5 flyer (PDF and PNG) with its own invite and a label; its QR code decodes (zxing-cpp)
to that invite's link, and a resident who signs up through it is counted for the flyer.
Real Application against the fake Bot API over HTTP, on SQLite and PostgreSQL."""

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
from bot.domain.invites import hash_token
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import Flyer, Invite, Person, SignUp

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
LINK_RE = re.compile(r"https://t\.me/wijkbot_test_bot\?start=([A-Za-z0-9_-]{22})")


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def test_a_flyer_with_its_own_invite_and_label(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = fake.user(2001, "Carla", language_code="nl")
    await add_person(wijkbot, coord, role="coordinator", area="Haarlemmerbuurt", language="nl")
    await coord.send("/uitnodigen")
    await tap(coord, "Bewoner")
    await tap(coord, "Heel Haarlemmerbuurt")
    link_msg = await coord.wait_for("Uitnodigingslink voor:")
    plain = LINK_RE.search(link_msg.text)
    assert plain is not None
    assert link_msg.labels == ["🖨 Flyer maken (A5)"]
    mark = coord.mark()
    await coord.press("🖨 Flyer maken (A5)", message_id=link_msg.message_id)
    question = await coord.wait_for("Waar komt deze flyer te hangen?", after=mark)
    assert "Noem een plek, nooit een persoon." in question.text
    mark = coord.mark()
    await coord.send("x")  # too short: asked again, nothing made
    await coord.wait_for("Typ een naam van 2 tot 40 letters", after=mark)
    mark = coord.mark()
    await coord.send("Bibliotheek  Haarlemmerweg")
    made = await coord.wait_for("Flyer Bibliotheek Haarlemmerweg voor", after=mark)
    assert made.text.startswith(
        "Flyer Bibliotheek Haarlemmerweg voor: Bewoner, Haarlemmerbuurt. Hij heeft een eigen "
        "uitnodigingslink, die werkt tot"
    )
    pdf = await coord.wait_for(
        predicate=lambda m: m.kind == "document" and m.document_name.endswith(".pdf"), after=mark
    )
    png = await coord.wait_for(
        predicate=lambda m: m.kind == "document" and m.document_name.endswith(".png"), after=mark
    )
    assert pdf.document_name == "flyer-bibliotheek-haarlemmerweg.pdf"
    assert pdf.document is not None and pdf.document.startswith(b"%PDF-")
    assert png.document is not None
    image = Image.open(io.BytesIO(png.document))
    assert image.size == (874, 1240)  # A5 at 150 dpi
    (decoded,) = [r.text for r in zxingcpp.read_barcodes(image)]
    match = LINK_RE.fullmatch(decoded)
    assert match is not None and decoded != plain[0]  # its own invite, not the plain link

    async with wijkbot.db.begin() as session:
        invite = await session.scalar(
            select(Invite).where(Invite.token_hash == hash_token(match[1]))
        )
        assert invite is not None and invite.role == "resident"
        flyer = await session.scalar(select(Flyer).where(Flyer.invite_id == invite.id))
        assert flyer is not None and flyer.label == "Bibliotheek Haarlemmerweg"

    # a resident scans it: the sign-up is attributed to the flyer
    ans = fake.user(5001, "Ans", language_code="nl")
    await ans.send(f"/start {match[1]}")
    await tap(ans, "Nederlands")
    await tap(ans, "Ik ga akkoord")
    await ans.wait_for("In welke buurt woon je?")
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == 5001))
        assert person is not None
        row = await session.get(SignUp, person.id)
        assert row is not None and row.invite_id == invite.id

    # a coordinator invite gets no flyer button; a forged flyer press by a volunteer is refused
    vera = fake.user(5002, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt", language="en")
    await vera.send("/help")
    helped = await vera.wait_for("You are a volunteer")
    await vera.press_data("fly:r:1", message_id=helped.message_id)
    assert (await vera.wait_for_callback_answer()).text == "Sorry, only coordinators can do this."
    await vera.send("Bibliotheek")
    await vera.wait_for("I didn't understand that.")
