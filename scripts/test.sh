#!/usr/bin/env bash
# Installs what is missing, builds the `ci` preset (Debug, address + undefined sanitizers,
# warnings as errors, ccache), checks formatting and runs the whole test suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Formatting is part of the build: any diff from .clang-format fails here.
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake --workflow --preset ci
