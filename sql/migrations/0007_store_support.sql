-- 0007: indexes for the store's keyset-paginated lists, which walk each
-- organisation's rows in (created_at, id) order.

CREATE INDEX areas_created_idx ON areas (org_id, created_at, id);
CREATE INDEX leaders_created_idx ON leaders (org_id, created_at, id);
CREATE INDEX initiatives_created_idx ON initiatives (org_id, created_at, id);
CREATE INDEX goal_trees_created_idx ON goal_trees (org_id, created_at, id);
