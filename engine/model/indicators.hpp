// What one replication measures, per period (year or month), territory and service.
// Flat arrays in [period][territory][service] (or [period][territory]) order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace parcours::model {

/// One spell of one child in one state, for the individual spells table (on request).
struct Spell {
  enum class State : std::uint8_t {
    kTooYoung,  // oriented to `service`, not yet old enough to join its list
    kWaiting,   // on `service`'s list, holding no place
    kInPlace,   // in a place of `service` (in `place_territory`)
    kCreton,    // holding a place of `service` past its age limit while on `next_service`'s list
    kStepping,  // holding a place of `service`, before its age limit, while on `next_service`'s
                // list (a step of its plan, or a stay's end, re-oriented it there)
  };
  enum class End : std::uint8_t {
    kChanged,  // went on to another state (the child's next spell starts that day)
    kLeft,     // left the sector at the end of a stay
    kAgedOut,  // reached the age limit of the service it waited for
    kDied,
    kRemoved,  // taken off a list at a review (situation changed)
    kHorizon,  // still going at the end of the run (censored)
    kLapsed,   // its orientation expired unrenewed while it waited (left the sector)
  };
  std::uint64_t child = 0;  // the child's stream key: the same child in every policy variant
  double start_day = 0.0;   // days since the start date (negative: began before it)
  double end_day = 0.0;
  std::uint16_t service = std::numeric_limits<std::uint16_t>::max();
  std::uint16_t next_service =
      std::numeric_limits<std::uint16_t>::max();  // holders: kCreton, kStepping
  std::uint16_t territory = 0;                    // home
  std::uint16_t place_territory = std::numeric_limits<std::uint16_t>::max();  // kInPlace/kCreton
  State state = State::kWaiting;
  End end = End::kHorizon;
  std::uint8_t attributes = 0;  // Attributes::pack() at the spell's end
};

/// The sizes of a replication's indicator arrays.
struct Shape {
  int periods = 0;
  int territories = 0;
  int services = 0;
  int regions = 1;
  int interims = 0;
  int priorities = 1;
  int impairments = 1;
  int modes = 0;
  int schoolings = 0;
  int age_groups = 0;
  int plan_steps = 0;
  int providers = 0;       // declared providers (Model::providers)
  int outcomes = 0;        // named outcomes of leavers (Model::outcomes)
  int needs = 1;           // needs levels (Children::needs_levels)
  bool mode_days = false;  // measure the declared providers' days by mode (Model::mode_days)
};

/// Indicators of one replication. Plain value type; all vectors sized by `resize`.
struct Indicators {
  int periods = 0;
  int territories = 0;
  int services = 0;

  // [period][territory][service]
  std::vector<double> occupied_place_days;     // integral of occupied places over the period
  std::vector<std::int64_t> admissions;        // entries into a place during the period
  std::vector<std::int64_t> waiting_end;       // on the waiting list at the period's end
  std::vector<std::int64_t> holding_end;       // holding this service's place while waiting
                                               // for the next one (Creton), at the end
  std::vector<std::int64_t> aged_out_waiting;  // left the list at its age limit, in period
  std::vector<std::int64_t> occupied_end;      // places of the cell occupied at the end

  // [period][home territory][service]: where children from a home territory are at the end,
  // and the waits of those admitted from a list during the period.
  std::vector<std::int64_t> away_end;            // in a place in another home territory
  std::vector<std::int64_t> abroad_end;          // in a place in an abroad territory
  std::vector<std::int64_t> admitted_from_list;  // admissions after waiting on a list
  std::vector<double> waited_days;               // sum of those waits, days

  // [period][region][service][month]: waits of children admitted from a list, by home
  // region, in whole months (kWaitMonths - 1: that many months or more).
  static constexpr int kWaitMonths = 121;
  int regions = 0;
  std::vector<std::int64_t> wait_histogram;

  // [period][home territory][service][interim]: children on the list of `service` at the
  // period's end, by interim situation (only those holding no place, and only for services
  // that record one; see Service::interim_shares).
  int interims = 0;
  std::vector<std::int64_t> waiting_interim_end;
  // Same layout, in the period: children who drew this interim situation when its room in their
  // home territory was used up, and took its fallback instead (limited situations only).
  std::vector<std::int64_t> interim_fallbacks;

