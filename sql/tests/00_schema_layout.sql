-- The tenancy layout, read from the catalog: a tenant table added later
-- without it fails here. A tenant table is any table with an org_id column
-- outside the global auth schema (see fixtures/two_orgs.psql).
\set QUIET 1
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
\ir fixtures/two_orgs.psql
SELECT no_plan();

------------------------------------------------------------------------------
-- Keys
------------------------------------------------------------------------------

SELECT cmp_ok((SELECT count(*)::int FROM test_support.tenant_tables), '>=', 15,
  'the catalog finds the tenant tables');

SELECT is_empty($$
  SELECT t.name
  FROM test_support.tenant_tables AS t
  JOIN pg_attribute AS a ON a.attrelid = t.tbl AND a.attname = 'org_id'
  WHERE a.atttypid <> 'uuid'::regtype OR NOT a.attnotnull
$$, 'every tenant table has org_id uuid NOT NULL');

SELECT is_empty($$
  SELECT t.name
  FROM test_support.tenant_tables AS t
  LEFT JOIN pg_index AS i ON i.indrelid = t.tbl AND i.indisprimary
  LEFT JOIN pg_attribute AS a ON a.attrelid = t.tbl AND a.attnum = i.indkey[0]
  WHERE a.attname IS DISTINCT FROM 'org_id'
$$, 'every tenant table has a primary key with org_id first');

-- organisations_slug_unique is the one exception: a slug is unique across
-- tenants, and organisations is the tenant root (org_id is its whole key).
SELECT is_empty($$
  SELECT i.indexrelid::regclass::text
  FROM test_support.tenant_tables AS t
  JOIN pg_index AS i ON i.indrelid = t.tbl AND i.indisunique
  JOIN pg_attribute AS a ON a.attrelid = t.tbl AND a.attname = 'org_id'
  WHERE NOT a.attnum = ANY (i.indkey::smallint[])
    AND i.indexrelid <> 'public.organisations_slug_unique'::regclass
  UNION ALL
  SELECT c.conname::text
  FROM test_support.tenant_tables AS t
  JOIN pg_constraint AS c ON c.conrelid = t.tbl AND c.contype = 'x'
  JOIN pg_attribute AS a ON a.attrelid = t.tbl AND a.attname = 'org_id'
  WHERE NOT a.attnum = ANY (c.conkey)
$$, 'every unique index and exclusion constraint of a tenant table includes org_id');

SELECT is_empty($$
  SELECT i.indexrelid::regclass::text
  FROM test_support.tenant_tables AS t
  JOIN pg_index AS i ON i.indrelid = t.tbl
  JOIN pg_attribute AS a ON a.attrelid = t.tbl AND a.attname = 'org_id'
  WHERE i.indkey[0] <> a.attnum
    AND i.indexrelid <> 'public.organisations_slug_unique'::regclass
$$, 'every index of a tenant table leads with org_id');

SELECT is_empty($$
  SELECT c.conrelid::regclass || '.' || c.conname
  FROM pg_constraint AS c
  JOIN test_support.tenant_tables AS s ON s.tbl = c.conrelid
  JOIN test_support.tenant_tables AS d ON d.tbl = c.confrelid
  JOIN pg_attribute AS sa ON sa.attrelid = c.conrelid AND sa.attname = 'org_id'
  JOIN pg_attribute AS da ON da.attrelid = c.confrelid AND da.attname = 'org_id'
  WHERE c.contype = 'f'
    AND NOT EXISTS (SELECT 1 FROM unnest(c.conkey, c.confkey) AS k (src, dst)
                    WHERE k.src = sa.attnum AND k.dst = da.attnum)
$$, 'every foreign key between tenant tables maps org_id to org_id');

SELECT is_empty($$
  SELECT c.conrelid::regclass || '.' || c.conname
  FROM pg_constraint AS c
  JOIN test_support.tenant_tables AS s ON s.tbl = c.conrelid
  WHERE c.contype = 'f'
    AND c.confrelid NOT IN (SELECT tbl::oid FROM test_support.tenant_tables)
$$, 'no tenant table references a table outside the tenancy');

------------------------------------------------------------------------------
-- Row-level security
------------------------------------------------------------------------------

SELECT is_empty($$
  SELECT t.name
  FROM test_support.tenant_tables AS t
  JOIN pg_class AS c ON c.oid = t.tbl
  WHERE NOT (c.relrowsecurity AND c.relforcerowsecurity)
$$, 'every tenant table has row-level security enabled and forced');

