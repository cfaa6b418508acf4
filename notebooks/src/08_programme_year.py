# %% [markdown]
# # A programme year: products, pathways, EUR 200,000 and 30 IMK studies
#
# The support programme of seed 003 (a municipality coaching entrepreneurs hit by a crisis)
# is a year of weekly decisions: 350 entrepreneurs with a TOZO benefit are approached in
# March and April, acute ones first; each gets an intake, then scans, coaching or a referral
# to a chain partner (BAD, IMK, Leerwerkloket, Konnected, each with limited capacity). The
# programme has EUR 200,000 and 30 IMK viability studies for the whole year, and monitors
# the lead time "from registration to product" every week.
#
# `data/programme/` (made by `tools/generate_programme.py`) is a fictional version of it.
# We ask, over **50 seeds each**:
#
# 1. Can all 350 be served with EUR 200,000? When does the money run out?
# 2. When do the IMK slots run out, with and without holding 10 of them for acute cases?
# 3. What is the lead time per product and per segment (TOZO / without TOZO)?

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import libmatch

DATA = Path("..") / "data" / "programme"
SEEDS = range(50)
pd.set_option("display.width", 140)
print("libmatch", libmatch.__version__)

# %% [markdown]
# ## The programme
# Products with hours and prices, and the pathway after each (probabilities of the next
# product; the rest ends there). Chain partners are pools of their own with a capacity in
# simultaneous cases; IMK has 30 slots over the year.

# %%
prog = libmatch.Scenario(DATA / "scenario.json", name="reserve 10 IMK for acute")
print(prog)
services = prog.config["services"]
pd.DataFrame(
    {
        name: {
            "EUR": sv.get("cost_eur", 0),
            "hours": sv.get("hours_per_case", 0),
            "slots": sv.get("max_cases", ""),
            "next": ", ".join(f"{s['service']} {s['probability']:.0%}" for s in sv.get("next", [])),
        }
        for name, sv in services.items()
    }
).T

# %% [markdown]
# ## One year
# Every week the cases add up, follow-ups included, and the books hold: spend never exceeds
# the budget and no product uses more slots than it has.

# %%
year = libmatch.simulate(prog, seed=0)
w = year.weekly
assert (
    w["arrivals_total"] + w["followups_total"]
    == w["in_service"]
    + w["completed_total"]
    + w["waiting"]
    + w["escalated_total"]
    + w["referred_total"]
).all()
assert (w["spend_eur_total"] <= 200_000).all() and (w["slots_left_imk"] >= 0).all()
print(year)
year.by_service.round(1)

# %%
year.plot()
plt.show()

# %% [markdown]
# ## 1. Can all 350 be served with EUR 200,000?
# `budget_out_week` is the first week after which the money left cannot pay even the
# cheapest product; `escalated_budget_exhausted` counts requests that waited in vain for money.

# %%
hold = prog
no_hold = prog.replace(name="no reservation", reserve=[])
more_money = prog.replace(name="EUR 250,000", budget_eur=250_000)
runs = libmatch.simulate_many(
    {"reserve 10 IMK": hold, "no reservation": no_hold, "EUR 250,000": more_money},
    SEEDS,
    progress=False,
)
cols = [
    "intake_started",
    "coaching_started",
    "spend_eur",
    "budget_out_week",
    "escalated_budget_exhausted",
    "escalated",
]
runs.groupby("scenario", sort=False)[cols].mean().round(1)

# %%
served = runs.groupby("scenario", sort=False)["segment_tozo_started"].describe()
served[["mean", "min", "max"]]

# %% [markdown]
# ## 2. When do the IMK slots run out?
# With 10 slots held for acute cases until week 30, ordinary cases can take only 20; the
# held slots go to acute cases as their scans finish.

# %%
imk = runs.groupby("scenario", sort=False)[
    ["imk_started", "imk_out_week", "escalated_reserved_for_priority"]
].mean()
imk.round(1)


# %%
def weekly_band(variants, column, ylabel):
    """Mean of a weekly column over the seeds, with its 10-90 % band, per variant."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for name, sc in variants:
        left = np.array([libmatch.simulate(sc, s, details=False).weekly[column] for s in SEEDS])
        ax.plot(left.mean(axis=0), label=name)
        ax.fill_between(
            range(left.shape[1]),
            np.quantile(left, 0.1, axis=0),
            np.quantile(left, 0.9, axis=0),
            alpha=0.2,
        )
    ax.set_xlabel("week")
    ax.set_ylabel(ylabel)
    ax.legend()
    ax.grid(alpha=0.3)
    plt.show()


weekly_band(
    (("reserve 10 IMK", hold), ("no reservation", no_hold)), "slots_left_imk", "IMK slots left"
)

# %% [markdown]
# ## 3. Lead time from registration to product
# Per product and per segment, mean over the 50 seeds (days from the entrepreneur's
# registration to the start of the product).

# %%
lead = runs[runs["scenario"] == "reserve 10 IMK"]
per_product = pd.DataFrame(
    {
        name: {
            "started": lead[f"{name}_started"].mean(),
            "lead days mean": lead[f"{name}_lead_days_mean"].mean(),
            "lead days p90": lead[f"{name}_lead_days_p90"].mean(),
        }
        for name in prog.service_names
    }
).T
per_product.round(1)

# %%
lead[[c for c in lead.columns if c.startswith("segment_")]].mean().round(1)

# %% [markdown]
# ## The budget curve
# Money left per week, mean and 10-90% band over the seeds, with the reservation and with more money.

# %%
weekly_band((("reserve 10 IMK", hold), ("EUR 250,000", more_money)), "budget_left_eur", "EUR left")
