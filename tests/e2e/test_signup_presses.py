"""Forged and odd presses during sign-up and on the availability screen (issue 9 item 5), and
no raw invite token in stored state (issue 9 item 1); on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import select

from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, make_invite, tap
from storage.areas import find_area
from storage.models import AvailabilitySlot, PersistedState, Person

STALE = "This button no longer works."


async def _to_buurt(bot: BotUnderTest, fake: FakeBotAPI, user_id: int) -> FakeUser:
    token = await make_invite(bot, role="volunteer", area="Haarlemmerbuurt")
    user = fake.user(user_id, "Sam", language_code="en")
    await user.send(f"/start {token}")
    await tap(user, "English")
    await tap(user, "I agree")
    await user.wait_for("In which neighbourhood (buurt) do you live?")
    return user


async def _state_rows(bot: BotUnderTest) -> list[str]:
    async with bot.db.begin() as session:
        rows = (await session.scalars(select(PersistedState))).all()
        return [json.dumps(row.value) + row.key for row in rows]


async def test_forged_signup_presses_get_the_stale_answer_and_change_nothing(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    sam = await _to_buurt(wijkbot, fake, 5001)
    for data in ("ob:buurt:2147483647", "ob:buurt:x", "ob:buurt:-1"):
        await sam.press_data(data)
        assert (await sam.wait_for_callback_answer()).text == STALE, data
    # a buurt outside the invite's area (Jordaan is not in the Haarlemmerbuurt)
    async with wijkbot.db.begin() as session:
        outside = await find_area(session, "Jordaan")
        assert outside is not None
        outside_id = outside.id
    await sam.press_data(f"ob:buurt:{outside_id}")
    assert (await sam.wait_for_callback_answer()).text == STALE
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person.buurt_id))) is None
    # the question still works
    await tap(sam, "Planciusbuurt Noord")
    await sam.wait_for("Which languages do you speak?")
    await tap(sam, "Done")
    tasks = await sam.wait_for("What do you like to do?")
    await sam.press("Done", message_id=tasks.message_id)
    await sam.wait_for("When can you usually help?")
    for data in ("ob:av:9:m:1", "ob:av:9:m", "ob:av:1:z:1", "ob:av:1:m:2"):
        await sam.press_data(data)
        assert (await sam.wait_for_callback_answer()).text == STALE, data
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(AvailabilitySlot))).all() == []
    assert not [m for m in sam.messages if "something went wrong" in m.text]


async def test_pauses_are_only_the_offered_lengths(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    vera = fake.user(5002, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    await vera.send("/availability")
    await vera.wait_for("When can you usually help?")
    for data in ("av:p:366", "av:p:1", "av:p:8", "av:p:0"):
        await vera.press_data(data)
        assert (await vera.wait_for_callback_answer()).text == STALE, data
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person.paused_until))) is None
    await tap(vera, "⏸ Pause")
    await vera.wait_for("How long do you want a break")
    until = [label for label in vera.last.labels if label.startswith("Up to and including")]
    assert len(until) == 3
    await tap(vera, until[-1])  # four weeks
    await vera.wait_for("Paused up to and including")
    async with wijkbot.db.begin() as session:
        paused = await session.scalar(select(Person.paused_until))
    assert paused is not None and (paused - wijkbot.clock.now().date()).days in (27, 28, 29)


async def _odd_press(fake: FakeBotAPI, user: FakeUser, data: str, *, message: bool) -> str:
    """Press `data` on the user's last message as Telegram sends it when that message is no
    longer accessible (`date` 0, no text), or with no message at all (`message=False`)."""
    real = fake._message_json

    def odd(sent: object) -> dict | None:
        if not message:
            return None
        return {"chat": user.chat_json(), "message_id": sent.message_id, "date": 0}  # type: ignore[attr-defined]

    fake._message_json = odd  # type: ignore[method-assign]
    try:
        return await user.press_data(data)
    finally:
        fake._message_json = real  # type: ignore[method-assign]


async def test_a_press_on_an_inaccessible_message_is_confirmed(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    sam = await _to_buurt(wijkbot, fake, 5003)

    mark = sam.mark()
    query = await _odd_press(fake, sam, "ob:buurt:0", message=True)
    assert (await sam.wait_for_callback_answer(query)).text == "Saved."
    languages = await sam.wait_for("Which languages do you speak?", after=mark)
    mark = sam.mark()
    query = await _odd_press(fake, sam, "ob:sl:nl:1", message=True)
    assert (await sam.wait_for_callback_answer(query)).text == "Saved."
    shown = await sam.wait_for(predicate=lambda m: "✅ Dutch" in m.labels, after=mark)
    assert shown.message_id != languages.message_id  # sent anew: the old one cannot be edited
    # a press without any message (never sent in a private chat): the polite stale answer
    query = await _odd_press(fake, sam, "ob:sl:en:1", message=False)
    assert (await sam.wait_for_callback_answer(query)).text == STALE
    await fake.settle()
    assert not [m for m in sam.messages if "something went wrong" in m.text]
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person))
        assert person is not None and person.spoken_languages == ["nl"]
        assert person.buurt_id is None  # "I don't know / all of the area"


async def test_no_raw_invite_token_is_stored_during_signup(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    token = await make_invite(wijkbot, role="volunteer", area="Haarlemmerbuurt")
    kim = fake.user(5004, "Kim", language_code="en")
    await kim.send(f"/start {token}")
    await tap(kim, "English")
    await kim.wait_for("Do you agree?")
    await fake.settle()
    rows = await _state_rows(wijkbot)
    assert rows, "the sign-up state is stored"
    assert not [row for row in rows if token in row]
    await tap(kim, "I agree")  # the stored invite id still signs Kim up
    await kim.wait_for("In which neighbourhood (buurt) do you live?")
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person.role))) == "volunteer"
