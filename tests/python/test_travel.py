"""Travel models against independent oracles: numpy for the straight line,
scipy.sparse.csgraph.dijkstra for road networks; OSM / GeoJSON reading and bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import libmatch

scipy_sparse = pytest.importorskip("scipy.sparse")
csgraph = pytest.importorskip("scipy.sparse.csgraph")

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
# Road networks keep arc times and lengths as integers: ticks of 2^-20 minutes and units of
# 2^-20 km (coarser only for networks whose arcs together pass 2^52 of them).
TICK = 2.0**-20
UNIT = 2.0**-20


# ------------------------------------------------------------------------ helpers
def scipy_graph(net: libmatch.RoadNetwork):
    indptr, indices, minutes, km = net.csr()
    n = net.node_count
    return scipy_sparse.csr_matrix((minutes, indices, indptr), shape=(n, n))


def random_edges(rng, n, m, directed):
    xy = rng.uniform(0, 10_000, size=(n, 2))
    frm = np.concatenate([np.arange(n), rng.integers(0, n, m - n)]).astype(np.int64)
    to = rng.integers(0, n, m).astype(np.int64)
    speed = rng.uniform(20, 100, m)
    oneway = np.ones(m, np.int8) if directed else np.zeros(m, np.int8)
    return xy, frm, to, speed, oneway


def grid_lines(nx, ny, spacing, rng, oneway_share=0.0):
    """Streets of a grid as long polylines with a vertex at every crossing."""
    lines, speeds, oneway = [], [], []
    for j in range(ny):
        lines.append(np.column_stack([np.arange(nx) * spacing, np.full(nx, j * spacing)]))
    for i in range(nx):
        lines.append(np.column_stack([np.full(ny, i * spacing), np.arange(ny) * spacing]))
    for _ in lines:
        speeds.append(rng.choice([30.0, 50.0, 60.0, 80.0]))
        oneway.append(rng.choice([1, -1]) if rng.random() < oneway_share else 0)
    return lines, np.array(speeds), np.array(oneway, np.int8)


def as_dict(df):
    return {
        (int(o), int(d)): (m, k) for o, d, m, k in zip(df.origin, df.destination, df.minutes, df.km)
    }


# ------------------------------------------------------------------------ straight line
def test_straight_line_equals_numpy_reference():
    rng = np.random.default_rng(1)
    o = rng.uniform(0, 60_000, (53, 2))
    d = rng.uniform(0, 60_000, (407, 2))
    model = libmatch.StraightLine(detour=1.2, speed_kmh=45.0)
    dx = d[None, :, 0] - o[:, None, 0]
    dy = d[None, :, 1] - o[:, None, 1]
    km = np.sqrt(dx * dx + dy * dy) / 1000.0 * 1.2
    minutes = km / 45.0 * 60.0
    for max_minutes, max_km in [(None, None), (30.0, None), (None, 25.0), (40.0, 20.0)]:
        keep = np.ones_like(km, bool)
        if max_minutes is not None:
            keep &= minutes <= max_minutes
        if max_km is not None:
            keep &= km <= max_km
        oi, di = np.nonzero(keep)  # row-major: sorted by origin, then destination
        df = model.pairs(o, d, max_minutes=max_minutes, max_km=max_km)
        assert list(df.columns) == ["origin", "destination", "minutes", "km"]
        np.testing.assert_array_equal(df.origin.to_numpy(), oi)
        np.testing.assert_array_equal(df.destination.to_numpy(), di)
        np.testing.assert_array_equal(df.km.to_numpy(), km[oi, di])
        np.testing.assert_array_equal(df.minutes.to_numpy(), minutes[oi, di])
        assert df.attrs["unreachable_pairs"] == 0


def test_straight_line_threads_and_inputs():
    rng = np.random.default_rng(2)
    o = rng.uniform(0, 30_000, (300, 2))
    d = rng.uniform(0, 30_000, (900, 2))
    model = libmatch.StraightLine()
    a = model.pairs(o, d, max_minutes=20, threads=1)
    b = model.pairs(o, d, max_minutes=20, threads=2)
    pd.testing.assert_frame_equal(a, b)
    # DataFrames with x/y columns work as well as arrays.
    c = model.pairs(
        pd.DataFrame(o, columns=["x", "y"]), pd.DataFrame(d, columns=["x", "y"]), max_minutes=20
    )
    pd.testing.assert_frame_equal(a, c)
    assert model.describe() == "straight line x1.3 at 60 km/h"
    assert model.detour == 1.3 and model.speed_kmh == 60.0


def test_straight_line_bad_input():
    model = libmatch.StraightLine()
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.StraightLine(detour=0)
    with pytest.raises(libmatch.InvalidInputError, match=">= 1"):
        libmatch.StraightLine(detour=0.5)
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.StraightLine(speed_kmh=-10)
    with pytest.raises(libmatch.InvalidTypeError):
        model.pairs(np.zeros((2, 2), dtype=np.int64), np.zeros((1, 2)))
    with pytest.raises(libmatch.InvalidInputError):
        model.pairs(np.zeros((2, 3)), np.zeros((1, 2)))
    with pytest.raises(libmatch.InvalidInputError):
        model.pairs(np.zeros((2, 2)), np.zeros((1, 2)), max_minutes=-1)
    # The compiled layer checks dtype and shape itself too.
    with pytest.raises(libmatch.InvalidTypeError):
        model._impl.pairs_arrays(np.zeros((2, 2), dtype=np.int32), np.zeros((1, 2)))
    with pytest.raises(libmatch.InvalidInputError):
        model._impl.pairs_arrays(np.zeros(4), np.zeros((1, 2)))
    # Empty inputs: an empty result, not an error.
    empty = model.pairs(np.empty((0, 2)), np.zeros((3, 2)))
    assert len(empty) == 0 and list(empty.columns) == ["origin", "destination", "minutes", "km"]


# ------------------------------------------------------------------------ road network vs scipy
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_random_graphs_equal_scipy_dijkstra(directed, seed):
    rng = np.random.default_rng(seed)
    n = 400
    xy, frm, to, speed, oneway = random_edges(rng, n, 1200 if directed else 600, directed)
    net = libmatch.RoadNetwork.from_edges(xy, frm, to, speed, oneway=oneway)
    # The CSR graph is exactly the edges at their speed, parallel arcs reduced to the fastest.
    dxy = xy[to] - xy[frm]
    length = np.sqrt(dxy[:, 0] * dxy[:, 0] + dxy[:, 1] * dxy[:, 1])
    minutes = length / 1000.0 / speed * 60.0
    expect = {}
    for u, v, w in zip(frm, to, minutes):
        for a, b in [(u, v)] if directed else [(u, v), (v, u)]:
            if a != b:
                expect[(a, b)] = min(w, expect.get((a, b), math.inf))
    indptr, indices, arc_min, _ = net.csr()
    got = {
        (u, int(indices[k])): arc_min[k] for u in range(n) for k in range(indptr[u], indptr[u + 1])
    }
    assert got.keys() == expect.keys()
    # Arc times are rounded once to integer ticks (2^-20 minutes here): within half a tick.
    assert all(got[k] == pytest.approx(expect[k], rel=0, abs=TICK / 2) for k in got)
    assert any(got[k] != expect[k] for k in got)  # rounded indeed

    sources = rng.choice(n, 25, replace=False)
    ref = csgraph.dijkstra(scipy_graph(net), directed=True, indices=sources)
    df = net.pairs(xy[sources], xy, threads=2)
    full = np.full((len(sources), n), np.inf)
    full[df.origin.to_numpy(), df.destination.to_numpy()] = df.minutes.to_numpy()
    np.testing.assert_allclose(full, ref, rtol=1e-12, atol=0)
    assert df.attrs["unreachable_pairs"] == int(np.isinf(ref).sum())
    # With a limit, exactly the pairs within it; unreachable pairs still counted exactly.
    lim = net.pairs(xy[sources], xy, max_minutes=6.0)
    assert len(lim) == int((ref <= 6.0).sum())
    assert lim.attrs["unreachable_pairs"] == int(np.isinf(ref).sum())


@pytest.mark.parametrize("oneway_share", [0.0, 0.3])
def test_generated_grid_road_network_equals_scipy(oneway_share):
    rng = np.random.default_rng(5)
    lines, speeds, oneway = grid_lines(40, 30, 250.0, rng, oneway_share)
    net = libmatch.RoadNetwork.from_lines(lines, speeds, oneway=oneway)
    assert net.node_count == 40 * 30
    assert net.edge_count == 39 * 30 + 29 * 40
    graph = scipy_graph(net)
    nodes = net.node_xy

    # Points on crossings: the network time is scipy's shortest path.
    src = rng.choice(len(nodes), 15, replace=False)
    ref = csgraph.dijkstra(graph, directed=True, indices=src)
    df = net.pairs(nodes[src], nodes)
    full = np.full(ref.shape, np.inf)
    full[df.origin.to_numpy(), df.destination.to_numpy()] = df.minutes.to_numpy()
    np.testing.assert_allclose(full, ref, rtol=1e-12)

    # Points off the network: snap legs at 15 km/h plus the partial edges, composed here
    # from snap() and edges() around scipy's node-to-node times.
    lo, hi = [-100, -100], [39 * 250 + 100, 29 * 250 + 100]
    o = rng.uniform(lo, hi, (12, 2))
    d = rng.uniform(lo, hi, (300, 2))
    edges = net.edges()
    so, sd = net.snap(o), net.snap(d)
    ends = np.unique(np.concatenate([edges["from"][so.edge], edges["to"][so.edge]]))
    dist_ends = csgraph.dijkstra(graph, directed=True, indices=ends)
    row = {int(u): k for k, u in enumerate(ends)}

    def legs(snap, i, origin):
        e = edges.iloc[int(snap.edge[i])]
        along, length = snap.along_m[i], e.length_m
        fwd, rev = e.oneway != -1, e.oneway != 1
        out = []
        if along <= 0 or (rev if origin else fwd):
            out.append((int(e["from"]), along / length * e.minutes))
        if along >= length or (fwd if origin else rev):
            out.append((int(e["to"]), (length - along) / length * e.minutes))
        return out

    got = as_dict(net.pairs(o, d))
    checked = 0
    for i in range(len(o)):
        snap_o = so.distance_m[i] / 1000 / 15 * 60
        for j in range(len(d)):
            snap_d = sd.distance_m[j] / 1000 / 15 * 60
            best = math.inf
            for a, ca in legs(so, i, True):
                for b, cb in legs(sd, j, False):
                    best = min(best, snap_o + ca + dist_ends[row[a], b] + cb + snap_d)
            if so.edge[i] == sd.edge[j]:  # along the shared edge
                e = edges.iloc[int(so.edge[i])]
                delta = sd.along_m[j] - so.along_m[i]
                if delta == 0 or (e.oneway != -1 if delta > 0 else e.oneway != 1):
                    best = min(best, snap_o + abs(delta) / e.length_m * e.minutes + snap_d)
            if math.isinf(best):
                assert (i, j) not in got
            else:
                # Edge parts are rounded to ticks once each, composed here from float parts.
                assert got[(i, j)][0] == pytest.approx(best, rel=0, abs=4 * TICK)
                checked += 1
    assert checked > 3000


def test_thread_count_does_not_change_results():
    rng = np.random.default_rng(9)
    lines, speeds, oneway = grid_lines(30, 30, 200.0, rng, 0.2)
    net = libmatch.RoadNetwork.from_lines(lines, speeds, oneway=oneway)
    o = rng.uniform(0, 5800, (40, 2))
    d = rng.uniform(0, 5800, (700, 2))
    a = net.pairs(o, d, max_minutes=8, threads=1)
    b = net.pairs(o, d, max_minutes=8, threads=2)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs


# ------------------------------------------------------------------------ snapping, parts
def test_snap_distance_unsnapped_and_disconnected_parts():
    # Two separate roads, 50 km apart.
    xy = np.array([[0.0, 0.0], [1000.0, 0.0], [50_000.0, 0.0], [51_000.0, 0.0]])
    net = libmatch.RoadNetwork.from_edges(xy, [0, 2], [1, 3], [50.0, 50.0], snap_max_m=200)
    assert net.component_count == 2
    o = np.array([[0.0, 150.0], [20_000.0, 0.0]])  # second: 19 km from any road
    d = np.array([[900.0, 0.0], [50_500.0, 30.0], [500.0, 250.0]])  # third: 250 m > 200 m
    df = net.pairs(o, d)
    assert df[["origin", "destination"]].values.tolist() == [[0, 0]]
    # 150 m snap leg at 15 km/h + 900 m at 50 km/h.
    assert df.minutes[0] == pytest.approx(0.15 / 15 * 60 + 0.9 / 50 * 60)
    assert df.km[0] == pytest.approx(1.05)
    assert df.attrs["unsnapped_origins"] == (1,)
    assert df.attrs["unsnapped_destinations"] == (2,)
    assert df.attrs["unreachable_pairs"] == 1  # origin 0 -> destination 1 (other part)
    snap = net.snap(d)
    assert snap.edge.tolist() == [0, 1, -1]
    assert math.isnan(snap.distance_m[2])


# ------------------------------------------------------------------------ files
OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="libmatch-test">
  <node id="1" lat="52.3400" lon="4.9300" version="1"/>
  <node id="2" lat="52.3400" lon="4.9330" version="1"/>
  <node id="3" lat="52.3420" lon="4.9330" version="1"/>
  <node id="4" lat="52.3420" lon="4.9300" version="1"/>
  <node id="5" lat="52.3440" lon="4.9330" version="1"/>
  <way id="20" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
  <way id="21" version="1"><nd ref="2"/><nd ref="3"/><nd ref="5"/>
    <tag k="highway" v="secondary"/><tag k="oneway" v="yes"/></way>
  <way id="22" version="1"><nd ref="3"/><nd ref="4"/><tag k="highway" v="residential"/>
    <tag k="maxspeed" v="15"/></way>
  <way id="23" version="1"><nd ref="4"/><nd ref="1"/><tag k="highway" v="residential"/></way>
  <way id="24" version="1"><nd ref="1"/><nd ref="3"/><tag k="highway" v="cycleway"/></way>
  <way id="25" version="1"><nd ref="4"/><nd ref="5"/><tag k="waterway" v="ditch"/></way>
</osm>
"""


