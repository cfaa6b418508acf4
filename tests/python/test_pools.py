"""Multi-service pools (``service`` = ``wmo;jeugd``), request alternatives
(``zaakbegeleider;vabimpuls``) and positions (``quantity``): hand-checked casebook, typed
errors, properties, and random rounds whose optimum is checked against OR-Tools CP-SAT on an
independent model (one binary per request, advisor and shared service; no position copies).
"""

import math

import numpy as np
import pandas as pd
import pytest

import libmatch

RULES = {"duplicate_tolerance_m": 0.0}


def _req(rows):
    return pd.DataFrame(rows, columns=["applicant_id", "x", "y", "service", "quantity", "priority"])


def _adv(rows):
    return pd.DataFrame(rows, columns=["advisor_id", "x", "y", "service", "capacity"])


# ---- casebook ------------------------------------------------------------------------------


def test_multi_service_pool_shares_capacity():
    adv = _adv([["A", 0, 0, "wmo;jeugd", 2]])
    req = _req(
        [
            ["w1", 1000, 0, "wmo", 1, 1],
            ["j1", 2000, 0, "jeugd", 1, 0],
            ["w2", 3000, 0, "wmo", 1, 0],
        ]
    )
    res = libmatch.match(req, adv, rules=RULES)
    a = res.assignments.set_index("applicant_id")
    assert sorted(a.index) == ["j1", "w1"]
    assert a.loc["j1", "service"] == "jeugd" and a.loc["w1", "service"] == "wmo"
    e = res.escalations.set_index("applicant_id")
    assert e.loc["w2", "reason"] == "no_capacity"
    assert res.loads.set_index("advisor_id").loc["A", "assigned"] == 2
    assert res.loads.set_index("advisor_id").loc["A", "service"] == "wmo;jeugd"


def test_multi_service_pool_shares_hours():
    adv = _adv([["A", 0, 0, "wmo;jeugd", 10]]).assign(capacity_hours=10.0)
    req = _req(
        [
            ["w1", 1000, 0, "wmo", 1, 0],
            ["j1", 2000, 0, "jeugd", 1, 0],
            ["w2", 3000, 0, "wmo", 1, 0],
        ]
    )
    cat = pd.DataFrame({"service": ["wmo", "jeugd"], "hours": [6.0, 4.0]})
    res = libmatch.match(req, adv, rules=RULES, services=cat)
    # {w1, w2} needs 12 h of 10; {w1, j1} travels less than {j1, w2}.
    assert sorted(res.assignments["applicant_id"]) == ["j1", "w1"]
    assert res.escalations.set_index("applicant_id").loc["w2", "reason"] == "no_hours"
    assert res.loads["hours_after"].iloc[0] == pytest.approx(10.0)


def test_alternatives_chosen_reported_and_explained():
    adv = _adv([["Z", 1000, 0, "zaakbegeleider", 5], ["V", 2000, 0, "vabimpuls", 5]])
    req = _req([["r", 0, 0, "zaakbegeleider;vabimpuls", 1, 0]])
    cat = pd.DataFrame(
        {
            "service": ["zaakbegeleider", "vabimpuls"],
            "hours": [1.0, 36.0],
            "cost_eur": [100.0, 2000.0],
            "max_cases": [0.0, math.inf],
        }
    )
    res = libmatch.match(req, adv, rules=RULES, services=cat)
    row = res.assignments.iloc[0]
    # No zaakbegeleider slot left: vabimpuls with its hours and price.
    assert (row.advisor_id, row.service) == ("V", "vabimpuls")
    assert row.services_requested == "zaakbegeleider;vabimpuls"
    assert row.hours == pytest.approx(36.0) and row.cost_eur == pytest.approx(2000.0)
    assert res.slots_used == {"vabimpuls": 1, "zaakbegeleider": 0}
    ex = res.explain("r").set_index("advisor_id")
    assert ex.loc["V", "served_under"] == "vabimpuls" and ex.loc["V", "chosen"]
    assert ex.loc["Z", "served_under"] == "zaakbegeleider"
    # With slots: the closer zaakbegeleider.
    res = libmatch.match(req, adv, rules=RULES, services=cat.assign(max_cases=math.inf))
    assert tuple(res.assignments.iloc[0][["advisor_id", "service"]]) == ("Z", "zaakbegeleider")


