"""libmatch.simulation for programmes: catalogue money and slots, pathways, reservations,
approach lists, segments, lead days, replay rule columns, advisor row order, rate limits,
the bundled programme and its CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import libmatch
from libmatch import cli

DATA = Path(__file__).resolve().parents[2] / "data"


def programme(**changes):
    """Intake (1 week, EUR 100, always followed by coaching a week later) by A, coaching
    (2 weeks, EUR 500, one slot) by B; EUR 850; three intakes registered on day 0 of week 0."""
    cfg = {
        "horizon_weeks": 6,
        "advisors": pd.DataFrame(
            {
                "advisor_id": ["A", "B"],
                "x": [0.0, 0.0],
                "y": [0.0, 0.0],
                "service": ["intake", "coaching"],
                "capacity": [1, 1],
            }
        ),
        "services": {
            "intake": {
                "duration_weeks": 1,
                "hours_per_case": 1.5,
                "cost_eur": 100,
                "next": [{"service": "coaching", "probability": 1.0, "delay_weeks": 1}],
            },
            "coaching": {"duration_weeks": 2, "cost_eur": 500, "max_cases": 1, "target": 2},
        },
        "budget_eur": 850,
        "start_date": "2026-01-05",
        "replay": pd.DataFrame(
            {
                "registered": ["2026-01-05"] * 3,  # day 0 of week 0
                "x": [1000.0, 2000.0, 3000.0],
                "y": [0.0] * 3,
                "service": ["intake"] * 3,
                "priority": [2, 1, 0],
                "segment": ["tozo", "tozo", "zonder_tozo"],
            }
        ),
        "escalate_after_weeks": 2,
        "initial_cases": False,
    }
    cfg.update(changes)
    return cfg


def check_books(r: libmatch.SimulationResult, budget: float) -> None:
    w = r.weekly
    lhs = r.summary["initial_cases"] + w["arrivals_total"] + w["followups_total"]
    rhs = w["in_service"] + w["completed_total"] + w["waiting"] + w["escalated_total"]
    assert (lhs == rhs + w["referred_total"]).all()
    assert (w["spend_eur_total"] <= budget + 1e-9).all()
    assert np.allclose(w["spend_eur_total"], w["spend_eur"].cumsum())
    c = r.cases
    started = c[c["start_day"] >= 0]
    assert started["cost_eur"].sum() == pytest.approx(r.summary["spend_eur"])
    # follow-ups enter when the predecessor has ended, never before
    kids = c[c["parent_case"] >= 0]
    parents = c.set_index("case_id").loc[kids["parent_case"]]
    assert (parents["status"].astype(str).to_numpy() == "completed").all()
    assert (kids["registered"].to_numpy() >= parents["ended"].to_numpy()).all()
    first = kids["first_matched"].to_numpy()
    assert ((first < 0) | (first >= parents["ended"].to_numpy())).all()


def test_tiny_programme_week_by_week():
    r = libmatch.simulate(programme(), seed=0)
    w = r.weekly
    assert w["followups"].tolist() == [0, 0, 1, 1, 1, 0]
    assert w["matched"].tolist() == [1, 1, 2, 0, 0, 0]
    assert w["waiting"].tolist() == [2, 1, 0, 1, 2, 1]
    assert w["spend_eur_total"].tolist() == [100, 200, 800, 800, 800, 800]
    assert w["budget_left_eur"].tolist() == [750, 650, 50, 50, 50, 50]
    assert w["slots_left_coaching"].tolist() == [1, 1, 0, 0, 0, 0]
    assert "slots_left_intake" not in w.columns  # no cap
    assert r.summary["budget_out_week"] == 2  # EUR 50 < the cheapest price
    assert r.summary["escalated_slots_exhausted"] == 1
    s = r.by_service
    assert s.loc["intake", "started"] == 3 and s.loc["intake", "spend_eur"] == 300
    assert s.loc["intake", "lead_days_mean"] == pytest.approx((6 + 13 + 20) / 3)
    assert s.loc["coaching", ["started", "escalated", "slots_left", "out_week"]].tolist() == [
        1,
        1,
        0,
        2,
    ]
    assert s.loc["coaching", "achieved"] == 0.5  # 1 of the target 2
    assert math.isnan(s.loc["intake", "target"])
    g = r.by_segment
    assert g.index.tolist() == ["tozo", "zonder_tozo"]
    assert g.loc["tozo", "started"] == 3  # two intakes and the coaching of the first
    c = r.cases
    assert c["parent_case"].tolist() == [-1, -1, -1, 0, 1, 2]
    assert c["segment"].tolist() == ["tozo", "tozo", "zonder_tozo", "tozo", "tozo", "zonder_tozo"]
    assert c["lead_days"].iloc[:4].tolist() == [6, 13, 20, 20]
    check_books(r, 850)


def test_programme_dict_and_json_give_the_same_year(tmp_path):
    cfg = programme()
    cfg["advisors"].to_csv(tmp_path / "advisors.csv", index=False)
    cfg["replay"].to_csv(tmp_path / "replay.csv", index=False)
    js = dict(cfg, advisors="advisors.csv", replay="replay.csv")
    (tmp_path / "p.json").write_text(json.dumps(js))
    a = libmatch.simulate(cfg, 0)
    b = libmatch.simulate(tmp_path / "p.json", 0)
    pd.testing.assert_frame_equal(a.weekly, b.weekly)
    pd.testing.assert_frame_equal(a.by_service, b.by_service)


def test_reservation_and_approach_list_in_priority_order():
    adv = pd.DataFrame(
        {"advisor_id": ["I"], "x": [0.0], "y": [0.0], "service": ["imk"], "capacity": [50]}
    )
    cfg = {
        "horizon_weeks": 4,
        "advisors": adv,
        "locations": pd.DataFrame({"x": [100.0, 200.0], "y": [0.0, 0.0]}),
        "services": {"imk": {"duration_weeks": 3, "cost_eur": 2095, "max_cases": 10}},
        "arrivals": [
            {
                "service": "imk",
                "count": 20,
                "first_week": 0,
                "last_week": 1,
                "priority": {"2": 0.25, "0": 0.75},
                "segment": "tozo",
            }
        ],
        "reserve": [{"service": "imk", "slots": 4, "min_priority": 2, "until_week": 10}],
        "escalate_after_weeks": 0,
        "initial_cases": False,
    }
    r = libmatch.simulate(cfg, 3)
    c = r.cases
    assert len(c) == 20 and (c["priority"] == 2).sum() == 5  # exact split of the list
    assert c.loc[c["registered"] == 0, "priority"].tolist() == [2] * 5 + [0] * 5  # acute first
    started = c[c["start_day"] >= 0]
    # the 5 acute ones (paid first) take any slot; of the 5 left, 4 are held back, so one
    # ordinary case starts and the 14 others are refused
    assert (started["priority"] == 2).sum() == 5 and (started["priority"] == 0).sum() == 1
    assert r.summary["escalated_reserved_for_priority"] == 14
    assert r.weekly["slots_left_imk"].tolist() == [4, 4, 4, 4]
    free = libmatch.simulate(dict(cfg, reserve=[]), 3)
    assert free.summary["escalated_slots_exhausted"] == 10
    assert free.summary["escalated_reserved_for_priority"] == 0


def test_replay_honours_exclude_pinned_and_locations():
    """Regression: replay rows used to drop exclude / current_advisor / pinned and further
    locations, so a request excluding every advisor was still served by them."""
    adv = pd.DataFrame(
        {
            "advisor_id": ["A", "B"],
            "x": [0.0, 20000.0],
            "y": [0.0, 0.0],
            "service": ["s", "s"],
            "capacity": [3, 3],
        }
    )

    def run(**cols):
        rep = pd.DataFrame({"week": [0], "x": [1000.0], "y": [0.0], "service": ["s"], **cols})
        cfg = {
            "horizon_weeks": 3,
            "advisors": adv,
            "services": {"s": 2},
            "replay": rep,
            "initial_cases": False,
            "escalate_after_weeks": 1,
        }
        return libmatch.simulate(cfg, 0)

    assert run().assignments["advisor_id"].tolist() == ["A"]
    assert run(exclude=["A"]).assignments["advisor_id"].tolist() == ["B"]
    none = run(exclude=["A;B"])
    assert none.assignments.empty and none.cases["reason"].tolist() == ["all_excluded"]
    assert none.summary["escalated_all_excluded"] == 1
    assert run(exclude=["A;nobody"]).assignments["advisor_id"].tolist() == ["B"]  # as the round
    pinned = run(current_advisor=["B"], pinned=[True])
    assert pinned.assignments["advisor_id"].tolist() == ["B"]
    gone = run(current_advisor=["Z"], pinned=[True])
    assert gone.cases["reason"].tolist() == ["pinned_advisor_unavailable"]
    assert gone.summary["escalated_pinned_advisor_unavailable"] == 1
    # two rows of one applicant: one request with two locations (travel from the first)
    adv2 = run(
        applicant_id=["x"],
        cost_eur=[80.0],
    )
    assert adv2.summary["spend_eur"] == 80
    rep = pd.DataFrame(
        {
            "applicant_id": ["p", "p", "q"],
            "week": [0, 0, 0],
            "x": [1000.0, 19000.0, 2000.0],
            "y": [0.0] * 3,
            "service": ["s", "", "s"],
        }
    )
    two = libmatch.simulate(
        {
            "horizon_weeks": 2,
            "advisors": adv,
            "services": {"s": 2},
            "replay": rep,
            "initial_cases": False,
        },
        0,
    )
    assert two.summary["arrivals"] == 2 and two.assignments["advisor_id"].tolist() == ["A", "A"]
    with pytest.raises(libmatch.InvalidInputError, match="applicant_key"):
        run(applicant_key=["K1"])


def test_advisor_row_order_never_changes_the_year():
    """Regression: shuffling the advisors table changed waiting and travel (same seed)."""
    sc = libmatch.Scenario(DATA / "scenario.json")
    adv = pd.read_csv(DATA / "advisors.csv", dtype={"areas": str, "expertise": str})
    shuffled = sc.replace(advisors=adv.sample(frac=1.0, random_state=7).reset_index(drop=True))
    for seed in (0, 3):
        a, b = libmatch.simulate(sc, seed), libmatch.simulate(shuffled, seed)
        pd.testing.assert_frame_equal(a.weekly, b.weekly)
        assert a.summary == pytest.approx(b.summary, nan_ok=True)
        key = ["case_id", "week_start"]
        pd.testing.assert_frame_equal(
            a.assignments.sort_values(key).reset_index(drop=True),
            b.assignments.sort_values(key).reset_index(drop=True),
        )


def test_bundled_programme_books_threads_and_cli(tmp_path, capsys):
    sc = libmatch.Scenario(libmatch.datasets.path("programme"))
    for seed in range(3):
        r = libmatch.simulate(sc, seed)
        check_books(r, 200_000)
        imk = r.by_service.loc["imk"]
        assert imk["started"] <= 30 and imk["slots_left"] == 30 - imk["started"]
        assert r.summary["arrivals"] >= 350
    one = libmatch.simulate_many(sc, range(4), n_jobs=1, progress=False)
    two = libmatch.simulate_many(sc, range(4), n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(one, two)
    assert (one["spend_eur"] <= 200_000).all() and "imk_out_week" in one.columns
    assert (one["imk_started"] <= 30).all() and (one["konnected_target"] == 100).all()
    rc = cli.main(
        [
            "simulate",
            "--scenario",
            str(DATA / "programme" / "scenario.json"),
            "--seeds",
            "0-1",
            "--out",
            str(tmp_path / "p"),
            "--no-progress",
        ]
    )
    assert rc == 0
    weekly = pd.read_csv(tmp_path / "p" / "weekly.csv")
    assert "slots_left_imk" in weekly.columns and "budget_left_eur" in weekly.columns
    assert "spend_eur" in capsys.readouterr().out


def test_plot_has_a_budget_panel():
    import matplotlib

    matplotlib.use("Agg")
    r = libmatch.simulate(programme(), 0, details=False)
    axes = r.plot()
    assert np.shape(axes) == (2, 4)
    titles = [ax.get_title() for ax in np.ravel(axes)]
    assert any("budget" in t for t in titles) and any("slots" in t for t in titles)
    plain = libmatch.simulate(programme(budget_eur=None, services={"intake": 1, "coaching": 1}), 0)
    assert np.shape(plain.plot()) == (2, 3)


@pytest.mark.parametrize(
    "changes, error, words",
    [
        ({"budget_eur": -1}, libmatch.InvalidInputError, "budget_eur"),
        ({"reserve": [{"service": "nope", "slots": 1}]}, libmatch.UnknownIdError, "reserve[0]"),
        ({"reserve": [{"service": "coaching", "slot": 1}]}, libmatch.InvalidInputError, "slots"),
        (
            {"services": {"intake": {"duration_weeks": 1, "next": [{"service": "x"}]}}},
            libmatch.UnknownIdError,
            "next[0].service",
        ),
        (
            {"services": {"intake": {"duration_weeks": 1, "cost": 5}}},
            libmatch.InvalidInputError,
            "cost_eur",
        ),
        (
            {"services": {"intake": {"duration_weeks": 1, "offered_in": ["OA01"]}}},
            libmatch.InvalidInputError,
            "offered_in",
        ),
        (
            {
                "arrivals": [{"service": "intake", "count": 3, "rate_per_week": 1}],
                "locations": pd.DataFrame({"x": [0.0], "y": [0.0]}),
            },
            libmatch.InvalidInputError,
            "both 'count'",
        ),
        (
            {
                "arrivals": [{"service": "intake", "rate_per_week": 1e300}],
                "locations": pd.DataFrame({"x": [0.0], "y": [0.0]}),
            },
            libmatch.InvalidInputError,
            "rate_per_week",
        ),
        (
            {
                "arrivals": [{"service": "intake", "rate_per_week": 1.5e6}],
                "locations": pd.DataFrame({"x": [0.0], "y": [0.0]}),
            },
            libmatch.InvalidInputError,
            "maximum",
        ),
    ],
)
def test_bad_programme_input_is_named(changes, error, words):
    cfg = programme()
    if "services" in changes:
        changes = dict(changes, replay=None)
    with pytest.raises(error) as e:
        libmatch.Scenario(dict(cfg, **changes))
    assert words in str(e.value)


def test_large_rates_are_sampled_in_constant_time():
    """Regression: rate_per_week near the old maximum took O(rate) per draw; 1e6 is fine now
    (only the round's size grows, so the pool here has no advisors for the stream)."""
    cfg = {
        "horizon_weeks": 2,
        "advisors": pd.DataFrame(
            {"advisor_id": ["A"], "x": [0.0], "y": [0.0], "service": ["s"], "capacity": [1]}
        ),
        "services": {"s": 1, "t": 1},
        "locations": pd.DataFrame({"x": [0.0], "y": [0.0]}),
        "arrivals": [{"service": "t", "rate_per_week": 50_000.0, "refer_probability": 1.0}],
        "initial_cases": False,
    }
    r = libmatch.simulate(cfg, 0, details=False)
    n = r.weekly["arrivals"].to_numpy()
    assert (np.abs(n - 50_000) < 5 * math.sqrt(50_000)).all()
    assert (r.weekly["referred"] == r.weekly["arrivals"]).all()


def test_replay_location_of_as_in_the_round():
    adv = pd.DataFrame(
        {
            "advisor_id": ["A", "B"],
            "x": [0.0, 20000.0],
            "y": [0.0, 0.0],
            "service": "s",
            "capacity": [3, 3],
        }
    )
    rep = pd.DataFrame(
        {
            "applicant_id": ["p", "p-2", "q"],
            "location_of": ["", "p", ""],
            "week": [0, None, 0],
            "x": [19000.0, 1000.0, 2000.0],
            "y": [0.0] * 3,
            "service": ["s", "", "s"],
        }
    )
    cfg = {
        "horizon_weeks": 2,
        "advisors": adv,
        "services": {"s": 2},
        "replay": rep,
        "initial_cases": False,
    }
    r = libmatch.simulate(cfg, 0)
    assert r.summary["arrivals"] == 2  # the location row is not a request
    assert r.assignments["advisor_id"].tolist() == ["B", "A"]  # travel from the primary row
    bad = rep.assign(location_of=["", "nobody", ""])
    with pytest.raises(libmatch.UnknownIdError, match="row 1"):
        libmatch.Scenario(dict(cfg, replay=bad))
    twice = rep.assign(applicant_id=["p", "p-2", "p"])
    with pytest.raises(libmatch.InvalidInputError, match="'p' in row 2"):
        libmatch.Scenario(dict(cfg, replay=twice))
    with pytest.raises(libmatch.InvalidInputError, match="replay"):
        libmatch.Scenario(dict(cfg, replay=rep.assign(x=[0.0, "oops", 1.0])))


def test_advisor_hours_go_to_every_round():
    """capacity_hours with the hours of the running cases booked: a 20 h coach takes two
    10 h coachings at a time when the round counts hours (the programme round), otherwise
    its case capacity (5) decides."""
    from libmatch import schema

    adv = pd.DataFrame(
        {
            "advisor_id": ["C"],
            "x": [0.0],
            "y": [0.0],
            "service": ["coaching"],
            "capacity": [5],
            "capacity_hours": [20.0],
        }
    )
    rep = pd.DataFrame(
        {"week": [0] * 4, "x": [100.0] * 4, "y": [0.0] * 4, "service": ["coaching"] * 4}
    )
    cfg = {
        "horizon_weeks": 3,
        "advisors": adv,
        "services": {"coaching": {"duration_weeks": 2, "hours_per_case": 10}},
        "replay": rep,
        "initial_cases": False,
        "escalate_after_weeks": 3,
    }
    r = libmatch.simulate(cfg, 0)
    hours_rule = "capacity_hours" in schema.ADVISORS.names
    assert r.weekly["matched"].tolist() == ([2, 0, 2] if hours_rule else [4, 0, 0])
    assert r.weekly["hours_started"].sum() == 40


def test_sweep_over_scenarios_with_other_services():
    """Rows of scenarios with different catalogues: each row has its own services' columns
    (NaN for the others) and equals simulate() of that pair."""
    a = libmatch.Scenario(programme(), name="tiny")
    b = libmatch.Scenario(DATA / "scenario.json")
    df = libmatch.simulate_many([a, b], [0, 1], n_jobs=2, progress=False)
    assert df["scenario"].tolist() == ["tiny", "tiny", "scenario", "scenario"]
    assert (
        df.loc[:1, "coaching_started"].notna().all() and df.loc[2:, "coaching_started"].isna().all()
    )
    assert df.loc[2:, "vabimpuls_started"].notna().all()
    for k, (sc, seed) in enumerate([(a, 0), (a, 1), (b, 0), (b, 1)]):
        s = libmatch.simulate(sc, seed, details=False).summary
        assert {c: df.loc[k, c] for c in s} == pytest.approx(s, nan_ok=True)
