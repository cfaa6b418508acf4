"""The catalogue of bad inputs: every case must raise the libmatch error class that fits,
which is also the matching builtin, with a message naming the culprit (file, layer, column,
row, id or argument) and never echoing a cell value. The inputs carry planted values
(coordinates, names, numbers) that no message may contain.

Each case is ``Case(id, call, error, builtin, names)``: ``call(tmp_path)`` must raise
``error`` (a libmatch class) that is an instance of ``builtin``; every string of ``names``
must be in the message; none of ``PLANTED`` may be. The CLI cases run ``python -m
libmatch.cli`` in a subprocess: one line on stderr, ``libmatch <cmd>: error: ...``, exit 1
or 2, no traceback."""

from __future__ import annotations

import json
import math
import os
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely

import libmatch
from libmatch import (
    CostOverflowError,
    CrsError,
    FileError,
    FileMissingError,
    GeometryError,
    InvalidInputError,
    InvalidTypeError,
    UnknownIdError,
)

DATA = Path(__file__).resolve().parents[2] / "data"

# Planted cell values: present in the inputs, never allowed in a message.
P_NUM = 98765.4321
P_INT = 987654
P_NAME = "Jansen-Geheim"
PLANTED = ("98765.4321", "98765.43", "987654", P_NAME)


@dataclass
class Case:
    id: str
    call: Callable[[Path], Any]
    error: type
    builtin: type
    names: tuple[str, ...]


CASES: list[Case] = []


def case(id: str, error: type, builtin: type, *names: str):
    def register(fn: Callable[[Path], Any]) -> Callable[[Path], Any]:
        CASES.append(Case(id, fn, error, builtin, names))
        return fn

    return register


def add(id: str, call: Callable[[Path], Any], error: type, builtin: type, *names: str) -> None:
    CASES.append(Case(id, call, error, builtin, names))


# ---- shared inputs -------------------------------------------------------------------------


def ring_wkb(coords) -> bytes:
    """Little-endian WKB of a one-ring Polygon, written by hand (no shapely validation)."""
    out = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(coords))
    return out + b"".join(struct.pack("<dd", x, y) for x, y in coords)


def squares_wkb() -> list[bytes]:
    return list(
        shapely.to_wkb(
            [
                shapely.box(P_NUM, 0, P_NUM + 1000, 1000),
                shapely.box(P_NUM + 1000, 0, P_NUM + 2000, 1000),
            ]
        )
    )


def squares() -> libmatch.AreaSet:
    return libmatch.AreaSet.from_wkb(squares_wkb(), ["west", "east"])


def grid_units(n: int = 3) -> libmatch.AreaSet:
    boxes = [
        shapely.box(i * 1000.0, j * 1000.0, (i + 1) * 1000.0, (j + 1) * 1000.0)
        for j in range(n)
        for i in range(n)
    ]
    return libmatch.AreaSet.from_wkb(shapely.to_wkb(boxes), [f"u{k}" for k in range(n * n)])


def geojson(
    tmp: Path, features: list[dict], name: str = "layer.geojson", crs: str | None = "EPSG:28992"
):
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    p = tmp / name
    p.write_text(json.dumps(doc))
    return p


def feature(geom, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def box_features(ids=("a", "b")) -> list[dict]:
    return [
        feature(shapely.box(P_NUM + 1000 * k, 0, P_NUM + 1000 * (k + 1), 1000), id=i, name=P_NAME)
        for k, i in enumerate(ids)
    ]


def bowtie():
    return shapely.Polygon([(P_NUM, 0), (P_NUM + 10, 10), (P_NUM + 10, 0), (P_NUM, 10), (P_NUM, 0)])


def road_lines(tmp: Path, **props) -> Path:
    lines = [
        shapely.LineString([(P_NUM, 0), (P_NUM + 1000, 0)]),
        shapely.LineString([(P_NUM + 1000, 0), (P_NUM + 1000, 1000)]),
    ]
    feats = [feature(g, **props) for g in lines]
    return geojson(tmp, feats, "roads.geojson", "EPSG:28992")


def net() -> libmatch.RoadNetwork:
    xy = np.array([[P_NUM, 0.0], [P_NUM + 1000, 0.0], [P_NUM + 1000, 1000.0]])
    return libmatch.RoadNetwork.from_edges(xy, [0, 1], [1, 2], [30.0, 30.0])


def edges(**changes):
    args = {
        "node_xy": np.array([[P_NUM, 0.0], [P_NUM + 1000, 0.0], [P_NUM + 1000, 1000.0]]),
        "edge_from": np.array([0, 1]),
        "edge_to": np.array([1, 2]),
        "speed_kmh": np.array([30.0, 30.0]),
    }
    args.update(changes)
    return lambda tmp: libmatch.RoadNetwork.from_edges(**args)


def pts(n: int = 3) -> np.ndarray:
    return np.column_stack([np.full(n, P_NUM), np.arange(n, dtype=float)])


def advisors_df(**changes) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "advisor_id": ["A1", "A2"],
            "x": [P_NUM, P_NUM + 500],
            "y": [0.0, 0.0],
            "service": ["vab", "vab"],
            "capacity": [3, 4],
            "name": [P_NAME, P_NAME],
        }
    )
    for k, v in changes.items():
        df[k] = v
    return df


def applicants_df(**changes) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "applicant_id": ["R1", "R2", "R3"],
            "x": [P_NUM + 10, P_NUM + 2000, P_NUM + 4000],
            "y": [0.0, 100.0, 200.0],
            "service": ["vab", "vab", "vab"],
            "name": [P_NAME] * 3,
        }
    )
    for k, v in changes.items():
        df[k] = v
    return df


def match(app=None, adv=None, **kw):
    return lambda tmp: libmatch.match(
        applicants_df() if app is None else app, advisors_df() if adv is None else adv, **kw
    )


def solve(**changes):
    args = {
        "n_rows": 2,
        "n_cols": 2,
        "rows": np.array([0, 1]),
        "cols": np.array([0, 1]),
        "costs": np.array([P_INT, 5]),
        "capacities": np.array([1, 1]),
        "unassigned_cost": P_INT * 10,
        "load_costs": None,
    }
    args.update(changes)
    return lambda tmp: libmatch.solve_assignment(**args)


def tiny_config(**changes) -> dict:
    cfg = {
        "name": "tiny",
        "horizon_weeks": 6,
        "advisors": pd.DataFrame(
            {
                "advisor_id": ["A", "B"],
                "x": [P_NUM, P_NUM + 10000.0],
                "y": [0.0, 0.0],
                "service": ["s", "s"],
                "capacity": [1, 1],
                "name": [P_NAME, P_NAME],
            }
        ),
        "locations": pd.DataFrame({"x": [P_NUM, P_NUM + 5000], "y": [0.0, 0.0]}),
        "services": {"s": {"duration_weeks": 3}},
        "arrivals": [{"service": "s", "rate_per_week": 1.5}],
    }
    cfg.update(changes)
    return cfg


def scenario(**changes):
    return lambda tmp: libmatch.Scenario(tiny_config(**changes))


def design(**kw):
    def call(tmp):
        u = grid_units()
        args = {"units": u, "demand": np.full(len(u), P_NUM), "k": 2, "starts": 1}
        args.update(kw)
        return libmatch.design_areas(**args)

    return call


# ---- files ---------------------------------------------------------------------------------

add(
    "areas_missing_file",
    lambda tmp: libmatch.read_areas(tmp / "nope.gpkg", "id"),
    FileMissingError,
    FileNotFoundError,
    "nope.gpkg",
)
add(
    "areas_directory",
    lambda tmp: libmatch.read_areas(tmp, "id"),
    FileError,
    OSError,
    "{tmp}",
)


@case("areas_empty_file", FileError, OSError, "empty.geojson")
def _(tmp):
    (tmp / "empty.geojson").write_bytes(b"")
    libmatch.read_areas(tmp / "empty.geojson", "id")


@case("areas_garbage_gpkg", FileError, OSError, "garbage.gpkg")
def _(tmp):
    (tmp / "garbage.gpkg").write_bytes(b"\x00\x01" * 500 + P_NAME.encode())
    libmatch.read_areas(tmp / "garbage.gpkg", "id")


@case("areas_truncated_geojson", FileError, OSError, "cut.geojson")
def _(tmp):
    p = geojson(tmp, box_features(), "cut.geojson")
    p.write_text(p.read_text()[:-40])
    libmatch.read_areas(p, "id")


@case("areas_unknown_id_field", UnknownIdError, KeyError, "'nope'", "layer.geojson")
def _(tmp):
    libmatch.read_areas(geojson(tmp, box_features()), "nope")


@case("areas_unknown_layer", UnknownIdError, KeyError, "'other'")
def _(tmp):
    libmatch.read_areas(geojson(tmp, box_features()), "id", layer="other")


@case("areas_ambiguous_layer", InvalidInputError, ValueError, "two.gpkg", "'code'", "east, west")
def _(tmp):
    import geopandas as gpd

    for name in ("east", "west"):
        gpd.GeoDataFrame(
            {"code": [P_NAME]}, geometry=[shapely.box(0, 0, 1000, 1000)], crs="EPSG:28992"
        ).to_file(tmp / "two.gpkg", layer=name)
    libmatch.read_areas(tmp / "two.gpkg", "code")


@case("areas_point_layer", GeometryError, ValueError, "layer.geojson")
def _(tmp):
    libmatch.read_areas(geojson(tmp, [feature(shapely.Point(P_NUM, 1), id="p", name=P_NAME)]), "id")


@case("areas_line_feature", GeometryError, ValueError, "'l'")
def _(tmp):
    feats = box_features() + [feature(shapely.LineString([(0, 0), (P_NUM, 1)]), id="l")]
    libmatch.read_areas(geojson(tmp, feats), "id")


@case("areas_duplicate_ids", InvalidInputError, ValueError, "'a'")
def _(tmp):
    libmatch.read_areas(geojson(tmp, box_features(("a", "a"))), "id")


@case("areas_invalid_polygon", GeometryError, ValueError, "'bow'")
def _(tmp):
    feats = box_features() + [feature(bowtie(), id="bow", name=P_NAME)]
    libmatch.read_areas(geojson(tmp, feats), "id")


@case("areas_empty_layer", GeometryError, ValueError, "layer.geojson")
def _(tmp):
    libmatch.read_areas(geojson(tmp, []), "id")


@case("areas_null_geometry", GeometryError, ValueError, "'n'")
def _(tmp):
    feats = box_features() + [{"type": "Feature", "properties": {"id": "n"}, "geometry": None}]
    libmatch.read_areas(geojson(tmp, feats), "id")


