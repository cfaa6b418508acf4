// Travel models: straight line against a direct formula, road networks against an
// independent Dijkstra, OSM/GeoJSON reading, snapping, one-way roads, limits and errors.
#include "libmatch/travel.hpp"

#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "libmatch/error.hpp"

namespace fs = std::filesystem;
using namespace libmatch;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

fs::path temp_dir(const std::string& name) {
  fs::path p =
      fs::temp_directory_path() / ("libmatch_travel_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
}

/// Plain binary-heap Dijkstra over the network's own CSR graph (the oracle).
std::vector<double> reference_dijkstra(const RoadNetwork& net, std::int64_t source) {
  const auto& off = net.arc_offsets();
  const auto head = net.arc_head();
  const auto w = net.arc_minutes();
  std::vector<double> dist(net.node_count(), kInf);
  using Item = std::pair<double, std::int64_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
  dist[source] = 0;
  pq.push({0, source});
  while (!pq.empty()) {
    auto [d, x] = pq.top();
    pq.pop();
    if (d > dist[x]) continue;
    for (auto k = off[x]; k < off[x + 1]; ++k) {
      if (d + w[k] < dist[head[k]]) {
        dist[head[k]] = d + w[k];
        pq.push({dist[head[k]], head[k]});
      }
    }
  }
  return dist;
}

struct RandomGraph {
  std::vector<double> xy;
  std::vector<std::int64_t> from, to;
  std::vector<double> speed;
  std::vector<OneWay> oneway;
};

RandomGraph random_graph(int n, int m, unsigned seed, bool directed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> coord(0, 10000), spd(20, 100);
  std::uniform_int_distribution<int> node(0, n - 1);
  RandomGraph g;
  for (int i = 0; i < n; ++i) {
    g.xy.push_back(coord(rng));
    g.xy.push_back(coord(rng));
  }
  // Every node gets an edge (a point on an isolated node would snap to another edge).
  for (int e = 0; e < m; ++e) {
    g.from.push_back(e < n ? e : node(rng));
    g.to.push_back(node(rng));
    g.speed.push_back(spd(rng));
    g.oneway.push_back(directed ? OneWay::Forward : OneWay::Both);
  }
  return g;
}

}  // namespace

// ---------------------------------------------------------------- straight line

TEST(TravelStraightLine, MatchesFormulaAndFilters) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> c(0, 50000);
  std::vector<double> o, d;
  for (int i = 0; i < 37; ++i) o.insert(o.end(), {c(rng), c(rng)});
  for (int j = 0; j < 211; ++j) d.insert(d.end(), {c(rng), c(rng)});
  StraightLine model(1.25, 50.0);
  for (double max_km : {kInf, 20.0}) {
    for (double max_min : {kInf, 15.0}) {
      TravelPairs p = model.pairs(o, d, max_min, max_km, 3);
      std::size_t k = 0;
      for (int i = 0; i < 37; ++i) {
        for (int j = 0; j < 211; ++j) {
          const double dx = d[2 * j] - o[2 * i], dy = d[2 * j + 1] - o[2 * i + 1];
          const double km = std::sqrt(dx * dx + dy * dy) / 1000.0 * 1.25;
          const double minutes = km / 50.0 * 60.0;
          if (km > max_km || minutes > max_min) continue;
          ASSERT_LT(k, p.origin.size());
          EXPECT_EQ(p.origin[k], i);
          EXPECT_EQ(p.destination[k], j);
          EXPECT_EQ(p.km[k], km);
          EXPECT_EQ(p.minutes[k], minutes);
          ++k;
        }
      }
      EXPECT_EQ(k, p.origin.size());
    }
  }
}

TEST(TravelStraightLine, ThreadCountDoesNotMatter) {
  std::vector<double> o, d;
  for (int i = 0; i < 300; ++i) o.insert(o.end(), {i * 37.0, (i * 91) % 1000 * 13.0});
  for (int j = 0; j < 2000; ++j) d.insert(d.end(), {(j * 53) % 977 * 11.0, j * 7.0});
  StraightLine model;
  TravelPairs a = model.pairs(o, d, 30, kInf, 1), b = model.pairs(o, d, 30, kInf, 4);
  EXPECT_EQ(a.origin, b.origin);
  EXPECT_EQ(a.destination, b.destination);
  EXPECT_EQ(a.minutes, b.minutes);
}

