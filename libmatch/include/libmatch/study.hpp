#pragma once
// Location-study kernels: the geometric parts of the brief location study (beknopte
// locatiestudie) that are not area membership or travel. Coordinates are projected metres in
// one working CRS. The orchestration (layers, advisors, summary) is in Python
// (libmatch.location_study), built on AreaSet::locate/nearest and TravelModel::pairs.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "libmatch/export.hpp"

namespace libmatch {

/// Pairs of points of different groups (e.g. business locations of different requests)
/// within a distance tolerance.
struct ClosePairs {
  std::vector<std::int64_t> a;  ///< point index, a < b
  std::vector<std::int64_t> b;
  std::vector<double> distance_m;
};

/// All pairs (a < b) of points with group[a] != group[b] and distance <= tolerance_m,
/// sorted by a, then b. Points with a non-finite coordinate take part in no pair.
/// `xy` holds n points as x0,y0,...; `group` has n labels. Grid hash with cells of the
/// tolerance: expected O(n + pairs). Throws InvalidInput (sizes, tolerance not finite > 0).
LIBMATCH_EXPORT ClosePairs close_pairs(std::span<const double> xy,
                                       std::span<const std::int64_t> group, double tolerance_m);

/// Per point, the nearest point of another group within tolerance_m: its index (-1 when
/// none) and distance (NaN when none). Ties go to the lower index. threads <= 0: all cores;
/// the result does not depend on the thread count. Throws InvalidInput like close_pairs.
LIBMATCH_EXPORT void nearest_other_group(std::span<const double> xy,
                                         std::span<const std::int64_t> group, double tolerance_m,
                                         std::span<std::int64_t> index,
                                         std::span<double> distance_m, int threads = 0);

/// True when two CRS definitions ("EPSG:28992", WKT, PROJ strings) denote the same CRS.
/// Throws CrsError when one cannot be parsed.
LIBMATCH_EXPORT bool same_crs(const std::string& a, const std::string& b);

}  // namespace libmatch
