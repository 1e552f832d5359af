"""The line under a Ja that says which reminders will come (issue 7 item 9): honest about
a reminder that will not come because the action starts too soon. Plain text.

The rule itself is `bot.domain.reminders.reminder_plan`; this only words its result.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from bot.domain.outbox import MessageKind
from bot.domain.reminders import PlannedReminder
from bot.i18n import Translator


def _when(t: Translator, planned: PlannedReminder, now: dt.datetime) -> str:
    """'right away' / 'today at 14:00' / 'tomorrow at 14:00' / 'on Friday 5 December at
    14:00' for the day-before reminder, relative to `now` on the reader's wall clock."""
    if planned.late:
        return t.gettext("right away")
    day = planned.due_at.astimezone(t.tz).date()
    today = now.astimezone(t.tz).date()
    time = t.time(planned.due_at)
    if day == today:
        return t.gettext("today at {time}", time=time)
    if day == today + dt.timedelta(days=1):
        return t.gettext("tomorrow at {time}", time=time)
    return t.gettext("on {date} at {time}", date=t.date(day), time=time)


def reminders_line(
    t: Translator,
    planned: Sequence[PlannedReminder],
    *,
    starts_at: dt.datetime,
    now: dt.datetime,
) -> str:
    """Which reminders a new place gets, e.g. "You will get a reminder tomorrow at 14:00 and
    2 hours before the start." or "The action starts in 90 minutes, so you will not get a
    reminder." (`starts_at`, `now`: aware UTC)."""
    kinds = {p.kind: p for p in planned}
    day_before = kinds.get(MessageKind.REMINDER_24H)
    two_hours = MessageKind.REMINDER_2H in kinds
    if day_before is not None and two_hours:
        return t.gettext(
            "You will get a reminder {when} and 2 hours before the start.",
            when=_when(t, day_before, now),
        )
    if day_before is not None:
        return t.gettext("You will get a reminder {when}.", when=_when(t, day_before, now))
    if two_hours:
        return t.gettext("You will get a reminder 2 hours before the start.")
    minutes = max(math.ceil((starts_at - now).total_seconds() / 60), 1)
    return t.ngettext(
        "The action starts in {n} minute, so you will not get a reminder.",
        "The action starts in {n} minutes, so you will not get a reminder.",
        minutes,
    )
