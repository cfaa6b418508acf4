"""Travel benchmark: road-network many-to-many vs scipy.sparse.csgraph.dijkstra, and the
straight-line model with a radius filter.

Road network: a generated road graph (jittered 520 x 520 grid with random speeds, missing
streets, one-way streets and diagonal shortcuts; >= 1,000,000 directed arcs), 200 origins
and 20,000 destinations on nodes. libmatch (RoadNetwork.pairs: snapping + one search per
origin over threads + the sparse table) against scipy's dijkstra(indices=origins) on the
very same CSR graph; every travel time is checked equal. Then the same with a 30-minute
limit (scipy's `limit`).

Timings are the best of two runs for both sides (wall clock; CPU time summed over threads
is printed too, because the 2-vCPU machine is shared with other work).

Contraction hierarchy: the same graph after RoadNetwork.prepare() (preparation time
reported separately), the same 200 x 20,000 table, checked bit-identical to SciPy and to
the Dijkstra table; side by side with the contraction-hierarchy peers pyroutingkit
(RoutingKit's customizable CH, uint32 millisecond weights) and pandana (its own CH, float
weights; pairwise queries), both benchmark-only (`pip install pyroutingkit pandana`).
Peers get node ids directly (no snapping); their results are checked equal within their
weight rounding. Then a national-scale travel table: 2,000 advisor bases x 50,000 request
locations within 60 minutes on the same >= 1 M-arc graph (times only).

Straight line: 500 advisor bases x 20,000 locations with a 30 km radius; checked equal to
a numpy reference; target < 50 ms.

Usage: PYTHONPATH=build/dev-travel/python .venv/bin/python benchmarks/bench_travel.py
       (add --simulation for one simulated year of the bundled scenario on the bundled roads;
       BENCH_TRAVEL_SIDE=200 for a quick smoke run on a smaller grid; BENCH_PANDANA=0 skips
       pandana, whose own preparation takes ~15 min here; BENCH_PANDANA_DESTS sets its
       destination sample, default 50, its pairwise time being scaled to the full table;
       --national-round for a full national-scale libmatch.match round, 50,000 requests x
       2,000 advisors (bench_round.py's generator) placed on the generated >= 1 M-arc road
       graph, with the prepared network as the travel model: times only)
The speed-up of the prepared network over SciPy (unlimited search) is printed last.
"""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

import libmatch

SEED = 20260501


def road_graph(rng, side=520, spacing=150.0):
    """Jittered grid: ~5% streets missing, ~5% one-way, diagonal shortcuts in 10% of cells."""
    n = side * side
    ix, iy = np.meshgrid(np.arange(side), np.arange(side), indexing="xy")
    xy = np.column_stack([ix.ravel() * spacing, iy.ravel() * spacing])
    xy += rng.uniform(-spacing * 0.3, spacing * 0.3, xy.shape)
    node = np.arange(n).reshape(side, side)
    frm = [node[:, :-1].ravel(), node[:-1, :].ravel()]
    to = [node[:, 1:].ravel(), node[1:, :].ravel()]
    diag = rng.random((side - 1) * (side - 1)) < 0.10
    frm.append(node[:-1, :-1].ravel()[diag])
    to.append(node[1:, 1:].ravel()[diag])
    frm, to = np.concatenate(frm), np.concatenate(to)
    keep = rng.random(len(frm)) >= 0.05
    frm, to = frm[keep], to[keep]
    speed = rng.choice([30.0, 50.0, 60.0, 80.0, 100.0], len(frm), p=[0.4, 0.3, 0.15, 0.1, 0.05])
    oneway = np.where(rng.random(len(frm)) < 0.05, rng.choice([1, -1], len(frm)), 0)
    return xy, frm.astype(np.int64), to.astype(np.int64), speed, oneway.astype(np.int8)


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    res = fn()
    return res, time.perf_counter() - t0, time.process_time() - c0


def best_of(n, fn):
    """Best wall time of n runs: (result, wall, cpu of that run)."""
    return min((timed(fn) for _ in range(n)), key=lambda r: r[1])


