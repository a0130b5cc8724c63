#include "engine/funding/books.hpp"

#include "engine/core/check.hpp"
#include "engine/core/sim_time.hpp"
#include "engine/funding/internal/assignments.hpp"
#include "engine/funding/internal/contracts.hpp"
#include "engine/funding/internal/measures.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <utility>

namespace parcours::funding {
namespace {

using internal::Activity;
using internal::activity_of;
using internal::Bond;
using internal::Ledger;
using internal::Pool;

/// Days a daily price bills: attended days brought to opening days, those in the establishment
/// less the unbilled absences, plus the billed share of the days at school.
double billed(const ServiceMoney& money, const internal::Billing& billing, const Activity& act) {
  const double to_opening = money.opening_days / core::kDaysPerYear;
  return to_opening * internal::billed_days(money, billing, act.attended_days - act.school_days,
                                            act.school_days);
}

/// R.314-113: the budget of year `y` over the mean billed days of its (up to) three previous
/// years in the run; with none, or a mean of 0 days, over the forecast days. 0 with no days.
double computed_price(double budget, const std::vector<double>& billed_in_year, int y,
                      double forecast_days, double floor_days) {
  const int first = y >= 3 ? y - 3 : 0;
  double days = 0.0;
  for (int past = first; past < y; ++past) {
    days += billed_in_year[past];
  }
  days = y > first ? days / (y - first) : 0.0;
  if (days <= 0.0) {
    days = forecast_days;
  }
  days = std::max(days, floor_days);
  return days > 0.0 ? budget / days : 0.0;
}

/// Σ_k share_k × coefficients[k] over the occupants of a unit by mode or needs level (`counts`,
/// `n` of them); 1 with no coefficients or no occupants.
double mix(const std::vector<double>& coefficients, const std::int64_t* counts, int n) {
  if (coefficients.empty() || n == 0) {
    return 1.0;
  }
  double weighted = 0.0;
  std::int64_t total = 0;
  for (int k = 0; k < n; ++k) {
    weighted += static_cast<double>(counts[k]) * coefficients[k];
    total += counts[k];
  }
  return total > 0 ? weighted / static_cast<double>(total) : 1.0;
}

/// Adds to `out` (one per price mode) the days a modulated price bills in period p of declared
/// provider `provider` (R.314-119): each mode's days in the establishment in its price mode, its
/// days at school in the school price mode (none: its mode's), billed as billed() bills them.
/// Days of a mode of no price mode are not billed.
void bill_by_price_mode(const model::Indicators& ind, const Scheme& scheme,
                        const ServiceMoney& money, const internal::Billing& billing, int p,
                        int provider, double* out) {
  const double to_opening = money.opening_days / core::kDaysPerYear;
  for (int k = 0; k < ind.modes; ++k) {
    const auto j = ind.provider_mode_cell(p, provider, k);
    const double at_school = ind.provider_mode_school_days[j];
    internal::add_price_mode_days(scheme, money, billing, static_cast<std::size_t>(k),
                                  ind.provider_mode_attended_days[j] - at_school, at_school,
                                  to_opening, out);
  }
}

/// What a unit carries from one period to the next under the rules that need a history.
struct UnitState {
  std::vector<double> billed_in_year;  // daily price: billed days of each year so far
  // Modulated price: the prices of year `prices_year` under assignment `prices_rule` (computed
  // once a year, from Books::mode_billed_days of the previous years).
  std::size_t prices_rule = std::numeric_limits<std::size_t>::max();
  int prices_year = -1;
  std::vector<double> prices;
  // The allocation being paid (kGlobalAllocation, kPerformance): its assignment, the year it
  // has reached, its amount that year for `reference` places.
  std::size_t allocation_rule = std::numeric_limits<std::size_t>::max();
  int allocation_year = 0;
  double allocation = 0.0;
  double reference = 0.0;
  double at_stake = 0.0;  // kPerformance: the year's share at stake so far, euros
};

/// R.314-119: the prices of year y, one per price mode, of unit u (a declared provider with costs
/// and places at the start) under modulated price `a`: modulate() of its costs, each gamme's
/// euros grown to year y and brought to the year's places, over the cost table's forecast days
/// (and its notified price) in the run's first year; later over the mean days billed by price
/// mode of the (up to) three previous years (Books::mode_billed_days, all their periods), raised in
/// proportion to the floor, or the cost table's days (without a notified price, which was the
/// first year's) where those cannot price every gamme.
std::vector<double> modulated_prices(const Ledger& l, const Assignment& a, int u, int y) {
  const auto& unit = l.all[u];
  const auto& scheme = l.scheme;
  const auto& modes = scheme.price_modes;
  const std::size_t n = modes.size();
  const double year_places = l.year_places[l.year_at(y, u)];
  CostDecomposition costs = *scheme.costs[unit.provider];
  for (double& euros : costs.euros) {
    euros *= l.growth[y] * year_places / static_cast<double>(unit.places);
  }
  if (y > 0) {
    const int first = y >= 3 ? y - 3 : 0;
    CostDecomposition past = costs;
    past.notified_single_price.reset();
    auto& days = past.forecast_days;
    days.assign(n, 0.0);
    double total = 0.0;
    for (std::size_t m = 0; m < n; ++m) {
      for (int p = first * l.ppy; p < y * l.ppy; ++p) {
        days[m] += l.books.mode_billed_days[l.books.mode_at(p, u, static_cast<int>(m))];
      }
      days[m] /= y - first;
      total += days[m];
    }
    // As a daily price's divisor, never below the floor; raised in proportion, so the mix of
    // modes that sets the unit costs is the one billed.
    const double floor =
        year_places * scheme.services[unit.service].opening_days * a.floor_occupancy;
    if (total > 0.0 && total < floor) {
      for (double& d : days) {
        d *= floor / total;
      }
    }
    if (check_costs(modes, past).empty()) {
      return modulate(modes, past, scheme.after_notification).price;
    }
    costs.notified_single_price.reset();
  }
  PARCOURS_CHECK(check_costs(modes, costs).empty(),
                 "a provider paid by a modulated price has costs its forecast days cannot price "
                 "(check_costs)");
  return modulate(modes, costs, scheme.after_notification).price;
}

/// The allocation of period p of a unit under an allocation that follows its places: the year's
/// allocation (renewed with growth from the budget of its first period) plus the change of
/// places since then at the year's cost per place, a year's worth.
double allocation_of(Ledger& l, UnitState& s, std::size_t rule, int p, int u) {
  const int y = p / l.ppy;
  const double places = l.books.places[l.books.at(p, u)];
  if (s.allocation_rule != rule) {
    s.allocation_rule = rule;
    s.allocation_year = y;
    s.reference = places;
    s.allocation = places * l.cost_per_place(u, y);
  }
  for (; s.allocation_year < y; ++s.allocation_year) {
    s.allocation *= 1.0 + l.scheme.assignments[rule].growth_per_year;
  }
  return std::max(0.0, s.allocation + (places - s.reference) * l.cost_per_place(u, y));
}

}  // namespace

std::vector<Unit> units(const model::Model& model) {
  std::vector<Unit> out;
  out.reserve(model.providers.size());
  std::vector<bool> declared(model.services.size(), false);
  for (std::size_t p = 0; p < model.providers.size(); ++p) {
    const auto& provider = model.providers[p];
    PARCOURS_CHECK(provider.service < model.services.size(), "a provider's service is unknown");
    declared[provider.service] = true;
    out.push_back({provider.territory, provider.service, static_cast<model::ProviderId>(p),
                   provider.places, provider.organisation});
  }
  for (std::size_t t = 0; t < model.territories.size(); ++t) {
    for (std::size_t s = 0; s < model.services.size(); ++s) {
      if (declared[s]) {
        continue;
      }
      const auto& capacity = model.services[s].capacity;
      PARCOURS_CHECK(capacity.size() == model.territories.size(),
                     "a service's capacity needs one value per territory");
      const bool gains = std::any_of(model.capacity_changes.begin(), model.capacity_changes.end(),
                                     [&](const auto& c) {
                                       return c.delta > 0 && c.provider == model::kNoProvider &&
                                              c.territory == t && c.service == s;
                                     });
      if (capacity[t] > 0 || gains) {
        Unit unit;
        unit.territory = static_cast<model::TerritoryId>(t);
        unit.service = static_cast<model::ServiceId>(s);
        unit.places = capacity[t];
        out.push_back(unit);
      }
    }
  }
  return out;
}

Books keep_books(const model::Model& model, const Scheme& scheme,
                 const model::Indicators& indicators) {
  PARCOURS_CHECK(model.periods_per_year > 0, "periods per year must be positive");
  PARCOURS_CHECK(indicators.periods == model.periods(), "indicators of another horizon");
  PARCOURS_CHECK(indicators.territories == static_cast<int>(model.territories.size()) &&
                     indicators.services == static_cast<int>(model.services.size()) &&
                     indicators.providers == static_cast<int>(model.providers.size()),
                 "indicators of another model");
  PARCOURS_CHECK(scheme.services.size() == model.services.size(),
                 "the funding scheme needs one ServiceMoney per service");
  PARCOURS_CHECK(scheme.assignments.size() < kNoRule, "too many funding rule assignments");
  PARCOURS_CHECK(scheme.payers.size() < 256, "too many payers");
  for (const auto& money : scheme.services) {
    PARCOURS_CHECK(money.payer_split.empty() || money.payer_split.size() == scheme.payers.size(),
                   "a service's payer split needs one share per payer");
  }
  for (const auto& a : scheme.assignments) {
    PARCOURS_CHECK(a.rule != Rule::kImpactBond ||
                       (a.investor < scheme.payers.size() && a.repaid_by < scheme.payers.size()),
                   "an impact bond's investor or payer is not a payer");
    PARCOURS_CHECK(a.mode_coefficients.empty() || a.mode_coefficients.size() == model.modes.size(),
                   "mode coefficients need one value per mode");
    PARCOURS_CHECK(a.needs_coefficients.empty() ||
                       a.needs_coefficients.size() == model.children.needs_levels.size(),
                   "needs coefficients need one value per needs level");
    PARCOURS_CHECK(a.term_years > 0, "a term needs at least one year");
  }
  const bool modulated =
      std::any_of(scheme.assignments.begin(), scheme.assignments.end(),
                  [](const Assignment& a) { return a.rule == Rule::kModulatedPrice; });
  if (modulated) {
    PARCOURS_CHECK(!scheme.price_modes.empty() && scheme.price_modes.size() < kNoPriceMode,
                   "a modulated price needs price modes (at most 254)");
    PARCOURS_CHECK(scheme.price_mode_of.size() == model.modes.size(),
                   "a modulated price needs the price mode of each mode (Scheme::price_mode_of)");
    for (const auto m : scheme.price_mode_of) {
      PARCOURS_CHECK(m == kNoPriceMode || m < scheme.price_modes.size(),
                     "a mode's price mode is not one of the scheme's price modes");
    }
    PARCOURS_CHECK(scheme.school_price_mode == kNoPriceMode ||
                       scheme.school_price_mode < scheme.price_modes.size(),
                   "the price mode of days at school is not one of the scheme's price modes");
  }
  // Days by mode, when the simulation measured them (Model::mode_days).
  const auto mode_cells = static_cast<std::size_t>(indicators.periods) * indicators.providers *
                          static_cast<std::size_t>(indicators.modes);
  const bool mode_days = indicators.modes > 0 &&
                         indicators.modes == static_cast<int>(model.modes.size()) &&
                         indicators.provider_mode_attended_days.size() == mode_cells &&
                         indicators.provider_mode_school_days.size() == mode_cells;

  Ledger l{model, scheme, indicators, units(model), model.periods_per_year, model.period_days(), {},
           {},    {},     {}};
  const int ppy = l.ppy;
  const int years = model.horizon_years;
  const auto n_assignments = scheme.assignments.size();
  auto& books = l.books;
  books.periods = indicators.periods;
  books.units = static_cast<int>(l.all.size());
  books.payers = static_cast<int>(scheme.payers.size());
  books.organisations = static_cast<int>(model.organisations.size());
  books.assignments = static_cast<int>(n_assignments);
  const auto cells = static_cast<std::size_t>(books.periods) * l.all.size();
  books.billed_days.assign(cells, 0.0);
  books.price.assign(cells, 0.0);
  books.revenue.assign(cells, 0.0);
  books.cost.assign(cells, 0.0);
  books.rule.assign(cells, kNoRule);
  books.paid.assign(cells * scheme.payers.size(), 0.0);
  books.places.assign(cells, 0.0);
  books.time_of_care.assign(cells, 0.0);
  books.indicators.assign(cells * kIndicators, 0.0);
  books.score.assign(cells, 0.0);
  books.repaid.assign(static_cast<std::size_t>(books.periods) * n_assignments, 0.0);
  books.pooled_envelope.assign(static_cast<std::size_t>(books.periods) * books.organisations, 0.0);
  books.pooled_paid.assign(books.pooled_envelope.size(), 0.0);
  const std::size_t n_price_modes = scheme.price_modes.size();
  books.price_modes = static_cast<int>(n_price_modes);
  books.mode_billed_days.assign(cells * n_price_modes, 0.0);
  books.mode_price.assign(cells * n_price_modes, 0.0);

  l.growth.assign(static_cast<std::size_t>(years), 1.0);
  for (int y = 0; y < years; ++y) {
    l.growth[y] = std::pow(1.0 + scheme.cost_growth, y);
  }

  // What every unit did and had, period by period: activity, places, cost, billed days, the
  // time of care and the indicators, and the assignment that applies.
  //
  // Places vary (the policy timeline), so a unit's places in a period are its authorised
  // place-days over the period's days, as the simulation measured them. They are required, not
  // taken from Unit::places when missing: a unit with places at the start and no place-days in
  // the first period has indicators that did not measure places, and books kept on the wrong
  // places would be silently wrong.
  l.acts.resize(cells);
  l.year_places.assign(static_cast<std::size_t>(years) * l.all.size(), 0.0);
  std::vector<std::vector<std::size_t>> selecting(l.all.size());  // in file order
  for (int u = 0; u < books.units; ++u) {
    const auto& unit = l.all[u];
    selecting[u] = internal::selecting(scheme, unit);
    if (books.periods > 0) {
      PARCOURS_CHECK(unit.places == 0 || activity_of(indicators, unit, 0).capacity_days > 0.0,
                     "the indicators have no authorised place-days (capacity_days) for a unit "
                     "with places: the books need the places the simulation measured");
    }
  }
  for (int p = 0; p < books.periods; ++p) {
    const int y = p / ppy;
    for (int u = 0; u < books.units; ++u) {
      const auto& unit = l.all[u];
      const auto& money = scheme.services[unit.service];
      const auto i = books.at(p, u);
      auto& act = l.acts[i];
      act = activity_of(indicators, unit, p);
      const double places = act.capacity_days / l.period_days;
      books.places[i] = places;
      l.year_places[l.year_at(y, u)] += act.capacity_days / core::kDaysPerYear;
      const double occupancy = act.capacity_days > 0.0 ? act.place_days / act.capacity_days : 0.0;
      books.cost[i] = places * l.cost_per_place(u, y) / ppy *
                      (money.fixed_share + (1.0 - money.fixed_share) * occupancy);
      books.rule[i] = internal::rule_in_force(scheme, selecting[u], p);
      // The billing of the daily price in force, so that a dated change of billing bills from
      // its start and reaches the prices of the next years through their divisor.
      const auto* in_force =
          books.rule[i] == kNoRule ? nullptr : &scheme.assignments[books.rule[i]];
      books.billed_days[i] = billed(money, internal::billing_of(money, in_force), act);
      const auto time = internal::care_time(money, act, places, l.period_days);
      books.time_of_care[i] = time.staff_hours > 0.0 ? time.care_hours / time.staff_hours : 0.0;
      const auto values = internal::indicator_values(money, &act, &places, 1, 0, l.period_days);
      std::copy(values.begin(), values.end(), books.indicators.begin() + i * kIndicators);
    }
  }

  // Revenue, period by period (pools and bonds span units).
  std::vector<UnitState> state(l.all.size());
  for (auto& s : state) {
    s.billed_in_year.assign(static_cast<std::size_t>(years), 0.0);
  }
  // A modulated price's prices read the days billed by price mode before it started, so they are
  // kept under any rule.
  const bool mode_history = modulated && mode_days;
  std::vector<double> days_by_mode(n_price_modes, 0.0);  // of the unit and period at hand
  std::map<std::pair<std::size_t, std::int64_t>, Pool> pools;
  std::vector<Bond> bonds(n_assignments);
  std::vector<std::vector<int>> members(n_assignments);  // units under a pooled rule or a bond
  for (int p = 0; p < books.periods; ++p) {
    const int y = p / ppy;
    const bool year_end = (p + 1) % ppy == 0;
    for (auto& m : members) {
      m.clear();
    }
    for (int u = 0; u < books.units; ++u) {
      const auto& unit = l.all[u];
      const auto& money = scheme.services[unit.service];
      auto& s = state[u];
      const auto i = books.at(p, u);
      const std::size_t applies = books.rule[i] == kNoRule ? n_assignments : books.rule[i];
      const bool allocation_rule =
          applies < n_assignments && (scheme.assignments[applies].rule == Rule::kGlobalAllocation ||
                                      scheme.assignments[applies].rule == Rule::kPerformance);
      if (!allocation_rule) {
        s.allocation_rule = std::numeric_limits<std::size_t>::max();  // a later one starts afresh
      }
      // The days by price mode, whatever the rule: the next years' modulated prices read them.
      const bool measured = mode_history && unit.provider != model::kNoProvider;
      if (measured) {
        const auto* in_force = applies < n_assignments ? &scheme.assignments[applies] : nullptr;
        std::fill(days_by_mode.begin(), days_by_mode.end(), 0.0);
        bill_by_price_mode(indicators, scheme, money, internal::billing_of(money, in_force), p,
                           static_cast<int>(unit.provider), days_by_mode.data());
        for (std::size_t m = 0; m < n_price_modes; ++m) {
          books.mode_billed_days[books.mode_at(p, u, static_cast<int>(m))] = days_by_mode[m];
        }
      }
      double revenue = 0.0;
      if (applies < n_assignments) {
        const auto& a = scheme.assignments[applies];
        const double places = books.places[i];
        switch (a.rule) {
          case Rule::kDailyPrice: {
            const double year_places = l.year_places[l.year_at(y, u)];
            const double price =
                a.euros_per_day
                    ? *a.euros_per_day
                    : computed_price(year_places * l.cost_per_place(u, y), s.billed_in_year, y,
                                     year_places * money.opening_days * a.forecast_occupancy,
                                     year_places * money.opening_days * a.floor_occupancy);
            books.price[i] = price;
            revenue = price * books.billed_days[i];
            break;
          }
          case Rule::kGlobalAllocation:
            revenue = allocation_of(l, s, applies, p, u) / ppy;
            break;
          case Rule::kCapitation:
            revenue = a.euros_per_child_year * l.acts[i].place_days / core::kDaysPerYear;
            break;
          case Rule::kPerformance: {
            const double allocation = allocation_of(l, s, applies, p, u) / ppy;
            revenue = allocation * (1.0 - a.at_stake);
            s.at_stake += allocation * a.at_stake;
            // Paid on the year's indicators at its last period, or at the last under this rule.
            const bool last = year_end || books.rule[books.at(p + 1, u)] != books.rule[i];
            if (last) {
              const double score = internal::score_of(a.targets, l.year_indicators(u, p));
              books.score[i] = score;
              revenue += s.at_stake * score;
              s.at_stake = 0.0;
            }
            break;
          }
          case Rule::kNeedsBased: {
            // Occupants' mix at the end of the previous period (period 0: of its own).
            const int q = p > 0 ? p - 1 : 0;
            const int n_modes = indicators.modes;
            const int n_needs = indicators.needs;
            const std::int64_t* by_mode = nullptr;
            const std::int64_t* by_needs = nullptr;
            if (unit.provider != model::kNoProvider) {
              const auto j = indicators.provider_cell(q, static_cast<int>(unit.provider));
              by_mode = indicators.provider_mode_end.data() + j * n_modes;
              by_needs = indicators.provider_needs_end.data() + j * n_needs;
            } else {
              const auto j = indicators.cell(q, unit.territory, unit.service);
              by_mode = indicators.place_mode_end.data() + j * n_modes;
              by_needs = indicators.place_needs_end.data() + j * n_needs;
            }
            const bool was_under = y > 0 && books.rule[books.at(y * ppy - 1, u)] == books.rule[i];
            const double cut = was_under ? l.cut(a.modulation, u, y) : 0.0;
            const double principal = a.base_rate * l.growth[y] * places *
                                     mix(a.mode_coefficients, by_mode, n_modes) *
                                     mix(a.needs_coefficients, by_needs, n_needs) *
                                     money.opening_days / a.reference_opening_days;
            revenue =
                (principal * (1.0 - cut) + a.complementary_per_place * l.growth[y] * places +
                 a.transport_per_child * l.growth[y] * static_cast<double>(l.acts[i].followed)) /
                ppy;
            break;
          }
          case Rule::kModulatedPrice: {
            if (s.prices_rule != applies || s.prices_year != y) {
              PARCOURS_CHECK(unit.provider != model::kNoProvider,
                             "a modulated price pays declared providers only");
              PARCOURS_CHECK(unit.provider < scheme.costs.size() && scheme.costs[unit.provider],
                             "a provider paid by a modulated price has no costs (Scheme::costs)");
              PARCOURS_CHECK(unit.places > 0,
                             "a provider paid by a modulated price has no places at the start, "
                             "which its costs are of");
              PARCOURS_CHECK(measured,
                             "a modulated price bills days by mode, which the indicators did not "
                             "measure (Model::mode_days)");
              s.prices = modulated_prices(l, a, u, y);
              s.prices_rule = applies;
              s.prices_year = y;
            }
            for (std::size_t m = 0; m < n_price_modes; ++m) {
              books.mode_price[books.mode_at(p, u, static_cast<int>(m))] = s.prices[m];
              revenue += s.prices[m] * days_by_mode[m];
            }
            const double days = books.billed_days[i];
            books.price[i] = days > 0.0 ? revenue / days : 0.0;  // the mean price
            break;
          }
          case Rule::kPooledAllocation:
          case Rule::kImpactBond:
            members[applies].push_back(u);
            continue;  // paid below, with the other units of their pool or bond
        }
      }
      l.pay(p, u, revenue, money.payer_split);
    }
    for (std::size_t k = 0; k < n_assignments; ++k) {
      if (scheme.assignments[k].rule == Rule::kPooledAllocation && !members[k].empty()) {
        pay_pools(l, pools, k, p, members[k]);
      } else if (scheme.assignments[k].rule == Rule::kImpactBond && !members[k].empty()) {
        pay_bond(l, bonds[k], k, p, members[k]);
      }
    }
    for (int u = 0; u < books.units; ++u) {
      state[u].billed_in_year[y] += books.billed_days[books.at(p, u)];
    }
  }
  return books;
}

}  // namespace parcours::funding
