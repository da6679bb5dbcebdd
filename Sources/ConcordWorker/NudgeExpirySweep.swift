import ConcordStore
import Foundation

/// What one organisation's sweep did.
public struct NudgeSweepReport: Sendable, Equatable {
    /// Delivered nudges whose link expired unanswered, now `expired`.
    public var expired: Int
    /// Delivery attempts older than the retention period, deleted.
    public var pruned: Int
}

/// The periodic sweep: nudges whose answer link expired unanswered are marked `expired`, and delivery
/// attempts older than the retention period are pruned; one transaction per organisation.
public struct NudgeExpirySweep: Sendable {
    public let store: Store
    /// How long delivery attempts are kept; the database refuses to prune any younger than 30 days.
    public let deliveryRetention: TimeInterval

    public init(store: Store, deliveryRetentionDays: Int) {
        self.store = store
        self.deliveryRetention = TimeInterval(deliveryRetentionDays) * 86_400
    }

    public func sweep(orgID: UUID, now: Date = Date()) async throws -> NudgeSweepReport {
        try await store.write(TenantScope(orgID: orgID, actor: "worker:nudges")) { tx in
            NudgeSweepReport(
                expired: try await tx.expireNudges(now: now),
                pruned: try await tx.pruneNudgeDeliveries(before: now.addingTimeInterval(-deliveryRetention)))
        }
    }
}