SELECT is_empty($$
  SELECT t.name
  FROM test_support.tenant_tables AS t
  WHERE NOT EXISTS (
    SELECT 1 FROM pg_policy AS p
    WHERE p.polrelid = t.tbl AND p.polname = 'tenant_isolation'
      AND p.polpermissive AND p.polcmd = '*'
      AND p.polroles @> ARRAY['concord_api'::regrole::oid, 'concord_worker'::regrole::oid]
      AND cardinality(p.polroles) = 2
      AND pg_get_expr(p.polqual, p.polrelid) = '(org_id = app.current_org())'
      AND pg_get_expr(p.polwithcheck, p.polrelid) = '(org_id = app.current_org())')
$$, 'every tenant table confines the API and worker roles to app.current_org()');

SELECT is_empty($$
  SELECT t.name
  FROM test_support.tenant_tables AS t
  WHERE NOT EXISTS (
    SELECT 1 FROM pg_policy AS p
    WHERE p.polrelid = t.tbl AND p.polname = 'bi_read'
      AND p.polpermissive AND p.polcmd = 'r'
      AND p.polroles = ARRAY['concord_bi'::regrole::oid]
      AND pg_get_expr(p.polqual, p.polrelid)
          = '(org_id IN ( SELECT app.bi_org_ids() AS bi_org_ids))')
$$, 'every tenant table lets BI read only the organisations granted to the login role');

SELECT is_empty($$
  SELECT p.polrelid::regclass || '.' || p.polname
  FROM pg_policy AS p
  JOIN test_support.tenant_tables AS t ON t.tbl = p.polrelid
  WHERE p.polname NOT IN ('tenant_isolation', 'bi_read')
    AND (p.polrelid::regclass::text, p.polname::text) NOT IN
        (('audit_log', 'audit_log_owner_append'),
         ('organisations', 'organisations_owner_directory'))
$$, 'tenant tables have no other policies than the two owner exceptions');

SELECT is_empty($$
  SELECT p.polrelid::regclass || '.' || p.polname
  FROM pg_policy AS p
  WHERE 0::oid = ANY (p.polroles)
     OR (p.polname NOT IN ('tenant_isolation', 'bi_read')
         AND p.polroles && ARRAY(SELECT oid FROM pg_roles
                                 WHERE rolname IN ('concord_api', 'concord_worker', 'concord_bi')))
$$, 'no policy applies to PUBLIC, and the owner exceptions do not apply to app roles');

SELECT ok(
  (SELECT NOT prosecdef AND provolatile = 's' AND proconfig IS NULL
          AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'sql')
   FROM pg_proc WHERE oid = 'app.current_org()'::regprocedure),
  'app.current_org() is a plain STABLE SQL function, so the planner inlines it');

------------------------------------------------------------------------------
-- Audit and append-only tables
------------------------------------------------------------------------------

-- tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate.
-- Not audited: the log itself, and alignment_first_reached, derived from
-- audited writes by triggers (migration 0020).
SELECT is_empty($$
  SELECT t.name
  FROM test_support.tenant_tables AS t
  WHERE t.tbl NOT IN ('public.audit_log'::regclass, 'public.alignment_first_reached'::regclass)
    AND NOT EXISTS (SELECT 1 FROM pg_trigger AS g
                    WHERE g.tgrelid = t.tbl
                      AND g.tgfoid = 'app.audit_row()'::regprocedure
                      AND g.tgenabled <> 'D'
                      AND (g.tgtype & 31) = 29)
$$, 'every tenant table but audit_log and alignment_first_reached has the AFTER row audit trigger');

SELECT is_empty($$
  SELECT g.tgname FROM pg_trigger AS g
  WHERE g.tgrelid IN ('public.audit_log'::regclass, 'public.alignment_first_reached'::regclass)
    AND g.tgfoid = 'app.audit_row()'::regprocedure
$$, 'audit_log and the derived alignment_first_reached have no audit trigger');

SELECT is_empty($$
  SELECT x.tbl::text
  FROM (VALUES ('public.alignment_ratings'::regclass), ('public.audit_log'::regclass)) AS x (tbl)
  WHERE NOT EXISTS (SELECT 1 FROM pg_trigger AS g
                    WHERE g.tgrelid = x.tbl AND g.tgenabled <> 'D'
                      AND g.tgfoid = 'app.reject_change()'::regprocedure
                      AND (g.tgtype & 27) = 27)
     OR NOT EXISTS (SELECT 1 FROM pg_trigger AS g
                    WHERE g.tgrelid = x.tbl AND g.tgenabled <> 'D'
                      AND g.tgfoid = 'app.reject_change()'::regprocedure
                      AND (g.tgtype & 35) = 34)
$$, 'alignment_ratings and audit_log reject UPDATE, DELETE and TRUNCATE');

