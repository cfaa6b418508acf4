// RoadNetwork construction: noding lines into a graph, the CSR arcs, the snapping grid and
// the connected components.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>
#include <tuple>
#include <unordered_map>

#include "libmatch/error.hpp"
#include "travel_internal.hpp"

namespace libmatch {

namespace detail {

namespace {

/// Squared distance from P to segment s and the clamped projection parameter t.
inline double seg_dist2(const Segment& s, double px, double py, double& t) {
  const double dx = s.bx - s.ax, dy = s.by - s.ay;
  const double l2 = dx * dx + dy * dy;
  double u = 0.0;
  if (l2 > 0) {
    u = ((px - s.ax) * dx + (py - s.ay) * dy) / l2;
    u = u < 0 ? 0.0 : (u > 1 ? 1.0 : u);
  }
  // Exact end points at u == 0 / 1, so that a point on a vertex is at distance 0.
  const double qx = u == 0 ? s.ax : (u == 1 ? s.bx : s.ax + u * dx);
  const double qy = u == 0 ? s.ay : (u == 1 ? s.by : s.ay + u * dy);
  const double ex = px - qx, ey = py - qy;
  t = u;
  return ex * ex + ey * ey;
}

}  // namespace

void SegmentGrid::build(const std::vector<Segment>& segs) {
  const std::int64_t n = static_cast<std::int64_t>(segs.size());
  nx_ = ny_ = 0;
  offsets_.assign(1, 0);
  items_.clear();
  if (n == 0) return;
  double minx = segs[0].ax, maxx = minx, miny = segs[0].ay, maxy = miny, total = 0;
  for (const auto& s : segs) {
    minx = std::min({minx, s.ax, s.bx});
    maxx = std::max({maxx, s.ax, s.bx});
    miny = std::min({miny, s.ay, s.by});
    maxy = std::max({maxy, s.ay, s.by});
    total += std::hypot(s.bx - s.ax, s.by - s.ay);
  }
  const double w = maxx - minx, h = maxy - miny;
  double cell = std::max(std::sqrt(w * h / static_cast<double>(n)), total / static_cast<double>(n));
  if (!(cell > 0) || !std::isfinite(cell)) cell = std::max({w, h, 1.0});
  for (;;) {
    nx_ = floor_to_i64(w / cell) + 1;
    ny_ = floor_to_i64(h / cell) + 1;
    if (static_cast<double>(nx_) * static_cast<double>(ny_) <= 4.0 * static_cast<double>(n) + 16)
      break;
    cell *= 1.5;
  }
  x0_ = minx;
  y0_ = miny;
  cell_ = cell;

  // Cells crossed by a segment: it is cut into pieces no longer than a cell, and each
  // piece lists the cells of its (slightly grown) bounding box.
  std::vector<std::int64_t> cells;
  auto cells_of = [&](const Segment& s) {
    cells.clear();
    const double len = std::hypot(s.bx - s.ax, s.by - s.ay);
    const std::int64_t k =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(len / cell_)));
    const double eps = 1e-9 * cell_;
    for (std::int64_t p = 0; p < k; ++p) {
      const double t0 = static_cast<double>(p) / static_cast<double>(k);
      const double t1 = static_cast<double>(p + 1) / static_cast<double>(k);
      const double xa = s.ax + (s.bx - s.ax) * t0, xb = s.ax + (s.bx - s.ax) * t1;
      const double ya = s.ay + (s.by - s.ay) * t0, yb = s.ay + (s.by - s.ay) * t1;
      std::int64_t cx0 = std::clamp<std::int64_t>(
          floor_to_i64((std::min(xa, xb) - eps - x0_) / cell_), 0, nx_ - 1);
      std::int64_t cx1 = std::clamp<std::int64_t>(
          floor_to_i64((std::max(xa, xb) + eps - x0_) / cell_), 0, nx_ - 1);
      std::int64_t cy0 = std::clamp<std::int64_t>(
          floor_to_i64((std::min(ya, yb) - eps - y0_) / cell_), 0, ny_ - 1);
      std::int64_t cy1 = std::clamp<std::int64_t>(
          floor_to_i64((std::max(ya, yb) + eps - y0_) / cell_), 0, ny_ - 1);
      for (std::int64_t cy = cy0; cy <= cy1; ++cy)
        for (std::int64_t cx = cx0; cx <= cx1; ++cx) cells.push_back(cy * nx_ + cx);
    }
    std::sort(cells.begin(), cells.end());
    cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  };
  offsets_.assign(static_cast<std::size_t>(nx_ * ny_ + 1), 0);
  for (const auto& s : segs) {
    cells_of(s);
    for (auto c : cells) ++offsets_[c + 1];
  }
  for (std::size_t i = 1; i < offsets_.size(); ++i) offsets_[i] += offsets_[i - 1];
  items_.resize(static_cast<std::size_t>(offsets_.back()));
  std::vector<std::int64_t> fill(offsets_.begin(), offsets_.end() - 1);
  for (std::int64_t i = 0; i < n; ++i) {
    cells_of(segs[i]);
    for (auto c : cells) items_[fill[c]++] = static_cast<std::uint32_t>(i);
  }
}

