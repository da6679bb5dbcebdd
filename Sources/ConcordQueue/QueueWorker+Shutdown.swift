import Foundation
import Logging
import PQ

extension QueueWorker {
    /// Lets running jobs finish within the deadline, then hands the rest back and cancels their handlers.
    func drain() async {
        if running.count > 0 {
            logger.info("waiting for running jobs", metadata: ["jobs": "\(running.count)"])
        }
        guard !(await running.waitUntilEmpty(timeout: configuration.shutdownDeadline)) else { return }
        // A claim sent with a batch of completions before the stop may still be out: its jobs join the running
        // set before that set is taken, or are handed back by the writer itself.
        await turn.close()
        let unfinished = running.takeRunning()
        if !unfinished.isEmpty {
            await handBack(
                unfinished.map { (id: $0.id, attempt: $0.attempt) }, reporting: "handed back unfinished jobs",
                at: .warning)
            for job in unfinished { job.handler?.cancel() }
        }
        // Jobs already recording their outcome take one statement more.
        _ = await running.waitUntilEmpty(timeout: .seconds(5))
    }

    /// Jobs a claim brought after the stop began, given back before they start.
    func handBackUnstarted(_ jobs: [Job]) async {
        await handBack(
            jobs.map { (id: $0.id, attempt: $0.attempt) }, reporting: "handed back jobs claimed during shutdown",
            at: .info)
    }

    /// `handBack`, with how many went back logged; a failure is logged, not thrown: the rescuer takes such
    /// jobs back when their lease ends.
    private func handBack(
        _ jobs: [(id: Int64, attempt: Int)], reporting message: Logger.Message, at level: Logger.Level
    )
        async
    {
        do {
            let handedBack = try await handBack(jobs)
            logger.log(level: level, message, metadata: ["jobs": "\(handedBack)"])
        } catch {
            logger.error(
                "handing back jobs failed; the rescuer will take them back when their lease ends",
                metadata: ["error": "\(error)"])
        }
    }

    /// Makes unfinished jobs available again with their attempt given back (a shutdown is not the job's
    /// failure), or cancelled when a cancel was requested; wakes the other workers.
    func handBack(_ jobs: [(id: Int64, attempt: Int)]) async throws -> Int {
        try await pool.withTransaction { tx in
            let rows = try await tx.query(
                """
                WITH handed AS (
                  UPDATE queue.jobs AS j SET
                    state = CASE WHEN j.cancel_requested_at IS NULL THEN 'available' ELSE 'cancelled' END,
                    finalized_at = CASE WHEN j.cancel_requested_at IS NULL THEN NULL ELSE now() END,
                    attempt = j.attempt - 1,
                    lease_expires_at = NULL
                  FROM unnest(\(jobs.map(\.id))::bigint[], \(jobs.map(\.attempt))::integer[]) AS held (id, attempt)
                  WHERE j.id = ANY (\(jobs.map(\.id))::bigint[]) AND j.id = held.id AND j.attempt = held.attempt
                    AND j.attempted_by = \(configuration.workerID) AND j.state = 'running'
                  RETURNING j.queue, j.state),
                queues AS (SELECT queue, count(*) AS jobs FROM handed WHERE state = 'available' GROUP BY queue)
                SELECT (SELECT count(*) FROM handed) AS jobs, pg_notify(\(JobQueue.jobsChannel), queue) AS notified
                FROM queues
                """)
            return try rows.first?.decode("jobs", as: Int.self) ?? 0
        }
    }
}
