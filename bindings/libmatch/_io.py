"""The one table reader and writer: every table a user hands libmatch (requests, advisors,
scenario tables, study locations, CLI points) comes through :func:`read_table`, and every
CSV libmatch writes goes through :func:`write_csv` / :func:`output_dir`.

Failures become libmatch errors that name the file (never a cell value):
:class:`FileMissingError` (no such file), :class:`FileError` (a directory, unreadable data
source, a write that fails), :class:`InvalidInputError` (empty file, bytes that are not
UTF-8, a CSV that cannot be parsed, a layer with non-point geometry).
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .errors import FileError, FileMissingError, InvalidInputError, InvalidTypeError

#: Suffixes read as delimited text; anything else is opened as an OGR vector source.
CSV_SUFFIXES = (".csv", ".txt", ".tsv")


def _is_path(source: Any) -> bool:
    return isinstance(source, (str, os.PathLike))


def path_arg(value: Any, what: str, kind: str) -> str:
    """``value`` as a path string; InvalidTypeError naming ``what`` for anything else."""
    if not _is_path(value):
        raise InvalidTypeError(f"{what} must be {kind}, got {type(value).__name__}")
    return os.fspath(value)


def _check_readable(path: str, what: str) -> None:
    if not os.path.exists(path):
        raise FileMissingError(f"{what}: file not found: {path}")
    # A directory is a data source only for some OGR drivers (FileGDB, shapefile folders);
    # the vector reader reports those that are not.
    if os.path.isdir(path) and path.lower().endswith(CSV_SUFFIXES):
        raise FileError(f"{what}: {path} is a directory, not a table file")
    if os.path.isfile(path) and os.path.getsize(path) == 0:
        raise InvalidInputError(f"{what}: {path} is empty")


def _bad_utf8(path: str) -> str:
    """Where a file stops being UTF-8 (pandas reports the offset inside its read buffer)."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"first undecodable byte on line {line}, byte offset {exc.start}"
    return "undecodable bytes"


