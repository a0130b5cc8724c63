#include "engine/funding/books.hpp"

#include "engine/core/check.hpp"
#include "engine/funding/books_test_support.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace parcours::funding {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the helpers of these tests

// 1. R.314-113: price of year y = budget / mean billed days of years y-1..y-3.
TEST(Books, DailyPriceIsTheBudgetOverTheMeanDaysOfTheThreePreviousYears) {
  // One territory, one service, 10 places at 36,000 €: budget 360,000 € a year (no growth).
  // 200 opening days: a child attending all year bills 365.25 × 200 / 365.25 = 200 days.
  const auto m = make_model(1, {{10}}, 1, 6);
  auto ind = indicators_for(m);
  // Children in place all year: 10, 6 (a fall in year 1), then 9.
  const std::array children{10, 6, 9, 9, 9, 9};
  for (int y = 0; y < 6; ++y) {
    set_cell(ind, y, 0, 0, children[y] * kYear);
  }
  const auto books = keep_books(
      m, one_payer({money(36'000.0, 200.0)}, {daily_price({0}, 0, /*forecast_occupancy=*/0.9)}),
      ind);
  // Billed days per year: 2000, 1200, 1800, 1800, 1800, 1800.
  const std::array billed{2000.0, 1200.0, 1800.0, 1800.0, 1800.0, 1800.0};
  // y0: no history: forecast 10 × 200 × 0.9 = 1800 days → 360,000 / 1800 = 200.
  // y1: mean(2000) → 180.
  // y2: mean(2000, 1200) = 1600 → 225 (the fall of year 1 raises it; without it: 189.47).
  // y3: mean(2000, 1200, 1800) = 5000 / 3 → 216.
  // y4: mean(1200, 1800, 1800) = 1600 → 225: years 1–3, not year 0 (all four: 1700 → 211.76).
  // y5: mean(1800, 1800, 1800) → 200: the fall has left the window.
  const std::array price{200.0, 180.0, 225.0, 216.0, 225.0, 200.0};
  for (int y = 0; y < 6; ++y) {
    SCOPED_TRACE(y);
    EXPECT_DOUBLE_EQ(books.billed_days[books.at(y, 0)], billed[y]);
    EXPECT_DOUBLE_EQ(books.price[books.at(y, 0)], price[y]);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(y, 0)], price[y] * billed[y]);
    EXPECT_EQ(books.rule[books.at(y, 0)], 0);
  }
  // Revenue of year 2: 225 × 1800 = 405,000 for a budget of 360,000.
  EXPECT_DOUBLE_EQ(books.revenue[books.at(2, 0)], 405'000.0);
}

// 2. First year: the forecast; a year of no activity: the forecast too; a fixed price.
TEST(Books, FirstYearPriceUsesTheForecastAndAFixedPriceIgnoresCosts) {
  // Monthly periods over 2 years; one territory, three services without providers.
  const auto m = make_model(1, {{12}, {5}, {3}}, 12, 2);
  auto ind = indicators_for(m);
  for (int p = 0; p < 24; ++p) {
    set_cell(ind, p, 0, 0, 10 * kMonth);  // A: 10 children every month
    if (p >= 12) {
      set_cell(ind, p, 0, 1, 2 * kMonth);  // B: empty in year 0, 2 children in year 1
    }
    set_cell(ind, p, 0, 2, 3 * kMonth);  // C: 3 children every month
  }
  auto a = daily_price({0}, 0, 0.75);
  auto b = daily_price({1}, 0, 0.8);
  auto c = fixed_price(150.0);
  c.services = {2};
  const auto books = keep_books(
      m, one_payer({money(30'000.0, 200.0), money(20'000.0, 250.0), money(99'999.0)}, {a, b, c}),
      ind);
  for (int p = 0; p < 24; ++p) {
    SCOPED_TRACE(p);
    // A: budget 12 × 30,000 = 360,000. Billed a month: 10 × 30.4375 × 200 / 365.25 = 166.67,
    // 2000 a year. y0: forecast 12 × 200 × 0.75 = 1800 days → 200 €; y1: 360,000 / 2000 = 180 €
    // (revenue 180 × 2000 / 12 = 30,000 a month).
    EXPECT_DOUBLE_EQ(books.billed_days[books.at(p, 0)], 2000.0 / 12.0);
    EXPECT_DOUBLE_EQ(books.price[books.at(p, 0)], p < 12 ? 200.0 : 180.0);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(p, 0)], p < 12 ? 200.0 * 2000.0 / 12.0 : 30'000.0);
    // B: budget 5 × 20,000 = 100,000; forecast 5 × 250 × 0.8 = 1000 days → 100 € in y0, and
    // again in y1 since y0 billed nothing (a mean of 0 days). Billed a month in y1:
    // 2 × 30.4375 × 250 / 365.25 = 41.67 → 4166.67 €.
    EXPECT_DOUBLE_EQ(books.price[books.at(p, 1)], 100.0);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(p, 1)], p < 12 ? 0.0 : 100.0 * 500.0 / 12.0);
    // C: 150 € whatever its budget; billed 3 × 30.4375 = 91.3125 days → 13,696.875 €.
    EXPECT_DOUBLE_EQ(books.price[books.at(p, 2)], 150.0);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(p, 2)], 150.0 * 91.3125);
  }
}

