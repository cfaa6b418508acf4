#pragma once
// Private parts of the travel models: the road graph's storage, the segment grid used for
// snapping. Not installed. (Threads: parallel.hpp.)
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "format.hpp"
#include "libmatch/travel.hpp"
#include "parallel.hpp"

namespace libmatch::detail {

inline std::int64_t floor_to_i64(double v) {
  constexpr double lim = 4.0e18;
  if (!(v > -lim)) return static_cast<std::int64_t>(-lim);
  if (!(v < lim)) return static_cast<std::int64_t>(lim);
  return static_cast<std::int64_t>(std::floor(v));
}

/// A straight piece of a road edge's geometry.
struct Segment {
  double ax, ay, bx, by;
  double along0;  ///< distance from the edge's first node to (ax, ay)
  std::int64_t edge;
};

/// Uniform grid over segments for nearest-segment queries. Each segment is listed in every
/// cell its path crosses (a superset); per cell, segment ids ascend.
class SegmentGrid {
 public:
  void build(const std::vector<Segment>& segments);
  /// Nearest segment to (px, py) within max_d (inclusive): index or -1; fills d2 (squared
  /// distance) and t (position on the segment, 0..1). Ties: the lowest segment index.
  std::int64_t nearest(const std::vector<Segment>& segments, double px, double py, double max_d,
                       double& d2, double& t) const;

 private:
  double x0_ = 0, y0_ = 0, cell_ = 1;
  std::int64_t nx_ = 0, ny_ = 0;
  std::vector<std::int64_t> offsets_;  // nx*ny + 1
  std::vector<std::uint32_t> items_;
};

/// A directed arc of the CSR graph: the 16 bytes every relaxation reads (one cache line
/// holds a typical node's four arcs). Its length sits in a parallel array, read only when
/// the arc improves a label.
struct Arc {
  double minutes;
  std::uint32_t head;
  std::uint32_t pad = 0;
};

/// One polyline with its speed, before noding (working CRS).
struct LineInput {
  std::vector<std::int64_t> offsets{0};  ///< n_lines + 1
  std::vector<double> xy;
  std::vector<double> speed_kmh;
  std::vector<OneWay> oneway;
  std::vector<std::int64_t> fid;  ///< feature id per line, for messages (may be empty)
  std::string what;               ///< "layer 'roads' of 'x.gpkg'", for messages
};

/// True when `crs` names a projected CRS (throws CrsError when it cannot be parsed).
void require_projected_crs(const std::string& crs);

/// Largest |x| or |y| accepted for road geometry, in metres: far beyond any projected CRS on
/// Earth (about 2e7 m), small enough that extents, squared distances and grid cell counts
/// stay finite and exact enough.
inline constexpr double kMaxCoordinateM = 1e10;

/// Throws GeometryError naming `what` unless x and y are finite with |x|,|y| <= kMaxCoordinateM.
void check_coordinate(double x, double y, const std::string& what);

/// Throws InvalidInput unless the span holds x,y pairs.
void check_xy(std::span<const double> xy, const char* what);
/// Throws InvalidInput unless v >= 0 (infinity allowed).
void check_limit(double v, const char* what);

}  // namespace libmatch::detail

namespace libmatch {

struct RoadNetwork::Impl {
  RoadNetworkOptions options;
  std::string source;  ///< for describe()
  std::int64_t skipped = 0;

  std::vector<double> node_xy;
  std::vector<std::int64_t> edge_from, edge_to;
  std::vector<double> edge_length_m, edge_speed_kmh, edge_minutes;
  std::vector<double> edge_geom_m;  ///< length of the edge's geometry (= length_m unless given)
  std::vector<OneWay> edge_oneway;

  std::vector<detail::Segment> segments;
  detail::SegmentGrid grid;

  /// Search order of the nodes: internal id of a caller's node id and back (both empty
  /// when they are the same). offsets/arcs/scc use internal ids; everything else (node_xy,
  /// edge_from/to) the caller's.
  std::vector<std::uint32_t> to_internal, to_user;
  std::uint32_t internal(std::int64_t node) const {
    return to_internal.empty() ? static_cast<std::uint32_t>(node) : to_internal[node];
  }
  std::int64_t user(std::uint32_t node) const { return to_user.empty() ? node : to_user[node]; }

  std::vector<std::int64_t> offsets;  ///< CSR (internal ids), node_count + 1
  std::vector<detail::Arc> arcs;
  std::vector<double> arc_km;  ///< parallel to arcs
  double min_speed_kmh = 0;    ///< slowest edge or snap speed (for the km bound)

  std::int64_t n_weak = 0;  ///< weakly connected components
  // Strongly connected components and their condensation (a DAG), for exact reachability.
  std::vector<std::uint32_t> scc;
  std::int64_t n_scc = 0;
  std::vector<std::int64_t> dag_offsets;
  std::vector<std::uint32_t> dag_head;

  /// Builds segments, grid, CSR and components from the filled node/edge arrays plus each
  /// edge's polyline (CSR `poly_offsets` into `poly_xy`, first/last = the end nodes).
  void finish(const std::vector<std::int64_t>& poly_offsets, const std::vector<double>& poly_xy);

  static std::shared_ptr<const Impl> build_from_lines(detail::LineInput lines,
                                                      const RoadNetworkOptions& options,
                                                      std::int64_t skipped, std::string source);
};

}  // namespace libmatch
