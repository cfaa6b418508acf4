"""Travel models: how long an advisor needs from a base to a business location.

Coordinates are projected metres in the working CRS (default EPSG:28992); times are in
minutes, distances in km. Two models share one interface, :meth:`TravelModel.pairs`:

- :class:`StraightLine`: euclidean distance x detour factor at a constant speed
  (defaults: x1.3 at 60 km/h).
- :class:`RoadNetwork`: shortest travel time over a road graph read from any GDAL line
  layer (GeoPackage, Shapefile, GeoJSON, OpenStreetMap ``.osm`` / ``.osm.pbf``).

An advisor's action radius (*actieradius*) is a maximum in km and/or minutes; decide
"within radius" with the same model that matching uses.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _io
from .areas import _crs_string, _threads, points_xy
from .errors import InvalidInputError, InvalidTypeError

__all__ = ["TravelModel", "StraightLine", "RoadNetwork", "TravelPairs", "OSM_CAR_SPEEDS"]

#: Road-class speeds (km/h) of the OpenStreetMap car profile (``highway`` tag).
OSM_CAR_SPEEDS: dict[str, float] = dict(_core.RoadNetworkOptions.osm_car().class_speeds)


@dataclass(frozen=True)
class TravelPairs:
    """Raw many-to-many result: parallel numpy arrays sorted by origin, then destination.

    Only pairs within the limits are present. ``unsnapped_origins`` /
    ``unsnapped_destinations`` are the input indices of points the model could not place
    (road network: farther than ``snap_max_m`` from every road; any model: NaN
    coordinates); ``unreachable_pairs`` counts placed pairs with no connecting path.
    """

    origin: np.ndarray
    destination: np.ndarray
    minutes: np.ndarray
    km: np.ndarray
    unsnapped_origins: np.ndarray
    unsnapped_destinations: np.ndarray
    unreachable_pairs: int

    def to_frame(self) -> pd.DataFrame:
        """The pairs as a DataFrame (``origin``, ``destination``, ``minutes``, ``km``) with
        the summary in ``df.attrs`` (see :meth:`TravelModel.pairs`)."""
        df = pd.DataFrame(
            {
                "origin": self.origin,
                "destination": self.destination,
                "minutes": self.minutes,
                "km": self.km,
            }
        )
        df.attrs["unsnapped_origins"] = tuple(int(i) for i in self.unsnapped_origins)
        df.attrs["unsnapped_destinations"] = tuple(int(i) for i in self.unsnapped_destinations)
        df.attrs["unreachable_pairs"] = int(self.unreachable_pairs)
        return df


def _limit(value: float | None, name: str) -> float:
    if value is None:
        return math.inf
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidTypeError(
            f"{name} must be a number or None, got {type(value).__name__}"
        ) from None
    except OverflowError:
        v = math.inf  # an int beyond float range: no limit in practice
    if math.isnan(v) or v < 0:
        raise InvalidInputError(f"{name} must be >= 0 (or None for no limit), got {value!r}")
    return v


class TravelModel:
    """Base class of the travel models; wraps a compiled model in ``_impl``."""

    __slots__ = ("_impl",)
    _impl: Any

    def describe(self) -> str:
        """One-line description for reports, e.g. ``straight line x1.3 at 60 km/h``."""
        return self._impl.describe()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.describe()}>"

    @property
    def crs(self) -> str | None:
        """Working CRS the model is bound to (None: any projected metres)."""
        return None

    def _xy(self, origins: Any, destinations: Any) -> tuple[np.ndarray, np.ndarray]:
        """Both point sets in one CRS: the model's, else the first projected CRS that a
        GeoSeries / GeoDataFrame among them declares (the other is reprojected to it)."""
        crs = self.crs
        for pts in (origins, destinations):
            declared = getattr(pts, "crs", None) if hasattr(pts, "geometry") else None
            if crs is None and declared is not None and not declared.is_geographic:
                crs = declared
        return (
            points_xy(origins, "origins_xy", crs=crs),
            points_xy(destinations, "destinations_xy", crs=crs),
        )

    def pairs_arrays(
        self,
        origins_xy: Any,
        destinations_xy: Any,
        max_minutes: float | None = None,
        max_km: float | None = None,
        threads: int | None = None,
    ) -> TravelPairs:
        """Like :meth:`pairs` but returns numpy arrays (no DataFrame)."""
        o, d = self._xy(origins_xy, destinations_xy)
        res = self._impl.pairs_arrays(
            o, d, _limit(max_minutes, "max_minutes"), _limit(max_km, "max_km"), _threads(threads)
        )
        return TravelPairs(**res)

    def pairs(
        self,
        origins_xy: Any,
        destinations_xy: Any,
        max_minutes: float | None = None,
        max_km: float | None = None,
        threads: int | None = None,
    ) -> pd.DataFrame:
        """Travel between every origin and destination within the limits.

        Parameters
        ----------
        origins_xy, destinations_xy : (n, 2) float64 array, DataFrame with ``x``/``y``, or
            GeoSeries of points, in the working CRS: a road network's; for a straight line
            the first projected CRS a GeoSeries declares (the other set is reprojected to
            it), else projected metres as given.
        max_minutes, max_km : float, optional
            Keep only pairs with ``minutes <= max_minutes`` and ``km <= max_km``.
        threads : int, optional
            Worker threads (default all cores); the result does not depend on it.

        Returns
        -------
        pandas.DataFrame
            Columns ``origin``, ``destination`` (row indices of the inputs, int64),
            ``minutes``, ``km``; sorted by origin then destination; unreachable pairs
            absent. ``df.attrs`` holds the summary: ``unsnapped_origins`` and
            ``unsnapped_destinations`` (tuples of input indices the model could not place)
            and ``unreachable_pairs`` (count of placed pairs with no path).

        Examples
        --------
        >>> import numpy as np, libmatch
        >>> model = libmatch.StraightLine(detour=1.3, speed_kmh=60)
        >>> model.pairs(np.array([[0.0, 0.0]]), np.array([[3000.0, 4000.0]]))
           origin  destination  minutes   km
        0       0            0      6.5  6.5
        """
        o, d = self._xy(origins_xy, destinations_xy)
        tp = self.pairs_arrays(o, d, max_minutes, max_km, threads)
        if (
            len(o) + len(d) >= 10
            and len(tp.unsnapped_origins) == len(o)
            and len(tp.unsnapped_destinations) == len(d)
        ):  # nothing placed at all: usually points in another CRS
            _warn_unplaced(tp, "pairs")
        return tp.to_frame()

    def matrix(
        self,
        origins_xy: Any,
        destinations_xy: Any,
        max_minutes: float | None = None,
        threads: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Full travel matrices ``(minutes, km)``, each ``(n_origins, n_destinations)``
        float64, NaN where a pair is unreachable, unplaced (unsnapped) or beyond
        ``max_minutes``; next to the long :meth:`pairs` table. Warns
        :class:`libmatch.OutsideWarning` when points are unplaced or pairs unreachable."""
        o, d = self._xy(origins_xy, destinations_xy)
        tp = self.pairs_arrays(o, d, max_minutes, None, threads)
        _warn_unplaced(tp, "matrix")
        minutes = np.full((len(o), len(d)), np.nan)
        km = np.full((len(o), len(d)), np.nan)
        minutes[tp.origin, tp.destination] = tp.minutes
        km[tp.origin, tp.destination] = tp.km
        return minutes, km


