# %% [markdown]
# # 07 · Regional modules: membership, referrals and a register of running cases
#
# In a regional cooperation (seed 004, MGR Centraal Gelderland) eleven municipalities each
# choose which **modules** (services) they join. A request from a municipality that has not
# joined a module is **referred**, not served; requests outside the team's scope are referred
# too (e.g. to the municipality's social team). And nobody may get a second, parallel
# advisor: a **register of running cases** (applicant key such as a KvK number, or the
# location) blocks double engagement across weeks.
#
# Every request ends as exactly one of: **assigned**, **escalated** (the working group
# decides) or **referred** (goes elsewhere, with a destination). This notebook builds a
# fictional region of 11 municipalities from the bundled (generated) province, two modules
# with different members, runs one round and maps the referrals by municipality.
# Paths are relative to `notebooks/`.

# %%
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import libmatch

DATA = Path("..") / "data"
province = libmatch.read_areas(DATA / "municipalities.geojson", "id")
names = gpd.read_file(DATA / "municipalities.geojson").set_index("id")["name"]
print(len(province), "municipalities in the bundled fictional province")

# %% [markdown]
# ## 1. A region of 11 neighbouring municipalities
# Grown from the first municipality through shared borders (`AreaSet.adjacency`), so the
# region is contiguous; it becomes the **membership layer** (`service_areas=`).

# %%
adj = province.adjacency()
neighbours = {k: set() for k in range(len(province))}
for a, b in zip(adj["a"], adj["b"]):
    neighbours[int(a)].add(int(b))
    neighbours[int(b)].add(int(a))
region_idx, frontier = [0], [0]
while len(region_idx) < 11:
    nxt = sorted(n for k in frontier for n in neighbours[k] if n not in region_idx)
    frontier = []
    for n in nxt:
        if len(region_idx) < 11 and n not in region_idx:
            region_idx.append(n)
            frontier.append(n)
region_ids = [province.ids[k] for k in region_idx]
region = libmatch.AreaSet.from_wkb([province.wkb(k) for k in region_idx], region_ids)
pd.DataFrame({"id": region_ids, "name": [names[i] for i in region_ids]})

# %% [markdown]
# ## 2. The catalogue: two modules with different members, one referral-only service
# `offered_in` lists the member municipalities (ids of the membership layer); `refer_to` is
# where requests from elsewhere go. The employer service point (`wsp`) has nine members, the
# youth desk (`jongeren`) six; debt counselling (`schuldhulp`) is never served by this team.

# %%
wsp_members = region_ids[:9]
youth_members = region_ids[3:9]
catalogue = pd.DataFrame(
    {
        "service": ["wsp", "jongeren", "schuldhulp"],
        "offered_in": [";".join(wsp_members), ";".join(youth_members), ""],
        "referral_only": [False, False, True],
        "refer_to": [
            "werkgeversloket eigen gemeente",
            "jongerenloket eigen gemeente",
            "sociaal team van de gemeente",
        ],
        "hours": [6.0, 10.0, 0.0],
    }
)
membership = pd.DataFrame(
    {
        "name": [names[i] for i in region_ids],
        "wsp": [i in wsp_members for i in region_ids],
        "jongeren": [i in youth_members for i in region_ids],
    },
    index=region_ids,
)
membership

# %% [markdown]
# ## 3. This week's requests, the advisors and the register
# Requests come from farms of the region (and a few from just outside it); each carries an
# opaque `applicant_key` (a fictional KvK number: never printed by libmatch). Account managers
# of each module work from member municipalities. The register lists running cases: two by
# applicant key, one by location only (a farm visited last month).

# %%
rng = np.random.default_rng(7)
farms = pd.read_csv(DATA / "farms.csv")
inside = farms[farms["municipality"].isin(region_ids)].sample(70, random_state=1)
outside = farms[~farms["municipality"].isin(region_ids)].sample(6, random_state=2)
picked = pd.concat([inside, outside], ignore_index=True)
requests = pd.DataFrame(
    {
        "applicant_id": [f"V{k + 1:03d}" for k in range(len(picked))],
        "x": picked["x"],
        "y": picked["y"],
        "service": rng.choice(["wsp", "jongeren", "schuldhulp"], len(picked), p=[0.6, 0.3, 0.1]),
        "applicant_key": [f"KVK{n:08d}" for n in rng.integers(10**7, 10**8, len(picked))],
    }
)
where = region.locate_ids(requests[["x", "y"]].to_numpy(float))
requests["municipality"] = [w if isinstance(w, str) else "(outside)" for w in where]
members = {"wsp": wsp_members, "jongeren": youth_members}
served = [
    k
    for k, (s, m) in enumerate(zip(requests["service"], requests["municipality"]))
    if m in members.get(s, ())
]
k1, k2, k3 = served[:3]
stats = region.stats()
centre = {i: (stats["centroid_x"][k], stats["centroid_y"][k]) for k, i in enumerate(region_ids)}
advisors = pd.DataFrame(
    [
        {
            "advisor_id": f"{s[:3].upper()}{j + 1}",
            "x": centre[m][0],
            "y": centre[m][1],
            "service": s,
            "capacity": 12,
            "radius_km": 40,
        }
        for s, members in (("wsp", wsp_members), ("jongeren", youth_members))
        for j, m in enumerate(members[::3])
    ]
)
register = pd.DataFrame(
    {
        "applicant_key": [requests["applicant_key"][k1], requests["applicant_key"][k2], ""],
        "advisor_id": [
            advisors["advisor_id"][advisors["service"] == requests["service"][k]].iloc[0]
            for k in (k1, k2, k3)
        ],
        "service": [requests["service"][k] for k in (k1, k2, k3)],
        "x": [np.nan, np.nan, requests["x"][k3] + 8.0],  # 8 m from that request's farm
        "y": [np.nan, np.nan, requests["y"][k3]],
    }
)
print(len(requests), "requests,", len(advisors), "advisors,", len(register), "running cases")
advisors

