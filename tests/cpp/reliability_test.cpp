// Reliability (issue 18): damaged files, extreme values, untranslated standard exceptions.
#include <cpl_error.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "io.hpp"
#include "libmatch/areas.hpp"
#include "libmatch/design.hpp"
#include "libmatch/error.hpp"
#include "libmatch/match.hpp"
#include "libmatch/scoring.hpp"
#include "libmatch/travel.hpp"

using namespace libmatch;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("libmatch_rel_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

// A GeoPackage with n features in EPSG:28992, written with GDAL: 100 m squares (polygons) or
// their bottom edges (lines), each with an "id" and a padding text field so that the table
// spans many pages.
void write_gpkg(const fs::path& path, int n, bool lines) {
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  ASSERT_NE(drv, nullptr);
  fs::remove(path);
  GDALDataset* ds = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  ASSERT_NE(ds, nullptr);
  OGRSpatialReference srs;
  srs.importFromEPSG(28992);
  OGRLayer* layer = ds->CreateLayer("data", &srs, lines ? wkbLineString : wkbPolygon, nullptr);
  ASSERT_NE(layer, nullptr);
  OGRFieldDefn id("id", OFTString), pad("pad", OFTString), speed("speed", OFTReal);
  layer->CreateField(&id);
  layer->CreateField(&pad);
  layer->CreateField(&speed);
  const std::string padding(60, 'x');
  ASSERT_EQ(layer->StartTransaction(), OGRERR_NONE);
  for (int i = 0; i < n; ++i) {
    const double x = (i % 60) * 100.0, y = (i / 60) * 100.0;
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("id", ("a" + std::to_string(i)).c_str());
    f.SetField("pad", padding.c_str());
    f.SetField("speed", 50.0);
    if (lines) {
      OGRLineString ls;
      ls.addPoint(x, y);
      ls.addPoint(x + 100, y);
      f.SetGeometry(&ls);
    } else {
      OGRLinearRing r;
      r.addPoint(x, y);
      r.addPoint(x + 100, y);
      r.addPoint(x + 100, y + 100);
      r.addPoint(x, y + 100);
      r.addPoint(x, y);
      OGRPolygon p;
      p.addRing(&r);
      f.SetGeometry(&p);
    }
    ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
  }
  ASSERT_EQ(layer->CommitTransaction(), OGRERR_NONE);
  GDALClose(ds);
}

// Overwrites the SQLite page in the middle of the file with garbage.
void damage_middle_page(const fs::path& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f);
  unsigned char hdr[18];
  f.read(reinterpret_cast<char*>(hdr), sizeof hdr);
  std::size_t page = (hdr[16] << 8) | hdr[17];
  if (page == 1) page = 65536;
  const std::size_t pages = fs::file_size(path) / page;
  ASSERT_GT(pages, 20u);
  f.seekp(static_cast<std::streamoff>((pages / 2) * page));
  const std::string junk(page, '\xA5');
  f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
}

template <class F>
std::string file_error_of(F&& f) {
  try {
    f();
  } catch (const FileError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no FileError thrown";
  return {};
}

}  // namespace

TEST(Reliability, DamagedGeoPackageAreasThrowFileError) {
  const fs::path p = temp_dir() / "areas_damaged.gpkg";
  write_gpkg(p, 3000, /*lines=*/false);
  // Intact, every feature is read.
  EXPECT_EQ(AreaSet::from_file(p.string(), "id").size(), 3000u);
  damage_middle_page(p);
  const std::string msg = file_error_of([&] { AreaSet::from_file(p.string(), "id"); });
  EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("layer 'data'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed"), std::string::npos) << msg;  // GDAL's own message
  EXPECT_EQ(msg.find("xxxxxxxx"), std::string::npos) << msg;   // no cell values
}

TEST(Reliability, DamagedGeoPackageRoadsThrowFileError) {
  const fs::path p = temp_dir() / "roads_damaged.gpkg";
  write_gpkg(p, 3000, /*lines=*/true);
  RoadNetworkOptions o;
  o.speed_field = "speed";
  EXPECT_EQ(RoadNetwork::from_file(p.string(), o).edge_count(), 3000);
  damage_middle_page(p);
  const std::string msg = file_error_of([&] { RoadNetwork::from_file(p.string(), o); });
  EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("layer 'data'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed"), std::string::npos) << msg;
}

