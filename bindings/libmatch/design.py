"""Orientation-area design: evaluate and optimise contiguous areas built from units
(municipalities, postcode areas...).

* :func:`evaluate_plan` reports a given plan per area (demand, capacity, travel,
  compactness, contiguity) and as a whole (``df.attrs["summary"]``).
* :func:`design_areas` proposes a plan of ``k`` contiguous areas and returns an
  :class:`AreaPlan` (``.labels``, ``.objective``, ``.to_areas()``, ``.to_file()``).

Objective (lower is better; the same in both functions)::

    objective = balance * imbalance + travel * mean_travel_km / reference_km
              + compactness * (1 - mean Polsby-Popper)

* ``imbalance``: capacity-weighted RMS deviation of each area's load ratio
  (demand / capacity) from the overall ratio, as a fraction (0.1 = areas typically 10 %
  over or under their fair share). Capacity is the summed ``capacity`` of the advisors
  whose base lies in the area or, without advisors, an equal share of the demand.
* ``mean_travel_km``: demand-weighted mean travel per unit. A unit's travel is the
  capacity-weighted mean from its area's advisor bases (work spread over the area's
  advisors); without advisors it is the straight line from the unit's centroid to the
  area's demand-weighted centre, or, when a travel model is given, the travel from the
  area's medoid unit (the member with the least demand-weighted travel to the others).
  With a travel model the model's km are used (unreachable pairs count as twice the
  straight line); minutes are reported too.
* ``reference_km = sqrt(total area / (pi k)) / 1000`` makes the travel term scale free.
* Polsby-Popper ``4 pi A / P^2`` per area, a tie-breaker (weight 0.01).

Contiguity is a hard rule: areas are connected through shared borders longer than
``min_border_m``. Islands (units without a land neighbour, e.g. the Wadden islands) and
detached groups (e.g. Zeeuws-Vlaanderen) are rejected with
:class:`~libmatch.InvalidInputError` unless ``islands="attach"``: then the disconnected
parts are linked, minimum-spanning-tree style, through the shortest centroid-to-centroid
distance between two parts, and a link counts as a border (of length 0).

Advisors bases are placed in the unit containing them (else the nearest unit); every
area of a designed plan holds at least one advisor base.

Examples
--------
>>> import numpy as np, shapely, libmatch
>>> cells = [shapely.box(x, y, x + 1000, y + 1000)
...          for y in range(0, 3000, 1000) for x in range(0, 4000, 1000)]
>>> units = libmatch.AreaSet.from_wkb(shapely.to_wkb(cells), [f"u{i:02d}" for i in range(12)])
>>> plan = libmatch.design_areas(units, np.ones(12), k=2, seed=0)
>>> plan.k, len(plan.assignment), int(plan.to_geodataframe()["units"].sum())
(2, 12, 12)
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _io, schema
from .areas import AreaSet, _threads, points_xy, read_areas
from .errors import InvalidInputError, InvalidTypeError

__all__ = [
    "evaluate_plan",
    "design_areas",
    "AreaPlan",
    "plot_plan",
    "DesignWeights",
    "DesignOptions",
]

#: Objective weights (``weights=`` of :func:`design_areas` / :func:`evaluate_plan` also takes
#: a dict of these fields); the C++ defaults are the only defaults.
DesignWeights = _core.DesignWeights
#: Search settings of :func:`design_areas` (its keyword arguments fill one of these).
DesignOptions = _core.DesignOptions


# input adapters ---------------------------------------------------------------------------
def _units(units: Any) -> AreaSet:
    if isinstance(units, AreaSet):
        return units
    raise InvalidTypeError(
        f"units must be a libmatch.AreaSet (use read_areas() or AreaSet.from_geodataframe()), "
        f"got {type(units).__name__}"
    )


def _aligned(values: Any, ids: list[str], what: str, dtype=float) -> np.ndarray:
    """Values aligned with the unit ids: an array in unit order, or a Series/mapping by id."""
    if isinstance(values, Mapping) and not isinstance(values, pd.Series):
        values = pd.Series(dict(values))
    if isinstance(values, pd.Series):
        s = values.copy()
        s.index = s.index.map(str)
        if s.index.has_duplicates:
            dup = s.index[s.index.duplicated()].unique()[:5].tolist()
            raise InvalidInputError(f"{what}: duplicate unit ids in the index: {dup}")
        missing = pd.Index(ids).difference(s.index)
        if len(missing):
            raise InvalidInputError(
                f"{what} has no value for {len(missing)} unit(s), e.g. {missing[:5].tolist()}; "
                f"index it by unit id, e.g. {what}.reindex(units.ids, fill_value=0)"
            )
        s = s.reindex(ids)
        if dtype is float:
            try:
                return np.ascontiguousarray(s.to_numpy(dtype=float))
            except (TypeError, ValueError) as exc:
                raise InvalidTypeError(f"{what} must be numeric") from exc
        return s.to_numpy()
    arr = np.asarray(values)
    if arr.ndim != 1 or len(arr) != len(ids):
        raise InvalidInputError(
            f"{what} must have one value per unit ({len(ids)}), got shape {arr.shape}"
        )
    if dtype is float:
        if arr.dtype.kind not in "fiub":
            raise InvalidTypeError(f"{what} must be numeric, got dtype {arr.dtype}")
        return np.ascontiguousarray(arr, dtype=np.float64)
    return arr


def _advisors(advisors: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """(m, 2) bases and optional capacities from a DataFrame (x, y[, capacity]) or array."""
    if isinstance(advisors, pd.DataFrame):
        xy = points_xy(advisors, "advisors")
        cap = None
        if "capacity" in advisors.columns:
            cap = schema.DESIGN_ADVISORS.parse_column(advisors, "capacity", "advisors")
        return xy, cap
    return points_xy(advisors, "advisors"), None


def _weights(weights: Any) -> Any:
    """A DesignWeights from None (the C++ defaults), a DesignWeights or a dict."""
    from .matching import options

    return options(weights, _core.DesignWeights, "weights")


def _travel_matrix(travel: Any, origins: np.ndarray, destinations: np.ndarray):
    """Dense (destinations x origins) km and minutes from a travel model's sparse pairs."""
    pairs = travel.pairs(origins, destinations)
    n, m = len(destinations), len(origins)
    km = np.full((n, m), np.nan)
    minutes = np.full((n, m), np.nan)
    if len(pairs):
        o = pairs["origin"].to_numpy(dtype=np.int64)
        d = pairs["destination"].to_numpy(dtype=np.int64)
        km[d, o] = pairs["km"].to_numpy(dtype=float)
        minutes[d, o] = pairs["minutes"].to_numpy(dtype=float)
    return km, minutes


