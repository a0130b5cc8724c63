#include "engine/model/simulation.hpp"

#include "engine/core/check.hpp"
#include "engine/core/distribution.hpp"

#include <boost/random/exponential_distribution.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace parcours::model {

namespace {

constexpr std::uint32_t kTypeBits = 4;
constexpr std::uint32_t kTypeMask = (1U << kTypeBits) - 1;
constexpr std::uint32_t kGenerationMask = (1U << (32 - kTypeBits)) - 1;

// Stream entities of people: stable under policy changes, so that the k-th newcomer of a
// territory is the same child in a baseline and in a reform (common random numbers).
constexpr std::uint64_t arrival_key(TerritoryId t, std::uint64_t k) {
  return (std::uint64_t{1} << 62) | (std::uint64_t{t} << 40) | k;
}

constexpr std::uint64_t initial_key(ServiceId s, TerritoryId t, std::uint64_t slot) {
  return (std::uint64_t{2} << 62) | (std::uint64_t{s} << 48) | (std::uint64_t{t} << 32) | slot;
}

// People on a list at t = 0 (the top two bits are 0).
constexpr std::uint64_t initial_waiting_key(ServiceId s, TerritoryId t, std::uint64_t slot) {
  return (std::uint64_t{s} << 48) | (std::uint64_t{t} << 32) | slot;
}

constexpr std::uint64_t scripted_key(std::uint64_t index) {
  return (std::uint64_t{3} << 62) | index;
}

constexpr std::uint64_t kProgressEvery = 1U << 16;

// The day someone born on `birth_day` reaches `years` of age: infinity for an infinite age (a
// service without an age limit), so comparisons need no special case.
double day_at_age(double birth_day, double years) { return birth_day + core::years_to_days(years); }

// Whether `x` is in `set`, an empty set holding anyone (the conditions of priority levels and
// plan steps).
bool in_set(const std::vector<std::uint8_t>& set, std::uint8_t x) {
  return set.empty() || std::find(set.begin(), set.end(), x) != set.end();
}

// Holders are told apart by comparing their place's age limit with the day they joined a list,
// kept as a float (waiting_since): this margin, in days, absorbs its rounding (~0.5 ms at day
// 7,300). A numerical tolerance, not a model parameter.
constexpr double kJoinDayMargin = 0.01;

// Running sums of `shares`: the table that pick() draws from.
std::vector<double> cumulative(const std::vector<double>& shares) {
  std::vector<double> out;
  double sum = 0.0;
  for (double share : shares) {
    sum += share;
    out.push_back(sum);
  }
  return out;
}

// The index drawn by a uniform `u` in [0, 1) from running sums `cdf` (non-empty).
// u * cdf.back() < cdf.back(), so upper_bound finds an index; min() only guards rounding.
std::size_t pick(const std::vector<double>& cdf, double u) {
  const double x = u * cdf.back();
  return std::min(
      static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), x) - cdf.begin()),
      cdf.size() - 1);
}

// As pick(), for an impairment that a provider authorised for `authorised` (a bit mask) may admit:
// the same draw when it may; otherwise the draw from the authorised impairments' shares alone
// (for its occupants at t = 0). With no child of an authorised impairment, the draw stands.
std::size_t pick_authorised(const std::vector<double>& cdf, double u, std::uint8_t authorised) {
  const std::size_t i = pick(cdf, u);
  if (((authorised >> i) & 1U) != 0) {
    return i;
  }
  std::vector<double> shares;
  double previous = 0.0;
  for (std::size_t k = 0; k < cdf.size(); ++k) {
    shares.push_back(((authorised >> k) & 1U) != 0 ? cdf[k] - previous : 0.0);
    previous = cdf[k];
  }
  const std::vector<double> masked = cumulative(shares);
  return masked.back() > 0.0 ? pick(masked, u) : i;
}

}  // namespace

