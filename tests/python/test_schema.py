"""The input schema (libmatch.schema), the one table reader (libmatch._io), the bound option
classes and enums, and privacy: no error message ever echoes a cell value."""

from __future__ import annotations

import copy
import pickle
import pydoc
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

import libmatch
from libmatch import _core, schema

REPO = Path(__file__).resolve().parents[2]

# Personal-looking strings planted into cells: none may ever appear in a message.
PLANTED = ("Jan Jansen", "j.jansen@example.nl", "06-12345678")


def _advisors(**changes):
    df = pd.DataFrame(
        {
            "advisor_id": ["A", "B"],
            "x": [0.0, 5000.0],
            "y": [0.0, 0.0],
            "service": ["s", "s"],
            "capacity": [3, 3],
            "caseload": [0, 1],
            "expertise": ["t", "t;u"],
            "radius_km": [50.0, None],
            "radius_minutes": [None, 90.0],
            "areas": ["OA1", None],
        }
    )
    return df.assign(**changes)


def _requests(**changes):
    df = pd.DataFrame(
        {
            "applicant_id": ["r1", "r2"],
            "x": [100.0, 4000.0],
            "y": [0.0, 10.0],
            "service": ["s", "s"],
            "needs": ["t", None],
            "priority": [0, 1],
            "exclude": [None, "A"],
            "current_advisor": [None, "B"],
            "pinned": ["false", "true"],
            "registered": ["2026-01-05", "2026-01-12"],
            "farm_type": ["melkvee", None],
        }
    )
    return df.assign(**changes)


@pytest.fixture(scope="module")
def square():
    return libmatch.AreaSet.from_wkb(shapely.to_wkb([shapely.box(-1e4, -1e4, 1e4, 1e4)]), ["OA1"])


def _object_column(df, col, row, value):
    out = df.copy()
    out[col] = out[col].astype(object)
    out.loc[row, col] = value
    return out


def _assert_private(exc, *must):
    text = str(exc.value)
    for p in PLANTED:
        assert p not in text, text
    for m in must:
        assert m in text, (m, text)


# ---- the schema and its documentation ---------------------------------------------------------


def test_input_schema_doc_is_generated_from_the_schema():
    doc = (REPO / "docs" / "input_schema.md").read_text(encoding="utf-8")
    assert schema.update_document(doc) == doc, (
        "docs/input_schema.md is stale: run "
        "`python -m libmatch.schema --update docs/input_schema.md`"
    )
    for table in schema.TABLES.values():
        for col in table.columns:
            assert f"| `{col.name}` |" in doc


def test_doc_lists_the_cpp_defaults():
    text = schema.markdown()
    w, r = libmatch.Weights(), libmatch.Rules()
    assert f"| `load` | `{w.load!r}` |" in text
    assert f"| `duplicate_tolerance_m` | `{r.duplicate_tolerance_m!r}` |" in text
    assert "| `starts` | `8` |" in text  # DesignOptions


def test_adding_a_column_is_one_declaration():
    table = schema.ADVISORS.with_columns(
        schema.Column("max_cases", "int", default=7, unit="cases", meaning="test column")
    )
    parsed = table.parse(_advisors(), "advisors")
    assert list(parsed["max_cases"]) == [7, 7]
    parsed = table.parse(_advisors(max_cases=[1, None]), "advisors")
    assert list(parsed["max_cases"]) == [1, 7]
    assert "`max_cases`" in table.markdown()
    with pytest.raises(libmatch.InvalidInputError, match="did you mean 'max_cases'"):
        table.check_columns(_advisors(max_case=[1, 2]), "advisors")


def _misspellable():
    for key, table in schema.TABLES.items():
        optional = [c.name for c in table.columns if not c.required and len(c.name) > 4]
        if optional:
            yield key, optional[0]


