#include "libmatch/design.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <numeric>
#include <random>

#include "design_model.hpp"  // best_connected_set (exported for tests)
#include "libmatch/areas.hpp"
#include "libmatch/error.hpp"
#include "libmatch/travel.hpp"

using namespace libmatch;
namespace fs = std::filesystem;

namespace {

constexpr double kSide = 1000.0;  // grid cell side, metres

// An R x C grid of 1 km squares, unit index = row * cols + col, rook adjacency.
DesignProblem grid(int rows, int cols, const std::vector<double>& demand) {
  DesignProblem p;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      std::string id = "g";  // (built stepwise: GCC 12 -Wrestrict false positive)
      id.append(std::to_string(r)).append("_").append(std::to_string(c));
      p.ids.push_back(id);
      p.centroid.push_back({(c + 0.5) * kSide, (r + 0.5) * kSide});
      p.area_m2.push_back(kSide * kSide);
      p.perimeter_m.push_back(4 * kSide);
      const int i = r * cols + c;
      if (c + 1 < cols) p.adjacency.push_back({i, i + 1, kSide});
      if (r + 1 < rows) p.adjacency.push_back({i, i + cols, kSide});
    }
  }
  p.demand = demand;
  return p;
}

std::vector<double> random_demand(std::size_t n, unsigned seed, int lo = 0, int hi = 20) {
  std::mt19937 gen(seed);
  std::vector<double> d(n);
  for (auto& v : d) v = static_cast<double>(lo + static_cast<int>(gen() % (hi - lo + 1)));
  return d;
}

bool connected_areas(const DesignProblem& p, const std::vector<std::int64_t>& labels) {
  const auto n = static_cast<std::int64_t>(labels.size());
  std::vector<std::vector<std::int64_t>> adj(static_cast<std::size_t>(n));
  for (const auto& e : p.adjacency) {
    adj[e.a].push_back(e.b);
    adj[e.b].push_back(e.a);
  }
  const std::int64_t k = *std::max_element(labels.begin(), labels.end()) + 1;
  std::vector<int> pieces(static_cast<std::size_t>(k), 0);
  std::vector<char> seen(static_cast<std::size_t>(n), 0);
  for (std::int64_t s = 0; s < n; ++s) {
    if (seen[s]) continue;
    ++pieces[labels[s]];
    std::vector<std::int64_t> stack{s};
    seen[s] = 1;
    while (!stack.empty()) {
      auto v = stack.back();
      stack.pop_back();
      for (auto w : adj[v]) {
        if (!seen[w] && labels[w] == labels[v]) {
          seen[w] = 1;
          stack.push_back(w);
        }
      }
    }
  }
  return std::all_of(pieces.begin(), pieces.end(), [](int c) { return c == 1; });
}

// Best objective over every contiguous plan with k areas (labels in first-use order).
double brute_force(const DesignProblem& p, int k, std::vector<std::int64_t>* best_labels) {
  const auto n = static_cast<int>(p.demand.size());
  std::vector<std::int64_t> lab(static_cast<std::size_t>(n), 0);
  double best = std::numeric_limits<double>::infinity();
  std::function<void(int, int)> rec = [&](int i, int used) {
    if (i == n) {
      if (used != k || !connected_areas(p, lab)) return;
      double obj = evaluate_plan(p, lab).summary.objective;
      if (obj < best) {
        best = obj;
        if (best_labels) *best_labels = lab;
      }
      return;
    }
    if (n - i < k - used) return;
    for (int l = 0; l <= std::min(used, k - 1); ++l) {
      lab[i] = l;
      rec(i + 1, std::max(used, l + 1));
    }
  };
  rec(0, 0);
  return best;
}

DesignOptions opts(std::int64_t k, std::uint64_t seed = 1, int starts = 4) {
  DesignOptions o;
  o.k = k;
  o.seed = seed;
  o.starts = starts;
  o.threads = 1;
  return o;
}

}  // namespace

