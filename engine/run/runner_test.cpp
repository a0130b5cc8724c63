#include "engine/run/runner.hpp"

#include "engine/model/simulation.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace parcours::run {
namespace {

model::Model small_model() {
  model::Model m;
  m.territories = {model::home_territory("A", "A", 1.0), model::home_territory("B", "B", 2.0)};
  model::Service ime;
  ime.name = "IME";
  ime.capacity = {30, 60};
  ime.age_limit_years = 20.0;
  ime.length_of_stay_years = core::Distribution::exponential(6.5);
  ime.on_age_limit = {{1.0, model::Action::kMove, 1}};
  ime.initial = {1.0, core::Distribution::uniform(6.0, 20.0)};
  model::Service adult;
  adult.name = "ADULT";
  adult.capacity = {20, 40};
  adult.length_of_stay_years = core::Distribution::exponential(14.0);
  adult.initial = {1.0, core::Distribution::uniform(20.0, 60.0)};
  m.services = {ime, adult};
  m.arrivals = {30.0, core::Distribution::uniform(3.0, 16.0), {1.0, 0.0}, 0.0, {}};
  m.horizon_years = 10;
  return m;
}

// One payer pays the IME a fixed daily price; the adult service is not funded.
funding::Scheme ime_daily_price() {
  funding::Scheme scheme;
  scheme.payers = {{"assurance_maladie", ""}};
  scheme.services.resize(2);
  scheme.services[0].payer_split = {1.0};
  funding::Assignment price;
  price.name = "ime";
  price.services = {0};
  price.euros_per_day = 210.0;
  scheme.assignments = {price};
  return scheme;
}

const funding::Scheme kPrices = ime_daily_price();

void expect_identical(const Results& a, const Results& b) {
  ASSERT_EQ(a.replications.size(), b.replications.size());
  for (std::size_t r = 0; r < a.replications.size(); ++r) {
    const auto& x = a.replications[r].indicators;
    const auto& y = b.replications[r].indicators;
    EXPECT_EQ(x.occupied_place_days, y.occupied_place_days) << "replication " << r;
    EXPECT_EQ(x.admissions, y.admissions) << "replication " << r;
    EXPECT_EQ(x.waiting_end, y.waiting_end) << "replication " << r;
    EXPECT_EQ(x.holding_end, y.holding_end) << "replication " << r;
    EXPECT_EQ(x.aged_out_waiting, y.aged_out_waiting) << "replication " << r;
    EXPECT_EQ(x.present_end, y.present_end) << "replication " << r;
    EXPECT_EQ(a.replications[r].books.revenue, b.replications[r].books.revenue);
    EXPECT_EQ(a.replications[r].books.paid, b.replications[r].books.paid);
  }
  EXPECT_EQ(a.events, b.events);
}

TEST(Runner, OneAndTwoThreadsGiveIdenticalResults) {
  const auto m = small_model();
  const auto one = run(m, kPrices, {.seed = 11, .replications = 5, .threads = 1});
  const auto two = run(m, kPrices, {.seed = 11, .replications = 5, .threads = 2});
  expect_identical(one, two);
}

TEST(Runner, ReplicationRIsTheSameWhateverTheRunItIsPartOf) {
  const auto m = small_model();
  const auto three = run(m, kPrices, {.seed = 11, .replications = 3, .threads = 2});
  const auto five = run(m, kPrices, {.seed = 11, .replications = 5, .threads = 2});
  EXPECT_EQ(three.replications[2].indicators.admissions,
            five.replications[2].indicators.admissions);
  EXPECT_NE(five.replications[3].indicators.admissions, five.replications[4].indicators.admissions);
}

// The books of each replication are those of its indicators: units territory-major (A's IME
// and adult places, then B's), the IME paid its price for each attended day (every day of an
// occupied place: no modes), the adult service nothing.
TEST(Runner, EachReplicationKeepsTheBooksOfItsIndicators) {
  const auto m = small_model();
  const auto results = run(m, kPrices, {.seed = 3, .replications = 2, .threads = 2});
  for (const auto& r : results.replications) {
    const auto& books = r.books;
    ASSERT_EQ(books.units, 4);
    ASSERT_EQ(books.periods, r.indicators.periods);
    for (int p = 0; p < books.periods; ++p) {
      for (int t = 0; t < 2; ++t) {
        const auto ime = books.at(p, 2 * t);
        const double days = r.indicators.attended_days[r.indicators.cell(p, t, 0)];
        EXPECT_GT(days, 0.0);
        EXPECT_EQ(books.revenue[ime], 210.0 * days);
        EXPECT_EQ(books.paid[books.at(p, 2 * t, 0)], books.revenue[ime]);
        EXPECT_EQ(books.revenue[books.at(p, 2 * t + 1)], 0.0);
      }
    }
    EXPECT_EQ(books.revenue, funding::keep_books(m, kPrices, r.indicators).revenue);
  }
}

TEST(Runner, ACancelledRunThrowsAndReturnsNothing) {
  const auto m = small_model();
  std::atomic<bool> cancel{true};
  EXPECT_THROW(
      (void)run(m, kPrices, {.seed = 3, .replications = 4, .threads = 2, .cancel = &cancel}),
      Cancelled);
}

// A failure inside one replication reaches the caller, from outside the OpenMP region.
TEST(Runner, AnErrorInAReplicationIsRethrown) {
  auto m = small_model();
  m.services[0].capacity = {30};  // one territory short: a broken invariant
  EXPECT_THROW((void)run(m, kPrices, {.seed = 3, .replications = 4, .threads = 2}),
               core::InvariantError);
}

}  // namespace
}  // namespace parcours::run
