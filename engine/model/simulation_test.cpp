#include "engine/model/simulation.hpp"

#include "engine/model/territory_graph.hpp"
#include "engine/model/test_recorder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

namespace parcours::model {
namespace {

constexpr double kYear = core::kDaysPerYear;

Service fixed_service(const std::string& name, std::int64_t places, double stay_years) {
  Service s;
  s.name = name;
  s.capacity = {places};
  s.length_of_stay_years = core::Distribution::fixed(stay_years);
  return s;
}

Model one_territory(std::vector<Service> services, int years) {
  Model m;
  m.territories = {home_territory("T0", "Territory 0", 1.0)};
  m.services = std::move(services);
  m.arrivals.rate_per_year = 0.0;
  m.arrivals.orientation.assign(m.services.size(), 0.0);
  m.arrivals.orientation[0] = 1.0;
  m.horizon_years = years;
  return m;
}

using testing::Recorder;

TEST(Simulation, WaitingListAdmitsFirstInFirstOut) {
  Model m = one_territory({fixed_service("A", 1, 1.0)}, 5);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 5.0, 0});
  sim.add_scripted_arrival({1.0, 0, 6.0, 0});
  sim.add_scripted_arrival({2.0, 0, 4.0, 0});
  const auto out = sim.run();
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 3U);
  EXPECT_EQ(admits[0].person, 0U);
  EXPECT_EQ(admits[1].person, 1U);
  EXPECT_EQ(admits[2].person, 2U);
  EXPECT_DOUBLE_EQ(admits[0].at.days, 0.0);
  EXPECT_DOUBLE_EQ(admits[1].at.days, kYear);
  EXPECT_DOUBLE_EQ(admits[2].at.days, 2 * kYear);
  // Period ends run before other events at the same time: year y is [y, y + 1), so the
  // admission on day 365.25 belongs to year 1 and both still wait at the end of year 0.
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 2);
  EXPECT_EQ(out.waiting_end[out.cell(1, 0, 0)], 1);
  EXPECT_EQ(out.waiting_end[out.cell(2, 0, 0)], 0);
}

TEST(Simulation, PersonLeavesTheListAtTheAgeLimitUnlessAdmittedFirst) {
  Service a = fixed_service("A", 1, 10.0);
  a.age_limit_years = 12.0;
  Model m = one_territory({a}, 3);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 5.0, 0});   // admitted, holds the place for years
  sim.add_scripted_arrival({1.0, 0, 11.0, 0});  // waits, turns 12 on day 1 + 365.25
  const auto out = sim.run();
  const auto aged = rec.of(EventKind::kAgedOutWaiting);
  ASSERT_EQ(aged.size(), 1U);
  EXPECT_EQ(aged[0].person, 1U);
  EXPECT_DOUBLE_EQ(aged[0].at.days, 1.0 + kYear);
  EXPECT_EQ(out.aged_out_waiting[out.cell(0, 0, 0)], 0);
  EXPECT_EQ(out.aged_out_waiting[out.cell(1, 0, 0)], 1);
  EXPECT_EQ(out.waiting_end[out.cell(1, 0, 0)], 0);
  EXPECT_EQ(out.departures[out.flow(1, 0)], 1);
}

// Cancellation: admission cancels the pending "ages out while waiting" event.
TEST(Simulation, AdmissionCancelsThePendingAgeOut) {
  Service a = fixed_service("A", 1, 1.0);
  a.age_limit_years = 12.0;
  Model m = one_territory({a}, 4);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 5.0, 0});   // leaves after a year
  sim.add_scripted_arrival({1.0, 0, 10.5, 0});  // waits; would turn 12 on day 1 + 1.5 years
  (void)sim.run();
  EXPECT_TRUE(rec.of(EventKind::kAgedOutWaiting).empty());
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 2U);
  EXPECT_DOUBLE_EQ(admits[1].at.days, kYear);
  // The stay is then cut by the age limit, not by the cancelled waiting-list event.
  const auto leaves = rec.of(EventKind::kLeave);
  ASSERT_EQ(leaves.size(), 2U);
  EXPECT_DOUBLE_EQ(leaves[1].at.days, 1.0 + 1.5 * kYear);
}

