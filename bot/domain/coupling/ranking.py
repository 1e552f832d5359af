"""The fast path of `matching.top_suggestions`: the best few volunteers for one request
without scoring the whole network exactly (issue 6 §5: top-5 p95 <= 20 ms at 10,000
volunteers).

One statement per try, in two stages:

1. From `volunteer_match` (one narrow row per volunteer: home and bit masks, see
   `storage.volunteer_match`) the volunteers who share a language and a task with the
   request, live in its network, are not the resident and were never proposed for it,
   ordered by an upper bound of their score, best first (ties: lowest id), the first `k`:
   bound = place points + time points (shared day parts by popcount of the masks)
   + the most load and rest can give (`W_LOAD_FREE + W_REST_MAX`).
2. For those `k` only (primary-key lookups): every other hard filter of
   `matching.volunteer_conditions` (the same definition as the full query) and the inputs
   of the exact score (load, last coupled, current couples).

Python scores them with `scoring.score` (the one definition) and stops when the fifth
best cannot be beaten by anyone after the k-th: its score is above the k-th bound, or
equal with a lower id. Otherwise it tries again with 4 times `k` (rare: most volunteers
reach the full load and rest points, so the bound is usually exact).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from bot.domain.coupling import scoring
from bot.domain.coupling.vocabulary import PENDING_PROPOSAL_STATUSES
from bot.domain.tasks import DAY_PARTS, SPOKEN_LANGUAGES, TASKS
from bot.domain.vocabulary import ActionStatus, PlaceStatus
from storage import volunteer_match as vm
from storage.models import (
    Action,
    Couple,
    CouplingProfile,
    Person,
    Proposal,
    Rsvp,
    VolunteerMatch,
)

# Every code the bot accepts must have a stored bit (`storage.volunteer_match`).
if (
    set(SPOKEN_LANGUAGES) - set(vm.LANGUAGE_BITS)
    or set(TASKS) - set(vm.TASK_BITS)
    or tuple(DAY_PARTS) != vm.DAY_PART_BITS
):
    raise RuntimeError("storage.volunteer_match lacks a bit for a language, task or day part")

#: Place weights other than 0, each bound to its own list of areas in the statement.
PLACE_WEIGHTS: tuple[int, ...] = (
    scoring.W_SAME_BUURT,
    scoring.W_SIBLING_BUURT,
    scoring.W_SAME_WIJK,
    scoring.W_NEARBY_WIJK,
    scoring.W_SAME_GEBIED,
)
#: Rows read in the first try (5 per suggestion asked, at least 25), then 4 times more.
FIRST_TRY = 25
GROWTH = 4


@dataclass(frozen=True)
class Candidate:
    """A volunteer passing every hard filter, with the exact score (points) and what the
    reasons need: shared languages, tasks and slots, current couples."""

    id: int
    name: str
    home: int
    score: int
    languages: frozenset[str]
    tasks: frozenset[str]
    slots: frozenset[scoring.Slot]
    couples: int


def _popcount(mask: ColumnElement[int]) -> ColumnElement[int]:
    """SQL: the number of bits set in a mask below 2**24 (two 12-bit halves, each counted
    with one 64-bit multiply, mask and modulo: "Bit Twiddling Hacks", S. E. Anderson,
    counting bits in 24-bit words). Plain integer arithmetic that SQLite and PostgreSQL
    both have; the mask appears twice, not sixteen times as in the SWAR count."""

    def n(value: int) -> ColumnElement[int]:
        return literal_column(str(value), BigInteger)

    def half(v: ColumnElement[int]) -> ColumnElement[int]:
        return (v * n(0x1001001001001)).op("&")(n(0x84210842108421)) % n(0x1F)

    return half(mask.op("&")(n(0xFFF))) + half(mask.op(">>")(literal_column("12", Integer)))


class least(FunctionElement):
    """SQL: the smaller of two integers (LEAST on PostgreSQL, two-argument MIN on SQLite)."""

    type = Integer()
    name = "least"
    inherit_cache = True


@compiles(least)
def _least(element: least, compiler: Any, **kw: Any) -> str:
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: Any, **kw: Any) -> str:
    return f"MIN({compiler.process(element.clauses, **kw)})"


@cache
def _statement(has_times: bool, restrict: bool) -> Select:
    """The two-stage statement for one shape (request with or without times; homes
    restricted to `areas` or not), built once with bind parameters: rl, rt, rs (request
    masks), areas, place0..placeN (areas per `PLACE_WEIGHTS`), resident, request, k, and
    the filters' now, today, until."""
    from bot.domain.coupling.matching import volunteer_conditions

    m = VolunteerMatch
    place = case(
        *[
            (m.home.in_(bindparam(f"place{n}", expanding=True)), literal(points))
            for n, points in enumerate(PLACE_WEIGHTS)
        ],
        else_=literal(0),
    )
    if has_times:
        shared = _popcount(m.slots.op("&")(bindparam("rs", type_=BigInteger)))
        times = literal_column(str(scoring.W_PER_SHARED_SLOT), Integer) * least(
            shared, literal_column(str(scoring.MAX_SHARED_SLOTS), Integer)
        )
    else:
        times = literal(scoring.W_ANY_TIME)
    bound = (place + times + literal(scoring.W_LOAD_FREE + scoring.W_REST_MAX)).label("bound")
    proposed = select(Proposal.volunteer_id).where(Proposal.request_id == bindparam("request"))
    where = [
        m.langs.op("&")(bindparam("rl", type_=BigInteger)) != 0,
        m.tasks.op("&")(bindparam("rt", type_=BigInteger)) != 0,
        m.person_id != bindparam("resident"),
        m.person_id.not_in(proposed),
    ]
    if restrict:
        where.append(m.home.in_(bindparam("areas", expanding=True)))
    first = (
        select(m.person_id.label("id"), m.home, m.langs, m.tasks, m.slots, bound)
        .where(*where)
        .order_by(bound.desc(), m.person_id)
        .limit(bindparam("k", type_=Integer))
        .cte("first")
        .prefix_with("MATERIALIZED")
    )
    couples = (
        select(func.count())
        .where(Couple.volunteer_id == Person.id, Couple.ended_at.is_(None))
        .scalar_subquery()
    )
    pending = (
        select(func.count())
        .where(
            Proposal.volunteer_id == Person.id,
            Proposal.status.in_([str(s) for s in PENDING_PROPOSAL_STATUSES]),
        )
        .scalar_subquery()
    )
    places = (
        select(func.count())
        .select_from(Rsvp)
        .join(Action, Action.id == Rsvp.action_id)
        .where(
            Rsvp.person_id == Person.id,
            Rsvp.status == PlaceStatus.CONFIRMED,
            Action.status == ActionStatus.OPEN,
            Action.starts_at >= bindparam("now"),
            Action.starts_at < bindparam("until"),
        )
        .scalar_subquery()
    )
    last = select(func.max(Couple.since)).where(Couple.volunteer_id == Person.id)
    ok = and_(
        *volunteer_conditions(
            now=bindparam("now"), today=bindparam("today"), busy=couples + pending
        )
    )
    return (
        select(
            first.c.id,
            first.c.home,
            first.c.langs,
            first.c.tasks,
            first.c.slots,
            first.c.bound,
            Person.display_name.label("name"),
            case((ok, literal(1)), else_=literal(0)).label("ok"),
            couples.label("couples"),
            places.label("places"),
            last.scalar_subquery().label("last"),
        )
        .select_from(first)
        .join(Person, Person.id == first.c.id)
        .outerjoin(CouplingProfile, CouplingProfile.person_id == Person.id)
        .order_by(first.c.bound.desc(), first.c.id)
    )


