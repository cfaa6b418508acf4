# %% [markdown]
# # Orientation areas: which area does each business location lie in?
#
# This notebook loads polygon areas, locates farm locations in them with
# `AreaSet.locate` (batch point-in-polygon, all cores, GIL released), and shows
# a map and the counts per area: first on the bundled fictional province, then
# on the real 2023 Dutch municipalities when `../shared/data` is present.

# %%
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

import libmatch

DATA = Path("..") / "data"
SHARED = Path("..") / ".." / "shared" / "data"
print("libmatch", libmatch.__version__)

# %% [markdown]
# ## The bundled province
# Municipalities (EPSG:28992, metres) and about 2,000 farms from the project's
# seeded generator (`tools/generate_data.py`).

# %%
municipalities = libmatch.read_areas(DATA / "municipalities.geojson", "id")
farms = pd.read_csv(DATA / "farms.csv")
xy = farms[["x", "y"]].to_numpy()
farms["located"] = municipalities.locate_ids(xy)
print(
    municipalities,
    f"{len(farms)} farms,",
    f"{farms['located'].isna().sum()} outside every municipality",
)

# %% [markdown]
# The generator recorded each farm's municipality independently (with Shapely);
# libmatch agrees with it:

# %%
agree = (farms["located"] == farms["municipality"]).mean()
print(f"agreement with the generator: {agree:.1%}")
assert agree == 1.0

# %%
counts = farms.groupby("located").size().rename("farms").reindex(municipalities.ids, fill_value=0)
stats = municipalities.stats().set_index("id")
table = pd.DataFrame({"farms": counts, "area_km2": stats["area_m2"] / 1e6})
table["farms_per_100km2"] = 100 * table["farms"] / table["area_km2"]
table.sort_values("farms", ascending=False).head(10).round(1)

# %%
fig, ax = plt.subplots(figsize=(9, 7))
municipalities.plot(ax=ax)
sc = ax.scatter(
    farms["x"], farms["y"], s=3, c=pd.Categorical(farms["farm_type"]).codes, cmap="tab10"
)
for _, row in stats.iterrows():
    ax.annotate(
        str(counts[row.name]),
        (row["centroid_x"], row["centroid_y"]),
        ha="center",
        fontsize=7,
        color="black",
    )
ax.set_title("Bundled province: farms per municipality")
ax.set_xlabel("x (m, EPSG:28992)")
ax.set_ylabel("y (m)")
plt.show()

# %% [markdown]
# ## Real data: 342 municipalities, 12 provinces, 4,554 farm locations
# Skipped with a message when `../shared/data` is not beside the checkout.

# %%
admin = SHARED / "nl_admin_2023.gpkg"
farms_real = SHARED / "nl_farms_2026.gpkg"
HAVE_REAL = admin.exists() and farms_real.exists()
print("real data present:", HAVE_REAL)

# %%
if HAVE_REAL:
    import geopandas as gpd

    gemeenten = libmatch.read_areas(admin, "statcode", layer="gemeenten")
    provincies = libmatch.read_areas(admin, "statcode", layer="provincies")
    real = gpd.read_file(farms_real, layer="boerderijen").to_crs(28992)
    real_xy = np.column_stack([real.geometry.x, real.geometry.y])
    t0 = time.perf_counter()
    real["gemeente"] = gemeenten.locate_ids(real_xy)
    real["provincie_code"] = provincies.locate_ids(real_xy)
    print(f"located {len(real)} farms in {1000 * (time.perf_counter() - t0):.1f} ms")
    names = gpd.read_file(admin, layer="provincies").set_index("statcode")["statnaam"]
    agree = (real["provincie_code"].map(names) == real["provincie"]).mean()
    print(f"province agrees with the farm record for {agree:.2%} of farms")
    display(real.groupby("provincie_code").size().rename("farms").to_frame().T)

# %%
if HAVE_REAL:
    per_gem = real.groupby("gemeente").size()
    gdf = gemeenten.to_geodataframe()
    gdf["farms"] = gdf["id"].map(per_gem).fillna(0)
    ax = gdf.plot(
        column="farms", cmap="YlGn", figsize=(8, 9), legend=True, edgecolor="0.6", linewidth=0.2
    )
    ax.set_title("Monumental farms within 5 km of Natura 2000, per municipality")
    ax.set_axis_off()
    plt.show()
