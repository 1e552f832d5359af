"""Quiet hours: which proactive messages wait for the morning (issue 7 item 8).

THE RULE (the only place it is decided; the README repeats it):

During quiet hours (setting `QUIET_HOURS`, default `21-8`, also written `21:00-08:00`: from
21:00 to 08:00 on the wall clock of `TIMEZONE`, Europe/Amsterdam) a message whose kind has
`KindRule.waits_for_quiet_hours` is not sent: the dispatcher puts it back, due at the end
of the quiet hours (08:00), and checks it again then, so a message that is no longer true
by the morning (the action is full, cancelled, the person answered...) is dropped.
Waiting kinds: calls, "er is weer plek", Misschien follow-ups, digests, coupling
proposals and check-ins, reminders about unanswered requests, coordinator notices,
reminders and "you got a place". Delivered at once, also at night: cancellations, messages
one person wrote to another (relays, e.g. a coordinator's message to the people coming),
and any waiting kind about an action that starts before 10:00 on the morning the quiet
hours end (`URGENT_BEFORE`) — a reminder at 07:00 for a 09:00 action must not wait until
08:00. Timeouts measured in hours do not count quiet hours (they run on real time).
`QUIET_HOURS=off` (or empty) switches the rule off.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

#: Actions starting before this wall-clock time on the morning the quiet hours end are
#: urgent: their messages are delivered at night too (issue 7 item 8).
URGENT_BEFORE = dt.time(10, 0)

_TIME = r"([01]?\d|2[0-3])(?::([0-5]\d))?"
_SHAPE = re.compile(rf"^\s*{_TIME}\s*-\s*{_TIME}\s*$")


@dataclass(frozen=True)
class QuietHours:
    """Quiet from `start` to `end` (wall-clock times in `tz`).

    `start > end` spans midnight (21:00-08:00); `start < end` is within one day.
    """

    start: dt.time
    end: dt.time
    tz: ZoneInfo

    def is_quiet(self, now: dt.datetime) -> bool:
        """True when `now` (aware) falls within the quiet hours."""
        clock = now.astimezone(self.tz).time().replace(tzinfo=None)
        if self.start > self.end:
            return clock >= self.start or clock < self.end
        return self.start <= clock < self.end

    def morning(self, now: dt.datetime) -> dt.datetime:
        """The end of the quiet hours at or after `now`, aware UTC (DST-correct: the wall
        clock time `end` of that day in `tz`)."""
        local = now.astimezone(self.tz)
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.end:
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, self.end, self.tz).astimezone(dt.UTC)

    def hold_until(
        self, *, waits: bool, action_starts_at: dt.datetime | None, now: dt.datetime
    ) -> dt.datetime | None:
        """THE rule: when a message due at `now` should be sent instead, or None = now.

        `waits`: the kind's `KindRule.waits_for_quiet_hours`; `action_starts_at`: the start
        of the action the message is about (None when it is about none).
        """
        if not waits or not self.is_quiet(now):
            return None
        morning = self.morning(now)
        if action_starts_at is not None:
            urgent = dt.datetime.combine(
                morning.astimezone(self.tz).date(), URGENT_BEFORE, self.tz
            ).astimezone(dt.UTC)
            if action_starts_at < urgent:
                return None
        return morning


def parse(text: str | None, tz: ZoneInfo) -> QuietHours | None:
    """`"21-8"` or `"21:00-08:00"` -> QuietHours(21:00, 08:00, tz); `""`, `"off"` or None
    -> None (no quiet hours). Raises `ValueError` for another shape or equal times.
    """
    if text is None or text.strip().lower() in ("", "off", "none"):
        return None
    match = _SHAPE.match(text)
    if match is None:
        raise ValueError("QUIET_HOURS must look like 21-8 or 21:00-08:00, or off")
    start = dt.time(int(match.group(1)), int(match.group(2) or 0))
    end = dt.time(int(match.group(3)), int(match.group(4) or 0))
    if start == end:
        raise ValueError("QUIET_HOURS: start and end must differ")
    return QuietHours(start, end, tz)
