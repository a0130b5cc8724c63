#include "engine/io/scenario.hpp"

#include "engine/io/csv.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace parcours::io {
namespace {

namespace fs = std::filesystem;

const std::string kB1 = PARCOURS_SOURCE_DIR "/scenarios/bench/b1-national.toml";

// A small valid scenario; tests append to it or replace one line to make it bad.
const std::string kMini = R"(# line 1
[scenario]
name = "mini"
start_date = 2025-01-01
horizon_years = 2

[territories]
codes = ["A", "B"]

[arrivals]
rate_per_year = 10
age_years = { law = "uniform", min = 3, max = 16 }
orientation = { IME = 1.0 }

[services.IME]
places = [5, 7]
age_limit_years = 20
length_of_stay_years = { law = "exponential", mean = 5 }
)";

// Each test writes its files in its own fresh folder.
class ScenarioFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           (std::string("parcours_scenario_") + info->test_suite_name() + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

  // The error loading `text` (with `overrides`) raises; fails the test when there is none.
  ScenarioError error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
    const std::string path = write("s.toml", text);
    try {
      (void)load_scenario(path, overrides);
    } catch (const ScenarioError& e) {
      return e;
    }
    ADD_FAILURE() << "no ScenarioError for:\n" << text;
    return ScenarioError("", 0, 0, "", "");
  }

  std::string path_of(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

[[maybe_unused]] std::string replace(std::string text, const std::string& from,
                                     const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return text.replace(pos, from.size(), to);
}

// ---- The reference scenario and the positive path

TEST(LoadScenario, B1LoadsWithItsTerritoriesServicesAndFunding) {
  const Scenario s = load_scenario(kB1);
  EXPECT_EQ(s.path, kB1);
  EXPECT_EQ(s.name, "b1-national");
  EXPECT_EQ(s.start_date.year, 2025);
  EXPECT_EQ(s.start_date.month, 1);
  EXPECT_EQ(s.start_date.day, 1);
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.replications, 1);
  EXPECT_EQ(s.model.horizon_years, 20);
  EXPECT_EQ(s.model.periods_per_year, 1);
  ASSERT_EQ(s.model.territories.size(), 101u);
  EXPECT_EQ(s.model.territories[0].code, "D000");
  EXPECT_EQ(s.model.territories[0].name, "D000");  // names default to codes
  EXPECT_EQ(s.model.territories[1].weight, 5.0);
  EXPECT_DOUBLE_EQ(s.model.arrivals.rate_per_year, 26000.0);
  EXPECT_EQ(s.model.arrivals.age_years.law, core::Distribution::Law::kUniform);
  EXPECT_EQ(s.model.arrivals.age_years.a, 3.0);
  EXPECT_EQ(s.model.arrivals.age_years.b, 16.0);
}

TEST(LoadScenario, ServicesAreNumberedAlphabetically) {
  const Scenario s = load_scenario(kB1);
  ASSERT_EQ(s.model.services.size(), 3u);
  EXPECT_EQ(s.model.services[0].name, "ADULT");
  EXPECT_EQ(s.model.services[1].name, "IME");
  EXPECT_EQ(s.model.services[2].name, "SESSAD");
  EXPECT_EQ(s.model.arrivals.orientation, (std::vector<double>{0.0, 0.45, 0.55}));
}

TEST(LoadScenario, B1CapacityIsTheNationalTotalSharedByWeight) {
  const Scenario s = load_scenario(kB1);
  double weight_sum = 0.0;
  for (const auto& t : s.model.territories) {
    weight_sum += t.weight;
  }
  const model::Service& ime = s.model.services[1];
  ASSERT_EQ(ime.capacity.size(), 101u);
  EXPECT_EQ(ime.capacity[0], static_cast<std::int64_t>(std::round(70000.0 * 1.0 / weight_sum)));
  EXPECT_EQ(ime.capacity[8], static_cast<std::int64_t>(std::round(70000.0 * 11.0 / weight_sum)));
}

TEST(LoadScenario, B1PathwaysAndFundingAreRead) {
  const Scenario s = load_scenario(kB1);
  const model::Service& adult = s.model.services[0];
  const model::Service& ime = s.model.services[1];
  const model::Service& sessad = s.model.services[2];
  EXPECT_FALSE(adult.has_age_limit());
  EXPECT_EQ(ime.age_limit_years, 20.0);
  EXPECT_EQ(ime.length_of_stay_years.law, core::Distribution::Law::kExponential);
  EXPECT_EQ(ime.length_of_stay_years.a, 6.5);
  ASSERT_EQ(ime.on_age_limit.size(), 1u);
  EXPECT_EQ(ime.on_age_limit[0].action, model::Action::kMove);
  EXPECT_EQ(ime.on_age_limit[0].target, 0);
  ASSERT_EQ(sessad.on_stay_end.size(), 2u);
  EXPECT_EQ(sessad.on_stay_end[0].action, model::Action::kOrient);
  EXPECT_EQ(sessad.on_stay_end[0].target, 1);
  EXPECT_EQ(sessad.on_stay_end[0].probability, 0.3);
  EXPECT_EQ(sessad.on_stay_end[1].action, model::Action::kLeave);
  EXPECT_EQ(sessad.on_stay_end[1].target, model::kNoService);
  EXPECT_EQ(sessad.initial.share_of_places, 1.0);
  EXPECT_EQ(sessad.initial.age_years.b, 18.0);
  const funding::Scheme& f = s.funding;
  ASSERT_EQ(f.payers.size(), 1u);
  EXPECT_EQ(f.payers[0].name, "assurance_maladie");
  ASSERT_EQ(f.services.size(), 3u);
  EXPECT_TRUE(f.services[0].payer_split.empty());  // no [services.ADULT.money]: unfunded
  EXPECT_EQ(f.services[1].payer_split, (std::vector<double>{1.0}));
  EXPECT_EQ(f.services[2].payer_split, (std::vector<double>{1.0}));
  EXPECT_EQ(f.services[1].euros_per_place_year, 0.0);
  EXPECT_EQ(f.services[1].opening_days, 365.25);  // every day of an occupied place is billed
  ASSERT_EQ(f.assignments.size(), 2u);
  EXPECT_EQ(f.assignments[0].name, "ime_daily_price");
  EXPECT_EQ(f.assignments[0].rule, funding::Rule::kDailyPrice);
  EXPECT_EQ(f.assignments[0].services, (std::vector<model::ServiceId>{1}));
  EXPECT_EQ(f.assignments[0].euros_per_day, 210.0);
  EXPECT_EQ(f.assignments[0].from_period, 0);
  EXPECT_EQ(f.assignments[1].services, (std::vector<model::ServiceId>{2}));
  EXPECT_EQ(f.assignments[1].euros_per_day, 85.0);
  EXPECT_FALSE(f.assignments[1].counterfactual);
}

TEST_F(ScenarioFiles, DefaultsFillWhatTheFileLeavesOut) {
  const Scenario s = load_scenario(write("s.toml", kMini));
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.replications, 1);
  EXPECT_EQ(s.model.periods_per_year, 1);
  EXPECT_EQ(s.model.territories[1].weight, 1.0);
  const model::Service& ime = s.model.services[0];
  EXPECT_EQ(ime.capacity, (std::vector<std::int64_t>{5, 7}));
  EXPECT_EQ(ime.min_age_years, 0.0);
  ASSERT_EQ(ime.on_stay_end.size(), 1u);
  EXPECT_EQ(ime.on_stay_end[0].action, model::Action::kLeave);
  EXPECT_EQ(ime.on_stay_end[0].probability, 1.0);
  EXPECT_EQ(ime.initial.share_of_places, 0.0);
  // No funding: one (default) ServiceMoney per service, no payers, no rules.
  ASSERT_EQ(s.funding.services.size(), 1u);
  EXPECT_TRUE(s.funding.payers.empty());
  EXPECT_TRUE(s.funding.empty());
  EXPECT_EQ(s.funding.cost_growth, 0.0);
  const funding::ServiceMoney& money = s.funding.services[0];
  EXPECT_EQ(money.euros_per_place_year, 0.0);
  EXPECT_EQ(money.fixed_share, 1.0);
  EXPECT_TRUE(money.payer_split.empty());
  EXPECT_EQ(money.opening_days, 365.25);
  EXPECT_EQ(money.absence_share, 0.0);
  EXPECT_EQ(money.bill_absences, 1.0);
  EXPECT_EQ(money.bill_school_days, 1.0);
}

TEST_F(ScenarioFiles, ExtendsChainOverridesOneValueAndKeepsTheRest) {
  write("base.toml", kMini);
  write("sub/middle.toml", "extends = \"../base.toml\"\n[scenario]\nhorizon_years = 7\n");
  const std::string top =
      write("sub/top.toml", "extends = \"middle.toml\"\n[services.IME]\nplaces = [1, 2]\n");
  const Scenario s = load_scenario(top);
  EXPECT_EQ(s.model.horizon_years, 7);
  EXPECT_EQ(s.name, "mini");
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(s.model.services[0].age_limit_years, 20.0);  // the IME table merged, not replaced
  EXPECT_EQ(s.text.find("extends"), std::string::npos);
}

TEST_F(ScenarioFiles, ADistributionReplacesTheBaseDistributionWhole) {
  write("base.toml", kMini);
  const Scenario s =
      load_scenario(write("top.toml",
                          "extends = \"base.toml\"\n[services.IME]\n"
                          "length_of_stay_years = { law = \"gamma\", shape = 2, scale = 3 }\n"));
  EXPECT_EQ(s.model.services[0].length_of_stay_years.law, core::Distribution::Law::kGamma);
  const Scenario t =
      load_scenario(path_of("base.toml"), {"services.IME.length_of_stay_years.mean=7"});
  EXPECT_EQ(t.model.services[0].length_of_stay_years.law, core::Distribution::Law::kExponential);
  EXPECT_EQ(t.model.services[0].length_of_stay_years.a, 7.0);
}

TEST_F(ScenarioFiles, OverridesChangeValuesAfterExtends) {
  write("base.toml", kMini);
  const std::string top = write("top.toml", "extends = \"base.toml\"\n[run]\nseed = 5\n");
  const Scenario s = load_scenario(
      top, {"run.seed=9", "scenario.name=plain text", "services.IME.places = [3, 4]",
            "services.IME.money.euros_per_place_year=40000", "funding.cost_growth_per_year=0.02"});
  EXPECT_EQ(s.seed, 9u);
  EXPECT_EQ(s.name, "plain text");
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(s.funding.services[0].euros_per_place_year, 40000.0);
  EXPECT_EQ(s.funding.cost_growth, 0.02);
}

TEST_F(ScenarioFiles, EffectiveTextReparsesToTheSameScenario) {
  const Scenario first = load_scenario(kB1, {"services.IME.places_total=60000"});
  const Scenario second = load_scenario(write("effective.toml", first.text));
  EXPECT_EQ(second.text, first.text);
  EXPECT_EQ(second.name, first.name);
  EXPECT_EQ(second.seed, first.seed);
  ASSERT_EQ(second.model.services.size(), first.model.services.size());
  for (std::size_t i = 0; i < first.model.services.size(); ++i) {
    EXPECT_EQ(second.model.services[i].capacity, first.model.services[i].capacity);
    EXPECT_EQ(second.model.services[i].on_stay_end.size(),
              first.model.services[i].on_stay_end.size());
  }
  EXPECT_EQ(second.model.arrivals.orientation, first.model.arrivals.orientation);
  double weight_sum = 0.0;
  for (const auto& t : second.model.territories) {
    weight_sum += t.weight;
  }
  EXPECT_EQ(second.model.services[1].capacity[0],
            static_cast<std::int64_t>(std::round(60000.0 / weight_sum)));
}

// ---- Errors: one line each, "FILE:LINE:COLUMN: KEY: MESSAGE"

void expect_error(const ScenarioError& e, const std::string& file, int line, const std::string& key,
                  const std::string& message) {
  EXPECT_EQ(e.file(), file) << e.what();
  EXPECT_EQ(e.line(), line) << e.what();
  EXPECT_EQ(e.key(), key) << e.what();
  EXPECT_EQ(e.message(), message) << e.what();
  EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
}

TEST(ScenarioErrorFormat, IsFileLineColumnKeyMessage) {
  EXPECT_STREQ(ScenarioError("a.toml", 3, 7, "run.seed", "expected x, got y").what(),
               "a.toml:3:7: run.seed: expected x, got y");
  EXPECT_STREQ(ScenarioError("a.toml", 0, 0, "", "cannot open").what(), "a.toml: cannot open");
  EXPECT_STREQ(ScenarioError("a.toml", 0, 0, "k", "two\nlines").what(), "a.toml: k: two lines");
}

TEST_F(ScenarioFiles, MissingFileSaysItCannotBeOpened) {
  const std::string path = path_of("nope.toml");
  try {
    (void)load_scenario(path);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": cannot open scenario file (No such file or directory)");
    EXPECT_EQ(e.line(), 0);
  }
}

TEST_F(ScenarioFiles, MalformedTomlGivesTheParserPosition) {
  const ScenarioError e = error_of(kMini + "\n[run]\nseed = = 3\n");
  EXPECT_EQ(e.file(), path_of("s.toml"));
  EXPECT_EQ(e.line(), 21);
  EXPECT_GT(e.column(), 0);
  EXPECT_EQ(e.key(), "");
  EXPECT_FALSE(e.message().empty());
  EXPECT_EQ(std::string(e.what()).rfind(path_of("s.toml") + ":21:", 0), 0u) << e.what();
}

TEST_F(ScenarioFiles, UnknownTopLevelKeySuggestsTheClosest) {
  const ScenarioError e = error_of(kMini + "\n[rnu]\nseed = 1\n");
  expect_error(e, path_of("s.toml"), 20, "rnu", "unknown key \"rnu\"; did you mean \"run\"?");
}

TEST_F(ScenarioFiles, UnknownKeyInScenarioTable) {
  const ScenarioError e = error_of(replace(kMini, "horizon_years = 2", "horizon_year = 2"));
  expect_error(e, path_of("s.toml"), 5, "scenario.horizon_year",
               "unknown key \"horizon_year\"; did you mean \"horizon_years\"?");
  EXPECT_EQ(std::string(e.what()),
            path_of("s.toml") +
                ":5:1: scenario.horizon_year: unknown key \"horizon_year\"; did you mean "
                "\"horizon_years\"?");
}

TEST_F(ScenarioFiles, UnknownKeyInService) {
  const ScenarioError e = error_of(kMini + "palces_total = 3\n");
  expect_error(e, path_of("s.toml"), 19, "services.IME.palces_total",
               "unknown key \"palces_total\"; did you mean \"places_total\"?");
}

TEST_F(ScenarioFiles, UnknownKeyInBranch) {
  const ScenarioError e = error_of(
      kMini + "on_stay_end = [{ probability = 1.0, action = \"leave\", too = \"IME\" }]\n");
  expect_error(e, path_of("s.toml"), 19, "services.IME.on_stay_end[0].too",
               "unknown key \"too\"; did you mean \"to\"?");
  EXPECT_EQ(e.column(), 55);
}

TEST_F(ScenarioFiles, UnknownKeyInDistribution) {
  const ScenarioError e = error_of(replace(kMini, "mean = 5 }", "mena = 5 }"));
  expect_error(e, path_of("s.toml"), 18, "services.IME.length_of_stay_years.mena",
               "unknown key \"mena\"; did you mean \"mean\"?");
}

TEST_F(ScenarioFiles, UnknownKeyInFundingFarFromAnyListsTheAcceptedKeys) {
  const ScenarioError e = error_of(kMini + "\n[funding]\nprices = 3\n");
  expect_error(e, path_of("s.toml"), 21, "funding.prices",
               "unknown key \"prices\"; accepted keys: \"cost_growth_per_year\", \"rules\", "
               "\"price_modes\", \"costs\", \"modulation_after_notification\", \"envelopes\"");
}

TEST_F(ScenarioFiles, WrongTypeSaysWhatWasExpectedAndFound) {
  expect_error(error_of(replace(kMini, "horizon_years = 2", "horizon_years = \"2\"")),
               path_of("s.toml"), 5, "scenario.horizon_years",
               "expected an integer in [1, 1000], got a string (\"2\")");
  expect_error(error_of(replace(kMini, "name = \"mini\"", "name = 3")), path_of("s.toml"), 3,
               "scenario.name", "expected a string, got an integer (3)");
}

TEST_F(ScenarioFiles, FloatWhereAnIntegerIsExpectedIsAnError) {
  expect_error(error_of(replace(kMini, "places = [5, 7]", "places = [5.0, 7]")), path_of("s.toml"),
               16, "services.IME.places[0]", "expected an integer >= 0, got a float (5.0)");
}

TEST_F(ScenarioFiles, IntegerWhereANumberIsExpectedIsAccepted) {
  const Scenario s = load_scenario(write("s.toml", kMini));
  EXPECT_EQ(s.model.arrivals.rate_per_year, 10.0);
  EXPECT_EQ(s.model.services[0].age_limit_years, 20.0);
}

TEST_F(ScenarioFiles, NegativeCapacityIsOutOfRange) {
  expect_error(error_of(replace(kMini, "places = [5, 7]", "places = [5, -7]")), path_of("s.toml"),
               16, "services.IME.places[1]", "expected an integer >= 0, got -7");
}

TEST_F(ScenarioFiles, ProbabilityAboveOneIsOutOfRange) {
  expect_error(error_of(kMini + "on_stay_end = [{ probability = 1.5, action = \"leave\" }]\n"),
               path_of("s.toml"), 19, "services.IME.on_stay_end[0].probability",
               "expected a number in [0, 1], got 1.5");
}

TEST_F(ScenarioFiles, ZeroHorizonIsOutOfRange) {
  const ScenarioError e = error_of(replace(kMini, "horizon_years = 2", "horizon_years = 0"));
  expect_error(e, path_of("s.toml"), 5, "scenario.horizon_years",
               "expected an integer in [1, 1000], got 0");
  EXPECT_EQ(e.column(), 17);
}

TEST_F(ScenarioFiles, NonPositiveMeanIsOutOfRange) {
  expect_error(error_of(replace(kMini, "mean = 5 }", "mean = 0 }")), path_of("s.toml"), 18,
               "services.IME.length_of_stay_years.mean", "expected a number > 0, got 0");
}

TEST_F(ScenarioFiles, NegativeAgesAndDurationsAreRejected) {
  expect_error(error_of(replace(kMini, "{ law = \"uniform\", min = 3, max = 16 }",
                                "{ law = \"fixed\", value = -1 }")),
               path_of("s.toml"), 12, "arrivals.age_years.value",
               "expected a number >= 0 (ages and durations cannot be negative), got -1");
  expect_error(error_of(replace(kMini, "min = 3, max = 16", "min = 3, max = 2")), path_of("s.toml"),
               12, "arrivals.age_years.max", "expected max > min (3), got 2");
  expect_error(
      error_of(replace(kMini, "{ law = \"exponential\", mean = 5 }",
                       "{ law = \"empirical\", values = [-1, 2], cumulative = [0.5, 1] }")),
      path_of("s.toml"), 18, "services.IME.length_of_stay_years.values[0]",
      "expected a number >= 0 (ages and durations cannot be negative), got -1");
}

TEST_F(ScenarioFiles, EmpiricalTablesMustBeOrdered) {
  const std::string law = "{ law = \"exponential\", mean = 5 }";
  expect_error(error_of(replace(kMini, law,
                                "{ law = \"empirical\", values = [1, 1], cumulative = [0.5, 1] }")),
               path_of("s.toml"), 18, "services.IME.length_of_stay_years.values[1]",
               "expected values strictly increasing: a number > 1, got 1");
  expect_error(
      error_of(
          replace(kMini, law, "{ law = \"empirical\", values = [1, 2], cumulative = [0.5, 0.9] }")),
      path_of("s.toml"), 18, "services.IME.length_of_stay_years.cumulative[1]",
      "expected the last cumulative probability to be 1, got 0.9");
  expect_error(
      error_of(replace(kMini, law, "{ law = \"empirical\", values = [1, 2], cumulative = [1] }")),
      path_of("s.toml"), 18, "services.IME.length_of_stay_years.cumulative",
      "expected 2 entries (one per value), got 1");
  const Scenario s = load_scenario(
      write("ok.toml", replace(kMini, law,
                               "{ law = \"empirical\", values = [1, 2], cumulative = [0.5, 1], "
                               "interpolation = \"steps\" }")));
  EXPECT_FALSE(s.model.services[0].length_of_stay_years.interpolate);
  EXPECT_EQ(s.model.services[0].length_of_stay_years.cumulative, (std::vector<double>{0.5, 1.0}));
}

TEST_F(ScenarioFiles, UnknownLawSuggestsOrListsTheLaws) {
  expect_error(error_of(replace(kMini, "\"exponential\"", "\"exponental\"")), path_of("s.toml"), 18,
               "services.IME.length_of_stay_years.law",
               "unknown law \"exponental\"; did you mean \"exponential\"?");
  expect_error(error_of(replace(kMini, "\"exponential\"", "\"normal\"")), path_of("s.toml"), 18,
               "services.IME.length_of_stay_years.law",
               "unknown law \"normal\"; accepted: \"fixed\", \"uniform\", \"exponential\", "
               "\"lognormal\", \"gamma\", \"weibull\", \"empirical\"");
}

TEST_F(ScenarioFiles, BranchProbabilitiesMustSumToOne) {
  const ScenarioError e = error_of(
      kMini +
      "on_stay_end = [{ probability = 0.5, action = \"leave\" }, { probability = 0.4, action = "
      "\"leave\" }]\n");
  expect_error(e, path_of("s.toml"), 19, "services.IME.on_stay_end",
               "branch probabilities sum to 0.9, expected 1 (within 1e-9)");
  EXPECT_EQ(e.column(), 15);
}

TEST_F(ScenarioFiles, OrientationProbabilitiesMustSumToOne) {
  expect_error(error_of(replace(kMini, "{ IME = 1.0 }", "{ IME = 0.5 }")), path_of("s.toml"), 13,
               "arrivals.orientation",
               "orientation probabilities sum to 0.5, expected 1 (within 1e-9)");
}

TEST_F(ScenarioFiles, BranchActionAndTargetAreChecked) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(kMini + "on_stay_end = [{ probability = 1.0, action = \"lave\" }]\n"), path,
               19, "services.IME.on_stay_end[0].action",
               "unknown action \"lave\"; did you mean \"leave\"?");
  expect_error(
      error_of(kMini + "on_stay_end = [{ probability = 1.0, action = \"leave\", to = \"IME\" }]\n"),
      path, 19, "services.IME.on_stay_end[0].to", "\"to\" is not allowed with action \"leave\"");
  expect_error(error_of(kMini + "on_stay_end = [{ probability = 1.0, action = \"orient\" }]\n"),
               path, 19, "services.IME.on_stay_end[0].to",
               "missing required key (expected a service name: action \"orient\" needs a "
               "target)");
}

TEST_F(ScenarioFiles, TransitionToAnUnknownServiceSuggestsTheClosest) {
  expect_error(
      error_of(kMini +
               "on_stay_end = [{ probability = 1.0, action = \"orient\", to = \"IEM\" }]\n"),
      path_of("s.toml"), 19, "services.IME.on_stay_end[0].to",
      "unknown service \"IEM\"; did you mean \"IME\"?");
}

TEST_F(ScenarioFiles, OrientationToAnUnknownServiceIsAnError) {
  const ScenarioError e = error_of(replace(kMini, "{ IME = 1.0 }", "{ IME = 0.5, SESAD = 0.5 }"));
  expect_error(e, path_of("s.toml"), 13, "arrivals.orientation.SESAD",
               "unknown service \"SESAD\"; services are: \"IME\"");
  EXPECT_EQ(e.column(), 28);
}

TEST_F(ScenarioFiles, OnAgeLimitNeedsAnAgeLimit) {
  expect_error(error_of(replace(kMini, "age_limit_years = 20",
                                "on_age_limit = [{ probability = 1.0, action = \"leave\" }]")),
               path_of("s.toml"), 17, "services.IME.on_age_limit",
               "on_age_limit needs age_limit_years: without an age limit no stay reaches one");
}

TEST_F(ScenarioFiles, AgeLimitMustExceedMinAge) {
  expect_error(error_of(kMini + "min_age_years = 25\n"), path_of("s.toml"), 17,
               "services.IME.age_limit_years",
               "expected a number > 25 (greater than min_age_years), got 20");
}

TEST_F(ScenarioFiles, InitialOccupantsNeedAnAgeLaw) {
  expect_error(error_of(kMini + "initial = { share_of_places = 0.5 }\n"), path_of("s.toml"), 19,
               "services.IME.initial.age_years",
               "missing required key (expected a distribution of ages in years, since "
               "share_of_places > 0)");
}

TEST_F(ScenarioFiles, ScenarioSettingsAreChecked) {
  const std::string path = path_of("s.toml");
  expect_error(
      error_of(replace(kMini, "horizon_years = 2", "horizon_years = 2\nperiods_per_year = 4")),
      path, 6, "scenario.periods_per_year", "expected 1 (yearly) or 12 (monthly), got 4");
  expect_error(error_of(replace(kMini, "start_date = 2025-01-01", "start_date = \"2025-01-01\"")),
               path, 4, "scenario.start_date",
               "expected a local date such as 2025-01-01, got a string (\"2025-01-01\")");
  expect_error(error_of(replace(kMini, "name = \"mini\"\n", "")), path, 2, "scenario.name",
               "missing required key (expected a string)");
  expect_error(error_of(kMini + "\n[run]\nreplications = 0\n"), path, 21, "run.replications",
               "expected an integer >= 1, got 0");
}

