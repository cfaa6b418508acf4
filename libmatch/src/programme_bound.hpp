#pragma once
// A stronger proven lower bound for the programme round (programme_solve.hpp): the
// Lagrangian relaxation that dualises "each row at most once" (multipliers pi_r) and every
// knapsack row that spans several columns (multipliers mu_i >= 0, e.g. a budget or slot
// cap), but keeps each column's own knapsack row (the first row all of whose arcs lie in
// that column, e.g. the advisor's free hours) as a hard constraint. It splits into one exact
// knapsack per column,
//
//   min over arc sets S of column c:  sum_{k in S} (cost_k + sum_i mu_i w_ik - pi_row(k))
//                                     + load_c(|S|)   s.t. |S| <= capacity_c,
//                                     sum_{k in S} w_k <= capacity of c's own row,
//
// so its value is the Dantzig-Wolfe (knapsack-hull) bound at those multipliers, never below
// the LP bound at the same point: every (pi, mu) gives a valid bound, good ones a strong one.
// The solve takes pi and mu from the compact LP's duals (mip.hpp's solve_lp), so the bound is
// at least the LP bound (up to the LP's tolerances). The knapsacks are solved exactly by a
// Pareto dynamic programme over (case count, weight), one arc per row (duplicate arcs of a row
// are alternatives): per count the states sorted by weight
// with strictly falling value (exact in floating weights; the weight test allows 1e-9
// relative slack, which only relaxes). A column whose front grows beyond a state budget is
// solved without its row (a weaker but still valid relaxation).
// Cost: per column O(items x count x front size), fronts capped (see above).
#include <chrono>
#include <cstdint>
#include <vector>

#include "libmatch/export.hpp"
#include "programme_solve.hpp"

namespace libmatch::detail {

/// The bound above (units, less a margin of 1e-9 relative + 1e-6 for floating sums, not
/// rounded; -inf when the deadline passed first). Throws Cancelled on a cancel request.
/// pi: one value per problem row (flow row), at most its unassigned cost. mu: one multiplier
/// >= 0 per knapsack row, on the row's raw weights (mu_i * w_ik is added to arc k's cost; the
/// kept rows' are not used). The bound is valid for any such input; LP duals make it strong.
LIBMATCH_EXPORT double knapsack_bound(const ProgrammeProblem& problem,
                                      const std::vector<double>& pi, const std::vector<double>& mu,
                                      std::chrono::steady_clock::time_point deadline);

}  // namespace libmatch::detail
