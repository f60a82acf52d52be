#!/usr/bin/env bash
# Builds and runs the tests under a sanitizer (RelWithDebInfo; ccache when installed).
#   scripts/sanitize.sh address   build-asan/: ASan + UBSan. Builds the server, the unit tests and
#                                 the e2e tests; runs the whole ctest suite.
#   scripts/sanitize.sh thread    build-tsan/: TSan. Builds the server, the unit tests and the e2e
#                                 tests labelled `concurrency`; runs those.
# Every sanitized process writes its reports to <build>/sanitizer-logs/ (the servers the e2e
# tests start included: their stderr goes to temporary logs that the tests remove). The script
# prints every report and exits non-zero when a test failed or any report was written.
# TSan suppressions (false positives only, each explained): scripts/tsan-suppressions.txt.
# Environment: CXX (default g++), JOBS (default nproc),
# BUILD_TYPE (default RelWithDebInfo), HSOAUTH_BUILD_LOCK (default /tmp/hsoauth-build.lock).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case $mode in
    address) build_dir=build-asan ;;
    thread) build_dir=build-tsan ;;
    *) echo "usage: scripts/sanitize.sh address|thread" >&2; exit 2 ;;
esac
# g++ by default: clang 14 cannot compile the e2e harness against libstdc++ 12 (std::source_location).
export CXX=${CXX:-g++}
jobs=${JOBS:-$(nproc)}
lock=${HSOAUTH_BUILD_LOCK:-/tmp/hsoauth-build.lock}
locked() { if command -v flock >/dev/null; then flock "$lock" "$@"; else "$@"; fi; }

started=$(date +%s)
cmake -S . -B "$build_dir" -DHSOAUTH_SANITIZE="$mode" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null

if [ "$mode" = address ]; then
    locked cmake --build "$build_dir" -j "$jobs"
    selection=()
else
    # The e2e binaries are named after their tests (e2e_<area>).
    mapfile -t concurrency < <(ctest --test-dir "$build_dir" -N -L concurrency | sed -n 's/^ *Test *#[0-9]*: *//p')
    [ ${#concurrency[@]} -gt 0 ] || echo "sanitize: no test is labelled 'concurrency'; running the unit tests only" >&2
    locked cmake --build "$build_dir" -j "$jobs" --target hsoauth hsoauth_unit_tests "${concurrency[@]}"
    regex="^(unit$(printf '|%s' "${concurrency[@]}"))\$"
    selection=(-R "$regex")
fi
echo "sanitize: built $build_dir in $(($(date +%s) - started)) s"

logs=$PWD/$build_dir/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$logs/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$logs/tsan:suppressions=$PWD/scripts/tsan-suppressions.txt"

started=$(date +%s)
status=0
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" "${selection[@]}" || status=$?
echo "sanitize: ctest took $(($(date +%s) - started)) s"

reports=("$logs"/*)
if [ -e "${reports[0]}" ]; then
    for report in "${reports[@]}"; do
        echo "=== sanitizer report $report"
        cat "$report"
    done
    echo "sanitize: ${#reports[@]} sanitizer report(s) in $logs" >&2
    status=1
fi
[ "$status" -eq 0 ] && echo "sanitize: $mode: all tests passed, no sanitizer report"
exit "$status"
