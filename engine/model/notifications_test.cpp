// MDPH notifications: orientations that expire and are renewed or lapse while a child waits, and
// double orientations (a place of the alternative service taken meanwhile).
#include "engine/model/simulation.hpp"
#include "engine/model/test_recorder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace parcours::model {
namespace {

constexpr double kYear = core::kDaysPerYear;

using testing::Recorder;

// One territory; S: `places` places full for 50 years (so nobody on its list is admitted); A,
// the alternative, 6 to 14, `alternative_places` free places, stays of 50 years.
Model target_and_alternative(std::int64_t places, std::int64_t alternative_places,
                             int horizon_years) {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  Service s;
  s.name = "S";
  s.capacity = {places};
  s.length_of_stay_years = core::Distribution::fixed(50.0);
  s.initial = {1.0, core::Distribution::fixed(10.0)};
  Service a;
  a.name = "A";
  a.capacity = {alternative_places};
  a.min_age_years = 6.0;
  a.age_limit_years = 14.0;
  a.length_of_stay_years = core::Distribution::fixed(50.0);
  m.services = {s, a};
  m.arrivals.orientation = {1.0, 0.0};
  m.horizon_years = horizon_years;
  return m;
}

TEST(Notifications, AnOrientationIsRenewedAtEachExpiryWhileTheChildWaits) {
  Model m = target_and_alternative(1, 0, 3);
  m.notifications.validity_years = 1.0;
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  const auto out = sim.run();
  const auto renewals = rec.of(EventKind::kRenewed);
  ASSERT_EQ(renewals.size(), 2U);  // at 1 and 2 years of waiting; the third is past the horizon
  EXPECT_DOUBLE_EQ(renewals[0].at.days, 10.0 + kYear);
  EXPECT_DOUBLE_EQ(renewals[1].at.days, 10.0 + 2 * kYear);
  EXPECT_EQ(out.renewed[out.cell(0, 0, 0)], 0);
  EXPECT_EQ(out.renewed[out.cell(1, 0, 0)], 1);
  EXPECT_EQ(out.renewed[out.cell(2, 0, 0)], 1);
  EXPECT_EQ(out.lapsed[out.cell(2, 0, 0)], 0);
  EXPECT_EQ(out.waiting_end[out.cell(2, 0, 0)], 1);
}

TEST(Notifications, AnUnrenewedOrientationLapsesAndTheChildLeaves) {
  Model m = target_and_alternative(1, 0, 2);
  m.notifications.validity_years = 1.0;
  m.notifications.renewal_share = 0.0;
  Simulation sim(m, 1, 0);
  sim.record_spells(true);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  const auto out = sim.run();
  ASSERT_EQ(rec.of(EventKind::kLapsed).size(), 1U);
  EXPECT_DOUBLE_EQ(rec.of(EventKind::kLapsed)[0].at.days, 10.0 + kYear);
  EXPECT_EQ(out.lapsed[out.cell(1, 0, 0)], 1);
  EXPECT_EQ(out.waiting_end[out.cell(1, 0, 0)], 0);
  EXPECT_EQ(out.departures[out.flow(1, 0)], 1);
  bool lapsed_spell = false;
  for (const Spell& spell : out.spells) {
    lapsed_spell = lapsed_spell || (spell.end == Spell::End::kLapsed &&
                                    spell.state == Spell::State::kWaiting && spell.service == 0);
  }
  EXPECT_TRUE(lapsed_spell);
}

TEST(Notifications, ExpiriesCountFromTheDayTheChildBeganWaiting) {
  // People on the list at t = 0 who have waited 2.5 years, with orientations of 2 years: the
  // next expiry of each is at 4 years of waiting, 1.5 years into the run.
  Model m = target_and_alternative(10, 0, 2);
  m.services[0].initial.waiting_per_place = 1.0;
  m.services[0].initial.waiting_age_years = core::Distribution::fixed(8.0);
  m.services[0].initial.waited_years = core::Distribution::fixed(2.5);
  m.notifications.validity_years = 2.0;
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  const auto out = sim.run();
  ASSERT_EQ(rec.of(EventKind::kRenewed).size(), 10U);
  EXPECT_NEAR(rec.of(EventKind::kRenewed)[0].at.days, 1.5 * kYear, 1e-3);
  EXPECT_EQ(out.renewed[out.cell(1, 0, 0)], 10);
}

TEST(Notifications, RenewalsFollowTheirShare) {
  Model m = target_and_alternative(1, 0, 2);
  m.notifications.validity_years = 1.0;
  m.notifications.renewal_share = 0.7;
  Simulation sim(m, 5, 0);
  for (int i = 0; i < 2000; ++i) {
    sim.add_scripted_arrival({1.0 + 0.1 * i, 0, 8.0, 0});
  }
  const auto out = sim.run();
  const auto renewed = out.renewed[out.cell(1, 0, 0)];
  EXPECT_EQ(renewed + out.lapsed[out.cell(1, 0, 0)], 2000);
  // Binomial(2000, 0.7): sd ~ 20.5; 5 sd.
  EXPECT_NEAR(static_cast<double>(renewed), 1400.0, 103.0);
}

TEST(DoubleOrientation, AChildTakesAFreeAlternativePlaceAndWaitsFromIt) {
  Model m = target_and_alternative(1, 1, 3);
  m.services[0].alternative = 1;
  m.services[0].alternative_share = 1.0;
  m.services[0].length_of_stay_years = core::Distribution::fixed(1.0);  // S frees at a year
  m.interim = {interim_situation("nothing", true, false)};
  m.services[0].interim_shares = {1.0};
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  const auto out = sim.run();
  // Year 0: in A's place, waiting for S (a stepping holder), with no interim situation.
  EXPECT_EQ(out.to_alternative[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.occupied_end[out.cell(0, 0, 1)], 1);
  EXPECT_EQ(out.stepping_end[out.cell(0, 0, 1)], 1);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(0, 0, 0, 0)], 0);
  // S's place frees at a year: it moves there, and A's place frees.
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 2U);
  EXPECT_EQ(admits[0].service, 1);
  EXPECT_EQ(admits[1].service, 0);
  EXPECT_DOUBLE_EQ(admits[1].at.days, kYear);
  EXPECT_EQ(out.occupied_end[out.cell(1, 0, 1)], 0);
  EXPECT_EQ(out.waiting_end[out.cell(1, 0, 0)], 0);
}

