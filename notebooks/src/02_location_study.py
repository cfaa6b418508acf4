# %% [markdown]
# # Brief location study (*beknopte locatiestudie*) and travel radius
#
# Before the weekly working group picks an advisor for a request it looks at **where the
# business locations are**: in which orientation area and municipality, how close to a
# Natura 2000 area, which advisors have the location within their **action radius**
# (*actieradius*), and whether another request already covers the same location (the
# "no double engagement / no shopping" rule).
#
# `libmatch.location_study` does all of that in one call. This notebook runs it for the
# bundled (fictional) requests with travel times over the bundled road network, draws a map
# with advisor radii, and ends with the table a working group would read.

# %%
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.patches import Circle

import libmatch

DATA = Path("..") / "data"
SHARED = Path("..") / ".." / "shared" / "data"  # real Dutch data, when present
pd.set_option("display.width", 140)
pd.set_option("display.max_columns", 20)
print("libmatch", libmatch.__version__)

# %% [markdown]
# ## Context layers, requests and advisors
# Every layer is an `AreaSet` in EPSG:28992 (metres). The layer names become column
# prefixes in the study.

# %%
layers = {
    "area": libmatch.read_areas(DATA / "orientation_areas.geojson", "id"),
    "municipality": libmatch.read_areas(DATA / "municipalities.geojson", "id"),
    "natura2000": libmatch.read_areas(DATA / "nature_areas.geojson", "id"),
}
requests = pd.read_csv(DATA / "requests.csv")
advisors = pd.read_csv(DATA / "advisors.csv")
for name, layer in layers.items():
    print(f"{name:13s} {layer}")
print(
    f"{len(requests)} business locations of {requests.applicant_id.nunique()} requests, "
    f"{len(advisors)} advisors"
)

# %% [markdown]
# ## Travel model: the road network
# `roads.geojson` has a road class, a `maxspeed` that is empty on about a fifth of the local
# roads (the class speed is used there) and one-way streets. Lines are joined where they
# share a vertex; a location reaches its nearest road with a short snap leg at 15 km/h.

# %%
class_speeds = {
    "motorway": 100,
    "primary": 80,
    "secondary": 60,
    "tertiary": 50,
    "unclassified": 50,
    "residential": 30,
}
t0 = time.perf_counter()
roads = libmatch.RoadNetwork.from_file(
    DATA / "roads.geojson",
    speed_field="maxspeed",
    class_field="class",
    class_speeds=class_speeds,
    oneway_field="oneway",
    snap_max_m=500,
)
print(roads, f"built in {time.perf_counter() - t0:.2f} s")
print(f"{roads.component_count} connected parts (the holiday park has no public road access)")

# %% [markdown]
# How does the road network compare with the default straight-line model (x1.3 at 60 km/h)?
# All advisor-to-location pairs, both models:

# %%
adv_xy = advisors[["x", "y"]].to_numpy(float)
loc_xy = requests[["x", "y"]].to_numpy(float)
t0 = time.perf_counter()
by_road = roads.pairs(adv_xy, loc_xy)
t_road = time.perf_counter() - t0
straight = libmatch.StraightLine().pairs(adv_xy, loc_xy)
both = by_road.merge(straight, on=["origin", "destination"], suffixes=("_road", "_line"))
print(
    f"{len(by_road):,} pairs by road in {t_road * 1000:.0f} ms; "
    f"unreachable {by_road.attrs['unreachable_pairs']}, "
    f"unsnapped locations {len(by_road.attrs['unsnapped_destinations'])}"
)
detour = (both.km_road / (both.km_line / 1.3)).median()
print(
    f"median road detour factor: {detour:.2f}; median road speed "
    f"{(both.km_road / both.minutes_road * 60).median():.0f} km/h"
)

fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(both.minutes_line, both.minutes_road, s=2, alpha=0.3)
lim = [0, max(both.minutes_line.max(), both.minutes_road.max())]
ax.plot(lim, lim, color="0.3", lw=1)
ax.set_xlabel("straight line x1.3 at 60 km/h (minutes)")
ax.set_ylabel("road network (minutes)")
ax.set_title("Advisor base to business location")
plt.show()

