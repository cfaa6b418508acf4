"""Benchmark of the exact assignment solver (libmatch.solve_assignment).

Peers, on the same graphs (objectives asserted equal):
  * LEMON 1.3 (Debian ``liblemon-dev``), both ``NetworkSimplex`` (block search) and
    ``CostScaling`` (partial augment), LEMON's defaults, through the C++ harness
    ``benchmarks/lemon_harness.cpp``, which this script compiles with ``g++ -O2`` and feeds
    the instance through a binary file. Load costs are parallel unit arcs column -> sink,
    "unassigned" a row -> sink arc, exactly as libmatch's model defines them. Only LEMON's
    ``run()`` is timed (solve only). With ``--lemon-variants`` the other pivot rules and
    cost-scaling methods are timed too (at 10,000 rows only); speed-ups are taken over the
    fastest LEMON run (``make bench`` installs ``liblemon-dev``);
  * OR-Tools ``SimpleMinCostFlow`` (cost-scaling push-relabel; same network); graph-building
    time reported separately from its solve time;
  * SciPy ``linear_sum_assignment`` on the capacity-expanded dense matrix (one column per
    unit of capacity, one private "unassigned" column per row) at a size SciPy can hold.

Instances are geometric: rows clustered around towns, columns spread uniformly, every row
connected to its ``per_row`` nearest columns at its distance (metres), capacities summing to
``cap_ratio`` x rows, optional convex load costs (capacities <= 30) as the matching layer
uses. Fixed seeds. libmatch is timed around the whole Python call (binding checks, copies,
preprocessing, solve). Times are best of N; CPU times are per-thread (the solvers are
single-threaded), which contention from other jobs distorts less than wall time.
Run: ``.venv/bin/python benchmarks/bench_assignment.py`` (~3 minutes on a quiet 2-core
machine; ``--quick`` skips the 100,000-row cases). The last line is the speed-up over the
faster LEMON algorithm (CPU time, solve only) on the load-cost cases.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

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


def run_libmatch(inst: Instance, repeat: int = 3) -> tuple[float, float, libmatch.AssignmentResult]:
    """Best wall and best thread-CPU seconds of the whole call, and the result."""
    best, best_cpu, res = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.thread_time()
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
        c1, t1 = time.thread_time(), time.perf_counter()
        best, best_cpu = min(best, t1 - t0), min(best_cpu, c1 - c0)
    return best, best_cpu, res


HARNESS = Path(__file__).resolve().with_name("lemon_harness.cpp")
LEMON_DEFAULTS = ("ns-block", "cs-partial")
LEMON_VARIANTS = ("ns-block", "ns-altering", "ns-candidate", "cs-partial", "cs-augment", "cs-push")


def build_harness(workdir: Path) -> Path:
    if not Path("/usr/include/lemon/network_simplex.h").exists():
        raise SystemExit("LEMON headers missing: apt-get install liblemon-dev")
    exe = workdir / "lemon_harness"
    cmd = ["g++", "-O2", "-std=c++17", "-o", str(exe), str(HARNESS), "-llemon"]
    subprocess.run(cmd, check=True)
    return exe


def write_instance(inst: Instance, path: Path, repeat: int) -> None:
    """The binary layout lemon_harness.cpp reads (little-endian int64)."""
    has_load = inst.load is not None
    parts = [np.array([inst.n_rows, inst.n_cols, inst.n_arcs, int(has_load), repeat])]
    parts += [inst.rows, inst.cols, inst.costs, inst.capacities, inst.unassigned]
    if has_load:
        mask = np.arange(inst.load.shape[1])[None, :] < inst.capacities[:, None]
        parts += [np.concatenate([[0], np.cumsum(inst.capacities)]), inst.load[mask]]
    with open(path, "wb") as f:
        for a in parts:
            np.ascontiguousarray(a, dtype="<i8").tofile(f)


def run_lemon(
    exe: Path, inst: Instance, workdir: Path, algos: tuple[str, ...], repeat: int
) -> dict[str, tuple[float, float, int]]:
    """{algorithm: (best wall seconds of run(), best thread-CPU seconds, objective)}."""
    path = workdir / "instance.bin"
    write_instance(inst, path, repeat)
    out = subprocess.run([str(exe), str(path), *algos], check=True, capture_output=True, text=True)
    res = {}
    for line in out.stdout.splitlines():
        name, wall, cpu, obj = line.split()
        if name != "build":
            res[name] = (float(wall), float(cpu), int(obj))
    return res


def run_ortools(inst: Instance, repeat: int = 2) -> tuple[float, float, float, int]:
    """Best graph-building seconds, solve seconds (wall, thread CPU) and the optimal cost."""
    n, m = inst.n_rows, inst.n_cols
    sink = n + m
    best_build, best_solve, best_cpu, cost = float("inf"), float("inf"), float("inf"), None
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
        t1, c1 = time.perf_counter(), time.thread_time()
        status = smcf.solve()
        c2, t2 = time.thread_time(), time.perf_counter()
        assert status == smcf.OPTIMAL, status
        best_build, best_solve = min(best_build, t1 - t0), min(best_solve, t2 - t1)
        best_cpu = min(best_cpu, c2 - c1)
        cost = smcf.optimal_cost()
    return best_build, best_solve, best_cpu, cost


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


def ms(t: float) -> str:
    return f"{t * 1000:,.0f}" if t >= 0.1 else f"{t * 1000:.1f}"


def bench_peers(exe: Path, workdir: Path, args: argparse.Namespace) -> str:
    """libmatch vs LEMON (both algorithms) and OR-Tools; returns the headline."""
    print("== vs LEMON and OR-Tools (solve only; ms: best wall / best thread CPU) ==")
    print(
        f"{'case':<36}{'arcs':>10}{'libmatch':>16}{'LEMON NS':>18}{'LEMON CS':>18}"
        f"{'OR-Tools':>18}{'x LEMON (CPU)':>15}"
    )
    cases = [
        ("10k x 500, cap 1.0x", 10_000, 500, {"cap_ratio": 1.0, "with_load": False}),
        ("10k x 500, cap 0.8x", 10_000, 500, {"cap_ratio": 0.8, "with_load": False}),
        ("10k x 500, cap 1.2x, load costs", 10_000, 500, {"cap_ratio": 1.2, "with_load": True}),
        ("10k x 500, cap 1.0x, load costs", 10_000, 500, {"cap_ratio": 1.0, "with_load": True}),
    ]
    if not args.quick:
        cases += [
            (
                "100k x 2k, cap 1.0x, load costs",
                100_000,
                2_000,
                {"cap_ratio": 1.0, "with_load": True},
            ),
            (
                "100k x 2k, cap 1.2x, load costs",
                100_000,
                2_000,
                {"cap_ratio": 1.2, "with_load": True},
            ),
        ]
    worst: dict[str, float] = {}
    for k, (name, n, m, kw) in enumerate(cases):
        big = n > 10_000
        inst = make_instance(SEED + k, n, m, 50, **kw)
        wall, cpu, res = run_libmatch(inst, repeat=args.repeat)
        algos = LEMON_VARIANTS if args.lemon_variants and not big else LEMON_DEFAULTS
        lemon = run_lemon(exe, inst, workdir, algos, repeat=1 if big else 2)
        _, or_wall, or_cpu, or_cost = run_ortools(inst, repeat=1 if big else 2)
        for algo, (_, _, obj) in lemon.items():
            assert obj == res.objective, (name, algo, obj, res.objective)
        assert or_cost == res.objective, (name, or_cost, res.objective)
        ns, cs = lemon["ns-block"], lemon["cs-partial"]
        ratio = min(c for _, c, _ in lemon.values()) / cpu
        if kw["with_load"]:
            size = "100k x 2k" if big else "10k x 500"
            worst[size] = min(worst.get(size, float("inf")), ratio)
        print(
            f"{name:<36}{inst.n_arcs:>10,}{ms(wall):>8} /{ms(cpu):>6}{ms(ns[0]):>10} /{ms(ns[1]):>6}"
            f"{ms(cs[0]):>10} /{ms(cs[1]):>6}{ms(or_wall):>10} /{ms(or_cpu):>6}{ratio:>14.1f}x"
        )
        for algo in algos:
            if algo not in LEMON_DEFAULTS:
                w, c, _ = lemon[algo]
                print(f"    LEMON {algo:<14} {ms(w)} / {ms(c)} ms")
    print("objectives equal to LEMON (every algorithm run) and OR-Tools on every case")
    figures = ", ".join(f"{size}: {r:.1f}x" for size, r in worst.items())
    return (
        "speed-up vs the faster LEMON algorithm (thread CPU time, solve only, load-cost cases, "
        f"worst case per size): {figures}"
    )


def bench_scipy(args: argparse.Namespace) -> str:
    print("== vs SciPy linear_sum_assignment on capacity-expanded slots ==")
    print(
        f"{'case':<34}{'slots':>9}{'libmatch':>10}{'LSA build':>10}{'LSA solve':>10}{'x solve':>9}"
    )
    ratios = []
    for k, (name, kw) in enumerate(
        [
            ("2k x 100, cap 1.0x, load costs", {"cap_ratio": 1.0, "with_load": True}),
            ("2k x 100, cap 0.8x", {"cap_ratio": 0.8, "with_load": False}),
        ]
    ):
        inst = make_instance(SEED + 100 + k, 2_000, 100, 50, **kw)
        t_lm, _, res = run_libmatch(inst, repeat=args.repeat)
        t_build, t_lsa, lsa_cost = run_scipy(inst)
        assert res.objective == lsa_cost, (name, res.objective, lsa_cost)
        ratios.append(t_lsa / t_lm)
        print(
            f"{name:<34}{int(inst.capacities.sum()):>9}{t_lm:>9.4f}s{t_build:>9.3f}s"
            f"{t_lsa:>9.3f}s{t_lsa / t_lm:>8.0f}x"
        )
    print("objectives equal to SciPy linear_sum_assignment on every case")
    return f"speed-up vs SciPy linear_sum_assignment (wall): {min(ratios):.0f}x or more"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the 100,000-row cases")
    ap.add_argument("--repeat", type=int, default=3, help="libmatch runs per case (best of)")
    ap.add_argument("--lemon-variants", action="store_true", help="all LEMON methods at 10k")
    args = ap.parse_args()
    print(
        f"libmatch {libmatch.__version__}, seed {SEED}, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="bench_assignment_") as tmp:
        workdir = Path(tmp)
        exe = build_harness(workdir)
        scipy_line = bench_scipy(args)
        headline = bench_peers(exe, workdir, args)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    print(scipy_line)
    print(headline)


if __name__ == "__main__":
    main()
