import ConcordDomain
import Foundation

/// How a `QueueWorker` claims, runs and maintains jobs. The defaults suit production; tests shorten them.
public struct QueueWorkerConfiguration: Sendable {
    /// Identifies this worker in `attempted_by`; unique per process run.
    public var workerID: String
    /// The queues this worker claims from.
    public var queues: [String]
    /// Handlers running at once, at most.
    public var concurrency: Int
    /// Jobs claimed per statement, at most (never more than the free slots).
    public var batchSize: Int
    /// Claims also run this often, in case a notification was missed.
    public var pollInterval: Duration
    /// Wake on LISTEN/NOTIFY (a dedicated connection); off leaves polling alone.
    public var listens: Bool
    /// The connection string for LISTEN; nil uses the pool's.
    public var listenConninfo: String?
    /// A claimed job is this worker's until its lease ends; the lease is renewed every third of it.
    public var lease: Duration
    /// On shutdown, how long running jobs may take to finish before they are handed back.
    public var shutdownDeadline: Duration
    /// Delays between failed runs.
    public var backoff: Backoff
    /// Seed for the backoff jitter; nil seeds from the system generator.
    public var randomSeed: UInt64?
    /// How often scheduled and retryable jobs whose time has come are made available.
    public var schedulerInterval: Duration
    /// How often jobs of workers whose lease expired are taken back; nil uses the lease.
    public var rescuerInterval: Duration?
    /// How often and what the cleaner deletes.
    public var cleaner: JobCleaner.Configuration
    /// Cron jobs this worker fires (each tick once across all workers that carry the same definition).
    public var periodicJobs: [PeriodicJob]
    /// How often periodic schedules are checked.
    public var periodicCheckInterval: Duration
    /// The time periodic jobs are fired by; replaced in tests.
    public var now: @Sendable () -> Date
    /// Run the maintenance services (scheduler, rescuer, cleaner, periodic jobs). Every worker may run them:
    /// each is safe to run concurrently (SKIP LOCKED, or a primary key that lets one insert win).
    public var runsMaintenance: Bool

    public init(
        workerID: String = QueueWorkerConfiguration.defaultWorkerID(), queues: [String] = [NewJob.defaultQueue],
        concurrency: Int = 10, batchSize: Int? = nil, pollInterval: Duration = .seconds(1), listens: Bool = true,
        listenConninfo: String? = nil, lease: Duration = .seconds(30), shutdownDeadline: Duration = .seconds(10),
        backoff: Backoff = Backoff(base: 1, cap: 3600, jitter: .full), randomSeed: UInt64? = nil,
        schedulerInterval: Duration = .seconds(1), rescuerInterval: Duration? = nil,
        cleaner: JobCleaner.Configuration = JobCleaner.Configuration(), periodicJobs: [PeriodicJob] = [],
        periodicCheckInterval: Duration = .seconds(1), now: @escaping @Sendable () -> Date = { Date() },
        runsMaintenance: Bool = true
    ) {
        self.workerID = workerID
        self.queues = queues
        self.concurrency = max(1, concurrency)
        self.batchSize = max(1, batchSize ?? concurrency)
        self.pollInterval = pollInterval
        self.listens = listens
        self.listenConninfo = listenConninfo
        self.lease = lease
        self.shutdownDeadline = shutdownDeadline
        self.backoff = backoff
        self.randomSeed = randomSeed
        self.schedulerInterval = schedulerInterval
        self.rescuerInterval = rescuerInterval
        self.cleaner = cleaner
        self.periodicJobs = periodicJobs
        self.periodicCheckInterval = periodicCheckInterval
        self.now = now
        self.runsMaintenance = runsMaintenance
    }

    /// host:pid:random, so two workers on one host (or one restarted) never share an id.
    public static func defaultWorkerID() -> String {
        let process = ProcessInfo.processInfo
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return "\(process.hostName):\(process.processIdentifier):\(suffix)"
    }
}