TEST(TravelStraightLine, BadInput) {
  EXPECT_THROW(StraightLine(0.0, 60.0), InvalidInput);
  EXPECT_THROW(StraightLine(0.5, 60.0), InvalidInput);  // shorter than the straight line
  EXPECT_NO_THROW(StraightLine(1.0, 60.0));
  EXPECT_THROW(StraightLine(1.3, -5.0), InvalidInput);
  EXPECT_THROW(StraightLine(1.3, std::nan("")), InvalidInput);
  StraightLine model;
  std::vector<double> odd{1, 2, 3}, ok{0, 0};
  EXPECT_THROW(model.pairs(odd, ok), InvalidInput);
  EXPECT_THROW(model.pairs(ok, ok, -1.0), InvalidInput);
  EXPECT_THROW(model.pairs(ok, ok, kInf, std::nan("")), InvalidInput);
  // Empty inputs are fine and give nothing; non-finite points are reported.
  EXPECT_TRUE(model.pairs({}, ok).origin.empty());
  std::vector<double> with_nan{0, 0, std::nan(""), 5};
  TravelPairs p = model.pairs(with_nan, with_nan);
  EXPECT_EQ(p.origin.size(), 1u);
  EXPECT_EQ(p.unsnapped_origins, std::vector<std::int64_t>{1});
  EXPECT_EQ(p.unsnapped_destinations, std::vector<std::int64_t>{1});
  EXPECT_EQ(model.describe(), "straight line x1.3 at 60 km/h");
}

// ---------------------------------------------------------------- road network: graph

TEST(TravelRoadNetwork, RandomGraphsMatchReferenceDijkstra) {
  for (bool directed : {false, true}) {
    for (unsigned seed : {1u, 2u, 3u}) {
      RandomGraph g = random_graph(300, directed ? 900 : 450, seed, directed);
      RoadNetwork net = RoadNetwork::from_edges(g.xy, g.from, g.to, g.speed, {}, g.oneway);
      ASSERT_EQ(net.node_count(), 300);
      // Origins and destinations exactly on nodes: snap legs are zero.
      std::vector<std::int64_t> src{0, 17, 99, 250};
      std::vector<double> oxy;
      for (auto s : src) oxy.insert(oxy.end(), {g.xy[2 * s], g.xy[2 * s + 1]});
      TravelPairs p = net.pairs(oxy, g.xy, kInf, kInf, 2);
      std::int64_t unreachable = 0;
      std::size_t k = 0;
      for (std::size_t i = 0; i < src.size(); ++i) {
        auto ref = reference_dijkstra(net, src[i]);
        for (std::int64_t j = 0; j < 300; ++j) {
          if (ref[j] == kInf) {
            ++unreachable;
            continue;
          }
          ASSERT_LT(k, p.origin.size());
          EXPECT_EQ(p.origin[k], static_cast<std::int64_t>(i));
          EXPECT_EQ(p.destination[k], j);
          EXPECT_NEAR(p.minutes[k], ref[j], 1e-9 * (1 + ref[j]))
              << "seed " << seed << " dest " << j;
          ++k;
        }
      }
      EXPECT_EQ(k, p.origin.size());
      EXPECT_EQ(p.unreachable_pairs, unreachable);
      // Limits keep exactly the pairs within them; unreachable pairs are still counted
      // exactly (the search stops early, reachability comes from the components).
      TravelPairs lim = net.pairs(oxy, g.xy, 5.0, kInf, 1);
      std::size_t within = 0;
      for (double m : p.minutes) within += m <= 5.0;
      EXPECT_EQ(lim.origin.size(), within);
      EXPECT_EQ(lim.unreachable_pairs, unreachable);
      TravelPairs limkm = net.pairs(oxy, g.xy, kInf, 4.0, 1);
      std::size_t within_km = 0;
      for (double km : p.km) within_km += km <= 4.0;
      EXPECT_EQ(limkm.origin.size(), within_km);
      EXPECT_EQ(limkm.unreachable_pairs, unreachable);
    }
  }
}

