import Foundation
import PQ
import UUIDText

/// Who acts, and for which organisation: every tenant read and write runs inside one.
public struct TenantScope: Sendable, Hashable {
    public let orgID: UUID
    /// Recorded in the audit log (`app.actor`), e.g. `key:3f2a…` or `cli:alice`.
    public let actor: String

    public init(orgID: UUID, actor: String) {
        self.orgID = orgID
        self.actor = actor
    }

    /// The transaction-local settings row-level security and the audit trigger read.
    var settings: [(name: String, value: String)] {
        [("app.org_id", UUIDText.string(orgID)), ("app.actor", actor)]
    }
}

/// A read made of statements that go out together: with BEGIN, the tenant setting and COMMIT around them,
/// the whole read is one network round trip.
public struct StoreRead<Value: Sendable>: Sendable {
    public let statements: [SQL]
    public let decode: @Sendable ([QueryResult]) throws -> Value

    public init(_ statements: [SQL], decode: @escaping @Sendable ([QueryResult]) throws -> Value) {
        self.statements = statements
        self.decode = decode
    }

    /// Two reads in one round trip.
    public static func zip<First: Sendable, Second: Sendable>(
        _ first: StoreRead<First>, _ second: StoreRead<Second>
    ) -> StoreRead<(First, Second)> where Value == (First, Second) {
        let split = first.statements.count
        return StoreRead([first.statements, second.statements].flatMap { $0 }) { results in
            (try first.decode(Array(results.prefix(split))), try second.decode(Array(results.dropFirst(split))))
        }
    }

    public func map<Other: Sendable>(_ transform: @escaping @Sendable (Value) throws -> Other) -> StoreRead<Other> {
        let decode = self.decode
        return StoreRead<Other>(statements) { try transform(try decode($0)) }
    }
}

/// The statements of one tenant-scoped transaction; each aggregate adds its operations in an extension.
public struct TenantTransaction: Sendable {
    public let scope: TenantScope
    public let transaction: Transaction

    public var orgID: UUID { scope.orgID }

    /// Runs a read inside this transaction (for reads that must see the transaction's own writes).
    public func run<Value: Sendable>(_ read: StoreRead<Value>) async throws -> Value {
        try read.decode(try await transaction.pipeline(read.statements))
    }
}

/// The system of record: every operation runs in a transaction with the tenant set, so row-level
/// security holds even if a caller forgets a `WHERE org_id`.
public struct Store: Sendable {
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A read-write transaction for `scope`; constraint violations come back as `StoreError`.
    public func write<Value: Sendable>(
        _ scope: TenantScope, _ body: (TenantTransaction) async throws -> Value
    ) async throws -> Value {
        try await StoreError.translating {
            try await pool.withTransaction(TransactionOptions(settings: scope.settings)) { transaction in
                try await body(TenantTransaction(scope: scope, transaction: transaction))
            }
        }
    }

    /// A read-write transaction for `scope` on a connection the caller holds, for work that keeps one session
    /// across several transactions (a session advisory lock between them).
    public func write<Value: Sendable>(
        _ scope: TenantScope, on connection: Connection, _ body: (TenantTransaction) async throws -> Value
    ) async throws -> Value {
        try await StoreError.translating {
            try await connection.withTransaction(TransactionOptions(settings: scope.settings)) { transaction in
                try await body(TenantTransaction(scope: scope, transaction: transaction))
            }
        }
    }

    /// The organisations that are not archived, for jobs that visit each in turn (the worker's role only).
    public func activeOrganisationIDs() async throws -> [UUID] {
        try await pool.withConnection { connection in
            try await connection.query("SELECT id FROM active_org_ids() AS id ORDER BY id").map {
                try $0.decode("id", as: UUID.self)
            }
        }
    }

    /// A read in one round trip: BEGIN READ ONLY, the tenant setting, the statements and COMMIT, pipelined.
    public func read<Value: Sendable>(_ scope: TenantScope, _ read: StoreRead<Value>) async throws -> Value {
        try await StoreError.translating {
            try read.decode(try await pool.pipelinedRead(settings: scope.settings, read.statements))
        }
    }
}
