// The general pathway model as plain data: territories, services with capacities, age bands,
// length-of-stay laws and what happens when a stay ends or an age limit is reached, and the
// stream of new orientations. io fills it from a scenario file; nothing here knows TOML.
#pragma once

#include "engine/core/distribution.hpp"
#include "engine/core/sim_time.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parcours::model {

using ServiceId = std::uint16_t;
using TerritoryId = std::uint16_t;
using RegionId = std::uint16_t;
using ProviderId = std::uint32_t;
using OrganisationId = std::uint16_t;

inline constexpr ServiceId kNoService = std::numeric_limits<ServiceId>::max();
inline constexpr TerritoryId kNoTerritory = std::numeric_limits<TerritoryId>::max();
inline constexpr RegionId kNoRegion = std::numeric_limits<RegionId>::max();
inline constexpr ProviderId kNoProvider = std::numeric_limits<ProviderId>::max();

/// A territory: a département in the France model (people live there, arrive there and wait
/// there), or an out-of-country destination (`abroad`: places only, no arrivals, no list;
/// e.g. Belgium). `weight` is its share of national arrivals (and, when a scenario gives a
/// national capacity, of places); weights need not sum to 1: they are normalised. Abroad
/// territories come after every home territory and have weight 0.
struct Territory {
  std::string code;
  std::string name;
  double weight = 1.0;
  RegionId region = 0;  // index into Model::regions; kNoRegion for abroad territories
  bool abroad = false;
  // Abroad only: the home territories that may place children there (and, weighted by their
  // `weight`, the homes of its occupants at t = 0), and the day from which it takes no new
  // placements (a moratorium; infinity: none).
  std::vector<TerritoryId> senders;
  double closed_from_day = std::numeric_limits<double>::infinity();
};

/// A home territory in region 0: the usual way to build one by hand (tests, generated models).
inline Territory home_territory(std::string code, std::string name, double weight = 1.0) {
  Territory t;
  t.code = std::move(code);
  t.name = std::move(name);
  t.weight = weight;
  return t;
}

/// A region (an ARS in the France model): a group of home territories, for outputs.
struct Region {
  std::string name;
};

/// Where a child with no free place at home may be placed instead.
struct PlacementRule {
  int max_steps = 0;  // home territories at most this many land borders away (0: home only)
  // Filled by compute_reachable() (territory_graph.hpp) from `borders`, `max_steps` and the
  // abroad territories: for each home territory, the other territories where its children may
  // take a free place, in order of preference (fewer steps first, then territory order;
  // abroad destinations last).
  std::vector<std::vector<TerritoryId>> reachable;
  // The reverse: for each territory, the home territories whose lists a freed place there
  // may serve after its own list, in the same order of preference (from that territory).
  std::vector<std::vector<TerritoryId>> served_by;
};

/// What a person does at a decision point.
enum class Action : std::uint8_t {
  kLeave,   // leaves the sector (counted as a departure)
  kOrient,  // frees its place and joins the target's waiting list in the same territory
  kMove,    // asks for a place in the target: moves at once if one is free, otherwise keeps
            // its current place (the Creton rule) and waits on the target's list; when a
            // target place frees, it moves and its old place frees
};

inline constexpr std::uint8_t kNoOutcome = std::numeric_limits<std::uint8_t>::max();

/// Where a person who leaves the sector at a decision goes (ordinary work, the parental home...):
/// a named destination counted in the outputs; it holds no place and has no list.
struct Outcome {
  std::string name;
  std::string description;  // for the outputs' labels; may be empty
};

/// One branch of a decision: taken with `probability`; `target` is set for kOrient and kMove;
/// `outcome` may name where a kLeave goes (an index into Model::outcomes; kNoOutcome: not named).
struct Branch {
  double probability = 1.0;
  Action action = Action::kLeave;
  ServiceId target = kNoService;
  std::uint8_t outcome = kNoOutcome;
};

