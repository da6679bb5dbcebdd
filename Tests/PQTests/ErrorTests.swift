import ConcordTestSupport
import Foundation
import PQ
import Testing

/// Each error the server can raise arrives as a typed case with its diagnostics.
@Suite struct ErrorTests {
    func schema(_ connection: Connection) async throws {
        try await connection.simpleQuery(
            """
            CREATE TABLE parent (id int PRIMARY KEY);
            CREATE TABLE child (
                id int PRIMARY KEY,
                parent_id int NOT NULL CONSTRAINT child_parent_fk REFERENCES parent (id),
                score int CONSTRAINT child_score_range CHECK (score BETWEEN 1 AND 5)
            );
            INSERT INTO parent VALUES (1), (2);
            """)
    }

    @Test func constraintViolationsAreTyped() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        try await schema(connection)
        let unique = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO parent VALUES (\(1))")
        }
        #expect(unique?.kind == .uniqueViolation)
        #expect(unique?.sqlState == "23505")
        #expect(unique?.constraint == "parent_pkey")
        #expect(unique?.detail?.contains("(id)=(1)") == true)
        let foreign = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO child VALUES (\(1), \(99), \(3))")
        }
        #expect(foreign?.kind == .foreignKeyViolation)
        #expect(foreign?.constraint == "child_parent_fk")
        let check = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO child VALUES (\(1), \(1), \(6))")
        }
        #expect(check?.kind == .checkViolation)
        #expect(check?.constraint == "child_score_range")
        #expect(check?.table == "child")
        let notNull = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO child (id, score) VALUES (\(2), \(3))")
        }
        #expect(notNull?.kind == .notNullViolation)
        #expect(notNull?.column == "parent_id")
        let syntax = await #expect(throws: PostgresError.self) { try await connection.query("SELEC 1") }
        #expect(syntax?.kind == .server)
        #expect(syntax?.sqlState == "42601")
        // After every error the connection still works.
        #expect(try await connection.query("SELECT count(*)::int8 FROM parent")[0].decode(0, as: Int.self) == 2)
    }

    @Test func serializationFailureIsRetried() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let setup = try await Connection.connect(database.conninfo)
        try await setup.simpleQuery(
            "CREATE TABLE counter (id int PRIMARY KEY, n int); INSERT INTO counter VALUES (1, 0)")
        let pool = database.pool(maxConnections: 2)
        let options = TransactionOptions(isolation: .serializable, maxRetries: 10)
        // Both read, wait for each other, then write: one of them must fail to serialize and run again.
        let gate = Gate(parties: 2)
        let attempts = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await pool.withTransaction(options) { tx in
                        let first = await attempts.increment() <= 2
                        let n = try await tx.query("SELECT n FROM counter WHERE id = 1")[0].decode(0, as: Int.self)
                        if first { await gate.arrive() }
                        try await tx.execute("UPDATE counter SET n = \(n + 1) WHERE id = 1")
                    }
                }
            }
            try await group.waitForAll()
        }
        let n = try await setup.query("SELECT n FROM counter")[0].decode(0, as: Int.self)
        #expect(n == 2)
        #expect(await attempts.value >= 3)
    }

    @Test func serializationFailureSurfacesWhenRetriesRunOut() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let setup = try await Connection.connect(database.conninfo)
        try await setup.simpleQuery(
            "CREATE TABLE counter (id int PRIMARY KEY, n int); INSERT INTO counter VALUES (1, 0)")
        let pool = database.pool(maxConnections: 2)
        let gate = Gate(parties: 2)
        let results = try await withThrowingTaskGroup(of: PostgresError.Kind?.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    do {
                        try await pool.withTransaction(TransactionOptions(isolation: .serializable, maxRetries: 0)) {
                            tx in
                            let n = try await tx.query("SELECT n FROM counter WHERE id = 1")[0].decode(0, as: Int.self)
                            await gate.arrive()
                            try await tx.execute("UPDATE counter SET n = \(n + 1) WHERE id = 1")
                        }
                        return nil
                    } catch let error as PostgresError {
                        return error.kind
                    }
                }
            }
            return try await group.reduce(into: [PostgresError.Kind?]()) { $0.append($1) }
        }
        #expect(results.contains(.serializationFailure))
    }

    @Test func deadlockIsTyped() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let setup = try await Connection.connect(database.conninfo)
        try await setup.simpleQuery("CREATE TABLE t (id int PRIMARY KEY, n int); INSERT INTO t VALUES (1, 0), (2, 0)")
        let pool = database.pool(maxConnections: 2)
        let gate = Gate(parties: 2)
        let kinds = try await withThrowingTaskGroup(of: PostgresError.Kind?.self) { group in
            for (first, second) in [(1, 2), (2, 1)] {
                group.addTask {
                    do {
                        try await pool.withTransaction(TransactionOptions(maxRetries: 0)) { tx in
                            try await tx.execute("UPDATE t SET n = n + 1 WHERE id = \(first)")
                            await gate.arrive()
                            try await tx.execute("UPDATE t SET n = n + 1 WHERE id = \(second)")
                        }
                        return nil
                    } catch let error as PostgresError {
                        return error.kind
                    }
                }
            }
            return try await group.reduce(into: [PostgresError.Kind?]()) { $0.append($1) }
        }
        #expect(kinds.contains(.deadlock))
        #expect(kinds.contains(nil))
    }

    @Test(.timeLimit(.minutes(3))) func statementTimeoutAndTaskCancellationCancelOnTheServer() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = ConnectionPool(
            PoolConfiguration(conninfo: database.conninfo, maxConnections: 1, statementTimeout: .milliseconds(200)))
        let timedOut = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try await $0.query("SELECT pg_sleep(5)") }
        }
        #expect(timedOut?.kind == .queryCancelled)

        let connection = try await Connection.connect(database.conninfo)
        let started = ContinuousClock.now
        let task = try await sleepOnTheServer(connection, seconds: 30, observedThrough: database.conninfo)
        task.cancel()
        let cancelled = await #expect(throws: PostgresError.self) { try await task.value }
        #expect(cancelled?.kind == .queryCancelled)
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(try await connection.query("SELECT 1::int4")[0].decode(0, as: Int.self) == 1)
    }

    /// PQcancel connects to the server and waits for it; the cancelling thread must not. With the cancel's
    /// connection left unanswered, `Task.cancel()` still returns at once, and the connection finishes its
    /// statement and stays usable.
    @Test(.timeLimit(.minutes(2))) func cancellingDoesNotWaitForTheServerToTakeTheCancel() async throws {
        guard let cluster = try await TestDatabase.shared.localCluster() else { return }
        let database = try await TestDatabase.shared.create(migrated: false)
        let proxy = try RoundTripProxy(targetPort: cluster.port)
        let conninfo = "host=127.0.0.1 port=\(proxy.port) dbname=\(database.name) user=postgres"
        let connection = try await Connection.connect(conninfo)
        let task = try await sleepOnTheServer(connection, seconds: 1, observedThrough: database.conninfo)
        proxy.holdNewConnections()
        // On a thread of its own, so a cancel that blocks cannot hold up the test's own tasks.
        let returned = DispatchSemaphore(value: 0)
        Thread {
            task.cancel()
            returned.signal()
        }.start()
        // A cancel that waited for the server would wait until `releaseHeld`, however long; 5 s leaves a
        // loaded machine room to start the thread.
        #expect(returned.wait(timeout: .now() + 5) == .success)
        // The held cancel connections close unanswered: the cancel never reaches the server, and the
        // statement runs to its end.
        proxy.releaseHeld()
        _ = try? await task.value
        #expect(try await connection.query("SELECT 1::int4")[0].decode(0, as: Int.self) == 1)
    }

    /// Starts `pg_sleep` on `connection` and returns once the server runs it (seen from another connection):
    /// a loaded machine may start the task late, and a cancel sent before the statement would cancel nothing.
    private func sleepOnTheServer(
        _ connection: Connection, seconds: Int, observedThrough conninfo: String
    ) async throws -> Task<QueryResult, any Error> {
        let pid = try await connection.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self)
        let observer = try await Connection.connect(conninfo)
        let task = Task { try await connection.query("SELECT pg_sleep(\(Double(seconds)))") }
        while try await observer.query(
            "SELECT count(*)::int4 FROM pg_stat_activity WHERE pid = \(pid)::int4 AND query LIKE 'SELECT pg_sleep(%'"
        )[0].decode(0, as: Int.self) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        await observer.close()
        return task
    }

    @Test func aKilledBackendIsConnectionLost() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let victim = try await Connection.connect(database.conninfo)
        let pid = try await victim.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self)
        let killer = try await Connection.connect(database.conninfo)
        // With a timeout, pg_terminate_backend waits until the backend is gone.
        try await killer.query("SELECT pg_terminate_backend(\(pid)::int4, 10000)")
        let lost = await #expect(throws: PostgresError.self) { try await victim.query("SELECT 1") }
        #expect(lost?.kind == .connectionLost)
    }
}

/// Lets a fixed number of tasks wait until all of them have arrived.
actor Gate {
    private let parties: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) { self.parties = parties }

    func arrive() async {
        arrived += 1
        if arrived >= parties {
            waiting.forEach { $0.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

actor Counter {
    private(set) var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}
