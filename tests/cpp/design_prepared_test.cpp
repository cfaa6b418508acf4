// PreparedDesign: one prepared problem for many designs and evaluations, and the fast
// setting (DesignOptions::anneal = false).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "libmatch/design.hpp"
#include "libmatch/error.hpp"

using namespace libmatch;

namespace {

// An R x C grid of 1 km squares with random demand, rook adjacency, unit i = r * cols + c.
DesignProblem grid(int rows, int cols, unsigned seed) {
  DesignProblem p;
  std::mt19937 gen(seed);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const int i = r * cols + c;
      std::string id = "u";  // (built stepwise: GCC 12 -Wrestrict false positive)
      p.ids.push_back(id.append(std::to_string(i)));
      p.centroid.push_back({(c + 0.5) * 1000.0, (r + 0.5) * 1000.0});
      p.area_m2.push_back(1e6);
      p.perimeter_m.push_back(4000.0);
      p.demand.push_back(static_cast<double>(gen() % 20));
      if (c + 1 < cols) p.adjacency.push_back({i, i + 1, 1000.0});
      if (r + 1 < rows) p.adjacency.push_back({i, i + cols, 1000.0});
    }
  }
  return p;
}

// A 1 km square unit "isle" without neighbours.
void add_island(DesignProblem& p, XY centroid, double demand) {
  p.ids.push_back("isle");
  p.centroid.push_back(centroid);
  p.area_m2.push_back(1e6);
  p.perimeter_m.push_back(4000.0);
  p.demand.push_back(demand);
}

// Unit-to-unit straight-line km (the medoid travel mode).
void straight_travel(DesignProblem& p) {
  const std::size_t n = p.centroid.size();
  p.travel_km.resize(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      p.travel_km[i * n + j] =
          std::hypot(p.centroid[i].x - p.centroid[j].x, p.centroid[i].y - p.centroid[j].y) / 1000.0;
    }
  }
}

DesignOptions options(std::int64_t k, std::uint64_t seed, int starts, std::int64_t iterations) {
  DesignOptions o;
  o.k = k;
  o.seed = seed;
  o.starts = starts;
  o.iterations = iterations;
  o.threads = 1;
  return o;
}

// Every area connected through the grid's rook adjacency.
bool contiguous(const DesignProblem& p, const std::vector<std::int64_t>& labels) {
  return evaluate_plan(p, labels).summary.all_contiguous;
}

// The same problem with its units in `order` (unit c of the result is unit order[c]).
DesignProblem reordered(const DesignProblem& p, const std::vector<std::int64_t>& order) {
  const std::size_t n = order.size();
  std::vector<std::int64_t> pos(n);
  for (std::size_t c = 0; c < n; ++c) pos[static_cast<std::size_t>(order[c])] = c;
  DesignProblem q = p;
  for (std::size_t c = 0; c < n; ++c) {
    const auto i = static_cast<std::size_t>(order[c]);
    q.ids[c] = p.ids[i];
    q.centroid[c] = p.centroid[i];
    q.area_m2[c] = p.area_m2[i];
    q.perimeter_m[c] = p.perimeter_m[i];
    q.demand[c] = p.demand[i];
    for (std::size_t c2 = 0; c2 < n && !p.travel_km.empty(); ++c2) {
      q.travel_km[c * n + c2] = p.travel_km[i * n + static_cast<std::size_t>(order[c2])];
    }
  }
  q.adjacency.clear();
  for (auto it = p.adjacency.rbegin(); it != p.adjacency.rend(); ++it) {  // listed backwards too
    q.adjacency.push_back({pos[it->a], pos[it->b], it->border_m});
  }
  return q;
}

}  // namespace