TEST(Reliability, DamagedGeoPackageNumericFieldThrowsFileError) {
  const fs::path p = temp_dir() / "values_damaged.gpkg";
  write_gpkg(p, 3000, /*lines=*/false);
  std::vector<std::string> ids;
  std::vector<double> values;
  read_numeric_field(p.string(), "", "id", "speed", ids, values);
  EXPECT_EQ(ids.size(), 3000u);
  damage_middle_page(p);
  const std::string msg =
      file_error_of([&] { read_numeric_field(p.string(), "", "id", "speed", ids, values); });
  EXPECT_NE(msg.find("layer 'data'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed"), std::string::npos) << msg;
}

namespace {

template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
    return {};
  }
  ADD_FAILURE() << "nothing thrown";
  return {};
}

}  // namespace

TEST(Reliability, RoadLinesNearDoubleMaxAreRejectedNamingTheLine) {
  const std::vector<std::int64_t> off{0, 2, 4};
  const std::vector<double> speed{50, 50};
  for (double big : {1e308, -1e308, 1.7976931348623157e308, 1e11}) {
    const std::vector<double> xy{0, 0, 100, 0, 100, 0, big, -big};
    const std::string msg =
        error_of<GeometryError>([&] { RoadNetwork::from_lines(off, xy, speed); });
    EXPECT_NE(msg.find("line 1"), std::string::npos) << msg;
  }
  // Far apart but plausible (1e9 m) still builds and routes.
  const std::vector<double> xy{0, 0, 1e9, 0, 1e9, 0, 1e9, 1e9};
  RoadNetwork net = RoadNetwork::from_lines(off, xy, speed);
  EXPECT_EQ(net.edge_count(), 2);
  const std::vector<double> o{0, 0}, d{1e9, 1e9};
  TravelPairs tp = net.pairs(o, d);
  ASSERT_EQ(tp.km.size(), 1u);
  EXPECT_NEAR(tp.km[0], 2e6, 1e-3);
}

TEST(Reliability, RoadNodesNearDoubleMaxAreRejectedNamingTheNode) {
  const std::vector<double> xy{0, 0, 1e308, -1e308, -1e308, 1e308};
  const std::vector<std::int64_t> from{0, 1}, to{1, 2};
  const std::vector<double> speed{50, 50};
  const std::string msg =
      error_of<GeometryError>([&] { RoadNetwork::from_edges(xy, from, to, speed); });
  EXPECT_NE(msg.find("node 1"), std::string::npos) << msg;
}

// --- matching round -------------------------------------------------------------------------

namespace {

Advisor advisor_at(std::string id, double x, std::int64_t capacity, std::int64_t caseload) {
  Advisor a;
  a.id = std::move(id);
  a.base = {x, 0};
  a.capacity = capacity;
  a.caseload = caseload;
  return a;
}

Request request_at(std::string id, double x) {
  Request r;
  r.id = std::move(id);
  r.locations = {{x, 0}};
  return r;
}

}  // namespace

// caseload_after + 1 used to overflow (UB; caught by the UBSan build) in alternatives and
// explain when an advisor's caseload reaches INT64_MAX.
TEST(Reliability, CapacityAtInt64MaxInAlternativesAndExplain) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  RoundInput in;
  in.advisors = {advisor_at("A", 0, kMax, kMax - 1), advisor_at("B", 2000, kMax, kMax - 1)};
  in.requests = {request_at("r1", 100), request_at("r2", 1900)};
  in.weights.load = 10.0;
  in.rules.alternatives = 3;
  RoundResult res = run_round(in);
  ASSERT_EQ(res.assigned, 2);
  for (const auto& L : res.advisors) EXPECT_EQ(L.caseload_after, kMax);
  // Each request reports the other (now full) advisor as an alternative with the load cost of
  // a full caseload (u = 1): weights.load points.
  ASSERT_EQ(res.alternatives.size(), 2u);
  for (const auto& alt : res.alternatives) {
    EXPECT_FALSE(alt.has_room);
    EXPECT_EQ(alt.cost.load, 10 * kCostScale);
  }
  std::vector<ExplainRow> rows = explain(in, res, 0);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].chosen);
  EXPECT_FALSE(rows[1].chosen);
  EXPECT_FALSE(rows[1].has_room);
}

