// What one replication measures, per period (year or month), territory and service.
// Flat arrays in [period][territory][service] (or [period][territory]) order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace parcours::model {

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

  // [period][territory]: people in the sector (in a place, on a list, or oriented and not yet
  // old enough), so present_start + arrivals == present_end + departures.
  std::vector<std::int64_t> present_start;
  std::vector<std::int64_t> arrivals;
  std::vector<std::int64_t> departures;
  std::vector<std::int64_t> present_end;

  std::uint64_t events = 0;  // events processed (stale, cancelled ones not counted)

  void resize(int n_periods, int n_territories, int n_services, int n_regions = 1,
              int n_interims = 0) {
    periods = n_periods;
    territories = n_territories;
    services = n_services;
    regions = n_regions;
    interims = n_interims;
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

  [[nodiscard]] std::size_t interim_cell(int period, int territory, int service,
                                         int interim) const {
    return cell(period, territory, service) * static_cast<std::size_t>(interims) + interim;
  }

  [[nodiscard]] std::size_t flow(int period, int territory) const {
    return static_cast<std::size_t>(period) * territories + territory;
  }
};

}  // namespace parcours::model
