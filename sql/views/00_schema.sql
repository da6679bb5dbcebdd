-- The bi schema: read-only views for BI tools (Metabase, Superset, Power BI,
-- Tableau). Re-applied by the migrator after every migration, all files of
-- sql/views in name order in one transaction, so every file here is
-- idempotent.
--
-- Every view is created WITH (security_invoker = true): row-level security
-- of the base tables applies to whoever queries the view. A BI login role
-- (a member of concord_bi) sees the organisations listed for it in
-- auth.bi_role_grants; the API and worker roles see app.current_org().

-- The cascaded drops below would otherwise report every dependent view.
SET LOCAL client_min_messages = warning;

CREATE SCHEMA IF NOT EXISTS bi;
COMMENT ON SCHEMA bi IS
  'Read-only views for BI tools; row-level security applies to the querying role (see sql/views/README.md).';

-- Start from an empty schema of views on every run, so a view removed from
-- these files disappears from the database too. The files that follow
-- recreate every view, and 90_grants.sql grants on them again.
DO $$
DECLARE
  v record;
BEGIN
  FOR v IN
    SELECT c.relname AS view_name
    FROM pg_class AS c
    WHERE c.relnamespace = 'bi'::regnamespace AND c.relkind = 'v'
  LOOP
    -- By name: an earlier DROP ... CASCADE may already have removed it.
    EXECUTE format('DROP VIEW IF EXISTS bi.%I CASCADE', v.view_name);
  END LOOP;
END
$$;