TEST(Reliability, CostOverflowNamesRequestAndAdvisor) {
  RoundInput in;
  in.advisors = {advisor_at("adv-7", 0, 5, 0)};
  in.requests = {request_at("req-42", 30000)};
  in.weights.travel_per_minute = 1e17;
  try {
    run_round(in);
    FAIL() << "no Overflow";
  } catch (const Overflow& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("request 'req-42'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("advisor 'adv-7'"), std::string::npos) << msg;
  }
}

TEST(Reliability, NegativeDuplicateToleranceIsRejected) {
  RoundInput in;
  in.advisors = {advisor_at("A", 0, 5, 0)};
  in.requests = {request_at("r1", 100)};
  in.rules.duplicate_tolerance_m = -1.0;
  const std::string msg = error_of<InvalidInput>([&] { run_round(in); });
  EXPECT_NE(msg.find("duplicate_tolerance_m"), std::string::npos) << msg;
  in.rules.duplicate_tolerance_m = 0.0;  // 0 = off, accepted
  EXPECT_EQ(run_round(in).assigned, 1);
}

// --- areas: repair bounds, dissolve labels, CRS ------------------------------------------

namespace {

// WKB of a self-intersecting polygon: a zig-zag "comb" of n teeth whose closing edge crosses
// every tooth.
std::string comb_wkb(int n) {
  std::vector<std::pair<double, double>> pts;
  for (int i = 0; i < n; ++i) {
    pts.push_back({i * 10.0, 0});
    pts.push_back({i * 10.0 + 5, 100});
  }
  pts.push_back({n * 10.0, 50});
  pts.push_back({-10, 50});
  pts.push_back(pts.front());
  std::string s;
  auto u32 = [&](std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); };
  auto f64 = [&](double v) { s.append(reinterpret_cast<const char*>(&v), 8); };
  s.push_back(1);
  u32(3);
  u32(1);
  u32(static_cast<std::uint32_t>(pts.size()));
  for (auto [x, y] : pts) {
    f64(x);
    f64(y);
  }
  return s;
}

struct RepairLimits {
  std::int64_t vertices = detail::repair_vertex_limit;
  double seconds = detail::repair_seconds_limit;
  ~RepairLimits() {
    detail::repair_vertex_limit = vertices;
    detail::repair_seconds_limit = seconds;
  }
};

}  // namespace

