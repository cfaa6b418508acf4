// Contraction hierarchy tables (RoadNetwork::prepare) against the Dijkstra tables pair by
// pair (exact minutes and km), determinism over thread counts, and save/load with its errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "libmatch/error.hpp"
#include "libmatch/travel.hpp"
#include "travel_internal.hpp"

namespace fs = std::filesystem;
using namespace libmatch;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// A random planar-ish graph: nodes on a jittered grid, random edges between near nodes,
/// random speeds and one-ways, some zero-length edges (duplicate nodes) and parallel edges.
RoadNetwork random_network(std::uint32_t seed, int side) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u01(0, 1);
  std::vector<double> xy;
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      xy.push_back(x * 100.0 + 30 * u01(rng));
      xy.push_back(y * 100.0 + 30 * u01(rng));
    }
  }
  const std::int64_t n = side * side;
  // Two nodes at the very same place (a zero-length edge joins them).
  xy.push_back(xy[0]);
  xy.push_back(xy[1]);
  std::vector<std::int64_t> from, to;
  std::vector<double> speed;
  std::vector<OneWay> ow;
  const double speeds[] = {30, 50, 50, 80, 100};
  auto add = [&](std::int64_t a, std::int64_t b) {
    from.push_back(a);
    to.push_back(b);
    speed.push_back(speeds[rng() % 5]);
    const double r = u01(rng);
    ow.push_back(r < 0.1 ? OneWay::Forward : (r < 0.2 ? OneWay::Reverse : OneWay::Both));
  };
  for (std::int64_t i = 0; i < n; ++i) {
    const int x = static_cast<int>(i % side), y = static_cast<int>(i / side);
    if (x + 1 < side && u01(rng) > 0.1) add(i, i + 1);
    if (y + 1 < side && u01(rng) > 0.1) add(i, i + side);
    if (x + 1 < side && y + 1 < side && u01(rng) < 0.15) add(i, i + side + 1);
    if (u01(rng) < 0.02) add(i, static_cast<std::int64_t>(rng() % n));  // long links
  }
  add(0, n);  // the zero-length edge
  add(0, 1);  // a parallel edge
  return RoadNetwork::from_edges(xy, from, to, speed, {}, ow);
}

std::vector<double> random_points(std::uint32_t seed, int count, double extent) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-50, extent + 50);
  std::vector<double> p;
  for (int i = 0; i < 2 * count; ++i) p.push_back(u(rng));
  return p;
}

void expect_same(const TravelPairs& a, const TravelPairs& b) {
  ASSERT_EQ(a.origin.size(), b.origin.size());
  EXPECT_EQ(a.origin, b.origin);
  EXPECT_EQ(a.destination, b.destination);
  EXPECT_EQ(a.minutes, b.minutes);  // exactly, not within a tolerance
  EXPECT_EQ(a.km, b.km);
  EXPECT_EQ(a.unreachable_pairs, b.unreachable_pairs);
  EXPECT_EQ(a.unsnapped_origins, b.unsnapped_origins);
  EXPECT_EQ(a.unsnapped_destinations, b.unsnapped_destinations);
}

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() /
         ("libmatch_ch_" + name + "_" + std::to_string(::getpid()) + ".lmnet");
}

std::string read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << s;
}

}  // namespace

