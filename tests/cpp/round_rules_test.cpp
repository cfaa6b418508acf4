// The rules decided before the solve (round_rules.cpp, order in match.hpp): referrals
// (out_of_scope, not_in_module), the register of running cases (already_in_guidance),
// duplicates by applicant key, specialists without an open case (no_open_case). Casebook
// rounds with hand-checked answers, then random rounds checked against an arithmetic oracle.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "libmatch/areas.hpp"
#include "libmatch/error.hpp"
#include "libmatch/match.hpp"

using namespace libmatch;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Request req(std::string id, double x, double y, std::int32_t service = 0, std::string key = {}) {
  Request r;
  r.id = std::move(id);
  r.locations = {{x, y}};
  r.service = service;
  r.applicant_key = std::move(key);
  return r;
}

Advisor adv(std::string id, double x, double y, std::int32_t service = 0,
            std::int64_t capacity = 5) {
  Advisor a;
  a.id = std::move(id);
  a.base = {x, y};
  a.capacity = capacity;
  a.service = service;
  return a;
}

RunningCase running(std::string key, std::string advisor, double x = kNaN, double y = kNaN) {
  RunningCase c;
  c.applicant_key = std::move(key);
  c.advisor_id = std::move(advisor);
  c.location = {x, y};
  return c;
}

PolygonRings square(double x0, double y0, double side) {
  PolygonRings p;
  p.push_back({{x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}, {x0, y0}});
  return p;
}

// n x n squares of `side` metres from the origin; area j * n + i covers column i, row j.
AreaSet grid(int n, double side) {
  std::vector<std::vector<PolygonRings>> areas;
  std::vector<std::string> ids;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      areas.push_back({square(i * side, j * side, side)});
      ids.push_back(std::string("M") + std::to_string(i) + std::to_string(j));
    }
  return AreaSet::from_polygons(areas, ids);
}

std::size_t index_of(const RoundInput& in, const std::string& id) {
  for (std::size_t r = 0; r < in.requests.size(); ++r)
    if (in.requests[r].id == id) return r;
  throw std::runtime_error("no request " + id);
}

const RequestOutcome& outcome(const RoundInput& in, const RoundResult& res, const std::string& id) {
  return res.requests[index_of(in, id)];
}

