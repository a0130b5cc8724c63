#include "engine/funding/books.hpp"

#include "engine/core/check.hpp"
#include "engine/core/sim_time.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace parcours::funding {
namespace {

/// What a unit did in one period, read from the indicators.
struct Activity {
  double place_days = 0.0;
  double attended_days = 0.0;
  double school_days = 0.0;
};

Activity activity_of(const model::Indicators& ind, const Unit& unit, int period) {
  if (unit.provider != model::kNoProvider) {
    const auto i = ind.provider_cell(period, static_cast<int>(unit.provider));
    return {ind.provider_place_days[i], ind.provider_attended_days[i], ind.provider_school_days[i]};
  }
  const auto i = ind.cell(period, unit.territory, unit.service);
  return {ind.occupied_place_days[i], ind.attended_days[i], ind.school_days[i]};
}

template <typename T, typename U>
bool lists(const std::vector<T>& list, U value) {
  for (const auto& x : list) {
    if (static_cast<U>(x) == value) {
      return true;
    }
  }
  return false;
}

/// Whether an assignment selects a unit (whatever its start): every non-empty list matches.
/// Implicit units have no provider and no organisation, so such lists never select them.
bool selects(const Assignment& a, const Unit& unit) {
  const bool implicit = unit.provider == model::kNoProvider;
  if (!a.services.empty() && !lists(a.services, unit.service)) {
    return false;
  }
  if (!a.providers.empty() && (implicit || !lists(a.providers, unit.provider))) {
    return false;
  }
  if (!a.organisations.empty() && (implicit || !lists(a.organisations, unit.organisation))) {
    return false;
  }
  return true;
}

/// Days a daily price bills: attended days brought to opening days, those in the establishment
/// less the unbilled absences, plus the billed share of the days at school.
double billed(const ServiceMoney& money, const Activity& act) {
  const double to_opening = money.opening_days / core::kDaysPerYear;
  const double in_establishment = act.attended_days - act.school_days;
  return to_opening *
         (in_establishment * (1.0 - money.absence_share * (1.0 - money.bill_absences)) +
          act.school_days * money.bill_school_days);
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

/// Splits `revenue` (finite, nonzero) between payers into `out`. Every part but the last payer
/// with a share is rounded to a multiple of the revenue's last bit q (a change below 1e-16 of
/// the revenue); sums of such multiples below 2^53 q are exact, so the last part, the revenue
/// less the others, is exact too and the parts (shares in [0, 1] summing to 1) add up to the
/// revenue in any order. Without the rounding, `others + (revenue - others)` misses the revenue
/// by a bit now and then when the last payer's share is over 1/2 (`others` below revenue / 2).
void split(double revenue, const std::vector<double>& shares, double* out) {
  PARCOURS_CHECK(std::isfinite(revenue), "a unit's revenue is not finite");
  const auto n = shares.size();
  std::size_t last = n;
  for (std::size_t k = 0; k < n; ++k) {
    if (shares[k] != 0.0) {
      last = k;
    }
  }
  PARCOURS_CHECK(last < n, "a funded service's payer shares are all 0");
  const double q =
      std::max(std::ldexp(1.0, std::ilogb(revenue) - (std::numeric_limits<double>::digits - 1)),
               std::numeric_limits<double>::denorm_min());
  double others = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    out[k] = k == last ? 0.0 : std::round(revenue * shares[k] / q) * q;
    others += out[k];
  }
  out[last] = revenue - others;
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
      if (capacity[t] > 0) {
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

  const auto all = units(model);
  const int ppy = model.periods_per_year;
  const int years = model.horizon_years;
  const double period_days = model.period_days();

  Books books;
  books.periods = indicators.periods;
  books.units = static_cast<int>(all.size());
  books.payers = static_cast<int>(scheme.payers.size());
  const auto cells = static_cast<std::size_t>(books.periods) * all.size();
  books.billed_days.assign(cells, 0.0);
  books.price.assign(cells, 0.0);
  books.revenue.assign(cells, 0.0);
  books.cost.assign(cells, 0.0);
  books.rule.assign(cells, kNoRule);
  books.paid.assign(cells * scheme.payers.size(), 0.0);

  std::vector<double> growth(static_cast<std::size_t>(years), 1.0);  // (1 + cost_growth)^y
  for (int y = 0; y < years; ++y) {
    growth[y] = std::pow(1.0 + scheme.cost_growth, y);
  }

  std::vector<std::size_t> selecting;  // the assignments that select the unit, in file order
  std::vector<double> billed_in_year(static_cast<std::size_t>(years));
  for (int u = 0; u < books.units; ++u) {
    const auto& unit = all[u];
    const auto& money = scheme.services[unit.service];
    const auto places = static_cast<double>(unit.places);
    selecting.clear();
    for (std::size_t a = 0; a < scheme.assignments.size(); ++a) {
      if (selects(scheme.assignments[a], unit)) {
        selecting.push_back(a);
      }
    }
    std::fill(billed_in_year.begin(), billed_in_year.end(), 0.0);
    // The global allocation being paid: its assignment, and the allocation of `allocation_year`.
    std::size_t allocation_rule = scheme.assignments.size();
    int allocation_year = 0;
    double allocation = 0.0;

    for (int p = 0; p < books.periods; ++p) {
      const int y = p / ppy;
      const auto i = books.at(p, u);
      const Activity act = activity_of(indicators, unit, p);
      const double budget = places * money.euros_per_place_year * growth[y];

      const double occupancy = unit.places > 0 ? act.place_days / (places * period_days) : 0.0;
      books.cost[i] = budget / ppy * (money.fixed_share + (1.0 - money.fixed_share) * occupancy);
      books.billed_days[i] = billed(money, act);

      // The last selecting assignment that has started applies.
      std::size_t applies = scheme.assignments.size();
      for (std::size_t k = selecting.size(); k-- > 0;) {
        if (scheme.assignments[selecting[k]].from_period <= p) {
          applies = selecting[k];
          break;
        }
      }
      double revenue = 0.0;
      if (applies < scheme.assignments.size()) {
        const auto& a = scheme.assignments[applies];
        books.rule[i] = static_cast<std::uint8_t>(applies);
        switch (a.rule) {
          case Rule::kDailyPrice: {
            const double price =
                a.euros_per_day ? *a.euros_per_day
                                : computed_price(budget, billed_in_year, y,
                                                 places * money.opening_days * a.forecast_occupancy,
                                                 places * money.opening_days * a.floor_occupancy);
            books.price[i] = price;
            revenue = price * books.billed_days[i];
            break;
          }
          case Rule::kGlobalAllocation:
            if (allocation_rule != applies) {
              allocation_rule = applies;
              allocation_year = y;
              allocation = budget;
            }
            for (; allocation_year < y; ++allocation_year) {
              allocation *= 1.0 + a.growth_per_year;
            }
            revenue = allocation / ppy;
            break;
          case Rule::kCapitation:
            revenue = a.euros_per_child_year * act.place_days / core::kDaysPerYear;
            break;
        }
      }
      if (applies >= scheme.assignments.size() ||
          scheme.assignments[applies].rule != Rule::kGlobalAllocation) {
        allocation_rule = scheme.assignments.size();  // a later allocation starts afresh
      }
      billed_in_year[y] += books.billed_days[i];

      books.revenue[i] = revenue;
      if (revenue != 0.0) {
        PARCOURS_CHECK(!money.payer_split.empty(),
                       "a service paid under a funding rule has no payer split");
        split(revenue, money.payer_split, books.paid.data() + books.at(p, u, 0));
      }
    }
  }
  return books;
}

}  // namespace parcours::funding
