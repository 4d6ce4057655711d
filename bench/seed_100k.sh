# Sourced by the benchmarks (not run on its own): a demo database with N more tickets (100 000
# unless a fifth argument says otherwise), added with plain SQL, on SQLite or PostgreSQL.
#
#   seed_sqlite FILE OFFERS BASE STEP [N]     e.g. seed_sqlite "$work/b.db" 3 now 1
#   seed_postgres DB OFFERS BASE STEP [N]     e.g. seed_postgres guichet_bench_1 4 2027-01-01 5
#
# Ticket i (1 to N) is filed STEP × i minutes before BASE (`now`, or a date), on offer
# 1 + i % OFFERS, by Toulon's or Seyne's contact in turn (accounts 6 and 7, organisations 5 and
# 6), in team 3; one in seven is held by agent 4; statuses and priorities cycle; two in five are
# closed or resolved with their time to resolve met. `$bin` must name the guichet binary, which
# builds the demo data first.

seed_columns="ref, kind, title, description, requester_id, organisation_id, offer_id, subcategory_id, impact, urgency, priority, origin, status, team_id, agent_id, visibility, created_at, updated_at, revision, ttr_spent_seconds, ttr_outcome"

seed_sqlite() {
  local file="$1" offers="$2" base="$3" step="$4" tickets="${5:-100000}"
  (cd "$(dirname "$file")" && GUICHET_DATABASE_URL="sqlite://$file?mode=rwc" "$bin" demo >/dev/null)
  sqlite3 "$file" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $tickets)
INSERT INTO ticket ($seed_columns)
SELECT printf('P-%07d', i), CASE WHEN i % 3 = 0 THEN 'request' ELSE 'incident' END, 'Ticket ' || i, 'x',
       6 + i % 2, 5 + i % 2, 1 + i % $offers, 1, 'person', 'low',
       CASE i % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high' ELSE 'critical' END, 'api',
       CASE i % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'assigned' WHEN 2 THEN 'closed' WHEN 3 THEN 'resolved' ELSE 'pending' END,
       3, CASE WHEN i % 7 = 0 THEN 4 END, 'organisation',
       datetime('$base', '-' || (i * $step) || ' minutes'), datetime('$base', '-' || (i * $step) || ' minutes'), 1,
       (i * 37) % 86400, CASE WHEN i % 5 IN (2, 3) THEN 'met' END
FROM n;
ANALYZE;
SQL
}

seed_postgres() {
  local db="$1" offers="$2" base="$3" step="$4" tickets="${5:-100000}"
  [ "$base" = now ] && base="now()" || base="timestamptz '$base'"
  (cd "$work" && GUICHET_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" "$bin" demo >/dev/null)
  psql -h 127.0.0.1 -U postgres -d "$db" -q <<SQL
INSERT INTO ticket ($seed_columns)
SELECT 'P-' || lpad(i::text, 7, '0'), CASE WHEN i % 3 = 0 THEN 'request' ELSE 'incident' END, 'Ticket ' || i, 'x',
       6 + i % 2, 5 + i % 2, 1 + i % $offers, 1, 'person', 'low',
       (ARRAY['low','medium','high','critical'])[(i % 4) + 1], 'api',
       (ARRAY['new','assigned','closed','resolved','pending'])[(i % 5) + 1],
       3, CASE WHEN i % 7 = 0 THEN 4 END, 'organisation',
       $base - (i * $step || ' minutes')::interval, $base - (i * $step || ' minutes')::interval, 1,
       (i * 37) % 86400, CASE WHEN i % 5 IN (2, 3) THEN 'met' END
FROM generate_series(1, $tickets) AS i;
ANALYZE;
SQL
}

# Whether psql reaches the benchmarks' PostgreSQL server.
postgres_reachable() {
  psql -h 127.0.0.1 -U postgres -qc 'SELECT 1' >/dev/null 2>&1
}
