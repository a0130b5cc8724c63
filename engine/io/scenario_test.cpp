#include "engine/io/scenario.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

[[maybe_unused]] std::string replace(std::string text, const std::string& from, const std::string& to) {
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
  ASSERT_EQ(s.funding.daily_price.size(), 3u);
  EXPECT_EQ(s.funding.daily_price[0].per_day.value, 0.0);  // no [funding.ADULT]
  EXPECT_EQ(s.funding.daily_price[1].per_day.value, 210.0);
  EXPECT_EQ(s.funding.daily_price[2].per_day.value, 85.0);
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
  EXPECT_EQ(s.funding.daily_price.size(), 1u);
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

TEST_F(ScenarioFiles, OverridesChangeValuesAfterExtends) {
  write("base.toml", kMini);
  const std::string top = write("top.toml", "extends = \"base.toml\"\n[run]\nseed = 5\n");
  const Scenario s = load_scenario(
      top, {"run.seed=9", "scenario.name=plain text", "services.IME.places = [3, 4]",
            "funding.IME.rule=daily_price", "funding.IME.euros_per_day=100"});
  EXPECT_EQ(s.seed, 9u);
  EXPECT_EQ(s.name, "plain text");
  EXPECT_EQ(s.model.services[0].capacity, (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(s.funding.daily_price[0].per_day.value, 100.0);
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

}  // namespace
}  // namespace parcours::io
