import ConcordDomain
import ConcordQueue
import ConcordTestSupport
import Foundation
import PQ
import Testing

/// A claim sent with a batch of completions can still be out when the shutdown deadline hands the running
/// jobs back: the jobs it brings must not start, nor stay `running` under the stopped worker.
@Suite struct ShutdownClaimTests {
    @Test func noJobIsClaimedAndLeftRunningAfterShutdownHandsBack() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        // One connection: the writer of A's completion (and its claim) waits for it while B's handler holds it.
        let pool = db.pool(user: "concord_worker", maxConnections: 1)
        let started = Probe<String>()
        let holding = Probe<Void>()
        let stopping = Probe<Void>()
        var registry = JobRegistry()
        registry.register(kind: "quick") { _ in
            // Returns once B holds the connection, so that A's completion has to wait for it.
            try await holding.wait(forCount: 1, "B holding the connection")
            await started.record("A")
        }
        registry.register(kind: "hold") { _ in
            try await pool.withConnection { _ in
                await holding.record(())
                await started.record("B")
                // Holds the only connection until the stop has begun and past its deadline (not cancelled
                // before the hand-back, which needs this very connection). Counted from the stop, not from here:
                // a loaded machine may take longer than any fixed hold to get from here to the stop.
                try? await stopping.wait(forCount: 1, "the stop")
                try? await Task.sleep(for: .seconds(2))
            }
        }
        registry.register(kind: "late") { _ in
            await started.record("C")
            try? await Task.sleep(for: .seconds(8))
        }
        var configuration = fastConfiguration("w", concurrency: 2, shutdownDeadline: .milliseconds(500))
        configuration.batchSize = 2
        configuration.listens = false
        configuration.runsMaintenance = false
        _ = try await queue.enqueue([NewJob(kind: "hold"), NewJob(kind: "quick")])
        let worker = RunningWorker(QueueWorker(pool: pool, registry: registry, configuration: configuration))
        try await started.wait(forCount: 2, "A and B running")
        // A's completion is now waiting for the connection, its claim built but not sent; C becomes available.
        let late = try await queue.enqueue(NewJob(kind: "late"))
        try await Task.sleep(for: .milliseconds(100))
        worker.worker.shutdown()
        await stopping.record(())
        try await worker.stop()

        let state = try await db.superuser("SELECT state FROM queue.jobs WHERE id = \(late.id)")[0]
            .decode(0, as: String.self)
        let runs = await started.values
        #expect(!runs.contains("C"), "a job was started after the shutdown had handed back the running ones: \(runs)")
        #expect(state != "running", "a job is left running under a stopped worker (state \(state))")
        #expect(worker.worker.runningCount == 0, "handlers still running after run() returned")
    }
}
