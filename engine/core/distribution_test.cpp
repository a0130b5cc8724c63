#include "engine/core/distribution.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace parcours::core {
namespace {

using Law = Distribution::Law;

std::array<double, 3> three_draws(const Distribution& d) {
  KeyedRng gen(2026, 3, Stream::kArrivalPerson, 11, 0);
  std::array<double, 3> x{};
  for (double& v : x) {
    v = sample(gen, d);
  }
  return x;
}

Distribution empirical(bool interpolate) {
  Distribution d;
  d.law = Law::kEmpirical;
  d.values = {0.0, 1.0, 3.0};
  d.cumulative = {0.0, 0.5, 1.0};
  d.interpolate = interpolate;
  return d;
}

void expect_draws(const Distribution& d, std::array<double, 3> expected) {
  const auto got = three_draws(d);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(got[i], expected[i]) << law_name(d.law) << " draw " << i;
  }
}

// Pinned values of every law for one fixed key: a change of Boost, of our engine or of a
// parameterisation shows here first, before it silently moves results.
TEST(Distribution, ValuesForAFixedKeyArePinned) {
  expect_draws(Distribution::fixed(2.5), {2.5, 2.5, 2.5});
  expect_draws(Distribution::uniform(3, 16),
               {15.63348139612134, 13.214464412369974, 5.0872434201964687});
  expect_draws(Distribution::exponential(6.5),
               {4.7700234708152216, 3.7434105724615274, 3.1558050847618144});
  expect_draws({Law::kLognormal, 1.0, 0.5, {}, {}, true},
               {1.7141635635823187, 1.8851389274754147, 2.2844434873159738});
  expect_draws({Law::kGamma, 2.0, 3.0, {}, {}, true},
               {2.5385525807207556, 5.8684649739462644, 1.7352642144656982});
  expect_draws({Law::kWeibull, 1.5, 4.0, {}, {}, true},
               {9.3410650513164022, 5.3354311560335104, 1.2515456332581487});
  expect_draws(empirical(true), {2.8872250449604122, 2.1429121268830684, 0.32111437233791817});
  expect_draws(empirical(false), {3.0, 3.0, 1.0});
}

TEST(Distribution, EmpiricalLinearInvertsThePiecewiseLinearCdf) {
  const auto d = empirical(true);
  EXPECT_DOUBLE_EQ(internal::empirical_quantile(d, 0.25), 0.5);
  EXPECT_DOUBLE_EQ(internal::empirical_quantile(d, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(internal::empirical_quantile(d, 0.75), 2.0);
}

TEST(Distribution, EmpiricalStepsReturnsTableValues) {
  const auto d = empirical(false);
  EXPECT_EQ(internal::empirical_quantile(d, 0.1), 1.0);
  EXPECT_EQ(internal::empirical_quantile(d, 0.6), 3.0);
}

// Sample means agree with the analytic means within 5 standard errors (n fixed in advance).
TEST(Distribution, SampleMeansMatchAnalyticMeans) {
  const Distribution laws[] = {Distribution::uniform(3, 16),
                               Distribution::exponential(6.5),
                               {Law::kLognormal, 1.0, 0.5, {}, {}, true},
                               {Law::kGamma, 2.0, 3.0, {}, {}, true},
                               {Law::kWeibull, 1.5, 4.0, {}, {}, true},
                               empirical(true)};
  const int n = 200000;
  for (const auto& d : laws) {
    KeyedRng gen(99, 0, Stream::kStayLength);
    double sum = 0.0;
    double sum_sq = 0.0;
    for (int i = 0; i < n; ++i) {
      const double x = sample(gen, d);
      sum += x;
      sum_sq += x * x;
    }
    const double m = sum / n;
    const double sd = std::sqrt(sum_sq / n - m * m);
    EXPECT_NEAR(m, mean(d), 5.0 * sd / std::sqrt(static_cast<double>(n))) << law_name(d.law);
  }
}

}  // namespace
}  // namespace parcours::core
