// Orientation-area design: thin bindings over libmatch/design.hpp. The pandas-facing API
// (evaluate_plan, design_areas, AreaPlan) lives in libmatch/design.py.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "bindings.hpp"
#include "interrupt.hpp"
#include "libmatch/areas.hpp"
#include "libmatch/cancel.hpp"
#include "libmatch/design.hpp"
#include "libmatch/error.hpp"
#include "numpy_util.hpp"

namespace libmatch::py_bind {

namespace {

/// An (n, m) float64 matrix flattened row-major.
std::vector<double> matrix(const py::handle& obj, const char* what, py::ssize_t rows,
                           py::ssize_t cols) {
  py::array arr = py::array::ensure(obj);
  if (!arr || arr.dtype().kind() != 'f') {
    throw InvalidType(std::string(what) + " must be a float64 array of shape (n, m)");
  }
  if (arr.ndim() != 2 || arr.shape(0) != rows || arr.shape(1) != cols) {
    throw InvalidInput(std::string(what) + " must have shape (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + ")");
  }
  F64Array a = cast_to<double>(arr, what);
  return {a.data(), a.data() + a.size()};
}

template <class T>
py::array_t<T> arr(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

py::array_t<std::int64_t> arr_u8(const std::vector<std::uint8_t>& v) {
  std::vector<std::int64_t> w(v.begin(), v.end());
  return arr(w);
}

/// DesignBounds from a dict with optional keys demand_lo, demand_hi, max_travel_km,
/// min_units, max_units, area_of (per-unit int array, -1 = free), must_link, cannot_link
/// ((m, 2) int arrays of unit indices).
DesignBounds bounds_from(const py::object& obj, py::ssize_t n) {
  DesignBounds b;
  if (obj.is_none()) return b;
  py::dict d = obj.cast<py::dict>();
  for (auto item : d) {
    const std::string key = py::str(item.first);
    py::handle v = item.second;
    if (key == "demand_lo") {
      b.demand_lo = v.cast<double>();
    } else if (key == "demand_hi") {
      b.demand_hi = v.cast<double>();
    } else if (key == "max_travel_km") {
      b.max_travel_km = v.cast<double>();
    } else if (key == "min_units") {
      b.min_units = v.cast<std::int64_t>();
    } else if (key == "max_units") {
      b.max_units = v.cast<std::int64_t>();
    } else if (key == "area_of") {
      auto a = as_int64(v, "area_of");
      if (a.size() != n) throw InvalidInput("area_of must have one entry per unit");
      b.area_of.assign(a.data(), a.data() + a.size());
    } else if (key == "must_link" || key == "cannot_link") {
      auto a = as_int64(v, key.c_str());
      if (a.size() % 2 != 0) throw InvalidInput(key + " must be pairs of unit indices");
      auto& out = key == "must_link" ? b.must_link : b.cannot_link;
      for (py::ssize_t i = 0; i + 1 < a.size(); i += 2)
        out.emplace_back(a.data()[i], a.data()[i + 1]);
    } else {
      throw UnknownId("unknown bound '" + key + "'");
    }
  }
  return b;
}

py::dict links_dict(const std::vector<Adjacency>& links) {
  std::vector<std::int64_t> a, b;
  for (const auto& l : links) {
    a.push_back(l.a);
    b.push_back(l.b);
  }
  py::dict d;
  d["a"] = arr(a);
  d["b"] = arr(b);
  return d;
}

/// The options with initial plan, fixed units and bounds from Python objects.
DesignOptions full_options(const DesignOptions& options, py::ssize_t n, const py::object& initial,
                           const py::object& fixed, const py::object& bounds) {
  DesignOptions o = options;
  o.bounds = bounds_from(bounds, n);
  if (!initial.is_none()) {
    auto a = as_int64(initial, "initial");
    o.initial.assign(a.data(), a.data() + a.size());
  }
  if (!fixed.is_none()) {
    F64Array f = as_float64(fixed, "fixed", n);
    for (py::ssize_t i = 0; i < n; ++i) o.fixed.push_back(f.data()[i] != 0.0 ? 1 : 0);
  }
  return o;
}

py::dict result_dict(const DesignResult& r) {
  py::dict out;
  out["labels"] = arr(r.labels);
  out["objective"] = r.objective;
  out["imbalance"] = r.imbalance;
  out["mean_travel_km"] = r.travel_km;
  out["compactness"] = r.compactness;
  out["starts_completed"] = r.starts_completed;
  out["best_start"] = r.best_start;
  out["iterations"] = r.iterations;
  out["time_limit_reached"] = r.time_limit_reached;
  out["links"] = links_dict(r.links);
  out["bound"] = r.bound;
  out["gap"] = r.gap;
  out["status"] = to_string(r.status);
  out["from_model"] = r.from_model;
  out["bound_seconds"] = r.bound_seconds;
  out["bound_lagrangian"] = r.bound_lagrangian;
  out["bound_mip"] = r.bound_mip;
  out["bound_colgen"] = r.bound_colgen;
  return out;
}

py::dict evaluation_dict(const PlanEvaluation& ev) {
  py::dict areas;
  areas["units"] = arr(ev.units);
  areas["advisors"] = arr(ev.advisors);
  areas["demand"] = arr(ev.demand);
  areas["capacity"] = arr(ev.capacity);
  areas["load_ratio"] = arr(ev.load_ratio);
  areas["mean_travel_km"] = arr(ev.mean_travel_km);
  areas["max_travel_km"] = arr(ev.max_travel_km);
  areas["mean_travel_min"] = arr(ev.mean_travel_minutes);
  areas["max_travel_min"] = arr(ev.max_travel_minutes);
  areas["area_m2"] = arr(ev.area_m2);
  areas["perimeter_m"] = arr(ev.perimeter_m);
  areas["polsby_popper"] = arr(ev.polsby_popper);
  areas["parts"] = arr(ev.parts);
  areas["contiguous"] = arr_u8(ev.contiguous);
  py::dict summary;
  summary["objective"] = ev.summary.objective;
  summary["imbalance"] = ev.summary.imbalance;
  summary["mean_travel_km"] = ev.summary.travel_km;
  summary["max_travel_km"] = ev.summary.max_travel_km;
  summary["total_travel_km"] = ev.summary.total_travel_km;
  summary["compactness"] = ev.summary.compactness;
  summary["reference_km"] = ev.summary.reference_km;
  summary["contiguous"] = ev.summary.all_contiguous;
  py::dict out;
  out["areas"] = areas;
  out["summary"] = summary;
  out["unit_travel_km"] = arr(ev.unit_travel_km);
  out["unit_travel_min"] = arr(ev.unit_travel_minutes);
  out["links"] = links_dict(ev.links);
  return out;
}

/// Whether a design is short enough (~10 ms) to run on the calling thread: a worker thread
/// (run_interruptible) costs tens of microseconds, as much as a whole fast design of ~50
/// units, and Ctrl-C is only looked at every 50 ms anyway. Never with hard bounds or the
/// exact model (CBC may run for seconds).
bool short_design(const DesignOptions& o, std::int64_t n) {
  if (o.bound || o.bounds.any()) return false;
  const double iterations =
      !o.anneal ? 0.0
                : static_cast<double>(o.iterations > 0 ? o.iterations
                                                       : std::max<std::int64_t>(2000, 50 * n));
  return static_cast<double>(o.starts) * (iterations + static_cast<double>(n)) *
             static_cast<double>(n) <=
         1e6;
}

std::span<const std::int64_t> label_span(const I64Array& labels) {
  return {labels.data(), static_cast<std::size_t>(labels.size())};
}

}  // namespace

void bind_design(py::module_& m) {
  py::class_<DesignProblem>(m, "DesignProblem",
                            "Unit graph, demand, advisors and travel of an area design.")
      .def_static(
          "from_areas",
          [](const AreaSet& units, const py::object& demand, double min_border_m) {
            std::vector<double> dv =
                float64_vector(demand, "demand", static_cast<py::ssize_t>(units.size()));
            py::gil_scoped_release nogil;
            return make_design_problem(units, dv, min_border_m);
          },
          py::arg("units"), py::arg("demand"), py::arg("min_border_m") = 0.0)
      .def(
          "set_advisors",
          [](DesignProblem& self, const AreaSet& units, const py::object& xy_obj,
             const py::object& capacity, double max_snap_m) {
            XYArray xy = as_xy(xy_obj, "advisor bases");
            std::vector<double> cap;
            if (!capacity.is_none())
              cap = float64_vector(capacity, "advisor capacity", xy.shape(0));
            py::gil_scoped_release nogil;
            set_advisors(self, units, xy_span(xy), cap, max_snap_m);
          },
          py::arg("units"), py::arg("xy"), py::arg("capacity") = py::none(),
          py::arg("max_snap_m") = std::numeric_limits<double>::infinity())
      .def(
          "set_travel",
          [](DesignProblem& self, const py::object& km, const py::object& minutes) {
            const auto n = static_cast<py::ssize_t>(self.centroid.size());
            const auto cols =
                self.advisor_xy.empty() ? n : static_cast<py::ssize_t>(self.advisor_xy.size());
            self.travel_km = matrix(km, "travel km", n, cols);
            self.travel_minutes.clear();
            if (!minutes.is_none())
              self.travel_minutes = matrix(minutes, "travel minutes", n, cols);
          },
          py::arg("km"), py::arg("minutes") = py::none(),
          "Travel matrix (units x advisors, or units x units without advisors): entry [i, j] "
          "is the travel from origin j to unit i; NaN = unreachable.")
      .def(
          "set_options",
          [](DesignProblem& self, const std::string& islands, const DesignWeights& weights) {
            self.islands = parse_island_rule(islands);
            self.weights = weights;
          },
          py::arg("islands"), py::arg("weights"))
      .def_property_readonly("n_units", [](const DesignProblem& p) { return p.centroid.size(); })
      .def_property_readonly("n_advisors",
                             [](const DesignProblem& p) { return p.advisor_xy.size(); })
      .def_property_readonly("centroids",
                             [](const DesignProblem& p) {
                               const auto n = static_cast<py::ssize_t>(p.centroid.size());
                               py::array_t<double> out({n, py::ssize_t{2}});
                               auto r = out.mutable_unchecked<2>();
                               for (py::ssize_t i = 0; i < n; ++i) {
                                 r(i, 0) = p.centroid[i].x;
                                 r(i, 1) = p.centroid[i].y;
                               }
                               return out;
                             })
      .def_property_readonly("advisor_unit",
                             [](const DesignProblem& p) { return arr(p.advisor_unit); })
      .def_property_readonly("adjacency", [](const DesignProblem& p) {
        std::vector<std::int64_t> a, b;
        std::vector<double> len;
        for (const auto& e : p.adjacency) {
          a.push_back(e.a);
          b.push_back(e.b);
          len.push_back(e.border_m);
        }
        return py::make_tuple(arr(a), arr(b), arr(len));
      });

  py::class_<PreparedDesign>(m, "PreparedDesign",
                             "A DesignProblem validated and densified once (see design.hpp).")
      .def(py::init([](const DesignProblem& problem) {
             py::gil_scoped_release nogil;
             return PreparedDesign(problem);
           }),
           py::arg("problem"))
      .def_property_readonly("n_units", &PreparedDesign::n_units)
      .def(
          "design",
          [](const PreparedDesign& self, const DesignOptions& options, const py::object& initial,
             const py::object& fixed, const py::object& bounds) {
            const DesignOptions o = full_options(options, self.n_units(), initial, fixed, bounds);
            if (short_design(o, self.n_units())) {
              reset_cancel();
              DesignResult r;
              {
                py::gil_scoped_release nogil;
                r = self.design(o);
              }
              return result_dict(r);
            }
            return result_dict(run_interruptible([&] { return self.design(o); }));
          },
          py::arg("options"), py::arg("initial") = py::none(), py::arg("fixed") = py::none(),
          py::arg("bounds") = py::none())
      .def(
          "evaluate",
          [](const PreparedDesign& self, const py::object& labels_obj) {
            auto labels = as_int64(labels_obj, "labels");
            PlanEvaluation ev;
            {
              py::gil_scoped_release nogil;
              ev = self.evaluate(label_span(labels));
            }
            return evaluation_dict(ev);
          },
          py::arg("labels"))
      .def(
          "check_bounds",
          [](const PreparedDesign& self, const py::object& labels_obj, const py::object& bounds) {
            auto labels = as_int64(labels_obj, "labels");
            DesignBounds b = bounds_from(bounds, self.n_units());
            py::gil_scoped_release nogil;
            return self.check_bounds(label_span(labels), b);
          },
          py::arg("labels"), py::arg("bounds"));

  m.def(
      "apply_effort",
      [](DesignOptions& options, const std::string& effort, std::int64_t units) {
        apply_effort(options, effort, units);
      },
      py::arg("options"), py::arg("effort"), py::arg("units"),
      "Set starts, iterations and anneal of options to the search preset for `units` units.");

  m.def(
      "read_numeric_field",
      [](const std::string& source, const std::string& layer, const std::string& id_field,
         const std::string& field) {
        std::vector<std::string> ids;
        std::vector<double> values;
        {
          py::gil_scoped_release nogil;
          read_numeric_field(source, layer, id_field, field, ids, values);
        }
        return py::make_tuple(ids, arr(values));
      },
      py::arg("source"), py::arg("layer"), py::arg("id_field"), py::arg("field"));
}

}  // namespace libmatch::py_bind
