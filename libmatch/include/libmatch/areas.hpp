#pragma once
// AreaSet: a set of polygonal areas (orientation areas, municipalities, nature areas...)
// in one projected working CRS (metres), with fast batch membership and nearest queries.
//
// Boundary rule (documented promise): membership uses a half-open crossing rule, so a
// point exactly on a boundary is treated as if moved an infinitesimal step east, then an
// even smaller step north. A point on a border shared by two areas therefore belongs to
// exactly one of them (the area to its east; for an east-west border, the one to its
// north), whatever the order of the areas. Where areas overlap, the lowest index wins.
// Non-finite coordinates are outside every area (-1).
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "libmatch/export.hpp"
#include "libmatch/geometry.hpp"

namespace libmatch {

struct ReadOptions {
  /// Layer name; empty = the only layer, or of several the only one with `id_field`
  /// (InvalidInput when several have it), else the first.
  std::string layer;
  std::string crs = "EPSG:28992";  ///< working CRS (projected, metres) the areas go to
  /// CRS to assume when the source declares none (or GeoPackage's "Undefined" SRS); must
  /// parse whenever given.
  std::string source_crs;
  /// Repair invalid polygons (GEOS MakeValid) instead of throwing; a repair is refused
  /// beyond ~1,000,000 vertices and stopped after 10 s (GeometryError naming the feature).
  bool repair = false;
};

struct Adjacency {
  std::int64_t a = 0;  ///< area index, a < b
  std::int64_t b = 0;
  double border_m = 0.0;  ///< length of the shared border in metres
};

struct AreaStats {
  double area_m2 = 0.0;
  double perimeter_m = 0.0;
  XY centroid;  ///< area-weighted centroid
  XY min, max;  ///< bounding box
};

class LIBMATCH_EXPORT AreaSet {
 public:
  AreaSet();

  /// Reads a polygon layer from any GDAL vector source; `id_field` names the unique id (Real
  /// values as "1", "2.5" whatever the driver). Throws FileMissing, FileError (also when GDAL
  /// reports a read error part-way, e.g. a damaged GeoPackage: never a silently shorter set),
  /// UnknownId (no such field/layer), InvalidInput (no layer named and several layers have
  /// `id_field`), GeometryError (non-polygon, invalid, empty layer), CrsError (also a
  /// geographic or non-metre working CRS), InvalidInput (duplicate ids).
  static AreaSet from_file(const std::string& source, const std::string& id_field,
                           const ReadOptions& options = {});

  /// Builds from WKB (Polygon or MultiPolygon) in `source_crs`, reprojected to `crs`
  /// (projected, metres; CrsError otherwise). `repair` as in ReadOptions.
  static AreaSet from_wkb(const std::vector<std::string>& wkb, std::vector<std::string> ids,
                          const std::string& source_crs = "EPSG:28992",
                          const std::string& crs = "EPSG:28992", bool repair = false);

  /// Builds from rings already in the working CRS (each area: one or more polygon parts).
  /// CrsError unless `crs` is projected in metres. The rings are taken as given: their
  /// validity (no self-intersection) is not checked, as from_wkb and from_file do.
  static AreaSet from_polygons(std::vector<std::vector<PolygonRings>> areas,
                               std::vector<std::string> ids, const std::string& crs = "EPSG:28992");

  std::size_t size() const;
  const std::vector<std::string>& ids() const;
  const std::string& crs() const;  ///< working CRS, as given (e.g. "EPSG:28992")
  /// Index of an id; throws UnknownId.
  std::int64_t index_of(const std::string& id) const;

  /// Area index per point (-1 outside all). `xy` holds n points as x0,y0,x1,y1,...;
  /// `out` has n entries. threads <= 0: all cores. Result is independent of thread count.
  /// Exact (the boundary rule above, evaluated on every edge's crossing test). Cost: a
  /// two-level grid built with the set answers most points with one or two table look-ups;
  /// points in cells crossed by a border test only the few edges touching that cell. The
  /// grid is bounded in memory (about 1 MiB of top cells, 16 MiB of sub-blocks, plus cell
  /// lists in proportion to the border length); sets with coordinates beyond 1e100 in
  /// magnitude are answered by per-area tests instead (same answers, slower).
  void locate(std::span<const double> xy, std::span<std::int64_t> out, int threads = 0) const;

  /// Nearest area per point and its distance in metres (0 inside). Beyond `max_distance_m`
  /// the index is -1 and the distance NaN. Ties go to the lower index.
  void nearest(std::span<const double> xy, std::span<std::int64_t> index,
               std::span<double> distance_m,
               double max_distance_m = std::numeric_limits<double>::infinity(),
               int threads = 0) const;

  /// Pairs of areas whose shared border is longer than `min_border_m` (sorted by a, b).
  std::vector<Adjacency> adjacency(double min_border_m = 0.0) const;

  /// Area i's statistics; stats, polygons and to_wkb throw InvalidInput for i >= size().
  const AreaStats& stats(std::size_t i) const;
  /// Polygon parts of area i (outer ring then holes, each ring closed: first == last).
  const std::vector<PolygonRings>& polygons(std::size_t i) const;
  /// WKB (MultiPolygon, little endian) of area i.
  std::string to_wkb(std::size_t i) const;

  /// Dissolves areas by label (labels[i] >= 0 for every area) into a new AreaSet whose
  /// area k is the union of areas with label k; ids are `ids[k]` (or "0", "1", ... when empty).
  /// Every label 0..k-1 must be used, so labels >= size() are rejected (InvalidInput).
  AreaSet dissolve(std::span<const std::int64_t> labels, std::vector<std::string> ids = {}) const;

  /// Writes the areas to a vector file (driver from the extension: .gpkg, .geojson, .shp, .fgb).
  void to_file(const std::string& path, const std::string& id_field = "id",
               const std::string& layer = "areas") const;

  struct Impl;

 private:
  explicit AreaSet(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

/// Transforms n points (x0,y0,...) in place from one CRS to another (EPSG:4326 as lon, lat).
LIBMATCH_EXPORT void transform_points(std::span<double> xy, const std::string& from_crs,
                                      const std::string& to_crs);

}  // namespace libmatch
