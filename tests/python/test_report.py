"""The weekly HTML report, the people-friendly CSVs and the audit record (libmatch verify)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import libmatch
from libmatch import terms
from libmatch.audit import VerifyError, verify

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def week():
    oa = libmatch.read_areas(DATA / "orientation_areas.geojson", "id")
    res = libmatch.match(DATA / "requests.csv", DATA / "advisors.csv", oa)
    return res, oa


@pytest.fixture(scope="module")
def context():
    return {
        "gemeente": libmatch.read_areas(DATA / "municipalities.geojson", "id"),
        "natura2000": libmatch.read_areas(DATA / "nature_areas.geojson", "id"),
    }


@pytest.fixture(scope="module")
def report_nl(week, context, tmp_path_factory):
    res, oa = week
    path = tmp_path_factory.mktemp("report") / "week.html"
    res.report(path, areas=oa, context=context)
    return path, path.read_text(encoding="utf-8")


def test_every_request_once_with_its_outcome(week, report_nl):
    res, _ = week
    _, text = report_nl
    cards = re.findall(r'<div class="card (\w+)" id="req-([^"]+)">', text)
    ids = [i for _, i in cards]
    want = pd.read_csv(DATA / "requests.csv")["applicant_id"].drop_duplicates()
    assert sorted(ids) == sorted(want)
    assert len(ids) == len(set(ids))
    outcome = {i: o for o, i in cards}
    for a in res.assignments["applicant_id"]:
        assert outcome[a] == "assigned"
    for e in res.escalations["applicant_id"]:
        assert outcome[e] == "escalated"


def test_self_contained_no_network_resources(report_nl):
    _, text = report_nl
    assert "http://" not in text and "https://" not in text
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text)


def test_dutch_by_default_english_on_request(week, context, report_nl, tmp_path):
    res, oa = week
    _, nl = report_nl
    assert '<html lang="nl">' in nl
    assert "toegewezen" in nl and "geëscaleerd" in nl and "reistijd" in nl
    en_path = res.report(tmp_path / "en.html", language="en", areas=oa, context=context)
    en = Path(en_path).read_text(encoding="utf-8")
    assert '<html lang="en">' in en and "travel" in en and "toegewezen" not in en
    with pytest.raises(libmatch.InvalidInputError):
        res.report(tmp_path / "x.html", language="fr")


def test_reason_sentence_matches_the_assignment(week, report_nl):
    res, _ = week
    _, text = report_nl
    row = res.assignments.iloc[0]
    card = text.split(f'id="req-{row.applicant_id}">', 1)[1].split('<div class="card', 1)[0]
    mins = f"{round(row.minutes)} min reistijd"
    assert mins in card
    load = res.loads.set_index("advisor_id").loc[row.advisor_id]
    assert f"{load.caseload_after} van {load.capacity} plaatsen bezet" in card
    assert row.advisor_id in card


def test_escalations_have_reason_words_and_next_step(week, report_nl):
    res, _ = week
    _, text = report_nl
    table = text.split('<table class="escalations">', 1)[1].split("</table>", 1)[0]
    for e in res.escalations.itertuples():
        line = table.split(f"<td>{e.applicant_id}</td>", 1)[1].split("</tr>", 1)[0]
        assert terms.term(e.reason, "nl").split(" (")[0] in line.replace("&#x27;", "'")
        assert line.count("<td>") == 3  # service, reason, next step
    dup = res.escalations[res.escalations["reason"] == "duplicate_request"].iloc[0]
    assert f"samenvoegen met aanvraag {dup.duplicate_of}" in table


def test_no_capacity_next_step_names_a_full_advisor(week, report_nl):
    res, _ = week
    _, text = report_nl
    esc = res.escalations[res.escalations["reason"] == "no_capacity"].iloc[0]
    ex = res.explain(esc.applicant_id)
    full = ex[(ex["verdict"] == "capacity") & np.isfinite(ex["minutes"])]
    best = full.sort_values(["minutes", "advisor_id"]).iloc[0]["advisor_id"]
    card = text.split(f'id="req-{esc.applicant_id}">', 1)[1].split('<div class="card', 1)[0]
    assert f"vragen of {best}" in card


def test_map_has_labelled_areas_legend_scale_bar(week, report_nl):
    res, oa = week
    _, text = report_nl
    svg = text.split('<svg id="roundmap"', 1)[1].split("</svg>", 1)[0]
    for aid in oa.ids:
        assert f">{aid}</text>" in svg
    assert svg.count('class="request assigned"') == len(res.assignments)
    assert svg.count('class="request escalated"') == len(res.escalations)
    assert 'class="legend"' in svg and 'class="scale-bar"' in svg


def test_terms_cover_every_reason_in_both_languages():
    for reason in libmatch.ESCALATION_REASONS:
        assert reason in terms.TERMS
        nl, en = terms.TERMS[reason]
        assert nl and en and nl != en


def test_number_formatting_for_people():
    assert terms.fmt_minutes(16.6) == "17 min"
    assert terms.fmt_km(12.345, "nl") == "12,3 km"
    assert terms.fmt_km(12.345, "en") == "12.3 km"
    assert terms.fmt_pct(2 / 3) == "67%"
    assert terms.fmt_eur(200000, "nl") == "€ 200.000"
    assert terms.fmt_eur(200000, "en") == "EUR 200,000"
    assert terms.fmt_minutes(float("nan")) == ""


def test_rounded_and_excel_csv(week, tmp_path):
    res, _ = week
    res.to_csv(tmp_path / "r", rounded=True)
    a = pd.read_csv(tmp_path / "r" / "assignments.csv")
    assert (a["minutes"] == a["minutes"].round()).all()
    assert (a["km"] == a["km"].round(1)).all()
    np.testing.assert_allclose(a["minutes"], res.assignments["minutes"].round(), atol=0)
    res.to_csv(tmp_path / "x", excel=True)
    raw = (tmp_path / "x" / "assignments.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header.split(";")[0] == "applicant_id"
    back = pd.read_csv(
        tmp_path / "x" / "assignments.csv", sep=";", decimal=",", encoding="utf-8-sig"
    )
    np.testing.assert_allclose(back["km"], res.assignments["km"])


def test_rounded_hours_and_money(tmp_path):
    res, _ = _budget_round(100_000.0)
    assert (res.loads["hours_after"] != res.loads["hours_after"].round(1)).any()  # raw
    res.to_csv(tmp_path / "r", rounded=True)
    loads = pd.read_csv(tmp_path / "r" / "loads.csv")
    for col in ("hours_capacity", "hours_before", "hours_after"):
        finite = loads[col][np.isfinite(loads[col])]
        assert (finite == finite.round(1)).all(), col
    np.testing.assert_allclose(loads["hours_after"], res.loads["hours_after"].round(1))
    spend = pd.read_csv(tmp_path / "r" / "spend_by_service.csv")
    assert (spend["spend_eur"] == spend["spend_eur"].round(2)).all()


# ---- audit record and verify ---------------------------------------------------------------


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "libmatch.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


@pytest.fixture
def recorded_round(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("requests.csv", "advisors.csv", "orientation_areas.geojson"):
        shutil.copy(DATA / name, src / name)
    out = tmp_path / "out"
    r = _cli(
        "round",
        "--applicants",
        src / "requests.csv",
        "--advisors",
        src / "advisors.csv",
        "--areas",
        src / "orientation_areas.geojson",
        "--out",
        out,
        "--no-map",
    )
    assert r.returncode == 0, r.stderr
    return src, out


def test_audit_record_contents(recorded_round):
    src, out = recorded_round
    rec = json.loads((out / "audit.json").read_text())
    roles = {i["role"]: i for i in rec["inputs"]}
    assert set(roles) == {"applicants", "advisors", "areas"}
    import hashlib

    assert (
        roles["applicants"]["sha256"]
        == hashlib.sha256((src / "requests.csv").read_bytes()).hexdigest()
    )
    res = pd.read_csv(out / "assignments.csv")
    assert rec["counts"]["assigned"] == len(res)
    counts = rec["counts"]
    assert counts["requests"] == counts["assigned"] + counts["escalated"] + counts["referred"]
    assert counts["referred"] == 0  # no catalogue: nothing is referred
    assert rec["weights"]["travel_per_minute"] == libmatch.Weights().travel_per_minute
    assert rec["solver"]["status"] == "optimal"
    assert set(rec["outputs"]) == {
        "assignments.csv",
        "alternatives.csv",
        "escalations.csv",
        "referrals.csv",
        "loads.csv",
    }
    # No personal data: no request ids, coordinates or cell values in the record.
    text = (out / "audit.json").read_text()
    assert "R0001" not in text and "A001" not in text


def test_verify_passes_on_a_fresh_round(recorded_round):
    _, out = recorded_round
    r = _cli("verify", out)
    assert r.returncode == 0, r.stderr
    assert "reproduces" in r.stdout


def test_verify_fails_after_one_input_byte_changes(recorded_round):
    src, out = recorded_round
    p = src / "advisors.csv"
    raw = bytearray(p.read_bytes())
    k = raw.index(b",6,")  # one capacity digit
    raw[k + 1] = ord("7")
    p.write_bytes(bytes(raw))
    r = _cli("verify", out)
    assert r.returncode != 0
    assert "advisors" in r.stderr and "changed" in r.stderr
    assert "Traceback" not in r.stderr


def test_verify_fails_when_an_output_was_edited(recorded_round):
    _, out = recorded_round
    p = out / "escalations.csv"
    p.write_bytes(p.read_bytes().replace(b"no_capacity", b"no_expertise", 1))
    with pytest.raises(VerifyError, match="escalations.csv"):
        verify(out)


def test_verify_detects_a_different_result(recorded_round):
    # Same inputs, but the recorded output is replaced by one of another round (hash updated
    # as if the record were consistent): the re-run must name the differing file and line.
    _, out = recorded_round
    rec = json.loads((out / "audit.json").read_text())
    p = out / "loads.csv"
    lines = p.read_text().splitlines()
    lines[3] = lines[3].replace(",0,", ",1,", 1) if ",0," in lines[3] else lines[3] + "0"
    p.write_text("\n".join(lines) + "\n")
    import hashlib

    rec["outputs"]["loads.csv"] = hashlib.sha256(p.read_bytes()).hexdigest()
    (out / "audit.json").write_text(json.dumps(rec))
    with pytest.raises(VerifyError, match=r"loads.csv.*line 4"):
        verify(out)


def test_verify_frames_are_recorded_as_inputs(tmp_path):
    app = pd.read_csv(DATA / "requests.csv")
    adv = pd.read_csv(DATA / "advisors.csv")
    res = libmatch.match(app, adv)
    res.to_csv(tmp_path / "o")
    assert (tmp_path / "o" / "inputs" / "applicants.csv").is_file()
    rec = verify(tmp_path / "o")
    assert rec["counts"]["assigned"] == len(res.assignments)


def test_verify_rebuilds_a_road_network_round(tmp_path):
    """A round on a road network (the round --help example) verifies; the network file is
    an input like the others: a changed byte in it is named."""
    src = tmp_path / "in"
    src.mkdir()
    for name in ("requests.csv", "advisors.csv", "orientation_areas.geojson", "roads.geojson"):
        shutil.copy(DATA / name, src / name)
    out = tmp_path / "out"
    args = ["round", "--applicants", src / "requests.csv", "--advisors", src / "advisors.csv"]
    args += ["--areas", f"{src / 'orientation_areas.geojson'}:id", "--roads", src / "roads.geojson"]
    args += ["--speed-field", "maxspeed", "--default-speed-kmh", "50", "--snap-max-m", "400"]
    r = _cli(*args, "--out", out, "--no-map")
    assert r.returncode == 0, r.stderr
    travel = json.loads((out / "audit.json").read_text())["travel"]
    assert travel["kind"] == "road_network" and travel["options"]["snap_max_m"] == 400.0
    r = _cli("verify", out)
    assert r.returncode == 0, r.stderr
    # the re-run used the recorded options: with the default snap distance it would differ
    rec = json.loads((out / "audit.json").read_text())
    rec["travel"]["options"]["snap_max_m"] = 1.0
    (tmp_path / "other").mkdir()
    for f in out.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / "other" / f.name)
    (tmp_path / "other" / "audit.json").write_text(json.dumps(rec))
    with pytest.raises(VerifyError, match="differs from the re-run"):
        verify(tmp_path / "other")
    roads = src / "roads.geojson"
    text = roads.read_text()
    assert '"maxspeed":50' in text
    roads.write_text(text.replace('"maxspeed":50', '"maxspeed":51', 1))
    r = _cli("verify", out)
    assert r.returncode == 1 and "input 'roads'" in r.stderr and "changed" in r.stderr
    assert r.stderr.count("verify:") == 1  # the prefix once, from the CLI


def test_verify_notices_an_edited_report_map_or_copied_layer(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("requests.csv", "advisors.csv"):
        shutil.copy(DATA / name, src / name)
    out = tmp_path / "out"
    args = ["round", "--applicants", src / "requests.csv", "--advisors", src / "advisors.csv"]
    r = _cli(*args, "--out", out, "--report", out / "week.html")
    assert r.returncode == 0, r.stderr
    outputs = json.loads((out / "audit.json").read_text())["outputs"]
    assert {"week.html", "round_map.png"} <= set(outputs)
    assert _cli("verify", out).returncode == 0
    for name in ("week.html", "round_map.png"):
        saved = (out / name).read_bytes()
        (out / name).write_bytes(saved + b"x")
        with pytest.raises(VerifyError, match=f"output '{name}' was changed"):
            verify(out)
        (out / name).write_bytes(saved)
    verify(out)
    # An AreaSet given to match() is copied to inputs/areas.gpkg: editing the copy is named.
    oa = libmatch.read_areas(DATA / "orientation_areas.geojson", "id")
    res = libmatch.match(src / "requests.csv", src / "advisors.csv", oa)
    res.to_csv(tmp_path / "o")
    verify(tmp_path / "o")
    copy = tmp_path / "o" / "inputs" / "areas.gpkg"
    assert libmatch.read_areas(copy, "id").ids == oa.ids
    # the same ids with one area's outline moved (the advisors' area lists still resolve)
    shapes = [oa.wkb(i) for i in range(len(oa))]
    import shapely

    shapes[0] = shapely.to_wkb(shapely.affinity.translate(shapely.from_wkb(shapes[0]), 10.0))
    libmatch.AreaSet.from_wkb(shapes, list(oa.ids), crs=oa.crs).to_file(copy)
    with pytest.raises(VerifyError, match="input 'areas'.*changed"):
        verify(tmp_path / "o")


def _record(out: Path) -> dict:
    return json.loads((out / "audit.json").read_text())


def _rewrite(out: Path, rec: dict) -> None:
    (out / "audit.json").write_text(json.dumps(rec))


def test_verify_checks_the_records_own_claims(tmp_path):
    res = libmatch.match(DATA / "requests.csv", DATA / "advisors.csv")
    res.to_csv(tmp_path / "o")
    good = _record(tmp_path / "o")
    for key, field, value in (
        ("counts", "assigned", 150),
        ("solver", "objective_points", 1.0),
        ("solver", "status", "time_limit"),
        ("programme", "spend_eur", 1.0),
    ):
        rec = json.loads(json.dumps(good))
        rec[key][field] = value
        _rewrite(tmp_path / "o", rec)
        with pytest.raises(VerifyError, match=rf"{key}\.{field} does not match"):
            verify(tmp_path / "o")
    _rewrite(tmp_path / "o", good)
    verify(tmp_path / "o")


def test_verify_says_a_time_limited_round_cannot_reproduce(tmp_path):
    res = libmatch.match(DATA / "requests.csv", DATA / "advisors.csv")
    res.to_csv(tmp_path / "o")
    rec = _record(tmp_path / "o")
    rec["solver"]["status"] = "time_limit"
    rec["weights"]["travel_per_minute"] *= 3  # the re-run decides otherwise
    _rewrite(tmp_path / "o", rec)
    with pytest.raises(VerifyError, match="differs from the re-run.*stopped at its time limit"):
        verify(tmp_path / "o")


def test_verify_refuses_a_round_table_left_from_an_earlier_round(tmp_path):
    out = tmp_path / "o"
    app = pd.read_csv(DATA / "requests.csv")
    adv = pd.read_csv(DATA / "advisors.csv")
    services = sorted(set(app["service"]) | set(adv["service"]))
    cat = pd.DataFrame({"service": services, "hours": [4.0] * len(services)})
    libmatch.match(app, adv, services=cat).to_csv(out)
    assert (out / "spend_by_service.csv").is_file()
    libmatch.match(app, adv).to_csv(out)  # no catalogue: spend_by_service.csv is stale
    with pytest.raises(VerifyError, match="spend_by_service.csv.*not part of the recorded round"):
        verify(out)


def test_verify_frames_with_lists_float_ids_and_a_crs_reproduce(tmp_path):
    gpd = pytest.importorskip("geopandas")
    app = pd.read_csv(DATA / "requests.csv")
    adv = pd.read_csv(DATA / "advisors.csv")
    lists = app.assign(needs=[v.split(";") if isinstance(v, str) else [] for v in app["needs"]])
    plain = app[app["location_of"].isna()].drop(columns="location_of")
    floats = plain.assign(applicant_id=np.arange(len(plain), dtype=float) + 1)
    lonlat = gpd.GeoDataFrame(
        app.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(app.x, app.y), crs="EPSG:28992"
    ).to_crs("EPSG:4326")
    for k, frame in enumerate((lists, floats, lonlat)):
        out = tmp_path / f"o{k}"
        libmatch.match(frame, adv).to_csv(out)
        verify(out)
    # an AreaSet in another working CRS is read back in it
    oa = libmatch.read_areas(DATA / "orientation_areas.geojson", "id", crs="EPSG:3035")
    xy = libmatch.transform(app[["x", "y"]].to_numpy(float), "EPSG:28992", "EPSG:3035")
    adv_xy = libmatch.transform(adv[["x", "y"]].to_numpy(float), "EPSG:28992", "EPSG:3035")
    libmatch.match(
        app.assign(x=xy[:, 0], y=xy[:, 1]), adv.assign(x=adv_xy[:, 0], y=adv_xy[:, 1]), oa
    ).to_csv(tmp_path / "o3035")
    verify(tmp_path / "o3035")


def test_verify_names_an_input_changed_after_match_or_in_a_shapefile_part(tmp_path):
    gpd = pytest.importorskip("geopandas")
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DATA / "requests.csv", src / "requests.csv")
    gdf = gpd.read_file(DATA / "orientation_areas.geojson")
    gdf.to_file(src / "oa.shp")
    res = libmatch.match(src / "requests.csv", DATA / "advisors.csv", src / "oa.shp")
    raw = (src / "requests.csv").read_bytes()
    (src / "requests.csv").write_bytes(raw.replace(b"\n", b"\r\n", 1))  # edited before to_csv
    res.to_csv(tmp_path / "o")
    with pytest.raises(VerifyError, match="input 'applicants'.*changed"):
        verify(tmp_path / "o")
    (src / "requests.csv").write_bytes(raw)
    verify(tmp_path / "o")
    ids = gdf["id"].tolist()
    gdf.assign(id=[ids[1], ids[0], *ids[2:]]).to_file(tmp_path / "swap.shp")
    shutil.copy(tmp_path / "swap.dbf", src / "oa.dbf")  # only the attributes change
    with pytest.raises(VerifyError, match="input 'areas'.*changed"):
        verify(tmp_path / "o")


@pytest.mark.parametrize(
    "edit, key",
    [
        (lambda r: [], "not an audit record"),
        (lambda r: {**r, "outputs": []}, "outputs must be"),
        (lambda r: {**r, "inputs": None}, "inputs must be a list"),
        (
            lambda r: {**r, "inputs": [i for i in r["inputs"] if i["role"] != "applicants"]},
            "'applicants'",
        ),
        (lambda r: {**r, "outputs": {"../x.csv": "0"}}, "a file name in the directory"),
        (lambda r: {**r, "travel": None}, "travel must be an object"),
        (lambda r: {**r, "csv_options": {"sep": ";"}}, "csv_options.sep"),
        (lambda r: {**r, "programme": {"budget_eur": "lots"}}, "programme.budget_eur"),
    ],
)
def test_verify_a_damaged_record_is_a_verify_error(tmp_path, edit, key):
    res = libmatch.match(DATA / "requests.csv", DATA / "advisors.csv")
    res.to_csv(tmp_path / "o")
    _rewrite(tmp_path / "o", edit(_record(tmp_path / "o")))
    with pytest.raises(VerifyError, match=re.escape(key)):
        verify(tmp_path / "o")


def test_report_onto_a_round_output_is_refused(tmp_path):
    out = tmp_path / "o"
    for name in ("assignments.csv", "audit.json"):
        r = _cli(
            "round",
            "--applicants",
            DATA / "requests.csv",
            "--advisors",
            DATA / "advisors.csv",
            "--out",
            out,
            "--no-map",
            "--report",
            out / name,
        )
        assert r.returncode == 2 and name in r.stderr, r.stderr
        assert not (out / "assignments.csv").exists()


def test_verify_missing_record_is_a_clear_error(tmp_path):
    r = _cli("verify", tmp_path)
    assert r.returncode != 0 and "audit.json" in r.stderr and "Traceback" not in r.stderr


# ---- rendering in a real browser, offline ---------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("chromium is not installed (make setup installs Debian's chromium)")


def _chromium_args(tmp_path: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        # No network at all: every host resolves to nothing and no proxy is reachable.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--disable-background-networking",
        "--window-size=1200,1600",
    ]


def test_report_renders_offline_in_chromium(report_nl, tmp_path):
    path, _ = report_nl
    exe = _chromium()
    dom = subprocess.run(
        [exe, *_chromium_args(tmp_path), "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Weekoverzicht toewijzing" in dom.stdout
    assert dom.stdout.count('class="request assigned"') > 100
    shot = tmp_path / "shot.png"
    r = subprocess.run(
        [exe, *_chromium_args(tmp_path), f"--screenshot={shot}", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and shot.is_file(), r.stderr[-2000:]
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)[..., :3]
    assert img.shape[0] >= 1000 and img.shape[1] >= 1000
    # Not blank: many distinct colours, and the outcome blue of the map markers is present.
    flat = (img.reshape(-1, 3) * 255).round().astype(int)
    assert len(np.unique(flat, axis=0)) > 50
    blue = np.array([0x00, 0x72, 0xB2])
    assert (np.abs(flat - blue).sum(axis=1) < 30).sum() > 50


def test_sections_per_portfolio_holder_with_the_catalogue(context, tmp_path):
    """With the bundled catalogue, one section per portfolio holder; each request's card sits
    in the section of its service's holder, and every request appears exactly once."""
    oa = libmatch.read_areas(DATA / "orientation_areas.geojson", "id")
    cat = pd.read_csv(DATA / "services.csv")
    res = libmatch.match(
        DATA / "requests.csv", DATA / "advisors.csv", oa, services=DATA / "services.csv"
    )
    path = tmp_path / "week.html"
    res.report(path, areas=oa, context=context)
    text = path.read_text(encoding="utf-8")
    parts = re.split(r'<h2 class="portfolio">[^<:]*: ([^<]+)</h2>', text)
    holders = parts[1::2]
    assert sorted(holders) == sorted(set(cat["portfolio"]))
    owner = dict(zip(cat["service"], cat["portfolio"]))
    requests = pd.read_csv(DATA / "requests.csv")
    requests = requests[requests["location_of"].isna()] if "location_of" in requests else requests
    service = dict(zip(requests["applicant_id"], requests["service"]))
    seen = []
    for holder, body in zip(holders, parts[2::2]):
        body = body.split("<h2>")[0]  # up to the next plain section
        for rid in re.findall(r'<div class="card \w+" id="req-([^"]+)">', body):
            assert owner[service[rid]] == holder, rid
            seen.append(rid)
    assert sorted(seen) == sorted(service)


