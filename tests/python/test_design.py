"""Orientation-area design: evaluate_plan against a Shapely/GeoPandas computation,
contiguity on the real municipalities, brute-force optimum on a grid, determinism, errors."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

import libmatch

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")
nx = pytest.importorskip("networkx")


# ----------------------------------------------------------------------------- helpers
def grid_gdf(rows: int, cols: int, side: float = 1000.0) -> gpd.GeoDataFrame:
    boxes, ids = [], []
    for r in range(rows):
        for c in range(cols):
            boxes.append(shapely.box(c * side, r * side, (c + 1) * side, (r + 1) * side))
            ids.append(f"u{r}{c}")
    return gpd.GeoDataFrame({"id": ids}, geometry=boxes, crs="EPSG:28992")


def units_of(gdf, id_field="id"):
    return libmatch.AreaSet.from_geodataframe(gdf, id_field)


def shapely_graph(gdf) -> nx.Graph:
    """Neighbours = shared border of positive length (the oracle's adjacency)."""
    geoms = gdf.geometry.values
    a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    length = shapely.length(shapely.intersection(geoms[a], geoms[b]))
    g = nx.Graph()
    g.add_nodes_from(range(len(gdf)))
    g.add_edges_from((int(x), int(y)) for x, y, d in zip(a, b, length) if d > 0)
    return g


def oracle_links(gdf, graph) -> set[tuple[int, int]]:
    """Island rule recomputed: MST over components, weight = nearest centroid pair."""
    cent = np.column_stack([gdf.centroid.x, gdf.centroid.y])
    comps = [sorted(c) for c in nx.connected_components(graph)]
    h = nx.Graph()
    for i, j in itertools.combinations(range(len(comps)), 2):
        best = None
        for u in comps[i]:
            d = np.hypot(*(cent[comps[j]] - cent[u]).T)
            v = int(np.argmin(d))
            key = (float(d[v]), min(u, comps[j][v]), max(u, comps[j][v]))
            best = key if best is None or key < best else best
        h.add_edge(i, j, weight=best[0], pair=best[1:])
    return {h.edges[e]["pair"] for e in nx.minimum_spanning_tree(h).edges}


def oracle_evaluation(gdf, labels, demand, k):
    """Per-area figures and the objective computed with GeoPandas/NumPy only."""
    labels = np.asarray(labels)
    demand = np.asarray(demand, float)
    cent = np.column_stack([gdf.centroid.x, gdf.centroid.y])
    geoms = gdf.geometry.values
    dissolved = [shapely.union_all(geoms[labels == r]) for r in range(k)]
    area = shapely.area(dissolved)
    per = shapely.length(dissolved)
    pp = 4 * math.pi * area / per**2
    D = demand.sum()
    t = np.zeros(len(gdf))
    for r in range(k):
        m = labels == r
        c = (cent[m] * demand[m, None]).sum(0) / demand[m].sum()
        t[m] = np.hypot(*(cent[m] - c).T) / 1000
    dr = np.array([demand[labels == r].sum() for r in range(k)])
    imbalance = math.sqrt(((dr / D - 1 / k) ** 2 * k).sum())
    travel = (demand * t).sum() / D
    ref = math.sqrt(gdf.geometry.area.sum() / (math.pi * k)) / 1000
    objective = imbalance + travel / ref + 0.01 * (1 - pp.mean())
    mean_t = [np.average(t[labels == r], weights=demand[labels == r]) for r in range(k)]
    max_t = [t[labels == r].max() for r in range(k)]
    return {
        "area": area,
        "per": per,
        "pp": pp,
        "demand": dr,
        "mean_t": np.array(mean_t),
        "max_t": np.array(max_t),
        "imbalance": imbalance,
        "travel": travel,
        "objective": objective,
    }


def areas_connected(graph, labels, links=()) -> bool:
    g = graph.copy()
    g.add_edges_from(links)
    return all(
        nx.is_connected(g.subgraph(np.flatnonzero(np.asarray(labels) == r).tolist()))
        for r in np.unique(labels)
    )


@pytest.fixture(scope="module")
def gemeenten(admin_gpkg):  # skips with the reason when ../shared/data is absent
    return gpd.read_file(admin_gpkg, layer="gemeenten")


@pytest.fixture(scope="module")
def brabant(gemeenten):
    return gemeenten[gemeenten.provcode == "PV30"].reset_index(drop=True)


def farm_counts(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).poisson(25, n).astype(float)


# ----------------------------------------------------------------------------- evaluation
def test_evaluate_matches_geopandas_on_brabant(brabant):
    units = units_of(brabant, "statcode")
    demand = farm_counts(len(brabant), 1)
    plan = libmatch.design_areas(units, demand, 6, seed=3, starts=2)
    df = libmatch.evaluate_plan(units, plan.labels, demand)
    ref = oracle_evaluation(brabant, plan.labels, demand, 6)
    assert df.index.tolist() == list(range(6))
    np.testing.assert_allclose(df["demand"], ref["demand"])
    assert df["units"].sum() == len(brabant)
    np.testing.assert_allclose(df["area_km2"], ref["area"] / 1e6, rtol=1e-9)
    np.testing.assert_allclose(df["perimeter_km"], ref["per"] / 1e3, rtol=1e-9)
    np.testing.assert_allclose(df["polsby_popper"], ref["pp"], rtol=1e-9)
    np.testing.assert_allclose(df["mean_travel_km"], ref["mean_t"], rtol=1e-9)
    np.testing.assert_allclose(df["max_travel_km"], ref["max_t"], rtol=1e-9)
    np.testing.assert_allclose(df["load_ratio"], ref["demand"] / (demand.sum() / 6))
    s = df.attrs["summary"]
    assert s["imbalance"] == pytest.approx(ref["imbalance"], rel=1e-9)
    assert s["mean_travel_km"] == pytest.approx(ref["travel"], rel=1e-9)
    assert s["objective"] == pytest.approx(ref["objective"], rel=1e-9)
    assert s["objective"] == pytest.approx(plan.objective, rel=1e-12)
    assert s["contiguous"] and df["contiguous"].all() and (df["parts"] == 1).all()
    # Graph-based compactness (what the objective uses) equals the dissolved polygons'.
    graph_based = libmatch.evaluate_plan(units, plan.labels, demand, dissolve=False)
    np.testing.assert_allclose(graph_based["polsby_popper"], ref["pp"], rtol=1e-6)


def test_evaluate_reports_non_contiguous_areas():
    gdf = grid_gdf(2, 2)
    units = units_of(gdf)
    df = libmatch.evaluate_plan(units, ["x", "y", "y", "x"], [1, 2, 3, 4])
    assert df.index.tolist() == ["x", "y"]
    assert df["parts"].tolist() == [2, 2]
    assert not df["contiguous"].any() and not df.attrs["summary"]["contiguous"]
    assert df["demand"].tolist() == [5.0, 5.0]


def test_evaluate_with_advisors_and_travel_model():
    gdf = grid_gdf(1, 4)
    units = units_of(gdf)
    advisors = pd.DataFrame(
        {"x": [500.0, 3500.0, 3500.0], "y": [500.0] * 3, "capacity": [1.0, 1.0, 2.0]}
    )
    df = libmatch.evaluate_plan(units, [0, 0, 1, 1], [1, 1, 1, 1], advisors=advisors)
    assert df["advisors"].tolist() == [1, 2]
    assert df["capacity"].tolist() == [1.0, 3.0]
    assert df["mean_travel_km"].tolist() == pytest.approx([0.5, 0.5])
    model = libmatch.StraightLine(detour=2.0, speed_kmh=30.0)
    dt = libmatch.evaluate_plan(units, [0, 0, 1, 1], [1, 1, 1, 1], advisors=advisors, travel=model)
    assert dt["mean_travel_km"].tolist() == pytest.approx([1.0, 1.0])
    assert dt["max_travel_min"].tolist() == pytest.approx([4.0, 4.0])


# ----------------------------------------------------------------------------- real data
def test_contiguity_on_all_342_municipalities(gemeenten):
    units = units_of(gemeenten, "statcode")
    demand = pd.Series(farm_counts(len(gemeenten), 2), index=gemeenten.statcode)
    with pytest.raises(libmatch.InvalidInputError, match="GM0448.*islands='attach'"):
        libmatch.design_areas(units, demand, 12)
    plan = libmatch.design_areas(
        units, demand, 12, islands="attach", seed=5, starts=2, iterations=60_000
    )
    graph = shapely_graph(gemeenten)
    links = oracle_links(gemeenten, graph)
    idx = {s: i for i, s in enumerate(gemeenten.statcode)}
    got = {(idx[a], idx[b]) for a, b in zip(plan.links.a_id, plan.links.b_id)}
    assert got == links
    assert sorted(np.unique(plan.labels)) == list(range(12))
    assert areas_connected(graph, plan.labels, links)
    df = plan.evaluate(dissolve=False)
    assert df.attrs["summary"]["contiguous"]
    assert df.attrs["summary"]["imbalance"] < 0.1


def test_contiguity_on_brabant_several_seeds_and_advisors(brabant):
    units = units_of(brabant, "statcode")
    graph = shapely_graph(brabant)
    demand = farm_counts(len(brabant), 3)
    for seed in (0, 1, 2):
        plan = libmatch.design_areas(units, demand, 6, seed=seed, starts=2)
        assert areas_connected(graph, plan.labels)
    bases = brabant.geometry.representative_point().iloc[::7]
    advisors = pd.DataFrame(
        {"x": bases.x, "y": bases.y, "capacity": 1.0 + np.arange(len(bases)) % 3}
    )
    plan = libmatch.design_areas(
        units, demand, 6, advisors=advisors, seed=1, starts=2, travel=libmatch.StraightLine()
    )
    assert areas_connected(graph, plan.labels)
    df = plan.evaluate(dissolve=False)
    assert (df["advisors"] >= 1).all()
    assert np.isfinite(df["mean_travel_min"]).all()


# ----------------------------------------------------------------------------- optimum
def test_grid_optimum_found_by_brute_force():
    gdf = grid_gdf(3, 3)
    units = units_of(gdf)
    demand = np.array([9, 1, 4, 2, 7, 3, 5, 1, 8], float)
    k = 3
    graph = shapely_graph(gdf)
    best = math.inf
    for labels in itertools.product(range(k), repeat=9):
        if len(set(labels)) != k or [labels.index(r) for r in range(k)] != sorted(
            labels.index(r) for r in range(k)
        ):
            continue  # one labelling per partition: labels in order of first use
        if not areas_connected(graph, labels):
            continue
        best = min(best, oracle_evaluation(gdf, labels, demand, k)["objective"])
    plan = libmatch.design_areas(units, demand, k, seed=0, starts=4)
    assert plan.objective == pytest.approx(best, rel=1e-9)


def test_deterministic_for_a_seed(brabant):
    units = units_of(brabant, "statcode")
    demand = farm_counts(len(brabant), 4)
    a = libmatch.design_areas(units, demand, 6, seed=11, starts=4, threads=1)
    b = libmatch.design_areas(units, demand, 6, seed=11, starts=4, threads=2)
    assert np.array_equal(a.labels, b.labels) and a.objective == b.objective


@pytest.mark.parametrize("case", ["centre", "medoid_bounds", "advisors", "islands", "repair"])
def test_design_is_independent_of_unit_row_order(case):
    """The search runs in the id order: the same units in another row order give the same
    plan (area per unit id), the same objective to the last bit and the same island links."""
    gdf = grid_gdf(6, 7)
    if case == "islands":  # two detached squares, linked by the island rule
        far = [shapely.box(9000, y, 10000, y + 1000) for y in (0, 4000)]
        gdf = pd.concat([gdf, gpd.GeoDataFrame({"id": ["z1", "z0"]}, geometry=far, crs=gdf.crs)])
        gdf = gdf.reset_index(drop=True)
    rng = np.random.default_rng(3)
    demand = pd.Series(rng.integers(1, 9, len(gdf)).astype(float), index=gdf["id"])
    kwargs: dict = {"seed": 5}
    if case == "medoid_bounds":
        kwargs |= {
            "travel": libmatch.StraightLine(),
            "demand_bounds": (0.7, 1.3),
            "must_link": [("u00", "u55")],
            "cannot_link": [("u03", "u33")],
        }
    elif case == "advisors":
        kwargs["advisors"] = pd.DataFrame(
            {
                "x": [500.0, 6500, 3500, 500, 6500],
                "y": [500.0, 500, 2500, 5500, 5500],
                "capacity": [3.0, 2, 4, 2, 3],
            }
        )
    elif case == "islands":
        kwargs["islands"] = "attach"
    elif case == "repair":
        west = pd.Series(np.where(gdf["id"].str[2].astype(int) < 4, "west", "east"), gdf["id"])
        kwargs |= {"initial": west, "fixed": ["u00", "u06"]}

    def design(order):
        part = gdf.iloc[order].reset_index(drop=True)
        units = units_of(part)
        plan = libmatch.design_areas(units, demand, None if case == "repair" else 4, **kwargs)
        frame = libmatch.evaluate_plan(
            units,
            plan.assignment,
            demand,
            kwargs.get("advisors"),
            kwargs.get("travel"),
            islands=kwargs.get("islands", "error"),
        )
        links = {frozenset(p) for p in plan.links.itertuples(index=False)}
        return plan.assignment.sort_index(), plan.objective, links, frame

    first = design(np.arange(len(gdf)))
    assert len(first[2]) == (2 if case == "islands" else 0)
    for s in range(4):
        order = np.random.default_rng(100 + s).permutation(len(gdf))
        other = design(order)
        pd.testing.assert_series_equal(other[0], first[0])
        assert other[1] == first[1] and other[2] == first[2]
        pd.testing.assert_frame_equal(other[3], first[3])


# ----------------------------------------------------------------------------- API
def test_series_demand_is_aligned_by_id():
    gdf = grid_gdf(2, 3)
    units = units_of(gdf)
    demand = np.arange(1.0, 7.0)
    series = pd.Series(demand, index=gdf["id"]).iloc[::-1]
    a = libmatch.evaluate_plan(units, [0, 0, 0, 1, 1, 1], demand)
    b = libmatch.evaluate_plan(units, pd.Series([0, 0, 0, 1, 1, 1], index=gdf["id"]), series)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(libmatch.InvalidInputError, match="reindex"):
        libmatch.evaluate_plan(units, [0, 0, 0, 1, 1, 1], series.iloc[1:])


def test_repair_mode_keeps_labels_and_fixed_units():
    gdf = grid_gdf(4, 4)
    units = units_of(gdf)
    demand = np.ones(16)
    demand[[0, 4, 8, 12]] = 20  # column 0 is the main piece of area "west"
    initial = np.where(np.arange(16) % 2 == 0, "west", "east").astype(object)
    plan = libmatch.design_areas(units, demand, None, initial=initial, fixed=["u00"], seed=2)
    assert plan.area_ids == ["east", "west"]
    assert plan.assignment["u00"] == "west"
    assert areas_connected(shapely_graph(gdf), plan.labels)
    start = libmatch.evaluate_plan(units, plan.labels, demand).attrs["summary"]["objective"]
    again = libmatch.design_areas(units, demand, 2, initial=plan.labels, seed=9)
    assert again.objective <= start + 1e-12


def test_plan_outputs(tmp_path):
    gdf = grid_gdf(3, 4)
    units = units_of(gdf)
    plan = libmatch.design_areas(units, np.arange(12.0) + 1, 3, seed=1)
    areas = plan.to_areas()
    assert len(areas) == 3 and areas.ids == ["0", "1", "2"]
    assert plan.assignment.index.tolist() == gdf["id"].tolist()
    path = tmp_path / "plan.gpkg"
    plan.to_file(path)
    back = gpd.read_file(path, layer="areas")
    assert sorted(back["area"]) == ["0", "1", "2"]
    assert back.geometry.area.sum() == pytest.approx(12e6)
    assert "objective" in repr(plan)


def test_cli_design(tmp_path, capsys):
    from libmatch.cli import main

    gdf = grid_gdf(3, 4)
    gdf["farms"] = np.arange(12) % 5 + 1
    src = tmp_path / "units.gpkg"
    gdf.to_file(src, layer="units")
    out = tmp_path / "out" / "plan.gpkg"
    assignment = tmp_path / "assign.csv"
    args = ["design", "--units", str(src), "--id-field", "id", "--k", "3", "--out", str(out)]
    assert main(args + ["--demand-field", "farms", "--assignment", str(assignment)]) == 0
    assert out.exists() and "objective" in capsys.readouterr().out
    assert len(pd.read_csv(assignment)) == 12
    assert len(gpd.read_file(out, layer="areas")) == 3
    points = tmp_path / "farms.csv"
    pd.DataFrame({"x": [500.0, 1500.0, 3500.0, 99999.0], "y": [500.0, 500.0, 2500.0, 0.0]}).to_csv(
        points, index=False
    )
    assert main(args + ["--demand-points", str(points)]) == 0
    assert "3 of 4 points inside" in capsys.readouterr().out
    assert (
        main(
            [
                "design",
                "--units",
                str(src),
                "--id-field",
                "id",
                "--demand-field",
                "farms",
                "--k",
                "13",
                "--out",
                str(out),
            ]
        )
        == 1
    )
    assert "1..12" in capsys.readouterr().err


def test_cli_design_fast_bound_and_hard_bounds(tmp_path, capsys, monkeypatch):
    from libmatch.cli import main
    from libmatch.design import design_areas

    gdf = grid_gdf(2, 4)
    gdf["farms"] = np.array([12, 1, 1, 1, 1, 1, 1, 1])  # balance alone would not split 4 / 4
    src = tmp_path / "units.gpkg"
    gdf.to_file(src, layer="units")
    out = tmp_path / "plan.gpkg"
    args = ["design", "--units", str(src), "--id-field", "id", "--demand-field", "farms"]
    assign = tmp_path / "assign.csv"
    args += ["--k", "2", "--out", str(out), "--assignment", str(assign)]

    def sizes():
        return sorted(pd.read_csv(assign).iloc[:, 1].value_counts().tolist())

    # the same plan as the Python call with the same options
    assert main(args + ["--effort", "fast"]) == 0
    units = libmatch.read_areas(src, "id")
    fast = libmatch.design_areas(units, gdf["farms"].to_numpy(float), 2, effort="fast")
    assert len(gpd.read_file(out, layer="areas")) == 2 and "objective" in capsys.readouterr().out
    got = pd.read_csv(assign).set_index(pd.read_csv(assign).columns[0]).iloc[:, 0]
    want = fast.assignment
    assert (got.loc[want.index].astype(str) == want.astype(str)).all()
    assert sizes() != [4, 4]
    # --effort thorough reaches the search (32 starts x 20,000 proposals on 8 units) and
    # is --bound's default; the plan is the Python call's
    plans = []

    def spy(*a, **kw):
        plans.append(design_areas(*a, **kw))
        return plans[-1]

    monkeypatch.setattr(libmatch.design, "design_areas", spy)
    assert main(args + ["--effort", "thorough"]) == 0
    thorough = libmatch.design_areas(units, gdf["farms"].to_numpy(float), 2, effort="thorough")
    got = pd.read_csv(assign).set_index(pd.read_csv(assign).columns[0]).iloc[:, 0]
    assert (got.loc[thorough.assignment.index].astype(str) == thorough.assignment.astype(str)).all()
    assert plans[-1].iterations == 32 * 20000
    # a bound on 8 units is proven: status optimal, gap printed
    assert main(args + ["--bound", "--bound-time-limit", "20"]) == 0
    assert plans[-1].iterations == 32 * 20000
    text = capsys.readouterr().out
    assert "lower bound" in text and "status optimal" in text
    # hard bounds reach the design: 4 units per area; infeasible ones are an error
    assert main(args + ["--min-units", "4", "--max-units", "4"]) == 0
    assert sizes() == [4, 4]
    capsys.readouterr()
    assert main(args + ["--max-units", "3"]) == 1
    assert "--max-units" in capsys.readouterr().err


# ----------------------------------------------------------------------------- bad input
def test_bad_input_raises_typed_errors():
    gdf = grid_gdf(2, 3)
    units = units_of(gdf)
    demand = np.ones(6)
    with pytest.raises(libmatch.InvalidInputError, match=r"k must be in 1\.\.6"):
        libmatch.design_areas(units, demand, 7)
    with pytest.raises(libmatch.InvalidInputError, match="k = 0"):
        libmatch.design_areas(units, demand, 0)
    bad = demand.copy()
    bad[4] = np.nan
    with pytest.raises(libmatch.InvalidInputError, match="'u11'.*NaN"):
        libmatch.design_areas(units, bad, 2)
    with pytest.raises(ValueError):  # also a builtin ValueError
        libmatch.evaluate_plan(units, [0, 0, 0, 1, 1, 1], bad)
    with pytest.raises(libmatch.InvalidInputError, match="one value per unit"):
        libmatch.design_areas(units, np.ones(5), 2)
    with pytest.raises(libmatch.InvalidTypeError):
        libmatch.design_areas(gdf, demand, 2)
    with pytest.raises(libmatch.InvalidInputError, match="islands"):
        libmatch.design_areas(units, demand, 2, islands="ferry")
    # A unit with no neighbours.
    lonely = pd.concat(
        [
            gdf,
            gpd.GeoDataFrame(
                {"id": ["isle"]}, geometry=[shapely.box(9000, 0, 9500, 500)], crs=gdf.crs
            ),
        ],
        ignore_index=True,
    )
    lonely_units = units_of(lonely)
    with pytest.raises(libmatch.InvalidInputError, match="no neighbour: 'isle'"):
        libmatch.design_areas(lonely_units, np.ones(7), 2)
    plan = libmatch.design_areas(lonely_units, np.ones(7), 2, islands="attach")
    assert plan.links.values.tolist() == [["u02", "isle"]]


def test_bad_input_from_the_new_user_audit():
    gdf = grid_gdf(2, 3)
    units = units_of(gdf)
    demand = np.ones(6)
    adv = pd.DataFrame({"x": [500.0, 2500.0], "y": [500.0, 1500.0]})
    text = adv.astype(object)
    text.loc[1, "x"] = "secret"
    with pytest.raises(libmatch.InvalidInputError, match="x in row 1 must be a number") as exc:
        libmatch.design_areas(units, demand, 2, advisors=text)
    assert "secret" not in str(exc.value)
    # Bases as points in another CRS are reprojected to the units' CRS.
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(adv.x + 150000, adv.y + 400000), crs=28992)
    moved = units_of(gdf.set_geometry(gdf.translate(150000, 400000)))
    rd = libmatch.evaluate_plan(moved, [0, 0, 0, 1, 1, 1], demand, advisors=pts)
    wgs = libmatch.evaluate_plan(moved, [0, 0, 0, 1, 1, 1], demand, advisors=pts.to_crs(4326))
    assert np.allclose(wgs["mean_travel_km"], rd["mean_travel_km"], atol=1e-6)
    assert rd["mean_travel_km"].max() < 2.0
    # Scalars that are not numbers.
    for kw in (
        {"min_border_m": "10"},
        {"min_border_m": None},
        {"time_limit_s": "x"},
        {"max_travel_km": "x"},
        {"bound_time_limit_s": None},
    ):
        with pytest.raises(libmatch.InvalidTypeError, match=next(iter(kw))):
            libmatch.design_areas(units, demand, 2, **kw)
    # fixed: only true/false per unit; unknown ids are UnknownIdError.
    init = [0, 0, 0, 1, 1, 1]
    with pytest.raises(libmatch.InvalidInputError, match="fixed of unit 'u00'"):
        libmatch.design_areas(units, demand, None, initial=init, fixed=np.full(6, np.nan))
    with pytest.raises(libmatch.UnknownIdError, match="zz"):
        libmatch.design_areas(units, demand, None, initial=init, fixed=["zz"])
    with pytest.raises(libmatch.InvalidInputError, match="names unit 'u01' twice"):
        libmatch.design_areas(units, demand, 2, must_link=[("u01", "u01")])
    # A demand value for an id that is no unit is not dropped in silence.
    extra = pd.Series(demand, index=gdf["id"])
    extra["u99"] = 5.0
    with pytest.warns(UserWarning, match=r"1 id\(s\) are not units.*u99"):
        libmatch.design_areas(units, extra, 2, effort="fast")
    with pytest.raises(libmatch.CostOverflowError) as exc:
        libmatch.design_areas(units, demand * 1e300, 2)
    assert isinstance(exc.value, OverflowError)
    cat = pd.DataFrame({"service": ["a"], "hours": [2.0]})
    with pytest.raises(libmatch.InvalidInputError, match="'a' is listed twice"):
        libmatch.demand_hours(pd.DataFrame([[1, 2]], columns=["a", "a"]), cat)


