"""The audit record of a round, and its re-check (``libmatch verify DIR``).

Every round written by ``RoundResult.to_csv`` (and so by the CLI) also writes
``audit.json`` beside its CSVs: the libmatch version, the time, the SHA-256 of every input
table and layer and of every output file, the weights, rules, catalogue, travel model,
solver status and objective, and the counts per outcome. It holds no personal data: inputs
are named by role and identified by their hash and path, never by their content.

Inputs given as files are recorded by absolute path and the digest taken when ``match()``
read them (a Shapefile with its ``.dbf`` / ``.shx`` / ``.prj`` / ``.cpg``). Inputs given as
DataFrames or AreaSets have no file to point at, so they are written under ``DIR/inputs/``
(the data the decision was made on, copied when ``match()`` read it: list cells joined with
``;``, a GeoDataFrame's points in the working CRS, an AreaSet in its CRS) and recorded by
that relative path.

:func:`verify` re-runs the round from the recorded inputs (with its travel model: a
straight line, or a road network read with ``RoadNetwork.from_file`` / ``load``, rebuilt
from its file after checking its hash) and compares every CSV output byte for byte; the
report and map written beside them are checked unchanged since the round (they are not
re-made: the report carries its date). The record's own claims (counts, solver status and
objective, programme spend and catalogue) must be the re-run's, and a round table in the
directory that the record does not list (left from an earlier round) is refused. It names
the first input whose hash changed, the first output that differs or the claim that does
not match; a round that stopped at its time limit cannot reproduce exactly, which the
message then says.

Examples
--------
>>> import tempfile, libmatch, libmatch.datasets as ds
>>> from libmatch.audit import verify
>>> res = libmatch.match(ds.path("requests"), ds.path("advisors"))
>>> out = tempfile.mkdtemp()
>>> _ = res.to_csv(out)
>>> verify(out)["counts"]["requests"]
150
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import tempfile
from typing import Any

import pandas as pd

from . import __version__
from .errors import FileError, FileMissingError, InvalidInputError

__all__ = ["AUDIT_FILE", "write_audit", "add_outputs", "verify", "VerifyError", "sha256_file"]

AUDIT_FILE = "audit.json"
_FORMAT = 1


class VerifyError(InvalidInputError):
    """A recorded round does not reproduce: an input changed or an output differs."""


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: Files beside a Shapefile that are part of its data (attributes, index, CRS, encoding).
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def source_digest(path: str) -> str:
    """SHA-256 of an input file; for a Shapefile, of its parts together (``.dbf`` holds the
    attributes: an edited id there is a changed input, not a differing output)."""
    stem, ext = os.path.splitext(path)
    if ext.lower() != ".shp":
        return sha256_file(path)
    h = hashlib.sha256()
    for part in _SHAPEFILE_PARTS:
        for candidate in (stem + part, stem + part.upper()):
            if os.path.isfile(candidate):
                h.update(part.encode() + sha256_file(candidate).encode())
                break
    return h.hexdigest()


def _options(obj: Any) -> dict:
    """Public fields of a Weights/Rules object (dataclass or bound class) as plain values."""
    if obj is None:
        return {}
    out = {}
    for name in sorted(dir(obj)):
        if name.startswith("_"):
            continue
        value = getattr(obj, name)
        if callable(value):
            continue
        if isinstance(value, float) and value != value:
            value = None
        elif isinstance(value, float) and value in (float("inf"), float("-inf")):
            value = "inf" if value > 0 else "-inf"
        elif isinstance(value, (list, tuple)):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        elif not isinstance(value, (int, float, str, bool)):
            value = str(value)
        out[name] = value
    return out


def _portable(source: pd.DataFrame, role: str, crs: str) -> pd.DataFrame:
    """The table as the round read it, in a form a CSV keeps: x / y from a GeoDataFrame's
    geometry in the working CRS, list cells joined with ';' (the list syntax of every
    table), whole-number float columns as integers (ids 1.0 are the id '1', as matched)."""
    from . import _io

    frame = pd.DataFrame(_io.read_table(source, role, crs=crs)).copy()
    for col in frame.columns:
        values = frame[col]
        if values.dtype == object:
            frame[col] = [
                ";".join(str(v) for v in cell) if isinstance(cell, (list, tuple, set)) else cell
                for cell in values
            ]
        elif values.dtype.kind == "f":
            known = values.dropna()
            if len(known) and ((known % 1 == 0) & (known.abs() < 2**53)).all():
                frame[col] = values.astype("Int64")
    return frame


class _File(str):
    """A path whose digest was taken when the round read it."""

    digest: str | None = None


def snapshot_sources(sources: dict) -> dict:
    """The round's inputs fixed as match() read them: a file path with its digest taken
    now, a DataFrame copied (an AreaSet is immutable)."""
    out = {}
    for role, source in sources.items():
        if isinstance(source, (str, os.PathLike)) and os.path.isfile(source):
            f = _File(os.path.abspath(os.fspath(source)))
            f.digest = source_digest(f)
            out[role] = f
        elif isinstance(source, pd.DataFrame):
            out[role] = source.copy(deep=True)
        else:
            out[role] = source
    return out


def _record_input(role: str, source: Any, out_dir: str, crs: str = "EPSG:28992") -> dict | None:
    from .areas import AreaSet

    if source is None:
        return None
    if isinstance(source, _File) and source.digest is not None:
        return {"role": role, "path": str(source), "sha256": source.digest}
    if isinstance(source, (str, os.PathLike)):
        path = os.path.abspath(os.fspath(source))
        if os.path.isfile(path):
            return {"role": role, "path": path, "sha256": source_digest(path)}
        return {"role": role, "path": os.fspath(source), "sha256": None}
    os.makedirs(os.path.join(out_dir, "inputs"), exist_ok=True)
    if isinstance(source, AreaSet):
        rel = os.path.join("inputs", f"{role}.gpkg")
        target = os.path.join(out_dir, rel)
        if os.path.exists(target):
            os.remove(target)
        source.to_file(target)
        return {
            "role": role,
            "path": rel,
            "sha256": _areas_digest(source),
            "kind": "areas",
            "crs": source.crs,  # read back in the same working CRS
        }
    if isinstance(source, pd.DataFrame):
        rel = os.path.join("inputs", f"{role}.csv")
        _portable(source, role, crs).to_csv(os.path.join(out_dir, rel), index=False)
        return {"role": role, "path": rel, "sha256": sha256_file(os.path.join(out_dir, rel))}
    return {"role": role, "path": None, "sha256": None, "kind": type(source).__name__}


def _travel_record(travel: Any) -> dict:
    """The travel model as verify can rebuild it: a straight line by its two numbers, a road
    network read with RoadNetwork.from_file / load by its file (path and SHA-256) and the
    options it was read with. Other models are recorded by kind only (not re-runnable)."""
    from .travel import RoadNetwork, StraightLine

    if travel is None:
        return {"kind": "straight_line", "default": True}
    if isinstance(travel, StraightLine):
        return {"kind": "straight_line", "detour": travel.detour, "speed_kmh": travel.speed_kmh}
    prov = getattr(travel, "_provenance", None) if isinstance(travel, RoadNetwork) else None
    if prov and prov.get("path") and os.path.isfile(prov["path"]):
        return {
            "kind": "road_network",
            "method": prov["method"],
            "path": prov["path"],
            "sha256": source_digest(prov["path"]),
            "options": prov.get("options"),
        }
    return {"kind": type(travel).__name__}


def _rebuild_travel(tr: dict) -> Any:
    """The travel model of a record (None: the default straight line); VerifyError when the
    road network's file is gone or changed, or the model cannot be rebuilt."""
    from .travel import RoadNetwork, StraightLine

    kind = tr.get("kind")
    if kind == "straight_line":
        if tr.get("default"):
            return None
        return StraightLine(detour=tr["detour"], speed_kmh=tr["speed_kmh"])
    if kind == "road_network":
        path = tr["path"]
        if not os.path.isfile(path):
            raise VerifyError(f"input 'roads' ({path}) is missing")
        if source_digest(path) != tr["sha256"]:
            raise VerifyError(f"input 'roads' ({path}) changed since the round")
        if tr["method"] == "load":
            return RoadNetwork.load(path)
        return RoadNetwork.from_file(path, **(tr.get("options") or {}))
    raise VerifyError(
        f"travel model '{kind}' cannot be rebuilt here (only a straight line and road "
        "networks read with RoadNetwork.from_file or load are)"
    )