TEST(DoubleOrientation, OnlyItsShareOfOrientationsComeWithTheAlternative) {
  Model m = target_and_alternative(1, 5000, 1);
  m.services[0].alternative = 1;
  m.services[0].alternative_share = 0.3;
  Simulation sim(m, 2, 0);
  for (int i = 0; i < 2000; ++i) {
    sim.add_scripted_arrival({1.0 + 0.1 * i, 0, 8.0, 0});
  }
  const auto out = sim.run();
  const auto taken = out.to_alternative[out.cell(0, 0, 0)];
  EXPECT_EQ(taken, out.occupied_end[out.cell(0, 0, 1)]);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 2000);  // all still wait for S
  // Binomial(2000, 0.3): sd ~ 20.5; 5 sd.
  EXPECT_NEAR(static_cast<double>(taken), 600.0, 103.0);
}

TEST(DoubleOrientation, NotTakenOutsideTheAlternativesAgeBand) {
  Model m = target_and_alternative(1, 1, 1);
  m.services[0].alternative = 1;
  m.services[0].alternative_share = 1.0;
  Simulation sim(m, 1, 0);
  sim.add_scripted_arrival({10.0, 0, 15.0, 0});  // A stops at 14
  const auto out = sim.run();
  EXPECT_EQ(out.to_alternative[out.cell(0, 0, 0)], 0);
  EXPECT_EQ(out.occupied_end[out.cell(0, 0, 1)], 0);
}

TEST(DoubleOrientation, APagBringsTheAlternativeAndKeepsThePriority) {
  Model m = target_and_alternative(1, 1, 2);
  m.services[0].alternative = 1;  // share 0: only at a PAG
  m.interim = {interim_situation("nothing", true, false),
               interim_situation("partial", false, false)};
  m.services[0].interim_shares = {1.0, 0.0};
  m.lists.review_every_months = 6;
  m.lists.pag_after_years = 0.25;
  m.lists.pag_interim = 1;
  PriorityLevel critical = any_child("critical");
  critical.pag = true;
  m.lists.priority = {critical, any_child("others")};
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0});
  const auto out = sim.run();
  ASSERT_EQ(rec.of(EventKind::kPag).size(), 1U);
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 1U);
  EXPECT_EQ(admits[0].service, 1);
  EXPECT_DOUBLE_EQ(admits[0].at.days, 6 * core::kDaysPerMonth);
  EXPECT_EQ(out.to_alternative[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.stepping_end[out.cell(0, 0, 1)], 1);
  EXPECT_EQ(out.pag_end[out.cell(0, 0, 0)], 1);  // still has its PAG, for S
  EXPECT_EQ(out.waiting_priority_end[out.priority_cell(0, 0, 0, 0)], 1);
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(0, 0, 0, 1)], 0);  // holds a place
}

}  // namespace
}  // namespace parcours::model