def test_counting_conflicts_are_proven_at_any_size():
    cells = grid_gdf(13, 13).assign(id=[f"c{i:03d}" for i in range(169)])
    big = units_of(cells)  # 169 units: above the exact model's 150
    ones = np.ones(169)
    with pytest.raises(libmatch.InfeasibleBoundsError) as exc:
        libmatch.design_areas(big, ones, 12, max_units=14, effort="fast")  # 12 x 14 < 169
    assert exc.value.conflict == ["max_units"] and exc.value.proven
    with pytest.raises(libmatch.InfeasibleBoundsError) as exc:
        libmatch.design_areas(big, ones, 12, min_units=15, effort="fast")
    assert exc.value.conflict == ["min_units"] and exc.value.proven
    # Not decided: no plan found, too many units for the exact model.
    demand = np.random.default_rng(1).integers(1, 9, 169).astype(float)
    with pytest.raises(libmatch.InfeasibleBoundsError, match="not proven") as exc:
        libmatch.design_areas(big, demand, 5, demand_bounds=(1.0, 1.0), effort="fast")
    assert exc.value.conflict == [] and not exc.value.proven


def test_cli_design_errors_name_the_flags(tmp_path, capsys):
    from libmatch.cli import main

    gdf = grid_gdf(2, 3)
    gdf["farms"] = np.arange(6) + 1
    src = tmp_path / "units.gpkg"
    gdf.to_file(src, layer="units")
    out = tmp_path / "plan.gpkg"
    args = ["design", "--units", f"{src}:id", "--demand-field", "farms", "--k", "2"]
    advisors = tmp_path / "advisors.csv"
    pd.DataFrame({"x": [500.0, "secret"], "y": [500.0, 1500.0]}).to_csv(advisors, index=False)
    cases = [
        (["--min-border", "-5"], "--min-border must be"),
        (["--time-limit", "0"], "--time-limit must be"),
        (["--demand-bounds", "1.2", "0.8"], "--demand-bounds HI"),
        (["--max-units", "2"], "conflicting bounds: --max-units"),
        (["--bound", "--advisors", str(advisors)], "--bound cannot be combined with --advisors"),
        (["--advisors", str(advisors)], "x in row 1 must be a number"),
    ]
    for extra, message in cases:
        assert main(args + ["--out", str(out)] + extra) == 1, extra
        err = capsys.readouterr().err
        assert message in err and "secret" not in err, (extra, err)
    assert not out.exists()
    # A bad --assignment path is reported before anything is written.
    bad = tmp_path / "file"
    bad.write_text("")
    assert main(args + ["--out", str(out), "--assignment", str(bad / "a.csv")]) == 1
    assert "design --assignment" in capsys.readouterr().err and not out.exists()
