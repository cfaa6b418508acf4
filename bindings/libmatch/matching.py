"""The weekly matching round: which advisor (begeleider) takes which request (aanvraag).

:func:`match` applies the hard rules (service, expertise, conflicts of interest, radius,
capacity), prices every eligible pair with the soft costs of :class:`Weights`, solves the
whole round exactly (min-cost transportation, ``libmatch.solve_transport`` in C++) and
returns a :class:`RoundResult`: assignments with their cost components, runner-up
alternatives, escalations with a reason, advisor loads, and ``explain(applicant_id)``.

The input schema is documented in ``docs/input_schema.md``.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .areas import AreaSet, read_areas
from .errors import CrsError, FileError, InvalidInputError, InvalidTypeError, UnknownIdError

__all__ = [
    "Weights",
    "Rules",
    "RoundResult",
    "match",
    "read_table",
    "ESCALATION_REASONS",
    "COST_COMPONENTS",
]

#: Escalation reasons, in the order they are decided (see :func:`match`).
ESCALATION_REASONS = (
    "duplicate_request",
    "pinned_advisor_unavailable",
    "no_advisor_for_service",
    "no_expertise",
    "all_excluded",
    "all_out_of_radius",
    "no_capacity",
)
#: Cost components reported per (request, advisor) pair, in points; total is their sum.
COST_COMPONENTS = ("travel", "outside_area", "partial_expertise", "radius", "continuity", "load")

_REASON_NAMES = list(_core.ESCALATION_REASONS)
_VERDICT_NAMES = list(_core.VERDICTS)
_NO_DATE = np.iinfo(np.int64).min

APPLICANT_COLUMNS = {
    "required": ("applicant_id", "x", "y", "service"),
    "optional": (
        "needs",
        "priority",
        "exclude",
        "current_advisor",
        "pinned",
        "registered",
        "farm_type",
    ),
}
ADVISOR_COLUMNS = {
    "required": ("advisor_id", "x", "y", "service", "capacity"),
    "optional": ("expertise", "caseload", "radius_km", "radius_minutes", "areas"),
}


@dataclass
class Weights:
    """Soft-cost weights of a round, in *points*; one point = one minute of travel at the
    default ``travel_per_minute``. Costs are rounded to 0.01 point (integers internally), so
    the optimum is exact.

    Attributes
    ----------
    travel_per_minute : float, default 1.0
        Points per travel minute from the advisor's base to the primary business location
        (travel model: default straight line x1.3 at 60 km/h).
    outside_area : float, default 30.0
        Points when the primary location lies in none of the advisor's orientation areas
        (never charged for advisors without ``areas`` or rounds without ``areas=``).
    partial_expertise_per_tag : float, default 60.0
        Points per needed expertise tag the advisor lacks (``Rules.allow_partial_expertise``).
    load : float, default 60.0
        Convex workload cost: the case that brings an advisor to utilisation
        ``u = caseload_after / capacity`` costs ``load * u**2`` points, so work spreads.
    continuity : float, default 45.0
        Points for every advisor other than the request's ``current_advisor`` (not charged
        when there is none, or when the current advisor is in ``exclude``: a no-klik case).
    radius_penalty, radius_penalty_per_minute, radius_penalty_per_km : float, 120, 2, 2
        Soft radius (``Rules.radius_hard=False``): fixed points beyond the radius plus points
        per minute / km beyond ``radius_minutes`` / ``radius_km``.
    unassigned_base : float, default -1 (automatic)
        Cost of escalating a request. Negative = one point above the dearest candidate
        assignment, so nobody is escalated while an eligible advisor has room.
    unassigned_per_priority : float, default 200.0
        Extra escalation cost per priority level (``max(priority, 0)``): scarce capacity
        goes to urgent requests first.
    """

    travel_per_minute: float = 1.0
    outside_area: float = 30.0
    partial_expertise_per_tag: float = 60.0
    load: float = 60.0
    continuity: float = 45.0
    radius_penalty: float = 120.0
    radius_penalty_per_minute: float = 2.0
    radius_penalty_per_km: float = 2.0
    unassigned_base: float = -1.0
    unassigned_per_priority: float = 200.0


@dataclass
class Rules:
    """Hard-rule switches of a round.

    Attributes
    ----------
    radius_hard : bool, default True
        Requests beyond an advisor's ``radius_km`` / ``radius_minutes`` are ineligible;
        False = eligible at ``Weights.radius_penalty``.
    allow_partial_expertise : bool, default False
        True = an advisor with at least one of the needed tags stays eligible and pays
        ``Weights.partial_expertise_per_tag`` per missing tag.
    duplicate_tolerance_m : float, default 25.0
        Two requests with business locations this close are one case ("no double
        engagement"); the later ``registered`` (else the larger ``applicant_id``) is escalated
        as ``duplicate_request``. 0 disables the check.
    max_travel_minutes : float, default inf
        Hard cap on travel for every pair (also with a soft radius).
    alternatives : int, default 3
        Runner-up advisors reported per assignment.
    threads : int, default 0
        Worker threads (0 = all cores); results never depend on it.
    """

    radius_hard: bool = True
    allow_partial_expertise: bool = False
    duplicate_tolerance_m: float = 25.0
    max_travel_minutes: float = math.inf
    alternatives: int = 3
    threads: int = 0


# ---- input tables --------------------------------------------------------------------------

_GEO_EXT = (".geojson", ".json", ".gpkg", ".shp", ".fgb", ".parquet")
_STR_COLUMNS = (
    "applicant_id",
    "advisor_id",
    "service",
    "needs",
    "expertise",
    "exclude",
    "current_advisor",
    "areas",
    "farm_type",
)


def read_table(source: Any, what: str = "table") -> pd.DataFrame:
    """A DataFrame from a DataFrame, GeoDataFrame (points become ``x``/``y``) or a file path
    (CSV; vector formats through geopandas). Id and tag columns are read as strings."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.exists(path):
            from .errors import FileMissingError

            raise FileMissingError(f"{what}: file not found: {path}")
        if path.lower().endswith(_GEO_EXT):
            import geopandas as gpd

            source = gpd.read_file(path)
        else:
            return pd.read_csv(path, dtype=dict.fromkeys(_STR_COLUMNS, str), keep_default_na=True)
    if not isinstance(source, pd.DataFrame):
        raise InvalidTypeError(
            f"{what} must be a DataFrame, GeoDataFrame or file path, got {type(source).__name__}"
        )
    if hasattr(source, "geometry") and hasattr(source, "crs") and "geometry" in source:
        geom = source.geometry
        df = pd.DataFrame(source.drop(columns=source.geometry.name))
        if len(geom) and not (geom.geom_type == "Point").all():
            raise InvalidInputError(f"{what}: every geometry must be a Point")
        if "x" not in df and "y" not in df:
            df["x"] = geom.x.to_numpy(float) if len(geom) else np.empty(0)
            df["y"] = geom.y.to_numpy(float) if len(geom) else np.empty(0)
        return df
    return source


def _reproject_geo(source: Any, crs: str) -> Any:
    """GeoDataFrames that declare a CRS are reprojected to the working CRS."""
    if hasattr(source, "to_crs") and getattr(source, "crs", None) is not None:
        return source.to_crs(crs)
    return source


def _check_columns(df: pd.DataFrame, spec: dict, what: str) -> None:
    missing = [c for c in spec["required"] if c not in df.columns]
    if missing:
        raise InvalidInputError(f"{what}: missing required column(s) {missing}")
    known = set(spec["required"]) | set(spec["optional"])
    for col in df.columns:
        if col in known:
            continue
        # Other columns are carried along and ignored, except likely misspellings of a rule
        # column (a silently ignored 'exlude' would violate conflicts of interest).
        close = difflib.get_close_matches(str(col).lower(), spec["optional"], n=1, cutoff=0.8)
        if close and close[0] not in df.columns:
            raise InvalidInputError(f"{what}: unknown column '{col}' (did you mean '{close[0]}'?)")


def _ids(series: pd.Series, what: str, col: str) -> list[str]:
    if series.isna().any():
        raise InvalidInputError(
            f"{what}: empty {col} in row(s) {list(np.flatnonzero(series.isna().to_numpy())[:5])}"
        )
    out = [str(v).strip() for v in series]
    for k, v in enumerate(out):
        if not v:
            raise InvalidInputError(f"{what}: empty {col} in row {k}")
    return out


def _split(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    return [p.strip() for p in str(value).split(";") if p.strip()]


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _bool(value: Any, what: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    t = _text(value).lower()
    if t in ("", "0", "false", "no", "n", "f", "0.0"):
        return False
    if t in ("1", "true", "yes", "y", "t", "1.0"):
        return True
    raise InvalidInputError(f"{what}: pinned must be true/false, got '{t}'")


def _coords(df: pd.DataFrame, ids: list[str], what: str) -> np.ndarray:
    try:
        xy = np.column_stack(
            [pd.to_numeric(df["x"]).to_numpy(float), pd.to_numeric(df["y"]).to_numpy(float)]
        )
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"{what}: x and y must be numeric ({exc})") from None
    bad = ~np.isfinite(xy).all(axis=1)
    if bad.any():
        raise InvalidInputError(
            f"{what}: missing or non-finite coordinates for id(s) "
            f"{sorted({ids[k] for k in np.flatnonzero(bad)})[:10]}"
        )
    return np.ascontiguousarray(xy.reshape(-1, 2))


def _int_column(df: pd.DataFrame, col: str, ids: list[str], what: str, default: int | None):
    if col not in df:
        if default is None:
            raise InvalidInputError(f"{what}: missing required column ['{col}']")
        return np.full(len(df), default, dtype=np.int64)
    v = pd.to_numeric(df[col], errors="coerce").to_numpy(float)
    raw_missing = df[col].isna().to_numpy()
    bad = (~raw_missing & ~np.isfinite(v)) | (np.isfinite(v) & (v != np.round(v)))
    if default is None:
        bad |= raw_missing
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(
            f"{what}: {col} of '{ids[k]}' must be an integer, got '{df[col].iloc[k]}'"
        )
    v = np.where(raw_missing, default if default is not None else 0, v)
    return v.astype(np.int64)


def _radius(df: pd.DataFrame, col: str, ids: list[str], what: str) -> np.ndarray:
    if col not in df:
        return np.full(len(df), np.inf)
    v = pd.to_numeric(df[col], errors="coerce").to_numpy(float)
    bad = ~df[col].isna().to_numpy() & (np.isnan(v) | (v < 0))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(f"{what}: {col} of advisor '{ids[k]}' must be a number >= 0")
    return np.where(np.isnan(v), np.inf, v)


def _csr(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    off = np.zeros(len(lists) + 1, dtype=np.int64)
    off[1:] = np.cumsum([len(x) for x in lists])
    vals = np.fromiter((v for x in lists for v in x), dtype=np.int64, count=int(off[-1]))
    return off, vals


@dataclass
class _Prepared:
    """Dense arrays for _core.match_round plus the tables the outputs are built from."""

    req_ids: list[str]
    req_rows: pd.DataFrame  # first row per applicant
    adv_ids: list[str]
    advisors: pd.DataFrame
    services: list[str]
    args: dict = field(default_factory=dict)


def _prepare(applicants: Any, advisors: Any, area_set: AreaSet | None) -> _Prepared:
    crs = area_set.crs if area_set is not None else "EPSG:28992"
    app = read_table(_reproject_geo(applicants, crs), "applicants")
    adv = read_table(_reproject_geo(advisors, crs), "advisors")
    _check_columns(app, APPLICANT_COLUMNS, "applicants")
    _check_columns(adv, ADVISOR_COLUMNS, "advisors")

    # Advisors.
    adv = adv.reset_index(drop=True)
    adv_ids = _ids(adv["advisor_id"], "advisors", "advisor_id")
    seen: dict[str, int] = {}
    for k, a in enumerate(adv_ids):
        if a in seen:
            raise InvalidInputError(f"advisors: duplicate advisor_id '{a}'")
        seen[a] = k
    adv_xy = _coords(adv, adv_ids, "advisors")
    capacity = _int_column(adv, "capacity", adv_ids, "advisors", None)
    caseload = _int_column(adv, "caseload", adv_ids, "advisors", 0)
    for k, a in enumerate(adv_ids):
        if capacity[k] < 0:
            raise InvalidInputError(f"advisors: capacity of '{a}' is negative ({capacity[k]})")
        if not 0 <= caseload[k] <= capacity[k]:
            raise InvalidInputError(
                f"advisors: caseload of '{a}' ({caseload[k]}) outside [0, capacity = {capacity[k]}]"
            )
    radius_km = _radius(adv, "radius_km", adv_ids, "advisors")
    radius_min = _radius(adv, "radius_minutes", adv_ids, "advisors")

    # Applicants: several rows per applicant_id are several locations, the first primary.
    app = app.reset_index(drop=True)
    row_ids = _ids(app["applicant_id"], "applicants", "applicant_id")
    app_xy = _coords(app, row_ids, "applicants")
    first: dict[str, int] = {}
    locs: dict[str, list[int]] = {}
    for k, a in enumerate(row_ids):
        first.setdefault(a, k)
        locs.setdefault(a, []).append(k)
    req_ids = list(first)
    rows = app.iloc[[first[a] for a in req_ids]].reset_index(drop=True)
    loc_index = np.fromiter(
        (k for a in req_ids for k in locs[a]), dtype=np.int64, count=len(row_ids)
    )
    loc_off = np.zeros(len(req_ids) + 1, dtype=np.int64)
    loc_off[1:] = np.cumsum([len(locs[a]) for a in req_ids])
    loc_xy = np.ascontiguousarray(app_xy[loc_index])

    # Interned services and tags, numbered in sorted order (row order does not matter).
    req_service = [_text(v) for v in rows["service"]]
    adv_service = [_text(v) for v in adv["service"]]
    for k, s in enumerate(req_service):
        if not s:
            raise InvalidInputError(f"applicants: empty service for '{req_ids[k]}'")
    for k, s in enumerate(adv_service):
        if not s:
            raise InvalidInputError(f"advisors: empty service for '{adv_ids[k]}'")
    services = sorted(set(req_service) | set(adv_service))
    svc_index = {s: k for k, s in enumerate(services)}
    needs = [_split(v) for v in rows["needs"]] if "needs" in rows else [[] for _ in req_ids]
    expertise = (
        [_split(v) for v in adv["expertise"]] if "expertise" in adv else [[] for _ in adv_ids]
    )
    tags = sorted({t for x in needs for t in x} | {t for x in expertise for t in x})
    tag_index = {t: k for k, t in enumerate(tags)}

    priority = _int_column(rows, "priority", req_ids, "applicants", 0)
    exclude = (
        [[seen[a] for a in _split(v) if a in seen] for v in rows["exclude"]]
        if "exclude" in rows
        else [[] for _ in req_ids]
    )
    current = np.full(len(req_ids), -1, dtype=np.int64)
    if "current_advisor" in rows:
        for k, v in enumerate(rows["current_advisor"]):
            t = _text(v)
            if t:
                current[k] = seen.get(t, -2)
    pinned = np.zeros(len(req_ids), dtype=np.int64)
    if "pinned" in rows:
        pinned = np.array(
            [_bool(v, f"applicants '{req_ids[k]}'") for k, v in enumerate(rows["pinned"])],
            dtype=np.int64,
        )
    registered = np.full(len(req_ids), _NO_DATE, dtype=np.int64)
    if "registered" in rows:
        try:
            dates = pd.to_datetime(rows["registered"], errors="raise")
        except (ValueError, TypeError) as exc:
            raise InvalidInputError(f"applicants: unreadable registered date ({exc})") from None
        ok = dates.notna().to_numpy()
        days = (dates[ok] - pd.Timestamp("1970-01-01")).dt.days.to_numpy(np.int64)
        registered[ok] = days

    areas_lists: list[list[int]] = [[] for _ in adv_ids]
    if area_set is not None and "areas" in adv:
        index = {a: k for k, a in enumerate(area_set.ids)}
        for k, v in enumerate(adv["areas"]):
            for a in _split(v):
                if a not in index:
                    raise UnknownIdError(
                        f"advisors: orientation area '{a}' of advisor "
                        f"'{adv_ids[k]}' is not in the areas"
                    )
                areas_lists[k].append(index[a])

    need_off, need_val = _csr([[tag_index[t] for t in x] for x in needs])
    excl_off, excl_val = _csr(exclude)
    exp_off, exp_val = _csr([[tag_index[t] for t in x] for x in expertise])
    area_off, area_val = _csr(areas_lists)
    args = {
        "req_ids": req_ids,
        "loc_offsets": loc_off,
        "loc_xy": loc_xy,
        "req_service": np.array([svc_index[s] for s in req_service], dtype=np.int64),
        "need_offsets": need_off,
        "need_values": need_val,
        "priority": priority,
        "excl_offsets": excl_off,
        "excl_values": excl_val,
        "current": current,
        "pinned": pinned,
        "registered": registered,
        "adv_ids": adv_ids,
        "adv_xy": adv_xy,
        "adv_service": np.array([svc_index[s] for s in adv_service], dtype=np.int64),
        "exp_offsets": exp_off,
        "exp_values": exp_val,
        "capacity": capacity,
        "caseload": caseload,
        "radius_km": radius_km,
        "radius_minutes": radius_min,
        "area_offsets": area_off,
        "area_values": area_val,
    }
    rows = rows.assign(service=req_service, priority=priority)
    adv = adv.assign(service=adv_service)
    return _Prepared(req_ids, rows, adv_ids, adv, services, args)


# ---- the result ----------------------------------------------------------------------------


class RoundResult:
    """Outcome of one round (see :func:`match`).

    Attributes
    ----------
    assignments : DataFrame
        applicant_id, advisor_id, service, priority, pinned, minutes, km, total and one
        column per cost component (points; ``total`` is their sum). Sorted by applicant_id.
    alternatives : DataFrame
        applicant_id, rank (2, 3, ...; 1 is the chosen advisor unless a cheaper advisor is
        full), advisor_id, delta (total minus the chosen total), has_room, minutes, km, total
        and the components. The load component of an alternative is the marginal cost of one
        more case on that advisor.
    escalations : DataFrame
        applicant_id, service, priority, reason (see ``ESCALATION_REASONS``), detail,
        duplicate_of.
    loads : DataFrame
        advisor_id, service, capacity, caseload_before, assigned, caseload_after,
        utilisation (after), load_cost.
    objective : float
        Value of the optimised cost (points): assignments incl. load plus escalation costs.
    """

    def __init__(self, core: Any, prep: _Prepared, weights: Weights, rules: Rules):
        self._core = core
        self._prep = prep
        self.weights = weights
        self.rules = rules
        self._index = {a: k for k, a in enumerate(prep.req_ids)}
        self.objective = core.objective / _core.COST_SCALE
        self.candidate_pairs = int(core.candidate_pairs)
        self._build()

    def _build(self) -> None:
        prep, core = self._prep, self._core
        req = core.requests()
        req_ids = np.array(prep.req_ids, dtype=object)
        adv_ids = np.array(prep.adv_ids, dtype=object)
        rows = prep.req_rows
        adv = req["advisor"]
        ok = adv >= 0
        comp = {c: req[c] for c in (*COST_COMPONENTS, "total")}
        a = pd.DataFrame(
            {
                "applicant_id": req_ids[ok],
                "advisor_id": adv_ids[adv[ok]],
                "service": rows["service"].to_numpy(object)[ok],
                "priority": rows["priority"].to_numpy(np.int64)[ok],
                "pinned": req["pinned"][ok],
                "minutes": req["minutes"][ok],
                "km": req["km"][ok],
                "total": comp["total"][ok],
                **{c: comp[c][ok] for c in COST_COMPONENTS},
            }
        )
        self.assignments = a.sort_values("applicant_id", kind="stable").reset_index(drop=True)

        esc = np.flatnonzero(~ok)
        reasons = [_REASON_NAMES[int(r)] for r in req["reason"][esc]]
        dup = req["duplicate_of"][esc]
        self._funnel = req["funnel"]
        e = pd.DataFrame(
            {
                "applicant_id": req_ids[esc],
                "service": rows["service"].to_numpy(object)[esc],
                "priority": rows["priority"].to_numpy(np.int64)[esc],
                "reason": pd.Series(reasons, dtype=object),
                "detail": [self._detail(int(k), reasons[j]) for j, k in enumerate(esc)],
                "duplicate_of": [prep.req_ids[d] if d >= 0 else None for d in dup],
            }
        )
        self.escalations = e.sort_values("applicant_id", kind="stable").reset_index(drop=True)

        alt = core.alternatives()
        al = pd.DataFrame(
            {
                "applicant_id": req_ids[alt["request"]],
                "rank": alt["rank"],
                "advisor_id": adv_ids[alt["advisor"]],
                "delta": alt["delta"],
                "has_room": alt["has_room"],
                "minutes": alt["minutes"],
                "km": alt["km"],
                "total": alt["total"],
                **{c: alt[c] for c in COST_COMPONENTS},
            }
        )
        self.alternatives = al.sort_values(["applicant_id", "rank"], kind="stable").reset_index(
            drop=True
        )

        ld = core.advisors()
        cap = ld["capacity"]
        util = np.divide(ld["caseload_after"], cap, out=np.full(len(cap), np.nan), where=cap > 0)
        lo = pd.DataFrame(
            {
                "advisor_id": adv_ids,
                "service": prep.advisors["service"].to_numpy(object),
                "capacity": cap,
                "caseload_before": ld["caseload_before"],
                "assigned": ld["assigned"],
                "caseload_after": ld["caseload_after"],
                "utilisation": util,
                "load_cost": ld["load_cost"],
            }
        )
        self.loads = lo.sort_values("advisor_id", kind="stable").reset_index(drop=True)

    def _detail(self, k: int, reason: str) -> str:
        f = self._funnel[k]
        service = self._prep.req_rows["service"].iloc[k]
        if reason == "duplicate_request":
            return (
                f"a business location within {self.rules.duplicate_tolerance_m:g} m of "
                "an earlier request"
            )
        if reason == "pinned_advisor_unavailable":
            cur = self._prep.args["current"][k]
            if cur < 0:
                return "pinned, but the current advisor is not in the pool"
            ex = self._core.explain(k)
            v = _VERDICT_NAMES[int(ex["verdict"][cur])]
            who = self._prep.adv_ids[cur]
            if v == "eligible":
                return f"pinned, but current advisor '{who}' has no room for all pinned cases"
            return f"pinned, but current advisor '{who}' fails the {v} rule"
        parts = [f"{f[0]} advisor(s) for service '{service}'"]
        labels = ("with the expertise", "not excluded", "within radius", "with free capacity")
        for j, label in enumerate(labels, start=1):
            if f[j - 1] == 0:
                break
            parts.append(f"{f[j]} {label}")
        text = ", ".join(parts)
        if reason == "no_capacity" and f[4] > 0:
            text += " (their room went to other requests this round)"
        return text

    def __len__(self) -> int:
        return len(self._prep.req_ids)

    def __repr__(self) -> str:
        return (
            f"RoundResult({len(self.assignments)} assigned, {len(self.escalations)} "
            f"escalated, {len(self._prep.adv_ids)} advisors)"
        )

    def explain(self, applicant_id: Any) -> pd.DataFrame:
        """Every advisor of the pool with its verdict for one request.

        Columns: advisor_id, service, verdict (``eligible`` or the first failing hard rule:
        ``service``, ``expertise``, ``excluded``, ``radius``, ``capacity``), chosen, rank
        (1 = best eligible; the chosen advisor wins ties; NA when not eligible), has_room
        (free capacity left after the round), minutes, km, total and the cost components
        (NaN when not eligible), why (a sentence). Eligible advisors first, by rank.
        """
        key = str(applicant_id)
        if key not in self._index:
            raise UnknownIdError(f"unknown applicant_id '{key}'")
        k = self._index[key]
        ex = self._core.explain(k)
        verdict = [_VERDICT_NAMES[int(v)] for v in ex["verdict"]]
        rank = pd.array(np.where(ex["rank"] > 0, ex["rank"], 0), dtype="Int64")
        rank[ex["rank"] <= 0] = pd.NA
        adv = self._prep.advisors
        df = pd.DataFrame(
            {
                "advisor_id": np.array(self._prep.adv_ids, dtype=object)[ex["advisor"]],
                "service": adv["service"].to_numpy(object),
                "verdict": verdict,
                "chosen": ex["chosen"],
                "rank": rank,
                "has_room": ex["has_room"],
                "minutes": ex["minutes"],
                "km": ex["km"],
                "total": ex["total"],
                **{c: ex[c] for c in COST_COMPONENTS},
            }
        )
        df["why"] = [self._why(k, i, r) for i, r in enumerate(df.itertuples(index=False))]
        df["_elig"] = df["verdict"] != "eligible"
        df = df.sort_values(["_elig", "rank", "advisor_id"], kind="stable", na_position="last")
        return df.drop(columns="_elig").reset_index(drop=True)

    def _why(self, k: int, i: int, row: Any) -> str:
        adv = self._prep.advisors.iloc[i]
        v = row.verdict
        if v == "service":
            return f"works for '{row.service}', not '{self._prep.req_rows['service'].iloc[k]}'"
        if v == "expertise":
            return "lacks needed expertise"
        if v == "excluded":
            return "conflict of interest (exclude)"
        if v == "radius":
            if not np.isfinite(row.minutes):
                return "unreachable with the travel model"
            lim = []
            rk, rm = _num(adv.get("radius_km")), _num(adv.get("radius_minutes"))
            if rk is not None and row.km > rk:
                lim.append(f"{row.km:.1f} km > radius {rk:g} km")
            if rm is not None and row.minutes > rm:
                lim.append(f"{row.minutes:.0f} min > radius {rm:g} min")
            if not lim:
                lim.append(
                    f"{row.minutes:.0f} min > max_travel_minutes {self.rules.max_travel_minutes:g}"
                )
            return "; ".join(lim)
        if v == "capacity":
            return "no free capacity before this round"
        parts = [f"{row.minutes:.0f} min"]
        for c in COST_COMPONENTS[1:]:
            val = getattr(row, c)
            if val:
                parts.append(f"{c.replace('_', ' ')} +{val:g}")
        head = "chosen" if row.chosen else (f"rank {row.rank}" + ("" if row.has_room else ", full"))
        return f"{head}: " + ", ".join(parts)

    def summary(self) -> pd.DataFrame:
        """Per service: requests, assigned, escalated, mean travel minutes of assignments."""
        rows = self._prep.req_rows
        a, e = self.assignments, self.escalations
        out = []
        for s in sorted(set(rows["service"])):
            asg = a[a["service"] == s]
            out.append(
                {
                    "service": s,
                    "requests": int((rows["service"] == s).sum()),
                    "assigned": len(asg),
                    "escalated": int((e["service"] == s).sum()),
                    "mean_minutes": round(float(asg["minutes"].mean()), 1)
                    if len(asg)
                    else float("nan"),
                }
            )
        out.append(
            {
                "service": "total",
                "requests": len(rows),
                "assigned": len(a),
                "escalated": len(e),
                "mean_minutes": round(float(a["minutes"].mean()), 1) if len(a) else float("nan"),
            }
        )
        return pd.DataFrame(out)

    def to_csv(
        self,
        out_dir: str | os.PathLike,
        *,
        rounded: bool = False,
        excel: bool = False,
        audit: bool = True,
    ) -> list[str]:
        """Writes assignments/alternatives/escalations/loads CSVs into ``out_dir``, and
        ``audit.json`` (see :mod:`libmatch.audit`; ``libmatch verify DIR`` re-checks it).

        ``rounded``: numbers for people (whole minutes, km to one decimal, points to one
        decimal, utilisation as a fraction to three decimals). ``excel``: what a Dutch Excel
        opens directly (``;`` separator, decimal comma, UTF-8 with BOM); implies nothing
        about rounding. Returns the paths written.
        """
        from .audit import write_audit

        paths = self._write_tables(out_dir, rounded=rounded, excel=excel)
        if audit:
            write_audit(self, out_dir, paths)
            from .audit import AUDIT_FILE

            record = os.path.join(os.fspath(out_dir), AUDIT_FILE)
            _add_csv_options(record, rounded, excel)
            paths.append(record)
        return paths

    def _write_tables(
        self, out_dir: str | os.PathLike, *, rounded: bool = False, excel: bool = False
    ) -> list[str]:
        if os.path.exists(out_dir) and not os.path.isdir(out_dir):
            raise FileError(f"output directory '{os.fspath(out_dir)}' is an existing file")
        try:
            os.makedirs(out_dir, exist_ok=True)
        except OSError as exc:
            raise FileError(
                f"cannot create output directory '{os.fspath(out_dir)}': {exc.strerror}"
            ) from None
        paths = []
        names = ["assignments", "alternatives", "escalations", "loads"]
        if isinstance(getattr(self, "referrals", None), pd.DataFrame):
            names.insert(3, "referrals")
        for name in names:
            p = os.path.join(out_dir, f"{name}.csv")
            df = getattr(self, name)
            if rounded:
                df = _rounded(df)
            try:
                if excel:
                    df.to_csv(p, index=False, sep=";", decimal=",", encoding="utf-8-sig")
                else:
                    df.to_csv(p, index=False)
            except OSError as exc:
                raise FileError(f"cannot write '{p}': {exc.strerror}") from None
            paths.append(p)
        return paths

    def to_geodataframe(self, layer: str = "requests"):
        """The round as a GeoDataFrame in the working CRS (needs geopandas/shapely).

        ``layer="requests"``: one point per request (primary location) with ``outcome``
        (assigned / escalated), ``advisor_id``, ``minutes``, ``km``, ``total`` and
        ``reason``; ``"advisors"``: one point per advisor base with the loads columns;
        ``"assignments"``: one line per assignment from the request to the advisor's base
        with the assignments columns.
        """
        import geopandas as gpd
        import shapely

        crs = getattr(self, "_crs", "EPSG:28992")
        args = self._prep.args
        primary = args["loc_xy"][args["loc_offsets"][:-1]]
        adv_xy = args["adv_xy"]
        if layer == "requests":
            df = pd.DataFrame({"applicant_id": self._prep.req_ids})
            df["service"] = self._prep.req_rows["service"].to_numpy(object)
            a = self.assignments.set_index("applicant_id")
            e = self.escalations.set_index("applicant_id")
            df["outcome"] = np.where(df["applicant_id"].isin(a.index), "assigned", "escalated")
            for col in ("advisor_id", "minutes", "km", "total"):
                df[col] = df["applicant_id"].map(a[col])
            df["reason"] = df["applicant_id"].map(e["reason"])
            geom = shapely.points(primary)
        elif layer == "advisors":
            df = self.loads.set_index("advisor_id").loc[self._prep.adv_ids].reset_index()
            geom = shapely.points(adv_xy)
        elif layer == "assignments":
            df = self.assignments.copy()
            index = {a: k for k, a in enumerate(self._prep.adv_ids)}
            rows = [self._index[a] for a in df["applicant_id"]]
            cols = [index[a] for a in df["advisor_id"]]
            coords = (
                np.stack([primary[rows], adv_xy[cols]], axis=1) if rows else np.empty((0, 2, 2))
            )
            geom = shapely.linestrings(coords) if rows else []
        else:
            raise InvalidInputError("layer must be 'requests', 'advisors' or 'assignments'")
        return gpd.GeoDataFrame(df, geometry=geom, crs=crs)

    def to_layers(self, dest: str | os.PathLike, prefix: str = "", overwrite: bool = True):
        """Writes the round as layers of ``dest`` (a ``"PG:..."`` PostGIS database, a
        GeoPackage, ...): ``<prefix>requests`` (points with outcome), ``<prefix>assignments``
        (lines request -> advisor base), ``<prefix>advisors`` (bases with loads) and
        ``<prefix>escalations`` (a table). Returns the layer names written."""
        from .layers import write_layer

        names = []
        for layer in ("requests", "assignments", "advisors"):
            write_layer(self.to_geodataframe(layer), dest, prefix + layer, overwrite=overwrite)
            names.append(prefix + layer)
        write_layer(self.escalations, dest, prefix + "escalations", overwrite=overwrite)
        names.append(prefix + "escalations")
        refs = getattr(self, "referrals", None)
        if isinstance(refs, pd.DataFrame):
            write_layer(refs, dest, prefix + "referrals", overwrite=overwrite)
            names.append(prefix + "referrals")
        return names

    def explore(self, areas: AreaSet | None = None, **kwargs):
        """Interactive map (folium): orientation areas, assignment lines, requests coloured
        by outcome and advisor bases, with tooltips (ids, advisor, minutes, cost parts,
        escalation reason). Keywords go to the requests layer's ``explore``."""
        from ._plotting import OUTCOME_COLOURS

        m = kwargs.pop("m", None)
        if areas is not None:
            m = areas.explore(m=m, color="#555555")
        lines = self.to_geodataframe("assignments")
        if len(lines):
            m = lines.explore(
                m=m,
                color="#888888",
                style_kwds={"weight": 1.5, "opacity": 0.6},
                tooltip=["applicant_id", "advisor_id", "minutes", *COST_COMPONENTS],
            )
        adv = self.to_geodataframe("advisors")
        m = adv.explore(
            m=m,
            color="#222222",
            marker_kwds={"radius": 5},
            tooltip=["advisor_id", "service", "caseload_after", "capacity"],
        )
        req = self.to_geodataframe("requests")
        kwargs.setdefault("column", "outcome")
        kwargs.setdefault("categorical", True)
        kwargs.setdefault("cmap", [OUTCOME_COLOURS[o] for o in sorted(set(req["outcome"]))])
        kwargs.setdefault("marker_kwds", {"radius": 6})
        kwargs.setdefault(
            "tooltip", ["applicant_id", "service", "outcome", "advisor_id", "minutes", "reason"]
        )
        return req.explore(m=m, **kwargs)

    def report(self, path: str | os.PathLike, language: str = "nl", **kwargs: Any) -> str:
        """Writes the working group's weekly sheet (one self-contained HTML file, Dutch by
        default). Keywords as :func:`libmatch.report.round_report` (``areas``, ``context``,
        ``week``, ``title``). Returns the path."""
        from .report import round_report

        return round_report(self, path, language=language, **kwargs)

    def plot(self, areas: AreaSet | None = None, ax=None, by: str = "service", labels: bool = True):
        """Map of the round; returns ``ax``.

        ``by="service"``: requests and their lines to the advisor's base coloured by service;
        ``by="outcome"``: requests coloured assigned / escalated (lines grey). Escalated
        requests are always drawn as crosses, advisor bases as black triangles. Orientation
        areas (``areas``) get a light qualitative fill and their id as label (``labels``);
        a legend and a scale bar are added.
        """
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection

        from ._plotting import OUTCOME_COLOURS, add_labels, add_scale_bar, colour

        if by not in ("service", "outcome"):
            raise InvalidInputError("plot: by must be 'service' or 'outcome'")
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 9))
        if areas is not None:
            areas.plot(ax=ax, fill=True)
            if labels:
                add_labels(ax, areas)
        args = self._prep.args
        primary = args["loc_xy"][args["loc_offsets"][:-1]]
        adv_xy = args["adv_xy"]
        adv = self._core.requests()["advisor"]
        ok = adv >= 0
        service = self._prep.req_rows["service"].to_numpy(object)
        services = sorted(set(service))
        svc_colour = {s: colour(k) for k, s in enumerate(services)}
        if ok.any():
            segs = np.stack([primary[ok], adv_xy[adv[ok]]], axis=1)
            if by == "service":
                line_c = [svc_colour[s] for s in service[ok]]
            else:
                line_c = ["0.55"] * int(ok.sum())
            ax.add_collection(LineCollection(segs, colors=line_c, linewidths=0.7, alpha=0.7))
        if by == "service":
            for s in services:
                m = ok & (service == s)
                if m.any():
                    ax.scatter(*primary[m].T, s=16, color=svc_colour[s], zorder=3, label=s)
        elif ok.any():
            ax.scatter(
                *primary[ok].T, s=16, color=OUTCOME_COLOURS["assigned"], zorder=3, label="assigned"
            )
        ax.scatter(*adv_xy.T, s=30, marker="^", c="0.1", zorder=4, label="advisor base")
        if (~ok).any():
            ax.scatter(
                *primary[~ok].T,
                s=70,
                marker="X",
                color=OUTCOME_COLOURS["escalated"],
                edgecolors="white",
                linewidths=0.6,
                zorder=5,
                label="escalated",
            )
        ax.set_aspect("equal")
        ax.autoscale_view()
        add_scale_bar(ax)
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
        ax.legend(loc="upper left", fontsize=8, title="service" if by == "service" else None)
        ax.set_title(f"Weekly round: {int(ok.sum())} assigned, {int((~ok).sum())} escalated")
        return ax


_ROUND_DIGITS = {"minutes": 0, "km": 1, "utilisation": 3}


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    """Numbers for people: whole minutes, km to 1 decimal, cost points to 1 decimal."""
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_float_dtype(out[col]):
            continue
        digits = _ROUND_DIGITS.get(col, 1 if col in (*COST_COMPONENTS, "total", "delta") else None)
        if digits is not None:
            out[col] = out[col].round(digits)
            if digits == 0:
                out[col] = out[col].astype("Int64")
    return out


def _add_csv_options(record_path: str, rounded: bool, excel: bool) -> None:
    import json

    with open(record_path, encoding="utf-8") as fh:
        record = json.load(fh)
    record["csv_options"] = {"rounded": bool(rounded), "excel": bool(excel)}
    with open(record_path, "w", encoding="utf-8") as fh:
        json.dump(record, fh, indent=2, sort_keys=True)
        fh.write("\n")


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _as_areas(areas: Any) -> AreaSet | None:
    if areas is None or isinstance(areas, AreaSet):
        return areas
    if isinstance(areas, _core.AreaSet):
        return AreaSet(areas)
    if isinstance(areas, (str, os.PathLike)):
        return read_areas(areas, "id")
    raise InvalidTypeError(
        f"areas must be an AreaSet, a file path or None, got {type(areas).__name__}"
    )


def match(
    applicants: Any,
    advisors: Any,
    areas: Any = None,
    travel: Any = None,
    weights: Weights | dict | None = None,
    *,
    rules: Rules | dict | None = None,
) -> RoundResult:
    """Runs one weekly matching round.

    Parameters
    ----------
    applicants, advisors : DataFrame, GeoDataFrame (points) or CSV path
        Schema in ``docs/input_schema.md``. Several applicant rows with the same
        ``applicant_id`` are several business locations (the first is primary).
    areas : AreaSet or path, optional
        Orientation areas referenced by the advisors' ``areas`` column (a path is read with
        id field ``id``). Without it no ``outside_area`` cost is charged.
    travel : travel model, optional
        ``libmatch.StraightLine(...)`` or ``libmatch.RoadNetwork(...)``; default straight
        line x1.3 at 60 km/h.
    weights : Weights or dict, optional
    rules : Rules or dict, optional

    Notes
    -----
    Escalation reasons are decided in this order: ``duplicate_request``,
    ``pinned_advisor_unavailable``, then over the pool narrowed rule by rule:
    ``no_advisor_for_service``, ``no_expertise``, ``all_excluded``, ``all_out_of_radius``,
    ``no_capacity``.

    Raises
    ------
    InvalidInputError
        naming the id at fault: duplicate advisor ids, negative capacity, caseload above
        capacity, missing required columns, a likely misspelt column, NaN coordinates.
    UnknownIdError
        for an advisor area not in ``areas``.
    CrsError
        when ``travel`` is a road network in another CRS than ``areas``.
    """
    w = _options(weights, Weights, "weights")
    r = _options(rules, Rules, "rules")
    area_set = _as_areas(areas)
    _check_travel_crs(travel, area_set)
    prep = _prepare(applicants, advisors, area_set)
    core = _core.match_round(
        **prep.args,
        areas=None if area_set is None else area_set._impl,
        travel=travel,
        weights=dataclasses.asdict(w),
        rules=dataclasses.asdict(r),
    )
    res = RoundResult(core, prep, w, r)
    res._crs = area_set.crs if area_set is not None else "EPSG:28992"
    res._sources = {
        "applicants": applicants,
        "advisors": advisors,
        "areas": areas,
        "travel": travel,
    }
    return res


def _check_travel_crs(travel: Any, area_set: AreaSet | None) -> None:
    """A road network must be in the areas' working CRS (a straight line has none)."""
    crs = getattr(travel, "crs", None)
    if area_set is None or not isinstance(crs, str) or not crs:
        return
    if not _core.same_crs(crs, area_set.crs):
        raise CrsError(
            f"the travel model's CRS ({crs}) differs from the areas' working CRS "
            f"({area_set.crs}); build both in one CRS"
        )


def _options(value: Any, cls: type, what: str):
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    if isinstance(value, dict):
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(value) - names)
        if unknown:
            raise UnknownIdError(f"{what}: unknown field(s) {unknown}; known: {sorted(names)}")
        return cls(**value)
    raise InvalidTypeError(f"{what} must be a {cls.__name__}, a dict or None")