@pytest.mark.parametrize("key, name", list(_misspellable()))
def test_every_table_flags_misspelt_optional_columns(key, name):
    table = schema.TABLES[key]
    df = pd.DataFrame({c: [1.0] for c in table.required})
    df[name[:-1]] = [1.0]
    with pytest.raises(libmatch.InvalidInputError, match=f"did you mean '{name}'"):
        table.check_columns(df, key)
    table.check_columns(df.drop(columns=name[:-1]), key)  # the correct spelling passes


@pytest.mark.parametrize(
    "key, alias, name",
    [
        ("services", "hours_per_case", "hours"),  # the simulation's name for the effort
        ("services", "price_eur", "cost_eur"),
        ("services", "slots", "max_cases"),
        ("services", "Budget", "budget_eur"),
        ("advisors", "hours_capacity", "capacity_hours"),  # RoundResult.loads' name
    ],
)
def test_other_names_of_a_column_are_flagged(key, alias, name):
    """A catalogue with ``hours_per_case`` must not silently count every case as 1 hour."""
    table = schema.TABLES[key]
    df = pd.DataFrame({c: [1.0] for c in table.required})
    df[alias] = [36.0]
    with pytest.raises(libmatch.InvalidInputError, match=f"unknown column '{alias}' .*'{name}'"):
        table.check_columns(df, key)
    df[name] = [36.0]  # both given: the alias is just another carried column
    table.check_columns(df, key)


def test_match_refuses_a_catalogue_with_hours_per_case():
    req = pd.DataFrame({"applicant_id": ["A"], "x": [0.0], "y": [0.0], "service": ["v"]})
    adv = pd.DataFrame(
        {"advisor_id": ["B"], "x": [0.0], "y": [0.0], "service": ["v"], "capacity": [2]}
    )
    cat = pd.DataFrame({"service": ["v"], "hours_per_case": [36.0]})
    with pytest.raises(libmatch.InvalidInputError, match="services.*'hours'"):
        libmatch.match(req, adv, services=cat)


def test_match_and_scenario_parse_advisors_alike(square):
    """One parser: the same table gives the same radius, caseload and tags in both."""
    adv = _advisors(radius_km=[50.0, None], expertise=[" t ; t", "u;t"])
    parsed = schema.ADVISORS.parse(adv, "advisors")
    assert parsed["expertise"] == [["t"], ["u", "t"]]
    assert parsed["radius_km"][1] == np.inf
    sc = libmatch.Scenario(
        {
            "horizon_weeks": 2,
            "advisors": adv,
            "areas": square,
            "services": {"s": 2},
            "locations": pd.DataFrame({"x": [0.0], "y": [0.0]}),
        }
    )
    spec = sc._spec["advisors"]
    assert list(spec["radius_km"]) == [50.0, np.inf]
    assert [[sc.tag_names[t] for t in ts] for ts in spec["expertise"]] == [["t"], ["t", "u"]]
    # a negative radius is refused by both (C++ checks it once for each path)
    bad = _advisors(radius_km=[-1.0, None])
    with pytest.raises(libmatch.InvalidInputError, match="radius_km"):
        libmatch.match(_requests(), bad, square)
    with pytest.raises(libmatch.InvalidInputError, match="radius_km"):
        libmatch.Scenario(
            {"advisors": bad, "areas": square, "services": {"s": 2}, "horizon_weeks": 2}
        )


# ---- privacy: planted values in every column --------------------------------------------------

REQUEST_BAD = ["x", "y", "priority", "pinned", "registered"]
REQUEST_FREE = ["service", "needs", "exclude", "current_advisor", "farm_type"]
ADVISOR_BAD = ["x", "y", "capacity", "caseload", "radius_km", "radius_minutes", "areas"]
ADVISOR_FREE = ["service", "expertise"]


@pytest.mark.parametrize("planted", PLANTED)
@pytest.mark.parametrize("col", REQUEST_BAD)
def test_request_cells_are_never_echoed(col, planted, square):
    reqs = _object_column(_requests(), col, 1, planted)
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.match(reqs, _advisors(), square)
    _assert_private(info, col, "row 1", "'r2'")


