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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

from="'2026-01-01 00:00:00'"
to="'2027-01-01 00:00:00'"
volumes_one="SELECT offer_id, COUNT(*), SUM(CASE WHEN status IN ('new','assigned','pending') THEN 1 ELSE 0 END) FROM ticket WHERE offer_id IN (1) AND created_at >= $from AND created_at < $to GROUP BY offer_id"
volumes_all="SELECT offer_id, COUNT(*), SUM(CASE WHEN status IN ('new','assigned','pending') THEN 1 ELSE 0 END) FROM ticket WHERE offer_id IN (1, 2, 3, 4) AND created_at >= $from AND created_at < $to GROUP BY offer_id"
months="SELECT CASE WHEN created_at < '2026-07-01' THEN 0 WHEN created_at < '2026-10-01' THEN 1 ELSE 2 END AS m, COUNT(*) FROM ticket WHERE offer_id IN (1) AND created_at >= '2026-06-01' AND created_at < $to GROUP BY 1"
p90="SELECT offer_id, MIN(seconds) FROM (SELECT offer_id, ttr_spent_seconds AS seconds, ROW_NUMBER() OVER (PARTITION BY offer_id ORDER BY ttr_spent_seconds) AS rank_in_offer, COUNT(*) OVER (PARTITION BY offer_id) AS offer_count FROM ticket WHERE offer_id IN (1) AND created_at >= $from AND created_at < $to AND ttr_outcome IS NOT NULL) ranked WHERE rank_in_offer * 10 >= offer_count * 9 GROUP BY offer_id"
pipeline="SELECT offer_id, state, COUNT(id) FROM evolution WHERE offer_id IN (1, 2, 3, 4) GROUP BY offer_id, state"
columns="ref, kind, title, description, requester_id, organisation_id, offer_id, subcategory_id, impact, urgency, priority, origin, status, team_id, agent_id, visibility, created_at, updated_at, revision, ttr_spent_seconds, ttr_outcome"

echo "== SQLite"
(cd "$work" && GUICHET_DATABASE_URL="sqlite://$work/b.db?mode=rwc" "$bin" demo >/dev/null)
sqlite3 "$work/b.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO ticket ($columns)
SELECT printf('P-%07d', i), 'incident', 'Ticket ' || i, 'x', 6 + i % 2, 5 + i % 2, 1 + i % 4, 1,
       'person', 'low', 'low', 'api',
       CASE i % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'assigned' WHEN 2 THEN 'closed' WHEN 3 THEN 'resolved' ELSE 'pending' END,
       3, CASE WHEN i % 7 = 0 THEN 4 END, 'organisation',
       datetime('2027-01-01', '-' || (i * 5) || ' minutes'), datetime('2027-01-01', '-' || (i * 5) || ' minutes'), 1,
       (i * 37) % 86400, CASE WHEN i % 5 IN (2, 3) THEN 'met' END
FROM n;
ANALYZE;
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

if psql -h 127.0.0.1 -U postgres -qc 'SELECT 1' >/dev/null 2>&1; then
  echo "== PostgreSQL"
  db="guichet_bench_$$"
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
  trap 'psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$work"' EXIT
  (cd "$work" && GUICHET_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" "$bin" demo >/dev/null)
  psql -h 127.0.0.1 -U postgres -d "$db" -q <<SQL
INSERT INTO ticket ($columns)
SELECT 'P-' || lpad(i::text, 7, '0'), 'incident', 'Ticket ' || i, 'x', 6 + i % 2, 5 + i % 2, 1 + i % 4, 1,
       'person', 'low', 'low', 'api', (ARRAY['new','assigned','closed','resolved','pending'])[(i % 5) + 1],
       3, CASE WHEN i % 7 = 0 THEN 4 END, 'organisation',
       timestamptz '2027-01-01' - (i * 5 || ' minutes')::interval, timestamptz '2027-01-01' - (i * 5 || ' minutes')::interval, 1,
       (i * 37) % 86400, CASE WHEN i % 5 IN (2, 3) THEN 'met' END
FROM generate_series(1, 100000) AS i;
ANALYZE;
EXPLAIN ANALYZE $volumes_one;
EXPLAIN ANALYZE $volumes_all;
EXPLAIN ANALYZE $months;
EXPLAIN ANALYZE $p90;
EXPLAIN ANALYZE $pipeline;
SQL
fi
