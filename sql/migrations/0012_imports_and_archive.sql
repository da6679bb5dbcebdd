-- 0012: what consultancy operations need: an external key on initiatives so a
-- CSV re-import finds the rows it made, and archived organisations hidden
-- from keys, grants and BI (the audit log keeps them).

------------------------------------------------------------------------------
-- Initiatives: the key of the initiative in the client's own files
------------------------------------------------------------------------------

ALTER TABLE initiatives ADD COLUMN external_key text;
ALTER TABLE initiatives ADD CONSTRAINT initiatives_external_key_unique
  UNIQUE (org_id, external_key);
ALTER TABLE initiatives ADD CONSTRAINT initiatives_external_key_valid
  CHECK (btrim(external_key) <> '' AND length(external_key) <= 200);

------------------------------------------------------------------------------
-- Archived organisations
------------------------------------------------------------------------------

-- The same lookups as in 0001, now also refusing everything of an archived
-- organisation: its own keys read as revoked, consultancy grants to it no
-- longer reach it, BI roles no longer see it. The owner reads organisations
-- through the policy organisations_owner_directory (0001).
CREATE OR REPLACE FUNCTION public.auth_api_key(key_hash bytea)
RETURNS TABLE (key_id uuid, principal_id uuid, principal_kind text,
               org_id uuid, scopes text[], revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.id, p.id, p.kind, p.org_id, k.scopes,
         (k.revoked_at IS NOT NULL AND k.revoked_at <= now())
         OR EXISTS (SELECT 1 FROM public.organisations AS o
                    WHERE o.org_id = p.org_id AND o.archived_at IS NOT NULL)
  FROM auth.api_keys AS k
  JOIN auth.principals AS p ON p.id = k.principal_id
  WHERE k.key_hash = $1
$$;

CREATE OR REPLACE FUNCTION public.principal_can_access(principal_id uuid, org_id uuid)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT NOT EXISTS (SELECT 1 FROM public.organisations AS o
                     WHERE o.org_id = $2 AND o.archived_at IS NOT NULL)
     AND (EXISTS (SELECT 1 FROM auth.principals AS p
                  WHERE p.id = $1 AND p.kind = 'organisation' AND p.org_id = $2)
          OR EXISTS (SELECT 1
                     FROM auth.principal_org_grants AS g
                     JOIN auth.principals AS p ON p.id = g.principal_id
                     WHERE g.principal_id = $1 AND g.org_id = $2
                       AND p.kind = 'consultancy'))
$$;

CREATE OR REPLACE FUNCTION public.principal_org_ids(principal_id uuid)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT ids.org_id
  FROM (SELECT p.org_id FROM auth.principals AS p
        WHERE p.id = $1 AND p.kind = 'organisation'
        UNION
        SELECT g.org_id
        FROM auth.principal_org_grants AS g
        JOIN auth.principals AS p ON p.id = g.principal_id
        WHERE g.principal_id = $1 AND p.kind = 'consultancy') AS ids
  JOIN public.organisations AS o ON o.org_id = ids.org_id
  WHERE o.archived_at IS NULL
$$;

CREATE OR REPLACE FUNCTION app.bi_org_ids() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT g.org_id
  FROM auth.bi_role_grants AS g
  JOIN public.organisations AS o ON o.org_id = g.org_id
  WHERE g.role_name = session_user AND o.archived_at IS NULL
$$;
