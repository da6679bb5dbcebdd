-- 0017: the readiness check. An organisation keeps a questionnaire (seeded
-- from the consultancy's default set, then its own to edit), sends it to
-- leaders of three groups (executive, HR, area leaders) as nudges with the
-- usual one-time links, and compares the groups' answers question by
-- question.

------------------------------------------------------------------------------
-- The questionnaire
------------------------------------------------------------------------------

CREATE TABLE readiness_questions (
  org_id     uuid        NOT NULL,
  id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  -- Ascending; ties fall back to creation. Not unique, so a reorder is one
  -- UPDATE with no transient clashes.
  position   integer     NOT NULL,
  -- A statement answered on a 1 (strongly disagree) to 5 (strongly agree) scale.
  text       text        NOT NULL,
  -- Retired questions are no longer asked; their past answers stay.
  retired_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version    integer     NOT NULL DEFAULT 1,
  CONSTRAINT readiness_questions_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT readiness_questions_org_fk FOREIGN KEY (org_id) REFERENCES organisations (org_id),
  CONSTRAINT readiness_questions_text_valid CHECK (btrim(text) <> '' AND length(text) <= 500),
  CONSTRAINT readiness_questions_position_range CHECK (position >= 0)
);
CREATE INDEX readiness_questions_position_idx ON readiness_questions (org_id, position, created_at);

-- The consultancy's default set: the five questions on whether executive and
-- HR leadership are aligned, and the three actions of leadership alignment
-- (evaluate, engage, bind), phrased as statements to agree with.
CREATE FUNCTION app.default_readiness_questions()
RETURNS TABLE (ord integer, statement text)
LANGUAGE sql IMMUTABLE
AS $$
  VALUES
    (1, 'HR leaders are involved in early-stage strategic planning.'),
    (2, 'We share definitions and models for evaluating leadership.'),
    (3, 'Our talent strategy is co-owned by executive and HR leadership.'),
    (4, 'Executives and HR collaborate regularly on development, retention and culture.'),
    (5, 'We measure leadership effectiveness by both business results and human impact.'),
    (6, 'We regularly evaluate how well the organisation performs, to move it to the next level.'),
    (7, 'The leadership team is engaged: it sees what it can do to make the change happen.'),
    (8, 'Leaders bind the team: they give each other ongoing support and constructive feedback on priorities.')
$$;

-- Runs as whoever creates the organisation: the API role with app.org_id set
-- to the new organisation (row-level security admits the rows), or the owner.
CREATE FUNCTION app.seed_readiness_questions() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO public.readiness_questions (org_id, position, text)
  SELECT NEW.org_id, d.ord, d.statement FROM app.default_readiness_questions() AS d;
  RETURN NULL;
END
$$;

CREATE TRIGGER seed_readiness_questions AFTER INSERT ON organisations
  FOR EACH ROW EXECUTE FUNCTION app.seed_readiness_questions();

INSERT INTO readiness_questions (org_id, position, text)
SELECT o.org_id, d.ord, d.statement
FROM organisations AS o CROSS JOIN app.default_readiness_questions() AS d;

------------------------------------------------------------------------------
-- Checks, their recipients and answers
------------------------------------------------------------------------------

CREATE TABLE readiness_checks (
  org_id     uuid        NOT NULL,
  id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  title      text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT readiness_checks_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT readiness_checks_org_fk FOREIGN KEY (org_id) REFERENCES organisations (org_id),
  CONSTRAINT readiness_checks_title_valid CHECK (btrim(title) <> '' AND length(title) <= 200)
);

-- A readiness request travels as a nudge: same planning state, guard rails,
-- channels, claims, tokens and expiry. It names its check instead of an
-- initiative.
ALTER TABLE nudges ALTER COLUMN initiative_id DROP NOT NULL;
ALTER TABLE nudges ADD COLUMN readiness_check_id uuid;
ALTER TABLE nudges ADD CONSTRAINT nudges_readiness_check_fk FOREIGN KEY (org_id, readiness_check_id)
  REFERENCES readiness_checks (org_id, id) ON DELETE CASCADE;
ALTER TABLE nudges DROP CONSTRAINT nudges_reason_valid;
ALTER TABLE nudges ADD CONSTRAINT nudges_reason_valid
  CHECK (reason IN ('cadence', 'quiet_initiative', 'out_of_line', 'resistance',
                    'stage_change', 'stale_rating', 'support_drop', 'readiness'));
ALTER TABLE nudges ADD CONSTRAINT nudges_one_subject
  CHECK (CASE WHEN reason = 'readiness'
              THEN initiative_id IS NULL AND readiness_check_id IS NOT NULL
              ELSE initiative_id IS NOT NULL AND readiness_check_id IS NULL END);
-- Once per leader and check (the initiative key above leaves NULLs apart).
CREATE UNIQUE INDEX nudges_readiness_once ON nudges (org_id, readiness_check_id, leader_id)
  WHERE readiness_check_id IS NOT NULL;

CREATE TABLE readiness_recipients (
  org_id       uuid        NOT NULL,
  check_id     uuid        NOT NULL,
  leader_id    uuid        NOT NULL,
  -- The group the leader answered for, fixed when the check was sent:
  -- hr when the leader is HR, else executive when on the executive team,
  -- else area (an area leader).
  leader_group text        NOT NULL,
  nudge_id     uuid        NOT NULL,
  answered_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT readiness_recipients_pkey PRIMARY KEY (org_id, check_id, leader_id),
  CONSTRAINT readiness_recipients_check_fk FOREIGN KEY (org_id, check_id)
    REFERENCES readiness_checks (org_id, id) ON DELETE CASCADE,
  CONSTRAINT readiness_recipients_leader_fk FOREIGN KEY (org_id, leader_id)
    REFERENCES leaders (org_id, id) ON DELETE CASCADE,
  CONSTRAINT readiness_recipients_nudge_fk FOREIGN KEY (org_id, nudge_id)
    REFERENCES nudges (org_id, id),
  CONSTRAINT readiness_recipients_nudge_unique UNIQUE (org_id, nudge_id),
  CONSTRAINT readiness_recipients_group_valid CHECK (leader_group IN ('executive', 'hr', 'area'))
);

CREATE TABLE readiness_answers (
  org_id      uuid        NOT NULL,
  check_id    uuid        NOT NULL,
  leader_id   uuid        NOT NULL,
  question_id uuid        NOT NULL,
  -- 1 strongly disagree ... 5 strongly agree.
  score       smallint    NOT NULL,
  answered_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT readiness_answers_pkey PRIMARY KEY (org_id, check_id, leader_id, question_id),
  CONSTRAINT readiness_answers_recipient_fk FOREIGN KEY (org_id, check_id, leader_id)
    REFERENCES readiness_recipients (org_id, check_id, leader_id) ON DELETE CASCADE,
  CONSTRAINT readiness_answers_question_fk FOREIGN KEY (org_id, question_id)
    REFERENCES readiness_questions (org_id, id),
  CONSTRAINT readiness_answers_score_range CHECK (score BETWEEN 1 AND 5)
);
CREATE INDEX readiness_answers_question_idx ON readiness_answers (org_id, question_id);

------------------------------------------------------------------------------
-- Tenancy and privileges
------------------------------------------------------------------------------

CALL app.secure_tenant_table('readiness_questions');
CALL app.secure_tenant_table('readiness_checks');
CALL app.secure_tenant_table('readiness_recipients');
CALL app.secure_tenant_table('readiness_answers');

-- The API edits the questionnaire (questions are retired, never deleted),
-- sends checks (planning their nudges) and records answers from the link.
GRANT SELECT, INSERT, UPDATE ON readiness_questions TO concord_api;
GRANT SELECT, INSERT ON readiness_checks TO concord_api;
GRANT SELECT, INSERT ON readiness_recipients TO concord_api;
GRANT UPDATE (answered_at) ON readiness_recipients TO concord_api;
GRANT SELECT, INSERT ON readiness_answers TO concord_api;
-- Only readiness nudges, planned: no initiative, no state, no token.
GRANT INSERT (org_id, readiness_check_id, leader_id, reason, period_key, due_at) ON nudges TO concord_api;
-- The worker delivers readiness nudges like any other (it reads the check's
-- title) and, like the API, reads the organisation's tenant tables.
GRANT SELECT ON readiness_questions, readiness_checks, readiness_recipients, readiness_answers
  TO concord_worker;
GRANT SELECT ON readiness_questions, readiness_checks, readiness_recipients, readiness_answers
  TO concord_bi;
GRANT SELECT (readiness_check_id) ON nudges TO concord_bi;
