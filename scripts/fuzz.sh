#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) into build-fuzz/ and runs each one for SECONDS
# (default 60) on a copy of its seed corpus tests/fuzz/corpus/<target>/, so the committed corpus
# does not grow. Exits non-zero when any target finds a crash, a leak, a timeout or a broken
# invariant; reproducers and logs stay in build-fuzz/fuzz-findings/<target>/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (TARGET: fuzz_form_decoder, fuzz_path_and_tokens, fuzz_request)
# Reproduce a finding: build-fuzz/tests/fuzz/<target> build-fuzz/fuzz-findings/<target>/crash-*
# Environment: CXX (default clang++-14), JOBS (default nproc), HSOAUTH_BUILD_LOCK (a file to flock
# around the build; default /tmp/hsoauth-build.lock).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
case $seconds in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_form_decoder fuzz_path_and_tokens fuzz_request)

build_dir=build-fuzz
export CXX=${CXX:-clang++-14}
lock=${HSOAUTH_BUILD_LOCK:-/tmp/hsoauth-build.lock}
locked() { if command -v flock >/dev/null; then flock "$lock" "$@"; else "$@"; fi; }

# ccache is picked up by CMakeLists.txt when installed.
started=$(date +%s)
cmake -S . -B "$build_dir" -DHSOAUTH_FUZZ=ON -DHSOAUTH_SANITIZE=address \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
locked cmake --build "$build_dir" --target "${targets[@]}" -j "${JOBS:-$(nproc)}"
echo "fuzz: built in $(($(date +%s) - started)) s"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

work=$(mktemp -d "${TMPDIR:-/tmp}/hsoauth-fuzz.XXXXXX")
# The targets' SQLite database: in memory when /dev/shm is there; removed even after a crash.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    db_dir=$(mktemp -d /dev/shm/hsoauth-fuzz.XXXXXX)
else
    db_dir=$work/db && mkdir -p "$db_dir"
fi
export HSOAUTH_FUZZ_DB_DIR=$db_dir
trap 'rm -rf "$work" "$db_dir"' EXIT
failed=()
for target in "${targets[@]}"; do
    binary=$build_dir/tests/fuzz/$target
    findings=$build_dir/fuzz-findings/$target
    rm -rf "$findings"
    mkdir -p "$findings" "$work/$target"
    cp -R "tests/fuzz/corpus/$target/." "$work/$target/"
    dict=()
    [ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
    echo "fuzz: $target for ${seconds} s"
    status=0
    "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -print_final_stats=1 \
        -artifact_prefix="$findings/" "${dict[@]}" "$work/$target" >"$findings/log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        echo "fuzz: $target FAILED (exit $status); log and reproducer in $findings/" >&2
        # The report, from the first invariant, sanitizer or libFuzzer banner on.
        first=$(grep -n -m1 -E '^(=== |==[0-9]+==|.*runtime error:|INFO: libFuzzer: |ALARM: )' "$findings/log" |
            cut -d: -f1 || true)
        if [ -n "$first" ]; then sed -n "${first},$((first + 60))p" "$findings/log" >&2; else tail -n 60 "$findings/log" >&2; fi
    else
        grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$findings/log" |
            sed "s/^/fuzz: $target: /" || true
        echo "fuzz: $target: corpus $(ls "$work/$target" | wc -l) inputs (seed $(ls "tests/fuzz/corpus/$target" | wc -l))"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: findings in: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: no findings ($((${#targets[@]})) target(s), ${seconds} s each)"
