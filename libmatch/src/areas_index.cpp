// Membership index: uniform grid + per-area edge bands, exact half-open crossing rule.
#include <algorithm>
#include <array>
#include <cmath>

#include "areas_impl.hpp"

namespace libmatch::detail {

namespace {

// Half-open crossing: edge counts when y0 <= y < y1 and the edge passes strictly east of
// the point. Edges are canonical (y0 <= y1), so both areas sharing an edge evaluate the
// identical expression and a shared-border point lands in exactly one of them.
template <class E>
inline bool crosses(const E& e, double x, double y) {
  if (!(e.y0 <= y && y < e.y1)) return false;
  return (e.x1 - e.x0) * (y - e.y0) - (x - e.x0) * (e.y1 - e.y0) > 0.0;
}

}  // namespace

bool MembershipIndex::contains(std::size_t area, double x, double y) const {
  const AreaEdges& a = areas_[area];
  if (a.n_bands == 0) return false;
  double fb = std::floor((y - a.ymin) / a.band_h);
  if (!(fb >= 0.0) || fb >= a.n_bands) return false;  // outside the area's y-range
  auto b = static_cast<std::size_t>(fb);
  bool inside = false;
  for (std::uint32_t k = a.band_offset[b]; k < a.band_offset[b + 1]; ++k) {
    if (crosses(a.edges[a.band_edge[k]], x, y)) inside = !inside;
  }
  return inside;
}

std::int64_t MembershipIndex::locate(double x, double y) const {
  if (nx_ == 0 || !std::isfinite(x) || !std::isfinite(y)) return -1;
  double fx = std::floor((x - gx0_) * inv_cell_);
  double fy = std::floor((y - gy0_) * inv_cell_);
  if (fx < 0.0 || fy < 0.0 || fx >= static_cast<double>(nx_) || fy >= static_cast<double>(ny_)) {
    return -1;
  }
  std::size_t cell =
      static_cast<std::size_t>(fy) * static_cast<std::size_t>(nx_) + static_cast<std::size_t>(fx);
  for (std::uint32_t k = cell_offset_[cell]; k < cell_offset_[cell + 1]; ++k) {
    std::uint32_t e = cell_entry_[k];
    std::uint32_t area = e >> 1;
    if ((e & 1u) || contains(area, x, y)) return area;
  }
  return -1;
}

// Edges of one area (canonical, horizontal ones dropped) and its y-bands; bbox gets the
// area's x0, y0, x1, y1.
void MembershipIndex::band_edges(AreaEdges& a, const std::vector<PolygonRings>& parts,
                                 std::array<double, 4>& bbox) {
  double ax0 = INFINITY, ay0 = INFINITY, ax1 = -INFINITY, ay1 = -INFINITY;
  for (const PolygonRings& part : parts) {
    for (const Ring& ring : part) {
      for (std::size_t k = 0; k + 1 < ring.size(); ++k) {
        XY p = ring[k], q = ring[k + 1];
        ax0 = std::min(ax0, p.x);
        ax1 = std::max(ax1, p.x);
        ay0 = std::min(ay0, p.y);
        ay1 = std::max(ay1, p.y);
        if (p.y == q.y) continue;  // horizontal edges never count
        if (p.y > q.y) std::swap(p, q);
        a.edges.push_back({p.x, p.y, q.x, q.y});
      }
    }
  }
  bbox = {ax0, ay0, ax1, ay1};
  if (a.edges.empty()) return;
  a.ymin = ay0;
  a.n_bands = static_cast<std::int32_t>(std::clamp<std::size_t>(a.edges.size() / 2, 1, 8192));
  a.band_h = std::max((ay1 - ay0) / a.n_bands, 1e-9);
  auto band = [&](double y) {
    double f = std::floor((y - a.ymin) / a.band_h);
    return static_cast<std::size_t>(std::clamp(f, 0.0, double(a.n_bands - 1)));
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

std::int64_t MembershipIndex::cell_x(double x) const {
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor((x - gx0_) * inv_cell_)), 0,
                                  nx_ - 1);
}
std::int64_t MembershipIndex::cell_y(double y) const {
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor((y - gy0_) * inv_cell_)), 0,
                                  ny_ - 1);
}

