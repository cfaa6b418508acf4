"""Batch reassignment simulation: a year of weekly matching rounds in milliseconds.

A :class:`Scenario` (a JSON file or a dict: horizon, orientation areas, advisors, a pool of
business locations, a service catalogue with case durations, Poisson arrival streams or a
replay table, 'no klik' probability, escalation rule and advisor events) is compiled into a
C++ ``Simulator`` that precomputes travel from every advisor base to every location once.
:func:`simulate` runs one seed and returns weekly KPIs, a summary and case-level details;
:func:`simulate_many` runs scenario x seed sweeps on all cores (GIL released, a progress
bar); :func:`libmatch.distributed.simulate_sweep` runs the same sweep on a Dask cluster.

The week, in order: progress and completions (and 'no klik' returns), advisor events (join,
leave, absence, capacity: only the cases of the advisor concerned move), arrivals, one
:func:`libmatch.match` round over the queue (cases in service keep their advisor), KPIs.
Requests unmatched for ``escalate_after_weeks`` weeks are escalated. Every week
``initial_cases + arrivals_total + followups_total == matched_total + waiting +
escalated_total + referred_total`` (``matched_total`` = in service + completed;
``followups_total``: the pathway steps that followed finished cases); capacity is never
exceeded.
The same (scenario, seed) gives the same result whatever the thread count; arrivals of a
seed are identical across scenarios that share the arrival streams (common random numbers),
so staffing or area designs are compared on the same demand.

Scenario JSON (paths relative to the file; ``data/scenario.json`` is an example)::

    {
      "name": "baseline",                         # optional; default: the file name
      "horizon_weeks": 52,
      "areas": "orientation_areas.geojson",       # optional polygon layer (GDAL)
      "area_id_field": "id", "area_layer": null,
      "advisors": "advisors.csv",                 # the advisors schema of libmatch.match
      "locations": "farms.csv",                   # x, y (+ farm_type, municipality, ...)
      "services": {"vabimpuls": {"duration_weeks": {"dist": "gamma", "mean": 12, "sd": 4},
                                 "hours_per_case": 36}, ...},
      "arrivals": [{"service": "vabimpuls", "rate_per_week": 3.5,
                    "needs": {"stoppen": 0.6},            # independent chance per tag
                    "priority": {"0": 0.9, "2": 0.1},     # relative weights
                    "area": "OA01",                       # optional: locations in area(s)
                    "where": {"municipality": ["GM9001"]},# optional: location column filter
                    "farm_types": {"gestopt": 4, "melkvee": 1},  # optional location weights
                    "refer_probability": 0.0, "first_week": 0, "last_week": 51}],
      "replay": "requests.csv",                   # optional dated requests (week or
      "start_date": "2026-01-05",                 #   registered + start_date, x, y, ...)
      "no_klik_probability": 0.05,
      "escalate_after_weeks": 4,
      "reassign_absence_weeks": 0,                # 0 = absences pause cases
      "initial_cases": true,                      # advisors start with `caseload` cases
      "events": [{"week": 20, "type": "leave", "advisor_id": "A012"},
                 {"week": 30, "type": "absence", "advisor_id": "A020", "weeks": 4},
                 {"week": 40, "type": "capacity", "advisor_id": "A005", "capacity": 4},
                 {"week": 26, "type": "join", "advisor": {"advisor_id": "A061", ...}}],
      "travel": {"model": "straight_line", "detour": 1.3, "speed_kmh": 60},
      "weights": {...}, "rules": {...}            # libmatch.Weights / libmatch.Rules fields
    }

Programmes (seed 003: products with hours and prices, pathways, a budget, scarce slots)::

      "budget_eur": 200000,                       # programme budget over the horizon
      "services": {
        "intake": {"duration_weeks": 1, "hours_per_case": 1.5, "cost_eur": 112.5,
                   "next": [{"service": "f_scan", "probability": 0.4, "delay_weeks": 1},
                            {"service": "coaching", "probability": 0.5},
                            {"service": "bad", "probability": 0.1}]},
        "imk": {"duration_weeks": 6, "cost_eur": 2095, "max_cases": 30,   # slots over the horizon
                "budget_eur": 62850, "target": 30},                      # own budget, KPI target
        "bad": {"duration_weeks": 1, "referral_only": true, "refer_to": "BAD"},
        "local": {"duration_weeks": 2, "offered_in": ["OA01", "OA02"]}}, # elsewhere: referred
      "reserve": [{"service": "imk", "slots": 10, "min_priority": 2, "until_week": 26}],
      "arrivals": [{"service": "intake", "count": 350, "first_week": 9, "last_week": 16,
                    "priority": {"2": 0.2, "1": 0.3, "0": 0.5}, "segment": "tozo"},
                   {"service": "intake", "rate_per_week": 1.5, "segment": "zonder_tozo"}]

- ``next``: when a case ends (completed), at most one step is drawn (probabilities of a
  service's steps sum to <= 1; the rest = no follow-up); the follow-up enters the queue
  ``delay_weeks`` (default 0) weeks later, with ``parent_case`` set, the entrepreneur's
  location, priority, segment, registration day and conflicts of interest, and the last
  advisor as continuity preference when that advisor works for the follow-up's service.
  Initial cases follow no pathway.
- Money and slots are spent when a case starts (its first match): ``cost_eur`` from the
  programme's ``budget_eur`` and the service's own ``budget_eur``, one of ``max_cases``
  slots. A case the money or slots left cannot carry waits (``budget_exhausted``,
  ``slots_exhausted``) and escalates like any other after ``escalate_after_weeks``. The
  simulation keeps these books itself (matches paid in priority order, then registration
  day) and also hands the money and slots left to each round.
- ``reserve``: while ``week <= until_week``, the last ``slots`` slots left of the service only
  go to priority >= ``min_priority`` (others wait as ``reserved_for_priority``).
- ``referral_only`` services and arrivals outside a service's ``offered_in`` areas are
  referred at once (``referral`` = ``out_of_scope`` / ``not_in_module``).
- ``count``: an approach list, exactly ``count`` entrepreneurs over ``first_week`` ..
  ``last_week``, spread evenly, highest priority first (the priorities are the exact
  split of ``count`` over the ``priority`` weights); without it a Poisson stream of
  ``rate_per_week``. ``segment`` labels every case of the stream (and its follow-ups).
- Every arrival registers on a day of its week (drawn; replay: from ``registered``), and the
  week's round starts products on the week's last day (``7 week + 6``): lead days in
  ``cases["lead_days"]`` and ``by_service`` run from registration to the product's start.

Results of a programme: ``result.by_service`` (started, completed, referred, escalated,
spend_eur, lead_days_mean / p90, slots_left, out_week, target, achieved) and
``result.by_segment``; weekly ``spend_eur``, ``spend_eur_total``, ``budget_left_eur`` and
``slots_left_<service>`` per capped service; summary ``spend_eur``, ``budget_left_eur`` and
``budget_out_week`` (-1 = never); :func:`simulate_many` rows add ``<service>_started``,
``<service>_spend_eur``, ``<service>_lead_days_mean``, ``<service>_out_week``, ... and
``segment_<label>_...`` columns.

Replay tables honour every rule column of the round: ``exclude``, ``current_advisor``,
``pinned`` (the first match; a pinned request whose advisor is unavailable waits and
escalates as ``pinned_advisor_unavailable``) and several rows per ``applicant_id`` (further
business locations); ``hours`` and ``cost_eur`` override the service's per case; the
register columns ``applicant_key`` and ``via_case`` are refused with an error; ``location_of``
marks further business locations as in the round (without that column, repeated
``applicant_id`` rows are further locations of the first).
Advisors' ``hours_booked`` is not read: the simulation books the hours of its own running
cases (``caseload`` initial cases at the service's ``hours_per_case``). Events after the
horizon never happen (no error: a sweep may shorten the horizon).
Duplicate requests are not modelled (``rules.duplicate_tolerance_m`` is refused): drawn
arrivals share the pool's locations, so two of them at one farm are two entrepreneurs.
Results never depend on the row order of the advisors or locations tables: the pool is put
in a canonical order (x, y, then its other columns), and ``Scenario.locations`` is that
table, which ``cases.location`` indexes.

Durations: a number (fixed weeks) or ``{"dist": "fixed", "weeks": w}``,
``{"dist": "uniform", "min": a, "max": b}`` (whole weeks) or ``{"dist": "gamma", "mean": m,
"sd": s}``; draws are rounded to whole weeks, at least 1.

Limits (checked when the scenario is built, InvalidInputError naming the field):
``horizon_weeks`` 1..100000; each stream's ``rate_per_week`` 0..1,000,000
(:data:`MAX_RATE_PER_WEEK`; arrivals are drawn in constant time whatever the rate); at most
10 million expected arrivals (or approach-list entries) over the horizon, summed over the
streams (:data:`MAX_EXPECTED_ARRIVALS`).

Examples
--------
>>> import libmatch, libmatch.datasets as ds
>>> year = libmatch.simulate(ds.path("scenario"), seed=0, details=False)
>>> len(year.weekly), int(year.summary["arrivals"]) == int(year.weekly["arrivals"].sum())
(52, True)
>>> prog = libmatch.simulate(ds.path("programme"), seed=0)
>>> bool(prog.summary["spend_eur"] <= 200_000), "imk" in prog.by_service.index
(True, True)
"""

from __future__ import annotations

import difflib
import json
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _io, schema
from .areas import AreaSet, _threads, read_areas
from .errors import (
    FileError,
    FileMissingError,
    InvalidInputError,
    InvalidTypeError,
    UnknownIdError,
)
from .matching import _REASON_NAMES, Rules, Weights, enum_names, options