TEST(TravelHierarchy, EqualsDijkstraExactlyOnRandomGraphs) {
  for (std::uint32_t seed : {1u, 2u, 3u, 4u}) {
    const int side = 12 + 3 * static_cast<int>(seed);
    RoadNetwork plain = random_network(seed, side);
    RoadNetwork ch = plain;
    ch.prepare(2);
    ASSERT_TRUE(ch.is_prepared());
    ASSERT_FALSE(plain.is_prepared());
    const auto o = random_points(seed * 7, 37, side * 100.0);
    const auto d = random_points(seed * 11, 150, side * 100.0);
    for (double lim : {kInf, 4.0, 0.5}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " max_minutes " + std::to_string(lim));
      const TravelPairs a = plain.pairs(o, d, lim, kInf, 2);
      const TravelPairs b = ch.pairs(o, d, lim, kInf, 2);
      expect_same(a, b);
      if (lim == kInf) {
        EXPECT_GT(a.origin.size(), 1000u);
      }
    }
    expect_same(plain.pairs(o, d, kInf, 1.5, 1), ch.pairs(o, d, kInf, 1.5, 1));
    // The portable build of the sweep (the one CPUs without AVX2 run) gives the same.
    detail::hierarchy_generic_sweep = true;
    expect_same(plain.pairs(o, d, kInf, kInf, 2), ch.pairs(o, d, kInf, kInf, 2));
    detail::hierarchy_generic_sweep = false;
    // Tables too large for rows straight into the result take the row lists.
    const double direct = detail::hierarchy_direct_pairs;
    detail::hierarchy_direct_pairs = 0;
    expect_same(plain.pairs(o, d, kInf, kInf, 2), ch.pairs(o, d, kInf, kInf, 2));
    expect_same(plain.pairs(o, d, 4.0, kInf, 2), ch.pairs(o, d, 4.0, kInf, 2));
    detail::hierarchy_direct_pairs = direct;
    // Origins and destinations on the very nodes (points exactly at edge ends).
    std::vector<double> nodes(plain.node_xy().begin(), plain.node_xy().begin() + 2 * 60);
    expect_same(plain.pairs(nodes, nodes), ch.pairs(nodes, nodes));
  }
}

TEST(TravelHierarchy, EqualsDijkstraOnAnExactGridFullOfTies) {
  // An unjittered grid, 100 m across at 50 km/h and 150 m up at 75 km/h: every edge takes
  // the same time, so most pairs have many equally fast paths. Some cells have a diagonal
  // whose speed makes it as fast as the two sides it cuts (to the tick, mostly) but
  // shorter: equal times, different km. That is where stall-on-demand and the sweep's
  // lexicographic minimum must agree with Dijkstra's rule (fastest, then shortest).
  // Zero-length edges join stacked nodes; a few one-ways; origins on and off the network
  // (one unsnapped), more than one sweep of origins.
  const int side = 14;
  std::vector<double> xy;
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) xy.insert(xy.end(), {x * 100.0, y * 150.0});
  const std::int64_t n = side * side;
  for (std::int64_t k = 0; k < n; k += 17) xy.insert(xy.end(), {xy[2 * k], xy[2 * k + 1]});
  std::vector<std::int64_t> from, to;
  std::vector<double> speed;
  std::vector<OneWay> ow;
  std::mt19937_64 rng(77);
  auto add = [&](std::int64_t a, std::int64_t b, double kmh, OneWay w) {
    from.push_back(a);
    to.push_back(b);
    speed.push_back(kmh);
    ow.push_back(w);
  };
  const double diag_kmh = std::hypot(0.1, 0.15) / (2 * 0.1 / 50);  // as fast as two sides
  for (std::int64_t i = 0; i < n; ++i) {
    const int x = static_cast<int>(i % side), y = static_cast<int>(i / side);
    const OneWay w = rng() % 10 == 0 ? OneWay::Forward : OneWay::Both;
    if (x + 1 < side) add(i, i + 1, 50, w);
    if (y + 1 < side) add(i, i + side, 75, OneWay::Both);
    if (x + 1 < side && y + 1 < side && rng() % 3 == 0) add(i, i + side + 1, diag_kmh, w);
  }
  for (std::int64_t k = 0, extra = n; k < n; k += 17, ++extra) add(k, extra, 50, OneWay::Both);
  RoadNetwork plain = RoadNetwork::from_edges(xy, from, to, speed, {}, ow);
  RoadNetwork ch = plain;
  ch.prepare(2);
  std::vector<double> nodes(plain.node_xy().begin(), plain.node_xy().end());
  auto o = random_points(41, 45, side * 100.0);
  for (std::size_t k = 1; k < o.size(); k += 2) o[k] *= 1.5;
  o.insert(o.end(), nodes.begin(), nodes.begin() + 2 * 30);
  o.insert(o.end(), {1e6, 1e6});  // not snapped
  auto d = random_points(43, 120, side * 100.0);
  for (std::size_t k = 1; k < d.size(); k += 2) d[k] *= 1.5;
  for (double lim : {kInf, 3.0}) {
    SCOPED_TRACE("max_minutes " + std::to_string(lim));
    expect_same(plain.pairs(o, d, lim, kInf, 2), ch.pairs(o, d, lim, kInf, 2));
    expect_same(plain.pairs(nodes, nodes, lim, kInf, 1), ch.pairs(nodes, nodes, lim, kInf, 3));
  }
}

