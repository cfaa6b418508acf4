# Type stub for the compiled core. Regenerate after changing the bindings:
#   pip install pybind11-stubgen && pybind11-stubgen libmatch._core -o /tmp/stubs
#   cp /tmp/stubs/libmatch/_core.pyi bindings/libmatch/_core.pyi
"""
libmatch compiled core; use the pure-Python package `libmatch`.
"""

from __future__ import annotations

import collections.abc
import typing

import numpy
import numpy.typing

__all__: list[str] = [
    "AdvisorStatus",
    "AreaSet",
    "AssignmentResult",
    "COST_SCALE",
    "CaseStatus",
    "DesignOptions",
    "DesignProblem",
    "DesignWeights",
    "Escalation",
    "MatchRound",
    "PreparedDesign",
    "Referral",
    "Reservation",
    "RoadNetwork",
    "RoadNetworkOptions",
    "Rules",
    "RunningCase",
    "SIMULATION_ESCALATION_KEYS",
    "Service",
    "Simulator",
    "SolveStatus",
    "StintEnd",
    "StraightLine",
    "TravelModel",
    "UNLIMITED",
    "Verdict",
    "Weights",
    "apply_effort",
    "close_pairs",
    "match_round",
    "nearest_other_group",
    "read_numeric_field",
    "read_table",
    "same_crs",
    "simulate_many",
    "solve_assignment",
    "transform_points",
    "validate_scenario",
    "write_table",
]

class Weights:
    """
    Soft-cost weights of a matching round, in points: one point = one minute of travel at the default travel_per_minute. Costs are rounded to 0.01 point (integers internally), so the optimum is exact.

    Weights(**fields); unknown fields raise UnknownIdError.
    """

    __hash__: typing.ClassVar[None] = None
    _fields: typing.ClassVar[tuple] = (
        "travel_per_minute",
        "outside_area",
        "partial_expertise_per_tag",
        "load",
        "continuity",
        "radius_penalty",
        "radius_penalty_per_minute",
        "radius_penalty_per_km",
        "unassigned_base",
        "unassigned_per_priority",
    )
    def __eq__(self, arg0: typing.Any) -> typing.Any: ...
    def __getstate__(self) -> dict: ...
    def __init__(self, *args, **kwargs) -> None: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, arg0: dict) -> None: ...
    def replace(self, **kwargs) -> Weights:
        """
        A copy with some fields changed.
        """
    def to_dict(self) -> dict:
        """
        The fields as a dict {name: value}.
        """
    @property
    def continuity(self) -> float:
        """
        Points for every advisor other than the request's current_advisor (not charged without one, or when it is in exclude: a 'no klik' case). Unit: points.
        """
    @continuity.setter
    def continuity(self, arg1: typing.Any) -> None: ...
    @property
    def load(self) -> float:
        """
        Convex workload cost: the case that brings an advisor to utilisation u = caseload_after / capacity costs load * u**2 points, so work spreads. Unit: points.
        """
    @load.setter
    def load(self, arg1: typing.Any) -> None: ...
    @property
    def outside_area(self) -> float:
        """
        Points when the primary location lies in none of the advisor's orientation areas (never for advisors without areas or rounds without areas=). Unit: points.
        """
    @outside_area.setter
    def outside_area(self, arg1: typing.Any) -> None: ...
    @property
    def partial_expertise_per_tag(self) -> float:
        """
        Points per needed expertise tag the advisor lacks (only with Rules.allow_partial_expertise). Unit: points/tag.
        """
    @partial_expertise_per_tag.setter
    def partial_expertise_per_tag(self, arg1: typing.Any) -> None: ...
    @property
    def radius_penalty(self) -> float:
        """
        Soft radius (Rules.radius_hard=False): fixed points for a pair beyond the advisor's radius. Unit: points.
        """
    @radius_penalty.setter
    def radius_penalty(self, arg1: typing.Any) -> None: ...
    @property
    def radius_penalty_per_km(self) -> float:
        """
        Soft radius: points per km beyond radius_km. Unit: points/km.
        """
    @radius_penalty_per_km.setter
    def radius_penalty_per_km(self, arg1: typing.Any) -> None: ...
    @property
    def radius_penalty_per_minute(self) -> float:
        """
        Soft radius: points per travel minute beyond radius_minutes. Unit: points/minute.
        """
    @radius_penalty_per_minute.setter
    def radius_penalty_per_minute(self, arg1: typing.Any) -> None: ...
    @property
    def travel_per_minute(self) -> float:
        """
        Points per travel minute from the advisor's base to the primary business location (travel model; default straight line x1.3 at 60 km/h). Unit: points/minute.
        """
    @travel_per_minute.setter
    def travel_per_minute(self, arg1: typing.Any) -> None: ...
    @property
    def unassigned_base(self) -> float:
        """
        Cost of escalating a request; negative = automatic: one point above the dearest candidate assignment, so nobody is escalated while an eligible advisor has room. Unit: points.
        """
    @unassigned_base.setter
    def unassigned_base(self, arg1: typing.Any) -> None: ...
    @property
    def unassigned_per_priority(self) -> float:
        """
        Extra escalation cost per priority level (max(priority, 0)): scarce case capacity goes to urgent requests first. Under hours or money it is a weight per case: several cheaper lower-priority cases can outweigh one dear urgent case (Rules.reserve keeps slots for priority). Unit: points/level.
        """
    @unassigned_per_priority.setter
    def unassigned_per_priority(self, arg1: typing.Any) -> None: ...

