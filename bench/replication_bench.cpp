// One replication of a reference scenario on one thread: events per second, and the process's
// peak resident memory as a counter. B1 (scenarios/bench/b1-national.toml) is the fixed
// yardstick; the France baseline (scenarios/france/baseline.toml) is the model users run.
// Run one with --benchmark_filter=b1 or --benchmark_filter=france. The `books` cases also keep
// the replication's books (funding::keep_books) under the scenario's rules: their time over the
// plain case's is what funding costs (issue 4's budget: 1.3x); policies/capitation.toml has all
// three rules (daily price, global allocation, capitation) at once.
#include "engine/funding/books.hpp"
#include "engine/io/scenario.hpp"
#include "engine/model/simulation.hpp"

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>

namespace {

void BM_Replication(benchmark::State& state, const char* scenario_path, bool books) {
  const auto scenario = parcours::io::load_scenario(scenario_path);
  std::uint64_t replication = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    parcours::model::Simulation simulation(scenario.model, scenario.seed, replication++);
    const auto indicators = simulation.run();
    events += indicators.events;
    benchmark::DoNotOptimize(indicators.occupied_place_days.data());
    if (books) {
      const auto kept = parcours::funding::keep_books(scenario.model, scenario.funding, indicators);
      benchmark::DoNotOptimize(kept.revenue.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));  // events per second
  state.counters["events"] = static_cast<double>(events) / static_cast<double>(state.iterations());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_MB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}

BENCHMARK_CAPTURE(BM_Replication, b1, PARCOURS_SOURCE_DIR "/scenarios/bench/b1-national.toml",
                  false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(BM_Replication, france, PARCOURS_SOURCE_DIR "/scenarios/france/baseline.toml",
                  false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_Replication, france_books,
                  PARCOURS_SOURCE_DIR "/scenarios/france/baseline.toml", true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_Replication, france_all_rules_books,
                  PARCOURS_SOURCE_DIR "/scenarios/policies/capitation.toml", true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
