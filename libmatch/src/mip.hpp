#pragma once
// A small private wrapper around COIN-OR CBC (Debian coinor-libcbc-dev 2.10, driven through
// its C++ API as its C interface's Cbc_solve does): a sparse MIP given by rows, solved to proven
// optimality or until a time limit, from an optional feasible start (an incumbent given as a
// cutoff), and its LP relaxation on CLP (solve_lp: objective and row duals). No domain words;
// used by the programme round (programme_solve.cpp) and the design model (design_bound.cpp).
//
//   minimise  offset + sum_j obj[j] x[j]
//   s.t.      row_lb[i] <= sum_k value[k] x[index[k]] <= row_ub[i]   (k in row i's range)
//             lb[j] <= x[j] <= ub[j],  x[j] integer where integer[j]
//
// Re-entrancy: solve_mip runs the CbcMain0/CbcMain1 command-line driver of
// CbcSolver.cpp, which is known to keep file-static state (parameter tables, message
// flags); separate Cbc_Model objects are not documented to be safe in parallel. Not verified
// further here (no CBC sources on this machine), so solve_mip() serialises every CBC call
// behind one process-wide mutex: different threads may call it, they wait for each other.
// CBC runs single-threaded (no "threads" parameter), so a solve is deterministic for a given
// problem (the time limit aside). Verified: tests/cpp/mip_test.cpp solves from several
// threads at once and compares with serial answers.
// Exactness: with integral_objective (every obj coefficient integral on integer variables,
// and the continuous part integral at every vertex the caller cares about) the allowable
// gap is set just below 1, so "optimal" means no solution better by a whole unit exists.
#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <vector>

#include "libmatch/export.hpp"

namespace libmatch::detail {

struct LIBMATCH_EXPORT MipProblem {
  std::int32_t n_cols = 0;
  std::vector<double> obj, lb, ub;  ///< n_cols each
  std::vector<char> integer;        ///< n_cols; 1 = integer variable
  double offset = 0.0;              ///< constant added to the objective
  // Rows, CSR: row i has entries row_start[i] .. row_start[i+1] of (index, value).
  std::vector<std::int64_t> row_start{0};
  std::vector<std::int32_t> index;
  std::vector<double> value;
  std::vector<double> row_lb, row_ub;

  std::int32_t add_col(double cost, double lower, double upper, bool is_integer);
  /// Appends a row lo <= sum value * x[index] <= hi.
  void add_row(const std::vector<std::int32_t>& idx, const std::vector<double>& val, double lo,
               double hi);
  std::int32_t n_rows() const { return static_cast<std::int32_t>(row_lb.size()); }
};

struct MipOptions {
  double time_limit_s = std::numeric_limits<double>::infinity();  ///< > 0; inf = none
  /// A feasible solution (n_cols values) or empty. Used as the incumbent: CBC is given the
  /// cutoff "strictly better than the start" and the start is returned when nothing better
  /// is found (status Optimal when that is proven).
  std::vector<double> start;
  bool integral_objective = false;  ///< see "Exactness"
  /// Relative gap (objective - bound) / |objective| at which CBC may stop and report Optimal;
  /// 0 = prove the optimum exactly.
  double relative_gap = 0.0;
  /// CBC's feasibility pump (a primal heuristic; on by default). Off pays for many small
  /// MIPs started from a good incumbent: on the province round's 4-advisor sub-MIPs it took
  /// about 40 % of CBC's time, and without it they improved as often (benchmarks/RESULTS.md).
  /// The crash-prone all-heuristics switch of CBC 2.10 (-heuristicsOnOff off) is not used.
  bool feasibility_pump = true;
};

enum class MipStatus : std::int8_t { Optimal, TimeLimit, Infeasible, NoSolution };

struct MipResult {
  MipStatus status = MipStatus::NoSolution;
  std::vector<double> x;  ///< best solution (n_cols), empty when none
  double objective = std::numeric_limits<double>::quiet_NaN();  ///< incl. offset
  double bound = -std::numeric_limits<double>::infinity();  ///< proven lower bound, incl. offset
};

/// The LP relaxation (integrality dropped) of a problem, by CLP's dual simplex.
struct LpResult {
  bool optimal = false;  ///< false: stopped by the time limit or failed
  double objective = std::numeric_limits<double>::quiet_NaN();  ///< incl. offset
  std::vector<double> row_dual;  ///< per row, CLP's sign (<= 0 on a binding <= row)
  std::vector<double> x;         ///< the LP's optimal point (n_cols)
};

/// Solves the LP relaxation on its own ClpSimplex (not behind cbc_mutex: CLP keeps its state
/// per instance, which CBC's own threads rely on, so it may run beside solve_mip). A stop by
/// the time limit gives optimal = false; throws Error when the problem is malformed and
/// Cancelled on a cancel request (pending before, or seen at the end of a simplex iteration).
LIBMATCH_EXPORT LpResult solve_lp(const MipProblem& problem,
                                  double time_limit_s = std::numeric_limits<double>::infinity());

/// The one process-wide lock around every use of CBC (taken by solve_mip, the only caller of
/// CBC): hold it from creating a CBC model to deleting it.
LIBMATCH_EXPORT std::mutex& cbc_mutex();

/// Times CBC or CLP itself noticed a cancel request (CBC's event handler at a node, the cancel
/// cut in a root pass, solve_lp's handler after a simplex iteration; process-wide, for tests).
LIBMATCH_EXPORT std::atomic<std::int64_t>& cancelled_mip_searches();

/// Solves the problem with CBC (serialised, see above). Throws libmatch::Error when CBC
/// abandons the solve or the problem is malformed (sizes, indices out of range), and
/// libmatch::Cancelled when request_cancel() is pending before or after the solve; a request
/// during the solve stops CBC at its next branch-and-bound node or root cut pass (an LP solve
/// or a heuristic in progress runs to its end first).
LIBMATCH_EXPORT MipResult solve_mip(const MipProblem& problem, const MipOptions& options = {});

}  // namespace libmatch::detail