std::int64_t SegmentGrid::nearest(const std::vector<Segment>& segs, double px, double py,
                                  double max_d, double& best_d2, double& best_t) const {
  best_d2 = std::numeric_limits<double>::infinity();
  best_t = 0;
  if (nx_ == 0 || !std::isfinite(px) || !std::isfinite(py) || !(max_d >= 0)) return -1;
  const double gx1 = x0_ + static_cast<double>(nx_) * cell_,
               gy1 = y0_ + static_cast<double>(ny_) * cell_;
  const double ox = std::max({0.0, x0_ - px, px - gx1}), oy = std::max({0.0, y0_ - py, py - gy1});
  if (std::hypot(ox, oy) > max_d) return -1;
  const double max_d2 = max_d * max_d;
  constexpr std::int64_t lim = std::int64_t{1} << 40;
  const std::int64_t cx = std::clamp<std::int64_t>(floor_to_i64((px - x0_) / cell_), -lim, lim);
  const std::int64_t cy = std::clamp<std::int64_t>(floor_to_i64((py - y0_) / cell_), -lim, lim);
  const std::int64_t dx0 = cx < 0 ? -cx : (cx > nx_ - 1 ? cx - (nx_ - 1) : 0);
  const std::int64_t dy0 = cy < 0 ? -cy : (cy > ny_ - 1 ? cy - (ny_ - 1) : 0);
  const std::int64_t r0 = std::max(dx0, dy0);
  const std::int64_t rmax =
      std::max({std::abs(cx), std::abs(cx - (nx_ - 1)), std::abs(cy), std::abs(cy - (ny_ - 1))});
  std::int64_t best = -1;

  auto visit = [&](std::int64_t x, std::int64_t y) {
    if (x < 0 || y < 0 || x >= nx_ || y >= ny_) return;
    const std::int64_t c = y * nx_ + x;
    for (std::int64_t k = offsets_[c]; k < offsets_[c + 1]; ++k) {
      const std::int64_t s = items_[k];
      double t;
      const double d2 = seg_dist2(segs[s], px, py, t);
      if (d2 > max_d2) continue;
      if (d2 < best_d2 || (d2 == best_d2 && s < best)) {
        best_d2 = d2;
        best = s;
        best_t = t;
      }
    }
  };
  for (std::int64_t r = r0; r <= rmax; ++r) {
    if (r == 0) {
      visit(cx, cy);
    } else {
      const std::int64_t xa = std::max(cx - r, std::int64_t{0}), xb = std::min(cx + r, nx_ - 1);
      const std::int64_t ya = std::max(cy - r + 1, std::int64_t{0}),
                         yb = std::min(cy + r - 1, ny_ - 1);
      for (std::int64_t x = xa; x <= xb; ++x) {
        visit(x, cy - r);
        visit(x, cy + r);
      }
      for (std::int64_t y = ya; y <= yb; ++y) {
        visit(cx - r, y);
        visit(cx + r, y);
      }
    }
    // Every segment point within d of P lies in the block of rings 0..r.
    const double bx0 = x0_ + static_cast<double>(cx - r) * cell_,
                 bx1 = x0_ + static_cast<double>(cx + r + 1) * cell_;
    const double by0 = y0_ + static_cast<double>(cy - r) * cell_,
                 by1 = y0_ + static_cast<double>(cy + r + 1) * cell_;
    const double d = std::min({px - bx0, bx1 - px, py - by0, by1 - py});
    if (d > 0 && best >= 0 && best_d2 < d * d) break;
    if (d > max_d) break;
  }
  return best;
}

}  // namespace detail

