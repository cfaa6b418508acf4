#include "design_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <tuple>
#include <utility>

#include "disjoint_set.hpp"
#include "format.hpp"
#include "libmatch/error.hpp"

namespace libmatch::detail {

namespace {

double dist_km(XY a, XY b) {
  const double dx = a.x - b.x, dy = a.y - b.y;
  return std::sqrt(dx * dx + dy * dy) / 1000.0;
}

using Dsu = DisjointSet;

std::string id_list(const Model& m, const std::vector<std::int64_t>& units,
                    std::size_t max_shown = 8) {
  std::string s;
  for (std::size_t i = 0; i < units.size() && i < max_shown; ++i) {
    s += (i ? ", " : "") + m.id(units[i]);
  }
  if (units.size() > max_shown) s += " (+" + std::to_string(units.size() - max_shown) + " more)";
  return s;
}

bool finite_nonneg(double v) { return std::isfinite(v) && v >= 0.0; }

// Joins the border components with nearest-centroid links: Boruvka rounds over a strict
// total order (squared distance, lower index, higher index), which yields exactly the
// minimum spanning tree Kruskal would pick.
std::vector<Adjacency> island_links(const Model& m, Dsu& dsu) {
  std::vector<Adjacency> links;
  const std::int64_t n = m.n;
  using Key = std::tuple<double, std::int64_t, std::int64_t>;
  const Key none{std::numeric_limits<double>::infinity(), -1, -1};
  for (;;) {
    std::vector<Key> best(static_cast<std::size_t>(n), none);
    std::vector<std::int64_t> root(static_cast<std::size_t>(n));
    std::int64_t roots = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      root[i] = dsu.find(i);
      roots += root[i] == i;
    }
    if (roots <= 1) break;
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t j = i + 1; j < n; ++j) {
        if (root[i] == root[j]) continue;
        double dx = m.c[i].x - m.c[j].x, dy = m.c[i].y - m.c[j].y;
        Key key{dx * dx + dy * dy, i, j};
        if (key < best[root[i]]) best[root[i]] = key;
        if (key < best[root[j]]) best[root[j]] = key;
      }
    }
    std::vector<Key> chosen;
    for (std::int64_t i = 0; i < n; ++i) {
      if (root[i] == i && std::get<1>(best[i]) >= 0) chosen.push_back(best[i]);
    }
    std::sort(chosen.begin(), chosen.end());
    for (const Key& key : chosen) {
      auto [d2, a, b] = key;
      if (dsu.unite(a, b)) links.push_back({a, b, 0.0});
    }
  }
  std::sort(links.begin(), links.end(), [](const Adjacency& x, const Adjacency& y) {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  return links;
}

}  // namespace

std::string Model::id(std::int64_t i) const {
  return ids.empty() ? "#" + std::to_string(i) : "'" + ids[static_cast<std::size_t>(i)] + "'";
}

namespace {

constexpr double kMaxTotalDemand = 1e100;

// Sizes, copies and per-unit checks; totals of demand and area.
void check_units(Model& m, const DesignProblem& p) {
  const std::size_t n = p.centroid.size();
  m.n = static_cast<std::int64_t>(n);
  if (n == 0) throw InvalidInput("area design needs at least one unit (got 0)");
  if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() / 2)) {
    throw InvalidInput("area design supports at most 1e9 units");
  }
  auto check_size = [&](std::size_t got, const char* what) {
    if (got != n) {
      throw InvalidInput(std::string(what) + " has " + std::to_string(got) + " entries; expected " +
                         std::to_string(n) + " (one per unit)");
    }
  };
  check_size(p.area_m2.size(), "area_m2");
  check_size(p.perimeter_m.size(), "perimeter_m");
  check_size(p.demand.size(), "demand");
  if (!p.ids.empty()) check_size(p.ids.size(), "ids");
  m.ids = p.ids;
  m.c = p.centroid;
  m.area = p.area_m2;
  m.per = p.perimeter_m;
  m.d = p.demand;
  m.w = p.weights;
  m.islands = p.islands;
  for (double wv : {m.w.balance, m.w.travel, m.w.compactness}) {
    if (!finite_nonneg(wv)) throw InvalidInput("design weights must be finite and >= 0");
  }

  for (std::size_t i = 0; i < n; ++i) {
    auto ii = static_cast<std::int64_t>(i);
    if (std::isnan(m.d[i])) {
      throw InvalidInput("demand of unit " + m.id(ii) + " is NaN; demand must be finite and >= 0");
    }
    if (!finite_nonneg(m.d[i])) {
      throw InvalidInput("demand of unit " + m.id(ii) +
                         " is negative or infinite; demand must be finite and >= 0");
    }
    if (!std::isfinite(m.c[i].x) || !std::isfinite(m.c[i].y)) {
      throw InvalidInput("centroid of unit " + m.id(ii) + " is not finite");
    }
    if (!(std::isfinite(m.area[i]) && m.area[i] > 0.0 && std::isfinite(m.per[i]) &&
          m.per[i] > 0.0)) {
      throw InvalidInput("unit " + m.id(ii) + " needs a finite area_m2 > 0 and perimeter_m > 0");
    }
    m.total_demand += m.d[i];
    m.total_area += m.area[i];
  }
  if (!(m.total_demand > 0.0)) {
    throw InvalidInput("total demand is 0; at least one unit needs demand > 0");
  }
  // Demand times squared metres and km must stay finite in the objective's sums.
  if (!(m.total_demand <= kMaxTotalDemand)) {
    throw Overflow("total demand exceeds 1e100 (demand is cases or hours per unit); rescale it");
  }
}

