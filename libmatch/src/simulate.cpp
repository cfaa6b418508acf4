// The weekly simulation loop (simulate.hpp): precomputation in Simulator, one run per seed,
// and sweeps over threads.
#include "libmatch/simulate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <tuple>

#include "libmatch/cancel.hpp"
#include "libmatch/error.hpp"
#include "parallel.hpp"
#include "random.hpp"

namespace libmatch {

namespace {

using i64 = std::int64_t;
using detail::hash_keys;
using detail::Rng;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Random streams (first key of every draw).
enum Stream : std::uint64_t {
  kArrivals = 1,
  kReplay = 2,
  kNoKlik = 3,
  kInitial = 4,
  kDay = 5,
  kPathway = 6,
  kFollowUp = 7,
  kApproach = 8
};

// Money comparisons tolerate rounding of sums of prices (EUR).
constexpr double kEurTolerance = 1e-9;

// FNV-1a of an id: random keys of an advisor depend on its id, never on its row.
std::uint64_t id_key(const std::string& id) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char ch : id) h = (h ^ ch) * 1099511628211ULL;
  return h;
}

enum CaseStatus : std::int8_t {
  kWaiting = 0,
  kInService = 1,
  kCompleted = 2,
  kEscalated = 3,
  kReferred = 4
};
enum StintEnd : std::int8_t { kRunning = 0, kEndCompleted = 1, kEndNoKlik = 2, kEndReassigned = 3 };

double minutes_limit(const Advisor& a, const RuleOptions& r) {
  return r.radius_hard ? std::min(a.radius_minutes, r.max_travel_minutes) : r.max_travel_minutes;
}
double km_limit(const Advisor& a, const RuleOptions& r) {
  return r.radius_hard ? a.radius_km : std::numeric_limits<double>::infinity();
}

i64 draw_duration(Rng& rng, const DurationSpec& d) {
  double w = d.mean_weeks;
  switch (d.kind) {
    case DurationKind::Fixed:
      break;
    case DurationKind::Uniform: {
      const i64 lo = std::llround(d.min_weeks), hi = std::llround(d.max_weeks);
      w = static_cast<double>(lo +
                              static_cast<i64>(rng.below(static_cast<std::uint64_t>(hi - lo + 1))));
      break;
    }
    case DurationKind::Gamma:
      if (d.sd_weeks > 0) {
        const double cv = d.sd_weeks / d.mean_weeks;
        const double shape = 1.0 / (cv * cv), scale = d.mean_weeks / shape;
        w = detail::gamma_unit(rng, shape) * scale;
      }
      break;
  }
  return std::max<i64>(1, std::llround(w));
}

// Nearest-rank percentile of sorted values (q in (0, 1]); NaN when empty.
double percentile_sorted(const std::vector<double>& v, int tenths) {
  if (v.empty()) return kNaN;
  const std::size_t n = v.size();
  std::size_t rank = (static_cast<std::size_t>(tenths) * n + 9) / 10;  // ceil(q n)
  return v[std::max<std::size_t>(rank, 1) - 1];
}

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return kNaN;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// Gini of sorted non-negative values: 2 sum(i x_i) / (n sum x) - (n + 1) / n, i = 1..n.
double gini_sorted(const std::vector<double>& v) {
  if (v.empty()) return kNaN;
  double sum = 0, weighted = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    sum += v[i];
    weighted += static_cast<double>(i + 1) * v[i];
  }
  if (!(sum > 0)) return 0.0;
  const double n = static_cast<double>(v.size());
  return 2.0 * weighted / (n * sum) - (n + 1.0) / n;
}

// Slot of the five classic reasons in SimulationSummary::escalated_by_reason; -1 otherwise
// (every code is counted in escalated_by_code).
int reason_slot(Escalation r) {
  switch (r) {
    case Escalation::NoAdvisorForService:
      return 0;
    case Escalation::NoExpertise:
      return 1;
    case Escalation::AllExcluded:
      return 2;
    case Escalation::AllOutOfRadius:
      return 3;
    case Escalation::NoCapacity:
      return 4;
    default:
      return -1;
  }
}

// A request of the simulation (a case once matched).
struct Case {
  i64 id = 0;
  std::string round_id;   // "c000000042": canonical order = case order
  std::uint64_t key = 0;  // random key of the case's own draws ('no klik')
  i64 registered = 0;
  std::int32_t service = 0;
  i64 location = 0;
  i64 priority = 0;
  std::vector<std::int32_t> needs;
  std::vector<i64> exclude;         // global advisor indices
  std::vector<i64> more_locations;  // further business locations (replay)
  i64 duration = 1, remaining = 1;
  i64 advisor = -1;
  i64 last_advisor = -1;     // advisor of the last stint (pathway continuity)
  i64 current_advisor = -1;  // continuity / pin for the next match (global, or kAdvisorNotInPool)
  bool pinned = false;
  bool started = false;  // paid and took its slot (first match; initial cases: always)
  std::int32_t segment = -1;
  i64 parent = -1;
  i64 root_day = 0;                  // registration day of the entrepreneur
  i64 start_day = -1;                // day the product started
  double hours = kNaN, cost = kNaN;  // overrides of the service's (replay)
  double paid = 0.0;
  Referral referral = Referral::None;
  i64 matched_week = -1, first_matched = -1, entered = 0, ended = -1;
  i64 matches = 0;
  i64 stint = -1;  // index into the assignment records (details only)
  CaseStatus status = kWaiting;
  Escalation reason = Escalation::None;
  bool no_klik = false;
};

// Priorities of an approach list: the largest-remainder split of `count` over the weights
// (ties to the earlier entry), highest priority first.
std::vector<i64> approach_list(const ArrivalStream& st) {
  std::vector<i64> out;
  if (st.count <= 0) return out;
  if (st.priorities.empty()) return std::vector<i64>(static_cast<std::size_t>(st.count), 0);
  double total = 0;
  for (const auto& p : st.priorities) total += p.probability;
  const std::size_t n = st.priorities.size();
  std::vector<i64> take(n);
  std::vector<double> rest(n);
  i64 given = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double share = static_cast<double>(st.count) * st.priorities[k].probability / total;
    take[k] = static_cast<i64>(std::floor(share));
    rest[k] = share - static_cast<double>(take[k]);
    given += take[k];
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rest[a] > rest[b]; });
  for (std::size_t k = 0; given < st.count; k = (k + 1) % n, ++given) ++take[order[k]];
  for (std::size_t k = 0; k < n; ++k)
    out.insert(out.end(), static_cast<std::size_t>(take[k]), st.priorities[k].priority);
  std::stable_sort(out.begin(), out.end(), std::greater<>());
  return out;
}

}  // namespace