TEST_F(ScenarioFiles, TheFirstFundingFormIsRefusedWithWhereItsContentWent) {
  expect_error(error_of(kMini + "\n[funding.IME]\nrule = \"daily_price\"\neuros_per_day = 3\n"),
               path_of("s.toml"), 20, "funding.IME",
               "unknown key \"IME\"; funding rules are [[funding.rules]] entries now "
               "(docs/scenario-format.md)");
  try {
    (void)load_scenario(write("s.toml", kMini), {"funding.IME.euros_per_day=100"});
    ADD_FAILURE() << "the first funding form was accepted from --set";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.key(), "funding.IME");
    EXPECT_EQ(e.file(), "--set funding.IME.euros_per_day=100");
  }
}

TEST_F(ScenarioFiles, ServicesMustExist) {
  const std::string no_services = kMini.substr(0, kMini.find("[services.IME]"));
  expect_error(error_of(no_services), path_of("s.toml"), 0, "services",
               "missing required key (expected at least one [services.NAME] table)");
  expect_error(error_of(no_services + "[services]\n"), path_of("s.toml"), 15, "services",
               "expected at least one [services.NAME] table, got none");
}

TEST_F(ScenarioFiles, TerritoryArraysMustHaveOneEntryPerCode) {
  expect_error(
      error_of(replace(kMini, "codes = [\"A\", \"B\"]", "codes = [\"A\", \"B\"]\nnames = [\"a\"]")),
      path_of("s.toml"), 9, "territories.names",
      "expected 2 entries (one per territory code), got 1");
  expect_error(error_of(replace(kMini, "codes = [\"A\", \"B\"]",
                                "codes = [\"A\", \"B\"]\nweights = [1, 0]")),
               path_of("s.toml"), 9, "territories.weights[1]", "expected a number > 0, got 0");
}

TEST_F(ScenarioFiles, DuplicateTerritoryCodesAreAnError) {
  expect_error(error_of(replace(kMini, "codes = [\"A\", \"B\"]", "codes = [\"A\", \"A\"]")),
               path_of("s.toml"), 8, "territories.codes[1]",
               "duplicate territory code \"A\" (already at index 0)");
}

TEST_F(ScenarioFiles, PlacesMustHaveOneEntryPerTerritory) {
  expect_error(error_of(replace(kMini, "places = [5, 7]", "places = [5]")), path_of("s.toml"), 16,
               "services.IME.places", "expected 2 entries (one per territory), got 1");
}

TEST_F(ScenarioFiles, PlacesAndPlacesTotalAreExclusive) {
  expect_error(error_of(kMini + "places_total = 12\n"), path_of("s.toml"), 19,
               "services.IME.places_total",
               "give either places (one per territory) or places_total, not both");
  expect_error(error_of(kMini + "places_min = 1\n"), path_of("s.toml"), 19,
               "services.IME.places_min", "places_min is only allowed with places_total");
}

TEST_F(ScenarioFiles, PlacesTotalIsSharedByWeightWithAMinimum) {
  const Scenario s = load_scenario(write(
      "s.toml", replace(replace(kMini, "places = [5, 7]", "places_total = 10\nplaces_min = 3"),
                        "codes = [\"A\", \"B\"]", "codes = [\"A\", \"B\"]\nweights = [1, 9]")));
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{3, 9}));
}

TEST_F(ScenarioFiles, ExtendingAMissingFilePointsAtTheExtendsKey) {
  const ScenarioError e = error_of("extends = \"base.toml\"\n" + kMini);
  expect_error(
      e, path_of("s.toml"), 1, "extends",
      "cannot open base scenario \"" + path_of("base.toml") + "\" (No such file or directory)");
  EXPECT_EQ(e.column(), 11);
}

TEST_F(ScenarioFiles, ExtendsCycleIsAnError) {
  write("a.toml", "extends = \"b.toml\"\n");
  write("b.toml", "extends = \"a.toml\"\n");
  try {
    (void)load_scenario(path_of("a.toml"));
    FAIL();
  } catch (const ScenarioError& e) {
    expect_error(e, path_of("b.toml"), 1, "extends", "extends cycle: a.toml -> b.toml -> a.toml");
  }
}

TEST_F(ScenarioFiles, ErrorsPointToTheFileTheValueCameFrom) {
  write("base.toml", replace(kMini, "mean = 5 }", "mean = -5 }"));
  const std::string top = write("top.toml", "extends = \"base.toml\"\n\n[run]\nseed = 3\n");
  try {
    (void)load_scenario(top);
    FAIL();
  } catch (const ScenarioError& e) {
    expect_error(e, path_of("base.toml"), 18, "services.IME.length_of_stay_years.mean",
                 "expected a number > 0, got -5");
  }
  const std::string top2 =
      write("top2.toml",
            "extends = \"base.toml\"\n\n[services.IME]\n"
            "length_of_stay_years = { law = \"gamma\", shape = 0, scale = 1 }\n");
  try {
    (void)load_scenario(top2);
    FAIL();
  } catch (const ScenarioError& e) {
    expect_error(e, path_of("top2.toml"), 4, "services.IME.length_of_stay_years.shape",
                 "expected a number > 0, got 0");
  }
}

TEST_F(ScenarioFiles, LoopWithNoLeaveIsAnInconsistentPathway) {
  const ScenarioError e =
      error_of(kMini +
               "on_stay_end = [{ probability = 1.0, action = \"orient\", to = \"IME\" }]\n"
               "on_age_limit = [{ probability = 1.0, action = \"move\", to = \"IME\" }]\n");
  expect_error(e, path_of("s.toml"), 19, "services.IME.on_stay_end",
               "occupants of \"IME\" can never leave the sector: every path of branches with "
               "probability > 0 stays within {\"IME\"} and none ends with action \"leave\"");
}

TEST_F(ScenarioFiles, MoveIntoAServicePastItsAgeLimitIsAnInconsistentPathway) {
  const ScenarioError e =
      error_of(kMini +
               "on_age_limit = [{ probability = 1.0, action = \"move\", to = \"SESSAD\" }]\n\n"
               "[services.SESSAD]\nplaces = [1, 1]\nage_limit_years = 18\n"
               "length_of_stay_years = { law = \"exponential\", mean = 5 }\n");
  expect_error(e, path_of("s.toml"), 19, "services.IME.on_age_limit[0].to",
               "\"IME\" (on_age_limit) sends people to \"SESSAD\" only at ages >= 20 years, but "
               "its age_limit_years is 18: none of them can enter \"SESSAD\"");
  EXPECT_EQ(e.column(), 60);
}

TEST_F(ScenarioFiles, PathwayErrorsFindServicesWithQuotedNames) {
  const ScenarioError e =
      error_of(replace(kMini, "orientation = { IME = 1.0 }",
                       "orientation = { IME = 1.0, \"Foyer de vie\" = 0 }") +
               "\n[services.\"Foyer de vie\"]\nplaces = [1, 1]\n"
               "length_of_stay_years = { law = \"exponential\", mean = 5 }\n"
               "on_stay_end = [{ probability = 1.0, action = \"move\", to = \"Foyer de vie\" }]\n");
  expect_error(e, path_of("s.toml"), 23, "services.\"Foyer de vie\".on_stay_end",
               "occupants of \"Foyer de vie\" can never leave the sector: every path of branches "
               "with probability > 0 stays within {\"Foyer de vie\"} and none ends with action "
               "\"leave\"");
}

TEST_F(ScenarioFiles, ListsAtStartOwnArrivalAgesAndGrowthAreRead) {
  const Scenario s = load_scenario(write(
      "s.toml",
      replace(kMini, "rate_per_year = 10", "rate_per_year = 10\ngrowth_per_year = 0.02") +
          "arrival_age_years = { law = \"fixed\", value = 7 }\n"
          "initial = { waiting_per_place = 0.5, waiting_age_years = { law = \"fixed\", value = 9 "
          "}, waited_years = { law = \"uniform\", min = 0, max = 2 } }\n"));
  EXPECT_EQ(s.model.arrivals.growth_per_year, 0.02);
  const model::Service& ime = s.model.services[0];
  ASSERT_TRUE(ime.arrival_age_years.has_value());
  EXPECT_EQ(ime.arrival_age_years->a, 7.0);
  EXPECT_EQ(ime.initial.share_of_places, 0.0);
  EXPECT_EQ(ime.initial.waiting_per_place, 0.5);
  EXPECT_EQ(ime.initial.waiting_age_years.a, 9.0);
  EXPECT_EQ(ime.initial.waited_years.law, core::Distribution::Law::kUniform);
  EXPECT_EQ(ime.initial.waited_years.b, 2.0);
  const Scenario plain = load_scenario(write("plain.toml", kMini));
  EXPECT_EQ(plain.model.arrivals.growth_per_year, 0.0);
  EXPECT_FALSE(plain.model.services[0].arrival_age_years.has_value());
  EXPECT_EQ(plain.model.services[0].initial.waiting_per_place, 0.0);
}

TEST_F(ScenarioFiles, ListsAtStartNeedAnAgeLawAndGrowthStaysAboveMinusOne) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(kMini + "initial = { waiting_per_place = 0.5 }\n"), path, 19,
               "services.IME.initial.waiting_age_years",
               "missing required key (expected a distribution of ages in years, since "
               "waiting_per_place > 0)");
  expect_error(error_of(kMini + "initial = { waiting_per_place = -0.5 }\n"), path, 19,
               "services.IME.initial.waiting_per_place", "expected a number >= 0, got -0.5");
  expect_error(
      error_of(replace(kMini, "rate_per_year = 10", "rate_per_year = 10\ngrowth_per_year = -1")),
      path, 12, "arrivals.growth_per_year", "expected a number > -1, got -1");
  expect_error(error_of(kMini + "arrival_age_years = { law = \"fixed\", value = -2 }\n"), path, 19,
               "services.IME.arrival_age_years.value",
               "expected a number >= 0 (ages and durations cannot be negative), got -2");
}

TEST(LoadScenario, TheFranceBaselineLoads) {
  const Scenario s = load_scenario(PARCOURS_SOURCE_DIR "/scenarios/france/baseline.toml");
  EXPECT_EQ(s.model.home_territories(), 101u);
  EXPECT_EQ(s.model.territories.back().code, "BE");
  EXPECT_EQ(s.model.regions.size(), 18u);
  EXPECT_EQ(s.model.borders.size(), 239u);
  EXPECT_FALSE(s.model.calibration.empty());
}

// ---- CSV data files (engine/io/csv.hpp)

TEST(ParseCsv, ReadsQuotedCellsWithCommasQuotesAndLineBreaks) {
  const CsvTable t = parse_csv(
      "\xEF\xBB\xBF"
      "code,name,note\r\n"
      "01,Ain,\r\n"
      "\n"
      "2A,\"Corse-du-Sud, \"\"Ajaccio\"\"\",\"two\nlines\"\n"
      "75,Île-de-France,x\n",
      "d.csv");
  EXPECT_EQ(t.file, "d.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"code", "name", "note"}));
  EXPECT_EQ(t.header_line, 1);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"01", "Ain", ""}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"2A", "Corse-du-Sud, \"Ajaccio\"", "two\nlines"}));
  EXPECT_EQ(t.row_lines, (std::vector<int>{2, 4, 6}));
  EXPECT_EQ(t.cell_starts[1][2].line, 4);
  EXPECT_EQ(t.cell_starts[1][2].column, 32);
  EXPECT_EQ(t.cell_starts[2][2].column, 18);  // columns count characters, not bytes
  EXPECT_EQ(t.column("note"), 2u);
  EXPECT_EQ(t.column("nope"), std::nullopt);
}

TEST(ParseCsv, ACellErrorNamesTheFileLineColumnAndColumnName) {
  const CsvTable t = parse_csv("code,weight\nA,1\nB,x\n", "w.csv");
  try {
    t.fail_at(1, 1, "expected a number > 0, got \"x\"");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "w.csv:3:3: weight: expected a number > 0, got \"x\"");
  }
}

TEST(ParseCsv, MalformedFilesAreErrorsAtTheirPosition) {
  auto error_of = [](std::string_view text) {
    try {
      (void)parse_csv(text, "bad.csv");
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    ADD_FAILURE() << "no error for " << text;
    return std::string();
  };
  EXPECT_EQ(error_of("a,b\n1,\"2\n"),
            "bad.csv:2:3: unterminated quoted field: no closing quote before the end of the file");
  EXPECT_EQ(error_of("a,b\n1,2\"3\"\n"),
            "bad.csv:2:4: a quote inside an unquoted field: quote the whole field and write the "
            "quote twice (\"\")");
  EXPECT_EQ(error_of("a,b\n\"1\"x,2\n"),
            "bad.csv:2:4: expected a comma or the end of the line after a closing quote");
  EXPECT_EQ(error_of("a,b\n1,2\n3\n"),
            "bad.csv:3:1: expected 2 cells (one per header column), got 1");
  EXPECT_EQ(error_of("a,b\n1,2,3\n"),
            "bad.csv:2:5: expected 2 cells (one per header column), got 3");
  EXPECT_EQ(error_of("a,b,a\n"),
            "bad.csv:1:5: duplicate column \"a\" in the header (names must be unique)");
  EXPECT_EQ(error_of("a,,b\n"), "bad.csv:1:3: empty column name in the header");
  EXPECT_EQ(error_of("\n\r\n"), "bad.csv: empty file: expected a header row of column names");
}

// ---- Territories from a CSV table, regions, land borders

// kMini with its territories in a CSV table (data/deps.csv, relative to the scenario).
const std::string kTableMini = R"(# line 1
[scenario]
name = "table"
start_date = 2025-01-01
horizon_years = 2

[territories]
table = "data/deps.csv"
weight_column = "pop"

[arrivals]
rate_per_year = 10
age_years = { law = "uniform", min = 3, max = 16 }
orientation = { IME = 1.0 }

[services.IME]
places_total = 100
age_limit_years = 20
length_of_stay_years = { law = "exponential", mean = 5 }
)";

const std::string kDeps =
    "code,name,region,pop,note\n"
    "01,Ain,Auvergne-Rhône-Alpes,1,\n"
    "02,Aisne,Hauts-de-France,1,\"rural, north\"\n"
    "59,,Hauts-de-France,2.5e0,\n";

class TerritoryTables : public ScenarioFiles {
 protected:
  // The error loading kTableMini (edited by `edit`) with `deps` as data/deps.csv.
  ScenarioError table_error(const std::string& deps, const std::string& scenario = kTableMini) {
    write("data/deps.csv", deps);
    return error_of(scenario);
  }

  std::string csv(const std::string& name) const {
    return (dir_ / name).lexically_normal().string();
  }
};

TEST_F(TerritoryTables, RowsBecomeHomeTerritoriesWithRegionsInOrderOfFirstAppearance) {
  write("data/deps.csv", kDeps);
  const Scenario s = load_scenario(write("s.toml", kTableMini));
  const auto& t = s.model.territories;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].code, "01");
  EXPECT_EQ(t[0].name, "Ain");
  EXPECT_EQ(t[1].name, "Aisne");
  EXPECT_EQ(t[2].name, "59");  // an empty name is the code
  EXPECT_EQ(t[2].weight, 2.5);
  EXPECT_EQ(t[0].region, 0);
  EXPECT_EQ(t[1].region, 1);
  EXPECT_EQ(t[2].region, 1);
  EXPECT_FALSE(t[0].abroad);
  ASSERT_EQ(s.model.regions.size(), 2u);
  EXPECT_EQ(s.model.regions[0].name, "Auvergne-Rhône-Alpes");
  EXPECT_EQ(s.model.regions[1].name, "Hauts-de-France");
  EXPECT_TRUE(s.model.borders.empty());
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{22, 22, 56}));
}

TEST_F(ScenarioFiles, TheVendoredFranceTablesLoad) {
  const std::string data = PARCOURS_SOURCE_DIR "/data/france/";
  const std::string scenario = replace(replace(kMini, "codes = [\"A\", \"B\"]",
                                               "table = \"" + data +
                                                   "departements.csv\"\nweight_column = "
                                                   "\"population_0_19\"\nborders = \"" +
                                                   data + "travel.csv\""),
                                       "places = [5, 7]", "places_total = 75199");
  const Scenario s = load_scenario(write("s.toml", scenario));
  ASSERT_EQ(s.model.territories.size(), 101u);
  EXPECT_EQ(s.model.regions.size(), 18u);
  EXPECT_EQ(s.model.borders.size(), 239u);
  const auto paris = std::find_if(s.model.territories.begin(), s.model.territories.end(),
                                  [](const model::Territory& t) { return t.code == "75"; });
  ASSERT_NE(paris, s.model.territories.end());
  EXPECT_EQ(s.model.regions[paris->region].name, "Île-de-France");

  write("b.csv", "code_a,code_b\n75,XYZ\n");
  const ScenarioError e = error_of(replace(scenario, data + "travel.csv", "b.csv"));
  EXPECT_EQ(e.key(), "code_b");
  EXPECT_EQ(e.message().rfind("unknown territory code \"XYZ\"; territory codes are: \"01\", ", 0),
            0u);
  EXPECT_TRUE(e.message().ends_with(", \"19\", \"2A\" and 81 more")) << e.message();
}

TEST_F(ScenarioFiles, CodesGetRegionsByNameOrOneRegionFrance) {
  const Scenario plain = load_scenario(write("s.toml", kMini));
  ASSERT_EQ(plain.model.regions.size(), 1u);
  EXPECT_EQ(plain.model.regions[0].name, "France");
  EXPECT_EQ(plain.model.territories[1].region, 0);
  const Scenario named = load_scenario(
      write("r.toml", replace(kMini, "codes = [\"A\", \"B\"]",
                              "codes = [\"A\", \"B\"]\nregions = [\"Grand Est\", \"Bretagne\"]")));
  ASSERT_EQ(named.model.regions.size(), 2u);
  EXPECT_EQ(named.model.regions[1].name, "Bretagne");
  EXPECT_EQ(named.model.territories[1].region, 1);
}

TEST_F(TerritoryTables, BordersAreUndirectedPairsWithoutDuplicates) {
  write("data/deps.csv", kDeps);
  write("data/borders.csv",
        "code_a,code_b,minutes\n02,59,80\n59,02,80\n01,02,\"300\"\n02,01,300\n");
  const Scenario s = load_scenario(
      write("s.toml", replace(kTableMini, "weight_column = \"pop\"",
                              "weight_column = \"pop\"\nborders = \"data/borders.csv\"")));
  using Pair = std::pair<model::TerritoryId, model::TerritoryId>;
  EXPECT_EQ(s.model.borders, (std::vector<Pair>{{1, 2}, {0, 1}}));
}

TEST_F(TerritoryTables, DataFilesAreRelativeToTheFileThatNamesThemAndRecordedAbsolute) {
  write("base/data/deps.csv", kDeps);
  write("base/base.toml", kTableMini);
  const std::string top =
      write("other/top.toml", "extends = \"../base/base.toml\"\n[run]\nseed = 4\n");
  const Scenario s = load_scenario(top);
  EXPECT_EQ(s.model.territories.size(), 3u);
  EXPECT_NE(s.text.find("table = '" + csv("base/data/deps.csv") + "'"), std::string::npos)
      << s.text;
  const Scenario again = load_scenario(write("elsewhere/effective.toml", s.text));
  EXPECT_EQ(again.text, s.text);
  EXPECT_EQ(again.model.territories.size(), 3u);
}

TEST_F(TerritoryTables, AChildScenarioCanSwitchFromCodesToATable) {
  write("data/deps.csv", kDeps);
  write("base.toml", replace(kMini, "places = [5, 7]", "places_total = 12"));
  const Scenario s = load_scenario(
      write("top.toml",
            "extends = \"base.toml\"\n[territories]\ntable = \"data/deps.csv\"\nweight_column = "
            "\"pop\"\n[services.IME]\nplaces = [1, 2, 3]\n"));
  EXPECT_EQ(s.model.territories.size(), 3u);
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(TerritoryTables, AMissingFileIsAnErrorAtTheKeyThatNamesIt) {
  const ScenarioError e =
      error_of(replace(kTableMini, "\"data/deps.csv\"", "\"data/../data/nope.csv\""));
  expect_error(e, path_of("s.toml"), 8, "territories.table",
               "cannot read \"data/../data/nope.csv\" (resolved to " + csv("data/nope.csv") +
                   "): No such file or directory");
  EXPECT_EQ(e.column(), 9);
}

TEST_F(TerritoryTables, AMissingColumnIsAnErrorAtTheHeaderLine) {
  const ScenarioError e = table_error("code,name,region,popu\n01,Ain,ARA,1\n");
  expect_error(e, csv("data/deps.csv"), 1, "pop",
               "missing column (named by territories.weight_column); did you mean \"popu\"?");
  EXPECT_EQ(e.column(), 1);
  expect_error(table_error("\n\ncode,name,pop\n01,Ain,1\n"), csv("data/deps.csv"), 3, "region",
               "missing column (territories.table needs it); the header has: \"code\", \"name\", "
               "\"pop\"");
}

TEST_F(TerritoryTables, ABadNumberIsAnErrorAtItsCell) {
  const ScenarioError e = table_error(kDeps + "62,Pas-de-Calais,Hauts-de-France,abc,\n");
  expect_error(e, csv("data/deps.csv"), 5, "pop", "expected a number > 0, got \"abc\"");
  EXPECT_EQ(e.column(), 34);
  EXPECT_EQ(std::string(e.what()),
            csv("data/deps.csv") + ":5:34: pop: expected a number > 0, got \"abc\"");
  expect_error(table_error(kDeps + "62,Pas-de-Calais,Hauts-de-France,0,\n"), csv("data/deps.csv"),
               5, "pop", "expected a number > 0, got \"0\"");
}

TEST_F(TerritoryTables, TableRowsAreChecked) {
  expect_error(table_error(kDeps + "01,Ain again,X,1,\n"), csv("data/deps.csv"), 5, "code",
               "duplicate territory code \"01\" (already on line 2)");
  expect_error(table_error(kDeps + "62,Pas-de-Calais,,1,\n"), csv("data/deps.csv"), 5, "region",
               "expected a non-empty region name, got \"\"");
  expect_error(table_error(kDeps + "62,Pas-de-Calais,abroad,1,\n"), csv("data/deps.csv"), 5,
               "region",
               "the region name \"abroad\" is reserved for abroad territories in results");
  expect_error(table_error("code,name,region,pop\n"), csv("data/deps.csv"), 1, "",
               "expected between 1 and 65534 territory rows after the header, got 0");
  expect_error(table_error(kDeps + "62,Pas-de-Calais\n"), csv("data/deps.csv"), 5, "",
               "expected 5 cells (one per header column), got 2");
}

TEST_F(TerritoryTables, TableIsExclusiveWithCodesAndNeedsAWeightColumn) {
  expect_error(table_error(kDeps, replace(kTableMini, "weight_column = \"pop\"",
                                          "weight_column = \"pop\"\nweights = [1, 2, 3]")),
               path_of("s.toml"), 10, "territories.weights",
               "give either table (a CSV file of territories) or codes (with names, weights, "
               "regions), not both");
  expect_error(table_error(kDeps, replace(kTableMini, "weight_column = \"pop\"\n", "")),
               path_of("s.toml"), 7, "territories.weight_column",
               "missing required key (expected a string: the column of territories.table "
               "holding each territory's weight)");
  expect_error(error_of(replace(kMini, "codes = [\"A\", \"B\"]",
                                "codes = [\"A\", \"B\"]\nweight_column = \"pop\"")),
               path_of("s.toml"), 9, "territories.weight_column",
               "weight_column is only allowed with table");
  expect_error(error_of(replace(kMini, "codes = [\"A\", \"B\"]", "code = [\"A\", \"B\"]")),
               path_of("s.toml"), 8, "territories.code",
               "unknown key \"code\"; did you mean \"codes\"?");
}

TEST_F(ScenarioFiles, RegionsNeedOneNonEmptyNamePerCode) {
  expect_error(error_of(replace(kMini, "codes = [\"A\", \"B\"]",
                                "codes = [\"A\", \"B\"]\nregions = [\"Grand Est\", \"\"]")),
               path_of("s.toml"), 9, "territories.regions[1]",
               "expected a non-empty region name, got \"\"");
  expect_error(error_of(replace(kMini, "codes = [\"A\", \"B\"]",
                                "codes = [\"A\", \"B\"]\nregions = [\"abroad\", \"X\"]")),
               path_of("s.toml"), 9, "territories.regions[0]",
               "the region name \"abroad\" is reserved for abroad territories in results");
}

class Borders : public TerritoryTables {
 protected:
  ScenarioError borders_error(const std::string& borders) {
    write("data/borders.csv", borders);
    return table_error(kDeps, replace(kTableMini, "weight_column = \"pop\"",
                                      "weight_column = \"pop\"\nborders = \"data/borders.csv\""));
  }
};

TEST_F(Borders, AnUnknownCodeIsAnErrorAtItsCellWithASuggestion) {
  const ScenarioError e = borders_error("code_a,code_b\n01,02\n02,5O\n");
  expect_error(e, csv("data/borders.csv"), 3, "code_b",
               "unknown territory code \"5O\"; did you mean \"59\"?");
  EXPECT_EQ(e.column(), 4);
  expect_error(borders_error("code_a,code_b\nXYZ,02\n"), csv("data/borders.csv"), 2, "code_a",
               "unknown territory code \"XYZ\"; territory codes are: \"01\", \"02\", \"59\"");
}

TEST_F(Borders, ATerritoryCannotBorderItself) {
  const ScenarioError e = borders_error("code_a,code_b\n01,02\n59,59\n");
  expect_error(e, csv("data/borders.csv"), 3, "code_b",
               "a territory cannot border itself (\"59\" is also code_a)");
  EXPECT_EQ(e.column(), 4);
}

TEST_F(Borders, BothCodeColumnsAreRequired) {
  expect_error(borders_error("code_a,codeb\n01,02\n"), csv("data/borders.csv"), 1, "code_b",
               "missing column (territories.borders needs it); did you mean \"codeb\"?");
}

// ---- Placement, abroad destinations, places tables

const std::string kFranceMini = PARCOURS_SOURCE_DIR "/tests/scenarios/io-france-mini.toml";

using Ids = std::vector<model::TerritoryId>;

TEST(FranceScenario, AbroadTerritoriesComeAfterHomeOnesInCodeOrder) {
  const Scenario s = load_scenario(kFranceMini);
  const auto& t = s.model.territories;
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(s.model.home_territories(), 5u);
  EXPECT_EQ(t[4].code, "75");
  EXPECT_EQ(t[5].code, "BE");
  EXPECT_EQ(t[5].name, "Belgique (Wallonie)");
  EXPECT_TRUE(t[5].abroad);
  EXPECT_EQ(t[5].weight, 0.0);
  EXPECT_EQ(t[5].region, model::kNoRegion);
  EXPECT_EQ(t[5].senders, (Ids{2, 3, 4}));
  // 2028-03-01: 60 of the 366 days of 2028 into the run's year 3, at the same fraction of the
  // model's 365.25-day year (so 2028-01-01 would be day 1095.75, the year's first).
  EXPECT_DOUBLE_EQ(t[5].closed_from_day, 3 * 365.25 + 60.0 / 366.0 * 365.25);
  EXPECT_EQ(t[6].code, "CH");
  EXPECT_EQ(t[6].name, "CH");  // the name defaults to the code
  EXPECT_EQ(t[6].senders, (Ids{0}));
  EXPECT_EQ(t[6].closed_from_day, std::numeric_limits<double>::infinity());
  ASSERT_EQ(s.model.regions.size(), 3u);
  EXPECT_EQ(s.model.regions[2].name, "Île-de-France");
  EXPECT_EQ(t[1].region, 1);
}

TEST(FranceScenario, CapacityHasOneEntryPerHomeTerritoryThenPerAbroadOne) {
  const Scenario s = load_scenario(kFranceMini);
  ASSERT_EQ(s.model.services.size(), 3u);
  EXPECT_EQ(s.model.services[0].name, "IME");
  EXPECT_EQ(s.model.services[0].capacity,
            (std::vector<std::int64_t>{671, 907, 3297, 2716, 1400, 1300, 0}));
  // places_total is shared by weight among home territories only; places_min is not
  // granted abroad.
  EXPECT_EQ(s.model.services[1].capacity,
            (std::vector<std::int64_t>{150, 150, 400, 200, 200, 0, 0}));
  EXPECT_EQ(s.model.services[2].capacity,
            (std::vector<std::int64_t>{500, 400, 2000, 1500, 1100, 0, 0}));
}

TEST(FranceScenario, ReachableTerritoriesAreNearestFirstThenAbroad) {
  const Scenario s = load_scenario(kFranceMini);
  using Pair = std::pair<model::TerritoryId, model::TerritoryId>;
  EXPECT_EQ(s.model.borders, (std::vector<Pair>{{1, 2}, {2, 3}}));
  EXPECT_EQ(s.model.placement.max_steps, 2);
  const auto& reachable = s.model.placement.reachable;
  ASSERT_EQ(reachable.size(), 7u);
  EXPECT_EQ(reachable[0], (Ids{6}));
  EXPECT_EQ(reachable[1], (Ids{2, 3}));
  EXPECT_EQ(reachable[2], (Ids{1, 3, 5}));
  EXPECT_EQ(reachable[3], (Ids{2, 1, 5}));
  EXPECT_EQ(reachable[4], (Ids{5}));
  EXPECT_EQ(s.model.placement.served_by[5], (Ids{2, 3, 4}));
  EXPECT_EQ(s.model.placement.served_by[6], (Ids{0}));
}

TEST(FranceScenario, OverridesReachTheNewKeys) {
  const Scenario s =
      load_scenario(kFranceMini, {"placement.max_steps=1", "services.IME.places.75=1500",
                                  "abroad.BE.closed_from=2026-01-01", "abroad.CH.places.ITEP=30"});
  EXPECT_EQ(s.model.placement.reachable[3], (Ids{2, 5}));
  EXPECT_EQ(s.model.services[0].capacity[4], 1500);
  EXPECT_EQ(s.model.territories[5].closed_from_day, 365.25);  // 2026-01-01: year 1 starts
  EXPECT_EQ(s.model.services[1].capacity[6], 30);
  const Scenario home_only = load_scenario(kFranceMini, {"placement.max_steps=0"});
  EXPECT_EQ(home_only.model.placement.reachable[1], (Ids{}));
  EXPECT_EQ(home_only.model.placement.reachable[2], (Ids{5}));
}

TEST_F(ScenarioFiles, AChildScenarioAddsAndChangesAbroadDestinations) {
  write("base.toml", kMini + "\n[abroad.BE]\nsenders = [\"A\"]\nplaces = { IME = 3 }\n");
  const Scenario s = load_scenario(write(
      "top.toml",
      "extends = \"base.toml\"\n[abroad.BE]\nclosed_from = 2025-01-02\n[abroad.LU]\nsenders = "
      "[\"B\"]\n"));
  ASSERT_EQ(s.model.territories.size(), 4u);
  EXPECT_EQ(s.model.territories[2].code, "BE");
  EXPECT_DOUBLE_EQ(s.model.territories[2].closed_from_day, 365.25 / 365.0);  // 1 day into 2025
  EXPECT_EQ(s.model.territories[3].code, "LU");
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{5, 7, 3, 0}));
}

