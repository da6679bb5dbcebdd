-- L&D programmes and their Phillips ROI: the latest figures per programme,
-- the history of every computation, and participation by evaluation level.
--
-- The figures are the snapshots in ld_roi_results (app.ld_compute_roi),
-- unrounded as stored; only their flat columns are shown (the per-category
-- costs and per-measure benefits are json there, and stay out of bi).

------------------------------------------------------------------------------
-- bi.ld_roi_history
------------------------------------------------------------------------------

DROP VIEW IF EXISTS bi.ld_roi_history CASCADE;
CREATE VIEW bi.ld_roi_history WITH (security_invoker = true) AS
SELECT r.org_id,
       r.programme_id,
       p.title AS programme_title,
       r.id AS result_id,
       r.computed_at,
       r.inputs_version,
       r.inputs_version = p.inputs_version AS is_current,
       -- The newest computation of the programme (ties: the greatest id).
       NOT EXISTS (SELECT 1 FROM ld_roi_results AS n
                   WHERE n.org_id = r.org_id AND n.programme_id = r.programme_id
                     AND (n.computed_at, n.id) > (r.computed_at, r.id)) AS is_latest,
       r.horizon_months,
       r.total_cost,
       r.annual_benefits,
       r.benefits,
       r.bcr,
       r.roi_percent,
       r.unavailable_reason,
       r.payback_months,
       r.payback_unavailable_reason,
       r.participants,
       r.completion_rate,
       r.level1_mean,
       r.level2_mean,
       r.level3_mean
FROM ld_roi_results AS r
JOIN ld_programmes AS p ON p.org_id = r.org_id AND p.id = r.programme_id;

COMMENT ON VIEW bi.ld_roi_history IS
  'One row per computation of a programme''s Phillips ROI figures (a snapshot, never changed): its history, oldest to newest by computed_at.';
COMMENT ON COLUMN bi.ld_roi_history.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.ld_roi_history.programme_id IS 'The L&D programme.';
COMMENT ON COLUMN bi.ld_roi_history.programme_title IS 'The programme''s title.';
COMMENT ON COLUMN bi.ld_roi_history.result_id IS 'The snapshot.';
COMMENT ON COLUMN bi.ld_roi_history.computed_at IS 'When the figures were computed.';
COMMENT ON COLUMN bi.ld_roi_history.inputs_version IS 'Version of the programme''s inputs (costs, participants, measures, horizon) the figures were computed from.';
COMMENT ON COLUMN bi.ld_roi_history.is_current IS 'True when the inputs have not changed since: the figures are up to date.';
COMMENT ON COLUMN bi.ld_roi_history.is_latest IS 'True for the programme''s newest snapshot (the one bi.ld_roi_latest shows).';
COMMENT ON COLUMN bi.ld_roi_history.horizon_months IS 'Months of benefits counted.';
COMMENT ON COLUMN bi.ld_roi_history.total_cost IS 'Fully loaded cost, prorated where amortised (money, exact decimal).';
COMMENT ON COLUMN bi.ld_roi_history.annual_benefits IS 'Monetary benefits per year from the level-4 impact measures, after attribution and confidence.';
COMMENT ON COLUMN bi.ld_roi_history.benefits IS 'Benefits over the horizon: annual_benefits x horizon_months / 12; what BCR and ROI use.';
COMMENT ON COLUMN bi.ld_roi_history.bcr IS 'Benefit-cost ratio: benefits / total_cost; NULL when there are no costs (see unavailable_reason).';
COMMENT ON COLUMN bi.ld_roi_history.roi_percent IS 'Phillips ROI %: (benefits - total_cost) / total_cost x 100 (level 5); NULL when there are no costs.';
COMMENT ON COLUMN bi.ld_roi_history.unavailable_reason IS 'Why bcr and roi_percent are NULL: no_costs; NULL when they are given.';
COMMENT ON COLUMN bi.ld_roi_history.payback_months IS 'Months until the benefits repay the cost: total_cost x 12 / annual_benefits; NULL when there are no benefits.';
COMMENT ON COLUMN bi.ld_roi_history.payback_unavailable_reason IS 'Why payback_months is NULL: no_benefits; NULL when it is given.';
COMMENT ON COLUMN bi.ld_roi_history.participants IS 'Participants of the programme at the time.';
COMMENT ON COLUMN bi.ld_roi_history.completion_rate IS 'Completed / participants with a known completion, 0 to 1; NULL when none is known.';
COMMENT ON COLUMN bi.ld_roi_history.level1_mean IS 'Level 1 (reaction): mean of the 1-5 survey over the participants who gave one.';
COMMENT ON COLUMN bi.ld_roi_history.level2_mean IS 'Level 2 (learning): mean test score, percent 0-100.';
COMMENT ON COLUMN bi.ld_roi_history.level3_mean IS 'Level 3 (application): mean share of behaviours applied, percent 0-100.';

------------------------------------------------------------------------------
-- bi.ld_roi_latest
------------------------------------------------------------------------------