TEST(TravelHierarchy, PathsBeyondThePackedLimitSweepWideAndStayExact) {
  // The sweep packs a label into 64 bits while its ticks and km units stay below 2^30
  // (1,024 minutes / 1,024 km at 2^-20 a tick / unit) and repeats a batch with wide labels
  // when one reaches that. A 45 x 45 grid of 100 m edges at 0.5 km/h (12 minutes an edge):
  // paths across it take up to 1,056 minutes, so some labels pass the limit; a slow link
  // (4,000 minutes) off the grid's corner gives arcs that do not pack at all.
  const int side = 45;
  std::vector<double> xy;
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) xy.insert(xy.end(), {x * 100.0, y * 100.0});
  const std::int64_t n = side * side;
  xy.insert(xy.end(), {-2000.0, 0.0});            // node n: the far end of the slow link
  xy.insert(xy.end(), {4400.0, 1.2e6});           // node n + 1: 1,200 km away by a fast road
  xy.insert(xy.end(), {4400.0, 1.2e6 + 2000.0});  // node n + 2: a little beyond
  std::vector<std::int64_t> from, to;
  std::vector<double> speed;
  std::mt19937_64 rng(8);
  auto add = [&](std::int64_t a, std::int64_t b, double kmh) {
    from.push_back(a);
    to.push_back(b);
    speed.push_back(kmh);
  };
  for (std::int64_t i = 0; i < n; ++i) {
    const int x = static_cast<int>(i % side), y = static_cast<int>(i / side);
    if (x + 1 < side) add(i, i + 1, rng() % 4 == 0 ? 0.4 : 0.5);
    if (y + 1 < side) add(i, i + side, 0.5);
  }
  add(0, n, 2.0 / 4000 * 60);  // 2 km in 4,000 minutes
  // 1,200 km in 600 minutes: its arcs pack in time but not in km; a slow way round too.
  add(side - 1, n + 1, 120.0);
  add(n + 1, n + 2, 0.5);
  add(n - 1, n + 2, 1200.0 / 3000 * 60);
  RoadNetwork plain = RoadNetwork::from_edges(xy, from, to, speed);
  RoadNetwork ch = plain;
  ch.prepare(2);
  auto sweeps = [] {
    return std::pair{detail::hierarchy_sweeps[0].load(), detail::hierarchy_sweeps[1].load()};
  };
  // Near the grid's middle every path fits: packed sweeps only.
  std::vector<double> mid_o, mid_d;
  for (int k = 0; k < 40; ++k) mid_o.insert(mid_o.end(), {1800.0 + 11 * k, 2100.0 + 7 * k});
  for (int k = 0; k < 60; ++k) mid_d.insert(mid_d.end(), {1500.0 + 23 * k, 2500.0 - 13 * k});
  auto before = sweeps();
  expect_same(plain.pairs(mid_o, mid_d, kInf, kInf, 2), ch.pairs(mid_o, mid_d, kInf, kInf, 2));
  auto after = sweeps();
  EXPECT_EQ(after.first - before.first, 3);  // 40 origins: 16 + 16 + 8
  EXPECT_EQ(after.second, before.second);
  // Corner to corner: labels pass the limit, batches repeat wide; exact either way.
  auto o = random_points(3, 40, side * 100.0), d = random_points(4, 200, side * 100.0);
  o.insert(o.end(), {0.0, 0.0});
  d.insert(d.end(), {4400.0, 4400.0});
  d.insert(d.end(), {4400.0, 1.2e6 + 500.0});  // beyond the fast road
  before = sweeps();
  expect_same(plain.pairs(o, d, kInf, kInf, 2), ch.pairs(o, d, kInf, kInf, 2));
  expect_same(plain.pairs(o, d, 900.0, kInf, 1), ch.pairs(o, d, 900.0, kInf, 1));
  detail::hierarchy_generic_sweep = true;
  expect_same(plain.pairs(o, d, kInf, kInf, 2), ch.pairs(o, d, kInf, kInf, 2));
  detail::hierarchy_generic_sweep = false;
  after = sweeps();
  EXPECT_GT(after.second, before.second);
  // A destination on the slow link: its edge part does not pack, the query sweeps wide.
  d.insert(d.end(), {-1000.0, 10.0});
  o.insert(o.end(), {-1500.0, -10.0});
  before = sweeps();
  const TravelPairs a = plain.pairs(o, d, kInf, kInf, 2), b = ch.pairs(o, d, kInf, kInf, 2);
  expect_same(a, b);
  after = sweeps();
  EXPECT_EQ(after.first, before.first);
  EXPECT_EQ(after.second - before.second, 3);  // 42 origins: 16 + 16 + 16
  bool far = false;
  for (std::size_t k = 0; k < a.minutes.size(); ++k) far = far || a.minutes[k] > 4000;
  EXPECT_TRUE(far);
}

