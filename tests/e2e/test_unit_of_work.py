"""One unit of work per update: one transaction, committed before any reply goes out.

Every BEGIN, COMMIT and ROLLBACK on the bot's engine and every Bot API request that reaches
the fake server go into one ordered event log. For an RSVP press, a roster view and an
onboarding step (each including PTB's persistence flush) the test counts the transactions the
update opened and checks that no reply reached the server while one of them was open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from bot import unit_of_work
from bot.clock import Clock
from bot.domain import actions
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, make_invite, tap
from storage.areas import find_area
from storage.models import Person

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
STARTS = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)


class EventLog:
    """BEGIN/COMMIT/ROLLBACK of units of work and Bot API requests, in the order they happen."""

    def __init__(self, wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
        self.events: list[tuple[str, str]] = []
        engine = wijkbot.db.engine.sync_engine
        for name in ("begin", "commit", "rollback"):
            event.listen(engine, name, self._db(name))
        log = self

        class Recorded(list[Any]):
            def append(self, record: Any) -> None:
                if record.method != "getUpdates":
                    log.events.append(("api", record.method))
                super().append(record)

        fake.requests = Recorded(fake.requests)

    def _db(self, name: str) -> Any:
        def listener(*_args: Any) -> None:
            # Only transactions of an update (jobs such as the outbox tick have their own)
            if unit_of_work.current() is not None:
                self.events.append(("db", name))

        return listener

    def mark(self) -> int:
        return len(self.events)

    def since(self, mark: int) -> list[tuple[str, str]]:
        return self.events[mark:]


def begins(events: list[tuple[str, str]]) -> int:
    return sum(1 for kind, name in events if (kind, name) == ("db", "begin"))


def replies_inside_a_transaction(events: list[tuple[str, str]]) -> list[str]:
    """Bot API calls made between a BEGIN and its COMMIT/ROLLBACK."""
    open_, found = False, []
    for kind, name in events:
        if kind == "db":
            open_ = name == "begin"
        elif open_:
            found.append(name)
    return found


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _plan(wijkbot: BotUnderTest, coordinator_id: int) -> int:
    async with wijkbot.db.begin() as session:
        area = await find_area(session, "Jordaan")
        coordinator = await session.scalar(
            select(Person).where(Person.telegram_user_id == coordinator_id)
        )
        assert area is not None and coordinator is not None
        draft = actions.validate_draft(
            kind="street_stand",
            title="Klaptafel",
            area_id=area.id,
            meeting_place="Noordermarkt",
            starts_at=STARTS,
            ends_at=STARTS + dt.timedelta(hours=2),
            volunteers_needed=3,
            now=wijkbot.clock.now(),
        )
        action, _ = await actions.create_action(
            session=session,
            coordinator=coordinator,
            draft=draft,
            now=wijkbot.clock.now(),
            tz=AMS,
            second_wave_delay=dt.timedelta(hours=2),
        )
        return action.id


async def test_rsvp_and_roster_each_run_in_one_transaction(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    carla = fake.user(2001, "Carla", language_code="en")
    vera = fake.user(4001, "Vera", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    await add_person(
        wijkbot, vera, role="volunteer", area="Jordaan", language="en", slots=[(5, "afternoon")]
    )
    action_id = await _plan(wijkbot, 2001)
    await vera.wait_for("New action in Jordaan")
    await wijkbot.outbox_idle()
    log = EventLog(wijkbot, fake)

    mark, seen = log.mark(), vera.mark()
    await tap(vera, "Yes")
    await vera.wait_for("Your answer: Yes", after=seen)
    rsvp_events = log.since(mark)
    assert begins(rsvp_events) == 1, rsvp_events
    assert replies_inside_a_transaction(rsvp_events) == []
    assert ("api", "editMessageText") in rsvp_events

    seen = carla.mark()
    await carla.send("/acties")
    await carla.wait_for("upcoming actions", after=seen)
    mark, seen = log.mark(), carla.mark()
    await carla.press_data(f"act:r:{action_id}")
    roster = await carla.wait_for("Vera", after=seen)
    roster_events = log.since(mark)
    assert begins(roster_events) == 1, roster_events
    assert replies_inside_a_transaction(roster_events) == []
    assert "Klaptafel" in roster.text


async def test_an_onboarding_step_with_its_persistence_flush_is_one_transaction(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    link = await make_invite(wijkbot, role="volunteer", area="Jordaan")
    nina = fake.user(5001, "Nina", language_code="nl")
    log = EventLog(wijkbot, fake)
    mark = log.mark()
    await nina.send(f"/start {link}")
    await nina.wait_for("Which language")
    start_events = log.since(mark)
    # the invite is checked and the conversation state and user_data are saved: one BEGIN
    assert begins(start_events) == 1, start_events
    assert replies_inside_a_transaction(start_events) == []

    mark, seen = log.mark(), nina.mark()
    await tap(nina, "English")
    consent = await nina.wait_for(after=seen, predicate=lambda m: "I agree" in m.labels)
    assert "I agree" in consent.labels
    step_events = log.since(mark)
    assert begins(step_events) == 1, step_events
    assert replies_inside_a_transaction(step_events) == []


async def test_an_update_that_changes_nothing_writes_nothing(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera = fake.user(4001, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    log = EventLog(wijkbot, fake)
    for _ in range(2):  # the second /help finds user_data unchanged: no write at all
        mark, seen = log.mark(), vera.mark()
        await vera.send("/help")
        await vera.wait_for("/stop", after=seen)
    events = log.since(mark)
    assert begins(events) == 1  # reading the person
    assert replies_inside_a_transaction(events) == []
