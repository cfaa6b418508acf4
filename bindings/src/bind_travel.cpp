#include "bindings.hpp"

namespace libmatch::py_bind {

void bind_travel(py::module_& m) { (void)m; }  // filled in by the travel module's work

}  // namespace libmatch::py_bind
