// Simulation: hand-checked tiny scenarios (exact weekly numbers), invariants, determinism,
// sweeps, samplers and bad input.
#include "libmatch/simulate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "libmatch/error.hpp"
#include "random.hpp"

using namespace libmatch;

namespace {

Advisor advisor(const std::string& id, double x, std::int64_t capacity) {
  Advisor a;
  a.id = id;
  a.base = {x, 0.0};
  a.service = 0;
  a.capacity = capacity;
  return a;
}

ReplayArrival replay(std::int64_t week, std::int64_t location) {
  ReplayArrival r;
  r.week = week;
  r.location = location;
  return r;
}

// Two advisors on a line (A at x = 0, B at x = 10 km), one service of 3 weeks, straight-line
// travel x1.3 at 60 km/h: 1 km = 1.3 minutes.
Scenario tiny() {
  Scenario s;
  s.name = "tiny";
  s.horizon_weeks = 6;
  ServiceSpec svc;
  svc.name = "s";
  svc.duration.kind = DurationKind::Fixed;
  svc.duration.mean_weeks = 3;
  svc.hours_per_case = 36;
  s.services = {svc};
  s.advisors = {advisor("A", 0, 1), advisor("B", 10000, 1)};
  s.locations = {{1000, 0}, {2000, 0}, {9000, 0}};
  s.replay = {replay(0, 0), replay(0, 1), replay(1, 2), replay(3, 2)};
  s.escalate_after_weeks = 1;
  s.initial_cases = false;
  AdvisorEvent leave;
  leave.week = 4;
  leave.kind = EventKind::Leave;
  leave.advisor = 1;
  s.events = {leave};
  return s;
}

void expect_conservation(const SimulationResult& r) {
  for (const auto& k : r.weeks) {
    EXPECT_EQ(r.summary.initial_cases + k.arrivals_total,
              k.matched_total + k.waiting + k.escalated_total + k.referred_total)
        << "week " << k.week;
    EXPECT_EQ(k.matched_total, k.in_service + k.completed_total);
  }
}

}  // namespace

