import PQ

/// Makes scheduled and retryable jobs whose run_at has come available, and wakes the workers of their
/// queues. Workers claim only available jobs, so jobs waiting for the future never slow a claim.
public struct JobScheduler: Sendable {
    public let pool: ConnectionPool
    /// Jobs promoted per statement, at most; the worker runs it again at once while it is full.
    public var batchSize: Int

    public init(pool: ConnectionPool, batchSize: Int = 1000) {
        self.pool = pool
        self.batchSize = batchSize
    }

    /// Promotes one batch; returns how many jobs became available.
    @discardableResult
    public func runOnce() async throws -> Int {
        try await pool.withTransaction { tx in
            let rows = try await tx.query(
                """
                WITH due AS (
                  SELECT id FROM queue.jobs
                  WHERE state IN ('scheduled', 'retryable') AND run_at <= now()
                  ORDER BY run_at, id
                  LIMIT \(batchSize)
                  FOR UPDATE SKIP LOCKED),
                promoted AS (
                  UPDATE queue.jobs AS j SET state = 'available'
                  FROM due WHERE j.id = due.id
                  RETURNING j.queue),
                queues AS (
                  SELECT queue, count(*) AS jobs FROM promoted GROUP BY queue)
                SELECT jobs, pg_notify(\(JobQueue.jobsChannel), queue) AS notified FROM queues
                """)
            return try rows.reduce(0) { $0 + (try $1.decode("jobs", as: Int.self)) }
        }
    }
}
