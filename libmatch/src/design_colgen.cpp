// Column-generation lower bound of the area design over connected areas (design.hpp PROVEN
// QUALITY, method "colgen"). Per imbalance band [a, b] (as the banded Lagrangian: chord of
// the root, share deviation cap), the set-partitioning LP
//   min sum_p c_p x_p  s.t.  every unit covered once, sum_p x_p = k, x >= 0,
// over columns p = (connected unit set S, centre j in S) whose demand lies in the band's
// range, c_p = travel of S from j + alpha (D_S / D - 1/k)^2. Master LP: COIN-OR CLP. Pricing:
// per centre the connected set of least reduced cost, by a greedy growth and, when that finds
// nothing, by an exact depth-first enumeration of connected sets (each visited once) pruned
// by a convex relaxation. Any duals give the valid bound sum pi + k mu + k min_p rc_p.
#include <ClpSimplex.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>

#include "deadline.hpp"
#include "design_model.hpp"
#include "libmatch/cancel.hpp"
#include "libmatch/error.hpp"
#include "parallel.hpp"

namespace libmatch::detail {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Exact search for one root: depth-first over connected sets containing the root, grown by
// candidate lists with a forbidden set (a set is reached only through its first candidate in
// list order, so each is visited once).
class SetSearch {
 public:
  SetSearch(const std::int64_t* off, const std::int32_t* nb, const double* d, std::int32_t n)
      : off_(off), nb_(nb), d_(d), n_(n) {
    const auto un = static_cast<std::size_t>(n);
    in_s_.assign(un, 0);
    banned_.assign(un, 0);
    in_c_.assign(un, 0);
    mark_.assign(un, 0);
    dist_.assign(un, 0.0);
    level_.resize(un + 2);
  }

  bool run(std::int32_t root, const double* r, const SetCost& c, double threshold,
           Clock::time_point deadline, std::int64_t max_nodes, std::vector<FoundSet>& found) {
    r_ = r;
    c_ = &c;
    best_ = threshold;
    found_ = &found;
    deadline_ = deadline;
    max_nodes_ = max_nodes;
    nodes_ = 0;
    stopped_ = false;
    open_lb_ = kInf;
    slack_ = 1e-12 * c.total;
    if (!std::isfinite(r[root]) || d_[root] > c.hi + slack_) return true;
    order_.clear();
    zero_.clear();
    for (std::int32_t i = 0; i < n_; ++i) {
      if (i == root || !std::isfinite(r[i])) continue;
      (d_[i] > 0.0 ? order_ : zero_).push_back(i);
    }
    std::sort(order_.begin(), order_.end(), [&](std::int32_t x, std::int32_t y) {
      const double rx = r[x] / d_[x], ry = r[y] / d_[y];
      return rx < ry || (rx == ry && x < y);
    });
    set_.assign(1, root);
    sum_ = r[root];
    dem_ = d_[root];
    in_s_[root] = 1;
    consider();
    auto& c0 = level_[0];
    c0.clear();
    for (std::int64_t e = off_[root]; e < off_[root + 1]; ++e) {
      const std::int32_t u = nb_[e];
      if (std::isfinite(r[u]) && !in_c_[u] && u != root) {
        in_c_[u] = 1;
        c0.push_back(u);
      }
    }
    if (!c0.empty() && bound(c0) < best_) node(0);
    for (std::int32_t u : c0) in_c_[u] = 0;
    in_s_[root] = 0;
    return !stopped_;
  }

  std::int64_t nodes() const { return nodes_; }
  /// After a stopped run: a lower bound of every set left unexplored (+inf when complete).
  double open_bound() const { return open_lb_; }

 private:
  void consider() {
    if (dem_ < c_->lo - slack_ || dem_ > c_->hi + slack_) return;
    const auto size = static_cast<std::int64_t>(set_.size());
    if (size < c_->min_units || (c_->max_units > 0 && size > c_->max_units)) return;
    const double v = sum_ + c_->penalty(dem_);
    if (v < best_) {
      best_ = v;
      found_->push_back({v, set_});
    }
  }

