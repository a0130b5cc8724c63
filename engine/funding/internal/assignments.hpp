// Which funding rule assignment applies to a unit in a period. Shared by the books (what
// providers are paid) and the incentives (what they respond to), so the two can never disagree
// on the rule in force.
#pragma once

#include "engine/funding/books.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace parcours::funding::internal {

/// Whether an assignment selects a unit (whatever its start): every non-empty list matches.
/// Implicit units have no provider and no organisation, so such lists never select them.
[[nodiscard]] bool selects(const Assignment& a, const Unit& unit);

/// The assignments of `scheme` that select `unit`, in file order.
[[nodiscard]] std::vector<std::size_t> selecting(const Scheme& scheme, const Unit& unit);

/// The assignment in force in `period` for a unit whose selecting assignments are `selecting`
/// (as selecting() gives them, in file order): the last that has started; kNoRule when none has.
[[nodiscard]] std::uint8_t rule_in_force(const Scheme& scheme,
                                         const std::vector<std::size_t>& selecting, int period);

}  // namespace parcours::funding::internal