class Rules:
    """
    Hard-rule switches of a matching round (C++ RuleOptions).

    Rules(**fields); unknown fields raise UnknownIdError.
    """

    __hash__: typing.ClassVar[None] = None
    _fields: typing.ClassVar[tuple] = (
        "radius_hard",
        "allow_partial_expertise",
        "duplicate_tolerance_m",
        "max_travel_minutes",
        "alternatives",
        "threads",
        "reserve",
        "time_limit_s",
    )
    def __eq__(self, arg0: typing.Any) -> typing.Any: ...
    def __getstate__(self) -> dict: ...
    def __init__(self, *args, **kwargs) -> None: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, arg0: dict) -> None: ...
    def replace(self, **kwargs) -> Rules:
        """
        A copy with some fields changed.
        """
    def to_dict(self) -> dict:
        """
        The fields as a dict {name: value}.
        """
    @property
    def allow_partial_expertise(self) -> bool:
        """
        True: an advisor with at least one of the needed tags stays eligible and pays Weights.partial_expertise_per_tag per missing tag. Unit: flag.
        """
    @allow_partial_expertise.setter
    def allow_partial_expertise(self, arg1: typing.Any) -> None: ...
    @property
    def alternatives(self) -> int:
        """
        Runner-up advisors reported per assignment. Unit: count.
        """
    @alternatives.setter
    def alternatives(self, arg1: typing.Any) -> None: ...
    @property
    def duplicate_tolerance_m(self) -> float:
        """
        Two requests with business locations this close are one case (no double engagement); the later registered (else larger applicant_id) is escalated as duplicate_request. <= 0 disables the check. Unit: metres.
        """
    @duplicate_tolerance_m.setter
    def duplicate_tolerance_m(self, arg1: typing.Any) -> None: ...
    @property
    def max_travel_minutes(self) -> float:
        """
        Hard cap on travel for every pair, also with a soft radius; inf = none. Unit: minutes.
        """
    @max_travel_minutes.setter
    def max_travel_minutes(self, arg1: typing.Any) -> None: ...
    @property
    def radius_hard(self) -> bool:
        """
        True: requests beyond an advisor's radius_km / radius_minutes are ineligible; False: eligible at Weights.radius_penalty. Unit: flag.
        """
    @radius_hard.setter
    def radius_hard(self, arg1: typing.Any) -> None: ...
    @property
    def reserve(self) -> list:
        """
        Slots held back for priority requests: a list of (service, slots, min_priority); that many of the service's max_cases can only go to requests with priority >= min_priority this round. One entry per service. Unit: (name, cases, priority level).
        """
    @reserve.setter
    def reserve(self, arg1: typing.Any) -> None: ...
    @property
    def threads(self) -> int:
        """
        Worker threads (<= 0: all cores); results never depend on it. Unit: count.
        """
    @threads.setter
    def threads(self, arg1: typing.Any) -> None: ...
    @property
    def time_limit_s(self) -> float:
        """
        Wall-clock cap on the exact solve of a programme round (hours, money, slots): its flow relaxation, heuristics, MIP build and search together; inf = none. With the cap reached the result's status is 'time_limit' with a proven bound and gap. A round without programme limits is one min-cost flow solve, never capped. Unit: seconds.
        """
    @time_limit_s.setter
    def time_limit_s(self, arg1: typing.Any) -> None: ...

