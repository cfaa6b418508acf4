#pragma once
// The one conversion of a time limit in seconds into a steady-clock deadline.
#include <algorithm>
#include <chrono>
#include <cmath>

namespace libmatch::detail {

/// `from` + `seconds` (negative counts as 0); time_point::max() when `seconds` is not
/// finite (no limit).
inline std::chrono::steady_clock::time_point deadline_after(
    double seconds, std::chrono::steady_clock::time_point from = std::chrono::steady_clock::now()) {
  using Clock = std::chrono::steady_clock;
  if (!std::isfinite(seconds)) return Clock::time_point::max();
  return from + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(std::max(0.0, seconds)));
}

}  // namespace libmatch::detail
