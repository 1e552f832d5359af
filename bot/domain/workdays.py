"""Working days: Monday-Friday except public holidays (the `holidays` package, country NL
by default), on the Europe/Amsterdam wall clock. Shared by coupling (re-raised help
requests after 2 working days) and signals (re-raised after 5 working days)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@lru_cache(maxsize=8)
def _calendar(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)


def is_working_day(day: dt.date, country: str = "NL") -> bool:
    """True for Monday-Friday that is not a public holiday of `country` (e.g. Koningsdag,
    Tweede Kerstdag, Hemelvaartsdag for NL)."""
    return day.weekday() < 5 and day not in _calendar(country)


def add_working_days(
    start: dt.datetime, days: int, *, country: str = "NL", tz: ZoneInfo = AMSTERDAM
) -> dt.datetime:
    """The moment `days` working days after `start` (aware UTC in, aware UTC out): step one
    calendar day at a time on the local wall clock, counting only working days, keeping the
    local time of day. Friday 10:00 + 2 -> Tuesday 10:00; Saturday 10:00 + 2 -> Tuesday 10:00.
    """
    local = start.astimezone(tz)
    day = local.date()
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, country):
            counted += 1
    return dt.datetime.combine(day, local.time(), tz).astimezone(dt.UTC)
