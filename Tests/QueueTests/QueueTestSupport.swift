import ConcordDomain
import ConcordQueue
import ConcordTestSupport
import Foundation
import PQ

/// A worker configuration with short intervals, so tests finish quickly. The lease stays long: a starved CI
/// machine can stall a test for seconds, and a lapsed lease would turn any test into a rescue test; the tests
/// of rescue set short leases themselves.
func fastConfiguration(
    _ name: String, concurrency: Int = 4, pollInterval: Duration = .milliseconds(200), lease: Duration = .seconds(30),
    shutdownDeadline: Duration = .seconds(5), backoff: Backoff = Backoff(base: 0.05, cap: 1, jitter: .none),
    periodicJobs: [PeriodicJob] = [], now: @escaping @Sendable () -> Date = { Date() }
) -> QueueWorkerConfiguration {
    QueueWorkerConfiguration(
        workerID: "\(name)-\(UUID().uuidString.prefix(6))", concurrency: concurrency, pollInterval: pollInterval,
        lease: lease, shutdownDeadline: shutdownDeadline, backoff: backoff, randomSeed: 42,
        schedulerInterval: .milliseconds(50), rescuerInterval: .milliseconds(100), periodicJobs: periodicJobs,
        periodicCheckInterval: .milliseconds(50), now: now)
}

/// A worker running in a task, stopped (gracefully) by `stop()`.
struct RunningWorker {
    let worker: QueueWorker
    let task: Task<Void, any Error>

    init(_ worker: QueueWorker) {
        self.worker = worker
        self.task = Task { try await worker.run() }
    }

    /// Graceful shutdown; once it returns, every outcome the worker had is recorded.
    func stop() async throws {
        worker.shutdown()
        try await within(.seconds(30), "worker shutdown") { try await task.value }
    }
}

extension Database {
    /// A worker pool as the worker role, and a worker on it.
    func worker(_ registry: JobRegistry, _ configuration: QueueWorkerConfiguration) -> RunningWorker {
        RunningWorker(QueueWorker(pool: pool(user: "concord_worker"), registry: registry, configuration: configuration))
    }

    /// The client as the API role, which enqueues, inspects, cancels and retries.
    func jobQueue() -> JobQueue { JobQueue(pool: pool(user: "concord_api")) }

    /// Runs one statement as the superuser (to age rows, fake a dead worker, count things).
    @discardableResult
    func superuser(_ statement: SQL) async throws -> QueryResult {
        let connection = try await Connection.connect(conninfo)
        defer { Task { await connection.close() } }
        return try await connection.query(statement)
    }
}
