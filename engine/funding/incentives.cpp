#include "engine/funding/incentives.hpp"

#include "engine/core/check.hpp"
#include "engine/funding/internal/assignments.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace parcours::funding {
namespace {

constexpr int kCareBytes = model::Incentives::kCareBytes;

/// The care of mode index `mode` and schooling index `schooling` of service `s`; indices the
/// service does not record are ignored.
CareDay care_day(const model::Model& model, model::ServiceId s, std::size_t mode,
                 std::size_t schooling) {
  const auto& service = model.services[s];
  CareDay care;
  if (!service.mode_shares.empty()) {
    PARCOURS_CHECK(mode < model.modes.size(), "a care's mode is not one of the model's");
    care.attendance = model.modes[mode].attendance;
    care.mode = static_cast<int>(mode);
  }
  if (!service.schooling_shares.empty()) {
    PARCOURS_CHECK(schooling < model.schoolings.size(),
                   "a care's schooling is not one of the model's");
    care.school_day_share = model.schoolings[schooling].school_day_share;
    care.ordinary_school = model.schoolings[schooling].ordinary_school;
  }
  return care;
}

/// Calls f(share, care) for each care a child admitted to service `s` draws (its mode shares ×
/// its schooling shares; a service that records neither: one care of share 1).
template <typename F>
void for_each_admitted_care(const model::Model& model, model::ServiceId s, F&& f) {
  const auto& service = model.services[s];
  const std::size_t modes = std::max<std::size_t>(service.mode_shares.size(), 1);
  const std::size_t schoolings = std::max<std::size_t>(service.schooling_shares.size(), 1);
  for (std::size_t m = 0; m < modes; ++m) {
    const double mode_share = service.mode_shares.empty() ? 1.0 : service.mode_shares[m];
    for (std::size_t k = 0; k < schoolings; ++k) {
      const double schooling_share =
          service.schooling_shares.empty() ? 1.0 : service.schooling_shares[k];
      f(mode_share * schooling_share, care_day(model, s, m, k));
    }
  }
}

/// The days a daily price bills for a child in `care`, per opening day of its place (attendance,
/// less the unbilled absences in the establishment, plus the billed share of its days at school):
/// as books.cpp bills the days a unit's children attended.
double billed(const ServiceMoney& money, const internal::Billing& billing, const CareDay& care) {
  return internal::billed_days(money, billing, care.attendance * (1.0 - care.school_day_share),
                               care.attendance * care.school_day_share);
}

/// Euros a place-year in shares of the service's cost a place-year at the start: 0 for a service
/// without a cost, whose rules priced in euros pay nothing anyone could lose.
double over_cost(const ServiceMoney& money, double euros_per_place_year) {
  return money.euros_per_place_year > 0.0 ? euros_per_place_year / money.euros_per_place_year : 0.0;
}

/// What the activity modulation of an allocation (R.314-43-2) makes a child's day worth: the cut
/// of next year's allocation (about the place's cost) the day's activity avoids. An occupancy
/// point is a day attended over a place-year's 365.25 days; a service day is a day attended
/// brought to opening days over an objective of days a place. People followed are counted once a
/// year, whatever the days.
double modulation_value(const Modulation& modulation, const ServiceMoney& money,
                        const CareDay& care) {
  if (modulation.a <= 0.0 || modulation.objective <= 0.0) {
    return 0.0;  // as modulation_cut: no modulation
  }
  switch (modulation.measure) {
    case ActivityMeasure::kOccupancy:
      return modulation.a * care.attendance;
    case ActivityMeasure::kServices:
      return modulation.a * care.attendance * money.opening_days / modulation.objective;
    case ActivityMeasure::kFollowed:
      return 0.0;
  }
  return 0.0;
}

/// mode_coefficients[mode]; 1 without coefficients or without a mode.
double mode_coefficient(const Assignment& a, int mode) {
  if (a.mode_coefficients.empty() || mode < 0) {
    return 1.0;
  }
  PARCOURS_CHECK(static_cast<std::size_t>(mode) < a.mode_coefficients.size(),
                 "mode coefficients need one value per mode");
  return a.mode_coefficients[static_cast<std::size_t>(mode)];
}

/// Σ shares × coefficients (a needs-based allocation's mix for the children a service admits); 1
/// without coefficients; `unrecorded` when the service records no shares.
double mean_coefficient(const std::vector<double>& coefficients, const std::vector<double>& shares,
                        double unrecorded) {
  if (coefficients.empty()) {
    return 1.0;
  }
  if (shares.empty()) {
    return unrecorded;
  }
  PARCOURS_CHECK(shares.size() == coefficients.size(), "coefficients need one value per share");
  double mean = 0.0;
  for (std::size_t k = 0; k < shares.size(); ++k) {
    mean += shares[k] * coefficients[k];
  }
  return mean;
}

/// A needs-based allocation's base rate a place-year at the start for a child of the given mode
/// and needs coefficients, brought to the service's opening days, in shares of its cost.
double base_value(const Assignment& a, const ServiceMoney& money, double mode, double needs) {
  return over_cost(money,
                   a.base_rate * mode * needs * money.opening_days / a.reference_opening_days);
}

/// The first-year modulated prices (R.314-119, one per price mode) of the providers of service s
/// that `a` selects and that have costs, averaged weighted by their places at the start: what a
/// modulated price pays a provider of `s` for a day of each price mode, as far as one can tell
/// before the run. Empty when there is no such provider, or none has places.
std::vector<double> mean_modulated_prices(const model::Model& model, const Scheme& scheme,
                                          const Assignment& a, model::ServiceId s,
                                          AfterNotification after) {
  std::vector<double> mean(scheme.price_modes.size(), 0.0);
  double places = 0.0;
  for (const Unit& unit : units(model)) {
    if (unit.provider == model::kNoProvider) {
      break;  // the declared providers come first; implicit units have no costs
    }
    const std::size_t k = unit.provider;
    if (unit.service != s || unit.places <= 0 || k >= scheme.costs.size() || !scheme.costs[k] ||
        !selects(a, unit)) {
      continue;
    }
    PARCOURS_CHECK(check_costs(scheme.price_modes, *scheme.costs[k]).empty(),
                   "a provider paid by a modulated price has costs its forecast days cannot price "
                   "(check_costs)");
    const auto prices = modulate(scheme.price_modes, *scheme.costs[k], after);
    const auto weight = static_cast<double>(unit.places);
    for (std::size_t m = 0; m < mean.size(); ++m) {
      mean[m] += weight * prices.price[m];
    }
    places += weight;
  }
  if (places <= 0.0) {
    return {};
  }
  for (double& price : mean) {
    price /= places;
  }
  return mean;
}

/// Euros a modulated price bills a day of a child in `care` at `prices` (one per price mode, as
/// mean_modulated_prices gives them), per opening day of its place: its days in the establishment
/// (less the unbilled absences) at its mode's price, its days at school (their billed share) at
/// the school price mode's (none: its mode's); 0 without a mode or for a mode of no price mode.
double modulated_revenue(const Scheme& scheme, const ServiceMoney& money,
                         const internal::Billing& billing, const std::vector<double>& prices,
                         const CareDay& care) {
  if (care.mode < 0) {
    return 0.0;
  }
  PARCOURS_CHECK(prices.size() == scheme.price_modes.size(), "one price per price mode expected");
  std::vector<double> days(prices.size(), 0.0);
  internal::add_price_mode_days(scheme, money, billing, static_cast<std::size_t>(care.mode),
                                care.attendance * (1.0 - care.school_day_share),
                                care.attendance * care.school_day_share, 1.0, days.data());
  double revenue = 0.0;
  for (std::size_t m = 0; m < days.size(); ++m) {
    revenue += days[m] * prices[m];
  }
  return revenue;
}

void check_shapes(const model::Model& model, const Scheme& scheme, model::ServiceId s) {
  PARCOURS_CHECK(scheme.services.size() == model.services.size(),
                 "the funding scheme needs one ServiceMoney per service");
  PARCOURS_CHECK(s < model.services.size(), "a service is unknown");
}

/// What a day at school instead of in the establishment costs the provider of a child attending
/// every day: the care value of a day in the establishment less that of a day at school. A
/// modulated price prices the two by the child's mode, so there it is averaged over the modes
/// the service gives its entrants (its mode shares); other rules do not price by mode.
double school_day_value(const model::Model& model, const Scheme& scheme, const Assignment* a,
                        model::ServiceId s) {
  const auto& shares = model.services[s].mode_shares;
  if (a == nullptr || a->rule != Rule::kModulatedPrice || shares.empty()) {
    return day_value(model, scheme, a, s, {1.0, 0.0, false, -1}).care -
           day_value(model, scheme, a, s, {1.0, 1.0, true, -1}).care;
  }
  double value = 0.0;
  for (std::size_t k = 0; k < shares.size(); ++k) {
    if (shares[k] > 0.0) {
      const int mode = static_cast<int>(k);
      value += shares[k] * (day_value(model, scheme, a, s, {1.0, 0.0, false, mode}).care -
                            day_value(model, scheme, a, s, {1.0, 1.0, true, mode}).care);
    }
  }
  return value;
}

}  // namespace

