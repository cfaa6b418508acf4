// RoadNetwork::save / load: one binary file holding the network (nodes, edges, geometry,
// options) and its contraction hierarchy. Layout: magic "LMROADNET" + NUL, uint32 format
// version, uint64 payload size, payload, uint64 checksum of the payload. Little-endian
// fixed-width fields; vectors as uint64 count + elements. On load the search graph is rebuilt
// from the edges and must match the checksum the hierarchy was built on.
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <type_traits>

#include "libmatch/error.hpp"
#include "travel_internal.hpp"

namespace libmatch {

namespace {

constexpr char kMagic[10] = {'L', 'M', 'R', 'O', 'A', 'D', 'N', 'E', 'T', '\0'};
constexpr std::uint32_t kVersion = 1;

std::uint64_t checksum(const char* p, std::size_t n) {
  std::uint64_t h = 0xCBF29CE484222325ULL ^ n;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, p + i, 8);
    h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  }
  for (; i < n; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * 0x100000001B3ULL;
  return h;
}

struct Writer {
  std::vector<char> buf;
  template <class T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const char* p = reinterpret_cast<const char*>(&v);
    buf.insert(buf.end(), p, p + sizeof(T));
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    pod(static_cast<std::uint64_t>(v.size()));
    const char* p = reinterpret_cast<const char*>(v.data());
    buf.insert(buf.end(), p, p + v.size() * sizeof(T));
  }
  void str(const std::string& s) {
    pod(static_cast<std::uint64_t>(s.size()));
    buf.insert(buf.end(), s.begin(), s.end());
  }
};

struct Reader {
  const char* p;
  std::size_t n, pos = 0;
  const std::string& path;
  [[noreturn]] void bad(const std::string& why) const {
    throw FileError("'" + path + "' is not a valid libmatch road network file: " + why);
  }
  void need(std::size_t k) const {
    if (k > n - pos) bad("truncated");
  }
  template <class T>
  T pod() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, p + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
  template <class T>
  std::vector<T> vec() {
    const auto k = pod<std::uint64_t>();
    if (k > (n - pos) / sizeof(T)) bad("truncated");
    std::vector<T> v(k);
    if (k) std::memcpy(v.data(), p + pos, k * sizeof(T));
    pos += k * sizeof(T);
    return v;
  }
  std::string str() {
    const auto k = pod<std::uint64_t>();
    need(k);
    std::string s(p + pos, k);
    pos += k;
    return s;
  }
};

void write_options(Writer& w, const RoadNetworkOptions& o) {
  w.str(o.layer);
  w.str(o.speed_field);
  w.str(o.class_field);
  w.pod(static_cast<std::uint64_t>(o.class_speeds.size()));
  for (const auto& [k, v] : o.class_speeds) {
    w.str(k);
    w.pod(v);
  }
  w.pod(static_cast<std::uint64_t>(o.skip_classes.size()));
  for (const auto& s : o.skip_classes) w.str(s);
  w.pod(static_cast<std::uint8_t>(o.default_speed_kmh.has_value()));
  w.pod(o.default_speed_kmh.value_or(0.0));
  w.str(o.oneway_field);
  w.str(o.crs);
  w.str(o.source_crs);
  w.pod(o.node_tolerance_m);
  w.pod(o.snap_max_m);
  w.pod(o.snap_speed_kmh);
}

RoadNetworkOptions read_options(Reader& r) {
  RoadNetworkOptions o;
  o.layer = r.str();
  o.speed_field = r.str();
  o.class_field = r.str();
  o.class_speeds.clear();
  for (auto k = r.pod<std::uint64_t>(); k > 0; --k) {
    std::string name = r.str();
    o.class_speeds.emplace_back(std::move(name), r.pod<double>());
  }
  o.skip_classes.clear();
  for (auto k = r.pod<std::uint64_t>(); k > 0; --k) o.skip_classes.push_back(r.str());
  const bool has_default = r.pod<std::uint8_t>() != 0;
  const double def = r.pod<double>();
  if (has_default) o.default_speed_kmh = def;
  o.oneway_field = r.str();
  o.crs = r.str();
  o.source_crs = r.str();
  o.node_tolerance_m = r.pod<double>();
  o.snap_max_m = r.pod<double>();
  o.snap_speed_kmh = r.pod<double>();
  return o;
}

/// Each edge's polyline, recovered from its segments (contiguous, in vertex order).
void edge_polylines(const RoadNetwork::Impl& g, std::vector<std::int64_t>& offsets,
                    std::vector<double>& xy) {
  offsets.assign(1, 0);
  xy.clear();
  std::size_t k = 0;
  for (std::size_t e = 0; e < g.edge_from.size(); ++e) {
    bool first = true;
    for (; k < g.segments.size() && g.segments[k].edge == static_cast<std::int64_t>(e); ++k) {
      const auto& s = g.segments[k];
      if (first) xy.insert(xy.end(), {s.ax, s.ay});
      xy.insert(xy.end(), {s.bx, s.by});
      first = false;
    }
    offsets.push_back(static_cast<std::int64_t>(xy.size() / 2));
  }
}

