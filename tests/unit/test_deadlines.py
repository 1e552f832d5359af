"""Answer deadlines skip the night's quiet hours (issue 6 §2)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.coupling.deadlines import AMSTERDAM, awake_after
from bot.domain.quiet_hours import parse


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMSTERDAM).astimezone(dt.UTC)


def test_48_awake_hours_from_a_monday_evening() -> None:
    # Mon 21:00: 1 h to 22:00, then 14 h a day (08-22): Tue 14, Wed 14, Thu 14 = 43, +5 -> Fri 13:00
    due = awake_after(local(2026, 11, 30, 21, 0), dt.timedelta(hours=48))
    assert due == local(2026, 12, 4, 13, 0)


def test_a_start_in_the_night_counts_from_eight() -> None:
    assert awake_after(local(2026, 12, 1, 3, 30), dt.timedelta(hours=2)) == local(
        2026, 12, 1, 10, 0
    )


def test_minutes_and_the_clock_change() -> None:
    assert awake_after(local(2026, 12, 1, 21, 45), dt.timedelta(minutes=30)) == local(
        2026, 12, 2, 8, 15
    )
    # Sunday 25 October 2026 the clocks go back an hour (at 03:00, in the quiet hours).
    assert awake_after(local(2026, 10, 24, 21, 0), dt.timedelta(hours=2)) == local(
        2026, 10, 25, 9, 0
    )


def test_parse_quiet_hours() -> None:
    quiet = parse("22:00-08:00", AMSTERDAM)
    assert quiet is not None and (quiet.start, quiet.end) == (dt.time(22), dt.time(8))
    with pytest.raises(ValueError):
        parse("22:00-22:00", AMSTERDAM)
