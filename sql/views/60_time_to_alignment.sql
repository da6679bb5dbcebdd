-- Time to alignment: how long initiatives take to reach their alignment
-- gate, and which areas' leaders take longest to align. Teams underestimate
-- the time needed to align leaders; these views measure it.
--
-- Gate rule (as in ConcordDomain.AlignmentGate): the initiative's
-- alignment_gate, else the organisation's; reached on the first day whose
-- alignment index (bi.alignment_trend, from the rating history) is at least
-- the gate; no required leader counts as an index of 0. Days are calendar
-- days in the organisation's time zone (app.initiative_days). The
-- per-initiative day is app.time_to_alignment (45_first_reached.sql), kept by
-- triggers.

------------------------------------------------------------------------------
-- bi.time_to_alignment
------------------------------------------------------------------------------

DROP VIEW IF EXISTS bi.time_to_alignment CASCADE;
CREATE VIEW bi.time_to_alignment WITH (security_invoker = true) AS
-- Read once for the rows and the median (a CTE used twice is materialized).
WITH measured AS (SELECT * FROM app.time_to_alignment)
SELECT m.org_id,
       m.initiative_id,
       m.title AS initiative_title,
       m.stage,
       m.lead_area_id,
       a.name AS lead_area_name,
       m.alignment_gate,
       m.gate_source,
       m.created_on,
       m.first_reached_on,
       m.first_reached_on IS NOT NULL AS reached,
       m.days_to_alignment,
       m.days_so_far,
       trim_scale(om.median_days) AS org_median_days_to_alignment,
       m.archived_at
FROM measured AS m
JOIN areas AS a ON a.org_id = m.org_id AND a.id = m.lead_area_id
LEFT JOIN (
  SELECT x.org_id,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY x.days_to_alignment)::numeric AS median_days
  FROM measured AS x
  WHERE x.days_to_alignment IS NOT NULL
  GROUP BY x.org_id
) AS om ON om.org_id = m.org_id;

COMMENT ON VIEW bi.time_to_alignment IS
  'One row per initiative: the day it first reached its alignment gate (from the rating history, so days nobody looked at count) and the days that took from its creation; for an initiative still below its gate, the days so far. With the organisation''s median days to alignment.';
COMMENT ON COLUMN bi.time_to_alignment.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.time_to_alignment.initiative_id IS 'The initiative.';
COMMENT ON COLUMN bi.time_to_alignment.initiative_title IS 'The initiative''s title.';
COMMENT ON COLUMN bi.time_to_alignment.stage IS 'The initiative''s stage now: proposed, initiating, developing, implementing, sustaining, closed.';
COMMENT ON COLUMN bi.time_to_alignment.lead_area_id IS 'The area leading the initiative.';
COMMENT ON COLUMN bi.time_to_alignment.lead_area_name IS 'The lead area''s name.';
COMMENT ON COLUMN bi.time_to_alignment.alignment_gate IS 'The alignment index (0 to 1) the initiative needs to move on to developing and implementing: its own gate, else the organisation''s (today''s value).';
COMMENT ON COLUMN bi.time_to_alignment.gate_source IS 'initiative (it sets its own gate) or organisation.';
COMMENT ON COLUMN bi.time_to_alignment.created_on IS 'The day the initiative was created, in the organisation''s time zone.';
COMMENT ON COLUMN bi.time_to_alignment.first_reached_on IS 'The first day whose alignment index (as of the day''s end) met the gate; NULL while it never has.';
COMMENT ON COLUMN bi.time_to_alignment.reached IS 'True when the initiative has met its gate on some day.';
COMMENT ON COLUMN bi.time_to_alignment.days_to_alignment IS 'first_reached_on minus created_on, in days; NULL while never reached.';
COMMENT ON COLUMN bi.time_to_alignment.days_so_far IS 'For an initiative that never reached its gate: days from its creation to today (or to the day it was archived); NULL once reached.';
COMMENT ON COLUMN bi.time_to_alignment.org_median_days_to_alignment IS 'Median of days_to_alignment over the organisation''s initiatives that reached their gate; NULL when none has.';
COMMENT ON COLUMN bi.time_to_alignment.archived_at IS 'When the initiative was archived; NULL while it is not.';

