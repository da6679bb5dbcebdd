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
