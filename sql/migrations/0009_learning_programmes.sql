-- 0009: leadership L&D programmes, their fully loaded costs, participants
-- (Kirkpatrick/Phillips levels 1-3), level-4 impact measures, intangibles,
-- and the dated snapshots of their Phillips ROI figures.
--
-- Money is `numeric`, never floating point. The figures are computed by
-- app.ld_compute_roi() below, in one set-based statement, with the same
-- arithmetic as ConcordDomain.ROI (multiply first, divide last).
--
-- Scales (documented here and in the API):
--   reaction     level 1, mean of a 1-5 Likert survey       numeric(3,2) 1..5
--   learning     level 2, test or assessment score, %      numeric(5,2) 0..100
--   application  level 3, share of behaviours applied, %   numeric(5,2) 0..100
--   attribution, confidence                                 numeric(5,4) 0..1

------------------------------------------------------------------------------
-- Programmes
------------------------------------------------------------------------------

CREATE TABLE ld_programmes (
  org_id                 uuid        NOT NULL,
  id                     uuid        NOT NULL DEFAULT gen_random_uuid(),
  title                  text        NOT NULL,
  objectives             text        NOT NULL DEFAULT '',
  -- What the programme serves: one initiative, one goal node, or neither yet.
  initiative_id          uuid,
  goal_node_id           uuid,
  start_date             date,
  end_date               date,
  -- Months of benefits counted: first year only unless stated (conservative).
  benefit_horizon_months integer     NOT NULL DEFAULT 12,
  -- Bumped whenever an input of the ROI figures changes (costs, participants,
  -- measures, the horizon), by the triggers below. A programme whose latest
  -- snapshot was taken at another inputs_version is due for recomputation.
  -- Separate from `version` so adding a cost does not break an If-Match.
  inputs_version         integer     NOT NULL DEFAULT 1,
  archived_at            timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  version                integer     NOT NULL DEFAULT 1,
  CONSTRAINT ld_programmes_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT ld_programmes_org_fk FOREIGN KEY (org_id)
    REFERENCES organisations (org_id),
  CONSTRAINT ld_programmes_initiative_fk FOREIGN KEY (org_id, initiative_id)
    REFERENCES initiatives (org_id, id) ON DELETE SET NULL (initiative_id),
  CONSTRAINT ld_programmes_goal_node_fk FOREIGN KEY (org_id, goal_node_id)
    REFERENCES goal_nodes (org_id, id) ON DELETE SET NULL (goal_node_id),
  CONSTRAINT ld_programmes_title_valid
    CHECK (btrim(title) <> '' AND length(title) <= 300),
  CONSTRAINT ld_programmes_objectives_valid CHECK (length(objectives) <= 10000),
  CONSTRAINT ld_programmes_serves_one
    CHECK (num_nonnulls(initiative_id, goal_node_id) <= 1),
  CONSTRAINT ld_programmes_dates_order CHECK (end_date >= start_date),
  CONSTRAINT ld_programmes_benefit_horizon_range
    CHECK (benefit_horizon_months BETWEEN 1 AND 120)
);
CREATE INDEX ld_programmes_created_idx ON ld_programmes (org_id, created_at, id);
CREATE INDEX ld_programmes_initiative_idx ON ld_programmes (org_id, initiative_id);
CREATE INDEX ld_programmes_goal_node_idx ON ld_programmes (org_id, goal_node_id);