struct Simulator::Impl {
  Scenario sc;
  i64 n_adv = 0, n_loc = 0;
  std::vector<double> minutes, km;  // n_adv x n_loc, NaN = out of every limit / unreachable
  std::vector<i64> loc_area;        // orientation area per location (-1 = none)
  std::vector<std::vector<double>>
      stream_cumulative;  // per stream: location weights (running sums)
  std::vector<std::vector<double>> stream_priority_cum;
  std::vector<std::vector<i64>> events_by_week;     // event indices per week (< horizon)
  std::vector<std::vector<i64>> replay_by_week;     // replay rows per week (< horizon)
  std::vector<char> joins_later;                    // advisor has a Join event
  std::vector<i64> by_id;                           // advisor indices sorted by id
  std::vector<std::vector<i64>> approach_priority;  // per stream: the list, highest first
  double min_price = kNaN;                          // cheapest positive price (NaN = none)
  RuleOptions rules;

  double cost_of(const Case& c) const {
    return std::isnan(c.cost) ? sc.services[c.service].cost_eur : c.cost;
  }
  double hours_of(const Case& c) const {
    return std::isnan(c.hours) ? sc.services[c.service].hours_per_case : c.hours;
  }
  // Referred at once: out of scope (referral_only) or outside the areas offering the service.
  Referral referral_of(const Case& c) const {
    const auto& sv = sc.services[c.service];
    if (sv.referral_only) return Referral::OutOfScope;
    if (!sv.offered_in.empty() && std::find(sv.offered_in.begin(), sv.offered_in.end(),
                                            loc_area[c.location]) == sv.offered_in.end())
      return Referral::NotInModule;
    return Referral::None;
  }

  bool usable(i64 a, i64 l) const {
    const double m = minutes[a * n_loc + l];
    if (std::isnan(m)) return false;
    const auto& adv = sc.advisors[a];
    return m <= minutes_limit(adv, rules) && km[a * n_loc + l] <= km_limit(adv, rules);
  }
  bool outside_area(i64 a, i64 l) const {
    const auto& areas = sc.advisors[a].areas;
    if (!sc.areas || areas.empty()) return false;
    return std::find(areas.begin(), areas.end(), loc_area[l]) == areas.end();
  }
  SimulationResult run(std::uint64_t seed, bool details) const;
  struct WeekState;
};

Simulator::Simulator(Scenario scenario, int threads) {
  validate(scenario);
  auto impl = std::make_shared<Impl>();
  impl->sc = std::move(scenario);
  Impl& m = *impl;
  const Scenario& s = m.sc;
  m.n_adv = static_cast<i64>(s.advisors.size());
  m.n_loc = static_cast<i64>(s.locations.size());
  m.rules = s.rules;
  m.rules.duplicate_tolerance_m = 0.0;  // synthetic draws share farms: not real duplicates
  m.rules.threads = 1;
  m.rules.alternatives = 0;

  // Travel from every base to every location, once, within the widest limit of any advisor.
  m.minutes.assign(static_cast<std::size_t>(m.n_adv * m.n_loc), kNaN);
  m.km.assign(m.minutes.size(), kNaN);
  if (m.n_adv > 0 && m.n_loc > 0) {
    double max_min = 0, max_km = 0;
    std::vector<double> orig, dest;
    for (const auto& a : s.advisors) {
      max_min = std::max(max_min, minutes_limit(a, m.rules));
      max_km = std::max(max_km, km_limit(a, m.rules));
      orig.push_back(a.base.x);
      orig.push_back(a.base.y);
    }
    for (const auto& p : s.locations) {
      dest.push_back(p.x);
      dest.push_back(p.y);
    }
    auto widen = [](double v) { return std::isfinite(v) ? v * (1 + 1e-9) + 1e-9 : v; };
    StraightLine fallback;
    const TravelModel& travel = s.travel ? *s.travel : fallback;
    TravelPairs t = travel.pairs(orig, dest, widen(max_min), widen(max_km), threads);
    for (std::size_t k = 0; k < t.origin.size(); ++k) {
      const std::size_t cell = static_cast<std::size_t>(t.origin[k] * m.n_loc + t.destination[k]);
      m.minutes[cell] = t.minutes[k];
      m.km[cell] = t.km[k];
    }
  }
  m.loc_area.assign(static_cast<std::size_t>(m.n_loc), -1);
  if (s.areas && m.n_loc > 0) {
    std::vector<double> xy;
    xy.reserve(2 * m.n_loc);
    for (const auto& p : s.locations) {
      xy.push_back(p.x);
      xy.push_back(p.y);
    }
    s.areas->locate(xy, m.loc_area, threads);
  }
  for (const auto& st : s.arrivals) {
    std::vector<double> cum;
    if (!st.location_weights.empty()) {
      cum.resize(st.location_weights.size());
      std::partial_sum(st.location_weights.begin(), st.location_weights.end(), cum.begin());
    }
    m.stream_cumulative.push_back(std::move(cum));
    std::vector<double> pcum;
    for (const auto& pc : st.priorities)
      pcum.push_back((pcum.empty() ? 0.0 : pcum.back()) + pc.probability);
    m.stream_priority_cum.push_back(std::move(pcum));
  }
  m.events_by_week.resize(static_cast<std::size_t>(s.horizon_weeks));
  m.joins_later.assign(static_cast<std::size_t>(m.n_adv), 0);
  for (std::size_t k = 0; k < s.events.size(); ++k) {
    const auto& e = s.events[k];
    if (e.kind == EventKind::Join) m.joins_later[e.advisor] = 1;
    if (e.week < s.horizon_weeks) m.events_by_week[e.week].push_back(static_cast<i64>(k));
  }
  m.by_id.resize(static_cast<std::size_t>(m.n_adv));
  std::iota(m.by_id.begin(), m.by_id.end(), i64{0});
  std::sort(m.by_id.begin(), m.by_id.end(),
            [&](i64 a, i64 b) { return s.advisors[a].id < s.advisors[b].id; });
  for (const auto& sv : s.services)
    if (sv.cost_eur > 0 && !(sv.cost_eur >= m.min_price)) m.min_price = sv.cost_eur;
  for (const auto& st : s.arrivals) m.approach_priority.push_back(approach_list(st));
  m.replay_by_week.resize(static_cast<std::size_t>(s.horizon_weeks));
  for (std::size_t k = 0; k < s.replay.size(); ++k)
    if (s.replay[k].week < s.horizon_weeks)
      m.replay_by_week[s.replay[k].week].push_back(static_cast<i64>(k));
  impl_ = std::move(impl);
}

const Scenario& Simulator::scenario() const { return impl_->sc; }

SimulationResult Simulator::run(std::uint64_t seed, bool details) const {
  return impl_->run(seed, details);
}

