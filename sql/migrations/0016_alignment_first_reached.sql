-- 0016: the day each initiative first reached its alignment gate, kept in a
-- table so the initiative read, the portfolio and the BI views read it
-- instead of computing it from the rating history on every read (issue 12;
-- the largest cost of the initiative GET, issue 4).
--
-- Why a table kept by triggers, not by the store: the day depends on six
-- tables (ratings, initiatives, organisations, areas, leaders, supporting
-- areas) written by the API, the worker, CSV imports and psql alike; a
-- statement trigger recomputes the initiatives a statement touched, in its
-- transaction and under its row-level security, whoever wrote it. The
-- recomputation is app.first_reached_from_history (sql/views), which reads
-- the runs of aligned ratings, not every day since creation.
--
-- What no write announces is the clock: today's index is measured at now(),
-- so a gate reached today is lost if a rating lapses later today, and a
-- rating (or an initiative) dated ahead comes into force on its day. Each
-- row therefore says from when until when it is exact; app.time_to_alignment
-- reads the row inside that span and computes from the history outside it.

CREATE TABLE alignment_first_reached (
  org_id           uuid        NOT NULL,
  initiative_id    uuid        NOT NULL,
  -- NULL: the gate was never met (as of computed_at).
  first_reached_on date,
  -- The now() of the transaction that last changed the row: a reader whose
  -- now() is earlier (it began before that write committed) computes from
  -- the history instead.
  computed_at      timestamptz NOT NULL,
  -- When the clock alone may change the answer; NULL: only a write can.
  valid_until      timestamptz,
  CONSTRAINT alignment_first_reached_pkey PRIMARY KEY (org_id, initiative_id),
  CONSTRAINT alignment_first_reached_initiative_fk FOREIGN KEY (org_id, initiative_id)
    REFERENCES initiatives (org_id, id) ON DELETE CASCADE
);

CALL app.secure_tenant_table('alignment_first_reached');

-- Every role that writes what the day depends on writes the day.
GRANT SELECT, INSERT, UPDATE, DELETE ON alignment_first_reached TO concord_api, concord_worker;
GRANT SELECT ON alignment_first_reached TO concord_bi;

------------------------------------------------------------------------------
-- Recomputation
------------------------------------------------------------------------------

