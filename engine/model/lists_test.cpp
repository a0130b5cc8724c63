// Children's attributes, priority levels, the periodic review of lists (removal, PAG),
// mortality and the spells table.
#include "engine/model/simulation.hpp"
#include "engine/model/test_recorder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

namespace parcours::model {
namespace {

constexpr double kYear = core::kDaysPerYear;

// One territory, one service S with `places` places held at t = 0 for `busy_years` by
// initial occupants aged 10, then stays of 5 years; no arrivals but scripted ones.
Model one_list(std::int64_t places, double busy_years, int horizon_years) {
  Model m;
  m.territories = {home_territory("T", "T", 1.0)};
  Service s;
  s.name = "S";
  s.capacity = {places};
  s.length_of_stay_years = core::Distribution::fixed(5.0);
  m.services = {s};
  m.arrivals.orientation = {1.0};
  m.horizon_years = horizon_years;
  if (busy_years > 0.0) {
    // Occupants present at t = 0 draw their stay from the same law: use a fixed law that ends
    // at busy_years for them, and give later stays 5 years by making the law fixed anyway
    // (the tests below only need the first departure date).
    m.services[0].length_of_stay_years = core::Distribution::fixed(busy_years);
    m.services[0].initial = {1.0, core::Distribution::fixed(10.0)};
  }
  return m;
}

using testing::Recorder;

Attributes with_needs(std::uint8_t needs) {
  Attributes a;
  a.needs = needs;
  return a;
}

TEST(Attributes, PackAndUnpackRoundTrip) {
  for (int bits = 0; bits < 256; ++bits) {
    EXPECT_EQ(Attributes::unpack(static_cast<std::uint8_t>(bits)).pack(), bits);
  }
  Attributes a{5, 2, true, false, true};
  const Attributes b = Attributes::unpack(a.pack());
  EXPECT_EQ(b.impairment, 5);
  EXPECT_EQ(b.needs, 2);
  EXPECT_TRUE(b.ase);
  EXPECT_FALSE(b.boy);
  EXPECT_TRUE(b.pag);
}

TEST(Attributes, DrawnFromTheProfileOfTheEntryService) {
  Model m = one_list(20000, 50.0, 1);
  m.children.impairments = {"intellectual", "autism"};
  m.services[0].children.impairment_shares = {0.25, 0.75};
  m.services[0].children.ase_share = 0.1;
  const auto out = Simulation(m, 3, 0).run();
  ASSERT_EQ(out.impairments, 2);
  const auto autism = out.occupants_impairment_end[out.impairment_cell(0, 0, 0, 1)];
  const auto intellectual = out.occupants_impairment_end[out.impairment_cell(0, 0, 0, 0)];
  EXPECT_EQ(autism + intellectual, out.occupied_end[out.cell(0, 0, 0)]);
  const double n = 20000.0;
  // Binomial(20000, 0.75): sd ~ 61; 5 sd.
  EXPECT_NEAR(static_cast<double>(autism), 0.75 * n, 5.0 * std::sqrt(n * 0.75 * 0.25));
  EXPECT_NEAR(static_cast<double>(out.occupants_ase_end[out.cell(0, 0, 0)]), 0.1 * n,
              5.0 * std::sqrt(n * 0.1 * 0.9));
}

TEST(Priority, AHigherLevelIsAdmittedBeforeALongerWait) {
  Model m = one_list(1, 1.0, 3);
  m.children.needs_levels = {"moderate", "very_high"};
  PriorityLevel urgent = any_child("urgent");
  urgent.needs = {1};
  m.lists.priority = {urgent, any_child("others")};
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0, with_needs(0)});  // first on the list
  sim.add_scripted_arrival({20.0, 0, 8.0, 0, with_needs(1)});  // later, but urgent
  const auto out = sim.run();
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 2U);
  EXPECT_DOUBLE_EQ(admits[0].at.days, kYear);  // the initial occupant's place frees
  // Ids: 0 is the initial occupant; 1 and 2 the scripted children in order.
  EXPECT_EQ(admits[0].person, 2U);
  EXPECT_EQ(out.waiting_priority_end[out.priority_cell(0, 0, 0, 0)], 1);  // urgent, year 0
  EXPECT_EQ(out.waiting_priority_end[out.priority_cell(0, 0, 0, 1)], 1);
}

