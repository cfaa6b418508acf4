#include "libmatch/areas.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "libmatch/error.hpp"

using namespace libmatch;
namespace fs = std::filesystem;

namespace {

PolygonRings rect(double x0, double y0, double x1, double y1) {
  return {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}};
}

// A 3 x 3 grid of 10 m squares, ids "c<col><row>".
AreaSet grid3() {
  std::vector<std::vector<PolygonRings>> areas;
  std::vector<std::string> ids;
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 3; ++i) {
      areas.push_back({rect(i * 10.0, j * 10.0, i * 10.0 + 10, j * 10.0 + 10)});
      ids.push_back("c" + std::to_string(i) + std::to_string(j));
    }
  return AreaSet::from_polygons(areas, ids);
}

std::vector<std::int64_t> locate(const AreaSet& a, const std::vector<double>& xy, int threads = 1) {
  std::vector<std::int64_t> out(xy.size() / 2);
  a.locate(xy, out, threads);
  return out;
}

fs::path temp_file(const std::string& name, const std::string& text) {
  fs::path dir = fs::temp_directory_path() / "libmatch_areas_test";
  fs::create_directories(dir);
  fs::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}

const char* kCrs28992 =
    R"("crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},)";

std::string feature(const std::string& id, const std::string& geom) {
  return R"({"type": "Feature", "properties": {"code": ")" + id + R"("}, "geometry": )" + geom +
         "}";
}

std::string collection(const std::vector<std::string>& features, bool with_crs = true) {
  std::string s = R"({"type": "FeatureCollection", )";
  if (with_crs) s += kCrs28992;
  s += R"( "features": [)";
  for (std::size_t i = 0; i < features.size(); ++i) s += (i ? "," : "") + features[i];
  return s + "]}";
}

const std::string kSquare =
    R"({"type": "Polygon", "coordinates": [[[0,0],[10,0],[10,10],[0,10],[0,0]]]})";
const std::string kSquare2 =
    R"({"type": "Polygon", "coordinates": [[[10,0],[20,0],[20,10],[10,10],[10,0]]]})";

}  // namespace

TEST(Areas, LocatesInteriorPointsAndOutside) {
  AreaSet a = grid3();
  auto r = locate(a, {5, 5, 15, 5, 25, 25, -1, 5, 5, 31, 29.999, 0.5});
  EXPECT_EQ(a.ids()[r[0]], "c00");
  EXPECT_EQ(a.ids()[r[1]], "c10");
  EXPECT_EQ(a.ids()[r[2]], "c22");
  EXPECT_EQ(r[3], -1);
  EXPECT_EQ(r[4], -1);
  EXPECT_EQ(a.ids()[r[5]], "c20");
}

TEST(Areas, SharedBoundaryRuleIsEastThenNorth) {
  AreaSet a = grid3();
  // Vertical shared edge x=10: the east area. Horizontal shared edge y=10: the north area.
  auto r = locate(a, {10, 5, 5, 10, 10, 10, 20, 20});
  EXPECT_EQ(a.ids()[r[0]], "c10");
  EXPECT_EQ(a.ids()[r[1]], "c01");
  EXPECT_EQ(a.ids()[r[2]], "c11");
  EXPECT_EQ(a.ids()[r[3]], "c22");
  // Outer boundary: west and south edges belong to the set, east and north edges do not.
  auto o = locate(a, {0, 5, 5, 0, 30, 5, 5, 30});
  EXPECT_EQ(a.ids()[o[0]], "c00");
  EXPECT_EQ(a.ids()[o[1]], "c00");
  EXPECT_EQ(o[2], -1);
  EXPECT_EQ(o[3], -1);
}

TEST(Areas, AnswerDoesNotDependOnAreaOrder) {
  std::vector<std::vector<PolygonRings>> fwd = {{rect(0, 0, 10, 10)}, {rect(10, 0, 20, 10)}};
  std::vector<std::vector<PolygonRings>> rev = {fwd[1], fwd[0]};
  AreaSet a = AreaSet::from_polygons(fwd, {"w", "e"});
  AreaSet b = AreaSet::from_polygons(rev, {"e", "w"});
  auto ra = locate(a, {10, 5, 10, 0});
  auto rb = locate(b, {10, 5, 10, 0});
  EXPECT_EQ(a.ids()[ra[0]], b.ids()[rb[0]]);
  EXPECT_EQ(a.ids()[ra[1]], b.ids()[rb[1]]);
}

