// Python binding of the exact transportation solver: libmatch._core.solve_assignment.
#include <pybind11/numpy.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "libmatch/error.hpp"
#include "libmatch/flow.hpp"

namespace libmatch::py_bind {
namespace {

using i64 = std::int64_t;
using Int64Array = py::array_t<i64, py::array::c_style>;
constexpr i64 kMaxIds = std::numeric_limits<std::int32_t>::max() - 1;

struct AssignmentResult {
  Int64Array col_of_row;
  i64 objective = 0;
  Int64Array col_load;
  std::string status;
};

std::string s(const py::handle& h) { return py::str(h).cast<std::string>(); }

// A Python or numpy integer (not bool, not float) as int64.
i64 as_int(const py::handle& obj, const char* name) {
  if (py::isinstance<py::bool_>(obj) || !PyIndex_Check(obj.ptr()))
    throw InvalidType(std::string(name) + ": expected an integer, got " +
                      s(py::type::handle_of(obj).attr("__name__")));
  PyObject* index = PyNumber_Index(obj.ptr());
  if (index == nullptr) {
    PyErr_Clear();
    throw InvalidType(std::string(name) + ": expected an integer");
  }
  int over = 0;
  const long long v = PyLong_AsLongLongAndOverflow(index, &over);
  Py_DECREF(index);
  if (over != 0) throw InvalidInput(std::string(name) + " is outside the int64 range");
  return static_cast<i64>(v);
}

// Any integer-dtype array (or sequence) as a C-contiguous int64 array; floats, bools and
// objects are rejected. An empty list or tuple is accepted as an empty array.
py::array as_int64(const py::handle& obj, const char* name, int ndim) {
  py::module_ np = py::module_::import("numpy");
  const bool was_array = py::isinstance<py::array>(obj);
  py::array a = np.attr("asarray")(obj);
  if (!was_array && a.size() == 0 && a.ndim() == 1 && ndim == 1) return Int64Array(0);
  const char kind = a.dtype().kind();
  if (kind != 'i' && kind != 'u')
    throw InvalidType(std::string(name) + ": expected an integer array, got dtype " + s(a.dtype()));
  if (a.ndim() != ndim)
    throw InvalidInput(std::string(name) + ": expected a " + std::to_string(ndim) +
                       "-D array, got shape " + s(a.attr("shape")));
  if (kind == 'u' && a.itemsize() == 8 && a.size() > 0 &&
      py::bool_(
          np.attr("any")(a.attr("__gt__")(np.attr("uint64")(std::numeric_limits<i64>::max())))))
    throw InvalidInput(std::string(name) + ": values above the int64 range");
  return np.attr("ascontiguousarray")(a, py::arg("dtype") = np.attr("int64"));
}

Int64Array to_numpy(std::vector<i64>&& v) {
  auto* owner = new std::vector<i64>(std::move(v));
  py::capsule free_when_done(owner, [](void* p) { delete static_cast<std::vector<i64>*>(p); });
  return Int64Array(static_cast<py::ssize_t>(owner->size()), owner->data(), free_when_done);
}

std::span<const i64> span_of(const py::array& a) {
  return {static_cast<const i64*>(a.data()), static_cast<std::size_t>(a.size())};
}

// Shapes and ranges, named by the Python arguments (the core names its own fields and values).
void check_arcs(i64 n_rows, i64 n_cols, const py::array& rows, const py::array& cols,
                const py::array& costs, const py::array& caps, const py::array& unassigned) {
  if (cols.size() != rows.size())
    throw InvalidInput("cols has " + std::to_string(cols.size()) + " entries, rows " +
                       std::to_string(rows.size()) + " (one per arc)");
  if (costs.size() != rows.size())
    throw InvalidInput("costs has " + std::to_string(costs.size()) + " entries, rows " +
                       std::to_string(rows.size()) + " (one per arc)");
  if (unassigned.size() != n_rows)
    throw InvalidInput("unassigned_cost has " + std::to_string(unassigned.size()) +
                       " entries, expected n_rows = " + std::to_string(n_rows));
  auto in_range = [](const py::array& a, i64 n, const char* name, const char* bound) {
    const i64* v = static_cast<const i64*>(a.data());
    for (py::ssize_t k = 0; k < a.size(); ++k)
      if (v[k] < 0 || v[k] >= n)
        throw InvalidInput(std::string(name) + "[" + std::to_string(k) + "] is out of range [0, " +
                           bound + " = " + std::to_string(n) + ")");
  };
  in_range(rows, n_rows, "rows", "n_rows");
  in_range(cols, n_cols, "cols", "n_cols");
  auto nonneg = [](const py::array& a, const char* name) {
    const i64* v = static_cast<const i64*>(a.data());
    for (py::ssize_t k = 0; k < a.size(); ++k)
      if (v[k] < 0)
        throw InvalidInput(std::string(name) + "[" + std::to_string(k) +
                           "] is negative (allowed: >= 0)");
  };
  nonneg(caps, "capacities");
  nonneg(unassigned, "unassigned_cost");
}

AssignmentResult solve_assignment(const py::object& n_rows_obj, const py::object& n_cols_obj,
                                  const py::object& rows_obj, const py::object& cols_obj,
                                  const py::object& costs_obj, const py::object& caps_obj,
                                  const py::object& unassigned_obj, const py::object& load_obj) {
  const i64 n_rows = as_int(n_rows_obj, "n_rows");
  const i64 n_cols = as_int(n_cols_obj, "n_cols");
  if (n_rows < 0 || n_rows > kMaxIds)
    throw InvalidInput("n_rows = " + std::to_string(n_rows) + " is out of range [0, " +
                       std::to_string(kMaxIds) + "]");
  if (n_cols < 0 || n_cols > kMaxIds)
    throw InvalidInput("n_cols = " + std::to_string(n_cols) + " is out of range [0, " +
                       std::to_string(kMaxIds) + "]");
  py::array rows = as_int64(rows_obj, "rows", 1);
  py::array cols = as_int64(cols_obj, "cols", 1);
  py::array costs = as_int64(costs_obj, "costs", 1);
  py::array caps = as_int64(caps_obj, "capacities", 1);
  if (caps.size() != n_cols)
    throw InvalidInput("capacities has " + std::to_string(caps.size()) +
                       " entries, expected n_cols = " + std::to_string(n_cols));
  py::module_ np = py::module_::import("numpy");
  py::array unassigned;
  {
    py::array u = np.attr("asarray")(unassigned_obj);
    if (u.ndim() == 0) {
      const char kind = u.dtype().kind();
      if (kind != 'i' && kind != 'u')
        throw InvalidType("unassigned_cost: expected an integer or an integer array, got dtype " +
                          s(u.dtype()));
      const i64 v = as_int(u.attr("item")(), "unassigned_cost");
      unassigned = np.attr("full")(n_rows, v, py::arg("dtype") = np.attr("int64"));
    } else {
      unassigned = as_int64(unassigned_obj, "unassigned_cost", 1);
    }
  }
  // Load costs: None, a 2-D (n_cols, width) array or a sequence of n_cols 1-D arrays; column
  // j uses the first capacities[j] entries of its row.
  std::vector<i64> load_offset, load_cost;
  if (!load_obj.is_none()) {
    const i64* cap = static_cast<const i64*>(caps.data());
    auto add_column = [&](i64 j, const i64* data, i64 len) {
      if (cap[j] < 0)
        throw InvalidInput("capacities[" + std::to_string(j) + "] is negative (allowed: >= 0)");
      if (len < cap[j])
        throw InvalidInput("load_costs: column " + std::to_string(j) + " has capacity " +
                           std::to_string(cap[j]) + " but only " + std::to_string(len) +
                           " load costs");
      for (i64 k = 1; k < cap[j]; ++k)
        if (data[k] < data[k - 1])
          throw InvalidInput("load_costs[" + std::to_string(j) + "] decreases at entry " +
                             std::to_string(k) + "; marginal load costs must be non-decreasing");
      load_cost.insert(load_cost.end(), data, data + cap[j]);
      load_offset.push_back(static_cast<i64>(load_cost.size()));
    };
    load_offset.push_back(0);
    if (py::isinstance<py::array>(load_obj)) {
      py::array m = as_int64(load_obj, "load_costs", 2);
      if (m.shape(0) != n_cols)
        throw InvalidInput("load_costs has " + std::to_string(m.shape(0)) +
                           " rows, expected n_cols = " + std::to_string(n_cols));
      const i64 width = m.shape(1);
      const i64* base = static_cast<const i64*>(m.data());
      for (i64 j = 0; j < n_cols; ++j) add_column(j, base + j * width, width);
    } else {
      if (!py::isinstance<py::sequence>(load_obj) || py::isinstance<py::str>(load_obj))
        throw InvalidType(
            "load_costs: expected None, a 2-D integer array or a list of 1-D "
            "integer arrays, got " +
            s(py::type::handle_of(load_obj).attr("__name__")));
      py::sequence seq = py::reinterpret_borrow<py::sequence>(load_obj);
      if (static_cast<i64>(seq.size()) != n_cols)
        throw InvalidInput("load_costs has " + std::to_string(seq.size()) +
                           " entries, expected n_cols = " + std::to_string(n_cols));
      for (i64 j = 0; j < n_cols; ++j) {
        const std::string name = "load_costs[" + std::to_string(j) + "]";
        py::array a = as_int64(seq[j], name.c_str(), 1);
        add_column(j, static_cast<const i64*>(a.data()), a.size());
      }
    }
  }

  check_arcs(n_rows, n_cols, rows, cols, costs, caps, unassigned);

  TransportProblem p;
  p.n_rows = n_rows;
  p.n_cols = n_cols;
  p.arc_row = span_of(rows);
  p.arc_col = span_of(cols);
  p.arc_cost = span_of(costs);
  p.col_capacity = span_of(caps);
  p.unassigned_cost = span_of(unassigned);
  p.load_offset = load_offset;
  p.load_cost = load_cost;
  TransportSolution sol;
  {
    py::gil_scoped_release release;
    sol = solve_transport(p);
  }
  AssignmentResult r;
  r.col_of_row = to_numpy(std::move(sol.col_of_row));
  r.col_load = to_numpy(std::move(sol.col_load));
  r.objective = sol.objective;
  r.status = "optimal";
  return r;
}

}  // namespace

void bind_flow(py::module_& m) {
  py::class_<AssignmentResult>(m, "AssignmentResult", "Result of solve_assignment (read-only).")
      .def_readonly("col_of_row", &AssignmentResult::col_of_row,
                    "int64 array (n_rows,): column of each row, -1 = unassigned.")
      .def_readonly("objective", &AssignmentResult::objective,
                    "Total cost: arc costs + marginal load costs used + unassigned costs.")
      .def_readonly("col_load", &AssignmentResult::col_load,
                    "int64 array (n_cols,): number of rows assigned to each column.")
      .def_readonly("status", &AssignmentResult::status, "'optimal'.")
      .def("__repr__", [](const AssignmentResult& r) {
        return "AssignmentResult(status='" + r.status +
               "', objective=" + std::to_string(r.objective) +
               ", n_rows=" + std::to_string(r.col_of_row.size()) +
               ", n_cols=" + std::to_string(r.col_load.size()) + ")";
      });
  m.def("solve_assignment", &solve_assignment, py::arg("n_rows"), py::arg("n_cols"),
        py::arg("rows"), py::arg("cols"), py::arg("costs"), py::arg("capacities"),
        py::arg("unassigned_cost"), py::arg("load_costs") = py::none(),
        "Exact min-cost transportation; see libmatch.flow.solve_assignment.");
}

}  // namespace libmatch::py_bind
