// Location-study kernels against brute force: close points of different groups.
#include "libmatch/study.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include "libmatch/error.hpp"

using namespace libmatch;

namespace {

struct Points {
  std::vector<double> xy;
  std::vector<std::int64_t> group;
};

// Clustered points (many near-duplicates), a few groups with several points each.
Points clustered(int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> centre(0, 5000), jitter(-30, 30);
  std::uniform_int_distribution<int> grp(0, n / 3);
  Points p;
  for (int i = 0; i < n; ++i) {
    if (i > 0 && rng() % 3 == 0) {  // near an earlier point
      const int j = static_cast<int>(rng() % i);
      p.xy.insert(p.xy.end(), {p.xy[2 * j] + jitter(rng), p.xy[2 * j + 1] + jitter(rng)});
    } else {
      p.xy.insert(p.xy.end(), {centre(rng), centre(rng)});
    }
    p.group.push_back(grp(rng));
  }
  p.xy[2 * 5] = std::nan("");  // one unusable point
  return p;
}

}  // namespace

TEST(StudyClosePairs, MatchBruteForce) {
  for (unsigned seed : {1u, 2u, 3u}) {
    Points p = clustered(700, seed);
    const std::int64_t n = static_cast<std::int64_t>(p.group.size());
    for (double tol : {10.0, 25.0}) {
      ClosePairs cp = close_pairs(p.xy, p.group, tol);
      std::vector<std::tuple<std::int64_t, std::int64_t, double>> ref;
      for (std::int64_t a = 0; a < n; ++a)
        for (std::int64_t b = a + 1; b < n; ++b) {
          const double dx = p.xy[2 * b] - p.xy[2 * a], dy = p.xy[2 * b + 1] - p.xy[2 * a + 1];
          const double d2 = dx * dx + dy * dy;
          if (p.group[a] != p.group[b] && d2 <= tol * tol) ref.emplace_back(a, b, std::sqrt(d2));
        }
      ASSERT_EQ(cp.a.size(), ref.size());
      ASSERT_GT(ref.size(), 10u);
      for (std::size_t k = 0; k < ref.size(); ++k) {
        EXPECT_EQ(cp.a[k], std::get<0>(ref[k]));
        EXPECT_EQ(cp.b[k], std::get<1>(ref[k]));
        EXPECT_EQ(cp.distance_m[k], std::get<2>(ref[k]));
      }
    }
  }
}

TEST(StudyClosePairs, NearestOtherGroupMatchesBruteForceAnyThreads) {
  Points p = clustered(900, 9);
  const std::int64_t n = static_cast<std::int64_t>(p.group.size());
  std::vector<std::int64_t> idx1(n), idx4(n);
  std::vector<double> d1(n), d4(n);
  nearest_other_group(p.xy, p.group, 20.0, idx1, d1, 1);
  nearest_other_group(p.xy, p.group, 20.0, idx4, d4, 4);
  EXPECT_EQ(idx1, idx4);
  std::int64_t found = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t best = -1;
    double best_d2 = 400.0;
    for (std::int64_t j = 0; j < n; ++j) {
      if (p.group[j] == p.group[i] || !std::isfinite(p.xy[2 * i]) || !std::isfinite(p.xy[2 * j]))
        continue;
      const double dx = p.xy[2 * j] - p.xy[2 * i], dy = p.xy[2 * j + 1] - p.xy[2 * i + 1];
      const double d2 = dx * dx + dy * dy;
      if (d2 < best_d2 || (d2 == best_d2 && best < 0)) {
        best = j;
        best_d2 = d2;
      }
    }
    EXPECT_EQ(idx1[i], best) << "point " << i;
    if (best >= 0) {
      ++found;
      EXPECT_EQ(d1[i], std::sqrt(best_d2));
    } else {
      EXPECT_TRUE(std::isnan(d1[i]));
    }
  }
  EXPECT_GT(found, 20);
}

TEST(StudyClosePairs, SameGroupNeverPairsAndBadInput) {
  std::vector<double> xy{0, 0, 1, 0, 2, 0};
  std::vector<std::int64_t> same{7, 7, 7}, two{1, 1, 2};
  EXPECT_TRUE(close_pairs(xy, same, 10).a.empty());
  ClosePairs cp = close_pairs(xy, two, 1.5);
  ASSERT_EQ(cp.a.size(), 1u);  // (1, 2); 0-2 is 2 m apart
  EXPECT_EQ(cp.a[0], 1);
  EXPECT_EQ(cp.b[0], 2);
  EXPECT_TRUE(close_pairs({}, {}, 5).a.empty());
  EXPECT_THROW(close_pairs(xy, std::vector<std::int64_t>{1, 2}, 5), InvalidInput);
  EXPECT_THROW(close_pairs(xy, two, 0), InvalidInput);
  EXPECT_THROW(close_pairs(xy, two, std::nan("")), InvalidInput);
  std::vector<std::int64_t> idx(2);
  std::vector<double> d(3);
  EXPECT_THROW(nearest_other_group(xy, two, 5, idx, d), InvalidInput);
}

TEST(StudyCrs, SameCrs) {
  EXPECT_TRUE(same_crs("EPSG:28992", "EPSG:28992"));
  EXPECT_FALSE(same_crs("EPSG:28992", "EPSG:4326"));
  EXPECT_THROW(same_crs("EPSG:28992", "not a crs"), CrsError);
}
