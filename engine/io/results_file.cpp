#include "engine/io/results_file.hpp"

#include "engine/core/check.hpp"
#include "engine/io/internal/hdf5_results.hpp"
#include "engine/io/internal/hdf5_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace parcours::io {

namespace {

namespace fs = std::filesystem;
using internal::Hdf5Writer;
using internal::Storage;

std::string iso_date(const Date& date) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year, date.month, date.day);
  return text;
}

// Labels of the period axis: calendar years, or yyyymm for months, counted from the start date.
std::vector<std::int32_t> period_labels(const Scenario& scenario) {
  const model::Model& model = scenario.model;
  std::vector<std::int32_t> labels;
  for (int p = 0; p < model.periods(); ++p) {
    if (model.periods_per_year == 1) {
      labels.push_back(scenario.start_date.year + p);
    } else {
      const int months = scenario.start_date.month - 1 + p;
      labels.push_back((scenario.start_date.year + months / 12) * 100 + months % 12 + 1);
    }
  }
  return labels;
}

// The `name` of each item (services, regions, interim situations, priority levels...), in order:
// the labels of a dimension.
template <class Items>
std::vector<std::string> names_of(const Items& items) {
  std::vector<std::string> names;
  for (const auto& item : items) {
    names.push_back(item.name);
  }
  return names;
}

// Whether some interim situation has a capacity: the file then says which (interim_capacity,
// interim_per_child, interim_fallback) and counts the children who fell back.
bool any_limited(const model::Model& model) {
  return std::any_of(model.interim.begin(), model.interim.end(),
                     [](const model::InterimSituation& situation) { return situation.limited(); });
}

// What territory_region says of an abroad territory, which belongs to no region.
constexpr const char* kAbroadLabel = "abroad";

// Bins of a wait histogram: whole months 0 .. kWaitBins - 1, the last one open-ended.
constexpr auto kWaitBins = static_cast<std::size_t>(model::Indicators::kWaitMonths);

// Groups of territories to sum over: the group of each territory, or kNoGroup to leave it out.
constexpr std::size_t kNoGroup = std::numeric_limits<std::size_t>::max();

struct Grouping {
  std::vector<std::size_t> of_territory;
  std::size_t groups = 0;
};

// Home territories by region, home territories as one group (national), abroad territories as
// one group.
Grouping by_region(const model::Model& model, std::size_t n_regions) {
  Grouping grouping{{}, n_regions};
  for (const model::Territory& territory : model.territories) {
    grouping.of_territory.push_back(territory.abroad ? kNoGroup : territory.region);
  }
  return grouping;
}

Grouping home_as_one(const model::Model& model) {
  Grouping grouping{{}, 1};
  for (const model::Territory& territory : model.territories) {
    grouping.of_territory.push_back(territory.abroad ? kNoGroup : 0);
  }
  return grouping;
}

Grouping abroad_as_one(const model::Model& model) {
  Grouping grouping{{}, 1};
  for (const model::Territory& territory : model.territories) {
    grouping.of_territory.push_back(territory.abroad ? 0 : kNoGroup);
  }
  return grouping;
}

Grouping all_as_one(const model::Model& model) {
  return {std::vector<std::size_t>(model.territories.size(), 0), 1};
}

// Sums a [period][territory][inner] count (or amount) over each group of territories:
// [period][group][inner], appended to `out`. `inner` counts the values of one period and
// territory: services, services x interim situations, or 1.
template <class T>
void append_group_sums_of(std::span<const T> cells, std::size_t periods, std::size_t territories,
                          std::size_t inner, const Grouping& grouping, std::vector<T>& out) {
  PARCOURS_CHECK(cells.size() == periods * territories * inner,
                 "a count to sum over territories is missized");
  const std::size_t first = out.size();
  out.resize(first + periods * grouping.groups * inner, 0);
  for (std::size_t p = 0; p < periods; ++p) {
    for (std::size_t t = 0; t < territories; ++t) {
      const std::size_t group = grouping.of_territory[t];
      if (group == kNoGroup) {
        continue;
      }
      for (std::size_t k = 0; k < inner; ++k) {
        out[first + (p * grouping.groups + group) * inner + k] +=
            cells[(p * territories + t) * inner + k];
      }
    }
  }
}

void append_group_sums(std::span<const std::int64_t> cells, std::size_t periods,
                       std::size_t territories, std::size_t inner, const Grouping& grouping,
                       std::vector<std::int64_t>& out) {
  append_group_sums_of(cells, periods, territories, inner, grouping, out);
}

void append_group_sums(std::span<const double> cells, std::size_t periods, std::size_t territories,
                       std::size_t inner, const Grouping& grouping, std::vector<double>& out) {
  append_group_sums_of(cells, periods, territories, inner, grouping, out);
}

// Sums one replication's books values per unit ([period][unit](inner): `inner` values per unit,
// e.g. one per payer, over `periods` periods) into the [period][territory][service](inner) cells
// of the units, appended to `out`: a declared provider goes to its territory and service, an
// implicit unit to its own cell.
void append_cell_sums(const std::vector<double>& per_unit, std::size_t periods, std::size_t inner,
                      const std::vector<funding::Unit>& units, std::size_t territories,
                      std::size_t services, std::vector<double>& out) {
  const std::size_t n_units = units.size();
  PARCOURS_CHECK(per_unit.size() == periods * n_units * inner, "a books array is missized");
  const std::size_t first = out.size();
  out.resize(first + periods * territories * services * inner, 0.0);
  for (std::size_t p = 0; p < periods; ++p) {
    for (std::size_t u = 0; u < n_units; ++u) {
      const std::size_t cell = (p * territories + units[u].territory) * services + units[u].service;
      for (std::size_t k = 0; k < inner; ++k) {
        out[first + cell * inner + k] += per_unit[(p * n_units + u) * inner + k];
      }
    }
  }
}

// Concatenates one [period][territory](service) array of every replication.
template <class T, class Get>
std::vector<T> stack(const run::Results& results, Get get) {
  std::vector<T> all;
  for (const run::ReplicationResult& replication : results.replications) {
    const std::vector<T>& part = get(replication);
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

struct Meta {
  std::string long_name;
  std::string units;  // "" for labels, which have none
  std::string description;
};

void describe(Hdf5Writer& file, const std::string& name, const Meta& meta,
              const std::string& coordinates = "") {
  file.set_attribute(name, "long_name", meta.long_name);
  if (!meta.units.empty()) {
    file.set_attribute(name, "units", meta.units);
  }
  file.set_attribute(name, "description", meta.description);
  if (!coordinates.empty()) {
    // CF auxiliary coordinates: xarray attaches these to the variable.
    file.set_attribute(name, "coordinates", coordinates);
  }
}

// Joins the non-empty `parts` with spaces (a CF coordinates attribute).
std::string join_words(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (!part.empty()) {
      out += (out.empty() ? "" : " ") + part;
    }
  }
  return out;
}

// A count by home territory over [replication, period, territory, service] (and `inner_dim`
// when it has one; without the service axis when !by_service), written with its sums over the
// home territories of each region and of the country: the datasets STEM, STEM_by_region and
// STEM_national, in that order.
struct HomeCount {
  std::string stem;
  std::vector<std::int64_t> model::Indicators::*field;  // nullptr: add_home_values' values
  std::string inner_dim;                                // "": none
  std::size_t inner = 1;  // values per [period][territory](service) cell: inner_dim's length
  std::string long_name;
  std::string what;               // description of one person counted
  std::string inner_coordinates;  // coordinates over inner_dim, for the `coordinates` attribute
  bool by_service = true;         // false: no service axis ([.., territory, inner_dim])
};

// Replication r's [period][territory](service)(inner) values of a HomeCount.
using ValuesOf = std::function<const std::vector<std::int64_t>&(std::size_t r)>;

void add_home_values(Hdf5Writer& file, const model::Model& model, const run::Results& results,
                     const std::string& period, const HomeCount& count, const ValuesOf& values_of) {
  std::vector<std::string> dims{"replication", period, "territory"};
  std::vector<std::string> region_dims{"replication", period, "region"};
  std::vector<std::string> national_dims{"replication", period};
  for (auto* list : {&dims, &region_dims, &national_dims}) {
    if (count.by_service) {
      list->emplace_back("service");
    }
    if (!count.inner_dim.empty()) {
      list->push_back(count.inner_dim);
    }
  }
  const Grouping regional = by_region(model, model.regions.size());
  const Grouping national = home_as_one(model);
  std::vector<std::int64_t> cells;
  std::vector<std::int64_t> by_region_sums;
  std::vector<std::int64_t> national_sums;
  for (std::size_t r = 0; r < results.replications.size(); ++r) {
    const model::Indicators& ind = results.replications[r].indicators;
    const std::vector<std::int64_t>& values = values_of(r);
    const auto periods = static_cast<std::size_t>(ind.periods);
    const auto territories = static_cast<std::size_t>(ind.territories);
    const std::size_t inner =
        (count.by_service ? static_cast<std::size_t>(ind.services) : 1) * count.inner;
    cells.insert(cells.end(), values.begin(), values.end());
    append_group_sums(values, periods, territories, inner, regional, by_region_sums);
    append_group_sums(values, periods, territories, inner, national, national_sums);
  }

  const std::string& stem = count.stem;
  // `places` is over [territory, service]: only the counts by service name it.
  const std::string territory_coordinates =
      count.by_service ? "territory_name territory_region territory_abroad places"
                       : "territory_name territory_region territory_abroad";
  file.add_variable(stem, dims, cells, Storage::kChunkedByFirstAxis);
  describe(
      file, stem,
      {count.long_name, "people", count.what + "; by home territory (0 on abroad territories)"},
      join_words({territory_coordinates, count.inner_coordinates, "period_days"}));
  file.add_variable(stem + "_by_region", region_dims, by_region_sums, Storage::kChunkedByFirstAxis);
  describe(file, stem + "_by_region",
           {count.long_name + ", by region", "people",
            count.what + "; summed over the home territories of each region (" + stem +
                " of the territories whose territory_region is the region)"},
           join_words({count.inner_coordinates, "period_days"}));
  file.add_variable(stem + "_national", national_dims, national_sums, Storage::kChunkedByFirstAxis);
  describe(file, stem + "_national",
           {count.long_name + ", national", "people",
            count.what + "; summed over all home territories (" + stem +
                " of the territories whose territory_abroad is 0)"},
           join_words({count.inner_coordinates, "period_days"}));
}

void add_home_count(Hdf5Writer& file, const model::Model& model, const run::Results& results,
                    const std::string& period, const HomeCount& count) {
  add_home_values(file, model, results, period, count,
                  [&](std::size_t r) -> const std::vector<std::int64_t>& {
                    return results.replications[r].indicators.*count.field;
                  });
}

// Children waiting for a place by interim situation (Model::interim), and those of them with no
// solution, by home territory, region and country: the datasets after the wait percentiles.
// Written only when the model has interim situations.
void add_interim_indicators(Hdf5Writer& file, const model::Model& model,
                            const run::Results& results, const std::string& period) {
  const std::size_t n_interims = model.interim.size();
  const bool limited = any_limited(model);
  const std::string coordinates = join_words({"interim_no_solution interim_ordinary_school",
                                              limited ? "interim_per_child interim_fallback" : ""});
  add_home_count(
      file, model, results, period,
      {"waiting_interim_end", &model::Indicators::waiting_interim_end, "interim", n_interims,
       "waiting at end of period by interim situation",
       "children on the service's waiting list at the end of the period, by interim situation "
       "(where they are meanwhile): only those holding no place, and only for services that "
       "record it (elsewhere 0)",
       coordinates});
  if (limited) {
    add_home_count(
        file, model, results, period,
        {"interim_fallbacks", &model::Indicators::interim_fallbacks, "interim", n_interims,
         "fell back from a limited interim situation",
         "children who drew this interim situation when its room in their home territory was "
         "used up, and took its fallback instead (interim_fallback), in the period; 0 for "
         "unlimited situations. A child whose fallback is full too is counted again at the "
         "fallback",
         coordinates});
  }

  const Grouping regional = by_region(model, model.regions.size());
  const Grouping national = home_as_one(model);
  std::vector<std::int64_t> no_solution;  // [replication][period][territory]
  std::vector<std::int64_t> no_solution_by_region;
  std::vector<std::int64_t> no_solution_national;
  for (const run::ReplicationResult& replication : results.replications) {
    const model::Indicators& ind = replication.indicators;
    const auto periods = static_cast<std::size_t>(ind.periods);
    const auto territories = static_cast<std::size_t>(ind.territories);
    // Each waiting child is on one list and in one situation, so this counts no one twice.
    std::vector<std::int64_t> without(periods * territories, 0);
    for (int p = 0; p < ind.periods; ++p) {
      for (int t = 0; t < ind.territories; ++t) {
        for (int s = 0; s < ind.services; ++s) {
          for (std::size_t i = 0; i < n_interims; ++i) {
            if (model.interim[i].no_solution) {
              without[ind.flow(p, t)] +=
                  ind.waiting_interim_end[ind.interim_cell(p, t, s, static_cast<int>(i))];
            }
          }
        }
      }
    }
    no_solution.insert(no_solution.end(), without.begin(), without.end());
    append_group_sums(without, periods, territories, 1, regional, no_solution_by_region);
    append_group_sums(without, periods, territories, 1, national, no_solution_national);
  }

  const std::string without_what =
      "children waiting with no solution at the end of the period: waiting_interim_end summed "
      "over services and over the interim situations whose interim_no_solution is 1 (a waiting "
      "child is on one list only, so no one is counted twice)";
  file.add_variable("no_solution_end", {"replication", period, "territory"}, no_solution,
                    Storage::kChunkedByFirstAxis);
  describe(file, "no_solution_end",
           {"with no solution at end of period", "people",
            without_what + "; by home territory (0 on abroad territories)"},
           "territory_name territory_region territory_abroad period_days");
  file.add_variable("no_solution_end_by_region", {"replication", period, "region"},
                    no_solution_by_region, Storage::kChunkedByFirstAxis);
  describe(file, "no_solution_end_by_region",
           {"with no solution at end of period, by region", "people",
            without_what + "; summed over the home territories of each region (no_solution_end "
                           "of the territories whose territory_region is the region)"},
           "period_days");
  file.add_variable("no_solution_end_national", {"replication", period}, no_solution_national,
                    Storage::kChunkedByFirstAxis);
  describe(file, "no_solution_end_national",
           {"with no solution at end of period, national", "people",
            without_what + "; summed over all home territories (no_solution_end of the "
                           "territories whose territory_abroad is 0)"},
           "period_days");
}

// What a priority level asks of a child, in words: "any child" for the last level.
std::string priority_conditions(const model::Model& model, const model::PriorityLevel& level) {
  if (level.unconditional()) {
    return "any child";
  }
  const auto names = [](const std::vector<std::uint8_t>& indices,
                        const std::vector<std::string>& labels) {
    std::string out;
    for (const std::uint8_t i : indices) {
      out += (out.empty() ? "" : ", ") + labels.at(i);
    }
    return out;
  };
  const auto years = [](double value) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g", value);
    return std::string{text.data()};
  };
  std::vector<std::string> parts;
  if (!level.services.empty()) {
    std::string lists;
    for (const std::uint16_t s : level.services) {
      lists += (lists.empty() ? "" : ", ") + model.services.at(s).name;
    }
    parts.push_back("lists: " + lists);
  }
  if (level.pag) {
    parts.emplace_back(*level.pag ? "with a PAG" : "without a PAG");
  }
  if (level.ase) {
    parts.emplace_back(*level.ase ? "under ASE" : "not under ASE");
  }
  if (!level.needs.empty()) {
    parts.push_back("needs: " + names(level.needs, model.children.needs_levels));
  }
  if (!level.impairments.empty()) {
    parts.push_back("impairment: " + names(level.impairments, model.children.impairments));
  }
  if (level.min_age_years > 0.0) {
    parts.push_back("aged " + years(level.min_age_years) + " years or more");
  }
  if (level.min_waited_years > 0.0) {
    parts.push_back("waited " + years(level.min_waited_years) + " years or more");
  }
  std::string out;
  for (const std::string& part : parts) {
    out += (out.empty() ? "" : "; ") + part;
  }
  return out;
}

