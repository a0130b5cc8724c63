// One replication of the pathway model: arrivals, waiting lists, admissions, stays, age limits,
// re-orientation and the Creton rule, as a discrete-event simulation over keyed random streams.
#pragma once

#include "engine/core/event_queue.hpp"
#include "engine/core/random.hpp"
#include "engine/core/sim_time.hpp"
#include "engine/model/indicators.hpp"
#include "engine/model/params.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

namespace parcours::model {

/// What happened to whom, for observers (tests, fingerprints, traces).
enum class EventKind : std::uint8_t {
  kArrival,         // a new orientation enters the sector
  kJoinList,        // starts waiting for `service`
  kAdmit,           // enters a place of `service` (not for people present at t = 0)
  kHold,            // keeps its place of `service` past the age limit, waiting for the next
  kAgedOutWaiting,  // left `service`'s list at its age limit
  kLeave,           // left the sector
  kPeriodEnd,       // end of an indicator period; person is the period index
  kDied,            // died (then kLeave)
  kRemoved,         // taken off `service`'s list at a review (then kLeave)
  kPag,             // got a PAG while waiting for `service`
  kPlanStep,        // took a step of its plan at a yearly review; `service` is its place's
  kRenewed,         // its orientation to `service` was renewed at its expiry
  kLapsed,          // its orientation to `service` lapsed at its expiry (then kLeave)
};

struct EventRecord {
  core::SimTime at;
  EventKind kind;
  std::uint32_t person;  // an id, reused for a newcomer once its holder has left
  TerritoryId territory;
  ServiceId service;
};

/// Watches a replication. Called from the replication's own thread only.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_event(const EventRecord& record) = 0;
};

/// Asked by a running replication every few 10^4 events: reports progress and may stop it.
class Monitor {
 public:
  virtual ~Monitor() = default;
  virtual void on_progress(std::uint64_t new_events) = 0;
  [[nodiscard]] virtual bool should_stop() const = 0;
};

/// Thrown by Simulation::run when its Monitor asked it to stop.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("run cancelled") {}
};

/// A person placed by hand (tests and cohort studies), in addition to Poisson arrivals.
struct ScriptedArrival {
  double day = 0.0;
  TerritoryId territory = 0;
  double age_years = 0.0;
  ServiceId service = 0;
  std::optional<Attributes> attributes = std::nullopt;  // unset: drawn from the service profile
};

/// One replication. Owns its clock, queue, people and streams; thread-compatible, and
/// independent of any other replication: draws come from streams keyed by (seed, replication,
/// purpose, person, occurrence), so results do not depend on threads.
class Simulation {
 public:
  /// `model` must outlive the simulation and be validated (io::load_scenario does it).
  Simulation(const Model& model, std::uint64_t seed, std::uint64_t replication);

  void add_scripted_arrival(const ScriptedArrival& arrival);

  void set_observer(Observer* observer) { observer_ = observer; }

  void set_monitor(Monitor* monitor) { monitor_ = monitor; }

  /// Records every child's spells in Indicators::spells (off by default: it costs memory).
  void record_spells(bool on) { record_spells_ = on; }

  /// Runs to the horizon and returns the indicators. Call once.
  [[nodiscard]] Indicators run();

 private:
  enum class Ev : std::uint8_t {
    kArrival,
    kScripted,
    kStayEnd,
    kAgeLimit,
    kAgedOut,
    kEligible,
    kPeriodEnd,
    kDeath,
    kReview,
    kPlanReview,
    kExpiry,
    kCapacity,  // a change of places (Model::capacity_changes); id: its index
    kOffer,     // a place held vacant is offered to the lists (Behaviour); id: its provider
  };

  struct Payload {
    std::uint32_t id;   // person, territory (arrivals), script index, period or review
    std::uint32_t tag;  // generation << 4 | event type
  };