def rd(lonlat):
    return libmatch.transform(np.array(lonlat, dtype=float), "EPSG:4326", "EPSG:28992")


def test_osm_xml_streets_and_one_way(tmp_path):
    path = tmp_path / "streets.osm"
    path.write_text(OSM_XML)
    net = libmatch.RoadNetwork.from_file(path)  # OSM car profile chosen automatically
    assert net.edge_count == 5  # 1-2, 2-3, 3-5 (way 21 split at node 3), 3-4, 4-1
    assert net.skipped_features == 2  # cycleway and the ditch
    p = rd(
        [
            [4.9300, 52.3400],
            [4.9330, 52.3400],
            [4.9330, 52.3420],
            [4.9300, 52.3420],
            [4.9330, 52.3440],
        ]
    )
    length = lambda a, b: float(np.hypot(*(p[a] - p[b])))  # noqa: E731
    df = as_dict(net.pairs(p, p))
    # 2 -> 3 on the one-way secondary road (60 km/h), 3 -> 2 around the block:
    # 3-4 at its maxspeed 15, 4-1 and 1-2 at the residential 30 km/h.
    assert df[(1, 2)][0] == pytest.approx(length(1, 2) / 1000 / 60 * 60, rel=0, abs=TICK)
    assert df[(2, 1)][0] == pytest.approx(
        (length(2, 3) / 15 + (length(3, 0) + length(0, 1)) / 30) / 1000 * 60, rel=0, abs=3 * TICK
    )
    # Node 5 is reached only along the one-way road and cannot be left.
    assert (4, 0) not in df and (0, 4) in df
    assert df[(0, 4)][1] == pytest.approx(
        (length(0, 1) + length(1, 2) + length(2, 4)) / 1000, rel=0, abs=3 * UNIT
    )
    # A fallback speed alone keeps the profile: one-ways and skipped classes stay.
    fallback = libmatch.RoadNetwork.from_file(path, default_speed_kmh=40)
    assert fallback.edge_count == 5 and fallback.skipped_features == 2
    assert (fallback.edges()["oneway"] != 0).sum() == (net.edges()["oneway"] != 0).sum() > 0
    assert (4, 0) not in as_dict(fallback.pairs(p, p))
    # Without the profile, explicit settings only: every class at 50 km/h, one-way ignored.
    flat = libmatch.RoadNetwork.from_file(
        path,
        profile="none",
        class_field="highway",
        class_speeds={"residential": 50, "secondary": 50},
        skip_classes=["cycleway", ""],
    )
    flat_df = as_dict(flat.pairs(p, p))
    assert flat_df[(2, 1)][0] == pytest.approx(length(1, 2) / 1000 / 50 * 60, rel=0, abs=TICK)


