// Location-study kernels: close points of different groups (duplicate locations) and CRS
// comparison.
#include "libmatch/study.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "io.hpp"
#include "libmatch/error.hpp"
#include "travel_internal.hpp"

namespace libmatch {

namespace {

/// Points sorted by grid cell (cell size = tolerance) for neighbour look-ups.
struct PointGrid {
  struct Item {
    std::int64_t cx, cy, i;
    bool operator<(const Item& o) const { return std::tie(cx, cy, i) < std::tie(o.cx, o.cy, o.i); }
  };
  std::vector<Item> items;
  double tol;

  PointGrid(std::span<const double> xy, double tolerance) : tol(tolerance) {
    const std::int64_t n = static_cast<std::int64_t>(xy.size() / 2);
    items.reserve(n);
    for (std::int64_t i = 0; i < n; ++i) {
      const double x = xy[2 * i], y = xy[2 * i + 1];
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      items.push_back({detail::floor_to_i64(x / tol), detail::floor_to_i64(y / tol), i});
    }
    std::sort(items.begin(), items.end());
  }

  /// Calls fn(j) for every point in the 3 x 3 cells around (x, y).
  template <class Fn>
  void around(double x, double y, Fn&& fn) const {
    const std::int64_t cx = detail::floor_to_i64(x / tol), cy = detail::floor_to_i64(y / tol);
    for (std::int64_t dx = -1; dx <= 1; ++dx) {
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        const Item lo{cx + dx, cy + dy, std::numeric_limits<std::int64_t>::min()};
        for (auto it = std::lower_bound(items.begin(), items.end(), lo);
             it != items.end() && it->cx == cx + dx && it->cy == cy + dy; ++it) {
          fn(it->i);
        }
      }
    }
  }
};

void check_inputs(std::span<const double> xy, std::span<const std::int64_t> group, double tol) {
  detail::check_xy(xy, "point");
  if (group.size() != xy.size() / 2) {
    throw InvalidInput("group must have one label per point (" + std::to_string(xy.size() / 2) +
                       "), got " + std::to_string(group.size()));
  }
  if (!(std::isfinite(tol) && tol > 0)) {
    throw InvalidInput("tolerance_m must be a finite number > 0 (got " +
                       detail::format_number(tol) + ")");
  }
}

}  // namespace

ClosePairs close_pairs(std::span<const double> xy, std::span<const std::int64_t> group,
                       double tolerance_m) {
  check_inputs(xy, group, tolerance_m);
  PointGrid grid(xy, tolerance_m);
  const double tol2 = tolerance_m * tolerance_m;
  std::vector<std::tuple<std::int64_t, std::int64_t, double>> found;
  for (const auto& it : grid.items) {
    const std::int64_t a = it.i;
    const double x = xy[2 * a], y = xy[2 * a + 1];
    grid.around(x, y, [&](std::int64_t b) {
      if (b <= a || group[a] == group[b]) return;
      const double dx = xy[2 * b] - x, dy = xy[2 * b + 1] - y;
      const double d2 = dx * dx + dy * dy;
      if (d2 <= tol2) found.emplace_back(a, b, std::sqrt(d2));
    });
  }
  std::sort(found.begin(), found.end());
  ClosePairs out;
  for (const auto& [a, b, d] : found) {
    out.a.push_back(a);
    out.b.push_back(b);
    out.distance_m.push_back(d);
  }
  return out;
}

void nearest_other_group(std::span<const double> xy, std::span<const std::int64_t> group,
                         double tolerance_m, std::span<std::int64_t> index,
                         std::span<double> distance_m, int threads) {
  check_inputs(xy, group, tolerance_m);
  const std::int64_t n = static_cast<std::int64_t>(xy.size() / 2);
  if (static_cast<std::int64_t>(index.size()) != n ||
      static_cast<std::int64_t>(distance_m.size()) != n) {
    throw InvalidInput("output spans must have one entry per point");
  }
  PointGrid grid(xy, tolerance_m);
  const double tol2 = tolerance_m * tolerance_m;
  detail::parallel_for(n, threads, 4096, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      const double x = xy[2 * i], y = xy[2 * i + 1];
      std::int64_t best = -1;
      double best_d2 = std::numeric_limits<double>::infinity();
      if (std::isfinite(x) && std::isfinite(y)) {
        grid.around(x, y, [&](std::int64_t j) {
          if (group[j] == group[i]) return;
          const double dx = xy[2 * j] - x, dy = xy[2 * j + 1] - y;
          const double d2 = dx * dx + dy * dy;
          if (d2 <= tol2 && (d2 < best_d2 || (d2 == best_d2 && j < best))) {
            best = j;
            best_d2 = d2;
          }
        });
      }
      index[i] = best;
      distance_m[i] = best < 0 ? std::numeric_limits<double>::quiet_NaN() : std::sqrt(best_d2);
    }
  });
}

bool same_crs(const std::string& a, const std::string& b) {
  OGRSpatialReference sa = detail::parse_crs(a, "crs '" + a + "'");
  OGRSpatialReference sb = detail::parse_crs(b, "crs '" + b + "'");
  return sa.IsSame(&sb);
}

}  // namespace libmatch
