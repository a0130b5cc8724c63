// Modes of care and schooling in places, counts by age group, and the yearly plan reviews
// (mode and schooling steps, re-orientation with stepping holders); providers' responses that
// scale steps are in behaviour_test.cpp.
#include "engine/model/plan_test_support.hpp"
#include "engine/model/simulation.hpp"
#include "engine/model/test_recorder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace parcours::model {
namespace {

using testing::expect_binomial;
using testing::mode_step;
using testing::to_sessad;

constexpr double kYear = core::kDaysPerYear;
constexpr double kNever = 1000.0;  // a stay length no run reaches

// One territory; service 0 "IME" with `places` places, all filled at t = 0 by children of
// `age` whose stays never end; service 1 "SESSAD" with `sessad_places` empty places. Two modes
// (internat, semi) and two schoolings (internal, external in ordinary school) recorded by IME.
Model two_services(std::int64_t places, double age, std::int64_t sessad_places, int horizon) {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  Service ime;
  ime.name = "IME";
  ime.capacity = {places};
  ime.length_of_stay_years = core::Distribution::fixed(kNever);
  ime.initial = {1.0, core::Distribution::fixed(age)};
  ime.mode_shares = {0.3, 0.7};
  ime.schooling_shares = {0.8, 0.2};
  Service sessad;
  sessad.name = "SESSAD";
  sessad.capacity = {sessad_places};
  sessad.length_of_stay_years = core::Distribution::fixed(kNever);
  m.services = {ime, sessad};
  m.modes = {Mode{"internat", true, 1.0}, Mode{"semi", false, 1.0}};
  m.schoolings = {Schooling{"internal", false}, Schooling{"external", true}};
  m.arrivals.orientation = {1.0, 0.0};
  m.horizon_years = horizon;
  return m;
}

std::int64_t mode_count(const Indicators& out, int period, int service, int mode) {
  return out.occupants_mode_end[out.sub_cell(period, 0, service, out.modes, mode)];
}

TEST(Care, PackAndUnpackRoundTrip) {
  for (int bits = 0; bits < 256; ++bits) {
    EXPECT_EQ(Care::unpack(static_cast<std::uint8_t>(bits)).pack(), bits);
  }
  const Care c = Care::unpack(Care{13, 6}.pack());
  EXPECT_EQ(c.mode, 13);
  EXPECT_EQ(c.schooling, 6);
}

TEST(Care, ModeAndSchoolingAreDrawnFromTheServiceShares) {
  const double n = 20000.0;
  const Model m = two_services(20000, 10.0, 0, 1);
  const auto out = Simulation(m, 7, 0).run();
  ASSERT_EQ(out.modes, 2);
  ASSERT_EQ(out.schoolings, 2);
  expect_binomial(mode_count(out, 0, 0, 0), n, 0.3);
  EXPECT_EQ(mode_count(out, 0, 0, 0) + mode_count(out, 0, 0, 1), 20000);
  const auto external = out.occupants_schooling_end[out.sub_cell(0, 0, 0, 2, 1)];
  expect_binomial(external, n, 0.2);
  EXPECT_EQ(out.occupants_schooling_end[out.sub_cell(0, 0, 0, 2, 0)] + external, 20000);
  // A service that records neither has no counts.
  EXPECT_EQ(mode_count(out, 0, 1, 0) + mode_count(out, 0, 1, 1), 0);
}

TEST(Care, TheSameChildDrawsTheSameModeWhateverTheOtherServicesRecord) {
  Model a = two_services(2000, 10.0, 0, 1);
  Model b = a;
  b.services[1].mode_shares = {0.5, 0.5};  // changes no IME child's draw
  const auto x = Simulation(a, 11, 0).run();
  const auto y = Simulation(b, 11, 0).run();
  EXPECT_EQ(x.occupants_mode_end, y.occupants_mode_end);
  EXPECT_EQ(x.occupants_schooling_end, y.occupants_schooling_end);
}

TEST(AgeGroups, OccupantsAndWaitersAreCountedByTheirAgeAtThePeriodEnd) {
  // 10 IME occupants aged 10 at t = 0 (11 at the end of year 1, 12 at the end of year 2);
  // 3 children aged 13 join the full IME's list on day 10 (13.97 at the end of year 1).
  Model m = two_services(10, 10.0, 0, 2);
  m.children.age_groups = {0.0, 6.0, 12.0, 14.0};
  Simulation sim(m, 1, 0);
  for (int i = 0; i < 3; ++i) {
    sim.add_scripted_arrival({10.0, 0, 13.0, 0});
  }
  const auto out = sim.run();
  ASSERT_EQ(out.age_groups, 4);
  const auto occupants = [&](int period, int group) {
    return out.occupants_age_end[out.sub_cell(period, 0, 0, 4, group)];
  };
  const auto waiting = [&](int period, int group) {
    return out.waiting_age_end[out.sub_cell(period, 0, 0, 4, group)];
  };
  EXPECT_EQ(occupants(0, 1), 10);  // 11: the 6-11 group
  EXPECT_EQ(occupants(1, 1), 0);
  EXPECT_EQ(occupants(1, 2), 10);  // 12: the 12-13 group
  EXPECT_EQ(waiting(0, 2), 3);     // 13.97
  EXPECT_EQ(waiting(1, 2), 0);
  EXPECT_EQ(waiting(1, 3), 3);  // 14.97: the last group is open-ended
  EXPECT_EQ(out.waiting_end[out.cell(1, 0, 0)], 3);
}

TEST(AgeGroups, AChildStillTooYoungForItsListIsNotCountedAsWaiting) {
  Model m = two_services(1, 10.0, 0, 1);
  m.services[0].min_age_years = 6.0;
  m.children.age_groups = {0.0, 6.0};
  Simulation sim(m, 1, 0);
  sim.add_scripted_arrival({10.0, 0, 3.0, 0});  // joins the list at 6, in year 4
  const auto out = sim.run();
  EXPECT_EQ(out.waiting_age_end[out.sub_cell(0, 0, 0, 2, 0)], 0);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 0);
}

