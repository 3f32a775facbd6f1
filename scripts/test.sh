#!/usr/bin/env bash
# Sets up, builds and runs every test: the command behind the README's quick start and CI.
#
#   scripts/test.sh           release preset (build/release)
#   scripts/test.sh debug     debug preset (build/debug)
#   scripts/test.sh asan      AddressSanitizer + UndefinedBehaviorSanitizer (build/asan)
#
# EMBER_BUILD_DIR=<dir> builds and tests in <dir> instead of the preset's folder (to check
# a working tree without touching its build/); EMBER_BUILD_LOCK=<file> holds flock(1) on
# <file> while configuring and building (for machines where several people build at once).
# With CI=true warnings are errors (CMakeLists.txt). Exits non-zero on the first failing
# step; ctest prints its summary line.
set -euo pipefail

preset="${1:-release}"
case "$preset" in
  release | debug | asan) ;;
  *) echo "usage: $0 [release|debug|asan]" >&2; exit 2 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh

jobs="$(nproc)"
locked=()
[[ -n "${EMBER_BUILD_LOCK:-}" ]] && locked=(flock "$EMBER_BUILD_LOCK")
if [[ -n "${EMBER_BUILD_DIR:-}" ]]; then
  "${locked[@]}" cmake --preset "$preset" -B "$EMBER_BUILD_DIR"
  "${locked[@]}" cmake --build "$EMBER_BUILD_DIR" --parallel "$jobs"
  ctest --test-dir "$EMBER_BUILD_DIR" --output-on-failure --parallel "$jobs"
else
  "${locked[@]}" cmake --preset "$preset"
  "${locked[@]}" cmake --build --preset "$preset" --parallel "$jobs"
  ctest --preset "$preset" --parallel "$jobs"
fi