# ---- command line --------------------------------------------------------------------------


def _print_table(df: pd.DataFrame, file=None) -> None:
    print(df.to_string(index=False), file=file)


def _run_and_write(
    applicants,
    advisors,
    areas,
    out_dir,
    travel=None,
    weights=None,
    rules=None,
    map_png=True,
    report=None,
    rounded=False,
    excel=False,
    language="nl",
    context=None,
) -> RoundResult:
    area_set = _as_areas(areas)
    res = match(
        applicants,
        advisors,
        areas if isinstance(areas, (str, os.PathLike)) else area_set,
        travel=travel,
        weights=weights,
        rules=rules,
    )
    res.to_csv(out_dir, rounded=rounded, excel=excel)
    if report:
        res.report(report, language=language, areas=area_set, context=context or {})
    if map_png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        ax = res.plot(area_set)
        ax.figure.savefig(os.path.join(out_dir, "round_map.png"), dpi=120, bbox_inches="tight")
        plt.close(ax.figure)
    print("Weekly round summary")
    _print_table(res.summary())
    if len(res.escalations):
        print("\nEscalations by reason")
        _print_table(res.escalations.groupby("reason").size().rename("requests").reset_index())
    print(f"\nObjective {res.objective:.2f} points; results in {out_dir}")
    return res


