-- 0001: roles, the tenancy machinery, organisations, the audit log and the
-- global authentication tables.
--
-- Applied in one transaction by the owner (the migrating user), who owns
-- every object created here. The app roles own nothing.

------------------------------------------------------------------------------
-- Roles
------------------------------------------------------------------------------

-- Roles are cluster-wide and several databases in one cluster run this same
-- file, so a role is created only when missing (and a concurrent migration of
-- another database creating it first is not an error). No passwords here:
-- deployment sets them.
DO $$
DECLARE
  spec record;
BEGIN
  FOR spec IN
    SELECT * FROM (VALUES ('concord_api', true),
                          ('concord_worker', true),
                          ('concord_bi', false)) AS v (role_name, can_login)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = spec.role_name) THEN
      BEGIN
        EXECUTE format(
          'CREATE ROLE %I %s NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE',
          spec.role_name,
          CASE WHEN spec.can_login THEN 'LOGIN' ELSE 'NOLOGIN' END);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;  -- created meanwhile by the migration of another database
      END;
    END IF;
    -- A role found already existing must not be able to step around RLS.
    IF EXISTS (SELECT 1 FROM pg_roles
               WHERE rolname = spec.role_name AND (rolsuper OR rolbypassrls)) THEN
      RAISE EXCEPTION 'role % is SUPERUSER or BYPASSRLS; refusing to migrate',
        spec.role_name;
    END IF;
  END LOOP;
END
$$;

------------------------------------------------------------------------------
-- Schemas
------------------------------------------------------------------------------

-- app: internal helpers (tenant setting, trigger functions). Not for data.
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO concord_api, concord_worker, concord_bi;

-- auth: global (not per tenant) authentication tables. The app roles have no
-- access at all; they go through the SECURITY DEFINER functions below.
CREATE SCHEMA auth;

GRANT USAGE ON SCHEMA public TO concord_api, concord_worker, concord_bi;

------------------------------------------------------------------------------
-- The tenant setting
------------------------------------------------------------------------------

-- The organisation of the current transaction, from the transaction-local
-- setting app.org_id, set by the app with set_config('app.org_id', $1, true).
-- Unset or empty gives NULL, which matches no row: fail closed. A malformed
-- value raises an error. Plain SQL, STABLE and not SECURITY DEFINER so the
-- planner inlines it: in a policy it becomes a constant comparison usable by
-- the indexes that lead with org_id.
CREATE FUNCTION app.current_org() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(pg_catalog.current_setting('app.org_id', true), '')::uuid $$;

------------------------------------------------------------------------------
-- Time zones
------------------------------------------------------------------------------

-- pg_timezone_names reads the whole zone directory (tens of milliseconds),
-- too slow for a CHECK run per imported leader. Keep a copy of the names taken
-- at migration time and fall back to the view only for names not in it
-- (rejections, or zones added by a later tzdata update).
CREATE TABLE app.timezones (
  name text NOT NULL,
  CONSTRAINT timezones_pkey PRIMARY KEY (name)
);
INSERT INTO app.timezones (name) SELECT DISTINCT name FROM pg_timezone_names;

CREATE FUNCTION app.is_valid_timezone(tz text) RETURNS boolean
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM app.timezones WHERE name = tz) THEN
    RETURN true;
  END IF;
  RETURN EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = tz);
