// Modulated daily prices paid in runs (CASF R.314-119, Rule::kModulatedPrice): days billed by
// price mode, prices from the cost table in the run's first year and from the days billed before
// later, each against a case computed by hand.
#include "engine/core/check.hpp"
#include "engine/funding/books.hpp"
#include "engine/funding/books_test_support.hpp"
#include "engine/funding/modulated_price.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace parcours::funding {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the helpers of these tests

constexpr std::array kTablePrices{180.0, 280.0, 85.0};

// Prices over days (800, 400, 800): units gerer 2,000, restaurer 800 + 3 × 400 = 2,000, semi
// 1,200, internat 400, socio and soins 800 + 400 + 0.5 × 800 = 1,600. Unit costs 17, 12.5, 25,
// 100, 100, 30. Prices: 17 + 12.5 + 25 + 100 + 30 = 184.5; 17 + 37.5 + 25 + 100 + 100 + 30 =
// 309.5; 17 + 50 + 15 = 82. (184.5 × 800 + 309.5 × 400 + 82 × 800 = 337,000: the costs.)
constexpr std::array kPrices800{184.5, 309.5, 82.0};

// One IME provider of 10 places, children internat (model mode 0) or semi-internat (mode 1),
// their days measured by mode.
model::Model modulated_model(int periods_per_year, int horizon_years) {
  auto m = make_model(1, {{10}}, periods_per_year, horizon_years, {provider(0, 0, 10)});
  m.modes = {{"internat", true, 1.0}, {"semi-internat", false, 1.0}};
  m.mode_days = true;
  return m;
}

Assignment modulated_price(int from_period = 0) {
  Assignment a;
  a.name = "modulated";
  a.rule = Rule::kModulatedPrice;
  a.from_period = from_period;
  return a;
}

// 200 opening days: a child-year attended bills 200 days. Internat children's days in the
// establishment bill as internat, semi-internat children's as demi-pension, days at school as
// inclusion.
Scheme modulated_scheme(std::vector<Assignment> assignments,
                        ServiceMoney service = money(1.0, 200.0)) {
  auto scheme = one_payer({std::move(service)}, std::move(assignments));
  scheme.price_modes = price_modes();
  scheme.costs = {modulated_costs()};
  scheme.price_mode_of = {kInternat, kDemiPension};
  scheme.school_price_mode = kInclusion;
  return scheme;
}

// Period p of provider 0: child-years attended by internat and semi-internat children and the
// child-years of those at school, all full time (place-days = attended days), over `periods`
// periods a year.
void set_days(model::Indicators& ind, int p, double internat, double internat_school, double semi,
              double semi_school, int periods = 1) {
  const double to_days = kYear / periods;
  const auto set = [&](int mode, double attended, double school) {
    const auto j = ind.provider_mode_cell(p, 0, mode);
    ind.provider_mode_attended_days[j] = attended * to_days;
    ind.provider_mode_school_days[j] = school * to_days;
  };
  set(0, internat, internat_school);
  set(1, semi, semi_school);
  const auto i = ind.provider_cell(p, 0);
  ind.provider_place_days[i] = (internat + semi) * to_days;
  ind.provider_attended_days[i] = (internat + semi) * to_days;
  ind.provider_school_days[i] = (internat_school + semi_school) * to_days;
}

// Internat 3 child-years, 1 at school; semi-internat 7, 3 at school. Billed: demi_pension
// (7 − 3) × 200 = 800, internat (3 − 1) × 200 = 400, inclusion (1 + 3) × 200 = 800.
void set_days_800(model::Indicators& ind, int p, int periods = 1) {
  set_days(ind, p, 3.0, 1.0, 7.0, 3.0, periods);
}

// Internat 2.5 child-years, none at school; semi-internat 6, 1 at school. Billed: demi_pension
// 1,000, internat 500, inclusion 200: the cost table's forecast.
void set_days_forecast(model::Indicators& ind, int p, int periods = 1) {
  set_days(ind, p, 2.5, 0.0, 6.0, 1.0, periods);
}

