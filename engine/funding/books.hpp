// The books of a run: who pays each provider how much, period by period, under the funding rules
// a scenario assigns to providers (by service, provider or managing organisation) from a date;
// each provider's cost and its surplus or deficit; each payer's share. Computed from the
// activity the simulation measured (Indicators). A rule changes children's paths only through the
// providers' responses to its incentives (incentives.hpp, model::Behaviour), which the simulation
// reads before the run.
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
  // The time-of-care indicator (TAM, arrêté du 20/07/2005): hours of care a child gets per day
  // attended, over the active working time of the socio-educational staff (staff per place ×
  // places × hours a year × active share).
  double care_hours_per_day = 6.0;       // > 0
  double staff_per_place = 0.5;          // > 0: socio-educational full-time equivalents
  double staff_hours_per_year = 1607.0;  // > 0: the legal annual working time (L.3121-27)
  double active_share = 1.0;             // (0, 1]
};

enum class Rule : std::uint8_t {
  kDailyPrice,        // revenue = price × billed days (R.314-113)
  kGlobalAllocation,  // a yearly budget paid in equal parts each period, renewed with growth
  kCapitation,        // a sum per child followed (per child-year of presence): counterfactual
  kPooledAllocation,  // CPOM (R.314-43-1, -2): one multi-year envelope per organisation
  kPerformance,       // an allocation with a share paid on indicators (bonus / malus)
  kNeedsBased,        // SERAFIN-PH-like: base rate × adjusted capacity × coefficients
  kImpactBond,        // social impact bond: an investor pre-finances; counterfactual
  kModulatedPrice,    // R.314-119: revenue = Σ_price mode price × billed days in the mode
};

/// No price mode (Scheme::price_mode_of, school_price_mode).
inline constexpr std::uint8_t kNoPriceMode = std::numeric_limits<std::uint8_t>::max();

/// What activity modulation measures (R.314-43-2 II).
enum class ActivityMeasure : std::uint8_t {
  kOccupancy,  // days delivered / (authorised places × opening days): attended days brought to
               // opening days, over the year's capacity days brought to opening days
  kFollowed,   // people followed in the year ("file active") per authorised place
  kServices,   // days of care delivered in the year (attended days to opening days) per place
};

/// Activity modulation of an allocation (R.314-43-2): a year's shortfall cuts the next year's
/// allocation by a × shortfall, the shortfall being max(0, objective - activity) for occupancy
/// (in points: objective 0.96, activity 0.95 and a = 0.5 cut 0.5 %) and max(0, 1 - activity /
/// objective) for the other measures (their units are not shares). a = 0: none.
struct Modulation {
  ActivityMeasure measure = ActivityMeasure::kOccupancy;
  double objective = 0.0;  // > 0 when a > 0
  double a = 0.0;          // [0, 0.5] (the law's ceiling)
};

/// The indicators a performance contract (or an impact bond's outcome) may use, per unit and
/// year.
enum class Indicator : std::uint8_t {
  kOccupancy,   // occupied place-days / authorised place-days
  kInclusion,   // occupants in an ordinary school / occupants, at the year's end
  kWaiting,     // children on the lists of the unit's (home territory, service) per authorised
                // place there, at the year's end (lower is better)
  kTimeOfCare,  // TAM: hours of care of users / active working time of socio-educational staff
};

inline constexpr int kIndicators = 4;