  // [period][home territory][service][outcome], in the period: people who left the sector from
  // a place of `service` (or its list) by a decision branch naming that outcome (Model::outcomes).
  int outcomes = 0;
  std::vector<std::int64_t> left_to;

  // [period][home territory][service][priority]: children on the list at the period's end, by
  // priority level (Model::lists.priority); they sum to waiting_end.
  int priorities = 1;
  std::vector<std::int64_t> waiting_priority_end;

  // [period][home territory][service]
  std::vector<std::int64_t> pag_end;            // on the list with a PAG, at the end
  std::vector<std::int64_t> removed_at_review;  // taken off the list at a review, in period
  std::vector<std::int64_t> died;  // deaths in period, by the service of their place (else
                                   // of the list they were on or oriented to)
  std::vector<std::int64_t> occupants_ase_end;  // in a place (anywhere), under ASE, at the end

  // [period][home territory][service][impairment], at the period's end
  int impairments = 1;
  std::vector<std::int64_t> occupants_impairment_end;  // in a place of the service (anywhere)
  std::vector<std::int64_t> waiting_impairment_end;    // on its list

  // [period][home territory][service], in the period: orientations to the service renewed, and
  // lapsed (the child left its list and the sector), at their expiry while the child waited
  // holding no place; children who took a place of its alternative service while waiting for it
  // (double orientation, at the join or at a PAG).
  std::vector<std::int64_t> renewed;
  std::vector<std::int64_t> lapsed;
  std::vector<std::int64_t> to_alternative;

  // [period][territory][service]: people holding a place of the service (in that territory),
  // before its age limit, while waiting for a place of another service (holding_end counts
  // those past the age limit: the Creton young adults), at the period's end.
  std::vector<std::int64_t> stepping_end;

  // [period][home territory][service][mode | schooling | age group], at the period's end:
  // children in a place of the service (anywhere), by mode and by schooling (services that
  // record them; 0 elsewhere), and by age group (Children::age_groups); children on its list
  // by age group.
  int modes = 0;
  int schoolings = 0;
  int age_groups = 0;
  std::vector<std::int64_t> occupants_mode_end;
  std::vector<std::int64_t> occupants_schooling_end;
  std::vector<std::int64_t> occupants_age_end;
  std::vector<std::int64_t> waiting_age_end;

  // Yearly plan reviews, in the period: [period][home territory][service] children in a place
  // of the service whose plan was reviewed; [period][home territory][step] steps taken.
  int plan_steps = 0;
  std::vector<std::int64_t> plan_reviews;
  std::vector<std::int64_t> plan_steps_taken;

  // [period][territory][service], in the period, for funding by days and by child: occupied
  // place-days weighted by each occupant's attendance (Mode::attendance; 1 where the service
  // records no mode), and the part of them spent at school (× Schooling::school_day_share);
  // people who were in a place of the cell at some time in the period (at its start, or
  // admitted during it: the "file active").
  std::vector<double> attended_days;
  std::vector<double> school_days;
  std::vector<std::int64_t> followed;

  // [period][territory][service], by where the places are (as occupied_place_days): authorised
  // places at the period's end and their integral over the period (the policy timeline changes
  // them; place-days), and the occupants at the end in an ordinary school (Schooling::
  // ordinary_school: the inclusion rate's numerator), by needs level ([..][needs]) and by mode
  // ([..][mode]; services that record modes).
  int needs = 1;
  std::vector<std::int64_t> capacity_end;
  std::vector<double> capacity_days;
  std::vector<std::int64_t> place_ordinary_school_end;
  std::vector<std::int64_t> place_needs_end;
  std::vector<std::int64_t> place_mode_end;

  // [period][territory][service], in the period, by where the places are: providers' responses
  // to the incentives of their funding (Model::behaviour): places held vacant when they freed and
  // the days they were to be held (counted in the period they freed); young adults not kept past
  // the age limit (Creton) but sent home to wait; admissions of a child other than the first the
  // provider could admit (selection by needs).
  std::vector<std::int64_t> vacancies_held;
  std::vector<double> vacancy_hold_days;
  std::vector<std::int64_t> young_adults_released;
  std::vector<std::int64_t> admissions_selected;

