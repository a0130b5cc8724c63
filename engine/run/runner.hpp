// Runs the replications of a scenario, in parallel over replications with OpenMP, and returns
// their results in replication order, so output never depends on the number of threads.
#pragma once

#include "engine/funding/books.hpp"
#include "engine/model/indicators.hpp"
#include "engine/model/params.hpp"

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace parcours::run {

/// Told of progress from worker threads. Implementations must be thread-safe.
class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  virtual void on_events(std::uint64_t events) = 0;  // called every few 10^5 events
  virtual void on_replication_done() = 0;
};

struct Options {
  std::uint64_t seed = 1;
  int replications = 1;
  int threads = 1;                            // 0: OpenMP's default
  const std::atomic<bool>* cancel = nullptr;  // set to stop early; run() then throws Cancelled
  ProgressObserver* progress = nullptr;
  bool spells = false;  // record each child's spells (Indicators::spells)
};

struct ReplicationResult {
  model::Indicators indicators;
  funding::Books books;  // who paid each unit how much (funding::keep_books of the indicators)
  double wall_seconds = 0.0;
};

struct Results {
  std::vector<ReplicationResult> replications;  // index = replication number
  double wall_seconds = 0.0;
  std::uint64_t events = 0;
  bool spells = false;  // the run recorded spells (Options::spells), even if there are none
};

/// Thrown by run() when Options::cancel was set before every replication finished.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("run interrupted") {}
};

/// Runs replications 0..N-1 of `model`, and keeps each one's books under `funding`, on
/// `options.threads` OpenMP threads. Replication r draws only from streams keyed by (seed, r):
/// results are bit-identical whatever the number of threads. An exception in a replication
/// stops the others and is rethrown here (the first in replication order).
[[nodiscard]] Results run(const model::Model& model, const funding::Scheme& funding,
                          const Options& options);

}  // namespace parcours::run