TEST(Simulate, TinyScenarioWeekByWeek) {
  const auto r = simulate(tiny(), 7, true);
  ASSERT_EQ(r.weeks.size(), 6u);
  const auto& w = r.weeks;
  // Week 0: r0 (1 km from A) -> A, r1 (2 km from A, 8 km from B) -> B: 1.3 + 10.4 beats 11.7 + 2.6.
  EXPECT_EQ(w[0].arrivals, 2);
  EXPECT_EQ(w[0].matched, 2);
  EXPECT_EQ(w[0].matched_first, 2);
  EXPECT_DOUBLE_EQ(w[0].wait_mean, 0.0);
  EXPECT_NEAR(w[0].travel_mean, (1.3 + 10.4) / 2, 1e-9);
  EXPECT_NEAR(w[0].travel_p90, 10.4, 1e-9);
  EXPECT_DOUBLE_EQ(w[0].util_mean, 1.0);
  EXPECT_DOUBLE_EQ(w[0].util_gini, 0.0);
  EXPECT_EQ(w[0].in_service, 2);
  EXPECT_DOUBLE_EQ(w[0].hours_started, 72.0);
  // Week 1: r2 arrives, both advisors full: it waits.
  EXPECT_EQ(w[1].arrivals, 1);
  EXPECT_EQ(w[1].matched, 0);
  EXPECT_EQ(w[1].waiting, 1);
  EXPECT_TRUE(std::isnan(w[1].wait_mean));
  EXPECT_TRUE(std::isnan(w[1].travel_mean));
  // Week 2: still no room after one week of waiting: escalated.
  EXPECT_EQ(w[2].escalated, 1);
  EXPECT_EQ(w[2].waiting, 0);
  // Week 3: r0 and r1 complete (matched in week 0, 3 weeks); r3 (1 km from B) -> B.
  EXPECT_EQ(w[3].completed, 2);
  EXPECT_EQ(w[3].matched, 1);
  EXPECT_NEAR(w[3].travel_mean, 1.3, 1e-9);
  EXPECT_DOUBLE_EQ(w[3].util_mean, 0.5);
  EXPECT_DOUBLE_EQ(w[3].util_max, 1.0);
  EXPECT_DOUBLE_EQ(w[3].util_gini, 0.5);
  // Week 4: B leaves: only its case moves, to A (9 km).
  EXPECT_EQ(w[4].reassigned, 1);
  EXPECT_EQ(w[4].matched, 1);
  EXPECT_EQ(w[4].matched_first, 0);
  EXPECT_NEAR(w[4].travel_mean, 11.7, 1e-9);
  EXPECT_EQ(w[4].advisors_active, 1);
  EXPECT_DOUBLE_EQ(w[4].util_mean, 1.0);
  EXPECT_EQ(w[5].in_service, 1);
  EXPECT_EQ(w[5].completed, 0);

  const auto& s = r.summary;
  EXPECT_EQ(s.arrivals, 4);
  EXPECT_EQ(s.matched, 4);
  EXPECT_EQ(s.matched_first, 3);
  EXPECT_EQ(s.escalated, 1);
  EXPECT_EQ(s.escalated_by_reason[4], 1);  // no_capacity
  EXPECT_EQ(s.completed, 2);
  EXPECT_EQ(s.reassigned, 1);
  EXPECT_EQ(s.in_service_end, 1);
  EXPECT_NEAR(s.travel_mean, (1.3 + 10.4 + 1.3 + 11.7) / 4, 1e-9);
  EXPECT_NEAR(s.travel_p90, 11.7, 1e-9);
  expect_conservation(r);

  // Details: the case log and the assignment stints agree with the weekly table.
  ASSERT_EQ(r.cases.size(), 4u);
  EXPECT_EQ(r.cases[2].status, 3);  // escalated
  EXPECT_EQ(r.cases[2].reason, Escalation::NoCapacity);
  EXPECT_EQ(r.cases[3].matches, 2);
  ASSERT_EQ(r.assignments.size(), 4u);
  EXPECT_EQ(r.assignments[2].advisor, 1);
  EXPECT_EQ(r.assignments[2].week_end, 4);
  EXPECT_EQ(r.assignments[2].end, 3);  // reassigned
  EXPECT_EQ(r.assignments[3].advisor, 0);
  EXPECT_EQ(r.advisor_weeks.size(), 12u);
  EXPECT_EQ(r.advisor_weeks[2 * 4 + 1].status, 3);  // B left in week 4
}

TEST(Simulate, NoKlikExcludesEachAdvisorThenEscalates) {
  Scenario s = tiny();
  s.advisors[0].capacity = s.advisors[1].capacity = 5;
  s.replay = {replay(0, 0)};
  s.events.clear();
  s.no_klik_probability = 1.0;
  s.escalate_after_weeks = 2;
  const auto r = simulate(s, 1);
  const auto& w = r.weeks;
  EXPECT_EQ(w[0].matched, 1);
  EXPECT_EQ(w[1].no_klik_returns, 1);
  EXPECT_EQ(w[1].matched, 1);  // to B now
  EXPECT_NEAR(w[1].travel_mean, 11.7, 1e-9);
  EXPECT_EQ(w[2].no_klik_returns, 1);
  EXPECT_EQ(w[2].matched, 0);  // both excluded
  EXPECT_EQ(w[2].waiting, 1);
  EXPECT_EQ(w[3].waiting, 1);
  EXPECT_EQ(w[4].escalated, 1);  // 2 weeks after it re-entered the queue
  EXPECT_EQ(r.summary.no_klik_returns, 2);
  EXPECT_EQ(r.summary.matched_first, 1);
  EXPECT_EQ(r.summary.escalated_by_reason[2], 1);  // all_excluded
  expect_conservation(r);
}

