#pragma once
// One bind_<domain>() per bindings file, all gathered by module.cpp.
#include <pybind11/pybind11.h>

namespace libmatch::py_bind {
namespace py = pybind11;
void bind_errors(py::module_& m);
void bind_options(py::module_& m);
void bind_areas(py::module_& m);
void bind_travel(py::module_& m);
void bind_flow(py::module_& m);
void bind_match(py::module_& m);
void bind_simulate(py::module_& m);
void bind_design(py::module_& m);
void bind_tables(py::module_& m);
}  // namespace libmatch::py_bind
