// PreparedDesign: the validated model in a canonical unit order (ids sorted), so the seeded
// search, its tie-breaks and every floating-point sum see the same sequence whatever the
// caller's row order; indices are mapped in and out at this boundary.
#include <algorithm>
#include <memory>
#include <numeric>

#include "design_model.hpp"
#include "libmatch/design.hpp"
#include "libmatch/error.hpp"

namespace libmatch {

namespace {

using detail::Model;

// Canonical position of every unit (inverse of the id sort), or empty when the caller's
// order already is canonical (no ids, or ids ascending).
std::vector<std::int64_t> canonical_positions(const Model& m) {
  if (m.ids.empty() || std::is_sorted(m.ids.begin(), m.ids.end())) return {};
  std::vector<std::int64_t> order(static_cast<std::size_t>(m.n));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::int64_t a, std::int64_t b) { return m.ids[a] < m.ids[b]; });
  std::vector<std::int64_t> pos(order.size());
  for (std::size_t c = 0; c < order.size(); ++c) pos[static_cast<std::size_t>(order[c])] = c;
  return pos;
}

// The problem with its units in canonical order (advisors keep theirs).
DesignProblem permuted(const DesignProblem& p, const std::vector<std::int64_t>& pos) {
  const std::size_t n = pos.size();
  DesignProblem q;
  q.ids.resize(n);
  q.centroid.resize(n);
  q.area_m2.resize(n);
  q.perimeter_m.resize(n);
  q.demand.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<std::size_t>(pos[i]);
    q.ids[c] = p.ids[i];
    q.centroid[c] = p.centroid[i];
    q.area_m2[c] = p.area_m2[i];
    q.perimeter_m[c] = p.perimeter_m[i];
    q.demand[c] = p.demand[i];
  }
  q.adjacency.reserve(p.adjacency.size());
  for (const Adjacency& e : p.adjacency) {
    const std::int64_t a = pos[static_cast<std::size_t>(e.a)];
    const std::int64_t b = pos[static_cast<std::size_t>(e.b)];
    q.adjacency.push_back({std::min(a, b), std::max(a, b), e.border_m});
  }
  std::sort(q.adjacency.begin(), q.adjacency.end(), [](const Adjacency& x, const Adjacency& y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  });
  q.advisor_xy = p.advisor_xy;
  q.advisor_capacity = p.advisor_capacity;
  q.advisor_unit.reserve(p.advisor_unit.size());
  for (std::int64_t u : p.advisor_unit) q.advisor_unit.push_back(pos[static_cast<std::size_t>(u)]);
  // Travel rows are units; columns are advisors, or units again without advisors.
  auto permute_matrix = [&](const std::vector<double>& in, std::vector<double>& out) {
    if (in.empty()) return;
    const std::size_t cols = in.size() / n;
    const bool unit_cols = p.advisor_xy.empty();
    out.resize(in.size());
    for (std::size_t i = 0; i < n; ++i) {
      const auto ci = static_cast<std::size_t>(pos[i]);
      for (std::size_t j = 0; j < cols; ++j) {
        const std::size_t cj = unit_cols ? static_cast<std::size_t>(pos[j]) : j;
        out[ci * cols + cj] = in[i * cols + j];
      }
    }
  };
  permute_matrix(p.travel_km, q.travel_km);
  permute_matrix(p.travel_minutes, q.travel_minutes);
  q.islands = p.islands;
  q.weights = p.weights;
  return q;
}

// Per-unit values from the caller's order into the model's (only when the size fits: a wrong
// size is reported by the model's own check).
template <class T>
std::vector<T> to_model(const std::vector<std::int64_t>& pos, std::span<const T> v) {
  if (pos.empty() || v.size() != pos.size()) return {v.begin(), v.end()};
  std::vector<T> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[static_cast<std::size_t>(pos[i])] = v[i];
  return out;
}

template <class T>
std::vector<T> to_caller(const std::vector<std::int64_t>& pos, const std::vector<T>& v) {
  if (pos.empty() || v.size() != pos.size()) return v;
  std::vector<T> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[static_cast<std::size_t>(pos[i])];
  return out;
}

