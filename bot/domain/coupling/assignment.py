"""Many requests at once (/koppelen): a set of proposals for all open requests of an area
that maximises the total score under each volunteer's maximum, exactly on the candidate
graph (scipy's sparse LAPJV, `min_weight_full_bipartite_matching`).

The objective is the sum of (score + 1) over the chosen pairs: every couple is worth one
point more than none, so among equal score totals more requests get a volunteer.
Volunteers are expanded into one column per free place (maximum - couples - pending
proposals). Each request keeps its `prune` best candidates (default 64): the optimum over
that graph is what the benchmark checks against networkx min-cost flow on the full graph.
Requests without a candidate in the result are reported, not an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from sqlalchemy import Subquery, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.coupling import scoring
from bot.domain.coupling.matching import (
    AMSTERDAM,
    area_tree,
    home_area,
    volunteer_features,
)
from bot.domain.coupling.requests import ancestor_ids
from bot.domain.coupling.vocabulary import RequestStatus
from bot.domain.tasks import SPOKEN_LANGUAGES, TASKS
from bot.domain.vocabulary import Role
from storage.models import (
    AvailabilitySlot,
    HelpRequest,
    HelpRequestLanguage,
    HelpRequestSlot,
    HelpRequestTask,
    Offer,
    Person,
    PersonLanguage,
    Proposal,
)

DEFAULT_PRUNE = 64


@dataclass
class Problem:
    """An assignment problem as arrays (index i: request, j: volunteer).

    Requests: `request_ids`, `request_area` (index into `place`), bit masks `request_langs`,
    `request_tasks`, `request_slots` (0: any time), `request_resident` (person id).
    Volunteers: `volunteer_ids`, `volunteer_area` (index), masks `volunteer_langs`,
    `volunteer_tasks`, `volunteer_slots`, `volunteer_points` (load + rest points),
    `capacity` (free places). `place[a, b]`: place points between area indices.
    `excluded`: (i, j) pairs proposed before (never again)."""

    request_ids: np.ndarray
    request_area: np.ndarray
    request_langs: np.ndarray
    request_tasks: np.ndarray
    request_slots: np.ndarray
    request_resident: np.ndarray
    volunteer_ids: np.ndarray
    volunteer_area: np.ndarray
    volunteer_langs: np.ndarray
    volunteer_tasks: np.ndarray
    volunteer_slots: np.ndarray
    volunteer_points: np.ndarray
    capacity: np.ndarray
    place: np.ndarray
    excluded: set[tuple[int, int]]

    def candidates(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Volunteer indices passing the pair filters for request i (shared language and
        task, free place, not the resident, never proposed) and their scores (points)."""
        ok = (
            ((self.volunteer_langs & self.request_langs[i]) != 0)
            & ((self.volunteer_tasks & self.request_tasks[i]) != 0)
            & (self.capacity > 0)
            & (self.volunteer_ids != self.request_resident[i])
        )
        idx = np.flatnonzero(ok)
        if self.excluded:
            idx = np.array([j for j in idx if (i, j) not in self.excluded], dtype=np.int64)
        slots = self.request_slots[i]
        if slots:
            shared = np.bitwise_count(self.volunteer_slots[idx] & slots).astype(np.int64)
            times = scoring.W_PER_SHARED_SLOT * np.minimum(shared, scoring.MAX_SHARED_SLOTS)
        else:
            times = np.full(len(idx), scoring.W_ANY_TIME, dtype=np.int64)
        scores = (
            self.place[self.request_area[i], self.volunteer_area[idx]]
            + times
            + self.volunteer_points[idx]
        )
        return idx, scores.astype(np.int64)


@dataclass(frozen=True)
class Plan:
    """The chosen pairs as (request id, volunteer id, score), by request id; the request
    ids left without volunteer; the objective (sum of score + 1 over the pairs)."""

    pairs: list[tuple[int, int, int]]
    unassigned: list[int]
    objective: int


