#pragma once
// The rules that decide a request's outcome before the solve (Round::run in match.cpp calls
// them first): referrals (out_of_scope, not_in_module), the register of running cases
// (already_in_guidance), duplicates inside the week (by location and by applicant key) and
// specialists without an open case (no_open_case). The order is documented in match.hpp.
#include <cstdint>
#include <span>
#include <vector>

#include "libmatch/export.hpp"
#include "libmatch/match.hpp"
#include "libmatch/outcome.hpp"

namespace libmatch::detail {

/// What the pre-solve rules decided for one request. A decided request leaves the round:
/// either referred (referral set, reason None) or escalated (reason set).
struct EarlyOutcome {
  Referral referral = Referral::None;
  Escalation reason = Escalation::None;  ///< AlreadyInGuidance, DuplicateRequest, NoOpenCase
  std::int64_t duplicate_of = -1;        ///< DuplicateRequest: the request kept
  std::int64_t running_case = -1;        ///< AlreadyInGuidance: index into in.running
  /// Not referred: the request's alternatives (service_set) that are neither referral_only
  /// nor outside their offered_in areas, sorted. A request is referred only when none is
  /// left (with the reason of its first service, Request::service).
  std::vector<std::int32_t> services;
  bool decided() const { return referral != Referral::None || reason != Escalation::None; }
};

/// Checks what the rules read beyond validate_input: catalogue indices of requests and
/// running cases, offered_in indices (and that a layer exists for them), running case
/// locations (both coordinates finite, or both NaN). Throws InvalidInput / UnknownId naming
/// the service number or running case row, never a key.
LIBMATCH_EXPORT void validate_round_rules(const RoundInput& in);

/// Outcome per request (input order). `req_rank`: canonical position (by id) of each
/// request, orders ties; `req_area`: area of each primary location in in.areas (-1 outside),
/// read for offered_in when in.service_areas is null (otherwise the primary locations are
/// located in in.service_areas, one batch). O(n log n + locations + close pairs).
LIBMATCH_EXPORT std::vector<EarlyOutcome> decide_before_solve(
    const RoundInput& in, std::span<const std::int64_t> req_rank,
    std::span<const std::int64_t> req_area);

}  // namespace libmatch::detail
