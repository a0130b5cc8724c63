#include "engine/io/funding_costs.hpp"

#include "engine/io/csv.hpp"
#include "engine/io/scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace parcours::io {
namespace {

namespace fs = std::filesystem;

// Two IME providers, three price modes (declared out of alphabetical order) and a costs file.
const std::string kPricesMini = R"(# line 1
[scenario]
name = "prices"
start_date = 2025-01-01
horizon_years = 1

[territories]
codes = ["A"]

[arrivals]
rate_per_year = 10
age_years = { law = "uniform", min = 3, max = 16 }
orientation = { IME = 1.0 }

[services.IME]
age_limit_years = 20
length_of_stay_years = { law = "exponential", mean = 5 }

[providers]
file = "providers.csv"

[funding]
costs = "costs.csv"

[funding.price_modes.internat]
units = { gerer = 1, restaurer = 3, heberger_semi_internat = 1, heberger_internat = 1, socio_educatif = 1, soins = 1 }

[funding.price_modes.demi_pension]
units = { gerer = 1, restaurer = 1, heberger_semi_internat = 1, socio_educatif = 1, soins = 1 }
description = "a day with lunch"

[funding.price_modes.inclusion]
units = { gerer = 1, socio_educatif = 0.5, soins = 0.5 }
)";

const std::string kProviders =
    "name,territory,service,places,impairments,organisation\n"
    "IME A1,A,IME,10,,\n"
    "IME A2,A,IME,5,,\n";

// The small provider of modulated_price_test.cpp, its days in the modes' alphabetical order
// (demi_pension, inclusion, internat), with a notified single price of 190 euros a day.
const std::string kHeader =
    "provider,gerer,restaurer,heberger_semi_internat,heberger_internat,socio_educatif,soins,"
    "days_demi_pension,days_inclusion,days_internat,notified_single_price\n";
const std::string kCosts =
    kHeader + "IME A2,34000,25000,30000,40000,160000,48000,1000,200,500,190\n";

// The 1-based line of the first line of `text` that contains `needle`.
int line_of(const std::string& text, const std::string& needle) {
  const auto pos = text.find(needle);
  EXPECT_NE(pos, std::string::npos) << needle;
  return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n')) +
         1;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return text.replace(pos, from.size(), to);
}

class FundingCosts : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / (std::string("parcours_funding_costs_") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  Scenario load(const std::string& costs = kCosts, const std::string& scenario = kPricesMini) {
    write("providers.csv", kProviders);
    write("costs.csv", costs);
    return load_scenario(write("s.toml", scenario));
  }

  // The error loading the scenario; fails the test when there is none.
  ScenarioError error_of(const std::string& costs = kCosts,
                         const std::string& scenario = kPricesMini) {
    try {
      (void)load(costs, scenario);
    } catch (const ScenarioError& e) {
      return e;
    }
    ADD_FAILURE() << "no ScenarioError for:\n" << scenario << "\n" << costs;
    return ScenarioError("", 0, 0, "", "");
  }

  [[nodiscard]] std::string path_of(const std::string& name) const {
    return (dir_ / name).lexically_normal().string();
  }

  void expect_error(const ScenarioError& e, const std::string& file, int line,
                    const std::string& key, const std::string& message) const {
    EXPECT_EQ(e.file(), path_of(file)) << e.what();
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_EQ(e.key(), key) << e.what();
    EXPECT_EQ(e.message(), message) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }

  fs::path dir_;
};

// ---- What a good scenario gives

TEST_F(FundingCosts, PriceModesAreNumberedAlphabeticallyAndMissingGammesAreZero) {
  const Scenario s = load();
  const std::vector<funding::PriceMode>& m = s.funding.price_modes;
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].name, "demi_pension");
  EXPECT_EQ(m[1].name, "inclusion");
  EXPECT_EQ(m[2].name, "internat");
  EXPECT_EQ(m[0].units, (funding::PerGamme{1.0, 1.0, 1.0, 0.0, 1.0, 1.0}));
  EXPECT_EQ(m[1].units, (funding::PerGamme{1.0, 0.0, 0.0, 0.0, 0.5, 0.5}));
  EXPECT_EQ(m[2].units, (funding::PerGamme{1.0, 3.0, 1.0, 1.0, 1.0, 1.0}));
}

