#include "engine/io/internal/timeline.hpp"

#include "engine/core/sim_time.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parcours::io::internal {
namespace {

const std::vector<std::string>& kinds() {
  static const std::vector<std::string> names = {"convert", "create", "close", "inflow"};
  return names;
}

enum class Kind : std::uint8_t { kConvert, kCreate, kClose, kInflow };

// The keys each kind accepts.
std::vector<std::string> keys_of(Kind kind) {
  std::vector<std::string> keys = {"name", "kind", "from", "territories", "regions"};
  switch (kind) {
    case Kind::kConvert:
      keys.insert(keys.end(), {"places", "service", "to_service", "places_per_place", "steps",
                               "every_months", "organisations", "providers"});
      break;
    case Kind::kCreate:
      keys.insert(keys.end(), {"places", "service", "steps", "every_months", "organisations",
                               "providers", "spread"});
      break;
    case Kind::kClose:
      keys.insert(keys.end(),
                  {"places", "service", "steps", "every_months", "organisations", "providers"});
      break;
    case Kind::kInflow:
      keys.insert(keys.end(), {"factor"});
      break;
  }
  return keys;
}

using Ymd = std::chrono::year_month_day;

Ymd ymd(int y, int m, int d) {
  return Ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
             std::chrono::day{static_cast<unsigned>(d)}};
}

// `months` calendar months after `date` (the day kept, or the month's last when it has fewer).
Ymd months_after(Ymd date, int months) {
  const auto ym = std::chrono::year_month{date.year(), date.month()} + std::chrono::months{months};
  const auto last =
      std::chrono::year_month_day_last{ym.year(), std::chrono::month_day_last{ym.month()}};
  return Ymd{ym.year(), ym.month(), std::min(date.day(), last.day())};
}

std::string text_of(Ymd d) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buffer;
}

// Splits `total` into parts proportional to `weights` (not all 0), each a whole number, by the
// largest remainders (ties to the first): the parts sum to `total`.
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::int64_t> parts(weights.size(), 0);
  std::vector<std::pair<double, std::size_t>> remainders;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(total) * weights[i] / sum;
    parts[i] = static_cast<std::int64_t>(std::floor(exact));
    given += parts[i];
    remainders.emplace_back(exact - static_cast<double>(parts[i]), i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < total; ++k) {
    ++parts[remainders[k % remainders.size()].second];
    ++given;
  }
  return parts;
}

// Places now, as the timeline has changed them so far: per declared provider and per cell.
struct Places {
  std::vector<std::int64_t> provider;
  std::vector<std::int64_t> cell;  // [territory][service]
  std::size_t services = 0;

  std::int64_t& at(std::size_t t, std::size_t s) { return cell[t * services + s]; }
};

}  // namespace

// The model's periods are equal (a year is 365.25 days), calendar ones are not, so a date is
// placed in its calendar period, at the same fraction of it: the first day of a period
// (2026-01-01 in a run of yearly periods from 2025-01-01) is the model's first day of that period
// (365.25), and a dated change falls in the period its date names.
double model_day(const Date& start, int periods_per_year, int year, int month, int day) {
  const Ymd first = ymd(start.year, start.month, start.day);
  const Ymd to = ymd(year, month, day);
  const int months = 12 / periods_per_year;
  const double period_days = core::kDaysPerYear / static_cast<double>(periods_per_year);
  int p = 0;
  while (months_after(first, (p + 1) * months) <= to) {
    ++p;
  }
  const std::chrono::sys_days begin{months_after(first, p * months)};
  const std::chrono::sys_days end{months_after(first, (p + 1) * months)};
  const double fraction = static_cast<double>((std::chrono::sys_days{to} - begin).count()) /
                          static_cast<double>((end - begin).count());
  return (static_cast<double>(p) + fraction) * period_days;
}

