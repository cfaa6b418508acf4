#include "bindings.hpp"

namespace libmatch::py_bind {

void bind_design(py::module_& m) { (void)m; }  // filled in by the design module's work

}  // namespace libmatch::py_bind
