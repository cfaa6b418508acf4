"""Arguments shared by the subcommands: one syntax for layers (``FILE[@LAYER]:ID_FIELD``),
one group of travel options, and weights/rules as JSON."""

from __future__ import annotations

import json
import os
from typing import Any

from .errors import InvalidInputError

LAYER_SYNTAX = "FILE[@LAYER]:ID_FIELD"


class UsageError(InvalidInputError):
    """A malformed command-line value (a layer spec, a speed list): the command line exits
    with status 2, as for argparse's own usage errors."""


def layer_spec(spec: str, what: str, default_id: str | None = None) -> tuple[str, str | None, str]:
    """``FILE[@LAYER][:ID_FIELD]`` -> (source, layer or None, id field). The id field may be
    left out only when ``default_id`` is given. Works for paths and ``PG:...`` strings."""
    path, id_field = spec, None
    head, sep, tail = spec.rpartition(":")
    if sep and head and tail and "/" not in tail and "\\" not in tail and "=" not in tail:
        path, id_field = head, tail
    layer = None
    base = os.path.basename(path)
    if "@" in base:
        path, layer = path.rsplit("@", 1)
    id_field = id_field or default_id
    if not path or not id_field or layer == "":
        raise UsageError(f"{what}: expected {LAYER_SYNTAX}")
    return path, layer, id_field


def road_spec(spec: str) -> tuple[str, str | None]:
    """``FILE[@LAYER]`` of a road line layer -> (source, layer or None)."""
    base = os.path.basename(spec)
    if "@" in base:
        path, layer = spec.rsplit("@", 1)
        if not path or not layer:
            raise UsageError("--roads: expected FILE[@LAYER]")
        return path, layer
    return spec, None


def add_travel_args(p) -> None:
    g = p.add_argument_group("travel (default: straight line)")
    g.add_argument("--detour", type=float, default=1.3, help="straight-line detour factor")
    g.add_argument("--speed-kmh", type=float, default=60.0, help="straight-line speed")
    g.add_argument(
        "--roads",
        metavar="FILE[@LAYER]",
        help="road line layer (GeoPackage, GeoJSON, Shapefile, .osm/.pbf, PG:...)",
    )
    g.add_argument("--speed-field", help="road speed field (km/h)")
    g.add_argument("--class-field", help="road class field")
    g.add_argument("--class-speeds", help="CLASS=KMH,... speeds per road class")
    g.add_argument("--oneway-field", help="one-way field (yes/1/true, -1)")
    g.add_argument("--default-speed-kmh", type=float, help="speed of roads without one")
    g.add_argument(
        "--snap-max-m",
        type=float,
        default=500.0,
        help="max distance from a point to its road (default 500)",
    )


def parse_speeds(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    out = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise UsageError("--class-speeds: expected CLASS=KMH,CLASS=KMH,...")
    return out


def travel_from_args(args, crs: str = "EPSG:28992") -> Any:
    from .travel import RoadNetwork, StraightLine

    if not getattr(args, "roads", None):
        return StraightLine(detour=args.detour, speed_kmh=args.speed_kmh)
    path, layer = road_spec(args.roads)
    return RoadNetwork.from_file(
        path,
        layer=layer,
        speed_field=args.speed_field,
        class_field=args.class_field,
        class_speeds=parse_speeds(args.class_speeds),
        oneway_field=args.oneway_field,
        default_speed_kmh=args.default_speed_kmh,
        crs=crs,
        snap_max_m=args.snap_max_m,
    )


def options_json(text: str | None, what: str) -> dict | None:
    """``--weights`` / ``--rules``: a JSON object inline or a path to a JSON file. Inline JSON
    that does not parse is a usage error (exit 2), a file that does not an input error (1)."""
    if not text:
        return None
    raw, inline = text, text.lstrip().startswith(("{", "["))
    if not inline:
        try:
            with open(text, encoding="utf-8") as fh:
                raw = fh.read()
        except OSError as exc:
            raise InvalidInputError(f"{what}: cannot read '{text}' ({exc.strerror})") from None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        kind = UsageError if inline else InvalidInputError  # a typo on the command line, or a file
        raise kind(f"{what}: not valid JSON ({exc.msg} at {exc.pos})") from None
    if not isinstance(value, dict):
        raise InvalidInputError(f"{what}: expected a JSON object of field: value")
    return value
