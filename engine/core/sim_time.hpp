// Simulated time: days since the scenario's start date, and the model year used by indicators.
#pragma once

#include <compare>

namespace parcours::core {

/// Length of a model year in days. Periods of indicators are whole model years (or twelfths of
/// one) counted from the start date, so year y covers [y * kDaysPerYear, (y + 1) * kDaysPerYear).
inline constexpr double kDaysPerYear = 365.25;

/// A model month: a twelfth of a model year (monthly periods, waits counted in months).
inline constexpr double kDaysPerMonth = kDaysPerYear / 12.0;

/// A point in simulated time, in days since the scenario start. Plain value type.
struct SimTime {
  double days = 0.0;

  friend constexpr auto operator<=>(const SimTime&, const SimTime&) = default;
};

[[nodiscard]] constexpr double years_to_days(double years) { return years * kDaysPerYear; }

[[nodiscard]] constexpr double days_to_years(double days) { return days / kDaysPerYear; }

}  // namespace parcours::core