# %% [markdown]
# ## The location study
# One row per business location, in input order. Advisors count as "within radius" when
# the **road** travel is within their `radius_km` and/or `radius_minutes` (empty = no
# limit in that unit); the same model should then be used by matching.

# %%
t0 = time.perf_counter()
study = libmatch.location_study(
    requests,
    layers,
    advisors=advisors,
    travel=roads,
    max_distance_m=10_000,
    duplicate_tolerance_m=25,
)
print(f"studied {len(study)} locations in {(time.perf_counter() - t0) * 1000:.0f} ms")
study.head()

# %% [markdown]
# Points to raise in the working group:

# %%
dups = study.dropna(subset=["duplicate_of"])
print("possible double engagement (another request within 25 m):")
print(
    dups[["applicant_id", "duplicate_of", "duplicate_distance_m", "municipality_id"]].to_string(
        index=False
    )
)
near_n2k = study[study.natura2000_distance_m < 1000]
print(
    f"\n{len(near_n2k)} locations within 1 km of a Natura 2000 area "
    f"({near_n2k.applicant_id.nunique()} requests): zaakbegeleider / nature expertise?"
)
few = study[study.advisors_in_radius < 5]
print(f"{len(few)} locations with fewer than 5 advisors in radius")

# %% [markdown]
# ## Map: locations, advisors and their radius
# Left: all locations, coloured by the number of advisors (all services) that reach them by
# road within their radius; triangles are the *vabimpuls* advisors' bases. Right: one
# advisor's radius. The circle is `radius_km` as a straight line (`radius_km / 1.3`); filled
# dots are the locations this advisor really reaches within `radius_km` **by road**.


# %%
def base_map(ax):
    roads.plot(ax=ax, colors="0.85", linewidths=0.4)
    layers["natura2000"].plot(ax=ax, facecolor="#b7dfb0", edgecolor="#4f8f45", linewidth=0.6)
    layers["municipality"].plot(ax=ax, edgecolor="0.7", linewidth=0.4)
    layers["area"].plot(ax=ax, edgecolor="0.15", linewidth=1.4)
    st = layers["area"].stats()
    ax.set_xlim(st.min_x.min() - 3000, st.max_x.max() + 3000)
    ax.set_ylim(st.min_y.min() - 3000, st.max_y.max() + 3000)
    for _, r in st.iterrows():
        ax.annotate(r.id, (r.centroid_x, r.centroid_y), fontsize=10, weight="bold", ha="center")
    ax.set_xticks([])
    ax.set_yticks([])


fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 6.5))
base_map(ax1)
vab = advisors[advisors.service == "vabimpuls"]
sc = ax1.scatter(
    study.x,
    study.y,
    c=study.advisors_in_radius,
    cmap="viridis",
    s=16,
    zorder=3,
    label="business location",
)
ax1.scatter(vab.x, vab.y, marker="^", color="#c0392b", s=40, zorder=4, label="vabimpuls advisor")
ax1.scatter(
    dups.x,
    dups.y,
    marker="o",
    facecolor="none",
    edgecolor="red",
    s=140,
    linewidth=1.5,
    zorder=5,
    label="possible duplicate",
)
plt.colorbar(sc, ax=ax1, shrink=0.7, label="advisors within radius (by road)")
ax1.legend(loc="lower left")
ax1.set_title("Bundled requests and advisors")