class DesignWeights:
    """
    Objective weights of area design (design_areas, evaluate_plan).
    """

    __hash__: typing.ClassVar[None] = None
    _fields: typing.ClassVar[tuple] = ("balance", "travel", "compactness")
    def __eq__(self, arg0: typing.Any) -> typing.Any: ...
    def __getstate__(self) -> dict: ...
    def __init__(self, *args, **kwargs) -> None: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, arg0: dict) -> None: ...
    def replace(self, **kwargs) -> DesignWeights:
        """
        A copy with some fields changed.
        """
    def to_dict(self) -> dict:
        """
        The fields as a dict {name: value}.
        """
    @property
    def balance(self) -> float:
        """
        Weight of the imbalance: the largest relative deviation of an area's demand from its capacity share. Unit: per unit of imbalance (a fraction).
        """
    @balance.setter
    def balance(self, arg1: typing.Any) -> None: ...
    @property
    def compactness(self) -> float:
        """
        Weight of (1 - mean Polsby-Popper compactness). Unit: per unit of non-compactness.
        """
    @compactness.setter
    def compactness(self, arg1: typing.Any) -> None: ...
    @property
    def travel(self) -> float:
        """
        Weight of the demand-weighted mean travel. Unit: per reference_km.
        """
    @travel.setter
    def travel(self, arg1: typing.Any) -> None: ...

class DesignOptions:
    """
    Search settings of design_areas.
    """

    __hash__: typing.ClassVar[None] = None
    _fields: typing.ClassVar[tuple] = (
        "k",
        "seed",
        "starts",
        "threads",
        "time_limit_s",
        "iterations",
        "anneal",
        "bound",
        "bound_time_limit_s",
        "bound_tolerance",
        "bound_lagrangian",
        "bound_mip",
        "bound_colgen",
    )
    def __eq__(self, arg0: typing.Any) -> typing.Any: ...
    def __getstate__(self) -> dict: ...
    def __init__(self, *args, **kwargs) -> None: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, arg0: dict) -> None: ...
    def replace(self, **kwargs) -> DesignOptions:
        """
        A copy with some fields changed.
        """
    def to_dict(self) -> dict:
        """
        The fields as a dict {name: value}.
        """
    @property
    def anneal(self) -> bool:
        """
        False: no annealing, each start is its region growing plus the greedy descent (the fastest setting). Unit: flag.
        """
    @anneal.setter
    def anneal(self, arg1: typing.Any) -> None: ...
    @property
    def bound(self) -> bool:
        """
        Also solve the exact model (CBC) for a lower bound and the gap. Unit: flag.
        """
    @bound.setter
    def bound(self, arg1: typing.Any) -> None: ...
    @property
    def bound_time_limit_s(self) -> float:
        """
        Time limit of each exact-model solve. Unit: seconds.
        """
    @bound_time_limit_s.setter
    def bound_time_limit_s(self, arg1: typing.Any) -> None: ...
    @property
    def bound_tolerance(self) -> float:
        """
        Relative gap counted as proven optimal. Unit: fraction.
        """
    @bound_tolerance.setter
    def bound_tolerance(self, arg1: typing.Any) -> None: ...
    @property
    def bound_lagrangian(self) -> bool:
        """
        Run the banded Lagrangian bound (no contiguity). Unit: flag.
        """
    @bound_lagrangian.setter
    def bound_lagrangian(self, arg1: typing.Any) -> None: ...
    @property
    def bound_mip(self) -> bool:
        """
        Run the exact MIP (at most 150 units). Unit: flag.
        """
    @bound_mip.setter
    def bound_mip(self, arg1: typing.Any) -> None: ...
    @property
    def bound_colgen(self) -> bool:
        """
        Run the experimental column-generation bound over connected areas (at most 100 units; not part of bound_method='auto'). Unit: flag.
        """
    @bound_colgen.setter
    def bound_colgen(self, arg1: typing.Any) -> None: ...
    @property
    def iterations(self) -> int:
        """
        Annealing proposals per start; 0 = automatic (max(2000, 50 n)). Unit: count.
        """
    @iterations.setter
    def iterations(self, arg1: typing.Any) -> None: ...
    @property
    def k(self) -> int:
        """
        Number of areas, 1..n units. Unit: count.
        """
    @k.setter
    def k(self, arg1: typing.Any) -> None: ...
    @property
    def seed(self) -> int:
        """
        Random seed; the same seed gives the same plan. Unit: integer in [0, 2^64).
        """
    @seed.setter
    def seed(self, arg1: typing.Any) -> None: ...
    @property
    def starts(self) -> int:
        """
        Independent multi-starts (>= 1); the best is kept. Unit: count.
        """
    @starts.setter
    def starts(self, arg1: typing.Any) -> None: ...
    @property
    def threads(self) -> int:
        """
        Worker threads (<= 0: all cores); never changes the result. Unit: count.
        """
    @threads.setter
    def threads(self, arg1: typing.Any) -> None: ...
    @property
    def time_limit_s(self) -> float:
        """
        Wall-clock cap; inf = none. Unit: seconds.
        """
    @time_limit_s.setter
    def time_limit_s(self, arg1: typing.Any) -> None: ...