def _budget_round(budget_eur):
    oa = libmatch.read_areas(DATA / "orientation_areas.geojson", "id")
    res = libmatch.match(
        DATA / "requests.csv",
        DATA / "advisors.csv",
        oa,
        services=DATA / "services.csv",
        budget_eur=budget_eur,
    )
    return res, oa


@pytest.mark.parametrize("budget_eur", [100_000.0, None])
def test_budget_section_shows_spend_and_what_is_left(budget_eur, tmp_path):
    res, oa = _budget_round(budget_eur)
    assert (res.escalations["reason"] == "budget_exhausted").any() or budget_eur is None
    for lang in ("nl", "en"):
        path = tmp_path / f"week_{lang}.html"
        res.report(path, areas=oa, language=lang)
        text = path.read_text(encoding="utf-8")
        section = text.split(f"<h2>{terms.term('budget', lang)}</h2>")[1].split("<h2>")[0]
        spent = terms.fmt_eur(res.spend_eur, lang)
        if budget_eur is None:
            assert terms.term("round_spend", lang, spent=spent) in section
        else:
            left = terms.fmt_eur(budget_eur - res.spend_eur, lang)
            total = terms.fmt_eur(budget_eur, lang)
            assert terms.term("round_budget", lang, spent=spent, budget=total, left=left) in section
        rows = re.findall(r"<tr><td>([^<]*)</td><td>[^<]*</td>(.*?)</tr>", section)
        sp = res.spend_by_service.set_index("service")
        assert sorted(s for s, _ in rows) == sorted(sp.index)
        for service, cells in rows:
            values = re.findall(r'<td class="num">([^<]*)</td>', cells)
            assert values[0] == str(int(sp.loc[service, "cases"]))
            assert values[1] == terms.fmt_eur(sp.loc[service, "spend_eur"], lang)
            if np.isfinite(sp.loc[service, "budget_eur"]):
                left = sp.loc[service, "budget_eur"] - sp.loc[service, "spend_eur"]
                assert values[3] == terms.fmt_eur(max(left, 0.0), lang)
            else:
                assert values[2] == terms.term("unlimited", lang) and values[3] == ""