struct Edge {
  std::int32_t a, b;  // a < b
  double border;
  std::uint8_t link;
};

void sort_edges(std::vector<Edge>& edges) {
  std::sort(edges.begin(), edges.end(),
            [](const Edge& x, const Edge& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); });
}

// Edges: normalised, sorted, no duplicates.
std::vector<Edge> checked_edges(const Model& m, const DesignProblem& p) {
  std::vector<Edge> edges;
  edges.reserve(p.adjacency.size());
  for (const Adjacency& e : p.adjacency) {
    if (e.a < 0 || e.b < 0 || e.a >= m.n || e.b >= m.n || e.a == e.b) {
      throw InvalidInput("adjacency pair (" + std::to_string(e.a) + ", " + std::to_string(e.b) +
                         ") is invalid; indices must be distinct and in 0.." +
                         std::to_string(m.n - 1));
    }
    if (!finite_nonneg(e.border_m)) {
      throw InvalidInput("adjacency pair (" + m.id(e.a) + ", " + m.id(e.b) +
                         ") has a border length that is not finite and >= 0");
    }
    auto a = static_cast<std::int32_t>(std::min(e.a, e.b));
    auto b = static_cast<std::int32_t>(std::max(e.a, e.b));
    edges.push_back({a, b, e.border_m, 0});
  }
  sort_edges(edges);
  for (std::size_t i = 1; i < edges.size(); ++i) {
    if (edges[i].a == edges[i - 1].a && edges[i].b == edges[i - 1].b) {
      throw InvalidInput("adjacency pair (" + m.id(edges[i].a) + ", " + m.id(edges[i].b) +
                         ") is listed twice");
    }
  }
  return edges;
}

// The message for an unconnected unit graph under IslandRule::Error.
[[noreturn]] void throw_not_connected(const Model& m, Dsu& dsu,
                                      const std::vector<std::int64_t>& comp_size) {
  std::int64_t main_root = 0;
  for (std::int64_t i = 0; i < m.n; ++i) {
    if (comp_size[i] > comp_size[main_root]) main_root = i;
  }
  std::vector<std::int64_t> lonely, groups;
  for (std::int64_t i = 0; i < m.n; ++i) {
    if (dsu.find(i) != i || i == main_root) continue;
    (comp_size[i] == 1 ? lonely : groups).push_back(i);
  }
  std::string msg = "the unit graph is not connected (" + std::to_string(m.border_components) +
                    " parts through shared borders)";
  if (!lonely.empty()) {
    msg +=
        "; " + std::to_string(lonely.size()) + " unit(s) have no neighbour: " + id_list(m, lonely);
  }
  if (!groups.empty()) {
    std::string g;
    for (std::size_t i = 0; i < groups.size() && i < 5; ++i) {
      g += (i ? ", " : "") + m.id(groups[i]) + " with " + std::to_string(comp_size[groups[i]] - 1) +
           " more";
    }
    msg += "; detached group(s): " + g;
  }
  msg +=
      ". Contiguity is a hard rule: pass islands='attach' (IslandRule::Attach) to link "
      "each island or detached group to the unit with the nearest centroid, or remove them";
  throw InvalidInput(msg);
}

// Components through borders; the island rule (error, or links appended to `edges`).
void apply_island_rule(Model& m, std::vector<Edge>& edges, bool for_design) {
  Dsu dsu(m.n);
  for (const Edge& e : edges) dsu.unite(e.a, e.b);
  std::vector<std::int64_t> comp_size(static_cast<std::size_t>(m.n), 0);
  for (std::int64_t i = 0; i < m.n; ++i) ++comp_size[dsu.find(i)];
  m.border_components = 0;
  for (std::int64_t i = 0; i < m.n; ++i) m.border_components += dsu.find(i) == i;
  if (m.border_components <= 1) return;
  if (m.islands == IslandRule::Error && for_design) throw_not_connected(m, dsu, comp_size);
  if (m.islands == IslandRule::Attach) {
    m.links = island_links(m, dsu);
    for (const Adjacency& l : m.links) {
      edges.push_back({static_cast<std::int32_t>(l.a), static_cast<std::int32_t>(l.b), 0.0, 1});
    }
  }
}

// CSR, neighbours in ascending index order.
void build_csr(Model& m, std::vector<Edge>& edges) {
  const auto n = static_cast<std::size_t>(m.n);
  std::vector<std::int64_t> deg(n + 1, 0);
  for (const Edge& e : edges) {
    ++deg[e.a];
    ++deg[e.b];
  }
  m.off.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) m.off[i + 1] = m.off[i] + deg[i];
  m.nb.assign(static_cast<std::size_t>(m.off[n]), 0);
  m.border.assign(m.nb.size(), 0.0);
  m.is_link.assign(m.nb.size(), 0);
  std::vector<std::int64_t> fill(m.off.begin(), m.off.end() - 1);
  sort_edges(edges);
  // Two passes keep each row sorted: lower neighbours first (edges sorted by (a, b) give
  // row b its lower neighbours a in order), then higher neighbours.
  for (const Edge& e : edges) {
    auto k = static_cast<std::size_t>(fill[e.b]++);
    m.nb[k] = e.a;
    m.border[k] = e.border;
    m.is_link[k] = e.link;
  }
  for (const Edge& e : edges) {
    auto k = static_cast<std::size_t>(fill[e.a]++);
    m.nb[k] = e.b;
    m.border[k] = e.border;
    m.is_link[k] = e.link;
  }
}

