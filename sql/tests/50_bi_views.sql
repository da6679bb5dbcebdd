-- The bi views: the catalog rules every view must follow (so a view added
-- later without them fails here), tenant walls for BI logins, and the values
-- of alignment, its trend and goal-tree roll-ups on crafted data.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
\ir fixtures/two_orgs.psql
SELECT no_plan();

CREATE VIEW test_support.bi_views AS
  SELECT c.oid::regclass AS tbl, c.relname::text AS name
  FROM pg_class AS c
  WHERE c.relnamespace = 'bi'::regnamespace AND c.relkind = 'v';

------------------------------------------------------------------------------
-- Catalog
------------------------------------------------------------------------------

SELECT has_schema('bi', 'schema bi exists');
SELECT has_view('bi', v, format('view bi.%s exists', v))
FROM unnest(ARRAY['initiatives', 'alignment_matrix', 'alignment_trend',
                  'goal_tree_nodes', 'nudge_activity', 'ld_roi_latest', 'ld_roi_history',
                  'ld_participation', 'portfolio', 'time_to_alignment',
                  'time_to_alignment_areas', 'skill_gaps', 'skill_gaps_by_area',
                  'readiness_answers', 'readiness_by_group']) AS v;

SELECT is_empty($$
  SELECT c.relname || ' (relkind ' || c.relkind::text || ')'
  FROM pg_class AS c
  WHERE c.relnamespace = 'bi'::regnamespace AND c.relkind <> 'v'
$$, 'schema bi holds only plain views (no tables or materialized views, which RLS would not guard)');

SELECT is_empty($$
  SELECT c.oid::regclass::text
  FROM pg_class AS c
  WHERE c.relkind = 'v'
    AND (c.relnamespace = 'bi'::regnamespace OR c.oid = 'app.bi_required_leaders'::regclass)
    AND NOT EXISTS (SELECT 1 FROM pg_options_to_table(c.reloptions) AS o
                    WHERE o.option_name = 'security_invoker'
                      AND lower(o.option_value) IN ('true', 'on', '1', 'yes'))
$$, 'every bi view (and its helper) is security_invoker, so RLS applies to the querying role');

SELECT is_empty($$
  SELECT v.name FROM test_support.bi_views AS v
  WHERE coalesce(btrim(obj_description(v.tbl, 'pg_class')), '') = ''
$$, 'every bi view has a comment');

SELECT is_empty($$
  SELECT v.name || '.' || a.attname
  FROM test_support.bi_views AS v
  JOIN pg_attribute AS a ON a.attrelid = v.tbl AND a.attnum > 0 AND NOT a.attisdropped
  WHERE coalesce(btrim(col_description(v.tbl, a.attnum)), '') = ''
$$, 'every column of every bi view has a comment');

SELECT is_empty($$
  SELECT v.name || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
  FROM test_support.bi_views AS v
  JOIN pg_attribute AS a ON a.attrelid = v.tbl AND a.attnum > 0 AND NOT a.attisdropped
  WHERE a.atttypid IN ('json'::regtype, 'jsonb'::regtype)
     OR (SELECT t.typcategory FROM pg_type AS t WHERE t.oid = a.atttypid) = 'A'
$$, 'no bi column is json, jsonb or an array');

SELECT is_empty($$
  SELECT v.name || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
  FROM test_support.bi_views AS v
  JOIN pg_attribute AS a ON a.attrelid = v.tbl AND a.attnum > 0 AND NOT a.attisdropped
  WHERE NOT (a.atttypid IN ('text'::regtype, 'integer'::regtype, 'numeric'::regtype,
                            'boolean'::regtype, 'date'::regtype, 'timestamptz'::regtype)
             OR (a.atttypid = 'uuid'::regtype AND a.attname ~ '_id$'))
$$, 'bi columns are text, integer, numeric, boolean, date or timestamptz (uuid only for *_id keys)');

SELECT is_empty($$
  SELECT v.name || coalesce('.' || a.attname, '')
  FROM test_support.bi_views AS v
  LEFT JOIN pg_attribute AS a
    ON a.attrelid = v.tbl AND a.attnum > 0 AND NOT a.attisdropped
   AND a.attname !~ '^[a-z][a-z0-9]*(_[a-z0-9]+)*$'
  WHERE v.name !~ '^[a-z][a-z0-9]*(_[a-z0-9]+)*$' OR a.attname IS NOT NULL
$$, 'bi view and column names are snake_case');

