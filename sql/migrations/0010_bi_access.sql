-- 0010: BI logins read the bi views and nothing else.
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
