#!/usr/bin/env bash
# Measures hsoauth under wrk on this machine and prints a table (and .bench/results.json).
#   scripts/bench.sh [--smoke] [--scale N] [--peers] [--journal-off] [--duration S] [--connections C]
#                    [--ratio-rounds R]
# Scenarios, each against a fresh Release server with synchronous=FULL and preloaded tokens:
#   S0 GET /healthz                          the ceiling of our own HTTP stack, same run
#   S1 GET /oauth/v1/access-tokens/{token}   introspection over 10,000 tokens
#   S2 POST /oauth/v1/token refresh_token    refresh grant over 10,000 tokens
#   S3 mint a code + exchange it             full code flows per second
#   S4 DELETE /oauth/v1/refresh-tokens/{t}   revocation with cascade
#   S5 POST /oauth/2026-03/token/introspect  S1's twin on the dated API (client authenticated)
#   S6 POST /oauth/2026-03/token refresh     S2's twin on the dated API
#   S7 POST /oauth/2026-03/token client_credentials   an app-level token per request
#   G1 GET /crm/v3/objects/contacts/1        an API call through the gateway to the echo stub
#                                            (tests/support/echo-upstream.mjs, node)
#   G2 the same through nginx proxy_pass     one nginx worker, kept-alive upstream connections,
#                                            to the same stub (skipped without nginx)
#   G3 GET /gateway/v1/check                 the forward-auth check of the same call
# The gateway scenarios run with gateway_rate_limit at 1,000,000 (all preloaded tokens are of one
# app and one hub; the limiter still does its work on every call).
# Columns: requests/s, p50 and p99 latency, non-2xx and socket errors (both must be 0), server
# CPU time per request (utime+stime of the server from /proc over the scenario / requests), and
# server RSS. --smoke runs 1 s per scenario and only checks for zero errors (the test suite runs
# it). --scale N preloads N tokens into a second server and repeats S0, S1 and S2 on it, each right
# after the same scenario on the first. --journal-off does the same with a second server whose
# event journal is off (journal=false), and prints the journal's cost as on/off ratios of S1 and S2
# in req/s and CPU per request. No figure here is asserted by any test.
# The ratios the issues bound (a 2026-03 twin over its v1 scenario, a sandbox over the root, the
# gateway over nginx, the forward-auth check over S1) come from rounds, not from the single runs
# above: this VM's speed drifts by ±20 % over minutes, and a server now and then runs a whole
# scenario in a mode some 60 % dearer, so one run of each side can put a ratio anywhere. After the
# scenarios, --ratio-rounds R (5 by default, 1 with --smoke) rounds run every scenario of those
# ratios for 2 s each, back to back, paired scenarios next to each other, the order reversed every
# other round; each ratio is the median of its R per-round ratios, printed with their range.
# --peers also measures panva's oidc-provider (scripts/bench/peers/: exact version pinned in its
# package-lock.json, installed with npm ci into scripts/bench/peers/node_modules when missing; only
# --peers needs node and npm). One node process (in-memory store, refresh tokens not rotated,
# client_secret_post, opaque tokens) preloads as many authorizations as hsoauth and runs, under
# the same wrk settings and the same columns:
#   P1 POST /token/introspection             RFC 7662 introspection over its access tokens
#   P2 POST /token refresh_token             its refresh grant over its refresh tokens
# Each is preceded by an unmeasured warm-up run of the same script (V8 compiles as it goes), and
# bracketed by curl checks that the first and last tokens introspect active and refresh. Then the
# ratios hsoauth/peer: S2 / P2 and S1 / P1 in req/s, and both in CPU per request.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

duration=10
connections=64
tokens=10000
scale=0
smoke=0
peers=0
journal_off=0
peer_warmup=3
ratio_rounds=5
ratio_seconds=2
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) smoke=1; duration=1; tokens=1000; peer_warmup=0; ratio_rounds=1; ratio_seconds=1 ;;
    --scale) scale=$2; shift ;;
    --peers) peers=1 ;;
    --journal-off) journal_off=1 ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --ratio-rounds) ratio_rounds=$2; shift ;;
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
export BENCH_ADMIN_KEY=bench-admin-key-0123
clk_tck=$(getconf CLK_TCK)
results=()
failures=0

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# start_server DB_DIR: starts hsoauth on a free port; sets server_pid and base_url. Polls the
# server's stdout without sleeping and with bash builtins only (a `sleep` costs ~6 ms of fork and
# exec on the development VM), so that start-up can be timed to the millisecond.
start_server() {
  local dir=$1 line deadline
  rm -f "$dir/server.out"  # a stale "listening on" from the last start would name a dead port
  # The sandbox set's database (S4's million revocable tokens: about 470 MB) is over the default
  # sandbox size cap (sandbox_max_page_count, 100 MB), which would turn its writes into 503s.
  HSOAUTH_JOURNAL=$server_journal "$build_dir/hsoauth" serve --listen 127.0.0.1:0 --db "$dir/bench.db" --admin-key "$BENCH_ADMIN_KEY" \
    --synchronous FULL --cleanup-interval-s 0 --sandbox-max-page-count 4000000 "${gateway_args[@]}" \
    >"$dir/server.out" 2>"$dir/server.log" &
  server_pid=$!
  base_url=
  deadline=$(( ${EPOCHREALTIME/./} + 10000000 ))
  while [ -z "$base_url" ] && (( ${EPOCHREALTIME/./} < deadline )); do
    if [ -e "$dir/server.out" ]; then  # the child creates it: it may not exist yet
      while IFS= read -r line; do
        case $line in "listening on "*) base_url=${line#listening on } ;; esac
      done <"$dir/server.out"
    fi
    kill -0 "$server_pid" 2>/dev/null || break
  done
  [ -n "$base_url" ] || { echo "server did not start" >&2; cat "$dir/server.log" >&2; exit 1; }
}

