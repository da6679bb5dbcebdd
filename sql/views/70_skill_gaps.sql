-- Skills gaps: the level each role needs of a skill against the level each of
-- its leaders has (their latest assessment score on the skill's dimension),
-- and whether any of the organisation's L&D programmes addresses the skill.
-- An unknown level (no dimension, never scored) counts as 0: the whole
-- requirement is the gap.

------------------------------------------------------------------------------
-- bi.skill_gaps
------------------------------------------------------------------------------

DROP VIEW IF EXISTS bi.skill_gaps CASCADE;
CREATE VIEW bi.skill_gaps WITH (security_invoker = true) AS
SELECT m.org_id,
       m.leader_id,
       l.name AS leader_name,
       l.area_id,
       a.name AS area_name,
       m.role_id,
       r.name AS role_name,
       s.id AS skill_id,
       s.name AS skill_name,
       k.required_level,
       lv.score AS level,
       lv.assessed_on,
       greatest(k.required_level - coalesce(lv.score, 0), 0) AS gap,
       coalesce(p.programmes, 0) AS addressing_programmes,
       coalesce(p.programmes, 0) > 0 AS addressed
FROM role_members AS m
JOIN roles AS r ON r.org_id = m.org_id AND r.id = m.role_id
JOIN leaders AS l ON l.org_id = m.org_id AND l.id = m.leader_id AND l.archived_at IS NULL
LEFT JOIN areas AS a ON a.org_id = l.org_id AND a.id = l.area_id
JOIN role_skill_levels AS k ON k.org_id = m.org_id AND k.role_id = m.role_id
JOIN skills AS s ON s.org_id = k.org_id AND s.id = k.skill_id
LEFT JOIN LATERAL (
  SELECT sc.score, x.assessed_on
  FROM assessments AS x
  JOIN assessment_scores AS sc ON sc.org_id = x.org_id AND sc.assessment_id = x.id
  WHERE x.org_id = m.org_id AND x.leader_id = m.leader_id AND sc.dimension_id = s.dimension_id
  ORDER BY x.assessed_on DESC, x.created_at DESC, x.id DESC
  LIMIT 1
) AS lv ON true
LEFT JOIN LATERAL (
  SELECT count(*)::integer AS programmes
  FROM programme_skills AS ps
  JOIN ld_programmes AS lp ON lp.org_id = ps.org_id AND lp.id = ps.programme_id AND lp.archived_at IS NULL
  WHERE ps.org_id = s.org_id AND ps.skill_id = s.id
) AS p ON true;

COMMENT ON VIEW bi.skill_gaps IS
  'One row per leader, role they hold and skill the role needs: the level needed, the level the leader has (latest assessment score on the skill''s dimension) and the gap, and whether any L&D programme addresses the skill. An unknown level counts as 0.';
COMMENT ON COLUMN bi.skill_gaps.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.skill_gaps.leader_id IS 'The leader (archived leaders are left out).';
COMMENT ON COLUMN bi.skill_gaps.leader_name IS 'The leader''s name.';
COMMENT ON COLUMN bi.skill_gaps.area_id IS 'The leader''s area; NULL when none.';
COMMENT ON COLUMN bi.skill_gaps.area_name IS 'The area''s name.';
COMMENT ON COLUMN bi.skill_gaps.role_id IS 'The role that needs the skill.';
COMMENT ON COLUMN bi.skill_gaps.role_name IS 'The role''s name.';
COMMENT ON COLUMN bi.skill_gaps.skill_id IS 'The skill.';
COMMENT ON COLUMN bi.skill_gaps.skill_name IS 'The skill''s name.';
COMMENT ON COLUMN bi.skill_gaps.required_level IS 'The level (0-100, the assessment scale) the role needs.';
COMMENT ON COLUMN bi.skill_gaps.level IS 'The leader''s latest assessment score on the skill''s dimension; NULL when never scored or the skill has no dimension.';
COMMENT ON COLUMN bi.skill_gaps.assessed_on IS 'The day of the assessment that gave the level; NULL when none.';
COMMENT ON COLUMN bi.skill_gaps.gap IS 'required_level minus the level (unknown: 0), never below 0.';
COMMENT ON COLUMN bi.skill_gaps.addressing_programmes IS 'L&D programmes (not archived) that develop the skill.';
COMMENT ON COLUMN bi.skill_gaps.addressed IS 'True when at least one L&D programme develops the skill.';

------------------------------------------------------------------------------
-- bi.skill_gaps_by_area
------------------------------------------------------------------------------

DROP VIEW IF EXISTS bi.skill_gaps_by_area CASCADE;
CREATE VIEW bi.skill_gaps_by_area WITH (security_invoker = true) AS
SELECT g.org_id,
       g.area_id,
       min(g.area_name) AS area_name,
       g.skill_id,
       min(g.skill_name) AS skill_name,
       count(DISTINCT g.leader_id)::integer AS leaders,
       count(DISTINCT g.leader_id) FILTER (WHERE g.gap > 0)::integer AS leaders_with_gap,
       trim_scale(avg(g.gap)) AS average_gap,
       max(g.gap) AS max_gap,
       bool_or(g.addressed) AS addressed
FROM bi.skill_gaps AS g
GROUP BY g.org_id, g.area_id, g.skill_id;

COMMENT ON VIEW bi.skill_gaps_by_area IS
  'One row per area and skill its leaders'' roles need: how many leaders fall short and by how much, and whether any L&D programme addresses the skill (the gaps no programme addresses have addressed = false).';
COMMENT ON COLUMN bi.skill_gaps_by_area.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.skill_gaps_by_area.area_id IS 'The area; NULL for leaders without one.';
COMMENT ON COLUMN bi.skill_gaps_by_area.area_name IS 'The area''s name.';
COMMENT ON COLUMN bi.skill_gaps_by_area.skill_id IS 'The skill.';
COMMENT ON COLUMN bi.skill_gaps_by_area.skill_name IS 'The skill''s name.';
COMMENT ON COLUMN bi.skill_gaps_by_area.leaders IS 'Leaders of the area whose roles need the skill.';
COMMENT ON COLUMN bi.skill_gaps_by_area.leaders_with_gap IS 'Of them, those below the level a role of theirs needs.';
COMMENT ON COLUMN bi.skill_gaps_by_area.average_gap IS 'Mean gap over (leader, role) pairs, 0 counted.';
COMMENT ON COLUMN bi.skill_gaps_by_area.max_gap IS 'The largest gap.';
COMMENT ON COLUMN bi.skill_gaps_by_area.addressed IS 'True when at least one L&D programme develops the skill.';
