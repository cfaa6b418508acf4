"""Every notebook in notebooks/ runs headless, top to bottom, without errors; its figures are
really shown; and each .ipynb is exactly what its script in notebooks/src/ converts to."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOURCES = sorted((ROOT / "notebooks" / "src").glob("*.py"))


def _converter():
    spec = importlib.util.spec_from_file_location(
        "make_notebook", ROOT / "tools" / "make_notebook.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.convert


def _cells(nb):
    return [(c.cell_type, c.source) for c in nb.cells]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def test_every_notebook_has_its_source_script():
    assert {p.stem for p in NOTEBOOKS} == {p.stem for p in SOURCES}


@pytest.mark.parametrize("src", SOURCES, ids=[p.stem for p in SOURCES])
def test_notebook_matches_its_script(src: Path, tmp_path: Path):
    convert = _converter()
    fresh = tmp_path / "x.ipynb"
    convert(src, fresh)
    want = _cells(nbformat.read(fresh, as_version=4))
    have = _cells(nbformat.read(src.parent.parent / f"{src.stem}.ipynb", as_version=4))
    assert have == want, (
        f"regenerate: python tools/make_notebook.py {src} notebooks/{src.stem}.ipynb"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path, monkeypatch):
    # The kernel must use Jupyter's inline backend, as an analyst's does: a forced Agg
    # backend (make exports MPLBACKEND=Agg for scripts) would silently show nothing.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    for c in nb.cells:
        if c.cell_type == "code" and "plt.show()" in c.source:
            images = [o for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
            assert images, f"a figure cell of {path.name} shows no image:\n{c.source[:200]}"
