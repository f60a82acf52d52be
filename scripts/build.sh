#!/usr/bin/env bash
# Configures and builds hsoauth into build/ (Release; warnings are errors).
#   scripts/build.sh [BUILD_DIR] [--target NAME ...] [extra cmake -D options...]
# --target builds only NAME and what it needs (serve.sh builds only the server, `hsoauth`);
# without it, everything is built, the tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
targets=()
options=()
while [ $# -gt 0 ]; do
  case $1 in
    --target) targets+=(--target "${2:?--target needs a NAME}"); shift 2 ;;
    *) options+=("$1"); shift ;;
  esac
done
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DHSOAUTH_WERROR=ON "${options[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
