#pragma once
// Private state of an AreaSet and its membership index.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "libmatch/areas.hpp"

namespace libmatch::detail {

/// Exact point-in-area tests with the half-open crossing rule of areas.hpp.
///
/// Structure: a two-level grid. A top cell is uniform (one answer: an area or -1), a leaf,
/// or an 8 x 8 block of sub-cells, each uniform or a leaf. Most points end at a uniform
/// cell with no edge test. A leaf lists, per candidate area in index order, the edges that
/// touch the cell plus "pseudo edges" (y-intervals) standing for the crossings of that area's
/// other edges east of the cell, so a leaf query tests only a handful of edges and still
/// evaluates exactly the global crossing rule (see areas_index_build.cpp for the argument).
/// Memory is bounded (Limits); geometry whose coordinates could overflow the crossing
/// products, or whose leaf lists would not fit the limit, falls back to per-area y-band tests.
// Exported (like the public API) only so that the GoogleTest suite can test the index
// directly against a shared build; not part of the installed API.
class LIBMATCH_EXPORT MembershipIndex {
 public:
  struct Limits {
    std::size_t max_top_cells = std::size_t{1} << 18;   ///< 1 MiB of top-level cells
    std::size_t max_blocks = std::size_t{1} << 16;      ///< 16 MiB of 8 x 8 sub-blocks
    std::size_t max_leaf_words = std::size_t{1} << 26;  ///< 256 MiB of leaf lists, else no grid
  };
  struct Stats {
    bool grid = false;  ///< false: per-area fallback (no edges, extreme coordinates, or a
                        ///< grid whose leaf lists would exceed Limits::max_leaf_words)
    std::int64_t nx = 0, ny = 0;
    std::size_t blocks = 0, leaves = 0, pool_edges = 0;
    std::size_t bytes = 0;  ///< approximate heap size of the index
  };

  void build(const std::vector<std::vector<PolygonRings>>& areas) { build(areas, Limits{}); }
  /// Rings must be closed (first == last) with finite coordinates.
  void build(const std::vector<std::vector<PolygonRings>>& areas, const Limits& limits);
  /// Area index containing (x, y), or -1. Non-finite input gives -1.
  std::int64_t locate(double x, double y) const;
  /// locate() for n points stored x0, y0, x1, y1, ...
  void locate_batch(const double* xy, std::int64_t* out, std::size_t n) const;
  /// Crossing-parity test against one area only.
  bool contains(std::size_t area, double x, double y) const;
  Stats stats() const;

  /// Half-open crossing operands: counts when y0 <= y < y1 and dx*(y-y0) > (x-x0)*dy.
  /// Real edges are canonical (y0 < y1, dx = x1 - x0, dy = y1 - y0); a pseudo edge
  /// (x0 = -inf, dx = 0, dy = -1) counts for every finite x with y in [y0, y1).
  struct Edge {
    double y0, y1, x0, dx, dy;
  };

 private:
  struct AreaEdges {  // y-banded edges of one area, for contains()
    double ymin = 0, ymax = 0, band_h = 1;
    std::int32_t n_bands = 0;
    std::vector<std::uint32_t> band_offset;  // n_bands + 1
    std::vector<std::uint32_t> band_edge;    // indices into edges
    std::vector<Edge> edges;
    double bx0 = 0, by0 = 0, bx1 = 0, by1 = 0;  // bounding box of all vertices
  };
  friend struct IndexBuilder;

  std::int64_t locate_fallback(double x, double y) const;
  std::int64_t locate_leaf(std::uint32_t offset, double x, double y) const;
  std::int32_t sub_word(std::int32_t top, std::uint32_t ix, std::uint32_t iy) const;

  std::vector<AreaEdges> areas_;
  // Grid in sub-cell units: sub-cell (ix, iy) covers [gx0 + ix*sw, gx0 + (ix+1)*sw) x ...;
  // top cell (ix >> 3, iy >> 3). Words >= -1 are answers; top words <= -2 encode
  // v = -2 - word: v >> 1 is a block (v & 1 == 0) or a leaf offset; sub words <= -2 hold
  // the leaf offset -2 - word into leaf_data_. top_ ends with a sentinel -1 (outside).
  double gx0_ = 0, gy0_ = 0, inv_sw_ = 1, inv_sh_ = 1, sw_ = 1, sh_ = 1;
  double fx_max_ = 0, fy_max_ = 0;
  std::int64_t nx_ = 0, ny_ = 0;  // top cells; nx_ == 0: no grid (fallback)
  std::vector<std::int32_t> top_;
  std::vector<std::int32_t> sub_;         // 64 words per block, row-major
  std::vector<std::uint32_t> leaf_data_;  // per leaf: n_items, then (area << 1 | full, n, refs)
  std::size_t n_leaves_ = 0;
  std::vector<Edge> pool_;  // edges and pseudo edges referenced by leaves
};

}  // namespace libmatch::detail

namespace libmatch {

struct AreaSet::Impl {
  std::string crs = "EPSG:28992";
  std::vector<std::string> ids;
  std::unordered_map<std::string, std::int64_t> index_of;
  std::vector<std::vector<PolygonRings>> polygons;
  std::vector<AreaStats> stats;
  detail::MembershipIndex membership;
  struct NearestIndex;
  std::shared_ptr<NearestIndex> nearest;  // segment R-tree, built on construction

  /// Validates ids, closes rings, computes stats and builds the indexes.
  static std::shared_ptr<const Impl> make(std::vector<std::vector<PolygonRings>> polygons,
                                          std::vector<std::string> ids, std::string crs,
                                          const std::string& source);
};

}  // namespace libmatch
