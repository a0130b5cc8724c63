// Funding by daily price (prix de journée): a provider is paid a price for each calendar day a
// place is occupied, Creton days included. The first funding rule; the others (issue 4) add
// beside it.
#pragma once

#include "engine/model/indicators.hpp"

#include <vector>

namespace parcours::funding {

/// Money in euros. A named type so that euros never cross a library boundary as a bare double.
struct Euros {
  double value = 0.0;
};

/// What a provider did in a period, as a funding rule needs it.
struct PeriodActivity {
  double occupied_place_days = 0.0;
};

/// Prix de journée: revenue = price × occupied place-days.
struct DailyPrice {
  Euros per_day;

  [[nodiscard]] Euros pay(const PeriodActivity& activity) const {
    return {per_day.value * activity.occupied_place_days};
  }
};

/// Funding of every service of a scenario. A service with no rule is paid nothing here.
struct Params {
  std::vector<DailyPrice> daily_price;  // per service; price 0 when the scenario sets none
};

/// Spending per [period][territory][service] in euros, laid out like Indicators' cells.
[[nodiscard]] std::vector<double> spending(const model::Indicators& indicators,
                                           const Params& params);

}  // namespace parcours::funding
