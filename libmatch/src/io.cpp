#include "io.hpp"

#include <cpl_error.h>
#include <geos_c.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "deadline.hpp"
#include "libmatch/error.hpp"

namespace libmatch::detail {

namespace {

bool looks_remote_or_virtual(const std::string& s) {
  return s.rfind("/vsi", 0) == 0 || s.find("://") != std::string::npos || s.rfind("PG:", 0) == 0;
}

}  // namespace

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GdalErrors quiet;  // driver registration may warn about missing plugins
    GDALAllRegister();
  });
}

GdalErrors::GdalErrors() { CPLPushErrorHandlerEx(&GdalErrors::collect, this); }

GdalErrors::~GdalErrors() { CPLPopErrorHandler(); }

void GdalErrors::clear() {
  failures_ = 0;
  message_.clear();
  CPLErrorReset();
}

void CPL_STDCALL GdalErrors::collect(CPLErr level, CPLErrorNum, const char* msg) {
  if (level != CE_Failure && level != CE_Fatal) return;
  auto* self = static_cast<GdalErrors*>(CPLGetErrorHandlerUserData());
  if (self == nullptr) return;
  if (self->failures_++ == 0 && msg != nullptr) {
    constexpr std::size_t kMax = 300;  // GDAL messages are short; bound them anyway
    self->message_.assign(msg, std::min(std::strlen(msg), kMax));
  }
}

void GdalErrors::throw_if_failed(const std::string& what, std::int64_t features_read) const {
  if (!failed()) return;
  throw FileError("reading " + what + " failed after " + std::to_string(features_read) +
                  " features (the file may be damaged): " +
                  (message_.empty() ? std::string("GDAL reported an error") : message_));
}

std::string take_gdal_error() {
  std::string msg = CPLGetLastErrorMsg();
  CPLErrorReset();
  return msg;
}

OGRFeatureUniquePtr next_feature(OGRLayer& layer, GdalErrors& errors, const std::string& what,
                                 std::int64_t read_so_far) {
  errors.clear();
  OGRFeatureUniquePtr f(layer.GetNextFeature());
  errors.throw_if_failed(what, read_so_far);
  return f;
}

