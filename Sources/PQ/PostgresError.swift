/// Every failure the wrapper reports: from the server (with its diagnostics), from libpq, or from decoding.
///
/// `description` names the kind, SQLSTATE, constraint and message but never bound values, so errors can be logged.
public struct PostgresError: Error, CustomStringConvertible, CustomDebugStringConvertible, Sendable {
    /// What went wrong, as something callers can `switch` or match on.
    public enum Kind: Sendable, Equatable {
        case uniqueViolation
        case foreignKeyViolation
        case checkViolation
        case notNullViolation
        case exclusionViolation
        case insufficientPrivilege
        case serializationFailure
        case deadlock
        case queryCancelled
        case connectionLost
        case connectionFailed
        case invalidConnectionString
        case poolTimeout
        case poolClosed
        case decoding
        case encoding
        case server
        case client
    }

    public var kind: Kind
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    public var schema: String?
    /// The statement that failed; kept out of `description`, shown by `debugDescription`.
    public var query: String?

    public init(
        _ kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil, schema: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.schema = schema
    }

    /// Maps a SQLSTATE to the kinds callers handle differently; the rest stay `.server`.
    public static func kind(forSQLState state: String) -> Kind {
        switch state {
        case "23505": return .uniqueViolation
        case "23503": return .foreignKeyViolation
        case "23514": return .checkViolation
        case "23502": return .notNullViolation
        case "23P01": return .exclusionViolation
        case "42501": return .insufficientPrivilege
        case "40001": return .serializationFailure
        case "40P01": return .deadlock
        case "57014": return .queryCancelled
        case "57P01", "57P02", "57P03": return .connectionLost
        default:
            return state.hasPrefix("08") ? .connectionLost : .server
        }
    }

    /// Whether running the whole transaction again may succeed.
    public var isTransient: Bool { kind == .serializationFailure || kind == .deadlock }

    public var description: String {
        var text = "PostgresError.\(kind)"
        if let sqlState { text += " [\(sqlState)]" }
        if let constraint { text += " constraint \(constraint)" }
        return text + ": \(message)"
    }

    public var debugDescription: String {
        var text = description
        if let detail { text += "\ndetail: \(detail)" }
        if let hint { text += "\nhint: \(hint)" }
        if let query { text += "\nquery: \(query)" }
        return text
    }
}
