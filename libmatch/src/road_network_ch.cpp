// RoadNetwork::prepare(): a contraction hierarchy over the search graph. Nodes are contracted
// one at a time in order of priority (edge difference + contracted neighbours, lazily
// updated); contracting v adds a shortcut u -> w for each pair of neighbours whose best path
// runs through v (no witness path of cost <= found by a bounded search). Costs are exact
// integers (ticks, then km units), so the hierarchy answers the same lexicographic shortest
// paths as Dijkstra does.
#include <algorithm>
#include <chrono>
#include <limits>
#include <queue>

#include "libmatch/cancel.hpp"
#include "libmatch/error.hpp"
#include "travel_internal.hpp"

namespace libmatch {

namespace detail {

namespace {

constexpr int kWitnessSettle = 100;  // settled nodes per witness search

struct Nb {
  Cost cost;
  std::uint32_t node;
};

/// The remaining (not yet contracted) graph: per node its arcs out and in.
struct DynGraph {
  std::vector<std::vector<Nb>> out, in;

  void add_or_lower(std::uint32_t u, std::uint32_t w, Cost c) {
    for (Nb& a : out[u]) {
      if (a.node == w) {
        if (c < a.cost) {
          a.cost = c;
          for (Nb& b : in[w]) {
            if (b.node == u) b.cost = c;
          }
        }
        return;
      }
    }
    out[u].push_back({c, w});
    in[w].push_back({c, u});
  }
  static void erase(std::vector<Nb>& list, std::uint32_t node) {
    list.erase(
        std::remove_if(list.begin(), list.end(), [&](const Nb& a) { return a.node == node; }),
        list.end());
  }
};

struct Shortcut {
  std::uint32_t from, to;
  Cost cost;
};

/// Bounded Dijkstra in the remaining graph, one per in-neighbour of the node simulated.
struct Witness {
  explicit Witness(std::size_t n) : dist(n, kCostInf), target(n, 0) {}
  std::vector<Cost> dist;
  std::vector<std::uint8_t> target;  // out-neighbours of the node simulated
  int n_targets = 0;
  std::vector<std::uint32_t> touched;
  std::vector<std::pair<Cost, std::uint32_t>> heap;

