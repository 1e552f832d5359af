"""Reminder times on the local wall clock, and queuing them in the outbox."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.outbox import RULES, MessageKind
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


async def schedule_reminders(
    *, session: AsyncSession, person: Person, action: Action, now: dt.datetime, tz: ZoneInfo
) -> list[MessageKind]:
    """Queue the reminders for a person with a place; returns the keys queued.

    A reminder whose time has already passed when the person gets their place is not
    queued (a "tomorrow" message an hour before would be wrong). One that fell due while the
    bot was down is still sent late, but only while it is still true (`not_after`): the
    2-hour reminder until the start, the day-before reminder until the end of that day on
    the wall clock (it says "tomorrow"). Later it expires unsent and is counted.
    """
    local_day = action.starts_at.astimezone(tz).date()
    midnight = dt.datetime.combine(local_day, dt.time(0), tz).astimezone(dt.UTC)
    expires = {
        MessageKind.REMINDER_24H: min(midnight, action.starts_at),
        MessageKind.REMINDER_2H: action.starts_at,
    }
    queued: list[MessageKind] = []
    for key, due in reminder_times(action.starts_at, tz).items():
        if due <= now or expires[key] <= now:
            continue
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=key,
            due_at=due,
            not_after=expires[key],
            dedup_key=RULES[key].dedup(action.id, person.id, ""),
            action_id=action.id,
            now=now,
        )
        queued.append(key)
    return queued


# Messages that only make sense while the person holds a place on the action.
PLACE_MESSAGE_KEYS = outbox.PLACE_KINDS


async def drop_place_messages(*, session: AsyncSession, person_id: int, action_id: int) -> int:
    """Cancel a person's pending reminders and 'a place came free' notice for an action
    (they gave up their place). Returns how many rows were cancelled."""
    return await outbox.cancel_pending(
        session=session, action_id=action_id, person_id=person_id, message_keys=PLACE_MESSAGE_KEYS
    )