TEST(PreparedDesign, ManyDesignsEqualFreshDesignAreas) {
  // One prepared problem reused for several k, seeds and modes, interleaved, gives exactly
  // the plans of fresh design_areas calls: nothing of one call leaks into the next.
  for (bool travel : {false, true}) {
    DesignProblem p = grid(7, 8, 3);
    if (travel) straight_travel(p);
    const PreparedDesign prepared(p);
    EXPECT_EQ(prepared.n_units(), 56);
    std::vector<DesignOptions> runs = {options(4, 1, 2, 3000), options(6, 2, 1, 500),
                                       options(4, 1, 2, 3000), options(3, 9, 3, 0)};
    runs.push_back(options(5, 4, 4, 0));
    runs.back().anneal = false;
    runs.push_back(options(6, 4, 1, 0));
    runs.back().initial = design_areas(p, options(6, 8, 1, 200)).labels;  // repair mode
    for (const DesignOptions& o : runs) {
      const DesignResult a = prepared.design(o);
      const DesignResult b = design_areas(p, o);
      EXPECT_EQ(a.labels, b.labels) << "k " << o.k << " seed " << o.seed;
      EXPECT_EQ(a.objective, b.objective);
      EXPECT_EQ(a.iterations, b.iterations);
      EXPECT_TRUE(contiguous(p, a.labels));
      const PlanEvaluation e1 = prepared.evaluate(a.labels);
      const PlanEvaluation e2 = evaluate_plan(p, a.labels);
      EXPECT_EQ(e1.summary.objective, e2.summary.objective);
      EXPECT_EQ(e1.summary.objective, a.objective);
      EXPECT_EQ(e1.demand, e2.demand);
      EXPECT_EQ(e1.unit_travel_km, e2.unit_travel_km);
      EXPECT_EQ(e1.polsby_popper, e2.polsby_popper);
    }
    DesignBounds b;
    b.max_units = 12;
    const std::vector<std::int64_t> lab = prepared.design(options(4, 1, 1, 500)).labels;
    EXPECT_EQ(prepared.check_bounds(lab, b), check_bounds(p, lab, b));
  }
}

TEST(PreparedDesign, ConcurrentCallsShareThePreparedData) {
  DesignProblem p = grid(6, 6, 11);
  straight_travel(p);
  const PreparedDesign prepared(p);
  std::vector<DesignResult> got(4);
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t) {
    pool.emplace_back([&, t] { got[t] = prepared.design(options(3 + t % 2, 5, 2, 2000)); });
  }
  for (auto& th : pool) th.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(got[t].labels, design_areas(p, options(3 + t % 2, 5, 2, 2000)).labels);
  }
  const PreparedDesign copy = prepared;  // copies share the immutable model
  EXPECT_EQ(copy.design(options(3, 5, 2, 2000)).labels, got[0].labels);
}

TEST(PreparedDesign, FastSettingIsALocalOptimumAndDeterministic) {
  // anneal = false: region growing plus the greedy descent. Oracle: every contiguous
  // single-unit move, scored by evaluate_plan from scratch, is no better than the plan.
  for (bool travel : {false, true}) {
    DesignProblem p = grid(6, 7, 21);
    if (travel) straight_travel(p);
    const PreparedDesign prepared(p);
    for (std::uint64_t seed : {0u, 1u, 2u}) {
      DesignOptions o = options(4, seed, 1, 0);
      o.anneal = false;
      const DesignResult r = prepared.design(o);
      EXPECT_EQ(r.iterations, 0);
      ASSERT_TRUE(contiguous(p, r.labels));
      const double obj = evaluate_plan(p, r.labels).summary.objective;
      EXPECT_DOUBLE_EQ(obj, r.objective);
      const auto n = static_cast<std::int64_t>(r.labels.size());
      for (const Adjacency& e : p.adjacency) {
        for (auto [u, v] : {std::pair{e.a, e.b}, std::pair{e.b, e.a}}) {
          if (r.labels[u] == r.labels[v]) continue;
          std::vector<std::int64_t> moved = r.labels;
          moved[u] = r.labels[v];
          if (std::count(moved.begin(), moved.end(), r.labels[u]) == 0) continue;
          if (!contiguous(p, moved)) continue;
          EXPECT_GE(evaluate_plan(p, moved).summary.objective, obj - 1e-9)
              << "unit " << u << " of " << n << " to area " << r.labels[v];
        }
      }
      // The best of several fast starts, whatever the thread count.
      o.starts = 6;
      const DesignResult one = prepared.design(o);
      o.threads = 3;
      const DesignResult three = prepared.design(o);
      EXPECT_EQ(one.labels, three.labels);
      EXPECT_LE(one.objective, r.objective);  // start 0 is the single start above
    }
  }
}

