-- bi.goal_tree_nodes: every node of every goal tree with its place in the
-- tree and its rolled-up status and confidence.
--
-- Links read "in order to have <parent> we must have <child>"; a node may
-- have several parents (a DAG, no cycles: enforced by a trigger). Status
-- rolls up as the worst over the node and everything below it (any red
-- makes it red, else any amber amber, else green); confidence as the
-- minimum over the same set, ignoring nodes not estimated (NULL).
-- Goal trees are small (tens to hundreds of nodes), so the recursive
-- queries run over all trees visible to the role.

DROP VIEW IF EXISTS bi.goal_tree_nodes CASCADE;
CREATE VIEW bi.goal_tree_nodes WITH (security_invoker = true) AS
WITH RECURSIVE paths AS (
  -- Down from the roots: the goal, and any node not linked below another.
  SELECT n.org_id, n.id AS node_id, 0 AS depth,
         NULL::text AS parent_path, n.title::text AS path, ARRAY[n.id] AS trail
  FROM goal_nodes AS n
  WHERE NOT EXISTS (SELECT 1 FROM goal_links AS l
                    WHERE l.org_id = n.org_id AND l.child_id = n.id)
  UNION ALL
  SELECT c.org_id, c.id, p.depth + 1, p.path, p.path || ' > ' || c.title, p.trail || c.id
  FROM paths AS p
  JOIN goal_links AS l ON l.org_id = p.org_id AND l.parent_id = p.node_id
  JOIN goal_nodes AS c ON c.org_id = l.org_id AND c.id = l.child_id
  WHERE c.id <> ALL (p.trail)  -- belt and braces: links never form a cycle
),
best_path AS (
  -- One path per node: the shortest, then the first in alphabetical order.
  SELECT DISTINCT ON (p.org_id, p.node_id) p.org_id, p.node_id, p.depth, p.parent_path, p.path
  FROM paths AS p
  ORDER BY p.org_id, p.node_id, p.depth, p.path
),
closure AS (
  -- Every (node, node or descendant) pair.
  SELECT n.org_id, n.id AS node_id, n.id AS below_id
  FROM goal_nodes AS n
  UNION
  SELECT c.org_id, c.node_id, l.child_id
  FROM closure AS c
  JOIN goal_links AS l ON l.org_id = c.org_id AND l.parent_id = c.below_id
),
rolled AS (
  SELECT c.org_id, c.node_id,
         max(CASE d.status WHEN 'red' THEN 2 WHEN 'amber' THEN 1 ELSE 0 END) AS worst,
         min(d.confidence)::integer AS min_confidence,
         (count(*) - 1)::integer AS descendants
  FROM closure AS c
  JOIN goal_nodes AS d ON d.org_id = c.org_id AND d.id = c.below_id
  GROUP BY c.org_id, c.node_id
),
linked_below AS (
  SELECT c.org_id, c.node_id, count(DISTINCT g.initiative_id)::integer AS initiatives
  FROM closure AS c
  JOIN initiative_goal_nodes AS g ON g.org_id = c.org_id AND g.node_id = c.below_id
  GROUP BY c.org_id, c.node_id
),
linked AS (
  SELECT g.org_id, g.node_id, count(*)::integer AS initiatives
  FROM initiative_goal_nodes AS g
  GROUP BY g.org_id, g.node_id
),
parents AS (
  SELECT l.org_id, l.child_id AS node_id, count(*)::integer AS parents
  FROM goal_links AS l
  GROUP BY l.org_id, l.child_id
),
children AS (
  SELECT l.org_id, l.parent_id AS node_id, count(*)::integer AS children
  FROM goal_links AS l
  GROUP BY l.org_id, l.parent_id
)
SELECT n.org_id,
       n.tree_id,
       t.name AS tree_name,
       t.archived_at AS tree_archived_at,
       n.id AS node_id,
       n.kind,
       n.title,
       n.measure,
       bp.parent_path,
       bp.path,
       bp.depth,
       coalesce(pa.parents, 0) AS parent_count,
       coalesce(ch.children, 0) AS child_count,
       r.descendants AS descendant_count,
       n.status,
       n.confidence::integer AS confidence,
       CASE r.worst WHEN 2 THEN 'red' WHEN 1 THEN 'amber' ELSE 'green' END AS rolled_up_status,
       r.min_confidence AS rolled_up_confidence,
       n.accountable_leader_id,
       al.name AS accountable_leader_name,
       coalesce(li.initiatives, 0) AS initiatives_linked,
       coalesce(lb.initiatives, 0) AS initiatives_linked_below,
       n.updated_at
