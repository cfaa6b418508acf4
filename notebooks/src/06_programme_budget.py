# %% [markdown]
# # 06 · A programme with hours, money and scarce slots
#
# A municipality's coaching programme for self-employed entrepreneurs, after Deventer's
# *Actieplan Coaching Ondernemers* (seed 003): an intake of 1.5 h, internal coaching of 10 h,
# an F-scan of 3 h, an E-scan of 0.5 h and a referral of 1 h, each with its price, plus only
# **30 viability studies** by partner IMK at EUR 2,095, within **EUR 200,000** in total.
# Acute cases come first. The bundled data (`data/coaching/`, fictional, made by
# `tools/generate_data.py` in the largest town of the bundled province) holds the catalogue,
# the twelve providers (OHD staff and the chain partners Leerwerkloket, KonnecteD and IMK,
# each with hours) and this week's 350 requests.
#
# `libmatch.match(..., services=, budget_eur=, rules={"reserve": ...})` decides exactly who gets
# what: nobody above their hours or cases, spend within the money left, slots within their
# cap, and scarce hours, slots and money to higher priority first. Paths are relative to
# `notebooks/`.

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import libmatch

DATA = Path("..") / "data" / "coaching"
programme = json.loads((DATA / "programme.json").read_text())
services = pd.read_csv(DATA / "services.csv")
providers = pd.read_csv(DATA / "providers.csv", dtype={"advisor_id": str})
requests = pd.read_csv(DATA / "requests.csv", dtype={"applicant_id": str})
budget = programme["budget_eur"]
reserve = [tuple(r) for r in programme["reserve"]]
print(
    f"{programme['municipality_name']}: EUR {programme['budget_total_eur']:,.0f} in total, "
    f"EUR {programme['committed_eur']:,.0f} committed, EUR {budget:,.0f} left; "
    f"reservation {reserve}"
)
services

# %%
providers

# %% [markdown]
# This week 350 entrepreneurs each ask for one product; about one in thirteen has acute
# problems (priority 2). At list price they ask for more than the providers' free hours and
# the 30 IMK slots can deliver.

# %%
asked = pd.crosstab(requests["service"], requests["priority"], margins=True)
asked

# %% [markdown]
# ## Who gets what this week
#
# Ten of the 30 IMK slots are reserved for acute cases (`min_priority = 2`): lower-priority
# requests can take at most 20 of them this week.

# %%
rules = {"reserve": reserve}
result = libmatch.match(requests, providers, services=services, budget_eur=budget, rules=rules)
print(result.status, "gap", result.gap, "spend EUR", round(result.spend_eur, 2))
result.summary()

# %%
got = result.assignments
served = pd.crosstab(got["service"], got["priority"]).reindex(asked.index[:-1], fill_value=0)
fig, ax = plt.subplots(figsize=(8, 4))
order = list(asked.index[:-1])
ax.bar(order, asked.loc[order, "All"], color="#dddddd", label="asked")
bottom = pd.Series(0, index=order)
for p, colour in zip((2, 1, 0), ("#c0392b", "#e67e22", "#2e86c1")):
    if p in served:
        ax.bar(
            order, served.loc[order, p], bottom=bottom, color=colour, label=f"served, priority {p}"
        )
        bottom = bottom + served.loc[order, p]
ax.set_ylabel("requests")
ax.set_title("This week: asked and served per product")
ax.legend()
plt.show()

# %% [markdown]
# Why the others wait: each escalation names its reason (free hours, slots, money) with the
# detail behind it.

# %%
result.escalations["reason"].value_counts()

# %%
result.escalations.head(8)

# %% [markdown]
# ## What is left
#
# Money, slots and hours after this week's round.

# %%
spend = result.spend_by_service.set_index("service")
left_eur = budget - result.spend_eur
imk_used = result.slots_used["imk"]
print(f"spent EUR {result.spend_eur:,.2f} of EUR {budget:,.0f}: EUR {left_eur:,.2f} left")
print(f"IMK studies: {imk_used} of {programme['imk_slots_total']} used")
spend

