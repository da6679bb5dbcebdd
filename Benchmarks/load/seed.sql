-- One organisation of the load test, as a mid-sized client runs it: 12 areas with 3 leaders each (all reached
-- by the organisation's webhook, no quiet hours, every day a working day, so the worker delivers during the
-- run), 40 initiatives in every stage, each with a lead area and two supporting areas, and a history of
-- ratings; a quarter of the required leaders never answered and a fifth answered long ago, so planning finds
-- work. Goal trees are made by the load client through the API.
--
-- Run by Benchmarks/load/run as the superuser with psql -v org=<organisation id> -v hook=<receiver URL>.
\set ON_ERROR_STOP on
BEGIN;
SELECT set_config('app.org_id', :'org', true), set_config('app.actor', 'seed', true);

UPDATE organisations SET quiet_hours_start = NULL, quiet_hours_end = NULL, working_days = '{1,2,3,4,5,6,7}',
                         nudge_weekly_cap = 5
WHERE org_id = :'org'::uuid;

INSERT INTO webhook_endpoints (org_id, kind, url, secrets)
VALUES (:'org'::uuid, 'webhook', :'hook', ARRAY['load-test-secret']);

INSERT INTO areas (org_id, name, external_key)
SELECT :'org'::uuid, coalesce(named.name, 'Area ' || n), 'A' || n
FROM generate_series(1, 12) AS n
LEFT JOIN (VALUES (1, 'Operations'), (2, 'Quality'), (3, 'IT'), (4, 'People & HR'), (5, 'Finance'))
  AS named (k, name) ON named.k = n;

INSERT INTO leaders (org_id, area_id, name, email, external_key, timezone, channels)
SELECT a.org_id, a.id, 'Leader ' || a.external_key || '-' || k,
       lower(a.external_key || '-' || k || '@example.com'), a.external_key || '-' || k, 'Europe/Berlin',
       '{"webhook": "default"}'
FROM areas AS a CROSS JOIN generate_series(1, 3) AS k
WHERE a.org_id = :'org'::uuid;

UPDATE areas AS a SET head_leader_id = l.id
FROM leaders AS l
WHERE a.org_id = :'org'::uuid AND l.org_id = a.org_id AND l.external_key = a.external_key || '-1';

INSERT INTO initiatives (org_id, title, description, lead_area_id, sponsor_leader_id, importance, stage, health,
                         start_date, target_date)
SELECT :'org'::uuid, 'Initiative ' || n, 'Load test initiative number ' || n,
       (SELECT id FROM areas WHERE org_id = :'org'::uuid AND external_key = 'A' || (1 + n % 12)),
       (SELECT id FROM leaders WHERE org_id = :'org'::uuid AND external_key = 'A' || (1 + (n + 5) % 12) || '-1'),
       1 + n % 5, (ARRAY['proposed', 'initiating', 'developing', 'implementing', 'sustaining'])[1 + n % 5],
       (ARRAY['on_track', 'at_risk', 'off_track'])[1 + n % 3], DATE '2026-01-01' + n, DATE '2027-06-30' + n
FROM generate_series(1, 40) AS n;

INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support)
SELECT i.org_id, i.id, a.id, 'Support from ' || a.name
FROM initiatives AS i
JOIN areas AS lead ON lead.org_id = i.org_id AND lead.id = i.lead_area_id
CROSS JOIN generate_series(1, 2) AS k
JOIN areas AS a ON a.org_id = i.org_id
  AND a.external_key = 'A' || (1 + (substr(lead.external_key, 2)::int + 3 * k) % 12)
WHERE i.org_id = :'org'::uuid;

-- Every required leader (the heads of the lead and supporting areas) rated on most initiatives: recently,
-- long ago (stale), or never.
INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in, source, rated_at)
SELECT i.org_id, i.id, a.head_leader_id, 1 + (h + i.importance) % 5,
       (ARRAY['unaware', 'aware', 'understands', 'committed', 'acting'])[1 + (h + k) % 5], 'workshop',
       now() - make_interval(days => CASE WHEN h % 5 = 0 THEN 60 + 10 * k ELSE 3 + 7 * k END)
FROM initiatives AS i
JOIN (SELECT org_id, initiative_id, area_id FROM initiative_supporting_areas
      UNION ALL SELECT org_id, id, lead_area_id FROM initiatives) AS req
  ON req.org_id = i.org_id AND req.initiative_id = i.id
JOIN areas AS a ON a.org_id = i.org_id AND a.id = req.area_id
CROSS JOIN LATERAL (SELECT abs(hashtext(i.id::text || a.id::text)) AS h) AS hashed
CROSS JOIN generate_series(1, 3) AS k
WHERE i.org_id = :'org'::uuid AND h % 4 <> 0;

COMMIT;
