// RoadNetwork::from_file: reading a GDAL line layer (incl. OpenStreetMap) into lines with
// speeds and one-way flags, then noding them (road_network_build.cpp).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "gdal_util.hpp"
#include "libmatch/error.hpp"
#include "travel_internal.hpp"

namespace libmatch {

namespace {

using detail::format_number;

std::string trim_lower(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// Value of `key` in an OSM hstore string: "k1"=>"v1","k2"=>"v2" (\" and \\ escaped).
std::optional<std::string> hstore_value(const char* text, const std::string& key) {
  if (text == nullptr) return std::nullopt;
  const std::string s(text);
  std::size_t i = 0;
  auto read_quoted = [&](std::string& out) {
    while (i < s.size() && s[i] != '"') ++i;
    if (i >= s.size()) return false;
    ++i;
    out.clear();
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      out.push_back(s[i++]);
    }
    if (i >= s.size()) return false;
    ++i;
    return true;
  };
  std::string k, v;
  while (i < s.size()) {
    if (!read_quoted(k)) break;
    const std::size_t arrow = s.find("=>", i);
    if (arrow == std::string::npos) break;
    i = arrow + 2;
    if (!read_quoted(v)) break;
    if (k == key) return v;
  }
  return std::nullopt;
}

/// A speed in km/h from text such as "50", "80 km/h", "30 mph", "50;30"; nullopt when it
/// does not start with a number ("none", "signals", "NL:urban").
std::optional<double> parse_speed(const std::string& text) {
  const std::string t = trim_lower(text);
  if (t.empty() ||
      !(std::isdigit(static_cast<unsigned char>(t[0])) || t[0] == '-' || t[0] == '.')) {
    return std::nullopt;
  }
  double v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc()) return std::nullopt;
  const std::string rest = trim_lower(std::string(end, t.data() + t.size()));
  if (rest.rfind("mph", 0) == 0)
    v *= 1.609344;
  else if (rest.rfind("knots", 0) == 0)
    v *= 1.852;
  return v;
}

OneWay parse_oneway(const std::string& text) {
  const std::string t = trim_lower(text);
  if (t == "yes" || t == "1" || t == "true") return OneWay::Forward;
  if (t == "-1" || t == "reverse") return OneWay::Reverse;
  return OneWay::Both;
}

/// An attribute read either from a layer field or from a key of OSM's other_tags.
struct FieldRef {
  int index = -1;
  bool from_tags = false;
  bool numeric = false;
  std::string key;
  bool used() const { return index >= 0; }

  std::optional<std::string> text(OGRFeature& f) const {
    if (index < 0 || !f.IsFieldSetAndNotNull(index)) return std::nullopt;
    if (from_tags) return hstore_value(f.GetFieldAsString(index), key);
    return std::string(f.GetFieldAsString(index));
  }
};

FieldRef resolve_field(OGRLayer& layer, const std::string& name, const std::string& source) {
  FieldRef r;
  if (name.empty()) return r;
  OGRFeatureDefn* defn = layer.GetLayerDefn();
  r.index = defn->GetFieldIndex(name.c_str());
  if (r.index >= 0) {
    const OGRFieldType t = defn->GetFieldDefn(r.index)->GetType();
    r.numeric = t == OFTInteger || t == OFTInteger64 || t == OFTReal;
    return r;
  }
  const int tags = defn->GetFieldIndex("other_tags");
  if (tags >= 0) {
    r.index = tags;
    r.from_tags = true;
    r.key = name;
    return r;
  }
  detail::field_index(layer, name, source);  // throws UnknownId listing the fields
  return r;
}

}  // namespace

