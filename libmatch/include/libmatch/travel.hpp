#pragma once
// Travel models: how long an advisor needs from a base to a business location.
// Coordinates are projected metres in the working CRS; times in minutes, distances in km.
//
// Two models share one interface (TravelModel::pairs):
// - StraightLine: euclidean distance x detour factor at a constant speed.
// - RoadNetwork: shortest travel time over a road graph read from any GDAL line layer
//   (GeoPackage, Shapefile, GeoJSON, OpenStreetMap .osm/.osm.pbf via GDAL's OSM driver).
//
// Every model is immutable after construction and safe to use from several threads.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "libmatch/export.hpp"

namespace libmatch {

namespace detail {
struct Hierarchy;
}

/// Sparse many-to-many result: only (origin, destination) pairs within the limits.
/// Sorted by origin, then destination. Unreachable pairs are absent.
struct TravelPairs {
  std::vector<std::int64_t> origin;
  std::vector<std::int64_t> destination;
  std::vector<double> minutes;
  std::vector<double> km;
  /// Points that could not be placed on the model (e.g. beyond the road snap distance):
  /// indices into the origin / destination inputs; such points have no pairs.
  std::vector<std::int64_t> unsnapped_origins;
  std::vector<std::int64_t> unsnapped_destinations;
  /// Number of (snapped origin, snapped destination) pairs with no connecting path.
  std::int64_t unreachable_pairs = 0;
};

class LIBMATCH_EXPORT TravelModel {
 public:
  virtual ~TravelModel() = default;
  /// Pairs within `max_minutes` and `max_km` (infinity = no limit), for n origins and m
  /// destinations given as x0,y0,x1,y1,... threads <= 0: all cores; results do not depend
  /// on the thread count.
  virtual TravelPairs pairs(std::span<const double> origins_xy,
                            std::span<const double> destinations_xy,
                            double max_minutes = std::numeric_limits<double>::infinity(),
                            double max_km = std::numeric_limits<double>::infinity(),
                            int threads = 0) const = 0;
  /// One-line description for reports, e.g. "straight line x1.3 at 60 km/h".
  virtual std::string describe() const = 0;
};

/// Straight-line distance times a detour factor, at a constant speed.
/// km = euclidean_m / 1000 * detour; minutes = km / speed_kmh * 60, with
/// euclidean_m = sqrt(dx*dx + dy*dy) (evaluated exactly in this order, no fused multiply-add).
/// A pair is kept when km <= max_km and minutes <= max_minutes.
/// Points with a non-finite coordinate are reported as unsnapped. Limits must be >= 0 (NaN
/// or negative: InvalidInput); an odd-length coordinate span is InvalidInput.
class LIBMATCH_EXPORT StraightLine final : public TravelModel {
 public:
  /// InvalidInput unless detour >= 1 (roads are never shorter) and speed_kmh > 0, both finite.
  explicit StraightLine(double detour = 1.3, double speed_kmh = 60.0);
  double detour() const { return detour_; }
  double speed_kmh() const { return speed_kmh_; }
  TravelPairs pairs(std::span<const double> origins_xy, std::span<const double> destinations_xy,
                    double max_minutes = std::numeric_limits<double>::infinity(),
                    double max_km = std::numeric_limits<double>::infinity(),
                    int threads = 0) const override;
  std::string describe() const override;

