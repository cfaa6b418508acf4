"""The bundled programme data (issue 10, written by tools/generate_data.py): the province's
service catalogue data/services.csv, the advisors' hours, and the Deventer-like coaching
programme in data/coaching/ (seed 003's products, prices, 30 IMK slots, EUR 200,000)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import libmatch

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
COACHING = DATA / "coaching"
# seed 003: product -> (hours, EUR); IMK's hours are not in the seed
SEED_003 = {
    "intake": (1.5, 112.50),
    "coaching": (10.0, 750.00),
    "f_scan": (3.0, 275.00),
    "e_scan": (0.5, 50.00),
    "referral": (1.0, 75.00),
    "imk": (None, 2095.00),
}
CATALOGUE_COLUMNS = [
    "service",
    "hours",
    "cost_eur",
    "max_cases",
    "budget_eur",
    "portfolio",
    "travel_in_hours",
    "visits",
]


@pytest.fixture(scope="module")
def catalogue():
    return pd.read_csv(DATA / "services.csv")


@pytest.fixture(scope="module")
def advisors():
    return pd.read_csv(DATA / "advisors.csv", dtype={"advisor_id": str})


def test_catalogue_lists_every_service_once(catalogue, advisors):
    assert list(catalogue.columns) == CATALOGUE_COLUMNS
    assert catalogue["service"].is_unique
    requests = pd.read_csv(DATA / "requests.csv")
    assert set(catalogue["service"]) == set(advisors["service"]) | set(requests["service"])
    assert (catalogue["hours"] > 0).all() and (catalogue["cost_eur"] >= 0).all()
    assert (catalogue["visits"] >= 1).all()


def test_vabimpuls_is_36_hours_including_travel(catalogue):
    v = catalogue.set_index("service").loc["vabimpuls"]
    assert bool(v["travel_in_hours"]) is True
    # 36 h for a location 40 travel minutes away (README), the seed's figure
    assert v["hours"] + v["visits"] * 2 * 40 / 60 == pytest.approx(36.0)
    assert v["cost_eur"] > 0 and v["budget_eur"] > 0
    others = catalogue[catalogue["service"] != "vabimpuls"]
    assert not others["travel_in_hours"].astype(bool).any()


def test_portfolio_owners_are_three_process_managers(catalogue, advisors):
    pm = set(advisors.loc[advisors["service"] == "procesmanager", "advisor_id"])
    owners = set(catalogue["portfolio"])
    assert len(owners) == 3 and owners <= pm


def test_advisor_hours_are_consistent(advisors):
    cap_h, booked = advisors["capacity_hours"], advisors["hours_booked"]
    assert (cap_h > 0).all() and (booked >= 0).all() and (booked <= cap_h).all()
    # never tighter than one hour per free case slot: rounds without a catalogue keep their
    # case-count answers
    assert (cap_h - booked >= advisors["capacity"] - advisors["caseload"]).all()
    # running cases hold hours; an idle advisor books none
    assert ((advisors["caseload"] == 0) <= (booked == 0)).all()


def test_round_without_catalogue_ignores_the_hours(advisors):
    requests = pd.read_csv(DATA / "requests.csv", dtype=str)
    areas = libmatch.read_areas(DATA / "orientation_areas.geojson", "id")
    with_hours = libmatch.match(requests, advisors, areas)
    without = libmatch.match(
        requests, advisors.drop(columns=["capacity_hours", "hours_booked"]), areas
    )
    cols = ["applicant_id", "advisor_id"]
    pd.testing.assert_frame_equal(with_hours.assignments[cols], without.assignments[cols])
    assert with_hours.objective == without.objective


# ----------------------------------------------------------------------------- coaching


@pytest.fixture(scope="module")
def programme():
    return json.loads((COACHING / "programme.json").read_text())


def test_coaching_products_are_the_seeds(programme):
    cat = pd.read_csv(COACHING / "services.csv").set_index("service")
    assert list(cat.columns) == CATALOGUE_COLUMNS[1:]
    assert set(cat.index) == set(SEED_003)
    for svc, (hours, eur) in SEED_003.items():
        if hours is not None:
            assert cat.loc[svc, "hours"] == hours, svc
        assert cat.loc[svc, "cost_eur"] == eur, svc
    assert cat.loc["imk", "max_cases"] == programme["imk_slots_total"] == 30
    assert cat.drop(index="imk")["max_cases"].isna().all()
    # the full package (all five OHD products) is the seed's EUR 1,262.50 and 16 hours
    ohd = cat.drop(index="imk")
    assert ohd["cost_eur"].sum() == pytest.approx(1262.50)
    assert ohd["hours"].sum() == pytest.approx(16.0)


def test_coaching_budget(programme):
    assert programme["budget_total_eur"] == 200_000
    assert programme["budget_eur"] == programme["budget_total_eur"] - programme["committed_eur"]
    assert programme["budget_eur"] > 0
    assert programme["reserve"] == [["imk", 10, 2]]


def test_coaching_providers():
    p = pd.read_csv(COACHING / "providers.csv", dtype={"advisor_id": str})
    assert len(p) == 12 and p["advisor_id"].is_unique
    cat = pd.read_csv(COACHING / "services.csv")
    assert set(p["service"]) == set(cat["service"])
    assert {"OHD", "IMK", "Leerwerkloket", "KonnecteD"} == set(p["organisation"])
    assert (p["caseload"] <= p["capacity"]).all()
    assert (p["hours_booked"] <= p["capacity_hours"]).all()


def _municipality(programme):
    areas = libmatch.read_areas(DATA / "municipalities.geojson", "id")
    return areas, programme["municipality"]


@pytest.mark.parametrize("name", ["requests.csv", "requests_next_week.csv"])
def test_coaching_requests(name, programme):
    r = pd.read_csv(COACHING / name, dtype={"applicant_id": str})
    assert r["applicant_id"].is_unique
    assert all(re.fullmatch(r"D\d{4}", a) for a in r["applicant_id"])
    cat = pd.read_csv(COACHING / "services.csv")
    assert set(r["service"]) <= set(cat["service"])
    assert set(r["priority"]) <= {0, 1, 2}
    heavy = r["hours"].dropna()
    assert (heavy > 0).all() and set(r.loc[r["hours"].notna(), "service"]) <= {"coaching"}
    # different addresses: no pair within the round's default duplicate tolerance (25 m)
    from scipy.spatial import cKDTree

    assert not cKDTree(r[["x", "y"]].to_numpy(float)).query_pairs(25.0)
    areas, muni = _municipality(programme)
    inside = np.array(areas.locate_ids(r[["x", "y"]].to_numpy(float)), dtype=object)
    assert (inside == muni).all()  # all in the programme's municipality


def test_this_week_is_deventer_scale():
    r = pd.read_csv(COACHING / "requests.csv")
    assert len(r) == 350 and r["service"].nunique() == 6
    imk = r[r["service"] == "imk"]
    assert len(imk) > 30  # more asked than the 30 slots


def test_next_week_brings_acute_viability_studies():
    week1 = pd.read_csv(COACHING / "requests.csv", dtype={"applicant_id": str})
    week2 = pd.read_csv(COACHING / "requests_next_week.csv", dtype={"applicant_id": str})
    assert not set(week1["applicant_id"]) & set(week2["applicant_id"])
    acute = week2[(week2["service"] == "imk") & (week2["priority"] == 2)]
    assert len(acute) == 8 and (week2["service"] == "imk").sum() == 8
    assert week2["registered"].min() > week1["registered"].max()
    readme = (DATA / "README.md").read_text()
    assert all(a in readme for a in acute["applicant_id"])


@pytest.mark.parametrize("limit", ["reserve", "slots"])
def test_coaching_round_is_independent_of_row_order(limit):
    """Heavy cases give advisors mixed hours per case (knapsack rows) while slots or the
    reservation bind: equal-cost optima must still be broken by ids, not by input order."""
    cat = pd.read_csv(COACHING / "services.csv")
    providers = pd.read_csv(COACHING / "providers.csv", dtype={"advisor_id": str})
    requests = pd.read_csv(COACHING / "requests.csv", dtype={"applicant_id": str})
    assert requests["hours"].notna().any()  # the mixed efforts this test is about
    rules = {"reserve": [("imk", 10, 2)]} if limit == "reserve" else {}
    if limit == "slots":
        cat["max_cases"] = cat["max_cases"].where(cat["service"] != "imk", 20)

    def matching(seed):
        adv = providers.sample(frac=1, random_state=seed).reset_index(drop=True)
        req = requests.sample(frac=1, random_state=seed + 100).reset_index(drop=True)
        res = libmatch.match(req, adv, services=cat, rules=rules)
        assert res.status == "optimal"
        out = res.assignments.sort_values("applicant_id")
        return out[["applicant_id", "advisor_id"]].to_csv(index=False)

    first = matching(0)
    for seed in range(1, 6):
        assert matching(seed) == first, f"row order {seed} changed the matching"
