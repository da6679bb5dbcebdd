import ConcordDomain
import Foundation
import PQ

/// Whether a key speaks for one organisation or for the consultancy across granted ones.
public enum PrincipalKind: String, Sendable, Codable {
    case organisation
    case consultancy
}

/// What a presented key turned out to be.
public struct AuthenticatedKey: Sendable, Equatable {
    public let keyID: UUID
    public let principalID: UUID
    public let kind: PrincipalKind
    /// The organisation of an organisation key; nil for the consultancy.
    public let orgID: UUID?
    public let scopes: Set<Scope>
    public let revoked: Bool
}

/// Looks keys up through the SECURITY DEFINER functions, the only way the API role reaches `auth`.
public struct KeyDirectory: Sendable {
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// The key with this hash, or nil when no such key exists.
    public func authenticate(_ secret: APIKeySecret) async throws -> AuthenticatedKey? {
        let rows = try await pool.withConnection { connection in
            try await connection.query(
                """
                SELECT key_id, principal_id, principal_kind, org_id, scopes, revoked
                FROM auth_api_key(decode(\(secret.hashHex), 'hex'))
                """)
        }
        guard let row = rows.first else { return nil }
        let (keyID, principalID, kind, orgID, scopes, revoked) = try row.decode(
            (UUID, UUID, String, UUID?, [String], Bool).self)
        return AuthenticatedKey(
            keyID: keyID, principalID: principalID, kind: PrincipalKind(rawValue: kind) ?? .organisation,
            orgID: orgID, scopes: Set(scopes.compactMap(Scope.init(rawValue:))), revoked: revoked)
    }

    /// Whether the principal may act for the organisation (its own, or one granted to the consultancy).
    public func canAccess(principalID: UUID, orgID: UUID) async throws -> Bool {
        try await pool.withConnection { connection in
            try await connection.query("SELECT principal_can_access(\(principalID)::uuid, \(orgID)::uuid)")[0]
                .decode(0, as: Bool?.self) ?? false
        }
    }

    /// The organisations a principal may act for.
    public func organisations(principalID: UUID) async throws -> [UUID] {
        try await pool.withConnection { connection in
            try await connection.query("SELECT principal_org_ids(\(principalID)::uuid)").map {
                try $0.decode(0, as: UUID.self)
            }
        }
    }
}
