#include "bindings.hpp"
#include "libmatch/version.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "libmatch compiled core; use the pure-Python package `libmatch`.";
  m.attr("__version__") = LIBMATCH_VERSION_STRING;
  using namespace libmatch::py_bind;
  bind_errors(m);
  bind_options(m);
  bind_areas(m);
  bind_travel(m);
  bind_flow(m);
  bind_programme(m);
  bind_match(m);
  bind_simulate(m);
  bind_design(m);
  bind_tables(m);
}