// Waiting lists by priority level, list reviews, PAGs, deaths, and children by attribute
// (Model::children, Model::lists), by home territory, region and country: the datasets after the
// interim situations. Always written: a model that declares no impairments or priority levels
// has one of each, "all".
void add_children_indicators(Hdf5Writer& file, const model::Model& model,
                             const run::Results& results, const std::string& period) {
  const std::size_t n_priorities = model.lists.priority.size();
  const std::size_t n_impairments = model.children.impairments.size();
  const std::array<HomeCount, 7> counts{{
      {"waiting_priority_end", &model::Indicators::waiting_priority_end, "priority", n_priorities,
       "waiting at end of period by priority level",
       "children on the service's waiting list at the end of the period, by the priority level "
       "they hold on it (the first level whose conditions they met when they joined the list or "
       "at its last review); summed over priority, waiting_end",
       "priority_conditions"},
      {"pag_end", &model::Indicators::pag_end, "", 1, "waiting with a PAG at end of period",
       "children on the service's waiting list at the end of the period who have a PAG (plan "
       "d'accompagnement global, given at a list review to children left with no solution for "
       "long); at most waiting_end",
       ""},
      {"removed_at_review", &model::Indicators::removed_at_review, "", 1,
       "removed from the list at a review",
       "children taken off the service's waiting list at a periodic list review (their situation "
       "changed), during the period; they leave the sector",
       ""},
      {"died", &model::Indicators::died, "", 1, "deaths",
       "children who died during the period, counted under the service of their place, or else "
       "of the list they were on, or else of the service they were oriented to",
       ""},
      {"occupants_ase_end", &model::Indicators::occupants_ase_end, "", 1,
       "in a place under ASE at end of period",
       "children in a place of the service (wherever it is, Creton holders included) under a "
       "child-protection measure (ASE) at the end of the period; at most "
       "occupants_impairment_end summed over impairment",
       ""},
      {"occupants_impairment_end", &model::Indicators::occupants_impairment_end, "impairment",
       n_impairments, "in a place at end of period by impairment",
       "children in a place of the service (wherever it is, Creton holders included) at the end "
       "of the period, by main impairment; summed over impairment and territory, occupied_end "
       "summed over all territories (abroad ones too)",
       ""},
      {"waiting_impairment_end", &model::Indicators::waiting_impairment_end, "impairment",
       n_impairments, "waiting at end of period by impairment",
       "children on the service's waiting list at the end of the period, by main impairment; "
       "summed over impairment, waiting_end",
       ""},
  }};
  for (const HomeCount& count : counts) {
    add_home_count(file, model, results, period, count);
  }
}

// MDPH notifications and double orientation (Model::notifications, Service::alternative): the
// orientations renewed and lapsed at their expiry, and the children who took a place of the
// alternative service while waiting, by home territory, region and country: the datasets after
// the children's. Always written, as removed_at_review is: zeros when orientations never expire
// or no service has an alternative.
void add_orientation_indicators(Hdf5Writer& file, const model::Model& model,
                                const run::Results& results, const std::string& period) {
  const std::array<HomeCount, 3> counts{{
      {"renewed", &model::Indicators::renewed, "", 1, "orientations renewed at expiry",
       "orientations to the service renewed at their expiry (notifications.validity_years after "
       "the child began waiting, and every validity_years after) while the child waited for a "
       "place of it holding no place, during the period; 0 when orientations never expire",
       ""},
      {"lapsed", &model::Indicators::lapsed, "", 1, "orientations lapsed at expiry",
       "orientations to the service that lapsed at their expiry (not renewed: probability 1 - "
       "notifications.renewal_share) while the child waited for a place of it holding no place, "
       "during the period; the child left the list and the sector (it is in departures, its "
       "spell ends lapsed); 0 when orientations never expire",
       ""},
      {"to_alternative", &model::Indicators::to_alternative, "", 1,
       "took a place of the alternative while waiting",
       "children who, waiting for a place of the service and holding none, took a free place of "
       "its alternative service (double orientation: on joining the list, for a share "
       "alternative_share of the orientations, or when given a PAG), during the period; they "
       "stay on the service's list as stepping holders of that place, and are in admissions of "
       "the alternative service; 0 for services without an alternative",
       ""},
  }};
  for (const HomeCount& count : counts) {
    add_home_count(file, model, results, period, count);
  }
}

// People who left the sector by a decision branch naming an outcome (Model::outcomes), by home
// territory, region and country: the datasets after the orientation ones. Written only when
// the model names outcomes.
void add_outcome_indicators(Hdf5Writer& file, const model::Model& model,
                            const run::Results& results, const std::string& period) {
  add_home_count(file, model, results, period,
                 {"left_to", &model::Indicators::left_to, "outcome", model.outcomes.size(),
                  "left the sector by outcome",
                  "people who left the sector from a place of the service (or its list) by a "
                  "decision branch naming the outcome, in the period; summed over outcome, at "
                  "most the departures of the home territory (branches that name no outcome "
                  "are in departures only)",
                  "outcome_description"});
}

// A ratio of counts, NaN where the denominator is 0.
double rate(std::int64_t numerator, std::int64_t denominator) {
  return denominator > 0 ? static_cast<double>(numerator) / static_cast<double>(denominator)
                         : std::numeric_limits<double>::quiet_NaN();
}

// A float64 rate over `dims`: units "1", NaN where undefined, and that NaN as the CF _FillValue.
void add_rate(Hdf5Writer& file, const std::string& name, const std::vector<std::string>& dims,
              const std::vector<double>& values, const std::string& long_name,
              const std::string& description, const std::string& coordinates) {
  file.add_variable(name, dims, values, Storage::kChunkedByFirstAxis);
  describe(file, name, {long_name, "1", description}, coordinates);
  file.set_attribute(name, "_FillValue", std::numeric_limits<double>::quiet_NaN());
}

// Children of each service in an ordinary school and the inclusion rate, by home territory,
// region and country, and over all services nationally. Written only when the model records
// schooling or interim situations (otherwise no child's schooling is known: every rate is NaN).
void add_inclusion_indicators(Hdf5Writer& file, const model::Model& model,
                              const run::Results& results, const std::string& period) {
  const std::size_t n_schoolings = model.schoolings.size();
  const std::size_t n_interims = model.interim.size();
  // Per replication, [period][territory][service]: those in an ordinary school, and those whose
  // schooling (in a place) or interim situation (waiting, holding no place) is recorded.
  std::vector<std::vector<std::int64_t>> ordinary;
  std::vector<std::vector<std::int64_t>> recorded;
  for (const run::ReplicationResult& replication : results.replications) {
    const model::Indicators& ind = replication.indicators;
    std::vector<std::int64_t>& in_school = ordinary.emplace_back(ind.waiting_end.size(), 0);
    std::vector<std::int64_t>& known = recorded.emplace_back(ind.waiting_end.size(), 0);
    for (int p = 0; p < ind.periods; ++p) {
      for (int t = 0; t < ind.territories; ++t) {
        for (int s = 0; s < ind.services; ++s) {
          const std::size_t c = ind.cell(p, t, s);
          for (std::size_t k = 0; k < n_schoolings; ++k) {
            const std::int64_t n = ind.occupants_schooling_end[ind.sub_cell(
                p, t, s, static_cast<int>(n_schoolings), static_cast<int>(k))];
            known[c] += n;
            in_school[c] += model.schoolings[k].ordinary_school ? n : 0;
          }
          for (std::size_t i = 0; i < n_interims; ++i) {
            const std::int64_t n =
                ind.waiting_interim_end[ind.interim_cell(p, t, s, static_cast<int>(i))];
            known[c] += n;
            in_school[c] += model.interim[i].ordinary_school ? n : 0;
          }
        }
      }
    }
  }
  add_home_values(
      file, model, results, period,
      {"ordinary_school_end", nullptr, "", 1, "in an ordinary school at end of period",
       "children of the service in an ordinary school (full or part time) at the end of the "
       "period: those in a place of the service (wherever it is) whose schooling has "
       "schooling_ordinary_school 1 (occupants_schooling_end), plus those on its waiting list, "
       "holding no place, whose interim situation has interim_ordinary_school 1 "
       "(waiting_interim_end)",
       ""},
      [&](std::size_t r) -> const std::vector<std::int64_t>& { return ordinary[r]; });

  const std::string d_is =
      "D = occupants_schooling_end summed over schooling + waiting_interim_end summed over "
      "interim (the children of the service whose schooling in a place, or interim situation "
      "while waiting, is recorded)";
  const Grouping regional = by_region(model, model.regions.size());
  const Grouping national = home_as_one(model);
  std::vector<double> by_territory;  // [replication][period][territory][service]
  std::vector<double> by_region_rates;
  std::vector<double> national_rates;
  std::vector<double> all_services;  // [replication][period]
  for (std::size_t r = 0; r < results.replications.size(); ++r) {
    const model::Indicators& ind = results.replications[r].indicators;
    const auto periods = static_cast<std::size_t>(ind.periods);
    const auto territories = static_cast<std::size_t>(ind.territories);
    const auto services = static_cast<std::size_t>(ind.services);
    for (std::size_t c = 0; c < ordinary[r].size(); ++c) {
      by_territory.push_back(rate(ordinary[r][c], recorded[r][c]));
    }
    // Rates of groups from summed counts, never from averaged rates.
    std::vector<std::int64_t> national_ordinary;
    std::vector<std::int64_t> national_recorded;
    const auto group_rates = [&](const Grouping& grouping, std::vector<std::int64_t>& in_school,
                                 std::vector<std::int64_t>& known, std::vector<double>& rates) {
      append_group_sums(ordinary[r], periods, territories, services, grouping, in_school);
      append_group_sums(recorded[r], periods, territories, services, grouping, known);
      for (std::size_t k = 0; k < in_school.size(); ++k) {
        rates.push_back(rate(in_school[k], known[k]));
      }
    };
    std::vector<std::int64_t> region_ordinary;
    std::vector<std::int64_t> region_recorded;
    group_rates(regional, region_ordinary, region_recorded, by_region_rates);
    group_rates(national, national_ordinary, national_recorded, national_rates);
    for (std::size_t p = 0; p < periods; ++p) {
      std::int64_t numerator = 0;
      std::int64_t total = 0;
      for (std::size_t s = 0; s < services; ++s) {
        numerator += national_ordinary[p * services + s];
        total += national_recorded[p * services + s];
      }
      all_services.push_back(rate(numerator, total));
    }
  }
  add_rate(file, "inclusion_rate", {"replication", period, "territory", "service"}, by_territory,
           "inclusion rate at end of period",
           "share of the service's children in an ordinary school at the end of the period, by "
           "home territory: ordinary_school_end / D, where " +
               d_is + "; NaN where D is 0",
           "territory_name territory_region territory_abroad places period_days");
  add_rate(file, "inclusion_rate_by_region", {"replication", period, "region", "service"},
           by_region_rates, "inclusion rate at end of period, by region",
           "ordinary_school_end_by_region / D summed over the home territories of the region (a "
           "rate of summed counts, not a mean of rates), where " +
               d_is + "; NaN where that sum is 0",
           "period_days");
  add_rate(file, "inclusion_rate_national", {"replication", period, "service"}, national_rates,
           "inclusion rate at end of period, national",
           "ordinary_school_end_national / D summed over all home territories (a rate of summed "
           "counts, not a mean of rates), where " +
               d_is + "; NaN where that sum is 0",
           "period_days");
  add_rate(file, "inclusion_rate_all_services_national", {"replication", period}, all_services,
           "inclusion rate at end of period, all services, national",
           "ordinary_school_end_national summed over services / D summed over all home "
           "territories and services, where " +
               d_is + "; NaN where that sum is 0",
           "period_days");
}

// Children by mode of care, schooling and age group, yearly plan reviews and the steps taken,
// and inclusion in ordinary schools, by home territory, region and country: the datasets after
// the children's. Each group only when the model has what it is over (modes, schoolings, age
// groups, plan steps; schoolings or interim situations for inclusion).
void add_care_indicators(Hdf5Writer& file, const model::Model& model, const run::Results& results,
                         const std::string& period) {
  if (!model.modes.empty()) {
    add_home_count(
        file, model, results, period,
        {"occupants_mode_end", &model::Indicators::occupants_mode_end, "mode", model.modes.size(),
         "in a place at end of period by mode of care",
         "children in a place of the service (wherever it is, Creton and stepping holders "
         "included) at the end of the period, by mode of care (drawn on admission from the "
         "service's shares, changed by plan steps); only for services that record modes "
         "(elsewhere 0); for those, summed over mode, occupants_impairment_end summed over "
         "impairment",
         "mode_residential mode_attendance"});
  }
  if (!model.schoolings.empty()) {
    add_home_count(
        file, model, results, period,
        {"occupants_schooling_end", &model::Indicators::occupants_schooling_end, "schooling",
         model.schoolings.size(), "in a place at end of period by schooling",
         "children in a place of the service (wherever it is, Creton and stepping holders "
         "included) at the end of the period, by schooling (drawn on admission from the "
         "service's shares, changed by plan steps); only for services that record schooling "
         "(elsewhere 0); for those, summed over schooling, occupants_impairment_end summed over "
         "impairment",
         "schooling_ordinary_school"});
  }
  if (!model.children.age_groups.empty()) {
    const std::size_t n_groups = model.children.age_groups.size();
    add_home_count(file, model, results, period,
                   {"occupants_age_end", &model::Indicators::occupants_age_end, "age_group",
                    n_groups, "in a place at end of period by age group",
                    "children in a place of the service (wherever it is, Creton and stepping "
                    "holders included) at the end of the period, by their age then "
                    "(age_group_lower_years); summed over age_group, occupants_impairment_end "
                    "summed over impairment",
                    "age_group_lower_years"});
    add_home_count(file, model, results, period,
                   {"waiting_age_end", &model::Indicators::waiting_age_end, "age_group", n_groups,
                    "waiting at end of period by age group",
                    "children on the service's waiting list at the end of the period, by their "
                    "age then (age_group_lower_years); summed over age_group, waiting_end",
                    "age_group_lower_years"});
  }
  if (!model.plans.steps.empty()) {
    add_home_count(file, model, results, period,
                   {"plan_reviews", &model::Indicators::plan_reviews, "", 1, "plans reviewed",
                    "children in a place of the service (wherever it is), not already waiting "
                    "for a place of another service, whose plan was reviewed at the yearly plan "
                    "review during the period",
                    ""});
    add_home_count(file, model, results, period,
                   {"plan_steps_taken", &model::Indicators::plan_steps_taken, "plan_step",
                    model.plans.steps.size(), "plan steps taken",
                    "children who took the plan step at a yearly plan review during the period "
                    "(plan_step_from: the service of the place it applies to); a reviewed child "
                    "takes at most one step, so summed over the steps of a service, at most "
                    "plan_reviews of that service",
                    "plan_step_from", /*by_service=*/false});
  }
  if (!model.schoolings.empty() || !model.interim.empty()) {
    add_inclusion_indicators(file, model, results, period);
  }
}

// What a provider's authorisation mask lets it admit, in words: the impairment labels joined by
// ";", "any" for Provider::kAnyImpairment (every child), "none" for no impairment.
std::string provider_impairments(const model::Model& model, const model::Provider& provider) {
  if (provider.impairments == model::Provider::kAnyImpairment) {
    return "any";
  }
  std::string out;
  for (std::size_t i = 0; i < model.children.impairments.size(); ++i) {
    if (provider.admits(static_cast<std::uint8_t>(i))) {
      out += (out.empty() ? "" : ";") + model.children.impairments[i];
    }
  }
  return out.empty() ? "none" : out;
}

// The declared providers' indicators over [replication, period, provider]: occupied place-days
// and the occupancy rate, admissions, places occupied at the end, and, when lists are per
// provider, the children on each provider's list. Written only when the model declares
// providers, after the care indicators.
void add_provider_indicators(Hdf5Writer& file, const model::Model& model,
                             const run::Results& results, const std::string& period) {
  const std::vector<std::string> dims{"replication", period, "provider"};
  const std::string coordinates =
      "provider_territory provider_service provider_organisation provider_places "
      "provider_impairments period_days";
  const std::string by_cell =
      "; summed over the providers of a territory and service (provider_territory, "
      "provider_service), ";

  const std::vector<double> place_days =
      stack<double>(results, [](const run::ReplicationResult& r) -> const std::vector<double>& {
        return r.indicators.provider_place_days;
      });
  file.add_variable("provider_place_days", dims, place_days, Storage::kChunkedByFirstAxis);
  describe(file, "provider_place_days",
           {"occupied place-days of the provider", "place-days",
            "integral over the period of the number of the provider's occupied places, Creton "
            "and stepping stays included" +
                by_cell + "occupied_place_days of that cell"},
           coordinates);

  const std::vector<double> authorised =
      stack<double>(results, [](const run::ReplicationResult& r) -> const std::vector<double>& {
        return r.indicators.provider_capacity_days;
      });
  file.add_variable("provider_authorised_place_days", dims, authorised,
                    Storage::kChunkedByFirstAxis);
  describe(file, "provider_authorised_place_days",
           {"authorised place-days of the provider", "place-days",
            "integral over the period of the provider's authorised places (provider_places, as "
            "the policy timeline changes them)" +
                by_cell + "authorised_place_days of that cell"},
           coordinates);
  std::vector<double> occupancy(place_days.size());
  for (std::size_t i = 0; i < place_days.size(); ++i) {
    occupancy[i] = authorised[i] > 0.0 ? place_days[i] / authorised[i]
                                       : std::numeric_limits<double>::quiet_NaN();
  }
  add_rate(file, "provider_occupancy_rate", dims, occupancy, "occupancy rate of the provider",
           "provider_place_days / provider_authorised_place_days, in [0, 1] up to rounding (above "
           "1 after the timeline closes occupied places, until their occupants leave); NaN where "
           "the provider had no places in the period",
           coordinates);

  struct ProviderCount {
    const char* name;
    std::vector<std::int64_t> model::Indicators::*field;
    Meta meta;
  };

  std::vector<ProviderCount> counts{
      {"provider_admissions",
       &model::Indicators::provider_admissions,
       {"admissions to the provider", "people",
        "entries into a place of the provider during the period" + by_cell +
            "admissions of that cell"}},
      {"provider_places_end",
       &model::Indicators::provider_capacity_end,
       {"places of the provider at end of period", "places",
        "the provider's authorised places at the end of the period: provider_places, as the "
        "policy timeline changes them" +
            by_cell + "places_end of that cell"}},
      {"provider_occupied_end",
       &model::Indicators::provider_occupied_end,
       {"occupied places of the provider at end of period", "people",
        "people in a place of the provider at the end of the period, Creton and stepping "
        "holders included" +
            by_cell + "occupied_end of that cell"}},
  };
  if (model.lists.per_provider) {
    counts.push_back(
        {"provider_applications_end",
         &model::Indicators::provider_applications_end,
         {"on the provider's waiting list at end of period", "people",
          "children on the provider's own waiting list at the end of the period (lists per "
          "provider: a child without a place applies to up to lists.applications providers of "
          "its home territory, so a sum over providers counts a child once per list it is on)"}});
  }
  for (const ProviderCount& count : counts) {
    file.add_variable(count.name, dims,
                      stack<std::int64_t>(
                          results,
                          [&](const run::ReplicationResult& r) -> const std::vector<std::int64_t>& {
                            return r.indicators.*count.field;
                          }),
                      Storage::kChunkedByFirstAxis);
    describe(file, count.name, count.meta, coordinates);
  }
}

