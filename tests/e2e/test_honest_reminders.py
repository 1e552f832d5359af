"""The reply to Ja says which reminders will come (issue 7 item 9), and the rule behind
it (`bot.domain.reminders.reminder_plan`) also decides about a reminder missed while the
bot was down. Real Application, fake Bot API, both databases; English and Dutch.

Clock: Monday 1 December 2031, 10:00 in Amsterdam.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain.quiet_hours import parse
from bot.domain.reminders import reminder_plan
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person
from storage.models import OutboxMessage, Person
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
MONDAY_NOON = dt.datetime(2031, 12, 1, 12, 0, tzinfo=AMS)
ALWAYS = [(d, p) for d in range(7) for p in ("morning", "afternoon", "evening")]


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _people(bot: BotUnderTest, fake: FakeBotAPI) -> tuple[FakeUser, FakeUser]:
    coord = fake.user(2001, "Carla", language_code="en")
    await add_person(bot, coord, role="coordinator", area="Centrum", language="en")
    vera = fake.user(4001, "Vera", language_code="en")
    wim = fake.user(4002, "Wim", language_code="nl")
    await add_person(bot, vera, role="volunteer", area="Jordaan", language="en", slots=ALWAYS)
    await add_person(bot, wim, role="volunteer", area="Jordaan", language="nl", slots=ALWAYS)
    return vera, wim


async def _plan(bot: BotUnderTest, title: str, starts: dt.datetime) -> int:
    async with bot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        action, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            area="Jordaan",
            title=title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            needed=4,
            now=bot.clock.now(),
            second_wave_delay=dt.timedelta(0),  # a night action fits nobody's day parts
        )
        return action.id


async def _yes(user: FakeUser, title: str, yes: str, answer: str) -> str:
    call = await user.wait_for(title)
    mark = user.mark()
    await user.press(yes, message_id=call.message_id)
    shown = await user.wait_for(answer, after=mark)
    return shown.text.rsplit("\n", 1)[1]


async def test_the_reply_to_yes_states_the_reminders(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera, wim = await _people(wijkbot, fake)
    # Wednesday 14:00: the day-before reminder is tomorrow at 14:00
    await _plan(wijkbot, "Woensdag", dt.datetime(2031, 12, 3, 14, 0, tzinfo=AMS))
    assert await _yes(vera, "Woensdag", "Yes", "Your answer: Yes") == (
        "You will get a reminder tomorrow at 14:00 and 2 hours before the start."
    )
    assert await _yes(wim, "Woensdag", "Ja", "Je antwoord: Ja") == (
        "Je krijgt morgen om 14:00 en 2 uur van tevoren een herinnering."
    )
    # today 11:30: 90 minutes away, no reminder at all
    await _plan(wijkbot, "Straks", dt.datetime(2031, 12, 1, 11, 30, tzinfo=AMS))
    assert await _yes(vera, "Straks", "Yes", "Your answer: Yes") == (
        "The action starts in 90 minutes, so you will not get a reminder."
    )
    assert await _yes(wim, "Straks", "Ja", "Je antwoord: Ja") == (
        "De actie begint al over 90 minuten, je krijgt geen herinnering meer."
    )
    # Tuesday 09:00, Ja on Monday 10:00: the day-before reminder (due Monday 09:00) still
    # comes, at once, because it is still the day before and more than 3 hours before
    await _plan(wijkbot, "Dinsdag", dt.datetime(2031, 12, 2, 9, 0, tzinfo=AMS))
    mark = vera.mark()
    assert await _yes(vera, "Dinsdag", "Yes", "Your answer: Yes") == (
        "You will get a reminder right away and 2 hours before the start."
    )
    reminder = await vera.wait_for("Reminder: tomorrow you help at this action.", after=mark)
    assert "Dinsdag" in reminder.text
    assert await _yes(wim, "Dinsdag", "Ja", "Je antwoord: Ja") == (
        "Je krijgt meteen en 2 uur van tevoren een herinnering."
    )
    await wim.wait_for("Herinnering: morgen help je bij deze actie.")
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        keys = (
            await session.scalars(
                select(OutboxMessage.message_key)
                .where(OutboxMessage.message_key.like("reminder%"))
                .order_by(OutboxMessage.id)
            )
        ).all()
    # Woensdag: 24h + 2h for each; Straks: none; Dinsdag: 24h (sent) + 2h for each
    assert sorted(keys) == ["reminder_24h"] * 4 + ["reminder_2h"] * 4


async def test_a_reminder_missed_while_down_follows_the_same_rule(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    vera, _ = await _people(wijkbot, fake)
    await _plan(wijkbot, "Woensdag", dt.datetime(2031, 12, 3, 9, 0, tzinfo=AMS))
    await _yes(vera, "Woensdag", "Yes", "Your answer: Yes")
    await _plan(wijkbot, "Laat", dt.datetime(2031, 12, 3, 1, 30, tzinfo=AMS))
    await _yes(vera, "Laat", "Yes", "Your answer: Yes")
    mark = vera.mark()
    await wijkbot.stop()
    # down from Monday 10:00 to Tuesday 23:00: both day-before reminders were missed
    clock.set(dt.datetime(2031, 12, 2, 23, 0, tzinfo=AMS))
    await wijkbot.start()
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        rows = await session.execute(
            select(OutboxMessage.message_key, OutboxMessage.status, OutboxMessage.last_error)
            .where(OutboxMessage.message_key == "reminder_24h")
            .order_by(OutboxMessage.id)
        )
        # Woensdag 09:00: still the day before and 10 hours off: sent late.
        # Laat 01:30: the day before, but only 2.5 hours off: dropped.
        assert rows.all() == [
            ("reminder_24h", "sent", None),
            ("reminder_24h", "expired", "not_after passed"),
        ]
    late = [m.text for m in vera.messages_after(mark) if m.text.startswith("Reminder")]
    assert len(late) == 1 and "Woensdag" in late[0]


def test_reminder_plan_rule() -> None:
    """The rule in numbers (UTC in, UTC out)."""
    starts = dt.datetime(2031, 12, 2, 9, 0, tzinfo=AMS)
    monday = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
    plan = reminder_plan(starts_at=starts, now=monday, tz=AMS)
    assert [(p.kind, p.due_at.astimezone(AMS).hour, p.late) for p in plan] == [
        ("reminder_24h", 10, True),
        ("reminder_2h", 7, False),
    ]
    # Monday 21:00 for Tuesday 00:30: the day before, but less than 3 hours: no 24h
    plan = reminder_plan(
        starts_at=dt.datetime(2031, 12, 2, 0, 30, tzinfo=AMS),
        now=dt.datetime(2031, 12, 1, 22, 0, tzinfo=AMS),
        tz=AMS,
    )
    assert [p.kind for p in plan] == ["reminder_2h"]
    # on the action's day itself no day-before reminder either
    plan = reminder_plan(
        starts_at=dt.datetime(2031, 12, 2, 18, 0, tzinfo=AMS),
        now=dt.datetime(2031, 12, 2, 8, 0, tzinfo=AMS),
        tz=AMS,
    )
    assert [p.kind for p in plan] == ["reminder_2h"]


def test_reminder_plan_keeps_to_quiet_hours() -> None:
    """What quiet hours (21-8) would hold is planned for 08:00, or left out (and so not
    promised) when 08:00 is too late for it."""
    quiet = parse("21-8", AMS)
    # Ja on Monday 22:00 for Tuesday 11:00: "right away" would wait until 08:00, past the
    # day before: no day-before reminder; the 2-hour one at 09:00
    plan = reminder_plan(
        starts_at=dt.datetime(2031, 12, 2, 11, 0, tzinfo=AMS),
        now=dt.datetime(2031, 12, 1, 22, 0, tzinfo=AMS),
        tz=AMS,
        quiet=quiet,
    )
    assert [(p.kind, p.due_at.astimezone(AMS).hour) for p in plan] == [("reminder_2h", 9)]
    # Wednesday 07:00: the day-before reminder (Tuesday 07:00) comes at 08:00
    plan = reminder_plan(
        starts_at=dt.datetime(2031, 12, 3, 7, 0, tzinfo=AMS), now=MONDAY_NOON, tz=AMS, quiet=quiet
    )
    assert [(p.kind, p.due_at.astimezone(AMS).hour) for p in plan] == [
        ("reminder_24h", 8),
        ("reminder_2h", 5),  # the action starts before 10:00: at once, also at night
    ]
