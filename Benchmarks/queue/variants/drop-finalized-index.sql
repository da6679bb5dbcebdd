-- The completion without its jobs_finalized_idx entry (the cleaner would then scan the table).
DROP INDEX queue.jobs_finalized_idx;