TEST(TravelHierarchy, ArcsTooLongToPackStayExact) {
  // A 20 x 20 grid (100 m, 50 km/h) whose nodes are joined to far nodes by fast roads of
  // 1,100 km (550 minutes: their arcs fit the packed limit in ticks, not in km) and by
  // slower ways of 2 x 500 km through a middle node (984 minutes, 1,000 km: packable);
  // the far nodes lead on to short roads. Between the two sides the fast roads are the
  // answers. Here the upward searches meet the fast roads themselves, so their labels do
  // not pack and the batches sweep wide; the tables must be exact all the same.
  const int side = 20;
  std::vector<double> xy;
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) xy.insert(xy.end(), {x * 100.0, y * 100.0});
  const std::int64_t n = side * side;
  std::vector<std::int64_t> from, to;
  std::vector<double> speed, length;
  auto add = [&](std::int64_t a, std::int64_t b, double kmh, double m) {
    from.push_back(a);
    to.push_back(b);
    speed.push_back(kmh);
    length.push_back(m);
  };
  for (std::int64_t i = 0; i < n; ++i) {
    if (i % side + 1 < side) add(i, i + 1, 50, 100);
    if (i / side + 1 < side) add(i, i + side, 50, 100);
  }
  std::vector<double> far_side;
  std::mt19937_64 rng(21);
  std::int64_t next = n;
  for (int f = 0; f < 6; ++f) {
    const std::int64_t F = next++, M = next++, G = next++;
    const double fx = 10000.0 + 3000.0 * f;
    xy.insert(xy.end(), {fx, 0.0, fx - 1500.0, -2000.0, fx + 500.0, 0.0});
    const std::int64_t a = static_cast<std::int64_t>(rng() % n), b = rng() % n;
    add(a, F, 120, 1.1e6);
    add(b, M, 61, 5e5);
    add(M, F, 61, 5e5);
    add(F, G, 50, 500);
    if (f > 0) add(F, F - 3, 50, 2000);  // far nodes in a chain
    far_side.insert(far_side.end(), {fx, 0.0, fx + 500.0, 0.0, fx + 200.0, 5.0});
  }
  RoadNetwork plain = RoadNetwork::from_edges(xy, from, to, speed, length);
  RoadNetwork ch = plain;
  ch.prepare(1);
  std::vector<double> grid_side;
  for (int k = 0; k < 60; ++k)
    grid_side.insert(grid_side.end(), {31.0 * (k % 8) * 7, 29.0 * (k / 8) * 7});
  std::vector<double> all = grid_side;
  all.insert(all.end(), far_side.begin(), far_side.end());
  const TravelPairs a = plain.pairs(all, all, kInf, kInf, 2);
  expect_same(a, ch.pairs(all, all, kInf, kInf, 2));
  expect_same(plain.pairs(far_side, grid_side), ch.pairs(far_side, grid_side));
  expect_same(plain.pairs(grid_side, far_side), ch.pairs(grid_side, far_side));
  bool fast = false;  // a fast road is on the answers (550 minutes plus a little)
  for (std::size_t k = 0; k < a.minutes.size(); ++k)
    fast = fast || (a.minutes[k] > 550 && a.minutes[k] < 600 && a.km[k] > 1100);
  EXPECT_TRUE(fast);
}

