import ConcordDomain
import ConcordQueue
import ConcordTestSupport
import Foundation
import PQ
import Testing

@Suite struct JobQueueClientTests {
    struct Greeting: Codable, Sendable, Equatable { let name: String }

    @Test func enqueuedJobsCanBeInspectedAndCounted() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let org = UUID()
        let now = try await queue.enqueue(
            try NewJob(kind: "greet", args: Greeting(name: "Ada"), organisationID: org, priority: 2))
        let later = try await queue.enqueue(NewJob(kind: "greet", runAt: Date().addingTimeInterval(3600)))
        #expect(!now.isDuplicate)

        let job = try #require(try await queue.job(id: now.id))
        #expect(job.kind == "greet")
        #expect(try job.decodeArgs(Greeting.self) == Greeting(name: "Ada"))
        #expect(job.organisationID == org)
        #expect(job.state == .available)
        #expect(job.priority == 2)
        #expect(job.attempt == 0)
        #expect(job.errors.isEmpty)
        #expect(try await queue.job(id: later.id)?.state == .scheduled)

        let depth = try await queue.depth()
        #expect(depth[.available] == 1)
        #expect(depth[.scheduled] == 1)
        #expect(depth[.completed] == 0)
        #expect(try await queue.oldestAvailableAge() ?? -1 >= 0)
        #expect(try await queue.oldestAvailableAge(queue: "elsewhere") == nil)

        #expect(try await queue.jobs(JobFilter(states: [.scheduled])).map(\.id) == [later.id])
        #expect(try await queue.jobs(JobFilter(organisationID: org)).map(\.id) == [now.id])
        #expect(try await queue.jobs().map(\.id) == [later.id, now.id])
        #expect(try await queue.jobs(JobFilter(beforeID: later.id)).map(\.id) == [now.id])
    }

    @Test func aUniqueKeyDeduplicatesWithoutAnError() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let first = try await queue.enqueue(NewJob(kind: "nudge", uniqueKey: "nudge:pair-1:2025-W07"))
        let second = try await queue.enqueue(NewJob(kind: "nudge", uniqueKey: "nudge:pair-1:2025-W07"))
        #expect(!first.isDuplicate)
        #expect(second.isDuplicate)
        #expect(second.id == first.id)

        // In a batch, repeats of a key (among themselves or with the table) are skipped.
        let inserted = try await queue.enqueue([
            NewJob(kind: "nudge", uniqueKey: "nudge:pair-1:2025-W07"),
            NewJob(kind: "nudge", uniqueKey: "nudge:pair-2:2025-W07"),
            NewJob(kind: "nudge", uniqueKey: "nudge:pair-2:2025-W07"),
            NewJob(kind: "nudge"),
        ])
        #expect(inserted.count == 2)
        #expect(try await queue.depth()[.available] == 3)

        // A cancelled job frees its key; a new job may take it.
        try await queue.cancel(id: first.id)
        let third = try await queue.enqueue(NewJob(kind: "nudge", uniqueKey: "nudge:pair-1:2025-W07"))
        #expect(!third.isDuplicate)
        #expect(third.id != first.id)
    }

    /// Keyless jobs of a batch are inserted without the de-duplicating clause, keyed ones with it: every
    /// keyless job goes in, one job per free key, and the ids returned are exactly those inserted.
    @Test func aMixedBatchInsertsEveryKeylessJobAndOnePerFreeKey() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let held = try await queue.enqueue(NewJob(kind: "nudge", uniqueKey: "held"))
        let later = Date().addingTimeInterval(3600)
        let inserted = try await queue.enqueue([
            NewJob(kind: "plain", argsJSON: #"{"n": 1}"#),
            NewJob(kind: "nudge", uniqueKey: "held"),
            NewJob(kind: "nudge", uniqueKey: "free"),
            NewJob(kind: "plain", argsJSON: #"{"n": 2}"#, runAt: later),
            NewJob(kind: "nudge", uniqueKey: "free"),
        ])
        let jobs = try await queue.jobs()
        #expect(Set(inserted) == Set(jobs.map(\.id)).subtracting([held.id]))
        #expect(inserted.count == 3)
        #expect(
            jobs.filter { $0.kind == "plain" }.map(\.state).sorted { $0.rawValue < $1.rawValue } == [
                .available, .scheduled,
            ])
        #expect(jobs.filter { $0.uniqueKey == "free" }.count == 1)
        #expect(jobs.filter { $0.uniqueKey == "held" }.map(\.id) == [held.id])
        #expect(try await queue.enqueue([NewJob]()).isEmpty)
    }

    @Test func enqueueInsideACallersTransactionCommitsOrRollsBackWithIt() async throws {
        let db = try await TestDatabase.shared.create()
        let pool = db.pool(user: "concord_api")
        let queue = JobQueue(pool: pool)
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await pool.withTransaction { tx in
                try await queue.enqueue(NewJob(kind: "lost"), in: tx)
                throw Abort()
            }
        }
        let kept = try await pool.withTransaction { tx in try await queue.enqueue(NewJob(kind: "kept"), in: tx) }
        #expect(try await queue.jobs().map(\.kind) == ["kept"])
        #expect(try await queue.job(id: kept.id)?.state == .available)
    }

    @Test func cancellingAWaitingJobFinalizesIt() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let job = try await queue.enqueue(NewJob(kind: "anything", runAt: Date().addingTimeInterval(60)))
        let cancelled = try #require(try await queue.cancel(id: job.id))
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.finalizedAt != nil)
        // Cancelling again changes nothing; an unknown id gives nil.
        #expect(try await queue.cancel(id: job.id)?.state == .cancelled)
        #expect(try await queue.cancel(id: 999_999) == nil)
    }

    @Test func theAPIRoleCannotDeleteJobsAndBICannotSeeThem() async throws {
        let db = try await TestDatabase.shared.create()
        let api = db.pool(user: "concord_api")
        let error = await #expect(throws: PostgresError.self) {
            try await api.withTransaction { tx in try await tx.execute("DELETE FROM queue.jobs") }
        }
        #expect(error?.kind == .insufficientPrivilege)
        let bi = try await db.superuser(
            "SELECT has_schema_privilege('concord_bi', 'queue', 'USAGE') AS usage")
        #expect(try bi[0].decode("usage", as: Bool.self) == false)
    }
}

