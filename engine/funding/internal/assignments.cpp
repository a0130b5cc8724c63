#include "engine/funding/internal/assignments.hpp"

#include "engine/core/check.hpp"

namespace parcours::funding {
namespace {

template <typename T, typename U>
bool lists(const std::vector<T>& list, U value) {
  for (const auto& x : list) {
    if (static_cast<U>(x) == value) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool selects(const Assignment& a, const Unit& unit) {
  const bool implicit = unit.provider == model::kNoProvider;
  if (!a.services.empty() && !lists(a.services, unit.service)) {
    return false;
  }
  if (!a.providers.empty() && (implicit || !lists(a.providers, unit.provider))) {
    return false;
  }
  if (!a.organisations.empty() && (implicit || !lists(a.organisations, unit.organisation))) {
    return false;
  }
  return true;
}

namespace internal {

std::vector<std::size_t> selecting(const Scheme& scheme, const Unit& unit) {
  std::vector<std::size_t> out;
  for (std::size_t a = 0; a < scheme.assignments.size(); ++a) {
    if (selects(scheme.assignments[a], unit)) {
      out.push_back(a);
    }
  }
  return out;
}

std::uint8_t rule_in_force(const Scheme& scheme, const std::vector<std::size_t>& selecting,
                           int period) {
  for (std::size_t k = selecting.size(); k-- > 0;) {
    if (scheme.assignments[selecting[k]].from_period <= period) {
      return static_cast<std::uint8_t>(selecting[k]);
    }
  }
  return kNoRule;
}

Billing billing_of(const ServiceMoney& money, const Assignment* a) {
  if (a == nullptr || (a->rule != Rule::kDailyPrice && a->rule != Rule::kModulatedPrice)) {
    return {money.bill_absences, money.bill_school_days};
  }
  return {a->bill_absences.value_or(money.bill_absences),
          a->bill_school_days.value_or(money.bill_school_days)};
}

double billed_days(const ServiceMoney& money, const Billing& billing, double in_establishment,
                   double at_school) {
  return in_establishment * (1.0 - money.absence_share * (1.0 - billing.absences)) +
         at_school * billing.school_days;
}

void add_price_mode_days(const Scheme& scheme, const ServiceMoney& money, const Billing& billing,
                         std::size_t mode, double in_establishment, double at_school, double scale,
                         double* out) {
  PARCOURS_CHECK(mode < scheme.price_mode_of.size(),
                 "a modulated price needs the price mode of each mode (Scheme::price_mode_of)");
  const std::uint8_t own = scheme.price_mode_of[mode];
  const std::uint8_t school =
      scheme.school_price_mode == kNoPriceMode ? own : scheme.school_price_mode;
  if (own != kNoPriceMode) {
    out[own] += scale * billed_days(money, billing, in_establishment, 0.0);
  }
  if (school != kNoPriceMode) {
    out[school] += scale * billed_days(money, billing, 0.0, at_school);
  }
}

}  // namespace internal
}  // namespace parcours::funding
