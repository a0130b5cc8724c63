#include "engine/funding/modulated_price.hpp"

#include "engine/core/check.hpp"

#include <numeric>

namespace parcours::funding {

namespace {

double total_days(const CostDecomposition& costs) {
  return std::accumulate(costs.forecast_days.begin(), costs.forecast_days.end(), 0.0);
}

PerGamme activity_units(const std::vector<PriceMode>& modes, const CostDecomposition& costs) {
  PARCOURS_CHECK(costs.forecast_days.size() == modes.size(),
                 "one forecast figure per price mode expected");
  PerGamme units{};
  for (std::size_t m = 0; m < modes.size(); ++m) {
    for (std::size_t g = 0; g < kGammes; ++g) {
      units[g] += modes[m].units[g] * costs.forecast_days[m];
    }
  }
  return units;
}

}  // namespace

std::vector<CostProblem> check_costs(const std::vector<PriceMode>& modes,
                                     const CostDecomposition& costs) {
  std::vector<CostProblem> problems;
  if (total_days(costs) <= 0.0) {
    problems.push_back({std::nullopt, "the forecast days sum to 0, so no price can be computed"});
    return problems;
  }
  const PerGamme units = activity_units(modes, costs);
  for (std::size_t g = 0; g < kGammes; ++g) {
    if (costs.euros[g] <= 0.0 || units[g] > 0.0) {
      continue;
    }
    bool consumed = false;
    for (const PriceMode& mode : modes) {
      consumed = consumed || mode.units[g] > 0.0;
    }
    const std::string name(kGammeNames[g]);
    // Dividing by 0 would price the gamme's euros nowhere: the prices would not cover the costs.
    problems.push_back({static_cast<Gamme>(g),
                        (consumed ? "the price modes that consume " + name + " have 0 forecast days"
                                  : "no price mode consumes " + name) +
                            ", so its euros would be paid by no price"});
  }
  return problems;
}

ModulatedPrices modulate(const std::vector<PriceMode>& modes, const CostDecomposition& costs,
                         AfterNotification after) {
  PARCOURS_CHECK(check_costs(modes, costs).empty(), "modulate() on costs check_costs() refuses");
  ModulatedPrices out;
  out.activity_units = activity_units(modes, costs);
  for (std::size_t g = 0; g < kGammes; ++g) {
    out.unit_cost[g] = out.activity_units[g] > 0.0 ? costs.euros[g] / out.activity_units[g] : 0.0;
  }
  out.price.assign(modes.size(), 0.0);
  for (std::size_t m = 0; m < modes.size(); ++m) {
    for (std::size_t g = 0; g < kGammes; ++g) {
      out.price[m] += modes[m].units[g] * out.unit_cost[g];
    }
    out.forecast_spending += out.price[m] * costs.forecast_days[m];
  }
  const double days = total_days(costs);
  const double euros = std::accumulate(costs.euros.begin(), costs.euros.end(), 0.0);
  out.single_price = costs.notified_single_price.value_or(euros / days);
  out.single_forecast_spending = out.single_price * days;
  out.c1_holds = out.forecast_spending <= out.single_forecast_spending * (1.0 + kC1Tolerance);
  if (!out.c1_holds && costs.notified_single_price && after == AfterNotification::kScale) {
    out.scale = out.single_forecast_spending / out.forecast_spending;
    for (double& price : out.price) {
      price *= out.scale;
    }
    out.forecast_spending = out.single_forecast_spending;
  }
  return out;
}

}  // namespace parcours::funding
