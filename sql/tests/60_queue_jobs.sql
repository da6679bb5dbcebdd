-- queue.jobs keeps every rule after migration 0018 folded its CHECK
-- constraints into one (jobs_valid) and dropped the kind index: each invalid
-- row is still rejected, valid ones in every state still pass, and the
-- indexes the claim, scheduler, rescuer and cleaner read are still there.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
\ir fixtures/two_orgs.psql
SELECT no_plan();

CREATE FUNCTION test_support.as_worker(statement text) RETURNS text LANGUAGE sql
AS $$ SELECT test_support.outcome('concord_worker', NULL, statement) $$;

SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind) VALUES ('noop')$$),
  'rows=1', 'an available job is accepted');
SELECT is(test_support.as_worker(
  $$INSERT INTO queue.jobs (kind, state, attempt, attempted_at, attempted_by, lease_expires_at)
    VALUES ('noop', 'running', 1, now(), 'w1', now() + interval '1 minute')$$),
  'rows=1', 'a running job with a lease and a worker is accepted');
SELECT is(test_support.as_worker(
  $$INSERT INTO queue.jobs (kind, state, attempt, finalized_at) VALUES ('noop', 'completed', 1, now())$$),
  'rows=1', 'a completed job with finalized_at is accepted');
SELECT is(test_support.as_worker(
  $$INSERT INTO queue.jobs (kind, state, attempt, errors, finalized_at)
    VALUES ('noop', 'discarded', 1, '[{"error": "x"}]', now())$$),
  'rows=1', 'a discarded job with its errors is accepted');

SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind, state) VALUES ('noop', 'lost')$$),
  '23514:jobs_valid', 'an unknown state is rejected');
SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind) VALUES ('  ')$$),
  '23514:jobs_valid', 'a blank kind is rejected');
SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind) VALUES (repeat('k', 201))$$),
  '23514:jobs_valid', 'a kind over 200 characters is rejected');
SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind, queue) VALUES ('noop', '')$$),
  '23514:jobs_valid', 'a blank queue is rejected');
SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind, queue) VALUES ('noop', repeat('q', 101))$$),
  '23514:jobs_valid', 'a queue name over 100 characters is rejected');
SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind, attempt) VALUES ('noop', -1)$$),
  '23514:jobs_valid', 'a negative attempt is rejected');
SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind, max_attempts) VALUES ('noop', 0)$$),
  '23514:jobs_valid', 'max_attempts below 1 is rejected');
SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind, errors) VALUES ('noop', '{}')$$),
  '23514:jobs_valid', 'errors that are not an array are rejected');
SELECT is(test_support.as_worker(
  $$INSERT INTO queue.jobs (kind, state, attempted_by) VALUES ('noop', 'running', 'w1')$$),
  '23514:jobs_valid', 'a running job without a lease is rejected');
SELECT is(test_support.as_worker(
  $$INSERT INTO queue.jobs (kind, lease_expires_at, attempted_by) VALUES ('noop', now(), 'w1')$$),
  '23514:jobs_valid', 'a lease on a job that is not running is rejected');
SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind, state) VALUES ('noop', 'cancelled')$$),
  '23514:jobs_valid', 'a final state without finalized_at is rejected');
SELECT is(test_support.as_worker($$INSERT INTO queue.jobs (kind, finalized_at) VALUES ('noop', now())$$),
  '23514:jobs_valid', 'finalized_at on a job that is not final is rejected');

SELECT is(
  (SELECT array_agg(indexname::text ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'queue'
   AND tablename = 'jobs'),
  ARRAY['jobs_claim_idx', 'jobs_finalized_idx', 'jobs_lease_idx', 'jobs_organisation_idx', 'jobs_pkey',
        'jobs_unique_key_idx', 'jobs_waiting_idx'],
  'queue.jobs keeps the indexes its readers use and no index on kind');
SELECT is(
  (SELECT reloptions FROM pg_class WHERE oid = 'queue.jobs'::regclass),
  ARRAY['fillfactor=70'], 'queue.jobs leaves room on each page for the next version of its rows');

SELECT * FROM finish(true);
ROLLBACK;
