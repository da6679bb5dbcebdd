import ConcordTestSupport
import Foundation
import PQ
import Testing

@Suite struct PipelineTests {
    @Test func aPipelinedTenantReadIsOneRoundTrip() async throws {
        guard let cluster = try await TestDatabase.shared.localCluster() else { return }
        let database = try await TestDatabase.shared.create(migrated: false)
        try await Connection.connect(database.conninfo).simpleQuery(
            "CREATE TABLE items (org text, name text); INSERT INTO items VALUES ('a', 'apple'), ('b', 'banana')")
        let proxy = try RoundTripProxy(targetPort: cluster.port)
        let pool = ConnectionPool(
            PoolConfiguration(conninfo: "host=127.0.0.1 port=\(proxy.port) dbname=\(database.name) user=postgres"))
        // Open the connection first: the login handshake is not part of the read.
        try await pool.withConnection { _ in }
        proxy.reset()
        let results = try await pool.pipelinedRead(
            settings: [("app.org", "b")],
            ["SELECT name FROM items WHERE org = current_setting('app.org')"])
        #expect(try results[0].map { try $0.decode(0, as: String.self) } == ["banana"])
        #expect(proxy.roundTrips == 1)

        // The same read as separate statements costs a round trip each.
        proxy.reset()
        try await pool.withConnection { connection in
            try await connection.simpleQuery("BEGIN READ ONLY")
            try await connection.query("SELECT set_config('app.org', \("b"), true)")
            try await connection.query("SELECT name FROM items WHERE org = current_setting('app.org')")
            try await connection.simpleQuery("COMMIT")
        }
        #expect(proxy.roundTrips == 4)
    }

    @Test func statementsAlikeAtBothEndsAreEachPreparedAsThemselves() async throws {
        // Prepared statements are found by a hash of the text's length and ends only; texts that differ in the
        // middle must still each run as written, however often they repeat on one connection.
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let same = String(repeating: "x", count: 40)
        for round in 0..<3 {
            for value in 1...4 {
                let sql = SQL(stringLiteral: "SELECT '\(same)' AS a, \(value)::int4 AS n, '\(same)' AS b")
                let rows = try await connection.query(sql)
                #expect(try rows[0].decode("n", as: Int.self) == value, "round \(round)")
            }
        }
    }

    @Test func aStatementRunAgainOnItsConnectionGivesItsRowsOrItsErrorInOneRoundTrip() async throws {
        // Once prepared on a connection, a statement goes alone, outside pipeline mode.
        guard let cluster = try await TestDatabase.shared.localCluster() else { return }
        let database = try await TestDatabase.shared.create(migrated: false)
        let proxy = try RoundTripProxy(targetPort: cluster.port)
        let connection = try await Connection.connect(
            "host=127.0.0.1 port=\(proxy.port) dbname=\(database.name) user=postgres")
        func divide(_ divisor: Int) async throws -> Int {
            try await connection.query("SELECT 100 / \(divisor)::int4 AS quotient")[0].decode("quotient", as: Int.self)
        }
        #expect(try await divide(4) == 25)
        proxy.reset()
        #expect(try await divide(5) == 20)
        #expect(proxy.roundTrips == 1)
        let error = await #expect(throws: PostgresError.self) { try await divide(0) }
        #expect(error?.sqlState == "22012")
        #expect(error?.query == "SELECT 100 / $1::int4 AS quotient")
        #expect(await connection.transactionStatus == .idle)
        #expect(try await divide(10) == 10)
    }