@case("areas_to_file_missing_dir", FileError, OSError, "no_dir")
def _(tmp):
    squares().to_file(tmp / "no_dir" / "deeper" / "out.gpkg")


@case("areas_to_file_unknown_format", InvalidInputError, ValueError, "out.xyz")
def _(tmp):
    squares().to_file(tmp / "out.xyz")


add(
    "roads_missing_file",
    lambda tmp: libmatch.RoadNetwork.from_file(tmp / "roads.gpkg"),
    FileMissingError,
    FileNotFoundError,
    "roads.gpkg",
)


@case("roads_polygon_layer", GeometryError, ValueError, "areas.geojson")
def _(tmp):
    p = geojson(tmp, box_features(), "areas.geojson", "EPSG:28992")
    libmatch.RoadNetwork.from_file(p, default_speed_kmh=50)


@case("roads_unknown_speed_field", UnknownIdError, KeyError, "'maxspeed'")
def _(tmp):
    libmatch.RoadNetwork.from_file(road_lines(tmp, speed=50), speed_field="maxspeed")


@case("roads_no_speed", InvalidInputError, ValueError, "roads.geojson", "speed")
def _(tmp):
    libmatch.RoadNetwork.from_file(road_lines(tmp, speed=None), speed_field="speed")


@case("roads_unknown_profile", InvalidInputError, ValueError, "'bike'")
def _(tmp):
    libmatch.RoadNetwork.from_file(road_lines(tmp, speed=50), profile="bike")


@case("scenario_missing_json", FileMissingError, FileNotFoundError, "missing.json")
def _(tmp):
    libmatch.Scenario(tmp / "missing.json")


@case("scenario_malformed_json", InvalidInputError, ValueError, "bad.json", "line 2")
def _(tmp):
    (tmp / "bad.json").write_text('{"name": "' + P_NAME + '",\n "services": {,}}')
    libmatch.Scenario(tmp / "bad.json")


@case("scenario_json_not_object", InvalidTypeError, TypeError, "list")
def _(tmp):
    (tmp / "list.json").write_text(json.dumps([P_NAME]))
    libmatch.Scenario(tmp / "list.json")


@case("scenario_missing_advisors_file", FileMissingError, FileNotFoundError, "no_such.csv")
def _(tmp):
    libmatch.Scenario(tiny_config(advisors="no_such.csv"), base_dir=tmp)


@case("scenario_missing_locations_file", FileMissingError, FileNotFoundError, "nowhere.csv")
def _(tmp):
    libmatch.Scenario(tiny_config(locations="nowhere.csv"), base_dir=tmp)


@case("scenario_missing_areas_file", FileMissingError, FileNotFoundError, "no_areas.geojson")
def _(tmp):
    libmatch.Scenario(tiny_config(areas="no_areas.geojson", area_id_field="id"), base_dir=tmp)


@case("round_to_csv_onto_a_file", FileError, OSError, "taken")
def _(tmp):
    (tmp / "taken").write_text(P_NAME)
    match()(tmp).to_csv(tmp / "taken")


@case("simulation_to_csv_onto_a_file", FileError, OSError, "taken")
def _(tmp):
    (tmp / "taken").write_text(P_NAME)
    libmatch.simulate(libmatch.Scenario(tiny_config()), seed=1).to_csv(tmp / "taken")


@case("numeric_field_unknown", UnknownIdError, KeyError, "'demand'")
def _(tmp):
    libmatch._core.read_numeric_field(str(geojson(tmp, box_features())), "", "id", "demand")


@case("numeric_field_not_numeric", InvalidInputError, ValueError, "'name'")
def _(tmp):
    libmatch._core.read_numeric_field(str(geojson(tmp, box_features())), "", "id", "name")


# ---- geometry ------------------------------------------------------------------------------

add(
    "wkb_garbage",
    lambda tmp: libmatch.AreaSet.from_wkb([squares_wkb()[0], b"\x01\x03garbage"], ["ok", "bad"]),
    GeometryError,
    ValueError,
    "'bad'",
)
add(
    "wkb_point",
    lambda tmp: libmatch.AreaSet.from_wkb([shapely.to_wkb(shapely.Point(P_NUM, 0))], ["pt"]),
    GeometryError,
    ValueError,
    "'pt'",
)
add(
    "wkb_line",
    lambda tmp: libmatch.AreaSet.from_wkb(
        [shapely.to_wkb(shapely.LineString([(P_NUM, 0), (1, 1)]))], ["ln"]
    ),
    GeometryError,
    ValueError,
    "'ln'",
)
add(
    "wkb_empty_polygon",
    lambda tmp: libmatch.AreaSet.from_wkb([shapely.to_wkb(shapely.Polygon())], ["void"]),
    GeometryError,
    ValueError,
    "'void'",
)
add(
    "wkb_bowtie",
    lambda tmp: libmatch.AreaSet.from_wkb([shapely.to_wkb(bowtie())], ["bow"]),
    GeometryError,
    ValueError,
    "'bow'",
)
add(
    "wkb_nan_vertex",
    lambda tmp: libmatch.AreaSet.from_wkb(
        [ring_wkb([(P_NUM, 0), (math.nan, 0), (P_NUM, 5), (P_NUM, 0)])], ["nan"]
    ),
    GeometryError,
    ValueError,
    "'nan'",
)
add(
    "wkb_inf_vertex",
    lambda tmp: libmatch.AreaSet.from_wkb(
        [ring_wkb([(P_NUM, 0), (math.inf, 0), (P_NUM, 5), (P_NUM, 0)])], ["inf"]
    ),
    GeometryError,
    ValueError,
    "'inf'",
)
add(
    "wkb_ids_length",
    lambda tmp: libmatch.AreaSet.from_wkb(squares_wkb(), ["only"]),
    InvalidInputError,
    ValueError,
    "ids",
)
add(
    "wkb_duplicate_ids",
    lambda tmp: libmatch.AreaSet.from_wkb(squares_wkb(), ["same", "same"]),
    InvalidInputError,
    ValueError,
    "'same'",
)
add(
    "wkb_empty_id",
    lambda tmp: libmatch.AreaSet.from_wkb(squares_wkb(), ["", "b"]),
    InvalidInputError,
    ValueError,
    "id",
)
add(
    "area_index_of_unknown",
    lambda tmp: squares().index_of("north"),
    UnknownIdError,
    KeyError,
    "'north'",
)
add(
    "area_wkb_out_of_range",
    lambda tmp: squares().wkb(7),
    InvalidInputError,
    ValueError,
    "7",
)
add(
    "gdf_missing_id_field",
    lambda tmp: libmatch.AreaSet.from_geodataframe(
        __import__("geopandas").GeoDataFrame(
            {"name": [P_NAME]}, geometry=[shapely.box(0, 0, 1, 1)], crs=28992
        ),
        "id",
    ),
    InvalidInputError,
    ValueError,
    "'id'",
)
add(
    "gdf_without_crs",
    lambda tmp: libmatch.AreaSet.from_geodataframe(
        __import__("geopandas").GeoDataFrame(
            {"id": [P_NAME]}, geometry=[shapely.box(P_NUM, 0, 1, 1)]
        ),
        "id",
    ),
    CrsError,
    ValueError,
    "CRS",
)
add(
    "dissolve_labels_length",
    lambda tmp: squares().dissolve([0]),
    InvalidInputError,
    ValueError,
    "labels",
)
add(
    "dissolve_negative_label",
    lambda tmp: squares().dissolve([0, -1]),
    InvalidInputError,
    ValueError,
    "'east'",
)
add(
    "dissolve_float_labels",
    lambda tmp: squares().dissolve(np.array([0.5, 1.0])),
    InvalidTypeError,
    TypeError,
    "labels",
)
add(
    "dissolve_ids_length",
    lambda tmp: squares().dissolve([0, 1], ids=["one"]),
    InvalidInputError,
    ValueError,
    "ids",
)
add(
    "points_geoseries_of_lines",
    lambda tmp: squares().locate(
        __import__("geopandas").GeoSeries([shapely.LineString([(P_NUM, 0), (1, 1)])])
    ),
    InvalidInputError,
    ValueError,
    "xy",
)

# ---- CRS -----------------------------------------------------------------------------------


@case("crs_unknown_epsg", CrsError, ValueError, "EPSG:999999")
def _(tmp):
    libmatch.read_areas(geojson(tmp, box_features(), crs="EPSG:28992"), "id", crs="EPSG:999999")


@case("crs_garbage_working", CrsError, ValueError, "no-such-crs")
def _(tmp):
    libmatch.read_areas(geojson(tmp, box_features(), crs="EPSG:28992"), "id", crs="no-such-crs")


add(
    "crs_wkb_garbage_source",
    lambda tmp: libmatch.AreaSet.from_wkb(squares_wkb(), ["a", "b"], source_crs="garbage-crs"),
    CrsError,
    ValueError,
    "garbage-crs",
)
add(
    "crs_wkb_garbage_target",
    lambda tmp: libmatch.AreaSet.from_wkb(squares_wkb(), ["a", "b"], crs="garbage-crs"),
    CrsError,
    ValueError,
    "garbage-crs",
)
add(
    "crs_transform_from_garbage",
    lambda tmp: libmatch.transform(pts(), "garbage-crs"),
    CrsError,
    ValueError,
    "garbage-crs",
)
add(
    "crs_transform_to_garbage",
    lambda tmp: libmatch.transform(pts(), "EPSG:4326", "garbage-crs"),
    CrsError,
    ValueError,
    "garbage-crs",
)
add(
    "crs_wrong_type",
    lambda tmp: libmatch.transform(pts(), 3.5),
    InvalidTypeError,
    TypeError,
    "CRS",
)
add(
    "crs_none",
    lambda tmp: libmatch.transform(pts(), None),
    InvalidInputError,
    ValueError,
    "CRS",
)
add(
    "crs_roads_garbage",
    edges(crs="garbage-crs"),
    CrsError,
    ValueError,
    "garbage-crs",
)

# ---- arrays --------------------------------------------------------------------------------

