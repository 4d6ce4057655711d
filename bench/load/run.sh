#!/usr/bin/env bash
# The load benchmark: Guichet against a minimal axum + sea-orm app over HTTP, in interleaved
# rounds (bench/README.md, "load/"). Seeds N tickets (bench/seed_100k.sh), starts the release
# `guichet` and `guichet-baseline`, drives both with `wrk`, prints req/s, p50, p99, the ratio to
# the baseline, server CPU per request and peak RSS, and writes the same as JSON.
# Usage: cargo build --release && bench/load/run.sh [--tickets N] [--db sqlite|postgres]
#        [--connections C] [--seconds S] [--rounds R] [--only name,name] [--json FILE]
#        [--bin PATH (another guichet binary, to compare two builds)]
# Needs wrk (Debian: apt-get install wrk), sqlite3, curl, python3; psql for --db postgres.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tickets=100000 db=sqlite drive_args=() bin="$root/target/release/guichet"
while [ $# -gt 0 ]; do
  case "$1" in
    --tickets) tickets="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) drive_args+=("$1"); shift ;;
  esac
done
base_bin="$root/target/release/guichet-baseline"
[ -x "$bin" ] || { echo "build the release binary first: cargo build --release" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
if [ ! -x "$base_bin" ] || [ "$here/baseline/src/main.rs" -nt "$base_bin" ]; then
  CARGO_TARGET_DIR="$root/target" cargo build --release --offline --locked \
    --manifest-path "$here/baseline/Cargo.toml"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$db" = postgres ]; then
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS guichet_load_$$ WITH (FORCE)" 2>/dev/null || true
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS guichet_base_$$ WITH (FORCE)" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
source "$root/bench/seed_100k.sh"

echo "== seeding $tickets tickets on $db"
if [ "$db" = sqlite ]; then
  url="sqlite://$work/g.db?mode=rwc"
  seed_sqlite "$work/g.db" 3 now 1 "$tickets"
  sqlite3 "$work/g.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  cp "$work/g.db" "$work/b.db"
  base_url="sqlite://$work/b.db?mode=rwc"
else
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE guichet_load_$$"
  url="postgres://postgres@127.0.0.1:5432/guichet_load_$$"
  seed_postgres "guichet_load_$$" 3 now 1 "$tickets"
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE guichet_base_$$ TEMPLATE guichet_load_$$"
  base_url="postgres://postgres@127.0.0.1:5432/guichet_base_$$"
fi
token() { (cd "$work" && GUICHET_DATABASE_URL="$url" "$bin" token create "$1" --name load --days 1 | head -1); }
contact_token=$(token contact@univ-toulon.demo.guichet)
agent_token=$(token agent.geforp@demo.guichet)

# Quiet logs and no creation quota: the benchmark measures the requests, not the limiter.
(cd "$work" && GUICHET_DATABASE_URL="$url" GUICHET_LISTEN=127.0.0.1:3200 GUICHET_LOG=warn \
  GUICHET_CREATE_RATE_PER_MINUTE=100000000 GUICHET_CREATE_BURST=100000000 \
  exec "$bin" serve >"$work/guichet.log" 2>&1) &
guichet_pid=$!
pids+=($!)
"$base_bin" "$base_url" 127.0.0.1:3201 >"$work/baseline.log" 2>&1 &
baseline_pid=$!
pids+=($!)
for port in 3200 3201; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
done

# On PostgreSQL, the statements each request issues are counted from the server's log first.
if [ "$db" = postgres ]; then
  pg_log=$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -1)
  [ -r "$pg_log" ] && drive_args+=(--pg-log "$pg_log" --pg-database "guichet_load_$$")
fi
python3 "$here/drive.py" --guichet http://127.0.0.1:3200 --baseline http://127.0.0.1:3201 \
  --guichet-pid "$guichet_pid" --baseline-pid "$baseline_pid" \
  --token "$contact_token" --agent-token "$agent_token" --tickets "$tickets" --db "$db" --scripts "$here" "${drive_args[@]}"
if grep -qiE "error|panic" "$work/guichet.log"; then
  echo "== guichet's log has errors:"; grep -iE "error|panic" "$work/guichet.log" | sort | uniq -c | sort -rn | head -5
fi
