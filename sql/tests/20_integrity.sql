-- Integrity rules enforced by the database, each failing with the name of
-- the constraint the API reports. Statements run as concord_api under
-- organisation A's setting (as the app would) unless said otherwise; each is
-- rolled back after its outcome is taken.
--   A = aaaaaaaa-0000-4000-8000-00000000000a, B = bbbbbbbb-0000-4000-8000-00000000000b
\set QUIET 1
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
\ir fixtures/two_orgs.psql
SELECT no_plan();

-- Ids of B's rows, for cross-organisation references (A's roles cannot see them).
SELECT (SELECT id FROM areas WHERE org_id = test_support.org_b() AND external_key = 'it') AS b_area,
       (SELECT id FROM leaders WHERE org_id = test_support.org_b() AND email = 'ada@org-b.example') AS b_leader,
       test_support.org_a() AS org_a
\gset

CREATE FUNCTION test_support.as_api_in_a(statement text) RETURNS text LANGUAGE sql
AS $$ SELECT test_support.outcome('concord_api', test_support.org_a()::text, statement) $$;

CREATE FUNCTION test_support.as_superuser(statement text) RETURNS text LANGUAGE sql
AS $$ SELECT test_support.outcome(NULL, NULL, statement) $$;

------------------------------------------------------------------------------
-- Organisations
------------------------------------------------------------------------------

SELECT is(
  (SELECT (nudge_weekly_cap, revisit_cadence_days, quiet_after_days, working_days)::text
   FROM organisations WHERE org_id = test_support.org_a()),
  '(5,30,14,"{1,2,3,4,5}")',
  'organisations get the default nudge policy');

SELECT is(test_support.as_api_in_a($$UPDATE organisations SET timezone = 'Mars/Olympus_Mons'$$),
  '23514:organisations_timezone_valid', 'an unknown time zone is rejected');
SELECT is(test_support.as_api_in_a($$UPDATE organisations SET timezone = 'XYZ+3'$$),
  '23514:organisations_timezone_valid', 'a POSIX time zone string is rejected');
SELECT is(test_support.as_api_in_a($$UPDATE organisations SET timezone = 'America/New_York'$$),
  'rows=1', 'a time zone of the tz database is accepted');
SELECT is(test_support.as_api_in_a($$UPDATE organisations SET working_days = '{1,8}'$$),
  '23514:organisations_working_days_valid', 'working days are ISO weekdays 1-7');
SELECT is(test_support.as_api_in_a($$UPDATE organisations SET working_days = '{}'$$),
  '23514:organisations_working_days_valid', 'an organisation works on at least one day');
SELECT is(test_support.as_api_in_a($$UPDATE organisations SET quiet_hours_end = NULL$$),
  '23514:organisations_quiet_hours_valid', 'quiet hours have both ends or none');
SELECT is(test_support.as_api_in_a($$UPDATE organisations SET quiet_hours_start = NULL, quiet_hours_end = NULL$$),
  'rows=1', 'quiet hours may be switched off');
SELECT is(test_support.as_api_in_a($$UPDATE organisations SET slug = 'Org A'$$),
  '23514:organisations_slug_format', 'a slug is lower-case and URL-safe');
SELECT is(test_support.as_superuser($$UPDATE organisations SET slug = 'org-b' WHERE slug = 'org-a'$$),
  '23505:organisations_slug_unique', 'a slug names one organisation');
SELECT is(test_support.as_api_in_a($$UPDATE organisations SET nudge_weekly_cap = -1$$),
  '23514:organisations_nudge_weekly_cap_range', 'the weekly nudge cap is not negative');

------------------------------------------------------------------------------
-- Areas and leaders
------------------------------------------------------------------------------

SELECT is(test_support.as_api_in_a($$UPDATE areas SET parent_id = id WHERE external_key = 'it'$$),
  '23514:areas_not_own_parent', 'an area is not its own parent');
SELECT is(test_support.as_api_in_a($$
  UPDATE areas SET parent_id = (SELECT id FROM areas WHERE external_key = 'quality')
  WHERE external_key = 'it';
  UPDATE areas SET parent_id = (SELECT id FROM areas WHERE external_key = 'it')
  WHERE external_key = 'quality'$$),
  '23514:areas_no_cycle', 'an area is not its own ancestor');