TEST(Priority, ALevelForOtherListsIsSkipped) {
  Model m = one_list(1, 1.0, 3);
  Service other;
  other.name = "OTHER";
  other.capacity = {0};
  m.services.push_back(other);
  m.arrivals.orientation = {1.0, 0.0};
  m.children.needs_levels = {"moderate", "very_high"};
  PriorityLevel urgent = any_child("urgent");
  urgent.needs = {1};
  urgent.services = {1};  // only on OTHER's list
  m.lists.priority = {urgent, any_child("others")};
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({10.0, 0, 8.0, 0, with_needs(0)});
  sim.add_scripted_arrival({20.0, 0, 8.0, 0, with_needs(1)});
  const auto out = sim.run();
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_FALSE(admits.empty());
  EXPECT_EQ(admits[0].person, 1U);  // first come, first served on S's list
  EXPECT_EQ(out.waiting_priority_end[out.priority_cell(0, 0, 0, 0)], 0);
}

TEST(Priority, AReviewRePrioritisesByAgeAndWithoutOneTheListStaysAsJoined) {
  for (const int review : {0, 6}) {
    Model m = one_list(1, 300.0 / kYear, 1);
    PriorityLevel older = any_child("older");
    older.min_age_years = 12.0;
    m.lists.priority = {older, any_child("younger")};
    m.lists.review_every_months = review;
    Simulation sim(m, 1, 0);
    Recorder rec;
    sim.set_observer(&rec);
    sim.add_scripted_arrival({0.5, 0, 11.0, 0});  // Y: first, 11.5 at the review
    sim.add_scripted_arrival({1.0, 0, 11.9, 0});  // X: 12.4 at the review (month 6)
    (void)sim.run();
    const auto admits = rec.of(EventKind::kAdmit);
    ASSERT_EQ(admits.size(), 1U) << "review every " << review << " months";
    EXPECT_DOUBLE_EQ(admits[0].at.days, 300.0);
    EXPECT_EQ(admits[0].person, review == 0 ? 1U : 2U) << "review every " << review;
  }
}

TEST(Review, RemovesChildrenWithoutAPlaceNotCretonHolders) {
  Model m = one_list(2000, 50.0, 2);
  m.arrivals.rate_per_year = 4000.0;
  m.arrivals.age_years = core::Distribution::fixed(8.0);
  m.lists.review_every_months = 12;
  m.lists.removal_per_review = 0.3;
  const auto out = Simulation(m, 5, 0).run();
  // Year 0 ends just before the first review (period ends run first): nobody removed yet.
  EXPECT_EQ(out.removed_at_review[out.cell(0, 0, 0)], 0);
  const auto waiting = out.waiting_end[out.cell(0, 0, 0)];
  const auto removed = out.removed_at_review[out.cell(1, 0, 0)];
  ASSERT_GT(waiting, 3000);
  const double n = static_cast<double>(waiting);
  EXPECT_NEAR(static_cast<double>(removed), 0.3 * n, 5.0 * std::sqrt(n * 0.3 * 0.7));
  EXPECT_EQ(out.departures[out.flow(1, 0)], removed);  // nobody else leaves in year 1

  m.lists.reviewed_services = {1};  // another service's lists only: this one is left alone
  Service other;
  other.name = "OTHER";
  other.capacity = {0};
  m.services.push_back(other);
  m.arrivals.orientation = {1.0, 0.0};
  const auto unreviewed = Simulation(m, 5, 0).run();
  EXPECT_EQ(unreviewed.removed_at_review[unreviewed.cell(1, 0, 0)], 0);
  EXPECT_EQ(out.present_start[out.flow(1, 0)] + out.arrivals[out.flow(1, 0)],
            out.present_end[out.flow(1, 0)] + out.departures[out.flow(1, 0)]);

  // A Creton holder (in a place, on the next service's list) is never removed.
  Model c = one_list(1, 50.0, 3);
  Service adult;
  adult.name = "ADULT";
  adult.capacity = {0};
  c.services.push_back(adult);
  c.arrivals.orientation = {1.0, 0.0};
  c.services[0].initial = {1.0, core::Distribution::fixed(19.5)};
  c.services[0].age_limit_years = 20.0;
  c.services[0].on_age_limit = {{1.0, Action::kMove, 1}};
  c.lists.review_every_months = 6;
  c.lists.removal_per_review = 1.0;
  const auto held = Simulation(c, 5, 0).run();
  EXPECT_EQ(held.holding_end[held.cell(2, 0, 0)], 1);
  EXPECT_EQ(held.waiting_end[held.cell(2, 0, 1)], 1);
  EXPECT_EQ(held.removed_at_review[held.cell(1, 0, 1)], 0);
}