base_map(ax2)
one = vab[vab.radius_km.notna()].iloc[0]
reach = roads.pairs(np.array([[one.x, one.y]]), loc_xy, max_km=one.radius_km)
inside = np.zeros(len(requests), bool)
inside[reach.destination.to_numpy()] = True
ax2.add_patch(
    Circle(
        (one.x, one.y),
        one.radius_km * 1000 / 1.3,
        fill=False,
        edgecolor="#c0392b",
        linewidth=1.5,
        linestyle="--",
        label=f"{one.radius_km:g} km / 1.3 straight line",
    )
)
ax2.scatter(
    loc_xy[~inside, 0],
    loc_xy[~inside, 1],
    s=14,
    facecolor="none",
    edgecolor="0.4",
    zorder=3,
    label="beyond radius by road",
)
ax2.scatter(
    loc_xy[inside, 0],
    loc_xy[inside, 1],
    s=16,
    color="#2471a3",
    zorder=3,
    label=f"within {one.radius_km:g} road km ({inside.sum()})",
)
ax2.scatter([one.x], [one.y], marker="^", color="#c0392b", s=90, zorder=4)
ax2.legend(loc="lower left")
ax2.set_title(f"Action radius of advisor {one.advisor_id} ({one.service}, areas {one.areas})")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## The table for the working group
# `location_study_summary` gives one row per request: the primary location's areas, other
# locations that lie elsewhere, duplicates and the advisor situation. Requests that need
# attention come first.

# %%
summary = libmatch.location_study_summary(study)
summary["attention"] = (
    summary.duplicate_of.notna()
    | (summary.locations_elsewhere > 0)
    | (summary.advisors_in_radius < 5)
)
primary = study[study.is_primary].set_index("applicant_id")
summary["natura2000_m"] = (
    primary.loc[summary.applicant_id, "natura2000_distance_m"].round(0).to_numpy()
)
summary["nearest_n2k"] = primary.loc[summary.applicant_id, "natura2000_nearest_id"].to_numpy()
summary = summary.merge(
    requests.drop_duplicates("applicant_id")[["applicant_id", "service", "needs"]],
    on="applicant_id",
)
table = summary.sort_values(["attention", "applicant_id"], ascending=[False, True])[
    [
        "applicant_id",
        "service",
        "needs",
        "area_id",
        "municipality_id",
        "n_locations",
        "elsewhere",
        "duplicate_of",
        "nearest_n2k",
        "natura2000_m",
        "advisors_in_radius",
        "nearest_advisor_id",
        "nearest_advisor_minutes",
    ]
]
table["nearest_advisor_minutes"] = table["nearest_advisor_minutes"].round(1)
table.head(20)

# %% [markdown]
# Requests per orientation area, and how many advisors reach them:

# %%
summary.groupby("area_id").agg(
    requests=("applicant_id", "size"),
    median_advisors_in_radius=("advisors_in_radius", "median"),
    median_minutes_nearest=("nearest_advisor_minutes", "median"),
    duplicates=("duplicate_of", "count"),
).round(1)

# %% [markdown]
# ## Real data (when `../shared/data` is present)
# 4,554 real farmhouse locations (national monuments with original function *boerderij*,
# within 5 km of a Natura 2000 area) against the 2023 municipalities, provinces and 160
# Natura 2000 areas. The same call, on real geometry.

# %%
if (SHARED / "nl_farms_2026.gpkg").exists():
    import geopandas as gpd

    farms = gpd.read_file(SHARED / "nl_farms_2026.gpkg", layer="boerderijen")
    farms["applicant_id"] = farms["monument_nr"].astype(str)
    admin = SHARED / "nl_admin_2023.gpkg"
    real_layers = {
        "gemeente": libmatch.read_areas(admin, "statcode", layer="gemeenten"),
        "provincie": libmatch.read_areas(admin, "statcode", layer="provincies"),
        "natura2000": libmatch.read_areas(admin, "naam", layer="natura2000"),
    }
    t0 = time.perf_counter()
    real = libmatch.location_study(farms, real_layers, max_distance_m=10_000)
    print(
        f"{len(real)} farms studied in {time.perf_counter() - t0:.2f} s; "
        f"{int((real.natura2000_distance_m == 0).sum())} inside a Natura 2000 area, "
        f"{int(real.duplicate_of.notna().sum())} within 25 m of another monument"
    )
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(real.natura2000_distance_m.dropna() / 1000, bins=50)
    ax.set_xlabel("distance to the nearest Natura 2000 area (km)")
    ax.set_ylabel("farms")
    plt.show()
    display(
        real.groupby("provincie_id")
        .agg(farms=("applicant_id", "size"), median_n2k_m=("natura2000_distance_m", "median"))
        .round(0)
    )
else:
    print("../shared/data is absent: real-data section skipped")
