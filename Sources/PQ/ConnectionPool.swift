import Foundation
import Logging
import Synchronization

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
///
/// The bookkeeping sits behind a lock rather than in an actor: taking and returning a connection are a few
/// instructions each, and an actor would add two executor hops to every statement, which under load make
/// tasks on different threads queue for it and resume on the wrong thread.
public final class ConnectionPool: Sendable {
    public let configuration: PoolConfiguration
    private let logger: Logger
    private let state = Mutex(State())
    /// `configuration.maxLifetime`, converted once rather than for every connection returned.
    private let maxLifetimeNanoseconds: UInt64

    private struct State: ~Copyable {
        var idle: [Connection] = []
        var open = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var closed = false
        /// Whether the task that fails overdue waiters is running; it runs only while some caller waits.
        var sweeping = false

        /// What a caller gets without waiting: an idle connection (one watched by the caller's own thread if
        /// there is one), the right to open one, or neither.
        mutating func take(limit: Int, preferring watcher: ObjectIdentifier?) -> Taking {
            if closed { return .closed }
            // Callers already in line come first.
            guard waiters.isEmpty else { return .wait }
            if let watcher, let index = idle.lastIndex(where: { $0.watcher == watcher }) {
                return .handout(.connection(idle.remove(at: index)))
            }
            if let connection = idle.popLast() { return .handout(.connection(connection)) }
            guard open < limit else { return .wait }
            open += 1
            return .handout(.slot)
        }

