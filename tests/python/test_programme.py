"""The programme round (issue 10): effort in hours, slots, reservations and money budgets.

Exactness: random instances with mixed efforts, slot caps, reservations and budgets have the
objective of an independent OR-Tools CP-SAT model written here (and, on tiny ones, of brute
force); every limit is re-checked on every result from the input tables. Hypothesis
properties, bad input, escalation reasons and explanations follow.

The oracles take the per-pair base costs (travel points) from ``explain`` of the round, so
they test the optimisation, not the travel model (tested elsewhere); hours, prices,
capacities, load costs, unassigned costs and every limit are modelled here from the inputs.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

import libmatch
from libmatch import errors

SERVICES = ["s0", "s1"]


# ---- random instances ---------------------------------------------------------------------


def random_instance(seed: int, tiny: bool = False, price_step: float = 25.0) -> dict:
    """Requests, advisors, catalogue, reservations, budget and weights of one round. Hours
    are multiples of 0.5 h and prices multiples of EUR 25 (or of ``price_step``, with budgets
    then in any whole cents, off the prices' lattice), so the oracle scales them to integers
    exactly."""
    rng = np.random.default_rng(seed)
    odd = price_step != 25.0
    n_req = int(rng.integers(2, 7 if tiny else 15))
    n_adv = int(rng.integers(1, 4 if tiny else 6))
    services = SERVICES[: int(rng.integers(1, 3))]
    half = lambda lo, hi: float(rng.integers(lo * 2, hi * 2 + 1)) / 2  # noqa: E731

    def maybe(p, value, default):
        return value if rng.random() < p else default

    def money(top: float) -> float:  # whole cents in [0, top]
        return int(rng.integers(0, int(top * 100) + 1)) / 100.0

    req = pd.DataFrame(
        {
            "applicant_id": [f"R{k:02d}" for k in range(n_req)],
            "x": rng.integers(0, 30, n_req) * 1000.0,
            "y": rng.integers(0, 30, n_req) * 1000.0,
            "service": rng.choice(services, n_req),
            "priority": rng.integers(0, 4, n_req),
            "hours": [maybe(0.6, half(0.5, 6), np.nan) for _ in range(n_req)],
            "cost_eur": [
                maybe(0.4, price_step * int(rng.integers(0, 20)), np.nan) for _ in range(n_req)
            ],
        }
    )
    caps = rng.integers(1, 5, n_adv)
    cap_h = [maybe(0.7, half(2, 14), math.inf) for _ in range(n_adv)]
    adv = pd.DataFrame(
        {
            "advisor_id": [f"A{k}" for k in range(n_adv)],
            "x": rng.integers(0, 30, n_adv) * 1000.0,
            "y": rng.integers(0, 30, n_adv) * 1000.0,
            "service": [services[k % len(services)] for k in range(n_adv)],
            "capacity": caps,
            "caseload": [int(rng.integers(0, c)) for c in caps],
            "capacity_hours": cap_h,
            "hours_booked": [
                0.0 if math.isinf(h) else float(rng.integers(0, int(h) + 1)) / 2 for h in cap_h
            ],
        }
    )
    cat = pd.DataFrame(
        {
            "service": services,
            "hours": [half(0.5, 5) for _ in services],
            "cost_eur": [price_step * int(rng.integers(0, 16)) for _ in services],
            "max_cases": [maybe(0.5, float(rng.integers(0, 6)), np.nan) for _ in services],
            "budget_eur": [
                maybe(0.4, money(60 * 25.0) if odd else 25.0 * int(rng.integers(0, 60)), np.nan)
                for _ in services
            ],
            "portfolio": ["p"] * len(services),
        }
    )
    reserve = []
    if rng.random() < 0.5:
        reserve.append(
            (str(rng.choice(services)), int(rng.integers(0, 4)), int(rng.integers(1, 4)))
        )
    budget = maybe(0.5, money(100 * price_step) if odd else 25.0 * int(rng.integers(0, 100)), None)
    auto = rng.random() < 0.4
    weights = {
        "travel_per_minute": 1.0,
        "outside_area": 0.0,
        "continuity": 0.0,
        "load": float(rng.choice([0.0, 30.0, 60.0])),
        "unassigned_base": -1.0 if auto else float(rng.integers(20, 300)),
        "unassigned_per_priority": float(rng.choice([0.0, 50.0, 200.0])),
    }
    return {
        "req": req,
        "adv": adv,
        "cat": cat,
        "reserve": reserve,
        "budget": budget,
        "weights": weights,
    }


def run(inst: dict, **kw) -> libmatch.RoundResult:
    rules = {"duplicate_tolerance_m": 0.0, "alternatives": 0, "reserve": inst["reserve"]}
    return libmatch.match(
        inst["req"],
        inst["adv"],
        services=inst["cat"],
        budget_eur=inst["budget"],
        weights=inst["weights"],
        rules=rules,
        **kw,
    )


# ---- the model, written from the inputs ---------------------------------------------------


class Model:
    """The round as data: eligible pairs with base cost (units), hours (half hours) and
    price (cents) per request, capacities, load marginals, unassigned costs, limits."""

    def __init__(self, inst: dict, res: libmatch.RoundResult):
        req, adv, cat = inst["req"], inst["adv"], inst["cat"].set_index("service")
        w = inst["weights"]
        self.req_ids = list(req["applicant_id"])
        self.adv_ids = list(adv["advisor_id"])
        self.svc = list(req["service"])
        self.pri = [int(p) for p in req["priority"]]
        hours = [
            cat.loc[s, "hours"] if math.isnan(h) else h
            for s, h in zip(req["service"], req["hours"])
        ]
        price = [
            cat.loc[s, "cost_eur"] if math.isnan(c) else c
            for s, c in zip(req["service"], req["cost_eur"])
        ]
        self.half_hours = [int(round(h * 2)) for h in hours]
        self.cents = [int(round(c * 100)) for c in price]
        self.room = [int(c - n) for c, n in zip(adv["capacity"], adv["caseload"])]
        self.free_half = [
            None if math.isinf(h) else int(round((h - b) * 2))
            for h, b in zip(adv["capacity_hours"], adv["hours_booked"])
        ]
        # load marginal of the k-th new case (k = 1..room) as load_marginal in C++
        self.marginal = []
        for c, n in zip(adv["capacity"], adv["caseload"]):
            ms = []
            for k in range(1, int(c - n) + 1):
                u = (n + k) / c
                ms.append(0 if w["load"] == 0 else int(np.rint(w["load"] * u * u * 100.0)))
            self.marginal.append(ms)
        base = res._core.unassigned_base
        per = int(np.rint(w["unassigned_per_priority"] * 100.0))
        self.unassigned = [base + per * max(p, 0) for p in self.pri]
        # eligible pairs and their base costs from the round's explanation
        self.arcs = {}
        for r, rid in enumerate(self.req_ids):
            ex = res.explain(rid).set_index("advisor_id")
            for a, aid in enumerate(self.adv_ids):
                row = ex.loc[aid]
                if row["verdict"] == "eligible":
                    self.arcs[(r, a)] = int(round((row["total"] - row["load"]) * 100))
        self.max_cases = {s: None if math.isnan(m) else int(m) for s, m in cat["max_cases"].items()}
        self.svc_budget = {
            s: None if math.isnan(b) else int(math.floor(b * 100 + 1e-6))
            for s, b in cat["budget_eur"].items()
        }
        self.budget = (
            None if inst["budget"] is None else int(math.floor(inst["budget"] * 100 + 1e-6))
        )
        self.low_cap = {}  # service -> (min_priority, quota of lower priority)
        for s, slots, min_p in inst["reserve"]:
            m = self.max_cases[s]
            if m is not None:
                self.low_cap[s] = (min_p, max(0, m - slots))

    def objective(self, choice: dict[int, int]) -> int | None:
        """Objective (units) of {request: advisor}, None when a limit is broken."""
        count = [0] * len(self.adv_ids)
        hours = [0] * len(self.adv_ids)
        total = 0
        for r, a in choice.items():
            if (r, a) not in self.arcs:
                return None
            count[a] += 1
            hours[a] += self.half_hours[r]
            total += self.arcs[(r, a)]
        if not self.feasible(choice, count, hours):
            return None
        for a, n in enumerate(count):
            total += sum(self.marginal[a][:n])
        total += sum(self.unassigned[r] for r in range(len(self.req_ids)) if r not in choice)
        return total

    def feasible(self, choice, count, hours) -> bool:
        for a in range(len(self.adv_ids)):
            if count[a] > self.room[a]:
                return False
            if self.free_half[a] is not None and hours[a] > self.free_half[a]:
                return False
        for s in set(self.svc):
            rs = [r for r in choice if self.svc[r] == s]
            if self.max_cases[s] is not None and len(rs) > self.max_cases[s]:
                return False
            if (
                self.svc_budget[s] is not None
                and sum(self.cents[r] for r in rs) > self.svc_budget[s]
            ):
                return False
            if s in self.low_cap:
                min_p, quota = self.low_cap[s]
                if sum(1 for r in rs if self.pri[r] < min_p) > quota:
                    return False
        if self.budget is not None and sum(self.cents[r] for r in choice) > self.budget:
            return False
        return True

    def cp_sat(self) -> int:
        m = cp_model.CpModel()
        x = {k: m.NewBoolVar(f"x{k}") for k in self.arcs}
        n_r, n_a = len(self.req_ids), len(self.adv_ids)
        obj = []
        assigned = []
        for r in range(n_r):
            xs = [x[(r, a)] for a in range(n_a) if (r, a) in x]
            m.Add(sum(xs) <= 1)
            assigned.append(sum(xs))
            obj.append(self.unassigned[r] * (1 - sum(xs)))
        for a in range(n_a):
            xs = [x[(r, a)] for r in range(n_r) if (r, a) in x]
            if not xs:
                continue
            m.Add(sum(xs) <= self.room[a])
            if self.free_half[a] is not None:
                m.Add(
                    sum(self.half_hours[r] * x[(r, a)] for r in range(n_r) if (r, a) in x)
                    <= self.free_half[a]
                )
            # convex load: z_k = "at least k new cases", ordered
            z = [m.NewBoolVar(f"z{a}_{k}") for k in range(len(self.marginal[a]))]
            for k in range(1, len(z)):
                m.Add(z[k] <= z[k - 1])
            m.Add(sum(z) == sum(xs))
            obj += [mk * zk for mk, zk in zip(self.marginal[a], z)]
        for (r, a), v in x.items():
            obj.append(self.arcs[(r, a)] * v)
        for s in set(self.svc):
            terms = [(r, v) for (r, a), v in x.items() if self.svc[r] == s]
            if self.max_cases[s] is not None:
                m.Add(sum(v for _, v in terms) <= self.max_cases[s])
            if self.svc_budget[s] is not None:
                m.Add(sum(self.cents[r] * v for r, v in terms) <= self.svc_budget[s])
            if s in self.low_cap:
                min_p, quota = self.low_cap[s]
                m.Add(sum(v for r, v in terms if self.pri[r] < min_p) <= quota)
        if self.budget is not None:
            m.Add(sum(self.cents[r] * v for (r, _), v in x.items()) <= self.budget)
        m.Minimize(sum(obj))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 60
        status = solver.Solve(m)
        assert status == cp_model.OPTIMAL
        return int(round(solver.ObjectiveValue()))

    def brute_force(self) -> int:
        n_r, n_a = len(self.req_ids), len(self.adv_ids)
        best = None
        for combo in itertools.product(range(-1, n_a), repeat=n_r):
            choice = {r: a for r, a in enumerate(combo) if a >= 0}
            v = self.objective(choice)
            if v is not None and (best is None or v < best):
                best = v
        return best


def check_result(inst: dict, res: libmatch.RoundResult) -> None:
    """Every limit of the programme on a result, from the input tables."""
    req = inst["req"].set_index("applicant_id")
    adv = inst["adv"].set_index("advisor_id")
    cat = inst["cat"].set_index("service")
    a = res.assignments
    # each request once, hours and prices as the inputs say
    assert len(a) + len(res.escalations) == len(req)
    assert set(a["applicant_id"]).isdisjoint(res.escalations["applicant_id"])
    for row in a.itertuples(index=False):
        q = req.loc[row.applicant_id]
        h = cat.loc[q["service"], "hours"] if math.isnan(q["hours"]) else q["hours"]
        c = cat.loc[q["service"], "cost_eur"] if math.isnan(q["cost_eur"]) else q["cost_eur"]
        assert row.hours == pytest.approx(h) and row.cost_eur == pytest.approx(c)
        assert adv.loc[row.advisor_id, "service"] == q["service"]
    loads = res.loads.set_index("advisor_id")
    for aid, g in a.groupby("advisor_id"):
        cap = adv.loc[aid]
        assert len(g) + cap["caseload"] <= cap["capacity"]
        assert cap["hours_booked"] + g["hours"].sum() <= cap["capacity_hours"] + 1e-9
        assert loads.loc[aid, "hours_after"] == pytest.approx(
            cap["hours_booked"] + g["hours"].sum()
        )
    for s, g in a.groupby("service"):
        m = cat.loc[s, "max_cases"]
        if not math.isnan(m):
            assert len(g) <= m
        b = cat.loc[s, "budget_eur"]
        if not math.isnan(b):
            assert g["cost_eur"].sum() <= b + 1e-6
        for rs, slots, min_p in inst["reserve"]:
            if rs == s and not math.isnan(m):
                assert (g["priority"] < min_p).sum() <= max(0, m - slots)
    if inst["budget"] is not None:
        assert a["cost_eur"].sum() <= inst["budget"] + 1e-6
    assert res.spend_eur == pytest.approx(a["cost_eur"].sum())
    sbs = res.spend_by_service.set_index("service")
    for s in cat.index:
        g = a[a["service"] == s]
        assert sbs.loc[s, "spend_eur"] == pytest.approx(g["cost_eur"].sum())
        assert sbs.loc[s, "slots_used"] == len(g) == res.slots_used[s]


# ---- exactness ----------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", range(6))
def test_objective_equals_cp_sat(chunk):
    """300 random instances (50 per chunk): objective of the round == CP-SAT's optimum."""
    mip_used = 0
    for seed in range(chunk * 50, chunk * 50 + 50):
        inst = random_instance(seed)
        res = run(inst)
        check_result(inst, res)
        assert res.status == "optimal" and res.gap == 0 and res.bound == res.objective
        model = Model(inst, res)
        assert round(res.objective * 100) == model.cp_sat(), f"seed {seed}"
        mip_used += (
            res.escalations["reason"]
            .isin(["no_hours", "slots_exhausted", "budget_exhausted", "reserved_for_priority"])
            .any()
        )
    assert mip_used > 5  # the limits bind in a good share of the instances


def test_budgets_off_the_price_lattice_are_exact():
    """Prices in steps of EUR 150 and budgets in any whole cents: the round rounds a money
    row's room down to the prices' gcd (exact, and it tightens the LP); CP-SAT on the
    untouched budgets must agree on every instance."""
    binding = 0
    for seed in range(5000, 5120):
        inst = random_instance(seed, price_step=150.0)
        res = run(inst)
        check_result(inst, res)
        assert res.status == "optimal" and res.bound == res.objective, f"seed {seed}"
        assert round(res.objective * 100) == Model(inst, res).cp_sat(), f"seed {seed}"
        binding += (res.escalations["reason"] == "budget_exhausted").any()
    assert binding > 10  # the budgets bind in a good share


def test_objective_equals_brute_force_on_tiny_instances():
    for seed in range(1000, 1080):
        inst = random_instance(seed, tiny=True)
        res = run(inst)
        check_result(inst, res)
        model = Model(inst, res)
        assert round(res.objective * 100) == model.brute_force(), f"seed {seed}"


def test_result_does_not_depend_on_row_order():
    for seed in range(2000, 2020):
        inst = random_instance(seed)
        res = run(inst)
        shuffled = dict(inst)
        shuffled["req"] = inst["req"].sample(frac=1, random_state=seed).reset_index(drop=True)
        shuffled["adv"] = inst["adv"].sample(frac=1, random_state=seed).reset_index(drop=True)
        res2 = run(shuffled)
        assert res2.objective == res.objective
        pd.testing.assert_frame_equal(res.assignments, res2.assignments)


# ---- hypothesis properties ----------------------------------------------------------------


@st.composite
def programme_rounds(draw):
    seed = draw(st.integers(0, 10**6))
    return random_instance(seed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programme_rounds())
def test_limits_hold_on_every_result(inst):
    """No advisor above hours or cases, spend <= budgets, slots <= max, reserved slots never
    to lower priority (check_result), and the escalation reasons are consistent."""
    res = run(inst)
    check_result(inst, res)
    e = res.escalations
    for row in e[e["reason"] == "budget_exhausted"].itertuples(index=False):
        assert "EUR" in row.detail and "missing" in row.detail
    for row in e[e["reason"] == "slots_exhausted"].itertuples(index=False):
        assert (
            res.slots_used[row.service]
            == inst["cat"].set_index("service").loc[row.service, "max_cases"]
        )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10**6),
    st.integers(0, 12),
    st.integers(1, 12),
)
def test_adding_budget_never_gives_a_match_of_higher_priority_to_lower(seed, b1, extra):
    """One service, one price, every advisor eligible for every request, priority dominating
    travel: the money buys cases by priority, so raising the budget never takes a match from
    a request and gives one to a lower-priority request."""
    rng = np.random.default_rng(seed)
    n_req, n_adv = int(rng.integers(3, 12)), int(rng.integers(1, 4))
    req = pd.DataFrame(
        {
            "applicant_id": [f"R{k:02d}" for k in range(n_req)],
            "x": rng.integers(0, 10, n_req) * 1000.0,
            "y": rng.integers(0, 10, n_req) * 1000.0,
            "service": "s0",
            "priority": rng.integers(0, 4, n_req),
            "hours": rng.integers(1, 5, n_req).astype(float),
        }
    )
    adv = pd.DataFrame(
        {
            "advisor_id": [f"A{k}" for k in range(n_adv)],
            "x": rng.integers(0, 10, n_adv) * 1000.0,
            "y": rng.integers(0, 10, n_adv) * 1000.0,
            "service": "s0",
            "capacity": 20,
        }
    )
    cat = pd.DataFrame({"service": ["s0"], "hours": [1.0], "cost_eur": [100.0]})
    weights = {"unassigned_base": 50.0, "unassigned_per_priority": 5000.0, "load": 0.0}

    def assigned(budget):
        res = libmatch.match(
            req,
            adv,
            services=cat,
            budget_eur=budget,
            weights=weights,
            rules={"duplicate_tolerance_m": 0.0},
        )
        return set(res.assignments["applicant_id"])

    lo, hi = assigned(100.0 * b1), assigned(100.0 * (b1 + extra))
    pri = dict(zip(req["applicant_id"], req["priority"]))
    lost = lo - hi
    gained = hi - lo
    for h in lost:
        assert all(pri[g] >= pri[h] for g in gained)
    assert len(hi) >= len(lo)


