"""Tests of libmatch.solve_assignment against OR-Tools, NetworkX and brute force."""

from __future__ import annotations

import concurrent.futures
import doctest
import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow

import libmatch
import libmatch.flow

# ---------------------------------------------------------------------------- helpers


def random_instance(rng, n, m, deg, cmax, cap_ratio, with_load, low_unassigned):
    """Random sparse instance; load costs as an (m, width) matrix or None."""
    deg_per_row = rng.integers(0, deg + 1, n)
    rows = np.repeat(np.arange(n), deg_per_row).astype(np.int64)
    cols = rng.integers(0, m, len(rows)).astype(np.int64)
    costs = rng.integers(-cmax // 10, cmax + 1, len(rows)).astype(np.int64)
    caps = rng.multinomial(int(round(n * cap_ratio)), np.ones(m) / m).astype(np.int64)
    caps[rng.random(m) < 0.1] = 0  # some zero-capacity columns
    hi = cmax if low_unassigned else 3 * cmax
    unassigned = rng.integers(0, hi + 1, n).astype(np.int64)
    load = None
    if with_load:
        width = int(caps.max(initial=0)) + int(rng.integers(0, 3))
        load = np.sort(rng.integers(-cmax // 10, cmax // 2 + 1, (m, width)), axis=1)
    return rows, cols, costs, caps, unassigned, load


def ortools_objective(n, m, rows, cols, costs, caps, unassigned, load=None):
    """Optimum of the same problem as a min-cost flow (load costs as parallel unit arcs)."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    sink = n + m
    tails = [rows, np.arange(n)]
    heads = [n + cols, np.full(n, sink)]
    capacity = [np.ones(len(rows)), np.ones(n)]
    unit = [costs, unassigned]
    if load is None:
        tails.append(n + np.arange(m))
        heads.append(np.full(m, sink))
        capacity.append(caps)
        unit.append(np.zeros(m))
    else:
        for j in range(m):
            k = int(caps[j])
            tails.append(np.full(k, n + j))
            heads.append(np.full(k, sink))
            capacity.append(np.ones(k))
            unit.append(load[j][:k])
    as64 = lambda parts: np.concatenate(parts).astype(np.int64)  # noqa: E731
    smcf.add_arcs_with_capacity_and_unit_cost(as64(tails), as64(heads), as64(capacity), as64(unit))
    supplies = np.zeros(n + m + 1, np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    smcf.set_nodes_supplies(np.arange(n + m + 1), supplies)
    assert smcf.solve() == smcf.OPTIMAL
    return smcf.optimal_cost()


def networkx_objective(n, m, rows, cols, costs, caps, unassigned, load=None):
    """Exact optimum with Python integers (for costs beyond OR-Tools' range)."""
    g = nx.MultiDiGraph()
    g.add_node("s", demand=-n)
    g.add_node("t", demand=n)
    for i in range(n):
        g.add_edge("s", ("r", i), capacity=1, weight=0)
        g.add_edge(("r", i), "t", capacity=1, weight=int(unassigned[i]))
    for r, c, w in zip(rows.tolist(), cols.tolist(), costs.tolist()):
        g.add_edge(("r", r), ("c", c), capacity=1, weight=w)
    for j in range(m):
        for k in range(int(caps[j])):
            g.add_edge(("c", j), "t", capacity=1, weight=0 if load is None else int(load[j][k]))
    cost, _ = nx.network_simplex(g)
    return cost


def recomputed_cost(n, m, rows, cols, costs, caps, unassigned, load, res):
    """Checks the result is feasible; returns its cost computed from scratch."""
    col_of_row = res.col_of_row
    assert col_of_row.dtype == np.int64 and col_of_row.shape == (n,)
    assert res.col_load.dtype == np.int64 and res.col_load.shape == (m,)
    best = {}
    for r, c, w in zip(rows.tolist(), cols.tolist(), costs.tolist()):
        best[(r, c)] = min(best.get((r, c), w), w)
    loads = np.zeros(m, np.int64)
    total = 0
    for i, j in enumerate(col_of_row.tolist()):
        if j < 0:
            assert j == -1
            total += int(unassigned[i])
        else:
            assert (i, j) in best, f"row {i} assigned to column {j} without an arc"
            total += best[(i, j)]
            loads[j] += 1
    assert np.array_equal(loads, res.col_load)
    assert np.all(loads <= caps)
    if load is not None:
        total += sum(int(np.sum(load[j][: loads[j]])) for j in range(m))
    return total


def brute_force(n, m, rows, cols, costs, caps, unassigned, load):
    best = {}
    for r, c, w in zip(rows.tolist(), cols.tolist(), costs.tolist()):
        best[(r, c)] = min(best.get((r, c), w), w)
    options = [[-1] + sorted(c for (r, c) in best if r == i) for i in range(n)]
    result = None
    for choice in itertools.product(*options):
        loads = np.bincount([j for j in choice if j >= 0], minlength=m)
        if np.any(loads > caps):
            continue
        total = sum(int(unassigned[i]) if j < 0 else best[(i, j)] for i, j in enumerate(choice))
        if load is not None:
            total += sum(int(np.sum(load[j][: loads[j]])) for j in range(m))
        result = total if result is None else min(result, total)
    return result


def solve(rows, cols, costs, caps, unassigned, load, n, m):
    return libmatch.solve_assignment(n, m, rows, cols, costs, caps, unassigned, load)


# ----------------------------------------------------------------- exactness checks


@pytest.mark.parametrize("seed", range(240))
def test_matches_ortools(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.choice([1, 5, 30, 120, 400]))
    m = int(rng.choice([1, 3, 10, 40]))
    deg = int(rng.choice([1, 3, 8, 20]))
    cmax = int(rng.choice([3, 100, 10_000, 10**7]))
    cap_ratio = float(rng.choice([0.3, 0.8, 1.0, 1.2, 2.0]))
    with_load = seed % 2 == 1
    low_unassigned = seed % 3 == 0
    inst = random_instance(rng, n, m, deg, cmax, cap_ratio, with_load, low_unassigned)
    res = solve(*inst, n, m)
    assert res.status == "optimal"
    assert isinstance(res.objective, int)
    assert res.objective == ortools_objective(n, m, *inst)
    assert recomputed_cost(n, m, *inst, res) == res.objective


@pytest.mark.parametrize("seed", range(150))
def test_matches_brute_force(seed):
    rng = np.random.default_rng(10_000 + seed)
    n = int(rng.integers(0, 6))
    m = int(rng.integers(1, 4))
    inst = random_instance(
        rng,
        n,
        m,
        3,
        int(rng.choice([3, 50])),
        float(rng.choice([0.5, 1.5])),
        seed % 2 == 0,
        seed % 3 == 0,
    )
    res = solve(*inst, n, m)
    assert res.objective == brute_force(n, m, *inst)
    assert recomputed_cost(n, m, *inst, res) == res.objective


@pytest.mark.parametrize("seed", range(6))
def test_huge_costs_match_networkx(seed):
    # Costs far beyond the int64 price range: the solver switches to 128-bit prices.
    rng = np.random.default_rng(500 + seed)
    n, m = 25, 4
    inst = list(random_instance(rng, n, m, 3, 1000, 0.8, seed % 2 == 0, seed % 3 == 0))
    scale = 10**13
    inst[4] = inst[4] * scale
    if inst[5] is not None:
        inst[5] = inst[5] * scale
    inst[2] = inst[2] * scale + rng.integers(0, 1000, len(inst[2]))
    res = solve(*inst, n, m)
    assert res.objective == networkx_objective(n, m, *inst)
    assert recomputed_cost(n, m, *inst, res) == res.objective


def test_medium_with_load_costs_matches_ortools():
    rng = np.random.default_rng(99)
    n, m = 4000, 150
    rows = np.repeat(np.arange(n), 30)
    cols = rng.integers(0, m, len(rows))
    costs = rng.integers(0, 5000, len(rows))
    caps = np.minimum(rng.multinomial(n, np.ones(m) / m), 30)
    load = np.cumsum(rng.integers(0, 200, (m, 30)), axis=1)
    unassigned = np.full(n, 6000)
    res = libmatch.solve_assignment(n, m, rows, cols, costs, caps, unassigned, load)
    assert res.objective == ortools_objective(n, m, rows, cols, costs, caps, unassigned, load)
    assert recomputed_cost(n, m, rows, cols, costs, caps, unassigned, load, res) == res.objective


def adversarial_instance(kind, n):
    """Instances that stress the auction: long eviction chains, price wars, many ties."""
    if kind == "chain":
        # Row k likes column k (cost 0) and column k + 1 (cost 1); the extra last row wants
        # column 0 only, so placing it shifts a chain of n - 1 rows one column along.
        m = n - 1
        k = np.arange(m)
        rows = np.concatenate([k, k[:-1], [m]])
        cols = np.concatenate([k, k[:-1] + 1, [0]])
        costs = np.concatenate([np.zeros(m), np.ones(m - 1), [0]])
        unassigned = np.full(n, 3 * n)
        return m, rows, cols, costs, np.ones(m, np.int64), unassigned, None
    rng = np.random.default_rng(n)
    m = 40
    if kind == "ties":  # everybody connects to every column at one of two costs
        rows = np.repeat(np.arange(n), m)
        cols = np.tile(np.arange(m), n)
        costs = 100 * (cols % 2)
        unassigned = np.full(n, 150)
    else:  # "ring": rows connect to a window of columns around a ring, steep load costs
        width = 6
        start = rng.integers(0, m, n)
        rows = np.repeat(np.arange(n), width)
        cols = (np.repeat(start, width) + np.tile(np.arange(width), n)) % m
        costs = 1000 * np.tile(np.arange(width), n) + rng.integers(0, 3, n * width)
        unassigned = np.full(n, 5200)
    caps = rng.multinomial(int(0.9 * n), np.ones(m) / m)
    load = np.cumsum(rng.integers(0, 4, (m, int(caps.max()))), axis=1)
    return m, rows, cols, costs.astype(np.int64), caps, unassigned, load


@pytest.mark.parametrize("kind", ["chain", "ties", "ring"])
@pytest.mark.parametrize("n", [300, 2500])
def test_adversarial_matches_ortools(kind, n):
    m, *inst = adversarial_instance(kind, n)
    inst = [np.asarray(a, np.int64) if a is not None else None for a in inst]
    res = solve(*inst, n, m)
    assert res.objective == ortools_objective(n, m, *inst)
    assert recomputed_cost(n, m, *inst, res) == res.objective
    again = solve(*inst, n, m)
    assert np.array_equal(again.col_of_row, res.col_of_row)


# ----------------------------------------------------------------------- properties


@st.composite
def instances(draw):
    n = draw(st.integers(0, 25))
    m = draw(st.integers(1, 6))
    arcs = draw(
        st.lists(
            st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, m - 1), st.integers(-50, 200)),
            max_size=4 * n if n else 0,
        )
    )
    caps = draw(st.lists(st.integers(0, 6), min_size=m, max_size=m))
    unassigned = draw(st.lists(st.integers(0, 250), min_size=n, max_size=n))
    load = None
    if draw(st.booleans()):
        load = [sorted(draw(st.lists(st.integers(-20, 80), min_size=c, max_size=c))) for c in caps]
    rows = np.array([a[0] for a in arcs], np.int64)
    cols = np.array([a[1] for a in arcs], np.int64)
    costs = np.array([a[2] for a in arcs], np.int64)
    perm = draw(st.permutations(range(len(arcs))))
    return (
        n,
        m,
        rows,
        cols,
        costs,
        np.array(caps, np.int64),
        np.array(unassigned, np.int64),
        load,
        np.array(perm, np.int64),
    )


@settings(max_examples=150, deadline=None)
@given(instances())
def test_properties(inst):
    n, m, rows, cols, costs, caps, unassigned, load, perm = inst
    res = libmatch.solve_assignment(n, m, rows, cols, costs, caps, unassigned, load)
    assert np.all(res.col_load <= caps)
    assert np.all((res.col_of_row >= -1) & (res.col_of_row < m))
    # each row at most one column, through one of its own arcs; the cost adds up
    assert recomputed_cost(n, m, rows, cols, costs, caps, unassigned, load, res) == res.objective
    # arc order does not change the optimum
    res2 = libmatch.solve_assignment(
        n, m, rows[perm], cols[perm], costs[perm], caps, unassigned, load
    )
    assert res2.objective == res.objective
    # deterministic
    res3 = libmatch.solve_assignment(n, m, rows, cols, costs, caps, unassigned, load)
    assert np.array_equal(res3.col_of_row, res.col_of_row)


# ------------------------------------------------------------------- API behaviour


def test_docstring_examples():
    result = doctest.testmod(libmatch.flow, raise_on_error=False)
    assert result.attempted > 0 and result.failed == 0


def test_exported():
    assert "solve_assignment" in libmatch.flow.__all__
    assert libmatch.solve_assignment is libmatch.flow.solve_assignment
    assert libmatch.AssignmentResult is libmatch.flow.AssignmentResult


def test_empty_problem():
    res = libmatch.solve_assignment(0, 3, [], [], [], [1, 2, 0], 0)
    assert res.col_of_row.shape == (0,) and res.objective == 0
    assert res.col_load.tolist() == [0, 0, 0]
    assert "optimal" in repr(res)
    res = libmatch.solve_assignment(
        0,
        0,
        np.zeros(0, np.int32),
        np.zeros(0, np.int32),
        np.zeros(0, np.int64),
        np.zeros(0, np.int64),
        5,
    )
    assert res.col_load.shape == (0,)


def test_scalar_and_array_unassigned_and_integer_dtypes():
    rows, cols, costs = [0, 1, 2], [0, 0, 1], [5, 1, 2]
    a = libmatch.solve_assignment(3, 2, rows, cols, costs, [1, 1], 4)
    b = libmatch.solve_assignment(
        3,
        2,
        np.array(rows, np.uint8),
        np.array(cols, np.int16),
        np.array(costs, np.int32),
        np.array([1, 1], np.uint64),
        np.array([4, 4, 4], np.int8),
    )
    c = libmatch.solve_assignment(np.int64(3), 2, rows, cols, costs, [1, 1], np.int32(4))
    assert a.col_of_row.tolist() == b.col_of_row.tolist() == c.col_of_row.tolist() == [-1, 0, 1]
    assert a.objective == b.objective == c.objective == 4 + 1 + 2


def test_load_cost_forms_agree():
    caps = np.array([2, 0, 3])
    matrix = np.array([[1, 4, 99], [7, 7, 7], [0, 0, 5]])
    ragged = [np.array([1, 4]), np.array([], np.int64), np.array([0, 0, 5, 6])]
    rows = np.repeat(np.arange(6), 3)
    cols = np.tile([0, 1, 2], 6)
    costs = np.arange(18) % 7
    a = libmatch.solve_assignment(6, 3, rows, cols, costs, caps, 8, matrix)
    b = libmatch.solve_assignment(6, 3, rows, cols, costs, caps, 8, ragged)
    assert a.objective == b.objective
    assert a.col_of_row.tolist() == b.col_of_row.tolist()


def test_threads_give_identical_results():
    rng = np.random.default_rng(3)
    inst = random_instance(rng, 3000, 60, 10, 1000, 0.9, True, False)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: solve(*inst, 3000, 60), range(4)))
    for r in results[1:]:
        assert np.array_equal(r.col_of_row, results[0].col_of_row)
        assert r.objective == results[0].objective


