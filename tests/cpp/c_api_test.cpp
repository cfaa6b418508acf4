// The C ABI (libmatch.h) against the C++ API it wraps: the same areas, locations and round
// outcomes, the defaults, and a distinct status plus a message for each kind of bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "libmatch/areas.hpp"
#include "libmatch/cancel.hpp"
#include "libmatch/libmatch.h"
#include "libmatch/match.hpp"
#include "libmatch/travel.hpp"

using namespace libmatch;

namespace {

const std::string kMunicipalities =
    std::string(LIBMATCH_SOURCE_DIR) + "/data/municipalities.geojson";

/// Owns a C handle for the duration of a test.
struct AreasHandle {
  lm_areas* h = nullptr;
  ~AreasHandle() { lm_areas_free(h); }
};
struct RoundHandle {
  lm_round* h = nullptr;
  ~RoundHandle() { lm_round_free(h); }
};

/// A round held as C++ structs plus the parallel arrays the C ABI takes.
struct ArrayRound {
  RoundInput input;
  std::vector<const char*> req_id, adv_id;
  std::vector<double> rx, ry, ax, ay, radius_km, radius_min;
  std::vector<std::int32_t> rservice, aservice, needs, expertise;
  std::vector<std::int64_t> priority, needs_off{0}, exclude_off{0}, exclude, current, registered;
  std::vector<std::uint8_t> pinned;
  std::vector<std::int64_t> capacity, caseload, exp_off{0}, areas_off{0}, areas;

