import Foundation

/// How a transaction runs.
public struct TransactionOptions: Sendable {
    public enum Isolation: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    public var isolation: Isolation
    public var readOnly: Bool
    /// Settings made with `set_config(name, value, true)`: they end with the transaction, so a pooled
    /// connection never carries one caller's settings (a tenant, say) into the next caller's work.
    public var settings: [(name: String, value: String)]
    /// Attempts after a serialization failure or deadlock before the error is thrown.
    public var maxRetries: Int

    public init(
        isolation: Isolation = .readCommitted, readOnly: Bool = false,
        settings: [(name: String, value: String)] = [], maxRetries: Int = 3
    ) {
        self.isolation = isolation
        self.readOnly = readOnly
        self.settings = settings
        self.maxRetries = maxRetries
    }

    /// BEGIN and the settings, sent ahead of the first statement in the same round trip; their results
    /// are only checked. Their texts are constants: a tenant read builds none of them. `more` is room for the
    /// statements the caller appends.
    func encodedPrologue(reserving more: Int = 0) -> [EncodedStatement] {
        var statements: [EncodedStatement] = []
        statements.reserveCapacity(1 + settings.count + more)
        statements.append(Self.begin(isolation, readOnly: readOnly))
        for setting in settings {
            statements.append(
                EncodedStatement(key: Self.setConfig, values: [setting.name, setting.value], keepsRows: false))
        }
        return statements
    }

    /// The whole transaction for one round trip: the prologue, `statements`, and COMMIT, in one array sized
    /// once (this is every tenant read's path).
    func encodedTransaction(_ statements: [SQL]) throws -> [EncodedStatement] {
        var encoded = encodedPrologue(reserving: statements.count + 1)
        for statement in statements { encoded.append(try EncodedStatement(statement)) }
        encoded.append(Self.commit)
        return encoded
    }

    private static let commit = EncodedStatement(text: "COMMIT", values: [], keepsRows: false)

    private static let setConfig = StatementKey(text: "SELECT set_config($1, $2, true)")

    private static func begin(_ isolation: Isolation, readOnly: Bool) -> EncodedStatement {
        switch (isolation, readOnly) {
        case (.readCommitted, false): beginStatements[0]
        case (.readCommitted, true): beginStatements[1]
        case (.repeatableRead, false): beginStatements[2]
        case (.repeatableRead, true): beginStatements[3]
        case (.serializable, false): beginStatements[4]
        case (.serializable, true): beginStatements[5]
        }
    }

    private static let beginStatements: [EncodedStatement] = [Isolation.readCommitted, .repeatableRead, .serializable]
        .flatMap { isolation in
            [false, true].map { readOnly in
                EncodedStatement(
                    text: "BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")", values: [],
                    keepsRows: false)
            }
        }
}

/// The statements of one transaction, on one connection.
///
/// BEGIN and the settings are not sent on their own: they go out in the same pipeline as the first
/// statement, so a transaction of N statements costs N + 1 round trips (the last one is COMMIT).
public final class Transaction: @unchecked Sendable {
    public let connection: Connection
    // Only touched by the task running the transaction body.
    private var pendingPrologue: [EncodedStatement]

    init(connection: Connection, options: TransactionOptions) {
        self.connection = connection
        self.pendingPrologue = options.encodedPrologue()
    }

    @discardableResult
    public func query(_ statement: SQL) async throws -> QueryResult {
        try await pipeline([statement])[0]
    }

    @discardableResult
    public func execute(_ statement: SQL) async throws -> Int {
        try await query(statement).affectedRows
    }

    /// Several statements in one round trip; results in order.
    public func pipeline(_ statements: [SQL]) async throws -> [QueryResult] {
        let encoded = try pendingPrologue + statements.map(EncodedStatement.init)
        pendingPrologue = []
        return try await connection.pipeline(encoded: [encoded])[0].get()
    }

    public func copyIn(_ statement: String, rows: [[any PostgresEncodable]]) async throws -> Int {
        try await flushPrologue()
        return try await connection.copyIn(statement, rows: rows)
    }

    func flushPrologue() async throws {
        guard !pendingPrologue.isEmpty else { return }
        let prologue = pendingPrologue
        pendingPrologue = []
        _ = try await connection.pipeline(encoded: [prologue])[0].get()
    }

