#pragma once
// Orientation-area design: group units (municipalities, postcode areas...) into k contiguous
// areas, evaluate a plan, and optimise one.
//
// Units and coordinates are those of the working CRS (projected metres); travel in km
// (and minutes, for reports). Everything here works on dense unit indices 0..n-1; unit ids
// are used in messages only.
//
// CONTIGUITY (hard rule). Two units are neighbours when they share a border longer than the
// tolerance used to build `DesignProblem::adjacency` (a point contact is not a border). An
// area is contiguous when its units are connected through neighbour pairs. The optimiser only
// ever returns contiguous plans.
//
// ISLANDS AND EXCLAVES. A unit is one polygon set, so a municipality's own exclaves travel with
// it. What matters is the unit graph: when it is not connected (islands such as the Wadden
// islands, or a detached group such as Zeeuws-Vlaanderen, whose only land border is foreign):
//  - IslandRule::Error (default): InvalidInput naming the units without any neighbour and
//    the other detached groups.
//  - IslandRule::Attach: the graph's connected parts are joined by "links", chosen like a
//    minimum spanning tree (Kruskal) over the shortest centroid-to-centroid distance between
//    two parts; ties go to the lower unit indices. A link counts as a border of length 0:
//    it makes the two units neighbours for contiguity but adds nothing to compactness.
//    Texel, for instance, is linked to the mainland unit nearest by centroid.
//
// OBJECTIVE (lower is better), for a plan with k areas:
//   objective = w_balance * imbalance + w_travel * travel_km / reference_km
//             + w_compactness * (1 - mean Polsby-Popper)
//  - demand D_r and capacity C_r per area; D, C their totals. Capacity is the summed
//    capacity of the advisors whose base lies in the area or, without advisors, the equal
//    share D / k. imbalance = sqrt( sum_r (D_r/D - C_r/C)^2 * C / C_r ): the capacity-weighted
//    RMS deviation of the load ratio (D_r/C_r) from the overall ratio, as a fraction
//    (0.1 = areas typically 10% over or under their fair load).
//  - travel_km is the demand-weighted mean travel per unit, unit travel t_i being
//      with advisors: the capacity-weighted mean km from the area's advisor bases to the
//                     unit's centroid (work spread over the area's advisors by capacity);
//      without advisors and without a travel matrix: the straight-line km from the unit's
//                     centroid to the area's demand-weighted centre (mean of unit centroids
//                     weighted by demand; unweighted when the area has no demand);
//      without advisors, with a unit-to-unit travel matrix: km from the area's medoid unit
//                     (the member unit minimising the demand-weighted travel to the area,
//                     lowest index on ties) to the unit.
//  - reference_km = sqrt(total unit area / (pi * k)) / 1000, the radius of a disc with the
//    mean area size, which makes the travel term scale free.
//  - Polsby-Popper of an area = 4 pi A / P^2, with A the summed unit areas and P the summed
//    unit perimeters minus twice the shared border lengths inside the area (equal to the
//    dissolved polygon's perimeter when units share their borders exactly). It is a
//    tie-breaker with the default weight 0.01.
//
// HARD BOUNDS (DesignBounds; never traded against the objective). The fair share of an area
// is D x C_r / C (with advisors) or D / k; demand_bounds (lo, hi) ask lo x share <= D_r <=
// hi x share. max_travel_km caps every unit's travel t_i as defined under OBJECTIVE.
// min_units / max_units cap the units per area; area_of fixes units to an area label;
// must_link / cannot_link pairs share (or never share) an area. design_areas returns only
// plans honouring every bound (checked once more by evaluate_plan); when none exists it throws
// InfeasibleBounds naming an irreducible conflicting set: dropping any one of its bounds makes
// the rest satisfiable together with contiguity and k (shown by the exact model below, or by
// counting/union-find arguments for the simple cases).
//
// PROVEN QUALITY (DesignOptions::bound), for the travel mode "medoid" (a unit-to-unit travel
// matrix without advisors), where an area's travel is its medoid's, i.e. the best centre's.
// `bound` is a LOWER BOUND of balance + travel, with the compactness term
// w_c (1 - mean Polsby-Popper) at its floor 0 (Polsby-Popper <= 1); hence `bound` <= the
// objective of every plan meeting the hard bounds, and `gap` = (objective - bound) /
// objective includes the plan's whole compactness term. It is the largest of the methods
// run, one after the other within `bound_time_limit_s` together:
//  1. Banded Lagrangian (design_bound.cpp; n <= kMaxLagrangianUnits, O(n^2) memory). For
//     the plans whose imbalance I lies in a band [a, b]: each area's share deviation
//     |D_r/D - 1/k| <= b / sqrt(k) (from I^2 = k sum_r (D_r/D - 1/k)^2), and I >= a + (I^2 -
//     a^2) / (a + b) (chord of the concave root on [a^2, b^2]), separable over areas.
//     Contiguity is dropped except for one consequence: a unit joins a centre's area only if
//     some path between them carries at most the band's demand cap. Relaxing "every unit in
//     one area" with multipliers leaves one 0-1 knapsack per centre (dynamic programme over
//     integer demand; fractional demand on a grid of ~2000 steps per fair share, the
//     rounding error added to the demand range), the k best centres taken; subgradient
//     steps raise it. Of the hard bounds it keeps demand_bounds and max_travel_km (the
//     others are relaxed away). Bands cover [0, (U - travel bound) / w_b], U the plan's objective
//     (plans beyond cost more than U); the weakest band is split while that pays. Cost per
//     step O(n^2 x demand states of a band).
//  2. Exact model (COIN-OR CBC; n <= kMaxBoundUnits), a Hess-style MIP: x_ij = 1 when unit i
//     belongs to the area centred at unit j (x_jj = 1 for the k centres), contiguity by a
//     single-commodity flow per centre (every member receives one unit of flow from its
//     centre through members only), the hard bounds as linear rows; travel exact (sum of d_i
//     x_ij t_ij); each squared deviation (D_r/D - 1/k)^2 under-estimated by tangents and the
//     root of their sum by the rotated-cone tangents (a norm, so convex). It runs in the time
//     the Lagrangian leaves, only when that bound does not already prove the plan; its
//     n^2 binaries and n x 2|E| flows make it practical for <= ~60 units (CBC may overrun
//     the limit while it solves the root). When its own plan is better, it is returned.
//  0. Column generation over connected areas (design_colgen.cpp; experimental, only with
//     DesignOptions::bound_colgen, n <= kMaxColgenUnits; run first, the others after it in
//     the time left when it does not prove the plan). Same bands and chord as method 1, range
//     [0, (U0 - travel bound) / w_b] with U0 the plan's balance + travel; per band the LP
//     relaxation of the set partitioning over columns (connected unit set S meeting the
//     band's demand range, demand_bounds, min/max_units, centre j in S with every member
//     within max_travel_km of j), cost = travel of S from j + the band's convex balance term
//     of D_S; every unit covered once, exactly k columns. Master LP COIN-OR CLP; pricing per
//     centre: greedy growth, then an exact depth-first enumeration of connected sets (each
//     set once) pruned by a convex relaxation, with growing node budgets. Every pricing round
//     of all centres gives the valid bound sum pi + k mu + k x (least reduced cost, or a
//     relaxation of it where a budget cut the search off); the band keeps its best. So it
//     is a bound of the LP relaxation of the connected set partitioning (exact LP value only
//     when the column generation converges). Exponential pricing: on Noord-Brabant (56
//     units, k = 6) it does not converge within 60 s (benchmarks/RESULTS.md).
// Status Optimal means the plan's balance + travel cost is within `bound_tolerance`
// (relative) of `bound`; TimeLimit that a method stopped at the limit; Gap otherwise;
// TooLarge that neither method applies (n above both caps, or the method chosen is off).
// The bound depends on the time limit (machine speed) when a method stops there.
//
// DETERMINISM. design_areas returns the same plan for the same input and seed whatever the
// thread count, as long as the run is not cut short by `time_limit_s` (a time limit makes the
// result depend on machine speed).
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "libmatch/areas.hpp"
#include "libmatch/error.hpp"
#include "libmatch/export.hpp"

