// Membership index vs a brute-force oracle of the documented rule: random polygons with many
// query points exactly on vertices and edges, overlaps, holes, tight memory limits and
// extreme (but valid) geometry.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "areas_impl.hpp"
#include "libmatch/areas.hpp"

using libmatch::PolygonRings;
using libmatch::Ring;
using libmatch::XY;
using Areas = std::vector<std::vector<PolygonRings>>;
using Index = libmatch::detail::MembershipIndex;

namespace {

// The rule of areas.hpp, over every edge: an edge (lower end first) counts when
// y0 <= y < y1 and it passes strictly east of the point; odd count = inside; lowest index wins.
std::int64_t oracle(const Areas& areas, double x, double y) {
  if (!std::isfinite(x) || !std::isfinite(y)) return -1;
  for (std::size_t i = 0; i < areas.size(); ++i) {
    bool inside = false;
    for (const PolygonRings& part : areas[i]) {
      for (const Ring& r : part) {
        for (std::size_t k = 0; k + 1 < r.size(); ++k) {
          XY a = r[k], b = r[k + 1];
          if (a.y > b.y) std::swap(a, b);
          if (!(a.y <= y && y < b.y)) continue;
          // (b.x-a.x)*(y-a.y) - (x-a.x)*(b.y-a.y) > 0, as a comparison (no FMA contraction).
          if ((b.x - a.x) * (y - a.y) > (x - a.x) * (b.y - a.y)) inside = !inside;
        }
      }
    }
    if (inside) return static_cast<std::int64_t>(i);
  }
  return -1;
}

Ring closed(std::vector<XY> pts) {
  pts.push_back(pts.front());
  return pts;
}

Ring box(double x0, double y0, double x1, double y1) {
  return closed({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}});
}

// Star-shaped ring around (cx, cy) with vertices on the integer lattice (may touch itself).
Ring lattice_star(std::mt19937_64& rng, double cx, double cy, double rmax, int n) {
  std::uniform_real_distribution<double> ang(0, 2 * M_PI), rad(0.2 * rmax, rmax);
  std::vector<double> a(n);
  for (double& v : a) v = ang(rng);
  std::sort(a.begin(), a.end());
  std::vector<XY> pts;
  for (double t : a) {
    double r = rad(rng);
    pts.push_back({std::round(cx + r * std::cos(t)), std::round(cy + r * std::sin(t))});
  }
  return closed(pts);
}

// Random area set on a lattice: stars (some with a hole), a few boxes sharing borders, and a
// multi-part area; coordinates scaled by `s` and shifted by (ox, oy).
Areas random_areas(std::mt19937_64& rng, int n_areas, double s, double ox, double oy) {
  std::uniform_real_distribution<double> c(0, 40);
  std::uniform_int_distribution<int> nv(3, 14), kind(0, 4);
  Areas areas;
  for (int i = 0; i < n_areas; ++i) {
    std::vector<PolygonRings> parts;
    int k = kind(rng);
    double cx = std::round(c(rng)), cy = std::round(c(rng));
    if (k == 0) {
      parts.push_back({box(cx, cy, cx + 5, cy + 3)});
      parts.push_back({box(cx + 5, cy, cx + 9, cy + 3)});  // touches the first part
    } else if (k == 1) {
      parts.push_back({box(cx, cy, cx + 8, cy + 8), box(cx + 2, cy + 2, cx + 5, cy + 4)});
    } else {
      parts.push_back({lattice_star(rng, cx, cy, 2 + c(rng) / 3, nv(rng))});
    }
    for (auto& part : parts)
      for (auto& ring : part)
        for (auto& p : ring) p = {ox + s * p.x, oy + s * p.y};
    areas.push_back(std::move(parts));
  }
  return areas;
}

// Query points: the half-lattice (vertices, edge midpoints of axis edges), points on edges
// by interpolation, vertices nudged by one ulp, and uniform random points.
std::vector<XY> queries(std::mt19937_64& rng, const Areas& areas, double s, double ox, double oy) {
  std::vector<XY> q;
  for (int i = -2; i <= 110; ++i)
    for (int j = -2; j <= 110; ++j) q.push_back({ox + s * (0.5 * i), oy + s * (0.5 * j)});
  std::uniform_real_distribution<double> u(0, 1);
  for (const auto& parts : areas)
    for (const auto& ring : parts)
      for (const auto& r : ring)
        for (std::size_t k = 0; k + 1 < r.size(); ++k) {
          XY a = r[k], b = r[k + 1];
          double t = u(rng);
          q.push_back({a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)});
          q.push_back({std::nextafter(a.x, -INFINITY), a.y});
          q.push_back({std::nextafter(a.x, INFINITY), a.y});
          q.push_back({a.x, std::nextafter(a.y, -INFINITY)});
          q.push_back({a.x, std::nextafter(a.y, INFINITY)});
        }
  std::uniform_real_distribution<double> ux(ox - 3 * s, ox + 58 * s), uy(oy - 3 * s, oy + 58 * s);
  for (int i = 0; i < 20000; ++i) q.push_back({ux(rng), uy(rng)});
  return q;
}

