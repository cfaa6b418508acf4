"""Reading CSV arguments and preparing outputs for the command line: every failure becomes a
libmatch error naming the file (and column or row), never echoing a cell value."""

from __future__ import annotations

import csv
import os
from typing import Any

import numpy as np
import pandas as pd

from .errors import FileError, FileMissingError, InvalidInputError


def read_csv(path: str | os.PathLike, what: str, **kwargs: Any) -> pd.DataFrame:
    """``pd.read_csv(path)`` with FileMissingError / FileError / InvalidInputError naming
    ``what`` and the file instead of pandas' and the OS's own exceptions."""
    p = os.fspath(path)
    where = f"{what} file {p!r}"
    if not os.path.exists(p):
        raise FileMissingError(f"{where} does not exist")
    if os.path.isdir(p):
        raise FileError(f"{where} is a directory, not a CSV file")
    try:
        return pd.read_csv(p, **kwargs)
    except pd.errors.EmptyDataError:
        raise InvalidInputError(f"{where} is empty (no header row)") from None
    except pd.errors.ParserError as exc:
        # pandas: "Error tokenizing data. C error: Expected 2 fields in line 3, saw 4"
        detail = str(exc).split("C error: ")[-1].strip()
        raise InvalidInputError(f"{where} is not a valid CSV ({detail})") from None
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{where} is not UTF-8 text (undecodable byte at offset {exc.start})"
        ) from None
    except csv.Error as exc:
        raise InvalidInputError(f"{where} is not a valid CSV ({exc})") from None
    except OSError as exc:
        raise FileError(f"cannot read {where}: {exc.strerror or type(exc).__name__}") from None


def xy_columns(df: pd.DataFrame, x: str, y: str, what: str) -> np.ndarray:
    """The (n, 2) float64 coordinates of columns ``x``, ``y``; a missing column or a
    non-numeric cell raises InvalidInputError naming the column and the row (0-based data
    row). Empty cells become NaN (outside every area)."""
    for c in (x, y):
        if c not in df.columns:
            raise InvalidInputError(f"{what}: missing column {c!r} (columns: {list(df.columns)})")
    cols = []
    for c in (x, y):
        v = pd.to_numeric(df[c], errors="coerce")
        bad = v.isna().to_numpy() & df[c].notna().to_numpy()
        if bad.any():
            rows = np.flatnonzero(bad)[:5].tolist()
            raise InvalidInputError(f"{what}: column {c!r} is not numeric in row(s) {rows}")
        cols.append(v.to_numpy(dtype=float))
    return np.ascontiguousarray(np.column_stack(cols)) if cols else np.empty((0, 2))


def output_file(path: str | os.PathLike, what: str = "output") -> str:
    """Creates the parent directory of an output file; FileError names the path when it
    cannot be created or when ``path`` is an existing directory."""
    p = os.fspath(path)
    if os.path.isdir(p):
        raise FileError(f"{what} {p!r} is a directory; give a file name")
    output_dir(os.path.dirname(os.path.abspath(p)) or ".", what)
    return p


def output_dir(path: str | os.PathLike, what: str = "output directory") -> str:
    """``os.makedirs(path, exist_ok=True)`` with FileError naming the path."""
    p = os.fspath(path)
    try:
        os.makedirs(p, exist_ok=True)
    except OSError as exc:
        raise FileError(
            f"cannot create {what} {p!r}: {exc.strerror or type(exc).__name__}"
        ) from None
    if not os.access(p, os.W_OK):
        raise FileError(f"{what} {p!r} is not writable")
    return p
