import ConcordTestSupport
import Foundation
import LocalPostgres
import PQ
import Testing

@Suite struct PoolTests {
    @Test func exhaustionTimesOutWithAClearError() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = ConnectionPool(
            PoolConfiguration(conninfo: database.conninfo, maxConnections: 1, acquireTimeout: .milliseconds(200)))
        let held = await HeldConnection.take(from: pool)
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try await $0.query("SELECT 1") }
        }
        #expect(error?.kind == .poolTimeout)
        #expect(error?.message.contains("exhausted") == true)
        try await held.release()
        // Once the connection is back, the next caller gets it.
        let one = try await pool.withConnection { try await $0.query("SELECT 1::int4")[0].decode(0, as: Int.self) }
        #expect(one == 1)
    }

    @Test func aWaiterQueuedAfterAServedOneStillTimesOutOnTime() async throws {
        // One sweeper serves every waiter's deadline: it sleeps on the first waiter's, which is served here, and
        // must then move on to the second's rather than forget it.
        let database = try await TestDatabase.shared.create(migrated: false)
        // Long enough for the first waiter to be seen in line and served before its own time is up, on a
        // machine busy with every other suite: seen too late, it would have left the line already.
        let timeout = Duration.seconds(6)
        let pool = ConnectionPool(
            PoolConfiguration(conninfo: database.conninfo, maxConnections: 1, acquireTimeout: timeout))
        let held = await HeldConnection.take(from: pool)
        let served = HeldConnection.asking(pool)
        try #require(await eventually(within: timeout / 3) { await pool.statistics.waiting == 1 })
        try await held.release()
        await served.holds()
        let start = ContinuousClock.now
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try await $0.query("SELECT 1") }
        }
        #expect(error?.kind == .poolTimeout)
        #expect(ContinuousClock.now - start >= timeout)
        #expect(await pool.statistics.waiting == 0)
        try await served.release()
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        // A long acquire timeout: a waiter that timed out on a crowded machine would leave the line, and the
        // queue-up loop below would wait for it forever.
        let pool = ConnectionPool(
            PoolConfiguration(conninfo: database.conninfo, maxConnections: 1, acquireTimeout: .seconds(600)))
        let order = Recorder()
        let held = await HeldConnection.take(from: pool)
        var waiters: [Task<Void, any Error>] = []
        for index in 0..<5 {
            waiters.append(Task { try await pool.withConnection { _ in await order.append(index) } })
            // Let each waiter queue up before the next one arrives.
            try #require(await eventually(within: .seconds(60)) { await pool.statistics.waiting == index + 1 })
        }
        try await held.release()
        for waiter in waiters { try await waiter.value }
        #expect(await order.values == [0, 1, 2, 3, 4])
    }

    @Test func aSettingInOneTransactionIsInvisibleToTheNextUser() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = database.pool(maxConnections: 1)
        let first = try await pool.withTransaction(TransactionOptions(settings: [("app.org_id", "org-a")])) { tx in
            let pid = try await tx.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self)
            let seen = try await tx.query("SELECT current_setting('app.org_id', true)")[0].decode(0, as: String?.self)
            return (pid, seen)
        }
        #expect(first.1 == "org-a")
        let second = try await pool.withTransaction { tx in
            let pid = try await tx.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self)
            let seen = try await tx.query("SELECT current_setting('app.org_id', true)")[0].decode(0, as: String?.self)
            return (pid, seen)
        }
        #expect(second.0 == first.0, "the same pooled connection served both")
        #expect(second.1 == nil || second.1 == "")
    }

    @Test func aConnectionOlderThanTheMaximumLifetimeIsReplacedAndAYoungerOneKept() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        // Time enough to connect and read twice on a loaded machine before the connection is old.
        let lifetime = Duration.seconds(5)
        let pool = ConnectionPool(
            PoolConfiguration(conninfo: database.conninfo, maxConnections: 1, maxLifetime: lifetime))
        func backend() async throws -> Int {
            try await pool.withConnection { try await $0.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self) }
        }
        let first = try await backend()
        #expect(try await backend() == first, "a young connection goes back to the pool")
        try await Task.sleep(for: lifetime + .milliseconds(100))
        // The age is checked when a connection comes back: the old one serves this caller, then is closed.
        #expect(try await backend() == first)
        #expect(try await backend() != first, "the next caller gets a new connection")
        await pool.close()
    }

    @Test func aTransactionLeftOpenIsRolledBackOnReturn() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = database.pool(maxConnections: 1)
        try await pool.withConnection { try await $0.simpleQuery("CREATE TABLE t (n int)") }
        try await pool.withConnection { connection in
            try await connection.simpleQuery("BEGIN")
            try await connection.execute("INSERT INTO t VALUES (\(1))")
        }
        let count = try await pool.withConnection {
            try await $0.query("SELECT count(*) FROM t")[0].decode(0, as: Int.self)
        }
        #expect(count == 0)
    }

    @Test func thePoolRecoversAfterTheServerRestarts() async throws {
        // A cluster of its own: restarting the shared one would cut every other test's connections.
        guard try await TestDatabase.shared.localCluster() != nil else { return }
        let cluster = try await LocalPostgres.start()
        defer { cluster.stop() }
        let pool = ConnectionPool(PoolConfiguration(conninfo: cluster.conninfo(), maxConnections: 2))
        let before = try await pool.withConnection {
            try await $0.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self)
        }
        try await cluster.restart()
        let after = try await pool.withConnection {
            try await $0.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self)
        }
        #expect(before != after)
    }

    @Test func aCommittedTransactionIsVisibleAndAFailedOneIsNot() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = database.pool()
        try await pool.withConnection { try await $0.simpleQuery("CREATE TABLE t (n int CHECK (n > 0))") }
        try await pool.withTransaction { tx in try await tx.execute("INSERT INTO t VALUES (\(1))") }
        await #expect(throws: PostgresError.self) {
            try await pool.withTransaction { tx in
                try await tx.execute("INSERT INTO t VALUES (\(2))")
                try await tx.execute("INSERT INTO t VALUES (\(-1))")
            }
        }
        let values = try await pool.withConnection { connection in
            try await connection.query("SELECT n FROM t ORDER BY n").map { try $0.decode(0, as: Int.self) }
        }
        #expect(values == [1])
    }

    @Test func aTransactionWhoseBodyCaughtAStatementsErrorIsNotReportedCommitted() async throws {
        // The server answers COMMIT of a failed transaction with ROLLBACK and no error: the caller must hear it.
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = database.pool(maxConnections: 1)
        try await pool.withConnection { try await $0.simpleQuery("CREATE TABLE t (n int CHECK (n > 0))") }
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withTransaction { tx in
                try await tx.execute("INSERT INTO t VALUES (\(2))")
                _ = try? await tx.execute("INSERT INTO t VALUES (\(-1))")
            }
        }
        #expect(error?.sqlState == "25P02")
        let values = try await pool.withConnection { connection in
            #expect(await connection.transactionStatus == .idle)
            return try await connection.query("SELECT n FROM t").map { try $0.decode(0, as: Int.self) }
        }
        #expect(values.isEmpty)
    }
}