class _Problem:
    """The compiled problem plus what is needed to report on it."""

    def __init__(self, units, demand, advisors, travel, islands, min_border_m, weights):
        self.units = _units(units)
        self.ids = self.units.ids
        self.demand = _aligned(demand, self.ids, "demand")
        if islands not in ("error", "attach"):
            raise InvalidInputError(f"islands must be 'error' or 'attach', got {islands!r}")
        self.islands = islands
        self.weights = _weights(weights)
        self.has_advisors = advisors is not None
        self.has_travel = travel is not None
        mb = float(min_border_m)
        if not math.isfinite(mb) or mb < 0:
            raise InvalidInputError(f"min_border_m must be finite and >= 0, got {min_border_m}")
        self.core = _core.DesignProblem.from_areas(self.units._impl, self.demand, mb)
        self.core.set_options(islands, self.weights)
        if advisors is not None:
            xy, cap = _advisors(advisors)
            if len(xy) == 0:
                raise InvalidInputError("advisors is empty; pass None to design without advisors")
            self.core.set_advisors(self.units._impl, xy, cap)
            origins = xy
        else:
            origins = None
        if travel is not None:
            if not hasattr(travel, "pairs"):
                raise InvalidTypeError("travel must be a libmatch travel model with .pairs()")
            cent = self.core.centroids
            km, minutes = _travel_matrix(travel, cent if origins is None else origins, cent)
            self.core.set_travel(km, minutes)

    def evaluate(self, codes: np.ndarray, area_index: pd.Index, dissolve: bool) -> pd.DataFrame:
        res = _core.evaluate_plan(self.core, codes)
        a = res["areas"]
        df = pd.DataFrame({"units": a["units"]}, index=area_index)
        if self.has_advisors:
            df["advisors"] = a["advisors"]
        for col in ("demand", "capacity", "load_ratio", "mean_travel_km", "max_travel_km"):
            df[col] = a[col]
        if self.has_travel:
            df["mean_travel_min"] = a["mean_travel_min"]
            df["max_travel_min"] = a["max_travel_min"]
        area, per = a["area_m2"], a["perimeter_m"]
        if dissolve:  # compactness of the dissolved polygons themselves
            st = self.units.dissolve(codes).stats()
            area, per = st["area_m2"].to_numpy(), st["perimeter_m"].to_numpy()
        df["area_km2"] = area / 1e6
        df["perimeter_km"] = per / 1e3
        df["polsby_popper"] = 4 * math.pi * area / per**2
        df["parts"] = a["parts"]
        df["contiguous"] = a["contiguous"].astype(bool)
        s = dict(res["summary"])
        ids = np.array(self.ids, dtype=object)
        links = res["links"]
        s.update(
            k=len(df),
            units=len(self.ids),
            demand=float(self.demand.sum()),
            capacity=float(df["capacity"].sum()),
            islands=self.islands,
            weights=self.weights.to_dict(),
            links=[(str(ids[x]), str(ids[y])) for x, y in zip(links["a"], links["b"])],
        )
        df.attrs["summary"] = s
        return df


