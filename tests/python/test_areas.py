"""AreaSet: membership and nearest checked against Shapely, on synthetic and real data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

import libmatch
from libmatch import AreaSet

geopandas = pytest.importorskip("geopandas")


def _squares():
    return AreaSet.from_wkb(
        shapely.to_wkb([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)]), ["w", "e"]
    )


# --- real data ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gemeenten(admin_gpkg):
    return libmatch.read_areas(admin_gpkg, "statcode", layer="gemeenten")


@pytest.fixture(scope="module")
def gemeenten_gdf(admin_gpkg):
    return geopandas.read_file(admin_gpkg, layer="gemeenten")


def test_real_municipalities_loaded(gemeenten, gemeenten_gdf):
    assert len(gemeenten) == 342
    assert gemeenten.ids == list(gemeenten_gdf["statcode"])
    stats = gemeenten.stats()
    np.testing.assert_allclose(stats["area_m2"], gemeenten_gdf.area, rtol=1e-9)
    np.testing.assert_allclose(stats["perimeter_m"], gemeenten_gdf.length, rtol=1e-9)
    c = gemeenten_gdf.centroid
    np.testing.assert_allclose(stats["centroid_x"], c.x, atol=1e-4)
    np.testing.assert_allclose(stats["centroid_y"], c.y, atol=1e-4)


def test_grid_over_real_municipalities_matches_shapely(gemeenten, gemeenten_gdf):
    # A 500 m grid over the country (~330,000 points), offset so few points sit on vertices.
    xs = np.arange(13_565.3, 277_529, 500.0)
    ys = np.arange(306_960.7, 619_172, 500.0)
    gx, gy = np.meshgrid(xs, ys)
    xy = np.column_stack([gx.ravel(), gy.ravel()])
    ours = gemeenten.locate(xy)

    tree = shapely.STRtree(gemeenten_gdf.geometry.values)
    pts = shapely.points(xy)
    pi, gi = tree.query(pts, predicate="intersects")
    # Points on a boundary (intersecting two areas or touching one) are excluded.
    on_boundary = shapely.intersects(shapely.boundary(gemeenten_gdf.geometry.values)[gi], pts[pi])
    count = np.bincount(pi, minlength=len(xy))
    excluded = np.zeros(len(xy), bool)
    excluded[pi[on_boundary]] = True
    excluded |= count > 1
    expected = np.full(len(xy), -1)
    expected[pi] = gi
    keep = ~excluded
    assert keep.sum() > 300_000
    assert (ours >= 0).sum() > 130_000
    mismatch = np.flatnonzero(ours[keep] != expected[keep])
    assert mismatch.size == 0, f"{mismatch.size} points differ, e.g. {xy[keep][mismatch[:5]]}"


def test_real_farms_land_in_their_province(admin_gpkg, farms_gpkg):
    prov = libmatch.read_areas(admin_gpkg, "statcode", layer="provincies")
    farms = geopandas.read_file(farms_gpkg, layer="boerderijen")
    assert len(farms) == 4554
    farms = farms.to_crs(28992)
    names = geopandas.read_file(admin_gpkg, layer="provincies").set_index("statcode")["statnaam"]
    got = pd.Series(prov.locate_ids(farms.geometry)).map(names)
    agree = (got.to_numpy() == farms["provincie"].to_numpy()).mean()
    assert agree >= 0.99, f"only {agree:.2%} of farms land in their recorded province"


def test_nearest_matches_shapely_on_real_data(admin_gpkg, farms_gpkg):
    n2k_gdf = geopandas.read_file(admin_gpkg, layer="natura2000")
    n2k = AreaSet.from_geodataframe(n2k_gdf, "gebiedsnr")
    farms = geopandas.read_file(farms_gpkg, layer="boerderijen").to_crs(28992)
    idx, dist = n2k.nearest(farms.geometry)
    geoms = np.asarray(n2k_gdf.geometry.array, dtype=object)
    tree = shapely.STRtree(geoms)
    pts = np.asarray(farms.geometry.array, dtype=object)
    (pi, gi), d = tree.query_nearest(pts, return_distance=True, all_matches=True)
    expected = np.full(len(pts), np.inf)
    np.minimum.at(expected, pi, d)
    assert 0 < (dist == 0).sum() < len(dist)  # a few farms lie inside a Natura 2000 area
    np.testing.assert_allclose(dist, expected, atol=0.01)
    # the chosen area is (one of) the nearest
    chosen = shapely.distance(geoms[idx], pts)
    np.testing.assert_allclose(chosen, dist, atol=0.01)


def test_reprojection_from_wgs84_geodataframe(gemeenten_gdf, gemeenten):
    subset = gemeenten_gdf[gemeenten_gdf["provcode"] == "PV30"]
    wgs = subset.to_crs(4326)
    areas = AreaSet.from_geodataframe(wgs, "statcode")
    assert areas.crs == "EPSG:28992"
    reps = subset.geometry.representative_point()
    xy = np.column_stack([reps.x, reps.y])
    np.testing.assert_array_equal(np.array(areas.ids)[areas.locate(xy)], subset["statcode"])
    # and the transform helper agrees with pyproj
    back = libmatch.transform(
        np.column_stack(
            [wgs.geometry.representative_point().x, wgs.geometry.representative_point().y]
        ),
        "EPSG:4326",
    )
    assert np.isfinite(back).all()


# --- semantics ----------------------------------------------------------------------------


def test_locate_boundary_rule_and_nan():
    a = _squares()
    xy = np.array([[5, 5], [10, 5], [15, 5], [25, 5], [np.nan, 5], [10, 10]], dtype=float)
    assert a.locate(xy).tolist() == [0, 1, 1, -1, -1, -1]
    assert a.locate_ids(xy).tolist() == ["w", "e", "e", None, None, None]


def test_holes_and_multipolygons():
    donut = shapely.Polygon(
        [(0, 0), (30, 0), (30, 30), (0, 30)], [[(10, 10), (20, 10), (20, 20), (10, 20)]]
    )
    multi = shapely.MultiPolygon([shapely.box(100, 0, 110, 10), shapely.box(200, 0, 210, 10)])
    a = AreaSet.from_wkb(shapely.to_wkb([donut, multi]), ["donut", "multi"])
    xy = np.array([[5, 5], [15, 15], [105, 5], [205, 5], [150, 5]], dtype=float)
    assert a.locate(xy).tolist() == [0, -1, 1, 1, -1]
    idx, d = a.nearest(xy)
    assert idx.tolist() == [0, 0, 1, 1, 1]
    np.testing.assert_allclose(d, [0, 5, 0, 0, 40])


def test_thread_count_independent():
    rng = np.random.default_rng(3)
    xy = np.round(rng.uniform(-2, 22, (300_000, 2)) * 2) / 2  # many boundary points
    a = _squares()
    r1 = a.locate(xy, threads=1)
    assert np.array_equal(r1, a.locate(xy, threads=2))
    assert np.array_equal(r1, a.locate(xy, threads=5))


def _random_valid_polygons(rng, n):
    """Overlapping convex polygons, some with a box hole, on a coarse lattice (valid GEOS)."""
    out = []
    for _ in range(n):
        c = rng.integers(0, 60, 2)
        pts = c + rng.integers(-12, 13, (rng.integers(3, 12), 2))
        hull = shapely.convex_hull(shapely.multipoints(pts.astype(float)))
        if hull.geom_type != "Polygon" or hull.area == 0:
            continue
        if rng.random() < 0.4:
            hole = shapely.box(c[0] - 1, c[1] - 1, c[0] + 1, c[1] + 1)
            if hull.contains(hole.buffer(0.5)):
                hull = hull.difference(hole)
        out.append(hull)
    return out


def test_random_polygons_match_shapely_off_boundaries():
    rng = np.random.default_rng(16)
    polys = _random_valid_polygons(rng, 60)
    a = AreaSet.from_wkb(shapely.to_wkb(polys), [f"p{i}" for i in range(len(polys))])
    lattice = np.stack(np.meshgrid(np.arange(-15, 76, 0.5), np.arange(-15, 76, 0.5)), -1)
    xy = np.concatenate([lattice.reshape(-1, 2), rng.uniform(-15, 75, (100_000, 2))])
    ours = a.locate(xy)
    pts = shapely.points(xy)
    pi, gi = shapely.STRtree(polys).query(pts, predicate="intersects")
    first = np.full(len(xy), len(polys))
    np.minimum.at(first, pi, gi)
    first[first == len(polys)] = -1
    bi, _ = shapely.STRtree(shapely.boundary(polys)).query(pts, predicate="intersects")
    off = np.ones(len(xy), bool)
    off[bi] = False
    assert (~off).sum() > 1000  # the lattice puts many points on vertices and edges
    np.testing.assert_array_equal(ours[off], first[off])
    # On a boundary the answer is one of the polygons touching the point, or -1.
    touching = set(zip(pi.tolist(), gi.tolist()))
    for i in np.flatnonzero(~off)[:5000]:
        assert ours[i] == -1 or (i, ours[i]) in touching


def test_extreme_but_valid_geometry_builds_and_locates():
    # Memory bounds of the index are checked in tests/cpp/membership_test.cpp.
    # Two unit squares 1e30 m apart (the grid's cell count used to overflow) and a 1 mm high
    # sliver 80 km long (used to make the grid enormous).
    far = AreaSet.from_wkb(
        shapely.to_wkb([shapely.box(0, 0, 1, 1), shapely.box(1e30, 0, 1e30 + 1e15, 1e15)]),
        ["near", "far"],
    )
    xy = np.array([[0.5, 0.5], [1e30 + 5e14, 5e14], [2.0, 0.5], [5e29, 0.5], [1.0, 0.5]])
    assert far.locate(xy).tolist() == [0, 1, -1, -1, -1]
    sliver = AreaSet.from_wkb(
        shapely.to_wkb([shapely.box(0, 0, 80_000, 0.001), shapely.box(0, -10, 10, -1)]),
        ["sliver", "box"],
    )
    rng = np.random.default_rng(5)
    xy = np.column_stack([rng.uniform(-5, 80_005, 100_000), rng.uniform(-0.0005, 0.0015, 100_000)])
    want = np.where(
        (xy[:, 0] >= 0) & (xy[:, 0] < 80_000) & (xy[:, 1] >= 0) & (xy[:, 1] < 0.001), 0, -1
    )
    np.testing.assert_array_equal(sliver.locate(xy), want)
    huge = AreaSet.from_wkb(shapely.to_wkb([shapely.box(-1e300, -1e300, 1e300, 1e300)]), ["all"])
    assert huge.locate(np.array([[0.0, 0.0], [np.nan, 0.0]])).tolist() == [0, -1]


def test_nearest_max_distance():
    a = _squares()
    idx, d = a.nearest(np.array([[25.0, 5.0], [40.0, 5.0]]), max_distance=10)
    assert idx.tolist() == [1, -1]
    assert d[0] == 5 and np.isnan(d[1])


def test_adjacency_dissolve_and_roundtrip(tmp_path):
    cells = [
        shapely.box(i * 10, j * 10, i * 10 + 10, j * 10 + 10) for j in range(2) for i in range(3)
    ]
    a = AreaSet.from_wkb(shapely.to_wkb(cells), [f"u{i}" for i in range(6)])
    adj = a.adjacency()
    assert len(adj) == 7 and np.allclose(adj["border_m"], 10)
    d = a.dissolve([0, 0, 1, 0, 0, 1], ids=["west", "east"])
    assert d.ids == ["west", "east"]
    np.testing.assert_allclose(d.stats()["area_m2"], [400, 200])
    path = tmp_path / "plan.gpkg"
    d.to_file(path)
    again = libmatch.read_areas(path, "id")
    assert again.ids == ["west", "east"]
    gdf = again.to_geodataframe()
    np.testing.assert_allclose(gdf.area, [400, 200])


# --- errors -------------------------------------------------------------------------------


def _geojson(tmp_path, features, name="f.geojson", crs=True):
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


def _feat(fid, geom):
    return {
        "type": "Feature",
        "properties": {"code": fid},
        "geometry": shapely.geometry.mapping(geom),
    }


def test_error_missing_file():
    with pytest.raises(libmatch.FileMissingError, match="nope.gpkg") as e:
        libmatch.read_areas("/no/such/dir/nope.gpkg", "id")
    assert isinstance(e.value, FileNotFoundError) and isinstance(e.value, libmatch.Error)


def test_error_unreadable_file(tmp_path):
    p = tmp_path / "bad.gpkg"
    p.write_bytes(b"\x00garbage" * 10)
    with pytest.raises(libmatch.FileError, match="bad.gpkg"):
        libmatch.read_areas(p, "id")


def test_error_non_polygon_layer(tmp_path):
    p = _geojson(tmp_path, [_feat("p1", shapely.Point(1, 2))])
    with pytest.raises(libmatch.GeometryError, match="Point") as e:
        libmatch.read_areas(p, "code")
    assert isinstance(e.value, ValueError)


def test_error_unknown_id_field_and_layer(tmp_path):
    p = _geojson(tmp_path, [_feat("a", shapely.box(0, 0, 1, 1))])
    with pytest.raises(libmatch.UnknownIdError, match="'statcode'.*fields: code"):
        libmatch.read_areas(p, "statcode")
    with pytest.raises(KeyError):
        libmatch.read_areas(p, "code", layer="nolayer")


def test_error_duplicate_ids(tmp_path):
    p = _geojson(
        tmp_path, [_feat("a", shapely.box(0, 0, 1, 1)), _feat("a", shapely.box(1, 0, 2, 1))]
    )
    with pytest.raises(libmatch.InvalidInputError, match="duplicate area id 'a'"):
        libmatch.read_areas(p, "code")


def test_error_empty_layer(tmp_path):
    p = _geojson(tmp_path, [])
    with pytest.raises(libmatch.GeometryError, match="no features"):
        libmatch.read_areas(p, "code")


def test_invalid_polygon_rejected_or_repaired(tmp_path):
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    p = _geojson(tmp_path, [_feat("BOW-7", bowtie)])
    with pytest.raises(libmatch.GeometryError, match="BOW-7.*repair=True"):
        libmatch.read_areas(p, "code")
    fixed = libmatch.read_areas(p, "code", repair=True)
    assert fixed.stats()["area_m2"].iloc[0] == pytest.approx(50.0)


def test_error_unknown_crs(tmp_path):
    p = _geojson(tmp_path, [_feat("a", shapely.box(0, 0, 1, 1))])
    with pytest.raises(libmatch.CrsError, match="EPSG:0000"):
        libmatch.read_areas(p, "code", crs="EPSG:0000")
    q = _geojson(tmp_path, [_feat("a", shapely.box(0, 0, 1, 1))], name="nocrs.geojson", crs=False)
    # GeoJSON without a crs member is WGS84 by specification: it reads and reprojects.
    assert len(libmatch.read_areas(q, "code")) == 1


def test_error_array_shape_and_dtype():
    a = _squares()
    with pytest.raises(libmatch.InvalidInputError, match=r"shape \(n, 2\), got \(4, 3\)"):
        a.locate(np.zeros((4, 3)))
    with pytest.raises(libmatch.InvalidTypeError, match="floating") as e:
        a.locate(np.zeros((4, 2), dtype=np.int64))
    assert isinstance(e.value, TypeError)
    with pytest.raises(libmatch.InvalidInputError, match=r"got \(4,\)"):
        a.locate(np.zeros(4))
    with pytest.raises(libmatch.InvalidInputError, match=r"got \(2, 2, 2\)"):
        a.locate(np.zeros((2, 2, 2)))
    # the C++ check behind it (numpy_util.hpp) names the shape the same way
    with pytest.raises(
        libmatch.InvalidInputError, match=r"xy must have shape \(n, 2\), got \(2, 3, 1\)"
    ):
        a._impl.locate(np.zeros((2, 3, 1)), 1)
    with pytest.raises(libmatch.InvalidInputError, match="threads"):
        a.locate(np.zeros((1, 2)), threads=0)
    with pytest.raises(libmatch.InvalidInputError, match="max_distance"):
        a.nearest(np.zeros((1, 2)), max_distance=-1)


def test_cli_locate(tmp_path, capsys):
    from libmatch.cli import main

    areas = tmp_path / "a.geojson"
    _squares().to_file(areas)
    pts = tmp_path / "p.csv"
    pd.DataFrame({"pid": [1, 2, 3], "x": [5.0, 15.0, 99.0], "y": [5.0, 5.0, 5.0]}).to_csv(
        pts, index=False
    )
    out = tmp_path / "o" / "located.csv"
    assert (
        main(
            [
                "locate",
                "--areas",
                str(areas),
                "--id-field",
                "id",
                "--points",
                str(pts),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    res = pd.read_csv(out)
    assert res["area_id"].tolist()[:2] == ["w", "e"] and pd.isna(res["area_id"].iloc[2])
    assert "1 outside" in capsys.readouterr().out
    assert (
        main(
            [
                "locate",
                "--areas",
                str(tmp_path / "missing.gpkg"),
                "--id-field",
                "id",
                "--points",
                str(pts),
                "--out",
                str(out),
            ]
        )
        == 1
    )


def test_points_in_another_crs_are_reprojected_not_misread(tmp_path, capsys):
    """The locate CLI reprojects an OGR point layer to --crs; write_layer(crs=) moves the
    coordinates; a study GeoDataFrame's geometry wins over stale x / y columns."""
    gpd = pytest.importorskip("geopandas")
    from libmatch.cli import main

    cells = [
        shapely.box(150000, 450000, 151000, 451000),
        shapely.box(151000, 450000, 152000, 451000),
    ]
    areas = AreaSet.from_wkb(shapely.to_wkb(cells), ["w", "e"])
    apath = tmp_path / "a.gpkg"
    areas.to_file(apath)
    rd = gpd.GeoDataFrame(
        {"applicant_id": ["p", "q"]},
        geometry=gpd.points_from_xy([150500.0, 151500.0], [450500.0, 450500.0]),
        crs=28992,
    )
    ppath = tmp_path / "p4326.gpkg"
    rd.to_crs(4326).to_file(ppath)
    out = tmp_path / "located.csv"
    args = ["locate", "--areas", f"{apath}:id", "--points", str(ppath), "--out", str(out)]
    assert main(args) == 0, capsys.readouterr().err
    res = pd.read_csv(out)
    assert res["area_id"].tolist() == ["w", "e"]
    assert np.allclose(res["x"], [150500.0, 151500.0], atol=0.01)

    libmatch.write_layer(rd, tmp_path / "w.gpkg", "pts", crs="EPSG:4326")
    back = gpd.read_file(tmp_path / "w.gpkg", layer="pts")
    assert back.crs.to_epsg() == 4326
    assert np.allclose(back.geometry.x, rd.to_crs(4326).geometry.x, atol=1e-9)

    stale = rd.to_crs(4326).assign(x=[0.0, 0.0], y=[0.0, 0.0])
    study = libmatch.location_study(stale, {"gm": areas})
    assert study["gm_id"].tolist() == ["w", "e"]
    with pytest.raises(libmatch.CrsError, match="geographic"):
        libmatch.StraightLine().pairs(rd.to_crs(4326), rd.to_crs(4326))