SELECT is_empty($$
  SELECT v.name FROM test_support.bi_views AS v
  WHERE NOT EXISTS (SELECT 1 FROM pg_attribute AS a
                    WHERE a.attrelid = v.tbl AND a.attname = 'org_id'
                      AND a.atttypid = 'uuid'::regtype)
$$, 'every bi view has an org_id column to filter and join on');

SELECT is_empty($$
  SELECT r.role || ' ' || v.name
  FROM test_support.bi_views AS v
  CROSS JOIN (VALUES ('concord_bi'), ('concord_api'), ('concord_worker')) AS r (role)
  WHERE NOT has_table_privilege(r.role, v.tbl, 'SELECT')
     OR NOT has_schema_privilege(r.role, 'bi', 'USAGE')
$$, 'concord_bi, concord_api and concord_worker may read every bi view');

SELECT is_empty($$
  SELECT r.role || ' ' || p.priv || ' ' || v.name
  FROM test_support.bi_views AS v
  CROSS JOIN (VALUES ('concord_bi'), ('concord_api'), ('concord_worker')) AS r (role)
  CROSS JOIN (VALUES ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE')) AS p (priv)
  WHERE has_table_privilege(r.role, v.tbl, p.priv)
  UNION ALL
  SELECT r.role || ' CREATE on bi'
  FROM (VALUES ('concord_bi'), ('concord_api'), ('concord_worker')) AS r (role)
  WHERE has_schema_privilege(r.role, 'bi', 'CREATE')
$$, 'no app role may write through a bi view or create in schema bi');

------------------------------------------------------------------------------
-- Tenant walls: BI logins see exactly the organisations granted to them
------------------------------------------------------------------------------

CREATE FUNCTION test_support.bi_login(suffix text) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT 'concord_pgtap_bi50_' || suffix || '_' || pg_backend_pid() $$;

DO $$
BEGIN
  EXECUTE format('CREATE ROLE %I LOGIN IN ROLE concord_bi', test_support.bi_login('b'));
  EXECUTE format('CREATE ROLE %I LOGIN IN ROLE concord_bi', test_support.bi_login('both'));
  EXECUTE format('CREATE ROLE %I LOGIN IN ROLE concord_bi', test_support.bi_login('none'));
  INSERT INTO auth.bi_role_grants (role_name, org_id) VALUES
    (test_support.bi_login('b'), test_support.org_b()),
    (test_support.bi_login('both'), test_support.org_a()),
    (test_support.bi_login('both'), test_support.org_b());
END
$$;

SELECT cmp_ok(test_support.row_count(v.tbl, o.org), '>', 0::bigint,
  format('the fixture gives bi.%s rows of organisation %s', v.name, o.slug))
FROM test_support.bi_views AS v
CROSS JOIN (VALUES (test_support.org_a(), 'A'), (test_support.org_b(), 'B')) AS o (org, slug)
ORDER BY v.name, o.slug;

SELECT is(
  test_support.outcome(test_support.bi_login('b'), test_support.org_a()::text,
    format('SELECT count(*) FILTER (WHERE org_id = %L) || ''/'' || count(*) FROM %s',
           test_support.org_b(), v.tbl), true),
  test_support.row_count(v.tbl, test_support.org_b()) || '/'
    || test_support.row_count(v.tbl, test_support.org_b()),
  format('BI login granted B sees all of B''s rows of bi.%s and nothing else, even with app.org_id set to A', v.name))
FROM test_support.bi_views AS v ORDER BY v.name;

SELECT is(
  test_support.outcome(test_support.bi_login('both'), NULL,
    format('SELECT count(DISTINCT org_id) || ''/'' || count(*) FROM %s', v.tbl), true),
  '2/' || (test_support.row_count(v.tbl, test_support.org_a())
           + test_support.row_count(v.tbl, test_support.org_b())),
  format('the consultancy''s BI login granted A and B sees both in bi.%s', v.name))
FROM test_support.bi_views AS v ORDER BY v.name;

SELECT is(
  test_support.outcome(test_support.bi_login('none'), test_support.org_b()::text,
    format('SELECT count(*) FROM %s', v.tbl), true),
  '0',
  format('a BI login without grants sees nothing in bi.%s', v.name))
FROM test_support.bi_views AS v ORDER BY v.name;

SELECT is(
  test_support.outcome('concord_bi', test_support.org_b()::text,
    format('SELECT count(*) FROM %s', v.tbl)),
  '0',
  format('the concord_bi group role itself sees nothing in bi.%s', v.name))
FROM test_support.bi_views AS v ORDER BY v.name;

SELECT is(
  test_support.outcome('concord_api', test_support.org_a()::text,
    format('SELECT count(*) FILTER (WHERE org_id = %L) || ''/'' || count(*) FROM %s',
           test_support.org_a(), v.tbl)),
  test_support.row_count(v.tbl, test_support.org_a()) || '/'
    || test_support.row_count(v.tbl, test_support.org_a()),
  format('concord_api with app.org_id = A sees only A''s rows of bi.%s', v.name))
FROM test_support.bi_views AS v ORDER BY v.name;

SELECT is(
  test_support.outcome(test_support.bi_login('b'), NULL,
    format('SELECT count(*) FROM app.bi_required_leaders WHERE org_id <> %L', test_support.org_b()),
    true),
  '42501:permission denied for schema app',
  'a BI login cannot reach the helper view app.bi_required_leaders by name');

SELECT is(
  test_support.outcome(test_support.bi_login('b'), NULL, format('SELECT count(*) FROM %s', t), true),
  '42501:permission denied for schema public',
  format('a BI login cannot read the base table %s, only the bi views over it', t))
FROM unnest(ARRAY['public.audit_log', 'public.initiatives', 'public.alignment_ratings',
                  'public.organisations', 'public.nudges', 'public.ld_roi_results']) AS t;

SELECT is_empty($$
  SELECT n.nspname FROM pg_namespace AS n
  WHERE has_schema_privilege('concord_bi', n.oid, 'USAGE')
    AND n.nspname NOT IN ('bi', 'pg_catalog', 'information_schema', 'test_support')
    AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
$$, 'concord_bi may use schema bi only (besides the catalogs)');

------------------------------------------------------------------------------
-- Crafted data in organisation A (written as the superuser)
------------------------------------------------------------------------------

-- Local noon n days ago in A's time zone (Europe/Berlin): whole days apart
-- whatever the time of day the test runs, and clear of DST edges.
CREATE FUNCTION test_support.noon(days_ago integer) RETURNS timestamptz LANGUAGE sql STABLE
AS $$ SELECT (((now() AT TIME ZONE 'Europe/Berlin')::date - days_ago) + time '12:00')
             AT TIME ZONE 'Europe/Berlin' $$;
CREATE FUNCTION test_support.local_day(days_ago integer) RETURNS date LANGUAGE sql STABLE
AS $$ SELECT (now() AT TIME ZONE 'Europe/Berlin')::date - days_ago $$;

-- Leaders (ids c1..), all in organisation A.
INSERT INTO leaders (org_id, id, name, archived_at)
SELECT test_support.org_a(), ('c1000000-0000-4000-8000-0000000000' || n)::uuid, name,
       CASE WHEN name = 'Archie' THEN now() END
FROM (VALUES ('01', 'Hana'), ('02', 'Li'), ('03', 'Lars'), ('04', 'Archie'),
             ('05', 'Mo'), ('06', 'Xavier'), ('07', 'Hugo'), ('08', 'Lena'),
             ('09', 'Hal')) AS v (n, name);

-- Areas (ids c2..) with their heads.
INSERT INTO areas (org_id, id, name, head_leader_id)
SELECT test_support.org_a(), ('c2000000-0000-4000-8000-0000000000' || n)::uuid, name,
       ('c1000000-0000-4000-8000-0000000000' || head)::uuid
FROM (VALUES ('01', 'Ops', '01'), ('02', 'S1', '06'), ('03', 'S2', '03'),
             ('04', 'S3', '04'), ('05', 'S4', '05'), ('06', 'S5', '06'),
             ('07', 'Trend lead', '07'), ('08', 'Trend support', '08'),
             ('09', 'Decay lead', '09')) AS v (n, name, head);

-- Initiative c3..01: importance 4, 30-day window. Required: Hana (lead head;
-- also accountable for S5: counted once), Li (accountable for S1, whose head
-- Xavier is therefore not required), Lars (head of S2), Mo (head of S4).
-- Archie heads S3 but is archived: not required.
INSERT INTO initiatives (org_id, id, title, lead_area_id, importance, revisit_cadence_days)
VALUES (test_support.org_a(), 'c3000000-0000-4000-8000-000000000001', 'Crafted alignment',
        'c2000000-0000-4000-8000-000000000001', 4, 30);
INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support, accountable_leader_id)
SELECT test_support.org_a(), 'c3000000-0000-4000-8000-000000000001',
       ('c2000000-0000-4000-8000-0000000000' || area)::uuid, 'support',
       ('c1000000-0000-4000-8000-0000000000' || leader)::uuid