CareDay care_of(const model::Model& model, model::ServiceId s, std::uint8_t care) {
  PARCOURS_CHECK(s < model.services.size(), "a service is unknown");
  const auto c = model::Care::unpack(care);
  return care_day(model, s, c.mode, c.schooling);
}

DayValue day_value(const model::Model& model, const Scheme& scheme, const Assignment* a,
                   model::ServiceId s, const CareDay& care) {
  check_shapes(model, scheme, s);
  DayValue value;
  if (a == nullptr) {
    return value;
  }
  const auto& money = scheme.services[s];
  switch (a->rule) {
    case Rule::kDailyPrice: {
      const auto billing = internal::billing_of(money, a);
      const double days = billed(money, billing, care);
      if (a->euros_per_day) {
        value.care = over_cost(money, *a->euros_per_day * money.opening_days * days);
      } else {
        // The price is set to recover the budget at full places from the children the service
        // admits: a child brings its billed days over theirs.
        double typical = 0.0;
        for_each_admitted_care(model, s, [&](double share, const CareDay& c) {
          typical += share * billed(money, billing, c);
        });
        value.care = typical > 0.0 ? days / typical : 0.0;
      }
      value.stay = value.care;  // days billed leave with the child
      break;
    }
    case Rule::kModulatedPrice: {
      // As a computed daily price: the prices recover the costs from the children the service
      // admits, so a child brings its billed revenue over theirs; less, by Behaviour::mode_costs,
      // its cost over theirs beyond 1: the unit costs (the prices before any C1 scaling, every
      // day attended counted), which the prices follow mode by mode.
      const auto prices = mean_modulated_prices(model, scheme, *a, s, scheme.after_notification);
      if (prices.empty()) {
        break;
      }
      const auto billing = internal::billing_of(money, a);
      const auto costs = mean_modulated_prices(model, scheme, *a, s, AfterNotification::kKeep);
      const internal::Billing every_day{1.0, 1.0};
      double typical = 0.0;
      double typical_cost = 0.0;
      for_each_admitted_care(model, s, [&](double share, const CareDay& c) {
        typical += share * modulated_revenue(scheme, money, billing, prices, c);
        typical_cost += share * modulated_revenue(scheme, money, every_day, costs, c);
      });
      if (typical > 0.0) {
        value.care = modulated_revenue(scheme, money, billing, prices, care) / typical;
      }
      if (typical_cost > 0.0) {
        const double cost = modulated_revenue(scheme, money, every_day, costs, care);
        value.care -= model.behaviour.mode_costs * (cost / typical_cost - 1.0);
      }
      value.stay = value.care;  // days billed leave with the child
      break;
    }
    case Rule::kCapitation:
      value.care = over_cost(money, a->euros_per_child_year);
      value.stay = value.care;
      break;
    case Rule::kPooledAllocation:
      value.care = modulation_value(a->modulation, money, care);
      value.stay = value.care;
      break;
    case Rule::kNeedsBased: {
      value.stay = modulation_value(a->modulation, money, care);
      // The base rate follows places weighted by their occupants' mix: a child's mode weighs
      // while it is there, but a leaving child does not take the place's allocation with it.
      // Children entering without needs shares all have the first level (as the simulation).
      const double needs =
          mean_coefficient(a->needs_coefficients, model.services[s].children.needs_shares,
                           a->needs_coefficients.empty() ? 1.0 : a->needs_coefficients.front());
      value.care = value.stay + base_value(*a, money, mode_coefficient(*a, care.mode), needs);
      break;
    }
    case Rule::kPerformance: {
      double weights = 0.0;
      for (const auto& t : a->targets) {
        weights += t.weight;
      }
      if (weights <= 0.0) {
        break;
      }
      const double staff = money.staff_per_place * money.staff_hours_per_year * money.active_share;
      for (const auto& t : a->targets) {
        if (t.target <= 0.0) {
          continue;
        }
        // The stake a point of the indicator earns, a place-year's allocation being the cost.
        const double per_point = a->at_stake * t.weight / weights / t.target;
        switch (t.indicator) {
          case Indicator::kOccupancy:  // a place-day occupied, whatever the attendance
            value.care += per_point;
            value.stay += per_point;
            break;
          case Indicator::kTimeOfCare: {
            const double tam = staff > 0.0 ? care.attendance * money.opening_days *
                                                 money.care_hours_per_day / staff
                                           : 0.0;
            value.care += per_point * tam;
            value.stay += per_point * tam;
            break;
          }
          case Indicator::kInclusion:  // a share of the occupants: leaving does not lower it
            value.care += care.ordinary_school ? per_point : 0.0;
            break;
          case Indicator::kWaiting:  // rewards admissions, not days
            break;
        }
      }
      break;
    }
    case Rule::kGlobalAllocation:
    case Rule::kImpactBond:
      break;  // paid whatever the days
  }
  return value;
}