TEST(Simulation, StayEndsAtTheAgeLimitWhenThatComesFirst) {
  Service a = fixed_service("A", 1, 10.0);
  a.age_limit_years = 12.0;
  Model m = one_territory({a}, 9);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 5.0, 0});
  (void)sim.run();
  const auto leaves = rec.of(EventKind::kLeave);
  ASSERT_EQ(leaves.size(), 1U);
  EXPECT_DOUBLE_EQ(leaves[0].at.days, 7 * kYear);
}

// Creton: at its age limit a young adult with no adult place keeps its child place and waits;
// when an adult place frees it moves, and its child place goes to the head of the child list.
TEST(Simulation, CretonHolderKeepsItsPlaceUntilAnAdultPlaceFrees) {
  Service child = fixed_service("CHILD", 1, 100.0);
  child.age_limit_years = 20.0;
  child.on_age_limit = {{1.0, Action::kMove, 1}};
  Service adult = fixed_service("ADULT", 1, 2.0);
  adult.initial = {1.0, core::Distribution::fixed(30.0)};  // full until day 730.5
  Model m = one_territory({child, adult}, 4);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 19.5, 0});  // person 1: turns 20 on day 182.625
  sim.add_scripted_arrival({10.0, 0, 8.0, 0});  // person 2: waits for the child place
  const auto out = sim.run();

  const auto holds = rec.of(EventKind::kHold);
  ASSERT_EQ(holds.size(), 1U);
  EXPECT_EQ(holds[0].person, 1U);
  EXPECT_DOUBLE_EQ(holds[0].at.days, 0.5 * kYear);
  EXPECT_EQ(out.holding_end[out.cell(0, 0, 0)], 1);  // Creton at the end of year 0
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 1)], 1);  // on the adult list
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 1);  // person 2 on the child list

  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 3U);  // person 1 child, person 1 adult, person 2 child
  EXPECT_EQ(admits[1].person, 1U);
  EXPECT_EQ(admits[1].service, 1);
  EXPECT_DOUBLE_EQ(admits[1].at.days, 2 * kYear);
  EXPECT_EQ(admits[2].person, 2U);
  EXPECT_EQ(admits[2].service, 0);
  EXPECT_DOUBLE_EQ(admits[2].at.days, 2 * kYear);
  EXPECT_EQ(out.holding_end[out.cell(2, 0, 0)], 0);
  // Creton days count as occupied days of the child place: full all of year 1.
  EXPECT_DOUBLE_EQ(out.occupied_place_days[out.cell(1, 0, 0)], kYear);
}

TEST(Simulation, YoungAdultMovesAtOnceWhenAnAdultPlaceIsFree) {
  Service child = fixed_service("CHILD", 1, 100.0);
  child.age_limit_years = 20.0;
  child.on_age_limit = {{1.0, Action::kMove, 1}};
  Model m = one_territory({child, fixed_service("ADULT", 1, 5.0)}, 2);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 19.5, 0});
  const auto out = sim.run();
  EXPECT_TRUE(rec.of(EventKind::kHold).empty());
  EXPECT_EQ(out.holding_end[out.cell(0, 0, 0)], 0);
  EXPECT_EQ(out.admissions[out.cell(0, 0, 1)], 1);
  EXPECT_DOUBLE_EQ(out.occupied_place_days[out.cell(0, 0, 0)], 0.5 * kYear);
  EXPECT_DOUBLE_EQ(out.occupied_place_days[out.cell(0, 0, 1)], 0.5 * kYear);
}

TEST(Simulation, ReorientationJoinsTheTargetList) {
  Service sessad = fixed_service("SESSAD", 1, 1.0);
  sessad.on_stay_end = {{1.0, Action::kOrient, 1}};
  Model m = one_territory({sessad, fixed_service("IME", 1, 1.0)}, 3);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 5.0, 0});
  const auto out = sim.run();
  EXPECT_EQ(out.admissions[out.cell(1, 0, 1)], 1);
  EXPECT_DOUBLE_EQ(out.occupied_place_days[out.cell(1, 0, 1)], kYear);
  EXPECT_EQ(out.departures[out.flow(2, 0)], 1);
}

TEST(Simulation, PeopleOrientedBelowTheMinimumAgeJoinTheListAtThatAge) {
  Service a = fixed_service("A", 5, 1.0);
  a.min_age_years = 6.0;
  Model m = one_territory({a}, 3);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 4.5, 0});
  (void)sim.run();
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 1U);
  EXPECT_DOUBLE_EQ(admits[0].at.days, 1.5 * kYear);
}

