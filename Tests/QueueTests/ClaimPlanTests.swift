import ConcordTestSupport
import Foundation
import PQ
import Testing

@testable import ConcordQueue

@Suite struct ClaimPlanTests {
    /// A claim planned anew on every run cost a third of its server time; PostgreSQL keeps a prepared
    /// statement's generic plan only when it looks no dearer than the custom ones, which a `LIMIT $n` never
    /// did. Eight claims on one connection: five custom plans, then the generic one is kept, and the claims
    /// still take the best job of either queue each time.
    @Test func theClaimKeepsItsGenericPlanAndStillClaimsInPriorityOrder() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        try await queue.enqueue(
            (0..<10).map { n in
                NewJob(
                    kind: "step", argsJSON: #"{"n": \#(n)}"#, queue: n.isMultiple(of: 2) ? "a" : "b", priority: Int16(n)
                )
            } + [NewJob(kind: "step", queue: "c", priority: 0)])
        let connection = try await Connection.connect(db.conninfo(user: "concord_worker"))
        defer { Task { await connection.close() } }

        var claimed: [Job] = []
        for _ in 0..<8 {
            let statement = QueueWorker.claimStatement(
                queues: ["a", "b"], limit: 1, workerID: "w", lease: .seconds(30))
            claimed += try await connection.query(statement).map(Job.init(row:))
        }

        #expect(claimed.map { Int($0.priority) } == Array(0..<8), "one job a claim, the best of queues a and b first")
        #expect(claimed.allSatisfy { $0.state == .running && $0.attemptedBy == "w" && $0.attempt == 1 })
        let plans = try await connection.query(
            """
            SELECT generic_plans, custom_plans FROM pg_prepared_statements
            WHERE statement LIKE 'WITH picked AS%'
            """)
        #expect(plans.count == 1, "one prepared claim for one limit")
        let generic = try plans[0].decode("generic_plans", as: Int64.self)
        let custom = try plans[0].decode("custom_plans", as: Int64.self)
        #expect(custom <= 5, "planned anew only until the generic plan is known")
        #expect(generic >= 3, "the generic plan is kept from the sixth claim on")
    }

    /// Workers start on an empty queue, and a prepared claim keeps the plan it made then. In the benchmark's
    /// fresh database that plan was a bitmap scan of every available job and a sort, so the burst that
    /// followed was sorted whole on every claim (40 ms a claim at 100,000 jobs, `Benchmarks/queue`). This
    /// database's statistics do not lead the planner there without the setting (so this holds the worker's
    /// plan, not the hazard): with it, the kept plan walks `jobs_claim_idx` in order, with no bitmap or
    /// sequential scan, and a claim after the burst takes the best jobs.
    @Test func aClaimPlannedOnAnEmptyQueueStillWalksTheIndexAfterABurst() async throws {
        let db = try await TestDatabase.shared.create()
        try await db.superuser("ALTER TABLE queue.jobs SET (autovacuum_enabled = off)")
        let claim = QueueWorker.claimStatement(queues: ["default"], limit: 50, workerID: "w", lease: .seconds(30))
        let worker = ConnectionPool(PoolConfiguration(conninfo: db.conninfo(user: "concord_worker"), maxConnections: 1))
        defer { Task { await worker.close() } }
        for _ in 0..<8 {
            #expect(try await worker.pipelinedTransaction(QueueWorker.claimOptions, [claim])[0].count == 0)
        }
        try await db.jobQueue().enqueue(
            (0..<100_000).map { n in NewJob(kind: "step", argsJSON: #"{"n": \#(n)}"#, priority: Int16(n % 7)) })

        func keptPlan(_ pool: ConnectionPool, _ options: TransactionOptions) async throws -> String {
            let name = try await pool.withConnection { connection in
                try await connection.query(
                    "SELECT name FROM pg_prepared_statements WHERE statement LIKE 'WITH picked AS%'")[0]
                    .decode("name", as: String.self).replacingOccurrences(of: "\"", with: "\"\"")
            }
            let explain = SQL("EXPLAIN (COSTS OFF) EXECUTE \"" + name + "\"('default', 'w', 30)", parameters: [])
            return try await pool.pipelinedTransaction(options, [explain])[0]
                .map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
        }
        let kept = try await keptPlan(worker, QueueWorker.claimOptions)
        #expect(kept.contains("Index Scan using jobs_claim_idx"), "\(kept)")
        #expect(!kept.contains("Bitmap") && !kept.contains("Seq Scan"), "\(kept)")

        let claimed = try await worker.pipelinedTransaction(QueueWorker.claimOptions, [claim])[0].map(Job.init(row:))
        #expect(claimed.count == 50)
        #expect(claimed.allSatisfy { $0.priority == 0 && $0.state == .running }, "the best jobs first")
    }
}
