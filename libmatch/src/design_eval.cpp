// evaluate_plan: per-area report of a given plan, on the same objective design_areas uses.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "design_model.hpp"
#include "libmatch/design.hpp"
#include "libmatch/error.hpp"

namespace libmatch {

IslandRule parse_island_rule(const std::string& name) {
  if (name == "error") return IslandRule::Error;
  if (name == "attach") return IslandRule::Attach;
  throw InvalidInput("islands must be 'error' or 'attach' (got '" + name + "')");
}

namespace detail {

/// Checks labels (0..k-1, all used) and returns them as int32 with k.
std::vector<std::int32_t> check_labels(const Model& m, std::span<const std::int64_t> labels,
                                       std::int64_t& k, const char* what) {
  if (static_cast<std::int64_t>(labels.size()) != m.n) {
    throw InvalidInput(std::string(what) + " has " + std::to_string(labels.size()) +
                       " entries; expected " + std::to_string(m.n) + " (one per unit)");
  }
  std::int64_t max_label = -1;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= m.n) {
      throw InvalidInput(std::string(what) + " of unit " + m.id(static_cast<std::int64_t>(i)) +
                         " is " + std::to_string(labels[i]) + "; labels must be in 0.." +
                         std::to_string(m.n - 1));
    }
    max_label = std::max(max_label, labels[i]);
  }
  if (k <= 0) k = max_label + 1;
  if (max_label >= k) {
    throw InvalidInput(std::string(what) + " uses label " + std::to_string(max_label) +
                       " but k = " + std::to_string(k) + "; labels must be in 0..k-1");
  }
  std::vector<std::int64_t> count(static_cast<std::size_t>(k), 0);
  for (std::int64_t l : labels) ++count[static_cast<std::size_t>(l)];
  for (std::int64_t r = 0; r < k; ++r) {
    if (count[static_cast<std::size_t>(r)] == 0) {
      throw InvalidInput(std::string(what) + ": area " + std::to_string(r) +
                         " has no units; labels must be 0..k-1 with every label used");
    }
  }
  return {labels.begin(), labels.end()};
}

PlanEvaluation evaluate_model(const Model& m, std::span<const std::int64_t> labels) {
  std::int64_t k = 0;
  const std::vector<std::int32_t> lab = check_labels(m, labels, k, "labels");
  const State st(m, k, lab);
  const auto K = static_cast<std::size_t>(k);
  const auto n = static_cast<std::size_t>(m.n);
  const double nan = std::numeric_limits<double>::quiet_NaN();

  PlanEvaluation ev;
  ev.units.assign(K, 0);
  ev.advisors.assign(K, 0);
  ev.demand.assign(K, 0.0);
  ev.capacity.assign(K, 0.0);
  ev.load_ratio.assign(K, 0.0);
  ev.mean_travel_km.assign(K, 0.0);
  ev.max_travel_km.assign(K, 0.0);
  ev.mean_travel_minutes.assign(K, nan);
  ev.max_travel_minutes.assign(K, nan);
  ev.area_m2.assign(K, 0.0);
  ev.perimeter_m.assign(K, 0.0);
  ev.polsby_popper.assign(K, 0.0);
  ev.unit_travel_km.assign(n, 0.0);
  ev.unit_travel_minutes.assign(n, nan);
  ev.links = m.links;

  const bool has_min = !m.tt_min.empty();
  for (std::size_t i = 0; i < n; ++i) {
    ev.unit_travel_km[i] = st.unit_travel(static_cast<std::int32_t>(i), false);
    if (has_min) ev.unit_travel_minutes[i] = st.unit_travel(static_cast<std::int32_t>(i), true);
  }
  for (std::int32_t r = 0; r < k; ++r) {
    const auto& mem = st.members(r);
    const double D = st.area_demand(r);
    double wk = 0.0, wm = 0.0, uk = 0.0, um = 0.0, mk = 0.0, mm = 0.0;
    std::int64_t adv = 0;
    for (std::int32_t i : mem) {
      wk += m.d[i] * ev.unit_travel_km[i];
      uk += ev.unit_travel_km[i];
      mk = std::max(mk, ev.unit_travel_km[i]);
      if (has_min) {
        wm += m.d[i] * ev.unit_travel_minutes[i];
        um += ev.unit_travel_minutes[i];
        mm = std::max(mm, ev.unit_travel_minutes[i]);
      }
      adv += m.advisors_in_unit[i];
    }
    const auto cnt = static_cast<double>(mem.size());
    ev.units[r] = static_cast<std::int64_t>(mem.size());
    ev.advisors[r] = adv;
    ev.demand[r] = D;
    ev.capacity[r] = st.area_capacity(r);
    ev.load_ratio[r] = ev.capacity[r] > 0.0
                           ? D / ev.capacity[r]
                           : (D > 0.0 ? std::numeric_limits<double>::infinity() : 0.0);
    ev.mean_travel_km[r] = D > 0.0 ? wk / D : uk / cnt;
    ev.max_travel_km[r] = mk;
    if (has_min) {
      ev.mean_travel_minutes[r] = D > 0.0 ? wm / D : um / cnt;
      ev.max_travel_minutes[r] = mm;
    }
    ev.area_m2[r] = st.area_m2(r);
    ev.perimeter_m[r] = st.area_perimeter(r);
    const double P = ev.perimeter_m[r];
    ev.polsby_popper[r] = P > 0.0 ? 4.0 * std::numbers::pi * ev.area_m2[r] / (P * P) : 0.0;
  }
  ev.parts = area_pieces(m, lab, k, /*with_links=*/false);
  const std::vector<std::int64_t> linked = area_pieces(m, lab, k, /*with_links=*/true);
  ev.contiguous.assign(K, 0);
  for (std::size_t r = 0; r < K; ++r) ev.contiguous[r] = linked[r] == 1 ? 1 : 0;
  ev.summary.all_contiguous = std::all_of(ev.contiguous.begin(), ev.contiguous.end(),
                                          [](std::uint8_t c) { return c != 0; });
  ev.summary.objective = st.objective();
  ev.summary.imbalance = st.imbalance();
  ev.summary.travel_km = st.travel_km();
  ev.summary.compactness = st.compactness();
  ev.summary.reference_km = st.reference_km();
  for (std::size_t i = 0; i < n; ++i) {
    ev.summary.total_travel_km += m.d[i] * ev.unit_travel_km[i];
    ev.summary.max_travel_km = std::max(ev.summary.max_travel_km, ev.unit_travel_km[i]);
  }
  return ev;
}

}  // namespace detail

PlanEvaluation evaluate_plan(const DesignProblem& problem, std::span<const std::int64_t> labels) {
  return PreparedDesign(problem).evaluate(labels);
}

}  // namespace libmatch
