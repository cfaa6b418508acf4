// StraightLine: euclidean distance x detour at a constant speed; shared travel helpers.
#include <cmath>
#include <cstdio>
#include <string>

#include "format.hpp"
#include "io.hpp"
#include "libmatch/error.hpp"
#include "travel_internal.hpp"

namespace libmatch {

namespace detail {

void require_projected_crs(const std::string& crs) {
  OGRSpatialReference srs = parse_crs(crs, "the working crs");
  if (!srs.IsProjected()) {
    throw CrsError("working CRS '" + crs +
                   "' is not projected; travel needs metres (e.g. 'EPSG:28992')");
  }
}

void check_coordinate(double x, double y, const std::string& what) {
  if (!std::isfinite(x) || !std::isfinite(y)) {
    throw GeometryError(what + " has a non-finite coordinate");
  }
  if (std::abs(x) > kMaxCoordinateM || std::abs(y) > kMaxCoordinateM) {
    throw GeometryError(what + " has a coordinate beyond +-" + format_number(kMaxCoordinateM) +
                        " m; is the working CRS projected and in metres?");
  }
}

/// Checks an x,y span and a limit; shared by the models.
void check_xy(std::span<const double> xy, const char* what) {
  if (xy.size() % 2 != 0) {
    throw InvalidInput(std::string(what) + " coordinates must come in x,y pairs (got " +
                       std::to_string(xy.size()) + " values)");
  }
}

void check_limit(double v, const char* what) {
  if (std::isnan(v) || v < 0) {
    throw InvalidInput(std::string(what) + " must be >= 0 or infinity (got " + format_number(v) +
                       ")");
  }
}

}  // namespace detail

StraightLine::StraightLine(double detour, double speed_kmh)
    : detour_(detour), speed_kmh_(speed_kmh) {
  if (!(std::isfinite(detour) && detour >= 1.0)) {  // a road is never shorter than the line
    throw InvalidInput("detour must be a finite number >= 1 (got " + detail::format_number(detour) +
                       ")");
  }
  if (!(std::isfinite(speed_kmh) && speed_kmh > 0)) {
    throw InvalidInput("speed_kmh must be a finite number > 0 (got " +
                       detail::format_number(speed_kmh) + ")");
  }
}

std::string StraightLine::describe() const {
  return "straight line x" + detail::format_number(detour_) + " at " +
         detail::format_number(speed_kmh_) + " km/h";
}

TravelPairs StraightLine::pairs(std::span<const double> origins_xy,
                                std::span<const double> destinations_xy, double max_minutes,
                                double max_km, int threads) const {
  detail::check_xy(origins_xy, "origin");
  detail::check_xy(destinations_xy, "destination");
  detail::check_limit(max_minutes, "max_minutes");
  detail::check_limit(max_km, "max_km");
  const std::int64_t n = static_cast<std::int64_t>(origins_xy.size() / 2);
  const std::int64_t m = static_cast<std::int64_t>(destinations_xy.size() / 2);

  TravelPairs out;
  std::vector<std::int64_t> dest_ok;  // finite destinations, ascending
  dest_ok.reserve(m);
  for (std::int64_t j = 0; j < m; ++j) {
    if (std::isfinite(destinations_xy[2 * j]) && std::isfinite(destinations_xy[2 * j + 1])) {
      dest_ok.push_back(j);
    } else {
      out.unsnapped_destinations.push_back(j);
    }
  }
  for (std::int64_t i = 0; i < n; ++i) {
    if (!(std::isfinite(origins_xy[2 * i]) && std::isfinite(origins_xy[2 * i + 1]))) {
      out.unsnapped_origins.push_back(i);
    }
  }

  // Quick squared-distance reject, slightly generous; the exact test follows.
  const double limit_km = std::min(max_km, max_minutes / 60.0 * speed_kmh_);
  const double limit_m = limit_km * 1000.0 / detour_;
  const double reject2 = std::isfinite(limit_m)
                             ? (limit_m * (1 + 1e-9) + 1e-9) * (limit_m * (1 + 1e-9) + 1e-9)
                             : std::numeric_limits<double>::infinity();
  const double detour = detour_, speed = speed_kmh_;

  // Contiguous chunks of origins; each chunk writes its own buffers, concatenated in order.
  struct Chunk {
    std::vector<std::int64_t> origin, destination;
    std::vector<double> minutes, km;
  };
  const int t = static_cast<int>(std::clamp<std::int64_t>(
      std::min<std::int64_t>(detail::resolve_threads(threads),
                             n * static_cast<std::int64_t>(dest_ok.size()) / 200000 + 1),
      1, 64));
  const std::int64_t per = (n + t - 1) / std::max(t, 1);
  std::vector<Chunk> chunks(t);
  detail::parallel_dynamic(t, t, [&](std::int64_t c, int) {
    Chunk& ch = chunks[c];
    const std::int64_t b = c * per, e = std::min(n, b + per);
    for (std::int64_t i = b; i < e; ++i) {
      const double ox = origins_xy[2 * i], oy = origins_xy[2 * i + 1];
      if (!(std::isfinite(ox) && std::isfinite(oy))) continue;
      for (std::int64_t j : dest_ok) {
        const double dx = destinations_xy[2 * j] - ox, dy = destinations_xy[2 * j + 1] - oy;
        const double d2 = dx * dx + dy * dy;
        if (d2 > reject2) continue;
        const double km = std::sqrt(d2) / 1000.0 * detour;
        const double minutes = km / speed * 60.0;
        if (km <= max_km && minutes <= max_minutes) {
          ch.origin.push_back(i);
          ch.destination.push_back(j);
          ch.km.push_back(km);
          ch.minutes.push_back(minutes);
        }
      }
    }
  });
  std::size_t total = 0;
  for (const auto& ch : chunks) total += ch.origin.size();
  out.origin.reserve(total);
  out.destination.reserve(total);
  out.minutes.reserve(total);
  out.km.reserve(total);
  for (auto& ch : chunks) {
    out.origin.insert(out.origin.end(), ch.origin.begin(), ch.origin.end());
    out.destination.insert(out.destination.end(), ch.destination.begin(), ch.destination.end());
    out.minutes.insert(out.minutes.end(), ch.minutes.begin(), ch.minutes.end());
    out.km.insert(out.km.end(), ch.km.begin(), ch.km.end());
  }
  return out;
}

}  // namespace libmatch
