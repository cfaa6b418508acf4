"""Package-level promises: version agreement, public names, error hierarchy, CLI help."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import libmatch

REPO = Path(__file__).resolve().parents[2]


def test_version_matches_pyproject_and_metadata():
    pyproject = (REPO / "pyproject.toml").read_text()
    declared = re.search(r'^version = "([^"]+)"', pyproject, re.M).group(1)
    assert libmatch.__version__ == declared  # compiled from the same CMake PROJECT_VERSION
    try:
        installed = importlib.metadata.version("libmatch")
    except importlib.metadata.PackageNotFoundError:  # developer build on PYTHONPATH
        assert "site-packages" not in libmatch.__file__
    else:
        assert installed == declared


def test_public_names_exist():
    for name in libmatch.__all__:
        assert hasattr(libmatch, name), name
    for name in [
        "read_areas",
        "AreaSet",
        "StraightLine",
        "RoadNetwork",
        "location_study",
        "solve_assignment",
        "match",
        "Weights",
        "Scenario",
        "simulate",
        "simulate_many",
        "evaluate_plan",
        "design_areas",
    ]:
        assert name in libmatch.__all__, name


@pytest.mark.parametrize(
    "cls, builtin",
    [
        ("InvalidInputError", ValueError),
        ("InvalidTypeError", TypeError),
        ("GeometryError", ValueError),
        ("CrsError", ValueError),
        ("UnknownIdError", KeyError),
        ("CostOverflowError", OverflowError),
        ("FileError", OSError),
        ("FileMissingError", FileNotFoundError),
    ],
)
def test_error_classes(cls, builtin):
    c = getattr(libmatch, cls)
    assert issubclass(c, libmatch.Error) and issubclass(c, builtin)


def test_cli_help_lists_subcommands():
    out = subprocess.run(
        [sys.executable, "-m", "libmatch.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for sub in ["locate", "study", "round", "run-demo", "simulate", "design"]:
        assert sub in out


def test_python_dash_m_libmatch_is_the_cli():
    out = subprocess.run(
        [sys.executable, "-m", "libmatch", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "design" in out and "round" in out


def test_cli_warnings_are_one_line_naming_the_command(tmp_path):
    # A point file whose GeoJSON declares no CRS but is in metres warns and goes on.
    feature = {"type": "Feature", "properties": {"id": "r1"}}
    feature["geometry"] = {"type": "Point", "coordinates": [155000.0, 455000.0]}
    points = tmp_path / "pts.geojson"
    points.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    areas = REPO / "data" / "municipalities.geojson"
    out = tmp_path / "located.csv"
    for entry in (["-m", "libmatch"], ["-c", "import libmatch.cli as c; c.console()"]):
        run = subprocess.run(
            [sys.executable, *entry, "locate", "--areas", f"{areas}:id", "--points", str(points)]
            + ["--out", str(out)],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        lines = run.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("libmatch locate: warning: "), lines
        assert "beyond 180" in lines[0] and "UserWarning" not in lines[0]
        assert out.exists()
        out.unlink()


def test_cli_stops_quietly_when_the_pipe_reader_leaves(tmp_path):
    areas = REPO / "data" / "municipalities.geojson"
    points = REPO / "data" / "farms.csv"
    args = ["-m", "libmatch", "locate", "--areas", f"{areas}:id", "--points", str(points)]
    proc = subprocess.Popen(
        [sys.executable, *args, "--counts", "--out", str(tmp_path / "located.csv")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # like `| head` that has read enough before the command prints
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait() == 141 and err == "", err


def test_core_stub_lists_every_public_name():
    import ast

    from libmatch import _core

    stub = ast.parse((REPO / "bindings" / "libmatch" / "_core.pyi").read_text())
    listed = next(
        node.value
        for node in stub.body
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "__all__"
    )
    in_stub = set(ast.literal_eval(listed))
    public = {n for n in dir(_core) if not n.startswith("_")}
    assert in_stub == public, "bindings/libmatch/_core.pyi is stale: regenerate it (see its header)"


def test_thread_count_arguments_are_checked_everywhere():
    import numpy as np
    import shapely

    cells = [shapely.box(i, 0, i + 1, 1) for i in range(4)]
    units = libmatch.AreaSet.from_wkb(shapely.to_wkb(cells), [f"u{i}" for i in range(4)])
    with pytest.raises(libmatch.InvalidInputError, match="threads must be >= 1"):
        libmatch.design_areas(units, np.ones(4), 2, threads=0)
    scenario = libmatch.Scenario(REPO / "data" / "scenario.json")
    with pytest.raises(libmatch.InvalidInputError, match="n_jobs must be >= 1"):
        libmatch.simulate_many(scenario, [0], n_jobs=0, progress=False)
