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
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "format.hpp"
#include "libmatch/travel.hpp"
#include "parallel.hpp"

namespace libmatch::detail {
struct Hierarchy;

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
  std::uint64_t ticks;  ///< travel time in ticks (RoadNetwork::Impl::tick_exp)
  std::uint32_t head;
  std::uint32_t pad = 0;
};

/// A path's cost as one number: ticks in the high 64 bits, km units in the low ones, so that
/// adding costs adds both parts and comparing them is "faster, then shorter" (both parts stay
/// below 2^53, no carry between them). Integer: sums do not depend on their order.
__extension__ typedef unsigned __int128 Cost;
constexpr Cost kCostInf = Cost{1} << 126;  ///< unreachable; kCostInf + any arc >= kCostInf
inline Cost make_cost(std::uint64_t ticks, std::uint64_t units) {
  return (Cost{ticks} << 64) | units;
}
inline std::uint64_t cost_ticks(Cost c) { return static_cast<std::uint64_t>(c >> 64); }
inline std::uint64_t cost_units(Cost c) { return static_cast<std::uint64_t>(c); }

/// An arc of the contraction hierarchy (an original arc or a shortcut): the other end and
/// the cost. 24 bytes.
struct ChArc {
  std::uint64_t ticks, units;
  std::uint32_t node;
  std::uint32_t pad = 0;
  Cost cost() const { return make_cost(ticks, units); }
};

/// A contraction hierarchy over the internal node ids of a RoadNetwork (road_network_ch.cpp).
/// rank: contraction order (0 first), by internal node id. up: per node x, arcs x -> y
/// with rank[y] > rank[x]; down: per node y, arcs x -> y with rank[x] > rank[y] (`node` =
/// x). Every shortest path (lexicographic on ticks, then km units) is an up part followed by
/// a down part. Built and saved by internal node id; finish_hierarchy renumbers up and down
/// (their lists and `node`) by sweep position, so that the upward searches, whose nodes are
/// mostly high in the hierarchy, read a compact block at the front of the arrays, and the
/// down arcs are at once the sweep's (tails before heads).
struct Hierarchy {
  std::vector<std::uint32_t> rank;
  std::vector<std::int64_t> up_offsets, down_offsets;  // node_count + 1 each
  std::vector<ChArc> up, down;
  /// Derived (finish_hierarchy): the order the down sweep visits nodes in (position ->
  /// internal id) and its inverse. Nodes by descending level (level 0: no lower neighbour;
  /// otherwise 1 + the highest level among lower neighbours), then by internal id, so that
  /// each level is laid out spatially.
  std::vector<std::uint32_t> sweep_order, position;
  std::int64_t shortcuts = 0;
  double seconds = 0;                ///< preparation wall time
  std::uint64_t graph_checksum = 0;  ///< of the arcs it was built on (stale check)
  /// Per-thread scratch of pairs() (road_network_route.cpp: ChSpace, 128 bytes (packed
  /// labels) or 256 (wide) per node of the destinations' cone and per destination, per
  /// thread), kept for the next call.
  mutable std::mutex scratch_mu;
  mutable std::vector<std::shared_ptr<void>> scratch;
};

/// Checks that rank is a permutation and that up / down arcs (by internal id) lead to
/// higher-ranked nodes (returns false otherwise), then fills sweep_order and position and
/// renumbers up and down by position. O(n + arcs).
bool finish_hierarchy(Hierarchy& h);
/// up (or down) by internal node id again, as saved: each node's list in its original order.
void internal_arcs(const Hierarchy& h, bool up, std::vector<std::int64_t>& offsets,
                   std::vector<ChArc>& arcs);

/// Checksum of a network's search graph (CSR, ticks and units): a saved hierarchy belongs
/// to a graph only when this matches.
std::uint64_t graph_checksum(const RoadNetwork::Impl& g);
/// Builds the hierarchy of g's search graph; deterministic whatever `threads`.
std::shared_ptr<const Hierarchy> build_hierarchy(const RoadNetwork::Impl& g, int threads);

/// Up to this many candidate pairs (origins x destinations), a prepared network's pairs()
/// without limits writes rows straight into the result columns (allocated for every
/// candidate pair, then compacted); with limits or above it, into per-origin row lists
/// first. Default 2^24 (~0.5 GB of columns).
/// A variable so that tests can take both paths.
extern LIBMATCH_EXPORT double hierarchy_direct_pairs;
/// Down sweeps run by pairs() on a hierarchy so far: [0] packed, [1] wide (for tests).
extern LIBMATCH_EXPORT std::atomic<std::int64_t> hierarchy_sweeps[2];
/// true: the sweep runs its portable build even where the CPU has AVX2 (for tests; set it
/// only while no pairs() call runs).
extern LIBMATCH_EXPORT bool hierarchy_generic_sweep;

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
  std::int64_t turn_restrictions = 0;  ///< OSM restriction relations seen (not applied)

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
  std::vector<std::uint64_t> arc_units;  ///< km units, parallel to arcs
  /// Exact integer times and lengths: 1 tick = 2^-tick_exp minutes, 1 unit = 2^-unit_exp km,
  /// chosen per network so that the sum over all arcs stays below 2^52 (so every path's
  /// ticks and units convert to double exactly). Each arc and edge part is rounded once.
  int tick_exp = 40, unit_exp = 40;
  std::uint64_t to_ticks(double minutes) const {
    return static_cast<std::uint64_t>(std::llround(std::ldexp(minutes, tick_exp)));
  }
  std::uint64_t to_units(double km) const {
    return static_cast<std::uint64_t>(std::llround(std::ldexp(km, unit_exp)));
  }
  // Multiplying by a power of two is exact, as ldexp would be (ticks < 2^53: exact double).
  double minutes_of(std::uint64_t ticks) const {
    return static_cast<double>(ticks) * minutes_per_tick;
  }
  double km_of(std::uint64_t units) const { return static_cast<double>(units) * km_per_unit; }
  double minutes_per_tick = 0x1p-40, km_per_unit = 0x1p-40;  ///< 2^-tick_exp, 2^-unit_exp
  double min_speed_kmh = 0;  ///< slowest edge or snap speed (for the km bound)

  std::int64_t n_weak = 0;  ///< weakly connected components
  // Strongly connected components and their condensation (a DAG), for exact reachability.
  std::vector<std::uint32_t> scc;
  std::int64_t n_scc = 0;
  std::vector<std::int64_t> dag_offsets;
  std::vector<std::uint32_t> dag_head;

  /// Builds segments, grid, CSR and components from the filled node/edge arrays plus each
  /// edge's polyline (CSR `poly_offsets` into `poly_xy`, first/last = the end nodes).
  void finish(const std::vector<std::int64_t>& poly_offsets, const std::vector<double>& poly_xy);
  // Phases of finish().
  void build_segments(const std::vector<std::int64_t>& poly_offsets,
                      const std::vector<double>& poly_xy);
  void choose_units();
  void build_internal_order();
  void build_arcs();
  void build_components();
  void build_scc();

  static std::shared_ptr<const Impl> build_from_lines(detail::LineInput lines,
                                                      const RoadNetworkOptions& options,
                                                      std::int64_t skipped, std::string source);
};

}  // namespace libmatch
