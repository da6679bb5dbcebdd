-- bi.initiatives: one row per initiative with its alignment summary now.
-- Built on bi.alignment_matrix (10_alignment.sql), so the alignment rules
-- live in one place.

DROP VIEW IF EXISTS bi.initiatives CASCADE;
CREATE VIEW bi.initiatives WITH (security_invoker = true) AS
SELECT i.org_id,
       i.id AS initiative_id,
       i.title,
       i.lead_area_id,
       la.name AS lead_area_name,
       i.sponsor_leader_id,
       sp.name AS sponsor_name,
       i.stage,
       i.health,
       i.importance::integer AS importance,
       i.start_date,
       i.target_date,
       coalesce(i.revisit_cadence_days, o.revisit_cadence_days)::integer AS revisit_window_days,
       coalesce(m.required_leaders, 0) AS required_leaders,
       coalesce(m.aligned_leaders, 0) AS aligned_leaders,
       coalesce(m.out_of_line_leaders, 0) AS out_of_line_leaders,
       coalesce(m.stale_leaders, 0) AS stale_leaders,
       coalesce(m.missing_leaders, 0) AS missing_leaders,
       CASE WHEN m.required_leaders > 0
            THEN trim_scale(m.aligned_leaders::numeric / m.required_leaders) END AS alignment_index,
       m.priority_spread,
       m.last_revisit_at,
       i.last_activity_at,
       ((now() AT TIME ZONE o.timezone)::date
        - (i.last_activity_at AT TIME ZONE o.timezone)::date) AS days_since_last_activity,
       i.stage_changed_at,
       i.created_at,
       i.archived_at
FROM initiatives AS i
JOIN organisations AS o ON o.org_id = i.org_id
JOIN areas AS la ON la.org_id = i.org_id AND la.id = i.lead_area_id
LEFT JOIN leaders AS sp ON sp.org_id = i.org_id AND sp.id = i.sponsor_leader_id
LEFT JOIN (
  SELECT x.org_id, x.initiative_id,
         count(*)::integer AS required_leaders,
         (count(*) FILTER (WHERE x.alignment_status = 'aligned'))::integer AS aligned_leaders,
         (count(*) FILTER (WHERE x.alignment_status = 'out_of_line'))::integer AS out_of_line_leaders,
         (count(*) FILTER (WHERE x.alignment_status = 'stale'))::integer AS stale_leaders,
         (count(*) FILTER (WHERE x.alignment_status = 'missing'))::integer AS missing_leaders,
         (max(x.latest_priority) FILTER (WHERE x.is_fresh)
          - min(x.latest_priority) FILTER (WHERE x.is_fresh))::integer AS priority_spread,
         max(x.rated_at) AS last_revisit_at
  FROM bi.alignment_matrix AS x
  GROUP BY x.org_id, x.initiative_id
) AS m ON m.org_id = i.org_id AND m.initiative_id = i.id;

COMMENT ON VIEW bi.initiatives IS
  'One row per initiative (archived ones included, see archived_at), with its lead area, sponsor, stage, health, importance and its alignment now: how many required leaders are aligned, out of line, stale or missing, and the alignment index.';
COMMENT ON COLUMN bi.initiatives.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.initiatives.initiative_id IS 'The initiative.';
COMMENT ON COLUMN bi.initiatives.title IS 'The initiative''s title.';
COMMENT ON COLUMN bi.initiatives.lead_area_id IS 'The one area leading the initiative.';
COMMENT ON COLUMN bi.initiatives.lead_area_name IS 'The lead area''s name.';
COMMENT ON COLUMN bi.initiatives.sponsor_leader_id IS 'The sponsoring leader; NULL when none.';
COMMENT ON COLUMN bi.initiatives.sponsor_name IS 'The sponsor''s name; NULL when none.';
COMMENT ON COLUMN bi.initiatives.stage IS 'proposed, initiating, developing, implementing, sustaining or closed.';
COMMENT ON COLUMN bi.initiatives.health IS 'on_track, at_risk or off_track.';
COMMENT ON COLUMN bi.initiatives.importance IS 'Importance, 1 (low) to 5 (high).';
COMMENT ON COLUMN bi.initiatives.start_date IS 'Planned or actual start; NULL when not set.';
COMMENT ON COLUMN bi.initiatives.target_date IS 'Target completion date; NULL when not set.';
COMMENT ON COLUMN bi.initiatives.revisit_window_days IS 'Days a rating stays fresh: the initiative''s revisit cadence, else the organisation''s.';
COMMENT ON COLUMN bi.initiatives.required_leaders IS 'Leaders required to be aligned (see bi.alignment_matrix).';
COMMENT ON COLUMN bi.initiatives.aligned_leaders IS 'Required leaders whose latest rating is fresh and within 1 of the importance.';
COMMENT ON COLUMN bi.initiatives.out_of_line_leaders IS 'Required leaders whose latest rating is fresh but more than 1 away from the importance.';
COMMENT ON COLUMN bi.initiatives.stale_leaders IS 'Required leaders whose latest rating is older than the revisit window.';
COMMENT ON COLUMN bi.initiatives.missing_leaders IS 'Required leaders who never rated the initiative.';
COMMENT ON COLUMN bi.initiatives.alignment_index IS 'aligned_leaders / required_leaders, 0 to 1 (stale and missing count as not aligned); NULL when nobody is required.';
COMMENT ON COLUMN bi.initiatives.priority_spread IS 'Highest minus lowest priority among the fresh ratings of required leaders; NULL when none is fresh.';
COMMENT ON COLUMN bi.initiatives.last_revisit_at IS 'The latest rating by any required leader (the last revisit); NULL when none rated.';
COMMENT ON COLUMN bi.initiatives.last_activity_at IS 'The last real activity on the initiative.';
COMMENT ON COLUMN bi.initiatives.days_since_last_activity IS 'Calendar days (organisation''s time zone) from the last activity to today.';
COMMENT ON COLUMN bi.initiatives.stage_changed_at IS 'When the stage last changed.';
COMMENT ON COLUMN bi.initiatives.created_at IS 'When the initiative was created.';
COMMENT ON COLUMN bi.initiatives.archived_at IS 'When the initiative was archived; NULL while active.';
