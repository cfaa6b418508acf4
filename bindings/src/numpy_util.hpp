#pragma once
// Argument checks shared by the binding files: run them with the GIL held, before releasing it.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "libmatch/error.hpp"

namespace libmatch::py_bind {
namespace py = pybind11;

using XYArray = py::array_t<double, py::array::c_style>;
using I64Array = py::array_t<std::int64_t, py::array::c_style>;
using F64Array = py::array_t<double, py::array::c_style>;

/// InvalidInput "<what> has length <got>, expected <want>" unless got == want.
inline void check_len(py::ssize_t got, py::ssize_t want, const char* what) {
  if (got != want)
    throw InvalidInput(std::string(what) + " has length " + std::to_string(got) + ", expected " +
                       std::to_string(want));
}

/// `arr` (dtype already checked by the caller) converted to a C-contiguous T array. forcecast
/// also allows casts numpy deems unsafe (longdouble -> float64, uint64 -> int64): without it
/// ensure() returns a null array for those. Any remaining failure is an InvalidType.
template <class T>
py::array_t<T, py::array::c_style> cast_to(const py::array& arr, const char* what) {
  auto out = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(arr);
  if (!out) {
    throw InvalidType(std::string(what) + ": cannot convert dtype " +
                      std::string(py::str(arr.dtype())) + " to " +
                      std::string(py::str(py::dtype::of<T>())));
  }
  return py::reinterpret_borrow<py::array_t<T, py::array::c_style>>(out);
}

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
    for (py::ssize_t d = 0; d < arr.ndim(); ++d) {
      if (d) shape += ", ";
      shape += std::to_string(arr.shape(d));
    }
    throw InvalidInput(std::string(what) + " must have shape (n, 2), got " + shape + ")");
  }
  return cast_to<double>(arr, what);
}

inline std::span<const double> xy_span(const XYArray& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

/// A 1-D int64 array (integer input of other widths converted; uint64 values above the int64
/// range are an InvalidInput), else InvalidType/InvalidInput.
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
  if (k == 'u' && arr.itemsize() == 8) {  // uint64: cast only if every value fits
    const auto u = cast_to<std::uint64_t>(arr, what);
    const std::uint64_t* p = u.data();
    for (py::ssize_t i = 0; i < u.size(); ++i) {
      if (p[i] > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw InvalidInput(std::string(what) + "[" + std::to_string(i) +
                           "] is outside the int64 range");
    }
  }
  return cast_to<std::int64_t>(arr, what);
}

/// A 1-D float64 array (integer and boolean input converted) of length `n` (n < 0: any),
/// else InvalidType / InvalidInput naming `what`.
inline F64Array as_float64(const py::handle& obj, const char* what, py::ssize_t n = -1) {
  py::array arr = py::array::ensure(obj);
  if (!arr) throw InvalidType(std::string(what) + " must be a 1-D numeric numpy array");
  const char k = arr.dtype().kind();
  if (k != 'f' && k != 'i' && k != 'u' && k != 'b') {
    throw InvalidType(std::string(what) + " must be numeric (float64), got dtype " +
                      std::string(py::str(arr.dtype())));
  }
  if (arr.ndim() != 1) throw InvalidInput(std::string(what) + " must be 1-D");
  if (n >= 0) check_len(arr.shape(0), n, what);
  return cast_to<double>(arr, what);
}

/// as_float64 copied into a vector.
inline std::vector<double> float64_vector(const py::handle& obj, const char* what,
                                          py::ssize_t n = -1) {
  F64Array a = as_float64(obj, what, n);
  return {a.data(), a.data() + a.size()};
}

/// as_int64 copied into a vector.
inline std::vector<std::int64_t> int64_vector(const py::handle& obj, const char* what) {
  I64Array a = as_int64(obj, what);
  return {a.data(), a.data() + a.size()};
}

/// CSR lists (offsets of length n + 1 starting at 0 and ending at the number of values,
/// non-decreasing; int64 values) -> one vector per row. InvalidInput naming `what` otherwise.
template <class T>
std::vector<std::vector<T>> csr_lists(const py::handle& offsets, const py::handle& values,
                                      py::ssize_t n, const char* what) {
  I64Array off = as_int64(offsets, what);
  I64Array val = as_int64(values, what);
  check_len(off.size(), n + 1, what);
  std::vector<std::vector<T>> out(static_cast<std::size_t>(n));
  const auto* o = off.data();
  const auto* v = val.data();
  if (n > 0 && (o[0] != 0 || o[n] != val.size()))
    throw InvalidInput(std::string(what) + ": offsets do not span the values");
  for (py::ssize_t i = 0; i < n; ++i) {
    if (o[i + 1] < o[i]) throw InvalidInput(std::string(what) + ": offsets decrease");
    out[i].assign(v + o[i], v + o[i + 1]);
  }
  return out;
}

}  // namespace libmatch::py_bind