TEST(Areas, HolesAndMultiPolygons) {
  // Area "ring" is a square with a hole; "island" fills the hole; "multi" has two parts.
  PolygonRings with_hole = rect(0, 0, 30, 30);
  with_hole.push_back({{10, 10}, {10, 20}, {20, 20}, {20, 10}, {10, 10}});
  std::vector<std::vector<PolygonRings>> areas = {
      {with_hole}, {rect(10, 10, 20, 20)}, {rect(100, 0, 110, 10), rect(200, 0, 210, 10)}};
  AreaSet a = AreaSet::from_polygons(areas, {"ring", "island", "multi"});
  auto r = locate(a, {5, 5, 15, 15, 105, 5, 205, 5, 150, 5});
  EXPECT_EQ(r, (std::vector<std::int64_t>{0, 1, 2, 2, -1}));
  EXPECT_NEAR(a.stats(0).area_m2, 800.0, 1e-9);
  EXPECT_NEAR(a.stats(2).area_m2, 200.0, 1e-9);
  EXPECT_NEAR(a.stats(0).perimeter_m, 160.0, 1e-9);
}

TEST(Areas, NonFiniteCoordinatesAreOutside) {
  AreaSet a = grid3();
  double nan = std::nan("");
  auto r = locate(a, {nan, 5, 5, nan, INFINITY, 5});
  EXPECT_EQ(r, (std::vector<std::int64_t>{-1, -1, -1}));
}

TEST(Areas, ThreadCountDoesNotChangeResults) {
  AreaSet a = grid3();
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-5, 35);
  std::vector<double> xy(200000);
  for (auto& v : xy) v = std::round(u(rng) * 4) / 4;  // many points on boundaries
  EXPECT_EQ(locate(a, xy, 1), locate(a, xy, 2));
  EXPECT_EQ(locate(a, xy, 1), locate(a, xy, 7));
}

TEST(Areas, NearestDistancesAndLimit) {
  AreaSet a = AreaSet::from_polygons({{rect(0, 0, 10, 10)}, {rect(20, 0, 30, 10)}}, {"a", "b"});
  std::vector<double> xy = {5, 5, 13, 5, 17, 5, 15, 5, 15, 40};
  std::vector<std::int64_t> idx(5);
  std::vector<double> d(5);
  a.nearest(xy, idx, d);
  EXPECT_EQ(idx, (std::vector<std::int64_t>{0, 0, 1, 0, 0}));  // tie at x=15 -> lower index
  EXPECT_DOUBLE_EQ(d[0], 0.0);
  EXPECT_DOUBLE_EQ(d[1], 3.0);
  EXPECT_DOUBLE_EQ(d[2], 3.0);
  EXPECT_NEAR(d[4], std::hypot(5.0, 30.0), 1e-12);
  a.nearest(xy, idx, d, 4.0);
  EXPECT_EQ(idx[4], -1);
  EXPECT_TRUE(std::isnan(d[4]));
  EXPECT_EQ(idx[1], 0);
}

TEST(Areas, NearestTieAtAVertexOfManyAreasGoesToTheLowestIndex) {
  // 20 thin wedges meeting at the origin; (5, 0) is exactly 5 m from each, via the origin.
  const double pi = std::acos(-1.0), r = 1000.0;
  std::vector<std::vector<PolygonRings>> wedges;
  for (int k = 0; k < 20; ++k) {
    const double a0 = (95 + k * 8.5) * pi / 180, a1 = a0 + 7 * pi / 180;
    wedges.push_back({{{{0, 0},
                        {r * std::cos(a0), r * std::sin(a0)},
                        {r * std::cos(a1), r * std::sin(a1)},
                        {0, 0}}}});
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 10; ++trial) {
    std::shuffle(wedges.begin(), wedges.end(), rng);
    std::vector<std::string> ids;
    for (int k = 0; k < 20; ++k) ids.push_back("w" + std::to_string(k));
    AreaSet a = AreaSet::from_polygons(wedges, ids);
    std::vector<std::int64_t> idx(1);
    std::vector<double> d(1);
    a.nearest(std::vector<double>{5, 0}, idx, d);
    EXPECT_EQ(idx[0], 0) << "trial " << trial;
    EXPECT_DOUBLE_EQ(d[0], 5.0);
  }
}