/// Who is in a service's places at t = 0. Remaining stays are drawn afresh from the service's
/// length-of-stay law (exact for memoryless laws, an assumption otherwise), capped by the age
/// limit.
struct InitialOccupancy {
  double share_of_places = 0.0;  // in [0, 1]; places filled = round(share * capacity)
  core::Distribution age_years = core::Distribution::fixed(0.0);
  // Already on the home list at t = 0: round(waiting_per_place * capacity) people per home
  // territory, of these ages, who have waited this long (so the list is in that order).
  double waiting_per_place = 0.0;  // >= 0
  core::Distribution waiting_age_years = core::Distribution::fixed(0.0);
  core::Distribution waited_years = core::Distribution::fixed(0.0);
};

/// Where a child waiting for a place is meanwhile (ordinary school with AESH hours, another
/// service, nothing...). Flags say which ones count for the outputs.
inline constexpr std::uint8_t kNoInterim = std::numeric_limits<std::uint8_t>::max();

struct InterimSituation {
  std::string name;
  bool no_solution = false;      // "sans solution": counted in the children with no solution
  bool ordinary_school = false;  // in an ordinary school (full or part time)
  // A situation may be limited (AESH hours, PCPE places): `capacity` per territory (home ones
  // first, as Model::territories; empty: unlimited), in the unit each child uses `per_child` of
  // (AESH full-time equivalents, places). A child who draws a situation with no room left in its
  // home territory takes `fallback` instead (which may be limited too; no cycles). The room is
  // the child's until it leaves the list; a child who fell back keeps its fallback meanwhile.
  std::vector<double> capacity;        // >= 0 each
  double per_child = 1.0;              // > 0
  std::uint8_t fallback = kNoInterim;  // index into Model::interim; set when capacity is

  [[nodiscard]] bool limited() const { return !capacity.empty(); }
};

/// An unlimited interim situation: the usual way to build one by hand (tests).
inline InterimSituation interim_situation(std::string name, bool no_solution = false,
                                          bool ordinary_school = false) {
  InterimSituation situation;
  situation.name = std::move(name);
  situation.no_solution = no_solution;
  situation.ordinary_school = ordinary_school;
  return situation;
}

/// A child's attributes: drawn once when the child enters the model, from the tables of the
/// service it is first oriented to (or in place or waiting for at t = 0), and kept for life
/// (`pag` excepted: set by a list review). Packed into one byte of the simulation's person.
struct Attributes {
  static constexpr int kMaxImpairments = 8;  // 3 bits
  static constexpr int kMaxNeedsLevels = 4;  // 2 bits
  std::uint8_t impairment = 0;               // index into Children::impairments
  std::uint8_t needs = 0;                    // index into Children::needs_levels
  bool ase = false;                          // under a child-protection (ASE) measure
  bool boy = false;                          // sex: true for a boy
  bool pag = false;                          // has a PAG (plan d'accompagnement global)

  [[nodiscard]] constexpr std::uint8_t pack() const {
    return static_cast<std::uint8_t>((impairment & 7U) | ((needs & 3U) << 3) |
                                     (ase ? 1U << 5 : 0U) | (boy ? 1U << 6 : 0U) |
                                     (pag ? 1U << 7 : 0U));
  }

  [[nodiscard]] static constexpr Attributes unpack(std::uint8_t bits) {
    return Attributes{static_cast<std::uint8_t>(bits & 7U),
                      static_cast<std::uint8_t>((bits >> 3) & 3U), ((bits >> 5) & 1U) != 0,
                      ((bits >> 6) & 1U) != 0, ((bits >> 7) & 1U) != 0};
  }
};

/// The categories children are described by, and what depends on them alone.
struct Children {
  std::vector<std::string> impairments{"all"};  // main impairment: 1..kMaxImpairments names
  // Needs intensity, lowest first: 1..kMaxNeedsLevels names.
  std::vector<std::string> needs_levels{"all"};
  // By impairment, the probability q in [0, 1) of dying within a year, at every age and in
  // every state (a constant hazard of -ln(1 - q) per year); empty: nobody dies in the model.
  std::vector<double> mortality_per_year;
  // Lower bounds of the age groups of the outputs by age, in years, ascending, the first 0
  // (e.g. 0, 6, 14, 20: under 6, 6-13, 14-19 (the IMP and IMPro sections), 20 and over);
  // empty: no outputs by age.
  std::vector<double> age_groups;
};

