// Test support shared by the plan-review tests (plans_test.cpp) and the providers' responses
// that scale plan steps (behaviour_test.cpp): the two steps they use and a binomial check.
#pragma once

#include "engine/model/params.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace parcours::model::testing {

// Service 0's internat (mode 0) children move to semi-internat (mode 1).
inline PlanStep mode_step(double probability) {
  PlanStep step;
  step.name = "internat_to_semi";
  step.from = 0;
  step.probability = probability;
  step.modes = {0};
  step.to_mode = 1;
  return step;
}

// Service 0's children are re-oriented to service 1.
inline PlanStep to_sessad(double probability, Action action) {
  PlanStep step;
  step.name = "to_sessad";
  step.from = 0;
  step.probability = probability;
  step.target = 1;
  step.action = action;
  return step;
}

// Binomial(n, p) is within 5 standard deviations of n p.
inline void expect_binomial(std::int64_t count, double n, double p) {
  EXPECT_NEAR(static_cast<double>(count), n * p, 5.0 * std::sqrt(n * p * (1.0 - p)) + 1e-9);
}

}  // namespace parcours::model::testing
