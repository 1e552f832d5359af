"""The overview (`/overzicht`): per wijk and buurt of an area, over a period of days.

Figures, per row:
- actions held: actions not cancelled, starting in the period and ended by `now`;
- volunteers active: distinct volunteers with a confirmed place on those actions
  (attendance is not recorded separately yet);
- residents reached: conversations recorded for those actions (`bot.domain.results`);
- new residents met: recorded with the results;
- themes heard: per theme, how many results named it (one per person, action and street);
- sign-ups: volunteers and residents who signed up in the period and live there (their
  buurt, else their invite's area), also split by the flyer label of their invite, or
  "<action title> <local date>" for an assisted sign-up at an action ('' = another
  invite, or unknown);
- help requests open: open help requests of residents living there, now (not per period);
- signals per organisation: place signals sent in the period about that area, by their
  status now: open, picked up, done ("niet voor ons" counts as done: closed)
  (`bot.domain.signal_jobs.overview_counts`); partners see only their own organisation's.

Each count belongs to the row of the buurt it happened in, to the row of its wijk and to
the total; an action planned for a whole wijk counts in the wijk row and the total only.
Volunteers are counted once per row (a volunteer active in two buurten of a wijk counts
once for the wijk).

`suppress_below=k` (for partner recipients) replaces every count from 1 to k-1 by None
("fewer than k"), the usual small-cell rule of statistical disclosure control (CBS uses
thresholds like this; k=5 is asked for in issue 10). Zero stays zero. Known limit: a
suppressed buurt figure can sometimes be worked out from the wijk total minus the others.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas as area_scope
from bot.domain.actions import may_manage
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.results import Theme, default_themes
from bot.domain.signal_jobs import overview_counts
from bot.domain.vocabulary import ActionStatus, AreaLevel, HelpRequestStatus, PlaceStatus, Role
from storage.models import (
    Action,
    ActionResult,
    ActionResultTheme,
    Area,
    AreaTheme,
    Flyer,
    HelpRequest,
    Invite,
    Person,
    Rsvp,
    SignUp,
)

MAX_PERIOD_DAYS = 366
TOTAL = "total"
COUNTS = (
    "actions_held",
    "volunteers_active",
    "residents_reached",
    "new_residents_met",
    "sign_ups",
    "help_requests_open",
)


@dataclass(frozen=True)
class OverviewRow:
    """Figures of one buurt, one wijk or the whole area (level 'total').

    `wijk` is the wijk's name for wijk and buurt rows ('' for the total). A None count
    means "suppressed: between 1 and suppress_below - 1". `themes` maps theme keys to how
    often they were named; `sign_ups_by_source` maps flyer labels to sign-ups; `signals`
    maps (organisation name, "open" | "picked_up" | "done") to a count.
    """

    area_id: int
    name: str
    level: str
    wijk: str
    actions_held: int | None = 0
    volunteers_active: int | None = 0
    residents_reached: int | None = 0
    new_residents_met: int | None = 0
    sign_ups: int | None = 0
    help_requests_open: int | None = 0
    themes: dict[str, int | None] = field(default_factory=dict)
    sign_ups_by_source: dict[str, int | None] = field(default_factory=dict)
    signals: dict[tuple[str, str], int | None] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """True when every figure is zero (nothing happened, nothing open)."""
        values = [getattr(self, name) for name in COUNTS]
        return (
            all(v == 0 for v in values)
            and not any(self.themes.values())
            and not any(v != 0 for v in self.signals.values())
        )


@dataclass(frozen=True)
class Overview:
    """The overview of one area: rows in reading order (each wijk, then its buurten), the
    total, the themes (columns, in order) and the flyer labels seen, the period as local
    days `first_day`..`last_day` inclusive and as UTC bounds `since` <= t < `until`, and
    the suppression threshold used (None: exact counts)."""

    area_id: int
    area_name: str
    first_day: dt.date
    last_day: dt.date
    since: dt.datetime
    until: dt.datetime
    rows: list[OverviewRow]
    total: OverviewRow
    themes: list[Theme]
    sources: list[str]
    suppress_below: int | None = None
    #: Organisations with signals in the period (names, sorted): the signal columns.
    signal_organisations: list[str] = field(default_factory=list)


def period_bounds(first_day: dt.date, last_day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, ...]:
    """Local days `first_day`..`last_day` (inclusive, in `tz`) as UTC `(since, until)`.

    Raises `InvalidInput('period')` when last_day is before first_day or the period is
    longer than 366 days.
    """
    if last_day < first_day or (last_day - first_day).days >= MAX_PERIOD_DAYS:
        raise InvalidInput("period", f"1 to {MAX_PERIOD_DAYS} days")
    since = dt.datetime.combine(first_day, dt.time(), tz).astimezone(dt.UTC)
    until = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC)
    return since, until


class _Tally:
    """Counts per row key (area id or TOTAL) while the overview is built."""

    def __init__(self) -> None:
        self.counts: dict[object, Counter[str]] = defaultdict(Counter)
        self.volunteers: dict[object, set[int]] = defaultdict(set)
        self.themes: dict[object, Counter[str]] = defaultdict(Counter)
        self.sources: dict[object, Counter[str]] = defaultdict(Counter)
        self.signals: dict[object, Counter[tuple[str, str]]] = defaultdict(Counter)


async def build_overview(
    *,
    session: AsyncSession,
    area_id: int,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    tz: ZoneInfo,
    suppress_below: int | None = None,
    signals_of: int | None = None,
) -> Overview:
    """Compute the overview of `area_id` over local days first_day..last_day (see module
    docstring). No authorisation: use `overview_for` for a person. `now` is aware UTC.
    `signals_of`: count only this organisation's signals (partner staff).

    Raises `InvalidInput('period')`, `InvalidInput('suppress_below')` (must be 2..100).
    """
    if suppress_below is not None and not 2 <= suppress_below <= 100:
        raise InvalidInput("suppress_below")
    since, until = period_bounds(first_day, last_day, tz)
    ids = (await area_scope.tree(session)).descendant_ids(area_id)
    areas = {a.id: a for a in await session.scalars(select(Area).where(Area.id.in_(ids)))}
    targets = _targets_of(areas, area_id)
    tally = _Tally()

    actions = (
        await session.execute(
            select(Action.id, Action.area_id).where(
                Action.area_id.in_(ids),
                Action.status != ActionStatus.CANCELLED,
                Action.starts_at >= since,
                Action.starts_at < until,
                Action.ends_at <= now,
            )
        )
    ).all()
    action_area = {action_id: place for action_id, place in actions}
    for place in action_area.values():
        for key in targets(place):
            tally.counts[key]["actions_held"] += 1
    held = list(action_area)
    for action_id, person_id in await session.execute(
        select(Rsvp.action_id, Rsvp.person_id).where(
            Rsvp.action_id.in_(held), Rsvp.status == PlaceStatus.CONFIRMED
        )
    ):
        for key in targets(action_area[action_id]):
            tally.volunteers[key].add(person_id)
    for action_id, talks, met in await session.execute(
        select(
            ActionResult.action_id, ActionResult.conversations, ActionResult.new_residents
        ).where(ActionResult.action_id.in_(held))
    ):
        for key in targets(action_area[action_id]):
            tally.counts[key]["residents_reached"] += talks
            tally.counts[key]["new_residents_met"] += met
    for action_id, theme in await session.execute(
        select(ActionResult.action_id, ActionResultTheme.theme)
        .join(ActionResultTheme, ActionResultTheme.result_id == ActionResult.id)
        .where(ActionResult.action_id.in_(held))
    ):
        for key in targets(action_area[action_id]):
            tally.themes[key][theme] += 1

    for buurt_id, invite_area, label, title, starts_at in await session.execute(
        select(Person.buurt_id, Person.area_id, Flyer.label, Action.title, Action.starts_at)
        .outerjoin(SignUp, SignUp.person_id == Person.id)
        .outerjoin(Flyer, Flyer.invite_id == SignUp.invite_id)
        .outerjoin(Invite, Invite.id == SignUp.invite_id)
        .outerjoin(Action, Action.id == Invite.action_id)
        .where(
            Person.role.in_((Role.VOLUNTEER, Role.RESIDENT)),
            Person.created_at >= since,
            Person.created_at < until,
        )
    ):
        if not label and title:  # an assisted sign-up at an action (bot.domain.assisted)
            label = f"{title} {starts_at.astimezone(tz).date().isoformat()}"
        for key in targets(_home(buurt_id, invite_area)):
            tally.counts[key]["sign_ups"] += 1
            tally.sources[key][label or ""] += 1
    for buurt_id, invite_area in await session.execute(
        select(Person.buurt_id, Person.area_id)
        .join(HelpRequest, HelpRequest.person_id == Person.id)
        .where(HelpRequest.status == HelpRequestStatus.OPEN, Person.role == Role.RESIDENT)
    ):
        for key in targets(_home(buurt_id, invite_area)):
            tally.counts[key]["help_requests_open"] += 1

    for place, organisation, status, count in await overview_counts(
        session=session, area_ids=ids, since=since, until=until, organisation_id=signals_of
    ):
        for key in targets(place):
            tally.signals[key][(organisation, status)] += count

    themes = await _themes(session, ids, areas[area_id])
    sources = sorted(tally.sources[TOTAL], key=lambda s: (s == "", s.casefold()))
    rows = [
        _row(tally, key, areas[key], _wijk_name(areas, key), themes, sources, suppress_below)
        for key in _reading_order(areas, area_id)
    ]
    top = areas[area_id]
    total = _row(tally, TOTAL, top, "", themes, sources, suppress_below)
    return Overview(
        area_id=area_id,
        area_name=top.name,
        first_day=first_day,
        last_day=last_day,
        since=since,
        until=until,
        rows=rows,
        total=replace(total, level=TOTAL),
        themes=themes,
        sources=sources,
        suppress_below=suppress_below,
        signal_organisations=sorted({org for org, _ in tally.signals[TOTAL]}, key=str.casefold),
    )


async def overview_for(
    *,
    session: AsyncSession,
    viewer: Person,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    tz: ZoneInfo,
    area_id: int | None = None,
) -> Overview:
    """The overview a coordinator sees: their own area (or `area_id` within it), exact counts.

    Raises `NotAllowed` for anyone but an onboarded coordinator of that area, and like
    `build_overview`. Partner recipients (their role comes with organisations) must get
    `build_overview(..., suppress_below=5)`.
    """
    target = viewer.area_id if area_id is None else area_id
    if (
        viewer.role != Role.COORDINATOR
        or viewer.onboarded_at is None
        or not await may_manage(session=session, person=viewer, area_id=target)
    ):
        raise NotAllowed()
    return await build_overview(
        session=session, area_id=target, first_day=first_day, last_day=last_day, now=now, tz=tz
    )


def _targets_of(areas: dict[int, Area], top_id: int) -> Callable[[int], list[object]]:
    """For an area id: the row keys it counts in (its buurt, its wijk, TOTAL)."""

    def targets(area_id: int) -> list[object]:
        if area_id not in areas:
            return []
        keys: list[object] = []
        current: Area | None = areas[area_id]
        while current is not None:
            if current.level in (AreaLevel.BUURT, AreaLevel.WIJK):
                keys.append(current.id)
            if current.id == top_id:
                break
            current = areas.get(current.parent_id) if current.parent_id else None
        keys.append(TOTAL)
        return keys

    return targets


def _home(buurt_id: int | None, invite_area_id: int) -> int:
    """Where a person lives as far as we know (as `Person.home_area_id`)."""
    return buurt_id or invite_area_id


def _reading_order(areas: dict[int, Area], top_id: int) -> list[int]:
    top = areas[top_id]
    if top.level == AreaLevel.BUURT:
        return [top_id]
    if top.level == AreaLevel.WIJK:
        wijken = [top]
    else:
        wijken = sorted(
            (a for a in areas.values() if a.level == AreaLevel.WIJK), key=lambda a: a.name
        )
    order = []
    for wijk in wijken:
        order.append(wijk.id)
        buurten = [
            a for a in areas.values() if a.level == AreaLevel.BUURT and a.parent_id == wijk.id
        ]
        order.extend(b.id for b in sorted(buurten, key=lambda a: a.name))
    return order


def _wijk_name(areas: dict[int, Area], area_id: int) -> str:
    area = areas[area_id]
    if area.level == AreaLevel.BUURT and area.parent_id in areas:
        return areas[area.parent_id].name
    return area.name


async def _themes(session: AsyncSession, ids: set[int], top: Area) -> list[Theme]:
    """File themes, then area themes of the area, above it and below it (oldest first)."""
    above, current = [], top
    while current.parent_id is not None:
        above.append(current.parent_id)
        parent = await session.get(Area, current.parent_id)
        if parent is None:
            break
        current = parent
    rows = await session.scalars(
        select(AreaTheme)
        .where(AreaTheme.area_id.in_([*ids, *above]))
        .order_by(AreaTheme.created_at, AreaTheme.id)
    )
    extra, seen = [], {t.key for t in default_themes()}
    for row in rows:
        if row.key not in seen:
            seen.add(row.key)
            extra.append(
                Theme(key=row.key, names={"nl": row.name, "en": row.name}, area_id=row.area_id)
            )
    return [*default_themes(), *extra]


def _suppress(value: int, below: int | None) -> int | None:
    return None if below is not None and 0 < value < below else value


def _row(
    tally: _Tally,
    key: object,
    area: Area,
    wijk: str,
    themes: list[Theme],
    sources: list[str],
    below: int | None,
) -> OverviewRow:
    counts = tally.counts[key]
    return OverviewRow(
        area_id=area.id,
        name=area.name,
        level=area.level,
        wijk=wijk,
        actions_held=_suppress(counts["actions_held"], below),
        volunteers_active=_suppress(len(tally.volunteers[key]), below),
        residents_reached=_suppress(counts["residents_reached"], below),
        new_residents_met=_suppress(counts["new_residents_met"], below),
        sign_ups=_suppress(counts["sign_ups"], below),
        help_requests_open=_suppress(counts["help_requests_open"], below),
        themes={t.key: _suppress(tally.themes[key][t.key], below) for t in themes},
        sign_ups_by_source={s: _suppress(tally.sources[key][s], below) for s in sources},
        signals={k: _suppress(v, below) for k, v in tally.signals[key].items()},
    )
