"""The weekly matching round from Python: bundled-data round, escalation reasons, explanations,
input forms and bad input. Property tests are in test_match_properties.py."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import libmatch
from libmatch import errors

COMPONENTS = list(libmatch.COST_COMPONENTS)


def _advisors(rows):
    cols = [
        "advisor_id",
        "x",
        "y",
        "service",
        "expertise",
        "capacity",
        "caseload",
        "radius_km",
        "areas",
    ]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


def _requests(rows):
    cols = ["applicant_id", "x", "y", "service", "needs", "priority", "exclude"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


@pytest.fixture(scope="module")
def bundled(bundled_data):
    areas = libmatch.read_areas(bundled_data / "orientation_areas.geojson", "id")
    apps = pd.read_csv(bundled_data / "requests.csv", dtype=str)
    advs = pd.read_csv(bundled_data / "advisors.csv", dtype={"advisor_id": str})
    res = libmatch.match(bundled_data / "requests.csv", bundled_data / "advisors.csv", areas)
    return res, apps, advs, areas


# ---- bundled data ------------------------------------------------------------------------


def test_bundled_every_request_exactly_once(bundled):
    res, apps, advs, _ = bundled
    ids = set(apps["applicant_id"])
    got = list(res.assignments["applicant_id"]) + list(res.escalations["applicant_id"])
    assert len(got) == len(set(got)) == len(ids) == 150
    assert set(got) == ids
    assert len(res.assignments) >= 130  # the bundled week is meant to be mostly feasible


def test_bundled_special_cases(bundled):
    res, apps, advs, _ = bundled
    esc = res.escalations.set_index("applicant_id")
    assert esc.loc["R0128", "reason"] == "duplicate_request"
    assert esc.loc["R0128", "duplicate_of"] == "R0025"
    assert "R0025" in set(res.assignments["applicant_id"])
    assert esc.loc["R0052", "reason"] == "no_expertise"
    a = res.assignments.set_index("applicant_id")
    # Pinned reassignments keep their advisor.
    assert a.loc["R0035", "advisor_id"] == "A012" and a.loc["R0035", "pinned"]
    assert a.loc["R0109", "advisor_id"] == "A043" and a.loc["R0109", "pinned"]
    # No-klik case: its current advisor is excluded.
    if "R0021" in a.index:
        assert a.loc["R0021", "advisor_id"] != "A014"
        assert a.loc["R0021", "continuity"] == 0


def test_bundled_rules_respected(bundled):
    res, apps, advs, areas = bundled
    first = apps.drop_duplicates("applicant_id").set_index("applicant_id")
    adv = advs.set_index("advisor_id")
    for row in res.assignments.itertuples():
        q, a = first.loc[row.applicant_id], adv.loc[row.advisor_id]
        assert q["service"] == a["service"]
        excl = [] if pd.isna(q["exclude"]) else q["exclude"].split(";")
        assert row.advisor_id not in excl
        needs = [] if pd.isna(q["needs"]) else q["needs"].split(";")
        assert set(needs) <= set(str(a["expertise"]).split(";"))
        if not math.isnan(a["radius_km"]):
            assert row.km <= a["radius_km"]
        if not math.isnan(a["radius_minutes"]):
            assert row.minutes <= a["radius_minutes"]
        parts = sum(getattr(row, c) for c in COMPONENTS)
        assert row.total == pytest.approx(parts, abs=1e-6)
    loads = res.loads.set_index("advisor_id")
    counts = res.assignments["advisor_id"].value_counts()
    for aid, r in loads.iterrows():
        assert r["caseload_after"] <= r["capacity"]
        assert r["assigned"] == counts.get(aid, 0)
        assert r["caseload_before"] == adv.loc[aid, "caseload"]


def test_bundled_outside_area_matches_areas(bundled):
    res, apps, advs, areas = bundled
    first = apps.drop_duplicates("applicant_id").set_index("applicant_id")
    adv = advs.set_index("advisor_id")
    a = res.assignments
    xy = first.loc[a["applicant_id"], ["x", "y"]].to_numpy(float)
    located = np.array(areas.ids, dtype=object)[areas.locate(xy)]
    for k, row in enumerate(a.itertuples()):
        inside = located[k] in str(adv.loc[row.advisor_id, "areas"]).split(";")
        assert (row.outside_area == 0) == inside, row.applicant_id


def test_bundled_explanations_consistent(bundled):
    res, apps, advs, _ = bundled
    assigned = res.assignments.set_index("applicant_id")
    for aid in apps["applicant_id"].unique():
        ex = res.explain(aid)
        assert len(ex) == len(advs)
        assert set(ex["advisor_id"]) == set(advs["advisor_id"])
        elig = ex[ex["verdict"] == "eligible"]
        assert ex.loc[ex["verdict"] != "eligible", "rank"].isna().all()
        assert list(elig["rank"]) == list(range(1, len(elig) + 1))
        np.testing.assert_allclose(elig["total"], elig[COMPONENTS].sum(axis=1), atol=1e-6)
        if aid in assigned.index:
            row = assigned.loc[aid]
            chosen = ex[ex["chosen"]]
            assert len(chosen) == 1
            c = chosen.iloc[0]
            assert c["advisor_id"] == row["advisor_id"]
            assert c["verdict"] == "eligible"
            assert c["total"] == pytest.approx(row["total"])
            better = elig[elig["total"] < c["total"] - 1e-9]
            if not row["pinned"]:  # only full advisors may be cheaper
                assert not better["has_room"].any(), aid
                assert c["rank"] == len(better) + 1
            alts = res.alternatives[res.alternatives["applicant_id"] == aid]
            for alt in alts.itertuples():
                e = ex[ex["advisor_id"] == alt.advisor_id].iloc[0]
                assert e["rank"] == alt.rank
                assert alt.delta == pytest.approx(e["total"] - c["total"], abs=1e-6)
        else:
            assert not ex["chosen"].any()


def test_bundled_escalation_reasons_agree_with_explain(bundled):
    res, *_ = bundled
    for e in res.escalations.itertuples():
        ex = res.explain(e.applicant_id)
        v = ex["verdict"]
        if e.reason == "no_advisor_for_service":
            assert (v == "service").all()
        elif e.reason == "no_expertise":
            assert not v.isin(["excluded", "radius", "capacity", "eligible"]).any()
        elif e.reason == "all_out_of_radius":
            assert not v.isin(["capacity", "eligible"]).any()
            assert (v == "radius").any()
        elif e.reason == "no_capacity":
            assert not ex.loc[v == "eligible", "has_room"].any()


def test_bundled_deterministic(bundled, bundled_data):
    res, apps, advs, areas = bundled
    # Shuffle applicants as blocks: the order of one applicant's rows names the primary location.
    key = apps["applicant_id"].map(
        dict(zip(apps["applicant_id"].unique(), np.random.default_rng(3).permutation(150)))
    )
    shuffled = apps.iloc[np.argsort(key.to_numpy(), kind="stable")]
    assert list(shuffled["applicant_id"]) != list(apps["applicant_id"])
    again = libmatch.match(shuffled, advs.sample(frac=1, random_state=4), areas)
    pd.testing.assert_frame_equal(res.assignments, again.assignments)
    pd.testing.assert_frame_equal(res.escalations, again.escalations)
    assert res.objective == again.objective


# ---- crafted cases -----------------------------------------------------------------------


def test_escalation_reasons_crafted():
    advs = _advisors(
        [
            ("full", 0, 0, "s", "a;b", 2, 2, None, None),
            ("near", 0, 100, "s", "a", 2, 0, 10, None),
            ("other", 0, 0, "t", "a;b;c", 1, 0, None, None),
        ]
    )
    reqs = _requests(
        [
            ("svc", 0, 300, "u", "", 0, None),
            ("exp", 0, 600, "s", "c", 0, None),
            ("exc", 1000, 0, "s", "b", 0, "full"),
            ("rad", 50000, 0, "s", "a", 0, "full"),
            ("cap", 2000, 0, "s", "b", 0, None),
            ("ok", 3000, 0, "s", "a", 0, None),
        ]
    )
    res = libmatch.match(reqs, advs)
    reasons = dict(zip(res.escalations["applicant_id"], res.escalations["reason"]))
    assert reasons == {
        "svc": "no_advisor_for_service",
        "exp": "no_expertise",
        "exc": "all_excluded",
        "rad": "all_out_of_radius",
        "cap": "no_capacity",
    }
    assert list(res.assignments["advisor_id"]) == ["near"]
    detail = res.escalations.set_index("applicant_id")["detail"]
    assert "0 with free capacity" in detail["cap"]
    ex = res.explain("rad").set_index("advisor_id")
    assert ex.loc["near", "verdict"] == "radius" and "radius 10 km" in ex.loc["near", "why"]
    assert ex.loc["full", "verdict"] == "excluded"
    assert ex.loc["other", "verdict"] == "service"


def test_duplicates_and_pinning():
    advs = _advisors(
        [("A", 0, 0, "s", "", 1, 0, None, None), ("B", 20000, 0, "s", "", 2, 0, None, None)]
    )
    reqs = pd.DataFrame(
        {
            "applicant_id": ["p", "d", "d", "q", "x"],
            "x": [1000.0, 9000.0, 1005.0, 2000.0, 7000.0],
            "y": [0.0, 0.0, 10.0, 0.0, 0.0],
            "service": "s",
            "current_advisor": ["B", None, None, None, "gone"],
            "pinned": ["true", "false", "false", "false", "yes"],
            "registered": ["2026-01-02", "2026-01-05", "2026-01-05", "2026-01-01", "2026-01-01"],
            "location_of": ["", "", "d", "", ""],  # d's second business location
        }
    )
    res = libmatch.match(reqs, advs)
    a = res.assignments.set_index("applicant_id")
    e = res.escalations.set_index("applicant_id")
    assert a.loc["p", "advisor_id"] == "B" and a.loc["p", "pinned"]
    assert e.loc["d", "reason"] == "duplicate_request"  # 2nd location near p, later date
    assert e.loc["d", "duplicate_of"] == "p"
    assert e.loc["x", "reason"] == "pinned_advisor_unavailable"
    assert "not in the pool" in e.loc["x", "detail"]
    assert a.loc["q", "advisor_id"] == "A"
    # Tolerance 0 disables the duplicate rule.
    res = libmatch.match(reqs, advs, rules={"duplicate_tolerance_m": 0})
    assert "d" in set(res.assignments["applicant_id"])


def test_priority_gets_scarce_capacity_and_weights_move_assignments():
    advs = _advisors([("A", 0, 0, "s", "", 1, 0, None, None)])
    reqs = _requests([("near", 1000, 0, "s", "", 0, None), ("urgent", 30000, 0, "s", "", 2, None)])
    res = libmatch.match(reqs, advs)
    assert list(res.assignments["applicant_id"]) == ["urgent"]
    res = libmatch.match(reqs, advs, weights=libmatch.Weights(unassigned_per_priority=0))
    assert list(res.assignments["applicant_id"]) == ["near"]


def test_areas_and_continuity(bundled_data):
    areas = libmatch.read_areas(bundled_data / "orientation_areas.geojson", "id")
    stats = areas.stats()
    c = stats[["centroid_x", "centroid_y"]].to_numpy() if "centroid_x" in stats else None
    if c is None:
        pytest.skip("AreaSet.stats() has no centroid columns")
    x, y = c[0]
    # A works in another area but is nearer; B works in the request's area.
    advs = _advisors(
        [
            ("A", x + 500, y, "s", "", 3, 0, None, areas.ids[1]),
            ("B", x + 3000, y, "s", "", 3, 0, None, areas.ids[0]),
        ]
    )
    reqs = _requests([("r", x, y, "s", "", 0, None)])
    assert libmatch.match(reqs, advs, areas).assignments["advisor_id"].tolist() == ["B"]
    assert libmatch.match(reqs, advs).assignments["advisor_id"].tolist() == ["A"]
    res = libmatch.match(reqs, advs, areas, weights={"outside_area": 0})
    assert res.assignments["advisor_id"].tolist() == ["A"]
    reqs["current_advisor"] = "A"
    assert libmatch.match(reqs, advs, areas).assignments["advisor_id"].tolist() == ["A"]


def test_travel_model_is_used():
    advs = _advisors([("A", 0, 0, "s", "", 3, 0, None, None)])
    reqs = _requests([("r", 3000, 4000, "s", "", 0, None)])
    res = libmatch.match(reqs, advs, travel=libmatch.StraightLine(1.0, 30.0))
    assert res.assignments.loc[0, "km"] == pytest.approx(5.0)
    assert res.assignments.loc[0, "minutes"] == pytest.approx(10.0)
    assert res.assignments.loc[0, "travel"] == pytest.approx(10.0)


def test_soft_radius_and_partial_expertise():
    advs = _advisors([("A", 0, 0, "s", "a", 3, 0, 5, None)])
    reqs = _requests([("far", 20000, 0, "s", "a", 0, None), ("ab", 1000, 0, "s", "a;b", 0, None)])
    res = libmatch.match(reqs, advs)
    assert set(res.escalations["reason"]) == {"all_out_of_radius", "no_expertise"}
    res = libmatch.match(
        reqs, advs, rules=libmatch.Rules(radius_hard=False, allow_partial_expertise=True)
    )
    a = res.assignments.set_index("applicant_id")
    assert a.loc["far", "radius"] == pytest.approx(120 + (26 - 5) * 2)
    assert a.loc["ab", "partial_expertise"] == pytest.approx(60)


# ---- input forms ---------------------------------------------------------------------------


def test_csv_paths_and_geodataframes(tmp_path):
    gpd = pytest.importorskip("geopandas")
    advs = _advisors(
        [("A", 0, 0, "s", "", 3, 0, None, None), ("B", 9000, 0, "s", "", 3, 0, None, None)]
    )
    reqs = _requests([("r1", 1000, 0, "s", "", 0, None), ("r2", 8000, 0, "s", "", 1, None)])
    base = libmatch.match(reqs, advs)
    advs.to_csv(tmp_path / "a.csv", index=False)
    reqs.to_csv(tmp_path / "r.csv", index=False)
    from_csv = libmatch.match(str(tmp_path / "r.csv"), tmp_path / "a.csv")
    pd.testing.assert_frame_equal(base.assignments, from_csv.assignments)
    g = gpd.GeoDataFrame(
        reqs.drop(columns=["x", "y"]),
        geometry=gpd.points_from_xy(reqs["x"], reqs["y"]),
        crs="EPSG:28992",
    )
    from_geo = libmatch.match(g, advs)
    pd.testing.assert_frame_equal(base.assignments, from_geo.assignments)
    poly = g.copy()
    poly["geometry"] = poly.buffer(10)
    with pytest.raises(errors.InvalidInputError, match="Point"):
        libmatch.match(poly, advs)


def test_empty_tables_give_empty_results():
    advs = _advisors([("A", 0, 0, "s", "", 3, 0, None, None)])
    reqs = _requests([])
    res = libmatch.match(reqs, advs)
    assert len(res.assignments) == len(res.escalations) == len(res.alternatives) == 0
    assert list(res.loads["advisor_id"]) == ["A"]
    assert list(res.assignments.columns[:2]) == ["applicant_id", "advisor_id"]
    res = libmatch.match(_requests([("r", 0, 0, "s", "", 0, None)]), _advisors([]))
    assert list(res.escalations["reason"]) == ["no_advisor_for_service"]
    assert len(res.loads) == 0


# ---- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, exc, needle",
    [
        (lambda a, r: a.assign(advisor_id=["A", "A"]), errors.InvalidInputError, "'A'"),
        (lambda a, r: a.assign(capacity=[3, -1]), errors.InvalidInputError, "'B'"),
        (lambda a, r: a.assign(caseload=[5, 0]), errors.InvalidInputError, "'A'"),
        (lambda a, r: a.assign(x=[np.nan, 0.0]), errors.InvalidInputError, "'A'"),
        (lambda a, r: a.drop(columns="capacity"), errors.InvalidInputError, "capacity"),
        (
            lambda a, r: a.rename(columns={"radius_km": "radius_kms"}),
            errors.InvalidInputError,
            "radius_km",
        ),
        (
            lambda a, r: a.assign(areas=["OA99", None]),
            errors.UnknownIdError,
            r"areas in row 0 \(id 'A'\)",
        ),
    ],
)
def test_bad_advisors(change, exc, needle, bundled_data):
    areas = libmatch.read_areas(bundled_data / "orientation_areas.geojson", "id")
    advs = _advisors(
        [("A", 0, 0, "s", "", 3, 0, None, None), ("B", 0, 0, "s", "", 3, 0, None, None)]
    )
    reqs = _requests([("r", 100, 0, "s", "", 0, None)])
    with pytest.raises(exc, match=needle):
        libmatch.match(reqs, change(advs, reqs), areas)


@pytest.mark.parametrize(
    "change, needle",
    [
        (lambda r: r.assign(y=[np.nan]), "'r'"),
        (lambda r: r.drop(columns="service"), "service"),
        (lambda r: r.rename(columns={"exclude": "exlude"}), "exclude"),
        (lambda r: r.assign(priority=["high"]), "priority"),
        (lambda r: r.assign(priority=[1.5]), "priority"),
    ],
)
def test_bad_requests(change, needle):
    advs = _advisors([("A", 0, 0, "s", "", 3, 0, None, None)])
    reqs = _requests([("r", 100, 0, "s", "", 0, None)])
    with pytest.raises(errors.InvalidInputError, match=needle):
        libmatch.match(change(reqs), advs)


def test_bad_options_and_explain_id():
    advs = _advisors([("A", 0, 0, "s", "", 3, 0, None, None)])
    reqs = _requests([("r", 100, 0, "s", "", 0, None)])
    with pytest.raises(errors.UnknownIdError, match="trave"):
        libmatch.match(reqs, advs, weights={"trave": 1})
    with pytest.raises(errors.InvalidInputError, match="load"):
        libmatch.match(reqs, advs, weights=libmatch.Weights(load=-1))
    with pytest.raises(errors.CostOverflowError):
        libmatch.match(reqs, advs, weights=libmatch.Weights(travel_per_minute=1e300))
    with pytest.raises(errors.InvalidTypeError):
        libmatch.match(reqs, advs, travel="fast")
    res = libmatch.match(reqs, advs)
    with pytest.raises(KeyError, match="nobody"):
        res.explain("nobody")
    with pytest.raises(errors.FileMissingError):
        libmatch.match("no/such/file.csv", advs)


# ---- objective against OR-Tools on the same cost graph --------------------------------------


def _random_instance(rng, n_req, n_adv):
    advs = pd.DataFrame(
        {
            "advisor_id": [f"A{k:03d}" for k in range(n_adv)],
            "x": rng.uniform(0, 40000, n_adv),
            "y": rng.uniform(0, 40000, n_adv),
            "service": rng.choice(["s", "t"], n_adv),
            "expertise": [
                ";".join(rng.choice(list("abc"), rng.integers(0, 4), replace=False))
                for _ in range(n_adv)
            ],
            "capacity": rng.integers(1, 4, n_adv),
            "radius_km": np.where(rng.random(n_adv) < 0.5, rng.uniform(15, 40, n_adv), np.nan),
        }
    )
    advs["caseload"] = [int(rng.integers(0, c + 1)) for c in advs["capacity"]]
    reqs = pd.DataFrame(
        {
            "applicant_id": [f"R{k:03d}" for k in range(n_req)],
            "x": rng.uniform(0, 40000, n_req),
            "y": rng.uniform(0, 40000, n_req),
            "service": rng.choice(["s", "t"], n_req),
            "needs": [
                ";".join(rng.choice(list("abc"), rng.integers(0, 2), replace=False))
                for _ in range(n_req)
            ],
            "priority": rng.integers(0, 3, n_req),
            "exclude": [
                advs["advisor_id"].iloc[rng.integers(n_adv)] if rng.random() < 0.2 else ""
                for _ in range(n_req)
            ],
        }
    )
    return reqs, advs


def test_objective_equals_ortools_min_cost_flow():
    pywrapgraph = pytest.importorskip("ortools.graph.python.min_cost_flow")
    rng = np.random.default_rng(7)
    w = libmatch.Weights()
    for trial in range(10):
        reqs, advs = _random_instance(rng, 40, 10)
        res = libmatch.match(reqs, advs)
        scale = libmatch._core.COST_SCALE
        base = res._core.unassigned_base
        n_r, n_a = len(reqs), len(advs)
        src, sink = n_r + n_a, n_r + n_a + 1
        f = pywrapgraph.SimpleMinCostFlow()
        # source -> request (1), request -> sink (escalate), request -> advisor (pair cost),
        # advisor -> sink one unit arc per free place at its marginal load cost.
        for k, q in enumerate(reqs.itertuples()):
            f.add_arc_with_capacity_and_unit_cost(src, k, 1, 0)
            unassigned = base + round(w.unassigned_per_priority * max(q.priority, 0) * scale)
            f.add_arc_with_capacity_and_unit_cost(k, sink, 1, int(unassigned))
            ex = res.explain(q.applicant_id)
            for e in ex[ex["verdict"] == "eligible"].itertuples():
                j = advs.index[advs["advisor_id"] == e.advisor_id][0]
                pair = round((e.total - e.load) * scale)
                f.add_arc_with_capacity_and_unit_cost(k, n_r + j, 1, int(pair))
        for j, a in enumerate(advs.itertuples()):
            for c in range(a.caseload + 1, a.capacity + 1):
                marg = round(w.load * (c / a.capacity) ** 2 * scale)
                f.add_arc_with_capacity_and_unit_cost(n_r + j, sink, 1, int(marg))
        f.set_node_supply(src, n_r)
        f.set_node_supply(sink, -n_r)
        assert f.solve() == f.OPTIMAL
        assert res._core.objective == f.optimal_cost(), trial


# ---- CLI -----------------------------------------------------------------------------------


def test_cli_round_writes_outputs(tmp_path, bundled_data, capsys):
    from libmatch.cli import main

    out = tmp_path / "round"
    rc = main(
        [
            "round",
            "--areas",
            str(bundled_data / "orientation_areas.geojson"),
            "--advisors",
            str(bundled_data / "advisors.csv"),
            "--applicants",
            str(bundled_data / "requests.csv"),
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    for name in ("assignments", "alternatives", "escalations", "loads"):
        assert (out / f"{name}.csv").stat().st_size > 0
    assert (out / "round_map.png").stat().st_size > 10000
    text = capsys.readouterr().out
    assert "total" in text and "duplicate_request" in text
    esc = pd.read_csv(out / "escalations.csv")
    assert "R0128" in set(esc["applicant_id"])


def test_cli_run_demo(tmp_path, bundled_data, capsys):
    from libmatch.cli import main

    rc = main(["run-demo", "--data", str(bundled_data), "--out", str(tmp_path)])
    assert rc == 0
    farms = pd.read_csv(tmp_path / "farms_per_municipality.csv")
    ref = pd.read_csv(bundled_data / "farms.csv")["municipality"].value_counts()
    got = farms.set_index("municipality")["farms"]
    assert got.sum() == len(pd.read_csv(bundled_data / "farms.csv"))
    for m, n in ref.items():
        assert got[m] == n
    assert (tmp_path / "assignments.csv").exists()
    assert "Weekly round summary" in capsys.readouterr().out


def test_requests_off_the_road_network_say_so():
    """A request whose location the road network cannot place reaches no advisor; its
    escalation says why (not only "0 within radius") and RoundResult.unplaced counts them."""
    from pathlib import Path

    data = Path(__file__).resolve().parents[2] / "data"
    req = pd.read_csv(data / "requests.csv", dtype={"location_of": str})
    adv = pd.read_csv(data / "advisors.csv", dtype={"areas": str, "expertise": str})
    roads = data / "roads.geojson"
    net = libmatch.RoadNetwork.from_file(roads, default_speed_kmh=50)
    off_req = net.snap(req[["x", "y"]].to_numpy())["edge"].to_numpy() < 0
    off_adv = net.snap(adv[["x", "y"]].to_numpy())["edge"].to_numpy() < 0
    far = req.copy()
    far.loc[far.index[:3], ["x", "y"]] = [[0.0, 0.0], [5e3, 0.0], [0.0, 5e3]]  # off the map
    far = far[far["location_of"].isna()] if "location_of" in far else far
    res = libmatch.match(far, adv, travel=net)
    assert res.unplaced == {"requests": 3 + int(off_req[3:].sum()), "advisors": int(off_adv.sum())}
    esc = res.escalations.set_index("applicant_id")
    for rid in far["applicant_id"].iloc[:3]:
        assert esc.loc[rid, "reason"] == "all_out_of_radius"
        assert "farther than the snap distance" in esc.loc[rid, "detail"]
    placed = esc[~esc.index.isin(far["applicant_id"].iloc[:3])]
    assert not placed["detail"].str.contains("snap distance").any()
    assert libmatch.match(far, adv).unplaced is None  # straight line: everything is placed


def test_numeric_ids_with_gaps_still_match_as_text():
    """Advisor ids 1..n and an exclude / current_advisor column with gaps reach pandas as
    floats (55.0): they must still name advisor '55' (ids are compared as text)."""
    from pathlib import Path

    data = Path(__file__).resolve().parents[2] / "data"
    req = pd.read_csv(data / "requests.csv", dtype={"location_of": str})
    req = req[req["location_of"].isna()].drop(columns="location_of")
    adv = pd.read_csv(data / "advisors.csv", dtype={"areas": str, "expertise": str})
    adv = adv.assign(advisor_id=range(1, len(adv) + 1))
    base = libmatch.match(req, adv).assignments.set_index("applicant_id")["advisor_id"]
    rid = base.index[0]
    chosen = base[rid]
    mark = np.where(req["applicant_id"] == rid, float(chosen), np.nan)
    excluded = libmatch.match(req.assign(exclude=mark), adv)
    assert excluded.explain(rid).set_index("advisor_id").loc[chosen, "verdict"] == "excluded"
    assert excluded.assignments.set_index("applicant_id")["advisor_id"].get(rid) != chosen
    pinned = libmatch.match(req.assign(current_advisor=mark, pinned=~np.isnan(mark)), adv)
    assert pinned.assignments.set_index("applicant_id")["advisor_id"][rid] == chosen
    assert rid not in set(pinned.escalations["applicant_id"])


def test_cli_straight_line_flags_reach_the_round(tmp_path):
    """--speed-kmh / --detour without --roads used to be ignored (the default line ran)."""
    from pathlib import Path

    from libmatch import cli

    data = Path(__file__).resolve().parents[2] / "data"
    base = ["round", "--applicants", str(data / "requests.csv"), "--advisors"]
    base += [str(data / "advisors.csv"), "--no-map"]
    assert cli.main([*base, "--out", str(tmp_path / "a")]) == 0
    assert cli.main([*base, "--speed-kmh", "30", "--out", str(tmp_path / "b")]) == 0
    a = pd.read_csv(tmp_path / "a" / "assignments.csv")
    b = pd.read_csv(tmp_path / "b" / "assignments.csv")
    # the same km at half the speed: twice the minutes on every match that stayed
    both = a.merge(b, on=["applicant_id", "advisor_id"], suffixes=("_60", "_30"))
    assert len(both) > 0
    np.testing.assert_allclose(both["minutes_30"], 2 * both["minutes_60"], rtol=1e-9)