TEST_F(ScenarioFiles, ScenariosWithoutAbroadOrPlacementKeepHomeOnlyPlacement) {
  const Scenario s = load_scenario(write("s.toml", kMini));
  EXPECT_EQ(s.model.placement.max_steps, 0);
  EXPECT_EQ(s.model.placement.reachable, (std::vector<Ids>{{}, {}}));
  EXPECT_TRUE(s.model.calibration.empty());
}

TEST_F(ScenarioFiles, PlacesTableNeedsEveryHomeCodeAndNothingElse) {
  const std::string path = path_of("s.toml");
  const std::string table = "places = { A = 5, B = 7 }";
  const ScenarioError negative =
      error_of(replace(kMini, "places = [5, 7]", "places = { A = 5, B = -7 }"));
  expect_error(negative, path, 16, "services.IME.places.B", "expected an integer >= 0, got -7");
  EXPECT_EQ(negative.column(), 23);
  const ScenarioError missing = error_of(replace(kMini, "places = [5, 7]", "places = { A = 5 }"));
  expect_error(missing, path, 16, "services.IME.places.B",
               "missing required key (expected an integer >= 0: a places table needs every home "
               "territory code)");
  EXPECT_EQ(missing.column(), 10);
  expect_error(error_of(replace(kMini, "places = [5, 7]", "places = { A = 5, b = 7 }")), path, 16,
               "services.IME.places.b", "unknown territory code \"b\"; did you mean \"B\"?");
  expect_error(error_of(replace(kMini, "places = [5, 7]", "places = { A = 5, B = 7, BE = 1 }") +
                        "\n[abroad.BE]\nsenders = [\"A\"]\n"),
               path, 16, "services.IME.places.BE",
               "\"BE\" is an abroad territory: give its places in abroad.BE.places");
  const Scenario s = load_scenario(write("ok.toml", replace(kMini, "places = [5, 7]", table)));
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{5, 7}));
}

TEST_F(ScenarioFiles, MissingCodeInAPlacesTableHeaderPointsAtTheHeader) {
  expect_error(error_of(replace(kMini, "places = [5, 7]\n", "") + "[services.IME.places]\nA = 1\n"),
               path_of("s.toml"), 18, "services.IME.places.B",
               "missing required key (expected an integer >= 0: a places table needs every home "
               "territory code)");
}

TEST_F(ScenarioFiles, PlacementStepsNeedBorders) {
  const ScenarioError e = error_of(kMini + "\n[placement]\nmax_steps = 1\n");
  expect_error(e, path_of("s.toml"), 21, "placement.max_steps",
               "max_steps > 0 needs territories.borders (a CSV file of land borders), which is not "
               "set");
  EXPECT_EQ(e.column(), 13);
  expect_error(error_of(kMini + "\n[placement]\nmax_steps = -1\n"), path_of("s.toml"), 21,
               "placement.max_steps", "expected an integer >= 0, got -1");
  const Scenario s = load_scenario(write("ok.toml", kMini + "\n[placement]\nmax_steps = 0\n"));
  EXPECT_EQ(s.model.placement.max_steps, 0);
}

TEST_F(ScenarioFiles, UnknownKeyInPlacementSuggestsTheClosest) {
  const ScenarioError e = error_of(kMini + "\n[placement]\nmax_step = 1\n");
  expect_error(e, path_of("s.toml"), 21, "placement.max_step",
               "unknown key \"max_step\"; did you mean \"max_steps\"?");
  EXPECT_EQ(e.column(), 1);
}

const std::string kAbroad = "\n[abroad.BE]\nsenders = [\"A\"]\n";  // lines 20 and 21 after kMini

TEST_F(ScenarioFiles, UnknownKeyInAbroadSuggestsTheClosest) {
  const ScenarioError e = error_of(kMini + kAbroad + "close_from = 2027-01-01\n");
  expect_error(e, path_of("s.toml"), 22, "abroad.BE.close_from",
               "unknown key \"close_from\"; did you mean \"closed_from\"?");
  EXPECT_EQ(e.column(), 1);
}

TEST_F(ScenarioFiles, AbroadSendersMustBeHomeCodes) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(kMini + "\n[abroad.BE]\nsenders = [\"A\", \"b\"]\n");
  expect_error(e, path, 21, "abroad.BE.senders[1]",
               "unknown home territory code \"b\"; did you mean \"B\"?");
  EXPECT_EQ(e.column(), 17);
  expect_error(error_of(kMini + kAbroad + "\n[abroad.LU]\nsenders = [\"BE\"]\n"), path, 24,
               "abroad.LU.senders[0]",
               "\"BE\" is an abroad territory: only home territories send children abroad");
  expect_error(error_of(kMini + "\n[abroad.BE]\nsenders = []\n"), path, 21, "abroad.BE.senders",
               "expected at least one home territory code, got an empty array");
  expect_error(error_of(kMini + "\n[abroad.BE]\nplaces = { IME = 1 }\n"), path, 20,
               "abroad.BE.senders",
               "missing required key (expected a non-empty array of home territory codes)");
  expect_error(error_of(kMini + "\n[abroad.BE]\nsenders = [\"A\", \"A\"]\n"), path, 21,
               "abroad.BE.senders[1]", "duplicate sender \"A\"");
}

TEST_F(ScenarioFiles, AbroadCodesMustDifferFromHomeCodes) {
  const ScenarioError e = error_of(kMini + "\n[abroad.B]\nsenders = [\"A\"]\n");
  expect_error(e, path_of("s.toml"), 20, "abroad.B",
               "abroad code \"B\" is already a home territory code (B); abroad codes must differ "
               "from home ones");
  EXPECT_EQ(e.column(), 9);
}

TEST_F(ScenarioFiles, AbroadMoratoriumAndPlacesAreChecked) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(kMini + kAbroad + "closed_from = 2024-12-31\n"), path, 22,
               "abroad.BE.closed_from",
               "expected a date on or after scenario.start_date (2025-01-01), got 2024-12-31");
  expect_error(error_of(kMini + kAbroad + "closed_from = \"2027\"\n"), path, 22,
               "abroad.BE.closed_from",
               "expected a local date such as 2027-01-01, got a string (\"2027\")");
  expect_error(error_of(kMini + kAbroad + "places = { IMEE = 3 }\n"), path, 22,
               "abroad.BE.places.IMEE", "unknown service \"IMEE\"; did you mean \"IME\"?");
  expect_error(error_of(kMini + kAbroad + "places = { IME = -3 }\n"), path, 22,
               "abroad.BE.places.IME", "expected an integer >= 0, got -3");
  const Scenario s =
      load_scenario(write("ok.toml", kMini + kAbroad + "closed_from = 2025-01-01\n"));
  EXPECT_EQ(s.model.territories[2].closed_from_day, 0.0);
}

// ---- Calibration targets

TEST(FranceScenario, CalibrationTargetsAreReadInFileOrder) {
  const Scenario s = load_scenario(kFranceMini);
  using Measure = model::CalibrationTarget::Measure;
  const auto& c = s.model.calibration;
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].name, "children in IME");
  EXPECT_EQ(c[0].measure, Measure::kOccupants);
  EXPECT_EQ(c[0].services, (std::vector<model::ServiceId>{0}));
  EXPECT_EQ(c[0].target, 9000.0);
  EXPECT_EQ(c[0].tolerance, 0.05);
  EXPECT_EQ(c[0].source, "made up for the test");
  EXPECT_EQ(c[1].measure, Measure::kAbroad);
  EXPECT_EQ(c[1].services, (std::vector<model::ServiceId>{2, 0}));
  EXPECT_EQ(c[1].tolerance, 0.1);
}

// kMini plus one calibration target (its table header on line 20).
std::string with_target(const std::string& extra_line = "",
                        const std::string& measure = "\"occupants\"") {
  return kMini + "\n[[calibration]]\nname = \"in IME\"\nmeasure = " + measure +
         "\nservices = [\"IME\"]\ntarget = 12\nsource = \"s\"\n" + extra_line;
}

TEST_F(ScenarioFiles, UnknownKeyInCalibrationSuggestsTheClosest) {
  const ScenarioError e = error_of(with_target("tolerence = 0.1\n"));
  expect_error(e, path_of("s.toml"), 26, "calibration[0].tolerence",
               "unknown key \"tolerence\"; did you mean \"tolerance\"?");
  EXPECT_EQ(e.column(), 1);
}

TEST_F(ScenarioFiles, UnknownCalibrationMeasureIsAnError) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(with_target("", "\"ocupants\""));
  expect_error(e, path, 22, "calibration[0].measure",
               "unknown measure \"ocupants\"; did you mean \"occupants\"?");
  EXPECT_EQ(e.column(), 11);
  expect_error(error_of(with_target("", "\"stock\"")), path, 22, "calibration[0].measure",
               "unknown measure \"stock\"; accepted: \"occupants\", \"creton\", \"waiting\", "
               "\"away\", \"abroad\", \"waiting_in_school\"");
}

TEST_F(ScenarioFiles, CalibrationTargetsAreChecked) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(replace(with_target(), "[\"IME\"]", "[\"IME\", \"IEM\"]")), path, 23,
               "calibration[0].services[1]", "unknown service \"IEM\"; did you mean \"IME\"?");
  expect_error(error_of(replace(with_target(), "[\"IME\"]", "[]")), path, 23,
               "calibration[0].services", "expected at least one service name, got an empty array");
  expect_error(error_of(replace(with_target(), "target = 12", "target = 0")), path, 24,
               "calibration[0].target", "expected a number > 0, got 0");
  expect_error(error_of(with_target("tolerance = 0\n")), path, 26, "calibration[0].tolerance",
               "expected a number in (0, 1] (relative to the target), got 0");
  expect_error(error_of(replace(with_target(), "source = \"s\"\n", "")), path, 20,
               "calibration[0].source",
               "missing required key (expected a non-empty string (where the target comes "
               "from))");
  expect_error(error_of(replace(with_target(), "source = \"s\"", "source = \"\"")), path, 25,
               "calibration[0].source",
               "expected a non-empty string (where the target comes from), got \"\"");
  expect_error(error_of(kMini + "\n[calibration]\nname = \"x\"\n"), path, 20, "calibration",
               "expected an array of tables (one [[calibration]] per target), got a table");
}

// ---- Interim situations while waiting

const std::string kInterimShares =
    "interim = { nothing = 0.075, school_with_aesh = 0.336, other_service = 0.589 }\n";

// kMini, `shares` as IME's line 19, then three situations declared out of alphabetical order
// (school_with_aesh on line 21, nothing on 24, other_service on 26).
std::string with_interim(const std::string& shares = kInterimShares) {
  return kMini + shares +
         "\n[interim.school_with_aesh]\nordinary_school = true\n"
         "description = \"ordinary class with AESH hours\"\n"
         "[interim.nothing]\nno_solution = true\n[interim.other_service]\n";
}

TEST_F(ScenarioFiles, InterimSituationsAreNumberedAlphabeticallyWithTheirFlagsAndShares) {
  const Scenario s = load_scenario(write("s.toml", with_interim()));
  const auto& interim = s.model.interim;
  ASSERT_EQ(interim.size(), 3u);
  EXPECT_EQ(interim[0].name, "nothing");
  EXPECT_TRUE(interim[0].no_solution);
  EXPECT_FALSE(interim[0].ordinary_school);
  EXPECT_EQ(interim[1].name, "other_service");
  EXPECT_FALSE(interim[1].no_solution);
  EXPECT_FALSE(interim[1].ordinary_school);
  EXPECT_EQ(interim[2].name, "school_with_aesh");
  EXPECT_FALSE(interim[2].no_solution);
  EXPECT_TRUE(interim[2].ordinary_school);
  EXPECT_EQ(s.model.services[0].interim_shares, (std::vector<double>{0.075, 0.589, 0.336}));
}

TEST_F(ScenarioFiles, InterimSharesAreOptionalAndLeftOutSituationsGetZero) {
  const Scenario none = load_scenario(write("none.toml", with_interim("")));
  EXPECT_EQ(none.model.interim.size(), 3u);
  EXPECT_TRUE(none.model.services[0].interim_shares.empty());
  const Scenario mini = load_scenario(write("mini.toml", kMini));
  EXPECT_TRUE(mini.model.interim.empty());
  EXPECT_TRUE(mini.model.services[0].interim_shares.empty());
  const Scenario some =
      load_scenario(write("some.toml", with_interim("interim = { nothing = 1 }\n")));
  EXPECT_EQ(some.model.services[0].interim_shares, (std::vector<double>{1.0, 0.0, 0.0}));
}

TEST_F(ScenarioFiles, InterimSharesWorkWithExtendsAndOverrides) {
  write("base.toml", with_interim());
  const Scenario s =
      load_scenario(write("top.toml",
                          "extends = \"base.toml\"\n[services.IME.interim]\nnothing = 0.2\n"
                          "other_service = 0.464\n"));
  EXPECT_EQ(s.model.services[0].interim_shares, (std::vector<double>{0.2, 0.464, 0.336}));
  const Scenario t = load_scenario(
      path_of("base.toml"),
      {"services.IME.interim.nothing=0.2", "services.IME.interim.other_service=0.464"});
  EXPECT_EQ(t.model.services[0].interim_shares, (std::vector<double>{0.2, 0.464, 0.336}));
  const Scenario u = load_scenario(path_of("base.toml"), {"interim.nothing.no_solution=false"});
  EXPECT_FALSE(u.model.interim[0].no_solution);
}

TEST_F(ScenarioFiles, UnknownInterimSituationSuggestsTheClosest) {
  const std::string path = path_of("s.toml");
  const ScenarioError e =
      error_of(with_interim("interim = { nothing = 0.5, school_with_ash = 0.5 }\n"));
  expect_error(e, path, 19, "services.IME.interim.school_with_ash",
               "unknown interim situation \"school_with_ash\"; did you mean "
               "\"school_with_aesh\"?");
  EXPECT_EQ(e.column(), 28);
  expect_error(error_of(with_interim("interim = { home = 1 }\n")), path, 19,
               "services.IME.interim.home",
               "unknown interim situation \"home\"; interim situations are: \"nothing\", "
               "\"other_service\", \"school_with_aesh\"");
}

TEST_F(ScenarioFiles, InterimSharesMustSumToOne) {
  const ScenarioError e =
      error_of(with_interim("interim = { nothing = 0.5, other_service = 0.4 }\n"));
  expect_error(e, path_of("s.toml"), 19, "services.IME.interim",
               "interim shares sum to 0.9, expected 1 (within 1e-9)");
  EXPECT_EQ(e.column(), 11);
  // An override that is not compensated breaks the sum; the table is still the base's.
  expect_error(error_of(with_interim(), {"services.IME.interim.nothing=0.2"}), path_of("s.toml"),
               19, "services.IME.interim", "interim shares sum to 1.125, expected 1 (within 1e-9)");
}

TEST_F(ScenarioFiles, InterimShareOutsideZeroOneIsOutOfRange) {
  const ScenarioError e =
      error_of(with_interim("interim = { nothing = 1.5, other_service = -0.5 }\n"));
  expect_error(e, path_of("s.toml"), 19, "services.IME.interim.nothing",
               "expected a number in [0, 1], got 1.5");
  EXPECT_EQ(e.column(), 23);
  expect_error(error_of(with_interim("interim = { nothing = \"all\" }\n")), path_of("s.toml"), 19,
               "services.IME.interim.nothing",
               "expected a number in [0, 1], got a string (\"all\")");
}

TEST_F(ScenarioFiles, UnknownKeyInInterimSituationSuggestsTheClosest) {
  const ScenarioError e = error_of(with_interim() + "no_soltion = true\n");
  expect_error(e, path_of("s.toml"), 27, "interim.other_service.no_soltion",
               "unknown key \"no_soltion\"; did you mean \"no_solution\"?");
  EXPECT_EQ(e.column(), 1);
}

TEST_F(ScenarioFiles, InterimFlagsAreBooleans) {
  const ScenarioError e = error_of(with_interim() + "ordinary_school = \"yes\"\n");
  expect_error(e, path_of("s.toml"), 27, "interim.other_service.ordinary_school",
               "expected true or false, got a string (\"yes\")");
  EXPECT_EQ(e.column(), 19);
}

TEST_F(ScenarioFiles, InterimSharesNeedDeclaredSituations) {
  const ScenarioError e = error_of(kMini + kInterimShares);
  expect_error(e, path_of("s.toml"), 19, "services.IME.interim",
               "interim shares need interim situations, and none is declared (add "
               "[interim.NAME] tables)");
  EXPECT_EQ(e.column(), 11);
}

// ---- Limited interim situations (AESH hours, PCPE places) and their fallbacks

// with_interim() with school_with_aesh (its table on line 21) limited by `capacity` (line 23),
// then `extra` (from line 24).
std::string with_limited(const std::string& capacity = "capacity = [2.5, 4]",
                         const std::string& extra = "fallback = \"nothing\"\n") {
  return replace(with_interim(), "ordinary_school = true\n",
                 "ordinary_school = true\n" + capacity + "\n" + extra);
}

TEST_F(ScenarioFiles, InterimCapacityIsPerHomeTerritoryWithAFallback) {
  const Scenario s = load_scenario(write("s.toml", with_limited()));
  const auto& interim = s.model.interim;
  ASSERT_EQ(interim.size(), 3u);
  EXPECT_EQ(interim[2].name, "school_with_aesh");
  EXPECT_TRUE(interim[2].limited());
  EXPECT_EQ(interim[2].capacity, (std::vector<double>{2.5, 4.0}));
  EXPECT_EQ(interim[2].per_child, 1.0);
  EXPECT_EQ(interim[2].fallback, 0);  // "nothing"
  EXPECT_FALSE(interim[0].limited());
  EXPECT_EQ(interim[0].fallback, model::kNoInterim);
  EXPECT_FALSE(interim[1].limited());
  const Scenario table = load_scenario(
      write("t.toml", with_limited("capacity = { B = 4, A = 2.5 }",
                                   "per_child = 0.25\nfallback = \"other_service\"\n")));
  EXPECT_EQ(table.model.interim[2].capacity, (std::vector<double>{2.5, 4.0}));
  EXPECT_EQ(table.model.interim[2].per_child, 0.25);
  EXPECT_EQ(table.model.interim[2].fallback, 1);
}

TEST_F(ScenarioFiles, InterimCapacityHasAZeroForEachAbroadTerritory) {
  const Scenario s = load_scenario(write("s.toml", with_limited() + kAbroad));
  ASSERT_EQ(s.model.territories.size(), 3u);
  EXPECT_EQ(s.model.interim[2].capacity, (std::vector<double>{2.5, 4.0, 0.0}));
  const Scenario total =
      load_scenario(write("t.toml", with_limited("capacity_total = 6") + kAbroad));
  EXPECT_EQ(total.model.interim[2].capacity, (std::vector<double>{3.0, 3.0, 0.0}));
}

TEST_F(ScenarioFiles, InterimCapacityTotalIsSharedByWeightWithoutRounding) {
  const Scenario s = load_scenario(write("s.toml", with_limited("capacity_total = 10")),
                                   {"territories.weights=[1, 3]"});
  EXPECT_EQ(s.model.interim[2].capacity, (std::vector<double>{2.5, 7.5}));
  const Scenario zero = load_scenario(write("z.toml", with_limited("capacity_total = 0")));
  EXPECT_EQ(zero.model.interim[2].capacity, (std::vector<double>{0.0, 0.0}));
  EXPECT_TRUE(zero.model.interim[2].limited());  // limited to nothing: everyone falls back
}

