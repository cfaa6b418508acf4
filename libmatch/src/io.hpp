#pragma once
// The private I/O layer: every GDAL/OGR call of the library goes through the modules that
// include this header (areas, tables, design_io, study, travel, road_network_read). Opening
// sources, layers and fields, reading field values, parsing CRSs and transforming coordinates.
// Public headers never include GDAL (or Boost); they take and return plain types.
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

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

/// Registers GDAL drivers once and routes GDAL's own messages away from stderr.
void ensure_gdal();

/// The last GDAL error message (empty if none) and resets it.
std::string take_gdal_error();

/// Opens a vector source read-only. Throws FileMissing when a local path does not exist,
/// FileError when GDAL cannot read it as vector data.
DatasetPtr open_vector(const std::string& source);

/// The named layer, or the first one when `layer` is empty. Throws UnknownId naming the
/// available layers, GeometryError when the source has no layers.
OGRLayer* get_layer(GDALDataset& ds, const std::string& layer, const std::string& source);

/// Index of `field` in the layer. Throws UnknownId listing the available fields.
int field_index(OGRLayer& layer, const std::string& field, const std::string& source);

/// Parses "EPSG:28992", "EPSG:4326", WKT, PROJ strings...; axis order is always x/lon first.
/// Throws CrsError naming `what` (e.g. "crs argument").
OGRSpatialReference parse_crs(const std::string& crs, const std::string& what);

/// Transformation from the layer's CRS to `target`. When the layer declares no CRS,
/// `source_crs` is used; when both are missing, CrsError. Returns null for identical CRSs.
TransformPtr layer_transform(OGRLayer& layer, const OGRSpatialReference& target,
                             const std::string& source_crs, const std::string& source);

/// Transformation between two CRS; null when they are the same. Throws CrsError.
TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to);

/// Value of a numeric field: NaN when unset or null; text fields are parsed (strtod).
/// Throws InvalidInput "field '<field>' of <what> is not a number" otherwise.
double numeric_field(OGRFeature& feature, int index, const std::string& field,
                     const std::string& what);

/// Transforms n points (x0,y0,...) in place; a point that cannot be transformed (or becomes
/// non-finite) is set to NaN, NaN. A null transformation leaves the points unchanged.
void transform_xy(OGRCoordinateTransformation* ct, std::span<double> xy);

/// The driver name for an output path from its extension (.gpkg, .geojson, .shp, .fgb, .csv).
std::string driver_for_path(const std::string& path);

}  // namespace libmatch::detail