# --------------------------------------------------------------------- bad inputs

GOOD = {
    "n_rows": 2,
    "n_cols": 2,
    "rows": np.array([0, 1]),
    "cols": np.array([0, 1]),
    "costs": np.array([1, 2]),
    "capacities": np.array([1, 1]),
    "unassigned_cost": 10,
    "load_costs": None,
}


def call(**changes):
    kwargs = {**GOOD, **changes}
    return libmatch.solve_assignment(**kwargs)


def test_good_input_solves():
    assert call().objective == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"rows": np.array([0.0, 1.0])},
        {"costs": np.array([1.5, 2.0])},
        {"capacities": np.array([True, True])},
        {"cols": np.array(["a", "b"])},
        {"unassigned_cost": 10.0},
        {"unassigned_cost": np.array([1.0, 2.0])},
        {"n_rows": 2.0},
        {"n_cols": "2"},
        {"load_costs": np.array([[0.5], [1.0]])},
        {"load_costs": 5},
    ],
)
def test_wrong_dtype_raises_type_error(changes):
    with pytest.raises(libmatch.InvalidTypeError):
        call(**changes)
    with pytest.raises(TypeError):
        call(**changes)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"rows": np.array([0, 2])}, r"rows\[1\] is out of range \[0, n_rows = 2\)"),
        ({"cols": np.array([-1, 1])}, r"cols\[0\] is out of range"),
        ({"costs": np.array([1])}, "costs has 1 entries, rows 2"),
        ({"rows": np.array([[0, 1]])}, "1-D"),
        ({"capacities": np.array([1, -1])}, r"capacities\[1\] is negative"),
        ({"capacities": np.array([1, 1, 1])}, "capacities has 3 entries"),
        ({"unassigned_cost": -1}, r"unassigned_cost\[0\] is negative"),
        ({"unassigned_cost": np.array([1, 2, 3])}, "unassigned_cost has 3 entries"),
        ({"n_rows": -1}, "n_rows = -1"),
        ({"n_cols": -5}, "n_cols = -5"),
        (
            {"load_costs": np.array([[0], [3]]), "capacities": np.array([1, 2])},
            "column 1 has capacity 2 but only 1 load costs",
        ),
        (
            {"load_costs": np.array([[2, 1], [0, 0]]), "capacities": np.array([2, 1])},
            r"load_costs\[0\] decreases at entry 1",
        ),
        ({"load_costs": np.array([[0, 0]])}, "load_costs has 1 rows, expected n_cols = 2"),
        ({"load_costs": [np.array([0])]}, "load_costs has 1 entries"),
        ({"load_costs": np.zeros(2, np.int64)}, "2-D"),
        ({"costs": np.array([2**63, 1], np.uint64)}, "int64 range"),
    ],
)
def test_bad_values_raise_value_error(changes, match):
    with pytest.raises(libmatch.InvalidInputError, match=match):
        call(**changes)
    with pytest.raises(ValueError):
        call(**changes)


def test_overflow_raises_overflow_error():
    big = np.iinfo(np.int64).max // 2 + 1  # two rows: the objective could exceed int64
    with pytest.raises(libmatch.CostOverflowError, match="exceeds int64"):
        call(unassigned_cost=np.array([big, big]), costs=np.array([0, 0]))
    with pytest.raises(OverflowError):
        call(unassigned_cost=np.array([big, big]), costs=np.array([0, 0]))
    # Pruned arcs (never better than unassigned) do not count towards the bound.
    assert call(costs=np.array([big, big]), unassigned_cost=5).objective == 10