def _warn_unplaced(tp: TravelPairs, what: str) -> None:
    """One warning naming how many points were unplaced and pairs unreachable (counts only)."""
    no, nd, nu = len(tp.unsnapped_origins), len(tp.unsnapped_destinations), tp.unreachable_pairs
    if no or nd or nu:
        import warnings

        from .areas import OutsideWarning

        warnings.warn(
            f"{what}: {no} origin(s) and {nd} destination(s) could not be placed on the "
            f"travel model, {nu} placed pair(s) are unreachable (see attrs / NaN)",
            OutsideWarning,
            stacklevel=3,
        )


class StraightLine(TravelModel):
    """Straight-line travel: ``km = euclidean_m / 1000 * detour``, ``minutes = km /
    speed_kmh * 60``. Points with NaN coordinates are reported as unsnapped."""

    __slots__ = ()

    def __init__(self, detour: float = 1.3, speed_kmh: float = 60.0):
        for name, v in (("detour", detour), ("speed_kmh", speed_kmh)):
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise InvalidTypeError(f"{name} must be a number, got {type(v).__name__}")
        self._impl = _core.StraightLine(
            _io.real(detour, "detour"), _io.real(speed_kmh, "speed_kmh", "km/h")
        )

    @property
    def detour(self) -> float:
        return self._impl.detour

    @property
    def speed_kmh(self) -> float:
        return self._impl.speed_kmh