TEST_F(ScenarioFiles, FallbacksMayChainThroughLimitedSituations) {
  const Scenario s =
      load_scenario(write("s.toml", with_limited() + "[interim.nothing.capacity]\nA = 1\nB = 1\n"),
                    {"interim.nothing.fallback=other_service"});
  EXPECT_EQ(s.model.interim[2].fallback, 0);
  EXPECT_EQ(s.model.interim[0].fallback, 1);
  EXPECT_EQ(s.model.interim[0].capacity, (std::vector<double>{1.0, 1.0}));
  EXPECT_FALSE(s.model.interim[1].limited());
}

TEST_F(ScenarioFiles, InterimCapacityKeysWorkWithExtendsAndOverrides) {
  write("base.toml", with_limited());
  // A child switches forms: capacity_total drops the base's capacity, and the other way round.
  const Scenario top = load_scenario(write(
      "top.toml", "extends = \"base.toml\"\n[interim.school_with_aesh]\ncapacity_total = 8\n"));
  EXPECT_EQ(top.model.interim[2].capacity, (std::vector<double>{4.0, 4.0}));
  EXPECT_EQ(top.model.interim[2].fallback, 0);
  const Scenario set = load_scenario(
      path_of("base.toml"),
      {"interim.school_with_aesh.capacity_total=5000", "interim.school_with_aesh.per_child=0.5"});
  EXPECT_EQ(set.model.interim[2].capacity, (std::vector<double>{2500.0, 2500.0}));
  EXPECT_EQ(set.model.interim[2].per_child, 0.5);
  const Scenario one =
      load_scenario(path_of("base.toml"), {"interim.school_with_aesh.capacity=[1, 2]"});
  EXPECT_EQ(one.model.interim[2].capacity, (std::vector<double>{1.0, 2.0}));
  // An unlimited situation becomes limited by --set alone.
  const Scenario limited = load_scenario(
      write("plain.toml", with_interim()),
      {"interim.other_service.capacity_total=3", "interim.other_service.fallback=nothing"});
  EXPECT_EQ(limited.model.interim[1].capacity, (std::vector<double>{1.5, 1.5}));
  EXPECT_EQ(limited.model.interim[1].fallback, 0);
}

TEST_F(ScenarioFiles, InterimCapacityIsOneFormOrTheOther) {
  // Within one file (extends and --set drop the other form: see above).
  expect_error(error_of(with_limited("capacity = [1, 2]\ncapacity_total = 3")), path_of("s.toml"),
               24, "interim.school_with_aesh.capacity_total",
               "give either capacity (one per territory) or capacity_total, not both");
}

TEST_F(ScenarioFiles, InterimCapacityValuesAreChecked) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(with_limited("capacity = [1]")), path, 23,
               "interim.school_with_aesh.capacity",
               "expected 2 entries (one per territory), got 1");
  expect_error(error_of(with_limited("capacity = [1, -2]")), path, 23,
               "interim.school_with_aesh.capacity[1]", "expected a number >= 0, got -2");
  expect_error(error_of(with_limited("capacity = 3")), path, 23,
               "interim.school_with_aesh.capacity",
               "expected an array of numbers >= 0 (one per territory) or a table of territory "
               "code = number >= 0, got an integer (3)");
  expect_error(error_of(with_limited("capacity = { A = 1 }")), path, 23,
               "interim.school_with_aesh.capacity.B",
               "missing required key (expected a number >= 0: a capacity table needs every home "
               "territory code)");
  expect_error(error_of(with_limited("capacity = { A = 1, b = 2 }")), path, 23,
               "interim.school_with_aesh.capacity.b",
               "unknown territory code \"b\"; did you mean \"B\"?");
  expect_error(error_of(with_limited("capacity = { A = 1, B = 2, BE = 3 }") + kAbroad), path, 23,
               "interim.school_with_aesh.capacity.BE",
               "\"BE\" is an abroad territory: interim capacities are for home territories only "
               "(no one waits abroad)");
  expect_error(error_of(with_limited("capacity_total = -1")), path, 23,
               "interim.school_with_aesh.capacity_total", "expected a number >= 0, got -1");
  expect_error(error_of(with_limited("capacity_total = \"5000\"")), path, 23,
               "interim.school_with_aesh.capacity_total",
               "expected a number >= 0, got a string (\"5000\")");
}

TEST_F(ScenarioFiles, PerChildIsPositiveAndOnlyForLimitedSituations) {
  const std::string path = path_of("s.toml");
  expect_error(
      error_of(with_limited("capacity = [1, 2]", "fallback = \"nothing\"\nper_child = 0\n")), path,
      25, "interim.school_with_aesh.per_child",
      "expected a number > 0 (the capacity units each child uses), got 0");
  expect_error(error_of(with_interim() + "per_child = 0.5\n"), path, 27,
               "interim.other_service.per_child",
               "per_child is only allowed with capacity or capacity_total (what each child uses "
               "of a limited situation's room)");
}

TEST_F(ScenarioFiles, FallbackIsRequiredWithACapacityAndOnlyThen) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(with_limited("capacity = [1, 2]", "")), path, 21,
               "interim.school_with_aesh.fallback",
               "missing required key (expected an interim situation name: where a child goes "
               "when this situation has no room left in its home territory, required with "
               "capacity or capacity_total)");
  expect_error(error_of(with_interim() + "fallback = \"nothing\"\n"), path, 27,
               "interim.other_service.fallback",
               "fallback is only allowed with capacity or capacity_total (an unlimited situation "
               "always has room)");
}

TEST_F(ScenarioFiles, FallbackIsAnotherDeclaredSituation) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(with_limited("capacity = [1, 2]", "fallback = \"nothign\"\n"));
  expect_error(e, path, 24, "interim.school_with_aesh.fallback",
               "unknown interim situation \"nothign\"; did you mean \"nothing\"?");
  EXPECT_EQ(e.column(), 12);
  expect_error(error_of(with_limited("capacity = [1, 2]", "fallback = \"school_with_aesh\"\n")),
               path, 24, "interim.school_with_aesh.fallback",
               "expected an interim situation other than \"school_with_aesh\" itself: a child who "
               "finds no room in it takes its fallback instead");
  expect_error(error_of(with_limited("capacity = [1, 2]", "fallback = 1\n")), path, 24,
               "interim.school_with_aesh.fallback", "expected a string, got an integer (1)");
}

TEST_F(ScenarioFiles, FallbacksMayNotFormACycle) {
  const ScenarioError e =
      error_of(kMini +
               "\n[interim.a]\ncapacity = [1, 1]\nfallback = \"b\"\n[interim.b]\n"
               "capacity_total = 2\nfallback = \"a\"\n[interim.c]\n");
  expect_error(e, path_of("s.toml"), 22, "interim.a.fallback",
               "fallback cycle: a -> b -> a (the fallbacks of limited situations must end in an "
               "unlimited one)");
  // Reported at the first situation of the cycle in alphabetical order, wherever it was set.
  const std::string path =
      write("c.toml", with_limited("capacity = [1, 2]", "fallback = \"other_service\"\n"));
  try {
    (void)load_scenario(
        path, {"interim.other_service.capacity_total=1", "interim.other_service.fallback=nothing",
               "interim.nothing.capacity_total=1", "interim.nothing.fallback=school_with_aesh"});
    ADD_FAILURE() << "no error for a cycle of fallbacks";
  } catch (const ScenarioError& cycle) {
    expect_error(cycle, "--set interim.nothing.fallback=school_with_aesh", 0,
                 "interim.nothing.fallback",
                 "fallback cycle: nothing -> school_with_aesh -> other_service -> nothing (the "
                 "fallbacks of limited situations must end in an unlimited one)");
  }
}

// ---- Named outcomes of leavers

// kMini with IME's branches naming outcomes (lines 19-20: on_stay_end, 21: on_age_limit), then
// two outcomes out of alphabetical order: work (line 23, its description on 24) and home (25).
const std::string kOutcomes =
    kMini +
    "on_stay_end = [{ probability = 0.4, action = \"leave\", outcome = \"work\" },\n"
    "  { probability = 0.6, action = \"leave\" }]\n"
    "on_age_limit = [{ probability = 1.0, action = \"leave\", outcome = \"home\" }]\n"
    "\n[outcomes.work]\ndescription = \"ordinary work\"\n[outcomes.home]\n";

TEST_F(ScenarioFiles, OutcomesAreNumberedAlphabeticallyAndNamedByLeaveBranches) {
  const Scenario s = load_scenario(write("s.toml", kOutcomes));
  const auto& outcomes = s.model.outcomes;
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].name, "home");
  EXPECT_EQ(outcomes[0].description, "");
  EXPECT_EQ(outcomes[1].name, "work");
  EXPECT_EQ(outcomes[1].description, "ordinary work");
  const model::Service& ime = s.model.services[0];
  ASSERT_EQ(ime.on_stay_end.size(), 2u);
  EXPECT_EQ(ime.on_stay_end[0].outcome, 1);
  EXPECT_EQ(ime.on_stay_end[1].outcome, model::kNoOutcome);
  ASSERT_EQ(ime.on_age_limit.size(), 1u);
  EXPECT_EQ(ime.on_age_limit[0].outcome, 0);
}

TEST_F(ScenarioFiles, OutcomesAreOptionalAndWorkWithOverrides) {
  const Scenario mini = load_scenario(write("mini.toml", kMini));
  EXPECT_TRUE(mini.model.outcomes.empty());
  EXPECT_EQ(mini.model.services[0].on_stay_end[0].outcome, model::kNoOutcome);
  const Scenario set =
      load_scenario(path_of("mini.toml"),
                    {"outcomes.adult_home.description=\"foyer\"",
                     "services.IME.on_stay_end=[{ probability = 1.0, action = \"leave\", outcome = "
                     "\"adult_home\" }]"});
  ASSERT_EQ(set.model.outcomes.size(), 1u);
  EXPECT_EQ(set.model.outcomes[0].description, "foyer");
  EXPECT_EQ(set.model.services[0].on_stay_end[0].outcome, 0);
  const Scenario empty = load_scenario(write("empty.toml", kMini + "[outcomes.nowhere]\n"));
  ASSERT_EQ(empty.model.outcomes.size(), 1u);
  EXPECT_EQ(empty.model.outcomes[0].name, "nowhere");
}

TEST_F(ScenarioFiles, OutcomeIsOnlyForLeaveBranches) {
  const ScenarioError e = error_of(replace(kOutcomes, "action = \"leave\", outcome = \"home\"",
                                           "action = \"move\", to = \"IME\", outcome = \"home\""));
  expect_error(e, path_of("s.toml"), 21, "services.IME.on_age_limit[0].outcome",
               "\"outcome\" is only allowed with action \"leave\" (it names where a leaver goes), "
               "got action \"move\"");
  EXPECT_EQ(e.column(), 77);
}

TEST_F(ScenarioFiles, UnknownOutcomeSuggestsTheClosest) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kOutcomes, "outcome = \"work\"", "outcome = \"wrok\""));
  expect_error(e, path, 19, "services.IME.on_stay_end[0].outcome",
               "unknown outcome \"wrok\"; did you mean \"work\"?");
  EXPECT_EQ(e.column(), 65);
  expect_error(error_of(replace(kOutcomes, "outcome = \"work\"", "outcome = \"school\"")), path, 19,
               "services.IME.on_stay_end[0].outcome",
               "unknown outcome \"school\"; outcomes are: \"home\", \"work\"");
  expect_error(error_of(kMini + "on_stay_end = [{ probability = 1.0, action = \"leave\", outcome = "
                                "\"work\" }]\n"),
               path, 19, "services.IME.on_stay_end[0].outcome",
               "unknown outcome \"work\": no outcome is declared (add [outcomes.NAME] tables)");
  expect_error(error_of(replace(kOutcomes, "outcome = \"work\"", "outcome = 1")), path, 19,
               "services.IME.on_stay_end[0].outcome", "expected a string, got an integer (1)");
}

TEST_F(ScenarioFiles, OutcomeTablesAreChecked) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(kOutcomes + "descripton = \"x\"\n"), path, 26, "outcomes.home.descripton",
               "unknown key \"descripton\"; did you mean \"description\"?");
  expect_error(error_of(kOutcomes + "description = 3\n"), path, 26, "outcomes.home.description",
               "expected a string, got an integer (3)");
  expect_error(error_of(kMini, {"outcomes=3"}), "--set outcomes=3", 0, "outcomes",
               "expected a table of [outcomes.NAME] tables (one per outcome), got an integer (3)");
  std::string many = kMini;
  for (int i = 0; i < 255; ++i) {
    many += "[outcomes.o" + std::to_string(i) + "]\n";
  }
  const ScenarioError e = error_of(many);
  EXPECT_EQ(e.key(), "outcomes") << e.what();
  EXPECT_EQ(e.message(), "expected at most 254 outcomes, got 255") << e.what();
}

// ---- Children's attributes, priority levels and list reviews

// kMini plus every key of [children], [services.IME.children], [lists] and [[lists.priority]],
// then two interim situations declared out of alphabetical order; line numbers in comments.
const std::string kChildren = kMini + R"toml(
[children]
impairments = ["intellectual", "autism", "polyhandicap"]
needs_levels = ["moderate", "high", "very_high"]
mortality_per_year = { polyhandicap = 0.02 }

[services.IME.children]
impairment = { intellectual = 0.6, autism = 0.3, polyhandicap = 0.1 }
needs = { moderate = 0.5, high = 0.35, very_high = 0.15 }
ase_share = 0.131
boys_share = 0.6

[lists]
review_every_months = 12
removal_per_review = 0.02
pag_after_years = 2.0
pag_interim = "other_service"

[[lists.priority]]
name = "P1"
pag = true
needs = ["very_high"]
description = "critical situations (PAG)"
[[lists.priority]]
name = "P2"
impairments = ["polyhandicap", "autism"]
ase = false
min_age_years = 12
min_waited_years = 2
[[lists.priority]]
name = "P3"

[interim.waiting_home]
no_solution = true
[interim.other_service]
)toml";

// [children] 20, impairments 21, needs_levels 22, mortality_per_year 23,
// [services.IME.children] 25, impairment 26, needs 27, ase_share 28, boys_share 29,
// [lists] 31, review_every_months 32, removal_per_review 33, pag_after_years 34, pag_interim 35,
// [[lists.priority]] 37 (P1: name 38, pag 39, needs 40, description 41),
// 42 (P2: name 43, impairments 44, ase 45, min_age_years 46, min_waited_years 47), 48 (P3: 49),
// [interim.waiting_home] 51, [interim.other_service] 53.

TEST_F(ScenarioFiles, ChildrenCategoriesKeepTheirOrderAndProfilesFollowIt) {
  const Scenario s = load_scenario(write("s.toml", kChildren));
  const model::Children& c = s.model.children;
  EXPECT_EQ(c.impairments, (std::vector<std::string>{"intellectual", "autism", "polyhandicap"}));
  EXPECT_EQ(c.needs_levels, (std::vector<std::string>{"moderate", "high", "very_high"}));
  EXPECT_EQ(c.mortality_per_year, (std::vector<double>{0.0, 0.0, 0.02}));
  const model::Profile& p = s.model.services[0].children;
  EXPECT_EQ(p.impairment_shares, (std::vector<double>{0.6, 0.3, 0.1}));
  EXPECT_EQ(p.needs_shares, (std::vector<double>{0.5, 0.35, 0.15}));
  EXPECT_EQ(p.ase_share, 0.131);
  EXPECT_EQ(p.boys_share, 0.6);
}

TEST_F(ScenarioFiles, ListsAndPriorityLevelsAreReadInFileOrder) {
  const Scenario s = load_scenario(write("s.toml", kChildren));
  const model::Lists& l = s.model.lists;
  EXPECT_EQ(l.review_every_months, 12);
  EXPECT_EQ(l.removal_per_review, 0.02);
  EXPECT_EQ(l.pag_after_years, 2.0);
  ASSERT_EQ(s.model.interim.size(), 2u);
  EXPECT_EQ(l.pag_interim, 0);  // an index into Model::interim: other_service, waiting_home
  ASSERT_EQ(l.priority.size(), 3u);
  const model::PriorityLevel& p1 = l.priority[0];
  EXPECT_EQ(p1.name, "P1");
  EXPECT_EQ(p1.pag, true);
  EXPECT_FALSE(p1.ase.has_value());
  EXPECT_EQ(p1.needs, (std::vector<std::uint8_t>{2}));
  EXPECT_TRUE(p1.impairments.empty());
  EXPECT_EQ(p1.min_age_years, 0.0);
  const model::PriorityLevel& p2 = l.priority[1];
  EXPECT_EQ(p2.name, "P2");
  EXPECT_FALSE(p2.pag.has_value());
  EXPECT_EQ(p2.ase, false);
  EXPECT_TRUE(p2.needs.empty());
  EXPECT_EQ(p2.impairments, (std::vector<std::uint8_t>{2, 1}));
  EXPECT_EQ(p2.min_age_years, 12.0);
  EXPECT_EQ(p2.min_waited_years, 2.0);
  EXPECT_EQ(l.priority[2].name, "P3");
  EXPECT_TRUE(l.priority[2].unconditional());
}

TEST_F(ScenarioFiles, WithoutTheNewTablesTheModelKeepsItsDefaults) {
  for (const Scenario& s : {load_scenario(write("s.toml", kMini)), load_scenario(kB1)}) {
    EXPECT_EQ(s.model.children.impairments, (std::vector<std::string>{"all"}));
    EXPECT_EQ(s.model.children.needs_levels, (std::vector<std::string>{"all"}));
    EXPECT_TRUE(s.model.children.mortality_per_year.empty());
    for (const model::Service& service : s.model.services) {
      EXPECT_TRUE(service.children.impairment_shares.empty());
      EXPECT_TRUE(service.children.needs_shares.empty());
      EXPECT_EQ(service.children.ase_share, 0.0);
      EXPECT_EQ(service.children.boys_share, 0.5);
    }
    const model::Lists& l = s.model.lists;
    ASSERT_EQ(l.priority.size(), 1u);
    EXPECT_EQ(l.priority[0].name, "all");
    EXPECT_TRUE(l.priority[0].unconditional());
    EXPECT_FALSE(l.has_reviews());
    EXPECT_EQ(l.removal_per_review, 0.0);
    EXPECT_EQ(l.pag_after_years, std::numeric_limits<double>::infinity());
    EXPECT_EQ(l.pag_interim, model::kNoInterim);
  }
}

TEST_F(ScenarioFiles, PartialTablesDefaultTheRest) {
  const Scenario s = load_scenario(write(
      "s.toml", kMini + "children = { boys_share = 0.7 }\n[children]\nneeds_levels = [\"low\", "
                        "\"high\"]\n[lists]\nreview_every_months = 6\n"));
  EXPECT_EQ(s.model.children.impairments, (std::vector<std::string>{"all"}));
  EXPECT_EQ(s.model.children.needs_levels, (std::vector<std::string>{"low", "high"}));
  EXPECT_TRUE(s.model.services[0].children.needs_shares.empty());
  EXPECT_EQ(s.model.services[0].children.boys_share, 0.7);
  EXPECT_EQ(s.model.services[0].children.ase_share, 0.0);
  EXPECT_EQ(s.model.lists.review_every_months, 6);
  EXPECT_EQ(s.model.lists.pag_after_years, std::numeric_limits<double>::infinity());
  EXPECT_EQ(s.model.lists.pag_interim, model::kNoInterim);
  ASSERT_EQ(s.model.lists.priority.size(), 1u);
  EXPECT_EQ(s.model.lists.priority[0].name, "all");
}

TEST_F(ScenarioFiles, ExtendsMergesChildrenAndReplacesPriorityLevels) {
  write("base.toml", kChildren);
  const Scenario s = load_scenario(
      write("top.toml",
            "extends = \"base.toml\"\n[children]\nmortality_per_year = { autism = 0.01 }\n"
            "[[lists.priority]]\nname = \"everyone\"\n"));
  EXPECT_EQ(s.model.children.impairments,
            (std::vector<std::string>{"intellectual", "autism", "polyhandicap"}));
  EXPECT_EQ(s.model.children.mortality_per_year, (std::vector<double>{0.0, 0.01, 0.02}));
  ASSERT_EQ(s.model.lists.priority.size(), 1u);
  EXPECT_EQ(s.model.lists.priority[0].name, "everyone");
  EXPECT_EQ(s.model.lists.review_every_months, 12);  // [lists] merged, only priority replaced
  EXPECT_EQ(s.model.lists.pag_interim, 0);
  const Scenario again = load_scenario(write("effective.toml", s.text));
  EXPECT_EQ(again.model.children.mortality_per_year, s.model.children.mortality_per_year);
  EXPECT_EQ(again.model.lists.priority.size(), 1u);
}

TEST_F(ScenarioFiles, OverridesReachListsAndProfiles) {
  const std::vector<std::string> overrides = {"lists.review_every_months=6",
                                              "services.IME.children.ase_share=0.2"};
  const Scenario mini = load_scenario(write("mini.toml", kMini), overrides);
  EXPECT_EQ(mini.model.lists.review_every_months, 6);
  EXPECT_EQ(mini.model.services[0].children.ase_share, 0.2);
  EXPECT_EQ(mini.model.services[0].children.boys_share, 0.5);
  const Scenario full = load_scenario(write("s.toml", kChildren), overrides);
  EXPECT_EQ(full.model.lists.review_every_months, 6);
  EXPECT_EQ(full.model.lists.priority.size(), 3u);
  EXPECT_EQ(full.model.services[0].children.ase_share, 0.2);
  EXPECT_EQ(full.model.services[0].children.boys_share, 0.6);
  const Scenario one_level =
      load_scenario(path_of("s.toml"), {R"(lists.priority=[{ name = "first come" }])"});
  ASSERT_EQ(one_level.model.lists.priority.size(), 1u);
  EXPECT_EQ(one_level.model.lists.priority[0].name, "first come");
}

TEST_F(ScenarioFiles, UnknownKeysInTheNewTablesSuggestTheClosest) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(replace(kChildren, "needs_levels =", "needs_level =")), path, 22,
               "children.needs_level",
               "unknown key \"needs_level\"; did you mean \"needs_levels\"?");
  expect_error(error_of(replace(kChildren, "boys_share =", "boy_share =")), path, 29,
               "services.IME.children.boy_share",
               "unknown key \"boy_share\"; did you mean \"boys_share\"?");
  expect_error(error_of(replace(kChildren, "review_every_months =", "review_every_month =")), path,
               32, "lists.review_every_month",
               "unknown key \"review_every_month\"; did you mean \"review_every_months\"?");
  const ScenarioError e = error_of(replace(kChildren, "description =", "descripton ="));
  expect_error(e, path, 41, "lists.priority[0].descripton",
               "unknown key \"descripton\"; did you mean \"description\"?");
  EXPECT_EQ(e.column(), 1);
}

TEST_F(ScenarioFiles, CategoryListsAreBoundedNonEmptyAndDistinct) {
  const std::string path = path_of("s.toml");
  const ScenarioError e =
      error_of(replace(kChildren, R"(["intellectual", "autism", "polyhandicap"])",
                       R"(["a", "b", "c", "d", "e", "f", "g", "h", "i"])"));
  expect_error(e, path, 21, "children.impairments", "expected between 1 and 8 impairments, got 9");
  EXPECT_EQ(e.column(), 15);
  expect_error(error_of(kMini + "[children]\nimpairments = []\n"), path, 20, "children.impairments",
               "expected between 1 and 8 impairments, got 0");
  expect_error(error_of(replace(kChildren, R"(["moderate", "high", "very_high"])",
                                R"(["a", "b", "c", "d", "e"])")),
               path, 22, "children.needs_levels", "expected between 1 and 4 needs levels, got 5");
  expect_error(error_of(replace(kChildren, R"("autism", "polyhandicap"])", R"("", "autism"])")),
               path, 21, "children.impairments[1]", "expected a non-empty string, got \"\"");
}

TEST_F(ScenarioFiles, DuplicateCategoryNamesAreAnError) {
  const std::string path = path_of("s.toml");
  const ScenarioError e =
      error_of(replace(kChildren, R"("polyhandicap"])", R"("polyhandicap", "autism"])"));
  expect_error(e, path, 21, "children.impairments[3]",
               "duplicate impairment \"autism\" (already at index 1)");
  EXPECT_EQ(e.column(), 58);
  expect_error(error_of(replace(kChildren, R"("very_high"])", R"("high"])")), path, 22,
               "children.needs_levels[2]", "duplicate needs level \"high\" (already at index 1)");
}

TEST_F(ScenarioFiles, MortalityNamesImpairmentsWithARateBelowOne) {
  const std::string path = path_of("s.toml");
  const ScenarioError e =
      error_of(replace(kChildren, "{ polyhandicap = 0.02 }", "{ polyhandicapp = 0.02 }"));
  expect_error(e, path, 23, "children.mortality_per_year.polyhandicapp",
               "unknown impairment \"polyhandicapp\"; did you mean \"polyhandicap\"?");
  EXPECT_EQ(e.column(), 24);
  expect_error(error_of(replace(kChildren, "{ polyhandicap = 0.02 }", "{ polyhandicap = 1 }")),
               path, 23, "children.mortality_per_year.polyhandicap",
               "expected a number in [0, 1), got 1");
  expect_error(error_of(replace(kChildren, "{ polyhandicap = 0.02 }", "{ polyhandicap = -0.1 }")),
               path, 23, "children.mortality_per_year.polyhandicap",
               "expected a number in [0, 1), got -0.1");
}

