// RoadNetwork routing: snapping points to edges and many-to-many shortest travel times.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <numeric>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "libmatch/cancel.hpp"
#include "libmatch/error.hpp"
#include "travel_internal.hpp"

namespace libmatch {

namespace {

using detail::Cost;
using detail::cost_ticks;
using detail::cost_units;
using detail::kCostInf;
using detail::make_cost;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

/// A point placed on an edge, with the costs between it and the edge's two end nodes.
/// For an origin, cost_u / cost_v are the costs of leaving to u / v; for a destination, of
/// arriving from u / v (edge part only, without the snap leg, in integer ticks and units).
/// A direction is unusable (kCostInf) when the edge is one-way against it, unless the point
/// sits exactly on that node.
struct Place {
  std::int64_t edge = -1;
  double along = 0;                  // metres from u along the geometry
  double snap_min = 0, snap_km = 0;  // the snap leg
  std::uint32_t u = 0, v = 0;
  Cost cost_u = kCostInf, cost_v = kCostInf;
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
  if (use_u) p.cost_u = make_cost(g.to_ticks(fu * T), g.to_units(fu * K));
  if (use_v) p.cost_v = make_cost(g.to_ticks(fv * T), g.to_units(fv * K));
  return p;
}

/// Monotone radix heap on unsigned 64-bit keys. Push O(1), pop amortised O(log range); keys
/// pushed must be >= the last popped key, which Dijkstra guarantees (arc ticks >= 0). Stale
/// entries are skipped by the caller.
class RadixHeap {
 public:
  struct Entry {
    std::uint64_t key;
    std::uint32_t node;
  };
  bool empty() const { return size_ == 0; }
  void push(std::uint64_t k, std::uint32_t node) {
    const int b = bucket(k);
    buckets_[b].push_back({k, node});
    if (b) nonempty_ |= std::uint64_t{1} << (b - 1);
    ++size_;
  }
  /// Smallest key (heap not empty); moves the smallest entries to bucket 0.
  std::uint64_t top_key() {
    if (buckets_[0].empty()) refill();
    return last_;
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

constexpr std::uint64_t kNoTicks = std::numeric_limits<std::uint64_t>::max();

/// A node's best time so far (ticks) next to where its arcs are (16 bytes), so that
/// relaxing a node also tells where to prefetch its arcs from, without another miss.
struct Label {
  std::uint64_t ticks;
  std::uint32_t arc_begin, arc_end;
};

/// Which strongly connected components an origin reaches (lazily, per origin): tells
/// "unreachable" from "beyond the limits" when a search stopped early.
struct Reach {
  std::vector<std::uint32_t> mark;  // == stamp: reachable from the current origin
  std::uint32_t stamp = 0;
  std::vector<std::uint32_t> stack;
  bool done = false;

  void start() { done = false; }
  bool reachable(const RoadNetwork::Impl& g, const Place& o, const Place& d) {
    if (!done) fill(g, o);
    return (d.cost_u < kCostInf && mark[g.scc[d.u]] == stamp) ||
           (d.cost_v < kCostInf && mark[g.scc[d.v]] == stamp);
  }

 private:
  void fill(const RoadNetwork::Impl& g, const Place& o) {
    done = true;
    if (mark.size() != static_cast<std::size_t>(g.n_scc)) mark.assign(g.n_scc, 0);
    if (++stamp == 0) {
      std::fill(mark.begin(), mark.end(), 0);
      stamp = 1;
    }
    stack.clear();
    auto push = [&](std::uint32_t c) {
      if (mark[c] != stamp) {
        mark[c] = stamp;
        stack.push_back(c);
      }
    };
    if (o.cost_u < kCostInf) push(g.scc[o.u]);
    if (o.cost_v < kCostInf) push(g.scc[o.v]);
    while (!stack.empty()) {
      const std::uint32_t c = stack.back();
      stack.pop_back();
      for (std::int64_t k = g.dag_offsets[c]; k < g.dag_offsets[c + 1]; ++k) push(g.dag_head[k]);
    }
  }
};

/// Per-thread scratch of the Dijkstra engine, for one search at a time.
struct Workspace {
  explicit Workspace(const RoadNetwork::Impl& g)
      : label(g.node_xy.size() / 2), units(g.node_xy.size() / 2, 0), done(label.size(), 0) {
    for (std::size_t i = 0; i < label.size(); ++i) {
      label[i] = {kNoTicks, static_cast<std::uint32_t>(g.offsets[i]),
                  static_cast<std::uint32_t>(g.offsets[i + 1])};
    }
  }
  std::vector<Label> label;
  std::vector<std::uint64_t> units;  ///< km units, valid where label.ticks is set
  std::vector<std::uint8_t> done;    ///< popped (its arcs relaxed) at least once
  RadixHeap heap;
  std::vector<std::uint32_t> touched;
  Reach reach;
  std::vector<Cost> best;  // per destination, for the current origin

  void seed(std::uint32_t x, Cost c) {
    const std::uint64_t t = cost_ticks(c), u = cost_units(c);
    if (t > label[x].ticks || (t == label[x].ticks && u >= units[x])) return;
    if (label[x].ticks == kNoTicks) touched.push_back(x);
    label[x].ticks = t;
    units[x] = u;
    heap.push(t, x);
  }
  Cost cost(std::uint32_t x) const {
    return label[x].ticks == kNoTicks ? kCostInf : make_cost(label[x].ticks, units[x]);
  }
  void reset() {
    for (auto x : touched) {
      label[x].ticks = kNoTicks;
      done[x] = 0;
    }
    touched.clear();
    heap.clear();
  }
};

struct Row {
  std::int64_t destination;
  double minutes, km;
};

/// Everything one pairs() call shares between its origins.
struct Query {
  const RoadNetwork::Impl& g;
  std::vector<Place> orig, dest;
  std::vector<std::int64_t> dest_ids;  // input index of each snapped destination
  std::vector<std::uint32_t> eval_order;
  std::vector<std::uint8_t> is_target;  // per internal node: a destination is reached from it
  std::int64_t n_targets = 0;
  double max_minutes = 0, max_km = 0, bound = 0;
  std::vector<std::vector<Row>> rows;
  std::vector<std::int64_t> unreachable;
  // Direct output (hierarchy engine, small enough tables): origin i writes its rows straight
  // into the result columns at [i * n_dest, i * n_dest + n_rows[i]), compacted at the end,
  // instead of into rows.
  TravelPairs* direct = nullptr;
  std::vector<std::int64_t> n_rows;

  /// Largest network label (ticks, incl. the origin's edge part) still worth settling for
  /// origin o: beyond it every pair of o exceeds max_minutes or max_km.
  std::uint64_t tick_limit(const Place& o) const {
    if (!(bound < kInfD)) return kNoTicks;
    const double b = std::max(0.0, bound - o.snap_min) * (1 + 1e-9) + 1e-12;
    const double t = std::ldexp(b, g.tick_exp);
    return t >= 1.8e19 ? kNoTicks : static_cast<std::uint64_t>(t);
  }
  static constexpr double kInfD = std::numeric_limits<double>::infinity();
};

/// Snaps the points and sets up the per-call arrays.
Query make_query(const RoadNetwork::Impl& g, const std::vector<SnapResult>& so,
                 const std::vector<SnapResult>& sd, double max_minutes, double max_km,
                 TravelPairs& out) {
  Query q{g, {}, {}, {}, {}, {}, 0, max_minutes, max_km, 0, {}, {}, nullptr, {}};
  const std::int64_t n = static_cast<std::int64_t>(so.size());
  q.orig.resize(n);
  for (std::int64_t i = 0; i < n; ++i) {
    if (so[i].edge < 0) out.unsnapped_origins.push_back(i);
    q.orig[i] = make_place(g, so[i], true);
  }
  for (std::size_t j = 0; j < sd.size(); ++j) {
    if (sd[j].edge < 0) {
      out.unsnapped_destinations.push_back(static_cast<std::int64_t>(j));
    } else {
      q.dest_ids.push_back(static_cast<std::int64_t>(j));
      q.dest.push_back(make_place(g, sd[j], false));
    }
  }
  // A search may stop once it passes this many minutes: beyond it every pair exceeds
  // max_minutes, or (every path being at least minutes * slowest speed long) max_km.
  const double km_bound = max_km * 60.0 / g.min_speed_kmh * (1 + 1e-9) + 1e-12;
  q.bound = std::min(max_minutes, km_bound);
  q.is_target.assign(g.node_xy.size() / 2, 0);
  for (const Place& d : q.dest) {
    for (auto [x, c] : {std::pair{d.u, d.cost_u}, std::pair{d.v, d.cost_v}}) {
      if (c < kCostInf && !q.is_target[x]) {
        q.is_target[x] = 1;
        ++q.n_targets;
      }
    }
  }
  q.eval_order.resize(q.dest.size());
  std::iota(q.eval_order.begin(), q.eval_order.end(), 0u);
  std::sort(q.eval_order.begin(), q.eval_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::pair{std::min(q.dest[a].u, q.dest[a].v), a} <
           std::pair{std::min(q.dest[b].u, q.dest[b].v), b};
  });
  q.rows.resize(n);
  q.unreachable.assign(n, 0);
  return q;
}

/// Turns one origin's best cost per destination (`best[jj]`, kCostInf if not reached) into
/// its rows. `exhausted`: the search reached everything it could.
void emit_rows(Query& q, std::int64_t i, const Cost* best, bool exhausted, Reach& reach) {
  const RoadNetwork::Impl& g = q.g;
  const Place& o = q.orig[i];
  reach.start();
  auto& out_rows = q.rows[i];
  out_rows.reserve(q.dest.size());
  for (std::size_t jj = 0; jj < q.dest.size(); ++jj) {
    const Cost b = best[jj];
    if (b >= kCostInf) {
      if (exhausted || !reach.reachable(g, o, q.dest[jj])) ++q.unreachable[i];
      continue;
    }
    const double minutes = (o.snap_min + g.minutes_of(cost_ticks(b))) + q.dest[jj].snap_min;
    const double km = (o.snap_km + g.km_of(cost_units(b))) + q.dest[jj].snap_km;
    if (minutes <= q.max_minutes && km <= q.max_km)
      out_rows.push_back({q.dest_ids[jj], minutes, km});
  }
}

/// Cost from origin o to destination d along the edge they share (kCostInf if they do not
/// share one or its direction forbids it).
Cost same_edge_cost(const RoadNetwork::Impl& g, const Place& o, const Place& d) {
  if (d.edge != o.edge) return kCostInf;
  const std::int64_t e = d.edge;
  const double geom = g.edge_geom_m[e];
  const double delta = d.along - o.along;
  const bool ok = delta == 0 || (delta > 0 ? g.edge_oneway[e] != OneWay::Reverse
                                           : g.edge_oneway[e] != OneWay::Forward);
  if (!ok) return kCostInf;
  const double f = geom > 0 ? std::abs(delta) / geom : 0.0;
  return make_cost(g.to_ticks(f * g.edge_minutes[e]),
                   g.to_units(f * (g.edge_length_m[e] / 1000.0)));
}

/// Turns one origin's node labels (`label(x)`: cost of reaching internal node x, kCostInf
/// if not reached) into its rows. `exhausted`: the search reached everything it could.
template <class LabelFn>
void emit_origin(Query& q, std::int64_t i, LabelFn&& label, bool exhausted, Reach& reach,
                 std::vector<Cost>& best) {
  const Place& o = q.orig[i];
  best.resize(q.dest.size());
  // Evaluate destinations in node order (labels read in memory order), emit in input order.
  for (const std::uint32_t jj : q.eval_order) {
    const Place& d = q.dest[jj];
    Cost b = kCostInf;
    if (d.cost_u < kCostInf) {
      const Cost l = label(d.u);
      if (l < kCostInf) b = std::min(b, l + d.cost_u);
    }
    if (d.cost_v < kCostInf) {
      const Cost l = label(d.v);
      if (l < kCostInf) b = std::min(b, l + d.cost_v);
    }
    best[jj] = std::min(b, same_edge_cost(q.g, o, d));
  }
  emit_rows(q, i, best.data(), exhausted, reach);
}

/// One Dijkstra search from origin o over the CSR graph (lazy deletion: stale heap entries
/// are skipped). Returns true when it ran until the heap was empty.
bool dijkstra(const Query& q, const Place& o, Workspace& ws) {
  const RoadNetwork::Impl& g = q.g;
  if (o.cost_u < kCostInf) ws.seed(o.u, o.cost_u);
  if (o.cost_v < kCostInf) ws.seed(o.v, o.cost_v);
  const std::uint64_t limit = q.tick_limit(o);
  std::uint64_t stop_at = kNoTicks;  // set once every target is final
  std::int64_t targets_left = q.n_targets;
  const detail::Arc* arcs = g.arcs.data();
  const std::uint64_t* arc_units = g.arc_units.data();
  Label* label = ws.label.data();
  std::uint64_t* units = ws.units.data();
  while (!ws.heap.empty()) {
    const std::uint64_t key = ws.heap.top_key();
    if (key > limit || key > stop_at) return false;
    const RadixHeap::Entry top = ws.heap.pop();
    const Label lx = label[top.node];
    if (lx.ticks != top.key) continue;  // stale
    if (!ws.done[top.node]) {
      ws.done[top.node] = 1;
      // Every destination's nodes are final: finish this key's ties (zero-length arcs may
      // still shorten km at the same time), then stop.
      if (q.is_target[top.node] && --targets_left == 0) stop_at = key;
    }
    const std::uint64_t ux = units[top.node];
    for (std::uint32_t k = lx.arc_begin; k < lx.arc_end; ++k) {
      const detail::Arc& a = arcs[k];
      const std::uint64_t nt = lx.ticks + a.ticks;
      Label& lh = label[a.head];
      if (nt < lh.ticks) {
        if (lh.ticks == kNoTicks) ws.touched.push_back(a.head);
        lh.ticks = nt;
        units[a.head] = ux + arc_units[k];
        ws.heap.push(nt, a.head);
        // The node is popped much later; its arcs then come from cache, not memory
        // (the frontier's arcs fit in L2). This hides the search's main cache misses.
        __builtin_prefetch(arcs + lh.arc_begin);
        __builtin_prefetch(arc_units + lh.arc_begin);
      } else if (nt == lh.ticks && ux + arc_units[k] < units[a.head]) {
        // Equally fast, shorter: the km tie rule. Arcs of positive length take >= 1 tick,
        // so only after a zero-length arc can a node already popped improve; redo it then.
        units[a.head] = ux + arc_units[k];
        if (ws.done[a.head]) ws.heap.push(nt, a.head);
      }
    }
  }
  return true;
}

void run_dijkstra(Query& q, int threads) {
  const RoadNetwork::Impl& g = q.g;
  const std::int64_t n = static_cast<std::int64_t>(q.orig.size());
  const int t = static_cast<int>(std::min<std::int64_t>(detail::resolve_threads(threads), n));
  std::vector<std::unique_ptr<Workspace>> spaces(std::max(t, 1));
  detail::parallel_dynamic(n, t, [&](std::int64_t i, int worker) {
    const Place& o = q.orig[i];
    if (o.edge < 0) return;
    throw_if_cancelled("road-network table");
    auto& ws_ptr = spaces[worker];
    if (!ws_ptr) ws_ptr = std::make_unique<Workspace>(g);
    Workspace& ws = *ws_ptr;
    const bool exhausted = dijkstra(q, o, ws);
    emit_origin(
        q, i, [&](std::uint32_t x) { return ws.cost(x); }, exhausted, ws.reach, ws.best);
    ws.reset();
  });
}

// ---- Hierarchy engine (RPHAST): upward searches from kLanes origins, then one down sweep
// over the destinations' upward cone for all of them at once.
//
// Packed labels (the fast path): a lane's label is one signed 64-bit integer, ticks << 31 |
// units, with ticks and units each below 2^30 (kPackLimit). Adding two such values adds both
// parts without a carry between them (units < 2^31) and stays below 2^62 (kPackInf,
// unreached), and comparing them is "fewer ticks, then fewer units", so the sweep's inner
// loop is one add and one signed minimum per lane, on 8 bytes per lane. A label at or above
// the limit (a path of 2^30 ticks or units: with the usual 2^-20 minutes per tick, 17 hours)
// makes the batch repeat with wide labels: two 64-bit integers per lane (ticks, units; both
// < 2^53 on real paths, kTicksInf above them). Either way the values are exact integers.

constexpr int kLanes = 16;         // origins per sweep
constexpr int kPrefetchArcs = 16;  // the sweep prefetches the tail label of the arc this far ahead
constexpr int kPrefetchDests = 8;  // rows prefetch the end labels of destinations this far ahead
constexpr std::int64_t kTicksInf = std::int64_t{1} << 62;  // + any arc stays < 2^63

constexpr int kPackShift = 31;
constexpr std::int64_t kPackUnitsMask = (std::int64_t{1} << kPackShift) - 1;
constexpr std::uint64_t kPackLimit = std::uint64_t{1} << 30;
constexpr std::int64_t kPackInf = std::int64_t{1} << 62;
// Set in a finite sum of two packed values (each part < 2^31) iff a part reached the limit.
constexpr std::int64_t kPackOver = (std::int64_t{1} << 61) | (std::int64_t{1} << 30);

inline bool packable(std::uint64_t ticks, std::uint64_t units) {
  return ticks < kPackLimit && units < kPackLimit;
}
inline std::int64_t pack(std::uint64_t ticks, std::uint64_t units) {
  return static_cast<std::int64_t>((ticks << kPackShift) | units);
}
/// An arc's packed cost. One too long to pack has each part cut to the limit: no more than
/// its true cost (so losing a minimum stays correct), and a label through it always reaches
/// the limit (so winning one repeats the batch wide, with the true cost).
inline std::int64_t pack_arc(std::uint64_t ticks, std::uint64_t units) {
  return pack(std::min(ticks, kPackLimit), std::min(units, kPackLimit));
}
inline Cost unpack(std::int64_t v) {
  return v < kPackInf ? make_cost(static_cast<std::uint64_t>(v >> kPackShift),
                                  static_cast<std::uint64_t>(v & kPackUnitsMask))
                      : kCostInf;
}

/// A down arc of the selection, stored at its head: tail position and cost (wide: ticks and
/// units; packed: one value).
struct SelArc {
  std::int64_t ticks, units;
  std::uint32_t tail, pad;
};
struct PackedArc {
  std::int64_t cost;
  std::uint32_t tail, pad;
};

/// The part of the hierarchy one pairs() call sweeps: the destinations' upward cone (every
/// node from which a down path leads to a destination's node), in the hierarchy's sweep
/// order (a topological order of the down arcs laid out for locality), with its incoming
/// down arcs (tails are earlier in this order).
struct Selection {
  std::vector<std::uint32_t> local;  // sweep position -> selected index, kNone if not selected
  std::vector<std::uint32_t> nodes;  // selected index -> sweep position
  std::int64_t size = 0;
  std::vector<std::int64_t> offsets;  // size + 1, into arcs
  std::vector<PackedArc> packed_arcs;
  // The destinations' ends at each position (ends_offsets: size + 1): the sweep finishes a
  // node's label and at once writes it, plus the end's cost, into the end's own slot (in
  // this order, so the writes stream); a destination's rows take the better of its ends.
  struct End {
    std::int64_t ticks, units;
  };
  std::vector<std::int64_t> ends_offsets;
  std::vector<End> ends;
  std::vector<std::int64_t> packed_ends;  // the same costs packed
  std::vector<std::uint32_t> dest_ends;   // per destination two end slots (kNone: none)
  bool pack_ends = true;  // every end's cost fits the packed form (else only wide sweeps)
  std::atomic<bool> wide_only{false};  // a batch overflowed: the rest sweep wide at once

