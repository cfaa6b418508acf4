"""One table of the words people read: report headings, outcome and reason names, units.

Every label a report or map shows comes from :data:`TERMS` (Dutch ``nl`` first, English
``en``), so a translation is one place to change. :func:`term` looks a key up;
:func:`fmt_minutes`, :func:`fmt_km`, :func:`fmt_pct` and :func:`fmt_eur` round numbers for
people (whole minutes, km to one decimal, whole percent, whole euros) with the language's
decimal separator.

Examples
--------
>>> from libmatch.terms import term, fmt_km
>>> term("no_capacity", "nl"), fmt_km(12.34, "nl")
('alle geschikte begeleiders vol', '12,3 km')
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = ["LANGUAGES", "TERMS", "term", "fmt_minutes", "fmt_km", "fmt_pct", "fmt_eur", "fmt_num"]

LANGUAGES = ("nl", "en")

#: key -> (Dutch, English)
TERMS: dict[str, tuple[str, str]] = {
    # outcomes
    "assigned": ("toegewezen", "assigned"),
    "escalated": ("geëscaleerd", "escalated"),
    "referred": ("doorverwezen", "referred"),
    "requests": ("aanvragen", "requests"),
    "request": ("aanvraag", "request"),
    "advisor": ("begeleider", "advisor"),
    "advisors": ("begeleiders", "advisors"),
    "workload": ("werkvoorraad per begeleider", "caseload per advisor"),
    "service": ("dienst", "service"),
    "portfolio": ("portefeuille", "portfolio"),
    "priority": ("prioriteit", "priority"),
    "total": ("totaal", "total"),
    # report structure
    "title": ("Weekoverzicht toewijzing", "Weekly assignment round"),
    "week": ("week", "week"),
    "generated": ("gemaakt met libmatch", "made with libmatch"),
    "overview": ("Overzicht", "Overview"),
    "map": ("Kaart", "Map"),
    "per_service": ("Per dienst", "Per service"),
    "escalations": ("Escalaties", "Escalations"),
    "referrals": ("Doorverwijzingen", "Referrals"),
    "no_portfolio": ("zonder portefeuillehouder", "without a portfolio holder"),
    "context": ("Locatie", "Location"),
    "chosen": ("Gekozen begeleider", "Chosen advisor"),
    "why": ("Waarom", "Why"),
    "runner_ups": ("Alternatieven", "Runner-ups"),
    "none": ("geen", "none"),
    "reason": ("reden", "reason"),
    "next_step": ("voorgestelde vervolgstap", "suggested next step"),
    "destination": ("naar", "to"),
    "municipality": ("gemeente", "municipality"),
    "orientation_area": ("oriëntatiegebied", "orientation area"),
    "natura2000": ("afstand Natura 2000", "distance to Natura 2000"),
    "locations": ("bedrijfslocaties", "business locations"),
    "location_1": ("bedrijfslocatie", "business location"),
    "farm_type": ("type bedrijf", "farm type"),
    "needs": ("hulpvraag", "help needed"),
    "outside_all": ("buiten alle gebieden", "outside every area"),
    "advisor_base": ("standplaats begeleider", "advisor base"),
    "assignment_line": ("toewijzing", "assignment"),
    "scale": ("schaal", "scale"),
    # money and slots
    "budget": ("Budget en plaatsen", "Budget and slots"),
    "cases": ("zaken", "cases"),
    "spend": ("uitgegeven", "spent"),
    "service_budget": ("budget dienst", "service budget"),
    "left": ("over", "left"),
    "slots": ("plaatsen", "slots"),
    "unlimited": ("onbeperkt", "unlimited"),
    "round_budget": (
        "Deze ronde: {spent} uitgegeven van {budget}, {left} over.",
        "This round: {spent} spent of {budget}, {left} left.",
    ),
    "round_spend": (
        "Deze ronde: {spent} uitgegeven (geen rondebudget).",
        "This round: {spent} spent (no round budget).",
    ),
    "solve_optimal": (
        "De toewijzing is bewezen optimaal.",
        "The assignment is proven optimal.",
    ),
    "solve_no_bound": (
        "Rekentijd op voordat een ondergrens bekend was: de afstand tot het optimum is onbekend.",
        "Time limit reached before a bound was known: the distance to the optimum is unknown.",
    ),
    "solve_time_limit": (
        "Rekentijd op: de toewijzing is hooguit {gap} van het optimum af.",
        "Time limit reached: the assignment is at most {gap} from the optimum.",
    ),
    # reasons for a choice
    "same_area": ("zelfde oriëntatiegebied", "same orientation area"),
    "other_area": ("ander oriëntatiegebied", "other orientation area"),
    "travel_time": ("{m} reistijd", "{m} travel"),
    "places_taken": ("{a} van {c} plaatsen bezet", "{a} of {c} places taken"),
    "continuity": ("huidige begeleider (continuïteit)", "current advisor (continuity)"),
    "pinned": ("vastgezet op huidige begeleider", "pinned to the current advisor"),
    "partial_expertise": ("mist {n} deskundigheid", "lacks {n} expertise tag(s)"),
    "beyond_radius": ("buiten actieradius", "beyond action radius"),
    "would_cost": ("kost omgerekend {m} reistijd meer", "costs the equivalent of {m} more travel"),
    "busier": ("drukker bezet", "busier"),
    "not_current": ("niet de huidige begeleider", "not the current advisor"),
    # the hard rules an advisor can fail (explain()'s verdicts)
    "v_service": ("dienst", "service"),
    "v_expertise": ("deskundigheid", "expertise"),
    "v_excluded": ("uitsluiting", "excluded"),
    "v_radius": ("actieradius", "radius"),
    "v_capacity": ("capaciteit", "capacity"),
    "lost_full": ("heeft geen plaats meer", "has no place left"),
    "lost_cost": ("duurder", "more expensive"),
    # escalation reasons
    "duplicate_request": (
        "dubbele aanvraag (zelfde aanvrager of bedrijfslocatie als een eerdere aanvraag)",
        "duplicate request (same applicant or business location as an earlier request)",
    ),
    "pinned_advisor_unavailable": (
        "vastgezette begeleider niet beschikbaar",
        "pinned advisor unavailable",
    ),
    "no_advisor_for_service": (
        "geen begeleider voor deze dienst",
        "no advisor for this service",
    ),
    "no_expertise": ("niemand met de gevraagde deskundigheid", "nobody with the needed expertise"),
    "all_excluded": (
        "alle geschikte begeleiders uitgesloten (belangenverstrengeling)",
        "every suitable advisor excluded (conflict of interest)",
    ),
    "all_out_of_radius": (
        "alle geschikte begeleiders buiten hun actieradius",
        "every suitable advisor beyond their action radius",
    ),
    "no_capacity": ("alle geschikte begeleiders vol", "every suitable advisor is full"),
    "no_hours": (
        "geen geschikte begeleider heeft de benodigde uren vrij",
        "no suitable advisor has the hours the case needs",
    ),
    "slots_exhausted": ("alle plaatsen van deze dienst zijn op", "the service's slots are used up"),
    "budget_exhausted": ("budget ontoereikend", "budget exhausted"),
    "reserved_for_priority": (
        "resterende plaatsen gereserveerd voor urgente aanvragen",
        "remaining slots reserved for urgent requests",
    ),
    "already_in_guidance": (
        "aanvrager is al in begeleiding",
        "applicant is already in guidance",
    ),
    "no_open_case": (
        "specialist alleen via een lopende zaak",
        "specialist only through a running case",
    ),
    "unfilled_position": ("niet alle posities vervuld", "not every position filled"),
    # referral reasons
    "out_of_scope": ("buiten de opdracht van het team", "outside the team's scope"),
    "not_in_module": (
        "gemeente neemt niet deel aan deze module",
        "municipality has not joined this module",
    ),
    # next steps
    "step_running_case": (
        "overleggen met de lopende begeleider ({adv}); geen tweede begeleider",
        "consult the running advisor ({adv}); no second advisor",
    ),
    "step_open_case": (
        "laten aanvragen door de begeleider van de lopende zaak",
        "to be requested by the advisor of the running case",
    ),
    "step_duplicate": (
        "samenvoegen met aanvraag {other}",
        "merge with request {other}",
    ),
    "step_full_advisor": (
        "vragen of {adv} ({m}, vol) ruimte kan maken, of capaciteit bijzetten",
        "ask whether {adv} ({m}, full) can make room, or add capacity",
    ),
    "step_portfolio": (
        "bespreken met de portefeuillehouder ({p})",
        "discuss with the portfolio holder ({p})",
    ),
    "step_procesmanager": (
        "voorleggen aan de procesmanager in de werkgroep",
        "put to the process manager in the working group",
    ),
    "step_pinned": (
        "overdracht via de werkgroep: nieuwe begeleider kiezen",
        "handover through the working group: choose a new advisor",
    ),
    "step_radius": (
        "begeleider buiten de actieradius vragen ({adv}, {m})",
        "ask an advisor beyond the radius ({adv}, {m})",
    ),
    # escalation details (RoundResult.escalations["detail"] is the English one)
    "d_positions_open": (
        "{open} van {q} posities open: {matched} gekoppeld aan andere begeleiders, geen "
        "andere geschikte begeleider met ruimte",
        "{open} of {q} position(s) open: {matched} matched with different advisors, no other "
        "eligible advisor with room",
    ),
    "d_pinned_not_in_pool": (
        "vastgezet, maar de huidige begeleider zit niet in de pool",
        "pinned, but the current advisor is not in the pool",
    ),
    "d_pinned_no_room": (
        "vastgezet, maar huidige begeleider '{who}' heeft geen ruimte voor alle vastgezette zaken",
        "pinned, but current advisor '{who}' has no room for all pinned cases",
    ),
    "d_pinned_fails": (
        "vastgezet, maar huidige begeleider '{who}' valt af op de regel '{v}'",
        "pinned, but current advisor '{who}' fails the {v} rule",
    ),
    "d_funnel": (
        "{n} begeleider(s) voor dienst '{service}'",
        "{n} advisor(s) for service '{service}'",
    ),
    "d_with_expertise": ("{n} met de deskundigheid", "{n} with the expertise"),
    "d_not_excluded": ("{n} niet uitgesloten", "{n} not excluded"),
    "d_within_radius": ("{n} binnen de actieradius", "{n} within radius"),
    "d_free_capacity": ("{n} met vrije capaciteit", "{n} with free capacity"),
    "d_room_taken": (
        " (hun ruimte ging deze ronde naar andere aanvragen)",
        " (their room went to other requests this round)",
    ),
    "d_unplaced": (
        "; de locatie ligt verder dan de aansluitafstand van elke weg in het wegennet",
        "; the location is farther than the snap distance from every road of the network",
    ),
    "d_no_hours": (
        "{n} geschikte begeleider(s) voor dienst '{service}' met vrije capaciteit, geen met de "
        "vrije uren die de zaak nodig heeft",
        "{n} eligible advisor(s) for service '{service}' with free capacity, none with the free "
        "hours the case needs",
    ),
    "d_slots": (
        "de {cap} plaats(en) van dienst '{service}' zijn deze ronde op",
        "the {cap} slot(s) of service '{service}' are used up this round",
    ),
    "d_reserved": (
        "de resterende plaats(en) van dienst '{service}' zijn gereserveerd{limit}",
        "the remaining slot(s) of service '{service}' are reserved{limit}",
    ),
    "d_reserved_limit": (" (prioriteit >= {p})", " (priority >= {p})"),
    "d_budget": (
        "€ {eur} te weinig om de zaak uit het resterende geld te betalen",
        "EUR {eur} missing to pay the case from the money left",
    ),
    "d_running_case": (
        "lopende zaak van dienst '{service}' bij begeleider '{adv}' ({how}); geen tweede "
        "begeleider ernaast",
        "running case of service '{service}' guided by advisor '{adv}' ({how}); no parallel "
        "advisor",
    ),
    "d_same_key": ("zelfde aanvragerssleutel", "same applicant key"),
    "d_near_its_location": (
        "een bedrijfslocatie binnen {m} m van die van de zaak",
        "a business location within {m} m of its location",
    ),
    "d_dup_specialist": (
        "dezelfde specialistische dienst voor dezelfde lopende zaak als aanvraag '{other}'",
        "the same specialist service for the same running case as request '{other}'",
    ),
    "d_dup_key": (
        "dezelfde aanvragerssleutel als aanvraag '{other}'",
        "the same applicant key as request '{other}'",
    ),
    "d_dup_location": (
        "een bedrijfslocatie binnen {m} m van een eerdere aanvraag",
        "a business location within {m} m of an earlier request",
    ),
    "d_via_empty": (
        "dienst '{service}' wordt alleen via een lopende zaak ingezet: via_case is leeg",
        "service '{service}' is engaged only through a running case: via_case is empty",
    ),
    "d_via_unknown": (
        "dienst '{service}' wordt alleen via een lopende zaak ingezet: via_case hoort bij geen "
        "lopende zaak in het register en bij geen aanvraag van deze ronde",
        "service '{service}' is engaged only through a running case: via_case matches no "
        "running case of the register and no request of this round",
    ),
}


def term(key: str, language: str = "nl", **fields: Any) -> str:
    """The label for ``key`` in ``language`` with ``{fields}`` filled in.

    Unknown keys fall back to the key itself (codes stay readable), unknown languages raise
    :class:`libmatch.InvalidInputError`.
    """
    from .errors import InvalidInputError

    if language not in LANGUAGES:
        raise InvalidInputError(f"language must be one of {list(LANGUAGES)}")
    pair = TERMS.get(key)
    text = key if pair is None else pair[LANGUAGES.index(language)]
    return text.format(**fields) if fields else text


def _dec(text: str, language: str) -> str:
    return text.replace(".", ",") if language == "nl" else text


def fmt_num(value: Any, decimals: int, language: str = "nl") -> str:
    """``value`` rounded to ``decimals`` with thousands grouping; '' for missing values.
    Halves round away from zero, as people do (12.5 -> 13), not to even."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(v):
        return ""
    rounded = Decimal(repr(v)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if language == "nl":  # 1,234.5 -> 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_minutes(value: Any, language: str = "nl") -> str:
    """Whole minutes: ``17 min``."""
    s = fmt_num(value, 0, language)
    return f"{s} min" if s else ""


def fmt_km(value: Any, language: str = "nl") -> str:
    """Kilometres to one decimal: ``12,3 km`` (nl) / ``12.3 km`` (en)."""
    s = fmt_num(value, 1, language)
    return f"{s} km" if s else ""


def fmt_pct(value: Any, language: str = "nl") -> str:
    """A fraction as whole percent: 0.667 -> ``67%``."""
    try:
        v = float(value) * 100.0
    except (TypeError, ValueError):
        return ""
    s = fmt_num(v, 0, language)
    return f"{s}%" if s else ""


def fmt_eur(value: Any, language: str = "nl") -> str:
    """Whole euros: ``€ 2.095`` (nl) / ``EUR 2,095`` (en)."""
    s = fmt_num(value, 0, language)
    if not s:
        return ""
    return f"€ {s}" if language == "nl" else f"EUR {s}"
