"""/kennismaking's one-line form: couple number, day-month[-year], time, place."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.handlers.couples import _parse_meeting

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 11, 30)


def test_a_date_without_year_is_the_next_one_and_times_are_amsterdam_wall_clock() -> None:
    assert _parse_meeting("12 4-12 14:00 Buurthuis De Koe", AMS, TODAY) == (
        12,
        dt.datetime(2026, 12, 4, 13, 0, tzinfo=dt.UTC),
        "Buurthuis De Koe",
    )
    assert _parse_meeting("3 5-1 9.30 Bij de bieb", AMS, TODAY) == (
        3,
        dt.datetime(2027, 1, 5, 8, 30, tzinfo=dt.UTC),
        "Bij de bieb",
    )
    assert _parse_meeting("3 1-7-2027 10:00 Park", AMS, TODAY) == (
        3,
        dt.datetime(2027, 7, 1, 8, 0, tzinfo=dt.UTC),
        "Park",
    )


def test_anything_else_does_not_parse() -> None:
    for text in ("", "morgen", "12 31-2 14:00 Hier", "12 4-12 25:00 Hier", "12 4-12 14:00"):
        assert _parse_meeting(text, AMS, TODAY) is None