SELECT is(test_support.as_api_in_a(format(
  $$UPDATE areas SET parent_id = %L WHERE external_key = 'it'$$, :'b_area')),
  '23503:areas_parent_fk', 'a parent area of another organisation is rejected');
SELECT is(test_support.as_api_in_a($$
  INSERT INTO areas (org_id, name, external_key) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Other IT', 'it')$$),
  '23505:areas_external_key_unique', 'an external key names one area per organisation');

SELECT is(test_support.as_api_in_a($$
  INSERT INTO leaders (org_id, name, email)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Ada again', 'ADA@org-a.EXAMPLE')$$),
  '23505:leaders_email_unique', 'an email names one leader per organisation, whatever the case');
SELECT is(test_support.outcome('concord_api', test_support.org_b()::text, $$
  INSERT INTO leaders (org_id, name, email)
  VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'Ada of A', 'ada@org-a.example')$$),
  'rows=1', 'the same email may exist in another organisation');
SELECT is(test_support.as_api_in_a($$
  INSERT INTO leaders (org_id, name, email)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Nobody', 'not an address')$$),
  '23514:leaders_email_valid', 'an email has one @ and no spaces');
SELECT is(test_support.as_api_in_a($$UPDATE leaders SET timezone = 'Europe/Atlantis'$$),
  '23514:leaders_timezone_valid', 'a leader''s time zone is checked too');
SELECT is(test_support.as_api_in_a($$UPDATE leaders SET channels = '["slack"]'$$),
  '23514:leaders_channels_object', 'channels are a JSON object');
SELECT is(test_support.as_api_in_a(format(
  $$UPDATE leaders SET area_id = %L$$, :'b_area')),
  '23503:leaders_area_fk', 'a leader cannot join an area of another organisation');

------------------------------------------------------------------------------
-- Initiatives
------------------------------------------------------------------------------

SELECT is(test_support.as_api_in_a($$
  INSERT INTO initiatives (org_id, title, lead_area_id, importance)
  SELECT org_id, 'Too important', id, 6 FROM areas WHERE external_key = 'it'$$),
  '23514:initiatives_importance_range', 'importance 6 is rejected');
SELECT is(test_support.as_api_in_a($$UPDATE initiatives SET importance = 0$$),
  '23514:initiatives_importance_range', 'importance 0 is rejected');
SELECT is(test_support.as_api_in_a($$UPDATE initiatives SET stage = 'done'$$),
  '23514:initiatives_stage_valid', 'an unknown stage is rejected');
SELECT is(test_support.as_api_in_a($$UPDATE initiatives SET health = 'fine'$$),
  '23514:initiatives_health_valid', 'an unknown health is rejected');
SELECT is(test_support.as_api_in_a($$
  UPDATE initiatives SET start_date = '2024-06-01', target_date = '2024-05-01'$$),
  '23514:initiatives_dates_order', 'the target date is not before the start date');
SELECT is(test_support.as_api_in_a($$UPDATE initiatives SET revisit_cadence_days = 0$$),
  '23514:initiatives_revisit_cadence_range', 'the revisit cadence is at least a day');
SELECT matches(test_support.as_api_in_a($$
  INSERT INTO initiatives (org_id, title, lead_area_id, importance)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Leaderless', NULL, 3)$$),
  '^23502:null value in column "lead_area_id"', 'an initiative has a lead area');
SELECT is(test_support.as_api_in_a(format($$
  INSERT INTO initiatives (org_id, title, lead_area_id, importance)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Borrowed lead', %L, 3)$$, :'b_area')),
  '23503:initiatives_lead_area_fk', 'a lead area of another organisation is rejected');
SELECT is(test_support.as_superuser(format($$
  INSERT INTO initiatives (org_id, title, lead_area_id, importance)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Borrowed lead', %L, 3)$$, :'b_area')),
  '23503:initiatives_lead_area_fk', '...even for the superuser, who bypasses RLS');
SELECT is(test_support.as_api_in_a(format(
  $$UPDATE initiatives SET sponsor_leader_id = %L$$, :'b_leader')),
  '23503:initiatives_sponsor_fk', 'a sponsor of another organisation is rejected');

SELECT is(test_support.as_api_in_a($$
  INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support)
  SELECT org_id, id, lead_area_id, 'lead and support' FROM initiatives$$),
  '23514:initiative_supporting_areas_not_lead', 'the lead area cannot also support');
SELECT is(test_support.as_api_in_a($$
  UPDATE initiatives AS i SET lead_area_id = s.area_id
  FROM initiative_supporting_areas AS s WHERE s.initiative_id = i.id$$),
  '23514:initiative_supporting_areas_not_lead', 'a supporting area cannot become the lead');
SELECT is(test_support.as_api_in_a(format($$
  INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support)
  SELECT org_id, id, %L, 'from afar' FROM initiatives$$, :'b_area')),
  '23503:initiative_supporting_areas_area_fk', 'a supporting area of another organisation is rejected');
SELECT is(test_support.as_api_in_a($$UPDATE initiative_supporting_areas SET support = ' '$$),
  '23514:initiative_supporting_areas_support_valid', 'the support to give is stated');

-- stage_changed_at and updated_at follow the row.
UPDATE initiatives SET stage_changed_at = '2020-01-01', updated_at = '2020-01-01'
WHERE org_id = test_support.org_a();
SELECT is((SELECT (stage_changed_at = '2020-01-01', updated_at = now())::text
           FROM initiatives WHERE org_id = test_support.org_a()),
  '(t,t)', 'updated_at is set on every update; stage_changed_at only moves with the stage');
UPDATE initiatives SET stage = 'implementing' WHERE org_id = test_support.org_a();
SELECT is((SELECT stage_changed_at FROM initiatives WHERE org_id = test_support.org_a()),
  now(), 'a stage change stamps stage_changed_at');

SELECT is(test_support.as_api_in_a($$
  UPDATE initiatives SET title = 'Edited', version = version + 1 WHERE version = 7$$),
  'rows=0', 'an edit with a stale version changes nothing (optimistic concurrency)');

------------------------------------------------------------------------------
-- Alignment ratings
------------------------------------------------------------------------------

SELECT is(test_support.as_api_in_a($$
  INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority)
  SELECT i.org_id, i.id, l.id, 6 FROM initiatives i, leaders l LIMIT 1$$),
  '23514:alignment_ratings_priority_range', 'priority 6 is rejected');
SELECT is(test_support.as_api_in_a($$
  INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in)
  SELECT i.org_id, i.id, l.id, 3, 'keen' FROM initiatives i, leaders l LIMIT 1$$),
  '23514:alignment_ratings_buy_in_valid', 'an unknown buy-in stage is rejected');
SELECT is(test_support.as_api_in_a($$
  INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, source)
  SELECT i.org_id, i.id, l.id, 3, 'email' FROM initiatives i, leaders l LIMIT 1$$),
  '23514:alignment_ratings_source_valid', 'an unknown source is rejected');
SELECT is(test_support.as_api_in_a(format($$
  INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority)
  SELECT org_id, id, %L, 3 FROM initiatives$$, :'b_leader')),
  '23503:alignment_ratings_leader_fk', 'a rating by a leader of another organisation is rejected');
SELECT is(test_support.outcome('concord_api', test_support.org_a()::text, $$
  SELECT set_config('app.actor', 'workshop:facilitator', true);
  INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, source)
  SELECT i.org_id, i.id, l.id, 5, 'workshop' FROM initiatives i, leaders l LIMIT 1
  RETURNING recorded_by$$),
  'workshop:facilitator', 'the API may add a rating; recorded_by defaults to app.actor');

