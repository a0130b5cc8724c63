// The general pathway model as plain data: territories, services with capacities, age bands,
// length-of-stay laws and what happens when a stay ends or an age limit is reached, and the
// stream of new orientations. io fills it from a scenario file; nothing here knows TOML.
#pragma once

#include "engine/core/distribution.hpp"
#include "engine/core/sim_time.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace parcours::model {

using ServiceId = std::uint16_t;
using TerritoryId = std::uint16_t;

inline constexpr ServiceId kNoService = std::numeric_limits<ServiceId>::max();

/// A territory (a département in the France model). `weight` is its share of national
/// arrivals (and, when a scenario gives a national capacity, of places); weights need not sum
/// to 1: they are normalised.
struct Territory {
  std::string code;
  std::string name;
  double weight = 1.0;
};

/// What a person does at a decision point.
enum class Action : std::uint8_t {
  kLeave,   // leaves the sector (counted as a departure)
  kOrient,  // frees its place and joins the target's waiting list in the same territory
  kMove,    // asks for a place in the target: moves at once if one is free, otherwise keeps
            // its current place (the Creton rule) and waits on the target's list; when a
            // target place frees, it moves and its old place frees
};

/// One branch of a decision: taken with `probability`; `target` is set for kOrient and kMove.
struct Branch {
  double probability = 1.0;
  Action action = Action::kLeave;
  ServiceId target = kNoService;
};

/// Who is in a service's places at t = 0. Remaining stays are drawn afresh from the service's
/// length-of-stay law (exact for memoryless laws, an assumption otherwise), capped by the age
/// limit.
struct InitialOccupancy {
  double share_of_places = 0.0;  // in [0, 1]; places filled = round(share * capacity)
  core::Distribution age_years = core::Distribution::fixed(0.0);
};

/// A kind of place (IME, SESSAD, an adult service...).
struct Service {
  std::string name;
  std::vector<std::int64_t> capacity;  // places per territory, >= 0
  double min_age_years = 0.0;          // people oriented younger join the list on reaching this age
  double age_limit_years = std::numeric_limits<double>::infinity();  // stays end at this age
  core::Distribution length_of_stay_years = core::Distribution::exponential(1.0);
  std::vector<Branch> on_stay_end{Branch{}};   // a stay ends before the age limit
  std::vector<Branch> on_age_limit{Branch{}};  // a stay reaches the age limit
  InitialOccupancy initial;

  [[nodiscard]] bool has_age_limit() const {
    return age_limit_years < std::numeric_limits<double>::infinity();
  }
};

/// New orientations: a Poisson process, shared between territories by weight.
struct Arrivals {
  double rate_per_year = 0.0;  // national
  core::Distribution age_years = core::Distribution::fixed(0.0);
  std::vector<double> orientation;  // per service: probability a newcomer is oriented there
};

/// The whole model of one scenario.
struct Model {
  std::vector<Territory> territories;
  std::vector<Service> services;
  Arrivals arrivals;
  int horizon_years = 1;
  int periods_per_year = 1;  // 1: yearly indicators; 12: monthly

  [[nodiscard]] int periods() const { return horizon_years * periods_per_year; }

  [[nodiscard]] double period_days() const {
    return core::kDaysPerYear / static_cast<double>(periods_per_year);
  }
};

}  // namespace parcours::model
