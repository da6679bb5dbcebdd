import ConcordDomain
import Foundation
import PQ

/// How many nudges one planning run added, by reason.
public struct NudgePlanSummary: Sendable, Equatable {
    public let planned: [NudgeReason: Int]

    public init(planned: [NudgeReason: Int]) { self.planned = planned }

    public var total: Int { planned.values.reduce(0, +) }
}

extension TenantTransaction {
    /// Plans the revisit nudges due at `now` for this organisation in one set-based statement.
    ///
    /// Candidates, for active initiatives (initiating to sustaining, not archived) and active leaders:
    /// - `cadence`: every required pair (head of the lead area; per supporting area its accountable
    ///   leader, else its head) not nudged since the current cadence window began, even when all is well;
    /// - `quiet_initiative`: no activity for `quiet_after_days`, the pair not nudged for as long (so a
    ///   quiet initiative is revisited sooner than its cadence);
    /// - `stale_rating`: the pair's latest rating is missing or older than the cadence, same guard;
    /// - `out_of_line` / `resistance`: a fresh latest rating more than 1 from the importance, or with a
    ///   resistance note, nudges the sponsor and the lead area's head (not the rater) once per rating;
    /// - `stage_change`: a stage change within the cadence revisits every supporting leader once;
    /// - `support_drop`: then, in a second statement, each new support drop tells the sponsor once
    ///   (`planSupportDropNudges`).
    ///
    /// Per pair only the most urgent candidate is kept (`NudgeReason.defaultPriority`), and the unique
    /// key `(org_id, initiative_id, leader_id, reason, period_key)` drops what this period already holds,
    /// so concurrent or repeated runs add nothing twice. Period keys follow `NudgePeriodKey`.
    @discardableResult
    public func planNudges(now: Date) async throws -> NudgePlanSummary {
        let rows = try await transaction.query(Self.planningStatement(orgID: orgID, now: now))
        var planned: [NudgeReason: Int] = [:]
        for row in rows {
            let (reason, count) = try row.decode((String, Int).self)
            if let reason = NudgeReason(rawValue: reason) { planned[reason] = count }
        }
        let drops = try await planSupportDropNudges(now: now)
        if drops > 0 { planned[.supportDrop, default: 0] += drops }
        return NudgePlanSummary(planned: planned)
    }

    /// Reasons from most to least urgent, the order `planNudges` keeps one candidate per pair by.
    static var reasonsByUrgency: [String] {
        NudgeReason.allCases.sorted { $0.defaultPriority < $1.defaultPriority }.map(\.rawValue)
    }