  struct Person {  // 32 bytes: the people array is the hottest memory of a run
    double birth_day;
    std::uint64_t key;      // stream entity: stable across policies (common random numbers)
    float waiting_since;    // day it began waiting (waits, priority, PAG; ~0.5 ms at day 7,300)
    TerritoryId territory;  // home: where it arrived, waits and is counted
    ServiceId waiting = kNoService;     // service whose list it is on (or will join)
    std::uint16_t stays = 0;            // stays begun: the occurrence of stay-keyed streams
    std::uint8_t interim = kNoInterim;  // situation while on a list without a place
    std::uint8_t attributes = 0;        // Attributes::pack()
    ProviderId provider = kNoProvider;  // whose place it occupies (its service and territory)
  };

  static_assert(sizeof(Person) == 32);

  struct Queue {  // one priority level of a list: (person, generation), FIFO
    std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;
    std::size_t head = 0;
  };

  struct OpenSpell {  // the spell a person is in now (when spells are recorded)
    double start = 0.0;
    ServiceId service = kNoService;
    ServiceId next_service = kNoService;
    TerritoryId place_territory = kNoTerritory;
    Spell::State state = Spell::State::kWaiting;
    bool open = false;
  };

  // A provider's places: the declared ones (Model::providers, same index) first, then one per
  // (territory, service) of each service without declared providers, authorised for anyone, and
  // one with no place for each (territory, service) where a service's declared providers have
  // none (so that every cell has a provider, whose list a per-provider child may join).
  // Occupants' attendance and days at school, summed in fixed point (kWeightScale = 1.0) so
  // that adding and removing a child's weight is exact: the integrals stay bit-identical.
  static constexpr double kWeightScale = 4294967296.0;  // 2^32: exact to 1e-9 relative

  struct Weights {
    std::int64_t attending = 0;  // sum of occupants' attendance × kWeightScale
    std::int64_t schooled = 0;   // sum of attendance × school day share × kWeightScale
  };

  struct Activity {  // what funding by days and by child needs, since the period's start
    Weights now;
    double last_change = 0.0;    // its own clock: place-days keep their accrual points
    double attended_days = 0.0;  // integrals of `now`, in place-days
    double school_days = 0.0;
    std::int64_t followed = 0;  // in a place at the period's start, or admitted since
  };

  struct ProviderState {
    std::int64_t capacity = 0;
    std::int64_t occupied = 0;
    std::int64_t held = 0;       // free places held vacant until their kOffer (Behaviour)
    std::int64_t withdrawn = 0;  // pending kOffers whose place a closure took: they do nothing
    double last_change = 0.0;
    double place_days = 0.0;  // since the start of the current period
    Activity activity;
    double capacity_days = 0.0;  // authorised place-days since the period's start
    double capacity_since = 0.0;
    TerritoryId territory = 0;
    ServiceId service = 0;
    std::uint8_t impairments = Provider::kAnyImpairment;
  };

  struct Cell {  // one (territory, service)
    std::int64_t capacity = 0;
    std::int64_t occupied = 0;
    std::int64_t waiting = 0;   // children on its list (pooled) or its providers' lists
    std::int64_t holding = 0;   // occupants past the age limit holding this place while
                                // waiting elsewhere (Creton)
    std::int64_t stepping = 0;  // occupants before the age limit holding it while waiting
    std::int64_t pag = 0;       // live entries with a PAG
    std::int64_t excess = 0;    // occupied places above their provider's capacity (the
                                // timeline closed them; they close as occupants leave)
    std::int64_t held = 0;      // its providers' places held vacant (Behaviour)
    double last_change = 0.0;
    double place_days = 0.0;  // since the start of the current period
    Activity activity;
    double capacity_days = 0.0;  // authorised place-days since the period's start
    double capacity_since = 0.0;
    // Children whose home is this cell's territory, in a place of its service elsewhere.
    std::int64_t placed_away = 0;    // in another home territory
    std::int64_t placed_abroad = 0;  // in an abroad territory
  };

  static constexpr std::uint8_t kRankPeriodEnd = 0;
  static constexpr std::uint8_t kRankPerson = 1;
  static constexpr std::uint8_t kRankReview = 2;  // after the day's person events