def _rd_geojson_without_crs(path, geometry):
    """A GeoJSON file in RD New metres with no crs member (GDAL then declares WGS 84)."""
    feature = {"type": "Feature", "properties": {"id": "A"}, "geometry": geometry}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


def test_geojson_in_metres_without_crs_member(tmp_path):
    ring = [[150000, 450000], [160000, 450000], [160000, 460000], [150000, 460000]]
    square = {"type": "Polygon", "coordinates": [ring + [ring[0]]]}
    path = _rd_geojson_without_crs(tmp_path / "rd.geojson", square)
    # Without source_crs: a CrsError that says why and what to pass, naming the layer.
    with pytest.raises(libmatch.CrsError, match="beyond 180.*source_crs") as err:
        libmatch.read_areas(path, "id")
    assert "rd.geojson" in str(err.value)
    # With source_crs the declaration GDAL made up gives way: the square is where it was.
    areas = libmatch.read_areas(path, "id", source_crs="EPSG:28992")
    assert areas.locate(np.array([[155000.0, 455000.0], [149000.0, 455000.0]])).tolist() == [0, -1]
    # A GeoJSON in degrees keeps its declared WGS 84 (source_crs is only a fallback).
    deg = [[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1]]
    wgs = _rd_geojson_without_crs(
        tmp_path / "wgs.geojson", {"type": "Polygon", "coordinates": [deg + [deg[0]]]}
    )
    inside = libmatch.transform(np.array([[5.05, 52.05]]), "EPSG:4326")
    assert libmatch.read_areas(wgs, "id", source_crs="EPSG:28992").locate(inside).tolist() == [0]


