-- 0004: leadership assessment frameworks (the dimensions an organisation
-- chooses, e.g. capacity, commitment, character) and dated assessments of
-- leaders scored on them.

CREATE TABLE assessment_frameworks (
  org_id      uuid        NOT NULL,
  id          uuid        NOT NULL DEFAULT gen_random_uuid(),
  name        text        NOT NULL,
  description text        NOT NULL DEFAULT '',
  archived_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  version     integer     NOT NULL DEFAULT 1,
  CONSTRAINT assessment_frameworks_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT assessment_frameworks_org_fk FOREIGN KEY (org_id)
    REFERENCES organisations (org_id),
  CONSTRAINT assessment_frameworks_name_unique UNIQUE (org_id, name),
  CONSTRAINT assessment_frameworks_name_valid
    CHECK (btrim(name) <> '' AND length(name) <= 200)
);

CREATE TABLE assessment_dimensions (
  org_id       uuid        NOT NULL,
  id           uuid        NOT NULL DEFAULT gen_random_uuid(),
  framework_id uuid        NOT NULL,
  name         text        NOT NULL,
  description  text        NOT NULL DEFAULT '',
  -- Display order within the framework.
  position     smallint    NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  version      integer     NOT NULL DEFAULT 1,
  CONSTRAINT assessment_dimensions_pkey PRIMARY KEY (org_id, id),
  -- Lets a score reference (framework, dimension): a score's dimension then
  -- belongs to its assessment's framework by construction.
  CONSTRAINT assessment_dimensions_framework_key UNIQUE (org_id, framework_id, id),
  CONSTRAINT assessment_dimensions_name_unique UNIQUE (org_id, framework_id, name),
  CONSTRAINT assessment_dimensions_framework_fk FOREIGN KEY (org_id, framework_id)
    REFERENCES assessment_frameworks (org_id, id) ON DELETE CASCADE,
  CONSTRAINT assessment_dimensions_name_valid
    CHECK (btrim(name) <> '' AND length(name) <= 200),
  CONSTRAINT assessment_dimensions_position_range CHECK (position >= 0)
);

CREATE TABLE assessments (
  org_id       uuid        NOT NULL,
  id           uuid        NOT NULL DEFAULT gen_random_uuid(),
  leader_id    uuid        NOT NULL,
  framework_id uuid        NOT NULL,
  assessed_on  date        NOT NULL,
  assessor     text        NOT NULL,
  notes        text        NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  version      integer     NOT NULL DEFAULT 1,
  CONSTRAINT assessments_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT assessments_framework_key UNIQUE (org_id, framework_id, id),
  CONSTRAINT assessments_leader_fk FOREIGN KEY (org_id, leader_id)
    REFERENCES leaders (org_id, id),
  CONSTRAINT assessments_framework_fk FOREIGN KEY (org_id, framework_id)
    REFERENCES assessment_frameworks (org_id, id),
  CONSTRAINT assessments_assessor_valid
    CHECK (btrim(assessor) <> '' AND length(assessor) <= 200)
);
CREATE INDEX assessments_leader_idx ON assessments (org_id, leader_id, assessed_on DESC);

CREATE TABLE assessment_scores (
  org_id        uuid          NOT NULL,
  assessment_id uuid          NOT NULL,
  dimension_id  uuid          NOT NULL,
  -- Filled from the assessment when omitted.
  framework_id  uuid          NOT NULL,
  score         numeric(5, 2) NOT NULL,
  created_at    timestamptz   NOT NULL DEFAULT now(),
  updated_at    timestamptz   NOT NULL DEFAULT now(),
  version       integer       NOT NULL DEFAULT 1,
  CONSTRAINT assessment_scores_pkey PRIMARY KEY (org_id, assessment_id, dimension_id),
  CONSTRAINT assessment_scores_assessment_fk
    FOREIGN KEY (org_id, framework_id, assessment_id)
    REFERENCES assessments (org_id, framework_id, id)
    ON DELETE CASCADE,
  CONSTRAINT assessment_scores_dimension_fk
    FOREIGN KEY (org_id, framework_id, dimension_id)
    REFERENCES assessment_dimensions (org_id, framework_id, id),
  CONSTRAINT assessment_scores_score_range CHECK (score BETWEEN 0 AND 100)
);
CREATE INDEX assessment_scores_dimension_idx ON assessment_scores (org_id, dimension_id);

CREATE FUNCTION app.assessment_scores_fill_framework() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF NEW.framework_id IS NULL THEN
    SELECT a.framework_id INTO NEW.framework_id
    FROM assessments AS a
    WHERE a.org_id = NEW.org_id AND a.id = NEW.assessment_id;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER assessment_scores_fill_framework BEFORE INSERT ON assessment_scores
  FOR EACH ROW EXECUTE FUNCTION app.assessment_scores_fill_framework();

------------------------------------------------------------------------------
-- Tenancy and privileges
------------------------------------------------------------------------------

CALL app.secure_tenant_table('assessment_frameworks');
CALL app.secure_tenant_table('assessment_dimensions');
CALL app.secure_tenant_table('assessments');
CALL app.secure_tenant_table('assessment_scores');

GRANT SELECT, INSERT, UPDATE, DELETE
  ON assessment_frameworks, assessment_dimensions, assessments, assessment_scores
  TO concord_api;
GRANT SELECT
  ON assessment_frameworks, assessment_dimensions, assessments, assessment_scores
  TO concord_worker, concord_bi;
