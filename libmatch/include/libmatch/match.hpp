#pragma once
// The weekly matching round: hard rules decide which advisors may take a request, soft costs
// rank them, and an exact min-cost transportation solve (flow.hpp) assigns every request to
// an advisor or escalates it with a reason.
//
// Determinism: requests and advisors are put in canonical order (by id) before anything is
// solved, and every tie is broken by that order, so permuting the input rows gives the same
// assignment (up to relabelling) whatever the thread count.
//
// Every request ends as exactly one of: assigned, escalated (reason), referred (referral).
//
// Multi-service pools, alternatives and positions: an advisor works for service_set(advisor)
// (model.hpp), its capacity in cases and hours shared across them; a request may be served
// under any service of service_set(request) that the advisor also works for, the round
// choosing (RequestOutcome::service; hours, price, slots and budgets of that service; equal
// costs go to the cheaper price, then fewer hours, then the smaller service id). A request
// with quantity q is q solver rows with "at most one of them per advisor" (capacity-1 rows
// over their arcs, only where an advisor has room for two); the min-cost flow alone solves
// the round whenever its optimum already keeps them. "Assigned" means at least one match;
// RequestOutcome::open_positions counts the rest. A request is referred only when every
// alternative is (rules a-b, with the reason of Request::service); referred alternatives
// are dropped.
// Outcomes are decided in this order (the first that applies wins):
//   referred (RequestOutcome::referral, advisor -1, reason None):
//   a. out_of_scope               the catalogue marks the service referral_only;
//   b. not_in_module              the service has offered_in and the primary location lies in
//                                 none of those areas (of service_areas, else of areas);
//   escalated, before the solve (the via_advisor_only services skip 1 and clash in 2 only
//   with each other, on equal service and via_case):
//   1. already_in_guidance        the applicant_key equals that of a running case, or a
//                                 location lies within duplicate_tolerance_m of a running
//                                 case's location; not when current_advisor is that case's
//                                 advisor (a reassignment of that very case). running_case:
//                                 key matches first, then the closest location;
//   2. duplicate_request          the same applicant_key as an earlier request, or a location
//                                 within duplicate_tolerance_m of a location of an earlier
//                                 request (later `registered` day, else larger id); referred
//                                 requests clash with nobody;
//   3. no_open_case               a via_advisor_only service whose via_case is neither the
//                                 key of a running case nor the applicant_key of another
//                                 request of this round (not referred, not via_advisor_only);
//   4. pinned_advisor_unavailable pinned, but current_advisor is missing, fails a hard rule
//                                 or has no room left for the pinned cases;
//   then over the advisor pool, narrowing it rule by rule:
//   5. no_advisor_for_service     nobody works for the request's service;
//   6. no_expertise               ... nobody of them covers the needed tags;
//   7. all_excluded               ... all of those are excluded (conflict of interest);
//   8. all_out_of_radius          ... all of those are beyond their radius (or travel cap);
//   9. no_capacity                ... all of those are full, or their room went to requests
//                                 that the optimum preferred (priority, cost).
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "libmatch/areas.hpp"
#include "libmatch/export.hpp"
#include "libmatch/flow.hpp"  // SolveStatus
#include "libmatch/model.hpp"
#include "libmatch/outcome.hpp"
#include "libmatch/travel.hpp"

