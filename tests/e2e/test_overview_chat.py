"""/overzicht (/overview) in chat: period buttons, then a text, the chart as a photo and the
CSV file as a document (issue 10, item 7). Real Application against the fake Bot API over
HTTP, on SQLite and PostgreSQL.

Clock: Thursday 10 June 2027, 10:00 in Amsterdam; "Last month" is May 2027. Seeded: a
klaptafel in Haarlemmerbuurt West on 8 May with Fatima and Joost (confirmed), who recorded
5 and 3 conversations; a resident who signed up in May via the flyer "Bibliotheek".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select

from bot.clock import Clock
from bot.domain import flyers, results
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, tap
from storage.areas import find_area
from storage.models import Action, Person
from tests.storage.test_results import add_action
from tests.storage.test_results import add_person as add_db_person

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2027, 6, 10, 10, 0, tzinfo=AMS)
APRIL = dt.datetime(2027, 4, 1, 8, 0, tzinfo=dt.UTC)
MAY_3 = dt.datetime(2027, 5, 3, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def seed(wijkbot: BotUnderTest) -> None:
    """May 2027 in the Haarlemmerbuurt: one klaptafel, its results, a flyer sign-up."""
    async with wijkbot.db.begin() as session:
        noor = await session.scalar(select(Person).where(Person.telegram_user_id == 6001))
        fatima = await add_db_person(session, "Fatima", when=APRIL)
        joost = await add_db_person(session, "Joost", when=APRIL)
        start = dt.datetime(2027, 5, 8, 14, 0, tzinfo=AMS).astimezone(dt.UTC)
        stand = await add_action(
            session,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            volunteers=(fatima, joost),
        )
        for person, talks, themes in ((fatima, 5, ["loneliness"]), (joost, 3, ["loneliness"])):
            await results.record_result(
                session=session,
                person=person,
                action_id=stand.id,
                conversations=talks,
                themes=themes,
                now=stand.ends_at,
            )
        area = await find_area(session, "Haarlemmerbuurt")
        assert noor is not None and area is not None
        library = await flyers.create_flyer(
            session=session,
            coordinator=noor,
            area=area,
            role="resident",
            label="Bibliotheek",
            now=APRIL,
        )
        ans = await add_db_person(
            session,
            "Ans",
            role="resident",
            buurt="Haarlemmerbuurt West",
            when=MAY_3,
            invite_token=library.token,
        )
        await flyers.record_sign_up(
            session=session, person=ans, invite_id=library.invite_id, now=MAY_3
        )


async def test_coordinator_gets_text_chart_and_csv_for_a_period(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor = fake.user(6001, "Noor", language_code="nl")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum", language="nl")
    await seed(wijkbot)

    await noor.send("/overzicht")
    menu = await noor.wait_for("Overzicht van welke periode?")
    assert menu.buttons == [["Laatste 4 weken", "Vorige maand"], ["Laatste 3 maanden", "Dit jaar"]]
    mark = noor.mark()
    await noor.press("Vorige maand", message_id=menu.message_id)
    text = await noor.wait_for("Overzicht Centrum", after=mark)
    assert text.text.split("\n") == [
        "Overzicht Centrum",
        "1 mei 2027 – 31 mei 2027",
        "",
        "Acties gehouden: 1",
        "Actieve vrijwilligers: 2",
        "Bewoners gesproken (gesprekken): 8",
        "Nieuwe bewoners ontmoet: 0",
        "Nieuwe aanmeldingen: 1 (Bibliotheek: 1)",
        "Open hulpvragen nu: 0",
        "Het meest gehoord: eenzaamheid (2)",
        "",
        "In deze buurten gebeurde nog niets. Herhaal je laatste actie daar (olievlek):",
    ]
    assert text.buttons[0] == ["Hier ook: Anjeliersbuurt Noord"]
    photo = await noor.wait_for(predicate=lambda m: m.kind == "photo", after=mark)
    document = await noor.wait_for(predicate=lambda m: m.kind == "document", after=mark)
    assert photo.photo is not None
    image = Image.open(io.BytesIO(photo.photo))
    assert image.format == "PNG" and image.width == 1080 and 500 <= image.height <= 2500
    assert document.document_name == "overzicht-centrum-2027-05-01-2027-05-31.csv"
    assert document.document is not None and document.document.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(document.document.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:9] == [
        "niveau",
        "wijk",
        "gebied",
        "Acties gehouden",
        "Actieve vrijwilligers",
        "Bewoners gesproken (gesprekken)",
        "Nieuwe bewoners ontmoet",
        "Nieuwe aanmeldingen",
        "Open hulpvragen nu",
    ]
    assert header[-1] == "Aanmeldingen via: Bibliotheek"
    by_name = {row[2]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    west = by_name["Haarlemmerbuurt West"]
    assert (west["niveau"], west["wijk"]) == ("buurt", "Haarlemmerbuurt")
    assert [west[h] for h in header[3:9]] == ["1", "2", "8", "0", "1", "0"]
    assert west["Thema: eenzaamheid"] == "2" and west["Aanmeldingen via: Bibliotheek"] == "1"
    assert by_name["Jordaan"]["Acties gehouden"] == "0"
    assert rows[-1][:9] == ["totaal", "", "Centrum", "1", "2", "8", "0", "1", "0"]
    # no personal data in the file
    assert not any(
        name in document.document.decode("utf-8-sig") for name in ("Fatima", "Joost", "Ans")
    )


async def test_english_overview_and_who_may_not(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    noor = fake.user(6001, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum", language="en")
    await seed(wijkbot)
    await noor.send("/overview")
    await tap(noor, "Last 3 months")
    text = await noor.wait_for("Overview Centrum")
    assert text.text.split("\n")[1] == "12 Mar 2027 – 10 Jun 2027"
    assert "Residents reached (conversations): 8" in text.text
    assert text.labels == [
        "Here too: Anjeliersbuurt Noord",
        "Here too: Anjeliersbuurt Zuid",
        "Here too: BG-terrein e.o.",
    ]
    document = await noor.wait_for(predicate=lambda m: m.kind == "document")
    assert document.document is not None
    rows = list(csv.reader(io.StringIO(document.document.decode("utf-8-sig")), delimiter=","))
    assert rows[0][:3] == [
        "level: district (wijk) or neighbourhood (buurt)",
        "district (wijk)",
        "area",
    ]
    levels = {row[0] for row in rows[1:]}
    assert levels == {"district", "neighbourhood", "total"}

    # a volunteer is refused, by command and by a forged button; nothing is sent
    vera = fake.user(6002, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt", language="en")
    await vera.send("/overview")
    await vera.wait_for("Sorry, only coordinators can do this.")
    await vera.send("/help")
    help_msg = await vera.wait_for("You are a volunteer.")
    await vera.press_data("ov:p:lm", message_id=help_msg.message_id)
    answer = await vera.wait_for_callback_answer()
    assert answer.text == "Sorry, only coordinators can do this."
    await noor.press_data("ov:p:zz", message_id=text.message_id)
    assert (await noor.wait_for_callback_answer()).text == "This button no longer works."
    await wijkbot.handled()
    assert [m.kind for m in vera.messages].count("document") == 0


async def test_here_too_copies_the_action_into_a_quiet_buurt(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor = fake.user(6001, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum", language="en")
    await seed(wijkbot)
    await noor.send("/overview")
    await tap(noor, "Last month")
    mark = noor.mark()
    await tap(noor, "Here too: Anjeliersbuurt Noord")
    await noor.wait_for("Where do the volunteers meet?", after=mark)
    mark = noor.mark()
    await noor.send("Buurthuis De Boom")
    preview = await noor.wait_for(predicate=lambda m: "Yes, send the call" in m.labels, after=mark)
    assert "Klaptafel" in preview.text
    assert "Saturday 12 June, 14:00 to 16:00" in preview.text
    assert "Buurthuis De Boom, Anjeliersbuurt Noord" in preview.text
    mark = noor.mark()
    await tap(noor, "Yes, send the call", after=mark - 1)
    await noor.wait_for("Done! The action Klaptafel is planned.", after=mark)
    async with wijkbot.db.begin() as session:
        area = await find_area(session, "Anjeliersbuurt Noord")
        assert area is not None
        copy = await session.scalar(select(Action).where(Action.area_id == area.id))
        assert copy is not None
        assert (copy.kind, copy.title, copy.meeting_place, copy.volunteers_needed) == (
            "street_stand",
            "Klaptafel",
            "Buurthuis De Boom",
            6,
        )
        assert copy.starts_at == dt.datetime(2027, 6, 12, 14, 0, tzinfo=AMS)
        west = await find_area(session, "Haarlemmerbuurt West")
        assert west is not None
    # a forged copy to a buurt outside a coordinator's area changes nothing
    kees = fake.user(6003, "Kees", language_code="en")
    await add_person(wijkbot, kees, role="coordinator", area="Jordaan", language="en")
    await kees.send("/help")
    helped = await kees.wait_for("What you can do")
    await kees.press_data(f"na:cp:{copy.id}:{west.id}", message_id=helped.message_id)
    assert (await kees.wait_for_callback_answer()).text == "This button no longer works."