  lm_requests requests() const {
    return lm_requests{static_cast<int64_t>(rx.size()),
                       req_id.data(),
                       rx.data(),
                       ry.data(),
                       rservice.data(),
                       priority.data(),
                       needs_off.data(),
                       needs.data(),
                       exclude_off.data(),
                       exclude.data(),
                       current.data(),
                       pinned.data(),
                       registered.data()};
  }
  lm_advisors advisors() const {
    return lm_advisors{static_cast<int64_t>(ax.size()),
                       adv_id.data(),
                       ax.data(),
                       ay.data(),
                       aservice.data(),
                       capacity.data(),
                       caseload.data(),
                       radius_km.data(),
                       radius_min.data(),
                       exp_off.data(),
                       expertise.data(),
                       areas_off.data(),
                       areas.data()};
  }
};

/// A random round inside the bounding box of `set` (several services, tags, exclusions,
/// reassignments with and without pinning, duplicates, scarce capacity, radii, areas).
ArrayRound random_round(std::uint32_t seed, const AreaSet* set, int n_req, int n_adv) {
  std::mt19937 rng(seed);
  XY lo{1e300, 1e300}, hi{-1e300, -1e300};
  if (set) {
    for (std::size_t i = 0; i < set->size(); ++i) {
      lo = {std::min(lo.x, set->stats(i).min.x), std::min(lo.y, set->stats(i).min.y)};
      hi = {std::max(hi.x, set->stats(i).max.x), std::max(hi.y, set->stats(i).max.y)};
    }
  } else {
    lo = {0, 0};
    hi = {40000, 40000};
  }
  std::uniform_real_distribution<double> ux(lo.x, hi.x), uy(lo.y, hi.y), u01(0, 1);
  std::uniform_int_distribution<int> service(0, 2), tag(0, 4);
  std::uniform_int_distribution<int> request_service(0, 3);  // 3: no advisor works for it
  ArrayRound a;
  a.input.areas = set;
  for (int j = 0; j < n_adv; ++j) {
    Advisor v;
    v.id = "A" + std::to_string(1000 + j);
    v.base = {ux(rng), uy(rng)};
    v.service = service(rng);
    for (int t = 0; t < 5; ++t)
      if (u01(rng) < 0.6) v.expertise.push_back(t);
    v.capacity = std::uniform_int_distribution<int>(0, 4)(rng);
    v.caseload = v.capacity > 0 ? std::uniform_int_distribution<int>(0, v.capacity - 1)(rng) : 0;
    if (u01(rng) < 0.5) v.radius_km = 10 + 40 * u01(rng);
    if (u01(rng) < 0.3) v.radius_minutes = 20 + 40 * u01(rng);
    if (set && u01(rng) < 0.7) v.areas.push_back(rng() % set->size());
    a.input.advisors.push_back(v);
  }
  for (int i = 0; i < n_req; ++i) {
    Request q;
    q.id = "R" + std::to_string(5000 - 7 * i);
    if (i > 0 && u01(rng) < 0.1) {
      q.locations = {
          {a.input.requests[i - 1].locations[0].x + 3, a.input.requests[i - 1].locations[0].y}};
    } else {
      q.locations = {{ux(rng), uy(rng)}};
    }
    q.service = request_service(rng);
    if (u01(rng) < 0.5) q.needs.push_back(tag(rng));
    q.priority = std::uniform_int_distribution<int>(0, 2)(rng);
    if (n_adv > 0 && u01(rng) < 0.2) q.exclude.push_back(rng() % n_adv);
    if (n_adv > 0 && u01(rng) < 0.2) {
      q.current_advisor = rng() % n_adv;
      q.pinned = u01(rng) < 0.5;
    }
    if (u01(rng) < 0.5) q.registered = std::uniform_int_distribution<int>(0, 30)(rng);
    a.input.requests.push_back(q);
  }
  for (const Request& q : a.input.requests) {
    a.req_id.push_back(q.id.c_str());
    a.rx.push_back(q.locations[0].x);
    a.ry.push_back(q.locations[0].y);
    a.rservice.push_back(q.service);
    a.priority.push_back(q.priority);
    a.needs.insert(a.needs.end(), q.needs.begin(), q.needs.end());
    a.needs_off.push_back(static_cast<std::int64_t>(a.needs.size()));
    a.exclude.insert(a.exclude.end(), q.exclude.begin(), q.exclude.end());
    a.exclude_off.push_back(static_cast<std::int64_t>(a.exclude.size()));
    a.current.push_back(q.current_advisor);
    a.pinned.push_back(q.pinned ? 1 : 0);
    a.registered.push_back(q.registered);
  }
  for (const Advisor& v : a.input.advisors) {
    a.adv_id.push_back(v.id.c_str());
    a.ax.push_back(v.base.x);
    a.ay.push_back(v.base.y);
    a.aservice.push_back(v.service);
    a.capacity.push_back(v.capacity);
    a.caseload.push_back(v.caseload);
    a.radius_km.push_back(v.radius_km);
    a.radius_min.push_back(v.radius_minutes);
    a.expertise.insert(a.expertise.end(), v.expertise.begin(), v.expertise.end());
    a.exp_off.push_back(static_cast<std::int64_t>(a.expertise.size()));
    a.areas.insert(a.areas.end(), v.areas.begin(), v.areas.end());
    a.areas_off.push_back(static_cast<std::int64_t>(a.areas.size()));
  }
  return a;
}

/// Runs `a` through the C ABI and compares every outcome with run_round on the same input.
/// With `programme`: through lm_round_run_programme (a.input must hold the same programme),
/// comparing the programme outputs as well.
void expect_same_round(const ArrayRound& a, const lm_areas* areas, const lm_travel* travel,
                       const lm_weights* weights, const lm_rules* rules,
                       const lm_programme* programme = nullptr) {
  const RoundResult want = run_round(a.input);
  const lm_requests req = a.requests();
  const lm_advisors adv = a.advisors();
  RoundHandle round;
  if (programme) {
    ASSERT_EQ(
        lm_round_run_programme(&req, &adv, areas, travel, weights, rules, programme, &round.h),
        LM_OK)
        << lm_last_error();
  } else {
    ASSERT_EQ(lm_round_run(&req, &adv, areas, travel, weights, rules, &round.h), LM_OK)
        << lm_last_error();
  }
  lm_round_summary s{};
  ASSERT_EQ(lm_round_summary_get(round.h, &s), LM_OK);
  EXPECT_EQ(s.n_requests, req.n);
  EXPECT_EQ(s.n_advisors, adv.n);
  EXPECT_EQ(s.assigned, want.assigned);
  EXPECT_EQ(s.escalated, want.escalated);
  EXPECT_EQ(s.objective, want.objective);
  EXPECT_EQ(s.unassigned_base, want.unassigned_base);
  EXPECT_EQ(s.candidate_pairs, want.candidate_pairs);

  const std::size_t n = a.rx.size();
  std::vector<std::int64_t> advisor(n), dup(n), cost(n);
  std::vector<std::int32_t> reason(n);
  std::vector<std::uint8_t> pinned(n);
  std::vector<double> minutes(n), km(n);
  ASSERT_EQ(lm_round_requests(round.h, req.n, advisor.data(), reason.data(), dup.data(),
                              pinned.data(), cost.data(), minutes.data(), km.data()),
            LM_OK);
  for (std::size_t i = 0; i < n; ++i) {
    const RequestOutcome& o = want.requests[i];
    EXPECT_EQ(advisor[i], o.advisor) << i;
    EXPECT_EQ(reason[i], static_cast<int>(o.reason)) << i;
    EXPECT_EQ(dup[i], o.duplicate_of) << i;
    EXPECT_EQ(pinned[i] != 0, o.pinned) << i;
    EXPECT_EQ(cost[i], o.advisor >= 0 ? o.cost.total() : 0) << i;
    EXPECT_EQ(minutes[i], o.advisor >= 0 ? o.minutes : 0.0) << i;
    EXPECT_EQ(km[i], o.advisor >= 0 ? o.km : 0.0) << i;
  }
  std::int64_t referred = -1;
  std::vector<std::int32_t> referral(n, -1);
  ASSERT_EQ(lm_round_referrals(round.h, req.n, &referred, referral.data()), LM_OK);
  EXPECT_EQ(referred, want.referred);
  EXPECT_EQ(s.assigned + s.escalated + referred, s.n_requests);
  for (std::size_t i = 0; i < n; ++i)
    EXPECT_EQ(referral[i], static_cast<int>(want.requests[i].referral)) << i;
  const std::size_t m = a.ax.size();
  std::vector<std::int64_t> assigned(m), after(m), load(m);
  ASSERT_EQ(lm_round_advisors(round.h, adv.n, assigned.data(), after.data(), load.data()), LM_OK);
  for (std::size_t j = 0; j < m; ++j) {
    EXPECT_EQ(assigned[j], want.advisors[j].assigned) << j;
    EXPECT_EQ(after[j], want.advisors[j].caseload_after) << j;
    EXPECT_EQ(load[j], want.advisors[j].load_cost) << j;
  }
  lm_round_programme_totals totals{};
  ASSERT_EQ(lm_round_programme_get(round.h, &totals), LM_OK);
  EXPECT_EQ(totals.status, static_cast<int>(want.status));
  EXPECT_EQ(totals.bound, want.bound);
  EXPECT_EQ(totals.gap, want.gap);
  EXPECT_EQ(totals.spend_eur, want.spend_eur);
  std::vector<double> hours(n), price(n), missing(n), hours_after(m);
  ASSERT_EQ(lm_round_request_effort(round.h, req.n, hours.data(), price.data(), missing.data()),
            LM_OK);
  for (std::size_t i = 0; i < n; ++i) {
    const RequestOutcome& o = want.requests[i];
    EXPECT_EQ(hours[i], o.advisor >= 0 ? o.hours : 0.0) << i;
    EXPECT_EQ(price[i], o.advisor >= 0 ? o.cost_eur : 0.0) << i;
    EXPECT_EQ(missing[i], o.missing_eur) << i;
  }
  ASSERT_EQ(lm_round_advisor_hours(round.h, adv.n, hours_after.data()), LM_OK);
  for (std::size_t j = 0; j < m; ++j) EXPECT_EQ(hours_after[j], want.advisors[j].hours_after) << j;
}

lm_status read_municipalities(AreasHandle& areas) {
  return lm_areas_read(kMunicipalities.c_str(), "id", nullptr, nullptr, nullptr, &areas.h);
}

}  // namespace