add(
    "locate_int_dtype",
    lambda tmp: squares().locate(np.array([[P_INT, 0]])),
    InvalidTypeError,
    TypeError,
    "xy",
    "int64",
)
add(
    "locate_three_columns",
    lambda tmp: squares().locate(np.full((4, 3), P_NUM)),
    InvalidInputError,
    ValueError,
    "xy",
    "(4, 3)",
)
add(
    "locate_one_dimensional",
    lambda tmp: squares().locate(np.full(4, P_NUM)),
    InvalidInputError,
    ValueError,
    "xy",
    "(4,)",
)
add(
    "locate_three_dimensional",
    lambda tmp: squares().locate(np.full((2, 2, 2), P_NUM)),
    InvalidInputError,
    ValueError,
    "xy",
)
add(
    "locate_object_dtype",
    lambda tmp: squares().locate(np.array([[P_NAME, 1.0]], dtype=object)),
    InvalidTypeError,
    TypeError,
    "xy",
    "object",
)
add(
    "locate_string_dtype",
    lambda tmp: squares().locate(np.array([[P_NAME, "1"]])),
    InvalidTypeError,
    TypeError,
    "xy",
)
add(
    "locate_complex_dtype",
    lambda tmp: squares().locate(np.array([[P_NUM + 1j, 0]])),
    InvalidTypeError,
    TypeError,
    "xy",
    "complex",
)
add(
    "locate_noncontiguous_int",
    lambda tmp: squares().locate(np.full((4, 4), P_INT)[:, ::2]),
    InvalidTypeError,
    TypeError,
    "xy",
)
add(
    "locate_noncontiguous_wrong_shape",
    lambda tmp: squares().locate(np.full((6, 6), P_NUM)[::2, ::2]),
    InvalidInputError,
    ValueError,
    "xy",
    "(3, 3)",
)
add(
    "locate_list_of_strings",
    lambda tmp: squares().locate([P_NAME]),
    InvalidTypeError,
    TypeError,
    "xy",
)
add(
    "locate_threads_zero",
    lambda tmp: squares().locate(pts(), threads=0),
    InvalidInputError,
    ValueError,
    "threads",
)
add(
    "locate_threads_negative",
    lambda tmp: squares().locate(pts(), threads=-3),
    InvalidInputError,
    ValueError,
    "threads",
)
add(
    "locate_threads_text",
    lambda tmp: squares().locate(pts(), threads="two"),
    InvalidTypeError,
    TypeError,
    "threads",
)
add(
    "locate_threads_float",
    lambda tmp: squares().locate(pts(), threads=1.5),
    InvalidTypeError,
    TypeError,
    "threads",
)
add(
    "locate_dataframe_missing_y",
    lambda tmp: squares().locate(pd.DataFrame({"x": [P_NUM]})),
    InvalidInputError,
    ValueError,
    "'y'",
)
add(
    "nearest_negative_distance",
    lambda tmp: squares().nearest(pts(), max_distance=-1),
    InvalidInputError,
    ValueError,
    "max_distance",
)
add(
    "nearest_nan_distance",
    lambda tmp: squares().nearest(pts(), max_distance=math.nan),
    InvalidInputError,
    ValueError,
    "max_distance",
)
add(
    "nearest_text_distance",
    lambda tmp: squares().nearest(pts(), max_distance="far"),
    InvalidTypeError,
    TypeError,
    "max_distance",
)
add(
    "transform_bad_shape",
    lambda tmp: libmatch.transform(np.full((3, 3), P_NUM), "EPSG:4326"),
    InvalidInputError,
    ValueError,
    "xy",
)
add(
    "adjacency_negative_border",
    lambda tmp: squares().adjacency(-5.0),
    InvalidInputError,
    ValueError,
    "min_border_m",
)
add(
    "pairs_origins_shape",
    lambda tmp: net().pairs(np.full((2, 3), P_NUM), pts()),
    InvalidInputError,
    ValueError,
    "origins_xy",
)
add(
    "pairs_destinations_dtype",
    lambda tmp: net().pairs(pts(), np.full((2, 2), P_INT)),
    InvalidTypeError,
    TypeError,
    "destinations_xy",
)
add(
    "pairs_negative_max_minutes",
    lambda tmp: net().pairs(pts(), pts(), max_minutes=-1),
    InvalidInputError,
    ValueError,
    "max_minutes",
)
add(
    "pairs_nan_max_km",
    lambda tmp: net().pairs(pts(), pts(), max_km=math.nan),
    InvalidInputError,
    ValueError,
    "max_km",
)
add(
    "pairs_text_max_km",
    lambda tmp: net().pairs(pts(), pts(), max_km="far"),
    InvalidTypeError,
    TypeError,
    "max_km",
)
add(
    "snap_int_dtype",
    lambda tmp: net().snap(np.full((2, 2), P_INT)),
    InvalidTypeError,
    TypeError,
    "xy",
)
add(
    "straight_line_zero_speed",
    lambda tmp: libmatch.StraightLine(speed_kmh=0),
    InvalidInputError,
    ValueError,
    "speed_kmh",
)
add(
    "straight_line_nan_speed",
    lambda tmp: libmatch.StraightLine(speed_kmh=math.nan),
    InvalidInputError,
    ValueError,
    "speed_kmh",
)
add(
    "straight_line_text_detour",
    lambda tmp: libmatch.StraightLine(detour="long"),
    InvalidTypeError,
    TypeError,
    "detour",
)
add(
    "close_locations_groups_length",
    lambda tmp: libmatch.close_locations(pts(3), [1, 2], 25.0),
    InvalidInputError,
    ValueError,
    "group",
)
add(
    "close_locations_negative_tolerance",
    lambda tmp: libmatch.close_locations(pts(3), [1, 2, 3], -1.0),
    InvalidInputError,
    ValueError,
    "tolerance",
)
add(
    "close_locations_nan_tolerance",
    lambda tmp: libmatch.close_locations(pts(3), [1, 2, 3], math.nan),
    InvalidInputError,
    ValueError,
    "tolerance",
)

# ---- tables (the weekly round) -------------------------------------------------------------

add(
    "round_missing_applicant_column",
    match(app=applicants_df().drop(columns="service")),
    InvalidInputError,
    ValueError,
    "applicants",
    "service",
)
add(
    "round_missing_capacity_column",
    match(adv=advisors_df().drop(columns="capacity")),
    InvalidInputError,
    ValueError,
    "advisors",
    "capacity",
)
add(
    "round_duplicate_advisor",
    match(adv=advisors_df(advisor_id=["A1", "A1"])),
    InvalidInputError,
    ValueError,
    "'A1'",
)
add(
    "round_negative_capacity",
    match(adv=advisors_df(capacity=[-P_INT, 4])),
    InvalidInputError,
    ValueError,
    "'A1'",
    "capacity",
)
add(
    "round_caseload_above_capacity",
    match(adv=advisors_df(caseload=[P_INT, 0])),
    InvalidInputError,
    ValueError,
    "'A1'",
    "caseload",
)
add(
    "round_nan_coordinate",
    match(app=applicants_df(x=[P_NUM, math.nan, P_NUM])),
    InvalidInputError,
    ValueError,
    "'R2'",
)
add(
    "round_inf_coordinate",
    match(adv=advisors_df(y=[math.inf, P_NUM])),
    InvalidInputError,
    ValueError,
    "'A1'",
)
add(
    "round_text_coordinate",
    match(app=applicants_df(x=[str(P_NUM), P_NAME, "1"])),
    InvalidInputError,
    ValueError,
    "applicants",
    "x",
)
add(
    "round_misspelt_exclude",
    match(app=applicants_df(exlude=["A1", "", ""])),
    InvalidInputError,
    ValueError,
    "'exlude'",
)
add(
    "round_unknown_area",
    lambda tmp: libmatch.match(
        applicants_df(), advisors_df(areas=["west", "north"]), areas=squares()
    ),
    UnknownIdError,
    KeyError,
    "'A2'",
    "areas",
)
add(
    "round_bad_pinned",
    match(app=applicants_df(pinned=["yes", P_NAME, "no"])),
    InvalidInputError,
    ValueError,
    "'R2'",
    "pinned",
)
add(
    "round_fractional_priority",
    match(app=applicants_df(priority=[0, P_NUM, 1])),
    InvalidInputError,
    ValueError,
    "'R2'",
    "priority",
)
add(
    "round_text_capacity",
    match(adv=advisors_df(capacity=[P_NAME, "3"])),
    InvalidInputError,
    ValueError,
    "'A1'",
    "capacity",
)
add(
    "round_unreadable_date",
    match(app=applicants_df(registered=["2026-01-05", P_NAME, "2026-01-07"])),
    InvalidInputError,
    ValueError,
    "registered",
    "'R2'",
)
add(
    "round_empty_applicant_id",
    match(app=applicants_df(applicant_id=["R1", None, "R3"])),
    InvalidInputError,
    ValueError,
    "applicant_id",
    "1",
)
add(
    "round_blank_advisor_id",
    match(adv=advisors_df(advisor_id=["A1", "  "])),
    InvalidInputError,
    ValueError,
    "advisor_id",
    "1",
)
add(
    "round_empty_service",
    match(adv=advisors_df(service=["vab", None])),
    InvalidInputError,
    ValueError,
    "'A2'",
    "service",
)
add(
    "round_negative_radius",
    match(adv=advisors_df(radius_km=[-P_NUM, 5])),
    InvalidInputError,
    ValueError,
    "'A1'",
    "radius_km",
)
add(
    "round_unknown_weight",
    match(weights={"lode": 3}),
    UnknownIdError,
    KeyError,
    "lode",
)
add(
    "round_unknown_rule",
    match(rules={"radius_hardd": True}),
    UnknownIdError,
    KeyError,
    "radius_hardd",
)
add(
    "round_weights_wrong_type",
    match(weights=[P_NAME]),
    InvalidTypeError,
    TypeError,
    "weights",
)
add(
    "round_areas_wrong_type",
    match(areas=42),
    InvalidTypeError,
    TypeError,
    "areas",
)
add(
    "round_travel_wrong_type",
    match(travel=P_NAME),
    InvalidTypeError,
    TypeError,
    "travel",
)
add(
    "round_applicants_wrong_type",
    lambda tmp: libmatch.match(P_INT, advisors_df()),
    InvalidTypeError,
    TypeError,
    "applicants",
)
add(
    "round_applicant_file_missing",
    lambda tmp: libmatch.match(tmp / "requests.csv", advisors_df()),
    FileMissingError,
    FileNotFoundError,
    "requests.csv",
)
add(
    "round_polygon_applicants",
    lambda tmp: libmatch.match(
        __import__("geopandas").GeoDataFrame(
            applicants_df().drop(columns=["x", "y"]),
            geometry=[shapely.box(P_NUM, 0, P_NUM + 1, 1)] * 3,
            crs=28992,
        ),
        advisors_df(),
    ),
    InvalidInputError,
    ValueError,
    "applicants",
    "Point",
)
add(
    "round_explain_unknown",
    lambda tmp: match()(tmp).explain("R9"),
    UnknownIdError,
    KeyError,
    "'R9'",
)
add(
    "round_negative_alternatives",
    match(rules={"alternatives": -1}),
    InvalidInputError,
    ValueError,
    "alternatives",
)
add(
    "round_nan_max_travel",
    match(rules={"max_travel_minutes": math.nan}),
    InvalidInputError,
    ValueError,
    "max_travel_minutes",
)
add(
    "round_negative_weight",
    match(weights={"load": -1.0}),
    InvalidInputError,
    ValueError,
    "load",
)
add(
    "round_nan_weight",
    match(weights={"travel_per_minute": math.nan}),
    InvalidInputError,
    ValueError,
    "travel_per_minute",
)

