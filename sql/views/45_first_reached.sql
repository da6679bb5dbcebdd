-- Time to alignment, per initiative: the first day its alignment index met
-- its gate. bi.time_to_alignment (60), bi.portfolio (50), the initiative
-- read and the portfolio API read it through app.time_to_alignment.
--
-- Gate rule (as in ConcordDomain.AlignmentGate): the initiative's
-- alignment_gate, else the organisation's; reached on the first day whose
-- alignment index (as bi.alignment_trend computes it from the rating history)
-- is at least the gate; no required leader counts as an index of 0. Days are
-- calendar days in the organisation's time zone, from app.initiative_days
-- (07), as bi.alignment_trend counts them.
--
-- The day is kept in alignment_first_reached by triggers (migration 0016 says
-- why) and computed here from the history when a row is missing or the clock
-- has moved past what it may vouch for.

------------------------------------------------------------------------------
-- app.first_reached_from_history
------------------------------------------------------------------------------

-- bi.alignment_trend builds every day since creation; here the same runs of
-- ratings (keep the two in step: StoreTests/FirstReachedPropertyTests proves
-- them equal after random changes) are read as steps of the aligned count,
-- which only changes where a run starts or ends. So the first day at or above
-- the gate is one of those days, and the work grows with the ratings of the
-- required leaders, not with the days since creation.
DROP VIEW IF EXISTS app.first_reached_from_history CASCADE;
CREATE VIEW app.first_reached_from_history WITH (security_invoker = true) AS
WITH
-- Each required leader's ratings, with the next one's time, the count of
-- required leaders and the initiative's days beside them (no lookup per
-- rating or per step).
ratings AS (
  SELECT x.org_id, x.initiative_id, x.priority, x.rated_at, r.required_leaders, n.importance, n.timezone,
         n.alignment_gate, n.window_days, n.first_day, n.last_day, n.today,
         lag(x.rated_at) OVER (PARTITION BY x.org_id, x.initiative_id, x.leader_id
                               ORDER BY x.rated_at DESC, x.id DESC) AS next_rated_at
  FROM (SELECT q.org_id, q.initiative_id, q.leader_id,
               count(*) OVER (PARTITION BY q.org_id, q.initiative_id) AS required_leaders
        FROM app.bi_required_leaders AS q) AS r
  JOIN app.initiative_days AS n ON n.org_id = r.org_id AND n.initiative_id = r.initiative_id
  JOIN alignment_ratings AS x
    ON x.org_id = r.org_id AND x.initiative_id = r.initiative_id AND x.leader_id = r.leader_id
),
-- bi.alignment_trend's runs, the aligned ones only: the days on which a
-- rating was its leader's latest and still fresh at the day's end (at now()
-- for today), as offsets k from the initiative's first day.
aligned_runs AS (
  SELECT x.org_id, x.initiative_id, x.required_leaders, x.alignment_gate, x.first_day,
         x.last_day - x.first_day AS last_k, d.from_k, d.to_k
  FROM ratings AS x
  CROSS JOIN LATERAL (
    SELECT greatest(t.rated_day, x.first_day) - x.first_day AS from_k,
           least(t.next_day - 1,
                 CASE WHEN t.fresh_until_day = x.today AND now() <= t.fresh_until
                      THEN x.today ELSE t.fresh_until_day - 1 END,
                 x.last_day) - x.first_day AS to_k
    FROM (SELECT (x.rated_at AT TIME ZONE x.timezone)::date AS rated_day,
                 (x.next_rated_at AT TIME ZONE x.timezone)::date AS next_day,
                 f.fresh_until,
                 (f.fresh_until AT TIME ZONE x.timezone)::date AS fresh_until_day
          FROM (SELECT x.rated_at + x.window_days * interval '86400 seconds' AS fresh_until) AS f
         ) AS t
    OFFSET 0
  ) AS d
  WHERE abs(x.priority - x.importance) <= 1
),
-- +1 where a run starts, -1 the day after it ends: the running sum (a day's
-- steps are peers in the window, so all of them are in) is the aligned count
-- of each day from that step to the next.
counted AS (
  SELECT u.org_id, u.initiative_id, u.required_leaders, u.alignment_gate, u.first_day, u.last_k, e.k,
         sum(e.step) OVER (PARTITION BY u.org_id, u.initiative_id ORDER BY e.k) AS aligned_leaders
  FROM aligned_runs AS u
  CROSS JOIN LATERAL (VALUES (u.from_k, 1), (u.to_k + 1, -1)) AS e (k, step)
  WHERE u.from_k <= u.to_k
),
-- The first step day within the initiative's days whose index, computed as
-- bi.alignment_trend computes it, meets the gate.
reached AS (
  SELECT c.org_id, c.initiative_id, min(c.first_day + c.k) AS first_reached_on
  FROM counted AS c
  WHERE c.k <= c.last_k AND c.aligned_leaders::numeric / c.required_leaders >= c.alignment_gate
  GROUP BY c.org_id, c.initiative_id
)
SELECT n.org_id,
       n.initiative_id,
       -- A gate of 0 is met on every day, whoever is aligned or required.
       CASE WHEN n.last_day < n.first_day THEN NULL
            WHEN n.alignment_gate <= 0 THEN n.first_day
            ELSE r.first_reached_on END AS first_reached_on
