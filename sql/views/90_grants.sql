-- Privileges on the bi views, granted again on every run (the views are
-- recreated). Read-only. Row-level security of the base tables decides the
-- rows: BI login roles (members of concord_bi) see the organisations granted
-- in auth.bi_role_grants, the API and worker roles app.current_org().

GRANT USAGE ON SCHEMA bi TO concord_bi, concord_api, concord_worker;
GRANT SELECT ON ALL TABLES IN SCHEMA bi TO concord_bi, concord_api, concord_worker;
