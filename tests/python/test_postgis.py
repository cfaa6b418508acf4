"""Reading and writing layers in a real PostgreSQL + PostGIS database through GDAL.

The test starts a throwaway cluster of its own (Debian's ``postgresql`` and ``postgis``
packages, installed by ``make setup``) in a temporary directory, reachable only through a
Unix socket there (no TCP listener), and stops it at the end.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import libmatch

gpd = pytest.importorskip("geopandas")

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
PORT = 54329


def _bindir() -> str:
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not dirs or not os.path.exists(os.path.join(dirs[-1], "initdb")):
        pytest.fail("PostgreSQL server binaries are missing (make setup installs postgresql)")
    return dirs[-1]


def _as_db_user(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="module")
def pg():
    bindir = _bindir()
    base = tempfile.mkdtemp(prefix="libmatch-pg-")
    os.chmod(base, 0o755)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
    data = os.path.join(base, "data")
    env = {**os.environ, "LC_ALL": "C"}
    subprocess.run(
        _as_db_user([f"{bindir}/initdb", "-D", data, "-U", "lm", "--auth=trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
        env=env,
    )
    opts = f"-c listen_addresses='' -c unix_socket_directories='{base}' -p {PORT} -c fsync=off"
    subprocess.run(
        _as_db_user(
            [f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-w", "-l", f"{base}/log", "start"]
        ),
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        subprocess.run(
            _as_db_user(
                [
                    f"{bindir}/psql",
                    "-h",
                    base,
                    "-p",
                    str(PORT),
                    "-U",
                    "lm",
                    "-d",
                    "postgres",
                    "-c",
                    "CREATE EXTENSION postgis",
                ]
            ),
            check=True,
            capture_output=True,
            env=env,
        )
        yield f"PG:dbname=postgres host={base} port={PORT} user=lm"
    finally:
        subprocess.run(
            _as_db_user([f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]),
            capture_output=True,
            env=env,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def oa():
    return libmatch.read_areas(DATA / "orientation_areas.geojson", "id")


def test_areas_round_trip_through_postgis(pg, oa):
    libmatch.write_layer(oa.to_geodataframe(), pg, "orientation_areas")
    back = libmatch.read_areas(pg, "id", layer="orientation_areas")
    assert back.ids == oa.ids
    farms = pd.read_csv(DATA / "farms.csv")[["x", "y"]].to_numpy(float)
    np.testing.assert_array_equal(back.locate(farms), oa.locate(farms))


def test_request_and_advisor_tables_round_trip(pg, oa):
    req = pd.read_csv(DATA / "requests.csv")
    adv = pd.read_csv(DATA / "advisors.csv")
    libmatch.write_layer(req, pg, "aanvragen")
    libmatch.write_layer(adv, pg, "begeleiders")
    req_db = libmatch.read_layer(pg, "aanvragen")
    adv_db = libmatch.read_layer(pg, "begeleiders")
    assert len(req_db) == len(req) and list(req_db.columns) == list(req.columns)
    np.testing.assert_allclose(req_db["x"], req["x"])
    assert req_db["priority"].dtype.kind == "i"
    want = libmatch.match(req, adv, oa)
    got = libmatch.match(req_db, adv_db, oa)
    pd.testing.assert_frame_equal(got.assignments, want.assignments)
    pd.testing.assert_frame_equal(got.escalations, want.escalations)


def test_point_layer_with_crs_is_honoured(pg, oa):
    farms = pd.read_csv(DATA / "farms.csv")
    gdf = gpd.GeoDataFrame(
        farms[["farm_id", "farm_type"]], geometry=gpd.points_from_xy(farms.x, farms.y), crs=28992
    ).to_crs(4326)
    libmatch.write_layer(gdf, pg, "farms_wgs84")
    back = libmatch.read_layer(pg, "farms_wgs84")
    assert back.crs.to_epsg() == 4326 and len(back) == len(farms)
    np.testing.assert_array_equal(oa.locate(back), oa.locate(farms[["x", "y"]].to_numpy(float)))
    flat = libmatch.read_layer(pg, "farms_wgs84", crs="EPSG:28992", geometry=False)
    np.testing.assert_allclose(flat[["x", "y"]].to_numpy(), farms[["x", "y"]].to_numpy(), atol=1e-3)


def test_roads_from_postgis(pg):
    roads = libmatch.read_layer(DATA / "roads.geojson")
    libmatch.write_layer(roads, pg, "wegen")
    kw = {"speed_field": "maxspeed", "oneway_field": "oneway", "default_speed_kmh": 50}
    a = libmatch.RoadNetwork.from_file(DATA / "roads.geojson", **kw)
    b = libmatch.RoadNetwork.from_file(pg, layer="wegen", **kw)
    assert (a.node_count, a.arc_count) == (b.node_count, b.arc_count)
    adv = pd.read_csv(DATA / "advisors.csv")[["x", "y"]].to_numpy(float)[:4]
    dst = pd.read_csv(DATA / "farms.csv")[["x", "y"]].to_numpy(float)[:200]
    pa, pb = a.pairs(adv, dst, max_minutes=30), b.pairs(adv, dst, max_minutes=30)
    np.testing.assert_allclose(pa["minutes"], pb["minutes"])


def test_results_written_back_as_postgis_tables(pg, oa):
    res = libmatch.match(DATA / "requests.csv", DATA / "advisors.csv", oa)
    names = res.to_layers(pg, prefix="ronde_")
    assert names == [
        "ronde_requests",
        "ronde_assignments",
        "ronde_advisors",
        "ronde_escalations",
        "ronde_referrals",
    ]
    lines = libmatch.read_layer(pg, "ronde_assignments")
    assert len(lines) == len(res.assignments)
    assert (lines.geometry.geom_type == "LineString").all()
    assert sorted(lines["applicant_id"]) == sorted(res.assignments["applicant_id"])
    esc = libmatch.read_layer(pg, "ronde_escalations")
    assert sorted(esc["reason"]) == sorted(res.escalations["reason"])
    assert len(libmatch.read_layer(pg, "ronde_referrals")) == len(res.referrals) == 0
    # Writing again replaces the tables (no duplicates).
    res.to_layers(pg, prefix="ronde_")
    assert len(libmatch.read_layer(pg, "ronde_assignments")) == len(res.assignments)
    with pytest.raises(libmatch.FileError, match="exists"):
        res.to_layers(pg, prefix="ronde_", overwrite=False)


def test_plan_written_back(pg):
    units = libmatch.read_areas(DATA / "municipalities.geojson", "id")
    plan = libmatch.design_areas(units, pd.Series(1.0, index=units.ids), k=4, seed=0)
    plan.to_layer(pg, "plan_k4")
    back = libmatch.read_areas(pg, "area", layer="plan_k4")
    assert back.ids == list(plan.area_ids)
    assert libmatch.read_layer(pg, "plan_k4")["units"].sum() == len(units)


def test_bad_connection_is_a_file_error_without_the_password(pg):
    bad = pg.replace("dbname=postgres", "dbname=nope password=Geheim123")
    with pytest.raises(libmatch.FileError) as info:
        libmatch.read_layer(bad, "aanvragen")
    assert "Geheim123" not in str(info.value)
    with pytest.raises(libmatch.UnknownIdError, match="geen_tabel"):
        libmatch.read_layer(pg, "geen_tabel")
