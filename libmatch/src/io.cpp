#include "io.hpp"

#include <cpl_error.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <mutex>
#include <vector>

#include "libmatch/error.hpp"

namespace libmatch::detail {

namespace {

void CPL_STDCALL quiet_handler(CPLErr, CPLErrorNum, const char*) {}

bool looks_remote_or_virtual(const std::string& s) {
  return s.rfind("/vsi", 0) == 0 || s.find("://") != std::string::npos || s.rfind("PG:", 0) == 0;
}

}  // namespace

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    // GDAL's messages still reach CPLGetLastErrorMsg; they must not go to stderr, where
    // they could carry attribute values (personal data).
    CPLSetErrorHandler(quiet_handler);
  });
}

std::string take_gdal_error() {
  std::string msg = CPLGetLastErrorMsg();
  CPLErrorReset();
  return msg;
}

DatasetPtr open_vector(const std::string& source) {
  ensure_gdal();
  if (source.empty()) throw InvalidInput("data source path is empty");
  if (!looks_remote_or_virtual(source) && !std::filesystem::exists(source)) {
    throw FileMissing("data source '" + source + "' does not exist");
  }
  CPLErrorReset();
  GDALDataset* ds = static_cast<GDALDataset*>(
      GDALOpenEx(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (ds == nullptr) {
    std::string why = take_gdal_error();
    throw FileError("cannot read '" + source + "' as vector data" +
                    (why.empty() ? std::string() : ": " + why));
  }
  return DatasetPtr(ds);
}

OGRLayer* get_layer(GDALDataset& ds, const std::string& layer, const std::string& source) {
  if (ds.GetLayerCount() == 0) {
    throw GeometryError("'" + source + "' contains no vector layers");
  }
  if (layer.empty()) return ds.GetLayer(0);
  OGRLayer* l = ds.GetLayerByName(layer.c_str());
  if (l == nullptr) {
    std::string names;
    for (int i = 0; i < ds.GetLayerCount(); ++i) {
      names += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
    }
    throw UnknownId("layer '" + layer + "' not found in '" + source + "' (layers: " + names + ")");
  }
  return l;
}

int field_index(OGRLayer& layer, const std::string& field, const std::string& source) {
  OGRFeatureDefn* defn = layer.GetLayerDefn();
  int idx = defn->GetFieldIndex(field.c_str());
  if (idx < 0) {
    std::string names;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      names += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    }
    throw UnknownId("field '" + field + "' not found in layer '" + layer.GetName() + "' of '" +
                    source + "' (fields: " + names + ")");
  }
  return idx;
}

OGRSpatialReference parse_crs(const std::string& crs, const std::string& what) {
  ensure_gdal();
  OGRSpatialReference srs;
  CPLErrorReset();
  if (crs.empty() || srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE) {
    throw CrsError("unknown CRS '" + crs + "' for " + what +
                   " (use e.g. 'EPSG:28992', 'EPSG:4326' or a WKT/PROJ string)");
  }
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to) {
  if (from.IsSame(&to)) return nullptr;
  OGRSpatialReference f(from), t(to);
  f.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  t.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  CPLErrorReset();
  OGRCoordinateTransformation* ct = OGRCreateCoordinateTransformation(&f, &t);
  if (ct == nullptr) {
    throw CrsError("no coordinate transformation available: " + take_gdal_error());
  }
  return TransformPtr(ct);
}

TransformPtr layer_transform(OGRLayer& layer, const OGRSpatialReference& target,
                             const std::string& source_crs, const std::string& source) {
  const OGRSpatialReference* declared = layer.GetSpatialRef();
  if (declared != nullptr) return make_transform(*declared, target);
  if (source_crs.empty()) {
    throw CrsError("layer '" + std::string(layer.GetName()) + "' of '" + source +
                   "' declares no CRS; pass source_crs (e.g. 'EPSG:28992')");
  }
  return make_transform(parse_crs(source_crs, "source_crs of '" + source + "'"), target);
}

std::string driver_for_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".gpkg") return "GPKG";
  if (ext == ".geojson" || ext == ".json") return "GeoJSON";
  if (ext == ".shp") return "ESRI Shapefile";
  if (ext == ".fgb") return "FlatGeobuf";
  if (ext == ".csv") return "CSV";
  throw InvalidInput("cannot choose an output format for '" + path +
                     "' (use .gpkg, .geojson, .shp, .fgb or .csv)");
}

double numeric_field(OGRFeature& feature, int index, const std::string& field,
                     const std::string& what) {
  if (!feature.IsFieldSetAndNotNull(index)) return std::numeric_limits<double>::quiet_NaN();
  const OGRFieldType type = feature.GetFieldDefnRef(index)->GetType();
  if (type == OFTInteger || type == OFTInteger64 || type == OFTReal)
    return feature.GetFieldAsDouble(index);
  const char* text = feature.GetFieldAsString(index);
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text) throw InvalidInput("field '" + field + "' of " + what + " is not a number");
  return v;
}

void transform_xy(OGRCoordinateTransformation* ct, std::span<double> xy) {
  if (!ct) return;
  std::size_t n = xy.size() / 2;
  std::vector<double> x(n), y(n);
  std::vector<int> ok(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = xy[2 * i];
    y[i] = xy[2 * i + 1];
  }
  ct->Transform(n, x.data(), y.data(), nullptr, ok.data());
  for (std::size_t i = 0; i < n; ++i) {
    bool good = ok[i] && std::isfinite(x[i]) && std::isfinite(y[i]);
    xy[2 * i] = good ? x[i] : std::numeric_limits<double>::quiet_NaN();
    xy[2 * i + 1] = good ? y[i] : std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace libmatch::detail
