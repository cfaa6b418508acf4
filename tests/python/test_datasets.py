"""The bundled data set installed with the package, and every module's doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import libmatch
import libmatch.datasets as ds

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ds.names())
def test_every_bundled_file_is_installed_and_identical(name):
    p = ds.path(name)
    assert p.is_file()
    assert p.read_bytes() == (ROOT / "data" / p.relative_to(ds.directory())).read_bytes()


def test_bundled_data_is_the_package_copy():
    # The package's own copy, not the checkout's data/ (what a pip install has).
    assert ds.directory() == Path(libmatch.__file__).resolve().parent / "data"


def test_unknown_name_is_a_clear_error():
    with pytest.raises(libmatch.UnknownIdError, match="municipalities"):
        ds.path("gemeenten")
    with pytest.raises(libmatch.InvalidTypeError, match="name must be a str"):
        ds.path(["farms"])


def test_the_coaching_programme_of_notebook_06_is_installed():
    import json

    prog = json.loads(ds.path("coaching").read_text(encoding="utf-8"))
    assert (ds.path("coaching").parent / prog["this_week"]) == ds.path("coaching_requests")
    res = libmatch.match(
        ds.path("coaching_requests"),
        ds.path("coaching_providers"),
        services=ds.path("coaching_services"),
        budget_eur=prog["budget_eur"],
    )
    assert len(res) == len(
        pd.read_csv(ds.path("coaching_requests")).drop_duplicates("applicant_id")
    )


def test_bundled_files_load():
    areas = libmatch.read_areas(ds.path("municipalities"), "id")
    assert len(areas) > 10
    sc = libmatch.Scenario(ds.path("scenario"))
    assert sc is not None


def test_run_demo_works_without_a_clone(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "libmatch.cli", "run-demo", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "assignments.csv").is_file()
    assert (tmp_path / "out" / "report.html").is_file()


MODULES = sorted(
    m.name
    for m in pkgutil.iter_modules(libmatch.__path__, "libmatch.")
    if not m.name.endswith("_core")
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_kpi_columns_documented_with_units():
    import libmatch.kpis as kpis

    r = libmatch.simulate(ds.path("scenario"), 0, details=False)
    assert list(r.weekly.columns) == list(kpis.WEEKLY)
    assert list(r.summary) == list(kpis.SUMMARY)
    many = libmatch.simulate_many({"s": ds.path("scenario")}, [0], progress=False)
    assert set(kpis.SUMMARY) <= set(many.columns)
    for unit, meaning in [*kpis.WEEKLY.values(), *kpis.SUMMARY.values()]:
        assert unit and meaning
    assert (ROOT / "docs" / "kpis.md").read_text() == kpis.markdown() + "\n"


PUBLIC_MODULES = [
    "areas",
    "audit",
    "datasets",
    "design",
    "errors",
    "flow",
    "kpis",
    "layers",
    "matching",
    "report",
    "schema",
    "simulation",
    "study",
    "terms",
    "travel",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_module_has_examples(name):
    mod = importlib.import_module(f"libmatch.{name}")
    examples = sum(len(t.examples) for t in doctest.DocTestFinder().find(mod))
    assert examples > 0, f"libmatch.{name} has no docstring example"