  void run(const DynGraph& g, std::uint32_t source, std::uint32_t avoid, Cost bound) {
    clear();
    auto greater = [](const auto& a, const auto& b) { return a > b; };
    dist[source] = 0;
    touched.push_back(source);
    heap.emplace_back(Cost{0}, source);
    int settled = 0, targets_left = n_targets;
    while (!heap.empty() && settled < kWitnessSettle) {
      std::pop_heap(heap.begin(), heap.end(), greater);
      const auto [c, x] = heap.back();
      heap.pop_back();
      if (c != dist[x]) continue;
      if (c > bound) break;
      ++settled;
      if (target[x] && --targets_left == 0) break;  // every target's distance is final
      for (const Nb& a : g.out[x]) {
        if (a.node == avoid) continue;
        const Cost nc = c + a.cost;
        if (nc < dist[a.node]) {
          if (dist[a.node] == kCostInf) touched.push_back(a.node);
          dist[a.node] = nc;
          heap.emplace_back(nc, a.node);
          std::push_heap(heap.begin(), heap.end(), greater);
        }
      }
    }
  }
  void clear() {
    for (auto x : touched) dist[x] = kCostInf;
    touched.clear();
    heap.clear();
  }
};

/// Shortcuts that contracting v would add (in the order in-neighbour, out-neighbour).
void simulate(const DynGraph& g, std::uint32_t v, Witness& w, std::vector<Shortcut>& out) {
  out.clear();
  if (g.out[v].empty()) return;
  Cost max_out = 0;
  for (const Nb& b : g.out[v]) {
    max_out = std::max(max_out, b.cost);
    w.target[b.node] = 1;
  }
  w.n_targets = static_cast<int>(g.out[v].size());
  for (const Nb& a : g.in[v]) {
    w.run(g, a.node, v, a.cost + max_out);
    for (const Nb& b : g.out[v]) {
      if (b.node == a.node) continue;
      const Cost via = a.cost + b.cost;
      // Only a strictly cheaper witness makes the shortcut unnecessary (see build_hierarchy).
      if (!(w.dist[b.node] < via)) out.push_back({a.node, b.node, via});
    }
  }
  for (const Nb& b : g.out[v]) w.target[b.node] = 0;
  w.clear();
}

std::int64_t priority(const DynGraph& g, std::uint32_t v, std::int64_t contracted_nbs,
                      std::size_t shortcuts, std::int64_t depth) {
  const std::int64_t removed = static_cast<std::int64_t>(g.in[v].size() + g.out[v].size());
  return 2 * (static_cast<std::int64_t>(shortcuts) - removed) + contracted_nbs + 2 * depth;
}

DynGraph dyn_graph(const RoadNetwork::Impl& g) {
  const std::size_t n = g.node_xy.size() / 2;
  DynGraph d;
  d.out.resize(n);
  d.in.resize(n);
  for (std::size_t x = 0; x < n; ++x) {
    for (std::int64_t k = g.offsets[x]; k < g.offsets[x + 1]; ++k) {
      const Cost c = make_cost(g.arcs[k].ticks, g.arc_units[k]);
      d.out[x].push_back({c, g.arcs[k].head});
      d.in[g.arcs[k].head].push_back({c, static_cast<std::uint32_t>(x)});
    }
  }
  return d;
}

/// CSR of per-node arc lists (sorted by node, for a canonical layout).
void to_csr(std::vector<std::vector<ChArc>>& lists, std::vector<std::int64_t>& offsets,
            std::vector<ChArc>& arcs) {
  offsets.assign(1, 0);
  arcs.clear();
  for (auto& l : lists) {
    std::sort(l.begin(), l.end(), [](const ChArc& a, const ChArc& b) { return a.node < b.node; });
    arcs.insert(arcs.end(), l.begin(), l.end());
    offsets.push_back(static_cast<std::int64_t>(arcs.size()));
    std::vector<ChArc>().swap(l);
  }
}

ChArc ch_arc(const Nb& a) { return {cost_ticks(a.cost), cost_units(a.cost), a.node}; }

}  // namespace

std::uint64_t graph_checksum(const RoadNetwork::Impl& g) {
  std::uint64_t h = 0x243F6A8885A308D3ULL;
  auto mix = [&](std::uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ULL;
  };
  mix(static_cast<std::uint64_t>(g.tick_exp));
  mix(static_cast<std::uint64_t>(g.unit_exp));
  for (auto o : g.offsets) mix(static_cast<std::uint64_t>(o));
  for (std::size_t k = 0; k < g.arcs.size(); ++k) {
    mix(g.arcs[k].ticks);
    mix(g.arcs[k].head);
    mix(g.arc_units[k]);
  }
  return h;
}

bool finish_hierarchy(Hierarchy& h) {
  const std::size_t n = h.rank.size();
  std::vector<std::uint32_t> by_rank(n, std::numeric_limits<std::uint32_t>::max());
  for (std::size_t x = 0; x < n; ++x) {
    if (h.rank[x] >= n || by_rank[h.rank[x]] < n) return false;
    by_rank[h.rank[x]] = static_cast<std::uint32_t>(x);
  }
  // Levels bottom-up: every neighbour in the hierarchy is higher, so visiting nodes by
  // ascending rank sees a node's level final before it raises its neighbours'.
  std::vector<std::uint32_t> level(n, 0);
  for (const std::uint32_t y : by_rank) {
    for (const auto* arcs : {&h.up, &h.down}) {
      const auto& off = arcs == &h.up ? h.up_offsets : h.down_offsets;
      for (std::int64_t k = off[y]; k < off[y + 1]; ++k) {
        const std::uint32_t x = (*arcs)[k].node;
        if (h.rank[x] <= h.rank[y]) return false;
        level[x] = std::max(level[x], level[y] + 1);
      }
    }
  }
  // Counting sort by descending level, ascending id within a level.
  const std::uint32_t top = n ? *std::max_element(level.begin(), level.end()) : 0;
  std::vector<std::size_t> start(top + 2, 0);
  for (const std::uint32_t l : level) ++start[top - l + 1];
  for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  h.sweep_order.assign(n, 0);
  for (std::size_t x = 0; x < n; ++x)
    h.sweep_order[start[top - level[x]]++] = static_cast<std::uint32_t>(x);
  h.position.assign(n, 0);
  for (std::size_t p = 0; p < n; ++p) h.position[h.sweep_order[p]] = static_cast<std::uint32_t>(p);
  auto renumber = [&](std::vector<std::int64_t>& off, std::vector<ChArc>& arcs) {
    std::vector<std::int64_t> o;
    std::vector<ChArc> a;
    o.reserve(n + 1);
    a.reserve(arcs.size());
    o.push_back(0);
    for (const std::uint32_t x : h.sweep_order) {
      for (std::int64_t k = off[x]; k < off[x + 1]; ++k) {
        a.push_back(arcs[k]);
        a.back().node = h.position[arcs[k].node];
      }
      o.push_back(static_cast<std::int64_t>(a.size()));
    }
    off.swap(o);
    arcs.swap(a);
  };
  renumber(h.up_offsets, h.up);
  renumber(h.down_offsets, h.down);
  return true;
}

void internal_arcs(const Hierarchy& h, bool up, std::vector<std::int64_t>& offsets,
                   std::vector<ChArc>& arcs) {
  const auto& off = up ? h.up_offsets : h.down_offsets;
  const auto& src = up ? h.up : h.down;
  const std::size_t n = h.rank.size();
  offsets.assign(1, 0);
  offsets.reserve(n + 1);
  arcs.clear();
  arcs.reserve(src.size());
  for (std::size_t x = 0; x < n; ++x) {
    const std::uint32_t p = h.position[x];
    for (std::int64_t k = off[p]; k < off[p + 1]; ++k) {
      arcs.push_back(src[k]);
      arcs.back().node = h.sweep_order[src[k].node];
    }
    offsets.push_back(static_cast<std::int64_t>(arcs.size()));
  }
}

std::shared_ptr<const Hierarchy> build_hierarchy(const RoadNetwork::Impl& g, int threads) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint32_t n = static_cast<std::uint32_t>(g.node_xy.size() / 2);
  DynGraph d = dyn_graph(g);
  std::vector<std::int64_t> contracted_nbs(n, 0);
  std::vector<std::int64_t> depth(n, 0);  // 1 + deepest contracted neighbour
  std::vector<std::uint8_t> contracted(n, 0);