// Advisors: checks, per-unit counts, total capacity; returns the capacity per advisor.
std::vector<double> check_advisors(Model& m, const DesignProblem& p) {
  const auto n = static_cast<std::size_t>(m.n);
  const std::size_t na = p.advisor_unit.size();
  if (p.advisor_xy.size() != na) {
    throw InvalidInput("advisor_xy has " + std::to_string(p.advisor_xy.size()) +
                       " entries but advisor_unit has " + std::to_string(na));
  }
  if (!p.advisor_capacity.empty() && p.advisor_capacity.size() != na) {
    throw InvalidInput("advisor_capacity has " + std::to_string(p.advisor_capacity.size()) +
                       " entries; expected " + std::to_string(na) + " (one per advisor)");
  }
  m.n_advisors = static_cast<std::int64_t>(na);
  m.advisors_in_unit.assign(n, 0);
  m.supply_of.assign(n, -1);
  std::vector<double> cap(na, 1.0);
  for (std::size_t a = 0; a < na; ++a) {
    std::int64_t u = p.advisor_unit[a];
    if (u < 0 || u >= m.n) {
      throw InvalidInput("advisor " + std::to_string(a) + " has unit index " + std::to_string(u) +
                         "; expected 0.." + std::to_string(m.n - 1));
    }
    if (!p.advisor_capacity.empty()) cap[a] = p.advisor_capacity[a];
    if (!(std::isfinite(cap[a]) && cap[a] > 0.0)) {
      throw InvalidInput("capacity of advisor " + std::to_string(a) + " must be finite and > 0");
    }
    if (!std::isfinite(p.advisor_xy[a].x) || !std::isfinite(p.advisor_xy[a].y)) {
      throw InvalidInput("base of advisor " + std::to_string(a) + " is not finite");
    }
    ++m.advisors_in_unit[u];
    m.total_capacity += cap[a];
  }
  return cap;
}

// The given travel tables (n x cols), checked, with unknown (NaN) cells filled by twice the
// straight-line km (minutes: at the mean known minutes per km). Empty when not given.
void given_travel(const Model& m, const DesignProblem& p, std::vector<double>& km,
                  std::vector<double>& mins) {
  const auto n = static_cast<std::size_t>(m.n);
  const std::size_t na = p.advisor_unit.size();
  const std::size_t cols = na > 0 ? na : n;
  const bool has_km = !p.travel_km.empty();
  const bool has_min = !p.travel_minutes.empty();
  if (has_min && !has_km) throw InvalidInput("travel_minutes needs travel_km as well");
  if (has_km && p.travel_km.size() != n * cols) {
    throw InvalidInput("travel_km has " + std::to_string(p.travel_km.size()) +
                       " entries; expected n x m = " + std::to_string(n) + " x " +
                       std::to_string(cols) +
                       (na > 0 ? " (units x advisors)" : " (units x units)"));
  }
  if (has_min && p.travel_minutes.size() != p.travel_km.size()) {
    throw InvalidInput("travel_minutes must have the same shape as travel_km");
  }
  if (!has_km) return;
  auto origin_xy = [&](std::size_t j) { return na > 0 ? p.advisor_xy[j] : m.c[j]; };
  km = p.travel_km;
  double known_km = 0.0, known_min = 0.0;
  for (std::size_t x = 0; x < km.size(); ++x) {
    bool bad_km = !std::isnan(km[x]) && !finite_nonneg(km[x]);
    bool bad_min =
        has_min && !std::isnan(p.travel_minutes[x]) && !finite_nonneg(p.travel_minutes[x]);
    if (bad_km || bad_min) {
      throw InvalidInput("travel to unit " + m.id(static_cast<std::int64_t>(x / cols)) +
                         " is negative or infinite; travel must be >= 0 (NaN = unreachable)");
    }
    if (has_min && !std::isnan(km[x]) && !std::isnan(p.travel_minutes[x])) {
      known_km += km[x];
      known_min += p.travel_minutes[x];
    }
  }
  double min_per_km = known_km > 0.0 ? known_min / known_km : 1.0;
  if (has_min) mins = p.travel_minutes;
  for (std::size_t x = 0; x < km.size(); ++x) {
    double fallback = 2.0 * dist_km(m.c[x / cols], origin_xy(x % cols));
    if (std::isnan(km[x])) km[x] = fallback;
    if (has_min && std::isnan(mins[x])) mins[x] = fallback * min_per_km;
  }
}

