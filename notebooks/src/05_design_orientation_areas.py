# %% [markdown]
# # Designing orientation areas (*oriëntatiegebieden*)
#
# The source process says the division into orientation areas is still to be decided.
# This notebook builds areas from municipalities with `libmatch.design_areas`, maps
# them, and compares designs with `libmatch.evaluate_plan`.
#
# **Objective** (lower is better): `balance x imbalance + travel x mean_travel_km /
# reference_km + 0.01 x (1 - mean Polsby-Popper)`, where *imbalance* is the
# capacity-weighted RMS deviation of each area's load (demand / capacity) from the overall
# load, *travel* is the demand-weighted mean travel from the area's advisor bases (or, without
# advisors, from the area's demand-weighted centre), and *reference_km* is the radius of a
# disc with the mean area size. **Contiguity is a hard rule**: every area is connected
# through shared borders (islands only with `islands="attach"`).

# %%
import json
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import libmatch

DATA = Path("..") / "data"
SHARED = Path("..") / ".." / "shared" / "data"
print("libmatch", libmatch.__version__)

# %% [markdown]
# ## 1. The bundled (fictional) province
# 53 municipalities, about 2,000 farms (the demand: farms per municipality) and 60 advisors
# with a base location and a capacity. The municipalities carry the bundled default design
# (`orientation_area`, OA01..OA06), which we compare with a designed one.

# %%
units = libmatch.read_areas(DATA / "municipalities.geojson", "id")
farms = pd.read_csv(DATA / "farms.csv")
advisors = pd.read_csv(DATA / "advisors.csv")
demand = farms.groupby("municipality").size().reindex(units.ids, fill_value=0).astype(float)
with open(DATA / "municipalities.geojson", encoding="utf-8") as fh:
    props = [f["properties"] for f in json.load(fh)["features"]]
current = pd.Series({p["id"]: p["orientation_area"] for p in props}).reindex(units.ids)
print(
    units,
    f"| {int(demand.sum())} farms | {len(advisors)} advisors, "
    f"capacity {advisors['capacity'].sum()}",
)
current.value_counts().sort_index().to_frame("municipalities").T

# %% [markdown]
# The current design, evaluated with the advisors' bases and capacities and a straight-line
# travel model (1.3 x the crow-flies distance at 50 km/h):

# %%
travel = libmatch.StraightLine(detour=1.3, speed_kmh=50)
before = libmatch.evaluate_plan(units, current, demand, advisors=advisors, travel=travel)
before.round(3)

# %% [markdown]
# Now a designed plan with the same number of areas. Every area must contain at least one
# advisor base; `seed` makes the result reproducible (whatever the number of threads).

# %%
t = time.perf_counter()
plan = libmatch.design_areas(units, demand, k=6, advisors=advisors, travel=travel, seed=1)
print(plan, f"in {time.perf_counter() - t:.2f} s")
after = plan.evaluate()
after.round(3)

# %% [markdown]
# A third option keeps the current areas' names and improves the current design
# ("repair mode": `initial=`); the result is never worse than the starting plan.

# %%
improved = libmatch.design_areas(
    units, demand, None, advisors=advisors, travel=travel, initial=current, seed=1
)
moved = (improved.assignment != current).sum()
print(improved, f"| {moved} of {len(units)} municipalities change area")


# %%
def summary(df, name):
    s = df.attrs["summary"]
    return pd.Series(
        {
            "objective": s["objective"],
            "imbalance": s["imbalance"],
            "mean travel km": s["mean_travel_km"],
            "max travel km": s["max_travel_km"],
            "max load ratio": df["load_ratio"].max(),
            "min load ratio": df["load_ratio"].min(),
            "mean Polsby-Popper": df["polsby_popper"].mean(),
            "all contiguous": s["contiguous"],
        },
        name=name,
    )


comparison = pd.concat(
    [
        summary(before, "current (OA01-OA06)"),
        summary(improved.evaluate(), "current, improved"),
        summary(after, "designed"),
    ],
    axis=1,
)
comparison

# %%
fig, axes = plt.subplots(1, 3, figsize=(16, 5.5))
libmatch.plot_plan(units, current, ax=axes[0])
improved.plot(ax=axes[1])
plan.plot(ax=axes[2])
for ax, title in zip(axes, comparison.columns):
    ax.scatter(advisors["x"], advisors["y"], s=8, c="black", marker="^", label="advisor base")
    ax.set_title(f"{title}\nobjective {comparison.loc['objective', title]:.3f}")
    ax.set_axis_off()
