#!/usr/bin/env bash
# Each role's home on 100 000 tickets: seeds a demo database with the shared seeding
# (bench/seed_100k.sh), serves it with the release binary, signs in as each demo role and
# renders its home 50 times in a row with curl, printing the median, p90 and max, on SQLite and,
# when psql reaches 127.0.0.1:5432, on PostgreSQL. On PostgreSQL it also prints the plan of
# every query of one render of each home: `auto_explain` is set on the bench database, and the
# plans are read back from the server's log (POSTGRES_LOG, the Debian cluster's log by default).
# (Logging every plan costs PostgreSQL some time: its medians are a little pessimistic.)
# The server turns sqlx's statement log off, so SQLite's plans are not printed here; the
# grouped queries' SQLite plans are in bench/reports_100k.sh.
# Usage: cargo build --release && bash bench/homes_100k.sh [runs] [release|debug] [step]
# `step` is the minutes between two seeded tickets: 1 (the default) files the 100 000 tickets
# within 69 days, the worst case for the homes' windows (the fortnight chart holds a fifth of
# them, the seven months of service levels all of them); 30 spreads them over 5.7 years, a
# consortium's history at about 17 000 tickets a year. Either way 60 % are open.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/target/${2:-release}/guichet"
. "$root/bench/seed_100k.sh"
runs="${1:-50}"
step="${3:-1}"
work=$(mktemp -d)
server=""
db=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  [ -n "$db" ] && psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  rm -rf "$work"
}
trap cleanup EXIT

# role, account, home
roles="agent agent.geforp@demo.guichet /desk
coordinator coordination@demo.guichet /desk
committee comite@demo.guichet /desk
steering copil@demo.guichet /desk
contact contact@univ-toulon.demo.guichet /portal"

pg_log="${POSTGRES_LOG:-/var/log/postgresql/postgresql-15-main.log}"

# The plans auto_explain wrote for the bench database since byte $1 of the server's log.
plans() {
  tail -c +"$1" "$pg_log" | awk -v db="$db" '
    /LOG:  duration: .* plan:/ { on = index($0, "@" db " ") > 0 }
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / && !/plan:/ { on = 0 }
    on' | sed 's/^/    /'
}

serve() {
  local url="$1" port=$((20000 + RANDOM % 20000))
  base="http://127.0.0.1:$port"
  (cd "$work" && GUICHET_DATABASE_URL="$url" GUICHET_LISTEN="127.0.0.1:$port" GUICHET_DEMO=false \
    exec "$bin" serve >"$work/log" 2>&1) &
  server=$!
  until curl -sf "$base/healthz" >/dev/null; do sleep 0.5; done
}

# Signs `$1` in with the demo password into the cookie jar `$2`.
sign_in() {
  local csrf
  csrf=$(curl -s -c "$2" -b "$2" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -o /dev/null -c "$2" -b "$2" -H "Origin: $base" \
    --data-urlencode "email=$1" --data-urlencode "password=demo" --data-urlencode "_csrf=$csrf" "$base/login"
}

measure() {
  local engine="$1"
  while read -r role account home; do
    local jar="$work/$role.jar"
    sign_in "$account" "$jar"
    local from=0
    [ "$engine" = postgres ] && from=$(($(stat -c %s "$pg_log") + 1))
    local status
    status=$(curl -s -o "$work/$role.html" -w '%{http_code}' -b "$jar" "$base$home")
    [ "$status" = 200 ] || { echo "$role: $home answered $status"; continue; }
    local explained=""
    [ "$engine" = postgres ] && { sleep 1; explained=$(plans "$from"); }
    local times=()
    for _ in $(seq "$runs"); do
      times+=("$(curl -s -o /dev/null -w '%{time_total}' -b "$jar" "$base$home")")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v role="$role" -v home="$home" -v n="$runs" \
      '{ t[NR] = $1 } END { printf "%s %s: median %.1f ms, p90 %.1f ms, max %.1f ms (%d runs)\n", role, home, t[int((n + 1) / 2)] * 1000, t[int(n * 0.9)] * 1000, t[n] * 1000, n }'
    if [ -n "$explained" ]; then printf '  plans of one render:\n%s\n' "$explained"; fi
  done <<<"$roles"
}

echo "== SQLite, a ticket every $step minutes (load: $(cut -d' ' -f1-3 /proc/loadavg))"
seed_sqlite "$work/b.db" 3 now "$step"
serve "sqlite://$work/b.db?mode=rwc"
measure sqlite
kill "$server"
wait "$server" 2>/dev/null || true
server=""

if postgres_reachable; then
  echo "== PostgreSQL, a ticket every $step minutes (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  db="guichet_bench_$$"
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
  seed_postgres "$db" 3 now "$step"
  psql -h 127.0.0.1 -U postgres -qc "ALTER DATABASE $db SET session_preload_libraries = 'auto_explain'"
  psql -h 127.0.0.1 -U postgres -qc "ALTER DATABASE $db SET auto_explain.log_min_duration = 0"
  serve "postgres://postgres@127.0.0.1:5432/$db"
  measure postgres
fi