  void schedule(double day, Ev type, std::uint32_t id, std::uint32_t generation = 0);
  std::uint32_t new_person(double day, double age_years, TerritoryId t, std::uint64_t key,
                           ServiceId entry_service,
                           std::uint8_t authorised = Provider::kAnyImpairment);
  void emit(double day, EventKind kind, std::uint32_t person, ServiceId service);

  [[nodiscard]] std::size_t cell_index(TerritoryId t, ServiceId s) const {
    return static_cast<std::size_t>(t) * n_services_ + s;
  }

  Cell& cell(TerritoryId t, ServiceId s) { return cells_[cell_index(t, s)]; }

  // The service of the place a person occupies (kNoService: none), its territory, and its cell.
  [[nodiscard]] ServiceId place_of(const Person& person) const {
    return person.provider == kNoProvider ? kNoService : providers_[person.provider].service;
  }

  [[nodiscard]] TerritoryId place_territory_of(const Person& person) const {
    return person.provider == kNoProvider ? kNoTerritory : providers_[person.provider].territory;
  }

  Cell& held_cell(const Person& person) {
    const ProviderState& provider = providers_[person.provider];
    return cell(provider.territory, provider.service);
  }

  // One level of list `list`: a cell index when lists are pooled, a provider when they are per
  // provider. Kept apart from the cells so that they stay small.
  Queue& queue(std::size_t list, int level) {
    return queues_[list * static_cast<std::size_t>(n_levels_) + static_cast<std::size_t>(level)];
  }

  // The providers of (t, s), in declaration order.
  [[nodiscard]] std::pair<const ProviderId*, const ProviderId*> providers_of(TerritoryId t,
                                                                             ServiceId s) const {
    const std::size_t c = cell_index(t, s);
    return {by_cell_.data() + cell_first_provider_[c],
            by_cell_.data() + cell_first_provider_[c + 1]};
  }

  void set_occupied(ProviderId q, double day, std::int64_t delta);
  static void accrue_activity(Activity& a, double day);
  [[nodiscard]] Weights weights_for(ServiceId s, Care care) const;
  void weigh(ProviderId q, double day, std::uint32_t p, std::int64_t sign);
  void build_providers();
  void set_up_responses();

  void on_arrival(double day, TerritoryId t);
  void orient(double day, std::uint32_t p, ServiceId s);
  void join_list(double day, std::uint32_t p, ServiceId s);
  void join_list(double day, std::uint32_t p, ServiceId s, double waiting_since);
  enum class Admission : std::uint8_t {
    kInitial,    // in place at t = 0: not counted as an admission
    kImmediate,  // a place was free when it asked
    kFromList,   // after waiting on a list: its wait is recorded
  };