SELECT is(test_support.as_superuser($$UPDATE alignment_ratings SET priority = 1$$),
  '23001:alignment_ratings_append_only', 'ratings cannot be updated, even by a superuser');
SELECT is(test_support.as_superuser($$DELETE FROM alignment_ratings$$),
  '23001:alignment_ratings_append_only', 'ratings cannot be deleted, even by a superuser');
SELECT is(test_support.as_superuser($$TRUNCATE alignment_ratings$$),
  '23001:alignment_ratings_append_only', 'ratings cannot be truncated');
SELECT is(test_support.as_api_in_a($$UPDATE alignment_ratings SET priority = 1$$),
  '42501:permission denied for table alignment_ratings', 'the API has no UPDATE on ratings');
SELECT is(test_support.as_api_in_a($$DELETE FROM alignment_ratings$$),
  '42501:permission denied for table alignment_ratings', 'the API has no DELETE on ratings');

SELECT is(test_support.as_superuser($$UPDATE audit_log SET actor = 'someone else'$$),
  '23001:audit_log_append_only', 'the audit log cannot be updated, even by a superuser');
SELECT is(test_support.as_superuser($$DELETE FROM audit_log$$),
  '23001:audit_log_append_only', 'the audit log cannot be deleted from');
SELECT is(test_support.as_superuser($$TRUNCATE audit_log$$),
  '23001:audit_log_append_only', 'the audit log cannot be truncated');

