-- 0013: the alignment gate (an initiative may not move on to developing or
-- implementing before enough of its leaders are aligned, unless someone
-- overrides the gate and says why), and the record of support drops the
-- sponsor is told about.

------------------------------------------------------------------------------
-- The gate: an organisation default and an optional per-initiative value
------------------------------------------------------------------------------

-- The alignment index (0-1) an initiative needs before it may move from
-- initiating to developing and from developing to implementing. 1 by default:
-- the support of all appropriate leaders before going too far down the road.
ALTER TABLE organisations
  ADD COLUMN alignment_gate numeric NOT NULL DEFAULT 1,
  ADD CONSTRAINT organisations_alignment_gate_range CHECK (alignment_gate BETWEEN 0 AND 1);

-- NULL: the organisation's gate.
ALTER TABLE initiatives
  ADD COLUMN alignment_gate numeric,
  ADD CONSTRAINT initiatives_alignment_gate_range CHECK (alignment_gate BETWEEN 0 AND 1);

------------------------------------------------------------------------------
-- Overrides: a stage change below the gate, who made it and why
------------------------------------------------------------------------------

-- Append-only; the audit log keeps each insert with its actor as well.
CREATE TABLE stage_gate_overrides (
  org_id                 uuid        NOT NULL,
  id                     uuid        NOT NULL DEFAULT gen_random_uuid(),
  initiative_id          uuid        NOT NULL,
  from_stage             text        NOT NULL,
  to_stage               text        NOT NULL,
  -- The index at the time; NULL when nobody was required.
  alignment_index        numeric,
  alignment_gate         numeric     NOT NULL,
  -- Required leaders who were not aligned (out of line, stale or missing).
  not_aligned_leader_ids uuid[]      NOT NULL,
  reason                 text        NOT NULL,
  actor                  text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT stage_gate_overrides_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT stage_gate_overrides_initiative_fk FOREIGN KEY (org_id, initiative_id)
    REFERENCES initiatives (org_id, id),
  CONSTRAINT stage_gate_overrides_reason_valid
    CHECK (btrim(reason) <> '' AND length(reason) <= 2000),
  CONSTRAINT stage_gate_overrides_gate_range CHECK (alignment_gate BETWEEN 0 AND 1),
  CONSTRAINT stage_gate_overrides_stages_valid
    CHECK (from_stage IN ('proposed', 'initiating', 'developing', 'implementing', 'sustaining', 'closed')
           AND to_stage IN ('proposed', 'initiating', 'developing', 'implementing', 'sustaining', 'closed'))
);
CREATE INDEX stage_gate_overrides_initiative_idx
  ON stage_gate_overrides (org_id, initiative_id, created_at);

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON stage_gate_overrides
  FOR EACH ROW EXECUTE FUNCTION app.reject_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON stage_gate_overrides
  FOR EACH STATEMENT EXECUTE FUNCTION app.reject_change();

------------------------------------------------------------------------------
-- Support drops: a leader's newest rating two or more below the previous one,
-- or buy-in going back; one row per dropping rating, so the sponsor is told
-- once per drop
------------------------------------------------------------------------------

CREATE TABLE support_drops (
  org_id             uuid        NOT NULL,
  id                 uuid        NOT NULL DEFAULT gen_random_uuid(),
  initiative_id      uuid        NOT NULL,
  leader_id          uuid        NOT NULL,
  -- The newest rating that fell, and the one before it.
  rating_id          uuid        NOT NULL,
  previous_rating_id uuid        NOT NULL,
  previous_priority  integer     NOT NULL,
  priority           integer     NOT NULL,
  previous_buy_in    text,
  buy_in             text,
  rated_at           timestamptz NOT NULL,
  detected_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT support_drops_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT support_drops_once_per_rating UNIQUE (org_id, rating_id),
  CONSTRAINT support_drops_initiative_fk FOREIGN KEY (org_id, initiative_id)
    REFERENCES initiatives (org_id, id) ON DELETE CASCADE,
  CONSTRAINT support_drops_leader_fk FOREIGN KEY (org_id, leader_id)
    REFERENCES leaders (org_id, id) ON DELETE CASCADE
  -- No foreign keys to alignment_ratings: the ratings are append-only, and a
  -- reference would turn their TRUNCATE guard into a plain FK error.
);
CREATE INDEX support_drops_initiative_idx ON support_drops (org_id, initiative_id, rated_at);

------------------------------------------------------------------------------
-- Tenancy and privileges
------------------------------------------------------------------------------

CALL app.secure_tenant_table('stage_gate_overrides');
CALL app.secure_tenant_table('support_drops');

GRANT SELECT, INSERT ON stage_gate_overrides TO concord_api;
GRANT SELECT ON stage_gate_overrides TO concord_worker, concord_bi;
-- The worker's planning records drops; the API shows them.
GRANT SELECT, INSERT ON support_drops TO concord_worker;
GRANT SELECT ON support_drops TO concord_api, concord_bi;

------------------------------------------------------------------------------
-- Skills, the levels roles need, and learning pathways
------------------------------------------------------------------------------

