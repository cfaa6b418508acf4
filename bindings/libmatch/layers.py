"""Tables and layers in any GDAL/OGR source, databases included.

GIS teams keep their layers in PostGIS. :func:`read_layer` reads any vector layer (a
GeoPackage, Shapefile, GeoJSON, CSV, or a PostgreSQL/PostGIS table given as
``"PG:dbname=... host=..."``) into a DataFrame, or a GeoDataFrame when it has geometry and
GeoPandas is installed; :func:`write_layer` writes a DataFrame or GeoDataFrame back as a
layer (a new table in the database, a layer in a GeoPackage). Both go through libmatch's own
GDAL, so the database driver is the system's. :func:`read_areas` takes the same
``"PG:..."`` sources with ``layer=`` for orientation areas, and ``RoundResult.to_layers``,
``AreaPlan.to_layer`` write results back.

Connection strings never appear in messages (they may hold a password).

Examples
--------
>>> import os, tempfile, pandas as pd, libmatch
>>> path = os.path.join(tempfile.mkdtemp(), "tabellen.gpkg")
>>> libmatch.write_layer(pd.DataFrame({"id": ["a", "b"], "n": [1, 2]}), path, "tabel")
>>> libmatch.read_layer(path, "tabel")["n"].tolist()
[1, 2]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .errors import InvalidInputError, InvalidTypeError

__all__ = ["read_layer", "write_layer"]


def read_layer(
    source: str | os.PathLike,
    layer: str | None = None,
    crs: Any = None,
    source_crs: Any = None,
    geometry: bool = True,
) -> pd.DataFrame:
    """Reads every feature of a vector layer.

    Parameters
    ----------
    source : path or ``"PG:..."`` connection string
    layer : str, optional
        Layer (table) name; default the first one.
    crs : optional
        Reproject geometries to this CRS (default: keep the layer's).
    source_crs : optional
        CRS to assume when the layer declares none.
    geometry : bool, default True
        Return a GeoDataFrame when the layer has geometry (needs geopandas); with
        ``geometry=False`` a DataFrame, with ``x``/``y`` columns for point layers.

    Notes
    -----
    Integer columns with nulls become pandas ``Int64``, real columns float64 with NaN,
    text columns object with None. Raises :class:`libmatch.FileMissingError`,
    :class:`libmatch.FileError` (unreadable, or a read that fails mid-layer: never a silently
    short table), :class:`libmatch.UnknownIdError` (layer).
    """
    from .areas import _crs_string

    t = _core.read_table(
        os.fspath(source),
        "" if layer is None else str(layer),
        "" if crs is None else _crs_string(crs),
        "" if source_crs is None else _crs_string(source_crs),
    )
    data = {}
    for name, kind, values, valid in t["columns"]:
        valid = np.asarray(valid, dtype=bool)
        if kind == "integer":
            arr = pd.array(np.asarray(values, dtype=np.int64), dtype="Int64")
            arr[~valid] = pd.NA
            data[name] = arr if not valid.all() else np.asarray(values, dtype=np.int64)
        elif kind == "real":
            arr = np.asarray(values, dtype=float).copy()
            arr[~valid] = np.nan
            data[name] = arr
        else:
            data[name] = (
                np.array([v if ok else None for v, ok in zip(values, valid)], dtype=object)
                if len(values)
                else np.array([], dtype=object)
            )
    df = pd.DataFrame(data, index=pd.RangeIndex(t["rows"]))
    wkb = t["geometry"]
    if wkb is None:
        return df
    if geometry:
        import geopandas as gpd
        import shapely

        geoms = shapely.from_wkb(np.array(wkb, dtype=object))
        return gpd.GeoDataFrame(df, geometry=geoms, crs=t["crs_wkt"] or None)
    import shapely

    geoms = shapely.from_wkb(np.array(wkb, dtype=object))
    if len(geoms) and (shapely.get_type_id(geoms) == 0).all():
        df["x"], df["y"] = shapely.get_x(geoms), shapely.get_y(geoms)
    return df


def _column(name: str, series: pd.Series) -> tuple:
    valid = series.notna().to_numpy()
    if series.dtype == object and valid.any():  # e.g. booleans with missing values
        present = series[valid]
        if all(isinstance(v, (bool, np.bool_)) for v in present):
            ints = np.array([int(bool(v)) if ok else 0 for v, ok in zip(series, valid)])
            return (name, "integer", ints.astype(np.int64), valid)
    if pd.api.types.is_bool_dtype(series):
        return (name, "integer", series.fillna(False).astype(np.int64).to_numpy(), valid)
    if pd.api.types.is_integer_dtype(series):
        if pd.api.types.is_unsigned_integer_dtype(series) and (series[valid] > 2**63 - 1).any():
            raise InvalidInputError(f"write_layer: column {name!r} has values above 2^63 - 1")
        return (name, "integer", series.fillna(0).astype(np.int64).to_numpy(), valid)
    if pd.api.types.is_float_dtype(series):
        return (name, "real", series.fillna(0.0).astype(float).to_numpy(), valid)
    values = ["" if not ok else str(v) for v, ok in zip(series, valid)]
    return (name, "string", values, valid)


def write_layer(
    frame: pd.DataFrame,
    dest: str | os.PathLike,
    layer: str,
    crs: Any = None,
    overwrite: bool = True,
) -> None:
    """Writes ``frame`` as layer ``layer`` of ``dest``.

    ``dest`` is a ``"PG:..."`` database (a table is created, replacing one of that name when
    ``overwrite``), an existing GeoPackage (the layer is added or replaced, others kept) or a
    file whose extension names the format (.gpkg, .geojson, .shp, .fgb, .csv); an existing
    file of a one-layer format (.geojson, .shp, .fgb, .csv) is replaced as a whole when
    ``overwrite`` (else FileError). A GeoDataFrame's geometry is written with its CRS (or
    reprojected to ``crs``; in a CSV as a ``WKT`` column); a plain DataFrame is written as an
    attribute table (not to .shp or .fgb, which need a geometry: InvalidInputError; nor can
    FlatGeobuf hold a row without a geometry). Booleans (also with missing values) are written
    as 0/1 integers.
    """
    from .areas import _crs_string

    if not isinstance(frame, pd.DataFrame):
        raise InvalidTypeError("write_layer needs a DataFrame or GeoDataFrame")
    if not layer:
        raise InvalidInputError("write_layer: a layer name is required")
    geom = None
    target = "" if crs is None else _crs_string(crs)
    geo_name = getattr(frame, "_geometry_column_name", None) if hasattr(frame, "crs") else None
    if geo_name is not None and geo_name in frame:
        import shapely

        if target and frame.crs is not None and not _core.same_crs(_crs_string(frame.crs), target):
            frame = frame.to_crs(target)  # ``crs`` moves the coordinates, not only the label
        geom = [
            None if g is None else bytes(b)
            for g, b in zip(frame.geometry, shapely.to_wkb(frame.geometry.values))
        ]
        if not target and frame.crs is not None:
            target = _crs_string(frame.crs)
    if frame.columns.has_duplicates:
        dup = frame.columns[frame.columns.duplicated()][0]
        raise InvalidInputError(f"write_layer: column {str(dup)!r} appears twice")
    cols = [c for c in frame.columns if c != geo_name]
    columns = [_column(str(c), frame[c]) for c in cols]
    _core.write_table(os.fspath(dest), str(layer), len(frame), columns, geom, target, overwrite)