FROM (VALUES ('02', '02'), ('03', NULL), ('04', NULL), ('05', NULL), ('06', '01')) AS v (area, leader);
INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in, rated_at)
SELECT test_support.org_a(), 'c3000000-0000-4000-8000-000000000001',
       ('c1000000-0000-4000-8000-0000000000' || leader)::uuid, priority, 'aware', at
FROM (VALUES ('01', 3, now() - interval '40 days'),   -- Hana, superseded
             ('01', 5, now() - interval '1 day'),     -- Hana, latest: fresh, aligned
             ('02', 2, now() - interval '2 days'),    -- Li: fresh, out of line
             ('03', 4, now() - interval '40 days'),   -- Lars: stale
             ('04', 4, now() - interval '12 hours'),  -- Archie: archived, ignored
             ('06', 4, now() - interval '12 hours')   -- Xavier: not required, ignored
     ) AS v (leader, priority, at);

SELECT is(
  (SELECT (required_leaders, aligned_leaders, out_of_line_leaders, stale_leaders,
           missing_leaders, alignment_index, priority_spread, last_revisit_at)::text
   FROM bi.initiatives WHERE initiative_id = 'c3000000-0000-4000-8000-000000000001'),
  (4, 1, 1, 1, 1, 0.25::numeric, 3, now() - interval '1 day')::text,
  'bi.initiatives: 4 required leaders (one counted once, an archived head and an overridden head left out), 1 aligned, 1 out of line, 1 stale, 1 missing: index 0.25');

