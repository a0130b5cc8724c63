#include "engine/funding/internal/measures.hpp"

#include "engine/core/check.hpp"
#include "engine/core/sim_time.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace parcours::funding::internal {

Activity activity_of(const model::Indicators& ind, const Unit& unit, int period) {
  Activity act;
  const auto c = ind.cell(period, unit.territory, unit.service);
  act.waiting_cell_end = ind.waiting_end[c];
  act.capacity_cell_end = ind.capacity_end[c];
  if (unit.provider != model::kNoProvider) {
    const auto i = ind.provider_cell(period, static_cast<int>(unit.provider));
    act.place_days = ind.provider_place_days[i];
    act.attended_days = ind.provider_attended_days[i];
    act.school_days = ind.provider_school_days[i];
    act.capacity_days = ind.provider_capacity_days[i];
    act.followed = ind.provider_followed[i];
    act.admissions = ind.provider_admissions[i];
    act.occupied_end = ind.provider_occupied_end[i];
    act.ordinary_school_end = ind.provider_ordinary_school_end[i];
    return act;
  }
  act.place_days = ind.occupied_place_days[c];
  act.attended_days = ind.attended_days[c];
  act.school_days = ind.school_days[c];
  act.capacity_days = ind.capacity_days[c];
  act.followed = ind.followed[c];
  act.admissions = ind.admissions[c];
  act.occupied_end = ind.occupied_end[c];
  act.ordinary_school_end = ind.place_ordinary_school_end[c];
  return act;
}

CareTime care_time(const ServiceMoney& money, const Activity& act, double places,
                   double period_days) {
  return {act.attended_days * money.opening_days / core::kDaysPerYear * money.care_hours_per_day,
          places * money.staff_per_place * money.staff_hours_per_year * money.active_share *
              period_days / core::kDaysPerYear};
}

std::array<double, kIndicators> indicator_values(const ServiceMoney& money, const Activity* acts,
                                                 const double* places, int n, std::size_t stride,
                                                 double period_days) {
  PARCOURS_CHECK(n > 0, "indicators of no period");
  double place_days = 0.0;
  double capacity_days = 0.0;
  double care = 0.0;
  double staff = 0.0;
  for (int k = 0; k < n; ++k) {
    const auto& act = acts[k * stride];
    place_days += act.place_days;
    capacity_days += act.capacity_days;
    const auto time = care_time(money, act, places[k * stride], period_days);
    care += time.care_hours;
    staff += time.staff_hours;
  }
  const auto& last = acts[(n - 1) * stride];
  std::array<double, kIndicators> values{};
  values[static_cast<int>(Indicator::kOccupancy)] =
      capacity_days > 0.0 ? place_days / capacity_days : 0.0;
  values[static_cast<int>(Indicator::kInclusion)] =
      last.occupied_end > 0
          ? static_cast<double>(last.ordinary_school_end) / static_cast<double>(last.occupied_end)
          : 0.0;
  // Per authorised place, at least one: children waiting for a cell without places count whole.
  values[static_cast<int>(Indicator::kWaiting)] =
      static_cast<double>(last.waiting_cell_end) /
      static_cast<double>(std::max<std::int64_t>(last.capacity_cell_end, 1));
  values[static_cast<int>(Indicator::kTimeOfCare)] = staff > 0.0 ? care / staff : 0.0;
  return values;
}

double score_of(const std::vector<Target>& targets, const std::array<double, kIndicators>& values) {
  double weighted = 0.0;
  double weights = 0.0;
  for (const auto& t : targets) {
    const double value = values[static_cast<int>(t.indicator)];
    double achievement = 0.0;
    if (t.indicator == Indicator::kWaiting) {  // lower is better; nobody waiting: the cap
      achievement = value > 0.0 ? t.target / value : t.cap;
    } else {
      achievement = value / t.target;
    }
    weighted += t.weight * std::min(achievement, t.cap);
    weights += t.weight;
  }
  return weights > 0.0 ? weighted / weights : 0.0;
}

double activity_measure(ActivityMeasure measure, const ServiceMoney& money, const Activity* acts,
                        const double* places, int n, std::size_t stride, double period_days) {
  double attended = 0.0;
  double capacity_days = 0.0;
  double place_periods = 0.0;
  // The year's file active: people there at its start or admitted during it (the first
  // period's followed, then each later period's admissions).
  double followed = 0.0;
  for (int k = 0; k < n; ++k) {
    const auto& act = acts[k * stride];
    attended += act.attended_days;
    capacity_days += act.capacity_days;
    place_periods += places[k * stride] * period_days;
    followed += static_cast<double>(k == 0 ? act.followed : act.admissions);
  }
  const double mean_places = place_periods / core::kDaysPerYear;  // over the year
  switch (measure) {
    case ActivityMeasure::kOccupancy:
      return capacity_days > 0.0 ? attended / capacity_days : 0.0;
    case ActivityMeasure::kFollowed:
      return mean_places > 0.0 ? followed / mean_places : 0.0;
    case ActivityMeasure::kServices:
      return mean_places > 0.0 ? attended * money.opening_days / core::kDaysPerYear / mean_places
                               : 0.0;
  }
  return 0.0;
}

double modulation_cut(const Modulation& modulation, double activity) {
  if (modulation.a <= 0.0 || modulation.objective <= 0.0) {
    return 0.0;
  }
  const double shortfall = modulation.measure == ActivityMeasure::kOccupancy
                               ? std::max(0.0, modulation.objective - activity)
                               : std::max(0.0, 1.0 - activity / modulation.objective);
  return modulation.a * shortfall;
}

// Every part but the last with a share is rounded to a multiple of the total's last bit q (a
// change below 1e-16 of the total); sums of such multiples below 2^53 q are exact, so the last
// part, the total less the others, is exact too and the parts add up to the total in any order.
// Without the rounding, `others + (total - others)` misses the total by a bit now and then when
// the last share is over 1/2 (`others` below total / 2).
void split(double total, const std::vector<double>& shares, double* out) {
  PARCOURS_CHECK(std::isfinite(total), "a sum to split is not finite");
  const auto n = shares.size();
  std::size_t last = n;
  for (std::size_t k = 0; k < n; ++k) {
    if (shares[k] != 0.0) {
      last = k;
    }
  }
  PARCOURS_CHECK(last < n, "a funded service's payer shares are all 0");
  const double q =
      std::max(std::ldexp(1.0, std::ilogb(total) - (std::numeric_limits<double>::digits - 1)),
               std::numeric_limits<double>::denorm_min());
  double others = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    out[k] = k == last ? 0.0 : std::round(total * shares[k] / q) * q;
    others += out[k];
  }
  out[last] = total - others;
}

}  // namespace parcours::funding::internal
