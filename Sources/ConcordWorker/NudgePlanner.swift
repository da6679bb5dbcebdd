import ConcordStore
import Foundation
import PQ

/// The periodic planning job: one set-based statement per organisation (see `TenantTransaction.planNudges`).
public struct NudgePlanner: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Plans one organisation's nudges due at `now`.
    public func plan(orgID: UUID, now: Date = Date()) async throws -> NudgePlanSummary {
        try await store.write(TenantScope(orgID: orgID, actor: "worker:nudges")) { try await $0.planNudges(now: now) }
    }

    /// Plans every active organisation in turn; returns what each got.
    public func planAll(now: Date = Date()) async throws -> [UUID: NudgePlanSummary] {
        let orgs = try await store.pool.withConnection { connection in
            try await connection.query("SELECT active_org_ids()").map { try $0.decode(0, as: UUID.self) }
        }
        var summaries: [UUID: NudgePlanSummary] = [:]
        for org in orgs { summaries[org] = try await plan(orgID: org, now: now) }
        return summaries
    }
}