namespace {

using detail::format_number;

/// Ranks points along a Z-order (Morton) curve over their bounding box; ties keep the
/// input order. Nodes near each other then get nearby ids, so a search touches fewer
/// cache lines.
std::vector<std::int64_t> zorder(const std::vector<double>& xy,
                                 const std::vector<std::int64_t>& ids) {
  double minx = std::numeric_limits<double>::infinity(), miny = minx, maxx = -minx, maxy = -minx;
  for (auto c : ids) {
    minx = std::min(minx, xy[2 * c]);
    maxx = std::max(maxx, xy[2 * c]);
    miny = std::min(miny, xy[2 * c + 1]);
    maxy = std::max(maxy, xy[2 * c + 1]);
  }
  // Inputs are checked (check_coordinate); still, never cast a non-finite or out-of-range
  // value to an integer.
  const double span = std::max({maxx - minx, maxy - miny, 1e-9});
  const double scale = std::isfinite(span) ? 2097151.0 / span : 0.0;
  auto quantise = [&](double v) -> std::uint64_t {
    const double q = v * scale;
    if (!(q > 0)) return 0;  // also NaN
    return q >= 2097151.0 ? 2097151 : static_cast<std::uint64_t>(q);
  };
  auto spread = [](std::uint64_t v) {  // 21 bits -> the even bits of 42
    v &= 0x1FFFFF;
    v = (v | (v << 16)) & 0x0000FFFF0000FFFFULL;
    v = (v | (v << 8)) & 0x00FF00FF00FF00FFULL;
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FULL;
    v = (v | (v << 2)) & 0x3333333333333333ULL;
    v = (v | (v << 1)) & 0x5555555555555555ULL;
    return v;
  };
  std::vector<std::pair<std::uint64_t, std::int64_t>> keyed;
  keyed.reserve(ids.size());
  for (auto c : ids) {
    const std::uint64_t qx = quantise(xy[2 * c] - minx);
    const std::uint64_t qy = quantise(xy[2 * c + 1] - miny);
    keyed.emplace_back(spread(qx) | (spread(qy) << 1), c);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::int64_t> out;
  out.reserve(keyed.size());
  for (const auto& kc : keyed) out.push_back(kc.second);
  return out;
}

void check_options(const RoadNetworkOptions& o) {
  if (!(o.snap_max_m >= 0)) {
    throw InvalidInput("snap_max_m must be >= 0 (got " + format_number(o.snap_max_m) + ")");
  }
  if (!(std::isfinite(o.snap_speed_kmh) && o.snap_speed_kmh > 0)) {
    throw InvalidInput("snap_speed_kmh must be a finite number > 0 (got " +
                       format_number(o.snap_speed_kmh) + ")");
  }
  if (!(std::isfinite(o.node_tolerance_m) && o.node_tolerance_m >= 0)) {
    throw InvalidInput("node_tolerance_m must be a finite number >= 0 (got " +
                       format_number(o.node_tolerance_m) + ")");
  }
  detail::require_projected_crs(o.crs);
}

struct CellKey {
  std::int64_t x, y;
  bool operator==(const CellKey&) const = default;
};
struct CellHash {
  std::size_t operator()(const CellKey& k) const noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(k.x) * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<std::uint64_t>(k.y) + 0x7F4A7C159E3779B9ULL + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h);
  }
};

/// Clusters points: each point joins the earliest cluster whose first point lies within
/// `tol` (tol == 0: identical coordinates), else starts a new one. Deterministic.
std::vector<std::int64_t> cluster_points(const std::vector<double>& xy, double tol,
                                         std::vector<double>& rep_xy) {
  const std::size_t n = xy.size() / 2;
  std::vector<std::int64_t> cluster(n);
  std::unordered_map<CellKey, std::int64_t, CellHash> head;  // cell -> last cluster in cell
  head.reserve(n);
  std::vector<std::int64_t> next;  // cluster -> previous in cell
  rep_xy.clear();
  const double tol2 = tol * tol;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = xy[2 * i] + 0.0, y = xy[2 * i + 1] + 0.0;  // + 0.0: -0 -> 0
    std::int64_t found = -1;
    CellKey key;
    if (tol > 0) {
      key = {detail::floor_to_i64(x / tol), detail::floor_to_i64(y / tol)};
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        for (std::int64_t dx = -1; dx <= 1; ++dx) {
          auto it = head.find({key.x + dx, key.y + dy});
          if (it == head.end()) continue;
          for (std::int64_t c = it->second; c >= 0; c = next[c]) {
            const double ex = rep_xy[2 * c] - x, ey = rep_xy[2 * c + 1] - y;
            if (ex * ex + ey * ey <= tol2 && (found < 0 || c < found)) found = c;
          }
        }
      }
    } else {
      key = {std::bit_cast<std::int64_t>(x), std::bit_cast<std::int64_t>(y)};
      auto it = head.find(key);
      if (it != head.end()) found = it->second;
    }
    if (found < 0) {
      found = static_cast<std::int64_t>(rep_xy.size() / 2);
      rep_xy.push_back(x);
      rep_xy.push_back(y);
      auto [it, inserted] = head.try_emplace(key, found);
      next.push_back(inserted ? -1 : it->second);
      it->second = found;
    }
    cluster[i] = found;
  }
  return cluster;
}

std::string line_name(const detail::LineInput& in, std::size_t line) {
  if (!in.fid.empty()) {
    return "feature " + std::to_string(in.fid[line]) + (in.what.empty() ? "" : " of " + in.what);
  }
  return "line " + std::to_string(line) + (in.what.empty() ? "" : " of " + in.what);
}

}  // namespace

