#pragma once
// Result vocabulary of a matching round, shared by the pair rules (scoring.hpp), the round
// (match.hpp) and the simulation (simulate.hpp): why a request was escalated, why an advisor
// is not eligible, and the integer cost components of a pair (kCostScale units per point).
#include <cstdint>

#include "libmatch/export.hpp"

namespace libmatch {

enum class Escalation : std::int8_t {
  None = 0,
  NoAdvisorForService,
  NoExpertise,
  AllExcluded,
  AllOutOfRadius,
  NoCapacity,
  DuplicateRequest,
  PinnedAdvisorUnavailable,
  // Programme model (catalogue, hours, money, slots; register of running cases).
  NoHours,              ///< eligible advisors exist, none has the free hours
  SlotsExhausted,       ///< the service's max_cases are used up
  BudgetExhausted,      ///< the round's or the service's budget_eur cannot pay the case
  ReservedForPriority,  ///< the remaining slots are reserved for higher priority
  AlreadyInGuidance,    ///< the applicant (key or location) has a running case
  NoOpenCase,           ///< a via_advisor_only service without a running case (via_case)
  UnfilledPosition,     ///< a request with quantity > 1 got fewer matches than positions
};
/// "no_advisor_for_service", ..., "" for None.
LIBMATCH_EXPORT const char* to_string(Escalation reason);

/// Why a request was referred elsewhere (a third outcome next to assigned and escalated).
enum class Referral : std::int8_t {
  None = 0,
  OutOfScope,   ///< the catalogue marks the service referral_only
  NotInModule,  ///< the primary location lies outside the areas where the service is offered
};
/// "out_of_scope", "not_in_module", "" for None.
LIBMATCH_EXPORT const char* to_string(Referral reason);

/// Verdict of one advisor for one request: the first hard rule that fails, in this order.
enum class Verdict : std::int8_t {
  Eligible = 0,
  Service,    ///< other service
  Expertise,  ///< lacks a needed tag (or all of them, with partial expertise allowed)
  Excluded,   ///< conflict of interest
  Radius,     ///< beyond radius_km / radius_minutes (hard radius) or max_travel_minutes
  Capacity,   ///< no free capacity before the round (caseload >= capacity)
};
/// "eligible", "service", "expertise", "excluded", "radius", "capacity".
LIBMATCH_EXPORT const char* to_string(Verdict verdict);

/// Cost components of one (request, advisor) pair in integer units (kCostScale per point).
struct CostParts {
  std::int64_t travel = 0;
  std::int64_t outside_area = 0;
  std::int64_t partial_expertise = 0;
  std::int64_t radius = 0;  ///< soft radius penalty
  std::int64_t continuity = 0;
  std::int64_t load = 0;  ///< marginal load cost (see RoundResult notes)
  std::int64_t total() const {
    return travel + outside_area + partial_expertise + radius + continuity + load;
  }
};

}  // namespace libmatch