void expect_matches_oracle(const Areas& areas, const Index& index, const std::vector<XY>& q,
                           const std::string& what) {
  std::vector<double> xy;
  for (const XY& p : q) xy.insert(xy.end(), {p.x, p.y});
  std::vector<std::int64_t> got(q.size());
  index.locate_batch(xy.data(), got.data(), q.size());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < q.size(); ++i) {
    std::int64_t want = oracle(areas, q[i].x, q[i].y);
    ASSERT_EQ(index.locate(q[i].x, q[i].y), got[i]) << what << " point " << i;
    if (got[i] != want && bad++ < 5) {
      ADD_FAILURE() << what << ": (" << q[i].x << ", " << q[i].y << ") got " << got[i] << " want "
                    << want;
    }
  }
  EXPECT_EQ(bad, 0u) << what;
}

}  // namespace

TEST(Membership, RandomLatticePolygonsMatchBruteForce) {
  std::mt19937_64 rng(7);
  const double scales[] = {1.0, 0.1, 250.0};
  const double origins[] = {0.0, 155000.0, -3.7};
  for (int trial = 0; trial < 12; ++trial) {
    double s = scales[trial % 3], o = origins[(trial / 3) % 3];
    Areas areas = random_areas(rng, 4 + trial * 3, s, o, o * 2.0);
    std::vector<XY> q = queries(rng, areas, s, o, o * 2.0);
    Index def;
    def.build(areas);
    ASSERT_TRUE(def.stats().grid);
    expect_matches_oracle(areas, def, q, "default limits, trial " + std::to_string(trial));
    // Tight limits: few top cells, no blocks (top-level leaves), or one top cell.
    for (auto lim : {Index::Limits{64, 4, 1 << 26}, Index::Limits{256, 0, 1 << 26},
                     Index::Limits{1, 1, 1 << 26}}) {
      Index t;
      t.build(areas, lim);
      ASSERT_LE(static_cast<std::size_t>(t.stats().nx * t.stats().ny), lim.max_top_cells);
      ASSERT_LE(t.stats().blocks, lim.max_blocks);
      expect_matches_oracle(areas, t, q, "tight limits, trial " + std::to_string(trial));
    }
  }
}

TEST(Membership, SharedBordersOfAPartitionGoToExactlyOneArea) {
  // 6 x 5 unit boxes; every lattice and half-lattice point inside the hull is in exactly one.
  Areas areas;
  for (int j = 0; j < 5; ++j)
    for (int i = 0; i < 6; ++i) areas.push_back({{box(i, j, i + 1, j + 1)}});
  Index index;
  index.build(areas);
  for (int i = 0; i < 12; ++i) {
    for (int j = 0; j < 10; ++j) {
      double x = 0.5 * i, y = 0.5 * j;
      std::int64_t got = index.locate(x, y);
      // East then north: the box whose lower-left corner is (floor x, floor y).
      EXPECT_EQ(got, static_cast<std::int64_t>(std::floor(y)) * 6 + std::floor(x)) << x << "," << y;
      EXPECT_EQ(got, oracle(areas, x, y));
    }
  }
  EXPECT_EQ(index.locate(6.0, 2.5), -1);  // east border of the hull
  EXPECT_EQ(index.locate(2.5, 5.0), -1);  // north border of the hull
}

TEST(Membership, NonFiniteAndFarPointsAreOutside) {
  Areas areas{{{box(0, 0, 10, 10)}}};
  Index index;
  index.build(areas);
  const double xy[] = {NAN, 5, 5, NAN, INFINITY, 5, 5, -INFINITY, 1e308, 5, -1e308, 5, 5, 5};
  std::int64_t out[7];
  index.locate_batch(xy, out, 7);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(out[i], -1) << i;
  EXPECT_EQ(out[6], 0);
}

