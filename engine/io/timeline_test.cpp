// [[timeline]] and [[funding.envelopes]]: conversions, creations and closures of places spread
// over territories and providers in steps, changes of inflow, regional envelopes; and one clear
// line for each bad entry.
#include "engine/io/scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

namespace parcours::io {
namespace {

namespace fs = std::filesystem;

// Two home territories in two regions; IME (declared providers: three in A, one in B) and SESSAD
// (places by territory); money for both, paid by Assurance maladie.
const std::string kBase = R"(# line 1
[scenario]
name = "timeline"
start_date = 2025-01-01
horizon_years = 4

[territories]
codes = ["A", "B"]
regions = ["North", "South"]

[providers]
file = "providers.csv"

[arrivals]
rate_per_year = 10
age_years = { law = "uniform", min = 3, max = 16 }
orientation = { IME = 0.5, SESSAD = 0.5 }

[services.IME]
age_limit_years = 20
length_of_stay_years = { law = "exponential", mean = 5 }

[services.SESSAD]
places = [10, 0]
age_limit_years = 20
length_of_stay_years = { law = "exponential", mean = 3 }

[payers.assurance_maladie]

[services.IME.money]
euros_per_place_year = 40000
payers = { assurance_maladie = 1.0 }

[services.SESSAD.money]
euros_per_place_year = 16000
payers = { assurance_maladie = 1.0 }
)";

const std::string kProviders = R"(name,territory,service,places,impairments,organisation
IME-A1,A,IME,30,,ORG-1
IME-A2,A,IME,10,,ORG-2
IME-A3,A,IME,0,,ORG-2
IME-B1,B,IME,20,,ORG-1
)";

class Timeline : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / (std::string("parcours_timeline_") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "providers.csv") << kProviders;
  }

  void TearDown() override { fs::remove_all(dir_); }

  Scenario load(const std::string& extra, const std::vector<std::string>& overrides = {}) {
    const fs::path path = dir_ / "s.toml";
    std::ofstream(path) << kBase << extra;
    return load_scenario(path, overrides);
  }

  std::string error_of(const std::string& extra) {
    try {
      (void)load(extra);
    } catch (const ScenarioError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no error for:\n" << extra;
    return "";
  }

  fs::path dir_;
};

std::int64_t sum_of(const std::vector<model::CapacityChange>& changes, model::ServiceId s) {
  std::int64_t sum = 0;
  for (const auto& c : changes) {
    sum += c.service == s ? c.delta : 0;
  }
  return sum;
}

TEST_F(Timeline, AConversionSpreadsOverTerritoriesAndProvidersByPlacesInYearlySteps) {
  // 12 IME places to SESSAD, 2 SESSAD places per IME place, in 2 yearly steps from 2026-01-01:
  // 6 a step, shared by IME places (A 40, B 20): A 4, B 2; in A by provider (30, 10, 0): 3, 1, 0.
  // SESSAD gains 12 a step: A 8 (the cell: SESSAD has no declared providers), B 4.
  const Scenario s = load(R"(
[[timeline]]
name = "transform"
kind = "convert"
service = "IME"
to_service = "SESSAD"
places = 12
places_per_place = 2.0
from = 2026-01-01
steps = 2
)");
  const auto& changes = s.model.capacity_changes;
  ASSERT_EQ(s.model.timeline.size(), 1U);
  EXPECT_EQ(s.model.timeline[0].kind, "convert");
  EXPECT_EQ(sum_of(changes, 0), -12);  // IME (services are numbered alphabetically)
  EXPECT_EQ(sum_of(changes, 1), 24);   // SESSAD
  std::vector<std::int64_t> by_provider(4, 0);
  for (const auto& c : changes) {
    // 2026-01-01 and 2027-01-01: the model's first days of years 1 and 2 (365.25-day years).
    EXPECT_TRUE(c.day == 365.25 || c.day == 730.5) << c.day;
    if (c.provider != model::kNoProvider) {
      by_provider[c.provider] += c.delta;
    } else {
      EXPECT_EQ(c.service, 1);
      EXPECT_EQ(c.delta, c.territory == 0 ? 8 : 4);
    }
  }
  EXPECT_EQ(by_provider, (std::vector<std::int64_t>{-6, -2, 0, -4}));
}

TEST_F(Timeline, ACreationForAnOrganisationWithoutAProviderThereAddsOne) {
  const Scenario s = load(R"(
[[timeline]]
name = "new"
kind = "create"
service = "IME"
places = 5
from = 2026-06-01
territories = ["B"]
organisations = ["ORG-2"]
)");
  ASSERT_EQ(s.model.providers.size(), 5U);
  EXPECT_EQ(s.model.providers[4].name, "new-IME-B");
  EXPECT_EQ(s.model.providers[4].places, 0);  // at the start
  EXPECT_EQ(s.model.organisations[s.model.providers[4].organisation].name, "ORG-2");
  ASSERT_EQ(s.model.capacity_changes.size(), 1U);
  EXPECT_EQ(s.model.capacity_changes[0].provider, 4U);
  EXPECT_EQ(s.model.capacity_changes[0].delta, 5);
  // 2026-06-01 is 151 of the 365 days of 2026 into the run's year 1: at the same fraction of it.
  EXPECT_DOUBLE_EQ(s.model.capacity_changes[0].day, 365.25 + 151.0 / 365.0 * 365.25);
}

