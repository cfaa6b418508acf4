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
    "AreaSet",
    "AssignmentResult",
    "COST_SCALE",
    "DesignProblem",
    "ESCALATION_REASONS",
    "MatchRound",
    "RoadNetwork",
    "RoadNetworkOptions",
    "SIMULATION_ESCALATION_KEYS",
    "Simulator",
    "StraightLine",
    "TravelModel",
    "VERDICTS",
    "close_pairs",
    "design_areas",
    "evaluate_plan",
    "match_round",
    "nearest_other_group",
    "read_numeric_field",
    "same_crs",
    "simulate_many",
    "solve_assignment",
    "transform_points",
    "validate_scenario",
]

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

class MatchRound:
    def advisors(self) -> dict: ...
    def alternatives(self) -> dict: ...
    def explain(self, request: typing.SupportsInt | typing.SupportsIndex) -> dict: ...
    def requests(self) -> dict: ...
    @property
    def candidate_pairs(self) -> int: ...
    @property
    def n_requests(self) -> int: ...
    @property
    def objective(self) -> int: ...
    @property
    def unassigned_base(self) -> int: ...

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
    def set_options(
        self,
        islands: str = "error",
        balance: typing.SupportsFloat | typing.SupportsIndex = 1.0,
        travel: typing.SupportsFloat | typing.SupportsIndex = 1.0,
        compactness: typing.SupportsFloat | typing.SupportsIndex = 0.01,
    ) -> None: ...
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

def design_areas(
    problem: DesignProblem,
    k: typing.SupportsInt | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex = 0,
    starts: typing.SupportsInt | typing.SupportsIndex = 8,
    threads: typing.SupportsInt | typing.SupportsIndex = 0,
    time_limit_s: typing.SupportsFloat | typing.SupportsIndex = ...,
    iterations: typing.SupportsInt | typing.SupportsIndex = 0,
    initial: typing.Any = None,
    fixed: typing.Any = None,
) -> dict: ...
def evaluate_plan(problem: DesignProblem, labels: typing.Any) -> dict: ...
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
    weights: dict,
    rules: dict,
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

def read_numeric_field(
    source: str, layer: str, id_field: str, field: str
) -> tuple[list[str], numpy.typing.NDArray[numpy.float64]]: ...
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

COST_SCALE: int = 100
ESCALATION_REASONS: list = [
    "",
    "no_advisor_for_service",
    "no_expertise",
    "all_excluded",
    "all_out_of_radius",
    "no_capacity",
    "duplicate_request",
    "pinned_advisor_unavailable",
]
SIMULATION_ESCALATION_KEYS: tuple = (
    "escalated_no_advisor_for_service",
    "escalated_no_expertise",
    "escalated_all_excluded",
    "escalated_all_out_of_radius",
    "escalated_no_capacity",
)
VERDICTS: list = ["eligible", "service", "expertise", "excluded", "radius", "capacity"]
__version__: str = "0.1.0"
