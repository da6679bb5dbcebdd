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
}