RoadNetworkOptions RoadNetworkOptions::osm_car() {
  RoadNetworkOptions o;
  o.layer = "lines";
  o.speed_field = "maxspeed";
  o.class_field = "highway";
  o.class_speeds = {
      {"motorway", 100}, {"motorway_link", 60}, {"trunk", 80},        {"trunk_link", 50},
      {"primary", 70},   {"primary_link", 50},  {"secondary", 60},    {"secondary_link", 50},
      {"tertiary", 50},  {"tertiary_link", 40}, {"unclassified", 40}, {"residential", 30},
      {"road", 30},      {"living_street", 15}, {"service", 20},      {"track", 15}};
  o.skip_classes = {"",         "footway",    "cycleway",     "path",     "pedestrian",
                    "steps",    "bridleway",  "corridor",     "platform", "construction",
                    "proposed", "abandoned",  "bus_guideway", "busway",   "raceway",
                    "elevator", "via_ferrata"};
  o.default_speed_kmh = 30.0;
  o.oneway_field = "oneway";
  return o;
}

namespace {

/// Throws unless `in` holds consistent lines with valid speeds, flags and coordinates.
void check_lines(const detail::LineInput& in) {
  const std::size_t n_lines = in.speed_kmh.size();
  if (in.offsets.size() != n_lines + 1 || in.offsets.front() != 0 ||
      in.offsets.back() != static_cast<std::int64_t>(in.xy.size() / 2) || in.xy.size() % 2) {
    throw InvalidInput(
        "line_offsets must have one entry per line plus one, start at 0, ascend "
        "and end at the number of vertices");
  }
  if (!in.oneway.empty() && in.oneway.size() != n_lines) {
    throw InvalidInput("oneway must be empty or have one entry per line (" +
                       std::to_string(n_lines) + ")");
  }
  for (std::size_t l = 0; l < n_lines; ++l) {
    if (in.offsets[l + 1] < in.offsets[l]) {
      throw InvalidInput("line_offsets must ascend (entry " + std::to_string(l + 1) + ")");
    }
    const double v = in.speed_kmh[l];
    if (!(std::isfinite(v) && v > 0)) {
      throw InvalidInput("speed of " + line_name(in, l) + " must be a finite number > 0 km/h");
    }
    if (!in.oneway.empty()) {
      auto o = static_cast<int>(in.oneway[l]);
      if (o < -1 || o > 1) {
        throw InvalidInput("oneway of " + line_name(in, l) + " must be -1, 0 or 1");
      }
    }
    for (std::int64_t k = in.offsets[l]; k < in.offsets[l + 1]; ++k) {
      detail::check_coordinate(in.xy[2 * k], in.xy[2 * k + 1], line_name(in, l));
    }
  }
  if (n_lines == 0) {
    throw GeometryError("no lines to build a road network from" +
                        (in.what.empty() ? std::string() : " (" + in.what + ")"));
  }
}

}  // namespace

std::shared_ptr<const RoadNetwork::Impl> RoadNetwork::Impl::build_from_lines(
    detail::LineInput in, const RoadNetworkOptions& options, std::int64_t skipped,
    std::string source) {
  check_options(options);
  check_lines(in);
  const std::size_t n_lines = in.speed_kmh.size();

  // 1. Vertices within the tolerance become one point (the cluster's first vertex).
  std::vector<double> rep;
  const std::vector<std::int64_t> cl = cluster_points(in.xy, options.node_tolerance_m, rep);
  const std::size_t n_clusters = rep.size() / 2;

  // 2. Each line as a cluster sequence without repeats; nodes = line ends and clusters
  //    visited more than once.
  std::vector<std::int64_t> seq_offsets{0}, seq;
  std::vector<std::int32_t> visits(n_clusters, 0);
  std::vector<char> is_end(n_clusters, 0);
  std::vector<std::size_t> kept_lines;
  for (std::size_t l = 0; l < n_lines; ++l) {
    const std::size_t start = seq.size();
    for (std::int64_t k = in.offsets[l]; k < in.offsets[l + 1]; ++k) {
      if (seq.size() > start && seq.back() == cl[k]) continue;
      seq.push_back(cl[k]);
    }
    if (seq.size() - start < 2) {  // degenerate: fewer than two distinct points
      seq.resize(start);
      ++skipped;
      continue;
    }
    for (std::size_t k = start; k < seq.size(); ++k) ++visits[seq[k]];
    is_end[seq[start]] = is_end[seq.back()] = 1;
    seq_offsets.push_back(static_cast<std::int64_t>(seq.size()));
    kept_lines.push_back(l);
  }
  if (kept_lines.empty()) {
    throw GeometryError("no line with two distinct points to build a road network from" +
                        (in.what.empty() ? std::string() : " (" + in.what + ")"));
  }

  auto impl = std::make_shared<Impl>();
  impl->options = options;
  impl->source = std::move(source);
  impl->skipped = skipped;
  // Node ids follow a Z-order curve (see zorder()).
  std::vector<std::int64_t> node_clusters;
  for (std::size_t c = 0; c < n_clusters; ++c) {
    if (is_end[c] || visits[c] >= 2) node_clusters.push_back(static_cast<std::int64_t>(c));
  }
  std::vector<std::int64_t> node_of(n_clusters, -1);
  for (const std::int64_t c : zorder(rep, node_clusters)) {
    node_of[c] = static_cast<std::int64_t>(impl->node_xy.size() / 2);
    impl->node_xy.push_back(rep[2 * c]);
    impl->node_xy.push_back(rep[2 * c + 1]);
  }
  auto node_id = [&](std::int64_t c) { return node_of[c]; };

  // 3. Split each line at its nodes into edges.
  std::vector<std::int64_t> poly_offsets{0};
  std::vector<double> poly_xy;
  for (std::size_t li = 0; li < kept_lines.size(); ++li) {
    const std::size_t l = kept_lines[li];
    const double speed = in.speed_kmh[l];
    const OneWay ow = in.oneway.empty() ? OneWay::Both : in.oneway[l];
    std::int64_t a = seq[seq_offsets[li]];
    std::int64_t from = node_id(a);
    poly_xy.push_back(rep[2 * a]);
    poly_xy.push_back(rep[2 * a + 1]);
    for (std::int64_t k = seq_offsets[li] + 1; k < seq_offsets[li + 1]; ++k) {
      const std::int64_t c = seq[k];
      poly_xy.push_back(rep[2 * c]);
      poly_xy.push_back(rep[2 * c + 1]);
      const bool last = k + 1 == seq_offsets[li + 1];
      if (last || is_end[c] || visits[c] >= 2) {
        const std::int64_t to = node_id(c);
        impl->edge_from.push_back(from);
        impl->edge_to.push_back(to);
        impl->edge_speed_kmh.push_back(speed);
        impl->edge_oneway.push_back(ow);
        poly_offsets.push_back(static_cast<std::int64_t>(poly_xy.size() / 2));
        from = to;
        if (!last) {
          poly_xy.push_back(rep[2 * c]);
          poly_xy.push_back(rep[2 * c + 1]);
        }
      }
    }
  }
  impl->finish(poly_offsets, poly_xy);
  return impl;
}

