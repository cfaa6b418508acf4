// The simulation for Python: libmatch.simulation compiles a scenario (JSON / dict, files read
// with pandas and GDAL) into a spec dict of plain values and numpy arrays; this file turns it
// into a C++ Scenario held by a Simulator, and returns results as dicts of numpy columns.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "bindings.hpp"
#include "interrupt.hpp"
#include "libmatch/areas.hpp"
#include "libmatch/error.hpp"
#include "libmatch/simulate.hpp"
#include "libmatch/travel.hpp"
#include "numpy_util.hpp"

namespace libmatch::py_bind {
namespace {

using i64 = std::int64_t;

// ---- spec dict -> Scenario ----------------------------------------------------------------

void check_keys(const py::dict& d, const std::set<std::string>& allowed, const std::string& what) {
  for (auto item : d) {
    const std::string k = py::str(item.first);
    if (!allowed.count(k)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw InvalidInput(what + ": unknown key '" + k + "' (allowed: " + list + ")");
    }
  }
}

template <class T>
T get(const py::dict& d, const char* key, T fallback) {
  if (!d.contains(key) || d[key].is_none()) return fallback;
  try {
    return d[key].cast<T>();
  } catch (const py::cast_error&) {
    throw InvalidType(std::string("scenario spec: '") + key + "' has the wrong type");
  }
}

template <class T>
std::vector<T> list_of(const py::handle& obj) {
  std::vector<T> out;
  for (auto v : obj) out.push_back(v.cast<T>());
  return out;
}

void need_len(std::size_t got, std::size_t n, const std::string& what) {
  if (got != n)
    throw InvalidInput("scenario spec: " + what + " has " + std::to_string(got) +
                       " entries, expected " + std::to_string(n));
}

DurationKind duration_kind(const std::string& name, const std::string& where) {
  if (name == "fixed") return DurationKind::Fixed;
  if (name == "uniform") return DurationKind::Uniform;
  if (name == "gamma") return DurationKind::Gamma;
  throw InvalidInput("scenario: " + where + ".dist '" + name +
                     "' is not a known distribution (fixed, uniform, gamma)");
}

EventKind event_kind(const std::string& name, const std::string& where) {
  if (name == "join") return EventKind::Join;
  if (name == "leave") return EventKind::Leave;
  if (name == "absence") return EventKind::Absence;
  if (name == "capacity") return EventKind::Capacity;
  throw InvalidInput("scenario: " + where + ".type '" + name +
                     "' is not a known event (join, leave, absence, capacity)");
}

// Weights / Rules come as the bound classes (libmatch.Weights / libmatch.Rules); of the
// rules only radius_hard, allow_partial_expertise and max_travel_minutes apply (simulate.hpp).
template <class T>
T option_of(const py::handle& obj, const char* what) {
  try {
    return obj.cast<T>();
  } catch (const py::cast_error&) {
    throw InvalidType(std::string("scenario spec: '") + what + "' must be a libmatch." +
                      (std::is_same_v<T, Weights> ? "Weights" : "Rules"));
  }
}

RuleOptions rules_from(const py::handle& obj) {
  const auto given = option_of<RuleOptions>(obj, "rules");
  RuleOptions r;
  r.radius_hard = given.radius_hard;
  r.allow_partial_expertise = given.allow_partial_expertise;
  r.max_travel_minutes = given.max_travel_minutes;
  return r;
}

// Service specs: durations, catalogue fields and pathway steps.
std::vector<ServiceSpec> services_from(const py::handle& obj) {
  std::vector<ServiceSpec> out;
  for (auto item : obj) {
    py::dict d = item.cast<py::dict>();
    ServiceSpec sv;
    sv.name = get<std::string>(d, "name", "");
    const std::string where = "services['" + sv.name + "'].duration_weeks";
    sv.duration.kind = duration_kind(get<std::string>(d, "dist", "fixed"), where);
    sv.duration.mean_weeks = get<double>(d, "mean_weeks", 1.0);
    sv.duration.sd_weeks = get<double>(d, "sd_weeks", 0.0);
    sv.duration.min_weeks = get<double>(d, "min_weeks", 1.0);
    sv.duration.max_weeks = get<double>(d, "max_weeks", sv.duration.min_weeks);
    sv.hours_per_case = get<double>(d, "hours_per_case", 0.0);
    sv.cost_eur = get<double>(d, "cost_eur", 0.0);
    sv.max_cases = get<i64>(d, "max_cases", kUnlimited);
    sv.budget_eur = get<double>(d, "budget_eur", sv.budget_eur);
    sv.referral_only = get<bool>(d, "referral_only", false);
    sv.refer_to = get<std::string>(d, "refer_to", "");
    if (d.contains("offered_in")) sv.offered_in = list_of<i64>(d["offered_in"]);
    if (d.contains("next"))
      for (auto p : d["next"]) {
        py::dict n = p.cast<py::dict>();
        sv.next.push_back({get<std::int32_t>(n, "service", 0), get<double>(n, "probability", 0.0),
                           get<i64>(n, "delay_weeks", 0)});
      }
    out.push_back(sv);
  }
  return out;
}

// Replay rows (columns of equal length; the rule columns are optional).
std::vector<ReplayArrival> replay_from(const py::dict& r) {
  std::vector<ReplayArrival> out;
  auto week = int64_vector(r["week"], "replay week");
  const std::size_t n = week.size();
  auto loc = int64_vector(r["location"], "replay location");
  auto service = int64_vector(r["service"], "replay service");
  auto priority = int64_vector(r["priority"], "replay priority");
  auto duration = float64_vector(r["duration_weeks"], "replay duration_weeks");
  auto referred = int64_vector(r["referred"], "replay referred");
  auto needs = r["needs"].cast<std::vector<std::vector<std::int32_t>>>();
  need_len(loc.size(), n, "replay location");
  need_len(service.size(), n, "replay service");
  need_len(priority.size(), n, "replay priority");
  need_len(duration.size(), n, "replay duration_weeks");
  need_len(referred.size(), n, "replay referred");
  need_len(needs.size(), n, "replay needs");
  auto list_col = [&](const char* key) {
    std::vector<std::vector<i64>> v(n);
    if (r.contains(key)) v = r[key].cast<std::vector<std::vector<i64>>>();
    need_len(v.size(), n, std::string("replay ") + key);
    return v;
  };
  auto int_col = [&](const char* key, i64 fallback) {
    std::vector<i64> v(n, fallback);
    if (r.contains(key)) v = int64_vector(r[key], (std::string("replay ") + key).c_str());
    need_len(v.size(), n, std::string("replay ") + key);
    return v;
  };
  auto float_col = [&](const char* key) {
    std::vector<double> v(n, std::numeric_limits<double>::quiet_NaN());
    if (r.contains(key)) v = float64_vector(r[key], (std::string("replay ") + key).c_str());
    need_len(v.size(), n, std::string("replay ") + key);
    return v;
  };
  auto more = list_col("more_locations"), exclude = list_col("exclude");
  auto current = int_col("current_advisor", -1), pinned = int_col("pinned", 0);
  auto day = int_col("day", -1), segment = int_col("segment", -1);
  auto hours = float_col("hours"), cost = float_col("cost_eur");
  for (std::size_t k = 0; k < n; ++k) {
    ReplayArrival a;
    a.week = week[k];
    a.location = loc[k];
    a.service = static_cast<std::int32_t>(service[k]);
    a.needs = needs[k];
    a.priority = priority[k];
    a.duration_weeks = duration[k];
    a.referred = referred[k] != 0;
    a.more_locations = more[k];
    a.exclude = exclude[k];
    a.current_advisor = current[k];
    a.pinned = pinned[k] != 0;
    a.day = day[k];
    a.segment = static_cast<std::int32_t>(segment[k]);
    a.hours = hours[k];
    a.cost_eur = cost[k];
    out.push_back(std::move(a));
  }
  return out;
}

// Arrival streams (Poisson or approach lists).
std::vector<ArrivalStream> arrivals_from(const py::handle& obj) {
  std::vector<ArrivalStream> out;
  for (auto item : obj) {
    py::dict d = item.cast<py::dict>();
    ArrivalStream st;
    st.label = get<std::string>(d, "label", "");
    st.service = get<std::int32_t>(d, "service", 0);
    st.rate_per_week = get<double>(d, "rate_per_week", 0.0);
    st.count = get<i64>(d, "count", -1);
    st.segment = get<std::int32_t>(d, "segment", -1);
    if (d.contains("locations") && !d["locations"].is_none())
      st.locations = int64_vector(d["locations"], "arrival locations");
    if (d.contains("location_weights") && !d["location_weights"].is_none())
      st.location_weights = float64_vector(d["location_weights"], "arrival location_weights");
    if (d.contains("needs"))
      for (auto p : d["needs"]) {
        auto t = p.cast<py::tuple>();
        st.needs.push_back({t[0].cast<std::int32_t>(), t[1].cast<double>()});
      }
    if (d.contains("priorities"))
      for (auto p : d["priorities"]) {
        auto t = p.cast<py::tuple>();
        st.priorities.push_back({t[0].cast<i64>(), t[1].cast<double>()});
      }
    st.refer_probability = get<double>(d, "refer_probability", 0.0);
    st.first_week = get<i64>(d, "first_week", 0);
    st.last_week = get<i64>(d, "last_week", std::numeric_limits<i64>::max());
    out.push_back(std::move(st));
  }
  return out;
}

// The advisors' columns (capacity_hours optional).
std::vector<Advisor> advisors_from(const py::dict& a) {
  std::vector<Advisor> out;
  auto ids = list_of<std::string>(a["advisor_id"]);
  const std::size_t n = ids.size();
  auto xy = as_xy(a["xy"], "advisors xy");
  need_len(static_cast<std::size_t>(xy.shape(0)), n, "advisors xy");
  auto service = int64_vector(a["service"], "advisors service");
  auto capacity = int64_vector(a["capacity"], "advisors capacity");
  auto caseload = int64_vector(a["caseload"], "advisors caseload");
  auto rkm = float64_vector(a["radius_km"], "advisors radius_km");
  auto rmin = float64_vector(a["radius_minutes"], "advisors radius_minutes");
  auto expertise = a["expertise"].cast<std::vector<std::vector<std::int32_t>>>();
  auto areas = a["areas"].cast<std::vector<std::vector<i64>>>();
  need_len(service.size(), n, "advisors service");
  need_len(capacity.size(), n, "advisors capacity");
  need_len(caseload.size(), n, "advisors caseload");
  need_len(rkm.size(), n, "advisors radius_km");
  need_len(rmin.size(), n, "advisors radius_minutes");
  need_len(expertise.size(), n, "advisors expertise");
  need_len(areas.size(), n, "advisors areas");
  std::vector<double> hours(n, std::numeric_limits<double>::infinity());
  if (a.contains("capacity_hours") && !a["capacity_hours"].is_none())
    hours = float64_vector(a["capacity_hours"], "advisors capacity_hours");
  need_len(hours.size(), n, "advisors capacity_hours");
  for (std::size_t k = 0; k < n; ++k) {
    Advisor adv;
    adv.id = ids[k];
    adv.base = {xy.at(k, 0), xy.at(k, 1)};
    adv.service = static_cast<std::int32_t>(service[k]);
    adv.expertise = expertise[k];
    adv.capacity = capacity[k];
    adv.caseload = caseload[k];
    adv.radius_km = rkm[k];
    adv.radius_minutes = rmin[k];
    adv.areas = areas[k];
    adv.capacity_hours = hours[k];
    out.push_back(std::move(adv));
  }
  return out;
}

Scenario scenario_from_spec(const py::dict& spec) {
  check_keys(spec,
             {"name",
              "horizon_weeks",
              "services",
              "tags",
              "advisors",
              "locations",
              "arrivals",
              "replay",
              "events",
              "areas",
              "travel",
              "weights",
              "rules",
              "no_klik_probability",
              "escalate_after_weeks",
              "reassign_absence_weeks",
              "initial_cases",
              "segments",
              "budget_eur",
              "reserve"},
             "scenario spec");
  Scenario s;
  s.name = get<std::string>(spec, "name", s.name);
  s.horizon_weeks = get<i64>(spec, "horizon_weeks", s.horizon_weeks);
  s.no_klik_probability = get<double>(spec, "no_klik_probability", 0.0);
  s.escalate_after_weeks = get<i64>(spec, "escalate_after_weeks", s.escalate_after_weeks);
  s.reassign_absence_weeks = get<i64>(spec, "reassign_absence_weeks", 0);
  s.initial_cases = get<bool>(spec, "initial_cases", true);
  if (spec.contains("tags")) s.tags = list_of<std::string>(spec["tags"]);
  if (spec.contains("segments")) s.segments = list_of<std::string>(spec["segments"]);
  s.budget_eur = get<double>(spec, "budget_eur", s.budget_eur);
  if (spec.contains("reserve"))
    for (auto item : spec["reserve"]) {
      py::dict d = item.cast<py::dict>();
      ReservePolicy r;
      r.service = get<std::int32_t>(d, "service", 0);
      r.slots = get<i64>(d, "slots", 0);
      r.min_priority = get<i64>(d, "min_priority", 0);
      r.until_week = get<i64>(d, "until_week", r.until_week);
      s.reserve.push_back(r);
    }

  if (spec.contains("services")) s.services = services_from(spec["services"]);
  if (spec.contains("advisors") && !spec["advisors"].is_none())
    s.advisors = advisors_from(spec["advisors"].cast<py::dict>());
  if (spec.contains("locations") && !spec["locations"].is_none()) {
    auto xy = as_xy(spec["locations"], "locations");
    for (py::ssize_t k = 0; k < xy.shape(0); ++k) s.locations.push_back({xy.at(k, 0), xy.at(k, 1)});
  }
  if (spec.contains("arrivals")) s.arrivals = arrivals_from(spec["arrivals"]);
  if (spec.contains("replay") && !spec["replay"].is_none())
    s.replay = replay_from(spec["replay"].cast<py::dict>());
  if (spec.contains("events")) {
    std::size_t k = 0;
    for (auto item : spec["events"]) {
      py::dict d = item.cast<py::dict>();
      AdvisorEvent e;
      e.week = get<i64>(d, "week", 0);
      e.kind = event_kind(get<std::string>(d, "type", ""), "events[" + std::to_string(k++) + "]");
      e.advisor = get<i64>(d, "advisor", -1);
      e.weeks = get<i64>(d, "weeks", 0);
      e.capacity = get<i64>(d, "capacity", 0);
      s.events.push_back(e);
    }
  }
  if (spec.contains("areas") && !spec["areas"].is_none()) {
    py::object obj = spec["areas"];
    if (!py::isinstance<AreaSet>(obj) && py::hasattr(obj, "_impl")) obj = obj.attr("_impl");
    try {
      s.areas = obj.cast<AreaSet>();
    } catch (const py::cast_error&) {
      throw InvalidType("scenario areas must be a libmatch AreaSet or None");
    }
  }
  if (spec.contains("travel") && !spec["travel"].is_none()) {
    py::object obj = spec["travel"];
    if (!py::isinstance<TravelModel>(obj) && py::hasattr(obj, "_impl")) obj = obj.attr("_impl");
    try {
      s.travel = obj.cast<std::shared_ptr<TravelModel>>();
    } catch (const py::cast_error&) {
      throw InvalidType(
          "scenario travel must be a libmatch travel model (StraightLine, RoadNetwork) or None");
    }
  }
  if (spec.contains("weights") && !spec["weights"].is_none())
    s.weights = option_of<Weights>(spec["weights"], "weights");
  if (spec.contains("rules") && !spec["rules"].is_none()) s.rules = rules_from(spec["rules"]);
  return s;
}

// ---- results -> dicts of numpy columns ---------------------------------------------------

template <class Row, class T>
py::array_t<T> column(const std::vector<Row>& rows, T Row::*member) {
  py::array_t<T> out(static_cast<py::ssize_t>(rows.size()));
  auto* p = out.mutable_data();
  for (std::size_t k = 0; k < rows.size(); ++k) p[k] = rows[k].*member;
  return out;
}

template <class Row, class T, class Fn>
py::array_t<T> column_fn(const std::vector<Row>& rows, Fn fn) {
  py::array_t<T> out(static_cast<py::ssize_t>(rows.size()));
  auto* p = out.mutable_data();
  for (std::size_t k = 0; k < rows.size(); ++k) p[k] = fn(rows[k]);
  return out;
}

// Weekly KPI columns of several runs stacked, in WeekKpis order.
py::dict weekly_columns(const std::vector<WeekKpis>& w) {
  py::dict d;
  d["week"] = column(w, &WeekKpis::week);
  d["arrivals"] = column(w, &WeekKpis::arrivals);
  d["referred"] = column(w, &WeekKpis::referred);
  d["no_klik_returns"] = column(w, &WeekKpis::no_klik_returns);
  d["reassigned"] = column(w, &WeekKpis::reassigned);
  d["completed"] = column(w, &WeekKpis::completed);
  d["queued"] = column(w, &WeekKpis::queued);
  d["matched"] = column(w, &WeekKpis::matched);
  d["matched_first"] = column(w, &WeekKpis::matched_first);
  d["escalated"] = column(w, &WeekKpis::escalated);
  d["waiting"] = column(w, &WeekKpis::waiting);
  d["in_service"] = column(w, &WeekKpis::in_service);
  d["advisors_active"] = column(w, &WeekKpis::advisors_active);
  d["advisors_absent"] = column(w, &WeekKpis::advisors_absent);
  d["capacity_total"] = column(w, &WeekKpis::capacity_total);
  d["arrivals_total"] = column(w, &WeekKpis::arrivals_total);
  d["matched_total"] = column(w, &WeekKpis::matched_total);
  d["completed_total"] = column(w, &WeekKpis::completed_total);
  d["escalated_total"] = column(w, &WeekKpis::escalated_total);
  d["referred_total"] = column(w, &WeekKpis::referred_total);
  d["wait_mean"] = column(w, &WeekKpis::wait_mean);
  d["wait_p90"] = column(w, &WeekKpis::wait_p90);
  d["wait_max"] = column(w, &WeekKpis::wait_max);
  d["travel_mean"] = column(w, &WeekKpis::travel_mean);
  d["travel_p90"] = column(w, &WeekKpis::travel_p90);
  d["outside_area_share"] = column(w, &WeekKpis::outside_area_share);
  d["util_mean"] = column(w, &WeekKpis::util_mean);
  d["util_max"] = column(w, &WeekKpis::util_max);
  d["util_gini"] = column(w, &WeekKpis::util_gini);
  d["hours_started"] = column(w, &WeekKpis::hours_started);
  d["followups"] = column(w, &WeekKpis::followups);
  d["followups_total"] = column(w, &WeekKpis::followups_total);
  d["spend_eur"] = column(w, &WeekKpis::spend_eur);
  d["spend_eur_total"] = column(w, &WeekKpis::spend_eur_total);
  d["budget_left_eur"] = column(w, &WeekKpis::budget_left_eur);
  // slots left: one (weeks x services) int64 matrix, kUnlimited = no cap
  std::size_t n_svc = 0;  // runs of several scenarios: the widest, kUnlimited padding
  for (const auto& x : w) n_svc = std::max(n_svc, x.slots_left.size());
  py::array_t<i64> slots({static_cast<py::ssize_t>(w.size()), static_cast<py::ssize_t>(n_svc)});
  auto sl = slots.mutable_unchecked<2>();
  for (std::size_t k = 0; k < w.size(); ++k)
    for (std::size_t v = 0; v < n_svc; ++v)
      sl(static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(v)) =
          v < w[k].slots_left.size() ? w[k].slots_left[v] : kUnlimited;
  d["slots_left"] = slots;
  return d;
}

const char* kReasonKeys[5] = {"escalated_no_advisor_for_service", "escalated_no_expertise",
                              "escalated_all_excluded", "escalated_all_out_of_radius",
                              "escalated_no_capacity"};

py::dict summary_columns(const std::vector<const SimulationSummary*>& s) {
  using S = SimulationSummary;
  auto ic = [&](i64 S::*m) {
    py::array_t<i64> out(static_cast<py::ssize_t>(s.size()));
    for (std::size_t k = 0; k < s.size(); ++k) out.mutable_data()[k] = s[k]->*m;
    return out;
  };
  auto fc = [&](double S::*m) {
    py::array_t<double> out(static_cast<py::ssize_t>(s.size()));
    for (std::size_t k = 0; k < s.size(); ++k) out.mutable_data()[k] = s[k]->*m;
    return out;
  };
  py::dict d;
  d["weeks"] = ic(&S::weeks);
  d["initial_cases"] = ic(&S::initial_cases);
  d["arrivals"] = ic(&S::arrivals);
  d["referred"] = ic(&S::referred);
  d["matched"] = ic(&S::matched);
  d["matched_first"] = ic(&S::matched_first);
  d["escalated"] = ic(&S::escalated);
  for (int r = 0; r < 5; ++r) {
    py::array_t<i64> out(static_cast<py::ssize_t>(s.size()));
    for (std::size_t k = 0; k < s.size(); ++k) out.mutable_data()[k] = s[k]->escalated_by_reason[r];
    d[kReasonKeys[r]] = out;
  }
  d["no_klik_returns"] = ic(&S::no_klik_returns);
  d["reassigned"] = ic(&S::reassigned);
  d["completed"] = ic(&S::completed);
  d["waiting_end"] = ic(&S::waiting_end);
  d["in_service_end"] = ic(&S::in_service_end);
  d["wait_mean"] = fc(&S::wait_mean);
  d["wait_p90"] = fc(&S::wait_p90);
  d["wait_max"] = fc(&S::wait_max);
  d["travel_mean"] = fc(&S::travel_mean);
  d["travel_p90"] = fc(&S::travel_p90);
  d["outside_area_share"] = fc(&S::outside_area_share);
  d["util_mean"] = fc(&S::util_mean);
  d["util_max"] = fc(&S::util_max);
  d["util_gini_mean"] = fc(&S::util_gini_mean);
  d["escalated_share"] = fc(&S::escalated_share);
  d["hours_started"] = fc(&S::hours_started);
  for (int code = 1; code < kEscalationCodes; ++code) {
    py::array_t<i64> out(static_cast<py::ssize_t>(s.size()));
    for (std::size_t k = 0; k < s.size(); ++k)
      out.mutable_data()[k] = s[k]->escalated_by_code[code];
    d[py::str(std::string("by_code_") + to_string(static_cast<Escalation>(code)))] = out;
  }
  d["followups"] = ic(&S::followups);
  d["spend_eur"] = fc(&S::spend_eur);
  d["budget_left_eur"] = fc(&S::budget_left_eur);
  d["budget_out_week"] = ic(&S::budget_out_week);
  // per group (service / segment): (runs x groups) matrices per field
  auto groups = [&](std::vector<GroupTotals> S::*member) {
    std::size_t g = 0;  // runs of several scenarios: the widest, padded with defaults
    for (const auto* x : s) g = std::max(g, (x->*member).size());
    const GroupTotals pad;
    auto at = [&](std::size_t k, std::size_t j) -> const GroupTotals& {
      return j < (s[k]->*member).size() ? (s[k]->*member)[j] : pad;
    };
    py::dict out;
    auto mat_i = [&](i64 GroupTotals::*f) {
      py::array_t<i64> a({static_cast<py::ssize_t>(s.size()), static_cast<py::ssize_t>(g)});
      auto v = a.mutable_unchecked<2>();
      for (std::size_t k = 0; k < s.size(); ++k)
        for (std::size_t j = 0; j < g; ++j)
          v(static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(j)) = at(k, j).*f;
      return a;
    };
    auto mat_f = [&](double GroupTotals::*f) {
      py::array_t<double> a({static_cast<py::ssize_t>(s.size()), static_cast<py::ssize_t>(g)});
      auto v = a.mutable_unchecked<2>();
      for (std::size_t k = 0; k < s.size(); ++k)
        for (std::size_t j = 0; j < g; ++j)
          v(static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(j)) = at(k, j).*f;
      return a;
    };
    out["started"] = mat_i(&GroupTotals::started);
    out["completed"] = mat_i(&GroupTotals::completed);
    out["referred"] = mat_i(&GroupTotals::referred);
    out["escalated"] = mat_i(&GroupTotals::escalated);
    out["spend_eur"] = mat_f(&GroupTotals::spend_eur);
    out["lead_days_mean"] = mat_f(&GroupTotals::lead_days_mean);
    out["lead_days_p90"] = mat_f(&GroupTotals::lead_days_p90);
    out["slots_left"] = mat_i(&GroupTotals::slots_left);
    out["out_week"] = mat_i(&GroupTotals::out_week);
    return out;
  };
  d["by_service"] = groups(&S::by_service);
  d["by_segment"] = groups(&S::by_segment);
  return d;
}

py::dict result_dict(SimulationResult&& r, bool details) {
  py::dict out;
  out["seed"] = r.seed;
  out["weekly"] = weekly_columns(r.weeks);
  py::dict summary;
  for (auto item : summary_columns({&r.summary})) {
    if (py::isinstance<py::dict>(item.second)) {  // by_service / by_segment: first row
      py::dict g;
      for (auto f : item.second.cast<py::dict>()) g[f.first] = f.second.attr("__getitem__")(0);
      summary[item.first] = g;
      continue;
    }
    py::array a = item.second.cast<py::array>();
    summary[item.first] = a.attr("item")(0);
  }
  out["summary"] = summary;
  if (!details) return out;
  const auto& c = r.cases;
  py::dict cases;
  cases["case_id"] = column(c, &CaseRecord::case_id);
  cases["registered"] = column(c, &CaseRecord::registered);
  cases["service"] = column(c, &CaseRecord::service);
  cases["location"] = column(c, &CaseRecord::location);
  cases["area"] = column(c, &CaseRecord::area);
  cases["priority"] = column(c, &CaseRecord::priority);
  cases["n_needs"] = column(c, &CaseRecord::n_needs);
  cases["duration_weeks"] = column(c, &CaseRecord::duration_weeks);
  cases["first_matched"] = column(c, &CaseRecord::first_matched);
  cases["ended"] = column(c, &CaseRecord::ended);
  cases["status"] = column(c, &CaseRecord::status);
  cases["reason"] = column_fn<CaseRecord, std::int8_t>(
      c, [](const CaseRecord& x) { return static_cast<std::int8_t>(x.reason); });
  cases["matches"] = column(c, &CaseRecord::matches);
  cases["segment"] = column(c, &CaseRecord::segment);
  cases["parent_case"] = column(c, &CaseRecord::parent_case);
  cases["registered_day"] = column(c, &CaseRecord::registered_day);
  cases["start_day"] = column(c, &CaseRecord::start_day);
  cases["cost_eur"] = column(c, &CaseRecord::cost_eur);
  cases["referral"] = column_fn<CaseRecord, std::int8_t>(
      c, [](const CaseRecord& x) { return static_cast<std::int8_t>(x.referral); });
  out["cases"] = cases;
  const auto& a = r.assignments;
  py::dict asg;
  asg["case_id"] = column(a, &AssignmentRecord::case_id);
  asg["advisor"] = column(a, &AssignmentRecord::advisor);
  asg["week_start"] = column(a, &AssignmentRecord::week_start);
  asg["week_end"] = column(a, &AssignmentRecord::week_end);
  asg["end"] = column(a, &AssignmentRecord::end);
  asg["minutes"] = column(a, &AssignmentRecord::minutes);
  asg["outside_area"] = column(a, &AssignmentRecord::outside_area);
  out["assignments"] = asg;
  const auto& w = r.advisor_weeks;
  py::dict aw;
  aw["week"] = column(w, &AdvisorWeek::week);
  aw["advisor"] = column(w, &AdvisorWeek::advisor);
  aw["capacity"] = column(w, &AdvisorWeek::capacity);
  aw["caseload"] = column(w, &AdvisorWeek::caseload);
  aw["status"] = column(w, &AdvisorWeek::status);
  out["advisor_weeks"] = aw;
  return out;
}

}  // namespace

void bind_simulate(py::module_& m) {
  py::enum_<CaseStatusCode>(m, "CaseStatus", "Status of a simulated case (SimulationResult.cases).")
      .value("waiting", CaseStatusCode::Waiting, "registered, not yet matched")
      .value("in_service", CaseStatusCode::InService, "with an advisor")
      .value("completed", CaseStatusCode::Completed, "guidance finished")
      .value("escalated", CaseStatusCode::Escalated, "unmatched for escalate_after_weeks weeks")
      .value("referred", CaseStatusCode::Referred, "referred elsewhere on arrival");
  py::enum_<StintEndCode>(m, "StintEnd",
                          "How a case-advisor stint ended (SimulationResult.assignments).")
      .value("running", StintEndCode::Running, "still running at the horizon")
      .value("completed", StintEndCode::Completed, "the case was completed")
      .value("no_klik", StintEndCode::NoKlik, "'no klik': the case went back to the queue")
      .value("reassigned", StintEndCode::Reassigned,
             "moved by an advisor event (leave, absence, capacity)");
  py::enum_<AdvisorStatusCode>(m, "AdvisorStatus",
                               "Advisor status per week (SimulationResult.advisor_weeks).")
      .value("in_pool", AdvisorStatusCode::InPool, "available")
      .value("absent", AdvisorStatusCode::Absent, "absent this week")
      .value("not_joined", AdvisorStatusCode::NotJoined, "joins later")
      .value("left", AdvisorStatusCode::Left, "has left");
  py::class_<Simulator>(m, "Simulator")
      .def(py::init([](const py::dict& spec, int threads) {
             Scenario s = scenario_from_spec(spec);
             py::gil_scoped_release release;
             return Simulator(std::move(s), threads);
           }),
           py::arg("spec"), py::arg("threads") = 0)
      .def_property_readonly("name", [](const Simulator& s) { return s.scenario().name; })
      .def_property_readonly("horizon_weeks",
                             [](const Simulator& s) { return s.scenario().horizon_weeks; })
      .def_property_readonly("advisor_ids",
                             [](const Simulator& s) {
                               std::vector<std::string> ids;
                               for (const auto& a : s.scenario().advisors) ids.push_back(a.id);
                               return ids;
                             })
      .def_property_readonly("service_names",
                             [](const Simulator& s) {
                               std::vector<std::string> names;
                               for (const auto& v : s.scenario().services) names.push_back(v.name);
                               return names;
                             })
      .def(
          "run",
          [](const Simulator& self, std::uint64_t seed, bool details) {
            SimulationResult r = run_interruptible([&] { return self.run(seed, details); });
            return result_dict(std::move(r), details);
          },
          py::arg("seed"), py::arg("details") = true);

  m.def(
      "validate_scenario", [](const py::dict& spec) { validate(scenario_from_spec(spec)); },
      py::arg("spec"));

  m.def(
      "simulate_many",
      [](const std::vector<const Simulator*>& sims, const std::vector<std::uint64_t>& seeds,
         int threads, const py::object& progress, bool weekly) {
        std::function<void(std::int64_t)> cb;
        if (!progress.is_none())
          cb = [progress](std::int64_t done) {
            py::gil_scoped_acquire gil;
            progress(done);
            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
          };
        std::vector<SimulationResult> results =
            run_interruptible([&] { return simulate_many(sims, seeds, threads, cb); });
        std::vector<const SimulationSummary*> sums;
        for (const auto& r : results) sums.push_back(&r.summary);
        py::dict out;
        out["summary"] = summary_columns(sums);
        if (weekly) {
          std::vector<WeekKpis> all;
          std::vector<i64> run;
          for (std::size_t k = 0; k < results.size(); ++k)
            for (const auto& w : results[k].weeks) {
              all.push_back(w);
              run.push_back(static_cast<i64>(k));
            }
          py::dict wk = weekly_columns(all);
          py::array_t<i64> run_col(static_cast<py::ssize_t>(run.size()));
          std::copy(run.begin(), run.end(), run_col.mutable_data());
          wk["run"] = run_col;
          out["weekly"] = wk;
        }
        return out;
      },
      py::arg("simulators"), py::arg("seeds"), py::arg("threads") = 0,
      py::arg("progress") = py::none(), py::arg("weekly") = false);

  m.attr("SIMULATION_ESCALATION_KEYS") = py::make_tuple(
      kReasonKeys[0], kReasonKeys[1], kReasonKeys[2], kReasonKeys[3], kReasonKeys[4]);
}

}  // namespace libmatch::py_bind
