#include "engine/funding/daily_price.hpp"

#include "engine/core/check.hpp"

namespace parcours::funding {

std::vector<double> spending(const model::Indicators& indicators, const Params& params) {
  PARCOURS_CHECK(params.daily_price.size() == static_cast<std::size_t>(indicators.services),
                 "one daily price per service expected");
  std::vector<double> euros(indicators.occupied_place_days.size(), 0.0);
  for (int p = 0; p < indicators.periods; ++p) {
    for (int t = 0; t < indicators.territories; ++t) {
      for (int s = 0; s < indicators.services; ++s) {
        const auto i = indicators.cell(p, t, s);
        euros[i] = params.daily_price[s].pay({indicators.occupied_place_days[i]}).value;
      }
    }
  }
  return euros;
}

}  // namespace parcours::funding
