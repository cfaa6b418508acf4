"""Hard bounds and the exact model's bound of design_areas, against enumeration."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

import libmatch

DATA = Path(__file__).resolve().parents[2] / "data"


def grid(rows: int, cols: int):
    cells = [
        shapely.box(x * 1000, y * 1000, x * 1000 + 1000, y * 1000 + 1000)
        for y in range(rows)
        for x in range(cols)
    ]
    return libmatch.AreaSet.from_wkb(shapely.to_wkb(cells), [f"u{i}" for i in range(len(cells))])


def contiguous_plans(units, k):
    """Every contiguous plan with k areas (labels in first-use order), by enumeration."""
    n = len(units)
    adj = units.adjacency()
    nb = {i: set() for i in range(n)}
    for a, b in zip(adj["a"], adj["b"]):
        nb[int(a)].add(int(b))
        nb[int(b)].add(int(a))

    def connected(lab):
        for r in range(k):
            members = [i for i in range(n) if lab[i] == r]
            seen, stack = {members[0]}, [members[0]]
            while stack:
                v = stack.pop()
                for w in nb[v]:
                    if lab[w] == r and w not in seen:
                        seen.add(w)
                        stack.append(w)
            if len(seen) != len(members):
                return False
        return True

    for lab in itertools.product(range(k), repeat=n):
        used = []
        for x in lab:
            if x not in used:
                used.append(x)
        if len(used) == k and used == sorted(used) and connected(lab):
            yield np.array(lab)


def test_bound_proves_the_enumerated_optimum():
    units = grid(2, 3)
    demand = np.array([3.0, 1, 4, 1, 5, 9])
    travel = libmatch.StraightLine(detour=1.0)
    w = {"compactness": 0.0}
    best = min(
        libmatch.evaluate_plan(units, lab, demand, travel=travel, weights=w).attrs["summary"][
            "objective"
        ]
        for lab in contiguous_plans(units, 2)
    )
    plan = libmatch.design_areas(units, demand, k=2, travel=travel, weights=w, bound=True)
    assert plan.status == "optimal"
    assert plan.bound <= best + 1e-9
    assert plan.bound >= best * (1 - 2e-3)
    assert plan.objective == pytest.approx(best, abs=1e-9)
    assert 0 <= plan.gap <= 2e-3


def test_bounds_are_honoured_and_reported():
    units = grid(2, 4)
    demand = np.array([2.0, 5, 1, 3, 4, 2, 6, 1])
    kw = {"demand_bounds": (0.8, 1.2), "max_units": 3, "must_link": [("u0", "u4")]}
    plan = libmatch.design_areas(units, demand, k=3, seed=1, **kw)
    ev = libmatch.evaluate_plan(units, plan.labels, demand, **kw)
    assert ev.attrs["summary"]["violations"] == []
    assert plan.labels[0] == plan.labels[4]
    share = demand.sum() / 3
    assert ((ev["demand"] >= 0.8 * share - 1e-9) & (ev["demand"] <= 1.2 * share + 1e-9)).all()
    assert (ev["units"] <= 3).all()
    # A plan violating them is reported bound by bound.
    bad = libmatch.evaluate_plan(units, [0, 0, 0, 0, 1, 1, 2, 2], demand, **kw)
    v = bad.attrs["summary"]["violations"]
    assert not bad.attrs["summary"]["feasible"]
    assert "max_units: area 0" in v and "must_link 'u0' 'u4'" in v


def test_infeasible_bounds_name_an_irreducible_conflict():
    units = grid(1, 3)
    demand = np.array([1.0, 1.0, 4.0])
    with pytest.raises(libmatch.InfeasibleBoundsError) as exc:
        libmatch.design_areas(units, demand, k=2, demand_bounds=(0.0, 1.01))
    assert exc.value.conflict == ["demand_hi"]
    assert isinstance(exc.value, ValueError)
    # Enumeration agrees: no contiguous plan keeps both areas under 1.01 x the share.
    share = demand.sum() / 2
    for lab in contiguous_plans(units, 2):
        assert np.bincount(lab, weights=demand).max() > 1.01 * share
    with pytest.raises(libmatch.InfeasibleBoundsError) as exc:
        libmatch.design_areas(
            units, demand, k=2, must_link=[("u0", "u1"), ("u1", "u2")], cannot_link=[("u0", "u2")]
        )
    assert sorted(exc.value.conflict) == [
        "cannot_link 'u0' 'u2'",
        "must_link 'u0' 'u1'",
        "must_link 'u1' 'u2'",
    ]


def test_fixed_units_keep_their_area():
    units = grid(2, 4)
    demand = np.ones(8)
    plan = libmatch.design_areas(units, demand, k=2, area_of={"u0": 1, "u7": 0})
    assert plan.labels[0] == 1 and plan.labels[7] == 0


def test_fixed_units_keep_their_area_from_an_initial_plan():
    # grid 3 x 4, u0..u11 row by row; the start puts u0 in W, area_of moves it to E, which
    # in the start does not touch it: the repair must keep u0 in E, not re-attach it to W
    units = grid(3, 4)
    start = ["W", "W", "E", "E"] * 3
    for area_of in ({"u0": "E"}, {"u0": "E", "u4": "E"}):
        plan = libmatch.design_areas(units, np.ones(12), None, initial=start, area_of=area_of)
        assert all(plan.assignment[u] == a for u, a in area_of.items())
        check = libmatch.evaluate_plan(units, plan.assignment, np.ones(12), area_of=area_of)
        assert check.attrs["summary"]["feasible"]
    with pytest.raises(libmatch.InvalidInputError, match="fixed to its initial area"):
        libmatch.design_areas(
            units,
            np.ones(12),
            None,
            initial=start,
            fixed=[True] + [False] * 11,
            area_of={"u0": "E"},
        )
    # with labels, a number is a label, never a position among them
    with pytest.raises(libmatch.InvalidInputError, match="area labels"):
        libmatch.evaluate_plan(units, [0, 0, 2, 2] * 3, np.ones(12), area_of={"u3": 1})


def test_linked_units_too_far_apart_for_max_units_are_a_conflict_at_once():
    units = grid(4, 4)  # u0 and u15 are opposite corners: 7 units at least between them
    problem = libmatch.DesignProblem(units, np.ones(16), travel=libmatch.StraightLine())
    for kw, named in (
        ({"must_link": [("u0", "u15")]}, "must_link 'u0' 'u15'"),
        ({"area_of": {"u0": 0, "u15": 0}}, "area_of 'u15'"),
    ):
        with pytest.raises(libmatch.InfeasibleBoundsError) as exc:
            problem.design(3, max_units=6, bound_time_limit_s=600, **kw)
        assert "max_units" in exc.value.conflict and len(exc.value.conflict) in (2, 3)
        assert any(named in c for c in exc.value.conflict), exc.value.conflict
    problem.design(3, max_units=7, must_link=[("u0", "u15")])  # 7 units: possible


def test_bad_bounds_are_typed_errors():
    units = grid(1, 3)
    demand = np.ones(3)
    with pytest.raises(libmatch.InvalidTypeError):
        libmatch.design_areas(units, demand, k=2, demand_bounds="tight")
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.design_areas(units, demand, k=2, demand_bounds=(1.2, 1.1))
    with pytest.raises(libmatch.UnknownIdError):
        libmatch.design_areas(units, demand, k=2, must_link=[("u0", "nope")])
    with pytest.raises(libmatch.InvalidTypeError):
        libmatch.design_areas(units, demand, k=2, max_units=2.5)
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.design_areas(units, demand, k=2, area_of={"u0": 7})
    with pytest.raises(libmatch.InvalidInputError):  # bound needs a travel matrix
        libmatch.design_areas(units, demand, k=2, bound=True)


# Small grids (rows, cols, k, seed, demand scale; 0.37: fractional demand) for the bounds.
SMALL_GRIDS = [(2, 4, 3, 1, 1.0), (3, 3, 3, 2, 1.0), (2, 5, 2, 3, 0.37), (3, 3, 2, 4, 0.37)]


def enumerated(rows, cols, k, seed, scale):
    """Grid units, random demand, straight-line travel, and (summary, labels) of every
    contiguous plan."""
    units = grid(rows, cols)
    demand = np.random.default_rng(seed).integers(0, 30, rows * cols) * scale
    travel = libmatch.StraightLine(detour=1.0)
    plans = [
        (libmatch.evaluate_plan(units, lab, demand, travel=travel).attrs["summary"], lab)
        for lab in contiguous_plans(units, k)
    ]
    return units, demand, travel, plans


@pytest.mark.parametrize(("rows", "cols", "k", "seed", "scale"), SMALL_GRIDS)
def test_lagrangian_bound_is_below_the_enumerated_optimum(rows, cols, k, seed, scale):
    units, demand, travel, plans = enumerated(rows, cols, k, seed, scale)
    best = min(s["objective"] for s, _ in plans)
    worst = max(plans, key=lambda t: t[0]["objective"])[1]
    # The worst plan, kept as it is: the bound is not capped by an optimal incumbent.
    plan = libmatch.design_areas(
        units,
        demand,
        k=k,
        travel=travel,
        initial=worst,
        fixed=np.ones(len(worst), bool),
        bound=True,
        bound_method="lagrangian",
    )
    assert plan.objective > best + 1e-6
    assert plan.bound == plan.bound_lagrangian
    assert plan.bound_mip == -np.inf  # not run
    assert plan.bound <= best + 1e-9
    assert plan.bound >= 0.95 * best  # a useful bound, not a trivial one
    assert plan.gap == pytest.approx((plan.objective - plan.bound) / plan.objective)


def test_bound_method_is_checked():
    units = grid(2, 3)
    demand = np.array([3.0, 1, 4, 1, 5, 9])
    travel = libmatch.StraightLine(detour=1.0)
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.design_areas(units, demand, k=2, travel=travel, bound=True, bound_method="lp")
    # The MIP alone leaves the Lagrangian bound unset, and proves this small optimum.
    plan = libmatch.design_areas(units, demand, k=2, travel=travel, bound=True, bound_method="mip")
    assert plan.bound_lagrangian == -np.inf
    assert plan.bound == plan.bound_mip


@pytest.mark.parametrize(("rows", "cols", "k", "seed", "scale"), SMALL_GRIDS)
def test_colgen_bound_is_below_the_enumerated_optimum_and_proves_it(rows, cols, k, seed, scale):
    units, demand, travel, plans = enumerated(rows, cols, k, seed, scale)
    summaries = [s for s, _ in plans]
    best = min(s["objective"] for s in summaries)
    # The bound covers balance + travel (compactness at its floor 0).
    core = min(s["objective"] - 0.01 * (1 - s["compactness"]) for s in summaries)
    plan = libmatch.design_areas(
        units, demand, k=k, travel=travel, bound=True, bound_method="colgen"
    )
    assert plan.bound == plan.bound_colgen
    assert plan.bound_lagrangian == -np.inf and plan.bound_mip == -np.inf  # not run
    assert plan.bound <= core + 1e-9
    assert plan.objective == pytest.approx(best, abs=1e-9)
    assert plan.status == "optimal"


def test_bound_searches_thoroughly_unless_told_otherwise():
    units = grid(3, 3)
    demand = np.arange(1, 10, dtype=float)
    travel = libmatch.StraightLine(detour=1.0)
    n = len(demand)

    def run(**kw):
        return libmatch.design_areas(units, demand, k=3, travel=travel, bound_time_limit_s=5, **kw)

    # effort="thorough": 32 starts of max(20000, 1000 n) proposals; bound=True's default.
    thorough = 32 * max(20000, 1000 * n)
    assert run(bound=True).iterations == thorough
    assert run(effort="thorough").iterations == thorough
    # Any search setting given keeps the caller's search.
    assert run(bound=True, starts=2).iterations == 2 * max(2000, 50 * n)
    assert run(bound=True, effort="default").iterations == 8 * max(2000, 50 * n)
    assert run(bound=True, iterations=500, starts=1).iterations == 500
    assert run(effort="thorough", starts=3).iterations == 3 * max(20000, 1000 * n)
    with pytest.raises(libmatch.InvalidInputError, match="effort must be one of"):
        run(effort="exhaustive")
    # At most 500,000 proposals per start, however many units (here 600).
    big = libmatch.design_areas(
        grid(24, 25), np.ones(600), k=3, travel=travel, effort="thorough", starts=1
    )
    assert big.iterations == 500_000


@pytest.mark.parametrize(("rows", "cols", "k", "seed", "scale"), SMALL_GRIDS)
def test_thorough_search_finds_the_enumerated_optimum(rows, cols, k, seed, scale):
    units, demand, travel, plans = enumerated(rows, cols, k, seed, scale)
    best = min(s["objective"] for s, _ in plans)
    problem = libmatch.DesignProblem(units, demand, travel=travel)
    plan = problem.design(k, seed=seed, effort="thorough", threads=2)
    assert plan.objective == pytest.approx(best, abs=1e-9)
    assert np.array_equal(
        plan.labels, problem.design(k, seed=seed, effort="thorough", threads=1).labels
    )


def test_a_fast_search_that_misses_the_bounds_tries_the_default_search_first():
    """effort='fast' (one start, no annealing) finds no plan within these bounds on the
    bundled municipalities; the default search does, so the exact model is not needed."""
    units = libmatch.read_areas(DATA / "municipalities.geojson", "id")
    farms = pd.read_csv(DATA / "farms.csv")
    idx = units.locate(farms[["x", "y"]].to_numpy(float))
    demand = np.bincount(idx[idx >= 0], minlength=len(units)).astype(float)
    bounds = {"demand_bounds": (0.9, 1.1), "max_travel_km": 60, "min_units": 3, "max_units": 14}
    fast = libmatch.design_areas(units, demand, 6, effort="fast", bound_time_limit_s=5, **bounds)
    full = libmatch.design_areas(units, demand, 6, **bounds)
    check = libmatch.evaluate_plan(units, fast.labels, demand, **bounds)
    assert check.attrs["summary"]["violations"] == []
    assert fast.objective == pytest.approx(full.objective, rel=0.05)
