#include "engine/io/results_file.hpp"

#include "engine/core/check.hpp"
#include "engine/io/internal/hdf5_results.hpp"

#include <gtest/gtest.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace parcours::io {
namespace {

namespace fs = std::filesystem;

// One payer, assurance_maladie, paying each service a fixed daily price from the start.
funding::Scheme daily_prices(const std::vector<double>& euros_per_day) {
  funding::Scheme scheme;
  scheme.payers = {{"assurance_maladie", "ONDAM médico-social"}};
  for (std::size_t s = 0; s < euros_per_day.size(); ++s) {
    funding::ServiceMoney money;
    money.payer_split = {1.0};
    scheme.services.push_back(money);
    funding::Assignment price;
    price.name = "daily_price_" + std::to_string(s);
    price.services = {static_cast<model::ServiceId>(s)};
    price.euros_per_day = euros_per_day[s];
    scheme.assignments.push_back(price);
  }
  return scheme;
}

// Two territories, two services (one territory without places of the first), three years.
Scenario small_scenario(int periods_per_year = 1) {
  Scenario scenario;
  scenario.path = "scenarios/test.toml";
  scenario.text = "name = \"test\"\n# " + std::string(70000, 'x') + "\n";  // > 64 KiB
  scenario.name = "test";
  scenario.description = "two territories, two services";
  scenario.start_date = Date{2025, 11, 1};
  scenario.seed = 18446744073709551557ULL;  // above INT64_MAX: uint64 must survive
  scenario.replications = 2;
  scenario.model.territories = {model::home_territory("75", "Paris", 2.0),
                                model::home_territory("2A", "Corse-du-Sud", 1.0)};
  scenario.model.regions = {{"France"}};  // what the scenario reader gives when none is named
  model::Service ime;
  ime.name = "IME";
  ime.capacity = {10, 0};
  model::Service esat;
  esat.name = "ESAT";
  esat.capacity = {5, 3};
  scenario.model.services = {ime, esat};
  scenario.model.horizon_years = 3;
  scenario.model.periods_per_year = periods_per_year;
  scenario.funding = daily_prices({200.0, 100.0});
  return scenario;
}

// Keeps the books of every replication of `results` under `scenario`'s funding, as the runner
// does once a replication has run. The fixtures count people followed (the file active) as those
// in a place at the end of the period, the least a simulation would count, and have no policy
// timeline: every period's authorised places are the model's places.
void keep_books(const Scenario& scenario, run::Results& results) {
  const model::Model& model = scenario.model;
  const double period_days = model.period_days();
  for (run::ReplicationResult& replication : results.replications) {
    model::Indicators& ind = replication.indicators;
    for (int p = 0; p < ind.periods; ++p) {
      for (int t = 0; t < ind.territories; ++t) {
        for (int s = 0; s < ind.services; ++s) {
          const auto c = ind.cell(p, t, s);
          ind.capacity_end[c] = model.services[static_cast<std::size_t>(s)].capacity[t];
          ind.capacity_days[c] = static_cast<double>(ind.capacity_end[c]) * period_days;
        }
      }
      for (int q = 0; q < ind.providers; ++q) {
        const auto k = ind.provider_cell(p, q);
        ind.provider_capacity_end[k] = model.providers[static_cast<std::size_t>(q)].places;
        ind.provider_capacity_days[k] =
            static_cast<double>(ind.provider_capacity_end[k]) * period_days;
      }
    }
    for (std::size_t c = 0; c < ind.followed.size(); ++c) {
      ind.followed[c] = std::max(ind.followed[c], ind.occupied_end[c]);
    }
    for (std::size_t k = 0; k < ind.provider_followed.size(); ++k) {
      ind.provider_followed[k] = std::max(ind.provider_followed[k], ind.provider_occupied_end[k]);
    }
    replication.books = funding::keep_books(scenario.model, scenario.funding, ind);
  }
}

// Made-up but consistent indicators: half the places occupied plus a little per replication,
// flows that conserve people from one period to the next.
run::Results small_results(const Scenario& scenario) {
  const model::Model& model = scenario.model;
  const int periods = model.periods();
  const auto territories = static_cast<int>(model.territories.size());
  const auto services = static_cast<int>(model.services.size());
  run::Results results;
  for (int r = 0; r < scenario.replications; ++r) {
    run::ReplicationResult replication;
    model::Indicators& ind = replication.indicators;
    model::Shape shape{periods, territories, services};
    shape.impairments = static_cast<int>(model.children.impairments.size());
    shape.providers = static_cast<int>(model.providers.size());
    ind.resize(shape);
    for (int p = 0; p < periods; ++p) {
      for (int t = 0; t < territories; ++t) {
        for (int s = 0; s < services; ++s) {
          const std::size_t c = ind.cell(p, t, s);
          const auto places = static_cast<double>(model.services[s].capacity[t]);
          ind.occupied_place_days[c] = places * model.period_days() * (0.5 + 0.1 * r);
          ind.admissions[c] = 100 * r + 10 * p + 2 * t + s;
          ind.waiting_end[c] = 3 + r;
          ind.waiting_priority_end[c] = 3 + r;  // one level; all at the first impairment
          ind.waiting_impairment_end[ind.impairment_cell(p, t, s, 0)] = 3 + r;
          ind.holding_end[c] = s == 0 ? 1 + p : 0;
          ind.aged_out_waiting[c] = t;
          ind.attended_days[c] = ind.occupied_place_days[c];  // no modes: every day attended
        }
        const std::size_t f = ind.flow(p, t);
        ind.present_start[f] = p == 0 ? 50 + t : ind.present_end[ind.flow(p - 1, t)];
        ind.arrivals[f] = 10 + p + r;
        ind.departures[f] = 7 + t;
        ind.present_end[f] = ind.present_start[f] + ind.arrivals[f] - ind.departures[f];
      }
    }
    ind.events = 1000 + static_cast<std::uint64_t>(r);
    replication.wall_seconds = 0.25 * (r + 1);
    results.replications.push_back(std::move(replication));
  }
  results.events = 2001;
  results.wall_seconds = 0.75;
  keep_books(scenario, results);
  return results;
}

// The France model's shape in miniature: two home territories in two regions (listed in the
// other order than the territories, so that a region is found by Territory::region, not by
// position) and one abroad territory; services IME and SESSAD; two years; two replications.
Scenario france_scenario() {
  Scenario scenario = small_scenario();
  scenario.name = "france";
  scenario.description = "two home territories in two regions, one abroad";
  scenario.start_date = Date{2026, 1, 1};
  scenario.model.regions = {{"Corse"}, {"Île-de-France"}};
  model::Territory paris = model::home_territory("75", "Paris");
  paris.region = 1;
  model::Territory corse = model::home_territory("2A", "Corse-du-Sud");
  corse.region = 0;
  model::Territory belgium = model::home_territory("BE", "Belgique", 0.0);
  belgium.abroad = true;
  belgium.region = model::kNoRegion;
  belgium.senders = {0};
  scenario.model.territories = {paris, corse, belgium};
  model::Service ime;
  ime.name = "IME";
  ime.capacity = {10, 4, 6};
  model::Service sessad;
  sessad.name = "SESSAD";
  sessad.capacity = {5, 3, 0};
  scenario.model.services = {ime, sessad};
  scenario.model.horizon_years = 2;
  return scenario;
}

// Cell value of france_results(): distinct digits for replication, period, territory and
// service, so that every sum in the tests below can be done by hand.
std::int64_t base(int r, int p, int t, int s) { return 1000 * r + 100 * p + 10 * t + s; }

// Interim situations of france_interim_scenario(), in the model's order.
constexpr int kInterimSchool = 0;  // ordinary school: not "no solution"
constexpr int kInterimNone = 1;    // at home with nothing: "no solution"

// Waiting children of france_results() by interim situation, on home territories (0 abroad).
// Fewer than waiting_end (base + 2 >= 2 for IME, >= 3 for SESSAD), as some waiting children hold
// a place elsewhere.
std::int64_t interim_school(int p, int s) { return s == 0 ? 1 + p : 1; }

std::int64_t interim_none(int r, int p, int t, int s) {
  return s == 0 ? 1 + t + 10 * p + 100 * r : 2;
}

// france_scenario() with two interim situations: the second one is "no solution".
Scenario france_interim_scenario() {
  Scenario scenario = france_scenario();
  scenario.model.interim = {
      model::interim_situation("ordinary school", /*no_solution=*/false, /*ordinary_school=*/true),
      model::interim_situation("at home", /*no_solution=*/true, /*ordinary_school=*/false)};
  for (model::Service& service : scenario.model.services) {
    service.interim_shares = {0.5, 0.5};
  }
  return scenario;
}

// Impairments and priority levels of france_children_scenario(), in the model's order.
constexpr int kAutism = 0;
constexpr int kPolyhandicap = 1;
constexpr int kOtherImpairment = 2;  // named with a blank: "other impairment"
constexpr int kPriorityPag = 0;      // P1: a PAG, high needs, polyhandicap, 12+, waited 2+ years
constexpr int kPriorityAny = 1;      // P2: any child

// france_scenario() with three impairments, two needs levels and two priority levels (the first
// on the SESSAD list only).
Scenario france_children_scenario() {
  Scenario scenario = france_scenario();
  scenario.model.children.impairments = {"autism", "polyhandicap", "other impairment"};
  scenario.model.children.needs_levels = {"moderate", "high"};
  model::PriorityLevel first;
  first.name = "P1";
  first.pag = true;
  first.needs = {1};
  first.impairments = {kPolyhandicap};
  first.min_age_years = 12.0;
  first.min_waited_years = 2.5;
  first.services = {1};  // SESSAD's list only
  scenario.model.lists.priority = {first, model::any_child("P2")};
  return scenario;
}

// france_scenario() whose orientations expire (every five years, 90 % renewed) and whose IME has
// the SESSAD as its alternative; the scenario text says so, as a real run's effective scenario
// does.
Scenario france_orientation_scenario() {
  Scenario scenario = france_scenario();
  scenario.model.notifications = {5.0, 0.9};
  scenario.model.services[0].alternative = 1;  // IME, then SESSAD
  scenario.model.services[0].alternative_share = 0.3;
  scenario.text =
      "[notifications]\n"
      "validity_years = 5\n"
      "renewal_share = 0.9\n"
      "[services.IME]\n"
      "alternative = \"SESSAD\"\n"
      "alternative_share = 0.3\n"
      "[services.SESSAD]\n";
  return scenario;
}

// Splits `total` into `n` parts: `leading` values first (those that fit), the rest in the last.
std::vector<std::int64_t> split(std::int64_t total, std::size_t n,
                                const std::vector<std::int64_t>& leading) {
  std::vector<std::int64_t> parts(n, 0);
  std::int64_t rest = total;
  for (std::size_t i = 0; i + 1 < n && i < leading.size(); ++i) {
    parts[i] = leading[i];
    rest -= leading[i];
  }
  parts[n - 1] = rest;
  return parts;
}

// The indicator shape of `model` (three territories, two services, two regions).
model::Shape france_shape(const model::Model& model) {
  model::Shape shape{model.periods(),
                     3,
                     2,
                     /*regions=*/2,
                     static_cast<int>(model.interim.size()),
                     static_cast<int>(model.lists.priority.size()),
                     static_cast<int>(model.children.impairments.size()),
                     static_cast<int>(model.modes.size()),
                     static_cast<int>(model.schoolings.size()),
                     static_cast<int>(model.children.age_groups.size()),
                     static_cast<int>(model.plans.steps.size())};
  shape.outcomes = static_cast<int>(model.outcomes.size());
  return shape;
}

// Outcomes of france_outcome_scenario(), in the model's order.
constexpr int kOutcomeHome = 0;
constexpr int kOutcomeWork = 1;

// france_scenario() whose IME leavers at the age limit go to work or home, named outcomes.
Scenario france_outcome_scenario() {
  Scenario scenario = france_scenario();
  scenario.model.outcomes = {{"home", ""}, {"work", "ordinary work"}};
  model::Branch work;
  work.probability = 0.7;
  work.outcome = kOutcomeWork;
  model::Branch home;
  home.probability = 0.3;
  home.outcome = kOutcomeHome;
  scenario.model.services[0].on_age_limit = {work, home};
  return scenario;
}

// Leavers of france_results() by outcome, on home territories (0 abroad).
std::int64_t left_to(int p, int t, int s, int k) { return p + t + s + k + 1; }

// france_interim_scenario() whose ordinary school (AESH hours) is limited: 1.5 FTE in 75 and 2 in
// 2A (none in BE, abroad), half an FTE per child, falling back on "at home".
Scenario france_limited_scenario() {
  Scenario scenario = france_interim_scenario();
  model::InterimSituation& school = scenario.model.interim[kInterimSchool];
  school.capacity = {1.5, 2.0, 0.0};
  school.per_child = 0.5;
  school.fallback = kInterimNone;
  return scenario;
}

// Children of france_results() who fell back from a limited situation, on home territories.
std::int64_t fell_back(int r, int p, int t, int s) { return r + p + t + s + 1; }

// Indicators of france_scenario(). Every [period][territory][service] count is base() plus a
// per-indicator offset. As in a real run, counts by home territory (lists, away, abroad,
// admissions from a list) are zero on the abroad territory, while counts by place (occupied,
// Creton and stepping holders) are not: region and national sums must leave the latter out.
// admitted_from_list is the wait histogram's total for the territory's region (each region has
// one home territory), and waits average 10 (t + 1) + s + 0.5 days. By home territory, children
// on a list with a PAG number p + s, removed at a review base + 7, died base + 8, and in a place
// under ASE t + s. Waiting children are split by priority (1 + p + r at the first of several
// levels, the rest at the last) and by impairment (1 + s, then t, the rest at the last). Children
// in a place, by home territory, are those of its own places (occupied_end) and, for 75, those of
// the abroad territory's: split by impairment as 1, then t, the rest at the last. When
// orientations expire (model.notifications), renewed base + 11 and lapsed p + t + 1; for a service
// with an alternative, to_alternative r + t + 1, each an admission to the alternative (admissions
// of the alternative: base + 12 in every territory). With outcomes, left_to(); with a limited
// interim situation, fell_back() at it. The people present number 5 at each period's start and
// end; departures are the deaths, removals, lapses and leavers by outcome, and arrivals as many.
run::Results france_results(const Scenario& scenario) {
  const model::Model& model = scenario.model;
  run::Results results;
  for (int r = 0; r < scenario.replications; ++r) {
    run::ReplicationResult replication;
    model::Indicators& ind = replication.indicators;
    ind.resize(france_shape(model));

    // Waits by home region, in months. Region 0 is Corse (2A), region 1 Île-de-France (75);
    // service 0 is IME, 1 SESSAD. No one from Corse is admitted to a SESSAD from a list.
    const auto add = [&ind](int p, int region, int s, int month, std::int64_t n) {
      ind.wait_histogram[ind.wait_bin(p, region, s, month)] += n;
    };
    if (r == 0) {
      add(0, 1, 0, 0, 1);  // year 0, Île-de-France, IME: months {0, 3, 3, 7, 120+}
      add(0, 1, 0, 3, 2);
      add(0, 1, 0, 7, 1);
      add(0, 1, 0, 120, 1);
      add(0, 0, 0, 2, 4);  // year 0, Corse, IME: months {2, 2, 2, 2}
      add(0, 1, 1, 1, 1);  // year 0, Île-de-France, SESSAD: months {1, 5}
      add(0, 1, 1, 5, 1);
      add(1, 1, 0, 0, 9);  // year 1, Île-de-France, IME: nine of 0 months, one of 4
      add(1, 1, 0, 4, 1);
    } else {
      add(1, 1, 1, 10, 3);  // year 1, Île-de-France, SESSAD: months {10, 10, 10}; nothing else
    }

    for (int p = 0; p < model.periods(); ++p) {
      for (int t = 0; t < 3; ++t) {
        for (int s = 0; s < 2; ++s) {
          const std::size_t c = ind.cell(p, t, s);
          const std::int64_t b = base(r, p, t, s);
          ind.occupied_end[c] = b + 1;
          ind.holding_end[c] = b + 3;
          ind.stepping_end[c] = b + 9;
          const model::Territory& territory = model.territories[static_cast<std::size_t>(t)];
          if (territory.abroad) {
            continue;
          }
          ind.waiting_end[c] = b + 2;
          ind.away_end[c] = b + 4;
          ind.abroad_end[c] = b + 5;
          ind.aged_out_waiting[c] = b + 6;
          for (int m = 0; m < model::Indicators::kWaitMonths; ++m) {
            ind.admitted_from_list[c] +=
                ind.wait_histogram[ind.wait_bin(p, territory.region, s, m)];
          }
          ind.waited_days[c] =
              static_cast<double>(ind.admitted_from_list[c]) * (10.0 * (t + 1) + s + 0.5);
          ind.pag_end[c] = p + s;
          ind.removed_at_review[c] = b + 7;
          ind.died[c] = b + 8;
          ind.occupants_ase_end[c] = t + s;
          const auto priorities = static_cast<std::size_t>(ind.priorities);
          const auto impairments = static_cast<std::size_t>(ind.impairments);
          const std::vector<std::int64_t> by_priority = split(b + 2, priorities, {1 + p + r});
          for (std::size_t k = 0; k < priorities; ++k) {
            ind.waiting_priority_end[ind.priority_cell(p, t, s, static_cast<int>(k))] =
                by_priority[k];
          }
          const std::vector<std::int64_t> waiting = split(b + 2, impairments, {1 + s, t});
          const std::int64_t placed = b + 1 + (t == 0 ? base(r, p, 2, s) + 1 : 0);
          const std::vector<std::int64_t> occupants = split(placed, impairments, {1, t});
          for (std::size_t i = 0; i < impairments; ++i) {
            const std::size_t at = ind.impairment_cell(p, t, s, static_cast<int>(i));
            ind.waiting_impairment_end[at] = waiting[i];
            ind.occupants_impairment_end[at] = occupants[i];
          }
          if (model.notifications.expire()) {
            ind.renewed[c] = b + 11;
            ind.lapsed[c] = p + t + 1;
          }
          if (const model::ServiceId a = model.services[static_cast<std::size_t>(s)].alternative;
              a != model::kNoService) {
            ind.to_alternative[c] = r + t + 1;
            for (int place = 0; place < 3; ++place) {
              ind.admissions[ind.cell(p, place, a)] = base(r, p, place, a) + 12;
            }
          }
          const std::size_t f = ind.flow(p, t);
          ind.departures[f] += ind.died[c] + ind.removed_at_review[c] + ind.lapsed[c];
          for (int k = 0; k < ind.outcomes; ++k) {
            ind.left_to[ind.outcome_cell(p, t, s, k)] = left_to(p, t, s, k);
            ind.departures[f] += left_to(p, t, s, k);
          }
          ind.arrivals[f] = ind.departures[f];
          if (!model.interim.empty()) {
            // france_interim_scenario(): kInterimSchool, then kInterimNone (no solution).
            ind.waiting_interim_end[ind.interim_cell(p, t, s, kInterimSchool)] =
                interim_school(p, s);
            ind.waiting_interim_end[ind.interim_cell(p, t, s, kInterimNone)] =
                interim_none(r, p, t, s);
            if (model.interim[kInterimSchool].limited()) {
              ind.interim_fallbacks[ind.interim_cell(p, t, s, kInterimSchool)] =
                  fell_back(r, p, t, s);
            }
          }
        }
        ind.present_start[ind.flow(p, t)] = 5;
        ind.present_end[ind.flow(p, t)] = 5;
      }
    }
    ind.events = 10;
    results.replications.push_back(std::move(replication));
  }
  keep_books(scenario, results);
  return results;
}

// A spell of replication r's table; `attributes` as Attributes::pack() gives them.
model::Spell spell(std::uint64_t child, model::Spell::State state, model::Spell::End end,
                   double start_day, double end_day, int service, int territory,
                   int place_territory, std::uint8_t attributes, int next_service = -1) {
  model::Spell out;
  out.child = child;
  out.state = state;
  out.end = end;
  out.start_day = start_day;
  out.end_day = end_day;
  out.service = static_cast<model::ServiceId>(service);
  out.territory = static_cast<model::TerritoryId>(territory);
  out.place_territory =
      place_territory < 0 ? model::kNoTerritory : static_cast<model::TerritoryId>(place_territory);
  out.next_service =
      next_service < 0 ? model::kNoService : static_cast<model::ServiceId>(next_service);
  out.attributes = attributes;
  return out;
}

std::uint8_t pack(int impairment, int needs, bool ase, bool boy, bool pag) {
  return model::Attributes{static_cast<std::uint8_t>(impairment), static_cast<std::uint8_t>(needs),
                           ase, boy, pag}
      .pack();
}

constexpr int kParis = 0;    // territory 75
constexpr int kCorseDu = 1;  // territory 2A
constexpr int kBelgium = 2;  // territory BE, abroad
constexpr int kIme = 0;
constexpr int kSessad = 1;
constexpr double kHorizonDays = 2 * 365.25;  // france_scenario() runs two years

// The spells of spells_results(), by replication, in the order they ended. Replication 0: child
// 11 too young for an IME, then waiting, then in an IME place in Belgium; child 15 dies in a
// SESSAD place; child 12, already waiting at the start, is removed at a review; child 13 holds an
// IME place while on the SESSAD list (Creton) at the horizon; child 14 waits with a PAG.
// Replication 1: child 21 ages out of the IME list, child 22 leaves its SESSAD place.
std::vector<std::vector<model::Spell>> france_spells() {
  using State = model::Spell::State;
  using End = model::Spell::End;
  const std::uint8_t c11 = pack(kPolyhandicap, 1, /*ase=*/true, /*boy=*/true, /*pag=*/false);
  const std::uint8_t c12 = pack(kOtherImpairment, 0, false, false, false);
  const std::uint8_t c13 = pack(kAutism, 1, false, true, false);
  const std::uint8_t c14 = pack(kAutism, 0, false, false, /*pag=*/true);
  const std::uint8_t c15 = pack(kPolyhandicap, 1, true, false, false);
  return {
      {
          spell(11, State::kTooYoung, End::kChanged, 0.0, 100.0, kIme, kParis, -1, c11),
          spell(15, State::kInPlace, End::kDied, 0.0, 200.0, kSessad, kParis, kParis, c15),
          spell(11, State::kWaiting, End::kChanged, 100.0, 300.0, kIme, kParis, -1, c11),
          spell(12, State::kWaiting, End::kRemoved, -200.0, 400.0, kSessad, kCorseDu, -1, c12),
          spell(13, State::kInPlace, End::kChanged, 0.0, 500.0, kIme, kCorseDu, kCorseDu, c13),
          spell(11, State::kInPlace, End::kHorizon, 300.0, kHorizonDays, kIme, kParis, kBelgium,
                c11),
          spell(13, State::kCreton, End::kHorizon, 500.0, kHorizonDays, kIme, kCorseDu, kCorseDu,
                c13, kSessad),
          spell(14, State::kWaiting, End::kHorizon, 50.0, kHorizonDays, kIme, kParis, -1, c14),
      },
      {
          spell(21, State::kWaiting, End::kAgedOut, 0.0, 365.25, kIme, kCorseDu, -1, c12),
          spell(22, State::kInPlace, End::kLeft, 0.0, 600.0, kSessad, kParis, kParis, c13),
      },
  };
}

// Results of france_children_scenario() holding `spells` (one vector per replication) and the
// indicators a simulation would have counted with them, as tests/check_output.py cross-checks
// them: stocks at the end of the last period from the spells still going at the horizon, and
// deaths, removals, ageing out, lapses and departures in the period of their day. The rest is 0.
run::Results spells_results(const Scenario& scenario,
                            const std::vector<std::vector<model::Spell>>& spells) {
  using State = model::Spell::State;
  using End = model::Spell::End;
  const model::Model& model = scenario.model;
  run::Results results;
  results.spells = true;
  for (const std::vector<model::Spell>& own : spells) {
    run::ReplicationResult replication;
    model::Indicators& ind = replication.indicators;
    ind.resize(france_shape(model));
    ind.spells = own;
    const int last = model.periods() - 1;
    for (const model::Spell& sp : own) {
      const model::Attributes a = model::Attributes::unpack(sp.attributes);
      const int home = sp.territory;
      const int period = std::min(last, static_cast<int>(sp.end_day / model.period_days()));
      if (sp.end == End::kDied || sp.end == End::kRemoved || sp.end == End::kAgedOut ||
          sp.end == End::kLeft || sp.end == End::kLapsed) {
        ++ind.departures[ind.flow(period, home)];
      }
      if (sp.end == End::kDied) {
        ++ind.died[ind.cell(period, home, sp.service)];
      } else if (sp.end == End::kRemoved) {
        ++ind.removed_at_review[ind.cell(period, home, sp.service)];
      } else if (sp.end == End::kAgedOut) {
        ++ind.aged_out_waiting[ind.cell(period, home, sp.service)];
      } else if (sp.end == End::kLapsed) {
        ++ind.lapsed[ind.cell(period, home, sp.service)];
      }
      if (sp.end != End::kHorizon) {
        continue;
      }
      ++ind.present_end[ind.flow(last, home)];
      const bool holder = sp.state == State::kCreton || sp.state == State::kStepping;
      const bool on_list = sp.state == State::kWaiting || holder;
      const bool in_place = sp.state == State::kInPlace || holder;
      if (on_list) {
        const int list = holder ? sp.next_service : sp.service;
        ++ind.waiting_end[ind.cell(last, home, list)];
        const int level = a.pag ? kPriorityPag : kPriorityAny;
        ++ind.waiting_priority_end[ind.priority_cell(last, home, list, level)];
        ++ind.waiting_impairment_end[ind.impairment_cell(last, home, list, a.impairment)];
        ind.pag_end[ind.cell(last, home, list)] += a.pag ? 1 : 0;
      }
      if (in_place) {
        ++ind.occupied_end[ind.cell(last, sp.place_territory, sp.service)];
        ++ind.occupants_impairment_end[ind.impairment_cell(last, home, sp.service, a.impairment)];
        ind.occupants_ase_end[ind.cell(last, home, sp.service)] += a.ase ? 1 : 0;
        if (sp.place_territory == kBelgium) {
          ++ind.abroad_end[ind.cell(last, home, sp.service)];
        } else if (sp.place_territory != home) {
          ++ind.away_end[ind.cell(last, home, sp.service)];
        }
      }
      if (sp.state == State::kCreton) {
        ++ind.holding_end[ind.cell(last, sp.place_territory, sp.service)];
      } else if (sp.state == State::kStepping) {
        ++ind.stepping_end[ind.cell(last, sp.place_territory, sp.service)];
      }
    }
    for (std::size_t f = 0; f < ind.arrivals.size(); ++f) {
      ind.arrivals[f] = ind.present_end[f] + ind.departures[f];  // present_start is 0
    }
    results.replications.push_back(std::move(replication));
  }
  keep_books(scenario, results);
  return results;
}

Provenance small_provenance() {
  Provenance provenance;
  provenance.engine_version = "0.1.0";
  provenance.git_commit = "0123456789abcdef";
  provenance.build_type = "Debug";
  provenance.command_line = "parcours run scenarios/test.toml -o out.h5";
  provenance.started_at = "2025-01-02T03:04:05Z";
  provenance.finished_at = "2025-01-02T03:04:06Z";
  provenance.threads = 2;
  return provenance;
}

// An HDF5 identifier closed on scope exit.
class Handle {
 public:
  Handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}

  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}

  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;

  ~Handle() {
    if (id_ >= 0) {
      closer_(id_);
    }
  }

  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