axes[0].legend(loc="lower left", fontsize=8)
plt.tight_layout()

# %% [markdown]
# The designed areas are ordinary polygons: `plan.to_areas()` is an `AreaSet` usable in
# matching (membership of business locations), and `plan.to_file("plan.gpkg")` writes
# them for GIS. Here: farms per designed area, located with the dissolved polygons.

# %%
designed_areas = plan.to_areas()
farm_area = designed_areas.locate_ids(farms[["x", "y"]].to_numpy())
pd.Series(farm_area).value_counts().sort_index().rename("farms").to_frame().T

# %% [markdown]
# ## 2. Noord-Brabant (real 2023 municipalities)
# The 56 municipalities of province PV30 from `../shared/data` (CBS, generalised). Demand:
# the real farmhouse locations of `nl_farms_2026.gpkg` (national monuments, within 5 km of a
# Natura 2000 area) counted per municipality - a stand-in for requests per year. Skipped with a
# message when the shared data is absent.

# %%
ADMIN, FARMS = SHARED / "nl_admin_2023.gpkg", SHARED / "nl_farms_2026.gpkg"
have_real = ADMIN.exists() and FARMS.exists()
if not have_real:
    print(f"skipping Noord-Brabant: real data not found in {SHARED.resolve()}")
else:
    import geopandas as gpd

    gem = gpd.read_file(ADMIN, layer="gemeenten")
    brabant = gem[gem["provcode"] == "PV30"].reset_index(drop=True)
    nb_units = libmatch.AreaSet.from_geodataframe(brabant, "statcode")
    farm_pts = gpd.read_file(FARMS, layer="boerderijen")
    xy = np.column_stack([farm_pts.geometry.x, farm_pts.geometry.y])
    idx = nb_units.locate(xy)
    nb_demand = pd.Series(
        np.bincount(idx[idx >= 0], minlength=len(nb_units)).astype(float), index=nb_units.ids
    )
    print(
        nb_units,
        f"| {int(nb_demand.sum())} farms inside,",
        f"{int((nb_demand == 0).sum())} municipalities without one",
    )

# %% [markdown]
# Two designs with k = 6: the default weights, and one that weighs travel three times as
# much (areas follow the farms more closely, loads differ more).

# %%
if have_real:
    t = time.perf_counter()
    nb_plan = libmatch.design_areas(nb_units, nb_demand, k=6, seed=0)
    nb_travel = libmatch.design_areas(nb_units, nb_demand, k=6, seed=0, weights={"travel": 3.0})
    print(f"two designs in {time.perf_counter() - t:.2f} s")
    nb_a, nb_b = nb_plan.evaluate(), nb_travel.evaluate()
    # Score both on the default objective, for a like-for-like comparison.
    nb_b_default = libmatch.evaluate_plan(nb_units, nb_travel.labels, nb_demand)
    print(
        pd.concat(
            [
                summary(nb_a, "default weights"),
                summary(nb_b_default, "travel x3 (scored by default weights)"),
            ],
            axis=1,
        )
    )
    nb_a.round(3)

# %%
if have_real:
    fig, axes = plt.subplots(1, 2, figsize=(14, 6))
    nb_plan.plot(ax=axes[0])
    nb_travel.plot(ax=axes[1])
    for ax, p, title in zip(axes, (nb_plan, nb_travel), ("default weights", "travel x3")):
        ax.scatter(xy[idx >= 0, 0], xy[idx >= 0, 1], s=2, c="black")
        ax.set_title(
            f"Noord-Brabant, {title}: imbalance {p.imbalance:.3f}, "
            f"mean travel {p.mean_travel_km:.1f} km"
        )
        ax.set_axis_off()
    plt.tight_layout()