SimulationResult simulate(const Scenario& scenario, std::uint64_t seed, bool details) {
  return Simulator(scenario, 1).run(seed, details);
}

// One run of one seed: the state that lives through the weeks, and one method per step of
// the week (simulate.hpp, steps 1-5). Members are public to the run only.
struct Simulator::Impl::WeekState {
  const Impl& m;
  const Scenario& s;
  const std::uint64_t seed;
  const bool details;
  SimulationResult res;

  std::vector<Case> cases;
  std::vector<i64> queue;       // waiting case ids
  std::vector<i64> in_service;  // case ids with an advisor (compacted weekly)
  std::vector<i64> capacity, caseload;
  std::vector<double> booked;  // hours of the running cases per advisor
  std::vector<char> joined, left;
  std::vector<i64> absent_from, absent_to;  // [from, to)
  i64 initial_cases = 0;

  // Programme: money and slots left over the horizon, follow-ups due.
  struct FollowUp {
    i64 week = 0, parent = 0;
    std::int32_t service = 0;
  };
  std::vector<FollowUp> due;  // in creation order
  std::vector<i64> slots_left, service_out_week;
  std::vector<double> service_money;
  double money = 0, spend_total = 0;
  i64 followups_total = 0, budget_out_week = kNever;

  // Round buffers reused across weeks.
  RoundInput input;
  TravelPairs pairs;
  std::vector<i64> pool;            // round advisor index -> global
  std::vector<i64> round_of;        // global -> round index (-1 = not in the pool)
  std::vector<i64> in_round;        // queue positions handed to the round
  std::vector<Escalation> blocked;  // per queue position: refused before the round

  // Measures: of the week, and accumulated over the year.
  std::vector<double> week_waits, week_minutes, year_waits, year_minutes, utils;
  i64 week_outside = 0, year_outside = 0;
  i64 arrivals_total = 0, completed_total = 0, escalated_total = 0, referred_total = 0;
  i64 matched_sum = 0, matched_first_sum = 0, noklik_sum = 0, reassigned_sum = 0;
  double hours_sum = 0, util_mean_sum = 0, gini_sum = 0, util_max_all = kNaN;
  i64 util_weeks = 0;

  WeekState(const Impl& impl, std::uint64_t seed_, bool details_);

  bool in_pool(i64 a) const { return joined[a] && !left[a]; }
  bool absent(i64 a, i64 w) const { return absent_from[a] <= w && w < absent_to[a]; }

  Case& new_case(i64 registered, std::uint64_t key);
  void start_stint(Case& c, i64 a, i64 week, double minutes);
  void end_stint(Case& c, i64 week, StintEnd how);  // caller compacts in_service
  void requeue(Case& c, i64 week);
  void compact();
  void move_cases(i64 a, i64 how_many, i64 t, WeekKpis& k);
  void admit(Case& c, bool referred, i64 t, WeekKpis& k);
  void draw_request(Case& c, const ArrivalStream& st, std::size_t si, Rng& rng);
  void follow_up(const Case& parent, i64 t);       // at completion: draw the pathway step
  Escalation refusal(const Case& c, i64 t) const;  // slots / money / reservation
  void pay(Case& c, WeekKpis& k);

  void initial();                         // cases running at the start
  void progress(i64 t, WeekKpis& k);      // 1. progress, 'no klik' returns, completions
  void apply_events(i64 t, WeekKpis& k);  // 2. events
  void arrivals(i64 t, WeekKpis& k);      // 3. Poisson streams, then replay rows
  void round(i64 t, WeekKpis& k);         // 4. the round over the queue
  void measure(i64 t, WeekKpis& k);       // 5. KPIs and invariants
  void summarize();
  void case_records();

 private:
  void fill_round(i64 t);
  void catalogue(i64 t);
  void apply_round(const RoundResult& rr, i64 t, WeekKpis& k);
  void check_invariants(i64 t, const WeekKpis& k) const;
  void advisor_kpis(i64 t, WeekKpis& k);
  void programme_kpis(i64 t, WeekKpis& k);
  void group_totals();
};

Simulator::Impl::WeekState::WeekState(const Impl& impl, std::uint64_t seed_, bool details_)
    : m(impl), s(impl.sc), seed(seed_), details(details_) {
  const i64 n_adv = m.n_adv;
  res.seed = seed;
  res.weeks.reserve(static_cast<std::size_t>(s.horizon_weeks));
  capacity.resize(n_adv);
  caseload.assign(n_adv, 0);
  booked.assign(n_adv, 0.0);
  joined.resize(n_adv);
  left.assign(n_adv, 0);
  absent_from.assign(n_adv, -1);
  absent_to.assign(n_adv, -1);
  for (i64 a = 0; a < n_adv; ++a) {
    capacity[a] = s.advisors[a].capacity;
    joined[a] = !m.joins_later[a];
  }
  input.areas = s.areas ? &*s.areas : nullptr;
  input.weights = s.weights;
  input.rules = m.rules;
  input.travel_pairs = &pairs;
  round_of.resize(n_adv);
  const std::size_t n_svc = s.services.size();
  slots_left.resize(n_svc);
  service_money.resize(n_svc);
  service_out_week.assign(n_svc, kNever);
  input.services.resize(n_svc);
  for (std::size_t v = 0; v < n_svc; ++v) {
    slots_left[v] = s.services[v].max_cases;
    service_money[v] = s.services[v].budget_eur;
    Service& cat = input.services[v];
    cat.hours = s.services[v].hours_per_case;
    cat.cost_eur = s.services[v].cost_eur;
    cat.refer_to = s.services[v].refer_to;
  }
  money = s.budget_eur;
}

Case& Simulator::Impl::WeekState::new_case(i64 registered, std::uint64_t key) {
  Case c;
  c.id = static_cast<i64>(cases.size());
  char buf[32];
  std::snprintf(buf, sizeof buf, "c%010lld", static_cast<long long>(c.id));
  c.round_id = buf;
  c.key = key;
  c.registered = registered;
  c.entered = registered;
  cases.push_back(std::move(c));
  return cases.back();
}

void Simulator::Impl::WeekState::start_stint(Case& c, i64 a, i64 week, double minutes) {
  c.advisor = a;
  c.matched_week = week;
  c.status = kInService;
  c.pinned = false;  // a pin and a replay's current advisor apply to the first match only
  c.current_advisor = -1;
  ++caseload[a];
  booked[a] += m.hours_of(c);
  in_service.push_back(c.id);
  if (details) {
    AssignmentRecord r;
    r.case_id = c.id;
    r.advisor = a;
    r.week_start = week;
    r.minutes = minutes;
    r.outside_area = m.outside_area(a, c.location);
    c.stint = static_cast<i64>(res.assignments.size());
    res.assignments.push_back(r);
  }
}

