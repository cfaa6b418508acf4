"""Units and meanings of the simulation's KPI columns (``SimulationResult.weekly``,
``SimulationResult.summary`` and the rows of :func:`libmatch.simulate_many`).

:data:`WEEKLY` and :data:`SUMMARY` map each column to ``(unit, meaning)``;
:func:`markdown` renders them for ``docs/kpis.md`` (a test keeps the file and the columns the
engine returns in step).

Examples
--------
>>> import libmatch.kpis as kpis
>>> kpis.WEEKLY["wait_mean"][0], kpis.SUMMARY["util_gini_mean"][0]
('weeks', 'index 0-1')
"""

from __future__ import annotations

__all__ = ["WEEKLY", "SUMMARY", "WEEKLY_PER_SERVICE", "SUMMARY_PER_GROUP", "markdown"]

_FLOW = "requests"

#: weekly column -> (unit, meaning)
WEEKLY: dict[str, tuple[str, str]] = {
    "week": ("week", "week number, 0 = first week of the horizon"),
    "arrivals": (_FLOW, "new requests registered this week"),
    "referred": (_FLOW, "requests referred elsewhere this week"),
    "no_klik_returns": (_FLOW, "cases back in the queue after a first conversation without 'klik'"),
    "reassigned": (
        "cases",
        "cases moved to another advisor: theirs left, cut capacity or is absent long enough",
    ),
    "completed": ("cases", "cases completed this week"),
    "queued": (_FLOW, "requests in this week's round (new, returned and still waiting)"),
    "matched": (_FLOW, "requests matched this week (first matches and rematches)"),
    "matched_first": (_FLOW, "requests matched for the first time this week"),
    "escalated": (_FLOW, "requests escalated to the working group this week"),
    "waiting": (_FLOW, "requests still waiting after the round"),
    "in_service": ("cases", "cases running after the round"),
    "advisors_active": ("advisors", "advisors in the pool and not absent"),
    "advisors_absent": ("advisors", "advisors absent this week"),
    "capacity_total": ("cases", "summed capacity of the active advisors"),
    "arrivals_total": (_FLOW, "arrivals since the start (cumulative)"),
    "matched_total": (
        "cases",
        "cases running after the round plus cases completed since the start (in_service + "
        "completed_total; the initial cases included)",
    ),
    "completed_total": ("cases", "completions since the start (cumulative)"),
    "escalated_total": (_FLOW, "escalations since the start (cumulative)"),
    "referred_total": (_FLOW, "referrals since the start (cumulative)"),
    "wait_mean": ("weeks", "mean wait from registration to first match, this week's matches"),
    "wait_p90": ("weeks", "90th percentile of that wait"),
    "wait_max": ("weeks", "longest of that wait"),
    "travel_mean": (
        "minutes",
        "mean travel (advisor base to primary location) of the week's matches",
    ),
    "travel_p90": ("minutes", "90th percentile of that travel"),
    "outside_area_share": (
        "fraction 0-1",
        "share of the week's matches outside the advisor's orientation areas",
    ),
    "util_mean": (
        "fraction 0-1",
        "mean caseload / capacity over the pool's advisors with capacity > 0 (absent ones too)",
    ),
    "util_max": ("fraction 0-1", "highest caseload / capacity"),
    "util_gini": ("index 0-1", "Gini coefficient of utilisation (0 = even workload)"),
    "hours_started": ("hours", "hours_per_case of the week's first matches"),
    "followups": (_FLOW, "pathway follow-ups entering the queue this week"),
    "followups_total": (_FLOW, "follow-ups since the start (cumulative)"),
    "spend_eur": ("EUR", "price of the cases started this week"),
    "spend_eur_total": ("EUR", "spend since the start (cumulative)"),
    "budget_left_eur": ("EUR", "programme budget_eur minus spend_eur_total (inf = no budget)"),
}
#: further weekly columns, one per service with a slot cap (``max_cases``)
WEEKLY_PER_SERVICE = {"slots_left_<service>": ("cases", "slots of the service left")}

