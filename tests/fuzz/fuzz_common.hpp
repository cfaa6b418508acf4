#pragma once
// Helpers shared by the fuzz targets: a byte reader and the one rule every target checks,
// that only libmatch::Error (never a standard exception) leaves the library.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "libmatch/error.hpp"

namespace fuzz {

/// Reads little-endian values from the input; zeros once it runs out.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  std::uint8_t u8() { return n_ ? (--n_, *p_++) : 0; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(u8()) << (8 * i);
    return v;
  }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(u8()) << (8 * i);
    std::int64_t s;
    std::memcpy(&s, &v, sizeof s);
    return s;
  }
  double f64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(u8()) << (8 * i);
    double d;
    std::memcpy(&d, &v, sizeof d);
    return d;
  }
  /// A value in [0, n).
  std::uint32_t below(std::uint32_t n) { return n ? u8() % n : 0; }
  /// A "small" double: either a grid value (0..2550 m) or, rarely, raw bits.
  double coord() {
    const std::uint8_t k = u8();
    if (k < 240) return 10.0 * u8() + k % 10;
    return f64();
  }
  std::size_t left() const { return n_; }
  std::string rest() {
    std::string s(reinterpret_cast<const char*>(p_), n_);
    p_ += n_;
    n_ = 0;
    return s;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

#define FUZZ_CHECK(cond)              \
  do {                                \
    if (!(cond)) ::fuzz::fail(#cond); \
  } while (0)

/// Runs f; libmatch errors are expected outcomes, anything else aborts (a finding).
template <class F>
bool run_expecting_libmatch_errors(F&& f) {
  try {
    f();
    return true;
  } catch (const libmatch::Error&) {
    return false;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "untranslated standard exception: %s\n", e.what());
    std::abort();
  }
}

}  // namespace fuzz
