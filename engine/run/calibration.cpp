#include "engine/run/calibration.hpp"

#include "engine/core/check.hpp"

#include <cmath>

namespace parcours::run {

bool CalibrationResult::passes() const {
  return std::abs(model_value - target->target) <= target->tolerance * target->target;
}

double measure(const model::Model& model, const model::CalibrationTarget& target,
               const model::Indicators& ind, int period) {
  using Measure = model::CalibrationTarget::Measure;
  const auto homes = static_cast<int>(model.home_territories());
  const std::vector<std::int64_t>* stock = nullptr;
  switch (target.measure) {
    case Measure::kOccupants:
      stock = &ind.occupied_end;
      break;
    case Measure::kCreton:
      stock = &ind.holding_end;
      break;
    case Measure::kWaiting:
      stock = &ind.waiting_end;
      break;
    case Measure::kAway:
      stock = &ind.away_end;
      break;
    case Measure::kAbroad:
      stock = &ind.abroad_end;
      break;
    case Measure::kWaitingInSchool: {
      std::int64_t sum = 0;
      for (int t = 0; t < homes; ++t) {
        for (const model::ServiceId s : target.services) {
          for (int k = 0; k < ind.interims; ++k) {
            if (model.interim[static_cast<std::size_t>(k)].ordinary_school) {
              sum += ind.waiting_interim_end[ind.interim_cell(period, t, s, k)];
            }
          }
        }
      }
      return static_cast<double>(sum);
    }
  }
  PARCOURS_CHECK(stock != nullptr, "unknown calibration measure");
  std::int64_t sum = 0;
  for (int t = 0; t < homes; ++t) {
    for (const model::ServiceId s : target.services) {
      sum += (*stock)[ind.cell(period, t, s)];
    }
  }
  return static_cast<double>(sum);
}

std::vector<CalibrationResult> check_calibration(const model::Model& model,
                                                 const Results& results) {
  PARCOURS_CHECK(!results.replications.empty(), "calibration needs at least one replication");
  const int period = model.periods_per_year - 1;  // the end of year 1
  PARCOURS_CHECK(results.replications.front().indicators.periods > period,
                 "calibration needs a run of at least one year");
  std::vector<CalibrationResult> out;
  for (const auto& target : model.calibration) {
    double total = 0.0;
    for (const auto& r : results.replications) {
      total += measure(model, target, r.indicators, period);
    }
    CalibrationResult c;
    c.target = &target;
    c.model_value = total / static_cast<double>(results.replications.size());
    c.gap = (c.model_value - target.target) / target.target;
    out.push_back(c);
  }
  return out;
}

std::string measure_name(model::CalibrationTarget::Measure measure) {
  using Measure = model::CalibrationTarget::Measure;
  switch (measure) {
    case Measure::kOccupants:
      return "occupants";
    case Measure::kCreton:
      return "creton";
    case Measure::kWaiting:
      return "waiting";
    case Measure::kAway:
      return "away";
    case Measure::kAbroad:
      return "abroad";
    case Measure::kWaitingInSchool:
      return "waiting_in_school";
  }
  return "?";
}

}  // namespace parcours::run