// Each declared provider's days billed and prices by price mode (Books::mode_billed_days,
// mode_price), over (replication, period, provider, price_mode).
void add_price_mode_books(Hdf5Writer& file, const run::Results& results, const model::Model& model,
                          const funding::Scheme& scheme, const std::string& period,
                          const std::string& coordinates) {
  const std::size_t n_providers = model.providers.size();
  const std::size_t n_modes = scheme.price_modes.size();
  const std::size_t periods = static_cast<std::size_t>(model.periods());
  const std::vector<std::string> dims{"replication", period, "provider", "price_mode"};
  const auto of_providers = [&](const std::vector<double> funding::Books::*field) {
    std::vector<double> out;
    out.reserve(results.replications.size() * periods * n_providers * n_modes);
    for (const run::ReplicationResult& replication : results.replications) {
      const funding::Books& books = replication.books;
      for (std::size_t p = 0; p < periods; ++p) {
        const auto* first = (books.*field).data() + books.mode_at(static_cast<int>(p), 0, 0);
        out.insert(out.end(), first, first + n_providers * n_modes);
      }
    }
    return out;
  };
  file.add_variable("provider_mode_billed_days", dims,
                    of_providers(&funding::Books::mode_billed_days), Storage::kChunkedByFirstAxis);
  describe(file, "provider_mode_billed_days",
           {"days billed by the provider in each price mode", "billed-days",
            "the days billed in each price mode in the period, whatever the rule (measured when "
            "a modulated_price rule is assigned; 0 otherwise): the days in the establishment of "
            "its occupants of each mode in the price mode whose `modes` list it, their days at "
            "school in the one with school_days = true (else in their mode's), billed as "
            "provider_billed_days, which they sum to when every mode has a price mode"},
           coordinates);
  file.add_variable("provider_mode_price", dims, of_providers(&funding::Books::mode_price),
                    Storage::kChunkedByFirstAxis);
  describe(file, "provider_mode_price",
           {"modulated daily price of the provider in each price mode", "EUR/day",
            "under a modulated_price rule, the price of each price mode in the period (CASF "
            "R.314-119): the sum over the gammes of units a day x unit cost, from its cost "
            "table's euros (grown by cost_growth_per_year, following its places) over the "
            "forecast days of the run's first year, then the mean days billed by price mode of "
            "up to three previous years; provider_revenue = sum over price modes of "
            "provider_mode_price x provider_mode_billed_days; 0 under another rule or none"},
           coordinates);
}

// The name a scenario gives a funding rule ("daily_price", ...).
std::string rule_kind(funding::Rule rule) {
  switch (rule) {
    case funding::Rule::kDailyPrice:
      return "daily_price";
    case funding::Rule::kGlobalAllocation:
      return "global_allocation";
    case funding::Rule::kCapitation:
      return "capitation";
    case funding::Rule::kPooledAllocation:
      return "pooled_allocation";
    case funding::Rule::kPerformance:
      return "performance";
    case funding::Rule::kNeedsBased:
      return "needs_based";
    case funding::Rule::kImpactBond:
      return "impact_bond";
    case funding::Rule::kModulatedPrice:
      return "modulated_price";
  }
  return "unknown";
}

// A float64 ratio over `dims` (in `meta`'s units), NaN where undefined, and that NaN as the CF
// _FillValue.
void add_ratio(Hdf5Writer& file, const std::string& name, const std::vector<std::string>& dims,
               const std::vector<double>& values, const Meta& meta,
               const std::string& coordinates) {
  file.add_variable(name, dims, values, Storage::kChunkedByFirstAxis);
  describe(file, name, meta, coordinates);
  file.set_attribute(name, "_FillValue", std::numeric_limits<double>::quiet_NaN());
}

// An amount of money by the territory of the place over [replication, period, territory,
// service] (and `inner_dim`: payer), written with its sums over the home territories of each
// region (STEM_by_region, by the region of the place) and over every territory (STEM_national,
// abroad ones included: what the payers pay in all). `cells` holds every replication's
// [period][territory][service](inner) values, replication after replication.
struct Money {
  std::string stem;
  std::string long_name;
  std::string what;  // what the amount is, for the descriptions
  const std::vector<double>* cells = nullptr;
  std::string inner_dim;  // "": none
  std::size_t inner = 1;
  std::string inner_coordinates;
};

void add_money(Hdf5Writer& file, const model::Model& model, std::size_t replications,
               const std::string& period, const Money& money) {
  std::vector<std::string> dims{"replication", period, "territory", "service"};
  std::vector<std::string> region_dims{"replication", period, "region", "service"};
  std::vector<std::string> national_dims{"replication", period, "service"};
  if (!money.inner_dim.empty()) {
    for (auto* list : {&dims, &region_dims, &national_dims}) {
      list->push_back(money.inner_dim);
    }
  }
  const auto periods = static_cast<std::size_t>(model.periods());
  const std::size_t territories = model.territories.size();
  const std::size_t inner = model.services.size() * money.inner;
  const std::size_t per_replication = periods * territories * inner;
  const std::vector<double>& cells = *money.cells;
  PARCOURS_CHECK(cells.size() == replications * per_replication,
                 money.stem + " is missized for the model");
  const Grouping regional = by_region(model, model.regions.size());
  const Grouping everywhere = all_as_one(model);
  std::vector<double> by_region_sums;
  std::vector<double> national_sums;
  for (std::size_t r = 0; r < replications; ++r) {
    const std::span<const double> part{cells.data() + r * per_replication, per_replication};
    append_group_sums(part, periods, territories, inner, regional, by_region_sums);
    append_group_sums(part, periods, territories, inner, everywhere, national_sums);
  }
  file.add_variable(money.stem, dims, cells, Storage::kChunkedByFirstAxis);
  describe(file, money.stem,
           {money.long_name, "EUR",
            money.what + "; by the territory of the providers' places (declared providers by "
                         "provider_territory and provider_service)"},
           join_words({"territory_name places", money.inner_coordinates, "period_days"}));
  file.add_variable(money.stem + "_by_region", region_dims, by_region_sums,
                    Storage::kChunkedByFirstAxis);
  describe(file, money.stem + "_by_region",
           {money.long_name + ", by region", "EUR",
            money.what + "; summed over the home territories of each region (" + money.stem +
                " of the territories whose territory_region is the region; abroad places are in "
                "no region)"},
           join_words({money.inner_coordinates, "period_days"}));
  file.add_variable(money.stem + "_national", national_dims, national_sums,
                    Storage::kChunkedByFirstAxis);
  describe(file, money.stem + "_national",
           {money.long_name + ", national", "EUR",
            money.what + "; summed over every territory, abroad ones included (" + money.stem +
                " summed over territory: all that is paid, wherever the places are; unlike the "
                "counts' _national sums, which leave abroad territories out)"},
           join_words({money.inner_coordinates, "period_days"}));
}

