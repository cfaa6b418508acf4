#include "bindings.hpp"

namespace libmatch::py_bind {

void bind_flow(py::module_& m) { (void)m; }  // filled in by the flow module's work

}  // namespace libmatch::py_bind
