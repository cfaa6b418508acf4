// Building a DesignProblem from an AreaSet, advisors and a travel model; reading a numeric
// attribute for the command line.
#include <cmath>
#include <cstdlib>
#include <limits>

#include "format.hpp"
#include "io.hpp"
#include "libmatch/design.hpp"
#include "libmatch/error.hpp"
#include "libmatch/travel.hpp"

namespace libmatch {

DesignProblem make_design_problem(const AreaSet& units, std::span<const double> demand,
                                  double min_border_m) {
  const std::size_t n = units.size();
  if (demand.size() != n) {
    throw InvalidInput("demand has " + std::to_string(demand.size()) + " values; expected " +
                       std::to_string(n) + " (one per unit)");
  }
  if (!(min_border_m >= 0.0) || !std::isfinite(min_border_m)) {
    throw InvalidInput("min_border_m must be finite and >= 0");
  }
  DesignProblem p;
  p.ids = units.ids();
  p.centroid.reserve(n);
  p.area_m2.reserve(n);
  p.perimeter_m.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const AreaStats& s = units.stats(i);
    p.centroid.push_back(s.centroid);
    p.area_m2.push_back(s.area_m2);
    p.perimeter_m.push_back(s.perimeter_m);
  }
  p.demand.assign(demand.begin(), demand.end());
  p.adjacency = units.adjacency(min_border_m);
  return p;
}

void set_advisors(DesignProblem& p, const AreaSet& units, std::span<const double> xy,
                  std::span<const double> capacity, double max_snap_m) {
  if (xy.size() % 2 != 0) throw InvalidInput("advisor bases must be x,y pairs");
  const std::size_t m = xy.size() / 2;
  if (!capacity.empty() && capacity.size() != m) {
    throw InvalidInput("advisor capacity has " + std::to_string(capacity.size()) +
                       " values; expected " + std::to_string(m) + " (one per advisor)");
  }
  if (units.size() != p.centroid.size()) {
    throw InvalidInput("the AreaSet does not match the design problem's units");
  }
  std::vector<std::int64_t> index(m, -1);
  std::vector<double> dist(m, 0.0);
  units.locate(xy, index, 1);
  std::vector<double> missing_xy;
  std::vector<std::size_t> missing;
  for (std::size_t a = 0; a < m; ++a) {
    if (!std::isfinite(xy[2 * a]) || !std::isfinite(xy[2 * a + 1])) {
      throw InvalidInput("base of advisor " + std::to_string(a) + " is not finite");
    }
    if (index[a] < 0) {
      missing.push_back(a);
      missing_xy.push_back(xy[2 * a]);
      missing_xy.push_back(xy[2 * a + 1]);
    }
  }
  if (!missing.empty()) {
    std::vector<std::int64_t> near(missing.size(), -1);
    std::vector<double> near_d(missing.size(), 0.0);
    units.nearest(missing_xy, near, near_d, max_snap_m, 1);
    for (std::size_t j = 0; j < missing.size(); ++j) {
      if (near[j] < 0) {
        throw InvalidInput("base of advisor " + std::to_string(missing[j]) + " is more than " +
                           detail::format_number(max_snap_m) + " m from every unit");
      }
      index[missing[j]] = near[j];
    }
  }
  p.advisor_xy.clear();
  for (std::size_t a = 0; a < m; ++a) p.advisor_xy.push_back({xy[2 * a], xy[2 * a + 1]});
  p.advisor_unit = std::move(index);
  p.advisor_capacity.assign(capacity.begin(), capacity.end());
  p.travel_km.clear();  // the matrix shape depends on the advisors
  p.travel_minutes.clear();
}

void set_travel(DesignProblem& p, const TravelModel& model, int threads) {
  const std::size_t n = p.centroid.size();
  const bool adv = !p.advisor_xy.empty();
  const std::size_t m = adv ? p.advisor_xy.size() : n;
  std::vector<double> origins, dest;
  dest.reserve(2 * n);
  for (const XY& c : p.centroid) {
    dest.push_back(c.x);
    dest.push_back(c.y);
  }
  if (adv) {
    for (const XY& b : p.advisor_xy) {
      origins.push_back(b.x);
      origins.push_back(b.y);
    }
  } else {
    origins = dest;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  TravelPairs tp = model.pairs(origins, dest, std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::infinity(), threads);
  p.travel_km.assign(n * m, nan);
  p.travel_minutes.assign(n * m, nan);
  for (std::size_t x = 0; x < tp.origin.size(); ++x) {
    const auto o = static_cast<std::size_t>(tp.origin[x]);
    const auto d = static_cast<std::size_t>(tp.destination[x]);
    if (o >= m || d >= n) throw Error("travel model returned a pair out of range");
    p.travel_km[d * m + o] = tp.km[x];
    p.travel_minutes[d * m + o] = tp.minutes[x];
  }
}

void read_numeric_field(const std::string& source, const std::string& layer,
                        const std::string& id_field, const std::string& field,
                        std::vector<std::string>& ids, std::vector<double>& values) {
  detail::ensure_gdal();
  detail::GdalErrors gdal_errors;
  detail::DatasetPtr ds = detail::open_vector(source);
  OGRLayer* lyr = detail::get_layer(*ds, layer, source, {id_field, field});
  const int id_idx = detail::field_index(*lyr, id_field, source);
  const int val_idx = detail::field_index(*lyr, field, source);
  ids.clear();
  values.clear();
  lyr->ResetReading();
  const std::string what = "layer '" + std::string(lyr->GetName()) + "' of '" + source + "'";
  while (OGRFeatureUniquePtr feature =
             detail::next_feature(*lyr, gdal_errors, what, static_cast<std::int64_t>(ids.size()))) {
    ids.emplace_back(feature->GetFieldAsString(id_idx));
    values.push_back(detail::numeric_field(*feature, val_idx, field,
                                           "feature '" + ids.back() + "' in '" + source + "'"));
  }
}

}  // namespace libmatch