// Unit index pairs into the model's order; out-of-range pairs stay as given for the check.
std::vector<std::pair<std::int64_t, std::int64_t>> pairs_to_model(
    const std::vector<std::int64_t>& pos,
    const std::vector<std::pair<std::int64_t, std::int64_t>>& in) {
  if (pos.empty()) return in;
  const auto n = static_cast<std::int64_t>(pos.size());
  auto map = [&](std::int64_t u) { return u >= 0 && u < n ? pos[static_cast<std::size_t>(u)] : u; };
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  out.reserve(in.size());
  for (auto [a, b] : in) out.emplace_back(map(a), map(b));
  return out;
}

DesignBounds bounds_to_model(const std::vector<std::int64_t>& pos, const DesignBounds& b) {
  DesignBounds out = b;
  out.area_of = to_model<std::int64_t>(pos, b.area_of);
  out.must_link = pairs_to_model(pos, b.must_link);
  out.cannot_link = pairs_to_model(pos, b.cannot_link);
  return out;
}

}  // namespace

PreparedDesign::PreparedDesign(const DesignProblem& problem) {
  std::shared_ptr<const Model> model;
  {
    // Validated in the caller's order, so messages name the first bad row as given.
    auto given = std::make_shared<Model>(detail::prepare(problem, /*for_design=*/false));
    if (given->islands == IslandRule::Error && given->border_components > 1) {
      try {  // only to word the error design() will raise (the same as design_areas')
        (void)detail::prepare(problem, /*for_design=*/true);
      } catch (const InvalidInput& e) {
        graph_error_ = e.what();
      }
      if (graph_error_.empty()) throw Error("internal: unconnected unit graph not reported");
    }
    canon_ = canonical_positions(*given);
    if (canon_.empty()) model = std::move(given);
  }
  if (!canon_.empty()) {
    model =
        std::make_shared<Model>(detail::prepare(permuted(problem, canon_), /*for_design=*/false));
  }
  links_ = model->links;
  if (!canon_.empty()) {
    std::vector<std::int64_t> back(canon_.size());
    for (std::size_t i = 0; i < canon_.size(); ++i) back[static_cast<std::size_t>(canon_[i])] = i;
    for (Adjacency& e : links_) {
      const std::int64_t a = back[static_cast<std::size_t>(e.a)];
      const std::int64_t b = back[static_cast<std::size_t>(e.b)];
      e.a = std::min(a, b);
      e.b = std::max(a, b);
    }
  }
  model_ = std::move(model);
}

std::int64_t PreparedDesign::n_units() const { return model_->n; }

const std::vector<Adjacency>& PreparedDesign::links() const { return links_; }

DesignResult PreparedDesign::design(const DesignOptions& options) const {
  if (!graph_error_.empty()) throw InvalidInput(graph_error_);
  if (canon_.empty()) {
    DesignResult res = detail::design_model(*model_, options);
    res.links = links_;
    return res;
  }
  DesignOptions opt = options;
  opt.initial = to_model<std::int64_t>(canon_, options.initial);
  opt.fixed = to_model<std::uint8_t>(canon_, options.fixed);
  opt.bounds = bounds_to_model(canon_, options.bounds);
  DesignResult res = detail::design_model(*model_, opt);
  res.labels = to_caller(canon_, res.labels);
  res.links = links_;
  return res;
}

PlanEvaluation PreparedDesign::evaluate(std::span<const std::int64_t> labels) const {
  const std::vector<std::int64_t> lab = to_model<std::int64_t>(canon_, labels);
  PlanEvaluation ev = detail::evaluate_model(*model_, lab);
  ev.unit_travel_km = to_caller(canon_, ev.unit_travel_km);
  ev.unit_travel_minutes = to_caller(canon_, ev.unit_travel_minutes);
  ev.links = links_;
  return ev;
}

std::vector<std::string> PreparedDesign::check_bounds(std::span<const std::int64_t> labels,
                                                      const DesignBounds& bounds) const {
  std::int64_t k = 0;
  const std::vector<std::int64_t> lab64 = to_model<std::int64_t>(canon_, labels);
  const std::vector<std::int32_t> lab = detail::check_labels(*model_, lab64, k, "labels");
  const detail::HardBounds hb = detail::make_bounds(*model_, k, bounds_to_model(canon_, bounds));
  return detail::violated_bounds(*model_, k, hb, lab);
}

}  // namespace libmatch
