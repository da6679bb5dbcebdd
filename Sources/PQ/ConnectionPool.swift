import Foundation
import Logging

/// How a pool connects and how it hands connections out.
public struct PoolConfiguration: Sendable {
    /// A libpq conninfo string or `postgres://` URL.
    public var conninfo: String
    /// Connections open at most; more callers wait in line.
    public var maxConnections: Int
    /// How long a caller waits for a connection before `.poolTimeout`.
    public var acquireTimeout: Duration
    /// Connections older than this are closed when returned, so servers and balancers can rotate them.
    public var maxLifetime: Duration
    /// Server-side limit on each statement; the server cancels a statement that runs longer.
    public var statementTimeout: Duration?
    /// Runs once on every new connection (session settings, `SET ROLE`).
    public var onConnect: (@Sendable (Connection) async throws -> Void)?

    public init(
        conninfo: String, maxConnections: Int = 10, acquireTimeout: Duration = .seconds(10),
        maxLifetime: Duration = .seconds(3600), statementTimeout: Duration? = nil,
        onConnect: (@Sendable (Connection) async throws -> Void)? = nil
    ) {
        self.conninfo = conninfo
        self.maxConnections = maxConnections
        self.acquireTimeout = acquireTimeout
        self.maxLifetime = maxLifetime
        self.statementTimeout = statementTimeout
        self.onConnect = onConnect
    }
}

/// A bounded pool of connections; callers beyond the bound wait in arrival order, up to a timeout.
///
/// Connections are checked before they are handed out (a server restart shows up as a dead socket) and
/// replaced when dead or too old, so the pool recovers by itself after the server comes back.
public actor ConnectionPool {
    public nonisolated let configuration: PoolConfiguration
    private let logger: Logger
    private var idle: [Connection] = []
    private var open = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var closed = false
    /// Fails waiters whose time is up; runs only while some caller waits.
    private var sweeper: Task<Void, Never>?

    /// What a waiting caller is handed: a connection, or the right to open one.
    private enum Handout: Sendable {
        case connection(Connection)
        case slot
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Handout, any Error>
        let deadline: ContinuousClock.Instant
    }

    public init(_ configuration: PoolConfiguration, logger: Logger = Logger(label: "pq.pool")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Connections open now, and callers waiting for one: for metrics.
    public var statistics: (open: Int, idle: Int, waiting: Int) { (open, idle.count, waiters.count) }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    public nonisolated func withConnection<T: Sendable>(
        _ body: (Connection) async throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            await release(connection)
            return value
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Closes idle connections and refuses new work; connections in use close when returned.
    public func close() async {
        closed = true
        let connections = idle
        idle.removeAll()
        open -= connections.count
        sweeper?.cancel()
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(.poolClosed, message: "the pool is closed"))
        }
        waiters.removeAll()
        for connection in connections { await connection.close() }
    }

    // MARK: Lending

    private nonisolated func acquire() async throws -> Connection {
        while true {
            switch try await reserve() {
            case .connection(let connection):
                if await connection.isAlive() { return connection }
                logger.info("discarding a dead pooled connection")
                await discard(connection)
            case .slot:
                do {
                    return try await openConnection()
                } catch {
                    await giveBackSlot()
                    throw error
                }
            }
        }
    }

    private nonisolated func openConnection() async throws -> Connection {
        let connection = try await Connection.connect(configuration.conninfo)
        if let timeout = configuration.statementTimeout {
            let milliseconds =
                timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            try await connection.query("SELECT set_config('statement_timeout', \(String(milliseconds)), false)")
        }
        try await configuration.onConnect?(connection)
        return connection
    }

    private func reserve() async throws -> Handout {
        if closed { throw PostgresError(.poolClosed, message: "the pool is closed") }
        if let connection = idle.popLast() { return .connection(connection) }
        if open < configuration.maxConnections {
            open += 1
            return .slot
        }
        nextWaiterID += 1
        let id = nextWaiterID
        let deadline = ContinuousClock.now.advanced(by: configuration.acquireTimeout)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append(Waiter(id: id, continuation: continuation, deadline: deadline))
                if sweeper == nil { startSweeper() }
            }
        } onCancel: {
            Task { await self.expire(id, error: CancellationError()) }
        }
    }

    private static func timeoutError(_ timeout: Duration) -> PostgresError {
        PostgresError(.poolTimeout, message: "no connection became free within \(timeout); the pool is exhausted")
    }

    /// One task for all waiters, not a sleeping task per waiter: under load most requests wait for a
    /// connection, and starting, cancelling and tearing down a timer task each was 1% of the API's CPU. Waiters
    /// queue in arrival order with the same timeout, so the first one's deadline is the nearest.
    private func startSweeper() {
        sweeper = Task { [weak self] in
            // The pool is held only while it is entered, not while the task sleeps.
            while let deadline = await self?.expireOverdueWaiters() {
                try? await Task.sleep(until: deadline, clock: .continuous)
                if Task.isCancelled { return }
            }
        }
    }

    /// Fails the waiters whose time is up; the next deadline, or nil (and no sweeper) when nobody waits.
    private func expireOverdueWaiters() -> ContinuousClock.Instant? {
        let now = ContinuousClock.now
        while let first = waiters.first, first.deadline <= now {
            expire(first.id, error: Self.timeoutError(configuration.acquireTimeout))
        }
        if let first = waiters.first { return first.deadline }
        sweeper = nil
        return nil
    }

    private func expire(_ id: Int, error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }

    private func handOut(_ handout: Handout) -> Bool {
        guard !waiters.isEmpty else { return false }
        waiters.removeFirst().continuation.resume(returning: handout)
        return true
    }

    // MARK: Taking back

    /// Checks the connection outside the actor, then enters it once to put the connection back.
    private nonisolated func release(_ connection: Connection) async {
        // A connection returned mid-transaction (a caller's bug or an error path) is rolled back or dropped,
        // so nothing of one caller's transaction reaches the next.
        var reusable = Duration.seconds(-connection.createdAt.timeIntervalSinceNow) < configuration.maxLifetime
        if reusable {
            switch await connection.transactionStatus {
            case .idle: break
            case .inTransaction, .failedTransaction:
                reusable = (try? await connection.simpleQuery("ROLLBACK")) != nil
            case .active, .unknown: reusable = false
            }
        }
        await checkIn(connection, reusable: reusable)
    }

    private func checkIn(_ connection: Connection, reusable: Bool) async {
        if reusable && !closed {
            if !handOut(.connection(connection)) { idle.append(connection) }
        } else {
            await discard(connection)
        }
    }

    private func discard(_ connection: Connection) async {
        await connection.close()
        giveBackSlot()
    }

    private func giveBackSlot() {
        if closed || !handOut(.slot) { open -= 1 }
    }
}