namespace libmatch {

class TravelModel;

/// What to do with units that cannot reach the others through shared borders (see above).
enum class IslandRule {
  Error,   ///< the unit graph must be connected
  Attach,  ///< join disconnected parts by nearest-centroid links (Kruskal)
};

/// Parses "error" / "attach"; InvalidInput otherwise.
LIBMATCH_EXPORT IslandRule parse_island_rule(const std::string& name);

struct DesignWeights {
  double balance = 1.0;       ///< per unit of imbalance (a fraction)
  double travel = 1.0;        ///< per reference_km of demand-weighted mean travel
  double compactness = 0.01;  ///< per unit of (1 - mean Polsby-Popper)
};

/// The whole input of evaluation and optimisation: a unit graph, demand, optional advisors
/// and an optional travel matrix. Plain data; validated by evaluate_plan / design_areas.
struct DesignProblem {
  std::vector<std::string> ids;     ///< unit ids, for messages (empty: "#<index>")
  std::vector<XY> centroid;         ///< unit centroids, metres
  std::vector<double> area_m2;      ///< unit areas, > 0
  std::vector<double> perimeter_m;  ///< unit perimeters, > 0
  std::vector<double> demand;       ///< per unit, finite, >= 0; total in (0, 1e100] (else Overflow)
  /// Neighbour pairs with their shared border (a != b, any order, duplicates not allowed).
  std::vector<Adjacency> adjacency;