# ---- outputs, escalations, explanations ---------------------------------------------------


def deventer():
    req = pd.DataFrame(
        {
            "applicant_id": ["R1", "R2", "R3", "R4"],
            "x": [0.0, 1000.0, 2000.0, 3000.0],
            "y": [0.0, 0.0, 0.0, 0.0],
            "service": ["imk", "imk", "coaching", "coaching"],
            "priority": [0, 3, 1, 0],
        }
    )
    adv = pd.DataFrame(
        {
            "advisor_id": ["IMK", "C1"],
            "x": [0.0, 0.0],
            "y": [500.0, 500.0],
            "service": ["imk", "coaching"],
            "capacity": [10, 10],
            "capacity_hours": [100.0, 15.0],
        }
    )
    cat = pd.DataFrame(
        {
            "service": ["imk", "coaching"],
            "hours": [3.0, 10.0],
            "cost_eur": [2095.0, 750.0],
            "max_cases": [1, None],
            "portfolio": ["Anna", "Bert"],
        }
    )
    return req, adv, cat


def test_hours_slots_and_spend_are_reported():
    req, adv, cat = deventer()
    res = libmatch.match(req, adv, services=cat)
    a = res.assignments.set_index("applicant_id")
    assert list(a.index) == ["R2", "R3"]  # one IMK slot: priority 3 wins; 15 h: one coaching
    assert a.loc["R3", "hours"] == 10 and a.loc["R2", "cost_eur"] == 2095
    e = res.escalations.set_index("applicant_id")
    assert e.loc["R1", "reason"] == "slots_exhausted"
    assert e.loc["R4", "reason"] == "no_hours"
    assert res.spend_eur == 2095 + 750
    sbs = res.spend_by_service.set_index("service")
    assert sbs.loc["imk", "slots_used"] == 1 and sbs.loc["imk", "portfolio"] == "Anna"
    loads = res.loads.set_index("advisor_id")
    assert loads.loc["C1", "hours_after"] == 10 and loads.loc["C1", "hours_capacity"] == 15
    s = res.summary().set_index("service")
    assert s.loc["total", "spend_eur"] == 2845 and s.loc["coaching", "hours"] == 10
    ex = res.explain("R4").set_index("advisor_id")
    assert ex.loc["C1", "hours_needed"] == 10 and ex.loc["C1", "hours_free"] == 5
    assert not ex.loc["C1", "has_room"] and "needs 10.0 h of 5.0 h free" in ex.loc["C1", "why"]
    assert ex.loc["C1", "cost_eur"] == 750
    # R1 is stopped by the one IMK slot, not by an advisor: explain says so
    ex = res.explain("R1")
    elig = ex[ex["verdict"] == "eligible"]
    assert len(elig) and elig["why"].str.contains("not matched: slots_exhausted: the 1 slot").all()
    assert not res.explain("R2")["why"].str.contains("not matched").any()  # R2 got the slot