    static func planningStatement(orgID: UUID, now: Date) -> SQL {
        """
        WITH org AS (
          SELECT o.timezone, o.revisit_cadence_days, o.quiet_after_days
          FROM organisations AS o WHERE o.org_id = \(orgID)::uuid
        ),
        active AS (
          SELECT i.id, i.created_at, i.importance, i.last_activity_at, i.stage_changed_at,
                 i.sponsor_leader_id, i.lead_area_id,
                 coalesce(i.revisit_cadence_days, org.revisit_cadence_days) * 86400 AS cadence_s,
                 coalesce(i.quiet_after_days, org.quiet_after_days) * 86400 AS quiet_s,
                 floor(greatest(0, extract(epoch FROM \(now)::timestamptz) - extract(epoch FROM i.created_at))
                       / (coalesce(i.revisit_cadence_days, org.revisit_cadence_days) * 86400))::bigint AS window_no
          FROM initiatives AS i CROSS JOIN org
          WHERE i.org_id = \(orgID)::uuid AND i.archived_at IS NULL
            AND i.stage IN ('initiating', 'developing', 'implementing', 'sustaining')
        ),
        people AS (
          SELECT l.id, coalesce(l.timezone, org.timezone) AS tz,
                 to_char(\(now)::timestamptz AT TIME ZONE coalesce(l.timezone, org.timezone),
                         'IYYY-"W"IW') AS iso_week
          FROM leaders AS l CROSS JOIN org
          WHERE l.org_id = \(orgID)::uuid AND l.archived_at IS NULL
        ),
        required AS (
          SELECT a.id AS initiative_id, la.head_leader_id AS leader_id, false AS supporting
          FROM active AS a
          JOIN areas AS la ON la.org_id = \(orgID)::uuid AND la.id = a.lead_area_id
          WHERE la.head_leader_id IS NOT NULL
          UNION
          SELECT a.id, coalesce(s.accountable_leader_id, sa.head_leader_id), true
          FROM active AS a
          JOIN initiative_supporting_areas AS s ON s.org_id = \(orgID)::uuid AND s.initiative_id = a.id
          JOIN areas AS sa ON sa.org_id = \(orgID)::uuid AND sa.id = s.area_id
          WHERE coalesce(s.accountable_leader_id, sa.head_leader_id) IS NOT NULL
        ),
        pairs AS (
          SELECT DISTINCT ON (r.initiative_id, r.leader_id)
                 r.initiative_id, r.leader_id, p.iso_week,
                 bool_or(r.supporting) OVER (PARTITION BY r.initiative_id, r.leader_id) AS supporting
          FROM required AS r JOIN people AS p ON p.id = r.leader_id
        ),
        latest AS (
          SELECT DISTINCT ON (r.initiative_id, r.leader_id)
                 r.initiative_id, r.leader_id, r.priority, r.resistance_note, r.rated_at
          FROM alignment_ratings AS r
          WHERE r.org_id = \(orgID)::uuid AND r.initiative_id IN (SELECT id FROM active)
          ORDER BY r.initiative_id, r.leader_id, r.rated_at DESC
        ),
        last_nudge AS (
          SELECT n.initiative_id, n.leader_id, max(n.created_at) AS at
          FROM nudges AS n
          WHERE n.org_id = \(orgID)::uuid AND n.initiative_id IN (SELECT id FROM active)
          GROUP BY n.initiative_id, n.leader_id
        ),
        pair_state AS (
          SELECT a.*, p.initiative_id, p.leader_id, p.iso_week, p.supporting, ln.at AS last_nudged_at,
                 lr.rated_at, lr.priority
          FROM pairs AS p
          JOIN active AS a ON a.id = p.initiative_id
          LEFT JOIN last_nudge AS ln ON ln.initiative_id = p.initiative_id AND ln.leader_id = p.leader_id
          LEFT JOIN latest AS lr ON lr.initiative_id = p.initiative_id AND lr.leader_id = p.leader_id
        ),
        -- A rating out of line or resisting, and the leaders it concerns (sponsor and lead head).
        signals AS (
          SELECT a.id AS initiative_id, lr.leader_id AS rater, lr.rated_at,
                 CASE WHEN lr.resistance_note IS NOT NULL THEN 'resistance' ELSE 'out_of_line' END AS reason
          FROM latest AS lr JOIN active AS a ON a.id = lr.initiative_id
          JOIN pairs AS p ON p.initiative_id = lr.initiative_id AND p.leader_id = lr.leader_id
          WHERE extract(epoch FROM \(now)::timestamptz) - extract(epoch FROM lr.rated_at) <= a.cadence_s
            AND (lr.resistance_note IS NOT NULL OR abs(lr.priority - a.importance) > 1)
        ),
        candidates AS (
          SELECT s.initiative_id, s.leader_id, 'cadence' AS reason, 'c' || s.window_no AS period_key
          FROM pair_state AS s
          WHERE s.last_nudged_at IS NULL
             OR extract(epoch FROM s.last_nudged_at) - extract(epoch FROM s.created_at)
                < s.window_no * s.cadence_s
          UNION ALL
          SELECT s.initiative_id, s.leader_id, 'quiet_initiative', s.iso_week
          FROM pair_state AS s
          WHERE extract(epoch FROM \(now)::timestamptz) - extract(epoch FROM s.last_activity_at) >= s.quiet_s
            AND (s.last_nudged_at IS NULL
                 OR extract(epoch FROM \(now)::timestamptz) - extract(epoch FROM s.last_nudged_at) >= s.quiet_s)
          UNION ALL
          SELECT s.initiative_id, s.leader_id, 'stale_rating', s.iso_week
          FROM pair_state AS s
          WHERE (s.rated_at IS NULL
                 OR extract(epoch FROM \(now)::timestamptz) - extract(epoch FROM s.rated_at) > s.cadence_s)
            AND (s.last_nudged_at IS NULL
                 OR extract(epoch FROM \(now)::timestamptz) - extract(epoch FROM s.last_nudged_at) >= s.quiet_s)
          UNION ALL
          SELECT s.initiative_id, s.leader_id, 'stage_change', s.iso_week
          FROM pair_state AS s
          WHERE s.supporting AND s.stage_changed_at > s.created_at
            AND extract(epoch FROM \(now)::timestamptz) - extract(epoch FROM s.stage_changed_at) <= s.cadence_s
            AND (s.last_nudged_at IS NULL OR s.last_nudged_at < s.stage_changed_at)
          UNION ALL
          SELECT DISTINCT g.initiative_id, t.leader_id, g.reason, p.iso_week
          FROM signals AS g
          JOIN active AS a ON a.id = g.initiative_id
          JOIN areas AS la ON la.org_id = \(orgID)::uuid AND la.id = a.lead_area_id
          CROSS JOIN LATERAL (VALUES (a.sponsor_leader_id), (la.head_leader_id)) AS t (leader_id)
          JOIN people AS p ON p.id = t.leader_id
          LEFT JOIN last_nudge AS ln ON ln.initiative_id = g.initiative_id AND ln.leader_id = t.leader_id
          WHERE t.leader_id <> g.rater AND (ln.at IS NULL OR ln.at < g.rated_at)
        ),
        picked AS (
          SELECT DISTINCT ON (c.initiative_id, c.leader_id) c.initiative_id, c.leader_id, c.reason, c.period_key
          FROM candidates AS c
          ORDER BY c.initiative_id, c.leader_id, array_position(\(Self.reasonsByUrgency)::text[], c.reason)
        ),
        inserted AS (
          INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, due_at, created_at)
          SELECT \(orgID)::uuid, k.initiative_id, k.leader_id, k.reason, k.period_key,
                 \(now)::timestamptz, \(now)::timestamptz
          FROM picked AS k
          ON CONFLICT ON CONSTRAINT nudges_once_per_period DO NOTHING
          RETURNING reason
        )
        SELECT reason, count(*)::bigint FROM inserted GROUP BY reason
        """
    }
}
