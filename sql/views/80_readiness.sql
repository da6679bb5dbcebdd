-- The readiness check: every answer, and per check, question and leader
-- group the count and mean, with how far the groups are apart on the
-- question (the spread the API sorts by).

------------------------------------------------------------------------------
-- bi.readiness_answers
------------------------------------------------------------------------------

DROP VIEW IF EXISTS bi.readiness_answers CASCADE;
CREATE VIEW bi.readiness_answers WITH (security_invoker = true) AS
SELECT a.org_id,
       a.check_id,
       c.title AS check_title,
       c.created_at AS check_sent_at,
       a.leader_id,
       l.name AS leader_name,
       r.leader_group,
       a.question_id,
       q.position AS question_position,
       q.text AS question_text,
       q.retired_at IS NOT NULL AS question_retired,
       a.score::integer AS score,
       a.answered_at
FROM readiness_answers AS a
JOIN readiness_recipients AS r
  ON r.org_id = a.org_id AND r.check_id = a.check_id AND r.leader_id = a.leader_id
JOIN readiness_checks AS c ON c.org_id = a.org_id AND c.id = a.check_id
JOIN readiness_questions AS q ON q.org_id = a.org_id AND q.id = a.question_id
JOIN leaders AS l ON l.org_id = a.org_id AND l.id = a.leader_id;

COMMENT ON VIEW bi.readiness_answers IS
  'One row per readiness check, leader and question answered: the leader''s agreement (1-5) with the question''s statement, and the leader group they answered for.';
COMMENT ON COLUMN bi.readiness_answers.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.readiness_answers.check_id IS 'The readiness check.';
COMMENT ON COLUMN bi.readiness_answers.check_title IS 'The check''s title.';
COMMENT ON COLUMN bi.readiness_answers.check_sent_at IS 'When the check was sent.';
COMMENT ON COLUMN bi.readiness_answers.leader_id IS 'The leader who answered.';
COMMENT ON COLUMN bi.readiness_answers.leader_name IS 'The leader''s name.';
COMMENT ON COLUMN bi.readiness_answers.leader_group IS 'The group the leader answered for, fixed when the check was sent: hr (flagged HR), executive (on the executive team, not HR) or area (every other leader).';
COMMENT ON COLUMN bi.readiness_answers.question_id IS 'The question.';
COMMENT ON COLUMN bi.readiness_answers.question_position IS 'The question''s place in the questionnaire now (ascending).';
COMMENT ON COLUMN bi.readiness_answers.question_text IS 'The statement, as worded now.';
COMMENT ON COLUMN bi.readiness_answers.question_retired IS 'True when the question has since been retired (no longer asked).';
COMMENT ON COLUMN bi.readiness_answers.score IS 'Agreement: 1 strongly disagree, 2 disagree, 3 neither, 4 agree, 5 strongly agree.';
COMMENT ON COLUMN bi.readiness_answers.answered_at IS 'When the leader sent the answers.';

------------------------------------------------------------------------------
-- bi.readiness_by_group
------------------------------------------------------------------------------

DROP VIEW IF EXISTS bi.readiness_by_group CASCADE;
CREATE VIEW bi.readiness_by_group WITH (security_invoker = true) AS
WITH per_group AS (
  SELECT a.org_id, a.check_id, a.question_id, a.leader_group,
         count(*)::integer AS answers,
         round(avg(a.score), 2) AS mean_score
  FROM bi.readiness_answers AS a
  GROUP BY a.org_id, a.check_id, a.question_id, a.leader_group
)
SELECT g.org_id,
       g.check_id,
       c.title AS check_title,
       g.question_id,
       q.text AS question_text,
       g.leader_group,
       g.answers,
       g.mean_score,
       CASE WHEN count(*) OVER w >= 2 THEN max(g.mean_score) OVER w - min(g.mean_score) OVER w END
         AS question_spread
FROM per_group AS g
JOIN readiness_checks AS c ON c.org_id = g.org_id AND c.id = g.check_id
JOIN readiness_questions AS q ON q.org_id = g.org_id AND q.id = g.question_id
WINDOW w AS (PARTITION BY g.org_id, g.check_id, g.question_id);

COMMENT ON VIEW bi.readiness_by_group IS
  'One row per readiness check, question and leader group that answered it: how many answered and their mean agreement, with the question''s spread between the groups (sort by it, largest first, for where executive, HR and area leaders disagree most).';
COMMENT ON COLUMN bi.readiness_by_group.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.readiness_by_group.check_id IS 'The readiness check.';
COMMENT ON COLUMN bi.readiness_by_group.check_title IS 'The check''s title.';
COMMENT ON COLUMN bi.readiness_by_group.question_id IS 'The question.';
COMMENT ON COLUMN bi.readiness_by_group.question_text IS 'The statement, as worded now.';
COMMENT ON COLUMN bi.readiness_by_group.leader_group IS 'executive, hr or area (see bi.readiness_answers.leader_group).';
COMMENT ON COLUMN bi.readiness_by_group.answers IS 'Leaders of the group who answered the question in the check.';
COMMENT ON COLUMN bi.readiness_by_group.mean_score IS 'Their mean agreement (1-5), rounded to 2 decimals.';
COMMENT ON COLUMN bi.readiness_by_group.question_spread IS 'For the question in the check: the highest group mean less the lowest, over the groups that answered; NULL when fewer than two groups answered.';
