#include "bindings.hpp"
#include "libmatch/error.hpp"

namespace libmatch::py_bind {

// Python exception classes live in libmatch/errors.py (each subclasses libmatch.Error and
// the matching builtin); the translator looks them up once, on first use.
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
    } catch (const Error& e) {
      raise("Error", e.what());
    }
  });
  (void)m;
}

}  // namespace libmatch::py_bind
