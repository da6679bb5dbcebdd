-- 0010: BI logins read the bi views and nothing else, and the common BI
-- filters (organisation, initiative, date range) read through indexes.
--
-- The bi views are security_invoker, so a BI login needs SELECT on the
-- tables under them, and row-level security (bi_read) decides its rows. What
-- keeps it from querying those tables directly is schema USAGE: PostgreSQL
-- checks it when a name is looked up, never when a view already bound to a
-- table runs. Without USAGE on public and app, concord_bi reaches only the
-- schema bi (and the catalogs). Schema public is usable by PUBLIC by default,
-- so that goes too; concord_api and concord_worker keep their own grants
-- (0001).
REVOKE USAGE ON SCHEMA public FROM PUBLIC;
REVOKE USAGE ON SCHEMA public FROM concord_bi;
REVOKE USAGE ON SCHEMA app FROM concord_bi;

-- The latest rating of a (initiative, leader) pair is the first entry of
-- this index: the id breaks ties on rated_at, as the store and the bi views
-- do, so a lookup reads one entry instead of sorting the pair's whole
-- history (with 1M ratings, bi.initiatives of one organisation read every
-- rating of it). It serves every query the index it replaces served.
CREATE INDEX alignment_ratings_pair_latest_idx
  ON alignment_ratings (org_id, initiative_id, leader_id, rated_at DESC, id DESC);
DROP INDEX alignment_ratings_latest_idx;

