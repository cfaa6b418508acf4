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

/// True for a value the optional other_tags lookup should use: the field exists in the layer
/// or the layer has OSM's other_tags column (no error when neither).
FieldRef optional_field(OGRLayer& layer, const std::string& name) {
  OGRFeatureDefn* defn = layer.GetLayerDefn();
  FieldRef r;
  r.index = defn->GetFieldIndex(name.c_str());
  if (r.index >= 0) return r;
  r.index = defn->GetFieldIndex("other_tags");
  r.from_tags = r.index >= 0;
  r.key = name;
  return r;
}

/// Reads one GDAL line layer into LineInput: the phases of RoadNetwork::from_file.
class LayerReader {
 public:
  LayerReader(const std::string& source, const RoadNetworkOptions& options)
      : source_(source), options_(options) {
    check_options();
    open();
  }

  /// Reads every feature; returns the lines and sets skipped() / turn_restrictions().
  detail::LineInput read() {
    in_.what = what_;
    while (OGRFeatureUniquePtr f = next()) {
      ++n_features_;
      add_feature(*f);
    }
    if (in_.speed_kmh.empty()) {
      throw GeometryError(what_ + " contains no line features (" + std::to_string(n_features_) +
                          " features read: " + std::to_string(non_line_) + " not lines, " +
                          std::to_string(empty_) + " without geometry, " +
                          std::to_string(by_class_) + " in skip_classes)");
    }
    return std::move(in_);
  }
  std::int64_t skipped() const { return non_line_ + empty_ + by_class_; }
  std::int64_t turn_restrictions() const { return restrictions_; }
  const RoadNetworkOptions& options() const { return options_; }

 private:
  void check_options() {
    for (const auto& [cls, v] : options_.class_speeds) {
      if (!(std::isfinite(v) && v > 0)) {
        throw InvalidInput("class_speeds['" + cls + "'] must be a finite number > 0 km/h (got " +
                           format_number(v) + ")");
      }
      class_speed_[cls] = v;
    }
    if (options_.default_speed_kmh &&
        !(std::isfinite(*options_.default_speed_kmh) && *options_.default_speed_kmh > 0)) {
      throw InvalidInput("default_speed_kmh must be a finite number > 0 km/h (got " +
                         format_number(*options_.default_speed_kmh) + ")");
    }
    if (!class_speed_.empty() && options_.class_field.empty()) {
      throw InvalidInput("class_speeds given without class_field");
    }
    skip_.insert(options_.skip_classes.begin(), options_.skip_classes.end());
    detail::require_projected_crs(options_.crs);
  }

  void open() {
    const OGRSpatialReference target = detail::parse_crs(options_.crs, "crs");
    ds_ = detail::open_vector(source_);
    osm_ = ds_->GetDriver() != nullptr && std::string(ds_->GetDriver()->GetDescription()) == "OSM";
    if (options_.layer.empty() && osm_) options_.layer = "lines";
    layer_ = detail::get_layer(*ds_, options_.layer, source_);
    options_.layer = layer_->GetName();
    what_ = "layer '" + options_.layer + "' of '" + source_ + "'";
    ct_ = detail::layer_transform(*layer_, target, options_.source_crs, source_);
    speed_f_ = resolve_field(*layer_, options_.speed_field, source_);
    class_f_ = resolve_field(*layer_, options_.class_field, source_);
    oneway_f_ = resolve_field(*layer_, options_.oneway_field, source_);
    if (osm_) junction_f_ = optional_field(*layer_, "junction");
    // OSM sources are read through the dataset (GDAL's OSM driver serves its layers
    // interleaved); others layer by layer.
    interleaved_ = osm_ && ds_->TestCapability(ODsCRandomLayerRead);
    if (interleaved_)
      ds_->ResetReading();
    else
      layer_->ResetReading();
  }

  /// Next feature of the layer; on an OSM source, counts restriction relations passing by.
  OGRFeatureUniquePtr next() {
    // A read failure (damaged file) throws FileError instead of ending the loop early.
    if (!interleaved_) return detail::next_feature(*layer_, gdal_errors_, what_, n_features_);
    for (;;) {
      OGRLayer* from = nullptr;
      gdal_errors_.clear();
      OGRFeatureUniquePtr f(ds_->GetNextFeature(&from, nullptr, nullptr, nullptr));
      gdal_errors_.throw_if_failed(what_, n_features_);
      if (!f || from == layer_) return f;
      if (from != nullptr && std::string(from->GetName()) == "other_relations") {
        const int k = f->GetFieldIndex("type");
        if (k >= 0 && f->IsFieldSetAndNotNull(k)) {
          const std::string type = f->GetFieldAsString(k);
          if (type == "restriction" || type.rfind("restriction:", 0) == 0) ++restrictions_;
        }
      }
    }
  }

  std::string feature_name(const OGRFeature& f) const {
    return "feature " + std::to_string(f.GetFID()) + " of " + what_;
  }

