// One replication of model B1 (scenarios/bench/b1-national.toml) on one thread: events per
// second, and the process's peak resident memory as a counter.
#include "engine/io/scenario.hpp"
#include "engine/model/simulation.hpp"

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>

namespace {

void BM_B1Replication(benchmark::State& state) {
  const auto scenario =
      parcours::io::load_scenario(PARCOURS_SOURCE_DIR "/scenarios/bench/b1-national.toml");
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

BENCHMARK(BM_B1Replication)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
