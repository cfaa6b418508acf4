// LEMON peer for benchmarks/bench_assignment.py (not part of the library; built by the script
// with `g++ -O2 ... -llemon`). Reads one transportation instance in the binary layout written
// by the script (little-endian int64):
//   n_rows n_cols n_arcs has_load repeat
//   arc_row[n_arcs] arc_col[n_arcs] arc_cost[n_arcs] capacity[n_cols] unassigned[n_rows]
//   if has_load: load_offset[n_cols + 1] load_cost[load_offset[n_cols]]
// and builds the network exactly as libmatch's model defines it: source supply 1 per row,
// row -> column arcs (capacity 1, the arc's cost), row -> sink "unassigned" arcs (capacity 1,
// the row's unassigned cost), and per column either one column -> sink arc with its capacity
// at cost 0 or, with load costs, one parallel unit arc per unit of capacity at its marginal
// cost. Runs NetworkSimplex and CostScaling (default settings) `repeat` times each on freshly
// constructed solver objects and prints, per algorithm, one line
//   <name> <best wall seconds of run()> <best thread CPU seconds of run()> <objective>
// Only run() is timed (solve only); graph and map building are reported as "build".
#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using i64 = std::int64_t;
using Graph = lemon::SmartDigraph;

std::vector<i64> read(std::ifstream& in, i64 n) {
  std::vector<i64> v(static_cast<std::size_t>(n));
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(i64)));
  if (!in) {
    std::fprintf(stderr, "lemon_harness: truncated instance file\n");
    std::exit(2);
  }
  return v;
}

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Net {
  Graph g;
  Graph::ArcMap<int> cap{g};
  Graph::ArcMap<long long> cost{g};
  Graph::NodeMap<int> supply{g};
};

void build(Net& net, const std::vector<i64>& head, std::ifstream& in) {
  const i64 n = head[0], m = head[1], n_arcs = head[2], has_load = head[3];
  const auto row = read(in, n_arcs), col = read(in, n_arcs), cost = read(in, n_arcs);
  const auto capacity = read(in, m), unassigned = read(in, n);
  std::vector<i64> load_offset, load_cost;
  if (has_load) {
    load_offset = read(in, m + 1);
    load_cost = read(in, load_offset[m]);
  }
  Graph& g = net.g;
  g.reserveNode(static_cast<int>(n + m + 1));
  g.reserveArc(static_cast<int>(n_arcs + n + (has_load ? load_offset[m] : m)));
  std::vector<Graph::Node> node(static_cast<std::size_t>(n + m + 1));
  for (auto& v : node) v = g.addNode();
  const Graph::Node sink = node[n + m];
  auto arc = [&](Graph::Node u, Graph::Node v, i64 c, i64 k) {
    const Graph::Arc a = g.addArc(u, v);
    net.cap[a] = static_cast<int>(k);
    net.cost[a] = c;
  };
  for (i64 a = 0; a < n_arcs; ++a) arc(node[row[a]], node[n + col[a]], cost[a], 1);
  for (i64 i = 0; i < n; ++i) arc(node[i], sink, unassigned[i], 1);
  for (i64 j = 0; j < m; ++j) {
    if (!has_load) {
      arc(node[n + j], sink, 0, capacity[j]);
      continue;
    }
    for (i64 k = load_offset[j]; k < load_offset[j + 1]; ++k)
      arc(node[n + j], sink, load_cost[k], 1);
  }
  for (i64 v = 0; v < n + m + 1; ++v) net.supply[node[v]] = v < n ? 1 : 0;
  net.supply[sink] = static_cast<int>(-n);
}

template <class Algo, class Setup>
void time_algo(const char* name, const Net& net, i64 repeat, Setup setup) {
  double best_wall = 1e300, best_cpu = 1e300;
  long long objective = 0;
  for (i64 r = 0; r < repeat; ++r) {
    Algo algo(net.g);
    algo.upperMap(net.cap).costMap(net.cost).supplyMap(net.supply);
    const double w0 = wall_now(), c0 = cpu_now();
    const auto status = setup(algo);
    const double c1 = cpu_now(), w1 = wall_now();
    if (status != Algo::OPTIMAL) {
      std::fprintf(stderr, "lemon_harness: %s did not report OPTIMAL\n", name);
      std::exit(3);
    }
    best_wall = std::min(best_wall, w1 - w0);
    best_cpu = std::min(best_cpu, c1 - c0);
    objective = algo.template totalCost<long long>();
  }
  std::printf("%s %.6f %.6f %lld\n", name, best_wall, best_cpu, objective);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lemon_harness INSTANCE.bin [ALGORITHM...]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "lemon_harness: cannot open the instance file\n");
    return 2;
  }
  const auto head = read(in, 5);
  Net net;
  const double t0 = wall_now();
  build(net, head, in);
  std::printf("build %.6f 0 0\n", wall_now() - t0);
  const i64 repeat = std::max<i64>(head[4], 1);
  using NS = lemon::NetworkSimplex<Graph, int, long long>;
  using CS = lemon::CostScaling<Graph, int, long long>;
  std::vector<std::string> algos(argv + 2, argv + argc);
  if (algos.empty()) algos = {"ns-block", "cs-partial"};  // LEMON's defaults
  for (const std::string& a : algos) {
    const char* name = a.c_str();
    if (a == "ns-block") {
      time_algo<NS>(name, net, repeat, [](NS& s) { return s.run(NS::BLOCK_SEARCH); });
    } else if (a == "ns-altering") {
      time_algo<NS>(name, net, repeat, [](NS& s) { return s.run(NS::ALTERING_LIST); });
    } else if (a == "ns-candidate") {
      time_algo<NS>(name, net, repeat, [](NS& s) { return s.run(NS::CANDIDATE_LIST); });
    } else if (a == "cs-partial") {
      time_algo<CS>(name, net, repeat, [](CS& s) { return s.run(CS::PARTIAL_AUGMENT); });
    } else if (a == "cs-augment") {
      time_algo<CS>(name, net, repeat, [](CS& s) { return s.run(CS::AUGMENT); });
    } else if (a == "cs-push") {
      time_algo<CS>(name, net, repeat, [](CS& s) { return s.run(CS::PUSH); });
    } else {
      std::fprintf(stderr, "lemon_harness: unknown algorithm %s\n", name);
      return 2;
    }
  }
  return 0;
}
