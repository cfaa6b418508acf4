#pragma once
// Private: the validated design model (CSR unit graph, travel tables) and the incremental
// plan state shared by evaluate_plan and design_areas.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "libmatch/design.hpp"

namespace libmatch::detail {

enum class TravelMode {
  Advisors,  ///< capacity-weighted mean from the area's supply units
  Centre,    ///< straight line to the demand-weighted centre
  Medoid,    ///< unit-to-unit matrix, from the area's medoid unit
};

/// A validated DesignProblem in dense form. Built by prepare().
struct Model {
  std::int64_t n = 0;
  std::vector<std::string> ids;
  std::vector<XY> c;
  std::vector<double> area, per, d;
  double total_demand = 0.0;
  double total_area = 0.0;
  DesignWeights w;
  IslandRule islands = IslandRule::Error;

  // Unit graph in CSR form, borders plus island links (link edges have border 0).
  std::vector<std::int64_t> off;
  std::vector<std::int32_t> nb;
  std::vector<double> border;
  std::vector<std::uint8_t> is_link;
  std::vector<Adjacency> links;
  std::int64_t border_components = 1;  ///< connected parts through borders only

  TravelMode mode = TravelMode::Centre;
  // Supply units: units holding at least one advisor base (advisor mode only).
  std::vector<std::int32_t> supply_of;    ///< per unit: supply index or -1
  std::vector<std::int32_t> supply_unit;  ///< per supply index: unit
  std::vector<double> supply_cap;         ///< per supply index: summed capacity
  std::int64_t n_advisors = 0;
  std::vector<std::int64_t> advisors_in_unit;  ///< advisors per unit
  double total_capacity = 0.0;
  /// Advisor mode: n x n_supply, sum over the unit's advisors of capacity * km.
  /// Medoid mode: n x n, km from unit j to unit i at [i * n + j].
  std::vector<double> tt;
  std::vector<double> tt_min;  ///< same shape as tt, minutes (empty if none)
  std::int64_t tt_cols = 0;