// Exactly one outcome per request, and the counts add up.
void check_one_outcome(const RoundResult& res) {
  std::int64_t assigned = 0, escalated = 0, referred = 0;
  for (const auto& o : res.requests) {
    const int kinds =
        (o.advisor >= 0) + (o.reason != Escalation::None) + (o.referral != Referral::None);
    EXPECT_EQ(kinds, 1);
    assigned += o.advisor >= 0;
    escalated += o.reason != Escalation::None;
    referred += o.referral != Referral::None;
  }
  EXPECT_EQ(res.assigned, assigned);
  EXPECT_EQ(res.escalated, escalated);
  EXPECT_EQ(res.referred, referred);
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

// ---- referrals --------------------------------------------------------------------------

TEST(RoundRules, ReferralOnlyServiceIsReferredEvenWithAdvisors) {
  RoundInput in;
  in.services.resize(2);
  in.services[1].referral_only = true;
  in.services[1].refer_to = "social team";
  in.advisors = {adv("A", 0, 0, 0), adv("B", 0, 0, 1)};
  in.requests = {req("r1", 1000, 0, 0), req("r2", 2000, 0, 1)};
  const RoundResult res = run_round(in);
  check_one_outcome(res);
  EXPECT_EQ(outcome(in, res, "r1").advisor, 0);
  const auto& o = outcome(in, res, "r2");
  EXPECT_EQ(o.referral, Referral::OutOfScope);
  EXPECT_EQ(o.advisor, -1);
  EXPECT_EQ(o.reason, Escalation::None);
  EXPECT_EQ(res.referred, 1);
  EXPECT_EQ(res.assigned, 1);
  EXPECT_EQ(res.escalated, 0);
  EXPECT_EQ(res.advisors[1].assigned, 0);
  EXPECT_EQ(res.candidate_pairs, 1);
}

TEST(RoundRules, NotInModuleWithServiceAreas) {
  // Municipalities M00 [0,10 km) and M10 [10,20 km) x [0,10 km); service 0 only in M00.
  const AreaSet municipalities = grid(2, 10000.0);
  RoundInput in;
  in.service_areas = &municipalities;
  in.services.resize(2);
  in.services[0].offered_in = {0};
  in.services[0].refer_to = "neighbouring region";
  in.advisors = {adv("A", 5000, 5000, 0), adv("B", 5000, 5000, 1)};
  in.requests = {req("in", 5000, 5000, 0), req("neighbour", 15000, 5000, 0),
                 req("outside", 45000, 5000, 0), req("other_service", 15000, 5000, 1),
                 req("second_location", 15000, 9000, 0)};
  // Only the primary location counts: a second location inside M00 does not bring it in.
  in.requests[4].locations.push_back({5000, 1000});
  const RoundResult res = run_round(in);
  check_one_outcome(res);
  EXPECT_EQ(outcome(in, res, "in").advisor, 0);
  EXPECT_EQ(outcome(in, res, "neighbour").referral, Referral::NotInModule);
  EXPECT_EQ(outcome(in, res, "outside").referral, Referral::NotInModule);
  EXPECT_EQ(outcome(in, res, "other_service").advisor, 1);
  EXPECT_EQ(outcome(in, res, "second_location").referral, Referral::NotInModule);
  EXPECT_EQ(res.referred, 3);
}

TEST(RoundRules, NotInModuleFallsBackToOrientationAreas) {
  const AreaSet areas = grid(2, 10000.0);  // M00, M10, M01, M11
  RoundInput in;
  in.areas = &areas;
  in.services.resize(1);
  in.services[0].offered_in = {1, 3};  // the eastern column
  in.advisors = {adv("A", 15000, 5000)};
  in.requests = {req("west", 5000, 5000), req("east", 15000, 15000), req("preset", 5000, 15000)};
  in.requests[2].area = 1;  // the caller's own area index is used as given
  const RoundResult res = run_round(in);
  check_one_outcome(res);
  EXPECT_EQ(outcome(in, res, "west").referral, Referral::NotInModule);
  EXPECT_GE(outcome(in, res, "east").advisor, 0);
  EXPECT_GE(outcome(in, res, "preset").advisor, 0);
}

TEST(RoundRules, OutOfScopeBeforeNotInModule) {
  const AreaSet areas = grid(1, 10000.0);
  RoundInput in;
  in.service_areas = &areas;
  in.services.resize(1);
  in.services[0].referral_only = true;
  in.services[0].offered_in = {0};
  in.requests = {req("far", 50000, 50000)};
  const RoundResult res = run_round(in);
  EXPECT_EQ(res.requests[0].referral, Referral::OutOfScope);
}

// ---- the register -----------------------------------------------------------------------

TEST(RoundRules, RegisterByKey) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0), adv("B", 0, 0)};
  in.running = {running("KVK-1", "B"), running("KVK-2", "gone")};
  in.requests = {req("r1", 1000, 0, 0, "KVK-1"), req("r2", 2000, 0, 0, "KVK-3"),
                 req("r3", 3000, 0, 0, "KVK-2"), req("r4", 4000, 0, 0)};
  const RoundResult res = run_round(in);
  check_one_outcome(res);
  EXPECT_EQ(outcome(in, res, "r1").reason, Escalation::AlreadyInGuidance);
  EXPECT_EQ(outcome(in, res, "r1").running_case, 0);
  EXPECT_GE(outcome(in, res, "r2").advisor, 0);
  EXPECT_EQ(outcome(in, res, "r3").running_case, 1);  // its advisor need not be in the pool
  EXPECT_GE(outcome(in, res, "r4").advisor, 0);       // no key: never matched by key
  EXPECT_EQ(outcome(in, res, "r2").running_case, -1);
  EXPECT_EQ(res.escalated, 2);
}

TEST(RoundRules, ReassignmentOfTheRunningCaseIsNotBlocked) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0), adv("B", 0, 0)};
  in.running = {running("K", "B", 1000, 0)};
  in.requests = {req("own", 1000, 0, 0, "K")};
  in.requests[0].current_advisor = 1;  // B: a reassignment of that very case
  in.requests[0].exclude = {1};        // no klik with B: moves to A
  RoundResult res = run_round(in);
  EXPECT_EQ(res.requests[0].advisor, 0);
  EXPECT_EQ(res.requests[0].running_case, -1);
  // The same request with another current advisor is a second, parallel engagement.
  in.requests[0].current_advisor = 0;
  in.requests[0].exclude.clear();
  res = run_round(in);
  EXPECT_EQ(res.requests[0].reason, Escalation::AlreadyInGuidance);
  // A current advisor that left the pool cannot prove it is the running case's advisor.
  in.requests[0].current_advisor = kAdvisorNotInPool;
  res = run_round(in);
  EXPECT_EQ(res.requests[0].reason, Escalation::AlreadyInGuidance);
}

