"""Reminder times on the local wall clock, and queuing them in the outbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.outbox import RULES, MessageKind
from bot.domain.quiet_hours import QuietHours
from storage.models import Action, Person

REMINDER_KEYS = (MessageKind.REMINDER_24H, MessageKind.REMINDER_2H)


def _wall_clock_minus(starts_at: dt.datetime, tz: ZoneInfo, delta: dt.timedelta) -> dt.datetime:
    local = starts_at.astimezone(tz).replace(tzinfo=None) - delta
    # Attach the zone to the wall-clock time; for a time that falls in the spring-forward gap
    # zoneinfo (fold=0) uses the offset before the change, i.e. it lands one hour later.
    return local.replace(tzinfo=tz).astimezone(dt.UTC)


def reminder_times(starts_at: dt.datetime, tz: ZoneInfo) -> dict[MessageKind, dt.datetime]:
    """When to remind, as aware UTC datetimes, for an action starting at `starts_at` (UTC).

    'reminder_24h': the same wall-clock time on the day before (so across the clock change
    of the last Sunday of March/October it is 23 or 25 real hours before);
    'reminder_2h': two hours earlier on the wall clock. Computed with `zoneinfo` in `tz`
    (Europe/Amsterdam by default). Raises `ValueError` for a naive `starts_at`.
    """
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    return {
        MessageKind.REMINDER_24H: _wall_clock_minus(starts_at, tz, dt.timedelta(days=1)),
        MessageKind.REMINDER_2H: _wall_clock_minus(starts_at, tz, dt.timedelta(hours=2)),
    }


#: A late day-before reminder is still sent only when the start is more than this far off
#: (issue 7 item 9: "still the day before and more than 3 hours before the start").
LATE_DAY_BEFORE_MARGIN = dt.timedelta(hours=3)


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder a person with a place will get: its kind, when (aware UTC), until when
    it may still go out (`not_after`, aware UTC) and whether it is a late day-before
    reminder sent at once because its own time had passed (`late`)."""

    kind: MessageKind
    due_at: dt.datetime
    not_after: dt.datetime
    late: bool = False


def reminder_plan(
    *,
    starts_at: dt.datetime,
    now: dt.datetime,
    tz: ZoneInfo,
    quiet: QuietHours | None = None,
) -> list[PlannedReminder]:
    """THE rule for which reminders a Ja (or a promotion) gets, at `now` (aware UTC).

    - 'reminder_2h': at its wall-clock time (`reminder_times`) when that is still ahead;
      never late (after it, the action is less than two hours away).
    - 'reminder_24h': at its wall-clock time the day before when that is still ahead;
      when it has passed (a late Ja), at once (`due_at = now`) as long as it is still the
      day before on the wall clock and more than 3 hours before the start
      (`LATE_DAY_BEFORE_MARGIN`); otherwise not at all (a "tomorrow" message an hour before
      would be wrong).
    Each reminder may go out until `not_after`: the start for the 2-hour reminder; the
    earlier of midnight before the action's day and 3 hours before the start for the
    day-before one. The dispatcher applies the same `not_after` to a reminder missed while
    the bot was down, so a late one follows the same rule. With `quiet` hours a reminder
    that would be held is planned at the end of the quiet hours (`QuietHours.hold_until`),
    and left out when that is past its `not_after`, so the reply to Ja never promises one
    that cannot come. Returns them in time order. Raises `ValueError` for a naive
    `starts_at`.
    """
    times = reminder_times(starts_at, tz)
    local_day = starts_at.astimezone(tz).date()
    midnight = dt.datetime.combine(local_day, dt.time(0), tz).astimezone(dt.UTC)
    plan: list[PlannedReminder] = []
    due_24h = times[MessageKind.REMINDER_24H]
    last_24h = min(midnight, starts_at - LATE_DAY_BEFORE_MARGIN)
    if due_24h > now:
        plan.append(PlannedReminder(MessageKind.REMINDER_24H, due_24h, max(last_24h, due_24h)))
    elif now < last_24h:
        plan.append(PlannedReminder(MessageKind.REMINDER_24H, now, last_24h, late=True))
    due_2h = times[MessageKind.REMINDER_2H]
    if due_2h > now:
        plan.append(PlannedReminder(MessageKind.REMINDER_2H, due_2h, starts_at))
    if quiet is None:
        return plan
    kept = []
    for planned in plan:
        held = quiet.hold_until(waits=True, action_starts_at=starts_at, now=planned.due_at)
        if held is None:
            kept.append(planned)
        elif held <= planned.not_after:
            kept.append(PlannedReminder(planned.kind, held, planned.not_after, planned.late))
    return kept


async def schedule_reminders(
    *,
    session: AsyncSession,
    person: Person,
    action: Action,
    now: dt.datetime,
    tz: ZoneInfo,
    quiet: QuietHours | None = None,
) -> list[PlannedReminder]:
    """Queue the reminders `reminder_plan` gives a person with a place; returns them (the
    reply to Ja states them). See `reminder_plan` for the rule."""
    plan = reminder_plan(starts_at=action.starts_at, now=now, tz=tz, quiet=quiet)
    for planned in plan:
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=planned.kind,
            due_at=planned.due_at,
            not_after=planned.not_after,
            dedup_key=RULES[planned.kind].dedup(action.id, person.id, ""),
            action_id=action.id,
            now=now,
        )
    return plan


# Messages that only make sense while the person holds a place on the action.
PLACE_MESSAGE_KEYS = outbox.PLACE_KINDS


async def drop_place_messages(*, session: AsyncSession, person_id: int, action_id: int) -> int:
    """Cancel a person's pending reminders and 'a place came free' notice for an action
    (they gave up their place). Returns how many rows were cancelled."""
    return await outbox.cancel_pending(
        session=session, action_id=action_id, person_id=person_id, message_keys=PLACE_MESSAGE_KEYS
    )