/// One indicator of a performance contract: its achievement is value / target (target / value
/// when lower is better), capped at `cap`; the contract's score is the weighted mean.
struct Target {
  Indicator indicator = Indicator::kOccupancy;
  double target = 1.0;  // > 0
  double weight = 1.0;  // > 0 (normalised)
  double cap = 1.0;     // >= 1: achievement above 1 earns a bonus up to cap
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
  // kModulatedPrice (R.314-119; declared providers with a cost decomposition, Scheme::costs,
  // only): a price per price mode (modulated_price.hpp), revenue = Σ_m price_m × billed days in
  // price mode m (Books::mode_billed_days: each model mode's days in the establishment in its
  // Scheme::price_mode_of, days at school in Scheme::school_price_mode, billed as a daily price
  // bills them, bill_absences and bill_school_days included). Year y's prices are modulate() of
  // the provider's costs, each gamme's euros × (1 + Scheme::cost_growth)^y × the year's mean
  // places / its places at the start, over forecast days: in the run's first year the cost
  // table's (with its notified single price and Scheme::after_notification: the calculator's
  // prices), later the mean billed days by price mode of the (up to) three previous years of the
  // run (no notified price), raised in proportion to at least the year's places × opening days ×
  // floor_occupancy in all; the cost table's when those days cannot price every gamme with euros
  // (check_costs). So activity moves the next prices with a lag, as a daily price's.
  // kDailyPrice: a fixed price, or (unset) the year's budget over the mean billed days of the
  // three previous years (fewer at the start; none: the forecast, places × opening days ×
  // forecast_occupancy).
  std::optional<double> euros_per_day;
  double forecast_occupancy = 1.0;  // (0, 1]
  // The divisor is never below places × opening days × floor_occupancy: an authority does not
  // price a provider on activity it judges abnormally low ("circonstances particulières",
  // R.314-113), so a nearly empty provider's price cannot soar. 0: the plain mean.
  double floor_occupancy = 0.0;  // [0, 1]
  // How this price bills absences and days at school, where it differs from the service's
  // (ServiceMoney::bill_absences, bill_school_days): a dated change of billing is a new
  // assignment (e.g. inclusion days unbilled from 2026).
  std::optional<double> bill_absences;     // [0, 1]
  std::optional<double> bill_school_days;  // [0, 1]
  // kGlobalAllocation: the budget of the period the assignment starts (mean places × the year's
  // cost per place), then renewed each year × (1 + growth_per_year) (a "taux de reconduction"),
  // whatever the cost. It follows the unit's places: in a period whose mean places differ from
  // those it started with, it changes by the difference × the year's cost per place (places
  // created are funded as "mesures nouvelles", places closed are taken back).
  double growth_per_year = 0.0;  // > -1
  // kCapitation: euros a year per child followed (counted per day of presence).
  double euros_per_child_year = 0.0;
  // kPooledAllocation: for each organisation, one envelope for the units the assignment selects
  // (implicit units, which have none, are each their own pool): the budgets of the year it
  // starts, then × (1 + growth_per_year) each year, for `term_years`; a new term starts from the
  // budgets of its first year (terms are counted in calendar years from the year a term starts).
  // It follows the pool's places as a global allocation does: each unit's places created or
  // closed since the term's start (a unit that leaves for another rule: all of them) change it by
  // their number × the year's cost per place of the unit's service (so a conversion between
  // services of different costs changes it by the difference). Each period the organisation
  // shares it between its units in proportion to their budgets of the period (so places
  // converted between them move their money), each unit's part less its activity modulation cut:
  // a × the shortfall of the previous year's activity, from the contract's second year (when
  // the unit was under it at the end of the previous year). The envelope is never exceeded.
  int term_years = 5;     // 1..7 (a CPOM's maximum)
  Modulation modulation;  // also for kNeedsBased
  // kPerformance: a global allocation (growth_per_year, following places) of which `at_stake` is
  // paid at the year's last period on the year's indicators: at_stake × allocation × score, score
  // the weighted mean of the targets' achievements (at most max cap: bonus; below 1: malus). A
  // unit leaving the rule mid-year is paid its part at stake on the year so far, in its last
  // period under the rule.
  double at_stake = 0.0;  // [0, 1]
  std::vector<Target> targets;
  // kNeedsBased (SERAFIN-PH; coefficients not published: parameters): a year's allocation is
  // base_rate × places × Σ_mode share_mode × mode_coefficients[mode] (1 each when empty or the
  // service records no mode) × Σ_needs share_needs × needs_coefficients[needs] (idem) ×
  // opening_days / reference_opening_days, shares of occupants at the end of the previous period
  // (period 0: of its own end); × (1 - the previous year's modulation cut); plus
  // complementary_per_place × places and transport_per_child × people followed (transport
  // apart). Places are each period's mean places, people followed the period's file active; the
  // three rates are at the run's start prices and grow by Scheme::cost_growth as costs do (a
  // tariff equation revised each year); paid a period's part each period. With no occupants
  // (or the shares unrecorded) a mix counts 1.
  double base_rate = 0.0;                  // euros a place a year
  std::vector<double> mode_coefficients;   // per Model::modes
  std::vector<double> needs_coefficients;  // per Children::needs_levels
  double reference_opening_days = 365.25;
  double complementary_per_place = 0.0;
  double transport_per_child = 0.0;
  // kImpactBond (counterfactual): over `term_years`, investor pays the selected units' cost as it
  // falls; at the term's end, if the outcome indicator averaged over the units (weighted by
  // places) in the term's last year reaches `outcome_target` (at most it, for kWaiting),
  // `repaid_by` repays the investor the principal (what it paid) × (1 + premium), recorded in
  // Books::repaid at the term's last period (a transfer between payers, not revenue). A new term
  // (a new bond) follows; a term the horizon cuts short is never repaid.
  PayerId investor = 0;
  PayerId repaid_by = 0;
  Indicator outcome = Indicator::kInclusion;
  double outcome_target = 0.0;
  double premium = 0.0;         // >= 0
  bool counterfactual = false;  // set for rules no French payer uses (capitation, impact bonds):
                                // flagged in the outputs
};