add(
    "round_negative_duplicate_tolerance",
    match(rules={"duplicate_tolerance_m": -5.0}),
    InvalidInputError,
    ValueError,
    "duplicate_tolerance_m",
)
add(
    "round_negative_threads_rule",
    match(rules={"threads": -2}),
    InvalidInputError,
    ValueError,
    "threads",
)
add(
    "round_capacity_beyond_exact_integers",
    match(adv=advisors_df(capacity=[2**63 - 1, 4])),
    InvalidInputError,
    ValueError,
    "'A1'",
    "capacity",
)


@case("round_table_empty_csv", InvalidInputError, ValueError, "empty.csv", "empty")
def _(tmp):
    (tmp / "empty.csv").write_text("")
    libmatch.match(tmp / "empty.csv", advisors_df())


@case("round_table_directory", FileError, OSError, "applicants", "{tmp}")
def _(tmp):
    libmatch.match(tmp, advisors_df())


@case("round_table_not_utf8", InvalidInputError, ValueError, "bin.csv", "UTF-8")
def _(tmp):
    (tmp / "bin.csv").write_bytes(
        b"applicant_id,x,y,service\n\xff\xfe" + P_NAME.encode() + b",1,2,v\n"
    )
    libmatch.match(tmp / "bin.csv", advisors_df())


@case("round_table_broken_geojson", FileError, OSError, "broken.geojson")
def _(tmp):
    (tmp / "broken.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"name": "' + P_NAME
    )
    libmatch.match(tmp / "broken.geojson", advisors_df())


add(
    "round_weight_text",
    match(weights={"load": P_NAME}),
    InvalidTypeError,
    TypeError,
    "load",
)
add(
    "round_rule_text",
    match(rules={"radius_hard": P_NAME}),
    InvalidTypeError,
    TypeError,
    "radius_hard",
)
add(
    "round_rule_integer_out_of_range",
    match(rules={"alternatives": 2**70}),
    InvalidInputError,
    ValueError,
    "alternatives",
)


# ---- solver --------------------------------------------------------------------------------

add("solve_float_costs", solve(costs=np.array([P_NUM, 5.0])), InvalidTypeError, TypeError, "costs")
add("solve_float_rows", solve(rows=np.array([0.5, 1.0])), InvalidTypeError, TypeError, "rows")
add("solve_text_cols", solve(cols=np.array([P_NAME, "b"])), InvalidTypeError, TypeError, "cols")
add("solve_2d_rows", solve(rows=np.zeros((2, 1), np.int64)), InvalidInputError, ValueError, "rows")
add("solve_cols_length", solve(cols=np.array([0])), InvalidInputError, ValueError, "cols")
add("solve_costs_length", solve(costs=np.array([P_INT])), InvalidInputError, ValueError, "costs")
add("solve_row_out_of_range", solve(rows=np.array([0, 2])), InvalidInputError, ValueError, "rows")
add("solve_negative_row", solve(rows=np.array([-1, 0])), InvalidInputError, ValueError, "rows")
add("solve_col_out_of_range", solve(cols=np.array([0, 5])), InvalidInputError, ValueError, "cols")
add(
    "solve_capacities_length",
    solve(capacities=np.array([1])),
    InvalidInputError,
    ValueError,
    "capacities",
)
add(
    "solve_negative_capacity",
    solve(capacities=np.array([1, -P_INT])),
    InvalidInputError,
    ValueError,
    "capacities",
)
add(
    "solve_negative_unassigned",
    solve(unassigned_cost=-P_INT),
    InvalidInputError,
    ValueError,
    "unassigned_cost",
)
add(
    "solve_unassigned_length",
    solve(unassigned_cost=np.array([P_INT, 1, 2])),
    InvalidInputError,
    ValueError,
    "unassigned_cost",
)
add(
    "solve_load_costs_decreasing",
    solve(capacities=np.array([2, 2]), load_costs=np.array([[P_INT, 1], [0, 0]])),
    InvalidInputError,
    ValueError,
    "load_costs",
)
add(
    "solve_load_costs_too_short",
    solve(capacities=np.array([3, 1]), load_costs=np.array([[0, 1], [0, 1]])),
    InvalidInputError,
    ValueError,
    "load_costs",
)
add(
    "solve_load_costs_rows",
    solve(load_costs=np.array([[0, 1]])),
    InvalidInputError,
    ValueError,
    "load_costs",
)
add(
    "solve_load_costs_float",
    solve(load_costs=np.array([[0.5, 1], [0, 1]])),
    InvalidTypeError,
    TypeError,
    "load_costs",
)
add(
    "solve_cost_overflow",
    solve(costs=np.array([2**62, 2**62]), unassigned_cost=2**62),
    CostOverflowError,
    OverflowError,
    "cost",
)
add("solve_negative_n_rows", solve(n_rows=-1), InvalidInputError, ValueError, "n_rows")
add("solve_text_n_cols", solve(n_cols="two"), InvalidTypeError, TypeError, "n_cols")
add("solve_huge_n_rows", solve(n_rows=2**70), InvalidInputError, ValueError, "n_rows")

# ---- roads ---------------------------------------------------------------------------------

add(
    "edges_from_out_of_range",
    edges(edge_from=np.array([0, 7])),
    InvalidInputError,
    ValueError,
    "edge",
)
add("edges_negative_node", edges(edge_to=np.array([-1, 2])), InvalidInputError, ValueError, "edge")
add(
    "edges_zero_speed",
    edges(speed_kmh=np.array([0.0, 30.0])),
    InvalidInputError,
    ValueError,
    "speed",
)
add(
    "edges_negative_speed",
    edges(speed_kmh=np.array([30.0, -P_NUM])),
    InvalidInputError,
    ValueError,
    "speed",
)
add(
    "edges_nan_speed",
    edges(speed_kmh=np.array([math.nan, 30.0])),
    InvalidInputError,
    ValueError,
    "speed",
)
add("edges_speed_length", edges(speed_kmh=np.array([30.0])), InvalidInputError, ValueError, "speed")
add(
    "edges_negative_length",
    edges(length_m=np.array([-P_NUM, 5.0])),
    InvalidInputError,
    ValueError,
    "length",
)
add(
    "edges_nan_length",
    edges(length_m=np.array([1.0, math.nan])),
    InvalidInputError,
    ValueError,
    "length",
)
add("edges_to_length", edges(edge_to=np.array([1])), InvalidInputError, ValueError, "edge")
add("edges_oneway_two", edges(oneway=np.array([2, 0])), InvalidInputError, ValueError, "oneway")
add("edges_oneway_length", edges(oneway=np.array([1])), InvalidInputError, ValueError, "oneway")
add(
    "edges_nan_node",
    edges(node_xy=np.array([[P_NUM, 0.0], [math.nan, 0.0], [1.0, 1.0]])),
    InvalidInputError,
    ValueError,
    "node",
)
add(
    "edges_inf_node",
    edges(node_xy=np.array([[P_NUM, 0.0], [1.0, math.inf], [1.0, 1.0]])),
    InvalidInputError,
    ValueError,
    "node",
)
add(
    "edges_int_nodes",
    edges(node_xy=np.array([[P_INT, 0], [1, 0], [1, 1]])),
    InvalidTypeError,
    TypeError,
    "node_xy",
)
add(
    "edges_float_indices",
    edges(edge_from=np.array([0.5, 1.0])),
    InvalidTypeError,
    TypeError,
    "edge_from",
)
add("edges_negative_snap", edges(snap_max_m=-1.0), InvalidInputError, ValueError, "snap_max_m")
add("edges_nan_snap", edges(snap_max_m=math.nan), InvalidInputError, ValueError, "snap_max_m")
add(
    "edges_zero_snap_speed",
    edges(snap_speed_kmh=0.0),
    InvalidInputError,
    ValueError,
    "snap_speed_kmh",
)
add(
    "lines_single_vertex",
    lambda tmp: libmatch.RoadNetwork.from_lines([np.array([[P_NUM, 0.0]])], [30.0]),
    InvalidInputError,
    ValueError,
    "two distinct points",
)
add(
    "lines_speed_length",
    lambda tmp: libmatch.RoadNetwork.from_lines(
        [np.array([[P_NUM, 0.0], [P_NUM + 5, 0.0]])], [30.0, 40.0]
    ),
    InvalidInputError,
    ValueError,
    "speed",
)
add(
    "lines_nan_vertex",
    lambda tmp: libmatch.RoadNetwork.from_lines(
        [np.array([[P_NUM, 0.0], [math.nan, 0.0]])], [30.0]
    ),
    InvalidInputError,
    ValueError,
    "line 0",
)
add(
    "lines_flat_array",
    lambda tmp: libmatch.RoadNetwork.from_lines([np.array([P_NUM, 0.0, 1.0])], [30.0]),
    InvalidInputError,
    ValueError,
    "line 0",
)


@case("roads_negative_speed_feature", InvalidInputError, ValueError, "roads.geojson", "speed")
def _(tmp):
    libmatch.RoadNetwork.from_file(road_lines(tmp, speed=-P_INT), speed_field="speed")


# ---- scenarios -----------------------------------------------------------------------------

