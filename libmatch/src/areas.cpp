// AreaSet: construction (GDAL, WKB, rings), statistics, batch queries, adjacency, output.
#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>

#include "areas_impl.hpp"
#include "io.hpp"
#include "libmatch/error.hpp"
#include "parallel.hpp"

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace libmatch {

using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BSegment = bg::model::segment<BPoint>;
using BBox = bg::model::box<BPoint>;
using SegmentValue = std::pair<BSegment, std::uint32_t>;  // segment, area index

struct AreaSet::Impl::NearestIndex {
  bgi::rtree<SegmentValue, bgi::rstar<16>> tree;
};

namespace {

using detail::take_gdal_error;

/// Distance to the nearest boundary segment and its area, the lowest area index among exact
/// ties. `found` is scratch space.
std::pair<double, std::int64_t> nearest_area(
    const decltype(AreaSet::Impl::NearestIndex::tree)& tree, double x, double y,
    std::vector<SegmentValue>& found) {
  constexpr std::size_t k = 16;
  const BPoint p(x, y);
  double best = INFINITY, farthest = 0.0;
  std::int64_t best_area = -1;
  auto consider = [&](const SegmentValue& v) {
    const double d = bg::distance(p, v.first);
    farthest = std::max(farthest, d);
    if (d < best || (d == best && v.second < best_area)) {
      best = d;
      best_area = v.second;
    }
  };
  found.clear();
  tree.query(bgi::nearest(p, k), std::back_inserter(found));
  for (const SegmentValue& v : found) consider(v);
  // All k at the best distance (many areas meeting at a vertex): more may tie beyond them,
  // so look at every segment within that distance.
  if (found.size() == k && farthest <= best && std::isfinite(best)) {
    const double r = best * (1 + 1e-9) + 1e-9;
    found.clear();
    tree.query(bgi::intersects(BBox(BPoint(x - r, y - r), BPoint(x + r, y + r))),
               std::back_inserter(found));
    for (const SegmentValue& v : found) consider(v);
  }
  return {best, best_area};
}

/// A Real id field's value as text, the same whatever the driver (a Shapefile gives
/// "1.000000000000000"): whole numbers below 2^53 as integers ("1"), others in shortest
/// round-trip form as Python's repr(float) writes them ("0.5", "1e+16", "nan").
std::string real_id_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == std::trunc(v) && std::abs(v) < 0x1p53)
    return std::to_string(static_cast<std::int64_t>(v));
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string sci(buf, r.ptr);
  const int exp = std::stoi(sci.substr(sci.find('e') + 1));
  if (exp < -4 || exp >= 16) return sci;  // "1.5e+16", "1e-05"
  r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  std::string fixed(buf, r.ptr);
  if (fixed.find('.') == std::string::npos) fixed += ".0";  // 2^53 <= |v| < 1e16
  return fixed;
}

AreaStats compute_stats(const std::vector<PolygonRings>& parts) {
  AreaStats st;
  st.min = {INFINITY, INFINITY};
  st.max = {-INFINITY, -INFINITY};
  double a_sum = 0.0, cx = 0.0, cy = 0.0;
  for (const PolygonRings& part : parts) {
    for (std::size_t r = 0; r < part.size(); ++r) {
      const Ring& ring = part[r];
      double a = 0.0, rx = 0.0, ry = 0.0;
      for (std::size_t k = 0; k + 1 < ring.size(); ++k) {
        const XY p = ring[k], q = ring[k + 1];
        double c = p.x * q.y - q.x * p.y;
        a += c;
        rx += (p.x + q.x) * c;
        ry += (p.y + q.y) * c;
        st.perimeter_m += std::hypot(q.x - p.x, q.y - p.y);
        st.min = {std::min(st.min.x, p.x), std::min(st.min.y, p.y)};
        st.max = {std::max(st.max.x, p.x), std::max(st.max.y, p.y)};
      }
      // Outer rings add, holes subtract, whatever their orientation.
      double f = (r == 0) == (a >= 0.0) ? 1.0 : -1.0;
      a_sum += f * 0.5 * a;
      cx += f * rx / 6.0;
      cy += f * ry / 6.0;
    }
  }
  st.area_m2 = a_sum;
  st.centroid = a_sum != 0.0 ? XY{cx / a_sum, cy / a_sum} : XY{st.min.x, st.min.y};
  return st;
}

