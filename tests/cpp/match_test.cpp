// The weekly matching round (match.hpp): rules, escalation reasons, pinning, duplicates,
// determinism, explanations and an exhaustive check of optimality on small rounds.
#include "libmatch/match.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "libmatch/areas.hpp"
#include "libmatch/error.hpp"
#include "libmatch/scoring.hpp"
#include "libmatch/travel.hpp"

using namespace libmatch;

namespace {

Request req(std::string id, double x, double y, std::int32_t service = 0,
            std::vector<std::int32_t> needs = {}) {
  Request r;
  r.id = std::move(id);
  r.locations = {{x, y}};
  r.service = service;
  r.needs = std::move(needs);
  return r;
}

Advisor adv(std::string id, double x, double y, std::int64_t capacity = 5, std::int32_t service = 0,
            std::vector<std::int32_t> expertise = {}) {
  Advisor a;
  a.id = std::move(id);
  a.base = {x, y};
  a.capacity = capacity;
  a.service = service;
  a.expertise = std::move(expertise);
  return a;
}

std::int64_t advisor_of(const RoundInput& in, const RoundResult& res, const std::string& id) {
  for (std::size_t r = 0; r < in.requests.size(); ++r)
    if (in.requests[r].id == id) return res.requests[r].advisor;
  ADD_FAILURE() << "no request " << id;
  return -9;
}

const RequestOutcome& outcome(const RoundInput& in, const RoundResult& res, const std::string& id) {
  for (std::size_t r = 0; r < in.requests.size(); ++r)
    if (in.requests[r].id == id) return res.requests[r];
  throw std::runtime_error("no request " + id);
}

// Invariants every round must satisfy.
void check_invariants(const RoundInput& in, const RoundResult& res) {
  ASSERT_EQ(res.requests.size(), in.requests.size());
  std::vector<std::int64_t> taken(in.advisors.size(), 0);
  std::int64_t assigned = 0;
  for (std::size_t r = 0; r < in.requests.size(); ++r) {
    const auto& o = res.requests[r];
    EXPECT_TRUE((o.advisor >= 0) != (o.reason != Escalation::None)) << in.requests[r].id;
    if (o.advisor < 0) continue;
    ++assigned;
    ++taken[o.advisor];
    const auto& q = in.requests[r];
    const auto& a = in.advisors[o.advisor];
    EXPECT_EQ(q.service, a.service);
    EXPECT_TRUE(std::find(q.exclude.begin(), q.exclude.end(), o.advisor) == q.exclude.end());
    if (in.rules.radius_hard) {
      EXPECT_LE(o.minutes, a.radius_minutes);
      EXPECT_LE(o.km, a.radius_km);
    }
  }
  EXPECT_EQ(res.assigned, assigned);
  EXPECT_EQ(res.escalated, static_cast<std::int64_t>(in.requests.size()) - assigned);
  for (std::size_t a = 0; a < in.advisors.size(); ++a) {
    EXPECT_EQ(res.advisors[a].assigned, taken[a]);
    EXPECT_LE(res.advisors[a].caseload_after, in.advisors[a].capacity);
    EXPECT_EQ(res.advisors[a].caseload_after, in.advisors[a].caseload + taken[a]);
  }
}

// A random round: `nr` requests, `na` advisors, 2 services, 4 tags, some exclusions.
RoundInput random_round(std::uint32_t seed, int nr, int na) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> xy(0.0, 60000.0);
  std::uniform_int_distribution<int> coin(0, 9);
  RoundInput in;
  for (int a = 0; a < na; ++a) {
    Advisor v = adv("A" + std::to_string(a), xy(rng), xy(rng), 1 + coin(rng) % 3, coin(rng) % 2);
    for (std::int32_t t = 0; t < 4; ++t)
      if (coin(rng) < 6) v.expertise.push_back(t);
    v.caseload = coin(rng) % (v.capacity + 1);
    if (coin(rng) < 5) v.radius_km = 25.0 + coin(rng) * 3;
    in.advisors.push_back(v);
  }
  for (int r = 0; r < nr; ++r) {
    Request q = req("R" + std::to_string(r), xy(rng), xy(rng), coin(rng) % 2);
    if (coin(rng) < 5) q.needs.push_back(coin(rng) % 4);
    q.priority = coin(rng) % 3;
    if (coin(rng) < 2) q.exclude.push_back(coin(rng) % na);
    if (coin(rng) < 2) q.current_advisor = coin(rng) % na;
    in.requests.push_back(q);
  }
  return in;
}

}  // namespace

