// Lower bounds of the area design (design.hpp PROVEN QUALITY). The exact design model on
// COIN-OR CBC (solve_mip, mip.hpp): Hess assignment x_ij (unit i in the area centred at j), one
// flow commodity per centre for contiguity, hard bounds as rows; optionally the lower-bound
// objective (exact travel, the imbalance as a norm under-estimated by tangent planes of its
// rotated cones). Then the banded Lagrangian bound (no contiguity, no MIP solver).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <queue>

#include "deadline.hpp"
#include "design_model.hpp"
#include "libmatch/error.hpp"
#include "mip.hpp"
#include "parallel.hpp"

namespace libmatch::detail {

namespace {

double dist_km(XY a, XY b) { return std::hypot(a.x - b.x, a.y - b.y) / 1000.0; }

// Collects columns and rows, then loads the whole matrix at once (column-major): adding rows
// one by one to CBC copies the matrix every time.
class Builder {
 public:
  int col(double lb, double ub, double obj, bool integer) {
    return problem.add_col(obj, lb, ub, integer);
  }
  void row(const std::vector<int>& idx, const std::vector<double>& val, char sense, double rhs) {
    const double inf = std::numeric_limits<double>::infinity();
    problem.add_row(idx, val, sense == 'L' ? -inf : rhs, sense == 'G' ? inf : rhs);
  }
  MipProblem problem;
};

}  // namespace

MipOutcome solve_design_mip(const Model& m, std::int64_t k, const HardBounds& hb,
                            const MipGoal& goal, const std::vector<std::int32_t>* start) {
  const auto n = static_cast<std::int32_t>(m.n);
  const auto nq = static_cast<std::size_t>(m.tt_cols);
  const double inf = std::numeric_limits<double>::infinity();
  // Centre candidates: supply units with advisors (every area needs a base), else all units.
  std::vector<std::uint8_t> cand(static_cast<std::size_t>(n), 1);
  if (m.mode == TravelMode::Advisors) {
    for (std::int32_t i = 0; i < n; ++i) cand[i] = m.supply_of[i] >= 0;
  }
  // Travel allowed between unit i and centre j: relaxations of max_km that any plan meeting
  // it satisfies with the medoid (medoid mode) or any member (2 x max_km, centre mode).
  auto allowed = [&](std::int32_t i, std::int32_t j) {
    if (!cand[j]) return false;
    if (!std::isfinite(hb.max_km) || i == j) return true;
    if (m.mode == TravelMode::Medoid) return m.tt[i * nq + j] <= hb.max_km * (1.0 + 1e-12);
    if (m.mode == TravelMode::Centre) return dist_km(m.c[i], m.c[j]) <= 2.0 * hb.max_km * 1.000001;
    return true;  // advisors mode: travel bound left to the search (a relaxation)
  };
  Builder b;
  const double ref_km =
      std::sqrt(m.total_area / (std::numbers::pi * static_cast<double>(k))) / 1000.0;
  const double wt = goal.objective ? m.w.travel / (m.total_demand * ref_km) : 0.0;
  std::vector<int> x(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), -1);
  auto X = [&](std::int32_t i, std::int32_t j) -> int& {
    return x[static_cast<std::size_t>(i) * static_cast<std::size_t>(n) + j];
  };
  for (std::int32_t i = 0; i < n; ++i) {
    for (std::int32_t j = 0; j < n; ++j) {
      if (!allowed(i, j)) continue;
      const double t = m.mode == TravelMode::Medoid ? m.tt[i * nq + j] : 0.0;
      X(i, j) = b.col(0.0, 1.0, wt * m.d[i] * t, true);
    }
  }
  std::vector<int> idx;
  std::vector<double> val;
  auto reset = [&] {
    idx.clear();
    val.clear();
  };
  // Every unit in one area; members only with an open centre; k centres.
  for (std::int32_t i = 0; i < n; ++i) {
    reset();
    for (std::int32_t j = 0; j < n; ++j) {
      if (X(i, j) >= 0) {
        idx.push_back(X(i, j));
        val.push_back(1.0);
      }
    }
    b.row(idx, val, 'E', 1.0);
  }
  reset();
  for (std::int32_t j = 0; j < n; ++j) {
    if (X(j, j) >= 0) {
      idx.push_back(X(j, j));
      val.push_back(1.0);
    }
  }
  b.row(idx, val, 'E', static_cast<double>(k));
  for (std::int32_t j = 0; j < n; ++j) {
    if (X(j, j) < 0) continue;
    for (std::int32_t i = 0; i < n; ++i) {
      if (i != j && X(i, j) >= 0) b.row({X(i, j), X(j, j)}, {1.0, -1.0}, 'L', 0.0);
    }
  }
  // Contiguity: commodity j flows from centre j along arcs between possible members of j;
  // every other member keeps one unit, and only members receive flow.
  const double big = static_cast<double>((hb.max_units > 0 ? hb.max_units : n) - 1);
  for (std::int32_t j = 0; j < n; ++j) {
    if (X(j, j) < 0) continue;
    std::vector<std::vector<int>> in(static_cast<std::size_t>(n)), out(static_cast<std::size_t>(n));
    for (std::int32_t u = 0; u < n; ++u) {
      if (X(u, j) < 0) continue;
      for (std::int64_t e = m.off[u]; e < m.off[u + 1]; ++e) {
        const std::int32_t v = m.nb[e];
        if (v == j || X(v, j) < 0) continue;
        const int f = b.col(0.0, big, 0.0, false);
        out[u].push_back(f);
        in[v].push_back(f);
      }
    }
    for (std::int32_t u = 0; u < n; ++u) {
      if (X(u, j) < 0) continue;
      if (u == j) {
        reset();
        for (int f : out[u]) {
          idx.push_back(f);
          val.push_back(1.0);
        }
        idx.push_back(X(j, j));
        val.push_back(-big);
        b.row(idx, val, 'L', 0.0);
        continue;
      }
      reset();
      for (int f : in[u]) {
        idx.push_back(f);
        val.push_back(1.0);
      }
      for (int f : out[u]) {
        idx.push_back(f);
        val.push_back(-1.0);
      }
      idx.push_back(X(u, j));
      val.push_back(-1.0);
      b.row(idx, val, 'E', 0.0);
      reset();
      for (int f : in[u]) {
        idx.push_back(f);
        val.push_back(1.0);
      }
      idx.push_back(X(u, j));
      val.push_back(-big);
      b.row(idx, val, 'L', 0.0);
    }
  }
  // Sizes and demand shares per open centre.
  const double total_c = m.mode == TravelMode::Advisors ? m.total_capacity : 0.0;
  for (std::int32_t j = 0; j < n; ++j) {
    if (X(j, j) < 0) continue;
    auto members = [&](bool demand, double coef_centre) {
      reset();
      for (std::int32_t i = 0; i < n; ++i) {
        if (X(i, j) < 0) continue;
        double c = demand ? m.d[i] : 1.0;
        if (i == j) c += coef_centre;
        if (c != 0.0) {
          idx.push_back(X(i, j));
          val.push_back(c);
        }
      }
    };
    if (hb.min_units > 0) {
      members(false, -static_cast<double>(hb.min_units));
      b.row(idx, val, 'G', 0.0);
    }
    if (hb.max_units > 0) {
      members(false, -static_cast<double>(hb.max_units));
      b.row(idx, val, 'L', 0.0);
    }
    for (const auto& [frac, sense] : {std::pair{hb.lo, 'G'}, std::pair{hb.hi, 'L'}}) {
      if ((sense == 'G' && !(frac > 0.0)) || (sense == 'L' && !std::isfinite(frac))) continue;
      if (m.mode != TravelMode::Advisors) {
        members(true, -frac * m.total_demand / static_cast<double>(k));
      } else {  // share = D x C_r / C, C_r from the bases among the members
        reset();
        for (std::int32_t i = 0; i < n; ++i) {
          if (X(i, j) < 0) continue;
          double c = m.d[i];
          if (m.supply_of[i] >= 0)
            c -= frac * m.total_demand * m.supply_cap[m.supply_of[i]] / total_c;
          idx.push_back(X(i, j));
          val.push_back(c);
        }
      }
      b.row(idx, val, sense, 0.0);
    }
  }
  // Pairs: must share every centre, cannot share any. Fixed labels: same label = must,
  // different labels = cannot (between one representative per label).
  auto must = [&](std::int32_t a, std::int32_t c) {
    for (std::int32_t j = 0; j < n; ++j) {
      const int xa = X(a, j), xc = X(c, j);
      if (xa < 0 && xc < 0) continue;
      if (xa >= 0 && xc >= 0) {
        b.row({xa, xc}, {1.0, -1.0}, 'E', 0.0);
      } else {
        b.row({xa >= 0 ? xa : xc}, {1.0}, 'E', 0.0);
      }
    }
  };
  auto cannot = [&](std::int32_t a, std::int32_t c) {
    for (std::int32_t j = 0; j < n; ++j) {
      if (X(a, j) >= 0 && X(c, j) >= 0) b.row({X(a, j), X(c, j)}, {1.0, 1.0}, 'L', 1.0);
    }
  };
  for (auto [a, c] : hb.must_pairs) must(a, c);
  for (auto [a, c] : hb.cannot_pairs) cannot(a, c);
  if (!hb.area_of.empty()) {
    std::vector<std::int32_t> rep(static_cast<std::size_t>(k), -1);
    for (std::int32_t i = 0; i < n; ++i) {
      const std::int32_t a = hb.area_of[i];
      if (a < 0) continue;
      if (rep[a] < 0) {
        rep[a] = i;
      } else {
        must(rep[a], i);
      }
    }
    for (std::int64_t a = 0; a < k; ++a) {
      for (std::int64_t c = a + 1; c < k; ++c) {
        if (rep[a] >= 0 && rep[c] >= 0) cannot(rep[a], rep[c]);
      }
    }
  }
  // Imbalance (no advisors): sqrt(S) with S = k sum_j delta_j^2, delta_j = D_j / D - x_jj / k,
  // is a norm of delta, so convex: y >= sum_j w_j with w_j >= k delta_j^2 / y (the rotated
  // cone w_j y >= k delta_j^2 gives y^2 >= S). The cone is replaced by its tangent planes
  // w_j >= k (2 c delta_j - c^2 y) on a grid of slopes c = delta_j / y (ratio 1.1), which lie
  // below it: y stays a lower bound of the imbalance. Objective w_b y.
  if (goal.objective && m.w.balance > 0.0 && m.mode != TravelMode::Advisors) {
    const double kk = static_cast<double>(k);
    const double cmax = 1.0 / std::sqrt(kk);  // |delta_j| <= ||delta|| = y / sqrt(k)
    std::vector<double> slopes{0.0};
    for (double c = 1e-4 * cmax; c < cmax * 1.1; c *= 1.1) {
      slopes.push_back(c);
      slopes.push_back(-c);
    }
    const double ycap = std::isfinite(goal.s_max) ? std::sqrt(goal.s_max) : inf;
    const int y = b.col(0.0, ycap, m.w.balance, false);
    std::vector<int> sum_idx{y};
    std::vector<double> sum_val{1.0};
    for (std::int32_t j = 0; j < n; ++j) {
      if (X(j, j) < 0) continue;
      const int dj = b.col(-1.0, 1.0, 0.0, false);
      const int wj = b.col(0.0, inf, 0.0, false);
      reset();
      for (std::int32_t i = 0; i < n; ++i) {
        if (X(i, j) < 0) continue;
        double c = m.d[i] / m.total_demand;
        if (i == j) c -= 1.0 / kk;
        idx.push_back(X(i, j));
        val.push_back(c);
      }
      idx.push_back(dj);
      val.push_back(-1.0);
      b.row(idx, val, 'E', 0.0);
      for (double c : slopes) b.row({wj, dj, y}, {1.0, -2.0 * kk * c, kk * c * c}, 'G', 0.0);
      sum_idx.push_back(wj);
      sum_val.push_back(-1.0);
    }
    b.row(sum_idx, sum_val, 'G', 0.0);
  }
  // solve_mip serialises CBC, stops on a cancel request and reads CBC's status with care (a
  // clock-stopped "infeasible" proves nothing). No MIP start: CBC 2.10's is unreliable (see
  // mip.cpp); the caller compares the model's plan with the search's plan (`start`).
  (void)start;
  MipOptions opt;
  opt.time_limit_s = goal.time_limit_s;
  opt.relative_gap = 1e-5;
  const MipResult r = solve_mip(b.problem, opt);
  MipOutcome out;
  out.time_limit = r.status == MipStatus::TimeLimit || r.status == MipStatus::NoSolution;
  out.best_bound = r.bound;
  if (r.status == MipStatus::Infeasible) {
    out.kind = MipOutcome::Kind::Infeasible;
    out.optimal = true;
    return out;
  }
  if (!r.x.empty()) {
    const std::vector<double>& sol = r.x;
    out.kind = MipOutcome::Kind::Feasible;
    out.value = r.objective;
    out.optimal = r.status == MipStatus::Optimal;
    if (out.optimal) out.best_bound = std::min(out.best_bound, out.value);
    // Decode: areas numbered by fixed labels first, then by their lowest unit.
    std::vector<std::int32_t> centre(static_cast<std::size_t>(n), -1);
    for (std::int32_t i = 0; i < n; ++i) {
      for (std::int32_t j = 0; j < n; ++j) {
        if (X(i, j) >= 0 && sol[X(i, j)] > 0.5) centre[i] = j;
      }
      if (centre[i] < 0) throw Error("internal: the design model left a unit unassigned");
    }
    std::vector<std::int32_t> label_of(static_cast<std::size_t>(n), -1);
    std::vector<std::uint8_t> used(static_cast<std::size_t>(k), 0);
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(hb.area_of.size()); ++i) {
      if (hb.area_of[i] >= 0) {
        label_of[centre[i]] = hb.area_of[i];
        used[hb.area_of[i]] = 1;
      }
    }
    std::int32_t next = 0;
    out.labels.assign(static_cast<std::size_t>(n), -1);
    for (std::int32_t i = 0; i < n; ++i) {
      std::int32_t& l = label_of[centre[i]];
      if (l < 0) {
        while (next < k && used[next]) ++next;
        if (next >= k) throw Error("internal: the design model opened more than k areas");
        l = next;
        used[next] = 1;
      }
      out.labels[i] = l;
    }
  }
  return out;
}

}  // namespace libmatch::detail

