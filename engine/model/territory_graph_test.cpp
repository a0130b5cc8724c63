#include "engine/model/territory_graph.hpp"

#include <gtest/gtest.h>

namespace parcours::model {
namespace {

// A - B - C - D in a line, E alone, and X abroad taking children from D and A.
Model line_model(int max_steps) {
  Model m;
  for (const char* code : {"A", "B", "C", "D", "E"}) {
    m.territories.push_back(home_territory(code, code));
  }
  Territory x = home_territory("X", "Abroad", 0.0);
  x.abroad = true;
  x.region = kNoRegion;
  x.senders = {3, 0, 3};  // D, A, D again: duplicates are harmless
  m.territories.push_back(x);
  m.borders = {{0, 1}, {2, 1}, {2, 3}};
  m.placement.max_steps = max_steps;
  return m;
}

TEST(BorderSteps, CountsBordersCrossedAndMarksUnreachable) {
  const auto steps = border_steps(line_model(1));
  ASSERT_EQ(steps.size(), 5U);  // home territories only
  EXPECT_EQ(steps[0][0], 0);
  EXPECT_EQ(steps[0][1], 1);
  EXPECT_EQ(steps[0][3], 3);
  EXPECT_EQ(steps[3][0], 3);
  EXPECT_EQ(steps[0][4], -1);
  EXPECT_EQ(steps[4][4], 0);
}

TEST(ComputeReachable, NearestFirstThenTerritoryOrderThenAbroad) {
  Model m = line_model(2);
  compute_reachable(m);
  const auto& r = m.placement.reachable;
  ASSERT_EQ(r.size(), 6U);
  EXPECT_EQ(r[0], (std::vector<TerritoryId>{1, 2, 5}));  // B (1 step), C (2), then X
  EXPECT_EQ(r[2], (std::vector<TerritoryId>{1, 3, 0}));  // B, D at 1 step; A at 2
  EXPECT_EQ(r[3], (std::vector<TerritoryId>{2, 1, 5}));  // C, B, then X
  EXPECT_TRUE(r[4].empty());                             // E has no neighbour
  EXPECT_TRUE(r[5].empty());                             // no one lives abroad
  EXPECT_EQ(m.placement.served_by[5], (std::vector<TerritoryId>{0, 3}));
  EXPECT_EQ(m.placement.served_by[2], r[2]);
}

TEST(ComputeReachable, ZeroStepsKeepsChildrenAtHomeButAbroadStillOpen) {
  Model m = line_model(0);
  compute_reachable(m);
  EXPECT_EQ(m.placement.reachable[0], (std::vector<TerritoryId>{5}));
  EXPECT_TRUE(m.placement.reachable[1].empty());
}

}  // namespace
}  // namespace parcours::model