TEST(Attributes, CountsFollowACretonMoveToTheAdultPlace) {
  Model m = one_list(1, 50.0, 2);
  m.services[0].initial = {1.0, core::Distribution::fixed(19.5)};
  m.services[0].age_limit_years = 20.0;
  m.services[0].on_age_limit = {{1.0, Action::kMove, 1}};
  m.services[0].children.ase_share = 1.0;
  Service adult;
  adult.name = "ADULT";
  adult.capacity = {1};
  adult.length_of_stay_years = core::Distribution::fixed(1.0);
  adult.initial = {1.0, core::Distribution::fixed(30.0)};
  m.services.push_back(adult);
  m.arrivals.orientation = {1.0, 0.0};
  const auto out = Simulation(m, 1, 0).run();
  // Year 0: the young adult holds its child place (from 20, i.e. day 182.6) while waiting.
  EXPECT_EQ(out.holding_end[out.cell(0, 0, 0)], 1);
  EXPECT_EQ(out.occupants_impairment_end[out.impairment_cell(0, 0, 0, 0)], 1);
  EXPECT_EQ(out.occupants_ase_end[out.cell(0, 0, 0)], 1);
  // Year 1: the adult place freed at 1 year; it moved, and its child place is free.
  EXPECT_EQ(out.occupied_end[out.cell(1, 0, 0)], 0);
  EXPECT_EQ(out.occupants_impairment_end[out.impairment_cell(1, 0, 0, 0)], 0);
  EXPECT_EQ(out.occupants_ase_end[out.cell(1, 0, 0)], 0);
  EXPECT_EQ(out.occupants_impairment_end[out.impairment_cell(1, 0, 1, 0)], 1);
  EXPECT_EQ(out.occupants_ase_end[out.cell(1, 0, 1)], 1);
}

TEST(Review, AChildWithNoSolutionLongEnoughGetsAPagAndItsPriority) {
  Model m = one_list(1, 2.5, 3);
  m.interim = {interim_situation("nothing", true, false),
               interim_situation("partial", false, false)};
  m.services[0].interim_shares = {1.0, 0.0};
  m.lists.review_every_months = 6;
  m.lists.pag_after_years = 1.0;
  m.lists.pag_interim = 1;
  PriorityLevel critical = any_child("critical");
  critical.pag = true;
  m.lists.priority = {critical, any_child("others")};
  Simulation sim(m, 1, 0);
  Recorder rec;
  sim.set_observer(&rec);
  sim.add_scripted_arrival({0.0, 0, 8.0, 0});        // waits from day 0 (nothing)
  sim.add_scripted_arrival({0.0 + 1.0, 0, 8.0, 0});  // waits from day 1 (nothing)
  const auto out = sim.run();
  // Reviews at months 6, 12, 18, 24: both have waited a year at month 18 (month 12 is day
  // 365.25, one day short for the second). The first gets its PAG at month 12.
  const auto pags = rec.of(EventKind::kPag);
  ASSERT_EQ(pags.size(), 2U);
  EXPECT_EQ(pags[0].person, 1U);
  EXPECT_DOUBLE_EQ(pags[0].at.days, 12 * core::kDaysPerMonth);
  EXPECT_EQ(pags[1].person, 2U);
  EXPECT_DOUBLE_EQ(pags[1].at.days, 18 * core::kDaysPerMonth);
  EXPECT_EQ(out.pag_end[out.cell(0, 0, 0)], 0);  // year 0 ends before the month-12 review
  EXPECT_EQ(out.pag_end[out.cell(1, 0, 0)], 2);
  // With a PAG the interim situation is the partial one: no child with no solution left.
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(1, 0, 0, 0)], 0);
  EXPECT_EQ(out.waiting_interim_end[out.interim_cell(1, 0, 0, 1)], 2);
  EXPECT_EQ(out.waiting_priority_end[out.priority_cell(1, 0, 0, 0)], 2);
  // The place frees at 2.5 years: the longer wait among PAG children goes first, and its PAG
  // ends with the admission.
  const auto admits = rec.of(EventKind::kAdmit);
  ASSERT_EQ(admits.size(), 1U);
  EXPECT_EQ(admits[0].person, 1U);
  EXPECT_EQ(out.pag_end[out.cell(2, 0, 0)], 1);
}