TEST(Membership, SquaresFarApartKeepTheGridBounded) {
  // Two unit squares 1e30 m apart: the cell count used to overflow (float -> int cast).
  Areas areas{{{box(0, 0, 1, 1)}}, {{box(1e30, 0, 1e30 + 1e15, 1e15)}}};
  Index index;
  index.build(areas);
  auto st = index.stats();
  EXPECT_TRUE(st.grid);
  EXPECT_LE(static_cast<std::size_t>(st.nx * st.ny), Index::Limits{}.max_top_cells);
  EXPECT_LT(st.bytes, std::size_t{64} << 20);
  std::vector<XY> q{
      {0.5, 0.5},          {1, 0.5},     {0, 0.5},         {0.5, 1},   {0.5, 0}, {2, 0.5},
      {1e30 + 5e14, 5e14}, {1e30, 5e14}, {1e30 - 1, 5e14}, {5e29, 0.5}};
  expect_matches_oracle(areas, index, q, "far squares");
  EXPECT_EQ(index.locate(0.5, 0.5), 0);
  EXPECT_EQ(index.locate(1e30 + 5e14, 5e14), 1);
  // The reported input: unit squares at 0 and 1e30 (1e30 + 1 rounds to 1e30: zero width).
  // The previous index asked for ~6e16 cells and threw std::bad_alloc.
  Areas unit{{{box(0, 0, 1, 1)}}, {{box(1e30, 0, 1e30 + 1, 1)}}};
  Index u;
  u.build(unit);
  EXPECT_TRUE(u.stats().grid);
  EXPECT_LT(u.stats().bytes, std::size_t{64} << 20);
  expect_matches_oracle(unit, u, {{0.5, 0.5}, {1e30, 0.5}, {1, 1}, {0, 0}, {7e29, 0.5}}, "unit");
  EXPECT_EQ(u.locate(0.5, 0.5), 0);
}

TEST(Membership, HugeCoordinatesFallBackToPerAreaTests) {
  // Crossing products of coordinates near 1e300 overflow: no grid, same answers.
  Areas areas{{{box(-1e300, -1e300, 0, 0)}}, {{box(1e299, 1e299, 2e299, 2e299)}}};
  Index index;
  index.build(areas);
  EXPECT_FALSE(index.stats().grid);
  EXPECT_EQ(index.locate(-1, -1), 0);
  EXPECT_EQ(index.locate(1.5e299, 1.5e299), 1);
  EXPECT_EQ(index.locate(1, 1), -1);
  EXPECT_EQ(index.locate(NAN, 0), -1);
}

TEST(Membership, LongThinSliverStaysWithinMemoryLimits) {
  // 1 mm high, 80 km long, with a zig-zag top: the grid hits its cell and block limits.
  std::vector<XY> pts{{0, 0}, {80000, 0}};
  for (int k = 80; k >= 0; --k) pts.push_back({k * 1000.0, (k % 2) ? 0.001 : 0.0005});
  Areas areas{{{closed(pts)}}};
  Index index;
  index.build(areas);
  auto st = index.stats();
  EXPECT_TRUE(st.grid);
  EXPECT_LE(static_cast<std::size_t>(st.nx * st.ny), Index::Limits{}.max_top_cells);
  EXPECT_LE(st.blocks, Index::Limits{}.max_blocks);
  EXPECT_LT(st.bytes, std::size_t{64} << 20);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> ux(-10, 80010), uy(-0.0002, 0.0012);
  std::vector<XY> q;
  for (int i = 0; i < 50000; ++i) q.push_back({ux(rng), uy(rng)});
  for (int k = 0; k <= 80; ++k) q.push_back({k * 1000.0, 0.0004});
  expect_matches_oracle(areas, index, q, "sliver");
  EXPECT_EQ(index.locate(500.0, 0.0002), 0);
}

TEST(Membership, LeafListsOverTheLimitFallBackToPerAreaTests) {
  std::mt19937_64 rng(5);
  Areas areas = random_areas(rng, 20, 1.0, 0.0, 0.0);
  std::vector<XY> q = queries(rng, areas, 1.0, 0.0, 0.0);
  Index index;
  index.build(areas, Index::Limits{1 << 18, 1 << 16, 100});
  EXPECT_FALSE(index.stats().grid);
  EXPECT_EQ(index.stats().leaves, 0u);
  expect_matches_oracle(areas, index, q, "leaf budget exceeded");
}

TEST(Membership, OverlapsGoToTheLowestIndexWhateverTheGrid) {
  std::mt19937_64 rng(11);
  Areas areas;
  for (int i = 0; i < 30; ++i) areas.push_back({{lattice_star(rng, 20, 20, 6 + i % 15, 9)}});
  std::vector<XY> q = queries(rng, areas, 1.0, 0.0, 0.0);
  for (auto lim : {Index::Limits{}, Index::Limits{16, 2, 1 << 26}}) {
    Index index;
    index.build(areas, lim);
    expect_matches_oracle(areas, index, q, "overlaps");
  }
}
