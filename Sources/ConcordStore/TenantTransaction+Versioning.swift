import Foundation
import PQ

extension TenantTransaction {
    /// Runs an optimistic-concurrency UPDATE (`... AND version = expected RETURNING ...`) and decodes the
    /// row; when it changed nothing, finds out why: no such row (`notFound`), or another version
    /// (`versionConflict`).
    func updateVersioned<Value>(
        _ statement: SQL, table: String, entity: String, id: UUID, decode: (Row) throws -> Value
    ) async throws -> Value {
        let result = try await transaction.query(statement)
        if let row = result.first { return try decode(row) }
        throw try await missedUpdate(table: table, entity: entity, id: id)
    }

    /// The error for an UPDATE that matched no row.
    func missedUpdate(table: String, entity: String, id: UUID) async throws -> StoreError {
        let current = try await transaction.query(
            "SELECT version FROM \(unescaped: table) WHERE org_id = \(orgID)::uuid AND id = \(id)::uuid")
        guard let row = current.first else { return .notFound(entity: entity, id: id.uuidString) }
        return .versionConflict(entity: entity, id: id.uuidString, current: try row.decode(0, as: Int.self))
    }

    /// Throws `notFound` unless the row exists in this organisation.
    func requireRow(table: String, entity: String, id: UUID) async throws {
        let found = try await transaction.query(
            "SELECT 1 FROM \(unescaped: table) WHERE org_id = \(orgID)::uuid AND id = \(id)::uuid")
        if found.isEmpty { throw StoreError.notFound(entity: entity, id: id.uuidString) }
    }
}