  void node(std::size_t depth) {
    auto& cand = level_[depth];
    std::size_t done = 0;
    for (; done < cand.size(); ++done) {
      const std::int32_t v = cand[done];
      if ((++nodes_ & 1023) == 0) {
        if (cancel_requested() || Clock::now() > deadline_ || nodes_ > max_nodes_) stopped_ = true;
      }
      if (stopped_) {
        // Abandoned: the remaining branches are bounded by the relaxation of what is left.
        rest_.assign(cand.begin() + static_cast<std::ptrdiff_t>(done), cand.end());
        open_lb_ = std::min(open_lb_, bound(rest_));
        break;
      }
      const bool room =
          dem_ + d_[v] <= c_->hi + slack_ &&
          (c_->max_units <= 0 || static_cast<std::int64_t>(set_.size()) < c_->max_units);
      if (room) {
        in_s_[v] = 1;
        set_.push_back(v);
        sum_ += r_[v];
        dem_ += d_[v];
        auto& next = level_[depth + 1];
        next.assign(cand.begin() + static_cast<std::ptrdiff_t>(done) + 1, cand.end());
        const std::size_t own = next.size();
        for (std::int64_t e = off_[v]; e < off_[v + 1]; ++e) {
          const std::int32_t u = nb_[e];
          if (std::isfinite(r_[u]) && !in_s_[u] && !banned_[u] && !in_c_[u]) {
            in_c_[u] = 1;
            next.push_back(u);
          }
        }
        // Most promising first: good sets early, so the relaxation prunes more.
        std::sort(next.begin() + static_cast<std::ptrdiff_t>(own), next.end(),
                  [&](std::int32_t x, std::int32_t y) {
                    return r_[x] < r_[y] || (r_[x] == r_[y] && x < y);
                  });
        consider();
        if (!next.empty() && bound(next) < best_) node(depth + 1);
        for (std::size_t t = own; t < next.size(); ++t) in_c_[next[t]] = 0;
        dem_ -= d_[v];
        sum_ -= r_[v];
        set_.pop_back();
        in_s_[v] = 0;
      }
      banned_[v] = 1;  // later branches of this node leave v out
    }
    for (std::size_t t = 0; t < std::min(done + 1, cand.size()); ++t) banned_[cand[t]] = 0;
  }

  // Lower bound of sum r + penalty over the supersets of the current set reachable from
  // `cand` (through allowed, unbanned units): the fractional knapsack of the reachable units
  // (convex, piecewise linear in the added demand) plus the convex penalty, minimised over
  // the demand range. +inf when the range cannot be reached.
  double bound(const std::vector<std::int32_t>& cand) {
    // Reachable units: through allowed, unbanned units by a path whose demand (Dijkstra on
    // node weights) fits the room left below the cap.
    ++stamp_;
    queue_.clear();
    const double room = c_->hi + slack_ - dem_;
    heap_.clear();
    for (std::int32_t u : cand) {
      if (d_[u] > room) continue;
      if (mark_[u] != stamp_ || dist_[u] > d_[u]) {
        mark_[u] = stamp_;
        dist_[u] = d_[u];
        heap_.push_back({d_[u], u});
        std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
      }
    }
    ++stamp_;  // mark_ == stamp_: settled; == stamp_ - 1: tentative
    double reach = 0.0, v = sum_;
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      const auto [du, u] = heap_.back();
      heap_.pop_back();
      if (mark_[u] == stamp_ || du > dist_[u]) continue;
      mark_[u] = stamp_;
      queue_.push_back(u);
      reach += d_[u];
      if (d_[u] <= 0.0) v += std::min(r_[u], 0.0);
      for (std::int64_t e = off_[u]; e < off_[u + 1]; ++e) {
        const std::int32_t w = nb_[e];
        if (mark_[w] == stamp_ || !std::isfinite(r_[w]) || in_s_[w] || banned_[w]) continue;
        const double dw = du + d_[w];
        if (dw > room) continue;
        if (mark_[w] != stamp_ - 1 || dw < dist_[w]) {
          mark_[w] = stamp_ - 1;
          dist_[w] = dw;
          heap_.push_back({dw, w});
          std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
        }
      }
    }
    const double lo = c_->lo - slack_, hi = c_->hi + slack_;
    if (dem_ + reach < lo) return kInf;
    if (static_cast<std::int64_t>(set_.size() + queue_.size()) < c_->min_units) return kInf;
    const double a = c_->alpha, D = c_->total, f = c_->share;
    auto slope_pen = [&](double x) { return a > 0.0 ? 2.0 * a * (x / D - f) / D : 0.0; };
    double x = dem_, best = x >= lo ? v + c_->penalty(x) : kInf;
    for (std::int32_t i : order_) {
      if (mark_[i] != stamp_) continue;
      if (x >= hi) break;
      const double s = r_[i] / d_[i];
      if (x >= lo && s + slope_pen(x) >= 0.0) break;  // convex: rising from here on
      const double x1 = std::min(x + d_[i], hi);
      const double y0 = std::max(x, lo);
      if (y0 <= x1) {
        double y;
        if (a > 0.0) {
          y = std::clamp(D * (f - s * D / (2.0 * a)), y0, x1);
        } else {
          y = s < 0.0 ? x1 : y0;
        }
        best = std::min(best, v + s * (y - x) + c_->penalty(y));
      }
      v += s * (x1 - x);
      x = x1;
    }
    return best;
  }

