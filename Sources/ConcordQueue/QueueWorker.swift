import ConcordDomain
import Foundation
import Logging
import PQ
import ServiceLifecycle

/// Runs jobs: claims batches with `FOR UPDATE SKIP LOCKED`, runs their handlers concurrently, records the
/// outcomes, renews the leases of running jobs, wakes on LISTEN/NOTIFY (polling as the fallback), and runs
/// the maintenance services. Any number of workers, in any number of processes, can share one database.
///
/// A `Service`: on graceful shutdown or cancellation it stops claiming, lets running jobs finish within
/// `shutdownDeadline`, and hands the rest back to available (their attempt given back).
public final class QueueWorker: Service, Sendable {
    public let pool: ConnectionPool
    public let registry: JobRegistry
    public let configuration: QueueWorkerConfiguration
    let logger: Logger
    let running = RunningJobs()
    /// Completed jobs waiting for their batch to be written.
    let completed = CompletedJobs()
    /// One claim at a time, from the dispatch loop or with a batch of completions.
    let turn = ClaimTurn()
    let random: Locked<SplitMix64>
    /// Created with the worker, so its schedules start from the time the worker was made.
    let periodic: PeriodicEnqueuer?
    private let control = Locked(Control())

    private struct Control {
        var stopping = false
        var signals: AsyncStream<WorkerSignal>.Continuation?
    }

    public init(
        pool: ConnectionPool, registry: JobRegistry, configuration: QueueWorkerConfiguration = .init(),
        logger: Logger = Logger(label: "concord.queue.worker")
    ) {
        self.pool = pool
        self.registry = registry
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
        self.random = Locked(SplitMix64(seed: configuration.randomSeed ?? UInt64.random(in: .min ... .max)))
        self.periodic =
            configuration.periodicJobs.isEmpty
            ? nil
            : PeriodicEnqueuer(
                pool: pool, jobs: configuration.periodicJobs, startingAt: configuration.now(), logger: self.logger)
    }

    public var workerID: String { configuration.workerID }

    /// Jobs whose handlers are running now.
    public var runningCount: Int { running.count }