def _factorize(labels: Any, ids: list[str], what: str) -> tuple[np.ndarray, pd.Index]:
    values = _aligned(labels, ids, what, dtype=object)
    if pd.isna(pd.Series(values)).any():
        raise InvalidInputError(f"{what} has missing values; every unit needs an area")
    codes, uniques = pd.factorize(pd.Series(values), sort=True)
    return codes.astype(np.int64), pd.Index(uniques, name="area")


# public API -------------------------------------------------------------------------------
def evaluate_plan(
    units: AreaSet,
    labels: Any,
    demand: Any,
    advisors: Any = None,
    travel: Any = None,
    *,
    islands: str = "error",
    min_border_m: float = 0.0,
    weights: Mapping[str, float] | None = None,
    dissolve: bool = True,
) -> pd.DataFrame:
    """Evaluates a plan: one row per area, the plan-level figures in ``df.attrs["summary"]``.

    Parameters
    ----------
    units : AreaSet
        The units (e.g. municipalities).
    labels : array or Series
        Area of each unit: an array in unit order or a Series indexed by unit id. Any
        hashable labels; rows are sorted by label.
    demand : array or Series
        Demand per unit (e.g. farm counts): finite, >= 0.
    advisors : DataFrame or (m, 2) array, optional
        Advisor bases (columns ``x``, ``y`` in the working CRS) and optional ``capacity``
        (default 1 each). Without advisors each area's capacity is an equal share of demand.
    travel : travel model, optional
        Anything with ``pairs(origins_xy, destinations_xy) -> DataFrame(origin,
        destination, minutes, km)``, e.g. :class:`libmatch.StraightLine`. Default: straight
        line km.
    islands : {"error", "attach"}
        Under "error" contiguity counts shared borders only (nothing is raised here);
        under "attach" island links count too (see the module docs).
    weights : mapping, optional
        ``balance``, ``travel``, ``compactness`` (defaults 1, 1, 0.01).
    dissolve : bool, default True
        Compute area, perimeter and Polsby-Popper from the dissolved polygons; with False
        from unit areas/perimeters minus shared borders (what the objective uses).

    Returns
    -------
    DataFrame indexed by area label with columns ``units``, ``advisors`` (with advisors),
    ``demand``, ``capacity``, ``load_ratio`` (demand / capacity), ``mean_travel_km``
    (demand-weighted), ``max_travel_km``, ``mean_travel_min`` and ``max_travel_min`` (with
    a travel model), ``area_km2``, ``perimeter_km``, ``polsby_popper``, ``parts`` (pieces
    through shared borders), ``contiguous`` (under the island rule).
    ``df.attrs["summary"]`` holds ``objective``, ``imbalance``, ``mean_travel_km``,
    ``max_travel_km``, ``total_travel_km`` (sum of demand x travel), ``compactness``
    (mean Polsby-Popper as in the objective), ``reference_km``, ``contiguous`` (all
    areas), ``k``, ``units``, ``demand``, ``capacity``, ``islands``, ``weights``, ``links``.

    Examples
    --------
    >>> import shapely, libmatch
    >>> cells = [shapely.box(x, 0, x + 1000, 1000) for x in range(0, 4000, 1000)]
    >>> units = libmatch.AreaSet.from_wkb(shapely.to_wkb(cells), ["a", "b", "c", "d"])
    >>> df = libmatch.evaluate_plan(units, [0, 0, 1, 1], [1, 1, 1, 1])
    >>> df["demand"].tolist(), bool(df.attrs["summary"]["contiguous"])
    ([2.0, 2.0], True)
    """
    prob = _Problem(units, demand, advisors, travel, islands, min_border_m, weights)
    codes, index = _factorize(labels, prob.ids, "labels")
    return prob.evaluate(codes, index, dissolve)