SELECT is_empty($$
  SELECT r.role || ' ' || p.priv || ' ' || x.tbl
  FROM (VALUES ('concord_api'), ('concord_worker'), ('concord_bi')) AS r (role)
  CROSS JOIN (VALUES ('public.alignment_ratings'), ('public.audit_log')) AS x (tbl)
  CROSS JOIN (VALUES ('UPDATE'), ('DELETE')) AS p (priv)
  WHERE has_table_privilege(r.role, x.tbl, p.priv)
     OR has_any_column_privilege(r.role, x.tbl, 'UPDATE')
  UNION ALL
  SELECT r.role || ' INSERT audit_log'
  FROM (VALUES ('concord_api'), ('concord_worker'), ('concord_bi')) AS r (role)
  WHERE has_any_column_privilege(r.role, 'public.audit_log', 'INSERT')
$$, 'no app role may change ratings or the audit log, nor write the audit log directly');

------------------------------------------------------------------------------
-- Types
------------------------------------------------------------------------------

SELECT is_empty($$
  SELECT c.oid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
  FROM pg_class AS c
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
  JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE c.relkind IN ('r', 'p')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_'
    AND a.atttypid IN ('timestamp'::regtype, 'timetz'::regtype, 'money'::regtype,
                       'real'::regtype, 'double precision'::regtype,
                       'timestamp[]'::regtype, 'real[]'::regtype,
                       'double precision[]'::regtype)
$$, 'no timestamp without time zone, money or floating-point columns');

------------------------------------------------------------------------------
-- Roles
------------------------------------------------------------------------------

SELECT is(
  (SELECT array_agg(rolname::text ORDER BY rolname) FROM pg_roles
   WHERE rolname IN ('concord_api', 'concord_worker', 'concord_bi')),
  ARRAY['concord_api', 'concord_bi', 'concord_worker'],
  'the three app roles exist');

SELECT is_empty($$
  SELECT rolname FROM pg_roles
  WHERE rolname IN ('concord_api', 'concord_worker', 'concord_bi')
    AND (rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolreplication)
$$, 'no app role is superuser, bypasses RLS, or creates roles or databases');

SELECT ok((SELECT bool_and(rolcanlogin) FROM pg_roles
           WHERE rolname IN ('concord_api', 'concord_worker')),
  'the API and worker roles can log in');
SELECT is((SELECT rolcanlogin FROM pg_roles WHERE rolname = 'concord_bi'), false,
  'concord_bi is a group role without login');

SELECT is_empty($$
  SELECT r.rolname || ' is a member of ' || g.rolname
  FROM pg_auth_members AS m
  JOIN pg_roles AS r ON r.oid = m.member
  JOIN pg_roles AS g ON g.oid = m.roleid
  WHERE r.rolname IN ('concord_api', 'concord_worker', 'concord_bi')
$$, 'the app roles inherit no other role');

SELECT is_empty($$
  WITH app_roles AS (
    SELECT oid FROM pg_roles WHERE rolname IN ('concord_api', 'concord_worker', 'concord_bi'))
  SELECT 'relation ' || oid::regclass FROM pg_class WHERE relowner IN (SELECT oid FROM app_roles)
  UNION ALL
  SELECT 'routine ' || oid::regprocedure FROM pg_proc WHERE proowner IN (SELECT oid FROM app_roles)
  UNION ALL
  SELECT 'schema ' || nspname FROM pg_namespace WHERE nspowner IN (SELECT oid FROM app_roles)
  UNION ALL
  SELECT 'type ' || oid::regtype FROM pg_type WHERE typowner IN (SELECT oid FROM app_roles)
  UNION ALL
  SELECT 'database ' || datname FROM pg_database WHERE datdba IN (SELECT oid FROM app_roles)
$$, 'the app roles own nothing');

SELECT is_empty($$
  SELECT r.role || ' ' || p.priv || ' ' || c.oid::regclass
  FROM pg_class AS c
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
  CROSS JOIN (VALUES ('concord_api'), ('concord_worker'), ('concord_bi')) AS r (role)
  CROSS JOIN (VALUES ('TRUNCATE'), ('REFERENCES'), ('TRIGGER')) AS p (priv)
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_'
    AND has_table_privilege(r.role, c.oid, p.priv)
$$, 'no app role has TRUNCATE, REFERENCES or TRIGGER on any table');

