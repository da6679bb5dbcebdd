import Foundation
import Logging
import PQ

/// Fires periodic jobs: at each tick, one transaction inserts (name, tick) into `queue.periodic_runs` and,
/// only if that insert won, the job. However many workers race over the same tick, it runs once.
///
/// Each enqueuer starts at the time it is created: ticks from before are not fired. After a gap (the
/// process was paused, or no worker ran) only the latest missed tick fires, not every one.
public actor PeriodicEnqueuer {
    public let pool: ConnectionPool
    public let jobs: [PeriodicJob]
    /// The last tick considered, per job name.
    private var cursors: [String: Date]
    private let logger: Logger

    public init(pool: ConnectionPool, jobs: [PeriodicJob], startingAt start: Date, logger: Logger? = nil) {
        self.pool = pool
        self.jobs = jobs
        self.cursors = Dictionary(jobs.map { ($0.name, start) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger ?? Logger(label: "concord.queue.periodic")
    }

    /// One fired tick: the job's name, its tick, and the job id when this enqueuer's insert won the tick.
    public struct Fired: Sendable, Hashable {
        public let name: String
        public let tick: Date
        public let jobID: Int64?
    }

    /// Fires every job whose next tick is at or before `now`; returns the ticks considered.
    @discardableResult
    public func fireDue(now: Date) async throws -> [Fired] {
        var fired: [Fired] = []
        for periodic in jobs {
            guard let cursor = cursors[periodic.name],
                var tick = periodic.schedule.nextFire(after: cursor, in: periodic.timeZone), tick <= now
            else { continue }
            var skipped = 0
            while let next = periodic.schedule.nextFire(after: tick, in: periodic.timeZone), next <= now {
                tick = next
                skipped += 1
            }
            if skipped > 0 {
                logger.warning(
                    "periodic job skipped missed ticks",
                    metadata: ["name": "\(periodic.name)", "skipped": "\(skipped)"])
            }
            let jobID = try await fire(periodic, at: tick)
            cursors[periodic.name] = tick
            fired.append(Fired(name: periodic.name, tick: tick, jobID: jobID))
        }
        return fired
    }

    /// The next tick of any job after the cursors, so a caller can sleep until then.
    public func nextTick() -> Date? {
        jobs.compactMap { job in cursors[job.name].flatMap { job.schedule.nextFire(after: $0, in: job.timeZone) } }
            .min()
    }

    private func fire(_ periodic: PeriodicJob, at tick: Date) async throws -> Int64? {
        var job = periodic.job
        job.runAt = tick
        job.uniqueKey = "periodic:\(periodic.name):\(Int64(tick.timeIntervalSince1970))"
        let insertJob = JobQueue.insertOne(job)
        return try await pool.withTransaction { tx in
            let won = try await tx.execute(
                """
                INSERT INTO queue.periodic_runs (name, scheduled_for) VALUES (\(periodic.name), \(tick)::timestamptz)
                ON CONFLICT DO NOTHING
                """)
            guard won == 1 else { return nil }
            return try await tx.query(insertJob).first?.decode("id", as: Int64.self)
        }
    }
}