void Simulator::Impl::WeekState::end_stint(Case& c, i64 week, StintEnd how) {
  --caseload[c.advisor];
  booked[c.advisor] = caseload[c.advisor] ? booked[c.advisor] - m.hours_of(c) : 0.0;
  if (details && c.stint >= 0) {
    res.assignments[c.stint].week_end = week;
    res.assignments[c.stint].end = how;
  }
  c.last_advisor = c.advisor;
  c.advisor = -1;
  c.stint = -1;
}

void Simulator::Impl::WeekState::requeue(Case& c, i64 week) {
  c.status = kWaiting;
  c.entered = week;
  queue.push_back(c.id);
}

void Simulator::Impl::WeekState::compact() {
  in_service.erase(std::remove_if(in_service.begin(), in_service.end(),
                                  [&](i64 id) { return cases[id].status != kInService; }),
                   in_service.end());
}

void Simulator::Impl::WeekState::initial() {
  // Each advisor of the initial pool starts with `caseload` running cases.
  const i64 n_loc = m.n_loc;
  std::vector<i64> cand;
  for (i64 a : m.by_id) {  // canonical order, keys by id: row order never matters
    if (!joined[a] || s.advisors[a].caseload == 0) continue;
    const auto& adv = s.advisors[a];
    const std::uint64_t akey = id_key(adv.id);
    Rng rng(hash_keys({seed, kInitial, akey}));
    cand.clear();
    for (i64 l = 0; l < n_loc; ++l)
      if (m.usable(a, l) && !m.outside_area(a, l)) cand.push_back(l);
    if (cand.empty())
      for (i64 l = 0; l < n_loc; ++l)
        if (m.usable(a, l)) cand.push_back(l);
    i64 nearest = -1;
    if (cand.empty()) {  // nothing within reach: the nearest reachable location, else any
      double best = std::numeric_limits<double>::infinity();
      for (i64 l = 0; l < n_loc; ++l) {
        double mins = m.minutes[a * n_loc + l];
        if (!std::isnan(mins) && mins < best) best = mins, nearest = l;
      }
    }
    for (i64 k = 0; k < adv.caseload; ++k) {
      Case& c = new_case(-1, hash_keys({seed, kInitial, akey, static_cast<std::uint64_t>(k)}));
      c.service = adv.service;
      c.started = true;
      c.root_day = -7;
      c.location = !cand.empty()  ? cand[rng.below(cand.size())]
                   : nearest >= 0 ? nearest
                                  : static_cast<i64>(rng.below(static_cast<std::uint64_t>(n_loc)));
      c.duration = draw_duration(rng, s.services[adv.service].duration);
      c.remaining = 1 + static_cast<i64>(rng.below(static_cast<std::uint64_t>(c.duration)));
      c.matches = 1;
      c.first_matched = -1;
      start_stint(c, a, -1, m.minutes[a * n_loc + c.location]);
      ++initial_cases;
    }
  }
}

void Simulator::Impl::WeekState::progress(i64 t, WeekKpis& k) {
  if (t > 0) {
    for (i64 id : in_service) {
      Case& c = cases[id];
      if (c.status != kInService) continue;
      if (c.no_klik) {
        c.no_klik = false;
        const i64 a = c.advisor;
        end_stint(c, t, kEndNoKlik);
        if (std::find(c.exclude.begin(), c.exclude.end(), a) == c.exclude.end())
          c.exclude.push_back(a);
        requeue(c, t);
        ++k.no_klik_returns;
        continue;
      }
      if (absent(c.advisor, t - 1)) continue;
      if (--c.remaining <= 0) {
        end_stint(c, t, kEndCompleted);
        c.status = kCompleted;
        c.ended = t;
        ++k.completed;
        if (c.registered >= 0) follow_up(c, t);  // initial cases follow no pathway
      }
    }
  }
  compact();
}

// Cases move off an advisor in case order (most recent first for capacity).
void Simulator::Impl::WeekState::move_cases(i64 a, i64 how_many, i64 t, WeekKpis& k) {
  std::vector<i64> mine;
  for (i64 id : in_service)
    if (cases[id].status == kInService && cases[id].advisor == a) mine.push_back(id);
  std::sort(mine.begin(), mine.end(), [&](i64 x, i64 y) {
    return std::pair(cases[x].matched_week, x) > std::pair(cases[y].matched_week, y);
  });
  if (how_many < static_cast<i64>(mine.size())) mine.resize(static_cast<std::size_t>(how_many));
  std::sort(mine.begin(), mine.end());
  for (i64 id : mine) {
    end_stint(cases[id], t, kEndReassigned);
    requeue(cases[id], t);
    ++k.reassigned;
  }
}

void Simulator::Impl::WeekState::apply_events(i64 t, WeekKpis& k) {
  for (i64 ev : m.events_by_week[t]) {
    const auto& e = s.events[ev];
    const i64 a = e.advisor;
    switch (e.kind) {
      case EventKind::Join:
        joined[a] = 1;
        break;
      case EventKind::Leave:
        move_cases(a, caseload[a], t, k);
        left[a] = 1;
        break;
      case EventKind::Absence:
        absent_from[a] = t;
        absent_to[a] = t + e.weeks;
        if (s.reassign_absence_weeks > 0 && e.weeks >= s.reassign_absence_weeks)
          move_cases(a, caseload[a], t, k);
        break;
      case EventKind::Capacity:
        capacity[a] = e.capacity;
        if (caseload[a] > capacity[a]) move_cases(a, caseload[a] - capacity[a], t, k);
        break;
    }
  }
  compact();
}

// A new request of week t: referred at once (out of scope, or not offered where it lies), or
// queued.
void Simulator::Impl::WeekState::admit(Case& c, bool referred, i64 t, WeekKpis& k) {
  const Referral why = referred ? Referral::OutOfScope : m.referral_of(c);
  if (why != Referral::None) {
    c.status = kReferred;
    c.referral = why;
    c.ended = t;
    ++k.referred;
  } else {
    queue.push_back(c.id);
  }
}

// Location, needs, priority (Poisson streams) and duration of a stream's new request.
void Simulator::Impl::WeekState::draw_request(Case& c, const ArrivalStream& st, std::size_t si,
                                              Rng& rng) {
  c.service = st.service;
  c.segment = st.segment;
  if (st.locations.empty()) {
    c.location = static_cast<i64>(rng.below(static_cast<std::uint64_t>(m.n_loc)));
  } else if (m.stream_cumulative[si].empty()) {
    c.location = st.locations[rng.below(st.locations.size())];
  } else {
    c.location = st.locations[detail::pick_cumulative(rng, m.stream_cumulative[si])];
  }
  for (const auto& tc : st.needs)
    if (rng.uniform() < tc.probability) c.needs.push_back(tc.tag);
  std::sort(c.needs.begin(), c.needs.end());
  c.needs.erase(std::unique(c.needs.begin(), c.needs.end()), c.needs.end());
  if (!st.priorities.empty() && st.count < 0)
    c.priority = st.priorities[detail::pick_cumulative(rng, m.stream_priority_cum[si])].priority;
  c.duration = c.remaining = draw_duration(rng, s.services[st.service].duration);
}

