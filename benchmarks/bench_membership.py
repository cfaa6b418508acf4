"""Orientation-area membership: libmatch AreaSet.locate side by side with Shapely 2
(STRtree.query and prepared contains_xy per polygon), geopandas.sjoin and DuckDB's spatial
join, on the 342 real Dutch municipalities and uniform random points over their bounding box.

Run: .venv/bin/python benchmarks/bench_membership.py [--points 1000000] [--admin PATH]
Every peer's answers are checked against ours (points on a boundary excluded: there the peers
answer "in both" or "in neither" where our half-open rule picks exactly one area).
The last line is the single-thread speed-up over Shapely's STRtree.query.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

import libmatch

ADMIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "nl_admin_2023.gpkg"
LO, HI = [13_565, 306_960], [277_529, 619_172]  # bounding box of the municipalities (RD New)


def best_of(fn, repeat):
    """Best wall time, best CPU time of this process, and the last result."""
    best, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu, out


def first_hit(n, point_idx, geom_idx):
    """Per point the lowest polygon index among the hit pairs, -1 without a hit."""
    out = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(out, point_idx, geom_idx)
    out[out == np.iinfo(np.int64).max] = -1
    return out


def check_equal(name, ours, theirs, xy, polys):
    """Answers must agree except at points on a polygon boundary."""
    import shapely

    differ = np.flatnonzero(ours != theirs)
    if differ.size:
        bounds = shapely.STRtree(shapely.boundary(polys))
        hit, _ = bounds.query(shapely.points(xy[differ]), predicate="intersects")
        off = np.setdiff1d(np.arange(differ.size), hit)
        assert off.size == 0, f"{name}: {off.size} answers differ off boundaries"
    return differ.size


def duckdb_connection():
    """DuckDB with the spatial extension loaded from the installed wheel (no network)."""
    import duckdb
    import duckdb_extension_spatial

    ext = (
        Path(duckdb_extension_spatial.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / "spatial.duckdb_extension"
    )
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    con.execute(f"LOAD '{ext}'")
    return con, duckdb.__version__


def run_duckdb(gdf, xy, threads_list, repeat):
    import pandas as pd
    import shapely

    con, version = duckdb_connection()
    wkb = pd.DataFrame({"idx": np.arange(len(gdf)), "wkb": shapely.to_wkb(gdf.geometry.values)})
    con.register("polys_wkb", wkb)
    con.execute("CREATE TABLE polys AS SELECT idx, ST_GeomFromWKB(wkb) AS geom FROM polys_wkb")
    con.register("pts", pd.DataFrame({"i": np.arange(len(xy)), "x": xy[:, 0], "y": xy[:, 1]}))
    query = "SELECT p.i, g.idx FROM pts p JOIN polys g ON ST_Intersects(g.geom, ST_Point(p.x, p.y))"
    plan = "\n".join(r[1] for r in con.execute("EXPLAIN " + query).fetchall())
    operator = "SPATIAL_JOIN" if "SPATIAL_JOIN" in plan else "no spatial-join operator in plan"
    results = {}
    for t in threads_list:
        con.execute(f"SET threads = {t}")

        def once():
            r = con.execute(query).fetchnumpy()
            return first_hit(len(xy), r["i"], r["idx"])

        results[t] = best_of(once, repeat)
    return version, operator, results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--admin", type=Path, default=ADMIN, help="nl_admin_2023.gpkg")
    ap.add_argument("--repeat", type=int, default=25, help="best-of for libmatch")
    ap.add_argument("--peer-repeat", type=int, default=2, help="best-of for the peers")
    ap.add_argument("--big", type=int, default=10_000_000, help="points for the all-core run")
    args = ap.parse_args()
    if not args.admin.exists():
        raise SystemExit(f"real data missing: {args.admin}")
    import geopandas
    import shapely

    cores = os.cpu_count()
    print(
        f"machine: {platform.processor() or platform.machine()}, {cores} cores, "
        f"libmatch {libmatch.__version__}, shapely {shapely.__version__}, "
        f"geopandas {geopandas.__version__}"
    )
    gdf = geopandas.read_file(args.admin, layer="gemeenten")
    t_build, _, areas = best_of(
        lambda: libmatch.read_areas(args.admin, "statcode", layer="gemeenten"), 3
    )
    print(f"read + index {len(gdf)} municipalities: {t_build * 1000:.0f} ms")

    rng = np.random.default_rng(42)
    xy = rng.uniform(LO, HI, (args.points, 2))
    n = len(xy)
    t1, c1, ours = best_of(lambda: areas.locate(xy, threads=1), args.repeat)
    t2, c2, ours_2 = best_of(lambda: areas.locate(xy, threads=2), args.repeat)
    tn, _, ours_n = best_of(lambda: areas.locate(xy), args.repeat)
    assert np.array_equal(ours, ours_2) and np.array_equal(ours, ours_n)
    print(f"{n:,} points, {(ours >= 0).mean():.1%} inside a municipality (best of {args.repeat})")
    print(f"libmatch 1 thread   : {t1 * 1000:8.1f} ms  ({n / t1 / 1e6:6.1f} M points/s)")
    print(f"libmatch 1 thread   : {c1 * 1000:8.1f} ms CPU  ({n / c1 / 1e6:6.1f} M points/s CPU)")
    print(f"libmatch 2 threads  : {t2 * 1000:8.1f} ms  ({n / t2 / 1e6:6.1f} M points/s)")
    print(f"libmatch 2 threads  : {c2 * 1000:8.1f} ms CPU in total over both threads")
    print(f"libmatch all cores  : {tn * 1000:8.1f} ms  ({n / tn / 1e6:6.1f} M points/s)")

    polys = gdf.geometry.values
    pr = args.peer_repeat

    def strtree_locate():
        tree = shapely.STRtree(polys)
        pi, gi = tree.query(shapely.points(xy), predicate="intersects")
        return first_hit(n, pi, gi)

    ts, _, theirs = best_of(strtree_locate, pr)
    on_b = check_equal("STRtree", ours, theirs, xy, polys)
    print(f"shapely STRtree.query(intersects): {ts * 1000:8.1f} ms  (equal; {on_b} on boundaries)")

    def prepared_locate():
        shapely.prepare(polys)
        out = np.full(n, -1)
        for g in range(len(polys) - 1, -1, -1):  # lowest index written last
            x0, y0, x1, y1 = shapely.bounds(polys[g])
            sel = np.flatnonzero(
                (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
            )
            hit = sel[shapely.contains_xy(polys[g], xy[sel, 0], xy[sel, 1])]
            out[hit] = g
        return out

    tp, _, theirs = best_of(prepared_locate, pr)
    on_b = check_equal("contains_xy", ours, theirs, xy, polys)
    print(f"shapely prepared contains_xy    : {tp * 1000:8.1f} ms  (equal; {on_b} on boundaries)")

    pts = geopandas.GeoDataFrame(geometry=geopandas.points_from_xy(xy[:, 0], xy[:, 1]), crs=gdf.crs)
    sub = gdf[["statcode", "geometry"]].reset_index(drop=True)

    def sjoin_locate():
        j = geopandas.sjoin(pts, sub, predicate="intersects")
        return first_hit(n, j.index.to_numpy(), j["index_right"].to_numpy())

    tj, _, theirs = best_of(sjoin_locate, pr)
    on_b = check_equal("sjoin", ours, theirs, xy, polys)
    print(f"geopandas.sjoin(intersects)     : {tj * 1000:8.1f} ms  (equal; {on_b} on boundaries)")

    try:
        version, operator, res = run_duckdb(gdf, xy, [1, 2], pr)
    except (ImportError, OSError, RuntimeError) as exc:  # say why, keep the rest
        print(f"duckdb spatial join             : not run ({type(exc).__name__}: {exc})")
        res = {}
    for t, (td, _, theirs) in res.items():
        on_b = check_equal(f"duckdb {t}", ours, theirs, xy, polys)
        ours_t = t1 if t == 1 else t2
        print(
            f"duckdb {version} {operator}, {t} thread(s): {td * 1000:8.1f} ms  "
            f"(equal; {on_b} on boundaries; libmatch {td / ours_t:.1f}x faster)"
        )

    big = rng.uniform(LO, HI, (args.big, 2))
    tb, _, _ = best_of(lambda: areas.locate(big), 3)
    print(f"libmatch {args.big:,} points on all cores: {tb:.2f} s")
    print(f"speed-up vs shapely STRtree.query, one thread: {ts / t1:.1f}x")


if __name__ == "__main__":
    main()