def test_one_advisor_for_both_alternatives_serves_the_cheaper():
    adv = _adv([["B", 1000, 0, "vabimpuls;zaakbegeleider", 5]])
    req = _req([["r", 0, 0, "zaakbegeleider;vabimpuls", 1, 0]])
    cat = pd.DataFrame({"service": ["zaakbegeleider", "vabimpuls"], "cost_eur": [300.0, 50.0]})
    res = libmatch.match(req, adv, rules=RULES, services=cat)
    assert res.assignments.iloc[0].service == "vabimpuls"
    assert res.spend_eur == pytest.approx(50.0)


def test_quantity_gets_different_advisors_and_escalates_the_rest():
    adv = _adv([["A", 1000, 0, "wsp", 5], ["B", 2000, 0, "wsp", 5]])
    req = _req([["vacancy", 0, 0, "wsp", 3, 0]])
    res = libmatch.match(req, adv, rules=RULES)
    a = res.assignments
    assert list(a["advisor_id"]) == ["A", "B"] and list(a["position"]) == [1, 2]
    e = res.escalations.iloc[0]
    assert (e.applicant_id, e.reason, e.positions_open) == ("vacancy", "unfilled_position", 1)
    assert "1 of 3 position(s) open" in e.detail
    s = res.summary().set_index("service")
    assert (s.loc["total", "assigned"], s.loc["total", "escalated"]) == (1, 0)
    assert s.loc["total", "open_positions"] == 1
    # Every layer still has one row per request.
    pytest.importorskip("geopandas")
    layer = res.to_geodataframe("requests")
    assert list(layer["outcome"]) == ["assigned"] and layer["advisor_id"].iloc[0] == "A"


def test_report_of_a_round_with_positions(tmp_path):
    adv = _adv([["A", 1000, 0, "wsp", 5], ["B", 2000, 0, "wsp", 5]])
    req = _req([["vacancy", 0, 0, "wsp", 3, 0], ["other", 500, 0, "wsp", 1, 0]])
    res = libmatch.match(req, adv, rules=RULES)
    out = tmp_path / "week.html"
    res.report(out, language="nl")
    html = out.read_text(encoding="utf-8")
    assert "niet alle posities vervuld" in html and "vacancy" in html


def test_quantity_filled_by_job_seekers():
    adv = _adv([[f"J{k}", 1000 * k, 0, "wsp", 1] for k in range(1, 5)])
    req = _req([["vacancy", 0, 0, "wsp", 3, 0]])
    res = libmatch.match(req, adv, rules=RULES)
    assert list(res.assignments["advisor_id"]) == ["J1", "J2", "J3"]
    assert res.escalations.empty


def test_bad_quantity_and_services_are_typed_errors():
    adv = _adv([["A", 0, 0, "wsp", 5]])
    with pytest.raises(libmatch.InvalidInputError, match=r"quantity in row 0 \(id 'v'\)"):
        libmatch.match(_req([["v", 0, 0, "wsp", 0, 0]]), adv)
    with pytest.raises(libmatch.InvalidInputError, match="quantity"):
        libmatch.match(_req([["v", 0, 0, "wsp", 1.5, 0]]), adv)
    with pytest.raises(libmatch.InvalidInputError, match=r"service in row 0 \(id 'v'\) is empty"):
        libmatch.match(_req([["v", 0, 0, " ; ", 1, 0]]), adv)
    cat = pd.DataFrame({"service": ["wsp"]})
    with pytest.raises(libmatch.UnknownIdError, match=r"applicants: service in row 0 \(id 'v'\)"):
        libmatch.match(_req([["v", 0, 0, "wsp;Jan Jansen", 1, 0]]), adv, services=cat)
    try:
        libmatch.match(_req([["v", 0, 0, "wsp;Jan Jansen", 1, 0]]), adv, services=cat)
    except libmatch.UnknownIdError as e:
        assert "Jan Jansen" not in str(e)
    pinned = _req([["v", 0, 0, "wsp", 2, 0]]).assign(current_advisor="A", pinned=True)
    with pytest.raises(libmatch.InvalidInputError, match="pinned"):
        libmatch.match(pinned, adv)


# ---- random rounds: properties and the CP-SAT oracle ---------------------------------------

SERVICES = ["s0", "s1", "s2"]


