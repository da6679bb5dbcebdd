-- Internal helper (not a BI surface): who must be aligned on each initiative.
-- The same rule as RequiredLeaders in Sources/ConcordStore/Initiatives+Reads.swift:
-- the head of the lead area, and for each supporting area its accountable
-- leader or else its head; archived leaders are not required; a leader
-- required twice counts once, through the first role (lead before
-- supporting, then the earliest added, then the area id).
--
-- In schema app, beside the other internals; BI roles need SELECT on it only
-- because the security_invoker views that use it run with their privileges.

DROP VIEW IF EXISTS app.bi_required_leaders CASCADE;
CREATE VIEW app.bi_required_leaders WITH (security_invoker = true) AS
SELECT DISTINCT ON (r.org_id, r.initiative_id, r.leader_id)
       r.org_id, r.initiative_id, r.leader_id, r.area_id, r.role
FROM (
  SELECT i.org_id, i.id AS initiative_id, l.id AS leader_id, a.id AS area_id,
         'lead'::text AS role, 0 AS role_order, i.created_at AS added_at
  FROM initiatives AS i
  JOIN areas AS a ON a.org_id = i.org_id AND a.id = i.lead_area_id
  JOIN leaders AS l
    ON l.org_id = a.org_id AND l.id = a.head_leader_id AND l.archived_at IS NULL
  UNION ALL
  SELECT s.org_id, s.initiative_id, l.id, a.id, 'supporting'::text, 1, s.created_at
  FROM initiative_supporting_areas AS s
  JOIN areas AS a ON a.org_id = s.org_id AND a.id = s.area_id
  JOIN leaders AS l
    ON l.org_id = s.org_id AND l.id = coalesce(s.accountable_leader_id, a.head_leader_id)
   AND l.archived_at IS NULL
) AS r
ORDER BY r.org_id, r.initiative_id, r.leader_id, r.role_order, r.added_at, r.area_id;

COMMENT ON VIEW app.bi_required_leaders IS
  'Internal to the bi views: one row per initiative and leader required to be aligned on it.';
COMMENT ON COLUMN app.bi_required_leaders.org_id IS 'The organisation.';
COMMENT ON COLUMN app.bi_required_leaders.initiative_id IS 'The initiative.';
COMMENT ON COLUMN app.bi_required_leaders.leader_id IS 'The required leader.';
COMMENT ON COLUMN app.bi_required_leaders.area_id IS 'The area through which the leader is required.';
COMMENT ON COLUMN app.bi_required_leaders.role IS 'lead (head of the lead area) or supporting.';

GRANT SELECT ON app.bi_required_leaders TO concord_bi, concord_api, concord_worker;