SELECT is(
  (SELECT alignment_index FROM bi.initiatives
   WHERE initiative_id = 'c3000000-0000-4000-8000-000000000001'),
  1::numeric / 4, 'the alignment index equals aligned / required exactly');

SELECT results_eq($$
  SELECT leader_name, role, area_name, latest_priority, freshness, alignment_status, is_aligned
  FROM bi.alignment_matrix
  WHERE initiative_id = 'c3000000-0000-4000-8000-000000000001'
  ORDER BY leader_name
$$, $$
  VALUES ('Hana'::text, 'lead'::text, 'Ops'::text, 5, 'fresh'::text, 'aligned'::text, true),
         ('Lars', 'supporting', 'S2', 4, 'stale', 'stale', false),
         ('Li', 'supporting', 'S1', 2, 'fresh', 'out_of_line', false),
         ('Mo', 'supporting', 'S4', NULL, 'missing', 'missing', false)
$$, 'bi.alignment_matrix: one row per required leader with the latest rating, fresh or stale, aligned or not');

-- Initiative c3..02 for the trend, created 10 days ago: Hugo (lead head)
-- rates in line 5 days ago, Lena (supporting head) 2 days ago.
INSERT INTO initiatives (org_id, id, title, lead_area_id, importance, revisit_cadence_days, created_at)
VALUES (test_support.org_a(), 'c3000000-0000-4000-8000-000000000002', 'Crafted trend',
        'c2000000-0000-4000-8000-000000000007', 3, 30, test_support.noon(10));
INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support)
VALUES (test_support.org_a(), 'c3000000-0000-4000-8000-000000000002',
        'c2000000-0000-4000-8000-000000000008', 'communicate');
INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, rated_at) VALUES
  (test_support.org_a(), 'c3000000-0000-4000-8000-000000000002',
   'c1000000-0000-4000-8000-000000000007', 3, test_support.noon(5)),
  (test_support.org_a(), 'c3000000-0000-4000-8000-000000000002',
   'c1000000-0000-4000-8000-000000000008', 4, test_support.noon(2));

SELECT is(
  (SELECT array_agg(alignment_index ORDER BY day) FROM bi.alignment_trend
   WHERE initiative_id = 'c3000000-0000-4000-8000-000000000002'),
  ARRAY[0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1]::numeric[],
  'bi.alignment_trend: one row per day since creation; the index rises on the days the ratings arrived');
SELECT is(
  (SELECT (min(day), max(day))::text FROM bi.alignment_trend
   WHERE initiative_id = 'c3000000-0000-4000-8000-000000000002'),
  (test_support.local_day(10), test_support.local_day(0))::text,
  'bi.alignment_trend runs from the creation day to today, in the organisation''s time zone');
SELECT is(
  (SELECT string_agg(day::text || '=' || alignment_index, ' ' ORDER BY day) FROM bi.alignment_trend
   WHERE initiative_id = 'c3000000-0000-4000-8000-000000000002'
     AND day IN (test_support.local_day(6), test_support.local_day(5),
                 test_support.local_day(3), test_support.local_day(2))),
  format('%s=0 %s=0.5 %s=0.5 %s=1', test_support.local_day(6), test_support.local_day(5),
         test_support.local_day(3), test_support.local_day(2)),
  'the index changes on the day a rating arrived, not before');
