import Foundation
import PQ

extension TenantTransaction {
    /// Delivered nudges whose answer link expired unanswered become `expired`; returns how many.
    public func expireNudges(now: Date) async throws -> Int {
        try await transaction.execute(
            """
            UPDATE nudges SET state = 'expired'
            WHERE org_id = \(orgID)::uuid AND state IN ('sent', 'digested')
              AND token_expires_at <= \(now)::timestamptz
            """)
    }

    /// Deletes delivery attempts made before `before`; returns how many. The table refuses to lose attempts
    /// younger than 30 days (migration 0011), whatever `before` says.
    public func pruneNudgeDeliveries(before: Date) async throws -> Int {
        try await transaction.execute(
            """
            DELETE FROM nudge_deliveries WHERE org_id = \(orgID)::uuid AND at < \(before)::timestamptz
            """)
    }
}
