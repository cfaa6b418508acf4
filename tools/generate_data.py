#!/usr/bin/env python3
"""Seeded generator for libmatch's small bundled default data set.

Builds a fictional province (EPSG:28992, Amersfoort / RD New, metres) with
municipalities, orientation areas, Natura 2000-like nature areas, a road
network, farms, advisors, one week of requests and a one-year simulation
scenario, and writes them (plus ``README.md``) into ``--out``.

    python tools/generate_data.py --seed 20261123 --out data

Same seed -> byte-identical files (for a given numpy/shapely/GEOS build).
Dependencies: numpy, scipy, shapely (dev tool only; never used by the library)
and the standard library.

How exact borders are obtained: municipalities are Voronoi cells of seeded
points; every Voronoi ridge is replaced ONCE by a wiggly polyline with integer
coordinates (keyed by the sorted pair of cell ids, vertex order fixed by the
sorted pair of Voronoi vertex ids) and each cell ring is chained from those
polylines, so both sides of a border hold the same vertex sequence (reversed).
The province is the union of a wiggly blob of selected cells, so no clipping is
needed. Orientation areas (and the province outline) are dissolved by
cancelling directed edges that occur in both directions, which keeps their
vertices bit-identical to the municipalities'. Roads are a subset of the edges
of one warped lattice, so every crossing is a shared vertex by construction.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Voronoi, cKDTree
from shapely.geometry import LineString, MultiPolygon, Polygon

DEFAULT_SEED = 20261123
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data"

CRS_MEMBER = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
CENTRE = (175_000.0, 390_000.0)
SEMI_AXES = (50_000.0, 27_500.0)
RD_LIMITS = (118_000.0, 352_000.0, 232_000.0, 428_000.0)  # province must fit inside

FARM_TYPES = ["melkvee", "varkens", "pluimvee", "akkerbouw", "tuinbouw", "gemengd", "gestopt"]
SECTORS = ["melkvee", "varkens", "pluimvee", "akkerbouw", "tuinbouw"]
TOPICS = [
    "stoppen",
    "omschakelen",
    "innoveren",
    "verplaatsen",
    "natuurinclusief",
    "biologisch",
    "bedrijfseconomie",
    "ruimtelijke_ordening",
]
VOCABULARY = SECTORS + TOPICS
SERVICES = ["procesmanager", "zaakbegeleider", "vabimpuls", "nil_bio"]
ROAD_CLASSES = ["motorway", "primary", "secondary", "tertiary", "unclassified", "residential"]
DEFAULT_SPEED = {
    "motorway": 100,
    "primary": 80,
    "secondary": 60,
    "tertiary": 50,
    "unclassified": 50,
    "residential": 30,
}
LOCAL_CLASSES = ("tertiary", "unclassified", "residential")
WEEK_DAYS = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]

# Stage numbers for independent random streams.
ST_MUNI, ST_WIGGLE, ST_OA, ST_TOWNS, ST_NATURE, ST_ROADS, ST_FARMS = 1, 2, 3, 4, 5, 6, 7
ST_ADVISORS, ST_REQUESTS, ST_NAMES = 8, 9, 10


class Retry(Exception):
    """A random construction failed a check; the caller tries the next attempt."""


def rng_for(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([int(seed)] + [int(k) for k in keys])


# --------------------------------------------------------------------------- rings


def ring_area(ring) -> float:
    """Signed area of a closed ring (list of (x, y)), positive when counter-clockwise."""
    a = np.asarray(ring, dtype=float)
    x, y = a[:, 0], a[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def normalize_ring(ring, ccw: bool):
    """Closed ring -> closed ring with the wanted orientation, starting at its min vertex."""
    pts = [tuple(int(v) for v in p) for p in ring]
    if pts[0] == pts[-1]:
        pts = pts[:-1]
    if (ring_area(pts + [pts[0]]) > 0) != ccw:
        pts = pts[::-1]
    k = min(range(len(pts)), key=lambda i: pts[i])
    pts = pts[k:] + pts[:k]
    return pts + [pts[0]]


def polygon_rings(parts):
    """parts: list of [exterior, hole...] -> normalised (exterior CCW, holes CW)."""
    out = []
    for rings in parts:
        ext = normalize_ring(rings[0], True)
        holes = sorted(normalize_ring(h, False) for h in rings[1:])
        out.append([ext] + holes)
    out.sort(key=lambda p: p[0][0])
    return out


def to_shapely(parts):
    polys = [Polygon(p[0], p[1:]) for p in parts]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def from_shapely(geom):
    """Polygon/MultiPolygon with integral coordinates -> list of [exterior, holes...]."""
    polys = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
    parts = []
    for p in polys:
        rings = [[(round(x), round(y)) for x, y in p.exterior.coords]]
        rings += [[(round(x), round(y)) for x, y in r.coords] for r in p.interiors]
        parts.append(rings)
    return polygon_rings(parts)


def dissolve(parts_list):
    """Union of polygons that share borders exactly, by cancelling opposite directed edges.

    Input rings must be oriented (exteriors CCW, holes CW). Output vertices are a subset of the
    input vertices, so dissolved borders stay bit-identical to their members'.
    """
    edges = {}
    for parts in parts_list:
        for rings in parts:
            for ring in rings:
                for a, b in itertools.pairwise(ring):
                    edges[(a, b)] = edges.get((a, b), 0) + 1
    if any(v != 1 for v in edges.values()):
        raise ValueError("dissolve: duplicated directed edge (overlapping input)")
    nxt = {}
    for a, b in edges:
        if (b, a) in edges:
            continue
        if a in nxt:
            raise ValueError(f"dissolve: pinch vertex {a!r}")
        nxt[a] = b
    rings = []
    while nxt:
        start = min(nxt)
        ring = [start]
        cur = nxt.pop(start)
        while cur != start:
            ring.append(cur)
            cur = nxt.pop(cur)
        ring.append(start)
        rings.append(ring)
    exteriors = [r for r in rings if ring_area(r) > 0]
    holes = [r for r in rings if ring_area(r) < 0]
    parts = [[e] for e in exteriors]
    for h in holes:
        hits = [i for i, e in enumerate(exteriors) if Polygon(e).contains(shapely.Point(h[0]))]
        # innermost containing exterior
        i = min(hits, key=lambda k: abs(ring_area(exteriors[k])))
        parts[i].append(h)
    return polygon_rings(parts)


def wiggly_ring(rng, cx, cy, radius, n=40, ex=1.0, rot=0.0):
    th = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    ph = rng.uniform(0, 2 * math.pi, 3)
    r = radius * (
        1
        + 0.12 * np.sin(2 * th + ph[0])
        + 0.07 * np.sin(3 * th + ph[1])
        + 0.04 * np.sin(5 * th + ph[2])
        + rng.uniform(-0.03, 0.03, n)
    )
    u, v = r * np.cos(th) * ex, r * np.sin(th) / ex
    x = cx + u * math.cos(rot) - v * math.sin(rot)
    y = cy + u * math.sin(rot) + v * math.cos(rot)
    pts = [(int(a), int(b)) for a, b in np.rint(np.column_stack([x, y]))]
    return normalize_ring(pts + [pts[0]], True)


def wiggle_line(p, q, rng):
    """Wiggly polyline from p to q (integer points). Monotone along p->q, hence simple."""
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    d = q - p
    length = float(np.hypot(*d))
    n = int(length // 280.0)
    if n < 2:
        return [tuple(int(v) for v in p), tuple(int(v) for v in q)]
    t = np.linspace(0.0, 1.0, n + 1)
    nrm = np.array([-d[1], d[0]]) / length
    k = rng.uniform(0.6, 1.5)
    ph = rng.uniform(0, 2 * math.pi, 2)
    f = (
        0.6 * np.sin(2 * math.pi * k * t + ph[0])
        + 0.3 * np.sin(2 * math.pi * 2.7 * k * t + ph[1])
        + 0.2 * rng.uniform(-1, 1, n + 1)
    )
    f *= np.sin(math.pi * t)
    amp = min(0.085 * length, 600.0)
    pts = p + t[:, None] * d + (amp * f)[:, None] * nrm
    pts[0], pts[-1] = p, q
    r = np.rint(pts).astype(np.int64)
    out = [tuple(int(v) for v in r[0])]
    for a in r[1:]:
        a = (int(a[0]), int(a[1]))
        if a != out[-1]:
            out.append(a)
    return out


# --------------------------------------------------------------------------- names

STEMS = [
    "Aal",
    "Bak",
    "Bern",
    "Bla",
    "Bok",
    "Bree",
    "Dal",
    "Dier",
    "Dom",
    "Eer",
    "Ekel",
    "Gel",
    "Gil",
    "Gra",
    "Haps",
    "Hee",
    "Hil",
    "Hol",
    "Hul",
    "Kes",
    "Knip",
    "Lan",
    "Lier",
    "Lom",
    "Mar",
    "Mier",
    "Nis",
    "Ool",
    "Oost",
    "Ot",
    "Ries",
    "Rul",
    "Scha",
    "Sche",
    "Ste",
    "Tul",
    "Vel",
    "Ver",
    "Wan",
    "Wes",
    "Wil",
    "Zan",
    "Zeel",
    "Zon",
    "Ruw",
    "Ham",
    "Lo",
    "Bus",
    "Hoek",
    "Kor",
    "Ma",
    "Neer",
    "Per",
    "Snel",
    "Tie",
    "Wou",
    "Eik",
    "Ulf",
    "Rib",
    "Mos",
]
SUFFIXES = [
    "hoven",
    "dorp",
    "rode",
    "broek",
    "hout",
    "donk",
    "el",
    "beek",
    "dijk",
    "veld",
    "heide",
    "wijk",
    "dam",
    "zand",
    "laar",
    "meer",
    "horst",
    "loon",
    "ert",
    "oirle",
    "rijen",
    "mond",
    "sel",
    "terd",
    "gestel",
    "hem",
    "voort",
    "schot",
    "ven",
    "le",
]
PREFIXES = ["Sint-", "Oud-", "Groot-", "Nieuw-", "Klein-"]
RIVERS = ["Runne", "Goorloop", "Ekelbeek", "Wildert", "Molenaa", "Hoenloop"]
# real names that the syllables could produce; never used
AVOID = {
    "Geldrop",
    "Heeze",
    "Oisterwijk",
    "Veldhoven",
    "Helmond",
    "Haaren",
    "Hilvarenbeek",
    "Boxtel",
    "Aalst",
    "Lommel",
    "Breedijk",
    "Oosthout",
    "Kesteren",
    "Eersel",
    "Gemert",
    "Dommel",
    "Mierlo",
    "Veghel",
    "Ulvenhout",
    "Wanroij",
    "Zeeland",
    "Mariahout",
    "Lieshout",
    "Hoeven",
    "Bakel",
    "Heeswijk",
    "Hulsel",
    "Nistelrode",
    "Oostelbeers",
    "Otterlo",
    "Hoogeloon",
    "Tilburg",
    "Lommerbeek",
    "Mosbeek",
    "Westerhoven",
    "Wildert",
}


def make_names(rng, n, used=None):
    used = set() if used is None else set(used)
    names = []
    while len(names) < n:
        stem = STEMS[rng.integers(len(STEMS))]
        suf = SUFFIXES[rng.integers(len(SUFFIXES))]
        base = stem + suf
        if stem[-1] == suf[0]:
            continue
        u = rng.random()
        if u < 0.12:
            name = PREFIXES[rng.integers(len(PREFIXES))] + base
        elif u < 0.18:
            name = base + " aan de " + RIVERS[rng.integers(len(RIVERS))]
        else:
            name = base
        if name in used or base in AVOID or name in AVOID:
            continue
        used.add(name)
        names.append(name)
    return names


# --------------------------------------------------------------------------- municipalities


def blob_inside(pts, rng_params, scale):
    cx, cy = CENTRE
    a, b = SEMI_AXES[0] * scale, SEMI_AXES[1] * scale
    ph, bays = rng_params
    u = (pts[:, 0] - cx) / a
    v = (pts[:, 1] - cy) / b
    th = np.arctan2(v, u)
    rho = (
        1
        + 0.10 * np.sin(2 * th + ph[0])
        + 0.07 * np.sin(3 * th + ph[1])
        + 0.05 * np.sin(5 * th + ph[2])
    )
    for b_th, b_depth in bays:
        dth = np.angle(np.exp(1j * (th - b_th)))
        rho = rho - b_depth * np.exp(-(dth**2) / (2 * 0.16**2))
    return u * u + v * v <= rho * rho


def poisson_disk(rng, box, cores, n_cand=9000):
    cand = rng.uniform([box[0], box[1]], [box[2], box[3]], size=(n_cand, 2))
    d2 = np.min(((cand[:, None, :] - cores[None, :, :]) ** 2).sum(-1), axis=1)
    rad = (8600.0 - 3700.0 * np.exp(-d2 / (2 * 9000.0**2))) * rng.uniform(0.9, 1.1, n_cand)
    acc = np.empty((0, 2))
    acc_r = np.empty(0)
    for p, r in zip(cand, rad):
        if acc.shape[0]:
            dd = np.sqrt(((acc - p) ** 2).sum(1))
            if np.any(dd < 0.5 * (acc_r + r)):
                continue
        acc = np.vstack([acc, p])
        acc_r = np.append(acc_r, r)
    return acc


def build_cells(seed):
    """Voronoi cells with wiggly borders; returns the selected cells as rings + adjacency."""
    for attempt in range(40):
        rng = rng_for(seed, ST_MUNI, attempt)
        cx, cy = CENTRE
        cores = np.column_stack(
            [cx + rng.uniform(-30000, 30000, 3), cy + rng.uniform(-15000, 15000, 3)]
        )
        box = (cx - 80000, cy - 60000, cx + 80000, cy + 60000)
        pts = poisson_disk(rng, box, cores)
        ph = rng.uniform(0, 2 * math.pi, 3)
        bays = [
            (rng.uniform(-math.pi, math.pi), rng.uniform(0.18, 0.26)),
            (rng.uniform(-math.pi, math.pi), rng.uniform(0.12, 0.2)),
        ]
        vor = Voronoi(pts)
        n = len(pts)
        nbrs = defaultdict(list)
        for p, q in vor.ridge_points:
            nbrs[int(p)].append(int(q))
            nbrs[int(q)].append(int(p))
        finite = np.array(
            [
                (-1 not in vor.regions[vor.point_region[i]])
                and len(vor.regions[vor.point_region[i]]) > 0
                for i in range(n)
            ]
        )
        sel = None
        for scale in (1.0, 0.98, 1.02, 0.96, 1.04, 0.94, 1.06, 0.92, 1.08):
            inside = blob_inside(pts, (ph, bays), scale)
            sel = _fill_and_connect(inside, nbrs, finite, n)
            if sel is not None and 45 <= len(sel) <= 55:
                break
            sel = None
        if sel is None:
            continue
        try:
            return _cells_from_voronoi(seed, vor, pts, sel, cores)
        except Retry:
            continue
    raise RuntimeError("could not build municipalities")


def _fill_and_connect(inside, nbrs, finite, n):
    # outside region = unselected cells reachable from infinite/boundary cells
    outside = set()
    stack = [i for i in range(n) if not finite[i]]
    outside.update(stack)
    while stack:
        c = stack.pop()
        for m in nbrs[c]:
            if not inside[m] and m not in outside:
                outside.add(m)
                stack.append(m)
    selected = {i for i in range(n) if i not in outside}
    if any(not finite[i] for i in selected):
        return None
    # largest connected component
    best = []
    seen = set()
    for s in sorted(selected):
        if s in seen:
            continue
        comp = [s]
        seen.add(s)
        k = 0
        while k < len(comp):
            for m in nbrs[comp[k]]:
                if m in selected and m not in seen:
                    seen.add(m)
                    comp.append(m)
            k += 1
        if len(comp) > len(best):
            best = comp
    if len(best) != len(selected):
        # dropping cells could open holes; only accept simply-connected selections
        return None
    return sorted(best)


def _cells_from_voronoi(seed, vor, pts, sel, cores):
    selset = set(sel)
    V = np.rint(vor.vertices).astype(np.int64)
    lines = {}
    cell_keys = defaultdict(list)
    for k, (p, q) in enumerate(vor.ridge_points):
        p, q = int(p), int(q)
        if p not in selset and q not in selset:
            continue
        va, vb = sorted(int(v) for v in vor.ridge_vertices[k])
        if va < 0:
            raise Retry()
        key = (min(p, q), max(p, q))
        P, Q = tuple(int(v) for v in V[va]), tuple(int(v) for v in V[vb])
        if math.hypot(P[0] - Q[0], P[1] - Q[1]) < 60:
            raise Retry()
        pl = wiggle_line(P, Q, rng_for(seed, ST_WIGGLE, key[0], key[1]))
        lines[key] = (va, vb, pl)
        cell_keys[p].append(key)
        cell_keys[q].append(key)
    cells = {}
    for c in sel:
        keys = sorted(cell_keys[c])
        by_v = defaultdict(list)
        for key in keys:
            va, vb, _ = lines[key]
            by_v[va].append(key)
            by_v[vb].append(key)
        if any(len(v) != 2 for v in by_v.values()):
            raise Retry()
        va, vb, pl = lines[keys[0]]
        ring = list(pl)
        cur, prev = vb, keys[0]
        while cur != va:
            k1, k2 = by_v[cur]
            nk = k2 if k1 == prev else k1
            a, b, p2 = lines[nk]
            seg = p2 if a == cur else p2[::-1]
            ring.extend(seg[1:])
            cur = b if a == cur else a
            prev = nk
        if len(ring) - 1 != sum(len(lines[k][2]) - 1 for k in keys):
            raise Retry()
        if ring_area(ring) < 0:
            ring = ring[::-1]
        cells[c] = ring
    adj = defaultdict(set)
    for p, q in lines:
        if p in selset and q in selset:
            adj[p].add(q)
            adj[q].add(p)
    # quick validity check of the cells themselves
    for ring in cells.values():
        if not Polygon(ring).is_valid:
            raise Retry()
    x0, y0 = (
        min(min(x for x, _ in r) for r in cells.values()),
        min(min(y for _, y in r) for r in cells.values()),
    )
    x1, y1 = (
        max(max(x for x, _ in r) for r in cells.values()),
        max(max(y for _, y in r) for r in cells.values()),
    )
    if x0 < RD_LIMITS[0] or y0 < RD_LIMITS[1] or x1 > RD_LIMITS[2] or y1 > RD_LIMITS[3]:
        raise Retry()
    sites = {c: (round(pts[c][0]), round(pts[c][1])) for c in sel}
    return {"cells": cells, "adj": {c: sorted(adj[c]) for c in sel}, "sites": sites, "cores": cores}


def assign_orientation_areas(cells, adj, sites):
    """Grow 6 contiguous, roughly area-balanced groups from anchors (3 columns x 2 rows)."""
    cx, cy = CENTRE
    anchors = [
        (cx - 0.6 * SEMI_AXES[0], cy + 0.45 * SEMI_AXES[1]),
        (cx, cy + 0.45 * SEMI_AXES[1]),
        (cx + 0.6 * SEMI_AXES[0], cy + 0.45 * SEMI_AXES[1]),
        (cx - 0.6 * SEMI_AXES[0], cy - 0.45 * SEMI_AXES[1]),
        (cx, cy - 0.45 * SEMI_AXES[1]),
        (cx + 0.6 * SEMI_AXES[0], cy - 0.45 * SEMI_AXES[1]),
    ]
    ids = sorted(cells)
    area = {c: ring_area(cells[c]) for c in ids}
    group = {}
    seeds = []
    for ax, ay in anchors:
        best = min(
            (c for c in ids if c not in group),
            key=lambda c: ((sites[c][0] - ax) ** 2 + (sites[c][1] - ay) ** 2, c),
        )
        group[best] = len(seeds)
        seeds.append(best)
    g_area = [area[s] for s in seeds]
    while len(group) < len(ids):
        order = sorted(range(6), key=lambda g: (g_area[g], g))
        done = False
        for g in order:
            front = sorted(
                {m for c, gg in group.items() if gg == g for m in adj[c] if m not in group}
            )
            if not front:
                continue
            sx, sy = sites[seeds[g]]
            m = min(front, key=lambda c: ((sites[c][0] - sx) ** 2 + (sites[c][1] - sy) ** 2, c))
            group[m] = g
            g_area[g] += area[m]
            done = True
            break
        if not done:
            raise RuntimeError("orientation areas: unreachable municipality")
    return group


def _dist_to_ring(ring, pts):
    return shapely.distance(LineString(ring), shapely.points(pts))


def build_municipalities(seed):
    res = build_cells(seed)
    cells, adj, sites = res["cells"], res["adj"], res["sites"]
    group = assign_orientation_areas(cells, adj, sites)
    rng = rng_for(seed, ST_MUNI, 999)

    # ---- enclave: a small municipality fully inside a big host cell
    best = None
    for c in sorted(cells, key=lambda c: (-ring_area(cells[c]), c))[:12]:
        ring = cells[c]
        poly = Polygon(ring)
        x0, y0, x1, y1 = poly.bounds
        gx, gy = np.meshgrid(np.arange(x0, x1, 400.0), np.arange(y0, y1, 400.0))
        g = np.column_stack([gx.ravel(), gy.ravel()])
        g = g[shapely.contains_xy(poly, g[:, 0], g[:, 1])]
        if not len(g):
            continue
        db = _dist_to_ring(ring, g)
        ds = np.hypot(g[:, 0] - sites[c][0], g[:, 1] - sites[c][1])
        score = np.minimum(db - 2300.0, ds - 4600.0)
        k = int(np.argmax(score))
        if score[k] >= 0 and (best is None or score[k] > best[0]):
            best = (float(score[k]), c, (int(g[k][0]), int(g[k][1])))
    if best is None:
        raise RuntimeError("no room for an enclave")
    _, host, ecent = best
    enclave_ring = wiggly_ring(rng, ecent[0], ecent[1], 1350.0, n=36)

    # ---- exclave (Baarle-like): a detached part of A lying inside neighbour B (same OA)
    exclave = None
    pairs = sorted(
        (a, b) for a in cells for b in adj[a] if group[a] == group[b] and host not in (a, b)
    )
    start = int(rng.integers(len(pairs)))
    for k in range(len(pairs)):
        a, b = pairs[(start + k) % len(pairs)]
        ring_b = cells[b]
        shared = Polygon(cells[a]).intersection(Polygon(ring_b))
        if shared.is_empty or shared.length < 2500:
            continue
        mid = shared.interpolate(0.5, normalized=True)
        sx, sy = sites[b]
        vx, vy = sx - mid.x, sy - mid.y
        L = math.hypot(vx, vy)
        px, py = mid.x + vx / L * 1700.0, mid.y + vy / L * 1700.0
        db = float(_dist_to_ring(ring_b, np.array([[px, py]]))[0])
        ds = math.hypot(sx - px, sy - py)
        if db >= 1200.0 and ds >= 3800.0:
            exclave = (
                a,
                b,
                wiggly_ring(rng, px, py, 650.0, n=24, ex=1.25, rot=rng.uniform(0, math.pi)),
            )
            break
    if exclave is None:
        raise RuntimeError("no room for an exclave")
    ex_a, ex_b, ex_ring = exclave

    # ---- assemble municipality records
    recs = []
    for c in sorted(cells):
        parts = [[cells[c]]]
        if c == host:
            parts[0].append(enclave_ring[::-1])
        if c == ex_b:
            parts[0].append(ex_ring[::-1])
        if c == ex_a:
            parts.append([ex_ring])
        recs.append(
            {
                "cell": c,
                "parts": polygon_rings(parts),
                "centre": sites[c],
                "oa": group[c],
                "kind": "regular",
            }
        )
    recs.append(
        {
            "cell": -1,
            "parts": polygon_rings([[enclave_ring]]),
            "centre": ecent,
            "oa": group[host],
            "kind": "enclave",
        }
    )
    for r in recs:
        if r["cell"] == host:
            r["kind"] = "host"
        elif r["cell"] == ex_a:
            r["kind"] = "exclave_owner"
        elif r["cell"] == ex_b:
            r["kind"] = "exclave_host"
    # ids: north to south in 12 km bands, west to east
    recs.sort(key=lambda r: (-(r["centre"][1] // 12000), r["centre"][0]))
    names = make_names(rng_for(seed, ST_NAMES), len(recs))
    for i, r in enumerate(recs):
        r["id"] = f"GM{9001 + i:04d}"
        r["name"] = names[i]
        r["geom"] = to_shapely(r["parts"])
    cell_to_id = {r["cell"]: r["id"] for r in recs}
    for r in recs:
        if r["kind"] == "enclave":
            r["neighbours"] = [cell_to_id[host]]
        else:
            nb = [cell_to_id[m] for m in adj[r["cell"]]]
            if r["cell"] == host:
                nb.append(cell_to_id[-1])
            r["neighbours"] = sorted(nb)
    # OA ids in anchor order: 0..5 -> OA01..OA06
    for r in recs:
        r["oa"] = f"OA{r['oa'] + 1:02d}"
    validate_municipalities(recs)
    specials = {
        "enclave": cell_to_id[-1],
        "enclave_host": cell_to_id[host],
        "exclave_owner": cell_to_id[ex_a],
        "exclave_host": cell_to_id[ex_b],
    }
    return recs, specials, res["cores"]


def validate_municipalities(recs):
    geoms = [r["geom"] for r in recs]
    for r in recs:
        if not r["geom"].is_valid:
            raise RuntimeError(
                "invalid municipality {}: {}".format(r["id"], shapely.is_valid_reason(r["geom"]))
            )
    total = sum(g.area for g in geoms)
    union = shapely.union_all(geoms)
    if abs(union.area - total) > 1.0:
        raise RuntimeError("municipalities overlap or gap: %.3f" % (union.area - total))
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left, right):
        if i < j and geoms[i].intersection(geoms[j]).area >= 1.0:
            raise RuntimeError("overlap {} {}".format(recs[i]["id"], recs[j]["id"]))
    for r in recs:
        if not r["neighbours"]:
            raise RuntimeError("municipality without neighbour: {}".format(r["id"]))
    # shared borders: every directed edge either appears reversed exactly once or is outline
    edges = defaultdict(int)
    for r in recs:
        for rings in r["parts"]:
            for ring in rings:
                for a, b in itertools.pairwise(ring):
                    edges[(a, b)] += 1
    if any(v != 1 for v in edges.values()):
        raise RuntimeError("duplicated directed edge")
    outline = sum(math.dist(a, b) for (a, b) in edges if (b, a) not in edges)
    if abs(outline - union.exterior.length - sum(i.length for i in union.interiors)) > 1e-6:
        raise RuntimeError("unshared border segments inside the province")


# --------------------------------------------------------------------------- towns


def build_towns(seed, recs, cores):
    rng = rng_for(seed, ST_TOWNS)
    towns = []
    core_pts = np.asarray(cores)
    city_ids = set()
    for c in core_pts:
        best = min(
            (r for r in recs if r["kind"] != "enclave"),
            key=lambda r: ((r["centre"][0] - c[0]) ** 2 + (r["centre"][1] - c[1]) ** 2, r["id"]),
        )
        city_ids.add(best["id"])
    for r in recs:
        geom = r["geom"]
        main = max(geom.geoms, key=lambda g: g.area) if geom.geom_type == "MultiPolygon" else geom
        area_km2 = geom.area / 1e6
        if r["kind"] == "enclave":
            pop_town = float(rng.uniform(5500, 8000))
        else:
            pop_town = float(np.clip(rng.lognormal(math.log(15000), 0.6), 5000, 60000))
            if r["id"] in city_ids:
                pop_town = float(min(pop_town * rng.uniform(4, 7), 235000))
        cx, cy = r["centre"]
        db = float(shapely.distance(main.exterior, shapely.Point(cx, cy)))
        for h in main.interiors:
            db = min(db, float(shapely.distance(h, shapely.Point(cx, cy))))
        rad = min(max(math.sqrt(pop_town / (math.pi * 2800.0)) * 1000.0, 600.0), 3200.0, 0.6 * db)
        towns.append(
            {
                "muni": r["id"],
                "x": float(cx),
                "y": float(cy),
                "r": rad,
                "pop": pop_town,
                "kind": "town",
            }
        )
        pop = pop_town + area_km2 * float(rng.uniform(60, 120))
        if r["kind"] != "enclave":
            nvil = 2 if area_km2 > 70 else 1
            x0, y0, x1, y1 = main.bounds
            placed = 0
            for _ in range(60):
                if placed >= nvil:
                    break
                px, py = float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))
                vpop = float(rng.uniform(800, 4000))
                vr = min(max(math.sqrt(vpop / (math.pi * 2000.0)) * 1000.0, 350.0), 800.0)
                if not main.contains(shapely.Point(px, py)):
                    continue
                dbv = min(
                    [float(shapely.distance(main.exterior, shapely.Point(px, py)))]
                    + [float(shapely.distance(h, shapely.Point(px, py))) for h in main.interiors]
                )
                if dbv < vr + 700:
                    continue
                if any(math.hypot(t["x"] - px, t["y"] - py) < t["r"] + vr + 2500 for t in towns):
                    continue
                towns.append(
                    {"muni": r["id"], "x": px, "y": py, "r": vr, "pop": vpop, "kind": "village"}
                )
                pop += vpop
                placed += 1
        r["population"] = int(round(pop, -1))
    return towns


# --------------------------------------------------------------------------- nature areas

NATURE_NAMES_A = ["Heide", "Vennen", "Duinen", "Broek", "Bossen", "Peel", "Beemden", "Moeras"]


def build_nature(seed, recs, towns, province):
    rng = rng_for(seed, ST_NATURE)
    outline = province.exterior
    town_discs = shapely.union_all(
        [shapely.Point(t["x"], t["y"]).buffer(t["r"] + 400, 16) for t in towns]
    )
    x0, y0, x1, y1 = province.bounds
    areas = []
    plan = (["edge"] * 3) + (["valley"] * 3) + (["blob"] * 6)
    attempts = 0
    used_names = set()
    while len(areas) < len(plan):
        attempts += 1
        if attempts > 5000:
            raise RuntimeError("nature areas: could not place")
        kind = plan[len(areas)]
        if kind == "edge":
            d = float(rng.uniform(0, outline.length))
            p = outline.interpolate(d)
            rad = float(rng.uniform(2200, 3800))
            # move slightly inwards, towards the centre
            vx, vy = CENTRE[0] - p.x, CENTRE[1] - p.y
            L = math.hypot(vx, vy)
            cx, cy = p.x + vx / L * 0.35 * rad, p.y + vy / L * 0.35 * rad
            ring = wiggly_ring(
                rng,
                cx,
                cy,
                rad,
                n=48,
                ex=float(rng.uniform(1.0, 1.5)),
                rot=float(rng.uniform(0, math.pi)),
            )
            g = Polygon(ring)
        elif kind == "valley":
            cx, cy = float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))
            ang = float(rng.uniform(0, math.pi))
            length = float(rng.uniform(9000, 16000))
            t = np.linspace(-0.5, 0.5, 25)
            off = 900 * np.sin(
                2 * math.pi * t * rng.uniform(1, 2) + rng.uniform(0, 6)
            ) + rng.uniform(-120, 120, 25)
            xs = cx + t * length * math.cos(ang) - off * math.sin(ang)
            ys = cy + t * length * math.sin(ang) + off * math.cos(ang)
            g = LineString(np.column_stack([xs, ys])).buffer(float(rng.uniform(350, 800)), 8)
            g = g.simplify(15.0)
        else:
            cx, cy = float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))
            rad = (
                float(rng.uniform(900, 3400))
                if len(areas) != len(plan) - 1
                else float(rng.uniform(3800, 4600))
            )
            g = Polygon(
                wiggly_ring(
                    rng,
                    cx,
                    cy,
                    rad,
                    n=44,
                    ex=float(rng.uniform(1.0, 1.6)),
                    rot=float(rng.uniform(0, math.pi)),
                )
            )
        if kind != "edge" and not province.contains(g):
            continue
        g = shapely.intersection(shapely.set_precision(g, 1.0), province, grid_size=1.0)
        if g.is_empty or g.area < 1.2e6:
            continue
        if g.geom_type == "MultiPolygon":
            g = max(g.geoms, key=lambda p: p.area)
        if g.geom_type != "Polygon" or not g.is_valid:
            continue
        if g.intersects(town_discs):
            continue
        if any(g.distance(a["geom"]) < 800 for a in areas):
            continue
        if kind == "edge" and g.boundary.intersection(outline).length < 500:
            continue
        nm = len([r for r in recs if r["geom"].intersection(g).area > 1000])
        if kind == "valley" and nm < 2:
            continue
        stem = STEMS[rng.integers(len(STEMS))]
        word = NATURE_NAMES_A[rng.integers(len(NATURE_NAMES_A))]
        name = {
            "Heide": f"{stem}se Heide",
            "Vennen": f"{stem}er Vennen",
            "Duinen": f"{stem}se Duinen",
            "Broek": f"Het {stem}broek",
            "Bossen": f"Bossen van {stem}hout",
            "Peel": f"{stem}peel",
            "Beemden": f"{stem}se Beemden",
            "Moeras": f"{stem}moeras",
        }[word]
        if kind == "valley":
            name = f"Dal van de {RIVERS[len(areas) % len(RIVERS)]}"
        if name in used_names:
            continue
        used_names.add(name)
        areas.append({"geom": g, "name": name, "kind": kind})
    # ids from north to south
    areas.sort(key=lambda a: (-a["geom"].centroid.y, a["geom"].centroid.x))
    rich = ["HR", "VR", "VR+HR"]
    for i, a in enumerate(areas):
        a["id"] = f"N2K-{i + 1:03d}"
        a["richtlijn"] = rich[int(rng.choice(3, p=[0.5, 0.2, 0.3]))]
        a["parts"] = from_shapely(a["geom"])
        a["geom"] = to_shapely(a["parts"])
    return areas


# --------------------------------------------------------------------------- roads

SPACING = 250.0
K = 8  # coarse road every K lattice steps (2 km)
ROT = math.radians(12.0)


def build_roads(seed, province, towns, nature):
    rng = rng_for(seed, ST_ROADS)
    cx, cy = CENTRE
    U, Vh = 62000.0, 46000.0
    ni = int(2 * U / SPACING) + 1
    nj = int(2 * Vh / SPACING) + 1
    ii, jj = np.meshgrid(np.arange(ni), np.arange(nj))
    ii, jj = ii.ravel(), jj.ravel()
    u = -U + ii * SPACING
    v = -Vh + jj * SPACING
    ph = rng.uniform(0, 2 * math.pi, 4)
    du = 700 * np.sin(2 * math.pi * v / 23000 + ph[0]) + 400 * np.sin(
        2 * math.pi * (u + v) / 31000 + ph[1]
    )
    dv = 700 * np.sin(2 * math.pi * u / 27000 + ph[2]) + 400 * np.sin(
        2 * math.pi * (u - v) / 19000 + ph[3]
    )
    u2 = u + du + rng.uniform(-20, 20, u.size)
    v2 = v + dv + rng.uniform(-20, 20, v.size)
    X = np.rint(cx + u2 * math.cos(ROT) - v2 * math.sin(ROT)).astype(np.int64)
    Y = np.rint(cy + u2 * math.sin(ROT) + v2 * math.cos(ROT)).astype(np.int64)

    def nid(i, j):
        return j * ni + i

    inside = shapely.contains_xy(province, X.astype(float), Y.astype(float))

    # towns: node -> town index, core flag
    tree = cKDTree(np.column_stack([X, Y]).astype(float))
    town_of = np.full(X.size, -1, dtype=np.int64)
    core = np.zeros(X.size, dtype=bool)
    for t_i, t in enumerate(towns):
        idx = np.asarray(tree.query_ball_point([t["x"], t["y"]], t["r"]), dtype=np.int64)
        if idx.size:
            town_of[idx[town_of[idx] < 0]] = t_i
        if t["kind"] == "town" and t["r"] > 1500:
            cidx = np.asarray(
                tree.query_ball_point([t["x"], t["y"]], 0.45 * t["r"]), dtype=np.int64
            )
            core[cidx] = True

    # special lines: (axis, target coordinate in the rotated frame, class)
    def line_index(target, n):
        k = round((target + (U if n == ni else Vh)) / SPACING / K) * K
        return k

    specials = [
        ("row", -12000, "motorway"),
        ("row", 16000, "motorway"),
        ("col", 6000, "motorway"),
        ("col", -26000, "primary"),
        ("col", 30000, "primary"),
        ("row", 2000, "primary"),
        ("col", -10000, "secondary"),
        ("col", 18000, "secondary"),
        ("row", -24000, "secondary"),
        ("col", -40000, "secondary"),
        ("row", 26000, "secondary"),
    ]
    row_cls, col_cls = {}, {}
    for axis, target, cls in specials:
        if axis == "row":
            row_cls[line_index(target, nj)] = cls
        else:
            col_cls[line_index(target, ni)] = cls
    rank = {c: k for k, c in enumerate(ROAD_CLASSES)}

    edges = {}  # (a, b) a<b -> class

    def add(a, b, cls):
        key = (a, b) if a < b else (b, a)
        old = edges.get(key)
        if old is None or rank[cls] < rank[old]:
            edges[key] = cls

    main_towns = [t for t in towns if t["kind"] == "town"]
    mt = np.array([[t["x"], t["y"], t["r"]] for t in main_towns])

    def near_town(a, b):
        mx, my = (X[a] + X[b]) / 2.0, (Y[a] + Y[b]) / 2.0
        return bool(np.any(np.hypot(mt[:, 0] - mx, mt[:, 1] - my) < mt[:, 2] + 1500))

    # horizontal edges
    for j in range(nj):
        for i in range(ni - 1):
            a, b = nid(i, j), nid(i + 1, j)
            if not (inside[a] and inside[b]):
                continue
            same_town = town_of[a] >= 0 and town_of[a] == town_of[b]
            if j % K == 0:
                cls = row_cls.get(j) or (
                    "tertiary" if same_town or near_town(a, b) else "unclassified"
                )
                add(a, b, cls)
            elif same_town and (j % 3 == 0 or (core[a] and core[b])):
                add(a, b, "residential")
    for i in range(ni):
        for j in range(nj - 1):
            a, b = nid(i, j), nid(i, j + 1)
            if not (inside[a] and inside[b]):
                continue
            same_town = town_of[a] >= 0 and town_of[a] == town_of[b]
            if i % K == 0:
                cls = col_cls.get(i) or (
                    "tertiary" if same_town or near_town(a, b) else "unclassified"
                )
                add(a, b, cls)
            elif same_town and (i % 3 == 0 or (core[a] and core[b])):
                add(a, b, "residential")

    # motorway access only at junctions
    mw_nodes = defaultdict(int)
    for (a, b), cls in edges.items():
        if cls == "motorway":
            mw_nodes[a] += 1
            mw_nodes[b] += 1
    junction = set()
    crossings = []
    for n_ in sorted(mw_nodes):
        i, j = n_ % ni, n_ // ni
        if i % K == 0 and j % K == 0:
            crossings.append(n_)
    for k, n_ in enumerate(crossings):
        i, j = n_ % ni, n_ // ni
        other = [row_cls.get(j), col_cls.get(i)]
        other.remove("motorway")
        # interchange with another motorway or a primary/secondary road, else every 3rd crossing
        if other[0] in ("motorway", "primary", "secondary") or k % 3 == 0:
            junction.add(n_)
    for key in sorted(edges):
        a, b = key
        if edges[key] == "motorway":
            continue
        if (a in mw_nodes and a not in junction) or (b in mw_nodes and b not in junction):
            del edges[key]

    # within province (line test) and largest connected component
    keys = sorted(edges)
    lines = shapely.linestrings(
        np.stack(
            [
                np.column_stack([X[[a for a, _ in keys]], Y[[a for a, _ in keys]]]),
                np.column_stack([X[[b for _, b in keys]], Y[[b for _, b in keys]]]),
            ],
            axis=1,
        ).astype(float)
    )
    shapely.prepare(province)
    ok = shapely.contains(province, lines)
    keys = [k for k, o in zip(keys, ok) if o]
    edges = {k: edges[k] for k in keys}
    edges = _largest_component(edges, X.size)

    # drop ~12% of rural coarse segments (between coarse nodes) if connectivity survives
    seg_of = defaultdict(list)
    for (a, b), cls in edges.items():
        if cls not in ("unclassified", "tertiary"):
            continue
        ia, ja, ib, jb = a % ni, a // ni, b % ni, b // ni
        if town_of[a] >= 0 or town_of[b] >= 0:
            continue
        if ja == jb and ja % K == 0:
            seg_of[("h", ja, min(ia, ib) // K)].append((a, b))
        elif ia == ib and ia % K == 0:
            seg_of[("v", ia, min(ja, jb) // K)].append((a, b))
    seg_keys = [s for s in sorted(seg_of) if len(seg_of[s]) == K]
    order = rng.permutation(len(seg_keys))
    target = int(0.12 * len(seg_keys))
    dropped = 0
    for k in order:
        if dropped >= target:
            break
        seg = seg_of[seg_keys[k]]
        saved = {e: edges.pop(e) for e in seg if e in edges}
        if _n_components(edges, X.size) != 1:
            edges.update(saved)
            continue
        # remove now-isolated intermediate nodes is implicit (they have no edges)
        dropped += 1
    edges = dict(sorted(edges.items()))

    deg = defaultdict(int)
    for a, b in edges:
        deg[a] += 1
        deg[b] += 1

    # deliberately disconnected holiday park: 3x3 lattice block inside a rural coarse cell
    nat_union = shapely.union_all([a["geom"] for a in nature])
    cands = []
    for cj in range(1, nj // K - 1):
        for ci in range(1, ni // K - 1):
            block = [nid(ci * K + 3 + di, cj * K + 3 + dj) for dj in range(3) for di in range(3)]
            ring = [nid(ci * K + 2 + di, cj * K + 2 + dj) for dj in range(5) for di in range(5)]
            if not all(inside[n_] for n_ in ring) or any(deg.get(n_, 0) for n_ in ring):
                continue
            if any(town_of[n_] >= 0 for n_ in ring):
                continue
            ctr = block[4]
            d = float(shapely.distance(nat_union, shapely.Point(float(X[ctr]), float(Y[ctr]))))
            if d == 0:
                continue  # not inside a protected area
            cands.append((d, ci, cj, block))
    cands.sort()
    _, pci, pcj, _park = cands[0]
    reserved = set()
    for dj in range(-1, 4):
        for di in range(-1, 4):
            reserved.add(nid(pci * K + 3 + di, pcj * K + 3 + dj))

    # rural dead-end lanes (spurs) from degree-2 coarse-line nodes
    spur_edges = {}
    spur_nodes = set()
    for n_ in sorted(deg):
        if deg[n_] != 2 or town_of[n_] >= 0:
            continue
        i, j = n_ % ni, n_ // ni
        if (i % K == 0) == (j % K == 0):
            continue
        if rng.random() > 0.06:
            continue
        length = int(rng.integers(1, 4))
        sign = 1 if rng.random() < 0.5 else -1
        di, dj = (0, sign) if j % K == 0 else (sign, 0)
        cur = n_
        for s in range(1, length + 1):
            ni_, nj_ = i + di * s, j + dj * s
            if not (0 <= ni_ < ni and 0 <= nj_ < nj):
                break
            nxt = nid(ni_, nj_)
            if not inside[nxt] or town_of[nxt] >= 0 or nxt in reserved:
                break
            key = (min(cur, nxt), max(cur, nxt))
            line = LineString([(X[cur], Y[cur]), (X[nxt], Y[nxt])])
            if not province.contains(line):
                break
            spur_edges[key] = "unclassified"
            if nxt in deg or nxt in spur_nodes:
                break
            spur_nodes.add(cur)
            spur_nodes.add(nxt)
            cur = nxt
    # spur on motorway/primary nodes is not wanted: check the host edge classes
    host_cls = defaultdict(set)
    for (a, b), cls in edges.items():
        host_cls[a].add(cls)
        host_cls[b].add(cls)
    for key in sorted(spur_edges):
        a, b = key
        if host_cls.get(a, set()) & {"motorway", "primary"} or host_cls.get(b, set()) & {
            "motorway",
            "primary",
        }:
            del spur_edges[key]
    edges.update(spur_edges)
    edges = _largest_component(edges, X.size)
    park_edges = {}
    for dj in range(3):
        for di in range(3):
            a = nid(pci * K + 3 + di, pcj * K + 3 + dj)
            if di < 2:
                park_edges[(a, a + 1)] = "residential"
            if dj < 2:
                park_edges[(a, a + ni)] = "residential"
    edges.update(park_edges)
    edges = dict(sorted(edges.items()))

    # ---- merge degree-2 chains of equal class into features
    feats = _merge_chains(edges, X, Y)
    # attributes
    park_nodes = {n_ for e in park_edges for n_ in e}
    out = []
    big_towns = sorted((t for t in main_towns), key=lambda t: -t["pop"])[:6]
    for f in feats:
        cls = f["class"]
        f["park"] = f["nodes"][0] in park_nodes
        if cls in LOCAL_CLASSES:
            r = rng.random()
            if r < 0.2:
                f["maxspeed"] = None
            elif cls == "unclassified" and r < 0.25:
                f["maxspeed"] = 60
            else:
                f["maxspeed"] = DEFAULT_SPEED[cls]
            if f["park"]:
                f["maxspeed"] = 15
        else:
            f["maxspeed"] = DEFAULT_SPEED[cls]
        f["oneway"] = "no"
        out.append(f)
    # one-way streets in the cores of the biggest towns, keeping strong connectivity
    cand = []
    for k, f in enumerate(out):
        if f["class"] != "residential" or f["park"]:
            continue
        a, b = f["nodes"][0], f["nodes"][-1]
        for t in big_towns:
            if (
                math.hypot(X[a] - t["x"], Y[a] - t["y"]) < 900
                and math.hypot(X[b] - t["x"], Y[b] - t["y"]) < 900
            ):
                cand.append(k)
                break
    perm = [cand[k] for k in rng.permutation(len(cand))]
    n_oneway = 0
    for k in perm:
        if n_oneway >= 24:
            break
        out[k]["oneway"] = "yes" if rng.random() < 0.6 else "-1"
        if not _strongly_connected(out, X.size):
            out[k]["oneway"] = "no"
            continue
        n_oneway += 1
    for k, f in enumerate(out):
        f["id"] = k + 1
        f["coords"] = [(int(X[n_]), int(Y[n_])) for n_ in f["nodes"]]
    info = {
        "park_ids": [f["id"] for f in out if f["park"]],
        "n_oneway": n_oneway,
        "rural_edges": [
            (int(X[a]), int(Y[a]), int(X[b]), int(Y[b]), cls)
            for (a, b), cls in edges.items()
            if cls in ("unclassified", "tertiary", "secondary")
            and town_of[a] < 0
            and town_of[b] < 0
            and (a, b) not in park_edges
        ],
    }
    return out, info


def _graph(edges, n):
    a = np.fromiter((e[0] for e in edges), dtype=np.int64, count=len(edges))
    b = np.fromiter((e[1] for e in edges), dtype=np.int64, count=len(edges))
    return coo_matrix((np.ones(a.size), (a, b)), shape=(n, n)).tocsr(), a, b


def _n_components(edges, n):
    g, a, _b = _graph(edges, n)
    _, lab = connected_components(g, directed=False)
    return len(np.unique(lab[a]))


def _largest_component(edges, n):
    g, a, _b = _graph(edges, n)
    _, lab = connected_components(g, directed=False)
    vals, counts = np.unique(lab[a], return_counts=True)
    big = vals[np.argmax(counts)]
    return {e: c for (e, c), la in zip(edges.items(), lab[a]) if la == big}


def _strongly_connected(feats, n):
    src, dst = [], []
    for f in feats:
        if f["park"]:
            continue
        a, b = f["nodes"][0], f["nodes"][-1]
        if f["oneway"] in ("no", "yes"):
            src.append(a)
            dst.append(b)
        if f["oneway"] in ("no", "-1"):
            src.append(b)
            dst.append(a)
    g = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n)).tocsr()
    _, lab = connected_components(g, directed=True, connection="strong")
    return len(np.unique(lab[np.asarray(src)])) == 1


def _merge_chains(edges, X, Y):
    adj = defaultdict(list)
    for (a, b), cls in edges.items():
        adj[a].append((b, cls))
        adj[b].append((a, cls))
    for n_ in adj:
        adj[n_].sort()

    def is_break(n_):
        nb = adj[n_]
        return len(nb) != 2 or nb[0][1] != nb[1][1]

    visited = set()
    feats = []

    def walk(start, first, cls):
        nodes = [start, first]
        visited.add((min(start, first), max(start, first)))
        prev, cur = start, first
        while not is_break(cur) and cur != start:
            (n1, _), (n2, _) = adj[cur]
            nxt = n2 if n1 == prev else n1
            visited.add((min(cur, nxt), max(cur, nxt)))
            nodes.append(nxt)
            prev, cur = cur, nxt
        return nodes

    for n_ in sorted(adj):
        if not is_break(n_):
            continue
        for m, cls in adj[n_]:
            if (min(n_, m), max(n_, m)) in visited:
                continue
            feats.append({"nodes": walk(n_, m, cls), "class": cls})
    for (a, b), cls in edges.items():  # pure cycles
        if (a, b) not in visited:
            feats.append({"nodes": walk(a, b, cls), "class": cls})
    out = []
    for f in feats:
        nodes = f["nodes"]
        if nodes[0] == nodes[-1]:  # closed chain: split in two
            h = len(nodes) // 2
            out.append({"nodes": nodes[: h + 1], "class": f["class"]})
            out.append({"nodes": nodes[h:], "class": f["class"]})
        else:
            out.append(f)
    return out


# --------------------------------------------------------------------------- farms

FARM_SHARES = {
    "melkvee": 0.30,
    "varkens": 0.17,
    "pluimvee": 0.08,
    "akkerbouw": 0.16,
    "tuinbouw": 0.08,
    "gemengd": 0.10,
    "gestopt": 0.11,
}


def build_farms(seed, recs, towns, nature, province, rural_edges, n_farms=2000):
    rng = rng_for(seed, ST_FARMS)
    E = np.array([e[:4] for e in rural_edges], dtype=float)
    mid = (E[:, :2] + E[:, 2:]) / 2
    x0, y0, x1, y1 = province.bounds
    bumps = np.column_stack(
        [
            rng.uniform(x0, x1, 45),
            rng.uniform(y0, y1, 45),
            rng.uniform(2500, 6000, 45),
            rng.uniform(0.5, 2.0, 45),
        ]
    )
    inten = 0.25 + sum(
        b[3] * np.exp(-((mid[:, 0] - b[0]) ** 2 + (mid[:, 1] - b[1]) ** 2) / (2 * b[2] ** 2))
        for b in bumps
    )
    nat_union = shapely.union_all([a["geom"] for a in nature])
    shapely.prepare(nat_union)
    near_nat = shapely.dwithin(nat_union, shapely.points(mid), 3000.0)
    inten = inten * np.where(near_nat, 1.5, 1.0)
    w = inten / inten.sum()
    n_cand = 3 * n_farms
    k = rng.choice(len(E), size=n_cand, p=w)
    t = rng.uniform(0.1, 0.9, n_cand)
    side = np.where(rng.random(n_cand) < 0.5, -1.0, 1.0)
    off = rng.uniform(35, 110, n_cand)
    d = E[k, 2:] - E[k, :2]
    L = np.hypot(d[:, 0], d[:, 1])
    nrm = np.column_stack([-d[:, 1], d[:, 0]]) / L[:, None]
    pts = E[k, :2] + t[:, None] * d + (side * off)[:, None] * nrm
    pts = np.round(pts, 1)
    # rejections
    ok = shapely.contains_xy(province, pts[:, 0], pts[:, 1])
    tw = np.array([[tt["x"], tt["y"], tt["r"]] for tt in towns])
    dtown = np.min(
        np.hypot(pts[:, None, 0] - tw[None, :, 0], pts[:, None, 1] - tw[None, :, 1])
        - tw[None, :, 2],
        axis=1,
    )
    ok &= dtown > 300
    ok &= ~shapely.contains_xy(nat_union, pts[:, 0], pts[:, 1])
    borders = shapely.union_all([r["geom"].boundary for r in recs])
    shapely.prepare(borders)
    ok &= ~shapely.dwithin(borders, shapely.points(pts), 10.0)
    acc = []
    grid = {}
    for p, good in zip(pts, ok):
        if not good:
            continue
        gx, gy = int(p[0] // 60), int(p[1] // 60)
        close = False
        for ax in (gx - 1, gx, gx + 1):
            for ay in (gy - 1, gy, gy + 1):
                for q in grid.get((ax, ay), ()):
                    if math.hypot(p[0] - q[0], p[1] - q[1]) < 60:
                        close = True
        if close:
            continue
        grid.setdefault((gx, gy), []).append((p[0], p[1]))
        acc.append(p)
        if len(acc) == n_farms:
            break
    if len(acc) < n_farms:
        raise RuntimeError("not enough farm locations")
    acc = np.array(acc)
    # farm types: east has more pigs and poultry, west more arable
    xr = (acc[:, 0] - x0) / (x1 - x0)
    base = np.array([FARM_SHARES[f] for f in FARM_TYPES])
    types = []
    for xv in xr:
        p = base.copy()
        p[1] *= 0.6 + 0.8 * xv
        p[2] *= 0.6 + 0.8 * xv
        p[3] *= 1.4 - 0.8 * xv
        p /= p.sum()
        types.append(FARM_TYPES[int(rng.choice(len(FARM_TYPES), p=p))])
    geoms = [r["geom"] for r in recs]
    tree = shapely.STRtree(geoms)
    pi, gi = tree.query(shapely.points(acc), predicate="within")
    if len(pi) != len(acc) or len(np.unique(pi)) != len(acc):
        raise RuntimeError("farm not in exactly one municipality")
    muni = [None] * len(acc)
    for p_, g_ in zip(pi, gi):
        muni[p_] = recs[g_]["id"]
    farms = [
        {
            "farm_id": f"F{i + 1:05d}",
            "x": float(acc[i, 0]),
            "y": float(acc[i, 1]),
            "farm_type": types[i],
            "municipality": muni[i],
        }
        for i in range(len(acc))
    ]
    return farms


# --------------------------------------------------------------------------- advisors


def build_advisors(seed, recs, towns, province, oa_adj):
    rng = rng_for(seed, ST_ADVISORS)
    counts = {"procesmanager": 6, "zaakbegeleider": 14, "vabimpuls": 20, "nil_bio": 20}
    services = [s for s in SERVICES for _ in range(counts[s])]
    services = [services[k] for k in rng.permutation(len(services))]
    tw = list(towns)
    tp = np.array([t["pop"] for t in tw]) ** 0.6
    tp /= tp.sum()
    muni_oa = {r["id"]: r["oa"] for r in recs}
    geoms = [r["geom"] for r in recs]
    tree = shapely.STRtree(geoms)
    advisors = []
    for k, svc in enumerate(services):
        while True:
            t = tw[int(rng.choice(len(tw), p=tp))]
            ang, dist = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2000)
            x, y = round(t["x"] + dist * math.cos(ang), 1), round(t["y"] + dist * math.sin(ang), 1)
            hit = tree.query(shapely.Point(x, y), predicate="within")
            if len(hit) == 1:
                break
        home_oa = muni_oa[recs[int(hit[0])]["id"]]
        if svc == "procesmanager":
            topics = ["ruimtelijke_ordening"] + _pick(
                rng, ["bedrijfseconomie", "verplaatsen", "stoppen", "innoveren"], 1, 3
            )
            sectors = _pick(rng, SECTORS, 0, 2)
            cap = int(rng.integers(3, 7))
        elif svc == "zaakbegeleider":
            topics = _pick(rng, ["stoppen", "omschakelen", "innoveren", "verplaatsen"], 2, 4)
            sectors = _pick(rng, ["varkens", "melkvee", "pluimvee"], 1, 2)
            cap = int(rng.integers(5, 11))
        elif svc == "vabimpuls":
            topics = ["stoppen"] + _pick(
                rng, ["bedrijfseconomie", "ruimtelijke_ordening", "verplaatsen"], 0, 2
            )
            sectors = _pick(rng, SECTORS, 0, 2)
            cap = int(rng.integers(4, 9))
        else:
            topics = _pick(rng, ["natuurinclusief", "biologisch", "omschakelen", "innoveren"], 1, 3)
            sectors = _pick(rng, ["melkvee", "akkerbouw", "tuinbouw", "varkens", "pluimvee"], 1, 2)
            cap = int(rng.integers(6, 13))
        expertise = [v for v in VOCABULARY if v in set(sectors) | set(topics)]
        u = rng.random()
        caseload = cap if u < 0.15 else int(rng.integers(0, cap))
        n_areas = int(rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15]))
        others = list(oa_adj[home_oa])
        extra = [others[i] for i in rng.permutation(len(others))][: n_areas - 1]
        areas = sorted([home_oa] + extra)
        radius_km = "" if rng.random() < 0.15 else int(rng.choice([25, 30, 35, 40, 45, 50, 60]))
        radius_min = int(rng.choice([30, 40, 45, 60])) if rng.random() < 0.2 else ""
        advisors.append(
            {
                "advisor_id": f"A{k + 1:03d}",
                "x": x,
                "y": y,
                "service": svc,
                "expertise": expertise,
                "capacity": cap,
                "caseload": caseload,
                "radius_km": radius_km,
                "radius_minutes": radius_min,
                "areas": areas,
                "home_oa": home_oa,
            }
        )
    # every orientation area is served by every service
    oas = sorted({r["oa"] for r in recs})
    for svc in SERVICES:
        for oa in oas:
            if any(oa in a["areas"] for a in advisors if a["service"] == svc):
                continue
            cands = [a for a in advisors if a["service"] == svc and len(a["areas"]) < 3]
            cands.sort(
                key=lambda a: (oa not in oa_adj[a["home_oa"]], len(a["areas"]), a["advisor_id"])
            )
            cands[0]["areas"] = sorted(cands[0]["areas"] + [oa])
    return advisors


def _pick(rng, pool, lo, hi):
    n = int(rng.integers(lo, hi + 1))
    idx = sorted(rng.permutation(len(pool))[:n])
    return [pool[i] for i in idx]


# --------------------------------------------------------------------------- requests

SERVICE_NEEDS = {
    "procesmanager": ["verplaatsen", "ruimtelijke_ordening", "stoppen", "innoveren"],
    "zaakbegeleider": ["stoppen", "omschakelen", "innoveren", "verplaatsen"],
    "vabimpuls": ["stoppen", "bedrijfseconomie", "ruimtelijke_ordening"],
    "nil_bio": ["natuurinclusief", "biologisch", "omschakelen"],
}
SERVICE_FARM_TYPES = {
    "procesmanager": dict.fromkeys(FARM_TYPES, 1.0),
    "zaakbegeleider": {"varkens": 3.0, "melkvee": 2.0, "pluimvee": 2.0, "gemengd": 0.5},
    "vabimpuls": {
        "gestopt": 4.0,
        "varkens": 1.0,
        "melkvee": 1.0,
        "pluimvee": 1.0,
        "gemengd": 1.0,
        "akkerbouw": 0.5,
        "tuinbouw": 0.5,
    },
    "nil_bio": {"melkvee": 2.0, "akkerbouw": 2.0, "tuinbouw": 1.0, "gemengd": 1.5, "varkens": 0.3},
}


def build_requests(seed, farms, advisors, nature):
    rng = rng_for(seed, ST_REQUESTS)
    n_app = {"procesmanager": 12, "zaakbegeleider": 36, "vabimpuls": 53, "nil_bio": 48}
    fx = np.array([[f["x"], f["y"]] for f in farms])
    ftree = cKDTree(fx)
    nat_union = shapely.union_all([a["geom"] for a in nature])
    near_nat = shapely.dwithin(nat_union, shapely.points(fx), 4000.0)
    used = set()
    apps = []
    by_svc = {s: [a for a in advisors if a["service"] == s] for s in SERVICES}
    for svc in SERVICES:
        wt = np.array([SERVICE_FARM_TYPES[svc].get(f["farm_type"], 0.0) for f in farms])
        if svc == "zaakbegeleider":
            wt = wt * np.where(near_nat, 4.0, 0.5)  # peak emitters near Natura 2000
        for _ in range(n_app[svc]):
            w = wt.copy()
            w[list(used)] = 0
            k = int(rng.choice(len(farms), p=w / w.sum()))
            used.add(k)
            apps.append({"service": svc, "farms": [k]})
    apps = [apps[k] for k in rng.permutation(len(apps))]
    # registration dates, priority, needs
    for a in apps:
        a["registered"] = WEEK_DAYS[int(rng.choice(5, p=[0.3, 0.2, 0.2, 0.15, 0.15]))]
        a["priority"] = int(rng.choice(3, p=[0.8, 0.15, 0.05]))
        a["farm_type"] = farms[a["farms"][0]]["farm_type"]
        a["exclude"], a["current"], a["pinned"] = [], "", False
        a["needs"] = _draw_needs(rng, a, by_svc[a["service"]])
    # second business locations (~10 %)
    multi = sorted(int(i) for i in rng.permutation(len(apps))[:15])
    for i in multi:
        f0 = apps[i]["farms"][0]
        _, nb = ftree.query(fx[f0], k=30)
        for m in nb[1:]:
            m = int(m)
            if m not in used and math.dist(fx[f0], fx[m]) > 500:
                used.add(m)
                apps[i]["farms"].append(m)
                break
    free = [i for i in range(len(apps)) if i not in multi]
    pick = [free[k] for k in rng.permutation(len(free))]
    # conflicts of interest (6 applicants; 1-2 nearby advisors of the service)
    coi = pick[:6]
    for i in coi:
        a = apps[i]
        p = fx[a["farms"][0]]
        near = sorted(
            by_svc[a["service"]], key=lambda d: (math.dist(p, (d["x"], d["y"])), d["advisor_id"])
        )
        a["exclude"] = sorted(d["advisor_id"] for d in near[: 1 + int(rng.random() < 0.4)])
    # reassignments (5): current advisor set; 2 pinned; one no-klik excludes its current advisor
    reas = pick[6:11]
    for k, i in enumerate(reas):
        a = apps[i]
        p = fx[a["farms"][0]]
        cands = sorted(
            (
                d
                for d in by_svc[a["service"]]
                if d["caseload"] < d["capacity"] and set(a["needs"]) <= set(d["expertise"])
            ),
            key=lambda d: (math.dist(p, (d["x"], d["y"])), d["advisor_id"]),
        )
        a["current"] = cands[int(rng.integers(min(3, len(cands))))]["advisor_id"]
        if k < 2:
            a["pinned"] = True
        elif k == 2:
            a["exclude"] = [a["current"]]
    # the impossible request
    imp_i = pick[11]
    apps[imp_i]["service"] = "nil_bio"
    apps[imp_i]["needs"] = ["verplaatsen"]
    # the duplicate: same farm as an early single-location request, registered later
    orig_i = next(i for i in pick[12:] if apps[i]["registered"] in WEEK_DAYS[:2])
    orig = apps[orig_i]
    dup = {
        "service": orig["service"],
        "farms": list(orig["farms"]),
        "dup_offset": (3.2, -2.4),
        "registered": WEEK_DAYS[3],
        "priority": 0,
        "farm_type": orig["farm_type"],
        "exclude": [],
        "current": "",
        "pinned": False,
    }
    dup["needs"] = _draw_needs(rng, dup, by_svc[dup["service"]])
    apps.append(dup)
    orig["is_orig"] = True
    apps[imp_i]["is_impossible"] = True
    # validate feasibility (all except the impossible one)
    for a in apps:
        if a.get("is_impossible"):
            assert not any("verplaatsen" in d["expertise"] for d in by_svc["nil_bio"])
            continue
        ok = [
            d
            for d in by_svc[a["service"]]
            if set(a["needs"]) <= set(d["expertise"]) and d["advisor_id"] not in a["exclude"]
        ]
        assert len(ok) >= 2, a
    # order by registration date (stable) and number
    order = sorted(range(len(apps)), key=lambda i: (apps[i]["registered"], i))
    rows = []
    special = {"coi": [], "reassign": [], "pinned": [], "noklik": [], "multi": []}
    for n, i in enumerate(order):
        a = apps[i]
        aid = f"R{n + 1:04d}"
        a["id"] = aid
        for j, fi in enumerate(a["farms"]):
            x, y = farms[fi]["x"], farms[fi]["y"]
            if "dup_offset" in a:
                x, y = round(x + a["dup_offset"][0], 1), round(y + a["dup_offset"][1], 1)
            rows.append(
                {
                    "applicant_id": aid,
                    "x": x,
                    "y": y,
                    "service": a["service"],
                    "needs": ";".join(a["needs"]),
                    "priority": a["priority"],
                    "exclude": ";".join(a["exclude"]),
                    "current_advisor": a["current"],
                    "pinned": "true" if a["pinned"] else "false",
                    "registered": a["registered"],
                    "farm_type": a["farm_type"],
                    "location_of": aid if j else "",  # an extra location of the request
                }
            )
    special["coi"] = sorted(apps[i]["id"] for i in coi)
    special["reassign"] = sorted(apps[i]["id"] for i in reas)
    special["pinned"] = sorted(apps[i]["id"] for i in reas[:2])
    special["noklik"] = [apps[reas[2]]["id"]]
    special["multi"] = sorted(apps[i]["id"] for i in multi if len(apps[i]["farms"]) == 2)
    special["impossible"] = apps[imp_i]["id"]
    special["duplicate"] = (orig["id"], dup["id"])
    special["n_applicants"] = len(apps)
    return rows, special


def _draw_needs(rng, a, advs):
    svc = a["service"]
    for _ in range(100):
        u = rng.random()
        if u < 0.1:
            needs = []
        else:
            needs = _pick(rng, SERVICE_NEEDS[svc], 1, 2)
            if a["farm_type"] in SECTORS and rng.random() < 0.3:
                needs.append(a["farm_type"])
        needs = [v for v in VOCABULARY if v in needs]
        if len([d for d in advs if set(needs) <= set(d["expertise"])]) >= 3:
            return needs
    return []


# --------------------------------------------------------------------------- scenario


def build_scenario(seed, advisors, towns, recs):
    t = sorted((t for t in towns if t["kind"] == "town"), key=lambda t: -t["pop"])[1]
    muni_oa = {r["id"]: r["oa"] for r in recs}
    join = {
        "advisor_id": f"A{len(advisors) + 1:03d}",
        "x": round(t["x"] + 750.0, 1),
        "y": round(t["y"] - 420.0, 1),
        "service": "nil_bio",
        "expertise": "melkvee;akkerbouw;natuurinclusief;biologisch",
        "capacity": 8,
        "caseload": 0,
        "radius_km": 40,
        "radius_minutes": None,
        "areas": muni_oa[t["muni"]],
    }
    return {
        "description": "Fictional province, one simulated year of weekly assignment rounds.",
        "seed": seed,
        "horizon_weeks": 52,
        "areas": "orientation_areas.geojson",
        "area_id_field": "id",
        "advisors": "advisors.csv",
        "locations": "farms.csv",
        "services": {
            "procesmanager": {"duration_weeks": {"dist": "gamma", "mean": 20, "sd": 8}},
            "zaakbegeleider": {"duration_weeks": {"dist": "gamma", "mean": 16, "sd": 6}},
            "vabimpuls": {
                "duration_weeks": {"dist": "gamma", "mean": 12, "sd": 4},
                "hours_per_case": 36,
            },
            "nil_bio": {"duration_weeks": {"dist": "gamma", "mean": 8, "sd": 3}},
        },
        "arrivals": [
            {
                "service": "procesmanager",
                "rate_per_week": 1.0,
                "needs": {
                    "verplaatsen": 0.3,
                    "ruimtelijke_ordening": 0.5,
                    "stoppen": 0.2,
                    "innoveren": 0.2,
                },
                "priority": {"0": 0.7, "1": 0.2, "2": 0.1},
            },
            {
                "service": "zaakbegeleider",
                "rate_per_week": 2.5,
                "needs": {
                    "stoppen": 0.35,
                    "omschakelen": 0.25,
                    "innoveren": 0.3,
                    "verplaatsen": 0.2,
                    "varkens": 0.2,
                    "melkvee": 0.1,
                },
                "priority": {"0": 0.8, "1": 0.15, "2": 0.05},
            },
            {
                "service": "vabimpuls",
                "rate_per_week": 3.5,
                "needs": {"stoppen": 0.6, "bedrijfseconomie": 0.3, "ruimtelijke_ordening": 0.25},
                "priority": {"0": 0.85, "1": 0.1, "2": 0.05},
            },
            {
                "service": "nil_bio",
                "rate_per_week": 2.5,
                "needs": {
                    "natuurinclusief": 0.5,
                    "biologisch": 0.35,
                    "omschakelen": 0.2,
                    "melkvee": 0.1,
                },
                "priority": {"0": 0.9, "1": 0.08, "2": 0.02},
            },
        ],
        "no_klik_probability": 0.05,
        "escalate_after_weeks": 4,
        "events": [
            {"week": 20, "type": "leave", "advisor_id": "A012"},
            {"week": 26, "type": "join", "advisor": join},
            {"week": 30, "type": "absence", "advisor_id": "A020", "weeks": 4},
            {"week": 40, "type": "capacity", "advisor_id": "A005", "capacity": 4},
        ],
    }


# --------------------------------------------------------------------------- programme catalogue
# Issue 10 (effort in hours, money and slots). Kept in its own functions, called from
# generate() by write_programme_catalogue(); other programme data sets live in their own
# functions and directories.

ST_CATALOGUE, ST_COACHING = 21, 22

# Province catalogue (seed 000). Only VABIMPULS's effort is in the seed: 36 hours per case
# including travel and overhead, modelled as 32 h of work plus 3 visits whose round trips
# (travel minutes x 2 / 60 each) are counted as effort: 36 h for a visit 40 minutes away.
# The other hours, the prices (internal staff: no invoice) and the owners are fictional.
PROVINCE_CATALOGUE = {
    # service: (hours, cost_eur, travel_in_hours, visits, nominal hours per case)
    "procesmanager": (24.0, 0.0, False, 1.0, 24.0),
    "zaakbegeleider": (16.0, 0.0, False, 1.0, 16.0),
    "vabimpuls": (32.0, 3420.0, True, 3.0, 36.0),  # 36 h x EUR 95 incl. travel
    "nil_bio": (12.0, 1140.0, False, 1.0, 12.0),  # 12 h x EUR 95: an omschakelplan
}
# Money left for VABIMPULS this week: 30 cases (the week brings 53 requests).
VABIMPULS_BUDGET_CASES = 30
VABIMPULS_BUDGET_EUR = VABIMPULS_BUDGET_CASES * 3420.0
# Which of the working group's three process managers (the lowest three procesmanager ids)
# owns which services' portfolio.
PORTFOLIO_OWNER = {"procesmanager": 0, "zaakbegeleider": 0, "vabimpuls": 1, "nil_bio": 2}
CATALOGUE_COLUMNS = [
    "service",
    "hours",
    "cost_eur",
    "max_cases",
    "budget_eur",
    "portfolio",
    "travel_in_hours",
    "visits",
]


def _money(v) -> str:
    return "" if v is None else f"{v:.2f}"


def build_catalogue(advisors):
    """data/services.csv rows: one per service of the province (fixed, no randomness)."""
    owners = sorted(a["advisor_id"] for a in advisors if a["service"] == "procesmanager")[:3]
    rows = []
    for svc in SERVICES:
        hours, cost, travel, visits, _ = PROVINCE_CATALOGUE[svc]
        rows.append(
            {
                "service": svc,
                "hours": f"{hours:g}",
                "cost_eur": _money(cost),
                "max_cases": "",
                "budget_eur": _money(VABIMPULS_BUDGET_EUR) if svc == "vabimpuls" else "",
                "portfolio": owners[PORTFOLIO_OWNER[svc]],
                "travel_in_hours": "true" if travel else "false",
                "visits": f"{visits:g}",
            }
        )
    return rows


def advisor_hours(seed, advisors):
    """capacity_hours / hours_booked per advisor: capacity x nominal hours x 0.75-1.0 (contract
    hours), running cases with 30-100 % of their hours still to go. Never tighter than one
    hour per free case slot, so rounds without a catalogue (one hour per case) keep their
    case-count answers."""
    rng = rng_for(seed, ST_CATALOGUE)
    out = {}
    for a in advisors:
        h = PROVINCE_CATALOGUE[a["service"]][4]
        cap_h = float(round(a["capacity"] * h * rng.uniform(0.75, 1.0)))
        booked = float(round(a["caseload"] * h * rng.uniform(0.3, 1.0)))
        booked = min(booked, cap_h - (a["capacity"] - a["caseload"]))
        out[a["advisor_id"]] = (cap_h, max(booked, 0.0))
    return out


# Deventer-like coaching programme (seed 003) in the largest town of the fictional province:
# the seed's products with their hours and prices, 30 IMK viability studies, EUR 200,000.
COACHING_PRODUCTS = {
    # service: (hours, cost_eur, max_cases, portfolio, requests this week)
    "intake": (1.5, 112.50, None, "OHD", 120),
    "coaching": (10.0, 750.00, None, "OHD", 80),
    "f_scan": (3.0, 275.00, None, "OHD", 45),
    "e_scan": (0.5, 50.00, None, "OHD", 40),
    "referral": (1.0, 75.00, None, "OHD", 25),
    "imk": (12.0, 2095.00, 30, "IMK", 40),
}
COACHING_BUDGET_TOTAL_EUR = 200_000.0
COACHING_COMMITTED_EUR = 60_000.0  # spent and committed in the weeks before this round
COACHING_RESERVE = ["imk", 10, 2]  # 10 IMK slots only for acute (priority 2) cases
# provider id, organisation, service, capacity (cases), caseload, capacity_hours, hours_booked
COACHING_PROVIDERS = [
    ("OHD01", "OHD", "intake", 90, 0, 80.0, 10.0),
    ("OHD02", "OHD", "intake", 90, 0, 60.0, 6.0),
    ("OHD03", "OHD", "coaching", 30, 8, 240.0, 40.0),
    ("OHD04", "OHD", "coaching", 30, 6, 240.0, 25.0),
    ("OHD05", "OHD", "coaching", 25, 10, 200.0, 60.0),
    ("OHD06", "OHD", "f_scan", 30, 2, 70.0, 6.0),
    ("OHD07", "OHD", "f_scan", 30, 0, 60.0, 0.0),
    ("OHD08", "OHD", "e_scan", 60, 0, 30.0, 2.0),
    ("LWL01", "Leerwerkloket", "referral", 12, 2, 16.0, 2.0),
    ("KON01", "KonnecteD", "referral", 12, 4, 16.0, 4.0),
    ("IMK01", "IMK", "imk", 20, 3, 240.0, 36.0),
    ("IMK02", "IMK", "imk", 20, 5, 240.0, 60.0),
]
COACHING_PRIORITY = {  # acute problems (priority 2) first
    "intake": [0.75, 0.2, 0.05],
    "coaching": [0.6, 0.3, 0.1],
    "f_scan": [0.6, 0.3, 0.1],
    "e_scan": [0.8, 0.15, 0.05],
    "referral": [0.7, 0.25, 0.05],
    "imk": [0.5, 0.35, 0.15],
}
SECTORS_OHD = ["horeca", "detailhandel", "bouw", "zakelijke_diensten", "cultuur", "vervoer"]
WEEK2_DAYS = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]


def build_coaching(seed, recs, towns):
    """The Deventer-like programme: providers, this week's 350 requests, next week's
    requests (with acute IMK cases) and the programme's money and slots."""
    rng = rng_for(seed, ST_COACHING)
    town = max((t for t in towns if t["kind"] == "town"), key=lambda t: (t["pop"], t["muni"]))
    muni = next(r for r in recs if r["id"] == town["muni"])
    geom = muni["geom"]

    taken = []  # request addresses, >= 30 m apart (no duplicates at the default 25 m)

    def point(spread, apart=False):
        while True:
            ang, d = rng.uniform(0, 2 * math.pi), town["r"] * spread * math.sqrt(rng.random())
            x = round(town["x"] + d * math.cos(ang), 1)
            y = round(town["y"] + d * math.sin(ang), 1)
            if not geom.contains(shapely.Point(x, y)):
                continue
            if apart and any(math.hypot(x - px, y - py) < 30.0 for px, py in taken):
                continue
            if apart:
                taken.append((x, y))
            return x, y

    providers = []
    for pid, org, svc, cap, load, cap_h, booked in COACHING_PROVIDERS:
        x, y = point(0.15 if org == "OHD" else 0.8)
        providers.append(
            {
                "advisor_id": pid,
                "x": x,
                "y": y,
                "service": svc,
                "capacity": cap,
                "caseload": load,
                "capacity_hours": f"{cap_h:g}",
                "hours_booked": f"{booked:g}",
                "organisation": org,
            }
        )

    def requests(counts, days, first):
        rows = []
        for svc, n in counts.items():
            for _ in range(n):
                x, y = point(1.6, apart=True)
                prio = int(rng.choice(3, p=COACHING_PRIORITY[svc]))
                heavy = svc == "coaching" and rng.random() < 0.1
                rows.append(
                    {
                        "x": x,
                        "y": y,
                        "service": svc,
                        "priority": prio,
                        "hours": "15" if heavy else "",
                        "registered": days[int(rng.integers(len(days)))],
                        "sector": SECTORS_OHD[int(rng.integers(len(SECTORS_OHD)))],
                    }
                )
        rows = [rows[k] for k in rng.permutation(len(rows))]
        rows.sort(key=lambda r: r["registered"])
        for k, r in enumerate(rows):
            r["applicant_id"] = f"D{first + k:04d}"
        return rows

    week1 = requests({s: p[4] for s, p in COACHING_PRODUCTS.items()}, WEEK_DAYS, 1)
    week2 = requests(
        {"intake": 30, "coaching": 15, "f_scan": 8, "e_scan": 5, "referral": 4, "imk": 0},
        WEEK2_DAYS,
        len(week1) + 1,
    )
    acute = []
    for _ in range(8):  # next week's acute viability studies
        x, y = point(1.6, apart=True)
        acute.append(
            {
                "x": x,
                "y": y,
                "service": "imk",
                "priority": 2,
                "hours": "",
                "registered": WEEK2_DAYS[int(rng.integers(5))],
                "sector": SECTORS_OHD[int(rng.integers(len(SECTORS_OHD)))],
            }
        )
    for k, r in enumerate(acute):
        r["applicant_id"] = f"D{len(week1) + len(week2) + 1 + k:04d}"
    week2 = sorted(week2 + acute, key=lambda r: (r["registered"], r["applicant_id"]))
    services = [
        {
            "service": svc,
            "hours": f"{h:g}",
            "cost_eur": _money(c),
            "max_cases": "" if m is None else m,
            "budget_eur": "",
            "portfolio": owner,
            "travel_in_hours": "false",
            "visits": "1",
        }
        for svc, (h, c, m, owner, _) in COACHING_PRODUCTS.items()
    ]
    programme = {
        "description": "Fictional Deventer-like coaching programme for self-employed "
        "entrepreneurs (after seed 003); nothing here is real.",
        "municipality": muni["id"],
        "municipality_name": muni["name"],
        "budget_total_eur": COACHING_BUDGET_TOTAL_EUR,
        "committed_eur": COACHING_COMMITTED_EUR,
        "budget_eur": COACHING_BUDGET_TOTAL_EUR - COACHING_COMMITTED_EUR,
        "imk_slots_total": COACHING_PRODUCTS["imk"][2],
        "reserve": [COACHING_RESERVE],
        "this_week": "requests.csv",
        "next_week": "requests_next_week.csv",
    }
    demand = sum(COACHING_PRODUCTS[r["service"]][1] for r in week1)
    return {
        "providers": providers,
        "week1": week1,
        "week2": week2,
        "services": services,
        "programme": programme,
        "stats": {
            "muni": muni["id"],
            "muni_name": muni["name"],
            "demand_eur": demand,
            "counts": {s: sum(r["service"] == s for r in week1) for s in COACHING_PRODUCTS},
            "prio": [sum(r["priority"] == p for r in week1) for p in range(3)],
            "n_next": len(week2),
            "acute_imk_next": [r["applicant_id"] for r in acute],
            "heavy": sum(r["hours"] != "" for r in week1),
        },
    }


