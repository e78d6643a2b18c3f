#!/usr/bin/env bash
# Configures and builds one preset (default: release). Usage: scripts/build.sh [debug|release|asan] [targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
# ccache: share hits between clones of the repo (CI builds a fresh clone on the same machine).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=pch_defines,time_macros
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" >/dev/null
fi
jobs="${GW_BUILD_JOBS:-$(nproc)}"
if [ $# -gt 0 ]; then
  cmake --build "build/$preset" -j "$jobs" --target "$@"
else
  cmake --build "build/$preset" -j "$jobs"
fi