actor Flag {
    private(set) var isSet = false
    func set() { isSet = true }
}

actor Recorder {
    private(set) var values: [Int] = []
    func append(_ value: Int) { values.append(value) }
}

/// A pool's connection held by a task of its own until `release()`, so that other callers must wait.
private struct HeldConnection {
    let holder: Task<Void, any Error>
    let holding: Gate
    let gate: Gate

    /// Returns once the holder has the connection.
    static func take(from pool: ConnectionPool) async -> HeldConnection {
        let held = asking(pool)
        await held.holds()
        return held
    }

    /// Starts the holder and returns at once: it may still wait in the pool's line.
    static func asking(_ pool: ConnectionPool) -> HeldConnection {
        let holding = Gate(parties: 2)
        let release = Gate(parties: 2)
        let holder = Task {
            let held = Flag()
            do {
                try await pool.withConnection { _ in
                    await held.set()
                    await holding.arrive()
                    await release.arrive()
                }
            } catch {
                // Never held (timed out in line): pass both gates anyway, so that `holds()` and `release()`
                // return and `release()` throws the error, instead of the test waiting for ever.
                if await !held.isSet {
                    await holding.arrive()
                    await release.arrive()
                }
                throw error
            }
        }
        return HeldConnection(holder: holder, holding: holding, gate: release)
    }

    /// Returns once the holder has the connection.
    func holds() async {
        await holding.arrive()
    }

    /// Gives the connection back and waits for the holder to end.
    func release() async throws {
        await gate.arrive()
        try await holder.value
    }
}