END
$$;
REVOKE EXECUTE ON FUNCTION app.is_valid_timezone(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.is_valid_timezone(text) TO concord_api, concord_worker;

------------------------------------------------------------------------------
-- Generic trigger functions
------------------------------------------------------------------------------

-- updated_at follows every update, whatever the statement says.
CREATE FUNCTION app.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- For append-only tables: any UPDATE, DELETE or TRUNCATE is refused, whoever
-- runs it (the app roles have no such privilege anyway; this stops the owner).
-- The constraint name reported is <table>_append_only.
CREATE FUNCTION app.reject_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation',
          CONSTRAINT = TG_TABLE_NAME || '_append_only',
          SCHEMA = TG_TABLE_SCHEMA,
          TABLE = TG_TABLE_NAME,
          HINT = 'Record a new row instead of changing an old one.';
END
$$;

------------------------------------------------------------------------------
-- Organisations (the tenant root; its own org_id is its key)
------------------------------------------------------------------------------

CREATE TABLE organisations (
  org_id               uuid        NOT NULL DEFAULT gen_random_uuid(),
  name                 text        NOT NULL,
  -- URL-safe handle, unique across the whole installation.
  slug                 text        NOT NULL,
  timezone             text        NOT NULL DEFAULT 'UTC',
  -- ISO weekdays nudges may be sent on: 1 = Monday .. 7 = Sunday.
  working_days         smallint[]  NOT NULL DEFAULT '{1,2,3,4,5}',
  -- No nudges between start and end, local time; the window may wrap past
  -- midnight (18:00-08:00). Both NULL: no quiet hours.
  quiet_hours_start    time        DEFAULT '18:00',
  quiet_hours_end      time        DEFAULT '08:00',
  nudge_weekly_cap     integer     NOT NULL DEFAULT 5,
  revisit_cadence_days integer     NOT NULL DEFAULT 30,
  quiet_after_days     integer     NOT NULL DEFAULT 14,
  archived_at          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  version              integer     NOT NULL DEFAULT 1,
  CONSTRAINT organisations_pkey PRIMARY KEY (org_id),
  -- The one unique key without org_id: a slug names an organisation across
  -- tenants. (Under Citus this table would be a reference table.)
  CONSTRAINT organisations_slug_unique UNIQUE (slug),
  CONSTRAINT organisations_name_valid
    CHECK (btrim(name) <> '' AND length(name) <= 200),
  CONSTRAINT organisations_slug_format
    CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 63),
  CONSTRAINT organisations_timezone_valid
    CHECK (app.is_valid_timezone(timezone)),
  CONSTRAINT organisations_working_days_valid
    CHECK (cardinality(working_days) BETWEEN 1 AND 7
           AND working_days <@ '{1,2,3,4,5,6,7}'::smallint[]),
  CONSTRAINT organisations_quiet_hours_valid
    CHECK ((quiet_hours_start IS NULL AND quiet_hours_end IS NULL)
           OR (quiet_hours_start IS NOT NULL AND quiet_hours_end IS NOT NULL
               AND quiet_hours_start <> quiet_hours_end)),
  CONSTRAINT organisations_nudge_weekly_cap_range
    CHECK (nudge_weekly_cap BETWEEN 0 AND 100),
  CONSTRAINT organisations_revisit_cadence_range
    CHECK (revisit_cadence_days BETWEEN 1 AND 365),
  CONSTRAINT organisations_quiet_after_range
    CHECK (quiet_after_days BETWEEN 1 AND 365)
);

------------------------------------------------------------------------------
-- Audit log (append-only tenant table)
------------------------------------------------------------------------------

-- One row per written row of every other tenant table, written by the
-- trigger function app.audit_row(). No foreign key to organisations: the log
-- outlives what it records.
CREATE TABLE audit_log (
  org_id     uuid        NOT NULL,
  id         bigint      GENERATED ALWAYS AS IDENTITY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text,
  table_name text        NOT NULL,
  operation  text        NOT NULL,
  row_key    jsonb       NOT NULL,
  before     jsonb,
  after      jsonb,
  CONSTRAINT audit_log_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT audit_log_operation_valid
    CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  CONSTRAINT audit_log_images_match_operation
    CHECK ((before IS NULL) = (operation = 'INSERT')
           AND (after IS NULL) = (operation = 'DELETE'))
);
CREATE INDEX audit_log_row_idx ON audit_log (org_id, table_name, row_key);
CREATE INDEX audit_log_at_idx ON audit_log (org_id, at DESC);

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION app.reject_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION app.reject_change();

