#pragma once
// The domain model of a matching round: requests (aanvragen), advisors (begeleiders),
// cost weights and rule switches. Plain structs with dense indices and interned ints so a
// simulation can build them once and re-run rounds without parsing strings.
//
// Conventions
// - Coordinates are projected metres in the working CRS (default EPSG:28992).
// - Services and expertise tags are small ints from a Vocabulary (or any dense numbering
//   the caller keeps stable); only equality matters.
// - Advisor references (exclude, current_advisor) are indices into RoundInput::advisors.
// - Orientation areas are indices into the AreaSet passed as RoundInput::areas.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "libmatch/areas.hpp"
#include "libmatch/export.hpp"

namespace libmatch {

/// Interns strings (service names, expertise tags) as dense ints 0, 1, 2, ...
/// in first-seen order. Call intern() in a canonical (e.g. sorted) order for results that
/// do not depend on input row order.
class LIBMATCH_EXPORT Vocabulary {
 public:
  std::int32_t intern(std::string_view name);
  /// -1 when unknown.
  std::int32_t find(std::string_view name) const;
  const std::string& name(std::int32_t id) const;  // UnknownId when out of range
  std::size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::int32_t> index_;
};

/// Splits "a; b;c" on ';', trims blanks, drops empty parts and interns each part.
/// The result is sorted and free of duplicates.
LIBMATCH_EXPORT std::vector<std::int32_t> parse_tags(std::string_view text, Vocabulary& vocabulary);

/// No calendar date given (Request::registered).
inline constexpr std::int64_t kNoDate = std::numeric_limits<std::int64_t>::min();
/// Request::current_advisor was given but is not in the pool (pinned: escalated).
inline constexpr std::int64_t kAdvisorNotInPool = -2;
/// Area index not yet known: run_round locates the primary location itself (Request::area).
inline constexpr std::int64_t kAreaUnknown = -2;

/// One request of one applicant (aanvrager) in this round.
struct Request {
  std::string id;             ///< applicant_id; unique in a round; orders ties
  std::vector<XY> locations;  ///< business locations, >= 1; [0] is the primary one
  std::int32_t service = 0;   ///< interned service (dienst); the first alternative
  /// Further alternatives (`zaakbegeleider;vabimpuls`): the request may be served under
  /// `service` or any of these, the round chooses (RequestOutcome::service). The set is
  /// service_set(request) = {service} + services, sorted, duplicates ignored; empty = only
  /// `service`. Hours, price, slots and budgets follow the chosen service's catalogue entry.
  std::vector<std::int32_t> services;
  /// Positions (e.g. of a vacancy), >= 1: up to `quantity` matches with different advisors,
  /// never the same advisor twice; positions left open are reported
  /// (RequestOutcome::open_positions). quantity > 1 cannot be pinned.
  std::int64_t quantity = 1;
  std::vector<std::int32_t> needs;    ///< interned expertise tags needed (hulpvraag)
  std::int64_t priority = 0;          ///< higher = more urgent
  std::vector<std::int64_t> exclude;  ///< advisor indices with a conflict of interest
  /// Advisor index for a reassignment; -1 = none; kAdvisorNotInPool = named but gone.
  std::int64_t current_advisor = -1;
  bool pinned = false;                ///< keep current_advisor (or escalate)
  std::int64_t registered = kNoDate;  ///< registration day (any monotone day number)
  /// Orientation area index of locations[0] in RoundInput::areas; -1 = outside all;
  /// kAreaUnknown = let run_round locate it (set it yourself to skip point-in-polygon).
  std::int64_t area = kAreaUnknown;
  // ---- programme model (catalogue, hours, money) --------------------------------------
  /// Effort of this case in hours, >= 0; NaN = the service's Service::hours.
  double hours = std::numeric_limits<double>::quiet_NaN();
  /// Price of this case in EUR, >= 0; NaN = the service's Service::cost_eur.
  double cost_eur = std::numeric_limits<double>::quiet_NaN();
  // ---- register, applicant key, specialists -------------------------------------------
  /// Opaque applicant key (e.g. KvK or NWA number); empty = none. Matched against the
  /// register of running cases and other requests; never printed in messages.
  std::string applicant_key;
  /// For services with Service::via_advisor_only: the applicant_key of the running case
  /// (RoundInput::running) this specialist request belongs to; empty = none.
  std::string via_case;
};

/// One advisor (begeleider) of the pool.
struct Advisor {
  std::string id;            ///< advisor_id; unique; orders ties
  XY base;                   ///< home / office location
  std::int32_t service = 0;  ///< interned service the advisor works for
  /// Further services of a multi-service pool (`wmo;jeugd`): the advisor works for
  /// service_set(advisor) = {service} + services; capacity (cases and hours) is shared.
  std::vector<std::int32_t> services;
  std::vector<std::int32_t> expertise;  ///< interned expertise tags
  std::int64_t capacity = 0;            ///< maximum simultaneous cases, >= 0
  std::int64_t caseload = 0;            ///< current cases, 0 <= caseload <= capacity
  double radius_km = std::numeric_limits<double>::infinity();       ///< action radius
  double radius_minutes = std::numeric_limits<double>::infinity();  ///< action radius
  std::vector<std::int64_t> areas;  ///< orientation area indices; empty = works anywhere
  // ---- programme model (hours) --------------------------------------------------------
  /// Hours available in total (running and new cases), >= 0; infinity = no hour limit
  /// (only `capacity` in cases applies). Both limits apply when both are given.
  double capacity_hours = std::numeric_limits<double>::infinity();
  /// Hours taken by running cases, 0 <= hours_booked <= capacity_hours.
  double hours_booked = 0.0;
};

/// The services a request may be served under (Request::services) or an advisor works for
/// (Advisor::services): `service` plus `services`, sorted, without duplicates. O(k log k).
LIBMATCH_EXPORT std::vector<std::int32_t> service_set(const Request& request);
LIBMATCH_EXPORT std::vector<std::int32_t> service_set(const Advisor& advisor);

/// No limit on slots (Service::max_cases).
inline constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max();

/// One entry of the service catalogue (RoundInput::services, indexed by the interned
/// service id). A round without a catalogue treats every service as Service{}: one hour
/// per case, free, unlimited, offered everywhere.
struct Service {
  double hours = 1.0;                   ///< effort per case, hours >= 0 (Request::hours overrides)
  double cost_eur = 0.0;                ///< price per case, EUR >= 0 (Request::cost_eur overrides)
  std::int64_t max_cases = kUnlimited;  ///< slots left for new cases of this service, >= 0
  /// Money left for this service, EUR >= 0; infinity = unlimited.
  double budget_eur = std::numeric_limits<double>::infinity();
  /// true: the effort of a case includes `visits` round trips (advisor base <-> primary
  /// location, travel minutes x 2 / 60 hours each) on top of `hours`.
  bool travel_in_hours = false;
  double visits = 1.0;  ///< visits per case (travel_in_hours), >= 0
  // ---- referrals and modules ----------------------------------------------------------
  /// Never served by this pool: requests are referred (Referral::OutOfScope) to refer_to.
  bool referral_only = false;
  /// Destination of referrals (out_of_scope, not_in_module); informative text.
  std::string refer_to;
  /// Where the service is offered: indices into RoundInput::service_areas (or, without it,
  /// RoundInput::areas); empty = everywhere. Requests whose primary location lies outside
  /// are referred (Referral::NotInModule).
  std::vector<std::int64_t> offered_in;
  /// Specialists: only engaged through a running case (Request::via_case); requests
  /// without one are escalated no_open_case.
  bool via_advisor_only = false;
};

/// Rules::reserve entry: `slots` of `service`'s max_cases in this round can only go to
/// requests with priority >= min_priority.
struct Reservation {
  std::int32_t service = 0;
  std::int64_t slots = 0;  ///< >= 0
  std::int64_t min_priority = 0;
};

/// A running case of the register (RoundInput::running).
struct RunningCase {
  std::string applicant_key;  ///< opaque key, empty = none (then only the location counts)
  std::string advisor_id;     ///< the advisor guiding it (need not be in this pool)
  std::int32_t service = 0;   ///< interned service
  /// Location of the case; NaN = unknown (matched by key only).
  XY location{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
};

/// Cost weights. All costs are in *points*; one point is one minute of travel at the default
/// `travel_per_minute`. Internally points are multiplied by kCostScale and rounded to int64,
/// so the optimum is exact at a resolution of 0.01 point.
struct Weights {
  /// points per minute of travel (advisor base -> primary location, travel model).
  double travel_per_minute = 1.0;
  /// points when the primary location lies outside every orientation area of the advisor
  /// (advisors without areas, or rounds without an AreaSet, never pay it).
  double outside_area = 30.0;
  /// points per needed expertise tag the advisor lacks (only with allow_partial_expertise).
  double partial_expertise_per_tag = 60.0;
  /// load: the case that brings an advisor to utilisation u = caseload_after / capacity
  /// costs load * u^2 points (marginal cost, increasing, so the total is convex).
  double load = 60.0;
  /// points for every advisor other than the request's current_advisor (continuity);
  /// requests without current_advisor (or whose current advisor is in exclude) never pay it.
  double continuity = 45.0;
  /// Soft radius (only with radius_hard = false): a pair beyond the advisor's radius pays
  /// radius_penalty points, plus radius_penalty_per_minute for every minute beyond
  /// radius_minutes and radius_penalty_per_km for every km beyond radius_km.
  double radius_penalty = 120.0;
  double radius_penalty_per_minute = 2.0;
  double radius_penalty_per_km = 2.0;
  /// Unassigned cost of a request = unassigned_base + unassigned_per_priority * max(priority, 0).
  /// unassigned_base < 0 (default) = automatic: one point more than the most expensive
  /// candidate assignment of the round, so a request is escalated only when no eligible
  /// advisor has room, and case capacity that is scarce goes to higher priority first.
  /// Under hours or money (programme limits) the escalation cost is a weight per case set
  /// against what the case uses: several cheaper lower-priority cases can together outweigh
  /// one dear higher-priority case; RuleOptions::reserve keeps slots for priority.
  double unassigned_base = -1.0;
  double unassigned_per_priority = 200.0;
};

/// Integer cost units per point.
inline constexpr std::int64_t kCostScale = 100;

/// Rule switches.
struct RuleOptions {
  bool radius_hard = true;  ///< false: out-of-radius pairs pay radius_penalty
  /// true: an advisor lacking some needed tags stays eligible when it has at least one of
  /// them, and pays partial_expertise_per_tag per missing tag.
  bool allow_partial_expertise = false;
  double duplicate_tolerance_m = 25.0;  ///< locations closer than this = duplicate; 0 off, >= 0
  /// Global cap on candidate travel (also when radius_hard = false); infinity = none.
  double max_travel_minutes = std::numeric_limits<double>::infinity();
  std::int64_t alternatives = 3;  ///< runner-up advisors reported per assignment
  int threads = 0;                ///< 0: all cores (>= 0); results never depend on it
  /// Slots held back for priority requests (see Reservation); at most one per service.
  std::vector<Reservation> reserve;
  /// Wall-clock cap on the exact programme solve, seconds > 0; infinity = none. It counts
  /// the whole solve: the flow relaxation, on rounds of at most 20,000 pairs a Lagrangian (to
  /// 10 %), the MIP's build and its LP (to 50 %; on larger rounds the Lagrangian follows only
  /// when the LP does not finish, to 60 %), the knapsack bound at its duals (to 55 %), the
  /// LP's rounding and local searches (to 65 %), CBC's search (to 70 %, at most 20 %; skipped when
  /// under 3x the LP's time, as CBC cannot stop inside its root LP), then sub-MIPs over
  /// neighbourhoods of advisors (the relaxation itself is one flow solve, not interrupted). A round
  /// without programme limits is one flow solve, never capped. With the cap reached the result says
  /// SolveStatus::TimeLimit. request_cancel() (Ctrl-C in Python) stops the programme solve too
  /// (throws Cancelled).
  double time_limit_s = std::numeric_limits<double>::infinity();
};

}  // namespace libmatch
