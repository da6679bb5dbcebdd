-- The cleaner's index as BRIN instead of a btree (a summary per range of pages, not an entry per job).
DROP INDEX queue.jobs_finalized_idx;
CREATE INDEX jobs_finalized_brin ON queue.jobs USING brin (finalized_at);
