// Providers' responses to the incentives of their funding (rule 28, Model::behaviour): plan steps
// scaled by the change of what they cost the provider, places held vacant, young adults not kept
// past the age limit, and selection by needs. The incentive tables are built by hand here (what
// funding::incentives computes is tested in the funding library).
#include "engine/model/plan_test_support.hpp"
#include "engine/model/simulation.hpp"
#include "engine/model/test_recorder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace parcours::model {
namespace {

using testing::expect_binomial;
using testing::mode_step;
using testing::to_sessad;

constexpr double kYear = core::kDaysPerYear;
constexpr double kNever = 1000.0;  // a stay length no run reaches

// Incentives of `m` with two regimes, every unit in regime 0 until `from_period` and in regime 1
// from it; every table 0 (the tests set what they need).
Incentives switching(const Model& m, int from_period) {
  Incentives inc;
  inc.periods = m.periods();
  inc.services = static_cast<int>(m.services.size());
  inc.units = static_cast<int>(m.providers.size() + m.territories.size() * m.services.size());
  inc.regimes = 2;
  inc.needs = std::max(1, static_cast<int>(m.children.needs_levels.size()));
  inc.regime.assign(static_cast<std::size_t>(inc.periods) * inc.units, 0);
  for (int p = from_period; p < inc.periods; ++p) {
    for (int u = 0; u < inc.units; ++u) {
      inc.regime[static_cast<std::size_t>(p) * inc.units + u] = 1;
    }
  }
  const auto tables = static_cast<std::size_t>(inc.regimes) * inc.services;
  inc.care_value.assign(tables * Incentives::kCareBytes, 0.0F);
  inc.stay_value.assign(tables * Incentives::kCareBytes, 0.0F);
  inc.vacancy.assign(tables, 0.0F);
  inc.school_day.assign(tables, 0.0F);
  inc.needs_value.assign(tables * inc.needs, 0.0F);
  return inc;
}

// Every care byte of service s in regime r has these values.
void set_values(Incentives& inc, std::uint8_t r, ServiceId s, float care, float stay) {
  for (int b = 0; b < 256; ++b) {
    inc.care_value[inc.care_at(r, s, static_cast<std::uint8_t>(b))] = care;
    inc.stay_value[inc.care_at(r, s, static_cast<std::uint8_t>(b))] = stay;
  }
}

// One territory; service 0 "IME" with `places` places, all filled at t = 0 by children of `age`
// whose stays never end, two modes (internat, semi); service 1 "SESSAD" with no place.
Model ime_and_sessad(std::int64_t places, double age, int horizon) {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  Service ime;
  ime.name = "IME";
  ime.capacity = {places};
  ime.length_of_stay_years = core::Distribution::fixed(kNever);
  ime.initial = {1.0, core::Distribution::fixed(age)};
  ime.mode_shares = {1.0, 0.0};  // everyone in internat
  Service sessad;
  sessad.name = "SESSAD";
  sessad.capacity = {0};
  sessad.length_of_stay_years = core::Distribution::fixed(kNever);
  m.services = {ime, sessad};
  m.modes = {Mode{"internat", true, 1.0}, Mode{"semi", false, 1.0}};
  m.arrivals.orientation = {1.0, 0.0};
  m.horizon_years = horizon;
  return m;
}

std::int64_t steps_taken(const Indicators& out, int period) {
  return out.plan_steps_taken[out.step_cell(period, 0, 0)];
}

std::int64_t reviewed(const Indicators& out, int period) {
  return out.plan_reviews[out.cell(period, 0, 0)];
}

TEST(Behaviour, AStepDownIsScaledByTheStayValueItNoLongerLoses) {
  // Year 0 (regime 0): leaving loses the stay value 1, as at the start: factor 1, p = 0.2.
  // Year 1 (regime 1): leaving loses 0, i.e. 1 less than at the start: factor 1 + 0.5 × 1 = 1.5,
  // p = 0.3, over the children who did not step in year 0.
  Model m = ime_and_sessad(20000, 10.0, 2);
  m.plans.review_month = 3;
  m.plans.steps = {to_sessad(0.2, Action::kMove)};
  const Indicators plain = Simulation(m, 5, 0).run();
  m.incentives = switching(m, 1);
  set_values(m.incentives, 0, 0, 1.0F, 1.0F);
  const Indicators responding = Simulation(m, 5, 0).run();
  // Common random numbers: year 0 is the same children's steps.
  EXPECT_EQ(steps_taken(responding, 0), steps_taken(plain, 0));
  expect_binomial(steps_taken(plain, 0), 20000.0, 0.2);
  expect_binomial(steps_taken(plain, 1), static_cast<double>(reviewed(plain, 1)), 0.2);
  expect_binomial(steps_taken(responding, 1), static_cast<double>(reviewed(responding, 1)), 0.3);
  EXPECT_GT(steps_taken(responding, 1), steps_taken(plain, 1));
}

TEST(Behaviour, AStepFactorIsClampedToMaxFactorAndNeverBelowZero) {
  Model m = ime_and_sessad(20000, 10.0, 2);
  m.plans.review_month = 3;
  m.plans.steps = {to_sessad(0.2, Action::kMove)};
  m.incentives = switching(m, 1);
  // Leaving lost 10 at the start and 0 now: 1 + 0.5 × 10 = 6, clamped to 3: p = 0.6.
  set_values(m.incentives, 0, 0, 0.0F, 10.0F);
  const Indicators up = Simulation(m, 5, 0).run();
  expect_binomial(steps_taken(up, 1), static_cast<double>(reviewed(up, 1)), 0.6);
  // Leaving lost 0 at the start and 10 now: 1 − 0.5 × 10 < 0, clamped to 0: nobody steps.
  set_values(m.incentives, 0, 0, 0.0F, 0.0F);
  set_values(m.incentives, 1, 0, 0.0F, 10.0F);
  const Indicators down = Simulation(m, 5, 0).run();
  EXPECT_GT(reviewed(down, 1), 10000);
  EXPECT_EQ(steps_taken(down, 1), 0);
}

TEST(Behaviour, AChangeOfCareIsScaledByTheChangeOfItsCareValue) {
  // Regime 1 pays a semi-internat day 0.5 and an internat day 1 (as a needs-based allocation's
  // mode coefficients would): the step internat -> semi loses 0.5 a day, against 0 at the start.
  // care = 0.5: factor 1 − 0.5 × 0.5 = 0.75, p = 0.15; care = 2: factor 0, nobody steps.
  Model m = ime_and_sessad(20000, 10.0, 2);
  m.plans.review_month = 3;
  m.plans.steps = {mode_step(0.2)};
  m.incentives = switching(m, 1);
  const std::uint8_t internat = Care{0, 0}.pack();
  const std::uint8_t semi = Care{1, 0}.pack();
  m.incentives.care_value[m.incentives.care_at(1, 0, internat)] = 1.0F;
  m.incentives.care_value[m.incentives.care_at(1, 0, semi)] = 0.5F;
  const Indicators some = Simulation(m, 7, 0).run();
  expect_binomial(steps_taken(some, 0), 20000.0, 0.2);
  // Children in semi-internat after year 0 are still reviewed but the step does not apply.
  const double internat_left = 20000.0 - static_cast<double>(steps_taken(some, 0));
  expect_binomial(steps_taken(some, 1), internat_left, 0.15);
  m.behaviour.care = 2.0;
  const Indicators none = Simulation(m, 7, 0).run();
  EXPECT_EQ(steps_taken(none, 0), steps_taken(some, 0));
  EXPECT_EQ(steps_taken(none, 1), 0);
}

// One service with one place, whose occupant's stay ends at 1.5 years (in period 1), and one
// child waiting for it from t = 0.
Model one_place() {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  Service s;
  s.name = "IME";
  s.capacity = {1};
  s.length_of_stay_years = core::Distribution::fixed(1.5);
  s.initial.share_of_places = 1.0;
  s.initial.age_years = core::Distribution::fixed(8.0);
  s.initial.waiting_per_place = 1.0;
  s.initial.waiting_age_years = core::Distribution::fixed(7.0);
  m.services = {s};
  m.arrivals.orientation = {1.0};
  m.horizon_years = 3;
  return m;
}

std::vector<EventRecord> admissions_of(const Model& m) {
  testing::Recorder recorder;
  Simulation sim(m, 3, 0);
  sim.set_observer(&recorder);
  (void)sim.run();
  return recorder.of(EventKind::kAdmit);
}

TEST(Behaviour, AFreedPlaceIsHeldVacantForTheVacancyIncentiveLost) {
  // An empty place-day lost 1 at the start and 0.4 now: 0.6 lost less, × 30 days = 18 days.
  Model m = one_place();
  const std::vector<EventRecord> plain = admissions_of(m);
  ASSERT_EQ(plain.size(), 1U);
  const double freed = plain[0].at.days;
  EXPECT_NEAR(freed, 1.5 * kYear, 1e-9);
  m.incentives = switching(m, 1);
  m.incentives.vacancy[m.incentives.table(0, 0)] = 1.0F;
  m.incentives.vacancy[m.incentives.table(1, 0)] = 0.4F;
  const std::vector<EventRecord> held = admissions_of(m);
  ASSERT_EQ(held.size(), 1U);
  EXPECT_NEAR(held[0].at.days, freed + 30.0 * (1.0 - 0.4F), 1e-6);
  const Indicators out = Simulation(m, 3, 0).run();
  EXPECT_EQ(out.vacancies_held[out.cell(1, 0, 0)], 1);
  EXPECT_NEAR(out.vacancy_hold_days[out.cell(1, 0, 0)], 30.0 * (1.0 - 0.4F), 1e-6);
  EXPECT_EQ(out.vacancies_held[out.cell(0, 0, 0)], 0);
  // A place that costs more to leave empty than at the start is not held (no faster than at once).
  m.incentives.vacancy[m.incentives.table(1, 0)] = 2.0F;
  EXPECT_EQ(admissions_of(m)[0].at.days, freed);
}

TEST(Behaviour, ANewcomerDoesNotTakeAPlaceHeldVacant) {
  Model m = one_place();
  m.incentives = switching(m, 1);
  m.incentives.vacancy[m.incentives.table(0, 0)] = 1.0F;  // held 30 days from day 547.875
  testing::Recorder recorder;
  Simulation sim(m, 3, 0);
  sim.set_observer(&recorder);
  sim.add_scripted_arrival({1.5 * kYear + 10.0, 0, 7.0, 0});  // arrives during the hold
  const Indicators out = sim.run();
  const auto admitted = recorder.of(EventKind::kAdmit);
  ASSERT_EQ(admitted.size(), 1U);  // the child who waited from t = 0, when the hold ends
  EXPECT_NEAR(admitted[0].at.days, 1.5 * kYear + 30.0, 1e-6);
  EXPECT_EQ(out.waiting_end[out.cell(2, 0, 0)], 1);  // the newcomer still waits
}

TEST(Behaviour, AClosureTakesAPlaceHeldVacantAndItsOfferDoesNothing) {
  Model m = one_place();
  m.timeline = {TimelineEvent{"close", "close"}};
  m.capacity_changes = {CapacityChange{1.5 * kYear + 10.0, 0, 0, kNoProvider, -1, 0}};
  m.incentives = switching(m, 1);
  m.incentives.vacancy[m.incentives.table(0, 0)] = 1.0F;
  const Indicators out = Simulation(m, 3, 0).run();
  EXPECT_EQ(out.capacity_end[out.cell(1, 0, 0)], 0);
  EXPECT_EQ(out.occupied_end[out.cell(1, 0, 0)], 0);
  EXPECT_EQ(out.waiting_end[out.cell(2, 0, 0)], 1);  // never admitted
  EXPECT_EQ(out.admissions[out.cell(1, 0, 0)] + out.admissions[out.cell(2, 0, 0)], 0);
}

// 10,000 young adults in IME at 18.5 years, age limit 20 (reached in period 1), kept in their
// place while they wait for an adult service with no place (the Creton rule).
Model creton(double release) {
  Model m = ime_and_sessad(10000, 18.5, 2);
  m.services[0].age_limit_years = 20.0;
  m.services[0].on_age_limit = {Branch{1.0, Action::kMove, 1}};
  m.services[1].name = "ADULT";
  m.behaviour.creton_release = release;
  return m;
}

TEST(Behaviour, YoungAdultsAreReleasedWithTheStayValueTheirProviderNoLongerGets) {
  Model m = creton(0.2);
  const Indicators plain = Simulation(m, 11, 0).run();
  EXPECT_EQ(plain.holding_end[plain.cell(1, 0, 0)], 10000);
  EXPECT_EQ(plain.young_adults_released[plain.cell(1, 0, 0)], 0);
  // A young adult's day brought 1 at the start and 0 now: released with p = 0.2 × 1.
  m.incentives = switching(m, 1);
  set_values(m.incentives, 0, 0, 1.0F, 1.0F);
  const Indicators out = Simulation(m, 11, 0).run();
  const std::int64_t released = out.young_adults_released[out.cell(1, 0, 0)];
  expect_binomial(released, 10000.0, 0.2);
  EXPECT_EQ(out.holding_end[out.cell(1, 0, 0)], 10000 - released);
  EXPECT_EQ(out.occupied_end[out.cell(1, 0, 0)], 10000 - released);
  EXPECT_EQ(out.waiting_end[out.cell(1, 0, 1)], 10000);  // all wait for the adult service
  m.behaviour.creton_release = 5.0;                      // p = min(1, 5)
  const Indicators all = Simulation(m, 11, 0).run();
  EXPECT_EQ(all.young_adults_released[all.cell(1, 0, 0)], 10000);
  EXPECT_EQ(all.holding_end[all.cell(1, 0, 0)], 0);
}

// 1,000 places whose occupants all leave at 1.5 years (period 1), and children waiting from
// t = 0 for 0 to 2 years (uniformly: the list is in that order), a fifth of them with high needs.
Model selection_model() {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  m.children.needs_levels = {"low", "high"};
  Service s;
  s.name = "IME";
  s.capacity = {1000};
  s.length_of_stay_years = core::Distribution::fixed(1.5);
  s.initial.share_of_places = 1.0;
  s.initial.age_years = core::Distribution::fixed(8.0);
  s.initial.waiting_per_place = 2.0;
  s.initial.waiting_age_years = core::Distribution::fixed(7.0);
  s.initial.waited_years = core::Distribution::uniform(0.0, 2.0);
  s.children.needs_shares = {0.8, 0.2};
  m.services = {s};
  m.arrivals.orientation = {1.0};
  m.horizon_years = 2;
  return m;
}

std::int64_t high_needs_in_place(const Indicators& out) {
  return out.place_needs_end[out.sub_cell(1, 0, 0, out.needs, 1)];
}

TEST(Behaviour, AProviderSelectsTheChildrenItsFundingPaysMoreFor) {
  Model m = selection_model();
  const Indicators plain = Simulation(m, 2, 0).run();
  // The first 1,000 of 2,000 children, those who waited more than a year: about 200 high-needs.
  expect_binomial(high_needs_in_place(plain), 1000.0, 0.2);
  EXPECT_EQ(plain.admissions_selected[plain.cell(1, 0, 0)], 0);
  // Regime 1 pays a high-needs child 0.5 more a day than at the start, and selection_days = 730:
  // a high-needs child counts as having waited 365 days longer. With waits w uniform on [0, 730]
  // days, the 1,000 places go to the children with w > T (low needs, 1,600) or w + 365 > T (high
  // needs, 400): 1600 (730 − T) / 730 + 400 (1095 − T) / 730 = 1000 gives T = 438, so
  // 400 × (1095 − 438) / 730 = 360 high-needs children, against 200.
  m.incentives = switching(m, 1);
  m.incentives.needs_value[m.incentives.needs_at(1, 0, 1)] = 0.5F;
  m.behaviour.selection_days = 730.0;
  const Indicators selecting = Simulation(m, 2, 0).run();
  EXPECT_NEAR(static_cast<double>(high_needs_in_place(selecting)), 360.0, 60.0);
  EXPECT_GT(selecting.admissions_selected[selecting.cell(1, 0, 0)], 100);
  EXPECT_EQ(selecting.admissions[selecting.cell(1, 0, 0)], plain.admissions[plain.cell(1, 0, 0)]);
  // selection_days = 0 selects nobody: the same children as without incentives.
  m.behaviour.selection_days = 0.0;
  const Indicators fifo = Simulation(m, 2, 0).run();
  EXPECT_EQ(fifo.place_needs_end, plain.place_needs_end);
  EXPECT_EQ(fifo.admissions_selected[fifo.cell(1, 0, 0)], 0);
}

TEST(Behaviour, FundingThatNeverChangesChangesNoPath) {
  // Every unit in regime 1 throughout, whatever its values: no response acts, and the run is
  // bit-identical to one without incentives.
  Model m = creton(0.2);
  m.plans.review_month = 3;
  m.plans.steps = {to_sessad(0.1, Action::kMove)};
  const Indicators plain = Simulation(m, 4, 0).run();
  m.incentives = switching(m, 0);
  set_values(m.incentives, 1, 0, 3.0F, 3.0F);
  m.incentives.vacancy[m.incentives.table(1, 0)] = 3.0F;
  const Indicators same = Simulation(m, 4, 0).run();
  EXPECT_EQ(same.events, plain.events);
  EXPECT_EQ(same.plan_steps_taken, plain.plan_steps_taken);
  EXPECT_EQ(same.holding_end, plain.holding_end);
  EXPECT_EQ(same.occupied_place_days, plain.occupied_place_days);
  EXPECT_EQ(same.young_adults_released, plain.young_adults_released);
}

TEST(Behaviour, IncentivesOfAnotherModelBreakAnInvariant) {
  Model m = one_place();
  m.incentives = switching(m, 1);
  m.incentives.units += 1;
  EXPECT_THROW(Simulation(m, 1, 0), core::InvariantError);
}

}  // namespace
}  // namespace parcours::model