// ---------------------------------------------------------------------------------------------
// Banded Lagrangian bound (design.hpp PROVEN QUALITY). For plans whose imbalance I lies in a
// band [a, b]: every area's share deviation |D_r / D - 1/k| <= b / sqrt(k) (from k sum
// delta_r^2 = I^2), and sqrt(u) >= a + (u - a^2) / (a + b) on u = I^2 in [a^2, b^2] (the
// chord of the concave root), which is separable over areas. Dropping contiguity leaves a
// capacitated p-median with a per-area convex penalty; relaxing "every unit in one area" with
// multipliers lambda_i splits it into one 0-1 knapsack per centre (exact dynamic programme
// over integer demand), the k best centres taken. Every lambda gives a valid bound of the
// band; subgradient steps raise it. The bound is the minimum over bands covering [0, I_max],
// I_max = (upper - travel bound) / w_b (plans beyond are worse than the known plan).
namespace libmatch::detail {

namespace {

using Clock = std::chrono::steady_clock;

// Demand on an integer grid: d_i ~ q r_i; `slack` bounds |sum_S d_i - q sum_S r_i| for any S.
struct Grid {
  double q = 1.0, slack = 0.0;
  std::vector<std::int64_t> r;
};

Grid demand_grid(const Model& m, std::int64_t k) {
  Grid g;
  const auto n = static_cast<std::size_t>(m.n);
  g.r.resize(n);
  bool integral = m.total_demand <= 4e5;
  for (std::size_t i = 0; i < n && integral; ++i) integral = m.d[i] == std::floor(m.d[i]);
  if (!integral) {  // about 2000 states per fair share; the rounding error becomes slack
    g.q = m.total_demand / static_cast<double>(k) / 2000.0;
    if (!(g.q > 0.0)) g.q = 1.0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    g.r[i] = std::llround(m.d[i] / g.q);
    g.slack += std::abs(m.d[i] - g.q * static_cast<double>(g.r[i]));
  }
  g.slack *= 1.0 + 1e-12;
  return g;
}

struct Band {
  Band(double lo, double hi) : a(lo), b(hi) {}
  double a = 0.0, b = 0.0;  ///< imbalance range; b = inf: no balance information
  double bound = -std::numeric_limits<double>::infinity();
  std::vector<double> lambda;  ///< multipliers of the best bound (empty: not started)
  double mu = 1.0;             ///< step factor
  bool done = false;           ///< converged, stalled or infeasible
};

class Lagrangian {
 public:
  Lagrangian(const Model& m, std::int64_t k, const HardBounds& hb, int threads)
      : m_(m),
        k_(k),
        n_(static_cast<std::int32_t>(m.n)),
        threads_(threads),
        grid_(demand_grid(m, k)) {
    const auto n = static_cast<std::size_t>(n_);
    const auto nq = static_cast<std::size_t>(m.tt_cols);
    const double ref_km =
        std::sqrt(m.total_area / (std::numbers::pi * static_cast<double>(k))) / 1000.0;
    const double wt = m.w.travel / (m.total_demand * ref_km);
    cost_.assign(n * n, std::numeric_limits<double>::infinity());  // [j * n + i]
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t i = 0; i < n; ++i) {
        const double t = m.tt[i * nq + j];
        if (i != j && std::isfinite(hb.max_km) && t > hb.max_km * (1.0 + 1e-12)) continue;
        cost_[j * n + i] = wt * m.d[i] * t;
      }
    }
    for (std::int64_t r : grid_.r) total_r_ += r;
    // Least grid demand of a path j .. i through the unit graph (both ends counted): an area
    // holding j and i contains such a path (contiguity), so i is no member of j's area when
    // this exceeds the band's demand cap.
    path_.assign(n * n, std::numeric_limits<std::int64_t>::max());
    using Item = std::pair<std::int64_t, std::int32_t>;
    for (std::int32_t j = 0; j < n_; ++j) {
      std::int64_t* dist = path_.data() + static_cast<std::size_t>(j) * n;
      std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
      dist[j] = grid_.r[j];
      pq.push({dist[j], j});
      while (!pq.empty()) {
        const auto [du, u] = pq.top();
        pq.pop();
        if (du != dist[u]) continue;
        for (std::int64_t e = m.off[u]; e < m.off[u + 1]; ++e) {
          const std::int32_t v = m.nb[e];
          const std::int64_t dv = du + grid_.r[v];
          if (dv < dist[v]) {
            dist[v] = dv;
            pq.push({dv, v});
          }
        }
      }
    }
    share_lo_ = hb.lo;
    share_hi_ = hb.hi;
    // Start: each unit's cheapest cost as a member of another area.
    lambda_.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < n; ++j) {
        if (j != i) best = std::min(best, cost_[j * n + i]);
      }
      lambda_[i] = std::isfinite(best) ? best : 0.0;
    }
  }

  /// Raises the band's bound by up to `max_iter` subgradient steps (continuing from its last
  /// multipliers); stops early at `stop_at`, on stalling or at the deadline. A band no plan
  /// can lie in gets bound +inf.
  void solve(Band& band, double target, double stop_at, int max_iter, Clock::time_point deadline,
             std::int64_t& iterations, bool& timed_out) {
    if (band.done) return;
    setup(band);
    const double inf = std::numeric_limits<double>::infinity();
    if (lo_s_ > hi_s_) {
      band.bound = inf;
      band.done = true;
      return;
    }
    const auto n = static_cast<std::size_t>(n_);
    std::vector<double> g(n);
    std::vector<std::vector<std::int32_t>> sel(n);
    std::vector<double> sub(n);
    std::vector<double> lam = band.lambda.empty() ? lambda_ : band.lambda;
    int stall = 0;
    for (int it = 0; it < max_iter; ++it) {
      if (Clock::now() > deadline) {
        timed_out = true;
        return;
      }
      ++iterations;
      parallel_for(
          n_, threads_, 8,
          [&](std::int64_t begin, std::int64_t end) {
            Scratch s;
            for (std::int64_t j = begin; j < end; ++j) {
              g[j] = centre(static_cast<std::int32_t>(j), lam, s, sel[j]);
            }
          },
          "design bound");
      std::vector<std::int32_t> order(n);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](std::int32_t x, std::int32_t y) { return g[x] < g[y]; });
      if (!std::isfinite(g[order[static_cast<std::size_t>(k_) - 1]])) {
        band.bound = inf;  // fewer than k centres can hold a band-feasible area
        band.done = true;
        return;
      }
      double value = constant_;
      for (double l : lam) value += l;
      std::fill(sub.begin(), sub.end(), 1.0);
      for (std::int64_t t = 0; t < k_; ++t) {
        value += g[order[t]];
        for (std::int32_t i : sel[order[t]]) sub[i] -= 1.0;
      }
      if (!std::isfinite(band.bound) || value > band.bound + 1e-9 * std::abs(band.bound)) {
        band.bound = std::max(band.bound, value);
        band.lambda = lam;
        lambda_ = lam;
        stall = 0;
      } else if (++stall >= 5) {
        band.mu *= 0.7;
        stall = 0;
      }
      double norm = 0.0;
      for (double v : sub) norm += v * v;
      if (band.bound >= stop_at || band.mu < 1e-4 || norm == 0.0) {
        band.done = true;  // above the known plan, stalled, or solved (a partition)
        return;
      }
      // Polyak step towards the level halfway between the best bound and the known plan
      // (measured on the Dutch instances: better than the plan's level or 0.3 of the way).
      const double level = band.bound + 0.5 * (target - band.bound);
      const double step = band.mu * std::max(level - value, 1e-6 * std::abs(target)) / norm;
      for (std::size_t i = 0; i < n; ++i) lam[i] += step * sub[i];
    }
  }

 private:
  struct Scratch {
    std::vector<double> f, g;
    std::vector<std::uint8_t> take;  ///< per item and state: item taken at that state
    std::vector<std::int32_t> items;
  };

  void setup(const Band& band) {
    const double D = m_.total_demand, kk = static_cast<double>(k_);
    double lo = share_lo_ * D / kk, hi = std::isfinite(share_hi_) ? share_hi_ * D / kk : D;
    const double wb = m_.w.balance;
    alpha_ = 0.0;
    constant_ = 0.0;
    if (std::isfinite(band.b)) {
      const double dev = band.b / std::sqrt(kk) * D;
      lo = std::max(lo, D / kk - dev);
      hi = std::min(hi, D / kk + dev);
      if (band.a + band.b > 0.0) {
        alpha_ = wb * kk / (band.a + band.b);
        constant_ = wb * (band.a - band.a * band.a / (band.a + band.b));
      }
    }
    lo_ = lo;
    hi_ = hi;
    lo_s_ = static_cast<std::int64_t>(std::ceil((lo - grid_.slack) / grid_.q - 1e-9));
    lo_s_ = std::max<std::int64_t>(lo_s_, 0);
    hi_s_ = static_cast<std::int64_t>(std::floor((hi + grid_.slack) / grid_.q + 1e-9));
    if (lo > hi) lo_s_ = hi_s_ + 1;
    free_ = lo_s_ <= 0 && hi_s_ >= total_r_ && alpha_ == 0.0;
    if (free_) hi_s_ = std::numeric_limits<std::int64_t>::max() / 4;
  }

  // Penalty of a centre whose grid demand is s: alpha x the least squared share deviation of
  // any true demand compatible with s.
  double penalty(std::int64_t s) const {
    if (alpha_ == 0.0) return 0.0;
    const double D = m_.total_demand;
    double x0 = grid_.q * static_cast<double>(s) - grid_.slack;
    double x1 = grid_.q * static_cast<double>(s) + grid_.slack;
    x0 = std::max(x0, lo_);
    x1 = std::min(x1, hi_);
    const double fair = D / static_cast<double>(k_);
    const double x = std::clamp(fair, std::min(x0, x1), std::max(x0, x1));
    const double dlt = x / D - 1.0 / static_cast<double>(k_);
    return alpha_ * dlt * dlt;
  }

  // min over member sets S containing j with demand in the band of sum_{i in S} (c_ij -
  // lambda_i) + penalty; `members` receives S.
  double centre(std::int32_t j, const std::vector<double>& lam, Scratch& s,
                std::vector<std::int32_t>& members) const {
    const auto n = static_cast<std::size_t>(n_);
    const double inf = std::numeric_limits<double>::infinity();
    members.clear();
    const std::int64_t W = hi_s_;
    const std::int64_t rj = grid_.r[j];
    if (rj > W) return inf;
    s.f.assign(free_ ? rj + 1 : static_cast<std::size_t>(W) + 1, inf);
    s.f[rj] = cost_[j * n + j] - lam[j];
    double free_gain = 0.0;  // zero-demand members with a negative reduced cost
    std::vector<std::int32_t> zero;
    s.items.clear();
    for (std::int32_t i = 0; i < n_; ++i) {
      const double c = cost_[j * n + i];
      if (i == j || !std::isfinite(c) || path_[j * n + i] > W) continue;
      const double red = c - lam[i];
      if (grid_.r[i] == 0 || grid_.r[i] > W) {
        if (grid_.r[i] == 0 && red < 0.0) {
          free_gain += red;
          zero.push_back(i);
        }
        continue;
      }
      s.items.push_back(i);
    }
    if (free_) {  // no demand range: every member with a negative reduced cost
      double v = s.f[rj] + free_gain;
      members.push_back(j);
      for (std::int32_t i : s.items) {
        const double red = cost_[j * n + i] - lam[i];
        if (red < 0.0) {
          v += red;
          members.push_back(i);
        }
      }
      members.insert(members.end(), zero.begin(), zero.end());
      return v;
    }
    const std::size_t width = static_cast<std::size_t>(W) + 1;
    s.take.assign(s.items.size() * width, 0);
    std::int64_t top = rj;  // highest reachable state
    s.g.assign(s.f.size(), inf);
    for (std::size_t t = 0; t < s.items.size(); ++t) {
      const std::int32_t i = s.items[t];
      const std::int64_t w = grid_.r[i];
      const double red = cost_[j * n + i] - lam[i];
      std::uint8_t* __restrict tk = s.take.data() + t * width;
      const std::int64_t hi = std::min(W, top + w);
      const double* __restrict f = s.f.data();
      double* __restrict g = s.g.data();
      for (std::int64_t st = 0; st < std::min(w, hi + 1); ++st) g[st] = f[st];
      for (std::int64_t st = w; st <= hi; ++st) {  // two buffers: vectorises
        const double v = f[st - w] + red;
        const bool better = v < f[st];
        g[st] = better ? v : f[st];
        tk[st] = better;
      }
      s.f.swap(s.g);
      top = hi;
    }
    double best = inf;
    std::int64_t arg = -1;
    for (std::int64_t st = std::max<std::int64_t>(lo_s_, 0); st <= std::min(W, top); ++st) {
      if (!std::isfinite(s.f[st])) continue;
      const double v = s.f[st] + penalty(st);
      if (v < best) {
        best = v;
        arg = st;
      }
    }
    if (arg < 0) return inf;
    members.push_back(j);
    for (std::size_t t = s.items.size(); t-- > 0;) {
      if (s.take[t * width + static_cast<std::size_t>(arg)]) {
        members.push_back(s.items[t]);
        arg -= grid_.r[s.items[t]];
      }
    }
    members.insert(members.end(), zero.begin(), zero.end());
    return best + free_gain;
  }

  const Model& m_;
  std::int64_t k_;
  std::int32_t n_;
  int threads_;
  Grid grid_;
  std::vector<double> cost_;
  std::vector<double> lambda_;  ///< best multipliers so far (warm start of the next band)
  double share_lo_ = 0.0, share_hi_ = std::numeric_limits<double>::infinity();
  double lo_ = 0.0, hi_ = 0.0, alpha_ = 0.0, constant_ = 0.0;
  bool free_ = false;               ///< the band has no demand range and no penalty
  std::int64_t total_r_ = 0;        ///< summed grid demand
  std::vector<std::int64_t> path_;  ///< [j * n + i]: least grid demand of a path j .. i
  std::int64_t lo_s_ = 0, hi_s_ = 0;
};

}  // namespace