------------------------------------------------------------------------------
-- Goal trees (fixture: each organisation has tree "Strategy" with goal
-- "Profitable growth" above CSF "Reliable delivery")
------------------------------------------------------------------------------

CREATE FUNCTION test_support.in_strategy_tree(statement text) RETURNS text LANGUAGE sql
AS $$
  -- Adds necessary conditions N1 below the CSF and N2 below N1, then runs the
  -- statement, all as the API in organisation A.
  SELECT test_support.as_api_in_a($q$
    INSERT INTO goal_nodes (org_id, tree_id, kind, title)
    SELECT org_id, id, 'necessary_condition', n FROM goal_trees, unnest(ARRAY['N1', 'N2']) AS n;
    INSERT INTO goal_links (org_id, parent_id, child_id)
    SELECT p.org_id, p.id, c.id FROM goal_nodes p, goal_nodes c
    WHERE (p.title, c.title) IN (('Reliable delivery', 'N1'), ('N1', 'N2'));
  $q$ || statement)
$$;

SELECT is(test_support.in_strategy_tree($$
  INSERT INTO goal_links (org_id, parent_id, child_id)
  SELECT p.org_id, p.id, c.id FROM goal_nodes p, goal_nodes c
  WHERE p.title = 'N2' AND c.title = 'Reliable delivery'$$),
  '23514:goal_links_no_cycle', 'a link closing a cycle is rejected');
SELECT is(test_support.in_strategy_tree($$
  INSERT INTO goal_links (org_id, parent_id, child_id)
  SELECT p.org_id, p.id, c.id FROM goal_nodes p, goal_nodes c
  WHERE p.title = 'N1' AND c.title = 'N1'$$),
  '23514:goal_links_no_self_link', 'a node is not linked to itself');
SELECT is(test_support.in_strategy_tree($$
  INSERT INTO goal_links (org_id, parent_id, child_id)
  SELECT p.org_id, p.id, c.id FROM goal_nodes p, goal_nodes c
  WHERE p.title = 'Reliable delivery' AND c.title = 'N2';
  SET CONSTRAINTS ALL IMMEDIATE$$),
  'rows=0', 'a necessary condition may serve two parents (a DAG)');
SELECT is(test_support.in_strategy_tree($$
  INSERT INTO goal_links (org_id, parent_id, child_id)
  SELECT p.org_id, p.id, c.id FROM goal_nodes p, goal_nodes c
  WHERE p.title = 'N2' AND c.title = 'Profitable growth'$$),
  '23514:goal_links_goal_not_child', 'the goal is never a child');
SELECT is(test_support.in_strategy_tree($$
  DELETE FROM goal_nodes WHERE kind = 'goal';
  UPDATE goal_nodes SET kind = 'goal' WHERE title = 'N2'$$),
  '23514:goal_links_goal_not_child', 'a linked child cannot become the goal');
SELECT is(test_support.in_strategy_tree($$
  INSERT INTO goal_nodes (org_id, tree_id, kind, title)
  SELECT org_id, id, 'goal', 'Second goal' FROM goal_trees$$),
  '23505:goal_nodes_one_goal_per_tree', 'a tree has at most one goal');
