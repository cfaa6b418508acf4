#pragma once
// Pair-level rules and costs of the matching round (match.hpp), exposed so tests, custom
// pipelines and simulations can score a (request, advisor) pair exactly as a round does.
//
// Integer costs: every cost is in units of 1/kCostScale point (model.hpp); conversion rounds
// to nearest and throws Overflow beyond kMaxCostUnits so sums over a round fit in int64.
#include <cstdint>
#include <span>
#include <vector>

#include "libmatch/export.hpp"
#include "libmatch/model.hpp"
#include "libmatch/outcome.hpp"

namespace libmatch {

/// Largest single cost (units) accepted: 2^50, so a million of them still fit in int64.
inline constexpr std::int64_t kMaxCostUnits = std::int64_t{1} << 50;

/// Points -> integer units (round to nearest). Throws Overflow when not finite, negative
/// or above kMaxCostUnits; `what` names the quantity in the message.
LIBMATCH_EXPORT std::int64_t to_units(double points, const char* what);

/// Expertise tags as a bitset: bit t set = tag t present. Empty span = no tags.
using TagBits = std::span<const std::uint64_t>;
/// Sets the bits of `tags` (each >= 0) in `out`, which must hold words_for(max tag).
LIBMATCH_EXPORT void set_tag_bits(std::span<const std::int32_t> tags, std::span<std::uint64_t> out);
/// Needed tags the advisor lacks: popcount(needs & ~expertise).
LIBMATCH_EXPORT std::int64_t missing_tags(TagBits needs, TagBits expertise);
/// Needed tags the advisor has: popcount(needs & expertise).
LIBMATCH_EXPORT std::int64_t matching_tags(TagBits needs, TagBits expertise);

/// The static part of a pair, prepared once per round.
struct PairFacts {
  bool same_service = false;
  std::int64_t needed = 0;     ///< number of needed tags
  std::int64_t missing = 0;    ///< needed tags the advisor lacks
  bool excluded = false;       ///< advisor is in the request's exclude list
  bool current = false;        ///< advisor is the request's current_advisor
  bool has_current = false;    ///< the request has a current_advisor in the pool
  bool outside_area = false;   ///< primary location outside all of the advisor's areas
  bool free_capacity = false;  ///< caseload < capacity before the round
  double minutes = 0.0;        ///< travel; NaN = unreachable
  double km = 0.0;
};

/// First failing hard rule (service, expertise, excluded, radius, capacity) or Eligible.
LIBMATCH_EXPORT Verdict hard_verdict(const PairFacts& pair, const Advisor& advisor,
                                     const RuleOptions& rules);

/// True when travel is within the advisor's radius (both radius_km and radius_minutes).
LIBMATCH_EXPORT bool within_radius(double minutes, double km, const Advisor& advisor);

/// Cost components of an eligible pair except `load` (left 0), in units.
LIBMATCH_EXPORT CostParts pair_cost(const PairFacts& pair, const Advisor& advisor,
                                    const Weights& weights, const RuleOptions& rules);

/// Marginal load cost (units) of the case that brings an advisor of `capacity` to
/// `caseload_after` cases: load * (caseload_after / capacity)^2 points. 0 when capacity <= 0.
/// Non-decreasing in caseload_after (so the load cost per advisor is convex).
LIBMATCH_EXPORT std::int64_t load_marginal(const Weights& weights, std::int64_t caseload_after,
                                           std::int64_t capacity);

/// Unassigned cost (units) of a request: base_units + unassigned_per_priority * max(priority, 0).
LIBMATCH_EXPORT std::int64_t unassigned_cost(const Weights& weights, std::int64_t base_units,
                                             std::int64_t priority);

/// Checks weights and rule options (finite, >= 0, ...); throws InvalidInput naming the field.
LIBMATCH_EXPORT void validate(const Weights& weights, const RuleOptions& rules);

}  // namespace libmatch
