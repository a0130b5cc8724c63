// The policy timeline in a run: dated changes of places (created places serve the lists at
// once; closed places close as their occupants leave) and of the rate of arrivals, with common
// random numbers before a change; and the indicators by place that the funding rules read.
#include "engine/model/simulation.hpp"
#include "engine/model/test_recorder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace parcours::model {
namespace {

constexpr double kYear = core::kDaysPerYear;

using testing::Recorder;

// One territory, one service S of `places` places, full at t = 0 with occupants aged 10 whose
// stays last `stay_years`; no arrivals but scripted ones; yearly periods.
Model one_service(std::int64_t places, double stay_years, int horizon_years) {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  Service s;
  s.name = "S";
  s.capacity = {places};
  s.length_of_stay_years = core::Distribution::fixed(stay_years);
  s.initial = {1.0, core::Distribution::fixed(10.0)};
  m.services = {s};
  m.arrivals.orientation = {1.0};
  m.horizon_years = horizon_years;
  return m;
}

CapacityChange change(double day, std::int64_t delta, ProviderId provider = kNoProvider) {
  CapacityChange c;
  c.day = day;
  c.delta = delta;
  c.provider = provider;
  return c;
}

TEST(Timeline, CreatedPlacesTakeWaitingChildrenAtOnce) {
  Model m = one_service(2, 50.0, 2);
  m.capacity_changes = {change(100.0, 3)};
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  for (int k = 0; k < 5; ++k) {  // five children wait from day 10 (the two places are full)
    sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  }
  const auto out = sim.run();
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 3U);  // three new places on day 100: the first three waiting
  for (const auto& e : admits) {
    EXPECT_EQ(e.at.days, 100.0);
  }
  EXPECT_EQ(out.capacity_end[out.cell(0, 0, 0)], 5);
  EXPECT_EQ(out.occupied_end[out.cell(0, 0, 0)], 5);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 2);
  // Authorised place-days: 2 places for 100 days, then 5 for the rest of the year.
  EXPECT_DOUBLE_EQ(out.capacity_days[out.cell(0, 0, 0)], 2 * 100.0 + 5 * (kYear - 100.0));
  EXPECT_DOUBLE_EQ(out.capacity_days[out.cell(1, 0, 0)], 5 * kYear);
}

TEST(Timeline, ClosedPlacesCloseAsTheirOccupantsLeave) {
  // Four places full at t = 0, stays of half a year; two places close on day 50. The occupants
  // stay to day 182.6; then only two places take children from the list.
  Model m = one_service(4, 0.5, 1);
  m.services[0].on_stay_end = {Branch{1.0, Action::kLeave, kNoService, kNoOutcome}};
  m.capacity_changes = {change(50.0, -2)};
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  for (int k = 0; k < 6; ++k) {
    sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  }
  const auto out = sim.run();
  EXPECT_EQ(out.capacity_end[out.cell(0, 0, 0)], 2);
  // The four first occupants left at 182.6; two were admitted in their places, whose stays end
  // at 365.25, just past the horizon's last event (the period end ranks first).
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 2U);
  EXPECT_NEAR(admits[0].at.days, 0.5 * kYear, 1e-9);
  EXPECT_EQ(out.occupied_end[out.cell(0, 0, 0)], 2);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 4);
  // Occupied place-days: four to day 182.625, then two: above the places in force after day 50.
  EXPECT_NEAR(out.occupied_place_days[out.cell(0, 0, 0)], 4 * 0.5 * kYear + 2 * 0.5 * kYear, 1e-6);
  EXPECT_DOUBLE_EQ(out.capacity_days[out.cell(0, 0, 0)], 4 * 50.0 + 2 * (kYear - 50.0));
}

TEST(Timeline, ADeclaredProviderGainsThePlacesItIsNamedFor) {
  Model m = one_service(4, 50.0, 1);
  Provider a;
  a.name = "A";
  a.places = 1;
  Provider b;
  b.name = "B";
  b.places = 3;
  m.providers = {a, b};
  m.organisations = {Organisation{"O"}};
  m.capacity_changes = {change(100.0, 2, 0), change(200.0, -1, 1)};
  Simulation sim(m, 1, 0);
  for (int k = 0; k < 3; ++k) {
    sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  }
  const auto out = sim.run();
  EXPECT_EQ(out.provider_capacity_end[out.provider_cell(0, 0)], 3);
  EXPECT_EQ(out.provider_capacity_end[out.provider_cell(0, 1)], 2);
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(0, 0)], 3);  // took two from the list
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(0, 1)], 3);  // its occupants stay
  EXPECT_DOUBLE_EQ(out.provider_capacity_days[out.provider_cell(0, 0)],
                   1 * 100.0 + 3 * (kYear - 100.0));
  EXPECT_DOUBLE_EQ(out.provider_capacity_days[out.provider_cell(0, 1)],
                   3 * 200.0 + 2 * (kYear - 200.0));
  EXPECT_EQ(out.capacity_end[out.cell(0, 0, 0)], 5);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 1);
}

TEST(Timeline, AProvidersClosedButOccupiedPlacesHideNoOtherProvidersFreePlace) {
  // A and B have 2 places each, one of them filled at t = 0. A closes both its places on day 10:
  // its occupant stays, 1 above its capacity. The cell then has 2 places and 2 occupants, yet
  // B's second place is free: a child arriving on day 20 takes it at once.
  Model m = one_service(4, 50.0, 1);
  m.services[0].initial.share_of_places = 0.5;
  Provider a;
  a.name = "A";
  a.places = 2;
  Provider b = a;
  b.name = "B";
  m.providers = {a, b};
  m.organisations = {Organisation{"O"}};
  m.capacity_changes = {change(10.0, -2, 0)};
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({20.0, 0, 8.0, 0});
  const auto out = sim.run();
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 1U);
  EXPECT_EQ(admits[0].at.days, 20.0);
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(0, 1)], 2);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 0);
}