// Travel mode and tables: per supply unit (advisors), unit x unit (medoid), or none (centre).
void travel_tables(Model& m, const DesignProblem& p, const std::vector<double>& cap) {
  const auto n = static_cast<std::size_t>(m.n);
  const std::size_t na = p.advisor_unit.size();
  std::vector<double> km, mins;
  given_travel(m, p, km, mins);
  const bool has_km = !p.travel_km.empty();
  const bool has_min = !p.travel_minutes.empty();
  if (na > 0) {
    m.mode = TravelMode::Advisors;
    for (std::size_t a = 0; a < na; ++a) {
      auto u = static_cast<std::size_t>(p.advisor_unit[a]);
      if (m.supply_of[u] < 0) m.supply_of[u] = 0;  // mark; numbered below in unit order
    }
    for (std::size_t u = 0; u < n; ++u) {
      if (m.supply_of[u] >= 0) {
        m.supply_of[u] = static_cast<std::int32_t>(m.supply_unit.size());
        m.supply_unit.push_back(static_cast<std::int32_t>(u));
      }
    }
    const std::size_t nq = m.supply_unit.size();
    m.supply_cap.assign(nq, 0.0);
    m.tt_cols = static_cast<std::int64_t>(nq);
    m.tt.assign(n * nq, 0.0);
    if (has_min) m.tt_min.assign(n * nq, 0.0);
    for (std::size_t a = 0; a < na; ++a) {
      auto q = static_cast<std::size_t>(m.supply_of[p.advisor_unit[a]]);
      m.supply_cap[q] += cap[a];
      for (std::size_t i = 0; i < n; ++i) {
        double t = has_km ? km[i * na + a] : dist_km(m.c[i], p.advisor_xy[a]);
        m.tt[i * nq + q] += cap[a] * t;
        if (has_min) m.tt_min[i * nq + q] += cap[a] * mins[i * na + a];
      }
    }
  } else if (has_km) {
    m.mode = TravelMode::Medoid;
    m.tt = std::move(km);
    m.tt_min = std::move(mins);
    m.tt_cols = m.n;
  } else {
    m.mode = TravelMode::Centre;
  }
}

}  // namespace

Model prepare(const DesignProblem& p, bool for_design) {
  Model m;
  check_units(m, p);
  std::vector<Edge> edges = checked_edges(m, p);
  apply_island_rule(m, edges, for_design);
  build_csr(m, edges);
  const std::vector<double> cap = check_advisors(m, p);
  travel_tables(m, p, cap);
  return m;
}

// ------------------------------------------------------------------------------------------
// State

State::State(const Model& m, std::int64_t k, const std::vector<std::int32_t>& labels)
    : locked(static_cast<std::size_t>(m.n), 0),
      m_(m),
      k_(k),
      ref_km_(std::sqrt(m.total_area / (std::numbers::pi * static_cast<double>(k))) / 1000.0),
      label_(labels),
      pos_(static_cast<std::size_t>(m.n), 0),
      members_(static_cast<std::size_t>(k)),
      supplies_(static_cast<std::size_t>(k)),
      D_(static_cast<std::size_t>(k), 0.0),
      C_(D_),
      A_(D_),
      P_(D_),
      T_(D_),
      sx_(D_),
      sy_(D_),
      cut_(static_cast<std::size_t>(m.n), 0),
      V_(static_cast<std::size_t>(k), 0.0),
      disc_(static_cast<std::size_t>(m.n), -1),
      low_(static_cast<std::size_t>(m.n), 0) {
  for (std::int32_t i = 0; i < m.n; ++i) {
    auto r = static_cast<std::size_t>(label_[i]);
    pos_[i] = static_cast<std::int32_t>(members_[r].size());
    members_[r].push_back(i);
  }
  if (m_.mode == TravelMode::Advisors) W_.assign(m_.supply_unit.size(), 0.0);
  if (m_.mode == TravelMode::Medoid) col_.assign(static_cast<std::size_t>(m.n), 0.0);
  refresh();
}

double State::capacity_share(std::int32_t r) const {
  if (m_.mode != TravelMode::Advisors) return m_.total_demand / static_cast<double>(k_);
  double c = 0.0;
  for (std::int32_t q : supplies_[r]) c += m_.supply_cap[q];
  return c;
}

double State::imb_term(double D, double C) const {
  const double total_c = m_.mode == TravelMode::Advisors ? m_.total_capacity : m_.total_demand;
  if (C <= 0.0) return D > 0.0 ? std::numeric_limits<double>::infinity() : 0.0;
  double diff = D / m_.total_demand - C / total_c;
  return diff * diff * (total_c / C);
}

double State::pp(double A, double P) {
  return P > 0.0 ? 4.0 * std::numbers::pi * A / (P * P) : 0.0;
}

// Demand-weighted travel to the area's demand-weighted centre, with unit `excl` removed
// and/or `incl` added (the running sums D_, sx_, sy_ give the centre in O(1)).
double State::centre_travel(std::int32_t r, std::int32_t excl, std::int32_t incl) const {
  double D = D_[r], sx = sx_[r], sy = sy_[r];
  for (std::int32_t i : {excl, incl}) {
    if (i < 0) continue;
    const double sign = i == excl ? -1.0 : 1.0;
    D += sign * m_.d[i];
    sx += sign * m_.d[i] * m_.c[i].x;
    sy += sign * m_.d[i] * m_.c[i].y;
  }
  if (!(D > 1e-12 * m_.total_demand)) return 0.0;  // no demand: no travel
  const XY centre{sx / D, sy / D};
  double t = 0.0;
  for (std::int32_t i : members_[r]) {
    if (i != excl) t += m_.d[i] * dist_km(m_.c[i], centre);
  }
  if (incl >= 0) t += m_.d[incl] * dist_km(m_.c[incl], centre);
  return t;
}