TEST(TravelRoadNetwork, ArcsAreEdgesAtTheirSpeed) {
  std::vector<double> xy{0, 0, 1000, 0, 1000, 1000};
  std::vector<std::int64_t> from{0, 1, 0}, to{1, 2, 1};
  std::vector<double> speed{60, 30, 120};  // two parallel edges 0-1: the faster one is kept
  RoadNetwork net = RoadNetwork::from_edges(xy, from, to, speed);
  EXPECT_EQ(net.arc_count(), 4);
  const auto& off = net.arc_offsets();
  auto head = net.arc_head();
  auto minutes = net.arc_minutes();
  ASSERT_EQ(off[1] - off[0], 1);
  EXPECT_EQ(head[off[0]], 1);
  EXPECT_DOUBLE_EQ(minutes[off[0]], 0.5);  // 1 km at 120 km/h
  std::vector<double> o{0, 0}, d{1000, 1000};
  TravelPairs p = net.pairs(o, d);
  ASSERT_EQ(p.minutes.size(), 1u);
  EXPECT_DOUBLE_EQ(p.minutes[0], 0.5 + 2.0);
  EXPECT_DOUBLE_EQ(p.km[0], 2.0);
}

TEST(TravelRoadNetwork, SnapLegAndPositionAlongEdge) {
  // One 2 km road along the x axis at 60 km/h; snap legs at 15 km/h.
  std::vector<double> xy{0, 0, 2000, 0};
  RoadNetworkOptions opt;
  opt.snap_max_m = 300;
  RoadNetwork net = RoadNetwork::from_edges(xy, std::vector<std::int64_t>{0},
                                            std::vector<std::int64_t>{1}, std::vector<double>{60});
  RoadNetwork near =
      RoadNetwork::from_edges(xy, std::vector<std::int64_t>{0}, std::vector<std::int64_t>{1},
                              std::vector<double>{60}, {}, {}, opt);
  std::vector<double> o{500, 100}, d{1500, -200, 1000, 400};
  TravelPairs p = near.pairs(o, d);
  // 100 m snap (0.4 min) + 1 km road (1 min) + 200 m snap (0.8 min).
  ASSERT_EQ(p.origin.size(), 1u);
  EXPECT_NEAR(p.minutes[0], 0.4 + 1.0 + 0.8, 1e-12);
  EXPECT_NEAR(p.km[0], 0.1 + 1.0 + 0.2, 1e-12);
  EXPECT_EQ(p.unsnapped_destinations, std::vector<std::int64_t>{1});  // 400 m > 300 m
  EXPECT_EQ(p.unreachable_pairs, 0);
  auto s = net.snap(d);
  EXPECT_EQ(s[1].edge, 0);  // default snap_max_m (500 m) reaches it
  EXPECT_DOUBLE_EQ(s[1].along_m, 1000);
  EXPECT_DOUBLE_EQ(s[1].distance_m, 400);
}

