import ConcordDomain
import Foundation
import PQ

extension QueueWorker {
    /// Starts the handler of a claimed job, then records its outcome.
    ///
    /// The handler runs in a task of its own, so cancelling it (a cancel request, a lost lease, the
    /// shutdown deadline) never cancels the statement that records the outcome.
    func launch(_ job: Job) {
        let handler = registry.handler(for: job.kind)
        let task = Task {
            guard let handler else { throw UnknownJobKind(kind: job.kind) }
            try await handler(job)
        }
        running.insert(id: job.id, attempt: job.attempt, handler: task)
        Task {
            let result = await task.result
            // Handed back at shutdown meanwhile: the job is no longer ours to finish.
            if running.beginFinishing(id: job.id, attempt: job.attempt) {
                let outcome = random.withLock { generator in
                    JobOutcome.of(result, job: job, backoff: configuration.backoff, using: &generator)
                }
                await record(outcome, of: job)
                running.remove(id: job.id, attempt: job.attempt)
            }
            emit(.finished)
        }
    }

    /// Writes the outcome, if the job is still this run's: not rescued, handed back or reclaimed meanwhile.
    /// A pending cancel request turns any outcome but completion into `cancelled`. When the write fails
    /// (the database is away), the lease runs out and the rescuer retries the job: it may run again.
    func record(_ outcome: JobOutcome, of job: Job) async {
        // The effective state, written once and read by each SET expression ($1 appears in all of them).
        let state =
            "(CASE WHEN j.cancel_requested_at IS NOT NULL AND $1::text <> 'completed' THEN 'cancelled' ELSE $1::text END)"
        let statement = SQL(
            """
            UPDATE queue.jobs AS j SET
              state = \(state),
              run_at = CASE WHEN \(state) IN ('retryable', 'scheduled')
                            THEN now() + make_interval(secs => $2::float8) ELSE j.run_at END,
              attempt = CASE WHEN \(state) = 'scheduled' THEN j.attempt - 1 ELSE j.attempt END,
              finalized_at = CASE WHEN \(state) IN ('completed', 'discarded', 'cancelled') THEN now() END,
              lease_expires_at = NULL,
              errors = CASE WHEN $3::text IS NULL THEN j.errors
                            ELSE j.errors || queue.error_entry(j.attempt, $3::text) END
            WHERE j.id = $4 AND j.attempt = $5 AND j.attempted_by = $6 AND j.state = 'running'
            """,
            parameters: [
                outcome.state.rawValue, outcome.delay, outcome.error, job.id, job.attempt, configuration.workerID,
            ])
        do {
            let updated = try await pool.withTransaction { tx in try await tx.execute(statement) }
            if updated == 0 {
                logger.warning(
                    "job outcome not recorded: the job was taken back meanwhile",
                    metadata: ["job": "\(job.id)", "kind": "\(job.kind)"])
            }
        } catch {
            logger.error(
                "recording a job outcome failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }
}