TEST_F(Timeline, AnEnvelopeDefersWhatDoesNotFit) {
  // North spends 40 × 40,000 + 10 × 16,000 = 1,760,000 € a year. 20 SESSAD places created in A
  // in 2026 need 320,000 €: with 2 % growth a year the room is 35,200 € in 2026 (2 places),
  // 71,104 € in 2027 (4.4: 2 more), 107,725 € in 2028 (6.7: 2 more; 6 in all).
  const Scenario s = load(R"(
[[timeline]]
name = "more"
kind = "create"
service = "SESSAD"
places = 20
from = 2026-01-01
territories = ["A"]

[[funding.envelopes]]
payer = "assurance_maladie"
growth_per_year = 0.02
)");
  const auto& g = s.grants;
  ASSERT_EQ(g.years, 4);
  ASSERT_EQ(g.regions, 2);
  EXPECT_EQ(g.asked[1 * 2 + 0], 20);  // year 1 (2026), North
  EXPECT_EQ(g.granted[1 * 2 + 0], 2);
  EXPECT_EQ(g.granted[2 * 2 + 0], 2);
  EXPECT_EQ(g.granted[3 * 2 + 0], 2);
  EXPECT_EQ(sum_of(s.model.capacity_changes, 1), 6);
  EXPECT_DOUBLE_EQ(g.envelope[0], 1760000.0);
  EXPECT_DOUBLE_EQ(g.envelope[1], 20 * 40000.0);  // South: 800,000 €
}

TEST_F(Timeline, AChangeOfInflowAppliesFromItsDateToItsTerritories) {
  const Scenario s = load(R"(
[[timeline]]
name = "fewer"
kind = "inflow"
factor = 0.8
from = 2027-01-01
regions = ["South"]
)");
  ASSERT_EQ(s.model.arrivals.changes.size(), 1U);
  EXPECT_EQ(s.model.arrivals.changes[0].from_day, 730.5);
  EXPECT_EQ(s.model.arrivals.changes[0].factor, 0.8);
  EXPECT_EQ(s.model.arrivals.changes[0].territories, (std::vector<model::TerritoryId>{1}));
}

TEST_F(Timeline, StepsPastTheRunsEndAreDropped) {
  const Scenario s = load(R"(
[[timeline]]
name = "late"
kind = "close"
service = "IME"
places = 10
from = 2028-01-01
steps = 5
)");
  // Steps on 2028-01-01 (2 places) only: 2029-01-01 is the end of the 4-year run.
  EXPECT_EQ(sum_of(s.model.capacity_changes, 0), -2);
}

TEST_F(Timeline, SetReachesAnEntryOfTheTimeline) {
  const std::string event = R"(
[[timeline]]
name = "shut"
kind = "close"
service = "IME"
places = 6
from = 2026-01-01
)";
  const Scenario s = load(event, {"timeline[0].places=12", "timeline[0].territories=[\"A\"]"});
  EXPECT_EQ(sum_of(s.model.capacity_changes, 0), -12);
  for (const auto& c : s.model.capacity_changes) {
    EXPECT_EQ(c.territory, 0);
  }
  try {
    (void)load(event, {"timeline[3].places=12"});
    ADD_FAILURE() << "no error for a missing element";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--set timeline[3].places=12: timeline[3]: no such element in the scenario (after "
              "extends): \"timeline[3]\"");
  }
}

TEST_F(Timeline, BadEntriesGetOneClearLine) {
  const std::string head = "\n[[timeline]]\nname = \"x\"\n";
  EXPECT_NE(error_of(head + "kind = \"conver\"\n")
                .find("timeline[0].kind: unknown timeline event kind \"conver\"; did you mean "
                      "\"convert\"?"),
            std::string::npos);
  EXPECT_NE(
      error_of(head + "kind = \"close\"\nservice = \"IME\"\nplaces = 100\nfrom = 2026-01-01\n")
          .find("timeline[0].places: the step of 2026-01-01 closes 100 places of \"IME\", "
                "and the selection has only 60 then"),
      std::string::npos);
  EXPECT_NE(
      error_of(head + "kind = \"create\"\nservice = \"IME\"\nplaces = -3\nfrom = 2026-01-01\n")
          .find("timeline[0].places: expected an integer >= 1"),
      std::string::npos);
  EXPECT_NE(error_of(head + "kind = \"create\"\nservice = \"IME\"\nplaces = 3\nfrom = 2025-01-01\n")
                .find("timeline[0].from: expected a date after scenario.start_date (2025-01-01)"),
            std::string::npos);
  EXPECT_NE(error_of(head + "kind = \"inflow\"\nfactor = 1.1\nfrom = 2026-01-01\nplaces = 3\n")
                .find("timeline[0].places: unknown key \"places\""),
            std::string::npos);
  EXPECT_NE(error_of(head + "kind = \"create\"\nservice = \"IME\"\nplaces = 3\nfrom = "
                            "2026-01-01\nregions = [\"Nord\"]\n")
                .find("timeline[0].regions[0]: unknown region \"Nord\""),
            std::string::npos);
  EXPECT_NE(
      error_of("\n[[funding.envelopes]]\npayer = \"assurance_maladi\"\ngrowth_per_year = 0.01\n")
          .find("funding.envelopes[0].payer: unknown payer \"assurance_maladi\"; did you mean "
                "\"assurance_maladie\"?"),
      std::string::npos);
  // The line of the offending value is named (kBase has 36 lines; `kind` is on line 40).
  const std::string e = error_of(head + "kind = \"conver\"\n");
  EXPECT_NE(e.find("s.toml:40:8: "), std::string::npos) << e;
}

}  // namespace
}  // namespace parcours::io
