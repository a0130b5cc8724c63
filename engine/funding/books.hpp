// The books of a run: who pays each provider how much, period by period, under the funding rules
// a scenario assigns to providers (by service, provider or managing organisation) from a date;
// each provider's cost and its surplus or deficit; each payer's share. Computed from the
// activity the simulation measured (Indicators), so a funding rule never changes a child's
// path unless a behaviour responds to it (issue 4, later slices).
#pragma once

#include "engine/funding/modulated_price.hpp"
#include "engine/model/indicators.hpp"
#include "engine/model/params.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace parcours::funding {

using PayerId = std::uint8_t;

/// Who pays: Assurance maladie (ONDAM → CNSA → ARS), the départements, the State...
struct Payer {
  std::string name;
  std::string description;
};

/// What a service's places cost and how its days are billed (`[services.X.money]`).
struct ServiceMoney {
  // Approved net cost of one place for a year at the start (the budget a tarification
  // authority approves: charges net of other revenues), euros; grows by Scheme::cost_growth.
  double euros_per_place_year = 0.0;  // >= 0
  // Share of a provider's cost that does not vary with its occupancy (staff, buildings); the
  // rest is proportional to occupancy: cost = budget × (fixed + (1 - fixed) × occupancy).
  double fixed_share = 1.0;         // [0, 1]
  std::vector<double> payer_split;  // one share per Scheme::payers, sum 1; empty: unfunded
  // Billing (daily prices): a place occupied for a calendar year by a child attending every
  // opening day gives `opening_days` days; a child's mode scales them by its attendance
  // (model::Mode::attendance), and its schooling sends a share of them to school
  // (model::Schooling::school_day_share: inclusion days).
  double opening_days = 365.25;   // (0, 366]
  double absence_share = 0.0;     // [0, 1): share of days in the establishment the child is absent
  double bill_absences = 1.0;     // [0, 1]: share of absence days billed
  double bill_school_days = 1.0;  // [0, 1]: share of days at school (inclusion days) billed
};

enum class Rule : std::uint8_t {
  kDailyPrice,        // revenue = price × billed days (R.314-113)
  kGlobalAllocation,  // a yearly budget paid in equal parts each period, renewed with growth
  kCapitation,        // a sum per child followed (per child-year of presence): counterfactual
};

inline constexpr std::uint8_t kNoRule = std::numeric_limits<std::uint8_t>::max();

/// One `[[funding.rules]]` entry: a rule assigned to some providers from a date. For a provider
/// and a period, the last entry (in file order) that selects it and has started applies.
struct Assignment {
  std::string name;  // unique; for the outputs
  Rule rule = Rule::kDailyPrice;
  int from_period = 0;  // first period it applies to (the first that starts on or after `from`)
  // Who: a provider is selected when it matches every non-empty list (all empty: every
  // provider). Implicit providers (services without declared ones) have no organisation.
  std::vector<model::ServiceId> services;
  std::vector<model::ProviderId> providers;  // declared providers
  std::vector<model::OrganisationId> organisations;
  // kDailyPrice: a fixed price, or (unset) the year's budget over the mean billed days of the
  // three previous years (fewer at the start; none: the forecast, places × opening days ×
  // forecast_occupancy).
  std::optional<double> euros_per_day;
  double forecast_occupancy = 1.0;  // (0, 1]
  // The divisor is never below places × opening days × floor_occupancy: an authority does not
  // price a provider on activity it judges abnormally low ("circonstances particulières",
  // R.314-113), so a nearly empty provider's price cannot soar. 0: the plain mean.
  double floor_occupancy = 0.0;  // [0, 1]
  // kGlobalAllocation: the budget of the year the assignment starts (places × cost), then
  // renewed each year × (1 + growth_per_year) (a "taux de reconduction"), whatever the cost.
  double growth_per_year = 0.0;  // > -1
  // kCapitation: euros a year per child followed (counted per day of presence).
  double euros_per_child_year = 0.0;
  bool counterfactual = false;  // set for rules no French payer uses (capitation): flagged in
                                // the outputs
};

/// The funding of a scenario.
struct Scheme {
  std::vector<Payer> payers;           // at most 255
  std::vector<ServiceMoney> services;  // one per model service
  double cost_growth = 0.0;            // > -1: yearly growth of costs per place (inflation)
  std::vector<Assignment> assignments;
  // Modulated daily prices (R.314-119, modulated_price.hpp): the price modes, and each declared
  // provider's cost decomposition (nullopt: none given), its forecast days one per price mode.
  // `parcours prices` computes the prices from them; the books do not pay them yet.
  std::vector<PriceMode> price_modes;
  std::vector<std::optional<CostDecomposition>> costs;  // per declared provider (ProviderId)
  AfterNotification after_notification = AfterNotification::kScale;

  [[nodiscard]] bool empty() const { return assignments.empty(); }
};

/// A funded unit: a declared provider, or the implicit provider of a (territory, service) cell
/// of a service without declared providers (as the simulation has them), in that order.
struct Unit {
  model::TerritoryId territory = 0;
  model::ServiceId service = 0;
  model::ProviderId provider = model::kNoProvider;  // declared provider, or kNoProvider
  std::int64_t places = 0;
  std::uint32_t organisation = std::numeric_limits<std::uint32_t>::max();  // none: implicit
};

/// The units of a model: declared providers (Model::providers order), then one per cell with
/// places of each service without declared providers, territory-major: for each territory in
/// Model::territories order (abroad ones too), the services in order whose capacity there is > 0.
/// Outputs index units so: the order is stable.
[[nodiscard]] std::vector<Unit> units(const model::Model& model);

/// Per period and unit ([period][unit]), and per period, unit and payer.
struct Books {
  int periods = 0;
  int units = 0;
  int payers = 0;
  std::vector<double> billed_days;  // days a daily price would bill (whatever the rule)
  std::vector<double> price;        // euros per billed day applied (daily price; else 0)
  std::vector<double> revenue;      // euros received
  std::vector<double> cost;         // euros spent
  std::vector<std::uint8_t> rule;   // index of the Assignment that applied; kNoRule: none
  std::vector<double> paid;         // [period][unit][payer]: euros, summing to revenue

  [[nodiscard]] std::size_t at(int period, int unit) const {
    return static_cast<std::size_t>(period) * units + unit;
  }

  [[nodiscard]] std::size_t at(int period, int unit, int payer) const {
    return at(period, unit) * payers + payer;
  }
};

/// Keeps the books of one replication from its indicators (of this model). A pure function:
/// thread-safe. A scheme that pays a service with an empty payer_split, or shapes that do not
/// match the model, break an invariant (core::InvariantError; io validates scenarios first).
[[nodiscard]] Books keep_books(const model::Model& model, const Scheme& scheme,
                               const model::Indicators& indicators);

}  // namespace parcours::funding