COACHING_REQUEST_COLUMNS = [
    "applicant_id",
    "x",
    "y",
    "service",
    "priority",
    "hours",
    "registered",
    "sector",
]
COACHING_PROVIDER_COLUMNS = [
    "advisor_id",
    "x",
    "y",
    "service",
    "capacity",
    "caseload",
    "capacity_hours",
    "hours_booked",
    "organisation",
]


def write_programme_catalogue(seed, files, recs, towns, advisors):
    """Adds the issue-10 files to `files` (name -> text): the province's services.csv and
    the coaching/ programme. Returns the facts for the README section."""
    files["services.csv"] = csv_text(CATALOGUE_COLUMNS, build_catalogue(advisors))
    c = build_coaching(seed, recs, towns)
    files["coaching/services.csv"] = csv_text(CATALOGUE_COLUMNS, c["services"])
    files["coaching/providers.csv"] = csv_text(COACHING_PROVIDER_COLUMNS, c["providers"])
    files["coaching/requests.csv"] = csv_text(COACHING_REQUEST_COLUMNS, c["week1"])
    files["coaching/requests_next_week.csv"] = csv_text(COACHING_REQUEST_COLUMNS, c["week2"])
    files["coaching/programme.json"] = json.dumps(c["programme"], indent=2) + "\n"
    return c["stats"]


