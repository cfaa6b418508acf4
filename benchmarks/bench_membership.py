"""Orientation-area membership: libmatch AreaSet.locate vs Shapely 2 STRtree (and
geopandas.sjoin) on the 342 real Dutch municipalities.

Run: .venv/bin/python benchmarks/bench_membership.py [--points 1000000]
The last line is the single-thread speed-up over Shapely.
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


def best_of(fn, repeat=3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--big", type=int, default=10_000_000, help="points for the all-core run")
    args = ap.parse_args()
    if not ADMIN.exists():
        raise SystemExit(f"real data missing: {ADMIN}")
    import geopandas
    import shapely

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"libmatch {libmatch.__version__}, shapely {shapely.__version__}"
    )
    gdf = geopandas.read_file(ADMIN, layer="gemeenten")
    t_build, areas = best_of(lambda: libmatch.read_areas(ADMIN, "statcode", layer="gemeenten"), 1)
    print(f"read + index 342 municipalities: {t_build * 1000:.0f} ms")

    rng = np.random.default_rng(42)
    lo, hi = [13_565, 306_960], [277_529, 619_172]
    xy = rng.uniform(lo, hi, (args.points, 2))

    t1, ours = best_of(lambda: areas.locate(xy, threads=1))
    tn, ours_n = best_of(lambda: areas.locate(xy))
    assert np.array_equal(ours, ours_n)

    polys = gdf.geometry.values

    def shapely_locate():
        tree = shapely.STRtree(polys)
        pi, gi = tree.query(shapely.points(xy), predicate="within")
        out = np.full(len(xy), -1)
        out[pi] = gi
        return out

    ts, theirs = best_of(shapely_locate, 1)
    # Same answers except points exactly on a boundary (Shapely: in neither or in both).
    differ = np.flatnonzero(ours != theirs)
    if differ.size:
        bounds = shapely.STRtree(shapely.boundary(polys))
        hit, _ = bounds.query(shapely.points(xy[differ]), predicate="intersects")
        assert np.unique(hit).size == differ.size, "answers differ off boundaries"
    print(f"{args.points:,} points, {(ours >= 0).mean():.1%} inside a municipality")
    print(f"libmatch 1 thread : {t1 * 1000:8.1f} ms  ({args.points / t1 / 1e6:.1f} M points/s)")
    print(
        f"libmatch {os.cpu_count()} threads: {tn * 1000:8.1f} ms  ({args.points / tn / 1e6:.1f} M points/s)"
    )
    print(f"shapely STRtree   : {ts * 1000:8.1f} ms  (answers equal off boundaries)")
    try:
        pts = geopandas.GeoDataFrame(
            geometry=geopandas.points_from_xy(xy[:, 0], xy[:, 1]), crs=gdf.crs
        )
        tj, joined = best_of(
            lambda: geopandas.sjoin(pts, gdf[["statcode", "geometry"]], predicate="within"), 1
        )
        print(f"geopandas.sjoin   : {tj * 1000:8.1f} ms")
        assert len(joined) == (theirs >= 0).sum()
    except ImportError:
        pass

    big = rng.uniform(lo, hi, (args.big, 2))
    tb, _ = best_of(lambda: areas.locate(big))
    print(f"libmatch {args.big:,} points on all cores: {tb:.2f} s (target < 2 s)")
    print(f"speed-up vs shapely STRtree, one thread: {ts / t1:.1f}x")


if __name__ == "__main__":
    main()
