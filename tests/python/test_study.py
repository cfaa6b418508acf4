"""Location study: synthetic cases with known answers, the bundled data, real Dutch data
against Shapely, the CLI and bad input."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import libmatch
from libmatch import cli

shapely = pytest.importorskip("shapely")

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared" / "data"


def squares():
    """Two 1 km squares side by side (W: x 0..1000, E: x 1000..2000) and a far one."""
    geoms = [
        shapely.box(0, 0, 1000, 1000),
        shapely.box(1000, 0, 2000, 1000),
        shapely.box(10_000, 0, 11_000, 1000),
    ]
    return libmatch.AreaSet.from_wkb(shapely.to_wkb(geoms), ["W", "E", "FAR"])


def nature():
    return libmatch.AreaSet.from_wkb(shapely.to_wkb([shapely.box(400, 2000, 600, 2200)]), ["N1"])


LOCS = pd.DataFrame(
    {
        "applicant_id": ["R1", "R2", "R2", "R3", "R4", "R5"],
        "x": [500.0, 1500.0, 500.0, 3000.0, 1510.0, 500.0],
        "y": [500.0, 500.0, 900.0, 500.0, 503.0, 20_000.0],
    },
    index=[10, 11, 12, 13, 14, 15],
)


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


# ------------------------------------------------------------------------ synthetic
def test_layers_primary_and_duplicates():
    st = libmatch.location_study(
        LOCS, {"area": squares(), "nature": nature()}, max_distance_m=5000, duplicate_tolerance_m=25
    )
    assert list(st.index) == [10, 11, 12, 13, 14, 15]  # input order and index kept
    assert st["area_id"].tolist()[:3] == ["W", "E", "W"]
    assert missing(st["area_id"][13]) and missing(st["area_id"][15])
    assert st["area_nearest_id"][13] == "E"
    assert st["area_distance_m"][13] == pytest.approx(1000.0, abs=1e-9)
    assert st["area_distance_m"][10] == 0.0
    assert missing(st["area_nearest_id"][15]) and math.isnan(st["area_distance_m"][15])
    assert st["nature_distance_m"][10] == pytest.approx(1500.0)  # up to y = 2000
    # R2's second location lies in W, its primary in E.
    assert st["is_primary"].tolist() == [True, True, False, True, True, True]
    assert st["location"].tolist() == [0, 0, 1, 0, 0, 0]
    assert st["differs_from_primary"].tolist() == [False, False, True, False, False, False]
    assert st["differing_layers"][12] == "area"
    # R4 is 10.4 m from R2's primary location: both flagged with the other's id.
    assert st["duplicate_of"][11] == "R4" and st["duplicate_of"][14] == "R2"
    assert st["duplicate_distance_m"][14] == pytest.approx(math.hypot(10, 3))
    assert st["duplicate_of"].isna().sum() == 4
    assert st.attrs["layers"] == ("area", "nature")

    sm = libmatch.location_study_summary(st)
    assert sm["applicant_id"].tolist() == ["R1", "R2", "R3", "R4", "R5"]
    r2 = sm.set_index("applicant_id").loc["R2"]
    assert r2["n_locations"] == 2 and r2["area_id"] == "E"
    assert r2["locations_elsewhere"] == 1 and r2["elsewhere"] == "area:W"
    assert r2["duplicate_of"] == "R4"
    assert sm["locations_elsewhere"].sum() == 1


def test_advisors_within_radius_straight_line_reference():
    rng = np.random.default_rng(4)
    locs = pd.DataFrame(
        {
            "applicant_id": [f"R{i}" for i in range(300)],
            "x": rng.uniform(0, 40_000, 300),
            "y": rng.uniform(0, 40_000, 300),
        }
    )
    adv = pd.DataFrame(
        {
            "advisor_id": [f"A{i}" for i in range(25)],
            "x": rng.uniform(0, 40_000, 25),
            "y": rng.uniform(0, 40_000, 25),
            "radius_km": rng.choice([10.0, 20.0, np.nan], 25),
            "radius_minutes": rng.choice([12.0, 30.0, np.nan], 25),
        }
    )
    model = libmatch.StraightLine(detour=1.25, speed_kmh=50)
    st = libmatch.location_study(locs, {}, advisors=adv, travel=model)
    dx = locs.x.to_numpy()[None, :] - adv.x.to_numpy()[:, None]
    dy = locs.y.to_numpy()[None, :] - adv.y.to_numpy()[:, None]
    km = np.sqrt(dx * dx + dy * dy) / 1000 * 1.25
    minutes = km / 50 * 60
    rk = adv.radius_km.to_numpy()[:, None]
    rm = adv.radius_minutes.to_numpy()[:, None]
    within = (np.isnan(rk) | (km <= rk)) & (np.isnan(rm) | (minutes <= rm))
    np.testing.assert_array_equal(st["advisors_in_radius"].to_numpy(), within.sum(axis=0))
    nearest = np.argmin(minutes, axis=0)
    assert st["nearest_advisor_id"].tolist() == adv.advisor_id.to_numpy()[nearest].tolist()
    np.testing.assert_array_equal(
        st["nearest_advisor_minutes"].to_numpy(), minutes[nearest, np.arange(300)]
    )
    # The listed ids are the advisors within radius, nearest first.
    for j in (0, 17, 299):
        ids = st["advisor_ids_in_radius"][j]
        expect = [
            adv.advisor_id[i] for i in np.argsort(minutes[:, j], kind="stable") if within[i, j]
        ]
        assert (ids.split(";") if isinstance(ids, str) else []) == expect


def test_advisors_with_a_road_network_use_network_times():
    xy = np.array([[0.0, 0.0], [10_000.0, 0.0], [20_000.0, 0.0]])
    net = libmatch.RoadNetwork.from_edges(xy, [0, 1], [1, 2], [60.0, 30.0])
    locs = pd.DataFrame({"applicant_id": ["R1", "R2"], "x": [10_000.0, 20_000.0], "y": [50.0, 0.0]})
    adv = pd.DataFrame({"advisor_id": ["A1"], "x": [0.0], "y": [0.0], "radius_minutes": [15.0]})
    st = libmatch.location_study(locs, {}, advisors=adv, travel=net)
    # R1: 10 km at 60 + 50 m snap leg at 15 km/h = 10.2 min; R2: + 10 km at 30 = 30 min.
    assert st["nearest_advisor_minutes"].tolist() == pytest.approx([10.2, 30.0])
    assert st["advisors_in_radius"].tolist() == [1, 0]
    assert st.attrs["travel"].startswith("road network")
    assert st.attrs["unsnapped_locations"] == 0
    far = pd.concat([locs, pd.DataFrame({"applicant_id": ["R3"], "x": [5000.0], "y": [9000.0]})])
    st = libmatch.location_study(far, {}, advisors=adv, travel=net)  # R3: 9 km off the road
    assert st.attrs["unsnapped_locations"] == 1 and pd.isna(st["nearest_advisor_id"].iloc[2])


def test_geodataframe_locations_are_reprojected():
    gpd = pytest.importorskip("geopandas")
    areas = squares()
    gdf = gpd.GeoDataFrame(
        LOCS[["applicant_id"]].reset_index(drop=True),
        geometry=gpd.points_from_xy(LOCS.x, LOCS.y),
        crs="EPSG:28992",
    )
    wgs = gdf.to_crs("EPSG:4326")
    a = libmatch.location_study(LOCS.reset_index(drop=True), {"area": areas})
    b = libmatch.location_study(wgs, {"area": areas})
    assert a["area_id"].tolist() == b["area_id"].tolist()
    np.testing.assert_allclose(b["x"], a["x"], atol=1e-3)


def test_empty_locations_and_bad_input():
    areas = squares()
    empty = libmatch.location_study(
        LOCS.iloc[:0],
        {"area": areas},
        advisors=pd.DataFrame({"advisor_id": ["A"], "x": [0.0], "y": [0.0], "radius_km": [5.0]}),
    )
    assert len(empty) == 0 and "area_id" in empty and "advisors_in_radius" in empty
    assert len(libmatch.location_study_summary(empty)) == 0
    with pytest.raises(libmatch.InvalidInputError, match="applicant_id"):
        libmatch.location_study(LOCS.drop(columns="applicant_id"), {"area": areas})
    with pytest.raises(libmatch.InvalidInputError, match="'y'"):
        libmatch.location_study(LOCS.drop(columns="y"), {"area": areas})
    with pytest.raises(libmatch.InvalidTypeError):
        libmatch.location_study(LOCS, {"area": "not an AreaSet"})
    with pytest.raises(libmatch.InvalidTypeError):
        libmatch.location_study(LOCS.to_numpy(), {"area": areas})
    with pytest.raises(libmatch.InvalidInputError, match="radius"):
        libmatch.location_study(
            LOCS,
            {"area": areas},
            advisors=pd.DataFrame({"advisor_id": ["A"], "x": [0.0], "y": [0.0]}),
        )
    with pytest.raises(libmatch.InvalidInputError, match="duplicate_tolerance_m"):
        libmatch.location_study(LOCS, {"area": areas}, duplicate_tolerance_m=0)
    # Mismatched CRS: a layer, or a road network, in another working CRS.
    other = libmatch.AreaSet.from_wkb(
        shapely.to_wkb([shapely.box(0, 0, 1, 1)]), ["X"], crs="EPSG:3035", source_crs="EPSG:3035"
    )
    with pytest.raises(libmatch.CrsError, match="layer 'b'"):
        libmatch.location_study(LOCS, {"a": areas, "b": other})
    net = libmatch.RoadNetwork.from_edges(
        [[0.0, 0.0], [1000.0, 0.0]], [0], [1], [50.0], crs="EPSG:3035"
    )
    with pytest.raises(libmatch.CrsError, match="travel model"):
        libmatch.location_study(LOCS, {"a": areas}, travel=net)


# ------------------------------------------------------------------------ bundled data
@pytest.fixture(scope="module")
def bundled():
    if not (DATA / "requests.csv").exists():
        pytest.skip("bundled data/ is absent")
    layers = {
        "area": libmatch.read_areas(DATA / "orientation_areas.geojson", "id"),
        "municipality": libmatch.read_areas(DATA / "municipalities.geojson", "id"),
        "natura2000": libmatch.read_areas(DATA / "nature_areas.geojson", "id"),
    }
    return layers, pd.read_csv(DATA / "requests.csv"), pd.read_csv(DATA / "advisors.csv")


def test_bundled_requests(bundled):
    layers, req, adv = bundled
    st = libmatch.location_study(req, layers, advisors=adv, duplicate_tolerance_m=10)
    assert len(st) == len(req)
    # The one documented duplicate pair.
    dups = st.dropna(subset=["duplicate_of"])
    assert sorted(zip(dups.applicant_id, dups.duplicate_of)) == [
        ("R0025", "R0128"),
        ("R0128", "R0025"),
    ]
    # Municipalities agree with the generator's farm table (an independent locate).
    farms = pd.read_csv(DATA / "farms.csv")
    joined = st.merge(farms, on=["x", "y"], how="inner")
    assert len(joined) == len(st) - 1  # R0128's location is R0025's farm moved 4 m
    assert (joined["municipality_id"] == joined["municipality"]).all()
    # Farms never lie in nature areas; the nearest one is within 10 km or missing.
    assert st["natura2000_id"].isna().all()
    assert (st["natura2000_distance_m"].dropna() <= 10_000).all()
    # Every location has at least one advisor within radius in this data set.
    assert (st["advisors_in_radius"] > 0).all()
    sm = libmatch.location_study_summary(st)
    assert len(sm) == req.applicant_id.nunique() == 150
    assert (sm["n_locations"] == 2).sum() == 15


def test_bundled_with_road_network(bundled):
    layers, req, adv = bundled
    roads = libmatch.RoadNetwork.from_file(
        DATA / "roads.geojson",
        speed_field="maxspeed",
        class_field="class",
        class_speeds={
            "motorway": 100,
            "primary": 80,
            "secondary": 60,
            "tertiary": 50,
            "unclassified": 50,
            "residential": 30,
        },
        oneway_field="oneway",
    )
    assert roads.edge_count == 6202 and roads.component_count == 2  # + the holiday park
    st = libmatch.location_study(req, {"area": layers["area"]}, advisors=adv, travel=roads)
    direct = roads.pairs(adv[["x", "y"]].to_numpy(float), req[["x", "y"]].to_numpy(float))
    best = direct.sort_values(["destination", "minutes", "origin"]).drop_duplicates("destination")
    np.testing.assert_array_equal(
        st["nearest_advisor_minutes"].to_numpy()[best.destination], best.minutes.to_numpy()
    )
    assert st["nearest_advisor_minutes"].notna().all()


# ------------------------------------------------------------------------ real data
needs_shared = pytest.mark.skipif(
    not (SHARED / "nl_farms_2026.gpkg").exists() or not (SHARED / "nl_admin_2023.gpkg").exists(),
    reason="real data ../shared/data/nl_farms_2026.gpkg / nl_admin_2023.gpkg is absent",
)


@needs_shared
@pytest.mark.slow
def test_real_farms_against_shapely():
    gpd = pytest.importorskip("geopandas")
    farms = gpd.read_file(SHARED / "nl_farms_2026.gpkg", layer="boerderijen")
    assert len(farms) == 4554
    farms["applicant_id"] = farms["monument_nr"].astype(str)
    admin = SHARED / "nl_admin_2023.gpkg"
    specs = {
        "gemeente": ("gemeenten", "statcode"),
        "provincie": ("provincies", "statcode"),
        "natura2000": ("natura2000", "gebiedsnr"),
    }
    layers = {
        name: libmatch.read_areas(admin, field, layer=layer)
        for name, (layer, field) in specs.items()
    }
    st = libmatch.location_study(farms, layers, max_distance_m=10_000)
    assert len(st) == 4554
    pts = shapely.points(st[["x", "y"]].to_numpy())
    for name, (layer, field) in specs.items():
        polys = gpd.read_file(admin, layer=layer)
        ids = polys[field].astype(str).to_numpy()
        assert len(set(ids)) == len(ids)
        tree = shapely.STRtree(polys.geometry.to_numpy())
        (p_idx, g_idx), dist = tree.query_nearest(
            pts, max_distance=10_000, return_distance=True, all_matches=False
        )
        ref = np.full(len(pts), np.nan)
        ref[p_idx] = dist
        got = st[f"{name}_distance_m"].to_numpy()
        assert np.array_equal(np.isnan(got), np.isnan(ref)), name
        np.testing.assert_allclose(got, ref, atol=0.01, rtol=0, err_msg=name)
        # Nearest ids agree wherever the nearest feature is unambiguous.
        near = np.full(len(pts), None, dtype=object)
        near[p_idx] = ids[g_idx]
        ok = ~np.isnan(ref)
        same = st[f"{name}_nearest_id"].to_numpy(object)[ok] == near[ok]
        assert same.mean() > 0.999, name
        # Containing feature: Shapely's covers, for points not on a border.
        inside = shapely.STRtree(polys.geometry.to_numpy()).query(pts, predicate="within")
        contain = np.full(len(pts), None, dtype=object)
        contain[inside[0]] = ids[inside[1]]
        got_in = st[f"{name}_id"].to_numpy(object)
        got_in = np.array([None if missing(v) else v for v in got_in], dtype=object)
        assert (got_in == contain).mean() > 0.999, name
    # Farms were selected within 5 km of a Natura 2000 area (the two Wadden areas are
    # missing from the layer, so a few coastal farms are farther).
    assert (st["natura2000_distance_m"] <= 5_000 + 1).mean() > 0.95
    # Monuments have distinct numbers: duplicates only where two lie within 25 m.
    close = libmatch.close_locations(st[["x", "y"]].to_numpy(), st["applicant_id"], 25.0)
    assert st["duplicate_of"].notna().sum() == len(np.unique(close[["a", "b"]].to_numpy()))


# ------------------------------------------------------------------------ command line
def test_cli_study(bundled, tmp_path, capsys):
    out, summary = tmp_path / "study.csv", tmp_path / "summary.csv"
    rc = cli.main(
        [
            "study",
            "--areas",
            f"{DATA / 'orientation_areas.geojson'}:id",
            "--layer",
            f"municipality={DATA / 'municipalities.geojson'}:id",
            "--layer",
            f"natura2000={DATA / 'nature_areas.geojson'}:id",
            "--locations",
            str(DATA / "requests.csv"),
            "--advisors",
            str(DATA / "advisors.csv"),
            "--out",
            str(out),
            "--summary",
            str(summary),
            "--duplicate-tolerance-m",
            "10",
        ]
    )
    assert rc == 0
    st = pd.read_csv(out)
    assert len(st) == 165
    assert {
        "area_id",
        "municipality_nearest_id",
        "natura2000_distance_m",
        "advisors_in_radius",
        "duplicate_of",
    } <= set(st.columns)
    assert st["duplicate_of"].notna().sum() == 2
    assert len(pd.read_csv(summary)) == 150
    assert "165 locations of 150 requests" in capsys.readouterr().out
    # A bad layer spec is a usage error: exit code 2.
    rc = cli.main(
        [
            "study",
            "--layer",
            "municipality",
            "--locations",
            str(DATA / "requests.csv"),
            "--out",
            str(out),
        ]
    )
    assert rc == 2
    assert "NAME=FILE" in capsys.readouterr().err


def test_cli_study_with_roads(bundled, tmp_path):
    out = tmp_path / "study.csv"
    rc = cli.main(
        [
            "study",
            "--areas",
            f"{DATA / 'orientation_areas.geojson'}:id",
            "--locations",
            str(DATA / "requests.csv"),
            "--advisors",
            str(DATA / "advisors.csv"),
            "--out",
            str(out),
            "--roads",
            str(DATA / "roads.geojson"),
            "--speed-field",
            "maxspeed",
            "--class-field",
            "class",
            "--oneway-field",
            "oneway",
            "--class-speeds",
            "motorway=100,primary=80,secondary=60,tertiary=50,unclassified=50,residential=30",
        ]
    )
    assert rc == 0
    assert pd.read_csv(out)["nearest_advisor_minutes"].notna().all()


def test_ties_do_not_depend_on_row_order():
    """P lies 10 m from both Q and R; advisors A and B share a base: ties go by id."""
    locs = pd.DataFrame(
        {"applicant_id": ["P", "Q", "R"], "x": [500.0, 510.0, 500.0], "y": [500.0, 500.0, 510.0]}
    )
    advisors = pd.DataFrame(
        {"advisor_id": ["B", "A", "C"], "x": [800.0, 800.0, 2000.0], "y": [500.0] * 3}
    ).assign(radius_km=50.0)

    def study(lo, adv):
        df = libmatch.location_study(lo, {"area": squares()}, advisors=adv)
        cols = ["duplicate_of", "nearest_advisor_id", "advisor_ids_in_radius"]
        return df.set_index("applicant_id")[cols].sort_index()

    first = study(locs, advisors)
    assert first.loc["P", "duplicate_of"] == "Q"  # Q < R at the same distance
    assert first.loc["P", "nearest_advisor_id"] == "A"
    assert first.loc["P", "advisor_ids_in_radius"] == "A;B;C"
    for order in ([0, 2, 1], [2, 1, 0], [1, 0, 2]):
        pd.testing.assert_frame_equal(study(locs.iloc[order], advisors.iloc[order]), first)


# ------------------------------------------------------------ from the new-user audit (12-03)
def test_a_request_row_stays_primary_wherever_its_extra_locations_stand():
    areas = libmatch.AreaSet.from_wkb(
        shapely.to_wkb([shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)]),
        ["OA1", "OA2"],
    )
    own = {"applicant_id": "R1", "location_of": None, "x": 500.0, "y": 500.0}
    extra = {"applicant_id": "R1-b", "location_of": "R1", "x": 1500.0, "y": 500.0}
    for rows in ([own, extra], [extra, own]):
        st = libmatch.location_study(pd.DataFrame(rows), {"area": areas})
        prim = st[st["is_primary"]]
        assert len(prim) == 1 and prim["x"].iloc[0] == 500.0 and prim["area_id"].iloc[0] == "OA1"
        summary = libmatch.location_study_summary(st)
        assert summary["area_id"].tolist() == ["OA1"] and summary["elsewhere"].tolist() == [
            "area:OA2"
        ]


def test_summary_names_every_request_within_the_tolerance():
    locs = pd.DataFrame(
        {"applicant_id": ["R1", "R2", "R3", "R4"], "x": [0.0, 10.0, 20.0, 500.0], "y": [0.0] * 4}
    )
    st = libmatch.location_study(locs, {}, duplicate_tolerance_m=25.0)
    got = dict(zip(*libmatch.location_study_summary(st)[["applicant_id", "duplicate_of"]].T.values))
    # R3 lies 20 m from R1 and 10 m from R2: both, nearest first; R4 is alone
    assert got["R1"] == "R2;R3" and got["R2"] == "R1;R3" and got["R3"] == "R2;R1"
    assert pd.isna(got["R4"])
    pairs = libmatch.close_locations(locs[["x", "y"]].to_numpy(), locs["applicant_id"], 25.0)
    assert len(pairs) == 3  # the same pairs as the summary lists


def test_without_layers_a_geodataframe_is_reprojected_to_the_default_crs():
    gpd = pytest.importorskip("geopandas")
    rd = gpd.GeoDataFrame(
        {"applicant_id": ["R1", "R2"]},
        geometry=gpd.points_from_xy([150_000.0, 160_000.0], [450_000.0, 450_000.0]),
        crs="EPSG:28992",
    )
    advisors = pd.DataFrame(
        {"advisor_id": ["A"], "x": [150_000.0], "y": [450_000.0], "radius_km": [20.0]}
    )
    a = libmatch.location_study(rd, {}, advisors=advisors)
    for other in ("EPSG:3857", "EPSG:4326"):
        b = libmatch.location_study(rd.to_crs(other), {}, advisors=advisors)
        assert b.attrs["crs"] == "EPSG:28992"
        np.testing.assert_allclose(b["nearest_advisor_km"], a["nearest_advisor_km"], atol=1e-3)
        assert b["advisors_in_radius"].tolist() == a["advisors_in_radius"].tolist() == [1, 1]
    # advisors as a GeoDataFrame in another CRS are reprojected too
    adv_gdf = gpd.GeoDataFrame(
        advisors.drop(columns=["x", "y"]),
        geometry=gpd.points_from_xy(advisors.x, advisors.y),
        crs="EPSG:28992",
    ).to_crs("EPSG:3857")
    c = libmatch.location_study(rd, {}, advisors=adv_gdf)
    np.testing.assert_allclose(c["nearest_advisor_km"], a["nearest_advisor_km"], atol=1e-3)


def test_study_names_advisors_the_road_network_cannot_place(bundled):
    layers, req, adv = bundled
    roads = libmatch.RoadNetwork.from_file(
        DATA / "roads.geojson", speed_field="maxspeed", default_speed_kmh=50
    )
    snapped = roads.snap(adv[["x", "y"]].to_numpy(float))
    off = sorted(adv["advisor_id"][snapped["edge"].to_numpy() < 0].astype(str))
    assert off  # the bundled data has bases beyond 500 m of any road
    st = libmatch.location_study(req, {}, advisors=adv, travel=roads)
    assert list(st.attrs["unsnapped_advisors"]) == off
    named = set(";".join(st["advisor_ids_in_radius"].dropna()).split(";"))
    assert not named & set(off)


def test_cli_reads_numeric_looking_location_of_ids_as_text(tmp_path):
    locs = tmp_path / "locs.csv"
    locs.write_text("applicant_id,location_of,x,y\n001,,500,500\n002,001,1500,500\n")
    areas = tmp_path / "areas.geojson"
    import geopandas as gpd

    gpd.GeoDataFrame(
        {"id": ["OA1", "OA2"]},
        geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        crs="EPSG:28992",
    ).to_file(areas)
    out, summary = tmp_path / "st.csv", tmp_path / "sum.csv"
    rc = cli.main(
        [
            "study",
            "--areas",
            f"{areas}:id",
            "--locations",
            str(locs),
            "--out",
            str(out),
            "--summary",
            str(summary),
        ]
    )
    assert rc == 0
    got = pd.read_csv(summary, dtype=str)
    assert got["applicant_id"].tolist() == ["001"] and got["elsewhere"].tolist() == ["area:OA2"]


def test_cli_geometry_wins_over_attribute_xy_and_cells_are_carried_verbatim(tmp_path):
    gpd = pytest.importorskip("geopandas")
    areas = tmp_path / "areas.gpkg"
    gpd.GeoDataFrame(
        {"id": ["OA1"]},
        geometry=[shapely.box(150_000, 450_000, 151_000, 451_000)],
        crs="EPSG:28992",
    ).to_file(areas)
    pts = gpd.GeoDataFrame(
        {"applicant_id": ["007"]},
        geometry=gpd.points_from_xy([150_500.0], [450_500.0]),
        crs="EPSG:28992",
    ).to_crs("EPSG:4326")
    pts["x"], pts["y"] = pts.geometry.x, pts.geometry.y  # lon / lat exported beside the points
    src = tmp_path / "pts.gpkg"
    pts.to_file(src)
    out = tmp_path / "loc.csv"
    assert (
        cli.main(["locate", "--areas", f"{areas}:id", "--points", str(src), "--out", str(out)]) == 0
    )
    got = pd.read_csv(out, dtype=str)
    assert got["area_id"].tolist() == ["OA1"]
    assert float(got["x"].iloc[0]) == pytest.approx(150_500.0, abs=0.01)
    # a CSV's other cells come back as written (leading zeros, "NA")
    csv = tmp_path / "pts.csv"
    csv.write_text("farm_id,kvk,x,y,note\n007,012345,150500,450500,NA\n")
    assert (
        cli.main(["locate", "--areas", f"{areas}:id", "--points", str(csv), "--out", str(out)]) == 0
    )
    text = out.read_text().splitlines()
    assert text[1] == "007,012345,150500,450500,NA,OA1"


def test_float_id_fields_read_as_whole_numbers(tmp_path):
    gpd = pytest.importorskip("geopandas")
    gdf = gpd.GeoDataFrame(
        {"code": [1.0, 2.0, 30.5]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1)],
        crs="EPSG:28992",
    )
    assert libmatch.AreaSet.from_geodataframe(gdf, "code").ids == ["1", "2", "30.5"]
    for name in ("a.shp", "a.gpkg"):  # the same ids whatever the reader and driver
        gdf.to_file(tmp_path / name)
        assert libmatch.read_areas(tmp_path / name, "code").ids == ["1", "2", "30.5"]
    attrs = libmatch.AreaSet.from_geodataframe(gdf.assign(name=["a", "b", "c"]), "code").attributes
    assert attrs["name"].tolist() == ["a", "b", "c"]
