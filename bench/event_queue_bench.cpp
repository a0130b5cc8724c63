// The "hold" pattern: pop one event, push one later, with a steady number pending.
#include "engine/core/event_queue.hpp"

#include <benchmark/benchmark.h>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>

#include <cstdint>

namespace {

struct Payload {
  std::uint32_t id;
  std::uint32_t tag;
};

void BM_EventQueueHold(benchmark::State& state) {
  const auto pending = static_cast<std::uint32_t>(state.range(0));
  boost::random::mt19937_64 gen{42};
  boost::random::exponential_distribution<double> gap{1.0};
  parcours::core::EventQueue<Payload> queue;
  for (std::uint32_t i = 0; i < pending; ++i) {
    queue.push({gap(gen)}, 1, {i, 0});
  }
  for (auto _ : state) {
    auto [key, p] = queue.pop();
    queue.push({key.at.days + gap(gen)}, 1, p);
  }
  state.SetItemsProcessed(state.iterations());  // events per second
}

BENCHMARK(BM_EventQueueHold)->RangeMultiplier(8)->Range(1 << 10, 1 << 19);

}  // namespace

BENCHMARK_MAIN();
