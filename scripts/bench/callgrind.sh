#!/usr/bin/env bash
# Instructions per request of one server binary under callgrind, the figure that does not move
# with the VM's speed (docs/performance.md): a fresh database with 10,000 preloaded token pairs,
# the server under valgrind with one network thread, instrumentation switched on after a 2 s wrk
# warm-up and off after a fixed wrk run (16 connections), instructions divided by the requests
# answered in that run.
#   scripts/bench/callgrind.sh BINARY [SCENARIO...]
#     scenarios: S0 S1 S2 S5 S6 S7, G1 G3 (the gateway), G2 (default: S0 S1 S2)
# G1 and G3 start the echo stub upstream (tests/support/echo-upstream.mjs, node, outside valgrind)
# and run the server with it as gateway_upstream and gateway_rate_limit at 1,000,000, as bench.sh
# does. G2 is G1's requests through nginx proxy_pass to the same stub, nginx (one process,
# master_process off) under callgrind in the same way: the instruction count to hold G1 against.
# Under valgrind the server answers some 1,600 requests a second, so the warm-up reads each of
# 10,000 tokens less than once: S1, S5 and G3 then count reads, not the access-token cache's hits
# (a token is kept from its second read). PROFILE_TOKENS=1000 counts the hits.
# Environment: PROFILE_TOKENS (tokens preloaded, default 10000), HSOAUTH_BUILD_DIR (for
# tests/hsoauth_preload, default build), CALLGRIND_SECONDS
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
# shellcheck source=nginx_proxy_conf.sh
source "$root/scripts/bench/nginx_proxy_conf.sh"
work=$(mktemp -d /tmp/hsoauth-callgrind-XXXXXX)
pid=
stub_pid=
nginx_pid=
stop() { [ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null; return 0; }
cleanup() { stop "$pid"; stop "$nginx_pid"; stop "$stub_pid"; rm -rf "$work"; }
trap cleanup EXIT

# The echo stub, when a gateway scenario is asked for.
gateway_args=()
stub_url=
if [[ " ${scenarios[*]} " == *" G"* ]]; then
  node "$root/tests/support/echo-upstream.mjs" 0 >"$work/stub.out" 2>&1 &
  stub_pid=$!
  for _ in $(seq 100); do grep -q '^listening on' "$work/stub.out" && break; sleep 0.1; done
  stub_url=$(sed -n 's/^listening on //p' "$work/stub.out")
  [ -n "$stub_url" ] || { cat "$work/stub.out"; exit 1; }
  gateway_args=(--gateway-upstream "$stub_url" --gateway-rate-limit 1000000)
fi

. "$root/scripts/bench/one_thread_server.sh"
server_extra_args=("${gateway_args[@]}")
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

# nginx proxy_pass to the stub under callgrind (G2): one process, kept-alive upstream connections.
nginx_url=
start_nginx() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$work/nginx"
  nginx_proxy_conf "$work/nginx" "$port" "$stub_url" off
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/nginx.callgrind.out" \
    "$(command -v nginx || echo /usr/sbin/nginx)" -c "$work/nginx/nginx.conf" -p "$work/nginx" \
    2>"$work/nginx/valgrind.log" &
  nginx_pid=$!
  nginx_url=http://127.0.0.1:$port
  for _ in $(seq 600); do curl -s -o /dev/null "$nginx_url/" && break; sleep 0.1; done
}

requests_of() { grep '^{' | sed -n 's/.*"requests":\([0-9]*\).*/\1/p'; }
# measure SCENARIO SCRIPT PID URL OUT_PREFIX LABEL: warm-up, then the counted run of PID.
measure() {
  local scenario=$1 script=$2 target=$3 base=$4 prefix=$5 label=$6 requests file total
  wrk -t1 -c16 -d2s --timeout 10s -s "$BENCH_LUA_DIR/$script" "$base" >/dev/null
  callgrind_control --zero "$target" >/dev/null
  callgrind_control --instr=on "$target" >/dev/null
  requests=$(wrk -t1 -c16 -d"${seconds}s" --timeout 10s -s "$BENCH_LUA_DIR/$script" "$base" | requests_of)
  callgrind_control --instr=off "$target" >/dev/null
  callgrind_control --dump="$scenario" "$target" >/dev/null
  sleep 1
  file=$(ls -t "$prefix"* | head -n 1)
  # A dump on demand writes "summary: 0" and the events in "totals:".
  total=$(awk '/^totals:/ {t = $2} /^summary:/ {s = $2} END {print (t > 0 ? t : s)}' "$file")
  echo "$scenario $label: $requests requests, $total instructions, $(( total / (requests > 0 ? requests : 1) )) per request, $(mallocs_of "$file" | awk -v r="$requests" '{printf "%.1f", $1 / (r > 0 ? r : 1)}') mallocs per request"
  if [ -n "${CALLGRIND_KEEP:-}" ]; then
    mkdir -p "$CALLGRIND_KEEP"
    cp "$file" "$CALLGRIND_KEEP/callgrind.$scenario"
    echo "$requests" >"$CALLGRIND_KEEP/requests.$scenario"
  fi
}

instructions() { callgrind_control --stat "$pid" 2>/dev/null | sed -n 's/.*Ir: *\([0-9,]*\).*/\1/p' | tr -d , | tail -n 1; }

for scenario in "${scenarios[@]}"; do
  if [ "$scenario" = G2 ]; then
    [ -n "$nginx_url" ] || start_nginx
    measure G2 g1_gateway_proxy.lua "$nginx_pid" "$nginx_url" "$work/nginx.callgrind.out" nginx
    continue
  fi
  script=$(scenario_script "$scenario")
  [ -n "$script" ] || { echo "unknown scenario $scenario" >&2; exit 2; }
  measure "$scenario" "$script" "$pid" "$url" "$work/callgrind.out" "$(basename "$binary")"
done