TEST(Mortality, DeathsFollowTheYearlyProbabilityOfTheirImpairment) {
  Model m = one_list(20000, 50.0, 1);
  m.children.impairments = {"polyhandicap", "other"};
  m.children.mortality_per_year = {0.2, 0.0};
  m.services[0].children.impairment_shares = {0.5, 0.5};
  Simulation sim(m, 9, 0);
  Recorder rec;
  sim.set_observer(&rec);
  const auto out = sim.run();
  const auto poly = out.occupants_impairment_end[out.impairment_cell(0, 0, 0, 0)];
  const auto other = out.occupants_impairment_end[out.impairment_cell(0, 0, 0, 1)];
  const auto died = out.died[out.cell(0, 0, 0)];
  EXPECT_EQ(poly + died + other, 20000);
  // About 10,000 polyhandicapped children at t = 0, a fifth of whom die within the year.
  const double n = static_cast<double>(poly + died);
  EXPECT_NEAR(static_cast<double>(died), 0.2 * n, 5.0 * std::sqrt(n * 0.2 * 0.8));
  EXPECT_EQ(out.departures[out.flow(0, 0)], died);
  // Each death frees a place... and nobody waits here, so it stays free.
  EXPECT_EQ(out.occupied_end[out.cell(0, 0, 0)], poly + other);
  EXPECT_EQ(rec.of(EventKind::kDied).size(), static_cast<std::size_t>(died));
}

TEST(Mortality, TheSameChildDiesOnTheSameDayWhateverTheOtherChildren) {
  // Common random numbers: a child's time to death depends on its own key and path only, so
  // the initial occupants die on the same days with or without newcomers around them.
  auto initial_deaths = [](double arrivals_per_year) {
    Model m = one_list(5, 50.0, 3);
    m.children.mortality_per_year = {0.3};
    m.arrivals.rate_per_year = arrivals_per_year;
    m.arrivals.age_years = core::Distribution::fixed(5.0);
    Simulation sim(m, 4, 0);
    sim.record_spells(true);
    std::map<std::uint64_t, double> days;
    for (const Spell& spell : sim.run().spells) {
      if (spell.end == Spell::End::kDied && (spell.child >> 62) == 2) {  // initial_key()
        days[spell.child] = spell.end_day;
      }
    }
    return days;
  };
  const auto alone = initial_deaths(0.0);
  EXPECT_FALSE(alone.empty());
  EXPECT_EQ(alone, initial_deaths(50.0));
}

TEST(Spells, EachChildsSpellsFollowOneAnotherAndEndAtTheHorizon) {
  Model m = one_list(1, 1.0, 2);  // stays of one year
  m.services[0].min_age_years = 6.0;
  m.services[0].age_limit_years = 20.0;
  Simulation sim(m, 1, 0);
  sim.record_spells(true);
  sim.add_scripted_arrival({10.0, 0, 5.5, 0});  // too young for half a year, then waits
  const auto out = sim.run();
  std::map<std::uint64_t, std::vector<Spell>> by_child;
  for (const Spell& s : out.spells) {
    by_child[s.child].push_back(s);
  }
  ASSERT_EQ(by_child.size(), 2U);  // the initial occupant and the scripted child
  for (auto& [child, spells] : by_child) {
    std::sort(spells.begin(), spells.end(),
              [](const Spell& a, const Spell& b) { return a.start_day < b.start_day; });
    for (std::size_t i = 0; i + 1 < spells.size(); ++i) {
      EXPECT_EQ(spells[i].end, Spell::End::kChanged);
      EXPECT_DOUBLE_EQ(spells[i].end_day, spells[i + 1].start_day);
    }
  }
  // The initial occupant: in place from 0 to 1 year, then left.
  const std::vector<Spell>* scripted = nullptr;
  for (const auto& [child, spells] : by_child) {
    if (spells.size() == 3) {
      scripted = &spells;
    } else {
      ASSERT_EQ(spells.size(), 1U);
      EXPECT_EQ(spells[0].state, Spell::State::kInPlace);
      EXPECT_EQ(spells[0].end, Spell::End::kLeft);
      EXPECT_DOUBLE_EQ(spells[0].end_day, kYear);
    }
  }
  ASSERT_NE(scripted, nullptr);
  const auto& s = *scripted;
  EXPECT_EQ(s[0].state, Spell::State::kTooYoung);
  EXPECT_DOUBLE_EQ(s[0].start_day, 10.0);
  EXPECT_NEAR(s[0].end_day, 10.0 + 0.5 * kYear, 1e-9);
  EXPECT_EQ(s[1].state, Spell::State::kWaiting);
  EXPECT_EQ(s[2].state, Spell::State::kInPlace);
  EXPECT_DOUBLE_EQ(s[2].start_day, kYear);
  EXPECT_EQ(s[2].place_territory, 0);
  // Its stay would end on the horizon's day: the run stops first, so the spell is censored.
  EXPECT_EQ(s[2].end, Spell::End::kHorizon);
  EXPECT_DOUBLE_EQ(s[2].end_day, 2 * kYear);
}

