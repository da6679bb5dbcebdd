import PQ

/// Takes back running jobs whose lease expired: their worker died, hung, or lost its database. Such a job
/// becomes retryable at once (the scheduler makes it available), discarded if it used its last attempt, or
/// cancelled if a cancel was requested; the reason is recorded among its errors.
public struct JobRescuer: Sendable {
    public let pool: ConnectionPool
    public var batchSize: Int

    public init(pool: ConnectionPool, batchSize: Int = 1000) {
        self.pool = pool
        self.batchSize = batchSize
    }

    /// Rescues one batch; returns how many jobs were taken back.
    @discardableResult
    public func runOnce() async throws -> Int {
        try await pool.withTransaction { tx in
            try await tx.execute(
                """
                WITH expired AS (
                  SELECT id FROM queue.jobs
                  WHERE state = 'running' AND lease_expires_at < now()
                  ORDER BY lease_expires_at
                  LIMIT \(batchSize)
                  FOR UPDATE SKIP LOCKED)
                UPDATE queue.jobs AS j SET
                  state = CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'cancelled'
                               WHEN j.attempt >= j.max_attempts THEN 'discarded'
                               ELSE 'retryable' END,
                  finalized_at = CASE WHEN j.cancel_requested_at IS NOT NULL OR j.attempt >= j.max_attempts
                                      THEN now() END,
                  run_at = now(),
                  lease_expires_at = NULL,
                  errors = j.errors || queue.error_entry(j.attempt,
                    'lease expired: worker ' || j.attempted_by || ' stopped renewing it (it died or hung)')
                FROM expired WHERE j.id = expired.id
                """)
        }
    }
}