TEST(Simulate, AbsencePausesCasesAndCapacityCutMovesTheLatest) {
  Scenario s = tiny();
  s.services[0].duration.mean_weeks = 2;
  s.advisors[0].capacity = 3;
  s.advisors[1].capacity = 3;
  s.horizon_weeks = 6;
  s.replay = {replay(0, 0), replay(1, 1), replay(1, 0)};
  AdvisorEvent absence;
  absence.week = 1;
  absence.kind = EventKind::Absence;
  absence.advisor = 0;
  absence.weeks = 2;
  s.events = {absence};
  auto r = simulate(s, 3, true);
  // r0 -> A in week 0; A is absent in weeks 1-2, so r0 progresses in week 0 and 3 only.
  EXPECT_EQ(r.assignments[0].advisor, 0);
  EXPECT_EQ(r.assignments[0].week_end, 4);
  EXPECT_EQ(r.weeks[1].advisors_absent, 1);
  EXPECT_EQ(r.weeks[1].advisors_active, 1);  // the absent advisor is not active
  EXPECT_EQ(r.weeks[1].capacity_total, 3);   // nor is its capacity
  EXPECT_EQ(r.weeks[0].advisors_active, 2);
  EXPECT_EQ(r.weeks[0].capacity_total, 6);
  EXPECT_EQ(r.weeks[1].matched, 2);  // both week-1 arrivals go to B: A takes no new cases
  EXPECT_EQ(r.assignments[1].advisor, 1);
  EXPECT_EQ(r.assignments[2].advisor, 1);

  // Reassign when absent for >= 2 weeks: r0 moves to B in week 1.
  s.reassign_absence_weeks = 2;
  r = simulate(s, 3, true);
  EXPECT_EQ(r.weeks[1].reassigned, 1);
  EXPECT_EQ(r.assignments[0].week_end, 1);
  EXPECT_EQ(r.assignments[0].end, 3);

  // Capacity cut: B keeps its older case, the most recent one moves.
  s.reassign_absence_weeks = 0;
  s.events.clear();
  s.advisors[0].capacity = 0;  // everything goes to B
  s.replay = {replay(0, 2), replay(1, 2)};
  s.services[0].duration.mean_weeks = 10;
  AdvisorEvent cut;
  cut.week = 2;
  cut.kind = EventKind::Capacity;
  cut.advisor = 1;
  cut.capacity = 1;
  AdvisorEvent grow;
  grow.week = 2;
  grow.kind = EventKind::Capacity;
  grow.advisor = 0;
  grow.capacity = 2;
  s.events = {cut, grow};
  r = simulate(s, 3, true);
  EXPECT_EQ(r.weeks[2].reassigned, 1);
  EXPECT_EQ(r.weeks[2].matched, 1);
  ASSERT_EQ(r.assignments.size(), 3u);
  EXPECT_EQ(r.assignments[0].week_end, -1);  // case 0 (week 0) stays with B
  EXPECT_EQ(r.assignments[1].case_id, 1);
  EXPECT_EQ(r.assignments[1].week_end, 2);
  EXPECT_EQ(r.assignments[2].advisor, 0);
  expect_conservation(r);
}

namespace {

// A random scenario with every feature: streams, gamma durations, areas-free, events.
Scenario random_scenario(std::int64_t n_adv = 30, double rate = 4.0) {
  Scenario s;
  s.name = "random";
  s.horizon_weeks = 40;
  s.tags = {"t0", "t1", "t2"};
  for (int k = 0; k < 2; ++k) {
    ServiceSpec svc;
    svc.name = std::string("s") + std::to_string(k);
    svc.duration.kind = k ? DurationKind::Uniform : DurationKind::Gamma;
    svc.duration.mean_weeks = 6;
    svc.duration.sd_weeks = 3;
    svc.duration.min_weeks = 2;
    svc.duration.max_weeks = 9;
    s.services.push_back(svc);
  }
  detail::Rng rng(42);
  for (std::int64_t a = 0; a < n_adv; ++a) {
    Advisor adv;
    adv.id = std::string("A") + std::to_string(100 + a);
    adv.base = {rng.uniform() * 60000, rng.uniform() * 40000};
    adv.service = static_cast<std::int32_t>(a % 2);
    adv.expertise = {static_cast<std::int32_t>(a % 3)};
    if (a % 4 == 0) adv.expertise.push_back((a + 1) % 3);
    adv.capacity = 2 + static_cast<std::int64_t>(rng.below(5));
    adv.caseload =
        static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(adv.capacity + 1)));
    adv.radius_km = a % 5 == 0 ? std::numeric_limits<double>::infinity() : 35.0;
    s.advisors.push_back(adv);
  }
  for (int l = 0; l < 400; ++l)
    s.locations.push_back({rng.uniform() * 60000, rng.uniform() * 40000});
  for (int k = 0; k < 2; ++k) {
    ArrivalStream st;
    st.service = k;
    st.rate_per_week = rate;
    st.needs = {{0, 0.3}, {1, 0.2}, {2, 0.2}};
    st.priorities = {{0, 0.8}, {1, 0.2}};
    st.refer_probability = 0.05;
    if (k == 1)
      for (int l = 0; l < 200; ++l) {
        st.locations.push_back(l);
        st.location_weights.push_back(1.0 + l % 3);
      }
    s.arrivals.push_back(st);
  }
  s.no_klik_probability = 0.1;
  s.escalate_after_weeks = 3;
  AdvisorEvent e;
  e.week = 10, e.kind = EventKind::Leave, e.advisor = 3;
  s.events.push_back(e);
  e.week = 5, e.kind = EventKind::Absence, e.advisor = 4, e.weeks = 3;
  s.events.push_back(e);
  e.week = 12, e.kind = EventKind::Capacity, e.advisor = 5, e.capacity = 1;
  s.events.push_back(e);
  Advisor joiner = s.advisors[0];
  joiner.id = "A999";
  joiner.caseload = 0;
  s.advisors.push_back(joiner);
  e.week = 15, e.kind = EventKind::Join, e.advisor = n_adv;
  s.events.push_back(e);
  return s;
}

