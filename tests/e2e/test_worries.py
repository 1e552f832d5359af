""" "Zorgen om iemand" (issue 10, item 4): a volunteer gets Veilig Thuis and 112 at once and
the nearest coordinator is asked to call back; nothing about the person of concern is
stored (only the outbox notice is new, and it names only the volunteer). Real Application
against the fake Bot API over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import Clock
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person
from storage.models import Base, OutboxMessage

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
NUMBERS_NL = [
    "Zorgen om iemand?",
    "• Is er nu gevaar? Bel 112.",
    "• Zorgen over huiselijk geweld of kindermishandeling? Bel Veilig Thuis: 0800-2000 "
    "(gratis, dag en nacht). Je kunt ook alleen om advies vragen.",
]
NOTHING_KEPT_NL = "Schrijf hier niets over de persoon: de bot bewaart niets over hem of haar."


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def snapshot(wijkbot: BotUnderTest) -> dict[str, int]:
    """Rows per table. Left out: PTB's own state table (no user text here) and the shared
    send pacing of PostgreSQL (`outbox_budget`, `outbox_chat_pace`: a chat id and a time,
    written for every message sent, gone after a minute)."""
    async with wijkbot.db.begin() as session:
        return {
            table.name: await session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name not in {"ptb_state", "outbox_budget", "outbox_chat_pace"}
        }


async def test_worried_about_someone(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    carla = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    kees = fake.user(2002, "Kees", language_code="nl")
    await add_person(wijkbot, kees, role="coordinator", area="Haarlemmerbuurt", language="nl")
    fatima = fake.user(3001, "Fatima", language_code="nl")
    await add_person(
        wijkbot, fatima, role="volunteer", area="Haarlemmerbuurt", buurt="Haarlemmerbuurt West"
    )
    before = await snapshot(wijkbot)

    await fatima.send("/zorgen")
    answer = await fatima.wait_for("Zorgen om iemand?")
    assert answer.text.split("\n") == [
        *NUMBERS_NL,
        "Ik heb een coördinator van je buurt gevraagd om je terug te bellen.",
        NOTHING_KEPT_NL,
    ]
    notice = await kees.wait_for("maakt zich zorgen om iemand")
    assert notice.text == (
        f"🆘 {iso('Fatima')}, vrijwilliger in Haarlemmerbuurt West, maakt zich zorgen om iemand "
        "en vraagt of je terugbelt, het liefst vandaag. "
        f"Open de chat: {iso('Fatima')}. De bot heeft niets over die "
        "persoon bewaard."
    )
    assert 'href="tg://user?id=3001"' in (notice.raw_text or "")
    # what she types next is not stored anywhere
    mark = fatima.mark()
    await fatima.send("Mevrouw op drie hoog wordt geslagen")
    await fatima.wait_for("Dat begreep ik niet.", after=mark)
    await wijkbot.handled()
    # a second tap within the hour: the numbers again, no second notice
    msg = await fatima.wait_for("Zorgen om iemand?")
    mark = fatima.mark()
    await fatima.press_data("wr", message_id=msg.message_id)
    again = await fatima.wait_for("Zorgen om iemand?", after=mark)
    assert again.text.split("\n")[-2] == "Er is al een coördinator gevraagd om je terug te bellen."
    await wijkbot.outbox_idle()

    after = await snapshot(wijkbot)
    changed = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    assert changed == {"outbox_message": 1}
    async with wijkbot.db.begin() as session:
        row = await session.scalar(select(OutboxMessage))
        assert row is not None
        assert (row.message_key, row.args) == (
            "worry_callback",
            {"volunteer": "Fatima", "user_id": 3001, "place": "Haarlemmerbuurt West"},
        )
    await wijkbot.outbox_idle()
    assert carla.messages == []  # the nearest coordinator is asked, not everyone above


async def test_worried_button_in_english_and_for_others(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera = fake.user(3002, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    await vera.send("/worried")
    answer = await vera.wait_for("Worried about someone?")
    assert answer.text.split("\n")[1:] == [
        "• Danger now? Call 112.",
        "• Worried about domestic violence or child abuse? Call Veilig Thuis: 0800-2000 "
        "(free, day and night). You can also just ask for advice.",
        "No coordinator can be reached right now: please call one of the numbers.",
        "Do not write anything about the person here: the bot keeps nothing about them.",
    ]
    # a resident gets the numbers, nobody is asked
    ria = fake.user(3003, "Ria", language_code="en")
    await add_person(wijkbot, ria, role="resident", area="Jordaan", language="en")
    await ria.send("/worried")
    answer = await ria.wait_for("Worried about someone?")
    assert "coordinator" not in answer.text
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
