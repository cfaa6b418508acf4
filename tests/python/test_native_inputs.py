"""Inputs that reach the native layer as given: numpy dtypes numpy will not cast safely,
crafted road network files, directories as paths, nearest ties at a shared vertex and Real
id fields. Calls go to ``libmatch._core`` where the Python layer could convert first."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest
import shapely

import libmatch
from libmatch import _core

XY = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0]])
FROM, TO, SPEED = np.array([0, 1]), np.array([1, 2]), np.array([50.0, 50.0])
OPTIONS = _core.RoadNetworkOptions()


def _edges(xy=XY, f=FROM, t=TO, s=SPEED, length=None, oneway=None):
    return _core.RoadNetwork.from_edges(xy, f, t, s, length, oneway, OPTIONS).edge_arrays()


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


# --- dtypes numpy deems unsafe to cast (used to read a null array: a segfault) -----------

ONEWAY = np.array([0, 1], dtype=np.int8)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"f": FROM.astype(np.uint64), "t": TO.astype(np.uint64)},
        {"f": FROM.astype(np.uint32), "t": TO.astype(">i8")},
        {"oneway": ONEWAY.astype(np.uint64)},
        {"s": SPEED.astype(np.longdouble)},
        {"length": np.array([1000.0, 1000.0], dtype=np.longdouble)},
        {"xy": XY.astype(np.longdouble)},
        {"xy": XY.astype(np.float32), "s": SPEED.astype(np.uint64)},
    ],
    ids=[
        "uint64 nodes",
        "uint32/big-endian",
        "uint64 oneway",
        "longdouble speed",
        "longdouble length",
        "longdouble xy",
        "float32 xy, uint64 speed",
    ],
)
def test_from_edges_converts_integer_and_floating_dtypes(kwargs):
    want = _edges(oneway=ONEWAY if "oneway" in kwargs else None)
    _same(_edges(**kwargs), want)


@pytest.mark.parametrize(
    "kwargs, error, field",
    [
        ({"f": np.array([0, 2**63], dtype=np.uint64)}, libmatch.InvalidInputError, "edge_from"),
        (
            {"oneway": np.array([0, 2**64 - 1], dtype=np.uint64)},
            libmatch.InvalidInputError,
            "oneway",
        ),
        ({"f": FROM.astype(object)}, libmatch.InvalidTypeError, "edge_from"),
        ({"t": TO.astype(bool)}, libmatch.InvalidTypeError, "edge_to"),
        ({"s": SPEED.astype(object)}, libmatch.InvalidTypeError, "speed_kmh"),
        ({"s": SPEED.astype(np.complex128)}, libmatch.InvalidTypeError, "speed_kmh"),
        ({"xy": XY.astype(object)}, libmatch.InvalidTypeError, "node_xy"),
        ({"oneway": np.array([0.0, 1.0])}, libmatch.InvalidTypeError, "oneway"),
    ],
)
def test_from_edges_refuses_other_dtypes_naming_the_argument(kwargs, error, field):
    with pytest.raises(error) as err:
        _edges(**kwargs)
    msg = str(err.value)
    assert field in msg
    assert str(2**63) not in msg and str(2**64 - 1) not in msg  # no cell values


def test_from_lines_converts_unsafe_dtypes():
    offsets, vertices = np.array([0, 2, 4]), np.array([[0.0, 0], [1000, 0], [1000, 0], [1000, 900]])
    speed, oneway = np.array([50.0, 30.0]), np.array([1, 0], dtype=np.int8)

    def build(o, v, s, w):
        return _core.RoadNetwork.from_lines(o, v, s, w, OPTIONS).edge_arrays()

    want = build(offsets, vertices, speed, oneway)
    _same(build(offsets.astype(np.uint64), vertices, speed, oneway), want)
    _same(build(offsets, vertices.astype(np.longdouble), speed, oneway), want)
    _same(build(offsets, vertices, speed.astype(np.longdouble), oneway), want)
    _same(build(offsets, vertices, speed, oneway.astype(np.uint64)), want)
    with pytest.raises(libmatch.InvalidTypeError, match="vertices_xy"):
        build(offsets, vertices.astype(object), speed, oneway)


def test_public_road_network_builders_take_unsafe_dtypes():
    f, t = FROM.astype(np.uint64), TO.astype(np.uint64)
    assert libmatch.RoadNetwork.from_edges(XY, f, t, SPEED).edge_count == 2
    ow = np.array([0, 1], dtype=np.uint64)
    assert libmatch.RoadNetwork.from_edges(XY, FROM, TO, SPEED, oneway=ow).edge_count == 2
    ld = SPEED.astype(np.longdouble)
    assert libmatch.RoadNetwork.from_edges(XY, FROM, TO, ld).edge_count == 2
    one = np.array([1], dtype=np.uint64)
    assert libmatch.RoadNetwork.from_lines([XY], [50.0], oneway=one).edge_count == 1


def _two_squares():
    return libmatch.AreaSet.from_wkb(
        shapely.to_wkb([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)]), ["w", "e"]
    )


def test_area_queries_convert_unsafe_dtypes():
    areas = _two_squares()
    xy = np.array([[5.0, 5.0], [15.0, 5.0], [25.0, 5.0]])
    impl = areas._impl
    want = impl.locate(xy, 1)
    np.testing.assert_array_equal(want, [0, 1, -1])
    np.testing.assert_array_equal(impl.locate(xy.astype(np.longdouble), 1), want)
    np.testing.assert_array_equal(areas.locate(xy.astype(np.longdouble)), want)
    idx, dist = impl.nearest(xy.astype(np.longdouble), math.inf, 1)
    np.testing.assert_array_equal(idx, [0, 1, 1])
    np.testing.assert_array_equal(dist, [0.0, 0.0, 5.0])
    with pytest.raises(libmatch.InvalidTypeError, match="xy"):
        impl.locate(xy.astype(object), 1)
    assert len(areas.dissolve(np.array([0, 0], dtype=np.uint64))) == 1
    with pytest.raises(libmatch.InvalidInputError, match="labels"):
        areas.dissolve(np.array([0, 2**63], dtype=np.uint64))
    moved = _core.transform_points(xy.astype(np.longdouble), "EPSG:28992", "EPSG:28992")
    np.testing.assert_array_equal(moved, xy)


def test_design_problem_converts_unsafe_dtypes():
    units = _two_squares()._impl
    problem = _core.DesignProblem.from_areas(units, np.array([1.0, 2.0], dtype=np.longdouble))
    problem.set_travel(np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.longdouble))
    problem.set_travel(np.zeros((2, 2)), np.ones((2, 2), dtype=np.longdouble))
    with pytest.raises(libmatch.InvalidTypeError, match="travel km"):
        problem.set_travel(np.zeros((2, 2), dtype=object))
    with pytest.raises(libmatch.InvalidTypeError, match="demand"):
        _core.DesignProblem.from_areas(units, np.array([1, 2], dtype=object))


# --- road network files -----------------------------------------------------------------


def test_load_and_save_on_a_directory_raise_file_error(tmp_path):
    net = libmatch.RoadNetwork.from_edges(XY, FROM, TO, SPEED)
    for call in (lambda: libmatch.RoadNetwork.load(tmp_path), lambda: net.save(tmp_path)):
        with pytest.raises(libmatch.FileError) as err:
            call()
        assert not isinstance(err.value, libmatch.FileMissingError)
        assert f"'{tmp_path}' is a directory" in str(err.value)


_M = (1 << 64) - 1
_HEAD = 10 + 4 + 8  # magic, format version, payload size


def _checksum(b: bytes) -> int:
    """road_network_io.cpp's payload checksum."""
    n = len(b)
    h = (0xCBF29CE484222325 ^ n) & _M
    i = 0
    while i + 8 <= n:
        (v,) = struct.unpack_from("<Q", b, i)
        h = ((h ^ v) * 0x9E3779B97F4A7C15) & _M
        h ^= h >> 29
        i += 8
    for c in b[i:]:
        h = ((h ^ c) * 0x100000001B3) & _M
    return h


