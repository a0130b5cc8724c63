// Regional envelopes (ARS): which of the places a scenario's policy timeline creates fit in what
// each region's payer may spend. Decided before the runs, from places and costs alone (no
// child's path enters it), so every replication has the same places.
#pragma once

#include "engine/funding/books.hpp"
#include "engine/model/params.hpp"

#include <cstdint>
#include <vector>

namespace parcours::funding {

/// An ARS regional envelope (ONDAM médico-social → CNSA → ARS): what `payer` may spend on the
/// places of a region's home territories a year. In the first year it is the payer's share of
/// those places' budgets × (1 + headroom); it then grows by growth_per_year. Places the timeline
/// creates in the region need room in it (funding::grant_places).
struct Envelope {
  PayerId payer = 0;
  double growth_per_year = 0.0;          // > -1
  double headroom = 0.0;                 // >= 0: room in the first year, as a share of its spending
  std::vector<model::RegionId> regions;  // empty: every region, each its own envelope
};

/// What grant_places decided, per year (the first year 0) and region.
struct Grants {
  int years = 0;
  int regions = 0;
  int envelopes = 0;  // envelopes.size()
  // [envelope][year][region]: the envelope and the payer's share of the budgets of the region's
  // places in force at the year's end, in euros (both 0 where the envelope does not cover the
  // region).
  std::vector<double> envelope;
  std::vector<double> spent;
  // [year][region]: places the timeline creates that year (asked), and places granted that year
  // (some of them asked in an earlier year and deferred); places in an abroad territory, or in a
  // region no envelope covers, are granted as asked and counted in neither.
  std::vector<std::int64_t> asked;
  std::vector<std::int64_t> granted;
  // The changes in force (to put in Model::capacity_changes): closures as asked; creations as far
  // as the region's envelopes have room when they are due, the rest deferred to the first day of
  // a later year with room (then granted in timeline order) or never.
  std::vector<model::CapacityChange> changes;
};

/// Decides the changes `requested` (sorted by day) under `envelopes`. Without envelopes
/// every change is granted as asked. A creation in a region is granted when, with it, every
/// envelope of the region still covers its payer's share of the budgets of the region's places
/// (ServiceMoney::euros_per_place_year × (1 + cost_growth)^year × payer share); a closure, or a
/// conversion's closing half, frees room at once (the budget of a place follows its
/// authorisation, not its last occupant).
[[nodiscard]] Grants grant_places(const model::Model& model, const Scheme& scheme,
                                  const std::vector<Envelope>& envelopes,
                                  const std::vector<model::CapacityChange>& requested);

}  // namespace parcours::funding
