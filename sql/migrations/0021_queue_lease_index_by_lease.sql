-- 0021: the lease index keyed by the lease alone (issue 5).
--
-- With `WHERE state = 'running'`, any statement that guards on
-- `state = 'running'` could read its rows through this index, and PostgreSQL
-- did so whenever its statistics said few jobs were running: a worker's
-- batched completion then read every running job of every worker (a bitmap
-- over the whole index, filtered by worker and joined to the batch) instead
-- of looking up the batch's ids. That is the plan it keeps for a table that
-- was small or never analysed when the statement was first prepared, as on a
-- fresh database that fills up, for the connection's lifetime.
--
-- The jobs_valid CHECK makes a running job the one with a lease and a worker,
-- and every statement that ends a run clears the lease, so the index holds
-- the same rows as before. The rescuer's `lease_expires_at < now()` implies
-- the new predicate and still reads it; a guard on the state alone no longer
-- can, and the worker's statements find their jobs by id.
CREATE INDEX jobs_lease_by_lease_idx ON queue.jobs (lease_expires_at)
  WHERE lease_expires_at IS NOT NULL;
DROP INDEX queue.jobs_lease_idx;
ALTER INDEX queue.jobs_lease_by_lease_idx RENAME TO jobs_lease_idx;