def _at(payload: bytearray, *values: float, last: bool = False) -> int:
    """Offset of the (unique, or else the first or `last`) run of these doubles."""
    pattern = struct.pack(f"<{len(values)}d", *values)
    pos = payload.rfind(pattern) if last else payload.find(pattern)
    assert pos >= 0
    return pos


def _crafted_speed0(p):
    struct.pack_into("<d", p, _at(p, 37.25, 41.5), 0.0)


def _crafted_speedneg(p):
    struct.pack_into("<d", p, _at(p, 37.25, 41.5) + 8, -41.5)


def _crafted_oneway7(p):
    pos = _at(p, 37.25, 41.5) + 16  # the oneway vector follows the speeds: count, int8s
    assert struct.unpack_from("<Q2b", p, pos) == (2, 0, 1)
    p[pos + 9] = 7


def _crafted_length_nan(p):
    struct.pack_into("<d", p, _at(p, 1111.0, 2222.0) + 8, math.nan)


def _crafted_snap_speed0(p):
    struct.pack_into("<d", p, _at(p, 13.75), 0.0)


def _crafted_node_nan(p):
    struct.pack_into("<d", p, _at(p, 1234.5, 250.25), math.nan)  # node_xy precedes polylines


def _crafted_vertex_inf(p):
    struct.pack_into("<d", p, _at(p, 1234.5, 250.25, last=True), math.inf)  # polylines


