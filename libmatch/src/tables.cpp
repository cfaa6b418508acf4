// Attribute tables through OGR (tables.hpp): typed columns, ISO WKB geometry, any driver.
#include "libmatch/tables.hpp"

#include <cpl_error.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io.hpp"
#include "libmatch/error.hpp"

namespace libmatch {
namespace {

/// A name for messages: file paths as given, database connections without their options
/// (a connection string may hold a password).
std::string source_label(const std::string& source) {
  if (source.rfind("PG:", 0) == 0) return "PostgreSQL database";
  return "'" + source + "'";
}

bool is_database(const std::string& s) { return s.rfind("PG:", 0) == 0; }

/// Open options: PostgreSQL lists only tables with geometry unless asked for all.
const char* const* open_options(const std::string& s) {
  static const char* const kAllTables[] = {"LIST_ALL_TABLES=YES", nullptr};
  return is_database(s) ? kAllTables : nullptr;
}

TableColumn::Type column_type(OGRFieldType t) {
  switch (t) {
    case OFTInteger:
    case OFTInteger64:
      return TableColumn::Type::Integer;
    case OFTReal:
      return TableColumn::Type::Real;
    default:
      return TableColumn::Type::String;
  }
}

detail::DatasetPtr open_source(const std::string& source) {
  detail::ensure_gdal();
  if (source.empty()) throw InvalidInput("read_table: the data source is empty");
  if (!is_database(source) && source.rfind("/vsi", 0) != 0 && !std::filesystem::exists(source))
    throw FileMissing("data source " + source_label(source) + " does not exist");
  CPLErrorReset();
  auto* ds = static_cast<GDALDataset*>(GDALOpenEx(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                  nullptr, open_options(source), nullptr));
  if (ds == nullptr) {
    std::string why = is_database(source) ? std::string() : ": " + detail::take_gdal_error();
    throw FileError("cannot read " + source_label(source) + " as vector data" + why);
  }
  return detail::DatasetPtr(ds);
}

OGRLayer* pick_layer(GDALDataset& ds, const std::string& name, const std::string& source) {
  if (!name.empty()) {
    if (OGRLayer* l = ds.GetLayerByName(name.c_str())) return l;
  }
  if (ds.GetLayerCount() == 0) throw FileError(source_label(source) + " has no layers");
  if (name.empty()) return ds.GetLayer(0);
  OGRLayer* l = ds.GetLayerByName(name.c_str());
  if (l == nullptr) throw UnknownId("layer '" + name + "' not found in " + source_label(source));
  return l;
}

void append_value(TableColumn& c, OGRFeature& f, int field) {
  bool ok = f.IsFieldSetAndNotNull(field);
  c.valid.push_back(ok ? 1 : 0);
  switch (c.type) {
    case TableColumn::Type::Integer:
      c.integers.push_back(ok ? f.GetFieldAsInteger64(field) : 0);
      break;
    case TableColumn::Type::Real:
      c.reals.push_back(ok ? f.GetFieldAsDouble(field) : 0.0);
      break;
    case TableColumn::Type::String:
      c.strings.emplace_back(ok ? f.GetFieldAsString(field) : "");
      break;
  }
}

std::string geometry_wkb(OGRFeature& f, OGRCoordinateTransformation* ct, std::size_t row,
                         const std::string& source) {
  OGRGeometry* g = f.GetGeometryRef();
  if (g == nullptr) return {};
  if (ct != nullptr && g->transform(ct) != OGRERR_NONE)
    throw CrsError("row " + std::to_string(row) + " of " + source_label(source) +
                   " cannot be reprojected");
  std::string out(static_cast<std::size_t>(g->WkbSize()), '\0');
  g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(out.data()), wkbVariantIso);
  return out;
}

}  // namespace

Table read_table(const std::string& source, const ReadTableOptions& options) {
  detail::GdalErrors gdal_errors;  // GDAL's messages stay off stderr; failures checked below
  detail::DatasetPtr ds = open_source(source);
  OGRLayer* layer = pick_layer(*ds, options.layer, source);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  Table t;
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    TableColumn c;
    c.name = defn->GetFieldDefn(i)->GetNameRef();
    c.type = column_type(defn->GetFieldDefn(i)->GetType());
    t.columns.push_back(std::move(c));
  }
  bool has_geometry = defn->GetGeomFieldCount() > 0;
  detail::TransformPtr ct;
  const OGRSpatialReference* srs = has_geometry ? layer->GetSpatialRef() : nullptr;
  OGRSpatialReference target;
  if (has_geometry && !options.target_crs.empty()) {
    target = detail::parse_crs(options.target_crs, "target CRS");
    ct = detail::layer_transform(*layer, target, options.source_crs, source_label(source));
    srs = &target;
  }
  if (srs != nullptr) {
    char* wkt = nullptr;
    srs->exportToWkt(&wkt);
    t.crs_wkt = wkt ? wkt : "";
    CPLFree(wkt);
  }
  layer->ResetReading();
  CPLErrorReset();
  for (;;) {
    std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
    if (!f) break;
    for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) append_value(t.columns[i], *f, i);
    if (has_geometry) t.geometry_wkb.push_back(geometry_wkb(*f, ct.get(), t.rows, source));
    ++t.rows;
  }
  if (CPLGetLastErrorType() >= CE_Failure) {
    std::string why = is_database(source) ? std::string() : ": " + detail::take_gdal_error();
    throw FileError("reading layer '" + std::string(layer->GetName()) + "' of " +
                    source_label(source) + " failed after " + std::to_string(t.rows) + " rows" +
                    why);
  }
  return t;
}