DROP VIEW IF EXISTS bi.ld_roi_latest CASCADE;
CREATE VIEW bi.ld_roi_latest WITH (security_invoker = true) AS
SELECT p.org_id,
       p.id AS programme_id,
       p.title AS programme_title,
       p.initiative_id,
       i.title AS initiative_title,
       p.goal_node_id,
       g.title AS goal_node_title,
       p.start_date,
       p.end_date,
       p.benefit_horizon_months,
       p.archived_at,
       r.id AS result_id,
       r.computed_at,
       coalesce(r.inputs_version = p.inputs_version, false) AS is_current,
       r.total_cost,
       r.annual_benefits,
       r.benefits,
       r.bcr,
       r.roi_percent,
       r.unavailable_reason,
       r.payback_months,
       r.payback_unavailable_reason,
       r.participants,
       r.completion_rate,
       r.level1_mean,
       r.level2_mean,
       r.level3_mean
FROM ld_programmes AS p
LEFT JOIN initiatives AS i ON i.org_id = p.org_id AND i.id = p.initiative_id
LEFT JOIN goal_nodes AS g ON g.org_id = p.org_id AND g.id = p.goal_node_id
-- One probe of ld_roi_results_programme_idx per programme.
LEFT JOIN LATERAL (
  SELECT x.*
  FROM ld_roi_results AS x
  WHERE x.org_id = p.org_id AND x.programme_id = p.id
  ORDER BY x.computed_at DESC, x.id DESC
  LIMIT 1
) AS r ON true;

COMMENT ON VIEW bi.ld_roi_latest IS
  'One row per L&D programme (archived ones included: filter on archived_at IS NULL) with its latest Phillips ROI figures; the figure columns are NULL when it was never computed.';
COMMENT ON COLUMN bi.ld_roi_latest.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.ld_roi_latest.programme_id IS 'The L&D programme.';
COMMENT ON COLUMN bi.ld_roi_latest.programme_title IS 'The programme''s title.';
COMMENT ON COLUMN bi.ld_roi_latest.initiative_id IS 'The initiative the programme serves; NULL when none.';
COMMENT ON COLUMN bi.ld_roi_latest.initiative_title IS 'That initiative''s title; NULL when none.';
COMMENT ON COLUMN bi.ld_roi_latest.goal_node_id IS 'The goal-tree node the programme serves; NULL when none.';
COMMENT ON COLUMN bi.ld_roi_latest.goal_node_title IS 'That node''s title; NULL when none.';
COMMENT ON COLUMN bi.ld_roi_latest.start_date IS 'When the programme starts; NULL when not set.';
COMMENT ON COLUMN bi.ld_roi_latest.end_date IS 'When the programme ends; NULL when not set.';
COMMENT ON COLUMN bi.ld_roi_latest.benefit_horizon_months IS 'Months of benefits counted now (the figures used horizon_months of their time; see bi.ld_roi_history).';
COMMENT ON COLUMN bi.ld_roi_latest.archived_at IS 'When the programme was archived; NULL while active.';
COMMENT ON COLUMN bi.ld_roi_latest.result_id IS 'The latest snapshot; NULL when never computed.';
COMMENT ON COLUMN bi.ld_roi_latest.computed_at IS 'When the latest figures were computed; NULL when never.';
COMMENT ON COLUMN bi.ld_roi_latest.is_current IS 'True when the inputs have not changed since the latest computation; false when they have or it never ran.';
COMMENT ON COLUMN bi.ld_roi_latest.total_cost IS 'Fully loaded cost, prorated where amortised (money, exact decimal).';
COMMENT ON COLUMN bi.ld_roi_latest.annual_benefits IS 'Monetary benefits per year from the level-4 impact measures, after attribution and confidence.';
COMMENT ON COLUMN bi.ld_roi_latest.benefits IS 'Benefits over the horizon: annual_benefits x horizon / 12; what BCR and ROI use.';
COMMENT ON COLUMN bi.ld_roi_latest.bcr IS 'Benefit-cost ratio: benefits / total_cost; NULL when there are no costs (see unavailable_reason).';
COMMENT ON COLUMN bi.ld_roi_latest.roi_percent IS 'Phillips ROI %: (benefits - total_cost) / total_cost x 100 (level 5); NULL when there are no costs.';
COMMENT ON COLUMN bi.ld_roi_latest.unavailable_reason IS 'Why bcr and roi_percent are NULL: no_costs; NULL when they are given or never computed.';
COMMENT ON COLUMN bi.ld_roi_latest.payback_months IS 'Months until the benefits repay the cost: total_cost x 12 / annual_benefits; NULL when there are no benefits.';
COMMENT ON COLUMN bi.ld_roi_latest.payback_unavailable_reason IS 'Why payback_months is NULL: no_benefits; NULL when it is given or never computed.';
COMMENT ON COLUMN bi.ld_roi_latest.participants IS 'Participants when the figures were computed.';
COMMENT ON COLUMN bi.ld_roi_latest.completion_rate IS 'Completed / participants with a known completion, 0 to 1; NULL when none is known.';
COMMENT ON COLUMN bi.ld_roi_latest.level1_mean IS 'Level 1 (reaction): mean of the 1-5 survey over the participants who gave one.';
COMMENT ON COLUMN bi.ld_roi_latest.level2_mean IS 'Level 2 (learning): mean test score, percent 0-100.';
COMMENT ON COLUMN bi.ld_roi_latest.level3_mean IS 'Level 3 (application): mean share of behaviours applied, percent 0-100.';