  /// Optional advisors: base coordinates, the unit holding each base (index) and capacity
  /// (> 0; empty = 1 each). Every area must contain at least one advisor's base.
  std::vector<XY> advisor_xy;
  std::vector<std::int64_t> advisor_unit;
  std::vector<double> advisor_capacity;

  /// Optional travel matrix, row-major n x m: travel_km[i * m + j] is the km from advisor j's
  /// base to unit i (m = number of advisors) or, without advisors, from unit j's centroid to
  /// unit i (m = n). NaN marks an unreachable pair, which counts as 2 x the straight-line km.
  /// Empty: straight-line km (advisors: base to centroid; otherwise to the area centre).
  std::vector<double> travel_km;
  /// Optional minutes, same shape as travel_km; reported only (NaN pairs are filled with the
  /// fallback km times the mean minutes per km of the known pairs).
  std::vector<double> travel_minutes;

  IslandRule islands = IslandRule::Error;
  DesignWeights weights;
};

/// Fills ids, centroids, areas, perimeters and adjacency (borders longer than `min_border_m`)
/// from an AreaSet, with one demand value per area. Demand is validated later.
LIBMATCH_EXPORT DesignProblem make_design_problem(const AreaSet& units,
                                                  std::span<const double> demand,
                                                  double min_border_m = 0.0);

/// Sets advisors: `xy` holds m bases (x0,y0,x1,y1,...), `capacity` m values (or empty).
/// A base belongs to the unit containing it, else to the nearest unit (within `max_snap_m`;
/// beyond it InvalidInput naming the advisor's index).
LIBMATCH_EXPORT void set_advisors(DesignProblem& problem, const AreaSet& units,
                                  std::span<const double> xy, std::span<const double> capacity,
                                  double max_snap_m = std::numeric_limits<double>::infinity());

/// Fills travel_km / travel_minutes from a travel model: advisor bases (or, without advisors,
/// unit centroids) as origins, unit centroids as destinations. Memory: n x m doubles twice.
LIBMATCH_EXPORT void set_travel(DesignProblem& problem, const TravelModel& model, int threads = 0);

/// Plan-level figures of evaluate_plan.
struct PlanSummary {
  double objective = 0.0;
  double imbalance = 0.0;
  double travel_km = 0.0;  ///< demand-weighted mean unit travel
  double max_travel_km = 0.0;
  double total_travel_km = 0.0;  ///< sum of demand * unit travel
  double compactness = 0.0;      ///< mean Polsby-Popper
  double reference_km = 0.0;
  bool all_contiguous = true;  ///< every area contiguous
};

/// Per-area report and plan summary of evaluate_plan. Per-area vectors have k entries.
struct PlanEvaluation {
  std::vector<std::int64_t> units;     ///< number of units
  std::vector<std::int64_t> advisors;  ///< advisors whose base lies in the area
  std::vector<double> demand;
  std::vector<double> capacity;        ///< advisors' capacity, or D / k without advisors
  std::vector<double> load_ratio;      ///< demand / capacity
  std::vector<double> mean_travel_km;  ///< demand-weighted (unweighted if no demand)
  std::vector<double> max_travel_km;   ///< over all member units
  // Areas without an advisor (evaluation only) have capacity 0, load ratio inf (objective
  // inf) and their units' travel is the capacity-weighted mean from all advisors.
  std::vector<double> mean_travel_minutes;  ///< NaN without travel minutes
  std::vector<double> max_travel_minutes;
  std::vector<double> area_m2;
  std::vector<double> perimeter_m;  ///< unit perimeters minus twice the inner borders
  std::vector<double> polsby_popper;
  std::vector<std::int64_t> parts;       ///< connected pieces through shared borders only
  std::vector<std::uint8_t> contiguous;  ///< connected under the island rule (links count)

