// Python binding of the travel models (libmatch._core.StraightLine / RoadNetwork) and of the
// location-study kernels (close points of different requests).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "interrupt.hpp"
#include "libmatch/error.hpp"
#include "libmatch/study.hpp"
#include "libmatch/travel.hpp"
#include "numpy_util.hpp"

namespace libmatch::py_bind {
namespace {

template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
  auto* owner = new std::vector<T>(std::move(v));
  py::capsule free_when_done(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(owner->size()), owner->data(), free_when_done);
}

template <class T>
py::array_t<T> copy_numpy(const std::vector<T>& v) {
  return to_numpy(std::vector<T>(v));
}

std::vector<OneWay> as_oneway(const py::object& obj, std::size_t n) {
  std::vector<OneWay> out;
  if (obj.is_none()) return out;
  auto a = as_int64(obj, "oneway");
  if (static_cast<std::size_t>(a.size()) != n) {
    throw InvalidInput("oneway must have one entry per line/edge (" + std::to_string(n) +
                       "), got " + std::to_string(a.size()));
  }
  out.reserve(n);
  for (py::ssize_t i = 0; i < a.size(); ++i) {
    const std::int64_t v = a.data()[i];
    if (v < -1 || v > 1) {
      throw InvalidInput("oneway[" + std::to_string(i) + "] must be -1, 0 or 1 (got " +
                         std::to_string(v) + ")");
    }
    out.push_back(static_cast<OneWay>(v));
  }
  return out;
}

template <class T>
std::span<const T> span1(const py::array_t<T, py::array::c_style>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

py::dict pairs_dict(TravelPairs&& p) {
  py::dict d;
  d["origin"] = to_numpy(std::move(p.origin));
  d["destination"] = to_numpy(std::move(p.destination));
  d["minutes"] = to_numpy(std::move(p.minutes));
  d["km"] = to_numpy(std::move(p.km));
  d["unsnapped_origins"] = to_numpy(std::move(p.unsnapped_origins));
  d["unsnapped_destinations"] = to_numpy(std::move(p.unsnapped_destinations));
  d["unreachable_pairs"] = p.unreachable_pairs;
  return d;
}

py::dict run_pairs(const TravelModel& model, const py::object& origins, const py::object& dests,
                   double max_minutes, double max_km, int threads) {
  XYArray o = as_xy(origins, "origins_xy");
  XYArray d = as_xy(dests, "destinations_xy");
  TravelPairs p = run_interruptible(
      [&] { return model.pairs(xy_span(o), xy_span(d), max_minutes, max_km, threads); });
  return pairs_dict(std::move(p));
}

}  // namespace

void bind_travel(py::module_& m) {
  py::class_<TravelModel, std::shared_ptr<TravelModel>>(m, "TravelModel")
      .def("pairs_arrays", &run_pairs, py::arg("origins_xy"), py::arg("destinations_xy"),
           py::arg("max_minutes") = std::numeric_limits<double>::infinity(),
           py::arg("max_km") = std::numeric_limits<double>::infinity(), py::arg("threads") = 0,
           "Pairs within the limits as a dict of numpy arrays (see TravelPairs).")
      .def("describe", &TravelModel::describe);

  py::class_<StraightLine, TravelModel, std::shared_ptr<StraightLine>>(m, "StraightLine")
      .def(py::init<double, double>(), py::arg("detour") = 1.3, py::arg("speed_kmh") = 60.0)
      .def_property_readonly("detour", &StraightLine::detour)
      .def_property_readonly("speed_kmh", &StraightLine::speed_kmh);

  py::class_<RoadNetworkOptions>(m, "RoadNetworkOptions")
      .def(py::init<>())
      .def_static("osm_car", &RoadNetworkOptions::osm_car)
      .def_readwrite("layer", &RoadNetworkOptions::layer)
      .def_readwrite("speed_field", &RoadNetworkOptions::speed_field)
      .def_readwrite("class_field", &RoadNetworkOptions::class_field)
      .def_readwrite("class_speeds", &RoadNetworkOptions::class_speeds)
      .def_readwrite("skip_classes", &RoadNetworkOptions::skip_classes)
      .def_readwrite("default_speed_kmh", &RoadNetworkOptions::default_speed_kmh)
      .def_readwrite("oneway_field", &RoadNetworkOptions::oneway_field)
      .def_readwrite("crs", &RoadNetworkOptions::crs)
      .def_readwrite("source_crs", &RoadNetworkOptions::source_crs)
      .def_readwrite("node_tolerance_m", &RoadNetworkOptions::node_tolerance_m)
      .def_readwrite("snap_max_m", &RoadNetworkOptions::snap_max_m)
      .def_readwrite("snap_speed_kmh", &RoadNetworkOptions::snap_speed_kmh);

  py::class_<RoadNetwork, TravelModel, std::shared_ptr<RoadNetwork>>(m, "RoadNetwork")
      .def_static(
          "from_file",
          [](const std::string& source, const RoadNetworkOptions& options) {
            py::gil_scoped_release nogil;
            return std::make_shared<RoadNetwork>(RoadNetwork::from_file(source, options));
          },
          py::arg("source"), py::arg("options"))
      .def_static(
          "from_edges",
          [](const py::object& node_xy, const py::object& edge_from, const py::object& edge_to,
             const py::object& speed_kmh, const py::object& length_m, const py::object& oneway,
             const RoadNetworkOptions& options) {
            XYArray xy = as_xy(node_xy, "node_xy");
            auto f = as_int64(edge_from, "edge_from");
            auto t = as_int64(edge_to, "edge_to");
            auto s = as_float64(speed_kmh, "speed_kmh");
            F64Array len;
            if (!length_m.is_none()) len = as_float64(length_m, "length_m");
            std::vector<OneWay> ow = as_oneway(oneway, static_cast<std::size_t>(f.size()));
            std::span<const double> len_span;
            if (!length_m.is_none()) len_span = span1(len);
            py::gil_scoped_release nogil;
            return std::make_shared<RoadNetwork>(RoadNetwork::from_edges(
                xy_span(xy), span1(f), span1(t), span1(s), len_span, ow, options));
          },
          py::arg("node_xy"), py::arg("edge_from"), py::arg("edge_to"), py::arg("speed_kmh"),
          py::arg("length_m"), py::arg("oneway"), py::arg("options"))
      .def_static(
          "from_lines",
          [](const py::object& line_offsets, const py::object& vertices_xy,
             const py::object& speed_kmh, const py::object& oneway,
             const RoadNetworkOptions& options) {
            auto off = as_int64(line_offsets, "line_offsets");
            XYArray xy = as_xy(vertices_xy, "vertices_xy");
            auto s = as_float64(speed_kmh, "speed_kmh");
            std::vector<OneWay> ow = as_oneway(oneway, static_cast<std::size_t>(s.size()));
            py::gil_scoped_release nogil;
            return std::make_shared<RoadNetwork>(
                RoadNetwork::from_lines(span1(off), xy_span(xy), span1(s), ow, options));
          },
          py::arg("line_offsets"), py::arg("vertices_xy"), py::arg("speed_kmh"), py::arg("oneway"),
          py::arg("options"))
      .def(
          "prepare",
          [](RoadNetwork& self, int threads) {
            py::gil_scoped_release nogil;
            self.prepare(threads);
          },
          py::arg("threads") = 0)
      .def_property_readonly("is_prepared", &RoadNetwork::is_prepared)
      .def("hierarchy_info",
           [](const RoadNetwork& self) {
             const RoadNetwork::HierarchyInfo h = self.hierarchy_info();
             py::dict d;
             d["prepared"] = h.prepared;
             d["seconds"] = h.seconds;
             d["up_arcs"] = h.up_arcs;
             d["down_arcs"] = h.down_arcs;
             d["shortcuts"] = h.shortcuts;
             d["bytes"] = h.bytes;
             d["checksum"] = h.checksum;
             return d;
           })
      .def(
          "save",
          [](const RoadNetwork& self, const std::string& path) {
            py::gil_scoped_release nogil;
            self.save(path);
          },
          py::arg("path"))
      .def_static(
          "load",
          [](const std::string& path) {
            py::gil_scoped_release nogil;
            return std::make_shared<RoadNetwork>(RoadNetwork::load(path));
          },
          py::arg("path"))
      .def_property_readonly("ignored_turn_restrictions", &RoadNetwork::ignored_turn_restrictions)
      .def_property_readonly("node_count", &RoadNetwork::node_count)
      .def_property_readonly("edge_count", &RoadNetwork::edge_count)
      .def_property_readonly("arc_count", &RoadNetwork::arc_count)
      .def_property_readonly("skipped_features", &RoadNetwork::skipped_features)
      .def_property_readonly("component_count", &RoadNetwork::component_count)
      .def_property_readonly("crs", &RoadNetwork::crs)
      .def_property_readonly("options", &RoadNetwork::options)
      .def_property_readonly("node_xy",
                             [](const RoadNetwork& self) {
                               auto a = copy_numpy(self.node_xy());
                               return a.reshape({a.size() / 2, py::ssize_t{2}});
                             })
      .def("edge_arrays",
           [](const RoadNetwork& self) {
             std::vector<std::int8_t> ow;
             for (OneWay o : self.edge_oneway()) ow.push_back(static_cast<std::int8_t>(o));
             return py::make_tuple(copy_numpy(self.edge_from()), copy_numpy(self.edge_to()),
                                   copy_numpy(self.edge_length_m()),
                                   copy_numpy(self.edge_speed_kmh()), to_numpy(std::move(ow)));
           })
      .def("csr_arrays",
           [](const RoadNetwork& self) {
             return py::make_tuple(to_numpy(self.arc_offsets()), to_numpy(self.arc_head()),
                                   to_numpy(self.arc_minutes()), to_numpy(self.arc_km()));
           })
      .def(
          "snap_arrays",
          [](const RoadNetwork& self, const py::object& xy_obj, int threads) {
            XYArray xy = as_xy(xy_obj, "xy");
            std::vector<SnapResult> r =
                run_interruptible([&] { return self.snap(xy_span(xy), threads); });
            std::vector<std::int64_t> edge(r.size());
            std::vector<double> along(r.size()), dist(r.size());
            for (std::size_t i = 0; i < r.size(); ++i) {
              edge[i] = r[i].edge;
              along[i] = r[i].along_m;
              dist[i] = r[i].distance_m;
            }
            return py::make_tuple(to_numpy(std::move(edge)), to_numpy(std::move(along)),
                                  to_numpy(std::move(dist)));
          },
          py::arg("xy"), py::arg("threads") = 0);

  m.def(
      "nearest_other_group",
      [](const py::object& xy_obj, const py::object& group_obj, double tolerance_m, int threads) {
        XYArray xy = as_xy(xy_obj, "xy");
        auto group = as_int64(group_obj, "group");
        if (group.size() != xy.shape(0)) {
          throw InvalidInput("group must have one entry per point (" + std::to_string(xy.shape(0)) +
                             "), got " + std::to_string(group.size()));
        }
        const auto n = static_cast<std::size_t>(xy.shape(0));
        std::vector<std::int64_t> idx(n);
        std::vector<double> dist(n);
        {
          py::gil_scoped_release nogil;
          nearest_other_group(xy_span(xy), span1(group), tolerance_m, idx, dist, threads);
        }
        return py::make_tuple(to_numpy(std::move(idx)), to_numpy(std::move(dist)));
      },
      py::arg("xy"), py::arg("group"), py::arg("tolerance_m"), py::arg("threads") = 0,
      "Per point: the nearest point of another group within tolerance_m (index, distance), "
      "-1 / NaN when none.");

  m.def(
      "close_pairs",
      [](const py::object& xy_obj, const py::object& group_obj, double tolerance_m) {
        XYArray xy = as_xy(xy_obj, "xy");
        auto group = as_int64(group_obj, "group");
        if (group.size() != xy.shape(0)) {
          throw InvalidInput("group must have one entry per point (" + std::to_string(xy.shape(0)) +
                             "), got " + std::to_string(group.size()));
        }
        ClosePairs p;
        {
          py::gil_scoped_release nogil;
          p = close_pairs(xy_span(xy), span1(group), tolerance_m);
        }
        return py::make_tuple(to_numpy(std::move(p.a)), to_numpy(std::move(p.b)),
                              to_numpy(std::move(p.distance_m)));
      },
      py::arg("xy"), py::arg("group"), py::arg("tolerance_m"),
      "All pairs (a < b) of points of different groups within tolerance_m, sorted by a, b.");

  m.def(
      "same_crs", [](const std::string& a, const std::string& b) { return same_crs(a, b); },
      py::arg("a"), py::arg("b"), "True when two CRS strings denote the same CRS.");
}

}  // namespace libmatch::py_bind
