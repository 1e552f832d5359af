"""Guards stop an update whatever happens to their answer; the per-user throttle (issue 9).

The guard tests inject a 502 on the guard's own answer (the failure that used to let the
update through to the features). The throttle tests use a long window (one hour) so the
count never depends on how fast the machine is, and move the bot's clock to end a mute.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.clock import Clock
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, make_invite
from storage.models import PersistedState, Person

NOT_UNDERSTOOD = "I didn't understand that."
SLOW_DOWN = "Slow down, please"


async def test_an_edited_message_turned_into_stop_is_not_applied_when_the_answer_fails(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    eva = fake.user(3001, "Eva", language_code="en")
    await add_person(wijkbot, eva, role="volunteer", area="Jordaan", language="en")
    sent = await eva.send("hello")
    await eva.wait_for(NOT_UNDERSTOOD)
    fake.fail_next("sendMessage", 502, chat_id=eva.id)
    since = len(fake.requests)
    await eva.edit(sent["message_id"], "/stop")
    failed = await fake.wait_for_request("sendMessage", since=since)
    await fake.settle()

    assert failed.status == 502  # the guard tried to answer and Telegram failed
    assert [r.status for r in fake.requests_for("sendMessage", chat_id=eva.id)[-1:]] == [502]
    assert all("no more messages" not in m.text for m in eva.messages)
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == eva.id))
        assert person is not None and person.stopped_at is None


async def test_start_with_a_token_in_a_supergroup_posts_nothing_there(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    token = await make_invite(wijkbot, role="volunteer", area="Jordaan")
    group = -1001234
    fake.fail_next("sendMessage", 502, chat_id=group)
    since = len(fake.requests)
    fake.inject_update(
        {
            "message": {
                "message_id": 1,
                "date": 0,
                "text": f"/start {token}",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                "chat": {"id": group, "type": "supergroup", "title": "Buurt"},
                "from": {"id": 3002, "is_bot": False, "first_name": "Hans"},
            }
        }
    )
    await fake.wait_for_request("sendMessage", since=since)
    await fake.settle()

    to_group = [r for r in fake.requests[since:] if r.chat_id == group]
    assert [(r.method, r.status) for r in to_group] == [("sendMessage", 502)]
    assert not any(r.chat_id == 3002 for r in fake.requests[since:])  # nor privately
    async with wijkbot.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        states = await session.scalars(select(PersistedState.kind))
        assert [kind for kind in states.all() if kind.startswith("conversation")] == []


@pytest.fixture
async def patient_bot(
    fake: FakeBotAPI, database_url: str, clock: Clock
) -> AsyncIterator[BotUnderTest]:
    """The bot with a throttle of 20 updates per hour (so speed never matters), 60 s mute."""
    settings = BotUnderTest.settings_for(
        fake,
        database_url,
        throttle_max_updates=20,
        throttle_window_seconds=3600,
        throttle_mute_seconds=60,
    )
    bot = BotUnderTest(fake, settings, clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def test_a_flood_gets_one_slow_down_and_is_ignored_for_a_minute(
    patient_bot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    flooder = fake.user(3003, "Floor", language_code="en")
    other = fake.user(3004, "Otto", language_code="en")
    await add_person(patient_bot, other, role="volunteer", area="Jordaan", language="en")
    for i in range(150):
        await flooder.send(f"spam {i}")
    await other.send("/help")  # someone else, in the middle of the flood
    for i in range(150, 300):
        await flooder.send(f"spam {i}")
    await other.wait_for("You are a volunteer.", timeout=30)
    await fake.settle(timeout=60)

    texts = [m.text for m in flooder.messages]
    # At most 20 are answered: fewer when more of the flood was already waiting in the
    # queue (it counts too, `bot.throttle.UpdateQueue`); then one "slow down", then nothing.
    assert 1 <= len(texts) <= 21
    assert all(text.startswith(NOT_UNDERSTOOD) for text in texts[:-1])
    assert texts[-1].startswith(SLOW_DOWN)

    await flooder.send("still there?")  # muted: no answer
    await fake.settle()
    assert len(flooder.messages) == len(texts)

    clock.advance(61)  # the minute is over
    mark = flooder.mark()
    await flooder.send("hello again")
    await flooder.wait_for(NOT_UNDERSTOOD, after=mark)


async def test_the_slow_down_answer_is_in_the_persons_language(
    patient_bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    piet = fake.user(3005, "Piet", language_code="en")  # Telegram says English...
    await add_person(patient_bot, piet, role="volunteer", area="Jordaan", language="nl")
    for i in range(25):
        await piet.send(f"hoi {i}")
    await piet.wait_for("Rustig aan", timeout=30)  # ...but Piet chose Dutch
    await fake.settle()
    assert sum("Rustig aan" in m.text for m in piet.messages) == 1