  // Initial priorities: independent per node, so computed in parallel.
  std::vector<std::int64_t> prio(n);
  parallel_for(n, threads, 4096, [&](std::int64_t b, std::int64_t e) {
    Witness w(n);
    std::vector<Shortcut> sc;
    for (std::int64_t v = b; v < e; ++v) {
      if ((v & 1023) == 0) throw_if_cancelled("road-network preparation");
      simulate(d, static_cast<std::uint32_t>(v), w, sc);
      prio[v] = priority(d, static_cast<std::uint32_t>(v), 0, sc.size(), 0);
    }
  });
  auto h = std::make_shared<Hierarchy>();
  h->rank.assign(n, 0);
  std::vector<std::vector<ChArc>> up(n), down(n);

  // Contraction in rounds. Each round takes the nodes whose (priority, id) is smaller than
  // every remaining neighbour's: an independent set, so they can be contracted at once.
  // Their shortcuts are simulated in parallel on the same graph (a pure function of it,
  // hence the same hierarchy whatever the thread count) and applied in (priority, id)
  // order. Lazy updates: a node whose neighbourhood changed since its priority was computed
  // is contracted only if its fresh priority still beats its neighbours', else it keeps
  // the fresh priority and waits. Simultaneous contraction is exact because a witness must
  // be strictly cheaper than the path through the node (simulate): every shortest path
  // through a contracted node then gets its shortcut, whatever else the round contracts.
  std::vector<std::uint8_t> dirty(n, 0);
  std::vector<std::uint32_t> alive(n), cand, accepted;
  for (std::uint32_t v = 0; v < n; ++v) alive[v] = v;
  std::vector<std::vector<Shortcut>> cand_sc;
  std::vector<std::int64_t> cand_prio;
  std::vector<std::uint8_t> cand_ok;
  const int workers = resolve_threads(threads);
  std::vector<std::unique_ptr<Witness>> witness(std::max(workers, 1));
  auto smaller = [&](std::uint32_t v, std::int64_t pv, std::uint32_t u) {
    return std::pair{pv, v} < std::pair{prio[u], u};
  };
  auto local_min = [&](std::uint32_t v, std::int64_t pv) {
    for (const Nb& a : d.out[v])
      if (!smaller(v, pv, a.node)) return false;
    for (const Nb& a : d.in[v])
      if (!smaller(v, pv, a.node)) return false;
    return true;
  };
  std::uint32_t next_rank = 0;
  while (!alive.empty()) {
    throw_if_cancelled("road-network preparation");
    cand.clear();
    for (const std::uint32_t v : alive)
      if (local_min(v, prio[v])) cand.push_back(v);
    const std::int64_t nc = static_cast<std::int64_t>(cand.size());
    cand_sc.resize(cand.size());
    cand_prio.resize(cand.size());
    cand_ok.assign(cand.size(), 0);
    detail::parallel_dynamic(nc, nc < 2 ? 1 : workers, [&](std::int64_t i, int worker) {
      if (!witness[worker]) witness[worker] = std::make_unique<Witness>(n);
      const std::uint32_t v = cand[i];
      simulate(d, v, *witness[worker], cand_sc[i]);
      cand_prio[i] = priority(d, v, contracted_nbs[v], cand_sc[i].size(), depth[v]);
      cand_ok[i] = !dirty[v] || local_min(v, cand_prio[i]);
    });
    accepted.clear();
    for (std::int64_t i = 0; i < nc; ++i) {
      const std::uint32_t v = cand[i];
      dirty[v] = 0;
      if (cand_ok[i]) {
        accepted.push_back(static_cast<std::uint32_t>(i));
      } else {
        prio[v] = cand_prio[i];
      }
    }
    std::sort(accepted.begin(), accepted.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::pair{cand_prio[a], cand[a]} < std::pair{cand_prio[b], cand[b]};
    });
    for (const std::uint32_t i : accepted) {
      const std::uint32_t v = cand[i];
      for (const Shortcut& sct : cand_sc[i]) d.add_or_lower(sct.from, sct.to, sct.cost);
      h->shortcuts += static_cast<std::int64_t>(cand_sc[i].size());
      contracted[v] = 1;
      h->rank[v] = next_rank++;
    }
    // Detach the contracted nodes (no two are adjacent) and record their arcs.
    for (const std::uint32_t i : accepted) {
      const std::uint32_t v = cand[i];
      for (const Nb& a : d.out[v]) {
        up[v].push_back(ch_arc(a));
        DynGraph::erase(d.in[a.node], v);
        ++contracted_nbs[a.node];
        depth[a.node] = std::max(depth[a.node], depth[v] + 1);
        dirty[a.node] = 1;
      }
      for (const Nb& a : d.in[v]) {
        down[v].push_back(ch_arc(a));
        DynGraph::erase(d.out[a.node], v);
        ++contracted_nbs[a.node];
        depth[a.node] = std::max(depth[a.node], depth[v] + 1);
        dirty[a.node] = 1;
      }
      std::vector<Nb>().swap(d.out[v]);
      std::vector<Nb>().swap(d.in[v]);
      std::vector<Shortcut>().swap(cand_sc[i]);
    }
    alive.erase(std::remove_if(alive.begin(), alive.end(),
                               [&](std::uint32_t v) { return contracted[v] != 0; }),
                alive.end());
  }
  to_csr(up, h->up_offsets, h->up);
  to_csr(down, h->down_offsets, h->down);
  finish_hierarchy(*h);
  h->graph_checksum = graph_checksum(g);
  h->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return h;
}

}  // namespace detail