TEST(Areas, AdjacencyWithBorderLengths) {
  AreaSet a = grid3();
  auto adj = a.adjacency();
  // 3x3 rook adjacency: 12 pairs of 10 m; corner-touching pairs excluded.
  ASSERT_EQ(adj.size(), 12u);
  for (const auto& e : adj) EXPECT_NEAR(e.border_m, 10.0, 1e-9);
  // Split borders: a 20 m edge against two 10 m edges.
  AreaSet b = AreaSet::from_polygons(
      {{rect(0, 0, 10, 20)}, {rect(10, 0, 20, 10)}, {rect(10, 10, 20, 20)}}, {"l", "r1", "r2"});
  auto ab = b.adjacency();
  ASSERT_EQ(ab.size(), 3u);
  EXPECT_NEAR(ab[0].border_m, 10.0, 1e-9);
  EXPECT_EQ(b.adjacency(10.5).size(), 0u);
}

TEST(Areas, DissolveUnitesLabels) {
  AreaSet a = grid3();
  std::vector<std::int64_t> labels = {0, 0, 1, 0, 0, 1, 2, 2, 2};
  AreaSet d = a.dissolve(labels, {"sw", "east", "north"});
  ASSERT_EQ(d.size(), 3u);
  EXPECT_NEAR(d.stats(0).area_m2, 400.0, 1e-6);
  EXPECT_NEAR(d.stats(0).perimeter_m, 80.0, 1e-6);  // merged: inner borders gone
  EXPECT_EQ(locate(d, {15, 15})[0], 0);
  EXPECT_THROW(a.dissolve(std::vector<std::int64_t>{0, 1}), InvalidInput);
}

TEST(Areas, WkbRoundTrip) {
  AreaSet a = grid3();
  std::vector<std::string> wkb;
  for (std::size_t i = 0; i < a.size(); ++i) wkb.push_back(a.to_wkb(i));
  AreaSet b = AreaSet::from_wkb(wkb, a.ids());
  EXPECT_EQ(locate(b, {15, 15, 25, 5}), locate(a, {15, 15, 25, 5}));
  EXPECT_THROW(AreaSet::from_wkb({"garbage"}, {"x"}), GeometryError);
}