  void admit(double day, std::uint32_t p, ProviderId q, Admission how);
  [[nodiscard]] ProviderId free_place_for(double day, std::uint32_t p, ServiceId s);
  [[nodiscard]] ProviderId free_place_in(TerritoryId t, ServiceId s, std::uint8_t impairment) const;
  [[nodiscard]] TerritoryId home_of_initial(core::KeyedRng& gen, TerritoryId t);
  void apply(double day, std::uint32_t p, ServiceId s, std::uint32_t generation);
  [[nodiscard]] std::size_t first_match(Queue& q, std::uint8_t impairments);
  bool serve_lists(double day, ProviderId q, TerritoryId list_home, const std::uint32_t* lists,
                   std::size_t n_lists);
  void accrue(Cell& c, double day);
  void accrue(ProviderState& provider, double day);
  void free_place(double day, ProviderId q);
  bool offer_place(double day, ProviderId q);
  void accrue_capacity(ProviderState& provider, Cell& c, double day);
  void on_capacity_change(double day, const CapacityChange& change);
  void on_offer(double day, ProviderId q);
  // Providers' responses to their funding (Model::behaviour, rule 28): the regimes of funding of
  // provider q now and in the first period, equal when its funding has not changed.
  [[nodiscard]] std::pair<std::uint8_t, std::uint8_t> regimes_of(ProviderId q) const;
  [[nodiscard]] double step_factor(std::size_t step, std::uint32_t p, Care care) const;
  [[nodiscard]] double vacancy_delay(ProviderId q) const;
  [[nodiscard]] bool released_at_age_limit(double day, std::uint32_t p, const Branch& branch);
  [[nodiscard]] std::size_t select(Queue& q, std::size_t first, ProviderId provider);
  void release(double day, TerritoryId home, ProviderId q);
  [[nodiscard]] std::int64_t& placed_elsewhere(TerritoryId home, TerritoryId t, ServiceId s);
  void count_lists(int period, int t, ServiceId s);
  void vacate(double day, std::uint32_t p);
  void begin_interim(std::uint32_t p, ServiceId s);
  void end_interim(std::uint32_t p);
  std::uint8_t enter_interim(std::size_t t, ServiceId s, std::size_t i);
  void exit_interim(std::size_t t, ServiceId s, std::size_t i);
  void decide(double day, std::uint32_t p, const std::vector<Branch>& branches,
              core::Stream purpose);
  void redirect(double day, std::uint32_t p, Action action, ServiceId target);
  void depart(double day, std::uint32_t p, Spell::End why);
  void leave_list(std::uint32_t p);
  [[nodiscard]] bool on_list(double day, const Person& person) const;
  [[nodiscard]] int level_of(double day, const Person& person) const;
  void schedule_death(double day, std::uint32_t p, int phase);
  void on_death(double day, std::uint32_t p);
  void on_review(double day, std::uint32_t review);
  [[nodiscard]] ProviderId alternative_place(double day, std::uint32_t p, ServiceId s);
  void take_alternative(double day, std::uint32_t p, ServiceId s, ProviderId q);
  void schedule_expiry(double day, std::uint32_t p, std::uint32_t generation);
  void on_expiry(double day, std::uint32_t p);
  void on_plan_review(double day, std::uint32_t year);
  void take_step(double day, std::uint32_t p, std::size_t step);
  [[nodiscard]] bool step_applies(const PlanStep& step, const Person& person, Care care,
                                  double day) const;
  [[nodiscard]] bool is_creton(const Person& person) const;
  void draw_care(std::uint32_t p, ServiceId s);
  void count_by_care_and_age(int period, double day);
  void count_by_place(int period, const Person& person, Care care);
  void open_spell(double start, std::uint32_t p, Spell::State state);
  void close_spell(double day, std::uint32_t p, Spell::End why);

  [[nodiscard]] std::size_t profile_index(TerritoryId t, ServiceId s, int impairment) const {
    return (static_cast<std::size_t>(t) * n_services_ + s) * n_impairments_ + impairment;
  }

  void count_in_place(const Person& person, ServiceId s, std::int64_t delta);

  // Children of home territory t on s's list in interim situation i, now.
  std::int64_t& interim_count(std::size_t t, std::size_t s, std::size_t i) {
    return interim_[(t * n_services_ + s) * model_.interim.size() + i];
  }

  void on_aged_out(double day, std::uint32_t p, bool queued);
  void on_period_end(int period);
  void place_initial_occupants();
  void place_initial_waiters();
  [[nodiscard]] double next_arrival_day(TerritoryId t, double from_day);

