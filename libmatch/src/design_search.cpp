// design_areas: seeded region growing, simulated annealing with contiguity-preserving moves,
// greedy descent; multi-start over threads with one independent random stream per start.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <queue>

#include "deadline.hpp"
#include "design_model.hpp"
#include "format.hpp"
#include "libmatch/cancel.hpp"
#include "libmatch/design.hpp"
#include "libmatch/error.hpp"
#include "parallel.hpp"
#include "random.hpp"

namespace libmatch {

namespace {

using namespace detail;
using Clock = std::chrono::steady_clock;

double dist2(XY a, XY b) {
  const double dx = a.x - b.x, dy = a.y - b.y;
  return dx * dx + dy * dy;
}

// k-means++ over the candidate units (supply units with advisors, else all), weighted by
// capacity or demand: spread-out seeds in the busy parts of the map.
// Units already labelled (fixed to an area) are no candidates and count as seeds.
std::vector<std::int32_t> pick_seeds(const Model& m, std::int64_t k, Rng& rng,
                                     const std::vector<std::int32_t>& labels) {
  std::vector<std::int32_t> cand;
  std::vector<double> weight;
  if (m.mode == TravelMode::Advisors) {
    for (std::size_t q = 0; q < m.supply_unit.size(); ++q) {
      if (labels[m.supply_unit[q]] >= 0) continue;
      cand.push_back(m.supply_unit[q]);
      weight.push_back(m.supply_cap[q]);
    }
  } else {
    const double floor = 1e-3 * m.total_demand / static_cast<double>(m.n);
    for (std::int32_t i = 0; i < m.n; ++i) {
      if (labels[i] >= 0) continue;
      cand.push_back(i);
      weight.push_back(m.d[i] + floor);
    }
  }
  std::vector<double> d2(cand.size(), std::numeric_limits<double>::infinity());
  bool pre = false;
  for (std::int32_t i = 0; i < m.n; ++i) {
    if (labels[i] < 0) continue;
    pre = true;
    for (std::size_t c = 0; c < cand.size(); ++c)
      d2[c] = std::min(d2[c], dist2(m.c[cand[c]], m.c[i]));
  }
  std::vector<std::uint8_t> taken(cand.size(), 0);
  std::vector<std::int32_t> seeds;
  if (static_cast<std::int64_t>(cand.size()) < k) return seeds;  // caller: invalid start
  for (std::int64_t s = 0; s < k; ++s) {
    const bool first = s == 0 && !pre;
    double total = 0.0;
    for (std::size_t c = 0; c < cand.size(); ++c) {
      if (!taken[c]) total += weight[c] * (first ? 1.0 : d2[c]);
    }
    std::size_t pick = cand.size();
    if (total > 0.0 && std::isfinite(total)) {
      double x = rng.uniform() * total;
      for (std::size_t c = 0; c < cand.size(); ++c) {
        if (taken[c]) continue;
        x -= weight[c] * (first ? 1.0 : d2[c]);
        pick = c;
        if (x < 0.0) break;
      }
    } else {  // all remaining candidates coincide with seeds: take the first free one
      for (std::size_t c = 0; c < cand.size() && pick == cand.size(); ++c) {
        if (!taken[c]) pick = c;
      }
    }
    taken[pick] = 1;
    seeds.push_back(cand[pick]);
    for (std::size_t c = 0; c < cand.size(); ++c) {
      d2[c] = std::min(d2[c], dist2(m.c[cand[c]], m.c[cand[pick]]));
    }
  }
  return seeds;
}

// Region growing: labels[i] = area or -1 (free). Repeatedly the area with the lowest load
// ratio that borders a free unit takes the free neighbour closest to its anchor point.
void grow(const Model& m, std::int64_t k, std::vector<std::int32_t>& labels,
          const std::vector<XY>& anchor) {
  const auto K = static_cast<std::size_t>(k);
  std::vector<double> D(K, 0.0), C(K, 0.0);
  using Item = std::pair<double, std::int32_t>;
  std::vector<std::priority_queue<Item, std::vector<Item>, std::greater<Item>>> front(K);
  std::int64_t free_units = 0;
  for (std::int32_t i = 0; i < m.n; ++i) {
    if (labels[i] < 0) {
      ++free_units;
      continue;
    }
    D[labels[i]] += m.d[i];
    if (m.mode == TravelMode::Advisors && m.supply_of[i] >= 0) {
      C[labels[i]] += m.supply_cap[m.supply_of[i]];
    }
  }
  if (m.mode != TravelMode::Advisors) std::fill(C.begin(), C.end(), 1.0);
  auto push_neighbours = [&](std::int32_t u) {
    const std::int32_t r = labels[u];
    for (std::int64_t e = m.off[u]; e < m.off[u + 1]; ++e) {
      std::int32_t w = m.nb[e];
      if (labels[w] < 0) front[r].push({dist2(m.c[w], anchor[r]), w});
    }
  };
  for (std::int32_t i = 0; i < m.n; ++i) {
    if (labels[i] >= 0) push_neighbours(i);
  }
  while (free_units > 0) {
    std::int32_t best = -1;
    double best_ratio = 0.0;
    for (std::int32_t r = 0; r < k; ++r) {
      auto& f = front[r];
      while (!f.empty() && labels[f.top().second] >= 0) f.pop();
      if (f.empty()) continue;
      const double ratio = C[r] > 0.0 ? D[r] / C[r] : std::numeric_limits<double>::infinity();
      if (best < 0 || ratio < best_ratio) {
        best = r;
        best_ratio = ratio;
      }
    }
    if (best < 0) throw Error("internal: region growing stalled on a connected graph");
    const std::int32_t u = front[best].top().second;
    front[best].pop();
    labels[u] = best;
    --free_units;
    D[best] += m.d[u];
    if (m.mode == TravelMode::Advisors && m.supply_of[u] >= 0) {
      C[best] += m.supply_cap[m.supply_of[u]];
    }
    push_neighbours(u);
  }
}

// Feasible (violation ~0) beats infeasible; then the lower (penalised) objective.
bool better(double va, double oa, double vb, double ob) {
  const bool fa = va <= 1e-9, fb = vb <= 1e-9;
  if (fa != fb) return fa;
  return oa < ob - 1e-12 * (1.0 + std::abs(ob));
}

struct Outcome {
  std::vector<std::int32_t> labels;
  double objective = std::numeric_limits<double>::infinity();
  double violation = std::numeric_limits<double>::infinity();
  bool valid = false;  ///< the start was a complete contiguous plan
  std::int64_t iterations = 0;
  bool completed = false;
  bool ran = false;
};

struct Run {
  const Model& m;
  std::int64_t k;
  std::uint64_t seed;
  std::int64_t iterations;
  Clock::time_point deadline;
  bool has_deadline;
  const std::vector<std::int32_t>* start_plan;  // repaired initial plan, or null
  const std::vector<std::uint8_t>* locked;
  const HardBounds* hb;