  std::vector<double> unit_travel_km;       ///< t_i per unit (see OBJECTIVE)
  std::vector<double> unit_travel_minutes;  ///< NaN without travel minutes
  std::vector<Adjacency> links;             ///< island links used (empty under IslandRule::Error)

  PlanSummary summary;
};

/// Evaluates a plan: labels[i] in 0..k-1 with k = max label + 1, every label used.
/// Never fails on a non-contiguous plan (see `contiguous`); InvalidInput on bad data.
LIBMATCH_EXPORT PlanEvaluation evaluate_plan(const DesignProblem& problem,
                                             std::span<const std::int64_t> labels);

/// Hard bounds on every area (see HARD BOUNDS). Defaults: no bound.
struct LIBMATCH_EXPORT DesignBounds {
  double demand_lo = 0.0;                                      ///< fraction of the fair share, >= 0
  double demand_hi = std::numeric_limits<double>::infinity();  ///< fraction, >= lo
  double max_travel_km = std::numeric_limits<double>::infinity();  ///< per unit, km
  std::int64_t min_units = 0;                                      ///< 0 = none
  std::int64_t max_units = 0;                                      ///< 0 = none
  std::vector<std::int64_t> area_of;  ///< per unit: required label 0..k-1 or -1 (empty = none)
  std::vector<std::pair<std::int64_t, std::int64_t>> must_link;    ///< unit index pairs
  std::vector<std::pair<std::int64_t, std::int64_t>> cannot_link;  ///< unit index pairs
  bool any() const;
};

/// A design whose hard bounds cannot all hold. `conflict()` names an irreducible set of
/// bounds ("demand_hi", "max_units", "area_of 'GM0796' = 2", "must_link 'a' 'b'", ...).
/// `proven()` is false when no plan was found but infeasibility was not shown (the exact
/// model timed out or does not apply at this size); the conflict is then empty.
class LIBMATCH_EXPORT InfeasibleBounds : public InvalidInput {
 public:
  InfeasibleBounds(const std::string& what, std::vector<std::string> conflict, bool proven = true)
      : InvalidInput(what), conflict_(std::move(conflict)), proven_(proven) {}
  const std::vector<std::string>& conflict() const { return conflict_; }
  bool proven() const { return proven_; }

