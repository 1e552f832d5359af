"""The coupling score, its reasons, working days, the check-in schedule and the exact
assignment, without I/O."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from bot.domain.coupling import assignment
from bot.domain.coupling.checkins import next_checkin_at
from bot.domain.coupling.scoring import AreaInfo, AreaTree, Place, reasons, score
from bot.domain.coupling.vocabulary import ReasonKind as R
from bot.domain.coupling.workdays import add_working_days

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)

# Stadsdeel 1 > gebieden 2 (west), 3 (oost) > wijken 10, 11 (west, 0.6 km apart), 12 (oost,
# no buurten, 0.9 km from 11), 13 (oost, far) > buurten 100, 101 (in 10), 110 (in 11).
TREE = AreaTree(
    [
        AreaInfo(1, "Centrum", "stadsdeel", None),
        AreaInfo(2, "Centrum-West", "gebied", 1),
        AreaInfo(3, "Centrum-Oost", "gebied", 1),
        AreaInfo(10, "Jordaan", "wijk", 2, 52.375, 4.881),
        AreaInfo(11, "Grachtengordel-West", "wijk", 2, 52.372, 4.889),
        AreaInfo(12, "Burgwallen-Oude Zijde", "wijk", 3, 52.373, 4.902),
        AreaInfo(13, "Oostelijke Eilanden", "wijk", 3, 52.372, 4.918),
        AreaInfo(100, "Marnixbuurt Noord", "buurt", 10),
        AreaInfo(101, "Bloemgrachtbuurt", "buurt", 10),
        AreaInfo(110, "Leliegracht e.o.", "buurt", 11),
    ]
)


@pytest.mark.parametrize(
    ("request_area", "volunteer_area", "expected"),
    [
        (100, 100, Place(40, R.SAME_BUURT, "Marnixbuurt Noord")),
        (100, 101, Place(30, R.SIBLING_BUURT, "Jordaan")),
        (100, 10, Place(25, R.SAME_WIJK, "Jordaan")),  # volunteer chose no buurt
        (10, 101, Place(25, R.SAME_WIJK, "Jordaan")),  # resident chose no buurt
        (100, 110, Place(15, R.NEARBY_WIJK, "Grachtengordel-West")),  # centres 0.6 km
        (110, 12, Place(15, R.NEARBY_WIJK, "Burgwallen-Oude Zijde")),  # no buurten there
        (12, 13, Place(10, R.SAME_GEBIED, "Centrum-Oost")),  # 1.1 km apart
        (100, 13, Place(0, None, None)),
        (100, 1, Place(0, None, None)),  # volunteer known only by stadsdeel
    ],
)
def test_place_follows_the_area_tree_and_wijk_centres(
    request_area: int, volunteer_area: int, expected: Place
) -> None:
    assert TREE.place(request_area, volunteer_area) == expected


def test_score_adds_place_times_load_and_rest() -> None:
    place = Place(40, R.SAME_BUURT, "Marnixbuurt Noord")
    never = score(
        place=place, shared_slots=1, request_has_times=True, load=0, last_coupled_at=None, now=NOW
    )
    assert never == 40 + 5 + 15 + 10
    busy = score(
        place=place,
        shared_slots=6,
        request_has_times=True,
        load=2,
        last_coupled_at=NOW - dt.timedelta(days=40),
        now=NOW,
    )
    assert busy == 40 + 20 + 5 + 2  # 4 slots counted at most; 40 days = 2 rest points
    anytime = score(
        place=Place(0, None, None),
        shared_slots=0,
        request_has_times=False,
        load=9,
        last_coupled_at=NOW,
        now=NOW,
    )
    assert anytime == 0 + 10 + 0 + 0


def test_same_buurt_beats_a_free_volunteer_further_away() -> None:
    near = score(
        place=TREE.place(100, 100),
        shared_slots=0,
        request_has_times=True,
        load=1,
        last_coupled_at=NOW - dt.timedelta(days=20),
        now=NOW,
    )
    far = score(
        place=TREE.place(100, 12),
        shared_slots=2,
        request_has_times=True,
        load=0,
        last_coupled_at=None,
        now=NOW,
    )
    assert near == 40 + 0 + 10 + 1
    assert far == 0 + 10 + 15 + 10
    assert near > far


def test_reasons_in_display_order() -> None:
    why = reasons(
        place=TREE.place(100, 100),
        languages={"tr", "nl"},
        tasks={"shopping", "company"},
        slots={(4, "morning"), (2, "afternoon")},
        couples=0,
    )
    assert why == [
        (R.SAME_BUURT, "Marnixbuurt Noord"),
        (R.LANGUAGE, "tr"),  # Dutch is left out when another language is shared
        (R.TASK, "shopping"),
        (R.TASK, "company"),
        (R.TIME, (2, "afternoon")),
        (R.TIME, (4, "morning")),
        (R.NO_COUPLE, None),
    ]


def test_reasons_name_dutch_when_it_is_the_only_shared_language_and_count_couples() -> None:
    why = reasons(
        place=Place(0, None, None), languages={"nl"}, tasks={"paperwork"}, slots=(), couples=2
    )
    assert why == [(R.LANGUAGE, "nl"), (R.TASK, "paperwork"), (R.LOAD, 2)]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Friday 10:00 CET -> Tuesday 10:00 (the weekend does not count)
        (dt.datetime(2027, 1, 8, 9, 0, tzinfo=UTC), dt.datetime(2027, 1, 12, 9, 0, tzinfo=UTC)),
        # Saturday -> Tuesday
        (dt.datetime(2027, 1, 9, 9, 0, tzinfo=UTC), dt.datetime(2027, 1, 12, 9, 0, tzinfo=UTC)),
        # Friday 23 April 2027 -> Koningsdag (Tue 27 April) skipped -> Wednesday 28 April
        (dt.datetime(2027, 4, 23, 8, 0, tzinfo=UTC), dt.datetime(2027, 4, 28, 8, 0, tzinfo=UTC)),
        # Thursday 24 Dec 2026 -> Christmas and Boxing Day, weekend -> Tuesday 29 Dec
        (dt.datetime(2026, 12, 24, 9, 0, tzinfo=UTC), dt.datetime(2026, 12, 29, 9, 0, tzinfo=UTC)),
        # Thursday 25 March 2027 10:00 CET -> Good Friday and Easter Monday (both in the
        # holidays package's NL calendar), weekend -> Wednesday 31 March 10:00 CEST
        (dt.datetime(2027, 3, 25, 9, 0, tzinfo=UTC), dt.datetime(2027, 3, 31, 8, 0, tzinfo=UTC)),
    ],
)
def test_two_working_days(start: dt.datetime, expected: dt.datetime) -> None:
    assert add_working_days(start, 2) == expected


def test_check_in_schedule_one_week_four_weeks_then_every_three_months() -> None:
    since = dt.datetime(2027, 1, 31, 18, 30, tzinfo=UTC)  # 19:30 in Amsterdam
    assert next_checkin_at(since, 1) == dt.datetime(2027, 2, 7, 18, 30, tzinfo=UTC)
    assert next_checkin_at(since, 2) == dt.datetime(2027, 2, 28, 18, 30, tzinfo=UTC)
    # 28 Feb + 3 months = 28 May, 19:30 CEST = 17:30 UTC
    assert next_checkin_at(since, 3) == dt.datetime(2027, 5, 28, 17, 30, tzinfo=UTC)
    assert next_checkin_at(since, 4) == dt.datetime(2027, 8, 28, 17, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        next_checkin_at(since, 0)


def _problem(rng: np.random.Generator, n_req: int, n_vol: int) -> assignment.Problem:
    return assignment.Problem(
        request_ids=np.arange(1, n_req + 1),
        request_area=rng.integers(0, 4, n_req),
        request_langs=rng.choice([1, 2, 3], n_req),
        request_tasks=rng.choice([1, 2, 4, 3], n_req),
        request_slots=np.where(rng.random(n_req) < 0.5, 0, rng.integers(1, 1 << 21, n_req)),
        request_resident=np.full(n_req, -1),
        volunteer_ids=np.arange(100, 100 + n_vol),
        volunteer_area=rng.integers(0, 4, n_vol),
        volunteer_langs=rng.choice([1, 2, 3], n_vol),
        volunteer_tasks=rng.integers(1, 8, n_vol),
        volunteer_slots=rng.integers(0, 1 << 21, n_vol),
        volunteer_points=rng.integers(0, 26, n_vol),
        capacity=rng.choice([0, 1, 2, 3], n_vol),
        place=rng.integers(0, 41, (4, 4)),
        excluded={(0, 0), (1, 1)},
    )


@pytest.mark.parametrize("seed", range(6))
def test_assignment_equals_a_dense_exact_solver_and_respects_every_maximum(seed: int) -> None:
    problem = _problem(np.random.default_rng(seed), n_req=25, n_vol=12)
    plan = assignment.solve(problem)
    assert plan.objective == assignment.solve_dense(problem)
    used: dict[int, int] = {}
    for request_id, volunteer_id, points in plan.pairs:
        i, j = request_id - 1, volunteer_id - 100
        idx, scores = problem.candidates(i)
        assert j in idx.tolist() and (i, j) not in problem.excluded
        assert points == scores[idx.tolist().index(j)]
        used[j] = used.get(j, 0) + 1
    assert all(count <= problem.capacity[j] for j, count in used.items())
    assert sorted([r for r, _, _ in plan.pairs] + plan.unassigned) == list(range(1, 26))


def test_requests_nobody_can_take_are_reported() -> None:
    problem = _problem(np.random.default_rng(1), n_req=5, n_vol=3)
    problem.capacity[:] = 0
    plan = assignment.solve(problem)
    assert plan.pairs == [] and plan.unassigned == [1, 2, 3, 4, 5] and plan.objective == 0
