// Pre-solve rules of a round (round_rules.hpp): referrals, the register of running cases,
// duplicates inside the week, specialists without an open case.
#include "round_rules.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "libmatch/error.hpp"
#include "libmatch/study.hpp"

namespace libmatch::detail {

namespace {

using i64 = std::int64_t;

const Service kNoCatalogue{};

const Service& service_of(const RoundInput& in, std::int32_t s) {
  return in.services.empty() ? kNoCatalogue : in.services[static_cast<std::size_t>(s)];
}

// The layer Service::offered_in indexes.
const AreaSet* membership_layer(const RoundInput& in) {
  return in.service_areas ? in.service_areas : in.areas;
}

bool contains(const std::vector<i64>& v, i64 x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// ---- referrals --------------------------------------------------------------------------

// Referral of each request, and the alternatives left to serve it (served[r]).
std::vector<Referral> referrals(const RoundInput& in, std::span<const i64> req_area,
                                std::vector<std::vector<std::int32_t>>& served) {
  const i64 n = static_cast<i64>(in.requests.size());
  std::vector<Referral> out(n, Referral::None);
  std::vector<i64> member(n, -1), todo;
  std::vector<double> xy;
  served.assign(n, {});
  for (i64 r = 0; r < n; ++r) {
    const auto& q = in.requests[r];
    served[r] = service_set(q);
    bool modules = false;
    for (std::int32_t s : served[r]) modules = modules || !service_of(in, s).offered_in.empty();
    if (!modules) continue;
    if (!in.service_areas) {
      member[r] = req_area[r];
      continue;
    }
    todo.push_back(r);
    xy.push_back(q.locations[0].x);
    xy.push_back(q.locations[0].y);
  }
  if (!todo.empty()) {
    std::vector<i64> found(todo.size(), -1);
    in.service_areas->locate(xy, found, in.rules.threads);
    for (std::size_t k = 0; k < todo.size(); ++k) member[todo[k]] = found[k];
  }
  auto why = [&](i64 r, std::int32_t s) {
    const Service& svc = service_of(in, s);
    if (svc.referral_only) return Referral::OutOfScope;
    if (!svc.offered_in.empty() && !contains(svc.offered_in, member[r]))
      return Referral::NotInModule;
    return Referral::None;
  };
  for (i64 r = 0; r < n; ++r) {
    auto& left = served[r];
    left.erase(std::remove_if(left.begin(), left.end(),
                              [&](std::int32_t s) { return why(r, s) != Referral::None; }),
               left.end());
    if (left.empty()) out[r] = why(r, in.requests[r].service);
  }
  return out;
}

// ---- register and duplicates ------------------------------------------------------------

// A running case matching a request: by key (kind 0) or by location (kind 1, distance).
struct RunningMatch {
  i64 running = -1;
  int kind = 0;
  double distance_m = 0.0;
};

class EarlyRules {
 public:
  EarlyRules(const RoundInput& input, std::span<const i64> rank, std::span<const i64> area)
      : in(input), req_rank(rank), req_area(area), n(static_cast<i64>(input.requests.size())) {}

  std::vector<EarlyOutcome> run() {
    out.assign(n, EarlyOutcome{});
    std::vector<std::vector<std::int32_t>> served;
    const std::vector<Referral> ref = referrals(in, req_area, served);
    kind.assign(n, Kind::Referred);
    for (i64 r = 0; r < n; ++r) {
      out[r].referral = ref[r];
      out[r].services = std::move(served[r]);
      if (ref[r] == Referral::None)
        kind[r] = service_of(in, in.requests[r].service).via_advisor_only ? Kind::Specialist
                                                                          : Kind::Ordinary;
    }
    dup_of.assign(n, -1);
    matches.assign(n, {});
    match_by_location();
    match_by_key();
    specialist_duplicates();
    decide();
    return std::move(out);
  }

 private:
  enum class Kind : std::int8_t { Referred, Ordinary, Specialist };

  const RoundInput& in;
  std::span<const i64> req_rank, req_area;
  const i64 n;
  std::vector<EarlyOutcome> out;
  std::vector<Kind> kind;
  std::vector<i64> dup_of;                         // earliest clashing request, -1 = none
  std::vector<std::vector<RunningMatch>> matches;  // running cases per request

  // True when request a counts as the duplicate of b (later registered day, else larger id).
  bool is_later(i64 a, i64 b) const {
    const i64 da = in.requests[a].registered, db = in.requests[b].registered;
    if (da != kNoDate && db != kNoDate && da != db) return da > db;
    return req_rank[a] > req_rank[b];
  }

  // Requests x and y clash: the later one records the earliest partner it has.
  void clash(i64 x, i64 y) {
    const i64 later = is_later(x, y) ? x : y, earlier = later == x ? y : x;
    i64& d = dup_of[later];
    if (d < 0 || is_later(d, earlier)) d = earlier;
  }

  // One grid hash over the locations of ordinary requests (group = request) and of the
  // running cases (one shared group): request-request pairs are duplicates by proximity,
  // request-running pairs are register matches by location.
  void match_by_location() {
    const double tol = in.rules.duplicate_tolerance_m;
    if (!(tol > 0.0)) return;
    if (!std::isfinite(tol)) throw InvalidInput("rule 'duplicate_tolerance_m' must be finite");
    std::vector<double> xy;
    std::vector<i64> group, running_of;  // running_of: point -> running case (-1 = request)
    auto add = [&](const XY& p, i64 g, i64 c) {
      xy.push_back(p.x);
      xy.push_back(p.y);
      group.push_back(g);
      running_of.push_back(c);
    };
    for (i64 r = 0; r < n; ++r)
      if (kind[r] == Kind::Ordinary)
        for (const auto& l : in.requests[r].locations) add(l, r, -1);
    for (std::size_t c = 0; c < in.running.size(); ++c)
      if (std::isfinite(in.running[c].location.x)) add(in.running[c].location, n, i64(c));
    if (group.size() < 2) return;
    const ClosePairs close = close_pairs(xy, group, tol);
    for (std::size_t k = 0; k < close.a.size(); ++k) {
      const i64 a = close.a[k], b = close.b[k];
      const i64 ca = running_of[a], cb = running_of[b];
      if (ca < 0 && cb < 0) {
        clash(group[a], group[b]);
      } else if (ca < 0 || cb < 0) {
        const i64 r = ca < 0 ? group[a] : group[b], c = ca < 0 ? cb : ca;
        add_match(r, {c, 1, close.distance_m[k]});
      }
    }
  }

  // Keeps the closest location match per running case.
  void add_match(i64 r, RunningMatch m) {
    for (auto& x : matches[r])
      if (x.running == m.running) {
        if (m.kind < x.kind || (m.kind == x.kind && m.distance_m < x.distance_m)) x = m;
        return;
      }
    matches[r].push_back(m);
  }

  // Equal applicant keys: register matches and duplicates inside the week.
  void match_by_key() {
    std::unordered_map<std::string, std::vector<i64>> running_with, requests_with;
    for (std::size_t c = 0; c < in.running.size(); ++c)
      if (!in.running[c].applicant_key.empty())
        running_with[in.running[c].applicant_key].push_back(i64(c));
    for (i64 r = 0; r < n; ++r) {
      const std::string& key = in.requests[r].applicant_key;
      if (kind[r] != Kind::Ordinary || key.empty()) continue;
      requests_with[key].push_back(r);
      auto it = running_with.find(key);
      if (it != running_with.end())
        for (i64 c : it->second) add_match(r, {c, 0, 0.0});
    }
    for (const auto& [key, members] : requests_with) clash_with_earliest(members);
  }

  void clash_with_earliest(const std::vector<i64>& members) {
    if (members.size() < 2) return;
    i64 first = members[0];
    for (i64 r : members)
      if (is_later(first, r)) first = r;
    for (i64 r : members)
      if (r != first) clash(r, first);
  }

  // Specialist requests clash only with each other: same service and same via_case.
  void specialist_duplicates() {
    std::map<std::pair<std::int32_t, std::string>, std::vector<i64>> same;
    for (i64 r = 0; r < n; ++r)
      if (kind[r] == Kind::Specialist && !in.requests[r].via_case.empty())
        same[{in.requests[r].service, in.requests[r].via_case}].push_back(r);
    for (const auto& [key, members] : same) clash_with_earliest(members);
  }

  // The running case that blocks request r (-1 = none): a reassignment (current_advisor is
  // the running case's advisor) is not blocked by its own case. Key matches first, then the
  // closest location, then advisor id, key, service and register row.
  i64 blocking_case(i64 r) const {
    const auto& q = in.requests[r];
    const std::string* current = q.current_advisor >= 0
                                     ? &in.advisors[static_cast<std::size_t>(q.current_advisor)].id
                                     : nullptr;
    const RunningMatch* best = nullptr;
    auto order = [&](const RunningMatch& m) {
      const auto& c = in.running[static_cast<std::size_t>(m.running)];
      return std::tie(m.kind, m.distance_m, c.advisor_id, c.applicant_key, c.service, m.running);
    };
    for (const auto& m : matches[r]) {
      if (current && *current == in.running[static_cast<std::size_t>(m.running)].advisor_id)
        continue;
      if (!best || order(m) < order(*best)) best = &m;
    }
    return best ? best->running : -1;
  }

  void decide() {
    std::unordered_set<std::string> open;  // keys with a case: the register and this round
    for (const auto& c : in.running)
      if (!c.applicant_key.empty()) open.insert(c.applicant_key);
    for (i64 r = 0; r < n; ++r)
      if (kind[r] == Kind::Ordinary && !in.requests[r].applicant_key.empty())
        open.insert(in.requests[r].applicant_key);
    for (i64 r = 0; r < n; ++r) {
      auto& o = out[r];
      if (kind[r] == Kind::Referred) continue;
      const i64 c = kind[r] == Kind::Ordinary ? blocking_case(r) : -1;
      const std::string& via = in.requests[r].via_case;
      if (c >= 0) {
        o.reason = Escalation::AlreadyInGuidance;
        o.running_case = c;
      } else if (dup_of[r] >= 0) {
        o.reason = Escalation::DuplicateRequest;
        o.duplicate_of = dup_of[r];
      } else if (kind[r] == Kind::Specialist && (via.empty() || !open.count(via))) {
        o.reason = Escalation::NoOpenCase;
      }
    }
  }
};

}  // namespace

void validate_round_rules(const RoundInput& in) {
  const i64 n_services = static_cast<i64>(in.services.size());
  if (n_services > 0) {
    for (const auto& r : in.requests)
      for (std::int32_t s : service_set(r))
        if (s < 0 || s >= n_services)
          throw UnknownId("request '" + r.id + "': service " + std::to_string(s) +
                          " is not in the catalogue of " + std::to_string(n_services) +
                          " services");
  }
  const AreaSet* layer = membership_layer(in);
  const i64 n_members = layer ? static_cast<i64>(layer->size()) : 0;
  for (i64 s = 0; s < n_services; ++s)
    for (i64 k : in.services[s].offered_in) {
      if (!layer)
        throw InvalidInput("service " + std::to_string(s) +
                           ": offered_in needs a membership layer (service_areas or areas)");
      if (k < 0 || k >= n_members)
        throw UnknownId("service " + std::to_string(s) + ": offered_in area index " +
                        std::to_string(k) + " out of range [0, " + std::to_string(n_members) + ")");
    }
  for (std::size_t c = 0; c < in.running.size(); ++c) {
    const auto& rc = in.running[c];
    const std::string who = "running case " + std::to_string(c);
    if (n_services > 0 && (rc.service < 0 || rc.service >= n_services))
      throw UnknownId(who + ": service " + std::to_string(rc.service) +
                      " is not in the catalogue of " + std::to_string(n_services) + " services");
    const bool x_nan = std::isnan(rc.location.x), y_nan = std::isnan(rc.location.y);
    if (x_nan != y_nan || (!x_nan && (std::isinf(rc.location.x) || std::isinf(rc.location.y))))
      throw InvalidInput(who + ": location must be two finite coordinates or both NaN (unknown)");
  }
}

std::vector<EarlyOutcome> decide_before_solve(const RoundInput& in,
                                              std::span<const std::int64_t> req_rank,
                                              std::span<const std::int64_t> req_area) {
  const std::size_t n = in.requests.size();
  if (req_rank.size() != n || (req_area.size() != n && !in.service_areas))
    throw Error("internal error: decide_before_solve: rank / area sizes differ from requests");
  return EarlyRules(in, req_rank, req_area).run();
}

}  // namespace libmatch::detail
