// Pending events of one replication. Earliest first; same-time events by rank, then by
// scheduling order, so a run depends only on its inputs and seed, never on addresses or threads.
#pragma once

#include "engine/core/check.hpp"
#include "engine/core/sim_time.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace parcours::core {

/// Total order of events: time, then rank (lower first), then scheduling order.
struct EventKey {
  SimTime at;
  std::uint8_t rank = 0;
  std::uint64_t seq = 0;

  friend constexpr auto operator<=>(const EventKey&, const EventKey&) = default;
};

/// Min-priority queue of events: a calendar of fixed-width time buckets in front of a 4-ary
/// implicit heap. Events of the current bucket sit in the heap; later ones wait, unsorted, in
/// their bucket (an O(1) append) until time reaches it. With ~10^5 pending events spread over
/// years, the heap then holds only a day's worth and stays in cache. Without
/// configure_buckets() it is a plain 4-ary heap. Either way the order is exactly
/// (time, rank, seq). Rank and sequence are packed in one word: rank in the top 8 bits, a
/// 56-bit counter below. Thread-compatible: each replication owns its queue.
template <class Payload>
class EventQueue {
 public:
  /// Buckets [k w, (k + 1) w) for k < count; events from count × w on share one last bucket.
  /// Precondition: the queue is empty and no event was popped yet.
  void configure_buckets(double width_days, std::size_t count) {
    PARCOURS_CHECK(size_ == 0 && current_ == 0, "configure_buckets() on a used queue");
    PARCOURS_CHECK(width_days > 0.0 && count > 0, "bucket width and count must be positive");
    inverse_width_ = 1.0 / width_days;
    buckets_.assign(count, {});
  }

  void reserve(std::size_t n) { heap_.reserve(n / (buckets_.size() + 1) + 64); }

  void push(SimTime at, std::uint8_t rank, Payload payload) {
    PARCOURS_DCHECK(next_seq_ < (std::uint64_t{1} << 56), "event sequence counter overflow");
    Entry e{at.days, (std::uint64_t{rank} << 56) | next_seq_++, std::move(payload)};
    ++size_;
    const std::size_t b = bucket_of(e.at);
    if (b <= current_) {  // the current bucket (or, for a late push, an earlier one)
      heap_.push_back(std::move(e));
      sift_up(heap_.size() - 1);
    } else if (b < buckets_.size()) {
      buckets_[b].push_back(std::move(e));
    } else {
      overflow_.push_back(std::move(e));
    }
  }

  /// Removes and returns the earliest event. Precondition: not empty.
  [[nodiscard]] std::pair<EventKey, Payload> pop() {
    PARCOURS_CHECK(size_ > 0, "pop() on an empty event queue");
    if (heap_.empty()) {
      advance();
    }
    Entry top = std::move(heap_.front());
    Entry last = std::move(heap_.back());
    heap_.pop_back();
    if (!heap_.empty()) {
      sift_down(std::move(last), 0);
    }
    --size_;
    return {key_of(top), std::move(top.payload)};
  }

  /// The payload of the event pop() will return next, when it is already known without
  /// work (it is in the current bucket); nullptr otherwise. A hint, e.g. for prefetching:
  /// an event pushed before the next pop() may still come first.
  [[nodiscard]] const Payload* peek_cheap() const noexcept {
    return heap_.empty() ? nullptr : &heap_.front().payload;
  }

  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

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

  [[nodiscard]] std::size_t bucket_of(double at) const {
    if (buckets_.empty() || !(at * inverse_width_ < static_cast<double>(buckets_.size()))) {
      return buckets_.size();  // no buckets, or at/after the last: the overflow
    }
    return at > 0.0 ? static_cast<std::size_t>(at * inverse_width_) : 0;
  }

  // The heap ran dry: move the next non-empty bucket (or the overflow) into it.
  void advance() {
    while (current_ < buckets_.size()) {
      ++current_;
      std::vector<Entry>& next = current_ < buckets_.size() ? buckets_[current_] : overflow_;
      if (!next.empty()) {
        heap_.swap(next);
        next.clear();
        next.shrink_to_fit();
        heapify();
        return;
      }
    }
    PARCOURS_CHECK(!heap_.empty(), "event queue lost track of its events");
  }

  void heapify() {
    if (heap_.size() < 2) {
      return;
    }
    for (std::size_t i = (heap_.size() - 2) / kArity + 1; i-- > 0;) {
      Entry e = std::move(heap_[i]);
      sift_down(std::move(e), i);
    }
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

  // Places `e` at hole `i`, moving smaller children up.
  void sift_down(Entry e, std::size_t i) {
    const std::size_t n = heap_.size();
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

  std::vector<Entry> heap_;                  // the current bucket, a 4-ary min-heap
  std::vector<std::vector<Entry>> buckets_;  // later buckets, unsorted
  std::vector<Entry> overflow_;              // at or after the last bucket, unsorted
  std::size_t current_ = 0;                  // bucket whose events are in heap_
  double inverse_width_ = 0.0;
  std::size_t size_ = 0;
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

  /// Hints the cache that `owner`'s generation will be read soon. Precondition: owner known.
  void prefetch(std::uint32_t owner) const { __builtin_prefetch(&gen_[owner]); }

  /// Invalidates every pending event of `owner`; returns the new generation.
  std::uint32_t cancel_all(std::uint32_t owner) { return ++gen_[owner]; }

  [[nodiscard]] bool is_live(std::uint32_t owner, std::uint32_t generation) const {
    return gen_[owner] == generation;
  }

 private:
  std::vector<std::uint32_t> gen_;
};

}  // namespace parcours::core
