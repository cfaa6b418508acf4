// The weekly matching round: validation, canonical order, duplicates, travel, hard rules,
// costs, pinned cases, one exact transportation solve, escalation reasons, alternatives.
#include "libmatch/match.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <tuple>
#include <unordered_set>

#include "libmatch/error.hpp"
#include "libmatch/flow.hpp"
#include "libmatch/scoring.hpp"
#include "libmatch/study.hpp"
#include "programme_solve.hpp"
#include "round_rules.hpp"

namespace libmatch {

namespace {

using i64 = std::int64_t;
constexpr i64 kMaxTag = i64{1} << 16;

std::string quoted(const std::string& id) { return "'" + id + "'"; }

// v + 1 without overflow: caseloads may sit at INT64_MAX (capacity "unlimited").
i64 plus_one(i64 v) { return v == std::numeric_limits<i64>::max() ? v : v + 1; }

// Cost helpers whose Overflow (CostOverflowError) names the request and/or advisor at fault.
CostParts named_pair_cost(const RoundInput& in, i64 r, i64 a, const PairFacts& f) {
  try {
    return pair_cost(f, in.advisors[a], in.weights, in.rules);
  } catch (const Overflow& e) {
    throw Overflow(std::string(e.what()) + " (request " + quoted(in.requests[r].id) + ", advisor " +
                   quoted(in.advisors[a].id) + ")");
  }
}

i64 named_load(const RoundInput& in, i64 a, i64 caseload_after) {
  try {
    return load_marginal(in.weights, caseload_after, in.advisors[a].capacity);
  } catch (const Overflow& e) {
    throw Overflow(std::string(e.what()) + " (advisor " + quoted(in.advisors[a].id) + ")");
  }
}

// ---- programme model: effort, price, money -----------------------------------------------

const Service kDefaultService{};
constexpr i64 kNoLimit = std::numeric_limits<i64>::max();

const Service& service_of(const RoundInput& in, std::int32_t s) {
  return s >= 0 && s < static_cast<i64>(in.services.size()) ? in.services[s] : kDefaultService;
}
// Effort of request q's case served under service `svc` with an advisor `minutes` away
// (hours): the request's or the service's hours, plus the visits' round trips with
// travel_in_hours.
double effort_hours(const RoundInput& in, const Request& q, std::int32_t svc, double minutes) {
  const Service& s = service_of(in, svc);
  double h = std::isnan(q.hours) ? s.hours : q.hours;
  if (s.travel_in_hours && std::isfinite(minutes)) h += s.visits * 2.0 * minutes / 60.0;
  return h;
}
double price_eur(const RoundInput& in, const Request& q, std::int32_t svc) {
  return std::isnan(q.cost_eur) ? service_of(in, svc).cost_eur : q.cost_eur;
}
// Money is exact to the cent: prices round to whole cents, budgets down to whole cents.
i64 to_cents(double eur) { return static_cast<i64>(std::llround(eur * 100.0)); }
i64 budget_cents(double eur) {
  return std::isinf(eur) ? kNoLimit : static_cast<i64>(std::floor(eur * 100.0 + 1e-6));
}
double hours_tolerance(double cap) { return 1e-6 * std::max(1.0, std::abs(cap)); }
// Largest money amount accepted (EUR): cents stay exact in a double.
constexpr double kMaxEur = 1e13;
// Largest Request::quantity (every position is a solver row).
constexpr i64 kMaxQuantity = 100000;

void validate_programme(const RoundInput& in) {
  const i64 n_cat = static_cast<i64>(in.services.size());
  for (i64 k = 0; k < n_cat; ++k) {
    const Service& s = in.services[k];
    const std::string who = "service " + std::to_string(k);
    if (!(s.hours >= 0) || !std::isfinite(s.hours))
      throw InvalidInput(who + ": hours must be finite and >= 0");
    if (!(s.cost_eur >= 0) || !(s.cost_eur <= kMaxEur))
      throw InvalidInput(who + ": cost_eur must be in [0, 1e13]");
    if (s.max_cases < 0) throw InvalidInput(who + ": max_cases is negative");
    if (!(s.budget_eur >= 0) || (std::isfinite(s.budget_eur) && s.budget_eur > kMaxEur))
      throw InvalidInput(who + ": budget_eur must be in [0, 1e13] (infinity = none)");
    if (!(s.visits >= 0) || !std::isfinite(s.visits))
      throw InvalidInput(who + ": visits must be finite and >= 0");
  }
  auto check_service = [&](std::int32_t s, const std::string& who) {
    if (n_cat > 0 && (s < 0 || s >= n_cat))
      throw UnknownId(who + ": service index " + std::to_string(s) + " is not in the catalogue");
  };
  for (const auto& r : in.requests) {
    const std::string who = "request " + quoted(r.id);
    for (std::int32_t s : service_set(r)) check_service(s, who);
    if (r.quantity < 1 || r.quantity > kMaxQuantity)
      throw InvalidInput(who + ": quantity must be in [1, " + std::to_string(kMaxQuantity) + "]");
    if (r.quantity > 1 && r.pinned)
      throw InvalidInput(who + ": a request with quantity > 1 cannot be pinned");
    if (!std::isnan(r.hours) && !(r.hours >= 0 && std::isfinite(r.hours)))
      throw InvalidInput(who + ": hours must be finite and >= 0 (NaN = the service's)");
    if (!std::isnan(r.cost_eur) && !(r.cost_eur >= 0 && r.cost_eur <= kMaxEur))
      throw InvalidInput(who + ": cost_eur must be in [0, 1e13] (NaN = the service's)");
  }
  for (const auto& a : in.advisors) {
    const std::string who = "advisor " + quoted(a.id);
    for (std::int32_t s : service_set(a)) check_service(s, who);
    if (!(a.capacity_hours >= 0)) throw InvalidInput(who + ": capacity_hours must be >= 0");
    if (!(a.hours_booked >= 0) || !std::isfinite(a.hours_booked) ||
        a.hours_booked > a.capacity_hours)
      throw InvalidInput(who + ": hours_booked is outside [0, capacity_hours]");
  }
  for (std::size_t k = 0; k < in.running.size(); ++k)
    check_service(in.running[k].service, "running case " + std::to_string(k));
  if (!(in.budget_eur >= 0) || (std::isfinite(in.budget_eur) && in.budget_eur > kMaxEur))
    throw InvalidInput("budget_eur must be in [0, 1e13] (infinity = none)");
  if (!(in.rules.time_limit_s > 0))
    throw InvalidInput("rule 'time_limit_s' must be > 0 (infinity = none)");
  std::vector<std::int32_t> seen;
  for (const auto& res : in.rules.reserve) {
    check_service(res.service, "rule 'reserve'");
    if (res.slots < 0) throw InvalidInput("rule 'reserve': slots must be >= 0");
    if (std::find(seen.begin(), seen.end(), res.service) != seen.end())
      throw InvalidInput("rule 'reserve': service index " + std::to_string(res.service) +
                         " is reserved twice");
    seen.push_back(res.service);
  }
}

// Everything a round derives from its input once: canonical order, tag bitsets, areas.
struct Prepared {
  const RoundInput& in;
  i64 n_req = 0, n_adv = 0;
  std::vector<i64> req_order, adv_order;  // canonical position -> input index
  std::vector<i64> req_rank, adv_rank;    // input index -> canonical position
  std::size_t words = 0;                  // uint64 words per tag bitset
  std::vector<std::uint64_t> need_bits, exp_bits;
  std::vector<i64> needed;    // number of needed tags per request
  std::vector<i64> req_area;  // orientation area of the primary location
  std::vector<std::vector<std::int32_t>> req_svcs, adv_svcs;  // service_set of each
  StraightLine default_travel;

