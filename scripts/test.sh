#!/usr/bin/env bash
# Installs what is missing, builds the `ci` preset (Debug, address + undefined sanitizers,
# warnings as errors, ccache) and runs the whole test suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake --workflow --preset ci
