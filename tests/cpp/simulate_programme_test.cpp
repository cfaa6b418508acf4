// Simulation of a programme: catalogue money and slots over the horizon, pathways,
// reservations, approach lists, replay rule columns, advisor row order, the Poisson sampler.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "libmatch/error.hpp"
#include "libmatch/simulate.hpp"
#include "random.hpp"

using namespace libmatch;

namespace {

using i64 = std::int64_t;

Advisor advisor(const std::string& id, double x, std::int32_t service, i64 capacity) {
  Advisor a;
  a.id = id;
  a.base = {x, 0.0};
  a.service = service;
  a.capacity = capacity;
  return a;
}

ServiceSpec service(const std::string& name, double weeks, double cost) {
  ServiceSpec s;
  s.name = name;
  s.duration.mean_weeks = weeks;
  s.cost_eur = cost;
  return s;
}

ReplayArrival arrival(i64 week, i64 location, std::int32_t svc, i64 priority) {
  ReplayArrival r;
  r.week = week;
  r.location = location;
  r.service = svc;
  r.priority = priority;
  r.day = 0;
  return r;
}

// Intake (1 week, EUR 100; always followed by coaching one week later) by advisor A, coaching
// (2 weeks, EUR 500, one slot) by B; EUR 850 in all; three intakes in week 0, priorities 2, 1, 0;
// unmatched requests escalate after two weeks.
Scenario tiny_programme() {
  Scenario s;
  s.horizon_weeks = 6;
  s.services = {service("intake", 1, 100), service("coaching", 2, 500)};
  s.services[0].next = {{1, 1.0, 1}};
  s.services[1].max_cases = 1;
  s.advisors = {advisor("A", 0, 0, 1), advisor("B", 0, 1, 1)};
  s.locations = {{1000, 0}, {2000, 0}, {3000, 0}};
  s.replay = {arrival(0, 0, 0, 2), arrival(0, 1, 0, 1), arrival(0, 2, 0, 0)};
  s.budget_eur = 850;
  s.escalate_after_weeks = 2;
  s.initial_cases = false;
  return s;
}

void expect_books(const Scenario& s, const SimulationResult& r) {
  for (const auto& k : r.weeks) {
    EXPECT_EQ(r.summary.initial_cases + k.arrivals_total + k.followups_total,
              k.in_service + k.completed_total + k.waiting + k.escalated_total + k.referred_total)
        << "week " << k.week;
    if (std::isfinite(s.budget_eur)) {
      EXPECT_LE(k.spend_eur_total, s.budget_eur + 1e-9);
      EXPECT_NEAR(k.budget_left_eur + k.spend_eur_total, s.budget_eur, 1e-6);
    } else {
      EXPECT_EQ(k.budget_left_eur, s.budget_eur);
    }
    for (std::size_t v = 0; v < s.services.size(); ++v) {
      EXPECT_GE(k.slots_left[v], 0);
      if (s.services[v].max_cases != kUnlimited) {
        EXPECT_LE(s.services[v].max_cases - k.slots_left[v], s.services[v].max_cases);
      }
    }
  }
  // slots used and spend from the case records (cases of one service started <= max_cases)
  std::vector<i64> started(s.services.size(), 0);
  std::vector<double> spent(s.services.size(), 0.0);
  for (const auto& c : r.cases)
    if (c.first_matched >= 0 && c.registered >= 0) {
      ++started[c.service];
      spent[c.service] += c.cost_eur;
    }
  double total = 0;
  for (std::size_t v = 0; v < s.services.size(); ++v) {
    EXPECT_LE(started[v], s.services[v].max_cases);
    EXPECT_LE(spent[v], s.services[v].budget_eur + 1e-9);
    EXPECT_EQ(started[v], r.summary.by_service[v].started);
    total += spent[v];
  }
  EXPECT_NEAR(total, r.summary.spend_eur, 1e-6);
  // a follow-up enters when its predecessor has ended (plus the step's delay), never before
  for (const auto& c : r.cases) {
    if (c.parent_case < 0) continue;
    const auto& p = r.cases[static_cast<std::size_t>(c.parent_case)];
    ASSERT_EQ(p.status, static_cast<std::int8_t>(CaseStatusCode::Completed));
    EXPECT_GE(c.registered, p.ended);
    if (c.first_matched >= 0) {
      EXPECT_GE(c.first_matched, p.ended);
    }
    EXPECT_EQ(c.registered_day, p.registered_day);
    EXPECT_EQ(c.segment, p.segment);
  }
}

}  // namespace