void RoadNetwork::prepare(int threads) { ch_ = detail::build_hierarchy(*impl_, threads); }

RoadNetwork::HierarchyInfo RoadNetwork::hierarchy_info() const {
  HierarchyInfo info;
  if (!ch_) return info;
  info.prepared = true;
  info.up_arcs = static_cast<std::int64_t>(ch_->up.size());
  info.down_arcs = static_cast<std::int64_t>(ch_->down.size());
  info.shortcuts = ch_->shortcuts;
  info.bytes = static_cast<std::int64_t>(
      (ch_->up.size() + ch_->down.size()) * sizeof(detail::ChArc) +
      (ch_->up_offsets.size() + ch_->down_offsets.size()) * sizeof(std::int64_t) +
      (ch_->rank.size() + ch_->sweep_order.size() + ch_->position.size()) * sizeof(std::uint32_t));
  info.seconds = ch_->seconds;
  std::uint64_t h = 0x9E3779B97F4A7C15ULL;
  auto mix = [&](std::uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ULL;
  };
  for (auto r : ch_->rank) mix(r);
  for (const auto* arcs : {&ch_->up, &ch_->down}) {
    for (const auto& a : *arcs) {
      mix(a.node);
      mix(a.ticks);
      mix(a.units);
    }
  }
  info.checksum = h;
  return info;
}

}  // namespace libmatch
