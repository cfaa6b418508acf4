"""Ctrl-C stops long calls: each case starts a subprocess that builds its input, prints
READY and starts a call that would run for minutes; the test sends SIGINT and expects a
KeyboardInterrupt well before the call could have finished. Not a speed test: the margin
(seconds) is far above the ~0.1 s the core needs to notice the request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
BENCH = Path(__file__).resolve().parents[2] / "benchmarks"

# Seconds allowed between SIGINT and the process exiting (generous: a shared 2-core machine).
STOP_WITHIN_S = 4.0

_PRELUDE = """
import sys, time
import numpy as np
import libmatch

def report(call):
    print("READY", flush=True)
    t0 = time.monotonic()
    try:
        call()
    except KeyboardInterrupt as exc:
        print(f"INTERRUPTED {type(exc).__name__} {time.monotonic() - t0:.2f}", flush=True)
        sys.exit(3)
    print(f"FINISHED {time.monotonic() - t0:.2f}", flush=True)
"""

_GRID = """
def grid_network(n):
    # n x n street grid, 100 m blocks, 30 km/h
    ids = np.arange(n * n).reshape(n, n)
    xy = np.column_stack([(ids % n).ravel() * 100.0, (ids // n).ravel() * 100.0])
    f = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    t = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    return libmatch.RoadNetwork.from_edges(xy, f, t, speed_kmh=np.full(len(f), 30.0))
"""

_UNITS = """
import shapely
def units(n):
    boxes = [shapely.box(i * 1000.0, j * 1000.0, (i + 1) * 1000.0, (j + 1) * 1000.0)
             for j in range(n) for i in range(n)]
    return libmatch.AreaSet.from_wkb(shapely.to_wkb(boxes), [f"u{k}" for k in range(n * n)])
"""

CASES = {
    "road_pairs": _GRID
    + """
net = grid_network(300)
rng = np.random.default_rng(0)
pts = rng.uniform(0, 29900, size=(4000, 2))
report(lambda: net.pairs(pts, pts, threads=2))
""",
    "design_areas": _UNITS
    + """
u = units(30)
demand = np.ones(len(u))
report(lambda: libmatch.design_areas(u, demand, 20, starts=2, threads=2,
                                     iterations=10**12))
""",
    # A programme round (mixed hours, binding budget) whose exact solve runs for minutes: the
    # interrupt lands in CBC's root cut passes (~0.3-3.5 s after the start) or its tree.
    "programme_round": f"""
sys.path.insert(0, {str(BENCH)!r})
import bench_programme as bp
rng = np.random.default_rng(20261123)
areas = bp.grid_areas(bp.PROVINCE_BOX)
req, adv, svc, budget = bp.province_round(rng, 1000, 60, areas)
report(lambda: libmatch.match(req, adv, areas, services=svc, budget_eur=budget,
                              rules={{"duplicate_tolerance_m": 0}}))
""",
    "simulate": f"""
sc = libmatch.Scenario({str(DATA / "scenario.json")!r})
sc = sc.replace(horizon_weeks=100000)
report(lambda: libmatch.simulate(sc, seed=1, details=False))
""",
    "simulate_many_progress": f"""
sc = libmatch.Scenario({str(DATA / "scenario.json")!r})
report(lambda: libmatch.simulate_many(sc, "0-100000", n_jobs=2, progress=True))
""",
    "simulate_many_one_thread": f"""
sc = libmatch.Scenario({str(DATA / "scenario.json")!r})
report(lambda: libmatch.simulate_many(sc, "0-100000", n_jobs=1, progress=False))
""",
}


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("case", sorted(CASES))
def test_ctrl_c_stops_the_call(case):
    code = textwrap.dedent(_PRELUDE) + textwrap.dedent(CASES[case])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = proc.stdout.readline()
        assert first.strip() == "READY", first + proc.stderr.read()
        time.sleep(1.0)  # the long call is running now
        assert proc.poll() is None, "the call ended before the interrupt was sent"
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=60)
        waited = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 3, f"exit {proc.returncode}\nstdout: {out}\nstderr: {err}"
    assert "INTERRUPTED KeyboardInterrupt" in out
    assert waited < STOP_WITHIN_S, f"took {waited:.1f} s to stop after SIGINT"


def test_the_flag_is_clear_after_an_interrupt():
    """A call after an interrupted one runs normally (the sticky cancel flag is reset)."""
    code = textwrap.dedent(
        """
        import signal, threading, os, numpy as np, libmatch
        sc = libmatch.Scenario(SCENARIO).replace(horizon_weeks=100000)
        threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        try:
            libmatch.simulate(sc, seed=1, details=False)
        except KeyboardInterrupt:
            print("stopped")
        r = libmatch.simulate(sc.replace(horizon_weeks=4), seed=1, details=False)
        print("weeks", r.summary["weeks"])
        """
    ).replace("SCENARIO", repr(str(DATA / "scenario.json")))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["stopped", "weeks", "4"]
