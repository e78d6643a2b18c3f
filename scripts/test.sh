#!/usr/bin/env bash
# Installs what is needed, checks formatting, builds with ASan+UBSan and libFuzzer (preset `asan`),
# runs clang-tidy (cached per file), and runs every test: unit, integration, e2e and the fuzzers over their seed corpora.
# Usage: scripts/test.sh [ctest args...]   e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/lint.sh
./scripts/build.sh asan
./scripts/lint.sh --tidy   # needs build/asan's compile commands and generated headers
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export GW_SHARED_DIR="${GW_SHARED_DIR:-$(cd .. && pwd)/shared}"
ctest --preset asan -j "$(nproc)" "$@"