@pytest.mark.parametrize("planted", PLANTED)
@pytest.mark.parametrize("col", ADVISOR_BAD)
def test_advisor_cells_are_never_echoed(col, planted, square):
    advs = _object_column(_advisors(), col, 0, planted)
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.match(_requests(), advs, square)
    _assert_private(info, col, "row 0", "'A'")


@pytest.mark.parametrize("col", REQUEST_FREE)
def test_free_text_request_cells_are_data_not_errors(col, square):
    reqs = _object_column(_requests(), col, 0, PLANTED[0])
    res = libmatch.match(reqs, _advisors(), square)  # any string is a valid value here
    assert len(res) == 2


@pytest.mark.parametrize("col", ADVISOR_FREE)
def test_free_text_advisor_cells_are_data_not_errors(col, square):
    advs = _object_column(_advisors(), col, 1, PLANTED[0])
    res = libmatch.match(_requests(), advs, square)
    assert len(res.loads) == 2


# ---- privacy of the programme columns: catalogue, register, keys, location_of ----------------

SERVICES_BAD = [
    "hours",
    "cost_eur",
    "max_cases",
    "budget_eur",
    "visits",
    "travel_in_hours",
    "referral_only",
    "via_advisor_only",
    "offered_in",
]
REGISTER_BAD = ["x", "y"]


def _catalogue(**changes):
    df = pd.DataFrame(
        {
            "service": ["s", "t"],
            "hours": [10.0, 3.0],
            "cost_eur": [750.0, 275.0],
            "max_cases": [None, 30],
            "budget_eur": [None, 5000.0],
            "visits": [1.0, 2.0],
            "travel_in_hours": ["false", "true"],
            "portfolio": ["pm1", "pm2"],
            "referral_only": ["false", "false"],
            "refer_to": ["", ""],
            "offered_in": ["OA1", ""],
            "via_advisor_only": ["false", "false"],
        }
    )
    return df.assign(**changes)


def _register(**changes):
    df = pd.DataFrame(
        {
            "applicant_key": ["K1", "K2"],
            "advisor_id": ["A", "B"],
            "service": ["s", "s"],
            "x": [100.0, None],
            "y": [0.0, None],
        }
    )
    return df.assign(**changes)


@pytest.mark.parametrize("planted", PLANTED)
@pytest.mark.parametrize("col", SERVICES_BAD)
def test_catalogue_cells_are_never_echoed(col, planted, square):
    cat = _object_column(_catalogue(), col, 1, planted)
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.match(_requests(), _advisors(), square, services=cat)
    _assert_private(info, col, "row 1")


@pytest.mark.parametrize("planted", PLANTED)
@pytest.mark.parametrize("col", REGISTER_BAD)
def test_register_cells_are_never_echoed(col, planted, square):
    reg = _object_column(_register(), col, 1, planted)
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.match(_requests(), _advisors(), square, register=reg)
    _assert_private(info, col, "row 1")


@pytest.mark.parametrize("planted", PLANTED)
def test_location_of_cells_are_never_echoed(planted, square):
    reqs = _requests(location_of=[None, planted])
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.match(reqs, _advisors(), square)
    _assert_private(info, "location_of", "row 1", "'r2'")


@pytest.mark.parametrize("col", ["applicant_key", "via_case"])
def test_applicant_keys_are_data_never_printed(col, square, tmp_path):
    """Keys are opaque: planted names in the key columns of requests and register are
    matched, and never shown in any table, message, CSV or report."""
    reqs = _requests(**{col: [PLANTED[0], PLANTED[1]]})
    reg = _register(applicant_key=[PLANTED[0], PLANTED[2]], advisor_id=["B", "A"])
    res = libmatch.match(reqs, _advisors(), square, register=reg)
    if col == "applicant_key":
        assert set(res.escalations.reason) == {"already_in_guidance"}
    res.to_csv(tmp_path / "out")
    res.report(tmp_path / "report.html")
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir() if p.is_file()]
    texts.append((tmp_path / "report.html").read_text(encoding="utf-8"))
    texts += [getattr(res, t).to_csv() for t in ("assignments", "escalations", "referrals")]
    texts += [repr(res), res.summary().to_csv(), res.explain("r1").to_csv()]
    for text in texts:
        for p in PLANTED:
            assert p not in text


