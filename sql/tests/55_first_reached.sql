-- The kept first-reached day (alignment_first_reached, migrations 0016 and
-- 0020): each trigger of the one generic function, written through as the
-- API, moves the kept day of organisation A's "New ERP" exactly as the
-- history moves, there and back. The fixture leaves it below its gate (1):
-- Ada (IT, the lead) rated 4 on importance 4, Grace (Quality, supporting)
-- rated 2.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
\ir fixtures/two_orgs.psql
SELECT no_plan();

-- The kept day, and the history's beside it when they differ.
CREATE FUNCTION test_support.erp_kept() RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(k.first_reached_on::text, 'never')
         || CASE WHEN k.first_reached_on IS NOT DISTINCT FROM h.first_reached_on THEN ''
                 ELSE ' (history: ' || coalesce(h.first_reached_on::text, 'never') || ')' END
  FROM initiatives AS i
  JOIN alignment_first_reached AS k ON k.org_id = i.org_id AND k.initiative_id = i.id
  JOIN app.first_reached_from_history AS h ON h.org_id = i.org_id AND h.initiative_id = i.id
  WHERE i.org_id = test_support.org_a() AND i.title = 'New ERP'
$$;
SELECT (now() AT TIME ZONE 'Europe/Berlin')::date::text AS today,
       set_config('app.org_id', test_support.org_a()::text, true) IS NOT NULL AS set_org
\gset
CREATE TEMP TABLE ids AS
  SELECT (SELECT id FROM initiatives WHERE org_id = test_support.org_a() AND title = 'New ERP') AS erp,
         (SELECT id FROM leaders WHERE org_id = test_support.org_a() AND email LIKE 'ada@%') AS ada,
         (SELECT id FROM leaders WHERE org_id = test_support.org_a() AND email LIKE 'grace@%') AS grace,
         (SELECT id FROM areas WHERE org_id = test_support.org_a() AND external_key = 'quality') AS quality;
GRANT SELECT ON ids TO concord_api;

SELECT is(test_support.erp_kept(), 'never', 'the fixture: below the gate');

SET LOCAL ROLE concord_api;
UPDATE initiative_supporting_areas SET accountable_leader_id = (SELECT ada FROM ids)
WHERE initiative_id = (SELECT erp FROM ids);
RESET ROLE;
SELECT is(test_support.erp_kept(), :'today', 'supporting area updated (Ada accountable, the only one required): reached');

SET LOCAL ROLE concord_api;
UPDATE initiative_supporting_areas SET accountable_leader_id = NULL WHERE initiative_id = (SELECT erp FROM ids);
RESET ROLE;
SELECT is(test_support.erp_kept(), 'never', 'supporting area updated (its head Grace required again): never');

SET LOCAL ROLE concord_api;
UPDATE areas SET head_leader_id = (SELECT ada FROM ids) WHERE id = (SELECT quality FROM ids);
RESET ROLE;
SELECT is(test_support.erp_kept(), :'today', 'area head changed (Ada heads Quality): reached');

SET LOCAL ROLE concord_api;
UPDATE areas SET head_leader_id = (SELECT grace FROM ids) WHERE id = (SELECT quality FROM ids);
RESET ROLE;
SELECT is(test_support.erp_kept(), 'never', 'area head changed back: never');

SET LOCAL ROLE concord_api;
UPDATE areas SET name = 'Quality and Safety' WHERE id = (SELECT quality FROM ids);
UPDATE leaders SET archived_at = now() WHERE id = (SELECT grace FROM ids);
RESET ROLE;
SELECT is(test_support.erp_kept(), :'today', 'Grace archived (an area renamed before: no matter): reached');

SET LOCAL ROLE concord_api;
UPDATE leaders SET archived_at = NULL WHERE id = (SELECT grace FROM ids);
RESET ROLE;
SELECT is(test_support.erp_kept(), 'never', 'Grace back: never');

SET LOCAL ROLE concord_api;
UPDATE organisations SET alignment_gate = 0.5;
RESET ROLE;
SELECT is(test_support.erp_kept(), :'today', 'the organisation''s gate at 0.5: reached');

SET LOCAL ROLE concord_api;
UPDATE organisations SET alignment_gate = 1;
RESET ROLE;
SELECT is(test_support.erp_kept(), 'never', 'the gate at 1 again: never');

SET LOCAL ROLE concord_api;
UPDATE initiatives SET importance = 3 WHERE id = (SELECT erp FROM ids);
RESET ROLE;
SELECT is(test_support.erp_kept(), :'today', 'importance 3 (4 and 2 both within 1): reached');

SET LOCAL ROLE concord_api;
UPDATE initiatives SET importance = 4 WHERE id = (SELECT erp FROM ids);
RESET ROLE;
SELECT is(test_support.erp_kept(), 'never', 'importance 4 again: never');

SET LOCAL ROLE concord_api;
DELETE FROM initiative_supporting_areas WHERE initiative_id = (SELECT erp FROM ids);
RESET ROLE;
SELECT is(test_support.erp_kept(), :'today', 'supporting area removed (Ada alone required): reached');

SET LOCAL ROLE concord_api;
INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support, accountable_leader_id)
SELECT test_support.org_a(), erp, quality, 'test', grace FROM ids;
RESET ROLE;
SELECT is(test_support.erp_kept(), 'never', 'supporting area added back: never');

-- A moment after the fixture's rating of hers (same now(): the tie would go
-- to the greater random id), so this one is her latest.
SET LOCAL ROLE concord_api;
INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, source, rated_at)
SELECT test_support.org_a(), erp, grace, 4, 'api', now() + interval '1 millisecond' FROM ids;
RESET ROLE;
SELECT is(test_support.erp_kept(), :'today', 'Grace rates 4: reached');

SET LOCAL ROLE concord_api;
INSERT INTO initiatives (org_id, title, lead_area_id, importance)
SELECT test_support.org_a(), 'Quality audit', quality, 3 FROM ids;
RESET ROLE;
SELECT is(
  (SELECT coalesce(k.first_reached_on::text, 'never') FROM initiatives AS i
   JOIN alignment_first_reached AS k ON k.org_id = i.org_id AND k.initiative_id = i.id
   WHERE i.org_id = test_support.org_a() AND i.title = 'Quality audit'),
  'never', 'a new initiative gets its row at once');

SELECT * FROM finish(true);
ROLLBACK;
