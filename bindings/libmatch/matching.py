"""The weekly matching round: which advisor (begeleider) takes which request (aanvraag).

:func:`match` applies the hard rules (service, expertise, conflicts of interest, radius,
capacity), prices every eligible pair with the soft costs of :class:`Weights`, solves the
whole round exactly (min-cost transportation, ``libmatch.solve_transport`` in C++) and
returns a :class:`RoundResult`: assignments with their cost components, runner-up
alternatives, escalations with a reason, advisor loads, and ``explain(applicant_id)``.

The input schema is documented in ``docs/input_schema.md``.

Examples
--------
>>> import pandas as pd, libmatch
>>> req = pd.DataFrame({"applicant_id": ["R1"], "x": [0.0], "y": [0.0], "service": ["coach"]})
>>> adv = pd.DataFrame({"advisor_id": ["A1", "A2"], "x": [1000.0, 9000.0], "y": [0.0, 0.0],
...                     "service": ["coach", "coach"], "capacity": [1, 1]})
>>> libmatch.match(req, adv).assignments[["applicant_id", "advisor_id"]].values.tolist()
[['R1', 'A1']]
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _io, _round_rules, catalogue, schema
from ._cliargs import UsageError
from .areas import AreaSet, read_areas
from .errors import CrsError, FileMissingError, InvalidInputError, InvalidTypeError, UnknownIdError
from .terms import fmt_num, term

__all__ = [
    "Weights",
    "Rules",
    "Escalation",
    "Verdict",
    "RoundResult",
    "match",
    "read_table",
    "ESCALATION_REASONS",
    "REFERRAL_REASONS",
    "COST_COMPONENTS",
]

#: Escalation reasons, in the order they are decided (see :func:`match`).
ESCALATION_REASONS = (
    "already_in_guidance",
    "duplicate_request",
    "no_open_case",
    "pinned_advisor_unavailable",
    "no_advisor_for_service",
    "no_expertise",
    "all_excluded",
    "all_out_of_radius",
    "no_capacity",
    "no_hours",
    "slots_exhausted",
    "budget_exhausted",
    "reserved_for_priority",
    "unfilled_position",
)
#: Referral reasons, in the order they are decided (before any escalation reason).
REFERRAL_REASONS = _round_rules.REFERRAL_REASONS
#: Cost components reported per (request, advisor) pair, in points; total is their sum.
COST_COMPONENTS = ("travel", "outside_area", "partial_expertise", "radius", "continuity", "load")


#: Soft-cost weights of a round (bound C++ struct; ``help(libmatch.Weights)`` lists every
#: field with its meaning and unit; the C++ defaults are the only defaults).
Weights = _core.Weights
#: Hard-rule switches of a round (C++ ``RuleOptions``).
Rules = _core.Rules
#: Escalation reason codes (``Escalation.no_capacity.name == "no_capacity"``).
Escalation = _core.Escalation
#: Verdict codes of :meth:`RoundResult.explain`.
Verdict = _core.Verdict


def enum_names(enum: Any) -> list[str]:
    """Names of a bound enum by code: ``enum_names(_core.Verdict)[code]``."""
    members = sorted(enum.__members__.values(), key=int)
    assert [int(v) for v in members] == list(range(len(members)))
    return [v.name for v in members]


_REASON_NAMES = ["" if n == "none" else n for n in enum_names(_core.Escalation)]
_VERDICT_NAMES = enum_names(_core.Verdict)
#: escalation reasons of a catalogue limit (not of one advisor): explain() names them
_SERVICE_LIMITS = ("slots_exhausted", "budget_exhausted", "reserved_for_priority")
_REFERRAL_NAMES = ["" if n == "none" else n for n in enum_names(_core.Referral)]
_STATUS_NAMES = enum_names(_core.SolveStatus)


# ---- input tables --------------------------------------------------------------------------


def read_table(source: Any, what: str = "table") -> pd.DataFrame:
    """A DataFrame from a DataFrame, GeoDataFrame (points become ``x``/``y``) or a file path
    (CSV, or any OGR point layer). Id and tag columns of the requests and advisors schema are
    read as strings. File problems raise :class:`FileError` / :class:`InvalidInputError`
    naming the file."""
    text = {*schema.REQUESTS.text_columns, *schema.ADVISORS.text_columns}
    return _io.read_table(source, what, text)


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
    programme: dict = field(default_factory=dict)
    catalogue: pd.DataFrame | None = None
    membership: AreaSet | None = None  # the layer offered_in indexes (service_areas or areas)
    # requests with no location and advisors whose base the road network could not place
    unplaced_requests: np.ndarray | None = None
    unplaced_advisors: np.ndarray | None = None


def _locations(req: schema.Parsed) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Request ids (row order), the row of each, CSR offsets and coordinates of the business
    locations: extra locations are rows with ``location_of`` (see _round_rules.locations)."""
    return _round_rules.locations(req.ids, req["location_of"], req.xy())


def _area_lists(adv: schema.Parsed, area_set: AreaSet | None) -> list[list[int]]:
    if area_set is None:
        return [[] for _ in adv.ids]
    index = {a: k for k, a in enumerate(area_set.ids)}
    out = []
    for k, lst in enumerate(adv["areas"]):
        for a in lst:
            if a not in index:
                raise UnknownIdError(
                    f"advisors: areas in row {k} (id '{adv.ids[k]}') lists an orientation "
                    "area that is not in the areas layer"
                )
        out.append([index[a] for a in lst])
    return out