def _scenario(**changes):
    cfg = {
        "horizon_weeks": 3,
        "advisors": _advisors().drop(columns="areas"),
        "services": {"s": 2},
        "locations": pd.DataFrame({"x": [0.0, 10.0], "y": [0.0, 5.0], "farm_type": ["a", "b"]}),
        "replay": pd.DataFrame(
            {
                "applicant_id": ["q1", "q2"],
                "week": [0, 1],
                "x": [0.0, 1.0],
                "y": [0.0, 1.0],
                "service": ["s", "s"],
                "registered": ["2026-01-05", "2026-01-12"],
                "priority": [0, 1],
                "duration_weeks": [2.0, None],
                "referred": [False, True],
            }
        ),
    }
    cfg.update(changes)
    return cfg


SCENARIO_CASES = [
    ("advisors", col)
    for col in ("x", "y", "service", "capacity", "caseload", "radius_km", "radius_minutes")
] + [("locations", "x"), ("locations", "y")]
SCENARIO_CASES += [
    ("replay", col)
    for col in ("x", "y", "service", "week", "registered", "priority", "duration_weeks", "referred")
]


@pytest.mark.parametrize("planted", PLANTED)
@pytest.mark.parametrize("table, col", SCENARIO_CASES)
def test_scenario_cells_are_never_echoed(table, col, planted):
    cfg = _scenario()
    cfg[table] = _object_column(cfg[table], col, 1, planted)
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.Scenario(cfg)
    must = [col, "row 1"] + (["'B'"] if table == "advisors" else [])
    _assert_private(info, *must)


def test_scenario_advisor_areas_without_layer_are_not_echoed():
    cfg = _scenario(advisors=_object_column(_advisors(), "areas", 0, PLANTED[0]))
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.Scenario(cfg)
    _assert_private(info, "'A'", "areas")


@pytest.mark.parametrize("col", ["x", "y"])
def test_study_cells_are_never_echoed(col, square):
    locs = pd.DataFrame({"applicant_id": ["r1", "r2"], "x": [0.0, 1.0], "y": [0.0, 1.0]})
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.location_study(_object_column(locs, col, 1, PLANTED[0]), {"area": square})
    _assert_private(info, col, "row 1", "'r2'")
    advs = _advisors().drop(columns="areas")
    with pytest.raises(libmatch.InvalidInputError) as info:
        libmatch.location_study(
            locs, {"area": square}, advisors=_object_column(advs, "radius_km", 0, PLANTED[1])
        )
    _assert_private(info, "radius_km", "row 0", "'A'")


# ---- the one table reader ---------------------------------------------------------------------