def bench_hierarchy(net, xy, origins, dests, ref_unlimited, t_scipy):
    oxy, dxy = xy[origins], xy[dests]
    plain = net.pairs_arrays(oxy, dxy)
    _, t_prep, c_prep = timed(lambda: net.prepare())
    info = net.hierarchy_info
    print(
        f"  prepare(): {t_prep:.1f} s wall, {c_prep:.1f} s cpu; {info['up_arcs']:,} up + "
        f"{info['down_arcs']:,} down arcs ({info['shortcuts']:,} shortcuts), "
        f"{info['bytes'] / 2**20:.0f} MiB"
    )
    path = "/tmp/bench_travel_ch.lmnet"
    _, t_save, _ = timed(lambda: net.save(path))
    loaded, t_load, _ = timed(lambda: libmatch.RoadNetwork.load(path))
    print(f"  save {t_save:.2f} s, load {t_load:.2f} s ({os.path.getsize(path) / 2**20:.0f} MiB)")
    os.remove(path)
    out = {}
    for label, limit in (("unlimited", None), ("30-minute limit", 30.0)):
        ours, t_ours, c_ours = best_of(
            3, lambda limit=limit: net.pairs_arrays(oxy, dxy, max_minutes=limit)
        )
        ref_plain = plain if limit is None else _PLAIN_CACHE[limit]
        for col in ("origin", "destination", "minutes", "km"):
            np.testing.assert_array_equal(getattr(ours, col), getattr(ref_plain, col))
        assert ours.unreachable_pairs == ref_plain.unreachable_pairs
        if limit is None:
            full = np.full(ref_unlimited.shape, np.inf)
            full[ours.origin, ours.destination] = ours.minutes
            np.testing.assert_array_equal(full, ref_unlimited)
        print(
            f"  prepared, {label:16s}: {t_ours:7.3f} s wall (cpu {c_ours:6.2f} s)   "
            f"vs scipy x{t_scipy[label] / t_ours:6.1f} wall   ({len(ours.origin):,} pairs, "
            "bit-identical to the Dijkstra table" + (" and scipy)" if limit is None else ")")
        )
        out[label] = (t_ours, c_ours)
    return out


_PLAIN_CACHE = {}


