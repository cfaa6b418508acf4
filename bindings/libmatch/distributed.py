"""Scenario x seed sweeps on a Dask distributed cluster.

:func:`simulate_sweep` gives exactly the DataFrame :func:`libmatch.simulate_many` gives
(same rows, same order, same values), but spreads the runs over the workers of a
``dask.distributed.Client``: a ``LocalCluster`` on one machine, or an existing cluster when
one machine is not enough::

    from dask.distributed import Client
    client = Client("tcp://scheduler-host:8786")   # every worker needs libmatch installed
    df = libmatch.distributed.simulate_sweep(client, {"now": base, "more staff": more}, range(1000))

Each scenario is pickled once (areas as WKB, tables as DataFrames) and broadcast to every
worker; a worker unpickles and compiles it once, inside its first task (so an error there,
such as a road network file missing on that worker, is raised to the caller), and runs
chunks of seeds single-threaded with the GIL released, so a worker with several threads runs several chunks at once. Dask is imported
only when this function is called (``pip install "dask[distributed]"``).
"""

from __future__ import annotations

import math
import numbers
import pickle
import uuid
from typing import Any

import pandas as pd

from .errors import InvalidInputError, InvalidTypeError
from .simulation import _normalise, parse_seeds, simulate_many

__all__ = ["simulate_sweep"]


#: Worker side: scenarios already unpickled, by (sweep token, index); the last few sweeps.
_COMPILED: dict[tuple[str, int], Any] = {}
_KEEP = 16


def _scenario(blob: bytes, token: str, index: int) -> Any:
    """The sweep's scenario ``index``, unpickled (and so compiled) once per worker. It is
    unpickled inside the task, so a failure there (a road network file missing on this
    worker) reaches the caller as the libmatch error, not as a closed connection."""
    key = (token, index)
    if key not in _COMPILED:
        while len(_COMPILED) >= _KEEP:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = pickle.loads(blob)
    return _COMPILED[key]


def _run_chunk(
    blob: bytes, token: str, index: int, name: str, seeds: list[int], seed_dtype: str
) -> pd.DataFrame:
    """Worker side: one scenario, a chunk of seeds, one thread (the worker's threads are the
    parallelism). Seeds take the sweep's dtype, so chunks concatenate without a cast."""
    df = simulate_many([_scenario(blob, token, index)], seeds, n_jobs=1, progress=False)
    df["scenario"] = name
    df["seed"] = df["seed"].astype(seed_dtype)
    return df


def simulate_sweep(
    client: Any, scenarios: Any, seeds: Any, chunk_size: int | None = None, progress: bool = False
) -> pd.DataFrame:
    """Runs every scenario with every seed on a Dask cluster.

    Parameters
    ----------
    client : dask.distributed.Client
        Connected to a ``LocalCluster`` or to an existing scheduler
        (``Client("tcp://host:8786")``). The workers need libmatch; files a scenario still
        refers to (a road network ``travel.source``) must be readable at the same path.
    scenarios : Scenario, list of Scenarios, or dict {name: Scenario}
    seeds : iterable of int, int, or a string such as ``"0-99"``
    chunk_size : int, optional
        Seeds per task. Default: about four tasks per worker thread per scenario (at least
        one seed), which keeps the scheduler overhead small and the load balanced.
    progress : bool, default False
        Show a tqdm progress bar over finished tasks.

    Returns
    -------
    DataFrame
        Identical to ``simulate_many(scenarios, seeds)``: one row per (scenario, seed),
        scenario-major.
    """
    try:
        from distributed import as_completed
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("simulate_sweep needs Dask: pip install 'dask[distributed]'") from exc
    names, scs = _normalise(scenarios)
    seed_list = parse_seeds(seeds)
    if not all(hasattr(client, a) for a in ("scatter", "submit", "nthreads")):
        raise InvalidTypeError(
            f"client must be a dask.distributed Client, got {type(client).__name__}"
        )
    if getattr(client, "status", "running") != "running":
        raise InvalidInputError(f"client is not connected (status {client.status!r})")
    try:
        nthreads = client.nthreads()
    except Exception as exc:  # a client whose scheduler went away
        raise InvalidInputError(
            f"client cannot reach its scheduler ({type(exc).__name__})"
        ) from None
    if not nthreads:
        raise InvalidInputError("the cluster has no workers: start some before the sweep")
    seed_dtype = "int64" if max(seed_list, default=0) < 2**63 else "uint64"
    if chunk_size is None:
        threads = max(1, sum(nthreads.values()))
        chunk_size = max(1, math.ceil(len(seed_list) * len(scs) / (4 * threads) / len(scs)))
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral):
        raise InvalidTypeError(f"chunk_size must be an integer, got {type(chunk_size).__name__}")
    if int(chunk_size) < 1:
        raise InvalidInputError(f"chunk_size must be >= 1, got {chunk_size}")
    chunk_size = int(chunk_size)
    # Each scenario goes to every worker once, pickled (bytes travel as they are); tasks
    # refer to it by key and unpickle it once per worker.
    token = uuid.uuid4().hex
    remote = client.scatter([pickle.dumps(sc) for sc in scs], broadcast=True, hash=False)
    futures = []
    for k, (name, blob) in enumerate(zip(names, remote)):
        for lo in range(0, len(seed_list), chunk_size):
            chunk = seed_list[lo : lo + chunk_size]
            futures.append(
                client.submit(_run_chunk, blob, token, k, name, chunk, seed_dtype, pure=False)
            )
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(futures), desc="simulate_sweep", unit="task")
    try:
        if bar is not None:
            for _ in as_completed(futures):
                bar.update(1)
        frames = client.gather(futures)
    finally:
        if bar is not None:
            bar.close()
        client.cancel(remote)
    df = pd.concat(frames, ignore_index=True)
    return df