TEST(DesignEval, GridNumbersByHand) {
  // 2 x 2 grid, two vertical strips.
  DesignProblem p = grid(2, 2, {1, 3, 1, 1});
  PlanEvaluation ev = evaluate_plan(p, std::vector<std::int64_t>{0, 1, 0, 1});
  ASSERT_EQ(ev.units.size(), 2u);
  EXPECT_EQ(ev.units[0], 2);
  EXPECT_DOUBLE_EQ(ev.demand[0], 2.0);
  EXPECT_DOUBLE_EQ(ev.demand[1], 4.0);
  EXPECT_DOUBLE_EQ(ev.capacity[0], 3.0);  // equal shares: 6 / 2
  EXPECT_DOUBLE_EQ(ev.load_ratio[1], 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(ev.area_m2[0], 2e6);
  EXPECT_DOUBLE_EQ(ev.perimeter_m[0], 6000.0);
  EXPECT_NEAR(ev.polsby_popper[0], 4 * M_PI * 2e6 / 36e6, 1e-12);
  // Strip 0: equal demand, centre in the middle: 0.5 km each.
  EXPECT_NEAR(ev.mean_travel_km[0], 0.5, 1e-12);
  // Strip 1: demand 3 at y=500, 1 at y=1500: centre y=750.
  EXPECT_NEAR(ev.unit_travel_km[1], 0.25, 1e-12);
  EXPECT_NEAR(ev.unit_travel_km[3], 0.75, 1e-12);
  EXPECT_NEAR(ev.mean_travel_km[1], (3 * 0.25 + 0.75) / 4, 1e-12);
  EXPECT_NEAR(ev.max_travel_km[1], 0.75, 1e-12);
  // imbalance: shares 1/3 and 2/3 vs 1/2: sqrt(2 * (1/6)^2 * 2) = 1/3.
  EXPECT_NEAR(ev.summary.imbalance, 1.0 / 3.0, 1e-12);
  const double ref = std::sqrt(4e6 / (M_PI * 2)) / 1000;
  EXPECT_NEAR(ev.summary.reference_km, ref, 1e-12);
  const double travel = (2 * 0.5 + 3 * 0.25 + 0.75) / 6;
  EXPECT_NEAR(ev.summary.travel_km, travel, 1e-12);
  const double pp = 4 * M_PI * 2e6 / 36e6;
  EXPECT_NEAR(ev.summary.objective, 1.0 / 3.0 + travel / ref + 0.01 * (1 - pp), 1e-12);
  EXPECT_TRUE(ev.summary.all_contiguous);
  // Diagonal plan: both areas in two pieces.
  ev = evaluate_plan(p, std::vector<std::int64_t>{0, 1, 1, 0});
  EXPECT_FALSE(ev.summary.all_contiguous);
  EXPECT_EQ(ev.parts[0], 2);
  EXPECT_EQ(ev.contiguous[1], 0);
  EXPECT_DOUBLE_EQ(ev.perimeter_m[0], 8000.0);
}

TEST(DesignEval, AdvisorsCapacityAndTravel) {
  DesignProblem p = grid(1, 3, {2, 2, 2});
  p.advisor_xy = {{500, 500}, {2500, 500}, {2500, 500}};
  p.advisor_unit = {0, 2, 2};
  p.advisor_capacity = {1, 1, 2};
  PlanEvaluation ev = evaluate_plan(p, std::vector<std::int64_t>{0, 0, 1});
  EXPECT_DOUBLE_EQ(ev.capacity[0], 1.0);
  EXPECT_DOUBLE_EQ(ev.capacity[1], 3.0);
  EXPECT_EQ(ev.advisors[1], 2);
  EXPECT_NEAR(ev.unit_travel_km[1], 1.0, 1e-12);
  EXPECT_NEAR(ev.mean_travel_km[0], 0.5, 1e-12);
  // shares: D 2/3, 1/3; C 1/4, 3/4 -> sum (d-c)^2/c
  const double a = std::pow(2.0 / 3 - 0.25, 2) / 0.25 + std::pow(1.0 / 3 - 0.75, 2) / 0.75;
  EXPECT_NEAR(ev.summary.imbalance, std::sqrt(a), 1e-12);
  // Travel matrix overrides straight lines; NaN = 2 x straight line.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  p.travel_km = {1, 9, 9, 2, 9, 9, nan, 3, 3};  // unit x advisor
  p.travel_minutes = {2, 18, 18, 4, 18, 18, nan, 6, 6};
  ev = evaluate_plan(p, std::vector<std::int64_t>{0, 0, 1});
  EXPECT_NEAR(ev.unit_travel_km[0], 1.0, 1e-12);
  EXPECT_NEAR(ev.unit_travel_km[1], 2.0, 1e-12);
  EXPECT_NEAR(ev.unit_travel_km[2], 3.0, 1e-12);
  EXPECT_NEAR(ev.unit_travel_minutes[2], 6.0, 1e-12);
  ev = evaluate_plan(p, std::vector<std::int64_t>{1, 0, 0});  // area 1 = unit 0 (adv 0)
  EXPECT_NEAR(ev.unit_travel_km[0], 1.0, 1e-12);
  EXPECT_NEAR(ev.unit_travel_km[2], 3.0, 1e-12);
  // An area without advisors: capacity 0, infinite objective.
  ev = evaluate_plan(p, std::vector<std::int64_t>{0, 1, 0});
  EXPECT_DOUBLE_EQ(ev.capacity[1], 0.0);
  EXPECT_TRUE(std::isinf(ev.summary.objective));
  EXPECT_NEAR(ev.unit_travel_km[1], (2.0 + 9 + 2 * 9) / 4, 1e-12);      // served by everyone
  EXPECT_NEAR(ev.unit_travel_km[2], (1 * 4.0 + 3 + 2 * 3) / 4, 1e-12);  // NaN -> 2 x 2 km
}

TEST(DesignSearch, EffortPresets) {
  DesignOptions o;
  o.k = 3;
  o.bound = true;
  apply_effort(o, "thorough", 10);  // clamped up to 20,000
  EXPECT_EQ(o.starts, 32);
  EXPECT_EQ(o.iterations, 20000);
  EXPECT_TRUE(o.anneal);
  EXPECT_EQ(o.k, 3);  // other fields untouched
  EXPECT_TRUE(o.bound);
  apply_effort(o, "thorough", 342);
  EXPECT_EQ(o.iterations, 342000);
  apply_effort(o, "thorough", 600);  // clamped down to 500,000
  EXPECT_EQ(o.iterations, 500000);
  apply_effort(o, "thorough", std::int64_t{1} << 60);  // no overflow
  EXPECT_EQ(o.iterations, 500000);
  apply_effort(o, "fast", 342);
  EXPECT_EQ(o.starts, 1);
  EXPECT_FALSE(o.anneal);
  EXPECT_EQ(o.iterations, 0);
  apply_effort(o, "default", 342);
  const DesignOptions d;
  EXPECT_EQ(o.starts, d.starts);
  EXPECT_EQ(o.iterations, d.iterations);
  EXPECT_EQ(o.anneal, d.anneal);
  EXPECT_THROW(apply_effort(o, "slow", 342), InvalidInput);
  EXPECT_THROW(apply_effort(o, "fast", -1), InvalidInput);
}

TEST(DesignSearch, GridOptimumMatchesBruteForce) {
  // 3 x 4 grid, k = 3: every contiguous plan enumerated.
  for (unsigned seed : {3u, 11u}) {
    DesignProblem p = grid(3, 4, random_demand(12, seed, 1, 30));
    const double best = brute_force(p, 3, nullptr);
    DesignResult res = design_areas(p, opts(3, seed));
    EXPECT_NEAR(res.objective, best, 1e-9) << "seed " << seed;
    EXPECT_TRUE(connected_areas(p, res.labels));
  }
}

TEST(DesignSearch, AdvisorOptimumMatchesBruteForce) {
  DesignProblem p = grid(3, 3, random_demand(9, 5, 1, 30));
  p.advisor_xy = {{500, 500}, {2500, 2500}, {1500, 1500}};
  p.advisor_unit = {0, 8, 4};
  p.advisor_capacity = {1, 2, 1};
  const double best = brute_force(p, 2, nullptr);
  DesignResult res = design_areas(p, opts(2, 9));
  EXPECT_NEAR(res.objective, best, 1e-9);
  // Every area holds an advisor base.
  PlanEvaluation ev = evaluate_plan(p, res.labels);
  for (auto a : ev.advisors) EXPECT_GE(a, 1);
}

TEST(DesignSearch, MedoidOptimumMatchesBruteForce) {
  DesignProblem p = grid(2, 4, random_demand(8, 21, 1, 30));
  const std::size_t n = 8;
  for (std::size_t i = 0; i < n; ++i) {  // a travel model: Manhattan km
    for (std::size_t j = 0; j < n; ++j) {
      p.travel_km.push_back((std::abs(p.centroid[i].x - p.centroid[j].x) +
                             std::abs(p.centroid[i].y - p.centroid[j].y)) /
                            1000.0);
    }
  }
  const double best = brute_force(p, 3, nullptr);
  DesignResult res = design_areas(p, opts(3, 4));
  EXPECT_NEAR(res.objective, best, 1e-9);
}

TEST(DesignSearch, DeterministicWhateverTheThreads) {
  DesignProblem p = grid(12, 12, random_demand(144, 7));
  DesignOptions o = opts(7, 42, 6);
  o.iterations = 30000;
  DesignResult a = design_areas(p, o);
  o.threads = 3;
  DesignResult b = design_areas(p, o);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.objective, b.objective);
  EXPECT_EQ(evaluate_plan(p, a.labels).summary.objective, a.objective);
  EXPECT_TRUE(connected_areas(p, a.labels));
  o.seed = 43;
  DesignResult c = design_areas(p, o);
  EXPECT_TRUE(connected_areas(p, c.labels));
  // Canonical numbering: areas in order of their smallest unit id ("g0_10" < "g0_2").
  std::vector<std::size_t> by_id(p.ids.size());
  std::iota(by_id.begin(), by_id.end(), std::size_t{0});
  std::sort(by_id.begin(), by_id.end(), [&](auto x, auto y) { return p.ids[x] < p.ids[y]; });
  ASSERT_FALSE(std::is_sorted(p.ids.begin(), p.ids.end()));  // id order is not row order
  std::int64_t next = 0;
  for (auto i : by_id) {
    EXPECT_LE(a.labels[i], next);
    next = std::max(next, a.labels[i] + 1);
  }
}

