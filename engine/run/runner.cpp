#include "engine/run/runner.hpp"

#include "engine/core/check.hpp"
#include "engine/model/simulation.hpp"

#include <omp.h>

#include <chrono>
#include <exception>

namespace parcours::run {

namespace {

// Bridges a replication's progress reports to the run's observer and cancel flag, and stops
// every replication as soon as one has failed.
class ReplicationMonitor final : public model::Monitor {
 public:
  ReplicationMonitor(const Options& options, const std::atomic<bool>& failed)
      : options_(options), failed_(failed) {}

  void on_progress(std::uint64_t new_events) override {
    if (options_.progress != nullptr) {
      options_.progress->on_events(new_events);
    }
  }

  [[nodiscard]] bool should_stop() const override {
    return failed_.load(std::memory_order_relaxed) ||
           (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed));
  }

 private:
  const Options& options_;
  const std::atomic<bool>& failed_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Results run(const model::Model& model, const funding::Scheme& funding, const Options& options) {
  PARCOURS_CHECK(options.replications >= 1, "at least one replication");
  const auto start = std::chrono::steady_clock::now();
  const int n = options.replications;
  Results results;
  results.spells = options.spells;
  results.replications.resize(static_cast<std::size_t>(n));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(n));
  std::atomic<bool> failed{false};
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();

  // Each iteration writes only its own slot; no exception leaves the parallel region.
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int r = 0; r < n; ++r) {
    const auto slot = static_cast<std::size_t>(r);
    try {
      ReplicationMonitor monitor(options, failed);
      if (monitor.should_stop()) {
        throw model::Cancelled();
      }
      const auto t0 = std::chrono::steady_clock::now();
      model::Simulation simulation(model, options.seed, static_cast<std::uint64_t>(r));
      simulation.set_monitor(&monitor);
      simulation.record_spells(options.spells);
      ReplicationResult& out = results.replications[slot];
      out.indicators = simulation.run();
      out.books = funding::keep_books(model, funding, out.indicators);
      out.wall_seconds = seconds_since(t0);
      if (options.progress != nullptr) {
        options.progress->on_replication_done();
      }
    } catch (...) {
      errors[slot] = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    }
  }

  // A real failure outranks the cancellations it caused in other replications.
  std::exception_ptr first_cancel;
  for (const auto& e : errors) {
    if (!e) {
      continue;
    }
    try {
      std::rethrow_exception(e);
    } catch (const model::Cancelled&) {
      if (!first_cancel) {
        first_cancel = e;
      }
    } catch (...) {
      throw;
    }
  }
  if (first_cancel) {
    throw Cancelled();
  }
  for (const auto& r : results.replications) {
    results.events += r.indicators.events;
  }
  results.wall_seconds = seconds_since(start);
  return results;
}

}  // namespace parcours::run
