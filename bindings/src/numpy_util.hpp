#pragma once
// Argument checks shared by the binding files: run them with the GIL held, before releasing it.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <span>
#include <string>

#include "libmatch/error.hpp"

namespace libmatch::py_bind {
namespace py = pybind11;

using XYArray = py::array_t<double, py::array::c_style>;

/// An (n, 2) float64 C-contiguous array of coordinates; floating input of other widths is
/// converted, anything else raises InvalidType / InvalidInput naming `what`.
inline XYArray as_xy(const py::handle& obj, const char* what) {
  py::array arr = py::array::ensure(obj);
  if (!arr) throw InvalidType(std::string(what) + " must be a numpy array of shape (n, 2)");
  if (arr.dtype().kind() != 'f') {
    throw InvalidType(std::string(what) + " must have a floating dtype (float64), got " +
                      std::string(py::str(arr.dtype())));
  }
  if (arr.ndim() != 2 || arr.shape(1) != 2) {
    std::string shape = "(";
    for (py::ssize_t d = 0; d < arr.ndim(); ++d)
      shape += (d ? ", " : "") + std::to_string(arr.shape(d));
    throw InvalidInput(std::string(what) + " must have shape (n, 2), got " + shape + ")");
  }
  return XYArray::ensure(arr);
}

inline std::span<const double> xy_span(const XYArray& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

/// A 1-D int64 array (integer input of other widths converted), else InvalidType/InvalidInput.
inline py::array_t<std::int64_t, py::array::c_style> as_int64(const py::handle& obj,
                                                              const char* what) {
  py::array arr = py::array::ensure(obj);
  if (!arr) throw InvalidType(std::string(what) + " must be a 1-D integer numpy array");
  char k = arr.dtype().kind();
  if (k != 'i' && k != 'u') {
    throw InvalidType(std::string(what) + " must have an integer dtype (int64), got " +
                      std::string(py::str(arr.dtype())));
  }
  if (arr.ndim() != 1) throw InvalidInput(std::string(what) + " must be 1-D");
  return py::array_t<std::int64_t, py::array::c_style>::ensure(arr);
}

}  // namespace libmatch::py_bind