TEST(PreparedDesign, UnconnectedGraphIsRejectedOnlyByDesign) {
  DesignProblem p = grid(2, 3, 5);
  add_island(p, {9000.0, 500.0}, 3.0);
  const PreparedDesign prepared(p);  // accepted: plans of it can still be evaluated
  const std::vector<std::int64_t> labels = {0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(prepared.evaluate(labels).summary.objective,
            evaluate_plan(p, labels).summary.objective);
  std::string fresh, reused;
  try {
    design_areas(p, options(2, 0, 1, 100));
  } catch (const InvalidInput& e) {
    fresh = e.what();
  }
  try {
    prepared.design(options(2, 0, 1, 100));
  } catch (const InvalidInput& e) {
    reused = e.what();
  }
  EXPECT_NE(reused.find("'isle'"), std::string::npos) << reused;
  EXPECT_EQ(reused, fresh);
  EXPECT_TRUE(prepared.links().empty());
  p.islands = IslandRule::Attach;  // the island is linked once, for every design
  const PreparedDesign linked(p);
  ASSERT_EQ(linked.links().size(), 1u);
  EXPECT_EQ(linked.links()[0].b, 6);
  EXPECT_EQ(linked.design(options(2, 0, 1, 100)).links.size(), 1u);
  // Bad input is reported at construction, naming the unit.
  DesignProblem bad = grid(2, 2, 1);
  bad.demand[2] = std::nan("");
  try {
    PreparedDesign x(bad);
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("'u2'"), std::string::npos) << e.what();
  }
  // And per call: k out of range, labels of the wrong length.
  const PreparedDesign ok(grid(2, 2, 1));
  EXPECT_THROW(ok.design(options(5, 0, 1, 10)), InvalidInput);
  EXPECT_THROW(ok.evaluate(std::vector<std::int64_t>{0, 1}), InvalidInput);
}

TEST(PreparedDesign, RowOrderDoesNotChangeThePlan) {
  // Medoid travel, hard bounds and an island link: every input indexed by unit is permuted.
  DesignProblem p = grid(6, 7, 3);
  add_island(p, {9500.0, 2500.0}, 4.0);
  p.islands = IslandRule::Attach;
  straight_travel(p);
  const std::int64_t n = static_cast<std::int64_t>(p.ids.size());
  DesignOptions o = options(4, 5, 4, 4000);
  o.bounds.demand_lo = 0.6;
  o.bounds.demand_hi = 1.4;
  auto index_of = [](const DesignProblem& q, const std::string& id) {
    return static_cast<std::int64_t>(std::find(q.ids.begin(), q.ids.end(), id) - q.ids.begin());
  };
  auto by_id = [](const DesignProblem& q, const auto& per_unit) {
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t i = 0; i < q.ids.size(); ++i) out.emplace_back(q.ids[i], per_unit[i]);
    std::sort(out.begin(), out.end());
    return out;
  };
  auto run = [&](const DesignProblem& q) {
    DesignOptions oq = o;
    oq.bounds.must_link = {{index_of(q, "u0"), index_of(q, "u40")}};
    oq.bounds.cannot_link = {{index_of(q, "u3"), index_of(q, "u24")}};
    const PreparedDesign prepared(q);
    const DesignResult r = prepared.design(oq);
    EXPECT_TRUE(prepared.check_bounds(r.labels, oq.bounds).empty());
    const PlanEvaluation ev = prepared.evaluate(r.labels);
    EXPECT_EQ(ev.summary.objective, r.objective);
    EXPECT_EQ(r.links.size(), 1u);
    std::vector<std::pair<std::string, std::string>> links;
    for (const Adjacency& e : r.links) {
      EXPECT_LT(e.a, e.b);
      links.emplace_back(std::min(q.ids[e.a], q.ids[e.b]), std::max(q.ids[e.a], q.ids[e.b]));
    }
    return std::tuple(by_id(q, r.labels), r.objective, by_id(q, ev.unit_travel_km), links);
  };
  const auto first = run(p);
  std::mt19937 gen(11);
  for (int t = 0; t < 4; ++t) {
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), std::int64_t{0});
    std::shuffle(order.begin(), order.end(), gen);
    EXPECT_EQ(run(reordered(p, order)), first) << "row order " << t;
  }
}