TEST(Match, NearestAdvisorWithRoom) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0, 1), adv("B", 10000, 0, 1)};
  in.requests = {req("r1", 1000, 0), req("r2", 9000, 0), req("r3", 500, 0)};
  RoundResult res = run_round(in);
  check_invariants(in, res);
  // r1 (1 km) and r3 (0.5 km) compete for A's one place; B takes r2.
  EXPECT_EQ(advisor_of(in, res, "r2"), 1);
  EXPECT_EQ(res.assigned, 2);
  EXPECT_EQ(res.escalated, 1);
  const auto& lost = res.requests[0].advisor < 0 ? res.requests[0] : res.requests[2];
  EXPECT_EQ(lost.reason, Escalation::NoCapacity);
  EXPECT_EQ(lost.funnel[3], 2);  // both advisors in reach with room before the round:
  EXPECT_EQ(lost.funnel[4], 2);  // the room went to other requests
}

TEST(Match, TravelCostFollowsStraightLine) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0)};
  in.requests = {req("r", 30000, 40000)};  // 50 km straight, x1.3 = 65 km = 65 min
  RoundResult res = run_round(in);
  ASSERT_EQ(res.requests[0].advisor, 0);
  EXPECT_NEAR(res.requests[0].km, 65.0, 1e-9);
  EXPECT_NEAR(res.requests[0].minutes, 65.0, 1e-9);
  EXPECT_EQ(res.requests[0].cost.travel, 65 * kCostScale);
  EXPECT_EQ(res.requests[0].cost.load, load_marginal(in.weights, 1, 5));
}

TEST(Match, PriorityWinsScarceCapacity) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0, 1)};
  in.requests = {req("near", 1000, 0), req("urgent", 40000, 0)};
  in.requests[1].priority = 2;
  RoundResult res = run_round(in);
  EXPECT_EQ(advisor_of(in, res, "urgent"), 0);
  EXPECT_EQ(outcome(in, res, "near").reason, Escalation::NoCapacity);
  // Without the priority the nearer request wins.
  in.requests[1].priority = 0;
  res = run_round(in);
  EXPECT_EQ(advisor_of(in, res, "near"), 0);
}

