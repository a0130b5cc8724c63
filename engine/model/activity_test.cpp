// What funding by days and by child reads from a run: place-days weighted by attendance, the
// part of them spent at school (inclusion days), and the people followed in a period.
#include "engine/model/simulation.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace parcours::model {
namespace {

constexpr double kYear = core::kDaysPerYear;

// One territory, one service S of 10 places full at t = 0, stays of `stay` years; every child
// part time (attendance 0.5) and in an ordinary class spending 40 % of its days at school.
Model part_time(double stay, int horizon_years) {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  Service s;
  s.name = "S";
  s.capacity = {10};
  s.length_of_stay_years = core::Distribution::fixed(stay);
  s.initial = {1.0, core::Distribution::fixed(10.0)};
  s.mode_shares = {0.0, 1.0};
  s.schooling_shares = {0.0, 1.0};
  m.services = {s};
  m.modes = {Mode{"full", false, 1.0}, Mode{"part", false, 0.5}};
  Schooling unit{"unit", false, 0.0};
  Schooling ordinary{"ordinary", true, 0.4};
  m.schoolings = {unit, ordinary};
  m.arrivals.orientation = {1.0};
  m.horizon_years = horizon_years;
  return m;
}

TEST(Activity, AttendedAndSchoolDaysWeighPlaceDaysByModeAndSchooling) {
  const Model m = part_time(50.0, 1);
  Simulation sim(m, 1, 0);
  const auto out = sim.run();
  const auto i = out.cell(0, 0, 0);
  EXPECT_DOUBLE_EQ(out.occupied_place_days[i], 10 * kYear);
  EXPECT_DOUBLE_EQ(out.attended_days[i], 10 * kYear * 0.5);
  // 0.5 × 0.4, in fixed point to 2^-32.
  EXPECT_NEAR(out.school_days[i], 10 * kYear * 0.2, 1e-6);
  EXPECT_EQ(out.followed[i], 10);
}

TEST(Activity, FollowedCountsThoseInPlaceAtThePeriodStartAndThoseAdmittedDuringIt) {
  Model m = part_time(0.5, 2);
  m.services[0].capacity = {1};
  m.services[0].on_stay_end = {Branch{}};
  Simulation sim(m, 1, 0);
  // Two children wait from day 1: each takes the place when it frees, half a year apart.
  sim.add_scripted_arrival({1.0, 0, 8.0, 0});
  sim.add_scripted_arrival({2.0, 0, 8.0, 0});
  const auto out = sim.run();
  EXPECT_EQ(out.followed[out.cell(0, 0, 0)], 2);  // the first occupant, then the first child
  // In year 2: the first child (in place at its start), then the second from day 365.25.
  EXPECT_EQ(out.admissions[out.cell(1, 0, 0)], 1);
  EXPECT_EQ(out.followed[out.cell(1, 0, 0)], 2);
  EXPECT_DOUBLE_EQ(out.attended_days[out.cell(0, 0, 0)], kYear * 0.5);
}

TEST(Activity, AStepChangingTheModeChangesTheWeightFromThatDay) {
  Model m = part_time(50.0, 2);
  PlanStep full_time;
  full_time.name = "full_time";
  full_time.probability = 1.0;
  full_time.to_mode = 0;
  m.plans.review_month = 1;  // 1 January of year 2: day 365.25
  m.plans.steps = {full_time};
  Simulation sim(m, 1, 0);
  const auto out = sim.run();
  EXPECT_DOUBLE_EQ(out.attended_days[out.cell(0, 0, 0)], 10 * kYear * 0.5);
  EXPECT_DOUBLE_EQ(out.attended_days[out.cell(1, 0, 0)], 10 * kYear * 1.0);
  // In an ordinary class, a full-time child spends 40 % of its days at school.
  EXPECT_NEAR(out.school_days[out.cell(1, 0, 0)], 10 * kYear * 0.4, 1e-6);
}

// Two declared providers of 6 and 4 places share T's 10 places; a step on 1 January of year 2
// sends every child to full time; the days by mode are measured (Model::mode_days).
Model by_mode() {
  Model m = part_time(50.0, 2);
  m.providers = {Provider{"A", 0, 0, 6}, Provider{"B", 0, 0, 4}};
  m.organisations = {Organisation{"O"}};
  PlanStep full_time;
  full_time.name = "full_time";
  full_time.probability = 1.0;
  full_time.to_mode = 0;
  m.plans.review_month = 1;
  m.plans.steps = {full_time};
  m.mode_days = true;
  return m;
}

TEST(Activity, DaysByModeAreMeasuredPerDeclaredProviderOnlyWhenAsked) {
  Model m = by_mode();
  {
    Simulation sim(m, 1, 0);
    const auto out = sim.run();
    // Year 1: all 6 of A's children part time (mode 1): 6 × 365.25 × 0.5 attended, 40 % of it
    // at school; nothing in mode 0. Year 2: all full time (mode 0): 6 × 365.25, 40 % at school.
    EXPECT_DOUBLE_EQ(out.provider_mode_attended_days[out.provider_mode_cell(0, 0, 1)],
                     6 * kYear * 0.5);
    EXPECT_NEAR(out.provider_mode_school_days[out.provider_mode_cell(0, 0, 1)],
                6 * kYear * 0.5 * 0.4, 1e-6);
    EXPECT_EQ(out.provider_mode_attended_days[out.provider_mode_cell(0, 0, 0)], 0.0);
    EXPECT_DOUBLE_EQ(out.provider_mode_attended_days[out.provider_mode_cell(1, 0, 0)], 6 * kYear);
    EXPECT_EQ(out.provider_mode_attended_days[out.provider_mode_cell(1, 0, 1)], 0.0);
    EXPECT_DOUBLE_EQ(out.provider_mode_attended_days[out.provider_mode_cell(1, 1, 0)], 4 * kYear);
    // Over the modes, they are the provider's days.
    for (int p = 0; p < 2; ++p) {
      for (int q = 0; q < 2; ++q) {
        double attended = 0.0;
        double school = 0.0;
        for (int k = 0; k < 2; ++k) {
          attended += out.provider_mode_attended_days[out.provider_mode_cell(p, q, k)];
          school += out.provider_mode_school_days[out.provider_mode_cell(p, q, k)];
        }
        EXPECT_NEAR(attended, out.provider_attended_days[out.provider_cell(p, q)], 1e-6);
        EXPECT_NEAR(school, out.provider_school_days[out.provider_cell(p, q)], 1e-6);
      }
    }
  }
  m.mode_days = false;
  Simulation sim(m, 1, 0);
  const auto out = sim.run();
  EXPECT_TRUE(out.provider_mode_attended_days.empty());
  EXPECT_TRUE(out.provider_mode_school_days.empty());
}

TEST(Activity, MeasuringDaysByModeChangesNoOtherIndicator) {
  Model m = by_mode();
  Simulation measured(m, 7, 0);
  const auto a = measured.run();
  m.mode_days = false;
  Simulation plain(m, 7, 0);
  const auto b = plain.run();
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.provider_attended_days, b.provider_attended_days);
  EXPECT_EQ(a.provider_school_days, b.provider_school_days);
  EXPECT_EQ(a.attended_days, b.attended_days);
  EXPECT_EQ(a.occupied_place_days, b.occupied_place_days);
  EXPECT_EQ(a.admissions, b.admissions);
}

}  // namespace
}  // namespace parcours::model