TEST(CApi, VersionMatchesHeaders) {
  int32_t major = -1, minor = -1, patch = -1;
  const char* text = nullptr;
  ASSERT_EQ(lm_version(&major, &minor, &patch, &text), LM_OK);
  EXPECT_EQ(major, LIBMATCH_VERSION_MAJOR);
  EXPECT_EQ(minor, LIBMATCH_VERSION_MINOR);
  EXPECT_EQ(patch, LIBMATCH_VERSION_PATCH);
  EXPECT_STREQ(text, LIBMATCH_VERSION_STRING);
  EXPECT_EQ(lm_version(nullptr, nullptr, nullptr, nullptr), LM_OK);
}

TEST(CApi, AreasReadLocateNearestAsAreaSet) {
  const AreaSet set = AreaSet::from_file(kMunicipalities, "id");
  AreasHandle areas;
  ASSERT_EQ(read_municipalities(areas), LM_OK) << lm_last_error();
  int64_t n = 0;
  ASSERT_EQ(lm_areas_size(areas.h, &n), LM_OK);
  ASSERT_EQ(n, static_cast<int64_t>(set.size()));
  ASSERT_GT(n, 1);
  for (int64_t i = 0; i < n; ++i) {
    const char* id = nullptr;
    ASSERT_EQ(lm_areas_id(areas.h, i, &id), LM_OK);
    EXPECT_EQ(id, set.ids()[i]);
    int64_t back = -1;
    ASSERT_EQ(lm_areas_index_of(areas.h, id, &back), LM_OK);
    EXPECT_EQ(back, i);
  }
  const char* crs = nullptr;
  ASSERT_EQ(lm_areas_crs(areas.h, &crs), LM_OK);
  EXPECT_EQ(std::string(crs), set.crs());

  // Centroids, a grid over (and beyond) the bounding box, and non-finite points.
  std::vector<double> xy;
  XY lo{1e300, 1e300}, hi{-1e300, -1e300};
  for (std::size_t i = 0; i < set.size(); ++i) {
    xy.push_back(set.stats(i).centroid.x);
    xy.push_back(set.stats(i).centroid.y);
    lo = {std::min(lo.x, set.stats(i).min.x), std::min(lo.y, set.stats(i).min.y)};
    hi = {std::max(hi.x, set.stats(i).max.x), std::max(hi.y, set.stats(i).max.y)};
  }
  for (int gx = -2; gx <= 42; ++gx)
    for (int gy = -2; gy <= 42; ++gy) {
      xy.push_back(lo.x + (hi.x - lo.x) * gx / 40.0);
      xy.push_back(lo.y + (hi.y - lo.y) * gy / 40.0);
    }
  xy.push_back(std::nan(""));
  xy.push_back(0);
  const std::size_t points = xy.size() / 2;
  std::vector<std::int64_t> want(points), got(points, -7);
  set.locate(xy, want, 1);
  ASSERT_EQ(lm_areas_locate(areas.h, xy.data(), static_cast<int64_t>(points), got.data(), 0),
            LM_OK);
  EXPECT_EQ(got, want);
  EXPECT_GT(std::count(got.begin(), got.end(), -1), 0);
  EXPECT_GT(std::count_if(got.begin(), got.end(), [](std::int64_t k) { return k >= 0; }), n);

  std::vector<std::int64_t> want_i(points), got_i(points);
  std::vector<double> want_d(points), got_d(points);
  set.nearest(xy, want_i, want_d, 2000.0, 1);
  ASSERT_EQ(lm_areas_nearest(areas.h, xy.data(), static_cast<int64_t>(points), 2000.0, got_i.data(),
                             got_d.data(), 2),
            LM_OK);
  EXPECT_EQ(got_i, want_i);
  for (std::size_t k = 0; k < points; ++k)
    EXPECT_TRUE(got_d[k] == want_d[k] || (std::isnan(got_d[k]) && std::isnan(want_d[k]))) << k;
  EXPECT_EQ(lm_areas_locate(areas.h, nullptr, 0, nullptr, 0), LM_OK);
}