  const Model& model_;
  std::uint64_t seed_;
  std::uint64_t replication_;
  std::size_t n_services_;
  core::EventQueue<Payload> queue_;
  core::Generations generations_;
  std::vector<Person> people_;
  std::vector<std::uint32_t> free_ids_;  // ids of people who left, reused by newcomers
  std::vector<Cell> cells_;
  std::vector<ProviderState> providers_;
  std::vector<std::uint32_t> cell_first_provider_;  // per cell (and one past): into by_cell_
  std::vector<ProviderId> by_cell_;                 // providers grouped by cell
  std::size_t n_declared_ = 0;                      // Model::providers.size()
  std::vector<bool> declares_;                      // per service: has declared providers
  // Whether a free place may coexist with children waiting: lists per provider, or a provider
  // not authorised for every impairment.
  bool fragmented_ = false;
  std::vector<Queue> queues_;              // [list][priority level]
  std::vector<ProviderId> apply_scratch_;  // scratch of apply()
  std::vector<double> weights_scratch_;
  std::vector<std::uint32_t> seen_;  // per person id: stamp of the last count that met it
  std::uint32_t stamp_ = 0;
  std::vector<core::KeyedRng> arrival_streams_;  // one per territory
  std::vector<std::uint64_t> arrivals_so_far_;   // per territory: index of the next arrival
  std::vector<double> arrival_rate_per_day_;     // per territory
  std::vector<std::vector<std::pair<double, double>>> rate_changes_;  // per territory: (day,
                                                                      // factor) of the timeline
  std::vector<double> orientation_cdf_;
  std::vector<ScriptedArrival> scripted_;
  std::vector<std::int64_t> present_;  // per territory
  std::vector<RegionId> region_of_;    // per territory: its region (0 when the model has none)
  std::vector<std::int64_t> interim_;  // [home territory][service][interim]: on a list now
  std::vector<std::int64_t> interim_users_;  // [home territory][interim]: in the situation now
  // [declared provider][mode] (Model::mode_days; else empty): the activity of its occupants of
  // each mode, for the modulated daily prices that bill days by mode.
  std::vector<Activity> mode_activity_;
  std::size_t n_modes_ = 0;
  std::vector<Weights> weights_;  // [service][Care byte]: a child's weight in its provider's
                                  // activity (weights_for), tabled once
  std::vector<std::vector<double>> interim_cdf_;     // per service: cumulative interim shares
  std::vector<std::vector<double>> impairment_cdf_;  // per service (empty: impairment 0)
  std::vector<std::vector<double>> needs_cdf_;       // per service (empty: level 0)
  std::size_t n_impairments_ = 1;
  std::size_t n_needs_ = 1;
  bool closures_ = false;  // the timeline closes places (Cell::excess is kept)
  int n_levels_ = 1;
  // [home territory][service][impairment]: in a place (anywhere), on the list
  std::vector<std::int64_t> in_place_by_impairment_;
  std::vector<std::int64_t> waiting_by_impairment_;
  std::vector<std::int64_t> in_place_ase_;  // [home territory][service]
  std::vector<double> death_rate_per_day_;  // per impairment; empty: no deaths
  // Mode and schooling: per person id, Care::pack() of its place (kept apart from Person, which
  // is full, and read only at admissions, plan reviews and period ends); per service, the
  // cumulative shares (empty: not recorded), and the plan steps that start from it.
  std::vector<std::uint8_t> care_;
  std::vector<std::vector<double>> mode_cdf_;
  std::vector<std::vector<double>> schooling_cdf_;
  std::vector<std::vector<std::size_t>> steps_of_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> plan_scratch_;  // (person, generation)
  bool counts_by_care_or_age_ = false;
  std::vector<double> group_born_by_;  // scratch of count_by_care_and_age
  std::vector<double> list_born_by_;
  double horizon_ = 0.0;

  struct ReviewEntry {  // a live list entry and its wait, gathered for a review
    float since;
    std::uint32_t person;
    std::uint32_t generation;
    std::uint32_t list;
  };

  std::vector<ReviewEntry> review_scratch_;
  std::vector<OpenSpell> spell_of_;  // per person id, when spells are recorded
  int n_regions_ = 1;
  Indicators out_;
  int period_ = 0;
  Observer* observer_ = nullptr;
  Monitor* monitor_ = nullptr;
  // Per provider, its unit in Model::incentives; whether the funding of any changes in the run
  // (else no response can act, and none is looked up).
  std::vector<std::uint32_t> unit_of_;
  bool responds_ = false;
  bool record_spells_ = false;
};

}  // namespace parcours::model