TEST_F(FundingCosts, CostsGoToTheirProviderAndTheOthersHaveNone) {
  const Scenario s = load();
  ASSERT_EQ(s.funding.costs.size(), 2u);
  EXPECT_FALSE(s.funding.costs[0].has_value());  // IME A1: no row
  ASSERT_TRUE(s.funding.costs[1].has_value());
  const funding::CostDecomposition& c = *s.funding.costs[1];
  EXPECT_EQ(c.euros,
            (funding::PerGamme{34'000.0, 25'000.0, 30'000.0, 40'000.0, 160'000.0, 48'000.0}));
  EXPECT_EQ(c.forecast_days, (std::vector<double>{1'000.0, 200.0, 500.0}));
  EXPECT_EQ(c.notified_single_price, 190.0);
  EXPECT_EQ(s.funding.after_notification, funding::AfterNotification::kScale);
}

TEST_F(FundingCosts, TheScenarioPricesTheProviderAsComputedByHand) {
  const Scenario s = load();
  const funding::ModulatedPrices p =
      funding::modulate(s.funding.price_modes, *s.funding.costs[1], s.funding.after_notification);
  // demi_pension 180, inclusion 85, internat 280 (modulated_price_test.cpp), × 323,000 / 337,000
  // since 190 × 1,700 days < the 337,000 euros of costs.
  const double scale = 323'000.0 / 337'000.0;
  EXPECT_DOUBLE_EQ(p.price[0], 180.0 * scale);
  EXPECT_DOUBLE_EQ(p.price[1], 85.0 * scale);
  EXPECT_DOUBLE_EQ(p.price[2], 280.0 * scale);
  EXPECT_FALSE(p.c1_holds);
}

TEST_F(FundingCosts, AnEmptyNotifiedPriceIsNoneAndOtherColumnsAreNotes) {
  const Scenario s =
      load("note," + kHeader + "from the 2016 accounts,IME A1,1,1,1,1,1,1,10,10,10,\n");
  ASSERT_TRUE(s.funding.costs[0].has_value());
  EXPECT_FALSE(s.funding.costs[0]->notified_single_price.has_value());
  EXPECT_FALSE(s.funding.costs[1].has_value());
}

TEST_F(FundingCosts, WithoutNotifiedPriceColumnNoProviderHasOne) {
  std::string header = kHeader;
  header = replace(header, ",notified_single_price", "");
  const Scenario s = load(header + "IME A1,1,1,1,1,1,1,10,10,10\n");
  EXPECT_FALSE(s.funding.costs[0]->notified_single_price.has_value());
}

TEST_F(FundingCosts, KeepIsAnExplicitChoiceAndScaleTheDefault) {
  const Scenario s = load(kCosts, replace(kPricesMini, "[funding]\n",
                                          "[funding]\nmodulation_after_notification = \"keep\"\n"));
  EXPECT_EQ(s.funding.after_notification, funding::AfterNotification::kKeep);
}

TEST_F(FundingCosts, FundingRulesStillWorkBesideTheModulationKeys) {
  const std::string scenario =
      replace(kPricesMini, "[providers]\n",
              "money = { payers = { assurance_maladie = 1.0 } }\n\n[providers]\n") +
      R"(
[payers.assurance_maladie]

[[funding.rules]]
name = "ime_price"
rule = "daily_price"
services = ["IME"]
euros_per_day = 210
)";
  const Scenario s = load(kCosts, scenario);
  ASSERT_EQ(s.funding.assignments.size(), 1u);
  EXPECT_EQ(s.funding.assignments[0].euros_per_day, 210.0);
  EXPECT_EQ(s.funding.price_modes.size(), 3u);
  EXPECT_TRUE(s.funding.costs[1].has_value());
}

TEST_F(FundingCosts, ScenariosWithoutCostsHaveNoneForEveryProvider) {
  std::string scenario = replace(kPricesMini, "costs = \"costs.csv\"\n", "");
  const Scenario s = load(kCosts, scenario);
  ASSERT_EQ(s.funding.costs.size(), 2u);
  EXPECT_FALSE(s.funding.costs[0].has_value());
  EXPECT_FALSE(s.funding.costs[1].has_value());
}

TEST_F(FundingCosts, TheCostsFileIsRecordedByItsAbsolutePath) {
  const Scenario s = load();
  EXPECT_NE(s.text.find("costs = '" + path_of("costs.csv") + "'"), std::string::npos) << s.text;
}

// ---- Modulated prices paid in runs ([[funding.rules]] rule = "modulated_price")

// kPricesMini with modes of care, the price modes that bill them and a modulated price for IME.
std::string modulated(const std::string& rule_extra = "") {
  std::string s = replace(kPricesMini, "[providers]\n",
                          "modes = { internat = 0.25, semi = 0.75 }\n"
                          "money = { payers = { assurance_maladie = 1.0 } }\n\n[providers]\n");
  s = replace(s, "description = \"a day with lunch\"\n",
              "description = \"a day with lunch\"\nmodes = [\"semi\"]\n");
  s = replace(s, "units = { gerer = 1, socio_educatif = 0.5, soins = 0.5 }\n",
              "units = { gerer = 1, socio_educatif = 0.5, soins = 0.5 }\nschool_days = true\n");
  s = replace(s, "heberger_internat = 1, socio_educatif = 1, soins = 1 }\n",
              "heberger_internat = 1, socio_educatif = 1, soins = 1 }\nmodes = [\"internat\"]\n");
  return s + R"(
[modes.internat]
residential = true

[modes.semi]

[payers.assurance_maladie]

[[funding.rules]]
name = "ime_modulated"
rule = "modulated_price"
services = ["IME"]
)" + rule_extra;
}

// Both providers have costs (A1 priced without a notified price).
const std::string kBothCosts =
    kCosts + "IME A1,20000,10000,20000,30000,100000,30000,800,100,400,\n";

TEST_F(FundingCosts, PriceModesSayWhichModesAndWhichDaysAtSchoolTheyBill) {
  const Scenario s = load(kBothCosts, modulated());
  // Price modes demi_pension (0), inclusion (1), internat (2); model modes internat (0), semi (1).
  ASSERT_EQ(s.funding.price_mode_of.size(), 2u);
  EXPECT_EQ(s.funding.price_mode_of[0], 2);
  EXPECT_EQ(s.funding.price_mode_of[1], 0);
  EXPECT_EQ(s.funding.school_price_mode, 1);
  ASSERT_EQ(s.funding.assignments.size(), 1u);
  EXPECT_EQ(s.funding.assignments[0].rule, funding::Rule::kModulatedPrice);
  EXPECT_TRUE(s.model.mode_days);  // the run measures the days by mode the price bills
}

TEST_F(FundingCosts, WithoutAModulatedPriceTheRunMeasuresNoDaysByMode) {
  const std::string scenario =
      replace(modulated(), "rule = \"modulated_price\"", "rule = \"daily_price\"");
  EXPECT_FALSE(load(kBothCosts, scenario).model.mode_days);
}

TEST_F(FundingCosts, AModulatedPriceTakesTheBillingKeysOfADailyPriceButNotItsPrice) {
  const Scenario s = load(kBothCosts, modulated("bill_school_days = 0\nfloor_occupancy = 0.5\n"));
  EXPECT_EQ(s.funding.assignments[0].bill_school_days, 0.0);
  EXPECT_EQ(s.funding.assignments[0].floor_occupancy, 0.5);
  const std::string scenario = modulated("euros_per_day = 200\n");
  expect_error(error_of(kBothCosts, scenario), "s.toml", line_of(scenario, "euros_per_day"),
               "funding.rules[0].euros_per_day",
               "euros_per_day is for daily_price rules only; this rule is \"modulated_price\"");
}

TEST_F(FundingCosts, AModulatedPriceNeedsEveryProviderItPaysToHaveCosts) {
  const std::string scenario = modulated();
  expect_error(error_of(kCosts, scenario), "s.toml", line_of(scenario, "services = [\"IME\"]"),
               "funding.rules[0].services",
               "it selects provider \"IME A1\", which has no row in the funding.costs table: a "
               "modulated price is computed from the provider's costs");
  // Selecting the provider with costs only is fine.
  const std::string one = replace(scenario, "services = [\"IME\"]", "providers = [\"IME A2\"]");
  EXPECT_NO_THROW((void)load(kCosts, one));
}

TEST_F(FundingCosts, AModulatedPriceNeedsEveryModeOfItsServicesBilled) {
  const std::string scenario = replace(modulated(), "modes = [\"semi\"]\n", "");
  expect_error(error_of(kBothCosts, scenario), "s.toml", line_of(scenario, "services = [\"IME\"]"),
               "funding.rules[0].services",
               "mode \"semi\" of service \"IME\" is billed by no price mode: list it in the modes "
               "of a [funding.price_modes.NAME] table");
}

TEST_F(FundingCosts, AModulatedPriceNeedsAServiceThatRecordsModes) {
  const std::string scenario =
      replace(modulated(), "modes = { internat = 0.25, semi = 0.75 }\n", "");
  expect_error(error_of(kBothCosts, scenario), "s.toml", line_of(scenario, "services = [\"IME\"]"),
               "funding.rules[0].services",
               "it selects providers of service \"IME\", which records no modes of care "
               "([services.IME] mode_shares): a modulated price bills days by mode");
}

TEST_F(FundingCosts, AModeHasOnePriceModeAndDaysAtSchoolOne) {
  std::string scenario =
      replace(modulated(), "modes = [\"internat\"]\n", "modes = [\"internat\", \"semi\"]\n");
  expect_error(error_of(kBothCosts, scenario), "s.toml",
               line_of(scenario, "modes = [\"internat\", \"semi\"]"),
               "funding.price_modes.internat.modes[1]",
               "mode \"semi\" is already billed by price mode \"demi_pension\": a mode's days "
               "have one price");
  scenario =
      replace(modulated(), "modes = [\"semi\"]\n", "modes = [\"semi\"]\nschool_days = true\n");
  expect_error(error_of(kBothCosts, scenario), "s.toml",
               line_of(scenario, "soins = 0.5 }\nschool_days") + 1,
               "funding.price_modes.inclusion.school_days",
               "price mode \"demi_pension\" already bills the days at school: they have one price");
  scenario = replace(modulated(), "modes = [\"semi\"]", "modes = [\"semy\"]");
  expect_error(error_of(kBothCosts, scenario), "s.toml", line_of(scenario, "semy"),
               "funding.price_modes.demi_pension.modes[0]",
               "unknown mode \"semy\"; did you mean \"semi\"?");
}

TEST_F(FundingCosts, AModulatedPriceNeedsPriceModes) {
  std::string scenario = modulated();
  scenario = scenario.substr(0, scenario.find("[funding.price_modes")) +
             scenario.substr(scenario.find("\n[modes.internat]"));
  scenario = replace(scenario, "costs = \"costs.csv\"\n", "");
  expect_error(error_of(kBothCosts, scenario), "s.toml",
               line_of(scenario, "rule = \"modulated_price\""), "funding.rules[0].rule",
               "a modulated_price rule needs price modes: declare [funding.price_modes.NAME] "
               "tables with the modes of care whose days each bills (modes = [...])");
}

// ---- Errors in the scenario

TEST_F(FundingCosts, AnUnknownGammeSuggestsTheNearOne) {
  const std::string scenario = replace(kPricesMini, "socio_educatif = 0.5", "socio_educatf = 0.5");
  expect_error(error_of(kCosts, scenario), "s.toml", line_of(scenario, "socio_educatf"),
               "funding.price_modes.inclusion.units.socio_educatf",
               "unknown gamme \"socio_educatf\"; did you mean \"socio_educatif\"?");
}

TEST_F(FundingCosts, UnitsAreNumbersAtLeastZero) {
  const std::string scenario = replace(kPricesMini, "soins = 0.5", "soins = -0.5");
  expect_error(error_of(kCosts, scenario), "s.toml", line_of(scenario, "soins = -0.5"),
               "funding.price_modes.inclusion.units.soins",
               "expected a number >= 0 (units of the gamme a day), got -0.5");
}

TEST_F(FundingCosts, APriceModeNeedsUnits) {
  const std::string scenario =
      replace(kPricesMini, "units = { gerer = 1, socio_educatif = 0.5, soins = 0.5 }\n",
              "description = \"x\"\n");
  expect_error(error_of(kCosts, scenario), "s.toml",
               line_of(scenario, "[funding.price_modes.inclusion]"),
               "funding.price_modes.inclusion.units",
               "missing required key (expected a table of gamme = units a day, such as { gerer = "
               "1 })");
}

TEST_F(FundingCosts, CostsNeedPriceModes) {
  const std::string scenario = kPricesMini.substr(0, kPricesMini.find("\n[funding.price_modes"));
  expect_error(error_of(kCosts, scenario + "\n"), "s.toml", line_of(scenario, "costs ="),
               "funding.costs",
               "costs need price modes: declare at least one [funding.price_modes.NAME] table");
}

TEST_F(FundingCosts, AKeyNearAModulationKeyIsSuggested) {
  const std::string scenario = replace(kPricesMini, "costs = ", "cost = ");
  expect_error(error_of(kCosts, scenario), "s.toml", line_of(scenario, "cost = "), "funding.cost",
               "unknown key \"cost\"; did you mean \"costs\"?");
}

TEST_F(FundingCosts, TheChoiceAfterNotificationIsScaleOrKeep) {
  const std::string scenario =
      replace(kPricesMini, "[funding]\n", "[funding]\nmodulation_after_notification = \"scal\"\n");
  expect_error(
      error_of(kCosts, scenario), "s.toml", line_of(scenario, "modulation_after_notification"),
      "funding.modulation_after_notification", "unknown value \"scal\"; did you mean \"scale\"?");
}

TEST_F(FundingCosts, AMissingCostsFileIsReportedAtItsKey) {
  const std::string scenario = replace(kPricesMini, "\"costs.csv\"", "\"nope.csv\"");
  const ScenarioError e = error_of(kCosts, scenario);
  EXPECT_EQ(e.key(), "funding.costs");
  EXPECT_EQ(e.line(), line_of(scenario, "nope.csv"));
  EXPECT_NE(e.message().find("cannot read \"nope.csv\""), std::string::npos) << e.what();
}

// ---- Errors in the costs file: file:line:column of the cell, the column as key

TEST_F(FundingCosts, AnUnknownProviderSuggestsTheNearOne) {
  expect_error(error_of(kHeader + "IME A3,1,1,1,1,1,1,10,10,10,\n"), "costs.csv", 2, "provider",
               "unknown provider \"IME A3\"; did you mean \"IME A1\"?");
}

TEST_F(FundingCosts, WithoutDeclaredProvidersNoRowCanNameOne) {
  // No [providers]: IME keeps its own places, and the scenario declares no provider.
  std::string scenario = replace(kPricesMini, "[providers]\nfile = \"providers.csv\"\n", "");
  scenario = replace(scenario, "age_limit_years = 20\n", "age_limit_years = 20\nplaces = [3]\n");
  expect_error(error_of(kCosts, scenario), "costs.csv", 2, "provider",
               "unknown provider \"IME A2\"; the scenario declares none (see [providers] file)");
}

TEST_F(FundingCosts, AProviderHasOneRowAtMost) {
  expect_error(error_of(kCosts + "IME A2,1,1,1,1,1,1,10,10,10,\n"), "costs.csv", 3, "provider",
               "duplicate provider \"IME A2\" (already on line 2)");
}

TEST_F(FundingCosts, EurosAreNumbersAtLeastZero) {
  expect_error(error_of(kHeader + "IME A1,1,-1,1,1,1,1,10,10,10,\n"), "costs.csv", 2, "restaurer",
               "expected a number >= 0 (euros a year), got \"-1\"");
  expect_error(error_of(kHeader + "IME A1,1,1,1,1,1,1 000,10,10,10,\n"), "costs.csv", 2, "soins",
               "expected a number >= 0 (euros a year), got \"1 000\"");
}

TEST_F(FundingCosts, ForecastDaysAreNumbersAtLeastZero) {
  expect_error(error_of(kHeader + "IME A1,1,1,1,1,1,1,10,ten,10,\n"), "costs.csv", 2,
               "days_inclusion", "expected a number >= 0 (forecast days in the year), got \"ten\"");
}

TEST_F(FundingCosts, ANotifiedPriceIsANumberAboveZeroOrNothing) {
  expect_error(error_of(kHeader + "IME A1,1,1,1,1,1,1,10,10,10,0\n"), "costs.csv", 2,
               "notified_single_price",
               "expected a number > 0 (euros a day), or nothing when no single price was "
               "notified, got \"0\"");
}

TEST_F(FundingCosts, EveryGammeAndEveryPriceModeHasItsColumn) {
  std::string header = replace(kHeader, "heberger_internat,", "heberger_interna,");
  expect_error(error_of(header), "costs.csv", 1, "heberger_internat",
               "missing column (funding.costs needs it); did you mean \"heberger_interna\"?");
  header = replace(kHeader, "days_internat,", "");
  expect_error(error_of(header), "costs.csv", 1, "days_internat",
               "missing column (one per [funding.price_modes.NAME]); the header has: "
               "\"provider\", \"gerer\", \"restaurer\", \"heberger_semi_internat\", "
               "\"heberger_internat\", \"socio_educatif\", \"soins\", \"days_demi_pension\", "
               "\"days_inclusion\", \"notified_single_price\"");
}

TEST_F(FundingCosts, ADaysColumnForNoPriceModeIsAnError) {
  expect_error(error_of("days_externat," + kHeader), "costs.csv", 1, "days_externat",
               "no price mode \"externat\" for this column; did you mean \"days_internat\"?");
  expect_error(error_of("days_respite," + kHeader), "costs.csv", 1, "days_respite",
               "no price mode \"respite\" for this column; the days columns are: "
               "\"days_demi_pension\", \"days_inclusion\", \"days_internat\"");
}

TEST_F(FundingCosts, EurosThatNoPriceCouldPayAreAnError) {
  // IME A1 forecasts no internat day: its 40,000 euros of nights would be paid by no price.
  expect_error(error_of(kHeader + "IME A1,34000,25000,30000,40000,160000,48000,1000,200,0,\n"),
               "costs.csv", 2, "heberger_internat",
               "the price modes that consume heberger_internat have 0 forecast days, so its euros "
               "would be paid by no price");
  expect_error(error_of(kHeader + "IME A1,1,1,1,1,1,1,0,0,0,\n"), "costs.csv", 2,
               "days_demi_pension", "the forecast days sum to 0, so no price can be computed");
}

// ---- read_costs on a table, without a scenario

TEST(ReadCosts, RowsGoToTheProvidersTheyName) {
  const std::vector<model::Provider> providers = {{.name = "P1"}, {.name = "P2"}, {.name = "P3"}};
  const std::vector<funding::PriceMode> modes = {{"day", {1, 1, 1, 0, 1, 1}}};
  const CsvTable csv = parse_csv(
      "provider,gerer,restaurer,heberger_semi_internat,heberger_internat,"
      "socio_educatif,soins,days_day\n"
      "P3,10,20,30,0,40,50,100\n"
      "P1,1,2,3,0,4,5,10\n",
      "costs.csv");
  const auto costs = read_costs(csv, providers, modes);
  ASSERT_EQ(costs.size(), 3u);
  EXPECT_EQ(costs[0]->euros, (funding::PerGamme{1, 2, 3, 0, 4, 5}));
  EXPECT_FALSE(costs[1].has_value());
  EXPECT_EQ(costs[2]->forecast_days, (std::vector<double>{100.0}));
}

}  // namespace
}  // namespace parcours::io