TEST(RoundRules, ReassignmentBlockedByAnotherRunningCase) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0), adv("B", 0, 0)};
  in.running = {running("K", "B"), running("K", "C")};
  in.requests = {req("r", 1000, 0, 0, "K")};
  in.requests[0].current_advisor = 1;  // reassigns B's case, but C also guides K
  const RoundResult res = run_round(in);
  EXPECT_EQ(res.requests[0].reason, Escalation::AlreadyInGuidance);
  EXPECT_EQ(res.requests[0].running_case, 1);
}

TEST(RoundRules, RegisterByLocationWithinTolerance) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0, 0, 10)};
  in.running = {running("", "X", 1000, 1000)};
  in.requests = {req("at_farm", 1010, 1000), req("beyond", 1000, 1030),
                 req("second_location", 9000, 9000)};
  in.requests[2].locations.push_back({980, 1000});  // 20 m from the running case
  RoundResult res = run_round(in);
  check_one_outcome(res);
  EXPECT_EQ(outcome(in, res, "at_farm").reason, Escalation::AlreadyInGuidance);
  EXPECT_EQ(outcome(in, res, "at_farm").running_case, 0);
  EXPECT_GE(outcome(in, res, "beyond").advisor, 0);
  EXPECT_EQ(outcome(in, res, "second_location").reason, Escalation::AlreadyInGuidance);
  // Tolerance 0 switches the location check off (keys still count).
  in.rules.duplicate_tolerance_m = 0.0;
  res = run_round(in);
  EXPECT_EQ(res.assigned, 3);
}

TEST(RoundRules, RunningCaseChoiceKeyFirstThenClosest) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0)};
  in.running = {running("", "far", 1020, 0), running("", "near", 1005, 0), running("K", "key")};
  in.requests = {req("r", 1000, 0, 0, "K"), req("s", 1000, 3, 0)};
  RoundResult res = run_round(in);
  EXPECT_EQ(outcome(in, res, "r").running_case, 2);  // key match beats both locations
  EXPECT_EQ(outcome(in, res, "s").running_case, 1);  // closest location
  // The choice does not depend on the register's row order.
  std::swap(in.running[0], in.running[1]);
  std::swap(in.running[0], in.running[2]);
  res = run_round(in);
  EXPECT_EQ(in.running[static_cast<std::size_t>(outcome(in, res, "r").running_case)].advisor_id,
            "key");
  EXPECT_EQ(in.running[static_cast<std::size_t>(outcome(in, res, "s").running_case)].advisor_id,
            "near");
}

// ---- duplicates inside the week ---------------------------------------------------------

TEST(RoundRules, DuplicatesByApplicantKey) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0, 0, 10)};
  in.requests = {req("a", 1000, 0, 0, "K"), req("b", 50000, 0, 0, "K"), req("c", 9000, 0, 0, "L"),
                 req("d", 70000, 0, 0, ""), req("e", 80000, 0, 0, "")};
  in.requests[0].registered = 20;
  in.requests[1].registered = 10;  // b came first: a is the duplicate
  const RoundResult res = run_round(in);
  check_one_outcome(res);
  EXPECT_EQ(outcome(in, res, "a").reason, Escalation::DuplicateRequest);
  EXPECT_EQ(outcome(in, res, "a").duplicate_of, static_cast<std::int64_t>(index_of(in, "b")));
  EXPECT_GE(outcome(in, res, "b").advisor, 0);
  EXPECT_GE(outcome(in, res, "c").advisor, 0);
  EXPECT_GE(outcome(in, res, "d").advisor, 0);  // empty keys never clash
  EXPECT_GE(outcome(in, res, "e").advisor, 0);
}