void append_ring(const OGRLinearRing* ring, PolygonRings& out) {
  Ring r;
  int n = ring->getNumPoints();
  r.reserve(n + 1);
  for (int k = 0; k < n; ++k) r.push_back({ring->getX(k), ring->getY(k)});
  out.push_back(std::move(r));
}

void append_polygon(const OGRPolygon* poly, std::vector<PolygonRings>& out) {
  if (poly->IsEmpty()) return;
  PolygonRings rings;
  append_ring(poly->getExteriorRing(), rings);
  for (int h = 0; h < poly->getNumInteriorRings(); ++h)
    append_ring(poly->getInteriorRing(h), rings);
  out.push_back(std::move(rings));
}

// Polygonal parts of a geometry; `strict` rejects anything non-polygonal.
bool collect_polygons(const OGRGeometry* g, std::vector<PolygonRings>& out, bool strict) {
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon:
      append_polygon(g->toPolygon(), out);
      return true;
    case wkbMultiPolygon:
      for (const OGRPolygon* p : *g->toMultiPolygon()) append_polygon(p, out);
      return true;
    case wkbCurvePolygon:
    case wkbMultiSurface: {
      std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
      return collect_polygons(lin.get(), out, strict);
    }
    case wkbGeometryCollection: {
      bool ok = true;
      for (const OGRGeometry* part : *g->toGeometryCollection())
        ok = collect_polygons(part, out, strict) && ok;
      return ok || !strict;
    }
    default:
      return !strict;
  }
}

// Validates, optionally repairs, reprojects and converts one feature's geometry.
std::vector<PolygonRings> convert_geometry(OGRGeometry* g, const std::string& what, bool repair,
                                           OGRCoordinateTransformation* ct) {
  if (g == nullptr || g->IsEmpty()) throw GeometryError(what + " has no geometry");
  OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
  if (t != wkbPolygon && t != wkbMultiPolygon && t != wkbCurvePolygon && t != wkbMultiSurface &&
      t != wkbGeometryCollection) {
    throw GeometryError(what + " is a " + OGRGeometryTypeToName(t) +
                        ", expected Polygon or MultiPolygon");
  }
  std::unique_ptr<OGRGeometry> repaired;
  if (!g->IsValid()) {
    if (!repair) {
      throw GeometryError(what +
                          " is not a valid polygon (e.g. self-intersecting); "
                          "fix it or pass repair=True");
    }
    repaired = detail::make_valid_bounded(*g, what);
    g = repaired.get();
  }
  if (ct != nullptr && g->transform(ct) != OGRERR_NONE) {
    throw CrsError(what + " could not be reprojected: " + take_gdal_error());
  }
  std::vector<PolygonRings> parts;
  if (!collect_polygons(g, parts, /*strict=*/repaired == nullptr)) {
    throw GeometryError(what + " contains non-polygon parts");
  }
  if (parts.empty()) throw GeometryError(what + " has an empty polygon");
  return parts;
}

void put_u32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void put_f64(std::string& s, double v) { s.append(reinterpret_cast<const char*>(&v), 8); }

std::unique_ptr<OGRMultiPolygon> to_ogr(const std::vector<PolygonRings>& parts) {
  auto mp = std::make_unique<OGRMultiPolygon>();
  for (const PolygonRings& part : parts) {
    OGRPolygon poly;
    for (const Ring& r : part) {
      OGRLinearRing ring;
      for (const XY& p : r) ring.addPoint(p.x, p.y);
      poly.addRing(&ring);
    }
    mp->addGeometry(&poly);
  }
  return mp;
}

}  // namespace