 private:
  double detour_;
  double speed_kmh_;
};

/// One-way convention per line, as in OpenStreetMap's `oneway` tag.
enum class OneWay : std::int8_t {
  Both = 0,     ///< two-way road
  Forward = 1,  ///< only along the digitised direction (OSM yes / 1 / true)
  Reverse = -1  ///< only against the digitised direction (OSM -1 / reverse)
};

/// How a road network is built and how points are placed on it.
struct LIBMATCH_EXPORT RoadNetworkOptions {
  // --- reading (RoadNetwork::from_file) ---
  /// Layer name; empty = the first layer, or "lines" for an OpenStreetMap source.
  std::string layer;
  /// Numeric speed field in km/h. Strings such as "50" or "30 mph" are parsed (mph converted);
  /// null or unparsable values (OSM "none", "signals") fall back to the class / default.
  /// An explicit value <= 0 or non-finite is an error naming the feature.
  std::string speed_field;
  /// Road-class field (e.g. OSM "highway"), mapped to km/h by `class_speeds`.
  std::string class_field;
  std::vector<std::pair<std::string, double>> class_speeds;  ///< class -> km/h, each > 0
  /// Classes whose features are left out (e.g. "footway"); "" stands for a null class.
  std::vector<std::string> skip_classes;
  /// Speed for features with no speed from the field or the class map; unset = such a
  /// feature is an error naming it (file, layer, feature id, class).
  std::optional<double> default_speed_kmh;
  /// One-way field: yes/1/true = Forward, -1/reverse = Reverse, anything else = Both
  /// (case-insensitive). For the fields above, a name missing from the layer is also looked
  /// up as a key of OSM's `other_tags` hstore column (e.g. "maxspeed", "oneway").
  std::string oneway_field;
  /// Working CRS (projected, metres) the lines are transformed to.
  std::string crs = "EPSG:28992";
  /// CRS to assume when the source declares none; empty = such a source is a CrsError.
  std::string source_crs;
  /// Line vertices closer than this (metres) become one node; 0 = exact coordinate match.
  /// Lines are connected only at shared (or snapped-together) vertices, never where they
  /// merely cross (bridges, tunnels).
  double node_tolerance_m = 0.1;

  // --- placing points (all models built from lines or edges) ---
  /// Points farther than this (metres) from every edge are reported as unsnapped.
  double snap_max_m = 500.0;
  /// Speed of the snap leg, the straight walk/drive from a point to its nearest edge (km/h).
  double snap_speed_kmh = 15.0;