FROM app.initiative_days AS n
LEFT JOIN reached AS r ON r.org_id = n.org_id AND r.initiative_id = n.initiative_id;

COMMENT ON VIEW app.first_reached_from_history IS
  'Internal: per initiative, the first day its alignment index met its gate, computed from the rating history (what alignment_first_reached keeps).';

GRANT SELECT ON app.first_reached_from_history TO concord_bi, concord_api, concord_worker;

-- The same for one initiative. plpgsql, so its plan is made once per session
-- rather than inside every query that reads app.time_to_alignment.
CREATE OR REPLACE FUNCTION app.first_reached_from_history(org uuid, initiative uuid) RETURNS date
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  RETURN (SELECT h.first_reached_on FROM app.first_reached_from_history AS h
          WHERE h.org_id = org AND h.initiative_id = initiative);
END
$$;

-- The same for a whole organisation, in one pass (what
-- app.refresh_first_reached uses when a change moves many initiatives): a
-- function, so the organisation reaches the view as a parameter and only its
-- rows are computed.
CREATE OR REPLACE FUNCTION app.first_reached_of_organisation(org uuid)
RETURNS TABLE (initiative_id uuid, first_reached_on date)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  RETURN QUERY SELECT h.initiative_id, h.first_reached_on FROM app.first_reached_from_history AS h
               WHERE h.org_id = org;
END
$$;

------------------------------------------------------------------------------
-- app.time_to_alignment
------------------------------------------------------------------------------

-- One row per initiative. The kept day while its row vouches for now();
-- otherwise (no row, a reader older than the row, or past valid_until) the
-- day from the history, computed for that initiative only.
DROP VIEW IF EXISTS app.time_to_alignment CASCADE;
CREATE VIEW app.time_to_alignment WITH (security_invoker = true) AS
SELECT d.org_id,
       d.initiative_id,
       d.title,
       d.stage,
       d.lead_area_id,
       d.archived_at,
       d.alignment_gate,
       d.gate_source,
       d.first_day AS created_on,
       f.first_reached_on,
       (f.first_reached_on - d.first_day)::integer AS days_to_alignment,
       CASE WHEN f.first_reached_on IS NULL THEN (d.last_day - d.first_day)::integer END AS days_so_far
FROM app.initiative_days AS d
LEFT JOIN alignment_first_reached AS k ON k.org_id = d.org_id AND k.initiative_id = d.initiative_id
CROSS JOIN LATERAL (
  SELECT CASE WHEN k.computed_at <= now() AND (k.valid_until IS NULL OR now() < k.valid_until)
              THEN k.first_reached_on
              ELSE app.first_reached_from_history(d.org_id, d.initiative_id)
         END AS first_reached_on
  -- Not flattened: the expression is used three times, computed once.
  OFFSET 0
) AS f;

COMMENT ON VIEW app.time_to_alignment IS
  'Internal to bi.time_to_alignment, bi.portfolio, the initiative read and the portfolio: per initiative, the first day its alignment index met its gate.';

GRANT SELECT ON app.time_to_alignment TO concord_bi, concord_api, concord_worker;

------------------------------------------------------------------------------
-- Rows the triggers did not write
------------------------------------------------------------------------------

-- Initiatives written before migration 0016, or with triggers off (a bulk
-- load with session_replication_role = replica): read correctly either way,
-- but from the history until they have a row. Run at each migrate; only
-- initiatives without a row are computed. The owner sees them when it
-- bypasses row-level security.
SELECT app.refresh_first_reached(array_agg(i.org_id), array_agg(i.id))
FROM initiatives AS i
WHERE NOT EXISTS (SELECT 1 FROM alignment_first_reached AS k
                  WHERE k.org_id = i.org_id AND k.initiative_id = i.id);
