// Vector files: the input is written to a temporary file, GeoJSON when byte 0 is even, OSM
// XML otherwise, and read as areas (id field "id") and as a road network (default speed).
// Only libmatch errors may escape; a network that loads has consistent sizes.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_common.hpp"
#include "libmatch/areas.hpp"
#include "libmatch/travel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool osm = data[0] & 1;
  namespace fs = std::filesystem;
  const fs::path path = fs::temp_directory_path() / ("libmatch_fuzz_" + std::to_string(::getpid()) +
                                                     (osm ? ".osm" : ".geojson"));
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data) + 1, static_cast<std::streamsize>(size - 1));
  }
  if (!osm) {
    fuzz::run_expecting_libmatch_errors([&] {
      libmatch::ReadOptions o;
      o.source_crs = "EPSG:28992";
      libmatch::AreaSet set = libmatch::AreaSet::from_file(path.string(), "id", o);
      FUZZ_CHECK(set.size() > 0);
    });
  }
  fuzz::run_expecting_libmatch_errors([&] {
    libmatch::RoadNetworkOptions o;
    o.default_speed_kmh = 50.0;
    o.source_crs = "EPSG:28992";
    o.speed_field = osm ? "maxspeed" : "";
    libmatch::RoadNetwork net = libmatch::RoadNetwork::from_file(path.string(), o);
    FUZZ_CHECK(net.edge_count() > 0);
    FUZZ_CHECK(static_cast<std::int64_t>(net.node_xy().size()) == 2 * net.node_count());
    FUZZ_CHECK(static_cast<std::int64_t>(net.edge_from().size()) == net.edge_count());
  });
  fs::remove(path);
  return 0;
}