TEST(SimulateProgramme, TinyProgrammeWeekByWeek) {
  const Scenario s = tiny_programme();
  const SimulationResult r = simulate(s, 0, true);
  ASSERT_EQ(r.weeks.size(), 6u);
  // week: arrivals, follow-ups, completed, matched, escalated, waiting, in service, spend
  // total, coaching slots left
  const i64 expect[6][8] = {
      {3, 0, 0, 1, 0, 2, 1, 1},  // case 0 (priority 2) with A
      {0, 0, 1, 1, 0, 1, 1, 1},  // case 0 done, coaching due in week 2; case 1 with A
      {0, 1, 1, 2, 0, 0, 2, 0},  // case 3 = coaching of case 0 with B; case 2 with A
      {0, 1, 1, 0, 0, 1, 1, 0},  // case 4 = coaching of case 1: no slot left, waits
      {0, 1, 1, 0, 0, 2, 0, 0},  // case 3 done; case 5 = coaching of case 2 waits too
      {0, 0, 0, 0, 1, 1, 0, 0},  // case 4 escalated after two weeks
  };
  const double spend[6] = {100, 200, 800, 800, 800, 800};
  for (int t = 0; t < 6; ++t) {
    const auto& k = r.weeks[t];
    SCOPED_TRACE("week " + std::to_string(t));
    EXPECT_EQ(k.arrivals, expect[t][0]);
    EXPECT_EQ(k.followups, expect[t][1]);
    EXPECT_EQ(k.completed, expect[t][2]);
    EXPECT_EQ(k.matched, expect[t][3]);
    EXPECT_EQ(k.escalated, expect[t][4]);
    EXPECT_EQ(k.waiting, expect[t][5]);
    EXPECT_EQ(k.in_service, expect[t][6]);
    EXPECT_EQ(k.slots_left[1], expect[t][7]);
    EXPECT_DOUBLE_EQ(k.spend_eur_total, spend[t]);
    EXPECT_DOUBLE_EQ(k.budget_left_eur, 850 - spend[t]);
  }
  // EUR 50 left after week 2 is below the cheapest price (100): the budget is out
  EXPECT_EQ(r.summary.budget_out_week, 2);
  EXPECT_EQ(r.summary.by_service[1].out_week, 2);  // coaching: its slot taken in week 2
  EXPECT_EQ(r.summary.escalated_by_code[static_cast<int>(Escalation::SlotsExhausted)], 1);
  ASSERT_EQ(r.cases.size(), 6u);
  const i64 parent[6] = {-1, -1, -1, 0, 1, 2};
  const i64 start_day[6] = {6, 13, 20, 20, -1, -1};  // round of week t: day 7 t + 6
  for (int c = 0; c < 6; ++c) {
    EXPECT_EQ(r.cases[c].parent_case, parent[c]) << c;
    EXPECT_EQ(r.cases[c].start_day, start_day[c]) << c;
    EXPECT_EQ(r.cases[c].registered_day, 0) << c;
  }
  const auto& intake = r.summary.by_service[0];
  EXPECT_EQ(intake.started, 3);
  EXPECT_DOUBLE_EQ(intake.spend_eur, 300);
  EXPECT_DOUBLE_EQ(intake.lead_days_mean, (6 + 13 + 20) / 3.0);
  EXPECT_DOUBLE_EQ(intake.lead_days_p90, 20);
  EXPECT_EQ(r.summary.by_service[1].started, 1);
  EXPECT_EQ(r.summary.by_service[1].escalated, 1);
  EXPECT_EQ(r.summary.by_service[1].slots_left, 0);
  expect_books(s, r);
}

TEST(SimulateProgramme, ReservationHoldsTheLastSlotsForPriority) {
  Scenario s;
  s.horizon_weeks = 4;
  s.services = {service("imk", 3, 2095)};
  s.services[0].max_cases = 2;
  s.advisors = {advisor("IMK", 0, 0, 5)};
  s.locations = {{1000, 0}};
  s.replay = {arrival(0, 0, 0, 0), arrival(0, 0, 0, 0), arrival(1, 0, 0, 3)};
  s.reserve = {{0, 1, 3, 10}};  // one slot for priority >= 3 until week 10
  s.escalate_after_weeks = 1;
  s.initial_cases = false;
  const auto r = simulate(s, 0, true);
  EXPECT_EQ(r.weeks[0].matched, 1);
  EXPECT_EQ(r.weeks[0].waiting, 1);
  EXPECT_EQ(r.weeks[1].matched, 1);  // the acute case takes the held slot
  EXPECT_EQ(r.weeks[1].escalated, 1);
  EXPECT_EQ(r.cases[1].reason, Escalation::ReservedForPriority);
  EXPECT_EQ(r.weeks[1].slots_left[0], 0);
  // without the reservation the second ordinary case takes the slot in week 0
  s.reserve.clear();
  const auto free = simulate(s, 0, true);
  EXPECT_EQ(free.weeks[0].matched, 2);
  EXPECT_EQ(free.cases[2].reason, Escalation::SlotsExhausted);
  expect_books(s, free);
}