def _index_array(values: Any) -> np.ndarray:
    arr = np.asarray(values)
    return np.zeros(0, np.int64) if arr.size == 0 and arr.dtype.kind == "f" else arr


def _is_osm(source: str) -> bool:
    s = source.lower()
    return s.endswith(".osm") or s.endswith(".osm.pbf") or s.endswith(".pbf")


def _options(
    crs: Any,
    snap_max_m: float,
    snap_speed_kmh: float,
    node_tolerance_m: float = 0.1,
    base: Any = None,
) -> Any:
    o = base if base is not None else _core.RoadNetworkOptions()
    o.crs = _crs_string(crs)
    o.snap_max_m = _io.real(snap_max_m, "snap_max_m")
    o.snap_speed_kmh = _io.real(snap_speed_kmh, "snap_speed_kmh")
    o.node_tolerance_m = _io.real(node_tolerance_m, "node_tolerance_m")
    return o


def _floats(values: Any, what: str) -> np.ndarray:
    """A float array of a per-item argument; non-numbers are named by position, not echoed."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        arr = np.asarray(values, dtype=object).ravel()
        for k, v in enumerate(arr):
            try:
                float(v)
            except (TypeError, ValueError):
                raise InvalidTypeError(f"{what}: entry {k} is not a number") from None
        raise InvalidTypeError(f"{what} must be numbers") from None


class RoadNetwork(TravelModel):
    """Shortest travel time over a road graph.

    Build with :meth:`from_file`, :meth:`from_lines` or :meth:`from_edges`.

    Travel from P to Q: both are snapped to their nearest road edge (within ``snap_max_m``;
    farther points are reported as unsnapped, never silently placed); minutes = the snap
    leg at ``snap_speed_kmh`` (default 15 km/h: a slow drive or walk to the road) + the
    rest of P's edge + the network time + the part of Q's edge + Q's snap leg. One-way
    roads are honoured, also for the parts of the edges the points lie on. Unreachable
    pairs are absent from :meth:`pairs` and counted in ``attrs["unreachable_pairs"]``.
    """

    __slots__ = ("_provenance",)

    def __init__(self, impl: Any):
        if not isinstance(impl, _core.RoadNetwork):
            raise InvalidTypeError("use RoadNetwork.from_file(), from_lines() or from_edges()")
        self._impl = impl
        self._provenance: dict | None = None  # how to read it again: from_file / load

    # construction -------------------------------------------------------------------
    @classmethod
    def from_file(
        cls,
        source: str | os.PathLike,
        layer: str | None = None,
        speed_field: str | None = None,
        class_field: str | None = None,
        class_speeds: Mapping[str, float] | None = None,
        oneway_field: str | None = None,
        crs: Any = "EPSG:28992",
        snap_max_m: float = 500.0,
        *,
        default_speed_kmh: float | None = None,
        skip_classes: Sequence[str] | None = None,
        source_crs: Any = None,
        node_tolerance_m: float = 0.1,
        snap_speed_kmh: float = 15.0,
        profile: str | None = None,
        prepare: bool = False,
    ) -> RoadNetwork:
        """Reads a road network from any GDAL line layer.

        Parameters
        ----------
        source : path or GDAL connection string
        layer : str, optional
            Layer name; default the first layer (``lines`` for OpenStreetMap files).
        speed_field : str, optional
            Speed in km/h per feature (numbers, or text such as ``"50"`` / ``"30 mph"``).
            Empty or non-numeric values fall back to the class speed, then the default;
            an explicit value <= 0 raises.
        class_field, class_speeds : str, dict, optional
            Road class attribute and its speed per class (km/h, > 0).
        oneway_field : str, optional
            OSM convention: ``yes``/``1``/``true`` = only along the digitised direction,
            ``-1``/``reverse`` = only against it; anything else two-way. A field name that
            the layer lacks is looked up in OSM's ``other_tags`` (``maxspeed``, ``oneway``).
        crs : str, default "EPSG:28992"
            Working CRS (projected, metres).
        snap_max_m : float, default 500
            Points farther from every road are reported as unsnapped.
        default_speed_kmh : float, optional
            Speed of features without one; without it such a feature raises, naming it.
        skip_classes : list of str, optional
            Classes to leave out (``""`` = features with an empty class).
        source_crs : str, optional
            CRS to assume when the source declares none.
        node_tolerance_m : float, default 0.1
            Line vertices closer than this are one node. Lines connect only at shared
            vertices, never where they merely cross.
        snap_speed_kmh : float, default 15
            Speed of the snap leg between a point and its road.
        profile : "osm_car" or "none", optional
            Start from the OpenStreetMap car profile (``highway`` classes with
            :data:`OSM_CAR_SPEEDS`, ``maxspeed``, ``oneway``, footways/cycleways/paths
            skipped, 30 km/h for other classes); each other argument given replaces that
            part of it (``class_speeds`` the whole speed table). The default for ``.osm`` /
            ``.pbf`` sources, so a fallback ``default_speed_kmh`` keeps the one-ways and
            skipped classes; ``"none"`` reads an OSM file with only the arguments given.
            OpenStreetMap sources also get the implied one-ways (``highway=motorway``,
            ``junction=roundabout`` / ``circular`` are one-way unless ``oneway=no``);
            ``restriction`` relations (turn restrictions) are not applied and are counted in
            :attr:`ignored_turn_restrictions`.
        prepare : bool, default False
            Build the contraction hierarchy right away (:meth:`prepare`).

        Raises
        ------
        FileMissingError, FileError, UnknownIdError (layer or field), GeometryError
        (no line features), CrsError, InvalidInputError (speeds, options).
        """
        src = _io.path_arg(source, "source", "a path or a GDAL connection string")
        if profile is None and _is_osm(src):
            profile = "osm_car"
        if profile not in (None, "osm_car", "none"):
            raise InvalidInputError(f"unknown profile {profile!r} (known: 'osm_car', 'none')")
        if isinstance(skip_classes, str):
            raise InvalidTypeError("skip_classes must be a list of class names, not one string")
        base = _core.RoadNetworkOptions.osm_car() if profile == "osm_car" else None
        o = _options(crs, snap_max_m, snap_speed_kmh, node_tolerance_m, base)
        if layer is not None:
            o.layer = str(layer)
        elif profile == "osm_car" and not _is_osm(src):
            o.layer = ""
        if speed_field is not None:
            o.speed_field = str(speed_field)
        if class_field is not None:
            o.class_field = str(class_field)
        if class_speeds is not None:
            if not isinstance(class_speeds, Mapping):
                raise InvalidTypeError("class_speeds must map a class name to km/h")
            o.class_speeds = [
                (str(k), _io.real(v, f"class_speeds[{str(k)!r}]"))
                for k, v in dict(class_speeds).items()
            ]
        if oneway_field is not None:
            o.oneway_field = str(oneway_field)
        if default_speed_kmh is not None:
            o.default_speed_kmh = _io.real(default_speed_kmh, "default_speed_kmh", "km/h")
        if skip_classes is not None:
            o.skip_classes = [str(c) for c in skip_classes]
        if source_crs is not None:
            o.source_crs = _crs_string(source_crs)
        net = cls(_core.RoadNetwork.from_file(src, o))
        # How to read it again (libmatch verify re-runs a recorded round on it).
        net._provenance = {
            "method": "from_file",
            "path": os.path.abspath(src) if os.path.isfile(src) else None,
            "options": {
                "layer": layer,
                "speed_field": speed_field,
                "class_field": class_field,
                "class_speeds": (
                    None
                    if class_speeds is None
                    else {str(k): float(v) for k, v in dict(class_speeds).items()}
                ),
                "oneway_field": oneway_field,
                "crs": _crs_string(crs),
                "snap_max_m": float(snap_max_m),
                "default_speed_kmh": (
                    None if default_speed_kmh is None else float(default_speed_kmh)
                ),
                "skip_classes": None if skip_classes is None else [str(c) for c in skip_classes],
                "source_crs": None if source_crs is None else _crs_string(source_crs),
                "node_tolerance_m": float(node_tolerance_m),
                "snap_speed_kmh": float(snap_speed_kmh),
                "profile": profile,
            },
        }
        if prepare:
            net.prepare()
        return net

    @classmethod
    def from_lines(
        cls,
        lines: Sequence[Any],
        speed_kmh: Any,
        oneway: Any = None,
        crs: Any = "EPSG:28992",
        snap_max_m: float = 500.0,
        *,
        node_tolerance_m: float = 0.1,
        snap_speed_kmh: float = 15.0,
    ) -> RoadNetwork:
        """Builds from polylines in the working CRS: ``lines`` is a sequence of ``(k, 2)``
        coordinate arrays (or shapely LineStrings), one speed (km/h) and optionally one
        one-way flag (1 forward, -1 reverse, 0 both) per line. Noded like :meth:`from_file`.
        """
        if isinstance(lines, (str, bytes)) or not hasattr(lines, "__iter__"):
            raise InvalidTypeError(
                f"lines must be a sequence of coordinate arrays, got {type(lines).__name__}"
            )
        coords = []
        for i, line in enumerate(lines):
            try:
                if hasattr(line, "coords"):  # a shapely LineString (not a MultiLineString)
                    line = np.asarray(line.coords)[:, :2]
                arr = np.asarray(line, dtype=float)
            except (TypeError, ValueError, NotImplementedError, IndexError):
                arr = np.empty((0,))  # ragged, text, multi-part: refused below, no echo
            if arr.ndim != 2 or arr.shape[1] < 2:
                raise InvalidInputError(
                    f"line {i} must be a (k, 2) array of numbers (a single LineString)"
                )
            coords.append(arr[:, :2])
        speeds = _floats(speed_kmh, "speed_kmh")
        if speeds.ndim != 1 or len(speeds) != len(coords):
            raise InvalidInputError(
                f"speed_kmh must have one value per line ({len(coords)}), got shape {speeds.shape}"
            )
        if oneway is not None and np.shape(oneway) != (len(coords),):
            raise InvalidInputError(
                f"oneway must have one value per line ({len(coords)}), got shape {np.shape(oneway)}"
            )
        offsets = np.zeros(len(coords) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(c) for c in coords])
        xy = np.ascontiguousarray(np.vstack(coords) if coords else np.empty((0, 2)))
        o = _options(crs, snap_max_m, snap_speed_kmh, node_tolerance_m)
        return cls(
            _core.RoadNetwork.from_lines(
                offsets,
                xy,
                speeds,
                None if oneway is None else np.asarray(oneway),
                o,
            )
        )

    @classmethod
    def from_edges(
        cls,
        node_xy: Any,
        edge_from: Any,
        edge_to: Any,
        speed_kmh: Any,
        length_m: Any = None,
        oneway: Any = None,
        crs: Any = "EPSG:28992",
        snap_max_m: float = 500.0,
        *,
        snap_speed_kmh: float = 15.0,
    ) -> RoadNetwork:
        """Builds from explicit nodes (``(n, 2)`` array) and straight edges between them:
        ``edge_from``/``edge_to`` node indices (int64), ``speed_kmh`` (> 0), optional
        ``length_m`` (default: euclidean) and ``oneway`` (1 forward, -1 reverse, 0 both).
        Arc minutes = ``length_m / 1000 / speed_kmh * 60``."""
        o = _options(crs, snap_max_m, snap_speed_kmh)
        return cls(
            _core.RoadNetwork.from_edges(
                points_xy(node_xy, "node_xy"),
                _index_array(edge_from),
                _index_array(edge_to),
                np.asarray(speed_kmh),
                None if length_m is None else np.asarray(length_m),
                None if oneway is None else np.asarray(oneway),
                o,
            )
        )

    # contraction hierarchy and files ----------------------------------------------------
    def prepare(self, threads: int | None = None) -> RoadNetwork:
        """Builds a contraction hierarchy; :meth:`pairs` then runs on it (RPHAST sweeps over
        the destinations' upward cone, 16 origins per sweep) instead of one Dijkstra per
        origin. Minutes and km stay exactly equal to the Dijkstra results, pair by pair (all
        arithmetic is on integer ticks and km units; among equally fast paths the shortest
        is taken). The hierarchy is the same whatever ``threads``. Takes seconds for a
        graph of ~1 M arcs; see :attr:`hierarchy_info`. Do not call while another thread
        queries this network. Returns ``self``.
        """
        self._impl.prepare(_threads(threads))
        return self

    @property
    def is_prepared(self) -> bool:
        """True once :meth:`prepare` ran (or a prepared network was loaded)."""
        return self._impl.is_prepared

    @property
    def hierarchy_info(self) -> dict:
        """The contraction hierarchy: ``prepared``, ``seconds`` (preparation wall time, as
        measured when it was built), ``up_arcs`` / ``down_arcs`` (arcs incl. shortcuts),
        ``shortcuts``, ``bytes`` (memory of its arrays) and ``checksum`` (of the node order
        and arcs: equal checksums = the same hierarchy)."""
        return self._impl.hierarchy_info()

    @property
    def ignored_turn_restrictions(self) -> int:
        """OpenStreetMap ``restriction`` relations in the source: not applied (the graph has
        no turn costs), only counted."""
        return self._impl.ignored_turn_restrictions

    def save(self, path: str | os.PathLike) -> None:
        """Writes the network and its hierarchy (if prepared) to one binary file
        (versioned, with a checksum), for :meth:`load`.

        Raises FileError when the file cannot be written."""
        self._impl.save(_io.path_arg(path, "save: path", "a str or os.PathLike"))

    @classmethod
    def load(cls, path: str | os.PathLike) -> RoadNetwork:
        """Reads a file written by :meth:`save` (prepared if it was saved prepared).

        Raises FileMissingError; FileError naming the file when it is not a libmatch road
        network file, was written in another format version or with other graph rules
        (stale), or is truncated or corrupt."""
        net = cls(_core.RoadNetwork.load(_io.path_arg(path, "load: path", "a str or os.PathLike")))
        net._provenance = {"method": "load", "path": os.path.abspath(os.fspath(path))}
        return net

    # properties -----------------------------------------------------------------------
    @property
    def crs(self) -> str:
        return self._impl.crs

    @property
    def node_count(self) -> int:
        return self._impl.node_count

    @property
    def edge_count(self) -> int:
        return self._impl.edge_count

    @property
    def arc_count(self) -> int:
        """Directed arcs of the graph (parallel arcs reduced to the fastest)."""
        return self._impl.arc_count

    @property
    def component_count(self) -> int:
        """Weakly connected parts of the graph."""
        return self._impl.component_count

    @property
    def skipped_features(self) -> int:
        """Features left out: in ``skip_classes``, without geometry, or not lines."""
        return self._impl.skipped_features

    @property
    def snap_max_m(self) -> float:
        return self._impl.options.snap_max_m

    @property
    def snap_speed_kmh(self) -> float:
        return self._impl.options.snap_speed_kmh

    @property
    def node_xy(self) -> np.ndarray:
        """Node coordinates, ``(n, 2)``."""
        return self._impl.node_xy

    def edges(self) -> pd.DataFrame:
        """Road edges: ``from``, ``to`` (node indices), ``length_m``, ``speed_kmh``,
        ``oneway`` (1 forward only, -1 reverse only, 0 both), ``minutes``."""
        f, t, length, speed, ow = self._impl.edge_arrays()
        return pd.DataFrame(
            {
                "from": f,
                "to": t,
                "length_m": length,
                "speed_kmh": speed,
                "oneway": ow,
                "minutes": length / 1000.0 / speed * 60.0,
            }
        )

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The directed graph in CSR form: ``(indptr, indices, minutes, km)``; e.g.
        ``scipy.sparse.csr_matrix((minutes, indices, indptr), shape=(n, n))`` (n =
        :attr:`node_count`) for other graph tools."""
        return tuple(self._impl.csr_arrays())

    def snap(self, xy: Any, threads: int | None = None) -> pd.DataFrame:
        """Nearest edge per point: ``edge`` (-1 beyond ``snap_max_m``), ``along_m``
        (metres from the edge's first node) and ``distance_m``."""
        e, along, dist = self._impl.snap_arrays(
            points_xy(xy, "xy", crs=self.crs), _threads(threads)
        )
        return pd.DataFrame({"edge": e, "along_m": along, "distance_m": dist})

    def plot(self, ax=None, **kwargs):
        """Draws the edges (straight between their nodes) with matplotlib; returns ``ax``."""
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 7))
        f, t, *_ = self._impl.edge_arrays()
        xy = self.node_xy
        kwargs.setdefault("colors", "0.5")
        kwargs.setdefault("linewidths", 0.5)
        ax.add_collection(LineCollection(np.stack([xy[f], xy[t]], axis=1), **kwargs))
        ax.autoscale_view()
        ax.set_aspect("equal")
        return ax
