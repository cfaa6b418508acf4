"""Python side of the rules a round decides before its solve (``libmatch/src/round_rules.cpp``):
extra business locations (``location_of``), the referrals table (``result.referrals``) and the
details of ``already_in_guidance``, ``duplicate_request`` and ``no_open_case``. Applicant keys
(``applicant_key``, ``via_case``) are opaque and never printed: details name request and
advisor ids, services and area ids only.

Examples
--------
>>> import pandas as pd, libmatch
>>> req = pd.DataFrame({"applicant_id": ["R1", "R1", "R2"], "x": [0.0, 900.0, 50.0],
...                     "y": [0.0, 0.0, 0.0], "service": ["coach", "coach", "social"],
...                     "location_of": ["", "R1", ""]})
>>> adv = pd.DataFrame({"advisor_id": ["A1"], "x": [0.0], "y": [0.0], "service": ["coach"],
...                     "capacity": [2]})
>>> cat = pd.DataFrame({"service": ["coach", "social"], "referral_only": [False, True],
...                     "refer_to": ["", "sociaal team"]})
>>> res = libmatch.match(req, adv, services=cat)
>>> res.referrals[["applicant_id", "reason", "refer_to"]].values.tolist()
[['R2', 'out_of_scope', 'sociaal team']]
>>> res.summary()[["service", "assigned", "referred"]].values.tolist()
[['coach', 1, 0], ['social', 0, 1], ['total', 1, 1]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .errors import InvalidInputError, UnknownIdError
from .terms import term

#: Referral reasons, in the order they are decided (before every escalation reason).
REFERRAL_REASONS = ("out_of_scope", "not_in_module")
#: Columns of ``RoundResult.referrals``.
REFERRAL_COLUMNS = ("applicant_id", "service", "reason", "refer_to", "detail")
#: Escalation reasons whose detail this module writes.
DETAIL_REASONS = ("already_in_guidance", "duplicate_request", "no_open_case")

_REFERRAL_NAMES = [
    "" if n == "none" else n
    for n, _ in sorted(_core.Referral.__members__.items(), key=lambda kv: int(kv[1]))
]


def locations(ids: list[str], location_of: list[str], xy: np.ndarray) -> tuple:
    """Requests and their business locations from the applicant rows.

    A row with ``location_of`` is an extra business location of the request whose
    applicant_id it names (its own applicant_id is that id or a label of its own; its other
    columns are not read); every other row is a request, its location the primary one. A
    repeated applicant_id among request rows is an InvalidInputError naming the id and rows,
    a ``location_of`` naming no request row an UnknownIdError naming the row.

    Returns request ids (row order), the row of each request, CSR offsets of its locations
    (primary first, then the location rows in row order) and the location coordinates.
    """
    first: dict[str, int] = {}
    for k, (a, owner) in enumerate(zip(ids, location_of)):
        if owner:
            continue
        if a in first:
            raise InvalidInputError(
                f"applicants: applicant_id '{a}' in row {k} repeats row {first[a]}: an extra "
                f"business location of one request needs a location_of column naming '{a}' "
                "(another request needs its own applicant_id)"
            )
        first[a] = k
    extra: dict[str, list[int]] = {}
    for k, (a, owner) in enumerate(zip(ids, location_of)):
        if not owner:
            continue
        if owner not in first:
            raise UnknownIdError(
                f"applicants: location_of in row {k} (id '{a}') names no applicant_id of a "
                "request row"
            )
        if a != owner and a in first:
            raise InvalidInputError(
                f"applicants: row {k} is a location of another request (location_of) but "
                f"its applicant_id '{a}' is the id of request row {first[a]}"
            )
        extra.setdefault(owner, []).append(k)
    req_ids = list(first)
    rows = [[first[a], *extra.get(a, ())] for a in req_ids]
    first_rows = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    loc_index = np.fromiter((k for r in rows for k in r), dtype=np.int64)
    loc_off = np.zeros(len(rows) + 1, dtype=np.int64)
    loc_off[1:] = np.cumsum([len(r) for r in rows])
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    return req_ids, first_rows, loc_off, np.ascontiguousarray(xy[loc_index])


def _catalogue_value(result: Any, service: str, column: str, default: Any) -> Any:
    cat = result.catalogue
    if cat is None or column not in cat:
        return default
    hit = cat.index[cat["service"] == service]
    return cat[column].loc[hit[0]] if len(hit) else default


def referrals(result: Any, codes: np.ndarray) -> pd.DataFrame:
    """``RoundResult.referrals``: one row per referred request, by applicant_id."""
    prep = result._prep
    idx = np.flatnonzero(np.asarray(codes) != 0)
    services = prep.req_rows["service"].to_numpy(object)[idx]
    reasons = [_REFERRAL_NAMES[int(codes[k])] for k in idx]
    area = _membership_ids(result, idx) if "not_in_module" in reasons else [None] * len(idx)
    detail = []
    for j, s in enumerate(services):
        if reasons[j] == "out_of_scope":
            detail.append(f"service '{s}' is referral_only: not served by this pool")
        elif area[j] is None:
            detail.append(
                f"the primary location lies outside the membership layer; service '{s}' "
                "is offered only in its offered_in areas"
            )
        else:
            detail.append(
                f"the primary location lies in '{area[j]}', where service '{s}' is not offered"
            )
    df = pd.DataFrame(
        {
            "applicant_id": pd.Series(np.array(prep.req_ids, dtype=object)[idx], dtype=object),
            "service": pd.Series(services, dtype=object),
            "reason": pd.Series(reasons, dtype=object),
            "refer_to": pd.Series(
                [str(_catalogue_value(result, s, "refer_to", "")) for s in services], dtype=object
            ),
            "detail": pd.Series(detail, dtype=object),
        },
        columns=list(REFERRAL_COLUMNS),
    )
    return df.sort_values("applicant_id", kind="stable").reset_index(drop=True)


def _membership_ids(result: Any, idx: np.ndarray) -> list:
    """Id of the membership area (service_areas, else areas) of each request's primary
    location, None outside (or without a layer)."""
    layer = getattr(result._prep, "membership", None)
    if layer is None or not len(idx):
        return [None] * len(idx)
    args = result._prep.args
    primary = np.ascontiguousarray(args["loc_xy"][args["loc_offsets"][:-1]][idx])
    where = layer.locate(primary)
    return [layer.ids[int(w)] if w >= 0 else None for w in where]


def escalation_detail(result: Any, k: int, reason: str, outcome: dict, lang: str = "en") -> str:
    """The detail of escalation ``reason`` for request index ``k`` (``outcome``: the core's
    per-request arrays) in ``lang``. Names the running advisor, never the applicant key."""
    prep = result._prep
    prog = prep.programme
    keys = prog.get("req_applicant_key") or [""] * len(prep.req_ids)
    service = prep.req_rows["service"].iloc[k]
    tolerance = f"{result.rules.duplicate_tolerance_m:g}"
    if reason == "already_in_guidance":
        c = int(outcome["running_case"][k])
        rc = prog["running"][c]
        how = (
            term("d_same_key", lang)
            if keys[k] and keys[k] == rc.applicant_key
            else term("d_near_its_location", lang, m=tolerance)
        )
        return term(
            "d_running_case", lang, service=prep.services[rc.service], adv=rc.advisor_id, how=how
        )
    if reason == "duplicate_request":
        d = int(outcome["duplicate_of"][k])
        other = prep.req_ids[d] if d >= 0 else "?"
        via = prog.get("req_via_case") or [""] * len(prep.req_ids)
        if _catalogue_value(result, service, "via_advisor_only", False) and via[k]:
            return term("d_dup_specialist", lang, other=other)
        if keys[k] and d >= 0 and keys[k] == keys[d]:
            return term("d_dup_key", lang, other=other)
        return term("d_dup_location", lang, m=tolerance)
    via = (prog.get("req_via_case") or [""] * len(prep.req_ids))[k]
    return term("d_via_empty" if not via else "d_via_unknown", lang, service=service)


#: Columns of ``RoundResult.specialists``.
SPECIALIST_COLUMNS = ("advisor_id", "service", "cases", "hours")


def specialists(result: Any) -> pd.DataFrame:
    """``RoundResult.specialists``: hours of the specialists assigned this round per
    requesting advisor (the advisor guiding the case of ``via_case``: its assignment in this
    round, else its running case in the register) and specialist service."""
    prep, cat = result._prep, result.catalogue
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in SPECIALIST_COLUMNS})
    if cat is None or "via_advisor_only" not in cat or not cat["via_advisor_only"].any():
        return empty
    spec = set(cat["service"][cat["via_advisor_only"].astype(bool)])
    prog = prep.programme
    keys = prog.get("req_applicant_key") or [""] * len(prep.req_ids)
    via = prog.get("req_via_case") or [""] * len(prep.req_ids)
    guide: dict[str, str] = {}
    for rc in sorted(prog.get("running") or [], key=lambda c: c.advisor_id, reverse=True):
        if rc.applicant_key:
            guide[rc.applicant_key] = rc.advisor_id  # the lowest advisor id wins
    a = result.assignments
    for aid, adv, svc in zip(a["applicant_id"], a["advisor_id"], a["service"]):
        k = result._index[aid]
        if svc not in spec and keys[k]:
            guide[keys[k]] = adv  # a case started (or reassigned) this round
    rows = [
        (guide.get(via[result._index[aid]], ""), svc, h)
        for aid, svc, h in zip(a["applicant_id"], a["service"], a["hours"])
        if svc in spec
    ]
    if not rows:
        return empty
    df = pd.DataFrame(rows, columns=["advisor_id", "service", "hours"])
    out = df.groupby(["advisor_id", "service"], sort=True).agg(
        cases=("hours", "size"), hours=("hours", "sum")
    )
    return out.reset_index()[list(SPECIALIST_COLUMNS)]