TEST(DesignSearch, ContiguousOnIrregularGraphs) {
  // Grids with random holes (removed cells) and zero-demand units.
  for (unsigned seed = 0; seed < 6; ++seed) {
    std::mt19937 gen(seed);
    const int rows = 9, cols = 11;
    DesignProblem full = grid(rows, cols, random_demand(rows * cols, seed, 0, 5));
    std::vector<int> keep_index(rows * cols, -1);
    DesignProblem p;
    for (int i = 0; i < rows * cols; ++i) {
      if (gen() % 5 == 0 && i != 0) continue;
      keep_index[i] = static_cast<int>(p.centroid.size());
      p.ids.push_back(full.ids[i]);
      p.centroid.push_back(full.centroid[i]);
      p.area_m2.push_back(full.area_m2[i]);
      p.perimeter_m.push_back(full.perimeter_m[i]);
      p.demand.push_back(full.demand[i]);
    }
    for (const auto& e : full.adjacency) {
      if (keep_index[e.a] >= 0 && keep_index[e.b] >= 0) {
        p.adjacency.push_back({keep_index[e.a], keep_index[e.b], e.border_m});
      }
    }
    p.islands = IslandRule::Attach;
    DesignOptions o = opts(2 + seed, seed, 2);
    o.iterations = 20000;
    DesignResult res = design_areas(p, o);
    PlanEvaluation ev = evaluate_plan(p, res.labels);
    EXPECT_TRUE(ev.summary.all_contiguous) << "seed " << seed;
    EXPECT_EQ(static_cast<std::int64_t>(ev.units.size()), o.k);
  }
}

TEST(DesignSearch, RepairModeImprovesAndKeepsFixedUnits) {
  DesignProblem p = grid(6, 6, random_demand(36, 13, 1, 10));
  for (int i = 0; i < 36; i += 6) p.demand[i] = 50;  // column 0: the main piece of area 0
  // Vertical stripes by column parity: non-contiguous areas 0 and 1, plus area 2 (col 5).
  std::vector<std::int64_t> initial(36);
  for (int i = 0; i < 36; ++i) initial[i] = (i % 6 == 5) ? 2 : (i % 6) % 2;
  EXPECT_FALSE(evaluate_plan(p, initial).summary.all_contiguous);
  DesignOptions o = opts(3, 5, 2);
  o.initial = initial;
  o.fixed.assign(36, 0);
  o.fixed[0] = 1;  // stays in area 0
  o.fixed[5] = 1;  // stays in area 2
  DesignResult res = design_areas(p, o);
  EXPECT_TRUE(connected_areas(p, res.labels));
  EXPECT_EQ(res.labels[0], 0);
  EXPECT_EQ(res.labels[5], 2);
  // Starting from a good contiguous plan, repair never makes it worse.
  DesignResult fresh = design_areas(p, opts(3, 1, 2));
  o.initial = fresh.labels;
  o.fixed.clear();
  o.seed = 99;
  DesignResult again = design_areas(p, o);
  EXPECT_LE(again.objective, fresh.objective + 1e-12);
  EXPECT_EQ(again.labels.size(), 36u);
}