  void add_feature(OGRFeature& f) {
    const OGRGeometry* geom = f.GetGeometryRef();
    if (geom == nullptr || geom->IsEmpty()) {
      ++empty_;
      return;
    }
    const OGRwkbGeometryType type = wkbFlatten(geom->getGeometryType());
    if (!(OGR_GT_IsSubClassOf(type, wkbCurve) || OGR_GT_IsSubClassOf(type, wkbMultiCurve))) {
      ++non_line_;
      return;
    }
    std::string cls;
    if (class_f_.used()) {
      cls = class_f_.text(f).value_or("");
      if (skip_.count(cls)) {
        ++by_class_;
        return;
      }
    }
    const double speed = speed_of(f, cls);
    const OneWay ow = oneway_of(f, cls);
    std::unique_ptr<OGRGeometry> g(geom->hasCurveGeometry() ? geom->getLinearGeometry()
                                                            : geom->clone());
    if (ct_ && g->transform(ct_.get()) != OGRERR_NONE) {
      throw CrsError("cannot transform " + feature_name(f) + " to '" + options_.crs +
                     "': " + detail::take_gdal_error());
    }
    const OGRwkbGeometryType lt = wkbFlatten(g->getGeometryType());
    if (lt == wkbLineString || lt == wkbLinearRing) {
      add_line(*g->toLineString(), speed, ow, f.GetFID());
    } else if (lt == wkbMultiLineString) {
      for (const OGRLineString* part : *g->toMultiLineString()) {
        add_line(*part, speed, ow, f.GetFID());
      }
    } else {
      ++non_line_;
    }
  }

  double speed_of(OGRFeature& f, const std::string& cls) const {
    double speed = std::numeric_limits<double>::quiet_NaN();
    if (speed_f_.used() && f.IsFieldSetAndNotNull(speed_f_.index)) {
      std::optional<double> v;
      if (speed_f_.numeric && !speed_f_.from_tags) {
        v = f.GetFieldAsDouble(speed_f_.index);
      } else if (auto txt = speed_f_.text(f)) {
        v = parse_speed(*txt);
      }
      if (v) {
        if (!(std::isfinite(*v) && *v > 0)) {
          throw InvalidInput("speed (field '" + options_.speed_field + "') of " + feature_name(f) +
                             " must be > 0 km/h");
        }
        speed = *v;
      }
    }
    if (std::isnan(speed) && class_f_.used()) {
      auto it = class_speed_.find(cls);
      if (it != class_speed_.end()) speed = it->second;
    }
    if (std::isnan(speed) && options_.default_speed_kmh) speed = *options_.default_speed_kmh;
    if (std::isnan(speed)) {
      std::string why;
      if (speed_f_.used()) why += "field '" + options_.speed_field + "' is empty; ";
      if (class_f_.used()) {
        why += "its class (field '" + options_.class_field + "') is not in class_speeds; ";
      }
      throw InvalidInput(feature_name(f) + " has no speed: " + why +
                         "give speed_field, class_field with class_speeds, or default_speed_kmh");
    }
    return speed;
  }

  /// The one-way flag; on OSM sources without an explicit tag, the implied one-ways:
  /// highway=motorway and junction=roundabout / circular are one-way along the way.
  OneWay oneway_of(OGRFeature& f, const std::string& cls) const {
    if (!oneway_f_.used()) return OneWay::Both;
    if (auto txt = oneway_f_.text(f)) return parse_oneway(*txt);
    if (!osm_) return OneWay::Both;
    if (options_.class_field == "highway" && cls == "motorway") return OneWay::Forward;
    if (junction_f_.used()) {
      const std::string j = trim_lower(junction_f_.text(f).value_or(""));
      if (j == "roundabout" || j == "circular") return OneWay::Forward;
    }
    return OneWay::Both;
  }

  void add_line(const OGRLineString& ls, double speed, OneWay ow, GIntBig fid) {
    if (ls.getNumPoints() < 2) return;
    for (int k = 0; k < ls.getNumPoints(); ++k) {
      in_.xy.push_back(ls.getX(k));
      in_.xy.push_back(ls.getY(k));
    }
    in_.offsets.push_back(static_cast<std::int64_t>(in_.xy.size() / 2));
    in_.speed_kmh.push_back(speed);
    in_.oneway.push_back(ow);
    in_.fid.push_back(fid);
  }

  std::string source_;
  RoadNetworkOptions options_;
  std::map<std::string, double> class_speed_;
  std::set<std::string> skip_;
  detail::GdalErrors gdal_errors_;  // first: outlives the dataset, scopes GDAL's messages
  detail::DatasetPtr ds_;
  OGRLayer* layer_ = nullptr;
  bool osm_ = false, interleaved_ = false;
  std::string what_;
  detail::TransformPtr ct_;
  FieldRef speed_f_, class_f_, oneway_f_, junction_f_;
  detail::LineInput in_;
  std::int64_t n_features_ = 0, non_line_ = 0, empty_ = 0, by_class_ = 0, restrictions_ = 0;
};

}  // namespace

RoadNetwork RoadNetwork::from_file(const std::string& source, const RoadNetworkOptions& options) {
  LayerReader reader(source, options);
  detail::LineInput in = reader.read();
  auto impl = Impl::build_from_lines(std::move(in), reader.options(), reader.skipped(), source);
  std::const_pointer_cast<Impl>(impl)->turn_restrictions = reader.turn_restrictions();
  return RoadNetwork(std::move(impl));
}

}  // namespace libmatch
