// AreaSet from WKB: up to 4 geometries split at the byte sequence "\n--\n"; byte 0 bit 0 =
// repair. Checks: only libmatch errors escape; a built set locates points into [-1, n) and
// its WKB round-trips to the same set.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "libmatch/areas.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool repair = data[0] & 1;
  const std::string all(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string> wkb;
  std::size_t from = 0;
  while (wkb.size() < 4) {
    const std::size_t at = all.find("\n--\n", from);
    wkb.push_back(all.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) break;
    from = at + 4;
  }
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < wkb.size(); ++i) ids.push_back("a" + std::to_string(i));

  fuzz::run_expecting_libmatch_errors([&] {
    libmatch::AreaSet set =
        libmatch::AreaSet::from_wkb(wkb, ids, "EPSG:28992", "EPSG:28992", repair);
    FUZZ_CHECK(set.size() == wkb.size());
    std::vector<double> xy;
    for (std::size_t i = 0; i < set.size(); ++i) {
      const auto& st = set.stats(i);
      xy.insert(xy.end(), {st.centroid.x, st.centroid.y, st.min.x, st.min.y, 1e300, -1e300});
    }
    std::vector<std::int64_t> where(xy.size() / 2);
    set.locate(xy, where, 2);
    for (auto w : where) FUZZ_CHECK(w >= -1 && w < static_cast<std::int64_t>(set.size()));
    std::vector<std::string> again;
    for (std::size_t i = 0; i < set.size(); ++i) again.push_back(set.to_wkb(i));
    libmatch::AreaSet back =
        libmatch::AreaSet::from_wkb(again, ids, "EPSG:28992", "EPSG:28992", false);
    std::vector<std::int64_t> where2(xy.size() / 2);
    back.locate(xy, where2, 1);
    FUZZ_CHECK(where == where2);
  });
  return 0;
}