RoadNetwork RoadNetwork::from_file(const std::string& source,
                                   const RoadNetworkOptions& options_in) {
  RoadNetworkOptions options = options_in;
  std::map<std::string, double> class_speed;
  for (const auto& [cls, v] : options.class_speeds) {
    if (!(std::isfinite(v) && v > 0)) {
      throw InvalidInput("class_speeds['" + cls + "'] must be a finite number > 0 km/h (got " +
                         format_number(v) + ")");
    }
    class_speed[cls] = v;
  }
  if (options.default_speed_kmh &&
      !(std::isfinite(*options.default_speed_kmh) && *options.default_speed_kmh > 0)) {
    throw InvalidInput("default_speed_kmh must be a finite number > 0 km/h (got " +
                       format_number(*options.default_speed_kmh) + ")");
  }
  if (!class_speed.empty() && options.class_field.empty()) {
    throw InvalidInput("class_speeds given without class_field");
  }
  const std::set<std::string> skip(options.skip_classes.begin(), options.skip_classes.end());
  detail::require_projected_crs(options.crs);
  const OGRSpatialReference target = detail::parse_crs(options.crs, "crs");

  detail::ensure_gdal();
  detail::GdalErrors gdal_errors;
  detail::DatasetPtr ds = detail::open_vector(source);
  const bool osm =
      ds->GetDriver() != nullptr && std::string(ds->GetDriver()->GetDescription()) == "OSM";
  if (options.layer.empty() && osm) options.layer = "lines";
  OGRLayer* layer = detail::get_layer(*ds, options.layer, source);
  options.layer = layer->GetName();
  const std::string what = "layer '" + options.layer + "' of '" + source + "'";
  detail::TransformPtr ct = detail::layer_transform(*layer, target, options.source_crs, source);

  const FieldRef speed_f = resolve_field(*layer, options.speed_field, source);
  const FieldRef class_f = resolve_field(*layer, options.class_field, source);
  const FieldRef oneway_f = resolve_field(*layer, options.oneway_field, source);

  detail::LineInput in;
  in.what = what;
  std::int64_t n_features = 0, non_line = 0, empty = 0, by_class = 0;

  // OSM sources are read through the dataset (GDAL's OSM driver serves its layers
  // interleaved); others layer by layer.
  const bool interleaved = osm && ds->TestCapability(ODsCRandomLayerRead);
  if (interleaved)
    ds->ResetReading();
  else
    layer->ResetReading();
  // A read failure (damaged file) throws FileError instead of ending the loop early.
  auto next = [&]() -> OGRFeatureUniquePtr {
    if (!interleaved) return detail::next_feature(*layer, gdal_errors, what, n_features);
    for (;;) {
      OGRLayer* from = nullptr;
      gdal_errors.clear();
      OGRFeatureUniquePtr f(ds->GetNextFeature(&from, nullptr, nullptr, nullptr));
      gdal_errors.throw_if_failed(what, n_features);
      if (!f || from == layer) return f;
    }
  };
  auto feature_name = [&](const OGRFeature& f) {
    return "feature " + std::to_string(f.GetFID()) + " of " + what;
  };

  while (OGRFeatureUniquePtr f = next()) {
    ++n_features;
    const OGRGeometry* geom = f->GetGeometryRef();
    if (geom == nullptr || geom->IsEmpty()) {
      ++empty;
      continue;
    }
    const OGRwkbGeometryType type = wkbFlatten(geom->getGeometryType());
    if (!(OGR_GT_IsSubClassOf(type, wkbCurve) || OGR_GT_IsSubClassOf(type, wkbMultiCurve))) {
      ++non_line;
      continue;
    }
    std::string cls;
    if (class_f.used()) {
      cls = class_f.text(*f).value_or("");
      if (skip.count(cls)) {
        ++by_class;
        continue;
      }
    }
    double speed = std::numeric_limits<double>::quiet_NaN();
    if (speed_f.used() && f->IsFieldSetAndNotNull(speed_f.index)) {
      std::optional<double> v;
      if (speed_f.numeric && !speed_f.from_tags) {
        v = f->GetFieldAsDouble(speed_f.index);
      } else if (auto txt = speed_f.text(*f)) {
        v = parse_speed(*txt);
      }
      if (v) {
        if (!(std::isfinite(*v) && *v > 0)) {
          throw InvalidInput("speed (field '" + options.speed_field + "') of " + feature_name(*f) +
                             " must be > 0 km/h");
        }
        speed = *v;
      }
    }
    if (std::isnan(speed) && class_f.used()) {
      auto it = class_speed.find(cls);
      if (it != class_speed.end()) speed = it->second;
    }
    if (std::isnan(speed) && options.default_speed_kmh) speed = *options.default_speed_kmh;
    if (std::isnan(speed)) {
      std::string why;
      if (speed_f.used()) why += "field '" + options.speed_field + "' is empty; ";
      if (class_f.used()) {
        why += "class '" + cls + "' (field '" + options.class_field + "') is not in class_speeds; ";
      }
      throw InvalidInput(feature_name(*f) + " has no speed: " + why +
                         "give speed_field, class_field with class_speeds, or default_speed_kmh");
    }
    OneWay ow = OneWay::Both;
    if (oneway_f.used()) {
      if (auto txt = oneway_f.text(*f)) ow = parse_oneway(*txt);
    }

    std::unique_ptr<OGRGeometry> g(geom->hasCurveGeometry() ? geom->getLinearGeometry()
                                                            : geom->clone());
    if (ct && g->transform(ct.get()) != OGRERR_NONE) {
      throw CrsError("cannot transform " + feature_name(*f) + " to '" + options.crs +
                     "': " + detail::take_gdal_error());
    }
    auto add_line = [&](const OGRLineString& ls) {
      if (ls.getNumPoints() < 2) return;
      for (int k = 0; k < ls.getNumPoints(); ++k) {
        in.xy.push_back(ls.getX(k));
        in.xy.push_back(ls.getY(k));
      }
      in.offsets.push_back(static_cast<std::int64_t>(in.xy.size() / 2));
      in.speed_kmh.push_back(speed);
      in.oneway.push_back(ow);
      in.fid.push_back(f->GetFID());
    };
    const OGRwkbGeometryType lt = wkbFlatten(g->getGeometryType());
    if (lt == wkbLineString || lt == wkbLinearRing) {
      add_line(*g->toLineString());
    } else if (lt == wkbMultiLineString) {
      for (const OGRLineString* part : *g->toMultiLineString()) add_line(*part);
    } else {
      ++non_line;
    }
  }
  if (in.speed_kmh.empty()) {
    throw GeometryError(what + " contains no line features (" + std::to_string(n_features) +
                        " features read: " + std::to_string(non_line) + " not lines, " +
                        std::to_string(empty) + " without geometry, " + std::to_string(by_class) +
                        " in skip_classes)");
  }
  return RoadNetwork(
      Impl::build_from_lines(std::move(in), options, non_line + empty + by_class, source));
}

}  // namespace libmatch