  /// The wide arcs, made on the first wide sweep (most queries never need them).
  const std::vector<SelArc>& wide_arcs(const detail::Hierarchy& ch) const {
    std::call_once(wide_once_, [&] {
      wide_arcs_.resize(packed_arcs.size());
      for (std::int64_t i = 0; i < size; ++i) {
        const std::uint32_t p = nodes[i];
        SelArc* out = wide_arcs_.data() + offsets[i];
        for (std::int64_t k = ch.down_offsets[p]; k < ch.down_offsets[p + 1]; ++k, ++out) {
          const auto& a = ch.down[k];
          *out = {static_cast<std::int64_t>(a.ticks), static_cast<std::int64_t>(a.units),
                  packed_arcs[out - wide_arcs_.data()].tail, 0};
        }
      }
    });
    return wide_arcs_;
  }

 private:
  mutable std::once_flag wide_once_;
  mutable std::vector<SelArc> wide_arcs_;
};

void select_cone(const Query& q, const detail::Hierarchy& ch, int threads, Selection& s) {
  const std::size_t n = ch.rank.size();
  // Mark by sweep position, bottom-up: a node is in the cone when it is a target's node or
  // the tail of a down arc into a marked node (tails come earlier in the sweep order).
  std::vector<std::uint32_t>& at = s.local;  // marked (0) or not, then the selected index
  at.assign(n, kNone);
  for (std::size_t p = 0; p < n; ++p) at[p] = q.is_target[ch.sweep_order[p]] ? 0 : kNone;
  for (std::size_t p = n; p-- > 0;) {
    if (at[p] == kNone) continue;
    for (std::int64_t k = ch.down_offsets[p]; k < ch.down_offsets[p + 1]; ++k)
      at[ch.down[k].node] = 0;
  }
  s.offsets.assign(1, 0);
  for (std::size_t p = 0; p < n; ++p) {
    if (at[p] == kNone) continue;
    at[p] = static_cast<std::uint32_t>(s.nodes.size());
    s.nodes.push_back(static_cast<std::uint32_t>(p));
    s.offsets.push_back(s.offsets.back() + ch.down_offsets[p + 1] - ch.down_offsets[p]);
  }
  s.size = static_cast<std::int64_t>(s.nodes.size());
  s.packed_arcs.resize(static_cast<std::size_t>(s.offsets.back()));
  detail::parallel_for(s.size, threads, 4096, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      const std::uint32_t p = s.nodes[i];
      PackedArc* out = s.packed_arcs.data() + s.offsets[i];
      for (std::int64_t k = ch.down_offsets[p]; k < ch.down_offsets[p + 1]; ++k, ++out) {
        const auto& a = ch.down[k];
        *out = {pack_arc(a.ticks, a.units), at[a.node], 0};
      }
    }
  });
  // Counting sort of the destinations' usable ends by position (then destination).
  const std::size_t nd = q.dest.size();
  s.ends_offsets.assign(static_cast<std::size_t>(s.size) + 1, 0);
  auto each_end = [&](auto&& fn) {
    for (std::size_t j = 0; j < nd; ++j) {
      const Place& d = q.dest[j];
      if (d.cost_u < kCostInf) fn(j, s.local[ch.position[d.u]], d.cost_u);
      if (d.cost_v < kCostInf) fn(j, s.local[ch.position[d.v]], d.cost_v);
    }
  };
  each_end([&](std::size_t, std::uint32_t pos, Cost) { ++s.ends_offsets[pos + 1]; });
  for (std::int64_t i = 0; i < s.size; ++i) s.ends_offsets[i + 1] += s.ends_offsets[i];
  s.ends.resize(static_cast<std::size_t>(s.ends_offsets.back()));
  s.packed_ends.resize(s.ends.size());
  std::vector<std::int64_t> fill(s.ends_offsets.begin(), s.ends_offsets.end() - 1);
  s.dest_ends.assign(2 * nd, kNone);
  each_end([&](std::size_t j, std::uint32_t pos, Cost c) {
    const std::int64_t k = fill[pos]++;
    s.dest_ends[2 * j + (s.dest_ends[2 * j] == kNone ? 0 : 1)] = static_cast<std::uint32_t>(k);
    const std::uint64_t t = cost_ticks(c), u = cost_units(c);
    s.ends[k] = {static_cast<std::int64_t>(t), static_cast<std::int64_t>(u)};
    s.pack_ends = s.pack_ends && packable(t, u);
    s.packed_ends[k] = packable(t, u) ? pack(t, u) : 0;
  });
}

/// Asks the kernel to back a large fresh allocation with huge pages (fewer page faults on
/// first touch); a hint only.
void advise_huge(void* p, std::size_t bytes) {
#ifdef __linux__
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  if (bytes < 4 * kHuge) return;
  const std::uintptr_t b = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t e = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (e > b) ::madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

/// Per-thread scratch of the hierarchy engine. Kept by the hierarchy between pairs() calls
/// (Hierarchy::scratch) so that the next call does not pay for fresh pages again.
struct ChSpace {
  explicit ChSpace(std::size_t n) : dist(n, kCostInf) {}
  /// Makes room for a query's selection and destinations (grows only).
  void fit(std::int64_t selected, std::size_t n_ends) {
    const std::size_t need = static_cast<std::size_t>(selected) * 2 * kLanes;
    if (need > d_size) {
      d.reset();
      d_size = need;
      d = lines(d_size);  // every block is written before it is read
      advise_huge(d.get(), d_size * sizeof(std::int64_t));
    }
    // Entries beyond the old size are 0, never the current stamp (>= 1).
    if (seeded.size() < static_cast<std::size_t>(selected)) seeded.resize(selected, 0);
    if (n_ends * 2 * kLanes > best_size) {
      best.reset();
      best_size = n_ends * 2 * kLanes;
      best = lines(best_size);
    }
  }
  /// A new stamp: no node's label counts as seeded any more.
  void next_stamp() {
    if (++stamp == 0) {
      std::fill(seeded.begin(), seeded.end(), 0);
      stamp = 1;
    }
  }
  std::vector<Cost> dist;  // upward search labels
  std::vector<std::uint32_t> touched;
  RadixHeap heap;  // on ticks
  /// The upward searches' labels at selected nodes, in the order they were set (a later one
  /// of the same node and lane replaces an earlier one).
  struct Seed {
    std::uint32_t pos;
    std::int32_t lane;
    Cost cost;
  };
  std::vector<Seed> seeds;
  // Sweep labels: per selected node `width` values (packed) or `width` ticks, then `width`
  // units (wide).
  std::size_t d_size = 0;
  /// Storage aligned to cache lines: a label block (8 lanes x 8 bytes or more) then spans
  /// whole lines, which the sweep prefetches.
  struct FreeLines {
    void operator()(std::int64_t* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  using Lines = std::unique_ptr<std::int64_t[], FreeLines>;
  static Lines lines(std::size_t n) {
    return Lines(static_cast<std::int64_t*>(
        ::operator new[](n * sizeof(std::int64_t), std::align_val_t{64})));
  }
  Lines d;
  std::vector<std::uint32_t> seeded;  // == stamp: d of this node was set by an upward search
  std::uint32_t stamp = 0;
  Reach reach;
  // Per destination end (Selection::ends order) its label plus the end's cost, laid out
  // like the labels (every block written by the sweep).
  std::size_t best_size = 0;
  Lines best;
  bool packed = true;                          // the layout of the current batch's labels and best
  std::vector<std::uint32_t> pending[kLanes];  // unreached destinations to classify, per lane

  int width = kLanes;  // lanes of the current batch's labels: kLanes, or kLanes / 2 for a
                       // last batch of at most that many origins (half the sweep's work)
};

/// Upward search from origin o with stall-on-demand; records its labels at selected nodes
/// as seeds of lane `lane`. Returns true unless it stopped at the time limit.
/// A node x is stalled (its arcs not relaxed) when a higher neighbour y already offers a
/// strictly cheaper way in (dist[y] + cost(y -> x) < dist[x]): x's label is then not a
/// shortest distance, and the sweep reaches x and everything beyond it through y.
/// The queue orders by ticks only (a radix heap); among equal ticks a node may be expanded
/// before a cheaper-by-km label reaches it, in which case it is pushed and expanded again,
/// so every label ends exact (label-correcting within a tick value, which is rare).
bool upward(const Query& q, const detail::Hierarchy& ch, const Selection& s, const Place& o,
            int lane, ChSpace& w) {
  Cost* dist = w.dist.data();
  auto push = [&](std::uint32_t x, Cost c) {
    if (!(c < dist[x])) return;
    if (dist[x] == kCostInf) w.touched.push_back(x);
    dist[x] = c;
    w.heap.push(cost_ticks(c), x);
  };
  // Nodes by sweep position (the hierarchy's numbering after finish_hierarchy).
  if (o.cost_u < kCostInf) push(ch.position[o.u], o.cost_u);
  if (o.cost_v < kCostInf) push(ch.position[o.v], o.cost_v);
  const std::uint64_t limit = q.tick_limit(o);
  bool exhausted = true;
  while (!w.heap.empty()) {
    const RadixHeap::Entry e = w.heap.pop();
    const std::uint32_t x = e.node;
    const Cost c = dist[x];
    if (cost_ticks(c) != e.key) continue;  // stale: x has fewer ticks now
    if (e.key > limit) {
      exhausted = false;
      break;
    }
    bool stalled = false;
    for (std::int64_t k = ch.down_offsets[x]; k < ch.down_offsets[x + 1]; ++k) {
      const Cost dy = dist[ch.down[k].node];
      if (dy < kCostInf && dy + ch.down[k].cost() < c) {
        stalled = true;
        break;
      }
    }
    if (stalled) continue;
    const std::uint32_t l = s.local[x];
    if (l != kNone) w.seeds.push_back({l, lane, c});
    for (std::int64_t k = ch.up_offsets[x]; k < ch.up_offsets[x + 1]; ++k) {
      push(ch.up[k].node, c + ch.up[k].cost());
    }
  }
  for (auto x : w.touched) dist[x] = kCostInf;
  w.touched.clear();
  w.heap.clear();
  return exhausted;
}

/// Writes the batch's seeds into the labels (packed or wide layout) under a new stamp; false
/// (nothing written) when packed and a seed does not fit the packed form.
bool plant_seeds(ChSpace& w, bool packed) {
  if (packed) {
    for (const auto& sd : w.seeds)
      if (!packable(cost_ticks(sd.cost), cost_units(sd.cost))) return false;
  }
  w.next_stamp();
  const std::size_t W = static_cast<std::size_t>(w.width);
  for (const auto& sd : w.seeds) {
    std::int64_t* b = w.d.get() + std::size_t{sd.pos} * (packed ? W : 2 * W);
    if (w.seeded[sd.pos] != w.stamp) {
      w.seeded[sd.pos] = w.stamp;
      std::fill(b, b + W, packed ? kPackInf : kTicksInf);
      if (!packed) std::fill(b + W, b + 2 * W, 0);
    }
    if (packed) {
      b[sd.lane] = pack(cost_ticks(sd.cost), cost_units(sd.cost));
    } else {
      b[sd.lane] = static_cast<std::int64_t>(cost_ticks(sd.cost));
      b[W + sd.lane] = static_cast<std::int64_t>(cost_units(sd.cost));
    }
  }
  return true;
}

/// Packed down sweep over the selection for all lanes at once: each node takes the minimum
/// of its seed and of its tails' labels plus the arc, and offers it (plus the end's cost) to
/// the destinations at that node (best). Returns non-zero when some label reached the packed
/// limit (that label is set unreached, so values stay bounded; the batch must be repeated
/// wide). The tail labels of arcs a little ahead are prefetched: the sweep is bound by the
/// latency of those reads (the labels are MBs, the tails scattered).
// Four lanes of packed labels (GCC vector extension: one AVX2 register where compiled for
// it; comparisons give lane masks, ?: selects per lane).
// Only inside the sweep bodies (no Lanes4 crosses a call, whose ABI would depend on AVX).
typedef std::int64_t Lanes4 __attribute__((vector_size(32)));
// The same for loads and stores at any 8-byte aligned address (like __m256i_u).
typedef std::int64_t Lanes4u __attribute__((vector_size(32), aligned(8), may_alias));

template <int L>
[[gnu::always_inline]] inline std::int64_t packed_sweep_body(const Selection& s, std::int64_t* d,
                                                             std::int64_t* best,
                                                             const std::uint32_t* seeded,
                                                             std::uint32_t stamp) {
  static_assert(L % 4 == 0);
  constexpr int V = L / 4;
  const std::int64_t* off = s.offsets.data();
  const PackedArc* arcs = s.packed_arcs.data();
  const std::int64_t n_arcs = static_cast<std::int64_t>(s.packed_arcs.size());
  const std::int64_t* eoff = s.ends_offsets.data();
  const std::int64_t* ends = s.packed_ends.data();
  const Lanes4 inf = {kPackInf, kPackInf, kPackInf, kPackInf};
  const Lanes4 over_bits = {kPackOver, kPackOver, kPackOver, kPackOver};
  const Lanes4 zero = {0, 0, 0, 0};
  Lanes4 over = zero;
  for (std::int64_t v = 0; v < s.size; ++v) {
    Lanes4 m[V];
    std::int64_t* dv = d + v * L;
    const bool seed = seeded[v] == stamp;
    for (int k = 0; k < V; ++k) m[k] = seed ? reinterpret_cast<const Lanes4u*>(dv)[k] : inf;
    for (std::int64_t a = off[v]; a < off[v + 1]; ++a) {
      if (a + kPrefetchArcs < n_arcs) {
        const char* pf =
            reinterpret_cast<const char*>(d + std::size_t{arcs[a + kPrefetchArcs].tail} * L);
        for (int c = 0; c < L * 8; c += 64) __builtin_prefetch(pf + c);
      }
      const std::int64_t* du = d + std::size_t{arcs[a].tail} * L;
      const std::int64_t c = arcs[a].cost;
      const Lanes4 cv = {c, c, c, c};
      const Lanes4u* t = reinterpret_cast<const Lanes4u*>(du);
      for (int k = 0; k < V; ++k) {
        const Lanes4 x = t[k] + cv;
        m[k] = x < m[k] ? x : m[k];
      }
    }
    for (int k = 0; k < V; ++k) {
      // Finite sums are < kPackInf; unreached ones (kPackInf + arcs) go back to kPackInf,
      // and so does a label at the limit (after flagging it).
      const Lanes4 finite = m[k] < inf;
      const Lanes4 o = finite ? (m[k] & over_bits) : zero;
      over |= o;
      m[k] = (finite & (o == zero)) ? m[k] : inf;
      reinterpret_cast<Lanes4u*>(dv)[k] = m[k];
    }
    for (std::int64_t e = eoff[v]; e < eoff[v + 1]; ++e) {
      const std::int64_t c = ends[e];
      const Lanes4 cv = {c, c, c, c};
      Lanes4u* x = reinterpret_cast<Lanes4u*>(best + std::size_t(e) * L);
      for (int k = 0; k < V; ++k) x[k] = m[k] + cv;
    }
  }
  return over[0] | over[1] | over[2] | over[3];
}

/// Wide down sweep: as the packed one on (ticks, units) pairs, the lexicographic minimum.
/// Values are either kTicksInf (unreached; a sum above it is no path) or exact path sums
/// below 2^53, so nothing overflows.
template <int L>
[[gnu::always_inline]] inline void wide_sweep_body(const Selection& s, const SelArc* arcs,
                                                   std::int64_t* d, std::int64_t* best,
                                                   const std::uint32_t* seeded,
                                                   std::uint32_t stamp) {
  const std::int64_t* off = s.offsets.data();
  const std::int64_t n_arcs = static_cast<std::int64_t>(s.packed_arcs.size());
  const std::int64_t* eoff = s.ends_offsets.data();
  const Selection::End* ends = s.ends.data();
  for (std::int64_t v = 0; v < s.size; ++v) {
    alignas(64) std::int64_t bt[L], bu[L];
    std::int64_t* dv = d + v * 2 * L;
    if (seeded[v] == stamp) {
      for (int l = 0; l < L; ++l) bt[l] = dv[l], bu[l] = dv[L + l];
    } else {
      for (int l = 0; l < L; ++l) bt[l] = kTicksInf, bu[l] = 0;
    }
    for (std::int64_t a = off[v]; a < off[v + 1]; ++a) {
      if (a + kPrefetchArcs < n_arcs) {
        const char* pf =
            reinterpret_cast<const char*>(d + std::size_t{arcs[a + kPrefetchArcs].tail} * 2 * L);
        for (int c = 0; c < 2 * L * 8; c += 64) __builtin_prefetch(pf + c);
      }
      const std::int64_t* du = d + std::size_t{arcs[a].tail} * 2 * L;
      const std::int64_t ct = arcs[a].ticks, cu = arcs[a].units;
      for (int l = 0; l < L; ++l) {
        const std::int64_t nt = du[l] + ct, nu = du[L + l] + cu;
        const bool better = (nt < bt[l]) | ((nt == bt[l]) & (nu < bu[l]));
        bt[l] = better ? nt : bt[l];
        bu[l] = better ? nu : bu[l];
      }
    }
    for (int l = 0; l < L; ++l) {
      // Unreached stays exactly kTicksInf (a sum above it is not a path).
      bt[l] = bt[l] < kTicksInf ? bt[l] : kTicksInf;
      dv[l] = bt[l];
      dv[L + l] = bu[l];
    }
    for (std::int64_t e = eoff[v]; e < eoff[v + 1]; ++e) {
      std::int64_t* b = best + std::size_t(e) * 2 * L;
      const std::int64_t ct = ends[e].ticks, cu = ends[e].units;
      for (int l = 0; l < L; ++l) {
        b[l] = bt[l] + ct;  // >= kTicksInf: unreached
        b[L + l] = bu[l] + cu;
      }
    }
  }
}

/// Both sweeps at both widths; `arcs` == nullptr: packed. Returns the packed sweep's
/// overflow (0 for a wide one). Inlined into each build below.
[[gnu::always_inline]] inline std::int64_t sweep_any(int width, const Selection& s,
                                                     const SelArc* arcs, std::int64_t* d,
                                                     std::int64_t* best,
                                                     const std::uint32_t* seeded,
                                                     std::uint32_t stamp) {
  if (!arcs) {
    return width == kLanes ? packed_sweep_body<kLanes>(s, d, best, seeded, stamp)
                           : packed_sweep_body<kLanes / 2>(s, d, best, seeded, stamp);
  }
  if (width == kLanes) {
    wide_sweep_body<kLanes>(s, arcs, d, best, seeded, stamp);
  } else {
    wide_sweep_body<kLanes / 2>(s, arcs, d, best, seeded, stamp);
  }
  return 0;
}

std::int64_t sweep_generic(int width, const Selection& s, const SelArc* arcs, std::int64_t* d,
                           std::int64_t* best, const std::uint32_t* seeded, std::uint32_t stamp) {
  return sweep_any(width, s, arcs, d, best, seeded, stamp);
}

#if defined(__x86_64__) || defined(__i386__)
// The same loops compiled for AVX2 (4 lanes per instruction), picked at run time.
[[gnu::target("avx2")]] std::int64_t sweep_avx2(int width, const Selection& s, const SelArc* arcs,
                                                std::int64_t* d, std::int64_t* best,
                                                const std::uint32_t* seeded, std::uint32_t stamp) {
  return sweep_any(width, s, arcs, d, best, seeded, stamp);
}
#endif

/// One sweep of the batch whose seeds are in w.seeds: packed when the query and the seeds
/// allow, repeated wide if a packed label overflows. Leaves w.packed = the layout of w.best.
void sweep(const detail::Hierarchy& ch, Selection& s, ChSpace& w) {
  w.packed = s.pack_ends && !s.wide_only.load(std::memory_order_relaxed) && plant_seeds(w, true);
  for (;;) {
    if (!w.packed) plant_seeds(w, false);
    std::int64_t* best = w.best.get();
    const SelArc* arcs = w.packed ? nullptr : s.wide_arcs(ch).data();
#if defined(__x86_64__) || defined(__i386__)
    static const bool avx2 = __builtin_cpu_supports("avx2");
    const bool use_avx2 = avx2 && !detail::hierarchy_generic_sweep;
    const std::int64_t over = (use_avx2 ? sweep_avx2 : sweep_generic)(
        w.width, s, arcs, w.d.get(), best, w.seeded.data(), w.stamp);
#else
    const std::int64_t over =
        sweep_generic(w.width, s, arcs, w.d.get(), best, w.seeded.data(), w.stamp);
#endif
    detail::hierarchy_sweeps[arcs ? 1 : 0].fetch_add(1, std::memory_order_relaxed);
    if (over == 0) return;
    s.wide_only.store(true, std::memory_order_relaxed);
    w.packed = false;
  }
}

/// Rows of the batch's origins [i0, i0 + lanes) from w.best (the better of each
/// destination's ends), destinations in input order.
void batch_rows(Query& q, const Selection& s, std::int64_t i0, int lanes, const bool* exhausted,
                ChSpace& w) {
  const RoadNetwork::Impl& g = q.g;
  const std::size_t nd = q.dest.size();
  for (int l = 0; l < lanes; ++l) {
    w.pending[l].clear();
    if (q.orig[i0 + l].edge >= 0 && !q.direct) q.rows[i0 + l].reserve(nd);
  }
  TravelPairs* out = q.direct;
  const std::size_t W = static_cast<std::size_t>(w.width), stride = w.packed ? W : 2 * W;
  const std::int64_t* best = w.best.get();
  auto slot = [&](std::uint32_t e) {
    return e == kNone ? nullptr : best + std::size_t{e} * stride;
  };
  // The end's cost in lane l (kCostInf: no such end or not reached).
  auto end_cost = [&](const std::int64_t* b, int l) -> Cost {
    if (!b) return kCostInf;
    if (w.packed) return unpack(b[l]);
    return b[l] < kTicksInf
               ? make_cost(static_cast<std::uint64_t>(b[l]), static_cast<std::uint64_t>(b[W + l]))
               : kCostInf;
  };
  for (std::size_t jj = 0; jj < nd; ++jj) {
    if (jj + kPrefetchDests < nd) {
      for (int k = 0; k < 2; ++k) {
        const char* pf =
            reinterpret_cast<const char*>(slot(s.dest_ends[2 * (jj + kPrefetchDests) + k]));
        if (pf)
          for (std::size_t c = 0; c < stride * 8; c += 64) __builtin_prefetch(pf + c);
      }
    }
    const Place& d = q.dest[jj];
    const std::int64_t* b0 = slot(s.dest_ends[2 * jj]);
    const std::int64_t* b1 = slot(s.dest_ends[2 * jj + 1]);
    for (int l = 0; l < lanes; ++l) {
      const Place& o = q.orig[i0 + l];
      if (o.edge < 0) continue;
      Cost b = std::min(end_cost(b0, l), end_cost(b1, l));
      if (o.edge == d.edge) b = std::min(b, same_edge_cost(g, o, d));
      if (b >= kCostInf) {
        if (exhausted[l]) {
          ++q.unreachable[i0 + l];
        } else {
          w.pending[l].push_back(static_cast<std::uint32_t>(jj));
        }
        continue;
      }
      const double minutes = (o.snap_min + g.minutes_of(cost_ticks(b))) + d.snap_min;
      const double km = (o.snap_km + g.km_of(cost_units(b))) + d.snap_km;
      if (minutes <= q.max_minutes && km <= q.max_km) {
        if (out) {
          const std::size_t k = (i0 + l) * nd + q.n_rows[i0 + l]++;
          out->origin[k] = i0 + l;
          out->destination[k] = q.dest_ids[jj];
          out->minutes[k] = minutes;
          out->km[k] = km;
        } else {
          q.rows[i0 + l].push_back({q.dest_ids[jj], minutes, km});
        }
      }
    }
  }
  // Not reached within the limit: unreachable only if no path exists at all.
  for (int l = 0; l < lanes; ++l) {
    if (w.pending[l].empty()) continue;
    const Place& o = q.orig[i0 + l];
    w.reach.start();
    for (const std::uint32_t jj : w.pending[l])
      if (!w.reach.reachable(g, o, q.dest[jj])) ++q.unreachable[i0 + l];
  }
}

void run_hierarchy(Query& q, const detail::Hierarchy& ch, int threads) {
  Selection s;
  select_cone(q, ch, threads, s);
  const std::int64_t n = static_cast<std::int64_t>(q.orig.size());
  const std::int64_t batches = (n + kLanes - 1) / kLanes;
  const int t = static_cast<int>(std::min<std::int64_t>(detail::resolve_threads(threads), batches));
  std::vector<std::shared_ptr<ChSpace>> spaces(std::max(t, 1));
  {
    // Scratch left by earlier calls (its labels are reset; seeded holds older stamps).
    std::lock_guard<std::mutex> lock(ch.scratch_mu);
    for (auto& sp : spaces) {
      if (ch.scratch.empty()) break;
      sp = std::static_pointer_cast<ChSpace>(ch.scratch.back());
      ch.scratch.pop_back();
    }
  }
  detail::parallel_dynamic(batches, t, [&](std::int64_t b, int worker) {
    if (!spaces[worker]) spaces[worker] = std::make_shared<ChSpace>(ch.rank.size());
    ChSpace& w = *spaces[worker];
    w.fit(s.size, s.ends.size());
    throw_if_cancelled("road-network table");
    bool exhausted[kLanes];
    const std::int64_t i0 = b * kLanes, i1 = std::min(n, i0 + kLanes);
    w.width = i1 - i0 <= kLanes / 2 ? kLanes / 2 : kLanes;
    w.seeds.clear();
    for (std::int64_t i = i0; i < i1; ++i) {
      const Place& o = q.orig[i];
      exhausted[i - i0] = o.edge < 0 || upward(q, ch, s, o, static_cast<int>(i - i0), w);
    }
    sweep(ch, s, w);
    batch_rows(q, s, i0, static_cast<int>(i1 - i0), exhausted, w);
  });
  // Only after a complete run (an error may leave a search's labels set).
  std::lock_guard<std::mutex> lock(ch.scratch_mu);
  for (auto& sp : spaces)
    if (sp) ch.scratch.push_back(std::move(sp));
}

/// The four result columns, `total` rows each, allocated (and their pages first touched)
/// side by side.
void allocate_columns(TravelPairs& out, std::size_t total, int threads) {
  detail::parallel_for(4, threads, 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t c = b; c < e; ++c) {
      auto fresh = [&](auto& v) {
        v.reserve(total);
        advise_huge(v.data(), total * sizeof(v[0]));
        v.resize(total);
      };
      if (c == 0) fresh(out.origin);
      if (c == 1) fresh(out.destination);
      if (c == 2) fresh(out.minutes);
      if (c == 3) fresh(out.km);
    }
  });
}

/// Moves origin i's rows from [i * n_dest, ...) down to their final place (origins in order,
/// so no row is overwritten before it moved), column by column in parallel.
void compact_direct(Query& q, TravelPairs& out, int threads) {
  const std::int64_t n = static_cast<std::int64_t>(q.orig.size());
  const std::size_t nd = q.dest.size();
  std::size_t total = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    total += q.n_rows[i];
    out.unreachable_pairs += q.unreachable[i];
  }
  auto move_down = [&](auto& v) {
    std::size_t at = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::size_t from = i * nd, c = q.n_rows[i];
      if (at != from) std::memmove(v.data() + at, v.data() + from, c * sizeof(v[0]));
      at += c;
    }
    v.resize(total);
    if (total < v.capacity() / 4 * 3) v.shrink_to_fit();  // many unreachable pairs
  };
  detail::parallel_for(4, threads, 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t c = b; c < e; ++c) {
      if (c == 0) move_down(out.origin);
      if (c == 1) move_down(out.destination);
      if (c == 2) move_down(out.minutes);
      if (c == 3) move_down(out.km);
    }
  });
}

