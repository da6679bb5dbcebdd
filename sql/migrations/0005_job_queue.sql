-- 0005: the job queue (River's shape, on the worker's PostgreSQL).
--
-- Infrastructure, not tenant data: everything lives in the schema `queue`,
-- without row-level security. A job records the organisation it is for in
-- `organisation_id`, deliberately not named `org_id`: the pgTAP layout suite
-- treats every table with an `org_id` column (outside `auth`) as a tenant
-- table, and a queue shared by all tenants is not one.
--
-- States (ConcordDomain.JobState):
--   available  ready to be claimed now
--   scheduled  waits for run_at (enqueued for later, or snoozed)
--   running    claimed by `attempted_by` until `lease_expires_at`; the worker
--              extends the lease while the job runs, and the rescuer makes a
--              job whose lease expired retryable again (its worker died)
--   retryable  failed, waits for run_at (the backoff)
--   completed, discarded (failed for good; errors kept), cancelled
--
-- The scheduler moves scheduled and retryable jobs whose run_at has come to
-- available; workers claim only available jobs, so the claim index stays
-- small however many jobs wait for the future.
--
-- Unique keys: at most one job per unique_key among the states available,
-- scheduled, running, retryable and completed (River's default). A cancelled
-- or discarded job does not block a new one. A completed job blocks its key
-- until the cleaner deletes it, so a caller that wants "once per period"
-- puts the period in the key ("nudge:<pair>:2025-W07").

CREATE SCHEMA queue;

CREATE TABLE queue.jobs (
  id                  bigint      GENERATED ALWAYS AS IDENTITY,
  kind                text        NOT NULL,
  args                jsonb       NOT NULL DEFAULT '{}',
  -- The organisation the job is for, if any; informational (no RLS here).
  organisation_id     uuid,
  queue               text        NOT NULL DEFAULT 'default',
  -- Lower runs first.
  priority            smallint    NOT NULL DEFAULT 1,
  state               text        NOT NULL DEFAULT 'available',
  -- Attempts started so far (a snoozed or handed-back run gives its back).
  attempt             integer     NOT NULL DEFAULT 0,
  max_attempts        integer     NOT NULL DEFAULT 25,
  run_at              timestamptz NOT NULL DEFAULT now(),
  attempted_at        timestamptz,
  -- The worker id of the last claim.
  attempted_by        text,
  lease_expires_at    timestamptz,
  -- Set by a cancel request while the job runs; its worker stops it.
  cancel_requested_at timestamptz,
  finalized_at        timestamptz,
  -- [{"at": "...Z", "attempt": n, "error": "..."}], oldest first.
  errors              jsonb       NOT NULL DEFAULT '[]',
  unique_key          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT jobs_pkey PRIMARY KEY (id),
  CONSTRAINT jobs_state_valid CHECK (state IN
    ('available', 'scheduled', 'running', 'retryable', 'completed', 'discarded', 'cancelled')),
  CONSTRAINT jobs_kind_valid CHECK (btrim(kind) <> '' AND length(kind) <= 200),
  CONSTRAINT jobs_queue_valid CHECK (btrim(queue) <> '' AND length(queue) <= 100),
  CONSTRAINT jobs_attempts_valid CHECK (attempt >= 0 AND max_attempts >= 1),
  CONSTRAINT jobs_errors_array CHECK (jsonb_typeof(errors) = 'array'),
  CONSTRAINT jobs_running_has_lease CHECK
    ((state = 'running') = (lease_expires_at IS NOT NULL AND attempted_by IS NOT NULL)),
  CONSTRAINT jobs_finalized_at_iff_final CHECK
    ((state IN ('completed', 'discarded', 'cancelled')) = (finalized_at IS NOT NULL))
);

-- The claim: available jobs of one queue in priority, run_at, id order.
CREATE INDEX jobs_claim_idx ON queue.jobs (queue, priority, run_at, id)
  WHERE state = 'available';
-- The scheduler: jobs waiting for their run_at.
CREATE INDEX jobs_waiting_idx ON queue.jobs (run_at, id)
  WHERE state IN ('scheduled', 'retryable');
-- The rescuer: leases of running jobs.
CREATE INDEX jobs_lease_idx ON queue.jobs (lease_expires_at)
  WHERE state = 'running';
-- The cleaner: finished jobs by age.
CREATE INDEX jobs_finalized_idx ON queue.jobs (finalized_at)
  WHERE state IN ('completed', 'discarded', 'cancelled');
-- Listing by kind, and by organisation.
CREATE INDEX jobs_kind_idx ON queue.jobs (kind, id);
CREATE INDEX jobs_organisation_idx ON queue.jobs (organisation_id, id)
  WHERE organisation_id IS NOT NULL;
-- De-duplication; see the header. INSERT ... ON CONFLICT names this predicate.
CREATE UNIQUE INDEX jobs_unique_key_idx ON queue.jobs (unique_key)
  WHERE unique_key IS NOT NULL AND state NOT IN ('cancelled', 'discarded');

-- One row per fired tick of a periodic job: however many workers race to
-- fire the same tick, one insert wins and only the winner enqueues the job.
CREATE TABLE queue.periodic_runs (
  name          text        NOT NULL,
  scheduled_for timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT periodic_runs_pkey PRIMARY KEY (name, scheduled_for)
);
CREATE INDEX periodic_runs_created_idx ON queue.periodic_runs (created_at);

-- One entry of jobs.errors, timestamped by the server in UTC to the millisecond.
CREATE FUNCTION queue.error_entry(attempt integer, error text) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT jsonb_build_object(
    'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'attempt', attempt,
    'error', left(error, 4000))
$$;

-- Wakes listening workers: one notification per queue that received
-- available jobs in the statement (PostgreSQL folds identical notifications
-- of one transaction into one, delivered at commit).
CREATE FUNCTION queue.notify_inserted() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_notify('concord_jobs', q.queue)
  FROM (SELECT DISTINCT queue FROM inserted WHERE state = 'available') AS q;
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify_inserted AFTER INSERT ON queue.jobs
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION queue.notify_inserted();

-- The worker runs and maintains jobs; the API enqueues, inspects, cancels
-- and retries them. Neither may truncate, and BI sees nothing here.
GRANT USAGE ON SCHEMA queue TO concord_api, concord_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON queue.jobs, queue.periodic_runs TO concord_worker;
GRANT SELECT, INSERT, UPDATE ON queue.jobs TO concord_api;
REVOKE EXECUTE ON FUNCTION queue.error_entry(integer, text), queue.notify_inserted() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION queue.error_entry(integer, text) TO concord_api, concord_worker;
