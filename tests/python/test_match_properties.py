"""Property tests of the matching round (hypothesis): every request exactly once, capacity,
exclusions, service and expertise, radius, determinism under permutation of input rows, and
explanations consistent with the assignment."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import libmatch

TAGS = ["a", "b", "c"]
SERVICES = ["s", "t"]


@st.composite
def rounds(draw):
    n_adv = draw(st.integers(0, 7))
    n_req = draw(st.integers(0, 14))
    coord = st.integers(0, 40).map(lambda v: v * 1000.0)  # a coarse grid: ties and duplicates
    advs = []
    for k in range(n_adv):
        cap = draw(st.integers(0, 3))
        advs.append(
            {
                "advisor_id": f"A{k}",
                "x": draw(coord),
                "y": draw(coord),
                "service": draw(st.sampled_from(SERVICES)),
                "expertise": ";".join(
                    draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
                ),
                "capacity": cap,
                "caseload": draw(st.integers(0, cap)),
                "radius_km": draw(st.one_of(st.none(), st.floats(5, 60))),
                "radius_minutes": draw(st.one_of(st.none(), st.floats(5, 60))),
            }
        )
    ids = [a["advisor_id"] for a in advs]
    reqs = []
    for k in range(n_req):
        reqs.append(
            {
                "applicant_id": f"R{k:02d}",
                "x": draw(coord),
                "y": draw(coord),
                "service": draw(st.sampled_from(SERVICES)),
                "needs": ";".join(draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))),
                "priority": draw(st.integers(0, 2)),
                "exclude": ";".join(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)))
                if ids
                else "",
                "current_advisor": draw(st.one_of(st.none(), st.sampled_from(ids)))
                if ids
                else None,
                "pinned": draw(st.booleans()),
            }
        )
    a_cols = [
        "advisor_id",
        "x",
        "y",
        "service",
        "expertise",
        "capacity",
        "caseload",
        "radius_km",
        "radius_minutes",
    ]
    r_cols = [
        "applicant_id",
        "x",
        "y",
        "service",
        "needs",
        "priority",
        "exclude",
        "current_advisor",
        "pinned",
    ]
    soft = draw(st.booleans())
    return pd.DataFrame(reqs, columns=r_cols), pd.DataFrame(advs, columns=a_cols), soft


def _split(v):
    return [] if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" else v.split(";")


def _outcome(res):
    out = dict(zip(res.assignments["applicant_id"], res.assignments["advisor_id"]))
    out.update(zip(res.escalations["applicant_id"], "!" + res.escalations["reason"]))
    return out


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rounds())
def test_round_invariants(case):
    reqs, advs, soft = case
    res = libmatch.match(reqs, advs, rules={"radius_hard": not soft})
    # Every request exactly once.
    got = list(res.assignments["applicant_id"]) + list(res.escalations["applicant_id"])
    assert sorted(got) == sorted(reqs["applicant_id"])
    assert set(res.escalations["reason"]) <= set(libmatch.ESCALATION_REASONS)
    q = reqs.set_index("applicant_id")
    a = advs.set_index("advisor_id")
    for row in res.assignments.itertuples():
        r, v = q.loc[row.applicant_id], a.loc[row.advisor_id]
        assert r["service"] == v["service"]
        assert row.advisor_id not in _split(r["exclude"])
        assert set(_split(r["needs"])) <= set(_split(v["expertise"]))
        if not soft:
            if not pd.isna(v["radius_km"]):
                assert row.km <= v["radius_km"]
            if not pd.isna(v["radius_minutes"]):
                assert row.minutes <= v["radius_minutes"]
        if row.pinned:
            assert r["pinned"] and r["current_advisor"] == row.advisor_id
        assert row.total == pytest.approx(sum(getattr(row, c) for c in libmatch.COST_COMPONENTS))
    # Pinned requests never move to another advisor.
    for rid, r in q[q["pinned"] & q["current_advisor"].notna()].iterrows():
        asg = res.assignments[res.assignments["applicant_id"] == rid]
        if len(asg):
            assert asg["advisor_id"].iloc[0] == r["current_advisor"]
    # Capacity.
    counts = res.assignments["advisor_id"].value_counts()
    for aid, v in a.iterrows():
        assert v["caseload"] + counts.get(aid, 0) <= v["capacity"]


@SETTINGS
@given(rounds(), st.randoms(use_true_random=False))
def test_permuting_rows_gives_the_same_round(case, rnd):
    reqs, advs, soft = case
    rules = {"radius_hard": not soft}
    res = libmatch.match(reqs, advs, rules=rules)
    ri = list(range(len(reqs)))
    ai = list(range(len(advs)))
    rnd.shuffle(ri)
    rnd.shuffle(ai)
    res2 = libmatch.match(reqs.iloc[ri], advs.iloc[ai], rules=rules)
    assert _outcome(res) == _outcome(res2)
    assert res.objective == res2.objective
    pd.testing.assert_frame_equal(res.alternatives, res2.alternatives)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_explanations_match_the_round(case):
    reqs, advs, soft = case
    res = libmatch.match(reqs, advs, rules={"radius_hard": not soft})
    assigned = res.assignments.set_index("applicant_id")
    escalated = res.escalations.set_index("applicant_id")
    for rid in reqs["applicant_id"]:
        ex = res.explain(rid)
        elig = ex[ex["verdict"] == "eligible"]
        np.testing.assert_allclose(
            elig["total"], elig[list(libmatch.COST_COMPONENTS)].sum(axis=1), atol=1e-6
        )
        if rid in assigned.index:
            row = assigned.loc[rid]
            c = ex[ex["chosen"]].iloc[0]
            assert c["verdict"] == "eligible" and c["advisor_id"] == row["advisor_id"]
            if not row["pinned"]:
                cheaper = elig[elig["total"] < c["total"] - 1e-9]
                assert not cheaper["has_room"].any()  # else the optimum would move it
                assert c["rank"] == len(cheaper) + 1
        else:
            reason = escalated.loc[rid, "reason"]
            if reason not in ("duplicate_request", "pinned_advisor_unavailable"):
                assert not elig["has_room"].any()
                first_fail = {
                    "no_advisor_for_service": "service",
                    "no_expertise": "expertise",
                    "all_excluded": "excluded",
                    "all_out_of_radius": "radius",
                }
                if reason in first_fail:
                    assert len(elig) == 0 and (ex["verdict"] != "capacity").all()
                    assert len(ex) == 0 or (ex["verdict"] == first_fail[reason]).any()