class AreaPlan:
    """A designed plan: ``labels`` (area per unit, 0..k-1 or the initial plan's labels'
    codes), ``area_ids`` (label -> area id), ``objective`` and its parts."""

    def __init__(self, problem: _Problem, result: dict, area_ids: list[str], seed: int):
        self._problem = problem
        self.units: AreaSet = problem.units
        self.labels: np.ndarray = np.asarray(result["labels"], dtype=np.int64)
        self.area_ids: list[str] = area_ids
        self.k: int = len(area_ids)
        self.objective: float = float(result["objective"])
        self.imbalance: float = float(result["imbalance"])
        self.mean_travel_km: float = float(result["mean_travel_km"])
        self.compactness: float = float(result["compactness"])
        self.seed = seed
        self.iterations: int = int(result["iterations"])
        self.starts_completed: int = int(result["starts_completed"])
        self.time_limit_reached: bool = bool(result["time_limit_reached"])
        ids = np.array(problem.ids, dtype=object)
        la, lb = result["links"]["a"], result["links"]["b"]
        self.links = pd.DataFrame(
            {"a_id": ids[la] if len(la) else [], "b_id": ids[lb] if len(lb) else []}
        )

    def __repr__(self) -> str:
        return (
            f"<AreaPlan: {len(self.labels)} units in {self.k} areas, "
            f"objective={self.objective:.4f}, imbalance={self.imbalance:.3f}, "
            f"mean travel {self.mean_travel_km:.1f} km>"
        )

    @property
    def assignment(self) -> pd.Series:
        """Area id per unit id."""
        return pd.Series(
            np.array(self.area_ids, dtype=object)[self.labels],
            index=pd.Index(self._problem.ids, name="unit"),
            name="area",
        )

    def evaluate(self, dissolve: bool = True) -> pd.DataFrame:
        """:func:`evaluate_plan` of this plan with the inputs it was designed with."""
        return self._problem.evaluate(self.labels, pd.Index(self.area_ids, name="area"), dissolve)

    def to_areas(self) -> AreaSet:
        """The dissolved areas as an AreaSet (ids = ``area_ids``), usable in matching."""
        return self.units.dissolve(self.labels, self.area_ids)

    def to_file(
        self, path: str | os.PathLike, layer: str = "areas", id_field: str = "area"
    ) -> None:
        """Writes the dissolved areas (GeoPackage for ``.gpkg``; driver by extension)."""
        self.to_areas().to_file(path, id_field=id_field, layer=layer)

    def plot(self, ax=None, labels: bool = True, legend: bool = True, **kwargs):
        """Units coloured by area (qualitative palette), area outlines and labels on top, a
        legend with each area's unit count (matplotlib only); returns ``ax``."""
        return plot_plan(
            self.units,
            self.assignment.to_numpy(),
            ax=ax,
            area_labels=labels,
            legend=legend,
            **kwargs,
        )

    def to_geodataframe(self):
        """The dissolved areas as a GeoDataFrame: ``area`` (the ids of ``area_ids`` and
        :attr:`assignment`, one field name everywhere), ``units`` (count) and the per-area
        figures of :meth:`evaluate`, in the units' CRS (needs geopandas)."""
        gdf = self.to_areas().to_geodataframe().rename(columns={"id": "area"})
        gdf.insert(1, "units", np.bincount(self.labels, minlength=self.k))
        ev = self.evaluate(dissolve=False)
        if "area" in ev.columns:
            ev = ev.set_index("area")
        extra = [c for c in ev.columns if c not in gdf.columns and c != "geometry"]
        if extra:
            gdf = gdf.join(ev[extra], on="area")
        return gdf

    def to_layer(self, dest: str | os.PathLike, layer: str = "areas", overwrite: bool = True):
        """Writes :meth:`to_geodataframe` as a layer of ``dest`` (a ``"PG:..."`` PostGIS
        database, a GeoPackage, ...)."""
        from .layers import write_layer

        write_layer(self.to_geodataframe(), dest, layer, overwrite=overwrite)

    def explore(self, **kwargs):
        """Interactive map (folium, as ``GeoDataFrame.explore``): areas coloured by id with
        tooltips of their figures. Keywords go to ``GeoDataFrame.explore``."""
        gdf = self.to_geodataframe()
        kwargs.setdefault("column", "area")
        kwargs.setdefault("categorical", True)
        kwargs.setdefault("tooltip", [c for c in gdf.columns if c != "geometry"][:8])
        return gdf.explore(**kwargs)


