#pragma once
// The library's disjoint-set (union-find) forest over 0 .. n-1, with path halving. The root
// of a set is always its lowest index, so results built from roots do not depend on the
// order of unite() calls.
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace libmatch::detail {

class DisjointSet {
 public:
  explicit DisjointSet(std::int64_t n) : parent_(static_cast<std::size_t>(n)) {
    std::iota(parent_.begin(), parent_.end(), std::int64_t{0});
  }
  /// The root (lowest index) of x's set. Amortised near O(1).
  std::int64_t find(std::int64_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  /// Joins the sets of a and b; false when they were already one set.
  bool unite(std::int64_t a, std::int64_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
    return true;
  }

 private:
  std::vector<std::int64_t> parent_;
};

}  // namespace libmatch::detail
