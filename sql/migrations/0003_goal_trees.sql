-- 0003: goal trees (Dettmer's Intermediate Objectives map) and the links from
-- initiatives to the nodes they serve.
--
-- A tree has one Goal, Critical Success Factors and Necessary Conditions.
-- Links read "in order to have <parent> we must have <child>". A node may
-- have several parents: the links form a DAG, never a cycle.

CREATE TABLE goal_trees (
  org_id      uuid        NOT NULL,
  id          uuid        NOT NULL DEFAULT gen_random_uuid(),
  name        text        NOT NULL,
  description text        NOT NULL DEFAULT '',
  archived_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  version     integer     NOT NULL DEFAULT 1,
  CONSTRAINT goal_trees_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT goal_trees_org_fk FOREIGN KEY (org_id)
    REFERENCES organisations (org_id),
  CONSTRAINT goal_trees_name_valid CHECK (btrim(name) <> '' AND length(name) <= 200)
);

CREATE TABLE goal_nodes (
  org_id                uuid        NOT NULL,
  id                    uuid        NOT NULL DEFAULT gen_random_uuid(),
  tree_id               uuid        NOT NULL,
  kind                  text        NOT NULL,
  title                 text        NOT NULL,
  measure               text,
  accountable_leader_id uuid,
  -- The node's own status; the rolled-up status is derived in queries.
  status                text        NOT NULL DEFAULT 'green',
  -- 0-100; NULL: not estimated.
  confidence            smallint,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  version               integer     NOT NULL DEFAULT 1,
  CONSTRAINT goal_nodes_pkey PRIMARY KEY (org_id, id),
  -- Lets goal_links reference (tree, node) so both ends of a link are in the
  -- same tree by construction. Also the index for "all nodes of a tree".
  CONSTRAINT goal_nodes_tree_key UNIQUE (org_id, tree_id, id),
  CONSTRAINT goal_nodes_tree_fk FOREIGN KEY (org_id, tree_id)
    REFERENCES goal_trees (org_id, id) ON DELETE CASCADE,
  CONSTRAINT goal_nodes_accountable_leader_fk
    FOREIGN KEY (org_id, accountable_leader_id) REFERENCES leaders (org_id, id)
    ON DELETE SET NULL (accountable_leader_id),
  CONSTRAINT goal_nodes_kind_valid
    CHECK (kind IN ('goal', 'critical_success_factor', 'necessary_condition')),
  CONSTRAINT goal_nodes_title_valid
    CHECK (btrim(title) <> '' AND length(title) <= 300),
  CONSTRAINT goal_nodes_measure_valid CHECK (length(measure) <= 2000),
  CONSTRAINT goal_nodes_status_valid CHECK (status IN ('green', 'amber', 'red')),
  CONSTRAINT goal_nodes_confidence_range CHECK (confidence BETWEEN 0 AND 100)
);
-- At most one goal per tree...
CREATE UNIQUE INDEX goal_nodes_one_goal_per_tree ON goal_nodes (org_id, tree_id)
  WHERE kind = 'goal';
CREATE INDEX goal_nodes_accountable_leader_idx
  ON goal_nodes (org_id, accountable_leader_id);

-- ...and at least one in every tree that has nodes, checked at commit so a
-- tree and its nodes can be written in any order within one transaction.
CREATE FUNCTION app.goal_nodes_check_tree_has_goal() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  row_org uuid := coalesce(NEW.org_id, OLD.org_id);
  tree    uuid;
BEGIN
  FOREACH tree IN ARRAY ARRAY[NEW.tree_id, OLD.tree_id] LOOP
    CONTINUE WHEN tree IS NULL;
    IF EXISTS (SELECT 1 FROM goal_nodes
               WHERE org_id = row_org AND tree_id = tree)
       AND NOT EXISTS (SELECT 1 FROM goal_nodes
                       WHERE org_id = row_org AND tree_id = tree AND kind = 'goal')
    THEN
      RAISE EXCEPTION 'goal tree % has nodes but no node of kind goal', tree
        USING ERRCODE = 'check_violation',
              CONSTRAINT = 'goal_trees_goal_required',
              TABLE = 'goal_nodes',
              HINT = 'Every goal tree with nodes has exactly one goal node.';
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER goal_trees_goal_required
  AFTER INSERT OR UPDATE OF kind, tree_id OR DELETE ON goal_nodes
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION app.goal_nodes_check_tree_has_goal();

CREATE TABLE goal_links (
  org_id     uuid        NOT NULL,
  -- Filled from the parent node when omitted.
  tree_id    uuid        NOT NULL,
  parent_id  uuid        NOT NULL,
  child_id   uuid        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT goal_links_pkey PRIMARY KEY (org_id, parent_id, child_id),
  CONSTRAINT goal_links_parent_fk FOREIGN KEY (org_id, tree_id, parent_id)
    REFERENCES goal_nodes (org_id, tree_id, id) ON DELETE CASCADE,
  CONSTRAINT goal_links_child_fk FOREIGN KEY (org_id, tree_id, child_id)
    REFERENCES goal_nodes (org_id, tree_id, id) ON DELETE CASCADE,
  CONSTRAINT goal_links_no_self_link CHECK (parent_id <> child_id)
);
CREATE INDEX goal_links_child_idx ON goal_links (org_id, child_id);
CREATE INDEX goal_links_tree_idx ON goal_links (org_id, tree_id);

CREATE FUNCTION app.goal_links_fill_tree() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF NEW.tree_id IS NULL THEN
    SELECT n.tree_id INTO NEW.tree_id
    FROM goal_nodes AS n
    WHERE n.org_id = NEW.org_id AND n.id = NEW.parent_id;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER goal_links_fill_tree BEFORE INSERT ON goal_links
  FOR EACH ROW EXECUTE FUNCTION app.goal_links_fill_tree();

-- A goal is never below anything, and no chain of links leads from a node
-- back to itself. AFTER trigger: the new link is in the table, so a cycle
-- exists exactly when the parent is reachable going down from the child.
-- The advisory lock serialises link changes within one tree.
CREATE FUNCTION app.goal_links_check() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('concord.goal_tree:' || NEW.tree_id, 0));

  IF EXISTS (SELECT 1 FROM goal_nodes
             WHERE org_id = NEW.org_id AND id = NEW.child_id AND kind = 'goal') THEN
    RAISE EXCEPTION 'goal node % cannot be linked below another node', NEW.child_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'goal_links_goal_not_child',
            TABLE = 'goal_links';
  END IF;

  IF EXISTS (
    WITH RECURSIVE below (id) AS (
      SELECT NEW.child_id
      UNION
      SELECT l.child_id
      FROM goal_links AS l
      JOIN below AS b ON l.org_id = NEW.org_id AND l.parent_id = b.id
    )
    SELECT 1 FROM below WHERE id = NEW.parent_id
  ) THEN
    RAISE EXCEPTION 'linking node % below node % would create a cycle in goal tree %',
        NEW.child_id, NEW.parent_id, NEW.tree_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'goal_links_no_cycle',
            TABLE = 'goal_links',
            HINT = 'Node ' || NEW.parent_id || ' is already below node ' || NEW.child_id || '.';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER goal_links_check AFTER INSERT OR UPDATE ON goal_links
  FOR EACH ROW EXECUTE FUNCTION app.goal_links_check();

