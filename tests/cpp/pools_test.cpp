// Multi-service pools, request alternatives and positions (quantity) in the round
// (match.hpp): hand-checked casebook, validation, and random rounds checked for the
// invariants (quantity respected, never the same advisor twice for one request, capacity in
// cases and hours shared across an advisor's services, one outcome per request) and for
// independence of row order. The exact optimum is checked against CP-SAT in
// tests/python/test_pools.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "libmatch/error.hpp"
#include "libmatch/match.hpp"

using namespace libmatch;

namespace {

Request req(std::string id, double x, std::int32_t service, std::vector<std::int32_t> more = {},
            std::int64_t quantity = 1) {
  Request r;
  r.id = std::move(id);
  r.locations = {{x, 0.0}};
  r.service = service;
  r.services = std::move(more);
  r.quantity = quantity;
  return r;
}

Advisor adv(std::string id, double x, std::int64_t capacity, std::int32_t service,
            std::vector<std::int32_t> more = {}) {
  Advisor a;
  a.id = std::move(id);
  a.base = {x, 0.0};
  a.capacity = capacity;
  a.service = service;
  a.services = std::move(more);
  return a;
}

std::size_t at(const RoundInput& in, const std::string& id) {
  for (std::size_t k = 0; k < in.requests.size(); ++k)
    if (in.requests[k].id == id) return k;
  throw std::runtime_error("no request " + id);
}

std::string advisor_id(const RoundInput& in, const RoundResult& res, const std::string& r) {
  const auto a = res.requests[at(in, r)].advisor;
  return a < 0 ? "-" : in.advisors[a].id;
}

// Every advisor matched to request index r (all positions), sorted by id.
std::vector<std::string> matches_of(const RoundInput& in, const RoundResult& res, std::size_t r) {
  std::vector<std::string> out;
  if (res.requests[r].advisor >= 0) out.push_back(in.advisors[res.requests[r].advisor].id);
  for (const auto& m : res.positions)
    if (m.request == static_cast<std::int64_t>(r)) out.push_back(in.advisors[m.advisor].id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(Pools, AdvisorCapacitySharedAcrossItsServices) {
  RoundInput in;
  in.advisors = {adv("A", 0, 2, 0, {1})};  // wmo (0) and jeugd (1), two cases in all
  in.requests = {req("w1", 1000, 0), req("j1", 2000, 1), req("w2", 3000, 0)};
  in.requests[0].priority = 1;
  const auto res = run_round(in);
  EXPECT_EQ(advisor_id(in, res, "w1"), "A");
  EXPECT_EQ(advisor_id(in, res, "j1"), "A");
  EXPECT_EQ(res.requests[at(in, "j1")].service, 1);
  EXPECT_EQ(res.requests[at(in, "w1")].service, 0);
  EXPECT_EQ(res.requests[at(in, "w2")].reason, Escalation::NoCapacity);
  EXPECT_EQ(res.advisors[0].assigned, 2);
  EXPECT_EQ(res.requests[at(in, "w2")].open_positions, 1);
}

TEST(Pools, AdvisorHoursSharedAcrossItsServices) {
  RoundInput in;
  in.services.resize(2);
  in.services[0].hours = 6;  // wmo
  in.services[1].hours = 4;  // jeugd
  in.advisors = {adv("A", 0, 10, 0, {1})};
  in.advisors[0].capacity_hours = 10;
  in.requests = {req("w1", 1000, 0), req("j1", 2000, 1), req("w2", 3000, 0)};
  const auto res = run_round(in);
  // {w1, w2} takes 12 h > 10; {w1, j1} (10 h) travels less than {j1, w2}.
  EXPECT_EQ(advisor_id(in, res, "w1"), "A");
  EXPECT_EQ(advisor_id(in, res, "j1"), "A");
  EXPECT_EQ(res.requests[at(in, "w2")].reason, Escalation::NoHours);
  EXPECT_DOUBLE_EQ(res.advisors[0].hours_after, 10.0);
}

TEST(Pools, ServiceOutsideTheAdvisorsSetIsNotServed) {
  RoundInput in;
  in.advisors = {adv("A", 0, 5, 0, {1})};
  in.requests = {req("p", 1000, 2)};
  const auto res = run_round(in);
  EXPECT_EQ(res.requests[0].reason, Escalation::NoAdvisorForService);
  EXPECT_EQ(res.requests[0].service, -1);
}

TEST(Pools, AlternativeChosenByCostThenReported) {
  RoundInput in;
  in.services.resize(2);  // 0 = zaakbegeleider, 1 = vabimpuls
  in.services[0].cost_eur = 100;
  in.services[1].cost_eur = 2000;
  in.services[1].hours = 36;
  in.advisors = {adv("Z", 1000, 5, 0), adv("V", 2000, 5, 1)};
  in.requests = {req("r", 0, 0, {1})};
  auto res = run_round(in);
  EXPECT_EQ(advisor_id(in, res, "r"), "Z");  // one km closer
  EXPECT_EQ(res.requests[0].service, 0);
  EXPECT_DOUBLE_EQ(res.requests[0].cost_eur, 100.0);
  EXPECT_DOUBLE_EQ(res.requests[0].hours, 1.0);
  // No zaakbegeleider slot left: vabimpuls, with its hours and price.
  in.services[0].max_cases = 0;
  res = run_round(in);
  EXPECT_EQ(advisor_id(in, res, "r"), "V");
  EXPECT_EQ(res.requests[0].service, 1);
  EXPECT_DOUBLE_EQ(res.requests[0].hours, 36.0);
  EXPECT_DOUBLE_EQ(res.requests[0].cost_eur, 2000.0);
  EXPECT_DOUBLE_EQ(res.spend_by_service[1], 2000.0);
  EXPECT_EQ(res.slots_used[1], 1);
  EXPECT_EQ(res.slots_used[0], 0);
  // Neither: the first alternative's limit names the reason.
  in.services[1].max_cases = 0;
  res = run_round(in);
  EXPECT_EQ(res.requests[0].reason, Escalation::SlotsExhausted);
}

TEST(Pools, OneAdvisorForBothAlternativesServesTheCheaperAndExplainsIt) {
  RoundInput in;
  in.services.resize(2);
  in.services[0].cost_eur = 300;
  in.services[1].cost_eur = 50;
  in.advisors = {adv("B", 1000, 5, 0, {1}), adv("C", 5000, 5, 0)};
  in.requests = {req("r", 0, 0, {1})};
  auto res = run_round(in);
  EXPECT_EQ(advisor_id(in, res, "r"), "B");
  EXPECT_EQ(res.requests[0].service, 1);  // same travel either way, EUR 50 < 300
  EXPECT_DOUBLE_EQ(res.spend_eur, 50.0);
  const auto rows = explain(in, res, 0);
  EXPECT_TRUE(rows[0].chosen);
  EXPECT_EQ(rows[0].service, 1);
  EXPECT_DOUBLE_EQ(rows[0].cost_eur, 50.0);
  EXPECT_EQ(rows[1].service, 0);  // C works for service 0 only
  EXPECT_DOUBLE_EQ(rows[1].cost_eur, 300.0);
  ASSERT_EQ(res.alternatives.size(), 1u);
  EXPECT_EQ(res.alternatives[0].service, 0);
  // The cheaper alternative's money is gone: service 0 it is.
  in.services[1].budget_eur = 10;
  res = run_round(in);
  EXPECT_EQ(res.requests[0].service, 0);
  EXPECT_DOUBLE_EQ(res.requests[0].cost_eur, 300.0);
}

TEST(Pools, ReferredAlternativeIsDroppedNotTheRequest) {
  RoundInput in;
  in.services.resize(2);
  in.services[0].referral_only = true;
  in.services[0].refer_to = "Taboer";
  in.advisors = {adv("A", 0, 5, 0, {1})};
  in.requests = {req("both", 1000, 0, {1}), req("only", 2000, 0)};
  const auto res = run_round(in);
  EXPECT_EQ(advisor_id(in, res, "both"), "A");
  EXPECT_EQ(res.requests[at(in, "both")].service, 1);
  EXPECT_EQ(res.requests[at(in, "only")].referral, Referral::OutOfScope);
  EXPECT_EQ(res.referred, 1);
}

TEST(Pools, QuantityGetsDifferentAdvisors) {
  RoundInput in;
  in.advisors = {adv("J1", 1000, 1, 0), adv("J2", 2000, 1, 0), adv("J3", 3000, 1, 0),
                 adv("J4", 4000, 1, 0)};
  in.requests = {req("vacancy", 0, 0, {}, 3)};
  const auto res = run_round(in);
  EXPECT_EQ(matches_of(in, res, 0), (std::vector<std::string>{"J1", "J2", "J3"}));
  EXPECT_EQ(res.requests[0].advisor, 0);  // position 1: the cheapest
  ASSERT_EQ(res.positions.size(), 2u);
  EXPECT_EQ(res.positions[0].position, 2);
  EXPECT_EQ(res.positions[0].advisor, 1);
  EXPECT_EQ(res.positions[1].position, 3);
  EXPECT_EQ(res.requests[0].open_positions, 0);
  EXPECT_EQ(res.assigned, 1);
  EXPECT_EQ(res.advisors[3].assigned, 0);
}

TEST(Pools, QuantityNeverTheSameAdvisorTwice) {
  RoundInput in;  // both job seekers could take all three positions by capacity
  in.advisors = {adv("A", 1000, 5, 0), adv("B", 2000, 5, 0)};
  in.requests = {req("vacancy", 0, 0, {}, 3)};
  const auto res = run_round(in);
  EXPECT_EQ(matches_of(in, res, 0), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(res.requests[0].open_positions, 1);
  EXPECT_EQ(res.requests[0].reason, Escalation::None);
  EXPECT_EQ(res.advisors[0].assigned, 1);
  EXPECT_EQ(res.advisors[1].assigned, 1);
  // Objective: two assignments plus one open position at the unassigned cost.
  std::int64_t obj =
      res.requests[0].cost.total() + res.positions.at(0).cost.total() + res.unassigned_base;
  obj -= res.requests[0].cost.load + res.positions[0].cost.load;
  obj += res.advisors[0].load_cost + res.advisors[1].load_cost;
  EXPECT_EQ(res.objective, obj);
}

TEST(Pools, QuantityCompetesForCapacity) {
  RoundInput in;  // two seats for two positions of v and one request w of higher priority
  in.advisors = {adv("A", 1000, 1, 0), adv("B", 9000, 1, 0)};
  in.requests = {req("v", 0, 0, {}, 2), req("w", 2000, 0)};
  in.requests[1].priority = 3;
  const auto res = run_round(in);
  // w gets a seat (priority); w->B + v->A travels 8 km, w->A + v->B 10 km.
  EXPECT_EQ(advisor_id(in, res, "w"), "B");
  EXPECT_EQ(advisor_id(in, res, "v"), "A");
  EXPECT_EQ(res.requests[at(in, "v")].open_positions, 1);
  EXPECT_TRUE(res.positions.empty());
  // Without any match the usual reason, all positions open.
  in.advisors.pop_back();
  const auto res2 = run_round(in);
  EXPECT_EQ(advisor_id(in, res2, "w"), "A");
  EXPECT_EQ(res2.requests[at(in, "v")].reason, Escalation::NoCapacity);
  EXPECT_EQ(res2.requests[at(in, "v")].open_positions, 2);
  EXPECT_EQ(res2.escalated, 1);
}

TEST(Pools, QuantityWithSlotsUsesOneSlotPerPosition) {
  RoundInput in;
  in.services.resize(1);
  in.services[0].max_cases = 2;
  in.advisors = {adv("A", 1000, 5, 0), adv("B", 2000, 5, 0), adv("C", 3000, 5, 0)};
  in.requests = {req("v", 0, 0, {}, 3)};
  const auto res = run_round(in);
  EXPECT_EQ(matches_of(in, res, 0), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(res.slots_used[0], 2);
  EXPECT_EQ(res.requests[0].open_positions, 1);
}

TEST(Pools, BadInputIsTyped) {
  RoundInput in;
  in.advisors = {adv("A", 0, 5, 0)};
  in.requests = {req("r", 0, 0, {}, 0)};
  EXPECT_THROW(run_round(in), InvalidInput);
  in.requests = {req("r", 0, 0, {}, 2)};
  in.requests[0].pinned = true;
  in.requests[0].current_advisor = 0;
  EXPECT_THROW(run_round(in), InvalidInput);
  in.services.resize(1);
  in.requests = {req("r", 0, 0, {3})};
  EXPECT_THROW(run_round(in), UnknownId);
  in.requests = {req("r", 0, 0)};
  in.advisors = {adv("A", 0, 5, 0, {2})};
  EXPECT_THROW(run_round(in), UnknownId);
}

// ---- random rounds -------------------------------------------------------------------------

namespace {

RoundInput random_round(std::uint32_t seed) {
  std::mt19937 g(seed);
  auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(g); };
  auto pick = [&](int n) { return static_cast<int>(g() % static_cast<unsigned>(n)); };
  RoundInput in;
  const int n_svc = 3;
  in.services.resize(n_svc);
  for (auto& s : in.services) {
    s.hours = 1 + pick(5);
    s.cost_eur = 10.0 * pick(10);
    if (pick(3) == 0) s.max_cases = pick(4);
    if (pick(4) == 0) s.budget_eur = 10.0 * pick(20);
  }
  const int n_adv = 1 + pick(5), n_req = 1 + pick(7);
  for (int a = 0; a < n_adv; ++a) {
    Advisor x = adv("a" + std::to_string(a), uni(0, 20000), pick(4), pick(n_svc));
    if (pick(2)) x.services = {static_cast<std::int32_t>(pick(n_svc))};
    if (pick(2)) x.capacity_hours = uni(0, 12);
    x.caseload = x.capacity > 0 ? pick(static_cast<int>(x.capacity)) : 0;
    in.advisors.push_back(x);
  }
  for (int r = 0; r < n_req; ++r) {
    Request q = req("r" + std::to_string(r), uni(0, 20000), pick(n_svc));
    if (pick(2)) q.services = {static_cast<std::int32_t>(pick(n_svc))};
    q.quantity = 1 + pick(3);
    q.priority = pick(3);
    in.requests.push_back(q);
  }
  in.rules.duplicate_tolerance_m = 0;
  return in;
}

void check_invariants(const RoundInput& in, const RoundResult& res) {
  const std::size_t n_adv = in.advisors.size();
  std::vector<std::int64_t> cases(n_adv, 0);
  std::vector<double> hours(n_adv, 0.0);
  std::vector<std::int64_t> slots(in.services.size(), 0);
  std::int64_t assigned = 0, escalated = 0, referred = 0;
  std::vector<std::vector<std::int64_t>> advisors_of(in.requests.size());
  std::vector<std::vector<std::int32_t>> services_of(in.requests.size());
  auto take = [&](std::size_t r, std::int64_t a, std::int32_t s, double h) {
    ASSERT_GE(a, 0);
    advisors_of[r].push_back(a);
    services_of[r].push_back(s);
    ++cases[a];
    hours[a] += h;
    ++slots[s];
    const auto rs = service_set(in.requests[r]), as = service_set(in.advisors[a]);
    EXPECT_TRUE(std::count(rs.begin(), rs.end(), s)) << "service not requested";
    EXPECT_TRUE(std::count(as.begin(), as.end(), s)) << "advisor does not work for it";
  };
  for (std::size_t r = 0; r < in.requests.size(); ++r) {
    const auto& o = res.requests[r];
    const int kinds =
        (o.advisor >= 0) + (o.reason != Escalation::None) + (o.referral != Referral::None);
    EXPECT_EQ(kinds, 1) << "request " << r << " must have exactly one outcome";
    if (o.advisor >= 0) {
      ++assigned;
      take(r, o.advisor, o.service, o.hours);
    } else if (o.referral != Referral::None) {
      ++referred;
    } else {
      ++escalated;
      EXPECT_EQ(o.open_positions, in.requests[r].quantity);
    }
  }
  for (const auto& m : res.positions) {
    ASSERT_GE(res.requests[m.request].advisor, 0) << "position 2+ without position 1";
    take(static_cast<std::size_t>(m.request), m.advisor, m.service, m.hours);
  }
  for (std::size_t r = 0; r < in.requests.size(); ++r) {
    auto v = advisors_of[r];
    std::sort(v.begin(), v.end());
    EXPECT_EQ(std::adjacent_find(v.begin(), v.end()), v.end()) << "same advisor twice";
    EXPECT_LE(static_cast<std::int64_t>(v.size()), in.requests[r].quantity);
    if (res.requests[r].advisor >= 0) {
      EXPECT_EQ(res.requests[r].open_positions,
                in.requests[r].quantity - static_cast<std::int64_t>(v.size()));
    }
  }
  EXPECT_EQ(assigned, res.assigned);
  EXPECT_EQ(escalated, res.escalated);
  EXPECT_EQ(referred, res.referred);
  for (std::size_t a = 0; a < n_adv; ++a) {
    const auto& x = in.advisors[a];
    EXPECT_LE(x.caseload + cases[a], x.capacity) << "cases over capacity, all services together";
    EXPECT_EQ(res.advisors[a].assigned, cases[a]);
    EXPECT_LE(x.hours_booked + hours[a], x.capacity_hours + 1e-6) << "hours over capacity";
  }
  for (std::size_t s = 0; s < in.services.size(); ++s) {
    EXPECT_EQ(res.slots_used[s], slots[s]);
    EXPECT_LE(slots[s], in.services[s].max_cases);
  }
}

// Outcome by ids, independent of row order: request -> sorted (advisor id, service).
std::map<std::string, std::vector<std::pair<std::string, std::int32_t>>> by_ids(
    const RoundInput& in, const RoundResult& res) {
  std::map<std::string, std::vector<std::pair<std::string, std::int32_t>>> out;
  for (std::size_t r = 0; r < in.requests.size(); ++r) {
    auto& v = out[in.requests[r].id];
    const auto& o = res.requests[r];
    if (o.advisor >= 0) v.push_back({in.advisors[o.advisor].id, o.service});
    v.push_back({"reason", static_cast<std::int32_t>(o.reason)});
  }
  for (const auto& m : res.positions)
    out[in.requests[m.request].id].push_back({in.advisors[m.advisor].id, m.service});
  for (auto& [k, v] : out) std::sort(v.begin(), v.end());
  return out;
}

}  // namespace

TEST(Pools, RandomRoundsKeepTheInvariants) {
  for (std::uint32_t seed = 0; seed < 300; ++seed) {
    SCOPED_TRACE(seed);
    const RoundInput in = random_round(seed);
    const RoundResult res = run_round(in);
    check_invariants(in, res);
    for (std::size_t r = 0; r < in.requests.size(); ++r) (void)explain(in, res, r);
  }
}

TEST(Pools, RandomRoundsIndependentOfRowOrder) {
  for (std::uint32_t seed = 0; seed < 100; ++seed) {
    SCOPED_TRACE(seed);
    const RoundInput in = random_round(seed);
    const RoundResult res = run_round(in);
    RoundInput rev = in;
    std::reverse(rev.requests.begin(), rev.requests.end());
    std::reverse(rev.advisors.begin(), rev.advisors.end());
    const std::size_t n_adv = in.advisors.size();
    for (auto& q : rev.requests)
      if (q.current_advisor >= 0)
        q.current_advisor = static_cast<std::int64_t>(n_adv) - 1 - q.current_advisor;
    const RoundResult res2 = run_round(rev);
    EXPECT_EQ(res.objective, res2.objective);
    EXPECT_EQ(by_ids(in, res), by_ids(rev, res2));
  }
}