std::shared_ptr<const AreaSet::Impl> AreaSet::Impl::make(
    std::vector<std::vector<PolygonRings>> polygons, std::vector<std::string> ids, std::string crs,
    const std::string& source) {
  if (polygons.size() != ids.size()) {
    throw InvalidInput("got " + std::to_string(polygons.size()) + " geometries but " +
                       std::to_string(ids.size()) + " ids" + source);
  }
  auto impl = std::make_shared<Impl>();
  impl->crs = std::move(crs);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].empty())
      throw InvalidInput("area " + std::to_string(i) + " has an empty id" + source);
    if (!impl->index_of.emplace(ids[i], static_cast<std::int64_t>(i)).second) {
      throw InvalidInput("duplicate area id '" + ids[i] + "'" + source);
    }
    for (PolygonRings& part : polygons[i]) {
      for (Ring& r : part) {
        if (!r.empty() && (r.front().x != r.back().x || r.front().y != r.back().y))
          r.push_back(r.front());
        for (const XY& p : r) {
          if (!std::isfinite(p.x) || !std::isfinite(p.y))
            throw GeometryError("area '" + ids[i] + "' has non-finite coordinates" + source);
        }
        if (r.size() < 4) {
          throw GeometryError("area '" + ids[i] + "' has a ring with fewer than 3 distinct points" +
                              source);
        }
      }
    }
    impl->stats.push_back(compute_stats(polygons[i]));
  }
  impl->ids = std::move(ids);
  impl->polygons = std::move(polygons);
  impl->membership.build(impl->polygons);

  std::vector<SegmentValue> segs;
  for (std::size_t i = 0; i < impl->polygons.size(); ++i)
    for (const PolygonRings& part : impl->polygons[i])
      for (const Ring& r : part)
        for (std::size_t k = 0; k + 1 < r.size(); ++k)
          segs.emplace_back(BSegment(BPoint(r[k].x, r[k].y), BPoint(r[k + 1].x, r[k + 1].y)),
                            static_cast<std::uint32_t>(i));
  impl->nearest = std::make_shared<NearestIndex>();
  impl->nearest->tree = bgi::rtree<SegmentValue, bgi::rstar<16>>(segs.begin(), segs.end());
  return impl;
}

AreaSet::AreaSet() : impl_(Impl::make({}, {}, "EPSG:28992", "")) {}
AreaSet::AreaSet(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

AreaSet AreaSet::from_file(const std::string& source, const std::string& id_field,
                           const ReadOptions& options) {
  detail::ensure_gdal();
  detail::GdalErrors gdal_errors;
  detail::DatasetPtr ds = detail::open_vector(source);
  OGRLayer* layer = detail::get_layer(*ds, options.layer, source, {id_field});
  const std::string where = " in layer '" + std::string(layer->GetName()) + "' of '" + source + "'";
  OGRwkbGeometryType lt = wkbFlatten(layer->GetGeomType());
  if (lt == wkbPoint || lt == wkbMultiPoint || lt == wkbLineString || lt == wkbMultiLineString) {
    throw GeometryError("layer '" + std::string(layer->GetName()) + "' of '" + source + "' holds " +
                        OGRGeometryTypeToName(lt) + " features, expected polygons");
  }
  if (layer->GetFeatureCount() == 0) {
    throw GeometryError("layer '" + std::string(layer->GetName()) + "' of '" + source +
                        "' has no features");
  }
  int fid_idx = detail::field_index(*layer, id_field, source);
  const bool id_is_real = layer->GetLayerDefn()->GetFieldDefn(fid_idx)->GetType() == OFTReal;
  OGRSpatialReference target = detail::parse_working_crs(options.crs, "crs argument");
  detail::TransformPtr ct = detail::layer_transform(*layer, target, options.source_crs, source);

  std::vector<std::vector<PolygonRings>> polys;
  std::vector<std::string> ids;
  layer->ResetReading();
  const std::string layer_what = where.substr(4);  // "layer '...' of '...'"
  while (OGRFeatureUniquePtr feature = detail::next_feature(
             *layer, gdal_errors, layer_what, static_cast<std::int64_t>(ids.size()))) {
    std::string label = "feature FID " + std::to_string(feature->GetFID());
    if (!feature->IsFieldSetAndNotNull(fid_idx)) {
      throw InvalidInput(label + where + " has no value in id field '" + id_field + "'");
    }
    std::string id = id_is_real ? real_id_text(feature->GetFieldAsDouble(fid_idx))
                                : feature->GetFieldAsString(fid_idx);
    polys.push_back(convert_geometry(feature->GetGeometryRef(), "feature '" + id + "'" + where,
                                     options.repair, ct.get()));
    ids.push_back(std::move(id));
  }
  if (ids.empty())
    throw GeometryError("layer '" + std::string(layer->GetName()) + "' of '" + source +
                        "' has no features");
  return AreaSet(Impl::make(std::move(polys), std::move(ids), options.crs, where));
}

AreaSet AreaSet::from_wkb(const std::vector<std::string>& wkb, std::vector<std::string> ids,
                          const std::string& source_crs, const std::string& crs, bool repair) {
  detail::ensure_gdal();
  detail::GdalErrors gdal_errors;
  if (wkb.size() != ids.size()) {
    throw InvalidInput("got " + std::to_string(wkb.size()) + " WKB geometries but " +
                       std::to_string(ids.size()) + " ids");
  }
  OGRSpatialReference target = detail::parse_working_crs(crs, "crs argument");
  OGRSpatialReference from = detail::parse_crs(source_crs, "source CRS");
  detail::TransformPtr ct = detail::make_transform(from, target);
  std::vector<std::vector<PolygonRings>> polys;
  polys.reserve(wkb.size());
  for (std::size_t i = 0; i < wkb.size(); ++i) {
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb[i].data(), nullptr, &g, wkb[i].size()) !=
        OGRERR_NONE) {
      throw GeometryError("geometry of area '" + ids[i] + "' is not valid WKB");
    }
    std::unique_ptr<OGRGeometry> owned(g);
    polys.push_back(convert_geometry(g, "area '" + ids[i] + "'", repair, ct.get()));
  }
  return AreaSet(Impl::make(std::move(polys), std::move(ids), crs, ""));
}