__all__ = [
    "Scenario",
    "SimulationResult",
    "simulate",
    "simulate_many",
    "parse_seeds",
    "CaseStatus",
    "StintEnd",
    "AdvisorStatus",
]

#: Codes of ``SimulationResult.cases["status"]``, ``assignments["end"]`` and
#: ``advisor_weeks["status"]`` (the categories are the member names).
CaseStatus = _core.CaseStatus
StintEnd = _core.StintEnd
AdvisorStatus = _core.AdvisorStatus

#: Largest ``rate_per_week`` of one arrival stream (libmatch::kMaxArrivalRatePerWeek).
MAX_RATE_PER_WEEK = 1_000_000.0
#: Largest expected number of arrivals over the horizon, all streams together.
MAX_EXPECTED_ARRIVALS = 10_000_000.0

_TOP_KEYS = (
    "name",
    "description",
    "seed",
    "horizon_weeks",
    "areas",
    "area_id_field",
    "area_layer",
    "advisors",
    "locations",
    "services",
    "arrivals",
    "replay",
    "start_date",
    "no_klik_probability",
    "escalate_after_weeks",
    "reassign_absence_weeks",
    "initial_cases",
    "events",
    "travel",
    "weights",
    "rules",
    "budget_eur",
    "reserve",
)
_ARRIVAL_KEYS = (
    "service",
    "rate_per_week",
    "needs",
    "priority",
    "area",
    "where",
    "farm_types",
    "refer_probability",
    "first_week",
    "last_week",
    "segment",
    "count",
)
_SERVICE_KEYS = (
    "duration_weeks",
    "hours_per_case",
    "cost_eur",
    "max_cases",
    "budget_eur",
    "offered_in",
    "referral_only",
    "refer_to",
    "next",
    "target",
)
_STEP_KEYS = ("service", "probability", "delay_weeks")
_RESERVE_KEYS = ("service", "slots", "min_priority", "until_week")
#: replay columns of the round that the simulation cannot honour (no register of keys)
_REPLAY_REFUSED = ("applicant_key", "via_case")
_INT64_MAX = int(np.iinfo(np.int64).max)
_EVENT_KEYS = ("week", "type", "advisor_id", "advisor", "weeks", "capacity")
_STATUS = tuple(enum_names(_core.CaseStatus))
_STINT_END = tuple(enum_names(_core.StintEnd))
_ADVISOR_STATUS = tuple(enum_names(_core.AdvisorStatus))
# Escalation codes of libmatch/outcome.hpp, in code order (the bound enum may lag behind).
_REASONS = (
    tuple(_REASON_NAMES)
    + (
        "no_hours",
        "slots_exhausted",
        "budget_exhausted",
        "reserved_for_priority",
        "already_in_guidance",
        "no_open_case",
        "unfilled_position",
    )[max(0, len(_REASON_NAMES) - 8) :]
)


# ---- small helpers -------------------------------------------------------------------------