LagrangeOutcome lagrangian_bound(const Model& m, std::int64_t k, const HardBounds& hb, double upper,
                                 double time_limit_s, int threads, bool travel_only) {
  LagrangeOutcome out;
  const auto t0 = Clock::now();
  const auto deadline = deadline_after(time_limit_s, t0);
  Lagrangian lag(m, k, hb, threads);
  // Travel alone (no balance information): bounds every plan, and fixes I_max.
  Band all(0.0, std::numeric_limits<double>::infinity());
  lag.solve(all, upper, upper, 300, deadline, out.iterations, out.time_limit);
  ++out.bands;
  const double travel = all.bound;
  out.travel = travel;
  const double wb = m.w.balance;
  if (!(wb > 0.0) || travel >= upper || travel_only) {
    out.bound = std::min(travel, upper);
    return out;
  }
  const double imax = (upper - travel) / wb;
  // Bands [0, imax/64], then doubling up to imax. Rounds: the weakest unfinished band gets
  // more steps; a converged weakest band is split in two (children start from its
  // multipliers and keep its bound as a floor: their plans are among its plans).
  std::vector<Band> bands;
  double a = 0.0;
  for (double b = imax / 64.0; a < imax; b = std::min(imax, 2.0 * b)) {
    Band bd(a, b);
    bd.bound = travel + wb * a;
    bd.lambda = all.lambda;
    bands.push_back(std::move(bd));
    a = b;
  }
  out.bands += static_cast<int>(bands.size());
  for (Band& bd : bands) {
    const double floor = bd.bound;
    bd.bound = -std::numeric_limits<double>::infinity();
    lag.solve(bd, upper, upper, 40, deadline, out.iterations, out.time_limit);
    bd.bound = std::max(bd.bound, floor);
  }
  constexpr int kMaxBands = 48;
  while (!out.time_limit) {
    auto weakest = std::min_element(bands.begin(), bands.end(),
                                    [](const Band& x, const Band& y) { return x.bound < y.bound; });
    if (weakest->bound >= upper) break;
    if (!weakest->done) {
      const double floor = weakest->bound;
      lag.solve(*weakest, upper, upper, 40, deadline, out.iterations, out.time_limit);
      weakest->bound = std::max(weakest->bound, floor);
      continue;
    }
    if (static_cast<int>(bands.size()) >= kMaxBands || !std::isfinite(weakest->b)) break;
    const Band parent = *weakest;
    const double mid = 0.5 * (parent.a + parent.b);
    Band lo(parent.a, mid), hi(mid, parent.b);
    for (Band* bd : {&lo, &hi}) {
      bd->lambda = parent.lambda;
      bd->bound = -std::numeric_limits<double>::infinity();
      lag.solve(*bd, upper, upper, 40, deadline, out.iterations, out.time_limit);
      bd->bound = std::max(bd->bound, parent.bound);
      ++out.bands;
    }
    const bool gain = std::min(lo.bound, hi.bound) > parent.bound + 1e-9 * std::abs(parent.bound);
    *weakest = std::move(lo);
    bands.push_back(std::move(hi));
    if (!gain) break;  // the bound is flat across the band: splitting further does not pay
  }
  double bound = upper;
  for (const Band& bd : bands) bound = std::min(bound, bd.bound);
  out.bound = bound;
  return out;
}

}  // namespace libmatch::detail