def _context_layers(specs: list[str] | None) -> dict:
    """``--context NAME=FILE`` (id field ``id``) -> {name: AreaSet} for the report."""
    out = {}
    for spec in specs or []:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise InvalidInputError("--context expects NAME=FILE, got an entry without '='")
        out[name] = read_areas(path, "id")
    return out


def _cmd_round(args) -> int:
    _run_and_write(
        args.applicants,
        args.advisors,
        args.areas,
        args.out,
        map_png=not args.no_map,
        report=args.report,
        rounded=args.rounded,
        excel=args.excel,
        language=args.language,
        context=_context_layers(args.context),
    )
    return 0


def farms_per_municipality(farms: Any, municipalities: AreaSet) -> pd.DataFrame:
    """Number of farms per municipality (point in polygon), all municipalities listed."""
    df = read_table(farms, "farms")
    xy = _coords(df, [str(i) for i in range(len(df))], "farms")
    idx = municipalities.locate(xy)
    counts = np.bincount(idx[idx >= 0], minlength=len(municipalities))
    out = pd.DataFrame({"municipality": municipalities.ids, "farms": counts})
    out = out.sort_values(["farms", "municipality"], ascending=[False, True], kind="stable")
    outside = int((idx < 0).sum())
    out.attrs["outside"] = outside
    return out.reset_index(drop=True)


