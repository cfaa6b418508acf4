// Option structs as Python classes: libmatch.Weights, libmatch.Rules (RuleOptions),
// libmatch.DesignWeights, libmatch.DesignOptions. The C++ member initialisers are the only
// defaults; every field carries a docstring with its meaning and unit. Keyword construction,
// repr, equality, pickling and replace(); wrong types and out-of-range integers raise
// InvalidType / InvalidInput naming the field, unknown fields UnknownId.
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "libmatch/design.hpp"
#include "libmatch/error.hpp"
#include "libmatch/model.hpp"

namespace libmatch::py_bind {
namespace {

bool is_bool(const py::handle& v) {
  if (PyBool_Check(v.ptr())) return true;
  const std::string type = py::str(py::type::handle_of(v).attr("__name__"));
  return type == "bool_" || type == "bool";
}

template <class V>
V field_value(const py::handle& v, const std::string& where);

template <>
double field_value<double>(const py::handle& v, const std::string& where) {
  if (is_bool(v) || PyUnicode_Check(v.ptr()) || v.is_none())
    throw InvalidType(where + " must be a number, got " +
                      std::string(py::str(py::type::handle_of(v).attr("__name__"))));
  try {
    return v.cast<double>();
  } catch (const py::cast_error&) {
    throw InvalidType(where + " must be a number, got " +
                      std::string(py::str(py::type::handle_of(v).attr("__name__"))));
  }
}

template <>
bool field_value<bool>(const py::handle& v, const std::string& where) {
  if (is_bool(v)) return v.cast<bool>();
  if (PyLong_Check(v.ptr())) {  // JSON-style 0 / 1
    const long long x = PyLong_AsLongLong(v.ptr());
    if (x == 0 || x == 1) return x == 1;
    PyErr_Clear();
    throw InvalidInput(where + " must be true or false (or 0 / 1)");
  }
  throw InvalidType(where + " must be true or false, got " +
                    std::string(py::str(py::type::handle_of(v).attr("__name__"))));
}

// A Python integer (or numpy integer) within [lo, hi]; floats and bools are type errors.
long long integer_in(const py::handle& v, const std::string& where, long long lo, long long hi) {
  if (is_bool(v) || PyFloat_Check(v.ptr()) || !PyIndex_Check(v.ptr()))
    throw InvalidType(where + " must be an integer, got " +
                      std::string(py::str(py::type::handle_of(v).attr("__name__"))));
  py::object idx = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
  if (!idx) throw py::error_already_set();
  int overflow = 0;
  const long long x = PyLong_AsLongLongAndOverflow(idx.ptr(), &overflow);
  if (overflow || x < lo || x > hi)
    throw InvalidInput(where + " is out of range [" + std::to_string(lo) + ", " +
                       std::to_string(hi) + "]");
  return x;
}

template <>
std::int64_t field_value<std::int64_t>(const py::handle& v, const std::string& where) {
  return integer_in(v, where, std::numeric_limits<std::int64_t>::min(),
                    std::numeric_limits<std::int64_t>::max());
}

template <>
int field_value<int>(const py::handle& v, const std::string& where) {
  return static_cast<int>(
      integer_in(v, where, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

template <>
std::uint64_t field_value<std::uint64_t>(const py::handle& v, const std::string& where) {
  if (is_bool(v) || PyFloat_Check(v.ptr()) || !PyIndex_Check(v.ptr()))
    throw InvalidType(where + " must be an integer, got " +
                      std::string(py::str(py::type::handle_of(v).attr("__name__"))));
  py::object idx = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
  if (!idx) throw py::error_already_set();
  const unsigned long long x = PyLong_AsUnsignedLongLong(idx.ptr());
  if (PyErr_Occurred()) {
    PyErr_Clear();
    throw InvalidInput(where + " is out of range [0, 2^64)");
  }
  return x;
}

/// Binds an option struct: fields, keyword constructor, repr, ==, pickle, replace, to_dict.
template <class T>
class OptionClass {
 public:
  OptionClass(py::module_& m, const char* name, const char* doc)
      : cls_(m, name, doc), name_(name), setters_(std::make_shared<Setters>()) {}

  template <class V>
  OptionClass& field(const char* name, V T::*member, const char* doc) {
    const std::string where = name_ + "." + name;
    auto set = [member, where](T& t, const py::handle& v) { t.*member = field_value<V>(v, where); };
    setters_->names.push_back(name);
    setters_->by_name[name] = set;
    cls_.def_property(
        name, [member](const T& t) { return t.*member; },
        [set](T& t, const py::object& v) { set(t, v); }, doc);
    return *this;
  }

  /// A field with its own conversion: `set(t, value)` parses, `get(t)` returns Python.
  template <class Get, class Set>
  OptionClass& field_with(const char* name, Get get, Set set, const char* doc) {
    setters_->names.push_back(name);
    setters_->by_name[name] = set;
    cls_.def_property(
        name, get, [set](T& t, const py::object& v) { set(t, v); }, doc);
    return *this;
  }

  void finish() {
    auto s = setters_;
    const std::string cls_name = name_;
    auto apply = [s, cls_name](T& t, const py::dict& kw) {
      for (auto item : kw) {
        const std::string key = py::str(item.first);
        auto it = s->by_name.find(key);
        if (it == s->by_name.end()) {
          std::string known;
          for (const auto& n : s->names) known += (known.empty() ? "" : ", ") + n;
          throw UnknownId(cls_name + ": unknown field '" + key + "' (fields: " + known + ")");
        }
        it->second(t, item.second);
      }
    };
    auto to_dict = [s](const py::object& self) {
      py::dict d;
      for (const auto& n : s->names) d[py::str(n)] = self.attr(n.c_str());
      return d;
    };
    cls_.def(py::init([apply, cls_name](const py::args& args, const py::kwargs& kw) {
      if (!args.empty())
        throw InvalidType(cls_name + " takes keyword arguments only, e.g. " + cls_name +
                          "(name=value)");
      T t;
      apply(t, kw);
      return t;
    }));
    cls_.def("to_dict", to_dict, "The fields as a dict {name: value}.");
    cls_.def(
        "replace",
        [apply](const T& self, const py::kwargs& kw) {
          T t = self;
          apply(t, kw);
          return t;
        },
        "A copy with some fields changed.");
    cls_.def("__repr__", [s, cls_name](const py::object& self) {
      std::string out = cls_name + "(";
      for (std::size_t k = 0; k < s->names.size(); ++k)
        out += (k ? ", " : "") + s->names[k] + "=" +
               std::string(py::repr(self.attr(s->names[k].c_str())));
      return out + ")";
    });
    cls_.def("__eq__", [s](const py::object& self, const py::object& other) -> py::object {
      if (!py::type::handle_of(self).is(py::type::handle_of(other)))
        return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      for (const auto& n : s->names)
        if (!self.attr(n.c_str()).equal(other.attr(n.c_str()))) return py::bool_(false);
      return py::bool_(true);
    });
    cls_.attr("__hash__") = py::none();
    py::tuple fields(s->names.size());
    for (std::size_t k = 0; k < s->names.size(); ++k) fields[k] = py::str(s->names[k]);
    cls_.attr("_fields") = fields;
    cls_.def(py::pickle([to_dict](const py::object& self) { return to_dict(self); },
                        [apply](const py::dict& d) {
                          T t;
                          apply(t, d);
                          return t;
                        }));
  }

 private:
  struct Setters {
    std::vector<std::string> names;
    std::map<std::string, std::function<void(T&, const py::handle&)>> by_name;
  };
  py::class_<T> cls_;
  std::string name_;
  std::shared_ptr<Setters> setters_;
};

// Rules.reserve: a list of (service name, slots, min_priority); names are interned in the
// bindings' table (bind_programme.cpp) and remapped to the round's services per round.
void set_reserve(RuleOptions& t, const py::handle& v) {
  const std::string where = "Rules.reserve";
  if (v.is_none()) {
    t.reserve.clear();
    return;
  }
  if (PyUnicode_Check(v.ptr()) || !py::isinstance<py::iterable>(v))
    throw InvalidType(where + " must be a list of (service, slots, min_priority)");
  std::vector<Reservation> out;
  std::size_t k = 0;
  for (auto item : py::reinterpret_borrow<py::iterable>(v)) {
    const std::string at = where + "[" + std::to_string(k++) + "]";
    if (PyUnicode_Check(item.ptr()) || !py::isinstance<py::sequence>(item) || py::len(item) != 3)
      throw InvalidType(at + " must be a (service, slots, min_priority) triple");
    auto seq = py::reinterpret_borrow<py::sequence>(item);
    if (!PyUnicode_Check(seq[0].ptr())) throw InvalidType(at + ": service must be a string");
    Reservation r;
    r.service = intern_reserve_service(seq[0].cast<std::string>());
    r.slots = integer_in(seq[1], at + ".slots", 0, std::numeric_limits<std::int64_t>::max());
    r.min_priority = field_value<std::int64_t>(seq[2], at + ".min_priority");
    for (const auto& o : out)
      if (o.service == r.service)
        throw InvalidInput(at + ": service '" + seq[0].cast<std::string>() +
                           "' is reserved twice (one reservation per service)");
    out.push_back(r);
  }
  t.reserve = std::move(out);
}

py::list get_reserve(const RuleOptions& t) {
  py::list out;
  for (const auto& r : t.reserve)
    out.append(py::make_tuple(reserve_service_name(r.service), r.slots, r.min_priority));
  return out;
}

}  // namespace

void bind_options(py::module_& m) {
  OptionClass<Weights>(m, "Weights",
                       "Soft-cost weights of a matching round, in points: one point = one "
                       "minute of travel at the default travel_per_minute. Costs are rounded "
                       "to 0.01 point (integers internally), so the optimum is exact.\n\n"
                       "Weights(**fields); unknown fields raise UnknownIdError.")
      .field("travel_per_minute", &Weights::travel_per_minute,
             "Points per travel minute from the advisor's base to the primary business "
             "location (travel model; default straight line x1.3 at 60 km/h). Unit: "
             "points/minute.")
      .field("outside_area", &Weights::outside_area,
             "Points when the primary location lies in none of the advisor's orientation "
             "areas (never for advisors without areas or rounds without areas=). Unit: points.")
      .field("partial_expertise_per_tag", &Weights::partial_expertise_per_tag,
             "Points per needed expertise tag the advisor lacks (only with "
             "Rules.allow_partial_expertise). Unit: points/tag.")
      .field("load", &Weights::load,
             "Convex workload cost: the case that brings an advisor to utilisation "
             "u = caseload_after / capacity costs load * u**2 points, so work spreads. "
             "Unit: points.")
      .field("continuity", &Weights::continuity,
             "Points for every advisor other than the request's current_advisor (not charged "
             "without one, or when it is in exclude: a 'no klik' case). Unit: points.")
      .field("radius_penalty", &Weights::radius_penalty,
             "Soft radius (Rules.radius_hard=False): fixed points for a pair beyond the "
             "advisor's radius. Unit: points.")
      .field("radius_penalty_per_minute", &Weights::radius_penalty_per_minute,
             "Soft radius: points per travel minute beyond radius_minutes. Unit: points/minute.")
      .field("radius_penalty_per_km", &Weights::radius_penalty_per_km,
             "Soft radius: points per km beyond radius_km. Unit: points/km.")
      .field("unassigned_base", &Weights::unassigned_base,
             "Cost of escalating a request; negative = automatic: one point above the dearest "
             "candidate assignment, so nobody is escalated while an eligible advisor has room. "
             "Unit: points.")
      .field("unassigned_per_priority", &Weights::unassigned_per_priority,
             "Extra escalation cost per priority level (max(priority, 0)): scarce case "
             "capacity goes to urgent requests first. Under hours or money it is a weight per "
             "case: several cheaper lower-priority cases can outweigh one dear urgent case "
             "(Rules.reserve keeps slots for priority). Unit: points/level.")
      .finish();

  OptionClass<RuleOptions>(m, "Rules",
                           "Hard-rule switches of a matching round (C++ RuleOptions).\n\n"
                           "Rules(**fields); unknown fields raise UnknownIdError.")
      .field("radius_hard", &RuleOptions::radius_hard,
             "True: requests beyond an advisor's radius_km / radius_minutes are ineligible; "
             "False: eligible at Weights.radius_penalty. Unit: flag.")
      .field("allow_partial_expertise", &RuleOptions::allow_partial_expertise,
             "True: an advisor with at least one of the needed tags stays eligible and pays "
             "Weights.partial_expertise_per_tag per missing tag. Unit: flag.")
      .field("duplicate_tolerance_m", &RuleOptions::duplicate_tolerance_m,
             "Two requests with business locations this close are one case (no double "
             "engagement); the later registered (else larger applicant_id) is escalated as "
             "duplicate_request. 0 disables the check (>= 0). Unit: metres.")
      .field("max_travel_minutes", &RuleOptions::max_travel_minutes,
             "Hard cap on travel for every pair, also with a soft radius; inf = none. "
             "Unit: minutes.")
      .field("alternatives", &RuleOptions::alternatives,
             "Runner-up advisors reported per assignment. Unit: count.")
      .field("threads", &RuleOptions::threads,
             "Worker threads (0: all cores; >= 0); results never depend on it. Unit: count.")
      .field_with("reserve", &get_reserve, &set_reserve,
                  "Slots held back for priority requests: a list of (service, slots, "
                  "min_priority); that many of the service's max_cases can only go to requests "
                  "with priority >= min_priority this round. One entry per service. Unit: "
                  "(name, cases, priority level).")
      .field("time_limit_s", &RuleOptions::time_limit_s,
             "Wall-clock cap on the exact solve of a programme round (hours, money, "
             "slots): its flow relaxation, heuristics, MIP build and search together; inf = "
             "none. With the cap reached the result's status is 'time_limit' with a proven "
             "bound and gap. A round without programme limits is one min-cost flow solve, "
             "never capped. Unit: seconds.")
      .finish();

  OptionClass<DesignWeights>(m, "DesignWeights",
                             "Objective weights of area design (design_areas, evaluate_plan).")
      .field("balance", &DesignWeights::balance,
             "Weight of the imbalance: the largest relative deviation of an area's demand from "
             "its capacity share. Unit: per unit of imbalance (a fraction).")
      .field("travel", &DesignWeights::travel,
             "Weight of the demand-weighted mean travel. Unit: per reference_km.")
      .field("compactness", &DesignWeights::compactness,
             "Weight of (1 - mean Polsby-Popper compactness). Unit: per unit of "
             "non-compactness.")
      .finish();

  OptionClass<DesignOptions>(m, "DesignOptions", "Search settings of design_areas.")
      .field("k", &DesignOptions::k, "Number of areas, 1..n units. Unit: count.")
      .field("seed", &DesignOptions::seed,
             "Random seed; the same seed gives the same plan. Unit: integer in [0, 2^64).")
      .field("starts", &DesignOptions::starts,
             "Independent multi-starts (>= 1); the best is kept. Unit: count.")
      .field("threads", &DesignOptions::threads,
             "Worker threads (<= 0: all cores); never changes the result. Unit: count.")
      .field("time_limit_s", &DesignOptions::time_limit_s,
             "Wall-clock cap; inf = none. Unit: seconds.")
      .field("iterations", &DesignOptions::iterations,
             "Annealing proposals per start; 0 = automatic (max(2000, 50 n)). Unit: count.")
      .field("anneal", &DesignOptions::anneal,
             "False: no annealing, each start is its region growing plus the greedy descent "
             "(the fastest setting). Unit: flag.")
      .field("bound", &DesignOptions::bound,
             "Also solve the exact model (CBC) for a lower bound and the gap. Unit: flag.")
      .field("bound_time_limit_s", &DesignOptions::bound_time_limit_s,
             "Time limit of each exact-model solve. Unit: seconds.")
      .field("bound_tolerance", &DesignOptions::bound_tolerance,
             "Relative gap counted as proven optimal. Unit: fraction.")
      .field("bound_lagrangian", &DesignOptions::bound_lagrangian,
             "Run the banded Lagrangian bound (no contiguity). Unit: flag.")
      .field("bound_mip", &DesignOptions::bound_mip,
             "Run the exact MIP (at most 150 units). Unit: flag.")
      .field("bound_colgen", &DesignOptions::bound_colgen,
             "Run the experimental column-generation bound over connected areas (at most 100 "
             "units; not part of bound_method='auto'). Unit: flag.")
      .finish();
}

}  // namespace libmatch::py_bind