  /// Car profile for OpenStreetMap's `lines` layer: class field "highway" with typical Dutch
  /// car speeds, "maxspeed" as speed field, "oneway" honoured, paths/footways/cycleways and
  /// non-road lines (null highway) skipped.
  static RoadNetworkOptions osm_car();
};

/// Where a point lies on a road network.
struct SnapResult {
  std::int64_t edge = -1;  ///< road edge index, -1 = beyond snap_max_m (or non-finite)
  double along_m = 0.0;    ///< distance from the edge's first node along its geometry
  double distance_m = std::numeric_limits<double>::quiet_NaN();  ///< point to edge distance
};

/// A road graph with travel times: nodes, road edges (polylines between nodes, each with a
/// speed and a one-way flag) and a compact CSR graph of directed arcs (parallel arcs reduced
/// to the fastest, then shortest). Arc minutes = length_m / 1000 / speed_kmh * 60.
///
/// Exact integer arithmetic: every arc's minutes and km are rounded once to integer ticks
/// of 2^-20 minutes (57 microseconds) and km units of 2^-20 km (under a millimetre), coarser
/// only where all arcs together would pass 2^52 of them, and paths add integers, so a path's
/// cost does not depend on the order of the additions. arc_minutes() / arc_km() return the
/// rounded values (a double sum of them is exact); an arc or edge part is within half a tick
/// (half a unit) of its float value.
///
/// Travel from point P to point Q: P and Q are snapped to their nearest edge (ties: lowest
/// edge index); minutes = P's snap leg at snap_speed_kmh + the part of P's edge to a node +
/// the network time + the part of Q's edge from a node + Q's snap leg; km likewise (snap legs
/// as straight metres). A point exactly on a node may leave/enter it in every direction; a
/// point on a one-way edge only in that edge's direction. The path chosen is the fastest in
/// ticks and, among equally fast paths, the shortest in km units (a unique pair of values,
/// so km is well defined and the same whatever the search method).
///
/// pairs() without prepare(): one shortest-path search per origin (Dijkstra over the CSR
/// graph with a radix heap, seeded at both ends of the origin's edge), origins spread over
/// threads; a search stops once it passes max_minutes (or the time beyond which every path is
/// longer than max_km at the network's slowest speed), or once every destination's edge ends
/// are final. Cost: about one full Dijkstra per origin when unlimited; memory per thread ~24
/// bytes/node.
///
/// pairs() after prepare() (a contraction hierarchy): the nodes the destinations are reached
/// from (their upward cone in the hierarchy) are selected once per call, laid out by level
/// (and spatially within a level); then per batch of 16 origins an upward search from each
/// origin (with stall-on-demand) and one linear sweep over the selection for all 16 at once
/// (RPHAST; 16 integer lanes, SIMD where the CPU has AVX2; the labels of the arcs' tails are
/// prefetched, and each destination takes its best label as soon as the sweep finishes its
/// node). A lane's label is one 64-bit integer (ticks and km units side by side) while both
/// stay below 2^30 (1,024 minutes, 1,024 km at the usual ticks); a batch with a longer path
/// repeats its sweep with two integers per lane. Minutes and km are exactly those of the
/// Dijkstra path, pair by pair. Memory per thread ~128 bytes per selected node and per
/// destination (256 after a long-path batch); the prepared network keeps this
/// scratch after the call (until it is destroyed or prepared again) so that the next call
/// reuses it. Unlimited tables up to 2^24 pairs are written straight into the result.
/// Unreachable pairs are absent and counted exactly in TravelPairs::unreachable_pairs
/// (directed reachability, from the strongly connected components).
class LIBMATCH_EXPORT RoadNetwork final : public TravelModel {
 public:
  /// Reads a GDAL line layer (LineString / MultiLineString; curves are linearised).
  /// Throws FileMissing, FileError, UnknownId (layer/field), CrsError (no or geographic
  /// working CRS, no source CRS), GeometryError (no line features; a coordinate that is not
  /// finite or beyond +-1e10 m, naming the feature), InvalidInput (speeds). A read error
  /// part-way (damaged file) is a FileError, never a silently smaller network.
  static RoadNetwork from_file(const std::string& source, const RoadNetworkOptions& options = {});

  /// Builds from polylines already in the working CRS: `line_offsets` (n_lines + 1 entries,
  /// CSR into the vertices), `vertices_xy` (x0,y0,...), one speed (km/h, > 0) and one
  /// one-way flag per line (empty = all two-way). Noded as from_file. Coordinates must be
  /// finite with |x|, |y| <= 1e10 m (GeometryError naming the line); from_edges likewise.
  static RoadNetwork from_lines(std::span<const std::int64_t> line_offsets,
                                std::span<const double> vertices_xy,
                                std::span<const double> speed_kmh,
                                std::span<const OneWay> oneway = {},
                                const RoadNetworkOptions& options = {});

  /// Builds from explicit nodes and straight edges, no noding: edge e joins node edge_from[e]
  /// to edge_to[e]; its length is `length_m[e]` (empty = euclidean between the nodes, >= 0)
  /// and its speed `speed_kmh[e]` (> 0); `oneway` as in from_lines.
  static RoadNetwork from_edges(std::span<const double> node_xy,
                                std::span<const std::int64_t> edge_from,
                                std::span<const std::int64_t> edge_to,
                                std::span<const double> speed_kmh,
                                std::span<const double> length_m = {},
                                std::span<const OneWay> oneway = {},
                                const RoadNetworkOptions& options = {});

  TravelPairs pairs(std::span<const double> origins_xy, std::span<const double> destinations_xy,
                    double max_minutes = std::numeric_limits<double>::infinity(),
                    double max_km = std::numeric_limits<double>::infinity(),
                    int threads = 0) const override;
  std::string describe() const override;