// The books of every replication (run::ReplicationResult::books): spending, by payer, providers'
// revenue, cost and surplus, by territory of the place with region and national sums; the
// activity they are paid for (attended days, days at school, people followed) and the cost per
// child followed and per day of care; with declared providers, each provider's books. Written
// last among the indicators; spending always, the rest as the model has payers and providers.
void add_funding_indicators(Hdf5Writer& file, const Scenario& scenario, const run::Results& results,
                            const std::string& period) {
  const model::Model& model = scenario.model;
  const funding::Scheme& scheme = scenario.funding;
  const std::vector<funding::Unit> units = funding::units(model);
  const auto periods = static_cast<std::size_t>(model.periods());
  const std::size_t territories = model.territories.size();
  const std::size_t services = model.services.size();
  const std::size_t payers = scheme.payers.size();
  const std::size_t replications = results.replications.size();

  std::vector<double> spending;
  std::vector<double> by_payer;
  std::vector<double> cost;
  std::vector<double> surplus;
  for (const run::ReplicationResult& replication : results.replications) {
    const funding::Books& books = replication.books;
    append_cell_sums(books.revenue, periods, 1, units, territories, services, spending);
    append_cell_sums(books.cost, periods, 1, units, territories, services, cost);
    append_cell_sums(books.paid, periods, payers, units, territories, services, by_payer);
  }
  surplus.resize(spending.size());
  for (std::size_t i = 0; i < spending.size(); ++i) {
    surplus[i] = spending[i] - cost[i];
  }
  const std::string revenue_is =
      "money paid to the providers for the period under the scenario's [[funding.rules]] (the "
      "rule that applied to each, provider_rule for declared ones)";
  add_money(file, model, replications, period,
            {"spending", "spending",
             revenue_is + ": what the payers paid them; summed over payer, spending_by_payer",
             &spending, "", 1, ""});
  if (payers > 0) {
    add_money(file, model, replications, period,
              {"spending_by_payer", "spending by payer",
               revenue_is + ", by payer: each provider's revenue split between the payers of its "
                            "service by their shares ([services.NAME.money] payers), the parts "
                            "adding up to it exactly; summed over payer, spending",
               &by_payer, "payer", payers, "payer_description"});
  }
  add_money(file, model, replications, period,
            {"revenue", "providers' revenue",
             "what the providers received for the period under the funding rules; every euro "
             "comes from a payer, so revenue is spending",
             &spending, "", 1, ""});
  add_money(file, model, replications, period,
            {"cost", "providers' cost",
             "what the providers spent for the period: places x cost per place a year "
             "([services.NAME.money] euros_per_place_year, grown by [funding] "
             "cost_growth_per_year each simulated year) / periods per year x (fixed_share + (1 - "
             "fixed_share) x occupancy)",
             &cost, "", 1, ""});
  add_money(file, model, replications, period,
            {"surplus", "providers' surplus",
             "revenue - cost: the providers' surplus (> 0) or deficit (< 0) for the period",
             &surplus, "", 1, ""});

  // The activity the money pays for, by the territory of the place.
  const std::vector<std::string> cell_dims{"replication", period, "territory", "service"};
  const std::string cell_coordinates = "territory_name places period_days";
  const std::vector<double> attended =
      stack<double>(results, [](const run::ReplicationResult& r) -> const std::vector<double>& {
        return r.indicators.attended_days;
      });
  file.add_variable("attended_days", cell_dims, attended, Storage::kChunkedByFirstAxis);
  describe(file, "attended_days",
           {"attended days", "place-days",
            "occupied place-days of the service in the territory weighted by each occupant's "
            "attendance (its mode's mode_attendance; 1 where the service records no mode), in "
            "the period: the days of care, at most occupied_place_days"},
           cell_coordinates);
  file.add_variable(
      "school_days", cell_dims,
      stack<double>(results,
                    [](const run::ReplicationResult& r) -> const std::vector<double>& {
                      return r.indicators.school_days;
                    }),
      Storage::kChunkedByFirstAxis);
  describe(file, "school_days",
           {"days at school", "place-days",
            "the part of attended_days the occupants spent at school instead (x their "
            "schooling's school_day_share; 0 where the service records no schooling): the "
            "inclusion days a daily price bills as bill_school_days says"},
           cell_coordinates);
  const std::vector<std::int64_t> followed = stack<std::int64_t>(
      results, [](const run::ReplicationResult& r) -> const std::vector<std::int64_t>& {
        return r.indicators.followed;
      });
  file.add_variable("followed", cell_dims, followed, Storage::kChunkedByFirstAxis);
  describe(file, "followed",
           {"people followed", "people",
            "people who were in a place of the service in the territory at some time in the "
            "period (at its start, or admitted during it: the file active); a person who moved "
            "between places is counted in each"},
           cell_coordinates);

  std::vector<double> opening_days;
  for (const funding::ServiceMoney& money : scheme.services) {
    opening_days.push_back(money.opening_days);
  }
  file.add_variable("opening_days", {"service"}, opening_days, Storage::kContiguous);
  describe(file, "opening_days",
           {"opening days a year", "days/year",
            "days a year the service is open ([services.X.money] opening_days): a full-time "
            "child present all year attends that many; converts attended_days (calendar "
            "place-days) into days of care"});

  // Costs to the payers per child and per day, nationally (every territory, abroad ones too).
  std::vector<double> per_child;
  std::vector<double> per_day;
  const std::size_t per_replication = periods * territories * services;
  for (std::size_t r = 0; r < replications; ++r) {
    for (std::size_t p = 0; p < periods; ++p) {
      for (std::size_t s = 0; s < services; ++s) {
        double euros = 0.0;
        double days = 0.0;
        std::int64_t people = 0;
        for (std::size_t t = 0; t < territories; ++t) {
          const std::size_t i = r * per_replication + (p * territories + t) * services + s;
          euros += spending[i];
          // Attended place-days are calendar days; the service is open opening_days of them.
          days += attended[i] * scheme.services[s].opening_days / core::kDaysPerYear;
          people += followed[i];
        }
        constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
        per_child.push_back(people > 0 ? euros / static_cast<double>(people) : kNaN);
        per_day.push_back(days > 0.0 ? euros / days : kNaN);
      }
    }
  }
  const std::vector<std::string> national_dims{"replication", period, "service"};
  add_ratio(file, "cost_per_child_followed", national_dims, per_child,
            {"cost per child followed, national", "EUR/child",
             "spending_national / followed summed over every territory (abroad ones included): "
             "what the payers paid for the service in the period per person followed in it; "
             "NaN where no one was followed"},
            "period_days");
  add_ratio(file, "cost_per_day_of_care", national_dims, per_day,
            {"cost per day of care, national", "EUR/day",
             "spending_national / (attended_days x opening_days / 365.25) summed over every "
             "territory (abroad ones included): what the payers paid for the service in the "
             "period per opening day a child attended (the unit of a daily price); NaN where no "
             "day was attended"},
            "period_days");

  // The time of care (TAM): care hours over the socio-educational staff's active hours, each
  // summed over the units of a cell, a region or every territory before the ratio.
  std::vector<double> care;
  std::vector<double> staff;
  std::vector<double> care_by_region;
  std::vector<double> staff_by_region;
  std::vector<double> care_national;
  std::vector<double> staff_national;
  const Grouping regional = by_region(model, model.regions.size());
  const Grouping everywhere = all_as_one(model);
  for (const run::ReplicationResult& replication : results.replications) {
    const funding::Books& books = replication.books;
    std::vector<double> care_of_unit(books.time_of_care.size());
    std::vector<double> staff_of_unit(books.time_of_care.size());
    for (std::size_t p = 0; p < periods; ++p) {
      for (std::size_t u = 0; u < units.size(); ++u) {
        const funding::ServiceMoney& money = scheme.services[units[u].service];
        const std::size_t i = books.at(static_cast<int>(p), static_cast<int>(u));
        staff_of_unit[i] = books.places[i] * money.staff_per_place * money.staff_hours_per_year *
                           money.active_share * model.period_days() / core::kDaysPerYear;
        care_of_unit[i] = books.time_of_care[i] * staff_of_unit[i];
      }
    }
    const std::size_t first = care.size();
    append_cell_sums(care_of_unit, periods, 1, units, territories, services, care);
    append_cell_sums(staff_of_unit, periods, 1, units, territories, services, staff);
    const std::span<const double> care_part{care.data() + first, care.size() - first};
    const std::span<const double> staff_part{staff.data() + first, staff.size() - first};
    append_group_sums(care_part, periods, territories, services, regional, care_by_region);
    append_group_sums(staff_part, periods, territories, services, regional, staff_by_region);
    append_group_sums(care_part, periods, territories, services, everywhere, care_national);
    append_group_sums(staff_part, periods, territories, services, everywhere, staff_national);
  }
  const auto ratio = [](const std::vector<double>& top, const std::vector<double>& bottom) {
    std::vector<double> out(top.size());
    for (std::size_t i = 0; i < top.size(); ++i) {
      out[i] = bottom[i] > 0.0 ? top[i] / bottom[i] : std::numeric_limits<double>::quiet_NaN();
    }
    return out;
  };
  const std::string tam =
      "hours of care the users got (attended_days x opening_days / 365.25 x "
      "[services.NAME.money] care_hours_per_day) over the active working time of the "
      "socio-educational staff (authorised places x staff_per_place x staff_hours_per_year x "
      "active_share x the period's share of a year): the TAM of the arrete of 20/07/2005";
  add_rate(file, "time_of_care", cell_dims, ratio(care, staff), "time of care (TAM)",
           tam + ", of the service's places in the territory; NaN where there is no staff time",
           cell_coordinates);
  add_rate(file, "time_of_care_by_region", {"replication", period, "region", "service"},
           ratio(care_by_region, staff_by_region), "time of care (TAM), by region",
           tam +
               ", hours summed over the home territories of each region before the ratio (a "
               "staff-time-weighted mean of time_of_care); NaN where there is no staff time",
           "period_days");
  add_rate(file, "time_of_care_national", national_dims, ratio(care_national, staff_national),
           "time of care (TAM), national",
           tam +
               ", hours summed over every territory (abroad ones included) before the ratio; "
               "NaN where there is no staff time",
           "period_days");

  if (!scheme.assignments.empty()) {
    file.add_variable(
        "repaid", {"replication", period, "rule"},
        stack<double>(results,
                      [](const run::ReplicationResult& r) -> const std::vector<double>& {
                        return r.books.repaid;
                      }),
        Storage::kChunkedByFirstAxis);
    describe(file, "repaid",
             {"impact bond repayments", "EUR",
              "what an impact_bond rule's repaid_by payer repaid its investor in the period: the "
              "principal (what the investor paid the providers in the term, in spending_by_payer) "
              "x (1 + premium), at the last period of a term whose outcome was reached; 0 "
              "elsewhere and for other rules. A transfer between payers, not providers' revenue"},
             "period_days");
  }

  if (model.providers.empty()) {
    return;
  }
  // Each declared provider's books: units 0 .. providers - 1 are the declared providers.
  const std::size_t n_providers = model.providers.size();
  const std::vector<std::string> dims{"replication", period, "provider"};
  const std::string coordinates =
      "provider_territory provider_service provider_organisation provider_places "
      "provider_impairments period_days";
  const std::string by_cell =
      "; summed over the providers of a territory and service (provider_territory, "
      "provider_service), ";
  // Provider k's values of a per-unit books array, over every replication.
  const auto of_providers = [&](const auto& field) {
    using T =
        typename std::remove_cvref_t<decltype(results.replications[0].books.*field)>::value_type;
    std::vector<T> out;
    out.reserve(replications * periods * n_providers);
    for (const run::ReplicationResult& replication : results.replications) {
      const funding::Books& books = replication.books;
      for (std::size_t p = 0; p < periods; ++p) {
        for (std::size_t k = 0; k < n_providers; ++k) {
          out.push_back((books.*field)[books.at(static_cast<int>(p), static_cast<int>(k))]);
        }
      }
    }
    return out;
  };
  const std::vector<double> revenue = of_providers(&funding::Books::revenue);
  const std::vector<double> spent = of_providers(&funding::Books::cost);
  std::vector<double> provider_surplus(revenue.size());
  for (std::size_t i = 0; i < revenue.size(); ++i) {
    provider_surplus[i] = revenue[i] - spent[i];
  }
  file.add_variable("provider_revenue", dims, revenue, Storage::kChunkedByFirstAxis);
  describe(file, "provider_revenue",
           {"revenue of the provider", "EUR",
            "money paid to the provider for the period under the funding rule that applied to it "
            "(provider_rule; 0 under none)" +
                by_cell + "revenue of that cell"},
           coordinates);
  file.add_variable("provider_cost", dims, spent, Storage::kChunkedByFirstAxis);
  describe(file, "provider_cost",
           {"cost of the provider", "EUR",
            "what the provider spent for the period (as cost)" + by_cell + "cost of that cell"},
           coordinates);
  file.add_variable("provider_surplus", dims, provider_surplus, Storage::kChunkedByFirstAxis);
  describe(file, "provider_surplus",
           {"surplus of the provider", "EUR",
            "provider_revenue - provider_cost: its surplus (> 0) or deficit (< 0) for the "
            "period"},
           coordinates);
  file.add_variable("provider_price", dims, of_providers(&funding::Books::price),
                    Storage::kChunkedByFirstAxis);
  describe(file, "provider_price",
           {"daily price of the provider", "EUR/day",
            "euros per billed day applied to the provider in the period under a daily_price "
            "rule (its euros_per_day, or its year's budget over the mean billed days of up to "
            "three previous years); 0 under another rule or none"},
           coordinates);
  file.add_variable("provider_billed_days", dims, of_providers(&funding::Books::billed_days),
                    Storage::kChunkedByFirstAxis);
  describe(file, "provider_billed_days",
           {"days billed by the provider", "billed-days",
            "days a daily price bills for the provider's activity in the period, whatever its "
            "rule: its attended days brought to opening days (x opening_days / 365.25), those in "
            "the establishment less the unbilled absences, plus the billed share of the days at "
            "school; under a daily price, provider_revenue = provider_price x "
            "provider_billed_days"},
           coordinates);
  if (!scenario.funding.price_modes.empty()) {
    add_price_mode_books(file, results, model, scenario.funding, period, coordinates);
  }
  std::vector<std::int16_t> rule;
  for (const std::uint8_t applied : of_providers(&funding::Books::rule)) {
    rule.push_back(applied == funding::kNoRule ? std::int16_t{-1}
                                               : static_cast<std::int16_t>(applied));
  }
  file.add_variable("provider_rule", dims, rule, Storage::kChunkedByFirstAxis);
  describe(file, "provider_rule",
           {"funding rule of the provider", "",
            "index into the rule dimension of the [[funding.rules]] entry that applied to the "
            "provider in the period (the last in file order that selects it and has started; see "
            "rule_kind and rule_counterfactual); -1: none (paid nothing)"},
           coordinates);
  file.add_variable(
      "provider_followed", dims,
      stack<std::int64_t>(results,
                          [](const run::ReplicationResult& r) -> const std::vector<std::int64_t>& {
                            return r.indicators.provider_followed;
                          }),
      Storage::kChunkedByFirstAxis);
  describe(file, "provider_followed",
           {"people followed by the provider", "people",
            "people who were in a place of the provider at some time in the period (at its "
            "start, or admitted during it)" +
                by_cell + "followed of that cell"},
           coordinates);

  // Its places are provider_authorised_place_days / period_days (Books::places: what its budget,
  // allocation and staff time are computed on), written with the provider indicators.
  const std::vector<double> authorised = of_providers(&funding::Books::places);
  std::vector<double> provider_tam = of_providers(&funding::Books::time_of_care);
  for (std::size_t i = 0; i < provider_tam.size(); ++i) {
    if (authorised[i] <= 0.0) {
      provider_tam[i] = std::numeric_limits<double>::quiet_NaN();
    }
  }
  add_rate(file, "provider_time_of_care", dims, provider_tam, "time of care (TAM) of the provider",
           tam + ", of the provider; NaN where it has no authorised places", coordinates);
  std::vector<double> values;
  values.reserve(replications * periods * n_providers * funding::kIndicators);
  for (const run::ReplicationResult& replication : results.replications) {
    const funding::Books& books = replication.books;
    for (std::size_t p = 0; p < periods; ++p) {
      const auto* first =
          books.indicators.data() + books.at(static_cast<int>(p), 0) * funding::kIndicators;
      values.insert(values.end(), first, first + n_providers * funding::kIndicators);
    }
  }
  add_rate(file, "provider_indicators", {"replication", period, "provider", "indicator"}, values,
           "performance indicators of the provider",
           "the indicators a performance contract or an impact bond reads, by indicator: "
           "occupancy (occupied / authorised place-days of the period), inclusion (occupants "
           "in an ordinary school / occupants, at the period's end), waiting (children on the "
           "lists of the provider's territory and service per authorised place there, at least "
           "one, at the end: lower is better) and time_of_care (as provider_time_of_care, 0 "
           "without places); contracts read them over the year",
           coordinates);
  file.add_variable("provider_score", dims, of_providers(&funding::Books::score),
                    Storage::kChunkedByFirstAxis);
  describe(file, "provider_score",
           {"performance score of the provider", "1",
            "under a performance rule, the score its part at stake was paid on (the weighted "
            "mean of its targets' achievements on the year's indicators: above 1 a bonus, below "
            "a malus), in the period it was paid (the year's last, or its last under the rule); "
            "0 elsewhere"},
           coordinates);

  const std::vector<std::string> organisation_dims{"replication", period, "organisation"};
  file.add_variable(
      "pooled_envelope", organisation_dims,
      stack<double>(results,
                    [](const run::ReplicationResult& r) -> const std::vector<double>& {
                      return r.books.pooled_envelope;
                    }),
      Storage::kChunkedByFirstAxis);
  describe(file, "pooled_envelope",
           {"CPOM envelope of the organisation", "EUR",
            "the period's part of the envelopes of the organisation's pooled_allocation rules "
            "(CPOM): its providers' budgets at a term's start, renewed with growth_per_year and "
            "changed by places created or closed since; 0 when none applies"},
           "period_days");
  file.add_variable(
      "pooled_paid", organisation_dims,
      stack<double>(results,
                    [](const run::ReplicationResult& r) -> const std::vector<double>& {
                      return r.books.pooled_paid;
                    }),
      Storage::kChunkedByFirstAxis);
  describe(file, "pooled_paid",
           {"paid under the organisation's CPOM", "EUR",
            "what the organisation's providers under its pooled_allocation rules were paid in "
            "the period (provider_revenue summed over them): never above pooled_envelope; below "
            "it by the activity modulation cuts"},
           "period_days");
}

// "%g" of a number of years.
std::string years_text(double value) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%g", value);
  return std::string{text.data()};
}

// Labels of the age groups whose lower bounds are `bounds` (ascending, the first 0): "a+" for
// the last. When every bound is a whole number, in completed years: "0-5" for [0, 6), "6" for
// [6, 7); otherwise "a-b" for [a, b) (e.g. "0-2.5", "2.5-6").
std::vector<std::string> age_group_labels(const std::vector<double>& bounds) {
  const bool whole = std::all_of(bounds.begin(), bounds.end(),
                                 [](double bound) { return std::floor(bound) == bound; });
  std::vector<std::string> labels;
  for (std::size_t g = 0; g < bounds.size(); ++g) {
    const std::string low = years_text(bounds[g]);
    if (g + 1 == bounds.size()) {
      labels.push_back(low + "+");
    } else if (!whole) {
      labels.push_back(low + "-" + years_text(bounds[g + 1]));
    } else {
      const std::string high = years_text(bounds[g + 1] - 1.0);
      labels.push_back(high == low ? low : low + "-" + high);
    }
  }
  return labels;
}

// CF flag attributes of an int8 code: flag_values 0 .. n - 1 and their meanings, one word each.
void add_flags(Hdf5Writer& file, const std::string& name, const std::vector<std::string>& words) {
  std::vector<std::int8_t> values;
  std::string meanings;
  for (const std::string& word : words) {
    values.push_back(static_cast<std::int8_t>(values.size()));
    meanings += (meanings.empty() ? "" : " ") + word;
  }
  file.set_attribute(name, "flag_values", values);
  file.set_attribute(name, "flag_meanings", meanings);
}

// A label as a CF flag meaning: one word, blanks replaced by underscores.
std::string flag_word(std::string label) {
  for (char& c : label) {
    if (c == ' ' || c == '\t') {
      c = '_';
    }
  }
  return label;
}

// An id as int16, -1 for `none`.
template <class Id>
std::int16_t id_or_none(Id id, Id none) {
  return id == none ? std::int16_t{-1} : static_cast<std::int16_t>(id);
}

// The individual spells of every replication, one row each over the unlabelled dimension
// spell, in the group /spells: replication 0's in their order, then 1's, and so on. Written
// when the run asked for spells, even if there are none.
void add_spells(Hdf5Writer& file, const Scenario& scenario, const run::Results& results) {
  using model::Spell;
  static_assert(static_cast<int>(Spell::State::kStepping) == 4 &&
                    static_cast<int>(Spell::End::kHorizon) == 5 &&
                    static_cast<int>(Spell::End::kLapsed) == 6,
                "the flag meanings below follow the order of Spell::State and Spell::End");
  const std::vector<std::string> state_words{"too_young", "waiting", "in_place", "creton",
                                             "stepping"};
  const std::vector<std::string> end_words{"changed", "left",    "aged_out", "died",
                                           "removed", "horizon", "lapsed"};

  std::size_t n_spells = 0;
  for (const run::ReplicationResult& replication : results.replications) {
    n_spells += replication.indicators.spells.size();
  }
  file.add_group("spells");
  file.set_attribute("spells", "description",
                     std::string{"individual spells: one row per spell of a child in one state "
                                 "(too young, waiting, in a place, Creton, stepping), in the "
                                 "order they ended, replication 0 first; docs/output-format.md"});
  file.add_unlabelled_dimension("spells/spell", n_spells);
  const std::vector<std::string> dims{"spells/spell"};
  const std::string days_since = "days since " + iso_date(scenario.start_date);
  // One column at a time, each built from every replication's spells by `project(r, spell)`
  // and freed once written: the peak is the spells plus one column, not two copies of all.
  const auto add = [&](const std::string& name, const auto& project, const Meta& meta) {
    using T = decltype(project(std::size_t{0}, std::declval<const Spell&>()));
    std::vector<T> data;
    data.reserve(n_spells);
    for (std::size_t r = 0; r < results.replications.size(); ++r) {
      for (const Spell& spell : results.replications[r].indicators.spells) {
        data.push_back(project(r, spell));
      }
    }
    const std::string path = "spells/" + name;
    file.add_variable(path, dims, data, Storage::kChunkedRows);
    describe(file, path, meta);
  };
  const auto attributes = [](const Spell& spell) {
    return model::Attributes::unpack(spell.attributes);
  };
  add("replication", [](std::size_t r, const Spell&) { return static_cast<std::int16_t>(r); },
      {"replication", "", "replication number (the label of the root replication dimension)"});
  add("child", [](std::size_t, const Spell& x) { return x.child; },
      {"child", "",
       "the child's key: the same child (same arrival, same attributes) has the same key in "
       "every policy variant run with the same seed; unique within a replication"});
  add("state", [](std::size_t, const Spell& x) { return static_cast<std::int8_t>(x.state); },
      {"state", "", "what the child is doing during the spell"});
  add_flags(file, "spells/state", state_words);
  add("end", [](std::size_t, const Spell& x) { return static_cast<std::int8_t>(x.end); },
      {"how the spell ended", "", "why the spell ended"});
  add_flags(file, "spells/end", end_words);
  add("service",
      [](std::size_t, const Spell& x) { return id_or_none(x.service, model::kNoService); },
      {"service", "",
       "index into the root service dimension: the service the child is oriented to "
       "(too_young), waits for (waiting), or holds a place of (in_place, creton, stepping); -1: "
       "none"});
  add("next_service",
      [](std::size_t, const Spell& x) { return id_or_none(x.next_service, model::kNoService); },
      {"next service", "",
       "index into the root service dimension: the service whose list a holder (creton, "
       "stepping) is on; -1: none (every other state)"});
  add("territory",
      [](std::size_t, const Spell& x) { return static_cast<std::int16_t>(x.territory); },
      {"home territory", "", "index into the root territory dimension: the child's home"});
  add("place_territory",
      [](std::size_t, const Spell& x) {
        return id_or_none(x.place_territory, model::kNoTerritory);
      },
      {"territory of the place", "",
       "index into the root territory dimension: where the place held is (in_place, creton, "
       "stepping); -1: none"});
  add("start_day", [](std::size_t, const Spell& x) { return x.start_day; },
      {"start of the spell", days_since,
       "when the spell began, in days since the start date (negative: before it, for children "
       "already waiting then)"});
  add("end_day", [](std::size_t, const Spell& x) { return x.end_day; },
      {"end of the spell", days_since,
       "when the spell ended, in days since the start date; the horizon for spells still going "
       "(end = horizon)"});
  std::vector<std::string> impairment_words;
  for (const std::string& name : scenario.model.children.impairments) {
    impairment_words.push_back(flag_word(name));
  }
  add("impairment",
      [&](std::size_t, const Spell& x) {
        return static_cast<std::int8_t>(attributes(x).impairment);
      },
      {"main impairment", "", "index into the root impairment dimension"});
  add_flags(file, "spells/impairment", impairment_words);
  std::vector<std::string> needs_words;
  for (const std::string& name : scenario.model.children.needs_levels) {
    needs_words.push_back(flag_word(name));
  }
  add("needs_level",
      [&](std::size_t, const Spell& x) { return static_cast<std::int8_t>(attributes(x).needs); },
      {"needs level", "", "index into the scenario's children.needs_levels, lowest first"});
  add_flags(file, "spells/needs_level", needs_words);
  add("ase",
      [&](std::size_t, const Spell& x) {
        return static_cast<std::int8_t>(attributes(x).ase ? 1 : 0);
      },
      {"under ASE", "", "1 under a child-protection measure (ASE), 0 otherwise"});
  add("boy",
      [&](std::size_t, const Spell& x) {
        return static_cast<std::int8_t>(attributes(x).boy ? 1 : 0);
      },
      {"boy", "", "1 for a boy, 0 for a girl"});
  add("pag",
      [&](std::size_t, const Spell& x) {
        return static_cast<std::int8_t>(attributes(x).pag ? 1 : 0);
      },
      {"with a PAG", "",
       "1 with a PAG (plan d'accompagnement global) at the end of the spell, 0 otherwise"});
}

