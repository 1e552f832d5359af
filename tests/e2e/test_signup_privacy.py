"""Sign-up state never holds a raw invite token, and expires after 24 hours (both DBs)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, inspect, select, text

from bot.clock import Clock
from bot.retention_job import run_retention
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, make_invite, tap
from storage.models import Invite, PersistedState, Person


async def _all_values(bot: BotUnderTest) -> list[str]:
    """Every value of every column of every table, as text."""
    values: list[str] = []
    async with bot.db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        for table in tables:
            for row in (await conn.execute(text(f'SELECT * FROM "{table}"'))).all():
                for value in row:
                    if isinstance(value, (dict, list)):
                        value = json.dumps(value)
                    values.append(str(value))
    return values


async def test_an_opened_invite_link_leaves_no_token_in_the_database(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    token = await make_invite(wijkbot, role="coordinator", area="Centrum", max_uses=1)
    mallory = fake.user(4001, "Mallory", language_code="en")
    await mallory.send(f"/start {token}")
    await tap(mallory, "English")
    await mallory.wait_for("what do we store")  # and she stops here
    await wijkbot.application.update_persistence()
    values = await _all_values(wijkbot)
    assert not [v for v in values if token in v]
    async with wijkbot.db.begin() as session:
        row = await session.get(PersistedState, ("user_data", "4001"))
        invite = await session.scalar(select(Invite))
        assert row.value["onboarding"]["invite_id"] == invite.id
        assert "token" not in json.dumps(row.value)


async def test_unfinished_sign_up_expires_after_24_hours(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    token = await make_invite(wijkbot, role="volunteer", area="Jordaan")
    pim = fake.user(4002, "Pim", language_code="en")
    await pim.send(f"/start {token}")
    await tap(pim, "English")
    consent = await pim.wait_for("what do we store")
    clock.advance(25 * 3600)
    # the old consent button no longer signs anyone up
    mark = pim.mark()
    await pim.press("I agree", message_id=consent.message_id)
    await pim.wait_for("Nothing has been stored", after=mark)
    async with wijkbot.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0

    # someone who opened a link and went away: the daily job purges their state
    ria = fake.user(4003, "Ria", language_code="en")
    await ria.send(f"/start {token}")
    await tap(ria, "English")
    consent = await ria.wait_for("what do we store")
    async with wijkbot.db.begin() as session:
        kinds = set(await session.scalars(select(PersistedState.kind)))
        assert kinds == {"user_data", "conversation:onboarding"}
    clock.advance(25 * 3600)
    report = await run_retention(wijkbot.services, wijkbot.application)
    assert report.signup_states == 2
    async with wijkbot.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(PersistedState)) == 0
    mark = ria.mark()
    await ria.press("I agree", message_id=consent.message_id)
    answer = await ria.wait_for_callback_answer()
    assert answer.text == "This button no longer works."
    async with wijkbot.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_retention_job_is_scheduled_daily(wijkbot: BotUnderTest) -> None:
    jobs = wijkbot.application.job_queue.get_jobs_by_name("retention")
    assert len(jobs) == 1
    nxt = jobs[0].next_t.astimezone(wijkbot.settings.tz)
    assert (nxt.hour, nxt.minute) == (3, 30)
    assert jobs[0].next_t - dt.datetime.now(dt.UTC) <= dt.timedelta(days=1)


async def test_stop_reply_states_when_everything_is_deleted(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    from sandbox.harness import add_person

    olga = fake.user(4004, "Olga", language_code="nl")
    await add_person(wijkbot, olga, role="volunteer", area="Jordaan")
    await olga.send("/stop")
    reply = await olga.wait_for("Stuur je /stop of blokkeer je de bot?")
    assert reply.text.endswith(
        "Dan wissen we na 365 dagen alles over jou. Je krijgt daar geen bericht over."
    )