TEST(SimulateProgramme, ReplayHonoursExcludePinnedAndCurrentAdvisor) {
  Scenario s;
  s.horizon_weeks = 3;
  s.services = {service("s", 2, 0)};
  s.advisors = {advisor("A", 0, 0, 5), advisor("B", 20000, 0, 5)};
  s.locations = {{1000, 0}, {19000, 0}};
  s.escalate_after_weeks = 1;
  s.initial_cases = false;
  auto with = [&](auto edit) {
    Scenario x = s;
    ReplayArrival r = arrival(0, 0, 0, 0);  // next to A
    edit(r);
    x.replay = {r};
    return simulate(x, 0, true);
  };
  auto advisor_of = [](const SimulationResult& r) {
    return r.assignments.empty() ? std::int64_t{-1} : r.assignments.front().advisor;
  };
  EXPECT_EQ(advisor_of(with([](ReplayArrival&) {})), 0);
  EXPECT_EQ(advisor_of(with([](ReplayArrival& r) { r.exclude = {0}; })), 1);
  const auto none = with([](ReplayArrival& r) { r.exclude = {0, 1}; });
  EXPECT_EQ(advisor_of(none), -1);
  EXPECT_EQ(none.cases[0].reason, Escalation::AllExcluded);
  EXPECT_EQ(none.summary.escalated_by_reason[2], 1);  // all_excluded
  EXPECT_EQ(advisor_of(with([](ReplayArrival& r) {
              r.current_advisor = 1;
              r.pinned = true;
            })),
            1);
  // pinned to an advisor that fails a hard rule (excluded) or is not in the scenario
  const auto gone = with([](ReplayArrival& r) {
    r.current_advisor = kAdvisorNotInPool;
    r.pinned = true;
  });
  EXPECT_EQ(advisor_of(gone), -1);
  EXPECT_EQ(gone.cases[0].reason, Escalation::PinnedAdvisorUnavailable);
  // continuity: B's 45 points beat A's 23.4 extra minutes of travel
  Scenario near = s;
  near.locations = {{9000, 0}};
  ReplayArrival r = arrival(0, 0, 0, 0);
  r.current_advisor = 1;
  near.replay = {r};
  EXPECT_EQ(advisor_of(simulate(near, 0, true)), 1);
  near.replay[0].current_advisor = -1;
  EXPECT_EQ(advisor_of(simulate(near, 0, true)), 0);
  // further locations are accepted (travel from the primary one)
  const auto more = with([](ReplayArrival& r) { r.more_locations = {1}; });
  EXPECT_EQ(advisor_of(more), 0);
  // bad indices are named
  Scenario bad = s;
  bad.replay = {arrival(0, 0, 0, 0)};
  bad.replay[0].exclude = {7};
  EXPECT_THROW(validate(bad), UnknownId);
}

namespace {

// A random programme: initial cases, Poisson and approach-list arrivals, pathways, money and
// slot caps, a reservation, two segments.
Scenario random_programme() {
  Scenario s;
  s.horizon_weeks = 30;
  s.segments = {"tozo", "zonder_tozo"};
  s.services = {service("intake", 1, 112.5), service("coaching", 4, 750), service("imk", 3, 2095),
                service("bad", 1, 0)};
  s.services[0].duration = {DurationKind::Uniform, 1, 0, 1, 2};
  s.services[0].next = {{1, 0.5, 1}, {2, 0.3, 0}, {3, 0.1, 2}};
  s.services[1].next = {{1, 0.2, 0}};
  s.services[2].max_cases = 6;
  s.services[3].referral_only = true;
  s.reserve = {{2, 2, 2, 15}};
  s.budget_eur = 30000;
  for (int k = 0; k < 6; ++k)
    s.advisors.push_back(advisor("C" + std::to_string(k), 4000.0 * k, k % 2, 2 + k % 3));
  s.advisors.push_back(advisor("IMK", 10000, 2, 3));
  s.advisors[0].caseload = 1;
  s.services[0].hours_per_case = 1.5;
  s.services[1].hours_per_case = 10;
  s.advisors[0].capacity_hours = 1;   // its initial case (1.5 h) is already above
  s.advisors[1].capacity_hours = 25;  // two coachings at a time when the round counts hours
  for (int k = 0; k < 40; ++k) s.locations.push_back({500.0 * k, 300.0 * (k % 7)});
  ArrivalStream list;
  list.service = 0;
  list.count = 60;
  list.first_week = 1;
  list.last_week = 8;
  list.segment = 0;
  list.priorities = {{0, 0.5}, {1, 0.3}, {3, 0.2}};
  ArrivalStream poisson;
  poisson.service = 0;
  poisson.rate_per_week = 1.5;
  poisson.segment = 1;
  poisson.priorities = {{0, 1.0}, {2, 0.5}};
  poisson.refer_probability = 0.05;
  s.arrivals = {list, poisson};
  s.no_klik_probability = 0.1;
  s.escalate_after_weeks = 3;
  return s;
}

}  // namespace