  explicit Prepared(const RoundInput& input) : in(input) {}
  const TravelModel& travel() const { return in.travel ? *in.travel : default_travel; }
  TagBits needs(i64 r) const { return {need_bits.data() + r * words, words}; }
  TagBits expertise(i64 a) const { return {exp_bits.data() + a * words, words}; }
};

std::vector<i64> order_by_id(const std::vector<std::string>& ids, const char* what) {
  std::vector<i64> order(ids.size());
  std::iota(order.begin(), order.end(), i64{0});
  std::sort(order.begin(), order.end(), [&](i64 a, i64 b) { return ids[a] < ids[b]; });
  for (std::size_t k = 1; k < order.size(); ++k)
    if (ids[order[k]] == ids[order[k - 1]])
      throw InvalidInput(std::string("duplicate ") + what + " id " + quoted(ids[order[k]]));
  return order;
}

void validate_input(const RoundInput& in) {
  validate(in.weights, in.rules);
  const i64 n_adv = static_cast<i64>(in.advisors.size());
  const i64 n_areas = in.areas ? static_cast<i64>(in.areas->size()) : 0;
  auto check_tags = [](const std::vector<std::int32_t>& tags, const std::string& who) {
    for (auto t : tags)
      if (t < 0 || t >= kMaxTag)
        throw InvalidInput(who + ": tag " + std::to_string(t) + " out of range [0, " +
                           std::to_string(kMaxTag) + ")");
  };
  for (const auto& a : in.advisors) {
    const std::string who = "advisor " + quoted(a.id);
    if (a.capacity < 0) throw InvalidInput(who + ": capacity is negative");
    if (a.caseload < 0 || a.caseload > a.capacity)
      throw InvalidInput(who + ": caseload is outside [0, capacity]");
    if (!std::isfinite(a.base.x) || !std::isfinite(a.base.y))
      throw InvalidInput(who + ": base coordinates are not finite");
    if (std::isnan(a.radius_km) || a.radius_km < 0 || std::isnan(a.radius_minutes) ||
        a.radius_minutes < 0)
      throw InvalidInput(who + ": radius_km / radius_minutes must be >= 0 (infinity = none)");
    check_tags(a.expertise, who);
    if (in.areas)
      for (auto k : a.areas)
        if (k < 0 || k >= n_areas)
          throw UnknownId(who + ": orientation area index " + std::to_string(k) +
                          " out of range [0, " + std::to_string(n_areas) + ")");
  }
  for (const auto& r : in.requests) {
    const std::string who = "request " + quoted(r.id);
    if (r.locations.empty()) throw InvalidInput(who + ": no business location");
    for (const auto& p : r.locations)
      if (!std::isfinite(p.x) || !std::isfinite(p.y))
        throw InvalidInput(who + ": location coordinates are not finite");
    check_tags(r.needs, who);
    for (auto a : r.exclude)
      if (a < 0 || a >= n_adv)
        throw UnknownId(who + ": excluded advisor index " + std::to_string(a) +
                        " out of range [0, " + std::to_string(n_adv) + ")");
    if (r.current_advisor < kAdvisorNotInPool || r.current_advisor >= n_adv)
      throw UnknownId(who + ": current advisor index " + std::to_string(r.current_advisor) +
                      " out of range");
    if (in.areas && (r.area < kAreaUnknown || r.area >= n_areas))
      throw UnknownId(who + ": area index " + std::to_string(r.area) + " out of range");
  }
  validate_programme(in);
  if (in.travel_pairs) {
    const auto& t = *in.travel_pairs;
    const std::size_t n = t.origin.size();
    if (t.destination.size() != n || t.minutes.size() != n || t.km.size() != n)
      throw InvalidInput("travel_pairs: origin, destination, minutes, km differ in length");
    for (std::size_t k = 0; k < n; ++k)
      if (t.origin[k] < 0 || t.origin[k] >= n_adv || t.destination[k] < 0 ||
          t.destination[k] >= static_cast<i64>(in.requests.size()))
        throw InvalidInput("travel_pairs: pair " + std::to_string(k) +
                           " refers to an advisor or request index out of range");
    for (std::size_t k = 0; k < n; ++k)
      if (!(t.minutes[k] >= 0) || !(t.km[k] >= 0))  // NaN too
        throw InvalidInput("travel_pairs: pair " + std::to_string(k) +
                           " has minutes or km that are negative or not a number");
    // one travel per (advisor, request): with two the result would depend on their order
    std::vector<std::size_t> order(n);
    for (std::size_t k = 0; k < n; ++k) order[k] = k;
    auto key = [&](std::size_t k) { return std::pair(t.origin[k], t.destination[k]); };
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return std::pair(key(x), x) < std::pair(key(y), y);
    });
    for (std::size_t k = 1; k < n; ++k)
      if (key(order[k]) == key(order[k - 1]))
        throw InvalidInput("travel_pairs: pairs " + std::to_string(order[k - 1]) + " and " +
                           std::to_string(order[k]) + " both give the travel of advisor " +
                           std::to_string(t.origin[order[k]]) + " to request " +
                           std::to_string(t.destination[order[k]]));
  }
  detail::validate_round_rules(in);
}

Prepared prepare(const RoundInput& in) {
  validate_input(in);
  Prepared p(in);
  p.n_req = static_cast<i64>(in.requests.size());
  p.n_adv = static_cast<i64>(in.advisors.size());
  {
    std::vector<std::string> ids;
    ids.reserve(p.n_req);
    for (const auto& r : in.requests) ids.push_back(r.id);
    p.req_order = order_by_id(ids, "request");
    ids.clear();
    for (const auto& a : in.advisors) ids.push_back(a.id);
    p.adv_order = order_by_id(ids, "advisor");
  }
  p.req_rank.assign(p.n_req, 0);
  for (i64 k = 0; k < p.n_req; ++k) p.req_rank[p.req_order[k]] = k;
  p.adv_rank.assign(p.n_adv, 0);
  for (i64 k = 0; k < p.n_adv; ++k) p.adv_rank[p.adv_order[k]] = k;

  i64 max_tag = -1;
  for (const auto& r : in.requests)
    for (auto t : r.needs) max_tag = std::max<i64>(max_tag, t);
  for (const auto& a : in.advisors)
    for (auto t : a.expertise) max_tag = std::max<i64>(max_tag, t);
  p.words = static_cast<std::size_t>((max_tag + 64) / 64);
  p.need_bits.assign(p.words * p.n_req, 0);
  p.exp_bits.assign(p.words * p.n_adv, 0);
  p.needed.assign(p.n_req, 0);
  for (i64 r = 0; r < p.n_req; ++r) {
    set_tag_bits(in.requests[r].needs, {p.need_bits.data() + r * p.words, p.words});
    p.needed[r] = matching_tags(p.needs(r), p.needs(r));
  }
  for (i64 a = 0; a < p.n_adv; ++a)
    set_tag_bits(in.advisors[a].expertise, {p.exp_bits.data() + a * p.words, p.words});
  for (const auto& r : in.requests) p.req_svcs.push_back(service_set(r));
  for (const auto& a : in.advisors) p.adv_svcs.push_back(service_set(a));

  // Orientation area of each primary location (located in one batch where unknown).
  p.req_area.assign(p.n_req, -1);
  if (in.areas) {
    std::vector<i64> todo;
    std::vector<double> xy;
    for (i64 r = 0; r < p.n_req; ++r) {
      const auto& q = in.requests[r];
      if (q.area == kAreaUnknown) {
        todo.push_back(r);
        xy.push_back(q.locations[0].x);
        xy.push_back(q.locations[0].y);
      } else {
        p.req_area[r] = q.area;
      }
    }
    std::vector<i64> found(todo.size(), -1);
    if (!todo.empty()) in.areas->locate(xy, found, in.rules.threads);
    for (std::size_t k = 0; k < todo.size(); ++k) p.req_area[todo[k]] = found[k];
  }
  return p;
}

