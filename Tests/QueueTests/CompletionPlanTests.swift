import ConcordTestSupport
import Foundation
import PQ
import Testing

@testable import ConcordQueue

@Suite struct CompletionPlanTests {
    /// A worker prepares its completion once per connection and keeps the plan. Made while the table looked
    /// small (a fresh database filling up, statistics not gathered yet), that plan found the batch by reading
    /// every running job through the lease index, or the whole table, on every completion. On a never
    /// analysed table of 2,000 jobs, 1,000 of them running for two workers, the completion's plans (generic
    /// and custom) look the batch up in the primary key, and it still completes only the jobs that are this
    /// run's: running, of this worker, at this attempt.
    @Test func theCompletionFindsItsJobsByIdAndCompletesOnlyThisRunsJobs() async throws {
        let db = try await TestDatabase.shared.create()
        try await db.jobQueue().enqueue((0..<2000).map { NewJob(kind: "noop", argsJSON: #"{"n": \#($0)}"#) })
        try await db.superuser(
            """
            UPDATE queue.jobs SET state = 'running', attempt = 1, attempted_at = now(),
              attempted_by = CASE WHEN id % 2 = 0 THEN 'w' ELSE 'other' END,
              lease_expires_at = now() + interval '30 seconds'
            WHERE id < (SELECT min(id) + 1000 FROM queue.jobs)
            """)
        let ids = try await db.superuser("SELECT id, coalesce(attempted_by, '') FROM queue.jobs ORDER BY id").map {
            try $0.decode((Int64, String).self)
        }
        let mine = ids.filter { $0.1 == "w" }.map(\.0)
        let others = ids.filter { $0.1 == "other" }.map(\.0)
        let available = ids.filter { $0.1 == "" }.map(\.0)

        let connection = try await Connection.connect(db.conninfo(user: "concord_worker"))
        defer { Task { await connection.close() } }
        func complete(_ ids: [Int64], attempts: [Int]? = nil) async throws -> [Int64] {
            let statement = QueueWorker.completionStatement(
                ids: ids, attempts: attempts ?? ids.map { _ in 1 }, workerID: "w")
            return try await connection.query(statement).map { try $0.decode("id", as: Int64.self) }.sorted()
        }
        // Eight batches of five on one connection: past the five custom plans a prepared statement starts with.
        for batch in 0..<8 {
            let ids = Array(mine[(batch * 5)..<(batch * 5 + 5)])
            #expect(try await complete(ids) == ids)
        }
        let alreadyCompleted = mine[0]
        let wrongAttempt = mine[40]
        let valid = mine[41]
        let written = try await complete(
            [alreadyCompleted, wrongAttempt, valid, others[0], available[0]], attempts: [1, 2, 1, 1, 0])
        #expect(written == [valid], "only the job running attempt 1 for this worker is completed")
        let states = try await db.superuser(
            """
            SELECT id, state FROM queue.jobs
            WHERE id = ANY (\([alreadyCompleted, wrongAttempt, valid, others[0], available[0]])::bigint[])
            ORDER BY id
            """
        ).map { try $0.decode((Int64, String).self) }
        #expect(
            Dictionary(uniqueKeysWithValues: states)
                == [
                    alreadyCompleted: "completed", wrongAttempt: "running", valid: "completed",
                    others[0]: "running", available[0]: "available",
                ])

        let prepared = try await connection.query(
            """
            SELECT name FROM pg_prepared_statements WHERE statement LIKE 'UPDATE queue.jobs AS j SET state = ''completed''%'
            """)
        #expect(prepared.count == 1, "one prepared completion")
        let name = try prepared[0].decode("name", as: String.self).replacingOccurrences(of: "\"", with: "\"\"")
        for mode in ["force_generic_plan", "force_custom_plan"] {
            _ = try await connection.query("SET plan_cache_mode = \(unescaped: mode)")
            let plan = try await connection.query(
                "EXPLAIN (COSTS OFF) EXECUTE \"\(unescaped: name)\"('{\(unescaped: String(mine[50]))}', '{1}', 'w')"
            ).map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
            #expect(plan.contains("jobs_pkey"), "\(mode): the batch is looked up by id\n\(plan)")
            #expect(!plan.contains("jobs_lease_idx") && !plan.contains("Seq Scan"), "\(mode): no scan of many jobs")
        }
    }

    /// A job rescued from this worker and claimed by it again can finish twice in one batch, its old run and
    /// its new one. The completion checks one attempt per id, so the batch puts the newest first: the job is
    /// completed for the run that holds it now, in whichever order the two finished, and a job whose only
    /// entry is a stale run stays running.
    @Test func aJobInTheBatchTwiceIsCompletedForTheRunThatHoldsIt() async throws {
        let db = try await TestDatabase.shared.create()
        let ids = try await db.jobQueue().enqueue((0..<3).map { NewJob(kind: "noop", argsJSON: #"{"n": \#($0)}"#) })
            .sorted()
        let worker = QueueWorker(
            pool: db.pool(user: "concord_worker"), registry: JobRegistry(), configuration: fastConfiguration("w"))
        try await db.superuser(
            """
            UPDATE queue.jobs SET state = 'running', attempt = 2, attempted_at = now(),
              attempted_by = \(worker.workerID), lease_expires_at = now() + interval '30 seconds'
            """)
        await worker.recordCompleted([
            CompletedJobs.Entry(id: ids[0], attempt: 2, kind: "noop"),
            CompletedJobs.Entry(id: ids[0], attempt: 1, kind: "noop"),
            CompletedJobs.Entry(id: ids[1], attempt: 1, kind: "noop"),
            CompletedJobs.Entry(id: ids[1], attempt: 2, kind: "noop"),
            CompletedJobs.Entry(id: ids[2], attempt: 1, kind: "noop"),
        ])
        let states = try await db.superuser("SELECT id, state FROM queue.jobs ORDER BY id").map {
            try $0.decode((Int64, String).self)
        }
        #expect(states.map(\.1) == ["completed", "completed", "running"], "\(states)")
    }
}