TEST(CApi, TransformPointsAsCpp) {
  std::vector<double> want = {5.0, 52.0, 6.5, 53.1}, got = want;
  transform_points(want, "EPSG:4326", "EPSG:28992");
  ASSERT_EQ(lm_transform_points(got.data(), 2, "EPSG:4326", "EPSG:28992"), LM_OK);
  EXPECT_EQ(got, want);
  EXPECT_NE(got[0], 5.0);
}

TEST(CApi, DefaultsAreTheCppDefaults) {
  lm_weights w{};
  lm_rules r{};
  lm_travel t{};
  ASSERT_EQ(lm_round_defaults(&w, &r, &t), LM_OK);
  const Weights cw;
  const RuleOptions cr;
  EXPECT_EQ(w.travel_per_minute, cw.travel_per_minute);
  EXPECT_EQ(w.outside_area, cw.outside_area);
  EXPECT_EQ(w.partial_expertise_per_tag, cw.partial_expertise_per_tag);
  EXPECT_EQ(w.load, cw.load);
  EXPECT_EQ(w.continuity, cw.continuity);
  EXPECT_EQ(w.radius_penalty, cw.radius_penalty);
  EXPECT_EQ(w.radius_penalty_per_minute, cw.radius_penalty_per_minute);
  EXPECT_EQ(w.radius_penalty_per_km, cw.radius_penalty_per_km);
  EXPECT_EQ(w.unassigned_base, cw.unassigned_base);
  EXPECT_EQ(w.unassigned_per_priority, cw.unassigned_per_priority);
  EXPECT_EQ(r.radius_hard != 0, cr.radius_hard);
  EXPECT_EQ(r.allow_partial_expertise != 0, cr.allow_partial_expertise);
  EXPECT_EQ(r.duplicate_tolerance_m, cr.duplicate_tolerance_m);
  EXPECT_EQ(r.max_travel_minutes, cr.max_travel_minutes);
  EXPECT_EQ(r.alternatives, cr.alternatives);
  EXPECT_EQ(r.threads, cr.threads);
  const StraightLine s;
  EXPECT_EQ(t.detour, s.detour());
  EXPECT_EQ(t.speed_kmh, s.speed_kmh());
  EXPECT_EQ(t.n_pairs, -1);
}

TEST(CApi, RoundOutcomesAsRunRound) {
  std::set<Escalation> reasons;  // the rounds must exercise the outcomes being compared
  std::int64_t assigned = 0, pinned = 0;
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(seed);
    ArrayRound a = random_round(seed, nullptr, 40, 12);
    expect_same_round(a, nullptr, nullptr, nullptr, nullptr);
    const RoundResult r = run_round(a.input);
    assigned += r.assigned;
    for (const RequestOutcome& o : r.requests) {
      reasons.insert(o.reason);
      pinned += o.pinned;
    }
  }
  EXPECT_GT(assigned, 0);
  EXPECT_GT(pinned, 0);
  for (Escalation e :
       {Escalation::NoAdvisorForService, Escalation::NoExpertise, Escalation::NoCapacity,
        Escalation::DuplicateRequest, Escalation::PinnedAdvisorUnavailable})
    EXPECT_TRUE(reasons.count(e)) << to_string(e);
}

