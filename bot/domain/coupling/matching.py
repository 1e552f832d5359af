"""Suggestions for a help request: hard filters in SQL, the soft score, reasons.

Hard filters (issue 6 §1): a volunteer who finished onboarding, is marked ready for
coupling, is reachable, has not stopped, is not paused today (local date), has no "liever
niet nu" running, lives in the same network (stadsdeel) as the request, shares a language
with the resident, offers at least one asked task, has fewer current couples plus pending
proposals than their own maximum, and was never proposed for this request before (whatever
the outcome). `_candidate_statement` is the full query (every candidate, used by
`is_eligible`); `top_suggestions` searches with `ranking.best`, which gives the same top
rows by reading only the best few (bounded by the score) and scores them with
`scoring.score`, the one definition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    String,
    Subquery,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import consent
from bot.domain.coupling import ranking, scoring
from bot.domain.coupling.scoring import AreaInfo, AreaTree, Reason
from bot.domain.coupling.vocabulary import PENDING_PROPOSAL_STATUSES
from bot.domain.errors import NotFound
from bot.domain.vocabulary import ActionStatus, PlaceStatus, Role
from storage.models import (
    Action,
    Area,
    AvailabilitySlot,
    Couple,
    CouplingProfile,
    HelpRequest,
    HelpRequestLanguage,
    HelpRequestSlot,
    HelpRequestTask,
    Offer,
    Person,
    PersonLanguage,
    Proposal,
    Rsvp,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class RequestNeeds:
    """What the matching needs of a help request: id, resident id, home area id, asked
    task codes, the resident's language codes, the weekly slots that suit them (empty:
    any time)."""

    id: int
    resident_id: int
    area_id: int
    tasks: frozenset[str]
    languages: frozenset[str]
    slots: frozenset[scoring.Slot]


@dataclass(frozen=True)
class Suggestion:
    """A ranked candidate volunteer: person id, first name, score in points and the
    reasons as (kind, value) pairs (see `ReasonKind` for the value of each kind)."""

    volunteer_id: int
    name: str
    score: int
    reasons: list[Reason]


_trees: dict[object, tuple[tuple[int, int], AreaTree]] = {}


async def area_tree(
    session: AsyncSession, *, fingerprint: tuple[int, int] | None = None
) -> AreaTree:
    """The whole area division (a few hundred rows at most), cached per engine.

    The cache is checked against the area table's row count and highest id (one small
    query, or `fingerprint` when the caller read them already), the same rule as
    `bot.domain.areas.tree`: areas are only ever added by loading the area file, never
    edited in place, so a new load changes the fingerprint."""
    engine = session.bind.engine if hasattr(session.bind, "engine") else session.bind
    if fingerprint is None:
        row = (await session.execute(select(func.count(Area.id), func.max(Area.id)))).one()
        fingerprint = (int(row[0] or 0), int(row[1] or 0))
    cached = _trees.get(engine)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    rows = await session.execute(
        select(Area.id, Area.name, Area.level, Area.parent_id, Area.latitude, Area.longitude)
    )
    built = AreaTree(AreaInfo(*row) for row in rows.all())
    _trees[engine] = (fingerprint, built)
    return built


async def request_needs(*, session: AsyncSession, request_id: int) -> RequestNeeds:
    """Load a request's tasks, languages and times, in one round trip. Raises `NotFound`."""
    return (await _needs_and_areas(session, request_id))[0]


async def _needs_and_areas(
    session: AsyncSession, request_id: int
) -> tuple[RequestNeeds, tuple[int, int]]:
    """`request_needs` and the area table's fingerprint (`area_tree`), in one round trip."""
    rows = (await session.execute(_needs_statement(), {"request_id": request_id})).all()
    head = next((r for r in rows if r.kind == 0), None)
    if head is None:
        raise NotFound()
    areas = next(r for r in rows if r.kind == 4)
    needs = RequestNeeds(
        id=request_id,
        resident_id=head.a,
        area_id=head.b,
        tasks=frozenset(r.s for r in rows if r.kind == 1),
        languages=frozenset(r.s for r in rows if r.kind == 2),
        slots=frozenset((r.a, r.s) for r in rows if r.kind == 3),
    )
    return needs, (int(areas.a or 0), int(areas.b or 0))


