"""Builds a notebook (.ipynb) from a plain Python script with `# %%` cell markers.

Markdown cells start with `# %% [markdown]` and their lines are `# `-prefixed comments.
Usage: python tools/make_notebook.py notebooks/src/01_x.py notebooks/01_x.ipynb
Keeps notebooks reviewable as scripts; the .ipynb is what users open.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def convert(src: Path, dst: Path) -> None:
    cells, kind, lines = [], None, []

    def flush():
        if kind is None:
            return
        text = "\n".join(lines).strip("\n")
        if kind == "markdown":
            text = "\n".join(
                ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in text.splitlines()
            )
            cells.append(nbformat.v4.new_markdown_cell(text))
        elif text:
            cells.append(nbformat.v4.new_code_cell(text))

    for line in src.read_text().splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        else:
            lines.append(line)
    flush()
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, dst)


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