TEST(TravelHierarchy, SameHierarchyAndTablesWhateverTheThreadCount) {
  RoadNetwork a = random_network(9, 25), b = a;
  a.prepare(1);
  b.prepare(2);
  const auto ia = a.hierarchy_info(), ib = b.hierarchy_info();
  EXPECT_EQ(ia.checksum, ib.checksum);
  EXPECT_EQ(ia.up_arcs, ib.up_arcs);
  EXPECT_EQ(ia.shortcuts, ib.shortcuts);
  EXPECT_GT(ia.up_arcs + ia.down_arcs, a.arc_count() / 2);
  EXPECT_GT(ia.bytes, 0);
  const auto o = random_points(5, 40, 2500), d = random_points(6, 90, 2500);
  expect_same(a.pairs(o, d, kInf, kInf, 1), b.pairs(o, d, kInf, kInf, 2));
  EXPECT_FALSE(random_network(9, 25).hierarchy_info().prepared);
}

TEST(TravelHierarchy, SaveLoadRoundTrip) {
  RoadNetwork net = random_network(5, 20);
  const auto o = random_points(1, 30, 2000), d = random_points(2, 80, 2000);
  const TravelPairs plain = net.pairs(o, d);
  const fs::path p0 = temp_file("plain");
  net.save(p0.string());
  RoadNetwork back0 = RoadNetwork::load(p0.string());
  EXPECT_FALSE(back0.is_prepared());
  EXPECT_EQ(back0.node_xy(), net.node_xy());
  EXPECT_EQ(back0.arc_minutes(), net.arc_minutes());
  expect_same(back0.pairs(o, d), plain);

  net.prepare();
  const fs::path p1 = temp_file("prepared");
  net.save(p1.string());
  RoadNetwork back1 = RoadNetwork::load(p1.string());
  ASSERT_TRUE(back1.is_prepared());
  EXPECT_EQ(back1.hierarchy_info().checksum, net.hierarchy_info().checksum);
  EXPECT_EQ(back1.hierarchy_info().seconds, net.hierarchy_info().seconds);
  EXPECT_EQ(back1.options().snap_max_m, net.options().snap_max_m);
  expect_same(back1.pairs(o, d), plain);
  // Saved by internal node id whatever the numbering in memory: the same bytes again.
  const fs::path p2 = temp_file("again");
  back1.save(p2.string());
  EXPECT_EQ(read_bytes(p2), read_bytes(p1));
  fs::remove(p0);
  fs::remove(p1);
  fs::remove(p2);
}

TEST(TravelHierarchy, BadFilesRaiseClearErrorsNamingTheFile) {
  RoadNetwork net = random_network(6, 10);
  net.prepare(1);
  const fs::path p = temp_file("bad");
  net.save(p.string());
  const std::string good = read_bytes(p);
  auto expect_file_error = [&](const std::string& bytes, const std::string& why) {
    write_bytes(p, bytes);
    try {
      RoadNetwork::load(p.string());
      ADD_FAILURE() << "no error for " << why;
    } catch (const FileMissing&) {
      ADD_FAILURE() << "FileMissing for " << why;
    } catch (const FileError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
      EXPECT_NE(msg.find(why), std::string::npos) << msg;
    }
  };
  expect_file_error("{\"type\": \"FeatureCollection\"}", "header");  // foreign
  expect_file_error(good.substr(0, good.size() / 2), "truncated");
  expect_file_error(good.substr(0, 12), "truncated");
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x20;
  expect_file_error(flipped, "checksum");
  std::string version = good;
  version[10] = 99;  // the format version follows the 10-byte magic
  expect_file_error(version, "version");
  write_bytes(p, good);
  EXPECT_NO_THROW(RoadNetwork::load(p.string()));
  fs::remove(p);
  EXPECT_THROW(RoadNetwork::load(p.string()), FileMissing);
  EXPECT_THROW(net.save((p / "no" / "dir").string()), FileError);
  // A directory: a FileError naming it, for load and save alike.
  const fs::path dir = temp_file("dir");
  fs::create_directories(dir);
  for (bool load : {true, false}) {
    try {
      load ? (void)RoadNetwork::load(dir.string()) : net.save(dir.string());
      ADD_FAILURE() << "no error for a directory";
    } catch (const FileMissing&) {
      ADD_FAILURE() << "FileMissing for a directory";
    } catch (const FileError& e) {
      EXPECT_NE(std::string(e.what()).find(dir.string() + "' is a directory"), std::string::npos)
          << e.what();
    }
  }
  fs::remove(dir);
}
