// The knapsack Lagrangian bound of the programme round (programme_bound.hpp).
#include "programme_bound.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <tuple>

#include "libmatch/cancel.hpp"

namespace libmatch::detail {

namespace {

using i64 = std::int64_t;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr i64 kStateBudget = 3'000'000;  // Pareto states one column may create

struct Item {
  double v, w;  // value (cost less pi, < 0 to be worth anything), weight in the kept row
  i64 row;      // at most one item per row (duplicate arcs of a row are alternatives)
};

// Keeps the items worth taking (an item worth taking at all is worth taking as the first unit,
// as m is non-decreasing) that fit, grouped by row, groups by their best value.
void prepare(std::vector<Item>& items, const std::vector<double>& m, double cap) {
  std::erase_if(items, [&](const Item& it) { return !(it.v + m[0] < 0) || it.w > cap; });
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.row, a.v, a.w) < std::tie(b.row, b.v, b.w);
  });
}

// min sum_{q in S} v_q + M(|S|) s.t. sum w_q <= cap (+ 1e-9 relative), |S| <= K, one item per
// row, M(n) = sum_{t<n} m[t] with m non-decreasing; exact (value <= 0). NaN when the state
// budget ran out.
double pareto_knapsack(std::vector<Item>& items, const std::vector<double>& m, i64 K, double cap) {
  prepare(items, m, cap);
  if (items.empty() || K <= 0) return 0.0;
  std::vector<std::size_t> group{0};  // starts of the rows' groups
  for (std::size_t q = 1; q < items.size(); ++q)
    if (items[q].row != items[q - 1].row) group.push_back(q);
  const i64 n_groups = static_cast<i64>(group.size());
  group.push_back(items.size());
  double wmin = kInf;
  for (const auto& it : items) wmin = std::min(wmin, it.w);
  i64 N = std::min<i64>(K, n_groups);
  if (wmin > 0 && std::isfinite(cap))
    N = std::min<i64>(N, static_cast<i64>(std::floor(cap / wmin + 1e-9)));
  const double slack = 1e-9 * std::max(1.0, cap);
  struct State {
    double w, v;
  };
  auto by_weight = [](const State& a, const State& b) {
    return std::tie(a.w, a.v) < std::tie(b.w, b.v);
  };
  std::vector<std::vector<State>> front(N + 1);  // per count: by weight, values strictly falling
  front[0].push_back({0.0, 0.0});
  std::vector<State> cand, merged;
  i64 made = 0;
  for (i64 g = 0; g < n_groups; ++g) {
    for (i64 t = std::min<i64>(g + 1, N); t >= 1; --t) {  // front[t - 1] is still without g
      cand.clear();
      for (std::size_t q = group[g]; q < group[g + 1]; ++q)
        for (const State& s : front[t - 1]) {
          if (s.w + items[q].w > cap + slack) break;
          cand.push_back({s.w + items[q].w, s.v + items[q].v});
        }
      if (cand.empty()) continue;
      if (group[g + 1] - group[g] > 1) std::sort(cand.begin(), cand.end(), by_weight);
      merged.clear();
      std::merge(front[t].begin(), front[t].end(), cand.begin(), cand.end(),
                 std::back_inserter(merged), by_weight);
      auto& cur = front[t];
      cur.clear();
      for (const State& s : merged)  // lighter states first: keep strictly better values only
        if (cur.empty() || s.v < cur.back().v) cur.push_back(s);
      made += static_cast<i64>(cur.size());
      if (made > kStateBudget) return std::numeric_limits<double>::quiet_NaN();
    }
  }
  double best = 0.0, load = 0.0;
  for (i64 t = 1; t <= N; ++t) {
    load += m[t - 1];
    if (!front[t].empty()) best = std::min(best, front[t].back().v + load);
  }
  return best;
}

// The same without the weight row: each row's best item, cheapest first, while they beat
// their marginal.
double cardinality_only(std::vector<Item>& items, const std::vector<double>& m, i64 K) {
  prepare(items, m, kInf);
  std::vector<double> best;
  for (std::size_t q = 0; q < items.size(); ++q)
    if (q == 0 || items[q].row != items[q - 1].row) best.push_back(items[q].v);
  std::sort(best.begin(), best.end());
  double val = 0.0;
  for (i64 t = 0; t < K && t < static_cast<i64>(best.size()); ++t) {
    const double d = best[t] + m[t];
    if (!(d < 0)) break;
    val += d;
  }
  return val;
}

