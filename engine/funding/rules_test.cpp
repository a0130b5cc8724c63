// Funding rules 4-7 (CPOM, performance contract, needs-based allocation, impact bond), the
// time-of-care indicator and places that vary, each against a case computed by hand.
#include "engine/core/check.hpp"
#include "engine/funding/books.hpp"
#include "engine/funding/books_test_support.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace parcours::funding {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the helpers of these tests

Assignment pooled(double growth_per_year, int term_years, int from_period = 0) {
  Assignment a;
  a.name = "cpom";
  a.rule = Rule::kPooledAllocation;
  a.growth_per_year = growth_per_year;
  a.term_years = term_years;
  a.from_period = from_period;
  return a;
}

std::size_t org(const Books& books, int p, int organisation) {
  return static_cast<std::size_t>(p) * books.organisations + organisation;
}

// Places vary: an allocation follows them ("mesures nouvelles" for places created, taken back
// for places closed), and a cell that only gains places later is a unit.
TEST(Rules, AGlobalAllocationFollowsTheUnitsPlaces) {
  // Yearly over 3 years; service 0 has 10 places in t0, service 1 none until a creation of 5
  // in year 1. 10,000 € a place, costs +10 % a year; allocations renewed at +2 %.
  auto m = make_model(1, {{10}, {0}}, 1, 3);
  model::CapacityChange creation;
  creation.day = 400.0;
  creation.service = 1;
  creation.delta = 5;
  model::CapacityChange closure = creation;
  closure.service = 0;
  closure.delta = -2;
  m.capacity_changes = {creation, closure};
  const auto all = units(m);
  ASSERT_EQ(all.size(), 2U);  // the cell that gains places is a unit (with 0 places at start)
  EXPECT_EQ(all[1].service, 1);
  EXPECT_EQ(all[1].places, 0);
  auto ind = indicators_for(m);
  // Measured places: service 0 10, 12, 8; service 1 0, 5, 5.
  const std::array s0{10.0, 12.0, 8.0};
  const std::array s1{0.0, 5.0, 5.0};
  for (int y = 0; y < 3; ++y) {
    set_cell_places(ind, m, y, 0, 0, s0[y]);
    set_cell_places(ind, m, y, 0, 1, s1[y]);
  }
  auto scheme = one_payer({money(10'000.0), money(10'000.0)}, {global_allocation(0.02)});
  scheme.cost_growth = 0.1;
  const auto books = keep_books(m, scheme, ind);
  // Service 0: y0 10 × 10,000 = 100,000. y1: 100,000 × 1.02 + 2 new places × 11,000 = 124,000.
  // y2: 104,040 − 2 closed × 12,100 = 79,840.
  const std::array r0{100'000.0, 124'000.0, 79'840.0};
  // Service 1: nothing at first (0 places), then 5 × 11,000 = 55,000 and 5 × 12,100 = 60,500.
  const std::array r1{0.0, 55'000.0, 60'500.0};
  for (int y = 0; y < 3; ++y) {
    SCOPED_TRACE(y);
    EXPECT_DOUBLE_EQ(books.places[books.at(y, 0)], s0[y]);
    EXPECT_DOUBLE_EQ(books.places[books.at(y, 1)], s1[y]);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(y, 0)], r0[y]);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(y, 1)], r1[y]);
  }
  // The cost is the mean places' budget: y1 12 × 11,000.
  EXPECT_DOUBLE_EQ(books.cost[books.at(1, 0)], 132'000.0);
}

TEST(Rules, IndicatorsWithoutAuthorisedPlaceDaysBreakAnInvariant) {
  const auto m = make_model(1, {{10}}, 1, 1);
  auto ind = indicators_for(m);
  set_cell_places(ind, m, 0, 0, 0, 0.0);  // as from code that did not measure places
  EXPECT_THROW((void)keep_books(m, one_payer({money(1.0)}, {global_allocation(0.0)}), ind),
               core::InvariantError);
}

