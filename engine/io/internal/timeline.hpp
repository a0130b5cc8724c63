// The policy timeline of a scenario (`[[timeline]]`: conversions, creations and closures of
// places, changes of inflow) and the regional envelopes (`[[funding.envelopes]]`), read into the
// model's terms. Internal to io (scenario.cpp calls it); docs/scenario-format.md documents it.
#pragma once

#include "engine/funding/envelopes.hpp"
#include "engine/io/internal/reader.hpp"
#include "engine/io/scenario.hpp"
#include "engine/model/params.hpp"

#include <string>
#include <vector>

namespace parcours::io::internal {

/// What the timeline asks for: its events (for the outputs), the changes of places by provider
/// (sorted by day: funding::grant_places decides which are in force) and of arrivals.
struct Timeline {
  std::vector<model::TimelineEvent> events;
  std::vector<model::CapacityChange> changes;
  std::vector<model::Arrivals::Change> inflow;
};

/// The model day of a calendar date (on or after `start`): in the calendar period it falls in
/// (months of 12 / periods_per_year from `start`), at the same fraction of the model's period, so
/// a period's first date is its first model day (2026-01-01 is day 365.25 of a run from
/// 2025-01-01).
[[nodiscard]] double model_day(const Date& start, int periods_per_year, int year, int month,
                               int day);

/// Reads `[[timeline]]` (node `n`) for `model` (services, territories, regions, providers and
/// places read). A conversion into a territory where the gaining service (which has declared
/// providers) has none adds a provider with no places at the start to `model` (and its
/// organisation), named after the event, which takes the new places.
[[nodiscard]] Timeline read_timeline(const Reader& r, const toml::node& n, model::Model& model,
                                     const std::vector<std::string>& service_names,
                                     const Date& start);

/// Reads `[[funding.envelopes]]` (node `n`).
[[nodiscard]] std::vector<funding::Envelope> read_envelopes(const Reader& r, const toml::node& n,
                                                            const model::Model& model,
                                                            const std::vector<std::string>& payers);

}  // namespace parcours::io::internal
