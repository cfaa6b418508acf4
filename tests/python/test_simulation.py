"""libmatch.simulation: hand-checked weekly numbers, invariants, determinism, sweeps, CLI,
bad input."""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import libmatch
from libmatch import cli
from libmatch.simulation import parse_seeds

DATA = Path(__file__).resolve().parents[2] / "data"
needs_data = pytest.mark.skipif(
    not (DATA / "scenario.json").exists(),
    reason="bundled data/ not generated (tools/generate_data.py)",
)


def tiny_config(**changes):
    """Two advisors on a line (A at x=0, B at x=10 km), capacity 1 each, one 3-week service,
    straight-line travel x1.3 at 60 km/h (1 km = 1.3 minutes)."""
    cfg = {
        "name": "tiny",
        "horizon_weeks": 6,
        "advisors": pd.DataFrame(
            {
                "advisor_id": ["A", "B"],
                "x": [0.0, 10000.0],
                "y": [0.0, 0.0],
                "service": ["s", "s"],
                "capacity": [1, 1],
            }
        ),
        "services": {"s": {"duration_weeks": 3, "hours_per_case": 36}},
        "replay": pd.DataFrame(
            {
                "week": [0, 0, 1, 3],
                "x": [1000.0, 2000.0, 9000.0, 9000.0],
                "y": [0.0] * 4,
                "service": ["s"] * 4,
            }
        ),
        "escalate_after_weeks": 1,
        "events": [{"week": 4, "type": "leave", "advisor_id": "B"}],
    }
    cfg.update(changes)
    return cfg


def check_invariants(r: libmatch.SimulationResult) -> None:
    w = r.weekly
    lhs = r.summary["initial_cases"] + w["arrivals_total"]
    rhs = w["matched_total"] + w["waiting"] + w["escalated_total"] + w["referred_total"]
    assert (lhs == rhs).all()
    assert (w["matched_total"] == w["in_service"] + w["completed_total"]).all()
    assert (w["arrivals_total"] == w["arrivals"].cumsum()).all()
    aw = r.advisor_weeks
    assert (aw["caseload"] <= aw["capacity"]).all()
    # caseloads rebuilt from the stints; a case never holds two advisors at once
    a = r.assignments
    end = a["week_end"].where(a["week_end"] >= 0, r.weekly["week"].max() + 1)
    for _, g in a.assign(end=end).sort_values(["case_id", "week_start"]).groupby("case_id"):
        assert (g["end"].to_numpy()[:-1] <= g["week_start"].to_numpy()[1:]).all()
    start = a["week_start"].to_numpy()
    for week, g in aw.groupby("week"):
        live = a[(start <= week) & (end.to_numpy() > week)]
        counts = live["advisor_id"].value_counts()
        got = g.set_index("advisor_id")["caseload"]
        assert (counts.reindex(got.index, fill_value=0) == got).all(), week
    # summary = weekly aggregates
    s = r.summary
    for k in (
        "arrivals",
        "referred",
        "matched",
        "matched_first",
        "escalated",
        "no_klik_returns",
        "reassigned",
        "completed",
    ):
        assert s[k] == w[k].sum(), k
    assert s["waiting_end"] == w["waiting"].iloc[-1]