AreaSet AreaSet::from_polygons(std::vector<std::vector<PolygonRings>> areas,
                               std::vector<std::string> ids, const std::string& crs) {
  detail::ensure_gdal();
  detail::parse_working_crs(crs, "crs argument");  // CrsError unless projected, in metres
  return AreaSet(Impl::make(std::move(areas), std::move(ids), crs, ""));
}

namespace {
std::size_t checked_index(std::size_t i, std::size_t n) {
  if (i >= n)
    throw InvalidInput("area index " + std::to_string(i) + " out of range [0, " +
                       std::to_string(n) + ")");
  return i;
}
}  // namespace

std::size_t AreaSet::size() const { return impl_->ids.size(); }
const std::vector<std::string>& AreaSet::ids() const { return impl_->ids; }
const std::string& AreaSet::crs() const { return impl_->crs; }
const AreaStats& AreaSet::stats(std::size_t i) const {
  return impl_->stats[checked_index(i, size())];
}
const std::vector<PolygonRings>& AreaSet::polygons(std::size_t i) const {
  return impl_->polygons[checked_index(i, size())];
}

std::int64_t AreaSet::index_of(const std::string& id) const {
  auto it = impl_->index_of.find(id);
  if (it == impl_->index_of.end()) throw UnknownId("unknown area id '" + id + "'");
  return it->second;
}

static void check_batch(std::span<const double> xy, std::size_t n, const char* what) {
  if (xy.size() != 2 * n) {
    throw InvalidInput(std::string(what) + ": coordinate buffer holds " +
                       std::to_string(xy.size()) + " values, expected 2 x " + std::to_string(n));
  }
}

void AreaSet::locate(std::span<const double> xy, std::span<std::int64_t> out, int threads) const {
  check_batch(xy, out.size(), "locate");
  const auto& m = impl_->membership;
  detail::parallel_for(
      static_cast<std::int64_t>(out.size()), threads, 16384, [&](std::int64_t b, std::int64_t e) {
        m.locate_batch(xy.data() + 2 * b, out.data() + b, static_cast<std::size_t>(e - b));
      });
}