# %% [markdown]
# ## 4. One round
# Referrals are decided first (`out_of_scope`, `not_in_module`), then the register
# (`already_in_guidance`, naming the running advisor), duplicates, and the exact solve.

# %%
result = libmatch.match(
    requests, advisors, services=catalogue, service_areas=region, register=register
)
result

# %%
result.summary()

# %%
result.referrals.head(10)

# %%
result.escalations[["applicant_id", "service", "reason", "detail"]]

# %% [markdown]
# ## 5. Referrals by municipality, on a map
# Left: which municipalities joined `wsp`; right: `jongeren`. Requests are drawn by outcome;
# a request referred `not_in_module` sits in a municipality that did not join its module.

# %%
ref = result.referrals.merge(requests[["applicant_id", "municipality"]], on="applicant_id")
by_muni = ref.pivot_table(
    index="municipality", columns="reason", values="applicant_id", aggfunc="count", fill_value=0
)
by_muni

# %%
gdf = region.to_geodataframe()
gdf = gdf.join(membership[["wsp", "jongeren"]], on=gdf.columns[0])
outcome = np.select(
    [
        requests["applicant_id"].isin(result.assignments.applicant_id),
        requests["applicant_id"].isin(result.referrals.applicant_id),
    ],
    ["assigned", "referred"],
    "escalated",
)
colours = {"assigned": "#2e7d32", "escalated": "#ef6c00", "referred": "#c62828"}
fig, axes = plt.subplots(1, 2, figsize=(13, 6))
for ax, module in zip(axes, ("wsp", "jongeren")):
    gdf.plot(ax=ax, color=np.where(gdf[module], "#bbdefb", "#eeeeee"), edgecolor="#555555")
    for _, row in gdf.iterrows():
        p = row.geometry.representative_point()
        ax.annotate(names[row[gdf.columns[0]]], (p.x, p.y), fontsize=7, ha="center")
    mine = (requests["service"] == module).to_numpy()
    for kind, colour in colours.items():
        sel = mine & (outcome == kind)
        ax.scatter(
            requests["x"][sel],
            requests["y"][sel],
            s=22,
            color=colour,
            label=kind,
            marker="x" if kind == "referred" else "o",
        )
    ax.set_title(f"module '{module}': members blue ({int(gdf[module].sum())} of 11)")
    ax.set_axis_off()
    ax.legend(loc="lower left", fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 6. The location study shows membership before the round
# With the catalogue, `location_study` adds `offered_<service>` per location: where the
# working group can see at a glance which modules a business location is entitled to.

# %%
study = libmatch.location_study(
    requests[["applicant_id", "x", "y"]],
    {"gemeente": region},
    services=catalogue,
    service_areas="gemeente",
)
study.groupby("gemeente_id", dropna=False)[["offered_wsp", "offered_jongeren"]].mean()

# %% [markdown]
# ## 7. Cross-border vacancies with several positions
# The employer service point also matches **vacancies** of member municipalities' employers
# to **job seekers** from anywhere in the province (the labour market does not stop at the
# border). A vacancy with `quantity` 3 gets up to three different job seekers, never the same
# one twice; a job seeker (capacity 1) takes one job. Positions that stay open are escalated
# `unfilled_position`, with how many are open. Vacancies from non-members are referred.

# %%
vac_farms = farms[farms["municipality"].isin(region_ids)].sample(14, random_state=3)
vacancies = pd.DataFrame(
    {
        "applicant_id": [f"VAC{k + 1:02d}" for k in range(len(vac_farms))],
        "x": vac_farms["x"].to_numpy(),
        "y": vac_farms["y"].to_numpy(),
        "service": "vacature",
        "quantity": rng.integers(1, 4, len(vac_farms)),
    }
)
seeker_farms = farms.sample(30, random_state=4)
seekers = pd.DataFrame(
    {
        "advisor_id": [f"WZ{k + 1:02d}" for k in range(len(seeker_farms))],
        "x": seeker_farms["x"].to_numpy(),
        "y": seeker_farms["y"].to_numpy(),
        "service": "vacature",
        "capacity": 1,
        "radius_km": 25,
    }
)
vacancy_catalogue = pd.DataFrame(
    {"service": ["vacature"], "offered_in": [";".join(wsp_members)], "refer_to": ["eigen WSP"]}
)
jobs = libmatch.match(vacancies, seekers, services=vacancy_catalogue, service_areas=region)
seeker_home = region.locate_ids(seekers[["x", "y"]].to_numpy(float))
cross = jobs.assignments.merge(
    pd.DataFrame({"advisor_id": seekers["advisor_id"], "home": seeker_home}), on="advisor_id"
)
print(
    f"{int(vacancies['quantity'].sum())} positions in {len(vacancies)} vacancies: "
    f"{len(jobs.assignments)} filled, {int(cross['home'].isna().sum())} of them by a job "
    "seeker from outside the region"
)
jobs.assignments[["applicant_id", "position", "advisor_id", "minutes"]].head(12)

# %%
jobs.escalations[["applicant_id", "reason", "detail"]]

# %%
jobs.referrals[["applicant_id", "reason", "refer_to"]]
