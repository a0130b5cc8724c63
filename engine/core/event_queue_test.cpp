#include "engine/core/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace parcours::core {
namespace {

TEST(EventQueue, EarlierEventsRunFirst) {
  EventQueue<int> queue;
  queue.push(SimTime{5.0}, 0, 1);
  queue.push(SimTime{1.0}, 0, 2);
  queue.push(SimTime{3.0}, 0, 3);
  EXPECT_EQ(queue.pop().second, 2);
  EXPECT_EQ(queue.pop().second, 3);
  EXPECT_EQ(queue.pop().second, 1);
  EXPECT_TRUE(queue.empty());
}

TEST(EventQueue, SameTimeEventsRunByRankThenSchedulingOrder) {
  EventQueue<int> queue;
  queue.push(SimTime{3.0}, /*rank=*/1, 10);
  queue.push(SimTime{3.0}, /*rank=*/0, 20);
  queue.push(SimTime{3.0}, /*rank=*/0, 30);

  EXPECT_EQ(queue.pop().second, 20);
  EXPECT_EQ(queue.pop().second, 30);
  EXPECT_EQ(queue.pop().second, 10);
  EXPECT_TRUE(queue.empty());
}

TEST(EventQueue, PopReturnsTheKeyWithRankAndSequence) {
  EventQueue<int> queue;
  queue.push(SimTime{2.0}, 7, 1);
  queue.push(SimTime{2.0}, 7, 2);
  (void)queue.pop();
  auto [key, payload] = queue.pop();
  EXPECT_EQ(key.at.days, 2.0);
  EXPECT_EQ(key.rank, 7);
  EXPECT_EQ(key.seq, 1U);
  EXPECT_EQ(payload, 2);
}

// Many ties at few distinct times: the order must be exactly (time, rank, seq), which a
// stable sort of the pushes reproduces.
TEST(EventQueue, OrderIsTotalAndMatchesASortOfKeys) {
  EventQueue<int> queue;
  std::vector<EventKey> pushed;
  std::uint64_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double at = static_cast<double>((x >> 33) % 50);
    const auto rank = static_cast<std::uint8_t>((x >> 20) % 3);
    queue.push(SimTime{at}, rank, i);
    pushed.push_back({SimTime{at}, rank, static_cast<std::uint64_t>(i)});
  }
  std::sort(pushed.begin(), pushed.end());
  for (const auto& expected : pushed) {
    auto [key, payload] = queue.pop();
    ASSERT_EQ(key, expected);
    ASSERT_EQ(static_cast<std::uint64_t>(payload), expected.seq);
  }
  EXPECT_TRUE(queue.empty());
}

TEST(EventQueue, PopOnEmptyQueueIsABrokenInvariant) {
  EventQueue<int> queue;
  EXPECT_THROW((void)queue.pop(), InvariantError);
}

TEST(Generations, CancellingAnOwnerMakesItsPendingEventsStale) {
  Generations generations(3);
  const auto g = generations.current(1);
  EXPECT_TRUE(generations.is_live(1, g));
  generations.cancel_all(1);
  EXPECT_FALSE(generations.is_live(1, g));
  EXPECT_TRUE(generations.is_live(1, generations.current(1)));
  EXPECT_TRUE(generations.is_live(2, generations.current(2)));
}

TEST(Generations, LazyDeletionSkipsCancelledEventsInTheQueue) {
  struct Ev {
    std::uint32_t owner;
    std::uint32_t generation;
  };
  EventQueue<Ev> queue;
  Generations generations(2);
  queue.push(SimTime{1.0}, 0, {0, generations.current(0)});
  queue.push(SimTime{2.0}, 0, {1, generations.current(1)});
  generations.cancel_all(0);
  queue.push(SimTime{3.0}, 0, {0, generations.current(0)});
  std::vector<double> ran;
  while (!queue.empty()) {
    auto [key, ev] = queue.pop();
    if (generations.is_live(ev.owner, ev.generation)) {
      ran.push_back(key.at.days);
    }
  }
  EXPECT_EQ(ran, (std::vector<double>{2.0, 3.0}));
}

}  // namespace
}  // namespace parcours::core