def solve(problem: Problem, prune: int = DEFAULT_PRUNE) -> Plan:
    """The maximum-objective assignment over each request's `prune` best candidates
    (ties: lower volunteer index first), under every volunteer's free places."""
    rows, cols, values = [], [], []
    for i in range(len(problem.request_ids)):
        idx, scores = problem.candidates(i)
        if len(idx) > prune:
            order = np.lexsort((idx, -scores))[:prune]
            idx, scores = idx[order], scores[order]
        rows.append(np.full(len(idx), i))
        cols.append(idx)
        values.append(scores + 1)
    n_req = len(problem.request_ids)
    if n_req == 0:
        return Plan([], [], 0)
    r = np.concatenate(rows).astype(np.int64)
    v = np.concatenate(cols).astype(np.int64)
    w = np.concatenate(values).astype(np.int64)
    if len(v) == 0:
        return Plan([], [int(x) for x in problem.request_ids], 0)
    # Expand each used volunteer into min(capacity, degree) columns: volunteer j owns the
    # columns base[j] .. base[j] + places[j] - 1.
    n_vol = len(problem.volunteer_ids)
    degree = np.bincount(v, minlength=n_vol)
    places = np.minimum(problem.capacity, degree)
    base = np.concatenate(([0], np.cumsum(places)[:-1]))
    n_cols = int(places.sum())
    er, ec, ew = [], [], []
    for k in range(int(places.max(initial=0))):
        mask = places[v] > k
        er.append(r[mask])
        ec.append(base[v[mask]] + k)
        ew.append(w[mask])
    big = int(w.max(initial=1)) + 1
    # One "nobody" column per request (value 0); costs are big - value > 0 (explicit zeros
    # would read as missing edges in a sparse matrix).
    er.append(np.arange(n_req))
    ec.append(n_cols + np.arange(n_req))
    ew.append(np.zeros(n_req, dtype=np.int64))
    rr, cc, ww = np.concatenate(er), np.concatenate(ec), np.concatenate(ew)
    cost = csr_matrix((big - ww, (rr, cc)), shape=(n_req, n_cols + n_req), dtype=np.float64)
    row_ind, col_ind = min_weight_full_bipartite_matching(cost)
    owner = np.repeat(np.arange(n_vol), places)
    values = big - np.asarray(cost[row_ind, col_ind]).ravel().astype(np.int64)
    pairs, unassigned, objective = [], [], 0
    order = np.argsort(row_ind)
    for i, col, value in zip(
        row_ind[order].tolist(), col_ind[order].tolist(), values[order].tolist(), strict=True
    ):
        rid = int(problem.request_ids[i])
        if col >= n_cols:
            unassigned.append(rid)
            continue
        pairs.append((rid, int(problem.volunteer_ids[owner[col]]), value - 1))
        objective += value
    return Plan(pairs=pairs, unassigned=unassigned, objective=objective)


def solve_dense(problem: Problem) -> int:
    """The objective by dense `linear_sum_assignment` over ALL candidates (no pruning):
    a second exact solver for small instances (tests)."""
    n_req = len(problem.request_ids)
    columns = [j for j in range(len(problem.volunteer_ids)) for _ in range(problem.capacity[j])]
    gain = np.zeros((n_req, len(columns) + n_req))
    for i in range(n_req):
        idx, scores = problem.candidates(i)
        value = dict(zip(idx.tolist(), (scores + 1).tolist(), strict=True))
        for c, j in enumerate(columns):
            gain[i, c] = value.get(j, -1e9)
        gain[i, len(columns) + i] = 0
        gain[i, len(columns) : len(columns) + i] = -1e9
        gain[i, len(columns) + i + 1 :] = -1e9
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return round(float(gain[rows, cols].sum()))