@pytest.mark.skipif(
    not (SHARED / "osm_amsterdam_small.osm.pbf").exists(),
    reason="shared data ../shared/data/osm_amsterdam_small.osm.pbf is absent",
)
def test_shared_amsterdam_pbf_loads():
    net = libmatch.RoadNetwork.from_file(SHARED / "osm_amsterdam_small.osm.pbf")
    assert net.edge_count > 10 and net.node_count > 10
    assert net.skipped_features >= 29  # 17 footways + 12 cycleways at least
    xy = net.node_xy
    df = net.pairs(xy, xy)
    assert (df.minutes >= 0).all()
    assert len(df) + df.attrs["unreachable_pairs"] == len(xy) ** 2
    ref = csgraph.dijkstra(scipy_graph(net), directed=True)
    full = np.full(ref.shape, np.inf)
    full[df.origin.to_numpy(), df.destination.to_numpy()] = df.minutes.to_numpy()
    np.testing.assert_allclose(full, ref, rtol=1e-12)


def write_geojson(path, features, epsg=28992):
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}},
        "features": [
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": gtype, "coordinates": coords},
            }
            for props, gtype, coords in features
        ],
    }
    path.write_text(json.dumps(doc))
    return path


def test_geojson_speed_class_and_oneway_fields(tmp_path):
    path = write_geojson(
        tmp_path / "roads.geojson",
        [
            ({"class": "main", "maxspeed": 80, "oneway": "no"}, "LineString", [[0, 0], [2000, 0]]),
            (
                {"class": "local", "maxspeed": None, "oneway": "-1"},
                "LineString",
                [[2000, 0], [2000, 1000]],
            ),
            (
                {"class": "local", "maxspeed": None, "oneway": None},
                "MultiLineString",
                [[[0, 0], [0, 1000]], [[0, 1000], [2000, 1000]]],
            ),
        ],
    )
    net = libmatch.RoadNetwork.from_file(
        path,
        speed_field="maxspeed",
        class_field="class",
        class_speeds={"local": 30},
        oneway_field="oneway",
    )
    pts = np.array([[0.0, 0.0], [2000.0, 0.0], [2000.0, 1000.0]])
    df = as_dict(net.pairs(pts, pts))
    assert df[(0, 1)][0] == pytest.approx(1.5)  # 2 km at 80
    assert df[(2, 1)][0] == pytest.approx(2.0)  # 1 km at 30, with the -1 way
    assert df[(1, 2)][0] == pytest.approx(1.5 + 2 + 4)  # around: 2 + 1 km at 30