// TAM (arrêté du 20/07/2005) and the indicators of every unit and period.
TEST(Rules, TimeOfCareIsCareHoursOverTheStaffsActiveTime) {
  // One provider of 10 places, monthly over 1 year; 200 opening days, 6 care hours a day,
  // 0.5 staff a place, 1,600 hours a year, 80 % active.
  const auto m = make_model(1, {{10}}, 12, 1, {provider(0, 0, 10)});
  auto ind = indicators_for(m);
  auto service = money(1.0, 200.0);
  service.care_hours_per_day = 6.0;
  service.staff_per_place = 0.5;
  service.staff_hours_per_year = 1'600.0;
  service.active_share = 0.8;
  for (int p = 0; p < 12; ++p) {
    set_provider(ind, p, 0, 8 * kMonth);  // 8 children full time
  }
  // A month: care 8 × 30.4375 × 200 / 365.25 × 6 = 800 h; staff 10 × 0.5 × 1600 × 0.8 / 12 =
  // 533.33 h: TAM 1.5.
  // Half the places in month 5 (5 places, same children): staff 266.67 h, TAM 3.
  set_provider_places(ind, m, 5, 0, 5.0);
  // Month 11's end: 3 of 8 occupants in an ordinary school; 5 waiting for the cell's 10 places.
  const auto e = ind.provider_cell(11, 0);
  ind.provider_occupied_end[e] = 8;
  ind.provider_ordinary_school_end[e] = 3;
  ind.waiting_end[ind.cell(11, 0, 0)] = 5;
  const auto books = keep_books(m, one_payer({service}, {}), ind);
  for (int p = 0; p < 12; ++p) {
    SCOPED_TRACE(p);
    EXPECT_DOUBLE_EQ(books.time_of_care[books.at(p, 0)], p == 5 ? 3.0 : 1.5);
    const auto* values = books.indicators.data() + books.at(p, 0) * kIndicators;
    EXPECT_DOUBLE_EQ(values[static_cast<int>(Indicator::kTimeOfCare)], p == 5 ? 3.0 : 1.5);
    // Occupancy: 8 of 10 places (8 of 5 in month 5: 1.6, over-occupied).
    EXPECT_DOUBLE_EQ(values[static_cast<int>(Indicator::kOccupancy)], p == 5 ? 1.6 : 0.8);
    EXPECT_DOUBLE_EQ(values[static_cast<int>(Indicator::kInclusion)], p == 11 ? 0.375 : 0.0);
    EXPECT_DOUBLE_EQ(values[static_cast<int>(Indicator::kWaiting)], p == 11 ? 0.5 : 0.0);
  }
}

