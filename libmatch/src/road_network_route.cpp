// RoadNetwork routing: snapping points to edges and many-to-many shortest travel times.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>

#include "libmatch/error.hpp"
#include "travel_internal.hpp"

namespace libmatch {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

/// A point placed on an edge, with the costs between it and the edge's two end nodes.
/// For an origin, *_u / *_v are the costs of leaving to u / v; for a destination, of
/// arriving from u / v. A direction is unusable (cost infinity) when the edge is one-way
/// against it, unless the point sits exactly on that node.
struct Place {
  std::int64_t edge = -1;
  double along = 0;                  // metres from u along the geometry
  double snap_min = 0, snap_km = 0;  // the snap leg
  std::uint32_t u = 0, v = 0;
  double min_u = kInf, km_u = kInf;  // edge part only (without the snap leg)
  double min_v = kInf, km_v = kInf;
};

SnapResult snap_one(const RoadNetwork::Impl& g, double px, double py) {
  SnapResult r;
  double d2, t;
  const std::int64_t s = g.grid.nearest(g.segments, px, py, g.options.snap_max_m, d2, t);
  if (s < 0) return r;
  const auto& seg = g.segments[s];
  const double dx = seg.bx - seg.ax, dy = seg.by - seg.ay;
  r.edge = seg.edge;
  // t == 1 at the segment's end gives exactly the running sum used for the edge length.
  r.along_m = seg.along0 + t * std::sqrt(dx * dx + dy * dy);
  r.along_m = std::min(r.along_m, g.edge_geom_m[seg.edge]);
  r.distance_m = std::sqrt(d2);
  return r;
}

Place make_place(const RoadNetwork::Impl& g, const SnapResult& s, bool origin) {
  Place p;
  p.edge = s.edge;
  if (s.edge < 0) return p;
  const std::int64_t e = s.edge;
  p.along = s.along_m;
  p.u = g.internal(g.edge_from[e]);
  p.v = g.internal(g.edge_to[e]);
  p.snap_km = s.distance_m / 1000.0;
  p.snap_min = s.distance_m / 1000.0 / g.options.snap_speed_kmh * 60.0;
  const double geom = g.edge_geom_m[e];
  const double fu = geom > 0 ? s.along_m / geom : 0.0;           // share of the edge u..point
  const double fv = geom > 0 ? (geom - s.along_m) / geom : 0.0;  // share point..v
  const bool at_u = s.along_m <= 0, at_v = s.along_m >= geom;
  const bool fwd = g.edge_oneway[e] != OneWay::Reverse, rev = g.edge_oneway[e] != OneWay::Forward;
  const double T = g.edge_minutes[e], K = g.edge_length_m[e] / 1000.0;
  // Origin: to u goes against the digitised direction; destination: from u goes along it.
  const bool use_u = at_u || (origin ? rev : fwd);
  const bool use_v = at_v || (origin ? fwd : rev);
  if (use_u) {
    p.min_u = fu * T;
    p.km_u = fu * K;
  }
  if (use_v) {
    p.min_v = fv * T;
    p.km_v = fv * K;
  }
  return p;
}

/// Monotone radix heap on non-negative doubles (their IEEE bits order like the values).
/// Push O(1), pop amortised O(log range); keys pushed must be >= the last popped key,
/// which Dijkstra guarantees (arc times >= 0). Stale entries are skipped by the caller.
class RadixHeap {
 public:
  struct Entry {
    std::uint64_t key;
    std::uint32_t node;
  };
  bool empty() const { return size_ == 0; }
  void push(double key, std::uint32_t node) {
    const std::uint64_t k = std::bit_cast<std::uint64_t>(key);
    const int b = bucket(k);
    buckets_[b].push_back({k, node});
    if (b) nonempty_ |= std::uint64_t{1} << (b - 1);
    ++size_;
  }
  /// Smallest key (heap not empty); moves the smallest entries to bucket 0.
  double top_key() {
    if (buckets_[0].empty()) refill();
    return std::bit_cast<double>(last_);
  }
  Entry pop() {
    if (buckets_[0].empty()) refill();
    const Entry e = buckets_[0].back();
    buckets_[0].pop_back();
    --size_;
    return e;
  }
  void clear() {
    for (auto& b : buckets_) b.clear();
    size_ = 0;
    last_ = 0;
    nonempty_ = 0;
  }