std::int32_t State::medoid(std::int32_t r) const {
  std::int32_t best = -1;
  for (std::int32_t j : members_[r]) {
    if (best < 0 || col_[j] < col_[best] || (col_[j] == col_[best] && j < best)) best = j;
  }
  return best;
}

void State::recompute_area(std::int32_t r) {
  double D = 0.0, A = 0.0, P = 0.0, sx = 0.0, sy = 0.0;
  supplies_[r].clear();
  for (std::int32_t i : members_[r]) {
    D += m_.d[i];
    sx += m_.d[i] * m_.c[i].x;
    sy += m_.d[i] * m_.c[i].y;
    A += m_.area[i];
    P += m_.per[i];
    for (std::int64_t e = m_.off[i]; e < m_.off[i + 1]; ++e) {
      if (label_[m_.nb[e]] == r) P -= m_.border[e];
    }
    if (m_.mode == TravelMode::Advisors && m_.supply_of[i] >= 0) {
      supplies_[r].push_back(m_.supply_of[i]);
    }
  }
  D_[r] = D;
  sx_[r] = sx;
  sy_[r] = sy;
  A_[r] = A;
  P_[r] = P;
  C_[r] = capacity_share(r);
  const auto nq = static_cast<std::size_t>(m_.tt_cols);
  switch (m_.mode) {
    case TravelMode::Centre:
      T_[r] = centre_travel(r, -1, -1);
      break;
    case TravelMode::Advisors: {
      double t = 0.0;
      for (std::int32_t q : supplies_[r]) {
        double w = 0.0;
        for (std::int32_t i : members_[r]) w += m_.d[i] * m_.tt[i * nq + q];
        W_[q] = w;
        t += w;
      }
      T_[r] = C_[r] > 0.0 ? t / C_[r] : 0.0;
      break;
    }
    case TravelMode::Medoid: {
      for (std::int32_t j : members_[r]) {
        double s = 0.0;
        for (std::int32_t i : members_[r]) s += m_.d[i] * m_.tt[i * nq + j];
        col_[j] = s;
      }
      T_[r] = col_[medoid(r)];
      break;
    }
  }
  if (hb_ != nullptr) {
    V_[r] = area_violation(D_[r], C_[r], static_cast<std::int64_t>(members_[r].size()),
                           travel_excess(r, -1, -1, C_[r]));
  }
}

void State::sums() {
  s_imb_ = s_trav_ = s_pp_ = s_viol_ = 0.0;
  for (std::int32_t r = 0; r < k_; ++r) {
    s_imb_ += imb_term(D_[r], C_[r]);
    s_trav_ += T_[r];
    s_pp_ += pp(A_[r], P_[r]);
    if (hb_ != nullptr) s_viol_ += V_[r];
  }
  link_viol_ = 0;
  if (hb_ != nullptr) {
    for (auto [a, b] : hb_->must_pairs) link_viol_ += label_[a] != label_[b];
    for (auto [a, b] : hb_->cannot_pairs) link_viol_ += label_[a] == label_[b];
  }
}

void State::set_bounds(const HardBounds* hb) {
  const HardBounds* next = hb != nullptr && hb->active ? hb : nullptr;
  // No bounds before or after: the sums are unchanged (a fresh state is already refreshed).
  if (next == nullptr && hb_ == nullptr && moves_since_refresh_ == 0) return;
  hb_ = next;
  refresh();
}

double State::fair_share(double C) const {
  if (m_.mode != TravelMode::Advisors) return m_.total_demand / static_cast<double>(k_);
  return m_.total_demand * C / m_.total_capacity;
}

// Normalised violation of one area: demand outside [lo, hi] x share (in shares), units
// outside [min, max] (in units), summed travel excess (in units of max_km).
double State::area_violation(double D, double C, std::int64_t size, double excess) const {
  const HardBounds& b = *hb_;
  double v = excess;
  const double F = fair_share(C);
  if (F > 0.0) {
    if (D > b.hi * F) v += (D - b.hi * F) / F;
    if (D < b.lo * F) v += (b.lo * F - D) / F;
  } else if (b.lo > 0.0 || D > 0.0) {
    v += 1.0;
  }
  if (b.max_units > 0 && size > b.max_units) v += static_cast<double>(size - b.max_units);
  if (b.min_units > 0 && size < b.min_units) v += static_cast<double>(b.min_units - size);
  return v;
}