def test_point_geojson_in_metres_without_crs_member(tmp_path):
    from libmatch import _io

    path = _rd_geojson_without_crs(
        tmp_path / "pts.geojson", {"type": "Point", "coordinates": [155000.0, 455000.0]}
    )
    for crs in ("EPSG:28992", None):
        with pytest.warns(UserWarning, match="beyond 180.*working CRS"):
            table = _io.read_table(path, "requests", crs=crs)
        assert table[["x", "y"]].to_numpy().tolist() == [[155000.0, 455000.0]]


def test_write_layer_again_and_in_every_format_loses_nothing(tmp_path):
    """A second run of a script overwrites its single-layer files (GeoJSON, CSV, FlatGeobuf)
    as it does a GeoPackage layer; CSV keeps the geometry (as WKT); FlatGeobuf keeps the row
    order; what a format cannot hold is refused, naming the row, instead of dropped."""
    points = [shapely.Point(150200, 400000), shapely.Point(150000, 400000)]
    gdf = geopandas.GeoDataFrame({"id": ["c", "a"]}, geometry=points, crs="EPSG:28992")
    for ext in ("geojson", "csv", "fgb", "gpkg", "shp"):
        path = tmp_path / f"x.{ext}"
        libmatch.write_layer(gdf.iloc[:1], path, "pts")
        libmatch.write_layer(gdf, path, "pts")  # the second run replaces the first
        back = geopandas.read_file(path)
        assert back["id"].tolist() == ["c", "a"], ext
        if ext == "csv":
            assert shapely.from_wkt(back["WKT"]).tolist() == points
        else:
            assert [(g.x, g.y) for g in back.geometry] == [(p.x, p.y) for p in points], ext
    with pytest.raises(libmatch.FileError, match="overwrite is off"):
        libmatch.write_layer(gdf, tmp_path / "x.geojson", "pts", overwrite=False)
    holes = gdf.copy()
    holes.loc[1, "geometry"] = None
    with pytest.raises(libmatch.InvalidInputError, match="row 1 has no geometry"):
        libmatch.write_layer(holes, tmp_path / "holes.fgb", "pts")
    # a refused write leaves the file it would have replaced as it was
    with pytest.raises(libmatch.InvalidInputError, match="row 1 has no geometry"):
        libmatch.write_layer(holes, tmp_path / "x.fgb", "pts")
    assert geopandas.read_file(tmp_path / "x.fgb")["id"].tolist() == ["c", "a"]
    for ext in ("fgb", "shp"):
        with pytest.raises(libmatch.InvalidInputError, match="needs a geometry"):
            libmatch.write_layer(pd.DataFrame({"id": ["a"]}), tmp_path / f"table.{ext}", "t")


def test_area_set_to_csv_keeps_the_polygons(tmp_path):
    ring = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
    areas = AreaSet.from_wkb([shapely.to_wkb(shapely.Polygon(ring))], ["A"], crs="EPSG:28992")
    areas.to_file(tmp_path / "a.csv", id_field="area")
    back = pd.read_csv(tmp_path / "a.csv")
    assert back["area"].tolist() == ["A"]
    assert shapely.from_wkt(back["WKT"][0]).area == pytest.approx(100.0)
