-- Internal helper (not a BI surface): each initiative's days, in its
-- organisation's time zone, with the settings that decide its alignment.
-- bi.alignment_trend (10), app.first_reached_from_history and
-- app.time_to_alignment (45) and bi.time_to_alignment_areas (60) all count
-- days from here, so "from creation to reach" and "so far" are one rule:
-- the first day is the day of created_at; the last is today, or the day the
-- initiative was archived if earlier (before the first day when it was
-- created ahead of today).
--
-- A plain view, inlined into each reader like the CTE it replaces, so a
-- reader of one initiative still reads one row.

DROP VIEW IF EXISTS app.initiative_days CASCADE;
CREATE VIEW app.initiative_days WITH (security_invoker = true) AS
SELECT i.org_id,
       i.id AS initiative_id,
       i.title,
       i.stage,
       i.lead_area_id,
       i.importance,
       i.archived_at,
       o.timezone,
       coalesce(i.alignment_gate, o.alignment_gate) AS alignment_gate,
       CASE WHEN i.alignment_gate IS NULL THEN 'organisation' ELSE 'initiative' END AS gate_source,
       coalesce(i.revisit_cadence_days, o.revisit_cadence_days) AS window_days,
       (i.created_at AT TIME ZONE o.timezone)::date AS first_day,
       least((now() AT TIME ZONE o.timezone)::date,
             (i.archived_at AT TIME ZONE o.timezone)::date) AS last_day,
       (now() AT TIME ZONE o.timezone)::date AS today
FROM initiatives AS i
JOIN organisations AS o ON o.org_id = i.org_id;

COMMENT ON VIEW app.initiative_days IS
  'Internal: per initiative, its first day (created), last day (today, or archived) and today in the organisation''s time zone, with its alignment gate and revisit window.';

GRANT SELECT ON app.initiative_days TO concord_bi, concord_api, concord_worker;
