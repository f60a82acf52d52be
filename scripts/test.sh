#!/usr/bin/env bash
# Sets up and runs every test; exits non-zero on any failure.
#   ./scripts/test.sh           the whole suite, as CI runs it
#   ./scripts/test.sh --quick   only the Release build's ctest suite (no sanitizers, no fuzzing)
#   ./scripts/test.sh --long    also the long variants (500 crash kills, 60 s more fuzzing)
# Stages: missing Debian packages; Release build (warnings are errors) and its ctest suite (unit,
# end-to-end, browser, README walk-through, bench --smoke, crash driver); the suite again under
# ASan+UBSan; the concurrency tests under TSan; each libFuzzer target for 60 s under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
long=0
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    --long) long=1 ;;
    *) echo "usage: $0 [--quick] [--long]" >&2; exit 2 ;;
  esac
done
if [ "$long" = 1 ]; then
  export HSOAUTH_CRASH_KILLS=${HSOAUTH_CRASH_KILLS:-500}
fi

stage() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }
started=$(date +%s)

stage "dependencies"
./scripts/deps.sh test

stage "Release build and suite"
./scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$(nproc)"

if [ "$quick" = 0 ]; then
  stage "ASan+UBSan build and suite"
  ./scripts/sanitize.sh address
  stage "TSan: concurrency tests"
  ./scripts/sanitize.sh thread
  stage "fuzzing under ASan+UBSan"
  ./scripts/fuzz.sh $([ "$long" = 1 ] && echo 120 || echo 60)
fi

stage "done in $(( $(date +%s) - started )) s"
