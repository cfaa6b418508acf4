#pragma once
// The exact solve of a programme round (hours, slots, reservations, money): the
// transportation problem of flow.hpp plus knapsack rows over its arcs,
//
//   sum over arcs k of row i of weight[k] * x_k <= capacity_i        (x_k = arc k chosen)
//
// with non-negative weights (hours of a case, one slot, cents of a price). No domain words.
//
// Method (exact): 1. solve the relaxation without the knapsack rows on the min-cost flow
// (solve_transport); when its optimum satisfies every row it is optimal for the whole
// problem (status Optimal, no MIP). 2. Otherwise repair it greedily into a feasible start
// (drop assignments of violated rows, cheapest unassigned cost first, then refill rows by
// unassigned cost). 3. The MIP below is built and its LP solved on CLP (mip.hpp's solve_lp,
// until 50 % of the time limit). Before it on rounds of at most 20,000 arcs (until 10 %),
// after it on larger ones and only when the LP does not finish (until 60 %): Lagrangian
// relaxation of the knapsack rows (at most 200 subgradient steps): each step solves the
// min-cost flow with arc costs + sum of multipliers x normalised weights (scaled by 16 and
// rounded down, so the flow optimum minus the multipliers' right-hand side is a proven lower
// bound), repairs its flow (drops by least gain per violated weight, refills by gain less the
// multipliers' price of the arc's weights), improves it by in-column swaps and refills; the
// best solution and the best bound are kept. Its bound is at most the LP bound (the flow
// polytope is integral); on small rounds its solutions often beat the LP's rounding, on the
// province benchmark (110k arcs) they never did. 4.
// At the LP's duals the knapsack bound of programme_bound.hpp (until 55 %): the Lagrangian
// bound with each column's own row (its hours) kept exact, one Pareto knapsack per column,
// never below the LP bound at those duals (province benchmark: 27.83 M against the LP's
// 27.71 M, in 0.84 + 0.18 s). The LP's point is rounded (arcs at > 0.5), repaired (drops by
// least gain per violated weight, refills by gain less the rows' duals), swapped, and improved
// by a local search until 60 % (until no move improves; a pass gaining < 0.1 % ends it):
// insert, move to another arc, replace an assigned row (same or other column), ejection chains
// of two, and each column re-optimised exactly-ish (depth-first over its rows and the best 40
// unassigned candidates, node limit) with every other column fixed; only the true objective
// decides and every row is kept. When the start (the repair, or the Lagrangian's best) is
// still better, the local search runs on it until 65 %. On the province benchmark the rounding
// gives 28.14 M where CBC alone reaches 28.52 M after 600 s. When the best solution meets the
// bound: Optimal without CBC. 5. Otherwise solve the MIP with CBC (mip.hpp) from the best solution,
// until 70 % of the time limit and for at most 20 % of it (skipped when that leaves CBC less than
// 3x the LP's time: CBC does not stop inside its root LP and would only overrun the limit); the
// bound reported is the largest of CBC's, the knapsack and the Lagrangian ones:
//   x_k binary per arc (arcs that can never beat leaving the row unassigned are dropped, as
//   in flow.hpp), "at most one arc per row", the convex load of each column as continuous
//   increments y_cj in [0, 1] at the marginal costs (exact by convexity: the cheapest
//   increments fill first), sum_k x_k <= sum_j y_cj per column, and the knapsack rows. The
//   objective is integral (integer costs in units), so CBC stops at a gap below one unit.
// 6. When CBC stops at its limit without a proof (or was skipped), a large neighbourhood
// search on the best solution in the time left: a neighbourhood is a seed column and up to 3
// columns sharing the most candidate rows with it (at most 1,200 arcs); its assigned and the
// unassigned rows with an arc into it are re-solved exactly by a sub-MIP on CBC (0.1 s at
// most; on the province round they solve to optimality in 10-20 ms), every other assignment
// fixed and the knapsack rows' capacities reduced by the fixed weight. Seeds by the gain their
// unassigned candidates could bring; from the second pass the shared counts are scaled by
// seeded pseudo-random factors, so each pass groups the columns anew; after three passes in
// a row that gain < 0.01 % each the neighbourhoods double (8 columns, 2,400 arcs, 0.2 s), after
// three more the search ends. The sub-MIPs run without CBC's feasibility pump (about 40 %
// of their time, never needed from a good incumbent). On the province benchmark it takes
// the 28.14 M of step 4 to 28.06-28.08 M in 10 s (benchmarks/RESULTS.md).
// The objective is the transport objective of flow.hpp (arcs + load + unassigned costs),
// recomputed in int64 from the solution returned.
//
// Deterministic for a given input (arc order included) unless the time limit stops the
// subgradient, the LP, the knapsack bound, the local searches, CBC or the neighbourhood
// search (the only time-dependent choices are where they stop, and whether CBC runs at all,
// which depends on the LP's time; the neighbourhoods' random weights come from a fixed seed).
// Single-threaded.
#include <cstdint>
#include <limits>
#include <vector>