bool contains(const std::vector<i64>& v, i64 x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool shares(const std::vector<std::int32_t>& x, const std::vector<std::int32_t>& y) {
  for (std::size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (x[i] == y[j]) return true;
    x[i] < y[j] ? ++i : ++j;
  }
  return false;
}

// Static facts of a pair; minutes / km NaN when unreachable.
PairFacts facts(const Prepared& p, i64 r, i64 a, double minutes, double km) {
  const auto& q = p.in.requests[r];
  const auto& adv = p.in.advisors[a];
  PairFacts f;
  f.same_service = shares(p.req_svcs[r], p.adv_svcs[a]);
  f.needed = p.needed[r];
  f.missing = missing_tags(p.needs(r), p.expertise(a));
  f.excluded = contains(q.exclude, a);
  // A current advisor the request now excludes (no klik) earns no continuity preference.
  f.has_current = q.current_advisor >= 0 && !contains(q.exclude, q.current_advisor);
  f.current = q.current_advisor == a;
  f.outside_area = p.in.areas && !adv.areas.empty() && !contains(adv.areas, p.req_area[r]);
  f.free_capacity = adv.caseload < adv.capacity;
  f.minutes = minutes;
  f.km = km;
  return f;
}

// ---- travel -----------------------------------------------------------------------------

struct Reach {
  i64 req, adv;
  double minutes, km;
};

double minutes_limit(const Advisor& a, const RuleOptions& rules) {
  return rules.radius_hard ? std::min(a.radius_minutes, rules.max_travel_minutes)
                           : rules.max_travel_minutes;
}
double km_limit(const Advisor& a, const RuleOptions& rules) {
  return rules.radius_hard ? a.radius_km : std::numeric_limits<double>::infinity();
}
bool usable(const Advisor& a, const RuleOptions& rules, double minutes, double km) {
  return minutes <= minutes_limit(a, rules) && km <= km_limit(a, rules);
}

// Same-service (advisor, request) pairs whose travel is within the limits the rules can use,
// sorted by canonical request then canonical advisor. `active` marks requests to consider.
std::vector<Reach> reachable_pairs(const Prepared& p, const std::vector<char>& active) {
  const auto& in = p.in;
  std::vector<Reach> out;
  if (in.travel_pairs) {
    const auto& t = *in.travel_pairs;
    for (std::size_t k = 0; k < t.origin.size(); ++k) {
      i64 a = t.origin[k], r = t.destination[k];
      if (!active[r] || !shares(p.req_svcs[r], p.adv_svcs[a])) continue;
      if (usable(in.advisors[a], in.rules, t.minutes[k], t.km[k]))
        out.push_back({r, a, t.minutes[k], t.km[k]});
    }
  } else {
    // Per service, and per bucket of limit finiteness, one batch query with the bucket's
    // largest limits (slightly widened), then the exact per-advisor filter.
    std::map<std::int32_t, std::vector<i64>> reqs_of, advs_of;
    for (i64 k = 0; k < p.n_req; ++k) {
      i64 r = p.req_order[k];
      if (active[r])
        for (std::int32_t s : p.req_svcs[r]) reqs_of[s].push_back(r);
    }
    for (i64 k = 0; k < p.n_adv; ++k) {
      i64 a = p.adv_order[k];
      for (std::int32_t s : p.adv_svcs[a]) advs_of[s].push_back(a);
    }
    for (const auto& [service, reqs] : reqs_of) {
      auto it = advs_of.find(service);
      if (it == advs_of.end()) continue;
      std::vector<double> dest;
      dest.reserve(2 * reqs.size());
      for (i64 r : reqs) {
        dest.push_back(in.requests[r].locations[0].x);
        dest.push_back(in.requests[r].locations[0].y);
      }
      std::vector<i64> bucket[4];
      for (i64 a : it->second) {
        int b = (std::isfinite(minutes_limit(in.advisors[a], in.rules)) ? 1 : 0) +
                (std::isfinite(km_limit(in.advisors[a], in.rules)) ? 2 : 0);
        bucket[b].push_back(a);
      }
      for (const auto& advs : bucket) {
        if (advs.empty()) continue;
        double max_min = 0.0, max_km = 0.0;
        std::vector<double> orig;
        orig.reserve(2 * advs.size());
        for (i64 a : advs) {
          max_min = std::max(max_min, minutes_limit(in.advisors[a], in.rules));
          max_km = std::max(max_km, km_limit(in.advisors[a], in.rules));
          orig.push_back(in.advisors[a].base.x);
          orig.push_back(in.advisors[a].base.y);
        }
        auto widen = [](double v) { return std::isfinite(v) ? v * (1 + 1e-9) + 1e-9 : v; };
        TravelPairs t =
            p.travel().pairs(orig, dest, widen(max_min), widen(max_km), in.rules.threads);
        for (std::size_t k = 0; k < t.origin.size(); ++k) {
          i64 a = advs[t.origin[k]], r = reqs[t.destination[k]];
          if (usable(in.advisors[a], in.rules, t.minutes[k], t.km[k]))
            out.push_back({r, a, t.minutes[k], t.km[k]});
        }
      }
    }
  }
  std::sort(out.begin(), out.end(), [&](const Reach& x, const Reach& y) {
    return std::pair(p.req_rank[x.req], p.adv_rank[x.adv]) <
           std::pair(p.req_rank[y.req], p.adv_rank[y.adv]);
  });
  // A pair sharing several services was found once per service (the same travel).
  out.erase(
      std::unique(out.begin(), out.end(),
                  [](const Reach& x, const Reach& y) { return x.req == y.req && x.adv == y.adv; }),
      out.end());
  return out;
}

// Travel from every advisor to the primary location of request r (NaN where unreachable).
void travel_to_one(const Prepared& p, i64 r, std::vector<double>& minutes,
                   std::vector<double>& km) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  minutes.assign(p.n_adv, nan);
  km.assign(p.n_adv, nan);
  if (p.in.travel_pairs) {
    const auto& t = *p.in.travel_pairs;
    for (std::size_t k = 0; k < t.origin.size(); ++k)
      if (t.destination[k] == r) {
        minutes[t.origin[k]] = t.minutes[k];
        km[t.origin[k]] = t.km[k];
      }
    return;
  }
  if (p.n_adv == 0) return;
  std::vector<double> orig;
  orig.reserve(2 * p.n_adv);
  for (const auto& a : p.in.advisors) {
    orig.push_back(a.base.x);
    orig.push_back(a.base.y);
  }
  const XY& d = p.in.requests[r].locations[0];
  double dest[2] = {d.x, d.y};
  TravelPairs t = p.travel().pairs(orig, dest, std::numeric_limits<double>::infinity(),
                                   std::numeric_limits<double>::infinity(), p.in.rules.threads);
  for (std::size_t k = 0; k < t.origin.size(); ++k) {
    minutes[t.origin[k]] = t.minutes[k];
    km[t.origin[k]] = t.km[k];
  }
}

i64 checked_add(i64 a, i64 b) {
  i64 s;
  if (__builtin_add_overflow(a, b, &s)) throw Overflow("round objective exceeds int64");
  return s;
}

struct Arc {
  i64 req, adv;
  CostParts cost;  // without load
  double minutes, km;
  double effort;         // hours of the case with this advisor under `service`
  std::int32_t service;  // the service the case is served under
  i64 svc, cents;        // its dense index and the price in cents
};

// The distinct services of a round, sorted (catalogue 0..n-1, requests, advisors, register,
// reservations), so per-service state is dense whatever ids a caller uses.
struct ServiceIndex {
  std::vector<std::int32_t> ids;
  explicit ServiceIndex(const RoundInput& in) {
    for (std::size_t k = 0; k < in.services.size(); ++k)
      ids.push_back(static_cast<std::int32_t>(k));
    for (const auto& r : in.requests)
      for (std::int32_t s : service_set(r)) ids.push_back(s);
    for (const auto& a : in.advisors)
      for (std::int32_t s : service_set(a)) ids.push_back(s);
    for (const auto& c : in.running) ids.push_back(c.service);
    for (const auto& r : in.rules.reserve) ids.push_back(r.service);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  i64 size() const { return static_cast<i64>(ids.size()); }
  i64 of(std::int32_t s) const { return std::lower_bound(ids.begin(), ids.end(), s) - ids.begin(); }
};

// What a round has left of each programme limit: free hours per advisor, and per dense
// service the slots, the reservation quota of lower-priority requests and the money
// (cents); money in total. kNoLimit / infinity = unlimited.
struct Limits {
  std::vector<double> hours;
  std::vector<i64> slots, low, money;
  i64 money_total = kNoLimit;
  std::vector<i64> reserve_of;  // dense service -> index into RuleOptions::reserve, -1 = none

