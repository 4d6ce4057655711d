#!/usr/bin/env bash
# Ticket lists on 100 000 tickets: builds a demo database with the release binary, adds 100 000
# tickets with plain SQL, and prints the plan and timing of a contact's list page (50 rows) and of
# its total count, on SQLite and, when psql reaches 127.0.0.1:5432, on PostgreSQL.
# Usage: cargo build --release && bash bench/tickets_100k.sh
set -euo pipefail
bin="$(cd "$(dirname "$0")/.." && pwd)/target/release/guichet"
. "$(dirname "$0")/seed_100k.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The contact's page query as the scoped handle builds it (account 6 = Toulon's contact,
# organisation 5 = Toulon), and its count.
page="SELECT * FROM ticket WHERE (requester_id = 6 OR id IN (SELECT ticket_id FROM ticket_participant WHERE account_id = 6) OR (organisation_id IN (5) AND visibility = 'organisation')) AND status IN ('new','assigned','pending') ORDER BY updated_at DESC, id DESC LIMIT 50"
count="SELECT count(*) FROM ticket WHERE (requester_id = 6 OR id IN (SELECT ticket_id FROM ticket_participant WHERE account_id = 6) OR (organisation_id IN (5) AND visibility = 'organisation')) AND status IN ('new','assigned','pending')"
# The desk: an agent of the team that delivers offer 1 (account 4, team 3), all open tickets of
# their scope, and "my tickets".
desk="SELECT * FROM ticket WHERE (requester_id = 4 OR id IN (SELECT ticket_id FROM ticket_participant WHERE account_id = 4) OR offer_id IN (1) OR team_id IN (3)) AND status IN ('new','assigned','pending') ORDER BY updated_at DESC, id DESC LIMIT 50"
mine="SELECT * FROM ticket WHERE (requester_id = 4 OR id IN (SELECT ticket_id FROM ticket_participant WHERE account_id = 4) OR offer_id IN (1) OR team_id IN (3)) AND agent_id = 4 AND status IN ('new','assigned','pending') ORDER BY updated_at DESC, id DESC LIMIT 50"

echo "== SQLite"
seed_sqlite "$work/b.db" 3 now 1
sqlite3 "$work/b.db" <<SQL
.timer on
EXPLAIN QUERY PLAN $page;
SELECT count(*) FROM ($page);
SELECT * FROM ($count);
EXPLAIN QUERY PLAN $desk;
SELECT count(*) FROM ($desk);
EXPLAIN QUERY PLAN $mine;
SELECT count(*) FROM ($mine);
SQL

if postgres_reachable; then
  echo "== PostgreSQL"
  db="guichet_bench_$$"
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
  trap 'psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$work"' EXIT
  seed_postgres "$db" 3 now 1
  psql -h 127.0.0.1 -U postgres -d "$db" -q <<SQL
EXPLAIN ANALYZE $page;
EXPLAIN ANALYZE $count;
EXPLAIN ANALYZE $desk;
EXPLAIN ANALYZE $mine;
SQL
fi
