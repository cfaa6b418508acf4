// The transportation solver against brute force on small problems (<= 6 rows, <= 3 columns,
// capacity <= 3): the returned assignment must be feasible, its recomputed cost must equal
// the reported objective, and that objective must equal the exhaustive optimum. Byte 0 bit 0
// selects "large costs" (close to the overflow bounds, exercising 128-bit prices).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "fuzz_common.hpp"
#include "libmatch/flow.hpp"

using i64 = std::int64_t;

namespace {

struct Problem {
  i64 rows = 0, cols = 0;
  std::vector<i64> arc_row, arc_col, arc_cost, cap, unassigned, load_offset, load_cost;
};

Problem decode(fuzz::Bytes& in) {
  Problem p;
  const bool large = in.u8() & 1;
  auto cost = [&]() -> i64 {
    if (!large) return in.below(50);
    return static_cast<i64>(in.u32() % 1000) * (i64{1} << 40) + in.below(7);
  };
  p.rows = in.below(7);
  p.cols = 1 + in.below(3);
  for (i64 c = 0; c < p.cols; ++c) p.cap.push_back(in.below(4));
  for (i64 r = 0; r < p.rows; ++r) p.unassigned.push_back(cost());
  const i64 n_arcs = in.below(static_cast<std::uint32_t>(p.rows * p.cols * 2 + 1));
  for (i64 a = 0; a < n_arcs; ++a) {
    p.arc_row.push_back(in.below(static_cast<std::uint32_t>(p.rows)));
    p.arc_col.push_back(in.below(static_cast<std::uint32_t>(p.cols)));
    p.arc_cost.push_back(cost());
  }
  if (in.u8() & 1) {  // convex load costs
    p.load_offset.push_back(0);
    for (i64 c = 0; c < p.cols; ++c) {
      i64 v = in.below(20);
      for (i64 k = 0; k < p.cap[c]; ++k) {
        p.load_cost.push_back(v);
        v += in.below(20);
      }
      p.load_offset.push_back(static_cast<i64>(p.load_cost.size()));
    }
  }
  return p;
}

// Cheapest arc per (row, col); max = none.
std::vector<i64> best_arcs(const Problem& p) {
  std::vector<i64> best(p.rows * p.cols, std::numeric_limits<i64>::max());
  for (std::size_t a = 0; a < p.arc_row.size(); ++a) {
    i64& b = best[p.arc_row[a] * p.cols + p.arc_col[a]];
    b = std::min(b, p.arc_cost[a]);
  }
  return best;
}

// Cost of an assignment (col per row, -1 = unassigned) in 128 bits; -1 when infeasible.
__int128 cost_of(const Problem& p, const std::vector<i64>& best, const std::vector<i64>& col) {
  __int128 total = 0;
  std::vector<i64> load(p.cols, 0);
  for (i64 r = 0; r < p.rows; ++r) {
    if (col[r] < 0) {
      total += p.unassigned[r];
      continue;
    }
    const i64 b = best[r * p.cols + col[r]];
    if (b == std::numeric_limits<i64>::max()) return -1;
    if (++load[col[r]] > p.cap[col[r]]) return -1;
    total += b;
  }
  if (!p.load_offset.empty())
    for (i64 c = 0; c < p.cols; ++c)
      for (i64 k = 0; k < load[c]; ++k) total += p.load_cost[p.load_offset[c] + k];
  return total;
}

__int128 brute_force(const Problem& p, const std::vector<i64>& best) {
  std::vector<i64> col(p.rows, -1);
  __int128 opt = -1;
  std::function<void(i64)> go = [&](i64 r) {
    if (r == p.rows) {
      const __int128 c = cost_of(p, best, col);
      if (c >= 0 && (opt < 0 || c < opt)) opt = c;
      return;
    }
    for (i64 c = -1; c < p.cols; ++c) {
      col[r] = c;
      go(r + 1);
    }
    col[r] = -1;
  };
  go(0);
  return opt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const Problem p = decode(in);
  libmatch::TransportProblem tp;
  tp.n_rows = p.rows;
  tp.n_cols = p.cols;
  tp.arc_row = p.arc_row;
  tp.arc_col = p.arc_col;
  tp.arc_cost = p.arc_cost;
  tp.col_capacity = p.cap;
  tp.unassigned_cost = p.unassigned;
  tp.load_offset = p.load_offset;
  tp.load_cost = p.load_cost;
  fuzz::run_expecting_libmatch_errors([&] {
    const libmatch::TransportSolution s = libmatch::solve_transport(tp);
    FUZZ_CHECK(static_cast<i64>(s.col_of_row.size()) == p.rows);
    const std::vector<i64> best = best_arcs(p);
    const __int128 got = cost_of(p, best, s.col_of_row);
    FUZZ_CHECK(got >= 0);  // feasible
    FUZZ_CHECK(got == s.objective);
    FUZZ_CHECK(got == brute_force(p, best));
    std::vector<i64> load(p.cols, 0);
    for (i64 c : s.col_of_row)
      if (c >= 0) ++load[c];
    FUZZ_CHECK(load == s.col_load);
  });
  return 0;
}