TEST(Spells, NotRecordedUnlessAsked) {
  Model m = one_list(3, 1.0, 2);
  EXPECT_TRUE(Simulation(m, 1, 0).run().spells.empty());
}

// Every feature at once on a congested model: counts stay consistent every period.
TEST(Lists, CountsAddUpWithPrioritiesReviewsPagAndDeaths) {
  Model m = one_list(300, 0.0, 8);
  m.services[0].length_of_stay_years = core::Distribution::exponential(4.0);
  m.services[0].age_limit_years = 20.0;
  m.services[0].initial = {1.0, core::Distribution::uniform(6.0, 19.0)};
  m.arrivals.rate_per_year = 200.0;
  m.arrivals.age_years = core::Distribution::uniform(5.0, 15.0);
  m.children.impairments = {"a", "b", "c"};
  m.children.needs_levels = {"low", "high"};
  m.children.mortality_per_year = {0.01, 0.0, 0.05};
  m.services[0].children = {{0.5, 0.3, 0.2}, {0.7, 0.3}, 0.2, 0.6};
  m.interim = {interim_situation("nothing", true, false), interim_situation("school", false, true),
               interim_situation("partial", false, false)};
  m.services[0].interim_shares = {0.4, 0.6, 0.0};
  m.lists.review_every_months = 3;
  m.lists.removal_per_review = 0.02;
  m.lists.pag_after_years = 0.5;
  m.lists.pag_interim = 2;
  PriorityLevel pag = any_child("pag");
  pag.pag = true;
  PriorityLevel ase = any_child("ase");
  ase.ase = true;
  PriorityLevel high = any_child("high");
  high.needs = {1};
  m.lists.priority = {pag, ase, high, any_child("others")};
  const auto out = Simulation(m, 11, 0).run();
  std::int64_t pags = 0;
  std::int64_t died = 0;
  std::int64_t removed = 0;
  for (int p = 0; p < out.periods; ++p) {
    const auto f = out.flow(p, 0);
    EXPECT_EQ(out.present_start[f] + out.arrivals[f], out.present_end[f] + out.departures[f]);
    const auto i = out.cell(p, 0, 0);
    std::int64_t by_level = 0;
    for (int level = 0; level < out.priorities; ++level) {
      by_level += out.waiting_priority_end[out.priority_cell(p, 0, 0, level)];
    }
    EXPECT_EQ(by_level, out.waiting_end[i]) << "period " << p;
    EXPECT_EQ(out.waiting_priority_end[out.priority_cell(p, 0, 0, 0)], out.pag_end[i]);
    std::int64_t in_place = 0;
    std::int64_t waiting = 0;
    for (int k = 0; k < out.impairments; ++k) {
      in_place += out.occupants_impairment_end[out.impairment_cell(p, 0, 0, k)];
      waiting += out.waiting_impairment_end[out.impairment_cell(p, 0, 0, k)];
    }
    EXPECT_EQ(in_place, out.occupied_end[i]);
    EXPECT_EQ(waiting, out.waiting_end[i]);
    std::int64_t interim = 0;
    for (int k = 0; k < out.interims; ++k) {
      interim += out.waiting_interim_end[out.interim_cell(p, 0, 0, k)];
    }
    EXPECT_EQ(interim, out.waiting_end[i]);
    pags += out.pag_end[i];
    died += out.died[i];
    removed += out.removed_at_review[i];
  }
  EXPECT_GT(pags, 0);
  EXPECT_GT(died, 0);
  EXPECT_GT(removed, 0);
}

}  // namespace
}  // namespace parcours::model