TEST_F(ScenarioFiles, ProfileSharesMustSumToOneOverDeclaredCategories) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kChildren, "autism = 0.3,", "autism = 0.2,"));
  expect_error(e, path, 26, "services.IME.children.impairment",
               "impairment shares sum to 0.9, expected 1 (within 1e-9)");
  EXPECT_EQ(e.column(), 14);
  expect_error(error_of(replace(kChildren, "autism = 0.3,", "autsim = 0.3,")), path, 26,
               "services.IME.children.impairment.autsim",
               "unknown impairment \"autsim\"; did you mean \"autism\"?");
  const ScenarioError level =
      error_of(replace(kChildren, "very_high = 0.15 }", "extreme = 0.15 }"));
  expect_error(level, path, 27, "services.IME.children.needs.extreme",
               "unknown needs level \"extreme\"; needs levels are: \"moderate\", \"high\", "
               "\"very_high\"");
  EXPECT_EQ(level.column(), 40);
  expect_error(error_of(replace(kChildren, "high = 0.35,", "high = 0.25,")), path, 27,
               "services.IME.children.needs", "needs shares sum to 0.9, expected 1 (within 1e-9)");
  expect_error(error_of(replace(kChildren, "ase_share = 0.131", "ase_share = 1.5")), path, 28,
               "services.IME.children.ase_share", "expected a number in [0, 1], got 1.5");
  expect_error(error_of(replace(kChildren, "boys_share = 0.6", "boys_share = \"half\"")), path, 29,
               "services.IME.children.boys_share",
               "expected a number in [0, 1], got a string (\"half\")");
}

TEST_F(ScenarioFiles, PriorityConditionsNameDeclaredCategories) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kChildren, R"(["very_high"])", R"(["very_hihg"])"));
  expect_error(e, path, 40, "lists.priority[0].needs[0]",
               "unknown needs level \"very_hihg\"; did you mean \"very_high\"?");
  EXPECT_EQ(e.column(), 10);
  expect_error(
      error_of(replace(kChildren, R"(["polyhandicap", "autism"])", R"(["polyhandicap", "deaf"])")),
      path, 44, "lists.priority[1].impairments[1]",
      "unknown impairment \"deaf\"; impairments are: \"intellectual\", \"autism\", "
      "\"polyhandicap\"");
  expect_error(
      error_of(replace(kChildren, R"(["polyhandicap", "autism"])", R"(["autism", "autism"])")),
      path, 44, "lists.priority[1].impairments[1]", "duplicate impairment \"autism\"");
  expect_error(error_of(replace(kChildren, R"(["very_high"])", "[]")), path, 40,
               "lists.priority[0].needs",
               "expected at least one needs level name, got an empty array (leave the key out to "
               "accept any)");
  expect_error(error_of(replace(kChildren, "ase = false", "ase = 0")), path, 45,
               "lists.priority[1].ase", "expected true or false, got an integer (0)");
  expect_error(error_of(replace(kChildren, "min_age_years = 12", "min_age_years = -1")), path, 46,
               "lists.priority[1].min_age_years", "expected a number >= 0, got -1");
}

TEST_F(ScenarioFiles, TheLastPriorityLevelMustHaveNoCondition) {
  const std::string message =
      "the last priority level must have no condition: it takes every child no other level takes";
  const ScenarioError e = error_of(kChildren + "[[lists.priority]]\nname = \"P4\"\nase = true\n");
  expect_error(e, path_of("s.toml"), 56, "lists.priority[3].ase", message);
  EXPECT_EQ(e.column(), 7);
  expect_error(
      error_of(replace(kChildren, "name = \"P3\"\n", "name = \"P3\"\nmin_waited_years = 1\n")),
      path_of("s.toml"), 50, "lists.priority[2].min_waited_years", message);
  // A condition that holds for everyone is no condition.
  const Scenario s = load_scenario(write(
      "ok.toml", replace(kChildren, "name = \"P3\"\n", "name = \"P3\"\nmin_age_years = 0\n")));
  EXPECT_TRUE(s.model.lists.priority[2].unconditional());
}

TEST_F(ScenarioFiles, PriorityLevelsAreNamedDistinctAndAtMostEight) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kChildren, "name = \"P2\"", "name = \"P1\""));
  expect_error(e, path, 43, "lists.priority[1].name",
               "duplicate priority level \"P1\" (already at index 0)");
  EXPECT_EQ(e.column(), 8);
  expect_error(error_of(replace(kChildren, "name = \"P2\"\n", "")), path, 42,
               "lists.priority[1].name", "missing required key (expected a non-empty string)");
  expect_error(error_of(replace(kChildren, "name = \"P3\"", "name = \"\"")), path, 49,
               "lists.priority[2].name", "expected a non-empty string, got \"\"");
  std::string nine;
  for (int i = 0; i < 9; ++i) {
    nine += "{ name = \"L" + std::to_string(i) + "\" }" + (i < 8 ? ", " : "");
  }
  expect_error(error_of(kMini + "[lists]\npriority = [" + nine + "]\n"), path, 20, "lists.priority",
               "expected between 1 and 8 priority levels, got 9");
  expect_error(error_of(kMini + "[lists]\npriority = []\n"), path, 20, "lists.priority",
               "expected between 1 and 8 priority levels, got 0");
  expect_error(error_of(kMini + "[lists.priority]\nname = \"P1\"\n"), path, 19, "lists.priority",
               "expected an array of tables (one [[lists.priority]] per level, highest first), got "
               "a table");
}

TEST_F(ScenarioFiles, APriorityLevelMayApplyToSomeListsOnly) {
  const Scenario s = load_scenario(write(
      "s.toml", replace(kChildren, "name = \"P2\"\n", "name = \"P2\"\nservices = [\"IME\"]\n")));
  EXPECT_EQ(s.model.lists.priority[1].services, (std::vector<std::uint16_t>{0}));
  EXPECT_TRUE(s.model.lists.priority[0].services.empty());
  const std::string path = path_of("s.toml");
  expect_error(
      error_of(replace(kChildren, "name = \"P2\"\n", "name = \"P2\"\nservices = [\"IMEE\"]\n")),
      path, 44, "lists.priority[1].services[0]", "unknown service \"IMEE\"; did you mean \"IME\"?");
  expect_error(
      error_of(replace(kChildren, "name = \"P3\"\n", "name = \"P3\"\nservices = [\"IME\"]\n")),
      path, 50, "lists.priority[2].services",
      "the last priority level must have no condition: it takes every child no other level takes");
}

TEST_F(ScenarioFiles, ReviewsMayCoverSomeListsOnly) {
  const Scenario s = load_scenario(
      write("s.toml", replace(kChildren, "review_every_months = 12\n",
                              "review_every_months = 12\nreviewed_services = [\"IME\"]\n")));
  EXPECT_EQ(s.model.lists.reviewed_services, (std::vector<std::uint16_t>{0}));
  expect_error(error_of(replace(kChildren, "review_every_months = 12\n",
                                "review_every_months = 12\nreviewed_services = []\n")),
               path_of("s.toml"), 33, "lists.reviewed_services",
               "expected at least one service name, got an empty array (leave the key out to "
               "review every list)");
}

TEST_F(ScenarioFiles, APagConditionNeedsPags) {
  const ScenarioError e = error_of(replace(kChildren,
                                           "pag_after_years = 2.0\npag_interim = "
                                           "\"other_service\"\n",
                                           ""));
  expect_error(e, path_of("s.toml"), 37, "lists.priority[0].pag",
               "pag = true can never match: nobody gets a PAG unless [lists] pag_after_years is "
               "set");
  EXPECT_EQ(e.column(), 7);
  // pag = false holds for everyone while PAGs are off: allowed.
  const Scenario s =
      load_scenario(write("ok.toml", replace(replace(kChildren,
                                                     "pag_after_years = 2.0\npag_interim = "
                                                     "\"other_service\"\n",
                                                     ""),
                                             "pag = true", "pag = false")));
  EXPECT_EQ(s.model.lists.priority[0].pag, false);
}

TEST_F(ScenarioFiles, PagsAndRemovalsNeedReviews) {
  const std::string path = path_of("s.toml");
  const std::string no_reviews = replace(kChildren, "review_every_months = 12\n", "");
  const ScenarioError e = error_of(replace(no_reviews, "removal_per_review = 0.02\n", ""));
  expect_error(e, path, 32, "lists.pag_after_years",
               "pag_after_years needs review_every_months > 0: PAGs are given at list reviews, "
               "and there are none");
  EXPECT_EQ(e.column(), 19);
  expect_error(error_of(replace(kChildren, "review_every_months = 12", "review_every_months = 0")),
               path, 33, "lists.removal_per_review",
               "removal_per_review > 0 needs review_every_months > 0: children are removed at "
               "list reviews, and there are none");
  expect_error(error_of(replace(kChildren, "review_every_months = 12", "review_every_months = -1")),
               path, 32, "lists.review_every_months", "expected an integer >= 0, got -1");
  expect_error(error_of(replace(kChildren, "pag_after_years = 2.0", "pag_after_years = 0")), path,
               34, "lists.pag_after_years", "expected a number > 0, got 0");
}

TEST_F(ScenarioFiles, PagInterimIsADeclaredSituationRequiredWithPags) {
  const std::string path = path_of("s.toml");
  const ScenarioError e =
      error_of(replace(kChildren, "\"other_service\"\n\n", "\"other_servise\"\n\n"));
  expect_error(e, path, 35, "lists.pag_interim",
               "unknown interim situation \"other_servise\"; did you mean \"other_service\"?");
  EXPECT_EQ(e.column(), 15);
  const ScenarioError missing =
      error_of(replace(kChildren, "pag_interim = \"other_service\"\n", ""));
  expect_error(missing, path, 31, "lists.pag_interim",
               "missing required key (expected an interim situation name: where children with a "
               "PAG are while they wait, required with pag_after_years when [interim.NAME] "
               "situations are declared)");
  EXPECT_EQ(missing.column(), 1);
  expect_error(error_of(replace(kChildren, "pag_after_years = 2.0\n", "")), path, 34,
               "lists.pag_interim", "pag_interim is only allowed with pag_after_years");
  const std::string no_interim = replace(
      kChildren, "[interim.waiting_home]\nno_solution = true\n[interim.other_service]\n", "");
  const std::string never =
      "pag_after_years can never act: a PAG goes to a child waiting in a no-solution interim "
      "situation, and no [interim.NAME] has no_solution = true";
  expect_error(error_of(no_interim), path, 34, "lists.pag_after_years", never);
  expect_error(error_of(replace(kChildren, "no_solution = true\n", "")), path, 34,
               "lists.pag_after_years", never);
}

// ---- Modes of care, schooling, age groups and yearly plan reviews

// kMini plus IME's mode and schooling shares, a second service, every key of [modes.NAME],
// [schooling.NAME], [children] age_groups, [plans] and [[plans.steps]]; the mode and schooling
// tables are declared out of alphabetical order. Line numbers in the comment below.
const std::string kCare = kMini + R"toml(
modes = { internat = 0.31, semi_internat = 0.69 }
schooling = { internal_unit = 0.7, not_schooled = 0.3 }

[services.SESSAD]
places = [2, 3]
age_limit_years = 20
length_of_stay_years = { law = "exponential", mean = 3 }

[modes.semi_internat]
attendance = 0.8
description = "day care only"
[modes.internat]
residential = true

[schooling.not_schooled]
[schooling.internal_unit]
description = "teaching unit inside the IME"
[schooling.external_unit]
ordinary_school = true

[children]
impairments = ["intellectual", "autism"]
needs_levels = ["moderate", "high"]
age_groups = [0, 6, 14, 20]

[plans]
review_month = 9

[[plans.steps]]
name = "ime_internat_to_semi"
from = "IME"
probability = 0.05
modes = ["internat"]
schoolings = ["internal_unit"]
impairments = ["autism"]
needs = ["moderate"]
min_age_years = 6
max_age_years = 16
to_mode = "semi_internat"
to_schooling = "external_unit"
description = "toward day care and an ordinary school"
[[plans.steps]]
name = "ime_to_sessad"
from = "IME"
probability = 0.1
to = "SESSAD"
action = "orient"
[[plans.steps]]
name = "sessad_to_ime"
from = "SESSAD"
probability = 1
to = "IME"
)toml";

// services.IME.modes 20, services.IME.schooling 21, [services.SESSAD] 23,
// [modes.semi_internat] 28 (attendance 29, description 30), [modes.internat] 31 (residential 32),
// [schooling.not_schooled] 34, [schooling.internal_unit] 35 (description 36),
// [schooling.external_unit] 37 (ordinary_school 38),
// [children] 40, impairments 41, needs_levels 42, age_groups 43, [plans] 45, review_month 46,
// [[plans.steps]] 48 (name 49, from 50, probability 51, modes 52, schoolings 53, impairments 54,
// needs 55, min_age_years 56, max_age_years 57, to_mode 58, to_schooling 59, description 60),
// 61 (name 62, from 63, probability 64, to 65, action 66), 67 (name 68, from 69, probability 70,
// to 71).

TEST_F(ScenarioFiles, ModesAndSchoolingsAreNumberedAlphabeticallyWithTheirFlags) {
  const Scenario s = load_scenario(write("s.toml", kCare));
  const auto& modes = s.model.modes;
  ASSERT_EQ(modes.size(), 2u);
  EXPECT_EQ(modes[0].name, "internat");
  EXPECT_TRUE(modes[0].residential);
  EXPECT_EQ(modes[0].attendance, 1.0);
  EXPECT_EQ(modes[1].name, "semi_internat");
  EXPECT_FALSE(modes[1].residential);
  EXPECT_EQ(modes[1].attendance, 0.8);
  const auto& schoolings = s.model.schoolings;
  ASSERT_EQ(schoolings.size(), 3u);
  EXPECT_EQ(schoolings[0].name, "external_unit");
  EXPECT_TRUE(schoolings[0].ordinary_school);
  EXPECT_EQ(schoolings[1].name, "internal_unit");
  EXPECT_FALSE(schoolings[1].ordinary_school);
  EXPECT_EQ(schoolings[2].name, "not_schooled");
  EXPECT_FALSE(schoolings[2].ordinary_school);
}

TEST_F(ScenarioFiles, ServicesShareAdmissionsBetweenModesAndSchoolings) {
  const Scenario s = load_scenario(write("s.toml", kCare));
  ASSERT_EQ(s.model.services.size(), 2u);
  const model::Service& ime = s.model.services[0];
  EXPECT_EQ(ime.mode_shares, (std::vector<double>{0.31, 0.69}));
  EXPECT_EQ(ime.schooling_shares, (std::vector<double>{0.0, 0.7, 0.3}));  // external_unit left out
  const model::Service& sessad = s.model.services[1];
  EXPECT_TRUE(sessad.mode_shares.empty());
  EXPECT_TRUE(sessad.schooling_shares.empty());
}

TEST_F(ScenarioFiles, AgeGroupsAreLowerBoundsInYears) {
  const Scenario s = load_scenario(write("s.toml", kCare));
  EXPECT_EQ(s.model.children.age_groups, (std::vector<double>{0.0, 6.0, 14.0, 20.0}));
  EXPECT_EQ(s.model.children.impairments, (std::vector<std::string>{"intellectual", "autism"}));
  const Scenario fractional =
      load_scenario(write("f.toml", replace(kCare, "[0, 6, 14, 20]", "[0, 2.5]")));
  EXPECT_EQ(fractional.model.children.age_groups, (std::vector<double>{0.0, 2.5}));
  const Scenario none = load_scenario(write("n.toml", replace(kCare, "[0, 6, 14, 20]", "[]")));
  EXPECT_TRUE(none.model.children.age_groups.empty());
}

TEST_F(ScenarioFiles, PlanStepsAreReadInFileOrderWithConditionsAndEffects) {
  const Scenario s = load_scenario(write("s.toml", kCare));
  const model::Plans& plans = s.model.plans;
  EXPECT_EQ(plans.review_month, 9);
  EXPECT_TRUE(plans.has_reviews());
  ASSERT_EQ(plans.steps.size(), 3u);
  const model::PlanStep& semi = plans.steps[0];
  EXPECT_EQ(semi.name, "ime_internat_to_semi");
  EXPECT_EQ(semi.from, 0);
  EXPECT_EQ(semi.probability, 0.05);
  EXPECT_EQ(semi.modes, (std::vector<std::uint8_t>{0}));       // internat
  EXPECT_EQ(semi.schoolings, (std::vector<std::uint8_t>{1}));  // internal_unit
  EXPECT_EQ(semi.impairments, (std::vector<std::uint8_t>{1}));
  EXPECT_EQ(semi.needs, (std::vector<std::uint8_t>{0}));
  EXPECT_EQ(semi.min_age_years, 6.0);
  EXPECT_EQ(semi.max_age_years, 16.0);
  EXPECT_EQ(semi.to_mode, std::optional<std::uint8_t>{1});       // semi_internat
  EXPECT_EQ(semi.to_schooling, std::optional<std::uint8_t>{0});  // external_unit
  EXPECT_EQ(semi.target, model::kNoService);
  const model::PlanStep& orient = plans.steps[1];
  EXPECT_EQ(orient.name, "ime_to_sessad");
  EXPECT_EQ(orient.from, 0);
  EXPECT_EQ(orient.target, 1);
  EXPECT_EQ(orient.action, model::Action::kOrient);
  EXPECT_FALSE(orient.to_mode.has_value());
  EXPECT_FALSE(orient.to_schooling.has_value());
  EXPECT_TRUE(orient.modes.empty());
  EXPECT_EQ(orient.min_age_years, 0.0);
  EXPECT_EQ(orient.max_age_years, std::numeric_limits<double>::infinity());
  const model::PlanStep& move = plans.steps[2];
  EXPECT_EQ(move.from, 1);
  EXPECT_EQ(move.probability, 1.0);
  EXPECT_EQ(move.target, 0);
  EXPECT_EQ(move.action, model::Action::kMove);  // the default
}

TEST_F(ScenarioFiles, WithoutTheCareTablesThereAreNoModesSchoolingsAgeGroupsOrPlans) {
  for (const Scenario& s : {load_scenario(write("s.toml", kMini)), load_scenario(kB1)}) {
    EXPECT_TRUE(s.model.modes.empty());
    EXPECT_TRUE(s.model.schoolings.empty());
    EXPECT_TRUE(s.model.children.age_groups.empty());
    EXPECT_EQ(s.model.plans.review_month, 0);
    EXPECT_TRUE(s.model.plans.steps.empty());
    EXPECT_FALSE(s.model.plans.has_reviews());
    for (const model::Service& service : s.model.services) {
      EXPECT_TRUE(service.mode_shares.empty());
      EXPECT_TRUE(service.schooling_shares.empty());
    }
  }
  // Modes and schooling situations may be declared without any service using them, and a
  // review month without steps reviews nothing.
  const Scenario declared = load_scenario(
      write("d.toml", kMini + "[modes.internat]\n[schooling.none]\n[plans]\nreview_month = 3\n"));
  EXPECT_EQ(declared.model.modes.size(), 1u);
  EXPECT_EQ(declared.model.schoolings.size(), 1u);
  EXPECT_TRUE(declared.model.services[0].mode_shares.empty());
  EXPECT_EQ(declared.model.plans.review_month, 3);
  EXPECT_FALSE(declared.model.plans.has_reviews());
}

TEST_F(ScenarioFiles, CareTablesWorkWithExtendsAndOverrides) {
  write("base.toml", kCare);
  const Scenario s =
      load_scenario(write("top.toml",
                          "extends = \"base.toml\"\n[modes.internat]\nattendance = 0.5\n"
                          "[services.IME.modes]\ninternat = 0.5\nsemi_internat = 0.5\n"
                          "[[plans.steps]]\nname = \"only\"\nfrom = \"IME\"\nprobability = 0.2\n"
                          "to_mode = \"internat\"\n"));
  EXPECT_EQ(s.model.modes[0].attendance, 0.5);
  EXPECT_TRUE(s.model.modes[0].residential);  // [modes.internat] merged key by key
  EXPECT_EQ(s.model.services[0].mode_shares, (std::vector<double>{0.5, 0.5}));
  EXPECT_EQ(s.model.plans.review_month, 9);  // [plans] merged, the steps replaced whole
  ASSERT_EQ(s.model.plans.steps.size(), 1u);
  EXPECT_EQ(s.model.plans.steps[0].name, "only");
  const Scenario again = load_scenario(write("effective.toml", s.text));
  EXPECT_EQ(again.model.plans.steps.size(), 1u);
  EXPECT_EQ(again.model.modes[0].attendance, 0.5);
  const Scenario t = load_scenario(
      path_of("base.toml"), {"plans.review_month=3", "schooling.not_schooled.ordinary_school=true",
                             "children.age_groups=[0, 18]", "plans.steps=[]"});
  EXPECT_EQ(t.model.plans.review_month, 3);
  EXPECT_TRUE(t.model.plans.steps.empty());
  EXPECT_TRUE(t.model.schoolings[2].ordinary_school);
  EXPECT_EQ(t.model.children.age_groups, (std::vector<double>{0.0, 18.0}));
}

TEST_F(ScenarioFiles, UnknownKeysInTheCareTablesSuggestTheClosest) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(kCare + "[plan]\nreview_month = 1\n"), path, 72, "plan",
               "unknown key \"plan\"; did you mean \"plans\"?");
  expect_error(error_of(kCare + "[mode.x]\n"), path, 72, "mode",
               "unknown key \"mode\"; did you mean \"modes\"?");
  expect_error(error_of(replace(kCare, "residential =", "residental =")), path, 32,
               "modes.internat.residental",
               "unknown key \"residental\"; did you mean \"residential\"?");
  expect_error(error_of(replace(kCare, "ordinary_school =", "ordinary_schol =")), path, 38,
               "schooling.external_unit.ordinary_schol",
               "unknown key \"ordinary_schol\"; did you mean \"ordinary_school\"?");
  expect_error(error_of(replace(kCare, "review_month =", "review_months =")), path, 46,
               "plans.review_months",
               "unknown key \"review_months\"; did you mean \"review_month\"?");
  expect_error(error_of(replace(kCare, "age_groups =", "age_group =")), path, 43,
               "children.age_group", "unknown key \"age_group\"; did you mean \"age_groups\"?");
  expect_error(
      error_of(replace(kCare, "schooling = { internal_unit", "schoolings = { internal_unit")), path,
      21, "services.IME.schoolings", "unknown key \"schoolings\"; did you mean \"schooling\"?");
  const ScenarioError e = error_of(replace(kCare, "to_mode =", "to_mod ="));
  expect_error(e, path, 58, "plans.steps[0].to_mod",
               "unknown key \"to_mod\"; did you mean \"to_mode\"?");
  EXPECT_EQ(e.column(), 1);
}

TEST_F(ScenarioFiles, ModeAndSchoolingFlagsAreChecked) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kCare, "residential = true", "residential = \"yes\""));
  expect_error(e, path, 32, "modes.internat.residential",
               "expected true or false, got a string (\"yes\")");
  EXPECT_EQ(e.column(), 15);
  const std::string attendance = "expected a number in (0, 1] (the share of opening days attended)";
  expect_error(error_of(replace(kCare, "attendance = 0.8", "attendance = 0")), path, 29,
               "modes.semi_internat.attendance", attendance + ", got 0");
  expect_error(error_of(replace(kCare, "attendance = 0.8", "attendance = 1.5")), path, 29,
               "modes.semi_internat.attendance", attendance + ", got 1.5");
  expect_error(error_of(replace(kCare, "ordinary_school = true", "ordinary_school = 1")), path, 38,
               "schooling.external_unit.ordinary_school",
               "expected true or false, got an integer (1)");
  expect_error(error_of(replace(kCare, "description = \"day care only\"", "description = 3")), path,
               30, "modes.semi_internat.description", "expected a string, got an integer (3)");
  expect_error(error_of("modes = 3\n" + kMini), path, 1, "modes",
               "expected a table of [modes.NAME] tables (one per mode), got an integer (3)");
  expect_error(error_of("schooling = [\"a\"]\n" + kMini), path, 1, "schooling",
               "expected a table of [schooling.NAME] tables (one per schooling situation), got an "
               "array");
  expect_error(error_of(kMini + "[modes]\ninternat = 1\n"), path, 20, "modes.internat",
               "expected a table, got an integer (1)");
  expect_error(error_of(kCare + "[schooling.\"\"]\n"), path, 72, "schooling.\"\"",
               "expected a non-empty schooling situation name");
}

TEST_F(ScenarioFiles, AtMostSixteenModesAndSchoolingSituations) {
  const std::string path = path_of("s.toml");
  std::string modes;
  std::string schoolings;
  for (int i = 0; i < 17; ++i) {
    modes += "m" + std::to_string(i) + " = {}" + (i < 16 ? ", " : "");
    schoolings += "s" + std::to_string(i) + " = {}" + (i < 16 ? ", " : "");
  }
  expect_error(error_of("modes = { " + modes + " }\n" + kMini), path, 1, "modes",
               "expected at most 16 modes, got 17");
  expect_error(error_of("schooling = { " + schoolings + " }\n" + kMini), path, 1, "schooling",
               "expected at most 16 schooling situations, got 17");
  // Sixteen is fine.
  const Scenario s = load_scenario(
      write("ok.toml", "modes = { " + replace(modes, ", m16 = {}", "") + " }\n" + kMini));
  EXPECT_EQ(s.model.modes.size(), 16u);
}