add(
    "scenario_horizon_zero",
    scenario(horizon_weeks=0),
    InvalidInputError,
    ValueError,
    "horizon_weeks",
)
add(
    "scenario_horizon_too_long",
    scenario(horizon_weeks=100001),
    InvalidInputError,
    ValueError,
    "horizon_weeks",
)
add(
    "scenario_horizon_text",
    scenario(horizon_weeks="long"),
    InvalidTypeError,
    TypeError,
    "horizon_weeks",
)
add(
    "scenario_negative_rate",
    scenario(arrivals=[{"service": "s", "rate_per_week": -2}]),
    InvalidInputError,
    ValueError,
    "rate_per_week",
)
add(
    "scenario_nan_rate",
    scenario(arrivals=[{"service": "s", "rate_per_week": math.nan}]),
    InvalidInputError,
    ValueError,
    "rate_per_week",
)
add(
    "scenario_inf_rate",
    scenario(arrivals=[{"service": "s", "rate_per_week": math.inf}]),
    InvalidInputError,
    ValueError,
    "rate_per_week",
)
add(
    "scenario_huge_rate",
    scenario(arrivals=[{"service": "s", "rate_per_week": 1e12}]),
    InvalidInputError,
    ValueError,
    "rate_per_week",
    "maximum",
)
add(
    "scenario_rate_just_above_maximum",
    scenario(arrivals=[{"service": "s", "rate_per_week": 1000000.5}]),
    InvalidInputError,
    ValueError,
    "rate_per_week",
    "1e+06",
)
add(
    "scenario_too_many_expected_arrivals",
    scenario(horizon_weeks=100000, arrivals=[{"service": "s", "rate_per_week": 5000}]),
    InvalidInputError,
    ValueError,
    "rate_per_week",
    "expected arrivals",
)
add(
    "scenario_rate_text",
    scenario(arrivals=[{"service": "s", "rate_per_week": P_NAME}]),
    InvalidTypeError,
    TypeError,
    "rate_per_week",
)
add(
    "scenario_unknown_service",
    scenario(arrivals=[{"service": "x", "rate_per_week": 2}]),
    UnknownIdError,
    KeyError,
    "'x'",
)
add(
    "scenario_no_klik_probability",
    scenario(no_klik_probability=1.5),
    InvalidInputError,
    ValueError,
    "no_klik_probability",
)
add(
    "scenario_negative_escalate",
    scenario(escalate_after_weeks=-1),
    InvalidInputError,
    ValueError,
    "escalate_after_weeks",
)
add(
    "scenario_typo_key",
    scenario(escalate_after_week=2),
    InvalidInputError,
    ValueError,
    "escalate_after_weeks",
)
add(
    "scenario_unknown_event",
    scenario(events=[{"week": 1, "type": "retire", "advisor_id": "A"}]),
    InvalidInputError,
    ValueError,
    "retire",
)
add(
    "scenario_event_unknown_advisor",
    scenario(events=[{"week": 1, "type": "leave", "advisor_id": "Z"}]),
    UnknownIdError,
    KeyError,
    "'Z'",
)
add(
    "scenario_absence_zero_weeks",
    scenario(events=[{"week": 1, "type": "absence", "advisor_id": "A", "weeks": 0}]),
    InvalidInputError,
    ValueError,
    "weeks",
)
add(
    "scenario_negative_capacity_event",
    scenario(events=[{"week": 1, "type": "capacity", "advisor_id": "A", "capacity": -3}]),
    InvalidInputError,
    ValueError,
    "capacity",
)
add(
    "scenario_leave_twice",
    scenario(
        events=[
            {"week": 1, "type": "leave", "advisor_id": "A"},
            {"week": 2, "type": "leave", "advisor_id": "A"},
        ]
    ),
    InvalidInputError,
    ValueError,
    "already left",
)
add(
    "scenario_negative_duration",
    scenario(services={"s": {"duration_weeks": -3}}),
    InvalidInputError,
    ValueError,
    "duration_weeks",
)
add(
    "scenario_gamma_negative_sd",
    scenario(services={"s": {"duration_weeks": {"dist": "gamma", "mean": 4, "sd": -1}}}),
    InvalidInputError,
    ValueError,
    "sd",
)
add(
    "scenario_unknown_distribution",
    scenario(services={"s": {"duration_weeks": {"dist": "weibull"}}}),
    InvalidInputError,
    ValueError,
    "weibull",
)
add(
    "scenario_uniform_max_below_min",
    scenario(services={"s": {"duration_weeks": {"dist": "uniform", "min": 5, "max": 2}}}),
    InvalidInputError,
    ValueError,
    "max",
)
add(
    "scenario_need_probability",
    scenario(arrivals=[{"service": "s", "rate_per_week": 1, "needs": {"t": 2.0}}]),
    InvalidInputError,
    ValueError,
    "needs",
)
add(
    "scenario_negative_first_week",
    scenario(arrivals=[{"service": "s", "rate_per_week": 1, "first_week": -1}]),
    InvalidInputError,
    ValueError,
    "first_week",
)
add(
    "scenario_last_before_first",
    scenario(arrivals=[{"service": "s", "rate_per_week": 1, "first_week": 4, "last_week": 2}]),
    InvalidInputError,
    ValueError,
    "last_week",
)
add(
    "scenario_zero_priority_weights",
    scenario(arrivals=[{"service": "s", "rate_per_week": 1, "priority": {"0": 0, "1": 0}}]),
    InvalidInputError,
    ValueError,
    "priority",
)
add(
    "scenario_unknown_travel_model",
    scenario(travel={"model": "teleport"}),
    InvalidInputError,
    ValueError,
    "teleport",
)
add(
    "scenario_weight_typo",
    scenario(weights={"lode": 3}),
    InvalidInputError,
    ValueError,
    "load",
)
add(
    "scenario_duplicate_advisor",
    scenario(
        advisors=tiny_config()["advisors"].assign(advisor_id=["A", "A"]),
    ),
    InvalidInputError,
    ValueError,
    "'A'",
)
add(
    "scenario_flag_as_text",
    scenario(initial_cases="false"),
    InvalidTypeError,
    TypeError,
    "initial_cases",
    "true or false",
)
add(
    "scenario_referral_only_as_text",
    scenario(services={"s": {"duration_weeks": 3, "referral_only": "no"}}),
    InvalidTypeError,
    TypeError,
    "referral_only",
)
add(
    "scenario_count_stream_where_matches_nothing",
    scenario(
        locations=pd.DataFrame({"x": [P_NUM], "y": [0.0], "zone": [P_NAME]}),
        arrivals=[{"service": "s", "count": 4, "where": {"zone": ["elsewhere"]}}],
    ),
    InvalidInputError,
    ValueError,
    "arrivals[0]",
    "no location matches",
)
add(
    "scenario_count_stream_weights_zero",
    scenario(
        locations=pd.DataFrame({"x": [P_NUM, 0.0], "y": [0.0, 0.0], "farm_type": ["a", "b"]}),
        arrivals=[{"service": "s", "count": 4, "farm_types": {"c": 1}}],
    ),
    InvalidInputError,
    ValueError,
    "location_weights",
    "sum to 0",
)
add(
    "scenario_duplicate_tolerance",
    scenario(rules={"duplicate_tolerance_m": 50}),
    InvalidInputError,
    ValueError,
    "duplicate_tolerance_m",
    "not applied",
)
add(
    "scenario_advisor_with_two_services",
    scenario(
        services={"s": {"duration_weeks": 3}, "t": {"duration_weeks": 2}},
        advisors=tiny_config()["advisors"].assign(service=["s;t", "s"]),
    ),
    InvalidInputError,
    ValueError,
    "row 0",
    "'A'",
    "one service per advisor",
)
add(
    "seeds_range_too_long",
    lambda tmp: libmatch.parse_seeds("0-18446744073709551615"),
    InvalidInputError,
    ValueError,
    "more than 1,000,000",
)
add(
    "seeds_beyond_uint64",
    lambda tmp: libmatch.parse_seeds("18446744073709551616"),
    InvalidInputError,
    ValueError,
    "2^64",
)


@case("scenario_json_not_utf8", InvalidInputError, ValueError, "enc.json", "not UTF-8")
def _(tmp):
    (tmp / "enc.json").write_bytes(b"\xff\xfe{" + P_NAME.encode("utf-16-le"))
    libmatch.Scenario(tmp / "enc.json")


@case("scenario_json_directory", FileError, OSError, "cannot be read")
def _(tmp):
    (tmp / "dir.json").mkdir()
    libmatch.Scenario(tmp / "dir.json")


add(
    "scenario_not_a_mapping",
    lambda tmp: libmatch.Scenario(P_INT),
    InvalidTypeError,
    TypeError,
    "int",
)
add(
    "seeds_reversed_range",
    lambda tmp: libmatch.parse_seeds("3-1"),
    InvalidInputError,
    ValueError,
    "3-1",
)
add(
    "seeds_negative",
    lambda tmp: libmatch.parse_seeds([-1]),
    InvalidInputError,
    ValueError,
    "seed",
)
add(
    "seeds_text",
    lambda tmp: libmatch.simulate(libmatch.Scenario(tiny_config()), seed="abc"),
    InvalidInputError,
    ValueError,
    "abc",
)
add(
    "simulate_many_zero_jobs",
    lambda tmp: libmatch.simulate_many(libmatch.Scenario(tiny_config()), [0], n_jobs=0),
    InvalidInputError,
    ValueError,
    "n_jobs",
)
add(
    "simulate_wrong_scenario_type",
    lambda tmp: libmatch.simulate(P_INT),
    InvalidTypeError,
    TypeError,
    "Scenario",
)

# ---- design --------------------------------------------------------------------------------

add("design_k_zero", design(k=0), InvalidInputError, ValueError, "k")
add("design_k_too_large", design(k=10), InvalidInputError, ValueError, "k")
add("design_k_text", design(k="three"), InvalidTypeError, TypeError, "k")
add("design_demand_length", design(demand=np.ones(4)), InvalidInputError, ValueError, "demand")
add(
    "design_demand_negative",
    design(demand=np.r_[-P_NUM, np.ones(8)]),
    InvalidInputError,
    ValueError,
    "demand",
    "'u0'",
)
add(
    "design_demand_nan",
    design(demand=np.r_[np.ones(4), math.nan, np.ones(4)]),
    InvalidInputError,
    ValueError,
    "demand",
    "'u4'",
)
add(
    "design_demand_text",
    design(demand=np.array([P_NAME] * 9)),
    InvalidTypeError,
    TypeError,
    "demand",
)
add(
    "design_demand_missing_unit",
    design(demand=pd.Series({f"u{k}": P_NUM for k in range(8)})),
    InvalidInputError,
    ValueError,
    "demand",
    "u8",
)
add("design_starts_zero", design(starts=0), InvalidInputError, ValueError, "starts")
add(
    "design_negative_iterations", design(iterations=-1), InvalidInputError, ValueError, "iterations"
)
add(
    "design_negative_time_limit",
    design(time_limit_s=-1.0),
    InvalidInputError,
    ValueError,
    "time_limit",
)
add("design_unknown_islands", design(islands="bogus"), InvalidInputError, ValueError, "islands")
add(
    "design_negative_min_border",
    design(min_border_m=-1.0),
    InvalidInputError,
    ValueError,
    "min_border",
)
add(
    "design_unknown_weight",
    design(weights={"beauty": 1.0}),
    InvalidInputError,
    ValueError,
    "beauty",
)
add("design_initial_length", design(initial=[0, 1]), InvalidInputError, ValueError, "initial")
add(
    "design_advisors_missing_y",
    design(advisors=pd.DataFrame({"x": [P_NUM]})),
    InvalidInputError,
    ValueError,
    "'y'",
)
add(
    "design_units_wrong_type",
    design(units=[P_NAME]),
    InvalidTypeError,
    TypeError,
    "units",
)
add(
    "design_threads_zero",
    design(threads=0),
    InvalidInputError,
    ValueError,
    "threads",
)


