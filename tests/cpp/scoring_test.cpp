// Pair rules and costs (scoring.hpp) and the small model helpers (model.hpp).
#include "libmatch/scoring.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "libmatch/error.hpp"
#include "libmatch/model.hpp"

using namespace libmatch;

namespace {

PairFacts eligible_facts() {
  PairFacts f;
  f.same_service = true;
  f.free_capacity = true;
  f.minutes = 10.0;
  f.km = 10.0;
  return f;
}

}  // namespace

TEST(Scoring, ToUnitsRoundsAndRejectsOverflow) {
  EXPECT_EQ(to_units(1.0, "x"), kCostScale);
  EXPECT_EQ(to_units(12.344, "x"), 1234);
  EXPECT_THROW(to_units(-1.0, "x"), Overflow);
  EXPECT_THROW(to_units(std::nan(""), "x"), Overflow);
  EXPECT_THROW(to_units(1e20, "x"), Overflow);
  EXPECT_THROW(to_units(std::numeric_limits<double>::infinity(), "x"), Overflow);
}

TEST(Scoring, TagBits) {
  std::vector<std::uint64_t> need(2, 0), have(2, 0);
  std::vector<std::int32_t> n = {1, 70, 5}, h = {5, 70, 3};
  set_tag_bits(n, need);
  set_tag_bits(h, have);
  EXPECT_EQ(missing_tags(need, have), 1);
  EXPECT_EQ(matching_tags(need, have), 2);
  EXPECT_EQ(missing_tags(have, need), 1);
  std::vector<std::int32_t> bad = {128};
  EXPECT_THROW(set_tag_bits(bad, need), InvalidInput);
}

TEST(Scoring, VocabularyAndParseTags) {
  Vocabulary v;
  auto t = parse_tags(" stoppen; omschakelen ;;stoppen", v);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(v.name(t[0]), "stoppen");
  EXPECT_EQ(v.find("omschakelen"), 1);
  EXPECT_EQ(v.find("nope"), -1);
  EXPECT_TRUE(parse_tags("", v).empty());
  EXPECT_THROW(v.name(7), UnknownId);
}

TEST(Scoring, HardVerdictOrder) {
  Advisor a;
  a.capacity = 1;
  a.radius_minutes = 30.0;
  RuleOptions rules;
  PairFacts f = eligible_facts();
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Eligible);
  f.free_capacity = false;
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Capacity);
  f.minutes = 45.0;  // radius is checked before capacity
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Radius);
  f.excluded = true;
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Excluded);
  f.needed = 2;
  f.missing = 1;
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Expertise);
  f.same_service = false;
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Service);
}

TEST(Scoring, PartialExpertiseAndSoftRadius) {
  Advisor a;
  a.capacity = 1;
  a.radius_km = 5.0;
  RuleOptions rules;
  PairFacts f = eligible_facts();  // 10 km: beyond radius
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Radius);
  rules.radius_hard = false;
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Eligible);
  rules.max_travel_minutes = 5.0;  // the global cap stays hard
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Radius);
  rules.max_travel_minutes = std::numeric_limits<double>::infinity();

  f.needed = 2;
  f.missing = 1;
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Expertise);
  rules.allow_partial_expertise = true;
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Eligible);
  f.missing = 2;  // none of the needed tags: still ineligible
  EXPECT_EQ(hard_verdict(f, a, rules), Verdict::Expertise);
  f.missing = 1;

  Weights w;
  CostParts c = pair_cost(f, a, w, rules);
  EXPECT_EQ(c.travel, 10 * kCostScale);
  EXPECT_EQ(c.partial_expertise, to_units(w.partial_expertise_per_tag, "x"));
  EXPECT_EQ(c.radius, to_units(w.radius_penalty + 5.0 * w.radius_penalty_per_km, "x"));
  EXPECT_EQ(c.outside_area, 0);
  EXPECT_EQ(c.continuity, 0);
  EXPECT_EQ(c.load, 0);
  EXPECT_EQ(c.total(), c.travel + c.partial_expertise + c.radius);
}

TEST(Scoring, ContinuityAndArea) {
  Advisor a;
  Weights w;
  RuleOptions rules;
  PairFacts f = eligible_facts();
  f.has_current = true;
  f.current = true;
  EXPECT_EQ(pair_cost(f, a, w, rules).continuity, 0);
  f.current = false;
  EXPECT_EQ(pair_cost(f, a, w, rules).continuity, to_units(w.continuity, "x"));
  f.outside_area = true;
  EXPECT_EQ(pair_cost(f, a, w, rules).outside_area, to_units(w.outside_area, "x"));
}

TEST(Scoring, LoadMarginalIsConvex) {
  Weights w;
  std::int64_t prev = -1;
  for (std::int64_t k = 1; k <= 12; ++k) {
    std::int64_t m = load_marginal(w, k, 12);
    EXPECT_GE(m, prev);
    prev = m;
  }
  EXPECT_EQ(load_marginal(w, 12, 12), to_units(w.load, "x"));
  EXPECT_EQ(load_marginal(w, 6, 12), to_units(w.load / 4, "x"));
  EXPECT_EQ(load_marginal(w, 1, 0), 0);
}

TEST(Scoring, UnassignedCostGrowsWithPriority) {
  Weights w;
  EXPECT_EQ(unassigned_cost(w, 500, 0), 500);
  EXPECT_EQ(unassigned_cost(w, 500, -3), 500);
  EXPECT_EQ(unassigned_cost(w, 500, 2), 500 + 2 * to_units(w.unassigned_per_priority, "x"));
  EXPECT_THROW(unassigned_cost(w, kMaxCostUnits, 1), Overflow);
}

TEST(Scoring, ValidateNamesTheField) {
  Weights w;
  RuleOptions r;
  EXPECT_NO_THROW(validate(w, r));
  w.load = -1.0;
  try {
    validate(w, r);
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("load"), std::string::npos);
  }
  w = Weights{};
  r.alternatives = -1;
  EXPECT_THROW(validate(w, r), InvalidInput);
}