  const std::int64_t* off_;
  const std::int32_t* nb_;
  const double* d_;
  std::int32_t n_;
  const double* r_ = nullptr;
  const SetCost* c_ = nullptr;
  double best_ = kInf, sum_ = 0.0, dem_ = 0.0, slack_ = 0.0;
  std::vector<FoundSet>* found_ = nullptr;
  Clock::time_point deadline_;
  std::int64_t max_nodes_ = 0, nodes_ = 0;
  bool stopped_ = false;
  double open_lb_ = kInf;
  std::vector<std::int32_t> rest_;
  std::vector<std::uint8_t> in_s_, banned_, in_c_;
  std::vector<std::uint32_t> mark_;
  std::vector<double> dist_;
  std::vector<std::pair<double, std::int32_t>> heap_;
  std::uint32_t stamp_ = 0;
  std::vector<std::int32_t> set_, order_, zero_, queue_;
  std::vector<std::vector<std::int32_t>> level_;
};

// Greedy growth from the root: the neighbour of least added cost joins while that lowers
// the value (or the demand is still below the range); the best feasible set seen is kept.
FoundSet greedy_set(const Model& m, std::int32_t root, const double* r, const SetCost& c,
                    std::vector<std::uint8_t>& in) {
  FoundSet best{kInf, {}};
  const double slack = 1e-12 * c.total;
  if (!std::isfinite(r[root]) || m.d[root] > c.hi + slack) return best;
  std::vector<std::int32_t> set{root};
  in[root] = 1;
  double sum = r[root], dem = m.d[root];
  for (;;) {
    const auto size = static_cast<std::int64_t>(set.size());
    if (dem >= c.lo - slack && size >= c.min_units) {
      const double v = sum + c.penalty(dem);
      if (v < best.value) best = {v, set};
    }
    if (c.max_units > 0 && size >= c.max_units) break;
    double pick = kInf;
    std::int32_t arg = -1;
    for (std::int32_t u : set) {
      for (std::int64_t e = m.off[u]; e < m.off[u + 1]; ++e) {
        const std::int32_t w = m.nb[e];
        if (in[w] || !std::isfinite(r[w]) || dem + m.d[w] > c.hi + slack) continue;
        const double delta = r[w] + c.penalty(dem + m.d[w]) - c.penalty(dem);
        if (delta < pick || (delta == pick && w < arg)) {
          pick = delta;
          arg = w;
        }
      }
    }
    if (arg < 0 || (pick >= 0.0 && dem >= c.lo - slack)) break;
    in[arg] = 1;
    set.push_back(arg);
    sum += r[arg];
    dem += m.d[arg];
  }
  for (std::int32_t u : set) in[u] = 0;
  return best;
}

struct Column {
  std::int32_t centre;
  std::vector<std::int32_t> units;  ///< sorted
  double travel, demand;
};

struct CgBand {
  double a = 0.0, b = kInf;
  double bound = -kInf;
  bool done = false;
};