/// Who is oriented to a service: the attribute laws of children who enter the model through it.
struct Profile {
  std::vector<double> impairment_shares;  // one per Children::impairments, sum 1; empty: all 0
  std::vector<double> needs_shares;       // one per Children::needs_levels, sum 1; empty: all 0
  double ase_share = 0.0;                 // probability of a child-protection (ASE) measure
  double boys_share = 0.5;                // probability of being a boy
};

/// A priority level of the waiting lists. A child on a list has the first level whose
/// conditions all hold (unset conditions hold for anyone); the last level has none.
struct PriorityLevel {
  std::string name;
  std::vector<std::uint8_t> needs;        // qualifying needs levels; empty: any
  std::vector<std::uint8_t> impairments;  // qualifying impairments; empty: any
  std::vector<std::uint16_t> services;    // the lists (by ServiceId) it applies to; empty: all
  std::optional<bool> ase;                // must (true) or must not (false) be under ASE
  std::optional<bool> pag;                // must (true) or must not (false) have a PAG
  double min_age_years = 0.0;             // at least this old (at the join or the review)
  double min_waited_years = 0.0;          // waited at least this long (idem)

  [[nodiscard]] bool unconditional() const {
    return needs.empty() && impairments.empty() && services.empty() && !ase && !pag &&
           min_age_years <= 0.0 && min_waited_years <= 0.0;
  }
};

/// A level with no conditions (the last level of every list).
inline PriorityLevel any_child(std::string name) {
  PriorityLevel level;
  level.name = std::move(name);
  return level;
}

/// How waiting lists are managed: priority levels, and the periodic active review of the
/// lists (re-prioritisation, removal of children whose situation changed, PAG for children
/// left with no solution).
struct Lists {
  static constexpr int kMaxPriorityLevels = 8;
  std::vector<PriorityLevel> priority{any_child("all")};  // highest first; 1..kMaxPriorityLevels
  int review_every_months = 0;                   // reviews on months k × this, k >= 1; 0: never
  std::vector<std::uint16_t> reviewed_services;  // the lists reviewed (ServiceIds); empty: all
  double removal_per_review = 0.0;  // [0, 1]: a waiting child holding no place leaves the list
                                    // (and the sector) at a review with this probability
  // A child waiting with a no-solution interim situation for at least this long gets a PAG at
  // the next review: its interim situation becomes `pag_interim` (partial services while it
  // waits) and the priority conditions on `pag` apply. Infinity: no PAG.
  double pag_after_years = std::numeric_limits<double>::infinity();
  std::uint8_t pag_interim = kNoInterim;  // index into Model::interim (set when PAGs exist)
  // Who holds the lists. Pooled (false): one list per (home territory, service), shared by all
  // its providers, as a département's shared governance of admissions does; a freed place takes
  // the first child of the list its provider is authorised for, then serves the lists of the
  // territories that may place children there. Per provider (true): a child without a free
  // place joins the lists of `applications` providers of its home territory authorised for it
  // (drawn in proportion to their places; all of them if fewer), and is admitted by the first
  // that takes it; a freed place takes the first child of its own provider's list only (an
  // abroad place: of its senders' providers' lists). Services without declared providers have
  // one provider per territory, so both ways give them the same lists.
  bool per_provider = false;
  int applications = 1;  // >= 1; used with per_provider

  [[nodiscard]] bool has_reviews() const { return review_every_months > 0; }
};

/// MDPH notifications of orientation: an orientation is valid for `validity_years` from the day
/// the child began waiting; at each expiry a child still waiting and holding no place has it
/// renewed with probability `renewal_share`, otherwise it lapses and the child leaves the list
/// and the sector. Infinity: orientations never expire (no renewals).
struct Notifications {
  double validity_years = std::numeric_limits<double>::infinity();  // > 0
  double renewal_share = 1.0;                                       // [0, 1]

  [[nodiscard]] bool expire() const {
    return validity_years < std::numeric_limits<double>::infinity();
  }
};

