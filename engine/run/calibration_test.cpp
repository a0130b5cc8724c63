#include "engine/run/calibration.hpp"

#include <gtest/gtest.h>

namespace parcours::run {
namespace {

using Measure = model::CalibrationTarget::Measure;

// Two home territories and one abroad; two services; 2 periods a year, so year 1 ends at
// period 1 (the second).
model::Model tiny_model() {
  model::Model m;
  m.territories = {model::home_territory("A", "A"), model::home_territory("B", "B")};
  model::Territory x = model::home_territory("X", "X", 0.0);
  x.abroad = true;
  m.territories.push_back(x);
  m.services.resize(2);
  m.periods_per_year = 2;
  m.horizon_years = 2;
  return m;
}

model::Indicators indicators_with(int base) {
  model::Indicators ind;
  ind.resize(4, 3, 2);
  for (int t = 0; t < 3; ++t) {
    for (int s = 0; s < 2; ++s) {
      // Period 1 only, so reading another period would show up as 0.
      const auto i = ind.cell(1, t, s);
      ind.occupied_end[i] = base + 10 * t + s;  // A: base, base+1; B: base+10, +11; X: +20, +21
      ind.holding_end[i] = 1;
      ind.abroad_end[i] = t == 0 ? 7 : 0;
    }
  }
  return ind;
}

TEST(Calibration, SumsHomeTerritoriesAtTheEndOfYearOneAndAveragesReplications) {
  model::Model m = tiny_model();
  m.calibration.push_back({"service 1 occupants", Measure::kOccupants, {1}, 120.0, 0.05, "test"});
  m.calibration.push_back({"Creton, both", Measure::kCreton, {0, 1}, 4.0, 0.05, "test"});
  m.calibration.push_back({"abroad", Measure::kAbroad, {0}, 10.0, 0.2, "test"});
  Results results;
  results.replications.resize(2);
  results.replications[0].indicators = indicators_with(100);
  results.replications[1].indicators = indicators_with(200);
  const auto checked = check_calibration(m, results);
  ASSERT_EQ(checked.size(), 3U);
  // Service 1, home territories A and B, abroad X excluded: replication 0 gives
  // 101 + 111 = 212, replication 1 gives 201 + 211 = 412; mean 312.
  EXPECT_DOUBLE_EQ(checked[0].model_value, 312.0);
  EXPECT_DOUBLE_EQ(checked[0].gap, (312.0 - 120.0) / 120.0);
  EXPECT_FALSE(checked[0].passes());
  // Holding 1 in each of 2 home territories x 2 services = 4: on target.
  EXPECT_DOUBLE_EQ(checked[1].model_value, 4.0);
  EXPECT_TRUE(checked[1].passes());
  // 7 children of A abroad against 10 with a 20 % tolerance: a 30 % gap fails.
  EXPECT_DOUBLE_EQ(checked[2].model_value, 7.0);
  EXPECT_FALSE(checked[2].passes());
}

TEST(Calibration, WaitingInSchoolCountsOnlyOrdinarySchoolInterimSituations) {
  model::Model m = tiny_model();
  m.interim = {model::interim_situation("nothing", true, false),
               model::interim_situation("school", false, true),
               model::interim_situation("school_aesh", false, true)};
  m.calibration.push_back({"in school", Measure::kWaitingInSchool, {0}, 30.0, 0.05, "test"});
  Results results;
  results.replications.resize(1);
  model::Indicators& ind = results.replications[0].indicators;
  ind.resize(4, 3, 2, 1, 3);
  for (int t = 0; t < 3; ++t) {
    for (int s = 0; s < 2; ++s) {
      for (int k = 0; k < 3; ++k) {
        // 1, 2, 4 by situation (so each situation's part shows), x10 in territory B, x100
        // abroad; only period 1 is set.
        ind.waiting_interim_end[ind.interim_cell(1, t, s, k)] = (1 << k) * (t == 0   ? 1
                                                                            : t == 1 ? 10
                                                                                     : 100);
      }
    }
  }
  const auto checked = check_calibration(m, results);
  ASSERT_EQ(checked.size(), 1U);
  // Service 0, school (2) + school_aesh (4) in A, and 20 + 40 in B; abroad and "nothing" left
  // out: 66.
  EXPECT_DOUBLE_EQ(checked[0].model_value, 66.0);
  EXPECT_EQ(measure_name(Measure::kWaitingInSchool), "waiting_in_school");
}

TEST(Calibration, ToleranceIsRelativeAndInclusive) {
  model::CalibrationTarget t{"x", Measure::kOccupants, {0}, 200.0, 0.05, "test"};
  CalibrationResult r;
  r.target = &t;
  r.model_value = 210.0;  // exactly 5 % above
  EXPECT_TRUE(r.passes());
  r.model_value = 189.0;  // 5.5 % below
  EXPECT_FALSE(r.passes());
}

}  // namespace
}  // namespace parcours::run
