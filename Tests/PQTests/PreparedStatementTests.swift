import ConcordTestSupport
import Foundation
import PQ
import Testing

/// Statements prepared once per connection keep working when the server forgets them.
@Suite struct PreparedStatementTests {
    @Test func aStatementWhosePreparedStatementTheServerDroppedRunsAgain() async throws {
        // DISCARD ALL (a pooler's reset, or a caller's) drops the session's prepared statements behind PQ's back.
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        func double(_ value: Int) async throws -> Int {
            try await connection.query("SELECT 2 * \(value)::int8 AS n")[0].decode("n", as: Int.self)
        }
        #expect(try await double(1) == 2)
        // Prepared now: it goes alone, outside pipeline mode.
        #expect(try await double(2) == 4)
        try await connection.simpleQuery("DISCARD ALL")
        // Nothing ran when its prepared statement was not found, so it runs again at once.
        #expect(try await double(3) == 6)
        #expect(try await double(4) == 8)
        #expect(await connection.transactionStatus == .idle)
    }

    @Test func aPipelineWhosePreparedStatementsTheServerDroppedHealsTheConnection() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let pool = database.pool(maxConnections: 1)
        func read(_ org: String) async throws -> String {
            let results = try await pool.pipelinedRead(
                settings: [("app.org", org)], ["SELECT current_setting('app.org') AS org"])
            return try results[0][0].decode("org", as: String.self)
        }
        #expect(try await read("a") == "a")
        try await pool.withConnection { try await $0.simpleQuery("DEALLOCATE ALL") }
        // A pipeline is not sent again by itself (statements of other segments may have committed): this one
        // may fail, but the connection must not fail every pipeline from now on.
        _ = try? await read("b")
        #expect(try await read("c") == "c")
    }
}

@Suite struct PipelineSegmentTests {
    @Test func aStatementInALaterSegmentRunsWhenAnEarlierSegmentFailedBeforeItsFirstUse() async throws {
        // An error skips the rest of its own segment only, preparing included: a statement first met after the
        // error in one segment was never prepared, and a later segment must not run it by that name.
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let results = try await connection.pipeline(segments: [
            ["SELECT 1 / \(0)::int4", "SELECT \(2)::int4 + 1 AS n"],
            ["SELECT \(5)::int4 + 1 AS n"],
        ])
        #expect(throws: PostgresError.self) { try results[0].get() }
        #expect(try results[1].get()[0][0].decode("n", as: Int.self) == 6)
    }
}
