-- The audit log: every write of a tenant table by an app role leaves a row
-- with who, what, when, and the before and after images, though the app
-- roles cannot write the log themselves.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
\ir fixtures/two_orgs.psql
SELECT no_plan();

-- Writes as the API in organisation A, kept (not rolled back) so the log
-- can be inspected below.
SET LOCAL ROLE concord_api;
SELECT set_config('app.org_id', test_support.org_a()::text, true) IS NOT NULL AS set_org,
       set_config('app.actor', 'key:consultant-1', true) IS NOT NULL AS set_actor
\gset
INSERT INTO areas (org_id, name, external_key)
VALUES (test_support.org_a(), 'Marketing', 'marketing');
UPDATE areas SET name = 'Marketing and Sales', version = version + 1
WHERE external_key = 'marketing';
-- Changes nothing (but updated_at): not logged.
UPDATE areas SET name = name WHERE external_key = 'marketing';
SELECT set_config('app.actor', '', true) IS NOT NULL AS unset_actor \gset
DELETE FROM areas WHERE external_key = 'marketing';
UPDATE organisations SET nudge_weekly_cap = 3;
SELECT count(*) AS api_sees_own_audit FROM audit_log WHERE table_name = 'areas' \gset
SELECT set_config('app.org_id', test_support.org_b()::text, true) IS NOT NULL AS set_org_b \gset
SELECT count(*) AS api_in_b_sees_a_audit FROM audit_log
WHERE org_id = test_support.org_a() \gset
RESET ROLE;

CREATE VIEW test_support.marketing_log AS
  SELECT * FROM audit_log
  WHERE org_id = test_support.org_a() AND table_name = 'areas'
    AND row_key ->> 'id' = (SELECT row_key ->> 'id' FROM audit_log
                            WHERE table_name = 'areas' AND after ->> 'external_key' = 'marketing'
                            LIMIT 1);

SELECT is(
  ARRAY(SELECT operation FROM test_support.marketing_log ORDER BY id),
  ARRAY['INSERT', 'UPDATE', 'DELETE'],
  'the insert, the update and the delete are logged; the empty update is not');

SELECT is(
  (SELECT (actor, before IS NULL, after ->> 'name', after ->> 'version',
           row_key ? 'org_id' AND row_key ? 'id', at = now())::text
   FROM test_support.marketing_log WHERE operation = 'INSERT'),
  '(key:consultant-1,t,Marketing,1,t,t)',
  'the insert: actor, no before image, the after image, the primary key, the time');

SELECT is(
  (SELECT (actor, before ->> 'name', after ->> 'name', before ->> 'version', after ->> 'version')::text
   FROM test_support.marketing_log WHERE operation = 'UPDATE'),
  '(key:consultant-1,Marketing,"Marketing and Sales",1,2)',
  'the update: before and after images');

SELECT is(
  (SELECT (actor IS NULL, before ->> 'name', after IS NULL)::text
   FROM test_support.marketing_log WHERE operation = 'DELETE'),
  '(t,"Marketing and Sales",t)',
  'the delete: the before image only; no actor when app.actor is unset');

SELECT is(
  (SELECT (row_key, before ->> 'nudge_weekly_cap', after ->> 'nudge_weekly_cap')::text
   FROM audit_log WHERE table_name = 'organisations' AND operation = 'UPDATE'),
  format('("{""org_id"": ""%s""}",5,3)', test_support.org_a()),
  'updates of the organisation itself are logged, keyed by org_id');

SELECT is(:'api_sees_own_audit'::bigint,
  (SELECT count(*) FROM audit_log
   WHERE org_id = test_support.org_a() AND table_name = 'areas'),
  'the API reads its organisation''s log');

SELECT is(:'api_in_b_sees_a_audit'::int, 0,
  'the API under another organisation''s setting reads none of it');

SELECT is(
  (SELECT count(*)::int FROM audit_log
   WHERE org_id = test_support.org_a() AND table_name = 'alignment_ratings'),
  2, 'rating inserts are logged too');

SELECT is(test_support.outcome('concord_api', test_support.org_a()::text,
  $$INSERT INTO audit_log (org_id, table_name, operation, row_key, after)
    VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'areas', 'INSERT', '{}', '{}')$$),
  '42501:permission denied for table audit_log',
  'the API cannot write the log directly');

-- Neither app role can change or remove what the log holds, in its own
-- organisation or any other.
SELECT is(test_support.outcome(role, test_support.org_a()::text, statement),
  test_support.denied('audit_log'),
  format('%s cannot %s the log', role, split_part(statement, ' ', 1)))
