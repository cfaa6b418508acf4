"""Shared pieces of the maps libmatch draws (matplotlib and the report's SVG): one
qualitative palette, the outcome colours, area labels and a scale bar."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

#: Qualitative palette (Tableau 10 plus two): neighbouring entries are easy to tell apart.
QUALITATIVE = (
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#B07AA1",
    "#76B7B2",
    "#EDC948",
    "#FF9DA7",
    "#9C755F",
    "#E15759",
    "#BAB0AC",
    "#86BCB6",
    "#D37295",
)
#: Outcome colours (Okabe-Ito, colour-blind safe).
OUTCOME_COLOURS = {"assigned": "#0072B2", "escalated": "#D55E00", "referred": "#E69F00"}


def colour(k: int) -> str:
    """The k-th qualitative colour; beyond the palette the hues repeat darker/lighter so that
    no two of the first 36 are equal."""
    base = QUALITATIVE[k % len(QUALITATIVE)]
    cycle = k // len(QUALITATIVE)
    if cycle == 0:
        return base
    rgb = np.array([int(base[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    factor = 0.65 if cycle % 2 else 1.35
    rgb = np.clip(rgb * factor ** ((cycle + 1) // 2), 0, 255).astype(int)
    return "#" + "".join(f"{v:02X}" for v in rgb)


def label_points(areas: Any) -> np.ndarray:
    """(n, 2) label positions: the centroid of each area's largest part (inside for the
    convex-ish shapes of municipalities and orientation areas)."""
    from .areas import _wkb_rings

    out = np.zeros((len(areas), 2))
    for i in range(len(areas)):
        parts = _wkb_rings(areas.wkb(i))
        ring = max((p[0] for p in parts), key=lambda r: abs(ring_area(r)))
        out[i] = ring_centroid(ring)
    return out


def ring_area(r: np.ndarray) -> float:
    x, y = r[:, 0], r[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def ring_centroid(r: np.ndarray) -> tuple[float, float]:
    x, y = r[:, 0] - r[0, 0], r[:, 1] - r[0, 1]
    c = x * np.roll(y, -1) - np.roll(x, -1) * y
    a = c.sum() / 2.0
    if abs(a) < 1e-9:
        return float(r[:, 0].mean()), float(r[:, 1].mean())
    cx = ((x + np.roll(x, -1)) * c).sum() / (6 * a) + r[0, 0]
    cy = ((y + np.roll(y, -1)) * c).sum() / (6 * a) + r[0, 1]
    return float(cx), float(cy)


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 x 10^k m) of at most a fifth of ``span_m``."""
    target = max(span_m / 5.0, 1.0)
    step = 10 ** np.floor(np.log10(target))
    return float(max(s * step for s in (1, 2, 5) if s * step <= target))


def natural_key(text: str) -> tuple:
    """Sort key ordering digit runs by value: "2" before "10", "OA2" before "OA10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", str(text))
        if part
    )


def add_labels(ax, areas: Any, texts: list[str] | None = None, fontsize: float = 8) -> None:
    """Each area's id (or ``texts``) at its label point, bold with a white halo, at
    z-order 6: above the map layers, below legends (which their callers put at 8)."""
    import matplotlib.patheffects as pe

    pts = label_points(areas)
    texts = list(areas.ids) if texts is None else texts
    for (x, y), t in zip(pts, texts):
        ax.text(
            x,
            y,
            t,
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight="bold",
            color="0.15",
            path_effects=[pe.withStroke(linewidth=2.5, foreground="white")],
            zorder=6,
        )


def add_scale_bar(ax) -> None:
    """A scale bar in the lower right corner of a map in metres."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length(x1 - x0)
    x = x1 - (x1 - x0) * 0.05 - length
    y = y0 + (y1 - y0) * 0.04
    ax.plot([x, x + length], [y, y], color="black", linewidth=3, zorder=7)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x + length / 2, y + (y1 - y0) * 0.012, label, ha="center", va="bottom", fontsize=8)