@case("design_island_unit", InvalidInputError, ValueError, "'island'")
def _(tmp):
    boxes = [shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)]
    boxes.append(shapely.box(P_NUM, P_NUM, P_NUM + 1000, P_NUM + 1000))
    u = libmatch.AreaSet.from_wkb(shapely.to_wkb(boxes), ["a", "b", "island"])
    libmatch.design_areas(u, np.ones(3), 2, starts=1)


add(
    "evaluate_labels_length",
    lambda tmp: libmatch.evaluate_plan(grid_units(), [0, 1], np.ones(9)),
    InvalidInputError,
    ValueError,
    "labels",
)
add(
    "evaluate_labels_missing",
    lambda tmp: libmatch.evaluate_plan(
        grid_units(), pd.Series({f"u{k}": k % 2 for k in range(8)}), np.ones(9)
    ),
    InvalidInputError,
    ValueError,
    "u8",
)


# ---- found by the new-user audits (simulation, study, areas) -------------------------------


def _replay(**cols) -> pd.DataFrame:
    base = {"applicant_id": ["r1", "r2"], "service": ["s", "s"], "week": [0, 1]}
    base |= {"x": [P_NUM, P_NUM], "y": [0.0, 0.0]}
    base.update(cols)
    return pd.DataFrame(base)


def _advisors(**cols) -> pd.DataFrame:
    df = tiny_config()["advisors"]
    for k, v in cols.items():
        df[k] = v
    return df


add(
    "sim_advisor_capacity_not_echoed",
    scenario(advisors=_advisors(capacity=[1, -P_INT])),
    InvalidInputError,
    ValueError,
    "'B'",
    "capacity",
)
add(
    "sim_advisor_caseload_not_echoed",
    scenario(advisors=_advisors(caseload=[P_INT, 0])),
    InvalidInputError,
    ValueError,
    "'A'",
    "caseload",
)
add(
    "sim_replay_after_horizon",
    scenario(replay=_replay(week=[0, P_INT])),
    InvalidInputError,
    ValueError,
    "row 1",
    "after the horizon",
)
add(
    "sim_replay_before_start",
    scenario(replay=_replay(week=[-P_INT, 0])),
    InvalidInputError,
    ValueError,
    "row 0",
    "before the start",
)
add(
    "sim_replay_hours_not_echoed",
    scenario(replay=_replay(hours=[1.0, -P_NUM])),
    InvalidInputError,
    ValueError,
    "hours",
)
add(
    "sim_duration_too_long",
    scenario(services={"s": {"duration_weeks": 1e300}}),
    InvalidInputError,
    ValueError,
    "duration",
    "1e6",
)
add(
    "sim_no_seeds",
    lambda tmp: libmatch.simulate_many(libmatch.Scenario(tiny_config()), [], progress=False),
    InvalidInputError,
    ValueError,
    "no seed",
)
add(
    "sim_seed_float",
    lambda tmp: libmatch.simulate(libmatch.Scenario(tiny_config()), seed=2.5),
    InvalidTypeError,
    TypeError,
    "seed",
)
add(
    "sim_seeds_float_in_list",
    lambda tmp: libmatch.simulate_many(libmatch.Scenario(tiny_config()), [2.5], progress=False),
    InvalidTypeError,
    TypeError,
    "seeds must be integers",
)
add(
    "sim_scenarios_not_a_scenario",
    lambda tmp: libmatch.simulate_many(5, [0], progress=False),
    InvalidTypeError,
    TypeError,
    "scenarios",
)


def _study_locations(**cols) -> pd.DataFrame:
    base = {"applicant_id": ["R1", "R2"], "x": [500.0, 1500.0], "y": [500.0, 500.0]}
    base.update(cols)
    return pd.DataFrame(base)


add(
    "study_layer_name_clash",
    lambda tmp: libmatch.location_study(_study_locations(), {"applicant": grid_units()}),
    InvalidInputError,
    ValueError,
    "'applicant'",
    "applicant_id",
)
add(
    "study_infinite_coordinate",
    lambda tmp: libmatch.location_study(_study_locations(x=[500.0, np.inf]), {"a": grid_units()}),
    InvalidInputError,
    ValueError,
    "row 1",
)
add(
    "study_max_distance_text",
    lambda tmp: libmatch.location_study(
        _study_locations(), {"a": grid_units()}, max_distance_m="x"
    ),
    InvalidTypeError,
    TypeError,
    "max_distance_m",
)


def _geographic_points(tmp):
    gpd = pytest.importorskip("geopandas")
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5.0, 5.01], [52.0, 52.0]), crs=4326)
    return libmatch.StraightLine().pairs(pts.iloc[:1], pts.iloc[1:])


add("travel_geographic_points", _geographic_points, CrsError, ValueError, "geographic")


def _null_id(tmp):
    gpd = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    cells = [shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)]
    gdf = gpd.GeoDataFrame({"id": ["a", None]}, geometry=cells, crs=28992)
    return libmatch.AreaSet.from_geodataframe(gdf, "id")


add("areas_null_id", _null_id, InvalidInputError, ValueError, "row 1")


# ---- from the new-user audit of match() (2026-12-03) -------------------------------------
def _catalogue(**changes) -> pd.DataFrame:
    df = pd.DataFrame({"service": ["vab"], "hours": [10.0], "cost_eur": [100.0]})
    for k, v in changes.items():
        df[k] = v
    return df


add(
    "match_max_cases_huge",
    match(services=_catalogue(max_cases=[1e19])),
    InvalidInputError,
    ValueError,
    "max_cases in row 0",
    "'vab'",
    "1e12",
)
add(
    "match_cost_eur_huge",
    match(services=_catalogue(cost_eur=[1e300])),
    InvalidInputError,
    ValueError,
    "cost_eur in row 0",
    "'vab'",
    "1e13",
)
add(
    "match_round_budget_huge",
    match(services=_catalogue(), budget_eur=1e17),
    InvalidInputError,
    ValueError,
    "budget_eur",
    "1e13",
)
add(
    "match_service_budget_huge",
    match(services=_catalogue(budget_eur=[1e19])),
    InvalidInputError,
    ValueError,
    "budget_eur in row 0",
    "'vab'",
)
add(
    "match_duplicate_column",
    lambda tmp: libmatch.match(
        pd.concat([applicants_df(), applicants_df()[["x"]]], axis=1), advisors_df()
    ),
    InvalidInputError,
    ValueError,
    "applicants",
    "'x' appears twice",
)
add(
    "match_duplicate_csv_header",
    lambda tmp: libmatch.match(
        _csv(tmp, "a.csv", applicants_df().assign(y2=0.0), "y2", "x"), advisors_df()
    ),
    InvalidInputError,
    ValueError,
    "a.csv",
    "'x' appears twice",
)
add(
    "match_bool_cell_as_number",
    match(adv=advisors_df(capacity=pd.Series([True, 4], dtype=object))),
    InvalidInputError,
    ValueError,
    "advisors: capacity in row 0",
    "'A1'",
)
add(
    "match_bool_column_as_number",
    match(app=applicants_df(priority=[True, False, True])),
    InvalidInputError,
    ValueError,
    "applicants: priority in row 0",
)
add(
    "match_complex_cell_as_number",
    match(app=applicants_df(x=pd.Series([P_NUM + 5j, P_NUM, P_NUM], dtype=object))),
    InvalidInputError,
    ValueError,
    "applicants: x in row 0",
)
add(
    "match_bytes_cell_as_number",
    match(app=applicants_df(y=pd.Series([b"12", 0.0, 0.0], dtype=object))),
    InvalidInputError,
    ValueError,
    "applicants: y in row 0",
)
add(
    "round_to_csv_not_a_path",
    lambda tmp: libmatch.match(applicants_df(), advisors_df()).to_csv(None),
    InvalidTypeError,
    TypeError,
    "directory path",
)


# ---- from the new-user audits of travel and the location study (2026-12-03) ---------------