// Grid entries (cell, area << 1 | full) of area i: cells its boundary touches are candidates,
// runs of untouched cells in a row are uniformly inside or outside (one centre tested).
void MembershipIndex::area_cells(std::size_t i, const std::vector<PolygonRings>& parts,
                                 const std::array<double, 4>& bb,
                                 std::vector<std::pair<std::uint32_t, std::uint32_t>>& entries,
                                 std::vector<std::uint8_t>& marked) const {
  const double eps = cell_ * 1e-6;
  std::int64_t i0 = cell_x(bb[0] - eps), i1 = cell_x(bb[2] + eps);
  std::int64_t j0 = cell_y(bb[1] - eps), j1 = cell_y(bb[3] + eps);
  std::int64_t bw = i1 - i0 + 1, bh = j1 - j0 + 1;
  marked.assign(static_cast<std::size_t>(bw * bh), 0);
  auto mark_box = [&](double xa, double ya, double xb, double yb) {
    std::int64_t a0 = cell_x(std::min(xa, xb) - eps), a1 = cell_x(std::max(xa, xb) + eps);
    std::int64_t b0 = cell_y(std::min(ya, yb) - eps), b1 = cell_y(std::max(ya, yb) + eps);
    for (std::int64_t j = b0; j <= b1; ++j)
      for (std::int64_t k = a0; k <= a1; ++k) marked[(j - j0) * bw + (k - i0)] = 1;
  };
  for (const PolygonRings& part : parts) {
    for (const Ring& ring : part) {
      for (std::size_t k = 0; k + 1 < ring.size(); ++k) {
        XY p = ring[k], q = ring[k + 1];
        double len = std::hypot(q.x - p.x, q.y - p.y);
        auto steps = static_cast<std::int64_t>(std::ceil(len / (0.5 * cell_)));
        steps = std::max<std::int64_t>(steps, 1);
        double px = p.x, py = p.y;
        for (std::int64_t s = 1; s <= steps; ++s) {
          double t = static_cast<double>(s) / static_cast<double>(steps);
          double qx = s == steps ? q.x : p.x + t * (q.x - p.x);
          double qy = s == steps ? q.y : p.y + t * (q.y - p.y);
          mark_box(px, py, qx, qy);
          px = qx;
          py = qy;
        }
      }
    }
  }
  for (std::int64_t j = j0; j <= j1; ++j) {
    int state = -1;  // unknown
    for (std::int64_t k = i0; k <= i1; ++k) {
      std::uint32_t cell = static_cast<std::uint32_t>(j * nx_ + k);
      if (marked[(j - j0) * bw + (k - i0)]) {
        entries.emplace_back(cell, static_cast<std::uint32_t>(i << 1));
        state = -1;
        continue;
      }
      if (state < 0) {
        state = contains(i, gx0_ + (k + 0.5) * cell_, gy0_ + (j + 0.5) * cell_) ? 1 : 0;
      }
      if (state == 1) entries.emplace_back(cell, static_cast<std::uint32_t>(i << 1 | 1u));
    }
  }
}

void MembershipIndex::build(const std::vector<std::vector<PolygonRings>>& areas) {
  areas_.assign(areas.size(), {});
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
  std::size_t total_edges = 0;
  std::vector<std::array<double, 4>> bbox(areas.size());

  // Edges and y-bands per area.
  for (std::size_t i = 0; i < areas.size(); ++i) {
    band_edges(areas_[i], areas[i], bbox[i]);
    if (areas_[i].edges.empty()) continue;
    xmin = std::min(xmin, bbox[i][0]);
    xmax = std::max(xmax, bbox[i][2]);
    ymin = std::min(ymin, bbox[i][1]);
    ymax = std::max(ymax, bbox[i][3]);
    total_edges += areas_[i].edges.size();
  }
  cell_offset_.clear();
  cell_entry_.clear();
  nx_ = ny_ = 0;
  if (total_edges == 0) return;

  // Grid over all areas: about 8 cells per edge, between 4 Ki and 4 Mi cells.
  double w = std::max(xmax - xmin, 1e-6), h = std::max(ymax - ymin, 1e-6);
  double target = std::clamp(8.0 * static_cast<double>(total_edges), 4096.0, 4194304.0);
  cell_ = std::sqrt(w * h / target);
  inv_cell_ = 1.0 / cell_;
  gx0_ = xmin;
  gy0_ = ymin;
  nx_ = static_cast<std::int64_t>(std::floor(w * inv_cell_)) + 1;
  ny_ = static_cast<std::int64_t>(std::floor(h * inv_cell_)) + 1;

  std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;  // (cell, area<<1|full)
  std::vector<std::uint8_t> marked;
  for (std::size_t i = 0; i < areas.size(); ++i)
    if (!areas_[i].edges.empty()) area_cells(i, areas[i], bbox[i], entries, marked);

  // Counting sort by cell; within a cell entries stay in area order.
  std::size_t n_cells = static_cast<std::size_t>(nx_ * ny_);
  cell_offset_.assign(n_cells + 1, 0);
  for (const auto& e : entries) ++cell_offset_[e.first + 1];
  for (std::size_t c = 0; c < n_cells; ++c) cell_offset_[c + 1] += cell_offset_[c];
  cell_entry_.resize(entries.size());
  std::vector<std::uint32_t> fill(cell_offset_.begin(), cell_offset_.end() - 1);
  for (const auto& e : entries) cell_entry_[fill[e.first]++] = e.second;
}

}  // namespace libmatch::detail
