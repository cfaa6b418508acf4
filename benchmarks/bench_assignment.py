"""Benchmark of the exact assignment solver (libmatch.solve_assignment).

Peers, in the same process, on the same graphs (objectives asserted equal):
  * OR-Tools ``SimpleMinCostFlow`` (cost-scaling push-relabel; load costs as parallel unit
    arcs column -> sink, "unassigned" as a row -> sink arc); graph-building time reported
    separately from its solve time;
  * SciPy ``linear_sum_assignment`` on the capacity-expanded dense matrix (one column per
    unit of capacity, one private "unassigned" column per row) at a size SciPy can hold.

Instances are geometric: rows clustered around towns, columns spread uniformly, every row
connected to its ``per_row`` nearest columns at its distance (metres), capacities summing to
``cap_ratio`` x rows, optional convex load costs (capacities <= 30) as the matching layer
uses. Fixed seeds. Run: ``.venv/bin/python benchmarks/bench_assignment.py`` (< 2 minutes).
The last line is the speed-up vs OR-Tools on the 10,000 x 500 graphs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

import libmatch

SEED = 20240601


@dataclass
class Instance:
    n_rows: int
    n_cols: int
    rows: np.ndarray
    cols: np.ndarray
    costs: np.ndarray
    capacities: np.ndarray
    unassigned: np.ndarray
    load: np.ndarray | None  # (n_cols, width) marginal load costs or None

    @property
    def n_arcs(self) -> int:
        return len(self.rows)


def make_instance(
    seed: int, n_rows: int, n_cols: int, per_row: int, cap_ratio: float, with_load: bool
) -> Instance:
    rng = np.random.default_rng(seed)
    towns = rng.uniform(0, 200_000, (25, 2))
    row_xy = towns[rng.integers(0, len(towns), n_rows)] + rng.normal(0, 12_000, (n_rows, 2))
    col_xy = rng.uniform(0, 200_000, (n_cols, 2))
    dist, idx = cKDTree(col_xy).query(row_xy, k=per_row)
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), per_row)
    cols = idx.reshape(-1).astype(np.int64)
    costs = np.rint(dist.reshape(-1)).astype(np.int64)
    capacities = rng.multinomial(int(n_rows * cap_ratio), np.ones(n_cols) / n_cols)
    load = None
    if with_load:
        capacities = np.minimum(capacities, 30)
        load = np.cumsum(rng.integers(0, 800, (n_cols, 30)), axis=1).astype(np.int64)
    unassigned = np.full(n_rows, 80_000, dtype=np.int64)
    return Instance(
        n_rows, n_cols, rows, cols, costs, capacities.astype(np.int64), unassigned, load
    )


def run_libmatch(inst: Instance, repeat: int = 3) -> tuple[float, libmatch.AssignmentResult]:
    best, res = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = libmatch.solve_assignment(
            inst.n_rows,
            inst.n_cols,
            inst.rows,
            inst.cols,
            inst.costs,
            inst.capacities,
            inst.unassigned,
            inst.load,
        )
        best = min(best, time.perf_counter() - t0)
    return best, res


def run_ortools(inst: Instance, repeat: int = 2) -> tuple[float, float, int]:
    """Best (graph-building seconds, solve seconds) and the optimal cost."""
    n, m = inst.n_rows, inst.n_cols
    sink = n + m
    best_build, best_solve, cost = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        tails = [inst.rows, np.arange(n)]
        heads = [n + inst.cols, np.full(n, sink)]
        caps = [np.ones(inst.n_arcs), np.ones(n)]
        unit = [inst.costs, inst.unassigned]
        if inst.load is None:
            tails.append(n + np.arange(m))
            heads.append(np.full(m, sink))
            caps.append(inst.capacities)
            unit.append(np.zeros(m))
        else:
            reps = inst.capacities
            tails.append(np.repeat(n + np.arange(m), reps))
            heads.append(np.full(int(reps.sum()), sink))
            caps.append(np.ones(int(reps.sum())))
            mask = np.arange(inst.load.shape[1])[None, :] < reps[:, None]
            unit.append(inst.load[mask])
        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(
            *(np.concatenate(p).astype(np.int64) for p in (tails, heads, caps, unit))
        )
        supplies = np.zeros(n + m + 1, dtype=np.int64)
        supplies[:n] = 1
        supplies[sink] = -n
        smcf.set_nodes_supplies(np.arange(n + m + 1), supplies)
        t1 = time.perf_counter()
        status = smcf.solve()
        t2 = time.perf_counter()
        assert status == smcf.OPTIMAL, status
        best_build, best_solve = min(best_build, t1 - t0), min(best_solve, t2 - t1)
        cost = smcf.optimal_cost()
    return best_build, best_solve, cost


def run_scipy(inst: Instance) -> tuple[float, float, int]:
    """(matrix-building seconds, linear_sum_assignment seconds, objective)."""
    n = inst.n_rows
    t0 = time.perf_counter()
    slot_start = np.concatenate([[0], np.cumsum(inst.capacities)])
    n_slots = int(slot_start[-1])
    matrix = np.full((n, n_slots + n), np.inf)
    for j in range(inst.n_cols):
        k = int(inst.capacities[j])
        if k == 0:
            continue
        marg = np.zeros(k) if inst.load is None else inst.load[j, :k].astype(float)
        on_j = inst.cols == j
        r, c = inst.rows[on_j], inst.costs[on_j].astype(float)
        block = c[:, None] + marg[None, :]
        cur = matrix[r, slot_start[j] : slot_start[j] + k]
        matrix[r, slot_start[j] : slot_start[j] + k] = np.minimum(cur, block)
    matrix[np.arange(n), n_slots + np.arange(n)] = inst.unassigned
    t1 = time.perf_counter()
    r, c = linear_sum_assignment(matrix)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, int(matrix[r, c].sum())


def bench_solver() -> str:
    """libmatch vs OR-Tools at 10,000 x 500 and vs SciPy at 2,000 rows; returns the headline."""
    print("== Assignment solver ==")
    print(
        f"{'case':<34}{'arcs':>9}{'libmatch':>10}{'OR build':>10}{'OR solve':>10}"
        f"{'x solve':>9}{'x total':>9}"
    )
    cases = [
        ("10k x 500, cap 1.0x", {"cap_ratio": 1.0, "with_load": False}),
        ("10k x 500, cap 0.8x", {"cap_ratio": 0.8, "with_load": False}),
        ("10k x 500, cap 1.2x, load costs", {"cap_ratio": 1.2, "with_load": True}),
        ("10k x 500, cap 1.0x, load costs", {"cap_ratio": 1.0, "with_load": True}),
    ]
    total_lm = total_or_solve = total_or_all = 0.0
    for k, (name, kw) in enumerate(cases):
        inst = make_instance(SEED + k, 10_000, 500, 50, **kw)
        t_lm, res = run_libmatch(inst)
        t_build, t_solve, or_cost = run_ortools(inst)
        assert res.objective == or_cost, (name, res.objective, or_cost)
        total_lm += t_lm
        total_or_solve += t_solve
        total_or_all += t_build + t_solve
        print(
            f"{name:<34}{inst.n_arcs:>9}{t_lm:>9.3f}s{t_build:>9.3f}s{t_solve:>9.3f}s"
            f"{t_solve / t_lm:>8.1f}x{(t_build + t_solve) / t_lm:>8.1f}x"
        )
    print("objectives equal to OR-Tools on every case")

    print(
        f"{'case':<34}{'slots':>9}{'libmatch':>10}{'LSA build':>10}{'LSA solve':>10}{'x solve':>9}"
    )
    for k, (name, kw) in enumerate(
        [
            ("2k x 100, cap 1.0x, load costs", {"cap_ratio": 1.0, "with_load": True}),
            ("2k x 100, cap 0.8x", {"cap_ratio": 0.8, "with_load": False}),
        ]
    ):
        inst = make_instance(SEED + 100 + k, 2_000, 100, 50, **kw)
        t_lm, res = run_libmatch(inst)
        t_build, t_lsa, lsa_cost = run_scipy(inst)
        assert res.objective == lsa_cost, (name, res.objective, lsa_cost)
        print(
            f"{name:<34}{int(inst.capacities.sum()):>9}{t_lm:>9.4f}s{t_build:>9.3f}s"
            f"{t_lsa:>9.3f}s{t_lsa / t_lm:>8.0f}x"
        )
    print("objectives equal to SciPy linear_sum_assignment on every case")
    return (
        f"speed-up vs OR-Tools SimpleMinCostFlow: {total_or_solve / total_lm:.1f}x "
        f"(solve only; {total_or_all / total_lm:.1f}x incl. its graph building), "
        f"10,000 x 500, 50 arcs per row, summed over {len(cases)} cases"
    )


# Sections run in order; each prints its table and returns a one-line summary. The solver's
# summary is printed last (the speed-up line).
SECTIONS = [bench_solver]


def main() -> None:
    print(f"libmatch {libmatch.__version__}, seed {SEED}")
    summaries = [section() for section in SECTIONS]
    for line in summaries[1:]:
        print(line)
    print(summaries[0])


if __name__ == "__main__":
    main()