TEST(SimulateProgramme, BooksBalanceOnARandomProgramme) {
  const Scenario s = random_programme();
  for (std::uint64_t seed = 0; seed < 12; ++seed) {
    const auto r = simulate(s, seed, true);
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_books(s, r);
    i64 followups = 0, listed = 0;
    for (const auto& k : r.weeks) followups += k.followups;
    EXPECT_EQ(followups, r.summary.followups);
    for (const auto& c : r.cases) listed += c.segment == 0 && c.parent_case < 0;
    EXPECT_EQ(listed, 60);  // the approach list brings exactly its count
    EXPECT_GT(followups, 0);
  }
  // approach list in priority order: acute entrepreneurs are approached first
  const auto r = simulate(s, 3, true);
  i64 last_week_of_3 = -1, first_week_of_0 = 100;
  for (const auto& c : r.cases) {
    if (c.segment != 0 || c.parent_case >= 0) continue;
    if (c.priority == 3) last_week_of_3 = std::max(last_week_of_3, c.registered);
    if (c.priority == 0) first_week_of_0 = std::min(first_week_of_0, c.registered);
  }
  EXPECT_LE(last_week_of_3, first_week_of_0);
}

TEST(SimulateProgramme, AdvisorRowOrderAndThreadsNeverMatter) {
  const Scenario s = random_programme();
  Scenario shuffled = s;
  std::vector<std::size_t> perm(s.advisors.size());
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  std::reverse(perm.begin(), perm.end());
  std::swap(perm[1], perm[4]);
  for (std::size_t k = 0; k < perm.size(); ++k) shuffled.advisors[k] = s.advisors[perm[k]];
  for (std::uint64_t seed : {0u, 5u}) {
    const auto a = simulate(s, seed, true), b = simulate(shuffled, seed, true);
    ASSERT_EQ(a.weeks.size(), b.weeks.size());
    for (std::size_t w = 0; w < a.weeks.size(); ++w) {
      EXPECT_EQ(a.weeks[w].matched, b.weeks[w].matched) << w;
      EXPECT_EQ(a.weeks[w].waiting, b.weeks[w].waiting) << w;
      EXPECT_EQ(a.weeks[w].spend_eur_total, b.weeks[w].spend_eur_total) << w;
      auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
      EXPECT_TRUE(same(a.weeks[w].wait_mean, b.weeks[w].wait_mean)) << w;
      EXPECT_TRUE(same(a.weeks[w].travel_mean, b.weeks[w].travel_mean)) << w;
    }
    ASSERT_EQ(a.assignments.size(), b.assignments.size());
    for (std::size_t k = 0; k < a.assignments.size(); ++k)
      EXPECT_EQ(s.advisors[a.assignments[k].advisor].id,
                shuffled.advisors[b.assignments[k].advisor].id);
  }
  Simulator sim(s, 1);
  std::vector<const Simulator*> sims{&sim};
  const auto one = simulate_many(sims, {0, 1, 2, 3}, 1), two = simulate_many(sims, {0, 1, 2, 3}, 2);
  for (std::size_t k = 0; k < one.size(); ++k) {
    EXPECT_EQ(one[k].summary.spend_eur, two[k].summary.spend_eur);
    EXPECT_EQ(one[k].summary.matched, two[k].summary.matched);
    EXPECT_EQ(one[k].summary.budget_out_week, two[k].summary.budget_out_week);
  }
}

namespace {

// A generator that counts its uniforms (the sampler's cost).
struct Counting {
  detail::Rng rng;
  std::int64_t draws = 0;
  double uniform() {
    ++draws;
    return rng.uniform();
  }
};

}  // namespace