SELECT is(
  (SELECT alignment_index FROM bi.alignment_trend
   WHERE initiative_id = t.initiative_id AND day = test_support.local_day(0)),
  t.alignment_index,
  format('today''s trend row equals bi.initiatives for %s', t.title))
FROM bi.initiatives AS t
WHERE t.org_id = test_support.org_a()
ORDER BY t.title;

-- Initiative c3..03: a 2-day window. Hal rates in line at noon 5 days ago:
-- fresh at the end of that day and the next, stale from the end of the one
-- after, though nobody looked on those days.
INSERT INTO initiatives (org_id, id, title, lead_area_id, importance, revisit_cadence_days, created_at)
VALUES (test_support.org_a(), 'c3000000-0000-4000-8000-000000000003', 'Crafted decay',
        'c2000000-0000-4000-8000-000000000009', 2, 2, test_support.noon(6));
INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, rated_at) VALUES
  (test_support.org_a(), 'c3000000-0000-4000-8000-000000000003',
   'c1000000-0000-4000-8000-000000000009', 2, test_support.noon(5));
SELECT is(
  (SELECT array_agg(alignment_index ORDER BY day) || array_agg(fresh_leaders ORDER BY day)::numeric[]
   FROM bi.alignment_trend WHERE initiative_id = 'c3000000-0000-4000-8000-000000000003'),
  ARRAY[0, 1, 1, 0, 0, 0, 0,  0, 1, 1, 0, 0, 0, 0]::numeric[],
  'bi.alignment_trend: a rating goes stale on the first day that ends outside the revisit window');

-- A later rating replaces an earlier one from its day on (Hal rates out of
-- line 1 day ago, after a fresh in-line one 2 days ago).
INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, rated_at) VALUES
  (test_support.org_a(), 'c3000000-0000-4000-8000-000000000003',
   'c1000000-0000-4000-8000-000000000009', 2, test_support.noon(2)),
  (test_support.org_a(), 'c3000000-0000-4000-8000-000000000003',
   'c1000000-0000-4000-8000-000000000009', 5, test_support.noon(1));
SELECT is(
  (SELECT array_agg(aligned_leaders ORDER BY day) || array_agg(fresh_leaders ORDER BY day)
   FROM bi.alignment_trend WHERE initiative_id = 'c3000000-0000-4000-8000-000000000003'),
  ARRAY[0, 1, 1, 0, 1, 0, 0,  0, 1, 1, 0, 1, 1, 1],
  'bi.alignment_trend: the latest rating as of each day counts, an out-of-line one is fresh but not aligned');

SELECT is(
  (SELECT (active_initiatives, required_pairs, aligned_pairs, out_of_line_pairs, overdue_revisits)::text
   FROM bi.portfolio WHERE org_id = test_support.org_a()),
  (4, 2 + 4 + 2 + 1, 1 + 1 + 2 + 0, 1 + 1 + 0 + 1, 0 + 2 + 0 + 0)::text,
  'bi.portfolio sums the required pairs of the active initiatives: aligned, out of line, overdue');
SELECT is(
  (SELECT average_alignment_index FROM bi.portfolio WHERE org_id = test_support.org_a()),
  (0.5 + 0.25 + 1 + 0) / 4::numeric,
  'bi.portfolio averages the alignment index of the active initiatives');
UPDATE initiatives SET health = 'at_risk' WHERE org_id = test_support.org_a()
  AND id = 'c3000000-0000-4000-8000-000000000001';
UPDATE initiatives SET health = 'off_track', stage = 'closed' WHERE org_id = test_support.org_a()
  AND id = 'c3000000-0000-4000-8000-000000000002';
SELECT is(
  (SELECT (active_initiatives, on_track_initiatives, at_risk_initiatives, off_track_initiatives)::text
   FROM bi.portfolio WHERE org_id = test_support.org_a()),
  '(3,2,1,0)',
  'bi.portfolio counts active initiatives by health; closed ones are left out');

------------------------------------------------------------------------------
-- Nudge activity: counts, answer rate and median time to answer per week
------------------------------------------------------------------------------

-- Hana (lead head of c3..01, area Ops) gets three out_of_line nudges in ISO
-- week 2024-W02 (Berlin), two answered after 2 and 4 hours, and one stale_rating
-- nudge the week after that is never answered.
INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, state, due_at, sent_at,
                    channel, token_hash, token_expires_at, answered_at)