    func commit() async throws {
        if !pendingPrologue.isEmpty {
            pendingPrologue = []
            return  // Nothing was sent: there is nothing to commit.
        }
        // A statement failed and the body caught its error: the server would turn COMMIT into ROLLBACK without
        // an error, and the caller would take its work as saved.
        if await connection.transactionStatus == .failedTransaction {
            throw PostgresError(
                .server, sqlState: "25P02",
                message: "the transaction was rolled back: a statement in it failed and its error was caught")
        }
        try await connection.simpleQuery("COMMIT")
    }

    func rollback() async {
        guard pendingPrologue.isEmpty else { return }
        _ = try? await connection.simpleQuery("ROLLBACK")
    }
}

extension Connection {
    /// Runs `body` in a transaction on this connection and commits it; rolls back when it throws.
    ///
    /// A serialization failure or deadlock runs `body` again (up to `maxRetries`, with a short jittered
    /// pause), so `body` must not have effects outside the database that cannot be repeated. For work that
    /// must keep one session across several transactions (a session advisory lock held between them).
    public func withTransaction<T: Sendable>(
        _ options: TransactionOptions = TransactionOptions(),
        _ body: (Transaction) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            let transaction = Transaction(connection: self, options: options)
            do {
                let value = try await body(transaction)
                try await transaction.commit()
                return value
            } catch let error as PostgresError where error.isTransient && attempt < options.maxRetries {
                await transaction.rollback()
                attempt += 1
                let pause = Double.random(in: 0.001...0.005) * Double(1 << attempt)
                try await Task.sleep(for: .seconds(pause))
            } catch {
                await transaction.rollback()
                throw error
            }
        }
    }
}

extension ConnectionPool {
    /// Runs `body` in a transaction on a pooled connection and commits it; rolls back when it throws.
    ///
    /// A serialization failure or deadlock runs `body` again (up to `maxRetries`, with a short jittered
    /// pause), so `body` must not have effects outside the database that cannot be repeated.
    public func withTransaction<T: Sendable>(
        _ options: TransactionOptions = TransactionOptions(),
        _ body: (Transaction) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in try await connection.withTransaction(options, body) }
    }

    /// A whole read-only transaction (BEGIN, settings, the statements, COMMIT) in one round trip.
    ///
    /// This is the shape of a tenant-scoped read: the tenant travels as a transaction-local setting in
    /// the same pipeline as the query.
    public func pipelinedRead(
        settings: [(name: String, value: String)] = [], _ statements: [SQL]
    ) async throws -> [QueryResult] {
        try await pipelinedTransaction(TransactionOptions(readOnly: true, settings: settings), statements)
    }

    /// A whole transaction (BEGIN, the options' settings, the statements, COMMIT) in one round trip; the
    /// statements' results. Not retried: a caller whose statements may meet a serialization failure
    /// uses `withTransaction`.
    public func pipelinedTransaction(
        _ options: TransactionOptions, _ statements: [SQL]
    ) async throws -> [QueryResult] {
        let encoded = try options.encodedTransaction(statements)
        return try await withConnection { connection in
            do {
                return try await connection.pipeline(encoded: [encoded])[0].get()
            } catch {
                // A failed statement skips the COMMIT behind it and leaves the transaction open.
                _ = try? await connection.simpleQuery("ROLLBACK")
                throw error
            }
        }
    }

    /// `statements` as a transaction of their own (no BEGIN: they commit together at their sync point), then
    /// the transaction of `options` and `transaction` (BEGIN, the settings, the statements, COMMIT), both in
    /// one round trip. Each commits or fails on its own: an error in the first skips nothing of the second,
    /// and one in the second undoes nothing of the first. Not retried.
    public func pipelined(
        _ statements: [SQL], thenTransaction options: TransactionOptions, _ transaction: [SQL]
    ) async throws -> (first: Result<[QueryResult], any Error>, then: Result<[QueryResult], any Error>) {
        let first = try statements.map(EncodedStatement.init)
        let then = try options.encodedTransaction(transaction)
        return try await withConnection { connection in
            let results = try await connection.pipeline(encoded: [first, then])
            let then = results[1]
            if case .failure = then {
                // A failed statement skips the COMMIT behind it and leaves the transaction open.
                _ = try? await connection.simpleQuery("ROLLBACK")
            }
            return (results[0], then)
        }
    }
}