TEST(TravelRoadNetwork, OneWayRoadsAndOnEdgeTravel) {
  // Square 0-1-2-3 of 1 km sides; 0->1 one-way, 1->2 reverse-only (so only 2->1).
  std::vector<double> xy{0, 0, 1000, 0, 1000, 1000, 0, 1000};
  std::vector<std::int64_t> from{0, 1, 2, 3}, to{1, 2, 3, 0};
  std::vector<double> speed{60, 60, 60, 60};
  std::vector<OneWay> ow{OneWay::Forward, OneWay::Reverse, OneWay::Both, OneWay::Both};
  RoadNetwork net = RoadNetwork::from_edges(xy, from, to, speed, {}, ow);
  std::vector<double> nodes = xy;
  TravelPairs p = net.pairs(nodes, nodes);
  auto minutes = [&](int i, int j) {
    for (std::size_t k = 0; k < p.origin.size(); ++k)
      if (p.origin[k] == i && p.destination[k] == j) return p.minutes[k];
    return kInf;
  };
  EXPECT_DOUBLE_EQ(minutes(0, 1), 1.0);
  EXPECT_DOUBLE_EQ(minutes(1, 0), kInf);  // 1 has no way out: 1->2 is reverse-only
  EXPECT_DOUBLE_EQ(minutes(2, 1), 1.0);
  EXPECT_DOUBLE_EQ(minutes(1, 2), kInf);
  EXPECT_DOUBLE_EQ(minutes(2, 0), 2.0);
  EXPECT_EQ(p.unreachable_pairs, 3);  // 1->0, 1->2, 1->3
  // Two points on the one-way edge 0->1: along it directly, against it not at all.
  std::vector<double> a{200, 0}, b{700, 0};
  TravelPairs ab = net.pairs(a, b), ba = net.pairs(b, a);
  ASSERT_EQ(ab.minutes.size(), 1u);
  EXPECT_NEAR(ab.minutes[0], 0.5, 1e-12);
  EXPECT_TRUE(ba.minutes.empty());
  EXPECT_EQ(ba.unreachable_pairs, 1);
}

TEST(TravelRoadNetwork, DisconnectedPartsAreAbsentAndCounted) {
  // Two separate roads; and a point beyond the snap distance.
  std::vector<double> xy{0, 0, 1000, 0, 50000, 0, 51000, 0};
  RoadNetwork net =
      RoadNetwork::from_edges(xy, std::vector<std::int64_t>{0, 2}, std::vector<std::int64_t>{1, 3},
                              std::vector<double>{50, 50});
  EXPECT_EQ(net.component_count(), 2);
  std::vector<double> o{0, 10, 20000, 0}, d{900, 0, 50500, 30};
  for (double lim : {kInf, 3.0}) {
    TravelPairs p = net.pairs(o, d, lim);
    ASSERT_EQ(p.origin.size(), 1u);
    EXPECT_EQ(p.destination[0], 0);
    EXPECT_EQ(p.unreachable_pairs, 1);
    EXPECT_EQ(p.unsnapped_origins, std::vector<std::int64_t>{1});
  }
}

TEST(TravelRoadNetwork, LinesAreNodedAtSharedVerticesOnly) {
  // A: (0,0)-(1000,0)-(2000,0); B: (1000,-1000)-(1000.05,0)-(1000,1000) shares A's middle
  // vertex within the 0.1 m tolerance; C crosses A at (1500,0) without a shared vertex.
  std::vector<std::int64_t> off{0, 3, 6, 8};
  std::vector<double> xy{0,       0, 1000, 0,    2000, 0,    1000, -1000,
                         1000.05, 0, 1000, 1000, 1500, -500, 1500, 500};
  std::vector<double> speed{60, 60, 60};
  RoadNetwork net = RoadNetwork::from_lines(off, xy, speed);
  EXPECT_EQ(net.node_count(), 7);  // A's ends, the shared vertex, B's ends, C's ends
  EXPECT_EQ(net.edge_count(), 5);
  EXPECT_EQ(net.component_count(), 2);
  std::vector<double> o{0, 0}, d{1000, 1000, 1500, 500};
  TravelPairs p = net.pairs(o, d);
  ASSERT_EQ(p.origin.size(), 1u);
  EXPECT_NEAR(p.minutes[0], 2.0, 1e-9);  // 1 km east then 1 km north
  EXPECT_EQ(p.unreachable_pairs, 1);     // C is not connected
  // With a zero tolerance B's vertex does not meet A's: B is its own part.
  RoadNetworkOptions exact;
  exact.node_tolerance_m = 0;
  RoadNetwork sep = RoadNetwork::from_lines(off, xy, speed, {}, exact);
  EXPECT_EQ(sep.component_count(), 3);
}