namespace libmatch {

struct RoundInput {
  std::vector<Request> requests;
  std::vector<Advisor> advisors;
  const AreaSet* areas = nullptr;       ///< orientation areas; null = no area costs
  const TravelModel* travel = nullptr;  ///< null = StraightLine() (x1.3 at 60 km/h)
  /// Optional precomputed travel from advisor bases (origin = advisor index) to primary
  /// locations (destination = request index). Must contain every pair the rules can use
  /// (all pairs within each advisor's radius and max_travel_minutes); absent pairs count as
  /// out of reach. null = computed with `travel`.
  const TravelPairs* travel_pairs = nullptr;
  Weights weights;
  RuleOptions rules;
  // ---- programme model ----------------------------------------------------------------
  /// Service catalogue indexed by interned service id; empty = no catalogue (Service{} for
  /// all). When given it must cover every service used by requests, advisors and running.
  std::vector<Service> services;
  /// Money available in this round over all services, EUR; infinity = unlimited.
  double budget_eur = std::numeric_limits<double>::infinity();
  /// Membership layer for Service::offered_in (e.g. municipalities); null = use `areas`.
  const AreaSet* service_areas = nullptr;
  /// Register of running cases (already_in_guidance, via_case).
  std::vector<RunningCase> running;
};

/// Outcome per request (RoundResult::requests, in input order).
struct RequestOutcome {
  std::int64_t advisor = -1;  ///< advisor index, -1 when escalated
  Escalation reason = Escalation::None;
  std::int64_t duplicate_of = -1;  ///< for duplicate_request: the request kept
  bool pinned = false;             ///< kept its pinned current_advisor
  CostParts cost;                  ///< components of the assignment (advisor >= 0)
  double minutes = 0.0;            ///< travel minutes / km to the chosen advisor
  double km = 0.0;
  /// Escalated requests other than duplicates: advisors passing each hard rule in turn
  /// (service, expertise, not excluded, radius, free capacity before the round), the
  /// funnel behind the reason. Zero for everything else.
  std::int64_t funnel[5] = {0, 0, 0, 0, 0};
  // ---- programme model ----------------------------------------------------------------
  Referral referral = Referral::None;  ///< referred elsewhere (then advisor = -1, reason None)
  double hours = 0.0;     ///< effort of the assigned case, hours (incl. travel_in_hours)
  double cost_eur = 0.0;  ///< price of the assigned case, EUR
  /// already_in_guidance: index into RoundInput::running of the running case; else -1.
  std::int64_t running_case = -1;
  /// budget_exhausted: EUR missing to pay the case from the money left; else 0.
  double missing_eur = 0.0;
  // ---- multi-service pools, alternatives, positions ------------------------------------
  /// The service the (first) match is served under (one of service_set(request)); -1 when
  /// not assigned.
  std::int32_t service = -1;
  /// Positions of Request::quantity left unfilled. With some matches (advisor >= 0) the
  /// open positions are an escalation of their own (Escalation::UnfilledPosition in the
  /// Python tables); with none the request is escalated with `reason` as usual.
  std::int64_t open_positions = 0;
};

/// A further match of a request with quantity > 1 (RoundResult::positions): position 2, 3,
/// ...; position 1 is the RequestOutcome itself. A request's matches are numbered by pair
/// cost (without load), then canonical advisor order.
struct PositionMatch {
  std::int64_t request = 0;   ///< request index
  std::int64_t position = 2;  ///< 2, 3, ... <= quantity
  std::int64_t advisor = 0;   ///< advisor index, never one of the request's other matches
  std::int32_t service = 0;   ///< service the position is served under
  CostParts cost;             ///< load = marginal cost of the advisor's last new case
  double minutes = 0.0;
  double km = 0.0;
  double hours = 0.0;     ///< effort of the case, hours
  double cost_eur = 0.0;  ///< price of the case, EUR
};

/// A runner-up for an assigned request (RoundResult::alternatives).
struct Alternative {
  std::int64_t request = 0;  ///< request index
  std::int64_t advisor = 0;  ///< advisor index
  std::int64_t rank = 0;     ///< 2, 3, ... (rank 1 is the chosen advisor)
  CostParts cost;            ///< load = marginal cost of one more case on that advisor
  std::int64_t delta = 0;    ///< cost.total() - chosen total (>= 0 unless !has_room)
  bool has_room = false;     ///< the advisor still has free capacity after the round
  double minutes = 0.0;
  double km = 0.0;
  std::int32_t service = 0;  ///< service the advisor would serve the request under
};

/// Per advisor (RoundResult::advisors, in input order).
struct AdvisorLoad {
  std::int64_t capacity = 0;
  std::int64_t caseload_before = 0;
  std::int64_t assigned = 0;  ///< new cases this round (incl. pinned)
  std::int64_t caseload_after = 0;
  std::int64_t load_cost = 0;  ///< sum of marginal load costs of the new cases
  double hours_capacity = std::numeric_limits<double>::infinity();  ///< Advisor::capacity_hours
  double hours_before = 0.0;                                        ///< Advisor::hours_booked
  double hours_after = 0.0;  ///< hours_before + hours of the new cases
};

/// Result of a round. Load costs are marginal: a request assigned to advisor j reports the
/// marginal cost of j's last new case (what removing it would save); an alternative reports
/// the marginal cost of one more case on that advisor (what moving there would add). With
/// that convention the chosen advisor's total is never above that of an eligible advisor that
/// still has room (optimality), so it ranks first among those.
struct RoundResult {
  std::vector<RequestOutcome> requests;
  std::vector<Alternative> alternatives;  ///< by request id (canonical order), then rank
  std::vector<AdvisorLoad> advisors;
  /// Sum over assigned requests of their costs without load, plus every advisor's load_cost,
  /// plus the unassigned cost of every escalated request that is neither decided before the
  /// solve (reasons 1-3 above) nor a pinned one (units): the value the solver minimised, plus
  /// the fixed pinned cases. Referred requests add nothing.
  std::int64_t objective = 0;
  std::int64_t unassigned_base = 0;  ///< resolved Weights::unassigned_base (units)
  /// Arcs handed to the solver: eligible (request position, advisor, shared service)
  /// triples; the eligible (request, advisor) pairs without alternatives and positions.
  std::int64_t candidate_pairs = 0;
  std::int64_t assigned = 0;  ///< requests with at least one match
  std::int64_t escalated = 0;
  // ---- programme model ----------------------------------------------------------------
  std::int64_t referred = 0;                  ///< assigned + escalated + referred = requests.size()
  SolveStatus status = SolveStatus::Optimal;  ///< TimeLimit only for a capped MIP solve
  /// Proven lower bound on `objective` (units); equal to it when optimal.
  double bound = 0.0;
  /// (objective - bound) / max(1, |objective|); 0 when optimal.
  double gap = 0.0;
  double spend_eur = 0.0;  ///< total price of the new cases, EUR
  /// EUR per interned service: services.size() entries, or without a catalogue 1 + the
  /// largest service id of requests, advisors and running cases (none beyond 2^16).
  std::vector<double> spend_by_service;
  std::vector<std::int64_t> slots_used;  ///< new cases per interned service
  /// Positions 2, 3, ... of requests with quantity > 1, by canonical request, then position.
  std::vector<PositionMatch> positions;
};

/// Runs one round. Throws InvalidInput (naming the id) for quantity outside [1, 100000] or
/// pinned with quantity > 1, UnknownId for a service of service_set() not in the catalogue,
/// InvalidInput for duplicate ids, negative capacity,
/// caseload outside [0, capacity], non-finite coordinates, a request without locations,
/// advisor/area indices out of range, negative radius; Overflow when costs cannot fit int64.
/// Empty requests or advisors give an empty (or all-escalated) result.
LIBMATCH_EXPORT RoundResult run_round(const RoundInput& input);

/// One advisor's verdict for one request (explain()).
struct ExplainRow {
  std::int64_t advisor = 0;
  Verdict verdict = Verdict::Eligible;
  bool chosen = false;    ///< one of the request's matches (any position)
  bool has_room = false;  ///< free capacity after the round (the chosen one: true)
  std::int64_t rank =
      0;           ///< 1 = best among eligible (ties: chosen first, then id); 0 = not eligible
  CostParts cost;  ///< eligible only; load as in RoundResult
  double minutes = std::numeric_limits<double>::quiet_NaN();  ///< travel, NaN if unreachable
  double km = std::numeric_limits<double>::quiet_NaN();
  // ---- programme model ----------------------------------------------------------------
  /// Effort the case would take with this advisor (hours, incl. travel_in_hours); NaN
  /// when the advisor is unreachable.
  double hours_needed = std::numeric_limits<double>::quiet_NaN();
  /// Advisor's free hours after the round (capacity_hours - hours_after; the chosen
  /// advisor: before its own case); infinity = no hour limit.
  double hours_free = std::numeric_limits<double>::infinity();
  double cost_eur = 0.0;  ///< what the case would cost (the request's price), EUR
  /// The service this advisor would serve the request under (the chosen one for a match;
  /// else the first shared service by price, hours, service id); -1 = none shared.
  std::int32_t service = -1;
};

/// Every advisor of the pool (in input order) with its verdict for request `request`
/// (index into input.requests), given the round's result. `input` must be the one the
/// result came from. Throws UnknownId when the index is out of range.
LIBMATCH_EXPORT std::vector<ExplainRow> explain(const RoundInput& input, const RoundResult& result,
                                                std::int64_t request);

}  // namespace libmatch
