// The C ABI (libmatch/libmatch.h) over the public C++ API. Every entry point runs its body
// inside guarded(), which turns each exception into a status code and a per-thread message.
#include <cmath>
#include <exception>
#include <limits>
#include <new>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "libmatch/areas.hpp"
#include "libmatch/cancel.hpp"
#include "libmatch/error.hpp"
#include "libmatch/libmatch.h"
#include "libmatch/match.hpp"
#include "libmatch/model.hpp"
#include "libmatch/travel.hpp"
#include "libmatch/version.hpp"

struct lm_areas {
  libmatch::AreaSet set;
};

struct lm_round {
  libmatch::RoundResult result;
  std::int64_t n_requests = 0;
  std::int64_t n_advisors = 0;
};

namespace {

using libmatch::Escalation;

static_assert(LM_COST_SCALE == libmatch::kCostScale);
static_assert(LM_NO_DATE == libmatch::kNoDate);
static_assert(LM_ESCALATION_NONE == static_cast<int>(Escalation::None));
static_assert(LM_ESCALATION_NO_ADVISOR_FOR_SERVICE ==
              static_cast<int>(Escalation::NoAdvisorForService));
static_assert(LM_ESCALATION_NO_EXPERTISE == static_cast<int>(Escalation::NoExpertise));
static_assert(LM_ESCALATION_ALL_EXCLUDED == static_cast<int>(Escalation::AllExcluded));
static_assert(LM_ESCALATION_ALL_OUT_OF_RADIUS == static_cast<int>(Escalation::AllOutOfRadius));
static_assert(LM_ESCALATION_NO_CAPACITY == static_cast<int>(Escalation::NoCapacity));
static_assert(LM_ESCALATION_DUPLICATE_REQUEST == static_cast<int>(Escalation::DuplicateRequest));
static_assert(LM_ESCALATION_PINNED_ADVISOR_UNAVAILABLE ==
              static_cast<int>(Escalation::PinnedAdvisorUnavailable));
static_assert(LM_ESCALATION_NO_HOURS == static_cast<int>(Escalation::NoHours));
static_assert(LM_ESCALATION_SLOTS_EXHAUSTED == static_cast<int>(Escalation::SlotsExhausted));
static_assert(LM_ESCALATION_BUDGET_EXHAUSTED == static_cast<int>(Escalation::BudgetExhausted));
static_assert(LM_ESCALATION_RESERVED_FOR_PRIORITY ==
              static_cast<int>(Escalation::ReservedForPriority));
static_assert(LM_ESCALATION_ALREADY_IN_GUIDANCE == static_cast<int>(Escalation::AlreadyInGuidance));
static_assert(LM_ESCALATION_NO_OPEN_CASE == static_cast<int>(Escalation::NoOpenCase));
static_assert(LM_ESCALATION_UNFILLED_POSITION == static_cast<int>(Escalation::UnfilledPosition));
constexpr int kLastEscalation = LM_ESCALATION_UNFILLED_POSITION;
static_assert(LM_REFERRAL_NONE == static_cast<int>(libmatch::Referral::None));
static_assert(LM_SOLVE_OPTIMAL == static_cast<int>(libmatch::SolveStatus::Optimal));
static_assert(LM_SOLVE_TIME_LIMIT == static_cast<int>(libmatch::SolveStatus::TimeLimit));
static_assert(LM_REFERRAL_OUT_OF_SCOPE == static_cast<int>(libmatch::Referral::OutOfScope));
static_assert(LM_REFERRAL_NOT_IN_MODULE == static_cast<int>(libmatch::Referral::NotInModule));
constexpr int kLastReferral = LM_REFERRAL_NOT_IN_MODULE;

thread_local std::string t_last_error;

/// A bad argument of the C call itself (NULL pointer, negative length, bad CSR offsets).
struct ArgumentError : std::exception {
  explicit ArgumentError(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
  std::string message;
};

lm_status fail(lm_status status, const char* function, const char* message) noexcept {
  try {
    t_last_error = std::string(function) + ": " + message;
  } catch (...) {
    t_last_error.clear();  // out of memory for the message itself: leave it empty
  }
  return status;
}

/// Runs `body`, mapping every exception to its status code (most derived classes first).
template <class Body>
lm_status guarded(const char* function, Body&& body) noexcept {
  try {
    body();
    return LM_OK;
  } catch (const ArgumentError& e) {
    return fail(LM_ERR_ARGUMENT, function, e.what());
  } catch (const libmatch::FileMissing& e) {
    return fail(LM_ERR_FILE_MISSING, function, e.what());
  } catch (const libmatch::FileError& e) {
    return fail(LM_ERR_FILE, function, e.what());
  } catch (const libmatch::GeometryError& e) {
    return fail(LM_ERR_GEOMETRY, function, e.what());
  } catch (const libmatch::CrsError& e) {
    return fail(LM_ERR_CRS, function, e.what());
  } catch (const libmatch::UnknownId& e) {
    return fail(LM_ERR_UNKNOWN_ID, function, e.what());
  } catch (const libmatch::Overflow& e) {
    return fail(LM_ERR_OVERFLOW, function, e.what());
  } catch (const libmatch::InvalidInput& e) {
    return fail(LM_ERR_INVALID_INPUT, function, e.what());
  } catch (const libmatch::InvalidType& e) {
    return fail(LM_ERR_INVALID_TYPE, function, e.what());
  } catch (const libmatch::Cancelled& e) {
    return fail(LM_ERR_CANCELLED, function, e.what());
  } catch (const std::bad_alloc&) {
    return fail(LM_ERR_OUT_OF_MEMORY, function, "out of memory");
  } catch (const std::exception& e) {
    return fail(LM_ERR_INTERNAL, function, e.what());
  } catch (...) {
    return fail(LM_ERR_INTERNAL, function, "unknown exception");
  }
}

template <class T>
const T& deref(const T* p, const char* what) {
  if (!p) throw ArgumentError(std::string(what) + " is NULL");
  return *p;
}

template <class T>
void require(const T* p, const char* what) {
  if (!p) throw ArgumentError(std::string(what) + " is NULL");
}

void check_count(std::int64_t n, const char* what) {
  if (n < 0) throw ArgumentError(std::string(what) + " is negative");
  // no array of more items fits in memory; and 2 n (x, y) must not overflow
  if (n > PTRDIFF_MAX / 16) throw ArgumentError(std::string(what) + " is too large");
}

/// An array of n items that may be NULL only when n == 0 (an empty vector's data()).
template <class T>
void require_n(const T* p, std::int64_t n, const char* what) {
  if (n > 0) require(p, what);
}

/// An input array of n items; NULL is allowed only when n == 0 or `optional`.
template <class T>
std::span<const T> in_array(const T* p, std::int64_t n, const char* what, bool optional) {
  if (!p) {
    if (n > 0 && !optional) throw ArgumentError(std::string(what) + " is NULL");
    return {};
  }
  return {p, static_cast<std::size_t>(n)};
}

std::string text_or(const char* s, const char* fallback) {
  return (s && *s) ? std::string(s) : std::string(fallback);
}

/// Entries of item i of a CSR list (empty when the offsets are NULL). Offsets were checked.
template <class T>
std::vector<T> csr_item(const std::int64_t* offset, const T* values, std::int64_t i) {
  if (!offset) return {};
  return std::vector<T>(values + offset[i], values + offset[i + 1]);
}

/// CSR offsets: n + 1 entries, starting at 0, non-decreasing; values present when non-empty.
template <class T>
void check_csr(const std::int64_t* offset, const T* values, std::int64_t n, const char* what) {
  if (!offset) return;
  const std::string name(what);
  if (offset[0] != 0) throw ArgumentError(name + "_offset[0] is not 0");
  for (std::int64_t i = 0; i < n; ++i)
    if (offset[i + 1] < offset[i])
      throw ArgumentError(name + "_offset decreases at item " + std::to_string(i));
  if (offset[n] > 0 && !values) throw ArgumentError(name + " is NULL");
}

std::string item_id(const char* const* ids, std::int64_t i, const char* what) {
  if (!ids[i]) throw ArgumentError(std::string(what) + ".id[" + std::to_string(i) + "] is NULL");
  return ids[i];
}

// ---- round input phases -------------------------------------------------------------------

std::vector<libmatch::Request> convert_requests(const lm_requests& r) {
  check_count(r.n, "requests.n");
  require_n(r.id, r.n, "requests.id");
  require_n(r.x, r.n, "requests.x");
  require_n(r.y, r.n, "requests.y");
  require_n(r.service, r.n, "requests.service");
  check_csr(r.needs_offset, r.needs, r.n, "requests.needs");
  check_csr(r.exclude_offset, r.exclude, r.n, "requests.exclude");
  std::vector<libmatch::Request> out(static_cast<std::size_t>(r.n));
  for (std::int64_t i = 0; i < r.n; ++i) {
    libmatch::Request& q = out[static_cast<std::size_t>(i)];
    q.id = item_id(r.id, i, "requests");
    q.locations = {libmatch::XY{r.x[i], r.y[i]}};
    q.service = r.service[i];
    q.priority = r.priority ? r.priority[i] : 0;
    q.needs = csr_item(r.needs_offset, r.needs, i);
    q.exclude = csr_item(r.exclude_offset, r.exclude, i);
    q.current_advisor = r.current_advisor ? r.current_advisor[i] : -1;
    q.pinned = r.pinned ? r.pinned[i] != 0 : false;
    q.registered = r.registered ? r.registered[i] : libmatch::kNoDate;
  }
  return out;
}

std::vector<libmatch::Advisor> convert_advisors(const lm_advisors& a) {
  check_count(a.n, "advisors.n");
  require_n(a.id, a.n, "advisors.id");
  require_n(a.x, a.n, "advisors.x");
  require_n(a.y, a.n, "advisors.y");
  require_n(a.service, a.n, "advisors.service");
  require_n(a.capacity, a.n, "advisors.capacity");
  check_csr(a.expertise_offset, a.expertise, a.n, "advisors.expertise");
  check_csr(a.areas_offset, a.areas, a.n, "advisors.areas");
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<libmatch::Advisor> out(static_cast<std::size_t>(a.n));
  for (std::int64_t i = 0; i < a.n; ++i) {
    libmatch::Advisor& v = out[static_cast<std::size_t>(i)];
    v.id = item_id(a.id, i, "advisors");
    v.base = libmatch::XY{a.x[i], a.y[i]};
    v.service = a.service[i];
    v.capacity = a.capacity[i];
    v.caseload = a.caseload ? a.caseload[i] : 0;
    v.radius_km = a.radius_km ? a.radius_km[i] : kInf;
    v.radius_minutes = a.radius_minutes ? a.radius_minutes[i] : kInf;
    v.expertise = csr_item(a.expertise_offset, a.expertise, i);
    v.areas = csr_item(a.areas_offset, a.areas, i);
  }
  return out;
}

libmatch::Weights convert_weights(const lm_weights& w) {
  libmatch::Weights out;
  out.travel_per_minute = w.travel_per_minute;
  out.outside_area = w.outside_area;
  out.partial_expertise_per_tag = w.partial_expertise_per_tag;
  out.load = w.load;
  out.continuity = w.continuity;
  out.radius_penalty = w.radius_penalty;
  out.radius_penalty_per_minute = w.radius_penalty_per_minute;
  out.radius_penalty_per_km = w.radius_penalty_per_km;
  out.unassigned_base = w.unassigned_base;
  out.unassigned_per_priority = w.unassigned_per_priority;
  return out;
}

libmatch::RuleOptions convert_rules(const lm_rules& r) {
  libmatch::RuleOptions out;
  out.radius_hard = r.radius_hard != 0;
  out.allow_partial_expertise = r.allow_partial_expertise != 0;
  out.duplicate_tolerance_m = r.duplicate_tolerance_m;
  out.max_travel_minutes = r.max_travel_minutes;
  out.alternatives = r.alternatives;
  out.threads = r.threads;
  return out;
}

libmatch::TravelPairs convert_pairs(const lm_travel& t) {
  auto advisor = in_array(t.pair_advisor, t.n_pairs, "travel.pair_advisor", false);
  auto request = in_array(t.pair_request, t.n_pairs, "travel.pair_request", false);
  auto minutes = in_array(t.pair_minutes, t.n_pairs, "travel.pair_minutes", false);
  auto km = in_array(t.pair_km, t.n_pairs, "travel.pair_km", false);
  libmatch::TravelPairs out;
  out.origin.assign(advisor.begin(), advisor.end());
  out.destination.assign(request.begin(), request.end());
  out.minutes.assign(minutes.begin(), minutes.end());
  out.km.assign(km.begin(), km.end());
  return out;
}

std::vector<libmatch::Service> convert_services(const lm_services& c) {
  check_count(c.n, "services.n");
  std::vector<libmatch::Service> out(static_cast<std::size_t>(c.n));
  for (std::int64_t k = 0; k < c.n; ++k) {
    libmatch::Service& v = out[static_cast<std::size_t>(k)];
    if (c.hours) v.hours = c.hours[k];
    if (c.cost_eur) v.cost_eur = c.cost_eur[k];
    if (c.max_cases && c.max_cases[k] != -1) v.max_cases = c.max_cases[k];
    if (c.budget_eur) v.budget_eur = c.budget_eur[k];
    if (c.travel_in_hours) v.travel_in_hours = c.travel_in_hours[k] != 0;
    if (c.visits) v.visits = c.visits[k];
    if (c.referral_only) v.referral_only = c.referral_only[k] != 0;
  }
  return out;
}

/// The programme's per-request and per-advisor fields into the converted input (the core
/// validates the values and names the ids).
void apply_programme(const lm_programme& p, libmatch::RoundInput& in) {
  if (p.services) in.services = convert_services(*p.services);
  for (std::size_t i = 0; i < in.requests.size(); ++i) {
    if (p.request_hours) in.requests[i].hours = p.request_hours[i];
    if (p.request_cost_eur) in.requests[i].cost_eur = p.request_cost_eur[i];
  }
  for (std::size_t j = 0; j < in.advisors.size(); ++j) {
    if (p.advisor_capacity_hours) in.advisors[j].capacity_hours = p.advisor_capacity_hours[j];
    if (p.advisor_hours_booked) in.advisors[j].hours_booked = p.advisor_hours_booked[j];
  }
  in.budget_eur = p.budget_eur;
  in.rules.time_limit_s = p.time_limit_s;
}

/// One round from the C structs (programme may be NULL); throws like run_round.
lm_round* run_c_round(const lm_requests* requests, const lm_advisors* advisors,
                      const lm_areas* areas, const lm_travel* travel, const lm_weights* weights,
                      const lm_rules* rules, const lm_programme* programme) {
  libmatch::RoundInput input;
  input.requests = convert_requests(deref(requests, "requests"));
  input.advisors = convert_advisors(deref(advisors, "advisors"));
  input.areas = areas ? &areas->set : nullptr;
  if (weights) input.weights = convert_weights(*weights);
  if (rules) input.rules = convert_rules(*rules);
  if (programme) apply_programme(*programme, input);
  lm_travel t;
  lm_round_defaults(nullptr, nullptr, &t);
  if (travel) t = *travel;
  if (t.n_pairs < -1) throw ArgumentError("travel.n_pairs is below -1 (-1 = straight line)");
  libmatch::TravelPairs pairs;
  std::optional<libmatch::StraightLine> straight;
  if (t.n_pairs >= 0) {  // the pairs are the whole travel: detour and speed are not used
    pairs = convert_pairs(t);
    input.travel_pairs = &pairs;
  } else {
    straight.emplace(t.detour, t.speed_kmh);
    input.travel = &*straight;
  }
  return new lm_round{libmatch::run_round(input), static_cast<std::int64_t>(input.requests.size()),
                      static_cast<std::int64_t>(input.advisors.size())};
}

void check_n(std::int64_t n, std::int64_t expected, const char* what) {
  if (n != expected)
    throw ArgumentError("n is " + std::to_string(n) + ", the round has " +
                        std::to_string(expected) + " " + what);
}

}  // namespace

// ---- errors, version, cancellation ----------------------------------------------------------

extern "C" {

const char* lm_last_error(void) { return t_last_error.c_str(); }

const char* lm_status_name(lm_status status) {
  switch (status) {
    case LM_OK:
      return "ok";
    case LM_ERR_ARGUMENT:
      return "argument";
    case LM_ERR_INVALID_INPUT:
      return "invalid_input";
    case LM_ERR_INVALID_TYPE:
      return "invalid_type";
    case LM_ERR_GEOMETRY:
      return "geometry";
    case LM_ERR_CRS:
      return "crs";
    case LM_ERR_UNKNOWN_ID:
      return "unknown_id";
    case LM_ERR_OVERFLOW:
      return "overflow";
    case LM_ERR_FILE:
      return "file";
    case LM_ERR_FILE_MISSING:
      return "file_missing";
    case LM_ERR_CANCELLED:
      return "cancelled";
    case LM_ERR_OUT_OF_MEMORY:
      return "out_of_memory";
    case LM_ERR_INTERNAL:
      return "internal";
    default:
      return "unknown";
  }
}

lm_status lm_version(int32_t* major, int32_t* minor, int32_t* patch, const char** text) {
  if (major) *major = LIBMATCH_VERSION_MAJOR;
  if (minor) *minor = LIBMATCH_VERSION_MINOR;
  if (patch) *patch = LIBMATCH_VERSION_PATCH;
  if (text) *text = LIBMATCH_VERSION_STRING;
  return LM_OK;
}

void lm_request_cancel(void) { libmatch::request_cancel(); }
void lm_reset_cancel(void) { libmatch::reset_cancel(); }

// ---- areas -----------------------------------------------------------------------------------

lm_status lm_areas_read(const char* path, const char* id_field, const char* layer, const char* crs,
                        const char* source_crs, lm_areas** out) {
  return guarded("lm_areas_read", [&] {
    require(path, "path");
    require(id_field, "id_field");
    require(out, "out");
    libmatch::ReadOptions options;
    options.layer = text_or(layer, "");
    options.crs = text_or(crs, "EPSG:28992");
    options.source_crs = text_or(source_crs, "");
    auto* handle = new lm_areas{libmatch::AreaSet::from_file(path, id_field, options)};
    *out = handle;
  });
}

void lm_areas_free(lm_areas* areas) { delete areas; }

lm_status lm_areas_size(const lm_areas* areas, int64_t* n) {
  return guarded("lm_areas_size", [&] {
    const auto& a = deref(areas, "areas");
    require(n, "n");
    *n = static_cast<int64_t>(a.set.size());
  });
}

lm_status lm_areas_id(const lm_areas* areas, int64_t index, const char** id) {
  return guarded("lm_areas_id", [&] {
    const auto& a = deref(areas, "areas");
    require(id, "id");
    if (index < 0 || index >= static_cast<int64_t>(a.set.size()))
      throw ArgumentError("index " + std::to_string(index) + " out of range [0, " +
                          std::to_string(a.set.size()) + ")");
    *id = a.set.ids()[static_cast<std::size_t>(index)].c_str();
  });
}

lm_status lm_areas_index_of(const lm_areas* areas, const char* id, int64_t* index) {
  return guarded("lm_areas_index_of", [&] {
    const auto& a = deref(areas, "areas");
    require(id, "id");
    require(index, "index");
    *index = a.set.index_of(id);
  });
}

lm_status lm_areas_crs(const lm_areas* areas, const char** crs) {
  return guarded("lm_areas_crs", [&] {
    const auto& a = deref(areas, "areas");
    require(crs, "crs");
    *crs = a.set.crs().c_str();
  });
}

lm_status lm_areas_locate(const lm_areas* areas, const double* xy, int64_t n, int64_t* out,
                          int32_t threads) {
  return guarded("lm_areas_locate", [&] {
    const auto& a = deref(areas, "areas");
    check_count(n, "n");
    auto points = in_array(xy, 2 * n, "xy", false);
    if (n > 0) require(out, "out");
    a.set.locate(points, {out, static_cast<std::size_t>(n)}, threads);
  });
}

lm_status lm_areas_nearest(const lm_areas* areas, const double* xy, int64_t n,
                           double max_distance_m, int64_t* index, double* distance_m,
                           int32_t threads) {
  return guarded("lm_areas_nearest", [&] {
    const auto& a = deref(areas, "areas");
    check_count(n, "n");
    auto points = in_array(xy, 2 * n, "xy", false);
    if (n > 0) {
      require(index, "index");
      require(distance_m, "distance_m");
    }
    const auto m = static_cast<std::size_t>(n);
    a.set.nearest(points, {index, m}, {distance_m, m}, max_distance_m, threads);
  });
}

lm_status lm_transform_points(double* xy, int64_t n, const char* from_crs, const char* to_crs) {
  return guarded("lm_transform_points", [&] {
    check_count(n, "n");
    require(from_crs, "from_crs");
    require(to_crs, "to_crs");
    if (n > 0) require(xy, "xy");
    libmatch::transform_points({xy, static_cast<std::size_t>(2 * n)}, from_crs, to_crs);
  });
}

// ---- one matching round ----------------------------------------------------------------------

lm_status lm_escalation_name(int32_t code, const char** name) {
  return guarded("lm_escalation_name", [&] {
    require(name, "name");
    if (code < 0 || code > kLastEscalation)
      throw ArgumentError("unknown escalation code " + std::to_string(code));
    *name = libmatch::to_string(static_cast<Escalation>(code));
  });
}

lm_status lm_referral_name(int32_t code, const char** name) {
  return guarded("lm_referral_name", [&] {
    require(name, "name");
    if (code < 0 || code > kLastReferral)
      throw ArgumentError("unknown referral code " + std::to_string(code));
    *name = libmatch::to_string(static_cast<libmatch::Referral>(code));
  });
}

lm_status lm_round_defaults(lm_weights* weights, lm_rules* rules, lm_travel* travel) {
  return guarded("lm_round_defaults", [&] {
    const libmatch::Weights w;
    if (weights)
      *weights = lm_weights{w.travel_per_minute,
                            w.outside_area,
                            w.partial_expertise_per_tag,
                            w.load,
                            w.continuity,
                            w.radius_penalty,
                            w.radius_penalty_per_minute,
                            w.radius_penalty_per_km,
                            w.unassigned_base,
                            w.unassigned_per_priority};
    const libmatch::RuleOptions r;
    if (rules)
      *rules = lm_rules{r.radius_hard ? 1 : 0,   r.allow_partial_expertise ? 1 : 0,
                        r.duplicate_tolerance_m, r.max_travel_minutes,
                        r.alternatives,          r.threads};
    const libmatch::StraightLine s;
    if (travel)
      *travel = lm_travel{s.detour(), s.speed_kmh(), -1, nullptr, nullptr, nullptr, nullptr};
  });
}

lm_status lm_round_run(const lm_requests* requests, const lm_advisors* advisors,
                       const lm_areas* areas, const lm_travel* travel, const lm_weights* weights,
                       const lm_rules* rules, lm_round** out) {
  return guarded("lm_round_run", [&] {
    require(out, "out");
    *out = run_c_round(requests, advisors, areas, travel, weights, rules, nullptr);
  });
}

lm_status lm_programme_defaults(lm_programme* programme) {
  return guarded("lm_programme_defaults", [&] {
    require(programme, "programme");
    constexpr double kInf = std::numeric_limits<double>::infinity();
    *programme = lm_programme{nullptr, nullptr, nullptr, nullptr, nullptr, kInf, kInf};
  });
}

lm_status lm_round_run_programme(const lm_requests* requests, const lm_advisors* advisors,
                                 const lm_areas* areas, const lm_travel* travel,
                                 const lm_weights* weights, const lm_rules* rules,
                                 const lm_programme* programme, lm_round** out) {
  return guarded("lm_round_run_programme", [&] {
    require(out, "out");
    *out = run_c_round(requests, advisors, areas, travel, weights, rules, programme);
  });
}

lm_status lm_round_programme_get(const lm_round* round, lm_round_programme_totals* out) {
  return guarded("lm_round_programme_get", [&] {
    const auto& r = deref(round, "round");
    require(out, "out");
    *out = lm_round_programme_totals{static_cast<int32_t>(r.result.status), r.result.bound,
                                     r.result.gap, r.result.spend_eur};
  });
}

lm_status lm_round_request_effort(const lm_round* round, int64_t n, double* hours, double* cost_eur,
                                  double* missing_eur) {
  return guarded("lm_round_request_effort", [&] {
    const auto& r = deref(round, "round");
    check_n(n, r.n_requests, "requests");
    for (std::int64_t i = 0; i < n; ++i) {
      const libmatch::RequestOutcome& o = r.result.requests[static_cast<std::size_t>(i)];
      const bool assigned = o.advisor >= 0;
      if (hours) hours[i] = assigned ? o.hours : 0.0;
      if (cost_eur) cost_eur[i] = assigned ? o.cost_eur : 0.0;
      if (missing_eur) missing_eur[i] = o.missing_eur;
    }
  });
}

lm_status lm_round_advisor_hours(const lm_round* round, int64_t n, double* hours_after) {
  return guarded("lm_round_advisor_hours", [&] {
    const auto& r = deref(round, "round");
    check_n(n, r.n_advisors, "advisors");
    if (hours_after)
      for (std::int64_t j = 0; j < n; ++j)
        hours_after[j] = r.result.advisors[static_cast<std::size_t>(j)].hours_after;
  });
}

void lm_round_free(lm_round* round) { delete round; }

lm_status lm_round_summary_get(const lm_round* round, lm_round_summary* out) {
  return guarded("lm_round_summary_get", [&] {
    const auto& r = deref(round, "round");
    require(out, "out");
    *out = lm_round_summary{r.n_requests,
                            r.n_advisors,
                            r.result.assigned,
                            r.result.escalated,
                            r.result.objective,
                            r.result.unassigned_base,
                            r.result.candidate_pairs};
  });
}

lm_status lm_round_requests(const lm_round* round, int64_t n, int64_t* advisor, int32_t* reason,
                            int64_t* duplicate_of, uint8_t* pinned, int64_t* cost, double* minutes,
                            double* km) {
  return guarded("lm_round_requests", [&] {
    const auto& r = deref(round, "round");
    check_n(n, r.n_requests, "requests");
    for (std::int64_t i = 0; i < n; ++i) {
      const libmatch::RequestOutcome& o = r.result.requests[static_cast<std::size_t>(i)];
      const bool assigned = o.advisor >= 0;
      if (advisor) advisor[i] = o.advisor;
      if (reason) reason[i] = static_cast<int32_t>(o.reason);
      if (duplicate_of) duplicate_of[i] = o.duplicate_of;
      if (pinned) pinned[i] = o.pinned ? 1 : 0;
      if (cost) cost[i] = assigned ? o.cost.total() : 0;
      if (minutes) minutes[i] = assigned ? o.minutes : 0.0;
      if (km) km[i] = assigned ? o.km : 0.0;
    }
  });
}

lm_status lm_round_referrals(const lm_round* round, int64_t n, int64_t* referred,
                             int32_t* referral) {
  return guarded("lm_round_referrals", [&] {
    const auto& r = deref(round, "round");
    check_n(n, r.n_requests, "requests");
    if (referred) *referred = r.result.referred;
    if (referral)
      for (std::int64_t i = 0; i < n; ++i)
        referral[i] = static_cast<int32_t>(r.result.requests[static_cast<std::size_t>(i)].referral);
  });
}

lm_status lm_round_advisors(const lm_round* round, int64_t n, int64_t* assigned,
                            int64_t* caseload_after, int64_t* load_cost) {
  return guarded("lm_round_advisors", [&] {
    const auto& r = deref(round, "round");
    check_n(n, r.n_advisors, "advisors");
    for (std::int64_t j = 0; j < n; ++j) {
      const libmatch::AdvisorLoad& a = r.result.advisors[static_cast<std::size_t>(j)];
      if (assigned) assigned[j] = a.assigned;
      if (caseload_after) caseload_after[j] = a.caseload_after;
      if (load_cost) load_cost[j] = a.load_cost;
    }
  });
}

}  // extern "C"
