"""Orientation areas and other polygon layers: reading, batch membership, nearest area.

All coordinates are projected metres in the set's working CRS (default EPSG:28992,
Amersfoort / RD New). Points passed to :meth:`AreaSet.locate` and :meth:`AreaSet.nearest`
must already be in that CRS; use :func:`transform` to convert.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core, _io
from .errors import CrsError, GeometryError, InvalidInputError, InvalidTypeError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas

__all__ = ["AreaSet", "read_areas", "transform", "points_xy", "OutsideWarning"]


def points_xy(points: Any, what: str = "points", crs: Any = None) -> np.ndarray:
    """Coordinates as an ``(n, 2)`` float64 C-contiguous array.

    Accepts an ``(n, 2)`` array, a DataFrame with ``x`` and ``y`` columns, or a
    GeoSeries/GeoDataFrame of points. With ``crs`` (the working CRS of the caller), a
    GeoSeries/GeoDataFrame that declares another CRS is reprojected to it, and one whose CRS
    cannot be transformed raises :class:`libmatch.CrsError`; plain arrays and DataFrames are
    taken to be in the working CRS already.
    """
    if hasattr(points, "geometry") and hasattr(points, "crs"):
        geom = points.geometry
        if len(geom) and not (geom.geom_type == "Point").all():
            raise InvalidInputError(f"{what}: every geometry must be a Point")
        xy = (
            np.column_stack([geom.x.to_numpy(float), geom.y.to_numpy(float)])
            if len(geom)
            else np.empty((0, 2))
        )
        if crs is None:
            _io.refuse_degrees(points, what)
        if crs is not None and points.crs is not None and len(xy):
            source = _crs_string(points.crs)
            target = _crs_string(crs)
            if not _core.same_crs(source, target):
                try:
                    moved = _core.transform_points(np.ascontiguousarray(xy), source, target)
                except InvalidInputError as exc:
                    raise CrsError(
                        f"{what}: cannot reproject from the frame's CRS to {target} ({exc})"
                    ) from None
                bad = np.isnan(moved).any(axis=1) & ~np.isnan(xy).any(axis=1)
                if bad.any():
                    raise CrsError(
                        f"{what}: {int(bad.sum())} point(s) (first at row "
                        f"{int(np.flatnonzero(bad)[0])}) cannot be reprojected to {target}"
                    )
                xy = moved
        return np.ascontiguousarray(xy)
    if isinstance(points, pd.DataFrame):
        missing = {"x", "y"} - set(points.columns)
        if missing:
            raise InvalidInputError(f"{what}: missing column(s) {sorted(missing)}")
        cols = []
        for name in ("x", "y"):
            col = points[name]
            if col.dtype.kind in "fiu":
                cols.append(col.to_numpy(dtype=float))
                continue
            num = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            bad = np.flatnonzero(np.isnan(num) & col.notna().to_numpy())
            if col.dtype.kind == "b" or len(bad):  # never echo the cell
                row = int(bad[0]) if len(bad) else 0
                raise InvalidInputError(f"{what}: {name} in row {row} must be a number (metres)")
            cols.append(num)
        return np.ascontiguousarray(np.column_stack(cols))
    arr = np.asarray(points)
    if arr.dtype.kind != "f":
        raise InvalidTypeError(f"{what} must have a floating dtype (float64), got {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise InvalidInputError(f"{what} must have shape (n, 2), got {arr.shape}")
    return np.ascontiguousarray(arr, dtype=np.float64)


def _id_text(values: pd.Series) -> pd.Series:
    """Ids as text. A float column (a Shapefile's or GeoPackage's Real field) gives whole
    numbers without a fraction ('1', not '1.0'), as read_areas reads them whatever the
    driver; other values in their shortest round-trip form."""
    if values.dtype.kind != "f":
        return values.astype(str)
    return pd.Series(
        [
            str(int(v)) if float(v).is_integer() and abs(v) < 2**53 else repr(float(v))
            for v in values
        ],
        index=values.index,
        dtype=object,
    )


def _attributes_by_id(table: pd.DataFrame, id_field: str, ids: list[str]) -> pd.DataFrame:
    """Rows of ``table`` ordered like ``ids`` by the text of ``id_field`` (dropped)."""
    if id_field not in table.columns:
        return pd.DataFrame(index=pd.Index(ids, name="id"))
    keys = _id_text(table[id_field])
    table = table.drop(columns=[id_field]).set_index(pd.Index(keys, name="id"))
    table = table[~table.index.duplicated()]
    return table.reindex(pd.Index(ids, name="id"))


class OutsideWarning(UserWarning):
    """Every point of a batch fell outside all areas (or off the network): usually points
    in another CRS than the working one."""


#: Batches smaller than this never warn (a few points outside is ordinary).
_WARN_MIN_POINTS = 10


def _warn_if_all_outside(found: np.ndarray, xy: np.ndarray, bbox: tuple, crs: str) -> None:
    """Warns when a batch lies entirely outside the areas *and* their bounding box: the mark
    of coordinates in another CRS (points merely between sparse areas do not warn)."""
    n = len(found)
    if n < _WARN_MIN_POINTS or (found >= 0).any():
        return
    ok = ~np.isnan(xy).any(axis=1)
    if not ok.any():
        return
    x0, y0, x1, y1 = bbox
    inside_box = (xy[ok, 0] >= x0) & (xy[ok, 0] <= x1) & (xy[ok, 1] >= y0) & (xy[ok, 1] <= y1)
    if inside_box.any():
        return
    import warnings

    warnings.warn(
        f"all {n} points lie outside every area and its bounding box; are they in the "
        f"working CRS {crs}? (GeoDataFrames are reprojected; plain arrays are not)",
        OutsideWarning,
        stacklevel=3,
    )


def _crs_string(crs: Any) -> str:
    """A CRS given as str, int EPSG code or pyproj CRS -> a string GDAL understands."""
    if crs is None:
        raise InvalidInputError("a CRS is required")
    if isinstance(crs, int):
        return f"EPSG:{crs}"
    if isinstance(crs, str):
        return crs
    to_epsg = getattr(crs, "to_epsg", None)
    if to_epsg is not None and to_epsg() is not None:
        return f"EPSG:{to_epsg()}"
    to_wkt = getattr(crs, "to_wkt", None)
    if to_wkt is not None:
        return to_wkt()
    raise InvalidTypeError(f"cannot interpret CRS of type {type(crs).__name__}")


def _threads(threads: int | None, name: str = "threads") -> int:
    """A thread-count argument for the core: None -> 0 (all cores), else an int >= 1."""
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise InvalidTypeError(
            f"{name} must be an integer >= 1 (or None for all cores), got {type(threads).__name__}"
        )
    if int(threads) < 1:
        raise InvalidInputError(f"{name} must be >= 1 (or None for all cores), got {threads}")
    if int(threads) > 65536:
        raise InvalidInputError(f"{name} must be at most 65536, got {threads}")
    return int(threads)


def _distance(value: Any, name: str) -> float:
    """A distance argument in metres: a number >= 0 (inf allowed), else a typed error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(f"{name} must be a number (metres), got {type(value).__name__}")
    v = float(value)
    if math.isnan(v) or v < 0:
        raise InvalidInputError(f"{name} must be >= 0 metres, got {v}")
    return v


