// CBC behind one mutex (mip.hpp): the rows are turned into CBC's column-major matrix, the
// start is handed over as a cutoff, and the outcome mapped to MipStatus. CBC is driven through
// its C++ API (CbcMain0/CbcMain1, as its C interface's Cbc_solve does) so that an event handler
// can stop the search when libmatch::request_cancel() is called.
#include "mip.hpp"

#include <ClpEventHandler.hpp>
#include <ClpSimplex.hpp>
#include <atomic>
#include <chrono>
#include <cmath>
#include <coin/CbcEventHandler.hpp>
#include <coin/CbcModel.hpp>
#include <coin/CbcSolver.hpp>
#include <coin/CglCutGenerator.hpp>
#include <coin/OsiClpSolverInterface.hpp>
#include <coin/OsiCuts.hpp>
#include <coin/OsiRowCut.hpp>
#include <limits>
#include <mutex>
#include <string>

#include "libmatch/cancel.hpp"
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

std::atomic<std::int64_t>& cancelled_mip_searches() {
  static std::atomic<std::int64_t> n{0};
  return n;
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

// Stops the branch and bound at its next node (or tree-status report) once a cancel is
// requested; CBC then returns as if a limit was reached, and solve_mip throws Cancelled.
class StopOnCancel : public CbcEventHandler {
 public:
  CbcAction event(CbcEvent) override {
    if (!cancel_requested()) return noAction;
    if (!stopped_) ++cancelled_mip_searches();
    stopped_ = true;
    return stop;
  }
  CbcEventHandler* clone() const override { return new StopOnCancel(*this); }

 private:
  bool stopped_ = false;
};

// The root's cut passes do not consult the event handler: there, once a cancel is requested,
// this generator returns a cut no point satisfies (x_j >= upper_j + 1 on a bounded column),
// which ends the root as infeasible at the next pass; solve_mip then throws Cancelled.
class CancelAsCut : public CglCutGenerator {
 public:
  void generateCuts(const OsiSolverInterface& si, OsiCuts& cs, const CglTreeInfo) override {
    if (!cancel_requested()) return;
    ++cancelled_mip_searches();
    const double* ub = si.getColUpper();
    for (int j = 0; j < si.getNumCols(); ++j) {
      if (!(ub[j] < 1e20)) continue;
      OsiRowCut cut;
      const double one = 1.0;
      cut.setRow(1, &j, &one);
      cut.setLb(ub[j] + 1.0);
      cut.setUb(COIN_DBL_MAX);
      cs.insert(cut);
      return;
    }
  }
  CglCutGenerator* clone() const override { return new CancelAsCut(*this); }
};

int no_callback(CbcModel*, int) { return 0; }

struct ColumnMajor {
  std::vector<CoinBigIndex> start;
  std::vector<int> rows;
  std::vector<double> vals;
};

ColumnMajor column_major(const MipProblem& p) {
  ColumnMajor cm;
  cm.start.assign(p.n_cols + 1, 0);
  for (auto j : p.index) ++cm.start[j + 1];
  for (std::int32_t j = 0; j < p.n_cols; ++j) cm.start[j + 1] += cm.start[j];
  cm.rows.resize(p.index.size());
  cm.vals.resize(p.index.size());
  std::vector<CoinBigIndex> fill(cm.start.begin(), cm.start.end() - 1);
  for (std::int32_t i = 0; i < p.n_rows(); ++i)
    for (auto k = p.row_start[i]; k < p.row_start[i + 1]; ++k) {
      const auto pos = fill[p.index[k]]++;
      cm.rows[pos] = i;
      cm.vals[pos] = p.value[k];
    }
  return cm;
}

// Stops CLP's simplex at the end of an iteration once a cancel is requested (cancel.hpp).
class StopLpOnCancel : public ClpEventHandler {
 public:
  int event(Event which) override {
    if (which != endOfIteration || !cancel_requested()) return -1;
    cancelled_mip_searches().fetch_add(1);
    return 0;
  }
  ClpEventHandler* clone() const override { return new StopLpOnCancel(*this); }
};

}  // namespace