@cache
def _needs_statement() -> Any:
    """The statement of `_needs_and_areas`, built once (bind parameter request_id)."""
    part = literal_column("NULL")
    request_id = bindparam("request_id", type_=Integer)
    return union_all(
        select(
            literal(0).label("kind"),
            HelpRequest.person_id.label("a"),
            HelpRequest.area_id.label("b"),
            cast(part, String).label("s"),
        ).where(HelpRequest.id == request_id),
        select(literal(1), cast(part, Integer), cast(part, Integer), HelpRequestTask.task).where(
            HelpRequestTask.request_id == request_id
        ),
        select(
            literal(2), cast(part, Integer), cast(part, Integer), HelpRequestLanguage.language
        ).where(HelpRequestLanguage.request_id == request_id),
        select(
            literal(3), HelpRequestSlot.weekday, cast(part, Integer), HelpRequestSlot.day_part
        ).where(HelpRequestSlot.request_id == request_id),
        select(literal(4), func.count(Area.id), func.max(Area.id), cast(part, String)),
    )


def home_area() -> ColumnElement[int]:
    """SQL: a person's home area (buurt, else the invite's area)."""
    return func.coalesce(Person.buurt_id, Person.area_id)


def _count_by(key: ColumnElement[int], *where: ColumnElement[bool]) -> Subquery:
    return select(key.label("pid"), func.count().label("n")).where(*where).group_by(key).subquery()


def volunteer_features(*, now: Any, today: Any, until: Any = None) -> Select:
    """SQL: every volunteer passing the volunteer-level hard filters, with columns id, name,
    home (area id), free (maximum - current couples - pending proposals, > 0), load
    (current couples + confirmed action places starting in the coming 2 weeks) and last
    (start of their newest couple, or NULL).

    Filters: agreed to 'coupling' (`bot.domain.consent`), onboarded, ready, reachable, not
    stopped, not paused on `today` (local date), no "liever niet nu" at `now` (UTC), below
    their maximum. Aggregates are joined as grouped subqueries (evaluated once), not
    correlated per volunteer. `now`, `today` and `until` (end of the load horizon, default
    `now` + `scoring.LOAD_HORIZON`) may be bind parameters, so the statement can be built
    once and reused."""
    if until is None:
        until = now + scoring.LOAD_HORIZON
    couples = _count_by(Couple.volunteer_id, Couple.ended_at.is_(None))
    pending = _count_by(
        Proposal.volunteer_id,
        Proposal.status.in_([str(s) for s in PENDING_PROPOSAL_STATUSES]),
    )
    places = (
        select(Rsvp.person_id.label("pid"), func.count().label("n"))
        .join(Action, Action.id == Rsvp.action_id)
        .where(
            Rsvp.status == PlaceStatus.CONFIRMED,
            Action.status == ActionStatus.OPEN,
            Action.starts_at >= now,
            Action.starts_at < until,
        )
        .group_by(Rsvp.person_id)
        .subquery()
    )
    last = (
        select(Couple.volunteer_id.label("pid"), func.max(Couple.since).label("since"))
        .group_by(Couple.volunteer_id)
        .subquery()
    )
    n_couples = func.coalesce(couples.c.n, 0)
    busy = n_couples + func.coalesce(pending.c.n, 0)
    return (
        select(
            Person.id.label("id"),
            Person.display_name.label("name"),
            home_area().label("home"),
            (CouplingProfile.max_couples - busy).label("free"),
            (n_couples + func.coalesce(places.c.n, 0)).label("load"),
            last.c.since.label("last"),
        )
        .join(CouplingProfile, CouplingProfile.person_id == Person.id)
        .outerjoin(couples, couples.c.pid == Person.id)
        .outerjoin(pending, pending.c.pid == Person.id)
        .outerjoin(places, places.c.pid == Person.id)
        .outerjoin(last, last.c.pid == Person.id)
        .where(*volunteer_conditions(now=now, today=today, busy=busy))
    )


def volunteer_conditions(*, now: Any, today: Any, busy: Any) -> list[ColumnElement[bool]]:
    """SQL: the volunteer-level hard filters on `Person` and its `CouplingProfile` (joined
    by the caller), `busy` being the SQL count of current couples plus pending proposals:
    agreed to 'coupling', onboarded, ready, reachable, not stopped, not paused on `today`
    (local date), no "liever niet nu" at `now` (UTC), below their maximum. The one
    definition, used by the full query (`volunteer_features`) and the fast path
    (`ranking`)."""
    return [
        Person.role == Role.VOLUNTEER,
        Person.onboarded_at.is_not(None),
        Person.stopped_at.is_(None),
        Person.unreachable_at.is_(None),
        or_(Person.paused_until.is_(None), Person.paused_until < today),
        CouplingProfile.ready_at.is_not(None),
        or_(CouplingProfile.not_now_until.is_(None), CouplingProfile.not_now_until <= now),
        busy < CouplingProfile.max_couples,
        consent.agreed_clause("coupling"),
    ]


