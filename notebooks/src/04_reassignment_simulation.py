# %% [markdown]
# # Reassignment simulation: a year of weekly rounds, staffing and area designs compared
#
# `libmatch.simulate` replays a year of weekly working-group rounds: requests arrive
# (Poisson per service, locations drawn from the bundled farms), cases complete and free
# capacity, some first conversations fail (*geen klik*) and come back with that advisor
# excluded, advisors leave, join, are absent or change capacity (only their own cases move),
# and every week the queue is matched by the same exact `match` engine. Requests nobody can
# take wait, and are escalated after `escalate_after_weeks` weeks.
#
# Here we compare **two staffing levels** (current capacities and capacities halved) and
# **two orientation-area designs** (the bundled six areas and three larger west / middle /
# east areas) over **50 seeds each**. The same seed brings the same arrivals in every
# variant (common random numbers), so differences come from the design, not from luck.

# %%
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import libmatch

DATA = Path("..") / "data"
SEEDS = range(50)
pd.set_option("display.width", 120)
print("libmatch", libmatch.__version__)

# %% [markdown]
# ## The bundled scenario
# `data/scenario.json`: 52 weeks, 60 advisors (+1 joining in week 26, one leaving in week
# 20, one absence, one capacity cut), four services with gamma-distributed case durations,
# about 9.5 arrivals a week.

# %%
base = libmatch.Scenario(DATA / "scenario.json", name="current staff, 6 areas")
print(base)
pd.DataFrame(base.config["arrivals"])[["service", "rate_per_week"]]

# %% [markdown]
# ## One simulated year
# The weekly table has flows (arrivals, matches, escalations, *no klik* returns,
# reassignments), stocks (waiting, in service) and distributions (waiting time, travel,
# utilisation and its Gini coefficient). Every week the cases add up:
# initial cases + arrivals = matched (in service or completed) + waiting + escalated + referred.

# %%
t0 = time.perf_counter()
year = libmatch.simulate(base, seed=0)
print(f"one year in {(time.perf_counter() - t0) * 1e3:.0f} ms:", year)
w = year.weekly
assert (
    year.summary["initial_cases"] + w["arrivals_total"]
    == w["matched_total"] + w["waiting"] + w["escalated_total"] + w["referred_total"]
).all()
w[
    [
        "week",
        "arrivals",
        "matched",
        "escalated",
        "no_klik_returns",
        "reassigned",
        "waiting",
        "in_service",
        "travel_mean",
        "util_mean",
        "util_gini",
    ]
].head(8)

# %%
year.plot()

# %% [markdown]
# Events move only the cases of the advisor concerned (minimum disruption): a leaver's open
# cases (week 20), and the most recent cases above a reduced capacity (week 40). How many
# moved depends on the caseload at that moment; here the first seed where cases moved:

# %%
moved_per_seed = pd.Series(
    {s: libmatch.simulate(base, s, details=False).summary["reassigned"] for s in range(20)}
)
print("cases reassigned per seed:", moved_per_seed.tolist())
example = libmatch.simulate(base, seed=int(moved_per_seed.idxmax()))
stints = example.assignments
moved = stints[stints["end"] == "reassigned"]
after = (
    stints[stints["case_id"].isin(moved["case_id"]) & (stints["end"] != "reassigned")]
    .sort_values("week_start")
    .drop_duplicates("case_id")
)  # the next advisor
moved[["case_id", "advisor_id", "week_start", "week_end"]].merge(
    after[["case_id", "advisor_id", "week_start"]],
    on="case_id",
    how="left",
    suffixes=("_before", "_after"),
)

# %% [markdown]
# ## Four variants
# *Lean staff*: every advisor's capacity halved (at least 1). *Three areas*: the six
# orientation areas dissolved into west, middle and east columns; each advisor works in the
# merged areas that contain its old ones.

# %%
advisors = pd.read_csv(DATA / "advisors.csv", dtype={"areas": str, "expertise": str})
lean_capacity = np.maximum(1, np.round(advisors["capacity"] * 0.5)).astype(int)
lean = advisors.assign(
    capacity=lean_capacity, caseload=np.minimum(advisors["caseload"], lean_capacity)
)

six = base.areas
stats = six.stats()
column = pd.qcut(stats["centroid_x"].rank(method="first"), 3, labels=False).to_numpy()
names = ["West", "Midden", "Oost"]
three = six.dissolve(column, names)
to_three = {oa: names[c] for oa, c in zip(six.ids, column)}
print(to_three)