void AreaSet::nearest(std::span<const double> xy, std::span<std::int64_t> index,
                      std::span<double> distance_m, double max_distance_m, int threads) const {
  check_batch(xy, index.size(), "nearest");
  if (distance_m.size() != index.size())
    throw InvalidInput("nearest: index and distance buffers differ in length");
  if (std::isnan(max_distance_m) || max_distance_m < 0.0)
    throw InvalidInput("nearest: max_distance must be >= 0");
  const auto& m = impl_->membership;
  const auto& tree = impl_->nearest->tree;
  detail::parallel_for(static_cast<std::int64_t>(index.size()), threads, 1024,
                       [&](std::int64_t b, std::int64_t e) {
                         std::vector<SegmentValue> found;
                         for (std::int64_t i = b; i < e; ++i) {
                           double x = xy[2 * i], y = xy[2 * i + 1];
                           index[i] = -1;
                           distance_m[i] = std::numeric_limits<double>::quiet_NaN();
                           if (!std::isfinite(x) || !std::isfinite(y)) continue;
                           std::int64_t inside = m.locate(x, y);
                           if (inside >= 0) {
                             index[i] = inside;
                             distance_m[i] = 0.0;
                             continue;
                           }
                           const auto [best, best_area] = nearest_area(tree, x, y, found);
                           if (best_area >= 0 && best <= max_distance_m) {
                             index[i] = best_area;
                             distance_m[i] = best;
                           }
                         }
                       });
}

std::vector<Adjacency> AreaSet::adjacency(double min_border_m) const {
  // Collinear overlaps of boundary segments of different areas, within 1 cm.
  constexpr double tol = 0.01;
  const auto& tree = impl_->nearest->tree;
  std::map<std::pair<std::int64_t, std::int64_t>, double> border;
  std::vector<SegmentValue> hits;
  for (const SegmentValue& s : tree) {
    const BPoint &p = s.first.first, &q = s.first.second;
    double dx = bg::get<0>(q) - bg::get<0>(p), dy = bg::get<1>(q) - bg::get<1>(p);
    double len = std::hypot(dx, dy);
    if (len == 0.0) continue;
    double ux = dx / len, uy = dy / len;
    BBox box(BPoint(std::min(bg::get<0>(p), bg::get<0>(q)) - tol,
                    std::min(bg::get<1>(p), bg::get<1>(q)) - tol),
             BPoint(std::max(bg::get<0>(p), bg::get<0>(q)) + tol,
                    std::max(bg::get<1>(p), bg::get<1>(q)) + tol));
    hits.clear();
    tree.query(bgi::intersects(box), std::back_inserter(hits));
    for (const SegmentValue& t : hits) {
      if (t.second <= s.second) continue;  // each unordered pair of areas once, from the lower
      double t0x = bg::get<0>(t.first.first) - bg::get<0>(p);
      double t0y = bg::get<1>(t.first.first) - bg::get<1>(p);
      double t1x = bg::get<0>(t.first.second) - bg::get<0>(p);
      double t1y = bg::get<1>(t.first.second) - bg::get<1>(p);
      // Perpendicular offsets of t's endpoints from s's line.
      if (std::abs(t0x * uy - t0y * ux) > tol || std::abs(t1x * uy - t1y * ux) > tol) continue;
      double a = t0x * ux + t0y * uy, b = t1x * ux + t1y * uy;
      double overlap = std::min(len, std::max(a, b)) - std::max(0.0, std::min(a, b));
      if (overlap > tol) border[{s.second, t.second}] += overlap;
    }
  }
  std::vector<Adjacency> out;
  for (const auto& [key, len] : border)
    if (len > min_border_m) out.push_back({key.first, key.second, len});
  return out;
}

std::string AreaSet::to_wkb(std::size_t i) const {
  const auto& parts = impl_->polygons[checked_index(i, size())];
  std::string s;
  s.push_back(1);
  put_u32(s, 6);
  put_u32(s, static_cast<std::uint32_t>(parts.size()));
  for (const PolygonRings& part : parts) {
    s.push_back(1);
    put_u32(s, 3);
    put_u32(s, static_cast<std::uint32_t>(part.size()));
    for (const Ring& r : part) {
      put_u32(s, static_cast<std::uint32_t>(r.size()));
      for (const XY& p : r) {
        put_f64(s, p.x);
        put_f64(s, p.y);
      }
    }
  }
  return s;
}