  // [period][provider], for the declared providers (Model::providers):
  int providers = 0;
  std::vector<double> provider_attended_days;  // as attended_days, school_days and followed
  std::vector<double> provider_school_days;
  std::vector<std::int64_t> provider_followed;
  std::vector<double> provider_place_days;              // integral of its occupied places
  std::vector<std::int64_t> provider_admissions;        // entries into its places, in the period
  std::vector<std::int64_t> provider_occupied_end;      // its places occupied at the end
  std::vector<std::int64_t> provider_applications_end;  // children on its own list at the end
                                                        // (lists per provider; 0 when pooled)
  std::vector<std::int64_t> provider_capacity_end;      // as the place_ and capacity_ arrays above
  std::vector<double> provider_capacity_days;
  std::vector<std::int64_t> provider_ordinary_school_end;
  std::vector<std::int64_t> provider_needs_end;  // [period][provider][needs]
  std::vector<std::int64_t> provider_mode_end;   // [period][provider][mode]
  // [period][provider][mode], only when the model asks (Model::mode_days; else empty): the
  // provider's attended days and the part of them at school, by each occupant's mode (Model::
  // modes; a service that records none counts every day in mode 0); over the modes they sum to
  // provider_attended_days and provider_school_days. Modulated daily prices bill them.
  std::vector<double> provider_mode_attended_days;
  std::vector<double> provider_mode_school_days;

  // Individual spells, when the run asked for them (Simulation::record_spells), in the order
  // they ended; spells still going at the horizon end there (End::kHorizon).
  std::vector<Spell> spells;

  // [period][territory]: people in the sector (in a place, on a list, or oriented and not yet
  // old enough), so present_start + arrivals == present_end + departures.
  std::vector<std::int64_t> present_start;
  std::vector<std::int64_t> arrivals;
  std::vector<std::int64_t> departures;
  std::vector<std::int64_t> present_end;

  std::uint64_t events = 0;  // events processed (stale, cancelled ones not counted)

  void resize(int n_periods, int n_territories, int n_services, int n_regions = 1,
              int n_interims = 0) {
    resize(Shape{n_periods, n_territories, n_services, n_regions, n_interims});
  }

  void resize(const Shape& shape) {
    const int n_periods = shape.periods;
    const int n_territories = shape.territories;
    const int n_services = shape.services;
    const int n_regions = shape.regions;
    const int n_interims = shape.interims;
    periods = n_periods;
    territories = n_territories;
    services = n_services;
    regions = n_regions;
    interims = n_interims;
    priorities = shape.priorities;
    impairments = shape.impairments;
    modes = shape.modes;
    schoolings = shape.schoolings;
    age_groups = shape.age_groups;
    plan_steps = shape.plan_steps;
    providers = shape.providers;
    outcomes = shape.outcomes;
    needs = shape.needs;
    const auto cells = static_cast<std::size_t>(n_periods) * n_territories * n_services;
    const auto flows = static_cast<std::size_t>(n_periods) * n_territories;
    occupied_place_days.assign(cells, 0.0);
    admissions.assign(cells, 0);
    waiting_end.assign(cells, 0);
    holding_end.assign(cells, 0);
    aged_out_waiting.assign(cells, 0);
    occupied_end.assign(cells, 0);
    away_end.assign(cells, 0);
    abroad_end.assign(cells, 0);
    admitted_from_list.assign(cells, 0);
    waited_days.assign(cells, 0.0);
    waiting_interim_end.assign(cells * static_cast<std::size_t>(n_interims), 0);
    interim_fallbacks.assign(cells * static_cast<std::size_t>(n_interims), 0);
    left_to.assign(cells * static_cast<std::size_t>(outcomes), 0);
    waiting_priority_end.assign(cells * static_cast<std::size_t>(priorities), 0);
    pag_end.assign(cells, 0);
    removed_at_review.assign(cells, 0);
    died.assign(cells, 0);
    occupants_ase_end.assign(cells, 0);
    occupants_impairment_end.assign(cells * static_cast<std::size_t>(impairments), 0);
    waiting_impairment_end.assign(cells * static_cast<std::size_t>(impairments), 0);
    stepping_end.assign(cells, 0);
    attended_days.assign(cells, 0.0);
    school_days.assign(cells, 0.0);
    followed.assign(cells, 0);
    capacity_end.assign(cells, 0);
    capacity_days.assign(cells, 0.0);
    place_ordinary_school_end.assign(cells, 0);
    place_needs_end.assign(cells * static_cast<std::size_t>(needs), 0);
    place_mode_end.assign(cells * static_cast<std::size_t>(modes), 0);
    renewed.assign(cells, 0);
    vacancies_held.assign(cells, 0);
    vacancy_hold_days.assign(cells, 0.0);
    young_adults_released.assign(cells, 0);
    admissions_selected.assign(cells, 0);
    lapsed.assign(cells, 0);
    to_alternative.assign(cells, 0);
    occupants_mode_end.assign(cells * static_cast<std::size_t>(modes), 0);
    occupants_schooling_end.assign(cells * static_cast<std::size_t>(schoolings), 0);
    occupants_age_end.assign(cells * static_cast<std::size_t>(age_groups), 0);
    waiting_age_end.assign(cells * static_cast<std::size_t>(age_groups), 0);
    plan_reviews.assign(cells, 0);
    plan_steps_taken.assign(flows * static_cast<std::size_t>(plan_steps), 0);
    const auto by_provider = static_cast<std::size_t>(n_periods) * providers;
    provider_place_days.assign(by_provider, 0.0);
    provider_attended_days.assign(by_provider, 0.0);
    provider_school_days.assign(by_provider, 0.0);
    provider_followed.assign(by_provider, 0);
    provider_admissions.assign(by_provider, 0);
    provider_occupied_end.assign(by_provider, 0);
    provider_applications_end.assign(by_provider, 0);
    provider_capacity_end.assign(by_provider, 0);
    provider_capacity_days.assign(by_provider, 0.0);
    provider_ordinary_school_end.assign(by_provider, 0);
    provider_needs_end.assign(by_provider * static_cast<std::size_t>(needs), 0);
    provider_mode_end.assign(by_provider * static_cast<std::size_t>(modes), 0);
    const std::size_t mode_days =
        shape.mode_days ? by_provider * static_cast<std::size_t>(modes) : 0;
    provider_mode_attended_days.assign(mode_days, 0.0);
    provider_mode_school_days.assign(mode_days, 0.0);
    spells.clear();
    wait_histogram.assign(
        static_cast<std::size_t>(n_periods) * n_regions * n_services * kWaitMonths, 0);
    present_start.assign(flows, 0);
    arrivals.assign(flows, 0);
    departures.assign(flows, 0);
    present_end.assign(flows, 0);
  }