Timeline read_timeline(const Reader& r, const toml::node& n, model::Model& model,
                       const std::vector<std::string>& service_names, const Date& start) {
  const std::string key = "timeline";
  const toml::array& list =
      r.array(n, key, "an array of tables (one [[timeline]] entry per event)");
  if (list.size() > 60000) {
    r.fail(n, key, "expected at most 60000 events, got " + std::to_string(list.size()));
  }
  const std::size_t n_services = model.services.size();
  const std::size_t n_territories = model.territories.size();
  const std::size_t n_homes = model.home_territories();
  std::vector<std::string> codes;
  for (const auto& t : model.territories) {
    codes.push_back(t.code);
  }
  const std::vector<std::string> regions = names_of(model.regions);
  const std::vector<std::string> organisations = names_of(model.organisations);
  const std::vector<std::string> provider_names = names_of(model.providers);
  std::vector<bool> declares(n_services, false);
  for (const auto& p : model.providers) {
    declares[p.service] = true;
  }
  Places places;
  places.services = n_services;
  places.cell.assign(n_territories * n_services, 0);
  for (std::size_t s = 0; s < n_services; ++s) {
    for (std::size_t t = 0; t < n_territories; ++t) {
      places.at(t, s) = model.services[s].capacity[t];
    }
  }
  for (const auto& p : model.providers) {
    places.provider.push_back(p.places);
  }
  const Ymd first = ymd(start.year, start.month, start.day);
  const Ymd end = months_after(first, 12 * model.horizon_years);

  Timeline out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = item_key(key, i);
    const toml::table& t =
        r.table(list[i], path, "an event table (name, kind, from, what it changes)");
    const std::size_t kind_index =
        r.choice(r.required(t, path, "kind", "one of " + join_quoted(kinds())),
                 child_key(path, "kind"), kinds(), "timeline event kind");
    const auto kind = static_cast<Kind>(kind_index);
    r.check_keys(t, path, keys_of(kind));
    model::TimelineEvent event;
    const toml::node& name = r.required(t, path, "name", "a non-empty string");
    event.name = r.string(name, child_key(path, "name"));
    if (event.name.empty()) {
      r.fail(name, child_key(path, "name"), "expected a non-empty string, got \"\"");
    }
    for (std::size_t j = 0; j < out.events.size(); ++j) {
      if (out.events[j].name == event.name) {
        r.fail(name, child_key(path, "name"),
               "duplicate event name " + in_quotes(event.name) + " (already " + item_key(key, j) +
                   ")");
      }
    }
    event.kind = kinds()[kind_index];
    const auto event_id = static_cast<std::uint16_t>(out.events.size());
    out.events.push_back(event);

    // When.
    const std::string fkey = child_key(path, "from");
    const toml::node& from_node = r.required(t, path, "from", "a local date such as 2027-01-01");
    const auto* date = from_node.as_date();
    if (date == nullptr) {
      r.fail(from_node, fkey,
             "expected a local date such as 2027-01-01, got " + type_phrase(from_node));
    }
    const Ymd from = ymd(date->get().year, date->get().month, date->get().day);
    if (!from.ok()) {
      r.fail(from_node, fkey, "expected a valid calendar date, got " + value_text(from_node));
    }
    const bool places_event = kind != Kind::kInflow;
    if (places_event ? from <= first : from < first) {
      r.fail(from_node, fkey,
             std::string("expected a date ") + (places_event ? "after" : "on or after") +
                 " scenario.start_date (" + text_of(first) + ")" +
                 (places_event ? ": places at the start are the scenario's own" : "") + ", got " +
                 value_text(from_node));
    }

    // Where: territories (codes) or regions (their home territories); neither: every home one.
    const toml::node* territories_node = t.get("territories");
    const toml::node* regions_node = t.get("regions");
    if (territories_node != nullptr && regions_node != nullptr) {
      r.fail(*regions_node, child_key(path, "regions"), "give territories or regions, not both");
    }
    std::vector<std::size_t> where;
    if (territories_node != nullptr) {
      where = read_name_refs<std::size_t>(r, *territories_node, child_key(path, "territories"),
                                          codes, "territory", "territories, and there are none");
    } else if (regions_node != nullptr) {
      const auto chosen =
          read_name_refs<std::size_t>(r, *regions_node, child_key(path, "regions"), regions,
                                      "region", "regions, and there are none");
      for (std::size_t h = 0; h < n_homes; ++h) {
        if (std::find(chosen.begin(), chosen.end(), model.territories[h].region) != chosen.end()) {
          where.push_back(h);
        }
      }
    } else {
      for (std::size_t h = 0; h < n_homes; ++h) {
        where.push_back(h);
      }
    }
    std::sort(where.begin(), where.end());

    if (kind == Kind::kInflow) {
      model::Arrivals::Change change;
      change.from_day = model_day(start, model.periods_per_year, static_cast<int>(from.year()),
                                  static_cast<int>(static_cast<unsigned>(from.month())),
                                  static_cast<int>(static_cast<unsigned>(from.day())));
      change.factor = r.req_number(t, path, "factor", kNonNegative);
      for (const std::size_t h : where) {
        if (h >= n_homes) {
          r.fail(*territories_node, child_key(path, "territories"),
                 "territory " + in_quotes(codes[h]) + " is abroad: it has no arrivals");
        }
        change.territories.push_back(static_cast<model::TerritoryId>(h));
      }
      if (territories_node == nullptr && regions_node == nullptr) {
        change.territories.clear();  // every territory
      }
      if (from < end) {
        out.inflow.push_back(std::move(change));
      }
      continue;
    }

    // What: places of a service, in steps.
    const std::string skey = child_key(path, "service");
    const toml::node& service_node = r.required(t, path, "service", "a service name");
    const std::size_t service = r.choice(service_node, skey, service_names, "service");
    std::size_t to_service = n_services;
    double ratio = 1.0;
    if (kind == Kind::kConvert) {
      const std::string tkey = child_key(path, "to_service");
      const toml::node& to_node = r.required(t, path, "to_service", "a service name");
      to_service = r.choice(to_node, tkey, service_names, "service");
      if (to_service == service) {
        r.fail(to_node, tkey,
               "expected another service than service (" + in_quotes(service_names[service]) + ")");
      }
      ratio = r.opt_number(t, path, "places_per_place", kPositive).value_or(1.0);
    }
    const toml::node& places_node = r.required(t, path, "places", "a whole number of places >= 1");
    const std::int64_t total = r.integer(places_node, child_key(path, "places"), 1, kHugeInteger);
    const auto steps = static_cast<int>(r.opt_integer(t, path, "steps", 1, 1200).value_or(1));
    const auto every =
        static_cast<int>(r.opt_integer(t, path, "every_months", 1, 1200).value_or(12));
    if (static_cast<std::int64_t>(steps) > total) {
      r.fail(*t.get("steps"), child_key(path, "steps"),
             "expected at most places (" + std::to_string(total) + ") steps, got " +
                 std::to_string(steps));
    }
    bool by_population = false;
    if (const toml::node* spread = t.get("spread")) {
      by_population =
          r.choice(*spread, child_key(path, "spread"), {"places", "population"}, "spread") == 1;
    }
    std::vector<std::size_t> orgs;
    if (const toml::node* v = t.get("organisations")) {
      if (!declares[service]) {
        r.fail(*v, child_key(path, "organisations"),
               "service " + in_quotes(service_names[service]) +
                   " has no declared providers, so no organisations");
      }
      orgs = read_name_refs<std::size_t>(r, *v, child_key(path, "organisations"), organisations,
                                         "organisation",
                                         "declared providers, and there are none (add a "
                                         "[providers] file with an organisation column)");
    }
    std::vector<std::size_t> named;
    if (const toml::node* v = t.get("providers")) {
      named = read_name_refs<std::size_t>(
          r, *v, child_key(path, "providers"), provider_names, "provider",
          "declared providers, and there are none (add a [providers] file)");
      for (std::size_t k = 0; k < named.size(); ++k) {
        if (model.providers[named[k]].service != service) {
          r.fail(*v->as_array()->get(k), item_key(child_key(path, "providers"), k),
                 "provider " + in_quotes(provider_names[named[k]]) + " is not of service " +
                     in_quotes(service_names[service]));
        }
      }
    }
    // The providers (declared ones) of service s in territory h that the filters select.
    const auto selected = [&](std::size_t s, std::size_t h, bool filters) {
      std::vector<std::size_t> out_providers;
      for (std::size_t p = 0; p < model.providers.size(); ++p) {
        const auto& provider = model.providers[p];
        if (provider.service != s || provider.territory != h) {
          continue;
        }
        if (filters && !named.empty() && std::find(named.begin(), named.end(), p) == named.end()) {
          continue;
        }
        if (!orgs.empty() &&
            std::find(orgs.begin(), orgs.end(), provider.organisation) == orgs.end()) {
          continue;
        }
        out_providers.push_back(p);
      }
      return out_providers;
    };
    const auto places_in = [&](std::size_t s, std::size_t h, bool filters) -> std::int64_t {
      if (!declares[s]) {
        return places.at(h, s);
      }
      std::int64_t sum = 0;
      for (const std::size_t p : selected(s, h, filters)) {
        sum += places.provider[p];
      }
      return sum;
    };
    // Adds `delta` places of service s in territory h (spread over its selected providers by
    // their places, or equally when they have none), as changes on `day`.
    const auto put = [&](std::size_t s, std::size_t h, std::int64_t delta, double day,
                         bool filters) {
      if (delta == 0) {
        return;
      }
      model::CapacityChange change;
      change.day = day;
      change.territory = static_cast<model::TerritoryId>(h);
      change.service = static_cast<model::ServiceId>(s);
      change.event = event_id;
      if (!declares[s]) {
        places.at(h, s) += delta;
        change.delta = delta;
        out.changes.push_back(change);
        return;
      }
      std::vector<std::size_t> targets = selected(s, h, filters);
      if (targets.empty()) {  // creations only (closures need places): a new provider
        model::Provider fresh;
        fresh.name = event.name + "-" + service_names[s] + "-" + codes[h];
        fresh.territory = static_cast<model::TerritoryId>(h);
        fresh.service = static_cast<model::ServiceId>(s);
        fresh.places = 0;
        if (!orgs.empty()) {
          fresh.organisation = static_cast<model::OrganisationId>(orgs.front());
        } else {
          fresh.organisation = static_cast<model::OrganisationId>(model.organisations.size());
          model.organisations.push_back(model::Organisation{fresh.name});
        }
        model.providers.push_back(fresh);
        places.provider.push_back(0);
        targets.push_back(model.providers.size() - 1);
      }
      std::vector<double> weights;
      for (const std::size_t p : targets) {
        weights.push_back(static_cast<double>(places.provider[p]));
      }
      if (std::accumulate(weights.begin(), weights.end(), 0.0) <= 0.0) {
        std::fill(weights.begin(), weights.end(), 1.0);
      }
      const std::int64_t sign = delta < 0 ? -1 : 1;
      const auto parts = apportion(sign * delta, weights);
      for (std::size_t k = 0; k < targets.size(); ++k) {
        if (parts[k] > 0) {
          change.provider = static_cast<model::ProviderId>(targets[k]);
          change.delta = sign * parts[k];
          places.provider[targets[k]] += change.delta;
          places.at(h, s) += change.delta;
          out.changes.push_back(change);
        }
      }
    };

    std::vector<double> even(static_cast<std::size_t>(steps), 1.0);
    const auto per_step = apportion(total, even);
    for (int k = 0; k < steps; ++k) {
      const Ymd when = months_after(from, k * every);
      if (when >= end) {
        break;  // past the run's end: nothing happens in it
      }
      const double day = model_day(start, model.periods_per_year, static_cast<int>(when.year()),
                                   static_cast<int>(static_cast<unsigned>(when.month())),
                                   static_cast<int>(static_cast<unsigned>(when.day())));
      const std::int64_t n_step = per_step[static_cast<std::size_t>(k)];
      // Spread over the territories: by the places the step takes from (convert, close) or
      // adds to (create: unless by population, or with no places anywhere in the selection).
      std::vector<double> weights;
      std::int64_t available = 0;
      for (const std::size_t h : where) {
        const std::int64_t p = places_in(service, h, true);
        available += p;
        weights.push_back(static_cast<double>(p));
      }
      if (kind == Kind::kCreate && (by_population || available == 0)) {
        for (std::size_t w = 0; w < where.size(); ++w) {
          weights[w] = where[w] < n_homes ? model.territories[where[w]].weight : 0.0;
        }
        if (std::accumulate(weights.begin(), weights.end(), 0.0) <= 0.0) {
          std::fill(weights.begin(), weights.end(), 1.0);
        }
      } else if (kind != Kind::kCreate && n_step > available) {
        r.fail(places_node, child_key(path, "places"),
               "the step of " + text_of(when) + " closes " + std::to_string(n_step) +
                   " places of " + in_quotes(service_names[service]) +
                   ", and the selection has only " + std::to_string(available) + " then");
      }
      const auto parts = apportion(n_step, weights);
      if (kind == Kind::kCreate) {
        for (std::size_t w = 0; w < where.size(); ++w) {
          put(service, where[w], parts[w], day, true);
        }
        continue;
      }
      for (std::size_t w = 0; w < where.size(); ++w) {
        put(service, where[w], -parts[w], day, true);
      }
      if (kind == Kind::kConvert) {
        std::vector<double> opened;
        for (const auto part : parts) {
          opened.push_back(static_cast<double>(part) * ratio);
        }
        const auto gained =
            static_cast<std::int64_t>(std::llround(static_cast<double>(n_step) * ratio));
        if (gained > 0) {
          const auto gains = apportion(gained, opened);
          for (std::size_t w = 0; w < where.size(); ++w) {
            put(to_service, where[w], gains[w], day, false);
          }
        }
      }
    }
  }
  std::stable_sort(out.changes.begin(), out.changes.end(),
                   [](const auto& a, const auto& b) { return a.day < b.day; });
  std::stable_sort(out.inflow.begin(), out.inflow.end(),
                   [](const auto& a, const auto& b) { return a.from_day < b.from_day; });
  return out;
}