bool same(const SimulationResult& a, const SimulationResult& b) {
  if (a.weeks.size() != b.weeks.size()) return false;
  auto eq = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
  for (std::size_t w = 0; w < a.weeks.size(); ++w) {
    const auto &x = a.weeks[w], &y = b.weeks[w];
    if (x.arrivals != y.arrivals || x.matched != y.matched || x.escalated != y.escalated ||
        x.waiting != y.waiting || x.no_klik_returns != y.no_klik_returns ||
        x.reassigned != y.reassigned || !eq(x.travel_mean, y.travel_mean) ||
        !eq(x.util_gini, y.util_gini) || !eq(x.wait_p90, y.wait_p90))
      return false;
  }
  return eq(a.summary.travel_mean, b.summary.travel_mean) && a.summary.matched == b.summary.matched;
}

}  // namespace

TEST(Simulate, InvariantsOnARandomScenario) {
  const Scenario s = random_scenario();
  Simulator sim(s);
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const auto r = sim.run(seed, true);
    expect_conservation(r);
    EXPECT_GT(r.summary.arrivals, 200);
    EXPECT_GT(r.summary.no_klik_returns, 0);
    EXPECT_GT(r.summary.referred, 0);
    // Rebuild caseloads from the stints: never above capacity, never two advisors at once.
    std::map<std::int64_t, std::vector<std::pair<std::int64_t, std::int64_t>>> by_case;
    for (const auto& st : r.assignments)
      by_case[st.case_id].push_back(
          {st.week_start, st.week_end < 0 ? s.horizon_weeks : st.week_end});
    for (auto& [id, v] : by_case)
      for (std::size_t k = 1; k < v.size(); ++k)
        EXPECT_LE(v[k - 1].second, v[k].first) << "case " << id;
    for (const auto& aw : r.advisor_weeks) {
      std::int64_t load = 0;
      for (const auto& st : r.assignments)
        if (st.advisor == aw.advisor && st.week_start <= aw.week &&
            (st.week_end < 0 || st.week_end > aw.week))
          ++load;
      EXPECT_EQ(load, aw.caseload) << "advisor " << aw.advisor << " week " << aw.week;
      EXPECT_LE(aw.caseload, aw.capacity);
    }
  }
}

TEST(Simulate, SameSeedSameResultWhateverTheThreads) {
  const Scenario s = random_scenario();
  Simulator a(s, 1), b(s, 2);
  EXPECT_TRUE(same(a.run(11), b.run(11)));
  EXPECT_FALSE(same(a.run(11), a.run(12)));
  Scenario s2 = random_scenario(20, 3.0);
  Simulator c(s2);
  std::vector<const Simulator*> sims = {&a, &c};
  std::vector<std::uint64_t> seeds = {1, 2, 3};
  std::int64_t last = 0;
  const auto one = simulate_many(sims, seeds, 1);
  const auto two = simulate_many(sims, seeds, 2, [&](std::int64_t done) { last = done; });
  EXPECT_EQ(last, 6);
  ASSERT_EQ(one.size(), 6u);
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_TRUE(same(one[k], two[k])) << k;
    EXPECT_TRUE(same(one[k], sims[k / 3]->run(seeds[k % 3]))) << k;
  }
}

