// The matching round for Python: libmatch.matching builds dense arrays (interned services and
// tags, CSR lists) and gets a MatchRound holding the C++ input and result.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "interrupt.hpp"
#include "libmatch/areas.hpp"
#include "libmatch/error.hpp"
#include "libmatch/match.hpp"
#include "libmatch/scoring.hpp"
#include "libmatch/travel.hpp"
#include "numpy_util.hpp"

namespace libmatch::py_bind {
namespace {

const TravelModel* travel_of(const py::object& travel) {
  if (travel.is_none()) return nullptr;
  py::object obj = travel;
  if (!py::isinstance<TravelModel>(obj) && py::hasattr(obj, "_impl")) obj = obj.attr("_impl");
  try {
    return obj.cast<const TravelModel*>();
  } catch (const py::cast_error&) {
    throw InvalidType("travel must be a libmatch travel model (StraightLine, RoadNetwork) or None");
  }
}

const AreaSet* areas_of(const py::object& areas) {
  if (areas.is_none()) return nullptr;
  py::object obj = areas;
  if (!py::isinstance<AreaSet>(obj) && py::hasattr(obj, "_impl")) obj = obj.attr("_impl");
  try {
    return obj.cast<const AreaSet*>();
  } catch (const py::cast_error&) {
    throw InvalidType("areas must be a libmatch AreaSet or None");
  }
}

// Input, result and the Python objects the input points into (kept alive).
struct MatchRound {
  RoundInput input;
  RoundResult result;
  py::object areas_ref, travel_ref;
  std::vector<py::object> keep;  // programme inputs the RoundInput points into
};

constexpr double kPoint = static_cast<double>(kCostScale);

// Cost components in points, one array per component, for `n` rows read through `get`.
template <class Get>
void put_costs(py::dict& out, std::size_t n, Get get) {
  const char* names[] = {"travel", "outside_area", "partial_expertise", "radius", "continuity",
                         "load",   "total"};
  std::vector<F64Array> cols;
  for (int c = 0; c < 7; ++c) cols.emplace_back(static_cast<py::ssize_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const CostParts* cp = get(i);
    if (!cp) {
      for (auto& col : cols) col.mutable_data()[i] = std::nan("");
      continue;
    }
    const std::int64_t v[] = {cp->travel, cp->outside_area, cp->partial_expertise,
                              cp->radius, cp->continuity,   cp->load,
                              cp->total()};
    for (int c = 0; c < 7; ++c) cols[c].mutable_data()[i] = static_cast<double>(v[c]) / kPoint;
  }
  for (int c = 0; c < 7; ++c) out[names[c]] = cols[c];
}

template <class T, class F>
py::array_t<T> column(std::size_t n, F f) {
  py::array_t<T> a(static_cast<py::ssize_t>(n));
  for (std::size_t i = 0; i < n; ++i) a.mutable_data()[i] = static_cast<T>(f(i));
  return a;
}

}  // namespace

void bind_match(py::module_& m) {
  py::enum_<Escalation>(m, "Escalation", "Why a request was escalated (code in the results).")
      .value("none", Escalation::None, "not escalated")
      .value("no_advisor_for_service", Escalation::NoAdvisorForService,
             "nobody works for the request's service")
      .value("no_expertise", Escalation::NoExpertise, "nobody of those covers the needed tags")
      .value("all_excluded", Escalation::AllExcluded, "all of those are excluded")
      .value("all_out_of_radius", Escalation::AllOutOfRadius,
             "all of those are beyond their radius or the travel cap")
      .value("no_capacity", Escalation::NoCapacity,
             "all of those are full, or their room went to preferred requests")
      .value("duplicate_request", Escalation::DuplicateRequest,
             "a location within duplicate_tolerance_m of an earlier request")
      .value("pinned_advisor_unavailable", Escalation::PinnedAdvisorUnavailable,
             "pinned, but the current advisor is unavailable")
      .value("no_hours", Escalation::NoHours,
             "eligible advisors exist, none has the free hours the case needs")
      .value("slots_exhausted", Escalation::SlotsExhausted, "the service's max_cases are used up")
      .value("budget_exhausted", Escalation::BudgetExhausted,
             "the money left (round or service budget_eur) cannot pay the case")
      .value("reserved_for_priority", Escalation::ReservedForPriority,
             "the remaining slots are reserved for higher priority (Rules.reserve)")
      .value("already_in_guidance", Escalation::AlreadyInGuidance,
             "the applicant has a running case in the register")
      .value("no_open_case", Escalation::NoOpenCase,
             "a via_advisor_only service without a running case (via_case)")
      .value("unfilled_position", Escalation::UnfilledPosition,
             "fewer matches than positions (quantity)");
  py::enum_<Verdict>(m, "Verdict", "One advisor's verdict for one request (explain).")
      .value("eligible", Verdict::Eligible, "passes every hard rule")
      .value("service", Verdict::Service, "works for another service")
      .value("expertise", Verdict::Expertise, "lacks a needed tag")
      .value("excluded", Verdict::Excluded, "conflict of interest")
      .value("radius", Verdict::Radius, "beyond the radius or max_travel_minutes")
      .value("capacity", Verdict::Capacity, "no free capacity before the round");
  m.attr("COST_SCALE") = kCostScale;

  py::class_<MatchRound, std::shared_ptr<MatchRound>>(m, "MatchRound")
      .def_property_readonly("objective", [](const MatchRound& s) { return s.result.objective; })
      .def_property_readonly("unassigned_base",
                             [](const MatchRound& s) { return s.result.unassigned_base; })
      .def_property_readonly("candidate_pairs",
                             [](const MatchRound& s) { return s.result.candidate_pairs; })
      .def_property_readonly("n_requests",
                             [](const MatchRound& s) { return s.input.requests.size(); })
      .def_property_readonly("referred", [](const MatchRound& s) { return s.result.referred; })
      .def_property_readonly("status", [](const MatchRound& s) { return s.result.status; })
      .def_property_readonly("bound", [](const MatchRound& s) { return s.result.bound; })
      .def_property_readonly("gap", [](const MatchRound& s) { return s.result.gap; })
      .def_property_readonly("spend_eur", [](const MatchRound& s) { return s.result.spend_eur; })
      .def_property_readonly("spend_by_service",
                             [](const MatchRound& s) { return s.result.spend_by_service; })
      .def_property_readonly("slots_used", [](const MatchRound& s) { return s.result.slots_used; })
      .def("requests",
           [](const MatchRound& s) {
             const auto& o = s.result.requests;
             py::dict d;
             d["advisor"] = column<std::int64_t>(o.size(), [&](auto i) { return o[i].advisor; });
             d["reason"] = column<std::int8_t>(o.size(), [&](auto i) { return o[i].reason; });
             d["duplicate_of"] =
                 column<std::int64_t>(o.size(), [&](auto i) { return o[i].duplicate_of; });
             d["pinned"] = column<bool>(o.size(), [&](auto i) { return o[i].pinned; });
             d["referral"] = column<std::int8_t>(o.size(), [&](auto i) { return o[i].referral; });
             d["hours"] = column<double>(
                 o.size(), [&](auto i) { return o[i].advisor >= 0 ? o[i].hours : std::nan(""); });
             d["cost_eur"] = column<double>(o.size(), [&](auto i) {
               return o[i].advisor >= 0 ? o[i].cost_eur : std::nan("");
             });
             d["running_case"] =
                 column<std::int64_t>(o.size(), [&](auto i) { return o[i].running_case; });
             d["missing_eur"] = column<double>(o.size(), [&](auto i) { return o[i].missing_eur; });
             d["service"] = column<std::int64_t>(o.size(), [&](auto i) { return o[i].service; });
             d["open_positions"] =
                 column<std::int64_t>(o.size(), [&](auto i) { return o[i].open_positions; });
             d["minutes"] = column<double>(
                 o.size(), [&](auto i) { return o[i].advisor >= 0 ? o[i].minutes : std::nan(""); });
             d["km"] = column<double>(
                 o.size(), [&](auto i) { return o[i].advisor >= 0 ? o[i].km : std::nan(""); });
             put_costs(d, o.size(), [&](std::size_t i) -> const CostParts* {
               return o[i].advisor >= 0 ? &o[i].cost : nullptr;
             });
             py::array_t<std::int64_t> funnel({static_cast<py::ssize_t>(o.size()), py::ssize_t{5}});
             for (std::size_t i = 0; i < o.size(); ++i)
               for (int k = 0; k < 5; ++k) funnel.mutable_at(i, k) = o[i].funnel[k];
             d["funnel"] = funnel;
             return d;
           })
      .def("alternatives",
           [](const MatchRound& s) {
             const auto& a = s.result.alternatives;
             py::dict d;
             d["request"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].request; });
             d["advisor"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].advisor; });
             d["rank"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].rank; });
             d["delta"] = column<double>(a.size(), [&](auto i) { return a[i].delta / kPoint; });
             d["has_room"] = column<bool>(a.size(), [&](auto i) { return a[i].has_room; });
             d["minutes"] = column<double>(a.size(), [&](auto i) { return a[i].minutes; });
             d["km"] = column<double>(a.size(), [&](auto i) { return a[i].km; });
             d["service"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].service; });
             put_costs(d, a.size(), [&](std::size_t i) { return &a[i].cost; });
             return d;
           })
      .def("positions",
           [](const MatchRound& s) {
             const auto& a = s.result.positions;
             py::dict d;
             d["request"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].request; });
             d["position"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].position; });
             d["advisor"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].advisor; });
             d["service"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].service; });
             d["minutes"] = column<double>(a.size(), [&](auto i) { return a[i].minutes; });
             d["km"] = column<double>(a.size(), [&](auto i) { return a[i].km; });
             d["hours"] = column<double>(a.size(), [&](auto i) { return a[i].hours; });
             d["cost_eur"] = column<double>(a.size(), [&](auto i) { return a[i].cost_eur; });
             put_costs(d, a.size(), [&](std::size_t i) { return &a[i].cost; });
             return d;
           })
      .def("advisors",
           [](const MatchRound& s) {
             const auto& a = s.result.advisors;
             py::dict d;
             d["capacity"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].capacity; });
             d["caseload_before"] =
                 column<std::int64_t>(a.size(), [&](auto i) { return a[i].caseload_before; });
             d["assigned"] = column<std::int64_t>(a.size(), [&](auto i) { return a[i].assigned; });
             d["caseload_after"] =
                 column<std::int64_t>(a.size(), [&](auto i) { return a[i].caseload_after; });
             d["load_cost"] =
                 column<double>(a.size(), [&](auto i) { return a[i].load_cost / kPoint; });
             d["hours_capacity"] =
                 column<double>(a.size(), [&](auto i) { return a[i].hours_capacity; });
             d["hours_before"] =
                 column<double>(a.size(), [&](auto i) { return a[i].hours_before; });
             d["hours_after"] = column<double>(a.size(), [&](auto i) { return a[i].hours_after; });
             return d;
           })
      .def(
          "explain",
          [](const MatchRound& s, std::int64_t request) {
            std::vector<ExplainRow> rows;
            {
              py::gil_scoped_release nogil;
              rows = explain(s.input, s.result, request);
            }
            py::dict d;
            d["advisor"] =
                column<std::int64_t>(rows.size(), [&](auto i) { return rows[i].advisor; });
            d["verdict"] =
                column<std::int8_t>(rows.size(), [&](auto i) { return rows[i].verdict; });
            d["chosen"] = column<bool>(rows.size(), [&](auto i) { return rows[i].chosen; });
            d["has_room"] = column<bool>(rows.size(), [&](auto i) { return rows[i].has_room; });
            d["rank"] = column<std::int64_t>(rows.size(), [&](auto i) { return rows[i].rank; });
            d["minutes"] = column<double>(rows.size(), [&](auto i) { return rows[i].minutes; });
            d["km"] = column<double>(rows.size(), [&](auto i) { return rows[i].km; });
            d["hours_needed"] =
                column<double>(rows.size(), [&](auto i) { return rows[i].hours_needed; });
            d["hours_free"] =
                column<double>(rows.size(), [&](auto i) { return rows[i].hours_free; });
            d["cost_eur"] = column<double>(rows.size(), [&](auto i) { return rows[i].cost_eur; });
            d["service"] =
                column<std::int64_t>(rows.size(), [&](auto i) { return rows[i].service; });
            put_costs(d, rows.size(), [&](std::size_t i) -> const CostParts* {
              return rows[i].verdict == Verdict::Eligible ? &rows[i].cost : nullptr;
            });
            return d;
          },
          py::arg("request"));

  m.def(
      "match_round",
      [](std::vector<std::string> req_ids, const py::object& loc_offsets, const py::object& loc_xy,
         const py::object& req_service, const py::object& need_offsets,
         const py::object& need_values, const py::object& priority, const py::object& excl_offsets,
         const py::object& excl_values, const py::object& current, const py::object& pinned,
         const py::object& registered, std::vector<std::string> adv_ids, const py::object& adv_xy,
         const py::object& adv_service, const py::object& exp_offsets, const py::object& exp_values,
         const py::object& capacity, const py::object& caseload, const py::object& radius_km,
         const py::object& radius_minutes, const py::object& area_offsets,
         const py::object& area_values, const py::object& areas, const py::object& travel,
         const Weights& weights, const RuleOptions& rules, const py::dict& programme) {
        auto s = std::make_shared<MatchRound>();
        auto& in = s->input;
        const auto nr = static_cast<py::ssize_t>(req_ids.size());
        const auto na = static_cast<py::ssize_t>(adv_ids.size());
        in.areas = areas_of(areas);
        in.travel = travel_of(travel);
        s->areas_ref = areas;
        s->travel_ref = travel;
        in.weights = weights;
        in.rules = rules;

        // Requests.
        {
          I64Array off = as_int64(loc_offsets, "loc_offsets");
          XYArray xy = as_xy(loc_xy, "loc_xy");
          check_len(off.size(), nr + 1, "loc_offsets");
          I64Array svc = as_int64(req_service, "req_service");
          I64Array pri = as_int64(priority, "priority");
          I64Array cur = as_int64(current, "current");
          I64Array pin = as_int64(pinned, "pinned");
          I64Array reg = as_int64(registered, "registered");
          for (auto* a : {&svc, &pri, &cur, &pin, &reg}) check_len(a->size(), nr, "request column");
          auto needs = csr_lists<std::int32_t>(need_offsets, need_values, nr, "needs");
          auto excl = csr_lists<std::int64_t>(excl_offsets, excl_values, nr, "exclude");
          in.requests.resize(static_cast<std::size_t>(nr));
          for (py::ssize_t i = 0; i < nr; ++i) {
            auto& r = in.requests[i];
            r.id = std::move(req_ids[i]);
            auto b = off.at(i), e = off.at(i + 1);
            if (b < 0 || e < b || e > xy.shape(0))
              throw InvalidInput("loc_offsets out of range for request '" + r.id + "'");
            for (auto k = b; k < e; ++k) r.locations.push_back({xy.at(k, 0), xy.at(k, 1)});
            r.service = static_cast<std::int32_t>(svc.at(i));
            r.needs = std::move(needs[i]);
            r.priority = pri.at(i);
            r.exclude = std::move(excl[i]);
            r.current_advisor = cur.at(i);
            r.pinned = pin.at(i) != 0;
            r.registered = reg.at(i);
          }
        }
        // Advisors.
        {
          XYArray xy = as_xy(adv_xy, "adv_xy");
          check_len(xy.shape(0), na, "adv_xy");
          I64Array svc = as_int64(adv_service, "adv_service");
          I64Array cap = as_int64(capacity, "capacity");
          I64Array load = as_int64(caseload, "caseload");
          F64Array rkm = as_float64(radius_km, "radius_km");
          F64Array rmin = as_float64(radius_minutes, "radius_minutes");
          for (auto* a : {&svc, &cap, &load}) check_len(a->size(), na, "advisor column");
          check_len(rkm.size(), na, "radius_km");
          check_len(rmin.size(), na, "radius_minutes");
          auto exp = csr_lists<std::int32_t>(exp_offsets, exp_values, na, "expertise");
          auto ar = csr_lists<std::int64_t>(area_offsets, area_values, na, "areas");
          in.advisors.resize(static_cast<std::size_t>(na));
          for (py::ssize_t i = 0; i < na; ++i) {
            auto& a = in.advisors[i];
            a.id = std::move(adv_ids[i]);
            a.base = {xy.at(i, 0), xy.at(i, 1)};
            a.service = static_cast<std::int32_t>(svc.at(i));
            a.expertise = std::move(exp[i]);
            a.capacity = cap.at(i);
            a.caseload = load.at(i);
            a.radius_km = rkm.at(i);
            a.radius_minutes = rmin.at(i);
            a.areas = std::move(ar[i]);
          }
        }
        fill_programme(in, programme, s->keep);
        s->result = run_interruptible([&] { return run_round(in); });
        return s;
      },
      py::arg("req_ids"), py::arg("loc_offsets"), py::arg("loc_xy"), py::arg("req_service"),
      py::arg("need_offsets"), py::arg("need_values"), py::arg("priority"), py::arg("excl_offsets"),
      py::arg("excl_values"), py::arg("current"), py::arg("pinned"), py::arg("registered"),
      py::arg("adv_ids"), py::arg("adv_xy"), py::arg("adv_service"), py::arg("exp_offsets"),
      py::arg("exp_values"), py::arg("capacity"), py::arg("caseload"), py::arg("radius_km"),
      py::arg("radius_minutes"), py::arg("area_offsets"), py::arg("area_values"), py::arg("areas"),
      py::arg("travel"), py::arg("weights"), py::arg("rules"), py::arg("programme") = py::dict());
}

}  // namespace libmatch::py_bind
