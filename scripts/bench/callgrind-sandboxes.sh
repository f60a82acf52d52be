#!/usr/bin/env bash
# Server instructions per request under callgrind, at the root with sandboxes off and on, and
# inside a non-default sandbox: the CPU comparison of issue 15 that does not move with the VM.
#   scripts/bench/callgrind-sandboxes.sh [BUILD_DIR] [SECONDS]
# S0 to S4. Each case: a database with 10,000 preloaded token pairs and 100,000 revocable refresh
# tokens for S4 (at the root, or in the sandbox),
# `hsoauth serve --threads 1` under valgrind --tool=callgrind with instrumentation off, a 2 s wrk
# warm-up, `callgrind_control -i on`, a wrk run of SECONDS (default 10) with 8 connections,
# `callgrind_control -i off`; instructions (Ir, every thread of the server) / requests wrk made.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=${1:-build}
seconds=${2:-10}
work=$(mktemp -d /tmp/hsoauth-callgrind-XXXXXX)
trap 'rm -rf "$work"' EXIT
key=bench-admin-key-0123
export BENCH_LUA_DIR=$root/scripts/bench BENCH_ADMIN_KEY=$key

# serve DIR [FLAGS...]: hsoauth under callgrind on a free port; sets pid and url.
serve() {
  local dir=$1; shift
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$dir/callgrind.out" \
    "$build/hsoauth" serve --listen 127.0.0.1:0 --db "$dir/bench.db" --admin-key "$key" --threads 1 \
    --synchronous FULL --cleanup-interval-s 0 --log-requests false "$@" >"$dir/out" 2>"$dir/err" &
  pid=$!
  url=
  for _ in $(seq 1 600); do
    url=$(sed -n 's/^listening on //p' "$dir/out")
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$dir/err" >&2; exit 1; }
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

# run_wrk DIR SCRIPT SECONDS: one wrk run; prints its JSON line. S4 revokes each token once: the
# revocable tokens earlier runs on DIR used up (answered, plus one in flight per connection) are
# counted in DIR/revoked and skipped (BENCH_SKIP).
run_wrk() {
  local dir=$1 script=$2 out
  BENCH_SKIP=$(cat "$dir/revoked" 2>/dev/null || echo 0)
  export BENCH_SKIP
  out=$(wrk -t1 -c8 -d"$3s" --timeout 10s -s "$BENCH_LUA_DIR/$script" "$url" | grep '^{')
  echo $((BENCH_SKIP + $(echo "$out" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p') + 8)) >"$dir/revoked"
  echo "$out"
}

# measure NAME DIR SCRIPT PREFIX: prints NAME, requests, Ir, Ir per request.
measure() {
  local name=$1 dir=$2 script=$3 prefix=$4 out requests ir
  export BENCH_TOKENS_DIR=$dir BENCH_PREFIX=$prefix
  run_wrk "$dir" "$script" 2 >/dev/null
  callgrind_control -i on "$pid" >/dev/null 2>&1
  out=$(run_wrk "$dir" "$script" "$seconds")
  callgrind_control -i off "$pid" >/dev/null 2>&1
  requests=$(echo "$out" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
  callgrind_control -d "$pid" >/dev/null 2>&1
  sleep 1
  ir=$(cat "$dir"/callgrind.out* | awk '/^totals:/ {s += $2} /^summary:/ {t += $2} END {print (s > 0 ? s : t)}')
  printf '%-34s %8s requests %14s Ir %10.0f Ir/request\n' "$name" "$requests" "$ir" "$(echo "$ir / $requests" | bc -l)"
  rm -f "$dir"/callgrind.out*
}

# A root database with the tokens, and one whose sandbox holds them; S4's pool is far more than
# callgrind's pace (under 2,000 requests a second) uses up in four runs.
revocable=100000
mkdir -p "$work/root" "$work/sbx"
"$build/tests/hsoauth_preload" --db "$work/root/bench.db" --tokens 10000 --revocable "$revocable" --out-dir "$work/root" >/dev/null
"$build/hsoauth" serve --listen 127.0.0.1:0 --db "$work/sbx/bench.db" --admin-key "$key" >"$work/sbx/out" 2>/dev/null &
pid=$!
for _ in $(seq 1 100); do url=$(sed -n 's/^listening on //p' "$work/sbx/out"); [ -n "$url" ] && break; sleep 0.1; done
id=$(curl -sf -X POST -H "Authorization: Bearer $key" -d '{"ttl_seconds":0}' "$url/admin/v1/sandboxes" |
  sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
stop
cp "$work/sbx/bench.db.pepper" "$work/sbx/bench.db.sandboxes/$id.db.pepper"
"$build/tests/hsoauth_preload" --db "$work/sbx/bench.db.sandboxes/$id.db" --tokens 10000 --revocable "$revocable" \
  --out-dir "$work/sbx" >/dev/null
rm -f "$work/sbx/bench.db.sandboxes/$id.db.pepper"

for scenario in "S0 healthz:s0_healthz.lua" "S1 introspect:s1_introspect.lua" "S2 refresh:s2_refresh.lua" \
  "S3 code flow:s3_code_flow.lua" "S4 revoke:s4_revoke.lua"; do
  name=${scenario%%:*} script=${scenario#*:}
  serve "$work/root" --max-sandboxes 0
  measure "root, sandboxes off, $name" "$work/root" "$script" ""
  stop
  serve "$work/root"
  measure "root, sandboxes on, $name" "$work/root" "$script" ""
  stop
  serve "$work/sbx"
  measure "in a sandbox, $name" "$work/sbx" "$script" "/sandboxes/$id"
  stop
done