ROADS = DATA / "roads.geojson"
add(
    "roads_skip_classes_one_string",
    lambda tmp: libmatch.RoadNetwork.from_file(
        ROADS, speed_field="maxspeed", default_speed_kmh=50, skip_classes="residential"
    ),
    InvalidTypeError,
    TypeError,
    "skip_classes",
)
add(
    "roads_default_speed_text",
    lambda tmp: libmatch.RoadNetwork.from_file(ROADS, default_speed_kmh=str(P_INT)),
    InvalidTypeError,
    TypeError,
    "default_speed_kmh",
)
add(
    "roads_class_speeds_not_a_mapping",
    lambda tmp: libmatch.RoadNetwork.from_file(ROADS, class_field="class", class_speeds=P_NAME),
    InvalidTypeError,
    TypeError,
    "class_speeds",
)
add(
    "roads_source_not_a_path",
    lambda tmp: libmatch.RoadNetwork.from_file(P_INT),
    InvalidTypeError,
    TypeError,
    "source",
)
add(
    "lines_ragged",
    lambda tmp: libmatch.RoadNetwork.from_lines([[[P_NUM, 0.0], [1.0]]], [30.0]),
    InvalidInputError,
    ValueError,
    "line 0",
)
add(
    "lines_text_coordinates",
    lambda tmp: libmatch.RoadNetwork.from_lines([[[P_NAME, 0.0], [1.0, 2.0]]], [30.0]),
    InvalidInputError,
    ValueError,
    "line 0",
)
add(
    "lines_multilinestring",
    lambda tmp: libmatch.RoadNetwork.from_lines(
        [shapely.MultiLineString([[(P_NUM, 0), (1, 1)], [(2, 2), (3, 3)]])], [30.0]
    ),
    InvalidInputError,
    ValueError,
    "line 0",
)
add(
    "lines_none",
    lambda tmp: libmatch.RoadNetwork.from_lines(None, []),
    InvalidTypeError,
    TypeError,
    "lines",
)
add(
    "straight_line_huge_int",
    lambda tmp: libmatch.StraightLine(10**400),
    InvalidInputError,
    ValueError,
    "detour",
)
add(
    "roads_load_none",
    lambda tmp: libmatch.RoadNetwork.load(None),
    InvalidTypeError,
    TypeError,
    "load",
)
add(
    "roads_save_none",
    lambda tmp: edges()(tmp).save(None),
    InvalidTypeError,
    TypeError,
    "save",
)
add(
    "areas_source_not_a_path",
    lambda tmp: libmatch.read_areas(P_INT, "id"),
    InvalidTypeError,
    TypeError,
    "source",
)
add(
    "areas_id_pd_na",
    lambda tmp: libmatch.AreaSet.from_wkb(squares_wkb(), ["west", pd.NA]),
    InvalidInputError,
    ValueError,
    "row 1",
)
add(
    "study_summary_without_primary_rows",
    lambda tmp: libmatch.location_study_summary(
        (lambda st: st[~st["is_primary"]])(
            libmatch.location_study(
                pd.DataFrame({"applicant_id": ["R1", "R1"], "x": [P_NUM, 0.0], "y": [0.0, 0.0]}),
                {},
            )
        )
    ),
    InvalidInputError,
    ValueError,
    "'R1'",
    "primary",
)
add(
    "close_locations_text_points",
    lambda tmp: libmatch.close_locations([[P_NAME, "b"]], ["R1"], 5.0),
    InvalidInputError,
    ValueError,
    "xy",
)
add(
    "close_locations_text_tolerance",
    lambda tmp: libmatch.close_locations(pts(2), ["a", "b"], str(P_INT)),
    InvalidTypeError,
    TypeError,
    "tolerance_m",
)
add(
    "close_locations_group_count",
    lambda tmp: libmatch.close_locations(pts(3), ["a", "b"], 5.0),
    InvalidInputError,
    ValueError,
    "groups",
)
add(
    "study_locations_beyond_the_working_crs",
    lambda tmp: libmatch.location_study(
        __import__("geopandas").GeoDataFrame(
            {"applicant_id": [P_NAME]}, geometry=[shapely.Point(500, 500)], crs="EPSG:4326"
        ),
        {"a": squares()},
    ),
    CrsError,
    ValueError,
    "row 0",
    "reprojected",
)


def _late_bad_byte(tmp: Path) -> Path:
    p = tmp / "late.csv"
    p.write_bytes(b"applicant_id,x,y\n" + b"R1,1,2\n" * 5000 + b"R\xe9,1,2\n")
    return p


add(
    "table_not_utf8_names_the_line",
    lambda tmp: libmatch.match(_late_bad_byte(tmp), advisors_df()),
    InvalidInputError,
    ValueError,
    "late.csv",
    "line 5002",
)
add(
    "simulate_scenarios_as_a_dataframe",
    lambda tmp: libmatch.simulate_many(pd.DataFrame({P_NAME: [1]}), [0], progress=False),
    InvalidTypeError,
    TypeError,
    "DataFrame",
)
add(
    "study_layer_columns_clash",
    lambda tmp: libmatch.location_study(
        pd.DataFrame({"applicant_id": ["R1"], "x": [P_NUM], "y": [0.0]}),
        {"gm": squares(), "gm_nearest": squares()},
    ),
    InvalidInputError,
    ValueError,
    "'gm_nearest'",
    "'gm_nearest_id'",
)


def _csv(tmp: Path, name: str, df: pd.DataFrame, rename: str, to: str) -> Path:
    """``df`` as a CSV whose column ``rename`` is headed ``to`` (a repeated header)."""
    text = df.to_csv(index=False)
    head, rest = text.split("\n", 1)
    p = tmp / name
    p.write_text(",".join(to if h == rename else h for h in head.split(",")) + "\n" + rest)
    return p


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    with pytest.raises(libmatch.Error) as info:
        case.call(tmp_path)
    exc = info.value
    assert isinstance(exc, case.error), f"{type(exc).__name__}: {exc}"
    assert isinstance(exc, case.builtin)
    msg = str(exc)
    for name in case.names:
        name = name.replace("{tmp}", str(tmp_path))
        assert name in msg, f"{name!r} not named in: {msg}"
    for value in PLANTED:
        assert value not in msg, f"planted value {value!r} echoed in: {msg}"


