import ConcordDomain
import Foundation
import PQ

extension TenantTransaction {
    /// Records the support drops of active initiatives and plans a `support_drop` nudge to each one's sponsor,
    /// in one set-based statement; returns how many nudges it planned.
    ///
    /// A drop is a required or not required leader's newest rating, given within the revisit cadence, that is
    /// two or more below their previous priority or whose buy-in stage went back (`ConcordDomain.SupportDrop`;
    /// a rating without buy-in compares priorities only). `support_drops_once_per_rating` keeps each drop
    /// once, and only a newly recorded drop plans a nudge, so a drop is told once however often planning
    /// runs. The sponsor is not told of their own drop; the nudge key still allows one `support_drop` nudge
    /// per sponsor, initiative and ISO week (in the sponsor's time zone).
    func planSupportDropNudges(now: Date) async throws -> Int {
        let rows = try await transaction.query(Self.supportDropStatement(orgID: orgID, now: now))
        return try rows.first?.decode(0, as: Int.self) ?? 0
    }

    static var buyInOrder: [String] { BuyIn.allCases.map(\.rawValue) }

    static func supportDropStatement(orgID: UUID, now: Date) -> SQL {
        """
        WITH active AS (
          SELECT i.id, i.sponsor_leader_id,
                 coalesce(i.revisit_cadence_days, o.revisit_cadence_days) * 86400 AS cadence_s, o.timezone
          FROM initiatives AS i JOIN organisations AS o ON o.org_id = i.org_id
          WHERE i.org_id = \(orgID)::uuid AND i.archived_at IS NULL
            AND i.stage IN ('initiating', 'developing', 'implementing', 'sustaining')
        ),
        ranked AS (
          SELECT r.id, r.initiative_id, r.leader_id, r.priority, r.buy_in, r.rated_at,
                 lag(r.id) OVER w AS previous_id, lag(r.priority) OVER w AS previous_priority,
                 lag(r.buy_in) OVER w AS previous_buy_in,
                 row_number() OVER (PARTITION BY r.initiative_id, r.leader_id
                                    ORDER BY r.rated_at DESC, r.id DESC) AS newest
          FROM alignment_ratings AS r
          WHERE r.org_id = \(orgID)::uuid AND r.initiative_id IN (SELECT id FROM active)
          WINDOW w AS (PARTITION BY r.initiative_id, r.leader_id ORDER BY r.rated_at, r.id)
        ),
        drops AS (
          SELECT k.* FROM ranked AS k JOIN active AS a ON a.id = k.initiative_id
          WHERE k.newest = 1 AND k.previous_id IS NOT NULL
            AND extract(epoch FROM \(now)::timestamptz) - extract(epoch FROM k.rated_at) <= a.cadence_s
            AND (k.previous_priority - k.priority >= \(SupportDrop.priorityThreshold)::int4
                 OR array_position(\(Self.buyInOrder)::text[], k.buy_in)
                    < array_position(\(Self.buyInOrder)::text[], k.previous_buy_in))
        ),
        recorded AS (
          INSERT INTO support_drops (org_id, initiative_id, leader_id, rating_id, previous_rating_id,
                                     previous_priority, priority, previous_buy_in, buy_in, rated_at, detected_at)
          SELECT \(orgID)::uuid, d.initiative_id, d.leader_id, d.id, d.previous_id, d.previous_priority,
                 d.priority, d.previous_buy_in, d.buy_in, d.rated_at, \(now)::timestamptz
          FROM drops AS d
          ON CONFLICT ON CONSTRAINT support_drops_once_per_rating DO NOTHING
          RETURNING initiative_id, leader_id
        ),
        told AS (
          INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, due_at, created_at)
          SELECT DISTINCT \(orgID)::uuid, d.initiative_id, a.sponsor_leader_id, 'support_drop',
                 to_char(\(now)::timestamptz AT TIME ZONE coalesce(l.timezone, a.timezone), 'IYYY-"W"IW'),
                 \(now)::timestamptz, \(now)::timestamptz
          FROM recorded AS d
          JOIN active AS a ON a.id = d.initiative_id
          JOIN leaders AS l ON l.org_id = \(orgID)::uuid AND l.id = a.sponsor_leader_id AND l.archived_at IS NULL
          WHERE a.sponsor_leader_id <> d.leader_id
          ON CONFLICT ON CONSTRAINT nudges_once_per_period DO NOTHING
          RETURNING 1
        )
        SELECT count(*)::bigint FROM told
        """
    }
}