def test_budget_exhausted_names_the_amount_missing():
    req, adv, cat = deventer()
    res = libmatch.match(req, adv, services=cat, budget_eur=2500.0)
    e = res.escalations.set_index("applicant_id")
    # R2 (priority 3) takes the IMK study: 405 left, a coaching case costs 750
    assert res.assignments["applicant_id"].tolist() == ["R2"]
    assert e.loc["R3", "reason"] == "budget_exhausted"
    assert "EUR 345.00 missing" in e.loc["R3", "detail"]
    assert res.spend_eur <= 2500


def test_pinned_case_stopped_by_the_budget_names_the_amount_missing():
    """Pins are placed before the solve: a pinned case the money cannot pay names its
    shortfall at that point (EUR 750 against the EUR 500 of the round), not EUR 0."""
    req = pd.DataFrame(
        {
            "applicant_id": ["A1", "A2"],
            "x": [1000.0, 3000.0],
            "y": [0.0, 0.0],
            "service": ["coach", "scan"],
            "priority": [0, 2],
            "current_advisor": ["B1", ""],
            "pinned": [True, False],
        }
    )
    adv = pd.DataFrame(
        {
            "advisor_id": ["B1", "B2"],
            "x": [0.0, 5000.0],
            "y": [0.0, 0.0],
            "service": ["coach", "scan"],
            "capacity": [5, 5],
        }
    )
    cat = pd.DataFrame(
        {"service": ["coach", "scan"], "hours": [10.0, 3.0], "cost_eur": [750.0, 275.0]}
    )
    res = libmatch.match(req, adv, services=cat, budget_eur=500)
    e = res.escalations.set_index("applicant_id")
    assert e.loc["A1", "reason"] == "budget_exhausted"
    assert "EUR 250.00 missing" in e.loc["A1", "detail"]
    assert res.spend_eur == 275