TEST(TravelRoadNetwork, GridKmAndThreadIndependence) {
  // 30 x 30 grid, 100 m spacing, all 36 km/h: minutes = km / 36 * 60 on every pair.
  const int n = 30;
  std::vector<double> xy;
  std::vector<std::int64_t> from, to;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      xy.insert(xy.end(), {x * 100.0, y * 100.0});
      if (x + 1 < n) from.push_back(y * n + x), to.push_back(y * n + x + 1);
      if (y + 1 < n) from.push_back(y * n + x), to.push_back((y + 1) * n + x);
    }
  std::vector<double> speed(from.size(), 36.0);
  RoadNetwork net = RoadNetwork::from_edges(xy, from, to, speed);
  std::vector<double> o{0, 0, 1450, 1230, 2900, 2900}, d;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> c(0, 2900);
  for (int j = 0; j < 500; ++j) d.insert(d.end(), {c(rng), c(rng)});
  TravelPairs a = net.pairs(o, d, kInf, kInf, 1), b = net.pairs(o, d, kInf, kInf, 3);
  EXPECT_EQ(a.origin, b.origin);
  EXPECT_EQ(a.destination, b.destination);
  EXPECT_EQ(a.minutes, b.minutes);
  EXPECT_EQ(a.km, b.km);
  ASSERT_EQ(a.origin.size(), 1500u);
  auto s_o = net.snap(o), s_d = net.snap(d);
  for (std::size_t k = 0; k < a.origin.size(); ++k) {
    const double snap_km = (s_o[a.origin[k]].distance_m + s_d[a.destination[k]].distance_m) / 1000;
    const double road_km = a.km[k] - snap_km;
    // Each of the <= 60 arcs and parts is rounded once to a tick (2^-20 minutes) and a km
    // unit (2^-20 km): minutes and km / 36 * 60 differ by < 60 * (2^-21 + 2^-21 * 60 / 36).
    EXPECT_NEAR(a.minutes[k], road_km / 36 * 60 + snap_km / 15 * 60, 1e-4);
    // Manhattan distance between the snapped positions bounds the road km from below.
    EXPECT_GE(road_km + 1e-9, 0.0);
  }
}