#: summary column -> (unit, meaning)
SUMMARY: dict[str, tuple[str, str]] = {
    "weeks": ("weeks", "length of the horizon"),
    "initial_cases": ("cases", "cases running at the start"),
    "arrivals": (_FLOW, "requests registered over the horizon"),
    "referred": (_FLOW, "requests referred elsewhere"),
    "matched": (_FLOW, "matches incl. rematches"),
    "matched_first": (_FLOW, "requests matched at least once"),
    "escalated": (_FLOW, "escalations to the working group"),
    "escalated_no_advisor_for_service": (_FLOW, "escalations: nobody works for the service"),
    "escalated_no_expertise": (_FLOW, "escalations: nobody has the needed expertise"),
    "escalated_all_excluded": (_FLOW, "escalations: every candidate excluded"),
    "escalated_all_out_of_radius": (_FLOW, "escalations: every candidate beyond radius"),
    "escalated_no_capacity": (_FLOW, "escalations: every candidate full"),
    "escalated_no_hours": (_FLOW, "escalations: eligible advisors, none with the free hours"),
    "escalated_pinned_advisor_unavailable": (
        _FLOW,
        "escalations: pinned (replay) but the current advisor is unavailable",
    ),
    "escalated_slots_exhausted": (_FLOW, "escalations: the service's max_cases were used up"),
    "escalated_budget_exhausted": (_FLOW, "escalations: the money left could not pay the case"),
    "escalated_reserved_for_priority": (
        _FLOW,
        "escalations: the slots left were reserved for higher priority",
    ),
    "no_klik_returns": (_FLOW, "first conversations without 'klik'"),
    "reassigned": (
        "cases",
        "cases moved to another advisor: theirs left, cut capacity or is absent long enough",
    ),
    "completed": ("cases", "cases completed"),
    "waiting_end": (_FLOW, "requests waiting at the end"),
    "in_service_end": ("cases", "cases running at the end"),
    "wait_mean": ("weeks", "mean wait from registration to first match"),
    "wait_p90": ("weeks", "90th percentile of that wait"),
    "wait_max": ("weeks", "longest wait"),
    "travel_mean": ("minutes", "mean travel of all matches"),
    "travel_p90": ("minutes", "90th percentile of that travel"),
    "outside_area_share": (
        "fraction 0-1",
        "share of matches outside the advisor's orientation areas",
    ),
    "util_mean": ("fraction 0-1", "mean weekly utilisation"),
    "util_max": ("fraction 0-1", "highest utilisation of any advisor in any week"),
    "util_gini_mean": ("index 0-1", "mean weekly Gini coefficient of utilisation"),
    "escalated_share": (
        "fraction 0-1",
        "escalations / (arrivals - referred): the share of the requests in scope",
    ),
    "hours_started": ("hours", "hours_per_case summed over first matches"),
    "followups": (_FLOW, "pathway follow-ups that entered the queue"),
    "spend_eur": ("EUR", "price of all cases started (initial cases are free)"),
    "budget_left_eur": ("EUR", "programme budget left at the end (inf = no budget)"),
    "budget_out_week": (
        "week",
        "first week after whose round the money left is below the cheapest positive price; "
        "-1 = never",
    ),
}
#: further columns of :func:`libmatch.simulate_many` rows, per service and per segment
SUMMARY_PER_GROUP = {
    "<service>_started": ("cases", "cases of the service started (first match)"),
    "<service>_completed": ("cases", "cases of the service completed"),
    "<service>_referred": (_FLOW, "requests of the service referred (out of scope / module)"),
    "<service>_escalated": (_FLOW, "requests of the service escalated"),
    "<service>_spend_eur": ("EUR", "money spent on the service"),
    "<service>_lead_days_mean": ("days", "mean days from registration to the product's start"),
    "<service>_lead_days_p90": ("days", "90th percentile of those lead days"),
    "<service>_slots_left": ("cases", "capped or priced services: slots left (int64 max = none)"),
    "<service>_out_week": ("week", "capped or priced services: week slots or money ran out; -1"),
    "<service>_target": ("cases", "the scenario's target, when given"),
    "segment_<label>_started": ("cases", "cases of the segment started"),
    "segment_<label>_completed": ("cases", "cases of the segment completed"),
    "segment_<label>_escalated": (_FLOW, "requests of the segment escalated"),
    "segment_<label>_spend_eur": ("EUR", "money spent on the segment"),
    "segment_<label>_lead_days_mean": ("days", "mean lead days of the segment"),
}


def markdown() -> str:
    """The KPI tables as Markdown (the content of ``docs/kpis.md``)."""
    out = [
        "# Simulation KPIs",
        "",
        'Generated by `python -c "import libmatch.kpis as k; print(k.markdown())"`; '
        "a test fails when it drifts from the columns the engine returns.",
        "",
    ]
    for title, table in (
        ("Weekly (`SimulationResult.weekly`)", WEEKLY),
        ("Weekly, per capped service", WEEKLY_PER_SERVICE),
        ("Horizon (`SimulationResult.summary`, `simulate_many` rows)", SUMMARY),
        ("`simulate_many` rows, per service and segment", SUMMARY_PER_GROUP),
    ):
        out += [f"## {title}", "", "| column | unit | meaning |", "|---|---|---|"]
        out += [f"| `{k}` | {u} | {m} |" for k, (u, m) in table.items()]
        out.append("")
    return "\n".join(out)