def _areas_digest(areas: Any) -> str:
    digest = hashlib.sha256()
    for i in range(len(areas)):
        digest.update(areas.ids[i].encode())
        digest.update(areas.wkb(i))
    return digest.hexdigest()


def _json_number(v: float) -> Any:
    return v if v == v and abs(v) != float("inf") else ("inf" if v == float("inf") else None)


def _programme_record(result: Any) -> dict:
    """Budget of the round, the catalogue as read (no personal data) and the spend."""
    cat = getattr(result, "catalogue", None)
    rec: dict = {
        "budget_eur": _json_number(float(getattr(result, "budget_eur", float("inf")))),
        "spend_eur": float(getattr(result, "spend_eur", 0.0)),
        "catalogue": None,
    }
    if isinstance(cat, pd.DataFrame):
        rows = []
        for row in cat.to_dict("records"):
            rows.append(
                {
                    k: (
                        _json_number(v)
                        if isinstance(v, float)
                        else (list(v) if isinstance(v, list) else v)
                    )
                    for k, v in row.items()
                }
            )
        rec["catalogue"] = rows
    return rec


def _count(table: Any) -> int:
    """Rows of an optional table (None = 0); never the truth value of a DataFrame."""
    return 0 if table is None else len(table)


def _claims(result: Any) -> dict:
    """What the record says the round decided: counts per outcome, solver status and
    objective, the programme (budget, catalogue as read, spend). verify re-derives them."""
    # per request: a request with quantity > 1 has one assignment row per filled position,
    # and, when some stay open, an escalation row too (it counts as assigned, as in summary)
    matched = set(result.assignments["applicant_id"])
    counts = {
        "requests": len(result),
        "assigned": len(matched),
        "escalated": int((~result.escalations["applicant_id"].isin(matched)).sum()),
        "referred": _count(getattr(result, "referrals", None)),
    }
    solver = {
        "status": str(getattr(result, "status", "optimal")),
        "objective_points": result.objective,
        "bound_points": getattr(result, "bound", result.objective),
        "gap": getattr(result, "gap", 0.0),
        "candidate_pairs": result.candidate_pairs,
    }
    return {"counts": counts, "solver": solver, "programme": _programme_record(result)}