TEST(TravelRoadNetwork, BadInput) {
  std::vector<double> xy{0, 0, 1000, 0};
  std::vector<std::int64_t> f{0}, t{1}, bad{2};
  EXPECT_THROW(RoadNetwork::from_edges(xy, f, t, std::vector<double>{0.0}), InvalidInput);
  EXPECT_THROW(RoadNetwork::from_edges(xy, f, t, std::vector<double>{-30.0}), InvalidInput);
  EXPECT_THROW(RoadNetwork::from_edges(xy, f, t, std::vector<double>{std::nan("")}), InvalidInput);
  EXPECT_THROW(RoadNetwork::from_edges(xy, f, bad, std::vector<double>{50}), InvalidInput);
  EXPECT_THROW(RoadNetwork::from_edges(xy, {}, {}, {}), InvalidInput);
  RoadNetworkOptions geo;
  geo.crs = "EPSG:4326";
  EXPECT_THROW(RoadNetwork::from_edges(xy, f, t, std::vector<double>{50}, {}, {}, geo), CrsError);
  RoadNetworkOptions snap;
  snap.snap_speed_kmh = 0;
  EXPECT_THROW(RoadNetwork::from_edges(xy, f, t, std::vector<double>{50}, {}, {}, snap),
               InvalidInput);
  try {
    RoadNetwork::from_edges(xy, f, t, std::vector<double>{-1});
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("edge 0"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------- road network: files

namespace {

// A 4-node block (about 140 m x 110 m) near Amsterdam and a diagonal footway.
const char* kOsm = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="libmatch-test">
  <node id="1" lat="52.3400" lon="4.9300" version="1"/>
  <node id="2" lat="52.3400" lon="4.9320" version="1"/>
  <node id="3" lat="52.3410" lon="4.9320" version="1"/>
  <node id="4" lat="52.3410" lon="4.9300" version="1"/>
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
  <way id="11" version="1"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="12" version="1"><nd ref="3"/><nd ref="4"/><tag k="highway" v="residential"/></way>
  <way id="13" version="1"><nd ref="4"/><nd ref="1"/><tag k="highway" v="tertiary"/><tag k="maxspeed" v="70"/></way>
  <way id="14" version="1"><nd ref="1"/><nd ref="3"/><tag k="highway" v="footway"/></way>
</osm>
)";

// Lon/lat -> RD New with OGR directly (the library's own transform is hidden in a shared build).
std::vector<double> rd_of(std::vector<double> lonlat) {
  OGRSpatialReference from, to;
  from.importFromEPSG(4326);
  to.importFromEPSG(28992);
  from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRCoordinateTransformation* ct = OGRCreateCoordinateTransformation(&from, &to);
  for (std::size_t i = 0; i < lonlat.size(); i += 2) ct->Transform(1, &lonlat[i], &lonlat[i + 1]);
  OGRCoordinateTransformation::DestroyCT(ct);
  return lonlat;
}

}  // namespace

TEST(TravelRoadFile, OsmXmlWithOneWayStreet) {
  fs::path dir = temp_dir("osm");
  write_file(dir / "block.osm", kOsm);
  RoadNetwork net =
      RoadNetwork::from_file((dir / "block.osm").string(), RoadNetworkOptions::osm_car());
  EXPECT_EQ(net.edge_count(), 4);
  EXPECT_EQ(net.skipped_features(), 1);  // the footway
  std::vector<double> n =
      rd_of({4.9300, 52.3400, 4.9320, 52.3400, 4.9320, 52.3410, 4.9300, 52.3410});
  auto len = [&](int a, int b) {
    return std::hypot(n[2 * a] - n[2 * b], n[2 * a + 1] - n[2 * b + 1]);
  };
  std::vector<double> p2{n[2], n[3]}, p3{n[4], n[5]};
  TravelPairs fwd = net.pairs(p2, p3), back = net.pairs(p3, p2);
  ASSERT_EQ(fwd.minutes.size(), 1u);
  ASSERT_EQ(back.minutes.size(), 1u);
  // 2 -> 3 along the one-way street at 30 km/h; 3 -> 2 around the block: 3-4 at 30,
  // 4-1 at its tagged maxspeed 70 (class speed: 50), 1-2 at 30.
  EXPECT_NEAR(fwd.minutes[0], len(1, 2) / 1000 / 30 * 60, 1e-6);
  EXPECT_NEAR(back.minutes[0], (len(2, 3) / 30 + len(3, 0) / 70 + len(0, 1) / 30) / 1000 * 60,
              1e-6);
  EXPECT_NEAR(back.km[0], (len(2, 3) + len(3, 0) + len(0, 1)) / 1000, 1e-6);
  fs::remove_all(dir);
}

TEST(TravelRoadFile, SharedAmsterdamExtractLoads) {
  const std::string path = std::string(LIBMATCH_SHARED_DATA) + "/osm_amsterdam_small.osm.pbf";
  if (!fs::exists(path)) GTEST_SKIP() << "shared data absent: " << path;
  RoadNetwork net = RoadNetwork::from_file(path, RoadNetworkOptions::osm_car());
  EXPECT_GT(net.edge_count(), 10);
  EXPECT_GT(net.skipped_features(), 20);  // footways and cycleways
  std::vector<double> c = rd_of({4.9325, 52.3435, 4.9380, 52.3460});
  TravelPairs p =
      net.pairs(std::span<const double>(c.data(), 2), std::span<const double>(c.data() + 2, 2));
  EXPECT_EQ(p.origin.size() + p.unreachable_pairs + p.unsnapped_origins.size() +
                p.unsnapped_destinations.size(),
            1u);
}

TEST(TravelRoadFile, GeoJsonFieldsAndErrors) {
  fs::path dir = temp_dir("geojson");
  auto geojson = [&](const std::string& name, const std::string& features) {
    write_file(
        dir / name,
        R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":[)" +
            features + "]}");
    return (dir / name).string();
  };
  auto line = [](const std::string& props, const std::string& coords) {
    return R"({"type":"Feature","properties":)" + props +
           R"(,"geometry":{"type":"LineString","coordinates":)" + coords + "}}";
  };
  const std::string good = geojson(
      "roads.geojson",
      line(R"({"class":"main","maxspeed":80,"oneway":"no"})", "[[0,0],[1000,0]]") + "," +
          line(R"({"class":"local","maxspeed":null,"oneway":"-1"})", "[[1000,0],[1000,1000]]"));
  RoadNetworkOptions opt;
  opt.speed_field = "maxspeed";
  opt.class_field = "class";
  opt.class_speeds = {{"local", 30}};
  opt.oneway_field = "oneway";
  RoadNetwork net = RoadNetwork::from_file(good, opt);
  std::vector<double> a{0, 0}, b{1000, 1000};
  TravelPairs ab = net.pairs(a, b), ba = net.pairs(b, a);
  EXPECT_TRUE(ab.minutes.empty());  // the local road is reverse-only
  EXPECT_EQ(ab.unreachable_pairs, 1);
  ASSERT_EQ(ba.minutes.size(), 1u);
  EXPECT_NEAR(ba.minutes[0], 2.0 + 0.75, 1e-9);

  // Missing speed: no class mapping and no default.
  RoadNetworkOptions no_class = opt;
  no_class.class_speeds.clear();
  try {
    RoadNetwork::from_file(good, no_class);
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("has no speed"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("roads.geojson"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("field 'class'"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("local"), std::string::npos) << e.what();  // no value
  }
  no_class.default_speed_kmh = 45.0;
  EXPECT_NO_THROW(RoadNetwork::from_file(good, no_class));
  // Zero and negative speeds.
  const std::string zero = geojson("zero.geojson", line(R"({"maxspeed":0})", "[[0,0],[1000,0]]"));
  RoadNetworkOptions sf;
  sf.speed_field = "maxspeed";
  EXPECT_THROW(RoadNetwork::from_file(zero, sf), InvalidInput);
  RoadNetworkOptions neg = opt;
  neg.class_speeds = {{"local", -5}};
  EXPECT_THROW(RoadNetwork::from_file(good, neg), InvalidInput);
  // Unknown field, unknown layer, missing file.
  RoadNetworkOptions unknown;
  unknown.speed_field = "speed_kmh";
  EXPECT_THROW(RoadNetwork::from_file(good, unknown), UnknownId);
  RoadNetworkOptions layer;
  layer.layer = "nope";
  layer.default_speed_kmh = 50.0;
  EXPECT_THROW(RoadNetwork::from_file(good, layer), UnknownId);
  EXPECT_THROW(RoadNetwork::from_file((dir / "absent.gpkg").string(), layer), FileMissing);
  // A layer with no lines.
  const std::string points = geojson(
      "points.geojson",
      R"({"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}})");
  RoadNetworkOptions def;
  def.default_speed_kmh = 50.0;
  try {
    RoadNetwork::from_file(points, def);
    FAIL();
  } catch (const GeometryError& e) {
    EXPECT_NE(std::string(e.what()).find("no line features"), std::string::npos) << e.what();
  }
  // A source without a CRS, and a geographic working CRS.
  write_file(dir / "nocrs.csv", "WKT,speed\n\"LINESTRING (0 0,1000 0)\",50\n");
  EXPECT_THROW(RoadNetwork::from_file((dir / "nocrs.csv").string(), def), CrsError);
  RoadNetworkOptions with_src = def;
  with_src.source_crs = "EPSG:28992";
  EXPECT_EQ(RoadNetwork::from_file((dir / "nocrs.csv").string(), with_src).edge_count(), 1);
  RoadNetworkOptions geo = def;
  geo.crs = "EPSG:4326";
  EXPECT_THROW(RoadNetwork::from_file(good, geo), CrsError);
  fs::remove_all(dir);
}
