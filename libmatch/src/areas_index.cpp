// Membership index queries: two-level grid, leaves with cell-local edge lists, exact
// half-open crossing rule. Construction is in areas_index_build.cpp.
#include <algorithm>
#include <cmath>

#include "areas_impl.hpp"

namespace libmatch::detail {

namespace {

// Half-open crossing: the edge counts when y0 <= y < y1 and it passes strictly east of the
// point. Written as a comparison of two products (no subtraction to fuse), this equals
// (x1-x0)*(y-y0) - (x-x0)*(y1-y0) > 0 for all finite products. Edges are canonical, so both
// areas sharing an edge evaluate the same expression and a shared-border point lands in
// exactly one of them.
inline bool crosses(const MembershipIndex::Edge& e, double x, double y) {
  bool span = (e.y0 <= y) & (y < e.y1);
  return span & (e.dx * (y - e.y0) > (x - e.x0) * e.dy);
}

}  // namespace

bool MembershipIndex::contains(std::size_t area, double x, double y) const {
  const AreaEdges& a = areas_[area];
  if (a.n_bands == 0 || !(y >= a.ymin && y < a.ymax)) return false;  // no edge spans y
  std::size_t b = 0;
  if (a.n_bands > 1) {
    double fb = std::floor((y - a.ymin) / a.band_h);
    b = fb >= a.n_bands ? static_cast<std::size_t>(a.n_bands - 1)
                        : static_cast<std::size_t>(std::max(fb, 0.0));
  }
  bool inside = false;
  for (std::uint32_t k = a.band_offset[b]; k < a.band_offset[b + 1]; ++k) {
    inside ^= crosses(a.edges[a.band_edge[k]], x, y);
  }
  return inside;
}

std::int64_t MembershipIndex::locate_fallback(double x, double y) const {
  if (!std::isfinite(x) || !std::isfinite(y)) return -1;
  for (std::size_t i = 0; i < areas_.size(); ++i) {
    const AreaEdges& a = areas_[i];
    if (x < a.bx0 || x > a.bx1 || y < a.by0 || y > a.by1) continue;
    if (contains(i, x, y)) return static_cast<std::int64_t>(i);
  }
  return -1;
}

std::int64_t MembershipIndex::locate_leaf(std::uint32_t offset, double x, double y) const {
  const std::uint32_t* p = leaf_data_.data() + offset;
  std::uint32_t items = *p++;
  for (std::uint32_t k = 0; k < items; ++k) {
    std::uint32_t head = *p++;
    if (head & 1u) return head >> 1;  // area covers the cell (always the last item)
    std::uint32_t n = *p++;
    bool inside = false;
    for (std::uint32_t j = 0; j < n; ++j) inside ^= crosses(pool_[p[j]], x, y);
    p += n;
    if (inside) return head >> 1;
  }
  return -1;
}

// Second level for a top word <= -2: the sub-cell word, or the top cell's own leaf word.
inline std::int32_t MembershipIndex::sub_word(std::int32_t top, std::uint32_t ix,
                                              std::uint32_t iy) const {
  auto v = static_cast<std::uint32_t>(-2 - top);
  std::size_t at = (static_cast<std::size_t>(v >> 1) << 6) | ((iy & 7u) << 3) | (ix & 7u);
  return (v & 1u) ? -2 - static_cast<std::int32_t>(v >> 1) : sub_[(v & 1u) ? 0 : at];
}

std::int64_t MembershipIndex::locate(double x, double y) const {
  if (nx_ == 0) return locate_fallback(x, y);
  double fx = (x - gx0_) * inv_sw_, fy = (y - gy0_) * inv_sh_;
  if (!(fx >= 0.0 && fx < fx_max_ && fy >= 0.0 && fy < fy_max_)) return -1;  // also NaN
  auto ix = static_cast<std::uint32_t>(fx), iy = static_cast<std::uint32_t>(fy);
  std::int32_t t =
      top_[static_cast<std::size_t>(iy >> 3) * static_cast<std::size_t>(nx_) + (ix >> 3)];
  if (t >= -1) return t;
  std::int32_t s = sub_word(t, ix, iy);
  if (s >= -1) return s;
  return locate_leaf(static_cast<std::uint32_t>(-2 - s), x, y);
}

// Batches of points go through three passes so that the common case (a uniform top cell)
// runs without unpredictable branches and the rarer lookups overlap their cache misses:
// 1. top word for every point; 2. sub-cell word for points in blocks; 3. leaf tests.
void MembershipIndex::locate_batch(const double* xy, std::int64_t* out, std::size_t n) const {
  if (nx_ == 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = locate_fallback(xy[2 * i], xy[2 * i + 1]);
    return;
  }
  constexpr std::size_t kBatch = 512;
  std::uint32_t slow[kBatch], cell[kBatch];
  const auto nx = static_cast<std::size_t>(nx_);
  const std::size_t outside = top_.size() - 1;  // sentinel word -1
  const std::int32_t* top = top_.data();
  for (std::size_t b = 0; b < n; b += kBatch) {
    const std::size_t m = std::min(kBatch, n - b);
    const double* p = xy + 2 * b;
    std::int64_t* o = out + b;
    std::size_t ns = 0;
    for (std::size_t i = 0; i < m; ++i) {
      double fx = (p[2 * i] - gx0_) * inv_sw_, fy = (p[2 * i + 1] - gy0_) * inv_sh_;
      bool ok = fx >= 0.0 && fx < fx_max_ && fy >= 0.0 && fy < fy_max_;  // false for NaN
      auto ix = static_cast<std::uint32_t>(ok ? fx : 0.0);
      auto iy = static_cast<std::uint32_t>(ok ? fy : 0.0);
      std::size_t at = ok ? (iy >> 3) * nx + (ix >> 3) : outside;
      std::int32_t t = top[at];
      o[i] = t;
      cell[i] = (iy << 16) | (ix & 0xFFFFu);  // low bits suffice for the sub-cell
      slow[ns] = static_cast<std::uint32_t>(i);
      ns += t < -1;
    }
    std::size_t nl = 0;
    for (std::size_t k = 0; k < ns; ++k) {
      std::uint32_t i = slow[k];
      std::int32_t s = sub_word(static_cast<std::int32_t>(o[i]), cell[i] & 0xFFFFu, cell[i] >> 16);
      o[i] = s;
      slow[nl] = i;
      nl += s < -1;
    }
    for (std::size_t k = 0; k < nl; ++k) __builtin_prefetch(leaf_data_.data() + (-2 - o[slow[k]]));
    for (std::size_t k = 0; k < nl; ++k) {
      std::uint32_t i = slow[k];
      o[i] = locate_leaf(static_cast<std::uint32_t>(-2 - o[i]), p[2 * i], p[2 * i + 1]);
    }
  }
}

MembershipIndex::Stats MembershipIndex::stats() const {
  Stats s;
  s.grid = nx_ > 0;
  s.nx = nx_;
  s.ny = ny_;
  s.blocks = sub_.size() / 64;
  s.leaves = n_leaves_;
  s.pool_edges = pool_.size();
  s.bytes = top_.size() * 4 + sub_.size() * 4 + leaf_data_.size() * 4 + pool_.size() * sizeof(Edge);
  for (const AreaEdges& a : areas_) {
    s.bytes += a.edges.size() * sizeof(Edge) + (a.band_offset.size() + a.band_edge.size()) * 4;
  }
  return s;
}

}  // namespace libmatch::detail
