"""A/B of bench_round.py's national round (50,000 x 2,000) on two builds of libmatch.

Each build runs in fresh processes, in alternation (A, B, A, B, ...), so that a shared,
loaded machine slows both alike; every process times `libmatch.match` 4 times and keeps
the best wall and CPU (process) time. Objectives must be equal. The CPU ratio B / A is
printed last. Used to check that a change does not slow the plain round (issue 10: within
5 % of the round before the programme model).

Usage: .venv/bin/python benchmarks/bench_round_ab.py BUILD_A/python BUILD_B/python [--runs 3]
       (e.g. a detached worktree of the old commit built with `make dev NAME=old`)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CHILD = r"""
import sys, time, json
sys.path.insert(0, sys.argv[1])
import numpy as np, libmatch, bench_round
rng = np.random.default_rng(20260501)
areas = bench_round.make_areas()
req, adv = bench_round.make_round(rng, 50000, 2000, areas)
out = []
for _ in range(4):
    c = time.process_time(); w = time.perf_counter()
    r = libmatch.match(req, adv, areas)
    out.append((time.perf_counter() - w, time.process_time() - c))
print(json.dumps([min(o[0] for o in out), min(o[1] for o in out), int(r._core.objective)]))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", help="PYTHONPATH of build A (the reference)")
    ap.add_argument("b", help="PYTHONPATH of build B")
    ap.add_argument("--runs", type=int, default=3, help="processes per build")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    res: dict[str, list] = {"A": [], "B": []}
    for _ in range(args.runs):
        for name, path in (("A", args.a), ("B", args.b)):
            env = dict(os.environ, PYTHONPATH=os.path.abspath(path))
            out = subprocess.run(
                [sys.executable, "-c", CHILD, here], env=env, capture_output=True, text=True
            )
            if out.returncode:
                print(out.stderr, file=sys.stderr)
                return 1
            res[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(name, res[name][-1], flush=True)
    best = {k: (min(x[0] for x in v), min(x[1] for x in v), v[0][2]) for k, v in res.items()}
    for k, (w, c, o) in best.items():
        print(f"build {k}: best wall {w:.3f} s, best CPU {c:.3f} s, objective {o}")
    if best["A"][2] != best["B"][2]:
        print("objectives DIFFER")
        return 1
    print(
        f"CPU ratio B / A: {best['B'][1] / best['A'][1]:.3f} (wall {best['B'][0] / best['A'][0]:.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
