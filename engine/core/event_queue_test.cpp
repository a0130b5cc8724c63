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
// sort of the pushed keys reproduces. Run with and without buckets, with events before,
// inside and after the bucketed span, and pushes interleaved with pops.
void expect_sorted_order(EventQueue<int>& queue) {
  std::vector<EventKey> pushed;
  std::vector<EventKey> popped;
  std::uint64_t x = 12345;
  int next = 0;
  auto push_some = [&](int n, double from) {
    for (int i = 0; i < n; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const double at = from + static_cast<double>((x >> 33) % 60) * 0.5;
      const auto rank = static_cast<std::uint8_t>((x >> 20) % 3);
      queue.push(SimTime{at}, rank, next);
      pushed.push_back({SimTime{at}, rank, static_cast<std::uint64_t>(next++)});
    }
  };
  push_some(3000, -2.0);
  for (int i = 0; i < 1000; ++i) {
    auto [key, payload] = queue.pop();
    ASSERT_EQ(static_cast<std::uint64_t>(payload), key.seq);
    popped.push_back(key);
  }
  push_some(2000, popped.back().at.days + 0.5);  // later than anything popped
  while (!queue.empty()) {
    auto [key, payload] = queue.pop();
    ASSERT_EQ(static_cast<std::uint64_t>(payload), key.seq);
    popped.push_back(key);
  }
  std::sort(pushed.begin(), pushed.end());
  ASSERT_EQ(popped.size(), pushed.size());
  for (std::size_t i = 0; i < pushed.size(); ++i) {
    ASSERT_TRUE(popped[i] == pushed[i])
        << "at " << i << ": popped (" << popped[i].at.days << ", " << int{popped[i].rank} << ", "
        << popped[i].seq << "), expected (" << pushed[i].at.days << ", " << int{pushed[i].rank}
        << ", " << pushed[i].seq << ")";
  }
}

TEST(EventQueue, OrderIsTotalAndMatchesASortOfKeys) {
  EventQueue<int> queue;
  expect_sorted_order(queue);
}

TEST(EventQueue, BucketedOrderIsTheSameTotalOrder) {
  EventQueue<int> queue;
  queue.configure_buckets(/*width_days=*/1.0, /*count=*/20);  // times run to ~60: overflow too
  expect_sorted_order(queue);
}

TEST(EventQueue, BucketedQueueAcceptsALatePushIntoAnEarlierBucket) {
  EventQueue<int> queue;
  queue.configure_buckets(1.0, 10);
  queue.push(SimTime{5.5}, 0, 1);
  queue.push(SimTime{7.5}, 0, 2);
  EXPECT_EQ(queue.pop().second, 1);
  queue.push(SimTime{2.0}, 0, 3);  // earlier than the current bucket: still runs first
  EXPECT_EQ(queue.pop().second, 3);
  EXPECT_EQ(queue.pop().second, 2);
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