void check_structure(const RoadNetwork::Impl& g, const std::vector<std::int64_t>& poly_offsets,
                     const std::vector<double>& poly_xy, const Reader& r) {
  const std::size_t ne = g.edge_from.size();
  const std::int64_t n = static_cast<std::int64_t>(g.node_xy.size() / 2);
  if (g.node_xy.size() % 2 || g.edge_to.size() != ne || g.edge_length_m.size() != ne ||
      g.edge_speed_kmh.size() != ne || g.edge_oneway.size() != ne ||
      poly_offsets.size() != ne + 1 || poly_xy.size() % 2 || poly_offsets.front() != 0 ||
      poly_offsets.back() != static_cast<std::int64_t>(poly_xy.size() / 2)) {
    r.bad("inconsistent array sizes");
  }
  for (std::size_t e = 0; e < ne; ++e) {
    if (g.edge_from[e] < 0 || g.edge_from[e] >= n || g.edge_to[e] < 0 || g.edge_to[e] >= n ||
        poly_offsets[e + 1] < poly_offsets[e] + 2) {
      r.bad("edge " + std::to_string(e) + " is inconsistent");
    }
  }
}

/// The value checks from_edges / from_lines and their options run, so that a file with a valid
/// (non-cryptographic) checksum but crafted or corrupt values does not load.
void check_values(const RoadNetwork::Impl& g, const std::vector<double>& poly_xy, const Reader& r) {
  const RoadNetworkOptions& o = g.options;
  auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  if (!(o.snap_max_m >= 0)) r.bad("option snap_max_m is not >= 0");
  if (!positive(o.snap_speed_kmh)) r.bad("option snap_speed_kmh is not a finite number > 0");
  if (!(std::isfinite(o.node_tolerance_m) && o.node_tolerance_m >= 0))
    r.bad("option node_tolerance_m is not a finite number >= 0");
  for (std::size_t i = 0; i < o.class_speeds.size(); ++i) {
    if (!positive(o.class_speeds[i].second))
      r.bad("option class_speeds entry " + std::to_string(i) + " is not a finite number > 0");
  }
  if (o.default_speed_kmh && !positive(*o.default_speed_kmh))
    r.bad("option default_speed_kmh is not a finite number > 0");
  try {
    detail::require_projected_crs(o.crs);
  } catch (const InvalidInput&) {
    r.bad("option crs is not a projected CRS");
  }
  auto coordinate = [&](double x, double y, const std::string& what) {
    try {
      detail::check_coordinate(x, y, what);
    } catch (const GeometryError& e) {
      r.bad(e.what());
    }
  };
  for (std::size_t i = 0; i < g.node_xy.size() / 2; ++i)
    coordinate(g.node_xy[2 * i], g.node_xy[2 * i + 1], "node " + std::to_string(i));
  for (std::size_t k = 0; k < poly_xy.size() / 2; ++k)
    coordinate(poly_xy[2 * k], poly_xy[2 * k + 1], "edge geometry vertex " + std::to_string(k));
  for (std::size_t e = 0; e < g.edge_from.size(); ++e) {
    const std::string edge = "edge " + std::to_string(e);
    if (!positive(g.edge_speed_kmh[e])) r.bad("speed of " + edge + " is not a finite number > 0");
    if (!(std::isfinite(g.edge_length_m[e]) && g.edge_length_m[e] >= 0))
      r.bad("length of " + edge + " is not a finite number >= 0");
    const int ow = static_cast<int>(g.edge_oneway[e]);
    if (ow < -1 || ow > 1) r.bad("oneway of " + edge + " is not -1, 0 or 1");
  }
}

std::shared_ptr<detail::Hierarchy> read_hierarchy(Reader& r, std::size_t n) {
  auto h = std::make_shared<detail::Hierarchy>();
  h->graph_checksum = r.pod<std::uint64_t>();
  h->shortcuts = r.pod<std::int64_t>();
  h->seconds = r.pod<double>();
  h->rank = r.vec<std::uint32_t>();
  h->up_offsets = r.vec<std::int64_t>();
  h->up = r.vec<detail::ChArc>();
  h->down_offsets = r.vec<std::int64_t>();
  h->down = r.vec<detail::ChArc>();
  auto csr_ok = [&](const std::vector<std::int64_t>& off, const std::vector<detail::ChArc>& a) {
    if (off.size() != n + 1 || off.front() != 0 ||
        off.back() != static_cast<std::int64_t>(a.size()))
      return false;
    for (std::size_t i = 0; i < n; ++i)
      if (off[i + 1] < off[i]) return false;
    for (const auto& x : a)
      if (x.node >= n) return false;
    return true;
  };
  if (h->rank.size() != n || !csr_ok(h->up_offsets, h->up) || !csr_ok(h->down_offsets, h->down) ||
      !detail::finish_hierarchy(*h)) {
    r.bad("inconsistent hierarchy");
  }
  return h;
}

}  // namespace

