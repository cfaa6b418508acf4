// Hard bounds of the area design: validation, violations of a plan, and the irreducible
// conflicting set when they cannot all hold (counting, union-find, then a deletion filter over
// the exact model's feasibility).
#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <queue>

#include "deadline.hpp"
#include "design_model.hpp"
#include "format.hpp"
#include "libmatch/design.hpp"
#include "libmatch/error.hpp"

namespace libmatch {

bool DesignBounds::any() const {
  return demand_lo > 0.0 || std::isfinite(demand_hi) || std::isfinite(max_travel_km) ||
         min_units > 0 || max_units > 0 ||
         std::any_of(area_of.begin(), area_of.end(), [](std::int64_t a) { return a >= 0; }) ||
         !must_link.empty() || !cannot_link.empty();
}

std::string to_string(BoundStatus s) {
  switch (s) {
    case BoundStatus::None:
      return "none";
    case BoundStatus::Optimal:
      return "optimal";
    case BoundStatus::TimeLimit:
      return "time_limit";
    case BoundStatus::Gap:
      return "gap";
    case BoundStatus::TooLarge:
      return "too_large";
  }
  return "none";
}

namespace detail {

namespace {

std::string pair_name(const Model& m, const char* what, std::int32_t a, std::int32_t b) {
  return std::string(what) + " " + m.id(a) + " " + m.id(b);
}

std::string fixed_name(const Model& m, std::int32_t u, std::int32_t label) {
  return "area_of " + m.id(u) + " = " + std::to_string(label);
}

void check_pairs(const Model& m, const std::vector<std::pair<std::int64_t, std::int64_t>>& in,
                 const char* what, std::vector<std::pair<std::int32_t, std::int32_t>>& out) {
  for (std::size_t p = 0; p < in.size(); ++p) {
    auto [a, b] = in[p];
    if (a < 0 || b < 0 || a >= m.n || b >= m.n || a == b) {
      throw InvalidInput(std::string(what) + " pair " + std::to_string(p) + " (" +
                         std::to_string(a) + ", " + std::to_string(b) +
                         ") is invalid; unit indices must be distinct and in 0.." +
                         std::to_string(m.n - 1));
    }
    out.emplace_back(static_cast<std::int32_t>(std::min(a, b)),
                     static_cast<std::int32_t>(std::max(a, b)));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace

HardBounds make_bounds(const Model& m, std::int64_t k, const DesignBounds& b) {
  HardBounds hb;
  if (!(std::isfinite(b.demand_lo) && b.demand_lo >= 0.0)) {
    throw InvalidInput("demand_bounds lo must be finite and >= 0 (a fraction of the fair share)");
  }
  if (std::isnan(b.demand_hi) || b.demand_hi < b.demand_lo || !(b.demand_hi > 0.0)) {
    throw InvalidInput("demand_bounds hi must be > 0 and >= lo (a fraction of the fair share)");
  }
  if (std::isnan(b.max_travel_km) || !(b.max_travel_km > 0.0)) {
    throw InvalidInput("max_travel_km must be > 0 (or infinite)");
  }
  if (b.min_units < 0 || b.max_units < 0) {
    throw InvalidInput("min_units and max_units must be >= 0 (0 = no bound)");
  }
  if (b.max_units > 0 && b.min_units > b.max_units) {
    throw InvalidInput("min_units = " + std::to_string(b.min_units) +
                       " exceeds max_units = " + std::to_string(b.max_units));
  }
  hb.lo = b.demand_lo;
  hb.hi = b.demand_hi;
  hb.max_km = b.max_travel_km;
  hb.min_units = b.min_units;
  hb.max_units = b.max_units;
  if (!b.area_of.empty()) {
    if (static_cast<std::int64_t>(b.area_of.size()) != m.n) {
      throw InvalidInput("area_of has " + std::to_string(b.area_of.size()) + " entries; expected " +
                         std::to_string(m.n) + " (one per unit, -1 = free)");
    }
    bool any = false;
    hb.area_of.assign(static_cast<std::size_t>(m.n), -1);
    for (std::int64_t i = 0; i < m.n; ++i) {
      const std::int64_t a = b.area_of[i];
      if (a < -1 || a >= k) {
        throw InvalidInput("area_of of unit " + m.id(i) + " is " + std::to_string(a) +
                           "; expected -1 (free) or an area label in 0.." + std::to_string(k - 1));
      }
      hb.area_of[i] = static_cast<std::int32_t>(a);
      any = any || a >= 0;
    }
    if (!any) hb.area_of.clear();
  }
  check_pairs(m, b.must_link, "must_link", hb.must_pairs);
  check_pairs(m, b.cannot_link, "cannot_link", hb.cannot_pairs);
  // Fixed units are also pairs: same label must share, different labels must not.
  if (hb.has_links() || !hb.area_of.empty()) {
    hb.must.assign(static_cast<std::size_t>(m.n), {});
    hb.cannot.assign(static_cast<std::size_t>(m.n), {});
    for (auto [a, c] : hb.must_pairs) {
      hb.must[a].push_back(c);
      hb.must[c].push_back(a);
    }
    for (auto [a, c] : hb.cannot_pairs) {
      hb.cannot[a].push_back(c);
      hb.cannot[c].push_back(a);
    }
  }
  hb.active = b.any();
  return hb;
}

std::vector<std::string> violated_bounds(const Model& m, std::int64_t k, const HardBounds& hb,
                                         const std::vector<std::int32_t>& labels) {
  std::vector<std::string> out;
  if (!hb.active) return out;
  const State st(m, k, labels);
  for (std::int32_t r = 0; r < k; ++r) {
    const double C = st.area_capacity(r);
    const double F = m.mode == TravelMode::Advisors ? m.total_demand * C / m.total_capacity
                                                    : m.total_demand / static_cast<double>(k);
    const double D = st.area_demand(r);
    const double eps = 1e-9 * m.total_demand;
    const std::string area = ": area " + std::to_string(r);
    if (D < hb.lo * F - eps) out.push_back("demand_lo" + area);
    if (D > hb.hi * F + eps) out.push_back("demand_hi" + area);
    const auto size = static_cast<std::int64_t>(st.members(r).size());
    if (hb.min_units > 0 && size < hb.min_units) out.push_back("min_units" + area);
    if (hb.max_units > 0 && size > hb.max_units) out.push_back("max_units" + area);
  }
  if (std::isfinite(hb.max_km)) {
    for (std::int32_t i = 0; i < m.n; ++i) {
      if (st.unit_travel(i, false) > hb.max_km * (1.0 + 1e-12)) {
        out.push_back("max_travel_km: unit " + m.id(i));
      }
    }
  }
  for (std::int32_t i = 0; i < static_cast<std::int32_t>(hb.area_of.size()); ++i) {
    if (hb.area_of[i] >= 0 && labels[i] != hb.area_of[i]) {
      out.push_back(fixed_name(m, i, hb.area_of[i]));
    }
  }
  for (auto [a, b] : hb.must_pairs) {
    if (labels[a] != labels[b]) out.push_back(pair_name(m, "must_link", a, b));
  }
  for (auto [a, b] : hb.cannot_pairs) {
    if (labels[a] == labels[b]) out.push_back(pair_name(m, "cannot_link", a, b));
  }
  return out;
}

namespace {

// One bound that can be switched on or off in a DesignBounds.
struct Item {
  std::string name;
  std::function<void(DesignBounds&)> apply;
};

std::vector<Item> items_of(const Model& m, const DesignBounds& b) {
  std::vector<Item> items;
  if (b.demand_lo > 0.0) {
    items.push_back({"demand_lo", [lo = b.demand_lo](DesignBounds& x) { x.demand_lo = lo; }});
  }
  if (std::isfinite(b.demand_hi)) {
    items.push_back({"demand_hi", [hi = b.demand_hi](DesignBounds& x) { x.demand_hi = hi; }});
  }
  if (std::isfinite(b.max_travel_km)) {
    items.push_back(
        {"max_travel_km", [v = b.max_travel_km](DesignBounds& x) { x.max_travel_km = v; }});
  }
  if (b.min_units > 0) {
    items.push_back({"min_units", [v = b.min_units](DesignBounds& x) { x.min_units = v; }});
  }
  if (b.max_units > 0) {
    items.push_back({"max_units", [v = b.max_units](DesignBounds& x) { x.max_units = v; }});
  }
  for (std::size_t i = 0; i < b.area_of.size(); ++i) {
    if (b.area_of[i] < 0) continue;
    const auto u = static_cast<std::int32_t>(i);
    const auto a = b.area_of[i];
    items.push_back(
        {fixed_name(m, u, static_cast<std::int32_t>(a)), [u, a, n = m.n](DesignBounds& x) {
           if (x.area_of.empty()) x.area_of.assign(static_cast<std::size_t>(n), -1);
           x.area_of[u] = a;
         }});
  }
  for (const auto& pair : b.must_link) {
    const std::int64_t a = pair.first, c = pair.second;  // (clang 14: no captured bindings)
    const auto lo = static_cast<std::int32_t>(std::min(a, c));
    const auto hi = static_cast<std::int32_t>(std::max(a, c));
    items.push_back({pair_name(m, "must_link", lo, hi),
                     [pair](DesignBounds& x) { x.must_link.push_back(pair); }});
  }
  for (const auto& pair : b.cannot_link) {
    const std::int64_t a = pair.first, c = pair.second;  // (clang 14: no captured bindings)
    const auto lo = static_cast<std::int32_t>(std::min(a, c));
    const auto hi = static_cast<std::int32_t>(std::max(a, c));
    items.push_back({pair_name(m, "cannot_link", lo, hi),
                     [pair](DesignBounds& x) { x.cannot_link.push_back(pair); }});
  }
  return items;
}

// Conflicts that need no solver: one bound alone (counting), or must-link chains joining
// units that must be apart (cannot_link, or different fixed labels). Empty if none found.
std::vector<std::string> counting_conflict(const Model& m, std::int64_t k, const DesignBounds& b) {
  if (b.min_units > 0 && b.min_units * k > m.n) return {"min_units"};
  if (b.max_units > 0 && b.max_units * k < m.n) return {"max_units"};
  if (b.demand_lo > 1.0) return {"demand_lo"};
  if (b.demand_hi < 1.0) return {"demand_hi"};
  // Must-link graph; BFS paths between units that must be apart.
  const auto n = static_cast<std::size_t>(m.n);
  std::vector<std::vector<std::int32_t>> adj(n);
  for (auto [a, c] : b.must_link) {
    adj[a].push_back(static_cast<std::int32_t>(c));
    adj[c].push_back(static_cast<std::int32_t>(a));
  }
  auto path = [&](std::int32_t from, std::int32_t to) {
    std::vector<std::int32_t> prev(n, -2);
    std::queue<std::int32_t> q;
    q.push(from);
    prev[from] = -1;
    while (!q.empty()) {
      const std::int32_t v = q.front();
      q.pop();
      if (v == to) break;
      for (std::int32_t w : adj[v]) {
        if (prev[w] == -2) {
          prev[w] = v;
          q.push(w);
        }
      }
    }
    std::vector<std::string> names;
    if (prev[to] == -2) return names;
    for (std::int32_t v = to; prev[v] >= 0; v = prev[v]) {
      names.push_back(pair_name(m, "must_link", std::min(v, prev[v]), std::max(v, prev[v])));
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  std::vector<std::string> best;
  auto offer = [&](std::vector<std::string> c) {
    if (!c.empty() && (best.empty() || c.size() < best.size())) best = std::move(c);
  };
  for (auto [a, c] : b.cannot_link) {
    auto p = path(static_cast<std::int32_t>(a), static_cast<std::int32_t>(c));
    if (!p.empty() || a == c) {
      p.push_back(pair_name(m, "cannot_link", static_cast<std::int32_t>(std::min(a, c)),
                            static_cast<std::int32_t>(std::max(a, c))));
      offer(p);
    }
    if (!b.area_of.empty() && b.area_of[a] >= 0 && b.area_of[a] == b.area_of[c]) {
      offer({fixed_name(m, static_cast<std::int32_t>(a), static_cast<std::int32_t>(b.area_of[a])),
             fixed_name(m, static_cast<std::int32_t>(c), static_cast<std::int32_t>(b.area_of[c])),
             pair_name(m, "cannot_link", static_cast<std::int32_t>(std::min(a, c)),
                       static_cast<std::int32_t>(std::max(a, c)))});
    }
  }
  // Units that must share an area (a must-link chain, or fixed to the same area) span at least
  // their hop distance + 1 units of the contiguity graph: more than max_units cannot hold.
  if (b.max_units > 0) {
    std::vector<std::int32_t> hops(n);
    auto distances = [&](std::int32_t from) {  // BFS over the contiguity graph
      std::fill(hops.begin(), hops.end(), -1);
      std::queue<std::int32_t> q;
      q.push(from);
      hops[from] = 0;
      while (!q.empty()) {
        const std::int32_t v = q.front();
        q.pop();
        for (std::int64_t e = m.off[v]; e < m.off[v + 1]; ++e)
          if (hops[m.nb[e]] < 0) {
            hops[m.nb[e]] = hops[v] + 1;
            q.push(m.nb[e]);
          }
      }
    };
    std::vector<std::int32_t> linked;  // units with a must-link or a fixed area
    for (std::size_t i = 0; i < n; ++i)
      if (!adj[i].empty() || (!b.area_of.empty() && b.area_of[i] >= 0))
        linked.push_back(static_cast<std::int32_t>(i));
    if (linked.size() <= 400) {  // a quick test, not a search: at most 400 BFS
      for (std::size_t x = 0; x < linked.size(); ++x) {
        const std::int32_t a = linked[x];
        distances(a);
        for (std::size_t y = x + 1; y < linked.size(); ++y) {
          const std::int32_t c = linked[y];
          if (hops[c] >= 0 && hops[c] + 1 <= b.max_units) continue;
          std::vector<std::string> why;
          if (!b.area_of.empty() && b.area_of[a] >= 0 && b.area_of[a] == b.area_of[c]) {
            why = {fixed_name(m, a, static_cast<std::int32_t>(b.area_of[a])),
                   fixed_name(m, c, static_cast<std::int32_t>(b.area_of[c]))};
          } else {
            why = path(a, c);
          }
          if (why.empty()) continue;
          if (hops[c] >= 0) why.push_back("max_units");  // unreachable: the chain alone
          std::sort(why.begin(), why.end());
          offer(why);
        }
      }
    }
  }
  if (!b.area_of.empty() && !b.must_link.empty()) {
    std::vector<std::int32_t> fixed;
    for (std::size_t i = 0; i < n; ++i) {
      if (b.area_of[i] >= 0) fixed.push_back(static_cast<std::int32_t>(i));
    }
    for (std::size_t x = 0; x < fixed.size(); ++x) {
      for (std::size_t y = x + 1; y < fixed.size(); ++y) {
        const std::int32_t a = fixed[x], c = fixed[y];
        if (b.area_of[a] == b.area_of[c]) continue;
        auto p = path(a, c);
        if (p.empty()) continue;
        p.push_back(fixed_name(m, a, static_cast<std::int32_t>(b.area_of[a])));
        p.push_back(fixed_name(m, c, static_cast<std::int32_t>(b.area_of[c])));
        offer(p);
      }
    }
  }
  return best;
}

}  // namespace

std::vector<std::string> simple_conflict(const Model& m, std::int64_t k, const DesignBounds& b) {
  return counting_conflict(m, k, b);
}

std::vector<std::string> conflicting_bounds(const Model& m, std::int64_t k, const DesignBounds& b,
                                            double time_limit_s, bool& proven) {
  proven = true;
  if (auto simple = simple_conflict(m, k, b); !simple.empty()) return simple;
  const std::vector<Item> items = items_of(m, b);
  const auto end = deadline_after(time_limit_s);  // all the solves together
  auto feasible = [&](const std::vector<std::uint8_t>& on) {
    const double left =
        std::chrono::duration<double>(end - std::chrono::steady_clock::now()).count();
    if (!(left > 0)) {  // out of time: keep the bound (the set stays infeasible, maybe larger)
      proven = false;
      return true;
    }
    DesignBounds sub;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (on[i]) items[i].apply(sub);
    }
    const HardBounds hb = make_bounds(m, k, sub);
    MipGoal goal;
    goal.time_limit_s = left;
    const MipOutcome o = solve_design_mip(m, k, hb, goal, nullptr);
    if (o.kind == MipOutcome::Kind::Unknown) proven = false;
    return o.kind != MipOutcome::Kind::Infeasible;
  };
  std::vector<std::uint8_t> on(items.size(), 1);  // infeasible (the caller's proof)
  // Deletion filter: drop every bound whose removal leaves the rest infeasible.
  for (std::size_t i = 0; i < items.size(); ++i) {
    on[i] = 0;
    if (feasible(on)) on[i] = 1;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (on[i]) out.push_back(items[i].name);
  }
  return out;
}

}  // namespace detail

std::vector<std::string> check_bounds(const DesignProblem& problem,
                                      std::span<const std::int64_t> labels,
                                      const DesignBounds& bounds) {
  return PreparedDesign(problem).check_bounds(labels, bounds);
}

}  // namespace libmatch
