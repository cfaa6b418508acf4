// Attribute tables through OGR: typed round trip with nulls and geometry, and clear errors.
#include "libmatch/tables.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "libmatch/error.hpp"

namespace {

std::string point_wkb(double x, double y) {
  std::string w(21, '\0');
  w[0] = 1;  // little endian
  w[1] = 1;  // wkbPoint
  std::memcpy(w.data() + 5, &x, 8);
  std::memcpy(w.data() + 13, &y, 8);
  return w;
}

libmatch::Table sample() {
  using T = libmatch::TableColumn::Type;
  libmatch::Table t;
  t.rows = 3;
  libmatch::TableColumn a{"count", T::Integer, {1, 2, 3}, {}, {}, {1, 0, 1}};
  libmatch::TableColumn b{"minutes", T::Real, {}, {1.5, 2.25, -3.0}, {}, {1, 1, 0}};
  libmatch::TableColumn c{"service", T::String, {}, {}, {"vabimpuls", "nil_bio", ""}, {1, 1, 0}};
  t.columns = {a, b, c};
  t.geometry_wkb = {point_wkb(150000, 400000), point_wkb(151000.5, 401000.25), ""};
  return t;
}

}  // namespace

TEST(Tables, GeoPackageRoundTripKeepsTypesNullsAndGeometry) {
  auto dir = std::filesystem::temp_directory_path() / "libmatch_tables_test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "t.gpkg").string();
  std::filesystem::remove(path);
  libmatch::write_table(path, sample(), {"rows", "EPSG:28992", true});
  // A second layer is added, the first kept.
  libmatch::write_table(path, sample(), {"again", "EPSG:28992", true});
  libmatch::Table back = libmatch::read_table(path, {"rows", "", ""});
  ASSERT_EQ(back.rows, 3u);
  ASSERT_EQ(back.columns.size(), 3u);
  EXPECT_EQ(back.columns[0].type, libmatch::TableColumn::Type::Integer);
  EXPECT_EQ(back.columns[0].integers[0], 1);
  EXPECT_EQ(back.columns[0].valid[1], 0);
  EXPECT_EQ(back.columns[1].type, libmatch::TableColumn::Type::Real);
  EXPECT_DOUBLE_EQ(back.columns[1].reals[1], 2.25);
  EXPECT_EQ(back.columns[1].valid[2], 0);
  EXPECT_EQ(back.columns[2].strings[0], "vabimpuls");
  EXPECT_EQ(back.columns[2].valid[2], 0);
  ASSERT_EQ(back.geometry_wkb.size(), 3u);
  EXPECT_EQ(back.geometry_wkb[1], point_wkb(151000.5, 401000.25));
  EXPECT_TRUE(back.geometry_wkb[2].empty());
  EXPECT_NE(back.crs_wkt.find("Amersfoort"), std::string::npos);
  EXPECT_EQ(libmatch::read_table(path, {"again", "", ""}).rows, 3u);
  // Reprojection to lon/lat moves the point into the Netherlands' degrees.
  libmatch::Table ll = libmatch::read_table(path, {"rows", "EPSG:4326", ""});
  double lon = 0;
  std::memcpy(&lon, ll.geometry_wkb[0].data() + 5, 8);
  EXPECT_GT(lon, 3.0);
  EXPECT_LT(lon, 8.0);
  EXPECT_THROW(libmatch::write_table(path, sample(), {"rows", "EPSG:28992", false}),
               libmatch::FileError);
  std::filesystem::remove_all(dir);
}

TEST(Tables, ErrorsAreTyped) {
  EXPECT_THROW(libmatch::read_table("/nonexistent/x.gpkg"), libmatch::FileMissing);
  auto t = sample();
  t.columns[1].reals.pop_back();
  EXPECT_THROW(libmatch::write_table("/tmp/libmatch_bad.gpkg", t, {"x", "", true}),
               libmatch::InvalidInput);
  EXPECT_THROW(libmatch::write_table("/tmp/libmatch_bad.gpkg", sample(), {"", "", true}),
               libmatch::InvalidInput);
}