TEST(DesignSearch, IslandsAttachByNearestCentroid) {
  // Two 2x2 blocks far apart plus an isolated unit near the second block.
  DesignProblem p = grid(2, 2, {1, 1, 1, 1});
  DesignProblem q = grid(2, 2, {1, 1, 1, 1});
  for (int i = 0; i < 4; ++i) {
    p.ids.push_back(std::string("far").append(std::to_string(i)));
    p.centroid.push_back({q.centroid[i].x + 10000, q.centroid[i].y});
    p.area_m2.push_back(q.area_m2[i]);
    p.perimeter_m.push_back(q.perimeter_m[i]);
    p.demand.push_back(1);
  }
  for (const auto& e : q.adjacency) p.adjacency.push_back({e.a + 4, e.b + 4, e.border_m});
  p.ids.push_back("isle");
  p.centroid.push_back({14000, 500});
  p.area_m2.push_back(1e6);
  p.perimeter_m.push_back(4000);
  p.demand.push_back(1);
  try {
    design_areas(p, opts(2));
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'isle'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("attach"), std::string::npos) << msg;
  }
  p.islands = IslandRule::Attach;
  DesignResult res = design_areas(p, opts(2));
  ASSERT_EQ(res.links.size(), 2u);
  // isle (8) -> far unit 5 (centroid 11500, 500); block 1 -> block 2 via units 1 and 4.
  EXPECT_EQ(res.links[0].a, 1);
  EXPECT_EQ(res.links[0].b, 4);
  EXPECT_EQ(res.links[1].a, 5);
  EXPECT_EQ(res.links[1].b, 8);
  EXPECT_TRUE(evaluate_plan(p, res.labels).summary.all_contiguous);
  // Under the strict rule the same plan's island area reports its parts honestly.
  p.islands = IslandRule::Error;
  PlanEvaluation ev = evaluate_plan(p, res.labels);  // never throws on islands
  EXPECT_EQ(ev.links.size(), 0u);
}

TEST(DesignErrors, BadInputIsRejectedClearly) {
  DesignProblem p = grid(2, 3, {1, 2, 3, 4, 5, 6});
  EXPECT_THROW(design_areas(p, opts(0)), InvalidInput);
  EXPECT_THROW(design_areas(p, opts(7)), InvalidInput);
  try {
    design_areas(p, opts(7));
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("1..6"), std::string::npos) << e.what();
  }
  DesignProblem q = p;
  q.demand[4] = std::numeric_limits<double>::quiet_NaN();
  try {
    design_areas(q, opts(2));
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("'g1_1'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos) << e.what();
  }
  q = p;
  q.demand[0] = -1;
  EXPECT_THROW(design_areas(q, opts(2)), InvalidInput);
  q = p;
  std::fill(q.demand.begin(), q.demand.end(), 0.0);
  EXPECT_THROW(design_areas(q, opts(2)), InvalidInput);
  q = p;
  q.adjacency.push_back(q.adjacency[0]);
  EXPECT_THROW(design_areas(q, opts(2)), InvalidInput);
  q = p;
  q.advisor_xy = {{500, 500}};
  q.advisor_unit = {0};
  EXPECT_THROW(design_areas(q, opts(2)), InvalidInput);  // 2 areas, 1 advisor unit
  EXPECT_THROW(evaluate_plan(p, std::vector<std::int64_t>{0, 0, 2, 2, 0, 0}), InvalidInput);
  EXPECT_THROW(evaluate_plan(p, std::vector<std::int64_t>{0, 1}), InvalidInput);
  DesignOptions o = opts(2);
  o.initial = {0, 0, 0, 1, 1, 1};
  o.k = 3;
  EXPECT_THROW(design_areas(p, o), InvalidInput);
  EXPECT_THROW(parse_island_rule("ferry"), InvalidInput);
}

TEST(DesignSearch, TimeLimitStillReturnsAContiguousPlan) {
  DesignProblem p = grid(20, 20, random_demand(400, 3));
  DesignOptions o = opts(10, 1, 4);
  o.iterations = 50'000'000;
  o.time_limit_s = 0.05;
  DesignResult res = design_areas(p, o);
  EXPECT_TRUE(res.time_limit_reached);
  EXPECT_TRUE(connected_areas(p, res.labels));
}

namespace {

// Reads the municipalities (optionally one province) from the shared GeoPackage as WKB.
AreaSet read_gemeenten(const std::string& gpkg, const std::string& province) {
  GDALAllRegister();
  auto* ds = static_cast<GDALDataset*>(
      GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (ds == nullptr) throw FileError("cannot open " + gpkg);
  OGRLayer* layer = ds->GetLayerByName("gemeenten");
  if (!province.empty()) layer->SetAttributeFilter(("provcode = '" + province + "'").c_str());
  std::vector<std::string> wkb, ids;
  for (auto& f : *layer) {
    const OGRGeometry* g = f->GetGeometryRef();
    std::string buf(static_cast<std::size_t>(g->WkbSize()), '\0');
    g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(buf.data()));
    wkb.push_back(std::move(buf));
    ids.emplace_back(f->GetFieldAsString("statcode"));
  }
  GDALClose(ds);
  return AreaSet::from_wkb(wkb, ids);
}

}  // namespace

TEST(DesignRealData, MunicipalitiesStayContiguous) {
  const std::string gpkg = std::string(LIBMATCH_SHARED_DATA) + "/nl_admin_2023.gpkg";
  if (!fs::exists(gpkg)) GTEST_SKIP() << "shared data not present at " << gpkg;
  const AreaSet nl = read_gemeenten(gpkg, "");
  ASSERT_EQ(nl.size(), 342u);
  std::mt19937 gen(2023);
  std::vector<double> demand(nl.size());
  for (auto& d : demand) d = static_cast<double>(gen() % 60);
  DesignProblem p = make_design_problem(nl, demand);
  // The Wadden islands have no land neighbour: rejected by default, naming them.
  try {
    design_areas(p, opts(12));
    FAIL() << "expected InvalidInput for the islands";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("'GM0448'"), std::string::npos) << e.what();  // Texel
  }
  p.islands = IslandRule::Attach;
  DesignOptions o = opts(12, 7, 2);
  o.iterations = 60000;
  DesignResult res = design_areas(p, o);
  EXPECT_GE(res.links.size(), 6u);  // 5 islands + Zeeuws-Vlaanderen
  PlanEvaluation ev = evaluate_plan(p, res.labels);
  EXPECT_TRUE(ev.summary.all_contiguous);
  EXPECT_EQ(ev.units.size(), 12u);
  EXPECT_NEAR(ev.summary.objective, res.objective, 0.0);
  EXPECT_LT(res.imbalance, 0.15);

  // Noord-Brabant has no islands: the default rule is enough.
  const AreaSet nb = read_gemeenten(gpkg, "PV30");
  ASSERT_EQ(nb.size(), 56u);
  std::vector<double> nb_demand(nb.size());
  for (auto& d : nb_demand) d = static_cast<double>(1 + gen() % 40);
  DesignProblem q = make_design_problem(nb, nb_demand);
  for (std::uint64_t seed : {1u, 2u}) {
    DesignResult r = design_areas(q, opts(6, seed, 2));
    EXPECT_TRUE(evaluate_plan(q, r.labels).summary.all_contiguous);
    EXPECT_TRUE(connected_areas(q, r.labels));
  }
  // Advisors placed by location, travel from a travel model.
  std::vector<double> bases;
  for (std::size_t i = 0; i < nb.size(); i += 8) {
    bases.push_back(nb.stats(i).centroid.x);
    bases.push_back(nb.stats(i).centroid.y);
  }
  set_advisors(q, nb, bases, {});
  ASSERT_EQ(q.advisor_unit.size(), 7u);
  set_travel(q, StraightLine(1.3, 60.0), 1);
  DesignResult r = design_areas(q, opts(6, 3, 2));
  PlanEvaluation e2 = evaluate_plan(q, r.labels);
  EXPECT_TRUE(e2.summary.all_contiguous);
  for (auto a : e2.advisors) EXPECT_GE(a, 1);
  for (double t : e2.mean_travel_minutes) EXPECT_TRUE(std::isfinite(t));
}