/// The funding of a scenario.
struct Scheme {
  std::vector<Payer> payers;           // at most 255
  std::vector<ServiceMoney> services;  // one per model service
  double cost_growth = 0.0;            // > -1: yearly growth of costs per place (inflation)
  std::vector<Assignment> assignments;
  // Modulated daily prices (R.314-119, modulated_price.hpp): the price modes, and each declared
  // provider's cost decomposition (nullopt: none given), its forecast days one per price mode.
  // `parcours prices` computes the prices from them; a kModulatedPrice assignment pays them.
  std::vector<PriceMode> price_modes;
  std::vector<std::optional<CostDecomposition>> costs;  // per declared provider (ProviderId)
  AfterNotification after_notification = AfterNotification::kScale;
  // How a modulated price (kModulatedPrice) bills days by price mode: the price mode of the days
  // in the establishment of a child of each model mode (one per Model::modes; kNoPriceMode:
  // unbilled, which io refuses for the modes of the services a modulated price selects), and the
  // price mode of its days at school (inclusion days; kNoPriceMode: billed in its mode's).
  std::vector<std::uint8_t> price_mode_of;
  std::uint8_t school_price_mode = kNoPriceMode;

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
/// Model::territories order (abroad ones too), the services in order whose capacity there is > 0
/// or that gains places in Model::capacity_changes. Outputs index units so: the order is stable.
/// Unit::places are the places at the start; the books read each period's from the indicators.
[[nodiscard]] std::vector<Unit> units(const model::Model& model);

/// Whether assignment `a` selects `unit` (whatever its start): every non-empty list matches.
/// Implicit units have no provider and no organisation, so such lists never select them. The
/// books, the incentives and io's checks of a scenario all choose units with it.
[[nodiscard]] bool selects(const Assignment& a, const Unit& unit);

/// Per period and unit ([period][unit]), and per period, unit and payer.
struct Books {
  int periods = 0;
  int units = 0;
  int payers = 0;
  std::vector<double> billed_days;   // days a daily price would bill (whatever the rule): with
                                     // the billing of the daily price in force, else the service's
  std::vector<double> price;         // euros per billed day applied (daily price; modulated
                                     // price: revenue / billed days, their mean; else 0)
  std::vector<double> revenue;       // euros received
  std::vector<double> cost;          // euros spent
  std::vector<std::uint8_t> rule;    // index of the Assignment that applied; kNoRule: none
  std::vector<double> paid;          // [period][unit][payer]: euros, summing to revenue
  std::vector<double> places;        // mean authorised places over the period
  std::vector<double> time_of_care;  // TAM (ServiceMoney's staff parameters), every unit
  std::vector<double> indicators;    // [period][unit][kIndicators]: Indicator values over the
                                     // period (occupancy, TAM) or at its end (inclusion, waiting);
                                     // contracts read the year's (flows over all its periods)
  std::vector<double> score;         // kPerformance: the score paid on (else 0)
  // [period][assignment]: euros an impact bond's payer repaid its investor (at the term's end).
  int assignments = 0;
  std::vector<double> repaid;
  // [period][organisation] (Model::organisations): the period's part of the envelopes of the
  // organisation's CPOMs (kPooledAllocation; implicit units, each its own pool, are not in it),
  // and what its units under them were paid (at most the envelope; less by the modulation cuts).
  int organisations = 0;
  std::vector<double> pooled_envelope;
  std::vector<double> pooled_paid;
  // [period][unit][price mode] (Scheme::price_modes; empty without them): the days billed in each
  // price mode, whatever the rule, for the declared providers whose days by mode the run measured
  // (Model::mode_days: when a modulated price is assigned; else 0), which sum to billed_days when
  // every mode of the provider's children has a price mode; and, for a unit a modulated price
  // pays in the period (kModulatedPrice; else 0), the price of each, euros a day.
  int price_modes = 0;
  std::vector<double> mode_billed_days;
  std::vector<double> mode_price;

  [[nodiscard]] std::size_t at(int period, int unit) const {
    return static_cast<std::size_t>(period) * units + unit;
  }

  [[nodiscard]] std::size_t at(int period, int unit, int payer) const {
    return at(period, unit) * payers + payer;
  }

  [[nodiscard]] std::size_t mode_at(int period, int unit, int price_mode) const {
    return at(period, unit) * price_modes + price_mode;
  }
};

/// Keeps the books of one replication from its indicators (of this model). A pure function:
/// thread-safe. A scheme that pays a service with an empty payer_split, a modulated price of a
/// unit without costs or of indicators without days by mode (Model::mode_days), or shapes that
/// do not match the model, break an invariant (core::InvariantError; io validates scenarios
/// first).
[[nodiscard]] Books keep_books(const model::Model& model, const Scheme& scheme,
                               const model::Indicators& indicators);

}  // namespace parcours::funding
