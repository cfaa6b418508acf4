"""Every input table libmatch reads, declared once.

A :class:`Table` lists its columns (:class:`Column`: name, kind, required, default, unit, meaning).
From that one declaration come

- reading (:meth:`Table.read`: DataFrame, CSV or any OGR point layer through
  :func:`libmatch._io.read_table`, text columns kept as strings),
- the column checks (:meth:`Table.check_columns`: required columns present; an unknown
  column close to a known one is an error naming both, since a silently ignored ``exlude``
  would drop a conflict of interest),
- cell parsing (:meth:`Table.parse`: one typed array or list per column, defaults filled
  in; a bad cell is an error naming the table, column, row and id, never the cell's value),
- the tables of ``docs/input_schema.md`` (``python -m libmatch.schema --markdown``).

Range rules (capacity >= 0, caseload <= capacity, radius >= 0, unique ids, finite
coordinates) are checked once, in C++ (``run_round``, ``validate_scenario``); this module only
turns cells into values. Adding a column is one :class:`Column` line in its table.

Kinds: ``id`` (non-empty string, stripped), ``text`` (string, "" when empty), ``list``
(``;``-separated strings, blanks dropped, duplicates removed, order kept), ``float``,
``int`` (whole numbers), ``bool`` (true/false, 1/0, yes/no), ``date`` (days since
1970-01-01).

Examples
--------
>>> from libmatch import schema
>>> "capacity" in schema.ADVISORS.names and "applicant_id" in schema.REQUESTS.names
True
"""

from __future__ import annotations

import difflib
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from . import _io
from .errors import InvalidInputError

__all__ = ["Column", "Table", "TABLES", "NO_DATE", "markdown"]

#: ``date`` value of an empty cell.
NO_DATE = int(np.iinfo(np.int64).min)