TEST(PlanReview, AStepWithProbabilityOneChangesEveryQualifyingChildsMode) {
  Model m = two_services(2000, 10.0, 0, 2);
  m.plans.review_month = 9;
  m.plans.steps = {mode_step(1.0)};
  testing::Recorder rec;
  Simulation sim(m, 5, 0);
  sim.set_observer(&rec);
  const auto out = sim.run();
  const auto internat_at_start = rec.of(EventKind::kPlanStep).size();
  EXPECT_GT(internat_at_start, 400U);  // about 30 % of 2,000
  // Reviews on 1 September of each year: every child reviewed, every internat one stepped.
  for (const auto& e : rec.of(EventKind::kPlanStep)) {
    EXPECT_DOUBLE_EQ(e.at.days, 8 * core::kDaysPerMonth);
    EXPECT_EQ(e.service, 0);
  }
  EXPECT_EQ(out.plan_reviews[out.cell(0, 0, 0)], 2000);
  EXPECT_EQ(out.plan_reviews[out.cell(1, 0, 0)], 2000);
  EXPECT_EQ(out.plan_steps_taken[out.step_cell(0, 0, 0)],
            static_cast<std::int64_t>(internat_at_start));
  EXPECT_EQ(out.plan_steps_taken[out.step_cell(1, 0, 0)], 0);  // nobody left in internat
  EXPECT_EQ(mode_count(out, 0, 0, 0), 0);
  EXPECT_EQ(mode_count(out, 0, 0, 1), 2000);
  EXPECT_EQ(out.plan_reviews[out.cell(0, 0, 1)], 0);  // SESSAD has no steps
}

TEST(PlanReview, StepsAreTriedInOrderAndOnlyWhereTheirConditionsHold) {
  // Children aged 10: a step for those under 8 never applies; of the two next, the first takes
  // u < 0.25 and the second 0.25 <= u < 0.75 (the uniform draw is shared, in file order).
  PlanStep young = mode_step(1.0);
  young.modes.clear();
  young.max_age_years = 8.0;
  PlanStep first = mode_step(0.25);
  first.modes.clear();
  first.to_mode = std::nullopt;
  first.to_schooling = 1;
  PlanStep second = first;
  second.probability = 0.5;
  second.to_schooling = std::nullopt;
  second.to_mode = 0;
  Model m = two_services(20000, 10.0, 0, 1);
  m.plans.review_month = 6;
  m.plans.steps = {young, first, second};
  const auto out = Simulation(m, 13, 0).run();
  EXPECT_EQ(out.plan_steps_taken[out.step_cell(0, 0, 0)], 0);
  expect_binomial(out.plan_steps_taken[out.step_cell(0, 0, 1)], 20000.0, 0.25);
  expect_binomial(out.plan_steps_taken[out.step_cell(0, 0, 2)], 20000.0, 0.5);
  // Internat at the end: the 30 % drawn there, plus the semi children of the second step.
  expect_binomial(mode_count(out, 0, 0, 0), 20000.0, 0.3 + 0.7 * 0.5);
}

TEST(PlanReview, AMoveToAFullServiceMakesAStepperThatKeepsItsPlace) {
  // 10 IME children aged 10 all step to SESSAD, which has 4 free places: 4 move at once, 6
  // hold their IME place on the SESSAD list (stepping, not Creton).
  Model m = two_services(10, 10.0, 4, 1);
  m.plans.review_month = 9;
  m.plans.steps = {to_sessad(1.0, Action::kMove)};
  const auto out = Simulation(m, 3, 0).run();
  EXPECT_EQ(out.plan_steps_taken[out.step_cell(0, 0, 0)], 10);
  EXPECT_EQ(out.occupied_end[out.cell(0, 0, 1)], 4);
  EXPECT_EQ(out.occupied_end[out.cell(0, 0, 0)], 6);
  EXPECT_EQ(out.stepping_end[out.cell(0, 0, 0)], 6);
  EXPECT_EQ(out.holding_end[out.cell(0, 0, 0)], 0);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 1)], 6);
}