Model small_congested_model() {
  Model m;
  m.territories = {home_territory("A", "A", 1.0), home_territory("B", "B", 3.0)};
  Service ime;
  ime.name = "IME";
  ime.capacity = {40, 120};
  ime.age_limit_years = 20.0;
  ime.length_of_stay_years = core::Distribution::exponential(6.5);
  ime.on_age_limit = {{1.0, Action::kMove, 2}};
  ime.initial = {1.0, core::Distribution::uniform(6.0, 20.0)};
  Service sessad;
  sessad.name = "SESSAD";
  sessad.capacity = {30, 90};
  sessad.age_limit_years = 18.0;
  sessad.length_of_stay_years = core::Distribution::exponential(5.0);
  sessad.on_stay_end = {{0.3, Action::kOrient, 0}, {0.7, Action::kLeave, kNoService}};
  sessad.initial = {0.5, core::Distribution::uniform(3.0, 18.0)};
  Service adult;
  adult.name = "ADULT";
  adult.capacity = {30, 80};
  adult.length_of_stay_years = core::Distribution::exponential(14.0);
  adult.initial = {1.0, core::Distribution::uniform(20.0, 60.0)};
  m.services = {ime, sessad, adult};
  m.arrivals = {60.0, core::Distribution::uniform(3.0, 16.0), {0.45, 0.55, 0.0}, 0.0, {}};
  m.horizon_years = 15;
  return m;
}

// Territories A - B (one border) plus X abroad taking children from A; service S with
// one place in A and in B, `abroad_places` in X, stays of `stay` years, no age limit.
Model two_neighbours(std::int64_t abroad_places, double stay, double closed_from_day) {
  Model m;
  m.territories = {home_territory("A", "A"), home_territory("B", "B")};
  m.territories[1].region = 1;
  Territory x = home_territory("X", "Abroad", 0.0);
  x.abroad = true;
  x.region = kNoRegion;
  x.senders = {0};
  x.closed_from_day = closed_from_day;
  m.territories.push_back(x);
  m.regions = {{"North"}, {"South"}};
  m.borders = {{0, 1}};
  m.placement.max_steps = 1;
  Service s = fixed_service("S", 1, stay);
  s.capacity = {1, 1, abroad_places};
  m.services = {s};
  m.arrivals.orientation = {1.0};
  m.horizon_years = 3;
  compute_reachable(m);
  return m;
}

TEST(Simulation, WithNoPlaceAtHomeAChildIsPlacedNextDoorAndAFreedPlaceServesNeighbours) {
  const Model m = two_neighbours(0, 1.0, 1e9);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 8.0, 0});   // A's place
  sim.add_scripted_arrival({10.0, 0, 8.0, 0});  // A full: B's free place, away from home
  sim.add_scripted_arrival({20.0, 1, 8.0, 0});  // B's child: both full, waits at home in B
  const auto out = sim.run();
  // End of year 0 (day 365.25; the period end runs before the stay end of the same day): A
  // holds its own child, B holds A's second child.
  EXPECT_EQ(out.occupied_end[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.occupied_end[out.cell(0, 1, 0)], 1);
  EXPECT_EQ(out.away_end[out.cell(0, 0, 0)], 1);  // counted at home, A
  EXPECT_EQ(out.away_end[out.cell(0, 1, 0)], 0);
  EXPECT_EQ(out.waiting_end[out.cell(0, 1, 0)], 1);
  // Day 365.25: A's place frees; A's list is empty, so B's waiting child takes it (away).
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_GE(admits.size(), 3U);
  EXPECT_EQ(admits[2].person, 2U);
  EXPECT_DOUBLE_EQ(admits[2].at.days, kYear);
  EXPECT_EQ(admits[2].territory, 1);  // its home
  // Its wait, 365.25 - 20 days = 11.3 months, is recorded for its home (B, region South).
  EXPECT_EQ(out.admitted_from_list[out.cell(1, 1, 0)], 1);
  EXPECT_DOUBLE_EQ(out.waited_days[out.cell(1, 1, 0)], kYear - 20.0);
  EXPECT_EQ(out.wait_histogram[out.wait_bin(1, 1, 0, 11)], 1);
  EXPECT_EQ(out.admitted_from_list[out.cell(0, 0, 0)], 0);  // the others never queued
}