def test_catalogue_size_and_unique_ids() -> None:
    ids = [c.id for c in CASES] + [c[0] for c in CLI_CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 150


# ---- command line --------------------------------------------------------------------------


def _points_csv(tmp: Path, text: str, name: str = "points.csv") -> str:
    p = tmp / name
    p.write_text(text)
    return str(p)


def _bytes_file(tmp: Path, data: bytes, name: str = "points.csv") -> str:
    p = tmp / name
    p.write_bytes(data)
    return str(p)


A = str(DATA / "orientation_areas.geojson")
M = str(DATA / "municipalities.geojson")


def _locate(points: str, out: str = "OUT/located.csv", *extra: str) -> list[str]:
    return ["locate", "--areas", A, "--id-field", "id", "--points", points, "--out", out, *extra]


# (id, argv builder (tmp -> argv), exit status, words the one line must contain)
CLI_CASES: list[tuple[str, Callable[[Path], list[str]], int, tuple[str, ...]]] = [
    ("cli_unknown_command", lambda t: ["bogus"], 2, ("libmatch: error:", "bogus")),
    (
        "cli_locate_missing_argument",
        lambda t: ["locate", "--areas", A, "--points", "p.csv", "--out", "o.csv"],
        2,
        ("libmatch locate: error:", "--areas", "ID_FIELD", "see --help"),
    ),
    (
        "cli_locate_missing_points",
        lambda t: _locate(str(t / "nope.csv")),
        1,
        ("libmatch locate: error:", "nope.csv"),
    ),
    (
        "cli_locate_missing_areas",
        lambda t: [
            "locate",
            "--areas",
            str(t / "no.gpkg"),
            "--id-field",
            "id",
            "--points",
            _points_csv(t, "x,y\n1,2\n"),
            "--out",
            str(t / "o.csv"),
        ],
        1,
        ("libmatch locate: error:", "no.gpkg"),
    ),
    (
        "cli_locate_unknown_id_field",
        lambda t: [
            "locate",
            "--areas",
            A,
            "--id-field",
            "nope",
            "--points",
            _points_csv(t, "x,y\n1,2\n"),
            "--out",
            str(t / "o.csv"),
        ],
        1,
        ("libmatch locate: error:", "'nope'"),
    ),
    (
        "cli_locate_points_directory",
        lambda t: _locate(str(t), str(t / "o.csv")),
        1,
        ("libmatch locate: error:", "--points", "cannot read"),
    ),
    (
        "cli_locate_empty_points",
        lambda t: _locate(_points_csv(t, ""), str(t / "o.csv")),
        1,
        ("libmatch locate: error:", "points.csv", "empty"),
    ),
    (
        "cli_locate_not_utf8",
        lambda t: _locate(
            _bytes_file(t, b"x,y\n\xff\xfe" + P_NAME.encode() + b",1\n"), str(t / "o.csv")
        ),
        1,
        ("libmatch locate: error:", "points.csv", "UTF-8"),
    ),
    (
        "cli_locate_ragged_csv",
        lambda t: _locate(_points_csv(t, f"x,y\n{P_NUM},1\n1,2,{P_NAME},4\n"), str(t / "o.csv")),
        1,
        ("libmatch locate: error:", "points.csv", "line 3"),
    ),
    (
        "cli_locate_missing_x_column",
        lambda t: _locate(_points_csv(t, f"lon,y\n{P_NUM},1\n"), str(t / "o.csv")),
        1,
        ("libmatch locate: error:", "points.csv", "'x'"),
    ),
    (
        "cli_locate_text_coordinate",
        lambda t: _locate(_points_csv(t, f"x,y\n{P_NUM},1\n{P_NAME},2\n"), str(t / "o.csv")),
        1,
        ("libmatch locate: error:", "points.csv", "x in row 1"),
    ),
    (
        "cli_locate_out_is_directory",
        lambda t: _locate(_points_csv(t, f"x,y\n{P_NUM},1\n"), str(t)),
        1,
        ("libmatch locate: error:", "directory"),
    ),
    (
        "cli_locate_out_under_a_file",
        lambda t: _locate(_points_csv(t, f"x,y\n{P_NUM},1\n"), str(t / "points.csv" / "o.csv")),
        1,
        ("libmatch locate: error:", "points.csv"),
    ),
    (
        "cli_round_missing_applicants",
        lambda t: [
            "round",
            "--advisors",
            str(DATA / "advisors.csv"),
            "--applicants",
            str(t / "req.csv"),
            "--out",
            str(t / "out"),
        ],
        1,
        ("libmatch round: error:", "req.csv"),
    ),
    (
        "cli_round_straight_line_detour_below_one",  # used to be ignored without --roads
        lambda t: [
            "round",
            "--advisors",
            str(DATA / "advisors.csv"),
            "--applicants",
            str(DATA / "requests.csv"),
            "--detour",
            "0.5",
            "--out",
            str(t / "out"),
        ],
        1,
        ("libmatch round: error:", "detour"),
    ),
    (
        "cli_round_empty_advisors",
        lambda t: [
            "round",
            "--advisors",
            _points_csv(t, "", "adv.csv"),
            "--applicants",
            str(DATA / "requests.csv"),
            "--out",
            str(t / "out"),
        ],
        1,
        ("libmatch round: error:", "adv.csv", "empty"),
    ),
    (
        "cli_round_out_under_a_file",
        lambda t: [
            "round",
            "--advisors",
            str(DATA / "advisors.csv"),
            "--applicants",
            str(DATA / "requests.csv"),
            "--out",
            _points_csv(t, P_NAME, "f") + "/out",
            "--no-map",
        ],
        1,
        ("libmatch round: error:", "out"),
    ),
    (
        "cli_round_missing_areas",
        lambda t: [
            "round",
            "--areas",
            str(t / "oa.geojson"),
            "--advisors",
            str(DATA / "advisors.csv"),
            "--applicants",
            str(DATA / "requests.csv"),
            "--out",
            str(t / "out"),
        ],
        1,
        ("libmatch round: error:", "oa.geojson"),
    ),
    (
        "cli_run_demo_missing_data",
        lambda t: ["run-demo", "--data", str(t / "nodata"), "--out", str(t / "out")],
        1,
        ("libmatch run-demo: error:", "nodata"),
    ),
    (
        "cli_verify_missing_directory",
        lambda t: ["verify", str(t / "no_round")],
        1,
        ("libmatch verify: error:", "no_round"),
    ),
    (
        "cli_verify_not_a_round",
        lambda t: ["verify", _points_csv(t, P_NAME, "f") and str(t)],
        1,
        ("libmatch verify: error:", "audit.json"),
    ),
    (
        "cli_simulate_missing_scenario",
        lambda t: ["simulate", "--scenario", str(t / "s.json"), "--out", str(t / "out")],
        1,
        ("libmatch simulate: error:", "s.json"),
    ),
    (
        "cli_simulate_malformed_scenario",
        lambda t: [
            "simulate",
            "--scenario",
            _points_csv(t, '{"name": ', "s.json"),
            "--out",
            str(t / "out"),
        ],
        1,
        ("libmatch simulate: error:", "s.json", "malformed JSON"),
    ),
    (
        "cli_simulate_bad_seeds",
        lambda t: [
            "simulate",
            "--scenario",
            str(DATA / "scenario.json"),
            "--seeds",
            "9-1",
            "--out",
            str(t / "out"),
        ],
        2,
        ("libmatch simulate: error:", "argument --seeds", "9-1"),
    ),
    (
        "cli_simulate_seed_range_too_long",
        lambda t: [
            "simulate",
            "--scenario",
            str(DATA / "scenario.json"),
            "--seeds",
            "0-18446744073709551615",
            "--out",
            str(t / "out"),
        ],
        2,
        ("libmatch simulate: error:", "argument --seeds", "more than 1,000,000"),
    ),
    (
        "cli_simulate_out_under_a_file",
        lambda t: [
            "simulate",
            "--scenario",
            str(DATA / "scenario.json"),
            "--seeds",
            "1",
            "--out",
            _points_csv(t, P_NAME, "f") + "/out",
        ],
        1,
        ("libmatch simulate: error:", "out"),
    ),
    (
        "cli_simulate_jobs_zero",
        lambda t: [
            "simulate",
            "--scenario",
            str(DATA / "scenario.json"),
            "--seeds",
            "1",
            "--jobs",
            "0",
            "--out",
            str(t / "out"),
        ],
        2,
        ("libmatch simulate: error:", "argument --jobs", "between 1 and"),
    ),
    (
        "cli_design_missing_units",
        lambda t: [
            "design",
            "--units",
            str(t / "u.gpkg"),
            "--id-field",
            "id",
            "--demand-field",
            "d",
            "--k",
            "2",
            "--out",
            str(t / "a.gpkg"),
        ],
        1,
        ("libmatch design: error:", "u.gpkg"),
    ),
    (
        "cli_design_missing_demand_points",
        lambda t: [
            "design",
            "--units",
            M,
            "--id-field",
            "id",
            "--demand-points",
            str(t / "d.csv"),
            "--k",
            "2",
            "--out",
            str(t / "a.gpkg"),
        ],
        1,
        ("libmatch design: error:", "d.csv"),
    ),
    (
        "cli_design_unknown_demand_field",
        lambda t: [
            "design",
            "--units",
            M,
            "--id-field",
            "id",
            "--demand-field",
            "nope",
            "--k",
            "2",
            "--out",
            str(t / "a.gpkg"),
        ],
        1,
        ("libmatch design: error:", "'nope'"),
    ),
    (
        "cli_design_k_text",
        lambda t: [
            "design",
            "--units",
            M,
            "--id-field",
            "id",
            "--demand-field",
            "d",
            "--k",
            "two",
            "--out",
            str(t / "a.gpkg"),
        ],
        2,
        ("libmatch design: error:", "--k"),
    ),
    (
        "cli_design_out_is_directory",
        lambda t: [
            "design",
            "--units",
            M,
            "--id-field",
            "id",
            "--demand-points",
            str(DATA / "farms.csv"),
            "--k",
            "2",
            "--starts",
            "1",
            "--out",
            str(t),
        ],
        1,
        ("libmatch design: error:", "output format"),
    ),
    (
        "cli_design_assignment_onto_out",
        lambda t: [
            "design",
            "--units",
            M,
            "--id-field",
            "id",
            "--demand-points",
            str(DATA / "farms.csv"),
            "--k",
            "2",
            "--out",
            str(t / "plan.gpkg"),
            "--assignment",
            str(t / "plan.gpkg"),
        ],
        1,
        ("libmatch design: error:", "--assignment and --out name the same file"),
    ),
    (
        "cli_study_missing_locations",
        lambda t: ["study", "--locations", str(t / "loc.csv"), "--out", str(t / "s.csv")],
        1,
        ("libmatch study: error:", "loc.csv"),
    ),
    (
        "cli_study_bad_layer_spec",
        lambda t: [
            "study",
            "--layer",
            "nonsense",
            "--locations",
            _points_csv(t, f"applicant_id,x,y\nR1,{P_NUM},1\n"),
            "--out",
            str(t / "s.csv"),
        ],
        2,
        ("libmatch study: error:", "nonsense", "see --help"),
    ),
    (
        "cli_study_empty_advisors",
        lambda t: [
            "study",
            "--areas",
            f"{A}:id",
            "--locations",
            _points_csv(t, f"applicant_id,x,y\nR1,{P_NUM},1\n"),
            "--advisors",
            _points_csv(t, "", "adv.csv"),
            "--out",
            str(t / "s.csv"),
        ],
        1,
        ("libmatch study: error:", "adv.csv", "empty"),
    ),
    (
        "cli_study_out_under_a_file",
        lambda t: [
            "study",
            "--areas",
            f"{A}:id",
            "--locations",
            _points_csv(t, f"applicant_id,x,y\nR1,{P_NUM},1\n"),
            "--out",
            _points_csv(t, P_NAME, "f") + "/s.csv",
        ],
        1,
        ("libmatch study: error:", "study --out", "not a directory"),
    ),
    (
        "cli_study_bad_class_speeds",
        lambda t: [
            "study",
            "--areas",
            f"{A}:id",
            "--locations",
            _points_csv(t, f"applicant_id,x,y\nR1,{P_NUM},1\n"),
            "--roads",
            str(DATA / "roads.geojson"),
            "--class-speeds",
            "motorway",
            "--out",
            str(t / "s.csv"),
        ],
        2,
        ("libmatch study: error:", "--class-speeds", "see --help"),
    ),
    (
        "cli_round_rules_inline_list",
        lambda t: [
            "round",
            "--applicants",
            str(DATA / "requests.csv"),
            "--advisors",
            str(DATA / "advisors.csv"),
            "--rules",
            "[1]",
            "--out",
            str(t / "r"),
        ],
        1,
        ("libmatch round: error:", "--rules", "JSON object"),
    ),
    (
        "cli_study_nan_max_distance",
        lambda t: [
            "study",
            "--areas",
            f"{A}:id",
            "--locations",
            _points_csv(t, f"applicant_id,x,y\nR1,{P_NUM},1\n"),
            "--max-distance-m",
            "nan",
            "--out",
            str(t / "s.csv"),
        ],
        2,
        ("libmatch study: error:", "--max-distance-m"),
    ),
    (
        "cli_round_context_without_name",
        lambda t: [
            "round",
            "--applicants",
            str(DATA / "requests.csv"),
            "--advisors",
            str(DATA / "advisors.csv"),
            "--context",
            A,
            "--out",
            str(t / "r"),
        ],
        2,
        ("libmatch round: error:", "--context", "NAME=FILE"),
    ),
]


@pytest.mark.parametrize("cid, argv, status, words", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_failure_is_one_line(cid, argv, status, words, tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    args = argv(tmp_path)
    res = subprocess.run(
        [sys.executable, "-m", "libmatch.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert res.returncode == status, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    for w in words:
        assert w in lines[0], f"{w!r} not in: {lines[0]}"
    for value in PLANTED:
        assert value not in lines[0]


def test_cli_internal_error_traceback_only_with_debug() -> None:
    """An unexpected exception is one line without --debug and a traceback with it."""
    code = (
        "import sys, libmatch.areas as a, libmatch.cli as c\n"
        f"def boom(args): raise RuntimeError('secret {P_NAME}')\n"
        "a._cmd_locate = boom\n"
        "sys.exit(c.main(sys.argv[1:]))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    argv = ["locate", "--areas", A, "--id-field", "id", "--points", "p.csv", "--out", "o.csv"]
    plain = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, timeout=120
    )
    assert plain.returncode == 70
    assert plain.stderr.strip().splitlines() == [
        "libmatch locate: error: internal error (RuntimeError); run 'libmatch --debug "
        "locate ...' for the traceback and report it"
    ]
    debug = subprocess.run(
        [sys.executable, "-c", code, "--debug", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr and "RuntimeError" in debug.stderr


def test_audit_typed_errors_for_arguments() -> None:
    """Arguments that are not numbers are typed errors naming them, values not echoed."""
    lines = [np.array([[0.0, 0.0], [100.0, 0.0]])]
    with pytest.raises(InvalidTypeError, match="speed_kmh: entry 0") as info:
        libmatch.RoadNetwork.from_lines(lines, [P_NAME])
    assert P_NAME not in str(info.value)
    with pytest.raises(InvalidTypeError, match="snap_max_m"):
        libmatch.RoadNetwork.from_lines(lines, [50.0], snap_max_m="far")
    with pytest.raises(InvalidInputError, match="at most 65536"):
        grid_units().locate(np.zeros((1, 2)), threads=2**40)
    with pytest.raises(InvalidTypeError, match="study must be"):
        libmatch.location_study_summary([1])


def test_write_layer_keeps_values(tmp_path: Path) -> None:
    df = pd.DataFrame({"flag": pd.Series([True, None, False], dtype=object), "n": [1, 2, 3]})
    libmatch.write_layer(df, tmp_path / "t.gpkg", "t")
    back = libmatch.read_layer(tmp_path / "t.gpkg", "t")
    assert back["flag"].tolist()[0] == 1 and back["flag"].tolist()[2] == 0
    assert pd.isna(back["flag"].tolist()[1])
    big = pd.DataFrame({"u": np.array([2**63 + 5], dtype=np.uint64)})
    with pytest.raises(InvalidInputError, match="'u'"):
        libmatch.write_layer(big, tmp_path / "u.gpkg", "u")
    twice = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(InvalidInputError, match="'a' appears twice"):
        libmatch.write_layer(twice, tmp_path / "d.gpkg", "d")