/// A mode of care in a place (internat, semi-internat, part time, ambulatory...). A service that
/// records modes gives each child admitted a mode, drawn from its `mode_shares`.
struct Mode {
  std::string name;
  bool residential = false;  // nights in the establishment (internat)
  double attendance = 1.0;   // (0, 1]: share of the service's opening days the child attends
                             // (below 1: part time, "accueil séquentiel")
};

/// The schooling of a child in a place (teaching unit inside the establishment, externalised in
/// an ordinary school, ordinary class, none...). A service that records schooling gives each
/// child admitted one, drawn from its `schooling_shares`.
struct Schooling {
  std::string name;
  bool ordinary_school = false;  // in an ordinary school, full or part time (inclusion rate)
  // Share of the days a child attends its place that it spends at school instead (inclusion
  // days, "journées d'intégration en milieu ordinaire"): what billing by days may treat apart.
  double school_day_share = 0.0;  // [0, 1]
};

/// A child's mode and schooling in its place, packed into a byte (4 bits each).
struct Care {
  static constexpr int kMaxModes = 16;
  static constexpr int kMaxSchoolings = 16;
  std::uint8_t mode = 0;       // index into Model::modes (0 when the service records none)
  std::uint8_t schooling = 0;  // index into Model::schoolings (idem)

  [[nodiscard]] constexpr std::uint8_t pack() const {
    return static_cast<std::uint8_t>((mode & 15U) | ((schooling & 15U) << 4));
  }

  [[nodiscard]] static constexpr Care unpack(std::uint8_t bits) {
    return Care{static_cast<std::uint8_t>(bits & 15U), static_cast<std::uint8_t>(bits >> 4)};
  }
};

/// A step of the yearly review of a child's plan (projet personnalisé): for a child in a place
/// of `from` (and not already waiting to move), taken with `probability` at a review when all
/// its conditions hold. A step may change the child's mode or schooling in its place, and may
/// re-orient it to `target` (kMove: it keeps its place until one of the target frees, as a
/// step toward inclusion does; kOrient: it frees its place and waits).
struct PlanStep {
  std::string name;
  ServiceId from = 0;
  double probability = 0.0;  // [0, 1] per review; the steps of one service sum to <= 1
  // Conditions (empty or default: anyone).
  std::vector<std::uint8_t> modes;        // current mode
  std::vector<std::uint8_t> schoolings;   // current schooling
  std::vector<std::uint8_t> impairments;  // main impairment
  std::vector<std::uint8_t> needs;        // needs level
  double min_age_years = 0.0;             // at least this old on the review day
  double max_age_years = std::numeric_limits<double>::infinity();  // younger than this
  // Effects (at least one).
  std::optional<std::uint8_t> to_mode;
  std::optional<std::uint8_t> to_schooling;
  ServiceId target = kNoService;  // re-orientation; the new mode/schooling are drawn on entry
  Action action = Action::kMove;  // kMove or kOrient, when `target` is set
};

/// The yearly plan reviews.
struct Plans {
  int review_month = 0;  // 1..12: on the first day of that month of every simulated year after
                         // the start; 0: no reviews
  std::vector<PlanStep> steps;

  [[nodiscard]] bool has_reviews() const { return review_month > 0 && !steps.empty(); }
};

/// A managing organisation (organisme gestionnaire): the association or body that runs one or
/// more providers; the unit of a multi-year contract (CPOM) in the funding rules.
struct Organisation {
  std::string name;
};

/// A provider (an establishment or service under one authorisation): some of a service's places
/// in one territory, the main impairments it is authorised to admit, and the organisation that
/// runs it. A service with declared providers has, in each territory, the sum of their places as
/// its capacity (io sets Service::capacity so); a service without any has one provider per
/// territory, authorised for every child, inside the simulation.
struct Provider {
  static constexpr std::uint8_t kAnyImpairment = 0xFF;
  std::string name;  // unique among providers
  TerritoryId territory = 0;
  ServiceId service = 0;
  std::int64_t places = 0;                    // >= 0
  std::uint8_t impairments = kAnyImpairment;  // bit i: may admit Children::impairments[i]
  OrganisationId organisation = 0;            // index into Model::organisations

