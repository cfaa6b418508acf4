"""libmatch.distributed.simulate_sweep on a Dask LocalCluster: identical to simulate_many."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import libmatch
import libmatch.distributed

distributed = pytest.importorskip("distributed")

DATA = Path(__file__).resolve().parents[2] / "data"
pytestmark = pytest.mark.skipif(
    not (DATA / "scenario.json").exists(),
    reason="bundled data/ not generated (tools/generate_data.py)",
)


@pytest.fixture(scope="module")
def client():
    # Dask may warn while starting or stopping (ports, deprecations in its dependencies); those
    # warnings are about Dask, not libmatch, so they are silenced here only.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        c = distributed.Client(cluster)
    yield c
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c.close()
        cluster.close()


def test_sweep_on_local_cluster_equals_simulate_many(client):
    base = libmatch.Scenario(DATA / "scenario.json")
    busy = base.replace(name="busy", no_klik_probability=0.25, escalate_after_weeks=1)
    scenarios = {"base": base, "busy": busy}
    seeds = range(12)
    expected = libmatch.simulate_many(scenarios, seeds, progress=False)
    got = libmatch.distributed.simulate_sweep(client, scenarios, seeds, chunk_size=5)
    pd.testing.assert_frame_equal(got, expected)
    # default chunking, a single scenario object
    got = libmatch.distributed.simulate_sweep(client, base, "0-3")
    pd.testing.assert_frame_equal(got, libmatch.simulate_many(base, range(4), progress=False))


def test_sweep_rejects_bad_chunks(client):
    base = libmatch.Scenario(DATA / "scenario.json")
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.distributed.simulate_sweep(client, base, [0], chunk_size=0)
