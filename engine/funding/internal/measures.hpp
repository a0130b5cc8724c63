// What the books read of a unit's activity, period by period and over a year, from the
// indicators: activity, authorised places, the time-of-care indicator (TAM), the performance
// indicators and the activity measures of modulation (R.314-43-2). Used by books.cpp only.
#pragma once

#include "engine/funding/books.hpp"
#include "engine/model/indicators.hpp"
#include "engine/model/params.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace parcours::funding::internal {

/// What a unit did in one period, read from the indicators (declared providers from the
/// provider_ arrays, implicit ones from the cell arrays of their territory and service).
struct Activity {
  double place_days = 0.0;     // occupied place-days
  double attended_days = 0.0;  // place-days weighted by attendance (calendar days)
  double school_days = 0.0;    // the part of them at school
  double capacity_days = 0.0;  // authorised place-days
  std::int64_t followed = 0;   // the period's file active
  std::int64_t admissions = 0;
  std::int64_t occupied_end = 0;
  std::int64_t ordinary_school_end = 0;
  std::int64_t waiting_cell_end = 0;   // on the lists of the unit's (territory, service)
  std::int64_t capacity_cell_end = 0;  // authorised places of that cell at the end
};

[[nodiscard]] Activity activity_of(const model::Indicators& ind, const Unit& unit, int period);

/// Care hours and socio-educational staff hours of a period (the TAM's numerator and
/// denominator): attended days brought to opening days × care hours a day; mean places × staff
/// per place × hours a year × active share × the period's share of a year.
struct CareTime {
  double care_hours = 0.0;
  double staff_hours = 0.0;
};

[[nodiscard]] CareTime care_time(const ServiceMoney& money, const Activity& act, double places,
                                 double period_days);

/// The Indicator values of a span of periods of one unit: occupancy and TAM over the span (flows
/// summed), inclusion and waiting at its last period's end.
[[nodiscard]] std::array<double, kIndicators> indicator_values(const ServiceMoney& money,
                                                               const Activity* acts,
                                                               const double* places, int n,
                                                               std::size_t stride,
                                                               double period_days);

/// A contract's score: the weighted mean of each target's achievement (value / target, target /
/// value for kWaiting; capped at the target's cap).
[[nodiscard]] double score_of(const std::vector<Target>& targets,
                              const std::array<double, kIndicators>& values);

/// The year's activity under `measure` (R.314-43-2 II) of a unit, from its periods' activity
/// (`acts[k * stride]`, `places[k * stride]` for k < n, the year's periods).
[[nodiscard]] double activity_measure(ActivityMeasure measure, const ServiceMoney& money,
                                      const Activity* acts, const double* places, int n,
                                      std::size_t stride, double period_days);

/// The share of the next year's allocation a modulation cuts for that activity: a × shortfall.
[[nodiscard]] double modulation_cut(const Modulation& modulation, double activity);

/// Splits `total` (finite, nonzero) into parts by `shares` (in [0, 1] summing to 1, at least one
/// nonzero) into `out`, so that the parts add up to `total` exactly in any order (see books.cpp).
void split(double total, const std::vector<double>& shares, double* out);

}  // namespace parcours::funding::internal
