#pragma once
// Private state of an AreaSet and its membership index.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "libmatch/areas.hpp"

namespace libmatch::detail {

/// Exact point-in-area tests with a half-open crossing rule (see areas.hpp), accelerated by
/// a uniform grid whose cells are either fully inside one area or list candidate areas,
/// and per-area horizontal bands of edges.
class MembershipIndex {
 public:
  void build(const std::vector<std::vector<PolygonRings>>& areas);
  /// Area index containing (x, y), or -1. Non-finite input gives -1.
  std::int64_t locate(double x, double y) const;
  /// Crossing-parity test against one area only.
  bool contains(std::size_t area, double x, double y) const;

 private:
  struct Edge {  // canonical: y0 <= y1 (lower endpoint first)
    double x0, y0, x1, y1;
  };
  struct AreaEdges {
    double ymin = 0, band_h = 1;
    std::int32_t n_bands = 0;
    std::vector<std::uint32_t> band_offset;  // n_bands + 1
    std::vector<std::uint32_t> band_edge;    // indices into edges
    std::vector<Edge> edges;
  };
  // Phases of build().
  static void band_edges(AreaEdges& a, const std::vector<PolygonRings>& parts,
                         std::array<double, 4>& bbox);
  std::int64_t cell_x(double x) const;
  std::int64_t cell_y(double y) const;
  void area_cells(std::size_t i, const std::vector<PolygonRings>& parts,
                  const std::array<double, 4>& bbox,
                  std::vector<std::pair<std::uint32_t, std::uint32_t>>& entries,
                  std::vector<std::uint8_t>& marked) const;

  std::vector<AreaEdges> areas_;
  // Grid: entries per cell in CSR, each entry = area index << 1 | full flag; sorted by area.
  double gx0_ = 0, gy0_ = 0, cell_ = 1, inv_cell_ = 1;
  std::int64_t nx_ = 0, ny_ = 0;
  std::vector<std::uint32_t> cell_offset_;
  std::vector<std::uint32_t> cell_entry_;
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
