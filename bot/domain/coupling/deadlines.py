"""Answer deadlines that do not count the night (issue 6 §2: "no answer within 48 hours;
hours in the night's quiet hours don't count").

`awake_after(start, duration)` walks the Europe/Amsterdam wall clock and counts only the
hours outside the quiet hours (default 22:00-08:00, setting `QUIET_HOURS`): 14 awake hours
a day, so 48 hours from Monday 21:00 end on Friday 13:00. Pure functions; times are aware
UTC in and out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_QUIET = (dt.time(22, 0), dt.time(8, 0))
_STEP = dt.timedelta(minutes=1)


def parse_quiet_hours(text: str) -> tuple[dt.time, dt.time]:
    """'22:00-08:00' -> (22:00, 08:00). Raises `ValueError` for another form or an empty
    span (start equal to end)."""
    start_text, end_text = text.strip().split("-")
    start, end = dt.time.fromisoformat(start_text), dt.time.fromisoformat(end_text)
    if start == end:
        raise ValueError("quiet hours: start and end are the same")
    return start, end


def is_quiet(local: dt.datetime, quiet: tuple[dt.time, dt.time]) -> bool:
    """True when the local wall-clock time lies in [start, end) (which may wrap midnight)."""
    start, end = quiet
    now = local.time()
    return start <= now < end if start < end else now >= start or now < end


def awake_after(
    start: dt.datetime,
    duration: dt.timedelta,
    *,
    quiet: tuple[dt.time, dt.time] = DEFAULT_QUIET,
    tz: ZoneInfo = AMSTERDAM,
) -> dt.datetime:
    """The moment `duration` of awake (not quiet) time has passed since `start` (aware UTC),
    to the minute. Walks in whole hours where possible, minutes near the edges."""
    left = duration
    now = start
    while left > dt.timedelta(0):
        local = now.astimezone(tz)
        step = _STEP if left < dt.timedelta(hours=1) or local.minute else dt.timedelta(hours=1)
        if step == dt.timedelta(hours=1) and (
            is_quiet(local, quiet) != is_quiet((now + step - _STEP).astimezone(tz), quiet)
        ):
            step = _STEP
        if not is_quiet(local, quiet):
            left -= step
        now += step
    return now


def awake_clock(
    quiet: tuple[dt.time, dt.time], tz: ZoneInfo = AMSTERDAM
) -> Callable[[dt.datetime, dt.timedelta], dt.datetime]:
    """`awake_after` with these quiet hours, in the shape `proposals.propose` takes."""

    def after(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        return awake_after(start, duration, quiet=quiet, tz=tz)

    return after