double needs_value(const model::Model& model, const Scheme& scheme, const Assignment* a,
                   model::ServiceId s, int needs) {
  check_shapes(model, scheme, s);
  if (a == nullptr || a->rule != Rule::kNeedsBased || a->needs_coefficients.empty()) {
    return 0.0;
  }
  PARCOURS_CHECK(needs >= 0 && static_cast<std::size_t>(needs) < a->needs_coefficients.size(),
                 "a needs level has no needs coefficient");
  // A service that records no mode weighs its places by 1 (as the books).
  const double mode = mean_coefficient(a->mode_coefficients, model.services[s].mode_shares, 1.0);
  return base_value(*a, scheme.services[s], mode,
                    a->needs_coefficients[static_cast<std::size_t>(needs)]);
}

model::Incentives incentives(const model::Model& model, const Scheme& scheme) {
  model::Incentives out;
  if (scheme.assignments.empty()) {
    return out;
  }
  PARCOURS_CHECK(scheme.services.size() == model.services.size(),
                 "the funding scheme needs one ServiceMoney per service");
  PARCOURS_CHECK(scheme.assignments.size() < kNoRule, "too many funding rule assignments");
  for (const auto& a : scheme.assignments) {
    PARCOURS_CHECK(a.mode_coefficients.empty() || a.mode_coefficients.size() == model.modes.size(),
                   "mode coefficients need one value per mode");
    PARCOURS_CHECK(a.needs_coefficients.empty() ||
                       a.needs_coefficients.size() == model.children.needs_levels.size(),
                   "needs coefficients need one value per needs level");
  }
  const auto n_assignments = scheme.assignments.size();
  const auto n_services = model.services.size();
  const auto n_declared = model.providers.size();
  out.periods = model.periods();
  out.services = static_cast<int>(n_services);
  out.units = static_cast<int>(n_declared + model.territories.size() * n_services);
  out.regimes = static_cast<int>(n_assignments + 1);
  out.needs = static_cast<int>(std::max<std::size_t>(model.children.needs_levels.size(), 1));

  // Cells without a funding unit (never any places) stay under no rule.
  const auto no_rule = static_cast<std::uint8_t>(n_assignments);
  const auto units = static_cast<std::size_t>(out.units);
  out.regime.assign(static_cast<std::size_t>(out.periods) * units, no_rule);
  for (const auto& unit : funding::units(model)) {
    const auto selecting = internal::selecting(scheme, unit);
    const auto u = out.unit_of(unit.provider, n_declared, unit.territory, unit.service);
    for (int p = 0; p < out.periods; ++p) {
      const auto rule = internal::rule_in_force(scheme, selecting, p);
      out.regime[static_cast<std::size_t>(p) * units + u] = rule == kNoRule ? no_rule : rule;
    }
  }

  const auto tables = static_cast<std::size_t>(out.regimes) * n_services;
  const auto n_needs = static_cast<std::size_t>(out.needs);
  out.care_value.assign(tables * kCareBytes, 0.0F);
  out.stay_value.assign(tables * kCareBytes, 0.0F);
  out.vacancy.assign(tables, 0.0F);
  out.school_day.assign(tables, 0.0F);
  out.needs_value.assign(tables * n_needs, 0.0F);
  for (int r = 0; r < out.regimes; ++r) {
    const auto regime = static_cast<std::uint8_t>(r);
    const Assignment* a = regime < n_assignments ? &scheme.assignments[regime] : nullptr;
    for (std::size_t sk = 0; sk < n_services; ++sk) {
      const auto s = static_cast<model::ServiceId>(sk);
      const auto& service = model.services[s];
      const auto t = out.table(regime, s);
      for (int byte = 0; byte < kCareBytes; ++byte) {
        const auto c = model::Care::unpack(static_cast<std::uint8_t>(byte));
        const bool known =
            (service.mode_shares.empty() || c.mode < model.modes.size()) &&
            (service.schooling_shares.empty() || c.schooling < model.schoolings.size());
        if (!known) {
          continue;  // no child has it: 0
        }
        const auto v =
            day_value(model, scheme, a, s, care_of(model, s, static_cast<std::uint8_t>(byte)));
        const auto at = out.care_at(regime, s, static_cast<std::uint8_t>(byte));
        out.care_value[at] = static_cast<float>(v.care);
        out.stay_value[at] = static_cast<float>(v.stay);
      }
      double vacancy = 0.0;
      for_each_admitted_care(model, s, [&](double share, const CareDay& c) {
        vacancy += share * day_value(model, scheme, a, s, c).stay;
      });
      out.vacancy[t] = static_cast<float>(vacancy);
      out.school_day[t] = static_cast<float>(school_day_value(model, scheme, a, s));
      for (std::size_t n = 0; n < n_needs; ++n) {
        out.needs_value[out.needs_at(regime, s, n)] =
            static_cast<float>(needs_value(model, scheme, a, s, static_cast<int>(n)));
      }
    }
  }
  return out;
}

}  // namespace parcours::funding