# healthz_ok: one GET /healthz over bash's /dev/tcp (no process spawned); true on a 200.
healthz_ok() {
  local host_port=${base_url#http://} status
  exec 3<>"/dev/tcp/${host_port%:*}/${host_port##*:}" || return 1
  printf 'GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host_port" >&3
  IFS= read -r status <&3
  exec 3<&-
  [[ $status == "HTTP/1.1 200"* ]]
}

stop_server() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }

# store_counters: the server's store counters and WAL-flush histogram from /metrics (nothing when
# the server has none to show), for store_during to compare.
store_counters() {
  curl -sf --max-time 5 "$base_url/metrics" |
    grep -E '^hsoauth_store_(commits_total|committed_writes_total|flush_duration_seconds_(bucket\{[^}]*\}|sum|count)) ' || true
}

# store_during BEFORE AFTER: what the server's store did between two store_counters snapshots, as
# JSON fields to append to a scenario's object (nothing when it flushed nothing): flushes, writes
# per commit, the mean flush, the bucket bound under which 99 % of the flushes ended, and the
# flushes over 5 ms (null when the histogram has no such bound, or the 99 % only +Inf). Beside a
# scenario's p99, this tells a late disk from a late server.
store_during() {
  awk 'NR == FNR {before[$1] = $2; next} {d = $2 - before[$1]; delta[$1] = d
      if ($1 ~ /_bucket/) { le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le); n++; bound[n] = le; count[n] = d } }
    END {
      flushes = delta["hsoauth_store_flush_duration_seconds_count"]
      if (flushes <= 0) exit
      commits = delta["hsoauth_store_commits_total"]
      p99_ms = "null"; over5 = "null"
      for (i = 1; i <= n; i++) {
        if (p99_ms == "null" && bound[i] != "+Inf" && count[i] >= 0.99 * flushes) p99_ms = sprintf("%g", bound[i] * 1000)
        if (bound[i] == "0.005") over5 = flushes - count[i]
      }
      per_commit = 0
      if (commits > 0) per_commit = delta["hsoauth_store_committed_writes_total"] / commits
      mean_ms = delta["hsoauth_store_flush_duration_seconds_sum"] / flushes * 1000
      printf ",\"flushes\":%d,\"writes_per_commit\":%.1f,\"flush_mean_ms\":%.3f,\"flush_p99_le_ms\":%s,\"flushes_over_5ms\":%s",
        flushes, per_commit, mean_ms, p99_ms, over5
    }' <(echo "$1") <(echo "$2")
}

# run_scenario NAME LUA_SCRIPT TOKENS_DIR: one wrk run; appends a JSON object to results, with
# store_during's fields when watch_store is 1 (run_set_scenario sets it for its kept runs at the root;
# in_ratio_rounds is 1 while run_ratio_rounds runs).
watch_store=0
in_ratio_rounds=0
run_scenario() {
  local name=$1 script=$2
  export BENCH_TOKENS_DIR=$3
  local before after out
  # Nothing left for the kernel to write back from earlier scenarios (their request logs: 30 to
  # 100 MB each) or the preloads: ext4 writes such data back 30 s after it was written, and a
  # durable write that meets it waits for it (fdatasync calls of 50 to 100 ms, S2's p99 from
  # 3.5 to 60 ms, when the logs of S0 and S1 went to disk in the middle of S2).
  sync
  local store_before='' store_after=''
  [ "$watch_store" = 1 ] && store_before=$(store_counters)
  before=$(cpu_ticks "$server_pid")
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --timeout 5s -s "$BENCH_LUA_DIR/$script" "$base_url" | grep '^{')
  after=$(cpu_ticks "$server_pid")
  [ "$watch_store" = 1 ] && store_after=$(store_counters)
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
      printf "{\"scenario\":\"%s\",\"requests\":%d,\"requests_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"non2xx\":%d,\"socket_errors\":%d,\"cpu_us_per_request\":%.1f,\"rss_mb\":%.1f,\"flows_per_s\":%.0f}",
        name, req, rps, p50 / 1000, p99 / 1000, bad, sock, cpu, rss / 1024, extra / (dur / 1e6)
    }')
  [ "$watch_store" = 1 ] && line="${line%\}}$(store_during "$store_before" "$store_after")}"
  results+=("$line")
  if echo "$line" | grep -qv '"non2xx":0,"socket_errors":0'; then
    echo "  $name had errors: $line" >&2
    failures=$((failures + 1))
  fi
}