class Colgen {
 public:
  Colgen(const Model& m, std::int64_t k, const HardBounds& hb, int threads)
      : m_(m), k_(k), n_(static_cast<std::int32_t>(m.n)), hb_(hb), threads_(threads) {
    const auto n = static_cast<std::size_t>(n_);
    const auto nq = static_cast<std::size_t>(m.tt_cols);
    const double ref_km =
        std::sqrt(m.total_area / (std::numbers::pi * static_cast<double>(k))) / 1000.0;
    const double wt = m.w.travel / (m.total_demand * ref_km);
    cost_.assign(n * n, kInf);  // [j * n + i]
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t i = 0; i < n; ++i) {
        const double t = m.tt[i * nq + j];
        if (i != j && std::isfinite(hb.max_km) && t > hb.max_km * (1.0 + 1e-12)) continue;
        cost_[j * n + i] = wt * m.d[i] * t;
      }
    }
  }

  void add_plan(const std::vector<std::int32_t>& labels) {
    std::vector<std::vector<std::int32_t>> areas(static_cast<std::size_t>(k_));
    for (std::int32_t i = 0; i < n_; ++i) areas[labels[i]].push_back(i);
    for (auto& s : areas) {
      if (s.empty()) continue;
      double best = kInf;
      std::int32_t arg = s[0];
      for (std::int32_t j : s) {
        double t = 0.0;
        for (std::int32_t i : s) t += cost_[static_cast<std::size_t>(j) * n_ + i];
        if (t < best) {
          best = t;
          arg = j;
        }
      }
      add_column(arg, s);
    }
  }

  /// Band cost terms: range, alpha, constant.
  SetCost band_cost(const CgBand& band, double& constant) const {
    SetCost c;
    const double D = m_.total_demand, kk = static_cast<double>(k_);
    c.total = D;
    c.share = 1.0 / kk;
    c.lo = hb_.lo * D / kk;
    c.hi = std::isfinite(hb_.hi) ? hb_.hi * D / kk : kInf;
    c.min_units = hb_.min_units;
    c.max_units = hb_.max_units;
    constant = 0.0;
    if (std::isfinite(band.b)) {
      const double dev = band.b / std::sqrt(kk) * D;
      c.lo = std::max(c.lo, D / kk - dev);
      c.hi = std::min(c.hi, D / kk + dev);
      if (band.a + band.b > 0.0) {
        c.alpha = m_.w.balance * kk / (band.a + band.b);
        constant = m_.w.balance * (band.a - band.a * band.a / (band.a + band.b));
      }
    }
    return c;
  }

  /// Column generation on one band until the LP is solved, the bound reaches `stop_at`, or
  /// the deadline. Raises band.bound (never lowers it).
  void solve(CgBand& band, double stop_at, Clock::time_point deadline, ColgenOutcome& out) {
    if (band.done) return;
    double constant = 0.0;
    const SetCost c = band_cost(band, constant);
    if (c.lo > c.hi) {
      band.bound = kInf;
      band.done = true;
      return;
    }
    const auto n = static_cast<std::size_t>(n_);
    const double slack = 1e-12 * c.total;
    const double big = std::max(1e-3, std::abs(stop_at));  // artificial cost
    ClpSimplex lp;
    lp.setLogLevel(0);
    lp.resize(n_ + 1, 0);
    for (std::int32_t i = 0; i < n_; ++i) lp.setRowBounds(i, 1.0, 1.0);
    lp.setRowBounds(n_, static_cast<double>(k_), static_cast<double>(k_));
    {  // artificials: one per row
      std::vector<CoinBigIndex> start(n + 2);
      std::vector<int> rows(n + 1);
      std::vector<double> el(n + 1, 1.0), lo(n + 1, 0.0), up(n + 1, COIN_DBL_MAX), obj(n + 1, big);
      for (std::size_t t = 0; t <= n; ++t) {
        start[t] = static_cast<CoinBigIndex>(t);
        rows[t] = static_cast<int>(t);
      }
      start[n + 1] = static_cast<CoinBigIndex>(n + 1);
      lp.addColumns(static_cast<int>(n + 1), lo.data(), up.data(), obj.data(), start.data(),
                    rows.data(), el.data());
    }
    std::size_t loaded = 0;  // pool columns considered so far
    auto load_new = [&] {
      std::vector<CoinBigIndex> start{0};
      std::vector<int> rows;
      std::vector<double> el, lo, up, obj;
      for (; loaded < pool_.size(); ++loaded) {
        const Column& col = pool_[loaded];
        if (col.demand < c.lo - slack || col.demand > c.hi + slack) continue;
        const auto size = static_cast<std::int64_t>(col.units.size());
        if (size < c.min_units || (c.max_units > 0 && size > c.max_units)) continue;
        for (std::int32_t i : col.units) {
          rows.push_back(i);
          el.push_back(1.0);
        }
        rows.push_back(n_);
        el.push_back(1.0);
        start.push_back(static_cast<CoinBigIndex>(rows.size()));
        lo.push_back(0.0);
        up.push_back(COIN_DBL_MAX);
        obj.push_back(col.travel + c.penalty(col.demand));
      }
      if (!lo.empty()) {
        lp.addColumns(static_cast<int>(lo.size()), lo.data(), up.data(), obj.data(), start.data(),
                      rows.data(), el.data());
      }
    };
    load_new();
    std::vector<double> r(n * n);
    std::vector<FoundSet> heur(n);
    std::vector<std::vector<FoundSet>> exact(n);
    std::vector<std::uint8_t> ok(n);
    std::vector<double> low(n);
    std::vector<SetSearch> searches;
    for (int t = 0; t < std::max(1, resolve_threads(threads_)); ++t) {
      searches.emplace_back(m_.off.data(), m_.nb.data(), m_.d.data(), n_);
    }
    std::vector<std::vector<std::uint8_t>> in(searches.size(), std::vector<std::uint8_t>(n, 0));
    for (;;) {
      throw_if_cancelled("area design bound");
      if (Clock::now() > deadline) {
        out.time_limit = true;
        return;
      }
      lp.primal();
      ++out.iterations;
      if (lp.status() != 0) throw Error("internal: the column-generation master LP failed");
      const double* y = lp.dualRowSolution();
      const double mu = y[n_];
      double dual_value = static_cast<double>(k_) * mu;
      for (std::int32_t i = 0; i < n_; ++i) dual_value += y[i];
      for (std::size_t j = 0; j < n; ++j) {
        for (std::size_t i = 0; i < n; ++i) r[j * n + i] = cost_[j * n + i] - y[i];
      }
      // Cheap pricing first.
      parallel_dynamic(
          n_, threads_,
          [&](std::int64_t j, int w) {
            heur[j] = greedy_set(m_, static_cast<std::int32_t>(j), r.data() + j * n, c,
                                 in[static_cast<std::size_t>(w)]);
          },
          {}, "area design bound");
      const double eps = 1e-9 * std::max(1.0, std::abs(dual_value));
      std::size_t added = 0;
      for (std::int32_t j = 0; j < n_; ++j) {
        if (heur[j].value < mu - eps) added += add_column(j, heur[j].units) ? 1 : 0;
      }
      if (added > 0) {
        load_new();
        continue;
      }
      // Exact searches with a growing node budget per centre (4e3, 1e5, 2e6, none): the
      // first that yields columns ends the round. Every round bounds each centre's least
      // reduced cost (best set found, or the relaxation of the branches a budget cut off).
      bool complete = false;
      ++out.exact_rounds;
      for (const std::int64_t budget :
           {std::int64_t{4000}, std::int64_t{100000}, std::int64_t{2000000},
            std::numeric_limits<std::int64_t>::max()}) {
        parallel_dynamic(
            n_, threads_,
            [&](std::int64_t j, int w) {
              exact[j].clear();
              auto& se = searches[static_cast<std::size_t>(w)];
              ok[j] = se.run(static_cast<std::int32_t>(j), r.data() + j * n, c, mu, deadline,
                             budget, exact[j]);
              low[j] = std::min(exact[j].empty() ? mu : exact[j].back().value, se.open_bound());
            },
            {}, "area design bound");
        {  // any duals: sum pi + k mu + k min_p rc_p, with a lower bound of each centre's min
          double min_rc = 0.0;
          for (std::int32_t j = 0; j < n_; ++j) min_rc = std::min(min_rc, low[j] - mu);
          const double lb = constant + dual_value + static_cast<double>(k_) * min_rc;
          band.bound = std::max(band.bound, lb);
          if (band.bound >= stop_at) {
            band.done = true;
            return;
          }
        }
        for (std::int32_t j = 0; j < n_; ++j) {
          const auto& f = exact[j];
          for (std::size_t t = f.size(), taken = 0; t-- > 0 && taken < 3; ++taken) {
            if (f[t].value < mu - eps) added += add_column(j, f[t].units) ? 1 : 0;
          }
        }
        complete = std::all_of(ok.begin(), ok.end(), [](std::uint8_t v) { return v != 0; });
        if (added > 0 || complete || Clock::now() > deadline) break;
      }
      if (added > 0) {
        load_new();
        continue;
      }
      // No column below zero after a complete search of every centre: the LP is solved
      // over all columns (its bound is recorded above); otherwise the deadline stopped it.
      if (!complete) out.time_limit = true;
      band.done = complete;
      return;
    }
  }

  std::size_t columns() const { return pool_.size(); }

 private:
  bool add_column(std::int32_t j, std::vector<std::int32_t> units) {
    std::sort(units.begin(), units.end());
    auto [it, fresh] = keys_.try_emplace({j, units}, pool_.size());
    if (!fresh) return false;
    Column col{j, std::move(units), 0.0, 0.0};
    for (std::int32_t i : col.units) {
      col.travel += cost_[static_cast<std::size_t>(j) * n_ + i];
      col.demand += m_.d[i];
    }
    pool_.push_back(std::move(col));
    return true;
  }

  const Model& m_;
  std::int64_t k_;
  std::int32_t n_;
  const HardBounds& hb_;
  int threads_;
  std::vector<double> cost_;
  std::vector<Column> pool_;
  std::map<std::pair<std::int32_t, std::vector<std::int32_t>>, std::size_t> keys_;
};

}  // namespace

