// The programme model for Python (issues 10 and 11): the catalogue entry Service, the
// Reservation of Rules.reserve, the RunningCase of the register, the Referral codes, and
// fill_programme(), which moves the programme columns libmatch.matching prepared (a dict of
// arrays and lists) into a RoundInput. Rules.reserve names services by string; the names are
// interned in a process-wide table here (reserve_service_name) and remapped to the round's
// interned ids by fill_programme.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <mutex>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "libmatch/areas.hpp"
#include "libmatch/error.hpp"
#include "libmatch/match.hpp"
#include "libmatch/model.hpp"
#include "numpy_util.hpp"

namespace libmatch::py_bind {
namespace {

// Reservation service names (Python strings) -> ids valid only inside the bindings.
std::mutex names_mutex;
Vocabulary& reserve_names() {
  static Vocabulary v;
  return v;
}

template <class T>
T get_or(const py::dict& d, const char* key, T fallback) {
  return d.contains(key) && !d[key].is_none() ? d[key].cast<T>() : fallback;
}

const AreaSet* area_set_of(const py::object& obj) {
  if (obj.is_none()) return nullptr;
  py::object o = obj;
  if (!py::isinstance<AreaSet>(o) && py::hasattr(o, "_impl")) o = o.attr("_impl");
  try {
    return o.cast<const AreaSet*>();
  } catch (const py::cast_error&) {
    throw InvalidType("service_areas must be a libmatch AreaSet or None");
  }
}

}  // namespace

std::int32_t intern_reserve_service(const std::string& name) {
  std::lock_guard lock(names_mutex);
  return reserve_names().intern(name);
}

std::string reserve_service_name(std::int32_t id) {
  std::lock_guard lock(names_mutex);
  return reserve_names().name(id);
}

void fill_programme(RoundInput& in, const py::dict& prog, std::vector<py::object>& keep) {
  const auto nr = static_cast<py::ssize_t>(in.requests.size());
  const auto na = static_cast<py::ssize_t>(in.advisors.size());
  // Multi-service pools, alternatives and positions (lists of further services per row).
  if (prog.contains("req_services")) {
    auto more = prog["req_services"].cast<std::vector<std::vector<std::int32_t>>>();
    const auto q = int64_vector(prog["req_quantity"], "req_quantity");
    check_len(static_cast<py::ssize_t>(more.size()), nr, "req_services");
    check_len(static_cast<py::ssize_t>(q.size()), nr, "req_quantity");
    for (py::ssize_t i = 0; i < nr; ++i) {
      in.requests[i].services = std::move(more[i]);
      in.requests[i].quantity = q[i];
    }
  }
  if (prog.contains("adv_services")) {
    auto more = prog["adv_services"].cast<std::vector<std::vector<std::int32_t>>>();
    check_len(static_cast<py::ssize_t>(more.size()), na, "adv_services");
    for (py::ssize_t i = 0; i < na; ++i) in.advisors[i].services = std::move(more[i]);
  }
  if (prog.contains("req_hours")) {
    const auto h = float64_vector(prog["req_hours"], "req_hours", nr);
    const auto c = float64_vector(prog["req_cost_eur"], "req_cost_eur", nr);
    for (py::ssize_t i = 0; i < nr; ++i) {
      in.requests[i].hours = h[i];
      in.requests[i].cost_eur = c[i];
    }
  }
  if (prog.contains("req_applicant_key")) {
    auto keys = prog["req_applicant_key"].cast<std::vector<std::string>>();
    auto via = prog["req_via_case"].cast<std::vector<std::string>>();
    check_len(static_cast<py::ssize_t>(keys.size()), nr, "req_applicant_key");
    check_len(static_cast<py::ssize_t>(via.size()), nr, "req_via_case");
    for (py::ssize_t i = 0; i < nr; ++i) {
      in.requests[i].applicant_key = std::move(keys[i]);
      in.requests[i].via_case = std::move(via[i]);
    }
  }
  if (prog.contains("adv_capacity_hours")) {
    const auto h = float64_vector(prog["adv_capacity_hours"], "adv_capacity_hours", na);
    const auto b = float64_vector(prog["adv_hours_booked"], "adv_hours_booked", na);
    for (py::ssize_t i = 0; i < na; ++i) {
      in.advisors[i].capacity_hours = h[i];
      in.advisors[i].hours_booked = b[i];
    }
  }
  if (prog.contains("services") && !prog["services"].is_none())
    in.services = prog["services"].cast<std::vector<Service>>();
  in.budget_eur = get_or<double>(prog, "budget_eur", in.budget_eur);
  if (prog.contains("service_areas") && !prog["service_areas"].is_none()) {
    py::object sa = prog["service_areas"];
    in.service_areas = area_set_of(sa);
    keep.push_back(sa);
  }
  if (prog.contains("running") && !prog["running"].is_none())
    in.running = prog["running"].cast<std::vector<RunningCase>>();
  // Rules.reserve: binding-wide ids -> the round's interned services (by name).
  if (!in.rules.reserve.empty()) {
    const auto names = get_or<std::vector<std::string>>(prog, "service_names", {});
    for (auto& r : in.rules.reserve) {
      const std::string name = reserve_service_name(r.service);
      std::int32_t id = -1;
      for (std::size_t k = 0; k < names.size(); ++k)
        if (names[k] == name) id = static_cast<std::int32_t>(k);
      if (id < 0)
        throw UnknownId("rules.reserve: service '" + name + "' is not a service of this round");
      r.service = id;
    }
  }
}

void bind_programme(py::module_& m) {
  py::enum_<Referral>(m, "Referral", "Why a request was referred elsewhere.")
      .value("none", Referral::None, "not referred")
      .value("out_of_scope", Referral::OutOfScope, "the catalogue marks the service referral_only")
      .value("not_in_module", Referral::NotInModule,
             "the primary location lies outside the areas where the service is offered");
  py::enum_<SolveStatus>(m, "SolveStatus", "How the exact solve of a round ended.")
      .value("optimal", SolveStatus::Optimal, "proven optimum")
      .value("time_limit", SolveStatus::TimeLimit,
             "time limit reached: best solution found, with a proven bound");
  m.attr("UNLIMITED") = kUnlimited;

  py::class_<Service>(m, "Service",
                      "One entry of the service catalogue (C++ libmatch::Service); "
                      "libmatch.catalogue builds these from the services table.")
      .def(py::init<>())
      .def_readwrite("hours", &Service::hours, "effort per case, hours >= 0")
      .def_readwrite("cost_eur", &Service::cost_eur, "price per case, EUR >= 0")
      .def_readwrite("max_cases", &Service::max_cases, "slots left (UNLIMITED = no limit)")
      .def_readwrite("budget_eur", &Service::budget_eur, "money left, EUR (inf = no limit)")
      .def_readwrite("travel_in_hours", &Service::travel_in_hours,
                     "round trips of the visits are part of the effort")
      .def_readwrite("visits", &Service::visits, "visits per case (travel_in_hours)")
      .def_readwrite("referral_only", &Service::referral_only, "never served: referred")
      .def_readwrite("refer_to", &Service::refer_to, "destination of referrals")
      .def_readwrite("offered_in", &Service::offered_in,
                     "area indices where the service is offered (empty = everywhere)")
      .def_readwrite("via_advisor_only", &Service::via_advisor_only,
                     "specialists: only through a running case (via_case)");

  py::class_<Reservation>(m, "Reservation", "slots of a service kept for priority requests")
      .def(py::init<>())
      .def_readwrite("service", &Reservation::service)
      .def_readwrite("slots", &Reservation::slots)
      .def_readwrite("min_priority", &Reservation::min_priority);

  py::class_<RunningCase>(m, "RunningCase", "a running case of the register")
      .def(py::init<>())
      .def(py::init(
               [](std::string key, std::string advisor, std::int32_t service, double x, double y) {
                 RunningCase c;
                 c.applicant_key = std::move(key);
                 c.advisor_id = std::move(advisor);
                 c.service = service;
                 c.location = {x, y};
                 return c;
               }),
           py::arg("applicant_key"), py::arg("advisor_id"), py::arg("service"),
           py::arg("x") = std::nan(""), py::arg("y") = std::nan(""))
      .def_readwrite("applicant_key", &RunningCase::applicant_key)
      .def_readwrite("advisor_id", &RunningCase::advisor_id)
      .def_readwrite("service", &RunningCase::service)
      .def_property_readonly("x", [](const RunningCase& c) { return c.location.x; })
      .def_property_readonly("y", [](const RunningCase& c) { return c.location.y; });
}

}  // namespace libmatch::py_bind