void RoadNetwork::Impl::finish(const std::vector<std::int64_t>& poly_offsets,
                               const std::vector<double>& poly_xy) {
  const std::int64_t n = static_cast<std::int64_t>(node_xy.size() / 2);
  const std::int64_t ne = static_cast<std::int64_t>(edge_from.size());
  // Node ids and arc indices are 32-bit in the search (two arcs per edge at most).
  if (n >= static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max()) ||
      ne >= static_cast<std::int64_t>(std::numeric_limits<std::int32_t>::max())) {
    throw InvalidInput(
        "road network too large: at most 4,294,967,294 nodes and 2,147,483,646 edges");
  }
  build_segments(poly_offsets, poly_xy);
  choose_units();
  build_internal_order();
  build_arcs();
  build_components();
  build_scc();
}

void RoadNetwork::Impl::build_segments(const std::vector<std::int64_t>& poly_offsets,
                                       const std::vector<double>& poly_xy) {
  const std::int64_t ne = static_cast<std::int64_t>(edge_from.size());
  // Segments (snapping) and geometric edge lengths; `along` sums in vertex order so that a
  // point on the last vertex is exactly at the edge's end.
  const bool given_length = !edge_length_m.empty();
  edge_geom_m.assign(ne, 0.0);
  segments.clear();
  for (std::int64_t e = 0; e < ne; ++e) {
    double along = 0;
    for (std::int64_t k = poly_offsets[e]; k + 1 < poly_offsets[e + 1]; ++k) {
      detail::Segment s{
          poly_xy[2 * k], poly_xy[2 * k + 1], poly_xy[2 * k + 2], poly_xy[2 * k + 3], along, e};
      const double dx = s.bx - s.ax, dy = s.by - s.ay;
      along += std::sqrt(dx * dx + dy * dy);
      segments.push_back(s);
    }
    edge_geom_m[e] = along;
  }
  if (!given_length) edge_length_m = edge_geom_m;
  edge_minutes.resize(ne);
  min_speed_kmh = options.snap_speed_kmh;
  for (std::int64_t e = 0; e < ne; ++e) {
    edge_minutes[e] = edge_length_m[e] / 1000.0 / edge_speed_kmh[e] * 60.0;
    min_speed_kmh = std::min(min_speed_kmh, edge_speed_kmh[e]);
  }
  grid.build(segments);
}

