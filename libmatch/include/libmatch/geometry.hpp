#pragma once
// Plain geometry types shared by every module: points and polygon rings in a projected
// working CRS (metres; default EPSG:28992). No behaviour, no dependencies.
#include <vector>

namespace libmatch {

/// A point in the working CRS, metres (EPSG:4326 inputs are lon = x, lat = y).
struct XY {
  double x = 0.0;
  double y = 0.0;
};

/// A ring is a closed sequence of vertices (first == last is not required).
using Ring = std::vector<XY>;
/// A polygon part: outer ring first, then its holes.
using PolygonRings = std::vector<Ring>;

}  // namespace libmatch