-- AFTER row trigger for every tenant table but audit_log. SECURITY DEFINER so
-- the app roles need no INSERT privilege on audit_log. The trigger arguments
-- name the primary-key columns, copied into row_key. The actor is the
-- transaction-local setting app.actor (may be unset). An UPDATE that changes
-- nothing but updated_at is not logged.
CREATE FUNCTION app.audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  old_image jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_image jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  image     jsonb := coalesce(new_image, old_image);
  key       jsonb;
BEGIN
  IF TG_OP = 'UPDATE' AND old_image - 'updated_at' = new_image - 'updated_at' THEN
    RETURN NULL;
  END IF;
  SELECT jsonb_object_agg(k, image -> k) INTO key FROM unnest(TG_ARGV) AS k;
  INSERT INTO public.audit_log
    (org_id, actor, table_name, operation, row_key, before, after)
  VALUES
    ((image ->> 'org_id')::uuid,
     nullif(current_setting('app.actor', true), ''),
     TG_TABLE_NAME, TG_OP, key, old_image, new_image);
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION app.audit_row() FROM PUBLIC;

------------------------------------------------------------------------------
-- Global authentication tables (not tenant tables)
------------------------------------------------------------------------------

-- Who an API key speaks for: one client organisation, or the consultancy
-- (which reaches organisations only through explicit grants).
CREATE TABLE auth.principals (
  id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  kind       text        NOT NULL,
  org_id     uuid,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT principals_pkey PRIMARY KEY (id),
  CONSTRAINT principals_org_fk FOREIGN KEY (org_id)
    REFERENCES public.organisations (org_id) ON DELETE CASCADE,
  CONSTRAINT principals_kind_valid
    CHECK (kind IN ('organisation', 'consultancy')),
  CONSTRAINT principals_org_iff_organisation
    CHECK ((kind = 'organisation') = (org_id IS NOT NULL)),
  CONSTRAINT principals_name_valid
    CHECK (btrim(name) <> '' AND length(name) <= 200)
);
CREATE INDEX principals_org_idx ON auth.principals (org_id);

CREATE TABLE auth.api_keys (
  id           uuid        NOT NULL DEFAULT gen_random_uuid(),
  principal_id uuid        NOT NULL,
  -- SHA-256 of the secret; the secret itself is never stored.
  key_hash     bytea       NOT NULL,
  -- The first characters of the key, shown in listings.
  prefix       text        NOT NULL,
  scopes       text[]      NOT NULL DEFAULT '{read}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz,
  CONSTRAINT api_keys_pkey PRIMARY KEY (id),
  CONSTRAINT api_keys_principal_fk FOREIGN KEY (principal_id)
    REFERENCES auth.principals (id) ON DELETE CASCADE,
  CONSTRAINT api_keys_key_hash_unique UNIQUE (key_hash),
  CONSTRAINT api_keys_key_hash_sha256 CHECK (octet_length(key_hash) = 32),
  CONSTRAINT api_keys_prefix_valid
    CHECK (btrim(prefix) <> '' AND length(prefix) <= 32),
  CONSTRAINT api_keys_scopes_valid
    CHECK (cardinality(scopes) >= 1
           AND scopes <@ '{read,write,admin}'::text[])
);
CREATE INDEX api_keys_principal_idx ON auth.api_keys (principal_id);

-- The organisations a consultancy principal may act for. The app sets
-- app.org_id to one of them per transaction; nothing bypasses RLS.
CREATE TABLE auth.principal_org_grants (
  principal_id uuid        NOT NULL,
  org_id       uuid        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT principal_org_grants_pkey PRIMARY KEY (principal_id, org_id),
  CONSTRAINT principal_org_grants_principal_fk FOREIGN KEY (principal_id)
    REFERENCES auth.principals (id) ON DELETE CASCADE,
  CONSTRAINT principal_org_grants_org_fk FOREIGN KEY (org_id)
    REFERENCES public.organisations (org_id) ON DELETE CASCADE
);
CREATE INDEX principal_org_grants_org_idx ON auth.principal_org_grants (org_id);