 private:
  int bucket(std::uint64_t k) const { return k == last_ ? 0 : 64 - std::countl_zero(k ^ last_); }
  void refill() {
    // Bit i-1 of nonempty_ is set when bucket i (1..64) may hold entries.
    const int i = std::countr_zero(nonempty_) + 1;
    std::vector<Entry>& src = buckets_[i];
    std::uint64_t m = src[0].key;
    for (const Entry& e : src) m = std::min(m, e.key);
    last_ = m;
    nonempty_ &= ~(std::uint64_t{1} << (i - 1));
    for (const Entry& e : src) {
      const int b = bucket(e.key);  // < i: entries only move down
      buckets_[b].push_back(e);
      if (b) nonempty_ |= std::uint64_t{1} << (b - 1);
    }
    src.clear();
  }
  std::uint64_t nonempty_ = 0;
  std::vector<Entry> buckets_[65];
  std::size_t size_ = 0;
  std::uint64_t last_ = 0;
};

/// A node's best travel time so far next to where its arcs are (16 bytes), so that
/// relaxing a node also tells where to prefetch its arcs from, without another miss.
struct Label {
  double minutes;
  std::uint32_t arc_begin, arc_end;
};

/// Per-thread scratch for one search at a time.
struct Workspace {
  explicit Workspace(const RoadNetwork::Impl& g)
      : label(g.node_xy.size() / 2),
        km(g.node_xy.size() / 2, 0.0),
        scc_mark(static_cast<std::size_t>(g.n_scc), 0) {
    for (std::size_t i = 0; i < label.size(); ++i) {
      label[i] = {kInf, static_cast<std::uint32_t>(g.offsets[i]),
                  static_cast<std::uint32_t>(g.offsets[i + 1])};
    }
  }
  std::vector<Label> label;
  std::vector<double> km;  ///< path length, valid where label.minutes is finite
  RadixHeap heap;
  std::vector<std::uint32_t> touched;
  std::vector<std::uint32_t> scc_mark;  // == stamp: reachable from the current origin
  std::uint32_t stamp = 0;
  std::vector<std::uint32_t> dag_stack;
  std::vector<double> best_min, best_km;  // per destination, for the current origin

  void relax_seed(std::uint32_t x, double minutes, double kms) {
    if (!(minutes < label[x].minutes)) return;
    if (label[x].minutes == kInf) touched.push_back(x);
    label[x].minutes = minutes;
    km[x] = kms;
    heap.push(minutes, x);
  }
  void reset() {
    for (auto x : touched) label[x].minutes = kInf;
    touched.clear();
    heap.clear();
  }
};

struct Row {
  std::int64_t destination;
  double minutes, km;
};

}  // namespace

std::vector<SnapResult> RoadNetwork::snap(std::span<const double> xy, int threads) const {
  detail::check_xy(xy, "point");
  const std::int64_t n = static_cast<std::int64_t>(xy.size() / 2);
  std::vector<SnapResult> out(n);
  detail::parallel_for(n, threads, 2048, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) out[i] = snap_one(*impl_, xy[2 * i], xy[2 * i + 1]);
  });
  return out;
}

