-- 0020: alignment_first_reached (0016), kept the same way with less code,
-- and out of the audit log.
--
-- One generic trigger function instead of a branch per table and event: each
-- trigger says in its arguments what its table's rows name (an initiative,
-- an organisation, an area or a leader), in which column, and which columns
-- matter when a row is updated. The function finds the rows its statement
-- changed in the transition tables, maps them to the initiatives whose day
-- they may move, and recomputes those, as before.
--
-- The table is derived: the triggers write it as a consequence of a user's
-- write, which the audit log already holds with its actor. Its own audit
-- rows (one per initiative a statement moved, up to every initiative of an
-- organisation when its gate changes) told nothing a user did, so the table
-- is no longer audited. The trail is for user-made changes.

DROP TRIGGER audit ON alignment_first_reached;

DROP TRIGGER first_reached_insert ON alignment_ratings;
DROP TRIGGER first_reached_insert ON initiatives;
DROP TRIGGER first_reached_update ON initiatives;
DROP TRIGGER first_reached_update ON organisations;
DROP TRIGGER first_reached_insert ON initiative_supporting_areas;
DROP TRIGGER first_reached_update ON initiative_supporting_areas;
DROP TRIGGER first_reached_delete ON initiative_supporting_areas;
DROP TRIGGER first_reached_update ON areas;
DROP TRIGGER first_reached_delete ON areas;
DROP TRIGGER first_reached_update ON leaders;
DROP TRIGGER first_reached_delete ON leaders;
DROP FUNCTION app.first_reached_after_write();

-- Arguments: what the rows name ('initiative', 'organisation', 'area' or
-- 'leader'), the column holding it (a uuid, beside org_id), then the columns
-- an UPDATE must change to count (none: every updated row counts). The
-- transition tables are new_rows and old_rows.
--
-- Columns are read by name from each row as jsonb, so every statement is
-- static and plpgsql keeps its plan (per table: it compiles a trigger
-- function once per table). Dynamic SQL (EXECUTE format(...)) was tried
-- first: planned on every statement, it cost about 1 ms more per write.
CREATE FUNCTION app.first_reached_after_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  names text := TG_ARGV[0];
  key text := TG_ARGV[1];
  watched text[] := TG_ARGV[2:];
  orgs uuid[];
  keys uuid[];
  ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(k.org_id), array_agg(k.key) INTO orgs, keys
    FROM (SELECT DISTINCT n.org_id, (to_jsonb(n) ->> key)::uuid AS key FROM new_rows AS n) AS k;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(k.org_id), array_agg(k.key) INTO orgs, keys
    FROM (SELECT DISTINCT o.org_id, (to_jsonb(o) ->> key)::uuid AS key FROM old_rows AS o) AS k;
  ELSIF cardinality(watched) = 0 THEN
    -- The old key too: an update may move a row from one key to another.
    SELECT array_agg(k.org_id), array_agg(k.key) INTO orgs, keys
    FROM (SELECT n.org_id, (to_jsonb(n) ->> key)::uuid AS key FROM new_rows AS n
          UNION
          SELECT o.org_id, (to_jsonb(o) ->> key)::uuid FROM old_rows AS o) AS k;
  ELSE
    -- The key of a watched update is its table's primary key, which never
    -- changes. jsonb compares numbers by value and null to null, as IS
    -- DISTINCT FROM on the columns did.
    SELECT array_agg(k.org_id), array_agg(k.key) INTO orgs, keys
    FROM (SELECT n.org_id, (n.image ->> key)::uuid AS key
          FROM (SELECT x.org_id, to_jsonb(x) AS image FROM new_rows AS x) AS n
          JOIN (SELECT x.org_id, to_jsonb(x) AS image FROM old_rows AS x) AS o
            ON o.org_id = n.org_id AND o.image -> key = n.image -> key
          WHERE ARRAY(SELECT n.image -> c FROM unnest(watched) AS c)
                IS DISTINCT FROM ARRAY(SELECT o.image -> c FROM unnest(watched) AS c)) AS k;
  END IF;

  IF keys IS NULL THEN
    RETURN NULL;
  ELSIF names = 'initiative' THEN
    ids := keys;
  ELSE
    WITH changed AS (
      SELECT k.org_id, k.id FROM unnest(orgs, keys) AS k (org_id, id)
    ),
    affected AS (
      -- An organisation's gate, revisit window or time zone: each of its
      -- initiatives.
      SELECT i.org_id, i.id FROM initiatives AS i
      JOIN changed AS c ON c.org_id = i.org_id
      WHERE names = 'organisation'
      UNION
      -- An area's head: who is required wherever the area leads or supports.
      SELECT i.org_id, i.id FROM initiatives AS i
      JOIN changed AS c ON c.org_id = i.org_id AND c.id = i.lead_area_id
      WHERE names = 'area'
      UNION
      SELECT s.org_id, s.initiative_id FROM initiative_supporting_areas AS s
      JOIN changed AS c ON c.org_id = s.org_id AND c.id = s.area_id
      WHERE names = 'area'
      UNION
      -- A leader archived (or back): wherever they are required.
      SELECT i.org_id, i.id FROM initiatives AS i
      JOIN areas AS a ON a.org_id = i.org_id AND a.id = i.lead_area_id
      JOIN changed AS c ON c.org_id = a.org_id AND c.id = a.head_leader_id
      WHERE names = 'leader'
      UNION
      SELECT s.org_id, s.initiative_id FROM initiative_supporting_areas AS s
      JOIN areas AS a ON a.org_id = s.org_id AND a.id = s.area_id
      JOIN changed AS c ON c.org_id = s.org_id AND c.id = coalesce(s.accountable_leader_id, a.head_leader_id)
      WHERE names = 'leader'
    )
    SELECT array_agg(a.org_id), array_agg(a.id) INTO orgs, ids FROM affected AS a;
  END IF;

  IF ids IS NOT NULL THEN
    PERFORM app.refresh_first_reached(orgs, ids);
  END IF;
  RETURN NULL;
END
$$;

-- One per table and event (transition tables allow no more).
CREATE TRIGGER first_reached_insert AFTER INSERT ON alignment_ratings
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write('initiative', 'initiative_id');

CREATE TRIGGER first_reached_insert AFTER INSERT ON initiatives
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write('initiative', 'id');
CREATE TRIGGER first_reached_update AFTER UPDATE ON initiatives
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write(
    'initiative', 'id',
    'created_at', 'archived_at', 'importance', 'revisit_cadence_days', 'alignment_gate', 'lead_area_id');

CREATE TRIGGER first_reached_update AFTER UPDATE ON organisations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write(
    'organisation', 'org_id', 'alignment_gate', 'revisit_cadence_days', 'timezone');

CREATE TRIGGER first_reached_insert AFTER INSERT ON initiative_supporting_areas
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write('initiative', 'initiative_id');
CREATE TRIGGER first_reached_update AFTER UPDATE ON initiative_supporting_areas
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write('initiative', 'initiative_id');
CREATE TRIGGER first_reached_delete AFTER DELETE ON initiative_supporting_areas
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write('initiative', 'initiative_id');

CREATE TRIGGER first_reached_update AFTER UPDATE ON areas
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write('area', 'id', 'head_leader_id');
CREATE TRIGGER first_reached_delete AFTER DELETE ON areas
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write('area', 'id');

CREATE TRIGGER first_reached_update AFTER UPDATE ON leaders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write('leader', 'id', 'archived_at');
CREATE TRIGGER first_reached_delete AFTER DELETE ON leaders
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.first_reached_after_write('leader', 'id');