def test_money_counts_in_whole_cents():
    """Prices round to the cent before the limits are checked, and the result reports the
    rounded prices: three cases at EUR 33.334 fit EUR 100 and spend EUR 99.99, not 100.002."""
    req = pd.DataFrame(
        {
            "applicant_id": ["A1", "A2", "A3"],
            "x": [1000.0, 2000.0, 3000.0],
            "y": [0.0] * 3,
            "service": ["scan"] * 3,
            "cost_eur": [33.334] * 3,
        }
    )
    adv = pd.DataFrame(
        {"advisor_id": ["B1"], "x": [0.0], "y": [0.0], "service": ["scan"], "capacity": [10]}
    )
    cat = pd.DataFrame({"service": ["scan"], "hours": [1.0], "cost_eur": [0.0]})
    res = libmatch.match(req, adv, services=cat, budget_eur=100.0)
    assert len(res.assignments) == 3
    assert res.spend_eur == pytest.approx(99.99) and res.spend_eur <= 100.0
    assert (res.assignments["cost_eur"] == 33.33).all()
    assert res.spend_by_service["spend_eur"].sum() == pytest.approx(99.99)
    assert res.explain("A1")["cost_eur"].iloc[0] == 33.33


def test_reservation_keeps_slots_for_priority():
    req, adv, cat = deventer()
    req = req.assign(priority=[0, 0, 1, 0])
    free = libmatch.match(req, adv, services=cat)
    assert "R1" in set(free.assignments["applicant_id"])
    kept = libmatch.match(req, adv, services=cat, rules={"reserve": [("imk", 1, 2)]})
    e = kept.escalations.set_index("applicant_id")
    assert e.loc["R1", "reason"] == "reserved_for_priority"
    assert e.loc["R2", "reason"] == "reserved_for_priority"
    assert "priority >= 2" in e.loc["R1", "detail"]


