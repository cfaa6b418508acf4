// The programme round's exact solve (programme_solve.hpp): relaxation on the min-cost flow,
// greedy repair into a feasible start, then the MIP on CBC.
#include "programme_solve.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

#include "libmatch/error.hpp"
#include "mip.hpp"

namespace libmatch::detail {

namespace {

using i64 = std::int64_t;

double tolerance(double cap) { return 1e-6 * std::max(1.0, std::abs(cap)); }

// Views of the problem by row, by column, and arc -> knapsack rows.
struct Index {
  const ProgrammeProblem& p;
  std::vector<i64> row_begin, row_arcs;      // arcs per row (CSR, in arc order)
  std::vector<i64> kn_begin, kn_of, kn_pos;  // knapsack rows per arc (CSR): row, entry

  explicit Index(const ProgrammeProblem& prob) : p(prob) {
    const auto& f = p.flow;
    const i64 n_arcs = static_cast<i64>(f.arc_row.size());
    row_begin.assign(f.n_rows + 1, 0);
    for (i64 k = 0; k < n_arcs; ++k) ++row_begin[f.arc_row[k] + 1];
    std::partial_sum(row_begin.begin(), row_begin.end(), row_begin.begin());
    row_arcs.resize(n_arcs);
    std::vector<i64> fill(row_begin.begin(), row_begin.end() - 1);
    for (i64 k = 0; k < n_arcs; ++k) row_arcs[fill[f.arc_row[k]]++] = k;
    kn_begin.assign(n_arcs + 1, 0);
    for (const auto& r : p.rows)
      for (i64 k : r.arcs) ++kn_begin[k + 1];
    std::partial_sum(kn_begin.begin(), kn_begin.end(), kn_begin.begin());
    kn_of.resize(kn_begin.back());
    kn_pos.resize(kn_begin.back());
    std::vector<i64> f2(kn_begin.begin(), kn_begin.end() - 1);
    for (std::size_t i = 0; i < p.rows.size(); ++i)
      for (std::size_t j = 0; j < p.rows[i].arcs.size(); ++j) {
        const i64 k = p.rows[i].arcs[j];
        kn_of[f2[k]] = static_cast<i64>(i);
        kn_pos[f2[k]++] = static_cast<i64>(j);
      }
  }
  i64 load_units(i64 c) const {
    return p.flow.load_offset.empty() ? 0 : p.flow.load_offset[c + 1] - p.flow.load_offset[c];
  }
  i64 marginal(i64 c, i64 unit) const {  // cost of the unit-th unit (0-based) of column c
    return p.flow.load_offset.empty() ? 0 : p.flow.load_cost[p.flow.load_offset[c] + unit];
  }
};

// The arc chosen for each row given the column of each row (cheapest, first on ties).
std::vector<i64> arcs_of(const Index& ix, const std::vector<i64>& col_of_row) {
  const auto& f = ix.p.flow;
  std::vector<i64> out(col_of_row.size(), -1);
  for (std::size_t r = 0; r < col_of_row.size(); ++r) {
    if (col_of_row[r] < 0) continue;
    for (i64 j = ix.row_begin[r]; j < ix.row_begin[r + 1]; ++j) {
      const i64 k = ix.row_arcs[j];
      if (f.arc_col[k] == col_of_row[r] && (out[r] < 0 || f.arc_cost[k] < f.arc_cost[out[r]]))
        out[r] = k;
    }
    if (out[r] < 0) throw Error("internal error: a solution uses a missing arc");
  }
  return out;
}

i64 objective_of(const Index& ix, const std::vector<i64>& arc_of_row) {
  const auto& f = ix.p.flow;
  std::vector<i64> used(f.n_cols, 0);
  i64 obj = 0;
  for (std::size_t r = 0; r < arc_of_row.size(); ++r) {
    const i64 k = arc_of_row[r];
    if (k < 0) {
      obj += f.unassigned_cost[r];
      continue;
    }
    const i64 c = f.arc_col[k];
    obj += f.arc_cost[k] + ix.marginal(c, used[c]);
    ++used[c];
  }
  return obj;
}

// Drops assignments until every knapsack row holds (lowest unassigned cost first, then the
// dearest arc, then the larger row), then refills rows by unassigned cost (highest first)
// with their cheapest arc that fits and beats leaving the row unassigned.
void repair(const Index& ix, std::vector<i64>& arc_of_row,
            const std::vector<double>* denom = nullptr) {
  const auto& p = ix.p;
  const auto& f = p.flow;
  std::vector<double> usage(p.rows.size(), 0.0);
  std::vector<i64> used(f.n_cols, 0);
  auto apply = [&](i64 k, double sign) {
    for (i64 j = ix.kn_begin[k]; j < ix.kn_begin[k + 1]; ++j)
      usage[ix.kn_of[j]] += sign * p.rows[ix.kn_of[j]].weight[ix.kn_pos[j]];
  };
  for (i64 k : arc_of_row)
    if (k >= 0) {
      apply(k, 1.0);
      ++used[f.arc_col[k]];
    }
  auto violated = [&](std::size_t i) {
    return usage[i] > p.rows[i].capacity + tolerance(p.rows[i].capacity);
  };
  std::vector<i64> order;
  for (std::size_t r = 0; r < arc_of_row.size(); ++r)
    if (arc_of_row[r] >= 0) order.push_back(static_cast<i64>(r));
  if (denom == nullptr) {
    std::sort(order.begin(), order.end(), [&](i64 a, i64 b) {
      return std::tuple(f.unassigned_cost[a], -f.arc_cost[arc_of_row[a]], -a) <
             std::tuple(f.unassigned_cost[b], -f.arc_cost[arc_of_row[b]], -b);
    });
  } else {  // least gain over leaving the row unassigned per weight in violated rows first
    std::vector<double> key(arc_of_row.size(), 0.0);
    for (i64 r : order) {
      const i64 k = arc_of_row[r];
      double w = 0.0;
      for (i64 j = ix.kn_begin[k]; j < ix.kn_begin[k + 1]; ++j)
        if (violated(ix.kn_of[j]))
          w += p.rows[ix.kn_of[j]].weight[ix.kn_pos[j]] / (*denom)[ix.kn_of[j]];
      const double gain = static_cast<double>(f.unassigned_cost[r] - f.arc_cost[k]);
      key[r] = w > 0 ? gain / w : std::numeric_limits<double>::infinity();
    }
    std::sort(order.begin(), order.end(),
              [&](i64 a, i64 b) { return std::tuple(key[a], -a) < std::tuple(key[b], -b); });
  }
  for (i64 r : order) {
    const i64 k = arc_of_row[r];
    bool drop = false;
    for (i64 j = ix.kn_begin[k]; j < ix.kn_begin[k + 1] && !drop; ++j) drop = violated(ix.kn_of[j]);
    if (!drop) continue;
    apply(k, -1.0);
    --used[f.arc_col[k]];
    arc_of_row[r] = -1;
  }
  // Refill.
  std::vector<i64> rows;
  for (std::size_t r = 0; r < arc_of_row.size(); ++r)
    if (arc_of_row[r] < 0) rows.push_back(static_cast<i64>(r));
  std::stable_sort(rows.begin(), rows.end(),
                   [&](i64 a, i64 b) { return f.unassigned_cost[a] > f.unassigned_cost[b]; });
  for (i64 r : rows) {
    i64 best = -1, best_cost = f.unassigned_cost[r];
    for (i64 j = ix.row_begin[r]; j < ix.row_begin[r + 1]; ++j) {
      const i64 k = ix.row_arcs[j], c = f.arc_col[k];
      if (used[c] >= f.col_capacity[c] || (!f.load_offset.empty() && used[c] >= ix.load_units(c)))
        continue;
      const i64 cost = f.arc_cost[k] + ix.marginal(c, used[c]);
      if (cost >= best_cost) continue;
      bool fits = true;
      for (i64 q = ix.kn_begin[k]; q < ix.kn_begin[k + 1] && fits; ++q) {
        const auto& row = p.rows[ix.kn_of[q]];
        fits =
            usage[ix.kn_of[q]] + row.weight[ix.kn_pos[q]] <= row.capacity + tolerance(row.capacity);
      }
      if (fits) {
        best = k;
        best_cost = cost;
      }
    }
    if (best >= 0) {
      arc_of_row[r] = best;
      apply(best, 1.0);
      ++used[f.arc_col[best]];
    }
  }
}

// Improves a feasible assignment by swaps inside a column: an unassigned row u takes the
// place of an assigned row r in column c when every knapsack row still holds and the
// objective falls (the column's load, hence its load cost, is unchanged). Rows u by
// unassigned cost (highest first); first improving swap taken; repeated while it improves.
void swap_improve(const Index& ix, std::vector<i64>& arc_of_row) {
  const auto& p = ix.p;
  const auto& f = p.flow;
  std::vector<double> usage(p.rows.size(), 0.0);
  std::vector<std::vector<i64>> in_col(f.n_cols);
  for (std::size_t r = 0; r < arc_of_row.size(); ++r) {
    const i64 k = arc_of_row[r];
    if (k < 0) continue;
    in_col[f.arc_col[k]].push_back(static_cast<i64>(r));
    for (i64 j = ix.kn_begin[k]; j < ix.kn_begin[k + 1]; ++j)
      usage[ix.kn_of[j]] += p.rows[ix.kn_of[j]].weight[ix.kn_pos[j]];
  }
  auto w_of = [&](i64 k, i64 row) {  // weight of arc k in knapsack row `row` (0 if none)
    double w = 0;
    for (i64 j = ix.kn_begin[k]; j < ix.kn_begin[k + 1]; ++j)
      if (ix.kn_of[j] == row) w += p.rows[row].weight[ix.kn_pos[j]];
    return w;
  };
  auto fits = [&](i64 ku, i64 kr) {
    for (i64 j = ix.kn_begin[ku]; j < ix.kn_begin[ku + 1]; ++j) {
      const i64 row = ix.kn_of[j];
      const auto& R = p.rows[row];
      if (usage[row] + w_of(ku, row) - w_of(kr, row) > R.capacity + tolerance(R.capacity))
        return false;
    }
    return true;
  };
  std::vector<i64> rows;
  for (std::size_t r = 0; r < arc_of_row.size(); ++r)
    if (arc_of_row[r] < 0) rows.push_back(static_cast<i64>(r));
  std::stable_sort(rows.begin(), rows.end(),
                   [&](i64 a, i64 b) { return f.unassigned_cost[a] > f.unassigned_cost[b]; });
  for (int pass = 0; pass < 3; ++pass) {
    bool improved = false;
    for (i64& u : rows) {
      if (u < 0 || arc_of_row[u] >= 0) continue;
      i64 best_k = -1, best_r = -1, best_delta = 0;
      for (i64 j = ix.row_begin[u]; j < ix.row_begin[u + 1]; ++j) {
        const i64 ku = ix.row_arcs[j], c = f.arc_col[ku];
        const i64 gain_u = f.unassigned_cost[u] - f.arc_cost[ku];
        for (i64 r : in_col[c]) {
          const i64 kr = arc_of_row[r];
          const i64 delta = (f.unassigned_cost[r] - f.arc_cost[kr]) - gain_u;
          if (delta < best_delta && fits(ku, kr)) {
            best_delta = delta;
            best_k = ku;
            best_r = r;
          }
        }
      }
      if (best_k < 0) continue;
      const i64 kr = arc_of_row[best_r], c = f.arc_col[best_k];
      for (i64 j = ix.kn_begin[kr]; j < ix.kn_begin[kr + 1]; ++j)
        usage[ix.kn_of[j]] -= p.rows[ix.kn_of[j]].weight[ix.kn_pos[j]];
      for (i64 j = ix.kn_begin[best_k]; j < ix.kn_begin[best_k + 1]; ++j)
        usage[ix.kn_of[j]] += p.rows[ix.kn_of[j]].weight[ix.kn_pos[j]];
      arc_of_row[best_r] = -1;
      arc_of_row[u] = best_k;
      std::replace(in_col[c].begin(), in_col[c].end(), best_r, u);
      u = best_r;  // the dropped row may find a place later
      improved = true;
    }
    if (!improved) break;
  }
}

// The MIP of programme_solve.hpp; x columns are the first ones (arc_var maps arcs to them).
struct Mip {
  MipProblem prob;
  std::vector<i64> arc_var;                          // arc -> column, -1 = dropped
  std::vector<std::vector<std::int32_t>> load_vars;  // per column: increments, cheapest first
};

Mip build_mip(const Index& ix) {
  const auto& p = ix.p;
  const auto& f = p.flow;
  Mip m;
  const i64 n_arcs = static_cast<i64>(f.arc_row.size());
  m.arc_var.assign(n_arcs, -1);
  for (i64 r = 0; r < f.n_rows; ++r) m.prob.offset += static_cast<double>(f.unassigned_cost[r]);
  std::vector<std::vector<std::int32_t>> col_vars(f.n_cols);
  m.load_vars.assign(f.n_cols, {});
  for (i64 k = 0; k < n_arcs; ++k) {
    const i64 c = f.arc_col[k], r = f.arc_row[k];
    if (f.col_capacity[c] <= 0) continue;
    if (f.arc_cost[k] + ix.marginal(c, 0) >= f.unassigned_cost[r]) continue;  // never better
    const double cost = static_cast<double>(f.arc_cost[k] - f.unassigned_cost[r]);
    m.arc_var[k] = m.prob.add_col(cost, 0.0, 1.0, true);
    col_vars[c].push_back(static_cast<std::int32_t>(m.arc_var[k]));
  }
  for (i64 r = 0; r < f.n_rows; ++r) {  // one arc per row
    std::vector<std::int32_t> idx;
    for (i64 j = ix.row_begin[r]; j < ix.row_begin[r + 1]; ++j)
      if (m.arc_var[ix.row_arcs[j]] >= 0)
        idx.push_back(static_cast<std::int32_t>(m.arc_var[ix.row_arcs[j]]));
    if (idx.size() > 1) m.prob.add_row(idx, std::vector<double>(idx.size(), 1.0), -1e30, 1.0);
  }
  for (i64 c = 0; c < f.n_cols; ++c) {  // capacity and convex load per column
    auto idx = col_vars[c];
    if (idx.empty()) continue;
    std::vector<double> val(idx.size(), 1.0);
    const i64 cap = std::min<i64>(f.col_capacity[c], static_cast<i64>(idx.size()));
    bool any_cost = false;
    for (i64 u = 0; u < cap && !any_cost; ++u) any_cost = ix.marginal(c, u) != 0;
    if (!any_cost) {
      if (cap < static_cast<i64>(idx.size()))
        m.prob.add_row(idx, val, -1e30, static_cast<double>(cap));
      continue;
    }
    for (i64 u = 0; u < cap;) {  // equal marginals share one increment variable
      i64 v = u;
      while (v < cap && ix.marginal(c, v) == ix.marginal(c, u)) ++v;
      idx.push_back(m.prob.add_col(static_cast<double>(ix.marginal(c, u)), 0.0,
                                   static_cast<double>(v - u), false));
      m.load_vars[c].push_back(idx.back());
      val.push_back(-1.0);
      u = v;
    }
    m.prob.add_row(idx, val, -1e30, 0.0);
  }
  for (const auto& row : p.rows) {  // the knapsack rows
    std::vector<std::int32_t> idx;
    std::vector<double> val;
    for (std::size_t j = 0; j < row.arcs.size(); ++j)
      if (m.arc_var[row.arcs[j]] >= 0 && row.weight[j] != 0) {
        idx.push_back(static_cast<std::int32_t>(m.arc_var[row.arcs[j]]));
        val.push_back(row.weight[j]);
      }
    double total = 0;
    for (double v : val) total += v;
    if (!idx.empty() && total > row.capacity + tolerance(row.capacity))
      m.prob.add_row(idx, val, -1e30, row.capacity);
  }
  return m;
}

// Lagrangian relaxation of the knapsack rows (see programme_solve.hpp): the multiplier mu_i
// >= 0 of row i (normalised to capacity 1) is added to the cost of every arc in the row times
// its normalised weight; the subproblem is the min-cost flow. Arc costs are scaled by kScale
// and rounded DOWN, so the subproblem's optimum / kScale - sum mu_i is a valid lower bound.
// Each subproblem's flow is repaired into a feasible solution; the best is kept.
struct Lagrangian {
  double bound = -std::numeric_limits<double>::infinity();  // best proven bound (units)
  std::vector<i64> best;                                    // best feasible arc_of_row
  i64 best_obj = 0;
};

constexpr i64 kScale = 16;

void lagrangian(const Index& ix, Lagrangian& lg, int max_iter, double deadline_s,
                const std::chrono::steady_clock::time_point& t0) {
  const auto& p = ix.p;
  const auto& f = p.flow;
  const i64 n_arcs = static_cast<i64>(f.arc_row.size());
  const std::size_t n_kn = p.rows.size();
  // normalised weights: row i as sum (w / d_i) x <= cap_i / d_i with d_i = max(cap, min w > 0)
  std::vector<double> denom(n_kn, 1.0), rhs(n_kn, 0.0);
  for (std::size_t i = 0; i < n_kn; ++i) {
    double minw = std::numeric_limits<double>::infinity();
    for (double w : p.rows[i].weight)
      if (w > 0) minw = std::min(minw, w);
    denom[i] = std::max(p.rows[i].capacity, std::isfinite(minw) ? minw : 1.0);
    rhs[i] = p.rows[i].capacity / denom[i];
  }
  std::vector<i64> cost(n_arcs), unassigned(f.n_rows), load(f.load_cost.size());
  for (i64 r = 0; r < f.n_rows; ++r) unassigned[r] = f.unassigned_cost[r] * kScale;
  for (std::size_t j = 0; j < load.size(); ++j) load[j] = f.load_cost[j] * kScale;
  TransportProblem sub = f;
  sub.arc_cost = cost;
  sub.unassigned_cost = unassigned;
  if (!f.load_cost.empty()) sub.load_cost = load;
  std::vector<double> mu(n_kn, 0.0), g(n_kn, 0.0), lagc(n_arcs);
  double theta = 2.0;
  int since_improved = 0;
  for (int it = 0; it < max_iter; ++it) {
    for (i64 k = 0; k < n_arcs; ++k) lagc[k] = static_cast<double>(f.arc_cost[k]);
    double mu_rhs = 0.0;
    for (std::size_t i = 0; i < n_kn; ++i) {
      mu_rhs += mu[i] * rhs[i];
      if (mu[i] <= 0) continue;
      const auto& row = p.rows[i];
      for (std::size_t j = 0; j < row.arcs.size(); ++j)
        lagc[row.arcs[j]] += mu[i] * row.weight[j] / denom[i];
    }
    for (i64 k = 0; k < n_arcs; ++k) {
      const double v = std::floor(lagc[k] * static_cast<double>(kScale));
      // beyond any unassigned cost the arc is pruned anyway: clamp (keeps int64 safe)
      const double cap = static_cast<double>(f.unassigned_cost[f.arc_row[k]]) * kScale + 1.0;
      cost[k] = static_cast<i64>(std::min(v, cap));
    }
    TransportSolution s = solve_transport(sub);
    // the arc of each row: cheapest Lagrangian cost into the chosen column
    std::vector<i64> arcs(f.n_rows, -1);
    for (i64 r = 0; r < f.n_rows; ++r) {
      const i64 c = s.col_of_row[r];
      if (c < 0) continue;
      for (i64 j = ix.row_begin[r]; j < ix.row_begin[r + 1]; ++j) {
        const i64 k = ix.row_arcs[j];
        if (f.arc_col[k] == c && (arcs[r] < 0 || cost[k] < cost[arcs[r]])) arcs[r] = k;
      }
    }
    const double L = static_cast<double>(s.objective) / kScale - mu_rhs;
    if (L > lg.bound + 1e-9) {
      lg.bound = L;
      since_improved = 0;
    } else if (++since_improved >= 8) {
      theta /= 2.0;
      since_improved = 0;
    }
    std::fill(g.begin(), g.end(), 0.0);
    for (i64 r = 0; r < f.n_rows; ++r) {
      const i64 k = arcs[r];
      if (k < 0) continue;
      for (i64 j = ix.kn_begin[k]; j < ix.kn_begin[k + 1]; ++j)
        g[ix.kn_of[j]] += p.rows[ix.kn_of[j]].weight[ix.kn_pos[j]] / denom[ix.kn_of[j]];
    }
    double norm2 = 0.0;
    for (std::size_t i = 0; i < n_kn; ++i) {
      g[i] -= rhs[i];
      if (mu[i] <= 0 && g[i] < 0) g[i] = 0;  // projected
      norm2 += g[i] * g[i];
    }
    repair(ix, arcs, &denom);
    swap_improve(ix, arcs);
    repair(ix, arcs);  // refill what the swaps freed
    const i64 obj = objective_of(ix, arcs);
    if (obj < lg.best_obj) {
      lg.best_obj = obj;
      lg.best = arcs;
    }
    if (static_cast<double>(lg.best_obj) - std::ceil(lg.bound - 1e-6) < 1.0) return;
    if (norm2 <= 1e-18) return;  // the subproblem's flow is feasible and complementary
    const double t = theta * std::max(1.0, static_cast<double>(lg.best_obj) - L) / norm2;
    for (std::size_t i = 0; i < n_kn; ++i) mu[i] = std::max(0.0, mu[i] + t * g[i]);
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > deadline_s)
      return;
  }
}

}  // namespace