// CPOM: one envelope per organisation shared by its units' budgets, redeployed when places move
// between them, never exceeded, less the modulation cut.
TEST(Rules, APooledEnvelopeIsSharedByBudgetsAndFollowsPlacesMovedBetweenUnits) {
  // Yearly over 4 years; organisation O0 runs P0 and P1 (10 places each), O1 runs P2 (5);
  // 10,000 € a place. A 2-year CPOM renewed at +1 %, occupancy objective 0.9, a = 0.5.
  const auto m = make_model(1, {{25}}, 1, 4,
                            {provider(0, 0, 10, 0), provider(0, 0, 10, 0), provider(0, 0, 5, 1)});
  auto ind = indicators_for(m);
  for (int y = 0; y < 4; ++y) {
    // From year 1, 4 places move from P0 to P1: 6 and 14.
    set_provider_places(ind, m, y, 0, y == 0 ? 10.0 : 6.0);
    set_provider_places(ind, m, y, 1, y == 0 ? 10.0 : 14.0);
    set_provider(ind, y, 0, (y == 0 ? 10 : 6) * kYear);      // always full
    set_provider(ind, y, 1, (y == 0 ? 8 : 14) * kYear);      // 0.8 in year 0, then full
    set_provider(ind, y, 2, (y == 0 ? 4.75 : 5.0) * kYear);  // 0.95 in year 0: above 0.9
  }
  auto cpom = pooled(0.01, 2);
  cpom.modulation = {ActivityMeasure::kOccupancy, 0.9, 0.5};
  const auto books = keep_books(m, one_payer({money(10'000.0)}, {cpom}), ind);
  ASSERT_EQ(books.organisations, 2);
  // O0. y0: envelope 200,000, shared 100,000 / 100,000 (no cut in the contract's first year).
  // y1: 200,000 × 1.01 = 202,000, + (6 − 10) × 10,000 for P0 and (14 − 10) × 10,000 for P1:
  // still 202,000, shared by budgets 60,000 : 140,000 → 60,600 and 141,400; P1's occupancy of
  // y0 fell 0.1 short: cut 0.5 × 0.1 = 5 % → 134,330. Paid 194,930 = 202,000 − 7,070.
  // y2: a new term from the budgets of y2: 200,000 → 60,000 and 140,000 (y1 was full: no cut).
  // y3: 202,000 → 60,600 and 141,400.
  const std::array<std::array<double, 3>, 4> revenue{{{100'000.0, 100'000.0, 50'000.0},
                                                      {60'600.0, 134'330.0, 50'500.0},
                                                      {60'000.0, 140'000.0, 50'000.0},
                                                      {60'600.0, 141'400.0, 50'500.0}}};
  const std::array envelope{200'000.0, 202'000.0, 200'000.0, 202'000.0};
  const std::array cut{0.0, 7'070.0, 0.0, 0.0};
  for (int y = 0; y < 4; ++y) {
    SCOPED_TRACE(y);
    for (int u = 0; u < 3; ++u) {
      EXPECT_DOUBLE_EQ(books.revenue[books.at(y, u)], revenue[y][u]);
    }
    EXPECT_DOUBLE_EQ(books.pooled_envelope[org(books, y, 0)], envelope[y]);
    // Σ revenue of the organisation's units is what it was paid: never above the envelope,
    // and the envelope less the cut.
    const double paid = books.revenue[books.at(y, 0)] + books.revenue[books.at(y, 1)];
    EXPECT_EQ(books.pooled_paid[org(books, y, 0)], paid);
    EXPECT_LE(paid, books.pooled_envelope[org(books, y, 0)]);
    EXPECT_NEAR(paid, envelope[y] - cut[y], 1e-9);
    EXPECT_EQ(books.pooled_paid[org(books, y, 1)], books.revenue[books.at(y, 2)]);
    EXPECT_LE(books.pooled_paid[org(books, y, 1)], books.pooled_envelope[org(books, y, 1)]);
    EXPECT_EQ(books.rule[books.at(y, 0)], 0);
  }
}

TEST(Rules, APooledEnvelopeIsNeverExceededWhateverTheShares) {
  // Monthly over 3 years, awkward places and costs: 7 providers of 2 organisations, places
  // changing each month, costs +1.7 % a year, envelope +1.3 %.
  std::vector<model::Provider> providers;
  for (int k = 0; k < 7; ++k) {
    providers.push_back(provider(0, static_cast<model::ServiceId>(k % 2), 3 + 2 * k,
                                 static_cast<model::OrganisationId>(k % 2 == 0 ? 0 : 1)));
  }
  const auto m = make_model(1, {{3 + 7 + 11 + 15}, {5 + 9 + 13}}, 12, 3, providers);
  auto ind = indicators_for(m);
  for (int p = 0; p < 36; ++p) {
    for (int k = 0; k < 7; ++k) {
      set_provider_places(ind, m, p, k, 3.0 + 2 * k + (p * (k + 3)) % 5 / 3.0);
      set_provider(ind, p, k, (2.0 + k) * kMonth * (0.7 + 0.01 * ((p + k) % 13)));
    }
  }
  auto cpom = pooled(0.013, 2);
  cpom.modulation = {ActivityMeasure::kOccupancy, 0.97, 0.5};
  auto scheme = one_payer({money(39'000.0 / 7.0, 207.0), money(17'517.3)}, {cpom});
  scheme.cost_growth = 0.017;
  const auto books = keep_books(m, scheme, ind);
  for (int p = 0; p < 36; ++p) {
    for (int o = 0; o < 2; ++o) {
      SCOPED_TRACE(testing::Message() << "period " << p << " organisation " << o);
      double paid = 0.0;
      for (int k = 0; k < 7; ++k) {
        if ((k % 2 == 0 ? 0 : 1) == o) {
          paid += books.revenue[books.at(p, k)];
        }
      }
      EXPECT_EQ(books.pooled_paid[org(books, p, o)], paid);
      EXPECT_LE(paid, books.pooled_envelope[org(books, p, o)]);
      EXPECT_GT(paid, 0.0);
      if (p < 12) {  // no cut in the first year: the envelope exactly
        EXPECT_EQ(paid, books.pooled_envelope[org(books, p, o)]);
      }
    }
  }
}

// R.314-43-2: a year's shortfall cuts the next year's allocation by a × shortfall, for each
// activity measure.
TEST(Rules, ModulationCutsTheNextYearByAShortfallOfEachMeasure) {
  // Monthly over 2 years; three providers of 10 places at 10,000 € (100,000 a year), 200
  // opening days, each under its own CPOM (no growth) with one measure.
  const auto m = make_model(1, {{30}}, 12, 2,
                            {provider(0, 0, 10, 0), provider(0, 0, 10, 1), provider(0, 0, 10, 0)});
  auto ind = indicators_for(m);
  for (int p = 0; p < 24; ++p) {
    set_provider(ind, p, 0, 8.5 * kMonth);  // occupancy 0.85
    set_provider(ind, p, 1, 10 * kMonth);
    set_provider(ind, p, 2, 8 * kMonth);
    ind.provider_followed[ind.provider_cell(p, 1)] = 10;  // a month's file active
  }
  // P1's year-0 file active: 10 there at its start, 2 admitted later (month 0's admissions are
  // in its followed): 12 for 10 places.
  ind.provider_admissions[ind.provider_cell(0, 1)] = 7;
  ind.provider_admissions[ind.provider_cell(3, 1)] = 1;
  ind.provider_admissions[ind.provider_cell(7, 1)] = 1;
  auto occupancy = pooled(0.0, 5);
  occupancy.providers = {0};
  occupancy.modulation = {ActivityMeasure::kOccupancy, 0.95, 0.5};
  auto followed = pooled(0.0, 5);
  followed.providers = {1};
  followed.modulation = {ActivityMeasure::kFollowed, 1.5, 0.4};
  auto services = pooled(0.0, 5);
  services.providers = {2};
  services.modulation = {ActivityMeasure::kServices, 180.0, 0.45};
  const auto books =
      keep_books(m, one_payer({money(10'000.0, 200.0)}, {occupancy, followed, services}), ind);
  // Occupancy: 0.95 − 0.85 = 0.1 short (points): cut 0.5 × 0.1 = 5 %.
  // Followed: 12 / 10 = 1.2 a place, 1 − 1.2 / 1.5 = 20 % short: cut 0.4 × 0.2 = 8 %.
  // Services: 8 × 365.25 attended days × 200 / 365.25 = 1,600 days of care, 160 a place,
  // 1 − 160 / 180 = 1/9 short: cut 0.45 / 9 = 5 %.
  const std::array cut{0.05, 0.08, 0.05};
  for (int p = 0; p < 24; ++p) {
    for (int u = 0; u < 3; ++u) {
      SCOPED_TRACE(testing::Message() << "period " << p << " unit " << u);
      const double month = 100'000.0 / 12.0;
      EXPECT_NEAR(books.revenue[books.at(p, u)], p < 12 ? month : month * (1.0 - cut[u]), 1e-9);
    }
  }
}

// A performance contract: a share of the allocation paid on the year's indicators.
TEST(Rules, APerformanceContractPaysItsStakeOnTheYearsScore) {
  // Monthly over 2 years; one cell of 10 places at 10,000 € (100,000 a year, no growth); 10 %
  // at stake on occupancy (target 0.9, weight 2, cap 1.2), inclusion (0.5, 1, cap 1) and
  // waiting (0.5 a place, 1, cap 1.5).
  const auto m = make_model(1, {{10}}, 12, 2);
  auto ind = indicators_for(m);
  for (int p = 0; p < 24; ++p) {
    set_cell(ind, p, 0, 0, (p < 12 ? 9.9 : 10.0) * kMonth);
    const auto i = ind.cell(p, 0, 0);
    ind.occupied_end[i] = 10;
    ind.place_ordinary_school_end[i] = 9;  // mid-year values the score does not read
    ind.waiting_end[i] = 1;
  }
  ind.place_ordinary_school_end[ind.cell(11, 0, 0)] = 2;  // year 0's end: 0.2
  ind.waiting_end[ind.cell(11, 0, 0)] = 10;               // 1 a place
  ind.place_ordinary_school_end[ind.cell(23, 0, 0)] = 6;  // year 1's end: 0.6
  ind.waiting_end[ind.cell(23, 0, 0)] = 2;                // 0.2 a place
  Assignment a;
  a.name = "performance";
  a.rule = Rule::kPerformance;
  a.at_stake = 0.1;
  a.targets = {{Indicator::kOccupancy, 0.9, 2.0, 1.2},
               {Indicator::kInclusion, 0.5, 1.0, 1.0},
               {Indicator::kWaiting, 0.5, 1.0, 1.5}};
  const auto books = keep_books(m, one_payer({money(10'000.0)}, {a}), ind);
  // Every month 90 % of 100,000 / 12 = 7,500; at the year's last month the 10,000 at stake
  // × the score.
  // y0: occupancy 0.99 / 0.9 = 1.1; inclusion 0.2 / 0.5 = 0.4; waiting 0.5 / 1 = 0.5:
  // (2 × 1.1 + 0.4 + 0.5) / 4 = 0.775 (a malus): 7,750.
  // y1: occupancy 1 / 0.9 = 1.111; inclusion 1.2, capped at 1; waiting 0.5 / 0.2 = 2.5,
  // capped at 1.5: (2.222 + 1 + 1.5) / 4 = 1.180556 (a bonus): 11,805.56.
  const double y0 = 0.775;
  const double y1 = (2.0 / 0.9 + 1.0 + 1.5) / 4.0;
  for (int p = 0; p < 24; ++p) {
    SCOPED_TRACE(p);
    const double score = p == 11 ? y0 : (p == 23 ? y1 : 0.0);
    EXPECT_NEAR(books.score[books.at(p, 0)], score, 1e-12);
    EXPECT_NEAR(books.revenue[books.at(p, 0)], 7'500.0 + 10'000.0 * score, 1e-9);
  }
  EXPECT_NEAR(books.revenue[books.at(23, 0)], 19'305.555555555555, 1e-6);
}

// SERAFIN-PH-like: base rate × places × mode and needs mixes × opening days, plus
// complementary and transport.
TEST(Rules, ANeedsBasedAllocationWeighsPlacesByTheOccupantsModesAndNeeds) {
  // Yearly over 3 years; one cell of 10 places, 200 opening days (reference 250: × 0.8); modes
  // internat (× 1.4) and externat (× 1), needs low (× 1) and high (× 1.5); base rate 50,000,
  // complementary 1,000 a place, transport 500 a child; rates grow with costs (+10 %).
  auto m = make_model(1, {{10}}, 1, 3);
  m.modes = {{"internat", true, 1.0}, {"externat", false, 1.0}};
  m.children.needs_levels = {"low", "high"};
  auto ind = indicators_for(m);
  const auto mode = [&](int p, int internat, int externat) {
    ind.place_mode_end[ind.sub_cell(p, 0, 0, 2, 0)] = internat;
    ind.place_mode_end[ind.sub_cell(p, 0, 0, 2, 1)] = externat;
  };
  const auto needs = [&](int p, int low, int high) {
    ind.place_needs_end[ind.sub_cell(p, 0, 0, 2, 0)] = low;
    ind.place_needs_end[ind.sub_cell(p, 0, 0, 2, 1)] = high;
  };
  mode(0, 4, 6);    // end of y0: mix 0.4 × 1.4 + 0.6 × 1 = 1.16
  needs(0, 5, 5);   // 0.5 × 1 + 0.5 × 1.5 = 1.25
  mode(1, 10, 0);   // end of y1: 1.4
  needs(1, 0, 10);  // 1.5
  mode(2, 0, 10);   // end of y2: read by nobody
  needs(2, 10, 0);
  set_cell(ind, 0, 0, 0, 9 * kYear);  // occupancy 0.9: 0.05 short of 0.95, cut 2.5 % in y1
  set_cell(ind, 1, 0, 0, 10 * kYear);
  set_cell(ind, 2, 0, 0, 10 * kYear);
  const std::array<std::int64_t, 3> followed{12, 10, 8};
  for (int y = 0; y < 3; ++y) {
    ind.followed[ind.cell(y, 0, 0)] = followed[y];
  }
  Assignment a;
  a.name = "serafin";
  a.rule = Rule::kNeedsBased;
  a.base_rate = 50'000.0;
  a.mode_coefficients = {1.4, 1.0};
  a.needs_coefficients = {1.0, 1.5};
  a.reference_opening_days = 250.0;
  a.complementary_per_place = 1'000.0;
  a.transport_per_child = 500.0;
  a.modulation = {ActivityMeasure::kOccupancy, 0.95, 0.5};
  auto scheme = one_payer({money(1.0, 200.0)}, {a});
  scheme.cost_growth = 0.1;
  const auto books = keep_books(m, scheme, ind);
  // y0 (its own end's mix): 50,000 × 10 × 1.16 × 1.25 × 0.8 = 580,000; + 10,000 + 500 × 12 =
  // 596,000.
  // y1 (y0's end): 580,000 × 1.1 × (1 − 0.025) = 622,050; + 11,000 + 550 × 10 = 638,550.
  // y2 (y1's end): 50,000 × 1.21 × 10 × 1.4 × 1.5 × 0.8 = 1,016,400 (y1 full: no cut);
  // + 12,100 + 605 × 8 = 1,033,340.
  const std::array revenue{596'000.0, 638'550.0, 1'033'340.0};
  for (int y = 0; y < 3; ++y) {
    SCOPED_TRACE(y);
    EXPECT_NEAR(books.revenue[books.at(y, 0)], revenue[y], 1e-6);
  }
}

// A social impact bond: the investor pays costs as they fall and is repaid with a premium at a
// term's end if the outcome is reached.
TEST(Rules, AnImpactBondIsRepaidWhenItsOutcomeIsReachedAndNotWhenMissed) {
  // Yearly over 5 years; two cells of 10 and 30 places at 10,000 € (costs 100,000 and
  // 300,000 a year); payers AM, CD and an investor; 2-year terms; the outcome: inclusion at
  // least 0.3 (weighted by places), premium 5 %, repaid by AM.
  const auto m = make_model(2, {{10, 30}}, 1, 5);
  auto ind = indicators_for(m);
  const auto inclusion = [&](int y, int t, std::int64_t ordinary, std::int64_t occupants) {
    ind.occupied_end[ind.cell(y, t, 0)] = occupants;
    ind.place_ordinary_school_end[ind.cell(y, t, 0)] = ordinary;
  };
  inclusion(0, 0, 10, 10);  // y0 does not count: the term's last year does
  inclusion(1, 0, 5, 10);   // term 1 (y0-y1): (5 + 6) / (10 + 30) = 0.275: missed
  inclusion(1, 1, 6, 30);
  inclusion(3, 0, 2, 10);  // term 2 (y2-y3): (2 + 12) / 40 = 0.35: reached
  inclusion(3, 1, 12, 30);
  inclusion(4, 0, 10, 10);  // term 3 (y4-y5): cut short by the horizon, never repaid
  inclusion(4, 1, 30, 30);
  Assignment a;
  a.name = "bond";
  a.rule = Rule::kImpactBond;
  a.term_years = 2;
  a.investor = 2;
  a.repaid_by = 0;
  a.outcome = Indicator::kInclusion;
  a.outcome_target = 0.3;
  a.premium = 0.05;
  a.counterfactual = true;
  Scheme scheme;
  scheme.payers = {{"AM", ""}, {"CD", ""}, {"investor", ""}};
  scheme.services = {money(10'000.0)};
  scheme.services[0].payer_split = {1.0, 0.0, 0.0};
  scheme.assignments = {a};
  const auto books = keep_books(m, scheme, ind);
  ASSERT_EQ(books.assignments, 1);
  for (int y = 0; y < 5; ++y) {
    for (int u = 0; u < 2; ++u) {
      SCOPED_TRACE(testing::Message() << "year " << y << " unit " << u);
      // The investor pays the cost; the service's payers nothing.
      EXPECT_DOUBLE_EQ(books.revenue[books.at(y, u)], u == 0 ? 100'000.0 : 300'000.0);
      EXPECT_EQ(books.revenue[books.at(y, u)], books.cost[books.at(y, u)]);
      EXPECT_EQ(books.paid[books.at(y, u, 2)], books.revenue[books.at(y, u)]);
      EXPECT_EQ(books.paid[books.at(y, u, 0)], 0.0);
    }
    // Term 2's principal: 2 years × 400,000 = 800,000, repaid × 1.05 at its last year.
    EXPECT_DOUBLE_EQ(books.repaid[y], y == 3 ? 840'000.0 : 0.0);
  }
  // Waiting, lower is better: at most the target.
  scheme.assignments[0].outcome = Indicator::kWaiting;
  scheme.assignments[0].outcome_target = 0.5;
  ind.waiting_end[ind.cell(1, 0, 0)] = 4;   // 0.4 a place
  ind.waiting_end[ind.cell(1, 1, 0)] = 15;  // 0.5: (10 × 0.4 + 30 × 0.5) / 40 = 0.475: reached
  ind.waiting_end[ind.cell(3, 0, 0)] = 8;   // 0.8
  ind.waiting_end[ind.cell(3, 1, 0)] = 18;  // 0.6: (8 + 18) / 40 = 0.65: missed
  const auto waiting = keep_books(m, scheme, ind);
  EXPECT_DOUBLE_EQ(waiting.repaid[1], 840'000.0);
  EXPECT_EQ(waiting.repaid[3], 0.0);
}

// A rule that starts later starts from the budgets of its first year; the price history goes on.
TEST(Rules, SwitchingToACPOMAndBackKeepsTheBooksContinuous) {
  // Yearly over 6 years; O0 runs P0 and P1, 10 places each at 10,000 €, costs +10 % a year;
  // 10 and 5 children all the time. Daily price, a 2-year CPOM (+2 %) from y2, daily price
  // again from y4.
  const auto m = make_model(1, {{20}}, 1, 6, {provider(0, 0, 10, 0), provider(0, 0, 10, 0)});
  auto ind = indicators_for(m);
  for (int y = 0; y < 6; ++y) {
    set_provider(ind, y, 0, 10 * kYear);
    set_provider(ind, y, 1, 5 * kYear);
  }
  auto scheme =
      one_payer({money(10'000.0)}, {daily_price({}, 0), pooled(0.02, 2, 2), daily_price({}, 4)});
  scheme.cost_growth = 0.1;
  const auto books = keep_books(m, scheme, ind);
  // y0: forecast prices, full: P0 100,000 (billed 3,652.5 days); P1 bills half: 50,000.
  // y1: budget 110,000 over y0's days: 110,000 each.
  // y2: the CPOM from the budgets of y2: 2 × 121,000 = 242,000, 121,000 each (not the
  // previous revenue); y3: 246,840 → 123,420 each.
  // y4: daily price from the mean days of y1-y3 (the same days): each its budget, 146,410;
  // y5: 161,051.
  const std::array<std::array<double, 2>, 6> revenue{{{100'000.0, 50'000.0},
                                                      {110'000.0, 110'000.0},
                                                      {121'000.0, 121'000.0},
                                                      {123'420.0, 123'420.0},
                                                      {146'410.0, 146'410.0},
                                                      {161'051.0, 161'051.0}}};
  for (int y = 0; y < 6; ++y) {
    for (int u = 0; u < 2; ++u) {
      SCOPED_TRACE(testing::Message() << "year " << y << " unit " << u);
      EXPECT_NEAR(books.revenue[books.at(y, u)], revenue[y][u], 1e-6);
    }
  }
  EXPECT_DOUBLE_EQ(books.pooled_envelope[org(books, 3, 0)], 246'840.0);
  EXPECT_EQ(books.pooled_envelope[org(books, 4, 0)], 0.0);
}

}  // namespace
}  // namespace parcours::funding
