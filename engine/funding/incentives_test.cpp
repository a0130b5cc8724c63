// What each funding rule makes a child's day, an empty place-day and an inclusion day worth to a
// provider (model rule 28), each against values computed by hand, and which rule's values apply
// to each unit and period.
#include "engine/funding/incentives.hpp"

#include "engine/core/check.hpp"
#include "engine/funding/books_test_support.hpp"

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

constexpr int kBytes = 256;

// One territory and one service of 10 places recording two modes (full time, half time) and two
// schoolings (in the establishment; in an ordinary school half of its days), `mode_shares` and
// `schooling_shares` its entrants' (empty: not recorded).
model::Model care_model(std::vector<double> mode_shares, std::vector<double> schooling_shares) {
  auto m = make_model(1, {{10}}, 1, 2);
  m.modes = {{"full time", false, 1.0}, {"half time", false, 0.5}};
  m.schoolings = {{"establishment", false, 0.0}, {"ordinary school", true, 0.5}};
  m.services[0].mode_shares = std::move(mode_shares);
  m.services[0].schooling_shares = std::move(schooling_shares);
  return m;
}

std::uint8_t care(int mode, int schooling) {
  return model::Care{static_cast<std::uint8_t>(mode), static_cast<std::uint8_t>(schooling)}.pack();
}

// The care of a child of `mode` and `schooling` in service s of `m`, as the simulation has it.
CareDay day(const model::Model& m, int mode, int schooling, model::ServiceId s = 0) {
  return care_of(m, s, care(mode, schooling));
}

double care_value(const model::Incentives& in, int regime, model::ServiceId s, std::uint8_t byte) {
  return in.care_value[in.table(static_cast<std::uint8_t>(regime), s) * kBytes + byte];
}

double stay_value(const model::Incentives& in, int regime, model::ServiceId s, std::uint8_t byte) {
  return in.stay_value[in.table(static_cast<std::uint8_t>(regime), s) * kBytes + byte];
}

Assignment rule(Rule r) {
  Assignment a;
  a.name = "rule";
  a.rule = r;
  return a;
}

// Values are stored as floats: compare them at float precision.
constexpr double kFloat = 1e-6;

TEST(Incentives, ACareByteIsItsModesAttendanceAndItsSchoolingsDays) {
  const auto m = care_model({0.5, 0.5}, {0.5, 0.5});
  const auto half_ordinary = day(m, 1, 1);
  EXPECT_EQ(half_ordinary.attendance, 0.5);
  EXPECT_EQ(half_ordinary.school_day_share, 0.5);
  EXPECT_TRUE(half_ordinary.ordinary_school);
  EXPECT_EQ(half_ordinary.mode, 1);
  // A service that records neither: every byte is a full-time child in the establishment.
  auto none = care_model({}, {});
  const auto plain = day(none, 1, 1);
  EXPECT_EQ(plain.attendance, 1.0);
  EXPECT_EQ(plain.school_day_share, 0.0);
  EXPECT_FALSE(plain.ordinary_school);
  EXPECT_EQ(plain.mode, -1);
  // A mode the model does not have, for a service that records modes.
  EXPECT_THROW((void)day(m, 2, 0), core::InvariantError);
}