def test_escalation_details_in_the_report_language(tmp_path):
    res, oa = _budget_round(100_000.0)
    esc = res.escalations
    assert {"budget_exhausted", "no_capacity"} <= set(esc["reason"])
    english = dict(zip(esc["applicant_id"], esc["detail"]))
    for lang in ("nl", "en"):
        path = tmp_path / f"week_{lang}.html"
        res.report(path, areas=oa, language=lang)
        text = path.read_text(encoding="utf-8")
        for rid in esc["applicant_id"]:
            card = text.split(f'id="req-{rid}">')[1].split('<div class="card')[0]
            shown = re.search(r'<span class="muted">\((.*?)\)</span></div>', card).group(1)
            shown = shown.replace("&#x27;", "'").replace("&amp;", "&")
            if lang == "en":
                assert shown == english[rid]  # the same words as the escalations table
            else:
                assert shown != english[rid], rid
                for word in (" advisor", " service ", " with ", " missing", " within "):
                    assert word not in shown, (rid, shown)


def test_report_draws_the_rounds_own_areas_by_default(tmp_path):
    areas = libmatch.read_areas(DATA / "orientation_areas.geojson", "id")
    res = libmatch.match(DATA / "requests.csv", DATA / "advisors.csv", areas)
    with_areas = Path(res.report(tmp_path / "a.html", language="en")).read_text(encoding="utf-8")
    without = Path(res.report(tmp_path / "b.html", language="en", areas=None)).read_text(
        encoding="utf-8"
    )
    ids = list(areas.ids)
    assert all(i in with_areas for i in ids)
    assert sum(i in without for i in ids) < len(ids)
