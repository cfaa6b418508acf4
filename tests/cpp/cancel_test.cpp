// Cooperative cancellation (cancel.hpp): the thread pool (parallel.hpp), the simulation week
// loop and the design annealing stop with Cancelled once a request is pending, and
// reset_cancel() lets the next call run normally.
#include "libmatch/cancel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "libmatch/design.hpp"
#include "libmatch/error.hpp"
#include "libmatch/simulate.hpp"
#include "parallel.hpp"

using namespace libmatch;

namespace {

// Clears the process-wide flag around every test, whatever the test did.
class Cancel : public ::testing::Test {
 protected:
  void SetUp() override { reset_cancel(); }
  void TearDown() override { reset_cancel(); }
};

// Requests cancellation from another thread once the call under test is under way.
class LateCancel {
 public:
  explicit LateCancel(int ms)
      : thread_([ms] {
          std::this_thread::sleep_for(std::chrono::milliseconds(ms));
          request_cancel();
        }) {}
  ~LateCancel() { thread_.join(); }

 private:
  std::thread thread_;
};

Scenario busy_scenario(std::int64_t weeks) {
  Scenario s;
  s.name = "busy";
  s.horizon_weeks = weeks;
  ServiceSpec svc;
  svc.name = "s";
  svc.duration.mean_weeks = 4;
  s.services = {svc};
  for (int a = 0; a < 20; ++a) {
    Advisor adv;
    adv.id = std::string("A") + std::to_string(100 + a);
    adv.base = {1000.0 * a, 0.0};
    adv.capacity = 5;
    s.advisors.push_back(adv);
  }
  for (int l = 0; l < 50; ++l) s.locations.push_back({400.0 * l, 300.0});
  ArrivalStream st;
  st.rate_per_week = 20;
  s.arrivals = {st};
  s.initial_cases = false;
  return s;
}

DesignProblem strip(int n) {
  DesignProblem p;
  for (int i = 0; i < n; ++i) {
    p.ids.push_back(std::string("u") + std::to_string(i));
    p.centroid.push_back({1000.0 * i + 500.0, 500.0});
    p.area_m2.push_back(1e6);
    p.perimeter_m.push_back(4000.0);
    p.demand.push_back(1.0 + i % 3);
    if (i + 1 < n) p.adjacency.push_back({i, i + 1, 1000.0});
  }
  return p;
}

}  // namespace

TEST_F(Cancel, ParallelForStopsBetweenChunksAndRunsAfterReset) {
  const std::int64_t n = 1 << 20;
  for (int threads : {1, 2, 4}) {
    std::atomic<std::int64_t> done{0};
    auto body = [&](std::int64_t b, std::int64_t e) {
      request_cancel();  // from inside the first chunk
      done += e - b;
    };
    EXPECT_THROW(detail::parallel_for(n, threads, 1024, body, "test loop"), Cancelled);
    EXPECT_LT(done.load(), n) << threads << " threads";
    reset_cancel();
    std::vector<int> hits(static_cast<std::size_t>(n), 0);
    detail::parallel_for(n, threads, 1024, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) ++hits[i];
    });
    EXPECT_EQ(std::accumulate(hits.begin(), hits.end(), std::int64_t{0}), n);
    EXPECT_EQ(*std::min_element(hits.begin(), hits.end()), 1);
  }
}

TEST_F(Cancel, ParallelDynamicStopsAndNamesTheWork) {
  for (int threads : {1, 3}) {
    std::atomic<std::int64_t> done{0};
    try {
      detail::parallel_dynamic(
          100000, threads,
          [&](std::int64_t, int) {
            request_cancel();
            ++done;
          },
          {}, "test sweep");
      ADD_FAILURE() << "no Cancelled with " << threads << " threads";
    } catch (const Cancelled& e) {
      EXPECT_NE(std::string(e.what()).find("test sweep"), std::string::npos) << e.what();
    }
    EXPECT_LT(done.load(), 100000);
    reset_cancel();
    done = 0;
    detail::parallel_dynamic(1000, threads, [&](std::int64_t, int) { ++done; });
    EXPECT_EQ(done.load(), 1000);
  }
}

TEST_F(Cancel, PendingRequestStopsASimulationAndResetLetsItRun) {
  const Simulator sim(busy_scenario(30), 1);
  const SimulationResult before = sim.run(7, false);
  request_cancel();
  EXPECT_THROW(sim.run(7, false), Cancelled);
  EXPECT_THROW(simulate_many({&sim}, {1, 2, 3}, 2), Cancelled);
  reset_cancel();
  const SimulationResult after = sim.run(7, false);
  EXPECT_EQ(after.summary.arrivals, before.summary.arrivals);
  EXPECT_EQ(after.summary.matched, before.summary.matched);
  EXPECT_EQ(after.weeks.size(), 30u);
}

TEST_F(Cancel, RequestDuringTheWeekLoopStopsALongSimulation) {
  // 100000 weeks would take minutes; the week loop must notice the request.
  const Simulator sim(busy_scenario(100000), 1);
  LateCancel late(50);
  EXPECT_THROW(sim.run(1, false), Cancelled);
}

TEST_F(Cancel, RequestDuringAnnealingStopsADesign) {
  const DesignProblem p = strip(30);
  DesignOptions o;
  o.k = 3;
  o.starts = 1;
  o.threads = 1;
  o.iterations = std::int64_t{1} << 50;  // would never finish
  LateCancel late(50);
  EXPECT_THROW(design_areas(p, o), Cancelled);
}

TEST_F(Cancel, ResetLetsTheNextDesignRunUnchanged) {
  const DesignProblem p = strip(12);
  DesignOptions o;
  o.k = 3;
  o.seed = 5;
  o.starts = 3;
  o.threads = 2;
  const DesignResult before = design_areas(p, o);
  request_cancel();
  EXPECT_THROW(design_areas(p, o), Cancelled);
  reset_cancel();
  const DesignResult after = design_areas(p, o);
  EXPECT_EQ(after.labels, before.labels);
  EXPECT_EQ(after.objective, before.objective);
}
