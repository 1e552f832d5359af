"""The fixed list of things people like to do, need help with or can offer, and day parts.

Codes are stored in the database; labels are translated in the views.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.vocabulary import ActionKind, DayPart, Role

# Order is the order shown on buttons.
TASKS: tuple[str, ...] = (
    "doorstep",  # portiekgesprekken
    "street_stand",  # klaptafel
    "shopping",  # boodschappen
    "paperwork",  # formulieren/administratie
    "digital_help",  # digitale hulp
    "company",  # gezelschap/wandelen
    "odd_jobs",  # klusjes
    "interpreting",  # tolken/vertalen
)

# What a resident can ask help with: the tasks minus the network's own action kinds
# (nobody asks for a doorstep conversation).
HELP_REQUEST_TASKS: tuple[str, ...] = tuple(
    task for task in TASKS if task not in ("doorstep", "street_stand")
)

ACTION_KINDS: tuple[str, ...] = tuple(ActionKind)

ROLES: tuple[str, ...] = tuple(Role)

# Day parts on the local wall clock (Europe/Amsterdam): [start, end) hours.
DAY_PARTS: dict[str, tuple[int, int]] = {
    DayPart.MORNING: (8, 12),
    DayPart.AFTERNOON: (12, 17),
    DayPart.EVENING: (17, 22),
}

# Languages a volunteer can say they speak (ISO 639-1); the first ones are the most asked
# for in Amsterdam neighbourhood work.
SPOKEN_LANGUAGES: tuple[str, ...] = ("nl", "en", "tr", "ar", "ber", "pap", "es", "pl")


def day_parts_of(start_local: dt.datetime, end_local: dt.datetime) -> set[tuple[int, str]]:
    """The (weekday, day part) slots that an interval on the local wall clock overlaps.

    `start_local` and `end_local` are aware datetimes in the wall-clock zone, end > start.
    Hours outside all day parts (22:00-08:00) need no slot. Weekday 0 = Monday.
    Raises `ValueError` when end <= start.
    """
    start_utc, end_utc = start_local.astimezone(dt.UTC), end_local.astimezone(dt.UTC)
    # Compare in UTC: Python compares two datetimes with the same tzinfo by wall clock and
    # ignores `fold`, which is wrong in the repeated hour of the October clock change.
    if end_utc <= start_utc:
        raise ValueError("end must be after start")
    slots: set[tuple[int, str]] = set()
    day = start_local.date()
    while day <= end_local.date():
        for part, (h_start, h_end) in DAY_PARTS.items():
            part_start = dt.datetime.combine(day, dt.time(h_start), start_local.tzinfo)
            part_end = dt.datetime.combine(day, dt.time(h_end), start_local.tzinfo)
            if start_utc < part_end.astimezone(dt.UTC) and end_utc > part_start.astimezone(dt.UTC):
                slots.add((day.weekday(), part))
        day += dt.timedelta(days=1)
    return slots