TEST(Simulation, AbroadPlacesComeLastAndCloseAtTheMoratorium) {
  const Model m = two_neighbours(2, 10.0, 100.0);
  Simulation sim(m, 1, 0);
  sim.add_scripted_arrival({0.0, 0, 8.0, 0});    // A
  sim.add_scripted_arrival({1.0, 0, 8.0, 0});    // B (a neighbour comes before abroad)
  sim.add_scripted_arrival({2.0, 0, 8.0, 0});    // X, abroad
  sim.add_scripted_arrival({200.0, 0, 8.0, 0});  // X has a free place but is closed: waits
  sim.add_scripted_arrival({201.0, 1, 8.0, 0});  // B's child: X does not take B's children
  const auto out = sim.run();
  EXPECT_EQ(out.occupied_end[out.cell(0, 2, 0)], 1);
  EXPECT_EQ(out.abroad_end[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.away_end[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.waiting_end[out.cell(0, 1, 0)], 1);
  EXPECT_EQ(out.abroad_end[out.cell(0, 1, 0)], 0);
}

TEST(Simulation, InitialOccupantsAbroadComeFromItsSenders) {
  Model m = two_neighbours(50, 10.0, 1e9);
  m.services[0].initial = {1.0, core::Distribution::uniform(6.0, 14.0)};
  m.services[0].capacity = {0, 0, 50};
  const auto out = Simulation(m, 1, 0).run();
  EXPECT_EQ(out.abroad_end[out.cell(0, 0, 0)], 50);  // A is X's only sender
  EXPECT_EQ(out.present_start[out.flow(0, 0)], 50);
  EXPECT_EQ(out.present_start[out.flow(0, 2)], 0);  // no one lives abroad
}

TEST(Simulation, PeopleWaitingAtTimeZeroQueueLongestWaitFirstAndKeepTheirPastWait) {
  Service a = fixed_service("A", 2, 1.0);
  a.initial.share_of_places = 1.0;
  a.initial.age_years = core::Distribution::fixed(10.0);
  a.initial.waiting_per_place = 1.5;  // 3 people waiting for the 2 places
  a.initial.waiting_age_years = core::Distribution::fixed(8.0);
  a.initial.waited_years = core::Distribution::uniform(0.0, 2.0);
  Model m = one_territory({a}, 3);
  Simulation sim(m, 5, 0);
  Recorder rec;
  sim.set_observer(&rec);
  const auto out = sim.run();
  EXPECT_EQ(out.present_start[out.flow(0, 0)], 5);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 3);
  // Both places free on day 365.25 (fixed one-year stays): the first two on the list go in.
  const auto joins = rec.of(EventKind::kJoinList);
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(joins.size(), 3U);
  ASSERT_GE(admits.size(), 2U);
  EXPECT_EQ(admits[0].person, joins[0].person);
  EXPECT_EQ(admits[1].person, joins[1].person);
  EXPECT_DOUBLE_EQ(admits[0].at.days, kYear);
  // Each wait is the year since t = 0 plus what it had waited before, in [0, 2) years.
  const auto i = out.cell(1, 0, 0);
  EXPECT_EQ(out.admitted_from_list[i], 2);
  EXPECT_GT(out.waited_days[i], 2 * kYear);
  EXPECT_LT(out.waited_days[i], 2 * kYear + 2 * 2 * kYear);
}

TEST(Simulation, ArrivalsGrowByTheYearlyRate) {
  Service a = fixed_service("A", 0, 1.0);
  Model m = one_territory({a}, 4);
  m.arrivals.rate_per_year = 2000.0;
  m.arrivals.growth_per_year = 0.5;
  const auto out = Simulation(m, 3, 0).run();
  double expected = 2000.0;
  for (int y = 0; y < 4; ++y) {
    const auto n = static_cast<double>(out.arrivals[out.flow(y, 0)]);
    // Poisson: within 5 standard deviations (a false alarm about once in 1.7 million runs).
    EXPECT_NEAR(n, expected, 5.0 * std::sqrt(expected)) << "year " << y;
    expected *= 1.5;
  }
}

TEST(Simulation, NewcomersTakeTheirServicesOwnAgeLaw) {
  Service a = fixed_service("A", 1000, 5.0);
  Service b = fixed_service("B", 1000, 5.0);
  b.min_age_years = 4.0;
  b.arrival_age_years = core::Distribution::fixed(3.0);  // so B's newcomers wait one year
  Model m = one_territory({a, b}, 3);
  m.arrivals.rate_per_year = 50.0;
  m.arrivals.age_years = core::Distribution::fixed(10.0);
  m.arrivals.orientation = {0.5, 0.5};
  Simulation sim(m, 2, 0);
  Recorder rec;
  sim.set_observer(&rec);
  (void)sim.run();
  std::vector<double> arrived(200000, -1.0);
  for (const auto& e : rec.of(EventKind::kArrival)) {
    arrived[e.person] = e.at.days;
  }
  int seen_a = 0;
  int seen_b = 0;
  for (const auto& e : rec.of(EventKind::kAdmit)) {
    if (e.service == 0) {
      EXPECT_DOUBLE_EQ(e.at.days, arrived[e.person]);  // aged 10: admitted at once
      ++seen_a;
    } else {
      EXPECT_NEAR(e.at.days - arrived[e.person], kYear, 1e-6);  // aged 3, admitted at 4
      ++seen_b;
    }
  }
  EXPECT_GT(seen_a, 20);
  EXPECT_GT(seen_b, 20);
}

TEST(Simulation, PeopleAreConservedEveryPeriod) {
  const Model m = small_congested_model();
  const auto out = Simulation(m, 7, 0).run();
  std::int64_t arrivals = 0;
  for (int p = 0; p < out.periods; ++p) {
    for (int t = 0; t < out.territories; ++t) {
      const auto i = out.flow(p, t);
      EXPECT_EQ(out.present_start[i] + out.arrivals[i], out.present_end[i] + out.departures[i])
          << "period " << p << " territory " << t;
      if (p + 1 < out.periods) {
        EXPECT_EQ(out.present_end[i], out.present_start[out.flow(p + 1, t)]);
      }
      arrivals += out.arrivals[i];
    }
  }
  EXPECT_GT(arrivals, 0);
}

TEST(Simulation, EveryChildWaitingWithoutAPlaceHasOneInterimSituation) {
  Model m = small_congested_model();
  m.interim = {interim_situation("nothing", true, false), interim_situation("school", false, true)};
  m.services[0].interim_shares = {0.25, 0.75};  // IME
  m.services[1].interim_shares = {0.5, 0.5};    // SESSAD; ADULT records none
  m.arrivals.rate_per_year = 200.0;
  const auto out = Simulation(m, 7, 0).run();
  ASSERT_EQ(out.interims, 2);
  std::int64_t nothing = 0;
  std::int64_t all = 0;
  for (int p = 0; p < out.periods; ++p) {
    for (int t = 0; t < out.territories; ++t) {
      for (int s = 0; s < out.services; ++s) {
        const auto by_situation = out.waiting_interim_end[out.interim_cell(p, t, s, 0)] +
                                  out.waiting_interim_end[out.interim_cell(p, t, s, 1)];
        // IME and SESSAD waiters hold no place (re-oriented children free theirs first);
        // adult waiters are Creton holders, and ADULT records no situation anyway.
        EXPECT_EQ(by_situation, s == 2 ? 0 : out.waiting_end[out.cell(p, t, s)])
            << "period " << p << " territory " << t << " service " << s;
        if (s == 0) {
          nothing += out.waiting_interim_end[out.interim_cell(p, t, s, 0)];
          all += by_situation;
        }
      }
    }
  }
  // The IME waiters of every year-end, pooled: about a quarter with nothing. A child waiting
  // at several year-ends is counted each time, so the pooled share varies more than a
  // binomial of that size: allow 15 binomial standard deviations (about 0.07 here).
  ASSERT_GT(all, 1000);
  const double n = static_cast<double>(all);
  EXPECT_NEAR(static_cast<double>(nothing) / n, 0.25, 15.0 * std::sqrt(0.25 * 0.75 / n));
}

TEST(Simulation, SameSeedAndReplicationGiveIdenticalIndicators) {
  const Model m = small_congested_model();
  const auto a = Simulation(m, 7, 3).run();
  const auto b = Simulation(m, 7, 3).run();
  EXPECT_EQ(a.occupied_place_days, b.occupied_place_days);
  EXPECT_EQ(a.admissions, b.admissions);
  EXPECT_EQ(a.waiting_end, b.waiting_end);
  EXPECT_EQ(a.holding_end, b.holding_end);
  EXPECT_EQ(a.aged_out_waiting, b.aged_out_waiting);
  EXPECT_EQ(a.events, b.events);
  const auto c = Simulation(m, 7, 4).run();
  EXPECT_NE(a.occupied_place_days, c.occupied_place_days);
}

// Common random numbers: a policy that changes only adult capacity leaves arrivals (times,
// ages, orientations) unchanged.
TEST(Simulation, ArrivalsDoNotDependOnPolicy) {
  Model base = small_congested_model();
  Model reform = base;
  reform.services[2].capacity = {60, 160};
  Recorder a;
  Recorder b;
  Simulation sa(base, 7, 0);
  sa.set_observer(&a);
  (void)sa.run();
  Simulation sb(reform, 7, 0);
  sb.set_observer(&b);
  (void)sb.run();
  const auto xa = a.of(EventKind::kArrival);
  const auto xb = b.of(EventKind::kArrival);
  ASSERT_EQ(xa.size(), xb.size());
  for (std::size_t i = 0; i < xa.size(); ++i) {
    ASSERT_EQ(xa[i].at.days, xb[i].at.days);
    ASSERT_EQ(xa[i].territory, xb[i].territory);
    ASSERT_EQ(xa[i].service, xb[i].service);
  }
}

// M/M/c check against Erlang C. One service with c places, Poisson arrivals (lambda per
// year), exponential stays (mean 1/mu years), no age limit. R independent replications give
// R mean waits; the design (R = 40, 100 years after a 20-year warm-up, lambda = 40, c = 50,
// mu = 1) and the 99.9 % t interval (t = 3.558 for 39 d.f.) are fixed before any run.
double erlang_c_mean_wait(int c, double lambda, double mu) {
  const double a = lambda / mu;
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k < c; ++k) {
    term *= a / k;
    sum += term;
  }
  term *= a / c;
  const double tail = term * c / (c - a);
  const double p_wait = tail / (sum + tail);
  return p_wait / (c * mu - lambda);
}