field() { echo "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }

# prepare_set LABEL TOKENS REVOCABLE: a fresh database in $work/LABEL with TOKENS token pairs and
# REVOCABLE more refresh tokens for S4.
prepare_set() {
  local label=$1 count=$2 revocable=$3
  local dir=$work/$label
  mkdir -p "$dir"
  echo "preloading $count tokens (+$revocable revocable) for $label ..." >&2
  "$build_dir/tests/hsoauth_preload" --db "$dir/bench.db" --tokens "$count" --revocable "$revocable" \
    --out-dir "$dir" >/dev/null
  # The preload leaves its pages (the database and the token files) for the kernel to write back
  # later; at 1M tokens that is hundreds of MB, which would land on the disk during the scenarios
  # and stall their fsyncs.
  sync
}

# Servers by label, one per database, all started before the scenarios; use_server LABEL points
# run_scenario (server_pid, base_url) at one of them.
declare -A pid_of url_of
# The journal is off on the "nojournal" set's server only (--journal-off).
server_journal=${HSOAUTH_JOURNAL:-true}
start_set_server() {
  local journal=$server_journal
  [ "$1" = nojournal ] && server_journal=false
  start_server "$work/$1"
  server_journal=$journal
  pid_of[$1]=$server_pid; url_of[$1]=$base_url
}
use_server() { server_pid=${pid_of[$1]}; base_url=${url_of[$1]}; }
stop_set_server() { use_server "$1"; stop_server; }

# prepare_sandbox_set LABEL TOKENS REVOCABLE: like prepare_set, with the tokens in a non-default
# sandbox of the server's database (its id in $work/LABEL/sandbox_id) and nothing at the root.
prepare_sandbox_set() {
  local label=$1 count=$2 revocable=$3 dir=$work/$1 id
  mkdir -p "$dir"
  start_server "$dir"
  id=$(curl -sf -X POST -H "Authorization: Bearer $BENCH_ADMIN_KEY" -d '{"ttl_seconds":0}' \
    "$base_url/admin/v1/sandboxes" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  stop_server
  [ -n "$id" ] || { echo "creating the bench sandbox failed" >&2; exit 1; }
  echo "$id" >"$dir/sandbox_id"
  echo "preloading $count tokens (+$revocable revocable) into sandbox $id for $label ..." >&2
  # The preload reads the pepper from <db>.pepper: the server's, for the sandbox's file.
  cp "$dir/bench.db.pepper" "$dir/bench.db.sandboxes/$id.db.pepper"
  "$build_dir/tests/hsoauth_preload" --db "$dir/bench.db.sandboxes/$id.db" --tokens "$count" \
    --revocable "$revocable" --out-dir "$dir" >/dev/null
  rm -f "$dir/bench.db.sandboxes/$id.db.pepper"
  sync
}

# Revocable tokens each set's S4 runs have used up so far (each token is revoked once).
declare -A revoked_by
# run_set_scenario LABEL SCENARIO: one scenario against LABEL's server (under its sandbox's prefix
# for a sandbox set).
run_set_scenario() {
  local label=$1 dir=$work/$1
  use_server "$label"
  export BENCH_PREFIX=
  [ -f "$dir/sandbox_id" ] && BENCH_PREFIX=/sandboxes/$(cat "$dir/sandbox_id")
  # The store's figures: at the root only (a sandbox writes to its own store, which the root's
  # /metrics does not show), and not in the ratio rounds, whose rows are dropped.
  watch_store=0
  [ -z "$BENCH_PREFIX" ] && [ "$in_ratio_rounds" = 0 ] && watch_store=1
  export BENCH_SKIP=${revoked_by[$label]:-0}
  # The refresh scenarios: wrk builds only the requests a run can send, 45,000 a second (S2 and S6
  # at 1,000,000 tokens never passed 42,300 in 17 kept runs), from the first token on, so the server
  # is sent the same tokens as before; the 10,000-token sets are all within it. wrk holding a
  # million prebuilt requests added 2-4 ms to the p99 it measured, the server's own p99 unchanged
  # (docs/performance.md, "What wrk adds at 1,000,000 tokens").
  [[ $2 == S2 || $2 == S6 ]] && export BENCH_MAX_PREBUILT=$((duration * 45000))
  case $2 in
    S0) run_scenario "$label/S0 healthz" s0_healthz.lua "$dir" ;;
    S1) run_scenario "$label/S1 introspect" s1_introspect.lua "$dir" ;;
    S2) run_scenario "$label/S2 refresh" s2_refresh.lua "$dir" ;;
    S3) run_scenario "$label/S3 code flow" s3_code_flow.lua "$dir" ;;
    S4) run_scenario "$label/S4 revoke" s4_revoke.lua "$dir" ;;
    S5) run_scenario "$label/S5 2026-03 introspect" s5_dated_introspect.lua "$dir" ;;
    S6) run_scenario "$label/S6 2026-03 refresh" s6_dated_refresh.lua "$dir" ;;
    S7) run_scenario "$label/S7 client_credentials" s7_client_credentials.lua "$dir" ;;
    G1) run_scenario "$label/G1 gateway proxy" g1_gateway_proxy.lua "$dir" ;;
    G3) run_scenario "$label/G3 gateway check" g3_gateway_check.lua "$dir" ;;
  esac
  watch_store=0
  unset BENCH_MAX_PREBUILT
  # wrk counts answered requests only: up to one more per connection may have revoked a token.
  [ "$2" = S4 ] && revoked_by[$label]=$((BENCH_SKIP + $(field "${results[-1]}" requests) + connections))
  return 0
}

# check_dated_tokens LABEL: the first and last preloaded tokens introspect as active on 2026-03,
# under the sandbox's prefix for a sandbox set (wrk counts only statuses, and an unknown token
# introspects as {"active":false} with a 200).
check_dated_tokens() {
  local dir=$work/$1 token body prefix=
  use_server "$1"
  [ -f "$dir/sandbox_id" ] && prefix=/sandboxes/$(cat "$dir/sandbox_id")
  for token in "$(head -n1 "$dir/access.txt")" "$(tail -n1 "$dir/access.txt")"; do
    body=$(curl -sf -d "client_id=bench-client&client_secret=bench-client-secret&token=$token" \
      "$base_url$prefix/oauth/2026-03/token/introspect") || true
    case $body in
      *'"active":true'*) ;;
      *) echo "  $1: access token ${token:0:8}... does not introspect as active on 2026-03: $body" >&2
         failures=$((failures + 1)) ;;
    esac
  done
}

