#!/usr/bin/env bash
# Reports on 100 000 tickets: builds a demo database with the guichet binary (release if built,
# else debug: plans do not depend on it), adds 100 000 tickets over a year with plain SQL, and
# prints the plan and timing of the reports' grouped queries (volumes by offer and by month,
# the 90th percentile, the pipeline) for a provider's staff (scope: offer 1) and for the
# consortium's coordinator (every offer), on SQLite and, when psql reaches 127.0.0.1:5432, on
# PostgreSQL.
# Usage: cargo build [--release] && bash bench/reports_100k.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/target/release/guichet"
[ -x "$bin" ] || bin="$root/target/debug/guichet"
. "$root/bench/seed_100k.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

from="'2026-01-01 00:00:00'"
to="'2027-01-01 00:00:00'"
volumes_one="SELECT offer_id, COUNT(*), SUM(CASE WHEN status IN ('new','assigned','pending') THEN 1 ELSE 0 END) FROM ticket WHERE offer_id IN (1) AND created_at >= $from AND created_at < $to GROUP BY offer_id"
volumes_all="SELECT offer_id, COUNT(*), SUM(CASE WHEN status IN ('new','assigned','pending') THEN 1 ELSE 0 END) FROM ticket WHERE offer_id IN (1, 2, 3, 4) AND created_at >= $from AND created_at < $to GROUP BY offer_id"
months="SELECT CASE WHEN created_at < '2026-07-01' THEN 0 WHEN created_at < '2026-10-01' THEN 1 ELSE 2 END AS m, COUNT(*) FROM ticket WHERE offer_id IN (1) AND created_at >= '2026-06-01' AND created_at < $to GROUP BY 1"
p90="SELECT offer_id, MIN(seconds) FROM (SELECT offer_id, ttr_spent_seconds AS seconds, ROW_NUMBER() OVER (PARTITION BY offer_id ORDER BY ttr_spent_seconds) AS rank_in_offer, COUNT(*) OVER (PARTITION BY offer_id) AS offer_count FROM ticket WHERE offer_id IN (1) AND created_at >= $from AND created_at < $to AND ttr_outcome IS NOT NULL) ranked WHERE rank_in_offer * 10 >= offer_count * 9 GROUP BY offer_id"
pipeline="SELECT offer_id, state, COUNT(id) FROM evolution WHERE offer_id IN (1, 2, 3, 4) GROUP BY offer_id, state"

echo "== SQLite"
seed_sqlite "$work/b.db" 4 2027-01-01 5
sqlite3 "$work/b.db" <<SQL
.timer on
EXPLAIN QUERY PLAN $volumes_one;
SELECT * FROM ($volumes_one);
EXPLAIN QUERY PLAN $volumes_all;
SELECT * FROM ($volumes_all);
EXPLAIN QUERY PLAN $months;
SELECT * FROM ($months);
EXPLAIN QUERY PLAN $p90;
SELECT * FROM ($p90);
EXPLAIN QUERY PLAN $pipeline;
SQL

if postgres_reachable; then
  echo "== PostgreSQL"
  db="guichet_bench_$$"
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
  trap 'psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$work"' EXIT
  seed_postgres "$db" 4 2027-01-01 5
  psql -h 127.0.0.1 -U postgres -d "$db" -q <<SQL
EXPLAIN ANALYZE $volumes_one;
EXPLAIN ANALYZE $volumes_all;
EXPLAIN ANALYZE $months;
EXPLAIN ANALYZE $p90;
EXPLAIN ANALYZE $pipeline;
SQL
fi