class AreaSet:
    """A set of polygonal areas with unique string ids, in one projected working CRS.

    Build one with :func:`read_areas`, :meth:`from_wkb` or :meth:`from_geodataframe`.

    Boundary rule: a point exactly on a border shared by two areas belongs to exactly one
    of them, the area to its east (for an east-west border, the one to its north),
    whatever the order of the areas. Where areas overlap, the lowest index wins.

    Examples
    --------
    >>> import numpy as np, shapely, libmatch
    >>> squares = [shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)]
    >>> areas = libmatch.AreaSet.from_wkb(shapely.to_wkb(squares), ["west", "east"])
    >>> areas.locate(np.array([[5.0, 5.0], [10.0, 5.0], [50.0, 5.0]])).tolist()
    [0, 1, -1]
    """

    __slots__ = ("_impl", "_source", "_attributes", "_bbox")

    def __init__(self, impl: _core.AreaSet):
        if not isinstance(impl, _core.AreaSet):
            raise InvalidTypeError("use read_areas(), AreaSet.from_wkb() or from_geodataframe()")
        self._impl = impl
        self._source = None  # (source, layer, id field) when read from a GDAL source
        self._attributes = None
        self._bbox = None  # (min_x, min_y, max_x, max_y), computed on first use

    # construction -------------------------------------------------------------------
    @classmethod
    def from_file(
        cls,
        source: str | os.PathLike,
        id_field: str,
        layer: str | None = None,
        crs: Any = "EPSG:28992",
        source_crs: Any = None,
        repair: bool = False,
    ) -> AreaSet:
        """Same as :func:`read_areas`."""
        return read_areas(
            source, id_field, layer=layer, crs=crs, source_crs=source_crs, repair=repair
        )

    @classmethod
    def from_wkb(
        cls,
        wkbs: Iterable[bytes],
        ids: Iterable[Any],
        crs: Any = "EPSG:28992",
        source_crs: Any = None,
        repair: bool = False,
    ) -> AreaSet:
        """Areas from WKB Polygons/MultiPolygons (e.g. ``shapely.to_wkb(geoms)``).

        ``source_crs`` is the CRS of the geometries (default: the same as ``crs``, the
        working CRS they are reprojected to).
        """
        wkb_list = []
        for row, w in enumerate(wkbs):
            if not isinstance(w, (bytes, bytearray, memoryview)):
                raise GeometryError(f"wkbs: row {row} is not WKB bytes ({type(w).__name__})")
            wkb_list.append(bytes(w))
        id_list = []
        for row, i in enumerate(ids):
            if i is None or i is pd.NA or (isinstance(i, float) and math.isnan(i)):
                raise InvalidInputError(f"ids: row {row} is empty")
            id_list.append(str(i))
        target = _crs_string(crs)
        src = target if source_crs is None else _crs_string(source_crs)
        return cls(_core.AreaSet.from_wkb(wkb_list, id_list, src, target, bool(repair)))

    @classmethod
    def from_geodataframe(
        cls,
        gdf: geopandas.GeoDataFrame,
        id_field: str,
        crs: Any = "EPSG:28992",
        repair: bool = False,
    ) -> AreaSet:
        """Areas from a GeoDataFrame of (Multi)Polygons, reprojected from ``gdf.crs``."""
        if id_field not in gdf.columns:
            raise InvalidInputError(
                f"id field {id_field!r} not in the GeoDataFrame (columns: {list(gdf.columns)})"
            )
        if gdf.crs is None:
            raise CrsError("the GeoDataFrame has no CRS; set one with gdf.set_crs()")
        empty_id = np.flatnonzero(gdf[id_field].isna().to_numpy())
        if len(empty_id):
            raise InvalidInputError(f"id field {id_field!r} is empty in row {int(empty_id[0])}")
        no_geom = np.flatnonzero((gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy())
        if len(no_geom):
            raise GeometryError(f"the geometry of row {int(no_geom[0])} is missing or empty")
        wkbs = gdf.geometry.to_wkb()
        out = cls.from_wkb(
            wkbs, _id_text(gdf[id_field]), crs=crs, source_crs=gdf.crs, repair=repair
        )
        attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        out._attributes = _attributes_by_id(attrs, id_field, out.ids)
        return out

    # properties -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._impl)

    def __repr__(self) -> str:
        return f"<AreaSet: {len(self)} areas, crs={self.crs}>"

    @property
    def ids(self) -> list[str]:
        """Area ids in index order."""
        return list(self._impl.ids)

    @property
    def attributes(self) -> pd.DataFrame:
        """The layer's other fields, one row per area in index order (index: area id).

        Read lazily from the source of :func:`read_areas` (a second, attribute-only pass)
        or kept from :meth:`from_geodataframe`; an empty frame for sets built from WKB or by
        :meth:`dissolve`."""
        if self._attributes is None:
            if self._source is None:
                self._attributes = pd.DataFrame(index=pd.Index(self.ids, name="id"))
            else:
                from .layers import read_layer

                src, layer, field = self._source
                table = read_layer(src, layer, geometry=False)
                table = table.drop(columns=[c for c in ("x", "y") if c in table], errors="ignore")
                self._attributes = _attributes_by_id(table, field, self.ids)
        return self._attributes

    @property
    def crs(self) -> str:
        """The working CRS, as given when the set was built."""
        return self._impl.crs

    def index_of(self, area_id: str) -> int:
        """Index of an area id (raises :class:`libmatch.UnknownIdError`)."""
        return self._impl.index_of(str(area_id))

    # queries --------------------------------------------------------------------------
    def locate(self, xy: Any, threads: int | None = None) -> np.ndarray:
        """Index of the area containing each point, -1 outside all (NaN too).

        ``xy`` is an ``(n, 2)`` float64 array of working-CRS coordinates (or a DataFrame
        with x/y, or a GeoSeries/GeoDataFrame of points, reprojected from its ``.crs``).
        Warns :class:`OutsideWarning` when a batch of 10 or more points falls entirely
        outside the areas' bounding box (coordinates in another CRS). Runs on ``threads`` threads (default all
        cores) with the GIL released; results do not depend on the thread count.
        """
        pts = points_xy(xy, "xy", crs=self.crs)
        found = self._impl.locate(pts, _threads(threads))
        if len(found) >= _WARN_MIN_POINTS and len(self):
            if self._bbox is None:
                st = self._impl.stats_arrays()
                self._bbox = (st[:, 4].min(), st[:, 5].min(), st[:, 6].max(), st[:, 7].max())
            _warn_if_all_outside(found, pts, self._bbox, self.crs)
        return found

    def locate_ids(
        self, xy: Any, threads: int | None = None, as_series: bool = False
    ) -> np.ndarray | pd.Series:
        """Like :meth:`locate` but returns area ids (object array; None outside).

        ``as_series=True``: a pandas Series aligned with the input's index (a DataFrame's or
        GeoDataFrame's; a RangeIndex for arrays), NaN outside, named ``area_id``.
        """
        idx = self.locate(xy, threads)
        ids = np.array(self.ids + [None], dtype=object)
        out = ids[idx]
        if not as_series:
            return out
        index = xy.index if isinstance(xy, (pd.DataFrame, pd.Series)) else None
        series = pd.Series(out, index=index, name="area_id", dtype=object)
        return series.where(series.notna(), np.nan)

    def sjoin(self, points: Any, column: str = "area_id", threads: int | None = None):
        """A copy of ``points`` (DataFrame with x/y or GeoDataFrame of points, reprojected
        from its CRS for the lookup) with the id of the containing area in ``column``
        (NaN outside); rows, index and other columns unchanged."""
        if not isinstance(points, pd.DataFrame):
            raise InvalidTypeError("sjoin needs a DataFrame (x, y) or a GeoDataFrame of points")
        out = points.copy()
        out[column] = self.locate_ids(points, threads, as_series=True)
        return out

    def nearest(
        self, xy: Any, max_distance: float = math.inf, threads: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Nearest area and the distance to it in metres (0 inside).

        Beyond ``max_distance`` (metres) the index is -1 and the distance NaN. A point
        equally near two areas gets the lower index.
        """
        max_distance = math.inf if max_distance is None else _distance(max_distance, "max_distance")
        pts = points_xy(xy, "xy", crs=self.crs)
        return self._impl.nearest(pts, max_distance, _threads(threads))

    def adjacency(self, min_border_m: float = 0.0) -> pd.DataFrame:
        """Pairs of areas sharing a border longer than ``min_border_m`` metres.

        Columns ``a``, ``b`` (indices, a < b), ``a_id``, ``b_id``, ``border_m``.
        Borders count where boundary segments overlap within 1 cm.
        """
        a, b, length = self._impl.adjacency(_distance(min_border_m, "min_border_m"))
        ids = np.array(self.ids, dtype=object)
        return pd.DataFrame(
            {
                "a": a,
                "b": b,
                "a_id": ids[a] if len(a) else [],
                "b_id": ids[b] if len(b) else [],
                "border_m": length,
            }
        )

    def stats(self) -> pd.DataFrame:
        """Per area: ``id``, ``area_m2``, ``perimeter_m``, centroid and bounding box."""
        s = self._impl.stats_arrays()
        cols = [
            "area_m2",
            "perimeter_m",
            "centroid_x",
            "centroid_y",
            "min_x",
            "min_y",
            "max_x",
            "max_y",
        ]
        df = pd.DataFrame(s, columns=cols)
        df.insert(0, "id", self.ids)
        return df

    def wkb(self, i: int) -> bytes:
        """WKB MultiPolygon of area ``i``."""
        if isinstance(i, bool) or not isinstance(i, numbers.Integral):
            raise InvalidTypeError(f"area index must be an integer, got {type(i).__name__}")
        if not 0 <= int(i) < len(self):
            raise InvalidInputError(f"area index {int(i)} is out of range [0, {len(self)})")
        return self._impl.wkb(int(i))

    def dissolve(
        self, labels: Sequence[int] | np.ndarray, ids: Sequence[str] | None = None
    ) -> AreaSet:
        """Unites areas by integer label (0..k-1) into a new AreaSet of k areas."""
        labels = np.asarray(labels)
        return AreaSet(self._impl.dissolve(labels, [] if ids is None else [str(i) for i in ids]))

    def to_file(self, path: str | os.PathLike, id_field: str = "id", layer: str = "areas") -> None:
        """Writes the areas (.gpkg, .geojson, .shp or .fgb, by extension)."""
        self._impl.to_file(os.fspath(path), id_field, layer)

    def to_geodataframe(self) -> geopandas.GeoDataFrame:
        """The areas as a GeoDataFrame: ``id``, the layer's :attr:`attributes` and the
        geometry, in the working CRS (needs geopandas/shapely)."""
        import geopandas as gpd
        import shapely

        geoms = shapely.from_wkb([self.wkb(i) for i in range(len(self))])
        attrs = self.attributes.reset_index(drop=True)
        attrs = attrs.drop(columns=[c for c in attrs.columns if c == "id"])
        data = pd.concat([pd.DataFrame({"id": self.ids}), attrs], axis=1)
        return gpd.GeoDataFrame(data, geometry=geoms, crs=self.crs)

    def explore(self, **kwargs):
        """Interactive map (folium, as ``GeoDataFrame.explore``) with the area id as tooltip;
        keywords go to ``GeoDataFrame.explore``. Needs geopandas and folium."""
        gdf = self.to_geodataframe()
        kwargs.setdefault("tooltip", [c for c in gdf.columns if c != "geometry"][:8])
        kwargs.setdefault("style_kwds", {"fillOpacity": 0.15, "weight": 1.5})
        return gdf.explore(**kwargs)

    def plot(self, ax=None, fill: bool = False, labels: bool = False, **kwargs):
        """Draws the areas with matplotlib (no geopandas needed); returns ``ax``.

        ``fill``: a light qualitative fill per area (neighbours in index order differ);
        ``labels``: the area id at each area's largest part. Other keywords go to the
        ``PolyCollection`` (e.g. ``edgecolor``, ``linewidth``).
        """
        import matplotlib.pyplot as plt
        from matplotlib.collections import PolyCollection

        from ._plotting import add_labels, colour

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 7))
        polys, faces = [], []
        for i in range(len(self)):
            for part in _wkb_rings(self.wkb(i)):
                polys.append(part[0])
                faces.append(colour(i))
        if fill:
            kwargs.setdefault("facecolor", faces)
            kwargs.setdefault("alpha", 0.25)
        kwargs.setdefault("facecolor", "none")
        kwargs.setdefault("edgecolor", "0.3")
        kwargs.setdefault("linewidth", 0.6)
        ax.add_collection(PolyCollection(polys, **kwargs))
        if labels:
            add_labels(ax, self)
        ax.autoscale_view()
        ax.set_aspect("equal")
        return ax


def _wkb_rings(wkb: bytes) -> list[list[np.ndarray]]:
    """Parts (list of rings as (n, 2) arrays) of the MultiPolygon WKB that AreaSet writes."""
    buf = memoryview(wkb)
    n_parts = int(np.frombuffer(buf[5:9], "<u4")[0])
    off, parts = 9, []
    for _ in range(n_parts):
        n_rings = int(np.frombuffer(buf[off + 5 : off + 9], "<u4")[0])
        off += 9
        rings = []
        for _ in range(n_rings):
            n = int(np.frombuffer(buf[off : off + 4], "<u4")[0])
            off += 4
            rings.append(np.frombuffer(buf[off : off + 16 * n], "<f8").reshape(n, 2))
            off += 16 * n
        parts.append(rings)
    return parts


def read_areas(
    source: str | os.PathLike,
    id_field: str,
    layer: str | None = None,
    crs: Any = "EPSG:28992",
    source_crs: Any = None,
    repair: bool = False,
) -> AreaSet:
    """Reads a polygon layer from any GDAL vector source (GeoPackage, Shapefile, GeoJSON,
    FlatGeobuf, TopoJSON...) into an :class:`AreaSet`, reprojected to ``crs``.

    Parameters
    ----------
    source : path or GDAL connection string
    id_field : str
        Attribute with a unique id per feature.
    layer : str, optional
        Layer name; default the only layer, or of several the only one with ``id_field``
        (InvalidInputError when several have it), else the first.
    crs : str, default "EPSG:28992"
        Working CRS (projected, metres) the areas are reprojected to.
    source_crs : str, optional
        CRS to assume when the source declares none.
    repair : bool, default False
        Repair invalid polygons (GEOS MakeValid) instead of raising GeometryError.

    Raises
    ------
    FileMissingError, FileError, UnknownIdError (layer or field), GeometryError
    (non-polygon, invalid, empty layer), CrsError, InvalidInputError (duplicate ids; no
    layer named and several have ``id_field``).
    """
    src = _io.path_arg(source, "source", "a path or a GDAL connection string")
    areas = AreaSet(
        _core.AreaSet.from_file(
            src,
            str(id_field),
            layer or "",
            _crs_string(crs),
            "" if source_crs is None else _crs_string(source_crs),
            bool(repair),
        )
    )
    areas._source = (src, layer, str(id_field))
    return areas


def transform(xy: Any, from_crs: Any, to_crs: Any = "EPSG:28992") -> np.ndarray:
    """Reprojects ``(n, 2)`` coordinates (EPSG:4326 as lon, lat). Points that cannot be
    transformed become NaN."""
    return _core.transform_points(points_xy(xy, "xy"), _crs_string(from_crs), _crs_string(to_crs))


# command line ---------------------------------------------------------------------------
def _cmd_locate(args) -> int:
    from . import _io, schema
    from ._cliargs import layer_spec

    path, layer, id_field = layer_spec(args.areas, "--areas", args.id_field)
    areas = read_areas(path, id_field, layer=layer or args.layer, crs=args.crs)

    # every column as text: the output carries the input's cells unchanged (leading zeros)
    pts = _io.read_table(args.points, f"--points {args.points}", None, crs=args.crs)
    coords = pts[[c for c in (args.x, args.y) if c in pts.columns]].rename(
        columns={args.x: "x", args.y: "y"}
    )
    schema.POINTS.check_columns(coords, f"--points {args.points}")
    xy = schema.POINTS.parse(coords, f"--points {args.points}").xy()
    ids = areas.locate_ids(xy)
    pts["area_id"] = ids
    _io.write_csv(pts, args.out, "locate --out")
    counts = pd.Series(ids).value_counts(dropna=False)
    print(
        f"located {len(pts)} points in {len(areas)} areas; "
        f"{int(pd.isna(ids).sum())} outside all areas -> {args.out}"
    )
    if args.counts:
        print(counts.rename("points").to_string())
    return 0


def _register_cli(sub) -> None:
    p = sub.add_parser(
        "locate",
        help="which area each point lies in",
        description="Locate points (CSV with x/y in the working CRS) in areas.",
    )
    p.add_argument(
        "--areas", required=True, metavar="FILE[@LAYER]:ID_FIELD", help="polygon layer and id field"
    )
    p.add_argument("--id-field", default=None, help="id field (instead of :ID_FIELD)")
    p.add_argument("--layer", default=None, help="layer name (instead of @LAYER)")
    p.add_argument("--crs", default="EPSG:28992", help="working CRS (default EPSG:28992)")
    p.add_argument("--points", required=True, help="CSV with point coordinates")
    p.add_argument("--x", default="x", help="x column (default x)")
    p.add_argument("--y", default="y", help="y column (default y)")
    p.add_argument("--out", required=True, help="output CSV: the input plus area_id")
    p.add_argument("--counts", action="store_true", help="print the count per area")
    p.set_defaults(func=_cmd_locate)
