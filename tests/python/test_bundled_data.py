"""Checks of the bundled default data set in data/ (written by tools/generate_data.py).

These tests check the data, not libmatch: they use shapely/pandas/scipy as oracles and do not
import libmatch. The special-case ids below are the ones documented in data/README.md.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

shapely = pytest.importorskip("shapely")
from shapely.geometry import Point, shape  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
GENERATOR = ROOT / "tools" / "generate_data.py"

FILES = [
    "municipalities.geojson",
    "orientation_areas.geojson",
    "nature_areas.geojson",
    "roads.geojson",
    "farms.csv",
    "advisors.csv",
    "requests.csv",
    "scenario.json",
    "README.md",
    "services.csv",
]
# Programme data sets in subdirectories (each with its own test module).
SUBDIRS = {
    "coaching": [
        "programme.json",
        "providers.csv",
        "requests.csv",
        "requests_next_week.csv",
        "services.csv",
    ]
}
CRS_MEMBER = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
SERVICES = {"procesmanager": 6, "zaakbegeleider": 14, "vabimpuls": 20, "nil_bio": 20}
VOCABULARY = {
    "melkvee",
    "varkens",
    "pluimvee",
    "akkerbouw",
    "tuinbouw",
    "stoppen",
    "omschakelen",
    "innoveren",
    "verplaatsen",
    "natuurinclusief",
    "biologisch",
    "bedrijfseconomie",
    "ruimtelijke_ordening",
}
FARM_TYPES = {"melkvee", "varkens", "pluimvee", "akkerbouw", "tuinbouw", "gemengd", "gestopt"}
ROAD_CLASSES = {"motorway", "primary", "secondary", "tertiary", "unclassified", "residential"}
LOCAL = {"tertiary", "unclassified", "residential"}
OA_IDS = [f"OA{k:02d}" for k in range(1, 7)]
ADVISOR_COLUMNS = [
    "advisor_id",
    "x",
    "y",
    "service",
    "expertise",
    "capacity",
    "caseload",
    "radius_km",
    "radius_minutes",
    "areas",
    "capacity_hours",
    "hours_booked",
]
REQUEST_COLUMNS = [
    "applicant_id",
    "x",
    "y",
    "service",
    "needs",
    "priority",
    "exclude",
    "current_advisor",
    "pinned",
    "registered",
    "farm_type",
    "location_of",
]
WEEK = {"2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"}

# Documented in data/README.md (seed 20261123).
ENCLAVE, ENCLAVE_HOST = "GM9009", "GM9010"
EXCLAVE_OWNER, EXCLAVE_HOST = "GM9045", "GM9046"
DUPLICATE = ("R0025", "R0128")  # (original, later duplicate)
IMPOSSIBLE = "R0052"
CONFLICTS = ["R0005", "R0006", "R0032", "R0068", "R0088", "R0140"]
REASSIGNED = ["R0021", "R0035", "R0039", "R0109", "R0131"]
PINNED = ["R0035", "R0109"]
NO_KLIK = "R0021"
PARK_ROAD_IDS = [2610, 2611, 2612, 2627, 2628, 2629, 2630, 2631]


# ----------------------------------------------------------------------------- loaders


def _geojson(name):
    with open(DATA / name, encoding="utf-8") as fh:
        return json.load(fh)


def _layer(name):
    fc = _geojson(name)
    props = [f["properties"] for f in fc["features"]]
    geoms = [shape(f["geometry"]) for f in fc["features"]]
    return props, geoms, fc


def _csv(name):
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def munis():
    return _layer("municipalities.geojson")


@pytest.fixture(scope="module")
def province(munis):
    return shapely.union_all(munis[1])


@pytest.fixture(scope="module")
def advisors():
    return _csv("advisors.csv")


@pytest.fixture(scope="module")
def requests_():
    return _csv("requests.csv")


@pytest.fixture(scope="module")
def farms():
    return _csv("farms.csv")


def _tags(s):
    return [t for t in s.split(";") if t]


def _rings(geom):
    polys = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
    for p in polys:
        yield p.exterior
        yield from p.interiors


# ----------------------------------------------------------------------------- files


def test_files_exist_and_parse():
    for name in FILES:
        assert (DATA / name).is_file(), name
    for name in FILES:
        if name.endswith(".geojson"):
            fc = _geojson(name)
            assert fc["type"] == "FeatureCollection"
            assert fc["crs"] == CRS_MEMBER, name
            assert fc["features"], name
            for f in fc["features"]:
                assert shape(f["geometry"]).is_valid, (name, f["properties"])
        elif name.endswith(".csv"):
            assert len(_csv(name)) > 0
    json.loads((DATA / "scenario.json").read_text(encoding="utf-8"))


def test_gdal_reads_rd_new():
    pyogrio = pytest.importorskip("pyogrio")
    for name in FILES:
        if name.endswith(".geojson"):
            info = pyogrio.read_info(DATA / name)
            assert info["crs"] == "EPSG:28992", name


# ----------------------------------------------------------------------------- municipalities


def test_municipality_count_and_properties(munis):
    props, geoms, _ = munis
    assert 40 <= len(props) <= 60
    ids = [p["id"] for p in props]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"GM9\d{3}", i) for i in ids)
    names = [p["name"] for p in props]
    assert len(set(names)) == len(names) and all(names)
    assert {p["orientation_area"] for p in props} == set(OA_IDS)
    assert all(isinstance(p["population"], int) and p["population"] > 0 for p in props)
    # realistic sizes: 5-25 km across (apart from the small enclave)
    for p, g in zip(props, geoms):
        x0, y0, x1, y1 = g.bounds
        across = max(x1 - x0, y1 - y0)
        if p["id"] != ENCLAVE:
            assert 5000 <= across <= 25000, (p["id"], across)


def test_municipalities_tile_exactly(munis):
    props, geoms, _fc = munis
    assert all(g.is_valid for g in geoms)
    union = shapely.union_all(geoms)
    assert abs(union.area - sum(g.area for g in geoms)) < 1.0  # no overlaps
    assert union.geom_type == "Polygon" and not union.interiors  # no gaps
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left, right):
        if i < j:
            assert geoms[i].intersection(geoms[j]).area < 1.0, (props[i]["id"], props[j]["id"])
    # whole-metre coordinates
    coords = np.concatenate([shapely.get_coordinates(g) for g in geoms])
    assert np.all(coords == np.round(coords))


def test_shared_borders_are_bit_identical(munis, province):
    props, geoms, _fc = munis
    directed = Counter()
    owner = {}
    for p, g in zip(props, geoms):
        for ring in _rings(g):
            c = [tuple(v) for v in ring.coords]
            for a, b in itertools.pairwise(c):
                directed[(a, b)] += 1
                owner[(a, b)] = p["id"]
    assert max(directed.values()) == 1
    # an edge either appears reversed in exactly one other municipality, or lies on the outline
    outline = 0.0
    neighbours = defaultdict(set)
    for a, b in directed:
        if (b, a) in directed:
            neighbours[owner[(a, b)]].add(owner[(b, a)])
        else:
            outline += math.dist(a, b)
    assert province.geom_type == "Polygon" and not province.interiors  # no gaps
    assert outline == pytest.approx(province.exterior.length, abs=1e-3)
    for p in props:
        assert neighbours[p["id"]] - {p["id"]}, "{} has no neighbour".format(p["id"])


def test_enclave_and_exclave_as_documented(munis):
    props, geoms, _ = munis
    by_id = {p["id"]: g for p, g in zip(props, geoms)}
    host = by_id[ENCLAVE_HOST]
    assert host.geom_type == "Polygon" and len(host.interiors) >= 1
    assert by_id[ENCLAVE].geom_type == "Polygon"
    assert _polygon_from_ring(host.interiors[0]).equals(by_id[ENCLAVE]) or any(
        _polygon_from_ring(r).equals(by_id[ENCLAVE]) for r in host.interiors
    )
    # the enclave touches only its host
    touching = [i for i, g in by_id.items() if i != ENCLAVE and g.intersects(by_id[ENCLAVE])]
    assert touching == [ENCLAVE_HOST]
    owner = by_id[EXCLAVE_OWNER]
    assert owner.geom_type == "MultiPolygon" and len(owner.geoms) == 2
    small = min(owner.geoms, key=lambda g: g.area)
    assert any(_polygon_from_ring(r).equals(small) for r in by_id[EXCLAVE_HOST].interiors)
    oa = {p["id"]: p["orientation_area"] for p in props}
    assert oa[EXCLAVE_OWNER] == oa[EXCLAVE_HOST] and oa[ENCLAVE] == oa[ENCLAVE_HOST]
    multi = [p["id"] for p, g in zip(props, geoms) if g.geom_type == "MultiPolygon"]
    assert multi == [EXCLAVE_OWNER]


def _polygon_from_ring(ring):
    return shapely.Polygon(ring.coords)


def test_province_shape(province):
    assert province.geom_type == "Polygon" and len(province.interiors) == 0
    x0, y0, x1, y1 = province.bounds
    assert 110_000 <= x0 and x1 <= 240_000 and 350_000 <= y0 and y1 <= 430_000
    assert 80_000 <= x1 - x0 <= 120_000 and 50_000 <= y1 - y0 <= 80_000
    assert province.area / province.convex_hull.area < 0.95  # non-convex


def test_orientation_areas_are_dissolved_municipalities(munis):
    props, geoms, _fc = _layer("orientation_areas.geojson")
    assert [p["id"] for p in props] == OA_IDS
    assert all(p["name"] for p in props)
    mprops, mgeoms, _ = munis
    for p, g in zip(props, geoms):
        assert g.geom_type == "Polygon", p["id"]  # contiguous
        members = [mg for mp, mg in zip(mprops, mgeoms) if mp["orientation_area"] == p["id"]]
        assert members
        ref = shapely.union_all(members)
        assert g.symmetric_difference(ref).area < 1.0, p["id"]
        mverts = {tuple(v) for m in members for v in shapely.get_coordinates(m)}
        assert {tuple(v) for v in shapely.get_coordinates(g)} <= mverts


# ----------------------------------------------------------------------------- nature


def test_nature_areas(munis, province):
    props, geoms, _ = _layer("nature_areas.geojson")
    assert 10 <= len(props) <= 15
    ids = [p["id"] for p in props]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"N2K-\d{3}", i) for i in ids)
    assert {p["richtlijn"] for p in props} <= {"HR", "VR", "VR+HR"}
    assert all(p["name"] for p in props)
    for p, g in zip(props, geoms):
        assert g.is_valid and g.area > 1e6, p["id"]
        # clipped to the province, then snapped to whole metres: at most ~1 m outside it
        assert g.difference(province.buffer(1.0)).area < 1e-6, p["id"]
        assert g.difference(province).area < 100.0, p["id"]
    assert abs(shapely.union_all(geoms).area - sum(g.area for g in geoms)) < 1.0  # no overlaps
    mgeoms = munis[1]
    crossing = [
        p["id"]
        for p, g in zip(props, geoms)
        if sum(m.intersection(g).area > 1000 for m in mgeoms) > 1
    ]
    assert len(crossing) >= 3
    edge = [
        p["id"]
        for p, g in zip(props, geoms)
        if g.boundary.intersection(province.exterior).length > 100
    ]
    assert 2 <= len(edge) <= 5


# ----------------------------------------------------------------------------- roads


@pytest.fixture(scope="module")
def roads():
    return _layer("roads.geojson")


def test_roads_schema(roads):
    props, geoms, _ = roads
    assert 3000 <= len(props) <= 8000
    assert [p["id"] for p in props] == list(range(1, len(props) + 1))
    assert {p["class"] for p in props} == ROAD_CLASSES
    assert all(g.geom_type == "LineString" and g.is_simple and g.length > 0 for g in geoms)
    assert Counter(p["class"] for p in props)["motorway"] >= 3
    for p in props:
        assert set(p) == {"id", "class", "maxspeed", "oneway"}
        assert p["oneway"] in ("yes", "-1", "no")
        ms = p["maxspeed"]
        assert ms is None or (isinstance(ms, int) and 5 <= ms <= 130)
        if p["class"] not in LOCAL:
            assert ms == {"motorway": 100, "primary": 80, "secondary": 60}[p["class"]]
    local = [p for p in props if p["class"] in LOCAL]
    share = sum(p["maxspeed"] is None for p in local) / len(local)
    assert 0.1 <= share <= 0.3
    assert 3 <= sum(p["oneway"] != "no" for p in props) <= 60
    coords = np.concatenate([shapely.get_coordinates(g) for g in geoms])
    assert np.all(coords == np.round(coords))


def test_roads_are_noded(roads):
    """Features only meet at shared end points: no crossing or overlap without a node."""
    props, geoms, _ = roads
    arr = np.array(geoms, dtype=object)
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    inter = shapely.intersection(arr[left], arr[right])
    types = shapely.get_type_id(inter)
    assert np.all(np.isin(types, [0, 4])), "road features overlap along a line"
    ends = [{tuple(g.coords[0]), tuple(g.coords[-1])} for g in geoms]
    for i, j, g in zip(left, right, inter):
        pts = {tuple(v) for v in shapely.get_coordinates(g)}
        assert pts <= ends[i] and pts <= ends[j], (props[i]["id"], props[j]["id"], pts)


def test_roads_connected_apart_from_documented_park(roads, province):
    props, geoms, _ = roads
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    node = {}
    src, dst = [], []
    for g in geoms:
        a, b = tuple(g.coords[0]), tuple(g.coords[-1])
        src.append(node.setdefault(a, len(node)))
        dst.append(node.setdefault(b, len(node)))
    n = len(node)
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    ncomp, lab = connected_components(graph, directed=False)
    assert ncomp == 2
    comp_of_feature = lab[np.asarray(src)]
    sizes = Counter(comp_of_feature.tolist())
    small = min(sizes, key=sizes.get)
    park = [p["id"] for p, c in zip(props, comp_of_feature) if c == small]
    assert park == PARK_ROAD_IDS
    # every road lies in the province
    assert all(province.buffer(1.0).contains(g) for g in geoms[::7])

    # with one-way restrictions the main network is still strongly connected
    s2, d2 = [], []
    for p, a, b, c in zip(props, src, dst, comp_of_feature):
        if c == small:
            continue
        if p["oneway"] in ("no", "yes"):
            s2.append(a)
            d2.append(b)
        if p["oneway"] in ("no", "-1"):
            s2.append(b)
            d2.append(a)
    g2 = coo_matrix((np.ones(len(s2)), (s2, d2)), shape=(n, n))
    _, lab2 = connected_components(g2, directed=True, connection="strong")
    assert len(set(lab2[np.asarray(s2)].tolist())) == 1


# ----------------------------------------------------------------------------- farms


def test_farms(farms, munis, province):
    assert list(farms.columns) == ["farm_id", "x", "y", "farm_type", "municipality"]
    assert 1800 <= len(farms) <= 2200
    assert list(farms.farm_id) == [f"F{k + 1:05d}" for k in range(len(farms))]
    assert set(farms.farm_type) == FARM_TYPES
    shares = farms.farm_type.value_counts(normalize=True)
    assert shares["melkvee"] > 0.2 and 0.03 < shares["gestopt"] < 0.2
    assert all(re.fullmatch(r"-?\d+\.\d", v) for v in farms.x) and all(
        re.fullmatch(r"-?\d+\.\d", v) for v in farms.y
    )
    xy = farms[["x", "y"]].astype(float).to_numpy()
    pts = shapely.points(xy)
    assert shapely.contains_xy(province, xy[:, 0], xy[:, 1]).all()
    props, geoms, _ = munis
    tree = shapely.STRtree(geoms)
    pi, gi = tree.query(pts, predicate="within")
    assert len(pi) == len(farms) and len(set(pi.tolist())) == len(farms)
    expected = np.empty(len(farms), dtype=object)
    expected[pi] = [props[k]["id"] for k in gi]
    assert list(farms.municipality) == list(expected)


# ----------------------------------------------------------------------------- advisors


def test_advisors(advisors, province):
    a = advisors
    assert list(a.columns) == ADVISOR_COLUMNS
    assert a.advisor_id.is_unique
    assert list(a.advisor_id) == [f"A{k + 1:03d}" for k in range(len(a))]
    assert a.service.value_counts().to_dict() == SERVICES
    cap, load = a.capacity.astype(int), a.caseload.astype(int)
    assert cap.between(3, 12).all() and (load >= 0).all() and (load <= cap).all()
    assert (load == cap).sum() >= 3
    rk = a.radius_km[a.radius_km != ""].astype(float)
    assert rk.between(25, 60).all() and 0 < (a.radius_km == "").sum() < len(a) // 2
    rm = a.radius_minutes[a.radius_minutes != ""].astype(float)
    assert rm.between(30, 60).all() and (a.radius_minutes == "").sum() > len(a) // 2
    cover = defaultdict(set)
    for _, r in a.iterrows():
        tags = _tags(r.expertise)
        assert tags and set(tags) <= VOCABULARY
        areas = _tags(r.areas)
        assert 1 <= len(areas) <= 3 and set(areas) <= set(OA_IDS)
        for oa in areas:
            cover[r.service].add(oa)
        assert province.contains(Point(float(r.x), float(r.y)))
    assert all(cover[s] == set(OA_IDS) for s in SERVICES)
    text = (DATA / "advisors.csv").read_text(encoding="utf-8")
    assert not re.search(r"[A-Z][a-z]+ [A-Z][a-z]+", text)  # no personal names


# ----------------------------------------------------------------------------- requests


def test_requests_schema(requests_, advisors, farms):
    r = requests_
    assert list(r.columns) == REQUEST_COLUMNS
    ids = list(dict.fromkeys(r.applicant_id))
    assert ids == [f"R{k + 1:04d}" for k in range(len(ids))]
    assert 130 <= len(ids) <= 170
    # rows of one applicant are consecutive and repeat every column except x, y; the second
    # row is an extra business location (location_of = the applicant id), the first a request
    assert r.applicant_id.ne(r.applicant_id.shift()).sum() == len(ids)
    counts = r.applicant_id.value_counts()
    assert counts.max() == 2 and 0.05 <= (counts == 2).mean() <= 0.15
    second = r.applicant_id.duplicated()
    assert (r.location_of[second] == r.applicant_id[second]).all()
    assert (r.location_of[~second] == "").all()
    other = [c for c in REQUEST_COLUMNS if c not in ("x", "y", "location_of")]
    assert (r.groupby("applicant_id")[other].nunique() == 1).all().all()
    assert set(r.service) == set(SERVICES)
    pr = r.priority.astype(int)
    assert pr.between(0, 2).all() and (pr == 0).mean() > 0.6
    assert set(r.registered) <= WEEK
    assert set(r.pinned) == {"true", "false"}
    assert set(r.farm_type) <= FARM_TYPES
    for col in ("needs",):
        assert all(set(_tags(v)) <= VOCABULARY for v in r[col])
    assert (r.needs == "").any()
    svc = dict(zip(advisors.advisor_id, advisors.service))
    for _, row in r.iterrows():
        for aid in _tags(row.exclude) + _tags(row.current_advisor):
            assert aid in svc, aid
        if row.current_advisor:
            assert svc[row.current_advisor] == row.service
        if row.pinned == "true":
            assert row.current_advisor
    # locations are farms (except the documented duplicate, a few metres off its farm)
    fxy = {(x, y): t for x, y, t in zip(farms.x, farms.y, farms.farm_type)}
    first = r.drop_duplicates("applicant_id")
    for _, row in first.iterrows():
        if row.applicant_id == DUPLICATE[1]:
            continue
        assert fxy[(row.x, row.y)] == row.farm_type
    assert all((x, y) in fxy for x, y, a in zip(r.x, r.y, r.applicant_id) if a != DUPLICATE[1])


def test_special_requests_as_documented(requests_, advisors):
    r = requests_.drop_duplicates("applicant_id").set_index("applicant_id")
    assert sorted(r.index[(r.exclude != "") & (r.current_advisor == "")]) == CONFLICTS
    assert sorted(r.index[r.current_advisor != ""]) == REASSIGNED
    assert sorted(r.index[r.pinned == "true"]) == PINNED
    assert r.loc[NO_KLIK, "current_advisor"] in _tags(r.loc[NO_KLIK, "exclude"])
    load = dict(zip(advisors.advisor_id, advisors.caseload.astype(int)))
    cap = dict(zip(advisors.advisor_id, advisors.capacity.astype(int)))
    for rid in PINNED:
        aid = r.loc[rid, "current_advisor"]
        assert load[aid] < cap[aid]  # room to keep the pinned case


def test_exactly_one_duplicate(requests_):
    r = requests_
    xy = r[["x", "y"]].astype(float).to_numpy()
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(10.0)
    app = r.applicant_id.to_numpy()
    dups = sorted(tuple(sorted((app[i], app[j]))) for i, j in pairs if app[i] != app[j])
    assert dups == [DUPLICATE]
    first = r.drop_duplicates("applicant_id").set_index("applicant_id")
    assert first.loc[DUPLICATE[1], "registered"] > first.loc[DUPLICATE[0], "registered"]


def test_exactly_one_impossible_request(requests_, advisors):
    r = requests_.drop_duplicates("applicant_id")
    exp = {
        aid: (s, set(_tags(e)))
        for aid, s, e in zip(advisors.advisor_id, advisors.service, advisors.expertise)
    }
    impossible = []
    for _, row in r.iterrows():
        needs, excl = set(_tags(row.needs)), set(_tags(row.exclude))
        able = [a for a, (s, e) in exp.items() if s == row.service and needs <= e and a not in excl]
        if not able:
            impossible.append(row.applicant_id)
    assert impossible == [IMPOSSIBLE]
    # impossible under any reading of "needs": no advisor of the service has any of its tags
    row = r.set_index("applicant_id").loc[IMPOSSIBLE]
    for s, e in exp.values():
        if s == row.service:
            assert not (set(_tags(row.needs)) & e)


def test_special_cases_documented_in_readme():
    text = (DATA / "README.md").read_text(encoding="utf-8")
    for token in [
        ENCLAVE,
        ENCLAVE_HOST,
        EXCLAVE_OWNER,
        EXCLAVE_HOST,
        *DUPLICATE,
        IMPOSSIBLE,
        *CONFLICTS,
        *REASSIGNED,
        *PINNED,
        NO_KLIK,
        *map(str, PARK_ROAD_IDS),
    ]:
        assert token in text, token
    assert "EPSG:28992" in text and "generate_data.py" in text


# ----------------------------------------------------------------------------- scenario


def test_scenario(advisors):
    sc = json.loads((DATA / "scenario.json").read_text(encoding="utf-8"))
    assert sc["horizon_weeks"] == 52
    for key in ("areas", "advisors", "locations"):
        assert (DATA / sc[key]).is_file()
    assert sc["area_id_field"] == "id"
    assert set(sc["services"]) == set(SERVICES)
    assert sc["services"]["vabimpuls"]["hours_per_case"] == 36
    for s in sc["services"].values():
        d = s["duration_weeks"]
        assert d["dist"] == "gamma" and d["mean"] > 0 and d["sd"] > 0
    total = 0.0
    for arr in sc["arrivals"]:
        assert arr["service"] in SERVICES
        total += arr["rate_per_week"] * sc["horizon_weeks"]
        assert set(arr["needs"]) <= VOCABULARY and all(0 <= p <= 1 for p in arr["needs"].values())
        assert set(arr["priority"]) <= {"0", "1", "2"}
        assert sum(arr["priority"].values()) == pytest.approx(1.0)
    assert 400 <= total <= 600
    assert 0 <= sc["no_klik_probability"] < 1 and sc["escalate_after_weeks"] > 0
    ids = set(advisors.advisor_id)
    types = set()
    for ev in sc["events"]:
        assert 1 <= ev["week"] <= sc["horizon_weeks"]
        types.add(ev["type"])
        if ev["type"] == "join":
            # the hour columns are optional (a joining advisor without them has no hour limit)
            assert set(ev["advisor"]) == set(ADVISOR_COLUMNS) - {"capacity_hours", "hours_booked"}
            assert ev["advisor"]["advisor_id"] not in ids
            assert ev["advisor"]["areas"] in OA_IDS
        else:
            assert ev["advisor_id"] in ids
    assert types == {"leave", "absence", "join", "capacity"}


# ----------------------------------------------------------------------------- determinism


@pytest.mark.slow
def test_generator_reproduces_bundled_files(tmp_path):
    out = tmp_path / "data"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), "--quiet"],
        check=True,
        timeout=120,
        cwd=tmp_path,
    )
    produced = sorted(p.name for p in out.iterdir() if p.is_file())
    assert produced == sorted(FILES)
    nested = [f"{d}/{n}" for d, names in SUBDIRS.items() for n in names]
    for d, names in SUBDIRS.items():
        assert sorted(p.name for p in (out / d).iterdir()) == sorted(names)
    for name in FILES + nested:
        assert (out / name).read_bytes() == (DATA / name).read_bytes(), name
    # the simulation's programme example (tools/generate_programme.py)
    programme = sorted(p.name for p in (out / "programme").iterdir())
    assert programme == sorted(p.name for p in (DATA / "programme").iterdir())
    for name in programme:
        assert (out / "programme" / name).read_bytes() == (DATA / "programme" / name).read_bytes()
