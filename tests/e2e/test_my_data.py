"""/mijngegevens (/mydata): everything stored about me, in chat and as a JSON file."""

from __future__ import annotations

import datetime as dt
import json

from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person
from storage.models import OutboxChatPace


async def test_my_data_shows_and_sends_everything_stored(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    lena = fake.user(5001, "Lena", language_code="en")
    await add_person(
        wijkbot,
        lena,
        role="volunteer",
        area="Haarlemmerbuurt",
        buurt="Westerdokseiland",
        language="en",
        slots=[(5, "afternoon")],
        offers=["street_stand"],
    )
    await lena.send("/mydata")
    text = await lena.wait_for("What is stored about you")
    assert text.text.splitlines()[:6] == [
        "What is stored about you",
        f"First name: {iso('Lena')}",
        "Telegram account: 5001",
        "Role: Volunteer",
        "Neighbourhood: Westerdokseiland",
        "Languages: –",
    ]
    assert "You like to do: Street stand" in text.text
    assert "When you can help: Sat afternoon" in text.text
    assert "Your next message may go from" not in text.text  # no pacing row
    assert (
        "You agreed to: calls for actions, coupling with a volunteer or resident, "
        "passing on messages, who comes to actions"
    ) in text.text
    doc = await lena.wait_for(predicate=lambda m: m.kind == "document")
    assert doc.document_name == "wijkbot-my-data.json"
    data = json.loads(doc.document)
    assert data["profile"]["first_name"] == "Lena"
    assert data["profile"]["telegram_user_id"] == 5001
    assert data["profile"]["buurt"] == "Westerdokseiland"
    assert data["offers"] == ["street_stand"]
    assert data["availability"] == [{"weekday": 5, "day_part": "afternoon"}]
    assert [c["purpose"] for c in data["consents"]] == [
        "calls",
        "coupling",
        "relaying",
        "attendance",
        "results",
        "sign_up_source",
        "signals",
    ]
    assert data["send_pacing"] is None


async def test_my_data_shows_the_shared_pacing_row_of_my_chat(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    """PostgreSQL senders keep when a chat's next message may go (`outbox_chat_pace`, a
    chat id and a time, kept a day): /mydata names it while it exists."""
    noor = fake.user(5003, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="volunteer", area="Haarlemmerbuurt", language="en")
    turn = dt.datetime(2031, 12, 6, 13, 0, 1, tzinfo=dt.UTC)  # 14:00 in Amsterdam
    async with wijkbot.db.begin() as session:
        session.add(OutboxChatPace(chat_id=noor.id, next_send_at=turn))
    await noor.send("/mydata")
    text = await noor.wait_for("What is stored about you")
    assert "Your next message may go from: Saturday 6 December at 14:00" in text.text
    doc = await noor.wait_for(predicate=lambda m: m.kind == "document")
    pacing = json.loads(doc.document)["send_pacing"]
    assert pacing["chat_id"] == noor.id
    assert dt.datetime.fromisoformat(pacing["next_message_from"]) == turn


async def test_my_data_in_dutch_for_a_stranger(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    stranger = fake.user(5002, "Sam", language_code="nl")
    await stranger.send("/mijngegevens")
    await stranger.wait_for("Er is niets over jou opgeslagen.")
