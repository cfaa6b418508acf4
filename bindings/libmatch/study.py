"""Brief location study (*beknopte locatiestudie*): what the weekly working group needs to
see about each business location before choosing an advisor.

For every location: the containing feature of each context layer (orientation areas,
municipalities, provinces, Natura 2000...), the nearest feature and the distance to it,
how many advisors have the location within their action radius (*actieradius*) and the
nearest advisor, and whether a location of *another* request lies within a few metres
(the "no double engagement / no shopping" rule). :func:`location_study_summary` condenses
that per request.

All coordinates are projected metres in the layers' working CRS (default EPSG:28992).

Examples
--------
>>> import numpy as np, pandas as pd, shapely, libmatch
>>> oa = libmatch.AreaSet.from_wkb(shapely.to_wkb([shapely.box(0, 0, 10_000, 10_000)]), ["OA1"])
>>> loc = pd.DataFrame({"applicant_id": ["R1", "R2"], "x": [5000.0, 20_000.0], "y": [5000.0, 5000.0]})
>>> st = libmatch.location_study(loc, {"oa": oa})
>>> st["oa_id"].fillna("-").tolist(), st["oa_distance_m"].tolist()
(['OA1', '-'], [0.0, 10000.0])
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _io, schema
from ._cliargs import UsageError, add_travel_args, layer_spec, travel_from_args
from .areas import _threads, read_areas
from .errors import CrsError, InvalidInputError, InvalidTypeError, UnknownIdError
from .travel import StraightLine, TravelModel

__all__ = ["location_study", "location_study_summary", "close_locations"]

DEFAULT_CRS = "EPSG:28992"
_MISSING = None  # "empty" cell of a string column (NaN in the frame, empty in CSV)
_PANDAS3 = int(pd.__version__.split(".")[0]) >= 3


def _text(values: Any) -> pd.Series:
    """A text column with missing cells: pandas' default string dtype (NaN missing) from
    pandas 3 on, object (None missing) before."""
    s = pd.Series(np.asarray(values, dtype=object), dtype=object)
    return s.astype("str") if _PANDAS3 else s


# ------------------------------------------------------------------------ inputs
def _locations_xy(
    locations: Any, id_column: str, crs: str | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """The locations frame and its (n, 2) coordinates in the working CRS."""
    if not isinstance(locations, pd.DataFrame):
        raise InvalidTypeError(
            "locations must be a DataFrame (applicant_id, x, y) or a "
            f"GeoDataFrame of points, got {type(locations).__name__}"
        )
    if id_column not in locations.columns:
        raise InvalidInputError(
            f"locations: missing column {id_column!r} (columns: {list(locations.columns)})"
        )
    geometry = getattr(locations, "geometry", None) if hasattr(locations, "crs") else None
    # A GeoDataFrame with a CRS says what it is in: its geometry wins over x / y columns.
    if geometry is not None and ("x" not in locations.columns or locations.crs is not None):
        gdf = locations
        if gdf.crs is not None and crs is not None and not _same_crs(str(gdf.crs.to_wkt()), crs):
            gdf = gdf.to_crs(crs)  # reproject to the layers' CRS
        elif crs is None:
            _io.refuse_degrees(
                gdf, "locations", "no layer or road network gives a working CRS to reproject to"
            )
        geom = gdf.geometry
        if len(geom) and not (geom.geom_type == "Point").all():
            raise InvalidInputError("locations: every geometry must be a Point")
        xy = (
            np.column_stack([geom.x.to_numpy(float), geom.y.to_numpy(float)])
            if len(geom)
            else np.empty((0, 2))
        )
        if gdf is not locations and len(xy):  # reprojected: points beyond the target's reach
            given = locations.geometry
            lost = ~np.isfinite(xy).all(axis=1) & np.isfinite(
                np.column_stack([given.x.to_numpy(float), given.y.to_numpy(float)])
            ).all(axis=1)
            if lost.any():
                raise CrsError(
                    f"locations: {int(lost.sum())} point(s) (first at row "
                    f"{int(np.flatnonzero(lost)[0])}) cannot be reprojected to {crs}"
                )
        return locations, np.ascontiguousarray(xy)
    table = schema.STUDY_LOCATIONS.with_id_column(id_column)
    table.check_columns(locations, "locations")
    return locations, table.parse(locations, "locations").xy()


def _finite_xy(xy: np.ndarray) -> np.ndarray:
    bad = np.flatnonzero(~np.isfinite(xy).all(axis=1))
    if len(bad):
        raise InvalidInputError(f"locations: x / y in row {int(bad[0])} must be finite numbers")
    return xy


def _same_crs(a: str, b: str) -> bool:
    return bool(_core.same_crs(a, b))


def _working_crs(layers: Mapping[str, Any], travel: Any) -> str | None:
    """The CRS every layer (and a road network) shares; CrsError when they disagree."""
    named = [(f"layer {name!r}", layer.crs) for name, layer in layers.items()]
    if travel is not None and getattr(travel, "crs", None):
        named.append(("travel model", travel.crs))
    if not named:
        return None
    first_what, first = named[0]
    for what, crs in named[1:]:
        if crs != first and not _same_crs(crs, first):
            raise CrsError(
                f"{what} is in {crs!r} but {first_what} in {first!r}; "
                "build every layer and the road network in one working CRS"
            )
    return first


def _check_layers(layers: Any) -> dict[str, Any]:
    if layers is None:
        return {}
    if not isinstance(layers, Mapping):
        raise InvalidTypeError(
            "layers must map a name to an AreaSet, e.g. {'municipality': read_areas(...)}"
        )
    out = {}
    for name, layer in layers.items():
        if not isinstance(name, str) or not name:
            raise InvalidInputError(f"layer names must be non-empty strings, got {name!r}")
        for attr in ("locate", "nearest", "ids", "crs"):
            if not hasattr(layer, attr):
                raise InvalidTypeError(f"layer {name!r} is not an AreaSet ({type(layer).__name__})")
        out[name] = layer
    return out


# ------------------------------------------------------------------------ study
def close_locations(xy: Any, groups: Any, tolerance_m: float) -> pd.DataFrame:
    """All pairs of points of different groups within ``tolerance_m`` metres.

    Returns columns ``a``, ``b`` (row positions, a < b) and ``distance_m``, sorted by a, b.
    ``groups`` holds one label per point (e.g. the applicant id); equal labels never pair.
    """
    arr = np.asarray(xy)
    if arr.dtype.kind not in "fiu" or arr.ndim != 2 or arr.shape[1] != 2:
        raise InvalidInputError(f"xy must be an (n, 2) array of numbers, got shape {arr.shape}")
    labels = pd.Series(groups) if not isinstance(groups, pd.Series) else groups
    if len(labels) != len(arr):
        raise InvalidInputError(f"groups has {len(labels)} labels for {len(arr)} points")
    tol = _io.real(tolerance_m, "tolerance_m", "metres")
    if not (math.isfinite(tol) and tol > 0):
        raise InvalidInputError(f"tolerance_m must be > 0, got {tolerance_m!r}")
    codes, _ = pd.factorize(labels, use_na_sentinel=False)
    a, b, d = _core.close_pairs(np.ascontiguousarray(arr, dtype=float), codes.astype(np.int64), tol)
    return pd.DataFrame({"a": a, "b": b, "distance_m": d})


def _advisor_columns(
    advisors: pd.DataFrame, xy: np.ndarray, travel: TravelModel, threads: int
) -> dict[str, Any]:
    schema.STUDY_ADVISORS.check_columns(advisors, "advisors")
    has_km, has_min = "radius_km" in advisors.columns, "radius_minutes" in advisors.columns
    if not (has_km or has_min):
        raise InvalidInputError(
            "advisors need an action radius: column radius_km and/or "
            "radius_minutes (empty = no limit for that advisor)"
        )
    n = len(xy)
    ids = advisors["advisor_id"].astype(str).to_numpy(dtype=object)
    if pd.Series(ids).duplicated().any():
        dup = pd.Series(ids)[pd.Series(ids).duplicated()].iloc[0]
        raise InvalidInputError(f"advisors: duplicate advisor_id {dup!r}")
    parsed = schema.STUDY_ADVISORS.parse(advisors, "advisors")
    base = parsed.xy()
    # no limit is NaN here (an unreachable pair has NaN travel and still counts as "within")
    rad_km = np.where(np.isinf(parsed["radius_km"]), np.nan, parsed["radius_km"])
    rad_min = np.where(np.isinf(parsed["radius_minutes"]), np.nan, parsed["radius_minutes"])
    if (rad_km < 0).any() or (rad_min < 0).any():
        raise InvalidInputError("advisors: radius_km and radius_minutes must be >= 0")
    # All pairs: the nearest advisor may lie outside every radius.
    p = travel.pairs_arrays(base, xy, threads=threads or None)
    o, d, minutes, km = p.origin, p.destination, p.minutes, p.km
    within = (np.isnan(rad_km[o]) | (km <= rad_km[o])) & (
        np.isnan(rad_min[o]) | (minutes <= rad_min[o])
    )
    count = np.bincount(d[within], minlength=n).astype(np.int64)
    # Ids within radius, nearest first (ties: lower advisor id, whatever the row order).
    rank = pd.factorize(pd.Series(ids), sort=True)[0].astype(np.int64)
    order = np.lexsort((rank[o], minutes, d))
    in_ids = [[] for _ in range(n)]
    for k in order[within[order]]:
        in_ids[d[k]].append(ids[o[k]])
    nearest_id = np.full(n, _MISSING, dtype=object)
    nearest_min = np.full(n, np.nan)
    nearest_km = np.full(n, np.nan)
    if len(order):
        first = order[np.r_[True, d[order][1:] != d[order][:-1]]]
        nearest_id[d[first]] = ids[o[first]]
        nearest_min[d[first]] = minutes[first]
        nearest_km[d[first]] = km[first]
    return {
        "_unsnapped": len(p.unsnapped_destinations),
        "_unsnapped_advisors": tuple(sorted(str(ids[k]) for k in p.unsnapped_origins)),
        "advisors_in_radius": count,
        "advisor_ids_in_radius": [";".join(v) if v else _MISSING for v in in_ids],
        "nearest_advisor_id": nearest_id,
        "nearest_advisor_minutes": nearest_min,
        "nearest_advisor_km": nearest_km,
    }


def location_study(
    locations: Any,
    layers: Mapping[str, Any],
    advisors: pd.DataFrame | None = None,
    travel: TravelModel | None = None,
    max_distance_m: float = 10_000,
    *,
    id_column: str = "applicant_id",
    duplicate_tolerance_m: float = 25.0,
    threads: int | None = None,
    services: Any = None,
    service_areas: Any = None,
) -> pd.DataFrame:
    """Brief location study, one row per business location, in input order.

    Parameters
    ----------
    locations : DataFrame or GeoDataFrame
        Business locations with ``applicant_id`` (``id_column``) and ``x``, ``y`` in the
        working CRS, or a GeoDataFrame of points (reprojected to the layers' CRS when it
        declares another). Rows sharing an applicant id are one request; its first row is
        the primary location. With a ``location_of`` column (the matching round's
        convention), a row that has it belongs to the request it names, whose own row stays
        its primary location wherever the rows stand.
    layers : dict of name -> AreaSet
        Context layers, e.g. ``{"area": orientation_areas, "municipality": gm,
        "natura2000": n2k}``. All in one working CRS (else :class:`CrsError`).
    advisors : DataFrame, optional
        ``advisor_id``, ``x``, ``y`` (base) and ``radius_km`` and/or ``radius_minutes``
        (action radius; an empty cell = no limit in that unit).
    travel : StraightLine or RoadNetwork, optional
        Decides "within radius" and the nearest advisor; default ``StraightLine()``
        (x1.3 at 60 km/h). Use the model matching uses.
    max_distance_m : float, default 10,000
        Search radius for the nearest feature of each layer.
    duplicate_tolerance_m : float, default 25
        Locations closer than this to a location of another request are flagged.
    threads : int, optional
        Worker threads (default all cores); results do not depend on it.
    services : DataFrame or path, optional
        A service catalogue (:mod:`libmatch.catalogue`): adds ``offered_<service>`` per
        service, True where the location lies in the service's ``offered_in`` areas (always
        True without ``offered_in``, always False for ``referral_only`` services).
    service_areas : AreaSet or str, optional
        The membership layer ``offered_in`` lists ids of: an AreaSet, or the name of one of
        ``layers``; default the layer named ``area``.

    Returns
    -------
    pandas.DataFrame
        The input's index, and columns:

        - ``applicant_id``, ``x``, ``y``; ``location`` (0 = primary, 1, 2... within the
          request) and ``is_primary``;
        - per layer ``<name>_id`` (containing feature; missing when outside),
          ``<name>_nearest_id`` and ``<name>_distance_m`` (0 inside; missing beyond
          ``max_distance_m``);
        - ``differs_from_primary`` (a non-primary location lies in another feature than
          the primary one in some layer) and ``differing_layers`` (their names,
          ``;``-joined);
        - ``duplicate_of`` (applicant id of the nearest location of another request
          within ``duplicate_tolerance_m``) and ``duplicate_distance_m``;
        - with advisors: ``advisors_in_radius`` (count), ``advisor_ids_in_radius``
          (``;``-joined, nearest first), ``nearest_advisor_id``, ``nearest_advisor_minutes``
          and ``nearest_advisor_km`` (over all advisors, missing when unreachable);
        - with services: ``offered_<service>`` per service of the catalogue.

        ``df.attrs`` records ``layers`` (names), ``crs``, ``travel`` (description),
        ``max_distance_m``, ``duplicate_tolerance_m``, ``unsnapped_locations`` (how many
        locations the travel model could not place: empty advisor columns, not "nobody
        within radius") and ``unsnapped_advisors`` (ids of advisors whose base it could
        not place, e.g. beyond a road network's ``snap_max_m``: they are within nobody's
        radius and nobody's nearest).
        :func:`location_study_summary` turns the frame into one row per request.

    Examples
    --------
    >>> import pandas as pd, shapely, libmatch
    >>> areas = libmatch.AreaSet.from_wkb(shapely.to_wkb([shapely.box(0, 0, 1000, 1000)]),
    ...                                   ["OA1"])
    >>> locs = pd.DataFrame({"applicant_id": ["R1", "R2"], "x": [500.0, 1500.0],
    ...                      "y": [500.0, 500.0]})
    >>> libmatch.location_study(locs, {"area": areas})[["area_id", "area_distance_m"]]
      area_id  area_distance_m
    0     OA1              0.0
    1     NaN            500.0
    """
    layers = _check_layers(layers)
    if travel is not None and not isinstance(travel, TravelModel):
        raise InvalidTypeError(
            f"travel must be a libmatch.StraightLine or RoadNetwork, got {type(travel).__name__}"
        )
    # No layer, service areas or road network: EPSG:28992, the default working CRS of every
    # libmatch entry point (GeoDataFrames in another CRS are reprojected to it).
    crs = _working_crs(layers, travel) or getattr(service_areas, "crs", None) or DEFAULT_CRS
    df_in, xy = _locations_xy(locations, id_column, crs)
    xy = _finite_xy(xy)
    reserved = {id_column, "x", "y", "location", "is_primary", "differs_from_primary"}
    reserved |= {"differing_layers", "duplicate_of", "duplicate_distance_m", "nearest_advisor_id"}
    reserved |= {"advisors_in_radius", "advisor_ids_in_radius", "nearest_advisor_minutes"}
    reserved |= {"nearest_advisor_km"}
    taken: dict[str, str] = {}  # column -> the layer that writes it
    for name in layers:
        for col in (f"{name}_id", f"{name}_nearest_id", f"{name}_distance_m"):
            if col in reserved or col in taken:
                whose = f"layer {taken[col]!r}'s" if col in taken else "the"
                raise InvalidInputError(
                    f"layer name {name!r} would overwrite {whose} column {col!r}; rename it"
                )
            taken[col] = name
    max_d = _io.real(max_distance_m, "max_distance_m", "metres")
    if math.isnan(max_d) or max_d < 0:
        raise InvalidInputError(f"max_distance_m must be >= 0, got {max_distance_m!r}")
    tol = _io.real(duplicate_tolerance_m, "duplicate_tolerance_m", "metres")
    if not (math.isfinite(tol) and tol > 0):
        raise InvalidInputError(f"duplicate_tolerance_m must be > 0, got {duplicate_tolerance_m!r}")
    nthreads = _threads(threads)
    n = len(xy)
    ids = df_in[id_column]
    extra = np.zeros(n, dtype=bool)  # rows that are another request's extra location
    if ids.isna().any():
        raise InvalidInputError(
            f"locations: {id_column} is empty in row "
            f"{int(np.flatnonzero(ids.isna().to_numpy())[0])}"
        )
    ids = ids.astype(str).to_numpy(dtype=object)
    if "location_of" in df_in.columns:  # extra locations of a request (matching's convention)
        owner = df_in["location_of"].to_numpy(dtype=object)
        for row, v in enumerate(owner):
            if not (v is None or isinstance(v, str) or (isinstance(v, float) and math.isnan(v))):
                raise InvalidTypeError(f"locations: location_of in row {row} must be text (an id)")
        has = np.array([isinstance(v, str) and bool(v.strip()) for v in owner], dtype=bool)
        known = set(ids[~has].tolist())
        for row in np.flatnonzero(has):
            if str(owner[row]).strip() not in known:
                raise UnknownIdError(
                    f"locations: location_of in row {int(row)} names no request of the table"
                )
        ids = np.where(has, [str(v).strip() if h else "" for v, h in zip(owner, has)], ids)
        ids = ids.astype(object)
        extra = has
    codes, uniques = pd.factorize(pd.Series(ids))
    codes = codes.astype(np.int64)

    out: dict[str, Any] = {id_column: ids, "x": xy[:, 0], "y": xy[:, 1]}
    # Locations numbered in row order, a request's own row first (0 = primary) wherever its
    # location_of rows stand.
    walk = np.lexsort((np.arange(n), extra))
    location_no = np.empty(n, np.int64)
    location_no[walk] = pd.Series(codes[walk]).groupby(codes[walk]).cumcount().to_numpy(np.int64)
    out["location"] = location_no
    out["is_primary"] = location_no == 0
    primary_row = np.zeros(len(uniques), np.int64)
    primary_row[codes[location_no == 0]] = np.flatnonzero(location_no == 0)

    differing = [[] for _ in range(n)]
    for name, layer in layers.items():
        layer_ids = np.array(list(layer.ids) + [_MISSING], dtype=object)
        inside = np.asarray(layer.locate(xy, threads)) if n else np.empty(0, np.int64)
        near, dist = (
            layer.nearest(xy, max_distance=max_d, threads=threads)
            if n
            else (np.empty(0, np.int64), np.empty(0))
        )
        inside = np.asarray(inside, np.int64)
        near = np.asarray(near, np.int64)
        out[f"{name}_id"] = layer_ids[inside]
        out[f"{name}_nearest_id"] = layer_ids[near]
        out[f"{name}_distance_m"] = np.asarray(dist, float)
        prim = inside[primary_row[codes]] if n else inside
        for i in np.flatnonzero(inside != prim):
            differing[i].append(name)
    out["differs_from_primary"] = np.array([bool(v) for v in differing], dtype=bool)
    out["differing_layers"] = np.array(
        [";".join(v) if v else _MISSING for v in differing], dtype=object
    )

    if n:  # in (id, location) order, so equal distances go to the lower id, not row
        canon = np.lexsort((location_no, pd.factorize(pd.Series(ids), sort=True)[0]))
        got, d_c = _core.nearest_other_group(
            np.ascontiguousarray(xy[canon]), np.ascontiguousarray(codes[canon]), tol, nthreads
        )
        other = np.full(n, -1, dtype=np.int64)
        dup_d = np.full(n, np.nan)
        other[canon] = np.where(got >= 0, canon[np.maximum(got, 0)], -1)
        dup_d[canon] = d_c
    else:
        other, dup_d = np.empty(0, np.int64), np.empty(0)
    dup_of = np.full(n, _MISSING, dtype=object)
    dup_of[other >= 0] = ids[other[other >= 0]]
    out["duplicate_of"] = dup_of
    out["duplicate_distance_m"] = dup_d

    if services is not None:
        out.update(_offered_columns(services, service_areas, layers, crs, xy, threads))

    model = travel
    if advisors is not None:
        if model is None:
            model = StraightLine()
        if not isinstance(model, TravelModel):
            raise InvalidTypeError("travel must be a libmatch.StraightLine or RoadNetwork")
        if not isinstance(advisors, pd.DataFrame):
            raise InvalidTypeError("advisors must be a DataFrame")
        if hasattr(advisors, "geometry") and hasattr(advisors, "crs"):
            advisors = _io.read_table(advisors, "advisors", crs=crs)  # x / y in the working CRS
        out.update(_advisor_columns(advisors, xy, model, nthreads))
    unsnapped = int(out.pop("_unsnapped", 0))
    unsnapped_advisors = out.pop("_unsnapped_advisors", ())

    text_cols = [
        c
        for c in out
        if c.endswith("_id")
        or c in ("differing_layers", "advisor_ids_in_radius", "duplicate_of", id_column)
    ]
    df = pd.DataFrame(out, index=df_in.index)
    for c in text_cols:
        df[c] = _text(out[c]).set_axis(df.index)
    df.attrs["layers"] = tuple(layers)
    df.attrs["crs"] = crs
    df.attrs["travel"] = model.describe() if model is not None else None
    df.attrs["max_distance_m"] = max_d
    df.attrs["duplicate_tolerance_m"] = tol
    df.attrs["id_column"] = id_column
    # locations the travel model could not place (beyond snap_max_m of every road): their
    # advisor columns are empty, which is not the same as "nobody within radius"
    df.attrs["unsnapped_locations"] = unsnapped
    # advisors whose base the travel model could not place: they count for no location
    df.attrs["unsnapped_advisors"] = unsnapped_advisors
    if hasattr(locations, "crs") and hasattr(locations, "geometry") and "x" not in locations:
        import geopandas as gpd  # given a GeoDataFrame: return one, same geometry and CRS

        attrs = dict(df.attrs)
        df = gpd.GeoDataFrame(df, geometry=locations.geometry.values, crs=locations.crs)
        df.attrs.update(attrs)
    return df


def _offered_columns(
    services: Any, service_areas: Any, layers: dict, crs: str | None, xy: np.ndarray, threads: Any
) -> dict[str, np.ndarray]:
    """``offered_<service>`` per catalogue service: the location lies where it is offered."""
    from . import catalogue

    cat = catalogue.read_catalogue(services, "services")
    layer = service_areas
    if isinstance(layer, str):
        if layer not in layers:
            raise UnknownIdError(
                f"service_areas: no layer named {layer!r} (layers: {list(layers)})"
            )
        layer = layers[layer]
    elif layer is None:
        layer = layers.get("area")
    elif not hasattr(layer, "locate"):
        raise InvalidTypeError("service_areas must be an AreaSet, a layer name or None")
    wanted = any(len(o) for o in cat["offered_in"])
    n = len(xy)
    inside = np.full(n, -1, np.int64)
    if wanted:
        if layer is None:
            raise InvalidInputError(
                "services: offered_in needs service_areas= (an AreaSet or the name of a layer; "
                "default the layer 'area')"
            )
        if crs is not None and not _same_crs(layer.crs, crs):
            raise CrsError("service_areas: its CRS differs from the layers' working CRS")
        if n:
            inside = np.asarray(layer.locate(xy, threads), np.int64)
    index = {a: k for k, a in enumerate(layer.ids)} if wanted else {}
    out = {}
    for k, (name, offered, referral) in enumerate(
        zip(cat["service"], cat["offered_in"], cat["referral_only"])
    ):
        if referral:
            col = np.zeros(n, dtype=bool)
        elif not len(offered):
            col = np.ones(n, dtype=bool)
        else:
            for a in offered:
                if a not in index:
                    raise UnknownIdError(
                        f"services: offered_in in row {k} (service '{name}') lists an area "
                        "that is not in the membership layer"
                    )
            col = np.isin(inside, [index[a] for a in offered])
        out[f"offered_{name}"] = col
    return out


def location_study_summary(study: pd.DataFrame) -> pd.DataFrame:
    """One row per request (order of first appearance) from a :func:`location_study` frame.

    Columns: the applicant id; ``n_locations``; ``primary_x``, ``primary_y``; per layer
    ``<name>_id`` of the primary location; ``locations_elsewhere`` (how many other
    locations lie in a different feature than the primary one in some layer) and
    ``elsewhere`` (``layer:id`` of those features, ``;``-joined); ``duplicate_of`` (every
    other request with a location within ``duplicate_tolerance_m`` of one of its locations,
    nearest first, ``;``-joined; for a frame that lost its ``attrs``, the per-location
    ``duplicate_of`` values); and, when the study had
    advisors, the primary location's ``advisors_in_radius``, ``nearest_advisor_id`` and
    ``nearest_advisor_minutes``; with services, the primary location's ``offered_<service>``
    columns (where the matching round decides module membership).
    """
    if not isinstance(study, pd.DataFrame):
        raise InvalidTypeError(
            f"study must be the DataFrame of location_study(), got {type(study).__name__}"
        )
    id_column = study.attrs.get("id_column", "applicant_id")
    layers = study.attrs.get("layers")
    if layers is None:
        layers = tuple(c[: -len("_nearest_id")] for c in study.columns if c.endswith("_nearest_id"))
    needed = {id_column, "x", "y", "is_primary", "differs_from_primary", "duplicate_of"}
    missing = needed - set(study.columns)
    if missing:
        raise InvalidInputError(f"not a location_study frame: missing {sorted(missing)}")
    st = study.reset_index(drop=True)
    prim = st[st["is_primary"]].set_index(id_column, drop=False)
    order = pd.unique(st[id_column])
    lacking = [r for r in order if r not in prim.index]
    if lacking or prim.index.duplicated().any():
        rid = lacking[0] if lacking else prim.index[prim.index.duplicated()][0]
        raise InvalidInputError(
            f"not a location_study frame: request {rid!r} needs exactly one primary row"
        )
    prim = prim.loc[order]
    out = pd.DataFrame(
        {
            id_column: _text(prim[id_column].to_numpy(object)),
            "n_locations": st.groupby(id_column, sort=False).size().loc[order].to_numpy(np.int64),
            "primary_x": prim["x"].to_numpy(float),
            "primary_y": prim["y"].to_numpy(float),
        }
    )
    for name in layers:
        out[f"{name}_id"] = _text(prim[f"{name}_id"].to_numpy(object))
    others = st[~st["is_primary"] & st["differs_from_primary"]]
    elsewhere_n = others.groupby(id_column, sort=False).size()
    out["locations_elsewhere"] = elsewhere_n.reindex(order, fill_value=0).to_numpy(np.int64)
    texts = {}
    for rid, grp in others.groupby(id_column, sort=False):
        parts = []
        for _, row in grp.iterrows():
            for name in (row["differing_layers"] or "").split(";"):
                if name:
                    val = row[f"{name}_id"]
                    parts.append(f"{name}:{'-' if pd.isna(val) else val}")
        texts[rid] = ";".join(dict.fromkeys(parts))
    out["elsewhere"] = _text([texts.get(r, _MISSING) for r in order])
    tol = study.attrs.get("duplicate_tolerance_m")
    if tol is not None:  # every pair within the tolerance, nearest first, then by id
        pairs = close_locations(st[["x", "y"]].to_numpy(float), st[id_column], tol)
        rid = st[id_column].astype(str).to_numpy(object)
        near: dict[str, dict[str, float]] = {}
        for a, b, d in zip(pairs["a"], pairs["b"], pairs["distance_m"]):
            for one, other in ((rid[a], rid[b]), (rid[b], rid[a])):
                got = near.setdefault(one, {})
                got[other] = min(d, got.get(other, math.inf))
        dup_text = {r: ";".join(sorted(v, key=lambda o, v=v: (v[o], o))) for r, v in near.items()}
    else:  # a frame read back without its attrs: the per-location nearest ones
        dups = st.dropna(subset=["duplicate_of"]).groupby(id_column, sort=False)["duplicate_of"]
        dup_text = {r: ";".join(dict.fromkeys(v)) for r, v in dups}
    out["duplicate_of"] = _text([dup_text.get(r, _MISSING) for r in order])
    for col in ("advisors_in_radius", "nearest_advisor_id", "nearest_advisor_minutes"):
        if col in prim.columns:
            out[col] = prim[col].to_numpy()
    for col in [c for c in prim.columns if c.startswith("offered_")]:
        out[col] = prim[col].to_numpy(bool)
    return out


# ------------------------------------------------------------------------ command line
def _parse_layer(spec: str, default_name: str | None = None) -> tuple[str, str, str | None, str]:
    """``NAME=FILE[@LAYER]:ID_FIELD`` (or ``FILE[@LAYER]:ID_FIELD`` with a default name)."""
    name, rest = default_name, spec
    if "=" in spec and (default_name is None or spec.split("=", 1)[0].isidentifier()):
        name, rest = spec.split("=", 1)
    if not name:
        raise UsageError(f"layer spec {spec!r}: expected NAME=FILE[@LAYER]:ID_FIELD")
    path, layer, id_field = layer_spec(rest, f"layer spec {spec!r}")
    return name, path, layer, id_field


def _cmd_study(args) -> int:
    if not args.max_distance_m >= 0:  # NaN too
        raise UsageError("--max-distance-m must be >= 0 (metres)")
    if not (math.isfinite(args.duplicate_tolerance_m) and args.duplicate_tolerance_m > 0):
        raise UsageError("--duplicate-tolerance-m must be > 0 (metres)")
    specs = []
    if args.areas:
        specs.append(_parse_layer(args.areas, default_name="area"))
    specs += [_parse_layer(s) for s in args.layer or []]
    names = [s[0] for s in specs]
    if len(set(names)) != len(names):
        raise InvalidInputError(f"layer names must be unique, got {names}")
    layers = {
        name: read_areas(path, id_field, layer=layer, crs=args.crs)
        for name, path, layer, id_field in specs
    }
    for path, what in ((args.out, "study --out"), (args.summary, "study --summary")):
        if path:  # both outputs are checked before anything is written
            if os.path.isdir(path):
                raise InvalidInputError(f"{what}: {path} is a directory; give a file name")
            _io.output_dir(os.path.dirname(os.path.abspath(path)) or ".", what)
    locations = _io.read_table(
        args.locations, "--locations", [args.id_column, "location_of"], crs=args.crs
    )
    advisors = (
        _io.read_table(
            args.advisors, "--advisors", schema.STUDY_ADVISORS.text_columns, crs=args.crs
        )
        if args.advisors
        else None
    )
    travel = travel_from_args(args, crs=args.crs)
    study = location_study(
        locations,
        layers,
        advisors=advisors,
        travel=travel,
        max_distance_m=args.max_distance_m,
        id_column=args.id_column,
        duplicate_tolerance_m=args.duplicate_tolerance_m,
        services=args.services,
        service_areas=args.service_layer,
    )
    _io.write_csv(study, args.out, "study --out")
    summary = location_study_summary(study)
    if args.summary:
        _io.write_csv(summary, args.summary, "study --summary")
    n_dup = int(study["duplicate_of"].notna().sum())
    n_else = int(summary["locations_elsewhere"].sum())
    print(
        f"studied {len(study)} locations of {len(summary)} requests against "
        f"{len(layers)} layer(s) ({travel.describe()}): {n_dup} possible duplicate "
        f"location(s), {n_else} location(s) in another area than their primary -> {args.out}"
    )
    if study.attrs.get("unsnapped_locations"):
        print(
            f"{study.attrs['unsnapped_locations']} location(s) could not be placed on the road "
            "network (beyond its snap distance): their advisor columns are empty"
        )
    if study.attrs.get("unsnapped_advisors"):
        print(
            f"{len(study.attrs['unsnapped_advisors'])} advisor base(s) could not be placed on "
            "the road network (beyond its snap distance): they count for no location"
        )
    return 0


def _register_cli(sub) -> None:
    p = sub.add_parser(
        "study",
        help="brief location study of business locations",
        description="Brief location study: per business location the containing and nearest "
        "feature of each layer, advisors within their action radius, and possible "
        "duplicates of other requests.",
    )
    p.add_argument("--areas", help="orientation areas as FILE[@LAYER]:ID_FIELD (layer name 'area')")
    p.add_argument(
        "--layer",
        action="append",
        metavar="NAME=FILE[@LAYER]:ID_FIELD",
        help="a context layer (repeatable), e.g. municipality=data/municipalities.geojson:id",
    )
    p.add_argument(
        "--locations",
        required=True,
        help="CSV with applicant_id, x, y (one row per business location)",
    )
    p.add_argument("--advisors", help="CSV with advisor_id, x, y, radius_km and/or radius_minutes")
    p.add_argument(
        "--services",
        help="service catalogue CSV: adds offered_<service> per service (module membership)",
    )
    p.add_argument(
        "--service-layer",
        metavar="NAME",
        help="the layer offered_in lists ids of (a --layer name; default 'area')",
    )
    p.add_argument("--out", required=True, help="output CSV, one row per location")
    p.add_argument("--summary", help="optional output CSV, one row per request")
    p.add_argument("--id-column", default="applicant_id", help="request id column")
    p.add_argument("--crs", default="EPSG:28992", help="working CRS (default EPSG:28992)")
    p.add_argument(
        "--max-distance-m",
        type=float,
        default=10_000.0,
        help="search radius for the nearest feature (default 10000)",
    )
    p.add_argument(
        "--duplicate-tolerance-m",
        type=float,
        default=25.0,
        help="flag locations this close to another request's (default 25)",
    )
    add_travel_args(p)
    p.set_defaults(func=_cmd_study)