TEST(Simulate, ProgressCallbackErrorStopsTheSweep) {
  Simulator a(random_scenario());
  std::vector<const Simulator*> sims = {&a};
  std::vector<std::uint64_t> seeds(20);
  EXPECT_THROW(simulate_many(sims, seeds, 2, [](std::int64_t) { throw InvalidInput("stop"); }),
               InvalidInput);
}

TEST(Simulate, CommonRandomNumbersAcrossStaffing) {
  Scenario lean = random_scenario(), rich = random_scenario();
  for (auto& a : rich.advisors) a.capacity += 2;
  const auto x = simulate(lean, 5), y = simulate(rich, 5);
  for (std::size_t w = 0; w < x.weeks.size(); ++w)
    EXPECT_EQ(x.weeks[w].arrivals, y.weeks[w].arrivals);
  EXPECT_LE(y.summary.escalated, x.summary.escalated);
}

TEST(Simulate, Samplers) {
  detail::Rng rng(detail::hash_keys({1, 2, 3}));
  for (double lambda : {0.3, 4.0, 75.0}) {
    double sum = 0, sq = 0;
    const int n = 20000;
    for (int k = 0; k < n; ++k) {
      double v = static_cast<double>(detail::poisson(rng, lambda));
      sum += v;
      sq += v * v;
    }
    const double mean = sum / n, var = sq / n - mean * mean;
    EXPECT_NEAR(mean, lambda, 4 * std::sqrt(lambda / n)) << lambda;
    EXPECT_NEAR(var, lambda, 0.06 * lambda + 0.01) << lambda;
  }
  for (double shape : {0.5, 2.0, 16.0}) {
    double sum = 0;
    const int n = 20000;
    for (int k = 0; k < n; ++k) sum += detail::gamma_unit(rng, shape);
    EXPECT_NEAR(sum / n, shape, 4 * std::sqrt(shape / n)) << shape;
  }
  // Known values: the generator is specified here, not by the standard library.
  detail::Rng fixed(0);
  const std::uint64_t first = fixed.next();
  detail::Rng again(0);
  EXPECT_EQ(first, again.next());
}

TEST(Simulate, BadInputIsRejectedWithNamedFields) {
  auto expect_msg = [](const Scenario& s, const std::string& part) {
    try {
      validate(s);
      ADD_FAILURE() << "no error for " << part;
    } catch (const InvalidInput& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  Scenario s = random_scenario();
  s.horizon_weeks = 0;
  expect_msg(s, "horizon_weeks");
  EXPECT_THROW(Simulator{s}, InvalidInput);
  s = random_scenario();
  s.arrivals[1].rate_per_week = -1;
  expect_msg(s, "arrivals[1].rate_per_week");
  s = random_scenario();
  s.arrivals[0].label = "arrivals[0] (s0)";
  s.arrivals[0].service = 7;
  EXPECT_THROW(validate(s), UnknownId);
  s = random_scenario();
  s.services[0].duration.mean_weeks = -2;
  expect_msg(s, "services['s0'].duration_weeks.mean_weeks");
  s = random_scenario();
  s.services[1].duration.max_weeks = 1;
  expect_msg(s, "max_weeks");
  s = random_scenario();
  s.no_klik_probability = 1.5;
  expect_msg(s, "no_klik_probability");
  s = random_scenario();
  s.events[0].week = 20;  // leave after ... fine; now leave twice
  s.events.push_back(s.events[0]);
  expect_msg(s, "has already left");
  s = random_scenario();
  s.advisors[1].id = s.advisors[0].id;
  expect_msg(s, "appears twice");
  s = random_scenario();
  s.escalate_after_weeks = -1;
  expect_msg(s, "escalate_after_weeks");
}