  bool late() const { return has_deadline && Clock::now() >= deadline; }

  // Seeds (fixed units first: they anchor their areas) and region growing. False when the
  // grown plan is not a valid start (an area in pieces or, with advisors, without a base).
  bool seeded_plan(Rng& rng, std::vector<std::int32_t>& labels) const {
    labels.assign(static_cast<std::size_t>(m.n), -1);
    const auto K = static_cast<std::size_t>(k);
    std::vector<XY> anchor(K, XY{});
    std::vector<double> wsum(K, 0.0);
    if (hb != nullptr && !hb->area_of.empty()) {
      for (std::int32_t i = 0; i < m.n; ++i) {
        const std::int32_t a = hb->area_of[i];
        if (a < 0) continue;
        labels[i] = a;
        anchor[a].x += m.c[i].x;
        anchor[a].y += m.c[i].y;
        wsum[a] += 1.0;
      }
    }
    std::int64_t free_areas = 0;
    for (std::size_t r = 0; r < K; ++r) free_areas += wsum[r] == 0.0;
    const std::vector<std::int32_t> seeds = pick_seeds(m, free_areas, rng, labels);
    if (static_cast<std::int64_t>(seeds.size()) < free_areas) return false;
    std::size_t next = 0;
    for (std::size_t r = 0; r < K; ++r) {
      if (wsum[r] > 0.0) {
        anchor[r].x /= wsum[r];
        anchor[r].y /= wsum[r];
        continue;
      }
      labels[seeds[next]] = static_cast<std::int32_t>(r);
      anchor[r] = m.c[seeds[next++]];
    }
    grow(m, k, labels, anchor);
    const std::vector<std::int64_t> pieces = area_pieces(m, labels, k, true);
    if (std::any_of(pieces.begin(), pieces.end(), [](std::int64_t p) { return p != 1; })) {
      return false;
    }
    if (m.mode == TravelMode::Advisors) {
      std::vector<std::uint8_t> base(K, 0);
      for (std::int32_t u : m.supply_unit) base[labels[u]] = 1;
      if (std::find(base.begin(), base.end(), 0) != base.end()) return false;
    }
    return true;
  }

