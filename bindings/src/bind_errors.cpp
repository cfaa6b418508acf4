#include <pybind11/stl.h>

#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bindings.hpp"
#include "libmatch/design.hpp"
#include "libmatch/error.hpp"

namespace libmatch::py_bind {
namespace {

// prefix + what + suffix by appends (GCC 12 reports a false -Wrestrict on operator+ chains).
std::string wrapped(std::string_view prefix, const char* what, std::string_view suffix = {}) {
  std::string out(prefix);
  out += what;
  out += suffix;
  return out;
}

}  // namespace

// Python exception classes live in libmatch/errors.py (each subclasses libmatch.Error and
// the matching builtin); the translator looks them up once, on first use. Standard C++
// exceptions (bad_alloc, length_error, out_of_range, ...) become libmatch errors too; only
// pybind11's own exceptions and Python errors passing through keep their mapping.
void bind_errors(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    auto raise = [](const char* cls, const char* what) {
      py::gil_scoped_acquire gil;
      py::object errors = py::module_::import("libmatch.errors");
      PyErr_SetString(errors.attr(cls).ptr(), what);
    };
    try {
      std::rethrow_exception(p);
    } catch (const FileMissing& e) {
      raise("FileMissingError", e.what());
    } catch (const FileError& e) {
      raise("FileError", e.what());
    } catch (const InfeasibleBounds& e) {
      py::gil_scoped_acquire gil;
      py::object cls = py::module_::import("libmatch.errors").attr("InfeasibleBoundsError");
      py::object exc = cls(e.what(), py::cast(e.conflict()), e.proven());
      PyErr_SetObject(cls.ptr(), exc.ptr());
    } catch (const UnknownId& e) {
      raise("UnknownIdError", e.what());
    } catch (const Overflow& e) {
      raise("CostOverflowError", e.what());
    } catch (const CrsError& e) {
      raise("CrsError", e.what());
    } catch (const GeometryError& e) {
      raise("GeometryError", e.what());
    } catch (const InvalidInput& e) {
      raise("InvalidInputError", e.what());
    } catch (const InvalidType& e) {
      raise("InvalidTypeError", e.what());
    } catch (const Cancelled& e) {
      raise("CancelledError", e.what());
    } catch (const Error& e) {
      raise("Error", e.what());
    } catch (const py::cast_error& e) {
      raise("InvalidTypeError", e.what());
    } catch (const py::builtin_exception&) {
      throw;  // pybind11's own mapping (IndexError, StopIteration, ...)
    } catch (const py::error_already_set&) {
      throw;  // a Python exception passing through C++
    } catch (const std::bad_alloc&) {
      // No standard exception leaves the library untranslated.
      raise("OutOfMemoryError", "not enough memory for this call (input too large?)");
    } catch (const std::length_error& e) {
      raise("InvalidInputError",
            wrapped("input too large: a buffer would exceed its maximum size (", e.what(), ")")
                .c_str());
    } catch (const std::out_of_range& e) {
      raise("InvalidInputError", wrapped("value out of range: ", e.what()).c_str());
    } catch (const std::invalid_argument& e) {
      raise("InvalidInputError", wrapped("invalid argument: ", e.what()).c_str());
    } catch (const std::exception& e) {
      raise("Error", wrapped("internal error: ", e.what()).c_str());
    }
  });
  // Test hook for the translator: throws the named C++ exception.
  m.def("_raise_for_test", [](const std::string& kind) {
    if (kind == "bad_alloc") throw std::bad_alloc();
    if (kind == "length_error") throw std::length_error("vector::_M_default_append");
    if (kind == "out_of_range") throw std::out_of_range("vector::_M_range_check");
    if (kind == "invalid_argument") throw std::invalid_argument("stoi");
    if (kind == "runtime_error") throw std::runtime_error("boom");
    if (kind == "cancelled") throw Cancelled("match_round cancelled");
    throw InvalidInput("unknown kind '" + kind + "'");
  });
}

}  // namespace libmatch::py_bind
