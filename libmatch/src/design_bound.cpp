// The exact design model (design.hpp PROVEN QUALITY) on COIN-OR CBC's C interface:
// Hess assignment x_ij (unit i in the area centred at j), one flow commodity per centre for
// contiguity, hard bounds as rows; optionally the lower-bound objective (exact travel, the
// imbalance as a norm under-estimated by tangent planes of its rotated cones).
#include <Cbc_C_Interface.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>

#include "design_model.hpp"
#include "libmatch/error.hpp"

namespace libmatch::detail {

namespace {

// CBC 2.10's solve (CbcMain1) keeps global state: one solve at a time in the process.
std::mutex& cbc_mutex() {
  static std::mutex mu;
  return mu;
}

double dist_km(XY a, XY b) { return std::hypot(a.x - b.x, a.y - b.y) / 1000.0; }

// Collects columns and rows, then loads the whole matrix at once (column-major): adding rows
// one by one to CBC copies the matrix every time.
class Builder {
 public:
  int col(double lb, double ub, double obj, bool integer) {
    lb_.push_back(lb);
    ub_.push_back(ub);
    obj_.push_back(obj);
    integer_.push_back(integer ? 1 : 0);
    return static_cast<int>(lb_.size()) - 1;
  }
  void row(const std::vector<int>& idx, const std::vector<double>& val, char sense, double rhs) {
    const int r = static_cast<int>(rlo_.size());
    for (std::size_t t = 0; t < idx.size(); ++t) entries_.push_back({idx[t], r, val[t]});
    const double inf = std::numeric_limits<double>::infinity();
    rlo_.push_back(sense == 'L' ? -inf : rhs);
    rhi_.push_back(sense == 'G' ? inf : rhs);
  }
  /// A CBC model holding everything added (the caller deletes it).
  Cbc_Model* load() const {
    const auto ncol = static_cast<int>(lb_.size());
    std::vector<CoinBigIndex> start(static_cast<std::size_t>(ncol) + 1, 0);
    for (const Entry& e : entries_) ++start[static_cast<std::size_t>(e.col) + 1];
    for (int c = 0; c < ncol; ++c) start[c + 1] += start[c];
    std::vector<CoinBigIndex> fill(start.begin(), start.end() - 1);
    std::vector<int> index(entries_.size());
    std::vector<double> value(entries_.size());
    for (const Entry& e : entries_) {
      const auto k = static_cast<std::size_t>(fill[e.col]++);
      index[k] = e.row;
      value[k] = e.val;
    }
    Cbc_Model* model = Cbc_newModel();
    Cbc_loadProblem(model, ncol, static_cast<int>(rlo_.size()), start.data(), index.data(),
                    value.data(), lb_.data(), ub_.data(), obj_.data(), rlo_.data(), rhi_.data());
    for (int c = 0; c < ncol; ++c) {
      if (integer_[c]) Cbc_setInteger(model, c);
    }
    return model;
  }

 private:
  struct Entry {
    int col, row;
    double val;
  };
  std::vector<double> lb_, ub_, obj_, rlo_, rhi_;
  std::vector<char> integer_;
  std::vector<Entry> entries_;
};

// Owns a Cbc_Model.
struct ModelPtr {
  Cbc_Model* m;
  ~ModelPtr() { Cbc_deleteModel(m); }
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
  const ModelPtr owner{b.load()};
  Cbc_Model* model = owner.m;
  Cbc_setLogLevel(model, 0);
  Cbc_setMaximumSeconds(model, goal.time_limit_s);
  Cbc_setAllowableFractionGap(model, 1e-5);
  if (start != nullptr) {
    // Centres of the start plan: the medoid (least demand-weighted travel) among candidates.
    std::vector<int> si;
    std::vector<double> sv;
    for (std::int32_t r = 0; r < k; ++r) {
      std::int32_t best = -1;
      double best_t = inf;
      for (std::int32_t j = 0; j < n; ++j) {
        if ((*start)[j] != r || X(j, j) < 0) continue;
        double t = 0.0;
        bool ok = true;
        for (std::int32_t i = 0; i < n; ++i) {
          if ((*start)[i] != r) continue;
          if (X(i, j) < 0) {
            ok = false;
            break;
          }
          t += m.mode == TravelMode::Medoid ? m.d[i] * m.tt[i * nq + j] : 0.0;
        }
        if (ok && t < best_t) {
          best = j;
          best_t = t;
        }
      }
      if (best < 0) continue;
      for (std::int32_t i = 0; i < n; ++i) {
        if ((*start)[i] == r) {
          si.push_back(X(i, best));
          sv.push_back(1.0);
        }
      }
    }
    if (static_cast<std::int32_t>(si.size()) == n) {
      Cbc_setMIPStartI(model, static_cast<int>(si.size()), si.data(), sv.data());
    }
  }
  MipOutcome out;
  {
    std::lock_guard<std::mutex> lock(cbc_mutex());
    Cbc_solve(model);
  }
  out.time_limit = Cbc_isSecondsLimitReached(model) != 0;
  if (Cbc_isProvenInfeasible(model)) {
    out.kind = MipOutcome::Kind::Infeasible;
    out.optimal = true;
    return out;
  }
  const double* sol = Cbc_bestSolution(model);
  out.best_bound = Cbc_getBestPossibleObjValue(model);
  if (sol != nullptr) {
    out.kind = MipOutcome::Kind::Feasible;
    out.value = Cbc_getObjValue(model);
    out.optimal = Cbc_isProvenOptimal(model) != 0;
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
  } else if (!out.time_limit && Cbc_status(model) == 0) {
    out.kind = MipOutcome::Kind::Infeasible;  // finished without any solution
    out.optimal = true;
  }
  return out;
}

}  // namespace libmatch::detail