def _random_round(rng):
    n_adv, n_req = int(rng.integers(1, 6)), int(rng.integers(1, 7))

    def cell():
        k = int(rng.integers(1, 3))
        return ";".join(rng.choice(SERVICES, k, replace=False))

    cap = rng.integers(0, 4, n_adv)
    adv = pd.DataFrame(
        {
            "advisor_id": [f"a{k}" for k in range(n_adv)],
            "x": rng.uniform(0, 20000, n_adv).round(),
            "y": rng.uniform(0, 20000, n_adv).round(),
            "service": [cell() for _ in range(n_adv)],
            "capacity": cap,
            "caseload": [int(rng.integers(0, c + 1)) if c else 0 for c in cap],
            "capacity_hours": [
                float(rng.integers(0, 12)) if rng.random() < 0.5 else math.inf for _ in range(n_adv)
            ],
        }
    )
    req = pd.DataFrame(
        {
            "applicant_id": [f"r{k}" for k in range(n_req)],
            "x": rng.uniform(0, 20000, n_req).round(),
            "y": rng.uniform(0, 20000, n_req).round(),
            "service": [cell() for _ in range(n_req)],
            "quantity": rng.integers(1, 4, n_req),
            "priority": rng.integers(0, 3, n_req),
        }
    )
    cat = pd.DataFrame(
        {
            "service": SERVICES,
            "hours": rng.integers(1, 6, 3).astype(float),
            "cost_eur": (10 * rng.integers(0, 10, 3)).astype(float),
            "max_cases": [
                float(rng.integers(0, 5)) if rng.random() < 0.4 else math.inf for _ in SERVICES
            ],
            "budget_eur": [
                float(10 * rng.integers(0, 20)) if rng.random() < 0.3 else math.inf
                for _ in SERVICES
            ],
        }
    )
    return req, adv, cat


def _check_properties(req, adv, cat, res):
    a = res.assignments
    alts = {r.applicant_id: set(r.service.split(";")) for r in req.itertuples()}
    pool = {r.advisor_id: set(r.service.split(";")) for r in adv.itertuples()}
    # quantity respected, never the same advisor twice for one request
    per_req = a.groupby("applicant_id")["advisor_id"].agg(list)
    qty = dict(zip(req["applicant_id"], req["quantity"]))
    for rid, advisors in per_req.items():
        assert len(advisors) <= qty[rid]
        assert len(set(advisors)) == len(advisors), rid
    # the chosen service is one the request lists and the advisor works for
    for r in a.itertuples():
        assert r.service in alts[r.applicant_id] and r.service in pool[r.advisor_id]
    # capacity in cases and hours shared across an advisor's services
    cases = a.groupby("advisor_id").size()
    hours = a.groupby("advisor_id")["hours"].sum()
    for r in adv.itertuples():
        assert r.caseload + cases.get(r.advisor_id, 0) <= r.capacity
        assert hours.get(r.advisor_id, 0.0) <= r.capacity_hours + 1e-6
    # slots and budgets by the chosen service
    for c in cat.itertuples():
        chosen = a[a["service"] == c.service]
        assert len(chosen) <= c.max_cases
        assert chosen["cost_eur"].sum() <= c.budget_eur + 1e-6
    # each request exactly one outcome: assigned, escalated (no match) or referred
    esc = res.escalations
    full_esc = set(esc.loc[esc["reason"] != "unfilled_position", "applicant_id"])
    assigned = set(a["applicant_id"])
    assert not (full_esc & assigned)
    assert assigned | full_esc | set(res.referrals["applicant_id"]) == set(req["applicant_id"])
    # open positions: exactly the difference, escalated as unfilled_position
    part = esc[esc["reason"] == "unfilled_position"].set_index("applicant_id")["positions_open"]
    for rid in assigned:
        assert part.get(rid, 0) == qty[rid] - len(per_req[rid])