def in_three_areas(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(
        areas=[";".join(sorted({to_three[a] for a in s.split(";")})) for s in table["areas"]]
    )


events3 = [
    dict(e, advisor=dict(e["advisor"], areas=to_three[e["advisor"]["areas"]]))
    if e["type"] == "join"
    else e
    for e in base.config["events"]
]
variants = {
    "current staff, 6 areas": base,
    "lean staff, 6 areas": base.replace(name="lean staff, 6 areas", advisors=lean),
    "current staff, 3 areas": base.replace(
        name="current staff, 3 areas",
        areas=three,
        advisors=in_three_areas(advisors),
        events=events3,
    ),
    "lean staff, 3 areas": base.replace(
        name="lean staff, 3 areas", areas=three, advisors=in_three_areas(lean), events=events3
    ),
}
fig, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
for ax, (title, areas) in zip(axes, [("6 orientation areas", six), ("3 orientation areas", three)]):
    areas.plot(ax=ax)
    ax.set_title(title)
    ax.set_axis_off()

# %% [markdown]
# ## 4 variants x 50 seeds
# `simulate_many` runs every (variant, seed) pair on all cores with the GIL released; the
# result is one row per run and equals a loop of `simulate`.

# %%
t0 = time.perf_counter()
runs = libmatch.simulate_many(variants, SEEDS, progress=False)
print(f"{len(runs)} simulated years in {time.perf_counter() - t0:.1f} s")
kpis = [
    "escalated",
    "escalated_no_capacity",
    "wait_mean",
    "wait_max",
    "travel_mean",
    "outside_area_share",
    "util_mean",
    "util_gini_mean",
]
runs.groupby("scenario", sort=False)[kpis].mean().round(3)

# %% [markdown]
# ## Waiting time and utilisation distributions
# Case-level detail for the same 50 seeds: the weeks from registration to the first match
# for every matched request, and the utilisation (caseload / capacity) of every advisor in
# every week.

# %%
waits, utils = {}, {}
for name, sc in variants.items():
    w_, u_ = [], []
    for seed in SEEDS:
        r = libmatch.simulate(sc, seed)
        c = r.cases[(r.cases["registered"] >= 0) & (r.cases["first_matched"] >= 0)]
        w_.append((c["first_matched"] - c["registered"]).to_numpy())
        aw = r.advisor_weeks
        u_.append(aw.loc[aw["status"] == "in_pool", "utilisation"].dropna().to_numpy())
    waits[name], utils[name] = np.concatenate(w_), np.concatenate(u_)

fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), constrained_layout=True)
ax = axes[0]
bins = np.arange(0, max(v.max() for v in waits.values()) + 2) - 0.5
for name, v in waits.items():
    share = np.histogram(v, bins=bins)[0] / len(v)
    ax.plot(bins[:-1] + 0.5, share, marker="o", label=name)
ax.set_yscale("log")
ax.set_xticks(bins[:-1] + 0.5)
ax.set_xlabel("weeks from registration to first match")
ax.set_ylabel("share of matched requests")
ax.set_title("waiting time")
ax.legend(fontsize=8)
ax = axes[1]
ax.violinplot(list(utils.values()), showmedians=True)
ax.set_xticks(range(1, len(utils) + 1), [n.replace(", ", "\n") for n in utils], fontsize=8)
ax.set_ylabel("caseload / capacity (advisor-weeks)")
ax.set_title("utilisation")

# %%
fig, axes = plt.subplots(1, 4, figsize=(14, 3.8), constrained_layout=True)
for ax, col, label in zip(
    axes,
    ["escalated", "travel_mean", "util_mean", "util_gini_mean"],
    ["escalated per year", "travel (min, mean)", "utilisation (mean)", "utilisation Gini"],
):
    data = [runs.loc[runs["scenario"] == n, col].to_numpy() for n in variants]
    ax.boxplot(data)
    ax.set_xticks(
        range(1, len(variants) + 1), [n.replace(", ", "\n") for n in variants], fontsize=7
    )
    ax.set_title(label + " over 50 seeds", fontsize=10)

# %% [markdown]
# ## Reading the comparison
# The table below gives each variant's mean over the 50 seeds and the difference to the
# current design; because every variant saw the same arrivals per seed, the paired
# differences per seed are far less noisy than the spread of any single KPI.

# %%
ref = runs[runs["scenario"] == "current staff, 6 areas"].set_index("seed")
rows = []
for name in variants:
    cur = runs[runs["scenario"] == name].set_index("seed")
    d = cur[kpis] - ref[kpis]
    rows.append(
        pd.Series(
            {
                f"{k} (mean)": cur[k].mean()
                for k in ("escalated", "wait_mean", "travel_mean", "util_mean")
            }
            | {f"{k} (paired diff)": d[k].mean() for k in ("escalated", "travel_mean")}
            | {"paired diff escalated, sd": d["escalated"].std()},
            name=name,
        )
    )
pd.DataFrame(rows).round(3)

# %% [markdown]
# ## Larger sweeps on a Dask cluster
# The same sweep runs on a Dask cluster with identical results; on one machine
# `simulate_many` is faster, a cluster pays off when one machine is not enough:
#
# ```python
# from dask.distributed import Client
# import libmatch.distributed
# client = Client("tcp://scheduler-host:8786")      # or Client(LocalCluster(n_workers=2))
# runs = libmatch.distributed.simulate_sweep(client, variants, range(10_000))
# ```
#
# Or from the command line, for one scenario and many seeds (CSV + a PNG of the main KPIs):
# `libmatch simulate --scenario data/scenario.json --seeds 0-99 --out out/sim`.
