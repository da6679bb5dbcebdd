-- 0002: areas, leaders, initiatives, their supporting areas and the
-- append-only alignment ratings.
--
-- Every table: org_id first in the primary key, every foreign key between
-- tenant tables carries org_id (a row can never point into another
-- organisation), every unique key includes org_id.

------------------------------------------------------------------------------
-- Areas and leaders
------------------------------------------------------------------------------

CREATE TABLE areas (
  org_id         uuid        NOT NULL,
  id             uuid        NOT NULL DEFAULT gen_random_uuid(),
  name           text        NOT NULL,
  parent_id      uuid,
  head_leader_id uuid,        -- foreign key added once leaders exists
  -- The key of the area in the client's own files, for CSV re-import.
  external_key   text,
  archived_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  version        integer     NOT NULL DEFAULT 1,
  CONSTRAINT areas_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT areas_org_fk FOREIGN KEY (org_id)
    REFERENCES organisations (org_id),
  -- Deleting a parent makes its children top-level areas.
  CONSTRAINT areas_parent_fk FOREIGN KEY (org_id, parent_id)
    REFERENCES areas (org_id, id) ON DELETE SET NULL (parent_id),
  CONSTRAINT areas_external_key_unique UNIQUE (org_id, external_key),
  CONSTRAINT areas_name_valid CHECK (btrim(name) <> '' AND length(name) <= 200),
  CONSTRAINT areas_external_key_valid
    CHECK (btrim(external_key) <> '' AND length(external_key) <= 200),
  CONSTRAINT areas_not_own_parent CHECK (parent_id <> id)
);
CREATE INDEX areas_parent_idx ON areas (org_id, parent_id);
CREATE INDEX areas_head_leader_idx ON areas (org_id, head_leader_id);

CREATE TABLE leaders (
  org_id        uuid        NOT NULL,
  id            uuid        NOT NULL DEFAULT gen_random_uuid(),
  -- The area the leader belongs to; NULL for someone above all areas.
  area_id       uuid,
  name          text        NOT NULL,
  email         text,
  is_executive  boolean     NOT NULL DEFAULT false,
  is_hr         boolean     NOT NULL DEFAULT false,
  -- NULL: the organisation's time zone.
  timezone      text,
  -- Delivery addresses by channel, e.g. {"slack": "U024BE7LH",
  -- "webhook": "https://..."}. Not readable by BI (may hold secrets).
  channels      jsonb       NOT NULL DEFAULT '{}',
  opted_out     boolean     NOT NULL DEFAULT false,
  snoozed_until timestamptz,
  external_key  text,
  archived_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  version       integer     NOT NULL DEFAULT 1,
  CONSTRAINT leaders_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT leaders_org_fk FOREIGN KEY (org_id)
    REFERENCES organisations (org_id),
  CONSTRAINT leaders_area_fk FOREIGN KEY (org_id, area_id)
    REFERENCES areas (org_id, id),
  CONSTRAINT leaders_external_key_unique UNIQUE (org_id, external_key),
  CONSTRAINT leaders_name_valid CHECK (btrim(name) <> '' AND length(name) <= 200),
  CONSTRAINT leaders_email_valid
    CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 320),
  CONSTRAINT leaders_timezone_valid CHECK (app.is_valid_timezone(timezone)),
  CONSTRAINT leaders_channels_object CHECK (jsonb_typeof(channels) = 'object'),
  CONSTRAINT leaders_external_key_valid
    CHECK (btrim(external_key) <> '' AND length(external_key) <= 200)
);
-- One leader per address in an organisation, whatever the letter case.
CREATE UNIQUE INDEX leaders_email_unique ON leaders (org_id, lower(email));
CREATE INDEX leaders_area_idx ON leaders (org_id, area_id);

ALTER TABLE areas ADD CONSTRAINT areas_head_leader_fk
  FOREIGN KEY (org_id, head_leader_id) REFERENCES leaders (org_id, id)
  ON DELETE SET NULL (head_leader_id);

