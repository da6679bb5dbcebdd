-- The organisation the API benchmark reads: 40 areas with 3 leaders each, 60 other initiatives with a few
-- ratings each, and the initiative under test, "Roll out the new MES on line 3": a lead area, 3 supporting
-- areas (one with an accountable leader who is not the head), 4 required leaders whose latest ratings are
-- aligned, out of line with a resistance note, stale, and missing, over a history of older ratings.
--
-- Run by Benchmarks/api/run as the superuser with psql -v org=<organisation id>.
\set ON_ERROR_STOP on
BEGIN;
SELECT set_config('app.org_id', :'org', true), set_config('app.actor', 'seed', true);

INSERT INTO areas (org_id, name, external_key)
SELECT :'org'::uuid, coalesce(named.name, 'Area ' || n), 'A' || n
FROM generate_series(1, 40) AS n
LEFT JOIN (VALUES (1, 'Operations'), (2, 'Quality'), (3, 'IT'), (4, 'People & HR'), (5, 'Finance'))
  AS named (k, name) ON named.k = n;

INSERT INTO leaders (org_id, area_id, name, email, external_key, timezone)
SELECT a.org_id, a.id, 'Leader ' || a.external_key || '-' || k,
       lower(a.external_key || '-' || k || '@example.com'), a.external_key || '-' || k, 'Europe/Berlin'
FROM areas AS a CROSS JOIN generate_series(1, 3) AS k
WHERE a.org_id = :'org'::uuid;

UPDATE areas AS a SET head_leader_id = l.id
FROM leaders AS l
WHERE a.org_id = :'org'::uuid AND l.org_id = a.org_id AND l.external_key = a.external_key || '-1';

-- Other initiatives, so the tables are not trivially small.
INSERT INTO initiatives (org_id, title, description, lead_area_id, importance, stage, health, start_date,
                         target_date)
SELECT :'org'::uuid, 'Initiative ' || n, 'Background initiative number ' || n,
       (SELECT id FROM areas WHERE org_id = :'org'::uuid AND external_key = 'A' || (1 + n % 40)),
       1 + n % 5, (ARRAY['proposed', 'initiating', 'developing', 'implementing', 'sustaining'])[1 + n % 5],
       (ARRAY['on_track', 'at_risk', 'off_track'])[1 + n % 3], DATE '2025-01-01' + n, DATE '2026-06-30' + n
FROM generate_series(1, 60) AS n;

INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in, source, rated_at)
SELECT i.org_id, i.id, a.head_leader_id, 1 + (k + i.importance) % 5, 'understands', 'workshop',
       now() - make_interval(days => 10 * k)
FROM initiatives AS i
JOIN areas AS a ON a.org_id = i.org_id AND a.id = i.lead_area_id
CROSS JOIN generate_series(1, 3) AS k
WHERE i.org_id = :'org'::uuid;

-- The initiative under test.
INSERT INTO initiatives (org_id, title, description, lead_area_id, sponsor_leader_id, importance, stage, health,
                         start_date, target_date)
SELECT :'org'::uuid, 'Roll out the new MES on line 3',
       'Replace paper travellers with the manufacturing execution system on line 3, then lines 1 and 2.',
       (SELECT id FROM areas WHERE org_id = :'org'::uuid AND external_key = 'A1'),
       (SELECT id FROM leaders WHERE org_id = :'org'::uuid AND external_key = 'A5-1'),
       4, 'implementing', 'at_risk', DATE '2026-02-01', DATE '2026-11-30';

INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support, accountable_leader_id,
                                         created_at)
SELECT i.org_id, i.id, a.id, s.support,
       (SELECT id FROM leaders WHERE org_id = i.org_id AND external_key = s.accountable),
       now() - make_interval(days => 90 - s.k)
FROM initiatives AS i
CROSS JOIN (VALUES (1, 'A2', 'Define the acceptance tests and sign off each line', NULL),
                   (2, 'A3', 'Integrate the MES with the ERP and run the cut-over weekend', 'A3-2'),
                   (3, 'A4', 'Train the operators of all three shifts', NULL))
  AS s (k, area, support, accountable)
JOIN areas AS a ON a.org_id = i.org_id AND a.external_key = s.area
WHERE i.org_id = :'org'::uuid AND i.title = 'Roll out the new MES on line 3';

-- History, then the latest rating per leader: A1-1 aligned (4), A2-1 out of line (2) and resisting, A3-2
-- stale (45 days, outside the 30-day window); A4-1 never rated.
INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in, resistance_note, source,
                               rated_at)
SELECT i.org_id, i.id, l.id, r.priority, r.buy_in, r.note, r.source, now() - make_interval(days => r.age)
FROM initiatives AS i
CROSS JOIN (VALUES ('A1-1', 3, 'aware', NULL, 'workshop', 80),
                   ('A1-1', 4, 'understands', NULL, 'nudge', 40),
                   ('A1-1', 4, 'committed', NULL, 'nudge', 5),
                   ('A2-1', 4, 'understands', NULL, 'workshop', 80),
                   ('A2-1', 2, 'aware', 'Line 3 audit season: we cannot spare testers before Q3', 'nudge', 3),
                   ('A3-2', 5, 'acting', NULL, 'workshop', 80),
                   ('A3-2', 4, 'committed', NULL, 'api', 45))
  AS r (leader, priority, buy_in, note, source, age)
JOIN leaders AS l ON l.org_id = i.org_id AND l.external_key = r.leader
WHERE i.org_id = :'org'::uuid AND i.title = 'Roll out the new MES on line 3';

COMMIT;
ANALYZE;

SELECT id AS initiative_id FROM initiatives
WHERE org_id = :'org'::uuid AND title = 'Roll out the new MES on line 3' \gset
\echo initiative :initiative_id