  [[nodiscard]] constexpr bool admits(std::uint8_t impairment) const {
    return ((impairments >> impairment) & 1U) != 0;
  }
};

/// A kind of place (IME, SESSAD, an adult service...).
struct Service {
  std::string name;
  std::vector<std::int64_t> capacity;  // places per territory (abroad ones too), >= 0
  double min_age_years = 0.0;          // people oriented younger join the list on reaching this age
  double age_limit_years = std::numeric_limits<double>::infinity();  // stays end at this age
  core::Distribution length_of_stay_years = core::Distribution::exponential(1.0);
  std::vector<Branch> on_stay_end{Branch{}};   // a stay ends before the age limit
  std::vector<Branch> on_age_limit{Branch{}};  // a stay reaches the age limit
  InitialOccupancy initial;
  // Age of newcomers oriented here, when it differs from the arrivals' common law.
  std::optional<core::Distribution> arrival_age_years;
  // Interim situation of a child who must wait for a place here (and holds no other place):
  // one probability per Model::interim, summing to 1; empty: not recorded for this service.
  std::vector<double> interim_shares;
  Profile children;  // attributes of children who enter the model through this service
  // Double orientation (MDPH): the alternative service of an orientation here (kNoService:
  // none), and the share of orientations here that come with it. A child who must wait for a
  // place here, holding no place, takes a free place of the alternative at once if it has the
  // alternative and the age for it, and waits here from there (a stepping holder); a child
  // given a PAG while waiting here does so too, whatever the share.
  ServiceId alternative = kNoService;
  double alternative_share = 0.0;  // [0, 1]
  // Mode and schooling of a child admitted here: one probability per Model::modes (resp.
  // Model::schoolings), summing to 1; empty: the service records none.
  std::vector<double> mode_shares;
  std::vector<double> schooling_shares;

  [[nodiscard]] bool has_age_limit() const {
    return age_limit_years < std::numeric_limits<double>::infinity();
  }
};

/// New orientations: a Poisson process, shared between territories by weight.
struct Arrivals {
  double rate_per_year = 0.0;  // national, in the first year
  core::Distribution age_years = core::Distribution::fixed(0.0);
  std::vector<double> orientation;  // per service: probability a newcomer is oriented there
  double growth_per_year = 0.0;     // > -1: the rate of year y is rate × (1 + growth)^y

  // Dated changes of the rate (the policy timeline): from `from_day`, the rate of the listed home
  // territories (empty: all) is `factor` × what it would be; a later change of a territory
  // replaces an earlier one. Sorted by day (ties in file order).
  struct Change {
    double from_day = 0.0;  // >= 0
    double factor = 1.0;    // >= 0
    std::vector<TerritoryId> territories;
  };

  std::vector<Change> changes;
};

/// A dated change of places (the policy timeline: conversions, creations, closures), resolved
/// to one provider (a declared one, or the implicit provider of a cell of a service without
/// declared providers). Places added are open at once and serve the lists; places closed close
/// as their occupants leave (nobody is put out). Model::capacity_changes holds the changes in
/// force, sorted by day (ties in timeline order); funding::grant_places decides which of those a
/// scenario asks for fit its regional envelopes.
struct CapacityChange {
  double day = 0.0;                   // (0, horizon)
  TerritoryId territory = 0;          // the provider's
  ServiceId service = 0;              // the provider's
  ProviderId provider = kNoProvider;  // declared provider; kNoProvider: the cell's implicit one
  std::int64_t delta = 0;             // places added (> 0) or closed (< 0); never below 0 places
  std::uint16_t event = 0;            // index into Model::timeline (its name, for the outputs)
};

/// A named event of the policy timeline (`[[timeline]]`), for the outputs.
struct TimelineEvent {
  std::string name;
  std::string kind;  // "convert", "create", "close", "inflow"
};