// ---------------------------------------------------------------------------------------
// Hard bounds and the exact model's bound, against enumeration of every contiguous plan.

namespace {

// Calls f(labels) for every contiguous plan with k areas (labels in first-use order).
void for_each_plan(const DesignProblem& p, int k,
                   const std::function<void(const std::vector<std::int64_t>&)>& f) {
  const auto n = static_cast<int>(p.demand.size());
  std::vector<std::int64_t> lab(static_cast<std::size_t>(n), 0);
  std::function<void(int, int)> rec = [&](int i, int used) {
    if (i == n) {
      if (used == k && connected_areas(p, lab)) f(lab);
      return;
    }
    if (n - i < k - used) return;
    for (int l = 0; l <= std::min(used, k - 1); ++l) {
      lab[i] = l;
      rec(i + 1, std::max(used, l + 1));
    }
  };
  rec(0, 0);
}

// Over the contiguous plans with k areas meeting the bounds: the best objective, the best
// balance + travel (objective without its compactness term) and the worst plan.
struct PlanExtremes {
  double best = std::numeric_limits<double>::infinity();
  double best_core = std::numeric_limits<double>::infinity();
  std::vector<std::int64_t> worst;  // empty when no plan meets the bounds
};
PlanExtremes plan_extremes(const DesignProblem& p, int k, const DesignBounds& b) {
  PlanExtremes e;
  double worst_obj = -std::numeric_limits<double>::infinity();
  for_each_plan(p, k, [&](const std::vector<std::int64_t>& lab) {
    if (!check_bounds(p, lab, b).empty()) return;
    const PlanSummary s = evaluate_plan(p, lab).summary;
    e.best = std::min(e.best, s.objective);
    e.best_core =
        std::min(e.best_core, s.objective - p.weights.compactness * (1.0 - s.compactness));
    if (s.objective > worst_obj) worst_obj = s.objective, e.worst = lab;
  });
  return e;
}

// Bounds fixing units to labels depend on the numbering: every relabelling is tried.
bool feasible_by_enumeration(const DesignProblem& p, int k, const DesignBounds& b,
                             double* best_obj = nullptr) {
  bool any = false;
  double best = std::numeric_limits<double>::infinity();
  for_each_plan(p, k, [&](const std::vector<std::int64_t>& lab) {
    std::vector<int> perm(static_cast<std::size_t>(k));
    std::iota(perm.begin(), perm.end(), 0);
    do {
      std::vector<std::int64_t> l2(lab.size());
      for (std::size_t i = 0; i < lab.size(); ++i) l2[i] = perm[lab[i]];
      if (check_bounds(p, l2, b).empty()) {
        any = true;
        best = std::min(best, evaluate_plan(p, l2).summary.objective);
      }
      if (b.area_of.empty()) break;  // labels do not matter
    } while (std::next_permutation(perm.begin(), perm.end()));
  });
  if (best_obj) *best_obj = best;
  return any;
}

void manhattan_travel(DesignProblem& p) {
  const std::size_t n = p.centroid.size();
  p.travel_km.clear();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      p.travel_km.push_back((std::abs(p.centroid[i].x - p.centroid[j].x) +
                             std::abs(p.centroid[i].y - p.centroid[j].y)) /
                            1000.0);
    }
  }
}

// A grid with random demand (fractional: scaled by 0.37, plus 0.01 per unit index) and
// Manhattan unit-to-unit travel, and options for k areas, with or without hard bounds.
DesignProblem bound_case_problem(int rows, int cols, unsigned seed, bool fractional) {
  std::vector<double> d = random_demand(static_cast<std::size_t>(rows * cols), seed, 0, 30);
  if (fractional) {
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = d[i] * 0.37 + 0.01 * static_cast<double>(i);
  }
  DesignProblem p = grid(rows, cols, d);
  manhattan_travel(p);
  return p;
}
DesignOptions bound_case_options(int k, bool bounded) {
  DesignOptions o = opts(k, 1);
  if (bounded) {
    o.bounds.demand_lo = 0.5;
    o.bounds.demand_hi = 1.6;
    o.bounds.max_travel_km = 3.0;
  }
  return o;
}

}  // namespace

