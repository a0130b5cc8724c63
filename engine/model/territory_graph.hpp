// The land-border graph of the home territories (Boost.Graph): where a child with no free
// place at home may be placed instead, nearest first.
#pragma once

#include "engine/model/params.hpp"

#include <vector>

namespace parcours::model {

/// Borders crossed between every pair of home territories (breadth-first search over
/// `model.borders`); -1 when no land path joins them. [from][to], home territories only.
[[nodiscard]] std::vector<std::vector<int>> border_steps(const Model& model);

/// Fills `model.placement.reachable` and `served_by` from the borders, `max_steps` and the
/// abroad territories (see PlacementRule). Call once the territories and borders are final.
void compute_reachable(Model& model);

}  // namespace parcours::model
