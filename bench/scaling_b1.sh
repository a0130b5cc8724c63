#!/usr/bin/env bash
# Thread scaling of B1 on this host, whose timings drift: N interleaved rounds of
# 8 replications on 1 thread, the same on 2 threads, and two separate 1-thread processes of 4
# replications each (the machine's own ceiling). Prints each round and the mean speed-up.
# Usage: bash bench/scaling_b1.sh [ROUNDS]   (default 8; uses the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-8}
cmake --workflow --preset release >/dev/null
bin=build/release/engine/cli/parcours
scenario=scenarios/bench/b1-national.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wall() {  # parcours arguments; prints wall seconds
  /usr/bin/time -f "%e" -o "$tmp/time" "$bin" run "$scenario" --force "$@" >/dev/null
  cat "$tmp/time"
}
printf '%-6s %9s %9s %11s %8s %12s\n' round "1 thread" "2 threads" "2 processes" speed-up "processes"
for ((i = 1; i <= rounds; i++)); do
  one=$(wall --out "$tmp/a.h5" -n 8 -t 1)
  two=$(wall --out "$tmp/a.h5" -n 8 -t 2)
  start=$(date +%s.%N)
  "$bin" run "$scenario" --force --out "$tmp/b.h5" -n 4 -t 1 >/dev/null &
  "$bin" run "$scenario" --force --out "$tmp/c.h5" -n 4 -t 1 --seed 2 >/dev/null
  wait
  procs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  awk -v i="$i" -v one="$one" -v two="$two" -v procs="$procs" \
    'BEGIN { printf "%-6s %8.2fs %8.2fs %10.2fs %7.2fx %11.2fx\n", i, one, two, procs, one / two, one / procs }'
done | tee "$tmp/rounds"
awk '{ s += $5 + 0; n++ } END { printf "mean speed-up of 2 threads: %.2fx over %d rounds\n", s / n, n }' "$tmp/rounds"
