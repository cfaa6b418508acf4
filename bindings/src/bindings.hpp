#pragma once
// One bind_<domain>() per bindings file, all gathered by module.cpp.
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

namespace libmatch {
struct RoundInput;
}

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
void bind_programme(py::module_& m);
// bind_programme.cpp: Rules.reserve service names <-> binding-wide ids, and the programme
// fields of a round (dict built by libmatch.matching; `keep` holds objects it points into).
std::int32_t intern_reserve_service(const std::string& name);
std::string reserve_service_name(std::int32_t id);
void fill_programme(RoundInput& in, const py::dict& programme, std::vector<py::object>& keep);
}  // namespace libmatch::py_bind