TEST_F(ScenarioFiles, UnknownModeOrSchoolingInSharesSuggestsTheClosest) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kCare, "semi_internat = 0.69", "semi_interat = 0.69"));
  expect_error(e, path, 20, "services.IME.modes.semi_interat",
               "unknown mode \"semi_interat\"; did you mean \"semi_internat\"?");
  EXPECT_EQ(e.column(), 28);
  expect_error(error_of(replace(kCare, "not_schooled = 0.3", "home = 0.3")), path, 21,
               "services.IME.schooling.home",
               "unknown schooling situation \"home\"; schooling situations are: \"external_unit\", "
               "\"internal_unit\", \"not_schooled\"");
}

TEST_F(ScenarioFiles, ModeAndSchoolingSharesMustSumToOneInZeroOne) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kCare, "internat = 0.31, semi_internat = 0.69",
                                           "internat = 0.25, semi_internat = 0.5"));
  expect_error(e, path, 20, "services.IME.modes",
               "mode shares sum to 0.75, expected 1 (within 1e-9)");
  EXPECT_EQ(e.column(), 9);
  expect_error(error_of(replace(kCare, "not_schooled = 0.3", "not_schooled = 0.4")), path, 21,
               "services.IME.schooling", "schooling shares sum to 1.1, expected 1 (within 1e-9)");
  expect_error(error_of(replace(kCare, "internat = 0.31, semi_internat = 0.69",
                                "internat = -0.31, semi_internat = 1.31")),
               path, 20, "services.IME.modes.internat", "expected a number in [0, 1], got -0.31");
  expect_error(error_of(replace(kCare, "modes = { internat = 0.31, semi_internat = 0.69 }",
                                "modes = \"internat\"")),
               path, 20, "services.IME.modes",
               "expected a table of mode name = probability, summing to 1, got a string "
               "(\"internat\")");
  // An override that is not compensated breaks the sum.
  expect_error(error_of(kCare, {"services.IME.modes.internat=0.5"}), path, 20, "services.IME.modes",
               "mode shares sum to 1.19, expected 1 (within 1e-9)");
}

TEST_F(ScenarioFiles, ModeAndSchoolingSharesNeedDeclaredTables) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(kMini + "modes = { internat = 1 }\n");
  expect_error(e, path, 19, "services.IME.modes",
               "mode shares need modes, and none is declared (add [modes.NAME] tables)");
  EXPECT_EQ(e.column(), 9);
  expect_error(error_of(kMini + "schooling = { none = 1 }\n"), path, 19, "services.IME.schooling",
               "schooling shares need schooling situations, and none is declared (add "
               "[schooling.NAME] tables)");
}

TEST_F(ScenarioFiles, AgeGroupsStartAtZeroAndAscend) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kCare, "[0, 6, 14, 20]", "[3, 6, 14, 20]"));
  expect_error(e, path, 43, "children.age_groups[0]",
               "expected 0 (the first age group starts at birth), got 3");
  EXPECT_EQ(e.column(), 15);
  expect_error(error_of(replace(kCare, "[0, 6, 14, 20]", "[0, 6, 6, 20]")), path, 43,
               "children.age_groups[2]",
               "expected age groups strictly ascending: a number > 6, got 6");
  expect_error(error_of(replace(kCare, "[0, 6, 14, 20]", "[0, 14, 6]")), path, 43,
               "children.age_groups[2]",
               "expected age groups strictly ascending: a number > 14, got 6");
  expect_error(error_of(replace(kCare, "[0, 6, 14, 20]", "[0, 6, inf]")), path, 43,
               "children.age_groups[2]", "expected a finite number, got inf");
  expect_error(error_of(replace(kCare, "[0, 6, 14, 20]", "[0, \"6\"]")), path, 43,
               "children.age_groups[1]", "expected a number, got a string (\"6\")");
  expect_error(error_of(replace(kCare, "[0, 6, 14, 20]", "6")), path, 43, "children.age_groups",
               "expected an array of strictly ascending numbers (the lower bounds of the age "
               "groups in years, the first 0), got an integer (6)");
}

TEST_F(ScenarioFiles, PlanReviewMonthIsAMonthRequiredWithSteps) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(replace(kCare, "review_month = 9", "review_month = 0")), path, 46,
               "plans.review_month", "expected an integer in [1, 12], got 0");
  expect_error(error_of(replace(kCare, "review_month = 9", "review_month = 13")), path, 46,
               "plans.review_month", "expected an integer in [1, 12], got 13");
  expect_error(error_of(replace(kCare, "review_month = 9", "review_month = 9.0")), path, 46,
               "plans.review_month", "expected an integer in [1, 12], got a float (9.0)");
  const ScenarioError e = error_of(replace(kCare, "review_month = 9\n", ""));
  expect_error(e, path, 45, "plans.review_month",
               "missing required key (expected an integer in [1, 12]: the month of the yearly plan "
               "reviews, required with [[plans.steps]] (steps are only taken at reviews))");
  EXPECT_EQ(e.column(), 1);
  // Without a [plans] header the table is implicit: the error points at the first step.
  expect_error(error_of(replace(kCare, "[plans]\nreview_month = 9\n", "")), path, 46,
               "plans.review_month", e.message());
  expect_error(error_of(kCare, {"plans.steps=3"}), "--set plans.steps=3", 0, "plans.steps",
               "expected an array of tables (one [[plans.steps]] per step), got an integer (3)");
  expect_error(error_of("plans = 1\n" + kMini), path, 1, "plans",
               "expected a table, got an integer (1)");
}

TEST_F(ScenarioFiles, PlanStepsAreNamedDistinct) {
  const std::string path = path_of("s.toml");
  const ScenarioError e =
      error_of(replace(kCare, "name = \"ime_to_sessad\"", "name = \"ime_internat_to_semi\""));
  expect_error(e, path, 62, "plans.steps[1].name",
               "duplicate plan step \"ime_internat_to_semi\" (already at index 0)");
  EXPECT_EQ(e.column(), 8);
  expect_error(error_of(replace(kCare, "name = \"sessad_to_ime\"\n", "")), path, 67,
               "plans.steps[2].name", "missing required key (expected a non-empty string)");
  expect_error(error_of(replace(kCare, "name = \"sessad_to_ime\"", "name = \"\"")), path, 68,
               "plans.steps[2].name", "expected a non-empty string, got \"\"");
  expect_error(error_of(kMini + "[plans.steps]\nname = \"x\"\n"), path, 19, "plans.steps",
               "expected an array of tables (one [[plans.steps]] per step), got a table");
}

TEST_F(ScenarioFiles, PlanStepFromAndProbabilityAreChecked) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kCare, "from = \"SESSAD\"", "from = \"SESAD\""));
  expect_error(e, path, 69, "plans.steps[2].from",
               "unknown service \"SESAD\"; did you mean \"SESSAD\"?");
  EXPECT_EQ(e.column(), 8);
  expect_error(error_of(replace(kCare, "from = \"SESSAD\"\n", "")), path, 67, "plans.steps[2].from",
               "missing required key (expected a service name (where the step applies))");
  expect_error(error_of(replace(kCare, "probability = 1\n", "")), path, 67,
               "plans.steps[2].probability", "missing required key (expected a number in [0, 1])");
  expect_error(error_of(replace(kCare, "probability = 1\n", "probability = 1.5\n")), path, 70,
               "plans.steps[2].probability", "expected a number in [0, 1], got 1.5");
  // The steps from one service are tried in turn: their probabilities sum to at most 1.
  const ScenarioError sum = error_of(replace(kCare, "probability = 0.1\n", "probability = 0.96\n"));
  expect_error(
      sum, path, 64, "plans.steps[1].probability",
      "the probabilities of the steps from \"IME\" sum to 1.01, expected at most 1 (within "
      "1e-9)");
  EXPECT_EQ(sum.column(), 15);
  const Scenario full = load_scenario(
      write("ok.toml", replace(kCare, "probability = 0.1\n", "probability = 0.95\n")));
  EXPECT_EQ(full.model.plans.steps[1].probability, 0.95);
}

TEST_F(ScenarioFiles, PlanStepConditionsNameDeclaredCategories) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kCare, "[\"internat\"]", "[\"intenat\"]"));
  expect_error(e, path, 52, "plans.steps[0].modes[0]",
               "unknown mode \"intenat\"; did you mean \"internat\"?");
  EXPECT_EQ(e.column(), 10);
  expect_error(error_of(replace(kCare, "[\"internal_unit\"]", "[\"internal_unit\", \"class\"]")),
               path, 53, "plans.steps[0].schoolings[1]",
               "unknown schooling situation \"class\"; schooling situations are: "
               "\"external_unit\", \"internal_unit\", \"not_schooled\"");
  expect_error(error_of(replace(kCare, "[\"autism\"]", "[\"autsim\"]")), path, 54,
               "plans.steps[0].impairments[0]",
               "unknown impairment \"autsim\"; did you mean \"autism\"?");
  expect_error(error_of(replace(kCare, "[\"moderate\"]", "[\"moderate\", \"moderate\"]")), path, 55,
               "plans.steps[0].needs[1]", "duplicate needs level \"moderate\"");
  expect_error(error_of(replace(kCare, "[\"internat\"]", "[]")), path, 52, "plans.steps[0].modes",
               "expected at least one mode name, got an empty array (leave the key out to accept "
               "any)");
  expect_error(error_of(replace(kCare, "min_age_years = 6", "min_age_years = -1")), path, 56,
               "plans.steps[0].min_age_years", "expected a number >= 0, got -1");
  expect_error(error_of(replace(kCare, "max_age_years = 16", "max_age_years = 6")), path, 57,
               "plans.steps[0].max_age_years",
               "expected a number > 6 (greater than min_age_years), got 6");
}

TEST_F(ScenarioFiles, PlanStepModesAndSchoolingNeedAServiceThatRecordsThem) {
  const std::string path = path_of("s.toml");
  // SESSAD has no `modes` nor `schooling` shares.
  const std::string sessad = replace(kCare, "probability = 1\n", "probability = 1\nFIELD\n");
  const ScenarioError e = error_of(replace(sessad, "FIELD", "modes = [\"internat\"]"));
  expect_error(e, path, 71, "plans.steps[2].modes",
               "expected a from service that records modes: \"SESSAD\" has no "
               "services.SESSAD.modes shares, so its children have no mode to test or change");
  EXPECT_EQ(e.column(), 9);
  expect_error(error_of(replace(sessad, "FIELD", "to_mode = \"internat\"")), path, 71,
               "plans.steps[2].to_mode",
               "expected a from service that records modes: \"SESSAD\" has no "
               "services.SESSAD.modes shares, so its children have no mode to test or change");
  const std::string schooling =
      "expected a from service that records schooling: \"SESSAD\" has no "
      "services.SESSAD.schooling shares, so its children have no schooling to test or change";
  expect_error(error_of(replace(sessad, "FIELD", "schoolings = [\"not_schooled\"]")), path, 71,
               "plans.steps[2].schoolings", schooling);
  expect_error(error_of(replace(sessad, "FIELD", "to_schooling = \"external_unit\"")), path, 71,
               "plans.steps[2].to_schooling", schooling);
}

TEST_F(ScenarioFiles, PlanStepEffectsAreChecked) {
  const std::string path = path_of("s.toml");
  const ScenarioError none = error_of(replace(kCare, "to = \"IME\"\n", ""));
  expect_error(none, path, 67, "plans.steps[2]",
               "expected at least one effect (to_mode, to_schooling or to), got none: the step "
               "would change nothing");
  EXPECT_EQ(none.column(), 1);
  expect_error(error_of(replace(kCare, "to_mode = \"semi_internat\"", "to_mode = \"semi\"")), path,
               58, "plans.steps[0].to_mode",
               "unknown mode \"semi\"; accepted: \"internat\", \"semi_internat\"");
  expect_error(error_of(replace(kCare, "to_schooling = \"external_unit\"",
                                "to_schooling = \"extrenal_unit\"")),
               path, 59, "plans.steps[0].to_schooling",
               "unknown schooling situation \"extrenal_unit\"; did you mean \"external_unit\"?");
  expect_error(error_of(replace(kCare, "to = \"IME\"", "to = \"IMEE\"")), path, 71,
               "plans.steps[2].to", "unknown service \"IMEE\"; did you mean \"IME\"?");
  expect_error(error_of(replace(kCare, "to = \"IME\"", "to = \"SESSAD\"")), path, 71,
               "plans.steps[2].to",
               "expected a service other than \"SESSAD\" (from): a step re-orients a child to "
               "another service");
  expect_error(error_of(replace(kCare, "action = \"orient\"", "action = \"leave\"")), path, 66,
               "plans.steps[1].action", "unknown action \"leave\"; accepted: \"move\", \"orient\"");
  expect_error(error_of(replace(kCare, "description = \"toward day care and an ordinary school\"",
                                "action = \"move\"")),
               path, 60, "plans.steps[0].action",
               "action is only allowed with to (it says how the child re-oriented there waits)");
}

TEST_F(ScenarioFiles, WaitingInSchoolIsACalibrationMeasure) {
  const Scenario s = load_scenario(write("s.toml", with_target("", "\"waiting_in_school\"")));
  ASSERT_EQ(s.model.calibration.size(), 1u);
  EXPECT_EQ(s.model.calibration[0].measure, model::CalibrationTarget::Measure::kWaitingInSchool);
}

// ---- Funding: payers, services' money and [[funding.rules]]

// kMini plus a second service, two payers (declared out of alphabetical order), both services'
// money, a schooling with days at school, and three rules. Line numbers in the comment below.
const std::string kFunding = kMini + R"toml(
[services.IME.money]
euros_per_place_year = 39000
fixed_share = 0.8
payers = { assurance_maladie = 1.0 }
opening_days = 210
absence_share = 0.05
bill_absences = 0.0
bill_school_days = 0.5

[services.SESSAD]
places = [2, 3]
length_of_stay_years = { law = "exponential", mean = 3 }
money = { euros_per_place_year = 15000, payers = { assurance_maladie = 0.75, departement = 0.25 } }

[payers.departement]
[payers.assurance_maladie]
description = "ONDAM médico-social"

[schooling.external_unit]
ordinary_school = true
school_day_share = 0.4

[funding]
cost_growth_per_year = 0.015

[[funding.rules]]
name = "ime_price"
rule = "daily_price"
services = ["IME"]
forecast_occupancy = 0.95

[[funding.rules]]
name = "allocation"
rule = "global_allocation"
from = 2026-01-01
growth_per_year = 0.01

[[funding.rules]]
name = "sessad_per_child"
rule = "capitation"
services = ["SESSAD"]
from = 2025-03-01
euros_per_child_year = 9000
)toml";

// [services.IME.money] 20 (payers 23, absence_share 25), [services.SESSAD] 29 (money 32),
// [payers.departement] 34, [payers.assurance_maladie] 35, school_day_share 40, [funding] 42
// (cost_growth_per_year 43), [[funding.rules]] 45 (name 46, rule 47, services 48,
// forecast_occupancy 49), 51 (name 52, rule 53, from 54, growth_per_year 55), 57 (name 58,
// rule 59, services 60, from 61, euros_per_child_year 62).

TEST_F(ScenarioFiles, PayersServicesMoneyAndFundingRulesAreRead) {
  const Scenario s = load_scenario(write("s.toml", kFunding));
  const funding::Scheme& f = s.funding;
  ASSERT_EQ(f.payers.size(), 2u);  // byte-wise alphabetical, as services
  EXPECT_EQ(f.payers[0].name, "assurance_maladie");
  EXPECT_EQ(f.payers[0].description, "ONDAM médico-social");
  EXPECT_EQ(f.payers[1].name, "departement");
  EXPECT_EQ(f.payers[1].description, "");
  EXPECT_EQ(f.cost_growth, 0.015);

  ASSERT_EQ(f.services.size(), 2u);
  const funding::ServiceMoney& ime = f.services[0];
  EXPECT_EQ(ime.euros_per_place_year, 39000.0);
  EXPECT_EQ(ime.fixed_share, 0.8);
  EXPECT_EQ(ime.payer_split, (std::vector<double>{1.0, 0.0}));  // departement left out: 0
  EXPECT_EQ(ime.opening_days, 210.0);
  EXPECT_EQ(ime.absence_share, 0.05);
  EXPECT_EQ(ime.bill_absences, 0.0);
  EXPECT_EQ(ime.bill_school_days, 0.5);
  const funding::ServiceMoney& sessad = f.services[1];
  EXPECT_EQ(sessad.euros_per_place_year, 15000.0);
  EXPECT_EQ(sessad.fixed_share, 1.0);
  EXPECT_EQ(sessad.payer_split, (std::vector<double>{0.75, 0.25}));
  EXPECT_EQ(sessad.opening_days, 365.25);

  ASSERT_EQ(f.assignments.size(), 3u);
  const funding::Assignment& price = f.assignments[0];
  EXPECT_EQ(price.name, "ime_price");
  EXPECT_EQ(price.rule, funding::Rule::kDailyPrice);
  EXPECT_EQ(price.services, (std::vector<model::ServiceId>{0}));
  EXPECT_TRUE(price.providers.empty());
  EXPECT_TRUE(price.organisations.empty());
  EXPECT_EQ(price.from_period, 0);                // no from: the start
  EXPECT_FALSE(price.euros_per_day.has_value());  // computed from the costs
  EXPECT_EQ(price.forecast_occupancy, 0.95);
  EXPECT_EQ(price.floor_occupancy, 0.0);  // no floor unless asked
  EXPECT_FALSE(price.counterfactual);
  const funding::Assignment& allocation = f.assignments[1];
  EXPECT_EQ(allocation.rule, funding::Rule::kGlobalAllocation);
  EXPECT_TRUE(allocation.services.empty());  // every service
  EXPECT_EQ(allocation.from_period, 1);
  EXPECT_EQ(allocation.growth_per_year, 0.01);
  const funding::Assignment& capitation = f.assignments[2];
  EXPECT_EQ(capitation.rule, funding::Rule::kCapitation);
  EXPECT_EQ(capitation.euros_per_child_year, 9000.0);
  EXPECT_EQ(capitation.from_period, 1);    // 2025-03-01: the first year starting after it
  EXPECT_TRUE(capitation.counterfactual);  // no French payer funds places per child

  ASSERT_EQ(s.model.schoolings.size(), 1u);
  EXPECT_EQ(s.model.schoolings[0].school_day_share, 0.4);
}

TEST_F(ScenarioFiles, ARuleAppliesFromThePeriodThatStartsOnOrAfterItsDate) {
  const std::string path = write("s.toml", kFunding);
  const auto from = [&](const std::string& date, int periods_per_year) {
    const Scenario s =
        load_scenario(path, {"funding.rules=[{ name = \"r\", rule = \"capitation\", "
                             "euros_per_child_year = 1, from = " +
                                 date + " }]",
                             "scenario.periods_per_year=" + std::to_string(periods_per_year)});
    return s.funding.assignments.at(0).from_period;
  };
  EXPECT_EQ(from("2025-01-01", 1), 0);
  EXPECT_EQ(from("2025-01-02", 1), 1);
  EXPECT_EQ(from("2026-01-01", 1), 1);
  EXPECT_EQ(from("2025-01-01", 12), 0);
  EXPECT_EQ(from("2025-03-01", 12), 2);  // months start on the 1st: March is month 2
  EXPECT_EQ(from("2025-03-02", 12), 3);
  EXPECT_EQ(from("2026-12-01", 12), 23);  // the last month
}

TEST_F(ScenarioFiles, AChildScenarioReplacesTheRulesWholeAndMergesTheMoney) {
  write("base.toml", kFunding);
  const Scenario s = load_scenario(write("top.toml", R"toml(extends = "base.toml"
[services.SESSAD.money.payers]
assurance_maladie = 0.5
departement = 0.5
[[funding.rules]]
name = "allocation_only"
rule = "global_allocation"
)toml"));
  ASSERT_EQ(s.funding.assignments.size(), 1u);
  EXPECT_EQ(s.funding.assignments[0].name, "allocation_only");
  EXPECT_EQ(s.funding.services[1].payer_split, (std::vector<double>{0.5, 0.5}));
  EXPECT_EQ(s.funding.services[1].euros_per_place_year, 15000.0);  // the base's, merged
}

TEST_F(ScenarioFiles, FundingRulesAreChecked) {
  const std::string path = path_of("s.toml");
  const auto rule_error = [&](const std::string& from, const std::string& to) {
    return error_of(replace(kFunding, from, to));
  };
  expect_error(rule_error("forecast_occupancy = 0.95", "growth_per_year = 0.95"), path, 49,
               "funding.rules[0].growth_per_year",
               "growth_per_year is for global_allocation, pooled_allocation and performance "
               "rules only; this rule is \"daily_price\"");
  expect_error(rule_error("\ngrowth_per_year = 0.01", "\neuros_per_day = 100"), path, 55,
               "funding.rules[1].euros_per_day",
               "euros_per_day is for daily_price rules only; this rule is \"global_allocation\"");
  expect_error(rule_error("rule = \"daily_price\"", "rule = \"daily_prize\""), path, 47,
               "funding.rules[0].rule",
               "unknown funding rule \"daily_prize\"; did you mean \"daily_price\"?");
  expect_error(rule_error("name = \"allocation\"", "name = \"ime_price\""), path, 52,
               "funding.rules[1].name",
               "duplicate rule name \"ime_price\" (already funding.rules[0])");
  expect_error(rule_error("name = \"ime_price\"\n", ""), path, 45, "funding.rules[0].name",
               "missing required key (expected a non-empty string)");
  expect_error(rule_error("name = \"ime_price\"", "name = \"\""), path, 46, "funding.rules[0].name",
               "expected a non-empty string, got \"\"");
  expect_error(rule_error("services = [\"IME\"]", "services = [\"IEM\"]"), path, 48,
               "funding.rules[0].services[0]", "unknown service \"IEM\"; did you mean \"IME\"?");
  expect_error(rule_error("services = [\"IME\"]", "services = []"), path, 48,
               "funding.rules[0].services",
               "expected at least one service name, got an empty array (leave the key out to "
               "select providers of every service)");
  expect_error(rule_error("services = [\"IME\"]", "providers = [\"IME A1\"]"), path, 48,
               "funding.rules[0].providers",
               "providers need declared providers, and there are none (add a [providers] "
               "file)");
  expect_error(rule_error("services = [\"IME\"]", "organisations = [\"Assoc X\"]"), path, 48,
               "funding.rules[0].organisations",
               "organisations need declared providers, and there are none (add a [providers] "
               "file with an organisation column)");
  expect_error(rule_error("euros_per_child_year = 9000\n", ""), path, 57,
               "funding.rules[2].euros_per_child_year",
               "missing required key (expected a number >= 0)");
  expect_error(rule_error("forecast_occupancy = 0.95", "euros_per_day = 0"), path, 49,
               "funding.rules[0].euros_per_day", "expected a number > 0, got 0");
  expect_error(rule_error("forecast_occupancy = 0.95", "forecast_occupancy = 1.2"), path, 49,
               "funding.rules[0].forecast_occupancy", "expected a number in (0, 1], got 1.2");
  expect_error(rule_error("forecast_occupancy = 0.95", "floor_occupancy = 1.5"), path, 49,
               "funding.rules[0].floor_occupancy", "expected a number in [0, 1], got 1.5");
  expect_error(rule_error("\ngrowth_per_year = 0.01", "\ngrowth_per_year = -1"), path, 55,
               "funding.rules[1].growth_per_year", "expected a number > -1, got -1");
  expect_error(rule_error("cost_growth_per_year = 0.015", "cost_growth_per_year = -1.5"), path, 43,
               "funding.cost_growth_per_year", "expected a number > -1, got -1.5");
  expect_error(rule_error("rule = \"capitation\"", "rule = \"capitation\"\nwhen = 2026-01-01"),
               path, 60, "funding.rules[2].when",
               "unknown key \"when\"; accepted keys: \"name\", \"rule\", \"services\", "
               "\"providers\", \"organisations\", \"from\", \"euros_per_day\", "
               "\"forecast_occupancy\", \"floor_occupancy\", \"bill_absences\", "
               "\"bill_school_days\", \"growth_per_year\", \"euros_per_child_year\", "
               "\"term_years\", \"modulation\", \"at_stake\", \"targets\", \"base_rate\", "
               "\"mode_coefficients\", \"needs_coefficients\" and 8 more");
  expect_error(error_of(kMini + "\n[funding.rules]\nname = \"x\"\n"), path, 20, "funding.rules",
               "expected an array of tables (one [[funding.rules]] entry per rule), got a table");
}

// kFunding plus the rules of issue 4's second half (CPOM, performance contract, needs-based
// allocation, impact bond), an investor, modes and needs levels. Line numbers below.
const std::string kContracts = kFunding + R"toml(
[[funding.rules]]
name = "cpom"
rule = "pooled_allocation"
from = 2026-01-01
term_years = 5
growth_per_year = 0.005
modulation = { measure = "occupancy", objective = 0.9, a = 0.5 }

[[funding.rules]]
name = "contract"
rule = "performance"
growth_per_year = 0.01
at_stake = 0.05
targets = [{ indicator = "occupancy", target = 0.95, weight = 2, cap = 1.1 },
           { indicator = "waiting", target = 0.5 }]

[[funding.rules]]
name = "serafin"
rule = "needs_based"
from = 2026-01-01
base_rate = 50000
mode_coefficients = { internat = 1.4 }
needs_coefficients = { high = 1.5 }
reference_opening_days = 210
complementary_per_place = 1000
transport_per_child = 2500
modulation = { measure = "followed", objective = 1.2, a = 0.3 }

[[funding.rules]]
name = "bond"
rule = "impact_bond"
services = ["SESSAD"]
term_years = 2
investor = "investor"
repaid_by = "departement"
outcome = "inclusion"
outcome_target = 0.3
premium = 0.04

[payers.investor]
description = "a social investor"

[modes.internat]
residential = true
[modes.externat]

[children]
needs_levels = ["moderate", "high"]
)toml";