  /// Nearest edge per point (x0,y0,...), within snap_max_m.
  std::vector<SnapResult> snap(std::span<const double> xy, int threads = 0) const;

  std::int64_t node_count() const;
  std::int64_t edge_count() const;        ///< road edges (polylines between nodes)
  std::int64_t arc_count() const;         ///< directed arcs in the CSR graph
  std::int64_t skipped_features() const;  ///< features left out (skip_classes, no geometry)
  std::int64_t component_count() const;   ///< weakly connected parts of the graph
  const std::string& crs() const;
  const RoadNetworkOptions& options() const;
  /// Node coordinates x0,y0,x1,y1,...
  const std::vector<double>& node_xy() const;
  /// Road edges: end nodes, length, speed, one-way flag.
  const std::vector<std::int64_t>& edge_from() const;
  const std::vector<std::int64_t>& edge_to() const;
  const std::vector<double>& edge_length_m() const;
  const std::vector<double>& edge_speed_kmh() const;
  const std::vector<OneWay>& edge_oneway() const;
  /// The CSR graph: arcs of node i are arc_offsets[i] .. arc_offsets[i+1], sorted by head.
  std::vector<std::int64_t> arc_offsets() const;  ///< copies (the graph stores arcs packed)
  std::vector<std::int64_t> arc_head() const;
  std::vector<double> arc_minutes() const;
  std::vector<double> arc_km() const;

  /// Builds the contraction hierarchy used by pairs() from now on: nodes contracted by
  /// priority (edge difference: shortcuts added minus arcs removed, plus contracted
  /// neighbours and depth; lazy updates, ties by node) in rounds, each round contracting the
  /// nodes whose priority beats all their neighbours' (an independent set) in parallel;
  /// witness searches bounded to 100 settled nodes (a missed witness only adds a redundant
  /// shortcut). Same graph -> same hierarchy whatever `threads`. Honours cancellation. Not to
  /// be called while another thread uses this object. Cost: ~10-30 s for ~1 M arcs on 2
  /// cores, memory ~24 bytes per hierarchy arc plus 28 per node (its arcs are kept in the
  /// sweep's order, which the upward searches read as well).
  void prepare(int threads = 0);
  bool is_prepared() const { return ch_ != nullptr; }
  struct HierarchyInfo {
    bool prepared = false;
    std::int64_t up_arcs = 0, down_arcs = 0;  ///< hierarchy arcs (original + shortcuts)
    std::int64_t shortcuts = 0;
    std::int64_t bytes = 0;      ///< memory of the hierarchy arrays
    double seconds = 0;          ///< preparation wall time (as measured when it was built)
    std::uint64_t checksum = 0;  ///< of the node order and arcs (equal = same hierarchy)
  };
  HierarchyInfo hierarchy_info() const;

  /// Writes the network (nodes, edges, geometry, options) and its hierarchy, if prepared, to
  /// a binary file: magic "LMROADNET", format version, payload, 64-bit checksum. Throws
  /// FileError naming the path when it cannot be written (also a directory).
  void save(const std::string& path) const;
  /// Reads a file written by save(). Throws FileMissing, or FileError naming the path when
  /// it is not such a file (foreign, a directory), has another format version or graph rules
  /// (stale), is truncated or corrupt (checksum), or holds values from_edges would refuse.
  static RoadNetwork load(const std::string& path);

  /// OpenStreetMap `restriction` relations (turn restrictions) found in the source by
  /// from_file: they are not applied (the graph has no turn costs), only counted here.
  std::int64_t ignored_turn_restrictions() const;

  struct Impl;

 private:
  explicit RoadNetwork(std::shared_ptr<const Impl> impl,
                       std::shared_ptr<const detail::Hierarchy> ch = nullptr);
  std::shared_ptr<const Impl> impl_;
  std::shared_ptr<const detail::Hierarchy> ch_;
};

}  // namespace libmatch