-- The organisations each BI login role may read. Such a role is a member of
-- concord_bi; the owner manages these rows (one per organisation, also for a
-- consultancy-wide BI role: access is always explicit).
CREATE TABLE auth.bi_role_grants (
  role_name  name        NOT NULL,
  org_id     uuid        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT bi_role_grants_pkey PRIMARY KEY (role_name, org_id),
  CONSTRAINT bi_role_grants_org_fk FOREIGN KEY (org_id)
    REFERENCES public.organisations (org_id) ON DELETE CASCADE
);

------------------------------------------------------------------------------
-- SECURITY DEFINER entry points (search_path pinned, no PUBLIC execute)
------------------------------------------------------------------------------

-- Look up an API key by the SHA-256 of its secret. No row: unknown key.
CREATE FUNCTION public.auth_api_key(key_hash bytea)
RETURNS TABLE (key_id uuid, principal_id uuid, principal_kind text,
               org_id uuid, scopes text[], revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.id, p.id, p.kind, p.org_id, k.scopes,
         k.revoked_at IS NOT NULL AND k.revoked_at <= now()
  FROM auth.api_keys AS k
  JOIN auth.principals AS p ON p.id = k.principal_id
  WHERE k.key_hash = $1
$$;

-- An organisation principal reaches its own organisation only; a consultancy
-- principal the organisations granted to it.
CREATE FUNCTION public.principal_can_access(principal_id uuid, org_id uuid)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT EXISTS (SELECT 1 FROM auth.principals AS p
                 WHERE p.id = $1 AND p.kind = 'organisation' AND p.org_id = $2)
      OR EXISTS (SELECT 1
                 FROM auth.principal_org_grants AS g
                 JOIN auth.principals AS p ON p.id = g.principal_id
                 WHERE g.principal_id = $1 AND g.org_id = $2
                   AND p.kind = 'consultancy')
$$;

-- Every organisation a principal may act for (the consultancy's portfolio).
CREATE FUNCTION public.principal_org_ids(principal_id uuid)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT p.org_id FROM auth.principals AS p
  WHERE p.id = $1 AND p.kind = 'organisation'
  UNION
  SELECT g.org_id
  FROM auth.principal_org_grants AS g
  JOIN auth.principals AS p ON p.id = g.principal_id
  WHERE g.principal_id = $1 AND p.kind = 'consultancy'
$$;

-- Record that a key was used, at most once a minute per key so busy keys do
-- not write on every request.
CREATE FUNCTION public.api_key_touch(key_id uuid) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE auth.api_keys
  SET last_used_at = now()
  WHERE id = $1
    AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
$$;

-- The organisations the worker iterates over (it then sets app.org_id to
-- each in turn). Reads organisations as the owner, hence the policy
-- organisations_owner_directory below.
CREATE FUNCTION public.active_org_ids() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT o.org_id FROM public.organisations AS o WHERE o.archived_at IS NULL
$$;

-- The organisations the connected BI login role was granted. session_user,
-- not current_user: SET ROLE cannot change it.
CREATE FUNCTION app.bi_org_ids() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT g.org_id FROM auth.bi_role_grants AS g WHERE g.role_name = session_user
$$;

REVOKE EXECUTE ON FUNCTION public.auth_api_key(bytea) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.principal_can_access(uuid, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.principal_org_ids(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.api_key_touch(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.active_org_ids() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.bi_org_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.auth_api_key(bytea) TO concord_api;
GRANT EXECUTE ON FUNCTION public.principal_can_access(uuid, uuid) TO concord_api;
GRANT EXECUTE ON FUNCTION public.principal_org_ids(uuid) TO concord_api;
GRANT EXECUTE ON FUNCTION public.api_key_touch(uuid) TO concord_api;
GRANT EXECUTE ON FUNCTION public.active_org_ids() TO concord_worker;
GRANT EXECUTE ON FUNCTION app.bi_org_ids() TO concord_bi;

------------------------------------------------------------------------------
-- Making a table a tenant table
------------------------------------------------------------------------------

-- Called by every migration that creates a tenant table, so each gets the
-- same treatment:
--   * RLS enabled and FORCED (the owner is held to the policies too);
--   * tenant_isolation: the API and worker see and write only the rows of
--     app.current_org() (nothing when unset);
--   * bi_read: BI roles read only the organisations granted to the login
--     role in auth.bi_role_grants (app.org_id is ignored: anyone can set it);
--   * the audit trigger, keyed by the primary-key columns (not on audit_log);
--   * the updated_at trigger when the table has that column.
-- Privileges are granted by each migration, table by table.
CREATE PROCEDURE app.secure_tenant_table(tbl regclass)
LANGUAGE plpgsql
AS $$
DECLARE
  key_args text;
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s TO concord_api, concord_worker'
    ' USING (org_id = app.current_org()) WITH CHECK (org_id = app.current_org())',
    tbl);
  EXECUTE format(
    'CREATE POLICY bi_read ON %s FOR SELECT TO concord_bi'
    ' USING (org_id IN (SELECT app.bi_org_ids()))',
    tbl);

  IF tbl <> 'public.audit_log'::regclass THEN
    SELECT string_agg(quote_literal(a.attname), ', ' ORDER BY k.ord)
    INTO key_args
    FROM pg_index AS i
    CROSS JOIN LATERAL unnest(i.indkey::smallint[]) WITH ORDINALITY AS k (attnum, ord)
    JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = tbl AND i.indisprimary;
    IF key_args IS NULL THEN
      RAISE EXCEPTION 'tenant table % has no primary key', tbl;
    END IF;
    EXECUTE format(
      'CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON %s'
      ' FOR EACH ROW EXECUTE FUNCTION app.audit_row(%s)',
      tbl, key_args);
  END IF;

  IF EXISTS (SELECT 1 FROM pg_attribute
             WHERE attrelid = tbl AND attname = 'updated_at' AND NOT attisdropped) THEN
    EXECUTE format(
      'CREATE TRIGGER touch_updated_at BEFORE UPDATE ON %s'
      ' FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at()',
      tbl);
  END IF;
END
$$;
REVOKE EXECUTE ON PROCEDURE app.secure_tenant_table(regclass) FROM PUBLIC;

CALL app.secure_tenant_table('organisations');
CALL app.secure_tenant_table('audit_log');

-- The two places where the owner, running a SECURITY DEFINER function, must
-- get past FORCEd RLS when it is not a superuser: writing audit rows from
-- app.audit_row() and listing organisations for active_org_ids().
-- CURRENT_USER is the migrating owner; the app roles have no INSERT on
-- audit_log, so only that trigger reaches the first policy, and the row it
-- logs has already passed the policies of its own table.
CREATE POLICY audit_log_owner_append ON audit_log FOR INSERT TO CURRENT_USER
  WITH CHECK (true);
CREATE POLICY organisations_owner_directory ON organisations FOR SELECT
  TO CURRENT_USER USING (true);

-- Provisioning an organisation: the API sets app.org_id to the new id it
-- chose, then inserts. Organisations are archived, never deleted by the app.
GRANT SELECT, INSERT, UPDATE ON organisations TO concord_api;
GRANT SELECT ON organisations TO concord_worker, concord_bi;

-- The app reads its organisation's history; only the trigger writes it. BI
-- gets no access: before/after images hold contact channels.
GRANT SELECT ON audit_log TO concord_api, concord_worker;
