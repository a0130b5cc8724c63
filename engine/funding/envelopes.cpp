#include "engine/funding/envelopes.hpp"

#include "engine/core/check.hpp"
#include "engine/core/sim_time.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace parcours::funding {
namespace {

struct Pending {  // a creation waiting for room
  model::CapacityChange change;
  std::int64_t left = 0;
};

}  // namespace

Grants grant_places(const model::Model& model, const Scheme& scheme,
                    const std::vector<Envelope>& envelopes,
                    const std::vector<model::CapacityChange>& requested) {
  const auto n_services = model.services.size();
  const auto n_territories = model.territories.size();
  PARCOURS_CHECK(scheme.services.size() == n_services, "one ServiceMoney per service expected");
  Grants out;
  out.years = model.horizon_years;
  out.regions = static_cast<int>(std::max<std::size_t>(1, model.regions.size()));
  out.envelopes = static_cast<int>(envelopes.size());
  const auto years = static_cast<std::size_t>(out.years);
  const auto regions = static_cast<std::size_t>(out.regions);
  const auto by_year = years * regions;
  out.envelope.assign(envelopes.size() * by_year, 0.0);
  out.spent.assign(envelopes.size() * by_year, 0.0);
  out.asked.assign(by_year, 0);
  out.granted.assign(by_year, 0);
  if (envelopes.empty()) {
    out.changes = requested;
    return out;
  }

  // Places now, per (territory, service), from the places at the start.
  std::vector<std::int64_t> places(n_territories * n_services, 0);
  const auto start_places = [&] {
    for (std::size_t s = 0; s < n_services; ++s) {
      PARCOURS_CHECK(model.services[s].capacity.size() == n_territories,
                     "one capacity per territory expected");
      for (std::size_t t = 0; t < n_territories; ++t) {
        places[t * n_services + s] = model.services[s].capacity[t];
      }
    }
  };
  start_places();
  // Which envelopes cover each region, and what a place of each service costs each envelope's
  // payer a year at the start.
  std::vector<std::vector<bool>> covers(envelopes.size(), std::vector<bool>(regions, false));
  std::vector<std::vector<double>> cost(envelopes.size(), std::vector<double>(n_services, 0.0));
  for (std::size_t e = 0; e < envelopes.size(); ++e) {
    const Envelope& envelope = envelopes[e];
    PARCOURS_CHECK(envelope.payer < scheme.payers.size(), "an envelope's payer is unknown");
    for (std::size_t r = 0; r < regions; ++r) {
      covers[e][r] =
          envelope.regions.empty() ||
          std::find(envelope.regions.begin(), envelope.regions.end(), r) != envelope.regions.end();
    }
    for (std::size_t s = 0; s < n_services; ++s) {
      const ServiceMoney& money = scheme.services[s];
      if (!money.payer_split.empty()) {
        cost[e][s] = money.euros_per_place_year * money.payer_split[envelope.payer];
      }
    }
  }
  const auto region_of = [&](std::size_t t) -> std::size_t {
    const model::Territory& territory = model.territories[t];
    return territory.abroad || territory.region >= regions ? regions : territory.region;
  };
  // An envelope's spending on a region's places in year y (places as they are now).
  const auto spending = [&](std::size_t e, std::size_t r, std::size_t y) {
    double sum = 0.0;
    for (std::size_t t = 0; t < n_territories; ++t) {
      if (region_of(t) == r) {
        for (std::size_t s = 0; s < n_services; ++s) {
          sum += static_cast<double>(places[t * n_services + s]) * cost[e][s];
        }
      }
    }
    return sum * std::pow(1.0 + scheme.cost_growth, static_cast<double>(y));
  };
  for (std::size_t e = 0; e < envelopes.size(); ++e) {
    for (std::size_t r = 0; r < regions; ++r) {
      if (!covers[e][r]) {
        continue;
      }
      const double first = spending(e, r, 0) * (1.0 + envelopes[e].headroom);
      for (std::size_t y = 0; y < years; ++y) {
        out.envelope[(e * years + y) * regions + r] =
            first * std::pow(1.0 + envelopes[e].growth_per_year, static_cast<double>(y));
      }
    }
  }
  // How many of `wanted` places of service s fit in region r's envelopes in year y.
  const auto room_for = [&](std::size_t r, std::size_t s, std::size_t y, std::int64_t wanted) {
    std::int64_t fits = wanted;
    for (std::size_t e = 0; e < envelopes.size(); ++e) {
      const double each = cost[e][s] * std::pow(1.0 + scheme.cost_growth, static_cast<double>(y));
      if (!covers[e][r] || each <= 0.0) {
        continue;
      }
      const double room = out.envelope[(e * years + y) * regions + r] - spending(e, r, y);
      // A relative margin of 1e-12 keeps a place whose cost fills the room exactly from being
      // refused by the rounding of the sums.
      const double n = std::floor(room / each * (1.0 + 1e-12));
      fits = std::min(fits, static_cast<std::int64_t>(std::max(0.0, n)));
    }
    return fits;
  };

  // Requests by day, closures of a day before its creations (a conversion's closing half frees
  // the room its opening half needs); deferred creations are asked again at each year's start.
  std::vector<model::CapacityChange> order = requested;
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.day < b.day || (a.day == b.day && a.delta < 0 && b.delta > 0);
  });
  std::vector<Pending> pending;
  const auto year_of = [&](double day) {
    return std::min(years - 1, static_cast<std::size_t>(std::max(0.0, day) / core::kDaysPerYear));
  };
  const auto grant = [&](model::CapacityChange change, std::int64_t n) {
    change.delta = n;
    places[static_cast<std::size_t>(change.territory) * n_services + change.service] += n;
    out.changes.push_back(change);
  };
  const auto retry = [&](std::size_t y) {
    const double day = static_cast<double>(y) * core::kDaysPerYear;
    for (Pending& p : pending) {
      const std::size_t r = region_of(p.change.territory);
      const std::int64_t n = room_for(r, p.change.service, y, p.left);
      if (n > 0) {
        model::CapacityChange change = p.change;
        change.day = day;
        grant(change, n);
        p.left -= n;
        out.granted[y * regions + r] += n;
      }
    }
    std::erase_if(pending, [](const Pending& p) { return p.left == 0; });
  };
  std::size_t year = 0;
  for (const model::CapacityChange& change : order) {
    const std::size_t y = year_of(change.day);
    for (; year < y; ++year) {
      retry(year + 1);
    }
    const std::size_t r = region_of(change.territory);
    if (change.delta <= 0 || r == regions) {
      grant(change, change.delta);
      continue;
    }
    bool covered = false;
    for (std::size_t e = 0; e < envelopes.size(); ++e) {
      covered = covered || covers[e][r];
    }
    if (!covered) {
      grant(change, change.delta);
      continue;
    }
    out.asked[y * regions + r] += change.delta;
    const std::int64_t n = room_for(r, change.service, y, change.delta);
    if (n > 0) {
      grant(change, n);
      out.granted[y * regions + r] += n;
    }
    if (n < change.delta) {
      pending.push_back({change, change.delta - n});
    }
  }
  // What is left of the run: deferred creations at each remaining year's start; then each year's
  // spending on the places in force at its end.
  for (; year + 1 < years; ++year) {
    retry(year + 1);
  }
  std::stable_sort(out.changes.begin(), out.changes.end(),
                   [](const auto& a, const auto& b) { return a.day < b.day; });
  start_places();
  std::size_t next = 0;
  for (std::size_t y = 0; y < years; ++y) {
    const double end = static_cast<double>(y + 1) * core::kDaysPerYear;
    for (; next < out.changes.size() && out.changes[next].day < end; ++next) {
      const auto& c = out.changes[next];
      places[static_cast<std::size_t>(c.territory) * n_services + c.service] += c.delta;
    }
    for (std::size_t e = 0; e < envelopes.size(); ++e) {
      for (std::size_t r = 0; r < regions; ++r) {
        if (covers[e][r]) {
          out.spent[(e * years + y) * regions + r] = spending(e, r, y);
        }
      }
    }
  }
  return out;
}

}  // namespace parcours::funding
