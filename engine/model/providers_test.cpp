// Providers: admission within their authorisation, lists pooled per territory or held by each
// provider (with several applications per child), and their indicators.
#include "engine/model/simulation.hpp"
#include "engine/model/test_recorder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace parcours::model {
namespace {

constexpr double kYear = core::kDaysPerYear;
constexpr std::uint8_t kIntellectual = 0;
constexpr std::uint8_t kAutism = 1;

using testing::Recorder;

Provider provider(std::string name, std::int64_t places,
                  std::uint8_t impairments = Provider::kAnyImpairment) {
  Provider p;
  p.name = std::move(name);
  p.places = places;
  p.impairments = impairments;
  return p;
}

// One territory, one service S whose places are those of `providers`, filled at t = 0 by
// occupants aged 10 whose stays all end after `busy_years` (later stays: the same fixed law);
// two impairments (intellectual, autism); no arrivals but scripted ones.
Model with_providers(std::vector<Provider> providers, double busy_years, int horizon_years) {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  m.children.impairments = {"intellectual", "autism"};
  Service s;
  s.name = "S";
  s.capacity = {0};
  for (const Provider& p : providers) {
    s.capacity[0] += p.places;
  }
  s.length_of_stay_years = core::Distribution::fixed(busy_years);
  s.initial = {1.0, core::Distribution::fixed(10.0)};
  s.children.impairment_shares = {0.5, 0.5};
  m.services = {s};
  m.providers = std::move(providers);
  m.organisations = {Organisation{"O"}};
  m.arrivals.orientation = {1.0};
  m.horizon_years = horizon_years;
  return m;
}

Attributes of(std::uint8_t impairment) {
  Attributes a;
  a.impairment = impairment;
  return a;
}

TEST(Providers, OccupantsAtTheStartAreChildrenTheirProviderMayAdmit) {
  Model m = with_providers({provider("AUT", 400, 1U << kAutism), provider("ANY", 400)}, 50.0, 1);
  const auto out = Simulation(m, 7, 0).run();
  ASSERT_EQ(out.providers, 2);
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(0, 0)], 400);
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(0, 1)], 400);
  // Half of ANY's 400 are autistic, by draw, and all of AUT's: about 600 of 800.
  const auto autism = out.occupants_impairment_end[out.impairment_cell(0, 0, 0, kAutism)];
  EXPECT_GT(autism, 400 + 150);
  EXPECT_LT(autism, 400 + 250);
  EXPECT_EQ(autism + out.occupants_impairment_end[out.impairment_cell(0, 0, 0, kIntellectual)],
            800);
}

TEST(Providers, AFreePlaceGoesToAChildItsProviderMayAdmit) {
  Model m = with_providers({provider("AUT", 1, 1U << kAutism), provider("ANY", 1)}, 50.0, 1);
  m.services[0].initial.share_of_places = 0.0;  // both places free
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0, of(kIntellectual)});  // AUT may not take it: ANY
  sim.add_scripted_arrival({20.0, 0, 8.0, 0, of(kIntellectual)});  // AUT free, but not for it
  sim.add_scripted_arrival({30.0, 0, 8.0, 0, of(kAutism)});        // AUT
  const auto out = sim.run();
  ASSERT_EQ(rec.of(EventKind::kAdmit).size(), 2U);
  EXPECT_EQ(rec.of(EventKind::kAdmit)[0].person, 0U);
  EXPECT_EQ(rec.of(EventKind::kAdmit)[1].person, 2U);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 1);  // the second child waits by a free place
  EXPECT_EQ(out.provider_admissions[out.provider_cell(0, 0)], 1);
  EXPECT_EQ(out.provider_admissions[out.provider_cell(0, 1)], 1);
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(0, 0)], 1);
}

TEST(Providers, APooledListSkipsChildrenTheFreedPlaceMayNotTake) {
  // AUT's occupant leaves after 1 year, ANY's after 2: the intellectual child who waited
  // longest is passed over for AUT's place, then takes ANY's.
  Model m = with_providers({provider("AUT", 1, 1U << kAutism), provider("ANY", 1)}, 1.0, 3);
  m.services[0].initial.age_years = core::Distribution::fixed(10.0);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0, of(kIntellectual)});
  sim.add_scripted_arrival({20.0, 0, 8.0, 0, of(kAutism)});
  const auto out = sim.run();
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_GE(admits.size(), 2U);
  // Both initial stays end at day kYear (fixed law); AUT's place goes to the autistic child
  // (id 3), ANY's to the intellectual one (id 2), whatever the order the places free in.
  std::vector<std::uint32_t> first_two{admits[0].person, admits[1].person};
  std::sort(first_two.begin(), first_two.end());
  EXPECT_EQ(first_two, (std::vector<std::uint32_t>{2U, 3U}));
  EXPECT_DOUBLE_EQ(admits[0].at.days, kYear);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 2);  // a period ends before that day's events
  EXPECT_EQ(out.waiting_end[out.cell(1, 0, 0)], 0);
}