def test_tiny_scenario_exact_weekly_numbers():
    r = libmatch.simulate(libmatch.Scenario(tiny_config()), seed=3)
    w = r.weekly.set_index("week")
    assert w["arrivals"].tolist() == [2, 1, 0, 1, 0, 0]
    assert w["matched"].tolist() == [2, 0, 0, 1, 1, 0]
    assert w["matched_first"].tolist() == [2, 0, 0, 1, 0, 0]
    assert w["waiting"].tolist() == [0, 1, 0, 0, 0, 0]
    assert w["escalated"].tolist() == [0, 0, 1, 0, 0, 0]
    assert w["completed"].tolist() == [0, 0, 0, 2, 0, 0]
    assert w["reassigned"].tolist() == [0, 0, 0, 0, 1, 0]
    assert w["in_service"].tolist() == [2, 2, 2, 1, 1, 1]
    assert w["advisors_active"].tolist() == [2, 2, 2, 2, 1, 1]
    # week 0: 1 km -> A (1.3 min), 8 km -> B (10.4 min) beats 9 km + 2 km
    assert w.loc[0, "travel_mean"] == pytest.approx((1.3 + 10.4) / 2)
    assert w.loc[0, "travel_p90"] == pytest.approx(10.4)
    assert w.loc[0, "hours_started"] == 72
    assert w.loc[3, "travel_mean"] == pytest.approx(1.3)
    assert w.loc[4, "travel_mean"] == pytest.approx(11.7)  # B left: its case moved to A
    assert w.loc[3, "util_mean"] == 0.5 and w.loc[3, "util_gini"] == 0.5
    assert w.loc[0, "util_gini"] == 0.0
    assert w["wait_mean"].isna().tolist() == [False, True, True, False, True, True]
    assert r.summary["escalated_no_capacity"] == 1
    assert r.cases["status"].tolist() == ["completed", "completed", "escalated", "in_service"]
    assert r.cases.loc[2, "reason"] == "no_capacity"
    assert r.assignments["advisor_id"].tolist() == ["A", "B", "B", "A"]
    assert r.assignments["end"].tolist() == ["completed", "completed", "reassigned", "running"]
    check_invariants(r)


def test_no_klik_excludes_the_first_advisor():
    cfg = tiny_config(
        no_klik_probability=1.0,
        escalate_after_weeks=2,
        events=[],
        replay=pd.DataFrame({"week": [0], "x": [1000.0], "y": [0.0], "service": ["s"]}),
    )
    r = libmatch.simulate(libmatch.Scenario(cfg))
    w = r.weekly
    assert w["no_klik_returns"].tolist() == [0, 1, 1, 0, 0, 0]
    assert w["matched"].tolist() == [1, 1, 0, 0, 0, 0]
    assert w["escalated"].tolist() == [0, 0, 0, 0, 1, 0]
    assert r.assignments["advisor_id"].tolist() == ["A", "B"]
    assert r.cases.loc[0, "reason"] == "all_excluded"
    check_invariants(r)


def test_replay_dates_and_referrals():
    replay = pd.DataFrame(
        {
            "applicant_id": ["R1", "R1", "R2", "R3"],
            "registered": ["2026-01-05", "2026-01-05", "2026-01-13", "2026-01-20"],
            "x": [1000.0, 1500.0, 9000.0, 9000.0],
            "y": [0.0] * 4,
            "service": ["s"] * 4,
            "referred": [False, False, False, True],
            "duration_weeks": [1, 1, 2, np.nan],
        }
    )
    r = libmatch.simulate(
        libmatch.Scenario(tiny_config(replay=replay, start_date="2026-01-05", events=[]))
    )
    assert r.weekly["arrivals"].tolist()[:3] == [1, 1, 1]  # R1 once (second row = 2nd location)
    assert r.weekly["referred"].tolist()[:3] == [0, 0, 1]
    assert r.cases["duration_weeks"].tolist()[:2] == [1, 2]
    assert r.assignments["week_end"].tolist() == [1, 3]
    check_invariants(r)


@needs_data
def test_bundled_scenario_invariants_over_seeds():
    sc = libmatch.Scenario(DATA / "scenario.json")
    assert sc.name == "scenario" and len(sc.advisor_ids) == 61  # 60 + the joiner
    for seed in range(4):
        r = libmatch.simulate(sc, seed)
        check_invariants(r)
        assert r.summary["arrivals"] > 300
        assert r.summary["initial_cases"] > 0
        assert set(r.weekly.columns) >= {
            "wait_mean",
            "wait_p90",
            "wait_max",
            "travel_mean",
            "travel_p90",
            "outside_area_share",
            "util_mean",
            "util_max",
            "util_gini",
            "reassigned",
            "no_klik_returns",
        }
        joiner = r.advisor_weeks[r.advisor_weeks["advisor_id"] == "A061"]
        assert (
            joiner["status"].astype(str) == np.where(joiner["week"] < 26, "not_joined", "in_pool")
        ).all()
        leaver = r.advisor_weeks[r.advisor_weeks["advisor_id"] == "A012"]
        assert (leaver[leaver["week"] >= 20]["status"] == "left").all()
        # minimum disruption: the only reassigned stints belong to the leaver or A005 (cut)
        moved = r.assignments[r.assignments["end"] == "reassigned"]
        assert set(moved["advisor_id"]) <= {"A012", "A005"}
        assert len(moved) == r.summary["reassigned"]