TEST(RoundRules, DuplicateOfARequestInGuidance) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0)};
  in.running = {running("", "X", 1000, 0)};
  // a is at the running case's farm (in guidance); b shares a's key 40 km away.
  in.requests = {req("a", 1000, 0, 0, "K"), req("b", 41000, 0, 0, "K")};
  const RoundResult res = run_round(in);
  EXPECT_EQ(outcome(in, res, "a").reason, Escalation::AlreadyInGuidance);
  EXPECT_EQ(outcome(in, res, "b").reason, Escalation::DuplicateRequest);
  EXPECT_EQ(outcome(in, res, "b").duplicate_of, 0);
}

TEST(RoundRules, ReferredRequestsClashWithNobody) {
  RoundInput in;
  in.services.resize(2);
  in.services[1].referral_only = true;
  in.advisors = {adv("A", 0, 0)};
  in.running = {running("K", "X")};
  // a: out of scope, same key as the register and same farm as b.
  in.requests = {req("a", 1000, 0, 1, "K"), req("b", 1005, 0, 0, "M")};
  const RoundResult res = run_round(in);
  EXPECT_EQ(outcome(in, res, "a").referral, Referral::OutOfScope);
  EXPECT_EQ(outcome(in, res, "a").running_case, -1);
  EXPECT_GE(outcome(in, res, "b").advisor, 0);
}

// ---- specialists through an advisor -----------------------------------------------------

TEST(RoundRules, SpecialistsNeedAnOpenCase) {
  RoundInput in;
  in.services.resize(3);
  in.services[1].via_advisor_only = true;
  in.services[2].referral_only = true;
  in.advisors = {adv("A", 0, 0, 0, 10), adv("S", 0, 0, 1, 10)};
  in.running = {running("K1", "A", 1000, 0)};
  auto spec = [](std::string id, double x, std::string via, std::string key = {}) {
    Request r = req(std::move(id), x, 0, 1, std::move(key));
    r.via_case = std::move(via);
    return r;
  };
  in.requests = {
      spec("s_register", 1000, "K1", "K1"),  // at the running case's farm, with its key
      spec("s_round", 2000, "K2"),           // the case of request m2 of this round
      req("m2", 2000, 0, 0, "K2"),           //
      spec("s_none", 3000, "K3"),            // no such case
      spec("s_empty", 4000, ""),             // no via_case at all
      req("m4", 5000, 0, 2, "K4"),           // referred: not an open case
      spec("s_referred", 5000, "K4"),        //
      spec("s_twice", 6000, "K1"),           // the same specialist twice for K1
  };
  const RoundResult res = run_round(in);
  check_one_outcome(res);
  EXPECT_EQ(outcome(in, res, "s_register").advisor, 1);
  EXPECT_EQ(outcome(in, res, "s_round").advisor, 1);
  EXPECT_EQ(outcome(in, res, "m2").advisor, 0);  // its specialist does not make it a duplicate
  EXPECT_EQ(outcome(in, res, "s_none").reason, Escalation::NoOpenCase);
  EXPECT_EQ(outcome(in, res, "s_empty").reason, Escalation::NoOpenCase);
  EXPECT_EQ(outcome(in, res, "m4").referral, Referral::OutOfScope);
  EXPECT_EQ(outcome(in, res, "s_referred").reason, Escalation::NoOpenCase);
  EXPECT_EQ(outcome(in, res, "s_twice").reason, Escalation::DuplicateRequest);
  EXPECT_EQ(outcome(in, res, "s_twice").duplicate_of,
            static_cast<std::int64_t>(index_of(in, "s_register")));
}

TEST(RoundRules, ViaCaseIgnoredWithoutViaAdvisorOnly) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0)};
  in.requests = {req("r", 1000, 0)};
  in.requests[0].via_case = "nowhere";
  const RoundResult res = run_round(in);
  EXPECT_EQ(res.requests[0].advisor, 0);
}

// ---- bad input --------------------------------------------------------------------------