def test_bad_road_input(tmp_path):
    roads = write_geojson(
        tmp_path / "roads.geojson",
        [
            ({"class": "a", "speed": 50}, "LineString", [[0, 0], [1000, 0]]),
            ({"class": "b", "speed": None}, "LineString", [[1000, 0], [1000, 1000]]),
        ],
    )
    # Missing speed: named feature, and how to fix it.
    with pytest.raises(libmatch.InvalidInputError, match="has no speed") as err:
        libmatch.RoadNetwork.from_file(roads, speed_field="speed")
    assert "roads.geojson" in str(err.value) and "default_speed_kmh" in str(err.value)
    ok = libmatch.RoadNetwork.from_file(roads, speed_field="speed", default_speed_kmh=40)
    assert ok.edge_count == 2
    # Zero and negative speeds.
    zero = write_geojson(
        tmp_path / "zero.geojson", [({"speed": 0}, "LineString", [[0, 0], [1000, 0]])]
    )
    with pytest.raises(libmatch.InvalidInputError, match="must be > 0"):
        libmatch.RoadNetwork.from_file(zero, speed_field="speed")
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.RoadNetwork.from_file(roads, class_field="class", class_speeds={"a": 50, "b": -20})
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.RoadNetwork.from_edges([[0.0, 0.0], [1.0, 0.0]], [0], [1], [0.0])
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.RoadNetwork.from_file(roads, default_speed_kmh=-1)
    # Unknown field / layer, missing file.
    with pytest.raises(libmatch.UnknownIdError, match="fields: class, speed"):
        libmatch.RoadNetwork.from_file(roads, speed_field="kmh")
    with pytest.raises(libmatch.UnknownIdError):
        libmatch.RoadNetwork.from_file(roads, layer="nope", default_speed_kmh=50)
    with pytest.raises(libmatch.FileMissingError):
        libmatch.RoadNetwork.from_file(tmp_path / "absent.gpkg", default_speed_kmh=50)
    # A layer with no lines.
    pts = write_geojson(tmp_path / "points.geojson", [({}, "Point", [5, 5])])
    with pytest.raises(libmatch.GeometryError, match="no line features"):
        libmatch.RoadNetwork.from_file(pts, default_speed_kmh=50)
    # CRS: geographic working CRS, a source without CRS, a reprojected source.
    with pytest.raises(libmatch.CrsError, match="not projected"):
        libmatch.RoadNetwork.from_file(roads, default_speed_kmh=50, crs="EPSG:4326")
    (tmp_path / "nocrs.csv").write_text('WKT,speed\n"LINESTRING (0 0,1000 0)",50\n')
    with pytest.raises(libmatch.CrsError, match="declares no CRS"):
        libmatch.RoadNetwork.from_file(tmp_path / "nocrs.csv", default_speed_kmh=50)
    assert (
        libmatch.RoadNetwork.from_file(
            tmp_path / "nocrs.csv", default_speed_kmh=50, source_crs="EPSG:28992"
        ).edge_count
        == 1
    )
    wgs = write_geojson(
        tmp_path / "wgs.geojson", [({}, "LineString", [[5.0, 52.0], [5.01, 52.0]])], epsg=4326
    )
    net = libmatch.RoadNetwork.from_file(wgs, default_speed_kmh=60)
    assert net.edges().length_m[0] == pytest.approx(686, abs=5)  # 0.01 deg lon at 52 N
    # Bad arrays.
    with pytest.raises(libmatch.InvalidTypeError):
        libmatch.RoadNetwork.from_edges([[0.0, 0.0], [1.0, 0.0]], [0.0], [1], [50.0])
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.RoadNetwork.from_edges([[0.0, 0.0], [1.0, 0.0]], [0], [5], [50.0])
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.RoadNetwork.from_edges([[0.0, 0.0], [1.0, 0.0]], [0], [1], [50.0], oneway=[2])
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.RoadNetwork.from_edges(np.empty((0, 2)), [], [], [])
    # Empty point inputs give an empty table.
    assert len(ok.pairs(np.empty((0, 2)), np.empty((0, 2)))) == 0


def test_straight_line_reprojects_a_geoseries_in_another_crs():
    gpd = pytest.importorskip("geopandas")
    a = np.array([[150_000.0, 450_000.0], [160_000.0, 455_000.0]])
    b = np.array([[151_000.0, 452_000.0], [170_000.0, 440_000.0], [150_500.0, 450_500.0]])
    model = libmatch.StraightLine()
    ref = model.pairs(a, b)
    ga = gpd.GeoSeries(gpd.points_from_xy(a[:, 0], a[:, 1]), crs="EPSG:28992")
    gb = gpd.GeoSeries(gpd.points_from_xy(b[:, 0], b[:, 1]), crs="EPSG:28992")
    for o, d in ((ga, gb.to_crs("EPSG:3857")), (ga.to_crs("EPSG:4326"), gb), (a, gb)):
        got = model.pairs(o, d)
        np.testing.assert_allclose(got["km"], ref["km"], atol=1e-5)
        assert got[["origin", "destination"]].equals(ref[["origin", "destination"]])
