// Where leavers go (named outcomes of a decision's leave branches), and interim situations with
// a limited capacity (AESH hours, PCPE places) that send children to a fallback when full.
#include "engine/model/simulation.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace parcours::model {
namespace {

constexpr double kYear = core::kDaysPerYear;

// One territory, one service S of `places` places full at t = 0 with stays of `stay` years.
Model one_service(std::int64_t places, double stay, int horizon_years) {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  Service s;
  s.name = "S";
  s.capacity = {places};
  s.length_of_stay_years = core::Distribution::fixed(stay);
  s.initial = {1.0, core::Distribution::fixed(10.0)};
  m.services = {s};
  m.arrivals.orientation = {1.0};
  m.horizon_years = horizon_years;
  return m;
}

TEST(Outcomes, LeaversAreCountedByTheOutcomeTheirBranchNames) {
  Model m = one_service(1000, 0.5, 1);
  m.outcomes = {{"home", ""}, {"work", "ordinary work"}};
  // 30 % home, 50 % work, 20 % unnamed.
  m.services[0].on_stay_end = {Branch{0.3, Action::kLeave, kNoService, 0},
                               Branch{0.5, Action::kLeave, kNoService, 1},
                               Branch{0.2, Action::kLeave, kNoService, kNoOutcome}};
  Simulation sim(m, 7, 0);
  const auto out = sim.run();
  ASSERT_EQ(out.outcomes, 2);
  const std::int64_t home = out.left_to[out.outcome_cell(0, 0, 0, 0)];
  const std::int64_t work = out.left_to[out.outcome_cell(0, 0, 0, 1)];
  // Every occupant's stay ends at half a year: 1,000 leavers, binomial shares (sd about 15).
  EXPECT_EQ(out.departures[out.flow(0, 0)], 1000);
  EXPECT_NEAR(static_cast<double>(home), 300.0, 60.0);
  EXPECT_NEAR(static_cast<double>(work), 500.0, 60.0);
  EXPECT_LT(home + work, 1000);  // the unnamed 20 % are in no outcome
  EXPECT_GT(home + work, 700);
}

TEST(Outcomes, NoOutcomesMeansNoOutcomeCounts) {
  Model m = one_service(10, 0.5, 1);
  Simulation sim(m, 7, 0);
  const auto out = sim.run();
  EXPECT_EQ(out.outcomes, 0);
  EXPECT_TRUE(out.left_to.empty());
}

// S is full for 50 years, so arrivals wait; its waiting children are in "aesh" (room for two
// children at half an FTE each in one FTE), else in "school".
Model limited_interim(double capacity) {
  Model m = one_service(1, 50.0, 2);
  m.services[0].age_limit_years = 14.0;
  InterimSituation aesh = interim_situation("aesh", false, true);
  aesh.capacity = {capacity};
  aesh.per_child = 0.5;
  aesh.fallback = 1;
  m.interim = {aesh, interim_situation("school", false, true)};
  m.services[0].interim_shares = {1.0, 0.0};
  return m;
}

TEST(LimitedInterim, AChildFindingNoRoomTakesTheFallback) {
  Model m = limited_interim(1.0);
  Simulation sim(m, 1, 0);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  sim.add_scripted_arrival({20.0, 0, 8.0, 0});
  sim.add_scripted_arrival({30.0, 0, 8.0, 0});
  const auto out = sim.run();
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(0, 0, 0, 0)], 2);  // 2 × 0.5 = 1 FTE
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(0, 0, 0, 1)], 1);
  EXPECT_EQ(out.interim_fallbacks[out.interim_cell(0, 0, 0, 0)], 1);
  EXPECT_EQ(out.interim_fallbacks[out.interim_cell(0, 0, 0, 1)], 0);
}

TEST(LimitedInterim, RoomFreedByAChildLeavingTheListGoesToTheNextChildDrawingIt) {
  Model m = limited_interim(1.0);
  Simulation sim(m, 1, 0);
  sim.add_scripted_arrival({10.0, 0, 13.5, 0});  // ages out of S's list after half a year
  sim.add_scripted_arrival({20.0, 0, 8.0, 0});
  sim.add_scripted_arrival({30.0, 0, 8.0, 0});  // no room: falls back, and keeps its fallback
  sim.add_scripted_arrival({kYear + 10.0, 0, 8.0, 0});  // the first's room is free again
  const auto out = sim.run();
  EXPECT_EQ(out.aged_out_waiting[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(1, 0, 0, 0)], 2);
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(1, 0, 0, 1)], 1);
  EXPECT_EQ(out.interim_fallbacks[out.interim_cell(0, 0, 0, 0)], 1);
  EXPECT_EQ(out.interim_fallbacks[out.interim_cell(1, 0, 0, 0)], 0);
}

TEST(LimitedInterim, ZeroCapacitySendsEveryoneToTheFallback) {
  Model m = limited_interim(0.0);
  Simulation sim(m, 1, 0);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  sim.add_scripted_arrival({20.0, 0, 8.0, 0});
  const auto out = sim.run();
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(0, 0, 0, 0)], 0);
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(0, 0, 0, 1)], 2);
  EXPECT_EQ(out.interim_fallbacks[out.interim_cell(0, 0, 0, 0)], 2);
}

TEST(LimitedInterim, APagInterimWithNoRoomFallsBackToo) {
  Model m = limited_interim(0.0);
  // Children wait with no solution; after a year, at a review, they get a PAG whose partial
  // services ("aesh" here, full) send them to the fallback.
  InterimSituation nothing = interim_situation("nothing", true, false);
  m.interim.push_back(nothing);
  m.services[0].interim_shares = {0.0, 0.0, 1.0};
  m.lists.review_every_months = 6;
  m.lists.pag_after_years = 0.5;
  m.lists.pag_interim = 0;
  Simulation sim(m, 1, 0);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  const auto out = sim.run();
  EXPECT_EQ(out.pag_end[out.cell(1, 0, 0)], 1);
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(1, 0, 0, 1)], 1);
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(1, 0, 0, 2)], 0);
  EXPECT_EQ(out.interim_fallbacks[out.interim_cell(0, 0, 0, 0)] +
                out.interim_fallbacks[out.interim_cell(1, 0, 0, 0)],
            1);
}

}  // namespace
}  // namespace parcours::model
