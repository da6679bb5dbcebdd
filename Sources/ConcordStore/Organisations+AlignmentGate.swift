import Foundation
import PQ

/// The organisation's default alignment gate: the index an initiative needs to move on to developing and
/// implementing, unless it sets its own.
public struct OrganisationGate: Sendable, Codable, Hashable {
    @GateIndexString public var alignmentGate: Decimal

    public init(alignmentGate: Decimal) {
        self.alignmentGate = alignmentGate
    }
}

extension Reads {
    /// The organisation's default gate.
    public static func organisationGate() -> StoreRead<OrganisationGate?> {
        StoreRead(["SELECT o.alignment_gate FROM organisations AS o WHERE o.org_id = app.current_org()"]) { results in
            try results[0].first.map { OrganisationGate(alignmentGate: try $0.decode("alignment_gate")) }
        }
    }
}

extension TenantTransaction {
    /// Sets the organisation's default gate (0-1; the database refuses anything else).
    public func setOrganisationGate(_ gate: Decimal) async throws -> OrganisationGate {
        let rows = try await transaction.query(
            """
            UPDATE organisations AS o SET alignment_gate = \(gate)::numeric, version = o.version + 1
            WHERE o.org_id = \(orgID)::uuid RETURNING o.alignment_gate
            """)
        guard let row = rows.first else { throw StoreError.notFound(entity: "organisation", id: orgID.uuidString) }
        return OrganisationGate(alignmentGate: try row.decode("alignment_gate"))
    }
}
