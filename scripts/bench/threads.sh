#!/usr/bin/env bash
# Where one server binary's CPU goes, thread by thread: the server (one network thread) on a fresh
# database with 10,000 preloaded token pairs, warmed up by a 2 s wrk run, then a fixed wrk run at
# 64 connections; for each thread (its name: hsoauth for the network thread, hs-writer,
# hs-wal-sync, hs-log, …) the CPU time (utime+stime from /proc/PID/task) and the voluntary and
# involuntary context switches over the run, per request answered. Real CPU, unlike callgrind's
# instructions, so it moves with the VM's speed: compare two binaries run by run, alternating.
#   scripts/bench/threads.sh BINARY [SCENARIO]   scenario: S0 S1 S2 S5 S6 S7 (default S2)
# Environment: HSOAUTH_BUILD_DIR (for tests/hsoauth_preload, default build), THREADS_SECONDS
# (the measured run, default 6).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${THREADS_SECONDS:-6}
# shellcheck source=one_thread_server.sh
. "$root/scripts/bench/one_thread_server.sh"
profiler_start "$root" "S0 S1 S2 S5 S6 S7" "$@"

start_one_thread_server "$work" "$build_dir" "$binary"

# One line per thread: id, name, CPU ticks, voluntary and involuntary switches.
threads_now() {
  local task
  for task in "/proc/$pid/task/"*; do
    printf '%s %s %s %s\n' "${task##*/}" "$(tr ' ' _ <"$task/comm")" "$(awk '{print $14 + $15}' "$task/stat")" \
      "$(awk '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {n = $2} END {print v, n}' "$task/status")"
  done | sort
}

wrk -t1 -c64 -d2s --timeout 10s -s "$BENCH_LUA_DIR/$script" "$url" >/dev/null
threads_now >"$work/before"
requests=$(wrk -t1 -c64 -d"${seconds}s" --timeout 10s -s "$BENCH_LUA_DIR/$script" "$url" |
  grep '^{' | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
threads_now >"$work/after"
echo "$scenario $(basename "$binary"): $requests requests; per request, by thread:"
printf '  %-14s %8s %12s %12s\n' thread "CPU µs" "vol. /1k" "invol. /1k"
join "$work/before" "$work/after" | awk -v r="$requests" -v hz="$(getconf CLK_TCK)" '{
    r = r > 0 ? r : 1
    printf "  %-14s %8.2f %12.1f %12.1f\n", $2, ($7 - $3) / hz * 1e6 / r, ($8 - $4) * 1000 / r, ($9 - $5) * 1000 / r
    cpu += $7 - $3 }
  END { printf "  %-14s %8.2f\n", "all", cpu / hz * 1e6 / (r > 0 ? r : 1) }'
