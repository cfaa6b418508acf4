// The programme round's exact solve (programme_solve.hpp): relaxation on the min-cost flow,
// greedy repair into a feasible start, then the MIP on CBC.
#include "programme_solve.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <tuple>
#include <utility>

#include "deadline.hpp"
#include "libmatch/cancel.hpp"
#include "libmatch/error.hpp"
#include "mip.hpp"
#include "programme_bound.hpp"

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
  // Units column c can take: its capacity, and no more than its load costs cover.
  i64 units(i64 c) const {
    const auto& f = p.flow;
    return f.load_offset.empty()
               ? f.col_capacity[c]
               : std::min(f.col_capacity[c], f.load_offset[c + 1] - f.load_offset[c]);
  }
  i64 marginal(i64 c, i64 unit) const {  // cost of the unit-th unit (0-based) of column c
    return p.flow.load_offset.empty() ? 0 : p.flow.load_cost[p.flow.load_offset[c] + unit];
  }
  // Arc k can be worth taking: its column has capacity and it beats leaving its row
  // unassigned (the MIP's variables; the others are dropped, as in flow.hpp).
  bool can_gain(i64 k) const {
    const auto& f = p.flow;
    const i64 c = f.arc_col[k];
    return f.col_capacity[c] > 0 &&
           f.arc_cost[k] + marginal(c, 0) < f.unassigned_cost[f.arc_row[k]];
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

// True when no column holds more rows than its capacity (and its load costs' length).
bool columns_hold(const Index& ix, const std::vector<i64>& arc_of_row) {
  const auto& f = ix.p.flow;
  std::vector<i64> used(f.n_cols, 0);
  for (i64 k : arc_of_row)
    if (k >= 0) {
      const i64 c = f.arc_col[k];
      if (++used[c] > ix.units(c)) return false;
    }
  return true;
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
            const std::vector<double>* denom = nullptr, const std::vector<double>* mu = nullptr) {
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
  // With multipliers: the price of an arc's weights (sum mu_i w / denom_i) is added to its
  // cost, rows by their best priced gain (highest first): money and hours go where they gain
  // most per unit. Without: rows by unassigned cost.
  auto priced = [&](i64 k) {
    double v = 0;
    if (mu != nullptr)
      for (i64 j = ix.kn_begin[k]; j < ix.kn_begin[k + 1]; ++j)
        v += (*mu)[ix.kn_of[j]] * p.rows[ix.kn_of[j]].weight[ix.kn_pos[j]] / (*denom)[ix.kn_of[j]];
    return v;
  };
  if (mu == nullptr) {
    std::stable_sort(rows.begin(), rows.end(),
                     [&](i64 a, i64 b) { return f.unassigned_cost[a] > f.unassigned_cost[b]; });
  } else {
    std::vector<double> key(arc_of_row.size(), -std::numeric_limits<double>::infinity());
    for (i64 r : rows)
      for (i64 j = ix.row_begin[r]; j < ix.row_begin[r + 1]; ++j) {
        const i64 k = ix.row_arcs[j];
        key[r] =
            std::max(key[r], static_cast<double>(f.unassigned_cost[r] - f.arc_cost[k]) - priced(k));
      }
    std::stable_sort(rows.begin(), rows.end(), [&](i64 a, i64 b) { return key[a] > key[b]; });
  }
  for (i64 r : rows) {
    i64 best = -1;
    double best_cost = static_cast<double>(f.unassigned_cost[r]);
    for (i64 j = ix.row_begin[r]; j < ix.row_begin[r + 1]; ++j) {
      const i64 k = ix.row_arcs[j], c = f.arc_col[k];
      if (used[c] >= ix.units(c)) continue;
      const double cost = static_cast<double>(f.arc_cost[k] + ix.marginal(c, used[c])) + priced(k);
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

// Local search on a feasible assignment (true objective only, every knapsack row kept):
// insert an unassigned row; move an assigned row to a cheaper arc (other column: frees its
// hours there); replace an assigned row by an unassigned one anywhere (frees money or hours);
// an ejection chain (an unassigned row enters column c, a row of c moves to another
// column). First improving move per row, rows by unassigned cost (highest first, then
// index); passes repeat while any move improved, until `deadline` (the only time-dependent
// choice: where it stops).
class LocalSearch {
 public:
  LocalSearch(const Index& ix, std::vector<i64>& arc_of_row)
      : ix_(ix), p_(ix.p), f_(ix.p.flow), a_(arc_of_row) {
    usage_.assign(p_.rows.size(), 0.0);
    used_.assign(f_.n_cols, 0);
    in_col_.assign(f_.n_cols, {});
    for (std::size_t r = 0; r < a_.size(); ++r)
      if (a_[r] >= 0) add(static_cast<i64>(r), a_[r]);
    order_.resize(a_.size());
    std::iota(order_.begin(), order_.end(), i64{0});
    std::stable_sort(order_.begin(), order_.end(),
                     [&](i64 x, i64 y) { return f_.unassigned_cost[x] > f_.unassigned_cost[y]; });
  }

  // Runs passes until one gains < 0.1 % or the clock passes the deadline.
  void run(const std::chrono::steady_clock::time_point& deadline) {
    i64 before = objective_of(ix_, a_);
    for (int pass = 0; pass < 50; ++pass) {
      bool improved = false;
      drop_order_.clear();
      for (std::size_t r = 0; r < a_.size(); ++r)
        if (a_[r] >= 0)
          drop_order_.emplace_back(f_.unassigned_cost[r] - remove_save(a_[r]), static_cast<i64>(r));
      std::sort(drop_order_.begin(), drop_order_.end());
      for (std::size_t q = 0; q < order_.size(); ++q) {
        const i64 r = order_[q];
        improved |= a_[r] < 0 ? insert_or_replace(r) : relocate(r);
        if ((q & 63) == 0) {
          throw_if_cancelled("programme round");
          if (std::chrono::steady_clock::now() > deadline) return;
        }
      }
      for (int round = 0; round < 10; ++round) {
        bool better = false;
        for (i64 c = 0; c < f_.n_cols; ++c) {
          better |= reopt_column(c);
          if ((c & 15) == 0) {
            throw_if_cancelled("programme round");
            if (std::chrono::steady_clock::now() > deadline) return;
          }
        }
        improved |= better;
        if (!better) break;
      }
      // stop when a pass gains less than 0.1 % (the tail is slow; CBC gets the time)
      const i64 after = objective_of(ix_, a_);
      if (!improved || (before - after) * 1000 < std::abs(before)) return;
      before = after;
    }
  }

 private:
  const Index& ix_;
  const ProgrammeProblem& p_;
  const TransportProblem& f_;
  std::vector<i64>& a_;
  std::vector<double> usage_;
  std::vector<i64> used_;
  std::vector<std::vector<i64>> in_col_;
  std::vector<i64> order_;
  std::vector<std::pair<i64, i64>> drop_order_;  // (loss of dropping, row), ascending

  i64 col(i64 k) const { return f_.arc_col[k]; }
  bool full(i64 c, i64 extra = 0) const {
    const i64 u = used_[c] + extra;
    return u >= ix_.units(c);
  }
  i64 add_cost(i64 k) const { return f_.arc_cost[k] + ix_.marginal(col(k), used_[col(k)]); }
  i64 remove_save(i64 k) const { return f_.arc_cost[k] + ix_.marginal(col(k), used_[col(k)] - 1); }
  double w_in(i64 k, i64 row) const {
    double w = 0;
    for (i64 j = ix_.kn_begin[k]; j < ix_.kn_begin[k + 1]; ++j)
      if (ix_.kn_of[j] == row) w += p_.rows[row].weight[ix_.kn_pos[j]];
    return w;
  }
  // Every knapsack row holds after adding arc k and removing arcs out1, out2 (-1 = none).
  bool fits(i64 k, i64 out1 = -1, i64 out2 = -1) const {
    for (i64 j = ix_.kn_begin[k]; j < ix_.kn_begin[k + 1]; ++j) {
      const i64 row = ix_.kn_of[j];
      const auto& R = p_.rows[row];
      double u = usage_[row] + R.weight[ix_.kn_pos[j]];
      if (out1 >= 0) u -= w_in(out1, row);
      if (out2 >= 0) u -= w_in(out2, row);
      if (u > R.capacity + tolerance(R.capacity)) return false;
    }
    return true;
  }
  void add(i64 r, i64 k) {
    a_[r] = k;
    ++used_[col(k)];
    in_col_[col(k)].push_back(r);
    for (i64 j = ix_.kn_begin[k]; j < ix_.kn_begin[k + 1]; ++j)
      usage_[ix_.kn_of[j]] += p_.rows[ix_.kn_of[j]].weight[ix_.kn_pos[j]];
  }
  void remove(i64 r) {
    const i64 k = a_[r], c = col(k);
    a_[r] = -1;
    --used_[c];
    auto& v = in_col_[c];
    v.erase(std::find(v.begin(), v.end(), r));
    for (i64 j = ix_.kn_begin[k]; j < ix_.kn_begin[k + 1]; ++j)
      usage_[ix_.kn_of[j]] -= p_.rows[ix_.kn_of[j]].weight[ix_.kn_pos[j]];
  }

  static constexpr std::size_t kMaxCandidates = 40;  // per column re-optimisation
  static constexpr i64 kNodeLimit = 50000;           // depth-first nodes per column
  std::vector<i64> col_begin_, col_arcs_;            // arcs per column (CSR, arc order)
  struct Cand {
    i64 gain, row, arc;
  };
  std::vector<Cand> cands_;
  std::vector<i64> load_;  // load_[n]: load cost of n units in the column
  std::vector<char> pick_, best_pick_;
  i64 best_val_ = 0, nodes_ = 0, cap_ = 0;

  // Column c re-optimised with every other column fixed: the best subset of its rows and
  // the unassigned rows with an arc into it (the best kMaxCandidates by gain), every knapsack
  // row kept, by a depth-first search (node limit; bound: the next gains). Kept when better.
  bool reopt_column(i64 c) {
    if (col_begin_.empty()) {
      col_begin_.assign(f_.n_cols + 1, 0);
      for (i64 k : f_.arc_col) ++col_begin_[k + 1];
      std::partial_sum(col_begin_.begin(), col_begin_.end(), col_begin_.begin());
      col_arcs_.resize(f_.arc_col.size());
      std::vector<i64> fill(col_begin_.begin(), col_begin_.end() - 1);
      for (std::size_t k = 0; k < f_.arc_col.size(); ++k)
        col_arcs_[fill[f_.arc_col[k]]++] = static_cast<i64>(k);
    }
    cap_ = ix_.units(c);
    if (cap_ <= 0) return false;
    const std::vector<i64> mine = in_col_[c];
    std::vector<i64> mine_arcs;
    for (i64 r : mine) mine_arcs.push_back(a_[r]);
    cands_.clear();
    for (i64 r : mine) cands_.push_back({f_.unassigned_cost[r] - f_.arc_cost[a_[r]], r, a_[r]});
    const std::size_t n_mine = cands_.size();
    for (i64 j = col_begin_[c]; j < col_begin_[c + 1]; ++j) {
      const i64 k = col_arcs_[j], u = f_.arc_row[k];
      if (a_[u] >= 0) continue;
      const i64 g = f_.unassigned_cost[u] - f_.arc_cost[k];
      if (g - ix_.marginal(c, 0) <= 0) continue;
      cands_.push_back({g, u, k});
    }
    // one arc per row (the best; arcs of a row into c are few), best gains first
    std::sort(cands_.begin() + static_cast<std::ptrdiff_t>(n_mine), cands_.end(),
              [](const Cand& x, const Cand& y) {
                return std::tie(x.row, y.gain, x.arc) < std::tie(y.row, x.gain, y.arc);
              });
    cands_.erase(std::unique(cands_.begin() + static_cast<std::ptrdiff_t>(n_mine), cands_.end(),
                             [](const Cand& x, const Cand& y) { return x.row == y.row; }),
                 cands_.end());
    std::sort(cands_.begin() + static_cast<std::ptrdiff_t>(n_mine), cands_.end(),
              [](const Cand& x, const Cand& y) {
                return std::tie(y.gain, x.row) < std::tie(x.gain, y.row);
              });
    if (cands_.size() == n_mine) return false;  // nothing to add
    if (cands_.size() > std::max(kMaxCandidates, n_mine))
      cands_.resize(std::max(kMaxCandidates, n_mine));
    std::stable_sort(cands_.begin(), cands_.end(),
                     [](const Cand& x, const Cand& y) { return x.gain > y.gain; });
    load_.assign(static_cast<std::size_t>(cap_) + 1, 0);
    for (i64 n = 0; n < cap_; ++n) load_[n + 1] = load_[n] + ix_.marginal(c, n);
    i64 cur = -load_[mine.size()];
    for (std::size_t q = 0; q < n_mine; ++q)
      cur += f_.unassigned_cost[mine[q]] - f_.arc_cost[a_[mine[q]]];
    for (i64 r : mine) remove(r);
    pick_.assign(cands_.size(), 0);
    best_pick_.clear();
    best_val_ = cur;
    nodes_ = 0;
    dfs(0, 0, 0);
    if (best_pick_.empty()) {  // no better subset: restore
      for (std::size_t q = 0; q < mine.size(); ++q) add(mine[q], mine_arcs[q]);
      return false;
    }
    for (std::size_t q = 0; q < cands_.size(); ++q)
      if (best_pick_[q]) add(cands_[q].row, cands_[q].arc);
    return true;
  }
  void dfs(std::size_t i, i64 n, i64 val) {
    if (val - load_[n] > best_val_) {
      best_val_ = val - load_[n];
      best_pick_ = pick_;
    }
    if (i == cands_.size() || n == cap_ || ++nodes_ > kNodeLimit) return;
    i64 ub = val - load_[n];
    for (std::size_t q = i; q < cands_.size() && q < i + static_cast<std::size_t>(cap_ - n); ++q)
      ub += cands_[q].gain;
    if (ub <= best_val_) return;
    const Cand& x = cands_[i];
    if (fits(x.arc)) {
      apply(x.arc, 1.0);
      pick_[i] = 1;
      dfs(i + 1, n + 1, val + x.gain);
      pick_[i] = 0;
      apply(x.arc, -1.0);
    }
    dfs(i + 1, n, val);
  }
  void apply(i64 k, double sign) {
    for (i64 j = ix_.kn_begin[k]; j < ix_.kn_begin[k + 1]; ++j)
      usage_[ix_.kn_of[j]] += sign * p_.rows[ix_.kn_of[j]].weight[ix_.kn_pos[j]];
  }

  // Assigned row r: the cheapest other arc that fits (frees room in r's column).
  bool relocate(i64 r) {
    const i64 kr = a_[r], cr = col(kr);
    const i64 save = remove_save(kr);
    i64 best = -1, best_delta = 0;
    for (i64 j = ix_.row_begin[r]; j < ix_.row_begin[r + 1]; ++j) {
      const i64 k = ix_.row_arcs[j], c = col(k);
      if (k == kr) continue;
      i64 delta;
      if (c == cr) {
        delta = f_.arc_cost[k] - f_.arc_cost[kr];
      } else {
        if (full(c)) continue;
        delta = add_cost(k) - save;
      }
      if (delta < best_delta && fits(k, kr)) {
        best_delta = delta;
        best = k;
      }
    }
    if (best < 0) return false;
    remove(r);
    add(r, best);
    return true;
  }

  // Unassigned row u: the best of inserting it, replacing an assigned row by it, or an
  // ejection chain (u enters a full column c, a row of c moves to another column).
  bool insert_or_replace(i64 u) {
    const i64 un_u = f_.unassigned_cost[u];
    i64 best_delta = 0, best_k = -1, best_out = -1, best_k2 = -1;
    for (i64 j = ix_.row_begin[u]; j < ix_.row_begin[u + 1]; ++j) {
      const i64 ku = ix_.row_arcs[j], c = col(ku);
      if (f_.arc_cost[ku] >= un_u) continue;
      if (!full(c)) {
        const i64 d = add_cost(ku) - un_u;
        if (d < best_delta && fits(ku)) {
          best_delta = d;
          best_k = ku;
          best_out = -1;
          best_k2 = -1;
        }
      }
      // replace a row r of column c (load of c unchanged), or move r to another column
      for (i64 r : in_col_[c]) {
        const i64 kr = a_[r];
        const i64 d = f_.arc_cost[ku] - un_u - f_.arc_cost[kr] + f_.unassigned_cost[r];
        if (d < best_delta && fits(ku, kr)) {
          best_delta = d;
          best_k = ku;
          best_out = r;
          best_k2 = -1;
        }
        for (i64 j2 = ix_.row_begin[r]; j2 < ix_.row_begin[r + 1]; ++j2) {
          const i64 k2 = ix_.row_arcs[j2], c2 = col(k2);
          if (c2 == c || full(c2)) continue;
          const i64 d2 = f_.arc_cost[ku] - un_u - f_.arc_cost[kr] + add_cost(k2);
          if (d2 < best_delta && fits(ku, kr) && fits_pair(ku, kr, k2)) {
            best_delta = d2;
            best_k = ku;
            best_out = r;
            best_k2 = k2;
          }
        }
      }
    }
    if (best_k < 0) return replace_any(u);
    if (best_out >= 0) remove(best_out);
    add(u, best_k);
    if (best_k2 >= 0) add(best_out, best_k2);
    return true;
  }

  // After u takes arc ku and r leaves arc kr, r's new arc k2 (other column) fits too.
  bool fits_pair(i64 ku, i64 kr, i64 k2) const {
    for (i64 j = ix_.kn_begin[k2]; j < ix_.kn_begin[k2 + 1]; ++j) {
      const i64 row = ix_.kn_of[j];
      const auto& R = p_.rows[row];
      const double u = usage_[row] + w_in(ku, row) - w_in(kr, row) + R.weight[ix_.kn_pos[j]];
      if (u > R.capacity + tolerance(R.capacity)) return false;
    }
    return true;
  }

  // u replaces an assigned row r of another column (frees money or slots shared by both).
  bool replace_any(i64 u) {
    const i64 un_u = f_.unassigned_cost[u];
    i64 best_delta = 0, best_k = -1, best_out = -1;
    for (i64 j = ix_.row_begin[u]; j < ix_.row_begin[u + 1]; ++j) {
      const i64 ku = ix_.row_arcs[j], c = col(ku);
      if (full(c)) continue;
      const i64 d0 = add_cost(ku) - un_u;
      if (d0 >= 0) continue;
      for (const auto& [loss, r] : drop_order_) {  // assigned rows, cheapest to drop first
        if (d0 + loss >= best_delta) break;        // (losses as of the pass start: a heuristic cut)
        if (a_[r] < 0 || col(a_[r]) == c) continue;
        const i64 d = d0 + f_.unassigned_cost[r] - remove_save(a_[r]);
        if (d < best_delta && fits(ku, a_[r])) {
          best_delta = d;
          best_k = ku;
          best_out = r;
        }
      }
    }
    if (best_k < 0) return false;
    remove(best_out);
    add(u, best_k);
    return true;
  }
};

// The MIP of programme_solve.hpp; x columns are the first ones (arc_var maps arcs to them).
struct Mip {
  MipProblem prob;
  std::vector<i64> arc_var;                          // arc -> column, -1 = dropped
  std::vector<std::vector<std::int32_t>> load_vars;  // per column: increments, cheapest first
  std::vector<std::int32_t> assign_row;  // per flow row: its "one arc" MIP row, -1 = none
  std::vector<std::int32_t> knap_row;    // per knapsack row: its MIP row, -1 = cannot bind
};

// With `free_arc` (per arc, 1 = a variable) only those arcs are variables, and each knapsack
// row's capacity is reduced by `fixed_usage` (the weight of the assignments held fixed): the
// sub-MIP of a neighbourhood. The caller keeps every column with a free arc free in full (all
// of its assigned rows free), so column capacities and load costs stay as they are.
Mip build_mip(const Index& ix, const std::vector<char>* free_arc = nullptr,
              const std::vector<double>* fixed_usage = nullptr) {
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
    if ((free_arc != nullptr && !(*free_arc)[k]) || !ix.can_gain(k)) continue;
    const double cost = static_cast<double>(f.arc_cost[k] - f.unassigned_cost[r]);
    m.arc_var[k] = m.prob.add_col(cost, 0.0, 1.0, true);
    col_vars[c].push_back(static_cast<std::int32_t>(m.arc_var[k]));
  }
  m.assign_row.assign(f.n_rows, -1);
  m.knap_row.assign(p.rows.size(), -1);
  for (i64 r = 0; r < f.n_rows; ++r) {  // one arc per row
    std::vector<std::int32_t> idx;
    for (i64 j = ix.row_begin[r]; j < ix.row_begin[r + 1]; ++j)
      if (m.arc_var[ix.row_arcs[j]] >= 0)
        idx.push_back(static_cast<std::int32_t>(m.arc_var[ix.row_arcs[j]]));
    if (idx.size() <= 1) continue;
    m.assign_row[r] = m.prob.n_rows();
    m.prob.add_row(idx, std::vector<double>(idx.size(), 1.0), -1e30, 1.0);
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
  for (std::size_t i = 0; i < p.rows.size(); ++i) {  // the knapsack rows
    const auto& row = p.rows[i];
    std::vector<std::int32_t> idx;
    std::vector<double> val;
    for (std::size_t j = 0; j < row.arcs.size(); ++j)
      if (m.arc_var[row.arcs[j]] >= 0 && row.weight[j] != 0) {
        idx.push_back(static_cast<std::int32_t>(m.arc_var[row.arcs[j]]));
        val.push_back(row.weight[j]);
      }
    double total = 0;
    for (double v : val) total += v;
    const double cap =
        fixed_usage == nullptr ? row.capacity : std::max(0.0, row.capacity - (*fixed_usage)[i]);
    if (idx.empty() || total <= cap + tolerance(row.capacity)) continue;
    m.knap_row[i] = m.prob.n_rows();
    m.prob.add_row(idx, val, -1e30, cap);
  }
  return m;
}

// The MIP's start from a solution: its arcs, and each column's load increments filled cheapest
// first (the cutoff of mip.hpp is computed from every variable). Arcs not in `free_arc` (when
// given) are held fixed and left out. Empty when the solution uses a free arc that is not a
// variable.
std::vector<double> start_of(const Index& ix, const Mip& m, const std::vector<i64>& arc_of_row,
                             const std::vector<char>* free_arc = nullptr) {
  const auto& f = ix.p.flow;
  std::vector<double> start(m.prob.n_cols, 0.0);
  std::vector<double> units(f.n_cols, 0.0);
  for (i64 k : arc_of_row)
    if (k >= 0 && (free_arc == nullptr || (*free_arc)[k])) {
      if (m.arc_var[k] < 0) return {};
      start[m.arc_var[k]] = 1.0;
      units[f.arc_col[k]] += 1.0;
    }
  for (i64 c = 0; c < f.n_cols; ++c)
    for (std::int32_t v : m.load_vars[c]) {
      const double take = std::min(units[c], m.prob.ub[v]);
      start[v] = take;
      units[c] -= take;
    }
  return start;
}

// The arcs chosen by a MIP solution (-1 = unassigned) for the rows of its variables; false
// when it takes two arcs of a row or overfills a column (never expected from CBC).
bool arcs_of_mip(const Index& ix, const Mip& m, const std::vector<double>& x,
                 std::vector<i64>& arc_of_row) {
  const auto& f = ix.p.flow;
  std::vector<i64> used(f.n_cols, 0);
  std::vector<char> taken(f.n_rows, 0);
  for (std::size_t k = 0; k < m.arc_var.size(); ++k)
    if (m.arc_var[k] >= 0) arc_of_row[f.arc_row[k]] = -1;
  for (std::size_t k = 0; k < m.arc_var.size(); ++k) {
    if (m.arc_var[k] < 0 || x[m.arc_var[k]] < 0.5) continue;
    const i64 r = f.arc_row[k], c = f.arc_col[k];
    if (taken[r] || ++used[c] > f.col_capacity[c]) return false;
    taken[r] = 1;
    arc_of_row[r] = static_cast<i64>(k);
  }
  return true;
}

// Large neighbourhood search on a feasible assignment: a neighbourhood is a seed column and
// the columns sharing the most candidate rows with it (up to kNeighbourhoodCols columns, or
// kNeighbourhoodArcs free arcs); its rows assigned there and the unassigned rows with an arc
// into it are re-assigned by an exact sub-MIP on CBC (every other assignment fixed, the
// knapsack rows' capacities reduced by the fixed weight), from the current solution as its
// cutoff. Kept when the whole solution improves and holds every row. Seeds by the gain their
// unassigned candidate rows could bring (largest first, then index), each column seeded or
// covered once per pass. Small neighbourhoods solve to optimality in ~10-20 ms, so many are
// tried; after the first pass the columns' shared counts are scaled by pseudo-random
// factors in [1/4, 1] (a fixed seed), so that each pass groups the columns anew. After
// kQuietPasses in a row that gain < 0.01 % each, the neighbourhoods double (columns, arcs and
// sub-MIP time); after as many more the search ends, or at `deadline`. Each sub-MIP gets at
// most kSubMipSeconds (and the time left): where a sub-MIP or the search stops is the only
// time-dependent choice. Returns how many sub-MIP answers were rejected (broke a row or a
// column; never expected).
constexpr i64 kNeighbourhoodCols = 4;
constexpr i64 kNeighbourhoodArcs = 1200;
constexpr double kSubMipSeconds = 0.1;
constexpr double kSubMipMargin = 0.3;  // CBC may overrun its limit by this much
constexpr int kQuietPasses = 3;
// CBC ends by kCbcShare of a finite time limit and runs for at most kCbcSlice of it
// (kCbcSliceSmall on rounds small enough for the Lagrangian first, which CBC often proves);
// the neighbourhood search gets the rest (on the province rounds CBC rarely improves the LP
// rounding's start in 10 s and the neighbourhoods often do; rounds CBC proves end early).
// When the neighbourhoods go quiet before the deadline, CBC runs again in the time left.
constexpr double kCbcShare = 0.7;
constexpr double kCbcSlice = 0.2;
constexpr double kCbcSliceSmall = 0.5;
// CBC cannot stop inside its root LP (about as long as solve_lp took): below this many LP
// times it would only overrun the limit, so it is skipped and the neighbourhoods get the time.
constexpr double kCbcMinLpTimes = 3.0;
// The Lagrangian's subgradient steps, each a min-cost flow over every arc. Its bound is at
// most the LP's, so it runs first (to 10 % of the limit: on small rounds its solutions often
// beat the LP's rounding) only while steps x arcs stays within kLagrangianFirstWork; on
// larger rounds only when the LP does not finish (on the province benchmark, 110k arcs, its
// 10 % never beat the rounding; the neighbourhood search gets the time).
constexpr int kLagrangianSteps = 200;
constexpr double kLagrangianFirstWork = 4e6;

i64 neighbourhood_search(const Index& ix, std::vector<i64>& a,
                         const std::chrono::steady_clock::time_point& deadline,
                         double sub_mip_seconds = kSubMipSeconds) {
  const auto& p = ix.p;
  const auto& f = p.flow;
  const i64 n_arcs = static_cast<i64>(f.arc_row.size());
  std::vector<std::vector<i64>> col_arcs(f.n_cols);
  for (i64 k = 0; k < n_arcs; ++k)
    if (ix.can_gain(k)) col_arcs[f.arc_col[k]].push_back(k);
  i64 grow = 1;  // neighbourhood size factor: doubled after kQuietPasses quiet passes, up to 2
  auto sub_seconds = [&] {  // what a sub-MIP may take and still end by the deadline
    const auto left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now());
    return std::min(sub_mip_seconds * static_cast<double>(grow), left.count() - kSubMipMargin);
  };
  std::vector<i64> shared(f.n_cols, 0), cols, hood, order(f.n_cols);
  std::vector<char> in_hood(f.n_cols, 0), covered(f.n_cols, 0), free_arc(n_arcs, 0);
  std::vector<double> fixed(p.rows.size(), 0.0);
  i64 obj = objective_of(ix, a), rejected = 0;
  std::mt19937_64 rng(20261202);
  std::uniform_real_distribution<double> scale(0.25, 1.0);
  std::vector<double> potential(f.n_cols), weight(f.n_cols);
  for (int pass = 0, quiet = 0; pass < 100 && quiet < kQuietPasses && sub_seconds() > 0.05;
       ++pass) {
    const i64 before = obj;
    std::fill(potential.begin(), potential.end(), 0.0);
    for (i64 c = 0; c < f.n_cols; ++c)
      for (i64 k : col_arcs[c])
        if (a[f.arc_row[k]] < 0)
          potential[c] += static_cast<double>(f.unassigned_cost[f.arc_row[k]] - f.arc_cost[k]);
    for (i64 c = 0; c < f.n_cols; ++c) weight[c] = pass == 0 ? 1.0 : scale(rng);
    std::iota(order.begin(), order.end(), i64{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](i64 x, i64 y) { return potential[x] > potential[y]; });
    std::fill(covered.begin(), covered.end(), 0);
    for (i64 seed : order) {
      if (covered[seed] || col_arcs[seed].empty()) continue;
      if (sub_seconds() <= 0.05) break;
      throw_if_cancelled("programme round");
      // The neighbourhood: the seed, then the columns sharing the most candidate rows.
      std::fill(shared.begin(), shared.end(), 0);
      for (i64 k : col_arcs[seed]) {
        const i64 r = f.arc_row[k];
        for (i64 j = ix.row_begin[r]; j < ix.row_begin[r + 1]; ++j)
          ++shared[f.arc_col[ix.row_arcs[j]]];
      }
      cols.clear();
      for (i64 c = 0; c < f.n_cols; ++c)
        if (c != seed && shared[c] > 0 && !col_arcs[c].empty()) cols.push_back(c);
      std::stable_sort(cols.begin(), cols.end(), [&](i64 x, i64 y) {
        return static_cast<double>(shared[x]) * weight[x] >
               static_cast<double>(shared[y]) * weight[y];
      });
      cols.insert(cols.begin(), seed);
      i64 n_free = 0;
      hood.clear();
      for (i64 c : cols) {
        if (static_cast<i64>(hood.size()) == kNeighbourhoodCols * grow) break;
        if (!hood.empty() &&
            n_free + static_cast<i64>(col_arcs[c].size()) > kNeighbourhoodArcs * grow)
          continue;
        in_hood[c] = 1;
        n_free += static_cast<i64>(col_arcs[c].size());
        hood.push_back(c);
      }
      // Free: arcs into the neighbourhood of rows unassigned or assigned inside it.
      auto row_free = [&](i64 r) { return a[r] < 0 || in_hood[f.arc_col[a[r]]]; };
      for (i64 c : hood)
        for (i64 k : col_arcs[c])
          if (row_free(f.arc_row[k])) free_arc[k] = 1;
      std::fill(fixed.begin(), fixed.end(), 0.0);
      for (i64 r = 0; r < f.n_rows; ++r) {
        const i64 k = a[r];
        if (k < 0 || in_hood[f.arc_col[k]]) continue;
        for (i64 j = ix.kn_begin[k]; j < ix.kn_begin[k + 1]; ++j)
          fixed[ix.kn_of[j]] += p.rows[ix.kn_of[j]].weight[ix.kn_pos[j]];
      }
      const Mip m = build_mip(ix, &free_arc, &fixed);
      MipOptions opt;
      opt.integral_objective = true;
      opt.feasibility_pump = false;  // the start is a good incumbent (see MipOptions)
      opt.time_limit_s = sub_seconds();
      opt.start = start_of(ix, m, a, &free_arc);
      if (!opt.start.empty()) {
        const MipResult res = solve_mip(m.prob, opt);
        if (!res.x.empty() && res.x != opt.start) {
          std::vector<i64> b = a;
          if (arcs_of_mip(ix, m, res.x, b) && rows_satisfied(p, b)) {
            const i64 o = objective_of(ix, b);
            if (o < obj) {
              obj = o;
              a = std::move(b);
            }
          } else {
            ++rejected;
          }
        }
      }
      for (i64 c : hood) {
        covered[c] = 1;
        in_hood[c] = 0;
        for (i64 k : col_arcs[c]) free_arc[k] = 0;
      }
    }
    const bool gained =
        static_cast<double>(before - obj) >= 1e-4 * static_cast<double>(std::abs(before));
    quiet = gained ? 0 : quiet + 1;
    if (quiet == kQuietPasses && grow < 2) {
      grow *= 2;
      quiet = 0;
    }
  }
  return rejected;
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
    repair(ix, arcs, &denom, &mu);  // drops by gain per weight, refills by priced gain
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
    throw_if_cancelled("programme round");
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > deadline_s)
      return;
  }
}

// The knapsack rows' multipliers from the MIP's LP: minus their duals (0 for rows left out).
std::vector<double> knapsack_multipliers(const Index& ix, const Mip& m, const LpResult& lp) {
  std::vector<double> mu(ix.p.rows.size(), 0.0);
  for (std::size_t i = 0; i < mu.size(); ++i)
    if (m.knap_row[i] >= 0) mu[i] = std::max(0.0, -lp.row_dual[m.knap_row[i]]);
  return mu;
}

// The knapsack bound (programme_bound.hpp) at the duals of the MIP's LP (-inf when the
// deadline passes first). The MIP's arc costs are cost - unassigned, so pi_r = unassigned_r +
// the dual of r's row (<= 0).
double bound_at_duals(const Index& ix, const Mip& m, const LpResult& lp,
                      std::chrono::steady_clock::time_point deadline) {
  const auto& p = ix.p;
  std::vector<double> pi(p.flow.n_rows);
  for (i64 r = 0; r < p.flow.n_rows; ++r)
    pi[r] = static_cast<double>(p.flow.unassigned_cost[r]) +
            (m.assign_row[r] >= 0 ? std::min(0.0, lp.row_dual[m.assign_row[r]]) : 0.0);
  return knapsack_bound(p, pi, knapsack_multipliers(ix, m, lp), deadline);
}

// A feasible solution from the MIP's LP: the arcs at > 0.5 (at most one per row), largest first
// while their column has room (three arcs at 2/3 fit a capacity of 2 in the LP), the violated
// rows repaired (drops by least gain per violated weight, refills by gain less the rows'
// duals), in-column swaps and refills, then the local search until the deadline.
std::vector<i64> round_lp(const Index& ix, const Mip& m, const LpResult& lp,
                          std::chrono::steady_clock::time_point deadline) {
  const auto& p = ix.p;
  const auto& f = p.flow;
  std::vector<i64> a(f.n_rows, -1), half, used(f.n_cols, 0);
  for (i64 k = 0; k < static_cast<i64>(f.arc_row.size()); ++k)
    if (m.arc_var[k] >= 0 && lp.x[m.arc_var[k]] > 0.5) half.push_back(k);
  std::stable_sort(half.begin(), half.end(),
                   [&](i64 x, i64 y) { return lp.x[m.arc_var[x]] > lp.x[m.arc_var[y]]; });
  for (i64 k : half) {
    const i64 c = f.arc_col[k];
    if (a[f.arc_row[k]] >= 0 || used[c] >= ix.units(c)) continue;
    a[f.arc_row[k]] = k;
    ++used[c];
  }
  const std::vector<double> unit(p.rows.size(), 1.0), mu = knapsack_multipliers(ix, m, lp);
  repair(ix, a, &unit, &mu);
  swap_improve(ix, a);
  repair(ix, a);
  LocalSearch(ix, a).run(deadline);
  return a;
}

// Fills the solution's columns and arcs from one arc (or -1) per row.
void set_assignment(const Index& ix, ProgrammeSolution& out, std::vector<i64> arc_of_row) {
  const auto& f = ix.p.flow;
  out.col_of_row.assign(f.n_rows, -1);
  for (i64 r = 0; r < f.n_rows; ++r)
    if (arc_of_row[r] >= 0) out.col_of_row[r] = f.arc_col[arc_of_row[r]];
  out.arc_of_row = std::move(arc_of_row);
}

}  // namespace

