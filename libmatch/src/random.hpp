#pragma once
// Counter-seeded random numbers (simulation, area design): a run's draws depend only on
// (seed, stream, keys), never on threads or other runs. xoshiro256** seeded by splitmix64;
// the variates are implemented here so they do not differ between standard libraries.
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace libmatch::detail {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Hash of a sequence of keys (order matters).
inline std::uint64_t hash_keys(std::initializer_list<std::uint64_t> keys) {
  std::uint64_t h = 0x6a09e667f3bcc908ULL;
  for (std::uint64_t k : keys) {
    std::uint64_t s = h ^ k;
    h = splitmix64(s);
  }
  return h;
}

/// Uniform double in [0, 1) from a 64-bit value (its top 53 bits).
inline double to_unit(std::uint64_t x) { return static_cast<double>(x >> 11) * 0x1.0p-53; }

class Rng {
 public:
  explicit Rng(std::uint64_t key) {
    for (auto& w : s_) w = splitmix64(key);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return to_unit(next()); }  ///< [0, 1)
  /// Uniform integer in [0, n), n >= 1 (multiply-shift; bias < n / 2^64, negligible).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

/// log(k!) for k >= 0 without the global state of std::lgamma (signgam): exact table below
/// 10, Stirling's series above (error < 1e-12).
inline double log_factorial(double k) {
  static constexpr double kTable[10] = {0.0,
                                        0.0,
                                        0.69314718055994531,
                                        1.79175946922805500,
                                        3.17805383034794562,
                                        4.78749174278204599,
                                        6.57925121201010100,
                                        8.52516136106541430,
                                        10.60460290274525023,
                                        12.80182748008146961};
  if (k < 10.0) return kTable[static_cast<int>(k)];
  const double r = 1.0 / k, r2 = r * r;
  return (k + 0.5) * std::log(k) - k + 0.91893853320467274 +
         r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 / 1680.0)));
}

/// Poisson(lambda) in constant expected time: Knuth's product method below lambda = 10
/// (about lambda + 1 uniforms), Hoermann's transformed rejection with squeeze (PTRS, 1993)
/// above (about 2.3 uniforms on average, whatever lambda). Exact for every finite lambda up to
/// 2^52; callers bound lambda (simulate.hpp kMaxArrivalRatePerWeek). `G` is any generator
/// with uniform() in [0, 1) (templated so tests can count the draws).
template <class G>
std::int64_t poisson(G& rng, double lambda) {
  if (!(lambda > 0.0)) return 0;
  if (lambda < 10.0) {
    const double limit = std::exp(-lambda);
    double p = 1.0;
    std::int64_t n = -1;
    do {
      ++n;
      p *= rng.uniform();
    } while (p > limit);
    return n;
  }
  const double slam = std::sqrt(lambda), loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rng.uniform() - 0.5, v = rng.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::int64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (v > 0.0 && std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
                       -lambda + k * loglam - log_factorial(k))
      return static_cast<std::int64_t>(k);
  }
}

/// Standard normal (Marsaglia's polar method, first of the pair).
inline double normal(Rng& rng) {
  for (;;) {
    const double u = 2.0 * rng.uniform() - 1.0, v = 2.0 * rng.uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

/// Gamma(shape, scale = 1) by Marsaglia & Tsang (shape < 1 boosted by u^(1/shape)).
inline double gamma_unit(Rng& rng, double shape) {
  if (shape < 1.0) {
    const double g = gamma_unit(rng, shape + 1.0);
    double u = rng.uniform();
    while (u <= 0.0) u = rng.uniform();
    return g * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = normal(rng);
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = rng.uniform();
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (u > 0.0 && std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

/// Index drawn with probability proportional to weights, given their running sums
/// (cumulative.back() > 0).
inline std::size_t pick_cumulative(Rng& rng, const std::vector<double>& cumulative) {
  const double target = rng.uniform() * cumulative.back();
  std::size_t lo = 0, hi = cumulative.size() - 1;  // first index with cumulative > target
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    if (cumulative[mid] > target)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

}  // namespace libmatch::detail