TEST(RoundRules, BadInputIsTypedAndNeverEchoesKeys) {
  const AreaSet areas = grid(1, 10000.0);
  RoundInput base;
  base.advisors = {adv("A", 0, 0)};
  base.requests = {req("r1", 1000, 0, 0, "Jan Jansen")};
  base.services.resize(1);

  RoundInput in = base;
  in.services[0].offered_in = {0};
  EXPECT_THROW(run_round(in), InvalidInput);  // no membership layer
  EXPECT_NE(error_of([&] { run_round(in); }).find("service 0"), std::string::npos);
  in.service_areas = &areas;
  in.services[0].offered_in = {1};
  EXPECT_THROW(run_round(in), UnknownId);
  in.services[0].offered_in = {-1};
  EXPECT_THROW(run_round(in), UnknownId);

  in = base;
  in.requests[0].service = 1;
  EXPECT_THROW(run_round(in), UnknownId);
  EXPECT_NE(error_of([&] { run_round(in); }).find("'r1'"), std::string::npos);

  in = base;
  in.running = {running("Jan Jansen", "Piet Puk", 1000, kNaN)};
  EXPECT_THROW(run_round(in), InvalidInput);
  const std::string msg = error_of([&] { run_round(in); });
  EXPECT_NE(msg.find("running case 0"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("Jan"), std::string::npos) << msg;
  in.running[0].location = {std::numeric_limits<double>::infinity(), 0.0};
  EXPECT_THROW(run_round(in), InvalidInput);
  in.running[0].location = {kNaN, kNaN};  // unknown location: fine
  EXPECT_EQ(run_round(in).requests[0].reason, Escalation::AlreadyInGuidance);
  in.running[0].service = 3;
  EXPECT_THROW(run_round(in), UnknownId);
}

// ---- random rounds against an arithmetic oracle -----------------------------------------

namespace {

constexpr double kSide = 10000.0;  // 3 x 3 municipalities of 10 km; points up to 40 km

// Municipality index of a point by arithmetic (the oracle), -1 outside.
std::int64_t municipality(const XY& p) {
  if (p.x < 0 || p.y < 0 || p.x >= 3 * kSide || p.y >= 3 * kSide) return -1;
  return static_cast<std::int64_t>(std::floor(p.y / kSide)) * 3 +
         static_cast<std::int64_t>(std::floor(p.x / kSide));
}

// Services: 0 everywhere, 1 in municipalities {0, 4, 8}, 2 referral_only, 3 specialists.
RoundInput random_programme_round(std::uint32_t seed, const AreaSet& municipalities) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> coord(0.0, 40000.0), near(-15.0, 15.0);
  std::uniform_int_distribution<int> die(0, 9);
  RoundInput in;
  in.service_areas = &municipalities;
  in.services.resize(4);
  in.services[1].offered_in = {0, 4, 8};
  in.services[2].referral_only = true;
  in.services[3].via_advisor_only = true;
  for (int a = 0; a < 6; ++a)
    in.advisors.push_back(adv(std::string("A") + std::to_string(a), coord(rng), coord(rng),
                              a % 4 == 2 ? 0 : a % 4, 1 + die(rng) % 3));
  auto key = [&] {
    return die(rng) < 3 ? std::string() : std::string("K") + std::to_string(die(rng) % 6);
  };
  const int n_running = die(rng) % 5;
  for (int c = 0; c < n_running; ++c) {
    RunningCase rc =
        running(key(), die(rng) < 5 ? std::string("A") + std::to_string(die(rng) % 6) : "gone");
    if (die(rng) < 7) rc.location = {coord(rng), coord(rng)};
    rc.service = die(rng) % 2;
    in.running.push_back(rc);
  }
  const int n = 6 + die(rng) % 10;
  for (int r = 0; r < n; ++r) {
    Request q =
        req(std::string("R") + std::to_string(r), coord(rng), coord(rng), die(rng) % 4, key());
    if (!in.running.empty() && die(rng) < 3) {  // at (or near) a running case's location
      const XY& p = in.running[static_cast<std::size_t>(die(rng)) % in.running.size()].location;
      if (std::isfinite(p.x)) q.locations[0] = {p.x + near(rng), p.y + near(rng)};
    }
    if (r > 0 && die(rng) < 2) {  // near another request
      const XY& p =
          in.requests[static_cast<std::size_t>(die(rng)) % in.requests.size()].locations[0];
      q.locations.push_back({p.x + near(rng), p.y + near(rng)});
    }
    if (die(rng) < 3) q.current_advisor = die(rng) % 6;
    if (q.service == 3) q.via_case = key();
    q.registered = die(rng) < 5 ? die(rng) : kNoDate;
    in.requests.push_back(q);
  }
  return in;
}

double distance(const XY& a, const XY& b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace

TEST(RoundRules, RandomRoundsKeepTheRules) {
  const AreaSet municipalities = grid(3, kSide);
  std::map<std::string, int> seen;  // every rule must fire somewhere in the sample
  for (std::uint32_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE(seed);
    const RoundInput in = random_programme_round(seed, municipalities);
    const RoundResult res = run_round(in);
    check_one_outcome(res);
    for (const auto& o : res.requests) {
      ++seen[to_string(o.referral)];
      ++seen[to_string(o.reason)];
    }
    const double tol = in.rules.duplicate_tolerance_m;
    std::map<std::string, std::vector<std::size_t>> assigned_with_key;
    for (std::size_t r = 0; r < in.requests.size(); ++r) {
      const auto& q = in.requests[r];
      const auto& o = res.requests[r];
      const Service& s = in.services[static_cast<std::size_t>(q.service)];
      // Referral exactly as the oracle says; a non-member municipality is never served.
      const bool outside =
          !s.offered_in.empty() && std::find(s.offered_in.begin(), s.offered_in.end(),
                                             municipality(q.locations[0])) == s.offered_in.end();
      const Referral expected = s.referral_only ? Referral::OutOfScope
                                : outside       ? Referral::NotInModule
                                                : Referral::None;
      EXPECT_EQ(o.referral, expected) << q.id;
      if (o.advisor < 0) continue;
      if (s.via_advisor_only) {  // a specialist is only engaged for an open case
        bool open = false;
        for (const auto& c : in.running)
          open |= !q.via_case.empty() && c.applicant_key == q.via_case;
        for (const auto& p : in.requests)
          open |= !q.via_case.empty() && p.applicant_key == q.via_case &&
                  !in.services[static_cast<std::size_t>(p.service)].via_advisor_only &&
                  !in.services[static_cast<std::size_t>(p.service)].referral_only;
        EXPECT_TRUE(open) << q.id;
        continue;
      }
      // No parallel engagement: every running case of this applicant (key or location) is
      // the one this request reassigns.
      const std::string current =
          q.current_advisor >= 0 ? in.advisors[static_cast<std::size_t>(q.current_advisor)].id : "";
      for (const auto& c : in.running) {
        bool same = !q.applicant_key.empty() && c.applicant_key == q.applicant_key;
        for (const auto& l : q.locations)
          same |= std::isfinite(c.location.x) && distance(l, c.location) <= tol;
        if (same) {
          EXPECT_EQ(c.advisor_id, current) << q.id;
        }
      }
      if (!q.applicant_key.empty()) assigned_with_key[q.applicant_key].push_back(r);
    }
    // No applicant key with two advisors after the round (register + this round).
    for (const auto& [key, rs] : assigned_with_key) EXPECT_EQ(rs.size(), 1u) << key;
  }
  for (const char* rule : {"out_of_scope", "not_in_module", "already_in_guidance",
                           "duplicate_request", "no_open_case"})
    EXPECT_GT(seen[rule], 10) << rule;
}

TEST(RoundRules, RandomRoundsIndependentOfRowOrder) {
  const AreaSet municipalities = grid(3, kSide);
  for (std::uint32_t seed = 1; seed <= 100; ++seed) {
    SCOPED_TRACE(seed);
    RoundInput in = random_programme_round(seed, municipalities);
    const RoundResult res = run_round(in);
    RoundInput shuffled = in;
    std::mt19937_64 rng(seed);
    std::vector<std::size_t> perm(in.requests.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    for (std::size_t k = 0; k < perm.size(); ++k) shuffled.requests[k] = in.requests[perm[k]];
    std::reverse(shuffled.running.begin(), shuffled.running.end());
    const RoundResult res2 = run_round(shuffled);
    auto describe = [](const RoundInput& x, const RoundResult& y, std::size_t r) {
      const auto& o = y.requests[r];
      std::string s = std::to_string(static_cast<int>(o.reason)) + "/" +
                      std::to_string(static_cast<int>(o.referral)) + "/" +
                      (o.advisor >= 0 ? x.advisors[static_cast<std::size_t>(o.advisor)].id : "-");
      if (o.duplicate_of >= 0)
        s += "/dup:" + x.requests[static_cast<std::size_t>(o.duplicate_of)].id;
      if (o.running_case >= 0) {
        const auto& c = x.running[static_cast<std::size_t>(o.running_case)];
        s += "/run:" + c.applicant_key + ":" + c.advisor_id;
      }
      return s;
    };
    for (std::size_t k = 0; k < perm.size(); ++k)
      EXPECT_EQ(describe(in, res, perm[k]), describe(shuffled, res2, k)) << in.requests[perm[k]].id;
  }
}
