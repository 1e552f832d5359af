"""The sociale kaart (issue 10, item 5): /sociale_kaart for volunteers at the klaptafel and
residents' /help show the organisations of their area from the data file, with phone and
walk-in hours where known and an honest "not known yet" where not. Real Application
against the fake Bot API over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import delete

from bot.config import PROJECT_ROOT
from bot.domain.coupling import organisations
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person
from storage.models import Organisation

DATA = PROJECT_ROOT / "storage" / "data" / "organisations-amsterdam-centrum.toml"


async def load(wijkbot: BotUnderTest) -> None:
    async with wijkbot.db.begin() as session:
        await session.run_sync(lambda s: organisations.load_organisations(s, DATA))


async def test_volunteer_and_resident_see_the_social_map(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await load(wijkbot)
    fatima = fake.user(3001, "Fatima", language_code="nl")
    await add_person(
        wijkbot, fatima, role="volunteer", area="Haarlemmerbuurt", buurt="Haarlemmerbuurt West"
    )
    await fatima.send("/sociale_kaart")
    shown = await fatima.wait_for("Sociale kaart: Haarlemmerbuurt West")
    assert shown.text.split("\n\n") == [
        "Sociale kaart: Haarlemmerbuurt West\n"
        "Wie kan helpen in je buurt. Je kunt ze ook zelf bellen.",
        "Buurtteam Amsterdam Centrum (buurtteam)\n"
        "Gratis hulp bij geld, werk, wonen, opvoeden, gezondheid en relaties.\n"
        "📞 Telefoonnummer nog niet bekend: vraag het je coördinator.\n"
        "🕒 Inloopuren nog niet bekend.",
        "DOCK Centrum (sociale basis (welzijn en buurtwerk))\n"
        "Buurthuizen, activiteiten, vrijwilligerswerk en hulp bij formulieren.\n"
        "📞 Telefoonnummer nog niet bekend: vraag het je coördinator.\n"
        "🕒 Inloopuren nog niet bekend.",
        "Ymere (woningcorporatie)\n"
        "Woningcorporatie: huur, reparaties en overlast in Ymere-woningen.\n"
        "📞 Telefoonnummer nog niet bekend: vraag het je coördinator.\n"
        "🕒 Inloopuren nog niet bekend.",
        "Gebiedsmakelaar Centrum (gemeente) (gebiedsmakelaar van de gemeente)\n"
        "Aanspreekpunt van de gemeente voor de buurt: ideeën, zorgen, buurtinitiatieven.\n"
        "📞 14 020\n"
        "🕒 Inloopuren nog niet bekend.",
    ]

    ria = fake.user(3002, "Ria", language_code="en")
    await add_person(wijkbot, ria, role="resident", area="Jordaan", language="en")
    await ria.send("/help")
    helped = await ria.wait_for("You signed up as a resident.")
    assert "\n\nSocial map (sociale kaart): Jordaan\n" in helped.text
    assert "Ymere (housing corporation)" in helped.text
    assert "📞 Phone number not known yet: ask your coordinator." in helped.text
    assert "📞 14 020" in helped.text


async def test_an_area_without_organisations_says_so(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    async with wijkbot.db.begin() as session:  # the test database seeds Centrum's
        await session.execute(delete(Organisation))
    vera = fake.user(3003, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    await vera.send("/social_map")
    shown = await vera.wait_for("Social map (sociale kaart): Jordaan")
    assert shown.text == (
        "Social map (sociale kaart): Jordaan\nNo organisations are known for your area yet."
    )
