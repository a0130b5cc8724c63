// What each provider's funding pays for (model rule 28): the value, in shares of a place-day's
// funding, of a day of a child in each care, of a place-day left empty and of an inclusion day,
// under each funding rule assignment of a scheme, and which applies to each unit in each period.
// The simulation's behaviour (model::Behaviour) responds to the change of these from the first
// period. A pure function of the scenario: computed once, before the runs.
#pragma once

#include "engine/funding/books.hpp"
#include "engine/model/params.hpp"

namespace parcours::funding {

/// A child's care, as funding sees it: its mode's attendance (1 without modes) and coefficient
/// index, its schooling's school day share and whether it is in an ordinary school.
struct CareDay {
  double attendance = 1.0;
  double school_day_share = 0.0;
  bool ordinary_school = false;
  int mode = -1;  // index into Model::modes; -1: none (a mode coefficient of 1)
};

/// The CareDay of a model::Care::pack() byte of service `s` (modes and schoolings the service does
/// not record count as none; an index beyond Model::modes or Model::schoolings, for a service that
/// records them, breaks an invariant).
[[nodiscard]] CareDay care_of(const model::Model& model, model::ServiceId s, std::uint8_t care);

/// A day of a child in care `care` of service `s` under assignment `a` (nullptr: no rule): what it
/// brings while the child is in its place, and the part that leaves with the child. Per day, over
/// the service's cost per place-day at the start (ServiceMoney::euros_per_place_year / 365.25); 0
/// for an unfunded rule or a service without a cost where a rule is priced in euros.
///   daily price (computed): billed(care) / billed(typical), billed(care) = attendance ×
///     ((1 − school_day_share) × (1 − absence_share × (1 − bill_absences)) + school_day_share ×
///     bill_school_days) (the assignment's billing where it sets one), typical = the mean over
///     the care a child admitted to `s` draws (Service::mode_shares × schooling_shares): the price
///     recovers the budget at full places (0 when typical is 0);
///   daily price (euros_per_day): euros_per_day × opening_days × billed(care) / cost a place-year;
///   capitation: euros_per_child_year / cost a place-year;
///   pooled or needs-based with modulation a on occupancy: a × attendance (a day attended is a
///     point of occupancy over a place-year's 365.25 days); on services: a × attendance ×
///     opening_days / objective (the day brought to opening days, over the objective of days a
///     place); on people followed: 0 (counted once a year, not by days); only with a > 0 and
///     objective > 0, as the books cut; the allocation cut is taken as the place's cost;
///   needs-based: + base_rate × mode_coefficient(mode) × mean needs coefficient (over the needs
///     shares of the children entering through `s`, Profile::needs_shares; without them, the
///     first level's, as the simulation gives) × opening_days / reference_opening_days / cost a
///     place-year (care value only: the allocation follows places, a leaving child does not take
///     it);
///   performance (weights w normalised): + at_stake × w / target for an occupancy target and × TAM
///     per child-day (attendance × opening_days × care_hours_per_day / (staff_per_place ×
///     staff_hours_per_year × active_share)) for a time-of-care target (stay and care values);
///     + at_stake × w / target × ordinary_school for an inclusion target (care value only);
///     the waiting target is left out (it rewards admissions, not days);
///   modulated price: as a computed daily price, billed revenue(care) / billed revenue(typical),
///     revenue(care) = attendance × ((1 − school_day_share) × (1 − absence_share × (1 −
///     bill_absences)) × P[price_mode_of[mode]] + school_day_share × bill_school_days ×
///     P[school_price_mode, else price_mode_of[mode]]), P the first-year modulated prices
///     (modulate() of Scheme::costs, after_notification) of the providers of `s` the assignment
///     selects that have costs, averaged weighted by their places at the start (a price mode of
///     kNoPriceMode, or a care without a mode: 0); 0 when no such provider or typical is 0;
///     less Behaviour::mode_costs × (cost(care) / cost(typical) − 1), cost as revenue at the
///     unit costs (those prices before any C1 scaling) with every day attended counted;
///   global allocation, impact bond, no rule: 0.
struct DayValue {
  double care = 0.0;
  double stay = 0.0;
};

[[nodiscard]] DayValue day_value(const model::Model& model, const Scheme& scheme,
                                 const Assignment* a, model::ServiceId s, const CareDay& care);

/// What a child of needs level `needs` brings per day while in its place under a needs-based
/// assignment: base_rate × mean mode coefficient (over the service's mode shares; 1 when it
/// records none) × needs_coefficients[needs] × opening_days / reference_opening_days / cost a
/// place-year; 0 under any other rule (no rule weighs needs) or without needs coefficients.
[[nodiscard]] double needs_value(const model::Model& model, const Scheme& scheme,
                                 const Assignment* a, model::ServiceId s, int needs);

/// The incentives of every unit and period (model::Incentives, its layout; vacancy is stay
/// averaged over the service's mode × schooling shares; school_day is care_value of {1, 0, false}
/// less that of {1, 1, true}, under a modulated price of each mode the service's entrants have,
/// averaged over its mode shares), from the assignments that select each unit as the books choose
/// them (the last selecting one that has started; cells without a funding unit: no rule).
/// Empty when the scheme has no assignment.
[[nodiscard]] model::Incentives incentives(const model::Model& model, const Scheme& scheme);

}  // namespace parcours::funding