        mutating func removeWaiter(_ id: Int) -> Waiter? {
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index)
        }
    }

    /// What a waiting caller is handed: a connection, or the right to open one.
    private enum Handout: Sendable {
        case connection(Connection)
        case slot
    }

    /// What a look at the pool gives. Not a `Result` with the error in it: lending is the hot path, and an
    /// optional result carrying a `PostgresError` was copied through generic value witnesses on every call.
    private enum Taking {
        case handout(Handout)
        case wait
        case closed
    }

    private static var closedError: PostgresError { PostgresError(.poolClosed, message: "the pool is closed") }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Handout, any Error>
        let deadline: ContinuousClock.Instant
    }

    public init(_ configuration: PoolConfiguration, logger: Logger = Logger(label: "pq.pool")) {
        self.configuration = configuration
        self.logger = logger
        let lifetime = configuration.maxLifetime.components
        let (seconds, overflow) = UInt64(clamping: lifetime.seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, over) = seconds.addingReportingOverflow(UInt64(clamping: lifetime.attoseconds / 1_000_000_000))
        maxLifetimeNanoseconds = overflow || over ? .max : total
    }

    /// Connections open now, and callers waiting for one: for metrics.
    public var statistics: (open: Int, idle: Int, waiting: Int) {
        get async { state.withLock { ($0.open, $0.idle.count, $0.waiters.count) } }
    }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    public func withConnection<T: Sendable>(
        _ body: (Connection) async throws -> T
    ) async throws -> T {
        // The usual case, an idle connection the reactor has watched lent and returned idle, takes no async
        // frame of the pool's: each would be a task allocation and an executor switch for every statement.
        let connection: Connection
        switch lendWithoutWaiting() {
        case .lent(let ready): connection = ready
        case .taking(let first): connection = try await acquire(first)
        }
        do {
            let value = try await body(connection)
            if !takeBackIdle(connection) { await release(connection) }
            return value
        } catch {
            if !takeBackIdle(connection) { await release(connection) }
            throw error
        }
    }

    /// Closes idle connections and refuses new work; connections in use close when returned.
    public func close() async {
        let (connections, waiters) = state.withLock { state in
            state.closed = true
            let connections = state.idle
            state.idle.removeAll()
            state.open -= connections.count
            let waiters = state.waiters
            state.waiters.removeAll()
            return (connections, waiters)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: Self.closedError)
        }
        for connection in connections { await connection.close() }
    }

    // MARK: Lending

    /// What a look at the pool lent at once, or what the look gave for `acquire` to go on from.
    private enum Lending {
        case lent(Connection)
        case taking(Taking)
    }

    /// The first look at the pool, without suspending: an idle connection whose socket its reactor has watched
    /// and seen nothing on is lent as it is.
    private func lendWithoutWaiting() -> Lending {
        // A task running on a reactor's thread gets one of that reactor's connections when one is idle, so the
        // answer to its statement resumes it without a hop to another thread.
        let taking = state.withLock {
            $0.take(limit: configuration.maxConnections, preferring: Connection.currentWatcher)
        }
        if case .handout(.connection(let connection)) = taking, connection.isQuietToLend { return .lent(connection) }
        return .taking(taking)
    }

    /// Lends a connection, going on from the first look at the pool: checking the connection it gave, opening
    /// one in the slot it gave, or waiting in line.
    private func acquire(_ first: Taking) async throws -> Connection {
        let here = Connection.currentWatcher
        var next: Taking? = first
        while true {
            let handout: Handout
            let taking = next ?? state.withLock { $0.take(limit: configuration.maxConnections, preferring: here) }
            next = nil
            switch taking {
            case .handout(let now): handout = now
            case .closed: throw Self.closedError
            case .wait: handout = try await wait(preferring: here)
            }
            switch handout {
            case .connection(let connection):
                if await connection.isAliveToLend() { return connection }
                logger.info("discarding a dead pooled connection")
                await discard(connection)
            case .slot:
                do {
                    return try await openConnection()
                } catch {
                    giveBackSlot()
                    throw error
                }
            }
        }
    }

    private func openConnection() async throws -> Connection {
        let connection = try await Connection.connect(configuration.conninfo)
        if let timeout = configuration.statementTimeout {
            let milliseconds =
                timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            try await connection.query("SELECT set_config('statement_timeout', \(String(milliseconds)), false)")
        }
        try await configuration.onConnect?(connection)
        return connection
    }

    /// A place at the end of the line, for when there was neither an idle connection nor a free slot.
    private func wait(preferring watcher: ObjectIdentifier?) async throws -> Handout {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let deadline = ContinuousClock.now.advanced(by: configuration.acquireTimeout)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let (queued, startSweeper) = state.withLock { state -> (Bool, Bool) in
                    // Something may have come back since the first look: take it rather than queue.
                    switch state.take(limit: configuration.maxConnections, preferring: watcher) {
                    case .handout(let now):
                        continuation.resume(returning: now)
                        return (false, false)
                    case .closed:
                        continuation.resume(throwing: Self.closedError)
                        return (false, false)
                    case .wait: break
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation, deadline: deadline))
                    defer { state.sweeping = true }
                    return (true, !state.sweeping)
                }
                if startSweeper { self.startSweeper() }
                // A cancellation that came before the waiter was in line found nothing to expire.
                if queued && Task.isCancelled { expire(id, error: CancellationError()) }
            }
        } onCancel: {
            expire(id, error: CancellationError())
        }
    }

    private static func timeoutError(_ timeout: Duration) -> PostgresError {
        PostgresError(.poolTimeout, message: "no connection became free within \(timeout); the pool is exhausted")
    }

    /// One task for all waiters, not a sleeping task per waiter: under load most requests wait for a
    /// connection, and starting, cancelling and tearing down a timer task each was 1% of the API's CPU. Waiters
    /// queue in arrival order with the same timeout, so the first one's deadline is the nearest.
    private func startSweeper() {
        Task { [weak self] in
            // The pool is held only while the sweeper looks, not while it sleeps.
            while let deadline = self?.expireOverdueWaiters() {
                try? await Task.sleep(until: deadline, clock: .continuous)
            }
        }
    }

    /// Fails the waiters whose time is up; the next deadline, or nil (and no sweeper) when nobody waits.
    private func expireOverdueWaiters() -> ContinuousClock.Instant? {
        let now = ContinuousClock.now
        let (overdue, next) = state.withLock { state -> ([Waiter], ContinuousClock.Instant?) in
            var overdue: [Waiter] = []
            while let first = state.waiters.first, first.deadline <= now { overdue.append(state.waiters.removeFirst()) }
            if let first = state.waiters.first { return (overdue, first.deadline) }
            state.sweeping = false
            return (overdue, nil)
        }
        for waiter in overdue { waiter.continuation.resume(throwing: Self.timeoutError(configuration.acquireTimeout)) }
        return next
    }

    private func expire(_ id: Int, error: any Error) {
        state.withLock { $0.removeWaiter(id) }?.continuation.resume(throwing: error)
    }

    // MARK: Taking back

    /// Takes back a connection that is young enough and idle, when that can be told without suspending; false
    /// (and the connection still the caller's) otherwise, for `release` to handle.
    private func takeBackIdle(_ connection: Connection) -> Bool {
        guard isYoung(connection), connection.transactionStatusIfFree == .idle else { return false }
        // Closed meanwhile: `release` closes the connection.
        return putBack(connection)
    }

    /// Checks the connection without the lock, then takes the lock once to put the connection back.
    private func release(_ connection: Connection) async {
        // A connection returned mid-transaction (a caller's bug or an error path) is rolled back or dropped,
        // so nothing of one caller's transaction reaches the next.
        var reusable = isYoung(connection)
        if reusable {
            switch await connection.transactionStatus {
            case .idle: break
            case .inTransaction, .failedTransaction:
                reusable = (try? await connection.simpleQuery("ROLLBACK")) != nil
            case .active, .unknown: reusable = false
            }
        }
        guard reusable, putBack(connection) else { return await discard(connection) }
    }

    private func isYoung(_ connection: Connection) -> Bool {
        CoarseClock.nanoseconds() &- connection.openedAt < maxLifetimeNanoseconds
    }

    /// Hands a reusable connection to the first caller in line, or puts it with the idle ones; false (and the
    /// connection still the caller's) once the pool is closed.
    private func putBack(_ connection: Connection) -> Bool {
        let (waiter, closed) = state.withLock { state -> (Waiter?, Bool) in
            if state.closed { return (nil, true) }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), false) }
            state.idle.append(connection)
            return (nil, false)
        }
        waiter?.continuation.resume(returning: .connection(connection))
        return !closed
    }

    private func discard(_ connection: Connection) async {
        await connection.close()
        giveBackSlot()
    }

    private func giveBackSlot() {
        let waiter = state.withLock { state -> Waiter? in
            if !state.closed && !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.open -= 1
            return nil
        }
        waiter?.continuation.resume(returning: .slot)
    }
}