# %% [markdown]
# ## 3. How good is a plan? The proven bound, and plans under hard bounds
# `design_areas(..., bound=True)` also computes a **lower bound on the objective of every
# possible plan**, within `bound_time_limit_s` (here 8 s per plan). It needs travel measured
# from each area's medoid municipality, so these plans use `StraightLine(detour=1)` as the
# travel model. Two methods, the larger bound wins (`plan.bound_lagrangian`,
# `plan.bound_mip`):
# - a banded Lagrangian relaxation: plans grouped by their imbalance, every area's demand
#   share boxed accordingly, contiguity dropped (but a municipality only joins a centre it can
#   reach through no more than an area's demand), solved as one knapsack per centre - fast,
#   and it works on all 342 municipalities too;
# - an exact model (a Hess-style MIP: every municipality assigned to an area *centre*,
#   contiguity by a flow from each centre, COIN-OR CBC) in the time left, up to 150 units.
#
# Both bound balance + travel exactly or from below; the compactness tie-breaker counts at its
# floor 0, so the gap includes that small term. `plan.gap = (objective - bound) / objective`
# says how far, at most, the plan is from the best one; `status` is "optimal" when the gap
# (without compactness) is below 0.1 %. With `bound=True` the search itself runs at
# `effort="thorough"` (32 starts, 1000 proposals per municipality each; about a second here)
# unless `effort`, `starts` or `iterations` is given: a plan worth defending is worth a longer
# search. On Noord-Brabant the gap is about 6 %: most of it is the relaxation (no
# contiguity), not the plan - see benchmarks/RESULTS.md.

# %%
if have_real:
    line = libmatch.StraightLine(detour=1.0)
    t = time.perf_counter()
    plans = {
        "default weights": libmatch.design_areas(
            nb_units, nb_demand, k=6, travel=line, seed=0, bound=True, bound_time_limit_s=8
        ),
        "travel x3": libmatch.design_areas(
            nb_units,
            nb_demand,
            k=6,
            travel=line,
            seed=0,
            weights={"travel": 3.0},
            bound=True,
            bound_time_limit_s=8,
        ),
    }
    print(f"two plans with their bounds in {time.perf_counter() - t:.1f} s")
    quality = pd.DataFrame(
        {
            name: {
                "objective": p.objective,
                "lower bound": p.bound,
                "Lagrangian bound": p.bound_lagrangian,
                "MIP bound": p.bound_mip,
                "gap %": 100 * p.gap,
                "status": p.status,
                "imbalance": p.imbalance,
                "mean travel km": p.mean_travel_km,
            }
            for name, p in plans.items()
        }
    )
    display(quality)  # noqa: F821 (Jupyter)

# %% [markdown]
# Planners state some rules as **hard bounds**, never traded against the objective: every
# area within +-10 % of its fair share of demand, at most 14 municipalities per area,
# 's-Hertogenbosch (GM0796) and Eindhoven (GM0772) in different areas, Tilburg (GM0855)
# fixed to area 0. The plan honours all of them (`evaluate_plan` with the same bounds lists
# any violation; here none), at a small price in the objective.

# %%
if have_real:
    hard = {
        "demand_bounds": (0.9, 1.1),
        "max_units": 14,
        "cannot_link": [("GM0796", "GM0772")],
        "area_of": {"GM0855": 0},
    }
    bounded = libmatch.design_areas(
        nb_units, nb_demand, k=6, travel=line, seed=0, bound=True, bound_time_limit_s=8, **hard
    )
    check = libmatch.evaluate_plan(nb_units, bounded.labels, nb_demand, travel=line, **hard)
    print(bounded, f"| gap {100 * bounded.gap:.1f} % ({bounded.status})")
    print("violated bounds:", check.attrs["summary"]["violations"] or "none")
    display(check[["units", "demand", "load_ratio", "mean_travel_km"]].round(3))  # noqa: F821

    fig, axes = plt.subplots(1, 2, figsize=(14, 6))
    for ax, (title, p) in zip(
        axes, (("no hard bounds", plans["default weights"]), ("hard bounds", bounded))
    ):
        p.plot(ax=ax)
        ax.set_title(
            f"Noord-Brabant, {title}\nobjective {p.objective:.3f}, "
            f"gap to the bound {100 * p.gap:.1f} % ({p.status})"
        )
        ax.set_axis_off()
    plt.tight_layout()

# %% [markdown]
# Bounds that cannot all hold are reported with the smallest set that conflicts (dropping
# any one of them makes the rest possible), not a bare failure:

# %%
if have_real:
    try:
        libmatch.design_areas(
            nb_units, nb_demand, k=6, seed=0, demand_bounds=(0.9, 1.1), max_units=9
        )
    except libmatch.InfeasibleBoundsError as exc:
        print("conflict:", exc.conflict)

# %% [markdown]
# ## Designing for the programme's hours
# With the service catalogue, demand becomes expected **hours** per municipality per year
# (`demand_hours`: expected cases per service x the catalogue's hours per case) and advisors
# bring `capacity_hours`; `evaluate_plan` then reports demand and capacity in hours, and with
# `radius_km` the share of each area's demand outside every radius of the area's advisors.
# The plan runs through the year simulation in one call (`plan.simulate`).

# %%
catalogue = pd.DataFrame({"service": ["vabimpuls", "intake"], "hours": [36.0, 1.5]})
cases = pd.DataFrame({"vabimpuls": 0.1 * demand, "intake": 0.5 * demand})  # per year
hours = libmatch.demand_hours(cases, catalogue)
advisors_h = advisors.assign(capacity_hours=200.0 * advisors["capacity"])
plan_h = libmatch.design_areas(units, hours, k=6, advisors=advisors_h, travel=travel, seed=1)
plan_h.evaluate()[
    ["units", "demand_hours", "capacity_hours", "load_ratio", "outside_reach_share"]
].round(3)

# %%
year = plan_h.simulate(libmatch.Scenario(DATA / "scenario.json"), seeds=range(5), advisors=advisors)
year[["seed", "matched", "escalated", "wait_mean", "travel_mean", "outside_area_share"]].round(3)

# %% [markdown]
# ## A short simulation: current orientation areas vs the designed plan
# The same year (`data/scenario.json`: arrivals, events, 'no klik' returns) is simulated
# under both designs for 20 seeds. In the designed plan every advisor works in the new area
# that contains their base (the joiner of the scenario's events too).

# %%
import copy

cfg = json.loads((DATA / "scenario.json").read_text())
designed_cfg = copy.deepcopy(cfg)
adv_designed = advisors.copy()
adv_designed["areas"] = designed_areas.locate_ids(adv_designed[["x", "y"]].to_numpy())
designed_cfg.update(name="designed", areas=designed_areas, advisors=adv_designed)
for event in designed_cfg.get("events", []):
    if event.get("type") == "join":
        xy_join = np.array([[event["advisor"]["x"], event["advisor"]["y"]]], dtype=float)
        event["advisor"]["areas"] = designed_areas.locate_ids(xy_join)[0]
scenarios = {
    "current": libmatch.Scenario(cfg, base_dir=DATA),
    "designed": libmatch.Scenario(designed_cfg, base_dir=DATA),
}
t = time.perf_counter()
runs = libmatch.simulate_many(scenarios, range(20), progress=False)
print(f"{len(runs)} simulated years in {time.perf_counter() - t:.2f} s")
kpis = ["matched", "escalated", "wait_mean", "travel_mean", "outside_area_share", "util_gini_mean"]
runs.groupby("scenario")[kpis].mean().round(3)

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, col, label in zip(
    axes,
    ["travel_mean", "outside_area_share"],
    ["mean travel (min)", "share of cases outside own area"],
):
    runs.boxplot(column=col, by="scenario", ax=ax)
    ax.set_title(label)
    ax.set_xlabel("")
fig.suptitle("20 simulated years per design")
plt.tight_layout()

# %% [markdown]
# Reading it: matching, escalations and travel hardly change, but the share of cases handled
# outside the advisor's own area rises, because in this comparison each advisor works in just
# one designed area (the one with their base), while today they list one to three areas.
# Before adopting a design, give advisors their areas in it (e.g. their home area plus its
# neighbours from `units.adjacency()`) and simulate again.

# %% [markdown]
# ## Notes
# - Contiguity is guaranteed; `evaluate_plan` reports `parts` and `contiguous` for any plan,
#   including hand-made ones.
# - For the whole country, the Wadden islands and Zeeuws-Vlaanderen have no land border to the
#   rest: `design_areas` refuses them with a clear error unless `islands="attach"`, which links
#   each to the municipality with the nearest centroid.
# - CLI: `libmatch design --units data/municipalities.geojson --id-field id
#   --demand-points data/farms.csv --k 6 --out plan.gpkg`.
