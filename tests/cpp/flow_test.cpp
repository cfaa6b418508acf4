// Tests of the exact transportation solver (libmatch/flow.hpp).
#include "libmatch/flow.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "libmatch/error.hpp"

namespace {

using libmatch::TransportProblem;
using libmatch::TransportSolution;
using i64 = std::int64_t;

// Owns the arrays a TransportProblem points into.
struct Instance {
  i64 n_rows = 0, n_cols = 0;
  std::vector<i64> row, col, cost, cap, unassigned, load_offset, load_cost;

  TransportProblem problem() const {
    TransportProblem p;
    p.n_rows = n_rows;
    p.n_cols = n_cols;
    p.arc_row = row;
    p.arc_col = col;
    p.arc_cost = cost;
    p.col_capacity = cap;
    p.unassigned_cost = unassigned;
    p.load_offset = load_offset;
    p.load_cost = load_cost;
    return p;
  }
  void arc(i64 r, i64 c, i64 w) {
    row.push_back(r);
    col.push_back(c);
    cost.push_back(w);
  }
  // Per-column marginal load costs (one per unit of capacity).
  void loads(const std::vector<std::vector<i64>>& per_col) {
    load_offset = {0};
    load_cost.clear();
    for (const auto& v : per_col) {
      load_cost.insert(load_cost.end(), v.begin(), v.end());
      load_offset.push_back(static_cast<i64>(load_cost.size()));
    }
  }
  i64 load_of(i64 j, i64 k) const {
    return load_offset.empty() ? 0 : load_cost[load_offset[j] + k];
  }
};

TransportSolution solve(const Instance& in) { return libmatch::solve_transport(in.problem()); }

// Cost of an assignment, or nullopt if it is infeasible (uses the cheapest duplicate arc).
std::optional<i64> cost_of(const Instance& in, const std::vector<i64>& col_of_row) {
  std::vector<i64> load(in.n_cols, 0);
  i64 total = 0;
  for (i64 i = 0; i < in.n_rows; ++i) {
    const i64 j = col_of_row[i];
    if (j < 0) {
      total += in.unassigned[i];
      continue;
    }
    i64 best = std::numeric_limits<i64>::max();
    for (std::size_t a = 0; a < in.row.size(); ++a)
      if (in.row[a] == i && in.col[a] == j) best = std::min(best, in.cost[a]);
    if (best == std::numeric_limits<i64>::max()) return std::nullopt;
    total += best;
    if (++load[j] > in.cap[j]) return std::nullopt;
    total += in.load_of(j, load[j] - 1);
  }
  return total;
}

// Checks feasibility, loads and the objective of a solution against its assignment.
void expect_consistent(const Instance& in, const TransportSolution& s) {
  ASSERT_EQ(static_cast<i64>(s.col_of_row.size()), in.n_rows);
  ASSERT_EQ(static_cast<i64>(s.col_load.size()), in.n_cols);
  std::vector<i64> load(in.n_cols, 0);
  for (i64 j : s.col_of_row)
    if (j >= 0) ++load[j];
  EXPECT_EQ(load, s.col_load);
  EXPECT_EQ(cost_of(in, s.col_of_row), std::optional<i64>(s.objective));
}

// Minimum over all assignments by enumeration ((n_cols + 1) ^ n_rows of them).
i64 brute_force(const Instance& in) {
  std::vector<i64> assign(in.n_rows, -1);
  i64 best = std::numeric_limits<i64>::max();
  auto rec = [&](auto&& self, i64 i) -> void {
    if (i == in.n_rows) {
      if (const auto c = cost_of(in, assign)) best = std::min(best, *c);
      return;
    }
    for (i64 j = -1; j < in.n_cols; ++j) {
      assign[i] = j;
      self(self, i + 1);
    }
  };
  rec(rec, 0);
  return best;
}

Instance random_instance(std::mt19937_64& rng, bool with_load) {
  auto uni = [&](i64 lo, i64 hi) { return std::uniform_int_distribution<i64>(lo, hi)(rng); };
  Instance in;
  in.n_rows = uni(0, 6);
  in.n_cols = uni(1, 3);
  const i64 cmax = std::vector<i64>{3, 20, 1000}[uni(0, 2)];
  for (i64 i = 0; i < in.n_rows; ++i) {
    in.unassigned.push_back(uni(0, 2 * cmax));
    const i64 deg = uni(0, 4);
    for (i64 d = 0; d < deg; ++d) in.arc(i, uni(0, in.n_cols - 1), uni(-cmax / 4, cmax));
  }
  for (i64 j = 0; j < in.n_cols; ++j) in.cap.push_back(uni(0, 3));
  if (with_load) {
    std::vector<std::vector<i64>> per(in.n_cols);
    for (i64 j = 0; j < in.n_cols; ++j) {
      for (i64 k = 0; k < in.cap[j]; ++k) per[j].push_back(uni(-cmax / 4, cmax));
      std::sort(per[j].begin(), per[j].end());
    }
    in.loads(per);
  }
  return in;
}

Instance medium_instance(std::uint64_t seed, i64 n, i64 m, i64 deg, bool with_load) {
  std::mt19937_64 rng(seed);
  auto uni = [&](i64 lo, i64 hi) { return std::uniform_int_distribution<i64>(lo, hi)(rng); };
  Instance in;
  in.n_rows = n;
  in.n_cols = m;
  for (i64 i = 0; i < n; ++i) {
    in.unassigned.push_back(uni(500, 1500));
    for (i64 d = 0; d < deg; ++d) in.arc(i, uni(0, m - 1), uni(0, 1000));
  }
  for (i64 j = 0; j < m; ++j) in.cap.push_back(uni(0, 2 * n / m));
  if (with_load) {
    std::vector<std::vector<i64>> per(m);
    for (i64 j = 0; j < m; ++j)
      for (i64 k = 0; k < in.cap[j]; ++k) per[j].push_back(10 * k + uni(0, 5) * (k > 0));
    for (auto& v : per) std::sort(v.begin(), v.end());
    in.loads(per);
  }
  return in;
}

template <class E>
std::string message_of(const Instance& in) {
  try {
    solve(in);
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception type: ") + e.what();
  }
  return "no exception";
}

TEST(FlowTest, EmptyProblem) {
  Instance in;
  in.n_cols = 2;
  in.cap = {1, 3};
  const TransportSolution s = solve(in);
  EXPECT_TRUE(s.col_of_row.empty());
  EXPECT_EQ(s.objective, 0);
  EXPECT_EQ(s.col_load, (std::vector<i64>{0, 0}));
  EXPECT_EQ(s.status, libmatch::SolveStatus::Optimal);
  Instance none;
  EXPECT_TRUE(solve(none).col_load.empty());
}

TEST(FlowTest, RowsWithoutArcsStayUnassigned) {
  Instance in;
  in.n_rows = 3;
  in.n_cols = 1;
  in.cap = {5};
  in.unassigned = {4, 0, 7};
  const TransportSolution s = solve(in);
  EXPECT_EQ(s.col_of_row, (std::vector<i64>{-1, -1, -1}));
  EXPECT_EQ(s.objective, 11);
}

TEST(FlowTest, HandCheckedSmall) {
  // Row 0 prefers column 0 but row 1 can only use column 0: row 0 moves to column 1.
  Instance in;
  in.n_rows = 3;
  in.n_cols = 2;
  in.cap = {1, 1};
  in.unassigned = {100, 100, 5};
  in.arc(0, 0, 1);
  in.arc(0, 1, 3);
  in.arc(1, 0, 2);
  in.arc(2, 1, 9);  // worse than leaving row 2 unassigned
  const TransportSolution s = solve(in);
  EXPECT_EQ(s.col_of_row, (std::vector<i64>{1, 0, -1}));
  EXPECT_EQ(s.objective, 3 + 2 + 5);
  EXPECT_EQ(s.col_load, (std::vector<i64>{1, 1}));
}

TEST(FlowTest, HandCheckedLoadCosts) {
  // One column, capacity 3, marginal load costs 0, 4, 10. Rows cost 1 each to assign and
  // 6 to leave out: units 1 and 2 pay (1 + 0, 1 + 4), the third would cost 11 > 6.
  Instance in;
  in.n_rows = 3;
  in.n_cols = 1;
  in.cap = {3};
  in.unassigned = {6, 6, 6};
  for (i64 i = 0; i < 3; ++i) in.arc(i, 0, 1);
  in.loads({{0, 4, 10}});
  const TransportSolution s = solve(in);
  EXPECT_EQ(s.col_load, (std::vector<i64>{2}));
  EXPECT_EQ(s.objective, 1 + 0 + 1 + 4 + 6);
  expect_consistent(in, s);
  // Load costs spread rows over two columns even when one column is cheaper per arc.
  Instance two;
  two.n_rows = 2;
  two.n_cols = 2;
  two.cap = {2, 2};
  two.unassigned = {100, 100};
  for (i64 i = 0; i < 2; ++i) {
    two.arc(i, 0, 0);
    two.arc(i, 1, 3);
  }
  two.loads({{0, 5}, {0, 5}});
  const TransportSolution t = solve(two);
  EXPECT_EQ(t.objective, 0 + 3);
  EXPECT_EQ(t.col_load, (std::vector<i64>{1, 1}));
}

TEST(FlowTest, UnassignedBetterThanAnyArc) {
  Instance in;
  in.n_rows = 2;
  in.n_cols = 2;
  in.cap = {2, 2};
  in.unassigned = {3, 0};
  in.arc(0, 0, 3);  // a tie with unassigned: stays unassigned (tie rule)
  in.arc(0, 1, 10);
  in.arc(1, 0, 1);
  const TransportSolution s = solve(in);
  EXPECT_EQ(s.col_of_row, (std::vector<i64>{-1, -1}));
  EXPECT_EQ(s.objective, 3);
  EXPECT_EQ(s.col_load, (std::vector<i64>{0, 0}));
}

TEST(FlowTest, ZeroCapacityColumnsAreNeverUsed) {
  Instance in;
  in.n_rows = 2;
  in.n_cols = 3;
  in.cap = {0, 1, 0};
  in.unassigned = {50, 50};
  in.arc(0, 0, 0);
  in.arc(0, 1, 10);
  in.arc(1, 1, 20);
  in.arc(1, 2, 0);
  in.loads({{}, {0}, {}});
  const TransportSolution s = solve(in);
  EXPECT_EQ(s.col_load, (std::vector<i64>{0, 1, 0}));
  EXPECT_EQ(s.objective, 10 + 50);
  EXPECT_EQ(s.col_of_row, (std::vector<i64>{1, -1}));
}

TEST(FlowTest, DuplicateArcsCheapestCounts) {
  Instance in;
  in.n_rows = 1;
  in.n_cols = 1;
  in.cap = {1};
  in.unassigned = {100};
  in.arc(0, 0, 30);
  in.arc(0, 0, 7);
  in.arc(0, 0, 12);
  EXPECT_EQ(solve(in).objective, 7);
}

TEST(FlowTest, NegativeArcAndLoadCosts) {
  Instance in;
  in.n_rows = 3;
  in.n_cols = 1;
  in.cap = {3};
  in.unassigned = {0, 0, 0};
  for (i64 i = 0; i < 3; ++i) in.arc(i, 0, -5);
  in.loads({{-3, 2, 6}});
  // Units: -5-3, -5+2, then -5+6 = +1 > 0: two rows assigned.
  const TransportSolution s = solve(in);
  EXPECT_EQ(s.objective, -8 - 3);
  EXPECT_EQ(s.col_load, (std::vector<i64>{2}));
}

TEST(FlowTest, BruteForceTinyRandom) {
  std::mt19937_64 rng(20240601);
  for (int t = 0; t < 1000; ++t) {
    const Instance in = random_instance(rng, t % 2 == 1);
    const TransportSolution s = solve(in);
    ASSERT_EQ(s.objective, brute_force(in)) << "instance " << t;
    expect_consistent(in, s);
  }
}

TEST(FlowTest, BruteForceLargeCostsUseWidePrices) {
  // Costs far above max_transport_cost(m): the solver switches to 128-bit prices.
  std::mt19937_64 rng(7);
  const i64 big = i64{1} << 58;
  ASSERT_GT(big / 4, libmatch::max_transport_cost(3));
  for (int t = 0; t < 300; ++t) {
    Instance in = random_instance(rng, t % 2 == 0);
    // Few rows so that the objective stays within int64: |cost| <= 2^58, n <= 6.
    in.n_rows = std::min<i64>(in.n_rows, 4);
    Instance out;
    out.n_rows = in.n_rows;
    out.n_cols = in.n_cols;
    out.cap = in.cap;
    for (i64 i = 0; i < in.n_rows; ++i) out.unassigned.push_back(in.unassigned[i] * (big / 2048));
    for (std::size_t a = 0; a < in.row.size(); ++a)
      if (in.row[a] < out.n_rows) out.arc(in.row[a], in.col[a], in.cost[a] * (big / 4096) + t);
    if (!in.load_offset.empty()) {
      out.load_offset = in.load_offset;
      for (i64 v : in.load_cost) out.load_cost.push_back(v * (big / 8192));
    }
    const TransportSolution s = solve(out);
    ASSERT_EQ(s.objective, brute_force(out)) << "instance " << t;
    expect_consistent(out, s);
  }
}

TEST(FlowTest, MediumMatchesPermutedArcsAndIsDeterministic) {
  for (bool with_load : {false, true}) {
    const Instance in = medium_instance(with_load ? 11 : 12, 3000, 60, 8, with_load);
    const TransportSolution a = solve(in);
    const TransportSolution b = solve(in);
    EXPECT_EQ(a.col_of_row, b.col_of_row);
    EXPECT_EQ(a.objective, b.objective);
    expect_consistent(in, a);
    // Same graph, arcs in another order: same optimum (maybe another assignment).
    Instance p = in;
    std::vector<std::size_t> order(in.row.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937_64(3));
    for (std::size_t k = 0; k < order.size(); ++k) {
      p.row[k] = in.row[order[k]];
      p.col[k] = in.col[order[k]];
      p.cost[k] = in.cost[order[k]];
    }
    EXPECT_EQ(solve(p).objective, a.objective);
  }
}

// Identical rows competing for the same slots: every bid ties (the auction's worst case, a
// "price war"), the queue wraps around many times and the arc prefetch runs. With identical
// rows the optimum is greedy: the n cheapest of {arc + marginal load cost of each slot} and n
// copies of the unassigned cost.
TEST(FlowTest, IdenticalRowsPriceWarMatchesGreedy) {
  std::mt19937_64 rng(5);
  for (int t = 0; t < 6; ++t) {
    auto uni = [&](i64 lo, i64 hi) { return std::uniform_int_distribution<i64>(lo, hi)(rng); };
    Instance in;
    in.n_rows = uni(200, 3000);
    in.n_cols = uni(5, 60);
    const bool with_load = t % 2 == 1;
    std::vector<i64> col_cost(in.n_cols);
    std::vector<std::vector<i64>> per_col(in.n_cols);
    for (i64 j = 0; j < in.n_cols; ++j) {
      col_cost[j] = t < 2 ? 100 : uni(0, 50);  // t < 2: all arc costs equal
      in.cap.push_back(uni(0, 2 * in.n_rows / in.n_cols));
      i64 marginal = 0;
      for (i64 k = 0; k < in.cap[j]; ++k)
        per_col[j].push_back(marginal += with_load ? uni(0, 3) : 0);
    }
    if (with_load) in.loads(per_col);
    const i64 u = t < 2 ? 100 + uni(0, 1) : uni(40, 120);  // may tie with arcs
    in.unassigned.assign(in.n_rows, u);
    std::vector<i64> values(in.n_rows, u);
    for (i64 j = 0; j < in.n_cols; ++j)
      for (i64 k = 0; k < in.cap[j]; ++k) values.push_back(col_cost[j] + in.load_of(j, k));
    std::sort(values.begin(), values.end());
    const i64 expected = std::accumulate(values.begin(), values.begin() + in.n_rows, i64{0});
    for (i64 i = 0; i < in.n_rows; ++i)
      for (i64 j = 0; j < in.n_cols; ++j) in.arc(i, j, col_cost[j]);
    const TransportSolution s = solve(in);
    EXPECT_EQ(s.objective, expected) << "instance " << t;
    EXPECT_EQ(solve(in).col_of_row, s.col_of_row);
    expect_consistent(in, s);
  }
}

TEST(FlowTest, InvalidInputMessages) {
  Instance ok;
  ok.n_rows = 2;
  ok.n_cols = 2;
  ok.cap = {1, 2};
  ok.unassigned = {5, 5};
  ok.arc(0, 0, 1);
  ok.arc(1, 1, 1);
  ok.loads({{0}, {1, 2}});
  ASSERT_NO_THROW(solve(ok));
  using libmatch::InvalidInput;
  auto expect_message = [](const Instance& in, const std::string& part) {
    const std::string msg = message_of<InvalidInput>(in);
    EXPECT_NE(msg.find(part), std::string::npos) << msg;
  };
  Instance in = ok;
  in.n_rows = -1;
  expect_message(in, "n_rows = -1");
  in = ok;
  in.n_cols = -2;
  expect_message(in, "n_cols = -2");
  in = ok;
  in.cost.pop_back();
  expect_message(in, "same length");
  in = ok;
  in.cap.push_back(1);
  expect_message(in, "col_capacity has 3 entries, expected n_cols = 2");
  in = ok;
  in.unassigned = {5};
  expect_message(in, "unassigned_cost has 1 entries, expected n_rows = 2");
  in = ok;
  in.row[1] = 2;
  expect_message(in, "arc_row[1] = 2 is out of range [0, 2)");
  in = ok;
  in.col[0] = -1;
  expect_message(in, "arc_col[0] = -1 is out of range [0, 2)");
  in = ok;
  in.cap[1] = -3;
  in.load_offset.clear();
  in.load_cost.clear();
  expect_message(in, "col_capacity[1] = -3 is negative");
  in = ok;
  in.unassigned[1] = -1;
  expect_message(in, "unassigned_cost[1] = -1 is negative");
  in = ok;
  in.loads({{0}, {2, 1}});
  expect_message(in, "column 1: load cost of unit 1 (1) is below that of unit 0 (2)");
  in = ok;
  in.loads({{0}, {1}});
  expect_message(in, "column 1");
  in = ok;
  in.load_offset.pop_back();
  expect_message(in, "load_offset has 2 entries, expected n_cols + 1 = 3");
  in = ok;
  in.load_offset.clear();
  expect_message(in, "load_offset is empty");
  in = ok;
  in.load_offset[0] = 1;
  expect_message(in, "load_offset[0] = 1");
}

TEST(FlowTest, OverflowIsRejected) {
  const i64 max = std::numeric_limits<i64>::max();
  Instance in;
  in.n_rows = 3;
  in.n_cols = 1;
  in.cap = {3};
  in.unassigned = {max / 2, max / 2, max / 2};  // the objective could reach 1.5 * max
  in.arc(0, 0, 0);
  EXPECT_NE(message_of<libmatch::Overflow>(in).find("exceeds int64"), std::string::npos);
  // A pruned arc does not count; the smallest int64 cost is fine as long as sums fit.
  Instance ok;
  ok.n_rows = 1;
  ok.n_cols = 1;
  ok.cap = {1};
  ok.unassigned = {0};
  ok.arc(0, 0, std::numeric_limits<i64>::min() + 1);
  EXPECT_EQ(solve(ok).objective, std::numeric_limits<i64>::min() + 1);
  // Usable load costs count too: 2 * max/4 unassigned + (max/4 - 1) + max/2 > max.
  Instance loads;
  loads.n_rows = 2;
  loads.n_cols = 1;
  loads.cap = {2};
  loads.unassigned = {max / 4, max / 4};
  loads.arc(0, 0, 0);
  loads.arc(1, 0, 0);
  loads.loads({{max / 4 - 1, max / 2}});
  EXPECT_NE(message_of<libmatch::Overflow>(loads).find("exceeds int64"), std::string::npos);
}

TEST(FlowTest, MaxTransportCostBound) {
  EXPECT_GT(libmatch::max_transport_cost(0), i64{1} << 50);
  EXPECT_GT(libmatch::max_transport_cost(1000), i64{1} << 30);
  EXPECT_GE(libmatch::max_transport_cost(10), libmatch::max_transport_cost(11));
}

}  // namespace
