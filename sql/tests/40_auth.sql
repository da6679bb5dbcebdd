-- Authentication: API keys, principals and explicit organisation grants,
-- reached by the API only through SECURITY DEFINER functions.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
\ir fixtures/two_orgs.psql
SELECT no_plan();

-- A principal of organisation A with a key; the consultancy with a grant of
-- B only; a revoked key.
INSERT INTO auth.principals (id, kind, org_id, name) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'organisation', test_support.org_a(), 'A admin'),
  ('c0000000-0000-4000-8000-000000000001', 'consultancy', NULL, 'Consultancy');
INSERT INTO auth.principal_org_grants (principal_id, org_id) VALUES
  ('c0000000-0000-4000-8000-000000000001', test_support.org_b());
INSERT INTO auth.api_keys (id, principal_id, key_hash, prefix, scopes, revoked_at) VALUES
  ('a0000000-0000-4000-8000-0000000000a1', 'a0000000-0000-4000-8000-000000000001',
   sha256('secret-a'), 'ck_a', '{read,write}', NULL),
  ('c0000000-0000-4000-8000-0000000000c1', 'c0000000-0000-4000-8000-000000000001',
   sha256('secret-c'), 'ck_c', '{read,write,admin}', NULL),
  ('a0000000-0000-4000-8000-0000000000a2', 'a0000000-0000-4000-8000-000000000001',
   sha256('secret-old'), 'ck_o', '{read}', now() - interval '1 day');

SELECT is(test_support.outcome('concord_api', NULL, $$
  SELECT (key_id, principal_id, principal_kind, org_id, scopes, revoked)::text
  FROM auth_api_key(sha256('secret-a'))$$),
  format('(a0000000-0000-4000-8000-0000000000a1,a0000000-0000-4000-8000-000000000001,organisation,%s,"{read,write}",f)',
         test_support.org_a()),
  'auth_api_key finds an organisation''s key by its hash');
SELECT is(test_support.outcome('concord_api', NULL, $$
  SELECT (principal_kind, org_id IS NULL, scopes, revoked)::text
  FROM auth_api_key(sha256('secret-c'))$$),
  '(consultancy,t,"{read,write,admin}",f)',
  'auth_api_key finds the consultancy''s key');
SELECT is(test_support.outcome('concord_api', NULL, $$
  SELECT revoked::text FROM auth_api_key(sha256('secret-old'))$$),
  'true', 'a revoked key is reported as revoked');
SELECT is(test_support.outcome('concord_api', NULL, $$
  SELECT count(*) FROM auth_api_key(sha256('no such key'))$$),
  '0', 'an unknown key finds nothing');

SELECT is(test_support.outcome('concord_api', NULL, format($$
  SELECT array_agg(principal_can_access(p, o) ORDER BY n)::text
  FROM (VALUES (1, 'a0000000-0000-4000-8000-000000000001'::uuid, %L::uuid),
               (2, 'a0000000-0000-4000-8000-000000000001', %L),
               (3, 'c0000000-0000-4000-8000-000000000001', %L),
               (4, 'c0000000-0000-4000-8000-000000000001', %L),
               (5, 'f0000000-0000-4000-8000-000000000001', %L)) AS v (n, p, o)$$,
  test_support.org_a(), test_support.org_b(), test_support.org_b(),
  test_support.org_a(), test_support.org_a())),
  '{t,f,t,f,f}',
  'principal_can_access: own organisation yes, another no; consultancy only where granted; unknown no');

SELECT is(test_support.outcome('concord_api', NULL, $$
  SELECT array_agg(o)::text FROM principal_org_ids('c0000000-0000-4000-8000-000000000001') AS o$$),
  format('{%s}', test_support.org_b()),
  'principal_org_ids lists the consultancy''s granted organisations');

SELECT is(test_support.outcome('concord_api', NULL, $$
  SELECT 'touched' FROM api_key_touch('a0000000-0000-4000-8000-0000000000a1')$$),
  'touched', 'the API may call api_key_touch');
