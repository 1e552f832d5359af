"""Answer deadlines that do not count the night (issue 6 §2: "no answer within 48 hours;
hours in the night's quiet hours don't count").

`awake_after(start, duration)` walks the Europe/Amsterdam wall clock and counts only the
hours outside the quiet hours (default here 22:00-08:00; the bot passes `QUIET_HOURS`):
14 awake hours a day, so 48 hours from Monday 21:00 end on Friday 13:00. Pure functions;
times are aware UTC in and out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.domain.quiet_hours import QuietHours

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_QUIET = QuietHours(dt.time(22, 0), dt.time(8, 0), AMSTERDAM)
_STEP = dt.timedelta(minutes=1)


def awake_after(
    start: dt.datetime,
    duration: dt.timedelta,
    *,
    quiet: QuietHours = DEFAULT_QUIET,
) -> dt.datetime:
    """The moment `duration` of awake (not quiet) time has passed since `start` (aware UTC),
    to the minute. Walks in whole hours where possible, minutes near the edges. The quiet
    hours and their wall clock are `bot.domain.quiet_hours` (the one rule)."""
    left = duration
    now = start
    while left > dt.timedelta(0):
        local = now.astimezone(quiet.tz)
        step = _STEP if left < dt.timedelta(hours=1) or local.minute else dt.timedelta(hours=1)
        if step == dt.timedelta(hours=1) and (
            quiet.is_quiet(now) != quiet.is_quiet(now + step - _STEP)
        ):
            step = _STEP
        if not quiet.is_quiet(now):
            left -= step
        now += step
    return now


def awake_clock(quiet: QuietHours) -> Callable[[dt.datetime, dt.timedelta], dt.datetime]:
    """`awake_after` with these quiet hours, in the shape `proposals.propose` takes."""

    def after(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        return awake_after(start, duration, quiet=quiet)

    return after
