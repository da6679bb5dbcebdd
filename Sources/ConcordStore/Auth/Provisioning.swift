import ConcordDomain
import Foundation
import PQ

/// What the operator does with the owner's connection: principals, keys, grants. The API roles cannot.
public struct Provisioning: Sendable {
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A new client organisation with its timezone; the owner's connection needs no tenant setting.
    public func createOrganisation(name: String, slug: String, timezone: String) async throws -> UUID {
        try await StoreError.translating {
            try await pool.withTransaction(TransactionOptions(settings: [("app.actor", "cli")])) { transaction in
                try await transaction.query(
                    "INSERT INTO organisations (name, slug, timezone) VALUES (\(name), \(slug), \(timezone)) RETURNING org_id"
                )[0].decode(0, as: UUID.self)
            }
        }
    }

    /// A principal for one organisation, or for the consultancy when `orgID` is nil.
    public func createPrincipal(name: String, orgID: UUID?) async throws -> UUID {
        let kind = orgID == nil ? PrincipalKind.consultancy : .organisation
        return try await StoreError.translating {
            try await pool.withConnection { connection in
                try await connection.query(
                    """
                    INSERT INTO auth.principals (kind, org_id, name)
                    VALUES (\(kind.rawValue), \(orgID)::uuid, \(name)) RETURNING id
                    """)[0].decode(0, as: UUID.self)
            }
        }
    }

    /// A new key for the principal; the returned secret is the only copy there will ever be.
    public func createKey(principalID: UUID, scopes: Set<Scope>) async throws -> (id: UUID, secret: APIKeySecret) {
        let secret = APIKeySecret.generate()
        let scopeNames = scopes.map(\.rawValue).sorted()
        let id = try await StoreError.translating {
            try await pool.withConnection { connection in
                try await connection.query(
                    """
                    INSERT INTO auth.api_keys (principal_id, key_hash, prefix, scopes)
                    VALUES (\(principalID)::uuid, decode(\(secret.hashHex), 'hex'), \(secret.prefix), \(scopeNames)::text[])
                    RETURNING id
                    """)[0].decode(0, as: UUID.self)
            }
        }
        return (id, secret)
    }

    /// Lets a consultancy principal act for an organisation.
    public func grant(principalID: UUID, orgID: UUID) async throws {
        try await StoreError.translating {
            try await pool.withConnection { connection in
                try await connection.execute(
                    """
                    INSERT INTO auth.principal_org_grants (principal_id, org_id)
                    VALUES (\(principalID)::uuid, \(orgID)::uuid) ON CONFLICT DO NOTHING
                    """)
            }
        }
    }

    /// Revokes a key; it is refused from the next request on (within the API's key cache time).
    public func revokeKey(id: UUID) async throws -> Bool {
        try await pool.withConnection { connection in
            try await connection.execute(
                "UPDATE auth.api_keys SET revoked_at = now() WHERE id = \(id)::uuid AND revoked_at IS NULL") == 1
        }
    }
}