TEST(CApi, ProgrammeRoundAsRunRound) {
  // Services 0-3: hours, prices, slots and budgets that bind, service 3 referral-only in odd
  // seeds; heavy cases and advisors with hours. Both sides get the same programme.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::set<Escalation> reasons;
  std::int64_t referred = 0, time_limited = 0;
  for (std::uint32_t seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE(seed);
    ArrayRound a = random_round(seed, nullptr, 40, 12);
    std::mt19937 rng(seed * 7919);
    std::uniform_real_distribution<double> u01(0, 1);
    std::vector<double> hours{1.5, 10, 3, 0.5}, price{100, 800, 300, 50};
    std::vector<std::int64_t> max_cases{-1, -1, 3, -1};
    std::vector<double> budget{inf, 2000 + 1000 * u01(rng), inf, inf};
    std::vector<std::uint8_t> travel_in{0, 1, 0, 0}, referral{0, 0, 0, seed % 2 == 1};
    std::vector<double> visits{1, 2, 1, 1};
    lm_services cat{4,
                    hours.data(),
                    price.data(),
                    max_cases.data(),
                    budget.data(),
                    travel_in.data(),
                    visits.data(),
                    referral.data()};
    std::vector<double> r_hours(a.rx.size(), nan), r_cost(a.rx.size(), nan);
    for (std::size_t i = 0; i < r_hours.size(); ++i)
      if (u01(rng) < 0.2) r_hours[i] = 2 + 10 * u01(rng), r_cost[i] = 400;
    std::vector<double> cap_h(a.ax.size(), inf), booked(a.ax.size(), 0.0);
    for (std::size_t j = 0; j < cap_h.size(); ++j)
      if (u01(rng) < 0.7) cap_h[j] = 5 + 25 * u01(rng), booked[j] = cap_h[j] * 0.4 * u01(rng);
    lm_programme prog;
    ASSERT_EQ(lm_programme_defaults(&prog), LM_OK);
    EXPECT_EQ(prog.services, nullptr);
    EXPECT_EQ(prog.budget_eur, inf);
    prog.services = &cat;
    prog.request_hours = r_hours.data();
    prog.request_cost_eur = r_cost.data();
    prog.advisor_capacity_hours = cap_h.data();
    prog.advisor_hours_booked = booked.data();
    prog.budget_eur = 1200 + 1500 * u01(rng);
    if (seed % 4 == 0) prog.time_limit_s = 5;
    // The same programme on the C++ side.
    for (int k = 0; k < 4; ++k) {
      Service v;
      v.hours = hours[k];
      v.cost_eur = price[k];
      if (max_cases[k] >= 0) v.max_cases = max_cases[k];
      v.budget_eur = budget[k];
      v.travel_in_hours = travel_in[k] != 0;
      v.visits = visits[k];
      v.referral_only = referral[k] != 0;
      a.input.services.push_back(v);
    }
    for (std::size_t i = 0; i < r_hours.size(); ++i) {
      a.input.requests[i].hours = r_hours[i];
      a.input.requests[i].cost_eur = r_cost[i];
    }
    for (std::size_t j = 0; j < cap_h.size(); ++j) {
      a.input.advisors[j].capacity_hours = cap_h[j];
      a.input.advisors[j].hours_booked = booked[j];
    }
    a.input.budget_eur = prog.budget_eur;
    a.input.rules.time_limit_s = prog.time_limit_s;
    expect_same_round(a, nullptr, nullptr, nullptr, nullptr, &prog);
    const RoundResult r = run_round(a.input);
    for (const RequestOutcome& o : r.requests) reasons.insert(o.reason);
    referred += r.referred;
    time_limited += r.status == SolveStatus::TimeLimit;
  }
  EXPECT_GT(referred, 0);
  for (Escalation e : {Escalation::NoHours, Escalation::SlotsExhausted, Escalation::BudgetExhausted,
                       Escalation::NoCapacity})
    EXPECT_TRUE(reasons.count(e)) << to_string(e);
  EXPECT_EQ(time_limited, 0);  // rounds this small are proven optimal

  // Bad programme input: a service code outside the catalogue, a negative price.
  ArrayRound a = random_round(3, nullptr, 10, 4);
  std::vector<double> price{1, 1};
  lm_services cat{2, nullptr, price.data(), nullptr, nullptr, nullptr, nullptr, nullptr};
  lm_programme prog;
  lm_programme_defaults(&prog);
  prog.services = &cat;
  const lm_requests req = a.requests();
  const lm_advisors adv = a.advisors();
  RoundHandle round;
  EXPECT_EQ(lm_round_run_programme(&req, &adv, nullptr, nullptr, nullptr, nullptr, &prog, &round.h),
            LM_ERR_UNKNOWN_ID);
  EXPECT_NE(std::strstr(lm_last_error(), "not in the catalogue"), nullptr) << lm_last_error();
  std::vector<double> price4{1, -5, 1, 1};
  lm_services cat4{4, nullptr, price4.data(), nullptr, nullptr, nullptr, nullptr, nullptr};
  prog.services = &cat4;
  EXPECT_EQ(lm_round_run_programme(&req, &adv, nullptr, nullptr, nullptr, nullptr, &prog, &round.h),
            LM_ERR_INVALID_INPUT);
  EXPECT_EQ(round.h, nullptr);
  EXPECT_EQ(lm_programme_defaults(nullptr), LM_ERR_ARGUMENT);
}