def _check_known_services(
    names: list[str], known: set[str], what: str, ids: list[str] | None, rows: Any = None
) -> None:
    """UnknownIdError naming the first row (and id) whose service is not in the catalogue."""
    for j, s in enumerate(names):
        if s not in known:
            k = int(rows[j]) if rows is not None else j
            who = f" (id '{ids[j]}')" if ids is not None else ""
            raise UnknownIdError(
                f"{what}: service in row {k}{who} is not in the services catalogue"
            )


def _split_services(values: list[str]) -> list[list[str]]:
    """``"wmo; jeugd"`` -> ``["wmo", "jeugd"]``: the services of a multi-service advisor or
    the alternatives of a request, in the order given (the first is the primary one),
    blanks trimmed, repeats dropped."""
    out, seen = [], {}  # equal cells share one (read-only) list: cells repeat a lot
    for v in values:
        lst = seen.get(v)
        if lst is None:
            parts = [p.strip() for p in str(v).split(";")]
            lst = seen[v] = list(dict.fromkeys(p for p in parts if p))
        out.append(lst)
    return out


def _quantity(values: Any, ids: list[str], rows: Any) -> np.ndarray:
    """Positions per request: integers >= 1 (InvalidInputError naming row and id)."""
    q = np.asarray(values, dtype=np.int64)
    bad = np.flatnonzero(q < 1)
    if len(bad):
        j = int(bad[0])
        raise InvalidInputError(
            f"applicants: quantity in row {int(rows[j])} (id '{ids[j]}') must be an integer >= 1"
        )
    return q


def _prepare(
    applicants: Any,
    advisors: Any,
    area_set: AreaSet | None,
    services: Any = None,
    register: Any = None,
    service_areas: AreaSet | None = None,
    budget_eur: Any = None,
) -> _Prepared:
    crs = area_set.crs if area_set is not None else "EPSG:28992"
    app = schema.REQUESTS.read(applicants, "applicants", crs=crs)
    adv_df = schema.ADVISORS.read(advisors, "advisors", crs=crs)
    adv = schema.ADVISORS.parse(adv_df, "advisors")
    req = schema.REQUESTS.parse(app, "applicants")
    cat = None if services is None else catalogue.read_catalogue(services, "services")
    reg = None if register is None else catalogue.read_register(register, "register", crs=crs)
    adv_ids = adv.ids
    seen = {a: k for k, a in reversed(list(enumerate(adv_ids)))}  # duplicates: C++ rejects

    req_ids, first, loc_off, loc_xy = _locations(req)

    def firsts(name: str) -> Any:
        v = req[name]
        return v[first] if isinstance(v, np.ndarray) else [v[k] for k in first]

    # Interned services and tags, numbered in sorted order (row order does not matter).
    # A service cell may list several services (`wmo;jeugd`): an advisor's pool, or a
    # request's alternatives; the first is the primary one.
    req_service, adv_service = firsts("service"), adv["service"]
    req_lists, adv_lists = _split_services(req_service), _split_services(adv_service)
    for lists, what, ids in ((req_lists, "applicants", req_ids), (adv_lists, "advisors", adv_ids)):
        for k, lst in enumerate(lists):
            if not lst:
                row = int(first[k]) if what == "applicants" else k
                raise InvalidInputError(f"{what}: service in row {row} (id '{ids[k]}') is empty")
    req_primary = [lst[0] for lst in req_lists]
    adv_primary = [lst[0] for lst in adv_lists]
    reg_service = [] if reg is None else list(reg["service"])
    req_all = {s for lst in req_lists for s in lst}
    adv_all = {s for lst in adv_lists for s in lst}
    if cat is not None:
        known = set(cat["service"])
        for j in range(max((len(x) for x in req_lists), default=0)):
            have = [k for k, x in enumerate(req_lists) if len(x) > j]
            _check_known_services(
                [req_lists[k][j] for k in have],
                known,
                "applicants",
                [req_ids[k] for k in have],
                [first[k] for k in have],
            )
        for j in range(max((len(x) for x in adv_lists), default=0)):
            have = [k for k, x in enumerate(adv_lists) if len(x) > j]
            _check_known_services(
                [adv_lists[k][j] for k in have], known, "advisors", [adv_ids[k] for k in have], have
            )
        _check_known_services(reg_service, known, "register", None)
        services = sorted(known)
    else:
        services = sorted(req_all | adv_all | set(reg_service))
    svc_index = {s: k for k, s in enumerate(services)}
    needs, expertise = firsts("needs"), adv["expertise"]
    tags = sorted({t for x in needs for t in x} | {t for x in expertise for t in x})
    tag_index = {t: k for k, t in enumerate(tags)}

    priority = firsts("priority")
    exclude = [[seen[a] for a in lst if a in seen] for lst in firsts("exclude")]
    current = np.array(
        [seen.get(t, -2) if t else -1 for t in firsts("current_advisor")], dtype=np.int64
    )
    need_off, need_val = _csr([[tag_index[t] for t in x] for x in needs])
    excl_off, excl_val = _csr(exclude)
    exp_off, exp_val = _csr([[tag_index[t] for t in x] for x in expertise])
    area_off, area_val = _csr(_area_lists(adv, area_set))
    args = {
        "req_ids": req_ids,
        "loc_offsets": loc_off,
        "loc_xy": loc_xy,
        "req_service": np.array([svc_index[s] for s in req_primary], dtype=np.int64),
        "need_offsets": need_off,
        "need_values": need_val,
        "priority": priority,
        "excl_offsets": excl_off,
        "excl_values": excl_val,
        "current": current,
        "pinned": firsts("pinned").astype(np.int64),
        "registered": firsts("registered"),
        "adv_ids": adv_ids,
        "adv_xy": adv.xy(),
        "adv_service": np.array([svc_index[s] for s in adv_primary], dtype=np.int64),
        "exp_offsets": exp_off,
        "exp_values": exp_val,
        "capacity": adv["capacity"],
        "caseload": adv["caseload"],
        "radius_km": adv["radius_km"],
        "radius_minutes": adv["radius_minutes"],
        "area_offsets": area_off,
        "area_values": area_val,
    }
    offered = service_areas if service_areas is not None else area_set
    # Programme columns go to C++ only when given (absent columns keep the C++ defaults, so a
    # round without them costs nothing extra).
    programme: dict[str, Any] = {}
    if "hours" in req or "cost_eur" in req:
        programme["req_hours"] = np.ascontiguousarray(firsts("hours"), dtype=np.float64)
        programme["req_cost_eur"] = np.ascontiguousarray(firsts("cost_eur"), dtype=np.float64)
    if "applicant_key" in req or "via_case" in req:
        programme["req_applicant_key"] = list(firsts("applicant_key"))
        programme["req_via_case"] = list(firsts("via_case"))
    if "capacity_hours" in adv or "hours_booked" in adv:
        programme["adv_capacity_hours"] = np.ascontiguousarray(adv["capacity_hours"], np.float64)
        programme["adv_hours_booked"] = np.ascontiguousarray(adv["hours_booked"], np.float64)
    programme |= {
        "services": catalogue.services_for(cat, services, offered),
        "service_names": services,
        "budget_eur": _budget(budget_eur),
        "service_areas": None if service_areas is None else service_areas._impl,
        "running": catalogue.running_cases(reg, svc_index),
        "req_services": [[svc_index[s] for s in lst[1:]] for lst in req_lists],
        "req_quantity": _quantity(firsts("quantity"), req_ids, first),
        "adv_services": [[svc_index[s] for s in lst[1:]] for lst in adv_lists],
    }
    # Service cells as written, normalised ("wmo;jeugd"): the requested alternatives and the
    # advisor's pool.
    rows = app.iloc[first].reset_index(drop=True)
    rows = rows.assign(
        service=[";".join(x) for x in req_lists],
        priority=priority,
        quantity=programme["req_quantity"],
    )
    adv_df = adv_df.assign(service=[";".join(x) for x in adv_lists])
    return _Prepared(req_ids, rows, adv_ids, adv_df, services, args, programme, cat, offered)


