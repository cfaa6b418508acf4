#pragma once
// Splits [0, n) into contiguous chunks over threads. Each index is processed exactly once
// and by the same function, so results written per index do not depend on thread count.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

namespace libmatch::detail {

/// Number of worker threads for a request: <= 0 means all hardware threads.
inline int resolve_threads(int threads) {
  if (threads > 0) return threads;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

/// Calls fn(begin, end) on chunks of [0, n). Rethrows the first exception (by chunk order).
template <class Fn>
void parallel_for(std::int64_t n, int threads, std::int64_t min_chunk, Fn&& fn) {
  int t = resolve_threads(threads);
  std::int64_t max_t = std::max<std::int64_t>(1, n / std::max<std::int64_t>(min_chunk, 1));
  t = static_cast<int>(std::min<std::int64_t>(t, max_t));
  if (t <= 1) {
    if (n > 0) fn(std::int64_t{0}, n);
    return;
  }
  std::vector<std::exception_ptr> errors(t);
  std::vector<std::thread> pool;
  pool.reserve(t);
  std::int64_t chunk = (n + t - 1) / t;
  for (int k = 0; k < t; ++k) {
    std::int64_t b = k * chunk, e = std::min(n, b + chunk);
    if (b >= e) break;
    pool.emplace_back([&, k, b, e] {
      try {
        fn(b, e);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  for (auto& err : errors)
    if (err) std::rethrow_exception(err);
}

}  // namespace libmatch::detail