def programme_readme_text(cs, owners) -> str:
    counts = ", ".join(f"{s} {n}" for s, n in cs["counts"].items())
    left = COACHING_BUDGET_TOTAL_EUR - COACHING_COMMITTED_EUR
    return f"""
### `services.csv` (4 rows): the service catalogue (*dienstencatalogus*)
| column | meaning |
|---|---|
| `service` | the service id used in `advisors.csv` and `requests.csv` |
| `hours` | effort per case in hours |
| `cost_eur` | price per case (EUR); internal services (provincial staff) are free |
| `max_cases` | slots left; empty = unlimited |
| `budget_eur` | money left for the service (EUR); empty = unlimited |
| `portfolio` | the process manager (advisor id) owning the service in the working group: {", ".join(owners)} |
| `travel_in_hours` | `true`: the round trips of `visits` visits count as effort |
| `visits` | visits per case |

VABIMPULS (seed 000): **36 hours per case including travel and overhead**, modelled as 32 h of
work plus 3 visits whose round trips count as hours (36 h for a location 40 travel minutes
away), EUR 3,420 a case (36 h x EUR 95) with EUR {VABIMPULS_BUDGET_EUR:,.0f} left this week
({VABIMPULS_BUDGET_CASES} cases). procesmanager 24 h, zaakbegeleider 16 h (internal, no price), nil_bio 12 h at
EUR 1,140. Only VABIMPULS's 36 h come from the seeds; the other figures are fictional.
`advisors.csv` gives every advisor `capacity_hours` (hours contracted for running and new
cases: capacity x the service's nominal hours x 0.75-1.0) and `hours_booked` (hours still
taken by running cases); free hours are never fewer than free case slots, so a round without
the catalogue (one hour per case) gives the same answer as with case counts alone.

### `programme/`: the year-long programme scenario (seed 003)
`scenario.json`, `advisors.csv` and `locations.csv` of a year-long programme simulation
(products with hours and prices, pathways, a budget), made by `tools/generate_programme.py`;
`programme/README.md` describes it.

### `coaching/`: a Deventer-like programme (seed 003) in {cs["muni_name"]} (`{cs["muni"]}`)
Coaching for self-employed entrepreneurs in the largest town of the province (fictional):
- `services.csv`: the seed's products: intake 1.5 h EUR 112.50, coaching 10 h EUR 750, f_scan
  3 h EUR 275, e_scan 0.5 h EUR 50, referral (to Leerwerkloket / KonnecteD) 1 h EUR 75, imk
  (viability study by partner IMK) EUR 2,095 with **30 slots** (`max_cases`; 12 h of IMK's
  time, fictional). `portfolio` is the organisation owning the product.
- `providers.csv` (12 rows, the advisors table): OHD staff (2 intake, 3 coaching, 2 f_scan,
  1 e_scan), chain partners Leerwerkloket and KonnecteD (referral, 12 cases each) and IMK
  (2 researchers), with `capacity`/`caseload` in cases, `capacity_hours`/`hours_booked` and
  `organisation`. No radius: intakes are by phone, products at the office.
- `requests.csv` (350 rows, one product per entrepreneur this week, ids `D0001`...): {counts};
  priority 0/1/2 = {cs["prio"][0]}/{cs["prio"][1]}/{cs["prio"][2]} (2 = acute problems);
  {cs["heavy"]} heavy coaching cases carry `hours` = 15; `sector` is informative. Addresses are at
  least 30 m apart (no duplicates).
- `requests_next_week.csv` ({cs["n_next"]} rows): next week's requests, among them 8 acute
  (priority 2) IMK studies: {", ".join(cs["acute_imk_next"])}.
- `programme.json`: EUR {COACHING_BUDGET_TOTAL_EUR:,.0f} in total, EUR
  {COACHING_COMMITTED_EUR:,.0f} committed before this week, so **EUR {left:,.0f} left** for the
  round (`budget_eur`); the reservation `{COACHING_RESERVE}` (10 of the 30 IMK slots only for
  priority >= 2). This week's requests at list price ask EUR {cs["demand_eur"]:,.2f}; the
  providers' free hours and the IMK slots cap what can be delivered (a tighter budget, e.g.
  `benchmarks/bench_programme.py`'s EUR 100,000, binds).
"""