void RoadNetwork::Impl::choose_units() {
  // Both directions of every edge plus two edge parts (a path's end pieces) stay below
  // 2^52 ticks / units: every simple path and its parts then convert to double exactly.
  // No finer than 2^-20 minutes / km (57 microseconds, under a millimetre): then paths up
  // to 1,024 minutes and km fit the hierarchy sweep's packed 64-bit labels.
  constexpr int kFinestExp = 20;
  double total_min = 0, total_km = 0, max_min = 0, max_km = 0;
  for (std::size_t e = 0; e < edge_minutes.size(); ++e) {
    total_min += 2 * edge_minutes[e];
    total_km += 2 * edge_length_m[e] / 1000.0;
    max_min = std::max(max_min, edge_minutes[e]);
    max_km = std::max(max_km, edge_length_m[e] / 1000.0);
  }
  auto exponent = [](double total) {
    int e = 0;
    std::frexp(std::max(total, 1e-300), &e);  // total < 2^e
    return std::clamp(51 - e, -60, 48);
  };
  tick_exp = std::min(kFinestExp, exponent((total_min + 2 * max_min) * (1 + 1e-9) + 1.0));
  unit_exp = std::min(kFinestExp, exponent((total_km + 2 * max_km) * (1 + 1e-9) + 1.0));
  minutes_per_tick = std::ldexp(1.0, -tick_exp);
  km_per_unit = std::ldexp(1.0, -unit_exp);
}

void RoadNetwork::Impl::build_internal_order() {
  // Internal node order for the search: Z-order (identity for networks built from lines,
  // whose ids already follow it). Public accessors speak the caller's node ids.
  const std::int64_t n = static_cast<std::int64_t>(node_xy.size() / 2);
  std::vector<std::int64_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  const std::vector<std::int64_t> order = zorder(node_xy, all);
  to_internal.clear();
  to_user.clear();
  if (!std::equal(order.begin(), order.end(), all.begin())) {
    to_internal.resize(n);
    to_user.resize(n);
    for (std::int64_t r = 0; r < n; ++r) {
      to_user[r] = static_cast<std::uint32_t>(order[r]);
      to_internal[order[r]] = static_cast<std::uint32_t>(r);
    }
  }
}

void RoadNetwork::Impl::build_arcs() {
  // Directed arcs (internal ids), parallel ones reduced to the fastest (then shortest).
  const std::int64_t n = static_cast<std::int64_t>(node_xy.size() / 2);
  const std::int64_t ne = static_cast<std::int64_t>(edge_from.size());
  struct Tmp {
    std::uint32_t tail, head;
    std::uint64_t ticks, units;
  };
  std::vector<Tmp> tmp;
  tmp.reserve(2 * ne);
  for (std::int64_t e = 0; e < ne; ++e) {
    const std::uint32_t u = internal(edge_from[e]), v = internal(edge_to[e]);
    if (u == v) continue;
    const std::uint64_t units = to_units(edge_length_m[e] / 1000.0);
    // A positive length takes at least one tick (keeps Dijkstra's km tie rule exact).
    const std::uint64_t ticks = std::max<std::uint64_t>(to_ticks(edge_minutes[e]), units > 0);
    if (edge_oneway[e] != OneWay::Reverse) tmp.push_back({u, v, ticks, units});
    if (edge_oneway[e] != OneWay::Forward) tmp.push_back({v, u, ticks, units});
  }
  std::sort(tmp.begin(), tmp.end(), [](const Tmp& a, const Tmp& b) {
    return std::tie(a.tail, a.head, a.ticks, a.units) < std::tie(b.tail, b.head, b.ticks, b.units);
  });
  offsets.assign(n + 1, 0);
  arcs.clear();
  arcs.reserve(tmp.size());
  arc_units.clear();
  arc_units.reserve(tmp.size());
  for (std::size_t i = 0; i < tmp.size(); ++i) {
    if (i > 0 && tmp[i].tail == tmp[i - 1].tail && tmp[i].head == tmp[i - 1].head) continue;
    arcs.push_back({tmp[i].ticks, tmp[i].head});
    arc_units.push_back(tmp[i].units);
    ++offsets[tmp[i].tail + 1];
  }
  for (std::int64_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];
}

