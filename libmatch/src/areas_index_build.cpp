// Membership index construction.
//
// Why a leaf is exact. Fix one area and a cell whose box, grown by eps, is B; let L be a
// superset of the area's edges meeting B, X a vertical line just inside B's east side and
// [yb, yt] B's y-range shrunk by eps/2. For a point p = (x, y) mapped to the cell, every edge
// outside L lies at least eps/2 from both p and (X, y), so it crosses east of p exactly when
// it crosses east of (X, y). Hence
//   parity(p) = XOR_{e in L} cross(e, p)  XOR  g(y),   g(y) = XOR_{e not in L} cross(e, X, y).
// An edge outside L that passes y at all lies wholly east or wholly west of B in the band, so
// g(y) = XOR over the endpoints v (y-coordinate v.y) of the eastern ones of [v.y <= y]. At a
// vertex east of B whose two edges are both outside L the two terms cancel; so within the
// band g changes only at vertices east of X with exactly one edge in L ("toggles"), and its
// value at yb follows from one exact parity test at (X, yb). g is stored as y-intervals
// ("pseudo edges"), so a leaf query evaluates exactly the global crossing rule. Sub-cells use
// the same argument one level down, with the top cell's (L, g) as the exact parity oracle.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "areas_impl.hpp"

namespace libmatch::detail {

namespace {

using Edge = MembershipIndex::Edge;

inline bool crosses(const Edge& e, double x, double y) {
  bool span = (e.y0 <= y) & (y < e.y1);
  return span & (e.dx * (y - e.y0) > (x - e.x0) * e.dy);
}

/// floor(v) clamped to [lo, hi] (lo >= 0), safe for NaN and huge values.
inline std::int64_t to_index(double v, std::int64_t lo, std::int64_t hi) {
  if (!(v >= static_cast<double>(lo))) return lo;
  if (v >= static_cast<double>(hi)) return hi;
  return static_cast<std::int64_t>(v);
}

struct Frame {  // a grid of cells [ox + c*cw, ox + (c+1)*cw) x ..., columns c0..c1, rows r0..r1
  double ox, oy, cw, ch;
  std::int64_t c0, c1, r0, r1;
};

struct Box {
  double x0, y0, x1, y1;
};

/// Calls visit(col, row) for every cell of `f` whose box grown by m may meet segment pq
/// (conservative: may visit a few more). Cells beyond the frame clamp to its border.
template <class Visit>
void raster(const XY& p, const XY& q, const Frame& f, double m, Visit&& visit) {
  double ylo = std::min(p.y, q.y), yhi = std::max(p.y, q.y);
  std::int64_t ra = to_index((ylo - m - f.oy) / f.ch, f.r0, f.r1);
  std::int64_t rb = to_index((yhi + m - f.oy) / f.ch, f.r0, f.r1);
  for (std::int64_t r = ra; r <= rb; ++r) {
    double sy0 = std::max(ylo, f.oy + static_cast<double>(r) * f.ch - m);
    double sy1 = std::min(yhi, f.oy + static_cast<double>(r + 1) * f.ch + m);
    if (sy0 > sy1) sy0 = sy1 = (sy0 > yhi ? yhi : ylo);
    double xa = std::min(p.x, q.x), xb = std::max(p.x, q.x);
    if (p.y != q.y) {
      double t0 = std::clamp((sy0 - p.y) / (q.y - p.y), 0.0, 1.0);
      double t1 = std::clamp((sy1 - p.y) / (q.y - p.y), 0.0, 1.0);
      double u0 = p.x + t0 * (q.x - p.x), u1 = p.x + t1 * (q.x - p.x);
      xa = std::min(u0, u1);
      xb = std::max(u0, u1);
    }
    std::int64_t ca = to_index((xa - m - f.ox) / f.cw, f.c0, f.c1);
    std::int64_t cb = to_index((xb + m - f.ox) / f.cw, f.c0, f.c1);
    for (std::int64_t c = ca; c <= cb; ++c) visit(c, r);
  }
}

}  // namespace

/// Cell-local form of one area's parity on a box: parity(x, y) = XOR_L cross XOR g(y).
struct LocalRule {
  std::vector<std::uint32_t> edges;  // L (global edge ids, ascending)
  bool base = false;                 // g(yb)
  std::vector<double> toggles;       // ascending, in (yb, yt]
  double yb = 0, yt = 0;
};

struct IndexBuilder {
  using Limits = MembershipIndex::Limits;
  IndexBuilder(MembershipIndex& index, const Limits& limits) : m(index), lim(limits) {}
  MembershipIndex& m;
  const Limits& lim;

