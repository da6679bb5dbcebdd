-- Migration 0018 without its fillfactor 70: pages filled to the brim.
ALTER TABLE queue.jobs RESET (fillfactor);