TEST(Providers, AnAutismOnlyPlaceStaysFreeWhileOnlyOthersWait) {
  Model m = with_providers({provider("AUT", 1, 1U << kAutism), provider("ANY", 1)}, 1.0, 2);
  m.services[0].length_of_stay_years = core::Distribution::fixed(1.5);
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0, of(kIntellectual)});
  sim.add_scripted_arrival({20.0, 0, 8.0, 0, of(kIntellectual)});
  const auto out = sim.run();
  // Initial stays end at 1.5 years: ANY takes the first child; AUT's place stays free.
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(1, 0)], 0);
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(1, 1)], 1);
  EXPECT_EQ(out.waiting_end[out.cell(1, 0, 0)], 1);
  EXPECT_EQ(out.occupied_end[out.cell(1, 0, 0)], 1);
}

TEST(Providers, AnImpairmentNoProviderIsAuthorisedForIsAdmittedByDerogation) {
  // Three impairments; A takes autism only, B intellectual only, C (no places) polyhandicap:
  // nobody with places is authorised for polyhandicap, so A and B both may admit it.
  Model m = with_providers({provider("A", 1, 1U << kAutism), provider("B", 1, 1U << kIntellectual),
                            provider("C", 0, 1U << 2)},
                           50.0, 1);
  m.children.impairments.push_back("polyhandicap");
  m.services[0].children.impairment_shares = {0.5, 0.5, 0.0};
  m.services[0].initial.share_of_places = 0.0;
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0, of(2)});  // polyhandicap: the first free place, A
  sim.add_scripted_arrival({20.0, 0, 8.0, 0, of(kAutism)});  // A is taken: waits by B's place
  sim.add_scripted_arrival({30.0, 0, 8.0, 0, of(2)});        // B, by derogation
  const auto out = sim.run();
  ASSERT_EQ(rec.of(EventKind::kAdmit).size(), 2U);
  EXPECT_EQ(rec.of(EventKind::kAdmit)[0].person, 0U);
  EXPECT_EQ(rec.of(EventKind::kAdmit)[1].person, 2U);
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(0, 0)], 1);
  EXPECT_EQ(out.provider_occupied_end[out.provider_cell(0, 1)], 1);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 1);
}

// Two providers of one place each, full until their stays end at half a year (then stays of
// half a year); the tests add children to the lists.
Model two_providers(bool per_provider, int applications) {
  Model m = with_providers({provider("A", 1), provider("B", 1)}, 0.5, 3);
  m.lists.per_provider = per_provider;
  m.lists.applications = applications;
  return m;
}

std::vector<std::uint32_t> admitted(bool per_provider, int applications, std::uint64_t seed,
                                    Indicators* out = nullptr) {
  const Model m = two_providers(per_provider, applications);
  Simulation sim(m, seed, 0);
  Recorder rec;
  sim.set_observer(&rec);
  for (int i = 0; i < 3; ++i) {
    sim.add_scripted_arrival({10.0 * (i + 1), 0, 8.0, 0, of(kIntellectual)});
  }
  auto result = sim.run();
  std::vector<std::uint32_t> ids;
  for (const auto& e : rec.of(EventKind::kAdmit)) {
    ids.push_back(e.person);
  }
  if (out != nullptr) {
    *out = std::move(result);
  }
  return ids;
}

TEST(ListsPerProvider, ApplyingEverywhereIsThePooledListWhenEveryChildFitsEveryPlace) {
  Indicators pooled;
  Indicators everywhere;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    EXPECT_EQ(admitted(false, 1, seed, &pooled), admitted(true, 2, seed, &everywhere));
    EXPECT_EQ(pooled.waiting_end, everywhere.waiting_end);
    EXPECT_EQ(pooled.provider_occupied_end, everywhere.provider_occupied_end);
  }
  // At the first year's end two were admitted; the third, still waiting, is on both providers'
  // lists, and counted once on its territory's.
  ASSERT_EQ(everywhere.waiting_end[everywhere.cell(0, 0, 0)], 1);
  EXPECT_EQ(everywhere.provider_applications_end[everywhere.provider_cell(0, 0)], 1);
  EXPECT_EQ(everywhere.provider_applications_end[everywhere.provider_cell(0, 1)], 1);
  EXPECT_EQ(pooled.provider_applications_end[pooled.provider_cell(0, 0)], 0);
}