// Summed (t_i - max_km) / max_km over the units of area r without `excl` and with `incl`,
// t_i as in unit_travel (capacity C of the changed area, advisors mode).
double State::travel_excess(std::int32_t r, std::int32_t excl, std::int32_t incl, double C) const {
  const double cap = hb_->max_km;
  if (!std::isfinite(cap)) return 0.0;
  const auto nq = static_cast<std::size_t>(m_.tt_cols);
  auto over = [cap](double t) { return t > cap ? (t - cap) / cap : 0.0; };
  double e = 0.0;
  auto for_members = [&](auto&& f) {
    for (std::int32_t i : members_[r]) {
      if (i != excl) f(i);
    }
    if (incl >= 0) f(incl);
  };
  switch (m_.mode) {
    case TravelMode::Centre: {
      double D = 0.0, sx = 0.0, sy = 0.0, cnt = 0.0, ux = 0.0, uy = 0.0;
      for_members([&](std::int32_t i) {
        D += m_.d[i];
        sx += m_.d[i] * m_.c[i].x;
        sy += m_.d[i] * m_.c[i].y;
        cnt += 1.0;
        ux += m_.c[i].x;
        uy += m_.c[i].y;
      });
      const XY centre = D > 0.0 ? XY{sx / D, sy / D} : XY{ux / cnt, uy / cnt};
      for_members([&](std::int32_t i) { e += over(dist_km(m_.c[i], centre)); });
      break;
    }
    case TravelMode::Advisors: {
      if (!(C > 0.0)) return 0.0;  // no base: counted by the demand violation
      const std::int32_t qx = excl >= 0 ? m_.supply_of[excl] : -1;
      const std::int32_t qi = incl >= 0 ? m_.supply_of[incl] : -1;
      for_members([&](std::int32_t i) {
        double t = 0.0;
        for (std::int32_t q : supplies_[r]) {
          if (q != qx) t += m_.tt[i * nq + q];
        }
        if (qi >= 0) t += m_.tt[i * nq + qi];
        e += over(t / C);
      });
      break;
    }
    case TravelMode::Medoid: {
      std::int32_t best = -1;
      double best_c = 0.0;
      auto consider = [&](std::int32_t j, double cj) {
        if (best < 0 || cj < best_c || (cj == best_c && j < best)) {
          best = j;
          best_c = cj;
        }
      };
      for (std::int32_t j : members_[r]) {
        if (j == excl) continue;
        double cj = col_[j];
        if (excl >= 0) cj -= m_.d[excl] * m_.tt[excl * nq + j];
        if (incl >= 0) cj += m_.d[incl] * m_.tt[incl * nq + j];
        consider(j, cj);
      }
      if (incl >= 0) {
        double cj = 0.0;
        for_members([&](std::int32_t i) { cj += m_.d[i] * m_.tt[i * nq + incl]; });
        consider(incl, cj);
      }
      for_members([&](std::int32_t i) { e += over(m_.tt[i * nq + best]); });
      break;
    }
  }
  return e;
}

// Change of the number of violated must/cannot pairs when u moves from r to s.
std::int64_t State::link_change(std::int32_t u, std::int32_t r, std::int32_t s) const {
  std::int64_t d = 0;
  if (hb_->must.empty()) return 0;
  for (std::int32_t w : hb_->must[u]) d += (label_[w] != s) - (label_[w] != r);
  for (std::int32_t w : hb_->cannot[u]) d += (label_[w] == s) - (label_[w] == r);
  return d;
}

void State::refresh() {
  for (std::int32_t r = 0; r < k_; ++r) {
    recompute_area(r);
    recompute_cut(r);
  }
  sums();
  moves_since_refresh_ = 0;
}

double State::imbalance() const { return std::sqrt(std::max(0.0, s_imb_)); }
double State::travel_km() const { return s_trav_ / m_.total_demand; }
double State::compactness() const { return s_pp_ / static_cast<double>(k_); }

double State::objective() const {
  const double base = m_.w.balance * imbalance() + m_.w.travel * travel_km() / ref_km_ +
                      m_.w.compactness * (1.0 - compactness());
  return hb_ != nullptr ? base + kPenalty * violation() : base;
}

bool State::movable(std::int32_t u) const {
  std::int32_t r = label_[u];
  if (locked[u] || cut_[u] || members_[r].size() <= 1) return false;
  if (m_.mode == TravelMode::Advisors && m_.supply_of[u] >= 0 && supplies_[r].size() <= 1) {
    return false;
  }
  return true;
}