TravelPairs collect(Query& q, int threads) {
  TravelPairs out;
  const std::int64_t n = static_cast<std::int64_t>(q.rows.size());
  std::vector<std::size_t> start(n + 1, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    start[i + 1] = start[i] + q.rows[i].size();
    out.unreachable_pairs += q.unreachable[i];
  }
  const std::size_t total = start[n];
  allocate_columns(out, total, threads);
  detail::parallel_for(n, threads, 8, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      std::size_t k = start[i];
      for (const Row& r : q.rows[i]) {
        out.origin[k] = i;
        out.destination[k] = r.destination;
        out.minutes[k] = r.minutes;
        out.km[k] = r.km;
        ++k;
      }
      std::vector<Row>().swap(q.rows[i]);
    }
  });
  return out;
}

}  // namespace

namespace detail {
double hierarchy_direct_pairs = 1 << 24;
std::atomic<std::int64_t> hierarchy_sweeps[2] = {0, 0};
bool hierarchy_generic_sweep = false;
}  // namespace detail

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
  TravelPairs head;
  Query q = make_query(*impl_, snap(origins_xy, threads), snap(destinations_xy, threads),
                       max_minutes, max_km, head);
  const std::int64_t n = static_cast<std::int64_t>(q.orig.size());
  TravelPairs out;
  const bool work = !q.dest.empty() && static_cast<std::int64_t>(head.unsnapped_origins.size()) < n;
  // Unlimited, small enough tables (nearly every pair is a row): rows straight into the
  // result (no row lists, one copy less). With limits the share of rows is unknown.
  const bool unlimited = std::isinf(max_minutes) && std::isinf(max_km);
  if (work && ch_ && unlimited &&
      static_cast<double>(n) * static_cast<double>(q.dest.size()) <=
          detail::hierarchy_direct_pairs) {
    allocate_columns(out, static_cast<std::size_t>(n) * q.dest.size(), threads);
    q.direct = &out;
    q.n_rows.assign(n, 0);
  }
  if (work) {
    if (ch_) {
      run_hierarchy(q, *ch_, threads);
    } else {
      run_dijkstra(q, threads);
    }
  }
  if (q.direct) {
    compact_direct(q, out, threads);
  } else {
    out = collect(q, threads);
  }
  out.unsnapped_origins = std::move(head.unsnapped_origins);
  out.unsnapped_destinations = std::move(head.unsnapped_destinations);
  return out;
}

}  // namespace libmatch
