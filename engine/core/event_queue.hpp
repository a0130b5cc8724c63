// Pending events of one replication. Earliest first; same-time events by rank, then by
// scheduling order, so a run depends only on its inputs and seed, never on addresses or threads.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/core/check.hpp"
#include "engine/core/sim_time.hpp"

namespace parcours::core {

/// Total order of events: time, then rank (lower first), then scheduling order.
struct EventKey {
  SimTime at;
  std::uint8_t rank = 0;
  std::uint64_t seq = 0;

  friend constexpr auto operator<=>(const EventKey&, const EventKey&) = default;
};

/// Min-priority queue of events, a 4-ary implicit heap (shallower than a binary heap and its
/// four children share a cache line or two, which pays with ~10^5 pending events).
/// Rank and sequence are packed in one word: rank in the top 8 bits, a 56-bit counter below.
/// Thread-compatible: each replication owns its queue; never share one.
template <class Payload>
class EventQueue {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }

  void push(SimTime at, std::uint8_t rank, Payload payload) {
    PARCOURS_DCHECK(next_seq_ < (std::uint64_t{1} << 56), "event sequence counter overflow");
    Entry e{at.days, (std::uint64_t{rank} << 56) | next_seq_++, std::move(payload)};
    std::size_t i = heap_.size();
    heap_.push_back(e);
    sift_up(i);
  }

  /// Removes and returns the earliest event. Precondition: not empty.
  [[nodiscard]] std::pair<EventKey, Payload> pop() {
    PARCOURS_CHECK(!heap_.empty(), "pop() on an empty event queue");
    Entry top = std::move(heap_.front());
    Entry last = std::move(heap_.back());
    heap_.pop_back();
    if (!heap_.empty()) {
      sift_down(std::move(last));
    }
    return {key_of(top), std::move(top.payload)};
  }

  [[nodiscard]] EventKey peek_key() const {
    PARCOURS_CHECK(!heap_.empty(), "peek_key() on an empty event queue");
    return key_of(heap_.front());
  }

  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }

  [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }

 private:
  static constexpr std::size_t kArity = 4;
  static constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << 56) - 1;

  struct Entry {
    double at;
    std::uint64_t order;  // rank << 56 | seq
    Payload payload;
  };

  static EventKey key_of(const Entry& e) {
    return {SimTime{e.at}, static_cast<std::uint8_t>(e.order >> 56), e.order & kSeqMask};
  }

  static bool before(const Entry& a, const Entry& b) {
    return a.at < b.at || (a.at == b.at && a.order < b.order);
  }

  void sift_up(std::size_t i) {
    Entry e = std::move(heap_[i]);
    while (i > 0) {
      std::size_t parent = (i - 1) / kArity;
      if (!before(e, heap_[parent])) {
        break;
      }
      heap_[i] = std::move(heap_[parent]);
      i = parent;
    }
    heap_[i] = std::move(e);
  }

  // Places `e` starting from the root, moving smaller children up.
  void sift_down(Entry e) {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      std::size_t first = i * kArity + 1;
      if (first >= n) {
        break;
      }
      std::size_t best = first;
      std::size_t end = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        if (before(heap_[c], heap_[best])) {
          best = c;
        }
      }
      if (!before(heap_[best], e)) {
        break;
      }
      heap_[i] = std::move(heap_[best]);
      i = best;
    }
    heap_[i] = std::move(e);
  }

  std::vector<Entry> heap_;
  std::uint64_t next_seq_ = 0;
};

/// Cheap cancellation by lazy deletion: an event carries the generation of its owner at
/// scheduling time; bumping the owner's generation makes every pending event of it stale.
/// Thread-compatible.
class Generations {
 public:
  explicit Generations(std::size_t owners = 0) : gen_(owners, 0) {}

  void resize(std::size_t owners) { gen_.resize(owners, 0); }

  [[nodiscard]] std::uint32_t current(std::uint32_t owner) const { return gen_[owner]; }

  /// Invalidates every pending event of `owner`; returns the new generation.
  std::uint32_t cancel_all(std::uint32_t owner) { return ++gen_[owner]; }

  [[nodiscard]] bool is_live(std::uint32_t owner, std::uint32_t generation) const {
    return gen_[owner] == generation;
  }

 private:
  std::vector<std::uint32_t> gen_;
};

}  // namespace parcours::core