def _decode(mask: int, universe: tuple[str, ...]) -> frozenset[str]:
    return frozenset(code for k, code in enumerate(universe) if mask >> k & 1)


def _slots(mask: int) -> frozenset[scoring.Slot]:
    n = len(vm.DAY_PART_BITS)
    return frozenset(
        (bit // n, vm.DAY_PART_BITS[bit % n]) for bit in range(7 * n) if mask >> bit & 1
    )


async def best(
    *,
    session: AsyncSession,
    needs: Any,
    tree: scoring.AreaTree,
    network: list[int],
    now: dt.datetime,
    today: dt.date,
    limit: int,
) -> list[Candidate]:
    """The best `limit` volunteers for `needs` (a `matching.RequestNeeds`) among the areas
    of `network`, best first (ties: lowest id), exactly as a full ranking would give them.
    `now` aware UTC, `today` the local date (pauses).

    First round: only the areas worth place points (the request's buurt, wijk, nearby
    wijken, gebied; an index range), done when nobody further away can beat the fifth:
    they score at most the most times, load and rest can give. Second round (often not
    needed; directly for a request of a whole stadsdeel): the whole network."""
    tiers: list[list[int]] = [[] for _ in PLACE_WEIGHTS]
    for area in network:
        points = tree.place(needs.area_id, area).points
        if points:
            tiers[PLACE_WEIGHTS.index(points)].append(area)
    params: dict[str, Any] = {
        "rl": vm.bits_of(needs.languages, vm.LANGUAGE_BITS),
        "rt": vm.bits_of(needs.tasks, vm.TASK_BITS),
        "rs": vm.slot_bits(needs.slots),
        "resident": needs.resident_id,
        "request": needs.id,
        "now": now,
        "today": today,
        "until": now + scoring.LOAD_HORIZON,
        **{f"place{n}": areas for n, areas in enumerate(tiers)},
    }
    elsewhere = (
        scoring.time_points(len(needs.slots), bool(needs.slots))
        + scoring.W_LOAD_FREE
        + scoring.W_REST_MAX
    )
    near = [a for tier in tiers for a in tier]
    everything = len(network) == len(tree.by_id)
    rounds: list[tuple[list[int] | None, int | None]] = []
    if near:
        rounds.append((near, elsewhere))
    rounds.append((None if everything else list(network), None))
    found: list[Candidate] = []
    for areas, outside in rounds:
        statement = _statement(bool(needs.slots), areas is not None)
        k = max(FIRST_TRY, limit * 5)
        while True:
            rows = (await session.execute(statement, {**params, "areas": areas, "k": k})).all()
            found = sorted(
                (_candidate(row, needs, tree, now) for row in rows if row.ok),
                key=lambda c: (-c.score, c.id),
            )[:limit]
            fifth = found[-1] if len(found) == limit else None
            # Not seen yet in these areas: after the k-th (bound at most its bound, a higher
            # id on a tie); outside them: at most `outside` points, any id.
            more_here = len(rows) == k and (
                fifth is None or (fifth.score, -fifth.id) <= (rows[-1].bound, -rows[-1].id)
            )
            if more_here:
                k *= GROWTH
                continue
            if outside is None or (fifth is not None and fifth.score > outside):
                return found
            break  # someone outside these areas might still beat the fifth
    return found


def _candidate(row: Any, needs: Any, tree: scoring.AreaTree, now: dt.datetime) -> Candidate:
    slots = _slots(row.slots) & needs.slots
    return Candidate(
        id=row.id,
        name=row.name,
        home=row.home,
        score=scoring.score(
            place=tree.place(needs.area_id, row.home),
            shared_slots=len(slots),
            request_has_times=bool(needs.slots),
            load=row.couples + row.places,
            last_coupled_at=row.last,
            now=now,
        ),
        languages=_decode(row.langs, vm.LANGUAGE_BITS) & needs.languages,
        tasks=_decode(row.tasks, vm.TASK_BITS) & needs.tasks,
        slots=slots,
        couples=row.couples,
    )