def test_hours_above_every_capacity_is_an_escalation_not_an_error():
    req, adv, cat = deventer()
    res = libmatch.match(req.assign(hours=[None, None, 400.0, None]), adv, services=cat)
    assert res.escalations.set_index("applicant_id").loc["R3", "reason"] == "no_hours"


def test_travel_in_hours_adds_the_round_trips():
    req, adv, cat = deventer()
    cat = cat.assign(travel_in_hours=[False, True], visits=[1.0, 3.0])
    res = libmatch.match(req, adv, services=cat)
    a = res.assignments.set_index("applicant_id")
    minutes = a.loc["R3", "minutes"]
    assert a.loc["R3", "hours"] == pytest.approx(10 + 3 * 2 * minutes / 60)


def test_time_limit_is_reported_and_solution_feasible():
    inst = random_instance(7)
    res = run(inst, time_limit_s=0.001)
    check_result(inst, res)
    assert res.status in ("optimal", "time_limit")
    assert res.bound <= res.objective + 1e-9 and res.gap >= 0


def test_round_without_programme_inputs_is_unchanged():
    req, adv, _ = deventer()
    plain = libmatch.match(req, adv.drop(columns="capacity_hours"))
    assert plain.status == "optimal" and plain.spend_eur == 0
    assert plain.catalogue is None and (plain.assignments["hours"] == 1).all()
    assert math.isinf(plain.budget_eur)