def _read_csv(path: str, what: str, text_columns: Iterable[str] | None) -> pd.DataFrame:
    sep = "\t" if path.lower().endswith(".tsv") else ","
    try:
        df = pd.read_csv(
            path,
            sep=sep,
            dtype=str if text_columns is None else dict.fromkeys(text_columns, str),
            # all text: only empty cells are missing ("NA" stays "NA")
            keep_default_na=text_columns is not None,
            na_values=[""] if text_columns is None else None,
            encoding="utf-8",
        )
        # pandas renames a repeated header to "x.1": the second column would go unread
        header = pd.read_csv(path, sep=sep, header=None, nrows=1, dtype=str, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise InvalidInputError(f"{what}: {path} has no columns (empty file)") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{what}: {path} is not UTF-8 text ({_bad_utf8(path)})") from None
    except pd.errors.ParserError as exc:
        # pandas' messages give line and field counts, never cell text; keep only those
        m = re.search(r"line (\d+)", str(exc))
        where = f" near line {m.group(1)}" if m else ""
        raise InvalidInputError(f"{what}: {path} is not a readable CSV table{where}") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise FileError(f"{what}: cannot read {path} ({exc.strerror})") from None
    except (ValueError, TypeError):
        # e.g. a column declared as text that pandas cannot convert: report the file only
        raise InvalidInputError(f"{what}: {path} cannot be read as a CSV table") from None
    seen: set[str] = set()
    for cell in header.iloc[0] if len(header) else ():
        name = "" if pd.isna(cell) else str(cell).strip()
        if not name:  # an unnamed column: pandas numbers these itself
            continue
        if name in seen:
            raise InvalidInputError(f"{what}: {path}: column '{name}' appears twice")
        seen.add(name)
    return df


def _read_vector(path: str, what: str) -> Any:
    import geopandas as gpd

    try:
        return gpd.read_file(path)
    except (OSError, ValueError, RuntimeError) as exc:
        # pyogrio's DataSourceError / DataLayerError / FieldTypeError, fiona's DriverError:
        # GDAL's own reason goes into ours (it names the file, not cell values).
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FileError(f"{what}: cannot read {path} as a vector data source ({reason})") from None
    except Exception as exc:  # other driver errors: typed, naming the file
        if type(exc).__module__.startswith(("pyogrio", "fiona")):
            raise FileError(
                f"{what}: cannot read {path} as a vector data source ({type(exc).__name__})"
            ) from None
        raise


def _points_to_xy(gdf: Any, what: str) -> pd.DataFrame:
    """``x`` / ``y`` from the point geometry. A layer that declares its CRS says what its
    geometry is in, so the geometry (reprojected by the caller) wins over attribute columns
    named x / y, which may hold other units (lon/lat exported beside the points); without a
    CRS, existing x / y columns are kept, as for a CSV."""
    geom = gdf.geometry
    df = pd.DataFrame(gdf.drop(columns=geom.name))
    if len(geom) and not (geom.geom_type == "Point").all():
        raise InvalidInputError(f"{what}: every geometry must be a Point")
    if gdf.crs is not None or ("x" not in df and "y" not in df):
        df["x"] = geom.x.to_numpy(float) if len(geom) else np.empty(0)
        df["y"] = geom.y.to_numpy(float) if len(geom) else np.empty(0)
    return df


def read_table(
    source: Any,
    what: str = "table",
    text_columns: Iterable[str] | None = (),
    crs: str | None = None,
) -> pd.DataFrame:
    """A DataFrame from a DataFrame, a GeoDataFrame of points (``x``/``y`` from the geometry,
    reprojected to ``crs`` when it declares another CRS), a CSV path or any OGR point layer
    (GeoJSON, GeoPackage, FlatGeobuf, shapefile...). ``text_columns`` of a CSV are read as
    strings (ids keep leading zeros); ``None`` reads every column as text (a table carried
    through unchanged). ``what`` names the table in messages."""
    if _is_path(source):
        path = os.fspath(source)
        _check_readable(path, what)
        if path.lower().endswith(CSV_SUFFIXES):
            return _read_csv(path, what, text_columns)
        if os.path.isfile(path) and "." not in os.path.basename(path):
            return _read_csv(path, what, text_columns)
        source = _read_vector(path, what)
        source = _undeclared_geojson_crs(source, path, what)
    if not isinstance(source, pd.DataFrame):
        raise InvalidTypeError(
            f"{what} must be a DataFrame, GeoDataFrame or file path, got {type(source).__name__}"
        )
    if hasattr(source, "geometry") and hasattr(source, "crs") and "geometry" in source:
        if crs is not None and source.crs is not None:
            source = source.to_crs(crs)
        else:
            refuse_degrees(source, what)
        return _points_to_xy(source, what)
    return source


def _undeclared_geojson_crs(gdf: Any, path: str, what: str) -> Any:
    """A GeoJSON file without a ``crs`` member is WGS 84 by RFC 7946, so GDAL declares
    degrees even for a file written in metres (RD New, say). Coordinates beyond 180 cannot be
    degrees: such a frame loses its CRS, with a warning, and its x/y are taken to be in the
    working CRS, as a CSV's are."""
    if not path.lower().endswith((".geojson", ".json", ".geojsonl", ".geojsons")):
        return gdf
    if not getattr(getattr(gdf, "crs", None), "is_geographic", False) or not len(gdf):
        return gdf
    bounds = np.asarray(gdf.geometry.total_bounds, dtype=float)
    if not (np.isfinite(bounds).all() and np.abs(bounds).max() > 180.0):
        return gdf
    import warnings

    warnings.warn(
        f"{what}: {path} declares no CRS (GeoJSON then means WGS 84) but has coordinates "
        "beyond 180, so they are not degrees: read as the working CRS (metres); add a crs "
        "member or write the file in EPSG:4326 to be explicit",
        UserWarning,
        stacklevel=3,
    )
    return gdf.set_crs(None, allow_override=True)


def refuse_degrees(
    frame: Any, what: str, why: str = "no working CRS is known here to reproject them to"
) -> None:
    """CrsError when a non-empty (Geo)frame declares a geographic CRS: libmatch measures in
    metres, so points in degrees need a working CRS to be reprojected to (``why`` says why
    none is known)."""
    if getattr(getattr(frame, "crs", None), "is_geographic", False) and len(frame):
        from .errors import CrsError

        raise CrsError(
            f"{what}: the points are in a geographic CRS (degrees) and {why}; distances are "
            "in metres: reproject first, e.g. .to_crs('EPSG:28992')"
        )


def real(value: Any, what: str, unit: str = "") -> float:
    """A real-number argument as float; InvalidTypeError naming ``what`` (and ``unit``, e.g.
    "metres") for str, None, bool, ... The value itself is never echoed."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        unit_text = f" ({unit})" if unit else ""
        raise InvalidTypeError(f"{what} must be a number{unit_text}, got {type(value).__name__}")
    try:
        return float(value)
    except OverflowError:  # an int beyond float range
        raise InvalidInputError(f"{what} is too large for a float") from None


def output_dir(path: str | os.PathLike, what: str = "output") -> str:
    """Creates directory ``path`` (and parents); FileError when it is a file or not writable."""
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidTypeError(f"{what} must be a directory path, got {type(path).__name__}")
    p = os.fspath(path)
    try:
        os.makedirs(p, exist_ok=True)
    except FileExistsError:
        raise FileError(f"{what}: {p} exists and is not a directory") from None
    except OSError as exc:
        raise FileError(f"{what}: cannot create directory {p} ({exc.strerror})") from None
    return p


def write_csv(df: pd.DataFrame, path: str | os.PathLike, what: str = "output", **kw) -> str:
    """Writes ``df`` as CSV (no index unless ``index=True``); FileError naming the file."""
    p = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(p))
    output_dir(parent, what)
    if os.path.isdir(p):
        raise FileError(f"{what}: {p} is a directory, not a file")
    kw.setdefault("index", False)
    try:
        df.to_csv(p, **kw)
    except OSError as exc:
        raise FileError(f"{what}: cannot write {p} ({exc.strerror or exc})") from None
    return p
