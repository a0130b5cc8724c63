#!/usr/bin/env bash
# CLI timing of model B1 with the release build: one replication on one thread (wall time,
# peak memory), then 8 replications on 1 and on 2 threads. Usage: bash bench/time_b1.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --workflow --preset release >/dev/null
bin=build/release/engine/cli/parcours
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
measure() {  # label, then parcours arguments
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" run scenarios/bench/b1-national.toml \
    --out "$tmp/out.h5" --force "$@" >"$tmp/stdout"
  read -r wall rss <"$tmp/time"
  events=$(grep -o '^[0-9]* events' "$tmp/stdout" | cut -d' ' -f1)
  printf '%-34s wall %6.2f s  peak RSS %5.0f MB  events %s\n' "$label" "$wall" "$((rss / 1024))" "$events"
}
measure "1 replication, 1 thread" --replications 1 --threads 1
measure "8 replications, 1 thread" --replications 8 --threads 1
measure "8 replications, 2 threads" --replications 8 --threads 2