@pytest.mark.parametrize(
    "craft, field",
    [
        (_crafted_speed0, "speed of edge 0"),
        (_crafted_speedneg, "speed of edge 1"),
        (_crafted_oneway7, "oneway of edge 1"),
        (_crafted_length_nan, "length of edge 1"),
        (_crafted_snap_speed0, "snap_speed_kmh"),
        (_crafted_node_nan, "node 0"),
        (_crafted_vertex_inf, "edge geometry vertex 0"),
        (None, None),
    ],
)
def test_load_validates_values_behind_a_valid_checksum(tmp_path, craft, field):
    xy = np.array([[1234.5, 250.25], [2234.5, 250.25], [3234.5, 250.25]])
    net = libmatch.RoadNetwork.from_edges(
        xy,
        FROM,
        TO,
        np.array([37.25, 41.5]),
        length_m=np.array([1111.0, 2222.0]),
        oneway=np.array([0, 1]),
        snap_speed_kmh=13.75,
    )
    path = tmp_path / "net.lmnet"
    net.save(path)
    raw = path.read_bytes()
    (size,) = struct.unpack_from("<Q", raw, 14)
    payload = bytearray(raw[_HEAD : _HEAD + size])
    if craft is not None:
        craft(payload)
    path.write_bytes(raw[:_HEAD] + payload + struct.pack("<Q", _checksum(bytes(payload))))
    if craft is None:  # the crafting itself is sound: untouched, it loads
        assert libmatch.RoadNetwork.load(path).edge_count == 2
        return
    with pytest.raises(libmatch.FileError) as err:
        libmatch.RoadNetwork.load(path)
    msg = str(err.value)
    assert str(path) in msg and "not a valid libmatch road network file" in msg
    assert field in msg


def test_missing_speed_message_names_the_field_not_the_class(tmp_path):
    gpd = pytest.importorskip("geopandas")
    roads = gpd.GeoDataFrame(
        {"kind": ["fast", "secretclass"]},
        geometry=[
            shapely.LineString([(0, 0), (1000, 0)]),
            shapely.LineString([(1000, 0), (1000, 900)]),
        ],
        crs="EPSG:28992",
    )
    path = tmp_path / "roads.gpkg"
    roads.to_file(path)
    with pytest.raises(libmatch.InvalidInputError, match="has no speed") as err:
        libmatch.RoadNetwork.from_file(path, class_field="kind", class_speeds={"fast": 50})
    assert "field 'kind'" in str(err.value)
    assert "secretclass" not in str(err.value)


# --- areas ------------------------------------------------------------------------------


def test_nearest_tie_among_many_areas_at_one_vertex_goes_to_the_lowest_index():
    # 20 wedges meeting at the origin: (5, 0) is exactly 5 m from each (via the origin).
    r, wedges = 1000.0, []
    for k in range(20):
        a0 = math.radians(95 + k * 8.5)
        a1 = a0 + math.radians(7)
        wedges.append(
            shapely.Polygon(
                [(0, 0), (r * math.cos(a0), r * math.sin(a0)), (r * math.cos(a1), r * math.sin(a1))]
            )
        )
    rng = np.random.default_rng(3)
    for _ in range(10):
        order = rng.permutation(20)
        areas = libmatch.AreaSet.from_wkb(
            shapely.to_wkb([wedges[i] for i in order]), [f"w{i}" for i in order]
        )
        idx, dist = areas.nearest(np.array([[5.0, 0.0]]))
        assert (int(idx[0]), float(dist[0])) == (0, 5.0)


@pytest.mark.parametrize("ext", ["shp", "gpkg", "geojson"])
def test_real_id_fields_read_the_same_whatever_the_driver(tmp_path, ext):
    gpd = pytest.importorskip("geopandas")
    codes = [1.0, 2.5, -3.0, 0.1, 40.0]
    gdf = gpd.GeoDataFrame(
        {"code": codes},
        geometry=[shapely.box(10 * i, 0, 10 * i + 10, 10) for i in range(len(codes))],
        crs="EPSG:28992",
    )
    path = tmp_path / f"areas.{ext}"
    gdf.to_file(path)
    assert libmatch.read_areas(path, "code").ids == ["1", "2.5", "-3", "0.1", "40"]
