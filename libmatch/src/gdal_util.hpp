#pragma once
// Private GDAL/OGR helpers shared by the modules that read or write vector data.
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
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

/// The driver name for an output path from its extension (.gpkg, .geojson, .shp, .fgb, .csv).
std::string driver_for_path(const std::string& path);

}  // namespace libmatch::detail
