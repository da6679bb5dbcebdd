import ConcordTestSupport
import Foundation
import LocalPostgres
import PQ
import Testing

/// Statements sent without blocking and waited for in PQ's epoll reactor: the paths a blocking call
/// never took (partial writes, partial reads, a connection in use, a backend lost mid-statement).
@Suite struct ReactorTests {
    @Test func tasksPreferringTheReactorRunStatementsAndTransactions() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = database.pool(maxConnections: 4)
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<8 {
                let executors = Connection.executors
                group.addTask(executorPreference: executors[client % executors.count]) {
                    var sum = 0
                    for step in 0..<20 {
                        sum += try await pool.withConnection { connection in
                            try await connection.query("SELECT \(client * 100 + step)::int8 AS n")[0].decode(
                                "n", as: Int.self)
                        }
                    }
                    let results = try await pool.pipelinedRead(
                        settings: [("app.org_id", "org-\(client)")], ["SELECT current_setting('app.org_id') AS org"])
                    #expect(try results[0][0].decode("org", as: String.self) == "org-\(client)")
                    return sum
                }
            }
            var all: [Int] = []
            for try await sum in group { all.append(sum) }
            return all.sorted()
        }
        #expect(sums == (0..<8).map { client in (0..<20).reduce(0) { $0 + client * 100 + $1 } })
    }

    /// Operators find the reactors by name in `top -H`, `ps -L` and `perf`.
    @Test func theReactorThreadsCarryTheirNamesInTheKernel() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        #expect(try await connection.query("SELECT 1::int4")[0].decode(0, as: Int.self) == 1)
        await connection.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").map { task in
            try String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for index in Connection.executors.indices {
            #expect(names.contains("pq.reactor.\(index)"), "threads: \(Set(names).sorted())")
        }
    }

    @Test func aStatementLargerThanTheSocketBuffersIsSentAndItsAnswerReadInPieces() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        // 8 MB out and back: libpq's non-blocking flush must wait for the socket to drain, and the answer
        // arrives over many reads.
        let sent = String(repeating: "x", count: 8 << 20)
        let row = try await connection.query("SELECT length(\(sent))::int8 AS n, repeat('y', 8 << 20) AS back")[0]
        #expect(try row.decode("n", as: Int.self) == 8 << 20)
        #expect(try row.decode("back", as: String.self).utf8.count == 8 << 20)
    }

    @Test func tasksSharingOneConnectionTakeTurnsAndEachGetsItsOwnAnswer() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        // While one task's statement is in flight the others find the connection busy and wait their turn.
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for task in 0..<6 {
                group.addTask {
                    let row = try await connection.query("SELECT \(task)::int8 AS n, pg_sleep(0.02)")[0]
                    return (task, try row.decode("n", as: Int.self))
                }
            }
            return try await group.reduce(into: [(Int, Int)]()) { $0.append($1) }
        }
        #expect(answers.count == 6)
        #expect(answers.allSatisfy { $0.0 == $0.1 })
        #expect(await connection.transactionStatus == .idle)
    }

    @Test func aBackendKilledMidStatementIsConnectionLostAtOnce() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let victim = try await Connection.connect(database.conninfo)
        let pid = try await victim.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self)
        let started = ContinuousClock.now
        let statement = Task { try await victim.query("SELECT pg_sleep(30)") }
        try await Task.sleep(for: .milliseconds(200))
        let killer = try await Connection.connect(database.conninfo)
        try await killer.query("SELECT pg_terminate_backend(\(pid)::int4)")
        let lost = await #expect(throws: PostgresError.self) { try await statement.value }
        #expect(lost?.kind == .connectionLost)
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(await victim.isAlive() == false)
    }

    @Test(.timeLimit(.minutes(3))) func anAnswerThatArrivedWholeButIsReadInPiecesIsReadToTheEnd() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        // 200 kB fits in the socket's buffer, so all of it can be there before libpq, which reads a buffer's
        // worth at a time, takes the first piece: the rest must be read without waiting for more to arrive.
        for size in [20_000, 200_000, 1_000_000] {
            let row = try await connection.query("SELECT repeat('z', \(size)::int4) AS text")[0]
            #expect(try row.decode("text", as: String.self).utf8.count == size)
        }
    }

    @Test func aNewConnectionOnAClosedOnesSocketNumberIsWatched() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        // Each connection is freed before the next opens, so the kernel hands out the same socket number.
        for round in 0..<10 {
            let connection = try await Connection.connect(database.conninfo)
            #expect(try await connection.query("SELECT \(round)::int8 AS n")[0].decode("n", as: Int.self) == round)
            await connection.close()
        }
    }

    /// A task on a reactor's thread keeps its connection's socket watched between statements, so the pool
    /// skips its own look at the socket: the reactor must still see a backend that died while idle.
    @Test func aPooledConnectionWhoseBackendDiedWhileIdleIsNotLentToATaskOnTheReactor() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = database.pool(maxConnections: 1)
        let killer = try await Connection.connect(database.conninfo)
        let reactor = Connection.executors[0]
        for _ in 0..<3 {
            let pids = try await Task(executorPreference: reactor) {
                let before = try await pool.withConnection {
                    try await $0.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self)
                }
                // Terminated while idle in the pool: the server sends its last message and closes. Waited for
                // (up to 10 s), so a slow machine cannot leave the backend alive past the pause below.
                try await killer.query("SELECT pg_terminate_backend(\(before)::int4, 10000)")
                try await killer.query("SELECT pg_sleep(0.2)")
                let after = try await pool.withConnection {
                    try await $0.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self)
                }
                return (before, after)
            }.value
            #expect(pids.0 != pids.1)
        }
    }

    @Test func thePoolRecoversAfterTheServerRestartsForTasksOnTheReactor() async throws {
        guard try await TestDatabase.shared.localCluster() != nil else { return }
        let cluster = try await LocalPostgres.start()
        defer { cluster.stop() }
        let pool = ConnectionPool(PoolConfiguration(conninfo: cluster.conninfo(), maxConnections: 2))
        let reactor = Connection.executors[Connection.executors.count - 1]
        let before = try await Task(executorPreference: reactor) {
            try await pool.withConnection { try await $0.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self) }
        }.value
        try await cluster.restart()
        let after = try await Task(executorPreference: reactor) {
            try await pool.withConnection { try await $0.query("SELECT pg_backend_pid()")[0].decode(0, as: Int.self) }
        }.value
        #expect(before != after)
    }

    @Test func aNewConnectionOnAClosedOnesSocketNumberIsWatchedFromTheReactor() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        try await Task(executorPreference: Connection.executors[0]) {
            // The socket stays registered between statements here; its number's next owner must be watched
            // anew, not taken for registered.
            for round in 0..<10 {
                let connection = try await Connection.connect(database.conninfo)
                for step in 0..<3 {
                    let n = try await connection.query("SELECT \(round * 10 + step)::int8 AS n")[0].decode(
                        "n", as: Int.self)
                    #expect(n == round * 10 + step)
                }
                await connection.close()
            }
        }.value
    }

    @Test func aStatementRunsAfterNoticesArrivedOnTheIdleSocket() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let listener = try await Connection.connect(database.conninfo)
        let notifier = try await Connection.connect(database.conninfo)
        try await Task(executorPreference: Connection.executors[0]) {
            try await listener.query("LISTEN pq_idle")
            // Unasked input on a watched idle socket: the reactor stops watching it, the next wait watches again.
            for round in 0..<3 {
                try await notifier.query("SELECT pg_notify('pq_idle', \(String(round)))")
                try await notifier.query("SELECT pg_sleep(0.05)")
                let n = try await listener.query("SELECT \(round)::int8 AS n")[0].decode("n", as: Int.self)
                #expect(n == round)
            }
        }.value
        #expect(await listener.isAlive())
    }
}