double State::delta(std::int32_t u, std::int32_t s) const {
  const std::int32_t r = label_[u];
  const double du = m_.d[u];
  double br = 0.0, bs = 0.0;
  for (std::int64_t e = m_.off[u]; e < m_.off[u + 1]; ++e) {
    std::int32_t l = label_[m_.nb[e]];
    if (l == r)
      br += m_.border[e];
    else if (l == s)
      bs += m_.border[e];
  }
  const double Dr = D_[r] - du, Ds = D_[s] + du;
  double Cr = C_[r], Cs = C_[s];
  const std::int32_t qu = m_.mode == TravelMode::Advisors ? m_.supply_of[u] : -1;
  if (qu >= 0) {
    Cr = 0.0;
    for (std::int32_t q : supplies_[r]) {
      if (q != qu) Cr += m_.supply_cap[q];
    }
    Cs = 0.0;
    for (std::int32_t q : supplies_[s]) Cs += m_.supply_cap[q];
    Cs += m_.supply_cap[qu];
  }
  const double Ar = A_[r] - m_.area[u], As = A_[s] + m_.area[u];
  const double Pr = P_[r] - m_.per[u] + 2.0 * br, Ps = P_[s] + m_.per[u] - 2.0 * bs;

  const auto nq = static_cast<std::size_t>(m_.tt_cols);
  double Tr = 0.0, Ts = 0.0;
  switch (m_.mode) {
    case TravelMode::Centre:
      Tr = centre_travel(r, u, -1);
      Ts = centre_travel(s, -1, u);
      break;
    case TravelMode::Advisors: {
      const double* row = &m_.tt[u * nq];
      for (std::int32_t q : supplies_[r]) {
        if (q != qu) Tr += W_[q] - du * row[q];
      }
      for (std::int32_t q : supplies_[s]) Ts += W_[q] + du * row[q];
      if (qu >= 0) {
        double w = du * row[qu];
        for (std::int32_t i : members_[s]) w += m_.d[i] * m_.tt[i * nq + qu];
        Ts += w;
      }
      Tr /= Cr;
      Ts /= Cs;
      break;
    }
    case TravelMode::Medoid: {
      const double* row = &m_.tt[u * nq];
      double best = std::numeric_limits<double>::infinity();
      for (std::int32_t j : members_[r]) {
        if (j != u) best = std::min(best, col_[j] - du * row[j]);
      }
      Tr = best;
      best = du * row[u];
      for (std::int32_t i : members_[s]) best += m_.d[i] * m_.tt[i * nq + u];
      for (std::int32_t j : members_[s]) best = std::min(best, col_[j] + du * row[j]);
      Ts = best;
      break;
    }
  }
  const double imb = s_imb_ - imb_term(D_[r], C_[r]) - imb_term(D_[s], C_[s]) + imb_term(Dr, Cr) +
                     imb_term(Ds, Cs);
  const double trav = s_trav_ - T_[r] - T_[s] + Tr + Ts;
  const double ppsum = s_pp_ - pp(A_[r], P_[r]) - pp(A_[s], P_[s]) + pp(Ar, Pr) + pp(As, Ps);
  double after = m_.w.balance * std::sqrt(std::max(0.0, imb)) +
                 m_.w.travel * (trav / m_.total_demand) / ref_km_ +
                 m_.w.compactness * (1.0 - ppsum / static_cast<double>(k_));
  if (hb_ != nullptr) {
    const auto nr = static_cast<std::int64_t>(members_[r].size());
    const auto ns = static_cast<std::int64_t>(members_[s].size());
    const double viol = s_viol_ - V_[r] - V_[s] +
                        area_violation(Dr, Cr, nr - 1, travel_excess(r, u, -1, Cr)) +
                        area_violation(Ds, Cs, ns + 1, travel_excess(s, -1, u, Cs));
    after += kPenalty * (viol + static_cast<double>(link_viol_ + link_change(u, r, s)));
  }
  return after - objective();
}

void State::move(std::int32_t u, std::int32_t s) {
  const std::int32_t r = label_[u];
  const double du = m_.d[u];
  const auto nq = static_cast<std::size_t>(m_.tt_cols);
  double br = 0.0, bs = 0.0;
  for (std::int64_t e = m_.off[u]; e < m_.off[u + 1]; ++e) {
    std::int32_t l = label_[m_.nb[e]];
    if (l == r)
      br += m_.border[e];
    else if (l == s)
      bs += m_.border[e];
  }
  if (hb_ != nullptr) link_viol_ += link_change(u, r, s);
  const double old_imb = imb_term(D_[r], C_[r]) + imb_term(D_[s], C_[s]);
  const double old_trav = T_[r] + T_[s];
  const double old_pp = pp(A_[r], P_[r]) + pp(A_[s], P_[s]);

  // Membership.
  auto& mr = members_[r];
  std::int32_t last = mr.back();
  mr[pos_[u]] = last;
  pos_[last] = pos_[u];
  mr.pop_back();
  pos_[u] = static_cast<std::int32_t>(members_[s].size());
  // Medoid columns of s need the old members of s, before u joins.
  if (m_.mode == TravelMode::Medoid) {
    const double* row = &m_.tt[u * nq];
    for (std::int32_t j : mr) col_[j] -= du * row[j];
    for (std::int32_t j : members_[s]) col_[j] += du * row[j];
  }
  members_[s].push_back(u);
  label_[u] = s;

  D_[r] -= du;
  D_[s] += du;
  sx_[r] -= du * m_.c[u].x;
  sx_[s] += du * m_.c[u].x;
  sy_[r] -= du * m_.c[u].y;
  sy_[s] += du * m_.c[u].y;
  A_[r] -= m_.area[u];
  A_[s] += m_.area[u];
  P_[r] += -m_.per[u] + 2.0 * br;
  P_[s] += m_.per[u] - 2.0 * bs;

  switch (m_.mode) {
    case TravelMode::Centre:
      T_[r] = centre_travel(r, -1, -1);
      T_[s] = centre_travel(s, -1, -1);
      break;
    case TravelMode::Advisors: {
      const double* row = &m_.tt[u * nq];
      const std::int32_t qu = m_.supply_of[u];
      if (qu >= 0) {
        auto& sr = supplies_[r];
        sr.erase(std::find(sr.begin(), sr.end(), qu));
      }
      for (std::int32_t q : supplies_[r]) W_[q] -= du * row[q];
      for (std::int32_t q : supplies_[s]) W_[q] += du * row[q];
      if (qu >= 0) {
        supplies_[s].push_back(qu);
        double w = 0.0;
        for (std::int32_t i : members_[s]) w += m_.d[i] * m_.tt[i * nq + qu];
        W_[qu] = w;
      }
      C_[r] = capacity_share(r);
      C_[s] = capacity_share(s);
      for (std::int32_t x : {r, s}) {
        double t = 0.0;
        for (std::int32_t q : supplies_[x]) t += W_[q];
        T_[x] = C_[x] > 0.0 ? t / C_[x] : 0.0;
      }
      break;
    }
    case TravelMode::Medoid: {
      double w = 0.0;
      for (std::int32_t i : members_[s]) w += m_.d[i] * m_.tt[i * nq + u];
      col_[u] = w;
      T_[r] = col_[medoid(r)];
      T_[s] = col_[medoid(s)];
      break;
    }
  }
  s_imb_ += imb_term(D_[r], C_[r]) + imb_term(D_[s], C_[s]) - old_imb;
  s_trav_ += T_[r] + T_[s] - old_trav;
  s_pp_ += pp(A_[r], P_[r]) + pp(A_[s], P_[s]) - old_pp;
  if (hb_ != nullptr) {
    const double old_v = V_[r] + V_[s];
    for (std::int32_t x : {r, s}) {
      V_[x] = area_violation(D_[x], C_[x], static_cast<std::int64_t>(members_[x].size()),
                             travel_excess(x, -1, -1, C_[x]));
    }
    s_viol_ += V_[r] + V_[s] - old_v;
  }
  recompute_cut(r);
  recompute_cut(s);
  if (++moves_since_refresh_ >= 4096) refresh();
}