def bench_peers(net, xy, origins, dests, ref, t_ours):
    """pyroutingkit and pandana on the same graph and table; returns their best query times."""
    indptr, indices, minutes, _ = net.csr()
    tail = np.repeat(np.arange(net.node_count), np.diff(indptr))
    times = {}
    try:
        import pyroutingkit as rk

        ms = np.rint(minutes * 60_000).astype(np.uint32)
        topo = rk.CCHTopology()
        _, t_topo, c_topo = timed(
            lambda: topo.build(
                tail.astype(np.uint32),
                indices.astype(np.uint32),
                (xy[:, 1] / 1e5).astype(np.float32),
                (xy[:, 0] / 1e5).astype(np.float32),
                net.node_count,
            )
        )
        metric = rk.CCHMetric(topo)
        _, t_cust, _ = timed(lambda: metric.customize(ms, 2))
        o32, d32 = origins.astype(np.uint32), dests.astype(np.uint32)
        mat, t_rk, c_rk = best_of(2, lambda: metric.distances_many_to_many(o32, d32))
        got = np.where(mat == rk.INF_WEIGHT, np.inf, mat / 60_000.0)
        assert np.array_equal(np.isinf(got), np.isinf(ref))
        fin = np.isfinite(ref)
        err = np.abs(got[fin] - ref[fin]).max()
        assert err < 0.01, err  # ms-rounded weights: within 0.6 s
        print(
            f"  pyroutingkit {getattr(rk, '__version__', '0.2.1')}: topology (nested dissection) "
            f"{t_topo:.1f} s (cpu {c_topo:.1f}), customize {t_cust:.2f} s; 200 x 20,000 "
            f"{t_rk:.3f} s wall (cpu {c_rk:.2f} s); equal within {err * 60:.3f} s (ms weights); "
            f"libmatch x{t_rk / t_ours:.2f}"
        )
        times["pyroutingkit"] = t_rk
    except ImportError as e:
        print(f"  pyroutingkit not run: {e}")
    if os.environ.get("BENCH_PANDANA", "1") == "0":
        print("  pandana skipped (BENCH_PANDANA=0)")
        return times
    try:
        import pandana
        import pandas as pd

        nodes = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})
        edges = pd.DataFrame({"from": tail, "to": indices, "minutes": minutes})
        pnet, t_pbuild, c_pbuild = timed(
            lambda: pandana.Network(
                nodes.x, nodes.y, edges["from"], edges["to"], edges[["minutes"]], twoway=False
            )
        )
        # pandana answers pairwise lists (one CH query per pair, ~0.2-0.4 ms each here), so
        # the full 4,000,000 pairs would take ~25 min: it runs 200 x BENCH_PANDANA_DESTS
        # (default 50) pairs and its time is scaled up to the full table, linearly.
        sub = dests[: int(os.environ.get("BENCH_PANDANA_DESTS", "50"))]
        a = np.repeat(origins, len(sub))
        b = np.tile(sub, len(origins))
        res, t_pd, c_pd = timed(lambda: np.asarray(pnet.shortest_path_lengths(a, b, "minutes")))
        res = res.reshape(len(origins), len(sub))
        r = ref[:, : len(sub)]
        fin = np.isfinite(r)
        # pandana reports unreachable pairs as a large finite number, and its CH keeps
        # weights as integers of 1/1000 of the unit (truncated), so sums drift slightly.
        err = np.abs(res[fin] - r[fin]).max()
        assert err < 1.0, err
        scale = len(dests) / len(sub)
        t_full, c_full = t_pd * scale, c_pd * scale
        print(
            f"  pandana {pandana.__version__}: build {t_pbuild:.1f} s (cpu {c_pbuild:.1f}); "
            f"200 x {len(sub):,} pairwise {t_pd:.3f} s wall (cpu {c_pd:.2f} s) -> 200 x "
            f"{len(dests):,} ~{t_full:.1f} s wall (cpu ~{c_full:.1f} s), scaled; equal within "
            f"{err:.3f} min (its 1/1000 weight rounding); libmatch x{t_full / t_ours:.1f}"
        )
        times["pandana"] = t_full
    except ImportError as e:
        print(f"  pandana not run: {e}")
    return times


def bench_national(net, xy, rng):
    bases = xy[rng.choice(net.node_count, 2000, replace=False)]
    locs = rng.uniform(xy.min(axis=0), xy.max(axis=0), size=(50_000, 2))
    res, t, c = best_of(1, lambda: net.pairs_arrays(bases, locs, max_minutes=60.0))
    print(
        f"national-scale travel table, prepared: 2,000 bases x 50,000 locations within 60 "
        f"min: {t:.2f} s wall (cpu {c:.2f} s), {len(res.origin):,} pairs"
    )


def bench_national_round():
    """The full weekly round (libmatch.match: travel, rules, costs, exact solve) at national
    scale on the generated road graph, prepared; requests and advisors from bench_round.py
    inside the graph's extent. Reports the times (the solve itself is checked against
    OR-Tools in bench_round.py)."""
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_round

    rng = np.random.default_rng(SEED)
    side = int(os.environ.get("BENCH_TRAVEL_SIDE", "520"))
    xy, frm, to, speed, oneway = road_graph(rng, side=side)
    net = libmatch.RoadNetwork.from_edges(xy, frm, to, speed, oneway=oneway)
    _, t_prep, c_prep = timed(lambda: net.prepare())
    print(
        f"road graph: {net.node_count:,} nodes, {net.arc_count:,} directed arcs; prepare() "
        f"{t_prep:.1f} s wall (cpu {c_prep:.1f} s)"
    )
    bench_round.BOX = (*xy.min(axis=0), *xy.max(axis=0))  # the generator's extent
    areas = bench_round.make_areas()
    requests, advisors = bench_round.make_round(
        np.random.default_rng(20261123), 50_000, 2_000, areas
    )
    for model, label in ((net, "road network, prepared"), (None, "straight line (reference)")):
        res, t, c = timed(lambda m=model: libmatch.match(requests, advisors, areas, travel=m))
        print(
            f"national round, 50,000 requests x 2,000 advisors, {label}: {t:.2f} s wall "
            f"(cpu {c:.2f} s); candidate pairs {res.candidate_pairs:,}, assigned "
            f"{len(res.assignments):,}, escalated {len(res.escalations):,}; load average "
            f"{os.getloadavg()[0]:.1f}"
        )


