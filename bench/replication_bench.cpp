// One replication of a reference scenario on one thread: events per second, and the process's
// peak resident memory as a counter. B1 (scenarios/bench/b1-national.toml) is the fixed
// yardstick; the France baseline (scenarios/france/baseline.toml) is the model users run.
// Run one with --benchmark_filter=b1 or --benchmark_filter=france.
#include "engine/io/scenario.hpp"
#include "engine/model/simulation.hpp"

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>

namespace {

void BM_Replication(benchmark::State& state, const char* scenario_path) {
  const auto scenario = parcours::io::load_scenario(scenario_path);
  std::uint64_t replication = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    parcours::model::Simulation simulation(scenario.model, scenario.seed, replication++);
    const auto indicators = simulation.run();
    events += indicators.events;
    benchmark::DoNotOptimize(indicators.occupied_place_days.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));  // events per second
  state.counters["events"] = static_cast<double>(events) / static_cast<double>(state.iterations());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_MB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}

BENCHMARK_CAPTURE(BM_Replication, b1, PARCOURS_SOURCE_DIR "/scenarios/bench/b1-national.toml")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(BM_Replication, france, PARCOURS_SOURCE_DIR "/scenarios/france/baseline.toml")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
