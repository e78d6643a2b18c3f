#!/usr/bin/env bash
# Enforces the project's style on its own C++ sources (generated code and build trees are not
# ours):
#   scripts/lint.sh          clang-format (.clang-format) — every file must be formatted
#   scripts/lint.sh --tidy   also clang-tidy (.clang-tidy) over every .cc, using build/asan's
#                            compile_commands.json. A file whose content and .clang-tidy are
#                            unchanged since it last passed is skipped (cache in
#                            ${XDG_CACHE_HOME:-~/.cache}/gatewayd-tidy), so CI re-checks only
#                            what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h' | grep -v '^build/')
if [ ${#files[@]} -eq 0 ]; then exit 0; fi
clang-format --dry-run -Werror "${files[@]}"
echo "lint: clang-format clean (${#files[@]} files)"
[ "${1:-}" = "--tidy" ] || exit 0

cache="${XDG_CACHE_HOME:-$HOME/.cache}/gatewayd-tidy"
mkdir -p "$cache"
cfg_hash=$(sha256sum .clang-tidy | cut -c1-16)
todo=()
for f in "${files[@]}"; do
  case "$f" in *.cc) ;; *) continue ;; esac
  key="$cfg_hash-$(sha256sum "$f" | cut -c1-40)"
  [ -f "$cache/$key" ] || todo+=("$f")
done
echo "lint: clang-tidy on ${#todo[@]} changed file(s)"
if [ ${#todo[@]} -gt 0 ]; then
  printf '%s\n' "${todo[@]}" | xargs -P "$(nproc)" -I{} sh -c \
    'out=$(clang-tidy -p build/asan --quiet "{}" 2>/dev/null) || { echo "$out"; exit 1; }
     if echo "$out" | grep -q "warning:\|error:"; then echo "$out"; exit 1; fi
     touch "'"$cache"'/'"$cfg_hash"'-$(sha256sum "{}" | cut -c1-40)"'
fi
echo "lint: clang-tidy clean"