# measure_startup LABEL TOKENS REVOCABLE: start-up on the existing database (spawn to the first
# 200 on /healthz), idle RSS, and database bytes per token.
measure_startup() {
  local label=$1 count=$2 revocable=$3
  local dir=$work/$label
  local t0 t1
  # The scenarios' request log (100 MB after 10 s scenarios) is emptied before the clock starts:
  # the shell truncating it for the next server took 65 ms, which is not the server's start-up.
  : >"$dir/server.log"
  t0=$EPOCHREALTIME
  start_server "$dir"
  local deadline=$(( ${EPOCHREALTIME/./} + 10000000 ))
  until healthz_ok 2>/dev/null; do
    (( ${EPOCHREALTIME/./} < deadline )) || { echo "no 200 on /healthz within 10 s" >&2; exit 1; }
  done
  t1=$EPOCHREALTIME
  startup_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b - a) * 1000}')
  idle_rss_mb=$(awk -v kb="$(rss_kb "$server_pid")" 'BEGIN {printf "%.1f", kb / 1024}')
  stop_server
  local db_bytes
  db_bytes=$(du -cb "$dir"/bench.db* | awk 'END {print $1}')
  bytes_per_token=$(awk -v b="$db_bytes" -v n="$((count + revocable))" 'BEGIN {printf "%.0f", b / n}')
  results+=("{\"scenario\":\"$label/startup\",\"startup_ms\":$startup_ms,\"idle_rss_mb\":$idle_rss_mb,\"db_bytes_per_token\":$bytes_per_token}")
}

# server_ms LOG METHOD PATH: the durations (ms) the request log shows for METHOD PATH, one a line.
server_ms() { awk -v m="$2" -v p="$3" '$2 == m && $3 == p {sub(/ms$/, "", $5); print $5}' "$1"; }
# median: of the numbers on stdin.
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "null"; else print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

# measure_sandbox_ops LABEL ROUNDS: on LABEL's server (a sandbox set), ROUNDS times each: create an
# empty sandbox, create one from a seed of 10 apps, snapshot the set's sandbox and restore it; the
# median of the server's own time for each (the request log's duration: first byte read to last
# byte written).
measure_sandbox_ops() {
  local label=$1 rounds=$2 dir=$work/$1 id snap i auth
  use_server "$label"
  id=$(cat "$dir/sandbox_id")
  auth="Authorization: Bearer $BENCH_ADMIN_KEY"
  curl -sf "$base_url/sandboxes/$id/healthz" >/dev/null  # the sandbox open, as under load
  local seed='{"seed":{"apps":['
  for i in $(seq 1 10); do
    seed+="{\"name\":\"app $i\",\"client_id\":\"seeded-$i\",\"client_secret\":\"seeded-client-secret-$i\","
    seed+="\"redirect_uris\":[\"http://localhost:3000/cb\"],\"scopes\":[\"oauth\",\"crm.objects.contacts.read\"]}"
    [ "$i" -lt 10 ] && seed+=","
  done
  seed+=']}}'
  : >"$dir/ops.log"
  for i in $(seq 1 "$rounds"); do
    curl -sf -X POST -H "$auth" -d '{}' "$base_url/admin/v1/sandboxes" >>"$dir/ops.log" || failures=$((failures + 1))
    curl -sf -X POST -H "$auth" -d "$seed" "$base_url/admin/v1/sandboxes" >>"$dir/ops.log" || failures=$((failures + 1))
  done
  for i in $(seq 1 "$rounds"); do
    snap=$(curl -sf -X POST -H "$auth" "$base_url/admin/v1/sandboxes/$id/snapshots" |
      sed -n 's/.*"snapshot_id":"\([^"]*\)".*/\1/p')
    [ -n "$snap" ] || { failures=$((failures + 1)); continue; }
    curl -sf -X POST -H "$auth" -d "{\"snapshot_id\":\"$snap\"}" "$base_url/admin/v1/sandboxes/$id/restore" \
      >/dev/null || failures=$((failures + 1))
    curl -sf -X DELETE -H "$auth" "$base_url/sandboxes/$id/healthz" >/dev/null 2>&1 || true
  done
  sleep 0.1  # the log writer writes within 10 ms
  local creates snapshots restores
  creates=$(server_ms "$dir/server.log" POST /admin/v1/sandboxes)
  local empty seeded
  empty=$(echo "$creates" | awk 'NR % 2 == 1' | median)
  seeded=$(echo "$creates" | awk 'NR % 2 == 0' | median)
  snapshots=$(server_ms "$dir/server.log" POST "/admin/v1/sandboxes/$id/snapshots" | median)
  restores=$(server_ms "$dir/server.log" POST "/admin/v1/sandboxes/$id/restore" | median)
  local bytes; bytes=$(stat -c %s "$dir/bench.db.sandboxes/$id.db")
  results+=("{\"scenario\":\"$label/sandbox ops\",\"create_ms\":$empty,\"create_seed10_ms\":$seeded,\"snapshot_ms\":$snapshots,\"restore_ms\":$restores,\"sandbox_bytes\":$bytes,\"rounds\":$rounds}")
}