def _bad_files(tmp: Path) -> dict:
    (tmp / "empty.csv").write_bytes(b"")
    (tmp / "latin1.csv").write_bytes(b"advisor_id,x\nA,1\n\xe9\xff\xfe,2\n")
    (tmp / "ragged.csv").write_text('a,b\n1,2\n"3,4\n5,6,7\n', encoding="utf-8")
    (tmp / "dir.csv").mkdir()
    (tmp / "junk.geojson").write_text("{ not json at all", encoding="utf-8")
    (tmp / "adir").mkdir()
    return {
        "missing": (tmp / "nope.csv", libmatch.FileMissingError),
        "empty": (tmp / "empty.csv", libmatch.InvalidInputError),
        "undecodable": (tmp / "latin1.csv", libmatch.InvalidInputError),
        "parse error": (tmp / "ragged.csv", libmatch.InvalidInputError),
        "directory": (tmp / "dir.csv", libmatch.FileError),
        "bad vector": (tmp / "junk.geojson", libmatch.FileError),
        "folder without layers": (tmp / "adir", libmatch.FileError),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "empty",
        "undecodable",
        "parse error",
        "directory",
        "bad vector",
        "folder without layers",
    ],
)
def test_table_file_errors_are_typed_and_name_the_file(case, tmp_path):
    path, exc = _bad_files(tmp_path)[case]
    builtin = {
        libmatch.FileMissingError: FileNotFoundError,
        libmatch.FileError: OSError,
        libmatch.InvalidInputError: ValueError,
    }[exc]
    for call in (
        lambda: libmatch.match(path, _advisors()),
        lambda: libmatch.match(_requests(), path),
        lambda: libmatch.Scenario(_scenario(advisors=path)),
        lambda: libmatch.Scenario(_scenario(locations=path)),
        lambda: libmatch.Scenario(_scenario(replay=path)),
    ):
        with pytest.raises(exc) as info:
            call()
        assert isinstance(info.value, builtin) and isinstance(info.value, libmatch.Error)
        assert str(path) in str(info.value)


def test_geojson_points_are_read_and_reprojected(tmp_path, square):
    gpd = pytest.importorskip("geopandas")
    adv = _advisors()
    gdf = gpd.GeoDataFrame(
        adv.drop(columns=["x", "y"]),
        geometry=gpd.points_from_xy(adv["x"], adv["y"]),
        crs="EPSG:28992",
    ).to_crs("EPSG:4326")
    path = tmp_path / "advisors.geojson"
    gdf.to_file(path)
    res = libmatch.match(_requests(), path, square)
    ref = libmatch.match(_requests(), adv, square)
    pd.testing.assert_frame_equal(
        res.assignments.drop(columns=["minutes", "km", "total", "travel", "load"]),
        ref.assignments.drop(columns=["minutes", "km", "total", "travel", "load"]),
    )
    assert np.allclose(res.assignments["km"], ref.assignments["km"], atol=1e-3)


def test_to_csv_onto_an_existing_file_is_a_file_error(tmp_path, square):
    res = libmatch.match(_requests(), _advisors(), square)
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(libmatch.FileError, match="taken") as info:
        res.to_csv(target)
    assert not isinstance(info.value, FileExistsError) or isinstance(info.value, libmatch.Error)
    sim = libmatch.simulate(libmatch.Scenario(_scenario()), seed=1)
    with pytest.raises(libmatch.FileError, match="taken"):
        sim.to_csv(target)