------------------------------------------------------------------------------
-- Costs (Phillips' fully loaded categories)
------------------------------------------------------------------------------

CREATE TABLE ld_costs (
  org_id              uuid          NOT NULL,
  id                  uuid          NOT NULL DEFAULT gen_random_uuid(),
  programme_id        uuid          NOT NULL,
  category            text          NOT NULL,
  description         text          NOT NULL DEFAULT '',
  -- As spent or quoted, before proration.
  amount              numeric(14,2) NOT NULL,
  -- Design/development and acquisition only: the asset is used for
  -- months_used of its amortisation_months, and only that share is charged.
  -- Both NULL: charge the whole amount (conservative).
  months_used         numeric(7,2),
  amortisation_months numeric(7,2),
  created_at          timestamptz   NOT NULL DEFAULT now(),
  updated_at          timestamptz   NOT NULL DEFAULT now(),
  version             integer       NOT NULL DEFAULT 1,
  CONSTRAINT ld_costs_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT ld_costs_programme_fk FOREIGN KEY (org_id, programme_id)
    REFERENCES ld_programmes (org_id, id) ON DELETE CASCADE,
  CONSTRAINT ld_costs_category_valid
    CHECK (category IN ('needs_assessment', 'design_development', 'acquisition',
                        'delivery', 'participants_time', 'facilities',
                        'evaluation', 'overhead')),
  CONSTRAINT ld_costs_description_valid CHECK (length(description) <= 2000),
  CONSTRAINT ld_costs_amount_nonnegative CHECK (amount >= 0),
  CONSTRAINT ld_costs_proration_complete
    CHECK ((months_used IS NULL) = (amortisation_months IS NULL)),
  CONSTRAINT ld_costs_proration_category
    CHECK (months_used IS NULL OR category IN ('design_development', 'acquisition')),
  CONSTRAINT ld_costs_months_used_range CHECK (months_used >= 0),
  CONSTRAINT ld_costs_amortisation_months_range CHECK (amortisation_months > 0)
);
CREATE INDEX ld_costs_programme_idx ON ld_costs (org_id, programme_id, created_at, id);

------------------------------------------------------------------------------
-- Participants and their level 1-3 data
------------------------------------------------------------------------------

CREATE TABLE ld_participants (
  org_id       uuid         NOT NULL,
  id           uuid         NOT NULL DEFAULT gen_random_uuid(),
  programme_id uuid         NOT NULL,
  -- A leader of the organisation, or a named person who is not one.
  leader_id    uuid,
  person_name  text,
  -- NULL: not known yet.
  completed    boolean,
  reaction     numeric(3,2),
  learning     numeric(5,2),
  application  numeric(5,2),
  created_at   timestamptz  NOT NULL DEFAULT now(),
  updated_at   timestamptz  NOT NULL DEFAULT now(),
  version      integer      NOT NULL DEFAULT 1,
  CONSTRAINT ld_participants_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT ld_participants_programme_fk FOREIGN KEY (org_id, programme_id)
    REFERENCES ld_programmes (org_id, id) ON DELETE CASCADE,
  CONSTRAINT ld_participants_leader_fk FOREIGN KEY (org_id, leader_id)
    REFERENCES leaders (org_id, id),
  CONSTRAINT ld_participants_leader_once UNIQUE (org_id, programme_id, leader_id),
  CONSTRAINT ld_participants_who
    CHECK (leader_id IS NOT NULL OR person_name IS NOT NULL),
  CONSTRAINT ld_participants_person_name_valid
    CHECK (btrim(person_name) <> '' AND length(person_name) <= 200),
  CONSTRAINT ld_participants_reaction_range CHECK (reaction BETWEEN 1 AND 5),
  CONSTRAINT ld_participants_learning_range CHECK (learning BETWEEN 0 AND 100),
  CONSTRAINT ld_participants_application_range CHECK (application BETWEEN 0 AND 100)
);
CREATE INDEX ld_participants_leader_idx ON ld_participants (org_id, leader_id);
CREATE INDEX ld_participants_programme_idx
  ON ld_participants (org_id, programme_id, created_at, id);

------------------------------------------------------------------------------
-- Level-4 impact measures
------------------------------------------------------------------------------

CREATE TABLE ld_impact_measures (
  org_id           uuid          NOT NULL,
  id               uuid          NOT NULL DEFAULT gen_random_uuid(),
  programme_id     uuid          NOT NULL,
  -- productivity, retention, quality, innovation, or a name the organisation chooses.
  name             text          NOT NULL,
  unit             text          NOT NULL,
  baseline         numeric(14,4) NOT NULL,
  -- NULL: no result yet, which counts as no improvement.
  after            numeric(14,4),
  -- Money per unit of the measure.
  unit_value       numeric(14,4) NOT NULL,
  direction        text          NOT NULL,
  -- What baseline and after are counted over, so annualising is explicit.
  period           text          NOT NULL,
  -- Share of the change attributed to the programme, and how it was isolated.
  attribution      numeric(5,4)  NOT NULL,
  isolation_method text          NOT NULL,
  -- Confidence in the estimate.
  confidence       numeric(5,4)  NOT NULL,
  created_at       timestamptz   NOT NULL DEFAULT now(),
  updated_at       timestamptz   NOT NULL DEFAULT now(),
  version          integer       NOT NULL DEFAULT 1,
  CONSTRAINT ld_impact_measures_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT ld_impact_measures_programme_fk FOREIGN KEY (org_id, programme_id)
    REFERENCES ld_programmes (org_id, id) ON DELETE CASCADE,
  CONSTRAINT ld_impact_measures_name_valid
    CHECK (btrim(name) <> '' AND length(name) <= 200),
  CONSTRAINT ld_impact_measures_unit_valid
    CHECK (btrim(unit) <> '' AND length(unit) <= 100),
  CONSTRAINT ld_impact_measures_unit_value_nonnegative CHECK (unit_value >= 0),
  CONSTRAINT ld_impact_measures_direction_valid
    CHECK (direction IN ('higher_is_better', 'lower_is_better')),
  CONSTRAINT ld_impact_measures_period_valid
    CHECK (period IN ('per_week', 'per_month', 'per_quarter', 'per_year')),
  CONSTRAINT ld_impact_measures_attribution_range CHECK (attribution BETWEEN 0 AND 1),
  CONSTRAINT ld_impact_measures_isolation_method_valid
    CHECK (isolation_method IN ('control_group', 'trend_line', 'forecast', 'estimate')),
  CONSTRAINT ld_impact_measures_confidence_range CHECK (confidence BETWEEN 0 AND 1)
);
CREATE INDEX ld_impact_measures_programme_idx
  ON ld_impact_measures (org_id, programme_id, created_at, id);

------------------------------------------------------------------------------
-- Intangibles: recorded and reported, never turned into money
------------------------------------------------------------------------------

CREATE TABLE ld_intangibles (
  org_id       uuid        NOT NULL,
  id           uuid        NOT NULL DEFAULT gen_random_uuid(),
  programme_id uuid        NOT NULL,
  description  text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  version      integer     NOT NULL DEFAULT 1,
  CONSTRAINT ld_intangibles_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT ld_intangibles_programme_fk FOREIGN KEY (org_id, programme_id)
    REFERENCES ld_programmes (org_id, id) ON DELETE CASCADE,
  CONSTRAINT ld_intangibles_description_valid
    CHECK (btrim(description) <> '' AND length(description) <= 4000)
);
CREATE INDEX ld_intangibles_programme_idx
  ON ld_intangibles (org_id, programme_id, created_at, id);

------------------------------------------------------------------------------
-- ROI snapshots (history of the computed figures)
------------------------------------------------------------------------------

-- One row per computation of one programme, never changed: BI shows the
-- history, the API the latest. Unrounded; rounding is for display only.
-- `inputs_version` names the state of the inputs it came from; the
-- aggregated inputs themselves are kept in costs_by_category and measures.
CREATE TABLE ld_roi_results (
  org_id                     uuid        NOT NULL,
  id                         uuid        NOT NULL DEFAULT gen_random_uuid(),
  programme_id               uuid        NOT NULL,
  computed_at                timestamptz NOT NULL DEFAULT now(),
  inputs_version             integer     NOT NULL,
  horizon_months             integer     NOT NULL,
  -- Charged (prorated) cost per category used: {"delivery": 15000, ...}.
  costs_by_category          jsonb       NOT NULL DEFAULT '{}',
  -- Per measure: [{"id", "name", "improvement_per_period", "annual_benefit"}].
  measures                   jsonb       NOT NULL DEFAULT '[]',
  total_cost                 numeric     NOT NULL,
  annual_benefits            numeric     NOT NULL,
  -- annual_benefits x horizon_months / 12: what BCR and ROI use.
  benefits                   numeric     NOT NULL,
  bcr                        numeric,
  roi_percent                numeric,
  -- Why bcr and roi_percent are NULL ('no_costs'); never infinity or zero.
  unavailable_reason         text,
  payback_months             numeric,
  -- Why payback_months is NULL ('no_benefits').
  payback_unavailable_reason text,
  participants               integer     NOT NULL,
  -- Completed / participants with a known completion; NULL when none known.
  completion_rate            numeric,
  -- Means over the participants that have the value; NULL when none has.
  level1_mean                numeric,
  level2_mean                numeric,
  level3_mean                numeric,
  CONSTRAINT ld_roi_results_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT ld_roi_results_programme_fk FOREIGN KEY (org_id, programme_id)
    REFERENCES ld_programmes (org_id, id) ON DELETE CASCADE,
  CONSTRAINT ld_roi_results_ratios_or_reason
    CHECK ((bcr IS NULL) = (unavailable_reason IS NOT NULL)
           AND (roi_percent IS NULL) = (bcr IS NULL)
           AND unavailable_reason IN ('no_costs')),
  CONSTRAINT ld_roi_results_payback_or_reason
    CHECK ((payback_months IS NULL) = (payback_unavailable_reason IS NOT NULL)
           AND payback_unavailable_reason IN ('no_benefits'))
);
-- The latest snapshot and the history of a programme.
CREATE INDEX ld_roi_results_programme_idx
  ON ld_roi_results (org_id, programme_id, computed_at DESC);
-- "Is there a snapshot of these inputs already?", the recomputation's test.
CREATE INDEX ld_roi_results_inputs_idx
  ON ld_roi_results (org_id, programme_id, inputs_version);

------------------------------------------------------------------------------
-- Marking programmes for recomputation
------------------------------------------------------------------------------

-- Any write to a cost, participant or measure bumps its programme's
-- inputs_version (both programmes, if a row moved between them).
CREATE FUNCTION app.ld_mark_programme() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    UPDATE ld_programmes AS p SET inputs_version = p.inputs_version + 1
    WHERE p.org_id = NEW.org_id AND p.id = NEW.programme_id;
  END IF;
  IF TG_OP = 'DELETE'
     OR (TG_OP = 'UPDATE'
         AND (OLD.org_id, OLD.programme_id) IS DISTINCT FROM (NEW.org_id, NEW.programme_id)) THEN
    UPDATE ld_programmes AS p SET inputs_version = p.inputs_version + 1
    WHERE p.org_id = OLD.org_id AND p.id = OLD.programme_id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER ld_mark_programme AFTER INSERT OR UPDATE OR DELETE ON ld_costs
  FOR EACH ROW EXECUTE FUNCTION app.ld_mark_programme();
CREATE TRIGGER ld_mark_programme AFTER INSERT OR UPDATE OR DELETE ON ld_participants
  FOR EACH ROW EXECUTE FUNCTION app.ld_mark_programme();
CREATE TRIGGER ld_mark_programme AFTER INSERT OR UPDATE OR DELETE ON ld_impact_measures
  FOR EACH ROW EXECUTE FUNCTION app.ld_mark_programme();

-- A new benefit horizon changes the figures too.
CREATE FUNCTION app.ld_mark_horizon_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.inputs_version := OLD.inputs_version + 1;
  RETURN NEW;
END
$$;
CREATE TRIGGER ld_programmes_horizon_changed
  BEFORE UPDATE OF benefit_horizon_months ON ld_programmes
  FOR EACH ROW WHEN (OLD.benefit_horizon_months IS DISTINCT FROM NEW.benefit_horizon_months)
  EXECUTE FUNCTION app.ld_mark_horizon_change();

------------------------------------------------------------------------------
-- The set-based ROI computation
------------------------------------------------------------------------------

-- Inserts one snapshot per programme of `only_org` (NULL: every organisation
-- the caller can see; for the app roles that is app.current_org() anyway)
-- that is not archived and has no snapshot of its current inputs yet, or of
-- every such programme when `recompute_all`. Returns the snapshots inserted.
--
-- The arithmetic is ConcordDomain.ROI's, in numeric:
--   charged cost  = amount x months_used / amortisation_months for the two
--                   prorated categories when months_used < amortisation_months,
--                   else the amount
--   improvement   = after - baseline (or baseline - after when lower is
--                   better), at least 0; no `after` means 0
--   annual        = improvement x periods per year x unit_value x attribution
--                   x confidence (0 when unit_value is 0)
--   benefits      = annual x horizon / 12
--   BCR           = annual x horizon / (12 x cost)             cost > 0
--   ROI %         = (annual x horizon - 12 x cost) x 100 / (12 x cost)
--   payback       = cost x 12 / annual                           annual > 0
-- Every figure is multiplied out first and divided once, so it is exact
-- whenever its decimal expansion ends (PostgreSQL's division keeps at least
-- 16 significant digits of one that does not). trim_scale drops trailing
-- zeros only.
CREATE FUNCTION app.ld_compute_roi(only_org uuid, recompute_all boolean DEFAULT false)
RETURNS bigint
LANGUAGE sql VOLATILE
AS $$
  WITH due AS MATERIALIZED (
    SELECT p.org_id, p.id, p.inputs_version, p.benefit_horizon_months AS horizon
    FROM ld_programmes AS p
    WHERE (only_org IS NULL OR p.org_id = only_org)
      AND p.archived_at IS NULL
      AND (recompute_all OR NOT EXISTS (
            SELECT 1 FROM ld_roi_results AS r
            WHERE r.org_id = p.org_id AND r.programme_id = p.id
              AND r.inputs_version = p.inputs_version))
  ),
  charged AS (
    SELECT c.org_id, c.programme_id, c.category,
           sum(CASE WHEN c.category IN ('design_development', 'acquisition')
                     AND c.amortisation_months > 0
                     AND c.months_used < c.amortisation_months
                    THEN c.amount * greatest(c.months_used, 0) / c.amortisation_months
                    ELSE c.amount END) AS amount
    FROM due AS d
    JOIN ld_costs AS c ON c.org_id = d.org_id AND c.programme_id = d.id
    GROUP BY c.org_id, c.programme_id, c.category
  ),
  costs AS (
    SELECT org_id, programme_id, sum(amount) AS total,
           jsonb_object_agg(category, trim_scale(amount)) AS by_category
    FROM charged
    GROUP BY org_id, programme_id
  ),
  improvements AS (
    SELECT m.org_id, m.programme_id, m.id, m.name, m.created_at, m.unit_value,
           m.attribution, m.confidence,
           CASE m.period WHEN 'per_week' THEN 52 WHEN 'per_month' THEN 12
                         WHEN 'per_quarter' THEN 4 ELSE 1 END AS periods,
           CASE WHEN m.after IS NULL THEN 0
                WHEN m.direction = 'higher_is_better' THEN greatest(0, m.after - m.baseline)
                ELSE greatest(0, m.baseline - m.after) END AS improvement
    FROM due AS d
    JOIN ld_impact_measures AS m ON m.org_id = d.org_id AND m.programme_id = d.id
  ),
  benefits AS (
    SELECT org_id, programme_id, sum(annual) AS annual,
           jsonb_agg(jsonb_build_object(
                       'id', id, 'name', name,
                       'improvement_per_period', trim_scale(improvement),
                       'annual_benefit', trim_scale(annual))
                     ORDER BY created_at, id) AS measures
    FROM (SELECT i.*,
                 CASE WHEN i.unit_value > 0
                      THEN i.improvement * i.periods * i.unit_value
                           * least(1, greatest(0, i.attribution))
                           * least(1, greatest(0, i.confidence))
                      ELSE 0 END AS annual
          FROM improvements AS i) AS x
    GROUP BY org_id, programme_id
  ),
  levels AS (
    SELECT p.org_id, p.programme_id, count(*) AS participants,
           count(*) FILTER (WHERE p.completed)::numeric / nullif(count(p.completed), 0)
             AS completion_rate,
           avg(p.reaction) AS level1, avg(p.learning) AS level2, avg(p.application) AS level3
    FROM due AS d
    JOIN ld_participants AS p ON p.org_id = d.org_id AND p.programme_id = d.id
    GROUP BY p.org_id, p.programme_id
  ),
  figures AS (
    SELECT d.org_id, d.id AS programme_id, d.inputs_version, d.horizon,
           coalesce(c.total, 0) AS cost, coalesce(b.annual, 0) AS annual,
           coalesce(c.by_category, '{}') AS by_category, coalesce(b.measures, '[]') AS measures,
           coalesce(l.participants, 0) AS participants, l.completion_rate,
           l.level1, l.level2, l.level3
    FROM due AS d
    LEFT JOIN costs AS c ON c.org_id = d.org_id AND c.programme_id = d.id
    LEFT JOIN benefits AS b ON b.org_id = d.org_id AND b.programme_id = d.id
    LEFT JOIN levels AS l ON l.org_id = d.org_id AND l.programme_id = d.id
  ),
  inserted AS (
    INSERT INTO ld_roi_results
      (org_id, programme_id, inputs_version, horizon_months, costs_by_category, measures,
       total_cost, annual_benefits, benefits, bcr, roi_percent, unavailable_reason,
       payback_months, payback_unavailable_reason, participants, completion_rate,
       level1_mean, level2_mean, level3_mean)
    SELECT f.org_id, f.programme_id, f.inputs_version, f.horizon, f.by_category, f.measures,
           trim_scale(f.cost), trim_scale(f.annual), trim_scale(f.annual * f.horizon / 12),
           CASE WHEN f.cost > 0 THEN trim_scale(f.annual * f.horizon / (12 * f.cost)) END,
           CASE WHEN f.cost > 0
                THEN trim_scale((f.annual * f.horizon - 12 * f.cost) * 100 / (12 * f.cost)) END,
           CASE WHEN f.cost > 0 THEN NULL ELSE 'no_costs' END,
           CASE WHEN f.annual > 0 THEN trim_scale(f.cost * 12 / f.annual) END,
           CASE WHEN f.annual > 0 THEN NULL ELSE 'no_benefits' END,
           f.participants, trim_scale(f.completion_rate),
           trim_scale(f.level1), trim_scale(f.level2), trim_scale(f.level3)
    FROM figures AS f
    RETURNING 1
  )
  SELECT count(*) FROM inserted
$$;
REVOKE EXECUTE ON FUNCTION app.ld_compute_roi(uuid, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.ld_compute_roi(uuid, boolean) TO concord_worker;

------------------------------------------------------------------------------
-- Tenancy and privileges
------------------------------------------------------------------------------

CALL app.secure_tenant_table('ld_programmes');
CALL app.secure_tenant_table('ld_costs');
CALL app.secure_tenant_table('ld_participants');
CALL app.secure_tenant_table('ld_impact_measures');
CALL app.secure_tenant_table('ld_intangibles');
CALL app.secure_tenant_table('ld_roi_results');

-- The API manages the inputs; it reads the snapshots but only the worker
-- writes them. Programmes are archived, not deleted, by the API.
GRANT SELECT, INSERT, UPDATE ON ld_programmes TO concord_api;
GRANT SELECT, INSERT, UPDATE, DELETE
  ON ld_costs, ld_participants, ld_impact_measures, ld_intangibles
  TO concord_api;
GRANT SELECT ON ld_roi_results TO concord_api;
GRANT SELECT
  ON ld_programmes, ld_costs, ld_participants, ld_impact_measures, ld_intangibles,
     ld_roi_results
  TO concord_worker;
GRANT INSERT ON ld_roi_results TO concord_worker;
-- BI reads everything here (no contact data, no secrets).
GRANT SELECT
  ON ld_programmes, ld_costs, ld_participants, ld_impact_measures, ld_intangibles,
     ld_roi_results
  TO concord_bi;