def test_cli_round_with_catalogue(tmp_path):
    from libmatch.cli import main

    req, adv, cat = deventer()
    for name, df in (("req", req), ("adv", adv), ("cat", cat)):
        df.to_csv(tmp_path / f"{name}.csv", index=False)
    out = tmp_path / "out"
    code = main(
        [
            "round",
            "--applicants", str(tmp_path / "req.csv"),
            "--advisors", str(tmp_path / "adv.csv"),
            "--services", str(tmp_path / "cat.csv"),
            "--budget-eur", "2500",
            "--time-limit-s", "10",
            "--out", str(out),
            "--no-map",
        ]
    )  # fmt: skip
    assert code == 0
    spend = pd.read_csv(out / "spend_by_service.csv")
    assert spend["spend_eur"].sum() == 2095
    from libmatch.audit import verify

    rec = verify(out)
    assert rec["programme"]["budget_eur"] == 2500 and rec["programme"]["catalogue"]


# ---- bad input ----------------------------------------------------------------------------

SECRET = "Jan Jansen"


@pytest.mark.parametrize(
    "table, column, value, error",
    [
        ("req", "hours", -1.0, errors.InvalidInputError),
        ("req", "cost_eur", -5.0, errors.InvalidInputError),
        ("req", "hours", SECRET, errors.InvalidInputError),
        ("adv", "capacity_hours", -2.0, errors.InvalidInputError),
        ("adv", "hours_booked", 500.0, errors.InvalidInputError),
        ("adv", "hours_booked", SECRET, errors.InvalidInputError),
        ("cat", "hours", -1.0, errors.InvalidInputError),
        ("cat", "cost_eur", -1.0, errors.InvalidInputError),
        ("cat", "budget_eur", -1.0, errors.InvalidInputError),
        ("cat", "max_cases", 1.5, errors.InvalidInputError),
        ("cat", "hours", math.inf, errors.InvalidInputError),
        ("cat", "cost_eur", SECRET, errors.InvalidInputError),
    ],
)
def test_bad_cells_raise_typed_errors_naming_row_and_id(table, column, value, error):
    req, adv, cat = deventer()
    frames = {"req": req, "adv": adv, "cat": cat}
    df = frames[table].copy()
    if column not in df:
        df[column] = np.nan
    df[column] = df[column].astype(object)
    df.loc[1, column] = value
    frames[table] = df
    with pytest.raises(error) as exc:
        libmatch.match(frames["req"], frames["adv"], services=frames["cat"])
    msg = str(exc.value)
    assert SECRET not in msg and column in msg
    ident = {"req": "R2", "adv": "C1", "cat": "coaching"}[table]
    assert ident in msg