  // A random feasible move (u -> s) or {-1, -1}.
  std::pair<std::int32_t, std::int32_t> propose(const State& st, Rng& rng) const {
    const auto u = static_cast<std::int32_t>(
        static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(m.n))));
    if (!st.movable(u)) return {-1, -1};
    const std::int64_t deg = m.off[u + 1] - m.off[u];
    if (deg == 0) return {-1, -1};
    const std::int64_t e0 = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(deg)));
    const std::int32_t r = st.labels()[u];
    for (std::int64_t t = 0; t < deg; ++t) {
      const std::int32_t w = m.nb[m.off[u] + (e0 + t) % deg];
      if (st.labels()[w] != r) return {u, st.labels()[w]};
    }
    return {-1, -1};
  }

  // First-improvement descent over all single-unit moves, best target area per unit.
  void descend(State& st) const {
    std::vector<std::int32_t> tried;  // areas already scored for the current unit
    for (int pass = 0; pass < 200; ++pass) {
      bool improved = false;
      for (std::int32_t u = 0; u < m.n; ++u) {
        if ((u & 255) == 0) throw_if_cancelled("area design");
        if ((u & 255) == 0 && late()) return;
        if (!st.movable(u)) continue;
        const std::int32_t r = st.labels()[u];
        std::int32_t best_s = -1;
        double best_d = -1e-12 * (1.0 + std::abs(st.objective()));
        tried.clear();
        for (std::int64_t e = m.off[u]; e < m.off[u + 1]; ++e) {
          const std::int32_t s = st.labels()[m.nb[e]];
          if (s == r || std::find(tried.begin(), tried.end(), s) != tried.end()) continue;
          tried.push_back(s);  // a second border with s would score the same move again
          const double d = st.delta(u, s);
          if (d < best_d || (d == best_d && best_s >= 0 && s < best_s)) {
            best_d = d;
            best_s = s;
          }
        }
        if (best_s >= 0) {
          st.move(u, best_s);
          improved = true;
        }
      }
      if (!improved) return;
    }
  }

  Outcome operator()(int start) const {
    Outcome out;
    out.ran = true;
    Rng rng(hash_keys({seed, static_cast<std::uint64_t>(start)}));
    std::vector<std::int32_t> labels;
    if (start_plan != nullptr) {
      labels = *start_plan;
    } else if (!seeded_plan(rng, labels)) {
      return out;  // fixed units left an area in pieces or without a base: no valid start
    }
    out.valid = true;
    State st(m, k, labels);
    if (locked != nullptr) st.locked = *locked;
    st.set_bounds(hb);
    std::vector<std::int32_t> best = st.labels();
    double best_obj = st.objective();
    double best_viol = st.violation();

    // Temperature: worsening moves of average size are accepted with probability 0.3 at
    // first, 0.3^1000 at the end (geometric cooling). Gentler when repairing a given plan.
    double sum_pos = 0.0;
    int n_pos = 0;
    for (int t = 0; iterations > 0 && t < 400 && n_pos < 60; ++t) {
      auto [u, s] = propose(st, rng);
      if (u < 0) continue;
      const double d = st.delta(u, s);
      if (d > 0.0 && std::isfinite(d)) {
        sum_pos += d;
        ++n_pos;
      }
    }
    const double t0 = (n_pos > 0 ? sum_pos / n_pos : 1e-6) / std::log(1.0 / 0.3) *
                      (start_plan != nullptr ? 0.1 : 1.0);
    const double t_end = t0 * 1e-3;
    double temp = t0;
    const double alpha =
        iterations > 0 ? std::pow(t_end / t0, 1.0 / static_cast<double>(iterations)) : 1.0;
    std::int64_t it = 0;
    bool cut_short = false;
    std::vector<std::int32_t> back;
    for (; it < iterations; ++it) {
      if ((it & 1023) == 0) throw_if_cancelled("area design");
      if ((it & 1023) == 0 && late()) {
        cut_short = true;
        break;
      }
      temp *= alpha;
      auto [u, s] = propose(st, rng);
      if (u < 0) continue;
      const double d = st.delta(u, s);
      bool accepted = d <= 0.0;
      if (!accepted && (rng.next() & 1)) {
        // Compound move: u joins s, then a unit v of s bordering u's old area r moves
        // back, so balance can hold while the border shifts.
        const std::int32_t r = st.labels()[u];
        st.move(u, s);
        back.clear();
        for (std::int32_t v : st.members(s)) {
          if (v == u || !st.movable(v)) continue;
          for (std::int64_t e = m.off[v]; e < m.off[v + 1]; ++e) {
            if (st.labels()[m.nb[e]] == r) {
              back.push_back(v);
              break;
            }
          }
        }
        std::int32_t v = -1;
        double d2 = 0.0;
        if (!back.empty()) {
          v = back[static_cast<std::size_t>(rng.below(back.size()))];
          d2 = st.delta(v, r);
        }
        if (v >= 0 && (d + d2 <= 0.0 || rng.uniform() < std::exp(-(d + d2) / temp))) {
          st.move(v, r);
          accepted = true;
        } else {
          st.move(u, r);  // undo; always valid (u borders r, and is a leaf-like member of s)
          continue;
        }
      } else if (!accepted) {
        accepted = rng.uniform() < std::exp(-d / temp);
        if (accepted) st.move(u, s);
      } else {
        st.move(u, s);
      }
      if (accepted) {
        const double obj = st.objective();
        const double viol = st.violation();
        if (better(viol, obj, best_viol, best_obj)) {
          best_obj = obj;
          best_viol = viol;
          best = st.labels();
        }
      }
    }
    if (it > 0) {  // descend from the annealing's best plan, rebuilt from scratch
      State fin(m, k, best);
      if (locked != nullptr) fin.locked = *locked;
      fin.set_bounds(hb);
      descend(fin);
      out.labels = fin.labels();
    } else {  // no annealing: st is still the start (and equal to a rebuilt one)
      descend(st);
      out.labels = st.labels();
    }
    State fresh(m, k, out.labels);  // from scratch: comparable
    fresh.set_bounds(hb);
    out.objective = fresh.objective();
    out.violation = fresh.violation();
    if (better(best_viol, best_obj, out.violation, out.objective)) {  // descent drifted
      State again(m, k, best);
      again.set_bounds(hb);
      out.labels = best;
      out.objective = again.objective();
      out.violation = again.violation();
    }
    out.iterations = it;
    out.completed = !cut_short && !late();
    return out;
  }
};

