#!/usr/bin/env bash
# Sets up and runs every test: installs missing packages, builds (Release, warnings as errors)
# and runs the whole suite through ctest. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh test
./scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$(nproc)"
