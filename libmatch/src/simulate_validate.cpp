// Scenario validation: every message names the field at fault and the allowed range.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "format.hpp"
#include "libmatch/error.hpp"
#include "libmatch/scoring.hpp"
#include "libmatch/simulate.hpp"

namespace libmatch {

namespace {

using i64 = std::int64_t;

std::string num(double v) { return detail::format_number(v); }

[[noreturn]] void bad(const std::string& field, const std::string& what) {
  throw InvalidInput("scenario: " + field + " " + what);
}

void check_probability(double p, const std::string& field) {
  if (!(p >= 0.0 && p <= 1.0)) bad(field, "= " + num(p) + " is not a probability in [0, 1]");
}

void check_nonneg(double v, const std::string& field) {
  if (!(std::isfinite(v) && v >= 0.0)) bad(field, "= " + num(v) + " must be finite and >= 0");
}

// A cell of an input table (advisors, replay): named by field, never echoed (personal data).
void check_nonneg_cell(double v, const std::string& field) {
  if (!(std::isfinite(v) && v >= 0.0)) bad(field, "must be finite and >= 0");
}

// Durations are whole weeks of a horizon of at most 100,000 weeks: longer ones would overflow
// the integer week arithmetic.
constexpr double kMaxDurationWeeks = 1e6;

void check_index(i64 k, i64 n, const std::string& field, const char* what) {
  if (k < 0 || k >= n)
    throw UnknownId("scenario: " + field + " = " + std::to_string(k) + " is not a known " + what +
                    " index [0, " + std::to_string(n) + ")");
}

void check_duration(const DurationSpec& d, const std::string& field) {
  switch (d.kind) {
    case DurationKind::Fixed:
      if (!(std::isfinite(d.mean_weeks) && d.mean_weeks > 0 && d.mean_weeks <= kMaxDurationWeeks))
        bad(field + ".mean_weeks", "= " + num(d.mean_weeks) + " must be in (0, 1e6] weeks");
      break;
    case DurationKind::Gamma:
      if (!(std::isfinite(d.mean_weeks) && d.mean_weeks > 0 && d.mean_weeks <= kMaxDurationWeeks))
        bad(field + ".mean_weeks", "= " + num(d.mean_weeks) + " must be in (0, 1e6] weeks");
      check_nonneg(d.sd_weeks, field + ".sd_weeks");
      if (d.sd_weeks > kMaxDurationWeeks) bad(field + ".sd_weeks", "must be <= 1e6 weeks");
      break;
    case DurationKind::Uniform:
      if (!(std::isfinite(d.min_weeks) && d.min_weeks >= 1))
        bad(field + ".min_weeks", "= " + num(d.min_weeks) + " must be finite and >= 1");
      if (!(std::isfinite(d.max_weeks) && d.max_weeks >= d.min_weeks))
        bad(field + ".max_weeks", "= " + num(d.max_weeks) + " must be finite and >= min_weeks (" +
                                      num(d.min_weeks) + ")");
      if (d.max_weeks > kMaxDurationWeeks) bad(field + ".max_weeks", "must be <= 1e6 weeks");
      break;
    default:
      bad(field + ".kind", "is not a known distribution");
  }
}

const char* event_name(EventKind k) {
  switch (k) {
    case EventKind::Join:
      return "join";
    case EventKind::Leave:
      return "leave";
    case EventKind::Absence:
      return "absence";
    case EventKind::Capacity:
      return "capacity";
  }
  return "?";
}

struct Sizes {
  i64 services, tags, advisors, locations, areas, segments;
};

void check_services(const Scenario& s, const Sizes& n) {
  std::set<std::string> names;
  for (i64 k = 0; k < n.services; ++k) {
    const auto& sv = s.services[k];
    const std::string f = "services['" + sv.name + "']";
    if (sv.name.empty()) bad("services[" + std::to_string(k) + "].name", "is empty");
    if (!names.insert(sv.name).second) bad(f, "is defined twice");
    check_duration(sv.duration, f + ".duration_weeks");
    check_nonneg(sv.hours_per_case, f + ".hours_per_case");
    check_nonneg(sv.cost_eur, f + ".cost_eur");
    if (sv.max_cases < 0)
      bad(f + ".max_cases", "= " + std::to_string(sv.max_cases) + " must be >= 0");
    if (std::isnan(sv.budget_eur) || sv.budget_eur < 0)
      bad(f + ".budget_eur", "= " + num(sv.budget_eur) + " must be >= 0 (inf = none)");
    if (!sv.offered_in.empty() && !s.areas)
      bad(f + ".offered_in", "is given but the scenario has no orientation areas");
    for (auto a : sv.offered_in) check_index(a, n.areas, f + ".offered_in", "orientation-area");
    double psum = 0;
    for (std::size_t j = 0; j < sv.next.size(); ++j) {
      const auto& st = sv.next[j];
      const std::string g = f + ".next[" + std::to_string(j) + "]";
      check_index(st.service, n.services, g + ".service", "service");
      check_probability(st.probability, g + ".probability");
      if (st.delay_weeks < 0)
        bad(g + ".delay_weeks", "= " + std::to_string(st.delay_weeks) + " must be >= 0");
      psum += st.probability;
    }
    if (psum > 1.0 + 1e-9)
      bad(f + ".next", "probabilities sum to " + num(psum) + " > 1 (the steps are exclusive)");
  }
}

void check_programme(const Scenario& s, const Sizes& n) {
  if (std::isnan(s.budget_eur) || s.budget_eur < 0)
    bad("budget_eur", "= " + num(s.budget_eur) + " must be >= 0 (inf = none)");
  std::set<i64> seen;
  for (std::size_t k = 0; k < s.reserve.size(); ++k) {
    const auto& r = s.reserve[k];
    const std::string f = "reserve[" + std::to_string(k) + "]";
    check_index(r.service, n.services, f + ".service", "service");
    if (!seen.insert(r.service).second)
      bad(f + ".service", "'" + s.services[r.service].name + "' has a second reservation");
    if (r.slots < 0) bad(f + ".slots", "= " + std::to_string(r.slots) + " must be >= 0");
    if (r.until_week < 0)
      bad(f + ".until_week", "= " + std::to_string(r.until_week) + " must be >= 0");
  }
  std::set<std::string> names;
  for (std::size_t k = 0; k < s.segments.size(); ++k)
    if (s.segments[k].empty() || !names.insert(s.segments[k]).second)
      bad("segments[" + std::to_string(k) + "]", "is empty or defined twice");
}

void check_advisors(const Scenario& s, const Sizes& n) {
  std::set<std::string> ids;
  for (i64 a = 0; a < n.advisors; ++a) {
    const auto& adv = s.advisors[a];
    const std::string f = "advisor '" + adv.id + "'";
    if (adv.id.empty()) bad("advisors[" + std::to_string(a) + "].advisor_id", "is empty");
    if (!ids.insert(adv.id).second) bad(f, "appears twice (advisor ids must be unique)");
    check_index(adv.service, n.services, f + " service", "service");
    for (auto t : adv.expertise) check_index(t, n.tags, f + " expertise tag", "tag");
    // Table cells are named, never echoed (personal data).
    if (adv.capacity < 0) bad(f + " capacity", "must be >= 0");
    if (adv.caseload < 0 || adv.caseload > adv.capacity)
      bad(f + " caseload", "must be in [0, capacity]");
    if (!std::isfinite(adv.base.x) || !std::isfinite(adv.base.y)) bad(f + " base", "is not finite");
    if (std::isnan(adv.radius_km) || adv.radius_km < 0)
      bad(f + " radius_km", "must be >= 0 (inf = none)");
    if (std::isnan(adv.radius_minutes) || adv.radius_minutes < 0)
      bad(f + " radius_minutes", "must be >= 0 (inf = none)");
    if (std::isnan(adv.capacity_hours) || adv.capacity_hours < 0)
      bad(f + " capacity_hours", "must be >= 0 (inf = no hour limit)");
    if (!adv.areas.empty() && !s.areas)
      bad(f + " areas", "are given but the scenario has no orientation areas");
    for (auto k : adv.areas) check_index(k, n.areas, f + " area", "orientation-area");
    if (s.initial_cases && adv.caseload > 0 && n.locations == 0)
      bad(f + " caseload",
          "> 0 needs locations to place the initial cases (or initial_cases = false)");
  }
}

void check_stream(const Scenario& s, const Sizes& n, const ArrivalStream& st,
                  const std::string& f) {
  check_index(st.service, n.services, f + ".service", "service");
  check_nonneg(st.rate_per_week, f + ".rate_per_week");
  if (st.segment != -1) check_index(st.segment, n.segments, f + ".segment", "segment");
  if (st.count < -1)
    bad(f + ".count", "= " + std::to_string(st.count) + " must be >= 0 (-1 = Poisson stream)");
  if (st.count >= 0 && st.rate_per_week != 0)
    bad(f, "has both count (an approach list) and rate_per_week (a Poisson stream)");
  if (static_cast<double>(st.count) > kMaxExpectedArrivals)
    bad(f + ".count",
        "= " + std::to_string(st.count) + " exceeds the maximum of " + num(kMaxExpectedArrivals));
  if (st.count > 0 && st.locations.empty() && n.locations == 0)
    bad(f, "has a count > 0 but there are no locations");
  if (st.rate_per_week > kMaxArrivalRatePerWeek)
    bad(f + ".rate_per_week", "= " + num(st.rate_per_week) + " exceeds the maximum of " +
                                  num(kMaxArrivalRatePerWeek) + " per week");
  for (auto l : st.locations) check_index(l, n.locations, f + ".locations", "location");
  if (!st.location_weights.empty() && st.location_weights.size() != st.locations.size())
    bad(f + ".location_weights", "has " + std::to_string(st.location_weights.size()) +
                                     " entries, locations " + std::to_string(st.locations.size()));
  double wsum = 0;
  for (double w : st.location_weights) {
    check_nonneg(w, f + ".location_weights");
    wsum += w;
  }
  if (st.rate_per_week > 0 || st.count > 0) {
    if (st.rate_per_week > 0 && st.locations.empty() && n.locations == 0)
      bad(f, "has a rate > 0 but there are no locations");
    if (!st.location_weights.empty() && !(wsum > 0))
      bad(f + ".location_weights", "sum to 0: no location can be drawn");
  }
  for (const auto& tc : st.needs) {
    check_index(tc.tag, n.tags, f + ".needs", "tag");
    check_probability(tc.probability, f + ".needs['" + s.tags[tc.tag] + "']");
  }
  double psum = 0;
  for (const auto& pc : st.priorities) {
    check_nonneg(pc.probability, f + ".priority['" + std::to_string(pc.priority) + "']");
    psum += pc.probability;
  }
  if (!st.priorities.empty() && !(psum > 0)) bad(f + ".priority", "probabilities sum to 0");
  check_probability(st.refer_probability, f + ".refer_probability");
  if (st.first_week < 0)
    bad(f + ".first_week", "= " + std::to_string(st.first_week) + " must be >= 0");
  if (st.last_week < st.first_week)
    bad(f + ".last_week", "= " + std::to_string(st.last_week) + " must be >= first_week");
}

void check_replay(const Scenario& s, const Sizes& n) {
  for (std::size_t k = 0; k < s.replay.size(); ++k) {
    const auto& r = s.replay[k];
    const std::string f = "replay[" + std::to_string(k) + "]";
    if (r.week < 0) bad(f + ".week", "must be >= 0 (registered on or after start_date)");
    check_index(r.location, n.locations, f + ".location", "location");
    for (auto l : r.more_locations) check_index(l, n.locations, f + ".locations", "location");
    for (auto a : r.exclude) check_index(a, n.advisors, f + ".exclude", "advisor");
    if (r.current_advisor != -1 && r.current_advisor != kAdvisorNotInPool)
      check_index(r.current_advisor, n.advisors, f + ".current_advisor", "advisor");
    if (r.day < -1 || r.day > 6) bad(f + ".day", "must be a day of the week 0..6");
    if (!std::isnan(r.hours)) check_nonneg_cell(r.hours, f + ".hours");
    if (!std::isnan(r.cost_eur)) check_nonneg_cell(r.cost_eur, f + ".cost_eur");
    if (r.segment != -1) check_index(r.segment, n.segments, f + ".segment", "segment");
    check_index(r.service, n.services, f + ".service", "service");
    for (auto t : r.needs) check_index(t, n.tags, f + ".needs", "tag");
    if (!std::isnan(r.duration_weeks) && !(std::isfinite(r.duration_weeks) && r.duration_weeks > 0))
      bad(f + ".duration_weeks", "must be > 0 (or empty = drawn)");
    if (r.duration_weeks > kMaxDurationWeeks) bad(f + ".duration_weeks", "must be <= 1e6 weeks");
  }
}

// Each event on its own, then pool membership replayed in (week, input) order.
void check_events(const Scenario& s, const Sizes& n) {
  std::vector<char> in_pool(n.advisors, 1), joins(n.advisors, 0);
  for (std::size_t k = 0; k < s.events.size(); ++k) {
    const auto& e = s.events[k];
    const std::string f = "events[" + std::to_string(k) + "]";
    check_index(e.advisor, n.advisors, f + ".advisor", "advisor");
    if (e.week < 0) bad(f + ".week", "= " + std::to_string(e.week) + " must be >= 0");
    if (e.kind == EventKind::Join) {
      if (joins[e.advisor])
        bad(f, "joins advisor '" + s.advisors[e.advisor].id + "' a second time");
      joins[e.advisor] = 1;
      in_pool[e.advisor] = 0;
    }
    if (e.kind == EventKind::Absence && e.weeks < 1)
      bad(f + ".weeks", "= " + std::to_string(e.weeks) + " must be >= 1");
    if (e.kind == EventKind::Capacity && e.capacity < 0)
      bad(f + ".capacity", "= " + std::to_string(e.capacity) + " must be >= 0");
    if (static_cast<int>(e.kind) < 0 || static_cast<int>(e.kind) > 3)
      bad(f + ".type", "is unknown");
  }
  std::vector<std::size_t> order(s.events.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return s.events[a].week < s.events[b].week;
  });
  std::vector<char> left(n.advisors, 0);
  for (std::size_t k : order) {
    const auto& e = s.events[k];
    const std::string f = "events[" + std::to_string(k) + "] (" + event_name(e.kind) + ", week " +
                          std::to_string(e.week) + ")";
    const std::string who = "advisor '" + s.advisors[e.advisor].id + "'";
    if (e.kind == EventKind::Join) {
      if (left[e.advisor]) bad(f, ": " + who + " has already left");
      in_pool[e.advisor] = 1;
    } else if (!in_pool[e.advisor]) {
      bad(f, ": " + who + (left[e.advisor] ? " has already left" : " has not joined yet"));
    } else if (e.kind == EventKind::Leave) {
      in_pool[e.advisor] = 0;
      left[e.advisor] = 1;
    }
  }
}

}  // namespace