// Articulation points of area r (iterative Tarjan over the area's induced subgraph).
void State::recompute_cut(std::int32_t r) {
  const auto& mem = members_[r];
  for (std::int32_t v : mem) {
    disc_[v] = -1;
    cut_[v] = 0;
  }
  if (mem.size() <= 2) return;
  std::vector<CutFrame>& st = frames_;
  st.clear();
  std::int32_t timer = 0, root = mem[0], root_children = 0;
  disc_[root] = low_[root] = timer++;
  st.push_back({root, -1, m_.off[root]});
  while (!st.empty()) {
    CutFrame& f = st.back();
    if (f.e < m_.off[f.v + 1]) {
      std::int32_t w = m_.nb[f.e++];
      if (label_[w] != r) continue;
      if (disc_[w] < 0) {
        disc_[w] = low_[w] = timer++;
        if (f.v == root) ++root_children;
        CutFrame next{w, f.v, m_.off[w]};
        st.push_back(next);
      } else if (w != f.parent) {
        low_[f.v] = std::min(low_[f.v], disc_[w]);
      }
    } else {
      std::int32_t v = f.v, parent = f.parent;
      st.pop_back();
      if (parent >= 0) {
        low_[parent] = std::min(low_[parent], low_[v]);
        if (parent != root && low_[v] >= disc_[parent]) cut_[parent] = 1;
      }
    }
  }
  if (root_children > 1) cut_[root] = 1;
}

double State::unit_travel(std::int32_t i, bool minutes) const {
  const std::int32_t r = label_[i];
  const auto nq = static_cast<std::size_t>(m_.tt_cols);
  if (minutes && m_.tt_min.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<double>& tab = minutes ? m_.tt_min : m_.tt;
  switch (m_.mode) {
    case TravelMode::Centre: {
      double D = 0.0, sx = 0.0, sy = 0.0;
      for (std::int32_t j : members_[r]) {
        D += m_.d[j];
        sx += m_.d[j] * m_.c[j].x;
        sy += m_.d[j] * m_.c[j].y;
      }
      if (!(D > 0.0)) {  // unweighted centre
        sx = sy = 0.0;
        for (std::int32_t j : members_[r]) {
          sx += m_.c[j].x;
          sy += m_.c[j].y;
        }
        D = static_cast<double>(members_[r].size());
      }
      return dist_km(m_.c[i], XY{sx / D, sy / D});
    }
    case TravelMode::Advisors: {
      double t = 0.0;
      if (C_[r] > 0.0) {
        for (std::int32_t q : supplies_[r]) t += tab[i * nq + q];
        return t / C_[r];
      }
      for (std::size_t q = 0; q < nq; ++q) t += tab[i * nq + q];  // served from anywhere
      return t / m_.total_capacity;
    }
    case TravelMode::Medoid:
      return tab[i * nq + static_cast<std::size_t>(medoid(r))];
  }
  return 0.0;
}

std::vector<std::int64_t> area_pieces(const Model& m, const std::vector<std::int32_t>& labels,
                                      std::int64_t k, bool with_links) {
  std::vector<std::int64_t> pieces(static_cast<std::size_t>(k), 0);
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(m.n), 0);
  std::vector<std::int32_t> queue;
  for (std::int32_t s = 0; s < m.n; ++s) {
    if (seen[s]) continue;
    ++pieces[labels[s]];
    seen[s] = 1;
    queue.assign(1, s);
    while (!queue.empty()) {
      std::int32_t v = queue.back();
      queue.pop_back();
      for (std::int64_t e = m.off[v]; e < m.off[v + 1]; ++e) {
        std::int32_t w = m.nb[e];
        if (seen[w] || labels[w] != labels[v] || (m.is_link[e] && !with_links)) continue;
        seen[w] = 1;
        queue.push_back(w);
      }
    }
  }
  return pieces;
}

}  // namespace libmatch::detail