-- The rows of the given initiatives (parallel arrays), from the history, with
-- the caller's privileges. plpgsql so what it reads (sql/views, applied
-- after the migrations) is looked up when it runs. A few initiatives (a
-- rating, an edit) are computed one by one; many (an organisation's gate or
-- time zone changed) in one pass over each organisation, which costs about
-- what three single ones do.
CREATE FUNCTION app.refresh_first_reached(org_ids uuid[], initiative_ids uuid[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  wide boolean := cardinality(initiative_ids) > 3;
BEGIN
  INSERT INTO public.alignment_first_reached AS c
    (org_id, initiative_id, first_reached_on, computed_at, valid_until)
  WITH keys AS (
    SELECT DISTINCT k.org_id, k.initiative_id
    FROM unnest(org_ids, initiative_ids) AS k (org_id, initiative_id)
  ),
  whole_orgs AS MATERIALIZED (
    SELECT o.org_id, h.initiative_id, h.first_reached_on
    FROM (SELECT DISTINCT k.org_id FROM keys AS k WHERE wide) AS o
    CROSS JOIN LATERAL app.first_reached_of_organisation(o.org_id) AS h
  )
  SELECT n.org_id, n.initiative_id, h.first_reached_on, now(),
         -- A past day stays the first whatever the clock does. Otherwise the
         -- earliest of: the initiative's first day, a rating's first day
         -- (either still ahead), and, when the gate was reached today, any
         -- rating of it lapsing later today (every rating, not only those
         -- counted: earlier is safe).
         CASE WHEN h.first_reached_on < n.today THEN NULL
              ELSE least(
                CASE WHEN n.first_day > n.today THEN n.first_day::timestamp AT TIME ZONE n.timezone END,
                z.next_in_force,
                CASE WHEN h.first_reached_on = n.today THEN z.lapses_today END)
         END
  FROM keys AS k
  JOIN LATERAL (
    SELECT i.org_id, i.id AS initiative_id, o.timezone,
           coalesce(i.revisit_cadence_days, o.revisit_cadence_days) AS window_days,
           (i.created_at AT TIME ZONE o.timezone)::date AS first_day,
           (now() AT TIME ZONE o.timezone)::date AS today
    FROM public.initiatives AS i
    JOIN public.organisations AS o ON o.org_id = i.org_id
    WHERE i.org_id = k.org_id AND i.id = k.initiative_id
  ) AS n ON true
  CROSS JOIN LATERAL (
    SELECT CASE WHEN wide
                THEN (SELECT w.first_reached_on FROM whole_orgs AS w
                      WHERE w.org_id = n.org_id AND w.initiative_id = n.initiative_id)
                ELSE app.first_reached_from_history(n.org_id, n.initiative_id)
           END AS first_reached_on
    OFFSET 0
  ) AS h
  CROSS JOIN LATERAL (
    SELECT min((r.rated_day)::timestamp AT TIME ZONE n.timezone) FILTER (WHERE r.rated_day > n.today)
             AS next_in_force,
           min(r.fresh_until) FILTER (WHERE r.fresh_until >= now()
                                        AND (r.fresh_until AT TIME ZONE n.timezone)::date = n.today)
             AS lapses_today
    FROM (SELECT (x.rated_at AT TIME ZONE n.timezone)::date AS rated_day,
                 x.rated_at + n.window_days * interval '86400 seconds' AS fresh_until
          FROM public.alignment_ratings AS x
          WHERE x.org_id = n.org_id AND x.initiative_id = n.initiative_id) AS r
  ) AS z
  -- One order for every writer, so two statements lock shared rows alike.
  ORDER BY n.org_id, n.initiative_id
  ON CONFLICT (org_id, initiative_id) DO UPDATE
    SET first_reached_on = excluded.first_reached_on,
        computed_at = excluded.computed_at,
        valid_until = excluded.valid_until
    -- Unchanged rows are left alone (no write, no audit row for nothing).
    WHERE (c.first_reached_on, c.valid_until) IS DISTINCT FROM (excluded.first_reached_on, excluded.valid_until);
END
$$;

------------------------------------------------------------------------------
-- Triggers: one per table and event (transition tables allow no more), each
-- recomputing the initiatives its statement may have moved
------------------------------------------------------------------------------

CREATE FUNCTION app.first_reached_after_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  orgs uuid[];
  ids uuid[];
BEGIN
  IF TG_TABLE_NAME = 'alignment_ratings' THEN
    SELECT array_agg(r.org_id), array_agg(r.initiative_id) INTO orgs, ids
    FROM (SELECT DISTINCT org_id, initiative_id FROM new_rows) AS r;

  ELSIF TG_TABLE_NAME = 'initiatives' AND TG_OP = 'INSERT' THEN
    SELECT array_agg(n.org_id), array_agg(n.id) INTO orgs, ids FROM new_rows AS n;
  ELSIF TG_TABLE_NAME = 'initiatives' THEN
    SELECT array_agg(n.org_id), array_agg(n.id) INTO orgs, ids
    FROM new_rows AS n
    JOIN old_rows AS o ON o.org_id = n.org_id AND o.id = n.id
    WHERE (n.created_at, n.archived_at, n.importance, n.revisit_cadence_days, n.alignment_gate, n.lead_area_id)
          IS DISTINCT FROM
          (o.created_at, o.archived_at, o.importance, o.revisit_cadence_days, o.alignment_gate, o.lead_area_id);

  ELSIF TG_TABLE_NAME = 'organisations' THEN
    SELECT array_agg(i.org_id), array_agg(i.id) INTO orgs, ids
    FROM new_rows AS n
    JOIN old_rows AS o ON o.org_id = n.org_id
    JOIN initiatives AS i ON i.org_id = n.org_id
    WHERE (n.alignment_gate, n.revisit_cadence_days, n.timezone)
          IS DISTINCT FROM (o.alignment_gate, o.revisit_cadence_days, o.timezone);

  ELSIF TG_TABLE_NAME = 'initiative_supporting_areas' THEN
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(n.org_id), array_agg(n.initiative_id) INTO orgs, ids FROM new_rows AS n;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(o.org_id), array_agg(o.initiative_id) INTO orgs, ids FROM old_rows AS o;
    ELSE
      SELECT array_agg(r.org_id), array_agg(r.initiative_id) INTO orgs, ids
      FROM (SELECT org_id, initiative_id FROM new_rows UNION SELECT org_id, initiative_id FROM old_rows) AS r;
    END IF;

  ELSIF TG_TABLE_NAME = 'areas' THEN
    -- A new head changes who is required wherever the area leads or supports.
    IF TG_OP = 'DELETE' THEN
      SELECT array_agg(o.org_id), array_agg(o.id) INTO orgs, ids FROM old_rows AS o;
    ELSE
      SELECT array_agg(n.org_id), array_agg(n.id) INTO orgs, ids
      FROM new_rows AS n JOIN old_rows AS o ON o.org_id = n.org_id AND o.id = n.id
      WHERE n.head_leader_id IS DISTINCT FROM o.head_leader_id;
    END IF;
    WITH changed AS (
      SELECT k.org_id, k.id FROM unnest(orgs, ids) AS k (org_id, id)
    ),
    affected AS (
      SELECT i.org_id, i.id FROM initiatives AS i
      JOIN changed AS c ON c.org_id = i.org_id AND c.id = i.lead_area_id
      UNION
      SELECT s.org_id, s.initiative_id FROM initiative_supporting_areas AS s
      JOIN changed AS c ON c.org_id = s.org_id AND c.id = s.area_id
    )
    SELECT array_agg(a.org_id), array_agg(a.id) INTO orgs, ids FROM affected AS a;

  ELSIF TG_TABLE_NAME = 'leaders' THEN
    -- An archived leader is no longer required, wherever they were.
    IF TG_OP = 'DELETE' THEN
      SELECT array_agg(o.org_id), array_agg(o.id) INTO orgs, ids FROM old_rows AS o;
    ELSE
      SELECT array_agg(n.org_id), array_agg(n.id) INTO orgs, ids
      FROM new_rows AS n JOIN old_rows AS o ON o.org_id = n.org_id AND o.id = n.id
      WHERE n.archived_at IS DISTINCT FROM o.archived_at;
    END IF;
    WITH changed AS (
      SELECT k.org_id, k.id FROM unnest(orgs, ids) AS k (org_id, id)
    ),
    affected AS (
      SELECT i.org_id, i.id FROM initiatives AS i
      JOIN areas AS a ON a.org_id = i.org_id AND a.id = i.lead_area_id
      JOIN changed AS c ON c.org_id = a.org_id AND c.id = a.head_leader_id
      UNION
      SELECT s.org_id, s.initiative_id FROM initiative_supporting_areas AS s
      JOIN areas AS a ON a.org_id = s.org_id AND a.id = s.area_id
      JOIN changed AS c ON c.org_id = s.org_id AND c.id = coalesce(s.accountable_leader_id, a.head_leader_id)
    )
    SELECT array_agg(a.org_id), array_agg(a.id) INTO orgs, ids FROM affected AS a;
  END IF;

  IF ids IS NOT NULL THEN
    PERFORM app.refresh_first_reached(orgs, ids);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER first_reached_insert AFTER INSERT ON alignment_ratings
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();

CREATE TRIGGER first_reached_insert AFTER INSERT ON initiatives
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();
CREATE TRIGGER first_reached_update AFTER UPDATE ON initiatives
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();

CREATE TRIGGER first_reached_update AFTER UPDATE ON organisations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();

CREATE TRIGGER first_reached_insert AFTER INSERT ON initiative_supporting_areas
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();
CREATE TRIGGER first_reached_update AFTER UPDATE ON initiative_supporting_areas
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();
CREATE TRIGGER first_reached_delete AFTER DELETE ON initiative_supporting_areas
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();

CREATE TRIGGER first_reached_update AFTER UPDATE ON areas
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();
CREATE TRIGGER first_reached_delete AFTER DELETE ON areas
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();

CREATE TRIGGER first_reached_update AFTER UPDATE ON leaders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();
CREATE TRIGGER first_reached_delete AFTER DELETE ON leaders
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write();