SELECT test_support.org_a(), 'c3000000-0000-4000-8000-000000000001',
       'c1000000-0000-4000-8000-000000000001', reason, period, state, sent, sent, 'email',
       sha256(convert_to('bi-nudge-' || period || reason, 'UTF8')), sent + interval '14 days',
       sent + answered_after
FROM (VALUES ('out_of_line', 'c1', 'answered', timestamptz '2024-01-08 08:00+01', interval '2 hours'),
             ('out_of_line', 'c2', 'answered', timestamptz '2024-01-10 09:00+01', interval '4 hours'),
             ('out_of_line', 'c3', 'sent', timestamptz '2024-01-14 23:30+01', NULL),
             ('stale_rating', 'c4', 'sent', timestamptz '2024-01-15 00:30+01', NULL)
     ) AS v (reason, period, state, sent, answered_after);

SELECT results_eq($$
  SELECT iso_year, iso_week, week_start, area_name, leader_name, reason, nudges_sent,
         nudges_answered, answer_rate, median_hours_to_answer
  FROM bi.nudge_activity
  WHERE leader_id = 'c1000000-0000-4000-8000-000000000001'
  ORDER BY week_start, reason
$$, $$
  VALUES (2024, 2, DATE '2024-01-08', 'Ops'::text, 'Hana'::text, 'out_of_line'::text, 3, 2,
          0.6667::numeric, 3.00::numeric),
         (2024, 3, DATE '2024-01-15', 'Ops', 'Hana', 'stale_rating', 1, 0, 0, NULL)
$$, 'bi.nudge_activity: per ISO week (organisation''s time zone), area, leader and reason: sent, answered, answer rate, median hours to answer');

------------------------------------------------------------------------------
-- L&D ROI: latest figures, history, participation by level, portfolio
------------------------------------------------------------------------------

INSERT INTO ld_programmes (org_id, id, title, initiative_id)
VALUES (test_support.org_a(), 'c6000000-0000-4000-8000-000000000001', 'Crafted programme',
        'c3000000-0000-4000-8000-000000000001');
INSERT INTO ld_costs (org_id, programme_id, category, amount)
VALUES (test_support.org_a(), 'c6000000-0000-4000-8000-000000000001', 'delivery', 1000);
INSERT INTO ld_participants (org_id, programme_id, person_name, completed, reaction, learning)
VALUES (test_support.org_a(), 'c6000000-0000-4000-8000-000000000001', 'P1', true, 4, 80),
       (test_support.org_a(), 'c6000000-0000-4000-8000-000000000001', 'P2', NULL, 5, NULL);
SELECT is(app.ld_compute_roi(test_support.org_a()), 1::bigint, 'the crafted programme is computed');
-- The first computation a day earlier, so the history has an order.
UPDATE ld_roi_results SET computed_at = now() - interval '1 day'
WHERE org_id = test_support.org_a() AND programme_id = 'c6000000-0000-4000-8000-000000000001';

SELECT is(
  (SELECT (is_current, total_cost, bcr, roi_percent, payback_unavailable_reason)::text
   FROM bi.ld_roi_latest WHERE programme_id = 'c6000000-0000-4000-8000-000000000001'),
  '(t,1000,0,-100,no_benefits)',
  'bi.ld_roi_latest: a programme with costs and no benefits yet: BCR 0, ROI -100 %, no payback');

INSERT INTO ld_impact_measures
  (org_id, programme_id, name, unit, baseline, after, unit_value, direction, period,
   attribution, isolation_method, confidence)
VALUES (test_support.org_a(), 'c6000000-0000-4000-8000-000000000001', 'productivity', 'deals',
        0, 10, 300, 'higher_is_better', 'per_year', 1, 'control_group', 1);
SELECT is(
  (SELECT is_current FROM bi.ld_roi_latest WHERE programme_id = 'c6000000-0000-4000-8000-000000000001'),
  false, 'bi.ld_roi_latest: new inputs make the latest figures not current');
SELECT is(app.ld_compute_roi(test_support.org_a()), 1::bigint, 'the crafted programme is computed again');

SELECT is(
  (SELECT (is_current, total_cost, benefits, bcr, roi_percent, payback_months, participants,
           completion_rate, level1_mean)::text
   FROM bi.ld_roi_latest WHERE programme_id = 'c6000000-0000-4000-8000-000000000001'),
  '(t,1000,3000,3,200,4,2,1,4.5)',
  'bi.ld_roi_latest: the newest computation: benefits 3000 on cost 1000, BCR 3, ROI 200 %, payback 4 months');