  Limits(const RoundInput& in, const ServiceIndex& sx) {
    for (const auto& a : in.advisors)
      hours.push_back(std::isinf(a.capacity_hours) ? a.capacity_hours
                                                   : a.capacity_hours - a.hours_booked);
    const i64 n = sx.size();
    slots.assign(n, kNoLimit);
    low.assign(n, kNoLimit);
    money.assign(n, kNoLimit);
    reserve_of.assign(n, -1);
    for (i64 d = 0; d < n; ++d) {
      const Service& svc = service_of(in, sx.ids[d]);
      slots[d] = svc.max_cases;
      money[d] = budget_cents(svc.budget_eur);
    }
    for (std::size_t k = 0; k < in.rules.reserve.size(); ++k) {
      const auto& r = in.rules.reserve[k];
      const i64 d = sx.of(r.service);
      reserve_of[d] = static_cast<i64>(k);
      if (slots[d] != kNoLimit) low[d] = std::max<i64>(0, slots[d] - r.slots);
    }
    money_total = budget_cents(in.budget_eur);
  }
  bool is_low(const RoundInput& in, i64 d, const Request& q) const {
    const i64 k = reserve_of[d];
    return k >= 0 && q.priority < in.rules.reserve[k].min_priority;
  }
  // Why a case (request q of dense service d, effort e, price c cents, advisor a) does not
  // fit what is left, in the documented order; None when it fits.
  Escalation misfit(const RoundInput& in, i64 d, const Request& q, i64 a, double e, i64 c) const {
    if (e > hours[a] + hours_tolerance(hours[a])) return Escalation::NoHours;
    if (slots[d] <= 0) return Escalation::SlotsExhausted;
    if (c > money[d] || c > money_total) return Escalation::BudgetExhausted;
    if (is_low(in, d, q) && low[d] <= 0) return Escalation::ReservedForPriority;
    return Escalation::None;
  }
  void take(const RoundInput& in, i64 d, const Request& q, i64 a, double e, i64 c) {
    hours[a] -= e;
    auto dec = [](i64& v, i64 by) {
      if (v != kNoLimit) v -= by;
    };
    dec(slots[d], 1);
    if (is_low(in, d, q)) dec(low[d], 1);
    dec(money[d], c);
    dec(money_total, c);
  }
  i64 money_left(i64 d) const { return std::min(money[d], money_total); }
};

// One way to serve request q with an advisor: a shared service, its effort and price.
struct Option {
  std::int32_t service;
  double effort;  // hours
  i64 cents;
};
// The services request q (alternatives `req`) can be served under by an advisor working for
// `adv`, `minutes` away, in the round's preference order: cheaper price, then fewer hours,
// then smaller service id. Ties between equal-cost assignments go to the first.
// Writes into `out` (cleared first; reused by callers in hot loops: no allocation per pair).
void options_into(const RoundInput& in, const Request& q, const std::vector<std::int32_t>& req,
                  const std::vector<std::int32_t>& adv, double minutes, std::vector<Option>& out) {
  out.clear();
  for (std::size_t i = 0, j = 0; i < req.size() && j < adv.size();) {  // sorted intersection
    if (req[i] < adv[j]) {
      ++i;
    } else if (adv[j] < req[i]) {
      ++j;
    } else {
      const std::int32_t s = req[i];
      out.push_back({s, effort_hours(in, q, s, minutes), to_cents(price_eur(in, q, s))});
      ++i;
      ++j;
    }
  }
  if (out.size() > 1)
    std::stable_sort(out.begin(), out.end(), [](const Option& x, const Option& y) {
      return std::pair(x.cents, x.effort) < std::pair(y.cents, y.effort);
    });
}
std::vector<Option> options_for(const RoundInput& in, const Request& q,
                                const std::vector<std::int32_t>& req,
                                const std::vector<std::int32_t>& adv, double minutes) {
  std::vector<Option> out;
  options_into(in, q, req, adv, minutes, out);
  return out;
}

// One round in phases (match.hpp): duplicates, candidate pairs, pinned cases, the solver's
// problem, its solution, escalation reasons, alternatives. Each phase reads what the earlier
// ones left in the members.
class Round {
 public:
  explicit Round(const RoundInput& input)
      : p(prepare(input)),
        in(input),
        W(input.weights),
        R(input.rules),
        sx(input),
        left(input, sx) {}

  RoundResult run() {
    start();
    drop_duplicates();
    find_candidates();
    keep_pinned();
    build_arcs();
    const TransportProblem prob = build_problem();
    build_limits();
    solve(prob);
    check_solution();
    apply_solution();
    explain_escalations();
    if (R.alternatives > 0) list_alternatives();
    return std::move(res);
  }

 private:
  const Prepared p;
  const RoundInput& in;
  const Weights& W;
  const RuleOptions& R;
  const ServiceIndex sx;
  Limits left;  // programme limits left after the pinned cases
  RoundResult res;

  std::vector<char> active;                        // request still competes in the solve
  std::vector<std::vector<std::int32_t>> allowed;  // alternatives not referred, per request
  std::vector<Reach> reach;       // candidate pairs by canonical request, then advisor
  std::vector<i64> reach_begin;   // canonical request position -> first pair in reach
  std::vector<i64> pinned_taken;  // pinned cases kept per advisor
  std::vector<Arc> pinned_arcs;
  // Solver rows: one per position (Request::quantity) of each active request, in canonical
  // request order (a request's rows are consecutive).
  std::vector<i64> rows;
  // Eligible arcs (one per row, advisor and shared service), their row, column, cost.
  std::vector<Arc> arcs;
  std::vector<i64> arc_row, arc_col, arc_cost;
  std::vector<i64> col_arcs;                // arcs per advisor
  std::vector<i64> col_cap;                 // solver capacity per column
  std::vector<i64> load_offset, load_cost;  // marginal load costs per column (CSR)
  std::vector<i64> unassigned;              // per row
  std::vector<i64> col_of_row;              // the solution (-1 = unassigned)
  std::vector<i64> row_arc;                 // the arc chosen per row (-1 = none)
  std::vector<std::vector<i64>> chosen;     // per request: chosen arcs, by position
  // Programme model (hours, slots, reservations, money).
  std::vector<double> eff_min, eff_max, eff_sum;  // efforts of each advisor's arcs
  std::vector<detail::KnapsackRow> limit_rows;    // binding limits beyond case capacities
  double gap_units = 0.0;                         // proven objective - bound of the solve
  std::unique_ptr<Limits> after;                  // limits left after the round

  i64 last_marginal(i64 a) const { return named_load(in, a, res.advisors[a].caseload_after); }
  i64 next_marginal(i64 a) const {
    return named_load(in, a, plus_one(res.advisors[a].caseload_after));
  }
  i64 reach_first(i64 r) const { return reach_begin[p.req_rank[r]]; }
  i64 reach_end(i64 r) const { return reach_begin[p.req_rank[r] + 1]; }
  std::vector<Option> options(i64 r, i64 a, double minutes) const {
    return options_for(in, in.requests[r], allowed[r], p.adv_svcs[a], minutes);
  }
  bool fits_hours(const Limits& L, i64 a, double e) const {
    return e <= L.hours[a] + hours_tolerance(L.hours[a]);
  }

  void start() {
    res.requests.assign(p.n_req, RequestOutcome{});
    res.advisors.resize(p.n_adv);
    for (i64 a = 0; a < p.n_adv; ++a) {
      res.advisors[a].capacity = in.advisors[a].capacity;
      res.advisors[a].caseload_before = in.advisors[a].caseload;
      res.advisors[a].hours_capacity = in.advisors[a].capacity_hours;
      res.advisors[a].hours_before = in.advisors[a].hours_booked;
    }
  }

  // 1. Referrals, the register, duplicates and open cases decide first (round_rules.cpp).
  void drop_duplicates() {
    auto early = detail::decide_before_solve(in, p.req_rank, p.req_area);
    active.assign(p.n_req, 1);
    allowed.resize(p.n_req);
    for (i64 r = 0; r < p.n_req; ++r) {
      allowed[r] = std::move(early[r].services);
      if (early[r].decided()) {
        active[r] = 0;
        auto& o = res.requests[r];
        o.referral = early[r].referral;
        o.reason = early[r].reason;
        o.duplicate_of = early[r].duplicate_of;
        o.running_case = early[r].running_case;
        o.open_positions = o.referral == Referral::None ? in.requests[r].quantity : 0;
      }
    }
  }

