"""The quiet-hours rule (bot.domain.quiet_hours), in numbers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain.quiet_hours import parse

AMS = ZoneInfo("Europe/Amsterdam")


def test_both_spellings_and_off() -> None:
    assert parse("21-8", AMS) == parse("21:00-08:00", AMS)
    assert parse("off", AMS) is None and parse("", AMS) is None
    for bad in ("21", "8-8", "25-8", "21:60-08:00"):
        with pytest.raises(ValueError):
            parse(bad, AMS)


def test_held_until_08_00_on_the_wall_clock_also_across_the_clock_change() -> None:
    quiet = parse("21-8", AMS)
    assert quiet is not None
    # the night of the October change (Sunday 26 October 2031 03:00 -> 02:00)
    night = dt.datetime(2031, 10, 25, 23, 30, tzinfo=AMS)
    held = quiet.hold_until(waits=True, action_starts_at=None, now=night)
    assert held is not None and held.astimezone(AMS).replace(tzinfo=None) == dt.datetime(
        2031, 10, 26, 8, 0
    )
    assert quiet.hold_until(waits=False, action_starts_at=None, now=night) is None
    # about an action that starts before 10:00 that morning: at once
    early = dt.datetime(2031, 10, 26, 9, 30, tzinfo=AMS)
    assert quiet.hold_until(waits=True, action_starts_at=early, now=night) is None
    later = dt.datetime(2031, 10, 26, 10, 0, tzinfo=AMS)
    assert quiet.hold_until(waits=True, action_starts_at=later, now=night) == held
    # 08:00 itself is no longer quiet
    morning = dt.datetime(2031, 10, 26, 8, 0, tzinfo=AMS)
    assert quiet.hold_until(waits=True, action_starts_at=None, now=morning) is None
