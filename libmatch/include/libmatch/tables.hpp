#pragma once
// Attribute tables with optional geometry, read from and written to any GDAL/OGR vector
// source: GeoPackage, Shapefile, GeoJSON, FlatGeobuf, CSV, and databases such as
// PostgreSQL/PostGIS ("PG:dbname=... host=..." connection strings). This is how request and
// advisor tables, assignments, referrals and plans travel between libmatch and a GIS team's
// database. Values are typed per column (integer, real, string) with a validity mask;
// geometries are ISO WKB in the table's CRS.
#include <cstdint>
#include <string>
#include <vector>

#include "libmatch/export.hpp"

namespace libmatch {

/// One column: `type` decides which of the value vectors is used (all have `rows` entries).
struct TableColumn {
  enum class Type : std::int8_t { Integer, Real, String };
  std::string name;
  Type type = Type::String;
  std::vector<std::int64_t> integers;  ///< Type::Integer
  std::vector<double> reals;           ///< Type::Real
  std::vector<std::string> strings;    ///< Type::String
  std::vector<std::uint8_t> valid;     ///< 1 = value present, 0 = null (rows entries)
};

struct Table {
  std::size_t rows = 0;
  std::vector<TableColumn> columns;
  /// One ISO WKB geometry per row ("" = none); empty vector = the layer has no geometry.
  std::vector<std::string> geometry_wkb;
  /// The geometries' CRS as WKT (after reprojection); "" = none or unknown.
  std::string crs_wkt;
};

struct ReadTableOptions {
  std::string layer;       ///< layer (table) name; "" = the first layer
  std::string target_crs;  ///< reproject geometries to this CRS ("" = keep the source's)
  std::string source_crs;  ///< CRS to assume when the layer declares none
};

/// Reads every feature of a layer. Throws FileMissing for a missing local path, FileError
/// when the source cannot be read (or a read fails mid-layer: never a silent short table),
/// UnknownId for an unknown layer, CrsError when reprojection is impossible. Field values
/// are never echoed in messages. Cost: one pass over the layer.
LIBMATCH_EXPORT Table read_table(const std::string& source, const ReadTableOptions& options = {});

struct WriteTableOptions {
  std::string layer;      ///< layer (table) name, required
  std::string crs;        ///< CRS of the geometries (e.g. "EPSG:28992"); "" = none
  bool overwrite = true;  ///< replace an existing layer of that name (else FileError)
};

/// Writes `table` as layer `options.layer` into `dest`: an existing database or
/// GeoPackage is opened for update (other layers are kept), a new file is created with the
/// driver its extension names (.gpkg, .geojson, .shp, .fgb, .csv); an existing file of a
/// one-layer format (.geojson, .shp, .fgb, .csv) is replaced when `overwrite` (else
/// FileError). CSV holds the geometry as a WKT column. A table without geometry cannot go
/// to .shp or .fgb, nor a row without one to .fgb (InvalidInput naming the row). Throws
/// FileError naming the destination and layer. Connection strings are not echoed beyond
/// their "PG:" prefix.
LIBMATCH_EXPORT void write_table(const std::string& dest, const Table& table,
                                 const WriteTableOptions& options);

}  // namespace libmatch