std::string temporary_name(const fs::path& out) {
  // Unique enough among concurrent writers of one folder: the pid, and the clock for repeated
  // writes of one process. H5Fcreate is exclusive, so a clash fails rather than clobbers.
  const auto ticks =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, ".tmp-%ld-%06llx", static_cast<long>(::getpid()),
                static_cast<unsigned long long>(ticks & 0xffffffULL));
  return "." + out.filename().string() + suffix;
}

// Makes the temporary file's bytes durable before the rename publishes it, so a crash never
// leaves `out` naming a truncated file.
void sync_to_disk(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot reopen " + file.string());
  }
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) {
    throw std::system_error(error, std::generic_category(), "cannot sync " + file.string());
  }
}

// Throws core::InvariantError if `spell` names a service, territory, state, end or attribute
// that `model` does not have.
void check_spell(const model::Spell& spell, const model::Model& model, const std::string& which) {
  using model::Spell;
  const std::size_t services = model.services.size();
  const std::size_t territories = model.territories.size();
  const model::Attributes attributes = model::Attributes::unpack(spell.attributes);
  const bool fits =
      (spell.service < services || spell.service == model::kNoService) &&
      (spell.next_service < services || spell.next_service == model::kNoService) &&
      spell.territory < territories &&
      (spell.place_territory < territories || spell.place_territory == model::kNoTerritory) &&
      spell.state <= Spell::State::kStepping && spell.end <= Spell::End::kLapsed &&
      attributes.impairment < model.children.impairments.size() &&
      attributes.needs < model.children.needs_levels.size();
  PARCOURS_CHECK(fits, which + " has a spell of child " + std::to_string(spell.child) +
                           " with a service, territory, state, end or attribute out of range");
}

}  // namespace

namespace internal {

double wait_percentile_months(std::span<const std::int64_t> bins, std::int64_t numerator,
                              std::int64_t denominator) {
  PARCOURS_CHECK(0 < numerator && numerator <= denominator,
                 "a percentile needs 0 < numerator <= denominator");
  std::int64_t total = 0;
  for (const std::int64_t n : bins) {
    total += n;
  }
  if (total == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // In integers, not q * total in floating point, so that a cumulative count equal to
  // q * total reaches it by construction, whatever q and total.
  std::int64_t cumulative = 0;
  for (std::size_t m = 0; m < bins.size(); ++m) {
    cumulative += bins[m];
    if (cumulative * denominator >= numerator * total) {
      return static_cast<double>(m);
    }
  }
  PARCOURS_CHECK(false, "a histogram's cumulative count never reached its total");
  return std::numeric_limits<double>::quiet_NaN();
}

void check_results(const Scenario& scenario, const run::Results& results) {
  const model::Model& model = scenario.model;
  // Spells store replications, services and territories as int16.
  constexpr auto kInt16 = static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max());
  PARCOURS_CHECK(
      !results.spells || (results.replications.size() <= kInt16 + 1 &&
                          model.services.size() <= kInt16 && model.territories.size() <= kInt16),
      "too many replications, services or territories for the spells table");
  PARCOURS_CHECK(model.periods_per_year == 1 || model.periods_per_year == 12,
                 "results files have yearly or monthly periods, not " +
                     std::to_string(model.periods_per_year) + " a year");
  PARCOURS_CHECK(model.horizon_years >= 1, "a results file needs at least one year");
  PARCOURS_CHECK(!model.territories.empty(), "a results file needs at least one territory");
  PARCOURS_CHECK(!model.services.empty(), "a results file needs at least one service");
  PARCOURS_CHECK(!results.replications.empty(), "a results file needs at least one replication");
  PARCOURS_CHECK(results.replications.size() <=
                     static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()),
                 "too many replications for int32 labels");
  const auto territories = static_cast<int>(model.territories.size());
  const auto services = static_cast<int>(model.services.size());
  // Labels select along an axis (ds.sel(service="IME")), so they must be unique.
  std::set<std::string> codes;
  for (const model::Territory& territory : model.territories) {
    PARCOURS_CHECK(codes.insert(territory.code).second,
                   "territory code " + territory.code + " appears twice");
  }
  const auto unique_names = [](const auto& items, const std::string& what) {
    std::set<std::string> seen;
    for (const auto& item : items) {
      PARCOURS_CHECK(seen.insert(item.name).second, what + " " + item.name + " appears twice");
    }
  };
  unique_names(model.services, "service name");
  PARCOURS_CHECK(!model.regions.empty(), "a results file needs at least one region");
  const std::vector<std::string> regions = names_of(model.regions);
  std::set<std::string> region_labels;
  for (const std::string& region : regions) {
    PARCOURS_CHECK(region_labels.insert(region).second, "region name " + region + " appears twice");
    // territory_region names abroad territories "abroad": a region of that name would be
    // indistinguishable from them.
    PARCOURS_CHECK(region != kAbroadLabel, "region name " + region + " is reserved");
  }
  unique_names(model.interim, "interim situation name");
  for (std::size_t i = 0; i < model.interim.size(); ++i) {
    const model::InterimSituation& situation = model.interim[i];
    if (!situation.limited()) {
      continue;
    }
    const std::string which = "interim situation " + situation.name;
    PARCOURS_CHECK(situation.capacity.size() == model.territories.size(),
                   which + " has a capacity for " + std::to_string(situation.capacity.size()) +
                       " territories, not " + std::to_string(model.territories.size()));
    PARCOURS_CHECK(std::all_of(situation.capacity.begin(), situation.capacity.end(),
                               [](double room) { return std::isfinite(room) && room >= 0.0; }),
                   which + " has a negative or infinite capacity");
    PARCOURS_CHECK(std::isfinite(situation.per_child) && situation.per_child > 0.0,
                   which + " has per_child <= 0");
    PARCOURS_CHECK(situation.fallback < model.interim.size() && situation.fallback != i,
                   which + " has no fallback among the other interim situations");
  }
  unique_names(model.outcomes, "outcome name");
  PARCOURS_CHECK(model.outcomes.size() < model::kNoOutcome, "too many outcomes");
  for (const model::Service& service : model.services) {
    for (const auto* branches : {&service.on_stay_end, &service.on_age_limit}) {
      for (const model::Branch& branch : *branches) {
        PARCOURS_CHECK(
            branch.outcome == model::kNoOutcome ||
                (branch.action == model::Action::kLeave && branch.outcome < model.outcomes.size()),
            "service " + service.name +
                " has a branch naming an outcome out of range, or not leaving");
      }
    }
  }
  const model::Children& children = model.children;
  PARCOURS_CHECK(!children.impairments.empty() &&
                     children.impairments.size() <= model::Attributes::kMaxImpairments,
                 "a results file needs 1 to " + std::to_string(model::Attributes::kMaxImpairments) +
                     " impairments");
  PARCOURS_CHECK(!children.needs_levels.empty() &&
                     children.needs_levels.size() <= model::Attributes::kMaxNeedsLevels,
                 "a results file needs 1 to " + std::to_string(model::Attributes::kMaxNeedsLevels) +
                     " needs levels");
  std::set<std::string> impairment_names;
  for (const std::string& impairment : children.impairments) {
    PARCOURS_CHECK(impairment_names.insert(impairment).second,
                   "impairment " + impairment + " appears twice");
  }
  PARCOURS_CHECK(!model.lists.priority.empty(), "a results file needs a priority level");
  unique_names(model.lists.priority, "priority level");
  for (const model::PriorityLevel& level : model.lists.priority) {
    for (const std::uint8_t needs : level.needs) {
      PARCOURS_CHECK(needs < children.needs_levels.size(),
                     "priority level " + level.name + " names a needs level out of range");
    }
    for (const std::uint8_t impairment : level.impairments) {
      PARCOURS_CHECK(impairment < children.impairments.size(),
                     "priority level " + level.name + " names an impairment out of range");
    }
    for (const std::uint16_t service : level.services) {
      PARCOURS_CHECK(service < model.services.size(),
                     "priority level " + level.name + " names a service out of range");
    }
  }
  unique_names(model.modes, "mode");
  unique_names(model.schoolings, "schooling");
  unique_names(model.plans.steps, "plan step");
  for (const model::PlanStep& step : model.plans.steps) {
    PARCOURS_CHECK(step.from < model.services.size(),
                   "plan step " + step.name + " applies to a service out of range");
  }
  unique_names(model.providers, "provider name");
  unique_names(model.organisations, "organisation name");
  // provider_impairments joins labels with ";" and says "any" or "none" for the masks of all
  // and of no impairment: no label may read as one of those.
  for (const std::string& impairment : children.impairments) {
    PARCOURS_CHECK(model.providers.empty() || (impairment != "any" && impairment != "none" &&
                                               impairment.find(';') == std::string::npos),
                   "impairment " + impairment + " cannot name a provider's authorisation");
  }
  std::vector<std::vector<std::int64_t>> provider_places(
      model.services.size(), std::vector<std::int64_t>(model.territories.size(), 0));
  std::vector<bool> has_providers(model.services.size(), false);
  for (const model::Provider& provider : model.providers) {
    const std::string which = "provider " + provider.name;
    PARCOURS_CHECK(provider.territory < model.territories.size() &&
                       provider.service < model.services.size() &&
                       provider.organisation < model.organisations.size(),
                   which + " has a territory, service or organisation out of range");
    PARCOURS_CHECK(provider.places >= 0, which + " has negative places");
    PARCOURS_CHECK(provider.impairments == model::Provider::kAnyImpairment ||
                       (provider.impairments >> children.impairments.size()) == 0,
                   which + " is authorised for an impairment out of range");
    provider_places[provider.service][provider.territory] += provider.places;
    has_providers[provider.service] = true;
  }
  const std::vector<double>& age_groups = children.age_groups;
  if (!age_groups.empty()) {
    const bool ascending =
        std::adjacent_find(age_groups.begin(), age_groups.end(), [](double low, double high) {
          return !(low < high);
        }) == age_groups.end();
    PARCOURS_CHECK(age_groups.front() == 0.0 && std::isfinite(age_groups.back()) && ascending,
                   "age groups must start at 0 and ascend strictly, finite");
    std::set<std::string> age_labels;
    for (const std::string& label : age_group_labels(age_groups)) {
      PARCOURS_CHECK(age_labels.insert(label).second, "age group " + label + " appears twice");
    }
  }
  for (const model::Territory& territory : model.territories) {
    PARCOURS_CHECK(territory.abroad || territory.region < regions.size(),
                   "home territory " + territory.code + " has region " +
                       std::to_string(territory.region) + ", but there are " +
                       std::to_string(regions.size()) + " regions");
  }
  for (const model::Service& service : model.services) {
    PARCOURS_CHECK(service.capacity.size() == model.territories.size(),
                   "service " + service.name + " has a capacity for " +
                       std::to_string(service.capacity.size()) + " territories, not " +
                       std::to_string(territories));
  }
  for (std::size_t s = 0; s < model.services.size(); ++s) {
    const model::Service& service = model.services[s];
    // places and provider_places must tell one story.
    PARCOURS_CHECK(!has_providers[s] || service.capacity == provider_places[s],
                   "service " + service.name +
                       " has providers whose places do not sum to its capacity in every "
                       "territory");
  }
  // The funding scheme labels the payer and rule dimensions and sizes the books.
  const funding::Scheme& scheme = scenario.funding;
  PARCOURS_CHECK(scheme.services.size() == model.services.size(),
                 "the funding scheme has money for " + std::to_string(scheme.services.size()) +
                     " services, not " + std::to_string(services));
  PARCOURS_CHECK(scheme.payers.size() < 256 && scheme.assignments.size() < funding::kNoRule,
                 "too many payers or funding rules");
  for (const funding::ServiceMoney& money : scheme.services) {
    PARCOURS_CHECK(money.payer_split.empty() || money.payer_split.size() == scheme.payers.size(),
                   "a service's payer split needs one share per payer");
  }
  std::set<std::string> payer_names;
  for (const funding::Payer& payer : scheme.payers) {
    PARCOURS_CHECK(payer_names.insert(payer.name).second, "payer " + payer.name + " appears twice");
  }
  std::set<std::string> rule_names;
  for (const funding::Assignment& assignment : scheme.assignments) {
    PARCOURS_CHECK(rule_names.insert(assignment.name).second,
                   "funding rule " + assignment.name + " appears twice");
    PARCOURS_CHECK(assignment.rule <= funding::Rule::kModulatedPrice,
                   "funding rule " + assignment.name + " is of no known kind");
  }
  const std::vector<funding::Unit> units = funding::units(model);

