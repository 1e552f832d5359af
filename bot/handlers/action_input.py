"""What a coordinator types while planning an action: times, numbers, the whole draft.

Pure helpers (no Telegram) used by the "new_action" conversation in
`bot.handlers.new_action`. Times are typed on the wall clock of `settings.tz`
(Europe/Amsterdam) and stored as aware UTC. Unit tested in tests/unit/test_action_input.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import actions
from bot.domain.errors import InvalidInput

_TIME_RE = re.compile(r"^([0-9]{1,2})(?:[:.h]([0-9]{2}))?$")
_COMPACT_TIME_RE = re.compile(r"^([0-9]{1,2})([0-9]{2})$")


def parse_clock_time(text: str) -> dt.time | None:
    """A wall-clock time typed by a person, or None when it is not one.

    Accepts '9:30', '09:30', '09.30', '9h30', '0930', '930', '14' (whole hour) and an
    optional trailing 'uur'/'u'/'h' ('14 uur'). Hours 0..23, minutes 0..59; '24:00' and
    '25:00' are refused.
    """
    cleaned = text.strip().lower().replace(" ", "")
    for suffix in ("uur", "u", "h"):
        if cleaned.endswith(suffix) and len(cleaned) > len(suffix):
            cleaned = cleaned[: -len(suffix)]
            break
    match = _TIME_RE.match(cleaned) or _COMPACT_TIME_RE.match(cleaned)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def parse_needed(text: str) -> int | None:
    """The number of volunteers typed by a person (1..500), or None."""
    cleaned = text.strip()
    if not re.fullmatch(r"[0-9]{1,4}", cleaned):
        return None
    number = int(cleaned)
    return number if 1 <= number <= actions.NEEDED_MAX else None


class SkippedTime(ValueError):
    """A well-typed time that does not exist that day: the clocks skip it (March)."""


def wall_clock_to_utc(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The aware UTC moment of `time` on `day` on the wall clock of `tz`.

    Raises `SkippedTime` (a `ValueError`) for a time that does not exist that day (the hour
    skipped when the clocks go forward on the last Sunday of March). An ambiguous time
    (October) is taken as the first of the two.
    """
    local = dt.datetime.combine(day, time, tz)
    utc = local.astimezone(dt.UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise SkippedTime("time does not exist on that day (clock change)")
    return utc


def draft_from_data(data: dict[str, Any], *, tz: ZoneInfo, now: dt.datetime) -> actions.ActionDraft:
    """Turn the conversation's stored draft into a validated `ActionDraft`.

    `data` holds kind, title, area_id, place, date ('YYYY-MM-DD'), start and end ('HH:MM')
    and needed; optionally language and organisations (a list of ids). Raises
    `InvalidInput(field)` for the first missing or bad value; field is one of kind, title,
    area, meeting_place, date, starts_at, ends_at, volunteers_needed.
    """
    for key, field in (
        ("kind", "kind"),
        ("title", "title"),
        ("area_id", "area"),
        ("place", "meeting_place"),
        ("date", "date"),
        ("start", "starts_at"),
        ("end", "ends_at"),
        ("needed", "volunteers_needed"),
    ):
        if data.get(key) in (None, ""):
            raise InvalidInput(field)
    try:
        day = dt.date.fromisoformat(str(data["date"]))
    except ValueError as exc:
        raise InvalidInput("date") from exc
    start, end = parse_clock_time(str(data["start"])), parse_clock_time(str(data["end"]))
    if start is None:
        raise InvalidInput("starts_at")
    if end is None:
        raise InvalidInput("ends_at")
    try:
        starts_at = wall_clock_to_utc(day, start, tz)
    except ValueError as exc:
        raise InvalidInput("starts_at") from exc
    try:
        ends_at = wall_clock_to_utc(day, end, tz)
    except ValueError as exc:
        raise InvalidInput("ends_at") from exc
    return actions.validate_draft(
        kind=str(data["kind"]),
        title=str(data["title"]),
        area_id=int(data["area_id"]),
        meeting_place=str(data["place"]),
        starts_at=starts_at,
        ends_at=ends_at,
        volunteers_needed=int(data["needed"]),
        now=now,
        language=str(data["language"]) if data.get("language") else None,
        organisation_ids=_organisation_ids(data.get("organisations")),
    )


def _organisation_ids(value: Any) -> tuple[int, ...]:
    """The draft's co-organisers (a JSON list of ids); anything else counts as none."""
    if not isinstance(value, list):
        return ()
    return tuple(int(v) for v in value if isinstance(v, int) and not isinstance(v, bool))