 private:
  std::vector<std::string> conflict_;
  bool proven_ = true;
};

/// Bound violations of a plan: one entry per violated bound, named as in InfeasibleBounds
/// (per area: "demand_hi: area 2"). Empty = every bound holds. O(n + pairs + area sizes).
LIBMATCH_EXPORT std::vector<std::string> check_bounds(const DesignProblem& problem,
                                                      std::span<const std::int64_t> labels,
                                                      const DesignBounds& bounds);

enum class BoundStatus {
  None,       ///< no bound requested
  Optimal,    ///< proven optimal (see PROVEN QUALITY)
  TimeLimit,  ///< a method stopped at the time limit; bound is the best so far
  Gap,        ///< model solved, but the plan is farther from the bound than the tolerance
  TooLarge,   ///< no bound method applies at this size (bound -inf)
};
/// Largest unit count for which DesignOptions::bound builds the exact model (MIP).
inline constexpr std::int64_t kMaxBoundUnits = 150;
/// Largest unit count for the column-generation bound (its exact pricing enumerates
/// connected unit sets: exponential in the area size, practical for small instances).
inline constexpr std::int64_t kMaxColgenUnits = 100;
/// Largest unit count for the banded Lagrangian bound (n^2 costs in memory).
inline constexpr std::int64_t kMaxLagrangianUnits = 3000;
LIBMATCH_EXPORT std::string to_string(BoundStatus s);

struct DesignOptions {
  std::int64_t k = 0;  ///< number of areas, 1..n (with advisors: at most the number
                       ///< of distinct units holding a base)
  std::uint64_t seed = 0;
  int starts = 8;   ///< independent multi-starts (>= 1); the best is kept
  int threads = 0;  ///< <= 0: all cores; never changes the result
  double time_limit_s = std::numeric_limits<double>::infinity();  ///< wall-clock cap
  std::int64_t iterations = 0;  ///< annealing proposals per start; 0 = automatic (max(2000, 50 n))
  /// false: no annealing; each start is its seeded region growing plus the greedy descent
  /// (the fastest setting, O(starts x descent passes x edges x area size)).
  bool anneal = true;
  /// Repair mode: a starting plan (labels 0..k-1, all used). Pieces of a non-contiguous area
  /// other than its largest (by demand, then units) are released and re-attached to
  /// neighbouring areas, then the plan is improved; the result is never worse than the
  /// repaired start. Labels keep their numbers.
  std::vector<std::int64_t> initial;
  /// With `initial`: per unit, nonzero = the unit keeps its initial label.
  std::vector<std::uint8_t> fixed;
  DesignBounds bounds;  ///< hard bounds, honoured by every returned plan
  /// Also solve the exact model (see PROVEN QUALITY); needs a unit-to-unit travel matrix and
  /// no advisors. When the model's own plan is better than the search's, it is returned.
  bool bound = false;
  double bound_time_limit_s = 60.0;  ///< CBC wall-clock limit, seconds
  double bound_tolerance = 1e-3;     ///< relative gap counted as optimal
  bool bound_lagrangian = true;      ///< run the banded Lagrangian bound (see PROVEN QUALITY)
  bool bound_mip = true;             ///< run the exact MIP (n <= kMaxBoundUnits)
  /// Run the column-generation bound over connected areas first (n <= kMaxColgenUnits);
  /// experimental, off by default (see PROVEN QUALITY, method 0).
  bool bound_colgen = false;
};

/// Search presets (Python's `effort=`), for a problem of `units` units. Sets `starts`,
/// `iterations` and `anneal` only:
///  - "fast": 1 start, no annealing (region growing + greedy descent; within a few % of
///    "default" in microseconds to milliseconds);
///  - "default": the member defaults above (8 starts, max(2000, 50 n) proposals);
///  - "thorough": 32 starts of 1000 n proposals each, clamped to 20,000-500,000 (at 1-3 us a
///    proposal: seconds for a few hundred units, at most tens of seconds on 2 cores). The
///    plan to put under `bound = true`: on the 342 Dutch municipalities (k = 12) it lowers
///    the objective by ~5 % against "default" (benchmarks/RESULTS.md).
/// Throws InvalidInput for another name or units < 0.
LIBMATCH_EXPORT void apply_effort(DesignOptions& options, const std::string& effort,
                                  std::int64_t units);

struct DesignResult {
  /// Area per unit. Without `initial` and `area_of`, areas are numbered in the order of
  /// their smallest unit id (area 0 holds the smallest id; by unit index when ids are empty),
  /// so equal inputs in another row order give the same label per unit id.
  std::vector<std::int64_t> labels;
  double objective = 0.0;
  double imbalance = 0.0;
  double travel_km = 0.0;
  double compactness = 0.0;
  int starts_completed = 0;  ///< starts that ran their full budget
  int best_start = 0;
  std::int64_t iterations = 0;  ///< proposals evaluated over all starts
  bool time_limit_reached = false;
  std::vector<Adjacency> links;  ///< island links used
  /// With DesignOptions::bound: lower bound on the objective, relative gap, status.
  double bound = -std::numeric_limits<double>::infinity();
  double gap = std::numeric_limits<double>::quiet_NaN();
  BoundStatus status = BoundStatus::None;
  bool from_model = false;  ///< the plan is the exact model's (better than the search's)
  double bound_seconds = 0.0;
  /// The two methods' own bounds (-inf when not run); `bound` is the larger.
  double bound_lagrangian = -std::numeric_limits<double>::infinity();
  double bound_mip = -std::numeric_limits<double>::infinity();
  double bound_colgen = -std::numeric_limits<double>::infinity();
};

/// Per start: k-means++ seeds (advisor units when advisors are given) and region growing
/// (the least-loaded area takes its nearest free neighbour), then simulated annealing over
/// contiguity-preserving moves: a unit joins a neighbouring area, optionally followed by a
/// unit of that area moving back (keeps balance while a border shifts); articulation points
/// of an area never move. Then a greedy descent. The best of `starts` runs wins (ties: lowest
/// start). Hard bounds enter the annealing as a penalty (State::kPenalty per unit of
/// normalised violation) and plans are ranked feasible-first; fixed units seed their areas and
/// never move. Conflicts shown by counting or by must-link chains are reported before the search,
/// at any size (InfeasibleBounds, proven). When no start ends feasible, a lighter search than
/// the default (fewer starts, no annealing: effort "fast") is first repeated at the default,
/// then the exact model finds a feasible start or the call throws InfeasibleBounds (not proven
/// when the model times out or n > kMaxBoundUnits). Cost per start O(iterations x area size);
/// memory O(n + edges). Throws InvalidInput for k out of range, NaN or negative demand, an
/// unconnected unit graph under IslandRule::Error, a bad initial plan. Validates and densifies the
/// problem on every call: PreparedDesign (below) does it once for several designs of the same
/// units.
LIBMATCH_EXPORT DesignResult design_areas(const DesignProblem& problem,
                                          const DesignOptions& options);

namespace detail {
struct Model;  // the validated dense form (private)
}

/// A DesignProblem validated and densified once (CSR unit graph, island links, travel
/// tables, geometry sums) for many designs and evaluations of the same units, e.g. an
/// analyst trying several k or options. design() and evaluate() give exactly what
/// design_areas() and evaluate_plan() give for the same problem (they are built on it).
/// Unit order: the model is built and searched in a canonical order (units sorted by id;
/// the given order when ids are empty), so plans, objectives and bounds do not depend on the
/// row order of the units. Every index in or out (labels, initial, fixed, area_of, link
/// pairs, unit travel, island links) is in the caller's order; the problem's validation
/// names the first bad row in that order.
/// Immutable after construction: const calls may run concurrently from several threads, and
/// copies share the prepared data. Memory: the problem's travel tables (n x m doubles, twice
/// with minutes) plus O(n + edges). Construction is O(n log n + edges + n x m) plus, under
/// IslandRule::Attach with a disconnected graph, O(n^2) per linking round; units not in id
/// order are prepared twice (validated as given, then permuted), with a transient copy of
/// the problem.
class LIBMATCH_EXPORT PreparedDesign {
 public:
  /// Validates as evaluate_plan does (InvalidInput naming the unit, advisor or pair at fault).
  /// An unconnected unit graph under IslandRule::Error is accepted here (evaluate() reports
  /// such plans) and rejected by design() with the same message as design_areas().
  explicit PreparedDesign(const DesignProblem& problem);

