-- bi.portfolio: the consultancy's view over its clients, one row per
-- organisation the querying role may see. Built on bi.initiatives,
-- app.time_to_alignment and bi.ld_roi_latest.

DROP VIEW IF EXISTS bi.portfolio CASCADE;
CREATE VIEW bi.portfolio WITH (security_invoker = true) AS
SELECT o.org_id,
       o.name AS organisation_name,
       o.slug,
       o.timezone,
       coalesce(s.active_initiatives, 0) AS active_initiatives,
       coalesce(s.on_track_initiatives, 0) AS on_track_initiatives,
       coalesce(s.at_risk_initiatives, 0) AS at_risk_initiatives,
       coalesce(s.off_track_initiatives, 0) AS off_track_initiatives,
       s.average_alignment_index,
       coalesce(s.required_pairs, 0) AS required_pairs,
       coalesce(s.aligned_pairs, 0) AS aligned_pairs,
       coalesce(s.out_of_line_pairs, 0) AS out_of_line_pairs,
       coalesce(s.overdue_revisits, 0) AS overdue_revisits,
       s.last_revisit_at,
       coalesce(t.gate_reached_initiatives, 0) AS gate_reached_initiatives,
       t.median_days_to_alignment,
       t.max_days_so_far,
       coalesce(r.ld_programmes, 0) AS ld_programmes,
       coalesce(r.ld_programmes_computed, 0) AS ld_programmes_computed,
       r.ld_total_cost,
       r.ld_benefits,
       CASE WHEN r.ld_total_cost > 0
            THEN trim_scale(round((r.ld_benefits - r.ld_total_cost) * 100 / r.ld_total_cost, 4))
       END AS ld_roi_percent,
       r.ld_last_computed_at,
       o.archived_at
FROM organisations AS o
LEFT JOIN (
  SELECT i.org_id,
         count(*)::integer AS active_initiatives,
         (count(*) FILTER (WHERE i.health = 'on_track'))::integer AS on_track_initiatives,
         (count(*) FILTER (WHERE i.health = 'at_risk'))::integer AS at_risk_initiatives,
         (count(*) FILTER (WHERE i.health = 'off_track'))::integer AS off_track_initiatives,
         trim_scale(avg(i.alignment_index)) AS average_alignment_index,
         sum(i.required_leaders)::integer AS required_pairs,
         sum(i.aligned_leaders)::integer AS aligned_pairs,
         sum(i.out_of_line_leaders)::integer AS out_of_line_pairs,
         sum(i.stale_leaders + i.missing_leaders)::integer AS overdue_revisits,
         max(i.last_revisit_at) AS last_revisit_at
  FROM bi.initiatives AS i
  WHERE i.archived_at IS NULL AND i.stage <> 'closed'
  GROUP BY i.org_id
) AS s ON s.org_id = o.org_id
LEFT JOIN (
  SELECT t.org_id,
         count(t.first_reached_on)::integer AS gate_reached_initiatives,
         trim_scale(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.days_to_alignment)::numeric)
           AS median_days_to_alignment,
         max(t.days_so_far) AS max_days_so_far
  FROM app.time_to_alignment AS t
  WHERE t.archived_at IS NULL AND t.stage <> 'closed'
  GROUP BY t.org_id
) AS t ON t.org_id = o.org_id
LEFT JOIN (
  SELECT p.org_id,
         count(*)::integer AS ld_programmes,
         count(p.result_id)::integer AS ld_programmes_computed,
         sum(p.total_cost) AS ld_total_cost,
         sum(p.benefits) AS ld_benefits,
         max(p.computed_at) AS ld_last_computed_at
  FROM bi.ld_roi_latest AS p
  WHERE p.archived_at IS NULL
  GROUP BY p.org_id
) AS r ON r.org_id = o.org_id;

COMMENT ON VIEW bi.portfolio IS
  'One row per organisation visible to the querying role (for the consultancy, every client granted to its BI login): its active initiatives (not archived, not closed) by health, their average alignment, the revisits overdue, and the Phillips ROI of its active L&D programmes taken together.';
COMMENT ON COLUMN bi.portfolio.org_id IS 'The organisation (tenant).';
COMMENT ON COLUMN bi.portfolio.organisation_name IS 'The organisation''s name.';
COMMENT ON COLUMN bi.portfolio.slug IS 'The organisation''s short unique name.';
COMMENT ON COLUMN bi.portfolio.timezone IS 'The organisation''s time zone (IANA name); calendar days in the bi views are in it.';
COMMENT ON COLUMN bi.portfolio.active_initiatives IS 'Initiatives neither archived nor closed.';
COMMENT ON COLUMN bi.portfolio.on_track_initiatives IS 'Active initiatives on track.';
COMMENT ON COLUMN bi.portfolio.at_risk_initiatives IS 'Active initiatives at risk.';
COMMENT ON COLUMN bi.portfolio.off_track_initiatives IS 'Active initiatives off track.';
COMMENT ON COLUMN bi.portfolio.average_alignment_index IS 'Mean alignment index (0 to 1) of the active initiatives that have required leaders; NULL when none has.';
COMMENT ON COLUMN bi.portfolio.required_pairs IS '(Active initiative, required leader) pairs.';
COMMENT ON COLUMN bi.portfolio.aligned_pairs IS 'Required pairs whose latest rating is fresh and within 1 of the importance.';
COMMENT ON COLUMN bi.portfolio.out_of_line_pairs IS 'Required pairs whose latest rating is fresh but more than 1 away from the importance.';
COMMENT ON COLUMN bi.portfolio.overdue_revisits IS 'Required pairs whose latest rating is stale or missing: revisits due now.';
COMMENT ON COLUMN bi.portfolio.last_revisit_at IS 'The latest rating by a required leader of any active initiative; NULL when none.';
COMMENT ON COLUMN bi.portfolio.gate_reached_initiatives IS 'Active initiatives whose alignment index has met their alignment gate on some day (bi.time_to_alignment).';
COMMENT ON COLUMN bi.portfolio.median_days_to_alignment IS 'Median days from creation to first reaching the gate, over those initiatives; NULL when none has.';
COMMENT ON COLUMN bi.portfolio.max_days_so_far IS 'The longest wait so far, in days since creation, of an active initiative that has never reached its gate; NULL when none is waiting.';
COMMENT ON COLUMN bi.portfolio.ld_programmes IS 'Active (not archived) L&D programmes.';
COMMENT ON COLUMN bi.portfolio.ld_programmes_computed IS 'Of them, those whose ROI figures were computed at least once.';
COMMENT ON COLUMN bi.portfolio.ld_total_cost IS 'Sum of the latest fully loaded costs of those programmes (money); NULL when none was computed.';
COMMENT ON COLUMN bi.portfolio.ld_benefits IS 'Sum of their latest monetary benefits over each one''s horizon (money); NULL when none was computed.';
COMMENT ON COLUMN bi.portfolio.ld_roi_percent IS 'ROI % of those programmes together: (ld_benefits - ld_total_cost) / ld_total_cost x 100, rounded to 4 decimals; NULL without costs.';
COMMENT ON COLUMN bi.portfolio.ld_last_computed_at IS 'When the newest of those figures was computed; NULL when none was.';
COMMENT ON COLUMN bi.portfolio.archived_at IS 'When the organisation was archived; NULL while a client.';