// Repair mode: keep each area's main piece (the one holding its locked units, else the one with
// most demand), release the rest, re-grow.
std::vector<std::int32_t> repair(const Model& m, std::int64_t k, std::vector<std::int32_t> lab,
                                 const std::vector<std::uint8_t>& locked) {
  const auto K = static_cast<std::size_t>(k);
  std::vector<std::int32_t> piece(static_cast<std::size_t>(m.n), -1);
  struct Piece {
    std::int32_t area;
    double demand = 0.0;
    std::int64_t units = 0;
    std::int32_t first;
    bool has_supply = false;
    bool has_locked = false;
  };
  std::vector<Piece> pieces;
  std::vector<std::int32_t> queue;
  for (std::int32_t s = 0; s < m.n; ++s) {
    if (piece[s] >= 0) continue;
    const auto id = static_cast<std::int32_t>(pieces.size());
    pieces.push_back({lab[s], 0.0, 0, s, false});
    piece[s] = id;
    queue.assign(1, s);
    while (!queue.empty()) {
      const std::int32_t v = queue.back();
      queue.pop_back();
      pieces[id].demand += m.d[v];
      ++pieces[id].units;
      if (m.mode == TravelMode::Advisors && m.supply_of[v] >= 0) pieces[id].has_supply = true;
      if (!locked.empty() && locked[v]) pieces[id].has_locked = true;
      for (std::int64_t e = m.off[v]; e < m.off[v + 1]; ++e) {
        const std::int32_t w = m.nb[e];
        if (piece[w] < 0 && lab[w] == lab[v]) {
          piece[w] = id;
          queue.push_back(w);
        }
      }
    }
  }
  // Main piece per area: the one with locked units, then most demand, then most units, then
  // lowest first unit.
  std::vector<std::int32_t> main_piece(K, -1);
  for (std::size_t p = 0; p < pieces.size(); ++p) {
    const Piece& c = pieces[p];
    std::int32_t& b = main_piece[c.area];
    if (b >= 0 && c.has_locked && pieces[b].has_locked) {
      throw InvalidInput("initial plan: fixed units " + m.id(pieces[b].first) + " and " +
                         m.id(c.first) + " of area " + std::to_string(c.area) +
                         " lie in separate pieces of it");
    }
    if (b < 0 || (c.has_locked && !pieces[b].has_locked) ||
        (c.has_locked == pieces[b].has_locked &&
         (c.demand > pieces[b].demand ||
          (c.demand == pieces[b].demand && c.units > pieces[b].units)))) {
      b = static_cast<std::int32_t>(p);
    }
  }
  for (std::int32_t r = 0; r < k; ++r) {
    if (m.mode == TravelMode::Advisors && !pieces[main_piece[r]].has_supply) {
      throw InvalidInput("initial plan: area " + std::to_string(r) +
                         " has no advisor base in its main piece; every area needs one");
    }
  }
  std::vector<XY> anchor(K, XY{});
  std::vector<double> wsum(K, 0.0);
  for (std::int32_t i = 0; i < m.n; ++i) {
    if (piece[i] != main_piece[lab[i]]) {
      if (!locked.empty() && locked[i]) {
        throw InvalidInput("initial plan: fixed unit " + m.id(i) +
                           " lies in a detached piece of area " + std::to_string(lab[i]));
      }
      lab[i] = -1;
      continue;
    }
    const double w = m.d[i] + 1e-9;
    anchor[lab[i]].x += w * m.c[i].x;
    anchor[lab[i]].y += w * m.c[i].y;
    wsum[lab[i]] += w;
  }
  for (std::size_t r = 0; r < K; ++r) {
    anchor[r].x /= wsum[r];
    anchor[r].y /= wsum[r];
  }
  grow(m, k, lab, anchor);
  return lab;
}

}  // namespace

