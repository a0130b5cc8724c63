// Probability laws a scenario can name, as plain data, and how to draw from them with
// Boost.Random (never std:: distributions, whose values differ between standard libraries).
#pragma once

#include "engine/core/check.hpp"
#include "engine/core/random.hpp"

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <boost/random/weibull_distribution.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parcours::core {

/// A probability law on the real line. Which fields matter depends on `law`:
/// - kFixed: `a` (the value);
/// - kUniform: [a, b);
/// - kExponential: `a` (the mean);
/// - kLognormal: `a` = meanlog, `b` = sdlog (of the underlying normal);
/// - kGamma: `a` = shape, `b` = scale;
/// - kWeibull: `a` = shape, `b` = scale;
/// - kEmpirical: `values` (increasing) with `cumulative` (F at each value, increasing, last 1);
///   with `interpolate` the CDF is linear between points (an atom of mass cumulative[0] sits on
///   values[0]); without it a draw is the smallest value whose F exceeds a uniform number.
/// Units are the caller's (the scenario says years or days). Plain value type.
struct Distribution {
  enum class Law : std::uint8_t {
    kFixed,
    kUniform,
    kExponential,
    kLognormal,
    kGamma,
    kWeibull,
    kEmpirical
  };

  Law law = Law::kFixed;
  double a = 0.0;
  double b = 0.0;
  std::vector<double> values;
  std::vector<double> cumulative;
  bool interpolate = true;

  static Distribution fixed(double v) { return {Law::kFixed, v, 0.0, {}, {}, true}; }

  static Distribution uniform(double lo, double hi) {
    return {Law::kUniform, lo, hi, {}, {}, true};
  }

  static Distribution exponential(double mean) {
    return {Law::kExponential, mean, 0.0, {}, {}, true};
  }
};

/// The law's name as scenario files spell it ("fixed", "uniform", ...).
[[nodiscard]] std::string_view law_name(Distribution::Law law);

/// Smallest and largest values the law can produce (may be infinite).
[[nodiscard]] double support_min(const Distribution& d);

[[nodiscard]] double support_max(const Distribution& d);

/// Mean of the law (used by validation and docs, not by the simulation).
[[nodiscard]] double mean(const Distribution& d);

namespace internal {

[[nodiscard]] double empirical_quantile(const Distribution& d, double u);

}  // namespace internal

/// One draw. Precondition: `d` was validated (positive scales, increasing tables).
template <class Urbg>
[[nodiscard]] double sample(Urbg& gen, const Distribution& d) {
  using Law = Distribution::Law;
  switch (d.law) {
    case Law::kFixed:
      return d.a;
    case Law::kUniform:
      return boost::random::uniform_real_distribution<double>(d.a, d.b)(gen);
    case Law::kExponential:
      return boost::random::exponential_distribution<double>(1.0 / d.a)(gen);
    case Law::kLognormal:
      return boost::random::lognormal_distribution<double>(d.a, d.b)(gen);
    case Law::kGamma:
      return boost::random::gamma_distribution<double>(d.a, d.b)(gen);
    case Law::kWeibull:
      return boost::random::weibull_distribution<double>(d.a, d.b)(gen);
    case Law::kEmpirical:
      return internal::empirical_quantile(d, uniform01(gen));
  }
  PARCOURS_CHECK(false, "unknown distribution law");
}

}  // namespace parcours::core