TEST(CApi, RoundWithAreasWeightsRulesAndTravel) {
  const AreaSet set = AreaSet::from_file(kMunicipalities, "id");
  AreasHandle areas;
  ASSERT_EQ(read_municipalities(areas), LM_OK) << lm_last_error();
  lm_weights w{};
  lm_rules r{};
  lm_travel t{};
  ASSERT_EQ(lm_round_defaults(&w, &r, &t), LM_OK);
  w.outside_area = 80;
  w.load = 25;
  w.unassigned_base = 900;
  r.radius_hard = 0;
  r.allow_partial_expertise = 1;
  r.threads = 2;
  t.detour = 1.5;
  t.speed_kmh = 45;
  for (std::uint32_t seed = 20; seed <= 25; ++seed) {
    SCOPED_TRACE(seed);
    ArrayRound a = random_round(seed, &set, 60, 15);
    StraightLine travel(1.5, 45);
    a.input.travel = &travel;
    a.input.weights.outside_area = 80;
    a.input.weights.load = 25;
    a.input.weights.unassigned_base = 900;
    a.input.rules.radius_hard = false;
    a.input.rules.allow_partial_expertise = true;
    a.input.rules.threads = 2;
    expect_same_round(a, areas.h, &t, &w, &r);
  }
}

TEST(CApi, RoundWithCandidateTravelPairs) {
  ArrayRound a = random_round(7, nullptr, 30, 10);
  std::vector<double> bases, points;
  for (std::size_t j = 0; j < a.ax.size(); ++j) bases.insert(bases.end(), {a.ax[j], a.ay[j]});
  for (std::size_t i = 0; i < a.rx.size(); ++i) points.insert(points.end(), {a.rx[i], a.ry[i]});
  // A model other than the default, so using the pairs is visible in the outcome.
  TravelPairs pairs = StraightLine(2.0, 30.0).pairs(bases, points);
  a.input.travel_pairs = &pairs;
  lm_travel t{};
  ASSERT_EQ(lm_round_defaults(nullptr, nullptr, &t), LM_OK);
  t.n_pairs = static_cast<int64_t>(pairs.origin.size());
  t.pair_advisor = pairs.origin.data();
  t.pair_request = pairs.destination.data();
  t.pair_minutes = pairs.minutes.data();
  t.pair_km = pairs.km.data();
  expect_same_round(a, nullptr, &t, nullptr, nullptr);
  const RoundResult straight = run_round([&] {
    RoundInput in = a.input;
    in.travel_pairs = nullptr;
    return in;
  }());
  EXPECT_NE(run_round(a.input).objective, straight.objective);
}

TEST(CApi, EmptyPoolsAndRoundsWithNullArrays) {
  // A week without advisors (or without requests): NULL arrays of n = 0 are no error.
  const char* rid[1] = {"r1"};
  double rx[1] = {100000}, ry[1] = {450000};
  int32_t rs[1] = {0};
  lm_requests req{};
  req.n = 1;
  req.id = rid;
  req.x = rx;
  req.y = ry;
  req.service = rs;
  lm_advisors adv{};
  RoundHandle round;
  ASSERT_EQ(lm_round_run(&req, &adv, nullptr, nullptr, nullptr, nullptr, &round.h), LM_OK)
      << lm_last_error();
  lm_round_summary sum{};
  ASSERT_EQ(lm_round_summary_get(round.h, &sum), LM_OK);
  EXPECT_EQ(sum.escalated, 1);
  EXPECT_EQ(sum.n_advisors, 0);
  RoundHandle none;
  lm_requests no_req{};
  ASSERT_EQ(lm_round_run(&no_req, &adv, nullptr, nullptr, nullptr, nullptr, &none.h), LM_OK)
      << lm_last_error();
  ASSERT_EQ(lm_round_summary_get(none.h, &sum), LM_OK);
  EXPECT_EQ(sum.n_requests, 0);
  // a huge n is refused before 2 n can overflow
  AreasHandle areas;
  ASSERT_EQ(read_municipalities(areas), LM_OK) << lm_last_error();
  std::int64_t out = 0;
  EXPECT_EQ(lm_areas_locate(areas.h, rx, std::int64_t{1} << 62, &out, 1), LM_ERR_ARGUMENT);
  EXPECT_NE(std::strstr(lm_last_error(), "too large"), nullptr) << lm_last_error();
}