double best_connected_set(const std::vector<std::int64_t>& off, const std::vector<std::int32_t>& nb,
                          const std::vector<double>& d, std::int32_t root,
                          const std::vector<double>& r, const SetCost& c,
                          std::vector<std::int32_t>& best) {
  SetSearch s(off.data(), nb.data(), d.data(), static_cast<std::int32_t>(d.size()));
  std::vector<FoundSet> found;
  s.run(root, r.data(), c, kInf, Clock::time_point::max(), std::numeric_limits<std::int64_t>::max(),
        found);
  best.clear();
  if (found.empty()) return kInf;
  best = found.back().units;
  std::sort(best.begin(), best.end());
  return found.back().value;
}

ColgenOutcome colgen_bound(const Model& m, std::int64_t k, const HardBounds& hb, double upper,
                           double travel_lb, const std::vector<std::int32_t>& plan,
                           double time_limit_s, int threads) {
  ColgenOutcome out;
  const auto t0 = Clock::now();
  const auto deadline = deadline_after(time_limit_s, t0);
  Colgen cg(m, k, hb, threads);
  if (!plan.empty()) cg.add_plan(plan);
  const double wb = m.w.balance;
  if (!(wb > 0.0)) {
    CgBand all;
    cg.solve(all, upper, deadline, out);
    out.bound = std::min(upper, std::max(all.bound, travel_lb));
    out.bands = 1;
    out.columns = static_cast<std::int64_t>(cg.columns());
    return out;
  }
  const double travel = std::max(0.0, travel_lb);
  const double imax = (upper - travel) / wb;
  std::vector<CgBand> bands;
  if (imax > 0.0) {
    double a = 0.0;
    for (double b = imax / 8.0; a < imax; b = std::min(imax, 2.0 * b)) {
      CgBand bd;
      bd.a = a;
      bd.b = b;
      bd.bound = travel + wb * a;
      bands.push_back(bd);
      a = b;
    }
  }
  out.bands = static_cast<int>(bands.size());
  // Bands nearest the plan's imbalance matter most; solve from the lowest up.
  for (CgBand& bd : bands) {
    if (out.time_limit) break;
    cg.solve(bd, upper, deadline, out);
  }
  constexpr int kMaxBands = 64;
  while (!out.time_limit && !bands.empty()) {
    auto weakest =
        std::min_element(bands.begin(), bands.end(),
                         [](const CgBand& x, const CgBand& y) { return x.bound < y.bound; });
    if (weakest->bound >= upper) break;
    if (!weakest->done) break;  // cut by the deadline
    if (static_cast<int>(bands.size()) >= kMaxBands) break;
    const CgBand parent = *weakest;
    const double mid = 0.5 * (parent.a + parent.b);
    CgBand lo = parent, hi = parent;
    lo.b = mid;
    hi.a = mid;
    lo.done = hi.done = false;
    hi.bound = std::max(parent.bound, travel + wb * mid);
    cg.solve(lo, upper, deadline, out);
    cg.solve(hi, upper, deadline, out);
    out.bands += 2;
    const bool gain = std::min(lo.bound, hi.bound) > parent.bound + 1e-9 * std::abs(parent.bound);
    *weakest = lo;
    bands.push_back(hi);
    if (!gain) break;
  }
  double bound = upper;
  for (const CgBand& bd : bands) {
    bound = std::min(bound, bd.bound);
    out.band_a.push_back(bd.a);
    out.band_b.push_back(bd.b);
    out.band_bound.push_back(bd.bound);
  }
  out.bound = bound;
  out.columns = static_cast<std::int64_t>(cg.columns());
  return out;
}

}  // namespace libmatch::detail
