#pragma once
// Batch reassignment simulation: a horizon of weekly matching rounds (match.hpp) with
// arrivals, completions, 'no klik' returns, escalations and advisor events, reported as
// weekly KPIs and a summary. Sweeps run many (scenario, seed) pairs on all cores.
//
// The week (t = 0 .. horizon_weeks - 1), in this order:
//   1. Progress: every case in service whose advisor was not absent in week t - 1 advances one
//      week; a case whose remaining duration reaches 0 completes and frees its capacity, and
//      draws its pathway step (ServiceSpec::next): a follow-up due delay_weeks later.
//      A case matched in week s with duration d (and no absence) thus completes at the start
//      of week s + d, and its place is free for that week's round. 'No klik' cases (see 4)
//      return to the queue here instead, with their advisor excluded from then on.
//   2. Events of week t (join, leave, absence, capacity), in their input order. A leaver's cases
//      and the cases above a reduced capacity (most recently matched first, then the higher
//      case number) go back to the queue: minimum disruption, no other case moves. Absent
//      advisors take no new cases; their cases pause (do not progress) unless the absence
//      lasts at least reassign_absence_weeks (> 0), in which case they are reassigned.
//   3. Arrivals: the follow-ups due this week first (parent_case set), then per arrival
//      stream a Poisson number of new requests (or an approach list's part of the week), each
//      with a location drawn from the stream's location pool, needs, priority, a case duration
//      and a registration day 7 t + 0..6; a share is out of scope and referred at once, as are
//      requests of referral_only services or outside a service's offered_in areas. Replay
//      arrivals of week t are added after them.
//   4. One run_round() over the queue (new, returned and still waiting requests) and the
//      advisors currently in the pool, with precomputed travel pairs and known areas.
//      Cases in service are not in the round: they keep their advisor (as if pinned), so
//      nothing moves that need not move. Money and slots: requests the money or slots left (or
//      a reservation) cannot carry are refused before the round; the round gets the catalogue
//      with what is left; its matches are then paid in order of priority (higher first),
//      registration day and case id, and a match the books cannot carry is refused (waits
//      with reason slots_exhausted / budget_exhausted / reserved_for_priority). A product
//      starts on the week's last day, 7 t + 6 (lead days = start day - registration day). A match
//      is rejected after the first conversation
//      ('no klik') with no_klik_probability, drawn per (case, match); it returns in step 1 of
//      the next week. An unmatched request that has been in the queue for
//      escalate_after_weeks weeks or more after this round (t - entered >= escalate_after_weeks)
//      is escalated and leaves the simulation; others wait for the next round.
//   5. KPIs of week t (WeekKpis), measured after the round.
//
// Conservation (checked every week, an internal error otherwise):
//   initial_cases + arrivals_total + followups_total
//     == in_service + completed_total + waiting + escalated_total + referred_total,
// where matched_total = in_service + completed_total. Capacity is never exceeded and a case
// never has two advisors (also checked every week).
//
// Randomness: every draw comes from a small counter-seeded generator (xoshiro256**, seeded by
// splitmix64 of (seed, stream, week, index)), so a run depends only on (scenario, seed), never
// on threads or on other runs; arrivals of a seed are the same in scenarios that share the
// arrival streams and horizon (common random numbers for fair comparisons). Poisson, gamma,
// normal and uniform variates are implemented here (no std:: distributions, whose output
// differs between standard libraries); they use std::exp/std::log/std::sqrt/std::pow from the
// platform's libm, so results are bit-identical on one platform and practically (not
// promised) identical on others.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libmatch/areas.hpp"
#include "libmatch/export.hpp"
#include "libmatch/match.hpp"
#include "libmatch/model.hpp"
#include "libmatch/travel.hpp"

