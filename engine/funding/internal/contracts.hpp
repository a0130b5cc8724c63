// The rules whose units are paid together: a CPOM's pool (one envelope per organisation) and an
// impact bond (one investor, one outcome over its units), and the ledger of a run they write
// into. Used by books.cpp only.
#pragma once

#include "engine/funding/books.hpp"
#include "engine/funding/internal/measures.hpp"
#include "engine/model/indicators.hpp"
#include "engine/model/params.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace parcours::funding::internal {

/// The run's fixed quantities and the books being kept, shared by the rules' steps.
struct Ledger {
  const model::Model& model;
  const Scheme& scheme;
  const model::Indicators& indicators;
  std::vector<Unit> all;
  int ppy = 1;
  double period_days = 0.0;
  std::vector<double> growth;       // (1 + cost_growth)^y
  std::vector<Activity> acts;       // [period][unit]
  std::vector<double> year_places;  // [year][unit]: mean authorised places over the year
  Books books;

  [[nodiscard]] double cost_per_place(int u, int y) const {
    return scheme.services[all[u].service].euros_per_place_year * growth[y];
  }

  [[nodiscard]] std::size_t year_at(int y, int u) const {
    return static_cast<std::size_t>(y) * books.units + u;
  }

  /// The Indicator values of unit u over the periods of year y up to p.
  [[nodiscard]] std::array<double, kIndicators> year_indicators(int u, int p) const {
    const int first = p / ppy * ppy;
    return internal::indicator_values(scheme.services[all[u].service],
                                      acts.data() + books.at(first, u),
                                      books.places.data() + books.at(first, u), p - first + 1,
                                      static_cast<std::size_t>(books.units), period_days);
  }

  /// The modulation cut unit u earns in year y from its activity of year y - 1.
  [[nodiscard]] double cut(const Modulation& modulation, int u, int y) const {
    if (y == 0 || modulation.a <= 0.0) {
      return 0.0;
    }
    const int first = (y - 1) * ppy;
    const double activity = internal::activity_measure(
        modulation.measure, scheme.services[all[u].service], acts.data() + books.at(first, u),
        books.places.data() + books.at(first, u), ppy, static_cast<std::size_t>(books.units),
        period_days);
    return internal::modulation_cut(modulation, activity);
  }

  /// Records a unit's revenue of a period, split between payers by `shares`.
  void pay(int p, int u, double revenue, const std::vector<double>& shares) {
    books.revenue[books.at(p, u)] = revenue;
    if (revenue != 0.0) {
      PARCOURS_CHECK(!shares.empty(), "a service paid under a funding rule has no payer split");
      internal::split(revenue, shares, books.paid.data() + books.at(p, u, 0));
    }
  }
};

/// A CPOM's pool: one organisation's units under one pooled assignment (an implicit unit alone).
struct Pool {
  int term_year = -1;                             // first year of the current term
  double envelope = 0.0;                          // of the term's first year, a year's worth
  std::vector<std::pair<int, double>> reference;  // units and their places at the term's start
};

/// An impact bond's current term.
struct Bond {
  int term_year = -1;
  double principal = 0.0;  // what the investor paid in the term
};

/// Pays the units under the pooled assignment `k` in period p (`members`, in unit order), pool
/// by pool; `pools` keeps each (assignment, pool)'s term from one period to the next.
void pay_pools(Ledger& l, std::map<std::pair<std::size_t, std::int64_t>, Pool>& pools,
               std::size_t k, int p, const std::vector<int>& members);

/// Pays the units under the impact bond `k` in period p (`members`): the investor pays their
/// cost; at a term's end, the bond's payer repays it if the outcome is reached.
void pay_bond(Ledger& l, Bond& bond, std::size_t k, int p, const std::vector<int>& members);

}  // namespace parcours::funding::internal