/// How providers respond to the incentives their funding creates (model rule 28). The model's
/// probabilities are calibrated on what providers did under the funding in force at the run's
/// start (the status quo), so each response acts on the change of an incentive from the one in
/// force for the same provider in the first period: a scenario whose funding never changes has the
/// same paths whatever these parameters. Every default is an ASSUMPTION (no published
/// elasticity): sensitivity studies vary them. All zero: no response.
struct Behaviour {
  // Plan steps (Plans): the probability of a step is multiplied by 1 + elasticity × (Δ_now −
  // Δ_start), clamped to [0, max_factor], where Δ is the change of the provider's funding per
  // day the step brings (Incentives: a step that leaves the place loses the child's stay value;
  // a step that changes mode or schooling changes its care value).
  double step_down = 0.5;   // >= 0: elasticity of steps that leave the place (re-orientations)
  double care = 0.5;        // >= 0: elasticity of steps that change mode or schooling
  double max_factor = 3.0;  // >= 1
  // Admissions, how fast: a place that frees is offered to the lists after vacancy_days ×
  // max(0, V_start − V_now) days, V the funding an empty place-day loses for a typical child
  // (Incentives::vacancy): a provider paid whatever its activity fills its places more slowly.
  // Meanwhile the place is held vacant (no list, no newcomer takes it). Places the timeline
  // creates are offered at once.
  double vacancy_days = 30.0;  // >= 0
  // Keeping Creton young adults: at its place's age limit, a young adult whose branch keeps the
  // place while it waits for an adult service (Action::kMove with no free place there) is not
  // kept, with probability min(1, creton_release × max(0, S_start − S_now)), S the child's stay
  // value: it leaves the place and waits at home (Action::kOrient).
  double creton_release = 0.2;  // >= 0
  // Admissions, who: a provider serving a list treats a child whose needs level its funding pays
  // g more a day for than at the start (Incentives::needs_value; g may be negative) as if it had
  // waited selection_days × g days longer: within a priority level, it takes the child with the
  // earliest waiting start less that shift among the first child of each needs level it may admit.
  double selection_days = 180.0;  // >= 0 (0: first come, first served)
  // Modulated prices (funding::Rule::kModulatedPrice) pay each mode of care its cost: the share
  // of a day's cost by mode (its unit costs by gamme) a provider weighs against the day's price.
  // 1: it weighs its margin, so no mode or schooling pays more than another and only billing
  // (unbilled days) moves it; 0: it weighs the revenue alone, and seeks the dearer modes.
  double mode_costs = 1.0;  // [0, 1]
};

/// What each provider's funding pays for, per period, as funding::incentives computes it from the
/// funding rules (model rule 28): what Behaviour responds to. Values are in shares of a place-day's
/// funding (the service's cost per place-day): 1 means a day worth a day of the place's budget.
/// A regime is the funding rule assignment in force (funding::Scheme::assignments index), the last
/// regime being "no rule"; tables are per regime and service.
struct Incentives {
  int periods = 0;
  int units = 0;    // declared providers (ProviderId), then one per (territory, service) cell:
                    // unit = providers + territory × services + service
  int regimes = 0;  // assignments + 1
  int services = 0;
  int needs = 1;                     // Children::needs_levels (at least 1)
  std::vector<std::uint8_t> regime;  // [period][unit]: the regime in force
  // [regime][service][Care::pack() byte]: the funding per day a child in that care brings while
  // in its place (care_value), and the part of it its provider loses when the child leaves
  // (stay_value: revenue that follows days or children, not places); unknown care bytes: 0.
  std::vector<float> care_value;
  std::vector<float> stay_value;
  // [regime][service]: stay_value averaged over the care a child admitted there draws
  // (Service::mode_shares × schooling_shares): what a place-day left empty loses.
  std::vector<float> vacancy;
  // [regime][service]: what a day at school instead of in the establishment loses, for a child
  // attending every opening day (care_value with school_day_share 0 less with 1): the revenue an
  // inclusion day costs.
  std::vector<float> school_day;
  // [regime][service][needs level]: the funding per day a child of that needs level brings while
  // in its place (needs-based allocations weigh needs; other rules: 0).
  std::vector<float> needs_value;

  [[nodiscard]] bool empty() const { return regime.empty(); }

