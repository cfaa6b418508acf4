#include "libmatch/scoring.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "format.hpp"
#include "libmatch/error.hpp"

namespace libmatch {

std::int64_t to_units(double points, const char* what) {
  double u = std::nearbyint(points * static_cast<double>(kCostScale));
  if (!std::isfinite(u) || u < 0.0 || u > static_cast<double>(kMaxCostUnits))
    // the value is not shown: it is made of input cells (minutes, priorities, ...)
    throw Overflow(std::string("cost '") + what + "' is outside [0, " +
                   std::to_string(kMaxCostUnits / kCostScale) +
                   "] points (too large, negative or not a number)");
  return static_cast<std::int64_t>(u);
}

void set_tag_bits(std::span<const std::int32_t> tags, std::span<std::uint64_t> out) {
  for (auto t : tags) {
    auto w = static_cast<std::size_t>(t) >> 6;
    if (t < 0 || w >= out.size())
      throw InvalidInput("expertise tag " + std::to_string(t) + " out of range [0, " +
                         std::to_string(out.size() * 64) + ")");
    out[w] |= std::uint64_t{1} << (t & 63);
  }
}

std::int64_t missing_tags(TagBits needs, TagBits expertise) {
  std::int64_t n = 0;
  for (std::size_t w = 0; w < needs.size(); ++w) {
    std::uint64_t e = w < expertise.size() ? expertise[w] : 0;
    n += std::popcount(needs[w] & ~e);
  }
  return n;
}

std::int64_t matching_tags(TagBits needs, TagBits expertise) {
  std::int64_t n = 0;
  for (std::size_t w = 0; w < std::min(needs.size(), expertise.size()); ++w)
    n += std::popcount(needs[w] & expertise[w]);
  return n;
}

bool within_radius(double minutes, double km, const Advisor& advisor) {
  // NaN (unreachable) compares false, hence outside.
  return minutes <= advisor.radius_minutes && km <= advisor.radius_km;
}

Verdict hard_verdict(const PairFacts& pair, const Advisor& advisor, const RuleOptions& rules) {
  if (!pair.same_service) return Verdict::Service;
  if (pair.missing > 0) {
    bool partial_ok = rules.allow_partial_expertise && pair.missing < pair.needed;
    if (!partial_ok) return Verdict::Expertise;
  }
  if (pair.excluded) return Verdict::Excluded;
  if (!(pair.minutes <= rules.max_travel_minutes)) return Verdict::Radius;
  if (rules.radius_hard && !within_radius(pair.minutes, pair.km, advisor)) return Verdict::Radius;
  if (!pair.free_capacity) return Verdict::Capacity;
  return Verdict::Eligible;
}

CostParts pair_cost(const PairFacts& pair, const Advisor& advisor, const Weights& weights,
                    const RuleOptions& rules) {
  CostParts c;
  c.travel = to_units(weights.travel_per_minute * pair.minutes, "travel");
  if (pair.outside_area) c.outside_area = to_units(weights.outside_area, "outside_area");
  if (pair.missing > 0)
    c.partial_expertise = to_units(
        weights.partial_expertise_per_tag * static_cast<double>(pair.missing), "partial_expertise");
  if (!rules.radius_hard && !within_radius(pair.minutes, pair.km, advisor)) {
    double over_min = std::max(0.0, pair.minutes - advisor.radius_minutes);
    double over_km = std::max(0.0, pair.km - advisor.radius_km);
    c.radius = to_units(weights.radius_penalty + weights.radius_penalty_per_minute * over_min +
                            weights.radius_penalty_per_km * over_km,
                        "radius");
  }
  if (pair.has_current && !pair.current) c.continuity = to_units(weights.continuity, "continuity");
  return c;
}

std::int64_t load_marginal(const Weights& weights, std::int64_t caseload_after,
                           std::int64_t capacity) {
  if (capacity <= 0 || weights.load == 0.0) return 0;
  double u = static_cast<double>(caseload_after) / static_cast<double>(capacity);
  return to_units(weights.load * u * u, "load");
}

std::int64_t unassigned_cost(const Weights& weights, std::int64_t base_units,
                             std::int64_t priority) {
  double p = static_cast<double>(std::max<std::int64_t>(priority, 0));
  std::int64_t extra = to_units(weights.unassigned_per_priority * p, "unassigned_per_priority");
  if (extra > kMaxCostUnits - base_units)
    throw Overflow("unassigned cost of priority " + std::to_string(priority) + " exceeds " +
                   std::to_string(kMaxCostUnits / kCostScale) + " points");
  return base_units + extra;
}

void validate(const Weights& w, const RuleOptions& r) {
  auto check = [](double v, const char* name) {
    if (!std::isfinite(v) || v < 0.0)
      throw InvalidInput(std::string("weight '") + name + "' = " + detail::format_number(v) +
                         " must be finite and >= 0");
  };
  check(w.travel_per_minute, "travel_per_minute");
  check(w.outside_area, "outside_area");
  check(w.partial_expertise_per_tag, "partial_expertise_per_tag");
  check(w.load, "load");
  check(w.continuity, "continuity");
  check(w.radius_penalty, "radius_penalty");
  check(w.radius_penalty_per_minute, "radius_penalty_per_minute");
  check(w.radius_penalty_per_km, "radius_penalty_per_km");
  check(w.unassigned_per_priority, "unassigned_per_priority");
  if (!std::isfinite(w.unassigned_base))
    throw InvalidInput("weight 'unassigned_base' must be finite (< 0 = automatic)");
  if (std::isnan(r.duplicate_tolerance_m) || r.duplicate_tolerance_m < 0.0)
    throw InvalidInput("rule 'duplicate_tolerance_m' must be >= 0 m (0 = no duplicate check)");
  if (r.threads < 0) throw InvalidInput("rule 'threads' must be >= 0 (0 = all cores)");
  if (std::isnan(r.max_travel_minutes) || r.max_travel_minutes < 0.0)
    throw InvalidInput("rule 'max_travel_minutes' must be >= 0 (infinity = no cap)");
  if (r.alternatives < 0) throw InvalidInput("rule 'alternatives' must be >= 0");
}

}  // namespace libmatch