@Suite struct MaintenanceTests {
    @Test func theCleanerDeletesOnlyFinishedJobsPastTheirRetention() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let old = try await queue.enqueue(NewJob(kind: "old"))
        let recent = try await queue.enqueue(NewJob(kind: "recent"))
        let waiting = try await queue.enqueue(NewJob(kind: "waiting"))
        try await queue.cancel(id: old.id)
        try await queue.cancel(id: recent.id)
        try await db.superuser(
            "UPDATE queue.jobs SET finalized_at = now() - interval '2 days' WHERE id IN (\(old.id), \(waiting.id)) AND state = 'cancelled'"
        )
        let deleted = try await JobCleaner(pool: db.pool(user: "concord_worker")).runOnce()
        #expect(deleted == 1)
        #expect(try await queue.job(id: old.id) == nil)
        #expect(try await queue.job(id: recent.id)?.state == .cancelled)
        #expect(try await queue.job(id: waiting.id)?.state == .available)
    }

    @Test func theSchedulerMakesDueJobsAvailableAndLeavesFutureOnes() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let due = try await queue.enqueue(NewJob(kind: "due", runAt: Date().addingTimeInterval(3600)))
        let future = try await queue.enqueue(NewJob(kind: "future", runAt: Date().addingTimeInterval(3600)))
        try await db.superuser("UPDATE queue.jobs SET run_at = now() - interval '1 second' WHERE id = \(due.id)")
        #expect(try await JobScheduler(pool: db.pool(user: "concord_worker")).runOnce() == 1)
        #expect(try await queue.job(id: due.id)?.state == .available)
        #expect(try await queue.job(id: future.id)?.state == .scheduled)
    }
}
