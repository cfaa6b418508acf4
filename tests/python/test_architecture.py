"""The layering rule of docs/architecture.md: no header includes a header of a higher layer,
every header is in the module map, and public headers never include GDAL, PROJ, GEOS or Boost.
Reads the source tree only (no build needed)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
PUBLIC = ROOT / "libmatch" / "include" / "libmatch"
PRIVATE = ROOT / "libmatch" / "src"

ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*`([^`]+\.hpp)`\s*\|")
INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)
THIRD_PARTY = re.compile(r"^(gdal|ogr|cpl_|proj|geos|boost/)", re.I)


def layer_table() -> dict[str, int]:
    """Header -> layer, from the tables of docs/architecture.md (public: 'libmatch/x.hpp')."""
    layers = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            assert m.group(2) not in layers, f"{m.group(2)} is listed twice"
            layers[m.group(2)] = int(m.group(1))
    return layers


def headers() -> dict[str, Path]:
    """Include name -> file for every real header ('version.hpp' is generated)."""
    found = {f"libmatch/{p.name}": p for p in PUBLIC.glob("*.hpp")}
    found.update({p.name: p for p in PRIVATE.glob("*.hpp")})
    found["libmatch/version.hpp"] = PRIVATE / "version.hpp.in"
    return found


def includes(path: Path) -> list[tuple[str, str]]:
    return INCLUDE.findall(path.read_text(encoding="utf-8"))


def test_every_header_is_in_the_module_map_and_nothing_else():
    layers, files = layer_table(), headers()
    assert sorted(files) == sorted(layers)


@pytest.mark.parametrize("name", sorted(headers()))
def test_no_header_includes_a_higher_layer(name):
    layers = layer_table()
    for kind, target in includes(headers()[name]):
        if kind != '"':
            continue
        assert target in layers, f"{name} includes {target}, which is not in the module map"
        assert layers[target] <= layers[name], (
            f"{name} (layer {layers[name]}) includes {target} (layer {layers[target]})"
        )


@pytest.mark.parametrize("path", sorted(PUBLIC.glob("*.hpp")), ids=lambda p: p.name)
def test_public_headers_include_no_third_party_library(path):
    for kind, target in includes(path):
        assert kind == '"' or not THIRD_PARTY.match(target), f"{path.name} includes <{target}>"
        assert kind == "<" or target.startswith("libmatch/"), f"{path.name} includes {target}"


def test_the_rule_catches_a_violation(tmp_path):
    # The checker itself: scoring.hpp including match.hpp (the old layering bug) fails.
    layers = layer_table()
    bad = tmp_path / "scoring.hpp"
    bad.write_text('#include "libmatch/model.hpp"\n#include "libmatch/match.hpp"\n')
    broken = [t for _, t in includes(bad) if layers[t] > layers["libmatch/scoring.hpp"]]
    assert broken == ["libmatch/match.hpp"]