-- No area may be its own ancestor. AFTER trigger, so the row is checked only
-- once RLS and the constraints have accepted it. The advisory lock
-- serialises hierarchy changes of one organisation: two concurrent moves
-- cannot together make a loop that each alone would not.
CREATE FUNCTION app.areas_check_no_cycle() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('concord.areas:' || NEW.org_id, 0));
  IF EXISTS (
    WITH RECURSIVE ancestors (id) AS (
      SELECT NEW.parent_id
      UNION
      SELECT a.parent_id
      FROM areas AS a
      JOIN ancestors AS up ON a.org_id = NEW.org_id AND a.id = up.id
      WHERE a.parent_id IS NOT NULL
    )
    SELECT 1 FROM ancestors WHERE id = NEW.id
  ) THEN
    RAISE EXCEPTION 'area % cannot be placed under %: it would become its own ancestor',
        NEW.id, NEW.parent_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'areas_no_cycle',
            TABLE = 'areas';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER areas_no_cycle AFTER INSERT OR UPDATE OF parent_id ON areas
  FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL)
  EXECUTE FUNCTION app.areas_check_no_cycle();

------------------------------------------------------------------------------
-- Initiatives
------------------------------------------------------------------------------

CREATE TABLE initiatives (
  org_id               uuid        NOT NULL,
  id                   uuid        NOT NULL DEFAULT gen_random_uuid(),
  title                text        NOT NULL,
  description          text        NOT NULL DEFAULT '',
  -- Exactly one lead area, by construction: a NOT NULL column.
  lead_area_id         uuid        NOT NULL,
  sponsor_leader_id    uuid,
  importance           smallint    NOT NULL,
  stage                text        NOT NULL DEFAULT 'proposed',
  health               text        NOT NULL DEFAULT 'on_track',
  start_date           date,
  target_date          date,
  -- NULL: the organisation's default.
  revisit_cadence_days integer,
  quiet_after_days     integer,
  -- The last real activity (set by the app); quiet initiatives get nudged.
  last_activity_at     timestamptz NOT NULL DEFAULT now(),
  -- Maintained by a trigger whenever stage changes.
  stage_changed_at     timestamptz NOT NULL DEFAULT now(),
  archived_at          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  version              integer     NOT NULL DEFAULT 1,
  CONSTRAINT initiatives_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT initiatives_org_fk FOREIGN KEY (org_id)
    REFERENCES organisations (org_id),
  CONSTRAINT initiatives_lead_area_fk FOREIGN KEY (org_id, lead_area_id)
    REFERENCES areas (org_id, id),
  CONSTRAINT initiatives_sponsor_fk FOREIGN KEY (org_id, sponsor_leader_id)
    REFERENCES leaders (org_id, id) ON DELETE SET NULL (sponsor_leader_id),
  CONSTRAINT initiatives_title_valid
    CHECK (btrim(title) <> '' AND length(title) <= 300),
  CONSTRAINT initiatives_importance_range CHECK (importance BETWEEN 1 AND 5),
  CONSTRAINT initiatives_stage_valid
    CHECK (stage IN ('proposed', 'initiating', 'developing', 'implementing',
                     'sustaining', 'closed')),
  CONSTRAINT initiatives_health_valid
    CHECK (health IN ('on_track', 'at_risk', 'off_track')),
  CONSTRAINT initiatives_dates_order CHECK (target_date >= start_date),
  CONSTRAINT initiatives_revisit_cadence_range
    CHECK (revisit_cadence_days BETWEEN 1 AND 365),
  CONSTRAINT initiatives_quiet_after_range
    CHECK (quiet_after_days BETWEEN 1 AND 365)
);
CREATE INDEX initiatives_stage_idx ON initiatives (org_id, stage);
CREATE INDEX initiatives_health_idx ON initiatives (org_id, health);
CREATE INDEX initiatives_lead_area_idx ON initiatives (org_id, lead_area_id);
CREATE INDEX initiatives_sponsor_idx ON initiatives (org_id, sponsor_leader_id);
-- The worker's scan for quiet initiatives.
CREATE INDEX initiatives_last_activity_idx ON initiatives (org_id, last_activity_at)
  WHERE archived_at IS NULL;

