import ConcordStore
import Foundation
import PQ

/// The organisation `concord dev` loads so there is something to look at.
enum DemoOrganisation {
    struct Loaded {
        let orgID: UUID
        let secret: String
    }

    static func load(conninfo: String) async throws -> Loaded {
        let pool = ConnectionPool(PoolConfiguration(conninfo: conninfo, maxConnections: 1))
        defer { Task { await pool.close() } }
        let provisioning = Provisioning(pool: pool)
        let slug = "demo-\(Int(Date().timeIntervalSince1970))"
        let org = try await provisioning.createOrganisation(
            name: "Demo Manufacturing", slug: slug, timezone: "Europe/Berlin")
        let principal = try await provisioning.createPrincipal(name: "demo admin", orgID: org)
        let key = try await provisioning.createKey(principalID: principal, scopes: [.admin])
        return Loaded(orgID: org, secret: key.secret.value)
    }
}