  const auto cells = static_cast<std::size_t>(model.periods()) * territories * services;
  const auto flows = static_cast<std::size_t>(model.periods()) * territories;
  const std::size_t n_providers = model.providers.size();
  for (std::size_t r = 0; r < results.replications.size(); ++r) {
    const run::ReplicationResult& replication = results.replications[r];
    const model::Indicators& ind = replication.indicators;
    const std::string which = "replication " + std::to_string(r);
    PARCOURS_CHECK(ind.periods == model.periods() && ind.territories == territories &&
                       ind.services == services && ind.regions == static_cast<int>(regions.size()),
                   which + " has indicators for another model's shape");
    PARCOURS_CHECK(ind.occupied_place_days.size() == cells && ind.admissions.size() == cells &&
                       ind.waiting_end.size() == cells && ind.holding_end.size() == cells &&
                       ind.aged_out_waiting.size() == cells && ind.occupied_end.size() == cells &&
                       ind.away_end.size() == cells && ind.abroad_end.size() == cells &&
                       ind.admitted_from_list.size() == cells && ind.waited_days.size() == cells,
                   which + ": a [period][territory][service] indicator is missized");
    PARCOURS_CHECK(ind.wait_histogram.size() == static_cast<std::size_t>(model.periods()) *
                                                    regions.size() * services *
                                                    model::Indicators::kWaitMonths,
                   which + ": wait_histogram is missized");
    PARCOURS_CHECK(ind.interims == static_cast<int>(model.interim.size()) &&
                       ind.waiting_interim_end.size() == cells * model.interim.size() &&
                       ind.interim_fallbacks.size() == cells * model.interim.size(),
                   which + ": waiting_interim_end or interim_fallbacks is not sized for " +
                       std::to_string(model.interim.size()) + " interim situations");
    PARCOURS_CHECK(ind.outcomes == static_cast<int>(model.outcomes.size()) &&
                       ind.left_to.size() == cells * model.outcomes.size(),
                   which + ": left_to is not sized for " + std::to_string(model.outcomes.size()) +
                       " outcomes");
    const std::size_t n_priorities = model.lists.priority.size();
    const std::size_t n_impairments = children.impairments.size();
    PARCOURS_CHECK(ind.priorities == static_cast<int>(n_priorities) &&
                       ind.waiting_priority_end.size() == cells * n_priorities,
                   which + ": waiting_priority_end is not sized for " +
                       std::to_string(n_priorities) + " priority levels");
    PARCOURS_CHECK(ind.impairments == static_cast<int>(n_impairments) &&
                       ind.occupants_impairment_end.size() == cells * n_impairments &&
                       ind.waiting_impairment_end.size() == cells * n_impairments,
                   which +
                       ": occupants_impairment_end or waiting_impairment_end is not sized for " +
                       std::to_string(n_impairments) + " impairments");
    PARCOURS_CHECK(ind.vacancies_held.size() == cells && ind.vacancy_hold_days.size() == cells &&
                       ind.young_adults_released.size() == cells &&
                       ind.admissions_selected.size() == cells,
                   which + ": a providers' response indicator is missized");
    PARCOURS_CHECK(ind.pag_end.size() == cells && ind.removed_at_review.size() == cells &&
                       ind.died.size() == cells && ind.occupants_ase_end.size() == cells,
                   which + ": a [period][territory][service] indicator of the lists is missized");
    const std::size_t n_modes = model.modes.size();
    const std::size_t n_schoolings = model.schoolings.size();
    const std::size_t n_age_groups = age_groups.size();
    const std::size_t n_steps = model.plans.steps.size();
    PARCOURS_CHECK(
        ind.modes == static_cast<int>(n_modes) && ind.occupants_mode_end.size() == cells * n_modes,
        which + ": occupants_mode_end is not sized for " + std::to_string(n_modes) + " modes");
    PARCOURS_CHECK(ind.schoolings == static_cast<int>(n_schoolings) &&
                       ind.occupants_schooling_end.size() == cells * n_schoolings,
                   which + ": occupants_schooling_end is not sized for " +
                       std::to_string(n_schoolings) + " schoolings");
    PARCOURS_CHECK(ind.age_groups == static_cast<int>(n_age_groups) &&
                       ind.occupants_age_end.size() == cells * n_age_groups &&
                       ind.waiting_age_end.size() == cells * n_age_groups,
                   which + ": occupants_age_end or waiting_age_end is not sized for " +
                       std::to_string(n_age_groups) + " age groups");
    PARCOURS_CHECK(
        ind.plan_steps == static_cast<int>(n_steps) &&
            ind.plan_steps_taken.size() == flows * n_steps,
        which + ": plan_steps_taken is not sized for " + std::to_string(n_steps) + " plan steps");
    PARCOURS_CHECK(ind.stepping_end.size() == cells && ind.plan_reviews.size() == cells,
                   which + ": stepping_end or plan_reviews is missized");
    PARCOURS_CHECK(ind.renewed.size() == cells && ind.lapsed.size() == cells &&
                       ind.to_alternative.size() == cells,
                   which + ": renewed, lapsed or to_alternative is missized");
    PARCOURS_CHECK(ind.attended_days.size() == cells && ind.school_days.size() == cells &&
                       ind.followed.size() == cells,
                   which + ": attended_days, school_days or followed is missized");
    PARCOURS_CHECK(ind.capacity_end.size() == cells && ind.capacity_days.size() == cells,
                   which + ": capacity_end or capacity_days is missized");
    const std::size_t by_provider = static_cast<std::size_t>(model.periods()) * n_providers;
    PARCOURS_CHECK(ind.providers == static_cast<int>(n_providers) &&
                       ind.provider_place_days.size() == by_provider &&
                       ind.provider_admissions.size() == by_provider &&
                       ind.provider_occupied_end.size() == by_provider &&
                       ind.provider_applications_end.size() == by_provider &&
                       ind.provider_attended_days.size() == by_provider &&
                       ind.provider_school_days.size() == by_provider &&
                       ind.provider_followed.size() == by_provider &&
                       ind.provider_capacity_end.size() == by_provider &&
                       ind.provider_capacity_days.size() == by_provider,
                   which + ": the provider indicators are not sized for " +
                       std::to_string(n_providers) + " providers");
    PARCOURS_CHECK(results.spells || ind.spells.empty(),
                   which + " has spells, but the run did not ask for them");
    for (const model::Spell& spell : ind.spells) {
      check_spell(spell, model, which);
    }
    PARCOURS_CHECK(ind.present_start.size() == flows && ind.arrivals.size() == flows &&
                       ind.departures.size() == flows && ind.present_end.size() == flows,
                   which + ": a [period][territory] indicator is missized");
    const funding::Books& books = replication.books;
    const std::size_t kept = static_cast<std::size_t>(model.periods()) * units.size();
    PARCOURS_CHECK(
        books.periods == model.periods() && books.units == static_cast<int>(units.size()) &&
            books.payers == static_cast<int>(scheme.payers.size()) &&
            books.billed_days.size() == kept && books.price.size() == kept &&
            books.revenue.size() == kept && books.cost.size() == kept &&
            books.rule.size() == kept && books.paid.size() == kept * scheme.payers.size() &&
            books.price_modes == static_cast<int>(scheme.price_modes.size()) &&
            books.mode_billed_days.size() == kept * scheme.price_modes.size() &&
            books.mode_price.size() == kept * scheme.price_modes.size(),
        which + ": its books are not kept for " + std::to_string(units.size()) + " units over " +
            std::to_string(model.periods()) + " periods and " +
            std::to_string(scheme.payers.size()) + " payers");
    for (const std::uint8_t rule : books.rule) {
      PARCOURS_CHECK(rule == funding::kNoRule || rule < scheme.assignments.size(),
                     which + ": its books name a funding rule out of range");
    }
  }
}

// The policy timeline (its events and the changes of places in force) and the regional
// envelopes (what they are, spend and granted by year and region); the same for every
// replication, as they are decided before the runs.
void add_timeline(Hdf5Writer& file, const Scenario& scenario) {
  const model::Model& model = scenario.model;
  if (!model.timeline.empty()) {
    file.add_dimension("event", names_of(model.timeline));
    describe(file, "event",
             {"policy timeline event", "", "the scenario's [[timeline]] entries, in file order"});
    std::vector<std::string> kinds;
    for (const model::TimelineEvent& event : model.timeline) {
      kinds.push_back(event.kind);
    }
    file.add_variable("event_kind", {"event"}, kinds);
    describe(file, "event_kind",
             {"kind of the event", "", "convert, create, close (places) or inflow (arrivals)"});
  }
  const auto& changes = model.capacity_changes;
  if (!changes.empty()) {
    file.add_unlabelled_dimension("place_change", changes.size());
    std::vector<double> day;
    std::vector<std::string> territory;
    std::vector<std::string> service;
    std::vector<std::string> provider;
    std::vector<std::string> event;
    std::vector<std::int64_t> delta;
    for (const model::CapacityChange& c : changes) {
      day.push_back(c.day);
      territory.push_back(model.territories[c.territory].code);
      service.push_back(model.services[c.service].name);
      provider.push_back(c.provider == model::kNoProvider ? "" : model.providers[c.provider].name);
      event.push_back(model.timeline.at(c.event).name);
      delta.push_back(c.delta);
    }
    file.add_variable("place_change_day", {"place_change"}, day, Storage::kContiguous);
    describe(file, "place_change_day",
             {"day of the change of places", "d",
              "model day (from the start date; 365.25 a year) on which the change is in force: "
              "its date's day, or the first day of the year its regional envelope had room"});
    file.add_variable("place_change_places", {"place_change"}, delta, Storage::kContiguous);
    describe(file, "place_change_places",
             {"places changed", "places", "places added (> 0) or closed (< 0)"});
    file.add_variable("place_change_territory", {"place_change"}, territory);
    describe(file, "place_change_territory", {"territory of the change", "", "territory code"});
    file.add_variable("place_change_service", {"place_change"}, service);
    describe(file, "place_change_service", {"service of the change", "", "service name"});
    file.add_variable("place_change_provider", {"place_change"}, provider);
    describe(file, "place_change_provider",
             {"provider of the change", "",
              "declared provider whose places change; empty for a service without providers"});
    file.add_variable("place_change_event", {"place_change"}, event);
    describe(file, "place_change_event", {"timeline event of the change", "", "an event label"});
  }
  if (scenario.envelopes.empty()) {
    return;
  }
  const funding::Grants& g = scenario.grants;
  std::vector<std::string> labels;
  for (std::size_t e = 0; e < scenario.envelopes.size(); ++e) {
    labels.push_back(std::to_string(e) + ":" +
                     scenario.funding.payers.at(scenario.envelopes[e].payer).name);
  }
  file.add_dimension("envelope", labels);
  describe(file, "envelope",
           {"regional envelope", "",
            "the scenario's [[funding.envelopes]] entries, in file order: index and payer"});
  std::vector<std::int32_t> years;
  for (int y = 0; y < g.years; ++y) {
    years.push_back(scenario.start_date.year + y);
  }
  file.add_dimension("budget_year", years);
  describe(file, "budget_year",
           {"budget year", "",
            "model year y (365.25 days from the start date's anniversary), labelled with the "
            "start date's year + y"});
  const std::vector<std::string> by_envelope{"envelope", "budget_year", "region"};
  file.add_variable("envelope_euros", by_envelope, g.envelope, Storage::kContiguous);
  describe(file, "envelope_euros",
           {"regional envelope", "EUR",
            "what the envelope's payer may spend on the places of the region's home territories "
            "in the year: in the first year its share of their budgets x (1 + headroom), then "
            "growing by growth_per_year; 0 where the envelope does not cover the region"});
  file.add_variable("envelope_spent", by_envelope, g.spent, Storage::kContiguous);
  describe(file, "envelope_spent",
           {"spent of the regional envelope", "EUR",
            "the payer's share of the budgets of the region's places in force at the year's end "
            "(euros_per_place_year x (1 + cost_growth_per_year)^year x share); never above "
            "envelope_euros after a creation (closures may leave it above, as at the start)"});
  const std::vector<std::string> by_region{"budget_year", "region"};
  file.add_variable("places_asked", by_region, g.asked, Storage::kContiguous);
  describe(file, "places_asked",
           {"places asked", "places",
            "places the policy timeline creates in the region's home territories that year, in "
            "a region some envelope covers"});
  file.add_variable("places_granted", by_region, g.granted, Storage::kContiguous);
  describe(file, "places_granted",
           {"places granted", "places",
            "of the places asked that year or deferred from an earlier one, those granted that "
            "year (the rest waits for room)"});
}

