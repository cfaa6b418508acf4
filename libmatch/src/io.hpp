#pragma once
// The private I/O layer: every GDAL/OGR call of the library goes through the modules that
// include this header (areas, tables, design_io, study, travel, road_network_read). Opening
// sources, layers and fields, reading field values, parsing CRSs and transforming coordinates.
// Public headers never include GDAL (or Boost); they take and return plain types.
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "libmatch/export.hpp"

namespace libmatch::detail {

struct DatasetCloser {
  void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

struct TransformDeleter {
  void operator()(OGRCoordinateTransformation* t) const {
    OGRCoordinateTransformation::DestroyCT(t);
  }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

/// Registers GDAL drivers once. Leaves the process-wide error handler alone: calls that
/// reach GDAL hold a GdalErrors scope instead.
void ensure_gdal();

/// While alive, GDAL messages raised on the constructing thread go to this object instead of
/// the process-wide handler (they must not reach stderr: they can carry attribute values).
/// The first failure (CE_Failure or CE_Fatal) is kept, so that a feature loop can tell the end
/// of a layer from a read error. Scopes nest (CPLPushErrorHandlerEx / CPLPopErrorHandler);
/// create and destroy on the same thread.
class GdalErrors {
 public:
  GdalErrors();
  ~GdalErrors();
  GdalErrors(const GdalErrors&) = delete;
  GdalErrors& operator=(const GdalErrors&) = delete;

  bool failed() const { return failures_ > 0; }
  /// GDAL's first failure message since construction or the last clear() (may be empty).
  const std::string& message() const { return message_; }
  void clear();
  /// Throws FileError "reading <what> failed after <n> features: <GDAL message>" when GDAL
  /// reported a failure; `what` names the file and layer.
  void throw_if_failed(const std::string& what, std::int64_t features_read) const;

 private:
  static void CPL_STDCALL collect(CPLErr level, CPLErrorNum code, const char* msg);
  int failures_ = 0;
  std::string message_;
};

/// The last GDAL error message (empty if none) and resets it.
std::string take_gdal_error();

/// The layer's next feature, null at its end. Clears `errors` first, then throws FileError
/// (naming `what`, usually file and layer) when GDAL reported a failure during the read: a
/// damaged file must not look like a shorter one.
OGRFeatureUniquePtr next_feature(OGRLayer& layer, GdalErrors& errors, const std::string& what,
                                 std::int64_t read_so_far);

/// Opens a vector source read-only. Throws FileMissing when a local path does not exist,
/// FileError when GDAL cannot read it as vector data.
DatasetPtr open_vector(const std::string& source);

/// The named layer. When `layer` is empty: the only layer; in a source of several, the only
/// one that has every field of `fields` (e.g. the id field), else the first. Throws UnknownId
/// naming the available layers, InvalidInput when several layers have those fields (a
/// GeoPackage of provinces and municipalities both keyed by 'statcode': a silent first layer
/// would be the wrong one), GeometryError when the source has no layers.
OGRLayer* get_layer(GDALDataset& ds, const std::string& layer, const std::string& source,
                    const std::vector<std::string>& fields = {});

/// Index of `field` in the layer. Throws UnknownId listing the available fields.
int field_index(OGRLayer& layer, const std::string& field, const std::string& source);

/// Parses "EPSG:28992", "EPSG:4326", WKT, PROJ strings...; axis order is always x/lon first.
/// Throws CrsError naming `what` (e.g. "crs argument").
OGRSpatialReference parse_crs(const std::string& crs, const std::string& what);

/// Transformation from the layer's CRS to `target`. When the layer declares no CRS (or an
/// "Undefined" one, as GeoPackage writes), `source_crs` is used; when both are missing,
/// CrsError. A non-empty `source_crs` must parse even when unused. Errors name the file and
/// layer. Returns null for identical CRSs.
TransformPtr layer_transform(OGRLayer& layer, const OGRSpatialReference& target,
                             const std::string& source_crs, const std::string& source);

/// parse_crs, and the CRS must be projected with metre units (CrsError otherwise): the
/// working CRS of areas and travel.
OGRSpatialReference parse_working_crs(const std::string& crs, const std::string& what);

/// Transformation between two CRS; null when they are the same. Throws CrsError.
TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to);

/// Value of a numeric field: NaN when unset or null; text fields are parsed (strtod).
/// Throws InvalidInput "field '<field>' of <what> is not a number" otherwise.
double numeric_field(OGRFeature& feature, int index, const std::string& field,
                     const std::string& what);

/// Transforms n points (x0,y0,...) in place; a point that cannot be transformed (or becomes
/// non-finite) is set to NaN, NaN. A null transformation leaves the points unchanged.
void transform_xy(OGRCoordinateTransformation* ct, std::span<double> xy);

/// Largest geometry (vertices, estimated from its WKB size) that repair=True hands to GEOS,
/// and the wall-clock limit of one repair in seconds. Variables so that tests can lower them.
// Exported so that the test suite can lower them against a shared build (not installed API).
extern LIBMATCH_EXPORT std::int64_t repair_vertex_limit;  // 1,000,000
extern LIBMATCH_EXPORT double repair_seconds_limit;       // 10 s

/// GEOS MakeValid (through OGR) with bounds: throws GeometryError naming `what` when the
/// geometry has more than repair_vertex_limit vertices, when the repair runs longer than
/// repair_seconds_limit (stopped through GEOS's interrupt hook), or when it fails.
std::unique_ptr<OGRGeometry> make_valid_bounded(const OGRGeometry& g, const std::string& what);

/// The driver name for an output path from its extension (.gpkg, .geojson, .shp, .fgb, .csv).
std::string driver_for_path(const std::string& path);

}  // namespace libmatch::detail