DO $$ BEGIN PERFORM api_key_touch('a0000000-0000-4000-8000-0000000000a1'); END $$;
SELECT is((SELECT last_used_at FROM auth.api_keys WHERE id = 'a0000000-0000-4000-8000-0000000000a1'),
  now(), 'api_key_touch records the use');

SELECT is(test_support.outcome('concord_worker', NULL, $$
  SELECT count(*) FROM active_org_ids() AS o
  WHERE o IN ('aaaaaaaa-0000-4000-8000-00000000000a', 'bbbbbbbb-0000-4000-8000-00000000000b')$$),
  '2', 'the worker lists the active organisations');
UPDATE organisations SET archived_at = now() WHERE org_id = test_support.org_b();
SELECT is(test_support.outcome('concord_worker', NULL, $$
  SELECT count(*) FROM active_org_ids() AS o WHERE o = 'bbbbbbbb-0000-4000-8000-00000000000b'$$),
  '0', 'archived organisations are not active');

SELECT is(test_support.outcome('concord_worker', NULL, $$
  SELECT count(*) FROM auth_api_key(sha256('secret-a'))$$),
  '42501:permission denied for function auth_api_key', 'the worker cannot look up keys');
-- Since 0010 concord_bi cannot reach schema public by name (only through
-- the bi views); given it back here (rolled back), so these checks still
-- prove the walls behind that one.
GRANT USAGE ON SCHEMA public TO concord_bi;
SELECT is(test_support.outcome('concord_bi', NULL, $$
  SELECT principal_can_access('c0000000-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-00000000000b')::text$$),
  '42501:permission denied for function principal_can_access', 'BI cannot check grants');
SELECT is(test_support.outcome('concord_api', NULL, $$SELECT count(*) FROM active_org_ids()$$),
  '42501:permission denied for function active_org_ids', 'the API cannot list every organisation');

-- Constraints on the auth tables
SELECT is(test_support.outcome(NULL, NULL, $$
  INSERT INTO auth.principals (kind, name) VALUES ('organisation', 'Nobody''s')$$),
  '23514:principals_org_iff_organisation', 'an organisation principal names its organisation');
SELECT is(test_support.outcome(NULL, NULL, $$
  INSERT INTO auth.principals (kind, org_id, name)
  VALUES ('consultancy', 'aaaaaaaa-0000-4000-8000-00000000000a', 'Bound consultancy')$$),
  '23514:principals_org_iff_organisation', 'a consultancy principal is bound to no organisation');
SELECT is(test_support.outcome(NULL, NULL, $$
  INSERT INTO auth.principals (kind, name) VALUES ('robot', 'R2')$$),
  '23514:principals_kind_valid', 'a principal is an organisation or the consultancy');
SELECT is(test_support.outcome(NULL, NULL, $$
  INSERT INTO auth.api_keys (principal_id, key_hash, prefix)
  VALUES ('a0000000-0000-4000-8000-000000000001', '\x0102', 'ck_x')$$),
  '23514:api_keys_key_hash_sha256', 'a key hash is a SHA-256');
SELECT is(test_support.outcome(NULL, NULL, $$
  INSERT INTO auth.api_keys (principal_id, key_hash, prefix)
  VALUES ('a0000000-0000-4000-8000-000000000001', sha256('secret-a'), 'ck_x')$$),
  '23505:api_keys_key_hash_unique', 'a key hash is unique');
SELECT is(test_support.outcome(NULL, NULL, $$
  INSERT INTO auth.api_keys (principal_id, key_hash, prefix, scopes)
  VALUES ('a0000000-0000-4000-8000-000000000001', sha256('secret-x'), 'ck_x', '{root}')$$),
  '23514:api_keys_scopes_valid', 'scopes are read, write or admin');

SELECT * FROM finish(true);
ROLLBACK;
