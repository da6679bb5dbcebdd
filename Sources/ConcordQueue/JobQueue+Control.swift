import Foundation
import PQ

extension JobQueue {
    /// The channel a cancel request of a running job is announced on; the payload is the job id.
    public static let cancelChannel = "concord_job_cancel"
    /// The channel new available jobs are announced on; the payload is the queue name.
    public static let jobsChannel = "concord_jobs"

    /// Cancels a job that is waiting (available, scheduled or retryable) at once. A running job is asked to
    /// stop: its worker cancels the handler and records the job as cancelled unless it completes first.
    /// Returns the job as it stands afterwards (a finalized job is returned unchanged), nil if there is none.
    @discardableResult
    public func cancel(id: Int64) async throws -> Job? {
        try await pool.withTransaction { tx in
            let updated = try await tx.query(
                """
                UPDATE queue.jobs AS j SET
                  state = CASE WHEN j.state = 'running' THEN 'running' ELSE 'cancelled' END,
                  finalized_at = CASE WHEN j.state = 'running' THEN NULL ELSE now() END,
                  cancel_requested_at = coalesce(j.cancel_requested_at, now())
                WHERE j.id = \(id) AND j.state NOT IN ('completed', 'discarded', 'cancelled')
                RETURNING \(unescaped: Job.columns("j"))
                """)
            if let row = updated.first {
                let job = try Job(row: row)
                if job.state == .running {
                    try await tx.query("SELECT pg_notify(\(Self.cancelChannel), \(String(id)))")
                }
                return job
            }
            let current = try await tx.query("SELECT \(unescaped: Job.columns()) FROM queue.jobs WHERE id = \(id)")
            return try current.first.map(Job.init(row:))
        }
    }

    /// Makes a job that is not running available again now, keeping its errors: the manual retry of a
    /// discarded (or cancelled, or completed) job. A job that used all its attempts gets one more.
    /// Returns nil when there is no such job or it is running. Throws `.uniqueViolation` when another job
    /// now holds its unique key.
    @discardableResult
    public func retry(id: Int64) async throws -> Job? {
        try await pool.withTransaction { tx in
            let rows = try await tx.query(
                """
                UPDATE queue.jobs AS j SET
                  state = 'available', run_at = now(), finalized_at = NULL, cancel_requested_at = NULL,
                  max_attempts = greatest(j.max_attempts, j.attempt + 1)
                WHERE j.id = \(id) AND j.state <> 'running'
                RETURNING \(unescaped: Job.columns("j"))
                """)
            guard let row = rows.first else { return nil }
            let job = try Job(row: row)
            try await tx.query("SELECT pg_notify(\(Self.jobsChannel), \(job.queue))")
            return job
        }
    }
}
