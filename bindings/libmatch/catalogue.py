"""The service catalogue of a programme (hours, prices, slots, budgets, referrals, modules)
and the register of running cases, read into what the round's C++ core takes.

:func:`read_catalogue` reads the ``services`` table (schema in ``docs/input_schema.md``,
:data:`libmatch.schema.SERVICES`) from a DataFrame, a CSV or any OGR table and checks its
cells; :func:`services_for` builds one :class:`libmatch._core.Service` per interned service of
a round. :func:`read_register` reads the running cases (:data:`libmatch.schema.REGISTER`).
Range rules (hours, prices and budgets >= 0) are checked here by row and service id, and
again in C++ (``run_round``); messages never echo cell values.

Examples
--------
>>> import pandas as pd
>>> from libmatch import catalogue
>>> cat = catalogue.read_catalogue(pd.DataFrame({
...     "service": ["coaching", "imk"], "hours": [10, 3], "cost_eur": [750, 2095],
...     "max_cases": [None, 30]}))
>>> cat[["service", "hours", "max_cases"]].values.tolist()
[['coaching', 10.0, inf], ['imk', 3.0, 30.0]]
>>> [s.max_cases for s in catalogue.services_for(cat, ["coaching", "imk"])][1]
30
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from . import _core, schema
from .errors import InvalidInputError, UnknownIdError

__all__ = ["read_catalogue", "services_for", "read_register", "running_cases"]

#: largest finite slot count and money amount (EUR) a catalogue may give (cents stay exact)
_MAX_CASES = 1e12
_MAX_EUR = 1e13
_NON_NEGATIVE = ("hours", "cost_eur", "max_cases", "budget_eur", "visits")
_FINITE = ("hours", "cost_eur", "visits")


def read_catalogue(source: Any, what: str = "services") -> pd.DataFrame:
    """The catalogue as a DataFrame with every declared column typed and defaults filled in
    (``max_cases`` and ``budget_eur`` are ``inf`` when unlimited, ``offered_in`` a list).
    InvalidInputError naming the row and service for a negative, infinite or fractional
    value or a duplicate service; the cell value is never printed."""
    df = schema.SERVICES.read(source, what)
    parsed = schema.SERVICES.parse(df, what)
    ids = parsed.ids
    seen: dict[str, int] = {}
    for k, s in enumerate(ids):
        if s in seen:
            raise InvalidInputError(f"{what}: service '{s}' in row {k} repeats row {seen[s]}")
        seen[s] = k
    for name in _NON_NEGATIVE:
        v = parsed[name]
        for k in np.flatnonzero(~(v >= 0)):  # NaN fails too
            raise InvalidInputError(f"{what}: {name} in row {k} (service '{ids[k]}') must be >= 0")
        if name in _FINITE:
            for k in np.flatnonzero(~np.isfinite(v)):
                raise InvalidInputError(
                    f"{what}: {name} in row {k} (service '{ids[k]}') must be finite"
                )
    mc = parsed["max_cases"]
    for k in np.flatnonzero(np.isfinite(mc) & (mc != np.round(mc))):
        raise InvalidInputError(
            f"{what}: max_cases in row {k} (service '{ids[k]}') must be a whole number"
        )
    for k in np.flatnonzero(np.isfinite(mc) & (mc > _MAX_CASES)):
        raise InvalidInputError(
            f"{what}: max_cases in row {k} (service '{ids[k]}') must be at most 1e12 "
            "(empty = unlimited)"
        )
    budget = parsed["budget_eur"]
    for k in np.flatnonzero(np.isfinite(budget) & (budget > _MAX_EUR)):
        raise InvalidInputError(
            f"{what}: budget_eur in row {k} (service '{ids[k]}') must be at most 1e13 EUR "
            "(empty = unlimited)"
        )
    cost = parsed["cost_eur"]
    for k in np.flatnonzero(np.isfinite(cost) & (cost > _MAX_EUR)):
        raise InvalidInputError(
            f"{what}: cost_eur in row {k} (service '{ids[k]}') must be at most 1e13 EUR"
        )
    out = pd.DataFrame({c.name: parsed[c.name] for c in schema.SERVICES.columns})
    out["service"] = ids
    return out


def services_for(
    catalogue: pd.DataFrame | None,
    services: list[str],
    offered_areas: Any = None,
    what: str = "services",
) -> list | None:
    """One ``_core.Service`` per name of ``services`` (the round's interned order), or None
    without a catalogue. ``offered_in`` ids are looked up in ``offered_areas`` (an AreaSet:
    ``service_areas=``, else the round's ``areas``); an unknown id is an UnknownIdError naming
    the service. Names missing from the catalogue raise UnknownIdError."""
    if catalogue is None:
        return None
    rows = {s: k for k, s in enumerate(catalogue["service"])}
    index = None
    if offered_areas is not None:
        index = {a: k for k, a in enumerate(offered_areas.ids)}
    out = []
    for name in services:
        if name not in rows:
            raise UnknownIdError(f"{what}: service '{name}' is not in the catalogue")
        k = rows[name]
        row = catalogue.iloc[k]
        s = _core.Service()
        s.hours = float(row["hours"])
        s.cost_eur = float(row["cost_eur"])
        mc = float(row["max_cases"])
        s.max_cases = _core.UNLIMITED if math.isinf(mc) else int(mc)
        s.budget_eur = float(row["budget_eur"])
        s.travel_in_hours = bool(row["travel_in_hours"])
        s.visits = float(row["visits"])
        s.referral_only = bool(row["referral_only"])
        s.refer_to = str(row["refer_to"])
        s.via_advisor_only = bool(row["via_advisor_only"])
        offered = list(row["offered_in"])
        if offered:
            if index is None:
                raise InvalidInputError(
                    f"{what}: offered_in in row {k} (service '{name}') needs service_areas= "
                    "or areas= (the membership layer)"
                )
            for a in offered:
                if a not in index:
                    raise UnknownIdError(
                        f"{what}: offered_in in row {k} (service '{name}') lists an area that "
                        "is not in the membership layer"
                    )
            s.offered_in = sorted(index[a] for a in offered)
        out.append(s)
    return out


def read_register(source: Any, what: str = "register", crs: str | None = None) -> pd.DataFrame:
    """The register of running cases: applicant_key, advisor_id, service, x, y (NaN when no
    location). An empty advisor_id or service is an InvalidInputError naming the row."""
    df = schema.REGISTER.read(source, what, crs=crs)
    parsed = schema.REGISTER.parse(df, what)
    return pd.DataFrame({c.name: parsed[c.name] for c in schema.REGISTER.columns})


def running_cases(register: pd.DataFrame | None, svc_index: dict[str, int]) -> list:
    """``_core.RunningCase`` per register row; services already interned in ``svc_index``."""
    if register is None:
        return []
    return [
        _core.RunningCase(str(k), str(a), svc_index[s], float(x), float(y))
        for k, a, s, x, y in zip(
            register["applicant_key"],
            register["advisor_id"],
            register["service"],
            register["x"],
            register["y"],
        )
    ]