# measure_idle_sandboxes COUNT: a fresh server; its RSS before and after COUNT sandboxes were
# created and each served one request (max_open_sandboxes of them stay open, the rest closed).
measure_idle_sandboxes() {
  local count=$1 dir=$work/idle i before after auth ids
  mkdir -p "$dir"
  start_server "$dir"
  auth="Authorization: Bearer $BENCH_ADMIN_KEY"
  curl -sf "$base_url/healthz" >/dev/null
  before=$(rss_kb "$server_pid")
  for i in $(seq 1 "$count"); do
    curl -sf -X POST -H "$auth" -d '{}' "$base_url/admin/v1/sandboxes"; echo
  done | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' >"$dir/ids"
  while read -r id; do curl -sf "$base_url/sandboxes/$id/healthz" >/dev/null || failures=$((failures + 1)); done <"$dir/ids"
  sleep 1.5  # the maintenance sweep closes the sandboxes beyond max_open_sandboxes
  after=$(rss_kb "$server_pid")
  ids=$(wc -l <"$dir/ids")
  [ "$ids" -eq "$count" ] || failures=$((failures + 1))
  results+=("$(awk -v b="$before" -v a="$after" -v n="$ids" 'BEGIN {printf "{\"scenario\":\"idle/sandboxes\",\"sandboxes\":%d,\"rss_before_mb\":%.1f,\"rss_after_mb\":%.1f,\"kb_per_sandbox\":%.1f}", n, b / 1024, a / 1024, (a - b) / (n > 0 ? n : 1)}')")
  stop_server
}

# --peers: oidc-provider, measured by the same run_scenario; its rows go to peer_results.
peers_dir=$root/scripts/bench/peers
peer_results=()
peer_label=

# ensure_peer_deps: scripts/bench/peers/node_modules as package-lock.json pins it (npm ci when it
# is missing or older than the lock); exits 2 without node and npm.
ensure_peer_deps() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "bench: --peers needs node and npm on PATH (scripts/deps.sh test installs them)" >&2
    exit 2
  fi
  local installed=$peers_dir/node_modules/.package-lock.json
  if [ ! -f "$installed" ] || [ "$peers_dir/package-lock.json" -nt "$installed" ]; then
    echo "installing the peers (npm ci in scripts/bench/peers) ..." >&2
    (cd "$peers_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

# start_peer DIR: starts oidc-peer.mjs (the node process itself, so that /proc/PID is the server),
# which preloads $tokens authorizations, writes DIR/access.txt and DIR/refresh.txt, then prints
# "listening on URL". Sets server_pid and base_url, like start_server.
start_peer() {
  local dir=$1
  node "$peers_dir/oidc-peer.mjs" --tokens "$tokens" --out-dir "$dir" >"$dir/server.out" 2>"$dir/server.log" &
  server_pid=$!
  for _ in $(seq 1 600); do
    grep -q "listening on" "$dir/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  base_url=$(sed -n 's/^listening on //p' "$dir/server.out")
  if [ -z "$base_url" ]; then
    echo "oidc-peer did not start" >&2; cat "$dir/server.log" >&2; stop_server; exit 1
  fi
}

# check_peer_tokens DIR: the first and last preloaded tokens must introspect as active and must
# refresh (an access_token in a 200). wrk counts only statuses, and an unknown token introspects as
# {"active":false} with a 200, so this is what shows the store still holds the tokens.
check_peer_tokens() {
  local dir=$1 auth="client_id=bench-client&client_secret=bench-client-secret" token body
  for token in "$(head -n1 "$dir/access.txt")" "$(tail -n1 "$dir/access.txt")"; do
    body=$(curl -sf -d "token_type_hint=access_token&$auth&token=$token" "$base_url/token/introspection") || true
    case $body in
      *'"active":true'*) ;;
      *) echo "  peer: access token ${token:0:8}... does not introspect as active: $body" >&2; return 1 ;;
    esac
  done
  for token in "$(head -n1 "$dir/refresh.txt")" "$(tail -n1 "$dir/refresh.txt")"; do
    body=$(curl -sf -d "grant_type=refresh_token&$auth&refresh_token=$token" "$base_url/token") || true
    case $body in
      *'"access_token":'*) ;;
      *) echo "  peer: refresh token ${token:0:8}... does not refresh: $body" >&2; return 1 ;;
    esac
  done
}

# peer_scenario NAME LUA_SCRIPT DIR: an unmeasured warm-up of $peer_warmup s (V8 compiles the hot
# paths as it goes; hsoauth is compiled ahead of time), then run_scenario; the row moves from
# results to peer_results.
peer_scenario() {
  local name=$1 script=$2 dir=$3
  if [ "$peer_warmup" -gt 0 ]; then
    BENCH_TOKENS_DIR=$dir wrk -t1 -c"$connections" -d"${peer_warmup}s" --timeout 5s \
      -s "$BENCH_LUA_DIR/$script" "$base_url" >/dev/null
  fi
  run_scenario "$name" "$script" "$dir"
  peer_results+=("${results[-1]}")
  unset 'results[-1]'
}

# run_peers: P1 then P2 against one oidc-provider process over $tokens preloaded authorizations.
run_peers() {
  local dir=$work/peer
  mkdir -p "$dir"
  ensure_peer_deps
  peer_label="oidc-provider $(node -p "require('$peers_dir/node_modules/oidc-provider/package.json').version")"
  peer_label+=" on node $(node --version)"
  echo "preloading $tokens tokens into $peer_label ..." >&2
  start_peer "$dir"
  if ! check_peer_tokens "$dir"; then stop_server; failures=$((failures + 1)); return; fi
  peer_scenario "peer/P1 introspect" p1_peer_introspect.lua "$dir"
  peer_scenario "peer/P2 refresh" p2_peer_refresh.lua "$dir"
  check_peer_tokens "$dir" || failures=$((failures + 1))
  stop_server
}