void validate(const Scenario& s) {
  if (s.horizon_weeks < 1)
    bad("horizon_weeks", "= " + std::to_string(s.horizon_weeks) + " must be >= 1");
  if (s.horizon_weeks > 100000)
    bad("horizon_weeks", "= " + std::to_string(s.horizon_weeks) + " must be <= 100000");
  const Sizes n{static_cast<i64>(s.services.size()),
                static_cast<i64>(s.tags.size()),
                static_cast<i64>(s.advisors.size()),
                static_cast<i64>(s.locations.size()),
                s.areas ? static_cast<i64>(s.areas->size()) : 0,
                static_cast<i64>(s.segments.size())};
  check_services(s, n);
  check_advisors(s, n);
  for (i64 k = 0; k < n.locations; ++k)
    if (!std::isfinite(s.locations[k].x) || !std::isfinite(s.locations[k].y))
      bad("locations[" + std::to_string(k) + "]", "coordinates are not finite");
  double expected_arrivals = 0.0;  // every case is kept in memory for the run
  for (std::size_t k = 0; k < s.arrivals.size(); ++k) {
    const auto& st = s.arrivals[k];
    const std::string f = st.label.empty() ? "arrivals[" + std::to_string(k) + "]" : st.label;
    check_stream(s, n, st, f);
    const i64 last = std::min<i64>(st.last_week, s.horizon_weeks - 1);
    if (st.count >= 0)
      expected_arrivals += static_cast<double>(st.count);
    else if (last >= st.first_week)
      expected_arrivals += st.rate_per_week * static_cast<double>(last - st.first_week + 1);
    if (expected_arrivals > kMaxExpectedArrivals)
      bad(f + ".rate_per_week",
          "brings the expected arrivals over the horizon above the maximum of " +
              num(kMaxExpectedArrivals) + " in all");
  }
  check_replay(s, n);
  check_events(s, n);
  check_programme(s, n);
  check_probability(s.no_klik_probability, "no_klik_probability");
  if (s.escalate_after_weeks < 0)
    bad("escalate_after_weeks", "= " + std::to_string(s.escalate_after_weeks) + " must be >= 0");
  if (s.reassign_absence_weeks < 0)
    bad("reassign_absence_weeks",
        "= " + std::to_string(s.reassign_absence_weeks) + " must be >= 0");
  validate(s.weights, s.rules);
}

}  // namespace libmatch
