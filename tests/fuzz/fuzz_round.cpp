// run_round on small random rounds (<= 5 advisors, <= 10 requests, 2 services, 4 tags).
// Invariants: every request is either assigned (no escalation reason) or escalated; no
// advisor exceeds its capacity; caseload_after = caseload + assigned; assignments respect
// service, exclusions and (hard) radius; the result does not depend on the thread count;
// explain() of each request agrees with the result.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "libmatch/match.hpp"

using namespace libmatch;

namespace {

RoundInput decode(fuzz::Bytes& in) {
  RoundInput r;
  const int na = 1 + in.below(5), nq = in.below(11);
  for (int a = 0; a < na; ++a) {
    Advisor v;
    v.id = "A" + std::to_string(a);
    v.base = {in.coord() * 20, in.coord() * 20};
    v.service = in.below(2);
    const std::uint8_t t = in.u8();
    for (int k = 0; k < 4; ++k)
      if (t >> k & 1) v.expertise.push_back(k);
    const std::uint8_t c = in.u8();
    v.capacity = c < 250 ? c % 4 : std::numeric_limits<std::int64_t>::max() - (c - 250);
    v.caseload = v.capacity ? std::min<std::int64_t>(v.capacity, in.below(3)) : 0;
    if (c >= 250) v.caseload = v.capacity - in.below(2);
    if (in.u8() & 1) v.radius_km = 5.0 * in.below(20);
    r.advisors.push_back(v);
  }
  for (int q = 0; q < nq; ++q) {
    Request x;
    x.id = "R" + std::to_string(q);
    x.locations = {{in.coord() * 20, in.coord() * 20}};
    if (in.u8() < 30) x.locations.push_back({in.coord() * 20, in.coord() * 20});
    x.service = in.below(2);
    const std::uint8_t t = in.u8();
    for (int k = 0; k < 4; ++k)
      if (t >> k & 1) x.needs.push_back(k);
    x.priority = in.below(4);
    if (in.u8() < 40) x.exclude.push_back(in.below(na));
    const std::uint8_t cur = in.u8();
    if (cur < 50) x.current_advisor = cur % na;
    if (cur < 15) x.pinned = true;
    r.requests.push_back(x);
  }
  r.rules.radius_hard = in.u8() & 1;
  r.rules.allow_partial_expertise = in.u8() & 1;
  r.rules.duplicate_tolerance_m = in.below(3) * 25.0;
  r.rules.alternatives = in.below(4);
  r.weights.load = in.below(3) * 10.0;
  r.weights.continuity = in.below(3) * 10.0;
  r.rules.threads = 1;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes bytes(data, size);
  RoundInput in = decode(bytes);
  fuzz::run_expecting_libmatch_errors([&] {
    const RoundResult res = run_round(in);
    FUZZ_CHECK(res.requests.size() == in.requests.size());
    std::vector<std::int64_t> taken(in.advisors.size(), 0);
    std::int64_t assigned = 0;
    for (std::size_t r = 0; r < in.requests.size(); ++r) {
      const auto& o = res.requests[r];
      FUZZ_CHECK((o.advisor >= 0) != (o.reason != Escalation::None));
      if (o.advisor < 0) continue;
      FUZZ_CHECK(o.advisor < static_cast<std::int64_t>(in.advisors.size()));
      ++assigned;
      ++taken[o.advisor];
      const auto& q = in.requests[r];
      const auto& a = in.advisors[o.advisor];
      FUZZ_CHECK(q.service == a.service);
      FUZZ_CHECK(std::find(q.exclude.begin(), q.exclude.end(), o.advisor) == q.exclude.end());
      if (in.rules.radius_hard) FUZZ_CHECK(o.km <= a.radius_km);
    }
    FUZZ_CHECK(res.assigned == assigned);
    FUZZ_CHECK(res.escalated == static_cast<std::int64_t>(in.requests.size()) - assigned);
    for (std::size_t a = 0; a < in.advisors.size(); ++a) {
      FUZZ_CHECK(res.advisors[a].assigned == taken[a]);
      FUZZ_CHECK(res.advisors[a].caseload_after <= in.advisors[a].capacity);
      FUZZ_CHECK(res.advisors[a].caseload_after == in.advisors[a].caseload + taken[a]);
    }
    RoundInput threaded = in;
    threaded.rules.threads = 3;
    const RoundResult res3 = run_round(threaded);
    FUZZ_CHECK(res3.objective == res.objective);
    for (std::size_t r = 0; r < in.requests.size(); ++r) {
      FUZZ_CHECK(res3.requests[r].advisor == res.requests[r].advisor);
      const auto rows = explain(in, res, static_cast<std::int64_t>(r));
      FUZZ_CHECK(rows.size() == in.advisors.size());
      for (const auto& row : rows)
        FUZZ_CHECK(row.chosen == (row.advisor == res.requests[r].advisor));
    }
  });
  return 0;
}