@needs_data
def test_same_seed_same_result_and_sweeps_equal_a_loop():
    sc = libmatch.Scenario(DATA / "scenario.json")
    a, b = libmatch.simulate(sc, 5), libmatch.simulate(sc, 5)
    pd.testing.assert_frame_equal(a.weekly, b.weekly)
    pd.testing.assert_frame_equal(a.cases, b.cases)
    assert not a.weekly.equals(libmatch.simulate(sc, 6).weekly)
    other = sc.replace(name="busy", no_klik_probability=0.3)
    seeds = [0, 1, 7]
    one = libmatch.simulate_many([sc, other], seeds, n_jobs=1, progress=False)
    two = libmatch.simulate_many({"scenario": sc, "busy": other}, seeds, n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(one, two)
    assert one[["scenario", "seed"]].values.tolist() == [
        ["scenario", 0],
        ["scenario", 1],
        ["scenario", 7],
        ["busy", 0],
        ["busy", 1],
        ["busy", 7],
    ]
    for row, (s, seed) in zip(
        one.itertuples(index=False), [(x, y) for x in (sc, other) for y in seeds]
    ):
        summary = libmatch.simulate(s, seed, details=False).summary
        got = {k: getattr(row, k) for k in summary}
        assert got == pytest.approx(summary, nan_ok=True)
    # common random numbers: the same seed brings the same arrivals in both scenarios
    assert (one["arrivals"].to_numpy()[:3] == one["arrivals"].to_numpy()[3:]).all()


@needs_data
def test_progress_bar_and_duplicate_names(capsys):
    sc = libmatch.Scenario(DATA / "scenario.json")
    df = libmatch.simulate_many([sc, sc], "0-2", progress=True)
    assert "6/6" in capsys.readouterr().err
    assert df["scenario"].unique().tolist() == ["scenario#1", "scenario#2"]
    assert df.iloc[:3, 2:].equals(df.iloc[3:, 2:].reset_index(drop=True))


@needs_data
def test_pickled_scenario_gives_the_same_results():
    sc = libmatch.Scenario(DATA / "scenario.json")
    clone = pickle.loads(pickle.dumps(sc))
    assert clone.name == sc.name and clone.advisor_ids == sc.advisor_ids
    pd.testing.assert_frame_equal(
        libmatch.simulate(sc, 2).weekly, libmatch.simulate(clone, 2).weekly
    )


@needs_data
def test_arrival_filters_area_where_and_farm_types():
    cfg = json.loads((DATA / "scenario.json").read_text())
    cfg["arrivals"] = [
        {"service": "nil_bio", "rate_per_week": 3, "area": "OA02"},
        {"service": "vabimpuls", "rate_per_week": 3, "farm_types": {"gestopt": 1}},
        {"service": "procesmanager", "rate_per_week": 2, "where": {"municipality": "GM9001"}},
    ]
    sc = libmatch.Scenario(cfg, base_dir=DATA)
    r = libmatch.simulate(sc, 0)
    farms = pd.read_csv(DATA / "farms.csv")
    cases = r.cases[r.cases["registered"] >= 0]
    xy_type = farms.set_index(["x", "y"])
    nil = cases[cases["service"] == "nil_bio"]
    assert len(nil) > 50 and (nil["area"] == "OA02").all()
    vab = cases[cases["service"] == "vabimpuls"]
    assert (xy_type.loc[list(zip(vab["x"], vab["y"])), "farm_type"] == "gestopt").all()
    pm = cases[cases["service"] == "procesmanager"]
    assert (xy_type.loc[list(zip(pm["x"], pm["y"])), "municipality"] == "GM9001").all()


@needs_data
def test_poisson_arrivals_match_the_rates():
    sc = libmatch.Scenario(DATA / "scenario.json")
    df = libmatch.simulate_many(sc, range(40), progress=False)
    expected = 9.5 * 52
    # 40 years: the mean is within 4 standard errors of the rate
    assert abs(df["arrivals"].mean() - expected) < 4 * math.sqrt(expected / 40)


@needs_data
def test_staffing_changes_the_kpis_in_the_expected_direction():
    sc = libmatch.Scenario(DATA / "scenario.json")
    adv = pd.read_csv(DATA / "advisors.csv", dtype={"areas": str, "expertise": str})
    lean = adv.assign(capacity=(adv["capacity"].astype(int) // 2).clip(lower=1), caseload=0)
    df = libmatch.simulate_many(
        {"base": sc, "lean": sc.replace(advisors=lean)}, range(8), progress=False
    )
    m = df.groupby("scenario")[["util_mean", "escalated_no_capacity"]].mean()
    assert m.loc["lean", "util_mean"] > m.loc["base", "util_mean"]
    assert m.loc["lean", "escalated_no_capacity"] >= m.loc["base", "escalated_no_capacity"]


@needs_data
def test_cli_writes_csv_and_png(tmp_path, capsys):
    out = tmp_path / "sim"
    rc = cli.main(
        [
            "simulate",
            "--scenario",
            str(DATA / "scenario.json"),
            "--seeds",
            "0-3",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert rc == 0
    summary = pd.read_csv(out / "summary.csv")
    weekly = pd.read_csv(out / "weekly.csv")
    assert summary["seed"].tolist() == [0, 1, 2, 3]
    assert len(weekly) == 4 * 52
    assert (out / "kpis.png").stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "wrote" in printed
    # every KPI line names its unit (from libmatch.kpis), e.g. the wait in weeks
    rows = {line.split()[0]: line.split()[1] for line in printed.splitlines()[2:] if line}
    assert rows["wait_mean"] == "weeks" and rows["travel_mean"] == "minutes"
    rc = cli.main(
        [
            "simulate",
            "--scenario",
            str(DATA / "scenario.json"),
            "--out",
            str(out / "one"),
            "--no-progress",
        ]
    )
    seed = json.loads((DATA / "scenario.json").read_text()).get("seed", 0)
    assert rc == 0 and pd.read_csv(out / "one" / "summary.csv")["seed"].tolist() == [seed]
    rc = cli.main(["simulate", "--scenario", str(tmp_path / "nope.json"), "--out", str(out)])
    assert rc == 1 and "does not exist" in capsys.readouterr().err


def test_parse_seeds():
    assert parse_seeds("0-3,7") == [0, 1, 2, 3, 7]
    assert parse_seeds(5) == [5]
    assert parse_seeds(range(2)) == [0, 1]
    with pytest.raises(libmatch.InvalidInputError):
        parse_seeds("3-1")
    with pytest.raises(libmatch.InvalidInputError):
        parse_seeds([-1])


@pytest.mark.parametrize(
    "changes, error, words",
    [
        ({"horizon_weeks": 0}, libmatch.InvalidInputError, "horizon_weeks"),
        (
            {"arrivals": [{"service": "s", "rate_per_week": -2}]},
            libmatch.InvalidInputError,
            "arrivals[0] (s).rate_per_week",
        ),
        (
            {"arrivals": [{"service": "x", "rate_per_week": 2}]},
            libmatch.UnknownIdError,
            "arrivals[0].service 'x' is not in 'services'",
        ),
        (
            {"services": {"s": {"duration_weeks": -3}}},
            libmatch.InvalidInputError,
            "duration_weeks.mean_weeks",
        ),
        (
            {"services": {"s": {"duration_weeks": {"dist": "gamma", "mean": 4, "sd": -1}}}},
            libmatch.InvalidInputError,
            "sd_weeks",
        ),
        (
            {"services": {"s": {"duration_weeks": {"dist": "weibull"}}}},
            libmatch.InvalidInputError,
            "weibull",
        ),
        ({"no_klik_probability": 2}, libmatch.InvalidInputError, "no_klik_probability"),
        (
            {"escalate_after_week": 2},
            libmatch.InvalidInputError,
            "did you mean 'escalate_after_weeks'",
        ),
        (
            {"arrivals": [{"service": "s", "rate_per_week": "many"}]},
            libmatch.InvalidTypeError,
            "rate_per_week must be a number",
        ),
        (
            {"events": [{"week": 1, "type": "leave", "advisor_id": "Z"}]},
            libmatch.UnknownIdError,
            "'Z'",
        ),
        (
            {"events": [{"week": 1, "type": "retire", "advisor_id": "A"}]},
            libmatch.InvalidInputError,
            "retire",
        ),
        (
            {
                "events": [
                    {"week": 1, "type": "leave", "advisor_id": "A"},
                    {"week": 2, "type": "leave", "advisor_id": "A"},
                ]
            },
            libmatch.InvalidInputError,
            "already left",
        ),
        (
            {"events": [{"week": 1, "type": "absence", "advisor_id": "A", "weeks": 0}]},
            libmatch.InvalidInputError,
            "weeks",
        ),
        ({"weights": {"lode": 3}}, libmatch.InvalidInputError, "did you mean 'load'"),
    ],
)
def test_bad_input_raises_typed_named_errors(changes, error, words):
    with pytest.raises(error) as info:
        libmatch.Scenario(tiny_config(**changes))
    assert words in str(info.value)


def test_malformed_and_missing_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"horizon_weeks": 52,\n "services": {,}}')
    with pytest.raises(libmatch.InvalidInputError, match=r"bad.json: malformed JSON at line 2"):
        libmatch.Scenario(bad)
    with pytest.raises(libmatch.FileMissingError):
        libmatch.Scenario(tmp_path / "missing.json")
    with pytest.raises(libmatch.InvalidTypeError):
        libmatch.Scenario("[1, 2]")
    with pytest.raises(libmatch.InvalidTypeError):
        libmatch.Scenario(42)
    with pytest.raises(libmatch.FileMissingError, match="advisors"):
        libmatch.Scenario(tiny_config(advisors="no_such.csv"), base_dir=tmp_path)
    with pytest.raises(libmatch.InvalidInputError, match="n_jobs"):
        libmatch.simulate_many(libmatch.Scenario(tiny_config()), [0], n_jobs=0)


@needs_data
def test_replay_is_independent_of_row_order():
    cfg = json.loads((DATA / "scenario.json").read_text())
    requests = pd.read_csv(DATA / "requests.csv", dtype=str, keep_default_na=False)
    assert (requests["location_of"] != "").any()  # further locations travel with their request

    def run(table):
        sc = libmatch.Scenario({**cfg, "replay": table, "start_date": "2026-11-02"}, base_dir=DATA)
        return libmatch.simulate(sc, seed=0)

    first = run(requests)
    assert first.summary["arrivals"] >= (requests["location_of"] == "").sum()
    for s in (1, 5):
        other = run(requests.sample(frac=1, random_state=s))
        assert other.summary == first.summary, f"row order {s}"
        pd.testing.assert_frame_equal(other.weekly, first.weekly)


@needs_data
@pytest.mark.parametrize("which", ["scenario.json", "programme/scenario.json"])
def test_location_pool_is_independent_of_row_order(which):
    sc = libmatch.Scenario(DATA / which)
    first = libmatch.simulate(sc, seed=1)
    for s in (1, 2):
        shuffled = sc.locations.sample(frac=1, random_state=s).reset_index(drop=True)
        other = libmatch.simulate(sc.replace(locations=shuffled), seed=1)
        assert other.summary == first.summary, f"row order {s}"
        pd.testing.assert_frame_equal(other.cases, first.cases)
    # farms sharing one point (a second farm type there): ordered by their other columns
    twins = sc.locations.iloc[:300].assign(farm_type="gestopt")
    doubled = pd.concat([sc.locations, twins], ignore_index=True)
    runs = [
        libmatch.simulate(sc.replace(locations=doubled.sample(frac=1, random_state=s)), seed=1)
        for s in (3, 4)
    ]
    assert runs[0].summary == runs[1].summary
    pd.testing.assert_frame_equal(runs[0].cases, runs[1].cases)
    # cases.location indexes Scenario.locations
    drawn = first.cases[first.cases["registered"] >= 0]
    pool = sc.locations.iloc[drawn["location"].to_numpy()]
    np.testing.assert_array_equal(pool["x"].to_numpy(float), drawn["x"].to_numpy(float))


@needs_data
def test_count_stream_keeps_its_where_filter_and_numeric_cells_match_as_text():
    sc = libmatch.Scenario(DATA / "scenario.json")
    loc = sc.locations.copy()
    loc["zone"] = np.arange(len(loc)) % 3 + 1.0
    loc.loc[5, "zone"] = np.nan  # a gap: the column is float, 1.0 must still match 1
    streams = [
        {
            "service": "vabimpuls",
            "count": 40,
            "first_week": 0,
            "last_week": 3,
            "where": {"zone": [1]},
        },
        {"service": "nil_bio", "rate_per_week": 2, "where": {"zone": 2}},
    ]
    r = libmatch.simulate(sc.replace(locations=loc, arrivals=streams, events=[]), seed=0)
    drawn = r.cases[r.cases["registered"] >= 0]
    zone = sc.replace(locations=loc).locations["zone"].to_numpy()  # the pool's own order
    vab = drawn[drawn["service"] == "vabimpuls"]
    assert len(vab) == 40 and (zone[vab["location"].to_numpy()] == 1.0).all()
    nil = drawn[drawn["service"] == "nil_bio"]
    assert len(nil) > 50 and (zone[nil["location"].to_numpy()] == 2.0).all()


@needs_data
def test_scenario_advisors_round_trip_and_absent_advisors_are_not_active():
    sc = libmatch.Scenario(DATA / "scenario.json")
    assert "A061" in sc.advisor_ids and "A061" not in set(sc.advisors["advisor_id"])  # a joiner
    same = sc.replace(advisors=sc.advisors.copy())
    assert libmatch.simulate(same, seed=0).summary == libmatch.simulate(sc, seed=0).summary
    absence = [{"week": 3, "type": "absence", "advisor_id": "A002", "weeks": 6}]
    w = libmatch.simulate(sc.replace(events=absence), seed=0).weekly.set_index("week")
    cap = int(sc.advisors.set_index("advisor_id").loc["A002", "capacity"])
    assert w.loc[3, "advisors_absent"] == 1 and w.loc[2, "advisors_absent"] == 0
    assert w.loc[3, "advisors_active"] == w.loc[2, "advisors_active"] - 1
    assert w.loc[3, "capacity_total"] == w.loc[2, "capacity_total"] - cap
    assert w.loc[9, "advisors_active"] == w.loc[2, "advisors_active"]  # back after 6 weeks


def test_scenario_file_with_a_byte_order_mark(tmp_path):
    cfg = tiny_config()
    for key in ("advisors", "replay"):
        cfg[key].to_csv(tmp_path / f"{key}.csv", index=False)
        cfg[key] = f"{key}.csv"
    (tmp_path / "s.json").write_text(json.dumps(cfg), encoding="utf-8-sig")
    assert (tmp_path / "s.json").read_bytes()[:3] == b"\xef\xbb\xbf"
    sc = libmatch.Scenario(tmp_path / "s.json")
    assert (
        libmatch.simulate(sc, 3).summary
        == libmatch.simulate(libmatch.Scenario(tiny_config()), 3).summary
    )


@needs_data
def test_escalation_reasons_add_up_to_escalated():
    sc = libmatch.Scenario(DATA / "programme" / "scenario.json")
    reasons = [c for c in libmatch.simulate(sc, seed=0).summary if c.startswith("escalated_")]
    assert "escalated_no_hours" in reasons
    for seed in (0, 1, 123):
        s = libmatch.simulate(sc, seed).summary
        parts = [c for c in reasons if c not in ("escalated_share", "escalated_total")]
        assert sum(s[c] for c in parts) == s["escalated"], seed
