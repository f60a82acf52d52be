#!/usr/bin/env bash
# System calls per request of one server binary: the server (one network thread) on a fresh
# database with 10,000 preloaded token pairs, warmed up by a 2 s wrk run, then `strace -f -c`
# attached for a fixed wrk run (16 connections); each call's count divided by the requests
# answered in that run. strace slows the server several times over: the counts per request are
# the figure, never the rate.
#   scripts/bench/syscalls.sh BINARY [SCENARIO]   scenario: S0 S1 S2 S5 (default S2)
# Environment: HSOAUTH_BUILD_DIR (for tests/hsoauth_preload, default build), SYSCALL_SECONDS
# (the measured run, default 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${SYSCALL_SECONDS:-5}
# shellcheck source=one_thread_server.sh
. "$root/scripts/bench/one_thread_server.sh"
profiler_start "$root" "S0 S1 S2 S5" "$@"

start_one_thread_server "$work" "$build_dir" "$binary"

wrk -t1 -c16 -d2s --timeout 10s -s "$BENCH_LUA_DIR/$script" "$url" >/dev/null
strace -f -c -o "$work/strace.txt" -p "$pid" 2>/dev/null &
tracer=$!
sleep 1  # strace attaches to every thread
requests=$(wrk -t1 -c16 -d"${seconds}s" --timeout 10s -s "$BENCH_LUA_DIR/$script" "$url" |
  grep '^{' | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
kill -INT "$tracer"
wait "$tracer" 2>/dev/null || true
tracer=
echo "$scenario $(basename "$binary"): $requests requests; system calls per request:"
# strace -c's table: % time, seconds, usecs/call, calls, errors, syscall.
awk -v r="$requests" '$4 ~ /^[0-9]+$/ && $NF ~ /^[a-z_0-9]+$/ && $NF != "total" {
    printf "  %-16s %8.2f\n", $NF, $4 / (r > 0 ? r : 1); total += $4 }
  END { printf "  %-16s %8.2f\n", "all", total / (r > 0 ? r : 1) }' "$work/strace.txt"
