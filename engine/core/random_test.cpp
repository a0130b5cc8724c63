#include "engine/core/random.hpp"

#include <gtest/gtest.h>

#include <concepts>
#include <random>
#include <set>

namespace parcours::core {
namespace {

static_assert(std::uniform_random_bit_generator<KeyedRng>);

// Pinned: these values must never change, or every published result moves with them.
TEST(KeyedRng, ValuesForAFixedKeyArePinned) {
  KeyedRng gen(42, 0, Stream::kStayLength, 7, 1);
  EXPECT_EQ(gen(), 0x5536e92de7b4c547ULL);
  EXPECT_EQ(gen(), 0xca5b77511775e510ULL);
  EXPECT_EQ(gen(), 0x68d09747eda8a147ULL);
}

TEST(KeyedRng, SameKeyGivesSameSequence) {
  KeyedRng a(1, 2, Stream::kArrivalTimes, 3, 4);
  KeyedRng b(1, 2, Stream::kArrivalTimes, 3, 4);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(a(), b());
  }
}

// Any one component of the key changing gives a different stream.
TEST(KeyedRng, EveryKeyComponentSeparatesStreams) {
  std::set<std::uint64_t> firsts;
  firsts.insert(KeyedRng(1, 0, Stream::kStayLength, 0, 0)());
  firsts.insert(KeyedRng(2, 0, Stream::kStayLength, 0, 0)());
  firsts.insert(KeyedRng(1, 1, Stream::kStayLength, 0, 0)());
  firsts.insert(KeyedRng(1, 0, Stream::kStayOutcome, 0, 0)());
  firsts.insert(KeyedRng(1, 0, Stream::kStayLength, 1, 0)());
  firsts.insert(KeyedRng(1, 0, Stream::kStayLength, 0, 1)());
  firsts.insert(KeyedRng(1, 0, Stream::kStayLength, 1, 1)());
  EXPECT_EQ(firsts.size(), 7U);
}

// Swapping two components must not name the same stream.
TEST(KeyedRng, ComponentsArePositional) {
  EXPECT_NE(stream_key(5, 9, Stream::kArrivalTimes), stream_key(9, 5, Stream::kArrivalTimes));
  EXPECT_NE(stream_key(1, 0, Stream::kStayLength, 3, 4),
            stream_key(1, 0, Stream::kStayLength, 4, 3));
}

TEST(StreamKey, APrefixComputedOnceGivesTheSameKeys) {
  const std::uint64_t prefix = stream_prefix(7, 2, Stream::kPlanReview);
  for (std::uint64_t entity : {0ULL, 1ULL, 1ULL << 62}) {
    for (std::uint64_t occurrence : {0ULL, 19ULL}) {
      EXPECT_EQ(stream_key(prefix, entity, occurrence),
                stream_key(7, 2, Stream::kPlanReview, entity, occurrence));
    }
  }
  EXPECT_NE(prefix, stream_prefix(7, 2, Stream::kCare));
}

// Neighbouring streams (people 0..999, same purpose) look independent: the correlation of
// their first draws is within 4 standard errors of 0 (sd = 1/sqrt(n) for n pairs).
TEST(KeyedRng, NeighbouringStreamsAreUncorrelated) {
  const int n = 20000;
  double sxy = 0.0;
  double sx = 0.0;
  double sy = 0.0;
  double sxx = 0.0;
  double syy = 0.0;
  for (int i = 0; i < n; ++i) {
    KeyedRng a(7, 0, Stream::kStayLength, static_cast<std::uint64_t>(i), 1);
    KeyedRng b(7, 0, Stream::kStayLength, static_cast<std::uint64_t>(i) + 1, 1);
    const double x = uniform01(a);
    const double y = uniform01(b);
    sx += x;
    sy += y;
    sxy += x * y;
    sxx += x * x;
    syy += y * y;
  }
  const double cov = sxy / n - (sx / n) * (sy / n);
  const double corr =
      cov / std::sqrt((sxx / n - (sx / n) * (sx / n)) * (syy / n - (sy / n) * (sy / n)));
  EXPECT_LT(std::abs(corr), 4.0 / std::sqrt(static_cast<double>(n)));
}

TEST(Uniform01, StaysInTheHalfOpenUnitInterval) {
  KeyedRng gen(3, 0, Stream::kArrivalPerson);
  double lo = 1.0;
  double hi = 0.0;
  for (int i = 0; i < 100000; ++i) {
    const double u = uniform01(gen);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  EXPECT_LT(lo, 1e-3);
  EXPECT_GT(hi, 1.0 - 1e-3);
}

}  // namespace
}  // namespace parcours::core