CREATE FUNCTION app.initiatives_stamp_stage_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.stage_changed_at := now();
  RETURN NEW;
END
$$;

CREATE TRIGGER initiatives_stage_changed BEFORE UPDATE OF stage ON initiatives
  FOR EACH ROW WHEN (OLD.stage IS DISTINCT FROM NEW.stage)
  EXECUTE FUNCTION app.initiatives_stamp_stage_change();

------------------------------------------------------------------------------
-- Supporting areas of an initiative
------------------------------------------------------------------------------

CREATE TABLE initiative_supporting_areas (
  org_id                uuid        NOT NULL,
  initiative_id         uuid        NOT NULL,
  area_id               uuid        NOT NULL,
  -- What the area must give: "define requirements and test", "train staff".
  support               text        NOT NULL,
  accountable_leader_id uuid,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  version               integer     NOT NULL DEFAULT 1,
  CONSTRAINT initiative_supporting_areas_pkey
    PRIMARY KEY (org_id, initiative_id, area_id),
  CONSTRAINT initiative_supporting_areas_initiative_fk
    FOREIGN KEY (org_id, initiative_id) REFERENCES initiatives (org_id, id)
    ON DELETE CASCADE,
  CONSTRAINT initiative_supporting_areas_area_fk
    FOREIGN KEY (org_id, area_id) REFERENCES areas (org_id, id),
  CONSTRAINT initiative_supporting_areas_accountable_leader_fk
    FOREIGN KEY (org_id, accountable_leader_id) REFERENCES leaders (org_id, id)
    ON DELETE SET NULL (accountable_leader_id),
  CONSTRAINT initiative_supporting_areas_support_valid
    CHECK (btrim(support) <> '' AND length(support) <= 2000)
);
CREATE INDEX initiative_supporting_areas_area_idx
  ON initiative_supporting_areas (org_id, area_id);
CREATE INDEX initiative_supporting_areas_leader_idx
  ON initiative_supporting_areas (org_id, accountable_leader_id);

-- The lead area cannot also be a supporting area. Checked from both sides:
-- adding a supporting area, and moving the lead to a supporting area. Both
-- take the same per-initiative advisory lock, and each statement of the
-- function sees what the other committed (READ COMMITTED), so two concurrent
-- writes cannot slip past each other.
CREATE FUNCTION app.initiatives_check_lead_not_supporting() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  initiative uuid;
  area       uuid;
BEGIN
  IF TG_TABLE_NAME = 'initiatives' THEN
    initiative := NEW.id;
    area := NEW.lead_area_id;
  ELSE
    initiative := NEW.initiative_id;
    area := NEW.area_id;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('concord.initiative:' || initiative, 0));
  IF EXISTS (SELECT 1
             FROM initiatives AS i
             JOIN initiative_supporting_areas AS s
               ON s.org_id = i.org_id AND s.initiative_id = i.id
              AND s.area_id = i.lead_area_id
             WHERE i.org_id = NEW.org_id AND i.id = initiative) THEN
    RAISE EXCEPTION 'area % leads initiative % and cannot also support it',
        area, initiative
      USING ERRCODE = 'check_violation',
            CONSTRAINT = 'initiative_supporting_areas_not_lead',
            TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER initiative_supporting_areas_not_lead
  AFTER INSERT OR UPDATE OF initiative_id, area_id ON initiative_supporting_areas
  FOR EACH ROW EXECUTE FUNCTION app.initiatives_check_lead_not_supporting();