def _cmd_run_demo(args) -> int:
    data, out = args.data, args.out
    if data is None:
        from .datasets import directory

        data = str(directory())
    os.makedirs(out, exist_ok=True)
    muni = read_areas(os.path.join(data, "municipalities.geojson"), "id")
    farms = farms_per_municipality(os.path.join(data, "farms.csv"), muni)
    farms.to_csv(os.path.join(out, "farms_per_municipality.csv"), index=False)
    print(
        f"Farms per municipality ({int(farms['farms'].sum())} farms located, "
        f"{farms.attrs['outside']} outside every municipality)"
    )
    _print_table(farms)
    print()
    _run_and_write(
        os.path.join(data, "requests.csv"),
        os.path.join(data, "advisors.csv"),
        os.path.join(data, "orientation_areas.geojson"),
        out,
        report=os.path.join(out, "report.html"),
        context={
            "gemeente": muni,
            "natura2000": read_areas(os.path.join(data, "nature_areas.geojson"), "id"),
        },
    )
    return 0


def _register_cli(sub) -> None:
    p = sub.add_parser(
        "round",
        help="run one weekly matching round",
        description="Assign requests to advisors (exact optimum) and write "
        "assignments/alternatives/escalations/loads CSVs and "
        "round_map.png.",
    )
    p.add_argument("--areas", help="orientation areas (any GDAL vector file, id field 'id')")
    p.add_argument("--advisors", required=True, help="advisors CSV")
    p.add_argument("--applicants", required=True, help="requests CSV")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--no-map", action="store_true", help="skip round_map.png")
    p.add_argument("--report", metavar="FILE", help="also write the weekly HTML report")
    p.add_argument("--language", choices=("nl", "en"), default="nl", help="report language")
    p.add_argument(
        "--context",
        action="append",
        metavar="NAME=FILE",
        help="location-study layer for the report (gemeente=..., natura2000=...); repeatable",
    )
    p.add_argument("--rounded", action="store_true", help="round numbers for people in CSVs")
    p.add_argument(
        "--excel", action="store_true", help="CSV for Excel: ';' separator, decimal comma"
    )
    p.set_defaults(func=_cmd_round)

    d = sub.add_parser("run-demo", help="farm counts and a full weekly round on bundled data")
    d.add_argument(
        "--data",
        default=None,
        help="data directory (default: the bundled data set installed with libmatch)",
    )
    d.add_argument("--out", default="out", help="output directory (default: out)")
    d.set_defaults(func=_cmd_run_demo)