TEST(CApi, TravelPairsAreCheckedAndNeedNoStraightLine) {
  ArrayRound a = random_round(11, nullptr, 6, 3);
  lm_requests req = a.requests();
  lm_advisors adv = a.advisors();
  std::vector<int64_t> pa{0, 1, 2}, pr{0, 0, 1};
  std::vector<double> pm{5, 20, 7}, pk{4, 15, 6};
  lm_travel t{};  // detour and speed left at 0: not used with pairs
  t.n_pairs = 3;
  t.pair_advisor = pa.data();
  t.pair_request = pr.data();
  t.pair_minutes = pm.data();
  t.pair_km = pk.data();
  RoundHandle round;
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, &t, nullptr, nullptr, &round.h), LM_OK)
      << lm_last_error();
  RoundHandle bad;
  pk[1] = -4;
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, &t, nullptr, nullptr, &bad.h), LM_ERR_INVALID_INPUT);
  EXPECT_NE(std::strstr(lm_last_error(), "pair 1 has minutes or km"), nullptr) << lm_last_error();
  pk[1] = 15;
  pm[2] = std::nan("");
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, &t, nullptr, nullptr, &bad.h), LM_ERR_INVALID_INPUT);
  pm[2] = 7;
  pa[1] = 0;  // (advisor 0, request 0) twice: the round would depend on their order
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, &t, nullptr, nullptr, &bad.h), LM_ERR_INVALID_INPUT);
  EXPECT_NE(std::strstr(lm_last_error(), "pairs 0 and 1"), nullptr) << lm_last_error();
  pa[1] = 1;
  t.n_pairs = -7;
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, &t, nullptr, nullptr, &bad.h), LM_ERR_ARGUMENT);
  EXPECT_EQ(bad.h, nullptr);
}

TEST(CApi, EscalationNames) {
  for (int code = 0; code <= 14; ++code) {
    const char* name = nullptr;
    ASSERT_EQ(lm_escalation_name(code, &name), LM_OK);
    EXPECT_STREQ(name, to_string(static_cast<Escalation>(code)));
  }
  const char* name = nullptr;
  EXPECT_EQ(lm_escalation_name(15, &name), LM_ERR_ARGUMENT);
  EXPECT_EQ(lm_escalation_name(-1, &name), LM_ERR_ARGUMENT);
  EXPECT_EQ(name, nullptr);
  for (int code = 0; code <= 2; ++code) {
    ASSERT_EQ(lm_referral_name(code, &name), LM_OK);
    EXPECT_STREQ(name, to_string(static_cast<Referral>(code)));
  }
  EXPECT_STREQ(name, "not_in_module");
  name = nullptr;
  EXPECT_EQ(lm_referral_name(3, &name), LM_ERR_ARGUMENT);
  EXPECT_EQ(lm_referral_name(0, nullptr), LM_ERR_ARGUMENT);
  EXPECT_EQ(name, nullptr);
  EXPECT_STREQ(lm_status_name(LM_ERR_UNKNOWN_ID), "unknown_id");
  EXPECT_STREQ(lm_status_name(999), "unknown");
}

TEST(CApi, ReadErrorsHaveTheirStatusAndMessage) {
  AreasHandle areas;
  EXPECT_EQ(lm_areas_read("/nonexistent/areas.gpkg", "id", nullptr, nullptr, nullptr, &areas.h),
            LM_ERR_FILE_MISSING);
  EXPECT_NE(std::strstr(lm_last_error(), "/nonexistent/areas.gpkg"), nullptr) << lm_last_error();
  EXPECT_EQ(std::strncmp(lm_last_error(), "lm_areas_read: ", 15), 0) << lm_last_error();
  EXPECT_EQ(areas.h, nullptr);
  EXPECT_EQ(
      lm_areas_read(kMunicipalities.c_str(), "no_such_field", nullptr, nullptr, nullptr, &areas.h),
      LM_ERR_UNKNOWN_ID);
  EXPECT_NE(std::strstr(lm_last_error(), "no_such_field"), nullptr) << lm_last_error();
  EXPECT_EQ(
      lm_areas_read(kMunicipalities.c_str(), "id", "no_such_layer", nullptr, nullptr, &areas.h),
      LM_ERR_UNKNOWN_ID);
  EXPECT_EQ(
      lm_areas_read(kMunicipalities.c_str(), "id", nullptr, "EPSG:not-a-crs", nullptr, &areas.h),
      LM_ERR_CRS);
  EXPECT_EQ(lm_areas_read(nullptr, "id", nullptr, nullptr, nullptr, &areas.h), LM_ERR_ARGUMENT);
  EXPECT_STREQ(lm_last_error(), "lm_areas_read: path is NULL");
  EXPECT_EQ(areas.h, nullptr);

  ASSERT_EQ(read_municipalities(areas), LM_OK);
  int64_t index = 42;
  EXPECT_EQ(lm_areas_index_of(areas.h, "GM-none", &index), LM_ERR_UNKNOWN_ID);
  EXPECT_EQ(index, 42);
  EXPECT_NE(std::strstr(lm_last_error(), "GM-none"), nullptr) << lm_last_error();
  const char* id = nullptr;
  EXPECT_EQ(lm_areas_id(areas.h, -1, &id), LM_ERR_ARGUMENT);
  EXPECT_EQ(lm_areas_locate(areas.h, nullptr, 3, &index, 0), LM_ERR_ARGUMENT);
  EXPECT_EQ(lm_areas_locate(nullptr, nullptr, 0, nullptr, 0), LM_ERR_ARGUMENT);
  EXPECT_STREQ(lm_last_error(), "lm_areas_locate: areas is NULL");
  double xy[2] = {0, 0};
  EXPECT_EQ(lm_transform_points(xy, 1, "EPSG:4326", "nonsense"), LM_ERR_CRS);
}