SELECT results_eq($$
  SELECT roi_percent, is_latest, is_current FROM bi.ld_roi_history
  WHERE programme_id = 'c6000000-0000-4000-8000-000000000001' ORDER BY computed_at
$$, $$ VALUES (-100::numeric, false, false), (200, true, true) $$,
  'bi.ld_roi_history: every computation, the newest marked latest and current');
SELECT results_eq($$
  SELECT level, level_name, participants, participants_completed, participants_measured,
         measured_share, mean_score, min_score, max_score
  FROM bi.ld_participation
  WHERE programme_id = 'c6000000-0000-4000-8000-000000000001' ORDER BY level
$$, $$
  VALUES (1, 'reaction'::text, 2, 1, 2, 1.0000::numeric, 4.5::numeric, 4::numeric, 5::numeric),
         (2, 'learning', 2, 1, 1, 0.5000, 80, 80, 80),
         (3, 'application', 2, 1, 0, 0.0000, NULL, NULL, NULL)
$$, 'bi.ld_participation: one row per programme and level 1-3, participants measured at each and their scores');
SELECT is(
  (SELECT (ld_programmes, ld_programmes_computed, ld_total_cost, ld_benefits, ld_roi_percent)::text
   FROM bi.portfolio WHERE org_id = test_support.org_a()),
  (SELECT (count(*), count(*), sum(total_cost), sum(benefits),
           trim_scale(round((sum(benefits) - sum(total_cost)) * 100 / sum(total_cost), 4)))::text
   FROM bi.ld_roi_latest WHERE org_id = test_support.org_a()),
  'bi.portfolio: the ROI of the organisation''s active programmes taken together');

------------------------------------------------------------------------------
-- Goal tree roll-up over a DAG with a red leaf
------------------------------------------------------------------------------

--            Goal (90)
--     /          |            \
--  Alpha CSF (80) Beta CSF (-)  Gamma CSF (60)
--        \       /               |
--       Shared NC (70)        Amber leaf (amber, -)
--            |
--        Red leaf (red, 40)
INSERT INTO goal_trees (org_id, id, name)
VALUES (test_support.org_a(), 'c4000000-0000-4000-8000-000000000001', 'DAG');
INSERT INTO goal_nodes (org_id, id, tree_id, kind, title, status, confidence, accountable_leader_id)
SELECT test_support.org_a(), ('c5000000-0000-4000-8000-0000000000' || n)::uuid,
       'c4000000-0000-4000-8000-000000000001', kind, title, status, confidence,
       CASE WHEN n = '05' THEN 'c1000000-0000-4000-8000-000000000001'::uuid END
FROM (VALUES ('01', 'goal', 'Goal', 'green', 90),
             ('02', 'critical_success_factor', 'Alpha CSF', 'green', 80),
             ('03', 'critical_success_factor', 'Beta CSF', 'green', NULL),
             ('04', 'critical_success_factor', 'Gamma CSF', 'green', 60),
             ('05', 'necessary_condition', 'Shared NC', 'green', 70),
             ('06', 'necessary_condition', 'Red leaf', 'red', 40),
             ('07', 'necessary_condition', 'Amber leaf', 'amber', NULL)
     ) AS v (n, kind, title, status, confidence);
INSERT INTO goal_links (org_id, parent_id, child_id)
SELECT test_support.org_a(), ('c5000000-0000-4000-8000-0000000000' || p)::uuid,
       ('c5000000-0000-4000-8000-0000000000' || c)::uuid
FROM (VALUES ('01', '02'), ('01', '03'), ('01', '04'), ('03', '05'), ('02', '05'),
             ('05', '06'), ('04', '07')) AS v (p, c);
INSERT INTO initiative_goal_nodes (org_id, initiative_id, node_id) VALUES
  (test_support.org_a(), 'c3000000-0000-4000-8000-000000000001', 'c5000000-0000-4000-8000-000000000006'),
  (test_support.org_a(), 'c3000000-0000-4000-8000-000000000002', 'c5000000-0000-4000-8000-000000000006'),
  (test_support.org_a(), 'c3000000-0000-4000-8000-000000000001', 'c5000000-0000-4000-8000-000000000007');

