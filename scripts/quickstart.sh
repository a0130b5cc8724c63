#!/usr/bin/env bash
# Quick start: installs what is missing, builds Parcours in Release and runs the default
# scenario, the France baseline, writing out/france-baseline.h5 and printing a summary table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
mkdir -p build
cmake --workflow --preset release >build/release.log 2>&1 || { cat build/release.log >&2; exit 1; }
mkdir -p out
# --force: the quick start is meant to be re-run; real runs should name a new file instead.
build/release/engine/cli/parcours run scenarios/france/baseline.toml --out out/france-baseline.h5 --force