Handle open_file(const fs::path& path) {
  return {H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
}

std::vector<hsize_t> shape_of(hid_t file, const char* name) {
  const Handle dataset{H5Dopen2(file, name, H5P_DEFAULT), H5Dclose};
  const Handle space{H5Dget_space(dataset.get()), H5Sclose};
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

template <class T>
std::vector<T> read_numbers(hid_t file, const char* name, hid_t mem_type) {
  const Handle dataset{H5Dopen2(file, name, H5P_DEFAULT), H5Dclose};
  const Handle space{H5Dget_space(dataset.get()), H5Sclose};
  std::vector<T> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  EXPECT_GE(H5Dread(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  return values;
}

Handle string_type() {
  Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

std::vector<std::string> read_strings(hid_t file, const char* name) {
  const Handle dataset{H5Dopen2(file, name, H5P_DEFAULT), H5Dclose};
  const Handle space{H5Dget_space(dataset.get()), H5Sclose};
  const Handle type = string_type();
  std::vector<char*> raw(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  EXPECT_GE(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
  std::vector<std::string> values(raw.begin(), raw.end());
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, raw.data());
  return values;
}

std::string string_attribute(hid_t file, const char* object, const char* key) {
  const Handle attribute{H5Aopen_by_name(file, object, key, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  const Handle type = string_type();
  char* raw = nullptr;
  EXPECT_GE(H5Aread(attribute.get(), type.get(), &raw), 0) << object << " " << key;
  std::string value = raw == nullptr ? "" : raw;
  H5free_memory(raw);
  return value;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

class ResultsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() /
              ("parcours_results_" + std::string{info->name()} + "_" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }

  void TearDown() override { fs::remove_all(folder_); }

  fs::path write(const Scenario& scenario, const std::string& name = "out.h5") {
    const fs::path out = folder_ / name;
    write_results(out, scenario, small_results(scenario), small_provenance(), /*force=*/false);
    return out;
  }

  fs::path write_france(const Scenario& scenario = france_scenario()) {
    const fs::path out = folder_ / "france.h5";
    write_results(out, scenario, france_results(scenario), small_provenance(), /*force=*/false);
    return out;
  }

  std::vector<fs::path> files() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(folder_)) {
      found.push_back(entry.path().filename());
    }
    return found;
  }

  fs::path folder_;
};

TEST_F(ResultsFileTest, DimensionsAreLabelledScalesAttachedToEveryAxis) {
  const fs::path out = write(small_scenario());
  const Handle file = open_file(out);
  ASSERT_GE(file.get(), 0);

  EXPECT_EQ(read_numbers<std::int32_t>(file.get(), "replication", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(read_numbers<std::int32_t>(file.get(), "year", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{2025, 2026, 2027}));
  EXPECT_EQ(read_strings(file.get(), "territory"), (std::vector<std::string>{"75", "2A"}));
  EXPECT_EQ(read_strings(file.get(), "service"), (std::vector<std::string>{"IME", "ESAT"}));
  EXPECT_EQ(read_strings(file.get(), "territory_name"),
            (std::vector<std::string>{"Paris", "Corse-du-Sud"}));

  EXPECT_EQ(shape_of(file.get(), "occupancy"), (std::vector<hsize_t>{2, 3, 2, 2}));
  EXPECT_EQ(shape_of(file.get(), "present_end"), (std::vector<hsize_t>{2, 3, 2}));
  EXPECT_EQ(shape_of(file.get(), "events"), (std::vector<hsize_t>{2}));
  EXPECT_EQ(shape_of(file.get(), "places"), (std::vector<hsize_t>{2, 2}));
  EXPECT_TRUE(shape_of(file.get(), "scenario").empty());

  const Handle occupancy{H5Dopen2(file.get(), "occupancy", H5P_DEFAULT), H5Dclose};
  const char* axes[] = {"replication", "year", "territory", "service"};
  for (unsigned axis = 0; axis < 4; ++axis) {
    const Handle scale{H5Dopen2(file.get(), axes[axis], H5P_DEFAULT), H5Dclose};
    EXPECT_GT(H5DSis_scale(scale.get()), 0) << axes[axis];
    EXPECT_GT(H5DSis_attached(occupancy.get(), scale.get(), axis), 0) << axes[axis];
  }
}

TEST_F(ResultsFileTest, IndicatorsHoldTheReplicationsValues) {
  const Scenario scenario = small_scenario();
  const fs::path out = write(scenario);
  const Handle file = open_file(out);

  EXPECT_EQ(read_numbers<std::int64_t>(file.get(), "places", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{10, 5, 0, 3}));
  EXPECT_EQ(read_numbers<double>(file.get(), "period_days", H5T_NATIVE_DOUBLE),
            (std::vector<double>(3, 365.25)));

  // [replication][year][territory][service]: replication 1 occupies 60% of its places.
  const auto occupancy = read_numbers<double>(file.get(), "occupancy", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(occupancy.size(), 24U);
  EXPECT_DOUBLE_EQ(occupancy[0], 0.5);
  EXPECT_DOUBLE_EQ(occupancy[12 + 4 * 2 + 1], 0.6);
  EXPECT_TRUE(std::isnan(occupancy[2]));  // territory 2A has no IME places

  const auto admissions = read_numbers<std::int64_t>(file.get(), "admissions", H5T_NATIVE_INT64);
  EXPECT_EQ(admissions[12 + 4 * 2 + 2 * 1 + 1], 100 + 20 + 2 + 1);
  const auto creton = read_numbers<std::int64_t>(file.get(), "creton_end", H5T_NATIVE_INT64);
  EXPECT_EQ(creton[4 * 2], 3);  // replication 0, year 2027, territory 75, IME
  const auto spending = read_numbers<double>(file.get(), "spending", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(spending[1], 100.0 * 5 * 365.25 * 0.5);
  EXPECT_EQ(read_numbers<std::int64_t>(file.get(), "events", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{1000, 1001}));

  EXPECT_EQ(string_attribute(file.get(), "occupancy", "units"), "1");
  EXPECT_EQ(string_attribute(file.get(), "spending", "units"), "EUR");
  EXPECT_FALSE(string_attribute(file.get(), "creton_end", "description").empty());
  EXPECT_EQ(read_strings(file.get(), "scenario").front(), scenario.text);
}

TEST_F(ResultsFileTest, RootAttributesRecordTheRun) {
  const fs::path out = write(small_scenario());
  const Handle file = open_file(out);

  EXPECT_EQ(string_attribute(file.get(), "/", "title"), "test");
  EXPECT_EQ(string_attribute(file.get(), "/", "start_date"), "2025-11-01");
  EXPECT_EQ(string_attribute(file.get(), "/", "git_commit"), "0123456789abcdef");
  EXPECT_EQ(string_attribute(file.get(), "/", "history"),
            "2025-01-02T03:04:05Z: parcours run scenarios/test.toml -o out.h5");

  const Handle seed{H5Aopen_by_name(file.get(), "/", "seed", H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  std::uint64_t value = 0;
  ASSERT_GE(H5Aread(seed.get(), H5T_NATIVE_UINT64, &value), 0);
  EXPECT_EQ(value, 18446744073709551557ULL);
  const Handle threads{H5Aopen_by_name(file.get(), "/", "threads", H5P_DEFAULT, H5P_DEFAULT),
                       H5Aclose};
  std::int32_t n_threads = 0;
  ASSERT_GE(H5Aread(threads.get(), H5T_NATIVE_INT32, &n_threads), 0);
  EXPECT_EQ(n_threads, 2);
}

TEST_F(ResultsFileTest, MonthlyPeriodsAreLabelledYyyymm) {
  const fs::path out = write(small_scenario(/*periods_per_year=*/12));
  const Handle file = open_file(out);
  const auto months = read_numbers<std::int32_t>(file.get(), "month", H5T_NATIVE_INT32);
  ASSERT_EQ(months.size(), 36U);
  EXPECT_EQ(months[0], 202511);
  EXPECT_EQ(months[2], 202601);
  EXPECT_EQ(months[35], 202810);
  EXPECT_EQ(shape_of(file.get(), "occupancy"), (std::vector<hsize_t>{2, 36, 2, 2}));
}

void expect_check_output_passes(const fs::path& file) {
  const std::string command = std::string{"/usr/bin/python3 "} + PARCOURS_SOURCE_DIR +
                              "/tests/check_output.py " + file.string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

// Runs tests/check_output.py on `file`, expecting it to fail and say `needle`.
void expect_check_output_fails(const fs::path& file, const std::string& needle) {
  const fs::path log = file.string() + ".log";
  const std::string command = std::string{"/usr/bin/python3 "} + PARCOURS_SOURCE_DIR +
                              "/tests/check_output.py " + file.string() + " > " + log.string() +
                              " 2>&1";
  EXPECT_NE(std::system(command.c_str()), 0) << command;
  const std::string said = read_bytes(log);
  EXPECT_NE(said.find(needle), std::string::npos) << "expected " << needle << " in:\n" << said;
  fs::remove(log);
}

TEST_F(ResultsFileTest, PassesTheOutputCheckerInXarrayH5pyAndNcdump) {
  expect_check_output_passes(write(small_scenario()));
}

TEST_F(ResultsFileTest, MonthlyFilePassesTheOutputChecker) {
  expect_check_output_passes(write(small_scenario(/*periods_per_year=*/12)));
}

TEST_F(ResultsFileTest, FranceModelFilePassesTheOutputChecker) {
  expect_check_output_passes(write_france());
}

TEST_F(ResultsFileTest, TerritoriesAreLabelledWithTheirRegionOrAbroad) {
  const Handle file = open_file(write_france());
  ASSERT_GE(file.get(), 0);
  EXPECT_EQ(read_strings(file.get(), "region"),
            (std::vector<std::string>{"Corse", "Île-de-France"}));
  EXPECT_EQ(read_strings(file.get(), "territory_region"),
            (std::vector<std::string>{"Île-de-France", "Corse", "abroad"}));
  EXPECT_EQ(read_numbers<std::int8_t>(file.get(), "territory_abroad", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 0, 1}));
  const Handle region{H5Dopen2(file.get(), "region", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_scale(region.get()), 0);
}

// Index of [replication][year][territory][service] in a france_scenario() file.
std::size_t cell(int r, int p, int t, int s) { return ((r * 2 + p) * 3 + t) * 2 + s; }

TEST_F(ResultsFileTest, TerritoryIndicatorsHoldTheReplicationsValues) {
  const Handle file = open_file(write_france());
  for (const char* name :
       {"occupied_end", "away_end", "abroad_end", "admitted_from_list", "mean_wait_days"}) {
    EXPECT_EQ(shape_of(file.get(), name), (std::vector<hsize_t>{2, 2, 3, 2})) << name;
    EXPECT_FALSE(string_attribute(file.get(), name, "description").empty()) << name;
  }
  const auto occupied = read_numbers<std::int64_t>(file.get(), "occupied_end", H5T_NATIVE_INT64);
  EXPECT_EQ(occupied[cell(1, 1, 2, 0)], 1121);  // replication 1, year 1, BE, IME: 1120 + 1
  const auto away = read_numbers<std::int64_t>(file.get(), "away_end", H5T_NATIVE_INT64);
  EXPECT_EQ(away[cell(0, 1, 1, 1)], 115);  // 100 + 10 + 1, + 4
  const auto abroad = read_numbers<std::int64_t>(file.get(), "abroad_end", H5T_NATIVE_INT64);
  EXPECT_EQ(abroad[cell(1, 0, 0, 1)], 1006);  // 1000 + 1, + 5
  const auto admitted =
      read_numbers<std::int64_t>(file.get(), "admitted_from_list", H5T_NATIVE_INT64);
  EXPECT_EQ(admitted[cell(0, 0, 0, 0)], 5);  // Île-de-France's IME waits in year 0
  EXPECT_EQ(admitted[cell(0, 0, 1, 0)], 4);  // Corse's
  EXPECT_EQ(admitted[cell(1, 1, 0, 1)], 3);
  EXPECT_EQ(string_attribute(file.get(), "mean_wait_days", "units"), "d");
}

TEST_F(ResultsFileTest, MeanWaitIsNaNWhereNoOneWasAdmittedFromAList) {
  const Handle file = open_file(write_france());
  const auto mean = read_numbers<double>(file.get(), "mean_wait_days", H5T_NATIVE_DOUBLE);
  // waited_days = admitted * (10 (t + 1) + s + 0.5), so the mean is 10 (t + 1) + s + 0.5.
  EXPECT_DOUBLE_EQ(mean[cell(0, 0, 0, 0)], 10.5);
  EXPECT_DOUBLE_EQ(mean[cell(1, 1, 0, 1)], 11.5);
  EXPECT_DOUBLE_EQ(mean[cell(0, 0, 1, 0)], 20.5);
  EXPECT_TRUE(std::isnan(mean[cell(1, 0, 0, 0)]));  // replication 1, year 0: none admitted
  for (int r = 0; r < 2; ++r) {
    for (int p = 0; p < 2; ++p) {
      EXPECT_TRUE(std::isnan(mean[cell(r, p, 1, 1)]));  // 2A, SESSAD: none admitted
      EXPECT_TRUE(std::isnan(mean[cell(r, p, 2, 0)]));  // BE: no list, so never
      EXPECT_TRUE(std::isnan(mean[cell(r, p, 2, 1)]));
    }
  }
}

// Index of [replication][year][region][service] and of [replication][year][service].
std::size_t region_cell(int r, int p, int g, int s) { return ((r * 2 + p) * 2 + g) * 2 + s; }

std::size_t national_cell(int r, int p, int s) { return (r * 2 + p) * 2 + s; }

constexpr int kCorse = 0;        // region 0: territory 2A (t = 1)
constexpr int kIleDeFrance = 1;  // region 1: territory 75 (t = 0)

TEST_F(ResultsFileTest, RegionSumsGoOverTheHomeTerritoriesOfEachRegion) {
  const Handle file = open_file(write_france());
  const auto occupied =
      read_numbers<std::int64_t>(file.get(), "occupied_end_by_region", H5T_NATIVE_INT64);
  ASSERT_EQ(shape_of(file.get(), "occupied_end_by_region"), (std::vector<hsize_t>{2, 2, 2, 2}));
  EXPECT_EQ(occupied[region_cell(1, 0, kCorse, 0)], 1011);       // 2A: base 1010, + 1
  EXPECT_EQ(occupied[region_cell(0, 1, kIleDeFrance, 1)], 102);  // 75: base 101, + 1
  const auto creton =
      read_numbers<std::int64_t>(file.get(), "creton_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(creton[region_cell(1, 1, kIleDeFrance, 0)], 1103);  // 75: base 1100, + 3
  const auto waiting =
      read_numbers<std::int64_t>(file.get(), "waiting_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting[region_cell(0, 0, kCorse, 1)], 13);  // 2A: base 11, + 2
  const auto away = read_numbers<std::int64_t>(file.get(), "away_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(away[region_cell(1, 1, kCorse, 1)], 1115);  // 2A: base 1111, + 4
  const auto abroad =
      read_numbers<std::int64_t>(file.get(), "abroad_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(abroad[region_cell(0, 1, kIleDeFrance, 0)], 105);  // 75: base 100, + 5
  const auto aged_out =
      read_numbers<std::int64_t>(file.get(), "aged_out_waiting_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(aged_out[region_cell(1, 0, kCorse, 0)], 1016);  // 2A: base 1010, + 6
  const auto admitted =
      read_numbers<std::int64_t>(file.get(), "admitted_from_list_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(admitted[region_cell(0, 0, kCorse, 1)], 0);        // 2A, SESSAD: none
  EXPECT_EQ(admitted[region_cell(1, 1, kIleDeFrance, 1)], 3);  // 75: the histogram's total
  EXPECT_EQ(string_attribute(file.get(), "away_end_by_region", "units"), "people");
}

TEST_F(ResultsFileTest, NationalSumsLeaveAbroadTerritoriesOut) {
  const Handle file = open_file(write_france());
  ASSERT_EQ(shape_of(file.get(), "occupied_end_national"), (std::vector<hsize_t>{2, 2, 2}));
  // 75 + 2A = base(r, p, 0, s) + base(r, p, 1, s) + 2 offset = 2000 r + 200 p + 2 s + 10 + 2
  // offset; BE (base(r, p, 2, s) + offset) is not in it.
  const auto occupied =
      read_numbers<std::int64_t>(file.get(), "occupied_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(occupied[national_cell(1, 1, 0)], 2212);  // 2000 + 200 + 0 + 10 + 2
  const auto creton =
      read_numbers<std::int64_t>(file.get(), "creton_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(creton[national_cell(0, 0, 1)], 18);  // 0 + 0 + 2 + 10 + 6: 4 (75) + 14 (2A)
  const auto waiting =
      read_numbers<std::int64_t>(file.get(), "waiting_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting[national_cell(0, 1, 0)], 214);  // 0 + 200 + 0 + 10 + 4
  const auto away = read_numbers<std::int64_t>(file.get(), "away_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(away[national_cell(1, 0, 1)], 2020);  // 2000 + 0 + 2 + 10 + 8
  const auto abroad =
      read_numbers<std::int64_t>(file.get(), "abroad_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(abroad[national_cell(0, 1, 1)], 222);  // 0 + 200 + 2 + 10 + 10
  const auto aged_out =
      read_numbers<std::int64_t>(file.get(), "aged_out_waiting_national", H5T_NATIVE_INT64);
  EXPECT_EQ(aged_out[national_cell(1, 1, 0)], 2222);  // 2000 + 200 + 0 + 10 + 12
  const auto admitted =
      read_numbers<std::int64_t>(file.get(), "admitted_from_list_national", H5T_NATIVE_INT64);
  EXPECT_EQ(admitted[national_cell(0, 0, 0)], 9);  // 5 from 75 + 4 from 2A
  // Abroad places on their own: BE's base(r, p, 2, s) + 1.
  const auto occupied_abroad =
      read_numbers<std::int64_t>(file.get(), "occupied_abroad_national", H5T_NATIVE_INT64);
  EXPECT_EQ(occupied_abroad[national_cell(1, 1, 1)], 1122);  // 1000 + 100 + 20 + 1, + 1
  EXPECT_EQ(occupied_abroad[national_cell(0, 0, 0)], 21);
}

TEST_F(ResultsFileTest, NationalSumsAreTheSumsOfTheRegions) {
  const Handle file = open_file(write_france());
  for (const std::string stem : {"occupied_end", "waiting_end", "creton_end", "away_end",
                                 "abroad_end", "aged_out_waiting", "admitted_from_list"}) {
    const auto regional =
        read_numbers<std::int64_t>(file.get(), (stem + "_by_region").c_str(), H5T_NATIVE_INT64);
    const auto national =
        read_numbers<std::int64_t>(file.get(), (stem + "_national").c_str(), H5T_NATIVE_INT64);
    for (int r = 0; r < 2; ++r) {
      for (int p = 0; p < 2; ++p) {
        for (int s = 0; s < 2; ++s) {
          EXPECT_EQ(
              national[national_cell(r, p, s)],
              regional[region_cell(r, p, kCorse, s)] + regional[region_cell(r, p, kIleDeFrance, s)])
              << stem << " r" << r << " p" << p << " s" << s;
        }
      }
    }
  }
}

TEST_F(ResultsFileTest, WaitHistogramIsWrittenWithAWaitMonthsScale) {
  const Handle file = open_file(write_france());
  ASSERT_EQ(shape_of(file.get(), "wait_histogram"), (std::vector<hsize_t>{2, 2, 2, 2, 121}));
  const auto months = read_numbers<std::int32_t>(file.get(), "wait_months", H5T_NATIVE_INT32);
  ASSERT_EQ(months.size(), 121U);
  EXPECT_EQ(months.front(), 0);
  EXPECT_EQ(months.back(), 120);
  const auto histogram = read_numbers<std::int64_t>(file.get(), "wait_histogram", H5T_NATIVE_INT64);
  // [replication][year][region][service][month]
  const auto bin = [](int r, int p, int g, int s, int m) {
    return region_cell(r, p, g, s) * 121 + m;
  };
  EXPECT_EQ(histogram[bin(0, 0, kIleDeFrance, 0, 3)], 2);
  EXPECT_EQ(histogram[bin(0, 0, kIleDeFrance, 0, 120)], 1);
  EXPECT_EQ(histogram[bin(1, 1, kIleDeFrance, 1, 10)], 3);
  EXPECT_EQ(histogram[bin(1, 1, kCorse, 1, 10)], 0);
  EXPECT_EQ(string_attribute(file.get(), "wait_months", "units"), "months");

  const Handle dataset{H5Dopen2(file.get(), "wait_histogram", H5P_DEFAULT), H5Dclose};
  const Handle scale{H5Dopen2(file.get(), "wait_months", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_attached(dataset.get(), scale.get(), 4), 0);
  const Handle plist{H5Dget_create_plist(dataset.get()), H5Pclose};
  EXPECT_EQ(H5Pget_layout(plist.get()), H5D_CHUNKED);
  EXPECT_GT(H5Pget_nfilters(plist.get()), 0);  // shuffle and deflate
}

TEST_F(ResultsFileTest, WaitPercentilesAreReadFromTheRegionsHistograms) {
  const Handle file = open_file(write_france());
  const auto p50 = read_numbers<double>(file.get(), "wait_p50_months", H5T_NATIVE_DOUBLE);
  const auto p90 = read_numbers<double>(file.get(), "wait_p90_months", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(p50.size(), 16U);
  // Île-de-France, IME, year 0: months {0, 3, 3, 7, 120+}, total 5, cumulative 1, 3, 4, 5.
  // p50: 0.5 * 5 = 2.5, first reached at month 3 (3); p90: 4.5, first reached at 120 (5).
  EXPECT_EQ(p50[region_cell(0, 0, kIleDeFrance, 0)], 3.0);
  EXPECT_EQ(p90[region_cell(0, 0, kIleDeFrance, 0)], 120.0);  // "120 months or more"
  // Corse, IME, year 0: months {2, 2, 2, 2}: both at 2.
  EXPECT_EQ(p50[region_cell(0, 0, kCorse, 0)], 2.0);
  EXPECT_EQ(p90[region_cell(0, 0, kCorse, 0)], 2.0);
  // Île-de-France, SESSAD, year 0: months {1, 5}. p50: 0.5 * 2 = 1, reached exactly at month 1
  // (>=, not >); p90: 1.8, reached at 5.
  EXPECT_EQ(p50[region_cell(0, 0, kIleDeFrance, 1)], 1.0);
  EXPECT_EQ(p90[region_cell(0, 0, kIleDeFrance, 1)], 5.0);
  // Île-de-France, IME, year 1: nine of 0 months, one of 4. p90: 0.9 * 10 = 9, reached exactly
  // at month 0 (>=, not >).
  EXPECT_EQ(p50[region_cell(0, 1, kIleDeFrance, 0)], 0.0);
  EXPECT_EQ(p90[region_cell(0, 1, kIleDeFrance, 0)], 0.0);
  // Replication 1: only Île-de-France, SESSAD, year 1, months {10, 10, 10}.
  EXPECT_EQ(p50[region_cell(1, 1, kIleDeFrance, 1)], 10.0);
  EXPECT_EQ(p90[region_cell(1, 1, kIleDeFrance, 1)], 10.0);
  // No one admitted: NaN.
  EXPECT_TRUE(std::isnan(p50[region_cell(0, 0, kCorse, 1)]));
  EXPECT_TRUE(std::isnan(p90[region_cell(0, 1, kCorse, 0)]));
  EXPECT_TRUE(std::isnan(p50[region_cell(1, 0, kIleDeFrance, 0)]));
  EXPECT_EQ(string_attribute(file.get(), "wait_p90_months", "units"), "months");
}

TEST_F(ResultsFileTest, NationalWaitPercentilesAreReadFromTheSummedHistogram) {
  const Handle file = open_file(write_france());
  const auto p50 = read_numbers<double>(file.get(), "wait_p50_months_national", H5T_NATIVE_DOUBLE);
  const auto p90 = read_numbers<double>(file.get(), "wait_p90_months_national", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(p50.size(), 8U);
  // IME, year 0: {0, 3, 3, 7, 120+} + {2, 2, 2, 2} = {0, 2, 2, 2, 2, 3, 3, 7, 120+}, total 9,
  // cumulative 1 (month 0), 5 (2), 7 (3), 8 (7), 9 (120). p50: 4.5, reached at month 2, which
  // neither region's median is; p90: 8.1, reached at 120.
  EXPECT_EQ(p50[national_cell(0, 0, 0)], 2.0);
  EXPECT_EQ(p90[national_cell(0, 0, 0)], 120.0);
  // SESSAD, year 0: Île-de-France's {1, 5} alone.
  EXPECT_EQ(p50[national_cell(0, 0, 1)], 1.0);
  EXPECT_EQ(p90[national_cell(0, 0, 1)], 5.0);
  EXPECT_EQ(p90[national_cell(0, 1, 0)], 0.0);
  EXPECT_EQ(p50[national_cell(1, 1, 1)], 10.0);
  EXPECT_TRUE(std::isnan(p50[national_cell(0, 1, 1)]));
  EXPECT_TRUE(std::isnan(p90[national_cell(1, 0, 0)]));
}

// Index of [replication][year][territory][service][interim] and of the region and national
// sums, in a france_interim_scenario() file.
std::size_t interim_cell(int r, int p, int t, int s, int i) { return cell(r, p, t, s) * 2 + i; }

std::size_t interim_region_cell(int r, int p, int g, int s, int i) {
  return region_cell(r, p, g, s) * 2 + i;
}

std::size_t interim_national_cell(int r, int p, int s, int i) {
  return national_cell(r, p, s) * 2 + i;
}

// Index of [replication][year][territory] and [replication][year][region].
std::size_t flow_cell(int r, int p, int t) { return (r * 2 + p) * 3 + t; }

std::size_t flow_region_cell(int r, int p, int g) { return (r * 2 + p) * 2 + g; }

TEST_F(ResultsFileTest, InterimSituationsAreALabelledScaleWithTheirFlags) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  EXPECT_EQ(read_strings(file.get(), "interim"),
            (std::vector<std::string>{"ordinary school", "at home"}));
  const Handle interim{H5Dopen2(file.get(), "interim", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_scale(interim.get()), 0);
  EXPECT_EQ(read_numbers<std::int8_t>(file.get(), "interim_no_solution", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 1}));
  EXPECT_EQ(read_numbers<std::int8_t>(file.get(), "interim_ordinary_school", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{1, 0}));

  const Handle waiting{H5Dopen2(file.get(), "waiting_interim_end", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_attached(waiting.get(), interim.get(), 4), 0);
  const Handle plist{H5Dget_create_plist(waiting.get()), H5Pclose};
  EXPECT_EQ(H5Pget_layout(plist.get()), H5D_CHUNKED);
  for (const char* name :
       {"waiting_interim_end", "waiting_interim_end_by_region", "waiting_interim_end_national",
        "no_solution_end", "no_solution_end_by_region", "no_solution_end_national"}) {
    EXPECT_EQ(string_attribute(file.get(), name, "units"), "people") << name;
    EXPECT_FALSE(string_attribute(file.get(), name, "description").empty()) << name;
  }
}

TEST_F(ResultsFileTest, WaitingByInterimSituationIsByHomeTerritory) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  ASSERT_EQ(shape_of(file.get(), "waiting_interim_end"), (std::vector<hsize_t>{2, 2, 3, 2, 2}));
  const auto waiting =
      read_numbers<std::int64_t>(file.get(), "waiting_interim_end", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting[interim_cell(1, 1, 1, 0, kInterimNone)], 112);  // 1 + 1 + 10 + 100
  EXPECT_EQ(waiting[interim_cell(0, 1, 0, 0, kInterimSchool)], 2);  // 1 + 1
  EXPECT_EQ(waiting[interim_cell(1, 0, 0, 1, kInterimNone)], 2);    // SESSAD: 2
  EXPECT_EQ(waiting[interim_cell(1, 1, 2, 0, kInterimNone)], 0);    // BE: no list
}

TEST_F(ResultsFileTest, WaitingByInterimSituationIsSummedByRegionAndNationally) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  ASSERT_EQ(shape_of(file.get(), "waiting_interim_end_by_region"),
            (std::vector<hsize_t>{2, 2, 2, 2, 2}));
  ASSERT_EQ(shape_of(file.get(), "waiting_interim_end_national"),
            (std::vector<hsize_t>{2, 2, 2, 2}));
  const auto by_region =
      read_numbers<std::int64_t>(file.get(), "waiting_interim_end_by_region", H5T_NATIVE_INT64);
  // One home territory per region: Corse is 2A (t = 1), Île-de-France 75 (t = 0).
  EXPECT_EQ(by_region[interim_region_cell(1, 1, kCorse, 0, kInterimNone)], 112);       // 1+1+10+100
  EXPECT_EQ(by_region[interim_region_cell(0, 1, kIleDeFrance, 0, kInterimNone)], 11);  // 1+0+10
  EXPECT_EQ(by_region[interim_region_cell(1, 0, kCorse, 1, kInterimSchool)], 1);
  const auto national =
      read_numbers<std::int64_t>(file.get(), "waiting_interim_end_national", H5T_NATIVE_INT64);
  // 75 + 2A, IME, no solution: (1 + 0 + 10 p + 100 r) + (1 + 1 + 10 p + 100 r); BE adds 0.
  EXPECT_EQ(national[interim_national_cell(1, 1, 0, kInterimNone)], 223);  // 111 + 112
  EXPECT_EQ(national[interim_national_cell(0, 0, 0, kInterimNone)], 3);    // 1 + 2
  EXPECT_EQ(national[interim_national_cell(0, 1, 0, kInterimSchool)], 4);  // 2 + 2
  EXPECT_EQ(national[interim_national_cell(1, 0, 1, kInterimNone)], 4);    // SESSAD: 2 + 2
}

TEST_F(ResultsFileTest, NoSolutionCountsTheFlaggedSituationsOverServices) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  ASSERT_EQ(shape_of(file.get(), "no_solution_end"), (std::vector<hsize_t>{2, 2, 3}));
  ASSERT_EQ(shape_of(file.get(), "no_solution_end_by_region"), (std::vector<hsize_t>{2, 2, 2}));
  ASSERT_EQ(shape_of(file.get(), "no_solution_end_national"), (std::vector<hsize_t>{2, 2}));
  // IME's (1 + t + 10 p + 100 r) + SESSAD's 2; the ordinary school is not counted.
  const auto territory =
      read_numbers<std::int64_t>(file.get(), "no_solution_end", H5T_NATIVE_INT64);
  EXPECT_EQ(territory[flow_cell(1, 1, 1)], 114);  // 112 + 2
  EXPECT_EQ(territory[flow_cell(0, 0, 0)], 3);    // 1 + 2
  EXPECT_EQ(territory[flow_cell(1, 0, 2)], 0);    // BE
  const auto by_region =
      read_numbers<std::int64_t>(file.get(), "no_solution_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(by_region[flow_region_cell(1, 1, kCorse)], 114);       // 2A
  EXPECT_EQ(by_region[flow_region_cell(0, 1, kIleDeFrance)], 13);  // 75: 11 + 2
  const auto national =
      read_numbers<std::int64_t>(file.get(), "no_solution_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(national, (std::vector<std::int64_t>{7, 27, 207, 227}));  // 3+4, 13+14, 103+104, ...
}

TEST_F(ResultsFileTest, FranceModelWithInterimSituationsPassesTheOutputChecker) {
  expect_check_output_passes(write_france(france_interim_scenario()));
}

TEST_F(ResultsFileTest, AModelWithoutInterimSituationsWritesNoneOfTheirDatasets) {
  const Handle file = open_file(write_france());
  for (const char* name :
       {"interim", "interim_no_solution", "interim_ordinary_school", "waiting_interim_end",
        "waiting_interim_end_by_region", "waiting_interim_end_national", "no_solution_end",
        "no_solution_end_by_region", "no_solution_end_national"}) {
    EXPECT_EQ(H5Lexists(file.get(), name, H5P_DEFAULT), 0) << name;
  }
}

TEST_F(ResultsFileTest, InterimIndicatorsOfAnotherModelCreateNothing) {
  const Scenario scenario = france_interim_scenario();
  run::Results results = france_results(scenario);
  results.replications[1].indicators.waiting_interim_end.pop_back();
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

// ---- Limited interim situations

TEST_F(ResultsFileTest, LimitedInterimSituationsWriteTheirCapacityPerChildAndFallback) {
  const Handle file = open_file(write_france(france_limited_scenario()));
  ASSERT_EQ(shape_of(file.get(), "interim_capacity"), (std::vector<hsize_t>{3, 2}));
  const auto capacity = read_numbers<double>(file.get(), "interim_capacity", H5T_NATIVE_DOUBLE);
  // [territory][interim]: the school's room in 75, 2A and BE; "at home" is unlimited (NaN).
  EXPECT_EQ(capacity[0], 1.5);
  EXPECT_EQ(capacity[2], 2.0);
  EXPECT_EQ(capacity[4], 0.0);
  EXPECT_TRUE(std::isnan(capacity[1]) && std::isnan(capacity[3]) && std::isnan(capacity[5]));
  const auto per_child = read_numbers<double>(file.get(), "interim_per_child", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(per_child.size(), 2u);
  EXPECT_EQ(per_child[0], 0.5);
  EXPECT_TRUE(std::isnan(per_child[1]));
  EXPECT_EQ(read_strings(file.get(), "interim_fallback"),
            (std::vector<std::string>{"at home", ""}));
  EXPECT_EQ(string_attribute(file.get(), "interim_capacity", "units"),
            "per_child units (see interim_per_child)");
  EXPECT_NE(string_attribute(file.get(), "interim_capacity", "description").find("NaN: unlimited"),
            std::string::npos);
  EXPECT_NE(string_attribute(file.get(), "waiting_interim_end", "coordinates")
                .find("interim_per_child interim_fallback"),
            std::string::npos);
}

TEST_F(ResultsFileTest, InterimFallbacksAreByHomeTerritoryAndSummed) {
  const Handle file = open_file(write_france(france_limited_scenario()));
  ASSERT_EQ(shape_of(file.get(), "interim_fallbacks"), (std::vector<hsize_t>{2, 2, 3, 2, 2}));
  const auto fell = read_numbers<std::int64_t>(file.get(), "interim_fallbacks", H5T_NATIVE_INT64);
  EXPECT_EQ(fell[interim_cell(1, 1, 1, 0, kInterimSchool)], 4);  // 1 + 1 + 1 + 0 + 1
  EXPECT_EQ(fell[interim_cell(0, 0, 0, 1, kInterimSchool)], 2);  // SESSAD: 0 + 0 + 0 + 1 + 1
  EXPECT_EQ(fell[interim_cell(1, 1, 1, 0, kInterimNone)], 0);    // unlimited
  EXPECT_EQ(fell[interim_cell(1, 1, 2, 0, kInterimSchool)], 0);  // BE: no list
  const auto by_region =
      read_numbers<std::int64_t>(file.get(), "interim_fallbacks_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(by_region[interim_region_cell(1, 1, kCorse, 0, kInterimSchool)], 4);
  EXPECT_EQ(by_region[interim_region_cell(0, 1, kIleDeFrance, 1, kInterimSchool)], 3);
  const auto national =
      read_numbers<std::int64_t>(file.get(), "interim_fallbacks_national", H5T_NATIVE_INT64);
  EXPECT_EQ(national[interim_national_cell(1, 1, 0, kInterimSchool)], 7);  // 75: 3 + 2A: 4
  EXPECT_EQ(national[interim_national_cell(0, 0, 1, kInterimNone)], 0);
  for (const char* name :
       {"interim_fallbacks", "interim_fallbacks_by_region", "interim_fallbacks_national"}) {
    EXPECT_EQ(string_attribute(file.get(), name, "units"), "people") << name;
  }
}

TEST_F(ResultsFileTest, FranceModelWithLimitedInterimSituationsPassesTheOutputChecker) {
  expect_check_output_passes(write_france(france_limited_scenario()));
}

TEST_F(ResultsFileTest, UnlimitedInterimSituationsWriteNoCapacitiesNorFallbacks) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  for (const char* name :
       {"interim_capacity", "interim_per_child", "interim_fallback", "interim_fallbacks",
        "interim_fallbacks_by_region", "interim_fallbacks_national"}) {
    EXPECT_EQ(H5Lexists(file.get(), name, H5P_DEFAULT), 0) << name;
  }
}

TEST_F(ResultsFileTest, OutputCheckerCatchesChildrenBeyondAnInterimCapacity) {
  Scenario scenario = france_limited_scenario();
  // 75's IME and SESSAD lists hold 2 + p children at school: 1 FTE is too little from year 1.
  scenario.model.interim[kInterimSchool].capacity = {1.0, 2.0, 0.0};
  expect_check_output_fails(write_france(scenario), "interim_capacity");
}

TEST_F(ResultsFileTest, LimitedInterimSituationsOfAnotherModelCreateNothing) {
  Scenario scenario = france_limited_scenario();
  scenario.model.interim[kInterimSchool].capacity.pop_back();  // no room given for BE
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, france_results(scenario),
                             small_provenance(), false),
               core::InvariantError);
  scenario = france_limited_scenario();
  scenario.model.interim[kInterimSchool].fallback = model::kNoInterim;
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, france_results(scenario),
                             small_provenance(), false),
               core::InvariantError);
  scenario = france_limited_scenario();
  run::Results results = france_results(scenario);
  results.replications[0].indicators.interim_fallbacks.pop_back();
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

// ---- Named outcomes of leavers

// Index of [replication][year][territory][service][outcome] and of its region and national sums,
// in a france_outcome_scenario() file (two outcomes).
std::size_t outcome_cell(int r, int p, int t, int s, int k) { return cell(r, p, t, s) * 2 + k; }

std::size_t outcome_region_cell(int r, int p, int g, int s, int k) {
  return region_cell(r, p, g, s) * 2 + k;
}

std::size_t outcome_national_cell(int r, int p, int s, int k) {
  return national_cell(r, p, s) * 2 + k;
}

TEST_F(ResultsFileTest, OutcomesAreALabelledScaleWithTheirDescriptions) {
  const Handle file = open_file(write_france(france_outcome_scenario()));
  EXPECT_EQ(read_strings(file.get(), "outcome"), (std::vector<std::string>{"home", "work"}));
  EXPECT_EQ(read_strings(file.get(), "outcome_description"),
            (std::vector<std::string>{"", "ordinary work"}));
  const Handle outcome{H5Dopen2(file.get(), "outcome", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_scale(outcome.get()), 0);
  const Handle left{H5Dopen2(file.get(), "left_to", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_attached(left.get(), outcome.get(), 4), 0);
  for (const char* name : {"left_to", "left_to_by_region", "left_to_national"}) {
    EXPECT_EQ(string_attribute(file.get(), name, "units"), "people") << name;
    EXPECT_NE(string_attribute(file.get(), name, "description")
                  .find("people who left the sector from a place of the service (or its list) by "
                        "a decision branch naming the outcome, in the period"),
              std::string::npos)
        << name;
    EXPECT_NE(string_attribute(file.get(), name, "coordinates").find("outcome_description"),
              std::string::npos)
        << name;
  }
}

TEST_F(ResultsFileTest, LeaversByOutcomeAreByHomeTerritoryAndSummed) {
  const Handle file = open_file(write_france(france_outcome_scenario()));
  ASSERT_EQ(shape_of(file.get(), "left_to"), (std::vector<hsize_t>{2, 2, 3, 2, 2}));
  ASSERT_EQ(shape_of(file.get(), "left_to_by_region"), (std::vector<hsize_t>{2, 2, 2, 2, 2}));
  ASSERT_EQ(shape_of(file.get(), "left_to_national"), (std::vector<hsize_t>{2, 2, 2, 2}));
  const auto left = read_numbers<std::int64_t>(file.get(), "left_to", H5T_NATIVE_INT64);
  EXPECT_EQ(left[outcome_cell(1, 1, 1, 0, kOutcomeWork)], 4);  // 1 + 1 + 0 + 1 + 1
  EXPECT_EQ(left[outcome_cell(0, 0, 0, 1, kOutcomeHome)], 2);  // 0 + 0 + 1 + 0 + 1
  EXPECT_EQ(left[outcome_cell(1, 1, 2, 0, kOutcomeWork)], 0);  // BE: no one lives there
  const auto by_region =
      read_numbers<std::int64_t>(file.get(), "left_to_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(by_region[outcome_region_cell(0, 1, kCorse, 1, kOutcomeWork)], 5);  // 2A: 1+1+1+1+1
  EXPECT_EQ(by_region[outcome_region_cell(0, 0, kIleDeFrance, 0, kOutcomeHome)], 1);
  const auto national =
      read_numbers<std::int64_t>(file.get(), "left_to_national", H5T_NATIVE_INT64);
  EXPECT_EQ(national[outcome_national_cell(1, 1, 1, kOutcomeWork)], 9);  // 75: 4 + 2A: 5
}

TEST_F(ResultsFileTest, FranceModelWithOutcomesPassesTheOutputChecker) {
  expect_check_output_passes(write_france(france_outcome_scenario()));
}

TEST_F(ResultsFileTest, AModelWithoutOutcomesWritesNoneOfTheirDatasets) {
  const Handle file = open_file(write_france());
  for (const char* name :
       {"outcome", "outcome_description", "left_to", "left_to_by_region", "left_to_national"}) {
    EXPECT_EQ(H5Lexists(file.get(), name, H5P_DEFAULT), 0) << name;
  }
}

TEST_F(ResultsFileTest, OutputCheckerCatchesMoreLeaversThanDepartures) {
  const Scenario scenario = france_outcome_scenario();
  run::Results results = france_results(scenario);
  model::Indicators& ind = results.replications[1].indicators;
  ind.left_to[ind.outcome_cell(0, 1, 0, kOutcomeHome)] += 1000;
  write_results(folder_ / "france.h5", scenario, results, small_provenance(), false);
  expect_check_output_fails(folder_ / "france.h5", "left_to");
}

TEST_F(ResultsFileTest, OutcomesOfAnotherModelCreateNothing) {
  Scenario scenario = france_outcome_scenario();
  run::Results results = france_results(scenario);
  results.replications[0].indicators.left_to.pop_back();
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  scenario.model.services[0].on_age_limit[0].outcome = 2;  // there are two outcomes
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, france_results(scenario),
                             small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

// Index of [replication][year][territory][service][priority or impairment] and of its region and
// national sums, in a france_children_scenario() file (two priority levels, three impairments).
std::size_t priority_cell(int r, int p, int t, int s, int k) { return cell(r, p, t, s) * 2 + k; }

std::size_t priority_region_cell(int r, int p, int g, int s, int k) {
  return region_cell(r, p, g, s) * 2 + k;
}

std::size_t priority_national_cell(int r, int p, int s, int k) {
  return national_cell(r, p, s) * 2 + k;
}

std::size_t impairment_cell(int r, int p, int t, int s, int i) { return cell(r, p, t, s) * 3 + i; }

std::size_t impairment_national_cell(int r, int p, int s, int i) {
  return national_cell(r, p, s) * 3 + i;
}

std::vector<std::int8_t> int8_attribute(hid_t file, const char* object, const char* key) {
  const Handle attribute{H5Aopen_by_name(file, object, key, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  const Handle space{H5Aget_space(attribute.get()), H5Sclose};
  std::vector<std::int8_t> values(
      static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  EXPECT_GE(H5Aread(attribute.get(), H5T_NATIVE_INT8, values.data()), 0) << object << " " << key;
  return values;
}

TEST_F(ResultsFileTest, ImpairmentsAndPriorityLevelsAreLabelledScales) {
  const Handle file = open_file(write_france(france_children_scenario()));
  EXPECT_EQ(read_strings(file.get(), "impairment"),
            (std::vector<std::string>{"autism", "polyhandicap", "other impairment"}));
  EXPECT_EQ(read_strings(file.get(), "priority"), (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(read_strings(file.get(), "priority_conditions"),
            (std::vector<std::string>{"lists: SESSAD; with a PAG; needs: high; impairment: "
                                      "polyhandicap; aged 12 years or more; waited 2.5 years or "
                                      "more",
                                      "any child"}));

  const std::vector<std::pair<const char*, const char*>> attached{
      {"waiting_priority_end", "priority"},
      {"waiting_priority_end_by_region", "priority"},
      {"waiting_priority_end_national", "priority"},
      {"occupants_impairment_end", "impairment"},
      {"waiting_impairment_end_by_region", "impairment"},
      {"waiting_impairment_end_national", "impairment"}};

  for (const auto& [dataset_name, scale_name] : attached) {
    const Handle scale{H5Dopen2(file.get(), scale_name, H5P_DEFAULT), H5Dclose};
    EXPECT_GT(H5DSis_scale(scale.get()), 0) << scale_name;
    const Handle dataset{H5Dopen2(file.get(), dataset_name, H5P_DEFAULT), H5Dclose};
    const int last_axis = static_cast<int>(shape_of(file.get(), dataset_name).size()) - 1;
    EXPECT_GT(H5DSis_attached(dataset.get(), scale.get(), static_cast<unsigned>(last_axis)), 0)
        << dataset_name;
  }
  EXPECT_EQ(string_attribute(file.get(), "waiting_priority_end", "coordinates"),
            "territory_name territory_region territory_abroad places priority_conditions "
            "period_days");
}

TEST_F(ResultsFileTest, WaitingByPriorityIsByHomeTerritorySummedByRegionAndNationally) {
  const Handle file = open_file(write_france(france_children_scenario()));
  ASSERT_EQ(shape_of(file.get(), "waiting_priority_end"), (std::vector<hsize_t>{2, 2, 3, 2, 2}));
  ASSERT_EQ(shape_of(file.get(), "waiting_priority_end_by_region"),
            (std::vector<hsize_t>{2, 2, 2, 2, 2}));
  ASSERT_EQ(shape_of(file.get(), "waiting_priority_end_national"),
            (std::vector<hsize_t>{2, 2, 2, 2}));
  // The first level holds 1 + p + r, the last the rest of waiting_end (base + 2).
  const auto waiting =
      read_numbers<std::int64_t>(file.get(), "waiting_priority_end", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting[priority_cell(1, 1, 1, 0, kPriorityPag)], 3);
  EXPECT_EQ(waiting[priority_cell(1, 1, 1, 0, kPriorityAny)], 1109);  // 1110 + 2 - 3
  EXPECT_EQ(waiting[priority_cell(0, 0, 0, 0, kPriorityAny)], 1);
  EXPECT_EQ(waiting[priority_cell(1, 1, kBelgium, 0, kPriorityAny)], 0);
  const auto by_region =
      read_numbers<std::int64_t>(file.get(), "waiting_priority_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(by_region[priority_region_cell(1, 1, kCorse, 0, kPriorityAny)], 1109);  // 2A
  EXPECT_EQ(by_region[priority_region_cell(0, 1, kIleDeFrance, 1, kPriorityPag)], 2);
  const auto national =
      read_numbers<std::int64_t>(file.get(), "waiting_priority_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(national[priority_national_cell(1, 0, 1, kPriorityPag)], 4);     // 2 + 2
  EXPECT_EQ(national[priority_national_cell(1, 0, 1, kPriorityAny)], 2012);  // 1001 + 1011
  EXPECT_EQ(string_attribute(file.get(), "waiting_priority_end_national", "units"), "people");
}

TEST_F(ResultsFileTest, ListCountsAreByHomeTerritorySummedByRegionAndNationally) {
  const Handle file = open_file(write_france(france_children_scenario()));
  for (const char* stem : {"pag_end", "removed_at_review", "died", "occupants_ase_end"}) {
    const std::string name{stem};
    EXPECT_EQ(shape_of(file.get(), stem), (std::vector<hsize_t>{2, 2, 3, 2})) << stem;
    EXPECT_EQ(shape_of(file.get(), (name + "_by_region").c_str()),
              (std::vector<hsize_t>{2, 2, 2, 2}))
        << stem;
    EXPECT_EQ(shape_of(file.get(), (name + "_national").c_str()), (std::vector<hsize_t>{2, 2, 2}))
        << stem;
    for (const std::string& variant : {name, name + "_by_region", name + "_national"}) {
      EXPECT_EQ(string_attribute(file.get(), variant.c_str(), "units"), "people") << variant;
      EXPECT_FALSE(string_attribute(file.get(), variant.c_str(), "long_name").empty()) << variant;
      EXPECT_FALSE(string_attribute(file.get(), variant.c_str(), "description").empty()) << variant;
    }
  }
  const auto pag = read_numbers<std::int64_t>(file.get(), "pag_end", H5T_NATIVE_INT64);
  EXPECT_EQ(pag[cell(0, 1, 0, 1)], 2);         // p + s
  EXPECT_EQ(pag[cell(0, 1, kBelgium, 1)], 0);  // no list abroad
  const auto pag_national =
      read_numbers<std::int64_t>(file.get(), "pag_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(pag_national[national_cell(1, 1, 1)], 4);  // 2 + 2
  const auto removed =
      read_numbers<std::int64_t>(file.get(), "removed_at_review", H5T_NATIVE_INT64);
  EXPECT_EQ(removed[cell(1, 0, 1, 1)], 1018);  // base 1011, + 7
  const auto removed_national =
      read_numbers<std::int64_t>(file.get(), "removed_at_review_national", H5T_NATIVE_INT64);
  EXPECT_EQ(removed_national[national_cell(0, 1, 0)], 224);  // 107 + 117
  const auto died_by_region =
      read_numbers<std::int64_t>(file.get(), "died_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(died_by_region[region_cell(1, 1, kCorse, 1)], 1119);       // 2A: 1111 + 8
  EXPECT_EQ(died_by_region[region_cell(0, 1, kIleDeFrance, 0)], 108);  // 75: 100 + 8
  const auto ase_national =
      read_numbers<std::int64_t>(file.get(), "occupants_ase_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(ase_national[national_cell(0, 0, 1)], 3);  // t + s: 1 + 2
}

TEST_F(ResultsFileTest, ChildrenByImpairmentAreByHomeTerritoryAndSummedNationally) {
  const Handle file = open_file(write_france(france_children_scenario()));
  ASSERT_EQ(shape_of(file.get(), "waiting_impairment_end"), (std::vector<hsize_t>{2, 2, 3, 2, 3}));
  ASSERT_EQ(shape_of(file.get(), "occupants_impairment_end_national"),
            (std::vector<hsize_t>{2, 2, 2, 3}));
  // Waiting: 1 + s, t, and the rest of base + 2.
  const auto waiting =
      read_numbers<std::int64_t>(file.get(), "waiting_impairment_end", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting[impairment_cell(1, 1, 1, 0, kAutism)], 1);
  EXPECT_EQ(waiting[impairment_cell(1, 1, 1, 0, kPolyhandicap)], 1);
  EXPECT_EQ(waiting[impairment_cell(1, 1, 1, 0, kOtherImpairment)], 1110);
  EXPECT_EQ(waiting[impairment_cell(0, 0, 0, 1, kAutism)], 2);
  const auto waiting_national =
      read_numbers<std::int64_t>(file.get(), "waiting_impairment_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting_national[impairment_national_cell(0, 1, 1, kAutism)], 4);
  EXPECT_EQ(waiting_national[impairment_national_cell(0, 1, 1, kPolyhandicap)], 1);
  EXPECT_EQ(waiting_national[impairment_national_cell(0, 1, 1, kOtherImpairment)], 211);
  // In a place, by home: 75 counts its own places and Belgium's.
  const auto occupants =
      read_numbers<std::int64_t>(file.get(), "occupants_impairment_end", H5T_NATIVE_INT64);
  EXPECT_EQ(occupants[impairment_cell(0, 0, 0, 0, kOtherImpairment)], 21);  // 1 + 21, less 1
  EXPECT_EQ(occupants[impairment_cell(0, 0, kBelgium, 0, kAutism)], 0);
  const auto occupants_national =
      read_numbers<std::int64_t>(file.get(), "occupants_impairment_end_national", H5T_NATIVE_INT64);
  // 1001 + 1011 + 1021 people in IME places in replication 1, year 0, split 2, 1, 3030.
  EXPECT_EQ(occupants_national[impairment_national_cell(1, 0, 0, kAutism)], 2);
  EXPECT_EQ(occupants_national[impairment_national_cell(1, 0, 0, kPolyhandicap)], 1);
  EXPECT_EQ(occupants_national[impairment_national_cell(1, 0, 0, kOtherImpairment)], 3030);
}

TEST_F(ResultsFileTest, AModelWithoutChildrenTablesHasOneImpairmentAndOneLevelCalledAll) {
  const Handle file = open_file(write_france());
  EXPECT_EQ(read_strings(file.get(), "impairment"), (std::vector<std::string>{"all"}));
  EXPECT_EQ(read_strings(file.get(), "priority"), (std::vector<std::string>{"all"}));
  EXPECT_EQ(read_strings(file.get(), "priority_conditions"),
            (std::vector<std::string>{"any child"}));
  EXPECT_EQ(read_numbers<std::int64_t>(file.get(), "waiting_priority_end", H5T_NATIVE_INT64),
            read_numbers<std::int64_t>(file.get(), "waiting_end", H5T_NATIVE_INT64));
  EXPECT_EQ(read_numbers<std::int64_t>(file.get(), "waiting_impairment_end", H5T_NATIVE_INT64),
            read_numbers<std::int64_t>(file.get(), "waiting_end", H5T_NATIVE_INT64));
}

TEST_F(ResultsFileTest, FranceModelWithChildrenTablesPassesTheOutputChecker) {
  expect_check_output_passes(write_france(france_children_scenario()));
}

TEST_F(ResultsFileTest, ChildrenIndicatorsOfAnotherModelCreateNothing) {
  const Scenario scenario = france_children_scenario();
  for (int broken = 0; broken < 3; ++broken) {
    run::Results results = france_results(scenario);
    model::Indicators& ind = results.replications[1].indicators;
    if (broken == 0) {
      ind.waiting_priority_end.pop_back();
    } else if (broken == 1) {
      ind.occupants_impairment_end.pop_back();
    } else {
      ind.died.pop_back();
    }
    EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
                 core::InvariantError)
        << broken;
  }
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, OrientationCountsAreByHomeTerritorySummedByRegionAndNationally) {
  const Handle file = open_file(write_france(france_orientation_scenario()));
  const hid_t f = file.get();
  for (const std::string stem : {"renewed", "lapsed", "to_alternative"}) {
    EXPECT_EQ(shape_of(f, stem.c_str()), (std::vector<hsize_t>{2, 2, 3, 2})) << stem;
    EXPECT_EQ(shape_of(f, (stem + "_by_region").c_str()), (std::vector<hsize_t>{2, 2, 2, 2}))
        << stem;
    EXPECT_EQ(shape_of(f, (stem + "_national").c_str()), (std::vector<hsize_t>{2, 2, 2})) << stem;
    for (const std::string& name : {stem, stem + "_by_region", stem + "_national"}) {
      EXPECT_EQ(string_attribute(f, name.c_str(), "units"), "people") << name;
      EXPECT_FALSE(string_attribute(f, name.c_str(), "long_name").empty()) << name;
      EXPECT_FALSE(string_attribute(f, name.c_str(), "description").empty()) << name;
    }
    EXPECT_EQ(string_attribute(f, stem.c_str(), "coordinates"),
              "territory_name territory_region territory_abroad places period_days")
        << stem;
  }
  EXPECT_NE(string_attribute(f, "lapsed", "description").find("departures"), std::string::npos);
  EXPECT_NE(string_attribute(f, "to_alternative", "description").find("admissions"),
            std::string::npos);

  const auto renewed = read_numbers<std::int64_t>(f, "renewed", H5T_NATIVE_INT64);
  EXPECT_EQ(renewed[cell(1, 0, kCorseDu, kSessad)], 1022);  // base 1011, + 11
  EXPECT_EQ(renewed[cell(1, 0, kBelgium, kSessad)], 0);     // no one lives abroad
  const auto renewed_national = read_numbers<std::int64_t>(f, "renewed_national", H5T_NATIVE_INT64);
  EXPECT_EQ(renewed_national[national_cell(0, 1, kIme)], 232);  // 75: 100 + 11, 2A: 110 + 11

  const auto lapsed = read_numbers<std::int64_t>(f, "lapsed", H5T_NATIVE_INT64);
  EXPECT_EQ(lapsed[cell(0, 1, kCorseDu, kIme)], 3);  // p + t + 1
  EXPECT_EQ(lapsed[cell(0, 1, kBelgium, kIme)], 0);
  const auto lapsed_by_region = read_numbers<std::int64_t>(f, "lapsed_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(lapsed_by_region[region_cell(1, 1, kCorse, kSessad)], 3);        // 2A
  EXPECT_EQ(lapsed_by_region[region_cell(1, 1, kIleDeFrance, kSessad)], 2);  // 75
  const auto lapsed_national = read_numbers<std::int64_t>(f, "lapsed_national", H5T_NATIVE_INT64);
  EXPECT_EQ(lapsed_national[national_cell(1, 1, kSessad)], 5);

  // Only the IME has an alternative: r + t + 1 for it, 0 for the SESSAD.
  const auto took = read_numbers<std::int64_t>(f, "to_alternative", H5T_NATIVE_INT64);
  EXPECT_EQ(took[cell(1, 0, kParis, kIme)], 2);
  EXPECT_EQ(took[cell(1, 0, kParis, kSessad)], 0);
  EXPECT_EQ(took[cell(1, 0, kBelgium, kIme)], 0);
  const auto took_by_region =
      read_numbers<std::int64_t>(f, "to_alternative_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(took_by_region[region_cell(0, 1, kIleDeFrance, kIme)], 1);
  const auto took_national =
      read_numbers<std::int64_t>(f, "to_alternative_national", H5T_NATIVE_INT64);
  EXPECT_EQ(took_national[national_cell(1, 0, kIme)], 5);  // 75: 2, 2A: 3
  EXPECT_EQ(took_national[national_cell(1, 0, kSessad)], 0);
}

TEST_F(ResultsFileTest, OrientationCountsAreWrittenAsZerosWhenNothingExpiresOrHasAnAlternative) {
  const Handle file = open_file(write_france());
  for (const std::string stem : {"renewed", "lapsed", "to_alternative"}) {
    for (const std::string& name : {stem, stem + "_by_region", stem + "_national"}) {
      const auto values = read_numbers<std::int64_t>(file.get(), name.c_str(), H5T_NATIVE_INT64);
      EXPECT_FALSE(values.empty()) << name;
      EXPECT_TRUE(std::all_of(values.begin(), values.end(), [](std::int64_t n) { return n == 0; }))
          << name;
    }
  }
}

TEST_F(ResultsFileTest, FranceModelWithOrientationsPassesTheOutputChecker) {
  expect_check_output_passes(write_france(france_orientation_scenario()));
}

TEST_F(ResultsFileTest, TheOutputCheckerCatchesBrokenOrientationIdentities) {
  const Scenario scenario = france_orientation_scenario();
  const auto write_broken = [&](const std::function<void(model::Indicators&)>& breaking,
                                const std::string& text) {
    run::Results results = france_results(scenario);
    breaking(results.replications[1].indicators);
    Scenario as_written = scenario;
    as_written.text = text;
    const fs::path out = folder_ / "broken.h5";
    write_results(out, as_written, results, small_provenance(), /*force=*/true);
    return out;
  };
  const auto nothing = [](model::Indicators&) {};
  const std::string alternative = "[services.IME]\nalternative = \"SESSAD\"\n";
  const std::string expiring =
      "[notifications]\nvalidity_years = 5\nrenewal_share = 0.9\n" + alternative;
  // A lapsed child who did not leave (present_end + departures kept equal).
  expect_check_output_fails(write_broken(
                                [](model::Indicators& ind) {
                                  --ind.departures[ind.flow(1, kCorseDu)];
                                  --ind.arrivals[ind.flow(1, kCorseDu)];
                                },
                                expiring),
                            "departures < died + removed_at_review + lapsed summed over services");
  expect_check_output_fails(write_broken(nothing, alternative),
                            "renewed != 0, but orientations never expire");
  expect_check_output_fails(
      write_broken(nothing, "[notifications]\nvalidity_years = 5\n" + alternative),
      "lapsed != 0, but notifications.renewal_share is 1");
  expect_check_output_fails(
      write_broken(nothing,
                   "[notifications]\nvalidity_years = 5\nrenewal_share = 0\n" + alternative),
      "renewed != 0, but notifications.renewal_share is 0");
  expect_check_output_fails(
      write_broken(
          [](model::Indicators& ind) { ++ind.to_alternative[ind.cell(0, kParis, kSessad)]; },
          expiring),
      "to_alternative of SESSAD, which has no alternative, != 0");
  expect_check_output_fails(
      write_broken(nothing, "[notifications]\nvalidity_years = 5\nrenewal_share = 0.9\n"),
      "to_alternative of IME, which has no alternative, != 0");
  expect_check_output_fails(
      write_broken(
          [](model::Indicators& ind) { ind.to_alternative[ind.cell(0, kParis, kIme)] = 10000; },
          expiring),
      "to_alternative summed over ['IME'] (alternative SESSAD) > admissions of SESSAD");
  expect_check_output_fails(
      write_broken(
          [](model::Indicators& ind) { ++ind.to_alternative[ind.cell(0, kBelgium, kIme)]; },
          expiring),
      "to_alternative is not 0 on abroad territories");
  expect_check_output_fails(
      write_broken(nothing,
                   "[notifications]\nvalidity_years = 5\nrenewal_share = 0.9\n"
                   "[services.IME]\nalternative = \"ITEP\"\n"),
      "services.IME.alternative 'ITEP' is not a service label");
}

TEST_F(ResultsFileTest, OrientationIndicatorsOfAnotherModelCreateNothing) {
  const Scenario scenario = france_orientation_scenario();
  for (int broken = 0; broken < 3; ++broken) {
    run::Results results = france_results(scenario);
    model::Indicators& ind = results.replications[1].indicators;
    std::vector<std::int64_t>* fields[] = {&ind.renewed, &ind.lapsed, &ind.to_alternative};
    fields[broken]->pop_back();
    EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
                 core::InvariantError)
        << broken;
  }
  EXPECT_TRUE(files().empty());
}

// Modes, schoolings and plan steps of france_care_scenario(), in the model's order.
constexpr int kInternat = 0;    // residential, attendance 1
constexpr int kSequential = 1;  // part time: attendance 0.5
constexpr int kInternalUnit = 0;
constexpr int kExternalUnit = 1;  // in an ordinary school
constexpr int kNotSchooled = 2;
constexpr int kStepImeToSessad = 0;   // from IME
constexpr int kStepToSchool = 1;      // from SESSAD
constexpr int kStepToSequential = 2;  // from IME

// france_children_scenario() with france_interim_scenario()'s interim situations, two modes of
// care (recorded by the IME only), three schoolings (recorded by both services), age groups
// 0, 6, 14, 20 and three plan steps, the second from the SESSAD. The scenario text says which
// services record modes and schooling, as a real run's effective scenario does.
Scenario france_care_scenario() {
  Scenario scenario = france_children_scenario();
  scenario.model.interim = france_interim_scenario().model.interim;
  for (model::Service& service : scenario.model.services) {
    service.interim_shares = {0.5, 0.5};
    service.schooling_shares = {0.5, 0.25, 0.25};
  }
  scenario.model.services[kIme].mode_shares = {0.3, 0.7};
  scenario.model.modes = {{"internat", /*residential=*/true, /*attendance=*/1.0},
                          {"sequential", /*residential=*/false, /*attendance=*/0.5}};
  scenario.model.schoolings = {{"internal unit", /*ordinary_school=*/false},
                               {"external unit", /*ordinary_school=*/true},
                               {"not schooled", /*ordinary_school=*/false}};
  scenario.model.children.age_groups = {0.0, 6.0, 14.0, 20.0};
  model::PlanStep to_sessad;
  to_sessad.name = "ime_to_sessad";
  to_sessad.from = kIme;
  to_sessad.probability = 0.1;
  to_sessad.target = kSessad;
  model::PlanStep to_school;
  to_school.name = "sessad_to_school";
  to_school.from = kSessad;
  to_school.probability = 0.2;
  to_school.to_schooling = kExternalUnit;
  model::PlanStep to_sequential;
  to_sequential.name = "ime_internat_to_sequential";
  to_sequential.from = kIme;
  to_sequential.probability = 0.05;
  to_sequential.modes = {kInternat};
  to_sequential.to_mode = kSequential;
  scenario.model.plans = {9, {to_sessad, to_school, to_sequential}};
  scenario.text =
      "[services.IME]\n"
      "modes = { internat = 0.3, sequential = 0.7 }\n"
      "schooling = { internal_unit = 0.5, external_unit = 0.25, not_schooled = 0.25 }\n"
      "[services.SESSAD]\n"
      "schooling = { internal_unit = 0.5, external_unit = 0.25, not_schooled = 0.25 }\n";
  return scenario;
}

// france_results() of a france_care_scenario() (or a variant of its age groups), with, on home
// territories: the children in a place (occupants_impairment_end summed over impairment) split
// by mode (IME only) as 1 + p, then the rest; by schooling as 2 + t, 1 + s, the rest; by age
// group as 1, 2, t, the rest (as many of these as there are groups before the last). Waiting
// children (waiting_end) by age group as r, 1, the rest. Plans reviewed: 5 + p in an IME, 3 + r
// in a SESSAD; steps taken: 1 + r (IME to SESSAD), 2 (SESSAD to school), p + t (IME to
// sequential).
run::Results care_results(const Scenario& scenario) {
  const model::Model& model = scenario.model;
  run::Results results = france_results(scenario);
  const auto n_modes = static_cast<int>(model.modes.size());
  const auto n_schoolings = static_cast<int>(model.schoolings.size());
  const auto n_ages = static_cast<int>(model.children.age_groups.size());
  for (std::size_t r = 0; r < results.replications.size(); ++r) {
    model::Indicators& ind = results.replications[r].indicators;
    const auto ri = static_cast<std::int64_t>(r);
    for (int p = 0; p < ind.periods; ++p) {
      for (int t = 0; t < 2; ++t) {  // home territories: 75, 2A
        for (int s = 0; s < 2; ++s) {
          std::int64_t placed = 0;
          for (int i = 0; i < ind.impairments; ++i) {
            placed += ind.occupants_impairment_end[ind.impairment_cell(p, t, s, i)];
          }
          const std::int64_t waiting = ind.waiting_end[ind.cell(p, t, s)];
          const auto fill = [&](std::vector<std::int64_t>& field, int n,
                                const std::vector<std::int64_t>& parts) {
            for (int k = 0; k < n; ++k) {
              field[ind.sub_cell(p, t, s, n, k)] = parts[static_cast<std::size_t>(k)];
            }
          };
          if (s == kIme) {
            fill(ind.occupants_mode_end, n_modes, split(placed, 2, {1 + p}));
          }
          fill(ind.occupants_schooling_end, n_schoolings, split(placed, 3, {2 + t, 1 + s}));
          fill(ind.occupants_age_end, n_ages,
               split(placed, static_cast<std::size_t>(n_ages), {1, 2, t}));
          fill(ind.waiting_age_end, n_ages,
               split(waiting, static_cast<std::size_t>(n_ages), {ri, 1}));
          ind.plan_reviews[ind.cell(p, t, s)] = s == kIme ? 5 + p : 3 + ri;
        }
        ind.plan_steps_taken[ind.step_cell(p, t, kStepImeToSessad)] = 1 + ri;
        ind.plan_steps_taken[ind.step_cell(p, t, kStepToSchool)] = 2;
        ind.plan_steps_taken[ind.step_cell(p, t, kStepToSequential)] = p + t;
      }
    }
  }
  keep_books(scenario, results);
  return results;
}

// Index of [replication][year][territory][service][k] (n per cell), and of its region and
// national sums, in a france_scenario() file.
std::size_t sub_cell(int r, int p, int t, int s, int n, int k) {
  return cell(r, p, t, s) * static_cast<std::size_t>(n) + static_cast<std::size_t>(k);
}

std::size_t sub_region_cell(int r, int p, int g, int s, int n, int k) {
  return region_cell(r, p, g, s) * static_cast<std::size_t>(n) + static_cast<std::size_t>(k);
}

std::size_t sub_national_cell(int r, int p, int s, int n, int k) {
  return national_cell(r, p, s) * static_cast<std::size_t>(n) + static_cast<std::size_t>(k);
}

class CareFileTest : public ResultsFileTest {
 protected:
  fs::path write_care(const Scenario& scenario = france_care_scenario()) {
    const fs::path out = folder_ / "care.h5";
    write_results(out, scenario, care_results(scenario), small_provenance(), /*force=*/false);
    return out;
  }
};

std::vector<double> double_attribute(hid_t file, const char* object, const char* key) {
  const Handle attribute{H5Aopen_by_name(file, object, key, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  const Handle type{H5Aget_type(attribute.get()), H5Tclose};
  EXPECT_GT(H5Tequal(type.get(), H5T_IEEE_F64LE), 0) << object << " " << key << " is not float64";
  const Handle space{H5Aget_space(attribute.get()), H5Sclose};
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  EXPECT_GE(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, values.data()), 0) << object << " " << key;
  return values;
}

void expect_attached(hid_t file, const char* dataset_name, const char* scale_name, unsigned axis) {
  const Handle scale{H5Dopen2(file, scale_name, H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_scale(scale.get()), 0) << scale_name;
  const Handle dataset{H5Dopen2(file, dataset_name, H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_attached(dataset.get(), scale.get(), axis), 0)
      << dataset_name << " axis " << axis << " " << scale_name;
}

TEST_F(CareFileTest, ModesSchoolingsAgeGroupsAndPlanStepsAreLabelledScalesWithCoordinates) {
  const Handle file = open_file(write_care());
  const hid_t f = file.get();
  EXPECT_EQ(read_strings(f, "mode"), (std::vector<std::string>{"internat", "sequential"}));
  EXPECT_EQ(read_numbers<std::int8_t>(f, "mode_residential", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{1, 0}));
  EXPECT_EQ(read_numbers<double>(f, "mode_attendance", H5T_NATIVE_DOUBLE),
            (std::vector<double>{1.0, 0.5}));
  EXPECT_EQ(read_strings(f, "schooling"),
            (std::vector<std::string>{"internal unit", "external unit", "not schooled"}));
  EXPECT_EQ(read_numbers<std::int8_t>(f, "schooling_ordinary_school", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 1, 0}));
  EXPECT_EQ(read_strings(f, "age_group"),
            (std::vector<std::string>{"0-5", "6-13", "14-19", "20+"}));
  EXPECT_EQ(read_numbers<double>(f, "age_group_lower_years", H5T_NATIVE_DOUBLE),
            (std::vector<double>{0.0, 6.0, 14.0, 20.0}));
  EXPECT_EQ(string_attribute(f, "age_group_lower_years", "units"), "years");
  EXPECT_EQ(read_strings(f, "plan_step"),
            (std::vector<std::string>{"ime_to_sessad", "sessad_to_school",
                                      "ime_internat_to_sequential"}));
  EXPECT_EQ(read_strings(f, "plan_step_from"), (std::vector<std::string>{"IME", "SESSAD", "IME"}));

  expect_attached(f, "occupants_mode_end", "mode", 4);
  expect_attached(f, "occupants_mode_end_by_region", "mode", 4);
  expect_attached(f, "occupants_mode_end_national", "mode", 3);
  expect_attached(f, "occupants_schooling_end", "schooling", 4);
  expect_attached(f, "occupants_schooling_end_national", "schooling", 3);
  expect_attached(f, "occupants_age_end", "age_group", 4);
  expect_attached(f, "waiting_age_end_by_region", "age_group", 4);
  expect_attached(f, "plan_reviews", "service", 3);
  expect_attached(f, "plan_steps_taken", "territory", 2);
  expect_attached(f, "plan_steps_taken", "plan_step", 3);
  expect_attached(f, "plan_steps_taken_by_region", "region", 2);
  expect_attached(f, "plan_steps_taken_national", "plan_step", 2);
  EXPECT_EQ(string_attribute(f, "occupants_mode_end", "coordinates"),
            "territory_name territory_region territory_abroad places mode_residential "
            "mode_attendance period_days");
  EXPECT_EQ(string_attribute(f, "occupants_schooling_end_by_region", "coordinates"),
            "schooling_ordinary_school period_days");
  EXPECT_EQ(string_attribute(f, "waiting_age_end_national", "coordinates"),
            "age_group_lower_years period_days");
  // No service axis, so no `places` (over [territory, service]).
  EXPECT_EQ(string_attribute(f, "plan_steps_taken", "coordinates"),
            "territory_name territory_region territory_abroad plan_step_from period_days");
  for (const std::string stem :
       {"occupants_mode_end", "occupants_schooling_end", "occupants_age_end", "waiting_age_end",
        "plan_reviews", "plan_steps_taken", "ordinary_school_end"}) {
    for (const std::string& name : {stem, stem + "_by_region", stem + "_national"}) {
      EXPECT_EQ(string_attribute(f, name.c_str(), "units"), "people") << name;
      EXPECT_FALSE(string_attribute(f, name.c_str(), "long_name").empty()) << name;
      EXPECT_FALSE(string_attribute(f, name.c_str(), "description").empty()) << name;
    }
  }
}

TEST_F(CareFileTest, OccupantsByModeAndSchoolingAreByHomeTerritorySummedByRegionAndNationally) {
  const Handle file = open_file(write_care());
  const hid_t f = file.get();
  ASSERT_EQ(shape_of(f, "occupants_mode_end"), (std::vector<hsize_t>{2, 2, 3, 2, 2}));
  ASSERT_EQ(shape_of(f, "occupants_mode_end_by_region"), (std::vector<hsize_t>{2, 2, 2, 2, 2}));
  ASSERT_EQ(shape_of(f, "occupants_mode_end_national"), (std::vector<hsize_t>{2, 2, 2, 2}));
  ASSERT_EQ(shape_of(f, "occupants_schooling_end"), (std::vector<hsize_t>{2, 2, 3, 2, 3}));
  // In a place, by home: 75 counts its own places (base + 1) and Belgium's (base(.., 2, ..) + 1).
  const auto modes = read_numbers<std::int64_t>(f, "occupants_mode_end", H5T_NATIVE_INT64);
  EXPECT_EQ(modes[sub_cell(0, 1, kParis, kIme, 2, kInternat)], 2);         // 1 + p
  EXPECT_EQ(modes[sub_cell(0, 1, kParis, kIme, 2, kSequential)], 220);     // 101 + 121 - 2
  EXPECT_EQ(modes[sub_cell(1, 0, kCorseDu, kIme, 2, kSequential)], 1010);  // 1011 - 1
  EXPECT_EQ(modes[sub_cell(1, 1, kCorseDu, kSessad, 2, kInternat)], 0);    // the SESSAD: none
  EXPECT_EQ(modes[sub_cell(1, 1, kBelgium, kIme, 2, kInternat)], 0);       // abroad: no one lives
  const auto modes_by_region =
      read_numbers<std::int64_t>(f, "occupants_mode_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(modes_by_region[sub_region_cell(1, 0, kCorse, kIme, 2, kSequential)], 1010);  // 2A
  const auto modes_national =
      read_numbers<std::int64_t>(f, "occupants_mode_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(modes_national[sub_national_cell(1, 1, kIme, 2, kInternat)], 4);  // 2 + 2
  // 75: 1101 + 1121 = 2222 less 2; 2A: 1111 less 2.
  EXPECT_EQ(modes_national[sub_national_cell(1, 1, kIme, 2, kSequential)], 3329);

  const auto schooling = read_numbers<std::int64_t>(f, "occupants_schooling_end", H5T_NATIVE_INT64);
  EXPECT_EQ(schooling[sub_cell(1, 1, kCorseDu, kSessad, 3, kInternalUnit)], 3);    // 2 + t
  EXPECT_EQ(schooling[sub_cell(1, 1, kCorseDu, kSessad, 3, kExternalUnit)], 2);    // 1 + s
  EXPECT_EQ(schooling[sub_cell(1, 1, kCorseDu, kSessad, 3, kNotSchooled)], 1107);  // 1112 - 5
  EXPECT_EQ(schooling[sub_cell(1, 1, kBelgium, kSessad, 3, kNotSchooled)], 0);
  const auto schooling_national =
      read_numbers<std::int64_t>(f, "occupants_schooling_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(schooling_national[sub_national_cell(1, 1, kSessad, 3, kInternalUnit)], 5);  // 2 + 3
  EXPECT_EQ(schooling_national[sub_national_cell(1, 1, kSessad, 3, kExternalUnit)], 4);  // 2 + 2
}

TEST_F(CareFileTest, ChildrenByAgeGroupAreByHomeTerritorySummedByRegionAndNationally) {
  const Handle file = open_file(write_care());
  const hid_t f = file.get();
  ASSERT_EQ(shape_of(f, "occupants_age_end"), (std::vector<hsize_t>{2, 2, 3, 2, 4}));
  ASSERT_EQ(shape_of(f, "waiting_age_end_national"), (std::vector<hsize_t>{2, 2, 2, 4}));
  // In a place: 1, 2, t, the rest of base + 1 (2A, IME, replication 0, year 0: 11).
  const auto placed = read_numbers<std::int64_t>(f, "occupants_age_end", H5T_NATIVE_INT64);
  EXPECT_EQ(placed[sub_cell(0, 0, kCorseDu, kIme, 4, 0)], 1);
  EXPECT_EQ(placed[sub_cell(0, 0, kCorseDu, kIme, 4, 1)], 2);
  EXPECT_EQ(placed[sub_cell(0, 0, kCorseDu, kIme, 4, 2)], 1);
  EXPECT_EQ(placed[sub_cell(0, 0, kCorseDu, kIme, 4, 3)], 7);
  EXPECT_EQ(placed[sub_cell(0, 0, kBelgium, kIme, 4, 3)], 0);
  // Waiting: r, 1, the rest of base + 2 (75, SESSAD, replication 1, year 1: 1103).
  const auto waiting = read_numbers<std::int64_t>(f, "waiting_age_end", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting[sub_cell(1, 1, kParis, kSessad, 4, 0)], 1);
  EXPECT_EQ(waiting[sub_cell(1, 1, kParis, kSessad, 4, 1)], 1);
  EXPECT_EQ(waiting[sub_cell(1, 1, kParis, kSessad, 4, 2)], 0);
  EXPECT_EQ(waiting[sub_cell(1, 1, kParis, kSessad, 4, 3)], 1101);
  const auto waiting_by_region =
      read_numbers<std::int64_t>(f, "waiting_age_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting_by_region[sub_region_cell(1, 1, kIleDeFrance, kSessad, 4, 3)], 1101);
  const auto waiting_national =
      read_numbers<std::int64_t>(f, "waiting_age_end_national", H5T_NATIVE_INT64);
  // 75: 1103 - 2, 2A: 1113 - 2.
  EXPECT_EQ(waiting_national[sub_national_cell(1, 1, kSessad, 4, 3)], 2212);
  EXPECT_EQ(waiting_national[sub_national_cell(1, 1, kSessad, 4, 0)], 2);
}

TEST_F(CareFileTest, AgeGroupLabelsAreCompletedYearsWhenEveryBoundIsWhole) {
  for (const auto& [bounds, labels] :
       std::vector<std::pair<std::vector<double>, std::vector<std::string>>>{
           {{0.0, 6.0, 7.0, 20.0}, {"0-5", "6", "7-19", "20+"}},
           {{0.0, 2.5, 6.0}, {"0-2.5", "2.5-6", "6+"}},  // [0, 2.5), [2.5, 6)
           {{0.0}, {"0+"}}}) {
    Scenario scenario = france_care_scenario();
    scenario.model.children.age_groups = bounds;
    const fs::path out = write_care(scenario);
    {
      const Handle file = open_file(out);
      EXPECT_EQ(read_strings(file.get(), "age_group"), labels);
      EXPECT_EQ(read_numbers<double>(file.get(), "age_group_lower_years", H5T_NATIVE_DOUBLE),
                bounds);
      EXPECT_EQ(shape_of(file.get(), "occupants_age_end"),
                (std::vector<hsize_t>{2, 2, 3, 2, bounds.size()}));
    }
    fs::remove(out);
  }
}

TEST_F(CareFileTest, BadAgeGroupsCreateNothing) {
  for (const std::vector<double>& bounds :
       std::vector<std::vector<double>>{{1.0, 6.0},
                                        {0.0, 6.0, 6.0},
                                        {0.0, 14.0, 6.0},
                                        {0.0, std::numeric_limits<double>::infinity()}}) {
    Scenario scenario = france_care_scenario();
    scenario.model.children.age_groups = bounds;
    EXPECT_THROW(write_results(folder_ / "out.h5", scenario, care_results(scenario),
                               small_provenance(), false),
                 core::InvariantError)
        << bounds.size();
  }
  EXPECT_TRUE(files().empty());
}

TEST_F(CareFileTest, PlanReviewsAndStepsTakenAreByHomeTerritorySummedByRegionAndNationally) {
  const Handle file = open_file(write_care());
  const hid_t f = file.get();
  ASSERT_EQ(shape_of(f, "plan_reviews"), (std::vector<hsize_t>{2, 2, 3, 2}));
  ASSERT_EQ(shape_of(f, "plan_reviews_national"), (std::vector<hsize_t>{2, 2, 2}));
  ASSERT_EQ(shape_of(f, "plan_steps_taken"), (std::vector<hsize_t>{2, 2, 3, 3}));
  ASSERT_EQ(shape_of(f, "plan_steps_taken_by_region"), (std::vector<hsize_t>{2, 2, 2, 3}));
  ASSERT_EQ(shape_of(f, "plan_steps_taken_national"), (std::vector<hsize_t>{2, 2, 3}));
  const auto reviews = read_numbers<std::int64_t>(f, "plan_reviews", H5T_NATIVE_INT64);
  EXPECT_EQ(reviews[cell(0, 1, kCorseDu, kIme)], 6);   // 5 + p
  EXPECT_EQ(reviews[cell(1, 0, kParis, kSessad)], 4);  // 3 + r
  EXPECT_EQ(reviews[cell(1, 0, kBelgium, kSessad)], 0);
  const auto reviews_national =
      read_numbers<std::int64_t>(f, "plan_reviews_national", H5T_NATIVE_INT64);
  EXPECT_EQ(reviews_national[national_cell(1, 1, kIme)], 12);  // 6 + 6
  // [replication][year][territory or region][step] and [replication][year][step].
  const auto step = [](int r, int p, int g, int k) { return ((r * 2 + p) * 3 + g) * 3 + k; };
  const auto region_step = [](int r, int p, int g, int k) { return ((r * 2 + p) * 2 + g) * 3 + k; };
  const auto national_step = [](int r, int p, int k) { return (r * 2 + p) * 3 + k; };
  const auto taken = read_numbers<std::int64_t>(f, "plan_steps_taken", H5T_NATIVE_INT64);
  EXPECT_EQ(taken[step(1, 1, kCorseDu, kStepToSequential)], 2);  // p + t
  EXPECT_EQ(taken[step(1, 0, kParis, kStepImeToSessad)], 2);     // 1 + r
  EXPECT_EQ(taken[step(0, 0, kParis, kStepToSchool)], 2);
  EXPECT_EQ(taken[step(1, 1, kBelgium, kStepToSchool)], 0);
  const auto taken_by_region =
      read_numbers<std::int64_t>(f, "plan_steps_taken_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(taken_by_region[region_step(0, 1, kCorse, kStepToSequential)], 2);        // 2A
  EXPECT_EQ(taken_by_region[region_step(0, 1, kIleDeFrance, kStepToSequential)], 1);  // 75
  const auto taken_national =
      read_numbers<std::int64_t>(f, "plan_steps_taken_national", H5T_NATIVE_INT64);
  EXPECT_EQ(taken_national[national_step(1, 0, kStepImeToSessad)], 4);   // 2 + 2
  EXPECT_EQ(taken_national[national_step(0, 1, kStepToSequential)], 3);  // 1 + 2
}

TEST_F(CareFileTest, SteppingHoldersAreCountedByPlaceLikeCretonHolders) {
  const Handle file = open_file(write_care());
  const hid_t f = file.get();
  EXPECT_EQ(shape_of(f, "stepping_end"), (std::vector<hsize_t>{2, 2, 3, 2}));
  EXPECT_EQ(string_attribute(f, "stepping_end", "units"), "people");
  EXPECT_NE(string_attribute(f, "stepping_end", "description").find("before its age limit"),
            std::string::npos);
  EXPECT_EQ(string_attribute(f, "stepping_end", "coordinates"),
            "territory_name places period_days");
  const auto stepping = read_numbers<std::int64_t>(f, "stepping_end", H5T_NATIVE_INT64);
  EXPECT_EQ(stepping[cell(1, 1, kBelgium, kIme)], 1129);  // base 1120, + 9: by place, abroad too
  const auto by_region = read_numbers<std::int64_t>(f, "stepping_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(by_region[region_cell(1, 0, kCorse, kIme)], 1019);  // 2A: base 1010, + 9
  const auto national = read_numbers<std::int64_t>(f, "stepping_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(national[national_cell(0, 0, kSessad)], 30);  // 75: 1 + 9, 2A: 11 + 9; not BE
  // Creton holders are apart.
  const auto creton = read_numbers<std::int64_t>(f, "creton_end", H5T_NATIVE_INT64);
  EXPECT_EQ(creton[cell(1, 1, kBelgium, kIme)], 1123);
}

TEST_F(CareFileTest, FranceModelWithCarePassesTheOutputChecker) {
  expect_check_output_passes(write_care());
}

TEST_F(CareFileTest, TheOutputCheckerCatchesBrokenCareIdentities) {
  const Scenario scenario = france_care_scenario();
  const auto write_broken = [&](const std::function<void(model::Indicators&)>& breaking,
                                const Scenario& as_written) {
    run::Results results = care_results(scenario);
    breaking(results.replications[1].indicators);
    const fs::path out = folder_ / "broken.h5";
    write_results(out, as_written, results, small_provenance(), /*force=*/true);
    return out;
  };
  // A child in the SESSAD, which records no mode, counted in a mode.
  expect_check_output_fails(
      write_broken(
          [](model::Indicators& ind) {
            ++ind.occupants_mode_end[ind.sub_cell(0, kParis, kSessad, 2, kInternat)];
          },
          scenario),
      "occupants_mode_end summed over mode != occupants_impairment_end");
  // The scenario says the IME records no mode: its children in a mode are too many.
  Scenario without_ime_modes = scenario;
  without_ime_modes.text = "[services.IME]\n[services.SESSAD]\n";
  expect_check_output_fails(write_broken([](model::Indicators&) {}, without_ime_modes),
                            "for the services that record modes ([])");
  expect_check_output_fails(
      write_broken(
          [](model::Indicators& ind) {
            ++ind.occupants_schooling_end[ind.sub_cell(1, kCorseDu, kIme, 3, kNotSchooled)];
          },
          scenario),
      "occupants_schooling_end summed over schooling != occupants_impairment_end");
  expect_check_output_fails(write_broken(
                                [](model::Indicators& ind) {
                                  --ind.occupants_age_end[ind.sub_cell(0, kParis, kSessad, 4, 3)];
                                },
                                scenario),
                            "occupants_age_end summed over age_group != occupants_impairment_end");
  expect_check_output_fails(write_broken(
                                [](model::Indicators& ind) {
                                  ++ind.waiting_age_end[ind.sub_cell(1, kCorseDu, kIme, 4, 0)];
                                },
                                scenario),
                            "waiting_age_end summed over age_group != waiting_end");
  // Replication 1, year 0, 75: 2 + 0 steps of 5 IME reviews; 2 SESSAD steps of 4 reviews.
  expect_check_output_fails(
      write_broken([](model::Indicators& ind) { ind.plan_reviews[ind.cell(0, kParis, kIme)] = 1; },
                   scenario),
      "plan_steps_taken summed over the steps of IME > its plan_reviews");
  expect_check_output_fails(write_broken(
                                [](model::Indicators& ind) {
                                  ind.plan_steps_taken[ind.step_cell(0, kParis, kStepToSchool)] = 5;
                                },
                                scenario),
                            "plan_steps_taken summed over the steps of SESSAD > its plan_reviews");
  expect_check_output_fails(write_broken(
                                [](model::Indicators& ind) {
                                  ind.plan_steps_taken[ind.step_cell(0, kBelgium, kStepToSchool)] =
                                      1;
                                },
                                scenario),
                            "plan_steps_taken is not 0 on abroad territories");
}

TEST_F(CareFileTest, AModelWithoutCareTablesWritesNoneOfTheirDatasets) {
  const Handle file = open_file(write_france(france_children_scenario()));
  for (const char* name : {"mode",
                           "mode_residential",
                           "mode_attendance",
                           "schooling",
                           "schooling_ordinary_school",
                           "age_group",
                           "age_group_lower_years",
                           "plan_step",
                           "plan_step_from",
                           "occupants_mode_end",
                           "occupants_mode_end_national",
                           "occupants_schooling_end",
                           "occupants_age_end",
                           "waiting_age_end_by_region",
                           "plan_reviews",
                           "plan_steps_taken",
                           "plan_steps_taken_national",
                           "ordinary_school_end",
                           "ordinary_school_end_national",
                           "inclusion_rate",
                           "inclusion_rate_by_region",
                           "inclusion_rate_national",
                           "inclusion_rate_all_services_national"}) {
    EXPECT_EQ(H5Lexists(file.get(), name, H5P_DEFAULT), 0) << name;
  }
  // Holders are always counted.
  EXPECT_EQ(shape_of(file.get(), "stepping_end_national"), (std::vector<hsize_t>{2, 2, 2}));
}

TEST_F(CareFileTest, CareIndicatorsOfAnotherModelCreateNothing) {
  const Scenario scenario = france_care_scenario();
  for (int broken = 0; broken < 6; ++broken) {
    run::Results results = care_results(scenario);
    model::Indicators& ind = results.replications[1].indicators;
    std::vector<std::int64_t>* fields[] = {&ind.occupants_mode_end, &ind.occupants_schooling_end,
                                           &ind.waiting_age_end,    &ind.plan_steps_taken,
                                           &ind.plan_reviews,       &ind.stepping_end};
    fields[broken]->pop_back();
    EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
                 core::InvariantError)
        << broken;
  }
  EXPECT_TRUE(files().empty());
}

TEST_F(CareFileTest, APlanStepFromAServiceOutOfRangeCreatesNothing) {
  Scenario scenario = france_care_scenario();
  const run::Results results = care_results(scenario);
  scenario.model.plans.steps[1].from = 2;  // two services
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

// Inclusion in ordinary schools: three home territories, A and B in region North, C in South,
// and an abroad one; an IME and a SESSAD, both recording schooling (an internal unit, or an
// external one in an ordinary school) and interim situations (an ordinary school, or nothing);
// one replication, one year. By home territory and service, children in a place by schooling
// (internal, external) and waiting by interim situation (school, nothing):
//
//              IME                         SESSAD
//   A   places 9, 1; waiting 0, 0    places 1, 3; waiting 0, 4
//   B   places 0, 1; waiting 1, 0    none
//   C   none                         places 0, 2; waiting 2, 1
//
// so in an ordinary school / recorded: IME A 1/10, B 2/2, C 0/0 (NaN); SESSAD A 3/8, B 0/0
// (NaN), C 4/5. North's IME: 3/12 = 0.25, where the mean of its territories' rates is 0.55.
constexpr int kA = 0;
constexpr int kB = 1;
constexpr int kC = 2;
constexpr int kNorth = 0;
constexpr int kSouth = 1;

Scenario inclusion_scenario() {
  Scenario scenario = france_scenario();
  scenario.name = "inclusion";
  scenario.replications = 1;
  scenario.model.horizon_years = 1;
  scenario.model.regions = {{"North"}, {"South"}};
  model::Territory a = model::home_territory("A", "Territory A");
  model::Territory b = model::home_territory("B", "Territory B");
  model::Territory c = model::home_territory("C", "Territory C");
  c.region = kSouth;
  model::Territory belgium = model::home_territory("BE", "Belgique", 0.0);
  belgium.abroad = true;
  belgium.region = model::kNoRegion;
  belgium.senders = {kA};
  scenario.model.territories = {a, b, c, belgium};
  scenario.model.interim = {
      model::interim_situation("school", /*no_solution=*/false, /*ordinary_school=*/true),
      model::interim_situation("nothing", /*no_solution=*/true, /*ordinary_school=*/false)};
  scenario.model.schoolings = {{"internal unit", false}, {"external unit", true}};
  for (model::Service& service : scenario.model.services) {
    service.capacity = {20, 20, 20, 5};
    service.interim_shares = {0.5, 0.5};
    service.schooling_shares = {0.5, 0.5};
  }
  scenario.text =
      "[services.IME]\nschooling = { internal = 0.5, external = 0.5 }\n"
      "[services.SESSAD]\nschooling = { internal = 0.5, external = 0.5 }\n";
  return scenario;
}

// The indicators of the table above, and the others they imply: occupants by impairment (one,
// "all") and in places of their home territory, waiting by priority level and impairment.
run::Results inclusion_results() {
  run::ReplicationResult replication;
  model::Indicators& ind = replication.indicators;
  model::Shape shape;
  shape.periods = 1;
  shape.territories = 4;
  shape.services = 2;
  shape.regions = 2;
  shape.interims = 2;
  shape.schoolings = 2;
  ind.resize(shape);
  // [territory][service]: {internal, external} in a place, {school, nothing} waiting.
  const std::int64_t places[3][2][2] = {{{9, 1}, {1, 3}}, {{0, 1}, {0, 0}}, {{0, 0}, {0, 2}}};
  const std::int64_t waiting[3][2][2] = {{{0, 0}, {0, 4}}, {{1, 0}, {0, 0}}, {{0, 0}, {2, 1}}};
  for (int t = 0; t < 3; ++t) {
    for (int s = 0; s < 2; ++s) {
      const std::size_t c = ind.cell(0, t, s);
      for (int k = 0; k < 2; ++k) {
        ind.occupants_schooling_end[ind.sub_cell(0, t, s, 2, k)] = places[t][s][k];
        ind.waiting_interim_end[ind.interim_cell(0, t, s, k)] = waiting[t][s][k];
        ind.occupied_end[c] += places[t][s][k];
        ind.waiting_end[c] += waiting[t][s][k];
      }
      ind.occupants_impairment_end[c] = ind.occupied_end[c];
      ind.waiting_priority_end[c] = ind.waiting_end[c];
      ind.waiting_impairment_end[c] = ind.waiting_end[c];
    }
  }
  run::Results results;
  results.replications.push_back(std::move(replication));
  keep_books(inclusion_scenario(), results);
  return results;
}

class InclusionFileTest : public ResultsFileTest {
 protected:
  fs::path write_inclusion() {
    const Scenario scenario = inclusion_scenario();
    const fs::path out = folder_ / "inclusion.h5";
    write_results(out, scenario, inclusion_results(), small_provenance(), false);
    return out;
  }
};

TEST_F(InclusionFileTest, OrdinarySchoolCountsPlacesAndWaitsInAnOrdinarySchool) {
  const Handle file = open_file(write_inclusion());
  const hid_t f = file.get();
  ASSERT_EQ(shape_of(f, "ordinary_school_end"), (std::vector<hsize_t>{1, 1, 4, 2}));
  // [territory][service] of replication 0, year 0.
  EXPECT_EQ(read_numbers<std::int64_t>(f, "ordinary_school_end", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{1, 3, 2, 0, 0, 4, 0, 0}));
  EXPECT_EQ(read_numbers<std::int64_t>(f, "ordinary_school_end_by_region", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{3, 3, 0, 4}));  // North: A + B; South: C
  EXPECT_EQ(read_numbers<std::int64_t>(f, "ordinary_school_end_national", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{3, 7}));
}

TEST_F(InclusionFileTest, InclusionRateIsNaNWhereNoChildsSchoolingIsRecorded) {
  const Handle file = open_file(write_inclusion());
  const hid_t f = file.get();
  ASSERT_EQ(shape_of(f, "inclusion_rate"), (std::vector<hsize_t>{1, 1, 4, 2}));
  const auto rate = read_numbers<double>(f, "inclusion_rate", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(rate[kA * 2 + kIme], 0.1);
  EXPECT_DOUBLE_EQ(rate[kA * 2 + kSessad], 3.0 / 8.0);
  EXPECT_DOUBLE_EQ(rate[kB * 2 + kIme], 1.0);
  EXPECT_TRUE(std::isnan(rate[kB * 2 + kSessad]));  // 0 / 0
  EXPECT_TRUE(std::isnan(rate[kC * 2 + kIme]));
  EXPECT_DOUBLE_EQ(rate[kC * 2 + kSessad], 0.8);
  EXPECT_TRUE(std::isnan(rate[3 * 2 + kIme]));  // abroad: no one lives there
  for (const char* name : {"inclusion_rate", "inclusion_rate_by_region", "inclusion_rate_national",
                           "inclusion_rate_all_services_national"}) {
    EXPECT_EQ(string_attribute(f, name, "units"), "1") << name;
    EXPECT_FALSE(string_attribute(f, name, "long_name").empty()) << name;
    EXPECT_FALSE(string_attribute(f, name, "description").empty()) << name;
    const std::vector<double> fill = double_attribute(f, name, "_FillValue");
    ASSERT_EQ(fill.size(), 1U) << name;
    EXPECT_TRUE(std::isnan(fill[0])) << name;
  }
}

TEST_F(InclusionFileTest, RatesOfRegionsAndTheCountryAreRatesOfSummedCounts) {
  const Handle file = open_file(write_inclusion());
  const hid_t f = file.get();
  ASSERT_EQ(shape_of(f, "inclusion_rate_by_region"), (std::vector<hsize_t>{1, 1, 2, 2}));
  const auto by_region = read_numbers<double>(f, "inclusion_rate_by_region", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(by_region[kNorth * 2 + kIme], 0.25);          // 3 / 12, not (0.1 + 1) / 2
  EXPECT_DOUBLE_EQ(by_region[kNorth * 2 + kSessad], 3.0 / 8.0);  // B's NaN does not spread
  EXPECT_TRUE(std::isnan(by_region[kSouth * 2 + kIme]));
  EXPECT_DOUBLE_EQ(by_region[kSouth * 2 + kSessad], 0.8);
  ASSERT_EQ(shape_of(f, "inclusion_rate_national"), (std::vector<hsize_t>{1, 1, 2}));
  EXPECT_EQ(read_numbers<double>(f, "inclusion_rate_national", H5T_NATIVE_DOUBLE),
            (std::vector<double>{3.0 / 12.0, 7.0 / 13.0}));
  // All services: (3 + 7) / (12 + 13), not the mean of 0.25 and 7/13.
  ASSERT_EQ(shape_of(f, "inclusion_rate_all_services_national"), (std::vector<hsize_t>{1, 1}));
  EXPECT_EQ(read_numbers<double>(f, "inclusion_rate_all_services_national", H5T_NATIVE_DOUBLE),
            (std::vector<double>{0.4}));
}

TEST_F(InclusionFileTest, InclusionFilePassesTheOutputChecker) {
  expect_check_output_passes(write_inclusion());
}

TEST_F(ResultsFileTest, WithInterimSituationsOnlyTheInclusionRateIsThatOfTheWaiting) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  EXPECT_EQ(H5Lexists(file.get(), "schooling", H5P_DEFAULT), 0);
  const auto ordinary =
      read_numbers<std::int64_t>(file.get(), "ordinary_school_end", H5T_NATIVE_INT64);
  EXPECT_EQ(ordinary[cell(1, 1, kCorseDu, kIme)], 2);  // interim_school: 1 + p
  const auto rate = read_numbers<double>(file.get(), "inclusion_rate", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(rate[cell(0, 0, kParis, kIme)], 0.5);            // 1 / (1 + 1)
  EXPECT_DOUBLE_EQ(rate[cell(1, 1, kCorseDu, kIme)], 2.0 / 114.0);  // 2 / (2 + 112)
  EXPECT_DOUBLE_EQ(rate[cell(0, 1, kParis, kSessad)], 1.0 / 3.0);   // 1 / (1 + 2)
  EXPECT_TRUE(std::isnan(rate[cell(0, 1, kBelgium, kSessad)]));
}

// Providers: small_scenario()'s IME places, all in 75, held by two providers of one
// organisation, and a third provider in 2A with no places (the IME has none there); the ESAT has
// no provider. Three impairments, so that authorisations have labels to list.
constexpr int kTilleuls = 0;   // 75, IME, 6 places, autism and polyhandicap, APAJH 75
constexpr int kArcEnCiel = 1;  // 75, IME, 4 places, any child, APAJH 75
constexpr int kGolo = 2;       // 2A, IME, 0 places, "other impairment" only, its own organisation
constexpr int kProviders = 3;
constexpr int kSmallIme = 0;  // small_scenario()'s services: IME, ESAT
constexpr int kSmallParis = 0;
constexpr int kSmallCorse = 1;

model::Provider provider(std::string name, int territory, std::int64_t places,
                         std::uint8_t impairments, int organisation) {
  model::Provider out;
  out.name = std::move(name);
  out.territory = static_cast<model::TerritoryId>(territory);
  out.service = kSmallIme;
  out.places = places;
  out.impairments = impairments;
  out.organisation = static_cast<model::OrganisationId>(organisation);
  return out;
}

Scenario provider_scenario(bool per_provider = false) {
  Scenario scenario = small_scenario();
  model::Model& model = scenario.model;
  model.children.impairments = {"autism", "polyhandicap", "other impairment"};
  model.organisations = {{"APAJH 75"}, {"IME du Golo"}};
  model.providers = {
      provider("IME Les Tilleuls", kSmallParis, 6, 0b011, 0),
      provider("IME Arc-en-ciel", kSmallParis, 4, model::Provider::kAnyImpairment, 0),
      provider("IME du Golo", kSmallCorse, 0, 0b100, 1)};
  model.lists.per_provider = per_provider;
  if (per_provider) {
    model.lists.applications = 2;
    scenario.text += "[lists]\nper = \"provider\"\napplications = 2\n";
  }
  return scenario;
}

// Place-days of provider k in replication r, in period days: 3 + r, 2 and 0, which sum to
// small_results()' (5 + r) for the IME in 75 (10 places, half of them occupied plus r tenths).
double provider_days(int r, int k) {
  const std::array<double, kProviders> days{3.0 + r, 2.0, 0.0};
  return days[static_cast<std::size_t>(k)];
}

// small_results() of a provider_scenario(), with counts by provider that sum to their cells:
// IME admissions in 75 (100 r + 10 p) split as 100 r + 9 p and p, none in 2A (no places);
// 7 + r in an IME place in 75 at the end (all autistic), 4 + r and 3 by provider; on the
// providers' own lists 2 + p, 1 and r.
run::Results provider_results(const Scenario& scenario) {
  run::Results results = small_results(scenario);
  const double period_days = scenario.model.period_days();
  for (int r = 0; r < scenario.replications; ++r) {
    model::Indicators& ind = results.replications[static_cast<std::size_t>(r)].indicators;
    for (int p = 0; p < ind.periods; ++p) {
      ind.admissions[ind.cell(p, kSmallCorse, kSmallIme)] = 0;
      ind.occupied_end[ind.cell(p, kSmallParis, kSmallIme)] = 7 + r;
      ind.occupants_impairment_end[ind.impairment_cell(p, kSmallParis, kSmallIme, 0)] = 7 + r;
      const std::array<std::int64_t, kProviders> admissions{100 * r + 9 * p, p, 0};
      const std::array<std::int64_t, kProviders> occupied{4 + r, 3, 0};
      const std::array<std::int64_t, kProviders> applications{2 + p, 1, r};
      for (int k = 0; k < kProviders; ++k) {
        const std::size_t at = ind.provider_cell(p, k);
        const auto i = static_cast<std::size_t>(k);
        ind.provider_place_days[at] = provider_days(r, k) * period_days;
        ind.provider_attended_days[at] = ind.provider_place_days[at];  // no modes
        ind.provider_admissions[at] = admissions[i];
        ind.provider_occupied_end[at] = occupied[i];
        ind.provider_applications_end[at] = applications[i];
      }
    }
  }
  keep_books(scenario, results);
  return results;
}

// Index of [replication][year][provider] in a provider_scenario() file (three years).
std::size_t provider_at(int r, int p, int k) {
  return (static_cast<std::size_t>(r) * 3 + static_cast<std::size_t>(p)) * kProviders +
         static_cast<std::size_t>(k);
}

class ProviderFileTest : public ResultsFileTest {
 protected:
  fs::path write_providers(const Scenario& scenario = provider_scenario()) {
    fs::path out = folder_ / "providers.h5";
    write_results(out, scenario, provider_results(scenario), small_provenance(), false);
    return out;
  }
};

constexpr std::array<const char*, 11> kProviderDatasets{
    "provider",
    "provider_territory",
    "provider_service",
    "provider_organisation",
    "provider_places",
    "provider_impairments",
    "provider_place_days",
    "provider_occupancy_rate",
    "provider_admissions",
    "provider_occupied_end",
    "provider_applications_end",
};

TEST_F(ProviderFileTest, ProvidersAreALabelledScaleWithTheirCoordinates) {
  const Handle file = open_file(write_providers());
  const hid_t f = file.get();
  EXPECT_EQ(read_strings(f, "provider"),
            (std::vector<std::string>{"IME Les Tilleuls", "IME Arc-en-ciel", "IME du Golo"}));
  EXPECT_EQ(read_strings(f, "provider_territory"), (std::vector<std::string>{"75", "75", "2A"}));
  EXPECT_EQ(read_strings(f, "provider_service"), (std::vector<std::string>{"IME", "IME", "IME"}));
  EXPECT_EQ(read_strings(f, "provider_organisation"),
            (std::vector<std::string>{"APAJH 75", "APAJH 75", "IME du Golo"}));
  EXPECT_EQ(read_numbers<std::int64_t>(f, "provider_places", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{6, 4, 0}));
  EXPECT_EQ(string_attribute(f, "provider_places", "units"), "places");
  EXPECT_EQ(read_strings(f, "provider_impairments"),
            (std::vector<std::string>{"autism;polyhandicap", "any", "other impairment"}));
  for (const char* name : {"provider", "provider_territory", "provider_service",
                           "provider_organisation", "provider_places", "provider_impairments"}) {
    EXPECT_FALSE(string_attribute(f, name, "long_name").empty()) << name;
    EXPECT_FALSE(string_attribute(f, name, "description").empty()) << name;
  }
  for (const char* name : {"provider_place_days", "provider_occupancy_rate", "provider_admissions",
                           "provider_occupied_end"}) {
    EXPECT_EQ(shape_of(f, name), (std::vector<hsize_t>{2, 3, kProviders})) << name;
    expect_attached(f, name, "replication", 0);
    expect_attached(f, name, "year", 1);
    expect_attached(f, name, "provider", 2);
    EXPECT_EQ(string_attribute(f, name, "coordinates"),
              "provider_territory provider_service provider_organisation provider_places "
              "provider_impairments period_days")
        << name;
    EXPECT_FALSE(string_attribute(f, name, "long_name").empty()) << name;
    EXPECT_FALSE(string_attribute(f, name, "description").empty()) << name;
  }
}

TEST_F(ProviderFileTest, ProviderCountsHoldTheReplicationsValues) {
  const Handle file = open_file(write_providers());
  const hid_t f = file.get();
  const auto occupied = read_numbers<std::int64_t>(f, "provider_occupied_end", H5T_NATIVE_INT64);
  const auto admissions = read_numbers<std::int64_t>(f, "provider_admissions", H5T_NATIVE_INT64);
  ASSERT_EQ(occupied.size(), 18U);
  ASSERT_EQ(admissions.size(), 18U);
  EXPECT_EQ(occupied[provider_at(0, 0, kTilleuls)], 4);
  EXPECT_EQ(occupied[provider_at(1, 2, kTilleuls)], 5);
  EXPECT_EQ(occupied[provider_at(1, 1, kArcEnCiel)], 3);
  EXPECT_EQ(occupied[provider_at(1, 2, kGolo)], 0);
  EXPECT_EQ(admissions[provider_at(1, 2, kTilleuls)], 118);  // 100 r + 9 p
  EXPECT_EQ(admissions[provider_at(1, 2, kArcEnCiel)], 2);
  EXPECT_EQ(string_attribute(f, "provider_occupied_end", "units"), "people");
  EXPECT_EQ(string_attribute(f, "provider_admissions", "units"), "people");
  EXPECT_EQ(string_attribute(f, "provider_place_days", "units"), "place-days");
  const auto days = read_numbers<double>(f, "provider_place_days", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(days[provider_at(1, 0, kTilleuls)], 4.0 * 365.25);
}

TEST_F(ProviderFileTest, OccupancyRateIsPlaceDaysOverPlacesAndNaNWithoutPlaces) {
  const Handle file = open_file(write_providers());
  const hid_t f = file.get();
  const auto rate = read_numbers<double>(f, "provider_occupancy_rate", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(rate.size(), 18U);
  for (int p = 0; p < 3; ++p) {
    EXPECT_DOUBLE_EQ(rate[provider_at(0, p, kTilleuls)], 0.5);  // 3 of 6
    EXPECT_DOUBLE_EQ(rate[provider_at(1, p, kTilleuls)], 4.0 / 6.0);
    EXPECT_DOUBLE_EQ(rate[provider_at(1, p, kArcEnCiel)], 0.5);  // 2 of 4
    EXPECT_TRUE(std::isnan(rate[provider_at(0, p, kGolo)]));     // no places
    EXPECT_TRUE(std::isnan(rate[provider_at(1, p, kGolo)]));
  }
  EXPECT_EQ(string_attribute(f, "provider_occupancy_rate", "units"), "1");
  const std::vector<double> fill = double_attribute(f, "provider_occupancy_rate", "_FillValue");
  ASSERT_EQ(fill.size(), 1U);
  EXPECT_TRUE(std::isnan(fill[0]));
}

TEST_F(ProviderFileTest, PooledListsWriteNoApplicationsByProvider) {
  const Handle file = open_file(write_providers(provider_scenario(/*per_provider=*/false)));
  EXPECT_EQ(H5Lexists(file.get(), "provider_applications_end", H5P_DEFAULT), 0);
}

TEST_F(ProviderFileTest, ListsPerProviderWriteTheApplicationsOfEachProvider) {
  const Handle file = open_file(write_providers(provider_scenario(/*per_provider=*/true)));
  const hid_t f = file.get();
  ASSERT_GT(H5Lexists(f, "provider_applications_end", H5P_DEFAULT), 0);
  EXPECT_EQ(shape_of(f, "provider_applications_end"), (std::vector<hsize_t>{2, 3, kProviders}));
  expect_attached(f, "provider_applications_end", "provider", 2);
  const auto applications =
      read_numbers<std::int64_t>(f, "provider_applications_end", H5T_NATIVE_INT64);
  EXPECT_EQ(applications[provider_at(0, 2, kTilleuls)], 4);  // 2 + p
  EXPECT_EQ(applications[provider_at(1, 0, kArcEnCiel)], 1);
  EXPECT_EQ(applications[provider_at(1, 1, kGolo)], 1);  // r
  EXPECT_EQ(string_attribute(f, "provider_applications_end", "units"), "people");
  EXPECT_FALSE(string_attribute(f, "provider_applications_end", "description").empty());
}

TEST_F(ProviderFileTest, AModelWithoutProvidersWritesNoProviderDatasets) {
  const Handle file = open_file(write(small_scenario()));
  for (const char* name : kProviderDatasets) {
    EXPECT_EQ(H5Lexists(file.get(), name, H5P_DEFAULT), 0) << name;
  }
  Scenario per_provider = small_scenario();
  per_provider.model.lists.per_provider = true;  // without providers, still nothing
  const Handle other = open_file(write(per_provider, "per_provider.h5"));
  for (const char* name : kProviderDatasets) {
    EXPECT_EQ(H5Lexists(other.get(), name, H5P_DEFAULT), 0) << name;
  }
}

TEST_F(ProviderFileTest, ProviderFilesPassTheOutputChecker) {
  expect_check_output_passes(write_providers(provider_scenario(/*per_provider=*/false)));
  fs::remove(folder_ / "providers.h5");
  expect_check_output_passes(write_providers(provider_scenario(/*per_provider=*/true)));
}

TEST_F(ProviderFileTest, TheOutputCheckerCatchesBrokenProviderIdentities) {
  const auto write_broken = [&](const std::function<void(model::Indicators&)>& breaking,
                                const Scenario& scenario) {
    run::Results results = provider_results(scenario);
    breaking(results.replications[1].indicators);
    fs::path out = folder_ / "broken.h5";
    write_results(out, scenario, results, small_provenance(), /*force=*/true);
    return out;
  };
  const Scenario pooled = provider_scenario();
  expect_check_output_fails(
      write_broken(
          [](model::Indicators& ind) { ++ind.provider_occupied_end[ind.provider_cell(1, kGolo)]; },
          pooled),
      "provider_occupied_end summed over the providers of a service in a territory != "
      "occupied_end");
  expect_check_output_fails(
      write_broken(
          [](model::Indicators& ind) {
            --ind.provider_admissions[ind.provider_cell(2, kArcEnCiel)];
          },
          pooled),
      "provider_admissions summed over the providers of a service in a territory != admissions");
  // Place-days beyond the provider's places, moved from the other provider: the sum still holds.
  expect_check_output_fails(write_broken(
                                [](model::Indicators& ind) {
                                  const double moved = 3.0 * 365.25;  // 5 of its 4 places
                                  ind.provider_place_days[ind.provider_cell(0, kArcEnCiel)] +=
                                      moved;
                                  ind.provider_place_days[ind.provider_cell(0, kTilleuls)] -= moved;
                                },
                                pooled),
                            "provider_occupancy_rate is outside [0, 1]");
  // The scenario says lists are pooled, but the file has applications by provider.
  Scenario lying = provider_scenario(/*per_provider=*/true);
  lying.text = small_scenario().text;
  expect_check_output_fails(write_broken([](model::Indicators&) {}, lying),
                            "provider_applications_end written, but the scenario's lists are "
                            "pooled");
}

TEST_F(ProviderFileTest, ProvidersOutsideTheModelCreateNothing) {
  const auto expect_refused = [&](const Scenario& scenario, const run::Results& results,
                                  const char* what) {
    EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
                 core::InvariantError)
        << what;
  };
  const Scenario good = provider_scenario();
  {
    Scenario scenario = good;
    scenario.model.providers[kGolo].name = "IME Les Tilleuls";
    expect_refused(scenario, provider_results(good), "duplicate provider name");
  }
  {
    Scenario scenario = good;
    scenario.model.providers[kGolo].territory = 2;  // two territories
    expect_refused(scenario, provider_results(good), "territory out of range");
  }
  {
    Scenario scenario = good;
    scenario.model.providers[kGolo].organisation = 2;  // two organisations
    expect_refused(scenario, provider_results(good), "organisation out of range");
  }
  {
    Scenario scenario = good;
    scenario.model.providers[kGolo].impairments = 0b1000;  // three impairments
    expect_refused(scenario, provider_results(good), "impairment out of range");
  }
  {
    Scenario scenario = good;
    scenario.model.providers[kArcEnCiel].places = 3;  // 6 + 3 != 10 IME places in 75
    expect_refused(scenario, provider_results(good), "places not summing to the capacity");
  }
  {
    Scenario scenario = good;
    scenario.model.children.impairments[kOtherImpairment] = "any";
    expect_refused(scenario, provider_results(good), "an impairment named any");
  }
  {
    run::Results results = provider_results(good);
    results.replications[1].indicators.provider_occupied_end.pop_back();
    expect_refused(good, results, "missized provider indicators");
  }
  {
    Scenario scenario = good;
    scenario.model.providers.clear();  // indicators for three providers, a model with none
    expect_refused(scenario, provider_results(good), "provider indicators of another model");
  }
  EXPECT_TRUE(files().empty());
}

fs::path write_spells(const fs::path& folder, const std::vector<std::vector<model::Spell>>& spells,
                      const Scenario& scenario = france_children_scenario()) {
  fs::path out = folder / "spells.h5";
  write_results(out, scenario, spells_results(scenario, spells), small_provenance(), false);
  return out;
}

TEST_F(ResultsFileTest, SpellsAreOneTableInTheSpellsGroupReplicationZeroFirst) {
  const Handle file = open_file(write_spells(folder_, france_spells()));
  const hid_t f = file.get();
  EXPECT_EQ(read_numbers<std::int16_t>(f, "spells/replication", H5T_NATIVE_INT16),
            (std::vector<std::int16_t>{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(read_numbers<std::uint64_t>(f, "spells/child", H5T_NATIVE_UINT64),
            (std::vector<std::uint64_t>{11, 15, 11, 12, 13, 11, 13, 14, 21, 22}));
  EXPECT_EQ(read_numbers<std::int8_t>(f, "spells/state", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 2, 1, 1, 2, 2, 3, 1, 1, 2}));
  EXPECT_EQ(read_numbers<std::int8_t>(f, "spells/end", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 3, 0, 4, 0, 5, 5, 5, 2, 1}));
  EXPECT_EQ(read_numbers<std::int16_t>(f, "spells/service", H5T_NATIVE_INT16),
            (std::vector<std::int16_t>{0, 1, 0, 1, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(read_numbers<std::int16_t>(f, "spells/next_service", H5T_NATIVE_INT16),
            (std::vector<std::int16_t>{-1, -1, -1, -1, -1, -1, 1, -1, -1, -1}));
  EXPECT_EQ(read_numbers<std::int16_t>(f, "spells/territory", H5T_NATIVE_INT16),
            (std::vector<std::int16_t>{0, 0, 0, 1, 1, 0, 1, 0, 1, 0}));
  EXPECT_EQ(read_numbers<std::int16_t>(f, "spells/place_territory", H5T_NATIVE_INT16),
            (std::vector<std::int16_t>{-1, 0, -1, -1, 1, 2, 1, -1, -1, 0}));
  EXPECT_EQ(read_numbers<double>(f, "spells/start_day", H5T_NATIVE_DOUBLE),
            (std::vector<double>{0, 0, 100, -200, 0, 300, 500, 50, 0, 0}));
  EXPECT_EQ(read_numbers<double>(f, "spells/end_day", H5T_NATIVE_DOUBLE),
            (std::vector<double>{100, 200, 300, 400, 500, 730.5, 730.5, 730.5, 365.25, 600}));
  EXPECT_EQ(read_numbers<std::int8_t>(f, "spells/impairment", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{1, 1, 1, 2, 0, 1, 0, 0, 2, 0}));
  EXPECT_EQ(read_numbers<std::int8_t>(f, "spells/needs_level", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{1, 1, 1, 0, 1, 1, 1, 0, 0, 1}));
  EXPECT_EQ(read_numbers<std::int8_t>(f, "spells/ase", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{1, 1, 1, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(read_numbers<std::int8_t>(f, "spells/boy", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{1, 0, 1, 0, 1, 1, 1, 0, 0, 1}));
  EXPECT_EQ(read_numbers<std::int8_t>(f, "spells/pag", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 0, 0, 0, 0, 0, 0, 1, 0, 0}));
}

TEST_F(ResultsFileTest, SpellCodesCarryCfFlagsAndDaysSinceTheStartDate) {
  const Handle file = open_file(write_spells(folder_, france_spells()));
  const hid_t f = file.get();
  EXPECT_EQ(int8_attribute(f, "spells/state", "flag_values"),
            (std::vector<std::int8_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(string_attribute(f, "spells/state", "flag_meanings"),
            "too_young waiting in_place creton stepping");
  EXPECT_EQ(int8_attribute(f, "spells/end", "flag_values"),
            (std::vector<std::int8_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(string_attribute(f, "spells/end", "flag_meanings"),
            "changed left aged_out died removed horizon lapsed");
  EXPECT_EQ(int8_attribute(f, "spells/impairment", "flag_values"),
            (std::vector<std::int8_t>{0, 1, 2}));
  EXPECT_EQ(string_attribute(f, "spells/impairment", "flag_meanings"),
            "autism polyhandicap other_impairment");  // one word per flag
  EXPECT_EQ(string_attribute(f, "spells/needs_level", "flag_meanings"), "moderate high");
  EXPECT_EQ(string_attribute(f, "spells/start_day", "units"), "days since 2026-01-01");
  EXPECT_EQ(string_attribute(f, "spells/end_day", "units"), "days since 2026-01-01");
  for (const char* name : {"spells/service", "spells/next_service", "spells/place_territory"}) {
    EXPECT_NE(string_attribute(f, name, "description").find("-1: none"), std::string::npos) << name;
  }
}

TEST_F(ResultsFileTest, SpellsAreCompressedInChunksOverAnUnlabelledSpellDimension) {
  const Handle file = open_file(write_spells(folder_, france_spells()));
  const Handle scale{H5Dopen2(file.get(), "spells/spell", H5P_DEFAULT), H5Dclose};
  ASSERT_GT(H5DSis_scale(scale.get()), 0);
  std::array<char, 128> name{};
  ASSERT_GT(H5DSget_scale_name(scale.get(), name.data(), name.size()), 0);
  EXPECT_EQ(std::string{name.data()},
            "This is a netCDF dimension but not a netCDF variable.        10");
  for (const char* column :
       {"spells/replication", "spells/child", "spells/state", "spells/start_day", "spells/pag"}) {
    const Handle dataset{H5Dopen2(file.get(), column, H5P_DEFAULT), H5Dclose};
    EXPECT_GT(H5DSis_attached(dataset.get(), scale.get(), 0), 0) << column;
    const Handle plist{H5Dget_create_plist(dataset.get()), H5Pclose};
    ASSERT_EQ(H5Pget_layout(plist.get()), H5D_CHUNKED) << column;
    hsize_t chunk = 0;
    ASSERT_EQ(H5Pget_chunk(plist.get(), 1, &chunk), 1);
    EXPECT_EQ(chunk, 10U) << column;  // all of the spells, fewer than a chunk's worth
    std::vector<H5Z_filter_t> filters;
    for (int i = 0; i < H5Pget_nfilters(plist.get()); ++i) {
      unsigned flags = 0;
      std::size_t n_values = 0;
      unsigned config = 0;
      filters.push_back(H5Pget_filter2(plist.get(), static_cast<unsigned>(i), &flags, &n_values,
                                       nullptr, 0, nullptr, &config));
    }
    EXPECT_EQ(filters, (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE}))
        << column;
  }
}

// france_spells() with child 16 re-oriented while in a SESSAD place in 75: in its place until
// day 450, then holding it, before its age limit, while on the IME list (stepping) to the horizon.
std::vector<std::vector<model::Spell>> stepping_spells() {
  using State = model::Spell::State;
  using End = model::Spell::End;
  std::vector<std::vector<model::Spell>> spells = france_spells();
  const std::uint8_t c16 = pack(kAutism, 0, false, true, false);
  std::vector<model::Spell>& first = spells[0];
  // In the order they ended: after child 12's removal (day 400), before child 13's change (500).
  first.insert(first.begin() + 4,
               spell(16, State::kInPlace, End::kChanged, 0.0, 450.0, kSessad, kParis, kParis, c16));
  first.push_back(spell(16, State::kStepping, End::kHorizon, 450.0, kHorizonDays, kSessad, kParis,
                        kParis, c16, kIme));
  return spells;
}

TEST_F(ResultsFileTest, SteppingSpellsHoldAPlaceWhileOnTheNextList) {
  const fs::path out = write_spells(folder_, stepping_spells());
  {
    const Handle file = open_file(out);
    const hid_t f = file.get();
    const auto state = read_numbers<std::int8_t>(f, "spells/state", H5T_NATIVE_INT8);
    ASSERT_EQ(state.size(), 12U);
    EXPECT_EQ(state[4], 2);  // child 16 in place
    EXPECT_EQ(state[9], 4);  // then stepping
    EXPECT_EQ(read_numbers<std::int16_t>(f, "spells/next_service", H5T_NATIVE_INT16)[9], kIme);
    EXPECT_EQ(read_numbers<std::int16_t>(f, "spells/place_territory", H5T_NATIVE_INT16)[9], kParis);
    // At the end of the last year: holding a SESSAD place in 75, on 75's IME list with child 14.
    EXPECT_EQ(read_numbers<std::int64_t>(f, "stepping_end",
                                         H5T_NATIVE_INT64)[cell(0, 1, kParis, kSessad)],
              1);
    EXPECT_EQ(
        read_numbers<std::int64_t>(f, "creton_end", H5T_NATIVE_INT64)[cell(0, 1, kParis, kSessad)],
        0);
    EXPECT_EQ(
        read_numbers<std::int64_t>(f, "waiting_end", H5T_NATIVE_INT64)[cell(0, 1, kParis, kIme)],
        2);
  }
  expect_check_output_passes(out);
}

TEST_F(ResultsFileTest, ASteppingSpellCountedAsCretonFailsTheOutputChecker) {
  const Scenario scenario = france_children_scenario();
  run::Results results = spells_results(scenario, stepping_spells());
  model::Indicators& ind = results.replications[0].indicators;
  --ind.stepping_end[ind.cell(1, kParis, kSessad)];
  ++ind.holding_end[ind.cell(1, kParis, kSessad)];
  const fs::path out = folder_ / "spells.h5";
  write_results(out, scenario, results, small_provenance(), false);
  expect_check_output_fails(out,
                            "stepping_end at the end of the last period != horizon spells "
                            "stepping");
}

// france_children_scenario() whose orientations are valid one year, half of them renewed.
Scenario lapsing_scenario() {
  Scenario scenario = france_children_scenario();
  scenario.model.notifications = {1.0, 0.5};
  scenario.text = "[notifications]\nvalidity_years = 1\nrenewal_share = 0.5\n";
  return scenario;
}

// france_spells() with child 17, waiting for an IME in 2A from day 30, whose orientation lapses
// a year later, on day 395.25 (year 1): it leaves the list and the sector.
std::vector<std::vector<model::Spell>> lapsed_spells() {
  using State = model::Spell::State;
  using End = model::Spell::End;
  std::vector<std::vector<model::Spell>> spells = france_spells();
  const std::uint8_t c17 = pack(kAutism, 1, false, false, false);
  // In the order they ended: after child 11's change (day 300), before child 12's removal (400).
  spells[0].insert(spells[0].begin() + 3,
                   spell(17, State::kWaiting, End::kLapsed, 30.0, 395.25, kIme, kCorseDu, -1, c17));
  return spells;
}

TEST_F(ResultsFileTest, ALapsedOrientationEndsItsSpellLapsedAndTheChildLeaves) {
  const fs::path out = write_spells(folder_, lapsed_spells(), lapsing_scenario());
  {
    const Handle file = open_file(out);
    const hid_t f = file.get();
    const auto end = read_numbers<std::int8_t>(f, "spells/end", H5T_NATIVE_INT8);
    ASSERT_EQ(end.size(), 11U);
    EXPECT_EQ(end[3], 6);  // lapsed
    EXPECT_EQ(read_numbers<std::uint64_t>(f, "spells/child", H5T_NATIVE_UINT64)[3], 17U);
    EXPECT_EQ(int8_attribute(f, "spells/end", "flag_values"),
              (std::vector<std::int8_t>{0, 1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(string_attribute(f, "spells/end", "flag_meanings"),
              "changed left aged_out died removed horizon lapsed");
    EXPECT_EQ(read_numbers<std::int64_t>(f, "lapsed", H5T_NATIVE_INT64)[cell(0, 1, kCorseDu, kIme)],
              1);
  }
  expect_check_output_passes(out);
}

TEST_F(ResultsFileTest, TheOutputCheckerMatchesLapsedSpellsWithLapsed) {
  const Scenario scenario = lapsing_scenario();
  const auto write_broken = [&](const std::function<void(model::Indicators&)>& breaking) {
    run::Results results = spells_results(scenario, lapsed_spells());
    breaking(results.replications[0].indicators);
    const fs::path out = folder_ / "spells.h5";
    write_results(out, scenario, results, small_provenance(), /*force=*/true);
    return out;
  };
  // Counted in year 0 rather than year 1, when the spell ended.
  expect_check_output_fails(
      write_broken([](model::Indicators& ind) {
        --ind.lapsed[ind.cell(1, kCorseDu, kIme)];
        ++ind.lapsed[ind.cell(0, kCorseDu, kIme)];
      }),
      "spells ending lapsed by the end of period 0 != lapsed summed up to it");
  // Counted under the SESSAD, not the IME it waited for.
  expect_check_output_fails(write_broken([](model::Indicators& ind) {
                              --ind.lapsed[ind.cell(1, kCorseDu, kIme)];
                              ++ind.lapsed[ind.cell(1, kCorseDu, kSessad)];
                            }),
                            "spells ending lapsed by replication, home territory and service != "
                            "lapsed summed over the run");
  expect_check_output_fails(
      write_broken([](model::Indicators& ind) { --ind.lapsed[ind.cell(1, kCorseDu, kIme)]; }),
      "spells ending lapsed per replication != lapsed summed over the run");
  // Not a departure (the people present kept in balance).
  expect_check_output_fails(write_broken([](model::Indicators& ind) {
                              --ind.departures[ind.flow(1, kCorseDu)];
                              --ind.arrivals[ind.flow(1, kCorseDu)];
                            }),
                            "spells ending left, aged_out, died, removed, lapsed per replication "
                            "!= departures");
}

// france_spells() with child 16 in a SESSAD place in 75 until day 450, then holding it while on
// the IME list (stepping) until day 600, when it reaches the IME's age limit before the SESSAD's:
// it leaves the IME list (aged_out_waiting) and stays in its place to the horizon.
std::vector<std::vector<model::Spell>> stepped_off_spells() {
  using State = model::Spell::State;
  using End = model::Spell::End;
  std::vector<std::vector<model::Spell>> spells = france_spells();
  const std::uint8_t c16 = pack(kAutism, 0, false, true, false);
  std::vector<model::Spell>& first = spells[0];
  // In the order they ended: after child 12's removal (day 400) and child 13's change (500).
  first.insert(first.begin() + 4,
               spell(16, State::kInPlace, End::kChanged, 0.0, 450.0, kSessad, kParis, kParis, c16));
  first.insert(first.begin() + 6, spell(16, State::kStepping, End::kChanged, 450.0, 600.0, kSessad,
                                        kParis, kParis, c16, kIme));
  first.push_back(
      spell(16, State::kInPlace, End::kHorizon, 600.0, kHorizonDays, kSessad, kParis, kParis, c16));
  return spells;
}

TEST_F(ResultsFileTest, AStepperWhoAgesOutOfItsListIsCountedThoughItsSpellEndsChanged) {
  const Scenario scenario = france_children_scenario();
  const auto write_aged_out = [&](std::int64_t n) {
    run::Results results = spells_results(scenario, stepped_off_spells());
    model::Indicators& ind = results.replications[0].indicators;
    ind.aged_out_waiting[ind.cell(1, kParis, kIme)] += n;
    const fs::path out = folder_ / "spells.h5";
    write_results(out, scenario, results, small_provenance(), /*force=*/true);
    return out;
  };
  expect_check_output_passes(write_aged_out(1));
  // One stepping spell ending changed cannot account for two.
  expect_check_output_fails(write_aged_out(2),
                            "aged_out_waiting summed over the run is not between the spells ending "
                            "aged_out and those plus the stepping spells ending changed");
}

TEST_F(ResultsFileTest, SpellsFilePassesTheOutputChecker) {
  expect_check_output_passes(write_spells(folder_, france_spells()));
}

TEST_F(ResultsFileTest, ARunThatAskedForSpellsAndHadNoneWritesAnEmptyTable) {
  const fs::path out = write_spells(folder_, {{}, {}});
  {
    const Handle file = open_file(out);
    EXPECT_GT(H5Lexists(file.get(), "spells", H5P_DEFAULT), 0);
    EXPECT_EQ(shape_of(file.get(), "spells/state"), (std::vector<hsize_t>{0}));
    EXPECT_EQ(shape_of(file.get(), "spells/end_day"), (std::vector<hsize_t>{0}));
    EXPECT_EQ(string_attribute(file.get(), "spells/end", "flag_meanings"),
              "changed left aged_out died removed horizon lapsed");
  }
  expect_check_output_passes(out);
}

TEST_F(ResultsFileTest, ARunThatDidNotAskForSpellsWritesNoSpellsGroup) {
  const Handle file = open_file(write_france(france_children_scenario()));
  EXPECT_EQ(H5Lexists(file.get(), "spells", H5P_DEFAULT), 0);
}

TEST_F(ResultsFileTest, SpellsTheRunDidNotAskForCreateNothing) {
  const Scenario scenario = france_children_scenario();
  run::Results results = spells_results(scenario, france_spells());
  results.spells = false;
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, ASpellOutsideTheModelCreatesNothing) {
  const Scenario scenario = france_children_scenario();
  for (int broken = 0; broken < 4; ++broken) {
    std::vector<std::vector<model::Spell>> spells = france_spells();
    model::Spell& wrong = spells[1][0];
    if (broken == 0) {
      wrong.service = 2;  // two services
    } else if (broken == 1) {
      wrong.place_territory = 3;  // three territories
    } else if (broken == 2) {
      wrong.end = static_cast<model::Spell::End>(7);  // after kLapsed
    } else {
      wrong.attributes = pack(3, 0, false, false, false);  // three impairments
    }
    EXPECT_THROW(write_results(folder_ / "out.h5", scenario, spells_results(scenario, spells),
                               small_provenance(), false),
                 core::InvariantError)
        << broken;
  }
  EXPECT_TRUE(files().empty());
}

TEST(WaitPercentile, IsTheFirstMonthWhoseCumulativeCountReachesTheShare) {
  const std::vector<std::int64_t> bins{2, 0, 3, 5};               // cumulative 2, 2, 5, 10
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 10), 0.0);  // 1 of 10: 2 >= 1
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 5), 0.0);   // 2 of 10: 2 >= 2, exactly
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 2), 2.0);   // 5 of 10: 5 >= 5
  EXPECT_EQ(internal::wait_percentile_months(bins, 51, 100), 3.0);
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 1), 3.0);  // the maximum
}

TEST(WaitPercentile, IsNaNForAnEmptyHistogram) {
  const std::vector<std::int64_t> bins(121, 0);
  EXPECT_TRUE(std::isnan(internal::wait_percentile_months(bins, 1, 2)));
}

TEST(WaitPercentile, LastBinMeansThatManyMonthsOrMore) {
  std::vector<std::int64_t> bins(121, 0);
  bins[120] = 1;
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 2), 120.0);
}

TEST_F(ResultsFileTest, AModelWithoutRegionsCreatesNothing) {
  Scenario scenario = small_scenario();
  const run::Results results = small_results(scenario);
  scenario.model.regions.clear();
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, HomeTerritoryOutsideTheRegionsCreatesNothing) {
  Scenario scenario = france_scenario();
  const run::Results results = france_results(scenario);
  scenario.model.territories[1].region = 2;
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, RefusesToReplaceAFileWithoutForce) {
  const fs::path out = folder_ / "out.h5";
  std::ofstream{out} << "old bytes";
  const Scenario scenario = small_scenario();
  try {
    write_results(out, scenario, small_results(scenario), small_provenance(), /*force=*/false);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string{error.what()}, out.string() + " exists; pass --force to replace it");
  }
  EXPECT_EQ(read_bytes(out), "old bytes");
  EXPECT_EQ(files().size(), 1U);
}

TEST_F(ResultsFileTest, ForceReplacesAFile) {
  const fs::path out = folder_ / "out.h5";
  std::ofstream{out} << "old bytes";
  const Scenario scenario = small_scenario();
  write_results(out, scenario, small_results(scenario), small_provenance(), /*force=*/true);
  EXPECT_GT(H5Fis_hdf5(out.c_str()), 0);
  EXPECT_EQ(files(), (std::vector<fs::path>{"out.h5"}));
}

TEST_F(ResultsFileTest, FailureAfterTheFileWasCreatedLeavesNothing) {
  const Scenario scenario = small_scenario();
  const run::Results results = small_results(scenario);
  const fs::path out = folder_ / "out.h5";
  bool created = false;
  EXPECT_THROW(internal::write_atomically(out, /*force=*/false,
                                          [&](const fs::path& temporary) {
                                            internal::write_results_file(
                                                temporary, scenario, results, small_provenance());
                                            created = fs::exists(temporary);
                                            throw std::runtime_error("disk full");
                                          }),
               std::runtime_error);
  EXPECT_TRUE(created);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, FailureMidWriteLeavesTheOldFile) {
  const fs::path out = folder_ / "out.h5";
  std::ofstream{out} << "old bytes";
  EXPECT_THROW(internal::write_atomically(out, /*force=*/true,
                                          [](const fs::path& temporary) {
                                            std::ofstream{temporary} << "half";
                                            throw std::runtime_error("disk full");
                                          }),
               std::runtime_error);
  EXPECT_EQ(read_bytes(out), "old bytes");
  EXPECT_EQ(files(), (std::vector<fs::path>{"out.h5"}));
}

TEST_F(ResultsFileTest, InconsistentResultsCreateNothing) {
  const Scenario scenario = small_scenario();
  run::Results results = small_results(scenario);
  results.replications[1].books.revenue.pop_back();
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, DuplicateLabelsCreateNothing) {
  Scenario scenario = small_scenario();
  const run::Results results = small_results(scenario);
  scenario.model.services[1].name = "IME";
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, Hdf5FailuresNameTheFileAndPrintNothing) {
  const fs::path taken = folder_ / "taken.h5";
  std::ofstream{taken} << "old bytes";
  ::testing::internal::CaptureStderr();
  try {
    internal::write_results_file(taken, small_scenario(), small_results(small_scenario()),
                                 small_provenance());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string{error.what()}.rfind(taken.string() + ": HDF5 could not create it", 0), 0U)
        << error.what();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(read_bytes(taken), "old bytes");
}

TEST_F(ResultsFileTest, MissingFolderIsAClearError) {
  const fs::path out = folder_ / "missing" / "out.h5";
  const Scenario scenario = small_scenario();
  try {
    write_results(out, scenario, small_results(scenario), small_provenance(), false);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string{error.what()}.find("does not exist"), std::string::npos) << error.what();
    EXPECT_NE(std::string{error.what()}.find((folder_ / "missing").string()), std::string::npos)
        << error.what();
  }
}

// ---- Funding: the books

// france_scenario() funded: two payers; the IME costs 36525 a place-year (100 a day), half of it
// fixed, paid 75 % by the assurance maladie and 25 % by the departement at a fixed daily price
// of 200; the SESSAD costs nothing and gets a (counterfactual) capitation of 3652.5 a child-year
// (10 a day of presence), all from the assurance maladie. Services kIme, kSessad; territories
// kParis, kCorseDu, kBelgium.
Scenario funded_scenario() {
  Scenario scenario = france_scenario();
  funding::Scheme& f = scenario.funding;
  f.payers = {{"assurance_maladie", "ONDAM médico-social"}, {"departement", ""}};
  f.services.assign(2, funding::ServiceMoney{});
  f.services[kIme].euros_per_place_year = 36525.0;
  f.services[kIme].fixed_share = 0.5;
  f.services[kIme].payer_split = {0.75, 0.25};
  f.services[kSessad].payer_split = {1.0, 0.0};
  funding::Assignment price;
  price.name = "ime_price";
  price.services = {kIme};
  price.euros_per_day = 200.0;
  funding::Assignment capitation;
  capitation.name = "sessad_per_child";
  capitation.rule = funding::Rule::kCapitation;
  capitation.services = {kSessad};
  capitation.euros_per_child_year = 3652.5;
  capitation.counterfactual = true;
  f.assignments = {price, capitation};
  return scenario;
}

// france_results() with every place half occupied, every day of it attended (no modes), and two
// more people followed than in a place at the end.
run::Results funded_results(const Scenario& scenario) {
  run::Results results = france_results(scenario);
  for (run::ReplicationResult& replication : results.replications) {
    model::Indicators& ind = replication.indicators;
    for (int p = 0; p < ind.periods; ++p) {
      for (int t = 0; t < ind.territories; ++t) {
        for (int s = 0; s < ind.services; ++s) {
          const std::size_t c = ind.cell(p, t, s);
          const auto places = static_cast<double>(scenario.model.services[s].capacity[t]);
          ind.occupied_place_days[c] = places * 365.25 * 0.5;
          ind.attended_days[c] = ind.occupied_place_days[c];
          ind.followed[c] = ind.occupied_end[c] + 2;
        }
      }
    }
  }
  keep_books(scenario, results);
  return results;
}

// Index of [replication][year][territory][service](payer) in a funded_scenario() file.
std::size_t money_at(int r, int p, int t, int s, int payer = 0, int payers = 1) {
  return (((static_cast<std::size_t>(r) * 2 + p) * 3 + t) * 2 + s) * payers + payer;
}

class FundingFileTest : public ResultsFileTest {
 protected:
  fs::path write_funded(const Scenario& scenario = funded_scenario()) {
    fs::path out = folder_ / "funded.h5";
    write_results(out, scenario, funded_results(scenario), small_provenance(), /*force=*/true);
    return out;
  }
};

TEST_F(FundingFileTest, PayersAndRulesAreLabelledScalesWithTheirCoordinates) {
  const Handle file = open_file(write_funded());
  const hid_t f = file.get();
  EXPECT_EQ(read_strings(f, "payer"),
            (std::vector<std::string>{"assurance_maladie", "departement"}));
  EXPECT_EQ(read_strings(f, "payer_description"),
            (std::vector<std::string>{"ONDAM médico-social", ""}));
  EXPECT_EQ(read_strings(f, "rule"), (std::vector<std::string>{"ime_price", "sessad_per_child"}));
  EXPECT_EQ(read_strings(f, "rule_kind"), (std::vector<std::string>{"daily_price", "capitation"}));
  // The capitation is flagged: money paid under it is what would be paid, not what is.
  EXPECT_EQ(read_numbers<std::int8_t>(f, "rule_counterfactual", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 1}));
  for (const char* name :
       {"payer", "payer_description", "rule", "rule_kind", "rule_counterfactual"}) {
    EXPECT_FALSE(string_attribute(f, name, "description").empty()) << name;
  }
  EXPECT_EQ(shape_of(f, "spending_by_payer"), (std::vector<hsize_t>{2, 2, 3, 2, 2}));
  expect_attached(f, "spending_by_payer", "payer", 4);
  EXPECT_EQ(string_attribute(f, "spending_by_payer", "coordinates"),
            "territory_name places payer_description period_days");
}

TEST_F(FundingFileTest, MoneyIsByTheTerritoryOfThePlaceAndSplitBetweenPayers) {
  const Handle file = open_file(write_funded());
  const hid_t f = file.get();
  const auto spending = read_numbers<double>(f, "spending", H5T_NATIVE_DOUBLE);
  const auto revenue = read_numbers<double>(f, "revenue", H5T_NATIVE_DOUBLE);
  const auto cost = read_numbers<double>(f, "cost", H5T_NATIVE_DOUBLE);
  const auto surplus = read_numbers<double>(f, "surplus", H5T_NATIVE_DOUBLE);
  const auto by_payer = read_numbers<double>(f, "spending_by_payer", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(spending.size(), 24U);
  // IME in 75: 10 places half occupied, 1826.25 days at 200.
  EXPECT_DOUBLE_EQ(spending[money_at(1, 1, kParis, kIme)], 365250.0);
  // Its cost: 10 x 36525 x (0.5 fixed + 0.5 x 0.5 occupancy).
  EXPECT_DOUBLE_EQ(cost[money_at(1, 1, kParis, kIme)], 273937.5);
  EXPECT_DOUBLE_EQ(surplus[money_at(1, 1, kParis, kIme)], 365250.0 - 273937.5);
  EXPECT_DOUBLE_EQ(spending[money_at(0, 0, kBelgium, kIme)], 6 * 182.625 * 200.0);  // abroad too
  // SESSAD in 2A: 3 places, 547.875 days of presence at 10 a day; it costs nothing.
  EXPECT_DOUBLE_EQ(spending[money_at(0, 1, kCorseDu, kSessad)], 5478.75);
  EXPECT_DOUBLE_EQ(cost[money_at(0, 1, kCorseDu, kSessad)], 0.0);
  EXPECT_EQ(revenue, spending);
  EXPECT_DOUBLE_EQ(by_payer[money_at(1, 1, kParis, kIme, 0, 2)], 0.75 * 365250.0);
  EXPECT_DOUBLE_EQ(by_payer[money_at(1, 1, kParis, kIme, 1, 2)], 0.25 * 365250.0);
  EXPECT_DOUBLE_EQ(by_payer[money_at(0, 1, kCorseDu, kSessad, 0, 2)], 5478.75);
  EXPECT_EQ(by_payer[money_at(0, 1, kCorseDu, kSessad, 1, 2)], 0.0);
  for (const char* name : {"spending", "revenue", "cost", "surplus", "spending_by_payer"}) {
    EXPECT_EQ(string_attribute(f, name, "units"), "EUR") << name;
    EXPECT_FALSE(string_attribute(f, name, "description").empty()) << name;
  }
}

TEST_F(FundingFileTest, RegionSumsLeaveAbroadPlacesOutAndNationalSumsTakeThemIn) {
  const Handle file = open_file(write_funded());
  const hid_t f = file.get();
  // [replication][year][region][service], regions Corse (2A) then Ile-de-France (75).
  const auto by_region = read_numbers<double>(f, "spending_by_region", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(by_region.size(), 16U);
  EXPECT_DOUBLE_EQ(by_region[0], 4 * 182.625 * 200.0);   // r 0, y 0, Corse, IME
  EXPECT_DOUBLE_EQ(by_region[2], 10 * 182.625 * 200.0);  // r 0, y 0, Ile-de-France, IME
  // National: 75, 2A and Belgium's 20 IME places: all that the payers pay.
  const auto national = read_numbers<double>(f, "spending_national", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(national.size(), 8U);
  EXPECT_DOUBLE_EQ(national[0], 20 * 182.625 * 200.0);
  EXPECT_DOUBLE_EQ(national[1], 8 * 182.625 * 10.0);  // SESSAD: none in Belgium
  const auto payers = read_numbers<double>(f, "spending_by_payer_national", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(payers.size(), 16U);
  EXPECT_DOUBLE_EQ(payers[0] + payers[1], national[0]);
  EXPECT_DOUBLE_EQ(payers[1], 0.25 * national[0]);
  const auto surplus = read_numbers<double>(f, "surplus_national", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(surplus[0], 20 * (182.625 * 200.0 - 36525.0 * 0.75));
}

TEST_F(FundingFileTest, CostsPerChildAndPerDayAreNationalRatios) {
  const Handle file = open_file(write_funded());
  const hid_t f = file.get();
  const auto per_day = read_numbers<double>(f, "cost_per_day_of_care", H5T_NATIVE_DOUBLE);
  const auto per_child = read_numbers<double>(f, "cost_per_child_followed", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(per_day.size(), 8U);
  for (std::size_t i = 0; i < per_day.size(); ++i) {
    EXPECT_DOUBLE_EQ(per_day[i], i % 2 == 0 ? 200.0 : 10.0) << i;  // the daily amounts
  }
  // Replication 1, year 0, IME: followed base + 3 in 75, 2A and Belgium.
  EXPECT_DOUBLE_EQ(per_child[4], 20 * 182.625 * 200.0 / (1003 + 1013 + 1023));
  EXPECT_EQ(string_attribute(f, "cost_per_day_of_care", "units"), "EUR/day");
  EXPECT_EQ(string_attribute(f, "cost_per_child_followed", "units"), "EUR/child");
  const auto followed = read_numbers<std::int64_t>(f, "followed", H5T_NATIVE_INT64);
  EXPECT_EQ(followed[money_at(1, 0, kParis, kIme)], 1003);
  // small_scenario()'s fixtures follow no one: no cost per child.
  const Handle small = open_file(write(small_scenario()));
  for (const double value :
       read_numbers<double>(small.get(), "cost_per_child_followed", H5T_NATIVE_DOUBLE)) {
    EXPECT_TRUE(std::isnan(value));
  }
  const std::vector<double> fill =
      double_attribute(small.get(), "cost_per_child_followed", "_FillValue");
  ASSERT_EQ(fill.size(), 1U);
  EXPECT_TRUE(std::isnan(fill[0]));
}

TEST_F(FundingFileTest, FundedFilesPassTheOutputChecker) {
  expect_check_output_passes(write_funded());
  Scenario monthly = funded_scenario();
  monthly.model.periods_per_year = 12;
  expect_check_output_passes(write_funded(monthly));
}

TEST_F(FundingFileTest, AScenarioWithoutPayersOrRulesWritesNoPayerOrRuleDatasets) {
  Scenario scenario = small_scenario();
  scenario.funding = funding::Scheme{};
  scenario.funding.services.resize(2);
  const fs::path out = write(scenario);
  const Handle file = open_file(out);
  for (const char* name :
       {"payer", "payer_description", "spending_by_payer", "spending_by_payer_by_region",
        "spending_by_payer_national", "rule", "rule_kind", "rule_counterfactual"}) {
    EXPECT_EQ(H5Lexists(file.get(), name, H5P_DEFAULT), 0) << name;
  }
  for (const double euros : read_numbers<double>(file.get(), "spending", H5T_NATIVE_DOUBLE)) {
    EXPECT_EQ(euros, 0.0);
  }
  expect_check_output_passes(out);
}

TEST_F(FundingFileTest, TheOutputCheckerCatchesMoneyNotConserved) {
  const Scenario scenario = funded_scenario();
  const auto write_broken = [&](const std::function<void(funding::Books&)>& breaking,
                                const Scenario& as = funded_scenario()) {
    run::Results results = funded_results(scenario);
    breaking(results.replications[1].books);
    fs::path out = folder_ / "broken.h5";
    write_results(out, as, results, small_provenance(), /*force=*/true);
    return out;
  };
  // A payer pays a euro more than the provider receives.
  expect_check_output_fails(
      write_broken([](funding::Books& books) { books.paid[books.at(1, 0, 1)] += 1.0; }),
      "money is not conserved: spending_by_payer summed over payer != "
      "spending");
  // The capitation written as if French payers used it.
  Scenario unflagged = funded_scenario();
  unflagged.funding.assignments[1].counterfactual = false;
  expect_check_output_fails(write_broken([](funding::Books&) {}, unflagged),
                            "rule_counterfactual is [0, 0] for rules ['daily_price', "
                            "'capitation']");
}

// provider_scenario() funded: the APAJH 75's IMEs under a global allocation of their places'
// cost (36525 a place-year, half of it fixed), the IME du Golo (no places) at a daily price of
// 150 from the second year; the ESAT unfunded.
Scenario funded_provider_scenario() {
  Scenario scenario = provider_scenario();
  funding::Scheme& f = scenario.funding;
  f.payers = {{"assurance_maladie", ""}};
  f.services.assign(2, funding::ServiceMoney{});
  f.services[kSmallIme].euros_per_place_year = 36525.0;
  f.services[kSmallIme].fixed_share = 0.5;
  f.services[kSmallIme].payer_split = {1.0};
  funding::Assignment cpom;
  cpom.name = "cpom";
  cpom.rule = funding::Rule::kGlobalAllocation;
  cpom.organisations = {0};
  funding::Assignment price;
  price.name = "golo_price";
  price.providers = {kGolo};
  price.euros_per_day = 150.0;
  price.from_period = 1;
  f.assignments = {cpom, price};
  return scenario;
}

TEST_F(ProviderFileTest, ProvidersKeepTheirBooks) {
  const Scenario scenario = funded_provider_scenario();
  const fs::path out = folder_ / "funded.h5";
  write_results(out, scenario, provider_results(scenario), small_provenance(), false);
  const Handle file = open_file(out);
  const hid_t f = file.get();
  const auto revenue = read_numbers<double>(f, "provider_revenue", H5T_NATIVE_DOUBLE);
  const auto cost = read_numbers<double>(f, "provider_cost", H5T_NATIVE_DOUBLE);
  const auto surplus = read_numbers<double>(f, "provider_surplus", H5T_NATIVE_DOUBLE);
  const auto price = read_numbers<double>(f, "provider_price", H5T_NATIVE_DOUBLE);
  const auto billed = read_numbers<double>(f, "provider_billed_days", H5T_NATIVE_DOUBLE);
  const auto rule = read_numbers<std::int16_t>(f, "provider_rule", H5T_NATIVE_INT16);
  const auto followed = read_numbers<std::int64_t>(f, "provider_followed", H5T_NATIVE_INT64);
  ASSERT_EQ(revenue.size(), 18U);
  // Les Tilleuls: its 6 places' cost, 219150, each year; it costs 219150 x (0.5 + 0.5 x 3 / 6)
  // in replication 0 (3 of its 6 places occupied).
  EXPECT_DOUBLE_EQ(revenue[provider_at(0, 2, kTilleuls)], 219150.0);
  EXPECT_DOUBLE_EQ(cost[provider_at(0, 2, kTilleuls)], 164362.5);
  EXPECT_DOUBLE_EQ(surplus[provider_at(0, 2, kTilleuls)], 219150.0 - 164362.5);
  EXPECT_DOUBLE_EQ(revenue[provider_at(1, 0, kArcEnCiel)], 146100.0);
  EXPECT_EQ(rule[provider_at(1, 0, kArcEnCiel)], 0);
  EXPECT_EQ(price[provider_at(1, 0, kArcEnCiel)], 0.0);                   // not a daily price
  EXPECT_DOUBLE_EQ(billed[provider_at(1, 0, kArcEnCiel)], 2.0 * 365.25);  // whatever its rule
  // The IME du Golo: no rule in the first year, its price from the second; no place, no day.
  EXPECT_EQ(rule[provider_at(0, 0, kGolo)], -1);
  EXPECT_EQ(rule[provider_at(0, 1, kGolo)], 1);
  EXPECT_EQ(price[provider_at(0, 1, kGolo)], 150.0);
  EXPECT_EQ(revenue[provider_at(0, 1, kGolo)], 0.0);
  EXPECT_EQ(followed[provider_at(1, 2, kTilleuls)], 5);  // those in a place at the end
  EXPECT_EQ(string_attribute(f, "provider_price", "units"), "EUR/day");
  EXPECT_EQ(string_attribute(f, "provider_revenue", "units"), "EUR");
  expect_attached(f, "provider_rule", "provider", 2);
  // The cell's money is its providers': IME in 75.
  const auto spending = read_numbers<double>(f, "spending", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(spending[(2 * 2 + kSmallParis) * 2 + kSmallIme], 219150.0 + 146100.0);
  expect_check_output_passes(out);
}

// funded_provider_scenario() with APAJH 75's allocation a CPOM: occupancy objective 0.9, a = 0.5.
Scenario cpom_provider_scenario() {
  Scenario scenario = funded_provider_scenario();
  funding::Assignment& cpom = scenario.funding.assignments[0];
  cpom.rule = funding::Rule::kPooledAllocation;
  cpom.term_years = 2;
  cpom.modulation = {funding::ActivityMeasure::kOccupancy, 0.9, 0.5};
  return scenario;
}

TEST_F(ProviderFileTest, ContractsWriteTheirEnvelopesIndicatorsAndTimeOfCare) {
  const Scenario scenario = cpom_provider_scenario();
  const fs::path out = folder_ / "cpom.h5";
  write_results(out, scenario, provider_results(scenario), small_provenance(), false);
  const Handle file = open_file(out);
  const hid_t f = file.get();
  const auto envelope = read_numbers<double>(f, "pooled_envelope", H5T_NATIVE_DOUBLE);
  const auto paid = read_numbers<double>(f, "pooled_paid", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(envelope.size(), 2U * 3U * 2U);  // [replication][year][organisation]
  // APAJH 75's 10 places at 36,525 €: 365,250 a year. Replication 0: 5 of its 10 places
  // occupied (occupancy 0.5, 0.4 short of 0.9): from year 1, 0.5 x 0.4 = 20 % cut: 292,200.
  EXPECT_DOUBLE_EQ(envelope[0], 365'250.0);
  EXPECT_DOUBLE_EQ(paid[0], 365'250.0);
  EXPECT_DOUBLE_EQ(envelope[2], 365'250.0);
  EXPECT_NEAR(paid[2], 292'200.0, 1e-6);
  EXPECT_EQ(envelope[1], 0.0);  // the IME du Golo is under its daily price
  EXPECT_EQ(string_attribute(f, "pooled_envelope", "units"), "EUR");
  expect_attached(f, "pooled_envelope", "organisation", 2);
  // Indicators by provider: Les Tilleuls 3 of 6 places occupied in replication 0.
  const auto values = read_numbers<double>(f, "provider_indicators", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(values.size(), 2U * 3U * kProviders * funding::kIndicators);
  EXPECT_DOUBLE_EQ(values[provider_at(0, 0, kTilleuls) * funding::kIndicators], 0.5);
  expect_attached(f, "provider_indicators", "indicator", 3);
  // Its places, on which its books are kept: 6 all period (provider_authorised_place_days /
  // period_days; the file no longer repeats them as a dataset of their own).
  const auto place_days =
      read_numbers<double>(f, "provider_authorised_place_days", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(place_days[provider_at(1, 2, kTilleuls)] / 365.25, 6.0);
  EXPECT_FALSE(H5Lexists(f, "provider_authorised_places", H5P_DEFAULT) > 0);
  // The time of care with the defaults (6 hours a day attended, 0.5 staff a place of 1,607
  // hours): Les Tilleuls' 3 children over its 6 places: 3 x 365.25 x 6 / (6 x 0.5 x 1607).
  const auto tam = read_numbers<double>(f, "provider_time_of_care", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(tam[provider_at(0, 0, kTilleuls)], 3.0 * 365.25 * 6.0 / (6.0 * 0.5 * 1607.0));
  EXPECT_TRUE(std::isnan(tam[provider_at(0, 0, kGolo)]));  // no places
  const auto kinds = read_strings(f, "rule_kind");
  EXPECT_EQ(kinds[0], "pooled_allocation");
  const auto terms = read_numbers<std::int16_t>(f, "rule_term_years", H5T_NATIVE_INT16);
  EXPECT_EQ(terms, (std::vector<std::int16_t>{2, 0}));
  expect_check_output_passes(out);
}

TEST_F(ProviderFileTest, TheOutputCheckerCatchesAnExceededEnvelopeAndAnEarlyRepayment) {
  Scenario scenario = cpom_provider_scenario();
  const auto write_broken = [&](const std::function<void(funding::Books&)>& breaking) {
    run::Results results = provider_results(scenario);
    breaking(results.replications[1].books);
    fs::path out = folder_ / "broken.h5";
    write_results(out, scenario, results, small_provenance(), /*force=*/true);
    return out;
  };
  expect_check_output_fails(write_broken([](funding::Books& books) {
                              books.pooled_paid[0] += 1.0;  // year 0, paid the whole envelope
                            }),
                            "pooled_paid is above pooled_envelope");
  // An impact bond of 2-year terms from year 0 repays at the end of year 1 only.
  funding::Assignment bond;
  bond.name = "bond";
  bond.rule = funding::Rule::kImpactBond;
  bond.organisations = {1};
  bond.term_years = 2;
  bond.counterfactual = true;
  scenario.funding.assignments.push_back(bond);
  expect_check_output_fails(write_broken([](funding::Books& books) {
                              books.repaid[books.assignments * 0 + 2] = 1.0;  // year 0
                            }),
                            "repaid at periods [0], not all at a term's end");
}

TEST_F(ProviderFileTest, WithoutRulesNoProviderIsPaid) {
  Scenario scenario = provider_scenario();
  scenario.funding.assignments.clear();
  const fs::path out = folder_ / "unfunded.h5";
  write_results(out, scenario, provider_results(scenario), small_provenance(), false);
  const Handle file = open_file(out);
  for (const std::int16_t rule :
       read_numbers<std::int16_t>(file.get(), "provider_rule", H5T_NATIVE_INT16)) {
    EXPECT_EQ(rule, -1);
  }
  EXPECT_EQ(H5Lexists(file.get(), "rule", H5P_DEFAULT), 0);
  expect_check_output_passes(out);
}

TEST_F(ProviderFileTest, TheOutputCheckerCatchesBrokenProviderBooks) {
  const Scenario scenario = funded_provider_scenario();
  const auto write_broken = [&](const std::function<void(funding::Books&)>& breaking) {
    run::Results results = provider_results(scenario);
    breaking(results.replications[1].books);
    fs::path out = folder_ / "broken.h5";
    write_results(out, scenario, results, small_provenance(), /*force=*/true);
    return out;
  };
  expect_check_output_fails(
      write_broken([](funding::Books& books) { books.price[books.at(2, kArcEnCiel)] = 12.0; }),
      "provider_price is not 0 where the rule that applied is not a daily or modulated "
      "price");
  expect_check_output_fails(write_broken([](funding::Books& books) {
                              books.revenue[books.at(0, kGolo)] = 10.0;
                              books.paid[books.at(0, kGolo, 0)] = 10.0;
                            }),
                            "provider_revenue is not 0 where no rule applied");
}

TEST_F(ResultsFileTest, BooksOrSchemesOfAnotherModelCreateNothing) {
  const auto expect_refused = [&](const Scenario& scenario, const run::Results& results,
                                  const char* what) {
    EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
                 core::InvariantError)
        << what;
  };
  const Scenario good = funded_scenario();
  const run::Results results = funded_results(good);
  {
    run::Results broken = results;
    broken.replications[0].books.paid.pop_back();
    expect_refused(good, broken, "missized payments");
  }
  {
    run::Results broken = results;
    broken.replications[1].books.rule[0] = 2;  // two rules
    expect_refused(good, broken, "a rule out of range");
  }
  {
    Scenario scenario = good;
    scenario.funding.payers.pop_back();
    expect_refused(scenario, results, "books for another number of payers");
  }
  {
    Scenario scenario = good;
    scenario.funding.services.pop_back();
    expect_refused(scenario, results, "money for another number of services");
  }
  {
    Scenario scenario = good;
    scenario.funding.assignments[1].name = "ime_price";
    expect_refused(scenario, results, "two rules of one name");
  }
  {
    Scenario scenario = good;
    scenario.model.services[kSessad].capacity[kBelgium] = 2;  // one unit more
    expect_refused(scenario, results, "books for other units");
  }
  EXPECT_TRUE(files().empty());
}

}  // namespace
}  // namespace parcours::io
