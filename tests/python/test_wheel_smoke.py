"""Smoke test of an installed (portable) wheel: run by tools/test_wheel.sh inside a fresh
virtualenv, and by the normal suite against the development install. It needs only the
package itself (its bundled data set), numpy and pandas."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

import libmatch
import libmatch.datasets as ds


def test_bundled_gdal_reads_and_reprojects():
    areas = libmatch.read_areas(ds.path("municipalities"), "id")
    assert len(areas) > 10
    st = areas.stats()
    xy = st[["centroid_x", "centroid_y"]].to_numpy()
    lonlat = libmatch.transform(xy, "EPSG:28992", "EPSG:4326")
    assert np.isfinite(lonlat).all()
    assert (3 < lonlat[:, 0]).all() and (lonlat[:, 0] < 8).all()
    back = libmatch.transform(lonlat, "EPSG:4326", "EPSG:28992")
    np.testing.assert_allclose(back, xy, atol=1e-3)


def test_round_on_bundled_data(tmp_path):
    oa = libmatch.read_areas(ds.path("orientation_areas"), "id")
    res = libmatch.match(ds.path("requests"), ds.path("advisors"), oa)
    assert len(res.assignments) + len(res.escalations) == len(res)
    written = res.to_csv(tmp_path / "out")
    assert all(os.path.exists(p) for p in written)
    assert len(pd.read_csv(tmp_path / "out" / "assignments.csv")) == len(res.assignments)


def test_proj_data_is_found():
    # The package points PROJ and GDAL at their bundled data when it carries them.
    here = os.path.dirname(libmatch.__file__)
    if os.path.isdir(os.path.join(here, "proj")):
        assert os.environ.get("PROJ_DATA", "").startswith(here)