  // 2. Candidate pairs: travel within limits (the remaining hard rules come later).
  void find_candidates() {
    reach = reachable_pairs(p, active);
    reach_begin.assign(p.n_req + 1, 0);
    for (const auto& x : reach) ++reach_begin[p.req_rank[x.req] + 1];
    std::partial_sum(reach_begin.begin(), reach_begin.end(), reach_begin.begin());
  }

  // 3. Pinned requests keep their current advisor when it is still eligible and has room,
  // by priority (higher first), then canonical order.
  void keep_pinned() {
    pinned_taken.assign(p.n_adv, 0);
    std::vector<i64> pins;
    for (i64 k = 0; k < p.n_req; ++k) {
      i64 r = p.req_order[k];
      if (active[r] && in.requests[r].pinned && in.requests[r].current_advisor != -1)
        pins.push_back(r);
    }
    std::stable_sort(pins.begin(), pins.end(), [&](i64 x, i64 y) {
      return in.requests[x].priority > in.requests[y].priority;
    });
    for (i64 r : pins) {
      active[r] = 0;
      res.requests[r].reason = try_pin(r);
      if (res.requests[r].reason != Escalation::None) res.requests[r].open_positions = 1;
    }
  }

  // None when pinned (under the first shared service that fits); else the reason (the
  // programme limits name their own, those of the first shared service).
  Escalation try_pin(i64 r) {
    const i64 a = in.requests[r].current_advisor;
    if (a < 0) return Escalation::PinnedAdvisorUnavailable;
    double minutes = std::numeric_limits<double>::quiet_NaN(), km = minutes;
    for (i64 k = reach_first(r); k < reach_end(r); ++k)
      if (reach[k].adv == a) {
        minutes = reach[k].minutes;
        km = reach[k].km;
      }
    PairFacts f = facts(p, r, a, minutes, km);
    const auto& adv = in.advisors[a];
    const auto opts = options(r, a, minutes);
    if (opts.empty() || hard_verdict(f, adv, R) != Verdict::Eligible ||
        adv.caseload + pinned_taken[a] >= adv.capacity)
      return Escalation::PinnedAdvisorUnavailable;
    const auto& q = in.requests[r];
    Escalation first = Escalation::None;
    for (const Option& o : opts) {
      const i64 d = sx.of(o.service);
      const Escalation why = left.misfit(in, d, q, a, o.effort, o.cents);
      if (why != Escalation::None) {
        if (first == Escalation::None) {
          first = why;
          if (why == Escalation::BudgetExhausted)  // the shortfall when the pins were placed
            res.requests[r].missing_eur = static_cast<double>(o.cents - left.money_left(d)) / 100.0;
        }
        continue;
      }
      left.take(in, d, q, a, o.effort, o.cents);
      ++pinned_taken[a];
      pinned_arcs.push_back(
          {r, a, named_pair_cost(in, r, a, f), minutes, km, o.effort, o.service, d, o.cents});
      res.requests[r].advisor = a;
      res.requests[r].pinned = true;
      return Escalation::None;
    }
    return first == Escalation::NoHours ? Escalation::PinnedAdvisorUnavailable : first;
  }

  // 4a. Solver rows (positions of active requests in canonical order) and eligible arcs,
  // one per shared service in preference order (options_for). Arcs that can never fit a
  // programme limit left after the pinned cases (hours, slots, money) are left out;
  // explain_escalations names the limit.
  void build_arcs() {
    for (i64 k = 0; k < p.n_req; ++k)
      if (active[p.req_order[k]])
        for (i64 j = 0; j < in.requests[p.req_order[k]].quantity; ++j)
          rows.push_back(p.req_order[k]);
    col_arcs.assign(p.n_adv, 0);
    eff_min.assign(p.n_adv, std::numeric_limits<double>::infinity());
    eff_max.assign(p.n_adv, 0.0);
    eff_sum.assign(p.n_adv, 0.0);
    if (rows.size() == static_cast<std::size_t>(p.n_req)) {  // one position each: reach bounds
      arcs.reserve(reach.size());
      arc_row.reserve(reach.size());
      arc_col.reserve(reach.size());
      arc_cost.reserve(reach.size());
    }
    std::vector<Option> opts;  // scratch of request_arcs
    std::size_t first = 0;     // the first arc of the current request (its first row)
    for (std::size_t row = 0; row < rows.size(); ++row) {
      const i64 r = rows[row];
      const std::size_t begin = arcs.size();
      if (row == 0 || rows[row - 1] != r) {
        first = begin;
        request_arcs(r, arcs, opts);
      } else {  // a further position: the same arcs again
        for (std::size_t k = first; k < begin; ++k) arcs.push_back(arcs[k]);
        first = begin;
      }
      for (std::size_t k = begin; k < arcs.size(); ++k) {
        const Arc& arc = arcs[k];
        eff_min[arc.adv] = std::min(eff_min[arc.adv], arc.effort);
        eff_max[arc.adv] = std::max(eff_max[arc.adv], arc.effort);
        eff_sum[arc.adv] += arc.effort;
        arc_row.push_back(static_cast<i64>(row));
        arc_col.push_back(p.adv_rank[arc.adv]);
        arc_cost.push_back(arc.cost.total());
        ++col_arcs[arc.adv];
      }
    }
    res.candidate_pairs = static_cast<i64>(arcs.size());
  }

  // Appends the eligible arcs of request r to `out`; `opts` is scratch.
  void request_arcs(i64 r, std::vector<Arc>& out, std::vector<Option>& opts) const {
    const auto& q = in.requests[r];
    for (i64 k = reach_first(r); k < reach_end(r); ++k) {
      const Reach& x = reach[k];
      PairFacts f = facts(p, r, x.adv, x.minutes, x.km);
      const auto& adv = in.advisors[x.adv];
      if (hard_verdict(f, adv, R) != Verdict::Eligible) continue;
      if (adv.caseload + pinned_taken[x.adv] >= adv.capacity) continue;  // pinned took it
      CostParts c{};
      bool priced = false;
      options_into(in, q, allowed[r], p.adv_svcs[x.adv], x.minutes, opts);
      for (const Option& o : opts) {
        const i64 d = sx.of(o.service);
        if (left.misfit(in, d, q, x.adv, o.effort, o.cents) != Escalation::None) continue;
        if (!priced) c = named_pair_cost(in, r, x.adv, f);
        priced = true;
        out.push_back({r, x.adv, c, x.minutes, x.km, o.effort, o.service, d, o.cents});
      }
    }
  }

  // 4b. Columns in canonical advisor order; capacity bounded by the arcs that can use it, and
  // marginal load costs continuing after the pinned cases. Then the unassigned costs. The
  // problem views (spans) the members, which outlive the solve.
  TransportProblem build_problem() {
    load_offset.assign(p.n_adv + 1, 0);
    std::vector<i64> max_marginal(p.n_adv, 0);
    col_cap.assign(p.n_adv, 0);
    for (i64 c = 0; c < p.n_adv; ++c) {
      i64 a = p.adv_order[c];
      const auto& adv = in.advisors[a];
      i64 room = std::max<i64>(0, adv.capacity - adv.caseload - pinned_taken[a]);
      col_cap[c] = std::min({room, col_arcs[a], hours_room(a)});
      for (i64 k = 0; k < col_cap[c]; ++k)
        load_cost.push_back(named_load(in, a, adv.caseload + pinned_taken[a] + k + 1));
      load_offset[c + 1] = static_cast<i64>(load_cost.size());
      if (col_cap[c] > 0) max_marginal[a] = load_cost.back();
    }
    // Unassigned base: automatic = one point above the dearest candidate assignment.
    i64 base = 0;
    if (W.unassigned_base < 0) {
      i64 dearest = 0;
      for (std::size_t k = 0; k < arcs.size(); ++k)
        dearest = std::max(dearest, arc_cost[k] + max_marginal[arcs[k].adv]);
      base = dearest + kCostScale;
    } else {
      base = to_units(W.unassigned_base, "unassigned_base");
    }
    res.unassigned_base = base;
    unassigned.resize(rows.size());
    for (std::size_t row = 0; row < rows.size(); ++row) {
      try {
        unassigned[row] = unassigned_cost(W, base, in.requests[rows[row]].priority);
      } catch (const Overflow& e) {
        throw Overflow(std::string(e.what()) + " (request " + quoted(in.requests[rows[row]].id) +
                       ")");
      }
    }

    TransportProblem prob;
    prob.n_rows = static_cast<i64>(rows.size());
    prob.n_cols = p.n_adv;
    prob.arc_row = arc_row;
    prob.arc_col = arc_col;
    prob.arc_cost = arc_cost;
    prob.col_capacity = col_cap;
    prob.unassigned_cost = unassigned;
    prob.load_offset = load_offset;
    prob.load_cost = load_cost;
    col_of_row.assign(rows.size(), -1);
    return prob;
  }