------------------------------------------------------------------------------
-- bi.time_to_alignment_areas
------------------------------------------------------------------------------

-- Per required leader of an initiative, the first rating within 1 of the
-- importance (today's importance and required leaders: their history is not
-- kept) marks when that leader's area came into line.
DROP VIEW IF EXISTS bi.time_to_alignment_areas CASCADE;
CREATE VIEW bi.time_to_alignment_areas WITH (security_invoker = true) AS
WITH pairs AS (
  SELECT r.org_id, r.area_id, r.initiative_id, r.leader_id,
         d.first_day AS created_on,
         d.last_day,
         (f.first_aligned_at AT TIME ZONE d.timezone)::date AS aligned_on
  FROM app.bi_required_leaders AS r
  JOIN app.initiative_days AS d ON d.org_id = r.org_id AND d.initiative_id = r.initiative_id
  LEFT JOIN LATERAL (
    SELECT min(x.rated_at) AS first_aligned_at
    FROM alignment_ratings AS x
    WHERE x.org_id = r.org_id AND x.initiative_id = r.initiative_id AND x.leader_id = r.leader_id
      AND abs(x.priority - d.importance) <= 1
  ) AS f ON true
),
measured AS (
  SELECT p.org_id, p.area_id,
         greatest(0, coalesce(p.aligned_on, p.last_day) - p.created_on) AS days,
         p.aligned_on IS NOT NULL AS aligned
  FROM pairs AS p
),
per_area AS (
  SELECT m.org_id, m.area_id,
         count(*)::integer AS required_pairs,
         (count(*) FILTER (WHERE m.aligned))::integer AS aligned_pairs,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY m.days) FILTER (WHERE m.aligned)::numeric
           AS median_days_to_align,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY m.days)::numeric AS median_days,
         max(m.days)::integer AS max_days
  FROM measured AS m
  GROUP BY m.org_id, m.area_id
)
SELECT s.org_id,
       s.area_id,
       a.name AS area_name,
       s.required_pairs,
       s.aligned_pairs,
       s.required_pairs - s.aligned_pairs AS waiting_pairs,
       trim_scale(s.median_days_to_align) AS median_days_to_align,
       trim_scale(s.median_days) AS median_days,
       s.max_days,
       (rank() OVER (PARTITION BY s.org_id ORDER BY s.median_days DESC, s.max_days DESC))::integer
         AS slowest_rank
FROM per_area AS s
JOIN areas AS a ON a.org_id = s.org_id AND a.id = s.area_id;

COMMENT ON VIEW bi.time_to_alignment_areas IS
  'One row per area that makes a leader required on some initiative: how long its leader took to come into line (first rating within 1 of the importance) from each initiative''s creation, and how long the ones still out of line have waited, with the organisation''s slowest areas ranked first.';
COMMENT ON COLUMN bi.time_to_alignment_areas.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.time_to_alignment_areas.area_id IS 'The area (lead or supporting) through which its leader is required.';
COMMENT ON COLUMN bi.time_to_alignment_areas.area_name IS 'The area''s name.';
COMMENT ON COLUMN bi.time_to_alignment_areas.required_pairs IS 'Initiatives on which this area''s leader is required.';
COMMENT ON COLUMN bi.time_to_alignment_areas.aligned_pairs IS 'Of those, the ones where the leader has at some point rated within 1 of the importance.';
COMMENT ON COLUMN bi.time_to_alignment_areas.waiting_pairs IS 'Of those, the ones where the leader never has yet.';
COMMENT ON COLUMN bi.time_to_alignment_areas.median_days_to_align IS 'Median days from an initiative''s creation to the leader''s first aligned rating, over aligned pairs; NULL when none.';
COMMENT ON COLUMN bi.time_to_alignment_areas.median_days IS 'Median days over all pairs, counting a waiting pair''s days so far (a lower bound of its time to align).';
COMMENT ON COLUMN bi.time_to_alignment_areas.max_days IS 'The longest of those days.';
COMMENT ON COLUMN bi.time_to_alignment_areas.slowest_rank IS '1 for the organisation''s slowest area (highest median_days, then max_days).';
