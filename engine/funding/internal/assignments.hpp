// Which funding rule assignment applies to a unit in a period, and how days are billed under it.
// Shared by the books (what providers are paid) and the incentives (what they respond to), so
// the two can never disagree on the rule in force or its billing.
#pragma once

#include "engine/funding/books.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace parcours::funding::internal {

/// The assignments of `scheme` that select `unit`, in file order.
[[nodiscard]] std::vector<std::size_t> selecting(const Scheme& scheme, const Unit& unit);

/// The assignment in force in `period` for a unit whose selecting assignments are `selecting`
/// (as selecting() gives them, in file order): the last that has started; kNoRule when none has.
[[nodiscard]] std::uint8_t rule_in_force(const Scheme& scheme,
                                         const std::vector<std::size_t>& selecting, int period);

/// How days are billed: shares of absence days and of days at school (inclusion days) billed.
struct Billing {
  double absences = 1.0;
  double school_days = 1.0;
};

/// The billing of a service under assignment `a` (nullptr: none): a daily or modulated price's
/// own where it sets one, else the service's.
[[nodiscard]] Billing billing_of(const ServiceMoney& money, const Assignment* a);

/// Days a daily price bills for `in_establishment` days attended in the establishment and
/// `at_school` days at school: the first less their unbilled absences, plus the billed share of
/// the second. The books bill a unit's days with it, the incentives a child's day.
[[nodiscard]] double billed_days(const ServiceMoney& money, const Billing& billing,
                                 double in_establishment, double at_school);

/// Adds to `out` (one per Scheme::price_modes) × `scale` the days a modulated price bills for
/// `in_establishment` days in the establishment and `at_school` days at school of a child of model
/// mode `mode`: the first in the mode's price mode (Scheme::price_mode_of), the second in the
/// school price mode (none: the mode's), each as billed_days bills them; kNoPriceMode bills none.
/// The books bill a provider's days by mode with it, the incentives a child's day.
void add_price_mode_days(const Scheme& scheme, const ServiceMoney& money, const Billing& billing,
                         std::size_t mode, double in_establishment, double at_school, double scale,
                         double* out);

}  // namespace parcours::funding::internal