# The gateway's upstream: the echo stub, and nginx proxy_pass in front of the same stub (G2).
# shellcheck source=bench/nginx_proxy_conf.sh
source "$root/scripts/bench/nginx_proxy_conf.sh"
gateway_args=()
stub_pid=
nginx_pid=
nginx_url=
stop_gateway_peers() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [ -n "$stub_pid" ] && kill "$stub_pid" 2>/dev/null && wait "$stub_pid" 2>/dev/null
  nginx_pid= stub_pid=
}
trap stop_gateway_peers EXIT
# wait_for_line FILE: the URL of FILE's "listening on URL" line, within 10 s.
wait_for_line() {
  local url=
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on //p' "$1" 2>/dev/null | head -1)
    [ -n "$url" ] && { echo "$url"; return 0; }
    sleep 0.1
  done
  return 1
}
start_gateway_peers() {
  mkdir -p "$work/stub" "$work/nginx"
  node "$root/tests/support/echo-upstream.mjs" 0 >"$work/stub/server.out" 2>&1 &
  stub_pid=$!
  local stub_url
  stub_url=$(wait_for_line "$work/stub/server.out") || { echo "the echo stub did not start" >&2; exit 1; }
  gateway_args=(--gateway-upstream "$stub_url" --gateway-rate-limit 1000000)
  local nginx_bin
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$nginx_bin" ] || { echo "nginx not installed: G2 skipped" >&2; return 0; }
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  nginx_proxy_conf "$work/nginx" "$port" "$stub_url"
  "$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>>"$work/nginx/error.log" &
  nginx_pid=$!
  nginx_url=http://127.0.0.1:$port
  for _ in $(seq 1 100); do curl -s -o /dev/null "$nginx_url/" && break; sleep 0.1; done
}

# run_nginx_scenario: G2 against nginx's one worker (its CPU and RSS are the server's columns).
run_nginx_scenario() {
  [ -n "$nginx_url" ] || return 0
  local worker
  worker=$(pgrep -P "$nginx_pid" | head -1)
  [ -n "$worker" ] || { echo "no nginx worker" >&2; failures=$((failures + 1)); return 0; }
  server_pid=$worker base_url=$nginx_url
  run_scenario "nginx/G2 proxy_pass" g1_gateway_proxy.lua "$work/main"
}

# S4's pool: its own run, then 2 s in each ratio round, at up to 50,000 revocations a second (a
# fast run reached 41,612 on 2026-12-05, past the 40,000 sized for before: its last round revoked
# tokens already revoked and got 401s).
# The ratios the issues bound: "NAME|NUMERATOR|DENOMINATOR|TARGET", each side LABEL:SCENARIO.
bounded_ratios=(
  "cpu S5/S1 (2026-03 introspect / v1 metadata)|main:S5|main:S1|<= 1.10"
  "cpu S6/S2 (2026-03 refresh / v1 refresh)|main:S6|main:S2|<= 1.10"
  "cpu S7/S2 (client_credentials / v1 refresh)|main:S7|main:S2|<= 1.00"
  "cpu in a sandbox / at the root, S0|sandbox:S0|main:S0|<= 1.10"
  "cpu in a sandbox / at the root, S1|sandbox:S1|main:S1|<= 1.10"
  "cpu in a sandbox / at the root, S2|sandbox:S2|main:S2|<= 1.10"
  "cpu in a sandbox / at the root, S3|sandbox:S3|main:S3|<= 1.10"
  "cpu in a sandbox / at the root, S4|sandbox:S4|main:S4|<= 1.10"
  "cpu G1/G2 (gateway / nginx, per proxied call)|main:G1|nginx:G2|<= 1.5"
  "cpu G3/S1 (forward-auth check / v1 metadata)|main:G3|main:S1|<= 1.0"
)
# One round: the two sides of each ratio next to each other.
round_order=(main:S0 sandbox:S0 main:S1 sandbox:S1 main:S5 main:G3 main:S2 sandbox:S2 main:S6 main:S7
  main:S3 sandbox:S3 main:S4 sandbox:S4 main:G1 nginx:G2)
