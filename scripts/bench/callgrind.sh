#!/usr/bin/env bash
# Instructions per request of one server binary under callgrind, the figure that does not move
# with the VM's speed (docs/performance.md): a fresh database with 10,000 preloaded token pairs,
# the server under valgrind with one network thread, instrumentation switched on after a 2 s wrk
# warm-up and off after a fixed wrk run (16 connections), instructions divided by the requests
# answered in that run.
#   scripts/bench/callgrind.sh BINARY [SCENARIO...]   scenarios: S0 S1 S2 S5 S6 S7 (default: S0 S1 S2)
# Environment: HSOAUTH_BUILD_DIR (for tests/hsoauth_preload, default build), CALLGRIND_SECONDS
# (the measured run, default 10), CALLGRIND_KEEP (a directory: each scenario's profile is copied
# there as callgrind.SCENARIO, for callgrind_annotate, e.g. the inclusive calls of malloc).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=$(realpath "${1:?usage: scripts/bench/callgrind.sh BINARY [S0 S1 S2]}")
shift
scenarios=("${@:-S0 S1 S2}")
[ $# -eq 0 ] && scenarios=(S0 S1 S2)
build_dir=${HSOAUTH_BUILD_DIR:-$root/build}
seconds=${CALLGRIND_SECONDS:-10}
export BENCH_LUA_DIR=$root/scripts/bench
work=$(mktemp -d /tmp/hsoauth-callgrind-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

. "$root/scripts/bench/one_thread_server.sh"
start_one_thread_server "$work" "$build_dir" \
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" "$binary"

# Calls of malloc in a callgrind profile: the calls= lines that follow a call of it (names are
# compressed: "cfn=(7) malloc" the first time, "cfn=(7)" after).
mallocs_of() {
  awk '/^c?fn=\([0-9]+\) / { id = substr($1, index($1, "(")); names[id] = $2 }
       /^cfn=/ { id = substr($1, index($1, "(")); target = (names[id] == "malloc") }
       /^calls=/ { if (target) { split($1, c, "="); n += c[2] }; target = 0 }
       END { print n + 0 }' "$1"
}
requests_of() { grep '^{' | sed -n 's/.*"requests":\([0-9]*\).*/\1/p'; }
instructions() { callgrind_control --stat "$pid" 2>/dev/null | sed -n 's/.*Ir: *\([0-9,]*\).*/\1/p' | tr -d , | tail -n 1; }

for scenario in "${scenarios[@]}"; do
  case $scenario in
    S0) script=s0_healthz.lua ;;
    S1) script=s1_introspect.lua ;;
    S2) script=s2_refresh.lua ;;
    S5) script=s5_dated_introspect.lua ;;
    S6) script=s6_dated_refresh.lua ;;
    S7) script=s7_client_credentials.lua ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  wrk -t1 -c16 -d2s --timeout 10s -s "$BENCH_LUA_DIR/$script" "$url" >/dev/null
  callgrind_control --zero "$pid" >/dev/null
  callgrind_control --instr=on "$pid" >/dev/null
  requests=$(wrk -t1 -c16 -d"${seconds}s" --timeout 10s -s "$BENCH_LUA_DIR/$script" "$url" | requests_of)
  callgrind_control --instr=off "$pid" >/dev/null
  callgrind_control --dump="$scenario" "$pid" >/dev/null
  sleep 1
  file=$(ls -t "$work"/callgrind.out* | head -n 1)
  # A dump on demand writes "summary: 0" and the events in "totals:".
  total=$(awk '/^totals:/ {t = $2} /^summary:/ {s = $2} END {print (t > 0 ? t : s)}' "$file")
  echo "$scenario $(basename "$binary"): $requests requests, $total instructions, $(( total / (requests > 0 ? requests : 1) )) per request, $(mallocs_of "$file" | awk -v r="$requests" '{printf "%.1f", $1 / (r > 0 ? r : 1)}') mallocs per request"
  if [ -n "${CALLGRIND_KEEP:-}" ]; then
    mkdir -p "$CALLGRIND_KEEP"
    cp "$file" "$CALLGRIND_KEEP/callgrind.$scenario"
    echo "$requests" >"$CALLGRIND_KEEP/requests.$scenario"
  fi
done
