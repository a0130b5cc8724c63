// Helpers of the funding tests: small models, indicators filled by hand, services and rules.
#pragma once

#include "engine/funding/books.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parcours::funding::test {

constexpr double kYear = 365.25;
constexpr double kMonth = kYear / 12.0;  // 30.4375

// A model of `n_territories` home territories and one service per capacity vector (services
// with declared providers get their capacity from `providers` as io does).
inline model::Model make_model(int n_territories,
                               const std::vector<std::vector<std::int64_t>>& caps,
                               int periods_per_year, int horizon_years,
                               const std::vector<model::Provider>& providers = {}) {
  model::Model m;
  for (int t = 0; t < n_territories; ++t) {
    m.territories.push_back(model::home_territory("T" + std::to_string(t), "t"));
  }
  m.regions.push_back({"R"});
  for (std::size_t s = 0; s < caps.size(); ++s) {
    model::Service service;
    service.name = "S" + std::to_string(s);
    service.capacity = caps[s];
    m.services.push_back(service);
  }
  m.providers = providers;
  if (!providers.empty()) {
    m.organisations = {{"O0"}, {"O1"}};
  }
  m.periods_per_year = periods_per_year;
  m.horizon_years = horizon_years;
  return m;
}

inline model::Provider provider(model::TerritoryId t, model::ServiceId s, std::int64_t places,
                                model::OrganisationId organisation = 0) {
  model::Provider p;
  p.name = "P" + std::to_string(t) + "-" + std::to_string(s) + "-" + std::to_string(places);
  p.territory = t;
  p.service = s;
  p.places = places;
  p.organisation = organisation;
  return p;
}

inline model::Indicators indicators_for(const model::Model& m) {
  model::Shape shape;
  shape.periods = m.periods();
  shape.territories = static_cast<int>(m.territories.size());
  shape.services = static_cast<int>(m.services.size());
  shape.providers = static_cast<int>(m.providers.size());
  shape.modes = static_cast<int>(m.modes.size());
  shape.needs = static_cast<int>(m.children.needs_levels.size());
  shape.mode_days = m.mode_days;
  model::Indicators ind;
  ind.resize(shape);
  // Authorised places as the simulation measures them: constant at the model's, every period
  // (place-days over the period, and at its end).
  const double period_days = m.period_days();
  for (int p = 0; p < shape.periods; ++p) {
    for (int t = 0; t < shape.territories; ++t) {
      for (int s = 0; s < shape.services; ++s) {
        const auto i = ind.cell(p, t, s);
        ind.capacity_end[i] = m.services[s].capacity[t];
        ind.capacity_days[i] = static_cast<double>(m.services[s].capacity[t]) * period_days;
      }
    }
    for (int k = 0; k < shape.providers; ++k) {
      const auto i = ind.provider_cell(p, k);
      ind.provider_capacity_end[i] = m.providers[k].places;
      ind.provider_capacity_days[i] = static_cast<double>(m.providers[k].places) * period_days;
    }
  }
  return ind;
}

// Activity of an implicit unit's cell: place-days, attended days (full time: the same) and
// days at school.
inline void set_cell(model::Indicators& ind, int p, int t, int s, double place_days,
                     double attended = -1.0, double school = 0.0) {
  const auto i = ind.cell(p, t, s);
  ind.occupied_place_days[i] = place_days;
  ind.attended_days[i] = attended < 0.0 ? place_days : attended;
  ind.school_days[i] = school;
}

inline void set_provider(model::Indicators& ind, int p, int provider_index, double place_days) {
  const auto i = ind.provider_cell(p, provider_index);
  ind.provider_place_days[i] = place_days;
  ind.provider_attended_days[i] = place_days;
  ind.provider_school_days[i] = 0.0;
}