  // True when every arc of advisor a takes the same hours (then hours are a case count).
  bool uniform_effort(i64 a) const {
    return eff_max[a] - eff_min[a] <= 1e-9 * std::max(1.0, eff_max[a]);
  }
  // Cases advisor a's free hours allow when its arcs share one effort; kNoLimit otherwise
  // (mixed efforts become a knapsack row in build_limits).
  i64 hours_room(i64 a) const {
    const double h = left.hours[a];
    if (std::isinf(h) || col_arcs[a] == 0 || !uniform_effort(a) || eff_max[a] <= 0) return kNoLimit;
    const double n = std::floor((h + hours_tolerance(h)) / eff_max[a]);
    return n <= 0 ? 0 : n >= static_cast<double>(col_arcs[a]) ? col_arcs[a] : static_cast<i64>(n);
  }

  // 4c. The limits a capacity cannot express, kept only where they bind: hours of advisors
  // with mixed efforts, slots per service, the reservation quota, money; and for requests
  // with several positions "at most one position per advisor" (capacity-1 rows over the
  // arcs of the request's rows to one advisor with room for two or more of them).
  void build_limits() {
    const i64 n = sx.size();
    bool limited = left.money_total != kNoLimit;  // else no row can bind: skip the counting
    for (i64 d = 0; d < n && !limited; ++d)
      limited = left.slots[d] != kNoLimit || left.low[d] != kNoLimit || left.money[d] != kNoLimit;
    for (i64 a = 0; a < p.n_adv && !limited; ++a) limited = !std::isinf(left.hours[a]);
    if (!limited) {
      position_rows();
      return;
    }
    std::vector<i64> cand(n, 0), low_cand(n, 0), cents(n, 0);
    i64 total_cents = 0;
    std::vector<i64> seen;
    for (std::size_t k = 0; k < arcs.size();) {  // per row: each service counted once
      std::size_t e = k;
      i64 dearest = 0;
      seen.clear();
      for (; e < arcs.size() && arc_row[e] == arc_row[k]; ++e) {
        const Arc& arc = arcs[e];
        dearest = std::max(dearest, arc.cents);
        if (contains(seen, arc.svc)) continue;
        seen.push_back(arc.svc);
        ++cand[arc.svc];
        low_cand[arc.svc] += left.is_low(in, arc.svc, in.requests[arc.req]);
        cents[arc.svc] += arc.cents;
      }
      total_cents += dearest;
      k = e;
    }
    std::vector<i64> hour_row(p.n_adv, -1), slot_row(n, -1), low_row(n, -1), money_row(n, -1);
    auto open_row = [&](double cap) {
      limit_rows.push_back({{}, {}, cap});
      return static_cast<i64>(limit_rows.size()) - 1;
    };
    for (i64 c = 0; c < p.n_adv; ++c) {  // canonical advisor order: rows never follow input order
      const i64 a = p.adv_order[c];
      if (!std::isinf(left.hours[a]) && !uniform_effort(a) &&
          eff_sum[a] > left.hours[a] + hours_tolerance(left.hours[a]))
        hour_row[a] = open_row(left.hours[a]);
    }
    for (i64 d = 0; d < n; ++d) {
      if (left.slots[d] != kNoLimit && cand[d] > left.slots[d])
        slot_row[d] = open_row(static_cast<double>(left.slots[d]));
      if (left.low[d] != kNoLimit && low_cand[d] > left.low[d])
        low_row[d] = open_row(static_cast<double>(left.low[d]));
      if (left.money[d] != kNoLimit && cents[d] > left.money[d])
        money_row[d] = open_row(static_cast<double>(left.money[d]));
    }
    const i64 total_row = left.money_total != kNoLimit && total_cents > left.money_total
                              ? open_row(static_cast<double>(left.money_total))
                              : -1;
    auto put = [&](i64 row, i64 k, double w) {
      if (row < 0) return;
      limit_rows[row].arcs.push_back(k);
      limit_rows[row].weight.push_back(w);
    };
    for (std::size_t k = 0; k < arcs.size(); ++k) {
      const i64 r = arcs[k].req, d = arcs[k].svc, kk = static_cast<i64>(k);
      const double c = static_cast<double>(arcs[k].cents);
      put(hour_row[arcs[k].adv], kk, arcs[k].effort);
      put(slot_row[d], kk, 1.0);
      if (left.is_low(in, d, in.requests[r])) put(low_row[d], kk, 1.0);
      put(money_row[d], kk, c);
      put(total_row, kk, c);
    }
    // Spend is a sum of prices in whole cents: every integer choice keeps it a multiple of
    // the prices' gcd, so a money row's room rounds down to one. Exact, and the LP can no
    // longer spend the remainder on a fraction of a case.
    for (i64 d = 0; d < n; ++d) round_room_to_price_gcd(money_row[d]);
    round_room_to_price_gcd(total_row);
    position_rows();
  }

  void round_room_to_price_gcd(i64 row) {
    if (row < 0) return;
    detail::KnapsackRow& r = limit_rows[row];
    i64 g = 0;
    for (double w : r.weight) g = std::gcd(g, static_cast<i64>(w));
    if (g > 1)
      r.capacity = std::floor(r.capacity / static_cast<double>(g)) * static_cast<double>(g);
  }

  void position_rows() {
    for (std::size_t k = 0; k < arcs.size();) {  // per request (its arcs are consecutive)
      std::size_t e = k;
      while (e < arcs.size() && arcs[e].req == arcs[k].req) ++e;
      if (in.requests[arcs[k].req].quantity > 1) {
        std::map<i64, std::vector<i64>> by_col;  // column -> arcs, in arc order
        for (std::size_t j = k; j < e; ++j) by_col[arc_col[j]].push_back(static_cast<i64>(j));
        for (auto& [c, list] : by_col) {
          if (col_cap[c] < 2 || arc_row[list.front()] == arc_row[list.back()]) continue;
          limit_rows.push_back({list, std::vector<double>(list.size(), 1.0), 1.0});
        }
      }
      k = e;
    }
  }

  // 4d. The exact solve: the min-cost flow alone when every limit is a capacity, else the
  // programme solve (relaxation on the flow, then the MIP only when the relaxation breaks a
  // limit; programme_solve.hpp).
  void solve(const TransportProblem& prob) {
    row_arc.assign(rows.size(), -1);
    if (rows.empty()) return;
    if (limit_rows.empty()) {
      col_of_row = solve_transport(prob).col_of_row;
      // The flow's arc of a duplicate (row, column): the cheapest, the first on equal cost.
      for (std::size_t k = 0; k < arcs.size(); ++k) {
        i64& best = row_arc[arc_row[k]];
        if (col_of_row[arc_row[k]] == arc_col[k] && (best < 0 || arc_cost[k] < arc_cost[best]))
          best = static_cast<i64>(k);
      }
      return;
    }
    detail::ProgrammeProblem pp;
    pp.flow = prob;
    pp.rows = std::move(limit_rows);
    detail::ProgrammeSolution sol = detail::solve_programme(pp, R.time_limit_s);
    limit_rows = std::move(pp.rows);
    col_of_row = std::move(sol.col_of_row);
    row_arc = std::move(sol.arc_of_row);
    res.status = sol.status;
    gap_units = static_cast<double>(sol.objective) - sol.bound;
  }