void RoadNetwork::Impl::build_components() {
  // Weakly connected parts (union-find over edges).
  const std::int64_t n = static_cast<std::int64_t>(node_xy.size() / 2);
  const std::int64_t ne = static_cast<std::int64_t>(edge_from.size());
  std::vector<std::int64_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](std::int64_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (std::int64_t e = 0; e < ne; ++e) {
    std::int64_t a = find(edge_from[e]), b = find(edge_to[e]);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
  n_weak = 0;
  for (std::int64_t i = 0; i < n; ++i) n_weak += find(i) == i;
}

void RoadNetwork::Impl::build_scc() {
  // Strongly connected components (iterative Tarjan) and the condensation DAG.
  const std::int64_t n = static_cast<std::int64_t>(node_xy.size() / 2);
  constexpr std::uint32_t unset = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> index(n, unset), low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<std::uint32_t> stack;
  std::vector<std::pair<std::uint32_t, std::int64_t>> calls;
  scc.assign(n, unset);
  std::uint32_t next_index = 0, next_comp = 0;
  for (std::int64_t s = 0; s < n; ++s) {
    if (index[s] != unset) continue;
    index[s] = low[s] = next_index++;
    stack.push_back(static_cast<std::uint32_t>(s));
    on_stack[s] = 1;
    calls.emplace_back(static_cast<std::uint32_t>(s), offsets[s]);
    while (!calls.empty()) {
      const std::uint32_t v = calls.back().first;
      const std::int64_t pos = calls.back().second;
      if (pos < offsets[v + 1]) {
        calls.back().second = pos + 1;
        const std::uint32_t w = arcs[pos].head;
        if (index[w] == unset) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          on_stack[w] = 1;
          calls.emplace_back(w, offsets[w]);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
      } else {
        if (low[v] == index[v]) {
          std::uint32_t w;
          do {
            w = stack.back();
            stack.pop_back();
            on_stack[w] = 0;
            scc[w] = next_comp;
          } while (w != v);
          ++next_comp;
        }
        calls.pop_back();
        if (!calls.empty()) {
          const std::uint32_t u = calls.back().first;
          low[u] = std::min(low[u], low[v]);
        }
      }
    }
  }
  n_scc = next_comp;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> dag;
  for (std::int64_t u = 0; u < n; ++u) {
    for (std::int64_t k = offsets[u]; k < offsets[u + 1]; ++k) {
      const std::uint32_t a = scc[u], b = scc[arcs[k].head];
      if (a != b) dag.emplace_back(a, b);
    }
  }
  std::sort(dag.begin(), dag.end());
  dag.erase(std::unique(dag.begin(), dag.end()), dag.end());
  dag_offsets.assign(n_scc + 1, 0);
  dag_head.resize(dag.size());
  for (std::size_t i = 0; i < dag.size(); ++i) {
    ++dag_offsets[dag[i].first + 1];
    dag_head[i] = dag[i].second;
  }
  for (std::int64_t i = 0; i < n_scc; ++i) dag_offsets[i + 1] += dag_offsets[i];
}

RoadNetwork::RoadNetwork(std::shared_ptr<const Impl> impl,
                         std::shared_ptr<const detail::Hierarchy> ch)
    : impl_(std::move(impl)), ch_(std::move(ch)) {}

RoadNetwork RoadNetwork::from_lines(std::span<const std::int64_t> line_offsets,
                                    std::span<const double> vertices_xy,
                                    std::span<const double> speed_kmh,
                                    std::span<const OneWay> oneway,
                                    const RoadNetworkOptions& options) {
  detail::LineInput in;
  in.offsets.assign(line_offsets.begin(), line_offsets.end());
  in.xy.assign(vertices_xy.begin(), vertices_xy.end());
  in.speed_kmh.assign(speed_kmh.begin(), speed_kmh.end());
  in.oneway.assign(oneway.begin(), oneway.end());
  if (in.offsets.empty()) in.offsets.push_back(0);
  return RoadNetwork(Impl::build_from_lines(std::move(in), options, 0, "lines"));
}

RoadNetwork RoadNetwork::from_edges(std::span<const double> node_xy,
                                    std::span<const std::int64_t> edge_from,
                                    std::span<const std::int64_t> edge_to,
                                    std::span<const double> speed_kmh,
                                    std::span<const double> length_m,
                                    std::span<const OneWay> oneway,
                                    const RoadNetworkOptions& options) {
  check_options(options);
  detail::check_xy(node_xy, "node");
  const std::int64_t n = static_cast<std::int64_t>(node_xy.size() / 2);
  const std::size_t ne = edge_from.size();
  if (edge_to.size() != ne || speed_kmh.size() != ne ||
      (!length_m.empty() && length_m.size() != ne) || (!oneway.empty() && oneway.size() != ne)) {
    throw InvalidInput(
        "edge_from, edge_to, speed_kmh (and length_m, oneway when given) must have "
        "the same length (" +
        std::to_string(ne) + ")");
  }
  if (ne == 0) throw InvalidInput("road network has no edges");
  for (std::int64_t i = 0; i < n; ++i) {
    detail::check_coordinate(node_xy[2 * i], node_xy[2 * i + 1], "node " + std::to_string(i));
  }
  auto impl = std::make_shared<Impl>();
  impl->options = options;
  impl->source = "edges";
  impl->node_xy.assign(node_xy.begin(), node_xy.end());
  std::vector<std::int64_t> poly_offsets{0};
  std::vector<double> poly_xy;
  poly_xy.reserve(4 * ne);
  for (std::size_t e = 0; e < ne; ++e) {
    const std::int64_t u = edge_from[e], v = edge_to[e];
    if (u < 0 || u >= n || v < 0 || v >= n) {
      throw InvalidInput("edge " + std::to_string(e) + " refers to node " +
                         std::to_string(u < 0 || u >= n ? u : v) + "; nodes are 0.." +
                         std::to_string(n - 1));
    }
    if (!(std::isfinite(speed_kmh[e]) && speed_kmh[e] > 0)) {
      throw InvalidInput("speed of edge " + std::to_string(e) +
                         " must be a finite number > 0 km/h");
    }
    if (!length_m.empty() && !(std::isfinite(length_m[e]) && length_m[e] >= 0)) {
      throw InvalidInput("length of edge " + std::to_string(e) + " must be a finite number >= 0 m");
    }
    if (!oneway.empty() && (static_cast<int>(oneway[e]) < -1 || static_cast<int>(oneway[e]) > 1)) {
      throw InvalidInput("oneway of edge " + std::to_string(e) + " must be -1, 0 or 1");
    }
    impl->edge_from.push_back(u);
    impl->edge_to.push_back(v);
    impl->edge_speed_kmh.push_back(speed_kmh[e]);
    impl->edge_oneway.push_back(oneway.empty() ? OneWay::Both : oneway[e]);
    poly_xy.insert(poly_xy.end(),
                   {node_xy[2 * u], node_xy[2 * u + 1], node_xy[2 * v], node_xy[2 * v + 1]});
    poly_offsets.push_back(static_cast<std::int64_t>(poly_xy.size() / 2));
  }
  if (!length_m.empty()) impl->edge_length_m.assign(length_m.begin(), length_m.end());
  impl->finish(poly_offsets, poly_xy);
  return RoadNetwork(std::move(impl));
}

std::string RoadNetwork::describe() const {
  const auto& o = impl_->options;
  return "road network '" + impl_->source + "': " + std::to_string(node_count()) + " nodes, " +
         std::to_string(edge_count()) + " edges, snap <= " + format_number(o.snap_max_m) +
         " m at " + format_number(o.snap_speed_kmh) + " km/h";
}

std::int64_t RoadNetwork::node_count() const {
  return static_cast<std::int64_t>(impl_->node_xy.size() / 2);
}
std::int64_t RoadNetwork::edge_count() const {
  return static_cast<std::int64_t>(impl_->edge_from.size());
}
std::int64_t RoadNetwork::arc_count() const {
  return static_cast<std::int64_t>(impl_->arcs.size());
}
std::int64_t RoadNetwork::skipped_features() const { return impl_->skipped; }
std::int64_t RoadNetwork::component_count() const { return impl_->n_weak; }
const std::string& RoadNetwork::crs() const { return impl_->options.crs; }
const RoadNetworkOptions& RoadNetwork::options() const { return impl_->options; }
const std::vector<double>& RoadNetwork::node_xy() const { return impl_->node_xy; }
const std::vector<std::int64_t>& RoadNetwork::edge_from() const { return impl_->edge_from; }
const std::vector<std::int64_t>& RoadNetwork::edge_to() const { return impl_->edge_to; }
const std::vector<double>& RoadNetwork::edge_length_m() const { return impl_->edge_length_m; }
const std::vector<double>& RoadNetwork::edge_speed_kmh() const { return impl_->edge_speed_kmh; }
const std::vector<OneWay>& RoadNetwork::edge_oneway() const { return impl_->edge_oneway; }
namespace {

/// The CSR graph in the caller's node ids: per node, (head, arc index) sorted by head.
std::vector<std::pair<std::int64_t, std::int64_t>> public_arcs(const RoadNetwork::Impl& g,
                                                               std::vector<std::int64_t>* offsets) {
  const std::int64_t n = static_cast<std::int64_t>(g.node_xy.size() / 2);
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  out.reserve(g.arcs.size());
  if (offsets) offsets->assign(1, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t ii = g.internal(i);
    const std::size_t start = out.size();
    for (std::int64_t k = g.offsets[ii]; k < g.offsets[ii + 1]; ++k) {
      out.emplace_back(g.user(g.arcs[k].head), k);
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
    if (offsets) offsets->push_back(static_cast<std::int64_t>(out.size()));
  }
  return out;
}

}  // namespace

std::vector<std::int64_t> RoadNetwork::arc_offsets() const {
  std::vector<std::int64_t> off;
  public_arcs(*impl_, &off);
  return off;
}
std::vector<std::int64_t> RoadNetwork::arc_head() const {
  std::vector<std::int64_t> out;
  for (const auto& [head, k] : public_arcs(*impl_, nullptr)) out.push_back(head);
  return out;
}
std::vector<double> RoadNetwork::arc_minutes() const {
  std::vector<double> out;
  for (const auto& [head, k] : public_arcs(*impl_, nullptr)) {
    out.push_back(impl_->minutes_of(impl_->arcs[k].ticks));
  }
  return out;
}
std::vector<double> RoadNetwork::arc_km() const {
  std::vector<double> out;
  for (const auto& [head, k] : public_arcs(*impl_, nullptr)) {
    out.push_back(impl_->km_of(impl_->arc_units[k]));
  }
  return out;
}

}  // namespace libmatch
