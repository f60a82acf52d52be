#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running hsoauth with a demo app:
# installs missing packages, builds the server alone (Release, build/hsoauth; the tests are built
# by scripts/test.sh), creates var/hsoauth.db, loads conf/seed.json (again at every start: a
# restart puts the demo back as the file says), prints the demo app's credentials and an
# authorize URL, and serves on 127.0.0.1:8080 (conf/hsoauth.json).
#   ./scripts/serve.sh [--fresh] [hsoauth serve flags...]
# --fresh deletes the database first (apps, hubs, users, installs, tokens and the sandbox clock;
# the pepper file stays) and the sandboxes kept next to it (<db>.sandboxes), so the server starts
# from the seed alone; it refuses while a process
# has that database open (a running server: stop it, or POST /admin/v1/reset to it instead).
# Other arguments go to `hsoauth serve`, e.g.  ./scripts/serve.sh --listen 127.0.0.1:9090
# Environment: HSOAUTH_BUILD_DIR (default build).
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=0
args=()
for arg in "$@"; do
  case $arg in
    --fresh) fresh=1 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) args+=("$arg") ;;
  esac
done
build_dir=${HSOAUTH_BUILD_DIR:-build}
config=conf/hsoauth.json

# The database `hsoauth serve` will open: --db among the arguments, else HSOAUTH_DB, else the
# config file's "db", else the built-in default.
database() {
  local db="" previous=""
  for arg in "${args[@]}"; do
    [ "$previous" = --db ] && db=$arg
    case $arg in --db=*) db=${arg#--db=} ;; esac
    previous=$arg
  done
  [ -n "$db" ] || db=${HSOAUTH_DB:-}
  [ -n "$db" ] || db=$(sed -n 's/^[[:space:]]*"db"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$config" | head -n 1)
  echo "${db:-var/hsoauth.db}"
}

# The id of a process that has `$1` open, if any (only this user's processes are visible).
holder_of() {
  local target
  target=$(realpath -- "$1")
  { find /proc/[0-9]*/fd -maxdepth 1 -type l -printf '%l\t%p\n' 2>/dev/null || true; } \
    | awk -F '\t' -v target="$target" '$1 == target { split($2, part, "/"); print part[3]; found = 1; exit }
                                       END { exit !found }'
}

if [ "$fresh" = 1 ]; then
  db=$(database)
  if [ -e "$db" ]; then
    if pid=$(holder_of "$db"); then
      echo "serve.sh: $db is open in process $pid (a running hsoauth?): stop it first, or start over without" \
           "stopping it: curl -X POST <its URL>/admin/v1/reset -H 'Authorization: Bearer <admin key>'" >&2
      exit 1
    fi
    rm -f -- "$db" "$db-wal" "$db-shm"
    echo "serve.sh: deleted $db (--fresh); the pepper file stays"
  fi
  # The sandboxes' files (docs/sandboxes.md) in their default place: their catalogue was in $db.
  if [ -d "$db.sandboxes" ]; then
    rm -rf -- "$db.sandboxes"
    echo "serve.sh: deleted $db.sandboxes (--fresh)"
  fi
fi

./scripts/deps.sh build
./scripts/build.sh "$build_dir" --target hsoauth
echo "hsoauth binary: $build_dir/hsoauth (try $build_dir/hsoauth --help)"
mkdir -p var
exec "$build_dir/hsoauth" serve --config "$config" "${args[@]}"