class AreaSet:
    @staticmethod
    def from_file(
        source: str,
        id_field: str,
        layer: str = "",
        crs: str = "EPSG:28992",
        source_crs: str = "",
        repair: bool = False,
    ) -> AreaSet: ...
    @staticmethod
    def from_wkb(
        wkb: collections.abc.Sequence[bytes],
        ids: collections.abc.Sequence[str],
        source_crs: str,
        crs: str,
        repair: bool = False,
    ) -> AreaSet: ...
    def __len__(self) -> int: ...
    def adjacency(
        self, min_border_m: typing.SupportsFloat | typing.SupportsIndex = 0.0
    ) -> tuple[
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.float64],
    ]: ...
    def dissolve(self, labels: typing.Any, ids: collections.abc.Sequence[str] = []) -> AreaSet: ...
    def index_of(self, arg0: str) -> int: ...
    def locate(
        self, xy: typing.Any, threads: typing.SupportsInt | typing.SupportsIndex = 0
    ) -> numpy.typing.NDArray[numpy.int64]: ...
    def nearest(
        self,
        xy: typing.Any,
        max_distance: typing.SupportsFloat | typing.SupportsIndex,
        threads: typing.SupportsInt | typing.SupportsIndex = 0,
    ) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.float64]]: ...
    def stats_arrays(self) -> numpy.typing.NDArray[numpy.float64]: ...
    def to_file(self, path: str, id_field: str = "id", layer: str = "areas") -> None: ...
    def wkb(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> bytes: ...
    @property
    def crs(self) -> str: ...
    @property
    def ids(self) -> list[str]: ...

class TravelModel:
    def describe(self) -> str: ...
    def pairs_arrays(
        self,
        origins_xy: typing.Any,
        destinations_xy: typing.Any,
        max_minutes: typing.SupportsFloat | typing.SupportsIndex = ...,
        max_km: typing.SupportsFloat | typing.SupportsIndex = ...,
        threads: typing.SupportsInt | typing.SupportsIndex = 0,
    ) -> dict:
        """
        Pairs within the limits as a dict of numpy arrays (see TravelPairs).
        """

class StraightLine(TravelModel):
    def __init__(
        self,
        detour: typing.SupportsFloat | typing.SupportsIndex = 1.3,
        speed_kmh: typing.SupportsFloat | typing.SupportsIndex = 60.0,
    ) -> None: ...
    @property
    def detour(self) -> float: ...
    @property
    def speed_kmh(self) -> float: ...

class RoadNetworkOptions:
    class_field: str
    crs: str
    layer: str
    oneway_field: str
    source_crs: str
    speed_field: str
    @staticmethod
    def osm_car() -> RoadNetworkOptions: ...
    def __init__(self) -> None: ...
    @property
    def class_speeds(self) -> list[tuple[str, float]]: ...
    @class_speeds.setter
    def class_speeds(
        self,
        arg0: collections.abc.Sequence[tuple[str, typing.SupportsFloat | typing.SupportsIndex]],
    ) -> None: ...
    @property
    def default_speed_kmh(self) -> float | None: ...
    @default_speed_kmh.setter
    def default_speed_kmh(
        self, arg0: typing.SupportsFloat | typing.SupportsIndex | None
    ) -> None: ...
    @property
    def node_tolerance_m(self) -> float: ...
    @node_tolerance_m.setter
    def node_tolerance_m(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def skip_classes(self) -> list[str]: ...
    @skip_classes.setter
    def skip_classes(self, arg0: collections.abc.Sequence[str]) -> None: ...
    @property
    def snap_max_m(self) -> float: ...
    @snap_max_m.setter
    def snap_max_m(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def snap_speed_kmh(self) -> float: ...
    @snap_speed_kmh.setter
    def snap_speed_kmh(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class RoadNetwork(TravelModel):
    @staticmethod
    def from_edges(
        node_xy: typing.Any,
        edge_from: typing.Any,
        edge_to: typing.Any,
        speed_kmh: typing.Any,
        length_m: typing.Any,
        oneway: typing.Any,
        options: RoadNetworkOptions,
    ) -> RoadNetwork: ...
    @staticmethod
    def from_file(source: str, options: RoadNetworkOptions) -> RoadNetwork: ...
    @staticmethod
    def from_lines(
        line_offsets: typing.Any,
        vertices_xy: typing.Any,
        speed_kmh: typing.Any,
        oneway: typing.Any,
        options: RoadNetworkOptions,
    ) -> RoadNetwork: ...
    @staticmethod
    def load(path: str) -> RoadNetwork: ...
    def csr_arrays(
        self,
    ) -> tuple[
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.float64],
        numpy.typing.NDArray[numpy.float64],
    ]: ...
    def edge_arrays(
        self,
    ) -> tuple[
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.float64],
        numpy.typing.NDArray[numpy.float64],
        numpy.typing.NDArray[numpy.int8],
    ]: ...
    def hierarchy_info(self) -> dict: ...
    def prepare(self, threads: typing.SupportsInt | typing.SupportsIndex = 0) -> None: ...
    def save(self, path: str) -> None: ...
    def snap_arrays(
        self, xy: typing.Any, threads: typing.SupportsInt | typing.SupportsIndex = 0
    ) -> tuple[
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.float64],
        numpy.typing.NDArray[numpy.float64],
    ]: ...
    @property
    def arc_count(self) -> int: ...
    @property
    def component_count(self) -> int: ...
    @property
    def crs(self) -> str: ...
    @property
    def edge_count(self) -> int: ...
    @property
    def ignored_turn_restrictions(self) -> int: ...
    @property
    def is_prepared(self) -> bool: ...
    @property
    def node_count(self) -> int: ...
    @property
    def node_xy(self) -> numpy.ndarray: ...
    @property
    def options(self) -> RoadNetworkOptions: ...
    @property
    def skipped_features(self) -> int: ...

class AssignmentResult:
    """
    Result of solve_assignment (read-only).
    """
    def __repr__(self) -> str: ...
    @property
    def col_load(self) -> numpy.typing.NDArray[numpy.int64]:
        """
        int64 array (n_cols,): number of rows assigned to each column.
        """
    @property
    def col_of_row(self) -> numpy.typing.NDArray[numpy.int64]:
        """
        int64 array (n_rows,): column of each row, -1 = unassigned.
        """
    @property
    def objective(self) -> int:
        """
        Total cost: arc costs + marginal load costs used + unassigned costs.
        """
    @property
    def status(self) -> str:
        """
        'optimal'.
        """

class Referral:
    """
    Why a request was referred elsewhere.

    Members:

      none : not referred

      out_of_scope : the catalogue marks the service referral_only

      not_in_module : the primary location lies outside the areas where the service is offered
    """

    __members__: typing.ClassVar[dict[str, Referral]]
    none: typing.ClassVar[Referral]
    not_in_module: typing.ClassVar[Referral]
    out_of_scope: typing.ClassVar[Referral]
    @typing.overload
    def __eq__(self, other: Referral) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: Referral) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class SolveStatus:
    """
    How the exact solve of a round ended.

    Members:

      optimal : proven optimum

      time_limit : time limit reached: best solution found, with a proven bound
    """

    __members__: typing.ClassVar[dict[str, SolveStatus]]
    optimal: typing.ClassVar[SolveStatus]
    time_limit: typing.ClassVar[SolveStatus]
    @typing.overload
    def __eq__(self, other: SolveStatus) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: SolveStatus) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class Service:
    """
    One entry of the service catalogue (C++ libmatch::Service); libmatch.catalogue builds these from the services table.
    """
    def __init__(self) -> None: ...
    @property
    def budget_eur(self) -> float:
        """
        money left, EUR (inf = no limit)
        """
    @budget_eur.setter
    def budget_eur(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def cost_eur(self) -> float:
        """
        price per case, EUR >= 0
        """
    @cost_eur.setter
    def cost_eur(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def hours(self) -> float:
        """
        effort per case, hours >= 0
        """
    @hours.setter
    def hours(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def max_cases(self) -> int:
        """
        slots left (UNLIMITED = no limit)
        """
    @max_cases.setter
    def max_cases(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def offered_in(self) -> list[int]:
        """
        area indices where the service is offered (empty = everywhere)
        """
    @offered_in.setter
    def offered_in(
        self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]
    ) -> None: ...
    @property
    def refer_to(self) -> str:
        """
        destination of referrals
        """
    @refer_to.setter
    def refer_to(self, arg0: str) -> None: ...
    @property
    def referral_only(self) -> bool:
        """
        never served: referred
        """
    @referral_only.setter
    def referral_only(self, arg0: bool) -> None: ...
    @property
    def travel_in_hours(self) -> bool:
        """
        round trips of the visits are part of the effort
        """
    @travel_in_hours.setter
    def travel_in_hours(self, arg0: bool) -> None: ...
    @property
    def via_advisor_only(self) -> bool:
        """
        specialists: only through a running case (via_case)
        """
    @via_advisor_only.setter
    def via_advisor_only(self, arg0: bool) -> None: ...
    @property
    def visits(self) -> float:
        """
        visits per case (travel_in_hours)
        """
    @visits.setter
    def visits(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class Reservation:
    """
    slots of a service kept for priority requests
    """
    def __init__(self) -> None: ...
    @property
    def min_priority(self) -> int: ...
    @min_priority.setter
    def min_priority(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def service(self) -> int: ...
    @service.setter
    def service(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def slots(self) -> int: ...
    @slots.setter
    def slots(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...

class RunningCase:
    """
    a running case of the register
    """

    advisor_id: str
    applicant_key: str
    @typing.overload
    def __init__(self) -> None: ...
    @typing.overload
    def __init__(
        self,
        applicant_key: str,
        advisor_id: str,
        service: typing.SupportsInt | typing.SupportsIndex,
        x: typing.SupportsFloat | typing.SupportsIndex = ...,
        y: typing.SupportsFloat | typing.SupportsIndex = ...,
    ) -> None: ...
    @property
    def service(self) -> int: ...
    @service.setter
    def service(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...

class Escalation:
    """
    Why a request was escalated (code in the results).

    Members:

      none : not escalated

      no_advisor_for_service : nobody works for the request's service

      no_expertise : nobody of those covers the needed tags

      all_excluded : all of those are excluded

      all_out_of_radius : all of those are beyond their radius or the travel cap

      no_capacity : all of those are full, or their room went to preferred requests

      duplicate_request : a location within duplicate_tolerance_m of an earlier request

      pinned_advisor_unavailable : pinned, but the current advisor is unavailable

      no_hours : eligible advisors exist, none has the free hours the case needs

      slots_exhausted : the service's max_cases are used up

      budget_exhausted : the money left (round or service budget_eur) cannot pay the case

      reserved_for_priority : the remaining slots are reserved for higher priority (Rules.reserve)

      already_in_guidance : the applicant has a running case in the register

      no_open_case : a via_advisor_only service without a running case (via_case)

      unfilled_position : fewer matches than positions (quantity)
    """

    __members__: typing.ClassVar[dict[str, Escalation]]
    all_excluded: typing.ClassVar[Escalation]
    all_out_of_radius: typing.ClassVar[Escalation]
    already_in_guidance: typing.ClassVar[Escalation]
    budget_exhausted: typing.ClassVar[Escalation]
    duplicate_request: typing.ClassVar[Escalation]
    no_advisor_for_service: typing.ClassVar[Escalation]
    no_capacity: typing.ClassVar[Escalation]
    no_expertise: typing.ClassVar[Escalation]
    no_hours: typing.ClassVar[Escalation]
    no_open_case: typing.ClassVar[Escalation]
    none: typing.ClassVar[Escalation]
    pinned_advisor_unavailable: typing.ClassVar[Escalation]
    reserved_for_priority: typing.ClassVar[Escalation]
    slots_exhausted: typing.ClassVar[Escalation]
    unfilled_position: typing.ClassVar[Escalation]
    @typing.overload
    def __eq__(self, other: Escalation) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: Escalation) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class Verdict:
    """
    One advisor's verdict for one request (explain).

    Members:

      eligible : passes every hard rule

      service : works for another service

      expertise : lacks a needed tag

      excluded : conflict of interest

      radius : beyond the radius or max_travel_minutes

      capacity : no free capacity before the round
    """

    __members__: typing.ClassVar[dict[str, Verdict]]
    capacity: typing.ClassVar[Verdict]
    eligible: typing.ClassVar[Verdict]
    excluded: typing.ClassVar[Verdict]
    expertise: typing.ClassVar[Verdict]
    radius: typing.ClassVar[Verdict]
    service: typing.ClassVar[Verdict]
    @typing.overload
    def __eq__(self, other: Verdict) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: Verdict) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class MatchRound:
    def advisors(self) -> dict: ...
    def alternatives(self) -> dict: ...
    def explain(self, request: typing.SupportsInt | typing.SupportsIndex) -> dict: ...
    def positions(self) -> dict: ...
    def requests(self) -> dict: ...
    @property
    def bound(self) -> float: ...
    @property
    def candidate_pairs(self) -> int: ...
    @property
    def gap(self) -> float: ...
    @property
    def n_requests(self) -> int: ...
    @property
    def objective(self) -> int: ...
    @property
    def referred(self) -> int: ...
    @property
    def slots_used(self) -> list[int]: ...
    @property
    def spend_by_service(self) -> list[float]: ...
    @property
    def spend_eur(self) -> float: ...
    @property
    def status(self) -> SolveStatus: ...
    @property
    def unassigned_base(self) -> int: ...

class CaseStatus:
    """
    Status of a simulated case (SimulationResult.cases).

    Members:

      waiting : registered, not yet matched

      in_service : with an advisor

      completed : guidance finished

      escalated : unmatched for escalate_after_weeks weeks

      referred : referred elsewhere on arrival
    """

    __members__: typing.ClassVar[dict[str, CaseStatus]]
    completed: typing.ClassVar[CaseStatus]
    escalated: typing.ClassVar[CaseStatus]
    in_service: typing.ClassVar[CaseStatus]
    referred: typing.ClassVar[CaseStatus]
    waiting: typing.ClassVar[CaseStatus]
    @typing.overload
    def __eq__(self, other: CaseStatus) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: CaseStatus) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class StintEnd:
    """
    How a case-advisor stint ended (SimulationResult.assignments).

    Members:

      running : still running at the horizon

      completed : the case was completed

      no_klik : 'no klik': the case went back to the queue

      reassigned : moved by an advisor event (leave, absence, capacity)
    """

    __members__: typing.ClassVar[dict[str, StintEnd]]
    completed: typing.ClassVar[StintEnd]
    no_klik: typing.ClassVar[StintEnd]
    reassigned: typing.ClassVar[StintEnd]
    running: typing.ClassVar[StintEnd]
    @typing.overload
    def __eq__(self, other: StintEnd) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: StintEnd) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class AdvisorStatus:
    """
    Advisor status per week (SimulationResult.advisor_weeks).

    Members:

      in_pool : available

      absent : absent this week

      not_joined : joins later

      left : has left
    """

    __members__: typing.ClassVar[dict[str, AdvisorStatus]]
    absent: typing.ClassVar[AdvisorStatus]
    in_pool: typing.ClassVar[AdvisorStatus]
    left: typing.ClassVar[AdvisorStatus]
    not_joined: typing.ClassVar[AdvisorStatus]
    @typing.overload
    def __eq__(self, other: AdvisorStatus) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: AdvisorStatus) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class Simulator:
    def __init__(
        self, spec: dict, threads: typing.SupportsInt | typing.SupportsIndex = 0
    ) -> None: ...
    def run(
        self, seed: typing.SupportsInt | typing.SupportsIndex, details: bool = True
    ) -> dict: ...
    @property
    def advisor_ids(self) -> list[str]: ...
    @property
    def horizon_weeks(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def service_names(self) -> list[str]: ...

class DesignProblem:
    """
    Unit graph, demand, advisors and travel of an area design.
    """
    @staticmethod
    def from_areas(
        units: AreaSet,
        demand: typing.Any,
        min_border_m: typing.SupportsFloat | typing.SupportsIndex = 0.0,
    ) -> DesignProblem: ...
    def set_advisors(
        self,
        units: AreaSet,
        xy: typing.Any,
        capacity: typing.Any = None,
        max_snap_m: typing.SupportsFloat | typing.SupportsIndex = ...,
    ) -> None: ...
    def set_options(self, islands: str, weights: DesignWeights) -> None: ...
    def set_travel(self, km: typing.Any, minutes: typing.Any = None) -> None:
        """
        Travel matrix (units x advisors, or units x units without advisors): entry [i, j] is the travel from origin j to unit i; NaN = unreachable.
        """
    @property
    def adjacency(
        self,
    ) -> tuple[
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.float64],
    ]: ...
    @property
    def advisor_unit(self) -> numpy.typing.NDArray[numpy.int64]: ...
    @property
    def centroids(self) -> numpy.typing.NDArray[numpy.float64]: ...
    @property
    def n_advisors(self) -> int: ...
    @property
    def n_units(self) -> int: ...

class PreparedDesign:
    """
    A DesignProblem validated and densified once (see design.hpp).
    """
    def __init__(self, problem: DesignProblem) -> None: ...
    def check_bounds(self, labels: typing.Any, bounds: typing.Any) -> list[str]: ...
    def design(
        self,
        options: DesignOptions,
        initial: typing.Any = None,
        fixed: typing.Any = None,
        bounds: typing.Any = None,
    ) -> dict: ...
    def evaluate(self, labels: typing.Any) -> dict: ...
    @property
    def n_units(self) -> int: ...

def _raise_for_test(arg0: str) -> None: ...
def close_pairs(
    xy: typing.Any, group: typing.Any, tolerance_m: typing.SupportsFloat | typing.SupportsIndex
) -> tuple[
    numpy.typing.NDArray[numpy.int64],
    numpy.typing.NDArray[numpy.int64],
    numpy.typing.NDArray[numpy.float64],
]:
    """
    All pairs (a < b) of points of different groups within tolerance_m, sorted by a, b.
    """

def match_round(
    req_ids: collections.abc.Sequence[str],
    loc_offsets: typing.Any,
    loc_xy: typing.Any,
    req_service: typing.Any,
    need_offsets: typing.Any,
    need_values: typing.Any,
    priority: typing.Any,
    excl_offsets: typing.Any,
    excl_values: typing.Any,
    current: typing.Any,
    pinned: typing.Any,
    registered: typing.Any,
    adv_ids: collections.abc.Sequence[str],
    adv_xy: typing.Any,
    adv_service: typing.Any,
    exp_offsets: typing.Any,
    exp_values: typing.Any,
    capacity: typing.Any,
    caseload: typing.Any,
    radius_km: typing.Any,
    radius_minutes: typing.Any,
    area_offsets: typing.Any,
    area_values: typing.Any,
    areas: typing.Any,
    travel: typing.Any,
    weights: Weights,
    rules: Rules,
    programme: dict = {},
) -> MatchRound: ...
def nearest_other_group(
    xy: typing.Any,
    group: typing.Any,
    tolerance_m: typing.SupportsFloat | typing.SupportsIndex,
    threads: typing.SupportsInt | typing.SupportsIndex = 0,
) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.float64]]:
    """
    Per point: the nearest point of another group within tolerance_m (index, distance), -1 / NaN when none.
    """

def apply_effort(
    options: DesignOptions, effort: str, units: typing.SupportsInt | typing.SupportsIndex
) -> None:
    """
    Set starts, iterations and anneal of options to the search preset for `units` units.
    """

def read_numeric_field(
    source: str, layer: str, id_field: str, field: str
) -> tuple[list[str], numpy.typing.NDArray[numpy.float64]]: ...
def read_table(source: str, layer: str = "", target_crs: str = "", source_crs: str = "") -> dict:
    """
    Reads a vector layer: dict(rows, columns=[(name, kind, values, valid)], geometry=[wkb or None] or None, crs_wkt).
    """

def same_crs(a: str, b: str) -> bool:
    """
    True when two CRS strings denote the same CRS.
    """

def simulate_many(
    simulators: collections.abc.Sequence[Simulator],
    seeds: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex],
    threads: typing.SupportsInt | typing.SupportsIndex = 0,
    progress: typing.Any = None,
    weekly: bool = False,
) -> dict: ...
def solve_assignment(
    n_rows: typing.Any,
    n_cols: typing.Any,
    rows: typing.Any,
    cols: typing.Any,
    costs: typing.Any,
    capacities: typing.Any,
    unassigned_cost: typing.Any,
    load_costs: typing.Any = None,
) -> AssignmentResult:
    """
    Exact min-cost transportation; see libmatch.flow.solve_assignment.
    """

def transform_points(
    xy: typing.Any, from_crs: str, to_crs: str
) -> numpy.typing.NDArray[numpy.float64]: ...
def validate_scenario(spec: dict) -> None: ...
def write_table(
    dest: str,
    layer: str,
    rows: typing.SupportsInt | typing.SupportsIndex,
    columns: list,
    geometry: typing.Any = None,
    crs: str = "",
    overwrite: bool = True,
) -> None:
    """
    Writes a table (columns as read_table returns them) as a layer of `dest`.
    """

COST_SCALE: int = 100
SIMULATION_ESCALATION_KEYS: tuple = (
    "escalated_no_advisor_for_service",
    "escalated_no_expertise",
    "escalated_all_excluded",
    "escalated_all_out_of_radius",
    "escalated_no_capacity",
)
UNLIMITED: int = 9223372036854775807
__version__: str = "0.1.0"