// [[funding.rules]] 64 (term_years 68, growth_per_year 69, modulation 70), 72 (at_stake 76,
// targets 77), 80 (base_rate 84, mode_coefficients 85, needs_coefficients 86, modulation 90),
// 92 (term_years 96, investor 97, repaid_by 98, outcome 99, outcome_target 100, premium 101).

TEST_F(ScenarioFiles, ContractRulesAndTheirKeysAreRead) {
  const Scenario s = load_scenario(
      write("s.toml", kContracts),
      {"services.IME.money.care_hours_per_day=5.5", "services.IME.money.staff_per_place=0.7",
       "services.IME.money.staff_hours_per_year=1500", "services.IME.money.active_share=0.85"});
  const funding::Scheme& f = s.funding;
  ASSERT_EQ(f.payers.size(), 3u);
  EXPECT_EQ(f.payers[2].name, "investor");
  const funding::ServiceMoney& ime = f.services[0];
  EXPECT_EQ(ime.care_hours_per_day, 5.5);
  EXPECT_EQ(ime.staff_per_place, 0.7);
  EXPECT_EQ(ime.staff_hours_per_year, 1500.0);
  EXPECT_EQ(ime.active_share, 0.85);
  const funding::ServiceMoney& sessad = f.services[1];  // the defaults
  EXPECT_EQ(sessad.care_hours_per_day, 6.0);
  EXPECT_EQ(sessad.staff_per_place, 0.5);
  EXPECT_EQ(sessad.staff_hours_per_year, 1607.0);
  EXPECT_EQ(sessad.active_share, 1.0);

  ASSERT_EQ(f.assignments.size(), 7u);
  const funding::Assignment& cpom = f.assignments[3];
  EXPECT_EQ(cpom.rule, funding::Rule::kPooledAllocation);
  EXPECT_EQ(cpom.from_period, 1);
  EXPECT_EQ(cpom.term_years, 5);
  EXPECT_EQ(cpom.growth_per_year, 0.005);
  EXPECT_EQ(cpom.modulation.measure, funding::ActivityMeasure::kOccupancy);
  EXPECT_EQ(cpom.modulation.objective, 0.9);
  EXPECT_EQ(cpom.modulation.a, 0.5);
  EXPECT_FALSE(cpom.counterfactual);
  const funding::Assignment& contract = f.assignments[4];
  EXPECT_EQ(contract.rule, funding::Rule::kPerformance);
  EXPECT_EQ(contract.growth_per_year, 0.01);
  EXPECT_EQ(contract.at_stake, 0.05);
  ASSERT_EQ(contract.targets.size(), 2u);
  EXPECT_EQ(contract.targets[0].indicator, funding::Indicator::kOccupancy);
  EXPECT_EQ(contract.targets[0].target, 0.95);
  EXPECT_EQ(contract.targets[0].weight, 2.0);
  EXPECT_EQ(contract.targets[0].cap, 1.1);
  EXPECT_EQ(contract.targets[1].indicator, funding::Indicator::kWaiting);
  EXPECT_EQ(contract.targets[1].weight, 1.0);  // defaults
  EXPECT_EQ(contract.targets[1].cap, 1.0);
  const funding::Assignment& serafin = f.assignments[5];
  EXPECT_EQ(serafin.rule, funding::Rule::kNeedsBased);
  EXPECT_EQ(serafin.base_rate, 50000.0);
  // Modes sort by name: externat, internat; needs levels keep their order. Left out: 1.
  EXPECT_EQ(serafin.mode_coefficients, (std::vector<double>{1.0, 1.4}));
  EXPECT_EQ(serafin.needs_coefficients, (std::vector<double>{1.0, 1.5}));
  EXPECT_EQ(serafin.reference_opening_days, 210.0);
  EXPECT_EQ(serafin.complementary_per_place, 1000.0);
  EXPECT_EQ(serafin.transport_per_child, 2500.0);
  EXPECT_EQ(serafin.modulation.measure, funding::ActivityMeasure::kFollowed);
  EXPECT_EQ(serafin.modulation.objective, 1.2);
  EXPECT_EQ(serafin.modulation.a, 0.3);
  EXPECT_FALSE(serafin.counterfactual);
  const funding::Assignment& bond = f.assignments[6];
  EXPECT_EQ(bond.rule, funding::Rule::kImpactBond);
  EXPECT_EQ(bond.term_years, 2);
  EXPECT_EQ(bond.investor, 2);
  EXPECT_EQ(bond.repaid_by, 1);
  EXPECT_EQ(bond.outcome, funding::Indicator::kInclusion);
  EXPECT_EQ(bond.outcome_target, 0.3);
  EXPECT_EQ(bond.premium, 0.04);
  EXPECT_TRUE(bond.counterfactual);  // no French payer funds places so
}

TEST_F(ScenarioFiles, ContractRulesAreChecked) {
  const std::string path = path_of("s.toml");
  const auto rule_error = [&](const std::string& from, const std::string& to) {
    return error_of(replace(kContracts, from, to));
  };
  expect_error(rule_error("objective = 0.9, a = 0.5", "objective = 0.9, a = 0.6"), path, 70,
               "funding.rules[3].modulation.a",
               "expected a number in [0, 0.5] (the share of a shortfall cut; R.314-43-2 caps it "
               "at 0.5), got 0.6");
  expect_error(rule_error("term_years = 5", "term_years = 9"), path, 68,
               "funding.rules[3].term_years", "expected an integer in [1, 7], got 9");
  expect_error(rule_error("measure = \"occupancy\"", "measure = \"days\""), path, 70,
               "funding.rules[3].modulation.measure",
               "unknown activity measure \"days\"; accepted: \"occupancy\", \"followed\", "
               "\"services\"");
  expect_error(rule_error("objective = 0.9, a = 0.5", "a = 0.5"), path, 70,
               "funding.rules[3].modulation.objective",
               "missing required key (expected a number > 0 (the occupancy to reach, a share))");
  expect_error(rule_error("at_stake = 0.05",
                          "at_stake = 0.05\nmodulation = { a = 0.1, "
                          "objective = 1 }"),
               path, 77, "funding.rules[4].modulation",
               "modulation is for pooled_allocation and needs_based rules only; this rule is "
               "\"performance\"");
  expect_error(rule_error("term_years = 5", "at_stake = 0.1"), path, 68,
               "funding.rules[3].at_stake",
               "at_stake is for performance rules only; this rule is \"pooled_allocation\"");
  expect_error(rule_error("indicator = \"waiting\"", "indicator = \"wating\""), path, 78,
               "funding.rules[4].targets[1].indicator",
               "unknown indicator \"wating\"; did you mean \"waiting\"?");
  expect_error(rule_error("at_stake = 0.05\n", ""), path, 72, "funding.rules[4].at_stake",
               "missing required key (expected a number in [0, 1] (the share of the allocation "
               "paid on the indicators))");
  expect_error(rule_error("weight = 2, cap = 1.1", "weight = 2, cap = 0.9"), path, 77,
               "funding.rules[4].targets[0].cap",
               "expected a number >= 1 (the most an achievement counts: above 1, a bonus), got "
               "0.9");
  expect_error(
      rule_error("mode_coefficients = { internat = 1.4 }", "mode_coefficients = { internt = 1.4 }"),
      path, 85, "funding.rules[5].mode_coefficients.internt",
      "unknown mode \"internt\"; did you mean \"internat\"?");
  expect_error(
      rule_error("needs_coefficients = { high = 1.5 }", "needs_coefficients = { high = 0 }"), path,
      86, "funding.rules[5].needs_coefficients.high", "expected a number > 0, got 0");
  expect_error(rule_error("base_rate = 50000\n", ""), path, 80, "funding.rules[5].base_rate",
               "missing required key (expected a number >= 0 (euros a place a year))");
  expect_error(rule_error("investor = \"investor\"", "investor = \"investr\""), path, 97,
               "funding.rules[6].investor",
               "unknown payer \"investr\"; did you mean \"investor\"?");
  expect_error(rule_error("repaid_by = \"departement\"", "repaid_by = \"investor\""), path, 98,
               "funding.rules[6].repaid_by",
               "expected a payer other than the investor \"investor\"");
  expect_error(rule_error("outcome = \"inclusion\"", "outcome = \"inclusoin\""), path, 99,
               "funding.rules[6].outcome",
               "unknown indicator \"inclusoin\"; did you mean \"inclusion\"?");
  expect_error(rule_error("premium = 0.04", "premium = -0.04"), path, 101,
               "funding.rules[6].premium",
               "expected a number >= 0 (the investor's return on success, a share of what it "
               "paid), got -0.04");
  expect_error(rule_error("bill_school_days = 0.5", "bill_school_days = 0.5\nactive_share = 1.5"),
               path, 28, "services.IME.money.active_share",
               "expected a number in (0, 1] (the share of working time spent with users), got "
               "1.5");
}

TEST_F(ScenarioFiles, ARuleStartsOnAPeriodOfTheRun) {
  const std::string path = path_of("s.toml");
  const auto from_error = [&](const std::string& to) {
    return error_of(replace(kFunding, "from = 2026-01-01", to));
  };
  expect_error(from_error("from = 2024-12-31"), path, 54, "funding.rules[1].from",
               "expected a date on or after scenario.start_date (2025-01-01), got 2024-12-31");
  expect_error(from_error("from = 2030-01-01"), path, 54, "funding.rules[1].from",
               "2030-01-01 is after the run's end (2027-01-01): the rule would never apply");
  expect_error(from_error("from = 2026-06-01"), path, 54, "funding.rules[1].from",
               "2026-06-01 is after the start of the run's last period (2026-01-01): the rule "
               "would never apply");
  expect_error(from_error("from = 2027-01-01"), path, 54, "funding.rules[1].from",
               "2027-01-01 is after the start of the run's last period (2026-01-01): the rule "
               "would never apply");
  expect_error(from_error("from = \"2026-01-01\""), path, 54, "funding.rules[1].from",
               "expected a local date such as 2027-01-01, got a string (\"2026-01-01\")");
}

TEST_F(ScenarioFiles, ARuleThatMayPayAServiceNeedsItsPayers) {
  const std::string path = path_of("s.toml");
  // The IME's daily price comes from its cost (39000 a place): someone must pay it.
  expect_error(error_of(replace(kFunding, "payers = { assurance_maladie = 1.0 }\n", "")), path, 47,
               "funding.rules[0].services",  // a line less
               "service \"IME\" has no payers ([services.IME.money] payers), and this rule may pay "
               "its places");
  // The allocation selects every service: the error is at the rule.
  expect_error(
      error_of(replace(kFunding,
                       "money = { euros_per_place_year = 15000, payers = { assurance_maladie = "
                       "0.75, departement = 0.25 } }",
                       "money = { euros_per_place_year = 15000 }")),
      path, 51, "funding.rules[1]",
      "service \"SESSAD\" has no payers ([services.SESSAD.money] payers), and this rule may pay "
      "its places");
  // A rule that can only pay 0 needs no payers: an allocation or computed price of places that
  // cost nothing, a capitation of 0.
  const Scenario s = load_scenario(
      write("free.toml", kMini + "\n[[funding.rules]]\nname = \"a\"\nrule = \"global_allocation\"\n"
                                 "[[funding.rules]]\nname = \"p\"\nrule = \"daily_price\"\n"
                                 "[[funding.rules]]\nname = \"c\"\nrule = \"capitation\"\n"
                                 "euros_per_child_year = 0\n"));
  EXPECT_EQ(s.funding.assignments.size(), 3u);
  // A fixed daily price always may pay.
  expect_error(error_of(kMini + "\n[[funding.rules]]\nname = \"p\"\nrule = \"daily_price\"\n"
                                "euros_per_day = 100\n"),
               path, 20, "funding.rules[0]",
               "service \"IME\" has no payers ([services.IME.money] payers), and this rule may pay "
               "its places");
}

TEST_F(ScenarioFiles, ServicesMoneyIsChecked) {
  const std::string path = path_of("s.toml");
  expect_error(error_of(replace(kFunding, "payers = { assurance_maladie = 1.0 }",
                                "payers = { assurance_maladei = 1.0 }")),
               path, 23, "services.IME.money.payers.assurance_maladei",
               "unknown payer \"assurance_maladei\"; did you mean \"assurance_maladie\"?");
  expect_error(error_of(replace(kFunding, "departement = 0.25", "departement = 0.2")), path, 32,
               "services.SESSAD.money.payers",
               "payer shares sum to 0.95, expected 1 (within 1e-9)");
  expect_error(error_of(replace(kFunding, "fixed_share = 0.8", "fixed_shares = 0.8")), path, 22,
               "services.IME.money.fixed_shares",
               "unknown key \"fixed_shares\"; did you mean \"fixed_share\"?");
  expect_error(error_of(replace(kFunding, "fixed_share = 0.8", "fixed_share = 1.8")), path, 22,
               "services.IME.money.fixed_share",
               "expected a number in [0, 1] (the share of the cost that does not vary with "
               "occupancy), got 1.8");
  expect_error(error_of(replace(kFunding, "opening_days = 210", "opening_days = 400")), path, 24,
               "services.IME.money.opening_days",
               "expected a number in (0, 366] (days a year a place is open), got 400");
  expect_error(error_of(replace(kFunding, "absence_share = 0.05", "absence_share = 1")), path, 25,
               "services.IME.money.absence_share",
               "expected a number in [0, 1) (the share of days in the establishment the child is "
               "absent), got 1");
  expect_error(
      error_of(replace(kFunding, "euros_per_place_year = 39000", "euros_per_place_year = -1")),
      path, 21, "services.IME.money.euros_per_place_year", "expected a number >= 0, got -1");
  expect_error(error_of(kMini + "money = { payers = { assurance_maladie = 1.0 } }\n"), path, 19,
               "services.IME.money.payers",
               "payer shares need payers, and none is declared (add [payers.NAME] tables)");
  expect_error(error_of(kFunding + "[payers.etat]\ndesciption = \"x\"\n"), path, 64,
               "payers.etat.desciption",
               "unknown key \"desciption\"; did you mean \"description\"?");
  expect_error(error_of(replace(kFunding, "school_day_share = 0.4", "school_day_share = 1.5")),
               path, 40, "schooling.external_unit.school_day_share",
               "expected a number in [0, 1] (the share of attended days spent at school), got 1.5");
}

// ---- Overrides

TEST(ScenarioOverrides, B1WithADeadBranchPointsAtTheOverride) {
  try {
    (void)load_scenario(
        kB1, {R"(services.IME.on_age_limit=[{probability=1.0, action="move", to="SESSAD"}])"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(),
              R"(--set services.IME.on_age_limit=[{probability=1.0, action="move", to="SESSAD"}])");
    EXPECT_EQ(e.key(), "services.IME.on_age_limit[0].to");
  }
}

TEST(ScenarioOverrides, ErrorOnAnOverriddenValueNamesTheOverride) {
  try {
    (void)load_scenario(kB1, {"services.IME.places_total=-5"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "--set services.IME.places_total=-5: services.IME.places_total: expected an "
                 "integer >= 0, got -5");
    EXPECT_EQ(e.line(), 0);
  }
}

TEST(ScenarioOverrides, PlainStringFallbackIsTypeChecked) {
  try {
    (void)load_scenario(kB1, {"scenario.horizon_years=abc"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "--set scenario.horizon_years=abc: scenario.horizon_years: expected an integer "
                 "in [1, 1000], got a string (\"abc\")");
  }
}

TEST(ScenarioOverrides, MalformedOverrideIsAnError) {
  for (const std::string bad : {"services.IME.places_total", "=5", " = 5"}) {
    try {
      (void)load_scenario(kB1, {bad});
      FAIL() << bad;
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.file(), "--set " + bad);
      EXPECT_EQ(e.message(),
                "malformed override: expected KEY=VALUE with a dotted key, e.g. "
                "services.IME.places_total=60000");
    }
  }
  try {
    (void)load_scenario(kB1, {"services.IME places=5"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.message().rfind(
                  "malformed override: \"services.IME places\" is not a dotted TOML key", 0),
              0u)
        << e.what();
  }
}

TEST(ScenarioOverrides, UnknownKeyFromAnOverrideNamesTheOverride) {
  try {
    (void)load_scenario(kB1, {"services.IME.palces_total=5"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "--set services.IME.palces_total=5: services.IME.palces_total: unknown key "
                 "\"palces_total\"; did you mean \"places_total\"?");
  }
}

// ---- Providers and who holds the lists

// Lines 15-17: IME (no places: its providers give them); 19-21: SESSAD; 29-30: [providers].
const std::string kProviderMini = R"(# line 1
[scenario]
name = "mini"
start_date = 2025-01-01
horizon_years = 2

[territories]
codes = ["A", "B"]

[arrivals]
rate_per_year = 10
age_years = { law = "uniform", min = 3, max = 16 }
orientation = { IME = 1.0 }

[services.IME]
age_limit_years = 20
length_of_stay_years = { law = "exponential", mean = 5 }

[services.SESSAD]
places = [1, 2]
length_of_stay_years = { law = "exponential", mean = 5 }

[children]
impairments = ["intellectual", "autism", "motor"]

[abroad.BE]
senders = ["A"]

[providers]
file = "data/providers.csv"
)";

const std::string kProviders =
    "name,territory,service,places,impairments,organisation\n"
    "IME A1,A,IME,10,intellectual;autism,Assoc X\n"
    "IME A2,A,IME,5,,\n"
    "IME B1,B,IME,7,motor,Assoc X\n"
    "IME BE,BE,IME,3,autism,Wallonie\n";

class Providers : public TerritoryTables {
 protected:
  // The scenario (kProviderMini unless given) with `providers` as data/providers.csv.
  Scenario load(const std::string& providers = kProviders,
                const std::string& scenario = kProviderMini) {
    write("data/providers.csv", providers);
    return load_scenario(write("s.toml", scenario));
  }

  ScenarioError providers_error(const std::string& providers,
                                const std::string& scenario = kProviderMini) {
    write("data/providers.csv", providers);
    return error_of(scenario);
  }

  // The error for one more row after kProviders (line 6 of the file).
  ScenarioError row_error(const std::string& row) { return providers_error(kProviders + row); }

  std::string providers_csv() const { return csv("data/providers.csv"); }
};

TEST_F(Providers, ProvidersAreReadInFileOrder) {
  const Scenario s = load();
  const std::vector<model::Provider>& p = s.model.providers;
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].name, "IME A1");
  EXPECT_EQ(p[0].territory, 0);
  EXPECT_EQ(p[0].service, 0);
  EXPECT_EQ(p[0].places, 10);
  EXPECT_EQ(p[2].name, "IME B1");
  EXPECT_EQ(p[2].territory, 1);
  EXPECT_EQ(p[2].places, 7);
  EXPECT_EQ(p[3].territory, 2);  // an abroad territory: home ones first
  EXPECT_EQ(p[3].places, 3);
}

TEST_F(Providers, AServiceWithProvidersHasTheSumOfTheirPlacesInEveryTerritory) {
  const Scenario s = load(kProviders + "IME A3,A,IME,0,,\n");
  ASSERT_EQ(s.model.services.size(), 2u);
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{15, 7, 3}));
  // Without providers, SESSAD keeps its places, and abroad has none.
  EXPECT_EQ(s.model.services[1].capacity, (std::vector<std::int64_t>{1, 2, 0}));
}

TEST_F(Providers, TerritoriesWithoutAProviderHaveNoPlaces) {
  const Scenario s = load(
      "name,territory,service,places,impairments,organisation\n"
      "only,B,IME,4,,\n");
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{0, 4, 0}));
}

TEST_F(Providers, OrganisationsAreNumberedByFirstAppearanceAndDefaultToTheProviderName) {
  const Scenario s = load();
  const std::vector<model::Organisation>& o = s.model.organisations;
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0].name, "Assoc X");
  EXPECT_EQ(o[1].name, "IME A2");  // empty: its own organisation, named after it
  EXPECT_EQ(o[2].name, "Wallonie");
  const std::vector<model::Provider>& p = s.model.providers;
  EXPECT_EQ(p[0].organisation, 0);
  EXPECT_EQ(p[1].organisation, 1);
  EXPECT_EQ(p[2].organisation, 0);
  EXPECT_EQ(p[3].organisation, 2);
}

TEST_F(Providers, ImpairmentsAreABitMaskInChildrenOrder) {
  const Scenario s = load();
  const std::vector<model::Provider>& p = s.model.providers;
  EXPECT_EQ(p[0].impairments, 0b011);  // intellectual, autism
  EXPECT_EQ(p[2].impairments, 0b100);  // motor
  EXPECT_EQ(p[3].impairments, 0b010);  // autism
  EXPECT_TRUE(p[0].admits(1));
  EXPECT_FALSE(p[0].admits(2));
}

TEST_F(Providers, AnEmptyImpairmentsCellAdmitsAnyChild) {
  const model::Provider p = load().model.providers[1];
  EXPECT_EQ(p.impairments, model::Provider::kAnyImpairment);
  for (std::uint8_t i = 0; i < model::Attributes::kMaxImpairments; ++i) {
    EXPECT_TRUE(p.admits(i));
  }
}

TEST_F(Providers, ColumnsMayComeInAnyOrderWithOthersIgnored) {
  const Scenario s = load(
      "organisation,places,note,impairments,service,territory,name\n"
      "O,2,\"a note, quoted\",autism;intellectual,IME,B,first\n");
  ASSERT_EQ(s.model.providers.size(), 1u);
  EXPECT_EQ(s.model.providers[0].name, "first");
  EXPECT_EQ(s.model.providers[0].impairments, 0b011);
  EXPECT_EQ(s.model.organisations[0].name, "O");
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{0, 2, 0}));
}

TEST_F(Providers, WithoutProvidersTheModelHasNoneAndListsArePooled) {
  const Scenario s = load_scenario(write("s.toml", kMini));
  EXPECT_TRUE(s.model.providers.empty());
  EXPECT_TRUE(s.model.organisations.empty());
  EXPECT_FALSE(s.model.lists.per_provider);
  EXPECT_EQ(s.model.lists.applications, 1);
}

TEST_F(Providers, TheFileIsRelativeToTheScenarioThatNamesItAndRecordedAbsolute) {
  write("base/data/providers.csv", kProviders);
  write("base/base.toml", kProviderMini);
  const Scenario s =
      load_scenario(write("other/top.toml", "extends = \"../base/base.toml\"\n[run]\nseed = 4\n"));
  EXPECT_EQ(s.model.providers.size(), 4u);
  EXPECT_NE(s.text.find("file = '" + csv("base/data/providers.csv") + "'"), std::string::npos)
      << s.text;
  const Scenario again = load_scenario(write("elsewhere/effective.toml", s.text));
  EXPECT_EQ(again.model.services[0].capacity, s.model.services[0].capacity);
}

TEST_F(Providers, ListsPerProviderWithApplicationsAreRead) {
  const Scenario s = load(kProviders, kProviderMini + "[lists]\nper = \"provider\"\n");
  EXPECT_TRUE(s.model.lists.per_provider);
  EXPECT_EQ(s.model.lists.applications, 1);
  const Scenario three =
      load(kProviders, kProviderMini + "[lists]\nper = \"provider\"\napplications = 3\n");
  EXPECT_EQ(three.model.lists.applications, 3);
  const Scenario pooled = load(kProviders, kProviderMini + "[lists]\nper = \"territory\"\n");
  EXPECT_FALSE(pooled.model.lists.per_provider);
}

TEST_F(Providers, AMissingFileIsAnErrorAtTheKeyThatNamesIt) {
  const ScenarioError e = error_of(replace(kProviderMini, "data/providers.csv", "data/nope.csv"));
  expect_error(e, path_of("s.toml"), 30, "providers.file",
               "cannot read \"data/nope.csv\" (resolved to " + csv("data/nope.csv") +
                   "): No such file or directory");
  EXPECT_EQ(e.column(), 8);
  expect_error(error_of(replace(kProviderMini, "file = \"data/providers.csv\"", "")),
               path_of("s.toml"), 29, "providers.file",
               "missing required key (expected a string: the path of a CSV file of providers)");
  expect_error(error_of(kProviderMini + "files = \"x.csv\"\n"), path_of("s.toml"), 31,
               "providers.files", "unknown key \"files\"; did you mean \"file\"?");
}

TEST_F(Providers, AMissingColumnIsAnErrorAtTheHeaderLine) {
  const ScenarioError e = providers_error(
      "name,territory,service,places,impairments,organization\n"
      "IME A1,A,IME,10,,\n");
  expect_error(e, providers_csv(), 1, "organisation",
               "missing column (providers.file needs it); did you mean \"organization\"?");
  EXPECT_EQ(e.column(), 1);
  expect_error(providers_error("name,territory,service,impairments,organisation\n"),
               providers_csv(), 1, "places",
               "missing column (providers.file needs it); the header has: \"name\", "
               "\"territory\", \"service\", \"impairments\", \"organisation\"");
}

TEST_F(Providers, AnUnknownTerritoryIsAnErrorAtItsCellWithASuggestion) {
  const ScenarioError e = row_error("IME b,b,IME,1,,\n");
  expect_error(e, providers_csv(), 6, "territory",
               "unknown territory code \"b\"; did you mean \"B\"?");
  EXPECT_EQ(e.column(), 7);
  expect_error(row_error("IME Z,XYZ,IME,1,,\n"), providers_csv(), 6, "territory",
               "unknown territory code \"XYZ\"; territory codes are: \"A\", \"B\", \"BE\"");
}