def plot_plan(
    units: AreaSet,
    labels: Any,
    ax=None,
    outlines: bool = True,
    *,
    legend: bool = True,
    area_labels: bool = True,
    **kwargs,
):
    """Draws units coloured by their area label and (``outlines``) the dissolved area borders
    with the area's label at its centre; ``legend`` lists areas with their unit counts.

    ``labels`` as in :func:`evaluate_plan` (array in unit order or Series by unit id).
    Needs matplotlib only; returns ``ax``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    from ._plotting import add_labels, add_scale_bar, colour
    from .areas import _wkb_rings

    show_labels = area_labels
    kwargs.pop("cmap", None)  # kept for callers of the old signature: one palette now
    units = _units(units)
    codes, names = _factorize(labels, units.ids, "labels")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    polys, faces = [], []
    # Exterior rings only, largest unit first: a unit inside another's hole stays visible.
    order = np.argsort(-units.stats()["area_m2"].to_numpy(), kind="stable")
    for i in order:
        for part in _wkb_rings(units.wkb(int(i))):
            polys.append(part[0])
            faces.append(colour(int(codes[i])))
    kwargs.setdefault("edgecolors", "white")
    kwargs.setdefault("linewidths", 0.3)
    ax.add_collection(PolyCollection(polys, facecolors=faces, **kwargs))
    area_names = [str(n) for n in names]
    if outlines or show_labels:
        dissolved = units.dissolve(codes, ids=area_names)
        if outlines:
            dissolved.plot(ax=ax, edgecolor="black", linewidth=1.2)
        if show_labels:
            add_labels(ax, dissolved, fontsize=9)
    ax.autoscale_view()
    ax.set_aspect("equal")
    add_scale_bar(ax)
    if legend:
        counts = np.bincount(codes, minlength=len(area_names))
        handles = [
            Patch(facecolor=colour(k), edgecolor="black", label=f"{n} ({counts[k]} units)")
            for k, n in enumerate(area_names)
        ]
        ax.legend(handles=handles, loc="upper left", fontsize=7, ncol=2 if len(handles) > 8 else 1)
    return ax


def design_areas(
    units: AreaSet,
    demand: Any,
    k: int | None,
    advisors: Any = None,
    travel: Any = None,
    seed: int = 0,
    time_limit_s: float | None = None,
    initial: Any = None,
    *,
    fixed: Any = None,
    starts: int | None = None,
    iterations: int | None = None,
    threads: int | None = None,
    islands: str = "error",
    min_border_m: float = 0.0,
    weights: Mapping[str, float] | None = None,
) -> AreaPlan:
    """Designs ``k`` contiguous areas from the units, minimising the objective of the
    module docs (balance, travel, compactness).

    Method: per start, k-means++ seeds (advisor units when advisors are given) and region
    growing, then simulated annealing over moves that keep every area contiguous (a unit
    joins a neighbouring area, optionally followed by one of that area's units moving back;
    articulation points never move), then a greedy descent. The best of
    ``starts`` independent starts wins. Same inputs and seed give the same plan whatever
    ``threads``, unless ``time_limit_s`` cuts the search short.

    Parameters
    ----------
    units, demand, advisors, travel, islands, min_border_m, weights
        As in :func:`evaluate_plan`. With advisors, ``k`` is at most the number of
        distinct units holding a base.
    k : int
        Number of areas, 1..len(units). May be None with ``initial`` (its label count).
    seed : int
        Seed of the random streams (one per start).
    time_limit_s : float, optional
        Wall-clock cap; the best plan found so far is returned (always contiguous).
    initial : array or Series, optional
        Repair mode: a starting plan (labels per unit, any hashable). Detached pieces of
        an area (all but its main piece, by demand) are re-attached to neighbouring areas,
        then the plan is improved; it is never worse than the repaired start. The plan
        keeps the initial labels as ``area_ids``.
    fixed : array of bool, list of unit ids or Series by unit id, optional
        With ``initial``: units that keep their initial area.
    starts : int, optional
        Independent multi-starts (default ``DesignOptions().starts``, 8). ``iterations``: annealing proposals per start
        (default max(2000, 50 x units)). ``threads``: default all cores.

    Returns
    -------
    AreaPlan
    """
    prob = _Problem(units, demand, advisors, travel, islands, min_border_m, weights)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidInputError(f"seed must be an integer >= 0, got {seed!r}")
    n = len(prob.ids)
    init_codes = None
    if initial is not None:
        init_codes, index = _factorize(initial, prob.ids, "initial")
        if k is None:
            k = len(index)
        elif int(k) != len(index):
            raise InvalidInputError(
                f"k = {k} but the initial plan has {len(index)} areas; pass k=None or match them"
            )
        area_ids = [str(x) for x in index]
    elif k is None:
        raise InvalidInputError("k is required without an initial plan")
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise InvalidTypeError(f"k must be an integer, got {type(k).__name__}")
    k = int(k)
    if k < 1 or k > n:
        raise InvalidInputError(
            f"k = {k} areas is out of range; k must be in 1..{n} (the number of units)"
        )
    if initial is None:
        area_ids = [str(i) for i in range(k)]
    fixed_arr = None
    if fixed is not None:
        if initial is None:
            raise InvalidInputError("fixed units need an initial plan (their areas come from it)")
        if isinstance(fixed, (list, tuple, set, pd.Index)) and all(
            isinstance(f, str) for f in fixed
        ):
            unknown = set(fixed) - set(prob.ids)
            if unknown:
                raise InvalidInputError(f"fixed: unknown unit id(s) {sorted(unknown)[:5]}")
            fixed_arr = np.isin(np.array(prob.ids, dtype=object), list(fixed)).astype(float)
        else:
            fixed_arr = _aligned(fixed, prob.ids, "fixed").astype(float)
    limit = math.inf if time_limit_s is None else float(time_limit_s)
    if not limit > 0:
        raise InvalidInputError(f"time_limit_s must be > 0, got {time_limit_s}")
    opts = _core.DesignOptions(k=k, seed=int(seed), time_limit_s=limit)
    if starts is not None:
        opts.starts = starts
    if opts.starts < 1:
        raise InvalidInputError(f"starts must be >= 1, got {opts.starts}")
    if iterations is not None:
        opts.iterations = iterations
        if opts.iterations < 1:
            raise InvalidInputError(f"iterations must be >= 1, got {iterations}")
    opts.threads = _threads(threads)
    res = _core.design_areas(prob.core, opts, init_codes, fixed_arr)
    return AreaPlan(prob, res, area_ids, int(seed))


# command line -----------------------------------------------------------------------------
def _cmd_design(args) -> int:
    from ._cliargs import layer_spec

    path, layer, id_field = layer_spec(args.units, "--units", args.id_field)
    layer = layer or args.layer
    units = read_areas(path, id_field, layer=layer, crs=args.crs)
    if args.demand_field:
        fids, values = _core.read_numeric_field(
            os.fspath(path), layer or "", id_field, args.demand_field
        )
        demand = pd.Series(values, index=fids)
    else:
        what = f"--demand-points {args.demand_points}"
        pts = schema.POINTS.read(args.demand_points, what)
        idx = units.locate(schema.POINTS.parse(pts, what).xy())
        demand = np.bincount(idx[idx >= 0], minlength=len(units)).astype(float)
        print(f"demand: {int((idx >= 0).sum())} of {len(pts)} points inside the units")
    advisors = (
        schema.DESIGN_ADVISORS.read(args.advisors, f"--advisors {args.advisors}")
        if args.advisors
        else None
    )
    plan = design_areas(
        units,
        demand,
        args.k,
        advisors=advisors,
        seed=args.seed,
        time_limit_s=args.time_limit,
        starts=args.starts,
        islands=args.islands,
        min_border_m=args.min_border,
    )
    _io.output_dir(os.path.dirname(os.path.abspath(args.out)) or ".", "design --out")
    plan.to_file(args.out)
    if args.assignment:
        _io.write_csv(plan.assignment, args.assignment, "design --assignment", index=True)
    report = plan.evaluate()
    print(report.round(3).to_string())
    s = report.attrs["summary"]
    print(
        f"objective {s['objective']:.4f}  imbalance {s['imbalance']:.3f}  "
        f"mean travel {s['mean_travel_km']:.1f} km  compactness {s['compactness']:.3f}"
    )
    print(f"{plan.k} areas -> {args.out}")
    return 0


def _register_cli(sub) -> None:
    p = sub.add_parser(
        "design",
        help="design contiguous orientation areas from units",
        description="Group units (e.g. municipalities) into k contiguous areas "
        "balancing demand and travel; writes the dissolved areas.",
    )
    p.add_argument(
        "--units",
        required=True,
        metavar="FILE[@LAYER]:ID_FIELD",
        help="polygon layer of the units and its id field",
    )
    p.add_argument("--id-field", default=None, help="id field (instead of :ID_FIELD)")
    p.add_argument("--layer", default=None, help="layer name (default: first)")
    p.add_argument("--crs", default="EPSG:28992", help="working CRS (default EPSG:28992)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--demand-field", help="numeric attribute of the units with the demand")
    src.add_argument("--demand-points", help="CSV with x,y columns: demand = points per unit")
    p.add_argument("--k", type=int, required=True, help="number of areas")
    p.add_argument("--advisors", default=None, help="CSV with x, y[, capacity] per advisor")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--starts", type=int, default=8, help="multi-starts (default 8)")
    p.add_argument("--time-limit", type=float, default=None, help="seconds (default none)")
    p.add_argument(
        "--islands",
        choices=("error", "attach"),
        default="error",
        help="units without neighbours: reject (default) or attach to the nearest",
    )
    p.add_argument(
        "--min-border",
        type=float,
        default=0.0,
        help="shortest shared border (m) that makes units neighbours",
    )
    p.add_argument("--out", required=True, help="output file for the areas (.gpkg)")
    p.add_argument("--assignment", default=None, help="optional CSV: unit id -> area")
    p.set_defaults(func=_cmd_design)