------------------------------------------------------------------------------
-- bi.ld_participation
------------------------------------------------------------------------------

-- Levels 1-3 are measured per participant (ld_participants); level 4 is the
-- programme's impact measures and level 5 its ROI, in bi.ld_roi_latest.
DROP VIEW IF EXISTS bi.ld_participation CASCADE;
CREATE VIEW bi.ld_participation WITH (security_invoker = true) AS
SELECT p.org_id,
       p.id AS programme_id,
       p.title AS programme_title,
       v.level,
       v.level_name,
       v.scale,
       coalesce(s.participants, 0) AS participants,
       coalesce(s.completed, 0) AS participants_completed,
       coalesce(CASE v.level WHEN 1 THEN s.level1_measured WHEN 2 THEN s.level2_measured
                             ELSE s.level3_measured END, 0) AS participants_measured,
       CASE WHEN s.participants > 0
            THEN round(CASE v.level WHEN 1 THEN s.level1_measured WHEN 2 THEN s.level2_measured
                                    ELSE s.level3_measured END::numeric / s.participants, 4)
       END AS measured_share,
       trim_scale(round(CASE v.level WHEN 1 THEN s.level1_mean WHEN 2 THEN s.level2_mean
                                     ELSE s.level3_mean END, 4)) AS mean_score,
       CASE v.level WHEN 1 THEN s.level1_min WHEN 2 THEN s.level2_min ELSE s.level3_min END AS min_score,
       CASE v.level WHEN 1 THEN s.level1_max WHEN 2 THEN s.level2_max ELSE s.level3_max END AS max_score
FROM ld_programmes AS p
CROSS JOIN (VALUES (1, 'reaction', '1-5 survey'),
                   (2, 'learning', 'percent 0-100'),
                   (3, 'application', 'percent 0-100')) AS v (level, level_name, scale)
LEFT JOIN (
  SELECT x.org_id, x.programme_id,
         count(*)::integer AS participants,
         (count(*) FILTER (WHERE x.completed))::integer AS completed,
         count(x.reaction)::integer AS level1_measured,
         count(x.learning)::integer AS level2_measured,
         count(x.application)::integer AS level3_measured,
         avg(x.reaction) AS level1_mean, avg(x.learning) AS level2_mean,
         avg(x.application) AS level3_mean,
         min(x.reaction)::numeric AS level1_min, min(x.learning)::numeric AS level2_min,
         min(x.application)::numeric AS level3_min,
         max(x.reaction)::numeric AS level1_max, max(x.learning)::numeric AS level2_max,
         max(x.application)::numeric AS level3_max
  FROM ld_participants AS x
  GROUP BY x.org_id, x.programme_id
) AS s ON s.org_id = p.org_id AND s.programme_id = p.id;

COMMENT ON VIEW bi.ld_participation IS
  'One row per L&D programme and Kirkpatrick/Phillips evaluation level measured per participant (1 reaction, 2 learning, 3 application): how many participants have a result at that level, and their scores. Level 4 (impact) and 5 (ROI) are per programme, in bi.ld_roi_latest.';
COMMENT ON COLUMN bi.ld_participation.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.ld_participation.programme_id IS 'The L&D programme.';
COMMENT ON COLUMN bi.ld_participation.programme_title IS 'The programme''s title.';
COMMENT ON COLUMN bi.ld_participation.level IS 'The evaluation level: 1, 2 or 3.';
COMMENT ON COLUMN bi.ld_participation.level_name IS 'reaction (1), learning (2) or application (3).';
COMMENT ON COLUMN bi.ld_participation.scale IS 'The scale of the scores: 1-5 survey (level 1), percent 0-100 (levels 2 and 3).';
COMMENT ON COLUMN bi.ld_participation.participants IS 'Participants of the programme now (leaders or named people).';
COMMENT ON COLUMN bi.ld_participation.participants_completed IS 'Of them, those who completed the programme.';
COMMENT ON COLUMN bi.ld_participation.participants_measured IS 'Of them, those with a result at this level.';
COMMENT ON COLUMN bi.ld_participation.measured_share IS 'participants_measured / participants, 0 to 1, rounded to 4 decimals; NULL without participants.';
COMMENT ON COLUMN bi.ld_participation.mean_score IS 'Mean score at this level over the participants measured, rounded to 4 decimals; NULL when none is.';
COMMENT ON COLUMN bi.ld_participation.min_score IS 'Lowest score at this level; NULL when none.';
COMMENT ON COLUMN bi.ld_participation.max_score IS 'Highest score at this level; NULL when none.';