-- The other way of making a goal a child: turning a linked child into a goal.
CREATE FUNCTION app.goal_nodes_check_goal_not_child() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM goal_links
             WHERE org_id = NEW.org_id AND child_id = NEW.id) THEN
    RAISE EXCEPTION 'goal node % cannot be linked below another node', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'goal_links_goal_not_child',
            TABLE = 'goal_nodes';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER goal_nodes_goal_not_child AFTER UPDATE OF kind ON goal_nodes
  FOR EACH ROW WHEN (NEW.kind = 'goal' AND OLD.kind <> 'goal')
  EXECUTE FUNCTION app.goal_nodes_check_goal_not_child();

CREATE TABLE initiative_goal_nodes (
  org_id        uuid        NOT NULL,
  initiative_id uuid        NOT NULL,
  node_id       uuid        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT initiative_goal_nodes_pkey PRIMARY KEY (org_id, initiative_id, node_id),
  CONSTRAINT initiative_goal_nodes_initiative_fk FOREIGN KEY (org_id, initiative_id)
    REFERENCES initiatives (org_id, id) ON DELETE CASCADE,
  CONSTRAINT initiative_goal_nodes_node_fk FOREIGN KEY (org_id, node_id)
    REFERENCES goal_nodes (org_id, id) ON DELETE CASCADE
);
CREATE INDEX initiative_goal_nodes_node_idx ON initiative_goal_nodes (org_id, node_id);

------------------------------------------------------------------------------
-- Tenancy and privileges
------------------------------------------------------------------------------

CALL app.secure_tenant_table('goal_trees');
CALL app.secure_tenant_table('goal_nodes');
CALL app.secure_tenant_table('goal_links');
CALL app.secure_tenant_table('initiative_goal_nodes');

GRANT SELECT, INSERT, UPDATE, DELETE
  ON goal_trees, goal_nodes, goal_links, initiative_goal_nodes
  TO concord_api;
GRANT SELECT ON goal_trees, goal_nodes, goal_links, initiative_goal_nodes
  TO concord_worker, concord_bi;