_KINDS = ("id", "text", "list", "float", "int", "bool", "date")
_TEXT_KINDS = ("id", "text", "list")
_TRUE = ("1", "true", "yes", "y", "t", "1.0")
_FALSE = ("", "0", "false", "no", "n", "f", "0.0")


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    ``default`` is the value of an empty cell or an absent optional column (``None``: no
    default, the cell must be filled). ``unit`` and ``meaning`` go into the documentation.
    """

    name: str
    kind: str
    required: bool = False
    default: Any = None
    unit: str = ""
    meaning: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _text(v: Any) -> str:
    """A cell as text. Ids are compared as text, and a numeric id column with gaps reaches
    pandas as floats: a whole float is written as the integer (55.0 -> "55")."""
    if _is_missing(v):
        return ""
    if isinstance(v, (float, np.floating)) and math.isfinite(v) and float(v).is_integer():
        return str(int(v))
    return str(v).strip()


def split_list(v: Any) -> list[str]:
    """``"a; b;a"`` -> ``["a", "b"]`` (a list or tuple is taken item by item; a single
    number, e.g. an advisor id 55.0 in a column with gaps, is one item "55")."""
    if _is_missing(v):
        return []
    if isinstance(v, str):
        items: Any = v.split(";")
    elif isinstance(v, (list, tuple)):
        items = v
    else:
        items = [v]
    return list(dict.fromkeys(t for t in map(_text, items) if t))


class Parsed:
    """The parsed cells of one table: ``parsed["capacity"]`` is an int64 array, a list
    column a list of lists, and so on; ``frame`` is the input (index reset), ``ids`` the
    id column (when the table has one)."""

    def __init__(self, table: Table, frame: pd.DataFrame, values: dict[str, Any]):
        self.table = table
        self.frame = frame
        self.values = values
        self.ids: list[str] | None = values.get(table.id_column) if table.id_column else None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __contains__(self, name: str) -> bool:
        return name in self.frame.columns

    def __len__(self) -> int:
        return len(self.frame)

    def xy(self) -> np.ndarray:
        """(n, 2) float64 of the ``x``, ``y`` columns."""
        return np.ascontiguousarray(
            np.column_stack([self.values["x"], self.values["y"]]).reshape(-1, 2), dtype=np.float64
        )


@dataclass(frozen=True)
class Table:
    """An input table: its columns and where it is used."""

    name: str
    title: str
    columns: tuple[Column, ...]
    intro: str = ""
    #: the id column named in messages (None: rows are named by number only)
    id_column: str | None = None
    #: what happens to undeclared columns (for the docs); a likely misspelling is an error
    extra_columns: str = "carried along and ignored"
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: other names users give a column (lower case -> declared name): an error naming the
    #: declared one, as for misspellings (e.g. the simulation's ``hours_per_case``)
    aliases: dict[str, str] = field(default_factory=dict)

    # -- declaration helpers --------------------------------------------------------------
    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def text_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.kind in _TEXT_KINDS]

    def select(self, names: Sequence[str], name: str, title: str, **changes: Any) -> Table:
        """A table made of some of these columns (same declarations), e.g. the advisors of
        the location study."""
        cols = tuple(self.column(n) for n in names)
        return replace(self, name=name, title=title, columns=cols, **changes)

    def with_columns(self, *columns: Column, **changes: Any) -> Table:
        """This table with ``columns`` replacing same-named ones, the others appended."""
        new = {c.name: c for c in columns}
        kept = [new.pop(c.name, c) for c in self.columns]
        return replace(self, columns=tuple(kept + list(new.values())), **changes)

    def with_id_column(self, name: str) -> Table:
        """This table with its id column renamed (``location_study(id_column=...)``)."""
        if name == self.id_column:
            return self
        cols = tuple(replace(c, name=name) if c.name == self.id_column else c for c in self.columns)
        return replace(self, columns=cols, id_column=name)

    # -- reading -------------------------------------------------------------------------
    def read(self, source: Any, what: str | None = None, crs: str | None = None) -> pd.DataFrame:
        """The table as a DataFrame (see :func:`libmatch._io.read_table`), columns checked."""
        what = what or self.name
        df = _io.read_table(source, what, self.text_columns, crs=crs)
        self.check_columns(df, what)
        return df.reset_index(drop=True)

    def check_columns(self, df: pd.DataFrame, what: str | None = None) -> None:
        what = what or self.name
        if df.columns.has_duplicates:
            dup = df.columns[df.columns.duplicated()][0]
            raise InvalidInputError(f"{what}: column '{dup}' appears twice")
        missing = [c for c in self.required if c not in df.columns]
        if missing:
            raise InvalidInputError(f"{what}: missing required column(s) {missing}")
        optional = [c.name for c in self.columns if not c.required]
        for col in df.columns:
            if col in self.names:
                continue
            alias = self.aliases.get(str(col).lower())
            close = (
                [alias]
                if alias
                else difflib.get_close_matches(str(col).lower(), optional, n=1, cutoff=0.8)
            )
            if close and close[0] not in df.columns:
                raise InvalidInputError(
                    f"{what}: unknown column '{col}' (did you mean '{close[0]}'?)"
                )

    # -- parsing -------------------------------------------------------------------------
    def parse(self, df: pd.DataFrame, what: str | None = None) -> Parsed:
        """Typed values of every declared column (absent optional columns: their default)."""
        what = what or self.name
        df = df.reset_index(drop=True)
        values: dict[str, Any] = {}
        ids = None
        if self.id_column and self.id_column in df.columns:
            ids = values[self.id_column] = self._ids(df, what)
        for c in self.columns:
            if c.name == self.id_column and ids is not None:
                continue
            values[c.name] = _Cells(df, c, what, ids).parse()
        return Parsed(self, df, values)

    def parse_column(self, df: pd.DataFrame, name: str, what: str | None = None) -> Any:
        """Typed values of one declared column (messages name rows, not ids)."""
        return _Cells(df.reset_index(drop=True), self.column(name), what or self.name, None).parse()

    def _ids(self, df: pd.DataFrame, what: str) -> list[str]:
        col = self.id_column
        out = [_text(v) for v in df[col]]
        for k, v in enumerate(out):
            if not v:
                raise InvalidInputError(f"{what}: empty {col} in row {k}")
        return out

    # -- documentation -------------------------------------------------------------------
    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        if self.intro:
            lines += [self.intro, ""]
        lines += [
            "| column | required | type | unit | default | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for c in self.columns:
            lines.append(
                f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.kind} | {c.unit or ''} | "
                f"{_doc_default(c)} | {c.meaning} |"
            )
        lines.append("")
        lines.append(f"Other columns are {self.extra_columns}.")
        if self.aliases:
            named = ", ".join(f"`{a}` (`{c}`)" for a, c in sorted(self.aliases.items()))
            lines += [
                "",
                "Names that look like a declared column's are an error naming it (a likely "
                f"misspelling, or another tool's name): {named}.",
            ]
        for n in self.notes:
            lines += ["", n]
        return "\n".join(lines) + "\n"


def _doc_default(c: Column) -> str:
    if c.required:
        return ""
    d = c.default
    if d is None:
        return "empty"
    if isinstance(d, float) and math.isinf(d):
        return "no limit"
    if isinstance(d, bool):
        return str(d).lower()
    if isinstance(d, float) and math.isnan(d):
        return "empty"
    return f"`{d}`"


class _Cells:
    """Parses one column; messages name table, column, row and id, never the cell value."""

    def __init__(self, df: pd.DataFrame, col: Column, what: str, ids: list[str] | None):
        self.df, self.col, self.what, self.ids = df, col, what, ids

    def where(self, k: int) -> str:
        who = f" (id '{self.ids[k]}')" if self.ids is not None else ""
        return f"{self.what}: {self.col.name} in row {k}{who}"

    def fail(self, k: int, expected: str) -> InvalidInputError:
        return InvalidInputError(f"{self.where(k)} {expected}")

    def parse(self) -> Any:
        c, n = self.col, len(self.df)
        if c.name in self.df.columns:
            return getattr(self, "_" + c.kind)(self.df[c.name])
        # an absent optional column: its default everywhere (required ones were checked)
        if c.kind in ("id", "text"):
            return [""] * n
        if c.kind == "list":
            return [[] for _ in range(n)]
        if c.kind == "date":
            return np.full(n, NO_DATE, dtype=np.int64)
        if c.kind == "bool":
            return np.full(n, bool(c.default), dtype=bool)
        if c.kind == "int":
            return np.full(n, c.default or 0, dtype=np.int64)
        return np.full(n, np.nan if c.default is None else c.default, dtype=np.float64)

    def _missing_mask(self, raw: pd.Series) -> np.ndarray:
        return np.fromiter(
            (_is_missing(v) or (isinstance(v, str) and not v.strip()) for v in raw),
            dtype=bool,
            count=len(raw),
        )

    def _empty_required(self, missing: np.ndarray) -> None:
        if self.col.default is None and missing.any():
            raise self.fail(int(np.flatnonzero(missing)[0]), "is empty")

    def _text(self, raw: pd.Series) -> list[str]:
        out = [_text(v) for v in raw]
        if self.col.required:
            for k, v in enumerate(out):
                if not v:
                    raise self.fail(k, "is empty")
        return out

    _id = _text

    def _list(self, raw: pd.Series) -> list[list[str]]:
        seen: dict[str, list[str]] = {}  # cells repeat a lot: split each text once
        out = []
        for v in raw:
            if isinstance(v, str):
                lst = seen.get(v)
                if lst is None:
                    lst = seen[v] = split_list(v)
                out.append(list(lst))
            else:
                out.append(split_list(v))
        return out

    def _numbers(self, raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        if raw.dtype.kind in "fiu":  # numeric already: missing = NaN (no per-cell loop)
            v = raw.to_numpy(float)
            missing = np.isnan(v)
        elif raw.dtype.kind in "bc":  # booleans (also pandas' nullable ones), complex: no numbers
            raise self.fail(0, "must be a number (the column holds booleans or complex numbers)")
        else:
            for k, cell in enumerate(raw):  # pandas would read True as 1, b"12" as 12
                if isinstance(cell, (bool, np.bool_, bytes, complex, np.complexfloating)):
                    raise self.fail(k, "must be a number")
            missing = self._missing_mask(raw)
            v = pd.to_numeric(raw.where(~missing), errors="coerce").to_numpy(float)
            v = np.where(missing, np.nan, v)
        bad = ~missing & np.isnan(v)
        if bad.any():
            raise self.fail(int(np.flatnonzero(bad)[0]), "must be a number")
        return v, missing

    def _float(self, raw: pd.Series) -> np.ndarray:
        v, missing = self._numbers(raw)
        self._empty_required(missing)
        return np.where(missing, np.nan if self.col.default is None else self.col.default, v)

    def _int(self, raw: pd.Series) -> np.ndarray:
        v, missing = self._numbers(raw)
        self._empty_required(missing)
        bad = ~missing & (~np.isfinite(v) | (v != np.round(v)) | (np.abs(v) >= 2.0**63))
        if bad.any():
            raise self.fail(int(np.flatnonzero(bad)[0]), "must be a whole number")
        v = np.where(missing, self.col.default or 0, v)
        return v.astype(np.int64)

    def _bool(self, raw: pd.Series) -> np.ndarray:
        out = np.zeros(len(raw), dtype=bool)
        for k, v in enumerate(raw):
            if isinstance(v, (bool, np.bool_)):
                out[k] = bool(v)
                continue
            t = _text(v).lower()
            if t == "":
                out[k] = bool(self.col.default)
            elif t in _TRUE:
                out[k] = True
            elif t not in _FALSE:
                raise self.fail(k, "must be true/false (also 1/0, yes/no)")
        return out

    def _date(self, raw: pd.Series) -> np.ndarray:
        missing = self._missing_mask(raw)
        out = np.full(len(raw), NO_DATE, dtype=np.int64)
        if missing.all():
            return out
        try:
            dates = pd.to_datetime(raw.where(~missing), errors="coerce")
        except (ValueError, TypeError, OverflowError):
            dates = pd.Series([_one_date(v) for v in raw.where(~missing)])
        bad = ~missing & dates.isna().to_numpy()
        if bad.any():
            raise self.fail(int(np.flatnonzero(bad)[0]), "is not a readable date (YYYY-MM-DD)")
        ok = ~missing
        out[ok] = (dates[ok] - pd.Timestamp("1970-01-01")).dt.days.to_numpy(np.int64)
        return out


def _one_date(v: Any) -> Any:
    try:
        return pd.to_datetime(v)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT


# ---- the tables ------------------------------------------------------------------------------

_X = Column("x", "float", True, unit="m", meaning="x coordinate (working CRS, projected metres)")
_Y = Column("y", "float", True, unit="m", meaning="y coordinate (working CRS, projected metres)")

REQUESTS = Table(
    name="applicants",
    title="Applicants (requests, *aanvragen*)",
    id_column="applicant_id",
    columns=(
        Column(
            "applicant_id",
            "id",
            True,
            meaning="one request per id: unique among the request rows (a repeated id is an "
            "error naming it). The request's row is its primary business location (travel, "
            "orientation area, module membership); **extra business locations are rows with "
            "`location_of`**.",
        ),
        replace(_X, meaning="business location, x (working CRS, metres)"),
        replace(_Y, meaning="business location, y"),
        Column(
            "service",
            "text",
            True,
            meaning="requested service (*dienst*), e.g. `procesmanager`, `zaakbegeleider`, "
            "`vabimpuls`, `nil_bio`; compared with the advisors' `service`. Alternatives "
            "separated by `;` (`zaakbegeleider;vabimpuls`) let the engine choose: the "
            "assignment's `service` is the chosen one (`services_requested` the list), and "
            "hours, price, slots and budgets follow the chosen service's catalogue entry. A "
            "request is referred only when every alternative is (with the first one's reason).",
        ),
        Column(
            "quantity",
            "int",
            default=1,
            unit="positions",
            meaning="positions (e.g. of a vacancy), an integer >= 1: up to this many matches, "
            "each with a different advisor (job seeker), never the same one twice (assignments "
            "`position` 1, 2, ...). Open positions of a request with matches are escalated as "
            "`unfilled_position` (`positions_open`). Cannot be combined with `pinned`.",
        ),
        Column("needs", "list", meaning="expertise tags needed (*hulpvraag*); empty = none."),
        Column("priority", "int", default=0, meaning="higher = more urgent."),
        Column(
            "exclude",
            "list",
            meaning="advisor ids with a conflict of interest (*belangenverstrengeling*). Ids "
            "not in the pool are ignored.",
        ),
        Column(
            "current_advisor",
            "text",
            meaning="the advisor now guiding the case (reassignments): a continuity "
            "preference; ignored when it is also in `exclude` (a 'no klik' case).",
        ),
        Column(
            "pinned",
            "bool",
            default=False,
            meaning="keep `current_advisor` when still eligible, else escalate as "
            "`pinned_advisor_unavailable`. Ignored without `current_advisor`.",
        ),
        Column(
            "registered",
            "date",
            meaning="registration date; decides which of two duplicates is the later one.",
        ),
        Column("farm_type", "text", meaning="informative only."),
        Column(
            "hours",
            "float",
            default=math.nan,
            unit="h",
            meaning="effort of this case, >= 0; empty = the service's `hours` in the catalogue "
            "(a heavy case overrides it).",
        ),
        Column(
            "cost_eur",
            "float",
            default=math.nan,
            unit="EUR",
            meaning="price of this case, >= 0; empty = the service's `cost_eur`.",
        ),
        Column(
            "applicant_key",
            "text",
            meaning="opaque applicant key (e.g. KvK or NWA number): matched against the "
            "register of running cases and other requests; never printed in messages.",
        ),
        Column(
            "via_case",
            "text",
            meaning="specialist requests (`via_advisor_only` services): the `applicant_key` of "
            "the running case this request belongs to.",
        ),
        Column(
            "location_of",
            "text",
            meaning="this row is an extra business location of the request with this "
            "`applicant_id` (not a request of its own; its own `applicant_id` is that id or a "
            "label that is no request's id; its other cells are checked but not used). Extra "
            "locations count for duplicates and the register.",
        ),
    ),
)

ADVISORS = Table(
    name="advisors",
    title="Advisors (*begeleiders*)",
    id_column="advisor_id",
    columns=(
        Column("advisor_id", "id", True, meaning="unique; a duplicate is an error naming it."),
        replace(_X, meaning="base location, x"),
        replace(_Y, meaning="base location, y"),
        Column(
            "service",
            "text",
            True,
            meaning="the service the advisor works for; several separated by `;` (`wmo;jeugd`, "
            "a multi-service pool): `capacity` and `capacity_hours` are shared across them.",
        ),
        Column("expertise", "list", meaning="expertise tags."),
        Column("capacity", "int", True, unit="cases", meaning="maximum simultaneous cases, >= 0."),
        Column(
            "caseload",
            "int",
            default=0,
            unit="cases",
            meaning="current cases, `0 <= caseload <= capacity`; cases of this round are added "
            "on top (a simulation starts with this many running cases).",
        ),
        Column(
            "radius_km",
            "float",
            default=math.inf,
            unit="km",
            meaning="action radius (*actieradius*) in km of travel, >= 0.",
        ),
        Column(
            "radius_minutes",
            "float",
            default=math.inf,
            unit="min",
            meaning="action radius in travel minutes, >= 0. Both apply when both are given.",
        ),
        Column(
            "areas",
            "list",
            meaning="orientation areas (*oriëntatiegebieden*) the advisor works in: ids of the "
            "`areas` layer (an unknown id is an `UnknownIdError`). Empty = works anywhere.",
        ),
        Column(
            "capacity_hours",
            "float",
            default=math.inf,
            unit="h",
            meaning="hours available in total (running and new cases), >= 0; empty = no hour "
            "limit. Both `capacity` (cases) and hours apply when both are given.",
        ),
        Column(
            "hours_booked",
            "float",
            default=0.0,
            unit="h",
            meaning="hours taken by running cases, `0 <= hours_booked <= capacity_hours`.",
        ),
    ),
    aliases={
        "hours_capacity": "capacity_hours",  # the name in RoundResult.loads
        "hours_available": "capacity_hours",
        "booked_hours": "hours_booked",
        "hours_before": "hours_booked",  # RoundResult.loads
    },
)

SERVICES = Table(
    name="services",
    title="Service catalogue (`match(..., services=)`, `libmatch round --services`)",
    id_column="service",
    intro="One row per service (*dienst*, product). With a catalogue every service named by a "
    "request, an advisor or the register must be in it (else `UnknownIdError` naming the row "
    "and id); without one every service counts one hour per case, free and unlimited.",
    columns=(
        Column("service", "id", True, meaning="the service id used in requests and advisors."),
        Column(
            "hours",
            "float",
            default=1.0,
            unit="h",
            meaning="effort per case, >= 0 (a request's `hours` overrides it).",
        ),
        Column(
            "cost_eur",
            "float",
            default=0.0,
            unit="EUR",
            meaning="price per case, >= 0 (a request's `cost_eur` overrides it); money counts in "
            "whole cents (prices round to the cent, budgets down to it).",
        ),
        Column(
            "max_cases",
            "float",
            default=math.inf,
            unit="cases",
            meaning="slots left for new cases (e.g. 30 viability studies), a whole number >= 0; "
            "empty = unlimited.",
        ),
        Column(
            "budget_eur",
            "float",
            default=math.inf,
            unit="EUR",
            meaning="money left for this service, >= 0; empty = unlimited.",
        ),
        Column(
            "travel_in_hours",
            "bool",
            default=False,
            meaning="the round trip of each visit (advisor base <-> primary location, travel "
            "minutes x 2) is part of the effort (`hours` *including* travel).",
        ),
        Column(
            "visits",
            "float",
            default=1.0,
            unit="visits",
            meaning="visits per case, >= 0 (with `travel_in_hours`).",
        ),
        Column(
            "portfolio",
            "text",
            meaning="who in the working group owns the service (the report groups by it).",
        ),
        Column(
            "referral_only",
            "bool",
            default=False,
            meaning="never served by this pool: requests are referred (`out_of_scope`) to "
            "`refer_to`.",
        ),
        Column("refer_to", "text", meaning="destination of referrals (informative text)."),
        Column(
            "offered_in",
            "list",
            meaning="ids of the membership layer (`service_areas=`, else `areas`) where the "
            "service is offered; empty = everywhere. Requests from elsewhere are referred "
            "(`not_in_module`).",
        ),
        Column(
            "via_advisor_only",
            "bool",
            default=False,
            meaning="specialists: engaged only through a running case (`via_case`); requests "
            "without one are escalated `no_open_case`.",
        ),
    ),
    aliases={
        "hours_per_case": "hours",
        "effort": "hours",
        "effort_hours": "hours",
        "cost": "cost_eur",
        "price": "cost_eur",
        "price_eur": "cost_eur",
        "cost_per_case": "cost_eur",
        "slots": "max_cases",
        "max_slots": "max_cases",
        "budget": "budget_eur",
    },
)

REGISTER = Table(
    name="register",
    title="Register of running cases (`match(..., register=)`, `libmatch round --register`)",
    intro="A request whose `applicant_key`, or whose location within `duplicate_tolerance_m`, "
    "matches a running case is escalated `already_in_guidance` (unless it reassigns that case).",
    columns=(
        Column(
            "applicant_key",
            "text",
            meaning="opaque applicant key of the running case; empty = match by location only.",
        ),
        Column("advisor_id", "text", True, meaning="the advisor guiding the case."),
        Column("service", "text", True, meaning="the service of the running case."),
        Column("x", "float", default=math.nan, unit="m", meaning="location, x; empty = unknown."),
        Column("y", "float", default=math.nan, unit="m", meaning="location, y; empty = unknown."),
    ),
)

LOCATIONS = Table(
    name="locations",
    title="Scenario locations (the pool arrivals are drawn from)",
    columns=(
        _X,
        _Y,
        Column(
            "farm_type",
            "text",
            meaning="weights arrivals with a stream's `farm_types` (needed only then).",
        ),
    ),
    extra_columns="carried along; a stream's `where` filter may use any of them",
)

REPLAY = Table(
    name="replay",
    title="Scenario replay (dated requests)",
    id_column=None,
    columns=(
        Column(
            "applicant_id",
            "text",
            meaning="a request; rows with `location_of` (or, without that column, repeated "
            "ids) are further business locations of it.",
        ),
        _X,
        _Y,
        Column("service", "text", True, meaning="one of the scenario's `services`."),
        Column(
            "week",
            "int",
            unit="week",
            meaning="arrival week (0 = the first); without it: `registered` and the "
            "scenario's `start_date`.",
        ),
        Column("registered", "date", meaning="registration date (with `start_date`)."),
        Column("needs", "list", meaning="expertise tags needed."),
        Column("priority", "int", default=0, meaning="higher = more urgent."),
        Column(
            "duration_weeks",
            "float",
            default=math.nan,
            unit="weeks",
            meaning="case duration; empty = drawn from the service's distribution.",
        ),
        Column("referred", "bool", default=False, meaning="referred elsewhere on arrival."),
        Column(
            "exclude",
            "list",
            meaning="advisor ids with a conflict of interest, honoured as in the round (ids "
            "not in the scenario are ignored).",
        ),
        Column(
            "current_advisor",
            "text",
            meaning="the advisor already guiding the entrepreneur: continuity preference for "
            "the first match (and the advisor to keep with `pinned`).",
        ),
        Column(
            "pinned",
            "bool",
            default=False,
            meaning="the first match must be `current_advisor`; unavailable: the request "
            "waits and escalates as `pinned_advisor_unavailable`.",
        ),
        Column(
            "hours",
            "float",
            default=math.nan,
            unit="h",
            meaning="effort of this case; empty = the service's `hours_per_case`.",
        ),
        Column(
            "cost_eur",
            "float",
            default=math.nan,
            unit="EUR",
            meaning="price of this case; empty = the service's `cost_eur`.",
        ),
        Column("segment", "text", meaning="segment label (KPIs by segment)."),
        Column(
            "location_of",
            "text",
            meaning="this row is a further business location of the request with this "
            "`applicant_id` (as in the round); without the column, repeated ids are further "
            "locations of their first row.",
        ),
    ),
    notes=(
        "`applicant_key` and `via_case` (rules of the round's register) are refused with an "
        "error: the simulation keeps its own register of running cases.",
    ),
)

STUDY_LOCATIONS = Table(
    name="locations",
    title="Location study: locations",
    id_column="applicant_id",
    intro="`location_study(locations, layers, advisors=None, ...)`; the id column may be renamed "
    "with `id_column=`. A GeoDataFrame of points may replace `x`/`y`.",
    columns=(
        Column(
            "applicant_id",
            "id",
            True,
            meaning="rows sharing an id are one request; its first row is the primary location.",
        ),
        _X,
        _Y,
    ),
    extra_columns="ignored, except `location_of` (the matching round's extra locations); they "
    "are not copied, but the result keeps the input's index to join them back",
)

STUDY_ADVISORS = ADVISORS.select(
    ("advisor_id", "x", "y", "radius_km", "radius_minutes"),
    name="advisors",
    title="Location study: advisors",
    intro="At least one of `radius_km`, `radius_minutes` is needed.",
)

POINTS = Table(
    name="points",
    title="Points (`libmatch locate`, `libmatch design --demand-points`)",
    columns=(_X, _Y),
    intro="CSV or any OGR point layer; `locate --x/--y` choose other coordinate columns.",
    extra_columns="carried along (`locate` writes them back with `area_id`)",
)

DESIGN_ADVISORS = Table(
    name="advisors",
    title="Area design: advisors (`design_areas(..., advisors=)`)",
    columns=(
        replace(_X, meaning="base location, x"),
        replace(_Y, meaning="base location, y"),
        Column(
            "capacity",
            "float",
            unit="cases",
            meaning="capacity of the advisor, > 0 (areas are balanced against the summed "
            "capacity); without the column every advisor counts 1.",
        ),
        Column(
            "capacity_hours",
            "float",
            unit="hours",
            meaning="advisor hours per year, > 0; when present it is the capacity (instead "
            "of `capacity`) and demand is read as expected hours (see `demand_hours`).",
        ),
        Column(
            "radius_km",
            "float",
            unit="km",
            meaning="action radius, > 0 (empty: no limit); `evaluate_plan` reports the share of each area's "
            "demand farther (straight line, or the travel model's km) than every radius of "
            "the area's advisors.",
        ),
    ),
)

#: Every input table, in documentation order. The column order of REQUESTS and ADVISORS is
#: the layout of the bundled CSVs (tools/generate_data.py; checked in tests/python/test_schema.py).
TABLES: dict[str, Table] = {
    "requests": REQUESTS,
    "advisors": ADVISORS,
    "services": SERVICES,
    "register": REGISTER,
    "locations": LOCATIONS,
    "replay": REPLAY,
    "study_locations": STUDY_LOCATIONS,
    "study_advisors": STUDY_ADVISORS,
    "points": POINTS,
    "design_advisors": DESIGN_ADVISORS,
}


# ---- documentation ---------------------------------------------------------------------------

_BEGIN = "<!-- BEGIN GENERATED TABLES: python -m libmatch.schema --markdown -->"
_END = "<!-- END GENERATED TABLES -->"


def markdown(tables: Iterable[Table] | None = None) -> str:
    """The column tables of ``docs/input_schema.md`` (between the generated-section marks)."""
    tables = list(TABLES.values()) if tables is None else list(tables)
    body = "\n".join(t.markdown() for t in tables) + "\n" + _options_markdown()
    kinds = (
        "Types: `id` (non-empty string), `text` (string), `list` (`;`-separated strings, "
        "blanks around items ignored), `float`, `int` (whole number), `bool` (`true`/`false`, "
        "`1`/`0`, `yes`/`no`), `date` (`YYYY-MM-DD`). A bad cell is an `InvalidInputError` "
        "naming the table, column, row (counted from 0) and id, never the cell's value."
    )
    return f"{_BEGIN}\n\n{kinds}\n\n{body}\n{_END}\n"


def _options_markdown() -> str:
    """Tables of the bound option classes: field, C++ default, meaning and unit."""
    from . import _core

    out = []
    for cls, title in (
        (_core.Weights, "Weights (`libmatch.Weights`, soft costs in points)"),
        (_core.Rules, "Rules (`libmatch.Rules`, hard-rule switches)"),
        (_core.DesignWeights, "Design weights (`libmatch.DesignWeights`)"),
        (_core.DesignOptions, "Design options (`libmatch.DesignOptions`)"),
    ):
        default = cls()
        out += [f"## {title}", "", "| field | default | meaning |", "|---|---|---|"]
        for name in cls._fields:
            value = getattr(default, name)
            shown = str(value).lower() if isinstance(value, bool) else f"{value!r}"
            doc = " ".join((getattr(cls, name).__doc__ or "").split())
            out.append(f"| `{name}` | `{shown}` | {doc} |")
        out.append("")
    return "\n".join(out)


def update_document(text: str) -> str:
    """``text`` (the whole document) with its generated section replaced."""
    if _BEGIN not in text or _END not in text:
        raise InvalidInputError("document has no generated-table markers")
    head = text[: text.index(_BEGIN)]
    tail = text[text.index(_END) + len(_END) :].lstrip("\n")
    return head + markdown() + ("\n" + tail if tail else "")


def _main(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m libmatch.schema")
    p.add_argument("--markdown", action="store_true", help="print the generated tables")
    p.add_argument("--update", metavar="FILE", help="rewrite the generated section of FILE")
    args = p.parse_args(argv)
    if args.update:
        with open(args.update, encoding="utf-8") as f:
            text = f.read()
        with open(args.update, "w", encoding="utf-8") as f:
            f.write(update_document(text))
        return 0
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