namespace libmatch {

/// Case duration distribution in weeks. A draw is rounded to the nearest whole week, at least 1.
enum class DurationKind : std::int8_t {
  Fixed = 0,  ///< always mean_weeks
  Uniform,    ///< whole weeks, uniform in [min_weeks, max_weeks]
  Gamma,      ///< gamma with mean_weeks and sd_weeks (sd 0 = fixed)
};

struct DurationSpec {
  DurationKind kind = DurationKind::Fixed;
  double mean_weeks = 1.0;  ///< Fixed, Gamma (> 0)
  double sd_weeks = 0.0;    ///< Gamma (>= 0)
  double min_weeks = 1.0;   ///< Uniform (>= 1)
  double max_weeks = 1.0;   ///< Uniform (>= min_weeks)
};

/// One step of a pathway (ServiceSpec::next): when a case of the service ends (completed),
/// a follow-up case of `service` enters the queue `delay_weeks` weeks later (0 = the same
/// week's round) with this probability. The steps of one service are mutually exclusive
/// (one uniform draw picks at most one; probabilities sum to <= 1, the rest = no follow-up).
struct PathwayStep {
  std::int32_t service = 0;      ///< index into Scenario::services
  double probability = 0.0;      ///< in [0, 1]
  std::int64_t delay_weeks = 0;  ///< >= 0
};

/// A service (dienst, product) of the catalogue; Advisor::service and stream services index
/// these. Money and slots are consumed over the whole horizon: a case pays `cost_eur` and
/// takes one of `max_cases` slots when it starts (its first match; 'no klik' re-matches and
/// reassignments are free).
struct ServiceSpec {
  std::string name;
  DurationSpec duration;
  double hours_per_case = 0.0;          ///< e.g. 36 for VABIMPULS (incl. travel); 0 = not given
  double cost_eur = 0.0;                ///< price per case, EUR >= 0
  std::int64_t max_cases = kUnlimited;  ///< slots over the horizon, >= 0
  /// Money for this service over the horizon, EUR >= 0; infinity = only the programme budget.
  double budget_eur = std::numeric_limits<double>::infinity();
  /// Orientation areas (Scenario::areas) where the service is offered; empty = everywhere.
  /// Arrivals located elsewhere are referred at once (not_in_module).
  std::vector<std::int64_t> offered_in;
  /// Never served by the pool: every case of it is referred at once (to refer_to).
  bool referral_only = false;
  std::string refer_to;           ///< destination of its referrals (informative)
  std::vector<PathwayStep> next;  ///< pathway: follow-ups after a case of this service ends
};

/// Scenario::reserve entry: while week <= until_week, the last `slots` slots of `service`
/// (of its max_cases still left) only go to cases with priority >= min_priority.
struct ReservePolicy {
  std::int32_t service = 0;
  std::int64_t slots = 0;  ///< >= 0
  std::int64_t min_priority = 0;
  std::int64_t until_week = std::numeric_limits<std::int64_t>::max();  ///< inclusive, >= 0
};

struct TagChance {
  std::int32_t tag = 0;      ///< index into Scenario::tags
  double probability = 0.0;  ///< each tag is drawn independently, in [0, 1]
};

struct PriorityChance {
  std::int64_t priority = 0;
  double probability = 0.0;  ///< relative weight (>= 0; normalised over the list)
};

/// Largest Poisson mean per week of one arrival stream that validate() accepts. The sampler
/// takes constant expected time for any rate; the bound keeps counts exact in doubles and,
/// with kMaxExpectedArrivals, memory bounded.
inline constexpr double kMaxArrivalRatePerWeek = 1000000.0;
/// Largest expected number of arrivals over the horizon, summed over the streams (every case
/// is kept in memory for the run).
inline constexpr double kMaxExpectedArrivals = 10000000.0;

/// Arrivals of one service (optionally of one area, municipality or farm-type mix): a Poisson
/// stream (count < 0), or an approach list (count >= 0): exactly `count` entrepreneurs
/// approached over weeks first_week .. last_week (capped at the horizon), spread evenly
/// (the earlier weeks take the remainder), highest priority first. The list's priorities are
/// the exact largest-remainder split of `count` over the `priorities` weights.
struct ArrivalStream {
  std::string label;           ///< names the stream in errors, e.g. "arrivals[2]"
  std::int32_t service = 0;    ///< index into Scenario::services
  double rate_per_week = 0.0;  ///< Poisson mean per week (0 .. kMaxArrivalRatePerWeek)
  std::int64_t count = -1;     ///< approach list size (>= 0); -1 = Poisson stream
  std::int32_t segment = -1;   ///< index into Scenario::segments; -1 = none
  /// Candidate locations (indices into Scenario::locations); empty = all locations.
  std::vector<std::int64_t> locations;
  /// Relative weight per candidate (same length as `locations`, or empty = uniform).
  std::vector<double> location_weights;
  std::vector<TagChance> needs;            ///< independent tag draws
  std::vector<PriorityChance> priorities;  ///< empty = priority 0
  double refer_probability = 0.0;          ///< out of scope: referred at arrival, in [0, 1]
  std::int64_t first_week = 0;             ///< active from this week ...
  std::int64_t last_week = std::numeric_limits<std::int64_t>::max();  ///< ... to this (incl.)
};

/// A dated request (replay table); its locations must be in Scenario::locations. Every rule
/// column the round honours is honoured: exclude, current_advisor, pinned (first match only;
/// a pinned case whose advisor is unavailable waits and escalates as
/// pinned_advisor_unavailable) and further business locations.
struct ReplayArrival {
  std::int64_t week = 0;
  std::int64_t location = 0;                 ///< index into Scenario::locations (primary)
  std::vector<std::int64_t> more_locations;  ///< further business locations (same pool)
  std::int32_t service = 0;
  std::vector<std::int32_t> needs;  ///< indices into Scenario::tags
  std::int64_t priority = 0;
  double duration_weeks = std::numeric_limits<double>::quiet_NaN();  ///< NaN = draw
  bool referred = false;                                             ///< out of scope
  std::vector<std::int64_t> exclude;  ///< advisor indices (Scenario::advisors): conflicts
  /// Advisor index guiding the entrepreneur (continuity, see pinned); -1 = none;
  /// kAdvisorNotInPool = named but not in the scenario.
  std::int64_t current_advisor = -1;
  bool pinned = false;    ///< keep current_advisor for the first match (or escalate)
  std::int64_t day = -1;  ///< registration day in the week, 0..6; -1 = drawn
  double hours = std::numeric_limits<double>::quiet_NaN();     ///< NaN = the service's
  double cost_eur = std::numeric_limits<double>::quiet_NaN();  ///< NaN = the service's
  std::int32_t segment = -1;  ///< index into Scenario::segments; -1 = none
};

enum class EventKind : std::int8_t {
  Join = 0,  ///< the advisor enters the pool (before: not in the pool)
  Leave,     ///< the advisor leaves; its cases are reassigned
  Absence,   ///< no new cases for `weeks` weeks; its cases pause (or move, see Scenario)
  Capacity,  ///< new capacity; cases above it are reassigned
};

struct AdvisorEvent {
  std::int64_t week = 0;  ///< events at or beyond the horizon are ignored
  EventKind kind = EventKind::Leave;
  std::int64_t advisor = 0;   ///< index into Scenario::advisors
  std::int64_t weeks = 0;     ///< Absence: length in weeks (>= 1)
  std::int64_t capacity = 0;  ///< Capacity: the new capacity (>= 0)
};

/// Everything a simulated year needs. Plain data: build it in code (or from JSON in Python,
/// `libmatch.Scenario`), then hand it to a Simulator.
struct Scenario {
  std::string name = "scenario";
  std::int64_t horizon_weeks = 52;  ///< >= 1
  std::vector<ServiceSpec> services;
  std::vector<std::string> tags;  ///< expertise / needs tag names
  /// The whole staff over the horizon, joiners included (they get a Join event). Advisor
  /// ids are unique; `caseload` is the initial number of running cases (see initial_cases).
  /// `capacity_hours` (>= 0, inf = none) goes to every round with the hours of the advisor's
  /// running cases (hours_per_case, or the replay's hours) as hours_booked (capped at it).
  std::vector<Advisor> advisors;
  std::vector<XY> locations;  ///< business-location pool (working CRS, metres)
  std::vector<ArrivalStream> arrivals;
  std::vector<ReplayArrival> replay;
  std::vector<std::string> segments;  ///< arrival segment labels (e.g. "tozo")
  /// Programme budget over the horizon, EUR >= 0; infinity = unlimited.
  double budget_eur = std::numeric_limits<double>::infinity();
  std::vector<ReservePolicy> reserve;  ///< at most one per service
  std::vector<AdvisorEvent> events;
  std::optional<AreaSet> areas;               ///< orientation areas (Advisor::areas index them)
  std::shared_ptr<const TravelModel> travel;  ///< null = StraightLine() (x1.3 at 60 km/h)
  Weights weights;
  RuleOptions rules;                        ///< duplicate_tolerance_m and threads are ignored
  double no_klik_probability = 0.0;         ///< in [0, 1]
  std::int64_t escalate_after_weeks = 4;    ///< >= 0
  std::int64_t reassign_absence_weeks = 0;  ///< >= 0; 0 = absences never move cases
  /// true: each advisor starts with `caseload` running cases of its service (locations drawn
  /// from the pool within its areas and radius, remaining weeks uniform in 1..a drawn
  /// duration); false: everyone starts empty (caseload ignored).
  bool initial_cases = true;
};

/// Number of Escalation codes (SimulationSummary::escalated_by_code is indexed by code).
inline constexpr int kEscalationCodes = 16;
/// No such week (SimulationSummary::budget_out_week, GroupTotals::out_week).
inline constexpr std::int64_t kNever = -1;

/// Throws InvalidInput / UnknownId naming the field (e.g. "arrivals[2].rate_per_week") and the
/// allowed range: horizon < 1, negative or non-finite rates, a rate above
/// kMaxArrivalRatePerWeek or more than kMaxExpectedArrivals expected arrivals in all, probabilities
/// outside [0, 1], bad durations, indices out of range, duplicate advisor ids, inconsistent events
/// (a join of an advisor already in the pool, a leave of one that is not).
LIBMATCH_EXPORT void validate(const Scenario& scenario);

/// KPIs of one week (after its round). Means and percentiles are NaN when nothing to measure.
/// Percentiles use the nearest-rank rule: p90 = the ceil(0.9 n)-th smallest value.
struct WeekKpis {
  std::int64_t week = 0;
  // flows of the week
  std::int64_t arrivals = 0;         ///< new requests (incl. referred)
  std::int64_t referred = 0;         ///< out of scope, referred at arrival
  std::int64_t no_klik_returns = 0;  ///< cases back in the queue after a failed first talk
  std::int64_t reassigned = 0;       ///< cases moved off a leaver / reduced capacity / absence
  std::int64_t completed = 0;
  std::int64_t queued = 0;         ///< requests in this week's round
  std::int64_t matched = 0;        ///< matches made in the round (first or repeated)
  std::int64_t matched_first = 0;  ///< requests matched for the first time
  std::int64_t escalated = 0;      ///< requests escalated (leaving the simulation)
  // stocks at the end of the week
  std::int64_t waiting = 0;          ///< requests still in the queue
  std::int64_t in_service = 0;       ///< cases with an advisor
  std::int64_t advisors_active = 0;  ///< in the pool (joined, not left) and not absent
  std::int64_t advisors_absent = 0;  ///< in the pool and absent (active + absent = the pool)
  std::int64_t capacity_total = 0;   ///< of the active advisors
  // cumulative counts (conservation)
  std::int64_t arrivals_total = 0;
  std::int64_t matched_total = 0;  ///< in_service + completed_total
  std::int64_t completed_total = 0;
  std::int64_t escalated_total = 0;
  std::int64_t referred_total = 0;
  // distributions
  double wait_mean = 0, wait_p90 = 0, wait_max = 0;  ///< weeks registration -> first match
  double travel_mean = 0, travel_p90 = 0;            ///< minutes, over the week's matches
  double outside_area_share = 0;  ///< of the week's matches: location outside the advisor's areas
  /// caseload / capacity over the pool's advisors with capacity > 0, absent ones included
  /// (their cases run on)
  double util_mean = 0, util_max = 0, util_gini = 0;
  double hours_started = 0;  ///< hours_per_case of the week's first matches
  // programme
  std::int64_t followups = 0;        ///< pathway follow-ups entering the queue this week
  std::int64_t followups_total = 0;  ///< cumulative (conservation)
  double spend_eur = 0;              ///< price of the cases started this week
  double spend_eur_total = 0;        ///< cumulative
  double budget_left_eur = 0;        ///< Scenario::budget_eur - spend_eur_total (inf = none)
  /// Slots left per service (ServiceSpec::max_cases - started; kUnlimited = no cap).
  std::vector<std::int64_t> slots_left;
};

/// Codes of AssignmentRecord::end (how a stint ended).
enum class StintEndCode : std::int8_t { Running = 0, Completed, NoKlik, Reassigned };
/// Codes of CaseRecord::status.
enum class CaseStatusCode : std::int8_t { Waiting = 0, InService, Completed, Escalated, Referred };
/// Codes of AdvisorWeek::status.
enum class AdvisorStatusCode : std::int8_t { InPool = 0, Absent, NotJoined, Left };

/// One stint of a case with an advisor (SimulationResult::assignments).
struct AssignmentRecord {
  std::int64_t case_id = 0;
  std::int64_t advisor = 0;     ///< index into Scenario::advisors
  std::int64_t week_start = 0;  ///< matched in this week's round (-1 = initial case)
  std::int64_t week_end = -1;   ///< released at the start of this week; -1 = still running
  std::int8_t end = 0;          ///< a StintEndCode (0 running, 1 completed, ...)
  double minutes = 0.0;         ///< travel base -> location
  bool outside_area = false;
};

/// One request (SimulationResult::cases).
struct CaseRecord {
  std::int64_t case_id = 0;     ///< 0, 1, ... (initial cases first)
  std::int64_t registered = 0;  ///< arrival week (-1 = initial case)
  std::int32_t service = 0;
  std::int64_t location = 0;  ///< index into Scenario::locations
  std::int64_t area = -1;     ///< orientation area of the location (-1 = none)
  std::int64_t priority = 0;
  std::int64_t n_needs = 0;
  double duration_weeks = 0.0;
  std::int64_t first_matched = -1;       ///< week of the first match; -1 = never
  std::int64_t ended = -1;               ///< week completed / escalated / referred; -1 = open
  std::int8_t status = 0;                ///< a CaseStatusCode (0 waiting, 1 in service, ...)
  Escalation reason = Escalation::None;  ///< escalated: the reason of the last round
  std::int64_t matches = 0;              ///< matches made for this case
  // programme
  std::int32_t segment = -1;           ///< index into Scenario::segments
  std::int64_t parent_case = -1;       ///< pathway predecessor (case_id); -1 = none
  std::int64_t registered_day = 0;     ///< registration day of the entrepreneur (root case)
  std::int64_t start_day = -1;         ///< day the product started (7 week + 6); -1 = never
  double cost_eur = 0.0;               ///< paid at the start (0 until started)
  Referral referral = Referral::None;  ///< referred: why
};

/// Totals of one service or segment over the horizon (initial cases excluded). Lead days run
/// from the entrepreneur's registration day to the product's start day.
struct GroupTotals {
  std::int64_t started = 0, completed = 0, referred = 0, escalated = 0;
  double spend_eur = 0.0;
  double lead_days_mean = 0, lead_days_p90 = 0;  ///< NaN when nothing started
  std::int64_t slots_left = kUnlimited;          ///< services only
  /// Services only: first week after whose round no slot is left or the money left (service
  /// or programme budget) cannot pay one more case; kNever.
  std::int64_t out_week = kNever;
};

/// Year totals (SimulationResult::summary).
struct SimulationSummary {
  std::int64_t weeks = 0;
  std::int64_t initial_cases = 0;
  std::int64_t arrivals = 0, referred = 0, matched = 0, matched_first = 0, escalated = 0;
  std::int64_t no_klik_returns = 0, reassigned = 0, completed = 0;
  std::int64_t waiting_end = 0, in_service_end = 0;
  /// escalated by reason: no_advisor_for_service, no_expertise, all_excluded,
  /// all_out_of_radius, no_capacity
  std::int64_t escalated_by_reason[5] = {0, 0, 0, 0, 0};
  /// escalated by Escalation code (all codes; [0] unused).
  std::int64_t escalated_by_code[kEscalationCodes] = {};
  double wait_mean = 0, wait_p90 = 0, wait_max = 0;  ///< over all first matches
  double travel_mean = 0, travel_p90 = 0;            ///< over all matches
  double outside_area_share = 0;                     ///< over all matches
  double util_mean = 0;                              ///< mean over weeks of WeekKpis::util_mean
  double util_max = 0;                               ///< max over weeks of WeekKpis::util_max
  double util_gini_mean = 0;                         ///< mean over weeks of WeekKpis::util_gini
  double escalated_share = 0;  ///< escalated / (arrivals - referred); NaN when 0
  double hours_started = 0;
  // programme
  std::int64_t followups = 0;
  double spend_eur = 0, budget_left_eur = 0;
  /// First week after whose round the money left is below the cheapest positive price (or
  /// 0); kNever.
  std::int64_t budget_out_week = kNever;
  std::vector<GroupTotals> by_service;  ///< per Scenario::services
  std::vector<GroupTotals> by_segment;  ///< per Scenario::segments, then one for "no segment"
};

/// Per advisor and week (SimulationResult::advisor_weeks, week-major).
struct AdvisorWeek {
  std::int64_t week = 0;
  std::int64_t advisor = 0;
  std::int64_t capacity = 0;
  std::int64_t caseload = 0;
  std::int8_t status = 0;  ///< an AdvisorStatusCode (0 in the pool, 1 absent, ...)
};

struct SimulationResult {
  std::uint64_t seed = 0;
  std::vector<WeekKpis> weeks;
  SimulationSummary summary;
  // details (empty unless requested)
  std::vector<CaseRecord> cases;
  std::vector<AssignmentRecord> assignments;
  std::vector<AdvisorWeek> advisor_weeks;
};

/// A scenario prepared for many runs: validated, travel from every advisor base to every
/// location computed once, location areas located once. Immutable and thread-safe; run()
/// can be called from several threads at once. Copies share the prepared data.
class LIBMATCH_EXPORT Simulator {
 public:
  /// Validates (see validate()) and precomputes. threads <= 0: all cores (precomputation
  /// only; results never depend on it).
  explicit Simulator(Scenario scenario, int threads = 0);

  const Scenario& scenario() const;
  /// One simulated horizon. `details`: also fill cases, assignments and advisor_weeks.
  SimulationResult run(std::uint64_t seed, bool details = false) const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

/// Convenience: Simulator(scenario, 1).run(seed, details).
LIBMATCH_EXPORT SimulationResult simulate(const Scenario& scenario, std::uint64_t seed,
                                          bool details = false);

/// Runs every (simulator, seed) pair, scenario-major: result k = (k / seeds.size(),
/// seeds[k % seeds.size()]), each exactly as run(seed, false) would give it, whatever the
/// thread count. threads <= 0: all cores. `progress`, when set, is called from the calling
/// thread with the number of finished runs whenever that number has grown (not necessarily
/// once per run; the last call reports all runs). If `progress` throws (e.g. an interrupt),
/// no further run starts and the exception is rethrown once the running ones have finished.
/// Otherwise the error of the first failed run (by task order) is rethrown at the end.
LIBMATCH_EXPORT std::vector<SimulationResult> simulate_many(
    const std::vector<const Simulator*>& simulators, const std::vector<std::uint64_t>& seeds,
    int threads = 0, const std::function<void(std::int64_t)>& progress = {});

}  // namespace libmatch
