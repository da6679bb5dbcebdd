import ConcordDomain
import Foundation
import PQ

/// Why a stage change goes ahead below the alignment gate; kept in `stage_gate_overrides` and the audit log.
public struct GateOverride: Sendable, Hashable {
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// A stage change the alignment gate refused, with the leaders not yet aligned.
public struct StageGateRefusal: Error, Sendable, Hashable {
    public let initiativeID: UUID
    public let from: Stage
    public let to: Stage
    /// Nil when no leader is required.
    public let alignmentIndex: Decimal?
    public let gate: GateStatus
}

extension TenantTransaction {
    /// Moves the initiative to `stage` if it is still at `expectedVersion`. A move that passes the alignment
    /// gate (`AlignmentGate.gates`) while the index is below it is refused with `StageGateRefusal`, unless
    /// `override` says why it goes ahead anyway; the override is recorded (and so audited) in the same
    /// transaction. The database stamps `stage_changed_at`, and the change counts as activity.
    public func changeStage(
        _ id: UUID, to stage: Stage, expectedVersion: Int, override: GateOverride? = nil, now: Date = Date()
    ) async throws -> Initiative {
        guard let detail = try await run(Reads.initiativeDetail(id, now: now)) else {
            throw StoreError.notFound(entity: "initiative", id: id.uuidString)
        }
        let current = detail.initiative.stage
        // A stale version is refused as such by the update, before anyone reads a verdict on old data.
        if detail.initiative.version == expectedVersion, AlignmentGate.gates(from: current, to: stage),
            !detail.gate.met
        {
            guard let override else {
                throw StageGateRefusal(
                    initiativeID: id, from: current, to: stage, alignmentIndex: detail.alignment.index,
                    gate: detail.gate)
            }
            try await transaction.execute(
                """
                INSERT INTO stage_gate_overrides
                  (org_id, initiative_id, from_stage, to_stage, alignment_index, alignment_gate,
                   not_aligned_leader_ids, reason, actor)
                VALUES (\(orgID)::uuid, \(id)::uuid, \(raw: current), \(raw: stage),
                        \(detail.alignment.index)::numeric, \(detail.gate.threshold)::numeric,
                        \(detail.gate.notAlignedLeaders.map(\.leaderID))::uuid[], \(override.reason),
                        nullif(current_setting('app.actor', true), ''))
                """)
        }
        return try await moveStage(id, to: stage, expectedVersion: expectedVersion)
    }
}