TEST(DesignBound, ExactModelMatchesEnumeration) {
  // Medoid travel (a unit-to-unit matrix), compactness 0: the model is exact up to its
  // tangent grid, so bound <= optimum <= bound x (1 + 0.1 %), and the search finds it.
  for (unsigned seed : {3u, 8u}) {
    DesignProblem p = grid(2, 4, random_demand(8, seed, 1, 30));
    manhattan_travel(p);
    p.weights.compactness = 0.0;
    const double best = brute_force(p, 3, nullptr);
    DesignOptions o = opts(3, 2);
    o.bound = true;
    DesignResult res = design_areas(p, o);
    EXPECT_LE(res.bound, best + 1e-9) << seed;
    EXPECT_GE(res.bound, best * (1.0 - 2e-3)) << seed;
    EXPECT_NEAR(res.objective, best, 1e-9) << seed;
    EXPECT_EQ(res.status, BoundStatus::Optimal) << seed;
    EXPECT_GE(res.gap, 0.0);
    EXPECT_LE(res.gap, 2e-3);
  }
}

TEST(DesignBound, CompactnessCountsInTheGap) {
  DesignProblem p = grid(2, 3, random_demand(6, 5, 1, 20));
  manhattan_travel(p);
  const double best = brute_force(p, 2, nullptr);
  DesignOptions o = opts(2, 1);
  o.bound = true;
  DesignResult res = design_areas(p, o);
  EXPECT_LE(res.bound, best + 1e-9);
  EXPECT_NEAR(res.objective, best, 1e-9);
  // The bound counts compactness at its floor 0; the gap is at least the plan's term.
  const double term = p.weights.compactness * (1.0 - res.compactness);
  EXPECT_GE(res.objective - res.bound, term * (1.0 - 1e-6) - 2e-3 * res.objective);
}

TEST(DesignBound, LagrangianBoundIsBelowTheEnumeratedOptimum) {
  // The banded Lagrangian bound alone (no MIP) against every contiguous plan: integer and
  // fractional demand (the rounding slack), zero-demand units, and hard bounds.
  struct Case {
    int rows, cols, k;
    unsigned seed;
    bool fractional, bounded;
  };
  for (const Case& c : {Case{2, 4, 3, 3, false, false}, Case{3, 3, 2, 4, false, false},
                        Case{3, 3, 3, 5, true, false}, Case{2, 4, 2, 6, true, true},
                        Case{3, 3, 3, 7, false, true}, Case{2, 5, 3, 8, false, false}}) {
    const DesignProblem p = bound_case_problem(c.rows, c.cols, c.seed, c.fractional);
    DesignOptions o = bound_case_options(c.k, c.bounded);
    // Best and worst plan meeting the bounds; the worst is kept fixed as the incumbent, so
    // the bound is not capped by an optimal plan.
    const PlanExtremes e = plan_extremes(p, c.k, o.bounds);
    const double best = e.best;
    const std::vector<std::int64_t>& worst = e.worst;
    ASSERT_FALSE(worst.empty()) << c.seed;
    o.initial = worst;
    o.fixed.assign(worst.size(), 1);
    o.bound = true;
    o.bound_mip = false;
    const DesignResult res = design_areas(p, o);
    EXPECT_GT(res.objective, best + 1e-6) << c.seed;
    EXPECT_LE(res.bound, best + 1e-9) << c.seed;
    EXPECT_EQ(res.bound, res.bound_lagrangian) << c.seed;
    EXPECT_FALSE(std::isfinite(res.bound_mip)) << c.seed;  // not run
    // Not a trivial bound: most of the optimum is proven.
    EXPECT_GE(res.bound, 0.95 * best) << c.seed;
    EXPECT_NE(res.status, BoundStatus::TooLarge);
  }
}

TEST(DesignBound, LagrangianBoundsLargeInstances) {
  // Above kMaxBoundUnits the MIP is not built, the Lagrangian bound still is.
  DesignProblem p = grid(12, 13, random_demand(12 * 13, 11, 0, 4));
  manhattan_travel(p);
  ASSERT_GT(static_cast<std::int64_t>(p.demand.size()), kMaxBoundUnits);
  DesignOptions o = opts(4, 1, 2);
  o.bound = true;
  o.bound_time_limit_s = 120.0;  // generous: the bound stops long before on this size
  const DesignResult res = design_areas(p, o);
  EXPECT_NE(res.status, BoundStatus::TooLarge);
  EXPECT_FALSE(std::isfinite(res.bound_mip));
  EXPECT_GT(res.bound, 0.5 * res.objective);
  EXPECT_LE(res.bound, res.objective);
  EXPECT_NEAR(res.gap, (res.objective - res.bound) / res.objective, 1e-12);
}

TEST(DesignBound, NeedsAUnitToUnitMatrix) {
  DesignProblem p = grid(2, 3, random_demand(6, 5, 1, 20));
  DesignOptions o = opts(2, 1);
  o.bound = true;
  EXPECT_THROW(design_areas(p, o), InvalidInput);
}

TEST(DesignBounds, AlwaysHonouredOrProvenInfeasible) {
  // Random bounds on small grids: a returned plan meets every bound; an InfeasibleBounds
  // means enumeration finds no plan, and dropping any bound of its conflict set makes the
  // rest feasible (irreducible).
  std::mt19937 gen(11);
  int infeasible = 0, feasible = 0;
  for (int trial = 0; trial < 16; ++trial) {
    DesignProblem p = grid(2, 4, random_demand(8, 100 + trial, 0, 12));
    if (trial % 2) manhattan_travel(p);
    const int k = 2 + trial % 2;
    DesignBounds b;
    if (gen() % 2) {
      b.demand_lo = 0.5 + 0.1 * static_cast<double>(gen() % 5);
      b.demand_hi = 1.05 + 0.1 * static_cast<double>(gen() % 5);
    }
    if (gen() % 3 == 0) b.max_travel_km = 1.0 + static_cast<double>(gen() % 3);
    if (gen() % 3 == 0) b.max_units = 3 + static_cast<std::int64_t>(gen() % 2);
    if (gen() % 3 == 0) b.min_units = 2 + static_cast<std::int64_t>(gen() % 2);
    if (b.max_units > 0 && b.min_units > b.max_units) b.min_units = b.max_units;
    if (gen() % 2) b.must_link.emplace_back(gen() % 8, (gen() % 7 + 1 + trial) % 8);
    if (gen() % 2) b.cannot_link.emplace_back(gen() % 4, 4 + gen() % 4);
    if (gen() % 3 == 0) {
      b.area_of.assign(8, -1);
      b.area_of[gen() % 8] = 0;
      b.area_of[gen() % 8] = k - 1;
    }
    b.must_link.erase(std::remove_if(b.must_link.begin(), b.must_link.end(),
                                     [](auto pr) { return pr.first == pr.second; }),
                      b.must_link.end());
    DesignOptions o = opts(k, trial);
    o.bounds = b;
    const bool truth = feasible_by_enumeration(p, k, b);
    try {
      DesignResult res = design_areas(p, o);
      EXPECT_TRUE(truth) << trial;
      EXPECT_TRUE(check_bounds(p, res.labels, b).empty()) << trial;
      EXPECT_TRUE(connected_areas(p, res.labels)) << trial;
      ++feasible;
    } catch (const InfeasibleBounds& e) {
      if (e.conflict().empty()) {
        // Undecided: only the relaxed travel bound may leave the model unsure.
        EXPECT_TRUE(std::isfinite(b.max_travel_km)) << trial << ": " << e.what();
        continue;
      }
      ++infeasible;
      EXPECT_FALSE(truth) << trial << ": " << e.what();
    }
  }
  EXPECT_GT(feasible, 0);
  EXPECT_GT(infeasible, 0);
}

