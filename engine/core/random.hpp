// Keyed random streams: every draw of a replication comes from a stream named by
// (seed, replication, purpose[, entity, occurrence]), so results do not depend on threads,
// and two scenarios that differ only in a policy see the same people (common random numbers).
#pragma once

#include <cstdint>
#include <limits>

namespace parcours::core {

/// What a stream is for. Append-only with explicit values: a new purpose never shifts others.
enum class Stream : std::uint32_t {
  kArrivalTimes = 1,     // entity: territory
  kArrivalPerson = 2,    // entity: arriving person; age and orientation
  kInitialPerson = 3,    // entity: person present at t = 0; age
  kStayLength = 4,       // entity: person, occurrence: stay number
  kStayOutcome = 5,      // entity: person, occurrence: stay number
  kAgeLimitOutcome = 6,  // entity: person, occurrence: stay number
  kInterim = 7,          // entity: person, occurrence: stays begun when it joined a list
  kAttributes = 8,       // entity: person; impairment, needs, ASE, sex
  kListReview = 9,       // entity: person, occurrence: review number; removal at a review
  kMortality = 10,       // entity: person, occurrence: 4 × stays begun + phase; time to death
  kCare = 11,            // entity: person, occurrence: stay number; mode and schooling
  kPlanReview = 12,      // entity: person, occurrence: review year; plan step drawn
  kApplication = 13,     // entity: person, occurrence: stays × services + service; the
                         // providers whose lists it joins (lists per provider)
  kAlternative = 14,     // entity: person, occurrence: stays × services + service; whether its
                         // orientation comes with the alternative one (double orientation)
  kRenewal = 15,         // entity: person, occurrence: stays << 16 | expiry number; whether its
                         // orientation is renewed when it expires
  kCretonRelease = 16,   // entity: person, occurrence: stay number; whether its provider keeps
                         // it past the age limit (providers' responses, Model::behaviour)
};

/// SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijective 64-bit mix.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// The key of a stream: each component is mixed in turn, with its position, so that
/// (a, b) and (b, a) name different streams.
/// The first three components of a stream key: computed once, it saves a loop that draws from
/// many streams of one purpose (a review over every child) most of each key's cost.
[[nodiscard]] constexpr std::uint64_t stream_prefix(std::uint64_t seed, std::uint64_t replication,
                                                    Stream purpose) noexcept {
  std::uint64_t h = mix64(seed + 0x9e3779b97f4a7c15ULL);
  h = mix64(h ^ mix64(replication + 0x632be59bd9b4e019ULL));
  return mix64(h ^ mix64(static_cast<std::uint64_t>(purpose) + 0x85157af5ULL));
}

/// The key of the stream (entity, occurrence) under a prefix from stream_prefix().
[[nodiscard]] constexpr std::uint64_t stream_key(std::uint64_t prefix, std::uint64_t entity,
                                                 std::uint64_t occurrence) noexcept {
  const std::uint64_t h = mix64(prefix ^ mix64(entity + 0xd1b54a32d192ed03ULL));
  return mix64(h ^ mix64(occurrence + 0x8cb92ba72f3d8dd7ULL));
}

[[nodiscard]] constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint64_t replication,
                                                 Stream purpose, std::uint64_t entity = 0,
                                                 std::uint64_t occurrence = 0) noexcept {
  return stream_key(stream_prefix(seed, replication, purpose), entity, occurrence);
}

/// A counter-based generator: output n is mix64(key + n * golden gamma), i.e. SplitMix64
/// started at the key. Sixteen bytes of state, so a stream per person and stay costs nothing.
/// Models std::uniform_random_bit_generator; feed it to Boost.Random distributions.
/// Thread-compatible.
class KeyedRng {
 public:
  using result_type = std::uint64_t;

  constexpr explicit KeyedRng(std::uint64_t key) noexcept : state_(key) {}

  constexpr KeyedRng(std::uint64_t seed, std::uint64_t replication, Stream purpose,
                     std::uint64_t entity = 0, std::uint64_t occurrence = 0) noexcept
      : state_(stream_key(seed, replication, purpose, entity, occurrence)) {}

  static constexpr result_type min() noexcept { return 0; }

  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  constexpr result_type operator()() noexcept {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }

 private:
  std::uint64_t state_;
};

/// A uniform double in [0, 1) from the top 53 bits of one draw (exact, portable).
template <class Urbg>
[[nodiscard]] double uniform01(Urbg& gen) {
  return static_cast<double>(gen() >> 11) * 0x1.0p-53;
}

}  // namespace parcours::core
