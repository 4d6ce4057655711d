#!/usr/bin/env bash
# CSV export and homes on 100 000 tickets (SQLite): builds a demo database, adds 100 000 tickets
# with plain SQL, serves it, then measures
#   - the export of the ticket list (`GET /api/v1/tickets?format=csv`) of an administrator
#     (every ticket) and of a contact (half of them): wall time, size, and the server's peak
#     resident memory (VmHWM) before and after, to show that it stays flat;
#   - the dashboards of the homes (`GET /api/v1/dashboard`, the queries `/desk` renders) for an
#     administrator (incident dashboard), an agent and a contact: median of 11 calls.
# Usage: cargo build [--release] && bash bench/export_100k.sh [debug|release]
set -euo pipefail
profile="${1:-release}"
bin="$(cd "$(dirname "$0")/.." && pwd)/target/$profile/guichet"
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
server=""
trap '[ -n "$server" ] && kill "$server"; rm -rf "$work"' EXIT
url="sqlite://$work/b.db?mode=rwc"
columns="ref, kind, title, description, requester_id, organisation_id, offer_id, subcategory_id, impact, urgency, priority, origin, status, team_id, agent_id, visibility, created_at, updated_at, revision"

(cd "$work" && GUICHET_DATABASE_URL="$url" "$bin" demo >/dev/null)
sqlite3 "$work/b.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO ticket ($columns)
SELECT printf('P-%07d', i), CASE WHEN i % 3 = 0 THEN 'request' ELSE 'incident' END,
       CASE WHEN i % 1000 = 0 THEN '=HYPERLINK("x")' ELSE 'Ticket ' || i END, 'x', 6 + i % 2, 5 + i % 2, 1 + i % 3, 1,
       'person', 'low', 'low', 'api',
       CASE i % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'assigned' WHEN 2 THEN 'closed' WHEN 3 THEN 'resolved' ELSE 'pending' END,
       3, CASE WHEN i % 7 = 0 THEN 4 END, 'organisation', datetime('now', '-' || (i / 5) || ' minutes'), datetime('now', '-' || i || ' minutes'), 1
FROM n;
ANALYZE;
SQL
token() { (cd "$work" && GUICHET_DATABASE_URL="$url" "$bin" token create "$1" | grep -Eo 'gch_[A-Za-z0-9_-]+' | head -1); }
admin=$(token admin@demo.guichet)
agent=$(token agent.geforp@demo.guichet)
contact=$(token contact@univ-toulon.demo.guichet)
cd "$work"
GUICHET_DATABASE_URL="$url" GUICHET_LISTEN="127.0.0.1:$port" GUICHET_DEMO=false "$bin" serve >"$work/log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.5; done
hwm() { awk '/VmHWM/ {print $2 " kB"}' "/proc/$server/status"; }

median() {
  local who="$1" token="$2" path="$3" times=()
  for _ in $(seq 11); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path")")
  done
  printf '%s %s: median %s s\n' "$who" "$path" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p)"
}

echo "peak RSS after start: $(hwm)"
median admin "$admin" /api/v1/dashboard
median agent "$agent" /api/v1/dashboard
median contact "$contact" /api/v1/dashboard
echo "peak RSS after the dashboards: $(hwm)"
for who in contact admin; do
  t=$([ $who = admin ] && echo "$admin" || echo "$contact")
  curl -s -o "$work/$who.csv" -w "$who export: %{time_total} s, %{size_download} bytes\n" \
    -H "Authorization: Bearer $t" "http://127.0.0.1:$port/api/v1/tickets?format=csv"
  echo "  rows: $(($(wc -l <"$work/$who.csv") - 1)); neutralised cells: $(grep -c "'=HYPERLINK" "$work/$who.csv" || true)"
  echo "  peak RSS after it: $(hwm)"
done
