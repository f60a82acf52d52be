# shellcheck shell=bash
# Sourced by the per-request profilers (callgrind.sh, syscalls.sh, threads.sh): preloads a fresh
# database with $PROFILE_TOKENS token pairs (10,000 unless set) into WORK and starts the server on
# it with one network thread, as the command given (BINARY, or a wrapper such as valgrind followed
# by BINARY) runs it. Sets `pid`
# (the command's process) and `url`; exports BENCH_TOKENS_DIR for the Lua scenarios. The array
# `server_extra_args`, when set, is added to the server's flags (the gateway's upstream, say).
#   start_one_thread_server WORK BUILD_DIR COMMAND...
start_one_thread_server() {
  local work=$1 build_dir=$2
  shift 2
  "$build_dir/tests/hsoauth_preload" --db "$work/bench.db" --tokens "${PROFILE_TOKENS:-10000}" --revocable 0 --out-dir "$work" >/dev/null
  export BENCH_TOKENS_DIR=$work
  "$@" serve --listen 127.0.0.1:0 --db "$work/bench.db" --admin-key profile-admin-key-0123 \
    --synchronous FULL --cleanup-interval-s 0 --threads 1 "${server_extra_args[@]}" >"$work/server.out" 2>"$work/server.log" &
  pid=$!
  for _ in $(seq 600); do grep -q '^listening on' "$work/server.out" && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$work/server.out")
  [ -n "$url" ] || { cat "$work/server.log"; return 1; }
}

# The wrk script (in scripts/bench) of a scenario the profilers know, or nothing for another name.
#   scenario_script SCENARIO   scenario: S0 S1 S2 S5 S6 S7 G1 G3
scenario_script() {
  case $1 in
    S0) echo s0_healthz.lua ;;
    S1) echo s1_introspect.lua ;;
    S2) echo s2_refresh.lua ;;
    S5) echo s5_dated_introspect.lua ;;
    S6) echo s6_dated_refresh.lua ;;
    S7) echo s7_client_credentials.lua ;;
    G1) echo g1_gateway_proxy.lua ;;
    G3) echo g3_gateway_check.lua ;;
  esac
}

# The start the per-scenario profilers (syscalls.sh, threads.sh) share: reads BINARY and SCENARIO
# (default S2) from the arguments, refusing a scenario not in KNOWN; sets `binary`, `scenario`,
# `script` (its wrk script), `build_dir` (HSOAUTH_BUILD_DIR, default ROOT/build) and `work` (a
# fresh directory), exports BENCH_LUA_DIR, and at exit stops `tracer` and `pid` when set and
# removes `work`.
#   profiler_start ROOT "KNOWN..." BINARY [SCENARIO]
# shellcheck disable=SC2034  # binary, script, build_dir: for the script that sourced this
profiler_start() {
  local root=$1 known=$2
  shift 2
  binary=$(realpath "${1:?usage: $0 BINARY [${known// /|}]}")
  scenario=${2:-S2}
  if [[ " $known " != *" $scenario "* ]]; then
    echo "unknown scenario $scenario (known: $known)" >&2
    exit 2
  fi
  script=$(scenario_script "$scenario")
  build_dir=${HSOAUTH_BUILD_DIR:-$root/build}
  export BENCH_LUA_DIR=$root/scripts/bench
  work=$(mktemp -d "/tmp/hsoauth-$(basename "$0" .sh)-XXXXXX")
  pid=
  tracer=
  trap profiler_cleanup EXIT
}

profiler_cleanup() {
  [ -n "$tracer" ] && kill "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
