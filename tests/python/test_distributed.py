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


def test_sweep_keeps_large_seeds_exact(client):
    base = libmatch.Scenario(DATA / "scenario.json").replace(horizon_weeks=4)
    seeds = [5, 2**63 + 1, 2**64 - 1]
    expected = libmatch.simulate_many(base, seeds, progress=False)
    got = libmatch.distributed.simulate_sweep(client, base, seeds, chunk_size=1)
    assert got["seed"].dtype == expected["seed"].dtype == "uint64"
    assert got["seed"].tolist() == seeds
    pd.testing.assert_frame_equal(got, expected)


def test_duplicate_names_get_labels_no_other_variant_has(client):
    base = libmatch.Scenario(DATA / "scenario.json").replace(horizon_weeks=4)
    busy = base.replace(no_klik_probability=0.4)
    variants = [base.replace(name="a"), busy.replace(name="a"), busy.replace(name="a#1")]
    got = libmatch.simulate_many(variants, [0], progress=False)
    assert got["scenario"].tolist() == ["a#2", "a#3", "a#1"]
    swept = libmatch.distributed.simulate_sweep(client, variants, [0])
    pd.testing.assert_frame_equal(swept, got)
    # a variants dict may use any key, also one a scenario config has
    named = libmatch.simulate_many({"services": base, "advisors": busy}, [0], progress=False)
    assert named["scenario"].tolist() == ["services", "advisors"]


def test_a_worker_that_cannot_build_the_scenario_raises_the_libmatch_error(client, tmp_path):
    roads = tmp_path / "roads.geojson"
    roads.write_bytes((DATA / "roads.geojson").read_bytes())
    base = libmatch.Scenario(DATA / "scenario.json").replace(
        horizon_weeks=2,
        travel={
            "model": "road_network",
            "source": str(roads),
            "speed_field": "maxspeed",
            "default_speed_kmh": 50,
        },
    )
    roads.unlink()  # gone before the workers rebuild the scenario
    with pytest.raises(libmatch.FileMissingError, match="roads.geojson"):
        libmatch.distributed.simulate_sweep(client, base, [0, 1])


def test_a_closed_client_is_a_libmatch_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=0, processes=False, dashboard_address=None, silence_logs=40
        )
        c = distributed.Client(cluster)
    base = libmatch.Scenario(DATA / "scenario.json")
    try:
        with pytest.raises(libmatch.InvalidInputError, match="no workers"):
            libmatch.distributed.simulate_sweep(c, base, [0])
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c.close()
            cluster.close()
    with pytest.raises(libmatch.InvalidInputError, match="not connected"):
        libmatch.distributed.simulate_sweep(c, base, [0])