// Registration day of an arrival of week t: drawn from its own stream (other draws unchanged).
static i64 registration_day(std::uint64_t seed, std::uint64_t key, i64 t, i64 given) {
  if (given >= 0) return 7 * t + given;
  Rng rng(hash_keys({seed, kDay, key}));
  return 7 * t + static_cast<i64>(rng.below(7));
}

void Simulator::Impl::WeekState::follow_up(const Case& parent, i64 t) {
  const auto& next = s.services[parent.service].next;
  if (next.empty()) return;
  const double u = detail::to_unit(hash_keys({seed, kPathway, parent.key}));
  double cum = 0;
  for (const auto& step : next) {
    cum += step.probability;
    if (u < cum) {
      due.push_back({t + step.delay_weeks, parent.id, step.service});
      return;
    }
  }
}

void Simulator::Impl::WeekState::arrivals(i64 t, WeekKpis& k) {
  // Pathway follow-ups due this week, in the order their predecessors ended.
  std::size_t kept = 0;
  for (std::size_t d = 0; d < due.size(); ++d) {
    const FollowUp f = due[d];
    if (f.week != t) {
      due[kept++] = f;
      continue;
    }
    const std::uint64_t pkey = cases[f.parent].key;
    Case& c = new_case(t, hash_keys({seed, kFollowUp, pkey}));
    const Case& p = cases[f.parent];  // after new_case: cases may have moved
    c.service = f.service;
    c.location = p.location;
    c.more_locations = p.more_locations;
    c.priority = p.priority;
    c.exclude = p.exclude;  // conflicts of interest belong to the entrepreneur
    c.segment = p.segment;
    c.parent = p.id;
    c.root_day = p.root_day;
    // continuity: the entrepreneur keeps the advisor when it works for the follow-up's service
    if (p.last_advisor >= 0 && s.advisors[p.last_advisor].service == f.service)
      c.current_advisor = p.last_advisor;
    Rng rng(c.key);
    c.duration = c.remaining = draw_duration(rng, s.services[f.service].duration);
    ++k.followups;
    admit(c, false, t, k);
  }
  due.resize(kept);
  for (std::size_t si = 0; si < s.arrivals.size(); ++si) {
    const auto& st = s.arrivals[si];
    if (t < st.first_week || t > st.last_week) continue;
    if (st.count >= 0) {  // approach list: this week's part, highest priority first
      const auto& list = m.approach_priority[si];
      const i64 weeks = std::min(st.last_week, s.horizon_weeks - 1) - st.first_week + 1;
      const i64 w = t - st.first_week, base = st.count / weeks, rem = st.count % weeks;
      const i64 from = w * base + std::min(w, rem), n = base + (w < rem ? 1 : 0);
      for (i64 j = from; j < from + n; ++j) {
        const std::uint64_t key = hash_keys({seed, kApproach, si, static_cast<std::uint64_t>(j)});
        Case& c = new_case(t, key);
        Rng rng(key);
        const bool referred = rng.uniform() < st.refer_probability;
        draw_request(c, st, si, rng);
        c.priority = list[static_cast<std::size_t>(j)];
        c.root_day = registration_day(seed, key, t, -1);
        ++k.arrivals;
        admit(c, referred, t, k);
      }
      continue;
    }
    if (!(st.rate_per_week > 0)) continue;
    Rng rng(hash_keys({seed, kArrivals, static_cast<std::uint64_t>(t), si}));
    const i64 n = detail::poisson(rng, st.rate_per_week);
    for (i64 j = 0; j < n; ++j) {
      Case& c = new_case(t, hash_keys({seed, kArrivals, static_cast<std::uint64_t>(t), si,
                                       static_cast<std::uint64_t>(j)}));
      const bool referred = rng.uniform() < st.refer_probability;
      draw_request(c, st, si, rng);
      c.root_day = registration_day(seed, c.key, t, -1);
      ++k.arrivals;
      admit(c, referred, t, k);
    }
  }
  for (i64 row : m.replay_by_week[t]) {
    const auto& r = s.replay[row];
    Case& c = new_case(t, hash_keys({seed, kReplay, static_cast<std::uint64_t>(row)}));
    c.service = r.service;
    c.location = r.location;
    c.more_locations = r.more_locations;
    c.needs = r.needs;
    std::sort(c.needs.begin(), c.needs.end());
    c.needs.erase(std::unique(c.needs.begin(), c.needs.end()), c.needs.end());
    c.priority = r.priority;
    c.exclude = r.exclude;
    c.current_advisor = r.current_advisor;
    c.pinned = r.pinned && r.current_advisor != -1;
    c.hours = r.hours;
    c.cost = r.cost_eur;
    c.segment = r.segment;
    c.root_day = registration_day(seed, c.key, t, r.day);
    if (std::isnan(r.duration_weeks)) {
      Rng rng(c.key);
      c.duration = draw_duration(rng, s.services[r.service].duration);
    } else {
      c.duration = std::max<i64>(1, std::llround(r.duration_weeks));
    }
    c.remaining = c.duration;
    ++k.arrivals;
    admit(c, r.referred, t, k);
  }
}

// Why a case that has not started yet cannot start now: no slot left, a slot held for higher
// priority, or not enough money (programme or service); None when it can. Cases that already
// started (re-matches after 'no klik' or reassignment) are free.
Escalation Simulator::Impl::WeekState::refusal(const Case& c, i64 t) const {
  if (c.started) return Escalation::None;
  const auto v = static_cast<std::size_t>(c.service);
  if (slots_left[v] <= 0) return Escalation::SlotsExhausted;
  for (const auto& r : s.reserve)
    if (r.service == c.service && t <= r.until_week && c.priority < r.min_priority &&
        slots_left[v] <= r.slots)
      return Escalation::ReservedForPriority;
  const double cost = m.cost_of(c);
  if (cost > money + kEurTolerance || cost > service_money[v] + kEurTolerance)
    return Escalation::BudgetExhausted;
  return Escalation::None;
}

void Simulator::Impl::WeekState::pay(Case& c, WeekKpis& k) {
  if (c.started) return;
  const auto v = static_cast<std::size_t>(c.service);
  const double cost = m.cost_of(c);
  c.started = true;
  c.paid = cost;
  if (slots_left[v] != kUnlimited) --slots_left[v];
  money -= cost;
  service_money[v] -= cost;
  spend_total += cost;
  k.spend_eur += cost;
}