std::vector<funding::Envelope> read_envelopes(const Reader& r, const toml::node& n,
                                              const model::Model& model,
                                              const std::vector<std::string>& payers) {
  const std::string key = "funding.envelopes";
  const toml::array& list =
      r.array(n, key, "an array of tables (one [[funding.envelopes]] entry per envelope)");
  const std::vector<std::string> regions = names_of(model.regions);
  std::vector<funding::Envelope> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = item_key(key, i);
    const toml::table& t = r.table(list[i], path, "an envelope table (payer, growth_per_year)");
    r.check_keys(t, path, {"payer", "growth_per_year", "headroom", "regions"});
    funding::Envelope e;
    const toml::node& payer = r.required(t, path, "payer", "a payer name");
    if (payers.empty()) {
      r.fail(payer, child_key(path, "payer"), "the scenario declares no payers ([payers.NAME])");
    }
    e.payer =
        static_cast<funding::PayerId>(r.choice(payer, child_key(path, "payer"), payers, "payer"));
    e.growth_per_year =
        r.req_number(t, path, "growth_per_year", NumberRange{-1.0, false, kInf, true});
    e.headroom = r.opt_number(t, path, "headroom", kNonNegative).value_or(0.0);
    if (const toml::node* v = t.get("regions")) {
      for (const std::size_t id :
           read_name_refs<std::size_t>(r, *v, child_key(path, "regions"), regions, "region",
                                       "regions, and there are none")) {
        e.regions.push_back(static_cast<model::RegionId>(id));
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace parcours::io::internal
