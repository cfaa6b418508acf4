// The scenario validator on decoded scenarios (services, advisors, locations, arrival streams,
// replay rows, events with raw doubles and integers). Only libmatch errors may escape, and
// the verdict is a pure function of the scenario.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "libmatch/simulate.hpp"

using namespace libmatch;

namespace {

double number(fuzz::Bytes& in) {
  const std::uint8_t k = in.u8();
  if (k < 200) return k % 20 * 0.25;  // plausible values, including 0
  if (k < 230) return -1.0 * (k % 5);
  return in.f64();  // anything: NaN, infinities, 1e308
}

std::int64_t integer(fuzz::Bytes& in) {
  const std::uint8_t k = in.u8();
  if (k < 230) return k % 8 - 1;
  return in.i64();
}

Scenario decode(fuzz::Bytes& in) {
  Scenario s;
  const std::int64_t horizon = integer(in);  // any value, without overflowing the harness
  s.horizon_weeks = horizon > INT64_MAX - 2 ? horizon : horizon + 2;
  const int ns = in.below(3), nt = in.below(4), na = in.below(4), nl = in.below(5);
  for (int k = 0; k < ns; ++k) {
    ServiceSpec sv;
    sv.name = "svc" + std::to_string(k);
    sv.duration.kind = static_cast<DurationKind>(in.below(4));
    sv.duration.mean_weeks = number(in);
    sv.duration.sd_weeks = number(in);
    sv.duration.min_weeks = number(in);
    sv.duration.max_weeks = number(in);
    sv.hours_per_case = number(in);
    s.services.push_back(sv);
  }
  for (int k = 0; k < nt; ++k) s.tags.push_back("t" + std::to_string(k));
  for (int k = 0; k < na; ++k) {
    Advisor a;
    a.id = in.u8() < 20 ? "dup" : "A" + std::to_string(k);
    a.base = {number(in) * 1000, number(in) * 1000};
    a.service = static_cast<std::int32_t>(integer(in));
    a.capacity = integer(in);
    a.caseload = integer(in);
    if (in.u8() & 1) a.expertise.push_back(static_cast<std::int32_t>(integer(in)));
    s.advisors.push_back(a);
  }
  for (int k = 0; k < nl; ++k) s.locations.push_back({number(in) * 1000, number(in) * 1000});
  for (int k = 0, n = in.below(3); k < n; ++k) {
    ArrivalStream st;
    st.label = "arrivals[" + std::to_string(k) + "]";
    st.service = static_cast<std::int32_t>(integer(in));
    st.rate_per_week = number(in);
    if (in.u8() & 1) {
      st.locations.push_back(integer(in));
      if (in.u8() & 1) st.location_weights.push_back(number(in));
    }
    if (in.u8() & 1) st.needs.push_back({static_cast<std::int32_t>(integer(in)), number(in)});
    if (in.u8() & 1) st.priorities.push_back({integer(in), number(in)});
    st.refer_probability = number(in);
    st.first_week = integer(in);
    if (in.u8() & 1) st.last_week = integer(in);
    s.arrivals.push_back(st);
  }
  for (int k = 0, n = in.below(3); k < n; ++k) {
    ReplayArrival r;
    r.week = integer(in);
    r.location = integer(in);
    r.service = static_cast<std::int32_t>(integer(in));
    if (in.u8() & 1) r.needs.push_back(static_cast<std::int32_t>(integer(in)));
    r.priority = integer(in);
    if (in.u8() & 1) r.duration_weeks = number(in);
    s.replay.push_back(r);
  }
  for (int k = 0, n = in.below(4); k < n; ++k) {
    AdvisorEvent e;
    e.week = integer(in);
    e.kind = static_cast<EventKind>(in.below(4));
    e.advisor = integer(in);
    e.weeks = integer(in);
    e.capacity = integer(in);
    s.events.push_back(e);
  }
  s.no_klik_probability = number(in);
  s.escalate_after_weeks = integer(in);
  s.reassign_absence_weeks = integer(in);
  s.weights.load = number(in);
  s.rules.max_travel_minutes = number(in) * 100;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const Scenario s = decode(in);
  const bool first = fuzz::run_expecting_libmatch_errors([&] { validate(s); });
  const bool second = fuzz::run_expecting_libmatch_errors([&] { validate(s); });
  FUZZ_CHECK(first == second);
  return 0;
}
