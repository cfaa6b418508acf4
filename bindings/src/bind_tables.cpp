// Attribute tables through GDAL/OGR (tables.hpp) for libmatch.layers: columns travel as
// numpy arrays (int64, float64) or lists of str, geometries as WKB bytes.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "libmatch/error.hpp"
#include "libmatch/tables.hpp"

namespace libmatch::py_bind {
namespace {

py::dict table_to_python(Table&& t) {
  py::list columns;
  for (TableColumn& c : t.columns) {
    py::object values;
    if (c.type == TableColumn::Type::Integer) {
      values =
          py::array_t<std::int64_t>(static_cast<py::ssize_t>(c.integers.size()), c.integers.data());
    } else if (c.type == TableColumn::Type::Real) {
      values = py::array_t<double>(static_cast<py::ssize_t>(c.reals.size()), c.reals.data());
    } else {
      values = py::cast(c.strings);
    }
    py::array_t<bool> valid(static_cast<py::ssize_t>(c.valid.size()));
    auto v = valid.mutable_unchecked<1>();
    for (std::size_t i = 0; i < c.valid.size(); ++i) v(i) = c.valid[i] != 0;
    const char* kind = c.type == TableColumn::Type::Integer ? "integer"
                       : c.type == TableColumn::Type::Real  ? "real"
                                                            : "string";
    columns.append(py::make_tuple(c.name, kind, values, valid));
  }
  py::list geoms;
  for (const std::string& w : t.geometry_wkb) {
    if (w.empty())
      geoms.append(py::none());
    else
      geoms.append(py::bytes(w));
  }
  py::dict out;
  out["rows"] = t.rows;
  out["columns"] = columns;
  out["geometry"] = t.geometry_wkb.empty() ? py::object(py::none()) : py::object(geoms);
  out["crs_wkt"] = t.crs_wkt;
  return out;
}

TableColumn column_from_python(const py::tuple& spec, std::size_t rows) {
  if (spec.size() != 4) throw InvalidInput("write_table: a column is (name, kind, values, valid)");
  TableColumn c;
  c.name = spec[0].cast<std::string>();
  auto kind = spec[1].cast<std::string>();
  if (kind == "integer") {
    c.type = TableColumn::Type::Integer;
    c.integers = spec[2].cast<std::vector<std::int64_t>>();
  } else if (kind == "real") {
    c.type = TableColumn::Type::Real;
    c.reals = spec[2].cast<std::vector<double>>();
  } else if (kind == "string") {
    c.type = TableColumn::Type::String;
    c.strings = spec[2].cast<std::vector<std::string>>();
  } else {
    throw InvalidInput("write_table: column '" + c.name + "' has unknown kind '" + kind + "'");
  }
  auto valid = spec[3].cast<std::vector<bool>>();
  c.valid.assign(valid.begin(), valid.end());
  (void)rows;
  return c;
}

}  // namespace

void bind_tables(py::module_& m) {
  m.def(
      "read_table",
      [](const std::string& source, const std::string& layer, const std::string& target_crs,
         const std::string& source_crs) {
        Table t;
        {
          py::gil_scoped_release release;
          t = read_table(source, ReadTableOptions{layer, target_crs, source_crs});
        }
        return table_to_python(std::move(t));
      },
      py::arg("source"), py::arg("layer") = "", py::arg("target_crs") = "",
      py::arg("source_crs") = "",
      "Reads a vector layer: dict(rows, columns=[(name, kind, values, valid)], geometry=[wkb "
      "or None] or None, crs_wkt).");
  m.def(
      "write_table",
      [](const std::string& dest, const std::string& layer, std::size_t rows,
         const py::list& columns, const py::object& geometry, const std::string& crs,
         bool overwrite) {
        Table t;
        t.rows = rows;
        for (const py::handle& c : columns)
          t.columns.push_back(column_from_python(c.cast<py::tuple>(), rows));
        if (!geometry.is_none()) {
          for (const py::handle& g : geometry)
            t.geometry_wkb.push_back(g.is_none() ? std::string() : g.cast<std::string>());
        }
        py::gil_scoped_release release;
        write_table(dest, t, WriteTableOptions{layer, crs, overwrite});
      },
      py::arg("dest"), py::arg("layer"), py::arg("rows"), py::arg("columns"),
      py::arg("geometry") = py::none(), py::arg("crs") = "", py::arg("overwrite") = true,
      "Writes a table (columns as read_table returns them) as a layer of `dest`.");
}

}  // namespace libmatch::py_bind