class WaitRecorder : public Observer {
 public:
  explicit WaitRecorder(double warmup_day) : warmup_day_(warmup_day) {}

  void on_event(const EventRecord& r) override {
    if (r.kind == EventKind::kArrival) {
      if (arrived_.size() <= r.person) {
        arrived_.resize(r.person + 1, -1.0);
      }
      arrived_[r.person] = r.at.days;
    } else if (r.kind == EventKind::kAdmit && arrived_[r.person] >= warmup_day_) {
      total_wait_days += r.at.days - arrived_[r.person];
      ++admitted;
    }
  }

  double total_wait_days = 0.0;
  std::int64_t admitted = 0;

 private:
  double warmup_day_;
  std::vector<double> arrived_;
};

TEST(Simulation, MmcMeanWaitMatchesErlangC) {
  const int c = 50;
  const double lambda = 40.0;
  const double mu = 1.0;
  const int replications = 40;
  const double t_999 = 3.558;
  Service s;
  s.name = "S";
  s.capacity = {c};
  s.length_of_stay_years = core::Distribution::exponential(1.0 / mu);
  Model m = one_territory({s}, 120);
  m.arrivals.rate_per_year = lambda;
  std::vector<double> means;
  for (int r = 0; r < replications; ++r) {
    Simulation sim(m, 2024, static_cast<std::uint64_t>(r));
    WaitRecorder rec(20.0 * kYear);
    sim.set_observer(&rec);
    (void)sim.run();
    means.push_back(rec.total_wait_days / kYear / static_cast<double>(rec.admitted));
  }
  const double mean = std::accumulate(means.begin(), means.end(), 0.0) / replications;
  double ss = 0.0;
  for (double x : means) {
    ss += (x - mean) * (x - mean);
  }
  const double half_width = t_999 * std::sqrt(ss / (replications - 1) / replications);
  const double expected = erlang_c_mean_wait(c, lambda, mu);
  EXPECT_NEAR(mean, expected, half_width) << "Erlang C mean wait " << expected << " years";
  EXPECT_GT(expected, 0.0);
}

}  // namespace
}  // namespace parcours::model