// A floor on the divisor: a provider whose activity collapses is not priced on it.
TEST(Books, AFloorOccupancyKeepsANearlyEmptyProvidersPriceFromSoaring) {
  // Yearly, 3 years; one service of 10 places, 100 opening days, 1,000 € a place: budget
  // 10,000 €. 10 children in year 0 (1,000 billed days), 1 child in years 1 and 2 (100 days).
  const auto m = make_model(1, {{10}}, 1, 3);
  auto ind = indicators_for(m);
  set_cell(ind, 0, 0, 0, 10 * kYear);
  set_cell(ind, 1, 0, 0, 1 * kYear);
  set_cell(ind, 2, 0, 0, 1 * kYear);
  auto plain = daily_price({0});
  auto floored = daily_price({0});
  floored.floor_occupancy = 0.5;  // the divisor is at least 10 × 100 × 0.5 = 500 days
  const auto without = keep_books(m, one_payer({money(1'000.0, 100.0)}, {plain}), ind);
  const auto with = keep_books(m, one_payer({money(1'000.0, 100.0)}, {floored}), ind);
  // Year 1: mean of year 0 = 1,000 days, above the floor: 10 €/day either way.
  EXPECT_DOUBLE_EQ(without.price[without.at(1, 0)], 10.0);
  EXPECT_DOUBLE_EQ(with.price[with.at(1, 0)], 10.0);
  // Year 2: mean of years 0-1 = 550 days: 18.18 €/day either way (above 500).
  EXPECT_DOUBLE_EQ(without.price[without.at(2, 0)], 10'000.0 / 550.0);
  EXPECT_DOUBLE_EQ(with.price[with.at(2, 0)], 10'000.0 / 550.0);
  // Where the floor binds: a provider nearly empty in year 0 (100 days) and full in year 1.
  auto ind2 = indicators_for(m);
  set_cell(ind2, 0, 0, 0, 1 * kYear);
  set_cell(ind2, 1, 0, 0, 10 * kYear);
  const auto soaring = keep_books(m, one_payer({money(1'000.0, 100.0)}, {plain}), ind2);
  const auto held = keep_books(m, one_payer({money(1'000.0, 100.0)}, {floored}), ind2);
  EXPECT_DOUBLE_EQ(soaring.price[soaring.at(1, 0)], 100.0);  // 10,000 / 100
  EXPECT_DOUBLE_EQ(held.price[held.at(1, 0)], 20.0);         // 10,000 / 500
  // Its revenue when the children come back: 100 € × 1,000 days = 10 × the budget, plainly.
  EXPECT_DOUBLE_EQ(soaring.revenue[soaring.at(1, 0)], 100'000.0);
  EXPECT_DOUBLE_EQ(held.revenue[held.at(1, 0)], 20'000.0);
}

// 3. Billing: absences and days at school, for part-time children.
TEST(Books, AbsencesAndSchoolDaysAreBilledAsTheServiceSays) {
  // Six services with the same activity: 8 places occupied all year (2922 place-days) by
  // half-time children: 1461 attended days, 365.25 of them at school; 200 opening days.
  // In opening days: (1461 − 365.25) × 200 / 365.25 = 600 in the establishment, 200 at school
  // (full-time children would bill twice as many: 1600).
  const auto m = make_model(1, {{8}, {8}, {8}, {8}, {8}, {8}}, 1, 1);
  auto ind = indicators_for(m);
  for (int s = 0; s < 6; ++s) {
    set_cell(ind, 0, 0, s, 8 * kYear, 4 * kYear, kYear);
  }
  std::vector<ServiceMoney> services(6, money(1.0, 200.0));
  const std::array absences{1.0, 0.0, 0.5, 0.0, 0.0, 1.0};
  const std::array school{1.0, 1.0, 1.0, 0.0, 0.5, 1.0};
  for (int s = 0; s < 6; ++s) {
    services[s].absence_share = s < 5 ? 0.1 : 0.0;
    services[s].bill_absences = absences[s];
    services[s].bill_school_days = school[s];
  }
  auto price = fixed_price(1.0);  // revenue = billed days
  price.services = {0, 1, 2, 3, 4};
  const auto books = keep_books(m, one_payer(services, {price}), ind);
  // 10 % absent; absences billed: 600 + 200 = 800.
  // absences unbilled: 600 × 0.9 = 540, + 200 = 740.
  // half the absences billed: 600 × (1 − 0.1 × 0.5) = 570, + 200 = 770.
  // absences and school unbilled: 540.
  // absences unbilled, half the school days: 540 + 100 = 640.
  // no absences, under no rule: 800 recorded anyway, revenue 0.
  const std::array billed{800.0, 740.0, 770.0, 540.0, 640.0, 800.0};
  for (int s = 0; s < 6; ++s) {
    SCOPED_TRACE(s);
    EXPECT_DOUBLE_EQ(books.billed_days[books.at(0, s)], billed[s]);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(0, s)], s < 5 ? billed[s] : 0.0);
  }
  EXPECT_EQ(books.rule[books.at(0, 5)], kNoRule);
}

// A daily price's own billing: a dated change (inclusion days unbilled from year 1) bills from
// its start, and the prices follow the fewer days with R.314-113's lag.
TEST(Books, ADailyPricesOwnBillingAppliesFromItsStartAndReachesTheNextYearsPrices) {
  // Yearly over 5 years; one service of 10 places at 36,000 € (budget 360,000), 200 opening
  // days; 10 children all year, full time, a quarter of their days at school:
  // (10 − 2.5) × 200 = 1,500 days in the establishment and 2.5 × 200 = 500 at school.
  const auto m = make_model(1, {{10}}, 1, 5);
  auto ind = indicators_for(m);
  for (int y = 0; y < 5; ++y) {
    set_cell(ind, y, 0, 0, 10 * kYear, 10 * kYear, 2.5 * kYear);
  }
  auto unbilled = daily_price({0}, /*from_period=*/1);
  unbilled.bill_school_days = 0.0;
  const auto books =
      keep_books(m, one_payer({money(36'000.0, 200.0)}, {daily_price({0}), unbilled}), ind);
  // Billed: y0 (the service bills school days) 1,500 + 500 = 2,000; from y1 1,500.
  // y0: forecast 10 × 200 = 2,000 days → 180 €; revenue 360,000.
  // y1: y0's 2,000 days → 180 € still (the lag): 180 × 1,500 = 270,000, the budget not met.
  // y2: mean(2,000, 1,500) = 1,750 → 205.714 €: 308,571.43.
  // y3: mean(2,000, 1,500, 1,500) = 1,666.67 → 216 €: 324,000.
  // y4: mean(1,500 × 3) → 240 €: 360,000, the budget again.
  const std::array billed{2'000.0, 1'500.0, 1'500.0, 1'500.0, 1'500.0};
  const std::array price{180.0, 180.0, 360'000.0 / 1'750.0, 216.0, 240.0};
  for (int y = 0; y < 5; ++y) {
    SCOPED_TRACE(y);
    EXPECT_EQ(books.rule[books.at(y, 0)], y == 0 ? 0 : 1);
    EXPECT_DOUBLE_EQ(books.billed_days[books.at(y, 0)], billed[y]);
    EXPECT_DOUBLE_EQ(books.price[books.at(y, 0)], price[y]);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(y, 0)], price[y] * billed[y]);
  }
  EXPECT_DOUBLE_EQ(books.revenue[books.at(1, 0)], 270'000.0);
  EXPECT_NEAR(books.revenue[books.at(2, 0)], 308'571.43, 0.01);
  EXPECT_DOUBLE_EQ(books.revenue[books.at(4, 0)], 360'000.0);
}

// 4. Dotation globale: twelfths of a yearly allocation renewed with growth, whatever the activity.
TEST(Books, GlobalAllocationIsPaidInTwelfthsRenewedWithGrowth) {
  // Two IME providers in one territory: P0 12 places, P1 6 places; 10,000 € a place, costs
  // growing 50 % a year; allocations renewed at 2 %.
  const auto m = make_model(1, {{18}}, 12, 3, {provider(0, 0, 12), provider(0, 0, 6)});
  auto busy = indicators_for(m);
  for (int p = 0; p < 36; ++p) {
    set_provider(busy, p, 0, (p % 5) * kMonth);  // 0 to 4 children, changing each month
    set_provider(busy, p, 1, (p % 3) * 2 * kMonth);
  }
  const auto idle = indicators_for(m);  // no activity at all
  auto a0 = global_allocation(0.02);
  a0.providers = {0};
  auto a1 = global_allocation(0.02, /*from_period=*/14);  // from month 3 of year 1
  a1.providers = {1};
  auto scheme = one_payer({money(10'000.0)}, {a0, a1});
  scheme.cost_growth = 0.5;
  for (const model::Indicators* ind : {&std::as_const(busy), &idle}) {
    const auto books = keep_books(m, scheme, *ind);
    for (int p = 0; p < 36; ++p) {
      SCOPED_TRACE(p);
      // P0: y0 budget 12 × 10,000 = 120,000 → 10,000 a month; y1 × 1.02 = 122,400 → 10,200;
      // y2 124,848 → 10,404 (not the costs' 50 %).
      const std::array p0{10'000.0, 10'200.0, 10'404.0};
      EXPECT_DOUBLE_EQ(books.revenue[books.at(p, 0)], p0[p / 12]);
      EXPECT_EQ(books.price[books.at(p, 0)], 0.0);
      // P1: nothing before month 14; then the budget of year 1: 6 × 10,000 × 1.5 = 90,000 →
      // 7,500 a month; y2 91,800 → 7,650.
      const double p1 = p < 14 ? 0.0 : (p < 24 ? 7'500.0 : 7'650.0);
      EXPECT_DOUBLE_EQ(books.revenue[books.at(p, 1)], p1);
      EXPECT_EQ(books.rule[books.at(p, 1)], p < 14 ? kNoRule : 1);
    }
  }
}

// 5. Capitation: euros a year per child, counted per day of presence.
TEST(Books, CapitationPaysPerChildYearOfPresence) {
  const auto m = make_model(1, {{4}}, 1, 3);
  auto ind = indicators_for(m);
  set_cell(ind, 0, 0, 0, 2 * kYear);                         // 2 child-years
  set_cell(ind, 1, 0, 0, kYear, 0.5 * kYear, 0.25 * kYear);  // 1 child-year, part time
  Assignment a;
  a.name = "capitation";
  a.rule = Rule::kCapitation;
  a.euros_per_child_year = 7'305.0;
  a.counterfactual = true;
  const auto books = keep_books(m, one_payer({money(50'000.0)}, {a}), ind);
  // 7305 × 730.5 / 365.25 = 14,610; 7305 × 1 = 7,305 (attendance does not matter); 0.
  EXPECT_DOUBLE_EQ(books.revenue[books.at(0, 0)], 14'610.0);
  EXPECT_DOUBLE_EQ(books.revenue[books.at(1, 0)], 7'305.0);
  EXPECT_EQ(books.revenue[books.at(2, 0)], 0.0);
  EXPECT_EQ(books.price[books.at(0, 0)], 0.0);
}

// 6. Money is conserved: payers' parts add up to the revenue exactly.
TEST(Books, PayersPartsAddUpToTheRevenueExactly) {
  // Two territories, four services, monthly over 3 years, with awkward activity.
  const auto m = make_model(2, {{7, 11}, {13, 3}, {5, 9}, {6, 6}}, 12, 3);
  auto ind = indicators_for(m);
  for (int p = 0; p < 36; ++p) {
    for (int t = 0; t < 2; ++t) {
      for (int s = 0; s < 4; ++s) {
        const double days = 17.3 + 13.7 * (p * 8 + t * 4 + s) / 3.0;
        set_cell(ind, p, t, s, days, days * 0.83, days * 0.11);
      }
    }
  }
  // 0.6 / 0.3 / 0.1; 0.1 / 0.3 / 0.6 (the last payer pays most: revenue − (0.1 r + 0.3 r)
  // computed plainly misses r by a bit in about one case in three here); 0.7 / 0.3 / 0 (the
  // second payer takes the rest, the third pays nothing).
  const std::vector<std::vector<double>> shares = {
      {0.6, 0.3, 0.1}, {0.1, 0.3, 0.6}, {0.6, 0.3, 0.1}, {0.7, 0.3, 0.0}};
  Scheme scheme;
  scheme.payers = {{"AM", ""}, {"CD", ""}, {"State", ""}};
  scheme.services = {money(39'000.0 / 7.0, 207.0), money(17'500.0), money(72'500.0),
                     money(10'000.0)};
  for (int s = 0; s < 4; ++s) {
    scheme.services[s].payer_split = shares[s];
    scheme.services[s].absence_share = 0.07;
    scheme.services[s].bill_absences = 0.3;
  }
  scheme.cost_growth = 0.017;
  auto capitation = Assignment{};
  capitation.rule = Rule::kCapitation;
  capitation.services = {1};
  capitation.euros_per_child_year = 9'876.54;
  scheme.assignments = {daily_price({0, 3}, 0, 0.93), capitation, global_allocation(0.013, 5)};
  scheme.assignments[2].services = {2};
  const auto books = keep_books(m, scheme, ind);
  ASSERT_EQ(books.units, 8);
  ASSERT_EQ(books.payers, 3);
  for (int p = 0; p < books.periods; ++p) {
    for (int u = 0; u < books.units; ++u) {
      SCOPED_TRACE(testing::Message() << "period " << p << " unit " << u);
      const double revenue = books.revenue[books.at(p, u)];
      const bool unpaid = u % 4 == 2 && p < 5;  // the allocation starts in period 5
      EXPECT_EQ(revenue > 0.0, !unpaid);
      double sum = 0.0;
      for (int k = 0; k < 3; ++k) {
        const double part = books.paid[books.at(p, u, k)];
        // Each part is its share, to a few bits of the revenue.
        EXPECT_NEAR(part, revenue * shares[u % 4][k], 1e-15 * revenue);
        sum += part;
      }
      EXPECT_EQ(sum, revenue);
    }
  }
  EXPECT_EQ(books.paid[books.at(7, 3, 2)], 0.0);
}

TEST(Books, AServicePaidWithNoPayerSplitBreaksAnInvariant) {
  const auto m = make_model(1, {{4}, {4}}, 1, 1);
  auto ind = indicators_for(m);
  set_cell(ind, 0, 0, 0, kYear);
  set_cell(ind, 0, 0, 1, kYear);
  auto unfunded = money(1'000.0);
  unfunded.payer_split.clear();
  // Unpaid (no rule selects it): fine, its parts are all 0.
  const auto books = keep_books(m, one_payer({money(1'000.0), unfunded}, {daily_price({0})}), ind);
  EXPECT_EQ(books.paid[books.at(0, 1, 0)], 0.0);
  // Paid: nobody to pay it.
  EXPECT_THROW(
      (void)keep_books(m, one_payer({money(1'000.0), unfunded}, {daily_price({0, 1})}), ind),
      core::InvariantError);
}

// 7. Daily price → global allocation → daily price: the price history goes on under the
// allocation, so the books are continuous.
TEST(Books, SwitchingRulesMidRunKeepsThePriceHistory) {
  // 10 places at 36,000 € (360,000 a year), 200 opening days; yearly periods over 6 years.
  const auto m = make_model(1, {{10}}, 1, 6);
  auto ind = indicators_for(m);
  // Children all year: 10, 8, 4, 6, 10, 9 → billed 2000, 1600, 800, 1200, 2000, 1800.
  const std::array children{10, 8, 4, 6, 10, 9};
  for (int y = 0; y < 6; ++y) {
    set_cell(ind, y, 0, 0, children[y] * kYear);
  }
  const auto books = keep_books(
      m,
      one_payer({money(36'000.0, 200.0)},
                {daily_price({}, 0, 0.9), global_allocation(0.1, 2), daily_price({}, 4)}),
      ind);
  // y0 daily price: forecast 10 × 200 × 0.9 = 1800 → 200 €; revenue 200 × 2000 = 400,000.
  // y1 daily price: mean(2000) → 180 €; 180 × 1600 = 288,000.
  // y2 allocation from the year's budget: 360,000; y3: × 1.1 = 396,000.
  // y4 daily price: mean(y1..y3) = (1600 + 800 + 1200) / 3 = 1200 → 300 €; 300 × 2000 = 600,000.
  // y5: mean(y2..y4) = (800 + 1200 + 2000) / 3 = 4000 / 3 → 270 €; 270 × 1800 = 486,000.
  const std::array revenue{400'000.0, 288'000.0, 360'000.0, 396'000.0, 600'000.0, 486'000.0};
  const std::array price{200.0, 180.0, 0.0, 0.0, 300.0, 270.0};
  const std::array rule{0, 0, 1, 1, 2, 2};
  for (int y = 0; y < 6; ++y) {
    SCOPED_TRACE(y);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(y, 0)], revenue[y]);
    EXPECT_DOUBLE_EQ(books.price[books.at(y, 0)], price[y]);
    EXPECT_EQ(books.rule[books.at(y, 0)], rule[y]);
  }
}

TEST(Books, AGlobalAllocationThatComesBackRestartsFromThatYearsBudget) {
  // 10 places at 10,000 €, costs growing 10 % a year: budgets 100,000, 110,000, 121,000...
  const auto m = make_model(1, {{10}}, 1, 4);
  auto ind = indicators_for(m);
  for (int y = 0; y < 4; ++y) {
    set_cell(ind, y, 0, 0, 7 * kYear);
  }
  auto scheme = one_payer({money(10'000.0)}, {global_allocation(0.5), fixed_price(100.0, 1),
                                              global_allocation(0.5, 2)});
  scheme.cost_growth = 0.1;
  const auto books = keep_books(m, scheme, ind);
  // y0: 100,000. y1: 100 € × 7 × 365.25 days = 255,675. y2: a new allocation from the budget
  // of y2, 121,000 (not 100,000 × 1.5²); y3: × 1.5 = 181,500.
  EXPECT_DOUBLE_EQ(books.revenue[books.at(0, 0)], 100'000.0);
  EXPECT_DOUBLE_EQ(books.revenue[books.at(1, 0)], 255'675.0);
  EXPECT_DOUBLE_EQ(books.revenue[books.at(2, 0)], 121'000.0);
  EXPECT_DOUBLE_EQ(books.revenue[books.at(3, 0)], 181'500.0);
}

// 8. Who a rule applies to.
TEST(Books, UnitsAreDeclaredProvidersThenCellsOfServicesWithoutProvidersTerritoryMajor) {
  // Territories: t0, t1 (home), t2 (abroad). Services: 0 IME and 1 SESSAD with providers,
  // 2 EEAP (3 places in t0 only) and 3 ITEP (2, 4, 1) without.
  auto m = make_model(3, {{5, 7, 0}, {4, 0, 0}, {3, 0, 0}, {2, 4, 1}}, 1, 1,
                      {provider(0, 0, 5, 0), provider(1, 0, 7, 1), provider(0, 1, 4, 1)});
  m.territories[2].abroad = true;
  m.territories[2].weight = 0.0;
  m.territories[2].region = model::kNoRegion;
  const auto all = units(m);
  ASSERT_EQ(all.size(), 7U);
  const model::ProviderId no = model::kNoProvider;
  const std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

  struct Expected {
    int territory, service;
    model::ProviderId provider;
    std::int64_t places;
    std::uint32_t organisation;
  };

  const std::array<Expected, 7> expected{{{0, 0, 0, 5, 0},
                                          {1, 0, 1, 7, 1},
                                          {0, 1, 2, 4, 1},
                                          {0, 2, no, 3, none},
                                          {0, 3, no, 2, none},
                                          {1, 3, no, 4, none},
                                          {2, 3, no, 1, none}}};
  for (std::size_t u = 0; u < all.size(); ++u) {
    SCOPED_TRACE(u);
    EXPECT_EQ(all[u].territory, expected[u].territory);
    EXPECT_EQ(all[u].service, expected[u].service);
    EXPECT_EQ(all[u].provider, expected[u].provider);
    EXPECT_EQ(all[u].places, expected[u].places);
    EXPECT_EQ(all[u].organisation, expected[u].organisation);
  }
}

TEST(Books, TheLastStartedAssignmentThatSelectsAUnitApplies) {
  auto m = make_model(3, {{5, 7, 0}, {4, 0, 0}, {3, 0, 0}, {2, 4, 1}}, 1, 4,
                      {provider(0, 0, 5, 0), provider(1, 0, 7, 1), provider(0, 1, 4, 1)});
  m.territories[2].abroad = true;
  m.territories[2].weight = 0.0;
  m.territories[2].region = model::kNoRegion;
  const auto ind = indicators_for(m);
  std::vector<Assignment> a(8, fixed_price(10.0));
  a[0].services = {0, 1, 2};  // IME, SESSAD, EEAP
  a[1].services = {1};        // SESSAD
  a[2].providers = {1};       // P1, from period 2
  a[2].from_period = 2;
  a[3].organisations = {1};  // IME of organisation 1 (P1, not the SESSAD P2), from period 3
  a[3].services = {0};
  a[3].from_period = 3;
  a[4].organisations = {0};  // organisation 0 (P0; never an implicit unit), from period 1
  a[4].from_period = 1;
  a[5].services = {2};  // EEAP of provider P0: nothing (implicit units match no provider list)
  a[5].providers = {0};
  a[6].services = {3};  // ITEP, from period 2
  a[6].from_period = 2;
  a[7].providers = {2};  // P2 from period 9: after the horizon
  a[7].from_period = 9;
  const auto books =
      keep_books(m, one_payer({money(1.0), money(1.0), money(1.0), money(1.0)}, a), ind);
  const int n = kNoRule;
  const std::array<std::array<int, 4>, 7> expected{{
      {0, 4, 4, 4},  // P0: everything, then its organisation from period 1
      {0, 0, 2, 3},  // P1: everything, itself from 2, its organisation's IME from 3
      {1, 1, 1, 1},  // P2: SESSAD (later a[3] wants IME, a[7] never starts)
      {0, 0, 0, 0},  // EEAP in t0: a[4] and a[5] never select implicit units
      {n, n, 6, 6},  // ITEP in t0, t1 and abroad t2: nothing until period 2
      {n, n, 6, 6},
      {n, n, 6, 6},
  }};
  for (int u = 0; u < 7; ++u) {
    for (int p = 0; p < 4; ++p) {
      SCOPED_TRACE(testing::Message() << "unit " << u << " period " << p);
      EXPECT_EQ(books.rule[books.at(p, u)], expected[u][p]);
      EXPECT_EQ(books.price[books.at(p, u)], expected[u][p] == n ? 0.0 : 10.0);
    }
  }
  // An assignment with no list selects every unit.
  const auto every = keep_books(
      m, one_payer({money(1.0), money(1.0), money(1.0), money(1.0)}, {fixed_price(1.0)}), ind);
  for (int u = 0; u < 7; ++u) {
    EXPECT_EQ(every.rule[every.at(0, u)], 0);
  }
}

// 9. Cost: a fixed share plus a share proportional to occupancy; surplus = revenue − cost.
TEST(Books, CostFollowsOccupancyBeyondItsFixedShare) {
  // 10 places at 36,525 €: budget 365,250 in y0, × 1.1 = 401,775 in y1; 60 % fixed.
  const auto m = make_model(1, {{10}}, 1, 2);
  auto ind = indicators_for(m);
  set_cell(ind, 0, 0, 0, 8 * kYear);   // occupancy 0.8
  set_cell(ind, 1, 0, 0, 10 * kYear);  // occupancy 1
  auto service = money(36'525.0);
  service.fixed_share = 0.6;
  auto scheme = one_payer({service}, {global_allocation(0.0)});
  scheme.cost_growth = 0.1;
  const auto books = keep_books(m, scheme, ind);
  // y0: 365,250 × (0.6 + 0.4 × 0.8) = 365,250 × 0.92 = 336,030; revenue 365,250: surplus 29,220.
  // y1: 401,775 × 1 = 401,775; revenue 365,250 (allocation not renewed): deficit 36,525.
  EXPECT_DOUBLE_EQ(books.cost[books.at(0, 0)], 336'030.0);
  // (1.1 is not a binary fraction: the surplus, a difference of large sums, is exact to 1e-9.)
  EXPECT_NEAR(books.revenue[books.at(0, 0)] - books.cost[books.at(0, 0)], 29'220.0, 1e-9);
  EXPECT_DOUBLE_EQ(books.cost[books.at(1, 0)], 401'775.0);
  EXPECT_NEAR(books.revenue[books.at(1, 0)] - books.cost[books.at(1, 0)], -36'525.0, 1e-9);
}

TEST(Books, MonthlyCostUsesTheMonthsOccupancyAndEmptyProvidersCostNothing) {
  // 10 places at 36,525 € (30,437.5 a month), 60 % fixed; a second provider with 0 places.
  const auto m = make_model(1, {{10}}, 12, 1, {provider(0, 0, 10), provider(0, 0, 0)});
  auto ind = indicators_for(m);
  set_provider(ind, 0, 0, 5 * kMonth);  // month 0: 5 of 10 places → occupancy 0.5
  auto service = money(36'525.0);
  service.fixed_share = 0.6;
  const auto books = keep_books(m, one_payer({service}, {daily_price({0})}), ind);
  // Month 0: 30,437.5 × (0.6 + 0.4 × 0.5) = 24,350; month 1 (empty): 30,437.5 × 0.6 = 18,262.5.
  EXPECT_DOUBLE_EQ(books.cost[books.at(0, 0)], 24'350.0);
  EXPECT_DOUBLE_EQ(books.cost[books.at(1, 0)], 18'262.5);
  // No places: no budget, no occupancy, no forecast days: everything 0, nothing undefined.
  for (int p = 0; p < 12; ++p) {
    EXPECT_EQ(books.cost[books.at(p, 1)], 0.0);
    EXPECT_EQ(books.price[books.at(p, 1)], 0.0);
    EXPECT_EQ(books.revenue[books.at(p, 1)], 0.0);
  }
}

}  // namespace
}  // namespace parcours::funding