TEST(Match, EscalationReasonsInOrder) {
  RoundInput in;
  Advisor full = adv("full", 0, 0, 2, 0, {0, 1});
  full.caseload = 2;
  Advisor near = adv("near", 0, 100, 2, 0, {0});
  near.radius_km = 10;
  Advisor far = adv("far", 90000, 0, 2, 0, {0, 1});
  far.radius_minutes = 30;
  in.advisors = {full, near, far};
  in.requests = {
      req("svc", 0, 300, 7),           // nobody for service 7
      req("exp", 0, 600, 0, {2}),      // nobody has tag 2
      req("exc", 50000, 300, 0, {1}),  // tag 1: full and far; both excluded
      req("rad", 50000, 0, 0, {0}),    // near: 65 km > 10 km; far: 52 min > 30; full: full
      req("cap", 500, 0, 0, {1}),      // tag 1 within reach: only `full`, no room
  };
  in.requests[2].exclude = {0, 2};
  RoundResult res = run_round(in);
  check_invariants(in, res);
  EXPECT_EQ(outcome(in, res, "svc").reason, Escalation::NoAdvisorForService);
  EXPECT_EQ(outcome(in, res, "exp").reason, Escalation::NoExpertise);
  EXPECT_EQ(outcome(in, res, "exc").reason, Escalation::AllExcluded);
  // `rad`: `full` is within its (infinite) radius but has no room -> radius is not the reason.
  EXPECT_EQ(outcome(in, res, "rad").reason, Escalation::NoCapacity);
  EXPECT_EQ(outcome(in, res, "cap").reason, Escalation::NoCapacity);
  const auto& rad = outcome(in, res, "rad");
  EXPECT_EQ(rad.funnel[0], 3);
  EXPECT_EQ(rad.funnel[3], 1);
  EXPECT_EQ(rad.funnel[4], 0);
  EXPECT_STREQ(to_string(Escalation::AllOutOfRadius), "all_out_of_radius");
  // Without the full advisor the radius decides.
  in.advisors[0].caseload = 0;
  in.advisors[0].radius_km = 1;
  res = run_round(in);
  EXPECT_EQ(outcome(in, res, "rad").reason, Escalation::AllOutOfRadius);
  EXPECT_EQ(outcome(in, res, "cap").advisor, 0);
}

TEST(Match, DuplicatesLaterRegisteredElseLargerId) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0, 5)};
  in.requests = {req("b", 1000, 1000), req("a", 1010, 1010), req("c", 5000, 0)};
  RoundResult res = run_round(in);
  check_invariants(in, res);
  EXPECT_EQ(outcome(in, res, "b").reason, Escalation::DuplicateRequest);  // larger id
  EXPECT_EQ(outcome(in, res, "b").duplicate_of, 1);
  EXPECT_EQ(advisor_of(in, res, "a"), 0);
  EXPECT_EQ(advisor_of(in, res, "c"), 0);
  in.requests[0].registered = 100;  // b registered first: a is now the duplicate
  in.requests[1].registered = 101;
  res = run_round(in);
  EXPECT_EQ(outcome(in, res, "a").reason, Escalation::DuplicateRequest);
  EXPECT_EQ(outcome(in, res, "a").duplicate_of, 0);
  EXPECT_EQ(advisor_of(in, res, "b"), 0);
  // A second location of c close to a's location also makes a duplicate (of c or b).
  in.requests[2].locations.push_back({1000, 990});
  in.requests[2].registered = 99;
  res = run_round(in);
  EXPECT_EQ(outcome(in, res, "c").reason, Escalation::None);
  EXPECT_EQ(outcome(in, res, "b").reason, Escalation::DuplicateRequest);
  EXPECT_EQ(outcome(in, res, "b").duplicate_of, 2);
  // Tolerance 0 switches the rule off.
  in.rules.duplicate_tolerance_m = 0;
  res = run_round(in);
  EXPECT_EQ(res.escalated, 0);
}

TEST(Match, PinnedKeepsAdvisorOrEscalates) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0, 1), adv("B", 20000, 0, 1)};
  in.requests = {req("p", 1000, 0), req("q", 2000, 0)};
  in.requests[0].current_advisor = 1;
  in.requests[0].pinned = true;
  RoundResult res = run_round(in);
  check_invariants(in, res);
  EXPECT_EQ(advisor_of(in, res, "p"), 1);
  EXPECT_TRUE(outcome(in, res, "p").pinned);
  EXPECT_EQ(advisor_of(in, res, "q"), 0);
  // Pinned to an excluded advisor: escalated, never assigned elsewhere.
  in.requests[0].exclude = {1};
  res = run_round(in);
  EXPECT_EQ(outcome(in, res, "p").reason, Escalation::PinnedAdvisorUnavailable);
  // Pinned to an advisor that left the pool.
  in.requests[0].exclude = {};
  in.requests[0].current_advisor = kAdvisorNotInPool;
  res = run_round(in);
  EXPECT_EQ(outcome(in, res, "p").reason, Escalation::PinnedAdvisorUnavailable);
  // Two pinned to B (one place): the higher priority keeps it.
  in.requests[0].current_advisor = 1;
  in.requests[1].current_advisor = 1;
  in.requests[1].pinned = true;
  in.requests[1].priority = 1;
  res = run_round(in);
  EXPECT_EQ(advisor_of(in, res, "q"), 1);
  EXPECT_EQ(outcome(in, res, "p").reason, Escalation::PinnedAdvisorUnavailable);
}

