"""The outbox dispatcher end to end: real HTTP to the fake Telegram Bot API server, a real
`telegram.Bot`, real database rows (SQLite and PostgreSQL).

Language: the real nl catalog is filled in later, so these tests load a tiny test-only
catalog (written to a temp `locales/` dir and loaded with the real `I18n`). English texts
are asserted exactly; for Dutch, the test catalog's translations prove that the recipient's
language is chosen at send time (full Dutch texts belong to the integration tests).

Times: request times are `time.monotonic()` at the fake server (`fake.requests`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from sqlalchemy import select
from telegram import Bot
from telegram.ext import ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.clock import Clock
from bot.config import SUPPORTED_LANGUAGES, Settings
from bot.delivery import dispatcher as dispatcher_module
from bot.delivery import pacing as pacing_module
from bot.delivery.dispatcher import DispatchReport, OutboxDispatcher
from bot.i18n import I18n
from sandbox.fake_bot_api import WAIT_SECONDS, FakeBotAPI
from storage.db import Database
from storage.models import Action, OutboxMessage, Person
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
# Saturday 6 December 2031, 14:00-16:00 in Amsterdam.
STARTS = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)
ENDS = STARTS + dt.timedelta(hours=2)
TITLE = "Soep & <koffie> *_[]"


TEST_NL = {
    "Yes": "Ja",
    "Maybe": "Misschien",
    "No": "Nee",
    "New action in {area}: can you help?": "Nieuwe actie in {area}: help je mee?",
    "Doorstep conversations": "Portiekgesprekken",
    "EEEE d MMMM 'at' HH:mm": "EEEE d MMMM 'om' HH:mm",
    "When: {date}, {start} to {end}": "Wanneer: {date}, van {start} tot {end}",
}


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def i18n(tmp_path: Path) -> I18n:
    """The real I18n on test-only catalogs (nl: a few strings; en: msgids as they are)."""
    for lang in SUPPORTED_LANGUAGES:
        catalog = Catalog(locale=lang, domain="wijkbot")
        for msgid, msgstr in (TEST_NL if lang == "nl" else {}).items():
            catalog.add(msgid, msgstr)
        po = tmp_path / "locales" / lang / "LC_MESSAGES" / "wijkbot.po"
        po.parent.mkdir(parents=True)
        with po.open("wb") as fh:
            write_po(fh, catalog)
    return I18n(tmp_path / "locales", default_language="nl", tz=AMS)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    telegram_bot = Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
    await telegram_bot.initialize()
    yield telegram_bot
    await telegram_bot.shutdown()


def settings(*, rate: float = 25, batch: int = 50) -> Settings:
    return Settings(_env_file=None, outbox_rate_per_second=rate, outbox_batch_size=batch)


def make_dispatcher(
    db: Database,
    i18n: I18n,
    clock: Clock,
    *,
    rate: float = 25,
    batch: int = 50,
    read_timeout: float = 20.0,
    max_in_flight: int = 10,
) -> OutboxDispatcher:
    return OutboxDispatcher(
        db=db,
        i18n=i18n,
        clock=clock,
        settings=settings(rate=rate, batch=batch),
        send_read_timeout=read_timeout,
        max_in_flight=max_in_flight,
    )


# -- rows -----------------------------------------------------------------------------------


# Each helper commits its own transaction (the dispatcher reads in its own); the rows
# themselves come from tests/factories.py.
LONG_AGO = STARTS - dt.timedelta(days=400)


async def add_person(
    db: Database, chat_id: int, *, language: str = "en", **fields: object
) -> Person:
    """A volunteer in Centrum whose chat is `chat_id` (a group chat when negative)."""
    async with db.begin() as session:
        return await make.person(
            session,
            f"Naam{chat_id}",
            area="Centrum",
            language=language,
            telegram_user_id=None if chat_id < 0 else chat_id,
            chat_id=chat_id,
            now=LONG_AGO,
            **fields,
        )


async def add_action(db: Database, **fields: object) -> Action:
    values: dict[str, Any] = {
        "title": TITLE,
        "meeting_place": "Buurthuis <De Boom> & co",
        "starts_at": STARTS,
        "ends_at": ENDS,
        "created_at": LONG_AGO,
    }
    values.update(fields)
    async with db.begin() as session:
        return await make.action(session, area="Centrum", **values)


async def add_row(
    db: Database,
    person: Person,
    action: Action,
    *,
    key: str = "action_call",
    due_at: dt.datetime | None = None,
    **fields: object,
) -> int:
    """A pending row to `person` about `action`, due one second ago unless `due_at`."""
    due = due_at or dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    async with db.begin() as session:
        row = await make.outbox_row(
            session, person, due_at=due, key=key, action_id=action.id, **fields
        )
        return row.id


async def get_row(db: Database, message_id: int) -> OutboxMessage:
    async with db.begin() as session:
        row = await session.get(OutboxMessage, message_id)
        assert row is not None
        return row


async def open_rows(db: Database) -> int:
    async with db.begin() as session:
        rows = await session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.status.in_(("pending", "sending")))
        )
        return len(rows.all())


def total(reports: list[DispatchReport], field: str) -> int:
    return sum(getattr(r, field) for r in reports)


async def run_until(
    dispatcher: OutboxDispatcher,
    bot: Bot,
    done: Callable[[], Any],
    *,
    within: float = WAIT_SECONDS,
    pause: float = 0.05,
) -> list[DispatchReport]:
    """Tick like the JobQueue would (but faster) until `await done()` is true."""
    reports: list[DispatchReport] = []
    deadline = time.monotonic() + within
    while True:
        reports.append(await dispatcher.run_once(bot))
        if await done():
            return reports
        assert time.monotonic() < deadline, f"not done after {within}s: {reports}"
        await asyncio.sleep(pause)


def until_no_open_rows(db: Database) -> Callable[[], Any]:
    async def done() -> bool:
        return await open_rows(db) == 0

    return done


def send_times(fake: FakeBotAPI, chat_id: int | None = None, ok: bool = True) -> list[float]:
    return [r.time for r in fake.requests_for("sendMessage", chat_id) if r.ok or not ok]


# -- tests ----------------------------------------------------------------------------------

# Pacing lives in the dispatcher's memory, not in the database: the timing tests run on
# SQLite only, which keeps this file's wall time down (each takes seconds by design).
TIMING_ONLY_ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_messages_arrive_in_each_recipients_language(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: Bot
) -> None:
    anna, bram = fake.user(101, "Anna", language_code="nl"), fake.user(102, "Bram")
    action = await add_action(db)
    nl_row = await add_row(db, await add_person(db, anna.id, language="nl"), action)
    en_row = await add_row(db, await add_person(db, bram.id, language="en"), action)
    dispatcher = make_dispatcher(db, i18n, clock)

    reports = await run_until(dispatcher, bot, until_no_open_rows(db))

    assert total(reports, "sent") == 2
    (english,) = bram.messages
    assert english.parse_mode == "HTML"
    assert english.text == (
        "New action in Centrum: can you help?\n\n"
        "Soep & <koffie> *_[]\n"
        "Doorstep conversations\n"
        "When: Saturday 6 December, 14:00 to 16:00\n"
        "Where: Buurthuis <De Boom> & co, Centrum\n"
        "4 volunteers needed"
    )
    assert english.buttons == [["Yes", "Maybe", "No"]]
    assert english.button_data == {
        "Yes": f"rsvp:{action.id}:y",
        "Maybe": f"rsvp:{action.id}:m",
        "No": f"rsvp:{action.id}:n",
    }
    (dutch,) = anna.messages
    assert dutch.buttons == [["Ja", "Misschien", "Nee"]]
    assert set(dutch.button_data.values()) == set(english.button_data.values())
    assert dutch.text.startswith("Nieuwe actie in Centrum: help je mee?\n\n")
    assert "Wanneer: zaterdag 6 december, van 14:00 tot 16:00" in dutch.text
    for message_id in (nl_row, en_row):
        row = await get_row(db, message_id)
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
        assert row.sent_at is not None


class SteppedTime:
    """Stands in for the `time` module in `bot.delivery.dispatcher`: `monotonic()` stands
    still until the test steps it, so a 429 pause ends when the test says, not after a
    real second (which a busy machine may spend before the next assertion)."""

    def __init__(self) -> None:
        self.now = self._start = time.monotonic()
        self._wall = time.time()

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:  # wall-clock seconds move with the stepped monotonic time
        return self._wall + (self.now - self._start)


async def test_429_pauses_sending_and_the_row_is_delivered_once_after_the_pause(
    db: Database,
    i18n: I18n,
    clock: Clock,
    fake: FakeBotAPI,
    bot: Bot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stepped = SteppedTime()
    monkeypatch.setattr(dispatcher_module, "time", stepped)
    monkeypatch.setattr(pacing_module, "time", stepped)  # the pause lives in the pacer
    users = [fake.user(200 + i) for i in range(3)]
    action = await add_action(db)
    base = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    rows = [
        await add_row(db, await add_person(db, u.id), action, due_at=base + dt.timedelta(seconds=i))
        for i, u in enumerate(users)
    ]
    fake.fail_next("sendMessage", 429, retry_after=1, chat_id=users[0].id)
    # One send at a time: nothing else is in flight when the 429 comes back, however slow
    # the machine is (the next send waits for the first one's outcome).
    dispatcher = make_dispatcher(db, i18n, clock, max_in_flight=1)

    before = clock.now()
    first = await dispatcher.run_once(bot)

    assert first.retried == 1
    assert first.held_back == 2  # the rest of the tick stays pending
    assert first.sent == 0
    assert first.paused_until is not None
    # retry_after=1 from the moment of the 429, which lies within this run_once
    one = dt.timedelta(seconds=1)
    assert before + one <= first.paused_until <= clock.now() + one
    row = await get_row(db, rows[0])
    assert (row.status, row.attempts) == ("pending", 0)  # not counted as a failed attempt
    requests_before = len(fake.requests)
    paused = await dispatcher.run_once(bot)
    assert paused.paused_until == first.paused_until
    assert len(fake.requests) == requests_before  # nothing is sent while paused

    stepped.now += 0.99
    assert (await dispatcher.run_once(bot)).paused_until == first.paused_until  # not yet
    assert len(fake.requests) == requests_before
    stepped.now += 0.01  # retry_after has passed
    await run_until(dispatcher, bot, until_no_open_rows(db))

    assert [len(u.messages) for u in users] == [1, 1, 1]  # delivered, not lost, not doubled
    attempts = fake.requests_for("sendMessage")
    assert [r.status for r in attempts] == [429, 200, 200, 200]
    assert attempts[0].chat_id == attempts[1].chat_id == users[0].id  # order kept
    assert (await get_row(db, rows[0])).attempts == 1


async def test_403_marks_blocked_and_unreachable_and_is_never_retried(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: Bot
) -> None:
    carla = fake.user(301, "Carla")
    carla.block()
    person = await add_person(db, carla.id)
    action = await add_action(db)
    call = await add_row(db, person, action)
    reminder = await add_row(
        db,
        person,
        action,
        key="reminder_24h",
        due_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )
    dispatcher = make_dispatcher(db, i18n, clock)

    report = await dispatcher.run_once(bot)

    assert report.blocked == 1
    row = await get_row(db, call)
    assert (row.status, row.last_error) == ("blocked", "Forbidden: bot was blocked by the user")
    async with db.begin() as session:
        stored = await session.get(Person, person.id)
        assert stored is not None and stored.unreachable_at is not None

    carla.unblock()
    clock.advance(2 * 3600)  # the reminder is due now; the blocked call never comes back
    later = await run_until(dispatcher, bot, until_no_open_rows(db))

    assert total(later, "cancelled") == 1
    assert (await get_row(db, reminder)).status == "cancelled"
    assert (await get_row(db, reminder)).last_error == "unreachable"
    assert (await get_row(db, call)).status == "blocked"
    assert len(fake.requests_for("sendMessage")) == 1
    assert carla.messages == []


@TIMING_ONLY_ON_SQLITE
async def test_one_chat_gets_at_most_one_message_per_second(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: Bot
) -> None:
    dirk = fake.user(401, "Dirk")
    channel = fake.channel(-100401)  # group/channel chats: at most 20 per minute, 1 per 3 s
    person = await add_person(db, dirk.id)
    group = await add_person(db, channel.id)
    base = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    actions = [await add_action(db, title=f"Actie {i}") for i in range(5)]
    rows = [
        await add_row(db, person, a, due_at=base + dt.timedelta(seconds=i))
        for i, a in enumerate(actions)
    ]
    for i in range(2):
        await add_row(db, group, actions[i], due_at=base + dt.timedelta(seconds=i))
    dispatcher = make_dispatcher(db, i18n, clock)

    first = await dispatcher.run_once(bot)

    assert first.sent == 2
    assert first.held_back == 5
    statuses = [(r.status, r.attempts) for r in [await get_row(db, i) for i in rows]]
    assert statuses == [("sent", 1)] + [("pending", 0)] * 4  # held back rows stay pending

    await run_until(dispatcher, bot, until_no_open_rows(db))

    times = send_times(fake, dirk.id)
    assert len(times) == 5
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1.0, gaps
    assert [m.text.split("\n")[2] for m in dirk.messages] == [f"Actie {i}" for i in range(5)]
    group_times = send_times(fake, channel.id)
    assert len(group_times) == 2
    assert group_times[1] - group_times[0] >= 3.0


@TIMING_ONLY_ON_SQLITE
async def test_overall_rate_is_respected_across_many_chats(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: Bot
) -> None:
    rate = 20
    action = await add_action(db)
    for i in range(60):
        user = fake.user(1000 + i)
        await add_row(db, await add_person(db, user.id), action)
    dispatcher = make_dispatcher(db, i18n, clock, rate=rate, batch=50)

    reports = await run_until(dispatcher, bot, until_no_open_rows(db))

    assert total(reports, "sent") == 60
    times = sorted(send_times(fake))
    assert len(times) == 60
    span = times[-1] - times[0]
    assert span >= (60 - 1) / rate * 0.95, span  # evenly spaced at 1/rate seconds
    # (How close to the rate it gets is a figure of the machine, not a test: see
    # benchmarks/outbox_drain.py.)
    for i, start in enumerate(times):  # no one-second window holds more than the rate
        assert sum(1 for t in times[i:] if t - start < 1.0) <= rate + 1


async def test_expired_and_no_longer_relevant_rows_are_not_sent(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: Bot, caplog: Any
) -> None:
    now = clock.now()
    users = [fake.user(500 + i) for i in range(7)]
    people = [await add_person(db, u.id) for u in users]
    stopped = await add_person(db, fake.user(510).id, stopped_at=now)
    open_action = await add_action(db)
    cancelled = await add_action(db, status="cancelled", cancelled_at=now)
    full = await add_action(db, volunteers_needed=2, confirmed_count=2)
    started = await add_action(
        db, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1)
    )
    expired = await add_row(db, people[0], open_action, not_after=now - dt.timedelta(seconds=1))
    call_cancelled = await add_row(db, people[1], cancelled)
    reminder_cancelled = await add_row(db, people[2], cancelled, key="reminder_2h")
    notice = await add_row(db, people[3], cancelled, key="action_cancelled")
    call_full = await add_row(db, people[4], full)
    call_started = await add_row(db, people[5], started)
    to_stopped = await add_row(db, stopped, open_action)
    still_fine = await add_row(db, people[6], open_action, not_after=now + dt.timedelta(hours=1))
    dispatcher = make_dispatcher(db, i18n, clock)

    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        report = await dispatcher.run_once(bot)

    assert (report.sent, report.expired, report.cancelled) == (2, 1, 5)
    expected = {
        expired: ("expired", "not_after passed"),
        call_cancelled: ("cancelled", "action cancelled"),
        reminder_cancelled: ("cancelled", "action cancelled"),
        notice: ("sent", None),
        call_full: ("cancelled", "full"),
        call_started: ("cancelled", "started"),
        to_stopped: ("cancelled", "stopped"),
        still_fine: ("sent", None),
    }
    for message_id, outcome in expected.items():
        row = await get_row(db, message_id)
        assert (row.status, row.last_error) == outcome, message_id
    assert {r.chat_id for r in fake.requests_for("sendMessage")} == {users[3].id, users[6].id}
    (cancel_notice,) = users[3].messages
    assert cancel_notice.text == (
        "Soep & <koffie> *_[] on Saturday 6 December at 14:00 is cancelled: you don't need to "
        "come. Thank you for wanting to help!"
    )
    assert cancel_notice.buttons == []
    assert "outbox: 1 messages expired unsent" in caplog.messages


async def test_a_crashed_senders_row_is_sent_after_its_lease(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: Bot
) -> None:
    eva, frank = fake.user(601), fake.user(602)
    action = await add_action(db)
    now = clock.now()
    lease_over = await add_row(
        db,
        await add_person(db, eva.id),
        action,
        status="sending",
        attempts=1,
        claimed_until=now - dt.timedelta(seconds=1),
    )
    lease_running = await add_row(
        db,
        await add_person(db, frank.id),
        action,
        status="sending",
        attempts=1,
        claimed_until=now + dt.timedelta(seconds=30),
    )
    dispatcher = make_dispatcher(db, i18n, clock)

    report = await dispatcher.run_once(bot)

    assert report.sent == 1
    assert len(eva.messages) == 1 and frank.messages == []
    assert (await get_row(db, lease_over)).attempts == 2
    assert (await get_row(db, lease_running)).status == "sending"

    clock.advance(31)
    await run_until(dispatcher, bot, until_no_open_rows(db))
    assert len(frank.messages) == 1
    assert len(eva.messages) == 1


async def test_network_errors_back_off_and_bad_requests_fail_without_stopping_others(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI
) -> None:
    users = [fake.user(700 + i) for i in range(4)]
    people = [await add_person(db, u.id) for u in users]
    action = await add_action(db)
    flaky = await add_row(db, people[0], action)
    worn_out = await add_row(db, people[1], action, attempts=4)
    bad = await add_row(db, people[2], action)
    fine = await add_row(db, people[3], action)
    fake.fail_next("sendMessage", 502, chat_id=users[0].id)
    fake.fail_next("sendMessage", 503, chat_id=users[1].id)
    fake.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=users[2].id)
    # The time-out below is made by holding the request at the server until the client gave
    # up (a gate), not by a slow answer; 2 s is only how long the client waits for it.
    dispatcher = make_dispatcher(db, i18n, clock, read_timeout=2.0)
    bot = Bot(
        fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        request=HTTPXRequest(read_timeout=2.0),
    )
    await bot.initialize()
    try:
        before = clock.now()
        first = await dispatcher.run_once(bot)

        assert (first.sent, first.retried, first.failed) == (1, 1, 2)
        row = await get_row(db, flaky)
        assert (row.status, row.attempts, row.last_error) == (
            "pending",
            1,
            "NetworkError: Bad Gateway",
        )
        # 5 s after the 1st try, which lies within that run_once
        assert (
            before + dt.timedelta(seconds=5) <= row.due_at <= clock.now() + dt.timedelta(seconds=5)
        )
        row = await get_row(db, worn_out)
        assert (row.status, row.attempts) == ("failed", 5)
        assert row.last_error == "NetworkError: Service Unavailable"
        row = await get_row(db, bad)
        assert (row.status, row.last_error) == ("failed", "Chat not found")  # PTB trims the prefix
        assert (await get_row(db, fine)).status == "sent"

        # Not due yet: nothing happens. Then a time-out on the 2nd try: 10 s back-off.
        assert (await dispatcher.run_once(bot)).retried == 0
        clock.advance(5)
        gate = fake.hold("sendMessage", [users[0].id])

        async def tried_twice() -> bool:
            return (await get_row(db, flaky)).attempts == 2

        # (the chat's one-second pace holds it a moment: the 502 was less than 1 s ago)
        before = clock.now()
        second = await run_until(dispatcher, bot, tried_twice)
        assert total(second, "retried") == 1
        row = await get_row(db, flaky)
        assert row.status == "pending"
        assert (row.attempts, row.last_error) == (2, "TimedOut: Timed out")
        ten = dt.timedelta(seconds=10)
        assert before + ten <= row.due_at <= clock.now() + ten
        assert len(gate.held) == 1  # the request is still at the server
        gate.open()  # it arrives after all (the client stopped waiting for the answer)

        clock.advance(10)
        await run_until(dispatcher, bot, until_no_open_rows(db))
        assert (await get_row(db, flaky)).status == "sent"
        # The timed-out request did reach the server, so that person got the call twice:
        # delivery is at-least-once (Telegram has no idempotency key for sendMessage).
        assert [len(u.messages) for u in users] == [2, 0, 0, 1]
    finally:
        await bot.shutdown()


class BrokenDatabase:
    """A database whose every transaction fails, with personal data in the error."""

    def begin(self) -> Any:
        raise OSError("cannot reach the database for Gijsbert (chat 801)")


async def test_job_swallows_errors_and_logs_counts_without_personal_data(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI, bot: Bot, caplog: Any
) -> None:
    gijs = fake.user(801, "Gijsbert")
    await add_row(db, await add_person(db, gijs.id), await add_action(db))
    dispatcher = make_dispatcher(db, i18n, clock)

    with caplog.at_level(logging.DEBUG, logger="bot.delivery"):
        await dispatcher.job(SimpleNamespace(bot=bot))  # type: ignore[arg-type]
        broken = OutboxDispatcher(
            db=BrokenDatabase(),  # type: ignore[arg-type]
            i18n=i18n,
            clock=clock,
            settings=settings(),
        )
        await broken.job(SimpleNamespace(bot=bot))  # type: ignore[arg-type]

    assert len(gijs.messages) == 1
    assert caplog.messages[0] == (
        "outbox: sent=1 blocked=0 failed=0 expired=0 cancelled=0 retried=0"
    )
    assert caplog.messages[1].startswith("outbox tick failed: OSError at ")
    assert all(record.exc_info is None for record in caplog.records)  # no tracebacks
    log = "\n".join(caplog.messages)
    for secret in ("Gijsbert", "Naam801", "801", fake.token, "Soep", "koffie"):
        assert secret not in log


async def test_job_ticks_under_the_real_jobqueue(
    db: Database, i18n: I18n, clock: Clock, fake: FakeBotAPI
) -> None:
    hanna = fake.user(901)
    await add_row(db, await add_person(db, hanna.id), await add_action(db))
    dispatcher = make_dispatcher(db, i18n, clock)
    application = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        dispatcher.job, interval=0.2, first=0.1, name="outbox-dispatcher"
    )
    async with application:
        await application.start()
        try:
            message = await hanna.wait_for("New action in Centrum")
        finally:
            await application.stop()

    assert message.buttons == [["Yes", "Maybe", "No"]]
    assert await open_rows(db) == 0