// The round's catalogue: the money and slots left, but only where this round's requests could
// exceed them (limits that cannot bind are passed as unlimited, so the round keeps its plain
// flow solve). Started cases (re-matches) need neither money nor a new slot.
void Simulator::Impl::WeekState::catalogue(i64 t) {
  const std::size_t n_svc = input.services.size();
  std::vector<i64> fresh(n_svc, 0), again(n_svc, 0), low(n_svc, 0);
  std::vector<double> cost(n_svc, 0.0);
  double total = 0;
  for (i64 r : in_round) {
    const Case& c = cases[queue[r]];
    const auto v = static_cast<std::size_t>(c.service);
    if (c.started) {
      ++again[v];
      continue;
    }
    ++fresh[v];
    cost[v] += m.cost_of(c);
    total += m.cost_of(c);
    for (const auto& rp : s.reserve)
      if (rp.service == c.service && c.priority < rp.min_priority) ++low[v];
  }
  input.rules.reserve.clear();
  for (std::size_t v = 0; v < n_svc; ++v) {
    Service& cat = input.services[v];
    cat.max_cases = fresh[v] > slots_left[v] ? slots_left[v] + again[v] : kUnlimited;
    cat.budget_eur =
        cost[v] > service_money[v] + kEurTolerance ? std::max(0.0, service_money[v]) : kInf;
  }
  for (const auto& rp : s.reserve) {
    const auto v = static_cast<std::size_t>(rp.service);
    const i64 held = std::min(rp.slots, slots_left[v]);
    if (t <= rp.until_week && low[v] > slots_left[v] - held) {
      input.services[v].max_cases = slots_left[v] + again[v];
      input.rules.reserve.push_back({rp.service, held, rp.min_priority});
    }
  }
  input.budget_eur = total > money + kEurTolerance ? std::max(0.0, money) : kInf;
}

// The round's advisors (current caseload, no room while absent), catalogue with the money and
// slots left, requests and travel pairs. Queue entries refused before the round (slots,
// money, reservation) are not handed to it.
void Simulator::Impl::WeekState::fill_round(i64 t) {
  const i64 n_adv = m.n_adv, n_loc = m.n_loc;
  pool.clear();
  input.advisors.clear();
  std::fill(round_of.begin(), round_of.end(), -1);
  for (i64 a = 0; a < n_adv; ++a) {
    if (!in_pool(a)) continue;
    round_of[a] = static_cast<i64>(pool.size());
    pool.push_back(a);
    Advisor adv = s.advisors[a];
    adv.caseload = caseload[a];
    adv.capacity = absent(a, t) ? caseload[a] : capacity[a];
    // hours: what the running cases take (initial cases may exceed the limit: then no room)
    adv.hours_booked = std::min(booked[a], adv.capacity_hours);
    if (absent(a, t)) adv.capacity_hours = adv.hours_booked;
    input.advisors.push_back(std::move(adv));
  }
  blocked.assign(queue.size(), Escalation::None);
  in_round.clear();
  for (std::size_t r = 0; r < queue.size(); ++r) {
    blocked[r] = refusal(cases[queue[r]], t);
    if (blocked[r] == Escalation::None) in_round.push_back(static_cast<i64>(r));
  }
  catalogue(t);
  const std::size_t q = in_round.size();
  input.requests.resize(q);
  for (std::size_t r = 0; r < q; ++r) {
    const Case& c = cases[queue[in_round[r]]];
    Request& req = input.requests[r];
    req.id = c.round_id;
    req.locations.assign(1, s.locations[c.location]);
    for (i64 l : c.more_locations) req.locations.push_back(s.locations[l]);
    req.service = c.service;
    req.needs = c.needs;
    req.priority = c.priority;
    req.exclude.clear();
    for (i64 a : c.exclude)
      if (round_of[a] >= 0) req.exclude.push_back(round_of[a]);
    req.current_advisor = c.current_advisor >= 0 && round_of[c.current_advisor] >= 0
                              ? round_of[c.current_advisor]
                          : c.current_advisor == -1 ? -1
                                                    : kAdvisorNotInPool;
    req.pinned = c.pinned;
    req.registered = c.root_day;
    req.area = input.areas ? m.loc_area[c.location] : kAreaUnknown;
    req.hours = c.hours;
    req.cost_eur = c.started ? 0.0 : c.cost;  // re-matches are free
  }
  pairs.origin.clear();
  pairs.destination.clear();
  pairs.minutes.clear();
  pairs.km.clear();
  for (std::size_t ra = 0; ra < pool.size(); ++ra) {
    const i64 a = pool[ra];
    const auto svc = s.advisors[a].service;
    for (std::size_t r = 0; r < q; ++r) {
      const Case& c = cases[queue[in_round[r]]];
      if (c.service != svc || !m.usable(a, c.location)) continue;
      const std::size_t cell = static_cast<std::size_t>(a * n_loc + c.location);
      pairs.origin.push_back(static_cast<i64>(ra));
      pairs.destination.push_back(static_cast<i64>(r));
      pairs.minutes.push_back(m.minutes[cell]);
      pairs.km.push_back(m.km[cell]);
    }
  }
}

// Matched cases start a stint (and may turn out 'no klik'); unmatched ones wait or escalate.
// The simulation keeps the horizon's books itself: matches are paid in order of priority
// (then registration day, case id), and one the money or slots left cannot carry waits with
// that reason (whether or not the round already honoured the catalogue).
void Simulator::Impl::WeekState::apply_round(const RoundResult& rr, i64 t, WeekKpis& k) {
  std::vector<i64> advisor_of(queue.size(), -1);
  std::vector<Escalation> reason = blocked;
  std::vector<double> minutes(queue.size(), 0.0);
  std::vector<i64> matched;
  for (std::size_t r = 0; r < in_round.size(); ++r) {
    const auto& o = rr.requests[r];
    const auto qpos = static_cast<std::size_t>(in_round[r]);
    if (o.advisor >= 0) {
      advisor_of[qpos] = pool[o.advisor];
      minutes[qpos] = o.minutes;
      matched.push_back(static_cast<i64>(qpos));
    } else {
      reason[qpos] = o.reason;
    }
  }
  std::sort(matched.begin(), matched.end(), [&](i64 x, i64 y) {
    const Case &a = cases[queue[x]], &b = cases[queue[y]];
    return std::tuple(-a.priority, a.root_day, a.id) < std::tuple(-b.priority, b.root_day, b.id);
  });
  for (i64 qpos : matched) {
    Case& c = cases[queue[qpos]];
    const Escalation why = refusal(c, t);
    if (why != Escalation::None) {
      advisor_of[qpos] = -1;
      reason[qpos] = why;
    } else {
      pay(c, k);
    }
  }
  std::vector<i64> still;
  for (std::size_t r = 0; r < queue.size(); ++r) {
    Case& c = cases[queue[r]];
    if (advisor_of[r] >= 0) {
      const i64 a = advisor_of[r];
      start_stint(c, a, t, minutes[r]);
      ++c.matches;
      ++k.matched;
      week_minutes.push_back(minutes[r]);
      if (m.outside_area(a, c.location)) ++week_outside;
      if (c.first_matched < 0 && c.registered >= 0) {
        c.first_matched = t;
        c.start_day = 7 * t + 6;
        ++k.matched_first;
        week_waits.push_back(static_cast<double>(t - c.registered));
        k.hours_started += m.hours_of(c);
      }
      const double u =
          detail::to_unit(hash_keys({seed, kNoKlik, c.key, static_cast<std::uint64_t>(c.matches)}));
      c.no_klik = u < s.no_klik_probability;
    } else {
      c.reason = reason[r];
      if (t - c.entered >= s.escalate_after_weeks) {
        c.status = kEscalated;
        c.ended = t;
        ++k.escalated;
        const int slot = reason_slot(c.reason);
        if (slot >= 0) ++res.summary.escalated_by_reason[slot];
        ++res.summary.escalated_by_code[static_cast<int>(c.reason)];
      } else {
        still.push_back(c.id);
      }
    }
  }
  queue.swap(still);
}

