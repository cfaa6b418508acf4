# %% [markdown]
# # 03 · The weekly matching round
#
# The working group (*werkgroep beoordeling en toewijzing*) meets weekly and assigns every new
# request (*aanvraag*) to an advisor (*begeleider*), or escalates it. `libmatch.match` makes that
# decision exactly optimal under explicit rules, and explains it.
#
# This notebook runs one round on the bundled (fictional) data, reads the explanation of one
# match, shows the map, writes the working group's Monday sheet (a self-contained HTML report
# in Dutch) with its audit record, then changes a weight and watches assignments move.
# Paths are relative to `notebooks/`.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import libmatch

DATA = Path("..") / "data"
areas = libmatch.read_areas(DATA / "orientation_areas.geojson", "id")
requests = pd.read_csv(DATA / "requests.csv", dtype=str)
advisors = pd.read_csv(DATA / "advisors.csv", dtype={"advisor_id": str})
print(
    len(requests["applicant_id"].unique()),
    "requests,",
    len(advisors),
    "advisors,",
    len(areas),
    "orientation areas",
)
requests.head()

# %% [markdown]
# ## Run the round
#
# Hard rules: same service, the advisor covers every needed expertise tag, no conflict of
# interest (`exclude`), within the advisor's radius, free capacity. Soft costs (in points, one
# point = one travel minute): travel, outside the advisor's orientation areas, workload (convex),
# continuity, and an escalation cost that grows with priority. See `libmatch.Weights`.

# %%
result = libmatch.match(requests, advisors, areas)
result

# %%
result.summary()

# %%
result.assignments.head(10)

# %% [markdown]
# Every request is either assigned or escalated with a reason. The duplicate (same farm as an
# earlier request) and the request nobody can take are among the escalations:

# %%
result.escalations

# %%
result.loads.sort_values("utilisation", ascending=False).head(10)

# %% [markdown]
# ## Why this advisor? Why not that one?
#
# `explain(applicant_id)` lists every advisor of the pool: the first hard rule that excludes it,
# or, if eligible, its cost components, total and rank. The load cost of a non-chosen advisor is
# the marginal cost of one more case on top of this round's assignments.

# %%
applicant = result.assignments.sort_values("total").iloc[len(result.assignments) // 2][
    "applicant_id"
]
ex = result.explain(applicant)
ex.head(8)

# %%
ex["verdict"].value_counts()

# %%
result.alternatives[result.alternatives["applicant_id"] == applicant]

# %% [markdown]
# ## The map
#
# Left: requests and their line to the advisor's base coloured by service. Right: the same
# round coloured by outcome. Escalations are crosses, advisor bases black triangles; the
# orientation areas are labelled.

# %%
fig, axes = plt.subplots(1, 2, figsize=(16, 8))
result.plot(areas, ax=axes[0], by="service")
result.plot(areas, ax=axes[1], by="outcome")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## The Monday sheet and the audit record
#
# `result.report(path)` writes one HTML file for the working group: counts per outcome and
# service, the map, one section per portfolio (per service without a catalogue) with every
# request's location context, the chosen advisor with a reason in plain Dutch and the
# runner-ups, the escalations with a suggested next step. It embeds everything, so it opens on
# an intranet PC without internet. `to_csv` writes the tables and `audit.json` (hashes of every
# input and output, weights, rules); `libmatch verify DIR` re-runs the round and checks that
# every output is identical.

# %%
out = Path(tempfile.mkdtemp(prefix="round-"))
context = {
    "gemeente": libmatch.read_areas(DATA / "municipalities.geojson", "id"),
    "natura2000": libmatch.read_areas(DATA / "nature_areas.geojson", "id"),
}
report = result.report(out / "weekoverzicht.html", areas=areas, context=context)
result.to_csv(out, rounded=True)
print("report:", report, f"({Path(report).stat().st_size / 1e3:.0f} kB)")
print(sorted(p.name for p in out.iterdir()))

# %%
from libmatch.audit import verify

record = verify(out)
print("verified:", record["counts"], "objective", record["solver"]["objective_points"])

# %% [markdown]
# ## Change a weight, watch assignments move
#
# Make working outside one's orientation areas much more expensive (30 -> 120 points) and
# compare.

# %%
strict = libmatch.match(requests, advisors, areas, weights=libmatch.Weights(outside_area=120))
before = result.assignments.set_index("applicant_id")
after = strict.assignments.set_index("applicant_id")
common = before.index.intersection(after.index)
moved = common[before.loc[common, "advisor_id"] != after.loc[common, "advisor_id"]]
print(f"{len(moved)} requests moved to another advisor")
print(
    "outside-area assignments:",
    int((before["outside_area"] > 0).sum()),
    "->",
    int((after["outside_area"] > 0).sum()),
)
print(
    "mean travel minutes:",
    round(before["minutes"].mean(), 1),
    "->",
    round(after["minutes"].mean(), 1),
)
pd.DataFrame(
    {"before": before.loc[moved, "advisor_id"], "after": after.loc[moved, "advisor_id"]}
).head(10)

# %% [markdown]
# A soft radius instead of a hard one lets the round use advisors slightly beyond their action
# radius at a penalty, which can rescue requests escalated as `all_out_of_radius`:

# %%
soft = libmatch.match(requests, advisors, areas, rules=libmatch.Rules(radius_hard=False))
pd.concat(
    {
        "hard radius": result.escalations["reason"].value_counts(),
        "soft radius": soft.escalations["reason"].value_counts(),
    },
    axis=1,
).fillna(0).astype(int)