TEST(DesignBounds, ConflictSetIsIrreducible) {
  // 2 x 3 grid, k = 2: must-link chains against a cannot-link, plus a unit cap.
  DesignProblem p = grid(2, 3, {1, 1, 1, 1, 1, 1});
  DesignBounds b;
  b.must_link = {{0, 1}, {1, 2}};
  b.cannot_link = {{0, 2}};
  b.max_units = 5;
  DesignOptions o = opts(2, 1);
  o.bounds = b;
  try {
    design_areas(p, o);
    FAIL() << "expected InfeasibleBounds";
  } catch (const InfeasibleBounds& e) {
    std::vector<std::string> c = e.conflict();
    std::sort(c.begin(), c.end());
    EXPECT_EQ(c, (std::vector<std::string>{"cannot_link 'g0_0' 'g0_2'", "must_link 'g0_0' 'g0_1'",
                                           "must_link 'g0_1' 'g0_2'"}));
  }
  // A conflict only the model sees: demand within 1 % of the share on a path 1-1-4.
  DesignProblem q = grid(1, 3, {1, 1, 4});
  DesignBounds c;
  c.demand_lo = 0.99;
  c.demand_hi = 1.01;
  c.max_units = 3;
  o = opts(2, 1);
  o.bounds = c;
  try {
    design_areas(q, o);
    FAIL() << "expected InfeasibleBounds";
  } catch (const InfeasibleBounds& e) {
    // Each bound of the set is needed: without it the rest is feasible.
    ASSERT_FALSE(e.conflict().empty());
    EXPECT_FALSE(feasible_by_enumeration(q, 2, c));
    // The set alone conflicts; without any one of its bounds the others hold together.
    auto only = [&](const std::string& skip) {
      DesignBounds d;
      for (const std::string& name : e.conflict()) {
        if (name == skip) continue;
        if (name == "demand_lo") d.demand_lo = c.demand_lo;
        if (name == "demand_hi") d.demand_hi = c.demand_hi;
        if (name == "max_units") d.max_units = c.max_units;
      }
      return d;
    };
    EXPECT_FALSE(feasible_by_enumeration(q, 2, only("")));
    for (const std::string& name : e.conflict()) {
      EXPECT_TRUE(feasible_by_enumeration(q, 2, only(name))) << name;
    }
  }
}

TEST(DesignBounds, BadBoundsAreTypedErrors) {
  DesignProblem p = grid(2, 3, {1, 1, 1, 1, 1, 1});
  auto run = [&](const DesignBounds& b) {
    DesignOptions o = opts(2, 1);
    o.bounds = b;
    design_areas(p, o);
  };
  DesignBounds b;
  b.demand_lo = -0.1;
  EXPECT_THROW(run(b), InvalidInput);
  b = {};
  b.demand_lo = 1.2;
  b.demand_hi = 1.1;
  EXPECT_THROW(run(b), InvalidInput);
  b = {};
  b.max_travel_km = 0.0;
  EXPECT_THROW(run(b), InvalidInput);
  b = {};
  b.area_of = {0, 5, -1, -1, -1, -1};
  EXPECT_THROW(run(b), InvalidInput);
  b = {};
  b.area_of = {0, 1};
  EXPECT_THROW(run(b), InvalidInput);
  b = {};
  b.must_link = {{0, 9}};
  EXPECT_THROW(run(b), InvalidInput);
  b = {};
  b.cannot_link = {{2, 2}};
  EXPECT_THROW(run(b), InvalidInput);
  b = {};
  b.min_units = 4;
  b.max_units = 3;
  EXPECT_THROW(run(b), InvalidInput);
}

TEST(DesignBounds, FixedUnitsKeepTheirLabels) {
  DesignProblem p = grid(3, 4, random_demand(12, 4, 1, 10));
  DesignBounds b;
  b.area_of.assign(12, -1);
  b.area_of[0] = 2;
  b.area_of[11] = 0;
  b.area_of[3] = 1;
  DesignOptions o = opts(3, 1);
  o.bounds = b;
  DesignResult res = design_areas(p, o);
  EXPECT_EQ(res.labels[0], 2);
  EXPECT_EQ(res.labels[11], 0);
  EXPECT_EQ(res.labels[3], 1);
  EXPECT_TRUE(connected_areas(p, res.labels));
}

