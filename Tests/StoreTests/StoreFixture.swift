import ConcordDomain
import ConcordStore
import ConcordTestSupport
import Foundation
import PQ
import Testing

/// A fresh database, a store connected as the API role (held to row-level security), and one organisation
/// to act for, with helpers that make rows.
struct StoreFixture {
    let database: Database
    let store: Store
    let organisation: Organisation
    let scope: TenantScope

    static func make() async throws -> StoreFixture {
        let database = try await TestDatabase.shared.create()
        let store = Store(pool: database.pool(user: "concord_api"))
        let organisation = try await store.createOrganisation(
            name: "Acme", slug: "acme", actor: "test")
        return StoreFixture(
            database: database, store: store, organisation: organisation,
            scope: TenantScope(orgID: organisation.id, actor: "test"))
    }

    /// Another organisation in the same database, acting through the same store.
    func otherOrganisation(slug: String = "globex") async throws -> StoreFixture {
        let organisation = try await store.createOrganisation(name: "Globex", slug: slug, actor: "test")
        return StoreFixture(
            database: database, store: store, organisation: organisation,
            scope: TenantScope(orgID: organisation.id, actor: "test"))
    }

    func write<Value: Sendable>(_ body: (TenantTransaction) async throws -> Value) async throws -> Value {
        try await store.write(scope, body)
    }

    func read<Value: Sendable>(_ read: StoreRead<Value>) async throws -> Value {
        try await store.read(scope, read)
    }

    func leader(_ name: String, area: UUID? = nil) async throws -> Leader {
        try await write { try await $0.createLeader(LeaderFields(name: name, areaID: area)) }
    }

    func area(_ name: String, head: UUID? = nil) async throws -> Area {
        try await write { try await $0.createArea(AreaFields(name: name, headLeaderID: head)) }
    }

    /// An area with a new leader at its head.
    func areaWithHead(_ name: String, head: String) async throws -> (area: Area, head: Leader) {
        let leader = try await self.leader(head)
        return (try await area(name, head: leader.id), leader)
    }

    func initiative(
        _ title: String, lead: UUID, importance: Int = 3, supporting: [SupportingArea] = []
    ) async throws -> Initiative {
        try await write {
            try await $0.createInitiative(
                NewInitiative(title: title, leadAreaID: lead, importance: importance, supportingAreas: supporting))
        }
    }

    /// A count as the superuser, who sees every organisation's rows.
    func count(_ table: String) async throws -> Int {
        let connection = try await Connection.connect(database.conninfo)
        let result = try await connection.query("SELECT count(*) FROM \(unescaped: table)")
        await connection.close()
        return try result[0].decode(0, as: Int.self)
    }
}

/// The `StoreError` `body` throws, or nil (recording an issue) when it throws nothing or something else.
func storeError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> StoreError? {
    do {
        try await body()
        Issue.record("expected a StoreError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

extension StoreError {
    /// The constraint named by an integrity error.
    var constraint: String? {
        switch self {
        case .invalid(let constraint, _), .conflict(let constraint, _), .missingReference(let constraint, _):
            return constraint
        case .notFound, .versionConflict:
            return nil
        }
    }
}