SELECT is(test_support.as_api_in_a($$
  WITH t AS (INSERT INTO goal_trees (org_id, name)
             VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Headless') RETURNING org_id, id)
  INSERT INTO goal_nodes (org_id, tree_id, kind, title)
  SELECT org_id, id, 'critical_success_factor', 'Orphan' FROM t;
  SET CONSTRAINTS goal_trees_goal_required IMMEDIATE$$),
  '23514:goal_trees_goal_required', 'a tree with nodes has a goal (checked at commit)');
SELECT is(test_support.in_strategy_tree($$
  DELETE FROM goal_nodes WHERE kind = 'goal';
  SET CONSTRAINTS ALL IMMEDIATE$$),
  '23514:goal_trees_goal_required', 'the goal cannot be deleted from under its tree');
SELECT is(test_support.as_api_in_a($$
  SET CONSTRAINTS ALL DEFERRED;
  WITH t AS (INSERT INTO goal_trees (org_id, name)
             VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Built bottom-up') RETURNING org_id, id),
       n AS (INSERT INTO goal_nodes (org_id, tree_id, kind, title)
             SELECT org_id, id, 'critical_success_factor', 'First' FROM t)
  INSERT INTO goal_nodes (org_id, tree_id, kind, title)
  SELECT org_id, id, 'goal', 'Then the goal' FROM t;
  SET CONSTRAINTS ALL IMMEDIATE$$),
  'rows=0', 'within a transaction, nodes may come before the goal');
SELECT is(test_support.in_strategy_tree($$
  DELETE FROM goal_trees;
  SET CONSTRAINTS ALL IMMEDIATE$$),
  'rows=0', 'a whole tree can be deleted');
SELECT is(test_support.as_api_in_a($$
  WITH t AS (INSERT INTO goal_trees (org_id, name)
             VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Other') RETURNING org_id, id)
  INSERT INTO goal_nodes (org_id, tree_id, kind, title)
  SELECT org_id, id, 'goal', 'Other goal' FROM t;
  INSERT INTO goal_links (org_id, parent_id, child_id)
  SELECT p.org_id, p.id, c.id FROM goal_nodes p, goal_nodes c
  WHERE p.title = 'Reliable delivery' AND c.title = 'Other goal'$$),
  '23503:goal_links_child_fk', 'both ends of a link are in the same tree');
SELECT is(test_support.as_api_in_a($$UPDATE goal_nodes SET confidence = 101$$),
  '23514:goal_nodes_confidence_range', 'confidence is 0-100');
SELECT is(test_support.as_api_in_a($$UPDATE goal_nodes SET status = 'blue'$$),
  '23514:goal_nodes_status_valid', 'status is green, amber or red');
SELECT is(test_support.as_api_in_a($$UPDATE goal_nodes SET kind = 'objective'$$),
  '23514:goal_nodes_kind_valid', 'kind is goal, critical_success_factor or necessary_condition');

------------------------------------------------------------------------------
-- Assessments
------------------------------------------------------------------------------

SELECT is(test_support.as_api_in_a($$UPDATE assessment_scores SET score = 100.5$$),
  '23514:assessment_scores_score_range', 'a score is 0-100');
SELECT is(test_support.as_api_in_a($$
  WITH f AS (INSERT INTO assessment_frameworks (org_id, name)
             VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Other framework') RETURNING org_id, id),
       d AS (INSERT INTO assessment_dimensions (org_id, framework_id, name)
             SELECT org_id, id, 'character' FROM f RETURNING org_id, id)
  INSERT INTO assessment_scores (org_id, assessment_id, dimension_id, score)
  SELECT a.org_id, a.id, d.id, 50 FROM assessments a, d$$),
  '23503:assessment_scores_dimension_fk', 'a score''s dimension belongs to the assessment''s framework');
SELECT is(test_support.as_api_in_a($$
  INSERT INTO assessment_dimensions (org_id, framework_id, name)
  SELECT org_id, id, 'capacity' FROM assessment_frameworks$$),
  '23505:assessment_dimensions_name_unique', 'a dimension name is unique within its framework');
SELECT is(test_support.as_api_in_a($$
  INSERT INTO assessment_scores (org_id, assessment_id, dimension_id, score)
  SELECT a.org_id, a.id, d.id, 64 FROM assessments a, assessment_dimensions d
  WHERE d.name = 'commitment'$$),
  'rows=1', 'a score is recorded with its framework filled in from the assessment');

SELECT * FROM finish(true);
ROLLBACK;