// R.314-113: the computed price recovers the budget from the children the service admits, so a
// child's day is worth its billed days over theirs.
TEST(Incentives, AComputedDailyPriceValuesAChildByItsBilledDaysOverTheTypicalChilds) {
  // Every entrant full time in the establishment: the typical child bills 1 day a day. Inclusion
  // days unbilled by this price (bill_school_days 0; the service bills them).
  const auto m = care_model({1.0, 0.0}, {1.0, 0.0});
  const auto scheme = one_payer({money(36'000.0, 200.0)}, {});
  auto price = daily_price({0});
  price.bill_school_days = 0.0;
  // Full time: 1 / 1. Half time: 0.5 × 1 = 0.5. Full time at school half its days:
  // 1 × (0.5 × 1 + 0.5 × 0) = 0.5, half of its attendance. Half time and at school: 0.25.
  // The price is paid by days: what a child brings leaves with it (stay = care).
  const std::array<std::array<double, 2>, 2> expected{{{1.0, 0.5}, {0.5, 0.25}}};
  for (int mode = 0; mode < 2; ++mode) {
    for (int schooling = 0; schooling < 2; ++schooling) {
      SCOPED_TRACE(testing::Message() << "mode " << mode << " schooling " << schooling);
      const auto v = day_value(m, scheme, &price, 0, day(m, mode, schooling));
      EXPECT_DOUBLE_EQ(v.care, expected[mode][schooling]);
      EXPECT_DOUBLE_EQ(v.stay, expected[mode][schooling]);
    }
  }
  // Half the entrants half time: the typical child bills 0.5 × 1 + 0.5 × 0.5 = 0.75, the price
  // is higher, and a full-time child brings 1 / 0.75 = 4/3, a half-time one 0.5 / 0.75 = 2/3.
  const auto mixed = care_model({0.5, 0.5}, {1.0, 0.0});
  EXPECT_DOUBLE_EQ(day_value(mixed, scheme, &price, 0, day(mixed, 0, 0)).care, 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(day_value(mixed, scheme, &price, 0, day(mixed, 1, 0)).care, 2.0 / 3.0);
  // An empty place-day loses the typical child's day: 0.5 × 4/3 + 0.5 × 2/3 = 1.
  const auto one_price = one_payer({money(36'000.0, 200.0)}, {price});
  const auto in = incentives(mixed, one_price);
  EXPECT_NEAR(in.vacancy[in.table(0, 0)], 1.0, kFloat);
  EXPECT_NEAR(care_value(in, 0, 0, care(1, 0)), 2.0 / 3.0, kFloat);
  // No child billing anything (all at school, unbilled): no price to speak of, 0.
  auto schooled = care_model({1.0, 0.0}, {0.0, 1.0});
  schooled.schoolings[1].school_day_share = 1.0;
  EXPECT_EQ(day_value(schooled, scheme, &price, 0, day(schooled, 0, 1)).care, 0.0);
}

TEST(Incentives, AFixedDailyPriceValuesABilledDayAtItsPriceOverTheCost) {
  // 150 € a billed day, 200 opening days, 36,000 € a place-year; the service bills school days.
  const auto m = care_model({1.0, 0.0}, {1.0, 0.0});
  const auto price = fixed_price(150.0);
  const auto scheme = one_payer({money(36'000.0, 200.0)}, {price});
  // Full time: 150 × 200 × 1 / 36,000 = 0.8333 (a place's cost a day is 36,000 / 365.25; a day
  // of the year bills 200 / 365.25 opening days at 150 €). Half time: 0.4167. At school half its
  // days, billed: 0.8333 still.
  EXPECT_DOUBLE_EQ(day_value(m, scheme, &price, 0, day(m, 0, 0)).care, 150.0 * 200.0 / 36'000.0);
  EXPECT_DOUBLE_EQ(day_value(m, scheme, &price, 0, day(m, 1, 0)).stay, 0.5 * 30'000.0 / 36'000.0);
  EXPECT_DOUBLE_EQ(day_value(m, scheme, &price, 0, day(m, 0, 1)).care, 30'000.0 / 36'000.0);
  // A service without a cost: a price in euros is no share of it.
  const auto free = one_payer({money(0.0, 200.0)}, {price});
  EXPECT_EQ(day_value(m, free, &price, 0, day(m, 0, 0)).care, 0.0);
}

TEST(Incentives, AGlobalAllocationAnImpactBondAndNoRuleValueNoDay) {
  const auto m = care_model({0.5, 0.5}, {0.5, 0.5});
  auto needs = rule(Rule::kGlobalAllocation);
  needs.needs_coefficients = {1.0};  // read by needs-based allocations only
  const auto scheme = one_payer({money(36'000.0, 200.0)}, {needs, rule(Rule::kImpactBond)});
  const auto in = incentives(m, scheme);
  ASSERT_EQ(in.regimes, 3);  // the global allocation, the bond, no rule
  for (int r = 0; r < 3; ++r) {
    SCOPED_TRACE(r);
    for (int byte = 0; byte < kBytes; ++byte) {
      EXPECT_EQ(care_value(in, r, 0, static_cast<std::uint8_t>(byte)), 0.0);
      EXPECT_EQ(stay_value(in, r, 0, static_cast<std::uint8_t>(byte)), 0.0);
    }
    EXPECT_EQ(in.vacancy[in.table(static_cast<std::uint8_t>(r), 0)], 0.0);
    EXPECT_EQ(in.school_day[in.table(static_cast<std::uint8_t>(r), 0)], 0.0);
    EXPECT_EQ(in.needs_value[in.table(static_cast<std::uint8_t>(r), 0)], 0.0);
  }
  EXPECT_EQ(day_value(m, scheme, nullptr, 0, day(m, 0, 0)).care, 0.0);
}

TEST(Incentives, CapitationValuesAChildDayAtItsYearlySumOverTheCost) {
  // 18,000 € a child-year for a 36,000 € place-year: 18,000 / 365.25 a child-day over 36,000 /
  // 365.25 a place-day = 0.5, whatever the attendance or schooling, and it leaves with the child.
  const auto m = care_model({0.5, 0.5}, {0.5, 0.5});
  auto capitation = rule(Rule::kCapitation);
  capitation.euros_per_child_year = 18'000.0;
  const auto scheme = one_payer({money(36'000.0, 200.0)}, {capitation});
  for (const auto byte : {care(0, 0), care(1, 1)}) {
    const auto v = day_value(m, scheme, &capitation, 0, care_of(m, 0, byte));
    EXPECT_DOUBLE_EQ(v.care, 0.5);
    EXPECT_DOUBLE_EQ(v.stay, 0.5);
  }
  const auto in = incentives(m, scheme);
  EXPECT_NEAR(in.vacancy[in.table(0, 0)], 0.5, kFloat);
  EXPECT_EQ(in.school_day[in.table(0, 0)], 0.0);  // paid per child, at school or not
  EXPECT_EQ(day_value(m, one_payer({money(0.0)}, {}), &capitation, 0, day(m, 0, 0)).care, 0.0);
}

// R.314-43-2: a day attended avoids part of next year's cut.
TEST(Incentives, ACPOMsOccupancyModulationMakesADayWorthAOfItsAttendance) {
  // a = 0.5 on occupancy: an attended day is 1 / (places × 365.25) of occupancy, cutting
  // 0.5 × that × places × cost = 0.5 × a place-day's cost. Half time: 0.25. Lost with the child.
  const auto m = care_model({0.5, 0.5}, {1.0, 0.0});
  auto cpom = rule(Rule::kPooledAllocation);
  cpom.modulation = {ActivityMeasure::kOccupancy, 0.95, 0.5};
  const auto scheme = one_payer({money(36'000.0, 200.0)}, {cpom});
  EXPECT_DOUBLE_EQ(day_value(m, scheme, &cpom, 0, day(m, 0, 0)).stay, 0.5);
  EXPECT_DOUBLE_EQ(day_value(m, scheme, &cpom, 0, day(m, 1, 0)).stay, 0.25);
  EXPECT_DOUBLE_EQ(day_value(m, scheme, &cpom, 0, day(m, 1, 0)).care, 0.25);
  // An empty place-day loses the mean: 0.5 × 0.5 + 0.5 × 0.25 = 0.375.
  const auto in = incentives(m, scheme);
  EXPECT_NEAR(in.vacancy[in.table(0, 0)], 0.375, kFloat);
  // No objective (or a = 0): no modulation, as the books.
  cpom.modulation.objective = 0.0;
  EXPECT_EQ(day_value(m, scheme, &cpom, 0, day(m, 0, 0)).stay, 0.0);
  cpom.modulation = {ActivityMeasure::kOccupancy, 0.95, 0.0};
  EXPECT_EQ(day_value(m, scheme, &cpom, 0, day(m, 0, 0)).stay, 0.0);
}

TEST(Incentives, AServicesModulationMakesADayWorthItsDaysOfCareOverTheObjective) {
  // a = 0.45 on services, objective 180 days a place, 200 opening days: an attended day is
  // 200 / 365.25 days of care, 200 / 365.25 / places a place, 1 / 180 of that short; the cut
  // avoided: 0.45 × 200 / 365.25 / 180 × places × cost, over a place-day's cost / 365.25:
  // 0.45 × 200 / 180 = 0.5. Half time: 0.25. (An objective of 200 of 200 opening days is
  // occupancy's a × attendance.)
  const auto m = care_model({0.5, 0.5}, {1.0, 0.0});
  auto cpom = rule(Rule::kPooledAllocation);
  cpom.modulation = {ActivityMeasure::kServices, 180.0, 0.45};
  const auto scheme = one_payer({money(36'000.0, 200.0)}, {cpom});
  EXPECT_DOUBLE_EQ(day_value(m, scheme, &cpom, 0, day(m, 0, 0)).stay, 0.5);
  EXPECT_DOUBLE_EQ(day_value(m, scheme, &cpom, 0, day(m, 1, 0)).care, 0.25);
}

TEST(Incentives, AFollowedModulationValuesNoDay) {
  // People followed are counted once a year, whatever the days they stay.
  const auto m = care_model({0.5, 0.5}, {1.0, 0.0});
  auto cpom = rule(Rule::kPooledAllocation);
  cpom.modulation = {ActivityMeasure::kFollowed, 1.5, 0.4};
  const auto scheme = one_payer({money(36'000.0, 200.0)}, {cpom});
  const auto v = day_value(m, scheme, &cpom, 0, day(m, 0, 0));
  EXPECT_EQ(v.care, 0.0);
  EXPECT_EQ(v.stay, 0.0);
}

// SERAFIN-PH-like: the base rate follows places weighted by their occupants; the modulation
// follows days.
TEST(Incentives, ANeedsBasedAllocationValuesAChildsModeWhileThereAndItsDaysWhenItLeaves) {
  // Base rate 50,000 € a place-year for a 40,000 € cost; modes full time (× 1.4) and half time
  // (× 1); needs low (× 1) and high (× 1.5), entrants half of each: mean 1.25; 200 opening days
  // for a reference of 250: × 0.8. Occupancy modulation a = 0.5.
  auto m = care_model({0.5, 0.5}, {1.0, 0.0});
  m.children.needs_levels = {"low", "high"};
  m.services[0].children.needs_shares = {0.5, 0.5};
  auto serafin = rule(Rule::kNeedsBased);
  serafin.base_rate = 50'000.0;
  serafin.mode_coefficients = {1.4, 1.0};
  serafin.needs_coefficients = {1.0, 1.5};
  serafin.reference_opening_days = 250.0;
  serafin.complementary_per_place = 1'000.0;  // follows places: no child's
  serafin.transport_per_child = 500.0;        // per child followed: no day's
  serafin.modulation = {ActivityMeasure::kOccupancy, 0.95, 0.5};
  const auto scheme = one_payer({money(40'000.0, 200.0)}, {serafin});
  // Full time: stay 0.5 × 1 = 0.5; care 0.5 + 50,000 × 1.4 × 1.25 × 0.8 / 40,000 = 0.5 + 1.75.
  const auto full = day_value(m, scheme, &serafin, 0, day(m, 0, 0));
  EXPECT_DOUBLE_EQ(full.stay, 0.5);
  EXPECT_DOUBLE_EQ(full.care, 2.25);
  // Half time: stay 0.25; care 0.25 + 50,000 × 1 × 1.25 × 0.8 / 40,000 = 0.25 + 1.25.
  const auto half = day_value(m, scheme, &serafin, 0, day(m, 1, 0));
  EXPECT_DOUBLE_EQ(half.stay, 0.25);
  EXPECT_DOUBLE_EQ(half.care, 1.5);
  // Entrants without needs shares all have the first level (× 1): full time 0.5 + 1.4 = 1.9.
  m.services[0].children.needs_shares.clear();
  EXPECT_DOUBLE_EQ(day_value(m, scheme, &serafin, 0, day(m, 0, 0)).care, 1.9);
  // A service without a cost: the base rate is no share of it; the modulation still is.
  const auto free = one_payer({money(0.0, 200.0)}, {serafin});
  EXPECT_DOUBLE_EQ(day_value(m, free, &serafin, 0, day(m, 0, 0)).care, 0.5);
}

TEST(Incentives, NeedsValueIsTheBaseRateOfANeedsLevelUnderANeedsBasedAllocationOnly) {
  // Service 0 records modes (half full time × 1.4, half half time × 1: mean 1.2), service 1 none
  // (× 1); both 200 opening days for a reference of 250 (× 0.8), 40,000 € a place-year.
  auto m = care_model({0.5, 0.5}, {});
  m.services.push_back(m.services[0]);
  m.services[1].mode_shares.clear();
  m.children.needs_levels = {"low", "high"};
  auto serafin = rule(Rule::kNeedsBased);
  serafin.base_rate = 50'000.0;
  serafin.mode_coefficients = {1.4, 1.0};
  serafin.needs_coefficients = {1.0, 1.5};
  serafin.reference_opening_days = 250.0;
  auto price = daily_price({});
  const auto scheme = one_payer({money(40'000.0, 200.0), money(40'000.0, 200.0)}, {serafin, price});
  // Service 0: 50,000 × 1.2 × 1 × 0.8 / 40,000 = 1.2 (low), × 1.5 = 1.8 (high).
  EXPECT_DOUBLE_EQ(needs_value(m, scheme, &serafin, 0, 0), 1.2);
  EXPECT_DOUBLE_EQ(needs_value(m, scheme, &serafin, 0, 1), 1.8);
  // Service 1: 50,000 × 1 × 1.5 × 0.8 / 40,000 = 1.5.
  EXPECT_DOUBLE_EQ(needs_value(m, scheme, &serafin, 1, 1), 1.5);
  // A daily price weighs no needs; nor an allocation without needs coefficients.
  EXPECT_EQ(needs_value(m, scheme, &price, 0, 1), 0.0);
  auto flat = serafin;
  flat.needs_coefficients.clear();
  EXPECT_EQ(needs_value(m, scheme, &flat, 0, 1), 0.0);
  const auto in = incentives(m, scheme);
  ASSERT_EQ(in.needs, 2);
  const auto at = [&](int r, model::ServiceId s, int n) {
    return in.needs_value[in.table(static_cast<std::uint8_t>(r), s) * 2 + n];
  };
  EXPECT_NEAR(at(0, 0, 0), 1.2, kFloat);
  EXPECT_NEAR(at(0, 0, 1), 1.8, kFloat);
  EXPECT_NEAR(at(0, 1, 0), 1.0, kFloat);
  EXPECT_NEAR(at(0, 1, 1), 1.5, kFloat);
  EXPECT_EQ(at(1, 0, 1), 0.0);  // the daily price
  EXPECT_EQ(at(2, 0, 1), 0.0);  // no rule
}

// A performance contract: the share at stake a day earns through the indicators it moves.
TEST(Incentives, APerformanceContractValuesADayByTheTargetsItMoves) {
  // 10 % at stake; targets occupancy 0.9 (weight 2), inclusion 0.5 (1), TAM 1.5 (1) and waiting
  // (1): weights over 5. 200 opening days, 6 care hours a day, 0.5 staff a place, 1,600 hours
  // a year, 80 % active: 640 staff hours a place-year.
  const auto m = care_model({0.5, 0.5}, {0.5, 0.5});
  auto service = money(36'000.0, 200.0);
  service.care_hours_per_day = 6.0;
  service.staff_per_place = 0.5;
  service.staff_hours_per_year = 1'600.0;
  service.active_share = 0.8;
  auto contract = rule(Rule::kPerformance);
  contract.at_stake = 0.1;
  contract.targets = {{Indicator::kOccupancy, 0.9, 2.0, 1.2},
                      {Indicator::kInclusion, 0.5, 1.0, 1.0},
                      {Indicator::kTimeOfCare, 1.5, 1.0, 1.0},
                      {Indicator::kWaiting, 0.5, 1.0, 1.5}};
  const auto scheme = one_payer({service}, {contract});
  // Occupancy: a place-day occupied, whatever the attendance: 0.1 × 2/5 / 0.9 = 0.044444.
  // TAM: a full-time child-day adds 200 × 6 / 640 = 1.875 to a place-year's TAM:
  // 0.1 × 1/5 / 1.5 × 1.875 = 0.025; half time 0.0125.
  // Inclusion: a child in an ordinary school, while there: 0.1 × 1/5 / 0.5 = 0.04.
  // Waiting: nothing a day.
  const double occupancy = 0.1 * 2.0 / 5.0 / 0.9;
  const auto full = day_value(m, scheme, &contract, 0, day(m, 0, 0));
  EXPECT_DOUBLE_EQ(full.stay, occupancy + 0.025);
  EXPECT_DOUBLE_EQ(full.care, occupancy + 0.025);
  const auto half_ordinary = day_value(m, scheme, &contract, 0, day(m, 1, 1));
  EXPECT_DOUBLE_EQ(half_ordinary.stay, occupancy + 0.0125);
  EXPECT_DOUBLE_EQ(half_ordinary.care, occupancy + 0.0125 + 0.04);
  // An inclusion day earns the inclusion target: care of {1, 0, false} less {1, 1, true} =
  // (occupancy + 0.025) − (occupancy + 0.025 + 0.04) = −0.04.
  const auto in = incentives(m, scheme);
  EXPECT_NEAR(in.school_day[in.table(0, 0)], -0.04, kFloat);
}

TEST(Incentives, AnInclusionDayCostsADailyPriceWhatItDoesNotBill) {
  // Every entrant full time in the establishment (typical 1 a day). Two prices: inclusion days
  // unbilled (from period 0), then billed (from period 1).
  const auto m = care_model({1.0, 0.0}, {1.0, 0.0});
  auto unbilled = daily_price({0});
  unbilled.bill_school_days = 0.0;
  auto billed = daily_price({0}, 1);
  billed.bill_school_days = 1.0;
  const auto in = incentives(m, one_payer({money(36'000.0, 200.0)}, {unbilled, billed}));
  // Unbilled: a day in the establishment 1 / 1, a day at school 0: 1 lost.
  EXPECT_NEAR(in.school_day[in.table(0, 0)], 1.0, kFloat);
  // Billed: 1 either way: nothing lost.
  EXPECT_NEAR(in.school_day[in.table(1, 0)], 0.0, kFloat);
  EXPECT_EQ(in.school_day[in.table(2, 0)], 0.0);  // no rule
}

// R.314-119: a modulated price recovers the costs from the children the service admits at the
// prices of their modes, so a child's day is worth its revenue over theirs.
TEST(Incentives, AModulatedPriceValuesAChildByItsRevenueAtItsModesPricesOverTheTypicalChilds) {
  // Service 0: modes internat, semi-internat (both full time) and respite; entrants half
  // internat, half semi-internat, in the establishment. Providers: P0 (10 places), P1 (30), P2
  // (20, not selected), P3 (5, selected, no costs) of service 0, P4 of service 1.
  auto m = make_model(1, {{65}, {5}}, 1, 2,
                      {provider(0, 0, 10), provider(0, 0, 30), provider(0, 0, 20),
                       provider(0, 0, 5), provider(0, 1, 5)});
  m.modes = {{"internat", true, 1.0}, {"semi-internat", false, 1.0}, {"respite", false, 1.0}};
  m.schoolings = {{"establishment", false, 0.0}, {"ordinary school", true, 0.5}};
  m.services[0].mode_shares = {0.5, 0.5, 0.0};
  m.services[0].schooling_shares = {1.0, 0.0};
  m.behaviour.mode_costs = 0.0;  // the revenue alone; its costs weighed too at the end
  auto scheme = one_payer({money(36'000.0, 200.0), money(36'000.0, 200.0)}, {});
  scheme.price_modes = price_modes();
  // P0: the table's prices, demi_pension 180, internat 280, inclusion 85. P1: the same euros
  // over (800, 400, 800) days: unit costs 17, 12.5, 25, 100, 100, 30, prices 184.5, 309.5, 82.
  // P2 and P4: twice P0's euros, 360, 560, 170 (they must not count).
  auto p1 = modulated_costs();
  p1.forecast_days = {800.0, 400.0, 800.0};
  auto twice = modulated_costs();
  for (double& euros : twice.euros) {
    euros *= 2.0;
  }
  scheme.costs = {modulated_costs(), p1, twice, std::nullopt, twice};
  scheme.price_mode_of = {kInternat, kDemiPension, kNoPriceMode};
  scheme.school_price_mode = kInclusion;
  auto a = rule(Rule::kModulatedPrice);
  a.providers = {0, 1, 3};
  // P weighted by places: demi_pension (10 × 180 + 30 × 184.5) / 40 = 7,335 / 40 = 183.375;
  // internat (2,800 + 9,285) / 40 = 302.125; inclusion (850 + 2,460) / 40 = 82.75.
  // Typical: 0.5 × 302.125 + 0.5 × 183.375 = 242.75 a day.
  const double typical = 242.75;
  const auto value = [&](const Scheme& sc, const Assignment& price, int mode, int schooling) {
    const auto v = day_value(m, sc, &price, 0, day(m, mode, schooling));
    EXPECT_DOUBLE_EQ(v.stay, v.care);  // billed days leave with the child
    return v.care;
  };
  EXPECT_DOUBLE_EQ(value(scheme, a, 0, 0), 302.125 / typical);  // internat: 1.2446
  EXPECT_DOUBLE_EQ(value(scheme, a, 1, 0), 183.375 / typical);  // semi-internat: 0.7554
  // In an ordinary school half its days, billed at the cheaper inclusion price: semi-internat
  // 0.5 × 183.375 + 0.5 × 82.75 = 133.0625; internat 0.5 × 302.125 + 41.375 = 192.4375. A day
  // at school brings 82.75 / 242.75 = 0.34 instead of 0.76 or 1.24.
  EXPECT_DOUBLE_EQ(value(scheme, a, 1, 1), 133.0625 / typical);
  EXPECT_DOUBLE_EQ(value(scheme, a, 0, 1), 192.4375 / typical);
  // Respite has no price mode: nothing in the establishment; its days at school bill inclusion.
  EXPECT_EQ(value(scheme, a, 2, 0), 0.0);
  EXPECT_DOUBLE_EQ(value(scheme, a, 2, 1), 41.375 / typical);
  // Without a school price mode, days at school bill the child's mode: nothing lost.
  auto no_school = scheme;
  no_school.school_price_mode = kNoPriceMode;
  EXPECT_DOUBLE_EQ(value(no_school, a, 1, 1), 183.375 / typical);
  // The price's own billing: days at school unbilled, 0.5 × 183.375 = 91.6875 (the typical
  // child, in the establishment, bills the same).
  auto unbilled = a;
  unbilled.bill_school_days = 0.0;
  EXPECT_DOUBLE_EQ(value(scheme, unbilled, 1, 1), 91.6875 / typical);
  // The table the simulation reads, at float precision; an empty place-day loses the typical
  // child's 1.
  auto with_rule = scheme;
  with_rule.assignments = {a};
  const auto table = incentives(m, with_rule);
  EXPECT_NEAR(care_value(table, 0, 0, care(0, 0)), 302.125 / typical, kFloat);
  EXPECT_NEAR(stay_value(table, 0, 0, care(1, 1)), 133.0625 / typical, kFloat);
  EXPECT_NEAR(table.vacancy[table.table(0, 0)], 1.0, kFloat);
  // A day at school instead of in the establishment, over the entrants' modes: internat
  // 302.125 − 82.75 = 219.375, semi-internat 183.375 − 82.75 = 100.625; half each: 160.
  EXPECT_NEAR(table.school_day[table.table(0, 0)], 160.0 / typical, kFloat);
  // No selected provider with costs (P3 alone): no price to speak of, 0.
  auto costless = rule(Rule::kModulatedPrice);
  costless.providers = {3};
  EXPECT_EQ(value(scheme, costless, 0, 0), 0.0);

  // Weighing each mode's cost (Behaviour::mode_costs): no C1 scaling here, so the costs are the
  // prices and every day fully billed leaves the margin of the typical child's: 1. A value is
  // revenue / 242.75 − w × (cost / 242.75 − 1).
  m.behaviour.mode_costs = 1.0;
  EXPECT_DOUBLE_EQ(value(scheme, a, 0, 0), 1.0);  // internat: 302.125 − (302.125 − 242.75)
  EXPECT_DOUBLE_EQ(value(scheme, a, 1, 1), 1.0);  // half at school at the inclusion price
  // Unbilled days at school lose their price, not their cost: 91.6875 − (133.0625 − 242.75).
  EXPECT_DOUBLE_EQ(value(scheme, unbilled, 1, 1), 1.0 - 41.375 / typical);
  // Half weighed: internat 302.125 / 242.75 − 0.5 × (302.125 / 242.75 − 1).
  m.behaviour.mode_costs = 0.5;
  EXPECT_DOUBLE_EQ(value(scheme, a, 0, 0), 0.5 * 302.125 / typical + 0.5);
  // So, with costs weighed, a day at school costs nothing and no mode pays more than another.
  m.behaviour.mode_costs = 1.0;
  const auto net = incentives(m, with_rule);
  EXPECT_NEAR(net.school_day[net.table(0, 0)], 0.0, kFloat);
  EXPECT_NEAR(care_value(net, 0, 0, care(0, 0)), care_value(net, 0, 0, care(1, 0)), kFloat);
  EXPECT_NEAR(net.vacancy[net.table(0, 0)], 1.0, kFloat);  // an empty place still loses a day
}

TEST(Incentives, TheRegimeOfAUnitChangesWhenARuleStarts) {
  // Monthly over 2 years; two providers of one service. A daily price for every provider from
  // period 0; a CPOM for provider 1 from period 13.
  const auto m = make_model(1, {{20}}, 12, 2, {provider(0, 0, 10), provider(0, 0, 10)});
  auto cpom = rule(Rule::kPooledAllocation);
  cpom.providers = {1};
  cpom.from_period = 13;
  const auto in = incentives(m, one_payer({money(36'000.0)}, {daily_price({}), cpom}));
  ASSERT_EQ(in.periods, 24);
  ASSERT_EQ(in.units, 2 + 1);  // 2 providers, then the (only) cell, which has no unit
  ASSERT_EQ(in.regimes, 3);
  ASSERT_EQ(in.services, 1);
  for (int p = 0; p < 24; ++p) {
    SCOPED_TRACE(p);
    EXPECT_EQ(in.regime_of(p, 0), 0);
    EXPECT_EQ(in.regime_of(p, 1), p < 13 ? 0 : 1);
    EXPECT_EQ(in.regime_of(p, 2), 2);  // a service with providers has no implicit unit
  }
  ASSERT_EQ(in.care_value.size(), 3U * 1U * kBytes);
  ASSERT_EQ(in.vacancy.size(), 3U);
}

TEST(Incentives, ImplicitUnitsAreCellsTerritoryMajorAndCellsWithoutPlacesHaveNoRule) {
  // Two territories; service 0 has two declared providers (t0 and t1); services 1 and 2 are
  // implicit: service 1 has places in both territories, service 2 only in t1. Rule 0 selects
  // services 1 and 2, rule 1 (from period 1) provider 0: declared lists never select cells.
  const auto m =
      make_model(2, {{5, 5}, {3, 4}, {0, 6}}, 1, 2, {provider(0, 0, 5), provider(1, 0, 5)});
  auto cells = rule(Rule::kCapitation);
  cells.services = {1, 2};
  auto declared = rule(Rule::kGlobalAllocation);
  declared.providers = {0};
  declared.from_period = 1;
  const auto in = incentives(m, one_payer({money(1.0), money(1.0), money(1.0)}, {cells, declared}));
  // Units: providers 0 and 1, then 2 + t × 3 + s: (t0, s0) 2, (t0, s1) 3, (t0, s2) 4,
  // (t1, s0) 5, (t1, s1) 6, (t1, s2) 7.
  ASSERT_EQ(in.units, 8);
  EXPECT_EQ(in.unit_of(model::kNoProvider, 2, 1, 2), 7U);
  EXPECT_EQ(in.unit_of(1, 2, 1, 0), 1U);
  const std::uint8_t none = 2;
  const std::array<std::uint8_t, 8> p0{none, none, none, 0, none, none, 0, 0};
  const std::array<std::uint8_t, 8> p1{1, none, none, 0, none, none, 0, 0};
  for (std::size_t u = 0; u < 8; ++u) {
    SCOPED_TRACE(u);
    EXPECT_EQ(in.regime_of(0, u), p0[u]);
    EXPECT_EQ(in.regime_of(1, u), p1[u]);
  }
}

TEST(Incentives, CareBytesNoChildCanHaveAreWorthNothing) {
  // Service 0 records two modes and two schoolings; service 1 none. Capitation at half the cost:
  // 0.5 for any child there.
  auto m = care_model({0.5, 0.5}, {0.5, 0.5});
  m.services.push_back(m.services[0]);
  m.services[1].mode_shares.clear();
  m.services[1].schooling_shares.clear();
  auto capitation = rule(Rule::kCapitation);
  capitation.euros_per_child_year = 18'000.0;
  const auto in = incentives(m, one_payer({money(36'000.0), money(36'000.0)}, {capitation}));
  EXPECT_NEAR(care_value(in, 0, 0, care(1, 1)), 0.5, kFloat);
  EXPECT_EQ(care_value(in, 0, 0, care(2, 0)), 0.0);  // a third mode: none in the model
  EXPECT_EQ(stay_value(in, 0, 0, care(0, 3)), 0.0);  // a fourth schooling
  EXPECT_EQ(care_value(in, 0, 0, care(15, 15)), 0.0);
  // A service that records neither reads every byte as its one care.
  EXPECT_NEAR(care_value(in, 0, 1, care(15, 15)), 0.5, kFloat);
  EXPECT_NEAR(stay_value(in, 0, 1, care(5, 0)), 0.5, kFloat);
}

TEST(Incentives, ASchemeWithoutRulesGivesNoIncentives) {
  const auto m = care_model({0.5, 0.5}, {0.5, 0.5});
  const auto in = incentives(m, one_payer({money(36'000.0)}, {}));
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(in.regimes, 0);
  EXPECT_TRUE(in.care_value.empty());
  EXPECT_TRUE(in.vacancy.empty());
}

}  // namespace
}  // namespace parcours::funding