  [[nodiscard]] std::size_t cell(int period, int territory, int service) const {
    return (static_cast<std::size_t>(period) * territories + territory) * services + service;
  }

  [[nodiscard]] std::size_t wait_bin(int period, int region, int service, int month) const {
    return ((static_cast<std::size_t>(period) * regions + region) * services + service) *
               kWaitMonths +
           month;
  }

  // [period][territory][service][k] for an array of `n` per cell (modes, schoolings, ages).
  [[nodiscard]] std::size_t sub_cell(int period, int territory, int service, int n, int k) const {
    return cell(period, territory, service) * static_cast<std::size_t>(n) + k;
  }

  [[nodiscard]] std::size_t interim_cell(int period, int territory, int service,
                                         int interim) const {
    return sub_cell(period, territory, service, interims, interim);
  }

  [[nodiscard]] std::size_t outcome_cell(int period, int territory, int service,
                                         int outcome) const {
    return sub_cell(period, territory, service, outcomes, outcome);
  }

  [[nodiscard]] std::size_t priority_cell(int period, int territory, int service,
                                          int priority) const {
    return sub_cell(period, territory, service, priorities, priority);
  }

  [[nodiscard]] std::size_t impairment_cell(int period, int territory, int service,
                                            int impairment) const {
    return sub_cell(period, territory, service, impairments, impairment);
  }

  [[nodiscard]] std::size_t step_cell(int period, int territory, int step) const {
    return flow(period, territory) * static_cast<std::size_t>(plan_steps) + step;
  }

  [[nodiscard]] std::size_t provider_cell(int period, int provider) const {
    return static_cast<std::size_t>(period) * providers + provider;
  }

  // provider_mode_attended_days and provider_mode_school_days (when measured).
  [[nodiscard]] std::size_t provider_mode_cell(int period, int provider, int mode) const {
    return provider_cell(period, provider) * static_cast<std::size_t>(modes) + mode;
  }

  [[nodiscard]] std::size_t flow(int period, int territory) const {
    return static_cast<std::size_t>(period) * territories + territory;
  }
};

}  // namespace parcours::model
