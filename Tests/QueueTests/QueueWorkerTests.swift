import ConcordDomain
import ConcordQueue
import ConcordTestSupport
import Foundation
import PQ
import Testing

@Suite struct QueueWorkerTests {
    @Test func aJobIsClaimedRunAndCompleted() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let ran = Probe<Job>()
        var registry = JobRegistry()
        registry.register(kind: "hello") { job in await ran.record(job) }
        let worker = db.worker(registry, fastConfiguration("w"))

        let enqueued = try await queue.enqueue(NewJob(kind: "hello", argsJSON: #"{"n": 1}"#))
        try await ran.wait(forCount: 1, "the job to run")
        try await worker.stop()

        let seen = try #require(await ran.values.first)
        #expect(seen.id == enqueued.id)
        #expect(seen.state == .running)
        #expect(seen.attempt == 1)
        #expect(seen.attemptedBy == worker.worker.workerID)
        #expect(seen.argsJSON.contains("\"n\""))
        let done = try #require(try await queue.job(id: enqueued.id))
        #expect(done.state == .completed)
        #expect(done.finalizedAt != nil)
        #expect(done.leaseExpiresAt == nil)
        #expect(done.errors.isEmpty)
    }

    @Test func twoWorkersShare500JobsAndRunEachOnce() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let ran = Probe<(job: Int64, worker: String)>()
        var registry = JobRegistry()
        registry.register(kind: "count") { job in
            try await Task.sleep(for: .milliseconds(1))  // a little work, so both workers get some
            await ran.record((job.id, job.attemptedBy ?? ""))
        }
        let ids = try await queue.enqueue((0..<500).map { NewJob(kind: "count", argsJSON: #"{"i": \#($0)}"#) })
        #expect(ids.count == 500)
        let first = db.worker(registry, fastConfiguration("a", concurrency: 8))
        let second = db.worker(registry, fastConfiguration("b", concurrency: 8))
        try await ran.wait(forCount: 500, timeout: .seconds(60), "500 runs")
        try await first.stop()
        try await second.stop()

        let runs = await ran.values
        #expect(runs.count == 500)
        #expect(Set(runs.map(\.job)) == Set(ids), "every job ran, none twice")
        let byWorker = Dictionary(grouping: runs, by: \.worker).mapValues(\.count)
        #expect(byWorker.count == 2, "both workers ran jobs: \(byWorker)")
        #expect(try await queue.depth()[.completed] == 500)
        let rows = try await db.superuser("SELECT count(*) AS n FROM queue.jobs WHERE attempt <> 1")
        #expect(try rows[0].decode("n", as: Int.self) == 0)
    }

    @Test func completionsWrittenTogetherSkipJobsTakenBackMeanwhile() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let started = Probe<Int64>()
        let gate = Probe<Void>()
        var registry = JobRegistry()
        registry.register(kind: "held") { job in
            await started.record(job.id)
            try await gate.wait(forCount: 1, "the gate")
        }
        let ids = try await queue.enqueue((0..<20).map { NewJob(kind: "held", argsJSON: #"{"i": \#($0)}"#) })
        let worker = db.worker(registry, fastConfiguration("w", concurrency: 20))
        try await started.wait(forCount: 20, "all 20 handlers")
        // Five jobs were rescued and claimed again by another worker (alive: its lease is long) while their
        // handlers ran here.
        let taken = Array(ids.sorted().prefix(5))
        try await db.superuser(
            """
            UPDATE queue.jobs SET attempt = attempt + 1, attempted_by = 'other',
                   lease_expires_at = now() + interval '1 hour'
            WHERE id = ANY (\(taken)::bigint[])
            """)
        await gate.record(())  // all 20 handlers return at once; their completions are written together
        let finished = Probe<Void>()
        Task {
            while (try? await queue.depth()[.completed]) != 15 { try? await Task.sleep(for: .milliseconds(20)) }
            await finished.record(())
        }
        try await finished.wait(forCount: 1, "15 completions")
        try await worker.stop()

        #expect(try await queue.depth()[.completed] == 15)
        let rows = try await db.superuser(
            "SELECT count(*) AS n FROM queue.jobs WHERE id = ANY (\(taken)::bigint[]) AND state = 'running' AND attempted_by = 'other' AND attempt = 2"
        )
        #expect(try rows[0].decode("n", as: Int.self) == 5, "the other worker's runs were left alone")
    }

    @Test func aWorkerOfSeveralQueuesClaimsAcrossThemInPriorityOrder() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let runs = Probe<String>()
        var registry = JobRegistry()
        registry.register(kind: "step") { job in await runs.record("\(job.queue):\(job.priority)") }
        try await queue.enqueue([
            NewJob(kind: "step", queue: "c", priority: 0),
            NewJob(kind: "step", queue: "b", priority: 1),
            NewJob(kind: "step", queue: "a", priority: 2),
            NewJob(kind: "step", queue: "b", priority: 0),
            NewJob(kind: "step", queue: "a", priority: 1),
        ])
        var configuration = fastConfiguration("w", concurrency: 1)
        configuration.queues = ["a", "b"]
        let worker = db.worker(registry, configuration)
        try await runs.wait(forCount: 4, "the jobs of queues a and b")
        try await worker.stop()
        let order = await runs.values
        #expect(order.prefix(1) == ["b:0"])
        #expect(Set(order[1...2]) == ["a:1", "b:1"])
        #expect(order.last == "a:2")
        #expect(try await queue.depth(queue: "c")[.available] == 1, "queue c is not this worker's")
    }

    @Test func aFailingJobBacksOffThenIsDiscardedAndCanBeRetriedByHand() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
        let runs = Probe<Job>()
        var registry = JobRegistry()
        registry.register(kind: "flaky") { job in
            await runs.record(job)
            throw Boom()
        }
        let worker = db.worker(registry, fastConfiguration("w", backoff: Backoff(base: 0.2, cap: 10, jitter: .none)))
        let enqueued = try await queue.enqueue(NewJob(kind: "flaky", maxAttempts: 3))
        try await runs.wait(forCount: 3, "three attempts")
        try await worker.stop()

        let job = try #require(try await queue.job(id: enqueued.id))
        #expect(job.state == .discarded)
        #expect(job.attempt == 3)
        #expect(job.finalizedAt != nil)
        #expect(job.errors.map(\.attempt) == [1, 2, 3])
        #expect(job.errors.allSatisfy { $0.error == "boom" })
        // run_at of a retry = failure time + backoff: 0.2 s after the first failure, 0.4 s after the second.
        let attempts = await runs.values
        #expect(attempts.map(\.attempt) == [1, 2, 3])
        let firstDelay = attempts[1].runAt.timeIntervalSince(job.errors[0].at)
        let secondDelay = attempts[2].runAt.timeIntervalSince(job.errors[1].at)
        #expect(abs(firstDelay - 0.2) < 0.01, "first delay \(firstDelay)")
        #expect(abs(secondDelay - 0.4) < 0.01, "second delay \(secondDelay)")
        #expect(attempts[2].attemptedAt! >= attempts[1].attemptedAt!.addingTimeInterval(0.4))

        // By hand: available again with one more attempt allowed, the errors kept.
        let retried = try #require(try await queue.retry(id: enqueued.id))
        #expect(retried.state == .available)
        #expect(retried.maxAttempts == 4)
        #expect(retried.finalizedAt == nil)
        #expect(retried.errors.count == 3)
    }

    @Test func aSnoozedJobRunsAgainWithoutUsingAnAttempt() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let runs = Probe<Job>()
        var registry = JobRegistry()
        registry.register(kind: "wait-for-it") { job in
            await runs.record(job)
            if await runs.values.count == 1 { throw JobControl.snooze(.milliseconds(100)) }
        }
        let worker = db.worker(registry, fastConfiguration("w"))
        let enqueued = try await queue.enqueue(NewJob(kind: "wait-for-it", maxAttempts: 1))
        try await runs.wait(forCount: 2, "the run after the snooze")
        try await worker.stop()
        #expect(await runs.values.map(\.attempt) == [1, 1])
        let job = try #require(try await queue.job(id: enqueued.id))
        #expect(job.state == .completed)
        #expect(job.errors.isEmpty)
    }

    @Test func aHandlerCanDiscardOrCancelItsJob() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let runs = Probe<Int64>()
        var registry = JobRegistry()
        registry.register(kind: "discard-me") { job in
            await runs.record(job.id)
            throw JobControl.discard(reason: "the leader left")
        }
        registry.register(kind: "cancel-me") { job in
            await runs.record(job.id)
            throw JobControl.cancel(reason: "nothing to do")
        }
        let worker = db.worker(registry, fastConfiguration("w"))
        // Claims follow run_at and id: the job nobody handles is claimed no later than the other two.
        let unknown = try await queue.enqueue(NewJob(kind: "nobody-handles-me", maxAttempts: 1))
        let discard = try await queue.enqueue(NewJob(kind: "discard-me"))
        let cancel = try await queue.enqueue(NewJob(kind: "cancel-me"))
        try await runs.wait(forCount: 2, "both handlers")
        try await worker.stop()
        let discarded = try #require(try await queue.job(id: discard.id))
        #expect(discarded.state == .discarded)
        #expect(discarded.errors.first?.error.contains("the leader left") == true)
        #expect(try await queue.job(id: cancel.id)?.state == .cancelled)
        let orphan = try #require(try await queue.job(id: unknown.id))
        #expect(orphan.state == .discarded)
        #expect(orphan.errors.first?.error.contains("no handler") == true)
    }
}