#include "libmatch/export.hpp"
#include "libmatch/flow.hpp"

namespace libmatch::detail {

/// sum of weight[j] * x[arcs[j]] <= capacity; weights >= 0.
struct KnapsackRow {
  std::vector<std::int64_t> arcs;
  std::vector<double> weight;
  double capacity = 0.0;
};

struct ProgrammeProblem {
  TransportProblem flow;  ///< rows, columns, arcs, capacities, load and unassigned costs
  std::vector<KnapsackRow> rows;
};

struct ProgrammeSolution {
  std::vector<std::int64_t> col_of_row;  ///< -1 = unassigned
  /// The arc chosen per row (-1 = unassigned); tells duplicate (row, column) arcs apart.
  std::vector<std::int64_t> arc_of_row;
  SolveStatus status = SolveStatus::Optimal;
  std::int64_t objective = 0;  ///< transport objective of the solution (units)
  double bound = 0.0;          ///< proven lower bound on the optimum (units)
  bool used_mip = false;       ///< false: no CBC search (relaxation feasible, a bound proved it, or
                               ///< too little time left for CBC's root LP)
};

/// Solves the problem exactly (or to the time limit, seconds; inf = none). Throws what
/// solve_transport throws, and libmatch::Error when the solvers fail. use_mip = false stops
/// before CBC (steps 1-4: the heuristics' solution, status TimeLimit unless a bound proves
/// it, bound = the best of the relaxations'; for tests).
LIBMATCH_EXPORT ProgrammeSolution
solve_programme(const ProgrammeProblem& problem,
                double time_limit_s = std::numeric_limits<double>::infinity(), bool use_mip = true);

/// The neighbourhood search of step 6 alone (for tests): improves the feasible assignment
/// `arc_of_row` (one arc or -1 per row) in place, until the passes stop gaining (see step 6)
/// or time_limit_s (seconds; inf = none). sub_mip_seconds > 0 replaces each sub-MIP's own
/// limit (0.1 s, doubled with the neighbourhoods; <= 0 keeps it): a test of exactness gives
/// them the time to prove, so that a loaded machine cannot decide it. Returns the number of
/// sub-MIP answers it had to reject for breaking a row or a column (0 unless the sub-MIPs are
/// built wrong). Throws libmatch::Error when the start is infeasible.
LIBMATCH_EXPORT std::int64_t improve_by_neighbourhoods(
    const ProgrammeProblem& problem, std::vector<std::int64_t>& arc_of_row,
    double time_limit_s = std::numeric_limits<double>::infinity(), double sub_mip_seconds = 0.0);

/// True when the assignment satisfies every knapsack row (tolerance 1e-6 * max(1, cap)).
LIBMATCH_EXPORT bool rows_satisfied(const ProgrammeProblem& problem,
                                    const std::vector<std::int64_t>& arc_of_row);

}  // namespace libmatch::detail