TEST(SimulateProgramme, PoissonSamplerIsExactAndConstantTime) {
  Counting g{detail::Rng(detail::hash_keys({9, 9})), 0};
  for (double lambda : {12.0, 300.0, 1e4, 1e6}) {
    const int n = 20000;
    double sum = 0, sq = 0;
    g.draws = 0;
    for (int k = 0; k < n; ++k) {
      const double v = static_cast<double>(detail::poisson(g, lambda));
      sum += v;
      sq += v * v;
    }
    const double mean = sum / n, var = sq / n - mean * mean;
    EXPECT_NEAR(mean, lambda, 5 * std::sqrt(lambda / n)) << lambda;
    EXPECT_NEAR(var / lambda, 1.0, 0.06) << lambda;
    EXPECT_LT(static_cast<double>(g.draws) / n, 3.0) << lambda;  // ~2.3 whatever lambda
  }
  // the whole distribution at lambda = 25 against the exact probabilities
  const double lambda = 25;
  const int n = 200000;
  std::vector<int> freq(80, 0);
  for (int k = 0; k < n; ++k) ++freq[std::min<std::int64_t>(79, detail::poisson(g, lambda))];
  for (int k = 10; k <= 45; ++k) {
    const double p = std::exp(-lambda + k * std::log(lambda) - std::lgamma(k + 1.0));
    EXPECT_NEAR(freq[k] / static_cast<double>(n), p, 5 * std::sqrt(p / n) + 1e-4) << k;
  }
  EXPECT_NEAR(detail::log_factorial(170), std::lgamma(171.0), 1e-9);
  EXPECT_NEAR(detail::log_factorial(10), std::lgamma(11.0), 1e-12);
}

TEST(SimulateProgramme, RatesAndProgrammeFieldsAreValidated) {
  auto expect_msg = [](const Scenario& s, const std::string& part) {
    try {
      validate(s);
      ADD_FAILURE() << "no error for " << part;
    } catch (const InvalidInput& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  Scenario s = random_programme();
  validate(s);
  s.arrivals[1].rate_per_week = 1e300;  // used to give 0 arrivals after an overflowing cast
  expect_msg(s, "rate_per_week");
  s.arrivals[1].rate_per_week = kMaxArrivalRatePerWeek * 1.01;
  expect_msg(s, "exceeds the maximum");
  s = random_programme();
  s.arrivals[0].rate_per_week = 2;
  expect_msg(s, "both count");
  s = random_programme();
  s.services[0].next[0].probability = 0.9;
  expect_msg(s, "sum to");
  s = random_programme();
  s.services[1].max_cases = -1;
  expect_msg(s, "max_cases");
  s = random_programme();
  s.budget_eur = -5;
  expect_msg(s, "budget_eur");
  s = random_programme();
  s.reserve.push_back({2, 1, 0, 3});
  expect_msg(s, "second reservation");
  s = random_programme();
  s.services[0].offered_in = {0};
  expect_msg(s, "no orientation areas");
  s = random_programme();
  s.services[0].cost_eur = std::nan("");
  expect_msg(s, "cost_eur");
}

TEST(SimulateProgramme, BooksDecideWithinAWeek) {
  // Two advisors with room, two requests in the same week, money or a slot for one only:
  // whether or not the round honours the catalogue, exactly the more urgent one starts and
  // the other waits with the reason, then escalates.
  Scenario s;
  s.horizon_weeks = 2;
  s.services = {service("f_scan", 3, 275)};
  s.advisors = {advisor("A", 0, 0, 1), advisor("B", 0, 0, 1)};
  s.locations = {{1000, 0}, {2000, 0}};
  s.replay = {arrival(0, 0, 0, 0), arrival(0, 1, 0, 5)};
  s.escalate_after_weeks = 1;
  s.initial_cases = false;
  for (int variant = 0; variant < 2; ++variant) {
    Scenario x = s;
    if (variant == 0) x.budget_eur = 400;  // one case of 275
    if (variant == 1) x.services[0].max_cases = 1;
    const auto r = simulate(x, 0, true);
    SCOPED_TRACE(variant == 0 ? "money" : "slots");
    EXPECT_EQ(r.weeks[0].matched, 1);
    EXPECT_EQ(r.weeks[0].waiting, 1);
    EXPECT_EQ(r.cases[1].first_matched, 0);  // priority 5 first
    EXPECT_EQ(r.cases[0].first_matched, -1);
    EXPECT_EQ(r.cases[0].status, static_cast<std::int8_t>(CaseStatusCode::Escalated));
    EXPECT_EQ(r.cases[0].reason,
              variant == 0 ? Escalation::BudgetExhausted : Escalation::SlotsExhausted);
    EXPECT_DOUBLE_EQ(r.summary.spend_eur, 275);
    expect_books(x, r);
  }
}
