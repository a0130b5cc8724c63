#include "engine/core/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace parcours::core {

std::string_view law_name(Distribution::Law law) {
  using Law = Distribution::Law;
  switch (law) {
    case Law::kFixed:
      return "fixed";
    case Law::kUniform:
      return "uniform";
    case Law::kExponential:
      return "exponential";
    case Law::kLognormal:
      return "lognormal";
    case Law::kGamma:
      return "gamma";
    case Law::kWeibull:
      return "weibull";
    case Law::kEmpirical:
      return "empirical";
  }
  return "unknown";
}

double support_min(const Distribution& d) {
  using Law = Distribution::Law;
  switch (d.law) {
    case Law::kFixed:
    case Law::kUniform:
      return d.a;
    case Law::kEmpirical:
      return d.values.empty() ? 0.0 : d.values.front();
    default:
      return 0.0;
  }
}

double support_max(const Distribution& d) {
  using Law = Distribution::Law;
  switch (d.law) {
    case Law::kFixed:
      return d.a;
    case Law::kUniform:
      return d.b;
    case Law::kEmpirical:
      return d.values.empty() ? 0.0 : d.values.back();
    default:
      return std::numeric_limits<double>::infinity();
  }
}

double mean(const Distribution& d) {
  using Law = Distribution::Law;
  switch (d.law) {
    case Law::kFixed:
      return d.a;
    case Law::kUniform:
      return 0.5 * (d.a + d.b);
    case Law::kExponential:
      return d.a;
    case Law::kLognormal:
      return std::exp(d.a + 0.5 * d.b * d.b);
    case Law::kGamma:
      return d.a * d.b;
    case Law::kWeibull:
      return d.b * std::tgamma(1.0 + 1.0 / d.a);
    case Law::kEmpirical: {
      double m = 0.0;
      double prev_f = 0.0;
      for (std::size_t i = 0; i < d.values.size(); ++i) {
        double p = d.cumulative[i] - prev_f;
        if (d.interpolate && i > 0) {
          m += p * 0.5 * (d.values[i - 1] + d.values[i]);
        } else {
          m += p * d.values[i];
        }
        prev_f = d.cumulative[i];
      }
      return m;
    }
  }
  return 0.0;
}

namespace internal {

// Linear: the CDF is 0 before values[0], cumulative[i] at values[i], linear in between, so
// a mass cumulative[0] > 0 sits as an atom on values[0]. Steps: the smallest values[i] with
// cumulative[i] > u.
double empirical_quantile(const Distribution& d, double u) {
  const auto& f = d.cumulative;
  auto it = std::upper_bound(f.begin(), f.end(), u);
  if (it == f.end()) {
    return d.values.back();
  }
  auto i = static_cast<std::size_t>(it - f.begin());
  if (!d.interpolate || i == 0) {
    return d.values[i];
  }
  double f0 = f[i - 1];
  double f1 = f[i];
  double t = (u - f0) / (f1 - f0);
  return d.values[i - 1] + t * (d.values[i] - d.values[i - 1]);
}

}  // namespace internal

}  // namespace parcours::core