def bench_simulation_year():
    """One simulated year of the bundled scenario with road travel on data/roads.geojson:
    without and with the hierarchy (the travel table is computed once per year)."""
    import json
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data"
    roads = {
        "speed_field": "maxspeed",
        "class_field": "class",
        "class_speeds": {
            "motorway": 100,
            "primary": 80,
            "secondary": 60,
            "tertiary": 50,
            "unclassified": 50,
            "residential": 30,
        },
        "oneway_field": "oneway",
    }
    cfg = json.loads((data / "scenario.json").read_text())
    out = {}
    for label, prepare in (("Dijkstra", False), ("prepared", True)):
        net, t_read, _ = timed(
            lambda p=prepare: libmatch.RoadNetwork.from_file(
                data / "roads.geojson", prepare=p, **roads
            )
        )
        sc = libmatch.Scenario(dict(cfg, travel=net), base_dir=data)
        # The first year compiles the scenario (travel from every base to every location).
        first, t1, c1 = timed(lambda sc=sc: libmatch.simulate(sc, 1, details=False))
        res, t, c = best_of(3, lambda sc=sc: libmatch.simulate(sc, 2, details=False))
        out[label] = (first.summary, res.summary)
        print(
            f"simulation year, bundled scenario, road travel ({label}): first year incl. "
            f"travel table {t1:.3f} s wall (cpu {c1:.2f} s), next years {t:.3f} s; road "
            f"network read{' + prepare' if prepare else ''} {t_read:.2f} s"
        )
    assert out["Dijkstra"] == out["prepared"], "simulation differs with the hierarchy"


def bench_road(rng):
    side = int(os.environ.get("BENCH_TRAVEL_SIDE", "520"))  # smaller: a quick smoke run
    xy, frm, to, speed, oneway = road_graph(rng, side=side)
    t0 = time.perf_counter()
    net = libmatch.RoadNetwork.from_edges(xy, frm, to, speed, oneway=oneway)
    t_build = time.perf_counter() - t0
    indptr, indices, minutes, _ = net.csr()
    graph = csr_matrix((minutes, indices, indptr), shape=(net.node_count, net.node_count))
    print(
        f"road graph: {net.node_count:,} nodes, {net.edge_count:,} road edges, "
        f"{net.arc_count:,} directed arcs (scipy nnz {graph.nnz:,}); "
        f"built in {t_build:.2f} s"
    )
    assert graph.nnz >= 1_000_000 or side != 520

    # Every node reachable from and to the others? Not required: unreachable pairs are
    # absent on our side and inf on scipy's; both are compared.
    origins = rng.choice(net.node_count, 200, replace=False)
    dests = rng.choice(net.node_count, 20_000, replace=False)
    oxy, dxy = xy[origins], xy[dests]

    results = {}
    for label, limit in (("unlimited", None), ("30-minute limit", 30.0)):
        # Best of two runs each (the machine is shared; both sides get the same chance).
        runs = [
            timed(lambda limit=limit: net.pairs_arrays(oxy, dxy, max_minutes=limit))
            for _ in range(2)
        ]
        ours, t_ours, c_ours = min(runs, key=lambda r: r[1])
        runs = [
            timed(
                lambda limit=limit: dijkstra(
                    graph, directed=True, indices=origins, limit=np.inf if limit is None else limit
                )
            )
            for _ in range(2)
        ]
        ref, t_scipy, c_scipy = min(runs, key=lambda r: r[1])
        ref = ref[:, dests]

        full = np.full(ref.shape, np.inf)
        full[ours.origin, ours.destination] = ours.minutes
        np.testing.assert_array_equal(full, ref)  # exact: integer ticks, exact sums
        if limit is None:
            assert ours.unreachable_pairs == int(np.isinf(ref).sum())
        print(
            f"  {label:16s}: libmatch {t_ours:7.3f} s (cpu {c_ours:6.2f} s, all threads)   "
            f"scipy {t_scipy:7.3f} s (cpu {c_scipy:6.2f} s)   x{t_scipy / t_ours:5.1f} wall, "
            f"x{c_scipy / c_ours:4.1f} cpu   ({len(ours.origin):,} pairs, checked equal)"
        )
        results[label] = t_scipy / t_ours
        results["scipy " + label] = t_scipy
        results["scipy cpu " + label] = c_scipy
        results["dijkstra " + label] = t_ours
        _PLAIN_CACHE[limit] = ours
        if limit is None:
            results["ref"] = ref
    results["net"], results["xy"], results["origins"], results["dests"] = net, xy, origins, dests
    return results


