"""`bot.domain.reminders.reminder_times` around the clock changes of 2027 in Europe/Amsterdam.

2027: summer time starts Sunday 28 March (02:00 CET -> 03:00 CEST, 01:00 UTC) and ends
Sunday 31 October (03:00 CEST -> 02:00 CET, 01:00 UTC). Every expected value is written as
an exact UTC time; the local wall-clock time is in the comment next to it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain.reminders import REMINDER_KEYS, reminder_times

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def local(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS, fold=fold)


@pytest.mark.parametrize(
    ("starts_at", "remind_24h", "remind_2h", "real_hours_24h"),
    [
        pytest.param(
            # Sunday 28 March 2027 10:00 CEST (the day summer time starts)
            utc(2027, 3, 28, 8, 0),
            utc(2027, 3, 27, 9, 0),  # Saturday 10:00 CET: only 23 real hours before
            utc(2027, 3, 28, 6, 0),  # Sunday 08:00 CEST
            23,
            id="sun-28-march-spring-forward",
        ),
        pytest.param(
            # Monday 29 March 2027 10:00 CEST
            utc(2027, 3, 29, 8, 0),
            utc(2027, 3, 28, 8, 0),  # Sunday 10:00 CEST
            utc(2027, 3, 29, 6, 0),  # Monday 08:00 CEST
            24,
            id="mon-29-march-after-change",
        ),
        pytest.param(
            # Saturday 27 March 2027 10:00 CET (the day before the change): nothing special
            utc(2027, 3, 27, 9, 0),
            utc(2027, 3, 26, 9, 0),  # Friday 10:00 CET
            utc(2027, 3, 27, 7, 0),  # Saturday 08:00 CET
            24,
            id="sat-27-march-before-change",
        ),
        pytest.param(
            # Sunday 31 October 2027 10:00 CET (the day summer time ends)
            utc(2027, 10, 31, 9, 0),
            utc(2027, 10, 30, 8, 0),  # Saturday 10:00 CEST: 25 real hours before
            utc(2027, 10, 31, 7, 0),  # Sunday 08:00 CET
            25,
            id="sun-31-october-fall-back",
        ),
        pytest.param(
            # Monday 1 November 2027 10:00 CET
            utc(2027, 11, 1, 9, 0),
            utc(2027, 10, 31, 9, 0),  # Sunday 10:00 CET
            utc(2027, 11, 1, 7, 0),  # Monday 08:00 CET
            24,
            id="mon-1-november-after-change",
        ),
    ],
)
def test_reminders_keep_the_wall_clock_time_across_clock_changes(
    starts_at: dt.datetime,
    remind_24h: dt.datetime,
    remind_2h: dt.datetime,
    real_hours_24h: int,
) -> None:
    times = reminder_times(starts_at, AMS)

    assert times == {"reminder_24h": remind_24h, "reminder_2h": remind_2h}
    assert tuple(times) == REMINDER_KEYS
    # Same wall-clock time the day before, 10:00 local in every case above.
    assert times["reminder_24h"].astimezone(AMS).time() == starts_at.astimezone(AMS).time()
    assert starts_at - times["reminder_24h"] == dt.timedelta(hours=real_hours_24h)
    for value in times.values():
        assert value.utcoffset() == dt.timedelta(0)


def test_an_aware_start_in_another_zone_gives_the_same_utc_times() -> None:
    as_utc = reminder_times(utc(2027, 3, 28, 8, 0), AMS)
    as_local = reminder_times(local(2027, 3, 28, 10, 0), AMS)
    as_new_york = reminder_times(
        utc(2027, 3, 28, 8, 0).astimezone(ZoneInfo("America/New_York")), AMS
    )

    assert as_utc == as_local == as_new_york
    assert as_local["reminder_24h"] == utc(2027, 3, 27, 9, 0)


def test_naive_start_raises_value_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        reminder_times(dt.datetime(2027, 3, 28, 10, 0), AMS)


# --- what happens when a reminder's wall-clock time does not exist or exists twice ---------
# Documented behaviour (reminders.py, `_wall_clock_minus`): the wall-clock time is attached
# with fold=0, so a time in the spring-forward gap uses the offset from before the change
# (CET) and a time in the repeated autumn hour is its first occurrence (CEST). The "2 hours
# before" reminder is 2 hours on the wall clock, so across a change it is 1 or 3 real hours.


def test_action_at_0330_on_28_march_2h_reminder_is_one_real_hour_before() -> None:
    # 03:30 CEST = 01:30 UTC. Two hours earlier on the wall clock is 01:30, still CET
    # (00:30 UTC): the clock jumped in between, so only ONE real hour before the start.
    starts_at = local(2027, 3, 28, 3, 30)
    assert starts_at.astimezone(UTC) == utc(2027, 3, 28, 1, 30)

    times = reminder_times(starts_at, AMS)

    assert times == {
        "reminder_24h": utc(2027, 3, 27, 2, 30),  # Saturday 03:30 CET
        "reminder_2h": utc(2027, 3, 28, 0, 30),  # Sunday 01:30 CET
    }
    assert starts_at - times["reminder_2h"] == dt.timedelta(hours=1)


def test_2h_reminder_in_the_0200_0300_gap_is_sent_at_0330_cest() -> None:
    # Action 04:30 CEST (02:30 UTC): 2 hours earlier on the wall clock is 02:30, which does
    # not exist on 28 March. fold=0 reads it with the CET offset: 01:30 UTC = 03:30 CEST,
    # one hour later on the wall clock than asked and one real hour before the start.
    starts_at = utc(2027, 3, 28, 2, 30)

    times = reminder_times(starts_at, AMS)

    assert times == {
        "reminder_24h": utc(2027, 3, 27, 3, 30),  # Saturday 04:30 CET
        "reminder_2h": utc(2027, 3, 28, 1, 30),  # Sunday 03:30 CEST
    }
    assert times["reminder_2h"].astimezone(AMS).replace(tzinfo=None) == dt.datetime(
        2027, 3, 28, 3, 30
    )
    assert times["reminder_2h"] < starts_at


def test_24h_reminder_in_the_gap_lands_one_hour_later_on_the_wall_clock() -> None:
    # Monday 29 March 02:30 CEST (00:30 UTC): "Sunday 02:30" does not exist -> 01:30 UTC
    # (Sunday 03:30 CEST), 23 real hours before.
    times = reminder_times(utc(2027, 3, 29, 0, 30), AMS)

    assert times == {
        "reminder_24h": utc(2027, 3, 28, 1, 30),
        "reminder_2h": utc(2027, 3, 28, 22, 30),  # Monday 00:30 CEST
    }


def test_2h_reminder_in_the_repeated_october_hour_takes_the_first_occurrence() -> None:
    # Action Sunday 31 October 04:30 CET (03:30 UTC): 02:30 happens twice that night; fold=0
    # takes the first (CEST, 00:30 UTC), three real hours before the start.
    starts_at = utc(2027, 10, 31, 3, 30)

    times = reminder_times(starts_at, AMS)

    assert times == {
        "reminder_24h": utc(2027, 10, 30, 2, 30),  # Saturday 04:30 CEST
        "reminder_2h": utc(2027, 10, 31, 0, 30),  # Sunday 02:30 CEST (first 02:30)
    }
    assert starts_at - times["reminder_2h"] == dt.timedelta(hours=3)