LpResult solve_lp(const MipProblem& p, double time_limit_s) {
  check(p);
  LpResult res;
  if (p.n_cols == 0) return res;
  const ColumnMajor cm = column_major(p);
  throw_if_cancelled("LP solve");
  ClpSimplex lp;  // its own instance: safe beside CBC (CBC's threads each own one too)
  lp.setLogLevel(0);
  lp.loadProblem(p.n_cols, p.n_rows(), cm.start.data(), cm.rows.data(), cm.vals.data(), p.lb.data(),
                 p.ub.data(), p.obj.data(), p.row_lb.data(), p.row_ub.data());
  if (std::isfinite(time_limit_s)) lp.setMaximumWallSeconds(std::max(0.01, time_limit_s));
  StopLpOnCancel stop;
  lp.passInEventHandler(&stop);  // cloned
  lp.dual();
  throw_if_cancelled("LP solve");
  if (lp.status() != 0) return res;
  res.optimal = true;
  res.objective = lp.objectiveValue() + p.offset;
  res.row_dual.assign(lp.dualRowSolution(), lp.dualRowSolution() + p.n_rows());
  res.x.assign(lp.primalColumnSolution(), lp.primalColumnSolution() + p.n_cols);
  return res;
}

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
  const std::int32_t m = p.n_rows();
  const ColumnMajor cm = column_major(p);
  throw_if_cancelled("MIP solve");
  std::lock_guard lock(cbc_mutex());
  OsiClpSolverInterface empty;
  CbcModel model(empty);  // clones the solver
  CbcSolverUsefulData data;
  CbcMain0(model, data);
  data.noPrinting_ = true;
  data.useSignalHandler_ = false;  // Ctrl-C stays with the caller (see StopOnCancel)
  OsiSolverInterface* solver = model.solver();
  solver->loadProblem(p.n_cols, m, cm.start.data(), cm.rows.data(), cm.vals.data(), p.lb.data(),
                      p.ub.data(), p.obj.data(), p.row_lb.data(), p.row_ub.data());
  for (std::int32_t j = 0; j < p.n_cols; ++j)
    if (p.integer[j]) solver->setInteger(j);
  model.setObjSense(1.0);
  model.setLogLevel(0);
  std::vector<std::string> args{"libmatch", "-log", "0", "-slogLevel", "0"};
  if (std::isfinite(opt.time_limit_s)) {
    args.insert(args.end(), {"-timeMode", "elapsed"});  // wall clock, not CPU time (CBC's default)
    model.setMaximumSeconds(opt.time_limit_s);
  }
  if (opt.integral_objective) model.setAllowableGap(1.0 - 1e-6);
  model.setAllowableFractionGap(opt.relative_gap);  // (the percentage gap is the same value)
  // The start is used as the incumbent through a cutoff: CBC searches only for strictly
  // better solutions (by a whole unit with integral_objective). CBC 2.10's own MIP start
  // (setMIPStart) was tried and rejected: with preprocessing it fails on column names
  // ("ClpModel::getColumnName, Illegal index") and without preprocessing it crashed.
  double start_obj = std::numeric_limits<double>::infinity();
  if (!opt.start.empty()) {
    if (opt.start.size() != static_cast<std::size_t>(p.n_cols))
      throw Error("internal error: MIP start has the wrong length");
    start_obj = 0.0;
    for (std::int32_t j = 0; j < p.n_cols; ++j) start_obj += p.obj[j] * opt.start[j];
    model.setCutoff(start_obj - (opt.integral_objective ? 0.5 : 1e-9));
  }
  StopOnCancel stop_on_cancel;
  model.passInEventHandler(&stop_on_cancel);  // copied into CBC's working model
  CancelAsCut cancel_cut;
  model.addCutGenerator(&cancel_cut, 1, "cancel");  // cloned
  if (!opt.feasibility_pump) args.insert(args.end(), {"-feas", "off"});
  args.insert(args.end(), {"-solve", "-quit"});
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  const auto started = std::chrono::steady_clock::now();
  try {
    CbcMain1(static_cast<int>(argv.size()), argv.data(), model, no_callback, data);
  } catch (const CoinError&) {
    throw Error("internal error: the MIP solver failed");
  }
  throw_if_cancelled("MIP solve");
  if (model.isAbandoned()) throw Error("internal error: the MIP solver abandoned the solve");
  auto use_start = [&](MipStatus status) {
    res.status = status;
    res.x = opt.start;
    res.objective = start_obj + p.offset;
    if (status == MipStatus::Optimal) res.bound = res.objective;
    return res;
  };
  // CBC stopped by the clock before its first LP ends also reports "infeasible": then
  // nothing is proven (no bound either). It does not always raise its seconds flag then (a
  // stop inside the root LP came back as "finished, infeasible"), so a solve that ran to
  // within 10 % of its limit counts as stopped too: a proof made that late is dropped.
  const double ran_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const bool stopped = model.isSecondsLimitReached() || model.status() == 1 ||
                       (std::isfinite(opt.time_limit_s) && ran_s >= 0.9 * opt.time_limit_s);
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (model.isProvenInfeasible() && stopped) {
    if (opt.start.empty()) {
      res.status = MipStatus::NoSolution;
      return res;
    }
    use_start(MipStatus::TimeLimit);
    res.bound = -inf;
    return res;
  }
  if (model.isProvenInfeasible()) {  // nothing below the cutoff: the start is optimal
    if (!opt.start.empty()) return use_start(MipStatus::Optimal);
    res.status = MipStatus::Infeasible;
    return res;
  }
  const double* x = model.getColSolution();
  const bool has_solution =
      model.numberSavedSolutions() > 0 || (model.isProvenOptimal() && opt.start.empty());
  if (x && has_solution) {
    res.x.assign(x, x + p.n_cols);
    for (std::int32_t j = 0; j < p.n_cols; ++j)
      if (p.integer[j]) res.x[j] = std::round(res.x[j]);
    res.objective = model.getObjValue() + p.offset;
  }
  double bound = model.getBestPossibleObjValue() + p.offset;
  // Stopped by the clock, CBC's "best possible" at or above the cutoff (e.g. before its
  // root LP ended) proves nothing: a search that stopped cannot have excluded everything.
  const double margin = opt.integral_objective ? 0.5 : 1e-9;
  if (stopped && !opt.start.empty() && !(bound < start_obj + p.offset - margin)) bound = -inf;
  if (stopped && !std::isfinite(bound)) bound = -inf;
  if (stopped && !res.x.empty() && !(bound < res.objective - margin)) bound = -inf;
  if (res.x.empty() && !opt.start.empty()) {  // no better solution found
    if (model.isProvenOptimal() && !stopped) return use_start(MipStatus::Optimal);
    use_start(MipStatus::TimeLimit);
    res.bound = std::min(bound, res.objective);
    return res;
  }
  res.bound = bound;
  if (model.isProvenOptimal() && has_solution && !stopped) {
    res.status = MipStatus::Optimal;
  } else {
    res.status = res.x.empty() ? MipStatus::NoSolution : MipStatus::TimeLimit;
  }
  return res;
}

}  // namespace libmatch::detail
