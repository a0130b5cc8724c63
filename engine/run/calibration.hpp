// The calibration check: each published target of a scenario against the model's value at the
// end of year 1, averaged over replications (`parcours calibrate`).
#pragma once

#include "engine/model/params.hpp"
#include "engine/run/runner.hpp"

#include <string>
#include <vector>

namespace parcours::run {

struct CalibrationResult {
  const model::CalibrationTarget* target = nullptr;  // into the model's calibration list
  double model_value = 0.0;                          // mean over replications
  double gap = 0.0;                                  // (model - target) / target
  [[nodiscard]] bool passes() const;
};

/// The measure of `target` in one replication, at the end of period `period`, summed over the
/// home territories (abroad places count only for the `abroad` measure, by home territory).
[[nodiscard]] double measure(const model::Model& model, const model::CalibrationTarget& target,
                             const model::Indicators& indicators, int period);

/// Every target of `model`, measured at the end of year 1 (its last period) in `results`.
/// Precondition: results cover at least one year.
[[nodiscard]] std::vector<CalibrationResult> check_calibration(const model::Model& model,
                                                               const Results& results);

/// Name of a measure as written in scenarios ("occupants", "creton", ...).
[[nodiscard]] std::string measure_name(model::CalibrationTarget::Measure measure);

}  // namespace parcours::run