  std::int64_t n_units() const;
  /// Island links used (empty under IslandRule::Error).
  const std::vector<Adjacency>& links() const;
  /// As design_areas(problem, options).
  DesignResult design(const DesignOptions& options) const;
  /// As evaluate_plan(problem, labels).
  PlanEvaluation evaluate(std::span<const std::int64_t> labels) const;
  /// As check_bounds(problem, labels, bounds).
  std::vector<std::string> check_bounds(std::span<const std::int64_t> labels,
                                        const DesignBounds& bounds) const;

 private:
  std::shared_ptr<const detail::Model> model_;  ///< in the canonical unit order
  /// Per unit in the caller's order: its index in model_; empty when the orders agree.
  std::vector<std::int64_t> canon_;
  std::vector<Adjacency> links_;  ///< model_->links in the caller's unit indices
  std::string graph_error_;       ///< the unconnected-graph message under IslandRule::Error, or ""
};

/// Reads one numeric attribute per feature of a vector layer, with the feature ids from
/// `id_field` (as strings), in layer order. Null values become NaN. An empty `layer` picks
/// the layer as AreaSet::from_file does (the only one with both fields). Throws FileMissing,
/// FileError, UnknownId (layer or field), InvalidInput (several layers have both fields).
LIBMATCH_EXPORT void read_numeric_field(const std::string& source, const std::string& layer,
                                        const std::string& id_field, const std::string& field,
                                        std::vector<std::string>& ids, std::vector<double>& values);

}  // namespace libmatch