namespace {

// The multi-start search from `start_plan` (or seeded starts when null); best outcome.
Outcome search(const Model& m, std::int64_t k, const DesignOptions& opt, const Run& run,
               DesignResult& res) {
  std::vector<Outcome> outcomes(static_cast<std::size_t>(opt.starts));
  // Starts are independent (each from its own seed), so the best one does not depend on the
  // thread count; starts beyond the first are skipped once the time limit has passed.
  // One start runs on the calling thread (no hardware_concurrency query: microseconds).
  const int threads =
      opt.starts <= 1 ? 1 : std::min(detail::resolve_threads(opt.threads), opt.starts);
  detail::parallel_dynamic(
      opt.starts, threads,
      [&](std::int64_t s, int) {
        if (s > 0 && run.late()) return;  // start 0 always runs
        outcomes[static_cast<std::size_t>(s)] = run(static_cast<int>(s));
      },
      {}, "area design");
  int best = -1;
  for (int s = 0; s < opt.starts; ++s) {
    const Outcome& o = outcomes[static_cast<std::size_t>(s)];
    if (!o.ran) continue;
    res.iterations += o.iterations;
    res.starts_completed += o.completed ? 1 : 0;
    if (!o.valid) continue;
    const Outcome* b = best < 0 ? nullptr : &outcomes[static_cast<std::size_t>(best)];
    if (b == nullptr || better(o.violation, o.objective, b->violation, b->objective)) best = s;
  }
  res.best_start = best;
  (void)m;
  (void)k;
  return best < 0 ? Outcome{} : outcomes[static_cast<std::size_t>(best)];
}

// Infeasible bounds with their conflicting set (`irreducible`: the deletion filter finished).
[[noreturn]] void throw_conflict(std::int64_t k, const std::vector<std::string>& conflict,
                                 bool irreducible) {
  std::string names;
  for (const std::string& c : conflict) names += (names.empty() ? "" : "; ") + c;
  throw InfeasibleBounds(
      "area design: the hard bounds cannot all hold with k = " + std::to_string(k) +
          " contiguous areas; conflicting bounds" +
          (irreducible ? "" : " (irreducibility not proven: time limit)") + ": " + names,
      conflict);
}

// No plan of the search honours the bounds: the exact model decides. A feasible model plan
// becomes the start of a second search; infeasibility is reported with a conflicting set.
std::vector<std::int32_t> feasible_start(const Model& m, std::int64_t k, const HardBounds& hb,
                                         const DesignOptions& opt, Clock::time_point deadline) {
  // bound_time_limit_s for the model and the conflict search together, within time_limit_s
  double budget = opt.bound_time_limit_s;
  const bool capped = deadline != Clock::time_point::max() &&
                      std::chrono::duration<double>(deadline - Clock::now()).count() < budget;
  if (capped)
    budget = std::max(0.0, std::chrono::duration<double>(deadline - Clock::now()).count());
  const std::string limit_name = capped ? "time_limit_s" : "bound_time_limit_s";
  const std::string limit_value = format_number(capped ? opt.time_limit_s : opt.bound_time_limit_s);
  const auto model_start = Clock::now();
  MipGoal goal;
  goal.time_limit_s = budget;
  const MipOutcome o = solve_design_mip(m, k, hb, goal, nullptr);
  // The model relaxes max_travel_km (any member as centre, or 2 x the bound around the
  // centre): its plan may still miss the exact travel bound.
  if (o.kind == MipOutcome::Kind::Feasible && violated_bounds(m, k, hb, o.labels).empty()) {
    return o.labels;
  }
  if (o.kind == MipOutcome::Kind::Feasible) {
    throw InfeasibleBounds(
        "area design: no plan found that honours every hard bound; the exact model's plan "
        "meets its relaxation of max_travel_km but not the bound itself (not proven "
        "infeasible); loosen max_travel_km or pass a travel matrix",
        {}, /*proven=*/false);
  }
  if (o.kind == MipOutcome::Kind::Unknown) {
    throw InfeasibleBounds(
        "area design: no plan found that honours every hard bound, and the exact model did "
        "not decide within " +
            limit_name + " = " + limit_value + " s (not proven infeasible)",
        {}, /*proven=*/false);
  }
  bool proven = true;
  const double left = budget - std::chrono::duration<double>(Clock::now() - model_start).count();
  const std::vector<std::string> conflict =
      conflicting_bounds(m, k, opt.bounds, std::max(0.0, left), proven);
  throw_conflict(k, conflict, proven);
}

// DesignOptions::bound: the exact model's lower bound, gap and status; the model's plan
// replaces the search's when it is better.
void prove(const Model& m, std::int64_t k, const HardBounds& hb, const DesignOptions& opt,
           std::vector<std::int32_t>& lab, DesignResult& res) {
  const bool use_cg = opt.bound_colgen && m.n <= kMaxColgenUnits;
  const bool use_lag = opt.bound_lagrangian && m.n <= kMaxLagrangianUnits;
  const bool use_mip = opt.bound_mip && m.n <= kMaxBoundUnits;
  if (!use_lag && !use_mip && !use_cg) {
    res.status = BoundStatus::TooLarge;
    return;
  }
  const auto t0 = Clock::now();
  const State st(m, k, lab);
  const double U = st.objective();
  const double core0 = U - m.w.compactness * (1.0 - st.compactness());
  double bound = 0.0;
  bool time_limit = false;
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  auto open = [&] {
    return core0 - bound > opt.bound_tolerance * std::max(core0, 1e-12) &&
           elapsed() < opt.bound_time_limit_s;
  };
  // Column generation first (the strongest where it applies); its imbalance bands need a
  // bound of travel alone, from the Lagrangian's first band.
  if (use_cg) {
    const LagrangeOutcome tr =
        lagrangian_bound(m, k, hb, core0, opt.bound_time_limit_s, opt.threads, true);
    const ColgenOutcome co = colgen_bound(m, k, hb, core0, tr.travel, lab,
                                          opt.bound_time_limit_s - elapsed(), opt.threads);
    res.bound_colgen = co.bound;
    bound = std::max(bound, co.bound);
    time_limit = time_limit || co.time_limit;
  }
  if (use_lag && open()) {
    const LagrangeOutcome lo =
        lagrangian_bound(m, k, hb, U, opt.bound_time_limit_s - elapsed(), opt.threads);
    res.bound_lagrangian = lo.bound;
    bound = std::max(bound, lo.bound);
    time_limit = time_limit || lo.time_limit;
  }
  const double spent = std::chrono::duration<double>(Clock::now() - t0).count();
  // The MIP runs in the time left, unless the Lagrangian bound already proves the plan.
  if (use_mip && core0 - bound > opt.bound_tolerance * std::max(core0, 1e-12) &&
      spent < opt.bound_time_limit_s) {
    MipGoal goal;
    goal.objective = true;
    goal.time_limit_s = opt.bound_time_limit_s - spent;
    if (m.w.balance > 0.0) goal.s_max = (U / m.w.balance) * (U / m.w.balance) * (1.0 + 1e-9);
    const MipOutcome o = solve_design_mip(m, k, hb, goal, &lab);
    double mb = std::max(0.0, std::isfinite(o.best_bound) ? o.best_bound : 0.0);
    if (o.kind == MipOutcome::Kind::Infeasible) mb = U;  // no plan below the incumbent
    res.bound_mip = mb;
    bound = std::max(bound, mb);
    time_limit = time_limit || o.time_limit;
    if (o.kind == MipOutcome::Kind::Feasible && !o.labels.empty()) {
      State alt(m, k, o.labels);
      alt.set_bounds(&hb);
      if (alt.violation() <= 1e-9 && alt.objective() < U - 1e-12 * (1.0 + U)) {
        lab = o.labels;
        res.from_model = true;
      }
    }
  }
  const State fin(m, k, lab);
  const double obj = fin.objective();
  bound = std::min(bound, obj);
  res.bound = bound;
  res.gap = obj > 0.0 ? (obj - bound) / obj : 0.0;
  // Every bound is valid, so a plan within the tolerance of it is proven (near) optimal.
  const double core = obj - m.w.compactness * (1.0 - fin.compactness());
  if (core - bound <= opt.bound_tolerance * std::max(core, 1e-12)) {
    res.status = BoundStatus::Optimal;
  } else {
    res.status = time_limit ? BoundStatus::TimeLimit : BoundStatus::Gap;
  }
  res.bound_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

void apply_effort(DesignOptions& options, const std::string& effort, std::int64_t units) {
  if (units < 0) throw InvalidInput("apply_effort: units must be >= 0");
  const DesignOptions defaults;
  if (effort == "fast") {
    options.starts = 1;
    options.iterations = defaults.iterations;
    options.anneal = false;
  } else if (effort == "default") {
    options.starts = defaults.starts;
    options.iterations = defaults.iterations;
    options.anneal = defaults.anneal;
  } else if (effort == "thorough") {
    options.starts = 32;
    options.iterations =
        std::clamp<std::int64_t>(1000 * std::min<std::int64_t>(units, 500), 20'000, 500'000);
    options.anneal = true;
  } else {
    throw InvalidInput("effort must be one of 'default', 'fast', 'thorough', got '" + effort + "'");
  }
}

DesignResult design_areas(const DesignProblem& problem, const DesignOptions& opt) {
  return PreparedDesign(problem).design(opt);
}

namespace detail {

DesignResult design_model(const Model& m, const DesignOptions& opt) {
  const std::int64_t k = opt.k;
  if (k < 1 || k > m.n) {
    throw InvalidInput("k = " + std::to_string(k) + " areas is out of range; k must be in 1.." +
                       std::to_string(m.n) + " (the number of units)");
  }
  if (m.mode == TravelMode::Advisors && k > static_cast<std::int64_t>(m.supply_unit.size())) {
    throw InvalidInput("k = " + std::to_string(k) + " but the advisors' bases lie in only " +
                       std::to_string(m.supply_unit.size()) +
                       " distinct units; every area needs at least one advisor base");
  }
  if (opt.starts < 1) throw InvalidInput("starts must be >= 1");
  if (opt.iterations < 0) throw InvalidInput("iterations must be >= 0 (0 = automatic)");
  if (std::isnan(opt.time_limit_s) || opt.time_limit_s <= 0.0) {
    throw InvalidInput("time_limit_s must be > 0 (or infinite)");
  }
  if (!(opt.bound_time_limit_s > 0.0)) throw InvalidInput("bound_time_limit_s must be > 0");
  if (!(opt.bound_tolerance >= 0.0 && std::isfinite(opt.bound_tolerance))) {
    throw InvalidInput("bound_tolerance must be finite and >= 0");
  }
  if (opt.bound && m.mode != TravelMode::Medoid) {
    throw InvalidInput(
        "bound=True needs a unit-to-unit travel matrix and no advisors (travel measured from "
        "each area's medoid unit, which the exact Hess model represents exactly); pass a "
        "travel model such as StraightLine(detour=1)");
  }
  const HardBounds hb = make_bounds(m, k, opt.bounds);
  if (hb.active) {  // counting and link-graph conflicts: proven at once, at any size
    const std::vector<std::string> conflict = simple_conflict(m, k, opt.bounds);
    if (!conflict.empty()) throw_conflict(k, conflict, /*proven=*/true);
  }
  std::vector<std::uint8_t> locked;
  std::vector<std::int32_t> start_plan;
  if (!opt.initial.empty()) {
    std::int64_t kk = k;
    start_plan = check_labels(m, opt.initial, kk, "initial plan");
    if (!opt.fixed.empty()) {
      if (static_cast<std::int64_t>(opt.fixed.size()) != m.n) {
        throw InvalidInput("fixed has " + std::to_string(opt.fixed.size()) + " entries; expected " +
                           std::to_string(m.n) + " (one per unit)");
      }
      locked = opt.fixed;
    }
    if (!hb.area_of.empty()) {  // area_of units start in their areas and stay there
      locked.resize(static_cast<std::size_t>(m.n), 0);
      for (std::int32_t i = 0; i < m.n; ++i) {
        if (hb.area_of[i] < 0) continue;
        if (locked[i] && start_plan[i] != hb.area_of[i]) {
          throw InvalidInput("unit " + m.id(i) +
                             " is fixed to its initial area, but area_of puts it in another");
        }
        start_plan[i] = hb.area_of[i];
        locked[i] = 1;
      }
    }
    start_plan = repair(m, k, std::move(start_plan), locked);
  } else if (!opt.fixed.empty()) {
    throw InvalidInput("fixed units need an initial plan (their labels come from it)");
  }
  if (!hb.area_of.empty()) {
    locked.resize(static_cast<std::size_t>(m.n), 0);
    for (std::int32_t i = 0; i < m.n; ++i) locked[i] |= hb.area_of[i] >= 0 ? 1 : 0;
  }

  const auto start_time = Clock::now();
  const bool has_deadline = std::isfinite(opt.time_limit_s);
  const auto deadline = deadline_after(opt.time_limit_s, start_time);
  const std::int64_t iterations =
      opt.iterations > 0 ? opt.iterations : std::max<std::int64_t>(2000, 50 * m.n);
  const bool trivial = (k == 1 || k == m.n) && !hb.active;
  Run run{m,
          k,
          opt.seed,
          trivial || !opt.anneal ? 0 : iterations,
          deadline,
          has_deadline,
          start_plan.empty() ? nullptr : &start_plan,
          locked.empty() ? nullptr : &locked,
          hb.active ? &hb : nullptr};

  DesignResult res;
  Outcome best = search(m, k, opt, run, res);
  const DesignOptions defaults;
  if (hb.active && (!best.valid || best.violation > 1e-9) &&
      (opt.starts < defaults.starts || !opt.anneal) && !run.late()) {
    // A light search (effort "fast") that found no plan within the bounds: the default
    // search is cheap next to the exact model, so it goes first.
    DesignOptions fuller = opt;
    fuller.starts = std::max(opt.starts, defaults.starts);
    fuller.anneal = true;
    Run deeper = run;
    deeper.iterations = trivial ? 0 : iterations;
    DesignResult again;
    const Outcome second = search(m, k, fuller, deeper, again);
    res.iterations += again.iterations;
    if (second.valid && (!best.valid || second.violation < best.violation)) best = second;
  }
  std::vector<std::int32_t> model_start;
  if (hb.active && (!best.valid || best.violation > 1e-9)) {
    if (m.n > kMaxBoundUnits) {
      throw InfeasibleBounds("area design: no plan found that honours every hard bound (" +
                                 std::to_string(m.n) +
                                 " units: too many for the exact model, "
                                 "so not proven infeasible)",
                             {}, /*proven=*/false);
    }
    model_start = feasible_start(m, k, hb, opt, deadline);
    run.start_plan = &model_start;
    DesignResult again;
    best = search(m, k, opt, run, again);
    res.iterations += again.iterations;
    if (!best.valid || best.violation > 1e-9) {
      throw Error("internal: the search lost the exact model's feasible plan");
    }
  }
  if (!best.valid) {
    throw Error("internal: no start of the area design produced a complete plan");
  }
  res.time_limit_reached = has_deadline && Clock::now() >= deadline;
  std::vector<std::int32_t> lab = best.labels;
  if (opt.bound) prove(m, k, hb, opt, lab, res);
  if (start_plan.empty() && hb.area_of.empty()) {  // canonical numbering: by lowest unit index
    std::vector<std::int32_t> remap(static_cast<std::size_t>(k), -1);
    std::int32_t next_label = 0;
    for (auto& l : lab) {
      if (remap[l] < 0) remap[l] = next_label++;
      l = remap[l];
    }
  }
  const State st(m, k, lab);
  res.labels.assign(lab.begin(), lab.end());
  res.objective = st.objective();
  res.imbalance = st.imbalance();
  res.travel_km = st.travel_km();
  res.compactness = st.compactness();
  res.links = m.links;
  return res;
}

}  // namespace detail

}  // namespace libmatch