# --------------------------------------------------------------------------- writers


def _num(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def geojson_text(name, features):
    buf = io.StringIO()
    buf.write(
        '{{"type":"FeatureCollection","name":{},"crs":{},"features":[\n'.format(
            json.dumps(name), json.dumps(CRS_MEMBER, separators=(",", ":"))
        )
    )
    for k, (props, geom) in enumerate(features):
        f = {"type": "Feature", "properties": props, "geometry": geom}
        buf.write(json.dumps(f, separators=(",", ":"), ensure_ascii=False))
        buf.write(",\n" if k + 1 < len(features) else "\n")
    buf.write("]}\n")
    return buf.getvalue()


def poly_geom(parts):
    coords = [[[list(p) for p in ring] for ring in rings] for rings in parts]
    if len(coords) == 1:
        return {"type": "Polygon", "coordinates": coords[0]}
    return {"type": "MultiPolygon", "coordinates": coords}


def csv_text(columns, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        out = []
        for c in columns:
            v = r[c]
            if isinstance(v, float):
                v = f"{v:.1f}"
            out.append(v)
        w.writerow(out)
    return buf.getvalue()


# --------------------------------------------------------------------------- main


def generate(seed: int, out: Path, quiet: bool = False) -> dict:
    t0 = time.perf_counter()
    log = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    recs, mspecial, cores = build_municipalities(seed)
    log(f"municipalities: {len(recs)} ({time.perf_counter() - t0:.1f}s)")
    province_parts = dissolve([r["parts"] for r in recs])
    if len(province_parts) != 1 or len(province_parts[0]) != 1:
        raise RuntimeError("province outline is not a single simple polygon")
    province = to_shapely(province_parts)
    oa_ids = sorted({r["oa"] for r in recs})
    oa_parts = {oa: dissolve([r["parts"] for r in recs if r["oa"] == oa]) for oa in oa_ids}
    for oa, parts in oa_parts.items():
        if len(parts) != 1:
            raise RuntimeError(f"orientation area {oa} is not contiguous")
        g = to_shapely(parts)
        ref = shapely.union_all([r["geom"] for r in recs if r["oa"] == oa])
        if not g.is_valid or g.symmetric_difference(ref).area > 1.0:
            raise RuntimeError(f"dissolve mismatch for {oa}")
    oa_adj = {
        oa: sorted(
            {
                m_oa
                for r in recs
                if r["oa"] == oa
                for nb in r["neighbours"]
                for m_oa in [next(x["oa"] for x in recs if x["id"] == nb)]
                if m_oa != oa
            }
        )
        for oa in oa_ids
    }
    # OA names from the position of their centroids (3 columns x 2 rows)
    cen = {oa: to_shapely(p).centroid for oa, p in oa_parts.items()}
    by_y = sorted(oa_ids, key=lambda o: -cen[o].y)
    names = {}
    for row, label in ((by_y[:3], "Noord"), (by_y[3:], "Zuid")):
        row = sorted(row, key=lambda o: cen[o].x)
        for o, suffix in zip(row, ("west", "-Midden", "oost")):
            names[o] = label + suffix
    towns = build_towns(seed, recs, cores)
    nature = build_nature(seed, recs, towns, province)
    log(f"nature areas: {len(nature)} ({time.perf_counter() - t0:.1f}s)")
    roads, rinfo = build_roads(seed, province, towns, nature)
    log(f"roads: {len(roads)} features ({time.perf_counter() - t0:.1f}s)")
    farms = build_farms(seed, recs, towns, nature, province, rinfo["rural_edges"])
    advisors = build_advisors(seed, recs, towns, province, oa_adj)
    rows, rspecial = build_requests(seed, farms, advisors, nature)
    scenario = build_scenario(seed, advisors, towns, recs)
    log("tabular data done (%.1fs)" % (time.perf_counter() - t0))

    files = {}
    files["municipalities.geojson"] = geojson_text(
        "municipalities",
        [
            (
                {
                    "id": r["id"],
                    "name": r["name"],
                    "orientation_area": r["oa"],
                    "population": r["population"],
                },
                poly_geom(r["parts"]),
            )
            for r in recs
        ],
    )
    files["orientation_areas.geojson"] = geojson_text(
        "orientation_areas",
        [({"id": oa, "name": names[oa]}, poly_geom(oa_parts[oa])) for oa in oa_ids],
    )
    files["nature_areas.geojson"] = geojson_text(
        "nature_areas",
        [
            ({"id": a["id"], "name": a["name"], "richtlijn": a["richtlijn"]}, poly_geom(a["parts"]))
            for a in nature
        ],
    )
    files["roads.geojson"] = geojson_text(
        "roads",
        [
            (
                {
                    "id": f["id"],
                    "class": f["class"],
                    "maxspeed": f["maxspeed"],
                    "oneway": f["oneway"],
                },
                {"type": "LineString", "coordinates": [list(p) for p in f["coords"]]},
            )
            for f in roads
        ],
    )
    files["farms.csv"] = csv_text(["farm_id", "x", "y", "farm_type", "municipality"], farms)
    hours = advisor_hours(seed, advisors)
    adv_rows = [
        dict(
            a,
            expertise=";".join(a["expertise"]),
            areas=";".join(a["areas"]),
            capacity_hours=f"{hours[a['advisor_id']][0]:g}",
            hours_booked=f"{hours[a['advisor_id']][1]:g}",
        )
        for a in advisors
    ]
    files["advisors.csv"] = csv_text(
        [
            "advisor_id",
            "x",
            "y",
            "service",
            "expertise",
            "capacity",
            "caseload",
            "radius_km",
            "radius_minutes",
            "areas",
            "capacity_hours",
            "hours_booked",
        ],
        adv_rows,
    )
    files["requests.csv"] = csv_text(
        [
            "applicant_id",
            "x",
            "y",
            "service",
            "needs",
            "priority",
            "exclude",
            "current_advisor",
            "pinned",
            "registered",
            "farm_type",
            "location_of",
        ],
        rows,
    )
    files["scenario.json"] = json.dumps(scenario, indent=2, ensure_ascii=False) + "\n"
    coaching = write_programme_catalogue(seed, files, recs, towns, advisors)

    stats = {
        "seed": seed,
        "n_muni": len(recs),
        "n_oa": len(oa_ids),
        "n_nature": len(nature),
        "n_roads": len(roads),
        "n_farms": len(farms),
        "n_advisors": len(advisors),
        "n_request_rows": len(rows),
        "n_applicants": rspecial["n_applicants"],
        "province_km2": province.area / 1e6,
        "hull_ratio": province.area / province.convex_hull.area,
        "bounds": tuple(round(v) for v in province.bounds),
        "muni": mspecial,
        "req": rspecial,
        "park_ids": rinfo["park_ids"],
        "n_oneway": rinfo["n_oneway"],
        "road_classes": {c: sum(f["class"] == c for f in roads) for c in ROAD_CLASSES},
        "null_speed": sum(f["maxspeed"] is None for f in roads),
        "n_local": sum(f["class"] in LOCAL_CLASSES for f in roads),
        "muni_area_km2": (
            min(r["geom"].area for r in recs) / 1e6,
            max(r["geom"].area for r in recs) / 1e6,
        ),
        "nature_edge": [
            a["id"]
            for a in nature
            if a["geom"].boundary.intersection(province.exterior).length > 100
        ],
        "nature_cross": [
            a["id"]
            for a in nature
            if sum(r["geom"].intersection(a["geom"]).area > 1000 for r in recs) > 1
        ],
        "farm_types": {t: sum(f["farm_type"] == t for f in farms) for t in FARM_TYPES},
        "oa_names": names,
        "rates": sum(a["rate_per_week"] for a in scenario["arrivals"]) * 52,
    }
    owners = sorted(a["advisor_id"] for a in advisors if a["service"] == "procesmanager")[:3]
    files["README.md"] = readme_text(stats) + programme_readme_text(coaching, owners)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8", newline="\n")
    log(f"written to {out} ({time.perf_counter() - t0:.1f}s)")
    return stats


def readme_text(s) -> str:
    m, r = s["muni"], s["req"]
    rc = s["road_classes"]
    ft = s["farm_types"]
    x0, y0, x1, y1 = s["bounds"]
    oa_names = ", ".join(f"`{k}` {v}" for k, v in sorted(s["oa_names"].items()))
    return f"""# Bundled default data set (fictional province)

Small, entirely **fictional** data set used by `make run`, the examples, notebooks and tests.
Nothing here is real: the province, municipality and nature-area names, the farms, the
advisors (no personal names anywhere) and the requests are all generated.

Generated by `tools/generate_data.py` (numpy, scipy, shapely; standard library otherwise).
**Do not edit by hand** - regenerate instead:

```sh
.venv/bin/python tools/generate_data.py --seed {s["seed"]} --out data   # these are the defaults
```

The same seed gives byte-identical files (with the same numpy/shapely/GEOS build);
`tests/python/test_bundled_data.py` checks this and every property listed below.
This README is written by the generator too, so the ids below always match the data.

## CRS

All coordinates are **EPSG:28992 (Amersfoort / RD New), metres**. GeoJSON files carry the legacy
member `"crs": {{"type": "name", "properties": {{"name": "urn:ogc:def:crs:EPSG::28992"}}}}` so that
GDAL/pyogrio/geopandas read them as EPSG:28992 (RFC 7946 readers that ignore it would wrongly
assume WGS 84). Polygon, road and nature-area coordinates are whole metres; CSV coordinates have
one decimal. Polygon exteriors are counter-clockwise, holes clockwise (RFC 7946 right-hand rule).
The province lies within x {x0:,}..{x1:,}, y {y0:,}..{y1:,} (inside the real RD range, fictional),
area {s["province_km2"]:,.0f} km²; it is non-convex (area / convex-hull area = {s["hull_ratio"]:.2f}).

## Files

### `municipalities.geojson` ({s["n_muni"]} features, Polygon/MultiPolygon)
| property | type | meaning |
|---|---|---|
| `id` | str | municipality code `GM9001`... (fictional range; real codes are below GM2000) |
| `name` | str | fictional Dutch-sounding name |
| `orientation_area` | str | `OA01`..`OA06`: the default (bundled) orientation-area design |
| `population` | int | fictional number of inhabitants |

Sizes {s["muni_area_km2"][0]:.0f}-{s["muni_area_km2"][1]:.0f} km². Borders are shared **exactly**:
neighbouring polygons hold the identical vertex sequence (reversed), so there are no gaps or
overlaps and the union is the province outline. Built from a Voronoi diagram of seeded points whose
ridges were each replaced once by a wiggly integer polyline. Special cases that exercise
point-in-polygon / membership code:

- **Enclave**: `{m["enclave"]}` is a small municipality lying entirely inside `{m["enclave_host"]}`;
  `{m["enclave_host"]}` therefore is a Polygon **with a hole**, and `{m["enclave"]}` has exactly one
  neighbour.
- **Exclave** (Baarle-like): `{m["exclave_owner"]}` is a **MultiPolygon**: its second part lies inside
  `{m["exclave_host"]}` (which therefore also has a hole). Both are in the same orientation area.

### `orientation_areas.geojson` (6 features, Polygon)
Properties `id` (`OA01`..`OA06`) and `name` ({oa_names}). Each is the dissolved union of its
municipalities (contiguous, one polygon each), with vertices bit-identical to theirs. Grown from
six anchors in a 3 x 2 layout, balanced by area. Analysts are expected to redesign these.

### `nature_areas.geojson` ({s["n_nature"]} features, Polygon)
Fictional Natura 2000-like protected areas. Properties `id` (`N2K-001`...), `name`, `richtlijn`
(`HR` habitat directive, `VR` birds directive, `VR+HR` both). All lie inside the province
(clipped to it, then snapped to whole metres, so edge pieces may deviate < 1 m from the outline).
Crossing municipality borders: {", ".join(s["nature_cross"])}. Touching the province edge:
{", ".join(s["nature_edge"])}. Areas do not overlap each other or town centres.

### `roads.geojson` ({s["n_roads"]} LineString features)
| property | type | meaning |
|---|---|---|
| `id` | int | 1..{s["n_roads"]} |
| `class` | str | OSM-like `highway` class |
| `maxspeed` | int or null | km/h; **null on ~20 % of local roads** ({s["null_speed"]} of {s["n_local"]}) |
| `oneway` | str | `no`, `yes` (only in the direction of the geometry) or `-1` (only against it) |

Class counts: {", ".join(f"{k} {v}" for k, v in rc.items())}. Explicit speeds: motorway 100,
primary 80, secondary 60, tertiary 50, residential 30, unclassified 50 (some rural unclassified
roads 60). Suggested class defaults when `maxspeed` is null: motorway 100, primary 80,
secondary 60, tertiary 50, unclassified 50, residential 30 (km/h).

The network is a subset of one warped lattice (250 m, rural roads every 2 km, denser town
grids), so **every intersection is a shared vertex** (features only meet at their end points,
no crossings without a node). Features run between intersections/dead ends (degree-2 vertices
of equal class are merged). Motorways are only connected at junctions (other local roads stop
250 m short). {s["n_oneway"]} one-way streets lie in town centres; the directed network is still
strongly connected. It is one connected component **except one deliberately disconnected
piece**: a holiday park (`recreatiepark`, residential, maxspeed 15) with no public road access,
feature ids {", ".join(map(str, s["park_ids"]))}.

### `farms.csv` ({s["n_farms"]} rows)
Columns: `farm_id` (`F00001`...), `x`, `y` (metres, 1 decimal), `farm_type`, `municipality`
(the municipality id containing the point). Farms lie along rural roads (35-110 m off the road),
clustered (inhomogeneous, more near nature areas), never in town/village centres or nature areas,
at least 60 m apart and at least 10 m from any municipality border. Types:
{", ".join(f"{k} {v}" for k, v in ft.items())} (more pigs/poultry in the east, more arable in
the west).

### `advisors.csv` ({s["n_advisors"]} rows)
| column | meaning |
|---|---|
| `advisor_id` | `A001`... |
| `x`, `y` | base location (metres, 1 decimal), inside the province |
| `service` | `procesmanager` (6), `zaakbegeleider` (14), `vabimpuls` (20), `nil_bio` (20) |
| `expertise` | `;`-separated tags from the vocabulary below |
| `capacity` | max simultaneous cases (3-12) |
| `caseload` | current ongoing cases, `<= capacity`; some are at capacity. Does **not** include the requests in `requests.csv` (also not the ones naming the advisor as `current_advisor`) |
| `radius_km` | action radius in km (25-60); empty = no limit given |
| `radius_minutes` | action radius in travel minutes (30-60); mostly empty |
| `areas` | `;`-separated orientation-area ids the advisor works in (1-3) |
| `capacity_hours` | hours available for running and new cases (see `services.csv` below) |
| `hours_booked` | hours still taken by the running cases, `<= capacity_hours` |

Tag vocabulary: `{";".join(VOCABULARY)}`. Every orientation area is covered by at least one
advisor of every service. No `nil_bio` advisor has `verplaatsen` or `stoppen`.

### `requests.csv` ({s["n_request_rows"]} rows, {s["n_applicants"]} applicants, registered 2026-11-16..2026-11-20)
| column | meaning |
|---|---|
| `applicant_id` | `R0001`..., numbered in registration order |
| `x`, `y` | a business location (a farm from `farms.csv`); an applicant with 2 locations has 2 rows, the first is the primary location; the other columns repeat |
| `service` | requested service |
| `needs` | `;`-separated tags (may be empty) |
| `priority` | 0 (normal), 1, 2 (most urgent) |
| `exclude` | `;`-separated advisor ids with a conflict of interest |
| `current_advisor` | advisor id for a reassignment case, else empty |
| `pinned` | `true`/`false`: keep `current_advisor` |
| `registered` | ISO date |
| `farm_type` | farm type of the primary location |
| `location_of` | empty on the request's row; on the row of a second business location the request's `applicant_id` (an extra location, not a request of its own) |

Deliberate special cases:
- **Conflicts of interest** (`exclude` = the nearest 1-2 advisors of the service): {", ".join(r["coi"])}.
- **Reassignments** (`current_advisor` set): {", ".join(r["reassign"])}; **pinned**: {", ".join(r["pinned"])};
  {r["noklik"][0]} is a *no klik* case: its current advisor is also in `exclude`.
- **Duplicate** (same farm, < 10 m apart, registered later, different applicant id):
  {r["duplicate"][1]} duplicates {r["duplicate"][0]}. It is the only pair of rows of different
  applicants within 10 m of each other.
- **Impossible**: {r["impossible"]} asks `nil_bio` with needs `verplaatsen`, which no `nil_bio`
  advisor has: it must be escalated. Every other request has at least two advisors of its
  service whose expertise covers all its needs (ignoring area, distance and capacity).
- **Two business locations**: {", ".join(r["multi"])}.

### `scenario.json`
A one-year (52 weekly rounds) simulation scenario; paths are relative to this directory.
- `horizon_weeks`; `areas` + `area_id_field`: the area layer; `advisors`: initial staff;
  `locations`: arrivals draw their location (and farm type) uniformly from `farms.csv`.
- `services.<name>.duration_weeks`: case duration distribution (`gamma` with `mean`, `sd`);
  `hours_per_case` where known (VABIMPULS: 36 h incl. travel).
- `arrivals`: per service a Poisson `rate_per_week`, `needs` (each tag drawn independently with
  the given probability) and a `priority` distribution. Total ~{s["rates"]:.0f} arrivals/year.
- `no_klik_probability`: chance that a first talk fails and the case is reassigned;
  `escalate_after_weeks`: unassigned cases are escalated after this wait.
- `events`: `leave` (advisor leaves; open cases need reassignment), `absence` (for `weeks`),
  `join` (`advisor` = a full advisor row, same fields as `advisors.csv`, list fields
  `;`-separated, null for empty), `capacity` (new capacity).
- `seed`: default random seed for the simulation.
The schema is deliberately simple and may be extended by the simulation module.
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)"
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output directory (default: the repository's data/)",
    )
    ap.add_argument("--quiet", action="store_true", help="no progress or summary output")
    args = ap.parse_args(argv)
    stats = generate(args.seed, args.out, args.quiet)
    # the simulation's programme example, from the province just written (its own file)
    import generate_programme

    generate_programme.generate(
        args.seed, args.out / "programme", args.out / "municipalities.geojson"
    )
    if not args.quiet:
        print(
            json.dumps(
                {
                    k: stats[k]
                    for k in (
                        "n_muni",
                        "n_nature",
                        "n_roads",
                        "n_farms",
                        "n_advisors",
                        "n_request_rows",
                        "n_applicants",
                        "muni",
                        "req",
                        "road_classes",
                        "null_speed",
                        "n_local",
                        "hull_ratio",
                        "bounds",
                        "muni_area_km2",
                        "park_ids",
                        "rates",
                    )
                },
                default=str,
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