TEST(Areas, ReadsGeoJsonWithIdField) {
  auto p = temp_file("two.geojson", collection({feature("A", kSquare), feature("B", kSquare2)}));
  AreaSet a = AreaSet::from_file(p.string(), "code");
  EXPECT_EQ(a.ids(), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(a.ids()[locate(a, {15, 5})[0]], "B");
  EXPECT_EQ(a.index_of("B"), 1);
  EXPECT_THROW(a.index_of("Z"), UnknownId);
}

TEST(Areas, ReprojectsFromWgs84) {
  // A small lon/lat square around Amersfoort's RD origin (5.387, 52.155).
  std::string sq =
      R"({"type": "Polygon", "coordinates": [[[5.37,52.14],[5.40,52.14],[5.40,52.17],[5.37,52.17],[5.37,52.14]]]})";
  std::string text = R"({"type": "FeatureCollection", "features": [)" + feature("AMF", sq) + "]}";
  auto p = temp_file("wgs84.geojson", text);
  AreaSet a = AreaSet::from_file(p.string(), "code");
  // RD origin (155000, 463000) lies inside; stats are in metres (~2 km x 3.3 km).
  EXPECT_EQ(locate(a, {155000, 463000})[0], 0);
  EXPECT_GT(a.stats(0).area_m2, 6.0e6);
  EXPECT_LT(a.stats(0).area_m2, 7.5e6);
}

TEST(Areas, BadInputErrors) {
  EXPECT_THROW(AreaSet::from_file("/nonexistent/areas.gpkg", "id"), FileMissing);
  auto junk = temp_file("junk.geojson", "this is not json");
  EXPECT_THROW(AreaSet::from_file(junk.string(), "code"), FileError);
  auto two = temp_file("two.geojson", collection({feature("A", kSquare), feature("B", kSquare2)}));
  try {
    AreaSet::from_file(two.string(), "nope");
    FAIL() << "expected UnknownId";
  } catch (const UnknownId& e) {
    EXPECT_NE(std::string(e.what()).find("code"), std::string::npos);  // lists the fields
  }
  auto dup = temp_file("dup.geojson", collection({feature("A", kSquare), feature("A", kSquare2)}));
  EXPECT_THROW(AreaSet::from_file(dup.string(), "code"), InvalidInput);
  auto pts = temp_file("pts.geojson",
                       collection({feature("P", R"({"type": "Point", "coordinates": [1, 2]})")}));
  EXPECT_THROW(AreaSet::from_file(pts.string(), "code"), GeometryError);
  auto empty = temp_file("empty.geojson", collection({}));
  EXPECT_THROW(AreaSet::from_file(empty.string(), "code"), GeometryError);
  std::string bowtie =
      R"({"type": "Polygon", "coordinates": [[[0,0],[10,10],[10,0],[0,10],[0,0]]]})";
  auto bad = temp_file("bowtie.geojson", collection({feature("BOW", bowtie)}));
  try {
    AreaSet::from_file(bad.string(), "code");
    FAIL() << "expected GeometryError";
  } catch (const GeometryError& e) {
    EXPECT_NE(std::string(e.what()).find("BOW"), std::string::npos);
  }
  ReadOptions repair;
  repair.repair = true;
  AreaSet fixed = AreaSet::from_file(bad.string(), "code", repair);
  EXPECT_NEAR(fixed.stats(0).area_m2, 50.0, 1e-6);
  ReadOptions weird;
  weird.crs = "EPSG:999999";
  EXPECT_THROW(AreaSet::from_file(two.string(), "code", weird), CrsError);
  EXPECT_THROW(AreaSet::from_polygons({{rect(0, 0, 1, 1)}}, {"a", "b"}), InvalidInput);
  std::vector<std::int64_t> out(1);
  EXPECT_THROW(grid3().locate(std::vector<double>{1, 2, 3}, out), InvalidInput);
  // an index past the end is a libmatch::Error, not std::out_of_range
  EXPECT_THROW(grid3().stats(9), InvalidInput);
  EXPECT_THROW(grid3().polygons(9), InvalidInput);
  EXPECT_THROW(grid3().to_wkb(9), InvalidInput);
  EXPECT_THROW(AreaSet::from_polygons({{rect(0, 0, 1, 1)}}, {"a"}, "EPSG:4326"), CrsError);
  EXPECT_THROW(AreaSet::from_polygons({{rect(0, 0, 1, 1)}}, {"a"}, "nonsense"), CrsError);
}

TEST(Areas, RealMunicipalitiesMatchTheirProvinces) {
  std::string gpkg = std::string(LIBMATCH_SHARED_DATA) + "/nl_admin_2023.gpkg";
  if (!fs::exists(gpkg)) GTEST_SKIP() << "shared data not present at " << gpkg;
  ReadOptions o;
  o.layer = "gemeenten";
  AreaSet gem = AreaSet::from_file(gpkg, "statcode", o);
  o.layer = "provincies";
  AreaSet prov = AreaSet::from_file(gpkg, "statcode", o);
  ASSERT_EQ(gem.size(), 342u);
  ASSERT_EQ(prov.size(), 12u);
  // No layer named: both administrative layers have 'statcode', so no silent first layer;
  // only natura2000 has 'gebiedsnr', so that one is read.
  try {
    AreaSet::from_file(gpkg, "statcode");
    ADD_FAILURE() << "an ambiguous layer was read";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("2 layers with field 'statcode' (provincies, gemeenten)"),
              std::string::npos)
        << e.what();
  }
  o.layer.clear();
  AreaSet natura = AreaSet::from_file(gpkg, "gebiedsnr", o);
  o.layer = "natura2000";
  EXPECT_EQ(natura.size(), AreaSet::from_file(gpkg, "gebiedsnr", o).size());
  EXPECT_GT(natura.size(), 100u);
  // Each municipality's centroid-ish interior point: locate in both sets agrees on one area.
  std::vector<double> xy;
  for (std::size_t i = 0; i < gem.size(); ++i) {
    xy.push_back(gem.stats(i).centroid.x);
    xy.push_back(gem.stats(i).centroid.y);
  }
  auto g = locate(gem, xy, 2);
  int self = 0;
  for (std::size_t i = 0; i < g.size(); ++i) self += g[i] == static_cast<std::int64_t>(i);
  EXPECT_GT(self, 300);  // most centroids lie inside their own municipality
  EXPECT_GT(gem.adjacency().size(), 800u);
}