TEST(Match, ContinuityPrefersCurrentAdvisor) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0), adv("B", 10000, 0)};
  in.requests = {req("r", 4000, 0)};  // A is 2.6 min nearer
  RoundResult res = run_round(in);
  EXPECT_EQ(res.requests[0].advisor, 0);
  in.requests[0].current_advisor = 1;
  res = run_round(in);
  EXPECT_EQ(res.requests[0].advisor, 1);
  EXPECT_EQ(res.requests[0].cost.continuity, 0);
  ASSERT_EQ(res.alternatives.size(), 1u);
  EXPECT_EQ(res.alternatives[0].cost.continuity, to_units(in.weights.continuity, "c"));
}

TEST(Match, LoadSpreadsWork) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0, 10), adv("B", 0, 0, 10)};
  for (int k = 0; k < 4; ++k)
    in.requests.push_back(req("r" + std::to_string(k), 3000 * (k + 1), 0));
  RoundResult res = run_round(in);
  EXPECT_EQ(res.advisors[0].assigned, 2);
  EXPECT_EQ(res.advisors[1].assigned, 2);
  in.weights.load = 0;  // without load costs ties all go the first way... still 4 assigned
  res = run_round(in);
  EXPECT_EQ(res.assigned, 4);
}

TEST(Match, OrientationAreas) {
  // Two squares: area 0 = [0,10km]^2, area 1 = [10km,20km] x [0,10km].
  auto square = [](double x0) {
    Ring ring = {{x0, 0}, {x0 + 10000, 0}, {x0 + 10000, 10000}, {x0, 10000}, {x0, 0}};
    return std::vector<PolygonRings>{PolygonRings{ring}};
  };
  AreaSet areas = AreaSet::from_polygons({square(0), square(10000)}, {"OA01", "OA02"});
  RoundInput in;
  in.areas = &areas;
  in.advisors = {adv("A", 9000, 5000), adv("B", 11000, 5000)};
  in.advisors[0].areas = {1};
  in.advisors[1].areas = {0};
  in.requests = {req("r", 9500, 5000)};  // in area 0; A is nearer but works in area 1
  RoundResult res = run_round(in);
  EXPECT_EQ(res.requests[0].advisor, 1);
  EXPECT_EQ(res.requests[0].cost.outside_area, 0);
  ASSERT_EQ(res.alternatives.size(), 1u);
  EXPECT_EQ(res.alternatives[0].cost.outside_area, to_units(in.weights.outside_area, "o"));
  // A precomputed area index is used as given.
  in.requests[0].area = 1;
  res = run_round(in);
  EXPECT_EQ(res.requests[0].advisor, 0);
  in.requests[0].area = 5;
  EXPECT_THROW(run_round(in), UnknownId);
}