SELECT is_empty($$
  SELECT p.priv || ' ' || c.oid::regclass
  FROM pg_class AS c
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
  CROSS JOIN (VALUES ('INSERT'), ('UPDATE'), ('DELETE')) AS p (priv)
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_'
    AND (has_table_privilege('concord_bi', c.oid, p.priv)
         OR (p.priv <> 'DELETE' AND has_any_column_privilege('concord_bi', c.oid, p.priv)))
$$, 'concord_bi cannot write any table');

SELECT is_empty($$
  SELECT 'concord_bi reads ' || a.attname
  FROM pg_attribute AS a
  WHERE a.attrelid = 'public.leaders'::regclass AND a.attname = 'channels'
    AND has_column_privilege('concord_bi', 'public.leaders', 'channels', 'SELECT')
  UNION ALL
  SELECT 'concord_bi reads audit_log'
  WHERE has_any_column_privilege('concord_bi', 'public.audit_log', 'SELECT')
$$, 'BI cannot read the leaders'' delivery channels nor the audit log');

------------------------------------------------------------------------------
-- Global authentication tables and SECURITY DEFINER functions
------------------------------------------------------------------------------

SELECT is_empty($$
  SELECT r.role || ' on ' || c.oid::regclass
  FROM pg_class AS c
  CROSS JOIN (VALUES ('concord_api'), ('concord_worker'), ('concord_bi')) AS r (role)
  WHERE c.relnamespace = 'auth'::regnamespace
    AND has_table_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
  UNION ALL
  SELECT r.role || ' uses schema auth'
  FROM (VALUES ('concord_api'), ('concord_worker'), ('concord_bi')) AS r (role)
  WHERE has_schema_privilege(r.role, 'auth', 'USAGE')
$$, 'the app roles have no direct access to the auth tables');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text
  FROM pg_proc AS p
  JOIN pg_namespace AS n ON n.oid = p.pronamespace
  WHERE p.prosecdef
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=%')
$$, 'every SECURITY DEFINER function pins its search_path');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text
  FROM pg_proc AS p
  JOIN pg_namespace AS n ON n.oid = p.pronamespace
  WHERE p.prosecdef
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND (p.proacl IS NULL
         OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) AS x
                    WHERE x.grantee = 0 AND x.privilege_type = 'EXECUTE'))
$$, 'no SECURITY DEFINER function is executable by PUBLIC');

SELECT is(pg_get_function_result('public.auth_api_key(bytea)'::regprocedure),
  'TABLE(key_id uuid, principal_id uuid, principal_kind text, org_id uuid, scopes text[], revoked boolean)',
  'auth_api_key(bytea) returns the key, its principal, scopes and revocation');
SELECT is(pg_get_function_result('public.principal_can_access(uuid, uuid)'::regprocedure),
  'boolean', 'principal_can_access(uuid, uuid) returns boolean');

SELECT is(
  ARRAY(SELECT r.role || ' ' || f.fn || ' ' || has_function_privilege(r.role, f.fn, 'EXECUTE')
        FROM (VALUES ('concord_api'), ('concord_worker'), ('concord_bi')) AS r (role)
        CROSS JOIN (VALUES ('public.auth_api_key(bytea)'),
                           ('public.principal_can_access(uuid, uuid)'),
                           ('public.principal_org_ids(uuid)'),
                           ('public.api_key_touch(uuid)'),
                           ('public.active_org_ids()'),
                           ('app.bi_org_ids()')) AS f (fn)
        ORDER BY 1),
  ARRAY['concord_api app.bi_org_ids() false',
        'concord_api public.active_org_ids() false',
        'concord_api public.api_key_touch(uuid) true',
        'concord_api public.auth_api_key(bytea) true',
        'concord_api public.principal_can_access(uuid, uuid) true',
        'concord_api public.principal_org_ids(uuid) true',
        'concord_bi app.bi_org_ids() true',
        'concord_bi public.active_org_ids() false',
        'concord_bi public.api_key_touch(uuid) false',
        'concord_bi public.auth_api_key(bytea) false',
        'concord_bi public.principal_can_access(uuid, uuid) false',
        'concord_bi public.principal_org_ids(uuid) false',
        'concord_worker app.bi_org_ids() false',
        'concord_worker public.active_org_ids() true',
        'concord_worker public.api_key_touch(uuid) false',
        'concord_worker public.auth_api_key(bytea) false',
        'concord_worker public.principal_can_access(uuid, uuid) false',
        'concord_worker public.principal_org_ids(uuid) false'],
  'each SECURITY DEFINER entry point is executable by exactly the role it serves');

SELECT * FROM finish(true);
ROLLBACK;
