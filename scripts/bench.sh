#!/usr/bin/env bash
# Measures hsoauth under wrk on this machine and prints a table (and .bench/results.json).
#   scripts/bench.sh [--smoke] [--scale N] [--peers] [--duration S] [--connections C]
# Scenarios, each against a fresh Release server with synchronous=FULL and preloaded tokens:
#   S0 GET /healthz                          the ceiling of our own HTTP stack, same run
#   S1 GET /oauth/v1/access-tokens/{token}   introspection over 10,000 tokens
#   S2 POST /oauth/v1/token refresh_token    refresh grant over 10,000 tokens
#   S3 mint a code + exchange it             full code flows per second
#   S4 DELETE /oauth/v1/refresh-tokens/{t}   revocation with cascade
# Columns: requests/s, p50 and p99 latency, non-2xx and socket errors (both must be 0), server
# CPU time per request (utime+stime of the server from /proc over the scenario / requests), and
# server RSS. --smoke runs 1 s per scenario and only checks for zero errors (the test suite runs
# it). --scale N preloads N tokens and repeats S0, S1 and S2. --peers (panva's oidc-provider side
# by side) is planned, not built. No figure here is asserted by any test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

duration=10
connections=64
tokens=10000
scale=0
smoke=0
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) smoke=1; duration=1; tokens=1000 ;;
    --scale) scale=$2; shift ;;
    --peers) echo "bench: --peers (the oidc-provider comparison) is not built yet" >&2; exit 2 ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

command -v wrk >/dev/null || ./scripts/deps.sh test
# HSOAUTH_BUILD_DIR: an existing build to measure (ctest sets it); otherwise build/ is (re)built.
build_dir=${HSOAUTH_BUILD_DIR:-$root/build}
[ -n "${HSOAUTH_BUILD_DIR:-}" ] || ./scripts/build.sh build >/dev/null

work=${HSOAUTH_BENCH_DIR:-$root/.bench}
rm -rf "$work" && mkdir -p "$work"
export BENCH_LUA_DIR=$root/scripts/bench
export BENCH_ADMIN_KEY=bench-admin-key
clk_tck=$(getconf CLK_TCK)
results=()
failures=0

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# start_server DB_DIR: starts hsoauth on a free port; sets server_pid and base_url.
start_server() {
  local dir=$1
  "$build_dir/hsoauth" serve --listen 127.0.0.1:0 --db "$dir/bench.db" --admin-key "$BENCH_ADMIN_KEY" \
    --synchronous FULL --cleanup-interval-s 0 >"$dir/server.out" 2>"$dir/server.log" &
  server_pid=$!
  for _ in $(seq 1 200); do
    grep -q "listening on" "$dir/server.out" 2>/dev/null && break
    sleep 0.05
  done
  base_url=$(sed -n 's/^listening on //p' "$dir/server.out")
  [ -n "$base_url" ] || { echo "server did not start" >&2; cat "$dir/server.log" >&2; exit 1; }
}

stop_server() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }

# run_scenario NAME LUA_SCRIPT TOKENS_DIR: one wrk run; appends a JSON object to results.
run_scenario() {
  local name=$1 script=$2
  export BENCH_TOKENS_DIR=$3
  local before after out
  before=$(cpu_ticks "$server_pid")
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --timeout 5s -s "$BENCH_LUA_DIR/$script" "$base_url" | grep '^{')
  after=$(cpu_ticks "$server_pid")
  local rss; rss=$(rss_kb "$server_pid")
  local line
  line=$(echo "$out" | awk -v name="$name" -v ticks=$((after - before)) -v hz="$clk_tck" -v rss="$rss" '
    {
      match($0, /"requests":[0-9]+/); req = substr($0, RSTART + 11, RLENGTH - 11)
      match($0, /"duration_us":[0-9]+/); dur = substr($0, RSTART + 14, RLENGTH - 14)
      match($0, /"non2xx":[0-9]+/); bad = substr($0, RSTART + 9, RLENGTH - 9)
      match($0, /"socket_errors":[0-9]+/); sock = substr($0, RSTART + 16, RLENGTH - 16)
      match($0, /"p50_us":[0-9]+/); p50 = substr($0, RSTART + 9, RLENGTH - 9)
      match($0, /"p99_us":[0-9]+/); p99 = substr($0, RSTART + 9, RLENGTH - 9)
      match($0, /"extra":[0-9]+/); extra = substr($0, RSTART + 8, RLENGTH - 8)
      rps = req / (dur / 1e6)
      cpu = req > 0 ? ticks / hz * 1e6 / req : 0
      printf "{\"scenario\":\"%s\",\"requests_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"non2xx\":%d,\"socket_errors\":%d,\"cpu_us_per_request\":%.1f,\"rss_mb\":%.1f,\"flows_per_s\":%.0f}",
        name, rps, p50 / 1000, p99 / 1000, bad, sock, cpu, rss / 1024, extra / (dur / 1e6)
    }')
  results+=("$line")
  if echo "$line" | grep -qv '"non2xx":0,"socket_errors":0'; then
    echo "  $name had errors: $line" >&2
    failures=$((failures + 1))
  fi
}

