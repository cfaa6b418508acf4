"""Batch reassignment simulation at province scale.

1. One simulated year (52 weeks, ~2,500 arrivals, 150 advisors) on one core: target < 100 ms.
   1b. The bundled programme year (``data/programme``: 350 approached entrepreneurs, pathways
   of products, EUR 200,000, 30 IMK slots) on one core: target < 50 ms; and a 2 x 50-seed
   sweep with and without the IMK reservation.
2. A sweep of 1,000 scenario x seed runs with ``simulate_many`` on all cores: target < 2 min.
3. The same sweep through Dask ``LocalCluster(n_workers=2)``: identical results, overhead.
4. A plain-Python reference loop that rebuilds each weekly round and solves it with OR-Tools
   ``SimpleMinCostFlow`` (same rules and integer costs as ``libmatch.match``), replaying the
   arrivals libmatch drew; weekly results checked equal. The speed-up is the last line.

The province is the bundled fictional one (``data/``) scaled up: the 60 advisors copied to
150 with jittered bases, arrival rates x5.

    .venv/bin/python benchmarks/bench_simulation.py [--runs 1000] [--no-dask]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import libmatch

DATA = Path(__file__).resolve().parents[1] / "data"


def province_config(n_advisors: int = 150, rate_factor: float = 5.0) -> dict:
    cfg = json.loads((DATA / "scenario.json").read_text())
    adv = pd.read_csv(DATA / "advisors.csv", dtype={"areas": str, "expertise": str})
    rng = np.random.default_rng(20261123)
    copies = []
    for k in range(math.ceil(n_advisors / len(adv))):
        a = adv.copy()
        a["advisor_id"] = [f"{i}_{k}" for i in a["advisor_id"]]
        if k:
            a["x"] += rng.normal(0, 4000, len(a)).round(1)
            a["y"] += rng.normal(0, 4000, len(a)).round(1)
        copies.append(a)
    cfg["advisors"] = pd.concat(copies, ignore_index=True).iloc[:n_advisors]
    for a in cfg["arrivals"]:
        a["rate_per_week"] *= rate_factor
    for e in cfg["events"]:
        if "advisor_id" in e:
            e["advisor_id"] += "_0"
    cfg["name"] = "province"
    return cfg


# ---- plain-Python reference: one OR-Tools min-cost flow per weekly round -----------------


def reference_year(sc: libmatch.Scenario, cases: pd.DataFrame, lib_choice: dict, weights=None):
    """Replays the arrivals of ``cases`` (no initial cases, no events, no 'no klik') week by
    week; each round: eligibility and integer costs as libmatch.match, solved by OR-Tools.

    Each round also prices libmatch's choice (``lib_choice``: (case_id, week) -> advisor_id)
    in the same graph, asserts it costs exactly the OR-Tools optimum, and then follows it, so
    equal-cost ties broken differently cannot make the two years drift apart. Returns weekly
    counts, assignments and (rounds checked, rounds where OR-Tools picked another optimum)."""
    weights = libmatch.Weights() if weights is None else weights
    from ortools.graph.python import min_cost_flow

    adv = sc.advisors.reset_index(drop=True)
    ids = list(adv["advisor_id"])
    n_adv = len(ids)
    bx, by = adv["x"].to_numpy(float), adv["y"].to_numpy(float)
    svc = list(adv["service"].astype(str))
    cap = adv["capacity"].to_numpy(int)

    def tagset(v):
        return {t.strip() for t in v.split(";") if t.strip()} if isinstance(v, str) else set()

    area_index = {a: k for k, a in enumerate(sc.areas.ids)} if sc.areas is not None else {}
    adv_areas = [{area_index[a] for a in tagset(v)} for v in adv.get("areas", [None] * n_adv)]
    rkm = pd.to_numeric(adv.get("radius_km"), errors="coerce").fillna(np.inf).to_numpy(float)
    rmin = pd.to_numeric(adv.get("radius_minutes"), errors="coerce").fillna(np.inf).to_numpy(float)

    def units(points):
        return int(np.rint(points * 100.0))

    def load_marginal(after, c):
        return units(weights.load * (after / c) ** 2) if c > 0 else 0

    index = {a: k for k, a in enumerate(ids)}
    checked, ties = 0, 0
    caseload = np.zeros(n_adv, dtype=int)
    running = []  # [case, advisor, remaining]
    queue = []  # [case, entered]
    weekly = []
    assignments = []
    # iter(): a GroupBy has a `keys` attribute, so dict() would take it for a mapping
    arrivals = dict(iter(cases[cases["registered"] >= 0].groupby("registered")))
    for t in range(sc.horizon_weeks):
        completed = 0
        if t > 0:
            keep = []
            for item in running:
                item[2] -= 1
                if item[2] == 0:
                    caseload[item[1]] -= 1
                    completed += 1
                else:
                    keep.append(item)
            running = keep
        g = arrivals.get(t)
        if g is not None:
            for row in g.itertuples(index=False):
                queue.append([row, t])
        queue.sort(key=lambda q: q[0].case_id)
        # the round
        n = len(queue)
        arcs = []  # (request, advisor, cost)
        for r, (c, _) in enumerate(queue):
            dx, dy = bx - c.x, by - c.y
            km = np.sqrt(dx * dx + dy * dy) / 1000.0 * 1.3
            minutes = km / 60.0 * 60.0
            area = c.area_index
            for a in range(n_adv):
                if svc[a] != c.service or not (minutes[a] <= rmin[a] and km[a] <= rkm[a]):
                    continue
                if caseload[a] >= cap[a]:
                    continue
                cost = units(weights.travel_per_minute * minutes[a])
                if adv_areas[a] and area not in adv_areas[a]:
                    cost += units(weights.outside_area)
                arcs.append((r, a, cost, minutes[a]))
        n_arcs_of = np.zeros(n_adv, dtype=int)
        for _, a, _, _ in arcs:
            n_arcs_of[a] += 1
        slots = {a: min(cap[a] - caseload[a], n_arcs_of[a]) for a in range(n_adv)}
        dearest = max(
            (cost + load_marginal(caseload[a] + slots[a], cap[a]) for _, a, cost, _ in arcs),
            default=0,
        )
        base = dearest + 100
        smcf = min_cost_flow.SimpleMinCostFlow()
        sink = n + n_adv
        arc_ids = []
        for r, a, cost, _ in arcs:
            arc_ids.append(smcf.add_arc_with_capacity_and_unit_cost(r, n + a, 1, cost))
        for r, (c, _) in enumerate(queue):
            smcf.add_arc_with_capacity_and_unit_cost(
                r, sink, 1, base + units(weights.unassigned_per_priority * max(c.priority, 0))
            )
            smcf.set_node_supply(r, 1)
        for a in range(n_adv):
            for k in range(slots[a]):
                smcf.add_arc_with_capacity_and_unit_cost(
                    n + a, sink, 1, load_marginal(caseload[a] + k + 1, cap[a])
                )
        smcf.set_node_supply(sink, -n)
        matched, escalated = 0, 0
        chosen = {}
        if n:
            status = smcf.solve()
            assert status == smcf.OPTIMAL, status
            for (r, a, _, m), aid in zip(arcs, arc_ids):
                if smcf.flow(aid) > 0:
                    chosen[r] = (a, m)
            if True:  # price libmatch's choice of this round in the same graph
                theirs = {r: lib_choice.get((c.case_id, t)) for r, (c, _) in enumerate(queue)}
                arc_cost = {(r, ids[a]): cost for r, a, cost, _ in arcs}
                total, used = 0, {}
                for r, (c, _) in enumerate(queue):
                    if theirs[r] is None:
                        total += base + units(weights.unassigned_per_priority * max(c.priority, 0))
                    else:
                        total += arc_cost[(r, theirs[r])]
                        used[theirs[r]] = used.get(theirs[r], 0) + 1
                for aid_, k in used.items():
                    a = index[aid_]
                    total += sum(load_marginal(caseload[a] + j + 1, cap[a]) for j in range(k))
                assert total == smcf.optimal_cost(), (t, total, smcf.optimal_cost())
                checked += 1
                mine = {r: ids[a] for r, (a, _) in chosen.items()}
                if mine != {r: v for r, v in theirs.items() if v is not None}:
                    ties += 1  # OR-Tools broke an equal-cost tie differently
                # follow libmatch's (optimal) choice so that ties cannot make the years drift
                chosen = {r: (index[v], None) for r, v in theirs.items() if v is not None}
        still = []
        for r, (c, entered) in enumerate(queue):
            if r in chosen:
                a, m = chosen[r]
                caseload[a] += 1
                running.append([c.case_id, a, int(c.duration_weeks)])
                assignments.append((c.case_id, ids[a], t))
                matched += 1
            elif t - entered >= sc._spec["escalate_after_weeks"]:
                escalated += 1
            else:
                still.append([c, entered])
        queue = still
        weekly.append((t, completed, matched, escalated, len(queue)))
    return (
        pd.DataFrame(weekly, columns=["week", "completed", "matched", "escalated", "waiting"]),
        pd.DataFrame(assignments, columns=["case_id", "advisor_id", "week_start"]),
        (checked, ties),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=1000, help="scenario x seed runs in the sweep")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--ref-seeds", type=int, default=2)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; libmatch {libmatch.__version__}")

    # 1. one province year on one core
    t0 = time.perf_counter()
    sc = libmatch.Scenario(province_config(), base_dir=DATA)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    _ = sc._simulator  # compile: travel from 150 bases to every location, once
    print(
        f"scenario: {sc!r}\nload {load_s * 1e3:.0f} ms; compile (travel 150 x "
        f"{len(sc._location_xy)} locations, areas) {(time.perf_counter() - t0) * 1e3:.0f} ms"
    )
    times, cpu, arrivals = [], [], []
    for seed in range(20):
        t0, c0 = time.perf_counter(), time.process_time()
        r = libmatch.simulate(sc, seed, details=False)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        arrivals.append(r.summary["arrivals"])
    t0 = time.perf_counter()
    libmatch.simulate(sc, 0, details=True)
    det = time.perf_counter() - t0
    print(
        f"one year, one core: median {np.median(times) * 1e3:.1f} ms wall "
        f"({np.median(cpu) * 1e3:.1f} ms CPU), min {min(times) * 1e3:.1f} ms "
        f"over 20 seeds ({np.mean(arrivals):.0f} arrivals/year on average); with case details "
        f"{det * 1e3:.1f} ms  [target < 100 ms: {'met' if np.median(cpu) < 0.1 else 'MISSED'}]"
    )

    # 1b. the bundled programme year (seed 003: pathways, money, slots) on one core
    prog = libmatch.Scenario(DATA / "programme" / "scenario.json")
    _ = prog._simulator
    times, cpu = [], []
    for seed in range(50):
        t0, c0 = time.perf_counter(), time.process_time()
        r = libmatch.simulate(prog, seed, details=False)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(
        f"programme year (data/programme: {r.summary['arrivals']} arrivals, "
        f"{r.summary['followups']} follow-ups), one core: median {np.median(times) * 1e3:.1f} ms "
        f"wall ({np.median(cpu) * 1e3:.1f} ms CPU) over 50 seeds  "
        f"[target < 50 ms: {'met' if np.median(cpu) < 0.05 else 'MISSED'}]"
    )
    no_hold = prog.replace(name="no reservation", reserve=[])
    t0, c0 = time.perf_counter(), time.process_time()
    pdf = libmatch.simulate_many(
        {"reserve 10 IMK": prog, "no reservation": no_hold}, range(50), progress=False
    )
    print(
        f"programme sweep 2 x 50 seeds: {time.perf_counter() - t0:.2f} s wall "
        f"({time.process_time() - c0:.2f} s CPU)"
    )
    print(
        pdf.groupby("scenario", sort=False)[
            [
                "spend_eur",
                "budget_out_week",
                "imk_started",
                "imk_out_week",
                "coaching_started",
                "intake_lead_days_mean",
            ]
        ]
        .mean()
        .to_string(float_format=lambda v: f"{v:.1f}")
    )

    # 2. the sweep on all cores
    adv = sc.advisors.iloc[:150]
    variants = {
        "province": sc,
        "capacity +25%": sc.replace(
            name="capacity +25%",
            advisors=adv.assign(capacity=np.ceil(adv["capacity"] * 1.25).astype(int)),
        ),
        "capacity -25%": sc.replace(
            name="capacity -25%",
            advisors=adv.assign(
                capacity=np.maximum(1, (adv["capacity"] * 0.75).astype(int)),
                caseload=np.minimum(
                    adv["caseload"], np.maximum(1, (adv["capacity"] * 0.75).astype(int))
                ),
            ),
        ),
        "no klik 15%": sc.replace(name="no klik 15%", no_klik_probability=0.15),
    }
    for v in variants.values():
        _ = v._simulator
    n_seeds = max(1, args.runs // len(variants))
    seeds = list(range(n_seeds))
    t0, c0 = time.perf_counter(), time.process_time()
    df = libmatch.simulate_many(variants, seeds, progress=False)
    sweep_s, sweep_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"sweep: {len(df)} runs ({len(variants)} scenarios x {n_seeds} seeds) on {os.cpu_count()} "
        f"threads: {sweep_s:.1f} s wall ({sweep_cpu:.1f} s CPU) = {sweep_s / len(df) * 1e3:.1f} ms/run  "
        f"[target 1,000 runs < 2 min: {'met' if sweep_s / len(df) * 1000 < 120 else 'MISSED'}]"
    )
    for name, seed in [("capacity -25%", 3), ("no klik 15%", n_seeds - 1)]:
        one = libmatch.simulate(variants[name], seed, details=False).summary
        row = df[(df["scenario"] == name) & (df["seed"] == seed)].iloc[0]
        assert all((row[k] == v) or (pd.isna(v) and pd.isna(row[k])) for k, v in one.items()), name
    print(
        df.groupby("scenario", sort=False)[
            ["arrivals", "escalated", "wait_mean", "travel_mean", "util_mean", "util_gini_mean"]
        ]
        .mean()
        .to_string(float_format=lambda v: f"{v:.3f}")
    )

    # 3. the same sweep on Dask
    if not args.no_dask:
        from dask.distributed import Client, LocalCluster

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            cluster = LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
            client = Client(cluster)
            start_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            got = libmatch.distributed.simulate_sweep(client, variants, seeds)
            dask_s = time.perf_counter() - t0
            client.close()
            cluster.close()
        pd.testing.assert_frame_equal(got, df)
        print(
            f"dask LocalCluster(n_workers=2): start {start_s:.1f} s, sweep {dask_s:.1f} s "
            f"(identical results); overhead vs simulate_many {dask_s - sweep_s:+.1f} s "
            f"({(dask_s / sweep_s - 1) * 100:+.0f}%)"
        )

    # 4. plain-Python + OR-Tools reference loop (no initial cases, events, 'no klik' or needs,
    # so the arrivals libmatch drew can be replayed exactly)
    cfg = province_config()
    cfg.update(initial_cases=False, events=[], no_klik_probability=0.0)
    for a in cfg["arrivals"]:
        a.pop("needs", None)
    cfg["advisors"] = cfg["advisors"].assign(caseload=0)
    plain = libmatch.Scenario(cfg, base_dir=DATA, name="province, plain")
    _ = plain._simulator
    lib_t, ref_t = [], []
    for seed in range(args.ref_seeds):
        t0 = time.perf_counter()
        libmatch.simulate(plain, seed, details=False)
        lib_t.append(time.perf_counter() - t0)
        res = libmatch.simulate(plain, seed, details=True)  # the arrivals to replay
        cases = res.cases.copy()
        area_index = {a: k for k, a in enumerate(plain.areas.ids)}
        cases["area_index"] = [
            area_index.get(a, -1) if a is not None else -1 for a in cases["area"]
        ]
        a = res.assignments
        choice = dict(zip(zip(a["case_id"], a["week_start"]), a["advisor_id"]))
        t0 = time.perf_counter()
        ref_weekly, ref_asg, (checked, ties) = reference_year(plain, cases, choice)
        ref_t.append(time.perf_counter() - t0)
        mine = res.weekly[["week", "completed", "matched", "escalated", "waiting"]]
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), ref_weekly, check_dtype=False)
        a = res.assignments[["case_id", "advisor_id", "week_start"]].reset_index(drop=True)
        same = a.merge(ref_asg, how="outer", indicator=True)["_merge"].eq("both").mean()
        assert same == 1.0, same
        print(
            f"reference seed {seed}: {res.summary['arrivals']} arrivals; all {checked} rounds "
            f"cost exactly the OR-Tools optimum ({ties} with another equal-cost optimum); weekly "
            f"counts and assignments equal; libmatch {lib_t[-1] * 1e3:.0f} ms vs Python + "
            f"OR-Tools {ref_t[-1]:.2f} s"
        )
    print(
        f"speed-up vs a plain-Python weekly loop with OR-Tools SimpleMinCostFlow: "
        f"{np.sum(ref_t) / np.sum(lib_t):.0f}x"
    )


if __name__ == "__main__":
    main()