  // Never trust a result that would break a guarantee (capacity, eligibility, one position
  // per advisor, every programme limit).
  void check_solution() {
    chosen.assign(p.n_req, {});
    std::vector<i64> used(p.n_adv, 0);
    for (std::size_t row = 0; row < rows.size(); ++row) {
      const i64 c = col_of_row[row], k = row_arc[row], r = rows[row];
      bool bad = c < -1 || c >= p.n_adv || (c >= 0 && ++used[c] > col_cap[c]) ||
                 (c >= 0) != (k >= 0) ||
                 (k >= 0 && (arc_row[k] != static_cast<i64>(row) || arc_col[k] != c));
      if (!bad && k >= 0) {
        for (i64 j : chosen[r]) bad = bad || arcs[j].adv == arcs[k].adv;
        chosen[r].push_back(k);
      }
      if (bad)
        throw Error(
            "internal error: the transportation solver returned an infeasible "
            "assignment (request " +
            quoted(in.requests[r].id) + ")");
    }
    // Every programme limit, recounted from the input over pinned and solved cases.
    Limits check(in, sx);
    auto take = [&](const Arc& arc) {
      const auto& q = in.requests[arc.req];
      if (check.misfit(in, arc.svc, q, arc.adv, arc.effort, arc.cents) != Escalation::None)
        throw Error(
            "internal error: the solve broke an hours, slots, reservation or budget "
            "limit (request " +
            quoted(q.id) + ")");
      check.take(in, arc.svc, q, arc.adv, arc.effort, arc.cents);
    };
    for (const auto& arc : pinned_arcs) take(arc);
    for (i64 r = 0; r < p.n_req; ++r)
      for (i64 k : chosen[r]) take(arcs[k]);
    after = std::make_unique<Limits>(std::move(check));
  }

  // 5. Outcomes, loads, objective. A request's matches become positions 1, 2, ... by cost
  // total, then canonical advisor order.
  void apply_solution() {
    std::vector<i64> assigned_count = pinned_taken;
    for (std::size_t row = 0; row < rows.size(); ++row) {
      if (col_of_row[row] >= 0)
        ++assigned_count[p.adv_order[col_of_row[row]]];
      else
        res.objective = checked_add(res.objective, unassigned[row]);
    }
    for (i64 a = 0; a < p.n_adv; ++a) {
      auto& L = res.advisors[a];
      L.assigned = assigned_count[a];
      L.caseload_after = L.caseload_before + L.assigned;
      for (i64 k = 1; k <= L.assigned; ++k) L.load_cost += named_load(in, a, L.caseload_before + k);
      res.objective = checked_add(res.objective, L.load_cost);
    }
    const i64 n_out = output_services();
    res.spend_by_service.assign(n_out, 0.0);
    res.slots_used.assign(n_out, 0);
    auto account = [&](const Arc& arc) {
      res.objective = checked_add(res.objective, arc.cost.total());
      res.advisors[arc.adv].hours_after += arc.effort;
      // money counts in whole cents (the prices the limits were checked with)
      const double eur = static_cast<double>(arc.cents) / 100.0;
      res.spend_eur += eur;
      if (arc.service >= 0 && arc.service < n_out) {
        res.spend_by_service[arc.service] += eur;
        ++res.slots_used[arc.service];
      }
      return eur;
    };
    auto fill = [&](auto& o, const Arc& arc) {  // a RequestOutcome or a PositionMatch
      o.advisor = arc.adv;
      o.service = arc.service;
      o.cost = arc.cost;
      o.cost.load = last_marginal(arc.adv);
      o.minutes = arc.minutes;
      o.km = arc.km;
      o.hours = arc.effort;
      o.cost_eur = account(arc);
    };
    for (auto& L : res.advisors) L.hours_after = L.hours_before;
    for (const auto& arc : pinned_arcs) fill(res.requests[arc.req], arc);
    for (i64 pos = 0; pos < p.n_req; ++pos) {
      const i64 r = p.req_order[pos];
      auto& list = chosen[r];
      if (!active[r]) continue;
      std::sort(list.begin(), list.end(), [&](i64 x, i64 y) {
        return std::pair(arc_cost[x], arc_col[x]) < std::pair(arc_cost[y], arc_col[y]);
      });
      res.requests[r].open_positions = in.requests[r].quantity - static_cast<i64>(list.size());
      for (std::size_t j = 0; j < list.size(); ++j) {
        const Arc& arc = arcs[list[j]];
        if (j == 0) {
          fill(res.requests[r], arc);
          continue;
        }
        PositionMatch m;
        m.request = r;
        m.position = static_cast<i64>(j) + 1;
        fill(m, arc);
        res.positions.push_back(m);
      }
    }
    res.bound = static_cast<double>(res.objective) - gap_units;
    res.gap = gap_units / std::max(1.0, std::abs(static_cast<double>(res.objective)));
  }

  // Outputs per interned service: the catalogue's size, else 1 + the largest service id of
  // requests, advisors and running cases (ids beyond 2^16 without a catalogue: none).
  i64 output_services() const {
    if (!in.services.empty()) return static_cast<i64>(in.services.size());
    i64 n = 0;
    for (const auto& v : p.req_svcs) n = std::max<i64>(n, i64{v.back()} + 1);
    for (const auto& v : p.adv_svcs) n = std::max<i64>(n, i64{v.back()} + 1);
    for (const auto& c : in.running) n = std::max<i64>(n, i64{c.service} + 1);
    return n > (i64{1} << 16) ? 0 : n;
  }

  // 6. Escalation reasons for the requests the solver left without any match: the pool
  // (advisors sharing a service left to the request) narrowed rule by rule.
  void explain_escalations() {
    // canonical positions of the advisors offering each service
    std::map<std::int32_t, std::vector<i64>> ranks_of;
    for (i64 k = 0; k < p.n_adv; ++k)
      for (std::int32_t s : p.adv_svcs[p.adv_order[k]]) ranks_of[s].push_back(k);
    std::vector<i64> pool;  // canonical positions of the advisors sharing a service, sorted
    for (std::size_t row = 0; row < rows.size(); ++row) {
      const i64 r = rows[row];
      auto& o = res.requests[r];
      if (o.advisor >= 0 || (row > 0 && rows[row - 1] == r)) continue;
      pool.clear();
      for (std::int32_t s : allowed[r])
        if (auto it = ranks_of.find(s); it != ranks_of.end())
          pool.insert(pool.end(), it->second.begin(), it->second.end());
      if (allowed[r].size() > 1) {
        std::sort(pool.begin(), pool.end());
        pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
      }
      i64 j = reach_first(r);  // reach is in canonical advisor order too
      for (i64 k : pool) {
        const i64 a = p.adv_order[k];
        ++o.funnel[0];
        PairFacts f = facts(p, r, a, 0.0, 0.0);
        if (f.missing > 0 && !(R.allow_partial_expertise && f.missing < f.needed)) continue;
        ++o.funnel[1];
        if (f.excluded) continue;
        ++o.funnel[2];
        while (j < reach_end(r) && p.adv_rank[reach[j].adv] < k) ++j;
        const bool in_reach = j < reach_end(r) && reach[j].adv == a;
        if (!in_reach) continue;
        ++o.funnel[3];
        if (f.free_capacity) ++o.funnel[4];
      }
      o.reason = o.funnel[0] == 0   ? Escalation::NoAdvisorForService
                 : o.funnel[1] == 0 ? Escalation::NoExpertise
                 : o.funnel[2] == 0 ? Escalation::AllExcluded
                 : o.funnel[3] == 0 ? Escalation::AllOutOfRadius
                 : o.funnel[4] == 0 ? Escalation::NoCapacity
                                    : programme_reason(r);
    }
    for (const auto& o : res.requests) {
      if (o.referral != Referral::None)
        ++res.referred;
      else
        (o.advisor >= 0 ? res.assigned : res.escalated) += 1;
    }
  }

  // The catalogue limit that stops a case of request r under dense service d after the
  // round (slots, money, reservation), None when it fits; sets *missing for money.
  Escalation service_reason(i64 r, std::int32_t s, double* missing) const {
    const auto& q = in.requests[r];
    const i64 d = sx.of(s);
    const i64 cents = to_cents(price_eur(in, q, s));
    if (after->slots[d] != kNoLimit && after->slots[d] <= 0) return Escalation::SlotsExhausted;
    if (cents > after->money_left(d)) {
      *missing = static_cast<double>(cents - after->money_left(d)) / 100.0;
      return Escalation::BudgetExhausted;
    }
    if (after->is_low(in, d, q) && after->low[d] <= 0) return Escalation::ReservedForPriority;
    return Escalation::None;
  }

