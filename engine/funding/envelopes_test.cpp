// Regional envelopes: places the timeline creates need room in their region's envelope; closures
// free room; what does not fit waits for a later year's growth. Each case computed by hand.
#include "engine/funding/envelopes.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace parcours::funding {
namespace {

constexpr double kYear = core::kDaysPerYear;

// Two regions: territory A (region 0) and B (region 1); services IME (40,000 € a place a year)
// and SESSAD (16,000 €), paid by Assurance maladie alone. A has 10 IME and 5 SESSAD places, B 10
// IME places. Three years.
struct Case {
  model::Model model;
  Scheme scheme;
};

Case two_regions() {
  Case c;
  model::Model& m = c.model;
  m.territories = {model::home_territory("A", "A"), model::home_territory("B", "B")};
  m.territories[1].region = 1;
  m.regions = {model::Region{"R0"}, model::Region{"R1"}};
  model::Service ime;
  ime.name = "IME";
  ime.capacity = {10, 10};
  model::Service sessad;
  sessad.name = "SESSAD";
  sessad.capacity = {5, 0};
  m.services = {ime, sessad};
  m.horizon_years = 3;
  c.scheme.payers = {Payer{"assurance_maladie", ""}};
  ServiceMoney ime_money;
  ime_money.euros_per_place_year = 40000.0;
  ime_money.payer_split = {1.0};
  ServiceMoney sessad_money = ime_money;
  sessad_money.euros_per_place_year = 16000.0;
  c.scheme.services = {ime_money, sessad_money};
  return c;
}

model::CapacityChange change(double day, model::TerritoryId t, model::ServiceId s,
                             std::int64_t delta) {
  model::CapacityChange c;
  c.day = day;
  c.territory = t;
  c.service = s;
  c.delta = delta;
  return c;
}

Envelope region_0(double growth) {
  Envelope e;
  e.growth_per_year = growth;
  e.regions = {0};
  return e;
}

TEST(Envelopes, WithoutEnvelopesEveryChangeIsGrantedAsAsked) {
  const Case c = two_regions();
  const std::vector<model::CapacityChange> asked = {change(10.0, 0, 1, 50)};
  const Grants g = grant_places(c.model, c.scheme, {}, asked);
  ASSERT_EQ(g.changes.size(), 1U);
  EXPECT_EQ(g.changes[0].delta, 50);
  EXPECT_EQ(g.asked[0], 0);  // no envelope: nothing to ask
}

TEST(Envelopes, AConversionIsGrantedWithinTheRoomItsClosureFrees) {
  const Case c = two_regions();
  // Region 0 spends 10 × 40,000 + 5 × 16,000 = 480,000 € a year: its envelope, with no room.
  // Day 10: 2 IME places close (80,000 € freed) and 5 SESSAD places open (5 × 16,000 = 80,000 €:
  // exactly the room). Day 20: 3 more SESSAD places: no room, deferred; with no growth, never.
  const std::vector<model::CapacityChange> asked = {change(10.0, 0, 1, 5), change(10.0, 0, 0, -2),
                                                    change(20.0, 0, 1, 3)};
  const Grants g = grant_places(c.model, c.scheme, {region_0(0.0)}, asked);
  EXPECT_DOUBLE_EQ(g.envelope[0], 480000.0);  // [envelope 0][year 0][region 0]
  EXPECT_DOUBLE_EQ(g.envelope[1], 0.0);       // region 1: not covered
  ASSERT_EQ(g.changes.size(), 2U);
  EXPECT_EQ(g.changes[0].delta, -2);  // the closure first
  EXPECT_EQ(g.changes[1].delta, 5);
  EXPECT_EQ(g.changes[1].service, 1);
  EXPECT_EQ(g.asked[0], 8);  // [year 0][region 0]: 5 + 3 asked, 5 granted
  EXPECT_EQ(g.granted[0], 5);
  // Spent at each year's end: 8 × 40,000 + 10 × 16,000 = 480,000 €.
  EXPECT_DOUBLE_EQ(g.spent[0], 480000.0);
  EXPECT_DOUBLE_EQ(g.spent[2 * 2], 480000.0);  // year 2
}

TEST(Envelopes, ADeferredCreationIsGrantedWhenTheEnvelopeGrows) {
  const Case c = two_regions();
  // The envelope grows 10 % a year: 528,000 € in year 1, against 480,000 € spent: room for
  // 48,000 / 16,000 = 3 SESSAD places, granted on year 1's first day. Year 2: 580,800 € against
  // 528,000: room for 3.3 places, but none is asked.
  const std::vector<model::CapacityChange> asked = {change(10.0, 0, 0, -2), change(10.0, 0, 1, 5),
                                                    change(20.0, 0, 1, 3)};
  const Grants g = grant_places(c.model, c.scheme, {region_0(0.1)}, asked);
  ASSERT_EQ(g.changes.size(), 3U);
  EXPECT_EQ(g.changes[2].delta, 3);
  EXPECT_DOUBLE_EQ(g.changes[2].day, kYear);
  EXPECT_EQ(g.granted[1 * 2 + 0], 3);  // granted in year 1, asked in year 0
  EXPECT_EQ(g.asked[1 * 2 + 0], 0);
  EXPECT_NEAR(g.envelope[1 * 2], 528000.0, 1e-9);
  EXPECT_DOUBLE_EQ(g.spent[1 * 2], 8 * 40000.0 + 13 * 16000.0);  // 528,000
}

TEST(Envelopes, PartOfACreationFitsAndTheRestWaits) {
  Case c = two_regions();
  // Costs grow 5 % a year and the envelope 10 % with 1 % of headroom: year 0 room is 4,800 €:
  // no SESSAD place (16,000 €). Year 1: envelope 480,000 × 1.01 × 1.1 = 533,280 €, spending
  // 480,000 × 1.05 = 504,000 €: room 29,280 € for 29,280 / 16,800 = 1.74 places: one granted.
  // Year 2: 586,608 € against (480,000 + 16,000) × 1.1025 = 546,840 €: room 39,768 € for
  // 39,768 / 17,640 = 2.25 places: two granted, and none is left.
  c.scheme.cost_growth = 0.05;
  Envelope e = region_0(0.1);
  e.headroom = 0.01;
  const Grants g = grant_places(c.model, c.scheme, {e}, {change(30.0, 0, 1, 3)});
  ASSERT_EQ(g.changes.size(), 2U);
  EXPECT_EQ(g.changes[0].delta, 1);
  EXPECT_DOUBLE_EQ(g.changes[0].day, kYear);
  EXPECT_EQ(g.changes[1].delta, 2);
  EXPECT_DOUBLE_EQ(g.changes[1].day, 2 * kYear);
  EXPECT_EQ(g.asked[0], 3);
  EXPECT_EQ(g.granted[0], 0);
  EXPECT_EQ(g.granted[2], 1);
  EXPECT_EQ(g.granted[4], 2);
}

TEST(Envelopes, PlacesInARegionNoEnvelopeCoversAreGrantedAsAsked) {
  const Case c = two_regions();
  const Grants g = grant_places(c.model, c.scheme, {region_0(0.0)}, {change(30.0, 1, 1, 4)});
  ASSERT_EQ(g.changes.size(), 1U);
  EXPECT_EQ(g.changes[0].delta, 4);
  EXPECT_EQ(g.asked[1], 0);  // [year 0][region 1]: not counted
}

}  // namespace
}  // namespace parcours::funding
