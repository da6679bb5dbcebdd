-- Alignment: the matrix of initiatives by required leaders with their latest
-- ratings, and the alignment index of every initiative day by day.
--
-- Rules (as in ConcordDomain.AlignmentIndex): a rating is fresh while
-- now() - rated_at <= the revisit window (the initiative's
-- revisit_cadence_days, else the organisation's; days of exactly 86 400 s);
-- a required leader is aligned when the latest rating is fresh and
-- |priority - importance| <= 1; stale or missing ratings are not aligned;
-- the index is aligned / required, NULL when nobody is required.

------------------------------------------------------------------------------
-- bi.alignment_matrix
------------------------------------------------------------------------------

DROP VIEW IF EXISTS bi.alignment_matrix CASCADE;
CREATE VIEW bi.alignment_matrix WITH (security_invoker = true) AS
SELECT r.org_id,
       r.initiative_id,
       i.title AS initiative_title,
       r.leader_id,
       l.name AS leader_name,
       r.area_id,
       a.name AS area_name,
       r.role,
       i.importance::integer AS importance,
       w.revisit_window_days,
       ar.priority::integer AS latest_priority,
       (ar.priority - i.importance)::integer AS priority_gap,
       ar.buy_in,
       ar.resistance_note,
       ar.source AS rating_source,
       ar.rated_at,
       ar.rated_at + w.revisit_window_days * interval '86400 seconds' AS fresh_until,
       CASE WHEN ar.rated_at IS NULL THEN 'missing'
            WHEN f.is_fresh THEN 'fresh'
            ELSE 'stale' END AS freshness,
       coalesce(f.is_fresh, false) AS is_fresh,
       coalesce(f.is_fresh AND abs(ar.priority - i.importance) <= 1, false) AS is_aligned,
       CASE WHEN ar.rated_at IS NULL THEN 'missing'
            WHEN NOT f.is_fresh THEN 'stale'
            WHEN abs(ar.priority - i.importance) <= 1 THEN 'aligned'
            ELSE 'out_of_line' END AS alignment_status
FROM app.bi_required_leaders AS r
JOIN initiatives AS i ON i.org_id = r.org_id AND i.id = r.initiative_id
JOIN organisations AS o ON o.org_id = r.org_id
JOIN leaders AS l ON l.org_id = r.org_id AND l.id = r.leader_id
JOIN areas AS a ON a.org_id = r.org_id AND a.id = r.area_id
CROSS JOIN LATERAL (
  SELECT coalesce(i.revisit_cadence_days, o.revisit_cadence_days)::integer AS revisit_window_days
) AS w
-- The latest rating of the pair (ties on rated_at: the greatest id, as the
-- store does): the first entry of alignment_ratings_pair_latest_idx.
LEFT JOIN LATERAL (
  SELECT x.priority, x.buy_in, x.resistance_note, x.source, x.rated_at
  FROM alignment_ratings AS x
  WHERE x.org_id = r.org_id AND x.initiative_id = r.initiative_id
    AND x.leader_id = r.leader_id
  ORDER BY x.rated_at DESC, x.id DESC
  LIMIT 1
) AS ar ON true
CROSS JOIN LATERAL (
  SELECT ar.rated_at >= now() - w.revisit_window_days * interval '86400 seconds' AS is_fresh
) AS f;

COMMENT ON VIEW bi.alignment_matrix IS
  'One row per initiative and required leader (the head of the lead area; for each supporting area its accountable leader, else its head; archived leaders excluded), with that leader''s latest rating and whether it is fresh and aligned now.';
COMMENT ON COLUMN bi.alignment_matrix.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.alignment_matrix.initiative_id IS 'The initiative.';
COMMENT ON COLUMN bi.alignment_matrix.initiative_title IS 'The initiative''s title.';
COMMENT ON COLUMN bi.alignment_matrix.leader_id IS 'The required leader.';
COMMENT ON COLUMN bi.alignment_matrix.leader_name IS 'The required leader''s name.';
COMMENT ON COLUMN bi.alignment_matrix.area_id IS 'The area through which the leader is required (the lead area, or a supporting area).';
COMMENT ON COLUMN bi.alignment_matrix.area_name IS 'The name of that area.';
COMMENT ON COLUMN bi.alignment_matrix.role IS 'lead: heads the lead area; supporting: accountable for (or heads) a supporting area. A leader required both ways appears once, as lead.';
COMMENT ON COLUMN bi.alignment_matrix.importance IS 'The initiative''s importance, 1-5.';
COMMENT ON COLUMN bi.alignment_matrix.revisit_window_days IS 'Days a rating stays fresh: the initiative''s revisit cadence, else the organisation''s.';
COMMENT ON COLUMN bi.alignment_matrix.latest_priority IS 'Priority (1-5) the leader gave in the latest rating; NULL when never rated.';
COMMENT ON COLUMN bi.alignment_matrix.priority_gap IS 'latest_priority minus importance; aligned when between -1 and 1 and fresh. NULL when never rated.';
COMMENT ON COLUMN bi.alignment_matrix.buy_in IS 'Buy-in stage of the latest rating: unaware, aware, understands, committed, acting; NULL when not asked or never rated.';
COMMENT ON COLUMN bi.alignment_matrix.resistance_note IS 'Resistance note of the latest rating, if any.';
COMMENT ON COLUMN bi.alignment_matrix.rating_source IS 'Where the latest rating came from: api, workshop, nudge, import.';
COMMENT ON COLUMN bi.alignment_matrix.rated_at IS 'When the latest rating was given; NULL when never rated.';
COMMENT ON COLUMN bi.alignment_matrix.fresh_until IS 'When the latest rating goes stale (rated_at + revisit window); NULL when never rated.';
COMMENT ON COLUMN bi.alignment_matrix.freshness IS 'fresh (rated within the revisit window), stale (rated, but longer ago) or missing (never rated).';
COMMENT ON COLUMN bi.alignment_matrix.is_fresh IS 'True when the latest rating is inside the revisit window now.';
COMMENT ON COLUMN bi.alignment_matrix.is_aligned IS 'True when the latest rating is fresh and within 1 of the importance; stale and missing ratings are not aligned.';
COMMENT ON COLUMN bi.alignment_matrix.alignment_status IS 'aligned, out_of_line (fresh but more than 1 away from the importance), stale or missing.';

------------------------------------------------------------------------------
-- bi.alignment_trend
------------------------------------------------------------------------------

-- For each rating of a required leader, the run of days on which it was the
-- leader's latest rating and still fresh at the day's end (at now() for
-- today): from its own day to the day before the next rating's day, and no
-- later than the last day ending inside its revisit window. A +1 on the
-- first day of each run and a -1 after the last, summed in day order, count
-- the fresh (and the aligned) leaders of each day. The day rows and the
-- steps go through one window (no join of days to steps), so the work grows
-- with ratings plus initiative-days, with no lookup per day. Days are
-- offsets k from the initiative's first day (app.initiative_days).
DROP VIEW IF EXISTS bi.alignment_trend CASCADE;
CREATE VIEW bi.alignment_trend WITH (security_invoker = true) AS
WITH required AS (
  SELECT r.org_id, r.initiative_id, count(*)::integer AS required_leaders
  FROM app.bi_required_leaders AS r
  GROUP BY r.org_id, r.initiative_id
),
ratings AS (
  SELECT x.org_id, x.initiative_id, x.priority, x.rated_at,
         lead(x.rated_at) OVER (PARTITION BY x.org_id, x.initiative_id, x.leader_id
                                ORDER BY x.rated_at, x.id) AS next_rated_at
  FROM alignment_ratings AS x
  JOIN app.bi_required_leaders AS r
    ON r.org_id = x.org_id AND r.initiative_id = x.initiative_id AND r.leader_id = x.leader_id
),
runs AS (
  SELECT x.org_id, x.initiative_id, d.from_k, d.to_k, d.aligned
  FROM ratings AS x
  JOIN app.initiative_days AS n ON n.org_id = x.org_id AND n.initiative_id = x.initiative_id
  CROSS JOIN LATERAL (
    SELECT greatest(t.rated_day, n.first_day) - n.first_day AS from_k,
           least(t.next_day - 1,
                 -- A past day counts when it ended inside the window; today
                 -- when now() is.
                 CASE WHEN t.fresh_until_day = n.today AND now() <= t.fresh_until
                      THEN n.today ELSE t.fresh_until_day - 1 END,
                 n.last_day) - n.first_day AS to_k,
           abs(x.priority - n.importance) <= 1 AS aligned
    FROM (SELECT (x.rated_at AT TIME ZONE n.timezone)::date AS rated_day,
                 (x.next_rated_at AT TIME ZONE n.timezone)::date AS next_day,
                 f.fresh_until,
                 (f.fresh_until AT TIME ZONE n.timezone)::date AS fresh_until_day
          FROM (SELECT x.rated_at + n.window_days * interval '86400 seconds' AS fresh_until) AS f
         ) AS t
    -- Not flattened: each rating's days are computed once, not once per use.
    OFFSET 0
  ) AS d
),
events AS (
  -- One row per day (is_day)...
  SELECT n.org_id, n.initiative_id, g.k, true AS is_day, n.title, n.first_day, n.timezone,
         coalesce(q.required_leaders, 0) AS required_leaders,
         0 AS fresh_step, 0 AS aligned_step
  FROM app.initiative_days AS n
  LEFT JOIN required AS q ON q.org_id = n.org_id AND q.initiative_id = n.initiative_id
  CROSS JOIN LATERAL generate_series(0, n.last_day - n.first_day) AS g (k)
  UNION ALL
  -- ...and the steps, sorted before the day they fall on.
  SELECT u.org_id, u.initiative_id, e.k, false, NULL, NULL, NULL, NULL,
         e.step, CASE WHEN u.aligned THEN e.step ELSE 0 END
  FROM runs AS u
  CROSS JOIN LATERAL (VALUES (u.from_k, 1), (u.to_k + 1, -1)) AS e (k, step)
  WHERE u.from_k <= u.to_k
),
counted AS (
  SELECT v.org_id, v.initiative_id, v.k, v.is_day, v.title, v.first_day, v.timezone,
         v.required_leaders,
         sum(v.fresh_step) OVER w AS fresh_leaders,
         sum(v.aligned_step) OVER w AS aligned_leaders
  FROM events AS v
  WINDOW w AS (PARTITION BY v.org_id, v.initiative_id ORDER BY v.k, v.is_day)
)
SELECT c.org_id,
       c.initiative_id,
       c.title AS initiative_title,
       c.first_day + c.k AS day,
       least(((c.first_day + c.k + 1)::timestamp AT TIME ZONE c.timezone), now()) AS as_of,
       c.required_leaders,
       c.fresh_leaders::integer AS fresh_leaders,
       c.aligned_leaders::integer AS aligned_leaders,
       CASE WHEN c.required_leaders > 0
            THEN trim_scale(c.aligned_leaders::numeric / c.required_leaders) END AS alignment_index
FROM counted AS c
WHERE c.is_day;

COMMENT ON VIEW bi.alignment_trend IS
  'One row per initiative and calendar day (in the organisation''s time zone) from the day it was created to today (or the day it was archived): its alignment index as of that day''s end, from the ratings that were then the latest and still fresh. Computed from the rating history, so days nobody looked at are right. Required leaders and importance are today''s (their history is not kept).';
COMMENT ON COLUMN bi.alignment_trend.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.alignment_trend.initiative_id IS 'The initiative.';
COMMENT ON COLUMN bi.alignment_trend.initiative_title IS 'The initiative''s title.';
COMMENT ON COLUMN bi.alignment_trend.day IS 'The calendar day, in the organisation''s time zone.';
COMMENT ON COLUMN bi.alignment_trend.as_of IS 'The moment the day is measured at: its end (midnight after it, organisation''s time zone), or now for today.';
COMMENT ON COLUMN bi.alignment_trend.required_leaders IS 'Leaders required to be aligned on the initiative (today''s set: the history of area heads is not kept).';
COMMENT ON COLUMN bi.alignment_trend.fresh_leaders IS 'Required leaders whose latest rating as of the day was fresh then.';
COMMENT ON COLUMN bi.alignment_trend.aligned_leaders IS 'Required leaders whose latest rating as of the day was fresh then and within 1 of the importance.';
COMMENT ON COLUMN bi.alignment_trend.alignment_index IS 'aligned_leaders / required_leaders, 0 to 1; NULL when nobody is required.';