def _suggest(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_keys(d: Mapping, allowed: Sequence[str], what: str) -> None:
    if not isinstance(d, Mapping):
        raise InvalidTypeError(f"scenario: {what} must be a JSON object, got {type(d).__name__}")
    for k in d:
        if k not in allowed:
            raise InvalidInputError(
                f"scenario: unknown key {k!r} in {what}{_suggest(str(k), allowed)}"
                f"; allowed: {', '.join(allowed)}"
            )


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidTypeError(f"scenario: {what} must be a number, got {type(value).__name__}")
    return float(value)


def _integer(value: Any, what: str) -> int:
    v = _number(value, what)
    if not math.isfinite(v) or v != int(v):
        raise InvalidInputError(f"scenario: {what} must be a whole number, got {value!r}")
    return int(v)


def _flag(value: Any, what: str, default: bool) -> bool:
    """A JSON true/false (missing or null: ``default``); the text "false" is refused, not
    taken as true."""
    if value is None:
        return default
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidTypeError(
            f"scenario: {what} must be true or false, got {type(value).__name__}"
        )
    return bool(value)


def _tags(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, (list, tuple)):
        return sorted({str(v).strip() for v in value if str(v).strip()})
    return sorted({p.strip() for p in str(value).split(";") if p.strip()})


_TABLES = {"advisors": schema.ADVISORS, "locations": schema.LOCATIONS, "replay": schema.REPLAY}


def _read_table(source: Any, key: str) -> pd.DataFrame:
    """A scenario table (path or DataFrame) read and column-checked by its schema."""
    return _TABLES[key].read(source, f"scenario: {key}")


def parse_seeds(text: str | int | Iterable[int]) -> list[int]:
    """Seeds from ``"0-99"``, ``"1,5,9"``, ``"0-9,20"``, an int or an iterable of ints."""
    if isinstance(text, (bool, np.bool_)):
        raise InvalidTypeError("seeds must be integers, got a bool")
    if isinstance(text, (int, np.integer)):
        seeds = [int(text)]
    elif isinstance(text, str):
        seeds = []
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                if "-" in part[1:]:
                    a, b = part.split("-", 1) if not part.startswith("-") else (part, "")
                    lo, hi = int(a), int(b)
                    if hi < lo:
                        raise ValueError
                else:
                    lo = hi = int(part)
            except ValueError:
                raise InvalidInputError(
                    f"seeds: cannot read {part!r} (use e.g. '0-99' or '1,5,9')"
                ) from None
            _check_seed(lo)
            _check_seed(hi)
            if len(seeds) + (hi - lo + 1) > MAX_SEEDS:
                raise InvalidInputError(f"seeds: {part!r} makes more than {MAX_SEEDS:,} seeds")
            seeds.extend(range(lo, hi + 1))
    elif isinstance(text, Iterable) and not isinstance(text, (bytes, Mapping)):
        seeds = list(text)
        for s in seeds:
            if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
                raise InvalidTypeError(f"seeds must be integers, got a {type(s).__name__}")
        seeds = [int(s) for s in seeds]
    else:
        raise InvalidTypeError(
            f"seeds must be an int, an iterable of ints or a string such as '0-99', got "
            f"{type(text).__name__}"
        )
    if not seeds:
        raise InvalidInputError("seeds: no seed given (e.g. 0, '0-99' or [1, 5, 9])")
    if len(seeds) > MAX_SEEDS:
        raise InvalidInputError(f"seeds: {len(seeds):,} seeds, more than {MAX_SEEDS:,}")
    for s in seeds:
        _check_seed(s)
    return seeds


#: Most seeds one call takes (a sweep of more is a batch of calls).
MAX_SEEDS = 1_000_000


def _check_seed(s: int) -> None:
    if s < 0 or s >= 2**64:
        raise InvalidInputError(f"seeds must be in [0, 2^64), got {s}")


# ---- Scenario ------------------------------------------------------------------------------


class Scenario:
    """A simulation scenario, from a JSON file, a JSON string or a dict.

    Parameters
    ----------
    config : dict, str or path
        The scenario (see the module docstring). Tables (``advisors``, ``locations``,
        ``replay``) may be paths or DataFrames, ``areas`` a path or an :class:`AreaSet`,
        ``travel`` a dict or a libmatch travel model.
    base_dir : path, optional
        Directory relative paths are resolved against (default: the JSON file's directory,
        else the current directory).
    name : str, optional
        Overrides ``config["name"]``.

    The compiled C++ scenario is built on first use and cached. Scenarios pickle (areas as
    WKB, tables as DataFrames), so they can be shipped to Dask workers; a road-network
    travel model given by ``travel.source`` is re-read from that path by each worker.
    """

    def __init__(
        self,
        config: Mapping[str, Any] | str | os.PathLike,
        base_dir: Any = None,
        name: str | None = None,
    ):
        is_json_text = isinstance(config, str) and config.lstrip()[:1] in ("{", "[")
        if isinstance(config, (str, os.PathLike)) and not is_json_text:
            path = Path(config)
            if not path.exists():
                raise FileMissingError(f"scenario file {os.fspath(path)!r} does not exist")
            text = self._read_text(path)
            cfg = self._parse_json(text, os.fspath(path))
            base = Path(base_dir) if base_dir is not None else path.parent
            default_name = path.stem
        elif isinstance(config, str):
            cfg = self._parse_json(config, "scenario JSON")
            base = Path(base_dir) if base_dir is not None else Path.cwd()
            default_name = "scenario"
        elif isinstance(config, Mapping):
            cfg = dict(config)
            base = Path(base_dir) if base_dir is not None else Path.cwd()
            default_name = "scenario"
        else:
            raise InvalidTypeError(
                f"Scenario needs a dict, a JSON string or a file path, got {type(config).__name__}"
            )
        _check_keys(cfg, _TOP_KEYS, "the scenario")
        self._config = cfg
        self._base = base.resolve()
        self.name = str(name if name is not None else cfg.get("name", default_name))
        self._sim = None
        self._build()

    @staticmethod
    def _read_text(path: Path) -> str:
        """The JSON file's text (UTF-8, a byte-order mark as Notepad writes allowed)."""
        try:
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(
                f"scenario file {os.fspath(path)!r} is not UTF-8 text (byte {exc.start})"
            ) from None
        except OSError as exc:
            raise FileError(
                f"scenario file {os.fspath(path)!r} cannot be read ({exc.strerror or exc})"
            ) from None

    @staticmethod
    def _parse_json(text: str, where: str) -> dict:
        try:
            cfg = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(
                f"{where}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        if not isinstance(cfg, dict):
            raise InvalidTypeError(
                f"{where}: the scenario must be a JSON object, got {type(cfg).__name__}"
            )
        return cfg

    @classmethod
    def from_json(cls, path: str | os.PathLike, name: str | None = None) -> Scenario:
        """Reads a scenario JSON file (paths in it are relative to the file)."""
        return cls(Path(path), name=name)

    @classmethod
    def from_dict(
        cls, config: Mapping[str, Any], base_dir: Any = None, name: str | None = None
    ) -> Scenario:
        """A scenario from a dict (paths relative to ``base_dir``, default the cwd)."""
        if not isinstance(config, Mapping):
            raise InvalidTypeError(f"from_dict needs a dict, got {type(config).__name__}")
        return cls(config, base_dir=base_dir, name=name)

    def replace(self, name: str | None = None, **changes: Any) -> Scenario:
        """A copy with some top-level keys replaced, e.g.
        ``s.replace(advisors=df, name="more staff")`` or ``s.replace(areas=other_areas)``."""
        cfg = dict(self._config)
        cfg.update(changes)
        if name is not None:
            cfg["name"] = name
        elif "name" not in changes:
            cfg["name"] = self.name
        return Scenario(cfg, base_dir=self._base)

    @property
    def config(self) -> dict:
        """The scenario as given (a shallow copy)."""
        return dict(self._config)

    # -- compilation -------------------------------------------------------------------
    def _path(self, value: Any) -> Any:
        if isinstance(value, (str, os.PathLike)):
            p = Path(value)
            return p if p.is_absolute() else self._base / p
        return value

    def _build(self) -> None:
        """Compiles the config into the spec dict of ``_core.Simulator``, in phases."""
        cfg = self._config
        service_names, svc_specs = self._services(cfg)
        svc_index = {s: k for k, s in enumerate(service_names)}
        self.areas = self._area_set(cfg)
        area_ids = self.areas.ids if self.areas is not None else []
        area_index = {a: k for k, a in enumerate(area_ids)}
        for sv in svc_specs:
            self._offered_in(sv, area_index)
        events_cfg, joiners = self._event_configs(cfg)
        adv = self._advisors(cfg, joiners, svc_index, service_names, area_index)
        tags: set[str] = {t for ts in adv["expertise"] for t in ts}
        loc, xy, n_pool, pool_area, replay = self._locations(cfg, svc_index, tags)
        streams = self._streams(cfg, svc_index, service_names, tags, loc, pool_area, area_index)
        tag_names = sorted(tags)
        tag_index = {t: k for k, t in enumerate(tag_names)}
        for st in streams:
            st["needs"] = [(tag_index[t], p) for t, p in st["needs"]]
        segments = sorted(
            {st["segment"] for st in streams if st.get("segment")}
            | set(replay["segment"] if replay is not None and "segment" in replay else []) - {""}
        )
        seg_index = {g: k for k, g in enumerate(segments)}
        for st in streams:
            st["segment"] = seg_index.get(st.pop("segment", ""), -1)
        self.segment_names = segments
        adv["expertise"] = [[tag_index[t] for t in ts] for ts in adv["expertise"]]
        spec = {
            "name": self.name,
            "horizon_weeks": _integer(cfg.get("horizon_weeks", 52), "horizon_weeks"),
            "services": svc_specs,
            "tags": tag_names,
            "advisors": adv,
            "locations": xy,
            "arrivals": streams,
            "replay": self._replay_spec(replay, n_pool, svc_index, tag_index, seg_index),
            "segments": segments,
            "budget_eur": (
                math.inf
                if cfg.get("budget_eur") is None
                else _number(cfg["budget_eur"], "budget_eur")
            ),
            "reserve": self._reserve(cfg.get("reserve"), svc_index, service_names),
            "events": self._events(events_cfg, self._advisor_index),
            "areas": self.areas,
            "travel": self._travel(cfg.get("travel")),
            "weights": self._options(cfg.get("weights"), "weights"),
            "rules": self._options(cfg.get("rules"), "rules"),
            **self._settings(cfg),
        }
        self._spec = spec
        self.service_names = service_names
        self.tag_names = tag_names
        self.horizon_weeks = spec["horizon_weeks"]
        self._location_xy = xy
        self._location_area = np.concatenate([pool_area, self._locate(xy[n_pool:])])
        _core.validate_scenario(spec)  # typed errors now, not on first run

    def _locate(self, xy: np.ndarray) -> np.ndarray:
        if self.areas is None or len(xy) == 0:
            return np.full(len(xy), -1, dtype=np.int64)
        return self.areas.locate(xy)

    @staticmethod
    def _settings(cfg: Mapping) -> dict:
        return {
            "no_klik_probability": _number(
                cfg.get("no_klik_probability", 0.0), "no_klik_probability"
            ),
            "escalate_after_weeks": _integer(
                cfg.get("escalate_after_weeks", 4), "escalate_after_weeks"
            ),
            "reassign_absence_weeks": _integer(
                cfg.get("reassign_absence_weeks", 0), "reassign_absence_weeks"
            ),
            "initial_cases": _flag(cfg.get("initial_cases"), "initial_cases", True),
        }

    def _services(self, cfg: Mapping) -> tuple[list[str], list[dict]]:
        services = cfg.get("services")
        if not isinstance(services, Mapping) or not services:
            raise InvalidInputError(
                "scenario: 'services' must be a non-empty object "
                "{name: {duration_weeks: ..., hours_per_case: ...}}"
            )
        names = [str(s) for s in services]
        specs = [self._service(n, services[n]) for n in services]
        index = {n: k for k, n in enumerate(names)}
        self.targets = {}
        for n, sp in zip(names, specs):
            for j, step in enumerate(sp.pop("_next")):
                w = f"services[{n!r}].next[{j}]"
                _check_keys(step, _STEP_KEYS, w)
                tgt = str(step.get("service"))
                if tgt not in index:
                    raise UnknownIdError(
                        f"scenario: {w}.service {step.get('service')!r} is not in 'services'"
                        f"{_suggest(tgt, names)}"
                    )
                sp["next"].append(
                    {
                        "service": index[tgt],
                        "probability": _number(step.get("probability"), f"{w}.probability"),
                        "delay_weeks": _integer(step.get("delay_weeks", 0), f"{w}.delay_weeks"),
                    }
                )
            target = sp.pop("_target")
            if target is not None:
                self.targets[n] = _integer(target, f"services[{n!r}].target")
                if self.targets[n] < 0:
                    raise InvalidInputError(
                        f"scenario: services[{n!r}].target must be >= 0 (cases started)"
                    )
        return names, specs

    def _area_set(self, cfg: Mapping) -> AreaSet | None:
        areas = cfg.get("areas")
        if areas is None:
            return None
        if isinstance(areas, AreaSet):
            return areas
        if isinstance(areas, _core.AreaSet):
            return AreaSet(areas)
        if isinstance(areas, dict) and "wkb" in areas:  # pickled form
            return AreaSet.from_wkb(areas["wkb"], areas["ids"], crs=areas["crs"])
        if isinstance(areas, (str, os.PathLike)):
            return read_areas(
                self._path(areas), str(cfg.get("area_id_field", "id")), layer=cfg.get("area_layer")
            )
        raise InvalidTypeError(
            f"scenario: 'areas' must be a file path or an AreaSet, got {type(areas).__name__}"
        )

    @staticmethod
    def _event_configs(cfg: Mapping) -> tuple[list, list[dict]]:
        """The events list (keys checked) and the advisor rows of its join events."""
        events_cfg = cfg.get("events") or []
        if not isinstance(events_cfg, list):
            raise InvalidTypeError("scenario: 'events' must be a list")
        joiners = []
        for k, e in enumerate(events_cfg):
            _check_keys(e, _EVENT_KEYS, f"events[{k}]")
            if e.get("type") == "join":
                row = e.get("advisor")
                if not isinstance(row, Mapping):
                    raise InvalidInputError(
                        f"scenario: events[{k}] (join) needs 'advisor': a full "
                        f"advisor row (advisor_id, x, y, service, capacity, ...)"
                    )
                joiners.append(dict(row))
        return events_cfg, joiners

    def _advisors(self, cfg, joiners, svc_index, service_names, area_index) -> dict:
        """The advisors table (plus joiners, who start empty) as the spec's column dict;
        expertise stays as tag names until every tag is known."""
        if "advisors" not in cfg:
            raise InvalidInputError("scenario: 'advisors' (a CSV path or DataFrame) is required")
        adv_df = _read_table(self._path(cfg["advisors"]), "advisors")
        # the table as given (joiners come from the events): s.replace(advisors=s.advisors)
        # is the same scenario
        self.advisors = adv_df.reset_index(drop=True)
        if joiners:
            adv_df = pd.concat([adv_df, pd.DataFrame(joiners)], ignore_index=True)
        adv_df = adv_df.reset_index(drop=True)
        adv = schema.ADVISORS.parse(adv_df, "scenario: advisors")
        ids = adv.ids
        self.advisor_ids = ids
        self._advisor_index = {}
        for k, i in enumerate(ids):
            self._advisor_index.setdefault(i, k)  # duplicates: validate_scenario names them
        service = []
        for k, (i, s) in enumerate(zip(ids, adv["service"])):
            parts = schema.split_list(s)
            if len(parts) > 1 and all(x in svc_index for x in parts):
                raise InvalidInputError(
                    f"scenario: advisors: service in row {k} (id '{i}') lists "
                    f"{len(parts)} services; the simulation takes one service per advisor"
                )
            if s not in svc_index:
                raise UnknownIdError(
                    f"scenario: advisors: service in row {k} (id '{i}') is not in 'services' "
                    f"({', '.join(service_names)})"
                )
            service.append(svc_index[s])
        areas = []
        for k, (i, lst) in enumerate(zip(ids, adv["areas"])):
            if lst and self.areas is None:
                raise InvalidInputError(
                    f"scenario: advisor '{i}' lists areas but the scenario has no 'areas' layer"
                )
            if any(a not in area_index for a in lst):
                raise UnknownIdError(
                    f"scenario: advisors: areas in row {k} (id '{i}') lists an area that is not "
                    "in the areas layer"
                )
            areas.append(sorted(area_index[a] for a in lst))
        n_join = len(joiners)
        caseload = adv["caseload"].copy()
        if n_join:
            caseload[len(ids) - n_join :] = 0  # joiners start empty
        return {
            "advisor_id": ids,
            "xy": adv.xy(),
            "service": np.asarray(service, dtype=np.int64),
            "expertise": [sorted(ts) for ts in adv["expertise"]],
            "capacity": adv["capacity"],
            "caseload": caseload,
            "radius_km": adv["radius_km"],
            "radius_minutes": adv["radius_minutes"],
            "areas": areas,
            # hours (the round's schema column, when present): the running cases' hours
            # are booked by the simulation itself
            "capacity_hours": (
                np.asarray(adv["capacity_hours"], dtype=np.float64)
                if "capacity_hours" in adv.values
                else None
            ),
        }

    def _locations(self, cfg, svc_index, tags):
        """The location pool, then the replay points: (pool table, all xy, pool size, pool
        areas, replay table)."""
        if cfg.get("locations") is not None:
            loc = schema.LOCATIONS.read(self._path(cfg["locations"]), "scenario: locations")
            loc_xy = schema.LOCATIONS.parse(loc, "scenario: locations").xy()
            # canonical order (x, y, then the other columns as text), so that a re-sorted
            # export draws the same arrivals for a seed; equal rows are interchangeable
            keys = [loc_xy[:, 1], loc_xy[:, 0]]
            if pd.DataFrame(loc_xy).duplicated().any():  # ties at one point: by the rest
                text = [loc[c].map(schema._text).to_numpy(str) for c in reversed(loc.columns)]
                keys = text + keys
            order = np.lexsort(keys)
            loc = loc.iloc[order].reset_index(drop=True)
            loc_xy = loc_xy[order]
        else:
            loc = pd.DataFrame({"x": pd.Series(dtype=float), "y": pd.Series(dtype=float)})
            loc_xy = np.empty((0, 2))
        self.locations = loc
        n_pool = len(loc)
        replay, replay_xy = self._replay(cfg, svc_index, tags)
        xy = np.ascontiguousarray(np.vstack([loc_xy, replay_xy]), dtype=np.float64)
        return loc, xy, n_pool, self._locate(xy[:n_pool]), replay

    def _streams(self, cfg, svc_index, service_names, tags, loc, pool_area, area_index):
        arrivals_cfg = cfg.get("arrivals") or []
        if not isinstance(arrivals_cfg, list):
            raise InvalidTypeError("scenario: 'arrivals' must be a list of streams")
        return [
            self._stream(k, a, svc_index, service_names, tags, loc, pool_area, area_index)
            for k, a in enumerate(arrivals_cfg)
        ]

    @staticmethod
    def _events(events_cfg: list, adv_index: Mapping[str, int]) -> list[dict]:
        events = []
        for k, e in enumerate(events_cfg):
            kind = e.get("type")
            if kind not in ("join", "leave", "absence", "capacity"):
                raise InvalidInputError(
                    f"scenario: events[{k}].type {kind!r} is not one of join, "
                    f"leave, absence, capacity"
                )
            who = e["advisor"].get("advisor_id") if kind == "join" else e.get("advisor_id")
            if who is None:
                raise InvalidInputError(f"scenario: events[{k}] ({kind}) needs 'advisor_id'")
            if str(who).strip() not in adv_index:
                raise UnknownIdError(
                    f"scenario: events[{k}] ({kind}) names advisor {who!r}, which "
                    f"is not in the advisors table"
                )
            ev = {
                "week": _integer(e.get("week"), f"events[{k}].week"),
                "type": kind,
                "advisor": adv_index[str(who).strip()],
            }
            if kind == "absence":
                ev["weeks"] = _integer(e.get("weeks"), f"events[{k}].weeks")
            if kind == "capacity":
                ev["capacity"] = _integer(e.get("capacity"), f"events[{k}].capacity")
            events.append(ev)
        return events

    def _service(self, name: str, s: Any) -> dict:
        what = f"services[{name!r}]"
        if isinstance(s, (int, float)) and not isinstance(s, bool):
            s = {"duration_weeks": s}
        _check_keys(s, _SERVICE_KEYS, what)
        d = s.get("duration_weeks")
        out = {
            "name": name,
            "hours_per_case": _number(
                s.get("hours_per_case", 0.0) or 0.0, f"{what}.hours_per_case"
            ),
            "cost_eur": _number(s.get("cost_eur", 0.0), f"{what}.cost_eur"),
            "budget_eur": (
                math.inf
                if s.get("budget_eur") is None
                else _number(s["budget_eur"], f"{what}.budget_eur")
            ),
            "max_cases": (
                _INT64_MAX
                if s.get("max_cases") is None
                else _integer(s["max_cases"], f"{what}.max_cases")
            ),
            "referral_only": _flag(s.get("referral_only"), f"{what}.referral_only", False),
            "refer_to": str(s.get("refer_to") or ""),
            "_offered_in": s.get("offered_in"),
            "next": [],
            "_next": list(s.get("next") or []),
            "_target": s.get("target"),
        }
        if not isinstance(out["_next"], list):
            raise InvalidTypeError(f"scenario: {what}.next must be a list of steps")
        if d is None:
            raise InvalidInputError(f"scenario: {what}.duration_weeks is required")
        if not isinstance(d, Mapping):
            out.update(dist="fixed", mean_weeks=_number(d, f"{what}.duration_weeks"))
            return out
        dist = d.get("dist", "fixed")
        w = f"{what}.duration_weeks"
        if dist == "fixed":
            _check_keys(d, ("dist", "weeks", "mean"), w)
            out.update(
                dist="fixed", mean_weeks=_number(d.get("weeks", d.get("mean")), f"{w}.weeks")
            )
        elif dist == "gamma":
            _check_keys(d, ("dist", "mean", "sd"), w)
            out.update(
                dist="gamma",
                mean_weeks=_number(d.get("mean"), f"{w}.mean"),
                sd_weeks=_number(d.get("sd", 0.0), f"{w}.sd"),
            )
        elif dist == "uniform":
            _check_keys(d, ("dist", "min", "max"), w)
            out.update(
                dist="uniform",
                min_weeks=_number(d.get("min"), f"{w}.min"),
                max_weeks=_number(d.get("max"), f"{w}.max"),
            )
        else:
            raise InvalidInputError(
                f"scenario: {w}.dist {dist!r} is not one of fixed, uniform, gamma"
            )
        return out

    def _offered_in(self, sv: dict, area_index: Mapping[str, int]) -> None:
        """Resolves a service's ``offered_in`` area ids to indices (in place)."""
        ids = sv.pop("_offered_in")
        if ids is None:
            return
        what = f"services[{sv['name']!r}].offered_in"
        ids = ids if isinstance(ids, list) else [ids]
        if ids and self.areas is None:
            raise InvalidInputError(f"scenario: {what} needs the scenario's 'areas' layer")
        for a in ids:
            if str(a) not in area_index:
                raise UnknownIdError(f"scenario: {what} names an area that is not in the layer")
        sv["offered_in"] = sorted({area_index[str(a)] for a in ids})

    @staticmethod
    def _reserve(value: Any, svc_index: Mapping[str, int], names: Sequence[str]) -> list[dict]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise InvalidTypeError("scenario: 'reserve' must be a list of policies")
        out = []
        for k, r in enumerate(value):
            w = f"reserve[{k}]"
            _check_keys(r, _RESERVE_KEYS, w)
            svc = str(r.get("service"))
            if svc not in svc_index:
                raise UnknownIdError(
                    f"scenario: {w}.service {r.get('service')!r} is not in 'services'"
                    f"{_suggest(svc, names)}"
                )
            pol = {
                "service": svc_index[svc],
                "slots": _integer(r.get("slots"), f"{w}.slots"),
                "min_priority": _integer(r.get("min_priority", 0), f"{w}.min_priority"),
            }
            if r.get("until_week") is not None:
                pol["until_week"] = _integer(r["until_week"], f"{w}.until_week")
            out.append(pol)
        return out

    def _stream(self, k, a, svc_index, service_names, tags, loc, pool_area, area_index) -> dict:
        _check_keys(a, _ARRIVAL_KEYS, f"arrivals[{k}]")
        svc = a.get("service")
        if str(svc) not in svc_index:
            raise UnknownIdError(
                f"scenario: arrivals[{k}].service {svc!r} is not in 'services' "
                f"({', '.join(service_names)}){_suggest(str(svc), service_names)}"
            )
        label = f"arrivals[{k}] ({svc})"
        st: dict[str, Any] = {"label": label, "service": svc_index[str(svc)]}
        if a.get("count") is not None:  # an approach list
            if a.get("rate_per_week") is not None:
                raise InvalidInputError(
                    f"scenario: {label} has both 'count' (an approach list) and "
                    "'rate_per_week' (a Poisson stream); give one"
                )
            st["count"] = _integer(a["count"], f"{label}.count")
            st["rate_per_week"] = 0.0
        else:
            st["rate_per_week"] = _number(a.get("rate_per_week"), f"{label}.rate_per_week")
        seg = a.get("segment")
        if seg is not None and not isinstance(seg, str):
            raise InvalidTypeError(f"scenario: {label}.segment must be a text label")
        st["segment"] = (seg or "").strip()
        needs = a.get("needs") or {}
        if isinstance(needs, (list, str)):  # tags that are always needed
            needs = dict.fromkeys(_tags(needs), 1.0)
        if not isinstance(needs, Mapping):
            raise InvalidTypeError(
                f"scenario: {label}.needs must be an object {{tag: probability}}"
            )
        st["needs"] = [(str(t), _number(p, f"{label}.needs[{t!r}]")) for t, p in needs.items()]
        tags.update(str(t) for t in needs)
        prio = a.get("priority") or {}
        if not isinstance(prio, Mapping):
            raise InvalidTypeError(
                f"scenario: {label}.priority must be an object {{priority: weight}}"
            )
        st["priorities"] = [
            (
                _integer(int(p) if str(p).lstrip("-").isdigit() else p, f"{label}.priority key"),
                _number(w, f"{label}.priority[{p!r}]"),
            )
            for p, w in prio.items()
        ]
        st["refer_probability"] = _number(
            a.get("refer_probability", 0.0), f"{label}.refer_probability"
        )
        if "first_week" in a:
            st["first_week"] = _integer(a["first_week"], f"{label}.first_week")
        if "last_week" in a:
            st["last_week"] = _integer(a["last_week"], f"{label}.last_week")
        # location pool: area / where filters, farm-type weights
        mask = np.ones(len(loc), dtype=bool)
        restricted = False
        if a.get("area") is not None:
            wanted = a["area"] if isinstance(a["area"], list) else [a["area"]]
            for w in wanted:
                if str(w) not in area_index:
                    raise UnknownIdError(f"scenario: {label}.area {w!r} is not in the areas layer")
            mask &= np.isin(pool_area, [area_index[str(w)] for w in wanted])
            restricted = True
        where = a.get("where") or {}
        _check_keys(where, [str(c) for c in loc.columns], f"{label}.where (location columns)")
        for col, val in where.items():
            vals = val if isinstance(val, list) else [val]
            # compared as text the way ids are (a numeric column with a gap holds 1.0 for 1)
            cells = loc[col].map(schema._text)
            mask &= cells.isin([schema._text(v) for v in vals]).to_numpy()
            restricted = True
        weights = None
        if a.get("farm_types") is not None:
            if "farm_type" not in loc.columns:
                raise InvalidInputError(
                    f"scenario: {label}.farm_types needs a 'farm_type' column in "
                    f"the locations table"
                )
            ft = a["farm_types"]
            if not isinstance(ft, Mapping):
                raise InvalidTypeError(
                    f"scenario: {label}.farm_types must be an object {{type: weight}}"
                )
            w = (
                loc["farm_type"]
                .astype(str)
                .map({str(t): _number(v, f"{label}.farm_types[{t!r}]") for t, v in ft.items()})
            )
            weights = w.fillna(0.0).to_numpy(float)
        idx = np.flatnonzero(mask)
        if restricted or weights is not None:
            if len(idx) == 0 and (st["rate_per_week"] > 0 or st.get("count", 0) > 0):
                raise InvalidInputError(
                    f"scenario: {label}: no location matches its area / where filter"
                )
            st["locations"] = idx.astype(np.int64)
            if weights is not None:
                st["location_weights"] = weights[idx]
        return st

    def _replay(self, cfg, svc_index, tags):
        """The replay table parsed (first row per applicant), or None; and its points. Rows
        are validated in file order (messages name file rows), then the requests are put in a
        canonical order (week, day, applicant_id, x, y) so results do not depend on the
        table's row order."""
        src = cfg.get("replay")
        if src is None:
            return None, np.empty((0, 2))
        df = schema.REPLAY.read(self._path(src), "scenario: replay")
        if "week" not in df.columns and (
            "registered" not in df.columns or cfg.get("start_date") is None
        ):
            raise InvalidInputError(
                "scenario: the replay table needs a 'week' column, or "
                "'registered' dates and a scenario 'start_date'"
            )
        refused = [c for c in _REPLAY_REFUSED if c in df.columns]
        if refused:
            raise InvalidInputError(
                f"scenario: replay: column '{refused[0]}' is a rule of the round that the "
                "simulation cannot honour (its register of running cases is the simulation's "
                "own); remove the column"
            )
        horizon = _integer(cfg.get("horizon_weeks", 52), "horizon_weeks")
        rep, xy, rows, owner = self._replay_parsed(df, cfg, svc_index, tags, horizon)
        week = np.asarray(rep["week"], dtype=np.int64)
        day = np.asarray(rep.values.get("_day", np.full(len(rows), -1)), dtype=np.int64)
        ids = (
            np.array([schema._text(v) for v in df["applicant_id"].to_numpy()[rows]], dtype=object)
            if "applicant_id" in df.columns
            else np.full(len(rows), "", dtype=object)
        )
        pxy = xy[: len(rows)]
        sorted_p = np.lexsort((pxy[:, 1], pxy[:, 0], ids, day, week))
        extras: list[list[int]] = [[] for _ in range(len(rows))]
        for k in np.flatnonzero(owner >= 0):
            extras[int(owner[k])].append(int(k))
        perm = [r for p in sorted_p for r in [int(rows[p]), *extras[p]]]
        if perm != list(range(len(df))):
            rep, xy, _, _ = self._replay_parsed(
                df.iloc[perm].reset_index(drop=True), cfg, svc_index, tags, horizon
            )
        return rep, xy

    def _replay_parsed(self, df, cfg, svc_index, tags, horizon):
        """(parsed requests, points: requests then further locations, the requests' file
        rows, per row the owning request or -1)."""
        primary, owner = self._replay_rows(df)
        rows = np.flatnonzero(primary)
        xy = (  # every row's location, rows named as in the file
            schema.REPLAY.select(("x", "y"), "replay", "locations")
            .parse(df[["x", "y"]], "scenario: replay")
            .xy()
        )
        rep = schema.REPLAY.parse(df.iloc[rows].reset_index(drop=True), "scenario: replay")
        extra = np.flatnonzero(~primary)
        extra_xy = xy[extra]
        more: list[list[int]] = [[] for _ in range(len(rows))]
        for j, k in enumerate(extra):
            more[owner[k]].append(j)  # offset added in _replay_spec
        rep.values["_more"] = more
        if "week" not in df.columns:
            reg = rep["registered"]
            if (reg == schema.NO_DATE).any():
                k = int(rows[np.flatnonzero(reg == schema.NO_DATE)[0]])
                raise InvalidInputError(f"scenario: replay: registered in row {k} is empty")
            start = (pd.Timestamp(cfg["start_date"]) - pd.Timestamp("1970-01-01")).days
            rep.values["week"] = np.floor_divide(reg - start, 7).astype(np.int64)
            rep.values["_day"] = np.mod(reg - start, 7).astype(np.int64)
        week = np.asarray(rep["week"], dtype=np.int64)
        for cond, when in ((week < 0, "before the start"), (week >= horizon, "after the horizon")):
            if cond.any():  # nothing dropped in silence; the date itself is not shown
                k = int(rows[np.flatnonzero(cond)[0]])
                raise InvalidInputError(
                    f"scenario: replay: the request in row {k} registers {when} "
                    f"({int(cond.sum())} row(s); horizon_weeks = {horizon}); drop those rows "
                    "or move start_date / horizon_weeks"
                )
        for k, s in enumerate(rep["service"]):
            parts = schema.split_list(s)
            if len(parts) > 1 and all(x in svc_index for x in parts):
                raise InvalidInputError(
                    f"scenario: replay: service in row {int(rows[k])} lists {len(parts)} "
                    "services; the simulation takes one service per request"
                )
            if s not in svc_index:
                raise UnknownIdError(
                    f"scenario: replay: service in row {int(rows[k])} is not in 'services'"
                )
        for lst in rep["needs"]:
            tags.update(lst)
        return rep, np.vstack([rep.xy(), extra_xy]), rows, owner

    @staticmethod
    def _replay_rows(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Which rows are requests (the others are further business locations) and, for those
        others, the request's position. As in the round: rows with ``location_of`` belong to
        the request with that ``applicant_id``; without a ``location_of`` column, repeated
        ids are further locations of their first row."""
        n = len(df)
        primary = np.ones(n, dtype=bool)
        owner = np.full(n, -1, dtype=np.int64)
        if "applicant_id" not in df.columns:
            return primary, owner
        ids = [schema._text(v) for v in df["applicant_id"]]
        if "location_of" in df.columns:
            of = [schema._text(v) for v in df["location_of"]]
            primary = np.array([not o for o in of], dtype=bool)
        else:
            of = [""] * n
            seen: set[str] = set()
            for k, a in enumerate(ids):
                if a in seen:
                    primary[k] = False
                    of[k] = a
                seen.add(a)
        pos: dict[str, int] = {}
        for k in np.flatnonzero(primary):
            if ids[k] in pos:
                raise InvalidInputError(
                    f"scenario: replay: applicant_id '{ids[k]}' in row {k} appears twice "
                    "(further business locations need 'location_of')"
                )
            pos[ids[k]] = len(pos)
        for k in np.flatnonzero(~primary):
            if of[k] not in pos:
                raise UnknownIdError(
                    f"scenario: replay: location_of in row {k} names no request of the table"
                )
            owner[k] = pos[of[k]]
        return primary, owner

    def _replay_spec(self, rep, n_pool, svc_index, tag_index, seg_index):
        if rep is None:
            return None
        n = len(rep)
        idx = self._advisor_index  # unknown ids: ignored (exclude) / not in pool, as the round

        return {
            "week": rep["week"],
            "location": np.arange(n_pool, n_pool + n, dtype=np.int64),
            "more_locations": [[n_pool + n + j for j in lst] for lst in rep["_more"]],
            "service": np.asarray([svc_index[s] for s in rep["service"]], dtype=np.int64),
            "needs": [sorted(tag_index[t] for t in lst) for lst in rep["needs"]],
            "priority": rep["priority"],
            "duration_weeks": rep["duration_weeks"],
            "referred": rep["referred"].astype(np.int64),
            "exclude": [sorted({idx[a] for a in lst if a in idx}) for lst in rep["exclude"]],
            "current_advisor": np.asarray(
                [idx.get(a, -2) if a else -1 for a in rep["current_advisor"]], dtype=np.int64
            ),
            "pinned": rep["pinned"].astype(np.int64),
            "day": rep.values.get("_day", np.full(n, -1, dtype=np.int64)),
            "hours": rep["hours"],
            "cost_eur": rep["cost_eur"],
            "segment": np.asarray([seg_index.get(g, -1) for g in rep["segment"]], dtype=np.int64),
        }

    def _travel(self, t: Any):
        from . import travel as _travel

        if t is None:
            return None
        if isinstance(t, _travel.TravelModel):
            return t
        if not isinstance(t, Mapping):
            raise InvalidTypeError(
                "scenario: 'travel' must be an object or a libmatch travel model"
            )
        t = dict(t)
        model = t.pop("model", "straight_line")
        if model == "straight_line":
            _check_keys(t, ("detour", "speed_kmh"), "travel (straight_line)")
            return _travel.StraightLine(**{k: _number(v, f"travel.{k}") for k, v in t.items()})
        if model == "road_network":
            if "source" not in t:
                raise InvalidInputError("scenario: travel (road_network) needs 'source'")
            src = self._path(t.pop("source"))
            try:
                return _travel.RoadNetwork.from_file(os.fspath(src), **t)
            except TypeError as exc:
                raise InvalidInputError(f"scenario: travel (road_network): {exc}") from None
        raise InvalidInputError(
            f"scenario: travel.model {model!r} is not straight_line or road_network"
        )

    @staticmethod
    def _options(value: Any, what: str) -> Any:
        if value is None:
            return None
        cls = Weights if what == "weights" else Rules
        if isinstance(value, Mapping):
            _check_keys(value, cls._fields, what)
        out = options(value, cls, f"scenario: {what}")
        if what == "rules":
            tol = out.duplicate_tolerance_m
            explicit = (
                "duplicate_tolerance_m" in value
                if isinstance(value, Mapping)
                else tol != Rules().duplicate_tolerance_m
            )
            if explicit and tol != 0:
                # drawn arrivals share the pool's farms: a tolerance would merge strangers
                raise InvalidInputError(
                    "scenario: rules.duplicate_tolerance_m is not applied by the simulation "
                    "(its arrivals are drawn from a shared pool of locations, and duplicate "
                    "requests are not modelled): leave it out"
                )
        return out

    # -- the compiled scenario ---------------------------------------------------------
    @property
    def _simulator(self):
        if self._sim is None:
            self._sim = _core.Simulator(self._spec, 0)
        return self._sim

    def __repr__(self) -> str:
        s = getattr(self, "_spec", None)
        if s is None:
            return "Scenario(<not built>)"
        rate = sum(a["rate_per_week"] for a in s["arrivals"])
        listed = sum(a.get("count", 0) for a in s["arrivals"])
        approach = f", {listed} approached" if listed else ""
        return (
            f"Scenario({self.name!r}: {s['horizon_weeks']} weeks, {len(self.advisor_ids)} advisors, "
            f"{len(self.service_names)} services, {rate:g} arrivals/week{approach}, "
            f"{len(s['events'])} events)"
        )

    def __getstate__(self) -> dict:
        cfg = dict(self._config)
        for key in ("advisors", "locations", "replay"):  # tables travel with the scenario
            if isinstance(cfg.get(key), (str, os.PathLike)):
                cfg[key] = _read_table(self._path(cfg[key]), key)
        if self.areas is not None:
            cfg["areas"] = {
                "wkb": [self.areas.wkb(i) for i in range(len(self.areas))],
                "ids": self.areas.ids,
                "crs": self.areas.crs,
            }
        travel = cfg.get("travel")
        if travel is not None and not isinstance(travel, Mapping):
            raise InvalidTypeError(
                "a Scenario with a travel model object cannot be pickled; give "
                "'travel' as a dict (model, source, ...) instead"
            )
        if isinstance(travel, Mapping) and "source" in travel:
            cfg["travel"] = dict(travel, source=os.fspath(self._path(travel["source"])))
        return {"config": cfg, "base": os.fspath(self._base), "name": self.name}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["config"], base_dir=state["base"], name=state["name"])


# ---- results -------------------------------------------------------------------------------

#: escalation codes beyond the classic five that the simulation itself can give
_EXTRA_REASONS = (
    "no_hours",
    "pinned_advisor_unavailable",
    "slots_exhausted",
    "budget_exhausted",
    "reserved_for_priority",
)
_GROUP_FIELDS = (
    "started",
    "completed",
    "referred",
    "escalated",
    "spend_eur",
    "lead_days_mean",
    "lead_days_p90",
)
_REFERRALS = ("", "out_of_scope", "not_in_module")


def _capped(scenario: Scenario) -> list[int]:
    """Services with a slot cap (their slots left are reported)."""
    return [k for k, sv in enumerate(scenario._spec["services"]) if sv["max_cases"] < _INT64_MAX]


def _weekly_frame(cols: dict, scenario: Scenario) -> pd.DataFrame:
    cols = dict(cols)
    slots = np.asarray(cols.pop("slots_left"))
    w = pd.DataFrame(cols)
    for k in _capped(scenario):
        w[f"slots_left_{scenario.service_names[k]}"] = slots[:, k]
    return w


def _summary_columns(cols: dict, scenario: Scenario, groups: bool) -> dict:
    """The C++ summary columns (one entry per run) in their published order; `groups` adds
    the per-service and per-segment totals (``<service>_started``, ...)."""
    cols = dict(cols)
    by_service, by_segment = cols.pop("by_service"), cols.pop("by_segment")
    codes = {k[len("by_code_") :]: cols.pop(k) for k in list(cols) if k.startswith("by_code_")}
    out = {}
    for k, v in cols.items():
        out[k] = v
        if k == "escalated_no_capacity":
            for r in _EXTRA_REASONS:
                out[f"escalated_{r}"] = codes[r]
    if not groups:
        return out
    capped = set(_capped(scenario))
    for j, name in enumerate(scenario.service_names):
        for f in _GROUP_FIELDS:
            out[f"{name}_{f}"] = np.asarray(by_service[f])[:, j]
        sv = scenario._spec["services"][j]
        if j in capped or sv["cost_eur"] > 0:
            out[f"{name}_slots_left"] = np.asarray(by_service["slots_left"])[:, j]
            out[f"{name}_out_week"] = np.asarray(by_service["out_week"])[:, j]
        if name in scenario.targets:
            out[f"{name}_target"] = np.full(len(out[f"{name}_started"]), scenario.targets[name])
    for j, name in enumerate(scenario.segment_names):
        for f in ("started", "completed", "escalated", "spend_eur", "lead_days_mean"):
            out[f"segment_{name}_{f}"] = np.asarray(by_segment[f])[:, j]
    return out


def _group_frame(raw: Mapping, names: Sequence[str], scenario: Scenario | None) -> pd.DataFrame:
    """by_service / by_segment of one run as a DataFrame indexed by name."""
    df = pd.DataFrame({f: np.asarray(raw[f])[: len(names)] for f in _GROUP_FIELDS}, index=names)
    if scenario is not None:  # services: slots, run-out week, targets
        df.index.name = "service"
        slots = np.asarray(raw["slots_left"]).astype(float)
        df["slots_left"] = np.where(slots >= _INT64_MAX, np.nan, slots)
        out = np.asarray(raw["out_week"]).astype(float)
        df["out_week"] = np.where(out < 0, np.nan, out)
        df["target"] = [scenario.targets.get(n, np.nan) for n in names]
        with np.errstate(divide="ignore", invalid="ignore"):
            df["achieved"] = df["started"].to_numpy(float) / df["target"].to_numpy(float)
    else:
        df.index.name = "segment"
    return df


class SimulationResult:
    """One simulated horizon.

    Attributes
    ----------
    scenario : str
    seed : int
    weekly : DataFrame
        One row per week: flows (arrivals, referred, no_klik_returns, reassigned, completed,
        queued, matched, matched_first, escalated), stocks after the round (waiting,
        in_service, advisors_active, advisors_absent, capacity_total), cumulative counts
        (arrivals_total, matched_total, completed_total, escalated_total, referred_total) and
        distributions (wait_mean/p90/max in weeks from registration to first match, travel
        minutes mean/p90 of the week's matches, outside_area_share, utilisation mean/max/Gini
        over the advisors in the pool with capacity > 0, hours_started).
    summary : dict
        Horizon totals (the columns of :func:`simulate_many`).
    cases : DataFrame
        One row per request: registration week (-1 = initial case), service, location,
        area, priority, duration, first match week, end week, status, escalation reason.
    assignments : DataFrame
        One row per case-advisor stint: week_start (round), week_end (released at the start
        of that week, -1 = still running), end (completed / no_klik / reassigned / running),
        travel minutes, outside_area.
    advisor_weeks : DataFrame
        Capacity, caseload, utilisation and status per advisor and week.
    """

    def __init__(self, scenario: Scenario, raw: dict):
        self.scenario = scenario.name
        self.seed = int(raw["seed"])
        self.weekly = _weekly_frame(raw["weekly"], scenario)
        summ = dict(raw["summary"])
        self.by_service = _group_frame(summ["by_service"], scenario.service_names, scenario)
        segs = list(scenario.segment_names)
        by_seg = _group_frame(summ["by_segment"], [*segs, ""], None)
        if not by_seg.iloc[-1][["started", "referred", "escalated"]].any() and segs:
            by_seg = by_seg.iloc[:-1]  # no case without a segment
        self.by_segment = by_seg
        one = {k: v if isinstance(v, Mapping) else np.asarray([v]) for k, v in summ.items()}
        self.summary = {k: v[0].item() for k, v in _summary_columns(one, scenario, False).items()}
        if "cases" in raw:
            c = pd.DataFrame(raw["cases"])
            c["service"] = np.asarray(scenario.service_names, dtype=object)[c["service"].to_numpy()]
            xy = scenario._location_xy[c["location"].to_numpy()] if len(c) else np.empty((0, 2))
            c.insert(c.columns.get_loc("location") + 1, "x", xy[:, 0])
            c.insert(c.columns.get_loc("x") + 1, "y", xy[:, 1])
            area_ids = np.asarray(
                list(scenario.areas.ids) if scenario.areas is not None else [], dtype=object
            )
            c["area"] = [area_ids[a] if a >= 0 else None for a in c["area"]]
            c["status"] = pd.Categorical.from_codes(c["status"].to_numpy(), _STATUS)
            c["reason"] = [_REASONS[r] for r in c["reason"]]
            seg_names = np.asarray([*scenario.segment_names, ""], dtype=object)
            c["segment"] = seg_names[c["segment"].to_numpy()]
            started = c["start_day"].to_numpy() >= 0
            c["lead_days"] = np.where(
                started & (c["registered"].to_numpy() >= 0),
                (c["start_day"] - c["registered_day"]).to_numpy(float),
                np.nan,
            )
            c["referral"] = [_REFERRALS[r] for r in c["referral"]]
            self.cases = c
            a = pd.DataFrame(raw["assignments"])
            ids = np.asarray(scenario.advisor_ids, dtype=object)
            a.insert(1, "advisor_id", ids[a.pop("advisor").to_numpy()])
            a["end"] = pd.Categorical.from_codes(a["end"].to_numpy(), _STINT_END)
            self.assignments = a
            w = pd.DataFrame(raw["advisor_weeks"])
            w.insert(1, "advisor_id", ids[w.pop("advisor").to_numpy()])
            with np.errstate(divide="ignore", invalid="ignore"):
                util = w["caseload"].to_numpy(float) / w["capacity"].to_numpy(float)
            w["utilisation"] = np.where(w["capacity"].to_numpy() > 0, util, np.nan)
            w["status"] = pd.Categorical.from_codes(w["status"].to_numpy(), _ADVISOR_STATUS)
            self.advisor_weeks = w

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"SimulationResult({self.scenario!r}, seed {self.seed}: {s['arrivals']} arrivals, "
            f"{s['matched_first']} matched, {s['escalated']} escalated, "
            f"wait mean {s['wait_mean']:.2f} w, utilisation {s['util_mean']:.2f})"
        )

    def plot(self, axes=None):
        """Weekly KPIs: queue, waiting time, escalations, travel, utilisation and its Gini
        (6 panels); a programme with a budget or slot caps adds a budget panel (money left
        and spent) and a slots-left panel (8 panels). Every panel has its unit as y label;
        count panels start at 0; a panel without data (no matches: waiting time and travel)
        says so. Returns the axes array (2 x 3, or 2 x 4 with the budget panels).

        ``axes``: optional matplotlib axes to draw into, at least as many as panels:
        6 (e.g. ``plt.subplots(2, 3)[1]``), or 8 with a budget or slot caps
        (``plt.subplots(2, 4)[1]``: the last column takes the budget and slots panels).
        Too few raise :class:`InvalidInputError` naming the count needed."""
        return _plot_weekly(
            self.weekly.assign(seed=self.seed),
            axes=axes,
            title=f"{self.scenario}, seed {self.seed}",
        )

    def to_csv(self, out_dir: str | os.PathLike) -> list[str]:
        """Writes weekly.csv, summary.csv, cases.csv, assignments.csv, advisor_weeks.csv."""
        out = Path(_io.output_dir(out_dir, "simulation result"))
        files = []
        tables = {"weekly": self.weekly, "summary": pd.DataFrame([self.summary])}
        for name in ("cases", "assignments", "advisor_weeks"):
            if hasattr(self, name):
                tables[name] = getattr(self, name)
        for name, df in tables.items():
            files.append(_io.write_csv(df, out / f"{name}.csv", "simulation result"))
        return files


def _as_scenario(s: Any) -> Scenario:
    if isinstance(s, Scenario):
        return s
    if isinstance(s, (str, os.PathLike, Mapping)):
        return Scenario(s)
    raise InvalidTypeError(f"expected a Scenario (or a dict / JSON path), got {type(s).__name__}")


def simulate(
    scenario: Scenario | Mapping | str | os.PathLike,
    seed: int | None = None,
    details: bool = True,
) -> SimulationResult:
    """Simulates the scenario's horizon once.

    Parameters
    ----------
    scenario : Scenario, dict or JSON path
    seed : int, optional
        Same seed, same result (whatever the thread count or machine load). Default: the
        scenario's own ``"seed"`` if it has one, else 0 (as ``libmatch simulate``).
    details : bool, default True
        Also build the ``cases``, ``assignments`` and ``advisor_weeks`` tables.

    Examples
    --------
    >>> import libmatch
    >>> r = libmatch.simulate(libmatch.Scenario("data/scenario.json"), seed=1)  # doctest: +SKIP
    >>> r.weekly[["week", "arrivals", "matched", "waiting"]].head()  # doctest: +SKIP
    """
    sc = _as_scenario(scenario)
    if seed is None:
        seed = sc.config.get("seed", 0)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer, str)):
        raise InvalidTypeError(f"seed must be an integer, got {type(seed).__name__}")
    seeds = parse_seeds(seed)
    if len(seeds) != 1:
        raise InvalidInputError(f"seed: simulate runs one seed, got {len(seeds)}")
    (seed,) = seeds
    return SimulationResult(sc, sc._simulator.run(seed, bool(details)))


def _normalise(scenarios: Any) -> tuple[list[str], list[Scenario]]:
    if isinstance(scenarios, (Scenario, str, os.PathLike)):
        items = [(None, _as_scenario(scenarios))]
    elif isinstance(scenarios, pd.DataFrame):
        raise InvalidTypeError(
            "scenarios must be a Scenario, a path, a list of them or a dict {name: Scenario}, "
            "got a DataFrame"
        )
    elif isinstance(scenarios, Mapping) and (
        any(isinstance(v, Scenario) for v in scenarios.values())  # variants, whatever the keys
        or not any(k in scenarios for k in ("services", "advisors"))
    ):
        items = [(str(k), _as_scenario(v)) for k, v in scenarios.items()]
    elif isinstance(scenarios, Mapping):
        items = [(None, _as_scenario(scenarios))]
    elif isinstance(scenarios, Iterable):
        items = [(None, _as_scenario(s)) for s in scenarios]
    else:
        raise InvalidTypeError(
            "scenarios must be a Scenario, a path, a list of them or a dict {name: Scenario}, "
            f"got {type(scenarios).__name__}"
        )
    if not items:
        raise InvalidInputError("scenarios: none given")
    names, seen = [], {}
    for name, sc in items:
        n = name if name is not None else sc.name
        seen[n] = seen.get(n, 0) + 1
        names.append(n)
    dup = {n for n, c in seen.items() if c > 1}
    if dup:  # keep rows distinguishable: n#1, n#2... skipping labels already in use
        taken = {n for n in names if n not in dup}
        count: dict[str, int] = {}
        for k, n in enumerate(names):
            if n in dup:
                label = n
                while label == n or label in taken:
                    count[n] = count.get(n, 0) + 1
                    label = f"{n}#{count[n]}"
                taken.add(label)
                names[k] = label
    return names, [sc for _, sc in items]


def _frames(names, scenarios, seeds, n_jobs, progress, weekly):
    total = len(scenarios) * len(seeds)
    n_threads = _threads(n_jobs, "n_jobs")  # before the progress bar: no bar for bad input
    bar = None
    callback = None
    if progress and total:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="simulate", unit="run", file=sys.stderr)
        state = {"done": 0}

        def callback(done: int) -> None:
            bar.update(done - state["done"])
            state["done"] = done

    try:
        raw = _core.simulate_many(
            [s._simulator for s in scenarios], seeds, n_threads, callback, bool(weekly)
        )
    finally:
        if bar is not None:
            bar.close()
    seed_dtype = np.int64 if max(seeds, default=0) < 2**63 else np.uint64
    keys = pd.DataFrame(
        {
            "scenario": np.repeat(np.asarray(names, dtype=object), len(seeds)),
            "seed": np.tile(np.asarray(seeds, dtype=seed_dtype), len(scenarios)),
        }
    )
    per = [len(seeds)] * len(scenarios)
    parts, start = [], 0
    for sc, n in zip(scenarios, per):  # each scenario's own services and segments
        cols = {
            k: (
                {f: np.asarray(m)[start : start + n] for f, m in v.items()}
                if isinstance(v, Mapping)
                else np.asarray(v)[start : start + n]
            )
            for k, v in raw["summary"].items()
        }
        parts.append(pd.DataFrame(_summary_columns(cols, sc, True)))
        start += n
    body = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    summary = pd.concat([keys, body], axis=1)
    weekly_df = None
    if weekly:
        w = _weekly_frame(raw["weekly"], scenarios[0])
        run = w.pop("run").to_numpy()
        w.insert(0, "scenario", keys["scenario"].to_numpy()[run])
        w.insert(1, "seed", summary["seed"].to_numpy()[run])
        weekly_df = w
    return summary, weekly_df


def simulate_many(
    scenarios: Any, seeds: Any, n_jobs: int | None = None, progress: bool = True
) -> pd.DataFrame:
    """Runs every scenario with every seed on ``n_jobs`` threads (default: all cores).

    Parameters
    ----------
    scenarios : Scenario, list of Scenarios, or dict {name: Scenario}
    seeds : iterable of int, int, or a string such as ``"0-99"``
    n_jobs : int, optional
        Worker threads in C++ (the GIL is released). Results never depend on it.
    progress : bool, default True
        Show a tqdm progress bar (on stderr).

    Returns
    -------
    DataFrame
        One row per (scenario, seed), scenario-major, with ``scenario``, ``seed`` and the
        summary KPIs; identical to ``simulate(s, seed).summary`` for each pair.
    """
    names, scs = _normalise(scenarios)
    summary, _ = _frames(names, scs, parse_seeds(seeds), n_jobs, progress, False)
    return summary


# ---- plots and command line ----------------------------------------------------------------

# column, title, y label (the unit), count panel (y from 0, whole numbers)
_PLOT_KPIS = (
    ("waiting", "requests waiting", "cases", True),
    ("wait_mean", "wait to first match (mean)", "weeks", False),
    ("escalated_total", "escalated (cumulative)", "cases", True),
    ("travel_mean", "travel to the advisor (mean)", "minutes", False),
    ("util_mean", "utilisation (mean)", "share of capacity", False),
    ("util_gini", "utilisation Gini", "Gini index (0-1)", False),
)


def _count_axis(ax) -> None:
    """y from 0 with whole-number ticks; 0..1 when everything is 0."""
    from matplotlib.ticker import MaxNLocator

    ax.set_ylim(0, max(ax.get_ylim()[1], 1.0))  # the autoscaled top covers the 10-90% bands
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _no_data(ax, message: str) -> bool:
    """Writes ``message`` in the middle of a panel without a finite point; True if so."""
    ys = [np.asarray(line.get_ydata(), float) for line in ax.get_lines()]
    if any(np.isfinite(y).any() for y in ys):
        return False
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=9,
        color="0.35",
    )
    ax.set_yticks([])
    return True


def _has_budget(weekly: pd.DataFrame) -> bool:
    slots = [c for c in weekly.columns if c.startswith("slots_left_")]
    return bool(slots) or bool(np.isfinite(weekly.get("budget_left_eur", pd.Series([]))).any())


def _plot_weekly(weekly: pd.DataFrame, axes=None, title: str | None = None):
    import matplotlib.pyplot as plt

    budget = _has_budget(weekly)
    needed = 8 if budget else 6
    if axes is None:
        cols = 4 if budget else 3
        fig, axes = plt.subplots(
            2, cols, figsize=(4.4 * cols, 6.5), sharex=True, constrained_layout=True
        )
    else:
        if np.size(axes) < needed:
            raise InvalidInputError(
                f"plot: {needed} axes needed "
                + (
                    "(this programme has a budget or slot caps: plt.subplots(2, 4)), "
                    if budget
                    else "(plt.subplots(2, 3)), "
                )
                + f"got {np.size(axes)}"
            )
        fig = np.ravel(axes)[0].figure
    flat = list(np.ravel(axes))
    if budget:  # the budget panels take the last column
        flat = flat[:3] + flat[4:7] + [flat[3], flat[7]]
    groups = list(weekly.groupby("scenario")) if "scenario" in weekly.columns else [("", weekly)]
    keys = [c for c in ("scenario", "seed") if c in weekly.columns]
    runs = len(weekly[keys].drop_duplicates()) if keys else 1
    no_matches = "no matches in this run" if runs <= 1 else "no matches in any run"
    panels = list(_PLOT_KPIS)
    for ax, (col, label, unit, count) in zip(flat, panels):
        for name, g in groups:
            by_week = g.groupby("week")[col]
            mean = by_week.mean()
            (line,) = ax.plot(mean.index, mean.to_numpy(), label=str(name) or None)
            if g["seed"].nunique() > 1:
                lo, hi = by_week.quantile(0.1), by_week.quantile(0.9)
                ax.fill_between(
                    lo.index,
                    lo.to_numpy(),
                    hi.to_numpy(),
                    alpha=0.2,
                    color=line.get_color(),
                    linewidth=0,
                )
        ax.set_title(label, fontsize=10)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
        if not _no_data(ax, no_matches if col in ("wait_mean", "travel_mean") else "no data"):
            if count:
                _count_axis(ax)
    if budget:
        _plot_budget(flat[6], flat[7], weekly, groups)
    for ax in np.ravel(axes)[np.ravel(axes).size // 2 :]:
        ax.set_xlabel("week")
    if len(groups) > 1:
        np.ravel(axes)[0].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return axes


def _plot_budget(ax_money, ax_slots, weekly: pd.DataFrame, groups) -> None:
    """Budget panel (money left, EUR) and slot panel (slots left per capped service)."""
    slot_cols = [c for c in weekly.columns if c.startswith("slots_left_")]
    for name, g in groups:
        by_week = g.groupby("week")
        left = by_week["budget_left_eur"].mean()
        if np.isfinite(left.to_numpy()).any():
            ax_money.plot(left.index, left.to_numpy(), label=f"{name} left".strip())
            spent = by_week["spend_eur_total"].mean()
            ax_money.plot(
                spent.index, spent.to_numpy(), linestyle="--", label=f"{name} spent".strip()
            )
        for c in slot_cols:
            mean = by_week[c].mean()
            ax_slots.plot(mean.index, mean.to_numpy(), label=f"{name} {c[11:]}".strip())
    ax_money.set_title("budget: left, spent (dashed)", fontsize=10)
    ax_money.set_ylabel("EUR")
    ax_slots.set_title("slots left", fontsize=10)
    ax_slots.set_ylabel("slots")
    for ax, empty in ((ax_money, "no budget set"), (ax_slots, "no slot caps")):
        ax.grid(alpha=0.3)
        if not _no_data(ax, empty):
            ax.legend(fontsize=7)
            _count_axis(ax)


def _cmd_simulate(args) -> int:
    scenario = Scenario(args.scenario)
    # default: the scenario's own "seed" (data/scenario.json has one), else 0
    seeds = args.seeds if args.seeds is not None else parse_seeds(scenario.config.get("seed", 0))
    out = Path(_io.output_dir(args.out, "simulate --out"))
    summary, weekly = _frames(
        [scenario.name], [scenario], seeds, args.jobs, not args.no_progress, True
    )
    _io.write_csv(summary, out / "summary.csv", "simulate --out")
    _io.write_csv(weekly, out / "weekly.csv", "simulate --out")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes = _plot_weekly(
        weekly, title=f"{scenario.name}: mean and 10-90% band over {len(seeds)} seed(s)"
    )
    fig = np.ravel(axes)[0].figure
    fig.savefig(out / "kpis.png", dpi=110)
    plt.close(fig)
    cols = [
        "arrivals",
        "matched_first",
        "escalated",
        "no_klik_returns",
        "reassigned",
        "wait_mean",
        "wait_p90",
        "travel_mean",
        "outside_area_share",
        "util_mean",
        "util_gini_mean",
    ]
    spec = scenario._spec
    if math.isfinite(spec["budget_eur"]) or any(sv["cost_eur"] > 0 for sv in spec["services"]):
        cols += ["followups", "spend_eur", "budget_left_eur"]
        cols += [f"{scenario.service_names[k]}_started" for k in _capped(scenario)]
    desc = summary[cols].describe().loc[["mean", "min", "max"]].T
    from .kpis import SUMMARY, SUMMARY_PER_GROUP

    def unit(col: str) -> str:  # the per-service columns here are all <service>_started
        return SUMMARY[col][0] if col in SUMMARY else SUMMARY_PER_GROUP["<service>_started"][0]

    desc.insert(0, "unit", [unit(c) for c in cols])
    print(f"{scenario!r}, {len(seeds)} seed(s)")
    print(desc.to_string(float_format=lambda v: f"{v:.3f}"))
    print(f"wrote {out / 'summary.csv'}, {out / 'weekly.csv'}, {out / 'kpis.png'}")
    return 0


def _seeds_arg(text: str) -> list[int]:
    """--seeds for argparse: a bad list is a usage error (exit 2)."""
    import argparse

    try:
        return parse_seeds(text)
    except (InvalidInputError, InvalidTypeError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _jobs_arg(text: str) -> int:
    import argparse

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number of threads") from None
    if not 1 <= n <= 65536:
        raise argparse.ArgumentTypeError("must be between 1 and 65536 threads")
    return n


def _register_cli(sub) -> None:
    p = sub.add_parser(
        "simulate",
        help="simulate a year of weekly rounds over many seeds",
        description="Simulate a scenario (JSON) over seeds; writes summary.csv "
        "(one row per seed), weekly.csv and kpis.png.",
    )
    p.add_argument("--scenario", required=True, help="scenario JSON file")
    p.add_argument(
        "--seeds",
        default=None,
        type=_seeds_arg,
        help="seeds, e.g. 0-99 or 1,5,9 (default: the scenario's 'seed', else 0)",
    )
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--jobs", type=_jobs_arg, default=None, help="threads (default: all cores)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_simulate)


# `libmatch.distributed` (Dask sweeps; Dask itself is imported lazily) is made reachable as an
# attribute of the package once the simulation module is loaded.
from . import distributed as _distributed  # noqa: E402,F401