void Simulator::Impl::WeekState::round(i64 t, WeekKpis& k) {
  std::sort(queue.begin(), queue.end());
  k.queued = static_cast<i64>(queue.size());
  week_waits.clear();
  week_minutes.clear();
  week_outside = 0;
  if (queue.empty()) return;
  fill_round(t);
  RoundResult rr;
  if (!in_round.empty()) rr = run_round(input);
  apply_round(rr, t, k);
}

void Simulator::Impl::WeekState::check_invariants(i64 t, const WeekKpis& k) const {
  if (initial_cases + arrivals_total + followups_total !=
      k.in_service + completed_total + k.waiting + escalated_total + referred_total)
    throw Error("simulation: internal error, case conservation violated in week " +
                std::to_string(t));
  if (std::isfinite(s.budget_eur) && spend_total > s.budget_eur + 1e-6)
    throw Error("simulation: internal error, spend above the budget in week " + std::to_string(t));
  for (std::size_t v = 0; v < slots_left.size(); ++v)
    if (slots_left[v] < 0 || service_money[v] < -1e-6)
      throw Error("simulation: internal error, slots or money of service '" + s.services[v].name +
                  "' overdrawn in week " + std::to_string(t));
  std::vector<i64> count(m.n_adv, 0);
  for (i64 id : in_service) ++count[cases[id].advisor];
  for (i64 a = 0; a < m.n_adv; ++a)
    if (count[a] != caseload[a] || caseload[a] > capacity[a] || (!in_pool(a) && caseload[a] > 0))
      throw Error("simulation: internal error, caseload of advisor '" + s.advisors[a].id +
                  "' inconsistent in week " + std::to_string(t));
}

// Pool size, absences, capacity and utilisation of week t (and the advisor-week details).
void Simulator::Impl::WeekState::advisor_kpis(i64 t, WeekKpis& k) {
  const i64 n_adv = m.n_adv;
  utils.clear();
  for (i64 a = 0; a < n_adv; ++a) {
    if (!in_pool(a)) continue;
    if (absent(a, t)) {
      ++k.advisors_absent;  // their cases run on (utilisation below), their capacity is not open
    } else {
      ++k.advisors_active;
      k.capacity_total += capacity[a];
    }
    if (capacity[a] > 0)
      utils.push_back(static_cast<double>(caseload[a]) / static_cast<double>(capacity[a]));
  }
  std::sort(utils.begin(), utils.end());
  k.util_mean = mean_of(utils);
  k.util_max = utils.empty() ? kNaN : utils.back();
  k.util_gini = gini_sorted(utils);
  if (!utils.empty()) {
    util_mean_sum += k.util_mean;
    gini_sum += k.util_gini;
    util_max_all = std::isnan(util_max_all) ? k.util_max : std::max(util_max_all, k.util_max);
    ++util_weeks;
  }
  if (details)
    for (i64 a = 0; a < n_adv; ++a) {
      AdvisorWeek aw;
      aw.week = t;
      aw.advisor = a;
      aw.capacity = capacity[a];
      aw.caseload = caseload[a];
      aw.status = left[a] ? 3 : !joined[a] ? 2 : absent(a, t) ? 1 : 0;
      res.advisor_weeks.push_back(aw);
    }
}

// Money and slots after the round, and the weeks they run out.
void Simulator::Impl::WeekState::programme_kpis(i64 t, WeekKpis& k) {
  followups_total += k.followups;
  k.followups_total = followups_total;
  k.spend_eur_total = spend_total;
  k.budget_left_eur = money;
  k.slots_left = slots_left;
  if (budget_out_week == kNever && std::isfinite(s.budget_eur) &&
      (money <= kEurTolerance || (!std::isnan(m.min_price) && money < m.min_price - kEurTolerance)))
    budget_out_week = t;
  for (std::size_t v = 0; v < slots_left.size(); ++v) {
    const double price = s.services[v].cost_eur;
    const bool broke =
        price > 0 && (service_money[v] < price - kEurTolerance || money < price - kEurTolerance);
    if (service_out_week[v] == kNever && (slots_left[v] <= 0 || broke)) service_out_week[v] = t;
  }
}

void Simulator::Impl::WeekState::measure(i64 t, WeekKpis& k) {
  programme_kpis(t, k);
  arrivals_total += k.arrivals;
  referred_total += k.referred;
  completed_total += k.completed;
  escalated_total += k.escalated;
  k.waiting = static_cast<i64>(queue.size());
  k.in_service = static_cast<i64>(in_service.size());
  k.arrivals_total = arrivals_total;
  k.referred_total = referred_total;
  k.completed_total = completed_total;
  k.escalated_total = escalated_total;
  k.matched_total = k.in_service + completed_total;
  check_invariants(t, k);
  std::sort(week_waits.begin(), week_waits.end());
  std::sort(week_minutes.begin(), week_minutes.end());
  k.wait_mean = mean_of(week_waits);
  k.wait_p90 = percentile_sorted(week_waits, 9);
  k.wait_max = week_waits.empty() ? kNaN : week_waits.back();
  k.travel_mean = mean_of(week_minutes);
  k.travel_p90 = percentile_sorted(week_minutes, 9);
  k.outside_area_share = week_minutes.empty() ? kNaN
                                              : static_cast<double>(week_outside) /
                                                    static_cast<double>(week_minutes.size());
  advisor_kpis(t, k);
  year_waits.insert(year_waits.end(), week_waits.begin(), week_waits.end());
  year_minutes.insert(year_minutes.end(), week_minutes.begin(), week_minutes.end());
  year_outside += week_outside;
  matched_sum += k.matched;
  matched_first_sum += k.matched_first;
  noklik_sum += k.no_klik_returns;
  reassigned_sum += k.reassigned;
  hours_sum += k.hours_started;
}