declare -A round_cpu  # "ROUND LABEL:SCENARIO" -> CPU per request
# run_ratio_rounds: $ratio_rounds rounds of $ratio_seconds-s runs in round_order, every other one
# reversed; their CPU per request goes to round_cpu, their rows not to the table.
run_ratio_rounds() {
  local r i spec count saved=$duration order=()
  duration=$ratio_seconds
  in_ratio_rounds=1
  for r in $(seq 1 "$ratio_rounds"); do
    order=()
    for i in "${!round_order[@]}"; do
      if (( r % 2 == 1 )); then order+=("${round_order[i]}"); else order=("${round_order[i]}" "${order[@]}"); fi
    done
    for spec in "${order[@]}"; do
      count=${#results[@]}
      if [ "$spec" = nginx:G2 ]; then run_nginx_scenario; else run_set_scenario "${spec%%:*}" "${spec#*:}"; fi
      [ "${#results[@]}" -gt "$count" ] || continue  # no nginx: no G2
      round_cpu["$r $spec"]=$(field "${results[-1]}" cpu_us_per_request)
      unset 'results[-1]'
    done
  done
  duration=$saved
  in_ratio_rounds=0
}

revocable=$(( (smoke == 1 ? 60000 : duration * 50000) + ratio_rounds * ratio_seconds * 50000 ))
start_gateway_peers
sets=(main sandbox)
prepare_set main "$tokens" "$revocable"
prepare_sandbox_set sandbox "$tokens" "$revocable"
if [ "$scale" -gt 0 ]; then sets+=("scale-$scale"); prepare_set "scale-$scale" "$scale" 0; fi
# The same database as main's (its revocable tokens too), so that only the journal differs.
if [ "$journal_off" -eq 1 ]; then sets+=(nojournal); prepare_set nojournal "$tokens" "$revocable"; fi
# With --scale, each of S0, S1 and S2 runs on the 10,000-token server and then at once on the
# large one (both servers are up; the other one idles), so that the ratios between them compare
# runs seconds apart: the shared VM's speed drifts by ±20 % over minutes.
for label in "${sets[@]}"; do start_set_server "$label"; done
# Each v1 scenario is followed at once by its 2026-03 twin, so that their CPU per request compare
# runs seconds apart.
for label in "${sets[@]}"; do check_dated_tokens "$label"; done
for scenario in S0 S1 S5 S2 S6; do
  for label in "${sets[@]}"; do run_set_scenario "$label" "$scenario"; done
done
run_set_scenario main S7
run_set_scenario main S3
run_set_scenario sandbox S3
run_set_scenario main S4
run_set_scenario sandbox S4
run_set_scenario main G1
run_nginx_scenario
run_set_scenario main G3
echo "ratio rounds: $ratio_rounds of ${ratio_seconds} s per scenario ..." >&2
run_ratio_rounds
for label in "${sets[@]}"; do stop_set_server "$label"; done
# The sandbox operations, on a sandbox of $tokens tokens (no revocable ones: those are S4's).
prepare_sandbox_set sandbox-ops "$tokens" 0
start_set_server sandbox-ops
measure_sandbox_ops sandbox-ops "$(( smoke == 1 ? 3 : 20 ))"
stop_set_server sandbox-ops
measure_idle_sandboxes "$(( smoke == 1 ? 20 : 1000 ))"
measure_startup main "$tokens" "$revocable"
if [ "$scale" -gt 0 ]; then measure_startup "scale-$scale" "$scale" 0; fi
if [ "$peers" -eq 1 ]; then run_peers; fi

# Table
printf '\nhsoauth bench: wrk -t1 -c%s -d%ss, synchronous=FULL, %s cores (%s)\n' "$connections" "$duration" \
  "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
print_header() {
  printf '%-26s %10s %9s %9s %7s %7s %10s %8s\n' scenario "req/s" "p50 ms" "p99 ms" non2xx sockerr "cpu us/req" "rss MB"
}
print_row() {  # print_row RESULT: one wrk scenario's row
  local r=$1 rps flows
  rps=$(field "$r" requests_per_s)
  flows=$(field "$r" flows_per_s)
  [ "$flows" != "0" ] && [ -n "$flows" ] && rps="$rps ($flows flows/s)"
  printf '%-26s %10s %9s %9s %7s %7s %10s %8s\n' "$(field "$r" scenario)" "$rps" "$(field "$r" p50_ms)" \
    "$(field "$r" p99_ms)" "$(field "$r" non2xx)" "$(field "$r" socket_errors)" "$(field "$r" cpu_us_per_request)" \
    "$(field "$r" rss_mb)"
}
print_header
for label in "${sets[@]}" nginx; do  # each server's rows together, in the order they ran
  for r in "${results[@]}"; do
    name=$(field "$r" scenario)
    [ "${name%%/*}" = "$label" ] || continue
    if [ -n "$(field "$r" requests_per_s)" ]; then
      print_row "$r"
    elif [ -n "$(field "$r" create_ms)" ]; then
      continue
    else
      printf '%-26s start-up %s ms, idle RSS %s MB, database %s bytes per token\n' "$name" \
        "$(field "$r" startup_ms)" "$(field "$r" idle_rss_mb)" "$(field "$r" db_bytes_per_token)"
    fi
  done
done
ratio() {  # ratio LABEL A B
  local a b
  a=$(for r in "${results[@]}"; do [ "$(field "$r" scenario)" = "$2" ] && field "$r" requests_per_s; done)
  b=$(for r in "${results[@]}"; do [ "$(field "$r" scenario)" = "$3" ] && field "$r" requests_per_s; done)
  [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v l="$1" 'BEGIN {printf "%s = %.2f\n", l, a / b}'
}
for r in "${results[@]}"; do
  if [ -n "$(field "$r" create_ms)" ]; then
    printf '%-26s create %s ms, create with 10 apps %s ms, snapshot %s ms, restore %s ms (%s-byte sandbox, median of %s)\n' \
      "$(field "$r" scenario)" "$(field "$r" create_ms)" "$(field "$r" create_seed10_ms)" "$(field "$r" snapshot_ms)" \
      "$(field "$r" restore_ms)" "$(field "$r" sandbox_bytes)" "$(field "$r" rounds)"
  elif [ -n "$(field "$r" kb_per_sandbox)" ]; then
    printf '%-26s %s sandboxes: RSS %s MB before, %s MB after: %s KB per sandbox\n' "$(field "$r" scenario)" \
      "$(field "$r" sandboxes)" "$(field "$r" rss_before_mb)" "$(field "$r" rss_after_mb)" "$(field "$r" kb_per_sandbox)"
  fi
done
# What the store did during each scenario that wrote: a p99 over target beside late flushes is
# the disk's; beside quick ones, the server's.
printf '\n%-26s %8s %12s %14s %16s %12s\n' "store during" flushes "writes/commit" "flush mean ms" "flush p99 <= ms" "over 5 ms"
for r in "${results[@]}"; do
  [ -n "$(field "$r" flushes)" ] || continue
  printf '%-26s %8s %12s %14s %16s %12s\n' "$(field "$r" scenario)" "$(field "$r" flushes)" \
    "$(field "$r" writes_per_commit)" "$(field "$r" flush_mean_ms)" "$(field "$r" flush_p99_le_ms)" \
    "$(field "$r" flushes_over_5ms)"
done
echo
ratio "S1/S0" "main/S1 introspect" "main/S0 healthz" || true
ratio "S2/S0" "main/S2 refresh" "main/S0 healthz" || true
# The bounded ratios: the median of the per-round ratios, and their range.
for line in "${bounded_ratios[@]}"; do
  IFS='|' read -r name numerator denominator target <<<"$line"
  per_round=$(for r in $(seq 1 "$ratio_rounds"); do
    a=${round_cpu["$r $numerator"]:-} b=${round_cpu["$r $denominator"]:-}
    [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" 'BEGIN {if (b > 0) printf "%.4f\n", a / b}'
  done)
  [ -n "$per_round" ] || continue
  read -r mid low high n < <(echo "$per_round" | sort -g | awk '{v[NR] = $1}
    END {printf "%.2f %.2f %.2f %d\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR], NR}')
  printf '%s = %s (rounds %s to %s, median of %s; target %s)\n' "$name" "$mid" "$low" "$high" "$n" "$target"
  results+=("{\"scenario\":\"ratio/$name\",\"median\":$mid,\"min\":$low,\"max\":$high,\"rounds\":$n,\"per_round\":[$(echo "$per_round" | paste -sd,)]}")
done
if [ "$scale" -gt 0 ]; then
  ratio "S1 at $scale / S1 at 10k" "scale-$scale/S1 introspect" "main/S1 introspect" || true
  ratio "S2 at $scale / S2 at 10k" "scale-$scale/S2 refresh" "main/S2 refresh" || true
fi

# The peer rows and hsoauth/peer ratios (--peers).
# result_field SCENARIO FIELD: FIELD of the row named SCENARIO in results or peer_results, or "".
result_field() {
  local r
  for r in "${results[@]}" "${peer_results[@]}"; do
    if [ "$(field "$r" scenario)" = "$1" ]; then field "$r" "$2"; return 0; fi
  done
}
# quotient A B: A / B to two decimals, or "null" when either is missing or B is 0.
quotient() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b + 0 == 0) print "null"; else printf "%.2f", a / b}'; }
# over HSOAUTH_SCENARIO PEER_SCENARIO FIELD: hsoauth's FIELD divided by the peer's.
over() { quotient "$(result_field "$1" "$3")" "$(result_field "$2" "$3")"; }
if [ "$journal_off" -eq 1 ]; then
  # The journal's cost (issue: at most -10 % req/s and +10 % CPU per request on S2).
  for s in "S1 introspect" "S2 refresh"; do
    printf '%s journal on/off: req/s %s, cpu us/req %s\n' "${s%% *}" \
      "$(quotient "$(result_field "main/$s" requests_per_s)" "$(result_field "nojournal/$s" requests_per_s)")" \
      "$(quotient "$(result_field "main/$s" cpu_us_per_request)" "$(result_field "nojournal/$s" cpu_us_per_request)")"
  done
fi
# compare_row LABEL HSOAUTH_SCENARIO PEER_SCENARIO RPS_TARGET CPU_TARGET: req/s and CPU per request
# of both side by side, with the ratios hsoauth/peer and the issue's targets for them.
compare_row() {
  printf '%-26s %9s %9s %6s %-7s %9s %9s %6s %s\n' "$1" \
    "$(result_field "$2" requests_per_s)" "$(result_field "$3" requests_per_s)" \
    "$(over "$2" "$3" requests_per_s)" "($4)" \
    "$(result_field "$2" cpu_us_per_request)" "$(result_field "$3" cpu_us_per_request)" \
    "$(over "$2" "$3" cpu_us_per_request)" "($5)"
}
if [ "$peers" -eq 1 ] && [ ${#peer_results[@]} -gt 0 ]; then
  printf '\npeer: %s, one process, in-memory store, refresh tokens not rotated, same wrk settings\n' "$peer_label"
  print_header
  for r in "${peer_results[@]}"; do print_row "$r"; done
  echo
  printf '%-26s %9s %9s %6s %-7s %9s %9s %6s %s\n' "hsoauth / peer" "hsoauth" "peer" "req/s" "target" \
    "hsoauth" "peer" "cpu/req" "target"
  printf '%-26s %9s %9s %6s %-7s %9s %9s %6s\n' "" "req/s" "req/s" "ratio" "" "us/req" "us/req" "ratio"
  compare_row "S2 / peer refresh" "main/S2 refresh" "peer/P2 refresh" ">= 3" "<= 0.33"
  compare_row "S1 / peer introspection" "main/S1 introspect" "peer/P1 introspect" ">= 2" "<= 0.33"
  ratios='{"scenario":"peer/ratios","peer":"%s","s2_over_peer_refresh_rps":%s,"s1_over_peer_introspection_rps":%s,'
  ratios+='"s2_over_peer_refresh_cpu":%s,"s1_over_peer_introspection_cpu":%s}'
  # shellcheck disable=SC2059  # the format is the constant above
  peer_results+=("$(printf "$ratios" "$peer_label" \
    "$(over "main/S2 refresh" "peer/P2 refresh" requests_per_s)" \
    "$(over "main/S1 introspect" "peer/P1 introspect" requests_per_s)" \
    "$(over "main/S2 refresh" "peer/P2 refresh" cpu_us_per_request)" \
    "$(over "main/S1 introspect" "peer/P1 introspect" cpu_us_per_request)")")
fi

all_results=("${results[@]}" "${peer_results[@]}")
{ printf '['; printf '%s' "${all_results[0]}"; for r in "${all_results[@]:1}"; do printf ',\n%s' "$r"; done; printf ']\n'; } \
  >"$work/results.json"
echo "results: $work/results.json"
if [ "$failures" -gt 0 ]; then
  echo "bench: $failures scenario(s) had non-2xx responses or socket errors" >&2
  exit 1
fi