FROM unnest(ARRAY['concord_api', 'concord_worker']) AS role,
     unnest(ARRAY[
       $$UPDATE audit_log SET actor = 'someone else'$$,
       $$UPDATE audit_log SET after = NULL, operation = 'DELETE' WHERE table_name = 'areas'$$,
       $$DELETE FROM audit_log$$,
       $$DELETE FROM audit_log WHERE table_name = 'areas'$$,
       $$TRUNCATE audit_log$$]) AS statement;

-- Nor can the owner: the append-only triggers stop it too.
SELECT is(test_support.outcome(NULL, test_support.org_a()::text, statement),
  '23001:audit_log_append_only',
  format('the owner cannot %s the log either', split_part(statement, ' ', 1)))
FROM unnest(ARRAY[
       $$UPDATE audit_log SET actor = 'someone else'$$,
       $$DELETE FROM audit_log$$,
       $$TRUNCATE audit_log$$]) AS statement;

-- Webhook secrets are logged as fingerprints only: the log is forever, a
-- secret must not be (migration 0014).
INSERT INTO webhook_endpoints (org_id, kind, url, secrets)
VALUES (test_support.org_a(), 'webhook', 'https://hooks.example/audit', '{whsec-audit-old}');
UPDATE webhook_endpoints SET secrets = '{whsec-audit-new,whsec-audit-old}'
WHERE url = 'https://hooks.example/audit';
SELECT is(
  (SELECT count(*)::int FROM audit_log
   WHERE coalesce(before::text, '') || coalesce(after::text, '') LIKE '%whsec%'),
  0, 'no webhook secret is in the audit log, the fixtures'' included');
SELECT is(
  (SELECT (jsonb_array_length(after -> 'secrets'),
           after -> 'secrets' ->> 1 = before -> 'secrets' ->> 0,
           after -> 'secrets' ->> 0 ~ '^sha256:[0-9a-f]{12}$')::text
   FROM audit_log WHERE table_name = 'webhook_endpoints' AND operation = 'UPDATE'
     AND after ->> 'url' = 'https://hooks.example/audit'),
  '(2,t,t)',
  'a rotation is logged: two fingerprints, the old secret''s the same as before');

-- A rating the API writes is logged with its actor; the day it moves in
-- alignment_first_reached is not (migration 0020): that table is derived,
-- written by triggers as a consequence, and the trail is for what users do.
CREATE VIEW test_support.erp_b_kept AS
  SELECT k.first_reached_on, k.valid_until
  FROM alignment_first_reached AS k
  JOIN initiatives AS i ON i.org_id = k.org_id AND i.id = k.initiative_id
  WHERE i.org_id = test_support.org_b() AND i.title = 'New ERP';
SELECT first_reached_on IS NULL AS erp_b_not_reached FROM test_support.erp_b_kept \gset
SET LOCAL ROLE concord_api;
SELECT set_config('app.org_id', test_support.org_b()::text, true) IS NOT NULL AS set_org_b_again,
       set_config('app.actor', 'key:consultant-2', true) IS NOT NULL AS set_rating_actor
\gset
-- Grace comes into line: both required leaders aligned, the gate (1) is met
-- today. A moment after the fixture's rating of hers (same now(): the tie
-- would go to the greater random id), so this one is her latest.
INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in, source, rated_at)
SELECT i.org_id, i.id, l.id, 4, 'committed', 'api', now() + interval '1 millisecond'
FROM initiatives AS i
JOIN leaders AS l ON l.org_id = i.org_id AND l.email = 'grace@org-b.example'
WHERE i.title = 'New ERP';
SELECT set_config('app.actor', '', true) IS NOT NULL AS unset_rating_actor \gset
RESET ROLE;

SELECT ok(:'erp_b_not_reached'::boolean
          AND (SELECT first_reached_on = (now() AT TIME ZONE 'Europe/Berlin')::date FROM test_support.erp_b_kept),
  'the rating moved the kept first-reached day (from none to today)');
SELECT is(
  (SELECT count(*)::int FROM audit_log
   WHERE org_id = test_support.org_b() AND table_name = 'alignment_ratings' AND actor = 'key:consultant-2'
     AND operation = 'INSERT' AND after ->> 'priority' = '4'),
  1, 'the rating itself is logged, with its actor');
SELECT is(
  (SELECT count(*)::int FROM audit_log WHERE table_name = 'alignment_first_reached'),
  0, 'no audit row for alignment_first_reached: not for that rating, nor for the fixtures'' writes');

SELECT * FROM finish(true);
ROLLBACK;