void Simulator::Impl::WeekState::summarize() {
  auto& sm = res.summary;
  sm.weeks = s.horizon_weeks;
  sm.arrivals = arrivals_total;
  sm.referred = referred_total;
  sm.matched = matched_sum;
  sm.matched_first = matched_first_sum;
  sm.escalated = escalated_total;
  sm.no_klik_returns = noklik_sum;
  sm.reassigned = reassigned_sum;
  sm.completed = completed_total;
  sm.waiting_end = static_cast<i64>(queue.size());
  sm.in_service_end = static_cast<i64>(in_service.size());
  std::sort(year_waits.begin(), year_waits.end());
  std::sort(year_minutes.begin(), year_minutes.end());
  sm.wait_mean = mean_of(year_waits);
  sm.wait_p90 = percentile_sorted(year_waits, 9);
  sm.wait_max = year_waits.empty() ? kNaN : year_waits.back();
  sm.travel_mean = mean_of(year_minutes);
  sm.travel_p90 = percentile_sorted(year_minutes, 9);
  sm.outside_area_share = year_minutes.empty() ? kNaN
                                               : static_cast<double>(year_outside) /
                                                     static_cast<double>(year_minutes.size());
  sm.util_mean = util_weeks ? util_mean_sum / static_cast<double>(util_weeks) : kNaN;
  sm.util_max = util_max_all;
  sm.util_gini_mean = util_weeks ? gini_sum / static_cast<double>(util_weeks) : kNaN;
  const i64 in_scope = arrivals_total - referred_total;
  sm.escalated_share =
      in_scope > 0 ? static_cast<double>(escalated_total) / static_cast<double>(in_scope) : kNaN;
  sm.hours_started = hours_sum;
  sm.followups = followups_total;
  sm.spend_eur = spend_total;
  sm.budget_left_eur = money;
  sm.budget_out_week = budget_out_week;
  group_totals();
}

// Per service and per segment: flows, spend and lead days (initial cases excluded).
void Simulator::Impl::WeekState::group_totals() {
  auto& sm = res.summary;
  const std::size_t n_svc = s.services.size(), n_seg = s.segments.size() + 1;
  sm.by_service.assign(n_svc, GroupTotals{});
  sm.by_segment.assign(n_seg, GroupTotals{});
  std::vector<std::vector<double>> lead_svc(n_svc), lead_seg(n_seg);
  for (const Case& c : cases) {
    if (c.registered < 0) continue;
    const auto seg = static_cast<std::size_t>(c.segment >= 0 ? c.segment : n_seg - 1);
    for (int g = 0; g < 2; ++g) {
      GroupTotals& gt =
          g == 0 ? sm.by_service[static_cast<std::size_t>(c.service)] : sm.by_segment[seg];
      auto& lead = g == 0 ? lead_svc[static_cast<std::size_t>(c.service)] : lead_seg[seg];
      if (c.first_matched >= 0) {
        ++gt.started;
        gt.spend_eur += c.paid;
        lead.push_back(static_cast<double>(c.start_day - c.root_day));
      }
      gt.completed += c.status == kCompleted;
      gt.referred += c.status == kReferred;
      gt.escalated += c.status == kEscalated;
    }
  }
  auto finish = [](GroupTotals& gt, std::vector<double>& lead) {
    std::sort(lead.begin(), lead.end());
    gt.lead_days_mean = mean_of(lead);
    gt.lead_days_p90 = percentile_sorted(lead, 9);
  };
  for (std::size_t v = 0; v < n_svc; ++v) {
    finish(sm.by_service[v], lead_svc[v]);
    sm.by_service[v].slots_left = slots_left[v];
    sm.by_service[v].out_week = service_out_week[v];
  }
  for (std::size_t g = 0; g < n_seg; ++g) {
    finish(sm.by_segment[g], lead_seg[g]);
    sm.by_segment[g].slots_left = kUnlimited;
  }
}

void Simulator::Impl::WeekState::case_records() {
  res.cases.reserve(cases.size());
  for (const Case& c : cases) {
    CaseRecord r;
    r.case_id = c.id;
    r.registered = c.registered;
    r.service = c.service;
    r.location = c.location;
    r.area = m.loc_area.empty() ? -1 : m.loc_area[c.location];
    r.priority = c.priority;
    r.n_needs = static_cast<i64>(c.needs.size());
    r.duration_weeks = static_cast<double>(c.duration);
    r.first_matched = c.first_matched;
    r.ended = c.ended;
    r.status = c.status;
    r.reason = c.status == kEscalated ? c.reason : Escalation::None;
    r.matches = c.matches;
    r.segment = c.segment;
    r.parent_case = c.parent;
    r.registered_day = c.root_day;
    r.start_day = c.start_day;
    r.cost_eur = c.paid;
    r.referral = c.referral;
    res.cases.push_back(r);
  }
}

SimulationResult Simulator::Impl::run(std::uint64_t seed, bool details) const {
  WeekState w(*this, seed, details);
  if (sc.initial_cases) w.initial();
  w.res.summary.initial_cases = w.initial_cases;
  for (i64 t = 0; t < sc.horizon_weeks; ++t) {
    throw_if_cancelled("simulation");
    WeekKpis k;
    k.week = t;
    w.progress(t, k);
    w.apply_events(t, k);
    w.arrivals(t, k);
    w.round(t, k);
    w.measure(t, k);
    w.res.weeks.push_back(k);
  }
  w.summarize();
  if (details) w.case_records();
  return std::move(w.res);
}

std::vector<SimulationResult> simulate_many(const std::vector<const Simulator*>& simulators,
                                            const std::vector<std::uint64_t>& seeds, int threads,
                                            const std::function<void(std::int64_t)>& progress) {
  for (std::size_t k = 0; k < simulators.size(); ++k)
    if (!simulators[k])
      throw InvalidInput("simulate_many: simulator " + std::to_string(k) + " is null");
  const std::size_t n = simulators.size() * seeds.size();
  std::vector<SimulationResult> out(n);
  if (n == 0) return out;
  detail::parallel_dynamic(
      static_cast<std::int64_t>(n), threads,
      [&](std::int64_t k, int) {
        out[k] = simulators[k / seeds.size()]->run(seeds[k % seeds.size()], false);
      },
      progress, "simulation sweep");
  return out;
}

}  // namespace libmatch