async def build_problem(
    *, session: AsyncSession, area_id: int, now: dt.datetime, tz: ZoneInfo = AMSTERDAM
) -> Problem:
    """Load every open request whose home area lies in `area_id` (and below) and every
    volunteer of the same network passing the volunteer-level hard filters."""
    tree = await area_tree(session)
    area_ids = (await areas.tree(session)).descendant_ids(area_id)
    network = [a for a in tree.by_id if tree.root(a) == tree.root(area_id)]
    area_index = {a: k for k, a in enumerate(network)}
    place = np.zeros((len(network), len(network)), dtype=np.int64)
    for a, ka in area_index.items():
        for b, kb in area_index.items():
            place[ka, kb] = tree.place(a, b).points

    req_rows = (
        await session.execute(
            select(HelpRequest.id, HelpRequest.area_id, HelpRequest.person_id)
            .where(HelpRequest.status == RequestStatus.OPEN, HelpRequest.area_id.in_(area_ids))
            .order_by(HelpRequest.id)
        )
    ).all()
    req_pos = {row.id: k for k, row in enumerate(req_rows)}
    r_langs = np.zeros(len(req_rows), dtype=np.int64)
    r_tasks = np.zeros(len(req_rows), dtype=np.int64)
    r_slots = np.zeros(len(req_rows), dtype=np.int64)
    ids = list(req_pos)
    for rid, code in await _rows(
        session, HelpRequestLanguage.request_id, HelpRequestLanguage.language, ids
    ):
        r_langs[req_pos[rid]] |= scoring.code_bits([code], SPOKEN_LANGUAGES)
    for rid, code in await _rows(session, HelpRequestTask.request_id, HelpRequestTask.task, ids):
        r_tasks[req_pos[rid]] |= scoring.code_bits([code], TASKS)
    for rid, weekday, part in (
        await session.execute(
            select(
                HelpRequestSlot.request_id, HelpRequestSlot.weekday, HelpRequestSlot.day_part
            ).where(HelpRequestSlot.request_id.in_(ids))
        )
    ).all():
        r_slots[req_pos[rid]] |= scoring.slot_bit((weekday, part))

    today = now.astimezone(tz).date()
    langs = _mask_by(PersonLanguage.person_id, PersonLanguage.language, SPOKEN_LANGUAGES)
    offers = _mask_by(Offer.person_id, Offer.task, TASKS)
    day_index = case(
        *[(AvailabilitySlot.day_part == part, k) for k, part in enumerate(scoring.DAY_PART_ORDER)],
        else_=0,
    )
    bit = literal(1).op("<<")(AvailabilitySlot.weekday * len(scoring.DAY_PART_ORDER) + day_index)
    slot_masks = (
        select(AvailabilitySlot.person_id.label("pid"), func.sum(bit).label("mask"))
        .group_by(AvailabilitySlot.person_id)
        .subquery()
    )
    vol_rows = (
        await session.execute(
            volunteer_features(now=now, today=today)
            .add_columns(
                func.coalesce(langs.c.mask, 0).label("langs"),
                func.coalesce(offers.c.mask, 0).label("tasks"),
                func.coalesce(slot_masks.c.mask, 0).label("slots"),
            )
            .outerjoin(langs, langs.c.pid == Person.id)
            .outerjoin(offers, offers.c.pid == Person.id)
            .outerjoin(slot_masks, slot_masks.c.pid == Person.id)
            .where(home_area().in_(network))
            .order_by(Person.id)
        )
    ).all()
    vol_pos = {row.id: k for k, row in enumerate(vol_rows)}
    v_langs = np.array([row.langs for row in vol_rows], dtype=np.int64)
    v_tasks = np.array([row.tasks for row in vol_rows], dtype=np.int64)
    v_slots = np.array([row.slots for row in vol_rows], dtype=np.int64)
    excluded = {
        (req_pos[rid], vol_pos[vid])
        for rid, vid in (
            await session.execute(
                select(Proposal.request_id, Proposal.volunteer_id).where(
                    Proposal.request_id.in_(ids)
                )
            )
        ).all()
        if vid in vol_pos
    }
    return Problem(
        request_ids=np.array([row.id for row in req_rows], dtype=np.int64),
        request_area=np.array([area_index.get(row.area_id, 0) for row in req_rows], dtype=np.int64),
        request_langs=r_langs,
        request_tasks=r_tasks,
        request_slots=r_slots,
        request_resident=np.array([row.person_id for row in req_rows], dtype=np.int64),
        volunteer_ids=np.array([row.id for row in vol_rows], dtype=np.int64),
        volunteer_area=np.array([area_index[row.home] for row in vol_rows], dtype=np.int64),
        volunteer_langs=v_langs,
        volunteer_tasks=v_tasks,
        volunteer_slots=v_slots,
        volunteer_points=np.array(
            [
                scoring.load_points(row.load) + scoring.rest_points(row.last, now)
                for row in vol_rows
            ],
            dtype=np.int64,
        ),
        capacity=np.array([max(0, row.free) for row in vol_rows], dtype=np.int64),
        place=place,
        excluded=excluded,
    )


def _mask_by(key, code, universe: tuple[str, ...]) -> Subquery:
    """SQL: per person, the bit mask of their codes (rows are unique, so SUM is OR)."""
    bits = case(*[(code == c, 1 << k) for k, c in enumerate(universe)], else_=0)
    return select(key.label("pid"), func.sum(bits).label("mask")).group_by(key).subquery()


def _or_into(target: np.ndarray, pos: np.ndarray, ids: list[int], bits: list[int]) -> None:
    """target[pos[id]] |= bit for every (id, bit) whose id has a position."""
    if not ids:
        return
    ids_arr = np.asarray(ids, dtype=np.int64)
    keep = ids_arr < len(pos)
    where = pos[ids_arr[keep]]
    ok = where >= 0
    np.bitwise_or.at(target, where[ok], np.asarray(bits, dtype=np.int64)[keep][ok])


async def _rows(session: AsyncSession, key, value, ids: list[int]) -> list[tuple[int, str]]:
    return list((await session.execute(select(key, value).where(key.in_(ids)))).all())


async def plan_area(
    *,
    session: AsyncSession,
    coordinator: Person,
    now: dt.datetime,
    area_id: int | None = None,
    prune: int = DEFAULT_PRUNE,
    tz: ZoneInfo = AMSTERDAM,
) -> Plan:
    """/koppelen: the best set of couples for all open requests of the coordinator's area
    (or `area_id` within it). Nothing is proposed yet: the coordinator reviews the plan and
    sends the proposals (`proposals.propose` per pair). Raises `NotAllowed`."""
    from bot.domain.errors import NotAllowed

    if coordinator.role != Role.COORDINATOR or coordinator.onboarded_at is None:
        raise NotAllowed()
    target = area_id or coordinator.area_id
    if coordinator.area_id not in await ancestor_ids(session, target):
        raise NotAllowed()
    problem = await build_problem(session=session, area_id=target, now=now, tz=tz)
    return solve(problem, prune=prune)