TEST(ListsPerProvider, AFreedPlaceServesOnlyItsOwnList) {
  // One application each: with the children spread over A's and B's lists by draw, a place of
  // the provider whose list is empty stays free while the other's children wait. Some seed
  // shows it (each child picks A or B with probability 1/2).
  bool seen_free_place_while_waiting = false;
  for (std::uint64_t seed = 1; seed <= 40 && !seen_free_place_while_waiting; ++seed) {
    Model m = two_providers(true, 1);
    Simulation sim(m, seed, 0);
    sim.add_scripted_arrival({10.0, 0, 8.0, 0, of(kIntellectual)});
    sim.add_scripted_arrival({20.0, 0, 8.0, 0, of(kIntellectual)});
    sim.add_scripted_arrival({30.0, 0, 8.0, 0, of(kIntellectual)});
    const auto out = sim.run();
    // Both initial stays end after a year: 2 places free, 3 children waiting.
    const auto occupied = out.occupied_end[out.cell(0, 0, 0)];
    const auto waiting = out.waiting_end[out.cell(0, 0, 0)];
    EXPECT_EQ(occupied + waiting, 3);
    const auto a = out.provider_applications_end[out.provider_cell(0, 0)];
    const auto b = out.provider_applications_end[out.provider_cell(0, 1)];
    EXPECT_EQ(a + b, waiting);  // one application each
    if (occupied < 2) {
      seen_free_place_while_waiting = true;
      EXPECT_TRUE(a == 0 || b == 0);  // the free place's own list is empty
    }
  }
  EXPECT_TRUE(seen_free_place_while_waiting);
}

TEST(ListsPerProvider, AChildAdmittedOnceLeavesAllItsLists) {
  Model m = two_providers(true, 2);
  m.lists.review_every_months = 4;
  m.lists.removal_per_review = 1.0;  // every child still waiting at the first review leaves
  Simulation sim(m, 3, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0, of(kIntellectual)});
  sim.add_scripted_arrival({20.0, 0, 8.0, 0, of(kIntellectual)});
  sim.add_scripted_arrival({50.0, 0, 8.0, 0, of(kIntellectual)});
  const auto out = sim.run();
  // At the review (month 4, before the places free at half a year) the three children leave,
  // each once, though each is on two lists.
  EXPECT_EQ(out.removed_at_review[out.cell(0, 0, 0)], 3);
  EXPECT_EQ(rec.of(EventKind::kRemoved).size(), 3U);
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 0);
  EXPECT_EQ(out.provider_applications_end[out.provider_cell(0, 0)], 0);
  EXPECT_EQ(out.provider_applications_end[out.provider_cell(0, 1)], 0);
}

TEST(ListsPerProvider, PriorityCountsEachChildOnce) {
  Model m = with_providers({provider("A", 1), provider("B", 1)}, 1.0, 3);
  m.lists.per_provider = true;
  m.lists.applications = 2;
  m.children.needs_levels = {"moderate", "very_high"};
  PriorityLevel urgent = any_child("urgent");
  urgent.needs = {1};
  m.lists.priority = {urgent, any_child("others")};
  Simulation sim(m, 3, 0);
  Attributes urgent_child = of(kIntellectual);
  urgent_child.needs = 1;
  sim.add_scripted_arrival({10.0, 0, 8.0, 0, of(kIntellectual)});
  sim.add_scripted_arrival({20.0, 0, 8.0, 0, urgent_child});
  const auto out = sim.run();
  EXPECT_EQ(out.waiting_priority_end[out.priority_cell(0, 0, 0, 0)], 1);
  EXPECT_EQ(out.waiting_priority_end[out.priority_cell(0, 0, 0, 1)], 1);
  EXPECT_EQ(out.provider_applications_end[out.provider_cell(0, 0)], 2);
  // In year 2 the places freed at a year went to the urgent child and the other one.
  EXPECT_EQ(out.waiting_end[out.cell(1, 0, 0)], 0);
  EXPECT_EQ(out.occupied_end[out.cell(1, 0, 0)], 2);
}