def test_cli_failures_are_one_line(tmp_path):
    from libmatch import cli

    (tmp_path / "empty.csv").write_bytes(b"")
    code = cli.main(
        [
            "round",
            "--applicants",
            str(tmp_path / "empty.csv"),
            "--advisors",
            str(REPO / "data" / "advisors.csv"),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 1
    out = tmp_path / "file"
    out.write_text("x")
    code = cli.main(
        [
            "round",
            "--applicants",
            str(REPO / "data" / "requests.csv"),
            "--advisors",
            str(REPO / "data" / "advisors.csv"),
            "--out",
            str(out),
            "--no-map",
        ]
    )
    assert code == 1


# ---- bound option classes and enums -----------------------------------------------------------

OPTION_CLASSES = [libmatch.Weights, libmatch.Rules, libmatch.DesignWeights, libmatch.DesignOptions]


@pytest.mark.parametrize("cls", OPTION_CLASSES)
def test_option_classes_round_trip(cls):
    default = cls()
    first = cls._fields[0]
    value = getattr(default, first)
    changed = cls(**{first: (not value) if isinstance(value, bool) else value + 2})
    assert changed != default and cls() == default
    assert pickle.loads(pickle.dumps(changed)) == changed
    assert copy.deepcopy(changed) == changed
    assert eval(repr(changed), {cls.__name__: cls, "inf": float("inf")}) == changed
    assert changed.replace(**{first: value}) == default
    assert set(changed.to_dict()) == set(cls._fields)


@pytest.mark.parametrize("cls", OPTION_CLASSES)
def test_help_shows_every_field_with_a_unit(cls):
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    for name in cls._fields:
        doc = getattr(cls, name).__doc__
        assert doc and "Unit:" in doc, name
        assert name in text


@pytest.mark.parametrize(
    "make, exc, words",
    [
        (lambda: libmatch.Weights(travel_per_minute="fast"), libmatch.InvalidTypeError, "travel"),
        (lambda: libmatch.Weights(load=True), libmatch.InvalidTypeError, "Weights.load"),
        (lambda: libmatch.Weights(lode=1.0), libmatch.UnknownIdError, "lode"),
        (lambda: libmatch.Weights(1.0), libmatch.InvalidTypeError, "keyword"),
        (lambda: libmatch.Rules(threads=2**40), libmatch.InvalidInputError, "Rules.threads"),
        (lambda: libmatch.Rules(alternatives=2.5), libmatch.InvalidTypeError, "alternatives"),
        (lambda: libmatch.Rules(alternatives=2**70), libmatch.InvalidInputError, "alternatives"),
        (lambda: libmatch.Rules(radius_hard="no"), libmatch.InvalidTypeError, "radius_hard"),
        (lambda: libmatch.Rules(radius_hard=2), libmatch.InvalidInputError, "radius_hard"),
        (lambda: libmatch.DesignOptions(seed=-1), libmatch.InvalidInputError, "seed"),
        (lambda: libmatch.DesignWeights(balance=None), libmatch.InvalidTypeError, "balance"),
    ],
)
def test_option_errors_are_typed_and_name_the_field(make, exc, words):
    with pytest.raises(exc, match=re.escape(words)):
        make()


def test_options_as_dicts_and_attributes():
    w = libmatch.Weights()
    with pytest.raises(libmatch.InvalidTypeError, match="Weights.load"):
        w.load = "heavy"
    with pytest.raises(libmatch.UnknownIdError, match="did you mean 'load'"):
        libmatch.match(_requests(), _advisors(), weights={"lod": 1})
    res = libmatch.match(_requests(), _advisors(), weights={"travel_per_minute": 2})
    assert res.weights == libmatch.Weights(travel_per_minute=2.0)
    with pytest.raises(libmatch.InvalidTypeError, match="rules"):
        libmatch.match(_requests(), _advisors(), rules=[1])


def test_result_enums_match_the_outputs():
    assert [e.name for e in sorted(_core.Verdict.__members__.values(), key=int)] == [
        "eligible",
        "service",
        "expertise",
        "excluded",
        "radius",
        "capacity",
    ]
    assert set(libmatch.ESCALATION_REASONS) == set(_core.Escalation.__members__) - {"none"}
    r = libmatch.simulate(libmatch.Scenario(_scenario()), seed=0)
    assert list(r.cases["status"].cat.categories) == list(libmatch.CaseStatus.__members__)
    assert list(r.assignments["end"].cat.categories) == list(libmatch.StintEnd.__members__)
    assert list(r.advisor_weeks["status"].cat.categories) == list(
        libmatch.AdvisorStatus.__members__
    )


@pytest.mark.parametrize(
    "file, table",
    [
        ("requests.csv", schema.REQUESTS),
        ("advisors.csv", schema.ADVISORS),
    ],
)
def test_bundled_tables_use_only_declared_columns(file, table):
    """The generator (tools/generate_data.py) writes only declared columns, in declared order,
    every required one among them (optional programme columns may be left out)."""
    header = (REPO / "data" / file).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == [c for c in table.names if c in header]  # declared, same order
    assert set(table.required) <= set(header)
    parsed = table.parse(table.read(REPO / "data" / file), file)
    assert len(parsed) > 0 and len(set(parsed.ids)) > 0