Simulation::Simulation(const Model& model, std::uint64_t seed, std::uint64_t replication)
    : model_(model), seed_(seed), replication_(replication), n_services_(model.services.size()) {
  const auto n_territories = model.territories.size();
  PARCOURS_CHECK(n_territories > 0 && n_services_ > 0, "a model needs territories and services");
  cells_.resize(n_territories * n_services_);
  for (std::size_t t = 0; t < n_territories; ++t) {
    for (std::size_t s = 0; s < n_services_; ++s) {
      PARCOURS_CHECK(model.services[s].capacity.size() == n_territories,
                     "one capacity per territory expected");
      cells_[t * n_services_ + s].capacity = model.services[s].capacity[t];
    }
  }
  double weight_sum = 0.0;
  for (const auto& territory : model.territories) {
    weight_sum += territory.weight;
  }
  for (std::size_t t = 0; t < n_territories; ++t) {
    arrival_streams_.emplace_back(seed, replication, core::Stream::kArrivalTimes, t);
    arrival_rate_per_day_.push_back(model.arrivals.rate_per_year * model.territories[t].weight /
                                    weight_sum / core::kDaysPerYear);
  }
  arrivals_so_far_.assign(n_territories, 0);
  present_.assign(n_territories, 0);
  n_regions_ = std::max(1, static_cast<int>(model.regions.size()));
  const std::size_t n_interims = model.interim.size();
  PARCOURS_CHECK(n_interims < kNoInterim, "too many interim situations");
  interim_.assign(n_territories * n_services_ * n_interims, 0);
  interim_users_.assign(n_territories * n_interims, 0);
  for (const InterimSituation& situation : model.interim) {
    PARCOURS_CHECK(!situation.limited() ||
                       (situation.capacity.size() == n_territories && situation.per_child > 0.0),
                   "a limited interim situation has a capacity per territory");
  }
  for (const Service& service : model.services) {
    PARCOURS_CHECK(service.interim_shares.empty() || service.interim_shares.size() == n_interims,
                   "one interim share per situation");
    interim_cdf_.push_back(cumulative(service.interim_shares));
  }
  for (const auto& territory : model.territories) {
    region_of_.push_back(territory.region < n_regions_ ? territory.region : RegionId{0});
  }
  orientation_cdf_ = cumulative(model.arrivals.orientation);
  n_impairments_ = std::max<std::size_t>(1, model.children.impairments.size());
  PARCOURS_CHECK(n_impairments_ <= Attributes::kMaxImpairments &&
                     model.children.needs_levels.size() <= Attributes::kMaxNeedsLevels,
                 "too many impairments or needs levels");
  build_providers();
  for (const Service& service : model.services) {
    PARCOURS_CHECK(service.children.impairment_shares.empty() ||
                       service.children.impairment_shares.size() == n_impairments_,
                   "one impairment share per impairment");
    impairment_cdf_.push_back(cumulative(service.children.impairment_shares));
    needs_cdf_.push_back(cumulative(service.children.needs_shares));
  }
  n_levels_ = std::max(1, static_cast<int>(model.lists.priority.size()));
  PARCOURS_CHECK(n_levels_ <= Lists::kMaxPriorityLevels, "too many priority levels");
  PARCOURS_CHECK(model.lists.applications >= 1, "a child applies to at least one provider");
  queues_.resize((model.lists.per_provider ? providers_.size() : cells_.size()) *
                 static_cast<std::size_t>(n_levels_));
  in_place_by_impairment_.assign(n_territories * n_services_ * n_impairments_, 0);
  waiting_by_impairment_.assign(n_territories * n_services_ * n_impairments_, 0);
  in_place_ase_.assign(n_territories * n_services_, 0);
  if (!model.children.mortality_per_year.empty()) {
    PARCOURS_CHECK(model.children.mortality_per_year.size() == n_impairments_,
                   "one mortality rate per impairment");
    for (const double rate : model.children.mortality_per_year) {
      // A yearly probability q of dying is a constant hazard of -ln(1 - q) per year.
      death_rate_per_day_.push_back(-std::log1p(-rate) / core::kDaysPerYear);
    }
  }
  PARCOURS_CHECK(
      model.modes.size() <= Care::kMaxModes && model.schoolings.size() <= Care::kMaxSchoolings,
      "too many modes or schooling situations");
  steps_of_.resize(n_services_);
  for (const Service& service : model.services) {
    PARCOURS_CHECK(service.mode_shares.empty() || service.mode_shares.size() == model.modes.size(),
                   "one mode share per mode");
    PARCOURS_CHECK(service.schooling_shares.empty() ||
                       service.schooling_shares.size() == model.schoolings.size(),
                   "one schooling share per schooling situation");
    mode_cdf_.push_back(cumulative(service.mode_shares));
    schooling_cdf_.push_back(cumulative(service.schooling_shares));
  }
  for (std::size_t s = 0; s < n_services_; ++s) {
    for (unsigned bits = 0; bits < 256; ++bits) {
      const Care care = Care::unpack(static_cast<std::uint8_t>(bits));
      const bool known = (mode_cdf_[s].empty() || care.mode < model.modes.size()) &&
                         (schooling_cdf_[s].empty() || care.schooling < model.schoolings.size());
      weights_.push_back(known ? weights_for(static_cast<ServiceId>(s), care) : Weights{});
    }
  }
  for (std::size_t i = 0; i < model.plans.steps.size(); ++i) {
    PARCOURS_CHECK(model.plans.steps[i].from < n_services_, "a plan step from no service");
    steps_of_[model.plans.steps[i].from].push_back(i);
  }
  counts_by_care_or_age_ = !model.modes.empty() || !model.schoolings.empty() ||
                           !model.children.age_groups.empty() ||
                           model.children.needs_levels.size() > 1;
  n_needs_ = std::max<std::size_t>(1, model.children.needs_levels.size());
  for (const CapacityChange& change : model.capacity_changes) {
    closures_ = closures_ || change.delta < 0;
  }
  // The timeline's dated rates of arrival, per territory: (from day, factor), later ones last.
  rate_changes_.resize(n_territories);
  for (const Arrivals::Change& change : model.arrivals.changes) {
    PARCOURS_CHECK(change.from_day >= 0.0 && change.factor >= 0.0, "a bad change of arrivals");
    for (std::size_t t = 0; t < n_territories; ++t) {
      if (change.territories.empty() ||
          std::find(change.territories.begin(), change.territories.end(), t) !=
              change.territories.end()) {
        rate_changes_[t].emplace_back(change.from_day, change.factor);
      }
    }
  }
  for (auto& changes : rate_changes_) {
    std::stable_sort(changes.begin(), changes.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  horizon_ = model.period_days() * model.periods();
  set_up_responses();
  Shape shape{model.periods(),
              static_cast<int>(n_territories),
              static_cast<int>(n_services_),
              n_regions_,
              static_cast<int>(n_interims),
              n_levels_,
              static_cast<int>(n_impairments_)};
  shape.modes = static_cast<int>(model.modes.size());
  shape.schoolings = static_cast<int>(model.schoolings.size());
  shape.age_groups = static_cast<int>(model.children.age_groups.size());
  shape.plan_steps = static_cast<int>(model.plans.steps.size());
  shape.providers = static_cast<int>(n_declared_);
  shape.outcomes = static_cast<int>(model.outcomes.size());
  shape.needs = static_cast<int>(n_needs_);
  n_modes_ = model.modes.size();
  shape.mode_days = model.mode_days && n_modes_ > 0;
  if (shape.mode_days) {
    mode_activity_.assign(n_declared_ * n_modes_, Activity{});
  }
  out_.resize(shape);
}

// The providers' table: the declared ones, then one per cell that has none (with the cell's
// places when its service declares no provider, else none), grouped by cell in by_cell_; and
// their authorisations, widened by derogations.
void Simulation::build_providers() {
  n_declared_ = model_.providers.size();
  const std::size_t all_impairments = (1U << n_impairments_) - 1;
  std::vector<bool>& declares = declares_;
  declares.assign(n_services_, false);
  std::vector<std::int64_t> declared_places(cells_.size(), 0);
  std::vector<std::uint32_t> count(cells_.size(), 0);
  for (const Provider& provider : model_.providers) {
    PARCOURS_CHECK(provider.territory < model_.territories.size() && provider.service < n_services_,
                   "a provider of an unknown territory or service");
    PARCOURS_CHECK(provider.places >= 0, "a provider with negative places");
    ProviderState state;
    state.capacity = provider.places;
    state.territory = provider.territory;
    state.service = provider.service;
    state.impairments = provider.impairments;
    providers_.push_back(state);
    declares[provider.service] = true;
    declared_places[cell_index(provider.territory, provider.service)] += provider.places;
    ++count[cell_index(provider.territory, provider.service)];
  }
  for (std::size_t c = 0; c < cells_.size(); ++c) {
    const auto s = static_cast<ServiceId>(c % n_services_);
    PARCOURS_CHECK(!declares[s] || declared_places[c] == cells_[c].capacity,
                   "a service's capacity must be the sum of its providers' places");
    if (count[c] == 0) {
      ProviderState state;
      state.capacity = declares[s] ? 0 : cells_[c].capacity;
      state.territory = static_cast<TerritoryId>(c / n_services_);
      state.service = s;
      providers_.push_back(state);
      ++count[c];
    }
  }
  // A derogation: where no provider of a cell with places is authorised for an impairment, every
  // provider of the cell may admit children of that impairment.
  std::vector<std::uint8_t> covered(cells_.size(), 0);
  for (const ProviderState& provider : providers_) {
    if (provider.capacity > 0) {
      covered[cell_index(provider.territory, provider.service)] |= provider.impairments;
    }
  }
  // A provider that may admit every impairment of the model is kAnyImpairment, so that serving
  // its lists reads no child's impairment.
  for (ProviderState& provider : providers_) {
    const auto uncovered = static_cast<std::uint8_t>(
        ~covered[cell_index(provider.territory, provider.service)] & all_impairments);
    provider.impairments = static_cast<std::uint8_t>(provider.impairments | uncovered);
    if ((provider.impairments & all_impairments) == all_impairments) {
      provider.impairments = Provider::kAnyImpairment;
    }
    fragmented_ = fragmented_ || provider.impairments != Provider::kAnyImpairment;
  }
  cell_first_provider_.assign(cells_.size() + 1, 0);
  for (std::size_t c = 0; c < cells_.size(); ++c) {
    cell_first_provider_[c + 1] = cell_first_provider_[c] + count[c];
  }
  by_cell_.resize(providers_.size());
  std::vector<std::uint32_t> next(cell_first_provider_.begin(), cell_first_provider_.end() - 1);
  for (std::size_t q = 0; q < providers_.size(); ++q) {
    by_cell_[next[cell_index(providers_[q].territory, providers_[q].service)]++] =
        static_cast<ProviderId>(q);
  }
  fragmented_ = fragmented_ || model_.lists.per_provider;
}

// Providers' responses (rule 28) act only where a provider's funding changes during the run: each
// provider's unit in the incentive tables, and whether any unit changes regime.
void Simulation::set_up_responses() {
  const Incentives& inc = model_.incentives;
  if (inc.empty()) {
    return;
  }
  PARCOURS_CHECK(
      inc.periods >= model_.periods() && inc.services == static_cast<int>(n_services_) &&
          inc.units == static_cast<int>(n_declared_ + cells_.size()) &&
          inc.regime.size() == static_cast<std::size_t>(inc.periods) * inc.units &&
          inc.care_value.size() ==
              static_cast<std::size_t>(inc.regimes) * n_services_ * Incentives::kCareBytes &&
          inc.stay_value.size() == inc.care_value.size() &&
          inc.vacancy.size() == static_cast<std::size_t>(inc.regimes) * n_services_ &&
          inc.needs_value.size() == inc.vacancy.size() * static_cast<std::size_t>(inc.needs) &&
          inc.needs >= static_cast<int>(n_needs_),
      "incentives of another model");
  const Behaviour& b = model_.behaviour;
  PARCOURS_CHECK(b.step_down >= 0.0 && b.care >= 0.0 && b.max_factor >= 1.0 &&
                     b.vacancy_days >= 0.0 && b.creton_release >= 0.0 && b.selection_days >= 0.0,
                 "bad behaviour parameters");
  unit_of_.resize(providers_.size());
  for (std::size_t q = 0; q < providers_.size(); ++q) {
    unit_of_[q] = static_cast<std::uint32_t>(inc.unit_of(
        static_cast<ProviderId>(q), n_declared_, providers_[q].territory, providers_[q].service));
  }
  // A run may be shorter than its scenario (calibrate runs the first year): its own periods.
  for (int period = 1; period < model_.periods() && !responds_; ++period) {
    for (std::size_t u = 0; u < static_cast<std::size_t>(inc.units); ++u) {
      if (inc.regime_of(period, u) != inc.regime_of(0, u)) {
        responds_ = true;
        break;
      }
    }
  }
}

std::pair<std::uint8_t, std::uint8_t> Simulation::regimes_of(ProviderId q) const {
  const Incentives& inc = model_.incentives;
  return {inc.regime_of(period_, unit_of_[q]), inc.regime_of(0, unit_of_[q])};
}

// A plan step's factor: 1 + elasticity × (what the step changes in the provider's funding a day
// now − what it changed under the first period's funding), in [0, max_factor]. A step that
// leaves the place loses the child's stay value; one that changes its care changes its care value.
double Simulation::step_factor(std::size_t i, std::uint32_t p, Care care) const {
  const ProviderId q = people_[p].provider;
  const auto [now, start] = regimes_of(q);
  if (now == start) {
    return 1.0;
  }
  const PlanStep& step = model_.plans.steps[i];
  const Incentives& inc = model_.incentives;
  const ServiceId s = providers_[q].service;
  const std::uint8_t before = care.pack();
  double change = 0.0;
  double elasticity = 0.0;
  if (step.target != kNoService) {
    change = -(inc.stay_value[inc.care_at(now, s, before)] -
               inc.stay_value[inc.care_at(start, s, before)]);
    elasticity = model_.behaviour.step_down;
  } else {
    Care next = care;
    next.mode = step.to_mode.value_or(care.mode);
    next.schooling = step.to_schooling.value_or(care.schooling);
    const std::uint8_t after = next.pack();
    const auto delta = [&](std::uint8_t r) {
      return inc.care_value[inc.care_at(r, s, after)] - inc.care_value[inc.care_at(r, s, before)];
    };
    change = delta(now) - delta(start);
    elasticity = model_.behaviour.care;
  }
  return std::clamp(1.0 + elasticity * change, 0.0, model_.behaviour.max_factor);
}

// Days a place of q that frees waits before it is offered: vacancy_days × what an empty place-day
// costs the provider less than in the first period (0 when it costs as much or more).
double Simulation::vacancy_delay(ProviderId q) const {
  const auto [now, start] = regimes_of(q);
  if (now == start) {
    return 0.0;
  }
  const Incentives& inc = model_.incentives;
  const ServiceId s = providers_[q].service;
  const double lost = inc.vacancy[inc.table(start, s)] - inc.vacancy[inc.table(now, s)];
  return model_.behaviour.vacancy_days * std::max(0.0, lost);
}

// Whether the provider of `p`, at its place's age limit, does not keep it while it waits for the
// next service (a Creton young adult): only for a branch that would keep the place (kMove with no
// free place of the target), with probability creton_release × the stay value lost since the
// first period, drawn from the child's own stream.
bool Simulation::released_at_age_limit(double day, std::uint32_t p, const Branch& branch) {
  const Person& person = people_[p];
  if (branch.action != Action::kMove || person.provider == kNoProvider) {
    return false;
  }
  const auto [now, start] = regimes_of(person.provider);
  if (now == start) {
    return false;
  }
  const Incentives& inc = model_.incentives;
  const ServiceId s = providers_[person.provider].service;
  const std::uint8_t care = care_[p];
  const double lost =
      inc.stay_value[inc.care_at(start, s, care)] - inc.stay_value[inc.care_at(now, s, care)];
  const double probability = std::min(1.0, model_.behaviour.creton_release * std::max(0.0, lost));
  if (probability <= 0.0 || free_place_for(day, p, branch.target) != kNoProvider) {
    return false;
  }
  core::KeyedRng gen(seed_, replication_, core::Stream::kCretonRelease, person.key, person.stays);
  return core::uniform01(gen) < probability;
}

// Who of queue `q` takes a free place of `provider`: the child at `first` (the first it may admit),
// unless the provider's funding now pays more for some needs level than at the start: then, of the
// first child of each needs level it may admit, the one whose waiting start less selection_days ×
// its level's gain is earliest (the first child on a tie). The walk stops at a child who began
// waiting too late to win even with the largest gain (lists are in joining order, so that is
// where later children start; a child who joined with an earlier start is a rare exception).
std::size_t Simulation::select(Queue& q, std::size_t first, ProviderId provider) {
  const double days = model_.behaviour.selection_days;
  const auto [now, start] = regimes_of(provider);
  if (days <= 0.0 || now == start || n_needs_ < 2) {
    return first;
  }
  const Incentives& inc = model_.incentives;
  const ServiceId s = providers_[provider].service;
  std::array<double, Attributes::kMaxNeedsLevels> shift{};  // days earlier a level counts
  double largest = 0.0;
  for (std::size_t l = 0; l < n_needs_; ++l) {
    shift[l] = days * (static_cast<double>(inc.needs_value[inc.needs_at(now, s, l)]) -
                       inc.needs_value[inc.needs_at(start, s, l)]);
    largest = l == 0 ? shift[l] : std::max(largest, shift[l]);
  }
  const auto needs_of = [&](std::uint32_t p) {
    return Attributes::unpack(people_[p].attributes).needs;
  };
  const std::uint32_t head = q.entries[first].first;
  const std::uint8_t head_needs = needs_of(head);
  if (largest <= shift[head_needs]) {
    return first;  // no level is worth more than the first child's
  }
  double best_score = static_cast<double>(people_[head].waiting_since) - shift[head_needs];
  std::size_t best = first;
  std::array<bool, Attributes::kMaxNeedsLevels> seen{};
  seen[head_needs] = true;
  std::size_t unseen = n_needs_ - 1;
  const std::uint8_t impairments = providers_[provider].impairments;
  for (std::size_t i = first + 1; i < q.entries.size() && unseen > 0; ++i) {
    const auto [p, g] = q.entries[i];
    if (!generations_.is_live(p, g) ||
        (impairments != Provider::kAnyImpairment &&
         ((impairments >> Attributes::unpack(people_[p].attributes).impairment) & 1U) == 0)) {
      continue;
    }
    const double since = people_[p].waiting_since;
    if (since - largest >= best_score) {
      break;
    }
    const std::uint8_t needs = needs_of(p);
    if (seen[needs]) {
      continue;
    }
    seen[needs] = true;
    --unseen;
    if (const double score = since - shift[needs]; score < best_score) {
      best = i;
      best_score = score;
    }
  }
  if (best != first) {
    const ProviderState& state = providers_[provider];
    ++out_.admissions_selected[out_.cell(period_, state.territory, state.service)];
  }
  return best;
}

void Simulation::add_scripted_arrival(const ScriptedArrival& arrival) {
  scripted_.push_back(arrival);
}

void Simulation::schedule(double day, Ev type, std::uint32_t id, std::uint32_t generation) {
  const std::uint8_t rank =
      type == Ev::kPeriodEnd                                                    ? kRankPeriodEnd
      : type == Ev::kReview || type == Ev::kPlanReview || type == Ev::kCapacity ? kRankReview
                                                                                : kRankPerson;
  queue_.push(core::SimTime{day}, rank,
              Payload{id, ((generation & kGenerationMask) << kTypeBits) |
                              static_cast<std::uint32_t>(type)});
}

void Simulation::emit(double day, EventKind kind, std::uint32_t person, ServiceId service) {
  if (observer_ != nullptr) {
    TerritoryId t = kind == EventKind::kPeriodEnd ? 0 : people_[person].territory;
    observer_->on_event({core::SimTime{day}, kind, person, t, service});
  }
}

std::uint32_t Simulation::new_person(double day, double age_years, TerritoryId t, std::uint64_t key,
                                     ServiceId entry_service, std::uint8_t authorised) {
  ++present_[t];
  Person person{day - core::years_to_days(age_years), key, 0.0F, t};
  // Attributes come from a stream of their own: adding them moved no other draw.
  core::KeyedRng gen(seed_, replication_, core::Stream::kAttributes, key);
  const Profile& profile = model_.services[entry_service].children;
  Attributes a;
  const double u_impairment = core::uniform01(gen);
  const double u_needs = core::uniform01(gen);
  a.ase = core::uniform01(gen) < profile.ase_share;
  a.boy = core::uniform01(gen) < profile.boys_share;
  if (const auto& cdf = impairment_cdf_[entry_service]; !cdf.empty()) {
    a.impairment = static_cast<std::uint8_t>(pick_authorised(cdf, u_impairment, authorised));
  }
  if (const auto& cdf = needs_cdf_[entry_service]; !cdf.empty()) {
    a.needs = static_cast<std::uint8_t>(pick(cdf, u_needs));
  }
  person.attributes = a.pack();
  // Reuse the id of someone who left, most recent first: the live people stay in a compact,
  // cache-warm block instead of spreading over every id ever given. Generations keep
  // counting, so events and list entries of the former owner stay stale.
  if (!free_ids_.empty()) {
    const std::uint32_t p = free_ids_.back();
    free_ids_.pop_back();
    people_[p] = person;
    return p;
  }
  PARCOURS_CHECK(people_.size() < kGenerationMask, "too many people present at once");
  auto p = static_cast<std::uint32_t>(people_.size());
  people_.push_back(person);
  care_.push_back(0);
  generations_.resize(people_.size());
  if (record_spells_) {
    spell_of_.resize(people_.size());
  }
  return p;
}

// Place-days so far: occupied places integrated up to `day`.
void Simulation::accrue(Cell& c, double day) {
  c.place_days += static_cast<double>(c.occupied) * (day - c.last_change);
  c.last_change = day;
}

void Simulation::accrue(ProviderState& provider, double day) {
  provider.place_days += static_cast<double>(provider.occupied) * (day - provider.last_change);
  provider.last_change = day;
}

void Simulation::accrue_activity(Activity& a, double day) {
  const double span = day - a.last_change;
  a.attended_days += static_cast<double>(a.now.attending) / kWeightScale * span;
  a.school_days += static_cast<double>(a.now.schooled) / kWeightScale * span;
  a.last_change = day;
}

// What a child of care `care` in a place of `s` weighs in its provider's activity: its mode's
// attendance (1 where `s` records no mode) and the share of it spent at school (its schooling's;
// 0 where none). Tabled once per service and care byte (weights_).
Simulation::Weights Simulation::weights_for(ServiceId s, Care care) const {
  const double attendance = mode_cdf_[s].empty() ? 1.0 : model_.modes[care.mode].attendance;
  const double at_school =
      schooling_cdf_[s].empty() ? 0.0 : model_.schoolings[care.schooling].school_day_share;
  return {std::llround(attendance * kWeightScale),
          std::llround(attendance * at_school * kWeightScale)};
}

// `p` starts (+1) or stops (-1) weighing in provider q's activity, and its cell's.
void Simulation::weigh(ProviderId q, double day, std::uint32_t p, std::int64_t sign) {
  ProviderState& provider = providers_[q];
  Cell& c = cell(provider.territory, provider.service);
  accrue_activity(provider.activity, day);
  accrue_activity(c.activity, day);
  const Weights w = weights_[static_cast<std::size_t>(provider.service) * 256 + care_[p]];
  provider.activity.now.attending += sign * w.attending;
  provider.activity.now.schooled += sign * w.schooled;
  if (!mode_activity_.empty() && q < n_declared_) {
    Activity& by_mode = mode_activity_[q * n_modes_ + Care::unpack(care_[p]).mode];
    accrue_activity(by_mode, day);
    by_mode.now.attending += sign * w.attending;
    by_mode.now.schooled += sign * w.schooled;
  }
  c.activity.now.attending += sign * w.attending;
  c.activity.now.schooled += sign * w.schooled;
}

// A place of provider q is taken (+1) or freed (-1): the provider's and its cell's counts.
void Simulation::set_occupied(ProviderId q, double day, std::int64_t delta) {
  ProviderState& provider = providers_[q];
  Cell& c = cell(provider.territory, provider.service);
  accrue(provider, day);
  accrue(c, day);
  if (closures_) {  // occupied places above capacity (closed, not yet vacated) are no room
    c.excess -= std::max<std::int64_t>(0, provider.occupied - provider.capacity);
    c.excess += std::max<std::int64_t>(0, provider.occupied + delta - provider.capacity);
  }
  provider.occupied += delta;
  c.occupied += delta;
  PARCOURS_DCHECK(provider.occupied >= 0 && (delta < 0 || provider.occupied <= provider.capacity),
                  "occupancy out of bounds");  // above after a closure, until occupants leave
}

// Each provider's share of its places filled, by occupants whose impairment it may admit; the
// occupants of a cell are numbered across its providers (their stream keys).
void Simulation::place_initial_occupants() {
  for (std::size_t s = 0; s < n_services_; ++s) {
    const Service& service = model_.services[s];
    for (std::size_t t = 0; t < model_.territories.size(); ++t) {
      const auto place_t = static_cast<TerritoryId>(t);
      std::uint64_t slot = 0;
      const auto [first, last] = providers_of(place_t, static_cast<ServiceId>(s));
      for (const ProviderId* q = first; q != last; ++q) {
        const ProviderState& provider = providers_[*q];
        const auto n = static_cast<std::int64_t>(
            std::llround(service.initial.share_of_places * static_cast<double>(provider.capacity)));
        for (std::int64_t k = 0; k < n; ++k) {
          const auto key = initial_key(static_cast<ServiceId>(s), place_t, slot++);
          core::KeyedRng gen(seed_, replication_, core::Stream::kInitialPerson, key);
          const double age = core::sample(gen, service.initial.age_years);
          const auto p = new_person(0.0, age, home_of_initial(gen, place_t), key,
                                    static_cast<ServiceId>(s), provider.impairments);
          admit(0.0, p, *q, Admission::kInitial);
        }
      }
    }
  }
}

// People already waiting at t = 0, longest wait first in each list.
void Simulation::place_initial_waiters() {
  struct Waiter {
    double since;
    std::uint64_t key;
    double age;
  };

  std::vector<Waiter> waiters;
  const std::size_t homes = model_.home_territories();
  for (std::size_t s = 0; s < n_services_; ++s) {
    const InitialOccupancy& initial = model_.services[s].initial;
    if (initial.waiting_per_place <= 0.0) {
      continue;
    }
    for (std::size_t t = 0; t < homes; ++t) {
      const auto n = static_cast<std::int64_t>(std::llround(
          initial.waiting_per_place * static_cast<double>(model_.services[s].capacity[t])));
      waiters.clear();
      for (std::int64_t slot = 0; slot < n; ++slot) {
        const auto key = initial_waiting_key(static_cast<ServiceId>(s), static_cast<TerritoryId>(t),
                                             static_cast<std::uint64_t>(slot));
        core::KeyedRng gen(seed_, replication_, core::Stream::kInitialPerson, key);
        const double age = core::sample(gen, initial.waiting_age_years);
        const double since = -core::years_to_days(core::sample(gen, initial.waited_years));
        waiters.push_back({since, key, age});
      }
      std::stable_sort(waiters.begin(), waiters.end(),
                       [](const Waiter& a, const Waiter& b) { return a.since < b.since; });
      for (const Waiter& w : waiters) {
        const auto p =
            new_person(0.0, w.age, static_cast<TerritoryId>(t), w.key, static_cast<ServiceId>(s));
        Person& person = people_[p];
        person.waiting = static_cast<ServiceId>(s);
        const double eligible_day =
            person.birth_day + core::years_to_days(model_.services[s].min_age_years);
        if (eligible_day > 0.0) {  // too young yet: joins (and starts waiting) at that age
          schedule(eligible_day, Ev::kEligible, p, generations_.current(p));
          open_spell(0.0, p, Spell::State::kTooYoung);
          schedule_death(0.0, p, 2);
        } else {
          join_list(0.0, p, static_cast<ServiceId>(s), w.since);
        }
      }
    }
  }
}

// Day of territory t's next arrival after `from_day`. The rate is constant between the ends of
// simulated years (with growth) and the timeline's changes of rate, so a gap that crosses one is
// redrawn from it at the new rate (exact, the exponential law being memoryless); a territory
// whose rate is 0 has no arrival until its rate changes (none: past the horizon).
double Simulation::next_arrival_day(TerritoryId t, double from_day) {
  const double growth = model_.arrivals.growth_per_year;
  const auto& changes = rate_changes_[t];
  if (growth == 0.0 && changes.empty()) {
    return from_day + boost::random::exponential_distribution<double>(arrival_rate_per_day_[t])(
                          arrival_streams_[t]);
  }
  const double horizon = model_.period_days() * model_.periods();
  constexpr double kNever = std::numeric_limits<double>::infinity();
  double now = from_day;
  for (;;) {
    const double year = std::floor(now / core::kDaysPerYear);
    double factor = 1.0;
    double boundary = growth == 0.0 ? kNever : (year + 1.0) * core::kDaysPerYear;
    for (const auto& [day, f] : changes) {
      if (day <= now) {
        factor = f;
      } else {
        boundary = std::min(boundary, day);
        break;
      }
    }
    const double rate = arrival_rate_per_day_[t] * std::pow(1.0 + growth, year) * factor;
    if (rate <= 0.0) {
      if (boundary > horizon) {
        return horizon + 1.0;  // never within the run
      }
      now = boundary;
      continue;
    }
    const double next =
        now + boost::random::exponential_distribution<double>(rate)(arrival_streams_[t]);
    if (next < boundary || boundary > horizon) {
      return next;
    }
    now = boundary;
  }
}

Indicators Simulation::run() {
  const double horizon = model_.period_days() * model_.periods();
  // Ids are reused, so people present at once (places plus a year of arrivals for the
  // lists) is the size to plan for; the vector still grows if lists grow longer.
  std::size_t expected_people = static_cast<std::size_t>(model_.arrivals.rate_per_year);
  for (const auto& service : model_.services) {
    for (auto c : service.capacity) {
      expected_people += static_cast<std::size_t>(c);
    }
  }
  people_.reserve(expected_people);
  // Day-wide buckets over the horizon keep the queue's heap to about a day of events.
  queue_.configure_buckets(1.0, static_cast<std::size_t>(horizon) + 1);
  queue_.reserve(expected_people);

  place_initial_occupants();
  place_initial_waiters();
  for (std::size_t t = 0; t < model_.territories.size(); ++t) {
    if (arrival_rate_per_day_[t] > 0.0) {
      schedule(next_arrival_day(static_cast<TerritoryId>(t), 0.0), Ev::kArrival,
               static_cast<std::uint32_t>(t));
    }
  }
  for (std::size_t i = 0; i < scripted_.size(); ++i) {
    schedule(scripted_[i].day, Ev::kScripted, static_cast<std::uint32_t>(i));
  }
  for (int p = 0; p < model_.periods(); ++p) {
    schedule(model_.period_days() * (p + 1), Ev::kPeriodEnd, static_cast<std::uint32_t>(p));
  }
  for (std::size_t i = 0; i < model_.capacity_changes.size(); ++i) {
    if (const double at = model_.capacity_changes[i].day; at > 0.0 && at < horizon) {
      schedule(at, Ev::kCapacity, static_cast<std::uint32_t>(i));
    }
  }
  if (model_.lists.has_reviews()) {
    const double every = core::kDaysPerMonth * model_.lists.review_every_months;
    for (std::uint32_t k = 1; every * k < horizon; ++k) {
      schedule(every * k, Ev::kReview, k);
    }
  }
  if (model_.plans.has_reviews()) {
    const double offset = core::kDaysPerMonth * (model_.plans.review_month - 1);
    for (std::uint32_t year = 0; core::kDaysPerYear * year + offset < horizon; ++year) {
      if (const double at = core::kDaysPerYear * year + offset; at > 0.0) {
        schedule(at, Ev::kPlanReview, year);
      }
    }
  }
  for (std::size_t t = 0; t < present_.size(); ++t) {
    out_.present_start[out_.flow(0, static_cast<int>(t))] = present_[t];
  }

  std::uint64_t since_report = 0;
  while (!queue_.empty()) {
    const auto [key, payload] = queue_.pop();
    // Start fetching the next event's person while this one runs: on a national model the
    // people array is larger than the cache, and that miss otherwise dominates an event.
    if (const Payload* next = queue_.peek_cheap(); next != nullptr && next->id < people_.size()) {
      generations_.prefetch(next->id);
      __builtin_prefetch(&people_[next->id]);
    }
    const double day = key.at.days;  // never past the horizon: the last period end stops us
    const auto type = static_cast<Ev>(payload.tag & kTypeMask);
    const std::uint32_t generation = payload.tag >> kTypeBits;
    if (type != Ev::kArrival && type != Ev::kScripted && type != Ev::kPeriodEnd &&
        type != Ev::kReview && type != Ev::kPlanReview && type != Ev::kCapacity &&
        type != Ev::kOffer && (generations_.current(payload.id) & kGenerationMask) != generation) {
      continue;  // cancelled: the person's state changed since this was scheduled
    }
    ++out_.events;
    switch (type) {
      case Ev::kArrival:
        on_arrival(day, static_cast<TerritoryId>(payload.id));
        break;
      case Ev::kScripted: {
        const auto& a = scripted_[payload.id];
        const auto p =
            new_person(day, a.age_years, a.territory, scripted_key(payload.id), a.service);
        if (a.attributes) {
          people_[p].attributes = a.attributes->pack();
        }
        ++out_.arrivals[out_.flow(period_, a.territory)];
        emit(day, EventKind::kArrival, p, a.service);
        orient(day, p, a.service);
        break;
      }
      case Ev::kStayEnd:
        decide(day, payload.id, model_.services[place_of(people_[payload.id])].on_stay_end,
               core::Stream::kStayOutcome);
        break;
      case Ev::kAgeLimit:
        decide(day, payload.id, model_.services[place_of(people_[payload.id])].on_age_limit,
               core::Stream::kAgeLimitOutcome);
        break;
      case Ev::kAgedOut:
        on_aged_out(day, payload.id, /*queued=*/true);
        break;
      case Ev::kEligible:
        join_list(day, payload.id, people_[payload.id].waiting);
        break;
      case Ev::kPeriodEnd:
        on_period_end(static_cast<int>(payload.id));
        break;
      case Ev::kDeath:
        on_death(day, payload.id);
        break;
      case Ev::kReview:
        on_review(day, payload.id);
        break;
      case Ev::kPlanReview:
        on_plan_review(day, payload.id);
        break;
      case Ev::kExpiry:
        on_expiry(day, payload.id);
        break;
      case Ev::kCapacity:
        on_capacity_change(day, model_.capacity_changes[payload.id]);
        break;
      case Ev::kOffer:
        on_offer(day, payload.id);
        break;
    }
    if (period_ == model_.periods()) {
      break;  // the horizon: later events, and same-time ones ranked after it, are not run
    }
    if (++since_report == kProgressEvery && monitor_ != nullptr) {
      monitor_->on_progress(since_report);
      since_report = 0;
      if (monitor_->should_stop()) {
        throw Cancelled();
      }
    }
  }
  if (monitor_ != nullptr) {
    monitor_->on_progress(since_report);
  }
  PARCOURS_CHECK(period_ == model_.periods(), "run ended before the horizon");
  for (std::uint32_t p = 0; p < spell_of_.size(); ++p) {
    close_spell(horizon, p, Spell::End::kHorizon);
  }
  out_.spells.shrink_to_fit();  // kept until the file is written: no spare capacity
  return std::move(out_);
}

void Simulation::on_arrival(double day, TerritoryId t) {
  const std::uint64_t k = arrivals_so_far_[t]++;
  schedule(next_arrival_day(t, day), Ev::kArrival, t);

  const auto key = arrival_key(t, k);
  core::KeyedRng gen(seed_, replication_, core::Stream::kArrivalPerson, key);
  double age = core::sample(gen, model_.arrivals.age_years);
  const auto s = static_cast<ServiceId>(pick(orientation_cdf_, core::uniform01(gen)));
  if (const auto& own_law = model_.services[s].arrival_age_years) {
    age = core::sample(gen, *own_law);  // drawn after the common law: that draw stays the same
  }
  const auto p = new_person(day, age, t, key, s);
  ++out_.arrivals[out_.flow(period_, t)];
  emit(day, EventKind::kArrival, p, s);
  orient(day, p, s);
}

// The person, in no place or holding one, is oriented to `s` in its territory.
void Simulation::orient(double day, std::uint32_t p, ServiceId s) {
  Person& person = people_[p];
  const Service& service = model_.services[s];
  person.waiting = s;
  const double eligible_day = person.birth_day + core::years_to_days(service.min_age_years);
  if (eligible_day > day) {
    schedule(eligible_day, Ev::kEligible, p, generations_.current(p));
    if (person.provider == kNoProvider) {
      open_spell(day, p, Spell::State::kTooYoung);
    }
    schedule_death(day, p, 2);
    return;
  }
  join_list(day, p, s);
}

void Simulation::join_list(double day, std::uint32_t p, ServiceId s) { join_list(day, p, s, day); }

// As above, for someone who has been waiting since `waiting_since` (<= day).
void Simulation::join_list(double day, std::uint32_t p, ServiceId s, double waiting_since) {
  Person& person = people_[p];
  const Service& service = model_.services[s];
  if (day_at_age(person.birth_day, service.age_limit_years) <= day) {
    emit(day, EventKind::kJoinList, p, s);
    on_aged_out(day, p, /*queued=*/false);
    return;
  }
  if (const ProviderId where = free_place_for(day, p, s); where != kNoProvider) {
    const ProviderId held_provider = person.provider;
    admit(day, p, where, Admission::kImmediate);
    if (held_provider != kNoProvider) {  // a Creton move with a place free at once
      release(day, person.territory, held_provider);
    }
    return;
  }
  if (person.provider == kNoProvider && service.alternative != kNoService &&
      service.alternative_share > 0.0) {
    core::KeyedRng gen(seed_, replication_, core::Stream::kAlternative, person.key,
                       std::uint64_t{person.stays} * n_services_ + s);
    if (core::uniform01(gen) < service.alternative_share) {
      if (const ProviderId q = alternative_place(day, p, s); q != kNoProvider) {
        take_alternative(day, p, s, q);  // it waits from there
      }
    }
  }
  emit(day, EventKind::kJoinList, p, s);
  const auto g = generations_.cancel_all(p);  // a holder's pending events (none) and old entries
  Cell& c = cell(person.territory, s);
  person.waiting_since = static_cast<float>(waiting_since);
  apply(day, p, s, g);
  ++c.waiting;
  const Attributes a = Attributes::unpack(person.attributes);
  ++waiting_by_impairment_[profile_index(person.territory, s, a.impairment)];
  c.pag += a.pag ? 1 : 0;
  begin_interim(p, s);
  double leave_day = day_at_age(person.birth_day, service.age_limit_years);
  if (person.provider != kNoProvider) {
    Cell& held = held_cell(person);
    const bool creton = is_creton(person);
    if (creton) {
      ++held.holding;
    } else {  // stepping: waits at most until its own place's age limit (see on_aged_out)
      ++held.stepping;
      leave_day =
          std::min(leave_day,
                   day_at_age(person.birth_day, model_.services[place_of(person)].age_limit_years));
    }
    emit(day, EventKind::kHold, p, place_of(person));
    open_spell(day, p, creton ? Spell::State::kCreton : Spell::State::kStepping);
  } else {
    open_spell(std::min(day, waiting_since), p, Spell::State::kWaiting);
    schedule_expiry(day, p, g);
  }
  if (leave_day < std::numeric_limits<double>::infinity()) {
    schedule(leave_day, Ev::kAgedOut, p, g);
  }
  schedule_death(day, p, 1);
}

// `p` (its generation `g`) joins the list of `s` it waits on, at its priority level: its home
// territory's pooled list, or the lists of `applications` providers there authorised for it
// (drawn in proportion to their places from a stream of its own; all of them if fewer). With no
// such provider it applies to every provider of the territory, whose lists show it waiting, but
// none of them can take it.
void Simulation::apply(double day, std::uint32_t p, ServiceId s, std::uint32_t g) {
  const Person& person = people_[p];
  const int level = level_of(day, person);
  if (!model_.lists.per_provider) {
    queue(cell_index(person.territory, s), level).entries.emplace_back(p, g);
    return;
  }
  const std::uint8_t impairment = Attributes::unpack(person.attributes).impairment;
  const auto [first, last] = providers_of(person.territory, s);
  apply_scratch_.clear();
  weights_scratch_.clear();
  for (const ProviderId* q = first; q != last; ++q) {
    const ProviderState& provider = providers_[*q];
    if (provider.capacity > 0 && ((provider.impairments >> impairment) & 1U) != 0) {
      apply_scratch_.push_back(*q);
      weights_scratch_.push_back(static_cast<double>(provider.capacity));
    }
  }
  if (apply_scratch_.empty()) {
    apply_scratch_.assign(first, last);
    weights_scratch_.assign(apply_scratch_.size(), 1.0);
  }
  const std::size_t n = apply_scratch_.size();
  const auto k = std::min(n, static_cast<std::size_t>(model_.lists.applications));
  if (k < n) {  // draw k without replacement, by places
    core::KeyedRng gen(seed_, replication_, core::Stream::kApplication, person.key,
                       std::uint64_t{person.stays} * n_services_ + s);
    double total = 0.0;
    for (const double w : weights_scratch_) {
      total += w;
    }
    for (std::size_t j = 0; j < k; ++j) {
      double u = core::uniform01(gen) * total;
      std::size_t chosen = n - 1;
      for (std::size_t i = j; i < n; ++i) {
        if (u < weights_scratch_[i]) {
          chosen = i;
          break;
        }
        u -= weights_scratch_[i];
      }
      std::swap(apply_scratch_[j], apply_scratch_[chosen]);
      std::swap(weights_scratch_[j], weights_scratch_[chosen]);
      total -= weights_scratch_[j];
    }
  }
  for (std::size_t j = 0; j < k; ++j) {
    queue(apply_scratch_[j], level).entries.emplace_back(p, g);
  }
}

// A provider of (t, s) with a free place that may admit a child of `impairment`, if any.
ProviderId Simulation::free_place_in(TerritoryId t, ServiceId s, std::uint8_t impairment) const {
  if (const Cell& c = cells_[cell_index(t, s)]; c.occupied + c.held - c.excess >= c.capacity) {
    return kNoProvider;
  }
  const auto [first, last] = providers_of(t, s);
  for (const ProviderId* q = first; q != last; ++q) {
    const ProviderState& provider = providers_[*q];
    if (provider.occupied + provider.held < provider.capacity &&
        ((provider.impairments >> impairment) & 1U) != 0) {
      return *q;
    }
  }
  return kNoProvider;
}

// Where `p` can take a place of `s` now: a provider at home with a free place it may take, else
// in the first territory of its placement order open to new placements; kNoProvider if none.
ProviderId Simulation::free_place_for(double day, std::uint32_t p, ServiceId s) {
  const TerritoryId home = people_[p].territory;
  const std::uint8_t impairment = Attributes::unpack(people_[p].attributes).impairment;
  if (const ProviderId q = free_place_in(home, s, impairment); q != kNoProvider) {
    PARCOURS_DCHECK(fragmented_ || cell(home, s).waiting == 0, "a free place with people waiting");
    return q;
  }
  if (!model_.placement.reachable.empty()) {
    for (const TerritoryId t : model_.placement.reachable[home]) {
      if (model_.territories[t].closed_from_day > day) {
        if (const ProviderId q = free_place_in(t, s, impairment); q != kNoProvider) {
          return q;
        }
      }
    }
  }
  return kNoProvider;
}

// The home of someone in a place of territory `t` at t = 0: `t` itself, or for an abroad
// territory one of its senders, drawn by weight from the occupant's own stream.
TerritoryId Simulation::home_of_initial(core::KeyedRng& gen, TerritoryId t) {
  const Territory& territory = model_.territories[t];
  if (!territory.abroad) {
    return t;
  }
  PARCOURS_CHECK(!territory.senders.empty(), "an abroad territory without senders");
  double total = 0.0;
  for (const TerritoryId h : territory.senders) {
    total += model_.territories[h].weight;
  }
  double u = core::uniform01(gen) * total;
  for (const TerritoryId h : territory.senders) {
    u -= model_.territories[h].weight;
    if (u < 0.0) {
      return h;
    }
  }
  return territory.senders.back();  // rounding
}

void Simulation::admit(double day, std::uint32_t p, ProviderId q, Admission how) {
  Person& person = people_[p];
  const TerritoryId t = providers_[q].territory;
  const ServiceId s = providers_[q].service;
  const Service& service = model_.services[s];
  const bool for_target = person.waiting == s || person.waiting == kNoService;
  set_occupied(q, day, +1);
  if (how != Admission::kInitial) {
    ++out_.admissions[out_.cell(period_, t, s)];
    if (q < n_declared_) {
      ++out_.provider_admissions[out_.provider_cell(period_, static_cast<int>(q))];
    }
    emit(day, EventKind::kAdmit, p, s);
  }
  if (how == Admission::kFromList) {
    const double waited = std::max(0.0, day - static_cast<double>(person.waiting_since));
    const auto i = out_.cell(period_, person.territory, s);
    ++out_.admitted_from_list[i];
    out_.waited_days[i] += waited;
    const int month =
        std::min(static_cast<int>(waited / core::kDaysPerMonth), Indicators::kWaitMonths - 1);
    ++out_.wait_histogram[out_.wait_bin(period_, region_of_[person.territory], s, month)];
  }
  if (t != person.territory) {
    ++placed_elsewhere(person.territory, t, s);
  }
  if (person.provider != kNoProvider) {  // a Creton move: the caller frees the held place
    count_in_place(person, place_of(person), -1);
    weigh(person.provider, day, p, -1);
  }
  person.provider = q;
  person.waiting = kNoService;
  open_spell(day, p, Spell::State::kInPlace);
  if (for_target) {  // a PAG ends with the admission it was for (not an alternative's)
    Attributes a = Attributes::unpack(person.attributes);
    a.pag = false;
    person.attributes = a.pack();
  }
  count_in_place(person, s, +1);
  ++person.stays;
  draw_care(p, s);
  weigh(q, day, p, +1);
  ++providers_[q].activity.followed;
  ++cell(t, s).activity.followed;
  const auto g = generations_.cancel_all(p);
  schedule_death(day, p, 0);
  core::KeyedRng gen(seed_, replication_, core::Stream::kStayLength, person.key, person.stays);
  const double end = day + core::years_to_days(core::sample(gen, service.length_of_stay_years));
  if (service.has_age_limit()) {
    const double limit = person.birth_day + core::years_to_days(service.age_limit_years);
    if (limit <= end) {
      schedule(std::max(limit, day), Ev::kAgeLimit, p, g);
      return;
    }
  }
  schedule(end, Ev::kStayEnd, p, g);
}

// A place of provider q frees: offered to the lists (offer_place), unless the timeline closed
// places there that are still occupied (the place closes instead), or held vacant first when its
// provider's funding no longer pays for the days it fills (Behaviour::vacancy_days).
void Simulation::free_place(double day, ProviderId q) {
  set_occupied(q, day, -1);
  ProviderState& provider = providers_[q];
  if (provider.occupied + provider.held >= provider.capacity) {
    return;
  }
  if (responds_) {
    if (const double delay = vacancy_delay(q); delay > 0.0) {
      ++provider.held;
      ++cell(provider.territory, provider.service).held;
      const auto i = out_.cell(period_, provider.territory, provider.service);
      ++out_.vacancies_held[i];
      out_.vacancy_hold_days[i] += delay;
      if (day + delay < horizon_) {
        schedule(day + delay, Ev::kOffer, q);
      }
      return;
    }
  }
  offer_place(day, q);
}

// A place held vacant is offered to the lists (unless a closure took it meanwhile).
void Simulation::on_offer(double day, ProviderId q) {
  ProviderState& provider = providers_[q];
  if (provider.withdrawn > 0) {
    --provider.withdrawn;
    return;
  }
  --provider.held;
  --cell(provider.territory, provider.service).held;
  if (provider.occupied + provider.held < provider.capacity) {
    offer_place(day, q);
  }
}

// A free place of provider q. Pooled lists: the first child of its territory's list it may admit
// takes it; failing that, the first of the list of the first territory that may place children
// there (nearest first). Lists per provider: the first child of its own list; an abroad place
// serves its senders' providers' lists. Else it stays free. An abroad territory under moratorium
// takes no one. Whether someone took it.
bool Simulation::offer_place(double day, ProviderId q) {
  const TerritoryId t = providers_[q].territory;
  const ServiceId s = providers_[q].service;
  const Territory& territory = model_.territories[t];
  const bool per_provider = model_.lists.per_provider;
  if (!territory.abroad) {
    const auto own = per_provider ? q : static_cast<std::uint32_t>(cell_index(t, s));
    if (serve_lists(day, q, t, &own, 1)) {
      return true;
    }
    if (per_provider) {
      return false;
    }
  }
  if (model_.placement.served_by.empty() || territory.closed_from_day <= day) {
    return false;
  }
  for (const TerritoryId home : model_.placement.served_by[t]) {
    if (per_provider) {
      const auto [first, last] = providers_of(home, s);
      if (serve_lists(day, q, home, first, static_cast<std::size_t>(last - first))) {
        return true;
      }
    } else if (const auto list = static_cast<std::uint32_t>(cell_index(home, s));
               serve_lists(day, q, home, &list, 1)) {
      return true;
    }
  }
  return false;
}

// Authorised places so far: places integrated up to `day` (provider and cell).
void Simulation::accrue_capacity(ProviderState& provider, Cell& c, double day) {
  provider.capacity_days +=
      static_cast<double>(provider.capacity) * (day - provider.capacity_since);
  provider.capacity_since = day;
  c.capacity_days += static_cast<double>(c.capacity) * (day - c.capacity_since);
  c.capacity_since = day;
}

// The timeline changes a provider's places: new places are offered to the lists at once, one by
// one, until one finds nobody; closed places close (occupied ones as their occupants leave).
void Simulation::on_capacity_change(double day, const CapacityChange& change) {
  ProviderId q = change.provider;
  if (q == kNoProvider) {  // the implicit provider of a cell of a service without declared ones
    const auto [first, last] = providers_of(change.territory, change.service);
    PARCOURS_CHECK(!declares_[change.service] && last - first == 1,
                   "a change of places of a service with declared providers names none");
    q = *first;
  }
  ProviderState& provider = providers_[q];
  PARCOURS_CHECK(provider.territory == change.territory && provider.service == change.service,
                 "a change of places for another provider's cell");
  PARCOURS_CHECK(provider.capacity + change.delta >= 0, "a closure of more places than there are");
  Cell& c = cell(provider.territory, provider.service);
  accrue_capacity(provider, c, day);
  c.excess -= std::max<std::int64_t>(0, provider.occupied - provider.capacity);
  provider.capacity += change.delta;
  c.capacity += change.delta;
  c.excess += std::max<std::int64_t>(0, provider.occupied - provider.capacity);
  // A closure takes places held vacant first (their pending offers then do nothing).
  const std::int64_t taken =
      std::min(provider.held,
               std::max<std::int64_t>(0, provider.occupied + provider.held - provider.capacity));
  provider.held -= taken;
  provider.withdrawn += taken;
  c.held -= taken;
  for (std::int64_t k = 0;
       k < change.delta && provider.occupied + provider.held < provider.capacity; ++k) {
    if (!offer_place(day, q)) {
      break;
    }
  }
}

// The index in `q` of its first live entry whose child a provider authorised for `impairments`
// may admit (npos if none); stale entries before any live one are dropped from the head.
std::size_t Simulation::first_match(Queue& q, std::uint8_t impairments) {
  bool at_head = true;
  for (std::size_t i = q.head; i < q.entries.size(); ++i) {
    if (i + 8 < q.entries.size()) {
      generations_.prefetch(q.entries[i + 8].first);  // stale runs are common: read ahead
    }
    const auto [p, g] = q.entries[i];
    // Whoever leaves a list (admitted, aged out, gone) has a new generation, so a live entry is
    // enough: no need to read the person, a cache miss per stale entry on long lists.
    if (!generations_.is_live(p, g)) {
      if (at_head) {
        q.head = i + 1;
      }
      continue;
    }
    if (impairments == Provider::kAnyImpairment ||
        ((impairments >> Attributes::unpack(people_[p].attributes).impairment) & 1U) != 0) {
      return i;
    }
    at_head = false;
  }
  return std::string::npos;
}

// The free place of provider q goes to the first child it may admit on `lists` (lists of home
// territory `list_home`'s children): the highest priority level first, and in a level the
// longest wait (over several lists: the longest of their first children).
bool Simulation::serve_lists(double day, ProviderId q, TerritoryId list_home,
                             const std::uint32_t* lists, std::size_t n_lists) {
  const ServiceId s = providers_[q].service;
  if (cell(list_home, s).waiting == 0) {
    return false;
  }
  const std::uint8_t impairments = providers_[q].impairments;
  for (int level = 0; level < n_levels_; ++level) {
    Queue* best = nullptr;
    std::size_t best_i = 0;
    float best_since = 0.0F;
    for (std::size_t j = 0; j < n_lists; ++j) {
      Queue& candidate = queue(lists[j], level);
      const std::size_t i = first_match(candidate, impairments);
      if (i == std::string::npos) {
        continue;
      }
      if (n_lists == 1) {
        best = &candidate;
        best_i = i;
        break;
      }
      const float since = people_[candidate.entries[i].first].waiting_since;
      if (best == nullptr || since < best_since) {
        best = &candidate;
        best_i = i;
        best_since = since;
      }
    }
    if (best == nullptr) {
      continue;
    }
    if (responds_) {
      best_i = select(*best, best_i, q);
    }
    const std::uint32_t next = best->entries[best_i].first;
    if (best_i == best->head) {
      ++best->head;
      if (best->head > 4096 && best->head * 2 > best->entries.size()) {
        best->entries.erase(best->entries.begin(),
                            best->entries.begin() + static_cast<std::ptrdiff_t>(best->head));
        best->head = 0;
      }
    }  // else its entry goes stale with the admission's change of generation
    PARCOURS_DCHECK(people_[next].waiting == s, "a live list entry for another service");
    leave_list(next);
    const ProviderId held_provider = people_[next].provider;
    admit(day, next, q, Admission::kFromList);
    if (held_provider != kNoProvider) {
      release(day, list_home, held_provider);
    }
    return true;
  }
  PARCOURS_DCHECK(fragmented_, "waiting count out of step with the lists");
  return false;
}

// `p` leaves the list it is on (admitted, aged out, died, removed): every count of the list's
// people follows. Its entry goes stale by the caller's change of generation (or is consumed).
void Simulation::leave_list(std::uint32_t p) {
  Person& person = people_[p];
  const ServiceId s = person.waiting;
  Cell& c = cell(person.territory, s);
  --c.waiting;
  const Attributes a = Attributes::unpack(person.attributes);
  --waiting_by_impairment_[profile_index(person.territory, s, a.impairment)];
  c.pag -= a.pag ? 1 : 0;
  end_interim(p);
  if (person.provider != kNoProvider) {
    Cell& held = held_cell(person);
    --(is_creton(person) ? held.holding : held.stepping);
  }
}

// Whether a child holding a place while on another list joined that list at or past its place's
// age limit (a Creton young adult) rather than before it (a step of its plan, a stay's end). The
// same stored fields decide at the join and at the leave, so the two counts stay exact.
bool Simulation::is_creton(const Person& person) const {
  return day_at_age(person.birth_day, model_.services[place_of(person)].age_limit_years) <=
         static_cast<double>(person.waiting_since) + kJoinDayMargin;
}

// Whether a person oriented to a service (person.waiting set) is on its list yet, rather than
// too young for it: it joins on the day it reaches the minimum age.
bool Simulation::on_list(double day, const Person& person) const {
  return person.birth_day + core::years_to_days(model_.services[person.waiting].min_age_years) <=
         day;
}

// The priority level of a child on a list, on `day`: the first whose conditions all hold.
int Simulation::level_of(double day, const Person& person) const {
  if (n_levels_ == 1) {
    return 0;
  }
  const Attributes a = Attributes::unpack(person.attributes);
  const auto& levels = model_.lists.priority;
  for (int i = 0; i + 1 < n_levels_; ++i) {
    const PriorityLevel& level = levels[static_cast<std::size_t>(i)];
    if ((level.services.empty() || std::find(level.services.begin(), level.services.end(),
                                             person.waiting) != level.services.end()) &&
        in_set(level.needs, a.needs) && in_set(level.impairments, a.impairment) &&
        (!level.ase || *level.ase == a.ase) && (!level.pag || *level.pag == a.pag) &&
        day - person.birth_day >= core::years_to_days(level.min_age_years) &&
        day - static_cast<double>(person.waiting_since) >=
            core::years_to_days(level.min_waited_years)) {
      return i;
    }
  }
  return n_levels_ - 1;
}

// A child who queues for `s` without a place draws where it waits meanwhile (from a stream of
// its own, so the draw is the same under any policy that leaves its path unchanged).
void Simulation::begin_interim(std::uint32_t p, ServiceId s) {
  Person& person = people_[p];
  const std::vector<double>& cdf = interim_cdf_[s];
  if (cdf.empty() || person.provider != kNoProvider) {
    return;
  }
  core::KeyedRng gen(seed_, replication_, core::Stream::kInterim, person.key, person.stays);
  const std::size_t i = pick(cdf, core::uniform01(gen));
  person.interim = enter_interim(person.territory, s, i);
}

// A child of home territory t waiting for s takes interim situation i; or, when i is limited
// and its room in t is used up, i's fallback (and so on down the chain, which io checks ends).
std::uint8_t Simulation::enter_interim(std::size_t t, ServiceId s, std::size_t i) {
  for (std::size_t hops = 0;; ++hops) {
    const InterimSituation& situation = model_.interim[i];
    if (!situation.limited()) {
      break;
    }
    const double room = situation.capacity[t];
    const auto users = static_cast<double>(interim_users_[t * model_.interim.size() + i]);
    if ((users + 1.0) * situation.per_child <= room + 1e-9 * std::max(1.0, room)) {
      break;
    }
    ++out_.interim_fallbacks[out_.interim_cell(period_, static_cast<int>(t), static_cast<int>(s),
                                               static_cast<int>(i))];
    PARCOURS_CHECK(situation.fallback != kNoInterim && hops < model_.interim.size(),
                   "a limited interim situation falls back on another, and the chain ends");
    i = situation.fallback;
  }
  ++interim_users_[t * model_.interim.size() + i];
  ++interim_count(t, s, i);
  return static_cast<std::uint8_t>(i);
}

void Simulation::exit_interim(std::size_t t, ServiceId s, std::size_t i) {
  --interim_users_[t * model_.interim.size() + i];
  --interim_count(t, s, i);
}

// The child leaves the list it was on (admitted, aged out).
void Simulation::end_interim(std::uint32_t p) {
  Person& person = people_[p];
  if (person.interim == kNoInterim) {
    return;
  }
  exit_interim(person.territory, person.waiting, person.interim);
  person.interim = kNoInterim;
}

// `person`, from its home territory, enters (+1) or leaves (-1) a place of `s`: the counts of
// children in places by impairment and ASE follow.
void Simulation::count_in_place(const Person& person, ServiceId s, std::int64_t delta) {
  const Attributes a = Attributes::unpack(person.attributes);
  in_place_by_impairment_[profile_index(person.territory, s, a.impairment)] += delta;
  in_place_ase_[static_cast<std::size_t>(person.territory) * n_services_ + s] += a.ase ? delta : 0;
}

// Someone from `home` left its place at provider q: the counts of children placed away from home
// follow, and the place frees.
void Simulation::release(double day, TerritoryId home, ProviderId q) {
  if (providers_[q].territory != home) {
    --placed_elsewhere(home, providers_[q].territory, providers_[q].service);
  }
  free_place(day, q);
}

// The count of `home`'s children in places of `s` in territory t (not home): away or abroad.
std::int64_t& Simulation::placed_elsewhere(TerritoryId home, TerritoryId t, ServiceId s) {
  Cell& c = cell(home, s);
  return model_.territories[t].abroad ? c.placed_abroad : c.placed_away;
}

// `p` leaves its place (it must have one).
void Simulation::vacate(double day, std::uint32_t p) {
  Person& person = people_[p];
  const ProviderId q = person.provider;
  count_in_place(person, providers_[q].service, -1);
  weigh(q, day, p, -1);
  person.provider = kNoProvider;
  release(day, person.territory, q);
}

// A stay ends, or reaches the age limit: draw a branch and carry it out.
void Simulation::decide(double day, std::uint32_t p, const std::vector<Branch>& branches,
                        core::Stream purpose) {
  Person& person = people_[p];
  core::KeyedRng gen(seed_, replication_, purpose, person.key, person.stays);
  const Branch* chosen = &branches.back();
  if (branches.size() > 1) {
    double u = core::uniform01(gen);
    for (const Branch& b : branches) {
      if (u < b.probability) {
        chosen = &b;
        break;
      }
      u -= b.probability;
    }
  }
  if (responds_ && purpose == core::Stream::kAgeLimitOutcome &&
      released_at_age_limit(day, p, *chosen)) {
    const ProviderState& provider = providers_[person.provider];
    ++out_.young_adults_released[out_.cell(period_, provider.territory, provider.service)];
    redirect(day, p, Action::kOrient, chosen->target);
    return;
  }
  switch (chosen->action) {
    case Action::kLeave:
      if (chosen->outcome != kNoOutcome) {
        ++out_.left_to[out_.outcome_cell(period_, person.territory, place_of(person),
                                         chosen->outcome)];
      }
      vacate(day, p);
      depart(day, p, Spell::End::kLeft);
      break;
    case Action::kOrient:
    case Action::kMove:
      redirect(day, p, chosen->action, chosen->target);
      break;
  }
}

// `p`, in a place, is re-oriented to `target` (a branch of a decision, or a plan step): its
// pending events end; kOrient frees its place first, kMove keeps it until one of the target's
// frees (rule 4).
void Simulation::redirect(double day, std::uint32_t p, Action action, ServiceId target) {
  generations_.cancel_all(p);
  if (action == Action::kOrient) {
    vacate(day, p);
  }
  orient(day, p, target);
}

void Simulation::depart(double day, std::uint32_t p, Spell::End why) {
  Person& person = people_[p];
  close_spell(day, p, why);
  generations_.cancel_all(p);
  person.waiting = kNoService;
  person.provider = kNoProvider;
  --present_[person.territory];
  ++out_.departures[out_.flow(period_, person.territory)];
  emit(day, EventKind::kLeave, p, kNoService);
  free_ids_.push_back(p);
}

// The person reaches the age limit of the service it waits for (`queued`: it was on the list,
// rather than oriented there already too old). A holder's place frees as it leaves.
void Simulation::on_aged_out(double day, std::uint32_t p, bool queued) {
  Person& person = people_[p];
  const ServiceId s = person.waiting;
  if (queued && person.provider != kNoProvider && !is_creton(person)) {
    // A stepping holder: it gives up the step and stays where it is.
    const Service& own = model_.services[place_of(person)];
    const double own_limit = day_at_age(person.birth_day, own.age_limit_years);
    if (own_limit <= day) {  // its place's age limit came first (or with the target's):
      leave_list(p);         // its place's age-limit rule applies, as if it had not stepped
      person.waiting = kNoService;
      open_spell(day, p, Spell::State::kInPlace);
      decide(day, p, own.on_age_limit, core::Stream::kAgeLimitOutcome);
      return;
    }
    if (own.has_age_limit()) {  // the target's age limit came first: keeps its place until its own
      ++out_.aged_out_waiting[out_.cell(period_, person.territory, s)];
      emit(day, EventKind::kAgedOutWaiting, p, s);
      leave_list(p);
      person.waiting = kNoService;
      open_spell(day, p, Spell::State::kInPlace);
      schedule(own_limit, Ev::kAgeLimit, p, generations_.cancel_all(p));
      schedule_death(day, p, 3);
      return;
    }
  }
  ++out_.aged_out_waiting[out_.cell(period_, person.territory, s)];
  emit(day, EventKind::kAgedOutWaiting, p, s);
  const ServiceId held = place_of(person);
  if (queued) {
    leave_list(p);
  }
  person.waiting = kNoService;
  if (held != kNoService) {
    vacate(day, p);
  }
  depart(day, p, Spell::End::kAgedOut);
}

// Deaths: with a constant hazard by impairment, the time to death can be drawn afresh at each
// change of state (the law is memoryless), from a stream keyed by the child and the change
// (4 × stays + phase: 0 admitted, 1 joined a list, 2 oriented while too young), so it needs no
// room in the person and stays the same child's draw under any policy.
void Simulation::schedule_death(double day, std::uint32_t p, int phase) {
  if (death_rate_per_day_.empty()) {
    return;
  }
  const Person& person = people_[p];
  const double rate = death_rate_per_day_[Attributes::unpack(person.attributes).impairment];
  if (rate <= 0.0) {
    return;
  }
  core::KeyedRng gen(seed_, replication_, core::Stream::kMortality, person.key,
                     std::uint64_t{person.stays} * 4 + static_cast<std::uint64_t>(phase));
  const double at = day + boost::random::exponential_distribution<double>(rate)(gen);
  if (at < horizon_) {
    schedule(at, Ev::kDeath, p, generations_.current(p));
  }
}

void Simulation::on_death(double day, std::uint32_t p) {
  Person& person = people_[p];
  const ServiceId counted = person.provider != kNoProvider ? place_of(person) : person.waiting;
  ++out_.died[out_.cell(period_, person.territory, counted)];
  emit(day, EventKind::kDied, p, counted);
  if (person.waiting != kNoService && on_list(day, person)) {
    leave_list(p);
  }
  person.waiting = kNoService;
  if (person.provider != kNoProvider) {
    vacate(day, p);
  }
  depart(day, p, Spell::End::kDied);
}

// The periodic active review of every list: children holding no place leave the list (and the
// sector) with probability removal_per_review; children left with no solution long enough get
// a PAG; then each list is re-sorted by priority level, and by length of wait within a level.
// Removals free no place, so no admission happens during the walk.
void Simulation::on_review(double day, std::uint32_t review) {
  const Lists& lists = model_.lists;
  const std::size_t homes = model_.home_territories();
  const double pag_after = core::years_to_days(lists.pag_after_years);
  for (std::size_t t = 0; t < homes; ++t) {
    for (std::size_t s = 0; s < n_services_; ++s) {
      Cell& c = cells_[t * n_services_ + s];
      if (c.waiting == 0 ||
          (!lists.reviewed_services.empty() &&
           std::find(lists.reviewed_services.begin(), lists.reviewed_services.end(), s) ==
               lists.reviewed_services.end())) {
        continue;
      }
      review_scratch_.clear();
      // Each person is read once here (reading ahead), not at every comparison of the sort. A
      // child on several providers' lists has an entry in each: it is reviewed at the first,
      // and its later entries find it gone (a new generation) or already done (the same draw,
      // its PAG set), and go back to their lists at its new level.
      const auto gather = [&](std::uint32_t list) {
        for (int level = 0; level < n_levels_; ++level) {
          Queue& q = queue(list, level);
          for (std::size_t i = q.head; i < q.entries.size(); ++i) {
            if (i + 8 < q.entries.size()) {
              __builtin_prefetch(&people_[q.entries[i + 8].first]);
            }
            const auto [p, g] = q.entries[i];
            if (generations_.is_live(p, g)) {
              review_scratch_.push_back({people_[p].waiting_since, p, g, list});
            }
          }
          q.entries.clear();
          q.head = 0;
        }
      };
      if (model_.lists.per_provider) {
        const auto [first, last] =
            providers_of(static_cast<TerritoryId>(t), static_cast<ServiceId>(s));
        std::for_each(first, last, gather);
      } else {
        gather(static_cast<std::uint32_t>(t * n_services_ + s));
      }
      std::stable_sort(
          review_scratch_.begin(), review_scratch_.end(),
          [](const ReviewEntry& x, const ReviewEntry& y) { return x.since < y.since; });
      for (const auto& [since, p, g, list] : review_scratch_) {
        if (!generations_.is_live(p, g)) {
          continue;  // removed at its entry on another provider's list
        }
        Person& person = people_[p];
        if (person.provider == kNoProvider && lists.removal_per_review > 0.0) {
          core::KeyedRng gen(seed_, replication_, core::Stream::kListReview, person.key, review);
          if (core::uniform01(gen) < lists.removal_per_review) {
            ++out_.removed_at_review[out_.cell(period_, static_cast<int>(t), static_cast<int>(s))];
            emit(day, EventKind::kRemoved, p, person.waiting);
            leave_list(p);
            person.waiting = kNoService;
            depart(day, p, Spell::End::kRemoved);
            continue;
          }
        }
        Attributes a = Attributes::unpack(person.attributes);
        if (!a.pag && person.interim != kNoInterim && model_.interim[person.interim].no_solution &&
            day - static_cast<double>(person.waiting_since) >= pag_after) {
          close_spell(day, p, Spell::End::kChanged);  // the waiting spell ends without a PAG
          a.pag = true;
          person.attributes = a.pack();
          ++c.pag;
          if (lists.pag_interim != kNoInterim) {
            exit_interim(t, static_cast<ServiceId>(s), person.interim);
            person.interim = enter_interim(t, static_cast<ServiceId>(s), lists.pag_interim);
          }
          emit(day, EventKind::kPag, p, person.waiting);
          open_spell(day, p, Spell::State::kWaiting);
          // A double orientation comes with the PAG: a free place of the alternative, if any,
          // meanwhile; the child then waits from it, on its lists afresh (after those reviewed
          // so far, as its wait ranks it).
          if (const ProviderId q = alternative_place(day, p, static_cast<ServiceId>(s));
              q != kNoProvider) {
            const auto since_then = static_cast<double>(person.waiting_since);
            leave_list(p);
            take_alternative(day, p, static_cast<ServiceId>(s), q);
            join_list(day, p, static_cast<ServiceId>(s), since_then);
            continue;
          }
        }
        queue(list, level_of(day, person)).entries.emplace_back(p, g);
      }
    }
  }
}

// Double orientation: a free place of s's alternative service that `p`, holding no place and
// waiting (or about to wait) for `s`, may take now (of age for it, a provider that may admit
// it); kNoProvider if none, or if `s` has no alternative.
ProviderId Simulation::alternative_place(double day, std::uint32_t p, ServiceId s) {
  const Person& person = people_[p];
  const ServiceId a = model_.services[s].alternative;
  if (a == kNoService || person.provider != kNoProvider) {
    return kNoProvider;
  }
  const Service& alternative = model_.services[a];
  if (day < day_at_age(person.birth_day, alternative.min_age_years) ||
      day >= day_at_age(person.birth_day, alternative.age_limit_years)) {
    return kNoProvider;
  }
  return free_place_for(day, p, a);
}

// `p` takes the alternative's place at provider q, and stays oriented to `s`: its caller puts it
// on s's list, where it waits as a stepping holder (rule 18).
void Simulation::take_alternative(double day, std::uint32_t p, ServiceId s, ProviderId q) {
  admit(day, p, q, Admission::kImmediate);
  people_[p].waiting = s;
  ++out_.to_alternative[out_.cell(period_, people_[p].territory, s)];
}

// A child on a list holding no place: its orientation's next expiry, validity_years after it
// began waiting (waiting_since) and every validity_years after.
void Simulation::schedule_expiry(double day, std::uint32_t p, std::uint32_t generation) {
  const Notifications& notifications = model_.notifications;
  if (!notifications.expire()) {
    return;
  }
  const double validity = core::years_to_days(notifications.validity_years);
  const double since = people_[p].waiting_since;
  // waiting_since is a float: on the day it joins, day - since may be a hair below 0.
  const double next = since + validity * (std::floor(std::max(0.0, day - since) / validity) + 1.0);
  if (next < horizon_) {
    schedule(next, Ev::kExpiry, p, generation);
  }
}

// An orientation expires while its child waits with no place (the event's generation says it
// has not moved since): renewed, or it lapses and the child leaves the list and the sector.
void Simulation::on_expiry(double day, std::uint32_t p) {
  Person& person = people_[p];
  const ServiceId s = person.waiting;
  PARCOURS_DCHECK(s != kNoService && person.provider == kNoProvider, "an expiry off a list");
  const double validity = core::years_to_days(model_.notifications.validity_years);
  const auto expiry = static_cast<std::uint64_t>(
      std::llround((day - static_cast<double>(person.waiting_since)) / validity));
  const double share = model_.notifications.renewal_share;
  bool renewed = share >= 1.0;
  if (!renewed && share > 0.0) {
    core::KeyedRng gen(seed_, replication_, core::Stream::kRenewal, person.key,
                       (std::uint64_t{person.stays} << 16) | (expiry & 0xFFFFU));
    renewed = core::uniform01(gen) < share;
  }
  const auto i = out_.cell(period_, person.territory, s);
  if (renewed) {
    ++out_.renewed[i];
    emit(day, EventKind::kRenewed, p, s);
    schedule_expiry(day, p, generations_.current(p));
    return;
  }
  ++out_.lapsed[i];
  emit(day, EventKind::kLapsed, p, s);
  leave_list(p);
  person.waiting = kNoService;
  depart(day, p, Spell::End::kLapsed);
}

// On admission to `s`: the child's mode and schooling there, from the service's shares (a stream
// of its own, keyed by the stay, so the draw is the same child's under any policy).
void Simulation::draw_care(std::uint32_t p, ServiceId s) {
  const auto& modes = mode_cdf_[s];
  const auto& schoolings = schooling_cdf_[s];
  Care care;
  if (!modes.empty() || !schoolings.empty()) {
    const Person& person = people_[p];
    core::KeyedRng gen(seed_, replication_, core::Stream::kCare, person.key, person.stays);
    const double u_mode = core::uniform01(gen);
    const double u_schooling = core::uniform01(gen);
    if (!modes.empty()) {
      care.mode = static_cast<std::uint8_t>(pick(modes, u_mode));
    }
    if (!schoolings.empty()) {
      care.schooling = static_cast<std::uint8_t>(pick(schoolings, u_schooling));
    }
  }
  care_[p] = care.pack();
}

// The yearly review of the plans of children in places (those not already waiting to move). The
// children are gathered first, so that a child admitted during the walk (into a place a step
// freed) is not reviewed on the day it arrives; one draw per child and year picks at most one
// step among those whose conditions hold, in file order.
void Simulation::on_plan_review(double day, std::uint32_t year) {
  plan_scratch_.clear();
  for (std::uint32_t p = 0; p < people_.size(); ++p) {
    const Person& person = people_[p];
    if (person.provider != kNoProvider && person.waiting == kNoService &&
        !steps_of_[place_of(person)].empty()) {
      plan_scratch_.emplace_back(p, generations_.current(p));
    }
  }
  const std::uint64_t prefix = core::stream_prefix(seed_, replication_, core::Stream::kPlanReview);
  for (const auto& [p, g] : plan_scratch_) {
    const Person& person = people_[p];
    if (!generations_.is_live(p, g) || person.provider == kNoProvider ||
        person.waiting != kNoService) {
      continue;  // its state changed earlier in this review
    }
    ++out_.plan_reviews[out_.cell(period_, person.territory, place_of(person))];
    core::KeyedRng gen(core::stream_key(prefix, person.key, year));
    double u = core::uniform01(gen);
    const Care care = Care::unpack(care_[p]);
    for (const std::size_t i : steps_of_[place_of(person)]) {
      const PlanStep& step = model_.plans.steps[i];
      if (!step_applies(step, person, care, day)) {
        continue;
      }
      double probability = step.probability;
      if (responds_) {
        probability *= step_factor(i, p, care);
      }
      if (u < probability) {
        take_step(day, p, i);
        break;
      }
      u -= probability;
    }
  }
}

bool Simulation::step_applies(const PlanStep& step, const Person& person, Care care,
                              double day) const {
  const Attributes a = Attributes::unpack(person.attributes);
  const double age = day - person.birth_day;
  return in_set(step.modes, care.mode) && in_set(step.schoolings, care.schooling) &&
         in_set(step.impairments, a.impairment) && in_set(step.needs, a.needs) &&
         age >= core::years_to_days(step.min_age_years) &&
         age < core::years_to_days(step.max_age_years);
}

void Simulation::take_step(double day, std::uint32_t p, std::size_t i) {
  const PlanStep& step = model_.plans.steps[i];
  const Person& person = people_[p];
  ++out_.plan_steps_taken[out_.step_cell(period_, person.territory, static_cast<int>(i))];
  emit(day, EventKind::kPlanStep, p, place_of(person));
  Care care = Care::unpack(care_[p]);
  if (step.to_mode) {
    care.mode = *step.to_mode;
  }
  if (step.to_schooling) {
    care.schooling = *step.to_schooling;
  }
  if (step.to_mode || step.to_schooling) {  // its weight changes with its care
    weigh(person.provider, day, p, -1);
    care_[p] = care.pack();
    weigh(person.provider, day, p, +1);
  }
  if (step.target != kNoService) {  // its stay's end is cancelled: it leaves by the step
    redirect(day, p, step.action, step.target);
  }
}

// At a period's end: children in places by mode, schooling and age group, and children on lists
// by age group (a walk over the people: ages move every day, so no running count would do).
void Simulation::count_by_care_and_age(int period, double day) {
  // Birth days rather than ages: a child is in age group k >= 1 when born on or before
  // `group_born_by[k]`, and on its list when born before `list_born_by[s]` (one who reaches
  // the minimum age on this very day joins after the period's end, ranked first).
  const auto& bounds = model_.children.age_groups;
  group_born_by_.clear();
  for (const double bound : bounds) {
    group_born_by_.push_back(day - core::years_to_days(bound));
  }
  list_born_by_.clear();
  for (const Service& service : model_.services) {
    list_born_by_.push_back(day - core::years_to_days(service.min_age_years));
  }
  const auto group_of = [&](double birth_day) {
    int k = 0;
    while (k + 1 < static_cast<int>(group_born_by_.size()) &&
           birth_day <= group_born_by_[static_cast<std::size_t>(k) + 1]) {
      ++k;
    }
    return k;
  };
  for (std::size_t p = 0; p < people_.size(); ++p) {
    const Person& person = people_[p];
    if (person.provider != kNoProvider) {
      const Care care = Care::unpack(care_[p]);
      const ServiceId s = place_of(person);
      count_by_place(period, person, care);
      if (!mode_cdf_[s].empty()) {
        ++out_.occupants_mode_end[out_.sub_cell(period, person.territory, s, out_.modes,
                                                care.mode)];
      }
      if (!schooling_cdf_[s].empty()) {
        ++out_.occupants_schooling_end[out_.sub_cell(period, person.territory, s, out_.schoolings,
                                                     care.schooling)];
      }
      if (!bounds.empty()) {
        ++out_.occupants_age_end[out_.sub_cell(period, person.territory, s, out_.age_groups,
                                               group_of(person.birth_day))];
      }
    }
    if (!bounds.empty() && person.waiting != kNoService &&
        person.birth_day < list_born_by_[person.waiting]) {
      ++out_.waiting_age_end[out_.sub_cell(period, person.territory, person.waiting,
                                           out_.age_groups, group_of(person.birth_day))];
    }
  }
}

// An occupant at a period's end, by where its place is: in an ordinary school, by needs level
// and by mode, for its cell and (a declared one) its provider.
void Simulation::count_by_place(int period, const Person& person, Care care) {
  const ProviderState& provider = providers_[person.provider];
  const ServiceId s = provider.service;
  const auto i = out_.cell(period, provider.territory, s);
  const bool declared = person.provider < n_declared_;
  const auto k = out_.provider_cell(period, static_cast<int>(person.provider));
  if (!schooling_cdf_[s].empty() && model_.schoolings[care.schooling].ordinary_school) {
    ++out_.place_ordinary_school_end[i];
    if (declared) {
      ++out_.provider_ordinary_school_end[k];
    }
  }
  const std::size_t needs = Attributes::unpack(person.attributes).needs;
  ++out_.place_needs_end[i * n_needs_ + needs];
  if (declared) {
    ++out_.provider_needs_end[k * n_needs_ + needs];
  }
  if (!mode_cdf_[s].empty()) {
    const auto n_modes = static_cast<std::size_t>(out_.modes);
    ++out_.place_mode_end[i * n_modes + care.mode];
    if (declared) {
      ++out_.provider_mode_end[k * n_modes + care.mode];
    }
  }
}

// The children on home territory t's lists of s at a period's end, by priority level: the live
// entries of its pooled list, or the children with a live entry on its providers' lists (each
// once, though it may be on several; all its entries are at its level).
void Simulation::count_lists(int period, int t, ServiceId s) {
  if (seen_.size() < people_.size()) {
    seen_.resize(people_.size(), 0);
  }
  if (++stamp_ == 0) {  // wrapped: forget every old stamp
    std::fill(seen_.begin(), seen_.end(), 0);
    stamp_ = 1;
  }
  const auto territory = static_cast<TerritoryId>(t);
  const auto pooled = static_cast<std::uint32_t>(cell_index(territory, s));
  const auto [first, last] =
      model_.lists.per_provider
          ? providers_of(territory, s)
          : std::pair<const ProviderId*, const ProviderId*>{&pooled, &pooled + 1};
  for (int level = 0; level < n_levels_; ++level) {
    std::int64_t live = 0;
    for (const ProviderId* list = first; list != last; ++list) {
      const Queue& q = queue(*list, level);
      for (std::size_t e = q.head; e < q.entries.size(); ++e) {
        const auto [p, g] = q.entries[e];
        if (generations_.is_live(p, g) && seen_[p] != stamp_) {
          seen_[p] = stamp_;
          ++live;
        }
      }
    }
    out_.waiting_priority_end[out_.priority_cell(period, t, static_cast<int>(s), level)] = live;
  }
}

// Spells (when recorded): a person is in at most one open spell; opening a new one ends the
// current one that day.
void Simulation::open_spell(double start, std::uint32_t p, Spell::State state) {
  if (!record_spells_) {
    return;
  }
  close_spell(start, p, Spell::End::kChanged);
  const Person& person = people_[p];
  OpenSpell& open = spell_of_[p];
  open.start = start;
  open.state = state;
  open.open = true;
  const bool holder = state == Spell::State::kCreton || state == Spell::State::kStepping;
  open.service = holder || state == Spell::State::kInPlace ? place_of(person) : person.waiting;
  open.next_service = holder ? person.waiting : kNoService;
  open.place_territory = place_territory_of(person);
}

void Simulation::close_spell(double day, std::uint32_t p, Spell::End why) {
  if (!record_spells_ || !spell_of_[p].open) {
    return;
  }
  OpenSpell& open = spell_of_[p];
  const Person& person = people_[p];
  open.open = false;
  out_.spells.push_back(Spell{person.key, open.start, std::max(open.start, day), open.service,
                              open.next_service, person.territory, open.place_territory, open.state,
                              why, person.attributes});
}

void Simulation::on_period_end(int period) {
  PARCOURS_CHECK(period == period_, "periods must end in order");
  const double day = model_.period_days() * (period + 1);
  const auto n_territories = static_cast<int>(model_.territories.size());
  for (int t = 0; t < n_territories; ++t) {
    for (std::size_t s = 0; s < n_services_; ++s) {
      Cell& c = cells_[static_cast<std::size_t>(t) * n_services_ + s];
      accrue(c, day);
      accrue_activity(c.activity, day);
      const auto i = out_.cell(period, t, static_cast<int>(s));
      out_.occupied_place_days[i] = c.place_days;
      out_.attended_days[i] = c.activity.attended_days;
      out_.school_days[i] = c.activity.school_days;
      out_.followed[i] = c.activity.followed;
      c.capacity_days += static_cast<double>(c.capacity) * (day - c.capacity_since);
      c.capacity_since = day;
      out_.capacity_days[i] = c.capacity_days;
      out_.capacity_end[i] = c.capacity;
      c.capacity_days = 0.0;
      c.activity.attended_days = 0.0;
      c.activity.school_days = 0.0;
      c.activity.followed = c.occupied;
      out_.waiting_end[i] = c.waiting;
      out_.holding_end[i] = c.holding;
      out_.stepping_end[i] = c.stepping;
      out_.occupied_end[i] = c.occupied;
      out_.away_end[i] = c.placed_away;
      out_.abroad_end[i] = c.placed_abroad;
      const auto ts = static_cast<std::size_t>(t) * n_services_ + s;
      out_.pag_end[i] = c.pag;
      out_.occupants_ase_end[i] = in_place_ase_[ts];
      for (std::size_t k = 0; k < n_impairments_; ++k) {
        out_.occupants_impairment_end[i * n_impairments_ + k] =
            in_place_by_impairment_[ts * n_impairments_ + k];
        out_.waiting_impairment_end[i * n_impairments_ + k] =
            waiting_by_impairment_[ts * n_impairments_ + k];
      }
      if (n_levels_ == 1) {
        out_.waiting_priority_end[i] = c.waiting;
      } else if (c.waiting > 0) {
        count_lists(period, t, static_cast<ServiceId>(s));
      }
      for (int k = 0; k < out_.interims; ++k) {
        out_.waiting_interim_end[out_.interim_cell(period, t, static_cast<int>(s), k)] =
            interim_count(static_cast<std::size_t>(t), s, static_cast<std::size_t>(k));
      }
      c.place_days = 0.0;
    }
    out_.present_end[out_.flow(period, t)] = present_[t];
    if (period + 1 < model_.periods()) {
      out_.present_start[out_.flow(period + 1, t)] = present_[t];
    }
  }
  for (std::size_t q = 0; q < n_declared_; ++q) {
    ProviderState& provider = providers_[q];
    accrue(provider, day);
    accrue_activity(provider.activity, day);
    const auto i = out_.provider_cell(period, static_cast<int>(q));
    out_.provider_place_days[i] = provider.place_days;
    out_.provider_occupied_end[i] = provider.occupied;
    out_.provider_attended_days[i] = provider.activity.attended_days;
    out_.provider_school_days[i] = provider.activity.school_days;
    out_.provider_followed[i] = provider.activity.followed;
    provider.capacity_days +=
        static_cast<double>(provider.capacity) * (day - provider.capacity_since);
    out_.provider_capacity_days[i] = provider.capacity_days;
    out_.provider_capacity_end[i] = provider.capacity;
    provider.place_days = 0.0;
    for (std::size_t m = 0; !mode_activity_.empty() && m < n_modes_; ++m) {
      Activity& by_mode = mode_activity_[q * n_modes_ + m];
      accrue_activity(by_mode, day);
      const auto j = out_.provider_mode_cell(period, static_cast<int>(q), static_cast<int>(m));
      out_.provider_mode_attended_days[j] = by_mode.attended_days;
      out_.provider_mode_school_days[j] = by_mode.school_days;
      by_mode.attended_days = 0.0;
      by_mode.school_days = 0.0;
    }
    if (model_.lists.per_provider) {
      std::int64_t live = 0;
      for (int level = 0; level < n_levels_; ++level) {
        const Queue& list = queue(q, level);
        for (std::size_t e = list.head; e < list.entries.size(); ++e) {
          live += generations_.is_live(list.entries[e].first, list.entries[e].second) ? 1 : 0;
        }
      }
      out_.provider_applications_end[i] = live;
    }
  }
  for (ProviderState& provider : providers_) {  // implicit ones too: their cells count
    accrue_activity(provider.activity, day);    // the period's part ends here
    provider.capacity_days = 0.0;
    provider.capacity_since = day;
    provider.activity.attended_days = 0.0;
    provider.activity.school_days = 0.0;
    provider.activity.followed = provider.occupied;
  }
  if (counts_by_care_or_age_) {
    count_by_care_and_age(period, day);
  } else {  // one needs level, no modes nor schooling: every occupant is of level 0
    const auto cells = out_.cell(period + 1, 0, 0);
    for (auto i = out_.cell(period, 0, 0); i < cells; ++i) {
      out_.place_needs_end[i] = out_.occupied_end[i];
    }
    const auto providers = out_.provider_cell(period + 1, 0);
    for (auto i = out_.provider_cell(period, 0); i < providers; ++i) {
      out_.provider_needs_end[i] = out_.provider_occupied_end[i];
    }
  }
  emit(day, EventKind::kPeriodEnd, static_cast<std::uint32_t>(period), kNoService);
  ++period_;
}

}  // namespace parcours::model