bool rows_satisfied(const ProgrammeProblem& p, const std::vector<i64>& arc_of_row) {
  std::vector<char> chosen(p.flow.arc_row.size(), 0);
  for (i64 k : arc_of_row)
    if (k >= 0) chosen[k] = 1;
  for (const auto& row : p.rows) {
    double s = 0;
    for (std::size_t j = 0; j < row.arcs.size(); ++j)
      if (chosen[row.arcs[j]]) s += row.weight[j];
    if (s > row.capacity + tolerance(row.capacity)) return false;
  }
  return true;
}

ProgrammeSolution solve_programme(const ProgrammeProblem& p, double time_limit_s) {
  for (const auto& row : p.rows) {
    if (row.arcs.size() != row.weight.size() || !(row.capacity >= 0))
      throw Error("internal error: malformed knapsack row");
    for (std::size_t j = 0; j < row.arcs.size(); ++j)
      if (row.arcs[j] < 0 || row.arcs[j] >= static_cast<i64>(p.flow.arc_row.size()) ||
          !(row.weight[j] >= 0))
        throw Error("internal error: malformed knapsack row");
  }
  const Index ix(p);
  ProgrammeSolution out;
  TransportSolution relaxed = solve_transport(p.flow);
  std::vector<i64> arc_of_row = arcs_of(ix, relaxed.col_of_row);
  if (rows_satisfied(p, arc_of_row)) {
    out.col_of_row = std::move(relaxed.col_of_row);
    out.objective = objective_of(ix, arc_of_row);
    out.bound = static_cast<double>(out.objective);
    out.arc_of_row = std::move(arc_of_row);
    return out;
  }
  const auto t0 = std::chrono::steady_clock::now();
  double relaxed_bound = static_cast<double>(objective_of(ix, arc_of_row));
  repair(ix, arc_of_row);
  {
    Lagrangian lg;
    lg.best = arc_of_row;
    lg.best_obj = objective_of(ix, arc_of_row);
    lagrangian(ix, lg, 200, 0.5 * time_limit_s, t0);
    relaxed_bound = std::max(relaxed_bound, lg.bound - 1e-6);
    arc_of_row = std::move(lg.best);
    const double lb = std::min(std::ceil(relaxed_bound - 1e-6), static_cast<double>(lg.best_obj));
    if (static_cast<double>(lg.best_obj) - lb < 1.0) {
      out.objective = lg.best_obj;
      out.bound = static_cast<double>(out.objective);
      out.col_of_row.assign(p.flow.n_rows, -1);
      for (i64 r = 0; r < p.flow.n_rows; ++r)
        if (arc_of_row[r] >= 0) out.col_of_row[r] = p.flow.arc_col[arc_of_row[r]];
      out.arc_of_row = std::move(arc_of_row);
      return out;
    }
    const double spent =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    time_limit_s = std::max(0.05, time_limit_s - spent);
  }
  Mip m = build_mip(ix);
  MipOptions opt;
  opt.time_limit_s = time_limit_s;
  opt.integral_objective = true;
  // The start in full: its arcs, and each column's load increments filled cheapest first
  // (the cutoff of mip.hpp is computed from every variable).
  opt.start.assign(m.prob.n_cols, 0.0);
  std::vector<double> units(p.flow.n_cols, 0.0);
  for (i64 k : arc_of_row)
    if (k >= 0) {
      if (m.arc_var[k] < 0) throw Error("internal error: the repaired start uses a dropped arc");
      opt.start[m.arc_var[k]] = 1.0;
      units[p.flow.arc_col[k]] += 1.0;
    }
  for (i64 c = 0; c < p.flow.n_cols; ++c)
    for (std::int32_t v : m.load_vars[c]) {
      const double take = std::min(units[c], m.prob.ub[v]);
      opt.start[v] = take;
      units[c] -= take;
    }
  MipResult res = solve_mip(m.prob, opt);
  out.used_mip = true;
  if (res.status == MipStatus::Infeasible)
    throw Error(
        "internal error: the programme MIP is infeasible (leaving requests unassigned "
        "is always feasible)");
  // The MIP's answer, checked (one arc per row, column capacities, every row) before use.
  std::vector<i64> mip_arcs(p.flow.n_rows, -1);
  bool mip_ok = !res.x.empty();
  std::vector<i64> used(p.flow.n_cols, 0);
  for (std::size_t k = 0; k < m.arc_var.size() && mip_ok; ++k) {
    if (m.arc_var[k] < 0 || res.x[m.arc_var[k]] < 0.5) continue;
    const i64 r = p.flow.arc_row[k], c = p.flow.arc_col[k];
    mip_ok = mip_arcs[r] < 0 && ++used[c] <= p.flow.col_capacity[c];
    mip_arcs[r] = static_cast<i64>(k);
  }
  mip_ok = mip_ok && rows_satisfied(p, mip_arcs);
  const std::vector<i64>& best =
      mip_ok && objective_of(ix, mip_arcs) <= objective_of(ix, arc_of_row) ? mip_arcs : arc_of_row;
  out.objective = objective_of(ix, best);
  out.col_of_row.assign(p.flow.n_rows, -1);
  for (i64 r = 0; r < p.flow.n_rows; ++r)
    if (best[r] >= 0) out.col_of_row[r] = p.flow.arc_col[best[r]];
  out.arc_of_row = best;
  if (res.status == MipStatus::Optimal && mip_ok && &best == &mip_arcs) {
    out.bound = static_cast<double>(out.objective);
  } else {
    out.status = SolveStatus::TimeLimit;
    // The MIP bound, never below the relaxation's optimum (also a valid bound), rounded up
    // to whole units (the objective is integral).
    const double b = std::isfinite(res.bound) ? std::max(res.bound, relaxed_bound) : relaxed_bound;
    out.bound = std::min(std::ceil(b - 1e-6), static_cast<double>(out.objective));
    if (out.bound >= static_cast<double>(out.objective)) out.status = SolveStatus::Optimal;
  }
  return out;
}

}  // namespace libmatch::detail