def _cpsat_objective(req, adv, cat, res):
    from ortools.sat.python import cp_model

    scale = libmatch._core.COST_SCALE
    w = libmatch.Weights()
    base = res._core.unassigned_base
    svc = cat.set_index("service")
    m = cp_model.CpModel()
    obj = []
    y = {}  # (request, advisor, service) -> bool
    for q in req.itertuples():
        ex = res.explain(q.applicant_id)
        mine = []
        for e in ex[ex["verdict"] == "eligible"].itertuples():
            arow = adv[adv["advisor_id"] == e.advisor_id].iloc[0]
            shared = set(q.service.split(";")) & set(arow.service.split(";"))
            pair = int(round((e.total - e.load) * scale))
            same = []
            for s in sorted(shared):
                v = m.NewBoolVar(f"y_{q.applicant_id}_{e.advisor_id}_{s}")
                y[(q.applicant_id, e.advisor_id, s)] = v
                same.append(v)
                obj.append(pair * v)
            m.Add(sum(same) <= 1)  # never the same advisor twice
            mine += same
        m.Add(sum(mine) <= int(q.quantity))
        unassigned = base + round(w.unassigned_per_priority * max(q.priority, 0) * scale)
        # open positions pay the unassigned cost each
        obj.append(int(unassigned) * (int(q.quantity) - sum(mine)))
    for arow in adv.itertuples():
        mine = [(k, v) for k, v in y.items() if k[1] == arow.advisor_id]
        free = arow.capacity - arow.caseload
        units = []
        for c in range(arow.caseload + 1, arow.capacity + 1):
            u = m.NewBoolVar(f"u_{arow.advisor_id}_{c}")
            units.append(u)
            obj.append(int(round(w.load * (c / arow.capacity) ** 2 * scale)) * u)
        m.Add(sum(v for _, v in mine) == sum(units))
        m.Add(sum(v for _, v in mine) <= free)
        if math.isfinite(arow.capacity_hours):
            m.Add(sum(int(svc.loc[k[2], "hours"]) * v for k, v in mine) <= int(arow.capacity_hours))
    for c in cat.itertuples():
        mine = [v for k, v in y.items() if k[2] == c.service]
        if math.isfinite(c.max_cases):
            m.Add(sum(mine) <= int(c.max_cases))
        if math.isfinite(c.budget_eur):
            m.Add(sum(int(c.cost_eur) * v for v in mine) <= int(c.budget_eur))
    m.Minimize(sum(obj))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    assert solver.Solve(m) == cp_model.OPTIMAL
    return int(round(solver.ObjectiveValue()))


def test_random_rounds_match_cpsat_and_keep_the_rules():
    pytest.importorskip("ortools.sat.python.cp_model")
    rng = np.random.default_rng(11)
    partial = multi = chosen_other = 0
    for trial in range(120):
        req, adv, cat = _random_round(rng)
        res = libmatch.match(req, adv, rules=RULES, services=cat)
        _check_properties(req, adv, cat, res)
        assert res.status == "optimal"
        assert res._core.objective == _cpsat_objective(req, adv, cat, res), trial
        partial += int((res.escalations["reason"] == "unfilled_position").sum())
        multi += int((res.assignments["position"] > 1).sum())
        first = res.assignments["services_requested"].str.split(";").str[0]
        chosen_other += int((res.assignments["service"] != first).sum())
    # the random rounds exercise what they test
    assert partial > 0 and multi > 0 and chosen_other > 0


def test_random_rounds_independent_of_row_order():
    rng = np.random.default_rng(5)
    for _ in range(30):
        req, adv, cat = _random_round(rng)
        res = libmatch.match(req, adv, rules=RULES, services=cat)
        res2 = libmatch.match(req.iloc[::-1], adv.iloc[::-1], rules=RULES, services=cat.iloc[::-1])
        key = ["applicant_id", "advisor_id", "service"]
        pd.testing.assert_frame_equal(
            res.assignments[key].sort_values(key).reset_index(drop=True),
            res2.assignments[key].sort_values(key).reset_index(drop=True),
        )
        assert res.objective == res2.objective


def test_audit_counts_requests_not_positions(tmp_path):
    # a vacancy with 3 positions, 2 filled (2 assignment rows + 1 escalation row) and a
    # request nobody can take: 2 requests = 1 assigned + 1 escalated
    adv = _adv([["A", 1000, 0, "wsp", 5], ["B", 2000, 0, "wsp", 5]])
    req = _req([["vacancy", 0, 0, "wsp", 3, 0], ["lonely", 0, 0, "wmo", 1, 0]])
    res = libmatch.match(req, adv, rules=RULES)
    assert len(res.assignments) == 2 and len(res.escalations) == 2
    res.to_csv(tmp_path / "o")
    counts = libmatch.audit.verify(tmp_path / "o")["counts"]
    assert (counts["requests"], counts["assigned"], counts["escalated"]) == (2, 1, 1)
    assert counts["referred"] == 0