def _budget(value: Any) -> float:
    """``budget_eur=``: None = unlimited, else a number >= 0 (InvalidInputError otherwise)."""
    if value is None:
        return math.inf
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise InvalidTypeError(f"budget_eur must be a number or None, got {type(value).__name__}")
    v = float(value)
    if not v >= 0 or (math.isfinite(v) and v > 1e13):
        raise InvalidInputError("budget_eur must be in [0, 1e13] EUR (None = unlimited)")
    return v


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
    referrals : DataFrame
        applicant_id, service, reason (see ``REFERRAL_REASONS``: ``out_of_scope``,
        ``not_in_module``), refer_to (the catalogue's destination), detail. Referred
        requests are neither assigned nor escalated.
    specialists : DataFrame
        advisor_id (the advisor guiding the case a specialist was engaged for, via
        ``via_case``), service (a ``via_advisor_only`` service), cases, hours: specialist
        effort per requesting advisor this round (empty without such services).
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
        self.status = _STATUS_NAMES[int(core.status)]
        self.bound = core.bound / _core.COST_SCALE
        self.gap = float(core.gap)
        self.spend_eur = float(core.spend_eur)
        self.catalogue = prep.catalogue
        self.budget_eur = float(prep.programme.get("budget_eur", math.inf))
        #: With a road network: how many requests (none of their locations) and advisor bases
        #: it could not place (farther than its ``snap_max_m`` from every road); else None.
        self.unplaced = (
            None
            if prep.unplaced_requests is None
            else {
                "requests": int(prep.unplaced_requests.sum()),
                "advisors": int(prep.unplaced_advisors.sum()),
            }
        )
        self._build()
        self._build_spend()
        self.specialists = _round_rules.specialists(self)

    def _build(self) -> None:
        prep, core = self._prep, self._core
        req = self._outcome = core.requests()
        req_ids = np.array(prep.req_ids, dtype=object)
        adv_ids = np.array(prep.adv_ids, dtype=object)
        rows = prep.req_rows
        adv = req["advisor"]
        ok = adv >= 0
        self._referral = req["referral"]
        self._missing_eur = req["missing_eur"]
        comp = {c: req[c] for c in (*COST_COMPONENTS, "total")}
        names = np.array(prep.services, dtype=object)
        self._open_positions = req["open_positions"]
        a = pd.DataFrame(
            {
                "applicant_id": req_ids[ok],
                "advisor_id": adv_ids[adv[ok]],
                "service": names[req["service"][ok]],
                "priority": rows["priority"].to_numpy(np.int64)[ok],
                "pinned": req["pinned"][ok],
                "minutes": req["minutes"][ok],
                "km": req["km"][ok],
                "total": comp["total"][ok],
                **{c: comp[c][ok] for c in COST_COMPONENTS},
                "hours": req["hours"][ok],
                "cost_eur": req["cost_eur"][ok],
                "services_requested": rows["service"].to_numpy(object)[ok],
                "position": np.ones(int(ok.sum()), dtype=np.int64),
            }
        )
        pos = core.positions()
        if len(pos["request"]):
            k = pos["request"]
            more = pd.DataFrame(
                {
                    "applicant_id": req_ids[k],
                    "advisor_id": adv_ids[pos["advisor"]],
                    "service": names[pos["service"]],
                    "priority": rows["priority"].to_numpy(np.int64)[k],
                    "pinned": np.zeros(len(k), dtype=bool),
                    "minutes": pos["minutes"],
                    "km": pos["km"],
                    "total": pos["total"],
                    **{c: pos[c] for c in COST_COMPONENTS},
                    "hours": pos["hours"],
                    "cost_eur": pos["cost_eur"],
                    "services_requested": rows["service"].to_numpy(object)[k],
                    "position": pos["position"],
                }
            )
            a = pd.concat([a, more], ignore_index=True)
        self.assignments = a.sort_values(["applicant_id", "position"], kind="stable").reset_index(
            drop=True
        )

        # Escalated: no match (referred requests are not escalated); and requests with some
        # matches but open positions (unfilled_position).
        unfilled = ok & (req["open_positions"] > 0)
        esc = np.flatnonzero((~ok & (req["referral"] == 0)) | unfilled)
        reasons = [
            "unfilled_position" if unfilled[k] else _REASON_NAMES[int(req["reason"][k])]
            for k in esc
        ]
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
                "positions_open": req["open_positions"][esc],
            }
        )
        self.escalations = e.sort_values("applicant_id", kind="stable").reset_index(drop=True)
        self.referrals = _round_rules.referrals(self, req["referral"])

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
                "service": names[alt["service"]],
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
                "hours_capacity": ld["hours_capacity"],
                "hours_before": ld["hours_before"],
                "hours_after": ld["hours_after"],
            }
        )
        self.loads = lo.sort_values("advisor_id", kind="stable").reset_index(drop=True)

    def _build_spend(self) -> None:
        """spend_by_service (one row per service of the round) and slots_used."""
        core, services = self._core, self._prep.services
        spend = list(core.spend_by_service)[: len(services)]
        used = list(core.slots_used)[: len(services)]
        spend += [0.0] * (len(services) - len(spend))
        used += [0] * (len(services) - len(used))
        cat = self.catalogue
        rows = {} if cat is None else {s: k for k, s in enumerate(cat["service"])}

        def cat_value(s: str, col: str, default: Any) -> Any:
            return cat[col].iloc[rows[s]] if s in rows else default

        self.spend_by_service = pd.DataFrame(
            {
                "service": services,
                "portfolio": [cat_value(s, "portfolio", "") for s in services],
                "cases": [int(u) for u in used],
                "spend_eur": spend,
                "slots_used": used,
                "max_cases": [float(cat_value(s, "max_cases", math.inf)) for s in services],
                "budget_eur": [float(cat_value(s, "budget_eur", math.inf)) for s in services],
            }
        )
        self.slots_used = dict(zip(services, (int(u) for u in used)))

    def _detail(self, k: int, reason: str, lang: str = "en") -> str:
        """Why request ``k`` was escalated, in ``lang`` (the ``detail`` column is English)."""
        f = self._funnel[k]
        service = self._prep.req_rows["service"].iloc[k]
        if reason == "unfilled_position":
            q = int(self._prep.req_rows["quantity"].iloc[k])
            n_open = int(self._open_positions[k])
            return term("d_positions_open", lang, open=n_open, q=q, matched=q - n_open)
        if reason in _round_rules.DETAIL_REASONS:
            return _round_rules.escalation_detail(self, k, reason, self._outcome, lang)
        if reason == "pinned_advisor_unavailable":
            cur = self._prep.args["current"][k]
            if cur < 0:
                return term("d_pinned_not_in_pool", lang)
            ex = self._core.explain(k)
            v = _VERDICT_NAMES[int(ex["verdict"][cur])]
            who = self._prep.adv_ids[cur]
            if v == "eligible":
                return term("d_pinned_no_room", lang, who=who)
            return term("d_pinned_fails", lang, who=who, v=term(f"v_{v}", lang))
        if reason in ("no_hours", "slots_exhausted", "budget_exhausted", "reserved_for_priority"):
            return self._programme_detail(k, reason, service, lang)
        parts = [term("d_funnel", lang, n=f[0], service=service)]
        labels = ("d_with_expertise", "d_not_excluded", "d_within_radius", "d_free_capacity")
        for j, label in enumerate(labels, start=1):
            if f[j - 1] == 0:
                break
            parts.append(term(label, lang, n=f[j]))
        text = ", ".join(parts)
        if reason == "no_capacity" and f[4] > 0:
            text += term("d_room_taken", lang)
        unplaced = self._prep.unplaced_requests
        if reason == "all_out_of_radius" and unplaced is not None and unplaced[k]:
            text += term("d_unplaced", lang)
        return text

    def _programme_detail(self, k: int, reason: str, service: str, lang: str = "en") -> str:
        f = self._funnel[k]
        if reason == "no_hours":
            return term("d_no_hours", lang, n=f[4], service=service)
        if reason == "slots_exhausted":
            cat = self.catalogue
            row = None if cat is None else cat[cat["service"] == service]
            cap = float(row["max_cases"].iloc[0]) if row is not None and len(row) else math.inf
            return term("d_slots", lang, cap=f"{cap:g}", service=service)
        if reason == "reserved_for_priority":
            pri = [p for s, _, p in self.rules.reserve if s == service]
            limit = term("d_reserved_limit", lang, p=pri[0]) if pri else ""
            return term("d_reserved", lang, service=service, limit=limit)
        missing = float(self._missing_eur[k])
        return term("d_budget", lang, eur=fmt_num(missing, 2, lang))

    def __len__(self) -> int:
        return len(self._prep.req_ids)

    def __repr__(self) -> str:
        return (
            f"RoundResult({len(self.assignments)} assigned, {len(self.escalations)} "
            f"escalated, {len(self.referrals)} referred, {len(self._prep.adv_ids)} advisors)"
        )

    def explain(self, applicant_id: Any) -> pd.DataFrame:
        """Every advisor of the pool with its verdict for one request.

        Columns: advisor_id, service, verdict (``eligible`` or the first failing hard rule:
        ``service``, ``expertise``, ``excluded``, ``radius``, ``capacity``), chosen, rank
        (1 = best eligible; the chosen advisor wins ties; NA when not eligible), has_room
        (free capacity left after the round), minutes, km, total and the cost components
        (NaN when not eligible), why (a sentence; for a request stopped by a catalogue limit,
        slots, money or a reservation, the eligible advisors' sentences end with that
        escalation and its detail). Eligible advisors first, by rank.
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
                "hours_needed": ex["hours_needed"],
                "hours_free": ex["hours_free"],
                "cost_eur": ex["cost_eur"],
                "served_under": [self._prep.services[s] if s >= 0 else None for s in ex["service"]],
            }
        )
        # A catalogue limit (slots, money, reservation) stops the request whatever the
        # advisor: the eligible advisors' sentences name it.
        esc = self.escalations
        hit = esc[esc["applicant_id"] == key]
        stop = None
        if len(hit) and hit["reason"].iloc[0] in _SERVICE_LIMITS:
            stop = f"{hit['reason'].iloc[0]}: {hit['detail'].iloc[0]}"
        df["why"] = [self._why(k, i, r, stop) for i, r in enumerate(df.itertuples(index=False))]
        df["_elig"] = df["verdict"] != "eligible"
        df = df.sort_values(["_elig", "rank", "advisor_id"], kind="stable", na_position="last")
        return df.drop(columns="_elig").reset_index(drop=True)

    def _why(self, k: int, i: int, row: Any, stop: str | None = None) -> str:
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
        if np.isfinite(row.hours_free) and np.isfinite(row.hours_needed):
            parts.append(f"needs {row.hours_needed:.1f} h of {row.hours_free:.1f} h free")
        if row.cost_eur:
            parts.append(f"costs EUR {row.cost_eur:.2f}")
        text = f"{head}: " + ", ".join(parts)
        if stop and not row.chosen:
            text += f"; not matched: {stop}"
        return text

    def summary(self) -> pd.DataFrame:
        """Per requested service (as written, e.g. ``zaakbegeleider;vabimpuls``): requests,
        assigned (requests with a match; requests = assigned + escalated + referred),
        escalated, referred, open_positions (of assigned requests with ``quantity`` > 1,
        escalated as ``unfilled_position``), mean travel minutes of the matches, hours and
        spend (EUR) of the new cases."""
        rows = self._prep.req_rows
        a, e, f = self.assignments, self.escalations, self.referrals

        def line(name: str, asg: pd.DataFrame, esc: pd.DataFrame, n_req: int, n_ref: int):
            part = esc["reason"] == "unfilled_position"
            return {
                "service": name,
                "requests": n_req,
                "assigned": int(asg["applicant_id"].nunique()),
                "escalated": int((~part).sum()),
                "referred": n_ref,
                "open_positions": int(esc.loc[part, "positions_open"].sum()),
                "mean_minutes": round(float(asg["minutes"].mean()), 1) if len(asg) else math.nan,
                "hours": round(float(asg["hours"].sum()), 2),
                "spend_eur": round(float(asg["cost_eur"].sum()), 2),
            }

        out = [
            line(
                s,
                a[a["services_requested"] == s],
                e[e["service"] == s],
                int((rows["service"] == s).sum()),
                int((f["service"] == s).sum()),
            )
            for s in sorted(set(rows["service"]))
        ]
        out.append(line("total", a, e, len(rows), len(f)))
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

        ``rounded``: numbers for people (whole minutes, km and hours to one decimal, points
        to one decimal, euros to the cent, utilisation as a fraction to three decimals).
        ``excel``: what a Dutch Excel opens directly (``;`` separator, decimal comma, UTF-8 with BOM); implies nothing
        about rounding. Returns the paths written.
        """
        from .audit import write_audit

        paths = self._write_tables(out_dir, rounded=rounded, excel=excel)
        if audit:
            options = {"rounded": bool(rounded), "excel": bool(excel)}
            paths.append(write_audit(self, out_dir, paths, options))
        return paths

    def _write_tables(
        self, out_dir: str | os.PathLike, *, rounded: bool = False, excel: bool = False
    ) -> list[str]:
        from .audit import ROUND_TABLES

        _io.output_dir(out_dir, "round result")
        paths = []
        cat = self.catalogue
        written = {  # the tables a round may lack; the others are always written
            "referrals": isinstance(getattr(self, "referrals", None), pd.DataFrame),
            "spend_by_service": cat is not None,
            "specialists": cat is not None and bool(cat["via_advisor_only"].astype(bool).any()),
        }
        for name in (t for t in ROUND_TABLES if written.get(t, True)):
            p = os.path.join(out_dir, f"{name}.csv")
            df = getattr(self, name)
            if name == "spend_by_service":  # unlimited max_cases / budget_eur: an empty cell
                df = df.replace(math.inf, np.nan)
            if rounded:
                df = _rounded(df)
            if excel:
                _io.write_csv(df, p, "round result", sep=";", decimal=",", encoding="utf-8-sig")
            else:
                _io.write_csv(df, p, "round result")
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
            a = self.assignments.drop_duplicates("applicant_id").set_index("applicant_id")
            e = self.escalations.set_index("applicant_id")
            df["outcome"] = np.select(
                [
                    df["applicant_id"].isin(a.index),
                    df["applicant_id"].isin(self.referrals.applicant_id),
                ],
                ["assigned", "referred"],
                "escalated",
            )
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
        (lines request -> advisor base), ``<prefix>advisors`` (bases with loads),
        ``<prefix>escalations`` and ``<prefix>referrals`` (tables). Returns the layer names
        written."""
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
        ``week``, ``title``); ``areas`` defaults to the round's own orientation areas.
        Returns the path."""
        from .report import round_report

        kwargs.setdefault("areas", getattr(self, "_areas", None))
        return round_report(self, path, language=language, **kwargs)

    def plot(self, areas: AreaSet | None = None, ax=None, by: str = "service", labels: bool = True):
        """Map of the round; returns ``ax``.

        ``by="service"``: requests and their lines to the advisor's base coloured by service;
        ``by="outcome"``: requests coloured assigned / escalated / referred (lines grey).
        Escalated requests (:attr:`escalations`, including a vacancy's unfilled positions)
        are always drawn as crosses, referred ones (:attr:`referrals`) as diamonds, advisor
        bases as black triangles. Orientation areas (``areas``) get a light qualitative fill
        and their id as label (``labels``); a legend, a scale bar and a title with the counts
        (requests assigned, escalated, referred) are added.
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
        referred = np.asarray(self._referral) != 0
        # as :attr:`escalations`: no match and not referred, or a vacancy's open positions
        escalated = (~ok & ~referred) | (ok & (np.asarray(self._open_positions) > 0))
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
        for outcome, mask, size, marker in (
            ("escalated", escalated, 70, "X"),
            ("referred", referred, 45, "D"),
        ):
            if mask.any():
                ax.scatter(
                    *primary[mask].T,
                    s=size,
                    marker=marker,
                    color=OUTCOME_COLOURS[outcome],
                    edgecolors="white",
                    linewidths=0.6,
                    zorder=5,
                    label=outcome,
                )
        ax.set_aspect("equal")
        ax.autoscale_view()
        add_scale_bar(ax)
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
        leg = ax.legend(loc="upper left", fontsize=8, title="service" if by == "service" else None)
        leg.set_zorder(8)  # above the area labels and the scale bar
        ax.set_title(
            f"Weekly round: {int(ok.sum())} assigned, {int(escalated.sum())} escalated, "
            f"{int(referred.sum())} referred"
        )
        return ax


_ROUND_DIGITS = {
    "minutes": 0,
    "km": 1,
    "utilisation": 3,
    # hours to one decimal (6 minutes), money to the cent
    "hours": 1,
    "hours_capacity": 1,
    "hours_before": 1,
    "hours_after": 1,
    "cost_eur": 2,
    "spend_eur": 2,
    "budget_eur": 2,
}


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    """Numbers for people: whole minutes, km and hours to 1 decimal, cost points to 1
    decimal, euros to the cent."""
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
    services: Any = None,
    budget_eur: float | None = None,
    time_limit_s: float | None = None,
    service_areas: Any = None,
    register: Any = None,
) -> RoundResult:
    """Runs one weekly matching round.

    Parameters
    ----------
    applicants, advisors : DataFrame, GeoDataFrame (points) or CSV path
        Schema in ``docs/input_schema.md``. ``applicant_id`` must be unique among request
        rows: an extra business location is a row whose ``location_of`` names the request
        (the request's own row is primary).
    areas : AreaSet or path, optional
        Orientation areas referenced by the advisors' ``areas`` column (a path is read with
        id field ``id``). Without it no ``outside_area`` cost is charged.
    travel : travel model, optional
        ``libmatch.StraightLine(...)`` or ``libmatch.RoadNetwork(...)``; default straight
        line x1.3 at 60 km/h.
    weights : Weights or dict, optional
    rules : Rules or dict, optional
        ``Rules.reserve`` = a list of ``(service, slots, min_priority)``.
    services : DataFrame or path, optional
        The service catalogue (hours, cost_eur, max_cases, budget_eur, travel_in_hours,
        visits, portfolio, referral_only, refer_to, offered_in, via_advisor_only; see
        :mod:`libmatch.catalogue`). With it every service of requests, advisors and the
        register must be listed (UnknownIdError naming the row and id).
    budget_eur : float, optional
        Money available in this round over all services (None = unlimited).
    time_limit_s : float, optional
        Caps the exact programme solve, from its flow relaxation to the MIP (sets
        ``Rules.time_limit_s``); the result's ``status`` is then ``"time_limit"`` with a
        proven ``bound`` and ``gap``.
    service_areas : AreaSet or path, optional
        Membership layer for the catalogue's ``offered_in`` (default: ``areas``).
    register : DataFrame or path, optional
        Running cases (applicant_key, advisor_id, service, x, y).

    Notes
    -----
    Hours, money and slots: a case takes the request's ``hours`` (else the service's, plus the
    visits' round trips with ``travel_in_hours``) of the advisor's free hours
    (``capacity_hours - hours_booked``) and costs its ``cost_eur`` from the service's and the
    round's budget. The result says ``status``, ``bound``, ``gap``, ``spend_eur``,
    ``spend_by_service`` and ``slots_used``.

    Every request ends as exactly one of assigned (``assignments``), escalated
    (``escalations``) or referred elsewhere (``referrals``: ``out_of_scope`` for a
    ``referral_only`` service, ``not_in_module`` when the primary location lies outside the
    service's ``offered_in`` areas; decided first). Escalation reasons are decided in this
    order: ``already_in_guidance`` (the ``applicant_key`` or a business location within
    ``duplicate_tolerance_m`` matches a running case of ``register``, unless
    ``current_advisor`` is that case's advisor), ``duplicate_request`` (the same key or a
    location within the tolerance of an earlier request), ``no_open_case`` (a
    ``via_advisor_only`` service whose ``via_case`` is no running case nor a request of this
    round), ``pinned_advisor_unavailable``, then over the pool narrowed rule by rule:
    ``no_advisor_for_service``, ``no_expertise``, ``all_excluded``, ``all_out_of_radius``,
    ``no_capacity``; for requests with eligible advisors left out by the programme limits:
    ``no_hours`` (none of those with free cases has the free hours), ``slots_exhausted``,
    ``budget_exhausted`` (detail names the amount missing), ``reserved_for_priority``.

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
    w = options(weights, Weights, "weights")
    r = options(rules, Rules, "rules")
    if time_limit_s is not None:
        r = r.replace(time_limit_s=time_limit_s)
    area_set = _as_areas(areas)
    svc_areas = _as_areas(service_areas)
    _check_travel_crs(travel, area_set)
    # The inputs as read, for the audit record: file digests now, DataFrames as they are
    # (later edits to a file or frame are then changes since the round, not the round).
    sources = {
        "applicants": applicants,
        "advisors": advisors,
        "areas": areas,
        "services": services,
        "register": register,
        "service_areas": service_areas,
    }
    from .audit import snapshot_sources

    sources = snapshot_sources(sources)
    prep = _prepare(applicants, advisors, area_set, services, register, svc_areas, budget_eur)
    _mark_unplaced(prep, travel)
    core = _core.match_round(
        **prep.args,
        areas=None if area_set is None else area_set._impl,
        travel=travel,
        weights=w,
        rules=r,
        programme=prep.programme,
    )
    res = RoundResult(core, prep, w, r)
    res._crs = area_set.crs if area_set is not None else "EPSG:28992"
    res._areas = area_set  # the report's map and per-request areas by default
    res._sources = {**sources, "travel": travel}
    return res


def _mark_unplaced(prep: _Prepared, travel: Any) -> None:
    """With a road network: which requests have no location on it (all farther than its
    ``snap_max_m`` from every road) and which advisor bases are off it. Such a request
    reaches no advisor; its escalation detail and ``RoundResult.unplaced`` say so."""
    from .travel import RoadNetwork

    if not isinstance(travel, RoadNetwork):
        return
    args = prep.args
    loc_off = np.asarray(args["loc_offsets"])
    off_loc = travel.snap(args["loc_xy"])["edge"].to_numpy() < 0
    # a request is off the network when all of its locations (at least one each) are
    prep.unplaced_requests = np.logical_and.reduceat(off_loc, loc_off[:-1])
    prep.unplaced_advisors = travel.snap(args["adv_xy"])["edge"].to_numpy() < 0


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


def _suggest(key: str, allowed: Any) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def options(value: Any, cls: type, what: str):
    """A ``Weights`` / ``Rules`` / ``DesignWeights`` from None (the C++ defaults), an instance
    or a dict of fields; UnknownIdError for an unknown field (with the closest known one),
    InvalidTypeError / InvalidInputError naming the field for a bad value."""
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        for key in value:
            if key not in cls._fields:
                raise UnknownIdError(
                    f"{what}: unknown field {str(key)!r}{_suggest(str(key), cls._fields)}; "
                    f"known: {', '.join(cls._fields)}"
                )
        return cls(**{str(k): v for k, v in value.items()})
    raise InvalidTypeError(
        f"{what} must be a libmatch.{cls.__name__}, a dict or None, got {type(value).__name__}"
    )


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
    **programme: Any,
) -> RoundResult:
    area_set = _as_areas(areas)
    if report:  # a bad report path fails before any output is written
        _io.output_dir(os.path.dirname(os.path.abspath(report)) or ".", "--report")
        from .audit import AUDIT_FILE, ROUND_TABLES

        taken = [f"{t}.csv" for t in ROUND_TABLES] + [AUDIT_FILE, "round_map.png"]
        same_dir = os.path.abspath(os.path.dirname(os.path.abspath(report))) == os.path.abspath(
            out_dir
        )
        if same_dir and os.path.basename(report) in taken:
            raise UsageError(
                f"--report {os.path.basename(report)!r} is a file the round writes into --out; "
                "name the report otherwise (e.g. week.html)"
            )
    res = match(
        applicants,
        advisors,
        areas if isinstance(areas, (str, os.PathLike)) else area_set,
        travel=travel,
        weights=weights,
        rules=rules,
        **programme,
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
    from .audit import add_outputs

    map_path = os.path.join(out_dir, "round_map.png") if map_png else None
    add_outputs(out_dir, [p for p in (report, map_path) if p])
    print("Weekly round summary")
    _print_table(res.summary())
    if len(res.escalations):
        print("\nEscalations by reason")
        _print_table(res.escalations.groupby("reason").size().rename("requests").reset_index())
    if len(res.referrals):
        print("\nReferrals by reason (referrals.csv)")
        _print_table(res.referrals.groupby("reason").size().rename("requests").reset_index())
    if res.catalogue is not None or math.isfinite(res.budget_eur):
        print(f"\nSpend EUR {res.spend_eur:.2f} (solve {res.status}, gap {res.gap:.4%})")
    if res.unplaced and (res.unplaced["requests"] or res.unplaced["advisors"]):
        print(
            f"\n{res.unplaced['requests']} request(s) and {res.unplaced['advisors']} advisor "
            "base(s) could not be placed on the road network (farther than its snap distance "
            "from every road): such requests reach no advisor (all_out_of_radius)"
        )
    print(f"\nObjective {res.objective:.2f} points; results in {out_dir}")
    return res


def _context_layers(specs: list[str] | None) -> dict:
    """``--context NAME=FILE`` (id field ``id``) -> {name: AreaSet} for the report."""
    out = {}
    for spec in specs or []:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise UsageError("--context expects NAME=FILE, got an entry without '='")
        out[name] = read_areas(path, "id")
    return out


def _cmd_round(args) -> int:
    from ._cliargs import layer_spec, options_json, travel_from_args

    areas = None
    if args.areas:
        path, layer, id_field = layer_spec(args.areas, "--areas", "id")
        areas = path if (layer is None and id_field == "id") else read_areas(path, id_field, layer)
    crs = areas.crs if isinstance(areas, AreaSet) else "EPSG:28992"
    _run_and_write(
        args.applicants,
        args.advisors,
        areas,
        args.out,
        travel=travel_from_args(args, crs=crs),
        weights=options_json(args.weights, "--weights"),
        rules=options_json(args.rules, "--rules"),
        map_png=not args.no_map,
        report=args.report,
        rounded=args.rounded,
        excel=args.excel,
        language=args.language,
        context=_context_layers(args.context),
        services=args.services,
        budget_eur=args.budget_eur,
        time_limit_s=args.time_limit_s,
        register=args.register,
        service_areas=_service_areas_arg(args.service_areas),
    )
    return 0


def _service_areas_arg(spec: str | None) -> Any:
    """``--service-areas FILE[@LAYER][:ID_FIELD]`` -> path (plain) or AreaSet."""
    from ._cliargs import layer_spec

    if not spec:
        return None
    path, layer, id_field = layer_spec(spec, "--service-areas", "id")
    return path if (layer is None and id_field == "id") else read_areas(path, id_field, layer)


def farms_per_municipality(farms: Any, municipalities: AreaSet) -> pd.DataFrame:
    """Number of farms per municipality (point in polygon), all municipalities listed."""
    df = schema.POINTS.read(farms, "farms")
    xy = schema.POINTS.parse(df, "farms").xy()
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
    if not os.path.isdir(data):
        raise FileMissingError(f"run-demo --data: directory {data!r} does not exist")
    _io.output_dir(out, "run-demo --out")
    muni = read_areas(os.path.join(data, "municipalities.geojson"), "id")
    farms = farms_per_municipality(os.path.join(data, "farms.csv"), muni)
    _io.write_csv(farms, os.path.join(out, "farms_per_municipality.csv"), "run-demo --out")
    print(
        f"Farms per municipality ({int(farms['farms'].sum())} farms located, "
        f"{farms.attrs['outside']} outside every municipality)"
    )
    _print_table(farms)
    print()
    # The service catalogue (hours, prices, budgets) when the data set has one.
    services = os.path.join(data, "services.csv")
    programme = {"services": services} if os.path.isfile(services) else {}
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
        **programme,
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
    p.add_argument(
        "--areas",
        metavar="FILE[@LAYER][:ID_FIELD]",
        help="orientation areas (any GDAL vector source; id field default 'id')",
    )
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
    p.add_argument(
        "--weights",
        metavar="JSON",
        help="Weights fields as a JSON object or file, e.g. '{\"load\": 90}'",
    )
    p.add_argument("--rules", metavar="JSON", help="Rules fields as a JSON object or file")
    p.add_argument(
        "--services", metavar="FILE", help="service catalogue (hours, cost_eur, max_cases, ...)"
    )
    p.add_argument(
        "--budget-eur", type=float, default=None, metavar="X", help="money for this round, EUR"
    )
    p.add_argument(
        "--time-limit-s",
        type=float,
        default=300.0,
        metavar="S",
        help="cap on the exact solve of a round with hours, money or slots, seconds (default "
        "300: a weekly run never waits for ever; the printed status and gap say whether the "
        "result is proven optimal; 'inf' for no cap)",
    )
    p.add_argument("--register", metavar="FILE", help="register of running cases")
    p.add_argument(
        "--service-areas",
        metavar="FILE[@LAYER][:ID_FIELD]",
        help="membership layer for the catalogue's offered_in (default: --areas)",
    )
    from ._cliargs import add_travel_args

    add_travel_args(p)
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