TEST(Timeline, AChangeOfPlacesWithoutTheProviderOfADeclaredServiceIsRefused) {
  Model m = one_service(1, 50.0, 1);
  Provider a;
  a.name = "A";
  a.places = 1;
  m.providers = {a};
  m.organisations = {Organisation{"O"}};
  m.capacity_changes = {change(100.0, 2)};
  EXPECT_THROW((void)Simulation(m, 1, 0).run(), core::InvariantError);
}

// Arrivals at 3,650 a year in one territory (oriented to S, which has no places: they wait).
Model streaming(double factor_from_day, double factor) {
  Model m = one_service(0, 1.0, 2);
  m.arrivals.rate_per_year = 3650.0;
  m.arrivals.age_years = core::Distribution::fixed(5.0);
  if (factor_from_day >= 0.0) {
    m.arrivals.changes = {Arrivals::Change{factor_from_day, factor, {}}};
  }
  return m;
}

TEST(Timeline, AChangeOfInflowKeepsEveryArrivalBeforeItsDate) {
  Recorder base;
  Recorder half;
  const Model baseline = streaming(-1.0, 1.0);
  const Model halved = streaming(200.0, 0.5);
  Simulation a(baseline, 3, 0);
  a.set_observer(&base);
  (void)a.run();
  Simulation b(halved, 3, 0);
  b.set_observer(&half);
  const auto out = b.run();
  std::vector<double> before_a;
  std::vector<double> before_b;
  std::size_t after_a = 0;
  std::size_t after_b = 0;
  for (const auto& e : base.of(EventKind::kArrival)) {
    e.at.days < 200.0 ? before_a.push_back(e.at.days) : void(++after_a);
  }
  for (const auto& e : half.of(EventKind::kArrival)) {
    e.at.days < 200.0 ? before_b.push_back(e.at.days) : void(++after_b);
  }
  EXPECT_EQ(before_a, before_b);  // the same arrivals, to the bit, before day 200
  ASSERT_GT(before_a.size(), 150U);
  // After it, half as many: 3,650 × (730.5 - 200) / 365.25 ≈ 5,301 against about 2,651 (Poisson:
  // sd ≈ 73 and 51; the bounds are over 5 sd away).
  EXPECT_GT(after_a, 5000U);
  EXPECT_LT(after_a, 5600U);
  EXPECT_GT(after_b, 2400U);
  EXPECT_LT(after_b, 2900U);
  EXPECT_EQ(out.arrivals[out.flow(0, 0)] + out.arrivals[out.flow(1, 0)],
            static_cast<std::int64_t>(before_b.size() + after_b));
}

TEST(Timeline, ARateOfZeroStopsArrivalsUntilTheNextChange) {
  Model m = streaming(100.0, 0.0);
  m.arrivals.changes.push_back(Arrivals::Change{400.0, 1.0, {}});
  Recorder rec;
  Simulation sim(m, 3, 0);
  sim.set_observer(&rec);
  (void)sim.run();
  std::size_t between = 0;
  std::size_t after = 0;
  for (const auto& e : rec.of(EventKind::kArrival)) {
    between += e.at.days >= 100.0 && e.at.days < 400.0 ? 1 : 0;
    after += e.at.days >= 400.0 ? 1 : 0;
  }
  EXPECT_EQ(between, 0U);
  EXPECT_GT(after, 3000U);  // 3,650 × 330.5 / 365.25 ≈ 3,303
}

TEST(Timeline, OccupantsAreCountedByNeedsModeAndSchoolingWhereTheirPlaceIs) {
  Model m = one_service(200, 50.0, 1);
  m.children.needs_levels = {"moderate", "high"};
  m.services[0].children.needs_shares = {0.25, 0.75};
  m.modes = {Mode{"internat", true, 1.0}, Mode{"day", false, 1.0}};
  m.services[0].mode_shares = {0.5, 0.5};
  Schooling inside;
  inside.name = "inside";
  Schooling ordinary;
  ordinary.name = "ordinary";
  ordinary.ordinary_school = true;
  m.schoolings = {inside, ordinary};
  m.services[0].schooling_shares = {0.7, 0.3};
  const auto out = Simulation(m, 5, 0).run();
  const auto i = out.cell(0, 0, 0);
  ASSERT_EQ(out.needs, 2);
  EXPECT_EQ(out.place_needs_end[i * 2] + out.place_needs_end[i * 2 + 1], 200);
  EXPECT_GT(out.place_needs_end[i * 2 + 1], 120);  // 150 expected (sd 6)
  EXPECT_LT(out.place_needs_end[i * 2 + 1], 180);
  EXPECT_EQ(out.place_mode_end[i * 2] + out.place_mode_end[i * 2 + 1], 200);
  EXPECT_EQ(out.place_mode_end[i * 2], out.occupants_mode_end[out.sub_cell(0, 0, 0, 2, 0)]);
  EXPECT_EQ(out.place_ordinary_school_end[i],
            out.occupants_schooling_end[out.sub_cell(0, 0, 0, 2, 1)]);
  EXPECT_GT(out.place_ordinary_school_end[i], 40);  // 60 expected (sd 6.5)
  EXPECT_LT(out.place_ordinary_school_end[i], 80);
}

}  // namespace
}  // namespace parcours::model
