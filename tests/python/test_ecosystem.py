"""Fitting the GeoPandas ecosystem: CRS honoured, GeoDataFrames in and out, folium maps."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import libmatch

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def muni():
    return libmatch.read_areas(DATA / "municipalities.geojson", "id")


@pytest.fixture(scope="module")
def farms():
    df = pd.read_csv(DATA / "farms.csv")
    return df


@pytest.fixture(scope="module")
def farms_lonlat(farms):
    lonlat = libmatch.transform(farms[["x", "y"]].to_numpy(float), "EPSG:28992", "EPSG:4326")
    return gpd.GeoDataFrame(
        farms[["farm_id"]], geometry=gpd.points_from_xy(*lonlat.T), crs="EPSG:4326"
    )


def test_lonlat_geodataframe_is_reprojected_for_locate(muni, farms, farms_lonlat):
    want = muni.locate(farms[["x", "y"]].to_numpy(float))
    assert (want >= 0).mean() > 0.99
    got = muni.locate(farms_lonlat)
    np.testing.assert_array_equal(got, want)
    ids = muni.locate_ids(farms_lonlat)
    assert list(ids) == list(np.array(muni.ids + [None], dtype=object)[want])


def test_nearest_honours_the_frame_crs(farms, farms_lonlat):
    nature = libmatch.read_areas(DATA / "nature_areas.geojson", "id")
    i0, d0 = nature.nearest(farms[["x", "y"]].to_numpy(float))
    i1, d1 = nature.nearest(farms_lonlat)
    np.testing.assert_array_equal(i0, i1)
    np.testing.assert_allclose(d0, d1, atol=1e-3)


def test_plain_lonlat_array_warns_once(muni, farms_lonlat):
    xy = np.column_stack([farms_lonlat.geometry.x, farms_lonlat.geometry.y])
    with pytest.warns(libmatch.OutsideWarning, match="working CRS EPSG:28992"):  # lon/lat
        idx = muni.locate(xy)
    assert (idx == -1).all()
    # A few points outside is ordinary: no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        muni.locate(xy[:3])


def test_unprojectable_points_raise_crs_error(muni):
    bad = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5.0, 5.0], [52.0, 123.0]), crs=4326)
    with pytest.raises(libmatch.CrsError, match="row 1"):
        muni.locate(bad)


def test_road_pairs_and_snap_honour_the_frame_crs(farms, farms_lonlat):
    roads = libmatch.RoadNetwork.from_file(
        DATA / "roads.geojson", speed_field="maxspeed", oneway_field="oneway", default_speed_kmh=50
    )
    adv = pd.read_csv(DATA / "advisors.csv").head(5)
    origins = adv[["x", "y"]].to_numpy(float)
    dest_xy = farms[["x", "y"]].to_numpy(float)[:300]
    want = roads.pairs(origins, dest_xy, max_minutes=40)
    got = roads.pairs(origins, farms_lonlat.iloc[:300], max_minutes=40)
    assert len(want) > 100
    pd.testing.assert_frame_equal(
        got[["origin", "destination"]].reset_index(drop=True),
        want[["origin", "destination"]].reset_index(drop=True),
    )
    # lon/lat round trip moves points by well under a millimetre: 6 ms of travel at most
    np.testing.assert_allclose(got["minutes"], want["minutes"], atol=1e-4)
    s0 = roads.snap(dest_xy[:50])
    s1 = roads.snap(farms_lonlat.iloc[:50])
    np.testing.assert_allclose(s0["distance_m"], s1["distance_m"], atol=1e-3)


def test_match_rejects_a_road_network_in_another_crs(muni):
    roads = libmatch.RoadNetwork.from_file(
        DATA / "roads.geojson", speed_field="maxspeed", crs="EPSG:3857", default_speed_kmh=50
    )
    oa = libmatch.read_areas(DATA / "orientation_areas.geojson", "id")
    with pytest.raises(libmatch.CrsError, match="EPSG:3857"):
        libmatch.match(DATA / "requests.csv", DATA / "advisors.csv", oa, travel=roads)


def test_sjoin_and_series_are_index_aligned(muni, farms):
    pts = farms.iloc[:40].copy()
    pts.index = pd.Index([f"k{i}" for i in range(40)][::-1], name="key")
    pts.loc["k0", ["x", "y"]] = [0.0, 0.0]  # outside
    s = muni.locate_ids(pts, as_series=True)
    assert list(s.index) == list(pts.index) and s.name == "area_id"
    assert pd.isna(s.loc["k0"])
    joined = muni.sjoin(pts)
    assert list(joined.index) == list(pts.index)
    assert (joined["area_id"].dropna() == s.dropna()).all()
    assert joined.loc[joined.index != "k0", "area_id"].notna().all()
    np.testing.assert_array_equal(joined["x"], pts["x"])


@pytest.fixture(scope="module")
def round_result():
    oa = libmatch.read_areas(DATA / "orientation_areas.geojson", "id")
    return libmatch.match(DATA / "requests.csv", DATA / "advisors.csv", oa), oa


def test_round_to_geodataframe_layers(round_result):
    res, oa = round_result
    req = res.to_geodataframe("requests")
    assert req.crs.to_epsg() == 28992
    assert len(req) == len(res)
    assert (req.geometry.geom_type == "Point").all()
    assert (req["outcome"] == "assigned").sum() == len(res.assignments)
    esc = req[req["outcome"] == "escalated"].set_index("applicant_id")["reason"]
    assert (
        esc.sort_index().tolist()
        == res.escalations.set_index("applicant_id")["reason"].sort_index().tolist()
    )
    lines = res.to_geodataframe("assignments")
    assert len(lines) == len(res.assignments)
    assert (lines.geometry.geom_type == "LineString").all()
    adv = res.to_geodataframe("advisors")
    advisors = pd.read_csv(DATA / "advisors.csv").set_index("advisor_id")
    # Each line runs from the request's point to its advisor's base.
    first = lines.iloc[0]
    end = np.array(first.geometry.coords[-1])
    np.testing.assert_allclose(end, advisors.loc[first["advisor_id"], ["x", "y"]].to_numpy(float))
    start = req.set_index("applicant_id").loc[first["applicant_id"], "geometry"]
    np.testing.assert_allclose(np.array(first.geometry.coords[0]), [start.x, start.y])
    assert set(adv["advisor_id"]) == set(advisors.index)
    with pytest.raises(libmatch.InvalidInputError):
        res.to_geodataframe("nope")


def test_plan_to_geodataframe_ids_consistent(muni):
    demand = pd.Series(np.arange(len(muni), dtype=float) % 5 + 1, index=muni.ids)
    plan = libmatch.design_areas(muni, demand, k=5, seed=1)
    gdf = plan.to_geodataframe()
    assert list(gdf["area"]) == list(plan.area_ids)
    assert set(plan.assignment.unique()) == set(gdf["area"])
    assert type(gdf["area"].iloc[0]) is type(plan.assignment.iloc[0])
    assert gdf["units"].sum() == len(muni)
    counts = plan.assignment.value_counts()
    assert gdf.set_index("area")["units"].to_dict() == counts.to_dict()


def test_explore_maps(round_result, muni):
    pytest.importorskip("folium")
    res, oa = round_result
    m = res.explore(areas=oa)
    html = m.get_root().render()
    assert "advisor_id" in html and "outcome" in html
    assert type(oa.explore()).__name__ == "Map"
    demand = pd.Series(1.0, index=muni.ids)
    plan = libmatch.design_areas(muni, demand, k=4, seed=0)
    assert "units" in plan.explore().get_root().render()


def test_attributes_kept_from_file_and_geodataframe(muni):
    attrs = muni.attributes
    assert list(attrs.index) == muni.ids
    assert {"name", "orientation_area", "population"} <= set(attrs.columns)
    import json

    raw = json.loads((DATA / "municipalities.geojson").read_text())
    first = raw["features"][0]["properties"]
    assert attrs.loc[first["id"], "name"] == first["name"]
    assert attrs.loc[first["id"], "population"] == first["population"]
    gdf = muni.to_geodataframe()
    assert list(gdf["id"]) == muni.ids and "population" in gdf
    again = libmatch.AreaSet.from_geodataframe(gdf, "id")
    pd.testing.assert_frame_equal(again.attributes, attrs, check_dtype=False)
    # Sets without a source have no attributes, but a frame aligned with their ids.
    merged = muni.dissolve(np.zeros(len(muni), dtype=np.int64), ["all"])
    assert merged.attributes.shape == (1, 0)


def test_road_matrix_full_array_with_nan():
    roads = libmatch.RoadNetwork.from_file(
        DATA / "roads.geojson", speed_field="maxspeed", default_speed_kmh=50, snap_max_m=500
    )
    adv = pd.read_csv(DATA / "advisors.csv")[["x", "y"]].to_numpy(float)[:3]
    dst = pd.read_csv(DATA / "farms.csv")[["x", "y"]].to_numpy(float)[:40]
    dst = np.vstack([dst, [[0.0, 0.0]]])  # far from every road: unplaced
    with pytest.warns(libmatch.OutsideWarning, match="1 destination"):
        minutes, km = roads.matrix(adv, dst, max_minutes=45)
    assert minutes.shape == km.shape == (3, 41)
    assert np.isnan(minutes[:, -1]).all()
    pairs = roads.pairs(adv, dst, max_minutes=45)
    np.testing.assert_array_equal(
        minutes[pairs["origin"], pairs["destination"]], pairs["minutes"].to_numpy()
    )
    assert np.isfinite(minutes).sum() == len(pairs)
    # A lon/lat array by mistake: nothing placed, one warning from pairs too.
    lonlat = libmatch.transform(dst[:-1], "EPSG:28992", "EPSG:4326")
    with pytest.warns(libmatch.OutsideWarning):
        assert len(roads.pairs(lonlat[:5], lonlat)) == 0


CLI_EXAMPLES = sorted(__import__("libmatch.cli", fromlist=["EXAMPLES"]).EXAMPLES.items())


@pytest.mark.parametrize("name,example", CLI_EXAMPLES, ids=[n for n, _ in CLI_EXAMPLES])
def test_every_cli_help_has_an_example_that_runs(name, example, tmp_path):
    import shlex
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "libmatch.cli", *shlex.split(example)[1:]]
    helptext = subprocess.run(cmd[:4] + ["--help"], capture_output=True, text=True).stdout
    assert "example:" in helptext and example.split()[1] in helptext
    # The example itself works (outputs redirected into tmp_path).
    args = [a.replace("out/", f"{tmp_path}/") if a.startswith("out/") else a for a in cmd]
    args = [str(tmp_path) if a == "out" else a for a in args]
    if name == "verify":
        first = subprocess.run(
            [
                *cmd[:3],
                "round",
                "--applicants",
                str(DATA / "requests.csv"),
                "--advisors",
                str(DATA / "advisors.csv"),
                "--out",
                f"{tmp_path}/round",
                "--no-map",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert first.returncode == 0, first.stderr
    r = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


def test_one_layer_syntax_everywhere(tmp_path):
    import subprocess
    import sys

    base = [sys.executable, "-m", "libmatch.cli"]
    r = subprocess.run(
        [
            *base,
            "locate",
            "--areas",
            f"{DATA / 'municipalities.geojson'}:nope",
            "--points",
            str(DATA / "farms.csv"),
            "--out",
            str(tmp_path / "x.csv"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and "nope" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run(
        [
            *base,
            "round",
            "--applicants",
            str(DATA / "requests.csv"),
            "--advisors",
            str(DATA / "advisors.csv"),
            "--areas",
            f"{DATA / 'orientation_areas.geojson'}:id",
            "--rules",
            '{"radius_hard": false}',
            "--out",
            str(tmp_path / "r"),
            "--no-map",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    soft = pd.read_csv(tmp_path / "r" / "escalations.csv")
    hard = libmatch.match(
        DATA / "requests.csv",
        DATA / "advisors.csv",
        libmatch.read_areas(DATA / "orientation_areas.geojson", "id"),
    )
    assert len(soft) <= len(hard.escalations)
    r = subprocess.run(
        [
            *base,
            "round",
            "--applicants",
            str(DATA / "requests.csv"),
            "--advisors",
            str(DATA / "advisors.csv"),
            "--weights",
            "{bad json",
            "--out",
            str(tmp_path / "q"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "--weights" in r.stderr and "see --help" in r.stderr


def test_location_study_returns_a_geodataframe_when_given_one(farms, farms_lonlat, muni):
    pts = farms_lonlat.iloc[:30].rename(columns={"farm_id": "applicant_id"})
    st = libmatch.location_study(pts, {"gemeente": muni})
    assert isinstance(st, gpd.GeoDataFrame) and st.crs.to_epsg() == 4326
    assert list(st.index) == list(pts.index) and st.attrs["layers"] == ("gemeente",)
    plain = libmatch.location_study(
        farms.iloc[:30].rename(columns={"farm_id": "applicant_id"})[["applicant_id", "x", "y"]],
        {"gemeente": muni},
    )
    assert not isinstance(plain, gpd.GeoDataFrame)
    assert list(st["gemeente_id"]) == list(muni.locate_ids(pts))
    assert list(st["gemeente_id"]) == list(plain["gemeente_id"])