TEST(Match, SoftRadiusAndPartialExpertise) {
  RoundInput in;
  Advisor a = adv("A", 0, 0, 2, 0, {0});
  a.radius_km = 10;
  in.advisors = {a};
  in.requests = {req("far", 20000, 0), req("two", 1000, 0, 0, {0, 1})};
  RoundResult res = run_round(in);
  EXPECT_EQ(outcome(in, res, "far").reason, Escalation::AllOutOfRadius);
  EXPECT_EQ(outcome(in, res, "two").reason, Escalation::NoExpertise);
  in.rules.radius_hard = false;
  in.rules.allow_partial_expertise = true;
  res = run_round(in);
  check_invariants(in, res);
  const auto& far = outcome(in, res, "far");
  ASSERT_EQ(far.advisor, 0);
  EXPECT_EQ(
      far.cost.radius,
      to_units(in.weights.radius_penalty + (26.0 - 10.0) * in.weights.radius_penalty_per_km, "r"));
  EXPECT_EQ(outcome(in, res, "two").cost.partial_expertise,
            to_units(in.weights.partial_expertise_per_tag, "p"));
  in.rules.max_travel_minutes = 20;
  res = run_round(in);
  EXPECT_EQ(outcome(in, res, "far").reason, Escalation::AllOutOfRadius);
}

TEST(Match, PermutationGivesSameAssignment) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    RoundInput in = random_round(seed, 60, 15);
    RoundResult res = run_round(in);
    check_invariants(in, res);
    std::map<std::string, std::string> got;
    for (std::size_t r = 0; r < in.requests.size(); ++r)
      got[in.requests[r].id] = res.requests[r].advisor < 0
                                   ? std::string(to_string(res.requests[r].reason))
                                   : in.advisors[res.requests[r].advisor].id;
    // Permute both tables and relabel advisor references.
    std::mt19937_64 rng(seed * 7);
    std::vector<std::int64_t> perm(in.advisors.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);  // new position k holds old perm[k]
    std::vector<std::int64_t> where(perm.size());
    for (std::size_t k = 0; k < perm.size(); ++k) where[perm[k]] = static_cast<std::int64_t>(k);
    RoundInput sh = in;
    for (std::size_t k = 0; k < perm.size(); ++k) sh.advisors[k] = in.advisors[perm[k]];
    for (auto& q : sh.requests) {
      for (auto& e : q.exclude) e = where[e];
      if (q.current_advisor >= 0) q.current_advisor = where[q.current_advisor];
    }
    std::shuffle(sh.requests.begin(), sh.requests.end(), rng);
    RoundResult res2 = run_round(sh);
    EXPECT_EQ(res.objective, res2.objective);
    for (std::size_t r = 0; r < sh.requests.size(); ++r) {
      std::string v = res2.requests[r].advisor < 0 ? std::string(to_string(res2.requests[r].reason))
                                                   : sh.advisors[res2.requests[r].advisor].id;
      EXPECT_EQ(got[sh.requests[r].id], v) << "seed " << seed << " request " << sh.requests[r].id;
    }
  }
}

TEST(Match, ThreadCountDoesNotMatter) {
  RoundInput in = random_round(11, 80, 20);
  in.rules.threads = 1;
  RoundResult a = run_round(in);
  in.rules.threads = 4;
  RoundResult b = run_round(in);
  for (std::size_t r = 0; r < in.requests.size(); ++r)
    EXPECT_EQ(a.requests[r].advisor, b.requests[r].advisor);
}