#: Tables a round may write into its directory, in the order RoundResult._write_tables
#: writes them.
ROUND_TABLES = (
    "assignments",
    "alternatives",
    "escalations",
    "referrals",
    "loads",
    "spend_by_service",
    "specialists",
)


def write_audit(
    result: Any,
    out_dir: str | os.PathLike,
    outputs: list[str],
    csv_options: dict | None = None,
) -> str:
    """Writes ``audit.json`` for ``result`` into ``out_dir``; ``outputs`` are the files the
    round wrote there (hashed), ``csv_options`` how they were written (``rounded``,
    ``excel``; ``verify`` writes its re-run the same way). Returns the path."""
    out_dir = os.fspath(out_dir)
    src = getattr(result, "_sources", {}) or {}
    inputs = []
    for role in ("applicants", "advisors", "areas", "services", "register", "service_areas"):
        rec = _record_input(role, src.get(role), out_dir, getattr(result, "_crs", "EPSG:28992"))
        if rec is not None:
            inputs.append(rec)
    claims = _claims(result)
    record = {
        "format": _FORMAT,
        "libmatch_version": __version__,
        "time_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "inputs": inputs,
        "weights": _options(result.weights),
        "rules": _options(result.rules),
        "travel": _travel_record(src.get("travel")),
        "seed": None,
        **claims,
        "csv_options": dict(csv_options or {"rounded": False, "excel": False}),
        "outputs": {
            os.path.basename(p): sha256_file(p) for p in sorted(outputs) if os.path.isfile(p)
        },
    }
    path = os.path.join(out_dir, AUDIT_FILE)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(record, fh, indent=2, sort_keys=True)
        fh.write("\n")
    return path


def _load(out_dir: str) -> dict:
    path = os.path.join(out_dir, AUDIT_FILE)
    if not os.path.isfile(path):
        raise FileMissingError(f"no {AUDIT_FILE} in '{out_dir}'")
    try:
        with open(path, encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError) as exc:
        raise FileError(f"'{path}' is not a readable audit record ({exc})") from None
    if not isinstance(record, dict):
        raise VerifyError(f"'{path}' is not an audit record (a JSON {type(record).__name__})")
    if record.get("format") != _FORMAT:
        raise VerifyError(f"'{path}' has audit format {record.get('format')!r}")
    _check_record(record, path)
    return record