i64 improve_by_neighbourhoods(const ProgrammeProblem& p, std::vector<i64>& arc_of_row,
                              double time_limit_s, double sub_mip_seconds) {
  const Index ix(p);
  if (arc_of_row.size() != static_cast<std::size_t>(p.flow.n_rows) ||
      !rows_satisfied(p, arc_of_row))
    throw Error("internal error: the neighbourhood search needs a feasible start");
  return neighbourhood_search(ix, arc_of_row, deadline_after(time_limit_s),
                              sub_mip_seconds > 0 ? sub_mip_seconds : kSubMipSeconds);
}

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

ProgrammeSolution solve_programme(const ProgrammeProblem& p, double time_limit_s, bool use_mip) {
  for (const auto& row : p.rows) {
    if (row.arcs.size() != row.weight.size() || !(row.capacity >= 0))
      throw Error("internal error: malformed knapsack row");
    for (std::size_t j = 0; j < row.arcs.size(); ++j)
      if (row.arcs[j] < 0 || row.arcs[j] >= static_cast<i64>(p.flow.arc_row.size()) ||
          !(row.weight[j] >= 0))
        throw Error("internal error: malformed knapsack row");
  }
  // time_limit_s counts from here: the relaxation, the heuristics, the MIP's build and search.
  const auto t0 = std::chrono::steady_clock::now();
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
  double relaxed_bound = static_cast<double>(objective_of(ix, arc_of_row));
  repair(ix, arc_of_row);
  i64 best_obj = objective_of(ix, arc_of_row);
  // The Lagrangian from arc_of_row until `share` of the time limit: its bound, its best
  // solution as the new arc_of_row (never worse than the one it started from).
  auto run_lagrangian = [&](double share) {
    Lagrangian lg;
    lg.best = arc_of_row;
    lg.best_obj = best_obj;
    lagrangian(ix, lg, kLagrangianSteps, share * time_limit_s, t0);
    relaxed_bound = std::max(relaxed_bound, lg.bound - 1e-6);
    arc_of_row = std::move(lg.best);
    best_obj = lg.best_obj;
  };
  const bool lagrangian_first =
      static_cast<double>(p.flow.arc_row.size()) * kLagrangianSteps <= kLagrangianFirstWork;
  if (lagrangian_first) run_lagrangian(0.1);
  // keeps `a` when it is better and holds every column and row
  auto offer = [&](std::vector<i64>& a) {
    if (!columns_hold(ix, a)) throw Error("internal error: a heuristic overfilled a column");
    const i64 obj = objective_of(ix, a);
    if (obj < best_obj && rows_satisfied(p, a)) {
      best_obj = obj;
      arc_of_row = std::move(a);
    }
  };
  auto proven_by_bound = [&] {  // the bound meets the best solution (the objective is integral)
    return static_cast<double>(best_obj) - std::ceil(relaxed_bound - 1e-6) < 1.0;
  };
  auto finish = [&](SolveStatus status) {
    out.objective = best_obj;
    out.status = status;
    out.bound = std::min(std::ceil(relaxed_bound - 1e-6), static_cast<double>(best_obj));
    set_assignment(ix, out, std::move(arc_of_row));
    return out;
  };
  if (proven_by_bound()) return finish(SolveStatus::Optimal);
  Mip m = build_mip(ix);
  double lp_seconds = 0;  // what the LP took: CBC's root LP takes about as long
  {  // the MIP's LP: its duals give the knapsack bound, its rounding a start; on larger
     // rounds the Lagrangian only when the LP did not finish (its bound is at most the LP's)
    const auto lp_start = std::chrono::steady_clock::now();
    const double spent = std::chrono::duration<double>(lp_start - t0).count();
    const LpResult lp = solve_lp(m.prob, std::max(0.05, 0.5 * time_limit_s - spent));
    lp_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - lp_start).count();
    if (!lp.optimal && !lagrangian_first) run_lagrangian(0.6);
    std::vector<i64> start = arc_of_row;  // the repaired flow, or the Lagrangian's best
    if (lp.optimal) {
      relaxed_bound = std::max(relaxed_bound,
                               bound_at_duals(ix, m, lp, deadline_after(0.55 * time_limit_s, t0)));
      std::vector<i64> rounded = round_lp(ix, m, lp, deadline_after(0.6 * time_limit_s, t0));
      offer(rounded);
    }
    if (objective_of(ix, start) <= best_obj) {  // the rounding did not beat it
      LocalSearch(ix, start).run(deadline_after(0.65 * time_limit_s, t0));
      offer(start);
    }
  }
  if (proven_by_bound()) return finish(SolveStatus::Optimal);
  if (!use_mip) return finish(SolveStatus::TimeLimit);  // the heuristics' solution and bound
  MipOptions opt;
  const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  opt.time_limit_s =
      std::max(0.05, std::min(kCbcShare * time_limit_s - spent,
                              (lagrangian_first ? kCbcSliceSmall : kCbcSlice) * time_limit_s));
  opt.integral_objective = true;
  opt.start = start_of(ix, m, arc_of_row);
  if (opt.start.empty()) throw Error("internal error: the repaired start uses a dropped arc");
  const bool run_cbc = opt.time_limit_s >= kCbcMinLpTimes * lp_seconds;
  const MipResult res = run_cbc ? solve_mip(m.prob, opt) : MipResult{};
  out.used_mip = run_cbc;
  if (res.status == MipStatus::Infeasible)
    throw Error(
        "internal error: the programme MIP is infeasible (leaving requests unassigned "
        "is always feasible)");
  // The MIP's answer, checked (one arc per row, column capacities, every row) before use.
  std::vector<i64> mip_arcs(p.flow.n_rows, -1);
  const bool mip_ok =
      !res.x.empty() && arcs_of_mip(ix, m, res.x, mip_arcs) && rows_satisfied(p, mip_arcs);
  if (!mip_ok) mip_arcs = arc_of_row;
  bool proven = res.status == MipStatus::Optimal && mip_ok;
  double mip_bound = res.bound;
  if (!proven) {  // stopped by the clock or skipped: sub-MIPs over neighbourhoods in the time
                  // left (they keep only answers that hold every row)
    neighbourhood_search(ix, mip_arcs, deadline_after(time_limit_s, t0));
    // The search went quiet before the deadline: CBC once more, from its solution, for a
    // proof in the time left (a round CBC proves in 1 s must not end "time_limit" at 3 s).
    const double left =
        time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (left - kSubMipMargin >= std::max(0.1, kCbcMinLpTimes * lp_seconds)) {
      MipOptions again = opt;
      again.time_limit_s = left - kSubMipMargin;
      again.start = start_of(ix, m, mip_arcs);
      if (!again.start.empty()) {
        const MipResult r2 = solve_mip(m.prob, again);
        out.used_mip = true;
        std::vector<i64> arcs2(p.flow.n_rows, -1);
        const bool ok2 =
            !r2.x.empty() && arcs_of_mip(ix, m, r2.x, arcs2) && rows_satisfied(p, arcs2);
        if (ok2 && objective_of(ix, arcs2) <= objective_of(ix, mip_arcs)) {
          mip_arcs = std::move(arcs2);
          proven = r2.status == MipStatus::Optimal;
        }
        if (std::isfinite(r2.bound))
          mip_bound = std::isfinite(mip_bound) ? std::max(mip_bound, r2.bound) : r2.bound;
      }
    }
  }
  const i64 mip_obj = objective_of(ix, mip_arcs), start_obj = best_obj;
  const bool take_mip = mip_obj <= start_obj;
  out.objective = take_mip ? mip_obj : start_obj;
  set_assignment(ix, out, take_mip ? std::move(mip_arcs) : std::move(arc_of_row));
  if (proven && take_mip) {
    out.bound = static_cast<double>(out.objective);
  } else {
    out.status = SolveStatus::TimeLimit;
    // The MIP bound, never below the relaxation's optimum (also a valid bound), rounded up
    // to whole units (the objective is integral).
    const double b = std::isfinite(mip_bound) ? std::max(mip_bound, relaxed_bound) : relaxed_bound;
    out.bound = std::min(std::ceil(b - 1e-6), static_cast<double>(out.objective));
    if (out.bound >= static_cast<double>(out.objective)) out.status = SolveStatus::Optimal;
  }
  return out;
}

}  // namespace libmatch::detail
