#pragma once
// Exact min-cost transportation solver for sparse bipartite graphs (no domain words).
//
// Rows each carry one unit of supply (a request); columns (servers) have an integer
// capacity and an optional convex load cost: the k-th unit a column takes (k = 0, 1, ...)
// costs an extra marginal amount that is non-decreasing in k. A row may stay unassigned
// at its own unassigned cost. The solver minimises
//     sum over assigned rows of arc cost + sum over columns of the marginal load costs used
//   + sum over unassigned rows of their unassigned cost.
// All costs are int64; an exact optimum is returned. Overflow-prone input is rejected with
// libmatch::Overflow before solving.
//
// Method: epsilon-scaling push-relabel (cost scaling, auction-like "double push") on the
// network source -> row -> column -> sink, with each column's convex load costs handled
// implicitly through its load (no unit arcs are built) and "unassigned" as a row -> sink
// arc. Costs are multiplied by alpha = 2 * m + 3 (m = columns with capacity > 0), which
// exceeds the length of every residual cycle, so the final 1-optimal flow is optimal.
// Complexity: O(log(alpha * C)) scaling phases (C = largest |cost|, phases divide epsilon
// by 8); each phase re-bids every row once and then resolves conflicts. No strongly
// polynomial bound is promised; in practice a phase is close to linear in the arcs.
// Memory O(rows + arcs + sum of usable capacity).
//
// Pruned arcs: an arc whose cost plus its column's first marginal load cost is >= the
// row's unassigned cost, or whose column has capacity 0, can never improve on leaving the
// row unassigned; it is ignored (also by the overflow checks below).
// Duplicate (row, col) arcs are allowed; the cheapest counts (the first one on equal cost).
//
// Tie rule (determinism): the result is a pure function of the input, including the order
// of the arcs; with several optima, which one is returned depends on that order (a row's
// earlier arc wins a tie between equal bids, leaving a row unassigned wins a tie against
// any column) but no further preference is promised. Single-threaded.
//
// Overflow bounds: the objective cannot overflow because the sum over rows of
// max(|unassigned cost|, max |kept arc cost|) plus the sum of |load costs| of usable units
// (units up to min(capacity, number of kept arcs into the column)) must fit in int64;
// otherwise Overflow is thrown before solving. Internally, prices are int64 when every
// cost taking part has |cost| <= max_transport_cost(m) = (2^63 - 1) / (64 * (2m + 3)^2)
// (prices stay within ~7 * alpha^2 * max |cost|), else 128-bit (about 2x slower); with
// m >= 2^24 and costs beyond that bound, Overflow is thrown as well.
#include <cstdint>
#include <span>
#include <vector>

#include "libmatch/export.hpp"

namespace libmatch {

struct TransportProblem {
  std::int64_t n_rows = 0;
  std::int64_t n_cols = 0;
  // Arcs: row arc_row[a] may go to column arc_col[a] at cost arc_cost[a]. Same length.
  std::span<const std::int64_t> arc_row;
  std::span<const std::int64_t> arc_col;
  std::span<const std::int64_t> arc_cost;
  // Capacity per column (n_cols entries, >= 0).
  std::span<const std::int64_t> col_capacity;
  // Cost of leaving each row unassigned: n_rows entries (>= 0).
  std::span<const std::int64_t> unassigned_cost;
  // Optional convex load costs, CSR by column: the marginal costs of column j's units are
  // load_cost[load_offset[j] .. load_offset[j+1]), one per unit of capacity, non-decreasing.
  // Empty load_offset means no load costs.
  std::span<const std::int64_t> load_offset;
  std::span<const std::int64_t> load_cost;
};

/// How a solve ended. Optimal: proven optimum (the transportation solver always ends so).
/// TimeLimit: a time limit was reached; the solution is the best feasible one found, with a
/// proven bound and gap (the exact programme round, match.hpp).
enum class SolveStatus : std::int8_t { Optimal = 0, TimeLimit = 1 };
/// "optimal", "time_limit".
LIBMATCH_EXPORT const char* to_string(SolveStatus status);

struct TransportSolution {
  SolveStatus status = SolveStatus::Optimal;
  std::vector<std::int64_t> col_of_row;  // -1 = unassigned
  std::int64_t objective = 0;            // as defined above
  std::vector<std::int64_t> col_load;    // units taken per column
};

/// Largest |cost| solved with 64-bit prices when m columns have capacity > 0 (see
/// "Overflow bounds"); larger costs are still solved exactly, with 128-bit prices.
LIBMATCH_EXPORT std::int64_t max_transport_cost(std::int64_t m);

/// Solves the problem exactly. Ties between equal-cost optima are broken deterministically
/// for a given input order (the same input always yields the same assignment).
/// Throws InvalidInput (bad sizes, ids out of range, negative capacity or unassigned cost,
/// load costs not non-decreasing or of the wrong CSR length, n_rows or n_cols beyond
/// 2^31 - 2) or Overflow (costs whose sums could exceed int64, see above).
/// n_rows == 0 gives an empty col_of_row, objective 0 and all-zero col_load.
LIBMATCH_EXPORT TransportSolution solve_transport(const TransportProblem& problem);

}  // namespace libmatch
