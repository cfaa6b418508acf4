"""Designing for the programme: demand in hours, capacity in advisor hours, reach, and one-call
simulation of a plan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

import libmatch

DATA = Path(__file__).resolve().parents[2] / "data"


def strip(n=4):
    cells = [shapely.box(x * 1000, 0, x * 1000 + 1000, 1000) for x in range(n)]
    return libmatch.AreaSet.from_wkb(shapely.to_wkb(cells), [f"u{i}" for i in range(n)])


def test_demand_hours_is_counts_times_catalogue_hours():
    counts = pd.DataFrame({"a": [1.0, 2.0, 0.0], "b": [0.5, 0.0, 4.0]}, index=["x", "y", "z"])
    cat = pd.DataFrame({"service": ["b", "a"], "hours": [10.0, 36.0]})
    h = libmatch.demand_hours(counts, cat)
    expected = counts["a"] * 36.0 + counts["b"] * 10.0
    assert h.tolist() == expected.tolist()
    assert h.index.tolist() == ["x", "y", "z"]


def test_demand_hours_bad_input():
    cat = pd.DataFrame({"service": ["a"], "hours": [1.0]})
    with pytest.raises(libmatch.UnknownIdError):
        libmatch.demand_hours(pd.DataFrame({"zz": [1.0]}), cat)
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.demand_hours(pd.DataFrame({"a": [-1.0]}), cat)
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.demand_hours(pd.DataFrame({"a": [1.0]}), cat.rename(columns={"hours": "h"}))
    with pytest.raises(libmatch.InvalidTypeError):
        libmatch.demand_hours([1, 2], cat)


def test_hours_capacity_and_share_outside_reach():
    units = strip(4)
    demand = np.array([10.0, 20.0, 30.0, 40.0])  # hours
    # One advisor per area: bases in u0 and u3, radius 1.2 km (reaches one neighbour).
    adv = pd.DataFrame(
        {"x": [500.0, 3500.0], "y": [500.0, 500.0], "capacity_hours": [30.0, 70.0]}
    ).assign(radius_km=[1.2, 1.2])
    ev = libmatch.evaluate_plan(units, [0, 0, 1, 1], demand, advisors=adv)
    assert ev["capacity_hours"].tolist() == [30.0, 70.0]
    assert ev["demand_hours"].tolist() == [30.0, 70.0]
    assert ev["outside_reach_share"].tolist() == [0.0, 0.0]
    ev = libmatch.evaluate_plan(units, [0, 0, 0, 1], demand, advisors=adv)
    # Area 0 = u0..u2 served from u0: u2 is 2 km away, beyond 1.2 km -> 30 of 60 hours.
    assert ev["outside_reach_share"].tolist() == [pytest.approx(0.5), 0.0]
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.evaluate_plan(units, [0, 0, 1, 1], demand, advisors=adv.assign(radius_km=-1.0))


def test_plan_simulates_in_one_call():
    units = libmatch.read_areas(DATA / "municipalities.geojson", "id")
    farms = pd.read_csv(DATA / "farms.csv")
    idx = units.locate(farms[["x", "y"]].to_numpy())
    demand = np.bincount(idx[idx >= 0], minlength=len(units)).astype(float)
    plan = libmatch.design_areas(units, demand, k=4, seed=0, starts=2)
    scenario = libmatch.Scenario(DATA / "scenario.json").replace(horizon_weeks=8)
    advisors = pd.read_csv(DATA / "advisors.csv")
    runs = plan.simulate(scenario, seeds=[0, 1], advisors=advisors)
    assert runs["seed"].tolist() == [0, 1]
    assert (runs["weeks"] == 8).all()
    # The same plan and seeds give the same year; the plan's areas are the simulated ones.
    again = plan.simulate(scenario, seeds=[0, 1], advisors=advisors)
    pd.testing.assert_frame_equal(runs, again)
    assert {"wait_mean", "travel_mean", "outside_area_share"} <= set(runs.columns)