CREATE TRIGGER initiatives_lead_not_supporting
  AFTER UPDATE OF lead_area_id ON initiatives
  FOR EACH ROW WHEN (OLD.lead_area_id IS DISTINCT FROM NEW.lead_area_id)
  EXECUTE FUNCTION app.initiatives_check_lead_not_supporting();

------------------------------------------------------------------------------
-- Alignment ratings (append-only)
------------------------------------------------------------------------------

-- A leader's answer to "what priority does this initiative have for your
-- area?". Never changed: a new answer is a new row, the latest per
-- (initiative, leader) counts.
CREATE TABLE alignment_ratings (
  org_id          uuid        NOT NULL,
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  initiative_id   uuid        NOT NULL,
  leader_id       uuid        NOT NULL,
  priority        smallint    NOT NULL,
  -- NULL: not asked (a nudge answer may carry only the priority).
  buy_in          text,
  resistance_note text,
  source          text        NOT NULL DEFAULT 'api',
  rated_at        timestamptz NOT NULL DEFAULT now(),
  recorded_by     text        DEFAULT nullif(current_setting('app.actor', true), ''),
  CONSTRAINT alignment_ratings_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT alignment_ratings_initiative_fk FOREIGN KEY (org_id, initiative_id)
    REFERENCES initiatives (org_id, id),
  CONSTRAINT alignment_ratings_leader_fk FOREIGN KEY (org_id, leader_id)
    REFERENCES leaders (org_id, id),
  CONSTRAINT alignment_ratings_priority_range CHECK (priority BETWEEN 1 AND 5),
  CONSTRAINT alignment_ratings_buy_in_valid
    CHECK (buy_in IN ('unaware', 'aware', 'understands', 'committed', 'acting')),
  CONSTRAINT alignment_ratings_source_valid
    CHECK (source IN ('api', 'workshop', 'nudge', 'import')),
  CONSTRAINT alignment_ratings_resistance_note_valid
    CHECK (btrim(resistance_note) <> '' AND length(resistance_note) <= 4000)
);
-- The latest rating per (initiative, leader).
CREATE INDEX alignment_ratings_latest_idx
  ON alignment_ratings (org_id, initiative_id, leader_id, rated_at DESC);
-- A leader's history across initiatives.
CREATE INDEX alignment_ratings_leader_idx
  ON alignment_ratings (org_id, leader_id, rated_at DESC);

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON alignment_ratings
  FOR EACH ROW EXECUTE FUNCTION app.reject_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON alignment_ratings
  FOR EACH STATEMENT EXECUTE FUNCTION app.reject_change();

------------------------------------------------------------------------------
-- Tenancy and privileges
------------------------------------------------------------------------------

CALL app.secure_tenant_table('areas');
CALL app.secure_tenant_table('leaders');
CALL app.secure_tenant_table('initiatives');
CALL app.secure_tenant_table('initiative_supporting_areas');
CALL app.secure_tenant_table('alignment_ratings');

GRANT SELECT, INSERT, UPDATE, DELETE
  ON areas, leaders, initiatives, initiative_supporting_areas
  TO concord_api;
-- Ratings are only ever added.
GRANT SELECT, INSERT ON alignment_ratings TO concord_api;

-- The worker reads to plan revisits and compute alignment, and records
-- imported ratings. Later migrations grant what its jobs need beyond that.
GRANT SELECT
  ON areas, leaders, initiatives, initiative_supporting_areas, alignment_ratings
  TO concord_worker;
GRANT INSERT ON alignment_ratings TO concord_worker;

-- BI reads everything but the leaders' delivery channels.
GRANT SELECT ON areas, initiatives, initiative_supporting_areas, alignment_ratings
  TO concord_bi;
GRANT SELECT (org_id, id, area_id, name, email, is_executive, is_hr, timezone,
              opted_out, snoozed_until, external_key, archived_at, created_at,
              updated_at, version)
  ON leaders TO concord_bi;
