-- bi.nudge_activity: what the revisit nudges achieved, week by week.
--
-- A nudge counts in the ISO week (organisation's time zone) it was sent,
-- whether alone or merged into a digest; nudges never sent (planned, failed,
-- skipped) are not counted. Its area is the one through which the leader is
-- required on the initiative (app.bi_required_leaders), else the
-- initiative's lead area when the leader is no longer required.

DROP VIEW IF EXISTS bi.nudge_activity CASCADE;
CREATE VIEW bi.nudge_activity WITH (security_invoker = true) AS
SELECT n.org_id,
       w.iso_year,
       w.iso_week,
       w.week_start,
       a.id AS area_id,
       a.name AS area_name,
       n.leader_id,
       l.name AS leader_name,
       n.reason,
       count(*)::integer AS nudges_sent,
       (count(*) FILTER (WHERE n.digest_id IS NOT NULL))::integer AS nudges_in_digests,
       (count(*) FILTER (WHERE n.answered_at IS NOT NULL))::integer AS nudges_answered,
       round((count(*) FILTER (WHERE n.answered_at IS NOT NULL))::numeric / count(*), 4) AS answer_rate,
       round((percentile_cont(0.5) WITHIN GROUP (
                ORDER BY extract(epoch FROM n.answered_at - n.sent_at) / 3600)
             FILTER (WHERE n.answered_at IS NOT NULL))::numeric, 2) AS median_hours_to_answer,
       min(n.sent_at) AS first_sent_at,
       max(n.sent_at) AS last_sent_at
FROM nudges AS n
JOIN organisations AS o ON o.org_id = n.org_id
JOIN initiatives AS i ON i.org_id = n.org_id AND i.id = n.initiative_id
JOIN leaders AS l ON l.org_id = n.org_id AND l.id = n.leader_id
LEFT JOIN app.bi_required_leaders AS r
  ON r.org_id = n.org_id AND r.initiative_id = n.initiative_id AND r.leader_id = n.leader_id
JOIN areas AS a ON a.org_id = n.org_id AND a.id = coalesce(r.area_id, i.lead_area_id)
CROSS JOIN LATERAL (
  SELECT extract(isoyear FROM t.local)::integer AS iso_year,
         extract(week FROM t.local)::integer AS iso_week,
         date_trunc('week', t.local)::date AS week_start
  FROM (SELECT n.sent_at AT TIME ZONE o.timezone AS local) AS t
) AS w
WHERE n.sent_at IS NOT NULL
GROUP BY n.org_id, w.iso_year, w.iso_week, w.week_start, a.id, a.name, n.leader_id, l.name, n.reason;

COMMENT ON VIEW bi.nudge_activity IS
  'One row per organisation, ISO week (of the sending, in the organisation''s time zone), area, leader and nudge reason: the revisit nudges sent to that leader that week for that reason, how many were answered, and how fast.';
COMMENT ON COLUMN bi.nudge_activity.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.nudge_activity.iso_year IS 'ISO 8601 week-numbering year of the week the nudges were sent.';
COMMENT ON COLUMN bi.nudge_activity.iso_week IS 'ISO 8601 week number (1-53) within iso_year.';
COMMENT ON COLUMN bi.nudge_activity.week_start IS 'The Monday the week starts on (organisation''s time zone).';
COMMENT ON COLUMN bi.nudge_activity.area_id IS 'The area through which the leader is required on the nudged initiatives, else the initiative''s lead area.';
COMMENT ON COLUMN bi.nudge_activity.area_name IS 'The name of that area.';
COMMENT ON COLUMN bi.nudge_activity.leader_id IS 'The leader nudged.';
COMMENT ON COLUMN bi.nudge_activity.leader_name IS 'The leader''s name.';
COMMENT ON COLUMN bi.nudge_activity.reason IS 'Why the nudge was sent: cadence, quiet_initiative, out_of_line, resistance, stage_change, stale_rating or support_drop.';
COMMENT ON COLUMN bi.nudge_activity.nudges_sent IS 'Nudges sent that week, alone or inside a digest.';
COMMENT ON COLUMN bi.nudge_activity.nudges_in_digests IS 'Of them, those delivered merged into a digest (the surplus over the leader''s weekly cap).';
COMMENT ON COLUMN bi.nudge_activity.nudges_answered IS 'Of them, those answered (whenever the answer came).';
COMMENT ON COLUMN bi.nudge_activity.answer_rate IS 'nudges_answered / nudges_sent, 0 to 1, rounded to 4 decimals.';
COMMENT ON COLUMN bi.nudge_activity.median_hours_to_answer IS 'Median hours from sending to answer over the answered nudges, rounded to 2 decimals; NULL when none was answered.';
COMMENT ON COLUMN bi.nudge_activity.first_sent_at IS 'The first of these nudges was sent at.';
COMMENT ON COLUMN bi.nudge_activity.last_sent_at IS 'The last of these nudges was sent at.';