TEST(Match, ExplainIsConsistent) {
  for (std::uint32_t seed = 20; seed < 26; ++seed) {
    RoundInput in = random_round(seed, 40, 12);
    RoundResult res = run_round(in);
    for (std::size_t r = 0; r < in.requests.size(); ++r) {
      auto rows = explain(in, res, static_cast<std::int64_t>(r));
      ASSERT_EQ(rows.size(), in.advisors.size());
      const auto& o = res.requests[r];
      std::int64_t n_eligible = 0;
      for (const auto& row : rows) {
        if (row.verdict != Verdict::Eligible) {
          EXPECT_EQ(row.rank, 0);
          EXPECT_FALSE(row.chosen);
          continue;
        }
        ++n_eligible;
        EXPECT_GE(row.rank, 1);
        EXPECT_EQ(row.cost.total(), row.cost.travel + row.cost.outside_area +
                                        row.cost.partial_expertise + row.cost.radius +
                                        row.cost.continuity + row.cost.load);
        if (o.advisor >= 0 && !o.pinned && row.has_room && !row.chosen) {
          EXPECT_GE(row.cost.total(), o.cost.total()) << "a cheaper advisor with room";
        }
        if (o.advisor < 0 && o.reason != Escalation::DuplicateRequest &&
            o.reason != Escalation::PinnedAdvisorUnavailable) {
          EXPECT_FALSE(row.has_room) << "escalated while an eligible advisor has room";
        }
      }
      if (o.advisor >= 0) {
        const auto& c = rows[o.advisor];
        EXPECT_TRUE(c.chosen);
        EXPECT_EQ(c.verdict, Verdict::Eligible);
        EXPECT_EQ(c.cost.total(), o.cost.total());
        // Rank 1 unless a cheaper advisor is full.
        std::int64_t cheaper = 0;
        for (const auto& row : rows)
          if (row.verdict == Verdict::Eligible && row.cost.total() < c.cost.total()) {
            if (!o.pinned) {
              EXPECT_FALSE(row.has_room);
            }
            ++cheaper;
          }
        EXPECT_EQ(c.rank, cheaper + 1);
      }
      // Alternatives agree with explain.
      for (const auto& alt : res.alternatives)
        if (alt.request == static_cast<std::int64_t>(r)) {
          EXPECT_EQ(rows[alt.advisor].rank, alt.rank);
          EXPECT_EQ(rows[alt.advisor].cost.total(), alt.cost.total());
          EXPECT_EQ(alt.delta, alt.cost.total() - o.cost.total());
        }
      (void)n_eligible;
    }
  }
}

// Exhaustive search over every assignment of a small round: the objective is optimal.
TEST(Match, ObjectiveIsOptimalOnSmallRounds) {
  for (std::uint32_t seed = 100; seed < 130; ++seed) {
    RoundInput in = random_round(seed, 6, 4);
    in.rules.duplicate_tolerance_m = 0;
    for (auto& q : in.requests) q.pinned = false;
    RoundResult res = run_round(in);
    const std::size_t nr = in.requests.size(), na = in.advisors.size();
    std::vector<std::vector<std::int64_t>> cost(nr, std::vector<std::int64_t>(na, -1));
    for (std::size_t r = 0; r < nr; ++r) {
      auto rows = explain(in, res, static_cast<std::int64_t>(r));
      for (std::size_t a = 0; a < na; ++a)
        if (rows[a].verdict == Verdict::Eligible)
          cost[r][a] = rows[a].cost.total() - rows[a].cost.load;
    }
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    std::vector<std::int64_t> choice(nr, -1), load(na, 0);
    std::function<void(std::size_t, std::int64_t)> go = [&](std::size_t r, std::int64_t acc) {
      if (r == nr) {
        std::int64_t total = acc;
        for (std::size_t a = 0; a < na; ++a)
          for (std::int64_t k = 1; k <= load[a]; ++k)
            total +=
                load_marginal(in.weights, in.advisors[a].caseload + k, in.advisors[a].capacity);
        best = std::min(best, total);
        return;
      }
      go(r + 1, acc + unassigned_cost(in.weights, res.unassigned_base, in.requests[r].priority));
      for (std::size_t a = 0; a < na; ++a)
        if (cost[r][a] >= 0 && in.advisors[a].caseload + load[a] < in.advisors[a].capacity) {
          ++load[a];
          go(r + 1, acc + cost[r][a]);
          --load[a];
        }
    };
    go(0, 0);
    EXPECT_EQ(res.objective, best) << "seed " << seed;
  }
}