TEST(ListsPerProvider, ApplicationsAreDrawnInProportionToPlaces) {
  // 1,000 children each apply to one of A (3 places) and B (1 place), all full for 50 years.
  Model m = with_providers({provider("A", 3), provider("B", 1)}, 50.0, 1);
  m.lists.per_provider = true;
  Simulation sim(m, 11, 0);
  for (int i = 0; i < 1000; ++i) {
    sim.add_scripted_arrival({1.0 + 0.1 * i, 0, 8.0, 0, of(kIntellectual)});
  }
  const auto out = sim.run();
  const auto a = out.provider_applications_end[out.provider_cell(0, 0)];
  EXPECT_EQ(a + out.provider_applications_end[out.provider_cell(0, 1)], 1000);
  // Binomial(1000, 0.75): sd ~ 13.7; 5 sd.
  EXPECT_NEAR(static_cast<double>(a), 750.0, 70.0);
}

TEST(ListsPerProvider, OnlyAuthorisedProvidersAreAppliedTo) {
  Model m = with_providers({provider("AUT", 5, 1U << kAutism), provider("ANY", 1)}, 50.0, 1);
  m.lists.per_provider = true;
  m.lists.applications = 2;
  Simulation sim(m, 5, 0);
  for (int i = 0; i < 10; ++i) {
    sim.add_scripted_arrival({1.0 + i, 0, 8.0, 0, of(i % 2 == 0 ? kIntellectual : kAutism)});
  }
  const auto out = sim.run();
  EXPECT_EQ(out.provider_applications_end[out.provider_cell(0, 0)], 5);   // the autistic ones
  EXPECT_EQ(out.provider_applications_end[out.provider_cell(0, 1)], 10);  // everyone
  EXPECT_EQ(out.waiting_end[out.cell(0, 0, 0)], 10);
}

TEST(Providers, OccupancyAndPlaceDaysAddUpToTheCell) {
  Model m = with_providers({provider("A", 30), provider("B", 20, 1U << kAutism)}, 1.0, 3);
  m.arrivals.rate_per_year = 40.0;
  m.arrivals.age_years = core::Distribution::fixed(8.0);
  m.services[0].length_of_stay_years = core::Distribution::exponential(2.0);
  m.services[0].age_limit_years = 20.0;
  for (const bool per_provider : {false, true}) {
    m.lists.per_provider = per_provider;
    m.lists.applications = 1;
    const auto out = Simulation(m, 9, 0).run();
    for (int period = 0; period < 3; ++period) {
      const auto c = out.cell(period, 0, 0);
      EXPECT_EQ(out.provider_occupied_end[out.provider_cell(period, 0)] +
                    out.provider_occupied_end[out.provider_cell(period, 1)],
                out.occupied_end[c]);
      EXPECT_NEAR(out.provider_place_days[out.provider_cell(period, 0)] +
                      out.provider_place_days[out.provider_cell(period, 1)],
                  out.occupied_place_days[c], 1e-6);
      EXPECT_EQ(out.provider_admissions[out.provider_cell(period, 0)] +
                    out.provider_admissions[out.provider_cell(period, 1)],
                out.admissions[c]);
      EXPECT_LE(out.provider_occupied_end[out.provider_cell(period, 1)], 20);
    }
  }
}

TEST(Providers, PlacesThatDoNotAddUpToTheCapacityAreRejected) {
  Model m = with_providers({provider("A", 3), provider("B", 1)}, 1.0, 1);
  m.services[0].capacity = {5};
  EXPECT_THROW(Simulation(m, 1, 0), std::logic_error);
}

TEST(Providers, ServicesWithoutProvidersRunAsBefore) {
  // The same model with one declared provider per cell, authorised for anyone, gives the same
  // indicators as with none (the implicit provider).
  Model m = with_providers({provider("ONLY", 25)}, 1.0, 4);
  m.arrivals.rate_per_year = 30.0;
  m.arrivals.age_years = core::Distribution::fixed(8.0);
  m.services[0].length_of_stay_years = core::Distribution::exponential(2.0);
  Model none = m;
  none.providers.clear();
  none.organisations.clear();
  const auto a = Simulation(m, 4, 0).run();
  const auto b = Simulation(none, 4, 0).run();
  EXPECT_EQ(a.admissions, b.admissions);
  EXPECT_EQ(a.waiting_end, b.waiting_end);
  EXPECT_EQ(a.occupied_place_days, b.occupied_place_days);
  EXPECT_EQ(b.providers, 0);
  EXPECT_EQ(a.provider_occupied_end, a.occupied_end);
}

}  // namespace
}  // namespace parcours::model