TEST(Reliability, RepairIsBoundedByVertexCountNamingTheArea) {
  RepairLimits keep;
  const std::vector<std::string> wkb{comb_wkb(200)};
  // Within the limits the comb is repaired.
  EXPECT_EQ(AreaSet::from_wkb(wkb, {"comb"}, "EPSG:28992", "EPSG:28992", true).size(), 1u);
  detail::repair_vertex_limit = 100;
  const std::string msg = error_of<GeometryError>(
      [&] { AreaSet::from_wkb(wkb, {"comb"}, "EPSG:28992", "EPSG:28992", true); });
  EXPECT_NE(msg.find("area 'comb'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("too large to repair"), std::string::npos) << msg;
}

TEST(Reliability, RepairIsBoundedByTimeNamingTheArea) {
  RepairLimits keep;
  // A comb of 3000 teeth (96 KB of WKB) keeps MakeValid busy for well over 10 s here; the
  // limit stops it at the next GEOS checkpoint after half a second.
  detail::repair_seconds_limit = 0.5;
  const std::vector<std::string> wkb{comb_wkb(3000)};
  const std::string msg = error_of<GeometryError>(
      [&] { AreaSet::from_wkb(wkb, {"comb"}, "EPSG:28992", "EPSG:28992", true); });
  EXPECT_NE(msg.find("area 'comb'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("took longer than"), std::string::npos) << msg;
  // The interruption does not leak into the next GEOS call.
  detail::repair_seconds_limit = 10.0;
  const std::vector<std::string> small{comb_wkb(50)};
  EXPECT_EQ(AreaSet::from_wkb(small, {"comb"}, "EPSG:28992", "EPSG:28992", true).size(), 1u);
}

TEST(Reliability, DissolveRejectsHugeLabelBeforeAllocating) {
  std::vector<std::vector<PolygonRings>> polys;
  for (int i = 0; i < 3; ++i)
    polys.push_back({{{{i * 10.0, 0},
                       {i * 10.0 + 10, 0},
                       {i * 10.0 + 10, 10},
                       {i * 10.0, 10},
                       {i * 10.0, 0}}}});
  AreaSet set = AreaSet::from_polygons(polys, {"a", "b", "c"});
  const std::vector<std::int64_t> labels{0, std::int64_t{1} << 40, 1};
  const std::string msg = error_of<InvalidInput>([&] { set.dissolve(labels, {}); });
  EXPECT_NE(msg.find("area 'b'"), std::string::npos) << msg;
  const std::vector<std::int64_t> ok{0, 0, 1};
  EXPECT_EQ(set.dissolve(ok, {}).size(), 2u);
}

TEST(Reliability, GeographicWorkingCrsIsRejected) {
  const std::vector<std::string> wkb{comb_wkb(2)};
  for (const char* crs : {"EPSG:4326", "EPSG:2263" /* US feet */}) {
    const std::string msg =
        error_of<CrsError>([&] { AreaSet::from_wkb(wkb, {"x"}, "EPSG:28992", crs, true); });
    EXPECT_NE(msg.find(crs), std::string::npos) << msg;
    EXPECT_NE(msg.find("metres"), std::string::npos) << msg;
  }
}

namespace {

// The GeoPackage of write_gpkg with its layer's srs_id set to `srs_id` (0: "Undefined
// geographic SRS", -1: "Undefined Cartesian SRS"), via GDAL's SQL on the file.
void set_gpkg_srs(const fs::path& path, int srs_id) {
  GDALDataset* ds = static_cast<GDALDataset*>(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
  ASSERT_NE(ds, nullptr);
  for (const char* table : {"gpkg_geometry_columns", "gpkg_contents"}) {
    const std::string sql =
        "UPDATE " + std::string(table) + " SET srs_id = " + std::to_string(srs_id);
    ds->ReleaseResultSet(ds->ExecuteSQL(sql.c_str(), nullptr, nullptr));
  }
  GDALClose(ds);
}

}  // namespace

TEST(Reliability, UndefinedGpkgCrsNeedsAndTakesSourceCrs) {
  for (int srs_id : {0, -1}) {
    const fs::path p = temp_dir() / ("undefined_" + std::to_string(srs_id + 1) + ".gpkg");
    write_gpkg(p, 4, /*lines=*/false);
    set_gpkg_srs(p, srs_id);
    const std::string msg = error_of<CrsError>([&] { AreaSet::from_file(p.string(), "id"); });
    EXPECT_NE(msg.find("layer 'data' of '" + p.string() + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("source_crs"), std::string::npos) << msg;
    ReadOptions o;
    o.source_crs = "EPSG:28992";
    AreaSet set = AreaSet::from_file(p.string(), "id", o);
    EXPECT_EQ(set.size(), 4u);
    EXPECT_DOUBLE_EQ(set.stats(1).min.x, 100.0);  // not reprojected
  }
}

TEST(Reliability, GeoJsonInMetresWithoutCrsMemberTakesSourceCrs) {
  // GDAL reads a GeoJSON file without a crs member as WGS 84 (RFC 7946); RD coordinates are
  // then no degrees, and source_crs, given, is what holds.
  const fs::path p = temp_dir() / "rd_without_crs.geojson";
  {
    std::ofstream out(p);
    out << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":)"
        << R"({"id":"A"},"geometry":{"type":"Polygon","coordinates":[[[150000,450000],)"
        << R"([160000,450000],[160000,460000],[150000,460000],[150000,450000]]]}}]})";
  }
  const std::string msg = error_of<CrsError>([&] { AreaSet::from_file(p.string(), "id"); });
  EXPECT_NE(msg.find("beyond 180"), std::string::npos) << msg;
  EXPECT_NE(msg.find("source_crs"), std::string::npos) << msg;
  ReadOptions o;
  o.source_crs = "EPSG:28992";
  AreaSet set = AreaSet::from_file(p.string(), "id", o);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_DOUBLE_EQ(set.stats(0).min.x, 150000.0);  // read as metres, not reprojected
}

TEST(Reliability, UnparseableSourceCrsIsAnErrorEvenWhenTheFileHasOne) {
  const fs::path p = temp_dir() / "with_crs.gpkg";
  write_gpkg(p, 4, /*lines=*/false);
  ReadOptions o;
  o.source_crs = "EPSG:not-a-code";
  const std::string msg = error_of<CrsError>([&] { AreaSet::from_file(p.string(), "id", o); });
  EXPECT_NE(msg.find("source_crs"), std::string::npos) << msg;
  EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
}

namespace {
int g_process_handler_calls = 0;
void CPL_STDCALL counting_handler(CPLErr, CPLErrorNum, const char*) { ++g_process_handler_calls; }
}  // namespace

// GDAL's messages during our calls go to a scoped handler; the process-wide one (which may
// belong to the application) is neither replaced nor called.
TEST(Reliability, ProcessWideGdalErrorHandlerIsLeftAlone) {
  CPLErrorHandler before = CPLSetErrorHandler(counting_handler);
  g_process_handler_calls = 0;
  const fs::path p = temp_dir() / "garbage.gpkg";
  std::ofstream(p) << "SQLite format 3 but not really";
  error_of<FileError>([&] { AreaSet::from_file(p.string(), "id"); });
  const fs::path damaged = temp_dir() / "areas_damaged_2.gpkg";
  write_gpkg(damaged, 3000, /*lines=*/false);
  damage_middle_page(damaged);
  g_process_handler_calls = 0;
  error_of<FileError>([&] { AreaSet::from_file(damaged.string(), "id"); });
  EXPECT_EQ(g_process_handler_calls, 0);
  EXPECT_EQ(CPLSetErrorHandler(before), &counting_handler);
}