TEST(Match, PrecomputedTravelPairsGiveTheSameRound) {
  RoundInput in = random_round(42, 50, 12);
  RoundResult a = run_round(in);
  // All pairs, unlimited; the round filters them by radius itself.
  StraightLine sl;
  std::vector<double> o, d;
  for (const auto& v : in.advisors) o.insert(o.end(), {v.base.x, v.base.y});
  for (const auto& q : in.requests) d.insert(d.end(), {q.locations[0].x, q.locations[0].y});
  TravelPairs tp = sl.pairs(o, d);
  in.travel_pairs = &tp;
  RoundResult b = run_round(in);
  EXPECT_EQ(a.objective, b.objective);
  for (std::size_t r = 0; r < in.requests.size(); ++r) {
    EXPECT_EQ(a.requests[r].advisor, b.requests[r].advisor);
    EXPECT_EQ(a.requests[r].reason, b.requests[r].reason);
  }
  auto ex = explain(in, b, 0);
  EXPECT_EQ(ex.size(), in.advisors.size());
}

TEST(Match, CustomTravelModelIsUsed) {
  RoundInput in;
  in.advisors = {adv("A", 0, 0), adv("B", 10000, 0)};
  in.requests = {req("r", 4000, 0)};
  StraightLine slow(1.0, 6.0);  // 4 km at 6 km/h = 40 min
  in.travel = &slow;
  RoundResult res = run_round(in);
  EXPECT_EQ(res.requests[0].advisor, 0);
  EXPECT_NEAR(res.requests[0].minutes, 40.0, 1e-9);
  EXPECT_NEAR(res.requests[0].km, 4.0, 1e-9);
}

TEST(Match, EmptyTables) {
  RoundInput in;
  RoundResult res = run_round(in);
  EXPECT_TRUE(res.requests.empty());
  EXPECT_EQ(res.objective, 0);
  in.advisors = {adv("A", 0, 0)};
  res = run_round(in);
  EXPECT_EQ(res.advisors.size(), 1u);
  EXPECT_EQ(res.advisors[0].assigned, 0);
  in.advisors.clear();
  in.requests = {req("r", 0, 0)};
  res = run_round(in);
  EXPECT_EQ(res.requests[0].reason, Escalation::NoAdvisorForService);
}

TEST(Match, BadInputNamesTheId) {
  auto expect_error = [](RoundInput in, const std::string& needle) {
    try {
      run_round(in);
      ADD_FAILURE() << "no error for " << needle;
    } catch (const InvalidInput& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  RoundInput ok;
  ok.advisors = {adv("A1", 0, 0), adv("A2", 0, 0)};
  ok.requests = {req("R1", 1000, 0)};
  EXPECT_NO_THROW(run_round(ok));

  RoundInput in = ok;
  in.advisors[1].id = "A1";
  expect_error(in, "A1");
  in = ok;
  in.advisors[1].capacity = -1;
  expect_error(in, "A2");
  in = ok;
  in.advisors[0].caseload = 9;
  expect_error(in, "A1");
  in = ok;
  in.advisors[0].base.x = std::nan("");
  expect_error(in, "A1");
  in = ok;
  in.requests[0].locations[0].y = std::nan("");
  expect_error(in, "R1");
  in = ok;
  in.requests[0].locations.clear();
  expect_error(in, "R1");
  in = ok;
  in.requests.push_back(req("R1", 1, 1));
  expect_error(in, "R1");
  in = ok;
  in.requests[0].exclude = {7};
  EXPECT_THROW(run_round(in), UnknownId);
  in = ok;
  in.advisors[0].radius_km = -1;
  expect_error(in, "A1");
  in = ok;
  in.weights.travel_per_minute = std::nan("");
  expect_error(in, "travel_per_minute");
  in = ok;
  in.weights.outside_area = 1e300;  // would overflow int64 units
  in.advisors[0].areas = {0};
  EXPECT_NO_THROW(run_round(in));  // no AreaSet: the cost is never charged
  in = ok;
  in.weights.travel_per_minute = 1e300;
  EXPECT_THROW(run_round(in), Overflow);
  EXPECT_THROW(explain(ok, run_round(ok), 3), UnknownId);
}