TravelPairs RoadNetwork::pairs(std::span<const double> origins_xy,
                               std::span<const double> destinations_xy, double max_minutes,
                               double max_km, int threads) const {
  detail::check_xy(origins_xy, "origin");
  detail::check_xy(destinations_xy, "destination");
  detail::check_limit(max_minutes, "max_minutes");
  detail::check_limit(max_km, "max_km");
  const Impl& g = *impl_;
  const std::int64_t n = static_cast<std::int64_t>(origins_xy.size() / 2);
  const std::int64_t m = static_cast<std::int64_t>(destinations_xy.size() / 2);
  TravelPairs out;

  const std::vector<SnapResult> so = snap(origins_xy, threads);
  const std::vector<SnapResult> sd = snap(destinations_xy, threads);
  std::vector<Place> orig(n), dest;
  std::vector<std::int64_t> dest_ids;  // snapped destinations, ascending
  for (std::int64_t i = 0; i < n; ++i) {
    if (so[i].edge < 0) out.unsnapped_origins.push_back(i);
    orig[i] = make_place(g, so[i], true);
  }
  for (std::int64_t j = 0; j < m; ++j) {
    if (sd[j].edge < 0) {
      out.unsnapped_destinations.push_back(j);
    } else {
      dest_ids.push_back(j);
      dest.push_back(make_place(g, sd[j], false));
    }
  }
  if (dest.empty() || static_cast<std::int64_t>(out.unsnapped_origins.size()) == n) return out;

  // A search may stop once it passes this many minutes: beyond it every pair exceeds
  // max_minutes, or (every path being at least minutes * slowest speed long) max_km.
  const double km_bound = max_km * 60.0 / g.min_speed_kmh * (1 + 1e-9) + 1e-12;
  const double bound = std::min(max_minutes, km_bound);

  // Nodes the destinations are reached from: a search may stop once it has settled all.
  std::vector<std::uint8_t> is_target(g.node_xy.size() / 2, 0);
  std::int64_t n_targets = 0;
  for (const Place& d : dest) {
    for (auto [x, c] : {std::pair{d.u, d.min_u}, std::pair{d.v, d.min_v}}) {
      if (c < kInf && !is_target[x]) {
        is_target[x] = 1;
        ++n_targets;
      }
    }
  }
  std::vector<std::uint32_t> eval_order(dest.size());
  std::iota(eval_order.begin(), eval_order.end(), 0u);
  std::sort(eval_order.begin(), eval_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::pair{std::min(dest[a].u, dest[a].v), a} <
           std::pair{std::min(dest[b].u, dest[b].v), b};
  });
  std::vector<std::vector<Row>> rows(n);
  std::vector<std::int64_t> unreachable(n, 0);
  const int t = static_cast<int>(std::min<std::int64_t>(detail::resolve_threads(threads), n));
  std::vector<std::unique_ptr<Workspace>> spaces(std::max(t, 1));

  detail::parallel_dynamic(n, t, [&](std::int64_t i, int worker) {
    const Place& o = orig[i];
    if (o.edge < 0) return;
    auto& ws_ptr = spaces[worker];
    if (!ws_ptr) ws_ptr = std::make_unique<Workspace>(g);
    Workspace& ws = *ws_ptr;
    if (o.min_u < kInf) ws.relax_seed(o.u, o.snap_min + o.min_u, o.snap_km + o.km_u);
    if (o.min_v < kInf) ws.relax_seed(o.v, o.snap_min + o.min_v, o.snap_km + o.km_v);

    // Dijkstra over the CSR graph (lazy deletion: stale heap entries are skipped).
    bool exhausted = true;
    std::int64_t targets_left = n_targets;
    const detail::Arc* arcs = g.arcs.data();
    const double* arc_km = g.arc_km.data();
    Label* label = ws.label.data();
    double* km = ws.km.data();
    while (!ws.heap.empty()) {
      if (ws.heap.top_key() > bound) {
        exhausted = false;
        break;
      }
      const RadixHeap::Entry top = ws.heap.pop();
      const Label lx = label[top.node];
      const double kx = km[top.node];
      if (std::bit_cast<std::uint64_t>(lx.minutes) != top.key) continue;  // stale
      if (is_target[top.node] && --targets_left == 0) {
        exhausted = false;
        break;  // every destination's nodes are final
      }
      for (std::uint32_t k = lx.arc_begin; k < lx.arc_end; ++k) {
        const detail::Arc& a = arcs[k];
        const double nd = lx.minutes + a.minutes;
        Label& lh = label[a.head];
        if (nd < lh.minutes) {
          if (lh.minutes == kInf) ws.touched.push_back(a.head);
          lh.minutes = nd;
          km[a.head] = kx + arc_km[k];
          ws.heap.push(nd, a.head);
          // The node is popped much later; its arcs then come from cache, not memory
          // (the frontier's arcs fit in L2). This hides the search's main cache misses.
          __builtin_prefetch(arcs + lh.arc_begin);
          __builtin_prefetch(arc_km + lh.arc_begin);
        }
      }
    }

    // Which strongly connected components the origin reaches (only needed to tell
    // "unreachable" from "beyond the limits" when the search stopped early).
    bool reach_done = false;
    auto reachable = [&](const Place& d) {
      if (!reach_done) {
        reach_done = true;
        if (++ws.stamp == 0) {
          std::fill(ws.scc_mark.begin(), ws.scc_mark.end(), 0);
          ws.stamp = 1;
        }
        ws.dag_stack.clear();
        auto seed = [&](std::uint32_t node) {
          const std::uint32_t c = g.scc[node];
          if (ws.scc_mark[c] != ws.stamp) {
            ws.scc_mark[c] = ws.stamp;
            ws.dag_stack.push_back(c);
          }
        };
        if (o.min_u < kInf) seed(o.u);
        if (o.min_v < kInf) seed(o.v);
        while (!ws.dag_stack.empty()) {
          const std::uint32_t c = ws.dag_stack.back();
          ws.dag_stack.pop_back();
          for (std::int64_t k = g.dag_offsets[c]; k < g.dag_offsets[c + 1]; ++k) {
            const std::uint32_t h = g.dag_head[k];
            if (ws.scc_mark[h] != ws.stamp) {
              ws.scc_mark[h] = ws.stamp;
              ws.dag_stack.push_back(h);
            }
          }
        }
      }
      return (d.min_u < kInf && ws.scc_mark[g.scc[d.u]] == ws.stamp) ||
             (d.min_v < kInf && ws.scc_mark[g.scc[d.v]] == ws.stamp);
    };

    // Evaluate destinations in node order (labels read in memory order), emit in input order.
    ws.best_min.resize(dest.size());
    ws.best_km.resize(dest.size());
    for (const std::uint32_t jj : eval_order) {
      const Place& d = dest[jj];
      double best = kInf, best_km = kInf;
      if (d.min_u < kInf && label[d.u].minutes < kInf) {
        best = (label[d.u].minutes + d.min_u) + d.snap_min;
        best_km = (km[d.u] + d.km_u) + d.snap_km;
      }
      if (d.min_v < kInf && label[d.v].minutes < kInf) {
        const double c = (label[d.v].minutes + d.min_v) + d.snap_min;
        if (c < best) {
          best = c;
          best_km = (km[d.v] + d.km_v) + d.snap_km;
        }
      }
      if (d.edge == o.edge) {  // along the shared edge, if its direction allows
        const std::int64_t e = d.edge;
        const double geom = g.edge_geom_m[e];
        const double delta = d.along - o.along;
        const bool ok = delta == 0 || (delta > 0 ? g.edge_oneway[e] != OneWay::Reverse
                                                 : g.edge_oneway[e] != OneWay::Forward);
        if (ok) {
          const double f = geom > 0 ? std::abs(delta) / geom : 0.0;
          const double c = (o.snap_min + f * g.edge_minutes[e]) + d.snap_min;
          if (c < best) {
            best = c;
            best_km = (o.snap_km + f * (g.edge_length_m[e] / 1000.0)) + d.snap_km;
          }
        }
      }
      ws.best_min[jj] = best;
      ws.best_km[jj] = best_km;
    }
    auto& out_rows = rows[i];
    for (std::size_t jj = 0; jj < dest.size(); ++jj) {
      const double best = ws.best_min[jj], best_km = ws.best_km[jj];
      if (best == kInf) {
        if (exhausted || !reachable(dest[jj])) ++unreachable[i];
      } else if (best <= max_minutes && best_km <= max_km) {
        out_rows.push_back({dest_ids[jj], best, best_km});
      }
    }
    ws.reset();
  });

  std::size_t total = 0;
  for (const auto& r : rows) total += r.size();
  out.origin.reserve(total);
  out.destination.reserve(total);
  out.minutes.reserve(total);
  out.km.reserve(total);
  for (std::int64_t i = 0; i < n; ++i) {
    for (const Row& r : rows[i]) {
      out.origin.push_back(i);
      out.destination.push_back(r.destination);
      out.minutes.push_back(r.minutes);
      out.km.push_back(r.km);
    }
    std::vector<Row>().swap(rows[i]);
    out.unreachable_pairs += unreachable[i];
  }
  return out;
}

}  // namespace libmatch
