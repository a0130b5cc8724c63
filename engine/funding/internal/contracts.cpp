#include "engine/funding/internal/contracts.hpp"

#include "engine/core/check.hpp"

#include <algorithm>
#include <cmath>

namespace parcours::funding::internal {

void pay_pools(Ledger& l, std::map<std::pair<std::size_t, std::int64_t>, Pool>& pools,
               std::size_t k, int p, const std::vector<int>& members) {
  const auto& a = l.scheme.assignments[k];
  const int y = p / l.ppy;
  auto& books = l.books;
  // Group by organisation (implicit units: each alone, keyed past every organisation).
  std::map<std::int64_t, std::vector<int>> by_pool;
  for (const int u : members) {
    const auto& unit = l.all[u];
    const std::int64_t key = unit.provider != model::kNoProvider
                                 ? static_cast<std::int64_t>(unit.organisation)
                                 : static_cast<std::int64_t>(l.model.organisations.size()) + u;
    by_pool[key].push_back(u);
  }
  std::vector<double> shares;
  std::vector<double> parts;
  for (const auto& [key, units] : by_pool) {
    auto& pool = pools[{k, key}];
    if (pool.term_year < 0 || y >= pool.term_year + a.term_years) {
      // A new term from the budgets of its first year (its first period's places).
      pool.term_year = y;
      pool.envelope = 0.0;
      pool.reference.clear();
      for (const int u : units) {
        const double places = books.places[books.at(p, u)];
        pool.reference.emplace_back(u, places);
        pool.envelope += places * l.cost_per_place(u, y);
      }
    }
    for (const int u : units) {  // a unit joining mid-term brings its places as new ones
      if (std::none_of(pool.reference.begin(), pool.reference.end(),
                       [u](const auto& r) { return r.first == u; })) {
        pool.reference.emplace_back(u, 0.0);
      }
    }
    // The envelope: renewed with growth, plus places created less places closed (or gone to
    // another rule) since the term's start at the year's cost per place of their service.
    double envelope = pool.envelope * std::pow(1.0 + a.growth_per_year, y - pool.term_year);
    for (const auto& [u, reference] : pool.reference) {
      const bool member = std::find(units.begin(), units.end(), u) != units.end();
      const double places = member ? books.places[books.at(p, u)] : 0.0;
      envelope += (places - reference) * l.cost_per_place(u, y);
    }
    envelope = std::max(0.0, envelope) / l.ppy;
    // Shared in proportion to the units' budgets of the period, then cut by modulation.
    shares.assign(units.size(), 0.0);
    double budgets = 0.0;
    for (std::size_t j = 0; j < units.size(); ++j) {
      shares[j] = books.places[books.at(p, units[j])] * l.cost_per_place(units[j], y);
      budgets += shares[j];
    }
    parts.assign(units.size(), 0.0);
    if (envelope > 0.0 && budgets > 0.0) {
      for (auto& share : shares) {
        share /= budgets;
      }
      internal::split(envelope, shares, parts.data());
    }
    const bool organisation = key < static_cast<std::int64_t>(l.model.organisations.size());
    if (organisation) {
      books.pooled_envelope[static_cast<std::size_t>(p) * books.organisations + key] += envelope;
    }
    for (std::size_t j = 0; j < units.size(); ++j) {
      const int u = units[j];
      // The cut applies from the contract's second year on the year before (under it).
      const bool was_member = y > 0 && books.rule[books.at(y * l.ppy - 1, u)] == k;
      const double cut = was_member ? l.cut(a.modulation, u, y) : 0.0;
      const double revenue = parts[j] - parts[j] * cut;
      l.pay(p, u, revenue, l.scheme.services[l.all[u].service].payer_split);
      if (organisation) {
        books.pooled_paid[static_cast<std::size_t>(p) * books.organisations + key] += revenue;
      }
    }
  }
}

void pay_bond(Ledger& l, Bond& bond, std::size_t k, int p, const std::vector<int>& members) {
  const auto& a = l.scheme.assignments[k];
  const int y = p / l.ppy;
  auto& books = l.books;
  if (bond.term_year < 0 || y >= bond.term_year + a.term_years) {
    bond.term_year = y;
    bond.principal = 0.0;
  }
  std::vector<double> investor(l.scheme.payers.size(), 0.0);
  investor[a.investor] = 1.0;
  for (const int u : members) {
    const double revenue = books.cost[books.at(p, u)];
    l.pay(p, u, revenue, investor);
    bond.principal += revenue;
  }
  const bool term_end = (p + 1) % l.ppy == 0 && y == bond.term_year + a.term_years - 1;
  if (!term_end || members.empty()) {
    return;
  }
  // The outcome over the units, weighted by their places, in the term's last year.
  double weighted = 0.0;
  double weights = 0.0;
  for (const int u : members) {
    const double places = l.year_places[l.year_at(y, u)];
    weighted += places * l.year_indicators(u, p)[static_cast<int>(a.outcome)];
    weights += places;
  }
  const double outcome = weights > 0.0 ? weighted / weights : 0.0;
  const bool reached =
      a.outcome == Indicator::kWaiting ? outcome <= a.outcome_target : outcome >= a.outcome_target;
  if (reached) {
    books.repaid[static_cast<std::size_t>(p) * l.scheme.assignments.size() + k] =
        bond.principal * (1.0 + a.premium);
  }
}

}  // namespace parcours::funding::internal