  std::string id(std::int64_t i) const;
};

/// Validated hard bounds in dense form (see design.hpp HARD BOUNDS).
struct HardBounds {
  bool active = false;
  double lo = 0.0, hi = std::numeric_limits<double>::infinity();
  double max_km = std::numeric_limits<double>::infinity();
  std::int64_t min_units = 0, max_units = 0;  ///< 0 = none
  std::vector<std::int32_t> area_of;          ///< per unit, -1 = free (empty: none)
  std::vector<std::pair<std::int32_t, std::int32_t>> must_pairs, cannot_pairs;
  std::vector<std::vector<std::int32_t>> must, cannot;  ///< partners per unit (or empty)
  bool has_links() const { return !must_pairs.empty() || !cannot_pairs.empty(); }
};

/// Validates DesignBounds for a model with k areas (InvalidInput on bad values or indices).
HardBounds make_bounds(const Model& m, std::int64_t k, const DesignBounds& b);
/// Bound names as in InfeasibleBounds, one per violated bound of the plan.
std::vector<std::string> violated_bounds(const Model& m, std::int64_t k, const HardBounds& hb,
                                         const std::vector<std::int32_t>& labels);

/// One solve of the exact model (design_bound.cpp): feasibility of the hard bounds or, with
/// `objective`, the lower-bound model of design.hpp PROVEN QUALITY.
struct MipGoal {
  bool objective = false;
  double s_max = std::numeric_limits<double>::infinity();  ///< cap on the summed squares
  double time_limit_s = 60.0;
};
struct MipOutcome {
  enum class Kind { Feasible, Infeasible, Unknown } kind = Kind::Unknown;
  bool optimal = false;     ///< CBC proved its model's optimum (or infeasibility)
  bool time_limit = false;  ///< stopped at the time limit
  double best_bound = -std::numeric_limits<double>::infinity();
  double value = std::numeric_limits<double>::infinity();  ///< model objective of `labels`
  std::vector<std::int32_t> labels;                        ///< a plan, when one was found
};
/// `start` (a plan of the search, or null) is not handed to CBC (its 2.10 MIP start is
/// unreliable, see mip.cpp); callers keep the better of it and the returned plan.
MipOutcome solve_design_mip(const Model& m, std::int64_t k, const HardBounds& hb,
                            const MipGoal& goal, const std::vector<std::int32_t>* start);

/// The banded Lagrangian lower bound (design_bound.cpp, design.hpp PROVEN QUALITY), medoid
/// mode only: a bound on balance + travel (compactness at its floor 0) of every plan, without
/// contiguity. `upper` is the objective of a known plan (bands above it are skipped).
struct LagrangeOutcome {
  double bound = 0.0;
  int bands = 0;                ///< imbalance bands solved
  std::int64_t iterations = 0;  ///< subgradient iterations over all bands
  bool time_limit = false;      ///< stopped by the time limit
  double travel = 0.0;          ///< the bound of travel alone (no balance information)
};
/// `travel_only`: stop after the travel-alone bound (`bound` = `travel`).
LIBMATCH_EXPORT LagrangeOutcome lagrangian_bound(const Model& m, std::int64_t k,
                                                 const HardBounds& hb, double upper,
                                                 double time_limit_s, int threads,
                                                 bool travel_only = false);

/// Cost of a unit set S in the column generation (design_colgen.cpp): sum of the members'
/// values r_i plus alpha (D_S / total - share)^2, for sets with lo <= D_S <= hi and
/// min_units <= |S| <= max_units (0 = no cap).
struct SetCost {
  double alpha = 0.0, total = 1.0, share = 0.0;
  double lo = 0.0, hi = std::numeric_limits<double>::infinity();
  std::int64_t min_units = 0, max_units = 0;
  double penalty(double x) const {
    if (alpha == 0.0) return 0.0;
    const double t = x / total - share;
    return alpha * t * t;
  }
};
struct FoundSet {
  double value;
  std::vector<std::int32_t> units;
};
/// Exact pricing primitive (exported for tests): the least cost of a connected set (graph
/// in CSR form: neighbours of u at nb[off[u] .. off[u+1])) containing `root`, members only
/// among units with a finite r_i; +inf when none. `best` receives it (sorted).
/// Worst case exponential (depth-first enumeration, pruned by a convex relaxation).
LIBMATCH_EXPORT double best_connected_set(const std::vector<std::int64_t>& off,
                                          const std::vector<std::int32_t>& nb,
                                          const std::vector<double>& d, std::int32_t root,
                                          const std::vector<double>& r, const SetCost& c,
                                          std::vector<std::int32_t>& best);

/// The column-generation bound over connected areas (design_colgen.cpp, design.hpp PROVEN
/// QUALITY), medoid mode only: a bound on balance + travel of every plan meeting
/// demand_bounds, max_travel_km and min/max_units. `upper`: balance + travel of a known plan
/// (`plan`, its areas seed the columns); `travel_lb`: a valid bound of travel alone.
struct ColgenOutcome {
  double bound = 0.0;
  int bands = 0;
  std::int64_t iterations = 0;    ///< master LP solves
  std::int64_t exact_rounds = 0;  ///< exact pricing rounds
  std::int64_t columns = 0;
  bool time_limit = false;
  std::vector<double> band_a, band_b, band_bound;  ///< final bands and their bounds
};
LIBMATCH_EXPORT ColgenOutcome colgen_bound(const Model& m, std::int64_t k, const HardBounds& hb,
                                           double upper, double travel_lb,
                                           const std::vector<std::int32_t>& plan,
                                           double time_limit_s, int threads);

/// A conflict found without a solver (validated bounds): one bound alone by counting
/// (min_units, max_units, demand_lo, demand_hi) or a must-link chain joining units that must be
/// apart. Irreducible; empty when none. O(n + pairs x path length).
std::vector<std::string> simple_conflict(const Model& m, std::int64_t k, const DesignBounds& b);
/// For bounds the caller proved infeasible together: an irreducible set of conflicting bounds
/// (names as in InfeasibleBounds). The solves share `time_limit_s` (seconds); `proven` false
/// when they ran out of it (then a bound not decided stays in: the set is still infeasible,
/// perhaps not irreducible).
std::vector<std::string> conflicting_bounds(const Model& m, std::int64_t k, const DesignBounds& b,
                                            double time_limit_s, bool& proven);

/// Validates and densifies. `for_design`: an unconnected graph under IslandRule::Error throws.
Model prepare(const DesignProblem& p, bool for_design);

/// design() and evaluate() on a model, in its own unit order (design_search.cpp,
/// design_eval.cpp); PreparedDesign wraps them in the canonical order (design_prepared.cpp).
DesignResult design_model(const Model& m, const DesignOptions& options);
PlanEvaluation evaluate_model(const Model& m, std::span<const std::int64_t> labels);
/// Checks labels (0..k-1, all used; k = max + 1 when k <= 0) and returns them as int32.
std::vector<std::int32_t> check_labels(const Model& m, std::span<const std::int64_t> labels,
                                       std::int64_t& k, const char* what);

/// Incremental state of a complete plan with every area non-empty.
class State {
 public:
  State(const Model& m, std::int64_t k, const std::vector<std::int32_t>& labels);

