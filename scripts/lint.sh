#!/usr/bin/env bash
# Enforces .clang-format on the project's own C++ sources (generated code and build trees are not
# ours). With --tidy, also runs clang-tidy (.clang-tidy) over them using build/asan's
# compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h' | grep -v '^build/')
if [ ${#files[@]} -eq 0 ]; then exit 0; fi
clang-format --dry-run -Werror "${files[@]}"
echo "lint: clang-format clean (${#files[@]} files)"
if [ "${1:-}" = "--tidy" ]; then
  mapfile -t srcs < <(printf '%s\n' "${files[@]}" | grep '\.cc$' | grep -v '^tests/fuzz/')
  printf '%s\n' "${srcs[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p build/asan --quiet
  echo "lint: clang-tidy clean"
fi