-- A skill the organisation develops in its leaders. A leader's level of it is
-- their latest assessment score (0-100) on its assessment dimension; with no
-- dimension or no score, the level is unknown and the whole requirement counts
-- as the gap (assume nothing where there is no data).
CREATE TABLE skills (
  org_id       uuid        NOT NULL,
  id           uuid        NOT NULL DEFAULT gen_random_uuid(),
  name         text        NOT NULL,
  description  text        NOT NULL DEFAULT '',
  dimension_id uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  version      integer     NOT NULL DEFAULT 1,
  CONSTRAINT skills_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT skills_name_unique UNIQUE (org_id, name),
  CONSTRAINT skills_org_fk FOREIGN KEY (org_id) REFERENCES organisations (org_id),
  CONSTRAINT skills_dimension_fk FOREIGN KEY (org_id, dimension_id)
    REFERENCES assessment_dimensions (org_id, id),
  CONSTRAINT skills_name_valid CHECK (btrim(name) <> '' AND length(name) <= 200),
  CONSTRAINT skills_description_valid CHECK (length(description) <= 4000)
);

-- A role leaders hold (area head, executive, HR business partner...).
CREATE TABLE roles (
  org_id     uuid        NOT NULL,
  id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version    integer     NOT NULL DEFAULT 1,
  CONSTRAINT roles_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT roles_name_unique UNIQUE (org_id, name),
  CONSTRAINT roles_org_fk FOREIGN KEY (org_id) REFERENCES organisations (org_id),
  CONSTRAINT roles_name_valid CHECK (btrim(name) <> '' AND length(name) <= 200)
);

CREATE TABLE role_members (
  org_id    uuid NOT NULL,
  role_id   uuid NOT NULL,
  leader_id uuid NOT NULL,
  CONSTRAINT role_members_pkey PRIMARY KEY (org_id, role_id, leader_id),
  CONSTRAINT role_members_role_fk FOREIGN KEY (org_id, role_id)
    REFERENCES roles (org_id, id) ON DELETE CASCADE,
  CONSTRAINT role_members_leader_fk FOREIGN KEY (org_id, leader_id)
    REFERENCES leaders (org_id, id) ON DELETE CASCADE
);
CREATE INDEX role_members_leader_idx ON role_members (org_id, leader_id);

-- The level (0-100, the assessment scale) a role needs of a skill.
CREATE TABLE role_skill_levels (
  org_id         uuid         NOT NULL,
  role_id        uuid         NOT NULL,
  skill_id       uuid         NOT NULL,
  required_level numeric(5,2) NOT NULL,
  CONSTRAINT role_skill_levels_pkey PRIMARY KEY (org_id, role_id, skill_id),
  CONSTRAINT role_skill_levels_role_fk FOREIGN KEY (org_id, role_id)
    REFERENCES roles (org_id, id) ON DELETE CASCADE,
  CONSTRAINT role_skill_levels_skill_fk FOREIGN KEY (org_id, skill_id)
    REFERENCES skills (org_id, id) ON DELETE CASCADE,
  CONSTRAINT role_skill_levels_level_range CHECK (required_level BETWEEN 0 AND 100)
);

-- The skills an L&D programme develops.
CREATE TABLE programme_skills (
  org_id       uuid NOT NULL,
  programme_id uuid NOT NULL,
  skill_id     uuid NOT NULL,
  CONSTRAINT programme_skills_pkey PRIMARY KEY (org_id, programme_id, skill_id),
  CONSTRAINT programme_skills_programme_fk FOREIGN KEY (org_id, programme_id)
    REFERENCES ld_programmes (org_id, id) ON DELETE CASCADE,
  CONSTRAINT programme_skills_skill_fk FOREIGN KEY (org_id, skill_id)
    REFERENCES skills (org_id, id) ON DELETE CASCADE
);
CREATE INDEX programme_skills_skill_idx ON programme_skills (org_id, skill_id);

-- A learning pathway: the programmes of a role, in order.
CREATE TABLE pathway_steps (
  org_id       uuid    NOT NULL,
  role_id      uuid    NOT NULL,
  position     integer NOT NULL,
  programme_id uuid    NOT NULL,
  CONSTRAINT pathway_steps_pkey PRIMARY KEY (org_id, role_id, position),
  CONSTRAINT pathway_steps_programme_once UNIQUE (org_id, role_id, programme_id),
  CONSTRAINT pathway_steps_role_fk FOREIGN KEY (org_id, role_id)
    REFERENCES roles (org_id, id) ON DELETE CASCADE,
  CONSTRAINT pathway_steps_programme_fk FOREIGN KEY (org_id, programme_id)
    REFERENCES ld_programmes (org_id, id) ON DELETE CASCADE,
  CONSTRAINT pathway_steps_position_range CHECK (position >= 1)
);

CALL app.secure_tenant_table('skills');
CALL app.secure_tenant_table('roles');
CALL app.secure_tenant_table('role_members');
CALL app.secure_tenant_table('role_skill_levels');
CALL app.secure_tenant_table('programme_skills');
CALL app.secure_tenant_table('pathway_steps');

GRANT SELECT, INSERT, UPDATE, DELETE
  ON skills, roles, role_members, role_skill_levels, programme_skills, pathway_steps TO concord_api;
GRANT SELECT
  ON skills, roles, role_members, role_skill_levels, programme_skills, pathway_steps TO concord_worker, concord_bi;