  std::int64_t k() const { return k_; }
  const std::vector<std::int32_t>& labels() const { return label_; }
  const std::vector<std::int32_t>& members(std::int32_t r) const { return members_[r]; }
  /// Objective plus the bound penalty (kPenalty per unit of violation; 0 when feasible).
  double objective() const;
  /// Summed normalised bound violation (0 = every hard bound holds).
  double violation() const { return s_viol_ + static_cast<double>(link_viol_); }
  /// Installs hard bounds (the pointer must outlive the state) and recomputes everything.
  void set_bounds(const HardBounds* hb);
  static constexpr double kPenalty = 1e3;
  double imbalance() const;
  double travel_km() const;  ///< demand-weighted mean
  double compactness() const;
  double reference_km() const { return ref_km_; }

  /// Whether u may leave its area without breaking contiguity or the advisor rule.
  bool movable(std::int32_t u) const;
  /// Objective change if u moves to area s (u must be movable and adjacent to s).
  double delta(std::int32_t u, std::int32_t s) const;
  void move(std::int32_t u, std::int32_t s);
  /// Recomputes every running sum from scratch (bounded floating drift).
  void refresh();

  // Per-area values for reports.
  double area_demand(std::int32_t r) const { return D_[r]; }
  double area_capacity(std::int32_t r) const { return C_[r]; }
  double area_m2(std::int32_t r) const { return A_[r]; }
  double area_perimeter(std::int32_t r) const { return P_[r]; }
  double area_travel_sum(std::int32_t r) const { return T_[r]; }
  /// Travel t_i of unit i in its current area, in the given table (km or minutes).
  double unit_travel(std::int32_t i, bool minutes) const;

  std::vector<std::uint8_t> locked;  ///< units that never move

 private:
  void recompute_area(std::int32_t r);
  void recompute_cut(std::int32_t r);
  double capacity_share(std::int32_t r) const;
  double imb_term(double D, double C) const;
  static double pp(double A, double P);
  double centre_travel(std::int32_t r, std::int32_t excl, std::int32_t incl) const;
  std::int32_t medoid(std::int32_t r) const;
  void sums();
  double fair_share(double C) const;
  double area_violation(double D, double C, std::int64_t size, double excess) const;
  double travel_excess(std::int32_t r, std::int32_t excl, std::int32_t incl, double C) const;
  std::int64_t link_change(std::int32_t u, std::int32_t r, std::int32_t s) const;

  const Model& m_;
  std::int64_t k_;
  double ref_km_;
  std::vector<std::int32_t> label_, pos_;
  std::vector<std::vector<std::int32_t>> members_;
  std::vector<std::vector<std::int32_t>> supplies_;  ///< supply indices per area
  std::vector<double> D_, C_, A_, P_, T_, sx_, sy_;
  std::vector<double> W_;    ///< advisor mode: per supply, sum_{i in area} d_i tt[i, q]
  std::vector<double> col_;  ///< medoid mode: per unit j, sum_{i in area(j)} d_i tt[i, j]
  std::vector<std::uint8_t> cut_;
  const HardBounds* hb_ = nullptr;
  std::vector<double> V_;  ///< per area bound violation
  double s_viol_ = 0.0;
  std::int64_t link_viol_ = 0;
  double s_imb_ = 0.0, s_trav_ = 0.0, s_pp_ = 0.0;
  std::int64_t moves_since_refresh_ = 0;
  // Scratch for articulation points.
  struct CutFrame {
    std::int32_t v, parent;
    std::int64_t e;
  };
  std::vector<std::int32_t> disc_, low_;
  std::vector<CutFrame> frames_;
};

/// Connected pieces of each area (labels 0..k-1) over the graph; `with_links` includes
/// island links. Returns pieces per area.
std::vector<std::int64_t> area_pieces(const Model& m, const std::vector<std::int32_t>& labels,
                                      std::int64_t k, bool with_links);

}  // namespace libmatch::detail
