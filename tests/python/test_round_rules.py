"""The rules a round decides before its solve, seen from Python: referrals (result.referrals,
summary, CLI referrals.csv, report), module membership (offered_in over service_areas), the
register of running cases (already_in_guidance), duplicates by applicant key, no_open_case,
extra business locations (location_of), the location study's offered_<service> columns, and
that applicant keys are never printed. Casebook rounds with hand-checked answers, then
property tests (hypothesis) against an arithmetic oracle."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import libmatch
from libmatch import _round_rules

KEY = "KVK-Jan-Jansen-12345678"  # planted: must never appear in any message or output


def municipalities(n: int = 3, side: float = 10_000.0) -> libmatch.AreaSet:
    """n x n squares; id GM<i><j> covers column i, row j."""
    boxes, ids = [], []
    for j in range(n):
        for i in range(n):
            boxes.append(shapely.box(i * side, j * side, (i + 1) * side, (j + 1) * side))
            ids.append(f"GM{i}{j}")
    return libmatch.AreaSet.from_wkb(shapely.to_wkb(boxes), ids)


def advisors(*rows):
    return pd.DataFrame(
        [{"advisor_id": a, "x": x, "y": y, "service": s, "capacity": c} for a, x, y, s, c in rows]
    )


def requests(*rows, **extra):
    df = pd.DataFrame([{"applicant_id": a, "x": x, "y": y, "service": s} for a, x, y, s in rows])
    return df.assign(**extra)


CATALOGUE = pd.DataFrame(
    {
        "service": ["wsp", "coach", "social", "specialist"],
        "offered_in": ["GM00;GM10", "", "", ""],
        "referral_only": [False, False, True, False],
        "refer_to": ["neighbouring region", "", "municipality's social team", ""],
        "via_advisor_only": [False, False, False, True],
    }
)


def outcome_of(res, aid):
    if aid in set(res.assignments.applicant_id):
        return "assigned"
    if aid in set(res.escalations.applicant_id):
        return res.escalations.set_index("applicant_id").loc[aid, "reason"]
    return res.referrals.set_index("applicant_id").loc[aid, "reason"]


# ---- referrals ----------------------------------------------------------------------------


def test_referrals_table_summary_and_outcomes():
    gm = municipalities()
    adv = advisors(("A", 5000, 5000, "wsp", 5), ("B", 5000, 5000, "social", 5))
    req = requests(
        ("in_member", 5000, 5000, "wsp"),
        ("in_member_2", 15000, 5000, "wsp"),
        ("non_member", 25000, 5000, "wsp"),  # GM20 has not joined the module
        ("outside", 95000, 5000, "wsp"),  # outside every municipality
        ("social", 5000, 5000, "social"),  # out of scope, even with an advisor for it
    )
    res = libmatch.match(req, adv, services=CATALOGUE, service_areas=gm)
    assert list(res.referrals.columns) == list(_round_rules.REFERRAL_COLUMNS)
    ref = res.referrals.set_index("applicant_id")
    assert sorted(ref.index) == ["non_member", "outside", "social"]
    assert ref.loc["non_member", "reason"] == "not_in_module"
    assert ref.loc["non_member", "refer_to"] == "neighbouring region"
    assert "'GM20'" in ref.loc["non_member", "detail"]
    assert "outside the membership layer" in ref.loc["outside", "detail"]
    assert ref.loc["social", "reason"] == "out_of_scope"
    assert ref.loc["social", "refer_to"] == "municipality's social team"
    assert sorted(res.assignments.applicant_id) == ["in_member", "in_member_2"]
    assert len(res.escalations) == 0
    summ = res.summary().set_index("service")
    assert summ.loc["wsp", "referred"] == 2 and summ.loc["social", "referred"] == 1
    assert summ.loc["total", "referred"] == 3
    total = summ.loc["total"]
    assert total["assigned"] + total["escalated"] + total["referred"] == total["requests"]
    assert "3 referred" in repr(res)
    gdf = res.to_geodataframe("requests").set_index("applicant_id")
    assert gdf.loc["social", "outcome"] == "referred"


def test_offered_in_falls_back_to_the_orientation_areas():
    oa = municipalities(2)
    adv = advisors(("A", 5000, 5000, "wsp", 5))
    cat = CATALOGUE.assign(offered_in=["GM01", "", "", ""])
    res = libmatch.match(
        requests(("r1", 5000, 5000, "wsp"), ("r2", 5000, 15000, "wsp")), adv, oa, services=cat
    )
    assert outcome_of(res, "r1") == "not_in_module"
    assert outcome_of(res, "r2") == "assigned"


def test_without_catalogue_nothing_is_referred():
    res = libmatch.match(requests(("r1", 0, 0, "s")), advisors(("A", 0, 0, "s", 1)))
    assert list(res.referrals.columns) == list(_round_rules.REFERRAL_COLUMNS)
    assert len(res.referrals) == 0
    assert res.summary()["referred"].tolist() == [0, 0]


# ---- the register -------------------------------------------------------------------------


def _register(**changes):
    df = pd.DataFrame(
        {
            "applicant_key": [KEY],
            "advisor_id": ["A9"],
            "service": ["coach"],
            "x": [1000.0],
            "y": [1000.0],
        }
    )
    return df.assign(**changes)


def test_already_in_guidance_by_key_and_by_location():
    adv = advisors(("A1", 0, 0, "coach", 5), ("A9", 0, 0, "coach", 5))
    req = requests(
        ("by_key", 30000, 0, "coach"),
        ("by_place", 1010, 1000, "coach"),  # 10 m from the running case, other key
        ("free", 60000, 0, "coach"),
        ("reassign", 80000, 0, "coach"),
        applicant_key=[KEY, "other", "third", KEY],
        current_advisor=["", "", "", "A9"],
    )
    res = libmatch.match(req.iloc[:3], adv, register=_register())
    esc = res.escalations.set_index("applicant_id")
    assert esc.loc["by_key", "reason"] == "already_in_guidance"
    assert "advisor 'A9'" in esc.loc["by_key", "detail"]
    assert "same applicant key" in esc.loc["by_key", "detail"]
    assert esc.loc["by_place", "reason"] == "already_in_guidance"
    assert "within 25 m" in esc.loc["by_place", "detail"]
    assert outcome_of(res, "free") == "assigned"
    # A reassignment of that very case (current_advisor = the running advisor) is served.
    res = libmatch.match(req.iloc[[3]], adv, register=_register())
    assert outcome_of(res, "reassign") == "assigned"


def test_duplicates_by_applicant_key_and_specialists_need_an_open_case():
    adv = advisors(("A1", 0, 0, "coach", 5), ("S1", 0, 0, "specialist", 5))
    req = requests(
        ("r1", 1000, 0, "coach"),
        ("r2", 40000, 0, "coach"),  # same entrepreneur via another channel, 39 km away
        ("sp_round", 1000, 0, "specialist"),  # belongs to r1's new case (same farm too)
        ("sp_register", 9000, 0, "specialist"),  # belongs to the running case
        ("sp_none", 9000, 9000, "specialist"),
        applicant_key=["K1", "K1", "", "", ""],
        via_case=["", "", "K1", KEY, "nope"],
    )
    cat = CATALOGUE.assign(offered_in="")  # no membership layer in this round
    res = libmatch.match(req, adv, services=cat, register=_register(x=[np.nan], y=[np.nan]))
    esc = res.escalations.set_index("applicant_id")
    assert esc.loc["r2", "reason"] == "duplicate_request"
    assert esc.loc["r2", "duplicate_of"] == "r1"
    assert "same applicant key as request 'r1'" in esc.loc["r2", "detail"]
    assert outcome_of(res, "r1") == "assigned"
    assert outcome_of(res, "sp_round") == "assigned"
    assert outcome_of(res, "sp_register") == "assigned"
    assert esc.loc["sp_none", "reason"] == "no_open_case"
    # specialist hours per requesting advisor: r1's new advisor, the register's advisor
    spec = res.specialists
    assert list(spec.columns) == list(_round_rules.SPECIALIST_COLUMNS)
    assert spec[["advisor_id", "service", "cases"]].values.tolist() == [
        ["A1", "specialist", 1],
        ["A9", "specialist", 1],
    ]
    asg = res.assignments.set_index("applicant_id")
    assert spec["hours"].sum() == pytest.approx(asg.loc[["sp_round", "sp_register"], "hours"].sum())
    assert len(libmatch.match(req.iloc[:2], adv).specialists) == 0  # no catalogue


def test_applicant_keys_never_printed(tmp_path):
    """The key is planted in every key column; no output table, CSV, report or message
    shows it."""
    gm = municipalities()
    adv = advisors(("A1", 5000, 5000, "coach", 5), ("S1", 0, 0, "specialist", 5))
    req = requests(
        ("r1", 5000, 5000, "coach"),
        ("r2", 6000, 5000, "coach"),
        ("r3", 7000, 5000, "specialist"),
        ("r4", 9000, 5000, "specialist"),
        applicant_key=[KEY, KEY, KEY, ""],
        via_case=["", "", KEY, KEY + "x"],
    )
    res = libmatch.match(req, adv, gm, services=CATALOGUE, register=_register())
    assert set(res.escalations.reason) == {"already_in_guidance", "no_open_case"}
    out = tmp_path / "out"
    res.to_csv(out)
    res.report(tmp_path / "report.html")
    # (out/inputs holds the audit's copies of the input frames: inputs, not output)
    texts = [p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file()]
    assert {p.name for p in out.iterdir()} >= {"referrals.csv", "escalations.csv", "audit.json"}
    texts.append((tmp_path / "report.html").read_text(encoding="utf-8"))
    for name in ("assignments", "escalations", "referrals", "alternatives", "loads"):
        texts.append(getattr(res, name).to_csv())
    texts += [repr(res), res.summary().to_csv(), res.explain("r1").to_csv()]
    for text in texts:
        assert KEY not in text and "Jan-Jansen" not in text
    # a bad register cell is named by row and column, the key never echoed
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.match(req, adv, gm, services=CATALOGUE, register=_register(x=[KEY]))
    assert KEY not in str(info.value) and "row 0" in str(info.value)


# ---- extra business locations ---------------------------------------------------------------


def test_repeated_applicant_id_without_location_of_is_an_error():
    req = requests(("R1", 0, 0, "s"), ("R1", 5000, 0, "s"))
    with pytest.raises(libmatch.InvalidInputError, match="'R1' in row 1 repeats row 0"):
        libmatch.match(req, advisors(("A", 0, 0, "s", 2)))


def test_location_of_adds_business_locations():
    adv = advisors(("A", 0, 0, "coach", 5))
    req = requests(
        ("R1", 30000, 0, "coach"),
        ("R1", 1005, 1000, "coach"),  # R1's second farm, 5 m from the running case
        ("R2-b", 50000, 0, "coach"),  # its own label for R2's extra location
        ("R2", 60000, 0, "coach"),
        location_of=["", "R1", "R2", ""],
    )
    res = libmatch.match(req, adv)
    assert sorted(res.assignments.applicant_id) == ["R1", "R2"]
    assert len(res) == 2
    # the extra location counts for the register (primary 30 km away)
    res = libmatch.match(req, adv, register=_register(applicant_key=[""]))
    assert outcome_of(res, "R1") == "already_in_guidance"
    assert outcome_of(res, "R2") == "assigned"


def test_location_of_must_name_a_request():
    adv = advisors(("A", 0, 0, "s", 2))
    req = requests(("R1", 0, 0, "s"), ("X", 10, 0, "s"), location_of=["", "Jan Jansen"])
    with pytest.raises(libmatch.UnknownIdError) as info:
        libmatch.match(req, adv)
    msg = str(info.value)
    assert "location_of in row 1" in msg and "'X'" in msg and "Jan" not in msg
    req = requests(
        ("R1", 0, 0, "s"), ("R2", 0, 0, "s"), ("R2", 10, 0, "s"), location_of=["", "", "R1"]
    )
    with pytest.raises(libmatch.InvalidInputError, match="row 2 is a location of another"):
        libmatch.match(req, adv)


def test_bundled_requests_use_location_of():
    data = Path(libmatch.datasets.directory())
    raw = pd.read_csv(data / "requests.csv", dtype=str, keep_default_na=False)
    res = libmatch.match(data / "requests.csv", data / "advisors.csv")
    assert len(res) == raw.applicant_id.nunique() == (raw.location_of == "").sum()


# ---- CLI and report -------------------------------------------------------------------------


def test_cli_writes_referrals_csv_and_report(tmp_path):
    gm = municipalities()
    adv = advisors(("A", 5000, 5000, "wsp", 5))
    req = requests(
        ("in", 5000, 5000, "wsp"), ("out", 25000, 5000, "wsp"), ("social", 5000, 5000, "social")
    )
    adv.to_csv(tmp_path / "adv.csv", index=False)
    req.to_csv(tmp_path / "req.csv", index=False)
    CATALOGUE.to_csv(tmp_path / "services.csv", index=False)
    areas = tmp_path / "gm.geojson"
    import geopandas as gpd

    gpd.GeoDataFrame(
        {"id": list(gm.ids)},
        geometry=[shapely.from_wkb(gm.wkb(i)) for i in range(len(gm))],
        crs="EPSG:28992",
    ).to_file(areas)
    out = tmp_path / "out"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "libmatch.cli",
            "round",
            "--applicants",
            str(tmp_path / "req.csv"),
            "--advisors",
            str(tmp_path / "adv.csv"),
            "--services",
            str(tmp_path / "services.csv"),
            "--service-areas",
            str(areas),
            "--out",
            str(out),
            "--no-map",
            "--report",
            str(tmp_path / "report.html"),
            "--language",
            "en",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "Referrals by reason" in r.stdout
    ref = pd.read_csv(out / "referrals.csv", keep_default_na=False)
    assert ref[["applicant_id", "reason"]].values.tolist() == [
        ["out", "not_in_module"],
        ["social", "out_of_scope"],
    ]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'class="referrals"' in html
    assert "municipality has not joined this module" in html and "neighbouring region" in html


# ---- the location study ---------------------------------------------------------------------


def test_location_study_offered_columns():
    gm = municipalities()
    locs = pd.DataFrame(
        {
            "applicant_id": ["R1", "R1", "R2"],
            "x": [5000.0, 25000.0, 25000.0],
            "y": [5000.0, 5000.0, 5000.0],
            "location_of": ["", "R1", ""],
        }
    )
    st_ = libmatch.location_study(
        locs, {"gemeente": gm}, services=CATALOGUE, service_areas="gemeente"
    )
    assert st_["offered_wsp"].tolist() == [True, False, False]
    assert st_["offered_coach"].tolist() == [True, True, True]
    assert st_["offered_social"].tolist() == [False, False, False]
    summ = libmatch.location_study_summary(st_)
    assert summ["offered_wsp"].tolist() == [True, False]  # decided by the primary location
    with pytest.raises(libmatch.InvalidInputError, match="offered_in needs service_areas"):
        libmatch.location_study(locs, {"gemeente": gm}, services=CATALOGUE)
    with pytest.raises(libmatch.UnknownIdError, match="no layer named"):
        libmatch.location_study(locs, {"gemeente": gm}, services=CATALOGUE, service_areas="gm")


# ---- properties -----------------------------------------------------------------------------

SIDE = 10_000.0
GRID = municipalities(3, SIDE)
MEMBERS = ("GM00", "GM11", "GM22")
PROP_CATALOGUE = pd.DataFrame(
    {
        "service": ["open", "module", "out", "spec"],
        "offered_in": ["", ";".join(MEMBERS), "", ""],
        "referral_only": [False, False, True, False],
        "via_advisor_only": [False, False, False, True],
    }
)


def _municipality(x: float, y: float) -> str | None:
    if 0 <= x < 3 * SIDE and 0 <= y < 3 * SIDE:
        return f"GM{int(x // SIDE)}{int(y // SIDE)}"
    return None


@st.composite
def programme_rounds(draw):
    coord = st.integers(0, 80).map(lambda v: v * 500.0 + 0.5)  # never on a border
    keys = st.sampled_from(["", "K1", "K2", "K3"])
    n_adv = draw(st.integers(1, 6))
    adv = pd.DataFrame(
        {
            "advisor_id": [f"A{k}" for k in range(n_adv)],
            "x": [draw(coord) for _ in range(n_adv)],
            "y": [draw(coord) for _ in range(n_adv)],
            "service": [draw(st.sampled_from(["open", "module", "spec"])) for _ in range(n_adv)],
            "capacity": [draw(st.integers(0, 3)) for _ in range(n_adv)],
        }
    )
    n_run = draw(st.integers(0, 3))
    reg = pd.DataFrame(
        {
            "applicant_key": [draw(keys) for _ in range(n_run)],
            "advisor_id": [draw(st.sampled_from([*adv.advisor_id, "gone"])) for _ in range(n_run)],
            "service": ["open"] * n_run,
            "x": [draw(coord) for _ in range(n_run)],
            "y": [draw(coord) for _ in range(n_run)],
        }
    )
    n_req = draw(st.integers(1, 12))
    rows = []
    for k in range(n_req):
        service = draw(st.sampled_from(list(PROP_CATALOGUE.service)))
        near = n_run and draw(st.booleans())
        x, y = (reg.x[0] + 3.0, reg.y[0]) if near else (draw(coord), draw(coord))
        rows.append(
            {
                "applicant_id": f"R{k:02d}",
                "x": x,
                "y": y,
                "service": service,
                "applicant_key": draw(keys),
                "via_case": draw(keys) if service == "spec" else "",
                "current_advisor": draw(st.sampled_from(["", *adv.advisor_id])),
            }
        )
    return pd.DataFrame(rows), adv, reg


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programme_rounds())
def test_properties_one_outcome_no_parallel_advisor_members_only(case):
    req, adv, reg = case
    res = libmatch.match(
        req, adv, services=PROP_CATALOGUE, service_areas=GRID, register=reg if len(reg) else None
    )
    ids = list(req.applicant_id)
    a, e, f = (set(t.applicant_id) for t in (res.assignments, res.escalations, res.referrals))
    # each request exactly one of assigned / escalated / referred
    assert not (a & e) and not (a & f) and not (e & f)
    assert a | e | f == set(ids)
    summ = res.summary().set_index("service").loc["total"]
    assert (summ["assigned"], summ["escalated"], summ["referred"]) == (len(a), len(e), len(f))
    rows = req.set_index("applicant_id")
    adv_of = res.assignments.set_index("applicant_id")["advisor_id"]
    for rid in ids:
        q = rows.loc[rid]
        member = _municipality(q.x, q.y) in MEMBERS
        expected = (
            "out_of_scope"
            if q.service == "out"
            else "not_in_module"
            if q.service == "module" and not member
            else None
        )
        got = res.referrals.set_index("applicant_id")["reason"].get(rid)
        assert got == expected, rid
        if q.service == "module" and rid in a:  # a non-member municipality is never served
            assert member
    # no applicant key with two advisors after the round (register + this round)
    for key in {k for k in req.applicant_key if k}:
        served = [
            r
            for r in ids
            if rows.loc[r, "applicant_key"] == key and r in a and rows.loc[r, "service"] != "spec"
        ]
        assert len(served) <= 1, key
        for r in served:
            for c in reg[reg.applicant_key == key].itertuples():
                assert rows.loc[r, "current_advisor"] == c.advisor_id, (key, r)
    # nobody at a running case's farm gets a second advisor (unless it reassigns that case)
    for r in a:
        if rows.loc[r, "service"] == "spec":
            continue
        for c in reg.itertuples():
            if math.dist((rows.loc[r, "x"], rows.loc[r, "y"]), (c.x, c.y)) <= 25.0:
                assert rows.loc[r, "current_advisor"] == c.advisor_id
    assert set(adv_of.index) == a