// Column-generation bound (design_colgen.cpp): its exact pricing against enumeration of every
// connected set, and its bound against every contiguous plan.
TEST(DesignColgen, PricingMatchesEnumerationOfConnectedSets) {
  std::mt19937 gen(17);
  for (int trial = 0; trial < 60; ++trial) {
    // A 3 x 4 grid with a few random chords, as CSR.
    const int rows = 3, cols = 4, n = rows * cols;
    std::vector<std::vector<std::int32_t>> adj(n);
    auto link = [&](int a, int b) {
      if (a == b || std::find(adj[a].begin(), adj[a].end(), b) != adj[a].end()) return;
      adj[a].push_back(b);
      adj[b].push_back(a);
    };
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        if (c + 1 < cols && gen() % 5 != 0) link(r * cols + c, r * cols + c + 1);
        if (r + 1 < rows && gen() % 5 != 0) link(r * cols + c, (r + 1) * cols + c);
      }
    }
    for (int t = 0; t < 2; ++t) link(static_cast<int>(gen() % n), static_cast<int>(gen() % n));
    std::vector<std::int64_t> off{0};
    std::vector<std::int32_t> nb;
    for (const auto& a : adj) {
      nb.insert(nb.end(), a.begin(), a.end());
      off.push_back(static_cast<std::int64_t>(nb.size()));
    }
    std::vector<double> d(n), r(n);
    for (int i = 0; i < n; ++i) {
      d[i] = static_cast<double>(gen() % 4 == 0 ? 0 : gen() % 10);
      r[i] = static_cast<double>(static_cast<int>(gen() % 21) - 12) / 7.0;
      if (gen() % 9 == 0) r[i] = std::numeric_limits<double>::infinity();  // not allowed
    }
    detail::SetCost c;
    c.total = std::accumulate(d.begin(), d.end(), 0.0) + 1.0;
    c.share = 1.0 / 3.0;
    c.alpha = trial % 3 == 0 ? 0.0 : static_cast<double>(gen() % 40);
    if (trial % 2 == 1) {
      c.lo = static_cast<double>(gen() % 8);
      c.hi = c.lo + static_cast<double>(gen() % 20);
    }
    if (trial % 5 == 2) c.min_units = 2;
    if (trial % 4 == 3) c.max_units = 4;
    const auto root = static_cast<std::int32_t>(gen() % n);
    // Enumeration: every subset holding the root, connected, allowed, in range.
    double truth = std::numeric_limits<double>::infinity();
    for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
      if (!(mask >> root & 1u)) continue;
      double sum = 0.0, dem = 0.0;
      int size = 0;
      bool ok = true;
      for (int i = 0; i < n && ok; ++i) {
        if (!(mask >> i & 1u)) continue;
        ok = std::isfinite(r[i]);
        sum += r[i];
        dem += d[i];
        ++size;
      }
      if (!ok || dem < c.lo || dem > c.hi || size < c.min_units ||
          (c.max_units > 0 && size > c.max_units)) {
        continue;
      }
      std::uint32_t seen = 1u << root, frontier = seen;
      while (frontier) {
        std::uint32_t next = 0;
        for (int u = 0; u < n; ++u) {
          if (!(frontier >> u & 1u)) continue;
          for (std::int32_t w : adj[u]) {
            if ((mask >> w & 1u) && !(seen >> w & 1u)) next |= 1u << w;
          }
        }
        seen |= next;
        frontier = next;
      }
      if (seen != mask) continue;
      truth = std::min(truth, sum + c.penalty(dem));
    }
    std::vector<std::int32_t> best;
    const double got = detail::best_connected_set(off, nb, d, root, r, c, best);
    if (!std::isfinite(truth)) {
      EXPECT_FALSE(std::isfinite(got)) << trial;
      continue;
    }
    ASSERT_NEAR(got, truth, 1e-9) << trial;
    // The returned set has that value.
    double sum = 0.0, dem = 0.0;
    for (std::int32_t i : best) sum += r[i], dem += d[i];
    EXPECT_NEAR(sum + c.penalty(dem), truth, 1e-9) << trial;
    EXPECT_TRUE(std::find(best.begin(), best.end(), root) != best.end()) << trial;
  }
}

TEST(DesignColgen, BoundIsBelowTheEnumeratedOptimum) {
  // The column-generation bound alone against every contiguous plan, with the worst plan as
  // the incumbent (the bound is not capped by an optimal plan), with and without hard bounds.
  struct Case {
    int rows, cols, k;
    unsigned seed;
    bool bounded;
  };
  for (const Case& c : {Case{2, 4, 3, 3, false}, Case{3, 3, 2, 4, false}, Case{3, 3, 3, 5, false},
                        Case{2, 4, 2, 6, true}, Case{3, 3, 3, 7, true}, Case{2, 5, 3, 8, false}}) {
    const DesignProblem p = bound_case_problem(c.rows, c.cols, c.seed, false);
    const DesignOptions o = bound_case_options(c.k, c.bounded);
    const PlanExtremes e = plan_extremes(p, c.k, o.bounds);
    const double best = e.best, best_core = e.best_core;
    const std::vector<std::int64_t>& worst = e.worst;
    ASSERT_FALSE(worst.empty()) << c.seed;
    DesignOptions w = o;
    w.initial = worst;
    w.fixed.assign(worst.size(), 1);
    w.bound = true;
    w.bound_mip = false;
    w.bound_lagrangian = false;
    w.bound_colgen = true;
    const DesignResult res = design_areas(p, w);
    EXPECT_GT(res.objective, best + 1e-6) << c.seed;
    EXPECT_LE(res.bound, best_core + 1e-9) << c.seed;
    EXPECT_EQ(res.bound, res.bound_colgen) << c.seed;
    EXPECT_FALSE(std::isfinite(res.bound_lagrangian)) << c.seed;  // not run
    EXPECT_GE(res.bound, 0.95 * best_core) << c.seed;
    // From the search's own (optimal) plan the bound proves it on these grids.
    DesignOptions f = o;
    f.bound = true;
    f.bound_mip = false;
    f.bound_lagrangian = false;
    f.bound_colgen = true;
    const DesignResult opt = design_areas(p, f);
    EXPECT_NEAR(opt.objective, best, 1e-9) << c.seed;
    EXPECT_LE(opt.bound, best_core + 1e-9) << c.seed;
    EXPECT_EQ(opt.status, BoundStatus::Optimal) << c.seed << " gap " << opt.gap;
    // Pricing in parallel changes nothing (per-centre searches, columns added in order).
    w.threads = 3;
    EXPECT_EQ(design_areas(p, w).bound_colgen, res.bound_colgen) << c.seed;
  }
}
