#include "engine/funding/daily_price.hpp"

#include "engine/core/check.hpp"

#include <gtest/gtest.h>

namespace parcours::funding {
namespace {

TEST(DailyPrice, PaysPriceTimesOccupiedDays) {
  const DailyPrice ime{Euros{210.0}};
  EXPECT_DOUBLE_EQ(ime.pay({365.25}).value, 210.0 * 365.25);
  EXPECT_DOUBLE_EQ(ime.pay({0.0}).value, 0.0);
}

TEST(DailyPrice, SpendingIsOccupiedPlaceDaysTimesPriceInEveryCell) {
  model::Indicators ind;
  ind.resize(2, 3, 2);
  for (std::size_t i = 0; i < ind.occupied_place_days.size(); ++i) {
    ind.occupied_place_days[i] = 100.0 + 7.5 * static_cast<double>(i);
  }
  const Params params{{DailyPrice{Euros{210.0}}, DailyPrice{Euros{85.0}}}};
  const auto euros = spending(ind, params);
  ASSERT_EQ(euros.size(), ind.occupied_place_days.size());
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t < 3; ++t) {
      EXPECT_DOUBLE_EQ(euros[ind.cell(p, t, 0)],
                       210.0 * ind.occupied_place_days[ind.cell(p, t, 0)]);
      EXPECT_DOUBLE_EQ(euros[ind.cell(p, t, 1)], 85.0 * ind.occupied_place_days[ind.cell(p, t, 1)]);
    }
  }
}

TEST(DailyPrice, OnePricePerServiceIsRequired) {
  model::Indicators ind;
  ind.resize(1, 1, 2);
  EXPECT_THROW((void)spending(ind, Params{{DailyPrice{Euros{1.0}}}}), core::InvariantError);
}

}  // namespace
}  // namespace parcours::funding
