"""The matplotlib plots: the round map (referrals drawn and counted apart from escalations),
the area plan (legend outside the map, natural order, "1 unit", a title) and the weekly
simulation KPIs (empty panels say so, count panels from 0, a unit on every y axis, too few
axes refused)."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import shapely  # noqa: E402

import libmatch  # noqa: E402
from libmatch import datasets as ds  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _legend_texts(ax) -> list[str]:
    leg = ax.get_legend()
    assert leg is not None
    return [t.get_text() for t in leg.get_texts()]


def _offsets(ax, label: str) -> int:
    """Points of the scatter drawn with ``label`` (0 when there is none)."""
    return sum(len(c.get_offsets()) for c in ax.collections if c.get_label() == label)


# ---- RoundResult.plot ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def round_inputs():
    areas = libmatch.read_areas(ds.path("orientation_areas"), "id")
    requests = pd.read_csv(ds.path("requests"), dtype=str)
    advisors = pd.read_csv(ds.path("advisors"), dtype={"advisor_id": str})
    return areas, requests, advisors


@pytest.fixture(scope="module")
def referral_round(round_inputs):
    areas, requests, advisors = round_inputs
    services = sorted(set(requests["service"]))
    catalogue = pd.DataFrame(
        {
            "service": services,
            "referral_only": [s == services[0] for s in services],
            "refer_to": ["elsewhere"] * len(services),
        }
    )
    return libmatch.match(requests, advisors, areas, services=catalogue)


@pytest.mark.parametrize("by", ["outcome", "service"])
def test_round_plot_draws_and_counts_referrals_apart(round_inputs, referral_round, by):
    res = referral_round
    assigned = res.assignments["applicant_id"].nunique()
    escalated, referred = len(res.escalations), len(res.referrals)
    assert referred > 0 and escalated > 0  # the round exercises all three outcomes
    ax = res.plot(round_inputs[0], by=by)
    assert ax.get_title() == (
        f"Weekly round: {assigned} assigned, {escalated} escalated, {referred} referred"
    )
    labels = _legend_texts(ax)
    assert "referred" in labels and "escalated" in labels
    assert _offsets(ax, "referred") == referred
    assert _offsets(ax, "escalated") == escalated
    # the area labels never paint over the legend
    assert ax.get_legend().get_zorder() > max(t.get_zorder() for t in ax.texts)


def test_round_plot_without_referrals_has_no_referred_entry(round_inputs):
    areas, requests, advisors = round_inputs
    res = libmatch.match(requests, advisors, areas)
    assert len(res.referrals) == 0
    ax = res.plot(areas, by="outcome")
    assert "referred" not in _legend_texts(ax)
    assert _offsets(ax, "escalated") == len(res.escalations)
    assert ax.get_title().endswith(f"{len(res.escalations)} escalated, 0 referred")


# ---- AreaPlan.plot / plot_plan ---------------------------------------------------------------


@pytest.fixture(scope="module")
def plan20():
    units = libmatch.read_areas(ds.path("municipalities"), "id")
    farms = pd.read_csv(ds.path("farms"))
    demand = farms.groupby("municipality").size().reindex(units.ids, fill_value=0)
    return libmatch.design_areas(units, demand.astype(float), k=20, seed=0)


def _label_of(entry: str) -> str:
    return entry.split(" (")[0]


def test_plan_plot_legend_outside_in_numeric_order_with_title(plan20):
    ax = plan20.plot()
    fig = ax.figure
    fig.canvas.draw()
    entries = _legend_texts(ax)
    assert [int(_label_of(e)) for e in entries] == list(range(20))
    leg = ax.get_legend()
    box, axes_box = leg.get_window_extent(), ax.get_window_extent()
    assert box.x0 >= axes_box.x1  # right of the map, so it covers no area ...
    assert not box.overlaps(axes_box)
    assert fig.bbox.contains(box.x1 - 1, box.y0 + 1)  # ... and still on the figure
    assert leg.get_zorder() > max(t.get_zorder() for t in ax.texts)
    assert ax.get_title().startswith("20 areas")
    counts = np.bincount(plan20.labels, minlength=plan20.k)
    by_label = dict(zip(plan20.area_ids, counts))
    for e in entries:
        c = by_label[_label_of(e)]
        assert e.endswith(f"({c} unit)" if c == 1 else f"({c} units)")


def test_plot_plan_natural_order_singular_and_default_title():
    cells = [shapely.box(x, 0, x + 1000, 1000) for x in range(0, 5000, 1000)]
    units = libmatch.AreaSet.from_wkb(shapely.to_wkb(cells), list("abcde"))
    ax = libmatch.plot_plan(units, ["OA10", "OA2", "OA2", "OA1", "OA10"])
    assert _legend_texts(ax) == ["OA1 (1 unit)", "OA2 (2 units)", "OA10 (2 units)"]
    assert ax.get_title() == "3 areas, 5 units"
    ax = libmatch.plot_plan(units, [0, 0, 1, 1, 1], title="")
    assert ax.get_title() == ""


# ---- SimulationResult.plot -------------------------------------------------------------------

_COUNT_PANELS = ("requests waiting", "escalated (cumulative)", "slots left")


@pytest.fixture(scope="module")
def base_scenario():
    return libmatch.Scenario(ds.path("scenario"))


@pytest.fixture(scope="module")
def programme_result():
    return libmatch.simulate(libmatch.Scenario(ds.path("programme")), 0, details=False)


def test_sim_plot_empty_run_says_so_and_counts_start_at_zero(base_scenario):
    quiet = base_scenario.replace(
        name="no arrivals",
        arrivals=[dict(a, rate_per_week=0) for a in base_scenario.config["arrivals"]],
    )
    r = libmatch.simulate(quiet, 0, details=False)
    assert r.summary["matched_first"] == 0
    panels = {ax.get_title().split(" (")[0]: ax for ax in np.ravel(r.plot())}
    for title in ("wait to first match", "travel to the advisor"):
        assert [t.get_text() for t in panels[title].texts] == ["no matches in this run"]
    for title in ("requests waiting", "escalated"):
        lo, hi = panels[title].get_ylim()
        assert lo == 0 and hi >= 1  # not -0.04..0.04 around the zero line
    assert all(not ax.texts for t, ax in panels.items() if "utilisation" in t)


@pytest.mark.parametrize("which", ["base", "programme"])
def test_sim_plot_every_panel_has_a_unit_and_counts_from_zero(
    base_scenario, programme_result, which
):
    r = programme_result if which == "programme" else libmatch.simulate(base_scenario, 0)
    axes = np.ravel(r.plot())
    assert len(axes) == (8 if which == "programme" else 6)
    units = {ax.get_title(): ax.get_ylabel() for ax in axes}
    assert all(units.values()), units
    assert units["wait to first match (mean)"] == "weeks"
    assert units["travel to the advisor (mean)"] == "minutes"
    assert units["requests waiting"] == "cases"
    if which == "programme":
        assert units["budget: left, spent (dashed)"] == "EUR"
    for ax in axes:
        if ax.get_title() in _COUNT_PANELS:
            assert ax.get_ylim()[0] == 0


def test_sim_plot_refuses_too_few_axes(base_scenario, programme_result):
    _, axes = plt.subplots(2, 3)
    with pytest.raises(libmatch.InvalidInputError, match=re.escape("8 axes needed")):
        programme_result.plot(axes=axes)
    assert not any(ax.get_lines() for ax in np.ravel(axes))  # nothing half drawn
    _, axes = plt.subplots(2, 4)
    out = programme_result.plot(axes=axes)
    titles = [ax.get_title() for ax in np.ravel(out)]
    assert titles[3].startswith("budget") and titles[7] == "slots left"
    plain = libmatch.simulate(base_scenario, 0, details=False)
    _, axes = plt.subplots(2, 3)  # the documented 2 x 3 use of a plain scenario
    assert len([ax for ax in np.ravel(plain.plot(axes=axes)) if ax.get_lines()]) == 6
    with pytest.raises(libmatch.InvalidInputError, match=re.escape("6 axes needed")):
        plain.plot(axes=np.ravel(axes)[:5])