TEST(PlanReview, AStepperSpellNamesItsPlaceAndTheListItWaitsOn) {
  Model m = two_services(1, 10.0, 0, 1);
  m.plans.review_month = 9;
  m.plans.steps = {to_sessad(1.0, Action::kMove)};
  Simulation sim(m, 3, 0);
  sim.record_spells(true);
  const auto out = sim.run();
  ASSERT_EQ(out.spells.size(), 2U);
  EXPECT_EQ(out.spells[0].state, Spell::State::kInPlace);
  EXPECT_EQ(out.spells[0].end, Spell::End::kChanged);
  const Spell& stepping = out.spells[1];
  EXPECT_EQ(stepping.state, Spell::State::kStepping);
  EXPECT_DOUBLE_EQ(stepping.start_day, 8 * core::kDaysPerMonth);
  EXPECT_EQ(stepping.service, 0);
  EXPECT_EQ(stepping.next_service, 1);
  EXPECT_EQ(stepping.place_territory, 0);
  EXPECT_EQ(stepping.end, Spell::End::kHorizon);
}

TEST(PlanReview, AnOrientStepFreesThePlaceForTheNextOnTheList) {
  // One IME place, its child steps to SESSAD (full) freeing it: the child on the IME list
  // takes it that day; the stepper waits without a place.
  Model m = two_services(1, 10.0, 0, 1);
  m.plans.review_month = 9;
  m.plans.steps = {to_sessad(1.0, Action::kOrient)};
  testing::Recorder rec;
  Simulation sim(m, 3, 0);
  sim.set_observer(&rec);
  sim.add_scripted_arrival({1.0, 0, 8.0, 0});
  const auto out = sim.run();
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 1U);
  EXPECT_DOUBLE_EQ(admits[0].at.days, 8 * core::kDaysPerMonth);
  EXPECT_EQ(out.occupied_end[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 1)], 1);
  EXPECT_EQ(out.stepping_end[out.cell(0, 0, 0)], 0);
  // The newcomer was admitted after the review: it was not reviewed that day.
  EXPECT_EQ(out.plan_reviews[out.cell(0, 0, 0)], 1);
}

TEST(PlanReview, AStepperReachingItsPlacesAgeLimitFollowsThePlacesAgeLimitRule) {
  // An IME child aged 19.5 steps to a full SESSAD (no age limit) in month 2 of year 1 and
  // reaches the IME's age limit (20) first: it leaves the SESSAD list and the IME's age-limit
  // rule (move to ADULT, full) makes it a Creton holder.
  Model m = two_services(1, 19.5, 0, 2);
  m.services[0].age_limit_years = 20.0;
  m.services[0].on_age_limit = {Branch{1.0, Action::kMove, 2}};
  Service adult;
  adult.name = "ADULT";
  adult.capacity = {0};
  m.services.push_back(adult);
  m.arrivals.orientation = {1.0, 0.0, 0.0};
  m.plans.review_month = 2;  // day 30.4, at age 19.58
  m.plans.steps = {to_sessad(1.0, Action::kMove)};
  const auto out = Simulation(m, 3, 0).run();
  EXPECT_EQ(out.plan_steps_taken[out.step_cell(0, 0, 0)], 1);
  EXPECT_EQ(out.stepping_end[out.cell(0, 0, 0)], 0);
  EXPECT_EQ(out.holding_end[out.cell(0, 0, 0)], 1);  // Creton, waiting for ADULT
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 1)], 0);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 2)], 1);
  EXPECT_EQ(out.aged_out_waiting[out.cell(0, 0, 1)], 0);
  EXPECT_EQ(out.plan_reviews[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.plan_reviews[out.cell(1, 0, 0)], 0);  // a Creton holder is not reviewed
}

TEST(PlanReview, AStepperAgedOutOfItsTargetKeepsItsPlaceUntilItsOwnAgeLimit) {
  // The target (SESSAD, full) stops at 16; the child, 15.5, steps in month 2 of year 1, ages
  // out of the SESSAD list at 16 and stays in the IME until 20, where it leaves.
  Model m = two_services(1, 15.5, 0, 6);
  m.services[0].age_limit_years = 20.0;
  m.services[1].age_limit_years = 16.0;
  m.plans.review_month = 2;
  PlanStep step = to_sessad(1.0, Action::kMove);
  step.max_age_years = 15.75;  // taken once only
  m.plans.steps = {step};
  const auto out = Simulation(m, 3, 0).run();
  EXPECT_EQ(out.plan_steps_taken[out.step_cell(0, 0, 0)], 1);
  EXPECT_EQ(out.aged_out_waiting[out.cell(0, 0, 1)], 1);
  for (int year = 0; year < 4; ++year) {  // ages 16.5 .. 19.5 at the ends of years 1..4
    EXPECT_EQ(out.occupied_end[out.cell(year, 0, 0)], 1) << year;
    EXPECT_EQ(out.stepping_end[out.cell(year, 0, 0)], 0) << year;
  }
  EXPECT_EQ(out.occupied_end[out.cell(4, 0, 0)], 0);  // 20.5: left at its age limit
  EXPECT_EQ(out.departures[out.flow(4, 0)], 1);
}

}  // namespace
}  // namespace parcours::model