TEST(CApi, RoundErrorsHaveTheirStatusAndMessage) {
  ArrayRound a = random_round(3, nullptr, 5, 4);
  RoundHandle round;
  lm_requests req = a.requests();
  lm_advisors adv = a.advisors();

  req.x = nullptr;
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, nullptr, nullptr, nullptr, &round.h),
            LM_ERR_ARGUMENT);
  EXPECT_STREQ(lm_last_error(), "lm_round_run: requests.x is NULL");
  req = a.requests();
  std::vector<std::int64_t> bad_off = a.needs_off;
  bad_off[2] = bad_off[1] - 1;
  req.needs_offset = bad_off.data();
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, nullptr, nullptr, nullptr, &round.h),
            LM_ERR_ARGUMENT);
  EXPECT_NE(std::strstr(lm_last_error(), "requests.needs_offset"), nullptr) << lm_last_error();
  req = a.requests();

  a.adv_id[2] = a.adv_id[1];  // duplicate advisor id
  adv = a.advisors();
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, nullptr, nullptr, nullptr, &round.h),
            LM_ERR_INVALID_INPUT);
  EXPECT_NE(std::strstr(lm_last_error(), a.adv_id[1]), nullptr) << lm_last_error();
  a.adv_id[2] = a.input.advisors[2].id.c_str();
  a.capacity[0] = -1;
  adv = a.advisors();
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, nullptr, nullptr, nullptr, &round.h),
            LM_ERR_INVALID_INPUT);
  EXPECT_NE(std::strstr(lm_last_error(), "capacity"), nullptr) << lm_last_error();
  a.capacity[0] = 2;
  a.caseload[0] = 0;
  adv = a.advisors();
  a.exclude_off = {0, 1, 1, 1, 1, 1};
  a.exclude = {99};  // no such advisor
  req = a.requests();
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, nullptr, nullptr, nullptr, &round.h),
            LM_ERR_UNKNOWN_ID);
  a.exclude = {0};
  req = a.requests();
  lm_weights w{};
  ASSERT_EQ(lm_round_defaults(&w, nullptr, nullptr), LM_OK);
  w.travel_per_minute = 1e300;
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, nullptr, &w, nullptr, &round.h), LM_ERR_OVERFLOW);
  lm_travel t{};
  ASSERT_EQ(lm_round_defaults(nullptr, nullptr, &t), LM_OK);
  t.speed_kmh = 0;
  EXPECT_EQ(lm_round_run(&req, &adv, nullptr, &t, nullptr, nullptr, &round.h),
            LM_ERR_INVALID_INPUT);
  EXPECT_EQ(round.h, nullptr);

  ASSERT_EQ(lm_round_run(&req, &adv, nullptr, nullptr, nullptr, nullptr, &round.h), LM_OK)
      << lm_last_error();
  std::vector<std::int64_t> advisor(10);
  EXPECT_EQ(lm_round_requests(round.h, 10, advisor.data(), nullptr, nullptr, nullptr, nullptr,
                              nullptr, nullptr),
            LM_ERR_ARGUMENT);
  EXPECT_NE(std::strstr(lm_last_error(), "5 requests"), nullptr) << lm_last_error();
  EXPECT_EQ(lm_round_advisors(round.h, 3, nullptr, nullptr, nullptr), LM_ERR_ARGUMENT);
  EXPECT_EQ(lm_round_referrals(round.h, 10, nullptr, nullptr), LM_ERR_ARGUMENT);
  EXPECT_EQ(lm_round_referrals(nullptr, 5, nullptr, nullptr), LM_ERR_ARGUMENT);
}

TEST(CApi, LastErrorIsPerThread) {
  AreasHandle areas;
  ASSERT_EQ(lm_areas_read(nullptr, "id", nullptr, nullptr, nullptr, &areas.h), LM_ERR_ARGUMENT);
  std::string other;
  std::thread worker([&] {
    other = lm_last_error();  // nothing failed on this thread yet
    lm_areas_read("/nonexistent/x.gpkg", "id", nullptr, nullptr, nullptr, &areas.h);
  });
  worker.join();
  EXPECT_EQ(other, "");
  EXPECT_STREQ(lm_last_error(), "lm_areas_read: path is NULL");
}

TEST(CApi, CancelRequestsReachTheLibrary) {
  lm_request_cancel();
  EXPECT_TRUE(cancel_requested());
  lm_reset_cancel();
  EXPECT_FALSE(cancel_requested());
}