def test_unknown_service_with_a_catalogue_names_row_and_id():
    req, adv, cat = deventer()
    with pytest.raises(errors.UnknownIdError, match=r"row 3 \(id 'R4'\)") as exc:
        libmatch.match(req.assign(service=["imk", "imk", "coaching", SECRET]), adv, services=cat)
    assert SECRET not in str(exc.value)
    assert isinstance(exc.value, KeyError)
    with pytest.raises(errors.UnknownIdError, match="C1"):
        libmatch.match(req, adv.assign(service=["imk", "other"]), services=cat)


@pytest.mark.parametrize("budget", [-1.0, math.nan])
def test_bad_round_budget(budget):
    req, adv, cat = deventer()
    with pytest.raises(errors.InvalidInputError, match="budget_eur"):
        libmatch.match(req, adv, services=cat, budget_eur=budget)


def test_bad_reservations_and_time_limit():
    req, adv, cat = deventer()
    with pytest.raises(errors.UnknownIdError, match="'nope'"):
        libmatch.match(req, adv, services=cat, rules={"reserve": [("nope", 1, 1)]})
    with pytest.raises(errors.InvalidInputError, match="slots"):
        libmatch.Rules(reserve=[("imk", -1, 1)])
    with pytest.raises(errors.InvalidInputError, match="twice"):
        libmatch.Rules(reserve=[("imk", 1, 1), ("imk", 2, 1)])
    with pytest.raises(errors.InvalidTypeError):
        libmatch.Rules(reserve=["imk"])
    with pytest.raises(errors.InvalidInputError, match="time_limit_s"):
        libmatch.match(req, adv, services=cat, time_limit_s=0.0)
    with pytest.raises(errors.InvalidInputError, match="time_limit_s"):
        libmatch.match(req, adv, services=cat, time_limit_s=math.nan)


def test_duplicate_service_in_catalogue():
    req, adv, cat = deventer()
    with pytest.raises(errors.InvalidInputError, match="repeats row 0"):
        libmatch.match(req, adv, services=pd.concat([cat, cat.iloc[:1]], ignore_index=True))


def test_rules_reserve_round_trips():
    r = libmatch.Rules(reserve=[("imk", 2, 3)], time_limit_s=4.0)
    assert r.reserve == [("imk", 2, 3)] and r.time_limit_s == 4.0
    import pickle

    assert pickle.loads(pickle.dumps(r)) == r
    assert r.replace(reserve=None).reserve == []


def test_register_is_passed_down_and_its_services_interned():
    req, adv, _ = deventer()
    reg = pd.DataFrame(
        {"applicant_key": ["K1"], "advisor_id": ["X9"], "service": ["zz_only_in_register"]}
    )
    res = libmatch.match(req, adv, register=reg)
    assert res._core.n_requests == 4
    assert "zz_only_in_register" in set(res.spend_by_service["service"])
    assert res.slots_used["zz_only_in_register"] == 0
    with pytest.raises(errors.InvalidInputError, match="register: advisor_id in row 0"):
        libmatch.match(req, adv, register=reg.assign(advisor_id=[""]))