// The kept row of each column: the first row whose arcs all lie in that column (-1: none).
std::vector<i64> kept_rows(const ProgrammeProblem& p) {
  const auto& f = p.flow;
  std::vector<i64> kept(f.n_cols, -1);
  for (std::size_t i = 0; i < p.rows.size(); ++i) {
    const auto& row = p.rows[i];
    if (row.arcs.empty()) continue;
    const i64 c = f.arc_col[row.arcs.front()];
    bool local = true;
    for (i64 k : row.arcs) local = local && f.arc_col[k] == c;
    if (local && kept[c] < 0) kept[c] = static_cast<i64>(i);
  }
  return kept;
}

double marginal(const TransportProblem& f, i64 c, i64 t) {
  return f.load_offset.empty() ? 0.0 : static_cast<double>(f.load_cost[f.load_offset[c] + t]);
}

}  // namespace

double knapsack_bound(const ProgrammeProblem& p, const std::vector<double>& pi,
                      const std::vector<double>& mu,
                      std::chrono::steady_clock::time_point deadline) {
  const auto& f = p.flow;
  const i64 n_arcs = static_cast<i64>(f.arc_row.size());
  const i64 nc = f.n_cols, nr = f.n_rows;
  const std::vector<i64> kept = kept_rows(p);
  // arc costs with the dualised rows priced, and each arc's weight in its column's kept row
  std::vector<double> priced(n_arcs), wkept(n_arcs, 0.0);
  for (i64 k = 0; k < n_arcs; ++k) priced[k] = static_cast<double>(f.arc_cost[k]);
  double bound = 0.0;
  for (std::size_t i = 0; i < p.rows.size(); ++i) {
    const auto& row = p.rows[i];
    const bool is_kept =
        !row.arcs.empty() && kept[f.arc_col[row.arcs.front()]] == static_cast<i64>(i);
    const double m_i = is_kept ? 0.0 : std::max(0.0, mu[i]);
    bound -= m_i * row.capacity;
    for (std::size_t j = 0; j < row.arcs.size(); ++j) {
      if (is_kept) wkept[row.arcs[j]] = row.weight[j];
      priced[row.arcs[j]] += m_i * row.weight[j];
    }
  }
  std::vector<double> pr(nr);
  for (i64 r = 0; r < nr; ++r) {
    pr[r] = std::min(pi[r], static_cast<double>(f.unassigned_cost[r]));
    bound += pr[r];  // = pi_r + min(0, unassigned_r - pi_r)
  }
  std::vector<std::vector<i64>> col_arcs(nc);
  for (i64 k = 0; k < n_arcs; ++k) col_arcs[f.arc_col[k]].push_back(k);
  std::vector<Item> items, copy;
  std::vector<double> m;
  for (i64 c = 0; c < nc; ++c) {  // one exact knapsack per column
    if (std::chrono::steady_clock::now() > deadline) return -kInf;
    throw_if_cancelled("programme round");
    // no more units than arcs (a capacity may stand for "unlimited")
    const i64 K = std::min<i64>(f.col_capacity[c], static_cast<i64>(col_arcs[c].size()));
    if (K <= 0) continue;
    items.clear();
    for (i64 k : col_arcs[c])
      items.push_back({priced[k] - pr[f.arc_row[k]], wkept[k], f.arc_row[k]});
    m.resize(K);
    for (i64 t = 0; t < K; ++t) m[t] = marginal(f, c, t);
    double v = kInf;
    if (kept[c] >= 0) {
      copy = items;
      v = pareto_knapsack(copy, m, K, p.rows[kept[c]].capacity);
    }
    if (!std::isfinite(v)) v = cardinality_only(items, m, K);  // no row, or too many states
    bound += v;
  }
  // floating sums over ~1e5 terms: a margin far above their rounding error
  return bound - (1e-9 * std::abs(bound) + 1e-6);
}

}  // namespace libmatch::detail