# %%
loads = result.loads.set_index("advisor_id")
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
free_before = loads["hours_capacity"] - loads["hours_before"]
axes[0].barh(loads.index, loads["hours_capacity"], color="#dddddd", label="capacity")
axes[0].barh(loads.index, loads["hours_before"], color="#7f8c8d", label="booked before")
axes[0].barh(
    loads.index,
    loads["hours_after"] - loads["hours_before"],
    left=loads["hours_before"],
    color="#27ae60",
    label="this week",
)
axes[0].invert_yaxis()
axes[0].set_xlabel("hours")
axes[0].set_title("Providers' hours")
axes[0].legend(loc="lower right")
axes[1].bar(spend.index, spend["spend_eur"], color="#2e86c1")
axes[1].axhline(0, color="black", lw=0.5)
axes[1].set_ylabel("EUR")
axes[1].set_title(f"Spend this week (EUR {result.spend_eur:,.0f} of {budget:,.0f})")
axes[1].tick_params(axis="x", rotation=30)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## A tighter budget: who loses first?
#
# Run the same week with less money. Priority weighs every case: an acute case left unserved
# costs more than a routine one (`unassigned_per_priority` per level), and within a priority
# the cheaper products go first (more entrepreneurs helped per euro). The weight is per case,
# not per euro: when money is very short, several cheap routine cases can outweigh one dear
# acute study. The reservation (next section) is what keeps slots for acute cases.

# %%
rows = []
for b in (70_000, 80_000, 90_000, 100_000, 110_000, 120_000, budget):
    r = libmatch.match(
        requests, providers, services=services, budget_eur=b, rules=rules, time_limit_s=30
    )
    g = r.assignments
    row = {"budget_eur": b, "spend_eur": r.spend_eur, "status": r.status}
    for p in (0, 1, 2):
        row[f"served p{p}"] = int((g["priority"] == p).sum()) / int(
            (requests["priority"] == p).sum()
        )
    rows.append(row)
sweep = pd.DataFrame(rows)
fig, ax = plt.subplots(figsize=(7, 4))
for p, colour in zip((2, 1, 0), ("#c0392b", "#e67e22", "#2e86c1")):
    ax.plot(
        sweep["budget_eur"] / 1000, sweep[f"served p{p}"], "o-", color=colour, label=f"priority {p}"
    )
ax.set_xlabel("budget this week (EUR 1,000)")
ax.set_ylabel("share of requests served")
ax.set_ylim(0, 1.05)
ax.legend()
ax.set_title("Served share per priority against the money left")
plt.show()
sweep

# %% [markdown]
# ## What acute cases would lose without the reservation
#
# Without the reservation lower-priority requests may take every IMK slot this week. Next
# week brings eight acute viability studies (`requests_next_week.csv`). Play both weeks: the
# second week gets the slots, money and hours the first left over.

# %%
week2 = pd.read_csv(DATA / "requests_next_week.csv", dtype={"applicant_id": str})


def next_week(first):
    """Week 2 with what week 1 left: IMK slots, money and providers' hours and cases."""
    cat = services.copy()
    left_slots = programme["imk_slots_total"] - first.slots_used["imk"]
    cat.loc[cat["service"] == "imk", "max_cases"] = left_slots
    prov = providers.copy()
    after = first.loads.set_index("advisor_id")
    prov["hours_booked"] = prov["advisor_id"].map(after["hours_after"])
    prov["caseload"] = prov["advisor_id"].map(after["caseload_after"])
    second = libmatch.match(
        week2, prov, services=cat, budget_eur=budget - first.spend_eur, rules={}
    )
    return left_slots, second


compare = []
for name, r1 in (
    ("with reservation", result),
    (
        "without reservation",
        libmatch.match(requests, providers, services=services, budget_eur=budget),
    ),
):
    imk1 = r1.assignments[r1.assignments["service"] == "imk"]
    left_slots, r2 = next_week(r1)
    acute = week2[(week2["service"] == "imk") & (week2["priority"] == 2)]["applicant_id"]
    compare.append(
        {
            "rule": name,
            "IMK week 1, priority < 2": int((imk1["priority"] < 2).sum()),
            "IMK week 1, acute": int((imk1["priority"] == 2).sum()),
            "IMK slots left": left_slots,
            "acute IMK week 2 served": int(r2.assignments["applicant_id"].isin(acute).sum()),
            "acute IMK week 2 waiting": int(r2.escalations["applicant_id"].isin(acute).sum()),
        }
    )
compare = pd.DataFrame(compare).set_index("rule")
compare

# %%
ax = compare[["acute IMK week 2 served", "acute IMK week 2 waiting"]].plot.bar(
    stacked=True, color=["#27ae60", "#c0392b"], figsize=(6, 4), rot=0
)
ax.set_ylabel("acute viability studies next week")
ax.set_title("Next week's acute IMK cases")
plt.show()

# %% [markdown]
# The reservation costs this week's lower-priority entrepreneurs a few studies and keeps them
# for the acute cases that arrive later; without it next week's acute cases escalate with
# `slots_exhausted`. `explain(applicant_id)` shows, per provider, the free hours against the
# hours needed and what the request would have cost.

# %%
waiting = result.escalations["applicant_id"].iloc[0]
result.explain(waiting).head(6)
