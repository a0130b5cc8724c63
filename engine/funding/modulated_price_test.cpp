#include "engine/funding/modulated_price.hpp"

#include "engine/core/check.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace parcours::funding {
namespace {

// The units of one day of each mode, in Gamme order:
//              gerer restaurer semi internat socio soins
// demi_pension   1       1       1     0       1     1     (a day with lunch)
// internat       1       3       1     1       1     1     (a day, three meals and a night)
// inclusion      1       0       0     0      0.5   0.5    (a day at school, followed from afar)
std::vector<PriceMode> small_modes() {
  return {
      {"demi_pension", {1.0, 1.0, 1.0, 0.0, 1.0, 1.0}},
      {"internat", {1.0, 3.0, 1.0, 1.0, 1.0, 1.0}},
      {"inclusion", {1.0, 0.0, 0.0, 0.0, 0.5, 0.5}},
  };
}

// A small provider, by hand. Forecast days: demi_pension 1,000, internat 500, inclusion 200
// (1,700 in all). Units of each gamme in the year, Σ_m units_mg × F_m:
//   gerer      1,000 + 500 + 200           = 1,700 days
//   restaurer  1,000 + 3 × 500             = 2,500 weighted meals
//   semi       1,000 + 500                 = 1,500 days
//   internat   500                         =   500 nights
//   socio      1,000 + 500 + 0.5 × 200     = 1,600 days
//   soins      1,000 + 500 + 0.5 × 200     = 1,600 days
// Euros chosen so that the unit costs come out round:
//   gerer 34,000 / 1,700 = 20; restaurer 25,000 / 2,500 = 10; semi 30,000 / 1,500 = 20;
//   internat 40,000 / 500 = 80; socio 160,000 / 1,600 = 100; soins 48,000 / 1,600 = 30.
// Total 337,000 euros.
CostDecomposition small_costs() {
  CostDecomposition c;
  c.euros = {34'000.0, 25'000.0, 30'000.0, 40'000.0, 160'000.0, 48'000.0};
  c.forecast_days = {1'000.0, 500.0, 200.0};
  return c;
}

double total(const PerGamme& euros) { return std::accumulate(euros.begin(), euros.end(), 0.0); }

TEST(ModulatedPrice, SmallProviderByHand) {
  const ModulatedPrices p = modulate(small_modes(), small_costs());
  EXPECT_EQ(p.activity_units, (PerGamme{1'700.0, 2'500.0, 1'500.0, 500.0, 1'600.0, 1'600.0}));
  EXPECT_EQ(p.unit_cost, (PerGamme{20.0, 10.0, 20.0, 80.0, 100.0, 30.0}));
  ASSERT_EQ(p.price.size(), 3u);
  EXPECT_DOUBLE_EQ(p.price[0], 180.0);  // 20 + 10 + 20 + 100 + 30
  EXPECT_DOUBLE_EQ(p.price[1], 280.0);  // 20 + 3 × 10 + 20 + 80 + 100 + 30
  EXPECT_DOUBLE_EQ(p.price[2], 85.0);   // 20 + 0.5 × 100 + 0.5 × 30
  // 180 × 1,000 + 280 × 500 + 85 × 200 = 180,000 + 140,000 + 17,000 = 337,000: the costs.
  EXPECT_DOUBLE_EQ(p.forecast_spending, 337'000.0);
  // No notified price: the single price is 337,000 / 1,700 = 198.235... euros a day.
  EXPECT_DOUBLE_EQ(p.single_price, 337'000.0 / 1'700.0);
  EXPECT_DOUBLE_EQ(p.single_forecast_spending, 337'000.0);
  EXPECT_TRUE(p.c1_holds);
  EXPECT_EQ(p.scale, 1.0);
}

// A provider with uneven figures, so that no sum comes out round by chance.
CostDecomposition uneven_costs() {
  CostDecomposition c;
  c.euros = {412'345.67, 98'765.43, 154'321.0, 287'654.32, 1'234'567.89, 345'678.9};
  c.forecast_days = {7'321.5, 2'987.0, 613.25};
  return c;
}

TEST(ModulatedPrice, EachModesPriceIsTheSumOfItsGammesUnitCostsTimesUnits) {
  const std::vector<PriceMode> modes = small_modes();
  for (const CostDecomposition& costs : {small_costs(), uneven_costs()}) {
    const ModulatedPrices p = modulate(modes, costs);
    for (std::size_t m = 0; m < modes.size(); ++m) {
      double sum = 0.0;
      for (std::size_t g = 0; g < kGammes; ++g) {
        EXPECT_DOUBLE_EQ(p.unit_cost[g], costs.euros[g] / p.activity_units[g]);
        sum += modes[m].units[g] * p.unit_cost[g];
      }
      EXPECT_DOUBLE_EQ(p.price[m], sum) << modes[m].name;
    }
  }
}

TEST(ModulatedPrice, ForecastSpendingIsTheCostsWhenEveryGammeHasUnits) {
  // Σ_m price_m F_m = Σ_g unit_cost_g Σ_m units_mg F_m = Σ_g euros_g: modulation moves money
  // between modes, never adds any.
  const CostDecomposition costs = uneven_costs();
  const ModulatedPrices p = modulate(small_modes(), costs);
  double spending = 0.0;
  for (std::size_t m = 0; m < p.price.size(); ++m) {
    spending += p.price[m] * costs.forecast_days[m];
  }
  EXPECT_NEAR(spending, total(costs.euros), 1e-9 * total(costs.euros));
  EXPECT_NEAR(p.forecast_spending, total(costs.euros), 1e-9 * total(costs.euros));
  EXPECT_TRUE(p.c1_holds);
}

TEST(ModulatedPrice, AGammeWithNoEurosAndNoUnitsCostsNothing) {
  std::vector<PriceMode> modes = small_modes();
  modes.pop_back();
  modes[1].units[index(Gamme::kHebergerInternat)] = 0.0;
  CostDecomposition costs = small_costs();
  costs.forecast_days.pop_back();
  costs.euros[index(Gamme::kHebergerInternat)] = 0.0;
  const ModulatedPrices p = modulate(modes, costs);
  EXPECT_EQ(p.activity_units[index(Gamme::kHebergerInternat)], 0.0);
  EXPECT_EQ(p.unit_cost[index(Gamme::kHebergerInternat)], 0.0);
  EXPECT_TRUE(check_costs(modes, costs).empty());
}

TEST(ModulatedPrice, C1HoldsWhenTheNotifiedPriceCoversTheCosts) {
  CostDecomposition costs = small_costs();
  costs.notified_single_price = 200.0;  // 200 × 1,700 = 340,000 >= 337,000
  const ModulatedPrices p = modulate(small_modes(), costs);
  EXPECT_EQ(p.single_price, 200.0);
  EXPECT_DOUBLE_EQ(p.single_forecast_spending, 340'000.0);
  EXPECT_DOUBLE_EQ(p.forecast_spending, 337'000.0);
  EXPECT_TRUE(p.c1_holds);
  EXPECT_EQ(p.scale, 1.0);
  EXPECT_DOUBLE_EQ(p.price[1], 280.0);  // unchanged
}

TEST(ModulatedPrice, C1FailingAfterNotificationScalesThePricesDownToTheSinglePrices) {
  CostDecomposition costs = small_costs();
  costs.notified_single_price = 190.0;  // 190 × 1,700 = 323,000 < 337,000: C1 fails
  const ModulatedPrices p = modulate(small_modes(), costs, AfterNotification::kScale);
  EXPECT_FALSE(p.c1_holds);
  // scale = 323,000 / 337,000 = 0.958457...; internat: 280 × 0.958457 = 268.37...
  EXPECT_DOUBLE_EQ(p.scale, 323'000.0 / 337'000.0);
  EXPECT_DOUBLE_EQ(p.price[0], 180.0 * 323'000.0 / 337'000.0);
  EXPECT_DOUBLE_EQ(p.price[1], 280.0 * 323'000.0 / 337'000.0);
  EXPECT_DOUBLE_EQ(p.price[2], 85.0 * 323'000.0 / 337'000.0);
  EXPECT_NEAR(p.price[1], 268.37, 0.005);
  EXPECT_DOUBLE_EQ(p.forecast_spending, 323'000.0);
  EXPECT_DOUBLE_EQ(p.single_forecast_spending, 323'000.0);
  // The scaled prices spend what the single price would.
  EXPECT_NEAR(p.price[0] * 1'000.0 + p.price[1] * 500.0 + p.price[2] * 200.0, 323'000.0, 1e-6);
}

TEST(ModulatedPrice, C1FailingAfterNotificationKeepsThePricesWhenAsked) {
  CostDecomposition costs = small_costs();
  costs.notified_single_price = 190.0;
  const ModulatedPrices p = modulate(small_modes(), costs, AfterNotification::kKeep);
  EXPECT_FALSE(p.c1_holds);
  EXPECT_EQ(p.scale, 1.0);
  EXPECT_DOUBLE_EQ(p.price[1], 280.0);
  EXPECT_DOUBLE_EQ(p.forecast_spending, 337'000.0);
  EXPECT_DOUBLE_EQ(p.single_forecast_spending, 323'000.0);
}

TEST(ModulatedPrice, AGammeWithEurosThatNoModeConsumesIsAProblem) {
  std::vector<PriceMode> modes = small_modes();
  modes[1].units[index(Gamme::kHebergerInternat)] = 0.0;  // no mode has nights any more
  const std::vector<CostProblem> problems = check_costs(modes, small_costs());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].gamme, Gamme::kHebergerInternat);
  EXPECT_EQ(problems[0].message,
            "no price mode consumes heberger_internat, so its euros would be paid by no price");
  EXPECT_THROW((void)modulate(modes, small_costs()), core::InvariantError);
}

TEST(ModulatedPrice, AGammeConsumedOnlyByModesWithNoForecastDaysIsAProblem) {
  CostDecomposition costs = small_costs();
  costs.forecast_days[1] = 0.0;  // no internat day forecast: no night
  const std::vector<CostProblem> problems = check_costs(small_modes(), costs);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].gamme, Gamme::kHebergerInternat);
  EXPECT_EQ(problems[0].message,
            "the price modes that consume heberger_internat have 0 forecast days, so its euros "
            "would be paid by no price");
}

TEST(ModulatedPrice, NoForecastDayAtAllIsAProblem) {
  CostDecomposition costs = small_costs();
  costs.forecast_days = {0.0, 0.0, 0.0};
  const std::vector<CostProblem> problems = check_costs(small_modes(), costs);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_FALSE(problems[0].gamme.has_value());
  EXPECT_EQ(problems[0].message, "the forecast days sum to 0, so no price can be computed");
}

TEST(ModulatedPrice, OneForecastFigurePerModeIsRequired) {
  CostDecomposition costs = small_costs();
  costs.forecast_days.pop_back();
  EXPECT_THROW((void)modulate(small_modes(), costs), core::InvariantError);
}

}  // namespace
}  // namespace parcours::funding
