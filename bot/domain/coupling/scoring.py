"""The soft score of a (help request, volunteer) pair and its reasons: pure functions, no I/O.

The score is a whole number of points (higher is better), the sum of four named parts.
The weights are product choices (issue 6 §1: "same buurt > sibling buurt > same wijk >
same gebied", availability overlap, current load, time since last coupled), tuned so that
place matters most, then a free volunteer, then matching times:

=====================  =====================================================================
part                   points
=====================  =====================================================================
place                  same buurt 40 · sibling buurt (same wijk) 30 · same wijk 25 ·
                       wijk centres within 1.0 km 15 · same gebied 10 · otherwise 0
times                  5 per shared weekly day part, at most 4 counted (20); a request
                       without times ("any time") gives 10 to everyone
load                   15 - 5 per current couple or confirmed action place in the coming
                       2 weeks, never below 0
rest                   1 per 18 days since the volunteer was last coupled, at most 10;
                       never coupled: 10 (spreads the work)
=====================  =====================================================================
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.coupling.vocabulary import ReasonKind
from bot.domain.tasks import DAY_PARTS, HELP_REQUEST_TASKS, SPOKEN_LANGUAGES, TASKS
from bot.domain.vocabulary import AreaLevel

W_SAME_BUURT = 40
W_SIBLING_BUURT = 30
W_SAME_WIJK = 25
W_NEARBY_WIJK = 15
W_SAME_GEBIED = 10
NEARBY_WIJK_KM = 1.0

W_PER_SHARED_SLOT = 5
MAX_SHARED_SLOTS = 4
W_ANY_TIME = 10

W_LOAD_FREE = 15
W_PER_LOAD = 5

REST_DAYS_PER_POINT = 18
W_REST_MAX = 10

#: Look-ahead for confirmed action places counted as load (issue 6 §1: "coming 2 weeks").
LOAD_HORIZON = dt.timedelta(days=14)

Slot = tuple[int, str]
Reason = tuple[ReasonKind, object]

DAY_PART_ORDER = tuple(DAY_PARTS)


@dataclass(frozen=True)
class AreaInfo:
    """One area as the score needs it (level: stadsdeel | gebied | wijk | buurt)."""

    id: int
    name: str
    level: str
    parent_id: int | None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Place:
    """Points and reason for how close two home areas are (kind None: not close)."""

    points: int
    kind: ReasonKind | None
    name: str | None


def _km(a: AreaInfo, b: AreaInfo) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    # Equirectangular approximation: exact enough within a city (error << 1 %).
    lat = math.radians((a.latitude + b.latitude) / 2)  # type: ignore[operator]
    dx = math.radians(b.longitude - a.longitude) * math.cos(lat)  # type: ignore[operator]
    dy = math.radians(b.latitude - a.latitude)  # type: ignore[operator]
    return 6371.0 * math.hypot(dx, dy)


class AreaTree:
    """The area division (stadsdeel > gebied > wijk > buurt) for proximity questions."""

    def __init__(self, areas: Iterable[AreaInfo]) -> None:
        self.by_id = {a.id: a for a in areas}
        self._cache: dict[tuple[int, int], Place] = {}

    def up(self, area_id: int | None, level: str) -> AreaInfo | None:
        """The area at `level` at or above `area_id` (None when the area is higher up)."""
        area = self.by_id.get(area_id) if area_id is not None else None
        while area is not None and area.level != level:
            area = self.by_id.get(area.parent_id) if area.parent_id is not None else None
        return area

    def root(self, area_id: int) -> int:
        """The id of the top area above `area_id` (its stadsdeel in practice)."""
        area = self.by_id[area_id]
        while area.parent_id is not None:
            area = self.by_id[area.parent_id]
        return area.id

    def place(self, request_area_id: int, volunteer_area_id: int) -> Place:
        """How close a volunteer's home area is to the request's home area.

        Either may be a buurt, wijk, gebied or stadsdeel (people who chose no buurt);
        wijken without buurten compare by wijk and by wijk centres (area file).
        """
        key = (request_area_id, volunteer_area_id)
        if key not in self._cache:
            self._cache[key] = self._place(*key)
        return self._cache[key]

    def _place(self, a: int, b: int) -> Place:
        ba, bb = self.up(a, AreaLevel.BUURT), self.up(b, AreaLevel.BUURT)
        wa, wb = self.up(a, AreaLevel.WIJK), self.up(b, AreaLevel.WIJK)
        ga, gb = self.up(a, AreaLevel.GEBIED), self.up(b, AreaLevel.GEBIED)
        if ba is not None and ba == bb:
            return Place(W_SAME_BUURT, ReasonKind.SAME_BUURT, ba.name)
        if ba is not None and bb is not None and wa is not None and wa == wb:
            return Place(W_SIBLING_BUURT, ReasonKind.SIBLING_BUURT, wa.name)
        if wa is not None and wa == wb:
            return Place(W_SAME_WIJK, ReasonKind.SAME_WIJK, wa.name)
        if wa is not None and wb is not None:
            km = _km(wa, wb)
            if km is not None and km <= NEARBY_WIJK_KM:
                return Place(W_NEARBY_WIJK, ReasonKind.NEARBY_WIJK, wb.name)
        if ga is not None and ga == gb:
            return Place(W_SAME_GEBIED, ReasonKind.SAME_GEBIED, ga.name)
        return Place(0, None, None)


def time_points(shared_slots: int, request_has_times: bool) -> int:
    """Points for shared weekly day parts (see the module table)."""
    if not request_has_times:
        return W_ANY_TIME
    return W_PER_SHARED_SLOT * min(shared_slots, MAX_SHARED_SLOTS)


def load_points(load: int) -> int:
    """Points for current load (couples + confirmed action places in the coming 2 weeks)."""
    return max(0, W_LOAD_FREE - W_PER_LOAD * load)


def rest_points(last_coupled_at: dt.datetime | None, now: dt.datetime) -> int:
    """Points for time since the volunteer was last coupled (aware UTC datetimes)."""
    if last_coupled_at is None:
        return W_REST_MAX
    days = (now - last_coupled_at).total_seconds() / 86400
    return max(0, min(W_REST_MAX, int(days // REST_DAYS_PER_POINT)))


def score(
    *,
    place: Place,
    shared_slots: int,
    request_has_times: bool,
    load: int,
    last_coupled_at: dt.datetime | None,
    now: dt.datetime,
) -> int:
    """The soft score in points: place + times + load + rest (module table)."""
    return (
        place.points
        + time_points(shared_slots, request_has_times)
        + load_points(load)
        + rest_points(last_coupled_at, now)
    )


def reasons(
    *,
    place: Place,
    languages: Iterable[str],
    tasks: Iterable[str],
    slots: Iterable[Slot],
    couples: int,
) -> list[Reason]:
    """Why a volunteer fits, as (kind, value) pairs in display order: place, shared
    languages (other than Dutch, which nearly everyone speaks, unless it is the only one),
    shared tasks, shared day parts (week order), then "no couple yet" or the number of
    couples. Inputs are the SHARED values (request ∩ volunteer)."""
    result: list[Reason] = []
    if place.kind is not None:
        result.append((place.kind, place.name))
    langs = [code for code in SPOKEN_LANGUAGES if code in set(languages)]
    shown = [code for code in langs if code != "nl"] or langs
    result.extend((ReasonKind.LANGUAGE, code) for code in shown)
    wanted = set(tasks)
    result.extend((ReasonKind.TASK, t) for t in TASKS if t in wanted)
    result.extend((ReasonKind.TIME, s) for s in sort_slots(slots))
    if couples == 0:
        result.append((ReasonKind.NO_COUPLE, None))
    else:
        result.append((ReasonKind.LOAD, couples))
    return result


def sort_slots(slots: Iterable[Slot]) -> list[Slot]:
    """Slots in week order: Monday morning first."""
    return sorted(set(slots), key=lambda s: (s[0], DAY_PART_ORDER.index(s[1])))


def slot_bit(slot: Slot) -> int:
    """A bit for a weekly slot (21 slots), for bit-mask overlap in bulk scoring."""
    return 1 << (slot[0] * len(DAY_PART_ORDER) + DAY_PART_ORDER.index(slot[1]))


def all_slots() -> list[Slot]:
    """The 21 weekly slots (weekday 0 = Monday, day parts in order)."""
    return [(w, p) for w in range(7) for p in DAY_PART_ORDER]


def code_bits(codes: Iterable[str], universe: Sequence[str]) -> int:
    """A bit mask of codes (languages or tasks) within a fixed universe; unknown codes
    are ignored."""
    mask = 0
    for code in codes:
        if code in universe:
            mask |= 1 << universe.index(code)
    return mask


__all__ = [
    "HELP_REQUEST_TASKS",
    "AreaInfo",
    "AreaTree",
    "Place",
    "reasons",
    "score",
]