namespace {

OGRwkbGeometryType common_type(const std::vector<std::string>& wkb) {
  OGRwkbGeometryType common = wkbNone;
  for (const std::string& w : wkb) {
    if (w.size() < 5) continue;
    std::uint32_t code = 0;
    for (int b = 0; b < 4; ++b)
      code |= static_cast<std::uint32_t>(static_cast<unsigned char>(w[1 + b])) << (8 * b);
    auto type = wkbFlatten(static_cast<OGRwkbGeometryType>(code % 1000));
    if (common == wkbNone) common = type;
    if (common != type) return wkbUnknown;
  }
  return common == wkbNone ? wkbUnknown : common;
}

// Formats of one layer per file: an existing file is replaced as a whole (GDAL cannot
// delete or add a layer in them).
bool single_layer_format(const std::string& driver) {
  return driver == "GeoJSON" || driver == "CSV" || driver == "FlatGeobuf" ||
         driver == "ESRI Shapefile";
}

// What the destination's format cannot hold is refused before anything is opened, so a
// refused write leaves an existing file as it was.
void check_format(const std::string& dest, const Table& t) {
  if (is_database(dest)) return;
  std::string driver;
  try {
    driver = detail::driver_for_path(dest);
  } catch (const InvalidInput&) {
    return;  // an existing file of another format: GDAL opens it for update, or says why not
  }
  if (t.geometry_wkb.empty() && (driver == "FlatGeobuf" || driver == "ESRI Shapefile")) {
    throw InvalidInput("write_table: " + driver + " needs a geometry; write a table without " +
                       "one to .csv or .gpkg (" + source_label(dest) + ")");
  }
  if (driver == "FlatGeobuf") {  // GDAL's FlatGeobuf writer skips rows without a geometry
    for (std::size_t r = 0; r < t.geometry_wkb.size(); ++r) {
      if (t.geometry_wkb[r].empty()) {
        throw InvalidInput("write_table: row " + std::to_string(r) +
                           " has no geometry, which FlatGeobuf cannot hold; write it to .gpkg (" +
                           source_label(dest) + ")");
      }
    }
  }
}

detail::DatasetPtr open_for_write(const std::string& dest, bool overwrite) {
  detail::ensure_gdal();
  CPLErrorReset();
  if (!is_database(dest) && std::filesystem::exists(dest) &&
      single_layer_format(detail::driver_for_path(dest))) {
    if (!overwrite) throw FileError(source_label(dest) + " exists (overwrite is off)");
    // The driver deletes the file with its side files (a shapefile's .dbf, .shx, .prj, ...).
    GDALDriver* driver =
        GetGDALDriverManager()->GetDriverByName(detail::driver_for_path(dest).c_str());
    if (driver == nullptr || driver->Delete(dest.c_str()) != CE_None) {
      std::error_code ec;
      std::filesystem::remove(dest, ec);
      if (ec) throw FileError("cannot replace " + source_label(dest) + ": " + ec.message());
    }
  }
  if (is_database(dest) || std::filesystem::exists(dest)) {
    auto* ds = static_cast<GDALDataset*>(GDALOpenEx(dest.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                                    nullptr, open_options(dest), nullptr));
    if (ds != nullptr) return detail::DatasetPtr(ds);
    if (is_database(dest)) throw FileError("cannot open the PostgreSQL database for writing");
    std::filesystem::remove(dest);  // an existing file of a format that cannot be updated
  }
  std::string driver_name = detail::driver_for_path(dest);
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
  if (driver == nullptr) throw FileError("GDAL driver " + driver_name + " is not available");
  detail::DatasetPtr ds(driver->Create(dest.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw FileError("cannot create '" + dest + "': " + detail::take_gdal_error());
  return ds;
}

OGRFieldType field_type(TableColumn::Type t) {
  switch (t) {
    case TableColumn::Type::Integer:
      return OFTInteger64;
    case TableColumn::Type::Real:
      return OFTReal;
    default:
      return OFTString;
  }
}

void check_lengths(const Table& t) {
  for (const TableColumn& c : t.columns) {
    std::size_t n = c.type == TableColumn::Type::Integer ? c.integers.size()
                    : c.type == TableColumn::Type::Real  ? c.reals.size()
                                                         : c.strings.size();
    if (n != t.rows || (!c.valid.empty() && c.valid.size() != t.rows))
      throw InvalidInput("write_table: column '" + c.name + "' has " + std::to_string(n) +
                         " values, expected " + std::to_string(t.rows));
  }
  if (!t.geometry_wkb.empty() && t.geometry_wkb.size() != t.rows)
    throw InvalidInput("write_table: " + std::to_string(t.geometry_wkb.size()) +
                       " geometries for " + std::to_string(t.rows) + " rows");
}

OGRLayer* create_layer(GDALDataset& ds, const Table& t, const WriteTableOptions& o,
                       const std::string& dest) {
  for (int i = 0; i < ds.GetLayerCount(); ++i) {
    if (o.layer == ds.GetLayer(i)->GetName()) {
      if (!o.overwrite) throw FileError("layer '" + o.layer + "' exists in " + source_label(dest));
      if (ds.DeleteLayer(i) != OGRERR_NONE)
        throw FileError("cannot replace layer '" + o.layer + "' in " + source_label(dest));
      break;
    }
  }
  const std::string driver = ds.GetDriver() != nullptr ? ds.GetDriver()->GetDescription() : "";
  std::unique_ptr<OGRSpatialReference> srs;
  if (!o.crs.empty()) srs = std::make_unique<OGRSpatialReference>(detail::parse_crs(o.crs, "crs"));
  OGRwkbGeometryType gtype = t.geometry_wkb.empty() ? wkbNone : common_type(t.geometry_wkb);
  // CSV keeps the geometry as a WKT column (else GDAL drops it); FlatGeobuf without its
  // spatial index keeps the row order.
  CPLStringList create_options;
  if (driver == "CSV" && gtype != wkbNone) create_options.SetNameValue("GEOMETRY", "AS_WKT");
  if (driver == "FlatGeobuf") create_options.SetNameValue("SPATIAL_INDEX", "NO");
  CPLErrorReset();
  OGRLayer* layer = ds.CreateLayer(o.layer.c_str(), srs.get(), gtype, create_options.List());
  if (layer == nullptr)
    throw FileError("cannot create layer '" + o.layer + "' in " + source_label(dest) + ": " +
                    detail::take_gdal_error());
  for (const TableColumn& c : t.columns) {
    OGRFieldDefn fd(c.name.c_str(), field_type(c.type));
    if (layer->CreateField(&fd) != OGRERR_NONE)
      throw FileError("cannot create field '" + c.name + "' in layer '" + o.layer + "'");
  }
  return layer;
}

void set_row(OGRFeature& f, const Table& t, std::size_t r) {
  for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
    const TableColumn& c = t.columns[i];
    if (!c.valid.empty() && !c.valid[r]) {
      f.SetFieldNull(i);
      continue;
    }
    switch (c.type) {
      case TableColumn::Type::Integer:
        f.SetField(i, static_cast<GIntBig>(c.integers[r]));
        break;
      case TableColumn::Type::Real:
        f.SetField(i, c.reals[r]);
        break;
      case TableColumn::Type::String:
        f.SetField(i, c.strings[r].c_str());
        break;
    }
  }
}

}  // namespace

void write_table(const std::string& dest, const Table& t, const WriteTableOptions& o) {
  detail::GdalErrors gdal_errors;  // GDAL's messages stay off stderr
  if (o.layer.empty()) throw InvalidInput("write_table: a layer name is required");
  check_lengths(t);
  check_format(dest, t);
  detail::DatasetPtr ds = open_for_write(dest, o.overwrite);
  OGRLayer* layer = create_layer(*ds, t, o, dest);
  bool transaction = ds->StartTransaction() == OGRERR_NONE;
  for (std::size_t r = 0; r < t.rows; ++r) {
    OGRFeature f(layer->GetLayerDefn());
    set_row(f, t, r);
    if (!t.geometry_wkb.empty() && !t.geometry_wkb[r].empty()) {
      OGRGeometry* g = nullptr;
      const std::string& w = t.geometry_wkb[r];
      if (OGRGeometryFactory::createFromWkb(w.data(), nullptr, &g, w.size()) != OGRERR_NONE)
        throw InvalidInput("write_table: row " + std::to_string(r) + " has invalid WKB");
      f.SetGeometryDirectly(g);
    }
    if (layer->CreateFeature(&f) != OGRERR_NONE)
      throw FileError("cannot write row " + std::to_string(r) + " of layer '" + o.layer + "' to " +
                      source_label(dest));
  }
  if (transaction && ds->CommitTransaction() != OGRERR_NONE)
    throw FileError("cannot commit layer '" + o.layer + "' to " + source_label(dest));
}

}  // namespace libmatch
