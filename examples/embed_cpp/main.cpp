// Locates a few points in two areas using the installed libmatch library.
#include <cstdint>
#include <iostream>
#include <vector>

#include "libmatch/areas.hpp"
#include "libmatch/error.hpp"
#include "libmatch/version.hpp"

int main() {
  using libmatch::PolygonRings;
  PolygonRings west = {{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}}};
  PolygonRings east = {{{1000, 0}, {2000, 0}, {2000, 1000}, {1000, 1000}}};
  libmatch::AreaSet areas = libmatch::AreaSet::from_polygons({{west}, {east}}, {"OA-W", "OA-E"});

  std::vector<double> xy = {500, 500, 1500, 200, 3000, 0};
  std::vector<std::int64_t> where(xy.size() / 2);
  areas.locate(xy, where);
  for (std::size_t i = 0; i < where.size(); ++i) {
    std::cout << "point " << i << ": " << (where[i] < 0 ? "-" : areas.ids()[where[i]]) << "\n";
  }
  // Thrown inside the library, caught here by its base class: with a shared libmatch this
  // needs the exception types' typeinfo exported from the library.
  bool caught = false;
  try {
    areas.index_of("nope");
  } catch (const libmatch::Error& e) {
    caught = dynamic_cast<const libmatch::UnknownId*>(&e) != nullptr;
    std::cout << "error as expected: " << e.what() << "\n";
  }
  std::cout << "libmatch " << LIBMATCH_VERSION_STRING << "\n";
  return caught && where == std::vector<std::int64_t>{0, 1, -1} ? 0 : 1;
}