DatasetPtr open_vector(const std::string& source) {
  ensure_gdal();
  GdalErrors scope;
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

OGRLayer* get_layer(GDALDataset& ds, const std::string& layer, const std::string& source,
                    const std::vector<std::string>& fields) {
  if (ds.GetLayerCount() == 0) {
    throw GeometryError("'" + source + "' contains no vector layers");
  }
  if (layer.empty() && (ds.GetLayerCount() == 1 || fields.empty())) return ds.GetLayer(0);
  if (layer.empty()) {
    std::vector<OGRLayer*> having;
    for (int i = 0; i < ds.GetLayerCount(); ++i) {
      OGRLayer* l = ds.GetLayer(i);
      bool all = true;
      for (const auto& f : fields) all = all && l->GetLayerDefn()->GetFieldIndex(f.c_str()) >= 0;
      if (all) having.push_back(l);
    }
    if (having.size() == 1) return having.front();
    if (having.empty()) return ds.GetLayer(0);  // its field error lists what it has
    std::string names, wanted;
    for (std::size_t i = 0; i < having.size(); ++i)
      names += (i ? ", " : "") + std::string(having[i]->GetName());
    for (std::size_t i = 0; i < fields.size(); ++i) wanted += (i ? "', '" : "") + fields[i];
    throw InvalidInput("'" + source + "' has " + std::to_string(having.size()) +
                       " layers with field '" + wanted + "' (" + names +
                       "): name the layer to read");
  }
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
  GdalErrors scope;
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
  GdalErrors scope;
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

namespace {

// GeoPackage layers without a CRS come back as "Undefined geographic SRS" (srs_id 0) or
// "Undefined Cartesian SRS" (srs_id -1): no authority, not transformable. They declare none.
bool is_undefined(const OGRSpatialReference& srs) {
  if (srs.IsEmpty() || srs.IsLocal()) return true;
  const char* name = srs.GetName();
  return srs.GetAuthorityCode(nullptr) == nullptr && name != nullptr &&
         std::string(name).rfind("Undefined", 0) == 0;
}

// GeoJSON (and GeoJSON sequences), the formats whose missing CRS means WGS 84; checked on
// the driver where the layer knows its dataset, else on the file name.
bool is_geojson(OGRLayer& layer, const std::string& source) {
  if (GDALDataset* ds = layer.GetDataset(); ds != nullptr && ds->GetDriver() != nullptr) {
    const std::string driver = ds->GetDriver()->GetDescription();
    return driver == "GeoJSON" || driver == "GeoJSONSeq";
  }
  std::string lower = source;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* suffix : {".geojson", ".json", ".geojsonl", ".geojsons"}) {
    const std::size_t n = std::strlen(suffix);
    if (lower.size() >= n && lower.compare(lower.size() - n, n, suffix) == 0) return true;
  }
  return false;
}

}  // namespace

TransformPtr layer_transform(OGRLayer& layer, const OGRSpatialReference& target,
                             const std::string& source_crs, const std::string& source) {
  const std::string what = "layer '" + std::string(layer.GetName()) + "' of '" + source + "'";
  // An unparseable source_crs is an error even when the layer declares a CRS of its own.
  std::optional<OGRSpatialReference> given;
  if (!source_crs.empty()) given = parse_crs(source_crs, "source_crs of " + what);
  const OGRSpatialReference* declared = layer.GetSpatialRef();
  if (declared != nullptr && is_undefined(*declared)) declared = nullptr;
  if (declared == nullptr && !given) {
    throw CrsError(what + " declares no CRS; pass source_crs (e.g. 'EPSG:28992')");
  }
  // A GeoJSON file without a "crs" member is WGS 84 by RFC 7946, so GDAL declares degrees
  // even for a file written in metres. Coordinates beyond +-180 cannot be degrees: then the
  // declaration is GDAL's default, not the file's, and source_crs (if given) is what holds.
  if (declared != nullptr && declared->IsGeographic() && is_geojson(layer, source) &&
      layer.GetFeatureCount(FALSE) != 0) {
    OGREnvelope env;
    if (layer.GetExtent(&env, TRUE) == OGRERR_NONE) {
      const double reach = std::max(
          {std::abs(env.MinX), std::abs(env.MaxX), std::abs(env.MinY), std::abs(env.MaxY)});
      if (reach > 180.0 + 1e-9) {
        if (!given) {
          throw CrsError(what +
                         " declares a geographic CRS (degrees) but has coordinates beyond 180: "
                         "a GeoJSON file without a crs member is read as WGS 84; pass "
                         "source_crs (e.g. 'EPSG:28992') or add a crs member to the file");
        }
        declared = nullptr;
      }
    }
  }
  try {
    return make_transform(declared != nullptr ? *declared : *given, target);
  } catch (const CrsError& e) {
    throw CrsError(what + ": " + e.what() +
                   (declared != nullptr ? " (CRS declared by the layer)" : " (source_crs)"));
  }
}

OGRSpatialReference parse_working_crs(const std::string& crs, const std::string& what) {
  OGRSpatialReference srs = parse_crs(crs, what);
  const bool metres = srs.IsProjected() && std::abs(srs.GetLinearUnits() - 1.0) < 1e-9;
  if (!metres) {
    throw CrsError("working CRS '" + crs + "' (" + what + ") is " +
                   (srs.IsGeographic() ? "geographic (degrees)" : "not a projected CRS in metres") +
                   "; distances and areas need metres (e.g. 'EPSG:28992')");
  }
  return srs;
}

std::int64_t repair_vertex_limit = 1'000'000;
double repair_seconds_limit = 10.0;

namespace {

// GEOS calls its interrupt callback at checkpoints of long operations; ours requests the
// interruption once the repair deadline of the calling thread has passed, then chains to
// whatever callback was registered before. Registered once, never removed.
thread_local const std::chrono::steady_clock::time_point* t_repair_deadline = nullptr;
GEOSInterruptCallback* g_previous_interrupt = nullptr;

void repair_interrupt() {
  if (t_repair_deadline != nullptr && std::chrono::steady_clock::now() > *t_repair_deadline) {
    GEOS_interruptRequest();
  }
  if (g_previous_interrupt != nullptr) g_previous_interrupt();
}

}  // namespace

std::unique_ptr<OGRGeometry> make_valid_bounded(const OGRGeometry& g, const std::string& what) {
  const std::int64_t vertices = static_cast<std::int64_t>(g.WkbSize()) / 16;
  if (vertices > repair_vertex_limit) {
    throw GeometryError(what + " is invalid and too large to repair (about " +
                        std::to_string(vertices) + " vertices, limit " +
                        std::to_string(repair_vertex_limit) + "); simplify it first");
  }
  static std::once_flag once;
  std::call_once(once,
                 [] { g_previous_interrupt = GEOS_interruptRegisterCallback(repair_interrupt); });
  const auto deadline = deadline_after(repair_seconds_limit);
  GdalErrors scope;
  t_repair_deadline = &deadline;
  std::unique_ptr<OGRGeometry> out(g.MakeValid());
  t_repair_deadline = nullptr;
  const bool timed_out = std::chrono::steady_clock::now() > deadline;
  GEOS_interruptCancel();
  if (out == nullptr || (timed_out && scope.failed())) {
    if (timed_out) {
      throw GeometryError(what + " is invalid and its repair took longer than " +
                          std::to_string(repair_seconds_limit) + " s; fix it in a GIS first");
    }
    throw GeometryError(what + " is invalid and could not be repaired" +
                        (scope.message().empty() ? std::string() : ": " + scope.message()));
  }
  return out;
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
