// Names of the round's result enums (outcome.hpp), as written to CSV and shown in Python.
#include "libmatch/outcome.hpp"

namespace libmatch {

const char* to_string(Escalation reason) {
  switch (reason) {
    case Escalation::None:
      return "";
    case Escalation::NoAdvisorForService:
      return "no_advisor_for_service";
    case Escalation::NoExpertise:
      return "no_expertise";
    case Escalation::AllExcluded:
      return "all_excluded";
    case Escalation::AllOutOfRadius:
      return "all_out_of_radius";
    case Escalation::NoCapacity:
      return "no_capacity";
    case Escalation::DuplicateRequest:
      return "duplicate_request";
    case Escalation::PinnedAdvisorUnavailable:
      return "pinned_advisor_unavailable";
    case Escalation::NoHours:
      return "no_hours";
    case Escalation::SlotsExhausted:
      return "slots_exhausted";
    case Escalation::BudgetExhausted:
      return "budget_exhausted";
    case Escalation::ReservedForPriority:
      return "reserved_for_priority";
    case Escalation::AlreadyInGuidance:
      return "already_in_guidance";
    case Escalation::NoOpenCase:
      return "no_open_case";
    case Escalation::UnfilledPosition:
      return "unfilled_position";
  }
  return "?";
}

const char* to_string(Referral reason) {
  switch (reason) {
    case Referral::None:
      return "";
    case Referral::OutOfScope:
      return "out_of_scope";
    case Referral::NotInModule:
      return "not_in_module";
  }
  return "?";
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Eligible:
      return "eligible";
    case Verdict::Service:
      return "service";
    case Verdict::Expertise:
      return "expertise";
    case Verdict::Excluded:
      return "excluded";
    case Verdict::Radius:
      return "radius";
    case Verdict::Capacity:
      return "capacity";
  }
  return "?";
}

}  // namespace libmatch
