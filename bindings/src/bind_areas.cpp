#include <pybind11/stl.h>

#include "bindings.hpp"
#include "interrupt.hpp"
#include "libmatch/areas.hpp"
#include "numpy_util.hpp"

namespace libmatch::py_bind {

void bind_areas(py::module_& m) {
  py::class_<AreaSet>(m, "AreaSet")
      .def_static(
          "from_file",
          [](const std::string& source, const std::string& id_field, const std::string& layer,
             const std::string& crs, const std::string& source_crs, bool repair) {
            ReadOptions o;
            o.layer = layer;
            o.crs = crs;
            o.source_crs = source_crs;
            o.repair = repair;
            py::gil_scoped_release nogil;
            return AreaSet::from_file(source, id_field, o);
          },
          py::arg("source"), py::arg("id_field"), py::arg("layer") = "",
          py::arg("crs") = "EPSG:28992", py::arg("source_crs") = "", py::arg("repair") = false)
      .def_static(
          "from_wkb",
          [](const std::vector<py::bytes>& wkb, std::vector<std::string> ids,
             const std::string& source_crs, const std::string& crs, bool repair) {
            std::vector<std::string> raw(wkb.begin(), wkb.end());
            py::gil_scoped_release nogil;
            return AreaSet::from_wkb(raw, std::move(ids), source_crs, crs, repair);
          },
          py::arg("wkb"), py::arg("ids"), py::arg("source_crs"), py::arg("crs"),
          py::arg("repair") = false)
      .def("__len__", &AreaSet::size)
      .def_property_readonly("ids", &AreaSet::ids)
      .def_property_readonly("crs", &AreaSet::crs)
      .def("index_of", &AreaSet::index_of)
      .def(
          "locate",
          [](const AreaSet& self, const py::object& xy_obj, int threads) {
            XYArray xy = as_xy(xy_obj, "xy");
            py::array_t<std::int64_t> out(xy.shape(0));
            std::span<std::int64_t> o(out.mutable_data(), static_cast<std::size_t>(xy.shape(0)));
            run_interruptible([&] { self.locate(xy_span(xy), o, threads); });
            return out;
          },
          py::arg("xy"), py::arg("threads") = 0)
      .def(
          "nearest",
          [](const AreaSet& self, const py::object& xy_obj, double max_distance, int threads) {
            XYArray xy = as_xy(xy_obj, "xy");
            auto n = static_cast<std::size_t>(xy.shape(0));
            py::array_t<std::int64_t> idx(n);
            py::array_t<double> dist(n);
            run_interruptible([&] {
              self.nearest(xy_span(xy), {idx.mutable_data(), n}, {dist.mutable_data(), n},
                           max_distance, threads);
            });
            return py::make_tuple(idx, dist);
          },
          py::arg("xy"), py::arg("max_distance"), py::arg("threads") = 0)
      .def(
          "adjacency",
          [](const AreaSet& self, double min_border_m) {
            std::vector<Adjacency> adj;
            {
              py::gil_scoped_release nogil;
              adj = self.adjacency(min_border_m);
            }
            py::array_t<std::int64_t> a(adj.size()), b(adj.size());
            py::array_t<double> len(adj.size());
            for (std::size_t k = 0; k < adj.size(); ++k) {
              a.mutable_at(k) = adj[k].a;
              b.mutable_at(k) = adj[k].b;
              len.mutable_at(k) = adj[k].border_m;
            }
            return py::make_tuple(a, b, len);
          },
          py::arg("min_border_m") = 0.0)
      .def("stats_arrays",
           [](const AreaSet& self) {
             auto n = self.size();
             py::array_t<double> out({n, std::size_t{8}});
             for (std::size_t i = 0; i < n; ++i) {
               const AreaStats& s = self.stats(i);
               double row[8] = {s.area_m2, s.perimeter_m, s.centroid.x, s.centroid.y,
                                s.min.x,   s.min.y,       s.max.x,      s.max.y};
               for (int c = 0; c < 8; ++c) out.mutable_at(i, c) = row[c];
             }
             return out;
           })
      .def("wkb",
           [](const AreaSet& self, std::size_t i) {
             if (i >= self.size()) throw InvalidInput("area index out of range");
             return py::bytes(self.to_wkb(i));
           })
      .def(
          "dissolve",
          [](const AreaSet& self, const py::object& labels, std::vector<std::string> ids) {
            auto lab = as_int64(labels, "labels");
            std::span<const std::int64_t> l(lab.data(), static_cast<std::size_t>(lab.size()));
            py::gil_scoped_release nogil;
            return self.dissolve(l, std::move(ids));
          },
          py::arg("labels"), py::arg("ids") = std::vector<std::string>{})
      .def("to_file", &AreaSet::to_file, py::arg("path"), py::arg("id_field") = "id",
           py::arg("layer") = "areas", py::call_guard<py::gil_scoped_release>());

  m.def(
      "transform_points",
      [](const py::object& xy_obj, const std::string& from_crs, const std::string& to_crs) {
        XYArray xy = as_xy(xy_obj, "xy");
        py::array_t<double> out({xy.shape(0), py::ssize_t{2}});
        std::copy(xy.data(), xy.data() + xy.size(), out.mutable_data());
        std::span<double> s(out.mutable_data(), static_cast<std::size_t>(out.size()));
        py::gil_scoped_release nogil;
        transform_points(s, from_crs, to_crs);
        return out;
      },
      py::arg("xy"), py::arg("from_crs"), py::arg("to_crs"));
}

}  // namespace libmatch::py_bind