std::array<double, 3> mode_prices(const Books& books, int p, int u = 0) {
  return {books.mode_price[books.mode_at(p, u, 0)], books.mode_price[books.mode_at(p, u, 1)],
          books.mode_price[books.mode_at(p, u, 2)]};
}

std::array<double, 3> mode_days(const Books& books, int p, int u = 0) {
  return {books.mode_billed_days[books.mode_at(p, u, 0)],
          books.mode_billed_days[books.mode_at(p, u, 1)],
          books.mode_billed_days[books.mode_at(p, u, 2)]};
}

void expect_prices(const Books& books, int p, const std::array<double, 3>& expected) {
  const auto prices = mode_prices(books, p);
  for (std::size_t m = 0; m < 3; ++m) {
    SCOPED_TRACE(m);
    EXPECT_NEAR(prices[m], expected[m], 1e-9 * expected[m]);
  }
}

TEST(ModulatedBooks, FirstYearPricesAreTheCalculatorsAndRevenueIsPricesTimesDaysByMode) {
  const auto m = modulated_model(1, 1);
  auto ind = indicators_for(m);
  set_days_800(ind, 0);
  const auto scheme = modulated_scheme({modulated_price()});
  const auto books = keep_books(m, scheme, ind);
  ASSERT_EQ(books.price_modes, 3);
  ASSERT_EQ(books.mode_price.size(), 3U);
  EXPECT_EQ(books.rule[books.at(0, 0)], 0);
  // The calculator's prices, each the sum of its gammes' units × unit cost.
  const auto calculator = modulate(price_modes(), modulated_costs());
  const auto prices = mode_prices(books, 0);
  for (std::size_t k = 0; k < 3; ++k) {
    SCOPED_TRACE(k);
    EXPECT_DOUBLE_EQ(prices[k], kTablePrices[k]);
    EXPECT_DOUBLE_EQ(prices[k], calculator.price[k]);
    double gammes = 0.0;
    for (std::size_t g = 0; g < kGammes; ++g) {
      double units = 0.0;  // the gamme's units over the forecast days
      for (std::size_t j = 0; j < 3; ++j) {
        units += price_modes()[j].units[g] * modulated_costs().forecast_days[j];
      }
      gammes += price_modes()[k].units[g] * modulated_costs().euros[g] / units;
    }
    EXPECT_DOUBLE_EQ(prices[k], gammes);
  }
  // Days by price mode: 800, 400, 800, summing to the billed days, 2,000.
  const auto days = mode_days(books, 0);
  EXPECT_DOUBLE_EQ(days[kDemiPension], 800.0);
  EXPECT_DOUBLE_EQ(days[kInternat], 400.0);
  EXPECT_DOUBLE_EQ(days[kInclusion], 800.0);
  EXPECT_DOUBLE_EQ(books.billed_days[books.at(0, 0)], 2'000.0);
  EXPECT_DOUBLE_EQ(days[0] + days[1] + days[2], books.billed_days[books.at(0, 0)]);
  // Revenue 180 × 800 + 280 × 400 + 85 × 800 = 144,000 + 112,000 + 68,000 = 324,000 (the days
  // were not the forecast's, so not the costs' 337,000); the mean price 324,000 / 2,000 = 162.
  EXPECT_DOUBLE_EQ(books.revenue[books.at(0, 0)], 324'000.0);
  EXPECT_DOUBLE_EQ(books.price[books.at(0, 0)], 162.0);
  EXPECT_EQ(books.paid[books.at(0, 0, 0)], books.revenue[books.at(0, 0)]);
  // Without price modes, no days by price mode.
  const auto plain = keep_books(m, one_payer({money(1.0, 200.0)}, {fixed_price(1.0)}), ind);
  EXPECT_EQ(plain.price_modes, 0);
  EXPECT_TRUE(plain.mode_billed_days.empty());
  EXPECT_TRUE(plain.mode_price.empty());
}

// R.314-119 with R.314-113's lag: the next year's prices divide the costs by this year's days.
TEST(ModulatedBooks, NextYearsPricesComeFromThisYearsDaysByMode) {
  const auto m = modulated_model(1, 2);
  auto ind = indicators_for(m);
  set_days_800(ind, 0);
  set_days_forecast(ind, 1);
  const auto books = keep_books(m, modulated_scheme({modulated_price()}), ind);
  // y0: the table's 180, 280, 85 (revenue 324,000).
  // y1: over y0's days (800, 400, 800): 184.5, 309.5, 82, paid on y1's days (1,000, 500, 200):
  // 184,500 + 154,750 + 16,400 = 355,650. (Over y1's own days they would be the table's.)
  expect_prices(books, 0, kTablePrices);
  expect_prices(books, 1, kPrices800);
  const auto days = mode_days(books, 1);
  EXPECT_DOUBLE_EQ(days[kDemiPension], 1'000.0);
  EXPECT_DOUBLE_EQ(days[kInternat], 500.0);
  EXPECT_DOUBLE_EQ(days[kInclusion], 200.0);
  EXPECT_DOUBLE_EQ(books.revenue[books.at(1, 0)], 355'650.0);
  EXPECT_DOUBLE_EQ(books.price[books.at(1, 0)], 355'650.0 / 1'700.0);
}

TEST(ModulatedBooks, PricesReadTheMeanDaysOfTheThreePreviousYears) {
  const auto m = modulated_model(1, 5);
  auto ind = indicators_for(m);
  set_days_forecast(ind, 0);  // (1,000, 500, 200)
  for (int y = 1; y < 5; ++y) {
    set_days_800(ind, y);  // (800, 400, 800)
  }
  const auto books = keep_books(m, modulated_scheme({modulated_price()}), ind);
  // y1: over y0's days, the forecast's: the table's prices again.
  expect_prices(books, 1, kTablePrices);
  // y2: over mean(y0, y1) = (900, 450, 500): units gerer 1,850, restaurer 900 + 1,350 = 2,250,
  // semi 1,350, internat 450, socio and soins 900 + 450 + 250 = 1,600. Unit costs 34,000 / 1,850,
  // 100 / 9, 200 / 9, 800 / 9, 100, 30.
  const double gerer = 34'000.0 / 1'850.0;
  expect_prices(
      books, 2,
      {gerer + 100.0 / 9.0 + 200.0 / 9.0 + 100.0 + 30.0,
       gerer + 300.0 / 9.0 + 200.0 / 9.0 + 800.0 / 9.0 + 100.0 + 30.0, gerer + 50.0 + 15.0});
  // y3: over mean(y0, y1, y2) = (2,600, 1,300, 1,800) / 3.
  auto mean = modulated_costs();
  mean.forecast_days = {2'600.0 / 3.0, 1'300.0 / 3.0, 600.0};
  const auto y3 = modulate(price_modes(), mean);
  expect_prices(books, 3, {y3.price[0], y3.price[1], y3.price[2]});
  // y4: over mean(y1, y2, y3) = (800, 400, 800), y0 out of the window.
  expect_prices(books, 4, kPrices800);
  // Budget neutral at those prices on those days: 337,000.
  EXPECT_DOUBLE_EQ(books.revenue[books.at(4, 0)], 337'000.0);
}

TEST(ModulatedBooks, SchoolDaysWithoutASchoolPriceModeAreBilledInTheChildsMode) {
  const auto m = modulated_model(1, 1);
  auto ind = indicators_for(m);
  set_days_800(ind, 0);
  auto scheme = modulated_scheme({modulated_price()});
  scheme.school_price_mode = kNoPriceMode;
  const auto books = keep_books(m, scheme, ind);
  // Internat children's 1 child-year at school bills as internat, semi-internat children's 3 as
  // demi-pension: demi_pension 800 + 600 = 1,400, internat 400 + 200 = 600, inclusion 0.
  const auto days = mode_days(books, 0);
  EXPECT_DOUBLE_EQ(days[kDemiPension], 1'400.0);
  EXPECT_DOUBLE_EQ(days[kInternat], 600.0);
  EXPECT_EQ(days[kInclusion], 0.0);
  EXPECT_DOUBLE_EQ(days[0] + days[1] + days[2], books.billed_days[books.at(0, 0)]);
  // 180 × 1,400 + 280 × 600 = 252,000 + 168,000 = 420,000; the inclusion price still 85.
  EXPECT_DOUBLE_EQ(books.revenue[books.at(0, 0)], 420'000.0);
  EXPECT_DOUBLE_EQ(books.mode_price[books.mode_at(0, 0, kInclusion)], 85.0);
}

TEST(ModulatedBooks, AbsencesAndSchoolDaysAreBilledAsTheModulatedPriceSays) {
  const auto m = modulated_model(1, 1);
  auto ind = indicators_for(m);
  set_days_800(ind, 0);
  // The service bills everything; 10 % of the days in the establishment are absences, which the
  // modulated price does not bill, and it bills half the days at school.
  auto service = money(1.0, 200.0);
  service.absence_share = 0.1;
  auto a = modulated_price();
  a.bill_absences = 0.0;
  a.bill_school_days = 0.5;
  const auto books = keep_books(m, modulated_scheme({a}, service), ind);
  // demi_pension 800 × 0.9 = 720, internat 400 × 0.9 = 360, inclusion 800 × 0.5 = 400: 1,480.
  const auto days = mode_days(books, 0);
  EXPECT_DOUBLE_EQ(days[kDemiPension], 720.0);
  EXPECT_DOUBLE_EQ(days[kInternat], 360.0);
  EXPECT_DOUBLE_EQ(days[kInclusion], 400.0);
  EXPECT_DOUBLE_EQ(books.billed_days[books.at(0, 0)], 1'480.0);
  // 180 × 720 + 280 × 360 + 85 × 400 = 129,600 + 100,800 + 34,000 = 264,400.
  EXPECT_DOUBLE_EQ(books.revenue[books.at(0, 0)], 264'400.0);
}

TEST(ModulatedBooks, CostsGrowAndFollowTheYearsPlaces) {
  // Costs +10 % a year; the provider has 8 places in y0 and 12 in y1 (10 at the start).
  const auto m = modulated_model(1, 2);
  auto ind = indicators_for(m);
  set_provider_places(ind, m, 0, 0, 8.0);
  set_provider_places(ind, m, 1, 0, 12.0);
  set_days_forecast(ind, 0);
  set_days_forecast(ind, 1);
  auto scheme = modulated_scheme({modulated_price()});
  scheme.cost_growth = 0.1;
  const auto books = keep_books(m, scheme, ind);
  // y0: euros × 8 / 10 over the forecast: 144, 224, 68.
  expect_prices(books, 0, {144.0, 224.0, 68.0});
  // y1: euros × 1.1 × 12 / 10 = × 1.32 over y0's days, the forecast's: 237.6, 369.6, 112.2.
  expect_prices(books, 1, {237.6, 369.6, 112.2});
  // Revenue: 237.6 × 1,000 + 369.6 × 500 + 112.2 × 200 = 237,600 + 184,800 + 22,440 = 444,840
  // (337,000 × 1.32).
  EXPECT_NEAR(books.revenue[books.at(1, 0)], 444'840.0, 1e-6);
}

// C1 (R.314-119): after a single price was notified, the forecast spending at the modulated
// prices may not exceed the single price's; the next years have no notified price.
TEST(ModulatedBooks, ANotifiedSinglePriceBindsTheFirstYearOnly) {
  const auto m = modulated_model(1, 2);
  auto ind = indicators_for(m);
  set_days_forecast(ind, 0);
  set_days_forecast(ind, 1);
  auto scheme = modulated_scheme({modulated_price()});
  scheme.costs[0]->notified_single_price = 150.0;
  const auto scaled = keep_books(m, scheme, ind);
  // Forecast spending 337,000 > 150 × 1,700 = 255,000: the prices × 255,000 / 337,000.
  const double scale = 255'000.0 / 337'000.0;
  expect_prices(scaled, 0, {180.0 * scale, 280.0 * scale, 85.0 * scale});
  EXPECT_NEAR(scaled.revenue[scaled.at(0, 0)], 255'000.0, 1e-6);
  // y1: over y0's days (the forecast's) without a notified price: the table's prices.
  expect_prices(scaled, 1, kTablePrices);
  scheme.after_notification = AfterNotification::kKeep;
  const auto kept = keep_books(m, scheme, ind);
  expect_prices(kept, 0, kTablePrices);
  EXPECT_DOUBLE_EQ(kept.revenue[kept.at(0, 0)], 337'000.0);
}

TEST(ModulatedBooks, AFloorOccupancyRaisesTheDaysInProportion) {
  const auto m = modulated_model(1, 2);
  auto ind = indicators_for(m);
  // y0 half as busy: internat 1.5 child-years (0.5 at school), semi-internat 3.5 (1.5 at school):
  // demi_pension 400, internat 200, inclusion 400: 1,000 days.
  set_days(ind, 0, 1.5, 0.5, 3.5, 1.5);
  set_days_800(ind, 1);
  auto plain = modulated_price();
  auto floored = modulated_price();
  floored.floor_occupancy = 1.0;  // at least 10 places × 200 days = 2,000 days
  auto low = modulated_price();
  low.floor_occupancy = 0.4;  // at least 800 days: below 1,000, no effect
  // Over (400, 200, 400): units gerer 1,000, restaurer 1,000, semi 600, internat 200, socio and
  // soins 800. Unit costs 34, 25, 50, 200, 200, 60: 34 + 25 + 50 + 200 + 60 = 369;
  // 34 + 75 + 50 + 200 + 200 + 60 = 619; 34 + 100 + 30 = 164.
  const std::array<double, 3> unfloored{369.0, 619.0, 164.0};
  expect_prices(keep_books(m, modulated_scheme({plain}), ind), 1, unfloored);
  expect_prices(keep_books(m, modulated_scheme({low}), ind), 1, unfloored);
  // Raised × 2 to 2,000 days: (800, 400, 800), the same mix: 184.5, 309.5, 82.
  const auto books = keep_books(m, modulated_scheme({floored}), ind);
  expect_prices(books, 1, kPrices800);
  EXPECT_DOUBLE_EQ(books.revenue[books.at(1, 0)], 337'000.0);
}

TEST(ModulatedBooks, DaysThatCannotPriceAGammeFallBackToTheForecast) {
  const auto m = modulated_model(1, 2);
  auto scheme = modulated_scheme({modulated_price()});
  scheme.costs[0]->notified_single_price = 150.0;
  // y0 without internat children: no night for héberger en internat's 40,000 €.
  auto no_internat = indicators_for(m);
  set_days(no_internat, 0, 0.0, 0.0, 6.0, 1.0);
  // y0 without any child: no day at all.
  const auto empty = indicators_for(m);
  for (const model::Indicators* ind : {&std::as_const(no_internat), &empty}) {
    const auto books = keep_books(m, scheme, *ind);
    // y1 over the table's forecast days, without y0's notified price: 180, 280, 85.
    expect_prices(books, 1, kTablePrices);
  }
}

// A daily price, then a modulated price: the modulated price's first prices read the days
// billed by mode under the daily price, so the provider's revenue goes on.
TEST(ModulatedBooks, ADailyPriceThenAModulatedPriceKeepsTheBooksContinuous) {
  const auto m = modulated_model(1, 3);
  auto ind = indicators_for(m);
  for (int y = 0; y < 3; ++y) {
    set_days_800(ind, y);  // 2,000 days a year: (800, 400, 800)
  }
  // 33,700 € a place: a budget of 337,000 €, the cost table's.
  const auto books = keep_books(
      m, modulated_scheme({daily_price({}), modulated_price(2)}, money(33'700.0, 200.0)), ind);
  // y0: forecast 10 × 200 = 2,000 days → 168.5 €; × 2,000 = 337,000. y1: the same.
  // y2: the modulated price over the mean of y0-y1's days by mode (800, 400, 800): 184.5,
  // 309.5, 82; 337,000 again. (From the table's forecast days: 180, 280, 85 and 324,000.)
  for (int y = 0; y < 3; ++y) {
    SCOPED_TRACE(y);
    EXPECT_EQ(books.rule[books.at(y, 0)], y < 2 ? 0 : 1);
    EXPECT_DOUBLE_EQ(books.revenue[books.at(y, 0)], 337'000.0);
  }
  EXPECT_DOUBLE_EQ(books.price[books.at(1, 0)], 168.5);
  expect_prices(books, 2, kPrices800);
  // Under the daily price, the days by price mode are recorded (the next prices read them), but
  // no modulated price.
  EXPECT_EQ(mode_days(books, 1), (std::array{800.0, 400.0, 800.0}));
  EXPECT_EQ(mode_prices(books, 1), (std::array{0.0, 0.0, 0.0}));
}

// Monthly: prices once a year, from whole years (months under another rule too); money
// conserved between payers.
TEST(ModulatedBooks, MonthlyPricesAreTheYearsAndThePayersPartsAddUpToTheRevenue) {
  const auto m = modulated_model(12, 2);
  auto ind = indicators_for(m);
  for (int p = 0; p < 24; ++p) {
    set_days_800(ind, p, 12);  // a twelfth of (800, 400, 800) a month
  }
  // A fixed daily price in months 0-2, the modulated price from month 3.
  auto scheme = modulated_scheme({fixed_price(100.0), modulated_price(3)});
  scheme.payers = {{"AM", ""}, {"CD", ""}};
  scheme.services[0].payer_split = {0.7, 0.3};
  const auto books = keep_books(m, scheme, ind);
  for (int p = 0; p < 24; ++p) {
    SCOPED_TRACE(p);
    const double revenue = books.revenue[books.at(p, 0)];
    if (p < 3) {
      EXPECT_DOUBLE_EQ(revenue, 100.0 * 2'000.0 / 12.0);
      EXPECT_EQ(mode_prices(books, p), (std::array{0.0, 0.0, 0.0}));
    } else {
      // y0: the table's; y1: over y0's twelve months (800, 400, 800), the first three included.
      const auto& prices = p < 12 ? kTablePrices : kPrices800;
      expect_prices(books, p, prices);
      EXPECT_NEAR(revenue, (prices[0] * 800.0 + prices[1] * 400.0 + prices[2] * 800.0) / 12.0,
                  1e-9);
    }
    EXPECT_EQ(books.paid[books.at(p, 0, 0)] + books.paid[books.at(p, 0, 1)], revenue);
    EXPECT_NEAR(books.paid[books.at(p, 0, 0)], 0.7 * revenue, 1e-9);
  }
}

TEST(ModulatedBooks, AModulatedPriceOfAUnitItCannotPriceBreaksAnInvariant) {
  const auto m = modulated_model(1, 1);
  auto ind = indicators_for(m);
  set_days_800(ind, 0);
  // Fine as it is.
  EXPECT_NO_THROW((void)keep_books(m, modulated_scheme({modulated_price()}), ind));
  // A provider without costs.
  auto no_costs = modulated_scheme({modulated_price()});
  no_costs.costs = {std::nullopt};
  EXPECT_THROW((void)keep_books(m, no_costs, ind), core::InvariantError);
  // No price mode for the model's modes.
  auto no_modes = modulated_scheme({modulated_price()});
  no_modes.price_mode_of.clear();
  EXPECT_THROW((void)keep_books(m, no_modes, ind), core::InvariantError);
  // Indicators without days by mode.
  auto unmeasured = m;
  unmeasured.mode_days = false;
  EXPECT_THROW(
      (void)keep_books(m, modulated_scheme({modulated_price()}), indicators_for(unmeasured)),
      core::InvariantError);
  // A provider without places at the start, which its costs are of.
  auto no_places = modulated_model(1, 1);
  no_places.providers[0].places = 0;
  EXPECT_THROW(
      (void)keep_books(no_places, modulated_scheme({modulated_price()}), indicators_for(no_places)),
      core::InvariantError);
  // An implicit unit (a service without declared providers).
  auto implicit = make_model(1, {{10}}, 1, 1);
  implicit.modes = m.modes;
  implicit.mode_days = true;
  EXPECT_THROW(
      (void)keep_books(implicit, modulated_scheme({modulated_price()}), indicators_for(implicit)),
      core::InvariantError);
}

}  // namespace
}  // namespace parcours::funding
