-- 0015: a nudge claim outlives a failover.
--
-- Until now a 'sending' claim found by the holder of the leader's delivery
-- lock was taken for a dead sender's. A failover breaks that: the promoted
-- standby holds no advisory locks, so the lock is free while the sender,
-- alive, may be sending and will record the outcome once it reconnects.
-- A claim now says which server run it was made on and which job run made
-- it. It is taken back (recorded as interrupted and sent again) only when
-- it is older than the senders' outcome retries allow, or when it was made
-- on this very server run, its session has ended (the lock is free) and its
-- job run is over: then its sender is known to be dead.

ALTER TABLE nudges
  -- pg_postmaster_start_time() of the server the claim was made on: a
  -- server restarted or promoted since then no longer knows the claimer's
  -- session.
  ADD COLUMN claimed_on_server   timestamptz,
  -- The queue job run that claimed (queue.jobs id and attempt); NULL when
  -- delivery ran outside the queue.
  ADD COLUMN claimed_by_job      bigint,
  ADD COLUMN claimed_by_attempt  integer;