field() { echo "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }

# bench_set LABEL TOKENS REVOCABLE SCENARIOS...
bench_set() {
  local label=$1 count=$2 revocable=$3; shift 3
  local dir=$work/$label
  mkdir -p "$dir"
  echo "preloading $count tokens (+$revocable revocable) for $label ..." >&2
  "$build_dir/tests/hsoauth_preload" --db "$dir/bench.db" --tokens "$count" --revocable "$revocable" \
    --out-dir "$dir" >/dev/null
  start_server "$dir"
  for scenario in "$@"; do
    case $scenario in
      S0) run_scenario "$label/S0 healthz" s0_healthz.lua "$dir" ;;
      S1) run_scenario "$label/S1 introspect" s1_introspect.lua "$dir" ;;
      S2) run_scenario "$label/S2 refresh" s2_refresh.lua "$dir" ;;
      S3) run_scenario "$label/S3 code flow" s3_code_flow.lua "$dir" ;;
      S4) run_scenario "$label/S4 revoke" s4_revoke.lua "$dir" ;;
    esac
  done
  stop_server
  # Start-up on the existing database: spawn to the first 200 on /healthz.
  local t0 t1
  t0=$(date +%s%N)
  start_server "$dir"
  until curl -sf "$base_url/healthz" >/dev/null; do sleep 0.002; done
  t1=$(date +%s%N)
  startup_ms=$(( (t1 - t0) / 1000000 ))
  idle_rss_mb=$(awk -v kb="$(rss_kb "$server_pid")" 'BEGIN {printf "%.1f", kb / 1024}')
  stop_server
  local db_bytes
  db_bytes=$(du -cb "$dir"/bench.db* | awk 'END {print $1}')
  bytes_per_token=$(awk -v b="$db_bytes" -v n="$((count + revocable))" 'BEGIN {printf "%.0f", b / n}')
  results+=("{\"scenario\":\"$label/startup\",\"startup_ms\":$startup_ms,\"idle_rss_mb\":$idle_rss_mb,\"db_bytes_per_token\":$bytes_per_token}")
}

revocable=$(( smoke == 1 ? 60000 : 400000 ))
bench_set "main" "$tokens" "$revocable" S0 S1 S2 S3 S4
if [ "$scale" -gt 0 ]; then bench_set "scale-$scale" "$scale" 0 S0 S1 S2; fi

# Table
printf '\nhsoauth bench: wrk -t1 -c%s -d%ss, synchronous=FULL, %s cores (%s)\n' "$connections" "$duration" \
  "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-26s %10s %9s %9s %7s %7s %10s %8s\n' scenario "req/s" "p50 ms" "p99 ms" non2xx sockerr "cpu us/req" "rss MB"
for r in "${results[@]}"; do
  name=$(field "$r" scenario)
  if [ -n "$(field "$r" requests_per_s)" ]; then
    rps=$(field "$r" requests_per_s)
    flows=$(field "$r" flows_per_s)
    [ "$flows" != "0" ] && [ -n "$flows" ] && rps="$rps ($flows flows/s)"
    printf '%-26s %10s %9s %9s %7s %7s %10s %8s\n' "$name" "$rps" "$(field "$r" p50_ms)" "$(field "$r" p99_ms)" \
      "$(field "$r" non2xx)" "$(field "$r" socket_errors)" "$(field "$r" cpu_us_per_request)" "$(field "$r" rss_mb)"
  else
    printf '%-26s start-up %s ms, idle RSS %s MB, database %s bytes per token\n' "$name" \
      "$(field "$r" startup_ms)" "$(field "$r" idle_rss_mb)" "$(field "$r" db_bytes_per_token)"
  fi
done
ratio() {  # ratio LABEL A B
  local a b
  a=$(for r in "${results[@]}"; do [ "$(field "$r" scenario)" = "$2" ] && field "$r" requests_per_s; done)
  b=$(for r in "${results[@]}"; do [ "$(field "$r" scenario)" = "$3" ] && field "$r" requests_per_s; done)
  [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v l="$1" 'BEGIN {printf "%s = %.2f\n", l, a / b}'
}
echo
ratio "S1/S0" "main/S1 introspect" "main/S0 healthz" || true
ratio "S2/S0" "main/S2 refresh" "main/S0 healthz" || true
if [ "$scale" -gt 0 ]; then
  ratio "S1 at $scale / S1 at 10k" "scale-$scale/S1 introspect" "main/S1 introspect" || true
  ratio "S2 at $scale / S2 at 10k" "scale-$scale/S2 refresh" "main/S2 refresh" || true
fi

{ printf '['; printf '%s' "${results[0]}"; for r in "${results[@]:1}"; do printf ',\n%s' "$r"; done; printf ']\n'; } \
  >"$work/results.json"
echo "results: $work/results.json"
if [ "$failures" -gt 0 ]; then
  echo "bench: $failures scenario(s) had non-2xx responses or socket errors" >&2
  exit 1
fi
