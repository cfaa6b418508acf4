// CBC behind one mutex (mip.hpp): the rows are turned into CBC's column-major matrix, the
// start is handed over as a MIP start, and the outcome mapped to MipStatus.
#include "mip.hpp"

#include <coin/Cbc_C_Interface.h>

#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <string>

#include "libmatch/error.hpp"

namespace libmatch::detail {

std::int32_t MipProblem::add_col(double cost, double lower, double upper, bool is_integer) {
  obj.push_back(cost);
  lb.push_back(lower);
  ub.push_back(upper);
  integer.push_back(is_integer ? 1 : 0);
  return n_cols++;
}

void MipProblem::add_row(const std::vector<std::int32_t>& idx, const std::vector<double>& val,
                         double lo, double hi) {
  index.insert(index.end(), idx.begin(), idx.end());
  value.insert(value.end(), val.begin(), val.end());
  row_start.push_back(static_cast<std::int64_t>(index.size()));
  row_lb.push_back(lo);
  row_ub.push_back(hi);
}

std::mutex& cbc_mutex() {
  static std::mutex m;
  return m;
}

namespace {

void check(const MipProblem& p) {
  const auto n = static_cast<std::size_t>(p.n_cols);
  if (p.obj.size() != n || p.lb.size() != n || p.ub.size() != n || p.integer.size() != n)
    throw Error("internal error: MIP column arrays differ in length");
  if (p.row_start.size() != p.row_lb.size() + 1 || p.row_lb.size() != p.row_ub.size() ||
      p.index.size() != p.value.size() ||
      p.row_start.back() != static_cast<std::int64_t>(p.index.size()))
    throw Error("internal error: MIP row arrays are inconsistent");
  for (auto j : p.index)
    if (j < 0 || j >= p.n_cols) throw Error("internal error: MIP row refers to a missing column");
}

struct ModelDeleter {
  void operator()(Cbc_Model* m) const { Cbc_deleteModel(m); }
};

}  // namespace

MipResult solve_mip(const MipProblem& p, const MipOptions& opt) {
  check(p);
  MipResult res;
  if (p.n_cols == 0) {
    res.status = MipStatus::Optimal;
    res.objective = res.bound = p.offset;
    for (std::int32_t i = 0; i < p.n_rows(); ++i)
      if (p.row_lb[i] > 0 || p.row_ub[i] < 0) res.status = MipStatus::Infeasible;
    return res;
  }
  // Column-major copy of the rows.
  const std::int32_t m = p.n_rows();
  std::vector<CoinBigIndex> start(p.n_cols + 1, 0);
  for (auto j : p.index) ++start[j + 1];
  for (std::int32_t j = 0; j < p.n_cols; ++j) start[j + 1] += start[j];
  std::vector<int> rows(p.index.size());
  std::vector<double> vals(p.index.size());
  {
    std::vector<CoinBigIndex> fill(start.begin(), start.end() - 1);
    for (std::int32_t i = 0; i < m; ++i)
      for (auto k = p.row_start[i]; k < p.row_start[i + 1]; ++k) {
        const auto pos = fill[p.index[k]]++;
        rows[pos] = i;
        vals[pos] = p.value[k];
      }
  }
  std::lock_guard lock(cbc_mutex());
  std::unique_ptr<Cbc_Model, ModelDeleter> model(Cbc_newModel());
  Cbc_Model* c = model.get();
  Cbc_setLogLevel(c, 0);
  Cbc_setParameter(c, "log", "0");
  Cbc_setParameter(c, "slogLevel", "0");
  Cbc_loadProblem(c, p.n_cols, m, start.data(), rows.data(), vals.data(), p.lb.data(), p.ub.data(),
                  p.obj.data(), p.row_lb.data(), p.row_ub.data());
  Cbc_setObjSense(c, 1.0);
  for (std::int32_t j = 0; j < p.n_cols; ++j)
    if (p.integer[j]) Cbc_setInteger(c, j);
  if (std::isfinite(opt.time_limit_s)) {
    Cbc_setParameter(c, "timeMode", "elapsed");  // wall clock, not CPU time (CBC's default)
    Cbc_setMaximumSeconds(c, opt.time_limit_s);
  }
  if (opt.integral_objective) Cbc_setAllowableGap(c, 1.0 - 1e-6);
  Cbc_setAllowableFractionGap(c, 0.0);
  Cbc_setAllowablePercentageGap(c, 0.0);
  // The start is used as the incumbent through a cutoff: CBC searches only for strictly
  // better solutions (by a whole unit with integral_objective). CBC 2.10's own MIP start
  // (Cbc_setMIPStartI) was tried and rejected: with preprocessing it fails on column names
  // ("ClpModel::getColumnName, Illegal index") and without preprocessing it crashed.
  double start_obj = std::numeric_limits<double>::infinity();
  if (!opt.start.empty()) {
    if (opt.start.size() != static_cast<std::size_t>(p.n_cols))
      throw Error("internal error: MIP start has the wrong length");
    start_obj = 0.0;
    for (std::int32_t j = 0; j < p.n_cols; ++j) start_obj += p.obj[j] * opt.start[j];
    Cbc_setCutoff(c, start_obj - (opt.integral_objective ? 0.5 : 1e-9));
  }
  Cbc_solve(c);
  if (Cbc_isAbandoned(c)) throw Error("internal error: the MIP solver abandoned the solve");
  auto use_start = [&](MipStatus status) {
    res.status = status;
    res.x = opt.start;
    res.objective = start_obj + p.offset;
    if (status == MipStatus::Optimal) res.bound = res.objective;
    return res;
  };
  // CBC stopped by the clock before its first LP ends also reports "infeasible": then
  // nothing is proven (no bound either).
  const bool stopped = Cbc_isSecondsLimitReached(c) != 0 || Cbc_status(c) == 1;
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (Cbc_isProvenInfeasible(c) && stopped) {
    if (opt.start.empty()) {
      res.status = MipStatus::NoSolution;
      return res;
    }
    use_start(MipStatus::TimeLimit);
    res.bound = -inf;
    return res;
  }
  if (Cbc_isProvenInfeasible(c)) {  // nothing below the cutoff: the start is optimal
    if (!opt.start.empty()) return use_start(MipStatus::Optimal);
    res.status = MipStatus::Infeasible;
    return res;
  }
  const double* x = Cbc_getColSolution(c);
  const bool has_solution =
      Cbc_numberSavedSolutions(c) > 0 || (Cbc_isProvenOptimal(c) && opt.start.empty());
  if (x && has_solution) {
    res.x.assign(x, x + p.n_cols);
    for (std::int32_t j = 0; j < p.n_cols; ++j)
      if (p.integer[j]) res.x[j] = std::round(res.x[j]);
    res.objective = Cbc_getObjValue(c) + p.offset;
  }
  double bound = Cbc_getBestPossibleObjValue(c) + p.offset;
  // Stopped by the clock, CBC's "best possible" at or above the cutoff (e.g. before its
  // root LP ended) proves nothing: a search that stopped cannot have excluded everything.
  const double margin = opt.integral_objective ? 0.5 : 1e-9;
  if (stopped && !opt.start.empty() && !(bound < start_obj + p.offset - margin)) bound = -inf;
  if (stopped && !std::isfinite(bound)) bound = -inf;
  if (res.x.empty() && !opt.start.empty()) {  // no better solution found
    if (Cbc_isProvenOptimal(c) && !stopped) return use_start(MipStatus::Optimal);
    use_start(MipStatus::TimeLimit);
    res.bound = std::min(bound, res.objective);
    return res;
  }
  res.bound = bound;
  if (Cbc_isProvenOptimal(c) && has_solution) {
    res.status = MipStatus::Optimal;
  } else {
    res.status = res.x.empty() ? MipStatus::NoSolution : MipStatus::TimeLimit;
  }
  return res;
}

}  // namespace libmatch::detail
