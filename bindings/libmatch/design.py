"""Orientation-area design: evaluate and optimise contiguous areas built from units
(municipalities, postcode areas...).

* :func:`evaluate_plan` reports a given plan per area (demand, capacity, travel,
  compactness, contiguity) and as a whole (``df.attrs["summary"]``).
* :func:`design_areas` proposes a plan of ``k`` contiguous areas and returns an
  :class:`AreaPlan` (``.labels``, ``.objective``, ``.to_areas()``, ``.to_file()``).
* :class:`DesignProblem` prepares the units, demand, advisors and travel once; its
  ``.design(k, ...)`` and ``.evaluate(labels, ...)`` give the same results as the two
  functions, without rebuilding the graph and travel matrix for every plan
  (``effort="fast"`` for a quick first plan).

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
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _io, schema
from .areas import AreaSet, _threads, points_xy, read_areas
from .errors import Error, InvalidInputError, InvalidTypeError

__all__ = [
    "evaluate_plan",
    "design_areas",
    "DesignProblem",
    "AreaPlan",
    "plot_plan",
    "DesignWeights",
    "DesignOptions",
    "demand_hours",
]

#: Objective weights (``weights=`` of :func:`design_areas` / :func:`evaluate_plan` also takes
#: a dict of these fields); the C++ defaults are the only defaults.
DesignWeights = _core.DesignWeights
#: Search settings of :func:`design_areas` (its keyword arguments fill one of these).
DesignOptions = _core.DesignOptions


#: Search presets of ``effort=`` (:func:`design_areas`, :meth:`DesignProblem.design`), set
#: by the C++ ``apply_effort`` (design.hpp); explicit ``starts=`` / ``iterations=`` override
#: them. "default" is the C++ defaults; "thorough" gives each of 32 starts 1000 proposals per
#: unit, 20,000 to 500,000 (1-3 us each, so at most tens of seconds on 2 cores);
#: ``bound=True`` uses it unless effort, starts or iterations are given.
_EFFORTS = ("default", "fast", "thorough")


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
        extra = s.index.difference(pd.Index(ids))
        if len(extra):  # e.g. a typo'd id: its value would be lost without a word
            warnings.warn(
                f"{what}: {len(extra)} id(s) are not units and are ignored, e.g. "
                f"{extra[:5].tolist()}",
                stacklevel=4,
            )
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


def _advisors(advisors: Any, crs: str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """(m, 2) bases and optional capacities from a DataFrame (x, y[, capacity_hours or
    capacity]), a GeoDataFrame of points (reprojected to ``crs``) or an array."""
    if isinstance(advisors, pd.DataFrame):
        xy = points_xy(advisors, "advisors", crs=crs)
        cap = None
        for col in ("capacity_hours", "capacity"):
            if col in advisors.columns:
                cap = schema.DESIGN_ADVISORS.parse_column(advisors, col, "advisors")
                break
        return xy, cap
    return points_xy(advisors, "advisors", crs=crs), None


def _radius(advisors: Any) -> np.ndarray | None:
    if isinstance(advisors, pd.DataFrame) and "radius_km" in advisors.columns:
        col = advisors["radius_km"].reset_index(drop=True)
        r = pd.to_numeric(col.replace("", np.nan), errors="coerce").to_numpy(dtype=float)
        notnum = np.flatnonzero(np.isnan(r) & col.notna().to_numpy() & (col != "").to_numpy())
        if len(notnum):
            raise InvalidInputError(f"advisors: radius_km in row {int(notnum[0])} is not a number")
        r = np.where(np.isnan(r), np.inf, r)  # empty: no radius
        bad = np.flatnonzero(~(r > 0))
        if len(bad):
            raise InvalidInputError(f"advisors: radius_km in row {int(bad[0])} must be > 0")
        return r
    return None


def demand_hours(counts: pd.DataFrame, catalogue: pd.DataFrame) -> pd.Series:
    """Expected hours per unit: ``counts`` (one row per unit id, one column per service:
    expected cases per year) times the catalogue's ``hours`` per case of each service.

    ``catalogue`` has columns ``service`` and ``hours`` (e.g. VABIMPULS 36 hours per case,
    travel and overhead included). Pass the result as ``demand`` and advisors with
    ``capacity_hours`` to balance hours against advisor hours.

    Examples
    --------
    >>> import pandas as pd, libmatch
    >>> counts = pd.DataFrame({"vabimpuls": [2, 0], "intake": [4, 6]}, index=["a", "b"])
    >>> cat = pd.DataFrame({"service": ["vabimpuls", "intake"], "hours": [36.0, 1.5]})
    >>> libmatch.demand_hours(counts, cat).tolist()
    [78.0, 9.0]
    """
    from .errors import UnknownIdError

    if not isinstance(counts, pd.DataFrame) or not isinstance(catalogue, pd.DataFrame):
        raise InvalidTypeError("demand_hours needs two DataFrames: counts and catalogue")
    for col in ("service", "hours"):
        if col not in catalogue.columns:
            raise InvalidInputError(f"catalogue: missing column {col!r} (service, hours)")
    if catalogue["service"].duplicated().any():
        row = int(np.flatnonzero(catalogue["service"].duplicated().to_numpy())[0])
        raise InvalidInputError(f"catalogue: service in row {row} is listed twice")
    hours = pd.to_numeric(catalogue["hours"], errors="coerce")
    bad = np.flatnonzero(~(np.isfinite(hours.to_numpy(dtype=float)) & (hours.to_numpy() >= 0)))
    if len(bad):
        raise InvalidInputError(f"catalogue: hours in row {int(bad[0])} must be a number >= 0")
    per_case = dict(zip(catalogue["service"].astype(str), hours.to_numpy(dtype=float)))
    if counts.columns.has_duplicates:
        dup = counts.columns[counts.columns.duplicated()][0]
        raise InvalidInputError(f"counts: service column {str(dup)!r} is listed twice")
    out = pd.Series(0.0, index=counts.index, name="hours")
    for col in counts.columns:
        if str(col) not in per_case:
            raise UnknownIdError(f"counts: service column {str(col)!r} is not in the catalogue")
        c = pd.to_numeric(counts[col], errors="coerce").to_numpy(dtype=float)
        badc = np.flatnonzero(~(np.isfinite(c) & (c >= 0)))
        if len(badc):
            raise InvalidInputError(
                f"counts: column {str(col)!r}, row {int(badc[0])}: expected cases must be a "
                "number >= 0"
            )
        out += c * per_case[str(col)]
    return out


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


class DesignProblem:
    """Units, demand, advisors and travel of an area design, prepared once (contiguity
    graph, island links, travel matrix, geometry sums) for many plans of the same units.

    ``DesignProblem(...).design(k, ...)`` returns exactly the :class:`AreaPlan` of
    ``design_areas(units, demand, k, ...)`` with the same inputs, options and seed, and
    ``.evaluate(labels, ...)`` exactly the frame of :func:`evaluate_plan`; those two
    functions build a DesignProblem on every call. Preparing costs about as much as building
    the travel matrix (a few ms for 342 municipalities): try several ``k``, options or
    seeds on one problem instead of calling :func:`design_areas` each time (the objective
    ``weights`` belong to the problem).

    Parameters are those of :func:`evaluate_plan` (``units``, ``demand``, ``advisors``,
    ``travel``, ``islands``, ``min_border_m``, ``weights``); bad input raises the same
    errors, at construction. An unconnected unit graph under ``islands="error"`` is
    accepted here (plans can still be evaluated) and rejected by :meth:`design`.
    The object is immutable; the travel matrix it holds takes n x m x 16 bytes.

    Examples
    --------
    >>> import numpy as np, shapely, libmatch
    >>> cells = [shapely.box(x, y, x + 1000, y + 1000)
    ...          for y in range(0, 3000, 1000) for x in range(0, 4000, 1000)]
    >>> units = libmatch.AreaSet.from_wkb(shapely.to_wkb(cells), [f"u{i:02d}" for i in range(12)])
    >>> problem = libmatch.DesignProblem(units, np.ones(12), travel=libmatch.StraightLine())
    >>> plans = {k: problem.design(k, seed=0) for k in (2, 3, 4)}
    >>> [plans[k].k for k in plans]
    [2, 3, 4]
    >>> same = libmatch.design_areas(units, np.ones(12), 3, travel=libmatch.StraightLine(), seed=0)
    >>> bool((same.labels == plans[3].labels).all()), same.objective == plans[3].objective
    (True, True)
    >>> quick = problem.design(3, seed=0, effort="fast")  # one start, no annealing
    >>> quick.k, bool(quick.evaluate()["contiguous"].all())
    (3, True)
    """

    def __init__(
        self,
        units: AreaSet,
        demand: Any,
        advisors: Any = None,
        travel: Any = None,
        *,
        islands: str = "error",
        min_border_m: float = 0.0,
        weights: Mapping[str, float] | None = None,
    ):
        self.units = _units(units)
        self.ids = self.units.ids
        self.demand = _aligned(demand, self.ids, "demand")
        if islands not in ("error", "attach"):
            raise InvalidInputError(f"islands must be 'error' or 'attach', got {islands!r}")
        self.islands = islands
        self.weights = _weights(weights)
        self.has_advisors = advisors is not None
        self.has_travel = travel is not None
        mb = _io.real(min_border_m, "min_border_m")
        if not math.isfinite(mb) or mb < 0:
            raise InvalidInputError(f"min_border_m must be finite and >= 0, got {min_border_m}")
        self.core = _core.DesignProblem.from_areas(self.units._impl, self.demand, mb)
        self.core.set_options(islands, self.weights)
        self.radius = _radius(advisors) if advisors is not None else None
        self.hours = isinstance(advisors, pd.DataFrame) and "capacity_hours" in advisors.columns
        self.advisor_xy = None
        self.reach_km = None
        if advisors is not None:
            xy, cap = _advisors(advisors, self.units.crs or None)
            self.advisor_xy = xy
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
            if origins is not None:
                self.reach_km = km  # units x advisors
        if self.radius is not None and self.reach_km is None:
            cent = self.core.centroids
            d = cent[:, None, :] - self.advisor_xy[None, :, :]
            self.reach_km = np.sqrt((d**2).sum(axis=2)) / 1000.0
        self._prepared = _core.PreparedDesign(self.core)

    def __repr__(self) -> str:
        return (
            f"<DesignProblem: {len(self.ids)} units, advisors={self.has_advisors}, "
            f"travel={self.has_travel}, islands={self.islands!r}>"
        )

    @property
    def n_units(self) -> int:
        """Number of units."""
        return len(self.ids)

    def evaluate(
        self,
        labels: Any,
        *,
        dissolve: bool = True,
        demand_bounds: tuple[float, float] | None = None,
        max_travel_km: float | None = None,
        min_units: int | None = None,
        max_units: int | None = None,
        area_of: Any = None,
        must_link: Any = None,
        cannot_link: Any = None,
    ) -> pd.DataFrame:
        """:func:`evaluate_plan` of ``labels`` on this problem (same arguments after the
        problem's own, same frame).

        Examples
        --------
        >>> import shapely, libmatch
        >>> cells = [shapely.box(x, 0, x + 1000, 1000) for x in range(0, 4000, 1000)]
        >>> units = libmatch.AreaSet.from_wkb(shapely.to_wkb(cells), ["a", "b", "c", "d"])
        >>> problem = libmatch.DesignProblem(units, [1, 1, 1, 1])
        >>> problem.evaluate([0, 0, 1, 1])["demand"].tolist()
        [2.0, 2.0]
        """
        codes, index = _factorize(labels, self.ids, "labels")
        df = self._evaluate_codes(codes, index, dissolve)
        b = _bounds(
            self.ids,
            [str(x) for x in index],
            demand_bounds,
            max_travel_km,
            min_units,
            max_units,
            area_of,
            must_link,
            cannot_link,
        )
        if b is not None:
            v = list(self._prepared.check_bounds(codes, b))
            df.attrs["summary"].update(violations=v, feasible=not v)
        return df

    def design(
        self,
        k: int | None,
        seed: int = 0,
        time_limit_s: float | None = None,
        initial: Any = None,
        *,
        effort: str | None = None,
        fixed: Any = None,
        starts: int | None = None,
        iterations: int | None = None,
        threads: int | None = None,
        demand_bounds: tuple[float, float] | None = None,
        max_travel_km: float | None = None,
        min_units: int | None = None,
        max_units: int | None = None,
        area_of: Any = None,
        must_link: Any = None,
        cannot_link: Any = None,
        bound: bool = False,
        bound_time_limit_s: float = 60.0,
        bound_method: str = "auto",
    ) -> AreaPlan:
        """:func:`design_areas` on this problem: the same keywords after the problem's own,
        the same plan for the same options and seed.

        Examples
        --------
        >>> import numpy as np, shapely, libmatch
        >>> cells = [shapely.box(x, 0, x + 1000, 1000) for x in range(0, 6000, 1000)]
        >>> units = libmatch.AreaSet.from_wkb(shapely.to_wkb(cells), list("abcdef"))
        >>> problem = libmatch.DesignProblem(units, np.ones(6))
        >>> problem.design(2, seed=1).assignment.tolist()
        ['0', '0', '0', '1', '1', '1']
        """
        if (
            isinstance(seed, (bool, np.bool_))
            or not isinstance(seed, (int, np.integer))
            or seed < 0
        ):
            raise InvalidInputError(f"seed must be an integer >= 0, got {seed!r}")
        n = len(self.ids)
        init_codes = None
        if initial is not None:
            init_codes, index = _factorize(initial, self.ids, "initial")
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
                raise InvalidInputError(
                    "fixed units need an initial plan (their areas come from it)"
                )
            if isinstance(fixed, (list, tuple, set, pd.Index)) and all(
                isinstance(f, str) for f in fixed
            ):
                unknown = set(fixed) - set(self.ids)
                if unknown:
                    from .errors import UnknownIdError

                    raise UnknownIdError(f"fixed: unknown unit id(s) {sorted(unknown)[:5]}")
                fixed_arr = np.isin(np.array(self.ids, dtype=object), list(fixed)).astype(float)
            else:
                fixed_arr = _aligned(fixed, self.ids, "fixed").astype(float)
                bad = np.flatnonzero((fixed_arr != 0) & (fixed_arr != 1))  # NaN included
                if len(bad):
                    raise InvalidInputError(
                        f"fixed of unit {self.ids[int(bad[0])]!r} must be True/False (or 1/0)"
                    )
        limit = math.inf if time_limit_s is None else _io.real(time_limit_s, "time_limit_s")
        if not limit > 0:
            raise InvalidInputError(f"time_limit_s must be > 0, got {time_limit_s}")
        # Fields are set only where they differ from the C++ defaults (a few microseconds
        # each: effort="fast" on ~50 units takes about ten times that in all).
        opts = _core.DesignOptions()
        opts.k = k
        opts.seed = int(seed)
        if time_limit_s is not None:
            opts.time_limit_s = limit
        if effort is None and bound and starts is None and iterations is None:
            effort = "thorough"  # a plan to defend: the search is small next to the bound
        if effort is not None:
            if effort not in _EFFORTS:
                raise InvalidInputError(
                    f"effort must be one of {list(_EFFORTS)} (or None: the defaults), "
                    f"got {effort!r}"
                )
            _core.apply_effort(opts, effort, n)
            if iterations is not None and not opts.anneal:
                raise InvalidInputError(
                    f"effort={effort!r} does not anneal; drop iterations= or use effort=None"
                )
        if starts is not None:
            opts.starts = starts
        if opts.starts < 1:
            raise InvalidInputError(f"starts must be >= 1, got {opts.starts}")
        if iterations is not None:
            opts.iterations = iterations
            if opts.iterations < 1:
                raise InvalidInputError(f"iterations must be >= 1, got {iterations}")
        if threads is not None:
            opts.threads = _threads(threads)
        if bound:
            opts.bound = True
        btl = _io.real(bound_time_limit_s, "bound_time_limit_s")
        if btl != opts.bound_time_limit_s:
            opts.bound_time_limit_s = btl
        if bound_method != "auto":
            if bound_method not in ("lagrangian", "mip", "colgen"):
                raise InvalidInputError(
                    "bound_method must be 'auto', 'colgen', 'lagrangian' or 'mip', got "
                    f"{bound_method!r}"
                )
            opts.bound_lagrangian = bound_method == "lagrangian"
            opts.bound_mip = bound_method == "mip"
            opts.bound_colgen = bound_method == "colgen"
        bdict = _bounds(
            self.ids,
            area_ids,
            demand_bounds,
            max_travel_km,
            min_units,
            max_units,
            area_of,
            must_link,
            cannot_link,
        )
        res = self._prepared.design(opts, init_codes, fixed_arr, bdict)
        plan = AreaPlan(self, res, area_ids, int(seed))
        plan.bounds = bdict
        return plan

    def _evaluate_codes(
        self, codes: np.ndarray, area_index: pd.Index, dissolve: bool
    ) -> pd.DataFrame:
        res = self._prepared.evaluate(codes)
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
        if self.hours:
            df["demand_hours"] = df["demand"]
            df["capacity_hours"] = df["capacity"]
        if self.radius is not None:
            # Share of each area's demand beyond the radius of every advisor based in it.
            adv_area = codes[np.asarray(self.core.advisor_unit, dtype=np.int64)]
            reach = self.reach_km <= self.radius[None, :]  # units x advisors
            same = codes[:, None] == adv_area[None, :]
            outside = ~(reach & same).any(axis=1)
            d_out = np.bincount(codes, weights=self.demand * outside, minlength=len(df))
            with np.errstate(invalid="ignore", divide="ignore"):
                df["outside_reach_share"] = np.where(
                    df["demand"].to_numpy() > 0, d_out / df["demand"].to_numpy(), 0.0
                )
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


def _bounds(
    ids: list[str],
    area_ids: list[str] | None,
    demand_bounds=None,
    max_travel_km=None,
    min_units=None,
    max_units=None,
    area_of=None,
    must_link=None,
    cannot_link=None,
) -> dict | None:
    """The hard bounds as the dict the C++ layer takes (unit ids -> indices), or None."""
    from .errors import UnknownIdError

    given = (demand_bounds, max_travel_km, min_units, max_units, area_of, must_link, cannot_link)
    if all(b is None for b in given):
        return None
    out: dict[str, Any] = {}
    if demand_bounds is not None:
        try:
            lo, hi = demand_bounds
            lo, hi = _io.real(lo, "demand_bounds lo"), _io.real(hi, "demand_bounds hi")
        except (TypeError, ValueError) as exc:
            raise InvalidTypeError(
                "demand_bounds must be a pair (lo, hi) of fractions of the fair share"
            ) from exc
        out["demand_lo"], out["demand_hi"] = lo, hi
    if max_travel_km is not None:
        out["max_travel_km"] = _io.real(max_travel_km, "max_travel_km")
    for name, v in (("min_units", min_units), ("max_units", max_units)):
        if v is None:
            continue
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise InvalidTypeError(f"{name} must be an integer, got {type(v).__name__}")
        out[name] = int(v)
    index = {u: i for i, u in enumerate(ids)}

    def unit(u, what):
        key = str(u)
        if key not in index:
            raise UnknownIdError(f"{what}: unknown unit id {key!r}")
        return index[key]

    if area_of is not None:
        if not isinstance(area_of, (Mapping, pd.Series)):
            raise InvalidTypeError("area_of must be a mapping or Series: unit id -> area")
        names = {a: i for i, a in enumerate(area_ids or [])}
        arr = np.full(len(ids), -1, dtype=np.int64)
        for u, a in dict(area_of).items():
            i = unit(u, "area_of")
            if str(a) in names:
                arr[i] = names[str(a)]
            elif (
                not names  # no labels (no plan given): areas are 0..k-1
                and isinstance(a, (int, np.integer))
                and not isinstance(a, (bool, np.bool_))
            ):
                arr[i] = int(a)
            else:  # with labels a number is a label too, never a position among them
                raise InvalidInputError(
                    f"area_of of unit {str(u)!r}: unknown area; use "
                    + ("one of the plan's area labels" if names else "0..k-1")
                )
        out["area_of"] = arr
    for name, pairs in (("must_link", must_link), ("cannot_link", cannot_link)):
        if pairs is None:
            continue
        flat = []
        for p in pairs:
            try:
                a, b = p
            except (TypeError, ValueError) as exc:
                raise InvalidTypeError(
                    f"{name} must be a list of (unit id, unit id) pairs"
                ) from exc
            ia, ib = unit(a, name), unit(b, name)
            if ia == ib:
                raise InvalidInputError(f"{name}: a pair names unit {str(a)!r} twice")
            flat += [ia, ib]
        out[name] = np.asarray(flat, dtype=np.int64)
    return out or None


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
    demand_bounds: tuple[float, float] | None = None,
    max_travel_km: float | None = None,
    min_units: int | None = None,
    max_units: int | None = None,
    area_of: Any = None,
    must_link: Any = None,
    cannot_link: Any = None,
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
    With hard bounds (``demand_bounds``, ``max_travel_km``, ``min_units``, ``max_units``,
    ``area_of``, ``must_link``, ``cannot_link``, as in :func:`design_areas`),
    ``summary["violations"]`` lists every violated bound ("demand_hi: area 2", ...) and
    ``summary["feasible"]`` is True when the list is empty.
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
    prob = DesignProblem(
        units, demand, advisors, travel, islands=islands, min_border_m=min_border_m, weights=weights
    )
    return prob.evaluate(
        labels,
        dissolve=dissolve,
        demand_bounds=demand_bounds,
        max_travel_km=max_travel_km,
        min_units=min_units,
        max_units=max_units,
        area_of=area_of,
        must_link=must_link,
        cannot_link=cannot_link,
    )


class AreaPlan:
    """A designed plan: ``labels`` (area per unit, 0..k-1 or the initial plan's labels'
    codes), ``area_ids`` (label -> area id), ``objective`` and its parts."""

    def __init__(self, problem: DesignProblem, result: dict, area_ids: list[str], seed: int):
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
        #: Lower bound on the objective (``bound=True``; -inf otherwise), relative gap
        #: ``(objective - bound) / objective`` and status ("optimal", "time_limit", "gap",
        #: "none"). See :func:`design_areas`.
        self.bound: float = float(result["bound"])
        self.gap: float = float(result["gap"])
        self.status: str = str(result["status"])
        self.from_model: bool = bool(result["from_model"])
        self.bound_seconds: float = float(result["bound_seconds"])
        #: The bounds of each method (-inf when not run): banded Lagrangian, exact MIP,
        #: column generation (``bound_method="colgen"`` only).
        self.bound_lagrangian: float = float(result["bound_lagrangian"])
        self.bound_mip: float = float(result["bound_mip"])
        self.bound_colgen: float = float(result["bound_colgen"])
        self.bounds: dict | None = None
        self._links = result["links"]

    @property
    def links(self) -> pd.DataFrame:
        """Island links used (``a_id``, ``b_id``; empty under ``islands="error"``)."""
        ids = np.array(self._problem.ids, dtype=object)
        la, lb = self._links["a"], self._links["b"]
        return pd.DataFrame(
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
        return self._problem._evaluate_codes(
            self.labels, pd.Index(self.area_ids, name="area"), dissolve
        )

    def simulate(
        self,
        scenario: Any,
        seeds: Any = 0,
        advisors: pd.DataFrame | None = None,
        n_jobs: int | None = None,
        progress: bool = False,
    ) -> pd.DataFrame:
        """Runs the year simulation on this plan: ``scenario`` (a :class:`Scenario`) with its
        areas replaced by :meth:`to_areas` and each advisor's ``areas`` set to the plan's area
        holding the advisor's base (x, y). ``advisors`` (default: the scenario's table, when
        it is a DataFrame or a path readable from the current directory) is that table.
        Returns :func:`simulate_many`'s frame (one row per seed: waiting, travel, out-of-area
        shares, ...), so plans are compared on the same arrivals (common random numbers)."""
        from . import simulation

        if not isinstance(scenario, simulation.Scenario):
            scenario = simulation.Scenario(scenario)
        adv = advisors if advisors is not None else scenario.config.get("advisors")
        if isinstance(adv, (str, os.PathLike)):
            if not os.path.exists(adv):
                raise InvalidInputError(
                    "plan.simulate: pass advisors= (the scenario's advisors table is a path "
                    "relative to the scenario file)"
                )
            adv = pd.read_csv(adv)
        if not isinstance(adv, pd.DataFrame):
            raise InvalidTypeError("plan.simulate: advisors must be a DataFrame")
        adv = adv.copy()
        areas = self.to_areas()
        idx = areas.locate(points_xy(adv, "advisors"))
        adv["areas"] = [areas.ids[i] if i >= 0 else "" for i in idx]
        changes: dict[str, Any] = {"areas": areas, "advisors": adv}
        events = scenario.config.get("events")
        if isinstance(events, list):  # advisors joining later get their plan area too
            changes["events"] = []
            for ev in events:
                ev = dict(ev)
                if ev.get("type") == "join" and isinstance(ev.get("advisor"), Mapping):
                    a = dict(ev["advisor"])
                    if "x" in a and "y" in a:
                        i = areas.locate(np.array([[float(a["x"]), float(a["y"])]]))[0]
                        a["areas"] = areas.ids[i] if i >= 0 else ""
                    ev["advisor"] = a
                changes["events"].append(ev)
        sc = scenario.replace(name=f"{scenario.name} / plan k={self.k}", **changes)
        return simulation.simulate_many([sc], seeds, n_jobs=n_jobs, progress=progress)

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
        legend with each area's unit count outside the map (right of the axes), a title
        with k, the objective and the mean travel (matplotlib only; keywords as
        :func:`plot_plan`); returns ``ax``."""
        kwargs.setdefault(
            "title",
            f"{self.k} areas, objective {self.objective:.4g}, "
            f"mean travel {self.mean_travel_km:.1f} km",
        )
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
    title: str | None = None,
    **kwargs,
):
    """Draws units coloured by their area label and (``outlines``) the dissolved area borders
    with the area's label at its centre; ``legend`` lists areas with their unit counts in
    natural order (2 before 10), outside the map to the right of the axes (a new figure
    is widened for it; with your own ``ax`` leave room, e.g. ``layout="constrained"``).
    ``title`` (default "k areas, n units"; ``""`` for none) goes on the axes.

    ``labels`` as in :func:`evaluate_plan` (array in unit order or Series by unit id).
    Needs matplotlib only; returns ``ax``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    from ._plotting import add_labels, add_scale_bar, colour, natural_key
    from .areas import _wkb_rings

    show_labels = area_labels
    kwargs.pop("cmap", None)  # kept for callers of the old signature: one palette now
    units = _units(units)
    codes, names = _factorize(labels, units.ids, "labels")
    if ax is None:  # wider than tall: the legend sits right of the map
        _, ax = plt.subplots(figsize=(9.5, 7), layout="constrained")
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
        order = sorted(range(len(area_names)), key=lambda k: natural_key(area_names[k]))
        handles = [
            Patch(
                facecolor=colour(k),
                edgecolor="black",
                label=f"{area_names[k]} ({counts[k]} unit{'' if counts[k] == 1 else 's'})",
            )
            for k in order
        ]
        leg = ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.02, 1),
            borderaxespad=0,
            fontsize=7,
            title="area (units)",
            title_fontsize=8,
            ncol=2 if len(handles) > 20 else 1,
        )
        leg.set_zorder(8)  # above the area labels and the scale bar
    if title is None:
        title = f"{len(area_names)} areas, {len(units)} units"
    if title:
        ax.set_title(title)
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
    demand_bounds: tuple[float, float] | None = None,
    max_travel_km: float | None = None,
    min_units: int | None = None,
    max_units: int | None = None,
    area_of: Any = None,
    must_link: Any = None,
    cannot_link: Any = None,
    bound: bool = False,
    bound_time_limit_s: float = 60.0,
    effort: str | None = None,
    bound_method: str = "auto",
) -> AreaPlan:
    """Designs ``k`` contiguous areas from the units, minimising the objective of the
    module docs (balance, travel, compactness).

    Method: per start, k-means++ seeds (advisor units when advisors are given) and region
    growing, then simulated annealing over moves that keep every area contiguous (a unit
    joins a neighbouring area, optionally followed by one of that area's units moving back;
    articulation points never move), then a greedy descent. The best of
    ``starts`` independent starts wins. Same inputs and seed give the same plan whatever
    ``threads`` and whatever the row order of the units (the search runs in the order of the
    unit ids; without ``initial`` areas are numbered by their smallest unit id), unless
    ``time_limit_s`` cuts the search short.

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
        Independent multi-starts (default ``DesignOptions().starts``, 8). ``iterations``:
        annealing proposals per start (default max(2000, 50 x units)). ``threads``: default
        all cores.
    effort : {"fast", "default", "thorough"}, optional
        Search preset; explicit ``starts`` / ``iterations`` override it. "fast": one start,
        no annealing (seeded region growing and the greedy descent; about 0.04 ms for 56
        units, 1 ms for 342 on a prepared :class:`DesignProblem`), typically 10-20 % above
        the default's objective; ``effort="fast", starts=8`` keeps the best of 8 such starts
        (within 2-3 %). "default" (or None): the settings above. "thorough": 32 starts of
        1000 x units proposals each (20,000 to 500,000), for a plan to defend (342 units,
        k = 12: about 6 s on 2 cores and about 5 % below the default's objective; 56 units:
        about 0.5 s, the same plan); it is the default with ``bound=True`` (when neither
        ``effort``, ``starts`` nor ``iterations`` is given), since the bound takes far longer.
    demand_bounds : (lo, hi), optional
        Hard bounds: every area's demand within [lo, hi] x its fair share (capacity share
        with advisors, else demand / k), e.g. ``(0.9, 1.1)``.
    max_travel_km : float, optional
        Hard bound on every unit's travel (as in the objective: to the medoid, the centre
        or the area's advisors), km.
    min_units, max_units : int, optional
        Hard bounds on the units per area.
    area_of : mapping or Series, optional
        Unit id -> area (0..k-1, or an ``initial`` area label): units fixed to an area.
    must_link, cannot_link : list of (unit id, unit id), optional
        Pairs that must share an area, or must not.
    bound : bool, default False
        Also compute a lower bound on the objective within ``bound_time_limit_s`` (seconds,
        both methods together) and set ``plan.bound``, ``plan.gap``, ``plan.status``. Needs
        ``travel`` (travel from each area's medoid unit) and no advisors. It bounds balance +
        travel (compactness at its floor 0, so the gap includes the plan's compactness term)
        by the larger of two methods: a banded Lagrangian relaxation without contiguity (up
        to 3000 units; imbalance bands, a capacitated p-median per band, a 0-1 knapsack per
        centre) and the exact model (a Hess MIP with flow contiguity on COIN-OR CBC, up to
        150 units; tangents under the imbalance's squares). Status "optimal": the plan's
        balance + travel cost is within 0.1 % of the bound. When the MIP's own plan is better,
        it is returned (``plan.from_model``). The search before it runs at
        ``effort="thorough"`` unless ``effort``, ``starts`` or ``iterations`` is given (a
        smaller gap for seconds of search; 342 units: about 6 s).
    bound_method : {"auto", "lagrangian", "mip", "colgen"}, default "auto"
        Which bound to run: "auto" = the Lagrangian and the MIP (the MIP only up to 150
        units), or one method alone. "colgen" (experimental, up to 100 units, not part of
        "auto"): column generation over connected areas per imbalance band (set-partitioning
        LP on COIN-OR CLP, exact pricing by enumeration of connected unit sets); it keeps
        contiguity in the bound, but its pricing is exponential in the area size and it
        stalls on Noord-Brabant (56 units, k = 6; see benchmarks/RESULTS.md).

    Returns
    -------
    AreaPlan

    Notes
    -----
    Hard bounds are always honoured: when the search finds no plan meeting them, the exact
    model decides, and :class:`~libmatch.InfeasibleBoundsError` (a ``ValueError``) names an
    irreducible set of conflicting bounds in ``.conflict``.
    """
    prob = DesignProblem(
        units, demand, advisors, travel, islands=islands, min_border_m=min_border_m, weights=weights
    )
    return prob.design(
        k,
        seed,
        time_limit_s,
        initial,
        effort=effort,
        fixed=fixed,
        starts=starts,
        iterations=iterations,
        threads=threads,
        demand_bounds=demand_bounds,
        max_travel_km=max_travel_km,
        min_units=min_units,
        max_units=max_units,
        area_of=area_of,
        must_link=must_link,
        cannot_link=cannot_link,
        bound=bound,
        bound_time_limit_s=bound_time_limit_s,
        bound_method=bound_method,
    )


# command line -----------------------------------------------------------------------------
def _cmd_design(args) -> int:
    from ._cliargs import layer_spec
    from .travel import StraightLine

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
    hard = {
        "demand_bounds": tuple(args.demand_bounds) if args.demand_bounds else None,
        "max_travel_km": args.max_travel_km,
        "min_units": args.min_units,
        "max_units": args.max_units,
    }
    if args.bound and advisors is not None:
        raise InvalidInputError(
            "--bound cannot be combined with --advisors (the bound measures travel from each "
            "area's medoid unit, without advisor bases)"
        )
    if advisors is not None and "capacity" in advisors.columns:
        # the demand here is a count (points or a field), not hours: balance it against cases
        advisors = advisors.drop(columns=["capacity_hours"], errors="ignore")
    # Both outputs are checked before the search, so a long run never ends on a bad path.
    if not args.out.lower().endswith((".gpkg", ".geojson", ".json", ".shp", ".fgb", ".csv")):
        raise InvalidInputError(
            f"design --out: cannot choose an output format for {args.out!r} "
            "(use .gpkg, .geojson, .shp, .fgb or .csv)"
        )
    if args.assignment and os.path.abspath(args.assignment) == os.path.abspath(args.out):
        raise InvalidInputError("design: --assignment and --out name the same file")
    _io.output_dir(os.path.dirname(os.path.abspath(args.out)) or ".", "design --out")
    if args.assignment:
        _io.output_dir(
            os.path.dirname(os.path.abspath(args.assignment)) or ".", "design --assignment"
        )
    try:
        plan = design_areas(
            units,
            demand,
            args.k,
            advisors=advisors,
            # the bound measures travel from each area's medoid unit: straight lines, no detour
            travel=StraightLine(detour=1.0) if args.bound else None,
            seed=args.seed,
            time_limit_s=args.time_limit,
            starts=args.starts,
            effort=args.effort,
            islands=args.islands,
            min_border_m=args.min_border,
            bound=args.bound,
            bound_time_limit_s=args.bound_time_limit,
            **{k: v for k, v in hard.items() if v is not None},
        )
    except Error as exc:  # the library names its arguments: say the flags instead
        if exc.args and isinstance(exc.args[0], str):
            exc.args = (_as_flags(exc.args[0]),) + exc.args[1:]
        raise
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
    if args.bound:
        print(
            f"lower bound {plan.bound:.4f}  gap {100 * plan.gap:.2f} %  status {plan.status}  "
            f"({plan.bound_seconds:.1f} s; a bound of balance + travel, compactness at 0)"
        )
    print(f"{plan.k} areas -> {args.out}")
    return 0


#: Argument names in library messages -> the design command's flags (longest first).
_FLAGS = (
    ("bound_time_limit_s", "--bound-time-limit"),
    ("time_limit_s", "--time-limit"),
    ("min_border_m", "--min-border"),
    ("demand_bounds lo", "--demand-bounds LO"),
    ("demand_bounds hi", "--demand-bounds HI"),
    ("demand_bounds", "--demand-bounds"),
    ("demand_lo", "--demand-bounds LO"),
    ("demand_hi", "--demand-bounds HI"),
    ("max_travel_km", "--max-travel-km"),
    ("min_units", "--min-units"),
    ("max_units", "--max-units"),
    ("islands='attach' (IslandRule::Attach)", "--islands attach"),
)


def _as_flags(text: str) -> str:
    import re

    for name, flag in _FLAGS:
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?!\w)", flag, text)
    return text


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
    p.add_argument("--layer", default=None, help="layer name (default: the one with the id field)")
    p.add_argument("--crs", default="EPSG:28992", help="working CRS (default EPSG:28992)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--demand-field", help="numeric attribute of the units with the demand")
    src.add_argument("--demand-points", help="CSV with x,y columns: demand = points per unit")
    p.add_argument("--k", type=int, required=True, help="number of areas")
    p.add_argument(
        "--advisors",
        default=None,
        help="CSV with x, y[, capacity] per advisor (capacity in cases, like the demand)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--starts", type=int, default=None, help="multi-starts (default 8; 1 with --effort fast)"
    )
    p.add_argument(
        "--effort",
        choices=("default", "fast", "thorough"),
        default=None,
        help="search effort: default (annealing), fast (greedy: for quick drafts) or thorough "
        "(32 starts, 1000 x units proposals each, at most 500,000; the default with --bound)",
    )
    p.add_argument(
        "--bound",
        action="store_true",
        help="also prove a lower bound and the plan's gap (travel: straight lines from each "
        "area's medoid unit; not with --advisors)",
    )
    p.add_argument(
        "--bound-time-limit", type=float, default=60.0, help="seconds for the bound (default 60)"
    )
    p.add_argument(
        "--demand-bounds",
        type=float,
        nargs=2,
        metavar=("LO", "HI"),
        default=None,
        help="hard bound: every area's demand within [LO, HI] x its fair share (e.g. 0.9 1.1)",
    )
    p.add_argument("--max-travel-km", type=float, default=None, help="hard bound per unit (km)")
    p.add_argument(
        "--min-units",
        type=int,
        default=None,
        help="hard bound: at least N units per area (0: none)",
    )
    p.add_argument(
        "--max-units", type=int, default=None, help="hard bound: at most N units per area (0: none)"
    )
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