SELECT results_eq($$
  SELECT title, status, confidence, rolled_up_status, rolled_up_confidence
  FROM bi.goal_tree_nodes
  WHERE tree_id = 'c4000000-0000-4000-8000-000000000001'
  ORDER BY path
$$, $$
  VALUES ('Goal'::text, 'green'::text, 90, 'red'::text, 40),
         ('Alpha CSF', 'green', 80, 'red', 40),
         ('Shared NC', 'green', 70, 'red', 40),
         ('Red leaf', 'red', 40, 'red', 40),
         ('Beta CSF', 'green', NULL, 'red', 40),
         ('Gamma CSF', 'green', 60, 'amber', 60),
         ('Amber leaf', 'amber', NULL, 'amber', NULL)
$$, 'bi.goal_tree_nodes: a red leaf makes every ancestor red along all its paths; amber rolls up where no red is below; confidence is the minimum, ignoring nodes not estimated');

SELECT results_eq($$
  SELECT title, kind, parent_path, depth, parent_count, child_count, descendant_count,
         initiatives_linked, initiatives_linked_below, accountable_leader_name
  FROM bi.goal_tree_nodes
  WHERE tree_id = 'c4000000-0000-4000-8000-000000000001'
  ORDER BY path
$$, $$
  VALUES ('Goal'::text, 'goal'::text, NULL::text, 0, 0, 3, 6, 0, 2, NULL::text),
         ('Alpha CSF', 'critical_success_factor', 'Goal', 1, 1, 1, 2, 0, 2, NULL),
         ('Shared NC', 'necessary_condition', 'Goal > Alpha CSF', 2, 2, 1, 1, 0, 2, 'Hana'),
         ('Red leaf', 'necessary_condition', 'Goal > Alpha CSF > Shared NC', 3, 1, 0, 0, 2, 2, NULL),
         ('Beta CSF', 'critical_success_factor', 'Goal', 1, 1, 1, 2, 0, 2, NULL),
         ('Gamma CSF', 'critical_success_factor', 'Goal', 1, 1, 1, 1, 0, 1, NULL),
         ('Amber leaf', 'necessary_condition', 'Goal > Gamma CSF', 2, 1, 0, 0, 1, 1, NULL)
$$, 'bi.goal_tree_nodes: one path per node (shortest, then alphabetical), depth, parents, descendants, linked initiatives counted once');

-- Readiness: the fixture's check in A has Grace (executive) agreeing 4 with
-- every question; Ada answers as an area leader, 1 on the first question and
-- 4 on the rest. The first question's groups are 3 apart; the others agree.
WITH c AS (
  SELECT c.id FROM readiness_checks AS c WHERE c.org_id = test_support.org_a()
),
ada AS (
  SELECT l.id FROM leaders AS l WHERE l.org_id = test_support.org_a() AND l.name = 'Ada org-a'
),
n AS (
  INSERT INTO nudges (org_id, readiness_check_id, leader_id, reason, period_key, due_at)
  SELECT test_support.org_a(), c.id, ada.id, 'readiness', '2026-W01', now() FROM c, ada
  RETURNING id, readiness_check_id, leader_id
),
r AS (
  INSERT INTO readiness_recipients (org_id, check_id, leader_id, leader_group, nudge_id, answered_at)
  SELECT test_support.org_a(), n.readiness_check_id, n.leader_id, 'area', n.id, now() FROM n
  RETURNING check_id, leader_id
)
INSERT INTO readiness_answers (org_id, check_id, leader_id, question_id, score)
SELECT test_support.org_a(), r.check_id, r.leader_id, q.id, CASE WHEN q.position = 1 THEN 1 ELSE 4 END
FROM r CROSS JOIN readiness_questions AS q WHERE q.org_id = test_support.org_a();

SELECT results_eq($$
  SELECT q.position, g.leader_group, g.answers, g.mean_score, g.question_spread
  FROM bi.readiness_by_group AS g
  JOIN readiness_questions AS q ON q.org_id = g.org_id AND q.id = g.question_id
  WHERE g.org_id = test_support.org_a() AND q.position <= 2
  ORDER BY q.position, g.leader_group
$$, $$
  VALUES (1, 'area'::text, 1, 1.00::numeric, 3.00::numeric),
         (1, 'executive', 1, 4.00, 3.00),
         (2, 'area', 1, 4.00, 0.00),
         (2, 'executive', 1, 4.00, 0.00)
$$, 'bi.readiness_by_group: per question and leader group the answers and mean, and the spread between the groups');

SELECT is(
  (SELECT count(*)::int FROM bi.readiness_answers
   WHERE org_id = test_support.org_a() AND leader_group = 'area' AND score = 1),
  1, 'bi.readiness_answers: one row per answer, with the group the leader answered for');

SELECT * FROM finish(true);
ROLLBACK;
