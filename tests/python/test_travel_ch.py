"""Contraction-hierarchy tables (RoadNetwork.prepare) against scipy.sparse.csgraph.dijkstra
and against the Dijkstra tables (exact minutes and km, pair by pair); save/load and its
errors; OSM implied one-ways and turn-restriction reporting."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import libmatch

scipy_sparse = pytest.importorskip("scipy.sparse")
csgraph = pytest.importorskip("scipy.sparse.csgraph")

REPO = Path(__file__).resolve().parents[2]
AMSTERDAM = Path("/work/shared/data/osm_amsterdam_small.osm.pbf")
if not AMSTERDAM.exists():
    AMSTERDAM = REPO.parent / "shared" / "data" / "osm_amsterdam_small.osm.pbf"


def random_net(rng, n=500, m=1400, oneway_share=0.3):
    xy = rng.uniform(0, 10_000, size=(n, 2))
    frm = np.concatenate([np.arange(n), rng.integers(0, n, m - n)]).astype(np.int64)
    to = rng.integers(0, n, m).astype(np.int64)
    to[:5] = frm[:5]  # self loops are dropped
    speed = rng.choice([15.0, 30.0, 50.0, 80.0, 100.0], m)
    oneway = np.where(rng.random(m) < oneway_share, rng.choice([1, -1], m), 0).astype(np.int8)
    length = np.hypot(*(xy[to] - xy[frm]).T)
    length[rng.random(m) < 0.02] = 0.0  # zero-length edges
    return libmatch.RoadNetwork.from_edges(xy, frm, to, speed, length_m=length, oneway=oneway), xy


def assert_same(a, b):
    """Identical tables: same pairs, bit-identical minutes and km, same attrs."""
    assert len(a) == len(b)
    np.testing.assert_array_equal(a.origin.to_numpy(), b.origin.to_numpy())
    np.testing.assert_array_equal(a.destination.to_numpy(), b.destination.to_numpy())
    np.testing.assert_array_equal(a.minutes.to_numpy(), b.minutes.to_numpy())
    np.testing.assert_array_equal(a.km.to_numpy(), b.km.to_numpy())
    assert a.attrs == b.attrs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hierarchy_equals_scipy_exactly_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    net, xy = random_net(rng)
    plain = net.pairs(xy[:30], xy, threads=2)
    assert net.prepare(threads=2) is net and net.is_prepared
    info = net.hierarchy_info
    assert info["prepared"] and info["up_arcs"] + info["down_arcs"] >= net.arc_count // 2
    assert info["seconds"] > 0 and info["bytes"] > 0
    indptr, indices, minutes, _ = net.csr()
    graph = scipy_sparse.csr_matrix((minutes, indices, indptr), shape=(len(xy), len(xy)))
    ref = csgraph.dijkstra(graph, directed=True, indices=np.arange(30))
    df = net.pairs(xy[:30], xy, threads=2)
    full = np.full(ref.shape, np.inf)
    full[df.origin.to_numpy(), df.destination.to_numpy()] = df.minutes.to_numpy()
    # Points on nodes: the table is the network time, equal to scipy's sums bit for bit
    # (arc minutes are multiples of a power of two, so every partial sum is exact).
    np.testing.assert_array_equal(full, ref)
    assert df.attrs["unreachable_pairs"] == int(np.isinf(ref).sum())
    assert_same(df, plain)


@pytest.mark.parametrize("seed", [4, 5])
def test_hierarchy_equals_dijkstra_with_limits_and_off_node_points(seed):
    rng = np.random.default_rng(seed)
    net, xy = random_net(rng, n=400, m=1100)
    prepared, _ = random_net(np.random.default_rng(seed), n=400, m=1100)
    prepared.prepare()
    pts = rng.uniform(-100, 10_100, size=(300, 2))
    for kw in ({}, {"max_minutes": 5.0}, {"max_km": 3.0}, {"max_minutes": 4.0, "max_km": 2.0}):
        a = net.pairs(pts[:50], pts, **kw)
        b = prepared.pairs(pts[:50], pts, **kw)
        assert len(a) > 0
        assert_same(a, b)


def test_bundled_roads_hierarchy_equals_dijkstra():
    kw = {
        "speed_field": "maxspeed",
        "class_field": "class",
        "class_speeds": {
            "motorway": 100,
            "trunk": 80,
            "primary": 70,
            "secondary": 60,
            "tertiary": 50,
            "residential": 30,
            "unclassified": 40,
        },
        "default_speed_kmh": 30,
    }
    plain = libmatch.RoadNetwork.from_file(REPO / "data" / "roads.geojson", **kw)
    ch = libmatch.RoadNetwork.from_file(REPO / "data" / "roads.geojson", prepare=True, **kw)
    assert ch.is_prepared and not plain.is_prepared
    rng = np.random.default_rng(7)
    xy = plain.node_xy
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    o = rng.uniform(lo, hi, size=(40, 2))
    d = np.vstack([rng.uniform(lo, hi, size=(400, 2)), xy[rng.choice(len(xy), 200)]])
    a, b = plain.pairs(o, d), ch.pairs(o, d)
    assert len(a) > 5_000
    assert_same(a, b)
    assert_same(plain.pairs(o, d, max_minutes=20), ch.pairs(o, d, max_minutes=20))


@pytest.mark.skipif(not AMSTERDAM.exists(), reason=f"{AMSTERDAM} is absent")
def test_amsterdam_extract_hierarchy_equals_dijkstra(tmp_path):
    plain = libmatch.RoadNetwork.from_file(AMSTERDAM)
    ch = libmatch.RoadNetwork.from_file(AMSTERDAM, prepare=True)
    xy = plain.node_xy
    rng = np.random.default_rng(3)
    pts = np.vstack([xy, xy.mean(axis=0) + rng.normal(0, 300, size=(100, 2))])
    a, b = plain.pairs(pts, pts), ch.pairs(pts, pts)
    assert len(a) > 1000
    assert_same(a, b)
    ch.save(tmp_path / "ams.lmnet")
    assert_same(libmatch.RoadNetwork.load(tmp_path / "ams.lmnet").pairs(pts, pts), a)


def test_save_load_and_bad_files(tmp_path):
    net, xy = random_net(np.random.default_rng(8), n=200, m=500)
    net.prepare()
    path = tmp_path / "net.lmnet"
    net.save(path)
    back = libmatch.RoadNetwork.load(path)
    assert back.is_prepared
    assert back.hierarchy_info == net.hierarchy_info
    assert_same(back.pairs(xy[:20], xy), net.pairs(xy[:20], xy))
    good = path.read_bytes()
    for bytes_, why in [
        (b"not a road network", "header"),
        (good[: len(good) - 100], "truncated"),
        (good[:10] + b"\x07" + good[11:], "version"),
        (good[:-50] + bytes([good[-50] ^ 1]) + good[-49:], "checksum"),
    ]:
        path.write_bytes(bytes_)
        with pytest.raises(libmatch.FileError, match=why) as err:
            libmatch.RoadNetwork.load(path)
        assert isinstance(err.value, OSError) and str(path) in str(err.value)
    with pytest.raises(libmatch.FileMissingError):
        libmatch.RoadNetwork.load(tmp_path / "missing.lmnet")


OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="libmatch-test">
  <node id="1" lat="52.3400" lon="4.9300" version="1"/>
  <node id="2" lat="52.3400" lon="4.9330" version="1"/>
  <node id="3" lat="52.3420" lon="4.9330" version="1"/>
  <node id="4" lat="52.3420" lon="4.9300" version="1"/>
  <node id="5" lat="52.3440" lon="4.9330" version="1"/>
  <node id="6" lat="52.3440" lon="4.9300" version="1"/>
  <way id="30" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="motorway"/></way>
  <way id="31" version="1"><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/>
    <tag k="junction" v="roundabout"/></way>
  <way id="32" version="1"><nd ref="3"/><nd ref="4"/><tag k="highway" v="motorway"/>
    <tag k="oneway" v="no"/></way>
  <way id="33" version="1"><nd ref="4"/><nd ref="1"/><tag k="highway" v="residential"/></way>
  <way id="34" version="1"><nd ref="3"/><nd ref="5"/><tag k="highway" v="residential"/>
    <tag k="oneway" v="-1"/></way>
  <way id="35" version="1"><nd ref="5"/><nd ref="6"/><tag k="highway" v="residential"/></way>
  <relation id="90" version="1"><member type="way" ref="33" role="from"/>
    <member type="node" ref="1" role="via"/><member type="way" ref="30" role="to"/>
    <tag k="type" v="restriction"/><tag k="restriction" v="no_left_turn"/></relation>
</osm>
"""


def test_osm_implied_one_ways_and_ignored_turn_restrictions(tmp_path):
    path = tmp_path / "implied.osm"
    path.write_text(OSM_XML)
    net = libmatch.RoadNetwork.from_file(path)
    edges = net.edges()
    xy = net.node_xy
    # Map each way to its edge by its end nodes' coordinates.
    ll = np.array([[4.93, 52.34], [4.933, 52.34], [4.933, 52.342], [4.93, 52.342], [4.933, 52.344]])
    p = libmatch.transform(ll, "EPSG:4326", "EPSG:28992")
    node = [int(np.argmin(np.hypot(*(xy - q).T))) for q in p]
    flag = {
        (int(f), int(t)): int(o)
        for f, t, o in zip(edges["from"], edges["to"], edges["oneway"], strict=True)
    }
    assert flag[(node[0], node[1])] == 1  # motorway: implied one-way
    assert flag[(node[1], node[2])] == 1  # junction=roundabout: implied one-way
    assert flag[(node[2], node[3])] == 0  # motorway with oneway=no
    assert flag[(node[3], node[0])] == 0  # plain residential
    assert flag[(node[2], node[4])] == -1  # explicit oneway=-1 kept
    assert net.ignored_turn_restrictions == 1