void RoadNetwork::save(const std::string& path) const {
  const Impl& g = *impl_;
  Writer w;
  write_options(w, g.options);
  w.str(g.source);
  w.pod(g.skipped);
  w.pod(g.turn_restrictions);
  w.vec(g.node_xy);
  w.vec(g.edge_from);
  w.vec(g.edge_to);
  w.vec(g.edge_length_m);
  w.vec(g.edge_speed_kmh);
  w.vec(g.edge_oneway);
  std::vector<std::int64_t> poly_offsets;
  std::vector<double> poly_xy;
  edge_polylines(g, poly_offsets, poly_xy);
  w.vec(poly_offsets);
  w.vec(poly_xy);
  w.pod(static_cast<std::uint8_t>(ch_ != nullptr));
  if (ch_) {
    w.pod(ch_->graph_checksum);
    w.pod(ch_->shortcuts);
    w.pod(ch_->seconds);
    w.vec(ch_->rank);
    std::vector<std::int64_t> offsets;
    std::vector<detail::ChArc> arcs;
    for (const bool up : {true, false}) {
      detail::internal_arcs(*ch_, up, offsets, arcs);  // by internal id, as built
      w.vec(offsets);
      w.vec(arcs);
    }
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw FileError("road network file '" + path + "' is a directory; give a file path");
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw FileError("cannot write road network file '" + path + "'");
  const std::uint64_t size = w.buf.size(), sum = checksum(w.buf.data(), w.buf.size());
  f.write(kMagic, sizeof kMagic);
  f.write(reinterpret_cast<const char*>(&kVersion), sizeof kVersion);
  f.write(reinterpret_cast<const char*>(&size), sizeof size);
  f.write(w.buf.data(), static_cast<std::streamsize>(w.buf.size()));
  f.write(reinterpret_cast<const char*>(&sum), sizeof sum);
  f.close();
  if (!f) throw FileError("cannot write road network file '" + path + "' (disk full?)");
}

RoadNetwork RoadNetwork::load(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw FileError("road network file '" + path + "' is a directory");
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    if (!std::filesystem::exists(path)) {
      throw FileMissing("road network file '" + path + "' does not exist");
    }
    throw FileError("cannot read road network file '" + path + "'");
  }
  std::vector<char> all;
  try {
    all.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {  // libstdc++ throws on a read error
    throw FileError("cannot read road network file '" + path + "'");
  }
  Reader head{all.data(), all.size(), 0, path};
  constexpr std::size_t kHead = sizeof kMagic + sizeof(std::uint32_t) + sizeof(std::uint64_t);
  if (all.size() < sizeof kMagic || std::memcmp(all.data(), kMagic, sizeof kMagic) != 0) {
    head.bad("no LMROADNET header (another kind of file)");
  }
  head.pos = sizeof kMagic;
  const auto version = head.pod<std::uint32_t>();
  if (version != kVersion) {
    head.bad("format version " + std::to_string(version) + ", this libmatch reads version " +
             std::to_string(kVersion) + "; save it again with this version");
  }
  const auto size = head.pod<std::uint64_t>();
  if (size > all.size() - kHead || all.size() - kHead - size < sizeof(std::uint64_t)) {
    head.bad("truncated");
  }
  std::uint64_t sum;
  std::memcpy(&sum, all.data() + kHead + size, sizeof sum);
  if (sum != checksum(all.data() + kHead, size)) head.bad("checksum mismatch (corrupt)");

  Reader r{all.data() + kHead, size, 0, path};
  auto impl = std::make_shared<Impl>();
  impl->options = read_options(r);
  impl->source = r.str();
  impl->skipped = r.pod<std::int64_t>();
  impl->turn_restrictions = r.pod<std::int64_t>();
  impl->node_xy = r.vec<double>();
  impl->edge_from = r.vec<std::int64_t>();
  impl->edge_to = r.vec<std::int64_t>();
  impl->edge_length_m = r.vec<double>();
  impl->edge_speed_kmh = r.vec<double>();
  impl->edge_oneway = r.vec<OneWay>();
  const auto poly_offsets = r.vec<std::int64_t>();
  const auto poly_xy = r.vec<double>();
  check_structure(*impl, poly_offsets, poly_xy, r);
  check_values(*impl, poly_xy, r);
  impl->finish(poly_offsets, poly_xy);
  std::shared_ptr<const detail::Hierarchy> ch;
  if (r.pod<std::uint8_t>() != 0) {
    auto h = read_hierarchy(r, impl->node_xy.size() / 2);
    if (h->graph_checksum != detail::graph_checksum(*impl)) {
      r.bad(
          "stale hierarchy: it was built on another search graph (other libmatch version); "
          "load the network without it or prepare() and save again");
    }
    ch = std::move(h);
  }
  if (r.pos != r.n) r.bad("unexpected data after the end");
  return RoadNetwork(std::move(impl), std::move(ch));
}

std::int64_t RoadNetwork::ignored_turn_restrictions() const { return impl_->turn_restrictions; }

}  // namespace libmatch