  // Why request r, with eligible advisors that had free cases, stayed unassigned; in this
  // order: no_hours (none of those with room for a case after the pinned ones has the free
  // hours), slots_exhausted, budget_exhausted (missing_eur: price minus the money left),
  // reserved_for_priority (all after the round; with alternatives: when every alternative
  // is stopped, the reason of the first one), else no_capacity (the room went to other
  // requests) or no_hours when the cases left fit but their hours do not.
  Escalation programme_reason(i64 r) {
    bool room_before = false, hours_before = false, room_after = false, hours_after = false;
    for (i64 k = reach_first(r); k < reach_end(r); ++k) {
      const Reach& x = reach[k];
      const auto& adv = in.advisors[x.adv];
      if (hard_verdict(facts(p, r, x.adv, x.minutes, x.km), adv, R) != Verdict::Eligible) continue;
      if (adv.caseload + pinned_taken[x.adv] >= adv.capacity) continue;
      room_before = true;
      const bool free_after = res.advisors[x.adv].caseload_after < adv.capacity;
      room_after = room_after || free_after;
      for (const Option& o : options(r, x.adv, x.minutes)) {
        hours_before = hours_before || fits_hours(left, x.adv, o.effort);
        hours_after = hours_after || (free_after && fits_hours(*after, x.adv, o.effort));
      }
    }
    if (!room_before) return Escalation::NoCapacity;
    if (!hours_before) return Escalation::NoHours;
    Escalation first = Escalation::None;
    double first_missing = 0.0;
    bool open = false;
    for (std::int32_t s : allowed[r]) {
      double missing = 0.0;
      const Escalation why = service_reason(r, s, &missing);
      open = open || why == Escalation::None;
      if (first == Escalation::None) {
        first = why;
        first_missing = missing;
      }
    }
    if (!open && first != Escalation::None) {
      if (first == Escalation::BudgetExhausted) res.requests[r].missing_eur = first_missing;
      return first;
    }
    return room_after && !hours_after ? Escalation::NoHours : Escalation::NoCapacity;
  }

  // 7. Alternatives: the other eligible advisors of each assigned request (not one of its
  // matches), ranked like explain() (total, the chosen advisor first among equals, then
  // canonical advisor order), each under its first shared service.
  void list_alternatives() {
    std::vector<Alternative> alts;
    std::vector<i64> matched;
    std::map<i64, std::vector<i64>> more;  // request -> advisors of positions 2, 3, ...
    for (const auto& m : res.positions) more[m.request].push_back(m.advisor);
    for (i64 pos = 0; pos < p.n_req; ++pos) {
      const i64 r = p.req_order[pos];
      const i64 a0 = res.requests[r].advisor;
      if (a0 < 0) continue;
      matched.assign(1, a0);
      if (auto it = more.find(r); it != more.end())
        matched.insert(matched.end(), it->second.begin(), it->second.end());
      const i64 chosen_total = res.requests[r].cost.total();
      alts.clear();
      for (i64 k = reach_begin[pos]; k < reach_begin[pos + 1]; ++k) {
        const Reach& x = reach[k];
        if (contains(matched, x.adv)) continue;
        PairFacts f = facts(p, r, x.adv, x.minutes, x.km);
        const auto& adv = in.advisors[x.adv];
        if (hard_verdict(f, adv, R) != Verdict::Eligible) continue;
        const auto opts = options(r, x.adv, x.minutes);
        if (opts.empty()) continue;
        Alternative alt;
        alt.request = r;
        alt.advisor = x.adv;
        alt.service = opts.front().service;
        alt.cost = named_pair_cost(in, r, x.adv, f);
        alt.cost.load = next_marginal(x.adv);
        alt.delta = alt.cost.total() - chosen_total;
        const auto& L = res.advisors[x.adv];
        alt.has_room =
            L.caseload_after < L.capacity && fits_hours(*after, x.adv, opts.front().effort);
        alt.minutes = x.minutes;
        alt.km = x.km;
        alts.push_back(alt);
      }
      // reach is in canonical advisor order, so a stable sort by total keeps id order on ties.
      std::stable_sort(alts.begin(), alts.end(), [](const Alternative& x, const Alternative& y) {
        return x.cost.total() < y.cost.total();
      });
      i64 better = 0;  // alternatives strictly cheaper than the chosen one rank before it
      for (const auto& alt : alts) better += alt.cost.total() < chosen_total;
      const i64 keep = std::min<i64>(R.alternatives, static_cast<i64>(alts.size()));
      for (i64 j = 0; j < keep; ++j) {
        alts[j].rank = j + 1 + (j >= better ? 1 : 0);
        res.alternatives.push_back(alts[j]);
      }
    }
  }
};

}  // namespace

RoundResult run_round(const RoundInput& input) { return Round(input).run(); }

std::vector<ExplainRow> explain(const RoundInput& input, const RoundResult& result,
                                std::int64_t request) {
  if (request < 0 || request >= static_cast<i64>(input.requests.size()))
    throw UnknownId("request index " + std::to_string(request) + " out of range [0, " +
                    std::to_string(input.requests.size()) + ")");
  if (result.requests.size() != input.requests.size() ||
      result.advisors.size() != input.advisors.size())
    throw InvalidInput("explain: the result does not belong to this input");
  const Prepared p = prepare(input);
  const i64 r = request;
  const auto& q = input.requests[r];
  std::vector<double> minutes, km;
  travel_to_one(p, r, minutes, km);
  // The request's matches: advisor -> (cost, service, hours).
  struct Match {
    CostParts cost;
    std::int32_t service;
    double hours;
  };
  std::map<i64, Match> matches;
  const auto& out = result.requests[r];
  if (out.advisor >= 0) matches[out.advisor] = {out.cost, out.service, out.hours};
  for (const auto& m : result.positions)
    if (m.request == r) matches[m.advisor] = {m.cost, m.service, m.hours};
  std::vector<ExplainRow> rows(p.n_adv);
  for (i64 a = 0; a < p.n_adv; ++a) {
    auto& row = rows[a];
    row.advisor = a;
    row.minutes = minutes[a];
    row.km = km[a];
    PairFacts f = facts(p, r, a, minutes[a], km[a]);
    const auto& adv = input.advisors[a];
    const auto& L = result.advisors[a];
    const auto match = matches.find(a);
    row.chosen = match != matches.end();
    row.verdict = hard_verdict(f, adv, input.rules);
    const auto opts = options_for(input, q, p.req_svcs[r], p.adv_svcs[a], minutes[a]);
    if (row.chosen) {
      row.service = match->second.service;
    } else if (!opts.empty()) {
      row.service = opts.front().service;
    }
    const std::int32_t s = row.service >= 0 ? row.service : q.service;
    row.cost_eur = static_cast<double>(to_cents(price_eur(input, q, s))) / 100.0;
    if (std::isfinite(minutes[a]) || !service_of(input, s).travel_in_hours)
      row.hours_needed = effort_hours(input, q, s, minutes[a]);
    if (!std::isinf(adv.capacity_hours))
      row.hours_free =
          adv.capacity_hours - L.hours_after + (row.chosen ? match->second.hours : 0.0);
    const bool hours_fit = std::isnan(row.hours_needed) ||
                           row.hours_needed <= row.hours_free + hours_tolerance(row.hours_free);
    row.has_room = row.chosen || (L.caseload_after < L.capacity && hours_fit);
    if (row.verdict != Verdict::Eligible) continue;
    row.cost = row.chosen ? match->second.cost : named_pair_cost(input, r, a, f);
    if (!row.chosen) row.cost.load = named_load(input, a, plus_one(L.caseload_after));
  }
  std::vector<i64> eligible;
  for (i64 a = 0; a < p.n_adv; ++a)
    if (rows[a].verdict == Verdict::Eligible) eligible.push_back(a);
  std::sort(eligible.begin(), eligible.end(), [&](i64 x, i64 y) {
    return std::tuple(rows[x].cost.total(), !rows[x].chosen, p.adv_rank[x]) <
           std::tuple(rows[y].cost.total(), !rows[y].chosen, p.adv_rank[y]);
  });
  for (std::size_t k = 0; k < eligible.size(); ++k)
    rows[eligible[k]].rank = static_cast<i64>(k) + 1;
  return rows;
}

}  // namespace libmatch