  // All ring edges in input order (horizontal ones too): endpoints p -> q, ring neighbours.
  std::vector<XY> ep, eq;
  std::vector<std::uint32_t> next, prev;
  std::vector<Edge> canon;
  std::vector<std::uint32_t> area_begin;  // edges of area a: [area_begin[a], area_begin[a+1])
  std::vector<char> active;               // area has a non-horizontal edge
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY, perim = 0;
  double eps = 0, cell = 1;
  std::vector<std::uint32_t> stamp;
  std::uint32_t token = 0;
  bool over_budget = false;

  struct TopEntry {
    std::uint32_t cell, area, begin, end;  // L_T in top_edges[begin, end); full if begin == end
    bool full;
  };
  std::vector<TopEntry> entries;
  std::vector<std::uint32_t> top_edges;
  std::unordered_map<std::uint64_t, std::uint32_t> pseudo_of;  // interval -> pool index

  void collect(const std::vector<std::vector<PolygonRings>>& areas);
  void bands(std::size_t a);
  bool choose_grid();
  void top_pass(std::uint32_t a);
  void resolve();
  void build_block(std::size_t cell, const TopEntry* b, const TopEntry* e);
  void top_leaf(std::size_t cell, const TopEntry* b, const TopEntry* e);

  Box top_box(std::size_t cell) const;
  void make_rule(std::uint32_t a, const std::uint32_t* L, std::size_t n, const Box& box,
                 const LocalRule* parent, LocalRule& r);
  // Scratch reused across cells.
  std::vector<std::vector<std::uint32_t>> items_, sub_edges_;
  LocalRule rule_t_, rule_s_;
  bool eval(const LocalRule& r, double x, double y) const;
  bool parent_parity(std::uint32_t a, const LocalRule* parent, double x, double y) const {
    return parent ? eval(*parent, x, y) : m.contains(a, x, y);
  }
  void append_item(std::vector<std::uint32_t>& out, std::uint32_t a, const LocalRule& r);
  std::uint32_t pseudo(double y0, double y1);
  std::int32_t emit_leaf(const std::vector<std::uint32_t>& items, std::uint32_t n_items);
};

void IndexBuilder::collect(const std::vector<std::vector<PolygonRings>>& areas) {
  m.areas_.assign(areas.size(), {});
  active.assign(areas.size(), 0);
  for (std::size_t a = 0; a < areas.size(); ++a) {
    area_begin.push_back(static_cast<std::uint32_t>(ep.size()));
    auto& ae = m.areas_[a];
    ae.bx0 = ae.by0 = INFINITY;
    ae.bx1 = ae.by1 = -INFINITY;
    for (const PolygonRings& part : areas[a]) {
      for (const Ring& ring : part) {
        if (ring.size() < 2) continue;
        auto base = static_cast<std::uint32_t>(ep.size());
        auto k_n = static_cast<std::uint32_t>(ring.size() - 1);
        for (std::uint32_t k = 0; k < k_n; ++k) {
          XY p = ring[k], q = ring[k + 1];
          ep.push_back(p);
          eq.push_back(q);
          prev.push_back(base + (k + k_n - 1) % k_n);
          next.push_back(base + (k + 1) % k_n);
          const XY& lo = p.y <= q.y ? p : q;
          const XY& hi = p.y <= q.y ? q : p;
          canon.push_back({lo.y, hi.y, lo.x, hi.x - lo.x, hi.y - lo.y});
          if (p.y != q.y) ae.edges.push_back(canon.back());
          ae.bx0 = std::min({ae.bx0, p.x, q.x});
          ae.bx1 = std::max({ae.bx1, p.x, q.x});
          ae.by0 = std::min({ae.by0, p.y, q.y});
          ae.by1 = std::max({ae.by1, p.y, q.y});
        }
      }
    }
    bands(a);
    if (ae.edges.empty()) continue;
    active[a] = 1;
    xmin = std::min(xmin, ae.bx0);
    xmax = std::max(xmax, ae.bx1);
    ymin = std::min(ymin, ae.by0);
    ymax = std::max(ymax, ae.by1);
    for (std::uint32_t k = area_begin[a]; k < ep.size(); ++k)
      perim += std::hypot(eq[k].x - ep[k].x, eq[k].y - ep[k].y);
  }
  area_begin.push_back(static_cast<std::uint32_t>(ep.size()));
  stamp.assign(ep.size(), 0);
}

// Per-area y-bands for contains(): about two edges per band.
void IndexBuilder::bands(std::size_t i) {
  auto& a = m.areas_[i];
  a.n_bands = 0;
  if (a.edges.empty()) return;
  a.ymin = a.by0;
  a.ymax = a.by1;
  double span = a.ymax - a.ymin;
  a.n_bands = static_cast<std::int32_t>(std::clamp<std::size_t>(a.edges.size() / 2, 1, 8192));
  if (!std::isfinite(span) || !(span > 0.0)) a.n_bands = 1;
  a.band_h = std::max(span / a.n_bands, 1e-9);
  auto band = [&](double y) -> std::size_t {
    if (a.n_bands == 1) return 0;
    double f = std::floor((y - a.ymin) / a.band_h);
    return f >= a.n_bands ? static_cast<std::size_t>(a.n_bands - 1)
                          : static_cast<std::size_t>(std::max(f, 0.0));
  };
  a.band_offset.assign(a.n_bands + 1, 0);
  for (const Edge& e : a.edges) {
    for (std::size_t b = band(e.y0); b <= band(e.y1); ++b) ++a.band_offset[b + 1];
  }
  for (std::int32_t b = 0; b < a.n_bands; ++b) a.band_offset[b + 1] += a.band_offset[b];
  a.band_edge.resize(a.band_offset.back());
  std::vector<std::uint32_t> fill(a.band_offset.begin(), a.band_offset.end() - 1);
  for (std::uint32_t k = 0; k < a.edges.size(); ++k) {
    for (std::size_t b = band(a.edges[k].y0); b <= band(a.edges[k].y1); ++b) {
      a.band_edge[fill[b]++] = k;
    }
  }
}

// Sub-cell size: leaves cover a few per cent of the box for typical layouts (measured on the
// 342 Dutch municipalities: 0.02-0.06 give the same query speed, coarser builds faster), then
// coarsened until the top grid fits the limit. No grid when products of coordinates could overflow.
bool IndexBuilder::choose_grid() {
  if (!std::isfinite(xmin)) return false;
  double mag = std::max({std::fabs(xmin), std::fabs(xmax), std::fabs(ymin), std::fabs(ymax)});
  if (!(mag <= 1e100) || lim.max_top_cells == 0) return false;
  double w = xmax - xmin, h = ymax - ymin;
  double c = w * h > 0.0 && perim > 0.0 ? 0.05 * w * h / perim : std::max(w, h) / 64.0;
  c = std::max({c, std::max(w, h) * 1e-7, mag * 1e-9, 1e-200});
  double nxd = 0, nyd = 0;
  // Sub-cell coordinates must fit 31 bits (the query casts them to uint32).
  // A grid much finer than the edges buys nothing (per-area tests on few edges are cheap)
  // and costs build time on degenerate input such as one long sliver: at most 64 top cells
  // per edge, at least 4096.
  const std::size_t by_edges = std::max<std::size_t>(4096, 64 * ep.size());
  const auto cap = static_cast<double>(
      std::min<std::size_t>({lim.max_top_cells, std::size_t{1} << 26, by_edges}));
  for (;;) {
    nxd = std::floor(w / (8.0 * c)) + 1.0;
    nyd = std::floor(h / (8.0 * c)) + 1.0;
    while (xmin + nxd * 8.0 * c <= xmax) nxd += 1.0;  // cover the far edge despite rounding
    while (ymin + nyd * 8.0 * c <= ymax) nyd += 1.0;
    if (nxd * nyd <= cap) break;
    c *= std::max(1.01, std::sqrt(nxd * nyd / cap));
  }
  cell = c;
  eps = std::max(c * 1e-6, mag * 1e-12);
  m.gx0_ = xmin;
  m.gy0_ = ymin;
  m.sw_ = m.sh_ = c;
  m.inv_sw_ = m.inv_sh_ = 1.0 / c;
  m.nx_ = static_cast<std::int64_t>(nxd);
  m.ny_ = static_cast<std::int64_t>(nyd);
  m.fx_max_ = nxd * 8.0;
  m.fy_max_ = nyd * 8.0;
  return true;
}

Box IndexBuilder::top_box(std::size_t cell_id) const {
  auto tx = static_cast<double>(cell_id % static_cast<std::size_t>(m.nx_));
  auto ty = static_cast<double>(cell_id / static_cast<std::size_t>(m.nx_));
  double cw = 8.0 * m.sw_, ch = 8.0 * m.sh_;
  return {m.gx0_ + tx * cw, m.gy0_ + ty * ch, m.gx0_ + (tx + 1) * cw, m.gy0_ + (ty + 1) * ch};
}

// One area over the top grid: cells its edges touch get their edge list, runs of untouched
// cells in a row share one exact parity test.
void IndexBuilder::top_pass(std::uint32_t a) {
  const auto& ae = m.areas_[a];
  const double cw = 8.0 * m.sw_, ch = 8.0 * m.sh_, mg = 2.0 * eps;
  Frame f{m.gx0_, m.gy0_, cw, ch, 0, m.nx_ - 1, 0, m.ny_ - 1};
  f.c0 = to_index((ae.bx0 - mg - f.ox) / cw, 0, m.nx_ - 1);
  f.c1 = to_index((ae.bx1 + mg - f.ox) / cw, 0, m.nx_ - 1);
  f.r0 = to_index((ae.by0 - mg - f.oy) / ch, 0, m.ny_ - 1);
  f.r1 = to_index((ae.by1 + mg - f.oy) / ch, 0, m.ny_ - 1);
  const std::int64_t bw = f.c1 - f.c0 + 1, bh = f.r1 - f.r0 + 1;
  std::vector<std::uint8_t> touched(static_cast<std::size_t>(bw * bh), 0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> hits;  // (cell, edge)
  for (std::uint32_t k = area_begin[a]; k < area_begin[a + 1]; ++k) {
    raster(ep[k], eq[k], f, mg, [&](std::int64_t c, std::int64_t r) {
      std::uint8_t& t = touched[static_cast<std::size_t>((r - f.r0) * bw + (c - f.c0))];
      t = 1;
      hits.emplace_back(static_cast<std::uint32_t>(r * m.nx_ + c), k);
    });
  }
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  for (std::size_t i = 0; i < hits.size();) {
    std::size_t j = i;
    auto begin = static_cast<std::uint32_t>(top_edges.size());
    for (; j < hits.size() && hits[j].first == hits[i].first; ++j)
      top_edges.push_back(hits[j].second);
    entries.push_back(
        {hits[i].first, a, begin, static_cast<std::uint32_t>(top_edges.size()), false});
    i = j;
  }
  for (std::int64_t r = f.r0; r <= f.r1; ++r) {
    int state = -1;  // unknown; reset by every touched cell
    for (std::int64_t c = f.c0; c <= f.c1; ++c) {
      if (touched[static_cast<std::size_t>((r - f.r0) * bw + (c - f.c0))]) {
        state = -1;
        continue;
      }
      if (state < 0) {
        double x = m.gx0_ + (static_cast<double>(c) + 0.5) * cw;
        double y = m.gy0_ + (static_cast<double>(r) + 0.5) * ch;
        state = m.contains(a, x, y) ? 1 : 0;
      }
      if (state == 1) entries.push_back({static_cast<std::uint32_t>(r * m.nx_ + c), a, 0, 0, true});
    }
  }
}

void IndexBuilder::make_rule(std::uint32_t a, const std::uint32_t* L, std::size_t n, const Box& box,
                             const LocalRule* parent, LocalRule& r) {
  r.edges.assign(L, L + n);
  r.toggles.clear();
  const double X = box.x1 + 0.5 * eps;
  r.yb = box.y0 - 0.5 * eps;
  r.yt = box.y1 + 0.5 * eps;
  ++token;
  bool base = parent_parity(a, parent, X, r.yb);
  for (std::uint32_t e : r.edges) {
    stamp[e] = token;
    base ^= crosses(canon[e], X, r.yb);
  }
  r.base = base;
  auto toggle = [&](const XY& v) {
    if (v.y > r.yb && v.y <= r.yt && v.x > X) r.toggles.push_back(v.y);
  };
  for (std::uint32_t e : r.edges) {
    if (stamp[prev[e]] != token) toggle(ep[e]);
    if (stamp[next[e]] != token) toggle(eq[e]);
  }
  std::sort(r.toggles.begin(), r.toggles.end());
  std::size_t w = 0;  // equal toggles cancel in pairs
  for (std::size_t i = 0; i < r.toggles.size();) {
    std::size_t j = i;
    while (j < r.toggles.size() && r.toggles[j] == r.toggles[i]) ++j;
    if ((j - i) & 1) r.toggles[w++] = r.toggles[i];
    i = j;
  }
  r.toggles.resize(w);
}

bool IndexBuilder::eval(const LocalRule& r, double x, double y) const {
  bool inside = r.base;
  for (std::uint32_t e : r.edges) inside ^= crosses(canon[e], x, y);
  auto n_le = std::upper_bound(r.toggles.begin(), r.toggles.end(), y) - r.toggles.begin();
  return inside ^ static_cast<bool>(n_le & 1);
}

std::uint32_t IndexBuilder::pseudo(double y0, double y1) {
  std::uint64_t k0, k1;
  std::memcpy(&k0, &y0, 8);
  std::memcpy(&k1, &y1, 8);
  std::uint64_t key = k0 * 0x9E3779B97F4A7C15ull ^ (k1 + 0x632BE59BD9B4E019ull + (k0 << 6));
  auto it = pseudo_of.find(key);
  if (it != pseudo_of.end() && m.pool_[it->second].y0 == y0 && m.pool_[it->second].y1 == y1)
    return it->second;
  auto id = static_cast<std::uint32_t>(m.pool_.size());
  m.pool_.push_back({y0, y1, -INFINITY, 0.0, -1.0});
  if (it == pseudo_of.end()) pseudo_of.emplace(key, id);
  return id;
}

// Item of a leaf: area, then its non-horizontal L edges and the intervals where g(y) = 1.
void IndexBuilder::append_item(std::vector<std::uint32_t>& out, std::uint32_t a,
                               const LocalRule& r) {
  out.push_back(a << 1);
  std::size_t count_at = out.size();
  out.push_back(0);
  for (std::uint32_t e : r.edges)
    if (canon[e].y0 != canon[e].y1) out.push_back(e);
  bool state = r.base;
  double start = r.yb;
  for (double t : r.toggles) {
    if (state) out.push_back(pseudo(start, t));
    state = !state;
    start = t;
  }
  if (state) out.push_back(pseudo(start, INFINITY));
  out[count_at] = static_cast<std::uint32_t>(out.size() - count_at - 1);
}

std::int32_t IndexBuilder::emit_leaf(const std::vector<std::uint32_t>& items,
                                     std::uint32_t n_items) {
  // Offsets are stored as -2 - offset (sub words) and offset << 1 (top words): < 2^30.
  const std::size_t budget = std::min<std::size_t>(lim.max_leaf_words, (1u << 30) - 1);
  if (m.leaf_data_.size() + items.size() + 1 > budget) {
    over_budget = true;  // the caller drops the grid
    return -1;
  }
  auto id = static_cast<std::uint32_t>(m.leaf_data_.size());
  ++m.n_leaves_;
  m.leaf_data_.push_back(n_items);
  m.leaf_data_.insert(m.leaf_data_.end(), items.begin(), items.end());
  return -2 - static_cast<std::int32_t>(id);
}

// A top cell that needs edge tests: an 8 x 8 block of sub-cells, each uniform or a leaf.
// [b, e) are the cell's entries in area order, ending at the first area covering the cell.
void IndexBuilder::build_block(std::size_t cell_id, const TopEntry* b, const TopEntry* e) {
  const Box T = top_box(cell_id);
  const Frame f{T.x0, T.y0, m.sw_, m.sh_, 0, 7, 0, 7};
  auto& items = items_;
  auto& sub_edges = sub_edges_;
  items.resize(64);
  sub_edges.resize(64);
  for (auto& v : items) v.clear();
  std::uint32_t n_items[64] = {};
  std::int32_t answer[64];  // >= 0: a covering area ends the cell's list
  std::fill(answer, answer + 64, -1);
  for (const TopEntry* t = b; t != e; ++t) {
    if (t->full) {
      for (int s = 0; s < 64; ++s)
        if (answer[s] < 0) answer[s] = static_cast<std::int32_t>(t->area);
      break;
    }
    LocalRule& rt = rule_t_;
    make_rule(t->area, top_edges.data() + t->begin, t->end - t->begin, T, nullptr, rt);
    for (auto& v : sub_edges) v.clear();
    for (std::uint32_t k : rt.edges) {
      raster(ep[k], eq[k], f, 2.0 * eps,
             [&](std::int64_t c, std::int64_t r) { sub_edges[r * 8 + c].push_back(k); });
    }
    int state = -1;  // parity on the current run of sub-cells no edge of the area touches
    for (int s = 0; s < 64; ++s) {
      if ((s & 7) == 0 || !sub_edges[s].empty()) state = -1;
      if (answer[s] >= 0) continue;
      double sx0 = T.x0 + (s & 7) * m.sw_, sy0 = T.y0 + (s >> 3) * m.sh_;
      Box S{sx0, sy0, sx0 + m.sw_, sy0 + m.sh_};
      if (sub_edges[s].empty()) {
        if (state < 0) state = eval(rt, 0.5 * (S.x0 + S.x1), 0.5 * (S.y0 + S.y1)) ? 1 : 0;
        if (state == 1) answer[s] = static_cast<std::int32_t>(t->area);
        continue;
      }
      make_rule(t->area, sub_edges[s].data(), sub_edges[s].size(), S, &rt, rule_s_);
      append_item(items[s], t->area, rule_s_);
      ++n_items[s];
    }
  }
  auto block = static_cast<std::uint32_t>(m.sub_.size() / 64);
  for (int s = 0; s < 64; ++s) {
    std::int32_t word = answer[s];
    if (n_items[s] > 0) {
      if (answer[s] >= 0) {
        items[s].push_back(static_cast<std::uint32_t>(answer[s]) << 1 | 1u);
        ++n_items[s];
      }
      word = emit_leaf(items[s], n_items[s]);
    }
    m.sub_.push_back(word);
  }
  m.top_[cell_id] = -2 - static_cast<std::int32_t>(block << 1);
}

// Without room for another block the top cell itself becomes a leaf.
void IndexBuilder::top_leaf(std::size_t cell_id, const TopEntry* b, const TopEntry* e) {
  const Box T = top_box(cell_id);
  std::vector<std::uint32_t> items;
  std::uint32_t n = 0;
  for (const TopEntry* t = b; t != e; ++t) {
    ++n;
    if (t->full) {
      items.push_back(t->area << 1 | 1u);  // covers the cell: last item
      break;
    }
    make_rule(t->area, top_edges.data() + t->begin, t->end - t->begin, T, nullptr, rule_t_);
    append_item(items, t->area, rule_t_);
  }
  std::int32_t leaf = emit_leaf(items, n);
  m.top_[cell_id] = -2 - static_cast<std::int32_t>(static_cast<std::uint32_t>(-2 - leaf) << 1 | 1u);
}

void IndexBuilder::resolve() {
  const auto n_cells = static_cast<std::size_t>(m.nx_ * m.ny_);
  std::vector<std::uint32_t> first(n_cells + 1, 0);
  for (const TopEntry& t : entries) ++first[t.cell + 1];
  for (std::size_t c = 0; c < n_cells; ++c) first[c + 1] += first[c];
  std::vector<TopEntry> sorted(entries.size());
  std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
  for (const TopEntry& t : entries) sorted[fill[t.cell]++] = t;  // stable: areas stay in order
  entries.clear();
  m.top_.assign(n_cells + 1, -1);  // + sentinel for points outside the grid
  m.pool_ = canon;
  for (std::size_t c = 0; c < n_cells && !over_budget; ++c) {
    const TopEntry* b = sorted.data() + first[c];
    const TopEntry* e = sorted.data() + first[c + 1];
    if (b == e) continue;
    if (b->full) {
      m.top_[c] = static_cast<std::int32_t>(b->area);
      continue;
    }
    const TopEntry* cut = b;
    while (cut != e && !cut->full) ++cut;
    if (cut != e) ++cut;  // keep the covering area as the default
    if (m.sub_.size() / 64 < std::min<std::size_t>(lim.max_blocks, 1u << 28)) {
      build_block(c, b, cut);
    } else {
      top_leaf(c, b, cut);
    }
  }
}

void MembershipIndex::build(const std::vector<std::vector<PolygonRings>>& areas,
                            const Limits& limits) {
  *this = MembershipIndex{};
  IndexBuilder ib(*this, limits);
  ib.collect(areas);
  if (!ib.choose_grid()) {
    nx_ = ny_ = 0;
    return;
  }
  for (std::uint32_t a = 0; a < areas.size(); ++a)
    if (ib.active[a]) ib.top_pass(a);
  ib.resolve();
  if (ib.over_budget) {  // leaf lists too large (e.g. very many overlapping areas)
    nx_ = ny_ = 0;
    top_ = {};
    sub_ = {};
    leaf_data_ = {};
    pool_ = {};
    n_leaves_ = 0;
    return;
  }
  if (sub_.empty()) sub_.push_back(-1);  // sub_word() may read word 0 without a block
}

}  // namespace libmatch::detail