async def top_suggestions(
    *,
    session: AsyncSession,
    request_id: int,
    now: dt.datetime,
    limit: int = 5,
    tz: ZoneInfo = AMSTERDAM,
) -> list[Suggestion]:
    """The best `limit` volunteers for a help request, best first (ties: lowest id), with
    their reasons.

    `now` is aware UTC; `tz` gives the local date for pauses. Raises `NotFound` for an
    unknown request. A request without tasks or languages has no suggestions. The search
    is `ranking.best` (stops as soon as nobody else can beat the top); it gives what
    ranking every candidate of `_candidate_statement` by `scoring.score` would give
    (tests/storage/test_matching_fast_path.py checks both on random networks).
    """
    needs, fingerprint = await _needs_and_areas(session, request_id)
    if not needs.tasks or not needs.languages:
        return []
    tree = await area_tree(session, fingerprint=fingerprint)
    network = [a for a in tree.by_id if tree.root(a) == tree.root(needs.area_id)]
    found = await ranking.best(
        session=session,
        needs=needs,
        tree=tree,
        network=network,
        now=now,
        today=now.astimezone(tz).date(),
        limit=limit,
    )
    result = []
    for c in found:
        why = scoring.reasons(
            place=tree.place(needs.area_id, c.home),
            languages=c.languages,
            tasks=c.tasks,
            slots=c.slots,
            couples=c.couples,
        )
        result.append(Suggestion(volunteer_id=c.id, name=c.name, score=c.score, reasons=why))
    return result


def _parameters(
    *, needs: RequestNeeds, network: list[int], now: dt.datetime, today: dt.date
) -> dict[str, Any]:
    """The bind parameters of `_candidate_statement` for one request and tier."""
    return {
        "now": now,
        "today": today,
        "until": now + scoring.LOAD_HORIZON,
        "resident": needs.resident_id,
        "request": needs.id,
        "network": list(network),
        "languages": sorted(needs.languages),
        "tasks": sorted(needs.tasks),
        "slots": sorted(needs.slots),
    }


@cache
def _candidate_statement(has_times: bool) -> CTE:
    """Every volunteer passing all hard filters for a request, with the score's inputs:
    id, name, home, load, last (see `volunteer_features`) and shared (weekly slots shared
    with the request). A materialised CTE: computed once, then ranked.

    Built once per shape with bind parameters (`_parameters`): building this statement
    costs more Python time than running it, so it is not rebuilt per request."""
    features = volunteer_features(
        now=bindparam("now"), today=bindparam("today"), until=bindparam("until")
    )
    if has_times:
        # Correlated: counted only for the candidates of this tier (primary-key lookups).
        shared = (
            select(func.count())
            .select_from(AvailabilitySlot)
            .where(
                AvailabilitySlot.person_id == Person.id,
                tuple_(AvailabilitySlot.weekday, AvailabilitySlot.day_part).in_(
                    bindparam("slots", expanding=True)
                ),
            )
            .scalar_subquery()
        )
        features = features.add_columns(shared.label("shared"))
    else:
        features = features.add_columns(literal(0).label("shared"))
    speaks = select(PersonLanguage.person_id).where(
        PersonLanguage.language.in_(bindparam("languages", expanding=True))
    )
    offers = select(Offer.person_id).where(Offer.task.in_(bindparam("tasks", expanding=True)))
    proposed = select(Proposal.volunteer_id).where(Proposal.request_id == bindparam("request"))
    return (
        features.where(
            Person.id != bindparam("resident"),
            home_area().in_(bindparam("network", expanding=True)),
            # "+ 0": SQLite must not drive the search from these lists (thousands of
            # Dutch speakers); the home-area index (a few hundred people) is the way in.
            (Person.id + 0).in_(speaks),
            (Person.id + 0).in_(offers),
            Person.id.not_in(proposed),
        )
        .cte("candidates")
        .prefix_with("MATERIALIZED")
    )


async def is_eligible(
    *,
    session: AsyncSession,
    request_id: int,
    volunteer_id: int,
    now: dt.datetime,
    tz: ZoneInfo = AMSTERDAM,
) -> bool:
    """True when the volunteer passes every hard filter for the request right now.
    Raises `NotFound` for an unknown request."""
    needs = await request_needs(session=session, request_id=request_id)
    if not needs.tasks or not needs.languages:
        return False
    tree = await area_tree(session)
    network = [a for a in tree.by_id if tree.root(a) == tree.root(needs.area_id)]
    candidates = _candidate_statement(bool(needs.slots))
    params = _parameters(needs=needs, network=network, now=now, today=now.astimezone(tz).date())
    found = await session.scalar(
        select(candidates.c.id).where(candidates.c.id == volunteer_id).limit(1), params
    )
    return found is not None