void write_results_file(const fs::path& path, const Scenario& scenario, const run::Results& results,
                        const Provenance& provenance) {
  const model::Model& model = scenario.model;
  const auto n_replications = static_cast<std::int32_t>(results.replications.size());
  const std::size_t n_territories = model.territories.size();
  const auto n_periods = static_cast<std::size_t>(model.periods());
  const double period_days = model.period_days();
  const bool monthly = model.periods_per_year == 12;
  const std::string period = monthly ? "month" : "year";
  const std::string start = iso_date(scenario.start_date);

  Hdf5Writer file{path};

  // Root attributes first, so that ncdump -h lists them in this order.
  file.set_attribute("", "title", scenario.name);
  file.set_attribute("", "scenario_name", scenario.name);
  file.set_attribute("", "scenario_description", scenario.description);
  file.set_attribute("", "scenario_path", scenario.path);
  file.set_attribute("", "start_date", start);
  file.set_attribute("", "seed", scenario.seed);
  file.set_attribute("", "replications", n_replications);
  file.set_attribute("", "threads", static_cast<std::int32_t>(provenance.threads));
  file.set_attribute("", "engine_version", provenance.engine_version);
  file.set_attribute("", "git_commit", provenance.git_commit);
  file.set_attribute("", "build_type", provenance.build_type);
  file.set_attribute("", "command_line", provenance.command_line);
  file.set_attribute("", "started_at", provenance.started_at);
  file.set_attribute("", "finished_at", provenance.finished_at);
  file.set_attribute("", "history", provenance.started_at + ": " + provenance.command_line);
  // The behaviour parameters in force (model rule 28), defaults included, so that a sensitivity
  // study reads what it varied from the file itself.
  const model::Behaviour& behaviour = scenario.model.behaviour;
  file.set_attribute("", "behaviour_step_down", behaviour.step_down);
  file.set_attribute("", "behaviour_care", behaviour.care);
  file.set_attribute("", "behaviour_max_factor", behaviour.max_factor);
  file.set_attribute("", "behaviour_vacancy_days", behaviour.vacancy_days);
  file.set_attribute("", "behaviour_creton_release", behaviour.creton_release);
  file.set_attribute("", "behaviour_selection_days", behaviour.selection_days);
  file.set_attribute("", "behaviour_mode_costs", behaviour.mode_costs);

  // Dimensions, each labelled by its own values.
  std::vector<std::int32_t> replication_labels;
  for (std::int32_t r = 0; r < n_replications; ++r) {
    replication_labels.push_back(r);
  }
  file.add_dimension("replication", replication_labels);
  describe(file, "replication",
           {"replication", "",
            "replication number; replication r draws from the random streams keyed by (seed, r)"});

  file.add_dimension(period, period_labels(scenario));
  if (monthly) {
    describe(file, period,
             {"model month", "",
              "calendar month (yyyymm) of the start date plus m months; model month m covers "
              "simulated days [365.25 m / 12, 365.25 (m + 1) / 12) from the start date " +
                  start + ", so it only approximates the calendar month it is labelled with"});
  } else {
    describe(file, period,
             {"model year", "",
              "calendar year of the start date plus y; model year y covers simulated days "
              "[365.25 y, 365.25 (y + 1)) from the start date " +
                  start + ", so it matches the calendar year only when the start is 1 January"});
  }

  std::vector<std::string> codes;
  std::vector<std::string> names;
  for (const model::Territory& territory : model.territories) {
    codes.push_back(territory.code);
    names.push_back(territory.name);
  }
  file.add_dimension("territory", codes);
  describe(file, "territory",
           {"territory code", "", "territory code (departement number in the France model)"});

  file.add_dimension("service", names_of(model.services));
  describe(file, "service",
           {"service", "",
            "service name; services are in alphabetical order of name (docs/scenario-format.md)"});

  const std::vector<std::string> regions = names_of(model.regions);
  file.add_dimension("region", regions);
  describe(file, "region",
           {"region", "",
            "region name (an ARS region in the France model), in the model's order; a region "
            "groups home territories; abroad territories belong to none"});

  std::vector<std::int32_t> wait_months(kWaitBins);
  std::iota(wait_months.begin(), wait_months.end(), 0);
  const std::int32_t last_month = wait_months.back();
  file.add_dimension("wait_months", wait_months);
  describe(file, "wait_months",
           {"wait in whole months", "months",
            "time on a waiting list, in whole months: m counts waits of at least m and less than "
            "m + 1 months; the last, " +
                std::to_string(last_month) + ", counts waits of " + std::to_string(last_month) +
                " months or more"});

  const bool with_interims = !model.interim.empty();
  if (with_interims) {
    file.add_dimension("interim", names_of(model.interim));
    describe(
        file, "interim",
        {"interim situation", "",
         "where a child waiting for a place, and holding none, is meanwhile (ordinary "
         "school, another support, nothing...), in byte-wise alphabetical order of their names"});
  }

  file.add_dimension("impairment", model.children.impairments);
  describe(file, "impairment",
           {"main impairment", "",
            "children's main impairment category, in the scenario's order (children.impairments; "
            "\"all\" when the scenario declares none)"});
  file.add_dimension("priority", names_of(model.lists.priority));
  describe(file, "priority",
           {"priority level", "",
            "priority level of the waiting lists, highest first (lists.priority; \"all\" when "
            "the scenario declares none); a child holds the first level whose conditions it "
            "meets"});
  if (!model.modes.empty()) {
    file.add_dimension("mode", names_of(model.modes));
    describe(file, "mode",
             {"mode of care", "",
              "mode of care of a child in a place (internat, semi-internat, part time...), in "
              "byte-wise alphabetical order of their names"});
  }
  if (!model.schoolings.empty()) {
    file.add_dimension("schooling", names_of(model.schoolings));
    describe(
        file, "schooling",
        {"schooling", "",
         "schooling of a child in a place (teaching unit in the establishment, "
         "externalised in an ordinary school, none...), in byte-wise alphabetical order of their "
         "names"});
  }
  if (!model.children.age_groups.empty()) {
    file.add_dimension("age_group", age_group_labels(model.children.age_groups));
    describe(file, "age_group",
             {"age group", "",
              "age group, youngest first (children.age_groups): \"a+\" is a years and over; when "
              "every bound is a whole number, \"a-b\" is a to b completed years ([a, b + 1) "
              "years) and \"a\" a completed years; otherwise \"a-b\" is [a, b) years"});
  }
  if (!model.plans.steps.empty()) {
    file.add_dimension("plan_step", names_of(model.plans.steps));
    describe(file, "plan_step",
             {"plan step", "",
              "step of the yearly plan reviews ([[plans.steps]] names), in the scenario's "
              "order"});
  }
  if (!model.outcomes.empty()) {
    file.add_dimension("outcome", names_of(model.outcomes));
    describe(file, "outcome",
             {"outcome", "",
              "where people who leave the sector at a decision branch go ([outcomes.NAME] "
              "names: ordinary work, home...), in byte-wise alphabetical order of their names"});
  }
  const bool with_providers = !model.providers.empty();
  if (with_providers) {
    file.add_dimension("provider", names_of(model.providers));
    describe(file, "provider",
             {"provider", "",
              "provider name (an establishment or service under one authorisation: some of a "
              "service's places in one territory), in the order of the scenario's providers "
              "file"});
    file.add_dimension("organisation", names_of(model.organisations));
    describe(file, "organisation",
             {"organisation", "",
              "the organisations (organismes gestionnaires) that run the providers, in the "
              "order the scenario gives them (provider_organisation names them)"});
    file.add_dimension("indicator", {"occupancy", "inclusion", "waiting", "time_of_care"});
    describe(file, "indicator",
             {"performance indicator", "",
              "the indicators of performance contracts and impact bonds (provider_indicators; "
              "the [[funding.rules]] targets and outcome name them so)"});
  }

  const funding::Scheme& scheme = scenario.funding;
  if (!scheme.payers.empty()) {
    file.add_dimension("payer", names_of(scheme.payers));
    describe(file, "payer",
             {"payer", "",
              "who pays ([payers.NAME] names: Assurance maladie, the departements, the State...), "
              "in byte-wise alphabetical order of their names"});
  }
  if (!scheme.assignments.empty()) {
    file.add_dimension("rule", names_of(scheme.assignments));
    describe(file, "rule",
             {"funding rule", "",
              "the scenario's [[funding.rules]] entries, by name, in file order (provider_rule "
              "indexes them)"});
  }

  if (!scheme.price_modes.empty() && !model.providers.empty()) {
    file.add_dimension("price_mode", names_of(scheme.price_modes));
    describe(file, "price_mode",
             {"price mode", "",
              "the modes of care that carry their own modulated daily price ([funding.price_modes."
              "NAME], CASF R.314-119), in byte-wise alphabetical order of their names"});
    std::vector<std::int8_t> school(scheme.price_modes.size(), 0);
    if (scheme.school_price_mode != funding::kNoPriceMode) {
      school[scheme.school_price_mode] = 1;
    }
    file.add_variable("price_mode_school_days", {"price_mode"}, school, Storage::kContiguous);
    describe(file, "price_mode_school_days",
             {"price mode of the days at school", "1",
              "1 for the price mode that bills the days at school (school_days = true), 0 "
              "elsewhere"});
    if (!model.modes.empty()) {
      std::vector<std::int16_t> of_mode;
      for (const std::uint8_t m : scheme.price_mode_of) {
        of_mode.push_back(m == funding::kNoPriceMode ? std::int16_t{-1}
                                                     : static_cast<std::int16_t>(m));
      }
      file.add_variable("mode_price_mode", {"mode"}, of_mode, Storage::kContiguous);
      describe(file, "mode_price_mode",
               {"price mode of the mode's days", "",
                "index into the price_mode dimension of the price mode that bills the days in the "
                "establishment of a child of this mode (its `modes` list); -1: none"});
    }
  }

  // Coordinates that are not dimensions.
  file.add_variable("territory_name", {"territory"}, names);
  describe(file, "territory_name", {"territory name", "", "territory name"});

  std::vector<std::string> territory_region;
  std::vector<std::int8_t> territory_abroad;
  for (const model::Territory& territory : model.territories) {
    territory_region.push_back(territory.abroad ? kAbroadLabel : regions[territory.region]);
    territory_abroad.push_back(territory.abroad ? 1 : 0);
  }
  file.add_variable("territory_region", {"territory"}, territory_region);
  describe(file, "territory_region",
           {"region of territory", "",
            "name of the region the territory belongs to; \"abroad\" for an abroad territory"});
  file.add_variable("territory_abroad", {"territory"}, territory_abroad, Storage::kContiguous);
  describe(file, "territory_abroad",
           {"abroad territory", "",
            "1 for an out-of-country territory (places only: no arrivals, no waiting list), "
            "0 for a home territory"});

  std::vector<std::int64_t> places;
  for (std::size_t t = 0; t < n_territories; ++t) {
    for (const model::Service& service : model.services) {
      places.push_back(service.capacity[t]);
    }
  }
  file.add_variable("places", {"territory", "service"}, places, Storage::kContiguous);
  describe(file, "places",
           {"places", "places",
            "places (capacity) of each service in each territory at the start (places_end: as "
            "the policy timeline changes them)"});

  // "d", not "days": xarray would decode a variable in "days" to timedelta64.
  file.add_variable("period_days", {period}, std::vector<double>(n_periods, period_days),
                    Storage::kContiguous);
  describe(file, "period_days",
           {"period length", "d", "length of each period in days (365.25 / periods per year)"});

  if (with_interims) {
    std::vector<std::int8_t> no_solution;
    std::vector<std::int8_t> ordinary_school;
    for (const model::InterimSituation& interim : model.interim) {
      no_solution.push_back(interim.no_solution ? 1 : 0);
      ordinary_school.push_back(interim.ordinary_school ? 1 : 0);
    }
    file.add_variable("interim_no_solution", {"interim"}, no_solution, Storage::kContiguous);
    describe(file, "interim_no_solution",
             {"no solution", "",
              "1 for an interim situation counted as no solution (sans solution) in "
              "no_solution_end, 0 otherwise"});
    file.add_variable("interim_ordinary_school", {"interim"}, ordinary_school,
                      Storage::kContiguous);
    describe(file, "interim_ordinary_school",
             {"ordinary school", "",
              "1 for an interim situation in an ordinary school (full or part time), 0 otherwise"});
  }
  if (any_limited(model)) {
    constexpr double kUnlimited = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> capacity;  // [territory][interim]
    for (std::size_t t = 0; t < n_territories; ++t) {
      for (const model::InterimSituation& interim : model.interim) {
        capacity.push_back(interim.limited() ? interim.capacity[t] : kUnlimited);
      }
    }
    std::vector<double> per_child;
    std::vector<std::string> fallback;
    for (const model::InterimSituation& interim : model.interim) {
      per_child.push_back(interim.limited() ? interim.per_child : kUnlimited);
      fallback.push_back(interim.limited() ? model.interim.at(interim.fallback).name : "");
    }
    file.add_variable("interim_per_child", {"interim"}, per_child, Storage::kContiguous);
    describe(file, "interim_per_child",
             {"room each child uses", "capacity units per child (see interim_capacity)",
              "how much of interim_capacity each child in a limited interim situation uses "
              "(AESH full-time equivalents, places...); NaN: unlimited (no capacity)"});
    file.set_attribute("interim_per_child", "_FillValue", kUnlimited);
    file.add_variable("interim_fallback", {"interim"}, fallback);
    describe(file, "interim_fallback",
             {"fallback of the interim situation", "",
              "name of the interim situation (a label of interim) a child takes when this one "
              "has no room left in its home territory; \"\" for an unlimited situation"});
    file.add_variable("interim_capacity", {"territory", "interim"}, capacity, Storage::kContiguous);
    describe(file, "interim_capacity",
             {"room of the interim situation", "per_child units (see interim_per_child)",
              "room of a limited interim situation in each territory (the scenario's capacity, "
              "or capacity_total shared by the territories' weights), in the unit each child in "
              "it uses interim_per_child of; at most interim_capacity / interim_per_child "
              "children of a home territory are in it at once; 0 on abroad territories; NaN: "
              "unlimited (no capacity)"},
             "territory_name interim_per_child interim_fallback");
    file.set_attribute("interim_capacity", "_FillValue", kUnlimited);
  }

  std::vector<std::string> conditions;
  for (const model::PriorityLevel& level : model.lists.priority) {
    conditions.push_back(priority_conditions(model, level));
  }
  file.add_variable("priority_conditions", {"priority"}, conditions);
  describe(file, "priority_conditions",
           {"conditions of the priority level", "",
            "what a child must meet to hold the level, from the scenario's lists.priority; "
            "\"any child\" for the last level"});
  if (!model.modes.empty()) {
    std::vector<std::int8_t> residential;
    std::vector<double> attendance;
    for (const model::Mode& mode : model.modes) {
      residential.push_back(mode.residential ? 1 : 0);
      attendance.push_back(mode.attendance);
    }
    file.add_variable("mode_residential", {"mode"}, residential, Storage::kContiguous);
    describe(file, "mode_residential",
             {"residential", "",
              "1 for a mode with nights in the establishment (internat), 0 otherwise"});
    file.add_variable("mode_attendance", {"mode"}, attendance, Storage::kContiguous);
    describe(file, "mode_attendance",
             {"attendance", "1",
              "share of the service's opening days a child in this mode attends, in (0, 1] "
              "(below 1: part time)"});
  }
  if (!model.schoolings.empty()) {
    std::vector<std::int8_t> ordinary;
    for (const model::Schooling& schooling : model.schoolings) {
      ordinary.push_back(schooling.ordinary_school ? 1 : 0);
    }
    file.add_variable("schooling_ordinary_school", {"schooling"}, ordinary, Storage::kContiguous);
    describe(file, "schooling_ordinary_school",
             {"ordinary school", "",
              "1 for a schooling in an ordinary school (full or part time), counted in "
              "ordinary_school_end, 0 otherwise"});
  }
  if (!model.children.age_groups.empty()) {
    file.add_variable("age_group_lower_years", {"age_group"}, model.children.age_groups,
                      Storage::kContiguous);
    describe(file, "age_group_lower_years",
             {"lower bound of the age group", "years",
              "youngest age in the group, in years; the group runs to the next group's bound "
              "(excluded), the last one has none"});
  }
  if (!model.plans.steps.empty()) {
    std::vector<std::string> from;
    for (const model::PlanStep& step : model.plans.steps) {
      from.push_back(model.services.at(step.from).name);
    }
    file.add_variable("plan_step_from", {"plan_step"}, from);
    describe(file, "plan_step_from",
             {"service of the plan step", "",
              "name of the service whose children in a place the step applies to"});
  }
  if (!model.outcomes.empty()) {
    std::vector<std::string> descriptions;
    for (const model::Outcome& outcome : model.outcomes) {
      descriptions.push_back(outcome.description);
    }
    file.add_variable("outcome_description", {"outcome"}, descriptions);
    describe(file, "outcome_description",
             {"description of the outcome", "",
              "the scenario's description of the outcome ([outcomes.NAME] description); \"\" "
              "when it gives none"});
  }
  if (with_providers) {
    std::vector<std::string> territory;
    std::vector<std::string> service;
    std::vector<std::string> organisation;
    std::vector<std::int64_t> provider_places;
    std::vector<std::string> impairments;
    for (const model::Provider& provider : model.providers) {
      territory.push_back(model.territories.at(provider.territory).code);
      service.push_back(model.services.at(provider.service).name);
      organisation.push_back(model.organisations.at(provider.organisation).name);
      provider_places.push_back(provider.places);
      impairments.push_back(provider_impairments(model, provider));
    }
    file.add_variable("provider_territory", {"provider"}, territory);
    describe(file, "provider_territory",
             {"territory of the provider", "",
              "code of the territory where the provider's places are (a label of territory)"});
    file.add_variable("provider_service", {"provider"}, service);
    describe(file, "provider_service",
             {"service of the provider", "",
              "name of the service whose places the provider has (a label of service)"});
    file.add_variable("provider_organisation", {"provider"}, organisation);
    describe(file, "provider_organisation",
             {"organisation of the provider", "",
              "name of the organisation (organisme gestionnaire) that runs the provider; the "
              "provider's own name when the scenario names none"});
    file.add_variable("provider_places", {"provider"}, provider_places, Storage::kContiguous);
    describe(file, "provider_places",
             {"places of the provider", "places",
              "places of the provider; for a service with providers, places of a territory is "
              "the sum of provider_places of its providers there"});
    file.add_variable("provider_impairments", {"provider"}, impairments);
    describe(file, "provider_impairments",
             {"impairments the provider may admit", "",
              "main impairments the provider is authorised to admit: impairment labels joined "
              "by \";\"; \"any\" when it may admit every child, \"none\" when it may admit no "
              "child"});
  }

  if (!scheme.payers.empty()) {
    std::vector<std::string> descriptions;
    for (const funding::Payer& payer : scheme.payers) {
      descriptions.push_back(payer.description);
    }
    file.add_variable("payer_description", {"payer"}, descriptions);
    describe(file, "payer_description",
             {"description of the payer", "",
              "the scenario's description of the payer ([payers.NAME] description); \"\" when it "
              "gives none"});
  }
  if (!scheme.assignments.empty()) {
    std::vector<std::string> kinds;
    std::vector<std::int8_t> counterfactual;
    std::vector<std::int64_t> first_period;
    std::vector<std::int16_t> term_years;
    for (const funding::Assignment& assignment : scheme.assignments) {
      kinds.push_back(rule_kind(assignment.rule));
      counterfactual.push_back(assignment.counterfactual ? 1 : 0);
      first_period.push_back(assignment.from_period);
      const bool terms = assignment.rule == funding::Rule::kPooledAllocation ||
                         assignment.rule == funding::Rule::kImpactBond;
      term_years.push_back(static_cast<std::int16_t>(terms ? assignment.term_years : 0));
    }
    // What each rule pays for (model rule 28), by service: the incentives providers respond to.
    if (const model::Incentives& inc = scenario.model.incentives; !inc.empty()) {
      std::vector<double> vacancy;
      std::vector<double> school_day;
      for (std::size_t a = 0; a < scheme.assignments.size(); ++a) {
        for (std::size_t s = 0; s < model.services.size(); ++s) {
          const std::size_t k =
              inc.table(static_cast<std::uint8_t>(a), static_cast<model::ServiceId>(s));
          vacancy.push_back(inc.vacancy[k]);
          school_day.push_back(inc.school_day[k]);
        }
      }
      file.add_variable("rule_vacancy_value", {"rule", "service"}, vacancy, Storage::kContiguous);
      describe(file, "rule_vacancy_value",
               {"funding an empty place-day loses", "1",
                "under the rule, what a place-day of the service left empty costs its provider, "
                "for a child with the service's mix of modes and schooling, as a share of a "
                "place-day's cost (1: a daily price; 0: an allocation whatever the activity); "
                "a provider responds to its change from the rule in force at the start (model "
                "rule 28)"});
      file.add_variable("rule_school_day_value", {"rule", "service"}, school_day,
                        Storage::kContiguous);
      describe(file, "rule_school_day_value",
               {"funding an inclusion day loses", "1",
                "under the rule, what a day at school instead of in the establishment costs the "
                "provider of a child attending every opening day, as a share of a place-day's "
                "cost (negative: a gain, e.g. a performance contract's inclusion target); the "
                "incentive against (or for) inclusion days (model rule 28)"});
    }
    file.add_variable("rule_first_period", {"rule"}, first_period, Storage::kContiguous);
    describe(file, "rule_first_period",
             {"first period of the funding rule", "",
              "index of the first period the rule applies from (its from date; 0 without one)"});
    file.add_variable("rule_term_years", {"rule"}, term_years, Storage::kContiguous);
    describe(file, "rule_term_years",
             {"term of the funding rule", "years",
              "years of a pooled_allocation's or impact_bond's terms (term_years; counted in "
              "calendar years from the year a term starts); 0 for other rules"});
    file.add_variable("rule_kind", {"rule"}, kinds);
    describe(file, "rule_kind",
             {"kind of the funding rule", "",
              "what the rule pays: \"daily_price\" (a price per billed day), "
              "\"global_allocation\" (a yearly budget in equal parts), \"capitation\" (a sum "
              "per child followed), \"pooled_allocation\" (a CPOM's multi-year envelope per "
              "organisation), \"performance\" (an allocation partly paid on indicators), "
              "\"needs_based\" (SERAFIN-PH-like: places weighted by modes and needs) or "
              "\"impact_bond\" (an investor pays, repaid on an outcome)"});
    file.add_variable("rule_counterfactual", {"rule"}, counterfactual, Storage::kContiguous);
    describe(file, "rule_counterfactual",
             {"counterfactual rule", "",
              "1 for a rule no French payer uses (capitation, impact_bond): money paid under it "
              "is what would be paid, not what is; 0 otherwise"});
  }

  // Indicators over [replication, period, territory, service].
  const std::vector<std::string> cell_dims{"replication", period, "territory", "service"};
  const std::string cell_coordinates = "territory_name places period_days";
  const std::vector<double> occupied =
      stack<double>(results, [](const run::ReplicationResult& r) -> const std::vector<double>& {
        return r.indicators.occupied_place_days;
      });
  const std::vector<double> authorised =
      stack<double>(results, [](const run::ReplicationResult& r) -> const std::vector<double>& {
        return r.indicators.capacity_days;
      });
  std::vector<double> occupancy(occupied.size());
  for (std::size_t i = 0; i < occupied.size(); ++i) {
    occupancy[i] = authorised[i] > 0.0 ? occupied[i] / authorised[i]
                                       : std::numeric_limits<double>::quiet_NaN();
  }
  file.add_variable("occupancy", cell_dims, occupancy, Storage::kChunkedByFirstAxis);
  describe(file, "occupancy",
           {"occupancy rate", "1",
            "occupied_place_days / authorised_place_days (places * period_days when the policy "
            "timeline changes no places); NaN where there were no places in the period"},
           cell_coordinates);
  file.add_variable("authorised_place_days", cell_dims, authorised, Storage::kChunkedByFirstAxis);
  describe(file, "authorised_place_days",
           {"authorised place-days", "place-days",
            "integral over the period of the number of authorised places (places at the start, "
            "as the policy timeline changes them)"},
           cell_coordinates);

  file.add_variable(
      "vacancy_hold_days", cell_dims,
      stack<double>(results,
                    [](const run::ReplicationResult& r) -> const std::vector<double>& {
                      return r.indicators.vacancy_hold_days;
                    }),
      Storage::kChunkedByFirstAxis);
  describe(file, "vacancy_hold_days",
           {"days places were held vacant", "d",
            "the days for which the places in vacancies_held were held vacant, summed, counted in "
            "the period they freed (behaviour.vacancy_days x the vacancy value the provider's "
            "funding lost since the start; model rule 28)"},
           cell_coordinates);

  file.add_variable("occupied_place_days", cell_dims, occupied, Storage::kChunkedByFirstAxis);
  describe(file, "occupied_place_days",
           {"occupied place-days", "place-days",
            "integral over the period of the number of occupied places, Creton stays included"},
           cell_coordinates);

  struct CellCount {
    const char* name;
    std::vector<std::int64_t> model::Indicators::*field;
    Meta meta;
  };

  const CellCount counts[] = {
      {"places_end",
       &model::Indicators::capacity_end,
       {"places at end of period", "places",
        "authorised places of the service in the territory at the end of the period: places, as "
        "the policy timeline changes them"}},
      {"admissions",
       &model::Indicators::admissions,
       {"admissions", "people", "entries into a place of the service during the period"}},
      {"waiting_end",
       &model::Indicators::waiting_end,
       {"waiting at end of period", "people",
        "people on the service's waiting list at the end of the period"}},
      {"creton_end",
       &model::Indicators::holding_end,
       {"Creton holders at end of period", "people",
        "people holding a place of this service past its age limit while waiting for a place "
        "in the next service (the Creton rule), at the end of the period"}},
      {"stepping_end",
       &model::Indicators::stepping_end,
       {"stepping holders at end of period", "people",
        "people holding a place of this service, before its age limit, while waiting for a "
        "place of another service (a plan step or a stay's end re-oriented them), at the end of "
        "the period; those past the age limit are in creton_end"}},
      {"aged_out_waiting",
       &model::Indicators::aged_out_waiting,
       {"aged out while waiting", "people",
        "people who left the service's waiting list on reaching its age limit, during the "
        "period"}},
      {"vacancies_held",
       &model::Indicators::vacancies_held,
       {"places held vacant", "places",
        "places of the service in the territory that freed during the period and were held "
        "vacant before being offered to the lists, because their provider's funding pays less "
        "for an occupied day than at the start (behaviour.vacancy_days; model rule 28)"}},
      {"young_adults_released",
       &model::Indicators::young_adults_released,
       {"young adults not kept", "people",
        "young adults who reached the service's age limit in a place of the territory during "
        "the period, would have kept it while waiting for the next service (Creton), and were "
        "not kept because their provider's funding pays less for their days than at the start "
        "(behaviour.creton_release; model rule 28): they wait at home"}},
      {"admissions_selected",
       &model::Indicators::admissions_selected,
       {"admissions out of list order", "people",
        "admissions to a place of the service in the territory, during the period, of a child "
        "other than the first its provider could admit, because its funding pays more for that "
        "child's needs level than at the start (behaviour.selection_days; model rule 28)"}},
  };
  // One int64 indicator per entry, stacked over replications.
  const auto add_counts = [&](const auto& entries, const std::vector<std::string>& dims,
                              const std::string& coordinates) {
    for (const CellCount& entry : entries) {
      file.add_variable(
          entry.name, dims,
          stack<std::int64_t>(
              results,
              [&](const run::ReplicationResult& r) -> const std::vector<std::int64_t>& {
                return r.indicators.*entry.field;
              }),
          Storage::kChunkedByFirstAxis);
      describe(file, entry.name, entry.meta, coordinates);
    }
  };
  add_counts(counts, cell_dims, cell_coordinates);

  // Where people are at the end of the period and how long those admitted from a list waited:
  // by the territory of the place (occupied_end) or by home territory (the others, zero on
  // abroad territories, which have no one living there).
  const std::string home_coordinates =
      "territory_name territory_region territory_abroad places period_days";
  const CellCount placements[] = {
      {"occupied_end",
       &model::Indicators::occupied_end,
       {"occupied places at end of period", "people",
        "people in a place of the service in the territory at the end of the period, Creton "
        "holders included"}},
      {"away_end",
       &model::Indicators::away_end,
       {"placed in another territory at end of period", "people",
        "people whose home territory is this one in a place of the service in another home "
        "territory, at the end of the period"}},
      {"abroad_end",
       &model::Indicators::abroad_end,
       {"placed abroad at end of period", "people",
        "people whose home territory is this one in a place of the service in an abroad "
        "territory, at the end of the period"}},
      {"admitted_from_list",
       &model::Indicators::admitted_from_list,
       {"admitted from the waiting list", "people",
        "people whose home territory is this one admitted to a place of the service (wherever "
        "it is) after waiting on its list, during the period"}},
  };
  add_counts(placements, cell_dims, home_coordinates);

  std::vector<double> mean_wait;
  for (const run::ReplicationResult& replication : results.replications) {
    const model::Indicators& ind = replication.indicators;
    for (std::size_t c = 0; c < ind.waited_days.size(); ++c) {
      mean_wait.push_back(ind.admitted_from_list[c] > 0
                              ? ind.waited_days[c] / static_cast<double>(ind.admitted_from_list[c])
                              : std::numeric_limits<double>::quiet_NaN());
    }
  }
  // "d", not "days", as for period_days.
  file.add_variable("mean_wait_days", cell_dims, mean_wait, Storage::kChunkedByFirstAxis);
  describe(file, "mean_wait_days",
           {"mean wait of those admitted from the list", "d",
            "mean time on the service's waiting list, in days, of the people of this home "
            "territory admitted from it during the period: their summed waits / "
            "admitted_from_list; NaN where admitted_from_list is 0 (no one admitted)"},
           home_coordinates);

  // Flows of people over [replication, period, territory].
  const std::vector<std::string> flow_dims{"replication", period, "territory"};
  const std::string flow_coordinates = "territory_name period_days";
  const CellCount flows[] = {
      {"present_start",
       &model::Indicators::present_start,
       {"present at start of period", "people",
        "people in the sector (in a place, on a list, or oriented and not yet old enough) at "
        "the start of the period"}},
      {"arrivals",
       &model::Indicators::arrivals,
       {"arrivals", "people", "people who entered the sector during the period"}},
      {"departures",
       &model::Indicators::departures,
       {"departures", "people", "people who left the sector during the period"}},
      {"present_end",
       &model::Indicators::present_end,
       {"present at end of period", "people",
        "people in the sector at the end of the period; present_start + arrivals == present_end "
        "+ departures"}},
  };
  add_counts(flows, flow_dims, flow_coordinates);

  // Sums over the home territories of each region and of the country. Counts by place go by
  // the region of the place, counts by home territory by the home region: the two are the same
  // thing for a region's own territories, and abroad territories, in no region, are left out
  // (occupied_abroad_national gives their places).
  const std::vector<std::string> region_dims{"replication", period, "region", "service"};
  const std::vector<std::string> national_dims{"replication", period, "service"};

  struct Sum {
    const char* stem;  // the territory-level indicator summed
    std::vector<std::int64_t> model::Indicators::*field;
    const char* long_name;
    const char* what;  // description of one person counted
  };

  const Sum sums[] = {
      {"places_end", &model::Indicators::capacity_end, "places at end of period",
       "authorised places of the service at the end of the period (places, as the policy "
       "timeline changes them), in places; by the region of the place; places in abroad "
       "territories are left out"},
      {"occupied_end", &model::Indicators::occupied_end, "occupied places at end of period",
       "people in a place of the service at the end of the period, Creton holders included; by "
       "the region of the place; places in abroad territories are left out (see "
       "occupied_abroad_national)"},
      {"waiting_end", &model::Indicators::waiting_end, "waiting at end of period",
       "people on the service's waiting lists at the end of the period"},
      {"creton_end", &model::Indicators::holding_end, "Creton holders at end of period",
       "people holding a place of this service past its age limit while waiting for a place in "
       "the next service (the Creton rule), at the end of the period; by the region of the "
       "place; holders of places in abroad territories are left out (they are in creton_end of "
       "the abroad territory)"},
      {"stepping_end", &model::Indicators::stepping_end, "stepping holders at end of period",
       "people holding a place of this service, before its age limit, while waiting for a place "
       "of another service (a plan step or a stay's end re-oriented them), at the end of the "
       "period; by the region of the place; holders of places in abroad territories are left out "
       "(they are in stepping_end of the abroad territory)"},
      {"away_end", &model::Indicators::away_end, "placed in another territory at end of period",
       "people in a place of the service in another home territory than their own (possibly in "
       "the same region), at the end of the period; by home region"},
      {"abroad_end", &model::Indicators::abroad_end, "placed abroad at end of period",
       "people in a place of the service in an abroad territory, at the end of the period; by "
       "home region"},
      {"aged_out_waiting", &model::Indicators::aged_out_waiting, "aged out while waiting",
       "people who left the service's waiting list on reaching its age limit, during the "
       "period; by home region"},
      {"admitted_from_list", &model::Indicators::admitted_from_list,
       "admitted from the waiting list",
       "people admitted to a place of the service (wherever it is) after waiting on its list, "
       "during the period; by home region"},
      {"vacancies_held", &model::Indicators::vacancies_held, "places held vacant",
       "places of the service that freed during the period and were held vacant before being "
       "offered (model rule 28); by the region of the place"},
      {"young_adults_released", &model::Indicators::young_adults_released, "young adults not kept",
       "young adults at the service's age limit not kept while waiting for the next service "
       "(model rule 28), during the period; by the region of the place"},
      {"admissions_selected", &model::Indicators::admissions_selected,
       "admissions out of list order",
       "admissions of a child other than the first its provider could admit, for its needs "
       "level (model rule 28), during the period; by the region of the place"},
  };
  const Grouping regional = by_region(model, regions.size());
  const Grouping national = home_as_one(model);
  const auto add_sums = [&](const Sum& sum, const Grouping& grouping, const std::string& name,
                            const std::vector<std::string>& dims, const std::string& long_name,
                            const std::string& description) {
    std::vector<std::int64_t> data;
    for (const run::ReplicationResult& replication : results.replications) {
      const model::Indicators& ind = replication.indicators;
      append_group_sums(ind.*sum.field, static_cast<std::size_t>(ind.periods),
                        static_cast<std::size_t>(ind.territories),
                        static_cast<std::size_t>(ind.services), grouping, data);
    }
    file.add_variable(name, dims, data, Storage::kChunkedByFirstAxis);
    describe(file, name,
             {long_name,
              sum.field == &model::Indicators::capacity_end ||
                      sum.field == &model::Indicators::vacancies_held
                  ? "places"
                  : "people",
              description},
             "period_days");
  };
  for (const Sum& sum : sums) {
    add_sums(sum, regional, std::string{sum.stem} + "_by_region", region_dims,
             std::string{sum.long_name} + ", by region",
             std::string{sum.what} + "; summed over the home territories of each region (" +
                 sum.stem + " of the territories whose territory_region is the region)");
  }
  for (const Sum& sum : sums) {
    add_sums(sum, national, std::string{sum.stem} + "_national", national_dims,
             std::string{sum.long_name} + ", national",
             std::string{sum.what} + "; summed over all home territories (" + sum.stem +
                 " of the territories whose territory_abroad is 0)");
  }
  add_sums(sums[1], abroad_as_one(model), "occupied_abroad_national", national_dims,
           "occupied places abroad at end of period",
           "people in a place of the service in an abroad territory at the end of the period, "
           "Creton holders included: occupied_end summed over the territories whose "
           "territory_abroad is 1");

  // Waits of those admitted from a list, by home region: the histogram, and percentiles read
  // from it (the region's, and the country's from the histogram summed over regions).
  const std::vector<std::string> histogram_dims{"replication", period, "region", "service",
                                                "wait_months"};
  file.add_variable(
      "wait_histogram", histogram_dims,
      stack<std::int64_t>(results,
                          [](const run::ReplicationResult& r) -> const std::vector<std::int64_t>& {
                            return r.indicators.wait_histogram;
                          }),
      Storage::kChunkedByFirstAxis);
  describe(file, "wait_histogram",
           {"waits of those admitted from the list", "people",
            "people of the region's home territories admitted to a place of the service after "
            "waiting on its list, during the period, by their wait in whole months (wait_months; "
            "the last bin: " +
                std::to_string(last_month) +
                " months or more); summed over wait_months, admitted_from_list_by_region"},
           "period_days");

  struct Percentile {
    const char* name;
    std::int64_t numerator;
    std::int64_t denominator;
    const char* long_name;
  };

  const Percentile percentiles[] = {{"wait_p50_months", 1, 2, "median wait"},
                                    {"wait_p90_months", 9, 10, "90th percentile of the wait"}};
  const std::string percentile_rule =
      "the smallest m such that the people of wait_histogram in bins 0 to m are at least "
      "q * (all of them), compared exactly; so the q-quantile wait is at least m and less than "
      "m + 1 months; " +
      std::to_string(last_month) + " means " + std::to_string(last_month) +
      " months or more; NaN where no one was admitted from the list";
  for (const Percentile& percentile : percentiles) {
    std::vector<double> by_region_values;  // [replication][period][region][service]
    std::vector<double> national_values;   // [replication][period][service]
    const auto value = [&percentile](std::span<const std::int64_t> bins) {
      return internal::wait_percentile_months(bins, percentile.numerator, percentile.denominator);
    };
    for (const run::ReplicationResult& replication : results.replications) {
      const model::Indicators& ind = replication.indicators;
      const auto bins_of = [&ind](int p, int g, int s) {
        return std::span<const std::int64_t>{&ind.wait_histogram[ind.wait_bin(p, g, s, 0)],
                                             kWaitBins};
      };
      for (int p = 0; p < ind.periods; ++p) {
        for (int g = 0; g < ind.regions; ++g) {
          for (int s = 0; s < ind.services; ++s) {
            by_region_values.push_back(value(bins_of(p, g, s)));
          }
        }
        for (int s = 0; s < ind.services; ++s) {
          std::vector<std::int64_t> national_bins(kWaitBins, 0);
          for (int g = 0; g < ind.regions; ++g) {
            const std::span<const std::int64_t> bins = bins_of(p, g, s);
            for (std::size_t m = 0; m < kWaitBins; ++m) {
              national_bins[m] += bins[m];
            }
          }
          national_values.push_back(value(national_bins));
        }
      }
    }
    const std::string q =
        std::to_string(percentile.numerator) + "/" + std::to_string(percentile.denominator);
    file.add_variable(percentile.name, region_dims, by_region_values, Storage::kChunkedByFirstAxis);
    describe(file, percentile.name,
             {std::string{percentile.long_name} + ", by region", "months",
              std::string{percentile.long_name} + " (q = " + q +
                  ") of those admitted from the list, by home region: " + percentile_rule},
             "period_days");
    const std::string national_name = std::string{percentile.name} + "_national";
    file.add_variable(national_name, national_dims, national_values, Storage::kChunkedByFirstAxis);
    describe(file, national_name,
             {std::string{percentile.long_name} + ", national", "months",
              std::string{percentile.long_name} + " (q = " + q +
                  ") of those admitted from the list, from wait_histogram summed over regions: " +
                  percentile_rule},
             "period_days");
  }

  if (with_interims) {
    add_interim_indicators(file, model, results, period);
  }
  add_children_indicators(file, model, results, period);
  add_orientation_indicators(file, model, results, period);
  if (!model.outcomes.empty()) {
    add_outcome_indicators(file, model, results, period);
  }
  add_care_indicators(file, model, results, period);
  if (!model.providers.empty()) {
    add_provider_indicators(file, model, results, period);
  }
  add_funding_indicators(file, scenario, results, period);
  add_timeline(file, scenario);

  // Per replication.
  std::vector<std::int64_t> events;
  std::vector<double> wall_seconds;
  for (const run::ReplicationResult& replication : results.replications) {
    events.push_back(static_cast<std::int64_t>(replication.indicators.events));
    wall_seconds.push_back(replication.wall_seconds);
  }
  file.add_variable("events", {"replication"}, events, Storage::kContiguous);
  describe(file, "events", {"events", "1", "events processed by the replication"});
  // "s", not "seconds", for the same reason as period_days.
  file.add_variable("wall_seconds", {"replication"}, wall_seconds, Storage::kContiguous);
  describe(file, "wall_seconds",
           {"wall-clock time", "s", "wall-clock time the replication took to run"});

  // The effective scenario, to rerun or audit the run from the file alone.
  file.add_scalar_string("scenario", scenario.text);
  file.set_attribute("scenario", "long_name", std::string{"scenario"});
  file.set_attribute("scenario", "description",
                     std::string{"effective scenario as TOML, after extends and overrides"});

  if (results.spells) {
    add_spells(file, scenario, results);
  }

  file.close();
}

void write_atomically(const fs::path& out, bool force,
                      const std::function<void(const fs::path&)>& write) {
  if (out.filename().empty()) {
    throw std::runtime_error(out.string() + ": not a file name");
  }
  const fs::path folder = out.has_parent_path() ? out.parent_path() : fs::path{"."};
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    throw std::runtime_error("cannot write " + out.string() + ": folder " + folder.string() +
                             " does not exist");
  }
  const fs::file_status status = fs::status(out, error);
  if (fs::exists(status)) {
    if (fs::is_directory(status)) {
      throw std::runtime_error(out.string() + " is a folder, not a results file");
    }
    if (!force) {
      throw std::runtime_error(out.string() + " exists; pass --force to replace it");
    }
  }
  const fs::path temporary = folder / temporary_name(out);
  try {
    write(temporary);
    sync_to_disk(temporary);
    fs::rename(temporary, out);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

}  // namespace internal

void write_results(const fs::path& out, const Scenario& scenario, const run::Results& results,
                   const Provenance& provenance, bool force) {
  internal::check_results(scenario, results);
  internal::write_atomically(out, force, [&](const fs::path& temporary) {
    internal::write_results_file(temporary, scenario, results, provenance);
  });
}

}  // namespace parcours::io