FROM goal_nodes AS n
JOIN goal_trees AS t ON t.org_id = n.org_id AND t.id = n.tree_id
JOIN rolled AS r ON r.org_id = n.org_id AND r.node_id = n.id
LEFT JOIN best_path AS bp ON bp.org_id = n.org_id AND bp.node_id = n.id
LEFT JOIN parents AS pa ON pa.org_id = n.org_id AND pa.node_id = n.id
LEFT JOIN children AS ch ON ch.org_id = n.org_id AND ch.node_id = n.id
LEFT JOIN linked AS li ON li.org_id = n.org_id AND li.node_id = n.id
LEFT JOIN linked_below AS lb ON lb.org_id = n.org_id AND lb.node_id = n.id
LEFT JOIN leaders AS al ON al.org_id = n.org_id AND al.id = n.accountable_leader_id;

COMMENT ON VIEW bi.goal_tree_nodes IS
  'One row per goal tree node (Goal, Critical Success Factor or Necessary Condition): its tree, one path down to it from the root, its own status and confidence, and the rolled-up status (worst over the node and all its descendants) and confidence (minimum over the same, ignoring nodes not estimated).';
COMMENT ON COLUMN bi.goal_tree_nodes.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.goal_tree_nodes.tree_id IS 'The goal tree.';
COMMENT ON COLUMN bi.goal_tree_nodes.tree_name IS 'The goal tree''s name.';
COMMENT ON COLUMN bi.goal_tree_nodes.tree_archived_at IS 'When the tree was archived; NULL while active.';
COMMENT ON COLUMN bi.goal_tree_nodes.node_id IS 'The node.';
COMMENT ON COLUMN bi.goal_tree_nodes.kind IS 'goal, critical_success_factor or necessary_condition.';
COMMENT ON COLUMN bi.goal_tree_nodes.title IS 'The node''s title.';
COMMENT ON COLUMN bi.goal_tree_nodes.measure IS 'How the node is measured; NULL when not set.';
COMMENT ON COLUMN bi.goal_tree_nodes.parent_path IS 'Titles from the root down to the node''s parent, joined by '' > '' (e.g. ''Goal > CSF > NC''), along the shortest path (then alphabetical first) when the node has several parents; NULL for a root.';
COMMENT ON COLUMN bi.goal_tree_nodes.path IS 'parent_path followed by the node''s own title; sorts the nodes in tree order.';
COMMENT ON COLUMN bi.goal_tree_nodes.depth IS 'Links between the root and the node along that path: 0 for the goal (and for nodes not yet linked below anything).';
COMMENT ON COLUMN bi.goal_tree_nodes.parent_count IS 'Nodes this node is directly below (more than 1: it serves several parents).';
COMMENT ON COLUMN bi.goal_tree_nodes.child_count IS 'Nodes directly below this node.';
COMMENT ON COLUMN bi.goal_tree_nodes.descendant_count IS 'Distinct nodes anywhere below this node.';
COMMENT ON COLUMN bi.goal_tree_nodes.status IS 'The node''s own status: green, amber or red.';
COMMENT ON COLUMN bi.goal_tree_nodes.confidence IS 'The node''s own confidence, 0-100; NULL when not estimated.';
COMMENT ON COLUMN bi.goal_tree_nodes.rolled_up_status IS 'Worst status over the node and all its descendants: red if any is red, else amber if any is amber, else green.';
COMMENT ON COLUMN bi.goal_tree_nodes.rolled_up_confidence IS 'Minimum confidence over the node and all its descendants (fuzzy AND), ignoring nodes not estimated; NULL when none is estimated.';
COMMENT ON COLUMN bi.goal_tree_nodes.accountable_leader_id IS 'The leader accountable for the node; NULL when none.';
COMMENT ON COLUMN bi.goal_tree_nodes.accountable_leader_name IS 'The accountable leader''s name; NULL when none.';
COMMENT ON COLUMN bi.goal_tree_nodes.initiatives_linked IS 'Initiatives attached directly to this node.';
COMMENT ON COLUMN bi.goal_tree_nodes.initiatives_linked_below IS 'Distinct initiatives attached to this node or any node below it.';
COMMENT ON COLUMN bi.goal_tree_nodes.updated_at IS 'When the node was last changed.';
