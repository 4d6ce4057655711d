# Seeding shared by the benchmarks (sourced, not run): adds N plain tickets with SQL to a database
# the release binary's `demo` command built. The tickets belong to Toulon (organisation 5,
# requester 6) and La Rochelle (6, 7) in turn, on offers 1 to 3, team 3, a fifth of them in each
# status, every seventh held by agent 4, one a minute into the past.
#   seed_sqlite FILE N      seed_postgres DATABASE N
ticket_columns="ref, kind, title, description, requester_id, organisation_id, offer_id, subcategory_id, impact, urgency, priority, origin, status, team_id, agent_id, visibility, created_at, updated_at, revision"

seed_sqlite() {
  sqlite3 "$1" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO ticket ($ticket_columns)
SELECT printf('P-%07d', i), 'incident', 'Ticket ' || i, 'x', 6 + i % 2, 5 + i % 2, 1 + i % 3, 1,
       'person', 'low', 'low', 'api',
       CASE i % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'assigned' WHEN 2 THEN 'closed' WHEN 3 THEN 'resolved' ELSE 'pending' END,
       3, CASE WHEN i % 7 = 0 THEN 4 END, 'organisation', datetime('now', '-' || i || ' minutes'), datetime('now', '-' || i || ' minutes'), 1
FROM n;
ANALYZE;
SQL
}

seed_postgres() {
  psql -h 127.0.0.1 -U postgres -d "$1" -q <<SQL
INSERT INTO ticket ($ticket_columns)
SELECT 'P-' || lpad(i::text, 7, '0'), 'incident', 'Ticket ' || i, 'x', 6 + i % 2, 5 + i % 2, 1 + i % 3, 1,
       'person', 'low', 'low', 'api', (ARRAY['new','assigned','closed','resolved','pending'])[(i % 5) + 1],
       3, CASE WHEN i % 7 = 0 THEN 4 END, 'organisation', now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval, 1
FROM generate_series(1, $2) AS i;
ANALYZE;
SQL
}