def _check_record(record: dict, path: str) -> None:
    """VerifyError naming the key of a hand-edited or damaged record (wrong types, missing
    keys, output names that are not plain file names)."""

    def need(ok: bool, key: str, what: str) -> None:
        if not ok:
            raise VerifyError(f"'{path}': {key} must be {what}")

    for key in ("inputs", "outputs", "weights", "rules", "travel"):
        need(key in record, key, "present")
    need(isinstance(record["inputs"], list), "inputs", "a list")
    for k, rec in enumerate(record["inputs"]):
        need(
            isinstance(rec, dict) and isinstance(rec.get("role"), str),
            f"inputs[{k}]",
            "an object with a role",
        )
        for field in ("path", "sha256"):
            need(
                rec.get(field) is None or isinstance(rec.get(field), str),
                f"inputs[{k}].{field}",
                "text or null",
            )
    roles = [rec["role"] for rec in record["inputs"]]
    for role in ("applicants", "advisors"):
        need(role in roles, "inputs", f"a list naming the '{role}' input")
    need(isinstance(record["outputs"], dict), "outputs", "an object of file name: SHA-256")
    for name, digest in record["outputs"].items():
        plain = (
            isinstance(name, str) and name not in ("", ".", "..") and os.path.basename(name) == name
        )
        need(plain and "\\" not in name, f"outputs['{name}']", "a file name in the directory")
        need(isinstance(digest, str), f"outputs['{name}']", "a SHA-256 text")
    for key in ("weights", "rules", "travel"):
        need(isinstance(record[key], dict), key, "an object")
    for key in ("programme", "csv_options", "counts", "solver"):
        need(record.get(key) is None or isinstance(record[key], dict), key, "an object or null")
    budget = (record.get("programme") or {}).get("budget_eur")
    need(
        budget in (None, "inf")
        or (isinstance(budget, (int, float)) and not isinstance(budget, bool)),
        "programme.budget_eur",
        "a number, 'inf' or null",
    )
    options = record.get("csv_options") or {}
    for key, value in options.items():
        need(
            key in ("rounded", "excel") and isinstance(value, bool),
            f"csv_options.{key}",
            "a known option (rounded, excel) set to true or false",
        )
    tr = record["travel"]
    if tr.get("kind") == "straight_line" and not tr.get("default"):
        for key in ("detour", "speed_kmh"):
            need(
                isinstance(tr.get(key), (int, float)) and not isinstance(tr.get(key), bool),
                f"travel.{key}",
                "a number",
            )
    if tr.get("kind") == "road_network":
        need(
            isinstance(tr.get("path"), str) and isinstance(tr.get("sha256"), str),
            "travel.path / travel.sha256",
            "text",
        )
        need(tr.get("method") in ("from_file", "load"), "travel.method", "'from_file' or 'load'")
        need(
            tr.get("options") is None or isinstance(tr.get("options"), dict),
            "travel.options",
            "an object or null",
        )


def _input_path(rec: dict, out_dir: str) -> str:
    p = rec.get("path")
    if p is None or rec.get("sha256") is None:
        raise VerifyError(f"input '{rec['role']}' was not recorded as a file and cannot be re-read")
    return p if os.path.isabs(p) else os.path.join(out_dir, p)


