#!/usr/bin/env bash
# Configures and builds hsoauth into build/ (Release; warnings are errors).
#   scripts/build.sh [BUILD_DIR] [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DHSOAUTH_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