def bench_straight(rng):
    bases = rng.uniform([10_000, 300_000], [280_000, 620_000], (500, 2))
    locs = rng.uniform([10_000, 300_000], [280_000, 620_000], (20_000, 2))
    model = libmatch.StraightLine()
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        res = model.pairs_arrays(bases, locs, max_km=30.0)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    dx = locs[None, :, 0] - bases[:, None, 0]
    dy = locs[None, :, 1] - bases[:, None, 1]
    km = np.sqrt(dx * dx + dy * dy) / 1000.0 * 1.3
    oi, di = np.nonzero(km <= 30.0)
    t_np = time.perf_counter() - t0
    np.testing.assert_array_equal(res.origin, oi)
    np.testing.assert_array_equal(res.destination, di)
    np.testing.assert_array_equal(res.km, km[oi, di])
    best = min(times)
    print(
        f"straight line 500 x 20,000 within 30 km: libmatch best {best * 1000:.1f} ms "
        f"(median {np.median(times) * 1000:.1f} ms; target < 50 ms), numpy reference "
        f"{t_np * 1000:.0f} ms, {len(oi):,} pairs, checked equal"
    )
    return best


def main():
    print(
        f"libmatch {libmatch.__version__}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, numpy {np.__version__}, load average "
        f"{os.getloadavg()[0]:.1f} (other processes share the cores)"
    )
    if "--simulation" in sys.argv:
        bench_simulation_year()
        return
    if "--national-round" in sys.argv:
        bench_national_round()
        return
    rng = np.random.default_rng(SEED)
    straight = bench_straight(rng)
    road = bench_road(rng)
    net, xy = road["net"], road["xy"]
    t_scipy = {k: road["scipy " + k] for k in ("unlimited", "30-minute limit")}
    ch = bench_hierarchy(net, xy, road["origins"], road["dests"], road["ref"], t_scipy)
    peers = bench_peers(net, xy, road["origins"], road["dests"], road["ref"], ch["unlimited"][0])
    bench_national(net, xy, rng)
    print(f"straight line under 50 ms: {'yes' if straight < 0.050 else 'NO'}")
    print(f"road network (Dijkstra) speed-up vs scipy: {road['unlimited']:.1f}x")
    if peers:
        best = min(peers, key=peers.get)
        print(f"prepared vs the faster CH peer ({best}): {peers[best] / ch['unlimited'][0]:.2f}x")
    speedup = t_scipy["unlimited"] / ch["unlimited"][0]
    cpu_speedup = road["scipy cpu unlimited"] / ch["unlimited"][1]
    print(
        f"road network (prepared) speed-up vs scipy.sparse.csgraph.dijkstra: {speedup:.1f}x "
        f"(cpu {cpu_speedup:.1f}x, load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