// Authorised places of a declared provider (or of a cell) over period p, as if constant.
inline void set_provider_places(model::Indicators& ind, const model::Model& m, int p,
                                int provider_index, double places) {
  const auto i = ind.provider_cell(p, provider_index);
  ind.provider_capacity_days[i] = places * m.period_days();
  ind.provider_capacity_end[i] = static_cast<std::int64_t>(places);
}

inline void set_cell_places(model::Indicators& ind, const model::Model& m, int p, int t, int s,
                            double places) {
  const auto i = ind.cell(p, t, s);
  ind.capacity_days[i] = places * m.period_days();
  ind.capacity_end[i] = static_cast<std::int64_t>(places);
}

inline ServiceMoney money(double euros_per_place_year, double opening_days = kYear) {
  ServiceMoney m;
  m.euros_per_place_year = euros_per_place_year;
  m.opening_days = opening_days;
  m.payer_split = {1.0};
  return m;
}

inline Assignment daily_price(std::vector<model::ServiceId> services, int from_period = 0,
                              double forecast_occupancy = 1.0) {
  Assignment a;
  a.name = "daily";
  a.rule = Rule::kDailyPrice;
  a.from_period = from_period;
  a.services = std::move(services);
  a.forecast_occupancy = forecast_occupancy;
  return a;
}

inline Assignment fixed_price(double euros_per_day, int from_period = 0) {
  Assignment a;
  a.name = "fixed";
  a.rule = Rule::kDailyPrice;
  a.from_period = from_period;
  a.euros_per_day = euros_per_day;
  return a;
}

inline Assignment global_allocation(double growth_per_year, int from_period = 0) {
  Assignment a;
  a.name = "global";
  a.rule = Rule::kGlobalAllocation;
  a.from_period = from_period;
  a.growth_per_year = growth_per_year;
  return a;
}

// Modulated prices: the price modes of modulated_price_test.cpp's small provider; units of one
// day, Gamme order:
//              gerer restaurer semi internat socio soins
// demi_pension   1       1       1     0       1     1
// internat       1       3       1     1       1     1
// inclusion      1       0       0     0      0.5   0.5
constexpr std::uint8_t kDemiPension = 0;
constexpr std::uint8_t kInternat = 1;
constexpr std::uint8_t kInclusion = 2;

inline std::vector<PriceMode> price_modes() {
  return {
      {"demi_pension", {1.0, 1.0, 1.0, 0.0, 1.0, 1.0}},
      {"internat", {1.0, 3.0, 1.0, 1.0, 1.0, 1.0}},
      {"inclusion", {1.0, 0.0, 0.0, 0.0, 0.5, 0.5}},
  };
}

// Its costs: 337,000 € in all; forecast days demi_pension 1,000, internat 500, inclusion 200.
// Units: gerer 1,700, restaurer 1,000 + 3 × 500 = 2,500, semi 1,500, internat 500, socio and
// soins 1,000 + 500 + 0.5 × 200 = 1,600. Unit costs: 34,000 / 1,700 = 20, 25,000 / 2,500 = 10,
// 30,000 / 1,500 = 20, 40,000 / 500 = 80, 160,000 / 1,600 = 100, 48,000 / 1,600 = 30.
// Prices: demi_pension 20 + 10 + 20 + 100 + 30 = 180; internat 20 + 30 + 20 + 80 + 100 + 30 =
// 280; inclusion 20 + 50 + 15 = 85.
inline CostDecomposition modulated_costs() {
  CostDecomposition c;
  c.euros = {34'000.0, 25'000.0, 30'000.0, 40'000.0, 160'000.0, 48'000.0};
  c.forecast_days = {1'000.0, 500.0, 200.0};
  return c;
}

inline Scheme one_payer(std::vector<ServiceMoney> services, std::vector<Assignment> assignments) {
  Scheme scheme;
  scheme.payers = {{"AM", "Assurance maladie"}};
  scheme.services = std::move(services);
  scheme.assignments = std::move(assignments);
  return scheme;
}

}  // namespace parcours::funding::test
