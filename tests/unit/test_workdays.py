"""Working days (bot.domain.workdays): Monday-Friday except Dutch public holidays, on the
Amsterdam wall clock; the rule behind re-raised help requests (2 days) and signals (5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.domain import workdays
from bot.domain.coupling import workdays as coupling_workdays

AMS = ZoneInfo("Europe/Amsterdam")


def test_christmas_and_koningsdag_are_not_working_days() -> None:
    assert not workdays.is_working_day(dt.date(2026, 12, 25))  # Eerste Kerstdag, a Friday
    assert not workdays.is_working_day(dt.date(2027, 4, 27))  # Koningsdag, a Tuesday
    assert not workdays.is_working_day(dt.date(2026, 12, 26))  # a Saturday
    assert workdays.is_working_day(dt.date(2026, 12, 24))
    assert workdays.is_working_day(dt.date(2027, 4, 26))


def test_five_working_days_skip_the_weekend_and_the_holiday() -> None:
    monday = dt.datetime(2026, 12, 21, 10, 0, tzinfo=AMS)
    due = workdays.add_working_days(monday.astimezone(dt.UTC), 5)
    # 22, 23, 24, (25 Christmas, weekend), 28, 29 December: Tuesday 29 December, 10:00.
    assert due == dt.datetime(2026, 12, 29, 10, 0, tzinfo=AMS).astimezone(dt.UTC)
    friday = dt.datetime(2027, 4, 23, 10, 0, tzinfo=AMS)
    # 26, (27 Koningsdag), 28, 29, 30 April, 3 May.
    assert workdays.add_working_days(friday.astimezone(dt.UTC), 5) == dt.datetime(
        2027, 5, 3, 10, 0, tzinfo=AMS
    ).astimezone(dt.UTC)


def test_the_old_coupling_name_is_the_same_rule() -> None:
    assert coupling_workdays.add_working_days is workdays.add_working_days
