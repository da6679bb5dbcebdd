-- Nudges: the once-per-period key, the token directory behind nudge_by_token(),
-- and what each app role may change.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
\ir fixtures/two_orgs.psql
SELECT no_plan();

SELECT is(
  test_support.outcome('concord_worker', test_support.org_a()::text,
    $$INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, due_at)
      SELECT org_id, initiative_id, leader_id, reason, period_key, now() FROM nudges
      WHERE org_id = test_support.org_a() AND state = 'sent'$$),
  '23505:nudges_once_per_period',
  'a second nudge for the same reason, pair and period is refused by the key');

SELECT is(
  test_support.outcome('concord_worker', test_support.org_a()::text,
    $$INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, due_at)
      SELECT org_id, initiative_id, leader_id, reason, period_key, now() FROM nudges
      WHERE org_id = test_support.org_a() AND state = 'sent'
      ON CONFLICT ON CONSTRAINT nudges_once_per_period DO NOTHING$$),
  'rows=0',
  'planning with ON CONFLICT DO NOTHING adds nothing twice');

SELECT is(
  (SELECT count(*)::int FROM auth.nudge_tokens
   WHERE org_id IN (test_support.org_a(), test_support.org_b())),
  4, 'every token hash of a nudge is registered in the directory');

SELECT is(
  test_support.outcome('concord_api', NULL,
    $$SELECT org_id::text || ' ' || (nudge_id IS NOT NULL)
      FROM nudge_by_token(sha256(convert_to('token-org-b', 'UTF8')))$$),
  test_support.org_b()::text || ' true',
  'nudge_by_token() finds the organisation of a token without the tenant setting');

SELECT is(
  test_support.outcome('concord_api', NULL,
    $$SELECT count(*) FROM nudge_by_token(sha256(convert_to('no-such-token', 'UTF8')))$$),
  '0', 'an unknown token finds nothing');

SELECT is(
  ARRAY(SELECT r.role || ' ' || has_function_privilege(r.role, 'public.nudge_by_token(bytea)', 'EXECUTE')
        FROM (VALUES ('concord_api'), ('concord_worker'), ('concord_bi')) AS r (role) ORDER BY 1),
  ARRAY['concord_api true', 'concord_bi false', 'concord_worker false'],
  'only the API may look tokens up');

SELECT is(
  test_support.outcome('concord_api', test_support.org_a()::text,
    $$UPDATE nudges SET token_hash = NULL WHERE org_id = test_support.org_a()$$),
  '42501:permission denied for table nudges',
  'the API may mark a nudge answered but not change its token');

SELECT is(
  test_support.outcome('concord_api', test_support.org_a()::text,
    $$INSERT INTO nudges (org_id, readiness_check_id, leader_id, reason, period_key, due_at)
      SELECT c.org_id, c.id, l.id, 'readiness', '2030-W01', now()
      FROM readiness_checks AS c JOIN leaders AS l ON l.org_id = c.org_id AND l.name = 'Ada org-a'
      WHERE c.org_id = test_support.org_a()$$),
  'rows=1',
  'the API plans a readiness check''s nudges');

SELECT is(
  test_support.outcome('concord_api', test_support.org_a()::text,
    $$INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, due_at)
      SELECT org_id, initiative_id, leader_id, 'cadence', '2030-W01', now() FROM nudges
      WHERE org_id = test_support.org_a() AND state = 'sent'$$),
  '42501:permission denied for table nudges',
  'the API plans no revisit nudge: that is the worker''s');

SELECT is(
  test_support.outcome('concord_api', test_support.org_a()::text,
    $$INSERT INTO nudges (org_id, readiness_check_id, leader_id, reason, period_key, due_at, state, token_hash)
      SELECT c.org_id, c.id, l.id, 'readiness', '2030-W01', now(), 'sent', '\x00'
      FROM readiness_checks AS c JOIN leaders AS l ON l.org_id = c.org_id AND l.name = 'Ada org-a'
      WHERE c.org_id = test_support.org_a()$$),
  '42501:permission denied for table nudges',
  'nor one already sent, nor a token of its choosing');

SELECT is(
  test_support.outcome(NULL, NULL,
    $$INSERT INTO nudges (org_id, initiative_id, readiness_check_id, leader_id, reason, period_key, due_at)
      SELECT n.org_id, n.initiative_id, c.id, n.leader_id, 'cadence', '2030-W01', now()
      FROM nudges AS n JOIN readiness_checks AS c ON c.org_id = n.org_id
      WHERE n.org_id = test_support.org_a() AND n.state = 'sent'$$),
  '23514:nudges_one_subject',
  'a nudge names an initiative or a readiness check, never both');

-- Since 0010 concord_bi cannot reach schema public by name (only through
-- the bi views); given it back here (rolled back), so these checks still
-- prove the walls behind that one.
GRANT USAGE ON SCHEMA public TO concord_bi;
SELECT is(
  test_support.outcome('concord_bi', NULL,
    $$SELECT token_hash FROM nudges$$),
  '42501:permission denied for table nudges',
  'BI cannot read token hashes');

SELECT is(
  test_support.outcome('concord_worker', test_support.org_a()::text,
    $$UPDATE nudge_deliveries SET error = 'x' WHERE org_id = test_support.org_a()$$),
  '42501:permission denied for table nudge_deliveries',
  'delivery attempts are never changed');

SELECT is(
  test_support.outcome('concord_worker', test_support.org_a()::text,
    $$DELETE FROM nudge_deliveries WHERE org_id = test_support.org_a()$$),
  '23001:nudge_deliveries_retention',
  'delivery attempts younger than 30 days are never pruned');

SELECT * FROM finish(true);
ROLLBACK;