def verify(out_dir: str | os.PathLike) -> dict:
    """Re-runs the round recorded in ``out_dir/audit.json`` and compares its outputs.

    Returns the audit record when every input hash and every output file is identical;
    raises :class:`VerifyError` naming the first changed input or differing output
    (file and line) otherwise.
    """
    from .areas import read_areas
    from .matching import match

    out_dir = os.fspath(out_dir)
    record = _load(out_dir)
    for table in ROUND_TABLES:  # a table of an earlier round in a reused directory
        name = f"{table}.csv"
        if name not in record["outputs"] and os.path.isfile(os.path.join(out_dir, name)):
            raise VerifyError(
                f"'{name}' in '{out_dir}' is not part of the recorded round (left from an "
                "earlier round written into the same directory?)"
            )
    for name, digest in sorted(record["outputs"].items()):
        p = os.path.join(out_dir, name)
        if not os.path.isfile(p):
            raise VerifyError(f"output '{name}' is missing from '{out_dir}'")
        if sha256_file(p) != digest:
            raise VerifyError(f"output '{name}' was changed after the round")
    paths, layers = {}, {}
    for rec in record["inputs"]:
        role, p = rec["role"], _input_path(rec, out_dir)
        if not os.path.isfile(p):
            raise VerifyError(f"input '{role}' ({p}) is missing")
        if role in ("areas", "service_areas"):
            crs = rec.get("crs") if isinstance(rec.get("crs"), str) else "EPSG:28992"
            layers[role] = read_areas(p, "id", crs=crs)
        # a copied AreaSet is checked by its ids and geometries (the file's bytes differ)
        digest = _areas_digest(layers[role]) if rec.get("kind") == "areas" else source_digest(p)
        if digest != rec["sha256"]:
            raise VerifyError(f"input '{role}' ({p}) changed since the round")
        paths[role] = p
    areas = layers.get("areas")
    travel = _rebuild_travel(record.get("travel", {}))
    prog = record.get("programme") or {}
    budget = prog.get("budget_eur")
    timed_out = (record.get("solver") or {}).get("status") == "time_limit"
    service_areas = layers.get("service_areas")
    result = match(
        paths["applicants"],
        paths["advisors"],
        areas,
        travel=travel,
        weights=_restore(record["weights"]),
        rules=_restore(record["rules"]),
        services=paths.get("services"),
        register=paths.get("register"),
        service_areas=service_areas,
        budget_eur=None if budget in (None, "inf") else float(budget),
    )
    with tempfile.TemporaryDirectory(prefix="libmatch-verify-") as tmp:
        result._write_tables(tmp, **record.get("csv_options", {}))
        for name in sorted(record["outputs"]):
            if not name.endswith(".csv"):
                continue
            mine = os.path.join(tmp, name)
            if not os.path.isfile(mine):
                raise VerifyError(f"the re-run wrote no '{name}'")
            if sha256_file(mine) != record["outputs"][name]:
                where = _diff(mine, os.path.join(out_dir, name))
                if timed_out:
                    raise VerifyError(
                        f"'{name}' differs from the re-run at {where}; the recorded round "
                        "stopped at its time limit (status time_limit), so its result depends "
                        "on machine speed and load: re-run it with a larger rules.time_limit_s "
                        "(or none) to get a result that reproduces"
                    )
                raise VerifyError(f"'{name}' differs from the re-run at {where}")
    claims = _claims(result)
    if timed_out:  # the same plan, but the bound reached may differ: not compared
        for key in ("bound_points", "gap"):
            claims["solver"].pop(key, None)
    for key, mine in claims.items():
        stated = record.get(key) or {}
        for field, value in _json_roundtrip(mine).items():
            if not _same_value(stated.get(field), value):
                raise VerifyError(
                    f"audit.json's {key}.{field} does not match the re-run (edited after the round?)"
                )
    return record


def _json_roundtrip(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True  # NaN
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    return a == b


def _restore(opts: dict) -> dict:
    out = {}
    for k, v in opts.items():
        if v == "inf":
            v = float("inf")
        elif v == "-inf":
            v = float("-inf")
        elif v is None:
            v = float("nan")
        out[k] = v
    return out


def _diff(a: str, b: str) -> str:
    with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
        la, lb = fa.read().splitlines(), fb.read().splitlines()
    for k, (x, y) in enumerate(zip(la, lb), start=1):
        if x != y:
            return f"line {k}"
    return f"line {min(len(la), len(lb)) + 1} (length differs)"


def add_outputs(out_dir: str | os.PathLike, paths: list[str]) -> None:
    """Adds files written after the CSVs (the HTML report, the map) to ``out_dir``'s audit
    record, so verify notices when they are edited. Files outside ``out_dir`` are skipped:
    the record names outputs relative to it. They are checked unchanged, not re-made (the
    report carries the date it was made)."""
    out_dir = os.fspath(out_dir)
    path = os.path.join(out_dir, AUDIT_FILE)
    record = _load(out_dir)
    for p in paths:
        p = os.fspath(p)
        if os.path.isfile(p) and os.path.samefile(os.path.dirname(os.path.abspath(p)), out_dir):
            record["outputs"][os.path.basename(p)] = sha256_file(p)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(record, fh, indent=2, sort_keys=True)
        fh.write("\n")


def _cmd_verify(args) -> int:
    record = verify(args.dir)
    remade = sum(1 for name in record["outputs"] if name.endswith(".csv"))
    kept = len(record["outputs"]) - remade
    print(
        f"verify: {args.dir} reproduces ({remade} outputs identical"
        + (f", {kept} unchanged" if kept else "")
        + f", {len(record['inputs'])} inputs unchanged)"
    )
    return 0


def _register_cli(sub) -> None:
    p = sub.add_parser(
        "verify",
        help="re-run a recorded round and check every output is identical",
        description="Re-runs the round recorded in DIR/audit.json from its inputs. Exit 0 "
        "when every output is identical; non-zero naming the first changed input or "
        "differing output otherwise. Example: libmatch verify out",
    )
    p.add_argument("dir", help="a directory written by 'libmatch round' or RoundResult.to_csv")
    p.set_defaults(func=_cmd_verify)