    public func run() async throws {
        let (signals, emit) = AsyncStream.makeStream(of: WorkerSignal.self)
        let stoppedAlready = control.withLock { control in
            control.signals = emit
            return control.stopping
        }
        if stoppedAlready { return }
        emit.yield(.wake)
        let leases = Task { await renewLeases() }
        logger.info("queue worker started", metadata: ["queues": "\(configuration.queues)"])
        await withTaskCancellationOrGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.tick(emit) }
                if configuration.listens { group.addTask { await self.listen(emit) } }
                if configuration.runsMaintenance { addMaintenance(to: &group, emit: emit) }
                await dispatch(signals)
                group.cancelAll()
            }
        } onCancelOrGracefulShutdown: {
            self.shutdown()
        }
        // In a task of its own: when run() was cancelled, statements issued here would be cancelled too.
        await Task { await self.drain() }.value
        leases.cancel()
        emit.finish()
        logger.info("queue worker stopped")
    }

    /// Stops claiming and begins the shutdown that `run()` completes; what graceful shutdown triggers.
    public func shutdown() {
        let signals = control.withLock { control in
            control.stopping = true
            return control.signals
        }
        signals?.yield(.shutdown)
    }

    var isStopping: Bool { control.withLock { $0.stopping } }

    /// Wakes the dispatch loop (a no-op before `run()` and after it ends).
    func emit(_ signal: WorkerSignal) {
        control.withLock { $0.signals }?.yield(signal)
    }

    /// Claims whenever something may have changed, while slots are free.
    private func dispatch(_ signals: AsyncStream<WorkerSignal>) async {
        for await signal in signals {
            switch signal {
            case .shutdown: return
            case .finished: break
            case .wake, .tick: turn.wake()
            }
            await claimWhileFree()
            if isStopping { return }
        }
    }

    /// A finished job frees one slot; claiming for every one of them costs a statement per job, so after
    /// finished jobs a claim waits until half a batch is free (or nothing runs).
    var refill: Int { max(1, (min(configuration.batchSize, configuration.concurrency) + 1) / 2) }

    /// Claims batch after batch while slots are free, a claim is worth sending and no other is in flight.
    private func claimWhileFree() async {
        while !isStopping {
            let free = configuration.concurrency - running.count
            guard free > 0, turn.begin(enoughFree: free >= refill || running.count == 0) else { return }
            // Counted again with the turn held: the count before may predate the completion writer's claim.
            let wanted = min(configuration.batchSize, configuration.concurrency - running.count)
            guard wanted > 0 else {
                turn.end(short: false)
                return
            }
            let jobs: [Job]
            do {
                jobs = try await claim(limit: wanted)
            } catch {
                turn.end(short: false)
                if !Task.isCancelled { logger.error("claiming jobs failed", metadata: ["error": "\(error)"]) }
                return
            }
            for job in jobs { launch(job) }
            turn.end(short: jobs.count < wanted)
            if jobs.count < wanted { return }
        }
    }

    /// Claims up to `limit` available jobs of this worker's queues, in priority, run_at, id order.
    ///
    /// One queue at a time in a lateral join: `queue = ANY (...)` cannot read the claim index in order, so
    /// it sorted the whole backlog on every claim (40 ms for 20,000 waiting jobs); `queue = name` reads the
    /// first `limit` entries of each queue and stops. With several queues, up to `limit` jobs per queue are
    /// locked and the best `limit` of them claimed; the others are unlocked again when the statement ends.
    /// One statement, atomic by itself: no BEGIN and COMMIT round trips around it.
    func claim(limit: Int) async throws -> [Job] {
        guard let statement = claimStatement(limit: limit) else { return [] }
        let rows = try await pool.pipelinedTransaction(Self.claimOptions, [statement])[0]
        return try rows.map(Job.init(row:))
    }

    /// This worker's claim of up to `limit` jobs; nil when it has no queues.
    func claimStatement(limit: Int) -> SQL? {
        guard !configuration.queues.isEmpty else { return nil }
        return Self.claimStatement(
            queues: configuration.queues, limit: limit, workerID: configuration.workerID, lease: configuration.lease)
    }

    /// The claim runs with bitmap scans off, set for its own transaction only (in the same round trip).
    ///
    /// Planned while the claim index looked empty (a fresh table, or statistics gathered while the queue was
    /// drained) and then met by a burst, PostgreSQL rated a bitmap scan of every available job followed by a
    /// sort a hair cheaper than walking `jobs_claim_idx` in order: each claim then sorted the whole backlog
    /// (40 ms a claim at 100,000 jobs, a twentieth of the rate; `Benchmarks/queue`). With bitmap scans off the
    /// ordered walk is the plan at any size. Off rather than `enable_sort`, which would make every plan look
    /// dear enough to be compiled by JIT.
    static let claimOptions = TransactionOptions(settings: [("enable_bitmapscan", "off")])

    /// The claim, written so that its prepared statement keeps one generic plan.
    ///
    /// PostgreSQL plans a prepared statement anew on every run while its generic plan looks dearer than
    /// the custom ones. A `LIMIT $n` is costed at a tenth of the backlog and `unnest($n)` at ten queues, so
    /// the generic plan never won and every claim was planned again (469 plans for 464 claims; planning
    /// took 0.2 to 0.3 ms of a claim's 0.8). With the queues as one `VALUES` row each and the limit as a
    /// constant, the generic plan costs what the custom ones do and is kept after the fifth run. The limit
    /// is an `Int` from the worker itself, never input; each distinct limit is one more prepared statement
    /// (at most `batchSize` of them per connection).
    ///
    /// The text is written with its parameters numbered here, not joined from `SQL` fragments: `SQL.append`
    /// renumbers parameters by search and replace, and doing that for every claim took a sixth of the
    /// worker's CPU (`perf`, one process, 20,000 jobs).
    static func claimStatement(queues: [String], limit: Int, workerID: String, lease: Duration) -> SQL {
        let names = queues.indices.map { "($\($0 + 1)::text)" }.joined(separator: ", ")
        let worker = queues.count + 1
        let limit = String(max(1, limit))
        return SQL(
            """
            WITH picked AS (
              SELECT c.id FROM (VALUES \(names)) AS q (name)
              CROSS JOIN LATERAL (
                SELECT id, priority, run_at FROM queue.jobs
                WHERE state = 'available' AND queue = q.name
                ORDER BY priority, run_at, id
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED) AS c
              ORDER BY c.priority, c.run_at, c.id
              LIMIT \(limit))
            UPDATE queue.jobs AS j SET
              state = 'running', attempt = j.attempt + 1, attempted_at = now(),
              attempted_by = $\(worker),
              lease_expires_at = now() + make_interval(secs => $\(worker + 1))
            FROM picked WHERE j.id = picked.id
            RETURNING \(Job.columns("j"))
            """,
            parameters: queues.map { $0 as any PostgresEncodable } + [workerID, lease.seconds])
    }
}