    @Test func aFailedSettingInAPipelinedReadIsNamedAndLeavesNoOpenTransaction() async throws {
        // BEGIN and the settings are only checked, never returned: an error among them must still surface.
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = database.pool(maxConnections: 1)
        let error = await #expect(throws: PostgresError.self) {
            try await pool.pipelinedRead(settings: [("no_such_setting", "x")], ["SELECT 1::int4"])
        }
        #expect(error?.sqlState == "42704")
        #expect(error?.query?.contains("set_config") == true)
        #expect(try await pool.withConnection { await $0.transactionStatus } == .idle)
        let results = try await pool.pipelinedRead(settings: [("app.org", "a")], ["SELECT current_setting('app.org')"])
        #expect(results.count == 1)
        #expect(try results[0][0].decode(0, as: String.self) == "a")
    }

    @Test func aFailedPipelinedReadLeavesNoOpenTransaction() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = database.pool(maxConnections: 1)
        await #expect(throws: PostgresError.self) {
            try await pool.pipelinedRead(["SELECT 1/0"])
        }
        let status = try await pool.withConnection { await $0.transactionStatus }
        #expect(status == .idle)
        let ok = try await pool.pipelinedRead(["SELECT 2::int4"])
        #expect(try ok[0][0].decode(0, as: Int.self) == 2)
    }

    /// Completions and the next claim share a round trip in the queue worker: two transactions pipelined back
    /// to back, each committed or failed on its own.
    @Test func statementsThenATransactionGoInOneRoundTripAndCommitEachOnItsOwn() async throws {
        guard let cluster = try await TestDatabase.shared.localCluster() else { return }
        let database = try await TestDatabase.shared.create(migrated: false)
        try await Connection.connect(database.conninfo).simpleQuery("CREATE TABLE log (n int4 NOT NULL, tag text)")
        let proxy = try RoundTripProxy(targetPort: cluster.port)
        let pool = ConnectionPool(
            PoolConfiguration(
                conninfo: "host=127.0.0.1 port=\(proxy.port) dbname=\(database.name) user=postgres", maxConnections: 1))
        try await pool.withConnection { _ in }
        let tagged = TransactionOptions(settings: [("app.tag", "t")])
        let insertTagged: SQL = "INSERT INTO log VALUES (2, current_setting('app.tag')) RETURNING n"

        proxy.reset()
        let both = try await pool.pipelined(
            ["INSERT INTO log VALUES (1, NULL) RETURNING n"], thenTransaction: tagged, [insertTagged])
        #expect(proxy.roundTrips == 1)
        #expect(try both.first.get()[0][0].decode(0, as: Int.self) == 1)
        #expect(try both.then.get()[0][0].decode(0, as: Int.self) == 2)

        // The first fails: the transaction behind it still commits.
        let firstFails = try await pool.pipelined(
            ["INSERT INTO log VALUES (NULL, 'x')"], thenTransaction: tagged, [insertTagged])
        #expect(throws: PostgresError.self) { try firstFails.first.get() }
        #expect(try firstFails.then.get()[0].count == 1)

        // The transaction fails: the statements before it stay committed, and no transaction is left open.
        let thenFails = try await pool.pipelined(
            ["INSERT INTO log VALUES (3, NULL) RETURNING n"], thenTransaction: tagged,
            [insertTagged, "INSERT INTO log VALUES (NULL, 'y')"])
        #expect(try thenFails.first.get()[0].count == 1)
        #expect(throws: PostgresError.self) { try thenFails.then.get() }
        #expect(try await pool.withConnection { await $0.transactionStatus } == .idle)

        let rows = try await pool.pipelinedRead(["SELECT n, coalesce(tag, '') FROM log ORDER BY n, tag"])[0]
            .map { try $0.decode((Int, String).self) }
        #expect(rows.map(\.0) == [1, 2, 2, 3], "\(rows)")
        #expect(rows.map(\.1) == ["", "t", "t", ""])
    }

    @Test func copyLoadsAHundredThousandRows() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        try await connection.simpleQuery("CREATE TABLE people (id int8, name text, note text)")
        let rows: [[any PostgresEncodable]] = (0..<100_000).map { index in
            [index, "person \(index)", index % 10 == 0 ? nil as String? : "tab\there, newline\nthere \\ done"]
        }
        let written = try await connection.copyIn("COPY people (id, name, note) FROM STDIN", rows: rows)
        #expect(written == 100_000)
        let summary = try await connection.query(
            "SELECT count(*), count(note), sum(id)::int8, max(note) FROM people")[0]
        #expect(try summary.decode(0, as: Int.self) == 100_000)
        #expect(try summary.decode(1, as: Int.self) == 90_000)
        #expect(try summary.decode(2, as: Int.self) == (0..<100_000).reduce(0, +))
        #expect(try summary.decode(3, as: String.self) == "tab\there, newline\nthere \\ done")
    }

    @Test func aFailedCopyWritesNothingAndKeepsTheConnection() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        try await connection.simpleQuery("CREATE TABLE nums (n int4 NOT NULL)")
        await #expect(throws: PostgresError.self) {
            try await connection.copyIn("COPY nums (n) FROM STDIN", rows: [[1], [nil as Int?], [3]])
        }
        #expect(try await connection.query("SELECT count(*) FROM nums")[0].decode(0, as: Int.self) == 0)
    }
}
