#include "bindings.hpp"

namespace libmatch::py_bind {

void bind_simulate(py::module_& m) { (void)m; }  // filled in by the simulate module's work

}  // namespace libmatch::py_bind
