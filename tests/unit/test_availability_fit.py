"""Day parts of an action (`bot.domain.tasks.day_parts_of`), whether weekly availability fits
it (`bot.domain.availability.fits`), and pauses (`is_paused`, `set_pause`).

Day parts on the Amsterdam wall clock: morning 08-12, afternoon 12-17, evening 17-22.
Weekday 0 = Monday. 2027-05-08 is a Saturday (CEST, UTC+2).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain.availability import fits, is_paused, set_pause
from bot.domain.errors import InvalidInput
from bot.domain.tasks import day_parts_of
from storage.models import Person

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
SAT, SUN, MON, FRI = 5, 6, 0, 4

ALL_WEEK = {(d, p) for d in range(7) for p in ("morning", "afternoon", "evening")}


def local(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS, fold=fold)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


# --- day_parts_of --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(
            local(2027, 5, 8, 14), local(2027, 5, 8, 17), {(SAT, "afternoon")}, id="sat-14-17"
        ),
        pytest.param(
            local(2027, 5, 8, 11),
            local(2027, 5, 8, 13),
            {(SAT, "morning"), (SAT, "afternoon")},
            id="sat-11-13",
        ),
        pytest.param(
            local(2027, 5, 8, 12), local(2027, 5, 8, 17), {(SAT, "afternoon")}, id="exact-part"
        ),
        pytest.param(
            local(2027, 5, 8, 7), local(2027, 5, 8, 8), set(), id="ends-when-morning-starts"
        ),
        pytest.param(
            local(2027, 5, 8, 7, 59),
            local(2027, 5, 8, 8, 1),
            {(SAT, "morning")},
            id="two-minutes-into-morning",
        ),
        pytest.param(
            local(2027, 5, 8, 16, 30),
            local(2027, 5, 8, 17, 30),
            {(SAT, "afternoon"), (SAT, "evening")},
            id="across-17h",
        ),
        pytest.param(
            local(2027, 5, 8, 9),
            local(2027, 5, 8, 21),
            {(SAT, "morning"), (SAT, "afternoon"), (SAT, "evening")},
            id="whole-day",
        ),
        pytest.param(local(2027, 5, 8, 22, 30), local(2027, 5, 8, 23, 30), set(), id="22h30"),
        pytest.param(
            local(2027, 5, 7, 21), local(2027, 5, 8, 1), {(FRI, "evening")}, id="fri-21-to-01"
        ),
        pytest.param(
            local(2027, 5, 7, 21),
            local(2027, 5, 8, 9),
            {(FRI, "evening"), (SAT, "morning")},
            id="fri-21-to-sat-09",
        ),
        pytest.param(
            local(2027, 5, 9, 20),
            local(2027, 5, 10, 8, 30),
            {(SUN, "evening"), (MON, "morning")},
            id="sun-to-mon-wraps-weekday",
        ),
        pytest.param(local(2027, 5, 8, 23), local(2027, 5, 9, 2), set(), id="night-only"),
    ],
)
def test_day_parts_of(start: dt.datetime, end: dt.datetime, expected: set[tuple[int, str]]) -> None:
    assert day_parts_of(start, end) == expected


@pytest.mark.parametrize("minutes", [0, -30])
def test_day_parts_of_refuses_end_not_after_start(minutes: int) -> None:
    start = local(2027, 5, 8, 14)
    with pytest.raises(ValueError, match="end must be after start"):
        day_parts_of(start, start + dt.timedelta(minutes=minutes))


# --- fits ----------------------------------------------------------------------------------


def test_saturday_afternoon_needs_only_saturday_afternoon() -> None:
    # Saturday 8 May 2027 14:00-17:00 CEST = 12:00-15:00 UTC
    starts, ends = utc(2027, 5, 8, 12), utc(2027, 5, 8, 15)

    assert fits({(SAT, "afternoon")}, starts, ends, AMS) is True
    assert fits({(SAT, "afternoon"), (MON, "morning")}, starts, ends, AMS) is True
    assert fits({(SAT, "morning"), (SAT, "evening")}, starts, ends, AMS) is False
    assert fits({(SUN, "afternoon")}, starts, ends, AMS) is False
    assert fits(set(), starts, ends, AMS) is False


def test_eleven_to_one_needs_morning_and_afternoon() -> None:
    # Saturday 11:00-13:00 CEST = 09:00-11:00 UTC
    starts, ends = utc(2027, 5, 8, 9), utc(2027, 5, 8, 11)

    assert fits({(SAT, "morning"), (SAT, "afternoon")}, starts, ends, AMS) is True
    assert fits({(SAT, "morning")}, starts, ends, AMS) is False
    assert fits({(SAT, "afternoon")}, starts, ends, AMS) is False


def test_action_at_half_past_ten_at_night_fits_nobody() -> None:
    # Saturday 22:30-23:30 CEST = 20:30-21:30 UTC: outside every day part.
    assert fits(ALL_WEEK, utc(2027, 5, 8, 20, 30), utc(2027, 5, 8, 21, 30), AMS) is False


def test_across_midnight_needs_both_days() -> None:
    # Friday 21:00 CEST - Saturday 09:00 CEST = Friday 19:00 - Saturday 07:00 UTC
    starts, ends = utc(2027, 5, 7, 19), utc(2027, 5, 8, 7)

    assert fits({(FRI, "evening"), (SAT, "morning")}, starts, ends, AMS) is True
    assert fits({(FRI, "evening")}, starts, ends, AMS) is False
    assert fits({(SAT, "morning")}, starts, ends, AMS) is False


def test_day_parts_are_read_on_the_local_clock_not_utc() -> None:
    # Saturday 19:00-20:00 UTC = 21:00-22:00 CEST: evening.
    assert fits({(SAT, "evening")}, utc(2027, 5, 8, 19), utc(2027, 5, 8, 20), AMS) is True
    # Saturday 20:00-21:00 UTC is "evening" in UTC but 22:00-23:00 CEST locally: no part.
    assert fits({(SAT, "evening")}, utc(2027, 5, 8, 20), utc(2027, 5, 8, 21), AMS) is False
    # Saturday 23:00 UTC - Sunday 07:00 UTC = Sunday 01:00-09:00 CEST: Sunday morning only.
    assert fits({(SUN, "morning")}, utc(2027, 5, 8, 23), utc(2027, 5, 9, 7), AMS) is True
    assert fits({(SAT, "evening")}, utc(2027, 5, 8, 23), utc(2027, 5, 9, 7), AMS) is False


def test_winter_uses_utc_plus_one() -> None:
    # Saturday 4 December 2027 11:30-12:00 CET = 10:30-11:00 UTC: morning only.
    starts, ends = utc(2027, 12, 4, 10, 30), utc(2027, 12, 4, 11)
    assert fits({(SAT, "morning")}, starts, ends, AMS) is True
    assert fits({(SAT, "afternoon")}, starts, ends, AMS) is False


def test_spring_forward_day_uses_summer_offset_after_the_change() -> None:
    # Sunday 28 March 2027 10:00-11:00 UTC = 12:00-13:00 CEST: afternoon (with the winter
    # offset it would wrongly be 11:00-12:00, morning).
    starts, ends = utc(2027, 3, 28, 10), utc(2027, 3, 28, 11)
    assert day_parts_of(starts.astimezone(AMS), ends.astimezone(AMS)) == {(SUN, "afternoon")}
    assert fits({(SUN, "afternoon")}, starts, ends, AMS) is True
    assert fits({(SUN, "morning")}, starts, ends, AMS) is False


def test_spring_forward_night_across_the_gap_needs_no_day_part() -> None:
    # 00:30-02:30 UTC = 01:30 CET - 04:30 CEST: spans the missing hour, no day part.
    assert fits(ALL_WEEK, utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 2, 30), AMS) is False
    # 05:30-06:30 UTC = 07:30-08:30 CEST: overlaps the morning.
    assert fits({(SUN, "morning")}, utc(2027, 3, 28, 5, 30), utc(2027, 3, 28, 6, 30), AMS)


def test_fall_back_day_uses_winter_offset_after_the_change() -> None:
    # Sunday 31 October 2027 10:30-11:00 UTC = 11:30-12:00 CET: morning only (with the summer
    # offset it would wrongly be 12:30-13:00, afternoon).
    starts, ends = utc(2027, 10, 31, 10, 30), utc(2027, 10, 31, 11)
    assert fits({(SUN, "morning")}, starts, ends, AMS) is True
    assert fits({(SUN, "afternoon")}, starts, ends, AMS) is False


def test_fall_back_action_spanning_the_whole_night_and_morning() -> None:
    # 30 Oct 23:00 UTC (31 Oct 01:00 CEST) to 31 Oct 08:00 UTC (09:00 CET): 10 real hours,
    # touches only Sunday morning.
    starts, ends = utc(2027, 10, 30, 23), utc(2027, 10, 31, 8)
    assert fits({(SUN, "morning")}, starts, ends, AMS) is True
    assert fits({(SAT, "evening")}, starts, ends, AMS) is False


def test_action_in_the_repeated_october_hour_does_not_crash_fits() -> None:
    # 00:45-01:00 UTC on 31 Oct 2027 = 02:45 CEST - 02:00 CET: 15 real minutes although the
    # wall clock goes backwards (regression: day_parts_of compared wall clocks and raised).
    starts, ends = utc(2027, 10, 31, 0, 45), utc(2027, 10, 31, 1, 0)
    assert day_parts_of(starts.astimezone(AMS), ends.astimezone(AMS)) == set()
    assert fits(ALL_WEEK, starts, ends, AMS) is False


def test_day_parts_of_refuses_an_interval_that_goes_back_in_real_time() -> None:
    # 02:15 CET (01:15 UTC) -> 02:45 CEST (00:45 UTC): later on the wall clock, earlier in time.
    with pytest.raises(ValueError, match="end must be after start"):
        day_parts_of(local(2027, 10, 31, 2, 15, fold=1), local(2027, 10, 31, 2, 45, fold=0))


# --- pauses --------------------------------------------------------------------------------

TODAY = dt.date(2027, 5, 3)


def test_is_paused_until_and_including_the_day() -> None:
    person = Person(paused_until=dt.date(2027, 5, 10))

    assert is_paused(person, dt.date(2027, 5, 9)) is True
    assert is_paused(person, dt.date(2027, 5, 10)) is True
    assert is_paused(person, dt.date(2027, 5, 11)) is False


def test_not_paused_without_a_date() -> None:
    assert is_paused(Person(paused_until=None), TODAY) is False


@pytest.mark.parametrize(
    "until",
    [TODAY, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=366)],
    ids=["today", "tomorrow", "366-days"],
)
def test_set_pause_accepts_today_up_to_366_days(until: dt.date) -> None:
    person = Person(paused_until=None)
    set_pause(person=person, until=until, today=TODAY)
    assert person.paused_until == until


@pytest.mark.parametrize(
    "until",
    [TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=367), dt.date(2000, 1, 1)],
    ids=["yesterday", "367-days", "long-ago"],
)
def test_set_pause_refuses_out_of_range(until: dt.date) -> None:
    person = Person(paused_until=dt.date(2027, 5, 5))
    with pytest.raises(InvalidInput) as info:
        set_pause(person=person, until=until, today=TODAY)
    assert info.value.field == "pause_until"
    assert person.paused_until == dt.date(2027, 5, 5)


def test_set_pause_none_resumes() -> None:
    person = Person(paused_until=dt.date(2027, 5, 5))
    set_pause(person=person, until=None, today=TODAY)
    assert person.paused_until is None
    assert is_paused(person, TODAY) is False