TEST_F(Providers, AnUnknownServiceIsAnErrorAtItsCellWithASuggestion) {
  const ScenarioError e = row_error("IEM A,A,IEM,1,,\n");
  expect_error(e, providers_csv(), 6, "service", "unknown service \"IEM\"; did you mean \"IME\"?");
  EXPECT_EQ(e.column(), 9);
}

TEST_F(Providers, PlacesAreAnIntegerAtLeastZero) {
  const ScenarioError negative = row_error("IME A3,A,IME,-3,,\n");
  expect_error(negative, providers_csv(), 6, "places",
               "expected an integer >= 0 (a number of places), got \"-3\"");
  EXPECT_EQ(negative.column(), 14);
  expect_error(row_error("IME A3,A,IME,2.5,,\n"), providers_csv(), 6, "places",
               "expected an integer >= 0 (a number of places), got \"2.5\"");
  expect_error(row_error("IME A3,A,IME,ten,,\n"), providers_csv(), 6, "places",
               "expected an integer >= 0 (a number of places), got \"ten\"");
  expect_error(row_error("IME A3,A,IME,,,\n"), providers_csv(), 6, "places",
               "expected an integer >= 0 (a number of places), got \"\"");
  expect_error(row_error("IME A3,A,IME, 4,,\n"), providers_csv(), 6, "places",
               "expected an integer >= 0 (a number of places), got \" 4\"");
}

TEST_F(Providers, AnImpairmentNamedLikeAnAuthorisationWordIsAnErrorBeforeTheRun) {
  // Line 24: [children] impairments.
  const std::string any = replace(kProviderMini, "\"motor\"]", "\"any\"]");
  write("data/providers.csv",
        "name,territory,service,places,impairments,organisation\n"
        "IME A1,A,IME,10,,\n");
  expect_error(error_of(any), path_of("s.toml"), 24, "children.impairments",
               "impairment \"any\" cannot be used with [providers]: an authorisation is written "
               "as impairment names joined by \";\", or \"any\" or \"none\"");
}

TEST_F(Providers, AnUnknownImpairmentIsAnErrorAtItsCellWithASuggestion) {
  const ScenarioError e = row_error("IME A3,A,IME,1,intellectual;autsim,\n");
  expect_error(e, providers_csv(), 6, "impairments",
               "unknown impairment \"autsim\"; did you mean \"autism\"?");
  EXPECT_EQ(e.column(), 16);
  expect_error(row_error("IME A3,A,IME,1,vision,\n"), providers_csv(), 6, "impairments",
               "unknown impairment \"vision\"; impairments are: \"intellectual\", \"autism\", "
               "\"motor\"");
  expect_error(row_error("IME A3,A,IME,1,autism;,\n"), providers_csv(), 6, "impairments",
               "expected impairment names separated by \";\" (or nothing: any impairment), got "
               "an empty name in \"autism;\"");
  expect_error(row_error("IME A3,A,IME,1,autism;motor;autism,\n"), providers_csv(), 6,
               "impairments", "duplicate impairment \"autism\" in \"autism;motor;autism\"");
}

TEST_F(Providers, ProviderNamesAreNonEmptyAndUnique) {
  const ScenarioError e = row_error("IME B1,A,IME,1,,\n");
  expect_error(e, providers_csv(), 6, "name",
               "duplicate provider name \"IME B1\" (already on line 4)");
  EXPECT_EQ(e.column(), 1);
  expect_error(row_error(",A,IME,1,,\n"), providers_csv(), 6, "name",
               "expected a non-empty provider name, got \"\"");
}

TEST_F(Providers, AServiceGetsItsPlacesFromProvidersOrFromItsPlacesKeysNotBoth) {
  const std::string sessad_row = "SESSAD A,A,SESSAD,4,,\n";
  const std::string both = " has providers in " + csv("data/providers.csv") +
                           " (first on line 6): give its places in the providers file or in ";
  const ScenarioError places = row_error(sessad_row);
  expect_error(places, path_of("s.toml"), 20, "services.SESSAD.places",
               "service \"SESSAD\"" + both + "services.SESSAD.places, not both");
  EXPECT_EQ(places.column(), 10);
  expect_error(providers_error(kProviders + sessad_row,
                               replace(kProviderMini, "places = [1, 2]", "places_total = 3")),
               path_of("s.toml"), 20, "services.SESSAD.places_total",
               "service \"SESSAD\"" + both + "services.SESSAD.places_total, not both");
  expect_error(providers_error(kProviders, replace(kProviderMini, "age_limit_years = 20",
                                                   "age_limit_years = 20\nplaces_min = 1")),
               path_of("s.toml"), 17, "services.IME.places_min",
               "service \"IME\" has providers in " + csv("data/providers.csv") +
                   " (first on line 2): give its places in the providers file or in "
                   "services.IME.places_total (with places_min), not both");
}

TEST_F(Providers, AnAbroadPlaceOfAServiceWithProvidersIsGivenTwice) {
  const ScenarioError e =
      providers_error(kProviders, replace(kProviderMini, "senders = [\"A\"]",
                                          "senders = [\"A\"]\nplaces = { SESSAD = 1, IME = 2 }"));
  expect_error(e, path_of("s.toml"), 28, "abroad.BE.places.IME",
               "service \"IME\" has providers in " + csv("data/providers.csv") +
                   " (first on line 2): give its places in the providers file or in "
                   "abroad.BE.places, not both (a provider's territory may be \"BE\")");
  EXPECT_EQ(e.column(), 24);
  // A service without providers still takes its abroad places from there.
  const Scenario s = load(kProviders, replace(kProviderMini, "senders = [\"A\"]",
                                              "senders = [\"A\"]\nplaces = { SESSAD = 1 }"));
  EXPECT_EQ(s.model.services[1].capacity, (std::vector<std::int64_t>{1, 2, 1}));
}

TEST_F(Providers, AServiceWithoutProvidersStillNeedsPlaces) {
  expect_error(providers_error(kProviders, replace(kProviderMini, "places = [1, 2]\n", "")),
               path_of("s.toml"), 19, "services.SESSAD.places",
               "missing required key (expected either places (an array of integers >= 0, one per "
               "home territory, or a table of territory code = integer >= 0) or places_total (an "
               "integer >= 0))");
}

TEST_F(Providers, ListsPerIsTerritoryOrProvider) {
  const ScenarioError e =
      providers_error(kProviders, kProviderMini + "[lists]\nper = \"providers\"\n");
  expect_error(e, path_of("s.toml"), 32, "lists.per",
               "unknown value \"providers\"; did you mean \"provider\"?");
  EXPECT_EQ(e.column(), 7);
  expect_error(providers_error(kProviders, kProviderMini + "[lists]\nper = \"departement\"\n"),
               path_of("s.toml"), 32, "lists.per",
               "unknown value \"departement\"; accepted: \"territory\", \"provider\"");
  expect_error(providers_error(kProviders, kProviderMini + "[lists]\nper = true\n"),
               path_of("s.toml"), 32, "lists.per", "expected a string, got a boolean (true)");
}

TEST_F(Providers, ApplicationsAreAtLeastOneAndNeedListsPerProvider) {
  const ScenarioError zero = providers_error(
      kProviders, kProviderMini + "[lists]\nper = \"provider\"\napplications = 0\n");
  expect_error(zero, path_of("s.toml"), 33, "lists.applications",
               "expected an integer >= 1, got 0");
  EXPECT_EQ(zero.column(), 16);
  expect_error(providers_error(kProviders,
                               kProviderMini + "[lists]\nper = \"provider\"\napplications = 2.0\n"),
               path_of("s.toml"), 33, "lists.applications",
               "expected an integer >= 1, got a float (2.0)");
  const std::string only =
      "applications is only allowed with per = \"provider\" (pooled lists: a child waits on one "
      "list per service)";
  expect_error(providers_error(kProviders, kProviderMini + "[lists]\napplications = 2\n"),
               path_of("s.toml"), 32, "lists.applications", only);
  expect_error(providers_error(kProviders,
                               kProviderMini + "[lists]\nper = \"territory\"\napplications = 2\n"),
               path_of("s.toml"), 33, "lists.applications", only);
}

// Rules may select declared providers by name and by organisation; implicit providers (those of
// services without declared ones) have no organisation.
TEST_F(Providers, RulesSelectProvidersAndOrganisationsByName) {
  const std::string funded = kProviderMini + R"toml(
[payers.assurance_maladie]

[services.IME.money]
payers = { assurance_maladie = 1.0 }

[[funding.rules]]
name = "cpom"
rule = "capitation"
organisations = ["Wallonie", "Assoc X"]
euros_per_child_year = 100

[[funding.rules]]
name = "two"
rule = "daily_price"
providers = ["IME BE", "IME A2"]
euros_per_day = 150
)toml";
  // SESSAD has no payers, but no rule selects its (implicit) providers: organisations and
  // providers only select declared ones.
  const Scenario s = load(kProviders, funded);
  ASSERT_EQ(s.funding.assignments.size(), 2u);
  EXPECT_EQ(s.funding.assignments[0].organisations,
            (std::vector<model::OrganisationId>{2, 0}));  // Assoc X, IME A2, Wallonie
  EXPECT_EQ(s.funding.assignments[1].providers, (std::vector<model::ProviderId>{3, 1}));

  const std::string path = path_of("s.toml");
  const auto error = [&](const std::string& from, const std::string& to) {
    return providers_error(kProviders, replace(funded, from, to));
  };
  // kProviderMini's 30 lines, then the funding lines from 32.
  expect_error(error("\"IME BE\", \"IME A2\"", "\"IME BE\", \"IME A11\""), path, 46,
               "funding.rules[1].providers[1]",
               "unknown provider \"IME A11\"; did you mean \"IME A1\"?");
  expect_error(error("\"IME BE\", \"IME A2\"", "\"IME BE\", \"IME BE\""), path, 46,
               "funding.rules[1].providers[1]", "duplicate provider \"IME BE\"");
  expect_error(error("\"Wallonie\", \"Assoc X\"", "\"Assoc Y\""), path, 40,
               "funding.rules[0].organisations[0]",
               "unknown organisation \"Assoc Y\"; did you mean \"Assoc X\"?");
  expect_error(error("payers = { assurance_maladie = 1.0 }\n", ""), path, 36, "funding.rules[0]",
               "service \"IME\" has no payers ([services.IME.money] payers), and this rule may pay "
               "its places");
}

// ---- MDPH notifications and double orientation

// A second service, to be IME's alternative.
const std::string kSessad = R"(
[services.SESSAD]
places = [2, 3]
age_limit_years = 20
length_of_stay_years = { law = "exponential", mean = 3 }
)";

// IME (0) with SESSAD (1) as its alternative, and expiring orientations. Lines: alternative 19,
// alternative_share 20, [services.SESSAD] 22, [notifications] 27, validity_years 28,
// renewal_share 29.
const std::string kDouble = kMini + "alternative = \"SESSAD\"\nalternative_share = 0.3\n" +
                            kSessad +
                            "\n[notifications]\nvalidity_years = 5\nrenewal_share = 0.95\n";

TEST_F(ScenarioFiles, NotificationsAndAlternativesAreRead) {
  const Scenario s = load_scenario(write("s.toml", kDouble));
  ASSERT_EQ(s.model.services.size(), 2u);
  const model::Service& ime = s.model.services[0];
  const model::Service& sessad = s.model.services[1];
  EXPECT_EQ(ime.alternative, 1);
  EXPECT_EQ(ime.alternative_share, 0.3);
  EXPECT_EQ(sessad.alternative, model::kNoService);
  EXPECT_EQ(sessad.alternative_share, 0.0);
  EXPECT_TRUE(s.model.notifications.expire());
  EXPECT_EQ(s.model.notifications.validity_years, 5.0);
  EXPECT_EQ(s.model.notifications.renewal_share, 0.95);
}

TEST_F(ScenarioFiles, WithoutThemThereIsNoAlternativeAndOrientationsNeverExpire) {
  for (const Scenario& s : {load_scenario(write("s.toml", kMini + kSessad)), load_scenario(kB1)}) {
    for (const model::Service& service : s.model.services) {
      EXPECT_EQ(service.alternative, model::kNoService) << service.name;
      EXPECT_EQ(service.alternative_share, 0.0) << service.name;
    }
    EXPECT_FALSE(s.model.notifications.expire());
    EXPECT_EQ(s.model.notifications.validity_years, std::numeric_limits<double>::infinity());
    EXPECT_EQ(s.model.notifications.renewal_share, 1.0);
  }
}

TEST_F(ScenarioFiles, AnAlternativeWithoutAShareIsOnlyTakenAtPags) {
  const Scenario s =
      load_scenario(write("s.toml", replace(kDouble, "alternative_share = 0.3\n", "")));
  EXPECT_EQ(s.model.services[0].alternative, 1);
  EXPECT_EQ(s.model.services[0].alternative_share, 0.0);
}

TEST_F(ScenarioFiles, ValidityWithoutARenewalShareRenewsEveryOrientation) {
  const Scenario s = load_scenario(write("s.toml", replace(kDouble, "renewal_share = 0.95\n", "")));
  EXPECT_EQ(s.model.notifications.validity_years, 5.0);
  EXPECT_EQ(s.model.notifications.renewal_share, 1.0);
}

TEST_F(ScenarioFiles, OverridesSetNotificationsAndAlternatives) {
  const Scenario s =
      load_scenario(write("s.toml", kMini + kSessad),
                    {"notifications.validity_years=5", "services.IME.alternative=SESSAD",
                     "services.IME.alternative_share=0.2"});
  EXPECT_EQ(s.model.notifications.validity_years, 5.0);
  EXPECT_EQ(s.model.notifications.renewal_share, 1.0);
  EXPECT_EQ(s.model.services[0].alternative, 1);
  EXPECT_EQ(s.model.services[0].alternative_share, 0.2);
  const Scenario again = load_scenario(write("effective.toml", s.text));
  EXPECT_EQ(again.model.notifications.validity_years, 5.0);
  EXPECT_EQ(again.model.services[0].alternative, 1);
  EXPECT_EQ(again.model.services[0].alternative_share, 0.2);
}

TEST_F(ScenarioFiles, NotificationsAndAlternativesMergeUnderExtendsAndOverrides) {
  write("base.toml", kDouble);
  const Scenario s =
      load_scenario(write("top.toml",
                          "extends = \"base.toml\"\n[services.IME]\nalternative_share = 0.5\n"
                          "[notifications]\nrenewal_share = 0.8\n"),
                    {"notifications.validity_years=3"});
  EXPECT_EQ(s.model.services[0].alternative, 1);  // from the base
  EXPECT_EQ(s.model.services[0].alternative_share, 0.5);
  EXPECT_EQ(s.model.notifications.validity_years, 3.0);
  EXPECT_EQ(s.model.notifications.renewal_share, 0.8);
}

TEST_F(ScenarioFiles, AnUnknownAlternativeSuggestsTheClosestService) {
  const ScenarioError e = error_of(replace(kDouble, "\"SESSAD\"\n", "\"SESAD\"\n"));
  expect_error(e, path_of("s.toml"), 19, "services.IME.alternative",
               "unknown service \"SESAD\"; did you mean \"SESSAD\"?");
  EXPECT_EQ(e.column(), 15);
}

TEST_F(ScenarioFiles, AServiceIsNotItsOwnAlternative) {
  const ScenarioError e = error_of(replace(kDouble, "\"SESSAD\"\n", "\"IME\"\n"));
  expect_error(e, path_of("s.toml"), 19, "services.IME.alternative",
               "expected a service other than \"IME\" itself: a child waiting for a place here "
               "holds a place of its alternative meanwhile");
  EXPECT_EQ(e.column(), 15);
}

TEST_F(ScenarioFiles, AlternativeShareIsInZeroOne) {
  const ScenarioError e = error_of(replace(kDouble, "= 0.3", "= 1.5"));
  expect_error(e, path_of("s.toml"), 20, "services.IME.alternative_share",
               "expected a number in [0, 1], got 1.5");
  EXPECT_EQ(e.column(), 21);
  expect_error(error_of(replace(kDouble, "= 0.3", "= -0.1")), path_of("s.toml"), 20,
               "services.IME.alternative_share", "expected a number in [0, 1], got -0.1");
}

TEST_F(ScenarioFiles, AlternativeShareNeedsAnAlternative) {
  const ScenarioError e = error_of(replace(kDouble, "alternative = \"SESSAD\"\n", ""));
  expect_error(e, path_of("s.toml"), 19, "services.IME.alternative_share",
               "alternative_share is only allowed with alternative (the service a child waiting "
               "here may take meanwhile)");
  EXPECT_EQ(e.column(), 21);
}

TEST_F(ScenarioFiles, ValidityIsPositive) {
  const ScenarioError e = error_of(replace(kDouble, "validity_years = 5", "validity_years = 0"));
  expect_error(e, path_of("s.toml"), 28, "notifications.validity_years",
               "expected a number > 0, got 0");
  EXPECT_EQ(e.column(), 18);
  expect_error(error_of(replace(kDouble, "validity_years = 5", "validity_years = -2.5")),
               path_of("s.toml"), 28, "notifications.validity_years",
               "expected a number > 0, got -2.5");
}

TEST_F(ScenarioFiles, ValidityIsANumber) {
  expect_error(error_of(replace(kDouble, "validity_years = 5", "validity_years = \"5\"")),
               path_of("s.toml"), 28, "notifications.validity_years",
               "expected a number > 0, got a string (\"5\")");
  expect_error(error_of(replace(kDouble, "validity_years = 5", "validity_years = inf")),
               path_of("s.toml"), 28, "notifications.validity_years",
               "expected a finite number, got inf");
}

TEST_F(ScenarioFiles, RenewalShareIsInZeroOne) {
  const ScenarioError e = error_of(replace(kDouble, "renewal_share = 0.95", "renewal_share = 1.2"));
  expect_error(e, path_of("s.toml"), 29, "notifications.renewal_share",
               "expected a number in [0, 1], got 1.2");
  EXPECT_EQ(e.column(), 17);
}

TEST_F(ScenarioFiles, RenewalShareNeedsValidity) {
  const ScenarioError e = error_of(replace(kDouble, "validity_years = 5\n", ""));
  expect_error(e, path_of("s.toml"), 28, "notifications.renewal_share",
               "renewal_share needs validity_years: orientations are renewed when they expire, "
               "and without validity_years they never do");
  EXPECT_EQ(e.column(), 17);
}

TEST_F(ScenarioFiles, UnknownKeysInNotificationsSuggestTheClosest) {
  const std::string path = path_of("s.toml");
  const ScenarioError e = error_of(replace(kDouble, "validity_years =", "validity_year ="));
  expect_error(e, path, 28, "notifications.validity_year",
               "unknown key \"validity_year\"; did you mean \"validity_years\"?");
  EXPECT_EQ(e.column(), 1);
  expect_error(error_of(replace(kDouble, "renewal_share =", "renewal_rate =")), path, 29,
               "notifications.renewal_rate",
               "unknown key \"renewal_rate\"; accepted keys: \"validity_years\", "
               "\"renewal_share\"");
  expect_error(error_of(replace(kDouble, "[notifications]", "[notification]")), path, 27,
               "notification", "unknown key \"notification\"; did you mean \"notifications\"?");
  expect_error(error_of(replace(kDouble, "alternative_share =", "alternative_shares =")), path, 20,
               "services.IME.alternative_shares",
               "unknown key \"alternative_shares\"; did you mean \"alternative_share\"?");
}

TEST_F(ScenarioFiles, NotificationsIsATable) {
  const ScenarioError e = error_of(replace(kMini, "# line 1\n", "notifications = 5\n"));
  expect_error(e, path_of("s.toml"), 1, "notifications", "expected a table, got an integer (5)");
  EXPECT_EQ(e.column(), 17);
}

TEST(ScenarioOverrides, ErrorsOnNotificationsAndAlternativesNameTheOverride) {
  try {
    (void)load_scenario(kB1, {"notifications.validity_years=0"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "--set notifications.validity_years=0: notifications.validity_years: expected a "
                 "number > 0, got 0");
  }
  try {
    (void)load_scenario(kB1, {"services.IME.alternative_share=0.2"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "--set services.IME.alternative_share=0.2: services.IME.alternative_share: "
                 "alternative_share is only allowed with alternative (the service a child "
                 "waiting here may take meanwhile)");
  }
  try {
    (void)load_scenario(kB1, {"services.IME.alternative=SESAD"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "--set services.IME.alternative=SESAD: services.IME.alternative: unknown "
                 "service \"SESAD\"; did you mean \"SESSAD\"?");
  }
}

// ---- Providers' responses: [behaviour] and a daily price's own billing (model rule 28)

TEST_F(ScenarioFiles, BehaviourDefaultsAreTheDocumentedAssumptions) {
  const Scenario s = load_scenario(write("s.toml", kMini));
  const model::Behaviour& b = s.model.behaviour;
  EXPECT_EQ(b.step_down, 0.5);
  EXPECT_EQ(b.care, 0.5);
  EXPECT_EQ(b.max_factor, 3.0);
  EXPECT_EQ(b.vacancy_days, 30.0);
  EXPECT_EQ(b.creton_release, 0.2);
  EXPECT_EQ(b.selection_days, 180.0);
  EXPECT_EQ(b.mode_costs, 1.0);
  EXPECT_TRUE(s.model.incentives.empty());  // no funding rule: nothing to respond to
}

TEST_F(ScenarioFiles, BehaviourIsReadAndChecked) {
  const std::string text = kMini +
                           "\n[behaviour]\nstep_down = 1.5\ncare = 0\nmax_factor = 2\n"
                           "vacancy_days = 10\ncreton_release = 0.4\nselection_days = 0\n"
                           "mode_costs = 0.25\n";
  const Scenario s = load_scenario(write("s.toml", text));
  const model::Behaviour& b = s.model.behaviour;
  EXPECT_EQ(b.step_down, 1.5);
  EXPECT_EQ(b.care, 0.0);
  EXPECT_EQ(b.max_factor, 2.0);
  EXPECT_EQ(b.vacancy_days, 10.0);
  EXPECT_EQ(b.creton_release, 0.4);
  EXPECT_EQ(b.selection_days, 0.0);
  EXPECT_EQ(b.mode_costs, 0.25);
  const std::string path = path_of("s.toml");
  // [behaviour] is line 20; its keys 21 to 26.
  expect_error(error_of(replace(text, "vacancy_days = 10", "vacancy_day = 10")), path, 24,
               "behaviour.vacancy_day",
               "unknown key \"vacancy_day\"; did you mean \"vacancy_days\"?");
  expect_error(error_of(replace(text, "creton_release = 0.4", "creton_release = -0.4")), path, 25,
               "behaviour.creton_release", "expected a number >= 0, got -0.4");
  expect_error(error_of(replace(text, "max_factor = 2", "max_factor = 0.5")), path, 23,
               "behaviour.max_factor", "expected a number >= 1, got 0.5");
  expect_error(error_of(replace(text, "mode_costs = 0.25", "mode_costs = 1.5")), path, 27,
               "behaviour.mode_costs", "expected a number in [0, 1], got 1.5");
}

TEST_F(ScenarioFiles, ADailyPriceMayBillSchoolDaysAndAbsencesItsOwnWay) {
  const std::string text =
      replace(kFunding, "forecast_occupancy = 0.95",
              "forecast_occupancy = 0.95\nbill_school_days = 0\nbill_absences = 0.25");
  const Scenario s = load_scenario(write("s.toml", text));
  EXPECT_EQ(s.funding.assignments[0].bill_school_days, 0.0);
  EXPECT_EQ(s.funding.assignments[0].bill_absences, 0.25);
  EXPECT_FALSE(load_scenario(write("s.toml", kFunding)).funding.assignments[0].bill_school_days);
  expect_error(error_of(replace(kFunding, "\ngrowth_per_year = 0.01", "\nbill_school_days = 0")),
               path_of("s.toml"), 55, "funding.rules[1].bill_school_days",
               "bill_school_days is for daily_price and modulated_price rules only; this rule is "
               "\"global_allocation\"");
  expect_error(error_of(replace(text, "bill_school_days = 0\n", "bill_school_days = 2\n")),
               path_of("s.toml"), 50, "funding.rules[0].bill_school_days",
               "expected a number in [0, 1], got 2");
}

TEST_F(ScenarioFiles, TheIncentivesOfTheRulesInForceAreComputedForTheRun) {
  // kFunding: IME under ime_price (a computed daily price) in 2025, then under the allocation
  // that selects every unit from 2026; SESSAD under sessad_per_child from its second period.
  const Scenario s = load_scenario(write("s.toml", kFunding));
  const model::Incentives& inc = s.model.incentives;
  ASSERT_FALSE(inc.empty());
  EXPECT_EQ(inc.periods, 2);
  EXPECT_EQ(inc.regimes, 4);                                         // three rules and "no rule"
  const std::size_t ime = inc.unit_of(model::kNoProvider, 0, 0, 0);  // territory 0, IME
  EXPECT_EQ(inc.regime_of(0, ime), 0);
  EXPECT_EQ(inc.regime_of(1, ime), 1);
  // An empty IME place-day loses a place-day's cost under the computed price, none under the
  // allocation: what the providers' responses act on from 2026.
  EXPECT_NEAR(inc.vacancy[inc.table(0, 0)], 1.0, 1e-6);
  EXPECT_EQ(inc.vacancy[inc.table(1, 0)], 0.0F);
}

}  // namespace
}  // namespace parcours::io
