"""Suggestions for a help request: hard filters in SQL, the soft score, reasons.

Hard filters (issue 6 §1), all in one SQL statement: a volunteer who finished onboarding,
is marked ready for coupling, is reachable, has not stopped, is not paused today (local
date), has no "liever niet nu" running, lives in the same network (stadsdeel) as the
request, shares a language with the resident, offers at least one asked task, has fewer
current couples plus pending proposals than their own maximum, and was never proposed for
this request before (whatever the outcome). The soft score (`scoring`) is computed in the
same statement so the database returns only the top rows; Python recomputes it for those
rows with `scoring.score`, the one definition (a storage test checks both agree).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import consent
from bot.domain.coupling import scoring
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


async def area_tree(session: AsyncSession) -> AreaTree:
    """The whole area division (a few hundred rows at most)."""
    rows = await session.execute(
        select(Area.id, Area.name, Area.level, Area.parent_id, Area.latitude, Area.longitude)
    )
    return AreaTree(AreaInfo(*row) for row in rows.all())


async def request_needs(*, session: AsyncSession, request_id: int) -> RequestNeeds:
    """Load a request's tasks, languages and times. Raises `NotFound`."""
    row = (
        await session.execute(
            select(HelpRequest.person_id, HelpRequest.area_id).where(HelpRequest.id == request_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    tasks = await session.scalars(
        select(HelpRequestTask.task).where(HelpRequestTask.request_id == request_id)
    )
    langs = await session.scalars(
        select(HelpRequestLanguage.language).where(HelpRequestLanguage.request_id == request_id)
    )
    slots = await session.execute(
        select(HelpRequestSlot.weekday, HelpRequestSlot.day_part).where(
            HelpRequestSlot.request_id == request_id
        )
    )
    return RequestNeeds(
        id=request_id,
        resident_id=row.person_id,
        area_id=row.area_id,
        tasks=frozenset(tasks),
        languages=frozenset(langs),
        slots=frozenset((w, p) for w, p in slots.all()),
    )


def home_area() -> ColumnElement[int]:
    """SQL: a person's home area (buurt, else the invite's area)."""
    return func.coalesce(Person.buurt_id, Person.area_id)


def _count_by(key: ColumnElement[int], *where: ColumnElement[bool]) -> Subquery:
    return select(key.label("pid"), func.count().label("n")).where(*where).group_by(key).subquery()


def volunteer_features(*, now: dt.datetime, today: dt.date) -> Select:
    """SQL: every volunteer passing the volunteer-level hard filters, with columns id, name,
    home (area id), free (maximum - current couples - pending proposals, > 0), load
    (current couples + confirmed action places starting in the coming 2 weeks) and last
    (start of their newest couple, or NULL).

    Filters: agreed to 'coupling' (`bot.domain.consent`), onboarded, ready, reachable, not
    stopped, not paused on `today` (local date), no "liever niet nu" at `now` (UTC), below
    their maximum. Aggregates are joined as grouped subqueries (evaluated once), not
    correlated per volunteer."""
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
            Action.starts_at < now + scoring.LOAD_HORIZON,
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
        .where(
            Person.role == Role.VOLUNTEER,
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
            Person.unreachable_at.is_(None),
            or_(Person.paused_until.is_(None), Person.paused_until < today),
            CouplingProfile.ready_at.is_not(None),
            or_(CouplingProfile.not_now_until.is_(None), CouplingProfile.not_now_until <= now),
            busy < CouplingProfile.max_couples,
            consent.agreed_clause("coupling"),
        )
    )


def _capped(expr: ColumnElement[int], low: int, high: int) -> ColumnElement[int]:
    return case((expr < low, literal(low)), (expr > high, literal(high)), else_=expr)


async def top_suggestions(
    *,
    session: AsyncSession,
    request_id: int,
    now: dt.datetime,
    limit: int = 5,
    tz: ZoneInfo = AMSTERDAM,
) -> list[Suggestion]:
    """The best `limit` volunteers for a help request, best first (ties: lowest id).

    `now` is aware UTC; `tz` gives the local date for pauses. Raises `NotFound` for an
    unknown request. A request without tasks or languages has no suggestions.
    """
    needs = await request_needs(session=session, request_id=request_id)
    if not needs.tasks or not needs.languages:
        return []
    tree = await area_tree(session)
    network = [a for a in tree.by_id if tree.root(a) == tree.root(needs.area_id)]
    place_points = {a: tree.place(needs.area_id, a).points for a in network}
    today = now.astimezone(tz).date()
    # Search tier by tier (same buurt first, ...) and stop as soon as nobody further away
    # can beat the current top: their score is at most the next tier's place points plus
    # the most the other parts can give this request.
    best_other = (
        (
            scoring.W_PER_SHARED_SLOT * min(len(needs.slots), scoring.MAX_SHARED_SLOTS)
            if needs.slots
            else scoring.W_ANY_TIME
        )
        + scoring.W_LOAD_FREE
        + scoring.W_REST_MAX
    )
    tiers = sorted(set(place_points.values()), reverse=True)
    rows: list = []
    for k, points in enumerate(tiers):
        areas = [a for a, p in place_points.items() if p == points]
        rows += await _ranked(session, needs, areas, points, now, today, limit)
        rows.sort(key=lambda r: (-r.score, r.id))
        rows = rows[:limit]
        if k + 1 < len(tiers) and len(rows) >= limit and rows[-1].score > tiers[k + 1] + best_other:
            break
    return await _explain(session=session, needs=needs, tree=tree, rows=rows, now=now)


async def _ranked(
    session: AsyncSession,
    needs: RequestNeeds,
    areas: list[int],
    place_points: int,
    now: dt.datetime,
    today: dt.date,
    limit: int,
) -> list:
    """The best `limit` candidates living in `areas` (all worth `place_points`), with
    their score computed in SQL by the same weights as `scoring.score`."""
    c = _candidates(needs=needs, network=areas, now=now, today=today).c
    times_sql = (
        literal(scoring.W_PER_SHARED_SLOT) * _capped(c.shared, 0, scoring.MAX_SHARED_SLOTS)
        if needs.slots
        else literal(scoring.W_ANY_TIME)
    )
    load_sql = _capped(
        literal(scoring.W_LOAD_FREE) - literal(scoring.W_PER_LOAD) * c.load, 0, scoring.W_LOAD_FREE
    )
    rest_terms = [
        case(
            (c["last"] <= now - dt.timedelta(days=scoring.REST_DAYS_PER_POINT * k), literal(1)),
            else_=literal(0),
        )
        for k in range(1, scoring.W_REST_MAX + 1)
    ]
    rest_sql = case(
        (c["last"].is_(None), literal(scoring.W_REST_MAX)),
        else_=sum(rest_terms[1:], rest_terms[0]),
    )
    total = (literal(place_points) + times_sql + load_sql + rest_sql).label("score")
    result = await session.execute(
        select(c.id, c.name, c.home, c.shared, c.load, c["last"], total)
        .order_by(total.desc(), c.id)
        .limit(limit)
    )
    return list(result.all())


def _candidates(
    *, needs: RequestNeeds, network: list[int], now: dt.datetime, today: dt.date
) -> CTE:
    """Every volunteer passing all hard filters for `needs`, with the score's inputs:
    id, name, home, load, last (see `volunteer_features`) and shared (weekly slots shared
    with the request). A materialised CTE: computed once, then ranked."""
    features = volunteer_features(now=now, today=today)
    if needs.slots:
        # Correlated: counted only for the candidates of this tier (primary-key lookups).
        shared = (
            select(func.count())
            .select_from(AvailabilitySlot)
            .where(
                AvailabilitySlot.person_id == Person.id,
                or_(
                    *[
                        and_(AvailabilitySlot.weekday == w, AvailabilitySlot.day_part == p)
                        for w, p in sorted(needs.slots)
                    ]
                ),
            )
            .scalar_subquery()
        )
        features = features.add_columns(shared.label("shared"))
    else:
        features = features.add_columns(literal(0).label("shared"))
    speaks = select(PersonLanguage.person_id).where(
        PersonLanguage.language.in_(sorted(needs.languages))
    )
    offers = select(Offer.person_id).where(Offer.task.in_(sorted(needs.tasks)))
    proposed = select(Proposal.volunteer_id).where(Proposal.request_id == needs.id)
    return (
        features.where(
            Person.id != needs.resident_id,
            home_area().in_(network),
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
    candidates = _candidates(needs=needs, network=network, now=now, today=now.astimezone(tz).date())
    found = await session.scalar(
        select(candidates.c.id).where(candidates.c.id == volunteer_id).limit(1)
    )
    return found is not None


async def _explain(
    *, session: AsyncSession, needs: RequestNeeds, tree: AreaTree, rows: list, now: dt.datetime
) -> list[Suggestion]:
    ids = [row.id for row in rows]
    langs = await _pairs(session, PersonLanguage.person_id, PersonLanguage.language, ids)
    tasks = await _pairs(session, Offer.person_id, Offer.task, ids)
    slots: dict[int, set[scoring.Slot]] = {}
    for pid, weekday, part in (
        await session.execute(
            select(
                AvailabilitySlot.person_id, AvailabilitySlot.weekday, AvailabilitySlot.day_part
            ).where(AvailabilitySlot.person_id.in_(ids))
        )
    ).all():
        slots.setdefault(pid, set()).add((weekday, part))
    couples = dict(
        (
            await session.execute(
                select(Couple.volunteer_id, func.count())
                .where(Couple.volunteer_id.in_(ids), Couple.ended_at.is_(None))
                .group_by(Couple.volunteer_id)
            )
        ).all()
    )
    result = []
    for row in rows:
        place = tree.place(needs.area_id, row.home)
        shared = slots.get(row.id, set()) & needs.slots
        points = scoring.score(
            place=place,
            shared_slots=len(shared),
            request_has_times=bool(needs.slots),
            load=row.load,
            last_coupled_at=row.last,
            now=now,
        )
        why = scoring.reasons(
            place=place,
            languages=langs.get(row.id, set()) & needs.languages,
            tasks=tasks.get(row.id, set()) & needs.tasks,
            slots=shared,
            couples=couples.get(row.id, 0),
        )
        result.append(Suggestion(volunteer_id=row.id, name=row.name, score=points, reasons=why))
    result.sort(key=lambda s: (-s.score, s.volunteer_id))
    return result


async def _pairs(session: AsyncSession, key, value, ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for k, v in (await session.execute(select(key, value).where(key.in_(ids)))).all():
        found.setdefault(k, set()).add(v)
    return found
