#!/usr/bin/env python3
"""Seeded generator of the bundled programme example ``data/programme/`` (seed 003).

A fictional municipality (the most populous one of the bundled province, made by
``tools/generate_data.py``) runs a year-long support programme for entrepreneurs hit by a
crisis: 350 entrepreneurs with a TOZO benefit are approached in March and April (weeks 9-17),
acute ones first, and a few without one register by themselves. The products are those of
seed 003 with its hours and prices (intake 1.5 h EUR 112.50, internal coaching 10 h EUR 750,
F-scan 3 h EUR 275, E-scan 0.5 h EUR 50, referral to retraining or job matching 1 h EUR 75,
IMK viability study EUR 2,095 with 30 studies bought), chained as pathways, with the chain
partners BAD, IMK, Leerwerkloket and Konnected at limited capacity, and EUR 200,000 in all.

    python tools/generate_programme.py --seed 20261123 --out data/programme

Writes ``scenario.json``, ``advisors.csv`` (no personal names), ``locations.csv`` (business
locations, EPSG:28992 metres) and ``README.md``. Same seed -> identical files. Needs the
province's ``municipalities.geojson`` next to ``--out`` (``--municipalities`` otherwise).
Dependencies: numpy, shapely (dev tool only).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path

import numpy as np
import shapely

DEFAULT_SEED = 20261123
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "programme"
N_LOCATIONS = 800

# product: (weeks, hours, EUR, slots over the year, pathway steps (service, p, delay))
PRODUCTS = {
    "intake": (
        1,
        1.5,
        112.50,
        None,
        [
            ("f_scan", 0.35, 0),
            ("coaching", 0.30, 1),
            ("e_scan", 0.10, 0),
            ("referral", 0.15, 0),
            ("bad", 0.05, 0),
        ],
    ),
    "f_scan": (1, 3.0, 275.00, None, [("coaching", 0.40, 1), ("imk", 0.30, 1), ("bad", 0.10, 0)]),
    "e_scan": (1, 0.5, 50.00, None, [("coaching", 0.30, 1)]),
    "coaching": (
        {"dist": "gamma", "mean": 6, "sd": 2},
        10.0,
        750.00,
        None,
        [("referral", 0.15, 0)],
    ),
    "referral": (1, 1.0, 75.00, None, [("leerwerkloket", 0.4, 1), ("konnected", 0.6, 1)]),
    "imk": ({"dist": "uniform", "min": 4, "max": 8}, 0.0, 2095.00, 30, []),
    "bad": ({"dist": "gamma", "mean": 10, "sd": 3}, 0.0, 0.0, None, []),
    "leerwerkloket": (4, 0.0, 0.0, None, []),
    "konnected": (4, 0.0, 0.0, None, []),
}
# advisors: (id prefix, service, how many, capacity in simultaneous cases)
STAFF = [
    ("OHD-INT", "intake", 3, 8),
    ("OHD-COA", "coaching", 5, 6),
    ("OHD-FSC", "f_scan", 2, 5),
    ("OHD-ESC", "e_scan", 1, 6),
    ("OHD-VER", "referral", 1, 8),
    ("BAD", "bad", 1, 4),
    ("IMK", "imk", 1, 8),
    ("LWL", "leerwerkloket", 1, 3),
    ("KNT", "konnected", 1, 5),
]


def municipality(path: Path) -> tuple[str, str, shapely.Geometry]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    feats = sorted(
        doc["features"], key=lambda f: (-f["properties"]["population"], f["properties"]["id"])
    )
    f = feats[0]
    return f["properties"]["id"], f["properties"]["name"], shapely.geometry.shape(f["geometry"])


def locations(rng: np.random.Generator, geom) -> list[dict]:
    """Business locations: half around the centre (shops, offices), half spread out."""
    c = geom.centroid
    x0, y0, x1, y1 = geom.bounds
    out: list[dict] = []
    while len(out) < N_LOCATIONS:
        if len(out) % 2 == 0:
            x, y = rng.normal(c.x, 1200.0), rng.normal(c.y, 1200.0)
        else:
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if not geom.contains(shapely.Point(x, y)):
            continue
        dx, dy = x - c.x, y - c.y
        if math.hypot(dx, dy) < 1500:
            district = "Centrum"
        else:
            district = ("Oost", "Noord", "West", "Zuid")[
                int(((math.atan2(dy, dx) + math.pi / 4) % (2 * math.pi)) // (math.pi / 2))
            ]
        out.append({"x": round(x), "y": round(y), "district": district})
    return out


def advisors(rng: np.random.Generator, geom) -> list[dict]:
    c = geom.centroid
    rows = []
    for prefix, service, n, cap in STAFF:
        for k in range(n):
            rows.append(
                {
                    "advisor_id": f"{prefix}{k + 1:02d}" if n > 1 else prefix,
                    "x": round(c.x + rng.uniform(-400, 400)),
                    "y": round(c.y + rng.uniform(-400, 400)),
                    "service": service,
                    "capacity": cap,
                    "caseload": 0,
                }
            )
    return rows


def scenario(muni_name: str) -> dict:
    services = {}
    for name, (weeks, hours, eur, slots, steps) in PRODUCTS.items():
        sv: dict = {"duration_weeks": weeks, "hours_per_case": hours, "cost_eur": eur}
        if slots is not None:
            sv["max_cases"] = slots
            sv["target"] = slots
        if steps:
            sv["next"] = [{"service": s, "probability": p, "delay_weeks": d} for s, p, d in steps]
        services[name] = sv
    services["konnected"]["target"] = 100
    return {
        "name": "programme",
        "description": f"Fictional support programme of the municipality {muni_name} "
        "(seed 003: products, pathways, chain partners, EUR 200,000, 30 IMK studies)",
        "seed": 0,
        "horizon_weeks": 52,
        "advisors": "advisors.csv",
        "locations": "locations.csv",
        "services": services,
        "budget_eur": 200000,
        "reserve": [{"service": "imk", "slots": 10, "min_priority": 2, "until_week": 30}],
        "arrivals": [
            {
                "service": "intake",
                "count": 350,
                "first_week": 9,
                "last_week": 17,
                "priority": {"2": 0.2, "1": 0.3, "0": 0.5},
                "segment": "tozo",
            },
            {
                "service": "intake",
                "rate_per_week": 1.0,
                "segment": "zonder_tozo",
                "priority": {"1": 0.3, "0": 0.7},
            },
        ],
        "initial_cases": False,
        "escalate_after_weeks": 6,
        "no_klik_probability": 0.03,
    }


def csv_text(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def readme(muni_id: str, muni_name: str, n_adv: int) -> str:
    lines = [
        "# Bundled programme example (fictional)",
        "",
        "Made by `tools/generate_programme.py` - **do not edit by hand**, regenerate:",
        "",
        "```sh",
        ".venv/bin/python tools/generate_programme.py --seed 20261123 --out data/programme",
        "```",
        "",
        f"A fictional municipality ({muni_name}, `{muni_id}` of the bundled province) runs the",
        "support programme of seed 003 for a year: 350 entrepreneurs with a TOZO benefit are",
        "approached in weeks 9-17 (acute first), others register by themselves (segment",
        "`zonder_tozo`). Nothing in it is real.",
        "",
        "| product | weeks | hours | EUR | slots | next (probability, delay weeks) |",
        "|---|---|---|---|---|---|",
    ]
    for name, (weeks, hours, eur, slots, steps) in PRODUCTS.items():
        nxt = ", ".join(f"{s} ({p}, {d})" for s, p, d in steps) or "-"
        w = weeks if not isinstance(weeks, dict) else json.dumps(weeks)
        lines.append(f"| `{name}` | {w} | {hours} | {eur:.2f} | {slots or '-'} | {nxt} |")
    lines += [
        "",
        f"{n_adv} advisors (`advisors.csv`): internal staff per product and one pool per chain "
        "partner (BAD debt help, IMK viability studies, Leerwerkloket retraining, Konnected job "
        "matching) with its capacity in simultaneous cases. Programme budget EUR 200,000; 10 "
        "of the 30 IMK studies are held for acute cases (priority 2) until week 30.",
        "",
        "```sh",
        "libmatch simulate --scenario data/programme/scenario.json --seeds 0-49 --out out/programme",
        "```",
        "",
    ]
    return "\n".join(lines)


def generate(seed: int, out: Path, municipalities: Path) -> None:
    muni_id, muni_name, geom = municipality(municipalities)
    rng = np.random.default_rng([seed, 3])
    locs = locations(rng, geom)
    adv = advisors(rng, geom)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "scenario.json": json.dumps(scenario(muni_name), indent=2, ensure_ascii=False) + "\n",
        "advisors.csv": csv_text(["advisor_id", "x", "y", "service", "capacity", "caseload"], adv),
        "locations.csv": csv_text(["x", "y", "district"], locs),
        "README.md": readme(muni_id, muni_name, len(adv)),
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument(
        "--municipalities",
        type=Path,
        default=None,
        help="the province's municipalities (default: OUT/../municipalities.geojson)",
    )
    args = ap.parse_args(argv)
    munis = args.municipalities or args.out.parent / "municipalities.geojson"
    generate(args.seed, args.out, munis)
    return 0


if __name__ == "__main__":
    sys.exit(main())
