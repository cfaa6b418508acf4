#include "bindings.hpp"

namespace libmatch::py_bind {

void bind_match(py::module_& m) { (void)m; }  // filled in by the match module's work

}  // namespace libmatch::py_bind