  [[nodiscard]] std::size_t unit_of(ProviderId declared_or_none, std::size_t n_declared,
                                    TerritoryId t, ServiceId s) const {
    return declared_or_none < n_declared
               ? declared_or_none
               : n_declared + static_cast<std::size_t>(t) * static_cast<std::size_t>(services) + s;
  }

  [[nodiscard]] std::uint8_t regime_of(int period, std::size_t unit) const {
    return regime[static_cast<std::size_t>(period) * static_cast<std::size_t>(units) + unit];
  }

  [[nodiscard]] std::size_t table(std::uint8_t r, ServiceId s) const {
    return static_cast<std::size_t>(r) * static_cast<std::size_t>(services) + s;
  }

  // Indices into care_value and stay_value, and into needs_value.
  static constexpr std::size_t kCareBytes = 256;

  [[nodiscard]] std::size_t care_at(std::uint8_t r, ServiceId s, std::uint8_t care) const {
    return table(r, s) * kCareBytes + care;
  }

  [[nodiscard]] std::size_t needs_at(std::uint8_t r, ServiceId s, std::size_t level) const {
    return table(r, s) * static_cast<std::size_t>(needs) + level;
  }
};

/// A calibration target: a published stock the model should reproduce at the end of year 1
/// (`parcours calibrate`).
struct CalibrationTarget {
  enum class Measure : std::uint8_t {
    kOccupants,        // people in places of `services` (Creton young adults included)
    kCreton,           // people holding a place of `services` while waiting for the next service
    kWaiting,          // people on the lists of `services`
    kAway,             // people in places of `services` in another home territory than theirs
    kAbroad,           // people in places of `services` in an abroad territory
    kWaitingInSchool,  // people on the lists of `services`, holding no place, whose interim
                       // situation is an ordinary school
  };
  std::string name;
  Measure measure = Measure::kOccupants;
  std::vector<ServiceId> services;
  double target = 0.0;
  double tolerance = 0.05;  // relative: |model - target| <= tolerance * target passes
  std::string source;       // where the target comes from, printed with it
};

/// The whole model of one scenario.
struct Model {
  std::vector<Territory> territories;  // home territories first, then abroad ones
  std::vector<Region> regions;         // at least one
  std::vector<std::pair<TerritoryId, TerritoryId>> borders;  // undirected land borders
  PlacementRule placement;
  std::vector<Service> services;
  // Declared providers (empty: none) and their organisations (at least one when providers exist).
  // For each service with providers, capacity[t] is the sum of its providers' places in t.
  std::vector<Provider> providers;
  std::vector<Organisation> organisations;
  std::vector<InterimSituation> interim;  // at most 254; empty: none recorded
  std::vector<Outcome> outcomes;          // named destinations of leavers; at most 254
  std::vector<Mode> modes;                // at most Care::kMaxModes
  std::vector<Schooling> schoolings;      // at most Care::kMaxSchoolings
  Plans plans;
  Notifications notifications;
  Children children;
  Lists lists;
  Arrivals arrivals;
  std::vector<CalibrationTarget> calibration;
  std::vector<TimelineEvent> timeline;           // the policy timeline's events, in file order
  std::vector<CapacityChange> capacity_changes;  // in force; sorted by day
  Behaviour behaviour;
  Incentives incentives;  // empty: no funding rules, no response
  // Whether the simulation measures each declared provider's attended and school days by mode
  // (Indicators::provider_mode_attended_days): io sets it when a modulated daily price
  // (funding::Rule::kModulatedPrice) bills days by mode. Off, the arrays stay empty.
  bool mode_days = false;
  int horizon_years = 1;
  int periods_per_year = 1;  // 1: yearly indicators; 12: monthly

  [[nodiscard]] int periods() const { return horizon_years * periods_per_year; }

  /// Home territories: those before the first abroad one.
  [[nodiscard]] std::size_t home_territories() const {
    std::size_t n = 0;
    while (n < territories.size() && !territories[n].abroad) {
      ++n;
    }
    return n;
  }

  [[nodiscard]] double period_days() const {
    return core::kDaysPerYear / static_cast<double>(periods_per_year);
  }
};

}  // namespace parcours::model
