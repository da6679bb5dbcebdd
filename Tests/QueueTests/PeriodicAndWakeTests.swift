import ConcordDomain
import ConcordQueue
import ConcordTestSupport
import Foundation
import PQ
import Testing

@Suite struct PeriodicAndWakeTests {
    @Test func aPeriodicJobFiredByTwoWorkersOverTheSameTickRunsOncePerTick() async throws {
        let db = try await TestDatabase.shared.create()
        let start = Date(timeIntervalSince1970: 1_739_520_030)  // 2025-02-14 08:00:30 UTC
        let periodic = try PeriodicJob(
            name: "plan-revisits", cron: "*/5 * * * *", job: NewJob(kind: "plan", argsJSON: #"{"scope": "all"}"#))
        let first = PeriodicEnqueuer(pool: db.pool(user: "concord_worker"), jobs: [periodic], startingAt: start)
        let second = PeriodicEnqueuer(pool: db.pool(user: "concord_worker"), jobs: [periodic], startingAt: start)

        var ticks: [Date] = []
        for minutes in [5.0, 10, 15] {
            // Both enqueuers race over the same tick, as two workers' periodic loops would.
            let now = start.addingTimeInterval(minutes * 60)
            async let a = first.fireDue(now: now)
            async let b = second.fireDue(now: now)
            let fired = try await a + b
            #expect(fired.count == 2)
            #expect(Set(fired.map(\.tick)).count == 1, "both saw the same tick")
            #expect(fired.filter { $0.jobID != nil }.count == 1, "exactly one won the tick")
            ticks.append(fired[0].tick)
        }
        #expect(
            ticks.map { $0.timeIntervalSince1970 } == [1_739_520_300, 1_739_520_600, 1_739_520_900],
            "08:05, 08:10, 08:15")
        // Nothing is due between ticks.
        #expect(try await first.fireDue(now: start.addingTimeInterval(16 * 60)).isEmpty)

        let runs = Probe<Date>()
        var registry = JobRegistry()
        registry.register(kind: "plan") { job in await runs.record(job.runAt) }
        let workerA = db.worker(registry, fastConfiguration("a"))
        let workerB = db.worker(registry, fastConfiguration("b"))
        try await runs.wait(forCount: 3, "three ticks to run")
        try await workerA.stop()
        try await workerB.stop()
        #expect(await runs.values.sorted() == ticks, "each tick ran once")
        let rows = try await db.superuser("SELECT count(*) AS n FROM queue.periodic_runs")
        #expect(try rows[0].decode("n", as: Int.self) == 3)
    }

    @Test func workersCarryingTheSamePeriodicJobFireEachTickOnce() async throws {
        let db = try await TestDatabase.shared.create()
        // A clock the test moves: both workers read it.
        let clock = ManualTime(Date(timeIntervalSince1970: 1_739_520_030))
        let periodic = try PeriodicJob(name: "every-minute", cron: "* * * * *", job: NewJob(kind: "tick"))
        let runs = Probe<Date>()
        var registry = JobRegistry()
        registry.register(kind: "tick") { job in await runs.record(job.runAt) }
        let now: @Sendable () -> Date = { clock.now }
        let workerA = db.worker(registry, fastConfiguration("a", periodicJobs: [periodic], now: now))
        let workerB = db.worker(registry, fastConfiguration("b", periodicJobs: [periodic], now: now))
        for minute in 1...3 {
            clock.advance(by: 60)
            try await runs.wait(forCount: minute, "the tick of minute \(minute)")
        }
        try await workerA.stop()
        try await workerB.stop()
        let ran = await runs.values
        #expect(ran.count == 3)
        #expect(Set(ran).count == 3, "no tick ran twice")
    }

    @Test func aNotificationWakesAWorkerLongBeforeItsNextPoll() async throws {
        let db = try await TestDatabase.shared.create()
        let queue = db.jobQueue()
        let runs = Probe<Date>()
        var registry = JobRegistry()
        registry.register(kind: "ping") { _ in await runs.record(Date()) }
        let worker = db.worker(registry, fastConfiguration("w", pollInterval: .seconds(30)))
        // Ready when its LISTEN is in place (the worker has no other signal for that).
        try await within(.seconds(10), "the worker's LISTEN") {
            while true {
                let rows = try await db.superuser(
                    """
                    SELECT count(*) AS n FROM pg_stat_activity
                    WHERE datname = current_database() AND query LIKE 'LISTEN%'
                    """)
                if try rows[0].decode("n", as: Int.self) > 0 { return }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        // Past the first claim and the wake-up that LISTEN itself triggers.
        try await Task.sleep(for: .milliseconds(300))
        let enqueuedAt = Date()
        try await queue.enqueue(NewJob(kind: "ping"))
        try await runs.wait(forCount: 1, timeout: .seconds(15), "the notified run")
        try await worker.stop()
        let ranAt = try #require(await runs.values.first)
        // Far inside the 30 s poll interval: only the notification can explain it (the margin absorbs a busy CI).
        #expect(ranAt.timeIntervalSince(enqueuedAt) < 15, "picked up after \(ranAt.timeIntervalSince(enqueuedAt)) s")
    }
}

/// A time source tests move by hand.
final class ManualTime: Sendable {
    private let current: LockedDate

    init(_ start: Date) { current = LockedDate(start) }

    var now: Date { current.value }

    func advance(by seconds: TimeInterval) { current.update { $0.addingTimeInterval(seconds) } }
}

final class LockedDate: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date

    init(_ date: Date) { self.date = date }

    var value: Date { lock.withLock { date } }

    func update(_ change: (Date) -> Date) { lock.withLock { date = change(date) } }
}
