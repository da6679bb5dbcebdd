import ConcordTestSupport
import Foundation
import PQ
import Testing

@testable import ConcordQueue

@Suite struct CleanerPlanTests {
    /// The cleaner names the state as a parameter. Once its prepared statement went generic, a plan could
    /// not use `jobs_finalized_idx` (whose predicate is the final states) and sorted a scan of the whole
    /// table on every run. The generic plan now reaches the index, and the statement still deletes only old
    /// jobs of the state it names.
    @Test func theCleanersGenericPlanReadsTheFinalizedJobsIndex() async throws {
        let db = try await TestDatabase.shared.create()
        try await db.jobQueue().enqueue((0..<300).map { NewJob(kind: "noop", argsJSON: #"{"n": \#($0)}"#) })
        try await db.superuser(
            """
            UPDATE queue.jobs SET state = CASE WHEN id % 3 = 0 THEN 'cancelled' ELSE 'completed' END,
              finalized_at = now() - CASE WHEN id % 2 = 0 THEN interval '2 days' ELSE interval '1 minute' END
            WHERE id < (SELECT min(id) + 200 FROM queue.jobs)
            """)
        let counts = """
            SELECT count(*) FILTER (WHERE state = 'completed' AND finalized_at < now() - interval '1 day'),
                   count(*) FILTER (WHERE state = 'completed'), count(*) FILTER (WHERE state = 'cancelled'),
                   count(*) FILTER (WHERE state = 'available')
            FROM queue.jobs
            """
        let before = try await db.superuser(SQL(counts)).map { try $0.decode((Int, Int, Int, Int).self) }[0]
        #expect(before.0 > 0 && before.1 > before.0 && before.2 > 0 && before.3 == 100)

        let connection = try await Connection.connect(db.conninfo(user: "concord_worker"))
        defer { Task { await connection.close() } }
        let statement = JobCleaner.deleteStatement(state: "completed", retention: .seconds(86_400), batchSize: 5000)
        #expect(try await connection.execute(statement) == before.0)
        let after = try await db.superuser(SQL(counts)).map { try $0.decode((Int, Int, Int, Int).self) }[0]
        let left: [Int] = [after.0, after.1, after.2, after.3]
        #expect(left == [0, before.1 - before.0, before.2, before.3], "only old completed jobs are deleted")

        let prepared = try await connection.query(
            "SELECT name FROM pg_prepared_statements WHERE statement LIKE 'WITH old AS (%'")
        #expect(prepared.count == 1, "one prepared cleaner statement")
        let name = try prepared[0].decode("name", as: String.self).replacingOccurrences(of: "\"", with: "\"\"")
        // Whether the index is the cheapest path depends on the table's size; that a generic plan can take it
        // at all is what the statement's text decides, so scans of the heap are priced out.
        _ = try await connection.query("SET plan_cache_mode = force_generic_plan")
        _ = try await connection.query("SET enable_seqscan = off")
        let plan = try await connection.query(
            "EXPLAIN (COSTS OFF) EXECUTE \"\(unescaped: name)\"('completed', 86400, 5000)"
        ).map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
        #expect(plan.contains("jobs_finalized_idx"), "the generic plan reads the finalized jobs' index\n\(plan)")
    }
}
