"""The working group's weekly sheet: one self-contained HTML report of a matching round.

:func:`round_report` (also ``RoundResult.report``) writes a single HTML file with no
external resource (styles inline, the map an inline SVG, hover details as SVG titles), so it
opens on an intranet PC without internet. Contents: a header with the week and the counts
per outcome and per service; a map (labelled orientation areas, requests coloured by outcome,
assignment lines per service, a legend and a scale bar); one section per portfolio holder
(the service catalogue's ``portfolio``; without a catalogue one per service) listing every
request with its location context, the chosen advisor and a plain-language reason, and the
runner-ups with what they would have cost in travel minutes and why they lost; then the
escalations with their reason in words and a suggested next step, and the referrals with
their destination. Labels come from :mod:`libmatch.terms` (Dutch by default).

Examples
--------
>>> import os, tempfile, libmatch, libmatch.datasets as ds
>>> res = libmatch.match(ds.path("requests"), ds.path("advisors"))
>>> path = res.report(os.path.join(tempfile.mkdtemp(), "weekoverzicht.html"))
>>> from pathlib import Path
>>> text = Path(path).read_text(encoding="utf-8")
>>> "toegewezen" in text, "https://" in text
(True, False)
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .areas import AreaSet, _wkb_rings
from .errors import FileError, InvalidTypeError
from .terms import fmt_eur, fmt_km, fmt_minutes, fmt_num, fmt_pct, term

__all__ = ["round_report"]

from ._plotting import OUTCOME_COLOURS, nice_length, ring_area, ring_centroid
from ._plotting import colour as colour_of


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


# ---- the facts the report is made of ------------------------------------------------------


@dataclass
class _Facts:
    requests: pd.DataFrame  # one row per request: id, service, outcome, x, y, context...
    advisors: pd.DataFrame  # advisor_id, service, x, y, capacity, caseload_after, areas
    referrals: pd.DataFrame
    by_applicant: dict  # table name -> that result table indexed by applicant_id
    alternatives: dict  # applicant_id -> its runner-up rows


def _facts(result: Any, areas: AreaSet | None, context: Mapping[str, AreaSet]) -> _Facts:
    prep = result._prep
    args = prep.args
    off = np.asarray(args["loc_offsets"])
    xy = np.asarray(args["loc_xy"])[off[:-1]] if len(off) > 1 else np.zeros((0, 2))
    rows = prep.req_rows.reset_index(drop=True)
    req = pd.DataFrame(
        {
            "applicant_id": list(prep.req_ids),
            "service": rows["service"].astype(str).to_numpy(),
            "priority": rows["priority"].to_numpy() if "priority" in rows else 0,
            "x": xy[:, 0] if len(xy) else [],
            "y": xy[:, 1] if len(xy) else [],
            "n_locations": np.diff(off) if len(off) > 1 else [],
        }
    )
    for col in ("farm_type", "needs", "registered", "current_advisor"):
        if col in rows:
            req[col] = rows[col].to_numpy()
    # One row per request: position 1 (a vacancy's further positions stay in assignments).
    a = result.assignments.drop_duplicates("applicant_id").set_index("applicant_id")
    e = result.escalations.set_index("applicant_id")
    refs = getattr(result, "referrals", None)
    refs = refs if isinstance(refs, pd.DataFrame) else pd.DataFrame(columns=["applicant_id"])
    r = refs.set_index("applicant_id") if len(refs) else None
    outcome = []
    for k in req["applicant_id"]:
        if k in a.index:
            outcome.append("assigned")
        elif r is not None and k in r.index:
            outcome.append("referred")
        else:
            outcome.append("escalated")
    req["outcome"] = outcome
    if len(req):
        pts = req[["x", "y"]].to_numpy(float)
        if areas is not None:
            req["orientation_area"] = areas.locate_ids(pts)
        for name, layer in context.items():
            if name in ("natura2000", "nature"):
                _, dist = layer.nearest(pts, max_distance=50_000)
                req["natura2000_m"] = dist
            else:
                req["municipality"] = layer.locate_ids(pts)
    adv = prep.advisors.reset_index(drop=True)
    loads = result.loads.set_index("advisor_id")
    axy = np.asarray(args["adv_xy"])
    ad = pd.DataFrame(
        {
            "advisor_id": list(prep.adv_ids),
            "service": adv["service"].astype(str).to_numpy(),
            "x": axy[:, 0] if len(axy) else [],
            "y": axy[:, 1] if len(axy) else [],
        }
    )
    ad["areas"] = adv["areas"].to_numpy() if "areas" in adv else ""
    ad = ad.join(loads[["capacity", "caseload_before", "caseload_after"]], on="advisor_id")
    by_applicant = {
        "assignments": a,
        "escalations": e,
        "referrals": r if r is not None else refs,
    }
    alternatives = dict(iter(result.alternatives.groupby("applicant_id", sort=False)))
    ad.index = pd.Index(ad["advisor_id"].to_numpy(object))  # lookups by id, column kept
    return _Facts(req, ad, refs, by_applicant, alternatives)


def _week_label(req: pd.DataFrame, week: Any) -> str:
    if week is not None:
        return str(week)
    if "registered" in req:
        dates = pd.to_datetime(req["registered"], errors="coerce").dropna()
        if len(dates):
            iso = dates.max().isocalendar()
            return f"{iso[0]}-W{iso[1]:02d}"
    return ""


# ---- words: why this advisor, why not the others, what next -------------------------------


def _chosen_reason(row: Any, result: Any, facts: _Facts, current: str, lang: str) -> str:
    adv = facts.advisors.loc[row.advisor_id]
    parts = []
    if bool(row.pinned):
        parts.append(term("pinned", lang))
    elif current and current == row.advisor_id:
        parts.append(term("continuity", lang))
    if isinstance(adv["areas"], str) and adv["areas"].strip():
        parts.append(term("same_area" if row.outside_area == 0 else "other_area", lang))
    parts.append(term("travel_time", lang, m=fmt_minutes(row.minutes, lang)))
    per_tag = float(result.weights.partial_expertise_per_tag)
    if row.partial_expertise > 0 and per_tag > 0:
        parts.append(term("partial_expertise", lang, n=round(row.partial_expertise / per_tag)))
    if row.radius > 0:
        parts.append(term("beyond_radius", lang))
    parts.append(
        term(
            "places_taken",
            lang,
            a=int(adv["caseload_after"]),
            c=int(adv["capacity"]),
        )
    )
    return ", ".join(parts)


def _points_to_minutes(points: float, result: Any) -> float:
    per = float(result.weights.travel_per_minute)
    return points / per if per > 0 else float("nan")


def _runner_up_reason(alt: Any, chosen: Any, result: Any, lang: str) -> str:
    if not bool(alt.has_room):
        return term("lost_full", lang)
    extra = _points_to_minutes(float(alt.total) - float(chosen.total), result)
    why = []
    if alt.minutes - chosen.minutes >= 0.5:
        why.append(f"+{fmt_minutes(alt.minutes - chosen.minutes, lang)}")
    if alt.outside_area > chosen.outside_area:
        why.append(term("other_area", lang))
    if alt.continuity > chosen.continuity:  # the chosen one is the current advisor
        why.append(term("not_current", lang))
    if alt.load > chosen.load:
        why.append(term("busier", lang))
    head = term("would_cost", lang, m=fmt_minutes(extra, lang))
    return head + (f" ({', '.join(why)})" if why else "")


def _running_advisor(result: Any, applicant_id: str) -> str:
    """The advisor of the running case an already_in_guidance request matched."""
    k = result._index[applicant_id]
    c = int(result._outcome["running_case"][k])
    running = result._prep.programme.get("running") or []
    return running[c].advisor_id if 0 <= c < len(running) else "?"


def _detail(esc: Any, result: Any, lang: str) -> str:
    """The escalation's detail in the report's language (the table's column is English)."""
    k = result._index.get(esc.applicant_id)
    return esc.detail if k is None else result._detail(k, esc.reason, lang)


def _next_step(esc: Any, result: Any, portfolio: str, lang: str) -> str:
    reason = esc.reason
    if reason == "duplicate_request":
        return term("step_duplicate", lang, other=esc.duplicate_of)
    if reason == "pinned_advisor_unavailable":
        return term("step_pinned", lang)
    if reason == "already_in_guidance":
        return term("step_running_case", lang, adv=_running_advisor(result, esc.applicant_id))
    if reason == "no_open_case":
        return term("step_open_case", lang)
    if reason in ("no_capacity", "all_out_of_radius"):
        ex = result.explain(esc.applicant_id)
        want = "capacity" if reason == "no_capacity" else "radius"
        pool = ex[(ex["verdict"] == want) | ((ex["verdict"] == "eligible") & ~ex["has_room"])]
        pool = pool[np.isfinite(pool["minutes"].to_numpy(float))]
        if len(pool):
            best = pool.sort_values(["minutes", "advisor_id"], kind="stable").iloc[0]
            key = "step_full_advisor" if reason == "no_capacity" else "step_radius"
            return term(key, lang, adv=best["advisor_id"], m=fmt_minutes(best["minutes"], lang))
    if portfolio:
        return term("step_portfolio", lang, p=portfolio)
    return term("step_procesmanager", lang)


# ---- the map --------------------------------------------------------------------------------


def _svg_map(facts: _Facts, areas: AreaSet | None, lang: str, width: int = 900) -> str:
    req, adv = facts.requests, facts.advisors
    polys = []
    if areas is not None:
        for i in range(len(areas)):
            polys.append((areas.ids[i], _wkb_rings(areas.wkb(i))))
    xs = [req["x"].to_numpy(float), adv["x"].to_numpy(float)]
    ys = [req["y"].to_numpy(float), adv["y"].to_numpy(float)]
    for _, parts in polys:
        for rings in parts:
            xs.append(rings[0][:, 0])
            ys.append(rings[0][:, 1])
    allx, ally = np.concatenate(xs), np.concatenate(ys)
    if not len(allx):
        return ""
    x0, x1, y0, y1 = allx.min(), allx.max(), ally.min(), ally.max()
    pad = 0.04 * max(x1 - x0, y1 - y0, 1.0)
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    scale = width / (x1 - x0)
    height = int(math.ceil((y1 - y0) * scale))

    def px(x: float, y: float) -> tuple[float, float]:
        return round((x - x0) * scale, 1), round((y1 - y) * scale, 1)

    out = [
        f'<svg id="roundmap" width="{width}" '
        f'height="{height + 70}" viewBox="0 0 {width} {height + 70}" role="img" '
        f'aria-label="{_e(term("map", lang))}">',
        f'<rect width="{width}" height="{height}" fill="#fbfbf8"/>',
    ]
    # Areas: light qualitative fill, outline and a label at the largest part's centre.
    for k, (aid, parts) in enumerate(polys):
        colour = colour_of(k)
        d = []
        for rings in parts:
            for ring in rings:
                pts = " ".join(f"{a},{b}" for a, b in (px(x, y) for x, y in ring[::1]))
                d.append(f"M{pts}Z")
        out.append(
            f'<path class="area" d="{" ".join(d)}" fill="{colour}" fill-opacity="0.18" '
            f'stroke="#555" stroke-width="1" fill-rule="evenodd"><title>'
            f"{_e(term('orientation_area', lang))} {_e(aid)}</title></path>"
        )
    for aid, parts in polys:
        big = max((rings[0] for rings in parts), key=lambda r: abs(ring_area(r)))
        cx, cy = px(*ring_centroid(big))
        out.append(
            f'<text class="area-label" x="{cx}" y="{cy}" text-anchor="middle" '
            f'font-size="14" font-weight="bold" fill="#333" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{_e(aid)}</text>'
        )
    # Assignment lines coloured per service.
    services = sorted(set(req["service"]) | set(adv["service"]))
    svc_colour = {s: colour_of(k) for k, s in enumerate(services)}
    axy = adv[["x", "y"]]
    for row in req.itertuples(index=False):
        aid = getattr(row, "advisor_id", None)
        if row.outcome == "assigned" and isinstance(aid, str) and aid in axy.index:
            (ax_, ay_), (bx, by) = px(row.x, row.y), px(*axy.loc[aid].to_numpy(float))
            out.append(
                f'<line x1="{ax_}" y1="{ay_}" x2="{bx}" y2="{by}" '
                f'stroke="{svc_colour[row.service]}" stroke-width="1.6" stroke-opacity="0.8"/>'
            )
    # Advisor bases.
    for row in adv.itertuples(index=False):
        x, y = px(row.x, row.y)
        tip = (
            f"{term('advisor', lang)} {row.advisor_id} ({row.service}): "
            f"{term('places_taken', lang, a=int(row.caseload_after), c=int(row.capacity))}"
        )
        out.append(
            f'<path class="advisor" d="M{x},{y - 6} L{x + 5},{y + 4} L{x - 5},{y + 4} Z" '
            f'fill="#222"><title>{_e(tip)}</title></path>'
        )
    # Requests coloured by outcome, hover: id, outcome, advisor, minutes.
    for row in req.itertuples(index=False):
        x, y = px(row.x, row.y)
        tip = f"{row.applicant_id} - {row.service} - {term(row.outcome, lang)}"
        if row.outcome == "assigned":
            tip += f": {row.advisor_id}, {fmt_minutes(row.minutes, lang)}"
        elif isinstance(getattr(row, "reason", None), str):
            tip += f": {term(row.reason, lang)}"
        out.append(
            f'<circle class="request {row.outcome}" cx="{x}" cy="{y}" r="4.5" '
            f'fill="{OUTCOME_COLOURS[row.outcome]}" stroke="#fff" stroke-width="1">'
            f"<title>{_e(tip)}</title></circle>"
        )
    out.append(_scale_bar(x1 - x0, width, height))
    out.append(_legend(services, svc_colour, width, height, lang))
    out.append("</svg>")
    return "\n".join(out)


def _scale_bar(span_m: float, width: int, height: int) -> str:
    length = nice_length(span_m)
    px_len = length / span_m * width
    x, y = 20, height - 20
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    return (
        f'<g class="scale-bar"><rect x="{x - 6}" y="{y - 22}" width="{px_len + 12:.1f}" '
        f'height="30" fill="#fff" fill-opacity="0.8"/>'
        f'<line x1="{x}" y1="{y}" x2="{x + px_len:.1f}" y2="{y}" stroke="#000" stroke-width="3"/>'
        f'<text x="{x}" y="{y - 8}" font-size="12">{label}</text></g>'
    )


def _legend(services, svc_colour, width: int, height: int, lang: str) -> str:
    y = height + 18
    items = [
        f'<circle cx="{16}" cy="{y - 4}" r="5" fill="{OUTCOME_COLOURS["assigned"]}"/>'
        f'<text x="26" y="{y}" font-size="12">{_e(term("assigned", lang))}</text>',
        f'<circle cx="{126}" cy="{y - 4}" r="5" fill="{OUTCOME_COLOURS["escalated"]}"/>'
        f'<text x="136" y="{y}" font-size="12">{_e(term("escalated", lang))}</text>',
        f'<circle cx="{236}" cy="{y - 4}" r="5" fill="{OUTCOME_COLOURS["referred"]}"/>'
        f'<text x="246" y="{y}" font-size="12">{_e(term("referred", lang))}</text>',
        f'<path d="M350,{y - 10} L355,{y} L345,{y} Z" fill="#222"/>'
        f'<text x="362" y="{y}" font-size="12">{_e(term("advisor_base", lang))}</text>',
    ]
    x, y2 = 16, y + 26
    for s in services:
        items.append(
            f'<line x1="{x}" y1="{y2 - 4}" x2="{x + 22}" y2="{y2 - 4}" '
            f'stroke="{svc_colour[s]}" stroke-width="3"/>'
            f'<text x="{x + 28}" y="{y2}" font-size="12">{_e(term("assignment_line", lang))} '
            f"{_e(s)}</text>"
        )
        x += 60 + 8 * len(term("assignment_line", lang) + s)
        if x > width - 150:
            x, y2 = 16, y2 + 18
    return f'<g class="legend">{"".join(items)}</g>'


# ---- the document ---------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,Segoe UI,Arial,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:24px;margin:0 0 4px} h2{font-size:19px;border-bottom:2px solid #ddd;
padding-bottom:3px;margin-top:28px} h3{font-size:16px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px} th,td{border:1px solid #ccc;padding:3px 8px;
text-align:left;vertical-align:top;font-size:13px} th{background:#f1f1ec}
td.num{text-align:right} .muted{color:#666;font-size:12px}
.card{border:1px solid #ddd;border-left:6px solid #0072B2;border-radius:4px;padding:6px 10px;
margin:8px 0;break-inside:avoid} .card.escalated{border-left-color:#D55E00}
.card.referred{border-left-color:#E69F00} .card h4{margin:0 0 4px;font-size:14px}
.kv{font-size:13px;margin:2px 0} .badge{display:inline-block;padding:1px 7px;border-radius:9px;
color:#fff;font-size:12px} .assigned .badge{background:#0072B2}
.escalated .badge{background:#D55E00} .referred .badge{background:#E69F00}
@media print{.card{page-break-inside:avoid}}
"""


def _context_line(row: Any, lang: str) -> str:
    bits = []
    if isinstance(getattr(row, "municipality", None), str):
        bits.append(f"{term('municipality', lang)} {row.municipality}")
    if hasattr(row, "orientation_area"):
        oa = row.orientation_area
        bits.append(
            f"{term('orientation_area', lang)} "
            f"{oa if isinstance(oa, str) else term('outside_all', lang)}"
        )
    d = getattr(row, "natura2000_m", None)
    if d is not None and np.isfinite(d):
        bits.append(f"{term('natura2000', lang)} {fmt_km(d / 1000.0, lang)}")
    n = int(row.n_locations)
    bits.append(f"{n} {term('location_1' if n == 1 else 'locations', lang)}")
    ft = getattr(row, "farm_type", None)
    if isinstance(ft, str) and ft:
        bits.append(f"{term('farm_type', lang)}: {ft}")
    nd = getattr(row, "needs", None)
    if isinstance(nd, str) and nd:
        bits.append(f"{term('needs', lang)}: {nd.replace(';', ', ')}")
    return "; ".join(bits)


def _portfolio_of(result: Any) -> dict[str, str]:
    cat = getattr(result, "catalogue", None)
    if isinstance(cat, pd.DataFrame) and "portfolio" in cat and "service" in cat:
        return {
            str(s): str(p)
            for s, p in zip(cat["service"], cat["portfolio"])
            if isinstance(p, str) and p
        }
    return {}


def _request_card(row: Any, result: Any, facts: _Facts, portfolio: str, lang: str) -> str:
    head = (
        f'<div class="card {row.outcome}" id="req-{_e(row.applicant_id)}">'
        f'<h4><span class="req-id">{_e(row.applicant_id)}</span> - {_e(row.service)} '
        f'<span class="badge">{_e(term(row.outcome, lang))}</span>'
        f' <span class="muted">{_e(term("priority", lang))} {int(row.priority)}</span></h4>'
        f'<div class="kv">{_e(term("context", lang))}: {_e(_context_line(row, lang))}</div>'
    )
    body = []
    if row.outcome == "assigned":
        a = facts.by_applicant["assignments"].loc[row.applicant_id]
        a = pd.Series(a).rename(row.applicant_id)
        cur = getattr(row, "current_advisor", "")
        cur = cur if isinstance(cur, str) else ""
        reason = _chosen_reason(_AsRow(a), result, facts, cur, lang)
        body.append(
            f'<div class="kv"><b>{_e(term("chosen", lang))}: {_e(a["advisor_id"])}</b>'
            f" - {_e(reason)}</div>"
        )
        alts = facts.alternatives.get(row.applicant_id)
        if alts is not None and len(alts):
            li = []
            for alt in alts.itertuples(index=False):
                li.append(
                    f"<li>{_e(alt.advisor_id)}: {_e(fmt_minutes(alt.minutes, lang))}, "
                    f"{_e(_runner_up_reason(alt, _AsRow(a), result, lang))}</li>"
                )
            body.append(
                f'<div class="kv">{_e(term("runner_ups", lang))}:<ul>{"".join(li)}</ul></div>'
            )
    elif row.outcome == "escalated":
        esc = facts.by_applicant["escalations"].loc[row.applicant_id]
        esc = _AsRow(pd.Series(esc), applicant_id=row.applicant_id)
        body.append(
            f'<div class="kv"><b>{_e(term("reason", lang))}:</b> {_e(term(esc.reason, lang))}'
            f' <span class="muted">({_e(_detail(esc, result, lang))})</span></div>'
            f'<div class="kv"><b>{_e(term("next_step", lang))}:</b> '
            f"{_e(_next_step(esc, result, portfolio, lang))}</div>"
        )
    else:
        ref = facts.by_applicant["referrals"].loc[row.applicant_id]
        body.append(
            f'<div class="kv"><b>{_e(term("destination", lang))}:</b> '
            f"{_e(ref.get('refer_to', ''))} ({_e(term(str(ref.get('reason', '')), lang))})</div>"
        )
    return head + "".join(body) + "</div>"


class _AsRow:
    """Attribute access over a Series (and overrides), like an itertuples row."""

    def __init__(self, s: pd.Series, **extra: Any):
        self._s, self._x = s, extra

    def __getattr__(self, name: str) -> Any:
        if name in self._x:
            return self._x[name]
        if name == "applicant_id" and name not in self._s:
            return self._s.name
        return self._s[name]


def _overview(facts: _Facts, lang: str) -> str:
    req = facts.requests
    counts = {o: int((req["outcome"] == o).sum()) for o in ("assigned", "escalated", "referred")}
    head = "".join(f"<th>{_e(term(c, lang))}</th>" for c in ("service", "requests", *counts.keys()))
    rows = []
    for s in sorted(set(req["service"])):
        sub = req[req["service"] == s]
        cells = "".join(f'<td class="num">{int((sub["outcome"] == o).sum())}</td>' for o in counts)
        rows.append(f'<tr><td>{_e(s)}</td><td class="num">{len(sub)}</td>{cells}</tr>')
    tot = "".join(f'<td class="num"><b>{v}</b></td>' for v in counts.values())
    rows.append(
        f'<tr><td><b>{_e(term("total", lang))}</b></td><td class="num"><b>{len(req)}</b></td>'
        f"{tot}</tr>"
    )
    badges = " &nbsp; ".join(
        f'<span class="{o}"><span class="badge">{v} {_e(term(o, lang))}</span></span>'
        for o, v in counts.items()
    )
    return (
        f'<p class="counts">{badges}</p><h3>{_e(term("per_service", lang))}</h3>'
        f'<table class="per-service"><tr>{head}</tr>{"".join(rows)}</table>'
    )


def _advisor_table(facts: _Facts, lang: str) -> str:
    ad = facts.advisors
    rows = []
    for r in ad.sort_values("advisor_id").itertuples(index=False):
        util = r.caseload_after / r.capacity if r.capacity else float("nan")
        rows.append(
            f"<tr><td>{_e(r.advisor_id)}</td><td>{_e(r.service)}</td>"
            f'<td class="num">{int(r.caseload_before)}</td>'
            f'<td class="num">{int(r.caseload_after)}</td><td class="num">{int(r.capacity)}</td>'
            f'<td class="num">{_e(fmt_pct(util, lang))}</td></tr>'
        )
    labels = ("advisor", "service", "before", "after", "capacity", "utilisation")
    names = {
        "nl": ("begeleider", "dienst", "voor", "na", "capaciteit", "bezetting"),
        "en": labels,
    }[lang]
    head = "".join(f"<th>{_e(n)}</th>" for n in names)
    return f'<table class="advisors"><tr>{head}</tr>{"".join(rows)}</table>'


def round_report(
    result: Any,
    path: str | os.PathLike,
    *,
    language: str = "nl",
    areas: AreaSet | None = None,
    context: Mapping[str, AreaSet] | None = None,
    week: Any = None,
    title: str | None = None,
) -> str:
    """Writes the round's report as one self-contained HTML file and returns its path.

    Parameters
    ----------
    result : RoundResult
    path : str or PathLike
        The HTML file to write (its directory must exist).
    language : {"nl", "en"}
    areas : AreaSet, optional
        Orientation areas: drawn labelled on the map and named per request.
    context : dict of name -> AreaSet, optional
        Location-study layers shown per request: ``"gemeente"`` (or any other name:
        the containing feature's id is shown as municipality) and ``"natura2000"``
        (distance to the nearest feature, up to 50 km).
    week : str, optional
        Week label for the header; default the ISO week of the latest ``registered`` date.
    """
    from .matching import RoundResult

    if not isinstance(result, RoundResult):
        raise InvalidTypeError("round_report needs a RoundResult")
    term("title", language)  # validates the language
    context = dict(context or {})
    facts = _facts(result, areas, context)
    req = facts.requests
    a = facts.by_applicant["assignments"]
    for col in ("advisor_id", "minutes"):
        req[col] = [a[col].get(k) if k in a.index else None for k in req["applicant_id"]]
    e = facts.by_applicant["escalations"]
    req["reason"] = [e["reason"].get(k) if k in e.index else None for k in req["applicant_id"]]
    portfolios = _portfolio_of(result)
    wk = _week_label(req, week)
    heading = title or term("title", language)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{language}"><head><meta charset="utf-8">',
        f"<title>{_e(heading)} {_e(wk)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="muted">{_e(term("week", language))} {_e(wk)} - '
        f"{_e(term('generated', language))} {_e(__version__)}, "
        f"{_dt.date.today().isoformat()}</p>",
        f"<h2>{_e(term('overview', language))}</h2>",
        _overview(facts, language),
        f"<h2>{_e(term('map', language))}</h2>",
        _svg_map(facts, areas, language),
    ]
    # One section per portfolio holder (or per service without a catalogue).
    groups: dict[str, list[Any]] = {}
    for row in req.sort_values(["service", "applicant_id"], kind="stable").itertuples(index=False):
        key = portfolios.get(row.service, "") if portfolios else row.service
        groups.setdefault(key, []).append(row)
    for key in sorted(groups):
        if portfolios:
            label = f"{term('portfolio', language)}: {key or term('no_portfolio', language)}"
        else:
            label = f"{term('service', language)}: {key}"
        parts.append(f'<h2 class="portfolio">{_e(label)}</h2>')
        for row in groups[key]:
            portfolio = portfolios.get(row.service, "")
            parts.append(_request_card(row, result, facts, portfolio, language))
    if result.catalogue is not None or math.isfinite(result.budget_eur):
        parts.append(_budget_section(result, language))
    parts.append(_escalation_table(result, facts, portfolios, language))
    parts.append(_referral_table(facts, language))
    parts.append(
        f"<h2>{_e(term('advisors', language).capitalize())}</h2><details><summary>"
        f"{_e(term('workload', language))}</summary>{_advisor_table(facts, language)}</details>"
    )
    parts.append("</body></html>")
    text = "\n".join(parts)
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise FileError(f"cannot write report '{os.fspath(path)}': {exc.strerror}") from None
    return os.fspath(path)


def _budget_section(result: Any, lang: str) -> str:
    """Money and slots of the round: per service the cases, spend and what is left of its
    budget and slots; the round's total against ``budget_eur``; whether the solve is proven."""
    sp = result.spend_by_service
    unlimited = _e(term("unlimited", lang))

    def limit(total: float, used: float, money: bool) -> tuple[str, str]:
        """(the limit, what is left of it) as table cells; unlimited shows no rest."""
        if not math.isfinite(total):
            return unlimited, ""
        show = fmt_eur if money else (lambda v, lg: fmt_num(v, 0, lg))
        return _e(show(total, lang)), _e(show(max(total - used, 0.0), lang))

    rows = []
    for r in sp.sort_values("service", kind="stable").itertuples(index=False):
        budget, budget_left = limit(r.budget_eur, r.spend_eur, True)
        slots, slots_left = limit(r.max_cases, r.slots_used, False)
        rows.append(
            f"<tr><td>{_e(r.service)}</td><td>{_e(r.portfolio)}</td>"
            f'<td class="num">{int(r.cases)}</td><td class="num">{_e(fmt_eur(r.spend_eur, lang))}'
            f'</td><td class="num">{budget}</td><td class="num">{budget_left}</td>'
            f'<td class="num">{slots}</td><td class="num">{slots_left}</td></tr>'
        )
    keys = ("service", "portfolio", "cases", "spend", "service_budget", "left", "slots", "left")
    head = "".join(f"<th>{_e(term(k, lang))}</th>" for k in keys)
    spent = fmt_eur(result.spend_eur, lang)
    if math.isfinite(result.budget_eur):
        total = term(
            "round_budget",
            lang,
            spent=spent,
            budget=fmt_eur(result.budget_eur, lang),
            left=fmt_eur(max(result.budget_eur - result.spend_eur, 0.0), lang),
        )
    else:
        total = term("round_spend", lang, spent=spent)
    if result.status == "optimal":
        proof = term("solve_optimal", lang)
    elif math.isfinite(result.gap):
        proof = term("solve_time_limit", lang, gap=fmt_num(100.0 * result.gap, 2, lang) + "%")
    else:
        proof = term("solve_no_bound", lang)
    return (
        f"<h2>{_e(term('budget', lang))}</h2><p>{_e(total)} {_e(proof)}</p>"
        f'<table class="budget"><tr>{head}</tr>{"".join(rows)}</table>'
    )


def _escalation_table(result: Any, facts: _Facts, portfolios: dict, lang: str) -> str:
    esc = result.escalations
    if not len(esc):
        return f"<h2>{_e(term('escalations', lang))}</h2><p>{_e(term('none', lang))}</p>"
    rows = []
    for r in esc.itertuples(index=False):
        step = _next_step(r, result, portfolios.get(r.service, ""), lang)
        rows.append(
            f"<tr><td>{_e(r.applicant_id)}</td><td>{_e(r.service)}</td>"
            f"<td>{_e(term(r.reason, lang))}</td><td>{_e(step)}</td></tr>"
        )
    head = "".join(
        f"<th>{_e(term(k, lang))}</th>" for k in ("request", "service", "reason", "next_step")
    )
    return (
        f"<h2>{_e(term('escalations', lang))}</h2>"
        f'<table class="escalations"><tr>{head}</tr>{"".join(rows)}</table>'
    )


def _referral_table(facts: _Facts, lang: str) -> str:
    ref = facts.referrals
    if not len(ref):
        return f"<h2>{_e(term('referrals', lang))}</h2><p>{_e(term('none', lang))}</p>"
    rows = []
    for r in ref.itertuples(index=False):
        rows.append(
            f"<tr><td>{_e(r.applicant_id)}</td><td>{_e(getattr(r, 'service', ''))}</td>"
            f"<td>{_e(getattr(r, 'refer_to', ''))}</td>"
            f"<td>{_e(term(str(getattr(r, 'reason', '')), lang))}</td></tr>"
        )
    head = "".join(
        f"<th>{_e(term(k, lang))}</th>" for k in ("request", "service", "destination", "reason")
    )
    return (
        f"<h2>{_e(term('referrals', lang))}</h2>"
        f'<table class="referrals"><tr>{head}</tr>{"".join(rows)}</table>'
    )
