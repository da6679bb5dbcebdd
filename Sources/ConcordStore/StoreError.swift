import PQ

/// What a caller of the store can act on; PostgreSQL's wording stays inside.
public enum StoreError: Error, Sendable, Equatable {
    /// No such row in this organisation (which is also what another organisation's row looks like).
    case notFound(entity: String, id: String)
    /// The row changed since the caller read it.
    case versionConflict(entity: String, id: String, current: Int)
    /// The input broke a rule the database enforces; `constraint` names it.
    case invalid(constraint: String, message: String)
    /// The input clashes with an existing row (a unique key).
    case conflict(constraint: String, message: String)
    /// A row it refers to does not exist in this organisation.
    case missingReference(constraint: String, message: String)

    /// Runs `body`, turning integrity errors into `StoreError`; everything else passes through.
    static func translating<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as PostgresError {
            throw StoreError(error) ?? error
        }
    }

    init?(_ error: PostgresError) {
        let constraint = error.constraint ?? error.table ?? "unknown"
        switch error.kind {
        case .checkViolation, .notNullViolation, .exclusionViolation:
            self = .invalid(
                constraint: error.kind == .notNullViolation ? (error.column ?? constraint) : constraint,
                message: error.message)
        case .uniqueViolation:
            self = .conflict(constraint: constraint, message: error.message)
        case .foreignKeyViolation:
            self = .missingReference(constraint: constraint, message: error.message)
        default:
            // Raised by triggers with a named constraint (cycles, append-only rows) or a bad value.
            if error.sqlState == "23001" {
                self = .invalid(constraint: constraint, message: error.message)
            } else if error.sqlState == "22P02" || error.sqlState == "22003" || error.sqlState == "22007"
                || error.sqlState == "22008"
            {
                self = .invalid(constraint: error.column ?? "value", message: error.message)
            } else {
                return nil
            }
        }
    }
}