AreaSet AreaSet::dissolve(std::span<const std::int64_t> labels,
                          std::vector<std::string> ids) const {
  detail::ensure_gdal();
  detail::GdalErrors gdal_errors;
  if (labels.size() != size()) {
    throw InvalidInput("dissolve: " + std::to_string(labels.size()) + " labels for " +
                       std::to_string(size()) + " areas");
  }
  std::int64_t k = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0)
      throw InvalidInput("dissolve: area '" + impl_->ids[i] + "' has a negative label");
    // Every label 0..k-1 needs an area, so k <= size(): reject larger labels before
    // allocating k groups (a label of 2**40 would reserve gigabytes).
    if (labels[i] >= static_cast<std::int64_t>(labels.size()))
      throw InvalidInput("dissolve: label " + std::to_string(labels[i]) + " of area '" +
                         impl_->ids[i] + "' exceeds the number of areas (" +
                         std::to_string(labels.size()) + "); labels must be 0..k-1");
    k = std::max(k, labels[i] + 1);
  }
  if (ids.empty())
    for (std::int64_t g = 0; g < k; ++g) ids.push_back(std::to_string(g));
  if (static_cast<std::int64_t>(ids.size()) != k) {
    throw InvalidInput("dissolve: " + std::to_string(ids.size()) + " ids for " + std::to_string(k) +
                       " labels");
  }
  std::vector<OGRMultiPolygon> groups(k);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (const PolygonRings& part : impl_->polygons[i]) {
      OGRPolygon poly;
      for (const Ring& r : part) {
        OGRLinearRing ring;
        for (const XY& p : r) ring.addPoint(p.x, p.y);
        poly.addRing(&ring);
      }
      groups[labels[i]].addGeometry(&poly);
    }
  }
  std::vector<std::vector<PolygonRings>> polys(k);
  for (std::int64_t g = 0; g < k; ++g) {
    if (groups[g].IsEmpty())
      throw InvalidInput("dissolve: label " + std::to_string(g) + " has no areas");
    std::unique_ptr<OGRGeometry> u(groups[g].UnionCascaded());
    if (u == nullptr)
      throw GeometryError("dissolve: union failed for label " + std::to_string(g) + ": " +
                          take_gdal_error());
    collect_polygons(u.get(), polys[g], /*strict=*/false);
  }
  return AreaSet(Impl::make(std::move(polys), std::move(ids), impl_->crs, ""));
}

void AreaSet::to_file(const std::string& path, const std::string& id_field,
                      const std::string& layer_name) const {
  detail::ensure_gdal();
  detail::GdalErrors gdal_errors;
  std::string driver_name = detail::driver_for_path(path);
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
  if (driver == nullptr) throw FileError("GDAL driver " + driver_name + " is not available");
  if (std::filesystem::exists(path)) driver->Delete(path.c_str());
  CPLErrorReset();
  detail::DatasetPtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw FileError("cannot create '" + path + "': " + take_gdal_error());
  OGRSpatialReference srs = detail::parse_crs(impl_->crs, "AreaSet CRS");
  CPLStringList create_options;  // CSV: the polygons as a WKT column (else GDAL drops them)
  if (driver_name == "CSV") create_options.SetNameValue("GEOMETRY", "AS_WKT");
  OGRLayer* layer =
      ds->CreateLayer(layer_name.c_str(), &srs, wkbMultiPolygon, create_options.List());
  if (layer == nullptr)
    throw FileError("cannot create layer in '" + path + "': " + take_gdal_error());
  OGRFieldDefn fd(id_field.c_str(), OFTString);
  if (layer->CreateField(&fd) != OGRERR_NONE)
    throw FileError("cannot create field in '" + path + "'");
  for (std::size_t i = 0; i < size(); ++i) {
    OGRFeature feature(layer->GetLayerDefn());
    feature.SetField(0, impl_->ids[i].c_str());
    feature.SetGeometryDirectly(to_ogr(impl_->polygons[i]).release());
    if (layer->CreateFeature(&feature) != OGRERR_NONE)
      throw FileError("cannot write area '" + impl_->ids[i] + "' to '" + path + "'");
  }
}

void transform_points(std::span<double> xy, const std::string& from_crs,
                      const std::string& to_crs) {
  if (xy.size() % 2 != 0) throw InvalidInput("transform_points: odd number of coordinates");
  detail::ensure_gdal();
  detail::GdalErrors gdal_errors;
  OGRSpatialReference from = detail::parse_crs(from_crs, "source CRS");
  OGRSpatialReference to = detail::parse_crs(to_crs, "target CRS");
  detail::TransformPtr ct = detail::make_transform(from, to);
  detail::transform_xy(ct.get(), xy);
}

}  // namespace libmatch
