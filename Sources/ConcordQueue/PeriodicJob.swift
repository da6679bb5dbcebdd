import ConcordDomain
import Foundation

/// A job enqueued on a cron schedule. Workers that carry the same definition (same name) fire each tick once
/// between them.
public struct PeriodicJob: Sendable {
    /// Names the schedule in `queue.periodic_runs`; keep it stable across deployments.
    public var name: String
    public var schedule: CronSchedule
    /// The wall clock the cron fields are read on.
    public var timeZone: TimeZone
    /// The job to enqueue at each tick (its `runAt` and `uniqueKey` are set per tick).
    public var job: NewJob

    public init(name: String, schedule: CronSchedule, timeZone: TimeZone = TimeZone(identifier: "UTC")!, job: NewJob) {
        self.name = name
        self.schedule = schedule
        self.timeZone = timeZone
        self.job = job
    }

    /// Parses `cron` (5 fields or a macro such as `@hourly`).
    public init(name: String, cron: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!, job: NewJob) throws {
        self.init(name: name, schedule: try CronSchedule(parsing: cron), timeZone: timeZone, job: job)
    }
}
